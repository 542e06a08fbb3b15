/* test-gui-draw.c
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
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ink-activation-view.h"
#include "ink-draw-canvas.h"
#include "ink-draw-page.h"
#include "ink-features-page.h"
#include "ink-inspect.h"
#include "ink-prob-bars.h"
#include "ink-tile-view.h"
#include "ink-trainer.h"
#include "ink-classes.h"
#include "test-util.h"
#include "test-gui-util.h"

/* a guard against hangs, not a timing assertion */
#define WAIT_LIMIT_US (20 * G_USEC_PER_SEC)

/* ------------------------------------------------------------------------ */
/* helpers                                                                   */

static InkNetSpec *
make_spec (int n_inputs, int n_layers, const InkLayerSpec *layers, InkLoss loss)
{
  InkNetSpec *spec = g_new0 (InkNetSpec, 1);

  spec->n_inputs = n_inputs;
  spec->n_layers = n_layers;
  spec->layers = g_memdup2 (layers, sizeof (InkLayerSpec) * n_layers);
  spec->loss = loss;
  spec->init = INK_INIT_GLOROT_UNIFORM;
  spec->leaky_slope = 0.01f;
  return spec;
}

/* random weights and biases of a visible size, so that gradients are not tiny */
static void
randomize (InkNetwork *net, guint64 seed)
{
  g_autofree float *p = g_new (float, net->n_params);
  InkRng rng;

  ink_rng_init (&rng, seed);
  for (gsize i = 0; i < net->n_params; i++)
    p[i] = (float) (ink_rng_uniform (&rng) * 1.2 - 0.6);
  ink_network_set_params (net, p);
}

/* the raw score of cls (logit or output), by a forward pass */
static double
score (InkNetwork *net, const float *x, int cls)
{
  int L = net->spec->n_layers;
  float *out = ink_network_forward (net, x, 1, FALSE, 0, 0);   /* CPU: host memory */

  g_assert_true (out == net->act[L - 1]);
  return out[cls];
}

static void
check_saliency (const InkLayerSpec *layers, int n_layers, InkLoss loss, guint64 seed)
{
  const int n_in = 13;
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetSpec) spec = make_spec (n_in, n_layers, layers, loss);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkNetwork) net = ink_network_new (spec, be, 4, &error);
  int classes = layers[n_layers - 1].units;
  float x[13], xp[13], grad[13];
  InkRng rng;

  g_assert_no_error (error);
  randomize (net, seed);
  ink_rng_init (&rng, seed + 1);
  for (int i = 0; i < n_in; i++)
    x[i] = (float) (ink_rng_uniform (&rng) * 2 - 1);

  for (int cls = 0; cls < classes; cls++)
    {
      double max_abs = 0;

      ink_saliency (net, x, cls, grad);
      for (int i = 0; i < n_in; i++)
        {
          const float eps = 1e-2f;
          double plus, minus, fd;

          memcpy (xp, x, sizeof x);
          xp[i] = x[i] + eps;
          plus = score (net, xp, cls);
          xp[i] = x[i] - eps;
          minus = score (net, xp, cls);
          fd = (plus - minus) / (2.0 * eps);
          g_assert_cmpfloat_with_epsilon (grad[i], fd, 2e-3 * MAX (1.0, fabs (fd)));
          max_abs = MAX (max_abs, fabs (grad[i]));
        }
      /* a gradient that is all zeros would pass trivially */
      g_assert_cmpfloat (max_abs, >, 1e-3);
    }
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* the widget as drawn, downloaded as B8G8R8A8 premultiplied (GDK_MEMORY_DEFAULT) */
static guint8 *
render_widget (GtkWidget *widget, int *width, int *height, gsize *stride)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint8 *data;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  *stride = (gsize) *width * 4;
  data = g_malloc (*stride * *height);
  gdk_texture_download (texture, data, *stride);
  g_object_unref (paintable);
  return data;
}

/* a tiny model trained on the synthetic blocks */
typedef struct
{
  InkExperiment *exp;
  float         *params;
  InkNorm        norm;
} TinyModel;

static TinyModel *
tiny_model_get (void)
{
  static TinyModel model;

  if (model.exp == NULL)
    {
      g_autoptr(InkDataset) train = test_synthetic_dataset (600, 3);
      g_autoptr(InkDataset) test = test_synthetic_dataset (100, 4);
      g_autoptr(InkTrainer) t = NULL;
      g_autoptr(GError) error = NULL;
      InkNetwork *net;

      model.exp = ink_experiment_new_default ();
      model.exp->net->layers[0].units = 24;
      ink_optimizer_spec_defaults (&model.exp->optimizer, INK_OPT_ADAM);
      model.exp->epochs = 3;
      model.exp->batch_size = 50;
      model.exp->seed = 5;
      t = ink_trainer_new (model.exp, train, test, &error);
      g_assert_no_error (error);
      ink_trainer_run (t, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      net = ink_trainer_network (t);
      model.params = g_new (float, net->n_params);
      ink_network_get_params (net, model.params);
      model.norm = *ink_trainer_norm (t);
    }
  return &model;
}

/* a PNG of a dark "7" on white paper */
static char *
write_digit_png (const char *dir)
{
  char *path = g_build_filename (dir, "seven.png", NULL);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 120, 160);
  cairo_t *cr = cairo_create (s);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_set_line_width (cr, 12);
  cairo_move_to (cr, 20, 25);
  cairo_line_to (cr, 100, 25);
  cairo_line_to (cr, 50, 140);
  cairo_stroke (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  return path;
}

/* ------------------------------------------------------------------------ */
/* ink-inspect                                                               */

static void
test_saliency_softmax (void)
{
  const InkLayerSpec layers[] = {
    { 9, INK_ACT_TANH, 0.3f },     /* dropout must not matter outside training */
    { 7, INK_ACT_SIGMOID, 0.0f },
    { 4, INK_ACT_SOFTMAX, 0.0f },
  };

  check_saliency (layers, G_N_ELEMENTS (layers), INK_LOSS_CROSS_ENTROPY, 11);
}

static void
test_saliency_identity (void)
{
  const InkLayerSpec layers[] = {
    { 8, INK_ACT_TANH, 0.0f },
    { 3, INK_ACT_IDENTITY, 0.0f },
  };

  check_saliency (layers, G_N_ELEMENTS (layers), INK_LOSS_MSE, 12);
}

static void
test_saliency_sigmoid_output (void)
{
  /* the non-identity output: the gradient goes through f' of the output */
  const InkLayerSpec layers[] = {
    { 6, INK_ACT_SIGMOID, 0.0f },
    { 5, INK_ACT_TANH, 0.0f },
    { 3, INK_ACT_SIGMOID, 0.0f },
  };

  check_saliency (layers, G_N_ELEMENTS (layers), INK_LOSS_MSE, 13);
}

static void
test_inspection (void)
{
  const InkLayerSpec layers[] = {
    { 16, INK_ACT_RELU, 0.0f },
    { 8, INK_ACT_TANH, 0.0f },
    { 10, INK_ACT_SOFTMAX, 0.0f },
  };
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetSpec) spec = make_spec (784, 3, layers, INK_LOSS_CROSS_ENTROPY);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkNetwork) net = ink_network_new (spec, be, 1, &error);
  g_autoptr(InkInspection) insp = NULL;
  g_autoptr(InkInspection) copy = NULL;
  float x[784], probs[10];
  double sum = 0;
  int best = 0;
  InkRng rng;

  g_assert_no_error (error);
  ink_network_init_params (net, 3);
  ink_rng_init (&rng, 4);
  for (int i = 0; i < 784; i++)
    x[i] = (float) ink_rng_uniform (&rng);

  insp = ink_inspect (net, x);
  g_assert_nonnull (insp);
  g_assert_cmpint (insp->n_layers, ==, 3);
  for (int l = 0; l < 3; l++)
    {
      g_assert_cmpint (insp->units[l], ==, layers[l].units);
      g_assert_cmpint (insp->activations[l], ==, layers[l].activation);
    }
  for (int u = 0; u < 16; u++)
    g_assert_cmpfloat (insp->values[0][u], >=, 0.0f);
  for (int u = 0; u < 8; u++)
    g_assert_cmpfloat (fabsf (insp->values[1][u]), <=, 1.0f);

  /* the last layer holds probabilities, the same as predict gives */
  ink_network_predict (net, x, 1, probs);
  for (int c = 0; c < 10; c++)
    {
      sum += insp->values[2][c];
      g_assert_cmpfloat_with_epsilon (insp->values[2][c], probs[c], 1e-6);
      if (probs[c] > probs[best])
        best = c;
    }
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
  g_assert_cmpint (ink_inspection_top (insp), ==, best);

  copy = ink_inspection_copy (insp);
  for (int l = 0; l < 3; l++)
    g_assert_cmpmem (copy->values[l], sizeof (float) * copy->units[l],
                     insp->values[l], sizeof (float) * insp->units[l]);
  g_assert_cmpint (ink_inspection_top (NULL), ==, -1);
}

/* ------------------------------------------------------------------------ */
/* the canvas                                                                */

static void
count_cb (gpointer instance, guint *count)
{
  (*count)++;
}

static void
centre_of_mass (const guint8 img[784], double *cx, double *cy, int *total,
                int *x0, int *x1, int *y0, int *y1)
{
  double sx = 0, sy = 0, m = 0;

  *total = 0;
  *x0 = *y0 = 28;
  *x1 = *y1 = -1;
  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++)
      {
        int v = img[y * 28 + x];
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
        m += v;
        *total += v;
        if (v > 0)
          {
            *x0 = MIN (*x0, x);
            *x1 = MAX (*x1, x);
            *y0 = MIN (*y0, y);
            *y1 = MAX (*y1, y);
          }
      }
  *cx = m > 0 ? sx / m : -1;
  *cy = m > 0 ? sy / m : -1;
}

static void
test_canvas_stroke (void)
{
  InkDrawCanvas *canvas = g_object_ref_sink (ink_draw_canvas_new ());
  const double line[] = { 0.3, 0.15, 0.32, 0.5, 0.3, 0.85 };
  guint changed = 0;
  guint8 img[784];
  double cx, cy;
  int total, x0, x1, y0, y1;

  g_signal_connect (canvas, "changed", G_CALLBACK (count_cb), &changed);
  g_assert_true (ink_draw_canvas_is_empty (canvas));
  g_assert_false (ink_draw_canvas_get_mnist (canvas, img));

  ink_draw_canvas_add_stroke (canvas, line, 3);
  g_assert_false (ink_draw_canvas_is_empty (canvas));
  g_assert_cmpuint (ink_draw_canvas_get_n_strokes (canvas), ==, 1);
  g_assert_cmpuint (changed, ==, 1);

  g_assert_true (ink_draw_canvas_get_mnist (canvas, img));
  centre_of_mass (img, &cx, &cy, &total, &x0, &x1, &y0, &y1);
  g_assert_cmpint (total, >, 20 * 255);
  /* centred by mass, although drawn left of the middle */
  g_assert_cmpfloat (fabs (cx - 14.0), <, 1.0);
  g_assert_cmpfloat (fabs (cy - 14.0), <, 1.0);
  /* a vertical line: 20 px tall (MNIST's box), narrow */
  g_assert_cmpint (y1 - y0 + 1, >=, 19);
  g_assert_cmpint (y1 - y0 + 1, <=, 21);
  g_assert_cmpint (x1 - x0 + 1, <, 10);

  /* a second stroke, then undo twice */
  ink_draw_canvas_set_brush_size (canvas, 4);
  g_assert_cmpfloat (ink_draw_canvas_get_brush_size (canvas), ==, 4);
  ink_draw_canvas_add_stroke (canvas, (const double[]) { 0.1, 0.5, 0.9, 0.5 }, 2);
  g_assert_cmpuint (ink_draw_canvas_get_n_strokes (canvas), ==, 2);
  g_assert_true (ink_draw_canvas_undo (canvas));
  g_assert_cmpuint (changed, ==, 3);
  {
    guint8 again[784];
    g_assert_true (ink_draw_canvas_get_mnist (canvas, again));
    g_assert_cmpmem (again, 784, img, 784);
  }
  g_assert_true (ink_draw_canvas_undo (canvas));
  g_assert_true (ink_draw_canvas_is_empty (canvas));
  g_assert_false (ink_draw_canvas_get_mnist (canvas, img));
  for (int i = 0; i < 784; i++)
    g_assert_cmpuint (img[i], ==, 0);
  g_assert_false (ink_draw_canvas_undo (canvas));

  ink_draw_canvas_add_stroke (canvas, line, 3);
  ink_draw_canvas_clear (canvas);
  g_assert_true (ink_draw_canvas_is_empty (canvas));
  g_assert_cmpuint (changed, ==, 6);

  /* brush sizes are clamped */
  ink_draw_canvas_set_brush_size (canvas, 1000);
  g_assert_cmpfloat (ink_draw_canvas_get_brush_size (canvas), ==, 20);

  g_object_unref (canvas);
}

/* the fraction of the widget's pixels that are light (ink on the board) */
static double
light_fraction (GtkWidget *widget, double x_from, double x_to)
{
  int w, h, light = 0, n = 0;
  gsize stride;
  g_autofree guint8 *px = render_widget (widget, &w, &h, &stride);

  for (int y = 0; y < h; y++)
    for (int x = (int) (x_from * w); x < (int) (x_to * w); x++)
      {
        const guint8 *p = px + y * stride + 4 * x;
        n++;
        light += p[0] > 200 && p[1] > 200 && p[2] > 200;
      }
  return (double) light / MAX (n, 1);
}

static void
test_canvas_resize (void)
{
  InkDrawCanvas *canvas = ink_draw_canvas_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (canvas), 300, 300);
  const double line[] = { 0.5, 0.1, 0.5, 0.9 };
  double before, after, left;

  ink_draw_canvas_add_stroke (canvas, line, 2);
  gtk_test_widget_wait_for_draw (window);
  before = light_fraction (GTK_WIDGET (canvas), 0.4, 0.6);
  left = light_fraction (GTK_WIDGET (canvas), 0.05, 0.3);
  g_assert_cmpfloat (before, >, 0.1);     /* the line is drawn */
  g_assert_cmpfloat (left, <, 0.01);      /* and only there */

  /* a new size recreates the surface and replays the strokes */
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 200);
  gtk_widget_set_size_request (GTK_WIDGET (canvas), 180, 180);
  gtk_test_widget_wait_for_draw (window);
  after = light_fraction (GTK_WIDGET (canvas), 0.4, 0.6);
  g_assert_cmpfloat (after, >, 0.1);

  ink_draw_canvas_undo (canvas);
  gtk_test_widget_wait_for_draw (window);
  g_assert_cmpfloat (light_fraction (GTK_WIDGET (canvas), 0.4, 0.6), <, 0.01);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_canvas_xdotool (void)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  InkDrawCanvas *canvas;
  GtkWidget *window;
  GdkSurface *surface;
  g_autofree char *cmd = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;
  gint64 deadline;
  int status = 0;
  guint8 img[784];

  if (xdotool == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return;
    }
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("needs an X11 display");
      return;
    }

  canvas = ink_draw_canvas_new ();
  g_signal_connect (canvas, "changed", G_CALLBACK (count_cb), &changed);
  window = gui_show_in_window (GTK_WIDGET (canvas), 300, 300);
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  cmd = g_strdup_printf ("%s mousemove --sync --window %lu 150 40 mousedown 1 "
                         "mousemove --window %lu 155 120 mousemove --window %lu 150 200 "
                         "mousemove --window %lu 148 260 mouseup 1",
                         xdotool,
                         (gulong) gdk_x11_surface_get_xid (surface),
                         (gulong) gdk_x11_surface_get_xid (surface),
                         (gulong) gdk_x11_surface_get_xid (surface),
                         (gulong) gdk_x11_surface_get_xid (surface));
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  while ((ink_draw_canvas_is_empty (canvas) || changed < 2) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  g_assert_false (ink_draw_canvas_is_empty (canvas));
  g_assert_cmpuint (ink_draw_canvas_get_n_strokes (canvas), ==, 1);
  g_assert_cmpuint (changed, >=, 2);
  g_assert_true (ink_draw_canvas_get_mnist (canvas, img));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------------ */
/* the probability bars and the activation view                              */

static void
test_prob_bars (void)
{
  InkProbBars *bars = g_object_ref_sink (ink_prob_bars_new ());
  const float p[10] = { 0.01f, 0.02f, 0.6f, 0.05f, 0.02f, 0.2f, 0.03f, 0.03f, 0.02f, 0.02f };
  const float *v;
  int n;

  g_assert_cmpint (ink_prob_bars_get_top (bars), ==, -1);
  g_assert_null (ink_prob_bars_get_values (bars, &n));
  ink_prob_bars_set (bars, p, 10);
  g_assert_cmpint (ink_prob_bars_get_top (bars), ==, 2);
  v = ink_prob_bars_get_values (bars, &n);
  g_assert_cmpint (n, ==, 10);
  g_assert_cmpmem (v, sizeof p, p, sizeof p);
  ink_prob_bars_clear (bars);
  g_assert_cmpint (ink_prob_bars_get_top (bars), ==, -1);
  g_object_unref (bars);
}

static void
test_activation_view (void)
{
  InkActivationView *view = g_object_ref_sink (ink_activation_view_new ());
  InkInspection insp = { 0 };
  int units[3] = { 4, 3, 2 };
  float l0[4] = { 1, 0, 2, 0 }, l1[3] = { 0.9f, 0.2f, 0.7f }, l2[2] = { 0.3f, 0.7f };
  float *values[3] = { l0, l1, l2 };
  InkActivation acts[3] = { INK_ACT_RELU, INK_ACT_SIGMOID, INK_ACT_SOFTMAX };
  float saliency[784] = { 0 };
  guint8 input[784] = { 0 };
  g_autofree char *c0 = NULL;
  g_autofree char *c1 = NULL;
  g_autofree char *c2 = NULL;

  insp.n_layers = 3;
  insp.units = units;
  insp.values = values;
  insp.activations = acts;
  saliency[400] = 1.0f;

  g_assert_cmpint (ink_activation_view_get_n_layers (view), ==, 0);
  ink_activation_view_set (view, &insp, saliency, input);
  g_assert_cmpint (ink_activation_view_get_n_layers (view), ==, 2);
  c0 = ink_activation_view_get_layer_caption (view, 0);
  c1 = ink_activation_view_get_layer_caption (view, 1);
  c2 = ink_activation_view_get_layer_caption (view, 2);
  /* relu: active above 0 (2 of 4); sigmoid: above 0.5 (2 of 3) */
  g_assert_cmpstr (c0, ==, "Layer 1 · 4 units · 50% active");
  g_assert_cmpstr (c1, ==, "Layer 2 · 3 units · 67% active");
  g_assert_null (c2);

  /* it copied: changing the caller's data changes nothing */
  l0[1] = 5;
  g_clear_pointer (&c0, g_free);
  c0 = ink_activation_view_get_layer_caption (view, 0);
  g_assert_cmpstr (c0, ==, "Layer 1 · 4 units · 50% active");

  ink_activation_view_clear (view);
  g_assert_cmpint (ink_activation_view_get_n_layers (view), ==, 0);
  g_object_unref (view);
}

/* ------------------------------------------------------------------------ */
/* the draw page                                                             */

static void
test_draw_page (void)
{
  TinyModel *m = tiny_model_get ();
  InkDrawPage *page = ink_draw_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1100, 760);
  InkDrawCanvas *canvas = ink_draw_page_get_canvas (page);
  InkProbBars *bars = ink_draw_page_get_prob_bars (page);
  const double stroke[] = { 0.3, 0.2, 0.7, 0.2, 0.45, 0.85 };
  float probs[10], direct[10], x[784];
  const float *shown;
  int cls, n, best = 0;
  double sum = 0;

  /* no model: the input is shown, no prediction */
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, -1);
  ink_draw_canvas_add_stroke (canvas, stroke, 3);
  ink_draw_page_flush (page);
  g_assert_nonnull (ink_draw_page_get_input (page));
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, -1);
  g_assert_cmpint (ink_prob_bars_get_top (bars), ==, -1);

  /* a model: set_model predicts right away */
  ink_draw_page_set_model (page, m->exp->net, m->params, &m->norm);
  cls = ink_draw_page_get_prediction (page, probs);
  g_assert_cmpint (cls, >=, 0);
  g_assert_cmpint (cls, <, 10);
  for (int c = 0; c < 10; c++)
    sum += probs[c];
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);

  /* the bars show it */
  g_assert_cmpint (ink_prob_bars_get_top (bars), ==, cls);
  shown = ink_prob_bars_get_values (bars, &n);
  g_assert_cmpint (n, ==, 10);
  g_assert_cmpmem (shown, sizeof probs, probs, sizeof probs);
  g_assert_cmpint (ink_activation_view_get_n_layers (ink_draw_page_get_activation_view (page)), ==, 1);
  {
    g_autofree char *cap = ink_activation_view_get_layer_caption (ink_draw_page_get_activation_view (page), 0);
    g_assert_nonnull (strstr (cap, "24 units"));
  }

  /* the same as predicting the page's input directly */
  {
    g_autoptr(InkBackend) be = ink_backend_cpu_new ();
    g_autoptr(InkNetwork) net = ink_network_new (m->exp->net, be, 1, NULL);

    ink_network_set_params (net, m->params);
    ink_norm_apply (&m->norm, ink_draw_page_get_input (page), x, 784);
    ink_network_predict (net, x, 1, direct);
    for (int c = 0; c < 10; c++)
      {
        g_assert_cmpfloat_with_epsilon (direct[c], probs[c], 1e-5);
        if (direct[c] > direct[best])
          best = c;
      }
    g_assert_cmpint (best, ==, cls);
  }

  /* new weights for the same network (the training path): the output bias
   * of another class made huge wins */
  {
    g_autofree float *p = g_memdup2 (m->params, sizeof (float) * ink_net_spec_n_params (m->exp->net));
    gsize bias = ink_net_spec_n_params (m->exp->net) - 10;
    int other = (cls + 3) % 10;

    p[bias + other] = 100.0f;
    ink_draw_page_set_model (page, m->exp->net, p, &m->norm);
    g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, other);
    g_assert_cmpint (ink_prob_bars_get_top (bars), ==, other);
  }
  ink_draw_page_set_model (page, m->exp->net, m->params, &m->norm);
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, cls);

  /* drawing predicts at the next idle */
  ink_draw_canvas_clear (canvas);
  iterate ();
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, -1);
  g_assert_null (ink_draw_page_get_input (page));
  ink_draw_canvas_add_stroke (canvas, stroke, 3);
  iterate ();
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, cls);

  /* a model for other inputs: a message, no prediction */
  {
    g_autoptr(InkNetSpec) other = ink_net_spec_copy (m->exp->net);
    g_autofree float *p = NULL;

    other->n_inputs = 100;
    p = g_new0 (float, ink_net_spec_n_params (other));
    ink_draw_page_set_model (page, other, p, &m->norm);
    g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, -1);
  }

  /* no model at all */
  ink_draw_page_set_model (page, NULL, NULL, NULL);
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, -1);
  g_assert_cmpint (ink_prob_bars_get_top (bars), ==, -1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* issue 11, 5: an identity (MSE) output is no probability: the page calls
 * its values scores and prints them as numbers (−0.116, 1.160), never as
 * −11.6% or 116%; a softmax output is labelled as one, and nothing says
 * "sure".  Class names follow the model's dataset. */
static gboolean
any_label_has (GtkWidget *root, const char *text)
{
  return gui_find_label (root, text) != NULL;
}

static void
test_draw_page_scores (void)
{
  TinyModel *m = tiny_model_get ();
  InkDrawPage *page = ink_draw_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1100, 760);
  InkDrawCanvas *canvas = ink_draw_page_get_canvas (page);
  InkProbBars *bars = ink_draw_page_get_prob_bars (page);
  const double stroke[] = { 0.3, 0.2, 0.7, 0.2, 0.45, 0.85 };
  g_autoptr(InkNetSpec) spec = ink_net_spec_copy (m->exp->net);
  gsize n_params = ink_net_spec_n_params (spec);
  g_autofree float *p = g_memdup2 (m->params, sizeof (float) * n_params);
  int hidden = spec->layers[0].units;
  float *w_out = p + (n_params - 10 - (gsize) 10 * hidden);
  float *b_out = p + (n_params - 10);

  ink_draw_canvas_add_stroke (canvas, stroke, 3);

  /* softmax: probabilities, labelled as the softmax they are */
  ink_draw_page_set_model (page, m->exp->net, m->params, &m->norm);
  ink_draw_page_flush (page);
  g_assert_true (ink_prob_bars_get_probabilities (bars));
  g_assert_true (any_label_has (GTK_WIDGET (page), "Class Probabilities"));
  g_assert_nonnull (strstr (ink_draw_page_get_verdict_detail (page), "softmax"));
  g_assert_null (strstr (ink_draw_page_get_verdict_detail (page), "sure"));
  gui_shot (window, "draw-softmax.png");

  /* identity output: the output layer gives exactly its biases */
  spec->layers[spec->n_layers - 1].activation = INK_ACT_IDENTITY;
  spec->loss = INK_LOSS_MSE;
  memset (w_out, 0, sizeof (float) * 10 * hidden);
  for (int c = 0; c < 10; c++)
    b_out[c] = 0.01f * c;
  b_out[3] = -0.116f;
  b_out[7] = 1.16f;
  ink_draw_page_set_model (page, spec, p, &m->norm);
  ink_draw_page_flush (page);
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, 7);
  g_assert_false (ink_prob_bars_get_probabilities (bars));
  {
    g_autofree char *top = ink_prob_bars_get_value_text (bars, 7);
    g_autofree char *neg = ink_prob_bars_get_value_text (bars, 3);
    g_assert_cmpstr (top, ==, "1.160");
    g_assert_cmpstr (neg, ==, "\u22120.116");
  }
  for (int c = 0; c < 10; c++)
    {
      g_autofree char *v = ink_prob_bars_get_value_text (bars, c);
      g_assert_null (strchr (v, '%'));
    }
  /* the page says so, in its own labels */
  g_assert_false (any_label_has (GTK_WIDGET (page), "Class Probabilities"));
  g_assert_true (any_label_has (GTK_WIDGET (page), "Scores"));
  g_assert_cmpstr (ink_draw_page_get_verdict (page), ==, "7");
  g_assert_null (strchr (ink_draw_page_get_verdict_detail (page), '%'));
  g_assert_null (strstr (ink_draw_page_get_verdict_detail (page), "sure"));
  g_assert_nonnull (strstr (ink_draw_page_get_verdict_detail (page), "1.160"));
  gui_shot (window, "draw-scores.png");

  /* Fashion-MNIST's classes by name, on the bars and in the verdict */
  ink_draw_page_set_class_names (page, ink_class_names ("fashion-mnist"));
  g_assert_cmpstr (ink_draw_page_get_verdict (page), ==, "Sneaker");
  g_assert_cmpstr (ink_activation_view_get_saliency_title (ink_draw_page_get_activation_view (page)), ==,
                   "Saliency for Sneaker");
  {
    g_autofree char *first = ink_prob_bars_get_label_text (bars, 0);
    g_autofree char *last = ink_prob_bars_get_label_text (bars, 9);
    g_assert_cmpstr (first, ==, "T-shirt/top");
    g_assert_cmpstr (last, ==, "Ankle boot");
  }
  gui_shot (window, "draw-fashion-scores.png");

  /* back to a softmax model: probabilities again */
  ink_draw_page_set_model (page, m->exp->net, m->params, &m->norm);
  ink_draw_page_flush (page);
  g_assert_true (ink_prob_bars_get_probabilities (bars));
  g_assert_true (any_label_has (GTK_WIDGET (page), "Class Probabilities"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_draw_page_png (void)
{
  TinyModel *m = tiny_model_get ();
  g_autofree char *dir = g_dir_make_tmp ("ink-draw-XXXXXX", NULL);
  g_autofree char *png = write_digit_png (dir);
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  g_autofree char *not_png = g_build_filename (dir, "notes.png", NULL);
  InkDrawPage *page = ink_draw_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1000, 700);
  g_autoptr(GError) error = NULL;
  const guint8 *input;
  double cx, cy;
  int total, x0, x1, y0, y1;

  ink_draw_page_set_model (page, m->exp->net, m->params, &m->norm);

  /* failures: reported, nothing changes, no crash */
  g_assert_false (ink_draw_page_open_png (page, missing, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (not_png, "not an image", -1, NULL));
  g_assert_false (ink_draw_page_open_png (page, not_png, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (ink_draw_page_open_png (page, not_png, NULL));
  g_assert_null (ink_draw_page_get_input (page));
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, -1);

  /* a dark digit on white paper: inverted, centred, predicted */
  g_assert_true (ink_draw_page_open_png (page, png, &error));
  g_assert_no_error (error);
  input = ink_draw_page_get_input (page);
  g_assert_nonnull (input);
  centre_of_mass (input, &cx, &cy, &total, &x0, &x1, &y0, &y1);
  g_assert_cmpint (total, >, 20 * 255);
  g_assert_cmpfloat (fabs (cx - 14.0), <, 1.0);
  g_assert_cmpfloat (fabs (cy - 14.0), <, 1.0);
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), >=, 0);
  gtk_test_widget_wait_for_draw (window);

  /* drawing is off while the image shows; Clear goes back to the (empty)
   * drawing */
  gui_click (gui_find_action (GTK_WIDGET (page), "draw.clear"));
  iterate ();
  g_assert_null (ink_draw_page_get_input (page));
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, -1);

  /* Undo removes the last stroke and predicts again */
  ink_draw_canvas_add_stroke (ink_draw_page_get_canvas (page), (const double[]) { 0.5, 0.2, 0.5, 0.8 }, 2);
  iterate ();
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), >=, 0);
  gui_click (gui_find_action (GTK_WIDGET (page), "draw.undo"));
  iterate ();
  g_assert_true (ink_draw_canvas_is_empty (ink_draw_page_get_canvas (page)));
  g_assert_cmpint (ink_draw_page_get_prediction (page, NULL), ==, -1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (png);
  g_unlink (not_png);
  g_rmdir (dir);
}

/* ------------------------------------------------------------------------ */
/* the tile view and the features page                                       */

/* 5 units: +1 everywhere, 0, -1, a small +0.1, a ramp */
static float *
known_weights (int n_units)
{
  float *w = g_new0 (float, (gsize) n_units * 784);

  for (int i = 0; i < 784; i++)
    {
      w[0 * 784 + i] = 1.0f;
      w[1 * 784 + i] = 0.0f;
      w[2 * 784 + i] = -1.0f;
      w[3 * 784 + i] = 0.1f;
      w[4 * 784 + i] = (float) i / 783.0f - 0.25f;
    }
  return w;
}

static void
rgb_at (cairo_surface_t *s, int x, int y, int *r, int *g, int *b)
{
  const guint8 *data = cairo_image_surface_get_data (s);
  guint32 p = *(const guint32 *) (data + y * cairo_image_surface_get_stride (s) + 4 * x);

  *r = (p >> 16) & 0xff;
  *g = (p >> 8) & 0xff;
  *b = p & 0xff;
}

static void
test_tile_view (void)
{
  InkTileView *view = g_object_ref_sink (ink_tile_view_new ());
  g_autofree float *w = known_weights (5);
  g_autofree char *dir = g_dir_make_tmp ("ink-tiles-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tiles.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "no", "such", "dir.png", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *s;
  int cols, rows, aw, ah, r, g, b;

  ink_tile_view_get_atlas_size (view, &aw, &ah);
  g_assert_cmpint (aw, ==, 0);

  ink_tile_view_set_weights (view, w, 5, 784);
  ink_tile_view_get_grid (view, &cols, &rows);
  g_assert_cmpint (cols, ==, 3);
  g_assert_cmpint (rows, ==, 2);
  ink_tile_view_get_atlas_size (view, &aw, &ah);
  g_assert_cmpint (aw, ==, 3 * 29 - 1);
  g_assert_cmpint (ah, ==, 2 * 29 - 1);

  /* the colour map: per-tile scaling gives unit 3 (+0.1) full red */
  s = ink_tile_view_render_tile (view, 0);
  rgb_at (s, 5, 5, &r, &g, &b);
  g_assert_cmpint (r, >, 150);
  g_assert_cmpint (g, <, 60);
  cairo_surface_destroy (s);
  s = ink_tile_view_render_tile (view, 1);
  rgb_at (s, 5, 5, &r, &g, &b);
  g_assert_cmpint (r, >, 230);
  g_assert_cmpint (g, >, 230);
  g_assert_cmpint (b, >, 230);
  cairo_surface_destroy (s);
  s = ink_tile_view_render_tile (view, 2);
  rgb_at (s, 5, 5, &r, &g, &b);
  g_assert_cmpint (b, >, 150);
  g_assert_cmpint (r, <, 60);
  cairo_surface_destroy (s);
  s = ink_tile_view_render_tile (view, 3);
  rgb_at (s, 5, 5, &r, &g, &b);
  g_assert_cmpint (g, <, 60);
  cairo_surface_destroy (s);
  g_assert_null (ink_tile_view_render_tile (view, 5));

  /* one scale for all: unit 3 is pale next to unit 0 */
  g_object_set (view, "shared-scale", TRUE, NULL);
  g_assert_true (ink_tile_view_get_shared_scale (view));
  s = ink_tile_view_render_tile (view, 3);
  rgb_at (s, 5, 5, &r, &g, &b);
  g_assert_cmpint (r, >, 230);
  g_assert_cmpint (g, >, 180);
  cairo_surface_destroy (s);
  ink_tile_view_set_shared_scale (view, FALSE);

  /* export: 3×2 tiles of 10 px, 1 px gaps */
  g_assert_true (ink_tile_view_export_png (view, path, 10, &error));
  g_assert_no_error (error);
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 3 * 10 + 4);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 2 * 10 + 3);
  rgb_at (s, 1 + 5, 1 + 5, &r, &g, &b);           /* unit 0: red */
  g_assert_cmpint (r, >, 150);
  g_assert_cmpint (b, <, 80);
  rgb_at (s, 1 + 2 * 11 + 5, 1 + 5, &r, &g, &b);  /* unit 2: blue */
  g_assert_cmpint (b, >, 150);
  g_assert_cmpint (r, <, 80);
  cairo_surface_destroy (s);

  /* 56 px tiles: 4 px gaps */
  g_assert_true (ink_tile_view_export_png (view, path, 56, &error));
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 3 * 56 + 4 * 4);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 2 * 56 + 3 * 4);
  cairo_surface_destroy (s);

  g_assert_false (ink_tile_view_export_png (view, bad, 10, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (ink_tile_view_export_png (view, path, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* selection follows the units */
  ink_tile_view_set_selected (view, 4);
  g_assert_cmpint (ink_tile_view_get_selected (view), ==, 4);
  ink_tile_view_set_weights (view, w, 3, 784);
  g_assert_cmpint (ink_tile_view_get_selected (view), ==, -1);

  /* not 28×28: nothing to show */
  ink_tile_view_set_weights (view, w, 5, 100);
  ink_tile_view_get_atlas_size (view, &aw, &ah);
  g_assert_cmpint (aw, ==, 0);
  g_assert_false (ink_tile_view_export_png (view, path, 10, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_object_unref (view);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_tile_view_large (void)
{
  InkTileView *view = ink_tile_view_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (view), 800, 800);
  g_autofree float *w = g_new (float, 512 * 784);
  gint64 start;
  int cols, rows, aw, ah;
  InkRng rng;

  ink_rng_init (&rng, 9);
  for (int i = 0; i < 512 * 784; i++)
    w[i] = (float) ink_rng_normal (&rng) * 0.05f;

  for (int i = 0; i < 3; i++)
    {
      start = g_get_monotonic_time ();
      ink_tile_view_set_weights (view, w, 512, 784);
      g_test_message ("atlas of 512 tiles: %.2f ms", (g_get_monotonic_time () - start) / 1000.0);
    }
  ink_tile_view_get_grid (view, &cols, &rows);
  g_assert_cmpint (cols, ==, 23);
  g_assert_cmpint (rows, ==, 23);
  ink_tile_view_get_atlas_size (view, &aw, &ah);
  g_assert_cmpint (aw, ==, 23 * 29 - 1);
  g_assert_cmpint (ah, ==, 23 * 29 - 1);
  gtk_test_widget_wait_for_draw (window);

  ink_tile_view_set_weights (view, w, 100, 784);
  ink_tile_view_get_grid (view, &cols, &rows);
  g_assert_cmpint (cols, ==, 10);
  g_assert_cmpint (rows, ==, 10);
  gtk_test_widget_wait_for_draw (window);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_tile_activated (InkTileView *view, guint unit, int *got)
{
  *got = (int) unit;
}

static void
test_tile_click (void)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  InkTileView *view;
  GtkWidget *window;
  g_autofree float *w = known_weights (9);
  g_autofree char *cmd = NULL;
  gint64 deadline;
  int got = -1, status = 0;
  double x, y;
  graphene_point_t p;

  if (xdotool == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return;
    }
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("needs an X11 display");
      return;
    }

  view = ink_tile_view_new ();
  ink_tile_view_set_weights (view, w, 9, 784);   /* 3×3 */
  window = gui_show_in_window (GTK_WIDGET (view), 300, 300);
  /* the centre of the bottom right tile (unit 8) */
  x = gtk_widget_get_width (GTK_WIDGET (view)) * (5.0 / 6.0);
  y = gtk_widget_get_height (GTK_WIDGET (view)) * (5.0 / 6.0);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (view), window,
                                           &GRAPHENE_POINT_INIT (x, y), &p));
  g_signal_connect (view, "tile-activated", G_CALLBACK (on_tile_activated), &got);
  cmd = g_strdup_printf ("%s mousemove --sync --window %lu %d %d click 1", xdotool,
                         (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))),
                         (int) p.x, (int) p.y);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL));

  deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  while (got < 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (got, ==, 8);
  g_assert_cmpint (ink_tile_view_get_selected (view), ==, 8);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_tile_stats (void)
{
  const float w[4] = { 1, -1, 2, 0 };
  InkTileStats s;

  ink_tile_stats (w, 4, &s);
  g_assert_cmpfloat (s.min, ==, -1);
  g_assert_cmpfloat (s.max, ==, 2);
  g_assert_cmpfloat_with_epsilon (s.mean, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.std, sqrt (1.25), 1e-12);
  g_assert_cmpfloat_with_epsilon (s.l2, sqrt (6.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (s.positive, 0.5, 1e-12);
}

static void
test_features_page (void)
{
  InkFeaturesPage *page = ink_features_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1000, 700);
  g_autofree float *w = known_weights (5);
  InkTileStats s;
  double sum = 0, sum2 = 0, mean, var = 0;
  int positive = 0;

  g_assert_cmpstr (ink_features_page_get_state (page), ==, "empty");
  g_assert_false (ink_features_page_get_selected_stats (page, &s));

  ink_features_page_set_weights (page, w, 5, 784);
  g_assert_cmpstr (ink_features_page_get_state (page), ==, "tiles");
  g_assert_false (ink_features_page_get_selected_stats (page, &s));

  /* unit 4: the ramp i/783 - 0.25 */
  ink_features_page_select_unit (page, 4);
  g_assert_cmpint (ink_tile_view_get_selected (ink_features_page_get_tile_view (page)), ==, 4);
  g_assert_true (ink_features_page_get_selected_stats (page, &s));
  for (int i = 0; i < 784; i++)
    {
      double v = w[4 * 784 + i];
      sum += v;
      sum2 += v * v;
      positive += v > 0;
    }
  mean = sum / 784;
  for (int i = 0; i < 784; i++)
    var += (w[4 * 784 + i] - mean) * (w[4 * 784 + i] - mean);
  g_assert_cmpfloat_with_epsilon (s.min, -0.25, 1e-6);
  g_assert_cmpfloat_with_epsilon (s.max, 0.75, 1e-6);
  g_assert_cmpfloat_with_epsilon (s.mean, 0.25, 1e-5);
  g_assert_cmpfloat_with_epsilon (s.mean, mean, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.std, sqrt (var / 784), 1e-9);
  g_assert_cmpfloat_with_epsilon (s.l2, sqrt (sum2), 1e-9);
  g_assert_cmpfloat_with_epsilon (s.positive, positive / 784.0, 1e-12);
  g_assert_cmpfloat (s.positive, >, 0.74);
  g_assert_cmpfloat (s.positive, <, 0.76);
  gtk_test_widget_wait_for_draw (window);

  /* new weights during training: the panel follows */
  for (int i = 0; i < 784; i++)
    w[4 * 784 + i] = -2.0f;
  ink_features_page_set_weights (page, w, 5, 784);
  g_assert_true (ink_features_page_get_selected_stats (page, &s));
  g_assert_cmpfloat (s.max, ==, -2.0);
  g_assert_cmpfloat (s.positive, ==, 0.0);

  /* the unit disappears with a smaller layer */
  ink_features_page_set_weights (page, w, 3, 784);
  g_assert_false (ink_features_page_get_selected_stats (page, &s));

  ink_features_page_set_weights (page, w, 5, 100);
  g_assert_cmpstr (ink_features_page_get_state (page), ==, "wrong-inputs");
  ink_features_page_set_weights (page, w, 5, 784);
  g_assert_cmpstr (ink_features_page_get_state (page), ==, "tiles");
  ink_features_page_clear (page);
  g_assert_cmpstr (ink_features_page_get_state (page), ==, "empty");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------------ */
/* issue 11: shortcuts without focusing the canvas, Clear undone, reflow     */

static gboolean
canvas_empty (gpointer canvas)
{
  return ink_draw_canvas_is_empty (canvas);
}

static gboolean
canvas_has_two (gpointer canvas)
{
  return ink_draw_canvas_get_n_strokes (canvas) == 2;
}

/* Delete clears and Ctrl+Z brings the drawing back, pressed on the window
 * while another widget has the focus; the Shortcuts window lists both. */
static void
test_draw_page_shortcuts (void)
{
  static const double a[] = { 0.3, 0.2, 0.35, 0.8 }, b[] = { 0.6, 0.2, 0.55, 0.8 };
  InkDrawPage *page = ink_draw_page_new ();
  InkDrawCanvas *canvas = ink_draw_page_get_canvas (page);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *other = gtk_button_new_with_label ("elsewhere");
  GtkWidget *window;
  g_autoptr(GtkBuilder) builder = NULL;
  g_autofree char *ui = g_test_build_filename (G_TEST_DIST, "..", "ui", "help-overlay.ui", NULL);
  GSList *objects;
  gboolean undo_listed = FALSE, clear_listed = FALSE;

  gtk_box_append (GTK_BOX (box), other);
  gtk_widget_set_vexpand (GTK_WIDGET (page), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (page));
  window = gui_show_in_window (box, 1100, 800);
  ink_draw_canvas_add_stroke (canvas, a, 2);
  ink_draw_canvas_add_stroke (canvas, b, 2);
  gtk_widget_grab_focus (other);
  gui_pump ();
  g_assert_false (gtk_widget_has_focus (GTK_WIDGET (canvas)));
  if (!xdo (window, "windowfocus --sync %lu key Delete"))
    {
      g_test_skip ("needs xdotool and X11");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }
  g_assert_true (gui_wait_for (canvas_empty, canvas, 5));
  g_assert_true (gtk_widget_has_focus (other));
  /* Clear is undone */
  xdo (window, "key ctrl+z");
  g_assert_true (gui_wait_for (canvas_has_two, canvas, 5));
  /* and Ctrl+Z then undoes the strokes one by one */
  xdo (window, "key ctrl+z");
  wait_ms (200);
  g_assert_cmpuint (ink_draw_canvas_get_n_strokes (canvas), ==, 1);

  /* the page hidden: Delete does nothing to it */
  gtk_widget_set_visible (GTK_WIDGET (page), FALSE);
  xdo (window, "key Delete");
  wait_ms (200);
  g_assert_cmpuint (ink_draw_canvas_get_n_strokes (canvas), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));

  builder = gtk_builder_new_from_file (ui);
  objects = gtk_builder_get_objects (builder);
  for (GSList *l = objects; l; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accel = NULL;
        g_object_get (l->data, "accelerator", &accel, NULL);
        undo_listed |= g_strcmp0 (accel, "<Control>z") == 0;
        clear_listed |= accel && strstr (accel, "Delete") != NULL;
      }
  g_slist_free (objects);
  g_assert_true (undo_listed);
  g_assert_true (clear_listed);
}

/* Clicking the real Clear button can be undone with the real Undo button. */
static void
test_draw_page_clear_undo (void)
{
  static const double a[] = { 0.3, 0.2, 0.35, 0.8 };
  InkDrawPage *page = ink_draw_page_new ();
  InkDrawCanvas *canvas = ink_draw_page_get_canvas (page);
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 1100, 800);
  GtkWidget *clear, *undo;

  ink_draw_canvas_add_stroke (canvas, a, 2);
  gui_pump ();
  clear = gui_find_action (GTK_WIDGET (page), "draw.clear");
  undo = gui_find_action (GTK_WIDGET (page), "draw.undo");
  gui_click (clear);
  g_assert_true (ink_draw_canvas_is_empty (canvas));
  g_assert_true (gtk_widget_is_sensitive (undo));
  gui_click (undo);
  g_assert_cmpuint (ink_draw_canvas_get_n_strokes (canvas), ==, 1);
  gui_click (undo);
  g_assert_true (ink_draw_canvas_is_empty (canvas));
  g_assert_false (gtk_widget_is_sensitive (undo));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* In a narrow window the drawing, what the network sees and the scores go
 * into one column; nothing is cut short; in a wide one they are a row. */
static void
test_draw_page_reflow (void)
{
  InkDrawPage *page = ink_draw_page_new ();
  GtkWidget *window = gui_show_in_window (GTK_WIDGET (page), 640, 560);
  GtkWidget *cut;

  wait_ms (200);
  g_assert_cmpint (gtk_widget_get_width (window), <=, 640);
  g_assert_true (ink_draw_page_get_one_column (page));
  cut = gui_find (GTK_WIDGET (page), gui_match_ellipsized, NULL);
  g_assert_null (cut);
  gui_shot (window, "draw-page-640.png");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  wait_ms (300);
  g_assert_false (ink_draw_page_get_one_column (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/draw/inspect/saliency-softmax", test_saliency_softmax);
  g_test_add_func ("/draw/inspect/saliency-identity", test_saliency_identity);
  g_test_add_func ("/draw/inspect/saliency-sigmoid-output", test_saliency_sigmoid_output);
  g_test_add_func ("/draw/inspect/inspection", test_inspection);
  g_test_add_func ("/draw/canvas/stroke", test_canvas_stroke);
  g_test_add_func ("/draw/canvas/resize", test_canvas_resize);
  g_test_add_func ("/draw/canvas/xdotool", test_canvas_xdotool);
  g_test_add_func ("/draw/prob-bars", test_prob_bars);
  g_test_add_func ("/draw/activation-view", test_activation_view);
  g_test_add_func ("/draw/page/predict", test_draw_page);
  g_test_add_func ("/draw/page/png", test_draw_page_png);
  g_test_add_func ("/draw/page/scores", test_draw_page_scores);
  g_test_add_func ("/draw/tiles/view", test_tile_view);
  g_test_add_func ("/draw/tiles/large", test_tile_view_large);
  g_test_add_func ("/draw/tiles/click", test_tile_click);
  g_test_add_func ("/draw/tiles/stats", test_tile_stats);
  g_test_add_func ("/draw/features/page", test_features_page);
  g_test_add_func ("/draw/page/shortcuts-unfocused", test_draw_page_shortcuts);
  g_test_add_func ("/draw/page/clear-undo", test_draw_page_clear_undo);
  g_test_add_func ("/draw/page/reflow", test_draw_page_reflow);

  return g_test_run ();
}
