/* ink-ledger-view.c
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

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ink-ledger-view.h"

struct _InkLedgerView
{
  GtkWidget   parent_instance;

  GtkWidget  *box;
  GtkListBox *list;
  GtkButton  *compare_button;
  GtkLabel   *diff_label;
  GtkWidget  *diff_frame;
  GtkWidget  *empty;
  GPtrArray  *runs;          /* InkLedgerRun* */
  GPtrArray  *checks;        /* GtkCheckButton*, parallel to runs */
  GPtrArray  *rows;          /* AdwActionRow*, parallel to runs */
  char       *root;
  char       *active_id;     /* the run in progress, whose folder stays */
};

G_DEFINE_FINAL_TYPE (InkLedgerView, ink_ledger_view, GTK_TYPE_WIDGET)

enum { SIGNAL_OVERLAYS_CHANGED, SIGNAL_OPEN_RUN, N_SIGNALS };
static guint signals[N_SIGNALS];

static guint
n_checked (InkLedgerView *self)
{
  guint n = 0;
  for (guint i = 0; i < self->checks->len; i++)
    n += gtk_check_button_get_active (self->checks->pdata[i]);
  return n;
}

GPtrArray *
ink_ledger_view_get_checked (InkLedgerView *self)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (self->checks->pdata[i]) &&
        ((InkLedgerRun *) self->runs->pdata[i])->damaged == NULL)
      g_ptr_array_add (out, self->runs->pdata[i]);
  return out;
}

char *
ink_ledger_view_compare (InkLedgerView *self)
{
  g_autoptr(GPtrArray) c = ink_ledger_view_get_checked (self);
  InkLedgerRun *a, *b;
  g_autofree char *diff = NULL;

  if (c->len != 2)
    return NULL;
  a = c->pdata[0];
  b = c->pdata[1];
  diff = ink_experiment_diff (a->experiment, b->experiment);
  if (*diff == '\0')
    return g_strdup_printf (_("%s and %s ran the same experiment"), a->id, b->id);
  return g_strdup_printf (_("From %s to %s:\n%s"), a->id, b->id, diff);
}

static void
on_check_toggled (GtkCheckButton *check, InkLedgerView *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), n_checked (self) == 2);
  if (n_checked (self) != 2)
    gtk_widget_set_visible (self->diff_frame, FALSE);
  g_signal_emit (self, signals[SIGNAL_OVERLAYS_CHANGED], 0);
}

static void
on_compare (GtkButton *button, InkLedgerView *self)
{
  g_autofree char *text = ink_ledger_view_compare (self);
  if (text == NULL)
    return;
  gtk_label_set_text (self->diff_label, text);
  gtk_widget_set_visible (self->diff_frame, TRUE);
}

static void
on_open_clicked (GtkButton *button, InkLedgerView *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));
  if (index < self->runs->len && ((InkLedgerRun *) self->runs->pdata[index])->damaged == NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_RUN], 0, self->runs->pdata[index]);
}

static gboolean
is_active (InkLedgerView *self, InkLedgerRun *run)
{
  return self->active_id != NULL && run->damaged == NULL &&
         g_strcmp0 (run->id, self->active_id) == 0 &&
         g_strcmp0 (run->status, "running") == 0;
}

gboolean
ink_ledger_view_trash (InkLedgerView  *self,
                       guint           index,
                       GError        **error)
{
  InkLedgerRun *run;
  g_autoptr(GFile) dir = NULL;
  g_autofree char *active = NULL;

  g_return_val_if_fail (INK_IS_LEDGER_VIEW (self), FALSE);
  if (self->runs == NULL || index >= self->runs->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("no run number %u"), index + 1);
      return FALSE;
    }
  run = self->runs->pdata[index];
  if (is_active (self, run))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("“%s” is still training; stop it before moving it to the trash"),
                   run->experiment ? run->experiment->name : run->id);
      return FALSE;
    }
  /* the trash, not a deletion: the folder can be restored from there */
  dir = g_file_new_for_path (run->dir);
  if (!g_file_trash (dir, NULL, error))
    return FALSE;
  active = g_strdup (self->active_id);
  ink_ledger_view_reload (self, active);
  return TRUE;
}

static void
on_trash_clicked (GtkButton *button, InkLedgerView *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));
  g_autoptr(GError) error = NULL;

  if (!ink_ledger_view_trash (self, index, &error) && index < self->rows->len)
    {
      /* say why on the run's own row */
      GtkWidget *row = self->rows->pdata[index];
      g_autofree char *text = g_markup_printf_escaped (_("Not moved to the trash: %s"), error->message);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      gtk_widget_add_css_class (row, "error");
      gtk_widget_error_bell (GTK_WIDGET (button));
    }
}

/* The title and subtitle (markup) of a run's row. */
static void
row_text (InkLedgerRun *run,
          char        **title,
          char        **subtitle)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (run->started);
  g_autofree char *date = when ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
  g_autofree char *acc = NULL;

  if (run->damaged != NULL)
    {
      /* a folder that could not be read: its name and why, so that it can
       * be repaired or moved to the trash */
      *title = g_markup_printf_escaped ("%s", run->id);
      *subtitle = g_markup_printf_escaped (_("Damaged run (%s): %s"), date, run->damaged);
      return;
    }
  acc = isfinite (run->test_accuracy) ? g_strdup_printf (_("test %.2f%%"), 100 * run->test_accuracy)
                                      : g_strdup (_("no test score"));
  *title = g_markup_printf_escaped ("%s", run->experiment->name);
  *subtitle = g_markup_printf_escaped (ngettext ("%s · %s · %u epoch · %s",
                                                 "%s · %s · %u epochs · %s",
                                                 run->history->len),
                                       date, run->status, run->history->len, acc);
}

static GtkWidget *
make_row (InkLedgerView *self, InkLedgerRun *run, guint index)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *open = gtk_button_new_with_label (_("Open"));
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  row_text (run, &title, &subtitle);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (check, _("Overlay on the charts; tick two to compare"));
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  if (run->damaged == NULL)
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (open, _("Load this run's experiment into the forms and its model into the pages"));
  g_object_set_data (G_OBJECT (open), "index", GUINT_TO_POINTER (index));
  g_signal_connect (open, "clicked", G_CALLBACK (on_open_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
  {
    GtkWidget *trash = gtk_button_new_from_icon_name ("user-trash-symbolic");

    gtk_widget_set_valign (trash, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (trash, "flat");
    gtk_widget_set_tooltip_text (trash, is_active (self, run)
                                 ? _("Still training: stop the run first")
                                 : _("Move this run's folder to the trash (it can be restored from there)"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (trash), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Move to Trash"), -1);
    gtk_widget_set_sensitive (trash, !is_active (self, run));
    g_object_set_data (G_OBJECT (trash), "index", GUINT_TO_POINTER (index));
    g_signal_connect (trash, "clicked", G_CALLBACK (on_trash_clicked), self);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), trash);
  }
  if (run->damaged != NULL)
    {
      /* nothing to overlay, compare or open: only the trash stays */
      gtk_widget_set_sensitive (check, FALSE);
      gtk_widget_set_visible (check, FALSE);
      gtk_widget_set_visible (open, FALSE);
      gtk_widget_add_css_class (row, "error");
    }
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), self);
  g_ptr_array_add (self->checks, check);
  g_ptr_array_add (self->rows, row);
  return row;
}

void
ink_ledger_view_set_root (InkLedgerView *self,
                          const char    *root)
{
  g_free (self->root);
  self->root = g_strdup (root);
  ink_ledger_view_reload (self, NULL);
}

void
ink_ledger_view_reload (InkLedgerView *self,
                        const char    *active_id)
{
  GtkWidget *child;
  gboolean had_checked = self->checks->len && n_checked (self) > 0;

  if (active_id != self->active_id)
    {
      g_free (self->active_id);
      self->active_id = g_strdup (active_id);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);
  g_ptr_array_set_size (self->checks, 0);
  g_ptr_array_set_size (self->rows, 0);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = ink_ledger_list (self->root, active_id);
  for (guint i = 0; i < self->runs->len; i++)
    gtk_list_box_append (self->list, make_row (self, self->runs->pdata[i], i));
  gtk_widget_set_visible (self->empty, self->runs->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), self->runs->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), FALSE);
  gtk_widget_set_visible (self->diff_frame, FALSE);
  if (had_checked)
    g_signal_emit (self, signals[SIGNAL_OVERLAYS_CHANGED], 0);
}

guint
ink_ledger_view_get_n_runs (InkLedgerView *self)
{
  return self->runs ? self->runs->len : 0;
}

void
ink_ledger_view_set_checked (InkLedgerView *self,
                             guint          index,
                             gboolean       checked)
{
  g_return_if_fail (index < self->checks->len);
  if (((InkLedgerRun *) self->runs->pdata[index])->damaged != NULL)
    return;
  gtk_check_button_set_active (self->checks->pdata[index], checked);
}

static void
ink_ledger_view_dispose (GObject *object)
{
  InkLedgerView *self = INK_LEDGER_VIEW (object);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (ink_ledger_view_parent_class)->dispose (object);
}

static void
ink_ledger_view_finalize (GObject *object)
{
  InkLedgerView *self = INK_LEDGER_VIEW (object);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_ptr_array_unref (self->checks);
  g_ptr_array_unref (self->rows);
  g_free (self->root);
  g_free (self->active_id);
  G_OBJECT_CLASS (ink_ledger_view_parent_class)->finalize (object);
}

static void
ink_ledger_view_class_init (InkLedgerViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ink_ledger_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = ink_ledger_view_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  signals[SIGNAL_OVERLAYS_CHANGED] = g_signal_new ("overlays-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_OPEN_RUN] = g_signal_new ("open-run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
ink_ledger_view_init (InkLedgerView *self)
{
  GtkWidget *scroller, *clamp, *inner, *header, *title, *frame;
  g_autofree char *dir = ink_ledger_dir ();
  g_autofree char *where = g_strdup_printf (_("Every run is kept in %s with its experiment, history, checkpoint and best model."), dir);

  self->checks = g_ptr_array_new ();
  self->rows = g_ptr_array_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (self->box), scroller);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (inner, 18);
  gtk_widget_set_margin_bottom (inner, 18);
  gtk_widget_set_margin_start (inner, 12);
  gtk_widget_set_margin_end (inner, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), inner);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  title = gtk_label_new (where);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "dim-label");
  self->compare_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Compare")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_button), _("Tick two runs to see how their experiments differ"));
  gtk_widget_set_valign (GTK_WIDGET (self->compare_button), GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), FALSE);
  g_signal_connect (self->compare_button, "clicked", G_CALLBACK (on_compare), self);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->compare_button));
  gtk_box_append (GTK_BOX (inner), header);

  frame = gtk_frame_new (_("Differences"));
  self->diff_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_selectable (self->diff_label, TRUE);
  gtk_label_set_xalign (self->diff_label, 0);
  gtk_label_set_wrap (self->diff_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->diff_label), "monospace");
  gtk_widget_set_margin_start (GTK_WIDGET (self->diff_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->diff_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->diff_label), 8);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->diff_label), 8);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->diff_label));
  self->diff_frame = frame;
  gtk_widget_set_visible (frame, FALSE);
  gtk_box_append (GTK_BOX (inner), frame);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_box_append (GTK_BOX (inner), GTK_WIDGET (self->list));

  self->empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty), "document-open-recent-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->empty), _("No Runs Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (self->empty), _("Finished and stopped runs appear here."));
  gtk_box_append (GTK_BOX (inner), self->empty);
}

InkLedgerView *
ink_ledger_view_new (void)
{
  return g_object_new (INK_TYPE_LEDGER_VIEW, NULL);
}
