/* ink-chart-scale.h
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

/* The chart's scales: ticks, tick labels and the data-to-pixel map (no
 * GTK). */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pure helpers for the chart widget: tick placement, tick labels and the
 * data → pixel mapping.  No GTK here, so they are unit-tested directly. */

typedef struct
{
  double   value;
  gboolean major;     /* labelled */
} InkChartTick;

/* The 1-2-5 step closest to range / target (target ≥ 1). */
double  ink_chart_nice_step      (double range,
                                  guint  target);

/* Ticks at multiples of a 1-2-5 step inside [lo, hi] (about `target` of
 * them); all are major.  Returns a GArray of InkChartTick; *step (may be
 * NULL) gets the step.  A degenerate range (lo == hi) gives one tick. */
GArray *ink_chart_linear_ticks   (double  lo,
                                  double  hi,
                                  guint   target,
                                  double *step);

/* Major ticks at every integer inside [lo, hi] (an axis that counts, such
 * as epochs, when the 1-2-5 step would fall below 1); empty when no integer
 * lies inside. */
GArray *ink_chart_integer_ticks  (double  lo,
                                  double  hi);

/* Ticks for a log axis over [lo, hi] (0 < lo < hi): the decades inside (every
 * k-th decade when more than max_major would fit), plus 2× and 5× (labelled
 * when all of them fit in max_major, else minor ticks) when there is room
 * (few decades).  When the range holds fewer than
 * two decades, 2× and 5× (then every integer multiple, then linear ticks)
 * become labelled major ticks so the axis always has at least two labels.
 * Returns a GArray of InkChartTick sorted by value. */
GArray *ink_chart_log_ticks      (double lo,
                                  double hi,
                                  guint  max_major);

/* A compact tick label: "0", "0.5", "0.05", "12", "1e-3", "2.5e-4", "1e5";
 * with percent, the value in [0,1] times 100: "98%", "99.5%".  `step` is the
 * axis step (decides the decimals; 0 = format the value on its own). */
char   *ink_chart_format_tick    (double   value,
                                  double   step,
                                  gboolean percent);

/* An exact read-out for a value: 6 significant digits ("0.234567"), or two
 * decimals with percent ("98.37%"). */
char   *ink_chart_format_value   (double   value,
                                  gboolean percent);

/* Maps data [d0, d1] onto pixels [p0, p1] (p1 may be < p0: the y axis),
 * linearly or logarithmically (then d0, d1 > 0). */
typedef struct
{
  double   d0, d1;
  double   p0, p1;
  gboolean log;
  /* derived */
  double   l0, scale;
} InkChartMap;

void    ink_chart_map_init       (InkChartMap *map,
                                  double       d0,
                                  double       d1,
                                  double       p0,
                                  double       p1,
                                  gboolean     log);
double  ink_chart_map_to_pixel   (const InkChartMap *map,
                                  double             value);
double  ink_chart_map_to_data    (const InkChartMap *map,
                                  double             pixel);

/* The data range [*lo, *hi] with `fraction` of it added on each side (in log
 * space for log); a zero-width range is widened around its value. */
void    ink_chart_pad_range      (double   *lo,
                                  double   *hi,
                                  double    fraction,
                                  gboolean  log);

G_END_DECLS
