/* ink-ledger-compare.c
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

/* The compare window: runs side by side, one column each, the differing
 * rows highlighted. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ink-ledger-compare.h"

typedef struct
{
  GPtrArray       *rows;      /* InkLedgerCompareRow* */
  char           **labels;    /* the runs' short labels, the columns' headings */
  guint            n;
  GtkScrolledWindow *scroller;
  GtkToggleButton *only_diff;
} Compare;

static void
compare_free (Compare *c)
{
  g_ptr_array_unref (c->rows);
  g_strfreev (c->labels);
  g_free (c);
}

static GtkWidget *
cell (const char *text, gboolean differs, gboolean is_label)
{
  GtkWidget *l = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (l), 0);
  gtk_label_set_wrap (GTK_LABEL (l), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (l), 28);
  gtk_widget_set_valign (l, GTK_ALIGN_START);
  if (is_label)
    gtk_widget_add_css_class (l, differs ? "heading" : "dim-label");
  else
    {
      gtk_widget_add_css_class (l, "numeric");
      if (differs)
        {
          /* the values that differ stand out: bold, in the accent colour */
          PangoAttrList *attrs = pango_attr_list_new ();
          pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
          gtk_label_set_attributes (GTK_LABEL (l), attrs);
          pango_attr_list_unref (attrs);
          gtk_widget_add_css_class (l, "accent");
        }
    }
  return l;
}

static void
build_grid (Compare *c)
{
  GtkWidget *grid = gtk_grid_new ();
  gboolean only = gtk_toggle_button_get_active (c->only_diff);
  const char *section = NULL;
  int y = 0;
  guint shown = 0;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 18);
  gtk_widget_set_margin_start (grid, 18);
  gtk_widget_set_margin_end (grid, 18);
  /* the runs' labels head the columns */
  for (guint i = 0; i < c->n; i++)
    {
      GtkWidget *h = gtk_label_new (c->labels[i]);
      gtk_label_set_xalign (GTK_LABEL (h), 0);
      gtk_widget_add_css_class (h, "title-3");
      gtk_grid_attach (GTK_GRID (grid), h, 1 + i, y, 1, 1);
    }
  y++;
  for (guint r = 0; r < c->rows->len; r++)
    {
      const InkLedgerCompareRow *row = c->rows->pdata[r];

      if (only && !row->differs)
        continue;
      shown++;
      if (g_strcmp0 (section, row->section) != 0)
        {
          GtkWidget *s = gtk_label_new (row->section);
          section = row->section;
          gtk_label_set_xalign (GTK_LABEL (s), 0);
          gtk_widget_add_css_class (s, "title-4");
          gtk_widget_set_margin_top (s, y > 1 ? 12 : 0);
          gtk_grid_attach (GTK_GRID (grid), s, 0, y++, 1 + c->n, 1);
        }
      gtk_grid_attach (GTK_GRID (grid), cell (row->label, row->differs, TRUE), 0, y, 1, 1);
      for (guint i = 0; i < c->n; i++)
        gtk_grid_attach (GTK_GRID (grid), cell (row->values[i], row->differs, FALSE), 1 + i, y, 1, 1);
      y++;
    }
  if (shown == 0)
    {
      GtkWidget *none = gtk_label_new (_("These runs have the same settings and results."));
      gtk_widget_add_css_class (none, "dim-label");
      gtk_grid_attach (GTK_GRID (grid), none, 0, y, 1 + c->n, 1);
    }
  gtk_scrolled_window_set_child (c->scroller, grid);
}

static void
on_only_diff (GtkToggleButton *button, Compare *c)
{
  build_grid (c);
}

gboolean
ink_ledger_compare_window_get_only_differences (GtkWindow *window)
{
  Compare *c = g_object_get_data (G_OBJECT (window), "ink-compare");
  g_return_val_if_fail (c != NULL, FALSE);
  return gtk_toggle_button_get_active (c->only_diff);
}

GtkWindow *
ink_ledger_compare_window_new (GtkWindow            *parent,
                               InkLedgerRun * const *runs,
                               guint                 n)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *only = gtk_toggle_button_new_with_mnemonic (_("Only _Differences"));
  g_autofree char *subtitle = g_strdup_printf (ngettext ("%u run", "%u runs", n), n);
  GtkEventController *keys = gtk_shortcut_controller_new ();
  Compare *c = g_new0 (Compare, 1);
  guint n_diff = 0;

  c->rows = ink_ledger_compare (runs, n);
  c->labels = ink_ledger_short_labels (runs, n);
  c->n = n;
  c->scroller = GTK_SCROLLED_WINDOW (scroller);
  c->only_diff = GTK_TOGGLE_BUTTON (only);
  for (guint r = 0; r < c->rows->len; r++)
    n_diff += ((InkLedgerCompareRow *) c->rows->pdata[r])->differs;
  g_object_set_data_full (G_OBJECT (window), "ink-compare", c, (GDestroyNotify) compare_free);

  gtk_window_set_title (GTK_WINDOW (window), _("Compare Runs"));
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 560);
  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
    }
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (_("Compare Runs"), subtitle));
  gtk_widget_set_tooltip_text (only, _("Hide the rows where every run has the same value"));
  /* nothing to hide when nothing differs */
  gtk_widget_set_sensitive (only, n_diff > 0);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), only);
  g_signal_connect (only, "toggled", G_CALLBACK (on_only_diff), c);
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, keys);
  build_grid (c);
  return GTK_WINDOW (window);
}
