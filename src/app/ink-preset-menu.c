/* ink-preset-menu.c
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

/* The Presets menu: its rows, the check mark on the current preset. */

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ink-experiment.h"
#include "ink-preset-menu.h"

struct _InkPresetMenu
{
  GtkPopover  parent_instance;

  GtkWidget  *list;
  char       *current;
};

G_DEFINE_FINAL_TYPE (InkPresetMenu, ink_preset_menu, GTK_TYPE_POPOVER)

/* Quickest first, the dense networks, then the convolutional ones.  Figures
 * from NOTES.md (2-core development machine, OpenBLAS); quick-demo measured
 * with `inkling-cli train --preset quick-demo`; for the convolutional ones
 * their source's figure and the time of an epoch here (NOTES.md,
 * "Convolutional networks"). */
static const struct
{
  const char *name;
  const char *summary;
} summaries[] = {
  { "quick-demo", N_("784-256-10 · a first look at training · 98% in about 20 s") },
  { "keras-mnist-mlp", N_("784-512-512-10 · the Keras MNIST example · 98.2% in about 30 s") },
  { "nolearn-dbn", N_("784-300-10, pre-trained · a nolearn deep belief net · 98% in under a minute") },
  { "nolearn-lasagne", N_("784-100-10 · the nolearn.lasagne tutorial · 96.9% in about 2 min") },
  { "nolearn-dbn-augmented", N_("784-500-10, pre-trained, jittered digits · nolearn · 98.6% in about 2 min") },
  { "theanets", N_("784-100-10 · the theanets example · 97.7% in about 1½ min") },
  { "best-mlp", N_("784-800-800-10, warped digits · the best plain network · 99.4% in about 18 min") },
  { "theano-mlp", N_("784-500-10 · the Theano tutorial · 98.3% in about 45 min") },
  { "lenet-5", N_("6@5×5, 16@5×5, 120, 84, 10 · LeCun et al. 1998, modern form · the paper: 0.95% error") },
  { "keras-mnist-cnn", N_("32@3×3, 64@3×3, pool, 128, 10 · the Keras CNN example, Adadelta · Keras: 99.25% · "
                          "about 35 s an epoch here, 12 epochs") },
  { "best-cnn", N_("3 × (conv, batch norm, pool), 256, 10, warped digits · the best single network here · "
                   "99.68% in 35–45 min") },
};

const char *
ink_preset_summary (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (summaries); i++)
    if (g_strcmp0 (summaries[i].name, name) == 0)
      return _(summaries[i].summary);
  return NULL;
}

static GtkWidget *
row_new (const char *name,
         gboolean    cnn)
{
  g_autofree char *row_name = g_strdup_printf ("preset-%s", name);
  g_autofree char *first_sentence = NULL;
  const char *summary = ink_preset_summary (name);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *edited = gtk_label_new (_("edited"));
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *sub;

  if (summary == NULL)
    {
      /* a preset without a summary here: its description's first sentence */
      g_autoptr(InkExperiment) exp = ink_experiment_preset (name, NULL);
      const char *d = exp && exp->description ? exp->description : "";
      const char *stop = strstr (d, ". ");
      first_sentence = stop ? g_strndup (d, stop - d) : g_strdup (d);
      summary = first_sentence;
    }
  sub = gtk_label_new (summary);

  gtk_widget_set_name (row, row_name);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_set_name (edited, "edited");
  gtk_widget_add_css_class (edited, "caption");
  gtk_widget_add_css_class (edited, "dim-label");
  gtk_widget_set_visible (edited, FALSE);
  gtk_widget_set_name (check, "current");
  gtk_widget_set_visible (check, FALSE);
  gtk_box_append (GTK_BOX (top), title);
  gtk_box_append (GTK_BOX (top), edited);
  gtk_box_append (GTK_BOX (top), check);

  gtk_widget_set_name (sub, "summary");
  gtk_label_set_xalign (GTK_LABEL (sub), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (sub), 40);
  gtk_label_set_max_width_chars (GTK_LABEL (sub), 54);
  gtk_widget_add_css_class (sub, "caption");
  gtk_widget_add_css_class (sub, "dim-label");

  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), sub);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "preset", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (row), "cnn", GINT_TO_POINTER (cnn));
  return row;
}

/* a heading over the first row of each group */
static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       data)
{
  gboolean cnn = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "cnn"));
  GtkWidget *header;

  if (before != NULL && GPOINTER_TO_INT (g_object_get_data (G_OBJECT (before), "cnn")) == cnn)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (cnn ? _("Convolutional Networks") : _("Dense Networks"));
  gtk_widget_set_name (header, cnn ? "header-cnn" : "header-dense");
  gtk_label_set_xalign (GTK_LABEL (header), 0.0f);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_top (header, before ? 12 : 6);
  gtk_widget_set_margin_bottom (header, 3);
  gtk_list_box_row_set_header (row, header);
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, InkPresetMenu *self)
{
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (row), "preset"));

  /* closed first: what the action shows (a dialog, a toast) is not under it */
  gtk_popover_popdown (GTK_POPOVER (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.load-preset", "s", name);
}

static gboolean
match_named (GtkWidget *w, const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (w), name) == 0;
}

static GtkWidget *
find_named (GtkWidget *root, const char *name)
{
  if (match_named (root, name))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);
      if (found)
        return found;
    }
  return NULL;
}

void
ink_preset_menu_set_current (InkPresetMenu *self,
                             const char    *name,
                             gboolean       edited)
{
  g_return_if_fail (INK_IS_PRESET_MENU (self));

  g_free (self->current);
  self->current = g_strdup (name);
  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row; row = gtk_widget_get_next_sibling (row))
    {
      const char *preset = g_object_get_data (G_OBJECT (row), "preset");
      gboolean current = preset && g_strcmp0 (preset, name) == 0;
      GtkWidget *check = find_named (row, "current");
      GtkWidget *mark = find_named (row, "edited");

      if (check)
        gtk_widget_set_visible (check, current);
      if (mark)
        gtk_widget_set_visible (mark, current && edited);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_CHECKED,
                                   current ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
    }
}

const char *
ink_preset_menu_get_current (InkPresetMenu *self)
{
  g_return_val_if_fail (INK_IS_PRESET_MENU (self), NULL);
  return self->current;
}

static void
ink_preset_menu_finalize (GObject *object)
{
  InkPresetMenu *self = INK_PRESET_MENU (object);

  g_free (self->current);
  G_OBJECT_CLASS (ink_preset_menu_parent_class)->finalize (object);
}

static void
ink_preset_menu_class_init (InkPresetMenuClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ink_preset_menu_finalize;
}

static void
ink_preset_menu_init (InkPresetMenu *self)
{
  g_auto(GStrv) names = ink_experiment_list_all_presets ();
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GArray) cnn = g_array_new (FALSE, FALSE, sizeof (gboolean));
  GtkWidget *scroller = gtk_scrolled_window_new ();

  /* the dense presets, then the convolutional ones; in each, the
   * summarized ones in their order, then any other */
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(InkExperiment) exp = ink_experiment_preset (names[i], NULL);
      gboolean image = exp != NULL && ink_net_spec_has_image_layers (exp->net);
      g_array_append_val (cnn, image);
    }
  for (int group = 0; group < 2; group++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (summaries); i++)
        for (guint j = 0; names[j]; j++)
          if (g_str_equal (names[j], summaries[i].name) && g_array_index (cnn, gboolean, j) == group)
            g_ptr_array_add (order, GUINT_TO_POINTER (j));
      for (guint j = 0; names[j]; j++)
        if (ink_preset_summary (names[j]) == NULL && g_array_index (cnn, gboolean, j) == group)
          g_ptr_array_add (order, GUINT_TO_POINTER (j));
    }

  self->list = gtk_list_box_new ();
  gtk_widget_set_name (self->list, "presets");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->list), TRUE);
  gtk_widget_add_css_class (self->list, "navigation-sidebar");
  for (guint i = 0; i < order->len; i++)
    {
      guint j = GPOINTER_TO_UINT (order->pdata[i]);
      gtk_list_box_append (GTK_LIST_BOX (self->list), row_new (names[j], g_array_index (cnn, gboolean, j)));
    }
  gtk_list_box_set_header_func (GTK_LIST_BOX (self->list), update_header, NULL, NULL);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 520);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->list);
  gtk_popover_set_child (GTK_POPOVER (self), scroller);
}

InkPresetMenu *
ink_preset_menu_new (void)
{
  return g_object_new (INK_TYPE_PRESET_MENU, NULL);
}
