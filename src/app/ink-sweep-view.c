/* ink-sweep-view.c
 *
 * Copyright 2026 The Inkling developers
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <https://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Sweeps part of the Runs page: the list of sweep folders (read in a
 * thread), and a sweep's page: its runs as a table (one column per swept
 * parameter, then the metrics; sorted by a click on a header), the
 * parallel coordinates and the scatter, Open on a row, line or point; a
 * local sweep runs in a thread (ink_sweep_run_local) whose events and a
 * periodic re-read keep the states live, Stop cancels it (the children
 * keep their checkpoints); a Slurm sweep is re-read with the scheduler's
 * view (ink_sweep_open → ink_sweep_refresh) in a thread now and then. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ink-ledger.h"
#include "ink-markup.h"
#include "ink-sweep-plot.h"
#include "ink-sweep-view.h"

#define LOCAL_REFRESH_S  2
#define SLURM_REFRESH_S 15

static const char *const metrics[] = { "test_accuracy", "valid_accuracy", "valid_loss", "train_loss" };

/* ------------------------------------------------------------------------ */
/* a row of the table: a child as it was read (owns its copies)             */

#define INK_TYPE_SWEEP_ROW (ink_sweep_row_get_type ())
G_DECLARE_FINAL_TYPE (InkSweepRow, ink_sweep_row, INK, SWEEP_ROW, GObject)

struct _InkSweepRow
{
  GObject        parent_instance;
  guint          index;
  char          *id;
  InkSweepState  state;
  char          *message;
  guint          n_params;
  double        *num;          /* NAN for text */
  char         **text;
  guint          epochs_done, epochs_target;
  double         metric[G_N_ELEMENTS (metrics)];
  double         seconds;
};

G_DEFINE_FINAL_TYPE (InkSweepRow, ink_sweep_row, G_TYPE_OBJECT)

static void
ink_sweep_row_finalize (GObject *object)
{
  InkSweepRow *self = INK_SWEEP_ROW (object);
  g_free (self->id);
  g_free (self->message);
  g_free (self->num);
  g_strfreev (self->text);
  G_OBJECT_CLASS (ink_sweep_row_parent_class)->finalize (object);
}

static void
ink_sweep_row_class_init (InkSweepRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ink_sweep_row_finalize;
}

static void
ink_sweep_row_init (InkSweepRow *self)
{
}

static InkSweepRow *
row_new (const InkSweep *sweep, guint index)
{
  const InkSweepChild *c = sweep->children->pdata[index];
  InkSweepRow *row = g_object_new (INK_TYPE_SWEEP_ROW, NULL);

  row->index = index;
  row->id = g_strdup (c->id);
  row->state = c->info.state;
  row->message = g_strdup (c->info.message ? c->info.message : "");
  row->n_params = sweep->params->len;
  row->num = g_new (double, MAX (row->n_params, 1));
  row->text = g_new0 (char *, row->n_params + 1);
  for (guint p = 0; p < row->n_params; p++)
    {
      row->num[p] = ink_sweep_child_value_number (c, p);
      row->text[p] = ink_sweep_child_value_text (c, p);
    }
  row->epochs_done = c->info.epochs_done;
  row->epochs_target = c->info.epochs_target;
  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    row->metric[m] = ink_sweep_child_metric (c, metrics[m]);
  row->seconds = c->info.seconds;
  return row;
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  char    *dir;
  char    *name;
  guint    n;
  guint    counts[INK_SWEEP_HALTED + 1];
  gboolean slurm;
  gint64   mtime;
  char    *error;
} Entry;

static void
entry_free (Entry *e)
{
  g_free (e->dir);
  g_free (e->name);
  g_free (e->error);
  g_free (e);
}

typedef struct _Runner Runner;

struct _InkSweepView
{
  GtkWidget          parent_instance;

  GtkWidget         *toasts;
  GtkWidget         *pages;          /* GtkStack: "list", "sweep" */
  GtkWidget         *list;           /* GtkListBox */
  GtkWidget         *list_scroller;
  GtkWidget         *empty;
  GPtrArray         *entries;        /* Entry* */
  GPtrArray         *opened;         /* char*: folders opened with Open… */
  GCancellable      *list_cancel;

  /* the sweep shown */
  char              *dir;
  InkSweep          *sweep;
  char              *metric;
  GtkWidget         *title;
  GtkWidget         *subtitle;
  GtkWidget         *stop_button;
  GtkWidget         *resume_button;
  GtkWidget         *metric_drop;
  GtkWidget         *x_drop;
  GtkStringList     *x_names;
  GtkColumnView     *table;
  GListStore        *rows;
  GtkSortListModel  *sorted;
  GtkWidget         *parallel;
  GtkWidget         *scatter;
  GtkWidget         *views;          /* GtkStack of the three */
  GCancellable      *refresh_cancel;
  gboolean           refresh_again;
  guint              refresh_source;
  char              *columns_for;    /* the sweep's spec the columns were made for */

  GHashTable        *runners;        /* dir → Runner* */
  gboolean           disposed;
};

G_DEFINE_FINAL_TYPE (InkSweepView, ink_sweep_view, GTK_TYPE_WIDGET)

enum { SIGNAL_OPEN_RUN, N_SIGNALS };
static guint signals[N_SIGNALS];

struct _Runner
{
  InkSweepView *view;       /* not a reference: the task holds one */
  char         *dir;
  char         *cli;
  guint         parallel;
  GCancellable *cancel;
  GMainContext *gui;        /* the window's context, where the events go */
};

static void refresh_now (InkSweepView *self);
static void update_header (InkSweepView *self);

static void
toast (InkSweepView *self, const char *text)
{
  ink_toast_add_plain (ADW_TOAST_OVERLAY (self->toasts), text, 8);
}

char *
ink_sweep_find_cli (void)
{
  const char *env = g_getenv ("INKLING_CLI");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env && *env && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);
  if (exe)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      /* installed side by side; in the build tree src/app and src/cli */
      const char *tries[] = { "inkling-cli", "../cli/inkling-cli", "../src/cli/inkling-cli" };

      for (guint i = 0; i < G_N_ELEMENTS (tries); i++)
        {
          g_autofree char *p = g_build_filename (dir, tries[i], NULL);
          if (g_file_test (p, G_FILE_TEST_IS_EXECUTABLE))
            {
              g_autoptr(GFile) f = g_file_new_for_path (p);
              return g_file_get_path (f);
            }
        }
    }
  return g_find_program_in_path ("inkling-cli");
}

static const char *
state_text (InkSweepState s)
{
  switch (s)
    {
    case INK_SWEEP_PENDING: return _("pending");
    case INK_SWEEP_QUEUED: return _("queued");
    case INK_SWEEP_RUNNING: return _("running");
    case INK_SWEEP_STOPPED: return _("stopped");
    case INK_SWEEP_INTERRUPTED: return _("interrupted");
    case INK_SWEEP_FAILED: return _("failed");
    case INK_SWEEP_COMPLETED: return _("completed");
    case INK_SWEEP_DIVERGED: return _("diverged");
    case INK_SWEEP_HALTED: return _("halted");
    default: return "?";
    }
}

/* "4 runs · 3 completed, 1 running" */
static char *
counts_text (guint n, const guint *counts)
{
  GString *s = g_string_new (NULL);
  gboolean first = TRUE;

  g_string_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", n), n);
  for (int st = INK_SWEEP_PENDING; st <= INK_SWEEP_HALTED; st++)
    if (counts[st])
      {
        g_string_append_printf (s, first ? " · %u %s" : ", %u %s", counts[st], state_text (st));
        first = FALSE;
      }
  return g_string_free (s, FALSE);
}

/* ---- the list of sweeps -------------------------------------------------- */

static Entry *
read_entry (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSweep) s = ink_sweep_open (dir, &error);
  Entry *e = g_new0 (Entry, 1);
  g_autofree char *spec = g_build_filename (dir, "sweep.json", NULL);
  g_autoptr(GFile) f = g_file_new_for_path (spec);
  g_autoptr(GFileInfo) info = g_file_query_info (f, G_FILE_ATTRIBUTE_TIME_MODIFIED, 0, NULL, NULL);

  e->dir = g_strdup (dir);
  e->mtime = info ? (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) : 0;
  if (s == NULL)
    {
      e->name = g_path_get_basename (dir);
      e->error = g_strdup (error->message);
      return e;
    }
  e->name = g_strdup (s->name);
  e->n = s->children->len;
  ink_sweep_count_states (s, e->counts);
  {
    g_auto(GStrv) jobs = ink_sweep_slurm_jobs (s);
    e->slurm = jobs && jobs[0];
  }
  return e;
}

static int
entry_newest_first (gconstpointer a, gconstpointer b)
{
  const Entry *x = *(Entry **) a, *y = *(Entry **) b;
  g_autofree char *bx = g_path_get_basename (x->dir);
  g_autofree char *by = g_path_get_basename (y->dir);
  int c = g_strcmp0 (by, bx);
  return c ? c : (y->mtime > x->mtime) - (y->mtime < x->mtime);
}

static void
list_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  GStrv dirs = data;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* dirs[0]: the root, scanned; the rest: folders opened by hand */
  for (guint i = 0; dirs[i]; i++)
    {
      if (i == 0)
        {
          g_autoptr(GDir) d = g_dir_open (dirs[0], 0, NULL);
          const char *name;

          while (d && (name = g_dir_read_name (d)) && !g_cancellable_is_cancelled (cancel))
            {
              g_autofree char *sub = g_build_filename (dirs[0], name, NULL);
              g_autofree char *spec = g_build_filename (sub, "sweep.json", NULL);

              if (!g_file_test (spec, G_FILE_TEST_EXISTS))
                continue;
              g_ptr_array_add (out, read_entry (sub));
            }
          g_ptr_array_sort (out, entry_newest_first);
        }
      else
        {
          gboolean dup = FALSE;
          for (guint k = 0; k < out->len && !dup; k++)
            dup = g_str_equal (((Entry *) out->pdata[k])->dir, dirs[i]);
          if (!dup)
            g_ptr_array_insert (out, 0, read_entry (dirs[i]));
        }
    }
  g_task_return_pointer (task, out, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_row_activated (GtkListBox *box, GtkListBoxRow *row, InkSweepView *self)
{
  const char *dir = g_object_get_data (G_OBJECT (row), "ink-dir");
  g_autoptr(GError) error = NULL;

  if (dir && !ink_sweep_view_show_dir (self, dir, &error))
    toast (self, error->message);
}

static void
fill_list (InkSweepView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->list)))
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = self->entries->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *counts = counts_text (e->n, e->counts);
      g_autofree char *base = g_path_get_basename (e->dir);
      g_autofree char *sub = e->error ? g_strdup (e->error)
                                      : g_strdup_printf ("%s · %s%s", counts, base, e->slurm ? _(" · Slurm") : "");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      ink_row_set_plain_subtitle (ADW_ACTION_ROW (row), sub);
      gtk_widget_set_tooltip_text (row, e->dir);
      if (e->error)
        gtk_widget_add_css_class (row, "error");
      else
        {
          GtkWidget *go = gtk_image_new_from_icon_name ("go-next-symbolic");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), go);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_object_set_data_full (G_OBJECT (row), "ink-dir", g_strdup (e->dir), g_free);
        }
      if (g_hash_table_contains (self->runners, e->dir))
        {
          GtkWidget *spin = gtk_spinner_new ();
          gtk_spinner_start (GTK_SPINNER (spin));
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), spin);
        }
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
    }
  gtk_widget_set_visible (self->empty, self->entries->len == 0);
  gtk_widget_set_visible (self->list_scroller, self->entries->len > 0);
}

static void
list_done (GObject *source, GAsyncResult *res, gpointer data)
{
  InkSweepView *self = INK_SWEEP_VIEW (source);
  GPtrArray *entries = g_task_propagate_pointer (G_TASK (res), NULL);

  if (entries == NULL || self->disposed)
    {
      g_clear_pointer (&entries, g_ptr_array_unref);
      return;
    }
  g_ptr_array_unref (self->entries);
  self->entries = entries;
  fill_list (self);
}

void
ink_sweep_view_reload (InkSweepView *self)
{
  g_autoptr(GTask) task = NULL;
  GStrvBuilder *b = g_strv_builder_new ();
  g_autofree char *root = ink_sweep_default_root ();

  if (self->list_cancel)
    g_cancellable_cancel (self->list_cancel);
  g_clear_object (&self->list_cancel);
  self->list_cancel = g_cancellable_new ();
  g_strv_builder_add (b, root);
  for (guint i = 0; i < self->opened->len; i++)
    g_strv_builder_add (b, self->opened->pdata[i]);
  task = g_task_new (self, self->list_cancel, list_done, NULL);
  g_task_set_task_data (task, g_strv_builder_end (b), (GDestroyNotify) g_strfreev);
  g_strv_builder_unref (b);
  g_task_run_in_thread (task, list_thread);
}

guint
ink_sweep_view_get_n_sweeps (InkSweepView *self)
{
  return self->entries->len;
}

/* ---- Open… a sweep folder (one copied back from a cluster) --------------- */

static void
on_open_response (GtkNativeDialog *dialog, int response, InkSweepView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) f = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *dir = f ? g_file_get_path (f) : NULL;
      g_autoptr(GError) error = NULL;

      if (dir && !ink_sweep_view_show_dir (self, dir, &error))
        toast (self, error->message);
    }
  g_object_unref (dialog);
}

static void
on_open_clicked (GtkButton *button, InkSweepView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *d = gtk_file_chooser_native_new (_("Open a Sweep Folder"),
                                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), NULL);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (d), TRUE);
  g_signal_connect (d, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

/* ---- the table ----------------------------------------------------------- */

enum
{
  COL_ID = 1,
  COL_STATE,
  COL_EPOCHS,
  COL_TIME,
  COL_OPEN,
  COL_METRIC = 50,   /* + index in metrics[] */
  COL_PARAM = 100,   /* + parameter index */
};

static int
cmp_double (double a, double b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b);
  return a < b ? -1 : a > b;
}

static int
compare_rows (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const InkSweepRow *a = pa, *b = pb;
  int col = GPOINTER_TO_INT (data), c = 0;

  if (col >= COL_PARAM)
    {
      guint p = col - COL_PARAM;
      if (p < a->n_params && p < b->n_params)
        c = isnan (a->num[p]) || isnan (b->num[p]) ? g_utf8_collate (a->text[p], b->text[p])
                                                   : cmp_double (a->num[p], b->num[p]);
    }
  else if (col >= COL_METRIC)
    c = cmp_double (a->metric[col - COL_METRIC], b->metric[col - COL_METRIC]);
  else if (col == COL_STATE)
    c = g_utf8_collate (state_text (a->state), state_text (b->state));
  else if (col == COL_EPOCHS)
    c = (a->epochs_done > b->epochs_done) - (a->epochs_done < b->epochs_done);
  else if (col == COL_TIME)
    c = cmp_double (a->seconds, b->seconds);
  else if (col == COL_ID)
    c = g_strcmp0 (a->id, b->id);
  if (c == 0)
    c = (a->index > b->index) - (a->index < b->index);
  return c;
}

static void
open_child (InkSweepView *self, guint index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkLedgerRun) run = NULL;
  const InkSweepChild *c;

  if (self->sweep == NULL || index >= self->sweep->children->len)
    return;
  c = self->sweep->children->pdata[index];
  run = ink_ledger_run_load (c->dir, &error);
  if (run == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not open the run %s: %s"), c->id, error->message);
      toast (self, msg);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_OPEN_RUN], 0, run);
}

static void
on_cell_open (GtkButton *button, InkSweepView *self)
{
  InkSweepRow *row = g_object_get_data (G_OBJECT (button), "ink-row");
  if (row)
    open_child (self, row->index);
}

static void
on_table_activate (GtkColumnView *view, guint position, InkSweepView *self)
{
  g_autoptr(InkSweepRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  if (row)
    open_child (self, row->index);
}

static void
setup_cell (GtkSignalListItemFactory *f, GtkListItem *li, InkSweepView *self)
{
  int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (f), "ink-column"));
  GtkWidget *w;

  if (col == COL_OPEN)
    {
      /* an icon: the metrics stay in view at 800 px */
      w = gtk_button_new_from_icon_name ("document-open-symbolic");
      gtk_widget_set_name (w, "ink-sweep-open");
      gtk_accessible_update_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open"), -1);
      gtk_widget_add_css_class (w, "flat");
      gtk_widget_set_tooltip_text (w, _("Load this run's experiment into the forms, its history into Train and its model into the pages"));
      g_signal_connect (w, "clicked", G_CALLBACK (on_cell_open), self);
    }
  else
    {
      w = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (w), col == COL_ID || col == COL_STATE ? 0 : 1);
      if (col != COL_STATE)
        gtk_widget_add_css_class (w, "numeric");
      if (col == COL_ID)
        gtk_widget_set_name (w, "ink-sweep-child-id");
    }
  gtk_list_item_set_child (li, w);
}

static char *
metric_text (guint m, double v)
{
  if (!isfinite (v))
    return g_strdup ("—");
  return m < 2 ? g_strdup_printf ("%.2f%%", 100 * v) : g_strdup_printf ("%.4f", v);
}

static void
bind_cell (GtkSignalListItemFactory *f, GtkListItem *li, InkSweepView *self)
{
  int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (f), "ink-column"));
  InkSweepRow *row = gtk_list_item_get_item (li);
  GtkWidget *w = gtk_list_item_get_child (li);
  g_autofree char *text = NULL;

  g_object_set_data (G_OBJECT (w), "ink-row", row);
  if (col == COL_OPEN)
    return;
  gtk_widget_remove_css_class (w, "error");
  gtk_widget_remove_css_class (w, "dim-label");
  gtk_widget_set_tooltip_text (w, NULL);
  if (col >= COL_PARAM)
    {
      guint p = col - COL_PARAM;

      /* four figures in the table (a drawn 0.0014772767 reads 0.001477);
       * the value as the run's experiment holds it in the tooltip */
      if (p < row->n_params && isfinite (row->num[p]) && row->num[p] != floor (row->num[p]))
        {
          text = g_strdup_printf ("%.4g", row->num[p]);
          gtk_widget_set_tooltip_text (w, row->text[p]);
        }
      else
        text = g_strdup (p < row->n_params ? row->text[p] : "");
    }
  else if (col >= COL_METRIC)
    text = metric_text (col - COL_METRIC, row->metric[col - COL_METRIC]);
  else if (col == COL_ID)
    text = g_strdup (row->id);
  else if (col == COL_STATE)
    {
      text = g_strdup (state_text (row->state));
      if (row->state == INK_SWEEP_FAILED || row->state == INK_SWEEP_DIVERGED)
        gtk_widget_add_css_class (w, "error");
      else if (row->state == INK_SWEEP_PENDING || row->state == INK_SWEEP_QUEUED || row->state == INK_SWEEP_HALTED)
        gtk_widget_add_css_class (w, "dim-label");
      if (row->message && *row->message)
        gtk_widget_set_tooltip_text (w, row->message);
    }
  else if (col == COL_EPOCHS)
    text = row->state == INK_SWEEP_RUNNING && row->epochs_target
           ? g_strdup_printf ("%u/%u", row->epochs_done, row->epochs_target)
           : g_strdup_printf ("%u", row->epochs_done);
  else if (col == COL_TIME)
    /* short runs of a small subset: not "0 s" */
    text = row->seconds <= 0 ? g_strdup ("—")
           : row->seconds < 0.5 ? g_strdup (_("< 1 s"))
           : ink_format_duration (row->seconds);
  gtk_label_set_text (GTK_LABEL (w), text ? text : "");
}

static GtkColumnViewColumn *
add_column (InkSweepView *self, int col, const char *title)
{
  GtkListItemFactory *f = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *c;

  g_object_set_data (G_OBJECT (f), "ink-column", GINT_TO_POINTER (col));
  g_signal_connect (f, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (f, "bind", G_CALLBACK (bind_cell), self);
  c = gtk_column_view_column_new (title, f);
  g_object_set_data (G_OBJECT (c), "ink-column", GINT_TO_POINTER (col));
  if (col != COL_OPEN)
    {
      GtkSorter *s = GTK_SORTER (gtk_custom_sorter_new (compare_rows, GINT_TO_POINTER (col), NULL));
      gtk_column_view_column_set_sorter (c, s);
      g_object_unref (s);
      gtk_column_view_column_set_resizable (c, TRUE);
    }
  gtk_column_view_append_column (self->table, c);
  g_object_unref (c);
  return c;
}

static GtkColumnViewColumn *
find_column (InkSweepView *self, int col)
{
  GListModel *cols = gtk_column_view_get_columns (self->table);

  for (guint i = 0; i < g_list_model_get_n_items (cols); i++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (cols, i);
      if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (c), "ink-column")) == col)
        return c;
    }
  return NULL;
}

static guint
metric_index (const char *metric)
{
  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    if (g_strcmp0 (metrics[m], metric) == 0)
      return m;
  return 0;
}

static void
sort_by_metric (InkSweepView *self)
{
  guint m = metric_index (self->metric);
  GtkColumnViewColumn *c = find_column (self, COL_METRIC + m);

  if (c)
    gtk_column_view_sort_by_column (self->table, c, ink_sweep_metric_higher_better (metrics[m])
                                                    ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

/* one column per parameter: made again when another sweep is shown */
static void
make_columns (InkSweepView *self)
{
  GListModel *cols = gtk_column_view_get_columns (self->table);
  const char *titles[G_N_ELEMENTS (metrics)] = { _("Test acc."), _("Valid acc."), _("Valid loss"), _("Train loss") };

  while (g_list_model_get_n_items (cols) > 0)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (cols, 0);
      gtk_column_view_remove_column (self->table, c);
    }
  add_column (self, COL_OPEN, NULL);
  add_column (self, COL_ID, _("Run"));
  add_column (self, COL_STATE, _("State"));
  for (guint p = 0; p < self->sweep->params->len; p++)
    {
      const InkSweepParam *param = self->sweep->params->pdata[p];
      g_autofree char *title = ink_sweep_param_title (param->path);
      add_column (self, COL_PARAM + p, title);
    }
  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    add_column (self, COL_METRIC + m, titles[m]);
  add_column (self, COL_EPOCHS, _("Epochs"));
  /* the table fills the card */
  gtk_column_view_column_set_expand (add_column (self, COL_TIME, _("Time")), TRUE);
  sort_by_metric (self);
}

/* ---- showing the sweep --------------------------------------------------- */

static void
fill_x_choices (InkSweepView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->x_names));
  GStrvBuilder *b = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  for (guint p = 0; p < self->sweep->params->len; p++)
    {
      g_autofree char *t = ink_sweep_param_title (((InkSweepParam *) self->sweep->params->pdata[p])->path);
      g_strv_builder_add (b, t);
    }
  names = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  gtk_string_list_splice (self->x_names, 0, n, (const char * const *) names);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->x_drop), 0);
}

static void
update_plots (InkSweepView *self)
{
  guint x = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->x_drop));

  if (self->sweep == NULL)
    return;
  if (x == GTK_INVALID_LIST_POSITION || x >= self->sweep->params->len)
    x = 0;
  ink_parallel_coords_set_plot (INK_PARALLEL_COORDS (self->parallel), ink_sweep_plot_new (self->sweep, self->metric));
  ink_sweep_scatter_set_plot (INK_SWEEP_SCATTER (self->scatter), ink_sweep_plot_new (self->sweep, self->metric), x);
}

/* takes sweep */
static void
set_sweep (InkSweepView *self, InkSweep *sweep)
{
  g_autoptr(InkSweep) old = self->sweep;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *spec = ink_sweep_to_json (sweep);

  self->sweep = sweep;
  if (g_strcmp0 (spec, self->columns_for) != 0)
    {
      g_free (self->columns_for);
      self->columns_for = g_steal_pointer (&spec);
      make_columns (self);
      fill_x_choices (self);
    }
  for (guint i = 0; i < sweep->children->len; i++)
    g_ptr_array_add (rows, row_new (sweep, i));
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)), rows->pdata, rows->len);
  update_plots (self);
  update_header (self);
}

static gboolean
needs_watching (InkSweepView *self)
{
  g_auto(GStrv) jobs = NULL;

  if (self->sweep == NULL)
    return FALSE;
  if (g_hash_table_contains (self->runners, self->dir))
    return TRUE;
  jobs = ink_sweep_slurm_jobs (self->sweep);
  if (jobs == NULL || jobs[0] == NULL)
    return FALSE;
  for (guint i = 0; i < self->sweep->children->len; i++)
    {
      InkSweepState s = ((InkSweepChild *) self->sweep->children->pdata[i])->info.state;
      if (s == INK_SWEEP_QUEUED || s == INK_SWEEP_RUNNING || s == INK_SWEEP_PENDING)
        return TRUE;
    }
  return FALSE;
}

static gboolean
on_refresh_timer (gpointer data)
{
  InkSweepView *self = data;

  self->refresh_source = 0;
  refresh_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (InkSweepView *self)
{
  if (self->refresh_source || self->disposed || !needs_watching (self))
    return;
  self->refresh_source = g_timeout_add_seconds (g_hash_table_contains (self->runners, self->dir)
                                                ? LOCAL_REFRESH_S : SLURM_REFRESH_S,
                                                on_refresh_timer, self);
}

/* Stop: shown while the sweep on show runs here, insensitive once asked
 * (its children are saving their checkpoints) */
static void
show_stop (InkSweepView *self)
{
  Runner *r = self->dir ? g_hash_table_lookup (self->runners, self->dir) : NULL;

  gtk_widget_set_visible (self->stop_button, r != NULL);
  gtk_widget_set_sensitive (self->stop_button, r != NULL && !g_cancellable_is_cancelled (r->cancel));
}

static void
update_header (InkSweepView *self)
{
  guint counts[INK_SWEEP_HALTED + 1];
  g_autofree char *text = NULL;
  gboolean running, finished = TRUE;
  g_auto(GStrv) jobs = NULL;

  if (self->sweep == NULL)
    return;
  running = g_hash_table_contains (self->runners, self->dir);
  ink_sweep_count_states (self->sweep, counts);
  text = counts_text (self->sweep->children->len, counts);
  jobs = ink_sweep_slurm_jobs (self->sweep);
  if (jobs && jobs[0])
    {
      g_autofree char *t = g_strdup_printf (_("%s · Slurm job %s"), text, jobs[g_strv_length (jobs) - 1]);
      g_free (text);
      text = g_steal_pointer (&t);
    }
  if (running && g_cancellable_is_cancelled (((Runner *) g_hash_table_lookup (self->runners, self->dir))->cancel))
    {
      g_free (text);
      text = g_strdup (_("Stopping: the running children save their checkpoints…"));
    }
  gtk_label_set_text (GTK_LABEL (self->title), self->sweep->name);
  gtk_label_set_text (GTK_LABEL (self->subtitle), text);
  gtk_widget_set_tooltip_text (self->subtitle, self->dir);
  for (guint i = 0; i < self->sweep->children->len; i++)
    finished &= ink_sweep_state_is_final (((InkSweepChild *) self->sweep->children->pdata[i])->info.state);
  show_stop (self);
  gtk_widget_set_visible (self->resume_button, !running && !finished && !(jobs && jobs[0]));
  schedule_refresh (self);
}

static void
refresh_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  GError *error = NULL;
  InkSweep *s = ink_sweep_open (data, &error);

  if (s)
    g_task_return_pointer (task, s, (GDestroyNotify) ink_sweep_free);
  else
    g_task_return_error (task, error);
}

static void
refresh_done (GObject *source, GAsyncResult *res, gpointer data)
{
  InkSweepView *self = INK_SWEEP_VIEW (source);
  g_autoptr(GError) error = NULL;
  InkSweep *s = g_task_propagate_pointer (G_TASK (res), &error);
  const char *dir = g_task_get_task_data (G_TASK (res));

  if (self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&s, ink_sweep_free);
      return;
    }
  g_clear_object (&self->refresh_cancel);
  if (g_strcmp0 (dir, self->dir) != 0)
    g_clear_pointer (&s, ink_sweep_free);
  else if (s == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("The sweep could not be read: %s"), error->message);
      toast (self, msg);
    }
  else
    set_sweep (self, s);
  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      refresh_now (self);
    }
}

static void
refresh_now (InkSweepView *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->dir == NULL || self->disposed)
    return;
  if (self->refresh_cancel)
    {
      self->refresh_again = TRUE;
      return;
    }
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->refresh_cancel = g_cancellable_new ();
  task = g_task_new (self, self->refresh_cancel, refresh_done, NULL);
  g_task_set_task_data (task, g_strdup (self->dir), g_free);
  g_task_run_in_thread (task, refresh_thread);
}

gboolean
ink_sweep_view_show_dir (InkSweepView *self,
                         const char   *dir,
                         GError      **error)
{
  g_autofree char *spec = g_build_filename (dir, "sweep.json", NULL);
  g_autoptr(GFile) f = g_file_new_for_path (dir);
  g_autofree char *abs = g_file_get_path (f);

  if (!g_file_test (spec, G_FILE_TEST_EXISTS))
    {
      g_autofree char *name = g_filename_display_name (dir);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("“%s” is not a sweep folder: it has no sweep.json"), name);
      return FALSE;
    }
  if (g_strcmp0 (abs, self->dir) != 0)
    {
      g_autofree char *root = ink_sweep_default_root ();
      g_autofree char *parent = g_path_get_dirname (abs);

      if (self->refresh_cancel)
        g_cancellable_cancel (self->refresh_cancel);
      g_clear_object (&self->refresh_cancel);
      self->refresh_again = FALSE;
      g_clear_handle_id (&self->refresh_source, g_source_remove);
      g_free (self->dir);
      self->dir = g_strdup (abs);
      g_clear_pointer (&self->sweep, ink_sweep_free);
      g_clear_pointer (&self->columns_for, g_free);
      g_list_store_remove_all (self->rows);
      ink_parallel_coords_set_plot (INK_PARALLEL_COORDS (self->parallel), NULL);
      ink_sweep_scatter_set_plot (INK_SWEEP_SCATTER (self->scatter), NULL, 0);
      {
        g_autofree char *base = g_path_get_basename (abs);
        gtk_label_set_text (GTK_LABEL (self->title), base);
        gtk_label_set_text (GTK_LABEL (self->subtitle), _("Reading the sweep…"));
      }
      show_stop (self);
      gtk_widget_set_visible (self->resume_button, FALSE);
      /* a folder from elsewhere (copied back from a cluster) stays listed */
      if (g_strcmp0 (parent, root) != 0 &&
          !g_ptr_array_find_with_equal_func (self->opened, abs, g_str_equal, NULL))
        {
          g_ptr_array_add (self->opened, g_strdup (abs));
          ink_sweep_view_reload (self);
        }
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->pages), "sweep");
  refresh_now (self);
  return TRUE;
}

static void
on_back (GtkButton *button, InkSweepView *self)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->pages), "list");
  ink_sweep_view_reload (self);
}

static void
on_refresh_clicked (GtkButton *button, InkSweepView *self)
{
  refresh_now (self);
}

static void
on_metric_changed (GtkDropDown *drop, GParamSpec *pspec, InkSweepView *self)
{
  guint m = gtk_drop_down_get_selected (drop);

  if (m >= G_N_ELEMENTS (metrics) || g_strcmp0 (self->metric, metrics[m]) == 0)
    return;
  g_free (self->metric);
  self->metric = g_strdup (metrics[m]);
  sort_by_metric (self);
  update_plots (self);
}

static void
on_x_changed (GtkDropDown *drop, GParamSpec *pspec, InkSweepView *self)
{
  update_plots (self);
}

static void
on_child_activated (GtkWidget *plot, guint index, InkSweepView *self)
{
  open_child (self, index);
}

/* ---- the local executor -------------------------------------------------- */

static void
runner_free (Runner *r)
{
  g_free (r->dir);
  g_free (r->cli);
  g_clear_object (&r->cancel);
  g_clear_pointer (&r->gui, g_main_context_unref);
  g_free (r);
}

typedef struct
{
  InkSweepView *view;       /* a reference: the task holds one while events come */
  char         *dir;
  guint         index;
  InkSweepState state;
} Event;

static gboolean
event_idle (gpointer data)
{
  Event *e = data;
  InkSweepView *self = e->view;

  if (!self->disposed && g_strcmp0 (self->dir, e->dir) == 0 && self->sweep &&
      e->index < self->sweep->children->len)
    {
      InkSweepChild *c = self->sweep->children->pdata[e->index];

      /* at once in the table; the files are read again just after */
      c->info.state = e->state;
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
        {
          g_autoptr(InkSweepRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
          if (row->index == e->index)
            {
              g_autoptr(InkSweepRow) fresh = row_new (self->sweep, e->index);
              g_list_store_splice (self->rows, i, 1, (gpointer *) &fresh, 1);
              break;
            }
        }
      update_header (self);
      refresh_now (self);
    }
  return G_SOURCE_REMOVE;
}

static void
event_free (Event *e)
{
  g_object_unref (e->view);
  g_free (e->dir);
  g_free (e);
}

/* in the runner's thread */
static void
on_event (const InkSweepEvent *event, gpointer data)
{
  Runner *r = data;
  GSource *source;
  Event *e;

  if (event->child == NULL)
    return;
  e = g_new0 (Event, 1);
  e->view = g_object_ref (r->view);
  e->dir = g_strdup (r->dir);
  e->index = event->child->index;
  e->state = event->kind == INK_SWEEP_EVENT_STARTED ? INK_SWEEP_RUNNING : event->child->info.state;
  /* an idle of the window's context, always: never called from here (as
   * g_main_context_invoke would where this thread could own that context) */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, event_idle, e, (GDestroyNotify) event_free);
  g_source_set_static_name (source, "[inkling] sweep event");
  g_source_attach (source, r->gui);
  g_source_unref (source);
}

static void
run_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  Runner *r = data;
  GError *error = NULL;
  g_autoptr(InkSweep) sweep = ink_sweep_open (r->dir, &error);
  InkSweepLocalOptions opt = { r->cli, r->parallel, 0 };
  /* ink_sweep_run_local iterates the calling thread's default context
   * (its children's exits come there): this thread's own, never the
   * window's, whose sources (GTK's, the events' idles) would then run in
   * this thread */
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  gboolean ok;

  g_main_context_push_thread_default (ctx);
  ok = sweep != NULL && ink_sweep_run_local (sweep, &opt, cancel, on_event, r, &error);
  g_main_context_pop_thread_default (ctx);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_done (GObject *source, GAsyncResult *res, gpointer data)
{
  InkSweepView *self = INK_SWEEP_VIEW (source);
  g_autofree char *dir = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);

  if (self->disposed)
    return;
  g_hash_table_remove (self->runners, dir);
  if (ok)
    toast (self, _("The sweep has finished"));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, _("The sweep was stopped; its runs kept their checkpoints (Resume goes on)"));
  else
    {
      g_autofree char *msg = g_strdup_printf (_("The sweep did not finish: %s"), error->message);
      toast (self, msg);
    }
  if (g_strcmp0 (dir, self->dir) == 0)
    {
      update_header (self);
      refresh_now (self);
    }
  ink_sweep_view_reload (self);
}

void
ink_sweep_view_start_local (InkSweepView *self,
                            const char   *dir,
                            guint         parallel,
                            const char   *metric)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Runner *r;

  if (g_hash_table_contains (self->runners, dir))
    return;
  r = g_new0 (Runner, 1);
  r->view = self;
  r->dir = g_strdup (dir);
  r->cli = ink_sweep_find_cli ();
  r->parallel = parallel;
  r->cancel = g_cancellable_new ();
  r->gui = g_main_context_ref_thread_default ();
  if (r->cli == NULL)
    {
      toast (self, _("The sweep cannot run: inkling-cli was found neither beside Inkling nor on PATH"));
      runner_free (r);
      return;
    }
  if (metric)
    {
      g_free (self->metric);
      self->metric = g_strdup (metric);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->metric_drop), metric_index (metric));
    }
  g_hash_table_insert (self->runners, g_strdup (dir), r);
  /* run_done's data: the folder, whatever happens to the runner */
  task = g_task_new (self, r->cancel, run_done, g_strdup (dir));
  g_task_set_task_data (task, r, NULL);
  g_task_run_in_thread (task, run_thread);
  if (!ink_sweep_view_show_dir (self, dir, &error))
    toast (self, error->message);
  ink_sweep_view_reload (self);
}

gboolean
ink_sweep_view_is_running (InkSweepView *self,
                           const char   *dir)
{
  return g_hash_table_contains (self->runners, dir);
}

static void
on_stop (GtkButton *button, InkSweepView *self)
{
  Runner *r = self->dir ? g_hash_table_lookup (self->runners, self->dir) : NULL;

  if (r)
    {
      g_cancellable_cancel (r->cancel);
      show_stop (self);
      update_header (self);
    }
}

static void
on_resume (GtkButton *button, InkSweepView *self)
{
  if (self->dir)
    ink_sweep_view_start_local (self, self->dir, 0, NULL);
}

/* ---- Slurm ---------------------------------------------------------------- */

typedef struct
{
  char              *dir;
  char              *cli;
  InkSweepSlurmSpec  spec;
  guint              parallel;
} Submit;

static void
submit_free (Submit *s)
{
  g_free (s->dir);
  g_free (s->cli);
  g_free (s->spec.partition);
  g_free (s->spec.time);
  g_free (s->spec.mem);
  g_free (s->spec.account);
  g_strfreev (s->spec.extra);
  g_free (s);
}

static void
submit_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  Submit *s = data;
  GError *error = NULL;
  g_autoptr(InkSweep) sweep = ink_sweep_open (s->dir, &error);
  char *job = NULL;

  if (sweep == NULL || !ink_sweep_slurm_submit (sweep, &s->spec, s->parallel, s->cli, &job, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, g_free);
}

static void
submit_done (GObject *source, GAsyncResult *res, gpointer data)
{
  InkSweepView *self = INK_SWEEP_VIEW (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *job = g_task_propagate_pointer (G_TASK (res), &error);
  g_autofree char *msg = job ? g_strdup_printf (_("Submitted to Slurm as job array %s"), job)
                             : g_strdup_printf (_("Not submitted to Slurm: %s"), error->message);

  if (self->disposed)
    return;
  toast (self, msg);
  refresh_now (self);
  ink_sweep_view_reload (self);
}

void
ink_sweep_view_start_slurm (InkSweepView            *self,
                            const char              *dir,
                            const InkSweepSlurmSpec *spec,
                            guint                    parallel,
                            const char              *metric)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Submit *s = g_new0 (Submit, 1);

  s->dir = g_strdup (dir);
  s->cli = ink_sweep_find_cli ();
  s->spec.partition = g_strdup (spec->partition);
  s->spec.time = g_strdup (spec->time);
  s->spec.cpus_per_task = spec->cpus_per_task;
  s->spec.mem = g_strdup (spec->mem);
  s->spec.account = g_strdup (spec->account);
  s->spec.extra = g_strdupv (spec->extra);
  s->parallel = parallel;
  if (s->cli == NULL)
    {
      toast (self, _("Not submitted: inkling-cli was found neither beside Inkling nor on PATH"));
      submit_free (s);
      return;
    }
  if (metric)
    {
      g_free (self->metric);
      self->metric = g_strdup (metric);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->metric_drop), metric_index (metric));
    }
  task = g_task_new (self, NULL, submit_done, NULL);
  g_task_set_task_data (task, s, (GDestroyNotify) submit_free);
  g_task_run_in_thread (task, submit_thread);
  if (!ink_sweep_view_show_dir (self, dir, &error))
    toast (self, error->message);
}

/* ---- getters ------------------------------------------------------------- */

const InkSweep *
ink_sweep_view_get_sweep (InkSweepView *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->pages)), "sweep") == 0 ? self->sweep : NULL;
}

GtkColumnView *
ink_sweep_view_get_table (InkSweepView *self)
{
  return self->table;
}

InkParallelCoords *
ink_sweep_view_get_parallel_coords (InkSweepView *self)
{
  return INK_PARALLEL_COORDS (self->parallel);
}

InkSweepScatter *
ink_sweep_view_get_scatter (InkSweepView *self)
{
  return INK_SWEEP_SCATTER (self->scatter);
}

GArray *
ink_sweep_view_get_row_order (InkSweepView *self)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sorted)); i++)
    {
      g_autoptr(InkSweepRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), i);
      g_array_append_val (out, row->index);
    }
  return out;
}

/* ---- building ------------------------------------------------------------ */

static void
ink_sweep_view_dispose (GObject *object)
{
  InkSweepView *self = INK_SWEEP_VIEW (object);
  GHashTableIter it;
  gpointer r;

  self->disposed = TRUE;
  /* the window is going: running children stop with their checkpoints */
  g_hash_table_iter_init (&it, self->runners);
  while (g_hash_table_iter_next (&it, NULL, &r))
    g_cancellable_cancel (((Runner *) r)->cancel);
  if (self->list_cancel)
    g_cancellable_cancel (self->list_cancel);
  if (self->refresh_cancel)
    g_cancellable_cancel (self->refresh_cancel);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_pointer (&self->toasts, gtk_widget_unparent);
  G_OBJECT_CLASS (ink_sweep_view_parent_class)->dispose (object);
}

static void
ink_sweep_view_finalize (GObject *object)
{
  InkSweepView *self = INK_SWEEP_VIEW (object);

  g_ptr_array_unref (self->entries);
  g_ptr_array_unref (self->opened);
  g_clear_object (&self->list_cancel);
  g_clear_object (&self->refresh_cancel);
  g_clear_object (&self->rows);
  g_clear_object (&self->sorted);
  g_free (self->dir);
  g_free (self->metric);
  g_free (self->columns_for);
  g_clear_pointer (&self->sweep, ink_sweep_free);
  g_hash_table_unref (self->runners);
  G_OBJECT_CLASS (ink_sweep_view_parent_class)->finalize (object);
}

static void
ink_sweep_view_class_init (InkSweepViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ink_sweep_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = ink_sweep_view_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  signals[SIGNAL_OPEN_RUN] = g_signal_new ("open-run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static GtkWidget *
build_list_page (InkSweepView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *where, *open, *clamp;
  g_autofree char *root = ink_sweep_default_root ();
  g_autofree char *text = g_strdup_printf (_("Sweeps are kept in %s, each run of a sweep a run folder in it. Start one from the Design page with Sweep…"), root);

  where = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (where), TRUE);
  gtk_label_set_xalign (GTK_LABEL (where), 0);
  gtk_widget_set_hexpand (where, TRUE);
  gtk_widget_add_css_class (where, "dim-label");
  open = gtk_button_new_with_mnemonic (_("_Open…"));
  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (open, _("Open a sweep folder, for example one copied back from a cluster"));
  g_signal_connect (open, "clicked", G_CALLBACK (on_open_clicked), self);
  gtk_box_append (GTK_BOX (header), where);
  gtk_box_append (GTK_BOX (header), open);
  gtk_box_append (GTK_BOX (box), header);

  self->list = gtk_list_box_new ();
  gtk_widget_set_name (self->list, "ink-sweep-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_widget_set_valign (self->list, GTK_ALIGN_START);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->list);
  self->list_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->list_scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->list_scroller), clamp);
  gtk_widget_set_vexpand (self->list_scroller, TRUE);
  gtk_box_append (GTK_BOX (box), self->list_scroller);

  self->empty = adw_status_page_new ();
  gtk_widget_set_vexpand (self->empty, TRUE);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty), "view-grid-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->empty), _("No Sweeps Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (self->empty),
                                   _("A sweep trains many runs from one experiment: press Sweep… on the Design page."));
  gtk_box_append (GTK_BOX (box), self->empty);
  gtk_widget_set_visible (self->list_scroller, FALSE);
  return box;
}

static GtkWidget *
build_sweep_page (InkSweepView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *back, *refresh, *bar, *switcher, *scroller, *scatter_box, *xrow, *xlabel, *mlabel;
  const char *metric_names[] = { _("Test accuracy"), _("Validation accuracy"), _("Validation loss"),
                                 _("Training loss"), NULL };

  back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_name (back, "ink-sweep-back");
  gtk_widget_set_valign (back, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (back, _("All sweeps"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back"), -1);
  g_signal_connect (back, "clicked", G_CALLBACK (on_back), self);
  self->title = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->title, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_END);
  self->subtitle = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->subtitle, "dim-label");
  gtk_widget_add_css_class (self->subtitle, "caption");
  gtk_label_set_xalign (GTK_LABEL (self->subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->subtitle), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (titles), self->title);
  gtk_box_append (GTK_BOX (titles), self->subtitle);
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);

  mlabel = gtk_label_new_with_mnemonic (_("_Metric"));
  gtk_widget_add_css_class (mlabel, "dim-label");
  self->metric_drop = gtk_drop_down_new_from_strings (metric_names);
  gtk_widget_set_valign (self->metric_drop, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->metric_drop, _("The metric the table is sorted by and the plots show"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (mlabel), self->metric_drop);
  g_signal_connect (self->metric_drop, "notify::selected", G_CALLBACK (on_metric_changed), self);

  refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_valign (refresh, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (refresh, _("Read the runs' files again (and ask Slurm, for a sweep submitted there)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh"), -1);
  g_signal_connect (refresh, "clicked", G_CALLBACK (on_refresh_clicked), self);
  self->resume_button = gtk_button_new_with_mnemonic (_("_Resume"));
  gtk_widget_set_valign (self->resume_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->resume_button,
                               _("Run the children not finished on this machine (finished ones are never run again)"));
  g_signal_connect (self->resume_button, "clicked", G_CALLBACK (on_resume), self);
  self->stop_button = gtk_button_new_with_mnemonic (_("_Stop"));
  gtk_widget_set_name (self->stop_button, "ink-sweep-stop");
  gtk_widget_add_css_class (self->stop_button, "destructive-action");
  gtk_widget_set_valign (self->stop_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->stop_button, _("Stop the running children; they keep their checkpoints and Resume goes on from them"));
  g_signal_connect (self->stop_button, "clicked", G_CALLBACK (on_stop), self);
  /* both shown by what the sweep on show is doing (show_stop, update_header) */
  gtk_widget_set_visible (self->resume_button, FALSE);
  gtk_widget_set_visible (self->stop_button, FALSE);
  gtk_box_append (GTK_BOX (header), back);
  gtk_box_append (GTK_BOX (header), titles);
  gtk_box_append (GTK_BOX (header), mlabel);
  gtk_box_append (GTK_BOX (header), self->metric_drop);
  gtk_box_append (GTK_BOX (header), refresh);
  gtk_box_append (GTK_BOX (header), self->resume_button);
  gtk_box_append (GTK_BOX (header), self->stop_button);
  gtk_box_append (GTK_BOX (box), header);

  /* the three views */
  self->views = gtk_stack_new ();
  gtk_widget_set_vexpand (self->views, TRUE);
  switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), GTK_STACK (self->views));
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  bar = switcher;
  gtk_box_append (GTK_BOX (box), bar);

  self->rows = g_list_store_new (INK_TYPE_SWEEP_ROW);
  self->table = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->table), "ink-sweep-table");
  gtk_column_view_set_show_row_separators (self->table, TRUE);
  gtk_column_view_set_single_click_activate (self->table, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->table), "data-table");
  g_signal_connect (self->table, "activate", G_CALLBACK (on_table_activate), self);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->rows)),
                                          g_object_ref (gtk_column_view_get_sorter (self->table)));
  {
    GtkSingleSelection *sel = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
    gtk_single_selection_set_autoselect (sel, FALSE);
    gtk_single_selection_set_can_unselect (sel, TRUE);
    gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (sel));
    g_object_unref (sel);
  }
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->table));
  gtk_widget_add_css_class (scroller, "card");
  gtk_stack_add_titled (GTK_STACK (self->views), scroller, "table", _("Table"));

  self->parallel = ink_parallel_coords_new ();
  g_signal_connect (self->parallel, "child-activated", G_CALLBACK (on_child_activated), self);
  gtk_stack_add_titled (GTK_STACK (self->views), self->parallel, "parallel", _("Parallel Coordinates"));

  scatter_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  xrow = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  xlabel = gtk_label_new_with_mnemonic (_("_Hyper-parameter"));
  gtk_widget_add_css_class (xlabel, "dim-label");
  self->x_names = gtk_string_list_new (NULL);
  self->x_drop = gtk_drop_down_new (G_LIST_MODEL (self->x_names), NULL);
  gtk_widget_set_tooltip_text (self->x_drop, _("The hyper-parameter on the horizontal axis"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (xlabel), self->x_drop);
  g_signal_connect (self->x_drop, "notify::selected", G_CALLBACK (on_x_changed), self);
  gtk_box_append (GTK_BOX (xrow), xlabel);
  gtk_box_append (GTK_BOX (xrow), self->x_drop);
  self->scatter = ink_sweep_scatter_new ();
  gtk_widget_set_vexpand (self->scatter, TRUE);
  g_signal_connect (self->scatter, "child-activated", G_CALLBACK (on_child_activated), self);
  gtk_box_append (GTK_BOX (scatter_box), xrow);
  gtk_box_append (GTK_BOX (scatter_box), self->scatter);
  gtk_stack_add_titled (GTK_STACK (self->views), scatter_box, "scatter", _("Scatter"));
  gtk_box_append (GTK_BOX (box), self->views);
  return box;
}

static void
ink_sweep_view_init (InkSweepView *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->opened = g_ptr_array_new_with_free_func (g_free);
  self->runners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) runner_free);
  self->metric = g_strdup ("test_accuracy");
  self->toasts = adw_toast_overlay_new ();
  gtk_widget_set_parent (self->toasts, GTK_WIDGET (self));
  self->pages = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->pages), GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_stack_add_named (GTK_STACK (self->pages), build_list_page (self), "list");
  gtk_stack_add_named (GTK_STACK (self->pages), build_sweep_page (self), "sweep");
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), self->pages);
}

GtkWidget *
ink_sweep_view_new (void)
{
  return g_object_new (INK_TYPE_SWEEP_VIEW, NULL);
}
