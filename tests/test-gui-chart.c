/* test-gui-chart.c
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

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "ink-chart.h"
#include "ink-chart-scale.h"
#include "ink-epoch-item.h"
#include "ink-epoch-table.h"
#include "ink-ledger.h"
#include "ink-train-page.h"
#include "test-gui-util.h"

#define W 600
#define H 400

/* ------------------------------------------------------------------------ */
/* helpers                                                                   */

static GArray *
ticks_major_values (GArray *ticks)
{
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < ticks->len; i++)
    {
      InkChartTick *t = &g_array_index (ticks, InkChartTick, i);

      if (t->major)
        g_array_append_val (v, t->value);
    }
  return v;
}

static void
assert_ticks (GArray       *ticks,
              const double *expected,
              guint         n)
{
  g_assert_cmpuint (ticks->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (g_array_index (ticks, InkChartTick, i).value, expected[i], 1e-12);
}

static gboolean
is_power_of_ten (double v)
{
  double l = log10 (v);

  return fabs (l - round (l)) < 1e-9;
}

static void
assert_format (double      value,
               double      step,
               gboolean    percent,
               const char *expected)
{
  g_autofree char *s = ink_chart_format_tick (value, step, percent);

  g_assert_cmpstr (s, ==, expected);
}

/* a pixel of about this colour (opaque enough) near (x, y) */
static gboolean
colour_near (cairo_surface_t *surface,
             double           x,
             double           y,
             int              radius,
             const GdkRGBA   *c)
{
  int sw = cairo_image_surface_get_width (surface);
  int sh = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int yy = (int) y - radius; yy <= (int) y + radius; yy++)
    for (int xx = (int) x - radius; xx <= (int) x + radius; xx++)
      {
        guint32 px;
        double a, r, g, b;

        if (xx < 0 || yy < 0 || xx >= sw || yy >= sh)
          continue;
        px = *(const guint32 *) (gconstpointer) (data + yy * stride + xx * 4);
        a = ((px >> 24) & 0xff) / 255.0;
        if (a < 0.7)
          continue;
        /* premultiplied */
        r = ((px >> 16) & 0xff) / 255.0 / a;
        g = ((px >> 8) & 0xff) / 255.0 / a;
        b = (px & 0xff) / 255.0 / a;
        if (fabs (r - c->red) < 0.2 && fabs (g - c->green) < 0.2 && fabs (b - c->blue) < 0.2)
          return TRUE;
      }
  return FALSE;
}

static gboolean
colour_anywhere (cairo_surface_t *surface,
                 const GdkRGBA   *c)
{
  int sw = cairo_image_surface_get_width (surface);
  int sh = cairo_image_surface_get_height (surface);

  return colour_near (surface, sw / 2, sh / 2, MAX (sw, sh), c);
}

static cairo_surface_t *
render (InkChart *chart)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);

  ink_chart_draw (chart, cr, W, H);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  return surface;
}

static const GdkRGBA red = { 1, 0, 0, 1 };
static const GdkRGBA blue = { 0, 0, 1, 1 };

static void
pump_until (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!cond (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
pump (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static GtkWidget *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (child);
  return window;
}

/* ------------------------------------------------------------------------ */
/* scale                                                                     */

static void
test_scale_nice_step (void)
{
  g_assert_cmpfloat_with_epsilon (ink_chart_nice_step (10, 5), 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (ink_chart_nice_step (1, 5), 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (ink_chart_nice_step (0.37, 5), 0.1, 1e-12);
  g_assert_cmpfloat_with_epsilon (ink_chart_nice_step (100, 4), 20, 1e-12);
  g_assert_cmpfloat_with_epsilon (ink_chart_nice_step (19, 5), 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (ink_chart_nice_step (3e-4, 3), 1e-4, 1e-16);
}

static void
test_scale_linear (void)
{
  static const double a[] = { 0, 0.2, 0.4, 0.6, 0.8, 1.0 };
  static const double b[] = { 0.5, 1.0, 1.5, 2.0 };
  static const double c[] = { -2, 0, 2, 4, 6 };
  static const double d[] = { 5, 10, 15, 20 };
  static const struct { double lo, hi; guint target; } ranges[] = {
    { 0, 1, 5 }, { 0.013, 0.0271, 4 }, { -1e-3, 5e-3, 6 }, { 1, 1000, 8 }, { 0.9, 0.995, 5 },
  };
  GArray *t;
  double step;

  t = ink_chart_linear_ticks (0, 1, 5, &step);
  assert_ticks (t, a, G_N_ELEMENTS (a));
  g_assert_cmpfloat_with_epsilon (step, 0.2, 1e-12);
  g_array_unref (t);

  t = ink_chart_linear_ticks (0.13, 2.31, 5, &step);
  assert_ticks (t, b, G_N_ELEMENTS (b));
  g_array_unref (t);

  /* reversed bounds and an exact zero */
  t = ink_chart_linear_ticks (7, -3, 5, &step);
  assert_ticks (t, c, G_N_ELEMENTS (c));
  g_assert_true (g_array_index (t, InkChartTick, 1).value == 0.0);
  g_assert_false (signbit (g_array_index (t, InkChartTick, 1).value));
  g_array_unref (t);

  t = ink_chart_linear_ticks (1, 20, 5, &step);
  assert_ticks (t, d, G_N_ELEMENTS (d));
  g_array_unref (t);

  /* a count axis (epochs 1..3, padded): whole numbers only */
  {
    static const double e[] = { 1, 2, 3 };
    t = ink_chart_integer_ticks (0.9, 3.1);
    assert_ticks (t, e, G_N_ELEMENTS (e));
    g_array_unref (t);
    t = ink_chart_integer_ticks (3.1, 0.9);
    assert_ticks (t, e, G_N_ELEMENTS (e));
    g_array_unref (t);
    t = ink_chart_integer_ticks (0.2, 0.7);
    g_assert_cmpuint (t->len, ==, 0);
    g_array_unref (t);
    t = ink_chart_integer_ticks (0, INFINITY);
    g_assert_cmpuint (t->len, ==, 0);
    g_array_unref (t);
  }

  /* degenerate */
  t = ink_chart_linear_ticks (3, 3, 5, &step);
  g_assert_cmpuint (t->len, ==, 1);
  g_assert_cmpfloat (g_array_index (t, InkChartTick, 0).value, ==, 3);
  g_array_unref (t);

  /* in general: inside the range, evenly spaced, about the target count */
  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      t = ink_chart_linear_ticks (ranges[r].lo, ranges[r].hi, ranges[r].target, &step);
      g_assert_cmpuint (t->len, >=, 2);
      g_assert_cmpuint (t->len, <=, ranges[r].target * 2 + 1);
      for (guint i = 0; i < t->len; i++)
        {
          double v = g_array_index (t, InkChartTick, i).value;

          g_assert_cmpfloat (v, >=, ranges[r].lo - step * 1e-9);
          g_assert_cmpfloat (v, <=, ranges[r].hi + step * 1e-9);
          if (i > 0)
            g_assert_cmpfloat_with_epsilon (v - g_array_index (t, InkChartTick, i - 1).value, step, step * 1e-6);
          /* a multiple of the step */
          g_assert_cmpfloat_with_epsilon (v / step, round (v / step), 1e-6);
        }
      g_array_unref (t);
    }
}

static void
test_scale_log (void)
{
  GArray *t, *major;
  guint n_minor = 0;

  /* four decades: decades labelled, 2 and 5 as minor ticks */
  t = ink_chart_log_ticks (0.01, 10, 8);
  major = ticks_major_values (t);
  g_assert_cmpuint (major->len, ==, 4);
  g_assert_cmpfloat_with_epsilon (g_array_index (major, double, 0), 0.01, 1e-15);
  g_assert_cmpfloat_with_epsilon (g_array_index (major, double, 3), 10, 1e-12);
  for (guint i = 0; i < t->len; i++)
    {
      InkChartTick *tk = &g_array_index (t, InkChartTick, i);
      double m = tk->value / pow (10, floor (log10 (tk->value) + 1e-9));

      if (!tk->major)
        {
          n_minor++;
          g_assert_true (fabs (m - 2) < 1e-9 || fabs (m - 5) < 1e-9);
        }
      if (i > 0)
        g_assert_cmpfloat (tk->value, >, g_array_index (t, InkChartTick, i - 1).value);
    }
  g_assert_cmpuint (n_minor, ==, 6);
  g_array_unref (major);
  g_array_unref (t);

  /* many decades, little room: every k-th decade, no minor ticks */
  t = ink_chart_log_ticks (1e-6, 1e6, 5);
  major = ticks_major_values (t);
  g_assert_cmpuint (major->len, >=, 2);
  g_assert_cmpuint (major->len, <=, 5);
  g_assert_cmpuint (t->len, ==, major->len);
  for (guint i = 0; i < major->len; i++)
    g_assert_true (is_power_of_ten (g_array_index (major, double, i)));
  g_array_unref (major);
  g_array_unref (t);

  /* under a decade: 2× and 5× get labels */
  t = ink_chart_log_ticks (0.15, 0.9, 6);
  major = ticks_major_values (t);
  g_assert_cmpuint (major->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (major, double, 0), 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (g_array_index (major, double, 1), 0.5, 1e-12);
  g_array_unref (major);
  g_array_unref (t);

  /* narrower: every multiple */
  t = ink_chart_log_ticks (0.28, 0.45, 6);
  major = ticks_major_values (t);
  g_assert_cmpuint (major->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (major, double, 0), 0.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (g_array_index (major, double, 1), 0.4, 1e-12);
  g_array_unref (major);
  g_array_unref (t);

  /* narrower still: linear ticks, still at least two */
  t = ink_chart_log_ticks (0.31, 0.39, 5);
  g_assert_cmpuint (t->len, >=, 2);
  for (guint i = 0; i < t->len; i++)
    {
      g_assert_true (g_array_index (t, InkChartTick, i).major);
      g_assert_cmpfloat (g_array_index (t, InkChartTick, i).value, >=, 0.31 - 1e-12);
      g_assert_cmpfloat (g_array_index (t, InkChartTick, i).value, <=, 0.39 + 1e-12);
    }
  g_array_unref (t);
}

static void
test_scale_format (void)
{
  assert_format (0.5, 0.1, FALSE, "0.5");
  assert_format (0.05, 0.05, FALSE, "0.05");
  assert_format (0.1, 0.05, FALSE, "0.1");
  assert_format (0.30000000000000004, 0.1, FALSE, "0.3");
  assert_format (0, 0.1, FALSE, "0");
  assert_format (-0.0, 0.1, FALSE, "0");
  assert_format (1e-17, 0.1, FALSE, "0");
  assert_format (-0.2, 0.1, FALSE, "-0.2");
  assert_format (12, 1, FALSE, "12");
  assert_format (15, 5, FALSE, "15");
  assert_format (1, 0.5, FALSE, "1");
  assert_format (1.5, 0.5, FALSE, "1.5");
  assert_format (0.001, 0, FALSE, "1e-3");
  assert_format (0.0001, 0.0001, FALSE, "1e-4");
  assert_format (2.5e-4, 0, FALSE, "2.5e-4");
  assert_format (1e5, 0, FALSE, "1e5");
  assert_format (0.01, 0, FALSE, "0.01");
  assert_format (100, 0, FALSE, "100");
  assert_format (0.98, 0.01, TRUE, "98%");
  assert_format (0.995, 0.005, TRUE, "99.5%");
  assert_format (1.0, 0.2, TRUE, "100%");
  assert_format (0, 0.2, TRUE, "0%");

  {
    g_autofree char *a = ink_chart_format_value (0.2345678, FALSE);
    g_autofree char *b = ink_chart_format_value (0.98374, TRUE);
    g_autofree char *c = ink_chart_format_value (3, FALSE);

    g_assert_cmpstr (a, ==, "0.234568");
    g_assert_cmpstr (b, ==, "98.37%");
    g_assert_cmpstr (c, ==, "3");
  }
}

static void
test_scale_map (void)
{
  InkChartMap m;
  double lo, hi;

  ink_chart_map_init (&m, 0, 10, 100, 200, FALSE);
  g_assert_cmpfloat_with_epsilon (ink_chart_map_to_pixel (&m, 5), 150, 1e-9);
  g_assert_cmpfloat_with_epsilon (ink_chart_map_to_data (&m, 120), 2, 1e-9);

  /* a y axis: pixels grow downwards */
  ink_chart_map_init (&m, 0, 1, 300, 100, FALSE);
  g_assert_cmpfloat_with_epsilon (ink_chart_map_to_pixel (&m, 0.25), 250, 1e-9);
  g_assert_cmpfloat_with_epsilon (ink_chart_map_to_pixel (&m, 1), 100, 1e-9);

  ink_chart_map_init (&m, 1, 100, 0, 100, TRUE);
  g_assert_true (m.log);
  g_assert_cmpfloat_with_epsilon (ink_chart_map_to_pixel (&m, 10), 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (ink_chart_map_to_data (&m, 50), 10, 1e-9);
  g_assert_true (isnan (ink_chart_map_to_pixel (&m, 0)));

  /* a log map with a non-positive bound is linear */
  ink_chart_map_init (&m, 0, 100, 0, 100, TRUE);
  g_assert_false (m.log);

  lo = 0, hi = 1;
  ink_chart_pad_range (&lo, &hi, 0.05, FALSE);
  g_assert_cmpfloat_with_epsilon (lo, -0.05, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 1.05, 1e-12);
  lo = hi = 2;
  ink_chart_pad_range (&lo, &hi, 0.05, FALSE);
  g_assert_cmpfloat (lo, <, 2);
  g_assert_cmpfloat (hi, >, 2);
  lo = 0.01, hi = 1;
  ink_chart_pad_range (&lo, &hi, 0.1, TRUE);
  g_assert_cmpfloat_with_epsilon (log10 (lo), -2.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (log10 (hi), 0.2, 1e-9);
}

/* ------------------------------------------------------------------------ */
/* chart drawing                                                             */

static InkChart *
new_chart (void)
{
  return g_object_ref_sink (ink_chart_new ());
}

static void
test_chart_pixels (void)
{
  InkChart *chart = new_chart ();
  cairo_surface_t *surface;
  guint a, b;
  double x, y;

  a = ink_chart_add_series (chart, "rising", &red, INK_CHART_SOLID, FALSE);
  b = ink_chart_add_series (chart, "flat", &blue, INK_CHART_SOLID, FALSE);
  g_assert_cmpuint (a, >, 0);
  g_assert_cmpuint (b, >, 0);
  g_assert_cmpuint (a, !=, b);
  for (int i = 0; i <= 100; i++)
    {
      ink_chart_series_append (chart, a, i * 0.1, i * 0.01);     /* (0,0) → (10,1) */
      ink_chart_series_append (chart, b, i * 0.1, 0.25);
    }
  g_assert_cmpuint (ink_chart_get_n_points (chart, a), ==, 101);

  surface = render (chart);

  /* the red line passes through (5, 0.5) and both ends */
  g_assert_true (ink_chart_data_to_widget (chart, 5, 0.5, &x, &y));
  g_assert_cmpfloat (x, >, 0);
  g_assert_cmpfloat (x, <, W);
  g_assert_true (colour_near (surface, x, y, 2, &red));
  g_assert_true (ink_chart_data_to_widget (chart, 0, 0, &x, &y));
  g_assert_true (colour_near (surface, x, y, 2, &red));
  g_assert_true (ink_chart_data_to_widget (chart, 10, 1, &x, &y));
  g_assert_true (colour_near (surface, x, y, 2, &red));
  /* ... and not where there is no red data */
  g_assert_true (ink_chart_data_to_widget (chart, 0.5, 0.9, &x, &y));
  g_assert_false (colour_near (surface, x, y, 4, &red));
  g_assert_true (ink_chart_data_to_widget (chart, 9.5, 0.1, &x, &y));
  g_assert_false (colour_near (surface, x, y, 4, &red));
  /* the blue one is flat at 0.25 */
  g_assert_true (ink_chart_data_to_widget (chart, 8, 0.25, &x, &y));
  g_assert_true (colour_near (surface, x, y, 2, &blue));
  g_assert_true (ink_chart_data_to_widget (chart, 8, 0.6, &x, &y));
  g_assert_false (colour_near (surface, x, y, 4, &blue));
  /* the y range came from the data: 1.0 is inside the widget, near the top */
  g_assert_true (ink_chart_data_to_widget (chart, 10, 1.0, &x, &y));
  g_assert_cmpfloat (y, >, 0);
  g_assert_cmpfloat (y, <, H / 4);
  cairo_surface_destroy (surface);

  /* a hidden series is not drawn */
  ink_chart_series_set_visible (chart, b, FALSE);
  surface = render (chart);
  g_assert_false (colour_anywhere (surface, &blue));
  g_assert_true (colour_anywhere (surface, &red));
  cairo_surface_destroy (surface);

  g_object_unref (chart);
}

static void
test_chart_log_scale (void)
{
  InkChart *chart = new_chart ();
  cairo_surface_t *surface;
  guint id, neg;
  double x, y_lin, y_log, y0, y1, ym;
  int notified = 0;

  id = ink_chart_add_series (chart, "decay", &red, INK_CHART_SOLID, FALSE);
  for (int i = 0; i <= 30; i++)
    ink_chart_series_append (chart, id, i, pow (10, -i / 10.0));    /* 1 → 1e-3 */

  g_signal_connect_swapped (chart, "notify::log-scale", G_CALLBACK (g_atomic_int_inc), &notified);

  surface = render (chart);
  g_assert_true (ink_chart_data_to_widget (chart, 15, pow (10, -1.5), &x, &y_lin));
  g_assert_true (colour_near (surface, x, y_lin, 2, &red));
  cairo_surface_destroy (surface);
  g_assert_false (ink_chart_get_effective_log_scale (chart));

  ink_chart_set_log_scale (chart, TRUE);
  g_assert_true (ink_chart_get_log_scale (chart));
  g_assert_cmpint (notified, ==, 1);
  ink_chart_set_log_scale (chart, TRUE);
  g_assert_cmpint (notified, ==, 1);
  g_assert_true (ink_chart_get_effective_log_scale (chart));

  surface = render (chart);
  g_assert_true (ink_chart_data_to_widget (chart, 15, pow (10, -1.5), &x, &y_log));
  g_assert_true (colour_near (surface, x, y_log, 2, &red));
  /* in linear the midpoint (0.03) hugs the bottom; in log it sits halfway */
  g_assert_cmpfloat (fabs (y_log - y_lin), >, 50);
  g_assert_true (ink_chart_data_to_widget (chart, 0, 1, NULL, &y0));
  g_assert_true (ink_chart_data_to_widget (chart, 30, 1e-3, NULL, &y1));
  g_assert_true (ink_chart_data_to_widget (chart, 15, pow (10, -1.5), NULL, &ym));
  g_assert_cmpfloat_with_epsilon (ym, (y0 + y1) / 2, 0.5);
  cairo_surface_destroy (surface);

  /* a non-positive value: the axis falls back to linear */
  neg = ink_chart_add_series (chart, "zero", &blue, INK_CHART_THIN, FALSE);
  ink_chart_series_append (chart, neg, 3, 0.0);
  g_assert_true (ink_chart_get_log_scale (chart));
  g_assert_false (ink_chart_get_effective_log_scale (chart));
  surface = render (chart);
  g_assert_true (ink_chart_data_to_widget (chart, 15, pow (10, -1.5), &x, &ym));
  g_assert_true (colour_near (surface, x, ym, 2, &red));
  g_assert_cmpfloat (fabs (ym - y_log), >, 50);
  cairo_surface_destroy (surface);

  /* ... and goes back to log when that series is gone */
  ink_chart_remove_series (chart, neg);
  g_assert_true (ink_chart_get_effective_log_scale (chart));

  g_object_set (chart, "log-scale", FALSE, NULL);
  g_assert_false (ink_chart_get_log_scale (chart));
  g_assert_cmpint (notified, ==, 2);

  g_object_unref (chart);
}

static void
test_chart_nan (void)
{
  InkChart *chart = new_chart ();
  cairo_surface_t *surface;
  guint id;
  double x, y, y_before;

  id = ink_chart_add_series (chart, "loss", &red, INK_CHART_SOLID, FALSE);
  ink_chart_series_append (chart, id, 0, 1.0);
  ink_chart_series_append (chart, id, 1, 0.5);
  surface = render (chart);
  g_assert_true (ink_chart_data_to_widget (chart, 1, 0.5, NULL, &y_before));
  cairo_surface_destroy (surface);

  ink_chart_series_append (chart, id, 2, NAN);
  ink_chart_series_append (chart, id, 3, INFINITY);
  ink_chart_series_append (chart, id, NAN, 0.2);
  ink_chart_series_append (chart, id, -INFINITY, 0.2);
  g_assert_cmpuint (ink_chart_get_n_points (chart, id), ==, 2);

  /* the ranges did not move */
  surface = render (chart);
  g_assert_true (ink_chart_data_to_widget (chart, 1, 0.5, &x, &y));
  g_assert_cmpfloat_with_epsilon (y, y_before, 1e-9);
  g_assert_true (colour_near (surface, x, y, 2, &red));
  cairo_surface_destroy (surface);

  ink_chart_series_append (chart, id, 2, 0.25);
  g_assert_cmpuint (ink_chart_get_n_points (chart, id), ==, 3);

  g_object_unref (chart);
}

static void
test_chart_clear_remove (void)
{
  InkChart *chart = new_chart ();
  cairo_surface_t *surface;
  guint a, b;

  a = ink_chart_add_series (chart, "a", &red, INK_CHART_SOLID, TRUE);
  b = ink_chart_add_series (chart, "b", &blue, INK_CHART_DASHED, TRUE);
  for (int i = 0; i < 10; i++)
    {
      ink_chart_series_append (chart, a, i, i);
      ink_chart_series_append (chart, b, i, 10 - i);
    }
  surface = render (chart);
  g_assert_true (colour_anywhere (surface, &red));
  g_assert_true (colour_anywhere (surface, &blue));
  cairo_surface_destroy (surface);

  ink_chart_series_clear (chart, a);
  g_assert_cmpuint (ink_chart_get_n_points (chart, a), ==, 0);
  g_assert_cmpuint (ink_chart_get_n_points (chart, b), ==, 10);
  surface = render (chart);
  g_assert_true (colour_anywhere (surface, &blue));   /* (the plot without "a": see cleared-series) */
  cairo_surface_destroy (surface);

  ink_chart_remove_series (chart, b);
  g_assert_cmpuint (ink_chart_get_n_points (chart, b), ==, 0);
  surface = render (chart);
  g_assert_false (colour_anywhere (surface, &blue));
  cairo_surface_destroy (surface);

  /* a fresh series after the removal gets a new id */
  b = ink_chart_add_series (chart, "c", &blue, INK_CHART_SOLID, FALSE);
  ink_chart_series_append (chart, b, 1, 1);
  ink_chart_series_append (chart, b, 2, 3);
  surface = render (chart);
  g_assert_true (colour_anywhere (surface, &blue));
  cairo_surface_destroy (surface);

  ink_chart_clear (chart);
  g_assert_cmpuint (ink_chart_get_n_points (chart, a), ==, 0);
  g_assert_cmpuint (ink_chart_get_n_points (chart, b), ==, 0);
  g_assert_false (ink_chart_data_to_widget (chart, 1, 1, NULL, NULL));
  surface = render (chart);
  g_assert_false (colour_anywhere (surface, &red));
  g_assert_false (colour_anywhere (surface, &blue));
  cairo_surface_destroy (surface);

  g_object_unref (chart);
}

static void
test_chart_cleared_series_not_drawn (void)
{
  InkChart *chart = new_chart ();
  cairo_surface_t *surface;
  guint a, b;

  a = ink_chart_add_series (chart, "a", &red, INK_CHART_SOLID, FALSE);
  b = ink_chart_add_series (chart, "b", &blue, INK_CHART_SOLID, FALSE);
  for (int i = 0; i < 10; i++)
    {
      ink_chart_series_append (chart, a, i, i);
      ink_chart_series_append (chart, b, i, 10 - i);
    }
  ink_chart_series_clear (chart, a);
  surface = render (chart);
  g_assert_false (colour_anywhere (surface, &red));
  g_assert_true (colour_anywhere (surface, &blue));
  cairo_surface_destroy (surface);
  g_object_unref (chart);
}

static gboolean
count_pixels_differing (cairo_surface_t *a,
                        cairo_surface_t *b)
{
  int stride = cairo_image_surface_get_stride (a);
  const guint8 *da = cairo_image_surface_get_data (a);
  const guint8 *db = cairo_image_surface_get_data (b);

  return memcmp (da, db, stride * cairo_image_surface_get_height (a)) != 0;
}

static void
test_chart_empty (void)
{
  InkChart *chart = new_chart ();
  cairo_surface_t *empty, *blank;
  const guint8 *data;
  int stride;
  gboolean centre = FALSE, corner = FALSE;

  empty = render (chart);
  blank = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  /* the message is drawn in the middle and nowhere else */
  g_assert_true (count_pixels_differing (empty, blank));
  cairo_surface_flush (empty);
  data = cairo_image_surface_get_data (empty);
  stride = cairo_image_surface_get_stride (empty);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        guint32 px = *(const guint32 *) (gconstpointer) (data + y * stride + x * 4);

        if (px == 0)
          continue;
        if (abs (x - W / 2) < 100 && abs (y - H / 2) < 20)
          centre = TRUE;
        else
          corner = TRUE;
      }
  g_assert_true (centre);
  g_assert_false (corner);
  cairo_surface_destroy (empty);
  cairo_surface_destroy (blank);
  g_object_unref (chart);
}

static void
test_chart_decimation (void)
{
  InkChart *chart = new_chart ();
  cairo_surface_t *surface;
  guint ids[20];
  double x, y;

  for (guint s = 0; s < 20; s++)
    {
      GdkRGBA c;

      ink_chart_palette (s, &c);
      ids[s] = ink_chart_add_series (chart, NULL, &c, s == 0 ? INK_CHART_SOLID : INK_CHART_THIN, FALSE);
      for (int i = 0; i < 10000; i++)
        ink_chart_series_append (chart, ids[s], i / 1000.0, (s == 0 ? 5.0 : 1.0) + sin (i * 0.37 + s));
    }
  g_assert_cmpuint (ink_chart_get_n_points (chart, ids[19]), ==, 10000);

  /* how long a draw takes (reported, not asserted) */
  {
    cairo_t *cr;
    gint64 t0;

    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
    cr = cairo_create (surface);
    ink_chart_draw (chart, cr, W, H);   /* fonts warm */
    t0 = g_get_monotonic_time ();
    for (int k = 0; k < 4; k++)
      {
        ink_chart_set_log_scale (chart, k % 2);   /* a new layout each time */
        ink_chart_draw (chart, cr, W, H);
      }
    g_test_message ("20 series × 10000 points drawn in %.1f ms", (g_get_monotonic_time () - t0) / 4000.0);
    ink_chart_set_log_scale (chart, FALSE);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }

  /* the min/max envelope survives decimation: a 10000-point sine is a band */
  ink_chart_series_clear (chart, ids[0]);
  ink_chart_remove_series (chart, ids[0]);
  ids[0] = ink_chart_add_series (chart, NULL, &red, INK_CHART_SOLID, FALSE);
  for (int i = 0; i < 10000; i++)
    ink_chart_series_append (chart, ids[0], i / 1000.0, 5.0 + sin (i * 0.37));
  surface = render (chart);
  g_assert_true (ink_chart_data_to_widget (chart, 5, 5.99, &x, &y));
  g_assert_true (colour_near (surface, x, y, 3, &red));
  g_assert_true (ink_chart_data_to_widget (chart, 5, 4.01, &x, &y));
  g_assert_true (colour_near (surface, x, y, 3, &red));
  g_assert_true (ink_chart_data_to_widget (chart, 5, 5.0, &x, &y));
  g_assert_true (colour_near (surface, x, y, 1, &red));
  g_assert_true (ink_chart_data_to_widget (chart, 5, 3.6, &x, &y));
  g_assert_false (colour_near (surface, x, y, 2, &red));
  cairo_surface_destroy (surface);

  /* a smooth dense series stays a thin line */
  ids[1] = ink_chart_add_series (chart, NULL, &blue, INK_CHART_SOLID, FALSE);
  for (int i = 0; i < 10000; i++)
    ink_chart_series_append (chart, ids[1], i / 1000.0, 3.0 + i / 10000.0);
  surface = render (chart);
  g_assert_true (ink_chart_data_to_widget (chart, 5, 3.5, &x, &y));
  g_assert_true (colour_near (surface, x, y, 1, &blue));
  g_assert_true (ink_chart_data_to_widget (chart, 5, 3.7, &x, &y));
  g_assert_false (colour_near (surface, x, y, 2, &blue));
  g_assert_true (ink_chart_data_to_widget (chart, 5, 3.3, &x, &y));
  g_assert_false (colour_near (surface, x, y, 2, &blue));
  cairo_surface_destroy (surface);
  g_object_unref (chart);
}

static void
test_chart_export (void)
{
  InkChart *chart = new_chart ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ink-chart-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "chart.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "missing", "chart.png", NULL);
  cairo_surface_t *png;
  guint id;
  const guint8 *data;

  ink_chart_set_title (chart, "Loss");
  id = ink_chart_add_series (chart, "train", &red, INK_CHART_SOLID, TRUE);
  for (int i = 1; i <= 20; i++)
    ink_chart_series_append (chart, id, i, 1.0 / i);

  g_assert_true (ink_chart_export_png (chart, path, 640, 360, &error));
  g_assert_no_error (error);

  png = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, 360);
  /* opaque background, the series drawn */
  cairo_surface_flush (png);
  data = cairo_image_surface_get_data (png);
  g_assert_cmpuint (data[3], ==, 255);
  g_assert_true (colour_anywhere (png, &red));
  cairo_surface_destroy (png);

  g_assert_false (ink_chart_export_png (chart, bad, 100, 100, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);

  g_unlink (path);
  g_rmdir (dir);
  g_object_unref (chart);
}

static void
test_chart_palette (void)
{
  GdkRGBA c[10], again;

  for (guint i = 0; i < 10; i++)
    {
      ink_chart_palette (i, &c[i]);
      g_assert_cmpfloat (c[i].alpha, ==, 1.0);
      for (guint j = 0; j < i; j++)
        g_assert_false (gdk_rgba_equal (&c[i], &c[j]));
    }
  ink_chart_palette (10, &again);
  g_assert_true (gdk_rgba_equal (&again, &c[0]));
}

/* ------------------------------------------------------------------------ */
/* in a window: coalesced redraws, hover                                     */

static gboolean
draw_count_grew (gpointer data)
{
  gpointer *d = data;

  return ink_chart_get_draw_count (d[0]) > GPOINTER_TO_UINT (d[1]);
}

static void
test_chart_coalescing (void)
{
  InkChart *chart = ink_chart_new ();
  GtkWidget *window = show_in_window (GTK_WIDGET (chart), W, H);
  guint id, before, draws;
  gint64 start, elapsed_ms;
  gpointer d[2];

  id = ink_chart_add_series (chart, "loss", NULL, INK_CHART_SOLID, TRUE);
  pump (50);
  g_assert_false (ink_chart_get_redraw_pending (chart));

  /* appends alone never draw: one coalesced redraw is armed */
  before = ink_chart_get_draw_count (chart);
  for (int i = 0; i < 1000; i++)
    ink_chart_series_append (chart, id, i, 1.0 / (i + 1));
  g_assert_true (ink_chart_get_redraw_pending (chart));
  g_assert_cmpuint (ink_chart_get_draw_count (chart), ==, before);

  /* and it does draw, once */
  d[0] = chart;
  d[1] = GUINT_TO_POINTER (before);
  pump_until (draw_count_grew, d);
  g_assert_cmpuint (ink_chart_get_draw_count (chart), >, before);
  g_assert_false (ink_chart_get_redraw_pending (chart));

  /* a live stream: a point per main loop iteration for a while; the draws
   * stay at about one per 100 ms whatever the append rate (an uncoalesced
   * widget would draw every frame) */
  pump (50);
  before = ink_chart_get_draw_count (chart);
  start = g_get_monotonic_time ();
  for (int i = 0; i < 3000 || g_get_monotonic_time () - start < 300000; i++)
    {
      ink_chart_series_append (chart, id, 1000 + i, 1.0 / (i + 1000));
      g_main_context_iteration (NULL, FALSE);
      if (i % 10 == 0)
        g_usleep (1000);
    }
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  draws = ink_chart_get_draw_count (chart) - before;
  g_test_message ("%u draws in %" G_GINT64_FORMAT " ms", draws, elapsed_ms);
  g_assert_cmpuint (draws, >=, 1);
  g_assert_cmpuint (draws, <=, 2 + elapsed_ms / 100);

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkEventController *
find_motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (c))
        return c;
    }
  return NULL;
}

static void
test_chart_hover (void)
{
  InkChart *chart = ink_chart_new ();
  GtkWidget *window;
  GtkEventController *motion;
  guint train, valid, acc;
  double x, y;
  cairo_surface_t *with, *without;

  ink_chart_set_axis_labels (chart, "Epoch", "Loss");
  train = ink_chart_add_series (chart, "train loss", &red, INK_CHART_SOLID, TRUE);
  valid = ink_chart_add_series (chart, "valid loss", &blue, INK_CHART_SOLID, TRUE);
  for (int e = 1; e <= 20; e++)
    {
      ink_chart_series_append (chart, train, e, e == 12 ? 0.234567 : 2.0 / e);
      ink_chart_series_append (chart, valid, e, 2.0 / e + 0.5);
    }
  window = show_in_window (GTK_WIDGET (chart), W, H);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (chart)), >, 100);

  motion = find_motion_controller (GTK_WIDGET (chart));
  g_assert_nonnull (motion);
  g_assert_null (ink_chart_get_hover_text (chart));

  g_assert_true (ink_chart_data_to_widget (chart, 12, 0.234567, &x, &y));
  g_signal_emit_by_name (motion, "motion", x + 3, y - 2);
  g_assert_cmpstr (ink_chart_get_hover_text (chart), ==, "train loss\nEpoch 12\n0.234567");

  /* the nearest point wins, across series */
  g_assert_true (ink_chart_data_to_widget (chart, 5, 2.0 / 5 + 0.5, &x, &y));
  g_signal_emit_by_name (motion, "motion", x - 2, y + 3);
  g_assert_cmpstr (ink_chart_get_hover_text (chart), ==, "valid loss\nEpoch 5\n0.9");

  /* the read-out is drawn */
  with = render (chart);
  ink_chart_series_set_visible (chart, valid, FALSE);
  g_assert_null (ink_chart_get_hover_text (chart));
  ink_chart_series_set_visible (chart, valid, TRUE);
  without = render (chart);
  g_assert_true (count_pixels_differing (with, without));
  cairo_surface_destroy (with);
  cairo_surface_destroy (without);

  g_signal_emit_by_name (motion, "motion", x - 2, y + 3);
  g_assert_nonnull (ink_chart_get_hover_text (chart));
  g_signal_emit_by_name (motion, "leave");
  g_assert_null (ink_chart_get_hover_text (chart));

  /* outside the plot: nothing */
  g_signal_emit_by_name (motion, "motion", 1.0, 1.0);
  g_assert_null (ink_chart_get_hover_text (chart));

  /* percent read-out */
  ink_chart_clear (chart);
  ink_chart_set_percent (chart, TRUE);
  acc = ink_chart_add_series (chart, "valid acc", &blue, INK_CHART_SOLID, TRUE);
  for (int e = 1; e <= 10; e++)
    ink_chart_series_append (chart, acc, e, 0.9 + e * 0.008);
  pump (150);
  g_assert_true (ink_chart_data_to_widget (chart, 7, 0.956, &x, &y));
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpstr (ink_chart_get_hover_text (chart), ==, "valid acc\nEpoch 7\n95.60%");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_chart_dispose_pending (void)
{
  InkChart *chart = new_chart ();
  guint id = ink_chart_add_series (chart, "x", NULL, INK_CHART_SOLID, TRUE);

  ink_chart_series_append (chart, id, 0, 0);
  g_assert_true (ink_chart_get_redraw_pending (chart));
  g_object_unref (chart);
  /* the timeout must be gone with the widget */
  pump (150);
}

/* ------------------------------------------------------------------------ */
/* epoch items and the table                                                 */

static InkEpochItem *
make_item (guint epoch)
{
  InkEpochRecord rec = {
    .epoch = epoch,
    .train_loss = 0.5 / epoch + 0.023456,
    .valid_loss = 0.6 / epoch + 0.05,
    .valid_acc = 0.9 + epoch * 0.001,
    .duration = 1.25,
    .improved = epoch % 3 != 0,
  };

  return ink_epoch_item_new (&rec);
}

static void
test_epoch_item (void)
{
  g_autoptr(InkEpochItem) item = make_item (2);
  guint epoch;
  double train, valid, ratio, acc, dur;
  gboolean improved;

  g_object_get (item,
                "epoch", &epoch, "train-loss", &train, "valid-loss", &valid,
                "ratio", &ratio, "valid-acc", &acc, "duration", &dur,
                "improved", &improved, NULL);
  g_assert_cmpuint (epoch, ==, 2);
  g_assert_cmpfloat_with_epsilon (train, 0.273456, 1e-12);
  g_assert_cmpfloat_with_epsilon (valid, 0.35, 1e-12);
  g_assert_cmpfloat_with_epsilon (ratio, 0.273456 / 0.35, 1e-12);
  g_assert_cmpfloat_with_epsilon (acc, 0.902, 1e-12);
  g_assert_cmpfloat_with_epsilon (dur, 1.25, 1e-12);
  g_assert_true (improved);
  g_assert_cmpuint (ink_epoch_item_get_record (item)->epoch, ==, 2);
  g_assert_true ((g_object_class_find_property (G_OBJECT_GET_CLASS (item), "epoch")->flags & G_PARAM_WRITABLE) == 0);
}

static void
collect_labels (GtkWidget  *widget,
                const char *css_class,
                GPtrArray  *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, css_class)
      && gtk_widget_get_mapped (widget) && *gtk_label_get_text (GTK_LABEL (widget)))
    g_ptr_array_add (out, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_labels (c, css_class, out);
}

static gboolean
has_text (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  InkEpochTable *table;
  guint          n;
} RowWait;

static guint
count_rows (InkEpochTable *table)
{
  g_autoptr(GPtrArray) epochs = g_ptr_array_new ();

  collect_labels (GTK_WIDGET (ink_epoch_table_get_column_view (table)), "epoch", epochs);
  return epochs->len;
}

static gboolean
rows_are (gpointer data)
{
  RowWait *w = data;

  return count_rows (w->table) == w->n;
}

static void
test_epoch_table_rows (void)
{
  InkEpochTable *table = ink_epoch_table_new ();
  g_autoptr(GListStore) store = g_list_store_new (INK_TYPE_EPOCH_ITEM);
  GtkWidget *window;
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  RowWait w = { table, 0 };

  for (guint e = 1; e <= 5; e++)
    {
      g_autoptr(InkEpochItem) item = make_item (e);
      g_list_store_append (store, item);
    }
  ink_epoch_table_set_model (table, G_LIST_MODEL (store));
  g_assert_true (ink_epoch_table_get_model (table) == G_LIST_MODEL (store));
  window = show_in_window (GTK_WIDGET (table), 700, 500);

  w.n = 5;
  pump_until (rows_are, &w);
  g_assert_cmpuint (count_rows (table), ==, 5);

  {
    g_autoptr(InkEpochItem) item = make_item (6);
    g_list_store_append (store, item);
  }
  w.n = 6;
  pump_until (rows_are, &w);
  g_assert_cmpuint (count_rows (table), ==, 6);

  /* nolearn formatting: five decimals, the best epochs starred */
  collect_labels (GTK_WIDGET (ink_epoch_table_get_column_view (table)), "numeric", texts);
  g_assert_true (has_text (texts, "★ 1"));
  g_assert_true (has_text (texts, "3"));            /* 3 % 3 == 0: not improved */
  g_assert_false (has_text (texts, "★ 3"));
  g_assert_true (has_text (texts, "0.52346"));      /* train loss of epoch 1 */
  g_assert_true (has_text (texts, "0.65000"));      /* valid loss of epoch 1 */
  g_assert_true (has_text (texts, "0.80532"));      /* 0.523456 / 0.65 */
  g_assert_true (has_text (texts, "90.10"));        /* valid acc (%) */
  g_assert_true (has_text (texts, "1.25"));         /* duration (s) */

  /* removing and unsetting */
  g_list_store_remove (store, 0);
  w.n = 5;
  pump_until (rows_are, &w);
  g_assert_cmpuint (count_rows (table), ==, 5);
  ink_epoch_table_set_model (table, NULL);
  w.n = 0;
  pump_until (rows_are, &w);
  g_assert_cmpuint (count_rows (table), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  GtkAdjustment *adj;
  gboolean       bottom;
} AdjWait;

static gboolean
adj_at_bottom (gpointer data)
{
  AdjWait *w = data;
  double bottom = gtk_adjustment_get_upper (w->adj) - gtk_adjustment_get_page_size (w->adj);

  return (gtk_adjustment_get_value (w->adj) >= bottom - 2) == w->bottom && bottom > 0;
}

/* the row of epoch 44 (improved) is on screen */
static gboolean
row_shown (gpointer data)
{
  g_autoptr(GPtrArray) epochs = g_ptr_array_new ();

  collect_labels (GTK_WIDGET (ink_epoch_table_get_column_view (data)), "epoch", epochs);
  return has_text (epochs, "★ 44");
}

static void
test_epoch_table_follow (void)
{
  InkEpochTable *table = ink_epoch_table_new ();
  g_autoptr(GListStore) store = g_list_store_new (INK_TYPE_EPOCH_ITEM);
  GtkWidget *window;
  GtkAdjustment *adj;
  AdjWait w;
  double upper;

  ink_epoch_table_set_model (table, G_LIST_MODEL (store));
  window = show_in_window (GTK_WIDGET (table), 600, 250);
  adj = ink_epoch_table_get_vadjustment (table);
  w.adj = adj;

  /* rows arrive one by one: the newest stays in view */
  for (guint e = 1; e <= 40; e++)
    {
      g_autoptr(InkEpochItem) item = make_item (e);
      g_list_store_append (store, item);
      pump (5);
    }
  w.bottom = TRUE;
  pump_until (adj_at_bottom, &w);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
  g_assert_true (adj_at_bottom (&w));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);

  /* the user scrolls up: a new row does not pull the view down */
  gtk_adjustment_set_value (adj, 0);
  pump (50);
  upper = gtk_adjustment_get_upper (adj);
  {
    g_autoptr(InkEpochItem) item = make_item (41);
    g_list_store_append (store, item);
  }
  pump (200);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, upper - 1);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), <, 1);

  /* back at the bottom: following again */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  pump (50);
  for (guint e = 42; e <= 45; e++)
    {
      g_autoptr(InkEpochItem) item = make_item (e);
      g_list_store_append (store, item);
    }
  pump_until (row_shown, table);
  g_assert_true (row_shown (table));
  g_assert_true (adj_at_bottom (&w));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------------ */
/* issue 11: scales, smoothing, dark style, legend, the Train page's charts  */

/* a loss from 0.03 to 2.5 reads 0.05 0.1 0.2 0.5 1 2 on a log axis, not 0.1 1 */
static void
test_scale_log_two_five (void)
{
  static const double expected[] = { 0.05, 0.1, 0.2, 0.5, 1, 2 };
  GArray *t = ink_chart_log_ticks (0.03, 2.5, 8);
  GArray *major = ticks_major_values (t);

  g_assert_cmpuint (major->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < major->len; i++)
    g_assert_cmpfloat_with_epsilon (g_array_index (major, double, i), expected[i], 1e-12);
  g_array_unref (major);
  g_array_unref (t);
}

/* two charts sharing the x range span the union of their data */
static void
test_chart_shared_x (void)
{
  InkChart *a = g_object_ref_sink (ink_chart_new ());
  InkChart *b = g_object_ref_sink (ink_chart_new ());
  guint sa = ink_chart_add_series (a, "batches", NULL, INK_CHART_THIN, TRUE);
  guint sb = ink_chart_add_series (b, "epochs", NULL, INK_CHART_SOLID, TRUE);
  double lo, hi;

  ink_chart_share_x_range (a, b);
  ink_chart_series_append (a, sa, 0.05, 2.0);
  ink_chart_series_append (a, sa, 2.5, 0.3);
  ink_chart_series_append (b, sb, 1, 0.9);
  ink_chart_series_append (b, sb, 3, 0.95);
  g_assert_true (ink_chart_get_x_range (a, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 0.05);
  g_assert_cmpfloat (hi, ==, 3);
  g_assert_true (ink_chart_get_x_range (b, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 0.05);
  g_assert_cmpfloat (hi, ==, 3);
  g_object_unref (a);
  /* the survivor forgets the disposed peer */
  g_assert_true (ink_chart_get_x_range (b, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 1);
  g_object_unref (b);
}

static double
luminance (double r, double g, double b)
{
#define LIN(c) ((c) <= 0.03928 ? (c) / 12.92 : pow (((c) + 0.055) / 1.055, 2.4))
  return 0.2126 * LIN (r) + 0.7152 * LIN (g) + 0.0722 * LIN (b);
#undef LIN
}

/* the best contrast against bg of any pixel in a rectangle */
static double
best_contrast (cairo_surface_t *surface, int x0, int x1, int y0, int y1, const GdkRGBA *bg)
{
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data;
  double lb = luminance (bg->red, bg->green, bg->blue), best = 1;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        guint32 px = *(const guint32 *) (gconstpointer) (data + y * stride + x * 4);
        double l = luminance (((px >> 16) & 0xff) / 255.0, ((px >> 8) & 0xff) / 255.0, (px & 0xff) / 255.0);

        best = MAX (best, (MAX (l, lb) + 0.05) / (MIN (l, lb) + 0.05));
      }
  return best;
}

/* The per-minibatch curve reads in the dark style: its line has a contrast
 * of at least 3:1 against Adwaita's dark background (the raw curve alone,
 * without smoothing, and the smoothed one). */
static void
test_chart_dark_minibatch (void)
{
  GtkCssProvider *css = gtk_css_provider_new ();
  GtkWidget *window;
  InkChart *chart = ink_chart_new ();
  GdkRGBA blue_c, bg = { 0x24 / 255.0, 0x24 / 255.0, 0x24 / 255.0, 1 };
  guint id;
  double wx0, wx1;

  gtk_css_provider_load_from_data (css, "inkchart { color: #ffffff; }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
  ink_chart_palette (0, &blue_c);
  /* no legend: only the curve (and the faint grid) inside the plot */
  id = ink_chart_add_series (chart, "train loss per minibatch", &blue_c, INK_CHART_THIN, FALSE);
  for (int i = 0; i < 60; i++)
    ink_chart_series_append (chart, id, i / 20.0, 1.0 + 0.3 * sin (i * 1.7));
  window = show_in_window (GTK_WIDGET (chart), W, H);

  for (int smooth = 0; smooth < 2; smooth++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
      cairo_t *cr = cairo_create (surface);
      graphene_rect_t plot;
      double c;

      ink_chart_series_set_smoothing (chart, id, smooth ? 0.8 : 0.0);
      gdk_cairo_set_source_rgba (cr, &bg);
      cairo_paint (cr);
      ink_chart_draw (chart, cr, W, H);
      cairo_destroy (cr);
      g_assert_true (ink_chart_data_to_widget (chart, 1.0, 1.0, &wx0, NULL));
      g_assert_true (ink_chart_data_to_widget (chart, 2.0, 1.0, &wx1, NULL));
      g_assert_true (ink_chart_get_plot_area (chart, &plot));
      /* inside the axes */
      c = best_contrast (surface, (int) wx0, (int) wx1, (int) plot.origin.y + 3,
                         (int) (plot.origin.y + plot.size.height) - 3, &bg);
      g_test_message ("smoothing %d: contrast %.2f", smooth, c);
      g_assert_cmpfloat (c, >=, 3.0);
      cairo_surface_destroy (surface);
    }
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css));
  g_object_unref (css);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Many long legend entries: the legend goes above the plot, ellipsized,
 * and the plot keeps its width. */
static void
test_chart_legend_never_squeezes (void)
{
  InkChart *chart = ink_chart_new ();
  GtkWidget *window;
  graphene_rect_t plot;

  for (int k = 0; k < 4; k++)
    {
      g_autofree char *label = g_strdup_printf ("keras-mnist-mlp-%d (20261203-2056%02d-keras-mnist-mlp) valid", k, k);
      guint id = ink_chart_add_series (chart, label, NULL, k ? INK_CHART_DASHED : INK_CHART_SOLID, TRUE);

      for (int e = 1; e <= 5; e++)
        ink_chart_series_append (chart, id, e, 1.0 / (e + k));
    }
  window = show_in_window (GTK_WIDGET (chart), 1000, H);
  pump (200);
  g_assert_true (ink_chart_get_plot_area (chart, &plot));
  g_test_message ("plot %.0f×%.0f of %d×%d", plot.size.width, plot.size.height, 1000, H);
  g_assert_cmpfloat (plot.size.width, >=, 0.75 * 1000);
  g_assert_cmpfloat (plot.size.height, >=, 0.4 * H);
  gtk_window_destroy (GTK_WINDOW (window));
}

static InkLedgerRun *
fake_run (const char *id, const char *name, InkLoss loss, double acc0)
{
  InkLedgerRun *r = g_new0 (InkLedgerRun, 1);

  r->id = g_strdup (id);
  r->experiment = ink_experiment_new_default ();
  g_free (r->experiment->name);
  r->experiment->name = g_strdup (name);
  r->experiment->net->loss = loss;
  r->history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord));
  for (guint e = 1; e <= 3; e++)
    {
      InkEpochRecord rec = { .epoch = e, .train_loss = 1.0 / e, .valid_loss = 0.9 / e,
                             .train_acc = acc0 + 0.01 * e, .valid_acc = acc0 + 0.012 * e };
      g_array_append_val (r->history, rec);
    }
  r->status = g_strdup ("completed");
  r->started = g_get_real_time () / G_USEC_PER_SEC;
  r->finished = r->started + 60;
  r->test_accuracy = acc0 + 0.04;
  r->best_epoch = 3;
  return r;
}

typedef struct
{
  GtkWidget    *window;
  InkTrainPage *page;
  InkChart     *loss, *acc;
  GPtrArray    *runs;
} PageFixture;

static void
page_setup (PageFixture *f, gconstpointer data)
{
  f->page = ink_train_page_new ();
  f->window = show_in_window (GTK_WIDGET (f->page), 1100, 760);
  f->loss = INK_CHART (ink_train_page_get_loss_chart (f->page));
  f->acc = INK_CHART (ink_train_page_get_accuracy_chart (f->page));
  f->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) ink_ledger_run_free);
  g_ptr_array_add (f->runs, fake_run ("20261203-100000-keras-mnist-mlp", "keras-mnist-mlp", INK_LOSS_CROSS_ENTROPY, 0.9));
  g_ptr_array_add (f->runs, fake_run ("20261203-110000-theano-mlp-with-a-long-name", "theano-mlp-with-a-long-name",
                                      INK_LOSS_CROSS_ENTROPY, 0.8));
  g_ptr_array_add (f->runs, fake_run ("20261203-120000-nolearn-lasagne", "nolearn-lasagne", INK_LOSS_MSE, 0.85));
  ink_train_page_show_ledger_run (f->page, f->runs->pdata[0]);
  gui_pump ();
}

static void
page_teardown (PageFixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_ptr_array_unref (f->runs);
}

static gboolean
strv_has_prefix (char **strv, const char *prefix)
{
  for (guint i = 0; strv[i]; i++)
    if (g_str_has_prefix (strv[i], prefix))
      return TRUE;
  return FALSE;
}

/* Overlays: the run on show is not drawn over itself; the others get short
 * names; an MSE run's loss is not put on a cross-entropy run's axis (a note
 * says so) while its accuracy is overlaid. */
static void
test_page_overlays (PageFixture *f, gconstpointer data)
{
  g_auto(GStrv) loss = NULL;
  g_auto(GStrv) acc = NULL;
  guint n_loss, n_acc;

  ink_train_page_set_overlays (f->page, f->runs);
  loss = ink_chart_get_legend_labels (f->loss);
  acc = ink_chart_get_legend_labels (f->acc);
  n_loss = g_strv_length (loss);
  n_acc = g_strv_length (acc);
  for (guint i = 0; acc[i]; i++)
    g_test_message ("accuracy legend: %s", acc[i]);
  /* train + valid (+ the minibatch curve on the loss chart), then overlays */
  g_assert_cmpuint (n_acc, ==, 2 + 2);
  g_assert_cmpuint (n_loss, ==, 3 + 1);
  g_assert_false (strv_has_prefix (acc, "keras-mnist-mlp"));
  g_assert_true (strv_has_prefix (acc, "theano-mlp-with-a…"));
  g_assert_true (strv_has_prefix (acc, "nolearn-lasagne"));
  g_assert_false (strv_has_prefix (loss, "nolearn-lasagne"));
  for (guint i = 0; acc[i]; i++)
    g_assert_cmpuint (g_utf8_strlen (acc[i], -1), <=, 28);
  g_assert_nonnull (ink_chart_get_note (f->loss));
  g_assert_nonnull (strstr (ink_chart_get_note (f->loss), "nolearn-lasagne"));
  g_assert_null (ink_chart_get_note (f->acc));
  gui_shot (f->window, "train-page-overlays.png");

  /* unticking all removes them, and the note */
  ink_train_page_set_overlays (f->page, NULL);
  g_strfreev (loss);
  loss = ink_chart_get_legend_labels (f->loss);
  g_assert_cmpuint (g_strv_length (loss), ==, 3);
  g_assert_null (ink_chart_get_note (f->loss));
}

/* The minibatch curve and the epochs share the x range on both charts. */
static void
test_page_shared_x (PageFixture *f, gconstpointer data)
{
  double lo1, hi1, lo2, hi2;

  ink_chart_series_append (f->loss, ink_train_page_get_batch_series (f->page), 0.1, 2.0);
  g_assert_true (ink_chart_get_x_range (f->loss, &lo1, &hi1));
  g_assert_true (ink_chart_get_x_range (f->acc, &lo2, &hi2));
  g_assert_cmpfloat (lo1, ==, 0.1);
  g_assert_cmpfloat (lo1, ==, lo2);
  g_assert_cmpfloat (hi1, ==, hi2);
}

/* The chart menu's smoothing slider: opened as a click opens it, moved, it
 * smooths the minibatch curve and is remembered in GSettings; the menu
 * button's tooltip is off while the menu is open. */
static void
test_page_smoothing (PageFixture *f, gconstpointer data)
{
  GtkWidget *menu = gui_find_named (GTK_WIDGET (f->page), "chart-menu");
  guint id = ink_train_page_get_batch_series (f->page);
  GtkPopover *popover;
  GtkWidget *scale;
  g_autoptr(GSettings) settings = NULL;
  double raw[] = { 2.0, 1.0, 1.5, 0.5 };

  for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
    ink_chart_series_append (f->loss, id, 0.25 * (i + 1), raw[i]);
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_has_tooltip (menu));
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu));
  gui_pump ();
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  g_assert_false (gtk_widget_get_has_tooltip (menu));
  scale = gui_find_named (GTK_WIDGET (popover), "smoothing");
  g_assert_nonnull (scale);
  g_assert_true (gtk_widget_get_mapped (scale));

  gtk_range_set_value (GTK_RANGE (scale), 0.0);
  gui_pump ();
  g_assert_cmpfloat (ink_chart_series_get_smoothed (f->loss, id, 3), ==, 0.5);
  gtk_range_set_value (GTK_RANGE (scale), 0.9);
  gui_pump ();
  g_assert_cmpfloat (ink_chart_series_get_smoothed (f->loss, id, 3), >, 1.0);
  g_assert_cmpfloat_with_epsilon (ink_chart_series_get_smoothed (f->loss, id, 0), 2.0, 1e-9);

  settings = g_settings_new ("org.inkling.Inkling");
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "chart-smoothing"), 0.9, 1e-9);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu));
  gui_pump ();
  g_assert_true (gtk_widget_get_has_tooltip (menu));
  g_settings_reset (settings, "chart-smoothing");
}

/* The exported PNG carries the run's name and dataset in a title above the
 * charts, on the style's background. */
static void
test_page_export_title (PageFixture *f, gconstpointer data)
{
  g_autofree char *title = ink_train_page_get_export_title (f->page);
  g_autofree char *dir = g_dir_make_tmp ("ink-chart-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "charts.png", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *png;
  int left = G_MAXINT, right = -1, stride;
  const guint8 *data_px;
  guint32 bg;

  g_assert_nonnull (title);
  g_assert_nonnull (strstr (title, "keras-mnist-mlp"));
  g_assert_nonnull (strstr (title, "MNIST"));
  g_assert_true (ink_train_page_export_charts (f->page, path, &error));
  g_assert_no_error (error);
  png = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  /* the title: a wide line of text in the top band (the Loss chart's own
   * title is one short word) */
  stride = cairo_image_surface_get_stride (png);
  data_px = cairo_image_surface_get_data (png);
  bg = *(const guint32 *) (gconstpointer) data_px;
  for (int y = 10; y < 24; y++)
    for (int x = 0; x < cairo_image_surface_get_width (png); x++)
      if (*(const guint32 *) (gconstpointer) (data_px + y * stride + x * 4) != bg)
        {
          left = MIN (left, x);
          right = MAX (right, x);
        }
  g_test_message ("title ink from x=%d to %d", left, right);
  g_assert_cmpint (right - left, >, 250);
  cairo_surface_destroy (png);
  g_unlink (path);
  g_rmdir (dir);
}

/* A run renamed on the Runs page goes by its new name: in the overlay
 * legend, the status line and the exported chart's title. */
static void
test_page_renamed_runs (PageFixture *f, gconstpointer data)
{
  g_auto(GStrv) acc = NULL;
  g_autofree char *title = NULL;
  InkLedgerRun *theano = f->runs->pdata[1];
  InkLedgerRun *keras = f->runs->pdata[0];

  theano->name = g_strdup ("wide tanh");
  keras->name = g_strdup ("baseline");
  ink_train_page_show_ledger_run (f->page, keras);
  ink_train_page_set_overlays (f->page, f->runs);
  acc = ink_chart_get_legend_labels (f->acc);
  g_assert_true (strv_has_prefix (acc, "wide tanh"));
  g_assert_false (strv_has_prefix (acc, "theano-mlp"));
  title = ink_train_page_get_export_title (f->page);
  g_assert_true (g_str_has_prefix (title, "baseline · "));
  g_assert_nonnull (gui_wait_label (GTK_WIDGET (f->page), "baseline · completed", 10));
}

/* The outcome banner takes no focus: no stray text caret in it. */
static void
test_page_outcome_no_caret (PageFixture *f, gconstpointer data)
{
  GtkWidget *outcome = gui_wait_label (GTK_WIDGET (f->page), "Test accuracy of the kept model", 10);

  g_assert_nonnull (outcome);
  g_assert_false (gtk_label_get_selectable (GTK_LABEL (outcome)));
  g_assert_false (gtk_widget_grab_focus (outcome));
  /* Tab through the page: the focus never lands on it */
  for (int i = 0; i < 12; i++)
    {
      gtk_widget_child_focus (f->window, GTK_DIR_TAB_FORWARD);
      g_assert_false (gtk_widget_has_focus (outcome));
    }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart/scale/nice-step", test_scale_nice_step);
  g_test_add_func ("/chart/scale/linear", test_scale_linear);
  g_test_add_func ("/chart/scale/log", test_scale_log);
  g_test_add_func ("/chart/scale/format", test_scale_format);
  g_test_add_func ("/chart/scale/map", test_scale_map);
  g_test_add_func ("/chart/draw/pixels", test_chart_pixels);
  g_test_add_func ("/chart/draw/log-scale", test_chart_log_scale);
  g_test_add_func ("/chart/draw/nan", test_chart_nan);
  g_test_add_func ("/chart/draw/clear-remove", test_chart_clear_remove);
  g_test_add_func ("/chart/draw/cleared-series", test_chart_cleared_series_not_drawn);
  g_test_add_func ("/chart/draw/empty", test_chart_empty);
  g_test_add_func ("/chart/draw/decimation", test_chart_decimation);
  g_test_add_func ("/chart/export-png", test_chart_export);
  g_test_add_func ("/chart/palette", test_chart_palette);
  g_test_add_func ("/chart/widget/coalescing", test_chart_coalescing);
  g_test_add_func ("/chart/widget/hover", test_chart_hover);
  g_test_add_func ("/chart/widget/dispose-pending", test_chart_dispose_pending);
  g_test_add_func ("/epoch/item", test_epoch_item);
  g_test_add_func ("/epoch/table/rows", test_epoch_table_rows);
  g_test_add_func ("/epoch/table/follow", test_epoch_table_follow);
  g_test_add_func ("/chart/scale/log-two-five", test_scale_log_two_five);
  g_test_add_func ("/chart/shared-x", test_chart_shared_x);
  g_test_add_func ("/chart/draw/dark-minibatch", test_chart_dark_minibatch);
  g_test_add_func ("/chart/draw/legend-never-squeezes", test_chart_legend_never_squeezes);
  g_test_add ("/chart/train-page/overlays", PageFixture, NULL, page_setup, test_page_overlays, page_teardown);
  g_test_add ("/chart/train-page/shared-x", PageFixture, NULL, page_setup, test_page_shared_x, page_teardown);
  g_test_add ("/chart/train-page/smoothing", PageFixture, NULL, page_setup, test_page_smoothing, page_teardown);
  g_test_add ("/chart/train-page/export-title", PageFixture, NULL, page_setup, test_page_export_title, page_teardown);
  g_test_add ("/chart/train-page/renamed-runs", PageFixture, NULL, page_setup, test_page_renamed_runs, page_teardown);
  g_test_add ("/chart/train-page/outcome-no-caret", PageFixture, NULL, page_setup, test_page_outcome_no_caret,
              page_teardown);

  return g_test_run ();
}
