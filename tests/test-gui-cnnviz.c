/* test-gui-cnnviz.c
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

/* Convolutional models on the Draw and Features pages, driven through the
 * widgets with the real pointer and keyboard (xdotool): the feature maps of
 * a drawn digit, live while drawing and while training; a convolution's
 * filters as tiles, the layer and filter choosers, a tile's statistics.  A
 * small CNN is trained here on the synthetic blocks, saved and loaded. */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-design-page.h"
#include "ink-draw-page.h"
#include "ink-feature-maps.h"
#include "ink-features-page.h"
#include "ink-inspect.h"
#include "ink-model.h"
#include "ink-run.h"
#include "ink-trainer.h"
#include "ink-window.h"
#include "test-util.h"
#include "test-gui-util.h"

/* conv 4 3×3, max-pool 2×2, conv 6 3×3, avg-pool 2×2, dense 16, softmax:
 * maps 4×26×26, 4×13×13, 6×11×11, 6×5×5 */
static const char small_cnn_json[] =
  "{ \"name\": \"cnnviz-small\","
  "  \"data\": { \"dataset\": \"mnist\", \"split\": \"official\", \"normalization\": \"scale\" },"
  "  \"network\": { \"inputs\": 784, \"input_shape\": [1, 28, 28], \"layers\": ["
  "    { \"type\": \"conv2d\", \"filters\": 4, \"kernel\": 3, \"stride\": 1, \"padding\": \"valid\", \"activation\": \"relu\" },"
  "    { \"type\": \"max-pool\", \"size\": 2, \"stride\": 2, \"activation\": \"identity\" },"
  "    { \"type\": \"conv2d\", \"filters\": 6, \"kernel\": 3, \"stride\": 1, \"padding\": \"valid\", \"activation\": \"relu\" },"
  "    { \"type\": \"avg-pool\", \"size\": 2, \"stride\": 2, \"activation\": \"identity\" },"
  "    { \"units\": 16, \"activation\": \"relu\" },"
  "    { \"units\": 10, \"activation\": \"softmax\" } ],"
  "    \"loss\": \"cross-entropy\", \"init\": \"glorot-uniform\" },"
  "  \"optimizer\": { \"kind\": \"adam\", \"lr\": 0.003 },"
  "  \"training\": { \"epochs\": 2, \"batch_size\": 32 },"
  "  \"seed\": 3, \"device\": \"cpu\" }";

static const struct
{
  int         index;
  int         channels;
  int         side;
  const char *title;
} expected_maps[] = {
  { 0, 4, 26, "conv2d 4 3×3 → 4×26×26" },
  { 1, 4, 13, "max-pool 2×2 → 4×13×13" },
  { 2, 6, 11, "conv2d 6 3×3 → 6×11×11" },
  { 3, 6, 5, "avg-pool 2×2 → 6×5×5" },
};

static InkApplication *app;
static char *model_dir;
static char *model_path;

/* the small CNN trained on the synthetic blocks, saved to a file once, and
 * loaded from it */
static InkModel *
load_small_cnn (void)
{
  g_autoptr(GError) error = NULL;
  InkModel *model;

  if (model_path == NULL)
    {
      g_autoptr(InkExperiment) exp = ink_experiment_from_json (small_cnn_json, -1, &error);
      g_autoptr(InkDataset) train = test_synthetic_dataset (400, 3);
      g_autoptr(InkDataset) test = test_synthetic_dataset (100, 4);
      g_autoptr(InkTrainer) t = NULL;
      g_autofree float *params = NULL;
      InkNetwork *net;

      g_assert_no_error (error);
      t = ink_trainer_new (exp, train, test, &error);
      g_assert_no_error (error);
      g_assert_true (ink_trainer_run (t, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      net = ink_trainer_network (t);
      params = g_new (float, net->n_params);
      ink_network_get_params (net, params);
      model_dir = g_dir_make_tmp ("ink-cnnviz-XXXXXX", NULL);
      model_path = g_build_filename (model_dir, "small-cnn.safetensors", NULL);
      g_assert_true (ink_model_save (model_path, exp, ink_trainer_norm (t), params, &error));
      g_assert_no_error (error);
    }
  model = ink_model_load (model_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static gboolean
have_xdotool (void)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  return xdotool != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
}

/* a point of widget in window coordinates */
static graphene_point_t
window_point (GtkWidget *window, GtkWidget *widget, double x, double y)
{
  graphene_point_t p;

  g_assert_true (gtk_widget_compute_point (widget, window, &GRAPHENE_POINT_INIT (x, y), &p));
  return p;
}

/* clicks (x, y) of widget with the real pointer */
static void
xdo_click_at (GtkWidget *window, GtkWidget *widget, double x, double y)
{
  graphene_point_t p = window_point (window, widget, x, y);
  g_autofree char *args = g_strdup_printf ("mousemove --window %%lu %d %d click 1", (int) p.x, (int) p.y);

  g_assert_true (xdo (window, args));
  wait_ms (150);
}

static void
xdo_click (GtkWidget *window, GtkWidget *widget)
{
  xdo_click_at (window, widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
}

/* a stroke from (x0, y0) to (x1, y1) through its middle, in the fractions
 * of the canvas */
static void
xdo_stroke (GtkWidget *window, GtkWidget *canvas, double x0, double y0, double x1, double y1)
{
  int w = gtk_widget_get_width (canvas), h = gtk_widget_get_height (canvas);
  graphene_point_t a = window_point (window, canvas, x0 * w, y0 * h);
  graphene_point_t m = window_point (window, canvas, (x0 + x1) / 2 * w, (y0 + y1) / 2 * h);
  graphene_point_t b = window_point (window, canvas, x1 * w, y1 * h);
  g_autofree char *args = g_strdup_printf ("mousemove --window %%lu %d %d mousedown 1 "
                                           "mousemove --window %%lu %d %d mousemove --window %%lu %d %d "
                                           "mouseup 1",
                                           (int) a.x, (int) a.y, (int) m.x, (int) m.y, (int) b.x, (int) b.y);

  g_assert_true (xdo (window, args));
}

/* the widget as drawn: B8G8R8A8 premultiplied, width × height × 4 bytes */
static guint8 *
render_widget (GtkWidget *widget, int *width, int *height)
{
  GdkPaintable *paintable;
  GtkSnapshot *snapshot;
  int w, h;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint8 *data;

  /* laid out and drawn (a widget waiting for its allocation draws nothing) */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (gtk_widget_get_native (widget)));
  gui_pump ();
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  data = g_malloc ((gsize) *width * *height * 4);
  gdk_texture_download (texture, data, (gsize) *width * 4);
  g_object_unref (paintable);
  return data;
}

/* how many pixels of a rectangle differ between two renderings */
static int
pixels_changed (const guint8 *a, const guint8 *b, int width, const graphene_rect_t *r)
{
  int n = 0;

  for (int y = (int) r->origin.y; y < (int) (r->origin.y + r->size.height); y++)
    for (int x = (int) r->origin.x; x < (int) (r->origin.x + r->size.width); x++)
      if (memcmp (a + ((gsize) y * width + x) * 4, b + ((gsize) y * width + x) * 4, 3) != 0)
        n++;
  return n;
}

/* the largest difference between the maps shown and what the network
 * computes for the page's input with params */
static double
maps_error (InkFeatureMaps *maps, const InkNetSpec *spec, const float *params, const InkNorm *norm,
            const guint8 *input)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = ink_network_new (spec, be, 1, NULL);
  g_autoptr(InkInspection) insp = NULL;
  float x[784];
  double err = 0.0;

  ink_network_set_params (net, params);
  ink_norm_apply (norm, input, x, 784);
  insp = ink_inspect (net, x);
  for (int i = 0; i < ink_feature_maps_get_n_layers (maps); i++)
    {
      const float *v = ink_feature_maps_get_values (maps, i);
      int index;

      g_assert_nonnull (v);
      g_assert_true (ink_feature_maps_get_layer (maps, i, &index, NULL, NULL, NULL));
      for (int k = 0; k < insp->units[index]; k++)
        err = MAX (err, fabs (v[k] - insp->values[index][k]));
    }
  return err;
}

static gboolean
predicted (gpointer page)
{
  return ink_draw_page_get_prediction (page, NULL) >= 0;
}

static float
sum_abs (const float *v, gsize n)
{
  double s = 0;

  for (gsize i = 0; i < n; i++)
    s += fabsf (v[i]);
  return (float) s;
}

/* ------------------------------------------------------------------------ */
/* the core: a convolutional network's layer outputs                         */

static void
test_inspect (void)
{
  g_autoptr(InkModel) model = load_small_cnn ();
  const InkNetSpec *spec = model->experiment->net;
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = ink_network_new (spec, be, 1, NULL);
  g_autoptr(InkInspection) insp = NULL;
  g_autoptr(InkDataset) ds = test_synthetic_dataset (1, 9);
  const float *w = model->params;   /* layer 0: W [4, 1, 3, 3] then b [4] */
  float x[784];

  ink_network_set_params (net, model->params);
  ink_norm_apply (&model->norm, ds->images, x, 784);
  insp = ink_inspect (net, x);
  g_assert_nonnull (insp);
  g_assert_cmpint (insp->n_layers, ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (expected_maps); i++)
    {
      int l = expected_maps[i].index;

      g_assert_cmpint (insp->units[l], ==, expected_maps[i].channels * expected_maps[i].side * expected_maps[i].side);
      g_assert_cmpint (insp->shapes[l].channels, ==, expected_maps[i].channels);
      g_assert_cmpint (insp->shapes[l].height, ==, expected_maps[i].side);
      g_assert_cmpint (insp->shapes[l].width, ==, expected_maps[i].side);
    }
  g_assert_cmpint (insp->kinds[0], ==, INK_LAYER_CONV2D);
  g_assert_cmpint (insp->kinds[1], ==, INK_LAYER_MAX_POOL);
  g_assert_cmpint (insp->kinds[3], ==, INK_LAYER_AVG_POOL);
  g_assert_cmpint (insp->kinds[4], ==, INK_LAYER_DENSE);
  g_assert_cmpint (insp->units[4], ==, 16);
  g_assert_cmpint (insp->units[5], ==, 10);

  /* the first convolution by hand: relu (b + Σ w·x) at a few places, and
   * the max-pool after it */
  for (int f = 0; f < 4; f++)
    for (int y = 0; y < 26; y += 5)
      for (int xx = 0; xx < 26; xx += 7)
        {
          double s = w[36 + f];

          for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
              s += w[f * 9 + i * 3 + j] * x[(y + i) * 28 + xx + j];
          g_assert_cmpfloat_with_epsilon (insp->values[0][f * 676 + y * 26 + xx], MAX (s, 0.0), 1e-4);
        }
  for (int f = 0; f < 4; f++)
    for (int y = 0; y < 13; y += 3)
      for (int xx = 0; xx < 13; xx += 4)
        {
          const float *c = insp->values[0] + f * 676;
          float m = MAX (MAX (c[2 * y * 26 + 2 * xx], c[2 * y * 26 + 2 * xx + 1]),
                         MAX (c[(2 * y + 1) * 26 + 2 * xx], c[(2 * y + 1) * 26 + 2 * xx + 1]));

          g_assert_cmpfloat (insp->values[1][f * 169 + y * 13 + xx], ==, m);
        }

  /* a copy holds the same */
  {
    g_autoptr(InkInspection) copy = ink_inspection_copy (insp);

    g_assert_cmpint (copy->shapes[2].channels, ==, 6);
    g_assert_cmpint (copy->kinds[2], ==, INK_LAYER_CONV2D);
    g_assert_cmpmem (copy->values[2], sizeof (float) * copy->units[2], insp->values[2], sizeof (float) * insp->units[2]);
  }
}

/* ------------------------------------------------------------------------ */
/* the Draw page                                                             */

/* A stroke drawn with the real pointer: one grid per conv/pool layer with
 * its shape; the maps are the network's outputs for the drawn digit and
 * their pixels change with each stroke; Clear empties them. */
static void
test_draw_maps (void)
{
  g_autoptr(InkModel) model = load_small_cnn ();
  const InkNetSpec *spec = model->experiment->net;
  InkDrawPage *page = ink_draw_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1280, 800);
  GtkWidget *canvas = GTK_WIDGET (ink_draw_page_get_canvas (page));
  InkFeatureMaps *maps = ink_draw_page_get_feature_maps (page);
  InkActivationView *act = ink_draw_page_get_activation_view (page);
  g_autofree guint8 *before = NULL;
  g_autofree guint8 *after = NULL;
  g_autofree guint8 *again = NULL;
  g_autofree char *caption = NULL;
  g_autofree float *first = NULL;
  int w, h, w2, h2;

  if (!have_xdotool ())
    {
      g_test_skip ("needs xdotool and X11");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  /* a dense-only page shows no maps */
  g_assert_cmpint (ink_feature_maps_get_n_layers (maps), ==, 0);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (maps)));

  ink_draw_page_set_model (page, spec, model->params, &model->norm);
  wait_ms (200);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (maps)));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "Feature Maps"));
  g_assert_cmpint (ink_feature_maps_get_n_layers (maps), ==, G_N_ELEMENTS (expected_maps));
  for (guint i = 0; i < G_N_ELEMENTS (expected_maps); i++)
    {
      int index, c, mh, mw, cols, rows;
      graphene_rect_t area;

      g_assert_true (ink_feature_maps_get_layer (maps, (int) i, &index, &c, &mh, &mw));
      g_assert_cmpint (index, ==, expected_maps[i].index);
      g_assert_cmpint (c, ==, expected_maps[i].channels);
      g_assert_cmpint (mh, ==, expected_maps[i].side);
      g_assert_cmpint (mw, ==, expected_maps[i].side);
      g_assert_cmpstr (ink_feature_maps_get_title (maps, (int) i), ==, expected_maps[i].title);
      /* nothing drawn yet: no values */
      g_assert_null (ink_feature_maps_get_values (maps, (int) i));
      /* a grid with a place for every map, inside the widget */
      g_assert_true (ink_feature_maps_get_grid (maps, (int) i, &cols, &rows, &area));
      g_assert_cmpint (cols * rows, >=, c);
      g_assert_cmpint (cols * (rows - 1), <, c);
      g_assert_cmpfloat (area.size.width, >=, cols * mw);
      g_assert_cmpfloat (area.origin.x + area.size.width, <=, gtk_widget_get_width (GTK_WIDGET (maps)));
      g_assert_cmpfloat (area.origin.y + area.size.height, <=, gtk_widget_get_height (GTK_WIDGET (maps)));
    }
  g_assert_false (ink_feature_maps_get_layer (maps, 4, NULL, NULL, NULL, NULL));
  before = render_widget (GTK_WIDGET (maps), &w, &h);

  /* a "1" with the real pointer */
  xdo_stroke (window, canvas, 0.5, 0.15, 0.48, 0.85);
  g_assert_true (gui_wait_for (predicted, page, 10));
  gui_pump ();
  g_assert_cmpfloat (maps_error (maps, spec, model->params, &model->norm, ink_draw_page_get_input (page)), <, 1e-6);
  first = g_memdup2 (ink_feature_maps_get_values (maps, 0), sizeof (float) * 4 * 26 * 26);
  g_assert_cmpfloat (sum_abs (first, 4 * 26 * 26), >, 0.0f);
  after = render_widget (GTK_WIDGET (maps), &w2, &h2);
  g_assert_cmpint (w, ==, w2);
  g_assert_cmpint (h, ==, h2);
  for (guint i = 0; i < G_N_ELEMENTS (expected_maps); i++)
    {
      graphene_rect_t area;

      ink_feature_maps_get_grid (maps, (int) i, NULL, NULL, &area);
      g_assert_cmpint (pixels_changed (before, after, w, &area), >, area.size.width * area.size.height / 50);
    }
  /* the dense layers beside them: only layer 5 (16 units) is a grid of units */
  g_assert_cmpint (ink_activation_view_get_n_layers (act), ==, 1);
  caption = ink_activation_view_get_layer_caption (act, 0);
  g_assert_true (g_str_has_prefix (caption, "Layer 5 · 16 units"));
  g_assert_nonnull (ink_activation_view_get_saliency_title (act));
  gui_shot (window, "cnnviz-draw.png");

  /* live: a second stroke changes the maps again */
  xdo_stroke (window, canvas, 0.2, 0.5, 0.8, 0.5);
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (g_get_monotonic_time () < end &&
           memcmp (first, ink_feature_maps_get_values (maps, 0), sizeof (float) * 4 * 26 * 26) == 0)
      g_main_context_iteration (NULL, FALSE);
  }
  gui_pump ();
  g_assert_true (memcmp (first, ink_feature_maps_get_values (maps, 0), sizeof (float) * 4 * 26 * 26) != 0);
  g_assert_cmpfloat (maps_error (maps, spec, model->params, &model->norm, ink_draw_page_get_input (page)), <, 1e-6);
  again = render_widget (GTK_WIDGET (maps), &w2, &h2);
  {
    graphene_rect_t area;

    ink_feature_maps_get_grid (maps, 0, NULL, NULL, &area);
    g_assert_cmpint (pixels_changed (after, again, w, &area), >, 0);
  }

  /* Delete clears the board and the maps */
  xdo (window, "key Delete");
  wait_ms (200);
  gui_pump ();
  g_assert_true (ink_draw_canvas_is_empty (INK_DRAW_CANVAS (canvas)));
  g_assert_null (ink_feature_maps_get_values (maps, 0));

  /* a dense model again: no maps */
  {
    InkLayerSpec layers[2] = {
      { .units = 8, .activation = INK_ACT_RELU },
      { .units = 10, .activation = INK_ACT_SOFTMAX },
    };
    InkNetSpec dense = { .n_inputs = 784, .n_layers = 2, .layers = layers, .loss = INK_LOSS_CROSS_ENTROPY };
    g_autofree float *p = g_new0 (float, ink_net_spec_n_params (&dense));

    ink_draw_page_set_model (page, &dense, p, &model->norm);
    gui_pump ();
    g_assert_cmpint (ink_feature_maps_get_n_layers (maps), ==, 0);
    g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (maps)));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* New weights (each epoch of a run feeds the page) redraw the maps of what
 * is on the board without drawing anew. */
static void
test_draw_maps_new_weights (void)
{
  g_autoptr(InkModel) model = load_small_cnn ();
  const InkNetSpec *spec = model->experiment->net;
  InkDrawPage *page = ink_draw_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1280, 800);
  InkFeatureMaps *maps = ink_draw_page_get_feature_maps (page);
  g_autofree float *p = g_memdup2 (model->params, sizeof (float) * model->n_params);
  g_autofree float *first = NULL;
  double xy[] = { 0.5, 0.2, 0.5, 0.5, 0.5, 0.8 };

  ink_draw_page_set_model (page, spec, model->params, &model->norm);
  ink_draw_canvas_add_stroke (ink_draw_page_get_canvas (page), xy, 3);
  ink_draw_page_flush (page);
  first = g_memdup2 (ink_feature_maps_get_values (maps, 2), sizeof (float) * 6 * 11 * 11);

  /* the second convolution's weights halved: its maps change, the first's not */
  {
    g_autoptr(InkBackend) be = ink_backend_cpu_new ();
    g_autoptr(InkNetwork) net = ink_network_new (spec, be, 1, NULL);

    for (gsize i = net->w_offset[2]; i < net->b_offset[2]; i++)
      p[i] *= 0.5f;
  }
  ink_draw_page_set_model (page, spec, p, &model->norm);
  g_assert_true (memcmp (first, ink_feature_maps_get_values (maps, 2), sizeof (float) * 6 * 11 * 11) != 0);
  g_assert_cmpfloat (maps_error (maps, spec, p, &model->norm, ink_draw_page_get_input (page)), <, 1e-6);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* With two hidden dense layers (three panels, as LeNet-5) and the maps,
 * wide: the maps beside the activation view; 800×600: everything in one
 * column within the window (the page scrolls), no label cut short. */
static void
test_draw_800x600 (void)
{
  InkLayerSpec layers[5] = {
    { .kind = INK_LAYER_CONV2D, .filters = 8, .kernel_h = 5, .kernel_w = 5, .stride = 1, .activation = INK_ACT_RELU },
    { .kind = INK_LAYER_MAX_POOL, .pool_size = 2, .stride = 2, .activation = INK_ACT_IDENTITY },
    { .units = 64, .activation = INK_ACT_RELU },
    { .units = 32, .activation = INK_ACT_TANH },
    { .units = 10, .activation = INK_ACT_SOFTMAX },
  };
  InkNetSpec spec = { .n_inputs = 784, .n_layers = 5, .layers = layers, .loss = INK_LOSS_CROSS_ENTROPY };
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = ink_network_new (&spec, be, 1, NULL);
  g_autofree float *p = g_new (float, ink_net_spec_n_params (&spec));
  InkDrawPage *page = ink_draw_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1280, 800);
  InkFeatureMaps *maps = ink_draw_page_get_feature_maps (page);
  InkNorm norm;
  double xy[] = { 0.3, 0.3, 0.7, 0.7 };
  graphene_point_t a, m;

  g_assert_nonnull (net);
  ink_network_init_params (net, 5);
  ink_network_get_params (net, p);
  ink_norm_fit (&norm, INK_NORM_SCALE, NULL, NULL, 0);
  ink_draw_page_set_model (page, &spec, p, &norm);
  ink_draw_canvas_add_stroke (ink_draw_page_get_canvas (page), xy, 2);
  ink_draw_page_flush (page);
  wait_ms (300);
  g_assert_cmpint (ink_feature_maps_get_n_layers (maps), ==, 2);
  g_assert_cmpint (ink_activation_view_get_n_layers (ink_draw_page_get_activation_view (page)), ==, 2);
  /* wide: the maps to the right of the activation view, at its top */
  a = window_point (window, GTK_WIDGET (ink_draw_page_get_activation_view (page)), 0, 0);
  m = window_point (window, GTK_WIDGET (maps), 0, 0);
  g_assert_false (ink_draw_page_get_one_column (page));
  g_assert_cmpfloat (m.x, >=, a.x + 3 * 200 + 2 * 24);
  g_assert_cmpfloat (fabs (m.y - a.y), <, 30);

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  wait_ms (400);
  g_assert_cmpint (gtk_widget_get_width (window), <=, 800);
  g_assert_cmpint (gtk_widget_get_height (window), <=, 600);
  g_assert_true (ink_draw_page_get_one_column (page));
  a = window_point (window, GTK_WIDGET (ink_draw_page_get_activation_view (page)), 0, 0);
  m = window_point (window, GTK_WIDGET (maps), 0, 0);
  g_assert_cmpfloat (m.y, >, a.y + 200);   /* under it */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (maps)), <=, 800);
  g_assert_null (gui_find (GTK_WIDGET (page), gui_match_ellipsized, NULL));
  gui_shot (window, "cnnviz-draw-800.png");

  /* a third hidden dense layer: four panels leave too little room beside
   * them at 1280; the drawing, preview and bars stay a row, the maps go
   * under the activation view */
  {
    InkLayerSpec more[6] = { layers[0], layers[1], layers[2], layers[3],
                             { .units = 16, .activation = INK_ACT_RELU }, layers[4] };
    InkNetSpec spec4 = { .n_inputs = 784, .n_layers = 6, .layers = more, .loss = INK_LOSS_CROSS_ENTROPY };
    g_autoptr(InkNetwork) net4 = ink_network_new (&spec4, be, 1, NULL);
    g_autofree float *p4 = g_new (float, ink_net_spec_n_params (&spec4));

    ink_network_init_params (net4, 6);
    ink_network_get_params (net4, p4);
    gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
    ink_draw_page_set_model (page, &spec4, p4, &norm);
    wait_ms (400);
    g_assert_cmpint (ink_activation_view_get_n_layers (ink_draw_page_get_activation_view (page)), ==, 3);
    g_assert_false (ink_draw_page_get_one_column (page));
    a = window_point (window, GTK_WIDGET (ink_draw_page_get_activation_view (page)), 0, 0);
    m = window_point (window, GTK_WIDGET (maps), 0, 0);
    g_assert_cmpfloat (m.y, >, a.y + 200);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------------ */
/* the Features page                                                         */

static gboolean
popover_mapped (gpointer dropdown)
{
  GtkWidget *popover = gui_find_type (dropdown, GTK_TYPE_POPOVER);

  return popover != NULL && gtk_widget_get_mapped (popover);
}

static gboolean
popover_gone (gpointer dropdown)
{
  return !popover_mapped (dropdown);
}

/* clicks tile `unit` of the tile view with the real pointer */
static void
click_tile (GtkWidget *window, InkTileView *tiles, int unit)
{
  graphene_rect_t r;

  g_assert_true (ink_tile_view_get_tile_rect (tiles, unit, &r));
  xdo_click_at (window, GTK_WIDGET (tiles), r.origin.x + r.size.width / 2, r.origin.y + r.size.height / 2);
  gui_pump ();
}

static void
assert_stats (InkFeaturesPage *page, const float *w, int n)
{
  InkTileStats want, got;

  ink_tile_stats (w, n, &want);
  g_assert_true (ink_features_page_get_selected_stats (page, &got));
  g_assert_cmpfloat_with_epsilon (got.min, want.min, 1e-9);
  g_assert_cmpfloat_with_epsilon (got.max, want.max, 1e-9);
  g_assert_cmpfloat_with_epsilon (got.mean, want.mean, 1e-9);
  g_assert_cmpfloat_with_epsilon (got.l2, want.l2, 1e-9);
  /* and the panel shows them */
  {
    char text[64];

    g_snprintf (text, sizeof text, "%.4f", want.max);
    g_assert_nonnull (gui_find_label (GTK_WIDGET (page), text));
  }
}

/* The first convolution's 4 filters as 3×3 tiles; a click shows a filter's
 * statistics; the layer chooser (opened with the pointer, an item picked
 * with the keys) goes to the second convolution, whose filter 1 shows as 4
 * tiles, one per input channel; the filter chooser's + goes to filter 3;
 * a click shows that filter's weights on one channel. */
static void
test_features (void)
{
  g_autoptr(InkModel) model = load_small_cnn ();
  const InkNetSpec *spec = model->experiment->net;
  InkFeaturesPage *page = ink_features_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1000, 700);
  InkTileView *tiles = ink_features_page_get_tile_view (page);
  GtkWidget *layer, *filter;
  const float *conv2;
  int n, tw, th;

  if (!have_xdotool ())
    {
      g_test_skip ("needs xdotool and X11");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  ink_features_page_set_model (page, spec, model->params);
  wait_ms (200);
  g_assert_cmpstr (ink_features_page_get_state (page), ==, "tiles");
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "4 filters of 3×3 in layer 1"));
  g_assert_true (ink_tile_view_get_weights (tiles, &n) != NULL);
  g_assert_cmpint (n, ==, 4);
  ink_tile_view_get_tile_size (tiles, &tw, &th);
  g_assert_cmpint (tw, ==, 3);
  g_assert_cmpint (th, ==, 3);
  g_assert_cmpint (ink_tile_view_get_kind (tiles), ==, INK_TILE_FILTER);
  g_assert_cmpmem (ink_tile_view_get_weights (tiles, NULL), sizeof (float) * 36, model->params, sizeof (float) * 36);

  layer = gui_find_named (GTK_WIDGET (page), "conv-layer");
  filter = gui_find_named (GTK_WIDGET (page), "conv-filter");
  g_assert_nonnull (layer);
  g_assert_nonnull (filter);
  g_assert_true (gtk_widget_get_mapped (layer));
  g_assert_false (gtk_widget_get_mapped (filter));   /* one input channel: the filters themselves */

  /* filter 3: its 9 weights */
  click_tile (window, tiles, 2);
  g_assert_cmpint (ink_tile_view_get_selected (tiles), ==, 2);
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "Filter 3"));
  assert_stats (page, model->params + 2 * 9, 9);
  gui_shot (window, "cnnviz-features.png");

  /* the layer chooser: open it with the pointer, the second entry with the keys */
  xdo_click (window, layer);
  g_assert_true (gui_wait_for (popover_mapped, layer, 5));
  wait_ms (100);
  xdo (window, "key Down Return");
  g_assert_true (gui_wait_for (popover_gone, layer, 5));
  gui_pump ();
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (layer)), ==, 1);
  g_assert_cmpint (ink_tile_view_get_selected (tiles), ==, -1);
  g_assert_true (gtk_widget_get_mapped (filter));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "Filter 1 of 6 in layer 3, on each of its 4 input channels"));
  /* layer 3's weights follow layer 1's 36 + 4 (pools have none): [6, 4, 3, 3] */
  conv2 = model->params + 40;
  ink_tile_view_get_weights (tiles, &n);
  g_assert_cmpint (n, ==, 4);
  g_assert_cmpint (ink_tile_view_get_kind (tiles), ==, INK_TILE_CHANNEL);
  g_assert_cmpmem (ink_tile_view_get_weights (tiles, NULL), sizeof (float) * 36, conv2, sizeof (float) * 36);

  /* the filter chooser's + twice: filter 3 */
  xdo_click (window, gui_spin_button_part (filter, "up"));
  xdo_click (window, gui_spin_button_part (filter, "up"));
  gui_pump ();
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (filter)), ==, 3);
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "Filter 3 of 6 in layer 3, on each of its 4 input channels"));
  g_assert_cmpmem (ink_tile_view_get_weights (tiles, NULL), sizeof (float) * 36,
                   conv2 + 2 * 36, sizeof (float) * 36);

  /* its weights on channel 2 */
  click_tile (window, tiles, 1);
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "Filter 3, Channel 2"));
  assert_stats (page, conv2 + 2 * 36 + 9, 9);
  gui_shot (window, "cnnviz-features-deep.png");

  /* new weights of the same network (the next epoch): the choice stays */
  ink_features_page_set_model (page, spec, model->params);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (layer)), ==, 1);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (filter)), ==, 3);
  g_assert_cmpint (ink_tile_view_get_selected (tiles), ==, 1);

  /* a dense model: its 28×28 units, no choosers */
  {
    InkLayerSpec layers[2] = {
      { .units = 5, .activation = INK_ACT_RELU },
      { .units = 10, .activation = INK_ACT_SOFTMAX },
    };
    InkNetSpec dense = { .n_inputs = 784, .n_layers = 2, .layers = layers, .loss = INK_LOSS_CROSS_ENTROPY };
    g_autofree float *p = g_new0 (float, ink_net_spec_n_params (&dense));

    ink_features_page_set_model (page, &dense, p);
    gui_pump ();
    ink_tile_view_get_weights (tiles, &n);
    g_assert_cmpint (n, ==, 5);
    ink_tile_view_get_tile_size (tiles, &tw, &th);
    g_assert_cmpint (tw, ==, 28);
    g_assert_cmpint (ink_tile_view_get_kind (tiles), ==, INK_TILE_UNIT);
    g_assert_false (gtk_widget_get_mapped (layer));
    g_assert_false (gtk_widget_get_mapped (filter));
    g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "5 units in the first layer"));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* 3×3 kernels in the atlas: 9 pixels a weight, thicker gaps; the export
 * keeps them square */
static void
test_kernel_tiles (void)
{
  InkTileView *view = g_object_ref_sink (ink_tile_view_new ());
  float w[2 * 9];
  int aw, ah;
  cairo_surface_t *s;
  g_autofree char *dir = g_dir_make_tmp ("ink-kernels-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "k.png", NULL);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 18; i++)
    w[i] = (float) (i % 9) - 4.0f;
  ink_tile_view_set_tiles (view, w, 2, 3, 3, INK_TILE_FILTER);
  ink_tile_view_get_atlas_size (view, &aw, &ah);
  /* 2 columns of 27 px, a gap of 4 */
  g_assert_cmpint (aw, ==, 2 * 27 + 4);
  g_assert_cmpint (ah, ==, 27);
  s = ink_tile_view_render_tile (view, 1);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 3);
  cairo_surface_destroy (s);
  g_assert_true (ink_tile_view_export_png (view, path, 30, &error));
  g_assert_no_error (error);
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 2 * 30 + 3 * 2);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 30 + 2 * 2);
  cairo_surface_destroy (s);
  g_unlink (path);
  g_rmdir (dir);
  g_object_unref (view);
}

/* ------------------------------------------------------------------------ */
/* the window                                                                */

/* A CNN model opened in the window reaches both pages: Features shows the
 * filters, Draw the maps of a stroke drawn with the pointer. */
static void
test_window (void)
{
  g_autoptr(InkModel) model = load_small_cnn ();
  g_autofree char *data = test_synthetic_dir (200, 100);
  g_autofree char *ledger = g_dir_make_tmp ("ink-cnnviz-ledger-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  InkWindow *win;
  InkDrawPage *draw;
  InkFeaturesPage *features;
  InkFeatureMaps *maps;

  win = ink_window_new (app);
  ink_window_set_ledger_root (win, ledger);
  ink_window_set_data_dir (win, data);
  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_present (GTK_WINDOW (win));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (win));
  g_assert_true (ink_window_load_model (win, model_path, &error));
  g_assert_no_error (error);
  gui_pump ();

  features = INK_FEATURES_PAGE (ink_window_get_page (win, "features"));
  draw = INK_DRAW_PAGE (ink_window_get_page (win, "draw"));
  maps = ink_draw_page_get_feature_maps (draw);
  g_assert_cmpstr (ink_features_page_get_state (features), ==, "tiles");
  g_assert_cmpint (ink_tile_view_get_kind (ink_features_page_get_tile_view (features)), ==, INK_TILE_FILTER);
  g_assert_cmpint (ink_feature_maps_get_n_layers (maps), ==, G_N_ELEMENTS (expected_maps));

  if (have_xdotool ())
    {
      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (draw))), "draw");
      wait_ms (300);
      xdo_stroke (GTK_WIDGET (win), GTK_WIDGET (ink_draw_page_get_canvas (draw)), 0.3, 0.3, 0.7, 0.7);
      g_assert_true (gui_wait_for (predicted, draw, 10));
      gui_pump ();
      g_assert_cmpfloat (maps_error (maps, model->experiment->net, model->params, &model->norm,
                                     ink_draw_page_get_input (draw)), <, 1e-6);
      screen_shots (GTK_WINDOW (win), "cnnviz-window-draw");
    }
  gtk_window_destroy (GTK_WINDOW (win));
  gui_pump ();
  test_remove_tree (data);
  test_remove_tree (ledger);
}

typedef struct
{
  InkWindow      *win;
  InkDrawPage    *draw;
  const InkNetSpec *spec;
  guint           n_weights;     /* "weights" emissions seen */
  double          max_error;
} RunWatch;

static void
on_weights (InkRun *run, GBytes *params, RunWatch *w)
{
  InkFeatureMaps *maps = ink_draw_page_get_feature_maps (w->draw);
  const float *v = ink_feature_maps_get_values (maps, 0);
  const InkNorm *norm = ink_run_get_norm (run);

  if (norm == NULL || v == NULL)
    return;
  w->n_weights++;
  w->max_error = MAX (w->max_error, maps_error (maps, w->spec, g_bytes_get_data (params, NULL), norm,
                                                ink_draw_page_get_input (w->draw)));
}

/* Training a CNN in the window with a digit on the board: the Draw page's
 * maps follow the run's weights as they arrive (each time the maps of the
 * digit under those weights). */
static void
test_window_run (void)
{
  g_autofree char *data = test_synthetic_dir (600, 100);
  g_autofree char *ledger = g_dir_make_tmp ("ink-cnnviz-ledger-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_experiment_from_json (small_cnn_json, -1, &error);
  RunWatch w = { 0 };
  InkDesignPage *design;
  GtkWidget *start;
  double xy[] = { 0.5, 0.2, 0.45, 0.5, 0.5, 0.8 };

  g_assert_no_error (error);
  w.win = ink_window_new (app);
  ink_window_set_ledger_root (w.win, ledger);
  ink_window_set_data_dir (w.win, data);
  gtk_window_present (GTK_WINDOW (w.win));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (w.win));
  g_assert_true (gui_wait_for (gui_has_data, w.win, 30));
  w.draw = INK_DRAW_PAGE (ink_window_get_page (w.win, "draw"));
  w.spec = exp->net;
  design = INK_DESIGN_PAGE (ink_window_get_page (w.win, "design"));
  ink_design_page_set_experiment (design, exp);
  gui_pump ();

  /* a digit on the board, no model yet */
  ink_draw_canvas_add_stroke (ink_draw_page_get_canvas (w.draw), xy, 3);
  ink_draw_page_flush (w.draw);
  g_assert_cmpint (ink_feature_maps_get_n_layers (ink_draw_page_get_feature_maps (w.draw)), ==, 0);

  start = gui_find_action (GTK_WIDGET (w.win), "win.start");
  g_assert_nonnull (start);
  g_assert_true (gtk_widget_is_sensitive (start));
  g_signal_emit_by_name (start, "clicked");
  if (ink_window_get_run (w.win) == NULL)
    gui_dump (GTK_WIDGET (w.win), 0);
  g_assert_nonnull (ink_window_get_run (w.win));
  /* after the window's own handler, which feeds the page */
  g_signal_connect_after (ink_window_get_run (w.win), "weights", G_CALLBACK (on_weights), &w);
  g_assert_true (gui_wait_for (gui_run_ended, w.win, 100));
  g_assert_cmpint (ink_run_get_state (ink_window_get_run (w.win)), ==, INK_RUN_FINISHED);

  /* (the run hands over the latest weights when the main loop gets to
   * them: once at least) */
  g_assert_cmpuint (w.n_weights, >=, 1);
  g_assert_cmpfloat (w.max_error, <, 1e-6);
  g_assert_cmpint (ink_feature_maps_get_n_layers (ink_draw_page_get_feature_maps (w.draw)), ==,
                   G_N_ELEMENTS (expected_maps));

  gtk_window_destroy (GTK_WINDOW (w.win));
  gui_pump ();
  test_remove_tree (data);
  test_remove_tree (ledger);
}

/* The colour table the tile view and the feature maps share, and the
 * painter both use: the ends and the middle of the map, out-of-range,
 * infinite and NaN values, pixels repeated px × px, the blank. */
static void
test_lut_paint (void)
{
  const guint32 *lut = ink_colormap_lut ();
  const int n = INK_COLORMAP_LUT_SIZE;
  const float src[4] = { -1.0f, 0.0f, 1.0f, NAN };
  const float k = (n - 1) / 2.0f;   /* -1 … +1 over the table */
  guint32 dst[4 * 2 * 3];
  double r, g, b;

  g_assert_cmphex (lut[0], ==, 0xff2166ac);          /* RdBu's blue */
  g_assert_cmphex (lut[n - 1], ==, 0xffb2182b);      /* and red */
  ink_colormap (0.0, &r, &g, &b);
  g_assert_cmpfloat_with_epsilon (r, 0xf7 / 255.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (g, 0xf7 / 255.0, 1e-9);
  ink_colormap (NAN, &r, &g, &b);
  g_assert_cmpfloat_with_epsilon (b, 0xf7 / 255.0, 1e-9);

  g_assert_cmpint (ink_lut_index (-1.0f, -1.0f, k, n), ==, 0);
  g_assert_cmpint (ink_lut_index (1.0f, -1.0f, k, n), ==, n - 1);
  g_assert_cmpint (ink_lut_index (0.0f, -1.0f, k, n), ==, n / 2);
  g_assert_cmpint (ink_lut_index (-7.0f, -1.0f, k, n), ==, 0);
  g_assert_cmpint (ink_lut_index (7.0f, -1.0f, k, n), ==, n - 1);
  g_assert_cmpint (ink_lut_index (INFINITY, -1.0f, k, n), ==, n - 1);
  g_assert_cmpint (ink_lut_index (-INFINITY, -1.0f, k, n), ==, 0);
  g_assert_cmpint (ink_lut_index (NAN, -1.0f, k, n), ==, 0);

  /* 4 × 1 values, 2 × 2 pixels each, into rows of 8 pixels: two rows
   * written, the third left as it was */
  for (guint i = 0; i < G_N_ELEMENTS (dst); i++)
    dst[i] = 0x12345678;
  ink_lut_paint (src, 4, 1, 2, lut, n, -1.0f, k, 0xff000000, dst, 8);
  for (int y = 0; y < 2; y++)
    {
      g_assert_cmphex (dst[y * 8 + 0], ==, lut[0]);
      g_assert_cmphex (dst[y * 8 + 1], ==, lut[0]);
      g_assert_cmphex (dst[y * 8 + 2], ==, lut[n / 2]);
      g_assert_cmphex (dst[y * 8 + 5], ==, lut[n - 1]);
      g_assert_cmphex (dst[y * 8 + 6], ==, 0xff000000);    /* NaN: blank */
      g_assert_cmphex (dst[y * 8 + 7], ==, 0xff000000);
    }
  g_assert_cmphex (dst[16], ==, 0x12345678);

  /* k = 0 (no range): everything blank */
  ink_lut_paint (src, 4, 1, 1, lut, n, 0.0f, 0.0f, 0xff000000, dst, 8);
  g_assert_cmphex (dst[0], ==, 0xff000000);
  g_assert_cmphex (dst[2], ==, 0xff000000);
}

int
main (int argc, char **argv)
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = ink_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/cnnviz/lut-paint", test_lut_paint);
  g_test_add_func ("/cnnviz/inspect", test_inspect);
  g_test_add_func ("/cnnviz/draw/maps", test_draw_maps);
  g_test_add_func ("/cnnviz/draw/new-weights", test_draw_maps_new_weights);
  g_test_add_func ("/cnnviz/draw/800x600", test_draw_800x600);
  g_test_add_func ("/cnnviz/features", test_features);
  g_test_add_func ("/cnnviz/features/kernel-tiles", test_kernel_tiles);
  g_test_add_func ("/cnnviz/window", test_window);
  g_test_add_func ("/cnnviz/window-run", test_window_run);
  ret = g_test_run ();

  if (model_path != NULL)
    {
      g_unlink (model_path);
      g_rmdir (model_dir);
    }
  return ret;
}
