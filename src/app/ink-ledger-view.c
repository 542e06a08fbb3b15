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

/* The Runs page: the run ledger as a sortable table with rename,
 * overlay, compare, open, trash and undo; beside it the Sweeps section
 * (ink-sweep-view.c), whose runs open the same way. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ink-ledger-compare.h"
#include "ink-ledger-view.h"
#include "ink-markup.h"
#include "ink-optimizer.h"
#include "ink-sweep-view.h"

/* ------------------------------------------------------------------------ */
/* one run of the list                                                       */

#define INK_TYPE_LEDGER_ITEM (ink_ledger_item_get_type ())
G_DECLARE_FINAL_TYPE (InkLedgerItem, ink_ledger_item, INK, LEDGER_ITEM, GObject)

struct _InkLedgerItem
{
  GObject       parent_instance;
  InkLedgerRun *run;        /* owned */
  guint         index;      /* in ink_ledger_list's order (newest first) */
  gboolean      checked;
  gboolean      pending;    /* hidden: waiting for the trash (Undo offered) */
  gboolean      active;     /* the run in progress */
};

G_DEFINE_FINAL_TYPE (InkLedgerItem, ink_ledger_item, G_TYPE_OBJECT)

enum { ITEM_PROP_0, ITEM_PROP_CHECKED, ITEM_PROP_NAME, ITEM_N_PROPS };
static GParamSpec *item_props[ITEM_N_PROPS];

static void
ink_ledger_item_finalize (GObject *object)
{
  InkLedgerItem *self = INK_LEDGER_ITEM (object);
  ink_ledger_run_free (self->run);
  G_OBJECT_CLASS (ink_ledger_item_parent_class)->finalize (object);
}

static void
ink_ledger_item_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  InkLedgerItem *self = INK_LEDGER_ITEM (object);
  switch (id)
    {
    case ITEM_PROP_CHECKED:
      g_value_set_boolean (value, self->checked);
      break;
    case ITEM_PROP_NAME:
      g_value_set_string (value, ink_ledger_run_get_name (self->run));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
ink_ledger_item_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  InkLedgerItem *self = INK_LEDGER_ITEM (object);
  switch (id)
    {
    case ITEM_PROP_CHECKED:
      {
        /* nothing damaged is overlaid or compared */
        gboolean v = g_value_get_boolean (value) && self->run->damaged == NULL;
        if (v != self->checked)
          {
            self->checked = v;
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
ink_ledger_item_class_init (InkLedgerItemClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  oc->finalize = ink_ledger_item_finalize;
  oc->get_property = ink_ledger_item_get_property;
  oc->set_property = ink_ledger_item_set_property;
  item_props[ITEM_PROP_CHECKED] = g_param_spec_boolean ("checked", NULL, NULL, FALSE,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_props[ITEM_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (oc, ITEM_N_PROPS, item_props);
}

static void
ink_ledger_item_init (InkLedgerItem *self)
{
}

/* ------------------------------------------------------------------------ */

struct _InkLedgerView
{
  GtkWidget           parent_instance;

  GtkWidget          *toasts;        /* AdwToastOverlay, the only child */
  GtkWidget          *content;
  GtkWidget          *scroller;
  GtkColumnView      *columns;
  GListStore         *store;         /* InkLedgerItem, newest first */
  GtkFilter          *filter;        /* hides runs waiting for the trash */
  GtkSortListModel   *sorted;
  GtkButton          *compare_button;
  GtkWidget          *empty;
  GtkWidget          *sections;      /* GtkStack: "runs", "sweeps" */
  GtkWidget          *sweeps;        /* InkSweepView */
  GtkWindow          *compare_window; /* weak */
  GPtrArray          *items;         /* InkLedgerItem*, the store's order */
  GHashTable         *pending;       /* run folder → AdwToast* (borrowed): trashed once the toast goes */
  char               *root;
  char               *active_id;     /* the run in progress, whose folder stays */
};

G_DEFINE_FINAL_TYPE (InkLedgerView, ink_ledger_view, GTK_TYPE_WIDGET)

enum { SIGNAL_OVERLAYS_CHANGED, SIGNAL_OPEN_RUN, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
show_error (InkLedgerView *self, const char *text)
{
  ink_toast_add_plain (ADW_TOAST_OVERLAY (self->toasts), text, 8);
  gtk_widget_error_bell (GTK_WIDGET (self));
}

static gboolean
usable (InkLedgerItem *item)
{
  return item->checked && !item->pending && item->run->damaged == NULL;
}

GPtrArray *
ink_ledger_view_get_checked (InkLedgerView *self)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < self->items->len; i++)
    {
      InkLedgerItem *item = self->items->pdata[i];
      if (usable (item))
        g_ptr_array_add (out, item->run);
    }
  return out;
}

static void
update_compare_button (InkLedgerView *self)
{
  g_autoptr(GPtrArray) c = ink_ledger_view_get_checked (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), c->len >= 2);
}

static void
on_item_checked (InkLedgerItem *item, GParamSpec *pspec, InkLedgerView *self)
{
  update_compare_button (self);
  g_signal_emit (self, signals[SIGNAL_OVERLAYS_CHANGED], 0);
}

GtkWindow *
ink_ledger_view_compare (InkLedgerView *self)
{
  g_autoptr(GPtrArray) c = NULL;
  GtkRoot *root;

  g_return_val_if_fail (INK_IS_LEDGER_VIEW (self), NULL);
  /* in the order the list shows them */
  c = g_ptr_array_new ();
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sorted)); i++)
    {
      g_autoptr(InkLedgerItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), i);
      if (usable (item))
        g_ptr_array_add (c, item->run);
    }
  if (c->len < 2)
    return NULL;
  if (self->compare_window)
    gtk_window_destroy (self->compare_window);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  /* a window of its own: the list stays where it is under the pointer */
  self->compare_window = ink_ledger_compare_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                        (InkLedgerRun * const *) c->pdata, c->len);
  g_object_add_weak_pointer (G_OBJECT (self->compare_window), (gpointer *) &self->compare_window);
  gtk_window_present (self->compare_window);
  return self->compare_window;
}

GtkWindow *
ink_ledger_view_get_compare_window (InkLedgerView *self)
{
  return self->compare_window;
}

static void
on_compare (GtkButton *button, InkLedgerView *self)
{
  ink_ledger_view_compare (self);
}

static gboolean
is_active (InkLedgerView *self, InkLedgerRun *run)
{
  return self->active_id != NULL && run->damaged == NULL &&
         g_strcmp0 (run->id, self->active_id) == 0 &&
         g_strcmp0 (run->status, "running") == 0;
}

static InkLedgerItem *
cell_item (GtkWidget *w)
{
  return g_object_get_data (G_OBJECT (w), "ink-item");
}

static void
on_open_clicked (GtkButton *button, InkLedgerView *self)
{
  InkLedgerItem *item = cell_item (GTK_WIDGET (button));
  if (item && item->run->damaged == NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_RUN], 0, item->run);
}

/* ---- the trash, with Undo ---------------------------------------------- */

static void
remove_item (InkLedgerView *self, InkLedgerItem *item)
{
  guint pos;
  gboolean was_checked = usable (item);

  if (g_list_store_find (self->store, item, &pos))
    g_list_store_remove (self->store, pos);
  g_ptr_array_remove (self->items, item);
  for (guint i = 0; i < self->items->len; i++)
    ((InkLedgerItem *) self->items->pdata[i])->index = i;
  gtk_widget_set_visible (self->empty, self->items->len == 0);
  gtk_widget_set_visible (self->scroller, self->items->len > 0);
  update_compare_button (self);
  if (was_checked)
    g_signal_emit (self, signals[SIGNAL_OVERLAYS_CHANGED], 0);
}

static InkLedgerItem *
item_for_dir (InkLedgerView *self, const char *dir)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      InkLedgerItem *item = self->items->pdata[i];
      if (g_strcmp0 (item->run->dir, dir) == 0)
        return item;
    }
  return NULL;
}

static void
set_pending (InkLedgerView *self, InkLedgerItem *item, gboolean pending)
{
  gboolean was_checked = usable (item);

  item->pending = pending;
  gtk_filter_changed (self->filter, pending ? GTK_FILTER_CHANGE_MORE_STRICT : GTK_FILTER_CHANGE_LESS_STRICT);
  update_compare_button (self);
  if (was_checked != usable (item))
    g_signal_emit (self, signals[SIGNAL_OVERLAYS_CHANGED], 0);
}

/* the move itself: the trash, not a deletion (restorable from there) */
static gboolean
trash_dir (const char *dir, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  return g_file_trash (file, NULL, error);
}

/* The toast went without Undo (timed out, closed, replaced, or the view
 * is going): the folder goes to the trash now. */
static void
commit_trash (InkLedgerView *self,
              const char    *dir)
{
  g_autoptr(GError) error = NULL;
  InkLedgerItem *item;

  if (self->pending == NULL || !g_hash_table_contains (self->pending, dir))
    return;
  item = item_for_dir (self, dir);
  g_hash_table_remove (self->pending, dir);
  if (!trash_dir (dir, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” was not moved to the trash: %s"),
                                              item ? ink_ledger_run_get_name (item->run) : dir, error->message);
      if (item)
        set_pending (self, item, FALSE);
      show_error (self, msg);
      return;
    }
  if (item)
    remove_item (self, item);
}

typedef struct
{
  GWeakRef  view;
  char     *dir;
} Commit;

static void
commit_free (Commit *c)
{
  g_weak_ref_clear (&c->view);
  g_free (c->dir);
  g_free (c);
}

static gboolean
commit_idle (gpointer data)
{
  Commit *c = data;
  g_autoptr(InkLedgerView) self = g_weak_ref_get (&c->view);

  if (self)
    commit_trash (self, c->dir);
  return G_SOURCE_REMOVE;
}

/* a moment later, whatever order the toast emits "dismissed" and
 * "button-clicked" in: Undo always wins */
static void
on_toast_dismissed (AdwToast *toast, InkLedgerView *self)
{
  const char *dir = g_object_get_data (G_OBJECT (toast), "ink-dir");
  Commit *c;

  if (self->pending == NULL || dir == NULL || !g_hash_table_contains (self->pending, dir))
    return;
  c = g_new0 (Commit, 1);
  g_weak_ref_init (&c->view, self);
  c->dir = g_strdup (dir);
  g_idle_add_full (G_PRIORITY_DEFAULT, commit_idle, c, (GDestroyNotify) commit_free);
}

static void
on_toast_undo (AdwToast *toast, InkLedgerView *self)
{
  const char *dir = g_object_get_data (G_OBJECT (toast), "ink-dir");
  InkLedgerItem *item;

  if (self->pending == NULL || dir == NULL || !g_hash_table_remove (self->pending, dir))
    return;
  if ((item = item_for_dir (self, dir)))
    set_pending (self, item, FALSE);
}

/* every folder still waiting goes to the trash (the view is going) */
static void
flush_pending (InkLedgerView *self)
{
  g_autoptr(GHashTable) pending = g_steal_pointer (&self->pending);
  GHashTableIter it;
  gpointer dir;

  if (pending == NULL)
    return;
  g_hash_table_iter_init (&it, pending);
  while (g_hash_table_iter_next (&it, &dir, NULL))
    {
      g_autoptr(GError) error = NULL;
      if (!trash_dir (dir, &error))
        g_message ("%s was not moved to the trash: %s", (const char *) dir, error->message);
    }
}

static gboolean
check_trashable (InkLedgerView *self, InkLedgerItem *item, GError **error)
{
  if (is_active (self, item->run))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("“%s” is still training; stop it before moving it to the trash"),
                   ink_ledger_run_get_name (item->run));
      return FALSE;
    }
  return TRUE;
}

static void
on_trash_clicked (GtkButton *button, InkLedgerView *self)
{
  InkLedgerItem *item = cell_item (GTK_WIDGET (button));
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL, *name = NULL;
  AdwToast *toast;

  if (item == NULL || item->pending)
    return;
  if (!check_trashable (self, item, &error))
    {
      show_error (self, error->message);
      return;
    }
  /* hidden now, moved when the toast goes without Undo */
  name = ink_markup_escape (ink_ledger_run_get_name (item->run));
  title = g_strdup_printf (_("“%s” moved to the trash"), name);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 8);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "ink-dir", g_strdup (item->run->dir), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_toast_undo), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), self, 0);
  g_hash_table_insert (self->pending, g_strdup (item->run->dir), toast);
  set_pending (self, item, TRUE);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), toast);
}

gboolean
ink_ledger_view_trash (InkLedgerView  *self,
                       guint           index,
                       GError        **error)
{
  InkLedgerItem *item;

  g_return_val_if_fail (INK_IS_LEDGER_VIEW (self), FALSE);
  if (index >= self->items->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("no run number %u"), index + 1);
      return FALSE;
    }
  item = self->items->pdata[index];
  if (!check_trashable (self, item, error) || !trash_dir (item->run->dir, error))
    return FALSE;
  if (self->pending)
    g_hash_table_remove (self->pending, item->run->dir);
  remove_item (self, item);
  return TRUE;
}

/* ---- rename ------------------------------------------------------------ */

static void
rename_item (InkLedgerView *self, InkLedgerItem *item, const char *text)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (text, ink_ledger_run_get_name (item->run)) == 0)
    return;
  if (is_active (self, item->run))
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_BUSY, _("“%s” is still training; rename it when it has stopped"),
                 ink_ledger_run_get_name (item->run));
  else
    ink_ledger_run_rename (item->run, text, &error);
  if (error)
    {
      g_autofree char *msg = g_strdup_printf (_("Not renamed: %s"), error->message);
      show_error (self, msg);
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (item), item_props[ITEM_PROP_NAME]);
  /* sorted by name: the row moves to its new place */
  {
    guint pos;
    if (g_list_store_find (self->store, item, &pos))
      g_list_model_items_changed (G_LIST_MODEL (self->store), pos, 1, 1);
  }
}

static void
on_rename_activate (GtkWidget *widget, InkLedgerView *self)
{
  GtkWidget *popover = gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER);
  GtkEntry *entry = g_object_get_data (G_OBJECT (popover), "ink-entry");
  InkLedgerItem *item = g_object_get_data (G_OBJECT (popover), "ink-item");
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  gtk_popover_popdown (GTK_POPOVER (popover));
  if (item)
    rename_item (self, item, text);
}

static gboolean
unparent_idle (gpointer data)
{
  if (gtk_widget_get_parent (data))
    gtk_widget_unparent (data);
  return G_SOURCE_REMOVE;
}

static void
on_rename_closed (GtkPopover *popover, gpointer data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, unparent_idle, g_object_ref (popover), g_object_unref);
}

/* a popover under the button: the name in an entry, Enter keeps it */
static void
on_rename_clicked (GtkButton *button, InkLedgerView *self)
{
  InkLedgerItem *item = cell_item (GTK_WIDGET (button));
  GtkWidget *popover, *box, *entry, *ok, *title;

  if (item == NULL || item->run->damaged)
    return;
  popover = gtk_popover_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  title = gtk_label_new (_("Rename Run"));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  entry = gtk_entry_new ();
  gtk_widget_set_name (entry, "ink-rename-entry");
  gtk_editable_set_text (GTK_EDITABLE (entry), ink_ledger_run_get_name (item->run));
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 28);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), item->run->experiment ? item->run->experiment->name : NULL);
  gtk_widget_set_tooltip_text (entry, _("Empty goes back to the experiment's name"));
  ok = gtk_button_new_with_mnemonic (_("_Rename"));
  gtk_widget_add_css_class (ok, "suggested-action");
  gtk_widget_set_halign (ok, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), ok);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  g_object_set_data (G_OBJECT (popover), "ink-entry", entry);
  g_object_set_data_full (G_OBJECT (popover), "ink-item", g_object_ref (item), g_object_unref);
  g_signal_connect (entry, "activate", G_CALLBACK (on_rename_activate), self);
  g_signal_connect (ok, "clicked", G_CALLBACK (on_rename_activate), self);
  g_signal_connect (popover, "closed", G_CALLBACK (on_rename_closed), NULL);
  gtk_widget_set_parent (popover, GTK_WIDGET (button));
  gtk_popover_popup (GTK_POPOVER (popover));
  gtk_widget_grab_focus (entry);
}

/* ---- columns ------------------------------------------------------------ */

typedef enum
{
  COL_CHECK,
  COL_NAME,
  COL_DATASET,
  COL_ARCH,
  COL_OPTIMIZER,
  COL_EPOCHS,
  COL_ACCURACY,
  COL_DURATION,
  COL_ENDED,
  COL_STARTED,
  COL_ACTIONS,
} Column;

static char *
dataset_text (const InkLedgerRun *run)
{
  const char *d;

  if (run->experiment == NULL || run->experiment->dataset == NULL)
    return g_strdup ("—");
  d = run->experiment->dataset;
  /* a folder: its last part */
  if (strchr (d, G_DIR_SEPARATOR))
    {
      g_autofree char *base = g_path_get_basename (d);
      return g_filename_display_name (base);
    }
  return g_strdup (d);
}

static char *
started_text (const InkLedgerRun *run)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (run->started);
  return when ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* The text of a column for a run (not for the check, name and action
 * columns). */
static char *
cell_text (const InkLedgerRun *run, Column col)
{
  switch (col)
    {
    case COL_DATASET:
      return dataset_text (run);
    case COL_ARCH:
      {
        char *a = ink_ledger_run_architecture (run);
        return a ? a : g_strdup ("—");
      }
    case COL_OPTIMIZER:
      return g_strdup (run->experiment ? ink_optimizer_kind_to_string (run->experiment->optimizer.kind) : "—");
    case COL_EPOCHS:
      return run->damaged ? g_strdup ("—") : ink_format_thousands (run->history->len);
    case COL_ACCURACY:
      return isfinite (run->test_accuracy) ? g_strdup_printf ("%.2f%%", 100 * run->test_accuracy) : g_strdup ("—");
    case COL_DURATION:
      return ink_format_duration (ink_ledger_run_duration (run));
    case COL_ENDED:
      return g_strdup (run->damaged ? _("damaged") : run->status);
    case COL_STARTED:
      return started_text (run);
    case COL_CHECK:
    case COL_NAME:
    case COL_ACTIONS:
    default:
      return g_strdup ("");
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *li, InkLedgerView *self)
{
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "ink-column"));
  GtkWidget *w;

  switch (col)
    {
    case COL_CHECK:
      w = gtk_check_button_new ();
      gtk_widget_set_tooltip_text (w, _("Tick to overlay on the Train charts; tick two or more to compare"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Select"), -1);
      break;
    case COL_NAME:
      {
        GtkWidget *name = gtk_label_new (NULL);
        GtkWidget *reason = gtk_label_new (NULL);

        w = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
        gtk_widget_set_valign (w, GTK_ALIGN_CENTER);
        gtk_widget_set_name (name, "ink-run-name");
        gtk_label_set_xalign (GTK_LABEL (name), 0);
        gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
        gtk_label_set_width_chars (GTK_LABEL (name), 10);
        gtk_label_set_xalign (GTK_LABEL (reason), 0);
        gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
        gtk_label_set_max_width_chars (GTK_LABEL (reason), 50);
        gtk_label_set_selectable (GTK_LABEL (reason), FALSE);
        gtk_widget_add_css_class (reason, "caption");
        gtk_widget_add_css_class (reason, "error");
        gtk_box_append (GTK_BOX (w), name);
        gtk_box_append (GTK_BOX (w), reason);
      }
      break;
    case COL_ACTIONS:
      {
        GtkWidget *open = gtk_button_new_with_label (_("Open"));
        GtkWidget *rename = gtk_button_new_from_icon_name ("document-edit-symbolic");
        GtkWidget *trash = gtk_button_new_from_icon_name ("user-trash-symbolic");

        w = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
        gtk_widget_add_css_class (rename, "flat");
        gtk_widget_set_tooltip_text (rename, _("Rename this run (the name is kept in its folder)"));
        gtk_accessible_update_property (GTK_ACCESSIBLE (rename), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Rename"), -1);
        g_signal_connect (rename, "clicked", G_CALLBACK (on_rename_clicked), self);
        gtk_widget_set_tooltip_text (open, _("Load this run's experiment into the forms, its history into Train and its model into the pages"));
        gtk_widget_add_css_class (open, "flat");
        g_signal_connect (open, "clicked", G_CALLBACK (on_open_clicked), self);
        gtk_widget_add_css_class (trash, "flat");
        gtk_accessible_update_property (GTK_ACCESSIBLE (trash), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Move to Trash"), -1);
        g_signal_connect (trash, "clicked", G_CALLBACK (on_trash_clicked), self);
        gtk_box_append (GTK_BOX (w), open);
        gtk_box_append (GTK_BOX (w), rename);
        gtk_box_append (GTK_BOX (w), trash);
      }
      break;
    default:
      w = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (w), col == COL_EPOCHS || col == COL_ACCURACY || col == COL_DURATION ? 1 : 0);
      if (col == COL_EPOCHS || col == COL_ACCURACY || col == COL_DURATION || col == COL_ARCH || col == COL_STARTED)
        gtk_widget_add_css_class (w, "numeric");
      break;
    }
  gtk_list_item_set_child (li, w);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *li, InkLedgerView *self)
{
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "ink-column"));
  InkLedgerItem *item = gtk_list_item_get_item (li);
  InkLedgerRun *run = item->run;
  GtkWidget *w = gtk_list_item_get_child (li);

  g_object_set_data (G_OBJECT (w), "ink-item", item);
  switch (col)
    {
    case COL_CHECK:
      {
        GBinding *b = g_object_bind_property (item, "checked", w, "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
        g_object_set_data (G_OBJECT (w), "ink-binding", b);
        /* nothing to overlay or compare in a damaged folder */
        gtk_widget_set_visible (w, run->damaged == NULL);
      }
      break;
    case COL_NAME:
      {
        GtkWidget *name = gtk_widget_get_first_child (w);
        GtkWidget *reason = gtk_widget_get_next_sibling (name);

        gtk_label_set_text (GTK_LABEL (name), ink_ledger_run_get_name (run));
        gtk_widget_set_tooltip_text (name, run->damaged ? NULL : ink_ledger_run_get_name (run));
        gtk_label_set_text (GTK_LABEL (reason), run->damaged ? run->damaged : "");
        gtk_widget_set_visible (reason, run->damaged != NULL);
        gtk_widget_set_tooltip_text (reason, run->damaged);
      }
      break;
    case COL_ACTIONS:
      {
        GtkWidget *open = gtk_widget_get_first_child (w);
        GtkWidget *rename = gtk_widget_get_next_sibling (open);
        GtkWidget *trash = gtk_widget_get_next_sibling (rename);

        g_object_set_data (G_OBJECT (open), "ink-item", item);
        g_object_set_data (G_OBJECT (rename), "ink-item", item);
        g_object_set_data (G_OBJECT (trash), "ink-item", item);
        /* a damaged folder: nothing to open or rename, only the trash */
        gtk_widget_set_visible (open, run->damaged == NULL);
        gtk_widget_set_visible (rename, run->damaged == NULL);
        gtk_widget_set_sensitive (trash, !is_active (self, run));
        gtk_widget_set_tooltip_text (trash, is_active (self, run)
                                     ? _("Still training: stop the run first")
                                     : _("Move this run's folder to the trash (Undo is offered)"));
      }
      break;
    default:
      {
        g_autofree char *text = cell_text (run, col);
        gtk_label_set_text (GTK_LABEL (w), text);
        gtk_widget_remove_css_class (w, "error");
        gtk_widget_remove_css_class (w, "dim-label");
        gtk_widget_set_tooltip_text (w, NULL);
        if (col == COL_ENDED)
          {
            if (run->damaged || g_str_equal (run->status, "diverged") || g_str_equal (run->status, "failed"))
              gtk_widget_add_css_class (w, "error");
            else if (g_str_equal (run->status, "interrupted"))
              gtk_widget_add_css_class (w, "dim-label");
            gtk_widget_set_tooltip_text (w, run->damaged ? run->damaged
                                         : (run->message && *run->message ? run->message : NULL));
          }
        else if (col == COL_DATASET && run->experiment)
          gtk_widget_set_tooltip_text (w, run->experiment->dataset);
      }
      break;
    }
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *li, InkLedgerView *self)
{
  Column col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "ink-column"));
  GtkWidget *w = gtk_list_item_get_child (li);

  if (col == COL_CHECK)
    {
      GBinding *b = g_object_get_data (G_OBJECT (w), "ink-binding");
      if (b)
        g_binding_unbind (b);
      g_object_set_data (G_OBJECT (w), "ink-binding", NULL);
    }
  else if (col == COL_ACTIONS)
    for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
      g_object_set_data (G_OBJECT (c), "ink-item", NULL);
  g_object_set_data (G_OBJECT (w), "ink-item", NULL);
}

/* ---- sorting ------------------------------------------------------------ */

static int
cmp_double (double a, double b)
{
  /* unknown (NaN, negative durations) last in ascending order */
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b);
  return a < b ? -1 : a > b;
}

static int
compare_items (gconstpointer pa, gconstpointer pb, gpointer data)
{
  const InkLedgerRun *a = ((InkLedgerItem *) pa)->run, *b = ((InkLedgerItem *) pb)->run;
  Column col = GPOINTER_TO_INT (data);
  int c = 0;

  switch (col)
    {
    case COL_NAME:
      c = g_utf8_collate (ink_ledger_run_get_name (a), ink_ledger_run_get_name (b));
      break;
    case COL_ARCH:
      {
        double pa_ = a->experiment ? (double) ink_net_spec_n_params (a->experiment->net) : NAN;
        double pb_ = b->experiment ? (double) ink_net_spec_n_params (b->experiment->net) : NAN;
        c = cmp_double (pa_, pb_);
      }
      break;
    case COL_EPOCHS:
      c = cmp_double (a->damaged ? NAN : a->history->len, b->damaged ? NAN : b->history->len);
      break;
    case COL_ACCURACY:
      c = cmp_double (a->test_accuracy, b->test_accuracy);
      break;
    case COL_DURATION:
      {
        double da = ink_ledger_run_duration (a), db = ink_ledger_run_duration (b);
        c = cmp_double (da < 0 ? NAN : da, db < 0 ? NAN : db);
      }
      break;
    case COL_STARTED:
      c = a->started < b->started ? -1 : a->started > b->started;
      break;
    default:
      {
        g_autofree char *ta = cell_text (a, col);
        g_autofree char *tb = cell_text (b, col);
        c = g_utf8_collate (ta, tb);
      }
      break;
    }
  /* ties: newest first, as the ledger lists them */
  if (c == 0)
    c = ((InkLedgerItem *) pa)->index < ((InkLedgerItem *) pb)->index ? -1
      : ((InkLedgerItem *) pa)->index > ((InkLedgerItem *) pb)->index;
  return c;
}

static GtkColumnViewColumn *
add_column (InkLedgerView *self, Column col, const char *title, gboolean sortable)
{
  GtkListItemFactory *f = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *c;

  g_object_set_data (G_OBJECT (f), "ink-column", GINT_TO_POINTER (col));
  g_signal_connect (f, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (f, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (f, "unbind", G_CALLBACK (unbind_cell), self);
  c = gtk_column_view_column_new (title, f);
  if (sortable)
    {
      GtkSorter *s = GTK_SORTER (gtk_custom_sorter_new (compare_items, GINT_TO_POINTER (col), NULL));
      gtk_column_view_column_set_sorter (c, s);
      g_object_unref (s);
    }
  gtk_column_view_column_set_resizable (c, col != COL_CHECK && col != COL_ACTIONS);
  gtk_column_view_append_column (self->columns, c);
  g_object_unref (c);
  return c;
}

static gboolean
filter_shown (gpointer object, gpointer data)
{
  return !INK_LEDGER_ITEM (object)->pending;
}

/* ---- loading ------------------------------------------------------------ */

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
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GHashTable) ticked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean had_checked = FALSE, has_checked = FALSE;

  if (active_id != self->active_id)
    {
      g_free (self->active_id);
      self->active_id = g_strdup (active_id);
    }
  /* the ticks stay on the runs that are still there */
  for (guint i = 0; i < self->items->len; i++)
    {
      InkLedgerItem *item = self->items->pdata[i];
      if (usable (item))
        {
          had_checked = TRUE;
          g_hash_table_add (ticked, g_strdup (item->run->dir));
        }
    }
  for (guint i = 0; i < self->items->len; i++)
    g_signal_handlers_disconnect_by_data (self->items->pdata[i], self);
  runs = ink_ledger_list (self->root, active_id);
  g_ptr_array_set_free_func (runs, NULL);
  for (guint i = 0; i < runs->len; i++)
    {
      InkLedgerItem *item = g_object_new (INK_TYPE_LEDGER_ITEM, NULL);

      item->run = runs->pdata[i];
      item->index = i;
      item->active = is_active (self, item->run);
      item->checked = item->run->damaged == NULL && g_hash_table_contains (ticked, item->run->dir);
      /* a folder waiting for the trash stays hidden until then */
      item->pending = self->pending && g_hash_table_contains (self->pending, item->run->dir);
      has_checked |= usable (item);
      g_signal_connect (item, "notify::checked", G_CALLBACK (on_item_checked), self);
      g_ptr_array_add (items, item);
    }
  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_extend_and_steal (self->items, g_steal_pointer (&items));
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       self->items->pdata, self->items->len);
  gtk_widget_set_visible (self->empty, self->items->len == 0);
  gtk_widget_set_visible (self->scroller, self->items->len > 0);
  update_compare_button (self);
  if (had_checked || has_checked)
    g_signal_emit (self, signals[SIGNAL_OVERLAYS_CHANGED], 0);
}

guint
ink_ledger_view_get_n_runs (InkLedgerView *self)
{
  return self->items->len;
}

InkLedgerRun *
ink_ledger_view_get_run (InkLedgerView *self,
                         guint          index)
{
  g_return_val_if_fail (index < self->items->len, NULL);
  return ((InkLedgerItem *) self->items->pdata[index])->run;
}

void
ink_ledger_view_set_checked (InkLedgerView *self,
                             guint          index,
                             gboolean       checked)
{
  g_return_if_fail (index < self->items->len);
  g_object_set (self->items->pdata[index], "checked", checked, NULL);
}

GtkColumnView *
ink_ledger_view_get_column_view (InkLedgerView *self)
{
  return self->columns;
}

/* ---- sweeps -------------------------------------------------------------- */

static void
on_sweep_open_run (InkSweepView *sweeps, gpointer run, InkLedgerView *self)
{
  g_signal_emit (self, signals[SIGNAL_OPEN_RUN], 0, run);
}

static void
on_section_changed (GtkStack *stack, GParamSpec *pspec, InkLedgerView *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "sweeps") == 0)
    ink_sweep_view_reload (INK_SWEEP_VIEW (self->sweeps));
}

InkSweepView *
ink_ledger_view_get_sweep_view (InkLedgerView *self)
{
  return INK_SWEEP_VIEW (self->sweeps);
}

void
ink_ledger_view_show_sweeps (InkLedgerView *self)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->sections), "sweeps");
}

/* ------------------------------------------------------------------------ */

static void
ink_ledger_view_dispose (GObject *object)
{
  InkLedgerView *self = INK_LEDGER_VIEW (object);

  /* the window is going while a toast still offers Undo: the user asked
   * for the trash, so the folders go there now (never left half-done) */
  flush_pending (self);
  if (self->compare_window)
    gtk_window_destroy (self->compare_window);
  for (guint i = 0; i < self->items->len; i++)
    g_signal_handlers_disconnect_by_data (self->items->pdata[i], self);
  g_clear_pointer (&self->toasts, gtk_widget_unparent);
  G_OBJECT_CLASS (ink_ledger_view_parent_class)->dispose (object);
}

static void
ink_ledger_view_finalize (GObject *object)
{
  InkLedgerView *self = INK_LEDGER_VIEW (object);
  g_ptr_array_unref (self->items);
  g_clear_object (&self->store);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorted);
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
  GtkWidget *header, *title, *runs_box;
  GtkFilterListModel *filtered;
  g_autofree char *dir = ink_ledger_dir ();
  g_autofree char *where = g_strdup_printf (_("Every run is kept in %s with its experiment, history, checkpoint and best model."), dir);

  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->toasts = adw_toast_overlay_new ();
  gtk_widget_set_parent (self->toasts, GTK_WIDGET (self));
  self->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (self->content, 12);
  gtk_widget_set_margin_bottom (self->content, 12);
  gtk_widget_set_margin_start (self->content, 12);
  gtk_widget_set_margin_end (self->content, 12);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), self->content);

  /* the runs one by one, or grouped in their sweeps */
  self->sections = gtk_stack_new ();
  gtk_widget_set_vexpand (self->sections, TRUE);
  {
    GtkWidget *switcher = gtk_stack_switcher_new ();
    gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), GTK_STACK (self->sections));
    gtk_widget_set_halign (switcher, GTK_ALIGN_START);
    gtk_box_append (GTK_BOX (self->content), switcher);
    gtk_box_append (GTK_BOX (self->content), self->sections);
    runs_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
    gtk_stack_add_titled (GTK_STACK (self->sections), runs_box, "runs", _("Runs"));
    self->sweeps = ink_sweep_view_new ();
    gtk_stack_add_titled (GTK_STACK (self->sections), self->sweeps, "sweeps", _("Sweeps"));
    g_signal_connect (self->sweeps, "open-run", G_CALLBACK (on_sweep_open_run), self);
    g_signal_connect (self->sections, "notify::visible-child-name", G_CALLBACK (on_section_changed), self);
  }

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  title = gtk_label_new (where);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "dim-label");
  self->compare_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Compare")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_button),
                               _("Tick two or more runs to see their settings and results side by side"));
  gtk_widget_set_valign (GTK_WIDGET (self->compare_button), GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), FALSE);
  g_signal_connect (self->compare_button, "clicked", G_CALLBACK (on_compare), self);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->compare_button));
  gtk_box_append (GTK_BOX (runs_box), header);

  self->store = g_list_store_new (INK_TYPE_LEDGER_ITEM);
  self->filter = GTK_FILTER (gtk_custom_filter_new (filter_shown, NULL, NULL));
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)), g_object_ref (self->filter));
  self->columns = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_column_separators (self->columns, FALSE);
  gtk_column_view_set_show_row_separators (self->columns, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->columns), "data-table");
  add_column (self, COL_CHECK, NULL, FALSE);
  gtk_column_view_column_set_expand (add_column (self, COL_NAME, _("Name"), TRUE), TRUE);
  /* next to the name, so that they are in view in a narrow window */
  add_column (self, COL_ACTIONS, NULL, FALSE);
  add_column (self, COL_DATASET, _("Dataset"), TRUE);
  add_column (self, COL_ARCH, _("Architecture"), TRUE);
  add_column (self, COL_OPTIMIZER, _("Optimizer"), TRUE);
  add_column (self, COL_EPOCHS, _("Epochs"), TRUE);
  add_column (self, COL_ACCURACY, _("Test Acc."), TRUE);
  add_column (self, COL_DURATION, _("Duration"), TRUE);
  add_column (self, COL_ENDED, _("Ended"), TRUE);
  add_column (self, COL_STARTED, _("Started"), TRUE);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered),
                                          g_object_ref (gtk_column_view_get_sorter (self->columns)));
  {
    GtkNoSelection *sel = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
    gtk_column_view_set_model (self->columns, GTK_SELECTION_MODEL (sel));
    g_object_unref (sel);
  }

  self->scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->columns));
  gtk_widget_add_css_class (self->scroller, "card");
  gtk_box_append (GTK_BOX (runs_box), self->scroller);

  self->empty = adw_status_page_new ();
  gtk_widget_set_vexpand (self->empty, TRUE);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty), "document-open-recent-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->empty), _("No Runs Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (self->empty), _("Finished and stopped runs appear here."));
  gtk_box_append (GTK_BOX (runs_box), self->empty);
  gtk_widget_set_visible (self->scroller, FALSE);
}

InkLedgerView *
ink_ledger_view_new (void)
{
  return g_object_new (INK_TYPE_LEDGER_VIEW, NULL);
}
