/* ink-sweep-plot.c
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

/* The sweep plots' model: axes (log, categories, ticks) and one line of
 * values per child, the accuracy colour scale and its legend, and the
 * human titles of parameter paths. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-sweep-plot.h"

char *
ink_sweep_param_title (const char *path)
{
  /* scope NULL: a field of that name anywhere but the augmentation; a
   * scoped entry names the field of that section only, and wins */
  static const struct { const char *scope; const char *key; const char *title; } known[] = {
    { NULL, "lr", N_("Learning rate") },
    { NULL, "batch_size", N_("Batch size") },
    { NULL, "epochs", N_("Epochs") },
    { NULL, "seed", N_("Seed") },
    { NULL, "units", N_("units") },
    { NULL, "filters", N_("filters") },
    { NULL, "kernel", N_("kernel") },
    { NULL, "dropout", N_("dropout") },
    { NULL, "stride", N_("stride") },
    { NULL, "size", N_("pool size") },
    { NULL, "subset", N_("Training images") },
    { NULL, "momentum", N_("Momentum") },
    { NULL, "rho", N_("Rho") },
    { NULL, "eps", N_("Epsilon") },
    { NULL, "decay", N_("Decay") },
    { NULL, "l1", N_("L1 penalty") },
    { NULL, "l2", N_("L2 penalty") },
    { NULL, "max_norm", N_("Max norm") },
    { NULL, "ema_decay", N_("Weight averaging") },
    { NULL, "beta1", N_("Beta 1") },
    { NULL, "beta2", N_("Beta 2") },
    { NULL, "leaky_slope", N_("Leaky slope") },
    { NULL, "patience", N_("Patience") },
    { NULL, "kind", N_("Optimizer") },
    { NULL, "normalization", N_("Normalization") },
    { NULL, "activation", N_("activation") },
    /* the augmentation's, by their names on the Design page */
    { "augmentation.", "shift", N_("Shift") },
    { "augmentation.", "rotate", N_("Rotation") },
    { "augmentation.", "scale", N_("Size change") },
    { "augmentation.", "elastic_alpha", N_("Elastic strength (α)") },
    { "augmentation.", "elastic_sigma", N_("Elastic smoothness (σ)") },
    { "augmentation.", "probability", N_("Share distorted") },
    { "pretraining.", "weight_decay", N_("weight decay") },
    { "pretraining.", "cd_k", N_("Gibbs steps (CD-k)") },
  };
  static const char * const scopes[] = { "augmentation.", "pretraining." };
  const char *dot = strrchr (path, '.');
  const char *key = dot ? dot + 1 : path;
  const char *scope = NULL;
  const char *title = NULL;
  gboolean scoped = FALSE;
  unsigned layer;

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    if (g_str_has_prefix (path, scopes[i]))
      scope = scopes[i];
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (key, known[i].key) &&
        (known[i].scope ? g_strcmp0 (scope, known[i].scope) == 0
                        : g_strcmp0 (scope, "augmentation.") != 0))
      {
        title = _(known[i].title);
        scoped = known[i].scope != NULL;
      }
  if (title == NULL)
    return g_strdup (path);
  /* RBM pretraining's: never mistaken for the training's own epochs or
   * rate ("Pretraining learning rate") */
  if (g_strcmp0 (scope, "pretraining.") == 0)
    {
      g_autofree char *lower = g_strdup (title);

      if (!scoped)
        lower[0] = g_ascii_tolower (lower[0]);
      return g_strdup_printf (_("Pretraining %s"), lower);
    }
  /* a layer's field: "Layer 2 units" (counted from 1, as the editor does) */
  if (sscanf (path, "network.layers[%u].", &layer) == 1)
    return g_strdup_printf (_("Layer %u %s"), layer + 1, title);
  return g_strdup (title);
}

const char *
ink_sweep_metric_title (const char *metric)
{
  if (g_strcmp0 (metric, "valid_accuracy") == 0)
    return _("Valid acc.");
  if (g_strcmp0 (metric, "valid_loss") == 0)
    return _("Valid loss");
  if (g_strcmp0 (metric, "train_loss") == 0)
    return _("Train loss");
  return _("Test acc.");
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* the distinct finite values of an axis, sorted */
static GArray *
distinct (const InkSweepPlot *plot, guint axis)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint l = 0; l < plot->n_lines; l++)
    {
      double v = plot->values[l * plot->n_axes + axis];
      gboolean seen = FALSE;

      if (!isfinite (v))
        continue;
      for (guint i = 0; i < out->len && !seen; i++)
        seen = g_array_index (out, double, i) == v;
      if (!seen)
        g_array_append_val (out, v);
    }
  g_array_sort (out, cmp_double);
  return out;
}

static void
axis_range (InkSweepPlot *plot, guint a)
{
  InkSweepAxis *axis = &plot->axes[a];
  GArray *d = distinct (plot, a);

  axis->distinct = d;
  if (d->len == 0)
    {
      axis->min = 0;
      axis->max = 1;
      axis->log = FALSE;
      return;
    }
  axis->min = g_array_index (d, double, 0);
  axis->max = g_array_index (d, double, d->len - 1);
  if (axis->categories)
    {
      axis->min = 0;
      axis->max = MAX (axis->categories->len, 1) - 1;
      axis->log = FALSE;
      return;
    }
  /* a log axis needs positive values; a grid spanning decades reads
   * better on one too (0.1, 0.01, 0.001 evenly apart) */
  if (axis->min <= 0)
    axis->log = FALSE;
  else if (!axis->log && d->len >= 3 && axis->max / axis->min >= 50)
    axis->log = TRUE;
}

InkSweepPlot *
ink_sweep_plot_new (const InkSweep *sweep,
                    const char     *metric)
{
  InkSweepPlot *plot = g_new0 (InkSweepPlot, 1);
  guint np = sweep->params->len;

  plot->n_axes = np + 1;
  plot->axes = g_new0 (InkSweepAxis, plot->n_axes);
  plot->n_lines = sweep->children->len;
  plot->values = g_new (double, (gsize) plot->n_lines * plot->n_axes);
  plot->accuracy = g_new (double, MAX (plot->n_lines, 1));
  plot->ids = g_new0 (char *, plot->n_lines + 1);
  for (guint p = 0; p < np; p++)
    {
      const InkSweepParam *param = sweep->params->pdata[p];
      InkSweepAxis *axis = &plot->axes[p];

      axis->title = ink_sweep_param_title (param->path);
      axis->path = g_strdup (param->path);
      axis->log = param->kind == INK_SWEEP_LOG_UNIFORM;
      /* text (or whole JSON) values: categories */
      for (guint l = 0; l < plot->n_lines && axis->categories == NULL; l++)
        if (isnan (ink_sweep_child_value_number (sweep->children->pdata[l], p)))
          axis->categories = g_ptr_array_new_with_free_func (g_free);
    }
  plot->axes[np].title = g_strdup (ink_sweep_metric_title (metric));
  plot->axes[np].path = g_strdup (metric);
  /* the accuracies in % */
  plot->axes[np].percent = ink_sweep_metric_higher_better (metric);
  plot->acc_min = INFINITY;
  plot->acc_max = -INFINITY;
  for (guint l = 0; l < plot->n_lines; l++)
    {
      const InkSweepChild *child = sweep->children->pdata[l];

      plot->ids[l] = g_strdup (child->id);
      for (guint p = 0; p < np; p++)
        {
          InkSweepAxis *axis = &plot->axes[p];
          double v;

          if (axis->categories)
            {
              g_autofree char *text = ink_sweep_child_value_text (child, p);
              guint at;

              if (!g_ptr_array_find_with_equal_func (axis->categories, text, g_str_equal, &at))
                {
                  at = axis->categories->len;
                  g_ptr_array_add (axis->categories, g_steal_pointer (&text));
                }
              v = at;
            }
          else
            v = ink_sweep_child_value_number (child, p);
          plot->values[l * plot->n_axes + p] = v;
        }
      plot->values[l * plot->n_axes + np] = ink_sweep_child_metric (child, metric);
      plot->accuracy[l] = child->info.test_accuracy;
      if (isfinite (plot->accuracy[l]))
        {
          plot->acc_min = MIN (plot->acc_min, plot->accuracy[l]);
          plot->acc_max = MAX (plot->acc_max, plot->accuracy[l]);
        }
    }
  if (!isfinite (plot->acc_min))
    plot->acc_min = plot->acc_max = NAN;
  for (guint a = 0; a < plot->n_axes; a++)
    axis_range (plot, a);
  return plot;
}

void
ink_sweep_plot_free (InkSweepPlot *plot)
{
  if (plot == NULL)
    return;
  for (guint a = 0; a < plot->n_axes; a++)
    {
      g_free (plot->axes[a].title);
      g_free (plot->axes[a].path);
      if (plot->axes[a].categories)
        g_ptr_array_unref (plot->axes[a].categories);
      if (plot->axes[a].distinct)
        g_array_unref (plot->axes[a].distinct);
    }
  g_free (plot->axes);
  g_free (plot->values);
  g_free (plot->accuracy);
  g_strfreev (plot->ids);
  g_free (plot);
}

double
ink_sweep_axis_position (const InkSweepAxis *axis,
                         double              value)
{
  if (!isfinite (value))
    return NAN;
  if (axis->max <= axis->min)
    return 0.5;
  if (axis->log)
    {
      if (value <= 0)
        return NAN;
      return (log (value) - log (axis->min)) / (log (axis->max) - log (axis->min));
    }
  return (value - axis->min) / (axis->max - axis->min);
}

char *
ink_sweep_axis_format (const InkSweepAxis *axis,
                       double              value)
{
  if (!isfinite (value))
    return g_strdup ("—");
  if (axis->categories)
    {
      guint i = (guint) MAX (0, lround (value));
      return g_strdup (i < axis->categories->len ? (const char *) axis->categories->pdata[i] : "?");
    }
  if (axis->percent)
    return g_strdup_printf ("%.1f%%", 100 * value);
  return g_strdup_printf ("%.3g", value);
}

GArray *
ink_sweep_axis_ticks (const InkSweepAxis *axis)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  const guint n = 5;

  if (axis->categories)
    {
      for (guint i = 0; i < axis->categories->len; i++)
        {
          double v = i;
          g_array_append_val (out, v);
        }
      return out;
    }
  if (axis->max <= axis->min)
    {
      g_array_append_val (out, axis->min);
      return out;
    }
  /* a few values (a grid): each one */
  if (axis->distinct && axis->distinct->len <= 7)
    {
      g_array_append_vals (out, axis->distinct->data, axis->distinct->len);
      return out;
    }
  /* round values: powers of ten on a log axis, multiples of 1, 2 or 5
   * times a power of ten on a linear one (about n of them) */
  if (axis->log && axis->min > 0)
    {
      int lo = (int) ceil (log10 (axis->min) - 1e-9), hi = (int) floor (log10 (axis->max) + 1e-9);
      int every = MAX (1, (hi - lo + 1 + (int) n) / ((int) n + 1));

      for (int k = lo; k <= hi; k += every)
        {
          double v = pow (10, k);
          g_array_append_val (out, v);
        }
    }
  else if (!axis->log)
    {
      double raw = (axis->max - axis->min) / (n - 1);
      double mag = pow (10, floor (log10 (raw)));
      double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;

      for (double k = ceil (axis->min / step - 1e-9); k * step <= axis->max + step * 1e-9; k++)
        {
          double v = k * step;
          if (fabs (v) < step * 1e-9)
            v = 0;
          g_array_append_val (out, v);
        }
    }
  if (out->len >= 2)
    return out;
  /* too narrow a range for two round values: spread over it */
  g_array_set_size (out, 0);
  for (guint i = 0; i < n; i++)
    {
      double t = (double) i / (n - 1), v;

      v = axis->log ? exp (log (axis->min) + t * (log (axis->max) - log (axis->min)))
                    : axis->min + t * (axis->max - axis->min);
      g_array_append_val (out, v);
    }
  return out;
}

/* viridis, sampled: dark purple (worst) to yellow (best) */
static const double stops[][3] = {
  { 0.267, 0.005, 0.329 },
  { 0.231, 0.322, 0.545 },
  { 0.129, 0.569, 0.549 },
  { 0.369, 0.788, 0.384 },
  { 0.992, 0.906, 0.145 },
};

static void
scale_color (double t, GdkRGBA *out)
{
  double x = CLAMP (t, 0, 1) * (G_N_ELEMENTS (stops) - 1);
  guint i = MIN ((guint) x, G_N_ELEMENTS (stops) - 2);
  double f = x - i;

  out->red = stops[i][0] + f * (stops[i + 1][0] - stops[i][0]);
  out->green = stops[i][1] + f * (stops[i + 1][1] - stops[i][1]);
  out->blue = stops[i][2] + f * (stops[i + 1][2] - stops[i][2]);
  out->alpha = 1;
}

void
ink_sweep_plot_color (const InkSweepPlot *plot,
                      double              accuracy,
                      GdkRGBA            *out)
{
  if (!isfinite (accuracy) || !isfinite (plot->acc_min))
    {
      *out = (GdkRGBA) { 0.55, 0.55, 0.55, 0.6 };
      return;
    }
  scale_color (plot->acc_max > plot->acc_min ? (accuracy - plot->acc_min) / (plot->acc_max - plot->acc_min) : 1,
               out);
}

void
ink_sweep_axis_draw_ticks (const InkSweepAxis *axis,
                           GtkWidget          *widget,
                           cairo_t            *cr,
                           GtkOrientation      orientation,
                           double              start,
                           double              end,
                           double              from,
                           double              to,
                           const GdkRGBA      *mark,
                           double              label_at,
                           double              xalign,
                           double              yalign,
                           const GdkRGBA      *text,
                           const GdkRGBA      *halo,
                           double              scale)
{
  g_autoptr(GArray) ticks = ink_sweep_axis_ticks (axis);
  gboolean vertical = orientation == GTK_ORIENTATION_VERTICAL;

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  for (guint t = 0; t < ticks->len; t++)
    {
      double v = g_array_index (ticks, double, t);
      double pos = ink_sweep_axis_position (axis, v);
      double at, crisp;
      g_autofree char *label = NULL;
      g_autoptr(PangoLayout) layout = NULL;

      if (isnan (pos))
        continue;
      at = start + pos * (end - start);
      /* on the pixel grid: a 1 px stroke stays sharp */
      crisp = round (at) + 0.5;
      gdk_cairo_set_source_rgba (cr, mark);
      cairo_move_to (cr, vertical ? from : crisp, vertical ? crisp : from);
      cairo_line_to (cr, vertical ? to : crisp, vertical ? crisp : to);
      cairo_stroke (cr);
      label = ink_sweep_axis_format (axis, v);
      layout = ink_text_layout (widget, label, scale, FALSE);
      if (halo)
        {
          double lx = vertical ? label_at : at, ly = vertical ? at : label_at;
          int w, h;

          pango_layout_get_pixel_size (layout, &w, &h);
          gdk_cairo_set_source_rgba (cr, halo);
          cairo_rectangle (cr, round (lx - xalign * w) - 2, round (ly - yalign * h), w + 4, h);
          cairo_fill (cr);
        }
      gdk_cairo_set_source_rgba (cr, text);
      ink_cairo_show_layout (cr, layout, vertical ? label_at : at, vertical ? at : label_at, xalign, yalign);
    }
  cairo_restore (cr);
}

void
ink_sweep_plot_legend (const InkSweepPlot *plot,
                       GtkWidget          *widget,
                       cairo_t            *cr,
                       double              x,
                       double              y,
                       double              w,
                       double              h)
{
  g_autoptr(PangoLayout) title = ink_text_layout (widget, _("Test acc."), 0.85, TRUE);
  GdkRGBA fg;
  cairo_pattern_t *grad;

  ink_lookup_color (widget, "window_fg_color", &fg, "#000000");
  gdk_cairo_set_source_rgba (cr, &fg);
  ink_cairo_show_layout (cr, title, x, y - 6, 0, 1);
  if (!isfinite (plot->acc_min))
    {
      g_autoptr(PangoLayout) none = ink_text_layout (widget, _("none yet"), 0.85, FALSE);
      ink_cairo_show_layout (cr, none, x, y, 0, 0);
      return;
    }
  grad = cairo_pattern_create_linear (0, y + h, 0, y);
  for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
    cairo_pattern_add_color_stop_rgb (grad, (double) i / (G_N_ELEMENTS (stops) - 1), stops[i][0], stops[i][1],
                                      stops[i][2]);
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source (cr, grad);
  cairo_fill (cr);
  cairo_pattern_destroy (grad);
  {
    g_autofree char *hi = g_strdup_printf ("%.2f%%", 100 * plot->acc_max);
    g_autofree char *lo = g_strdup_printf ("%.2f%%", 100 * plot->acc_min);
    g_autoptr(PangoLayout) lh = ink_text_layout (widget, hi, 0.85, FALSE);
    g_autoptr(PangoLayout) ll = ink_text_layout (widget, lo, 0.85, FALSE);

    gdk_cairo_set_source_rgba (cr, &fg);
    ink_cairo_show_layout (cr, lh, x + w + 4, y, 0, 0);
    ink_cairo_show_layout (cr, ll, x + w + 4, y + h, 0, 1);
  }
}
