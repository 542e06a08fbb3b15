/* shots-evaluate.c
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

/* Screenshots of the Evaluate page with a trained model and the MNIST test
 * set, light and dark.  Built only when asked for, in a build dir B with
 * the workbench:
 *   ninja -C B tests/shots-evaluate
 *   xvfb-run -a -s '-screen 0 1280x800x24' env GSK_RENDERER=cairo GDK_BACKEND=x11 \
 *      B/tests/shots-evaluate [MODEL.safetensors] [MNIST-DIR] [OUT-DIR]
 * Defaults: /tmp/runs/keras.safetensors, the user's mnist folder,
 * /tmp/inkling-shots. */

#include "config.h"

#include <adwaita.h>

#include "ink-evaluate-page.h"
#include "ink-model.h"

static void
save_shot (GtkWidget *widget, const char *dir, const char *name)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, path);
  g_object_unref (paintable);
  g_print ("wrote %s\n", path);
}

static void
settle (GtkWidget *window)
{
  for (int i = 0; i < 30; i++)
    {
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  gtk_test_widget_wait_for_draw (window);
}

static void
on_evaluated (InkEvaluatePage *page, gboolean *done)
{
  *done = TRUE;
}

int
main (int argc, char **argv)
{
  const char *model_path = argc > 1 ? argv[1] : "/tmp/runs/keras.safetensors";
  g_autofree char *data_dir = argc > 2 ? g_strdup (argv[2]) : ink_dataset_user_dir ("mnist");
  const char *out = argc > 3 ? argv[3] : "/tmp/inkling-shots";
  g_autoptr(GError) error = NULL;
  g_autoptr(InkModel) model = NULL;
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  GtkWidget *window, *box;
  InkEvaluatePage *page;
  gboolean done = FALSE;

  gtk_init ();
  adw_init ();
  g_mkdir_with_parents (out, 0755);

  model = ink_model_load (model_path, &error);
  if (model == NULL)
    g_error ("%s", error->message);
  if (!ink_dataset_load_dir (data_dir, &train, &test, &error))
    g_error ("%s", error->message);

  for (int dark = 0; dark <= 1; dark++)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      window = adw_window_new ();
      gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
      page = ink_evaluate_page_new ();
      gtk_widget_set_vexpand (GTK_WIDGET (page), TRUE);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (page));
      adw_window_set_content (ADW_WINDOW (window), box);
      gtk_window_present (GTK_WINDOW (window));
      settle (window);
      save_shot (window, out, dark ? "evaluate-empty-dark.png" : "evaluate-empty-light.png");

      done = FALSE;
      g_signal_connect (page, "evaluated", G_CALLBACK (on_evaluated), &done);
      ink_evaluate_page_set_model (page, model->experiment->net, model->params, &model->norm, test);
      gtk_test_widget_wait_for_draw (window);
      if (!dark && !done)
        save_shot (window, out, "evaluate-loading-light.png");
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      settle (window);
      save_shot (window, out, dark ? "evaluate-all-dark.png" : "evaluate-all-light.png");

      ink_confusion_view_select (ink_evaluate_page_get_confusion_view (page), 4, 9);
      settle (window);
      save_shot (window, out, dark ? "evaluate-4to9-dark.png" : "evaluate-4to9-light.png");

      /* the detail popover of the first digit */
      ink_gallery_activate (ink_evaluate_page_get_gallery (page), 0);
      settle (window);
      {
        GtkWidget *popover = NULL;
        for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (ink_evaluate_page_get_gallery (page)));
             c; c = gtk_widget_get_next_sibling (c))
          if (GTK_IS_POPOVER (c))
            popover = c;
        if (popover && gtk_widget_get_mapped (popover))
          save_shot (popover, out, dark ? "evaluate-detail-dark.png" : "evaluate-detail-light.png");
      }

      /* the CPU/GPU comparison's dialog (here: why there is no GPU) */
      g_signal_emit_by_name (ink_evaluate_page_get_parity_button (page), "clicked");
      while (ink_evaluate_page_get_parity_summary (page) == NULL)
        g_main_context_iteration (NULL, TRUE);
      settle (window);
      {
        GListModel *tops = gtk_window_get_toplevels ();
        for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
          {
            g_autoptr(GObject) w = g_list_model_get_item (tops, i);
            if (ADW_IS_MESSAGE_DIALOG (w))
              {
                settle (GTK_WIDGET (w));
                save_shot (GTK_WIDGET (w), out, dark ? "evaluate-parity-dark.png" : "evaluate-parity-light.png");
                gtk_window_destroy (GTK_WINDOW (w));
                break;
              }
          }
      }
      gtk_window_destroy (GTK_WINDOW (window));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  return 0;
}
