/* shots-draw.c
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

/* Screenshots of the Draw page (a digit drawn, a trained model) and the
 * Features page (its first-layer tiles, one unit selected), light and dark.
 * With a third argument, a convolutional model, also its Draw page with the
 * feature maps (at the top and scrolled down to the maps) and its Features
 * page (the first convolution's filters; a deeper convolution's filter 5
 * across its input channels), at 1280×800 and 800×600.
 * Built only when asked for, in a build dir B with the workbench:
 *   ninja -C B tests/shots-draw
 *   xvfb-run -a -s '-screen 0 1280x800x24' env GSK_RENDERER=cairo GDK_BACKEND=x11 \
 *      B/tests/shots-draw [MODEL.safetensors] [OUT-DIR] [CNN-MODEL.safetensors]
 * Defaults: /tmp/runs/keras.safetensors, /tmp/inkling-shots, no CNN.  A CNN
 * model for it: inkling-cli train --preset keras-mnist-cnn --optimizer adam
 * --subset 3000 --epochs 2 --no-ledger -o /tmp/cnn.safetensors */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "ink-draw-page.h"
#include "ink-features-page.h"
#include "ink-model.h"
#include "test-gui-util.h"

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

/* a handwritten-looking "2": an arc over the top, a diagonal, a foot */
static void
draw_two (InkDrawCanvas *canvas)
{
  double xy[2 * 64];
  guint n = 0;

  for (int i = 0; i <= 24; i++)
    {
      double a = G_PI * (1.05 + 1.25 * i / 24.0);
      xy[2 * n] = 0.5 + 0.19 * cos (a);
      xy[2 * n + 1] = 0.34 + 0.17 * sin (a);
      n++;
    }
  for (int i = 1; i <= 10; i++)
    {
      double t = i / 10.0;
      xy[2 * n] = 0.62 + (0.3 - 0.62) * t;
      xy[2 * n + 1] = 0.46 + (0.78 - 0.46) * t - 0.03 * sin (G_PI * t);
      n++;
    }
  for (int i = 1; i <= 8; i++)
    {
      double t = i / 8.0;
      xy[2 * n] = 0.3 + 0.42 * t;
      xy[2 * n + 1] = 0.78 - 0.02 * t + 0.01 * sin (G_PI * t);
      n++;
    }
  ink_draw_canvas_add_stroke (canvas, xy, n);
}

static GtkWidget *
window_with (GtkWidget *page)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
resize (GtkWidget *window, int width, int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  settle (window);
  settle (window);
}

/* scrolls the page's scrolled window so that `widget` is at its top */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t p;

  if (GTK_IS_VIEWPORT (child))
    child = gtk_viewport_get_child (GTK_VIEWPORT (child));
  if (gtk_widget_compute_point (widget, child, &GRAPHENE_POINT_INIT (0, 0), &p))
    gtk_adjustment_set_value (adj, p.y - 30);
}

static void
shoot_cnn (const char *path, const char *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkModel) model = ink_model_load (path, &error);
  static const int sizes[2][2] = { { 1280, 800 }, { 800, 600 } };
  const InkNetSpec *spec;

  if (model == NULL)
    g_error ("%s", error->message);
  spec = model->experiment->net;
  for (int dark = 0; dark <= 1; dark++)
    {
      const char *suffix = dark ? "dark" : "light";
      InkDrawPage *draw;
      InkFeaturesPage *features;
      GtkWidget *window, *choice, *spin;

      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      draw = ink_draw_page_new ();
      window = window_with (GTK_WIDGET (draw));
      ink_draw_page_set_model (draw, spec, model->params, &model->norm);
      settle (window);
      {
        g_autofree char *name = g_strdup_printf ("draw-cnn-empty-%s.png", suffix);
        save_shot (window, out, name);
      }
      draw_two (ink_draw_page_get_canvas (draw));
      {
        gint64 start = g_get_monotonic_time ();
        ink_draw_page_flush (draw);
        g_print ("one CNN prediction (render, mnistify, forward, saliency, maps): %.2f ms\n",
                 (g_get_monotonic_time () - start) / 1000.0);
      }
      for (int i = 0; i < 2; i++)
        {
          g_autofree char *top = g_strdup_printf ("draw-cnn-%s-%dx%d.png", suffix, sizes[i][0], sizes[i][1]);
          g_autofree char *maps = g_strdup_printf ("draw-cnn-maps-%s-%dx%d.png", suffix, sizes[i][0], sizes[i][1]);

          resize (window, sizes[i][0], sizes[i][1]);
          save_shot (window, out, top);
          scroll_to (GTK_WIDGET (ink_draw_page_get_feature_maps (draw)));
          settle (window);
          save_shot (window, out, maps);
          scroll_to (GTK_WIDGET (ink_draw_page_get_canvas (draw)));
        }
      gtk_window_destroy (GTK_WINDOW (window));

      features = ink_features_page_new ();
      window = window_with (GTK_WIDGET (features));
      ink_features_page_set_model (features, spec, model->params);
      ink_features_page_select_unit (features, 4);
      for (int i = 0; i < 2; i++)
        {
          g_autofree char *name = g_strdup_printf ("features-cnn-%s-%dx%d.png", suffix, sizes[i][0], sizes[i][1]);

          resize (window, sizes[i][0], sizes[i][1]);
          save_shot (window, out, name);
        }
      /* the second convolution, filter 5, channel 3 */
      choice = gui_find_named (GTK_WIDGET (features), "conv-layer");
      spin = gui_find_named (GTK_WIDGET (features), "conv-filter");
      if (choice != NULL && g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (choice))) > 1)
        {
          gtk_drop_down_set_selected (GTK_DROP_DOWN (choice), 1);
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 5);
          ink_features_page_select_unit (features, 2);
          for (int i = 0; i < 2; i++)
            {
              g_autofree char *name = g_strdup_printf ("features-cnn-deep-%s-%dx%d.png", suffix,
                                                       sizes[i][0], sizes[i][1]);

              resize (window, sizes[i][0], sizes[i][1]);
              save_shot (window, out, name);
            }
        }
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

int
main (int argc, char **argv)
{
  const char *model_path = argc > 1 ? argv[1] : "/tmp/runs/keras.safetensors";
  const char *out = argc > 2 ? argv[2] : "/tmp/inkling-shots";
  g_autoptr(GError) error = NULL;
  g_autoptr(InkModel) model = NULL;
  const InkNetSpec *spec;

  gtk_init ();
  adw_init ();
  g_mkdir_with_parents (out, 0755);

  if (argc > 3)
    shoot_cnn (argv[3], out);

  model = ink_model_load (model_path, &error);
  if (model == NULL)
    g_error ("%s", error->message);
  spec = model->experiment->net;

  for (int dark = 0; dark <= 1; dark++)
    {
      const char *suffix = dark ? "dark" : "light";
      g_autofree char *name = NULL;
      InkDrawPage *draw;
      InkFeaturesPage *features;
      GtkWidget *window;

      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);

      /* the draw page: empty, then a "2" with the model */
      draw = ink_draw_page_new ();
      window = window_with (GTK_WIDGET (draw));
      settle (window);
      name = g_strdup_printf ("draw-empty-%s.png", suffix);
      save_shot (window, out, name);
      g_clear_pointer (&name, g_free);

      ink_draw_page_set_model (draw, spec, model->params, &model->norm);
      draw_two (ink_draw_page_get_canvas (draw));
      {
        gint64 start = g_get_monotonic_time ();
        ink_draw_page_flush (draw);
        g_print ("one prediction (render, mnistify, forward, saliency): %.2f ms\n",
                 (g_get_monotonic_time () - start) / 1000.0);
      }
      settle (window);
      name = g_strdup_printf ("draw-two-%s.png", suffix);
      save_shot (window, out, name);
      g_clear_pointer (&name, g_free);

      /* an opened image: a dark "7" on paper */
      if (!dark)
        {
          g_autofree char *png = g_build_filename (g_get_tmp_dir (), "inkling-shot-seven.png", NULL);
          cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 240, 320);
          cairo_t *cr = cairo_create (s);

          cairo_set_source_rgb (cr, 0.96, 0.95, 0.9);
          cairo_paint (cr);
          cairo_set_source_rgb (cr, 0.15, 0.15, 0.2);
          cairo_set_line_width (cr, 22);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
          cairo_move_to (cr, 50, 60);
          cairo_line_to (cr, 190, 55);
          cairo_line_to (cr, 100, 270);
          cairo_stroke (cr);
          cairo_destroy (cr);
          cairo_surface_write_to_png (s, png);
          cairo_surface_destroy (s);
          if (!ink_draw_page_open_png (draw, png, &error))
            g_error ("%s", error->message);
          settle (window);
          save_shot (window, out, "draw-image-light.png");
          g_unlink (png);
        }
      gtk_window_destroy (GTK_WINDOW (window));

      /* the features page with the 512 tiles, unit 7 selected */
      features = ink_features_page_new ();
      window = window_with (GTK_WIDGET (features));
      ink_features_page_set_weights (features, model->params, spec->layers[0].units, spec->n_inputs);
      ink_features_page_select_unit (features, 6);
      settle (window);
      name = g_strdup_printf ("features-%s.png", suffix);
      save_shot (window, out, name);
      g_clear_pointer (&name, g_free);
      gtk_window_destroy (GTK_WINDOW (window));
    }
  {
    /* an export at 56 px per tile */
    InkTileView *tiles = ink_tile_view_new ();
    g_autofree char *path = g_build_filename (out, "features-export.png", NULL);

    g_object_ref_sink (tiles);
    ink_tile_view_set_weights (tiles, model->params, spec->layers[0].units, spec->n_inputs);
    if (!ink_tile_view_export_png (tiles, path, 56, &error))
      g_error ("%s", error->message);
    g_print ("wrote %s\n", path);
    g_object_unref (tiles);
  }
  return 0;
}
