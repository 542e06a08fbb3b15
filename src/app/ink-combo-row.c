/* ink-combo-row.c
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

/* Combo rows whose chosen value is never cut short (ink-combo-row.h). */

#include "config.h"

#include "ink-combo-row.h"

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_list_item_set_child (item, label);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  GObject *obj = gtk_list_item_get_item (item);
  const char *text = GTK_IS_STRING_OBJECT (obj) ? gtk_string_object_get_string (GTK_STRING_OBJECT (obj)) : "";

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

/* the popover's list: the name, and a check mark beside the chosen one */

static void
setup_list_item (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (item, box);
}

static void
update_check (GtkListItem *item)
{
  AdwComboRow *row = g_object_get_data (G_OBJECT (item), "ink-combo-row");
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *check = gtk_widget_get_last_child (box);

  if (row != NULL)
    gtk_widget_set_opacity (check, adw_combo_row_get_selected (row) == gtk_list_item_get_position (item) ? 1 : 0);
}

static void
bind_list_item (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  row)
{
  GObject *obj = gtk_list_item_get_item (item);
  const char *text = GTK_IS_STRING_OBJECT (obj) ? gtk_string_object_get_string (GTK_STRING_OBJECT (obj)) : "";
  GtkWidget *box = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (box)), text);
  g_object_set_data (G_OBJECT (item), "ink-combo-row", row);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (update_check), item, G_CONNECT_SWAPPED);
  update_check (item);
}

static void
unbind_list_item (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  row)
{
  g_signal_handlers_disconnect_by_func (row, update_check, item);
  g_object_set_data (G_OBJECT (item), "ink-combo-row", NULL);
}

void
ink_combo_row_show_whole_value (AdwComboRow *row)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list = gtk_signal_list_item_factory_new ();

  g_return_if_fail (ADW_IS_COMBO_ROW (row));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), NULL);
  adw_combo_row_set_factory (row, factory);
  /* the row outlives its popover's items: no reference needed */
  g_signal_connect (list, "setup", G_CALLBACK (setup_list_item), NULL);
  g_signal_connect (list, "bind", G_CALLBACK (bind_list_item), row);
  g_signal_connect (list, "unbind", G_CALLBACK (unbind_list_item), row);
  adw_combo_row_set_list_factory (row, list);
}
