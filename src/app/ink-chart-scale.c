/* ink-chart-scale.c
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

/* The chart's scales: 1-2-5 and log ticks, tick labels, the data-to-
 * pixel map. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ink-chart-scale.h"

#define MAX_TICKS 1000

double
ink_chart_nice_step (double range,
                     guint  target)
{
  double raw, mag, f;

  if (!(range > 0) || !isfinite (range))
    return 1.0;
  raw = range / MAX (target, 1);
  mag = pow (10.0, floor (log10 (raw)));
  f = raw / mag;
  if (f < 1.5)
    return mag;
  if (f < 3.0)
    return 2 * mag;
  if (f < 7.0)
    return 5 * mag;
  return 10 * mag;
}

static void
append_tick (GArray   *ticks,
             double    value,
             gboolean  major)
{
  InkChartTick t = { value, major };

  g_array_append_val (ticks, t);
}

GArray *
ink_chart_linear_ticks (double  lo,
                        double  hi,
                        guint   target,
                        double *step_out)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (InkChartTick));
  double step, first;
  guint i;

  if (step_out)
    *step_out = 0;
  if (!isfinite (lo) || !isfinite (hi))
    return ticks;
  if (hi < lo)
    {
      double t = lo;
      lo = hi;
      hi = t;
    }
  if (!(hi > lo))
    {
      append_tick (ticks, lo, TRUE);
      return ticks;
    }

  step = ink_chart_nice_step (hi - lo, target);
  first = ceil (lo / step - 1e-9);
  for (i = 0; i < MAX_TICKS; i++)
    {
      double v = (first + i) * step;

      if (v > hi + step * 1e-9)
        break;
      if (fabs (v) < step * 1e-9)
        v = 0;
      append_tick (ticks, v, TRUE);
    }
  if (step_out)
    *step_out = step;
  return ticks;
}

static guint
count_major (GArray *ticks)
{
  guint n = 0;

  for (guint i = 0; i < ticks->len; i++)
    n += g_array_index (ticks, InkChartTick, i).major;
  return n;
}

/* Multiples m × 10^k inside [lo, hi]; `multiples` lists the m (1 first). */
static void
log_fill (GArray       *ticks,
          double        lo,
          double        hi,
          const double *multiples,
          guint         n_multiples,
          gboolean      others_major,
          guint         stride)
{
  int k0 = (int) floor (log10 (lo) + 1e-9);
  int k1 = (int) ceil (log10 (hi) - 1e-9);

  g_array_set_size (ticks, 0);
  for (int k = k0; k <= k1 && ticks->len < MAX_TICKS; k++)
    {
      double base = pow (10.0, k);

      for (guint j = 0; j < n_multiples; j++)
        {
          double v = multiples[j] * base;
          gboolean decade = multiples[j] == 1.0;

          if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9))
            continue;
          if (decade)
            {
              /* every stride-th decade is labelled; the others are dropped */
              if (stride > 1 && ((k % (int) stride) + (int) stride) % (int) stride != 0)
                continue;
              append_tick (ticks, v, TRUE);
            }
          else
            append_tick (ticks, v, others_major);
        }
    }
}

GArray *
ink_chart_integer_ticks (double lo,
                         double hi)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (InkChartTick));

  if (!(isfinite (lo) && isfinite (hi)))
    return ticks;
  if (lo > hi)
    {
      double t = lo;
      lo = hi;
      hi = t;
    }
  /* a count axis never has more than a few thousand ticks worth drawing */
  if (hi - lo > 100000.0)
    return ticks;
  for (double v = ceil (lo); v <= floor (hi); v += 1.0)
    {
      InkChartTick t = { v, TRUE };
      g_array_append_val (ticks, t);
    }
  return ticks;
}

GArray *
ink_chart_log_ticks (double lo,
                     double hi,
                     guint  max_major)
{
  static const double decades[] = { 1 };
  static const double one_two_five[] = { 1, 2, 5 };
  static const double all[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (InkChartTick));
  guint n_decades, stride;

  if (!(lo > 0) || !(hi > lo) || !isfinite (hi))
    {
      if (lo > 0 && isfinite (lo))
        append_tick (ticks, lo, TRUE);
      return ticks;
    }
  max_major = MAX (max_major, 2);

  /* decades inside the range */
  n_decades = (guint) MAX (0, floor (log10 (hi) + 1e-9) - ceil (log10 (lo) - 1e-9) + 1);
  stride = n_decades > max_major ? (n_decades + max_major - 1) / max_major : 1;

  if (n_decades >= 2)
    {
      if (stride == 1 && n_decades <= 8)
        {
          /* 2× and 5× labelled too when there is room for them, so that a
           * loss from 0.05 to 2 reads 0.05 0.1 0.2 0.5 1 2, not 0.1 1 */
          log_fill (ticks, lo, hi, one_two_five, G_N_ELEMENTS (one_two_five), TRUE, 1);
          if (count_major (ticks) > max_major)
            log_fill (ticks, lo, hi, one_two_five, G_N_ELEMENTS (one_two_five), FALSE, 1);
        }
      else
        log_fill (ticks, lo, hi, decades, 1, FALSE, stride);
      return ticks;
    }

  /* less than two decades: label the 2× and 5× too, then every multiple */
  log_fill (ticks, lo, hi, one_two_five, G_N_ELEMENTS (one_two_five), TRUE, 1);
  if (count_major (ticks) >= 2 && count_major (ticks) <= max_major)
    return ticks;
  if (count_major (ticks) < 2)
    {
      log_fill (ticks, lo, hi, all, G_N_ELEMENTS (all), TRUE, 1);
      if (count_major (ticks) >= 2 && count_major (ticks) <= max_major)
        return ticks;
    }

  /* a narrow range: plain linear ticks read best */
  g_array_unref (ticks);
  return ink_chart_linear_ticks (lo, hi, max_major, NULL);
}

/* the smallest number of decimals (≤ max) that writes x exactly enough */
static int
decimals_for (double x,
              int    max)
{
  x = fabs (x);
  for (int d = 0; d < max; d++)
    {
      double s = x * pow (10.0, d);

      if (fabs (s - round (s)) <= 1e-6 * MAX (s, 1.0))
        return d;
    }
  return max;
}

static void
strip_zeros (char *s)
{
  char *dot = strchr (s, '.');
  char *end;

  if (!dot)
    return;
  end = s + strlen (s) - 1;
  while (end > dot && *end == '0')
    *end-- = '\0';
  if (end == dot)
    *end = '\0';
}

static char *
format_fixed (double value,
              int    decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char fmt[16];

  g_snprintf (fmt, sizeof fmt, "%%.%df", CLAMP (decimals, 0, 12));
  g_ascii_formatd (buf, sizeof buf, fmt, value);
  strip_zeros (buf);
  if (g_str_equal (buf, "-0"))
    return g_strdup ("0");
  return g_strdup (buf);
}

static char *
format_exp (double value)
{
  int e = (int) floor (log10 (fabs (value)));
  double mant = value / pow (10.0, e);
  int d;
  g_autofree char *m = NULL;

  /* 9.9999 → 10 → 1e(k+1) */
  d = decimals_for (mant, 3);
  if (fabs (round (mant * pow (10.0, d)) / pow (10.0, d)) >= 10.0)
    {
      mant /= 10.0;
      e++;
      d = decimals_for (mant, 3);
    }
  m = format_fixed (mant, d);
  return g_strdup_printf ("%se%d", m, e);
}

char *
ink_chart_format_tick (double   value,
                       double   step,
                       gboolean percent)
{
  char *s;
  double mag;

  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "∞" : "-∞");

  if (percent)
    {
      value *= 100;
      step *= 100;
    }
  step = fabs (step);
  mag = fabs (value);

  if (mag == 0 || (step > 0 && mag < step * 1e-6))
    s = g_strdup ("0");
  else if (mag >= 1e5 || (!percent && mag < 1e-3 * (1 + 1e-9)))
    s = format_exp (value);
  else
    {
      int d = step > 0 ? decimals_for (step, 10) : decimals_for (value, 6);

      s = format_fixed (value, d);
    }

  if (percent)
    {
      char *p = g_strconcat (s, "%", NULL);

      g_free (s);
      s = p;
    }
  return s;
}

char *
ink_chart_format_value (double   value,
                        gboolean percent)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return ink_chart_format_tick (value, 0, FALSE);
  if (percent)
    {
      g_ascii_formatd (buf, sizeof buf, "%.2f", value * 100);
      return g_strconcat (buf, "%", NULL);
    }
  g_ascii_formatd (buf, sizeof buf, "%.6g", value);
  return g_strdup (buf);
}

void
ink_chart_map_init (InkChartMap *map,
                    double       d0,
                    double       d1,
                    double       p0,
                    double       p1,
                    gboolean     log)
{
  map->d0 = d0;
  map->d1 = d1;
  map->p0 = p0;
  map->p1 = p1;
  map->log = log && d0 > 0 && d1 > 0;
  if (map->log)
    {
      double span = log10 (d1) - log10 (d0);

      map->l0 = log10 (d0);
      map->scale = span != 0 ? (p1 - p0) / span : 0;
    }
  else
    {
      map->l0 = d0;
      map->scale = d1 != d0 ? (p1 - p0) / (d1 - d0) : 0;
    }
}

double
ink_chart_map_to_pixel (const InkChartMap *map,
                        double             value)
{
  if (map->scale == 0)
    return (map->p0 + map->p1) / 2;
  if (map->log)
    {
      if (!(value > 0))
        return NAN;
      return map->p0 + (log10 (value) - map->l0) * map->scale;
    }
  return map->p0 + (value - map->l0) * map->scale;
}

double
ink_chart_map_to_data (const InkChartMap *map,
                       double             pixel)
{
  if (map->scale == 0)
    return map->d0;
  if (map->log)
    return pow (10.0, map->l0 + (pixel - map->p0) / map->scale);
  return map->l0 + (pixel - map->p0) / map->scale;
}

void
ink_chart_pad_range (double   *lo,
                     double   *hi,
                     double    fraction,
                     gboolean  log)
{
  if (log && *lo > 0 && *hi > 0)
    {
      double a = log10 (*lo), b = log10 (*hi), pad;

      if (b - a < 1e-12)
        {
          a -= 0.25;
          b += 0.25;
        }
      pad = (b - a) * fraction;
      *lo = pow (10.0, a - pad);
      *hi = pow (10.0, b + pad);
      return;
    }

  if (*hi - *lo <= fabs (*hi) * 1e-12)
    {
      double d = fabs (*lo) * 0.1;

      if (d == 0)
        d = 1;
      *lo -= d;
      *hi += d;
    }
  else
    {
      double pad = (*hi - *lo) * fraction;

      *lo -= pad;
      *hi += pad;
    }
}
