/* ink-epoch-table.c
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

/* The epoch table: a GtkColumnView over the run's history, the best
 * epochs starred. */

#include "config.h"

#include <glib/gi18n.h>

#include "ink-epoch-item.h"
#include "ink-epoch-table.h"

typedef enum
{
  COL_EPOCH,
  COL_TRAIN_LOSS,
  COL_VALID_LOSS,
  COL_RATIO,
  COL_VALID_ACC,
  COL_DURATION,
  N_COLUMNS
} Column;

struct _InkEpochTable
{
  GtkWidget       parent_instance;

  GtkWidget      *scrolled;
  GtkColumnView  *view;
  GListModel     *model;
  GtkAdjustment  *vadj;
  gboolean        stick_to_bottom;
  double          last_value;
  guint           scroll_id;
};

G_DEFINE_FINAL_TYPE (InkEpochTable, ink_epoch_table, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------------------ */
/* Cells                                                                     */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  Column col = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_add_css_class (label, "numeric");
  if (col == COL_EPOCH)
    gtk_widget_add_css_class (label, "epoch");
  gtk_list_item_set_child (list_item, label);
}

static char *
format_cell (const InkEpochRecord *rec,
             Column                col)
{
  switch (col)
    {
    case COL_EPOCH:
      /* the star sits left of the right-aligned number */
      return rec->improved ? g_strdup_printf ("★ %u", rec->epoch) : g_strdup_printf ("%u", rec->epoch);
    case COL_TRAIN_LOSS:
      return g_strdup_printf ("%.5f", rec->train_loss);
    case COL_VALID_LOSS:
      return g_strdup_printf ("%.5f", rec->valid_loss);
    case COL_RATIO:
      return g_strdup_printf ("%.5f", rec->valid_loss != 0 ? rec->train_loss / rec->valid_loss : 0.0);
    case COL_VALID_ACC:
      return g_strdup_printf ("%.2f", rec->valid_acc * 100);
    case COL_DURATION:
      return g_strdup_printf ("%.2f", rec->duration);
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  Column col = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  InkEpochItem *item = gtk_list_item_get_item (list_item);
  const InkEpochRecord *rec;
  g_autofree char *text = NULL;
  gboolean mark;

  if (!INK_IS_EPOCH_ITEM (item))
    {
      gtk_label_set_text (GTK_LABEL (label), "");
      return;
    }
  rec = ink_epoch_item_get_record (item);
  text = format_cell (rec, col);
  gtk_label_set_text (GTK_LABEL (label), text);

  /* a recycled cell may carry the marks of an earlier row */
  mark = rec->improved && (col == COL_EPOCH || col == COL_VALID_LOSS);
  if (mark)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      gtk_label_set_attributes (GTK_LABEL (label), attrs);
      pango_attr_list_unref (attrs);
    }
  else
    gtk_label_set_attributes (GTK_LABEL (label), NULL);
  if (mark && col == COL_VALID_LOSS)
    gtk_widget_add_css_class (label, "success");
  else
    gtk_widget_remove_css_class (label, "success");
  if (rec->improved)
    gtk_widget_add_css_class (label, "improved");
  else
    gtk_widget_remove_css_class (label, "improved");
}

static void
add_column (InkEpochTable *self,
            const char    *title,
            Column         col)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (col));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (col));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->view, column);
  g_object_unref (column);
}

/* GTK 4.8 has no API to align a column title: find the title labels in the
 * header and right-align them over the numbers.  Nothing happens if the
 * header is built differently. */
static void
align_titles (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_LABEL (c))
        {
          gtk_widget_set_hexpand (c, TRUE);
          gtk_label_set_xalign (GTK_LABEL (c), 1.0);
        }
      else
        align_titles (c);
    }
}

/* ------------------------------------------------------------------------ */
/* Following the newest row                                                  */

static gboolean
at_bottom (GtkAdjustment *adj)
{
  double value = gtk_adjustment_get_value (adj);
  double bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  return value >= bottom - 2;
}

static void
on_value_changed (GtkAdjustment *adj,
                  InkEpochTable *self)
{
  double value = gtk_adjustment_get_value (adj);

  /* scrolling up leaves the bottom; reaching the bottom sticks again; the
   * list moving the value forward on its own keeps following */
  if (at_bottom (adj))
    self->stick_to_bottom = TRUE;
  else if (value < self->last_value - 0.5)
    self->stick_to_bottom = FALSE;
  self->last_value = value;
}

static gboolean
scroll_to_bottom_cb (gpointer data)
{
  InkEpochTable *self = data;
  GtkAdjustment *adj = self->vadj;

  self->scroll_id = 0;
  if (self->stick_to_bottom && !at_bottom (adj))
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  return G_SOURCE_REMOVE;
}

static void
on_adjustment_changed (GtkAdjustment *adj,
                       InkEpochTable *self)
{
  /* the content grew (a new row): follow it unless the user scrolled up.
   * This runs inside the list's size allocation, which would not see a
   * value set right here: scroll from an idle instead. */
  if (self->stick_to_bottom && !at_bottom (adj) && self->scroll_id == 0)
    self->scroll_id = g_idle_add (scroll_to_bottom_cb, self);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
ink_epoch_table_dispose (GObject *object)
{
  InkEpochTable *self = INK_EPOCH_TABLE (object);

  g_clear_handle_id (&self->scroll_id, g_source_remove);
  if (self->vadj)
    {
      g_signal_handlers_disconnect_by_data (self->vadj, self);
      g_clear_object (&self->vadj);
    }
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  self->view = NULL;
  g_clear_object (&self->model);
  G_OBJECT_CLASS (ink_epoch_table_parent_class)->dispose (object);
}

static void
ink_epoch_table_class_init (InkEpochTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ink_epoch_table_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inkepochtable");
}

static void
ink_epoch_table_init (InkEpochTable *self)
{
  self->stick_to_bottom = TRUE;

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));

  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_reorderable (self->view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "data-table");
  add_column (self, _("Epoch"), COL_EPOCH);
  add_column (self, _("Train loss"), COL_TRAIN_LOSS);
  add_column (self, _("Valid loss"), COL_VALID_LOSS);
  add_column (self, _("Train/Val"), COL_RATIO);
  add_column (self, _("Valid acc (%)"), COL_VALID_ACC);
  add_column (self, _("Duration (s)"), COL_DURATION);
  /* the header comes first, before the list */
  if (gtk_widget_get_first_child (GTK_WIDGET (self->view)) &&
      !GTK_IS_LIST_VIEW (gtk_widget_get_first_child (GTK_WIDGET (self->view))))
    align_titles (gtk_widget_get_first_child (GTK_WIDGET (self->view)));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), GTK_WIDGET (self->view));

  self->vadj = g_object_ref (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled)));
  g_signal_connect (self->vadj, "value-changed", G_CALLBACK (on_value_changed), self);
  g_signal_connect (self->vadj, "changed", G_CALLBACK (on_adjustment_changed), self);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

InkEpochTable *
ink_epoch_table_new (void)
{
  return g_object_new (INK_TYPE_EPOCH_TABLE, NULL);
}

void
ink_epoch_table_set_model (InkEpochTable *self,
                           GListModel    *model)
{
  g_return_if_fail (INK_IS_EPOCH_TABLE (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (!g_set_object (&self->model, model))
    return;

  self->stick_to_bottom = TRUE;
  if (model)
    {
      GtkNoSelection *selection = gtk_no_selection_new (g_object_ref (model));

      gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (selection));
      g_object_unref (selection);
    }
  else
    gtk_column_view_set_model (self->view, NULL);
}

GListModel *
ink_epoch_table_get_model (InkEpochTable *self)
{
  g_return_val_if_fail (INK_IS_EPOCH_TABLE (self), NULL);
  return self->model;
}

GtkColumnView *
ink_epoch_table_get_column_view (InkEpochTable *self)
{
  g_return_val_if_fail (INK_IS_EPOCH_TABLE (self), NULL);
  return self->view;
}

GtkAdjustment *
ink_epoch_table_get_vadjustment (InkEpochTable *self)
{
  g_return_val_if_fail (INK_IS_EPOCH_TABLE (self), NULL);
  return self->vadj;
}
