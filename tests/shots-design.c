/* shots-design.c
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

/* Screenshots of the design page, for looking at it.  Built only when
 * asked for:
 *   ninja -C _build tests/shots-design
 * and run under a display (xvfb-run): it writes design-*.png into
 * $INK_SHOTS_DIR, or /tmp/inkling-shots. */

#include "config.h"

#include <adwaita.h>

#include "ink-design-page.h"

static const char *
shots_dir (void)
{
  const char *dir = g_getenv ("INK_SHOTS_DIR");
  return dir && *dir ? dir : "/tmp/inkling-shots";
}

static void
pump (void)
{
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

static void
shoot (GtkWidget  *window,
       GtkWidget  *widget,
       const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("design-%s.png", name);
  g_autofree char *path = g_build_filename (shots_dir (), file, NULL);
  int w, h;

  gtk_test_widget_wait_for_draw (window);
  pump ();
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, path);
  g_print ("%s\n", path);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);
      if (found)
        return found;
    }
  return NULL;
}

static void
type_text (GtkWidget  *editable,
           const char *text)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (editable));

  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  gtk_widget_activate (delegate ? GTK_WIDGET (delegate) : editable);
}

/* the convolutional presets, full size and at 800×600, and geometry that
 * cannot work */
static void
cnn_shots (const char *scheme)
{
  g_autoptr(InkExperiment) keras = ink_experiment_preset ("keras-mnist-cnn", NULL);
  g_autoptr(InkExperiment) lenet = ink_experiment_preset ("lenet-5", NULL);
  GtkWidget *win = gtk_window_new ();
  InkDesignPage *page = ink_design_page_new ();
  g_autofree char *name = NULL;
  GtkWidget *list;

  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (win), GTK_WIDGET (page));
  ink_design_page_set_experiment (page, keras);
  gtk_window_present (GTK_WINDOW (win));
  name = g_strdup_printf ("cnn-keras-%s", scheme);
  shoot (win, win, name);

  ink_design_page_set_experiment (page, lenet);
  g_free (name);
  name = g_strdup_printf ("cnn-lenet-%s", scheme);
  shoot (win, win, name);

  /* a 30×30 kernel on the 26×26 maps of the first convolution */
  ink_design_page_set_experiment (page, keras);
  list = find_named (GTK_WIDGET (ink_design_page_get_layer_editor (page)), "layers");
  type_text (find_named (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 2)), "kernel"), "30");
  g_free (name);
  name = g_strdup_printf ("cnn-invalid-%s", scheme);
  shoot (win, win, name);

  gtk_window_set_default_size (GTK_WINDOW (win), 800, 600);
  ink_design_page_set_experiment (page, keras);
  g_free (name);
  name = g_strdup_printf ("cnn-800x600-%s", scheme);
  shoot (win, win, name);
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
shots (const char *scheme)
{
  g_autoptr(InkExperiment) keras = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_autoptr(InkExperiment) theano = ink_experiment_preset ("theano-mlp", NULL);
  GtkWidget *win = gtk_window_new ();
  InkDesignPage *page = ink_design_page_new ();
  g_autofree char *name = NULL;
  GtkWidget *list, *form_win, *form;

  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (win), GTK_WIDGET (page));
  ink_design_page_set_experiment (page, keras);
  gtk_window_present (GTK_WINDOW (win));
  name = g_strdup_printf ("keras-%s", scheme);
  shoot (win, win, name);

  /* refused values: a dropout of 1, 0 units, a learning rate "abc" */
  list = find_named (GTK_WIDGET (ink_design_page_get_layer_editor (page)), "layers");
  type_text (find_named (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 2)), "dropout"), "1.0");
  type_text (find_named (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1)), "units"), "0");
  type_text (find_named (GTK_WIDGET (ink_design_page_get_training_form (page)), "lr"), "abc");
  g_free (name);
  name = g_strdup_printf ("invalid-%s", scheme);
  shoot (win, win, name);

  /* the whole form, at its natural height, for the theano tutorial */
  form_win = gtk_window_new ();
  form = GTK_WIDGET (ink_training_form_new ());
  ink_training_form_set_experiment (INK_TRAINING_FORM (form), theano);
  gtk_widget_set_margin_start (form, 18);
  gtk_widget_set_margin_end (form, 18);
  gtk_widget_set_margin_top (form, 18);
  gtk_widget_set_margin_bottom (form, 18);
  gtk_window_set_default_size (GTK_WINDOW (form_win), 620, -1);
  gtk_window_set_child (GTK_WINDOW (form_win), form);
  gtk_window_present (GTK_WINDOW (form_win));
  g_free (name);
  name = g_strdup_printf ("form-theano-%s", scheme);
  shoot (form_win, form_win, name);

  gtk_window_destroy (GTK_WINDOW (form_win));
  gtk_window_destroy (GTK_WINDOW (win));
  cnn_shots (scheme);
}

int
main (int   argc,
      char *argv[])
{
  gtk_init ();
  adw_init ();
  g_mkdir_with_parents (shots_dir (), 0755);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  shots ("light");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  shots ("dark");
  return 0;
}
