/* ink-sweep-plot.h
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

/* What the sweep plots draw: one axis per swept parameter plus the metric
 * (log where the values are drawn log-uniformly or span decades; text
 * values as evenly spaced categories), one line per child with its
 * values, coloured by test accuracy on a colour scale with a legend; and
 * the titles tables and plots give a parameter's path. */

#pragma once

#include <gtk/gtk.h>
#include "ink-sweep.h"

G_BEGIN_DECLS

typedef struct
{
  char      *title;        /* "Learning rate", "Layer 1 units", "Test acc." */
  char      *path;         /* the parameter's path; the metric's name for the last axis */
  gboolean   log;
  gboolean   percent;      /* an accuracy: ticks in % */
  GPtrArray *categories;   /* char*: text values, in order of first appearance; NULL for numbers */
  double     min, max;     /* of the finite values (categories: 0 … n − 1) */
  GArray    *distinct;     /* double: the finite values, sorted, each once */
} InkSweepAxis;

typedef struct
{
  guint         n_axes;    /* parameters + 1 (the metric, last) */
  InkSweepAxis *axes;
  guint         n_lines;   /* one per child, index order */
  double       *values;    /* [line * n_axes + axis]; NAN: none */
  double       *accuracy;  /* [line]: the colour; NAN: none (grey) */
  double        acc_min, acc_max;
  char        **ids;       /* [line] */
} InkSweepPlot;

InkSweepPlot *ink_sweep_plot_new      (const InkSweep *sweep,
                                       const char     *metric);
void          ink_sweep_plot_free     (InkSweepPlot   *plot);

/* "Learning rate" for "optimizer.lr", "Layer 2 dropout" for
 * "network.layers[1].dropout", "Size change" for "augmentation.scale",
 * "Pretraining learning rate" for "pretraining.lr"; the path itself when
 * not known */
char         *ink_sweep_param_title   (const char     *path);
/* "Test acc.", "Valid loss", … */
const char   *ink_sweep_metric_title  (const char     *metric);

/* where a value sits on an axis: 0 (bottom, min) … 1 (top, max); NAN for none */
double        ink_sweep_axis_position (const InkSweepAxis *axis,
                                       double              value);
/* a value as an axis tick shows it ("0.001", "97.5%", "relu") */
char         *ink_sweep_axis_format   (const InkSweepAxis *axis,
                                       double              value);
/* the values to put ticks at: the distinct values when few, else round
 * values in the range (powers of ten on a log axis, multiples of 1, 2 or
 * 5 × 10^k on a linear one), else values spread over a range too narrow
 * for two of those */
GArray       *ink_sweep_axis_ticks    (const InkSweepAxis *axis);

/* Draws an axis's ticks (ink_sweep_axis_ticks) in the widget's font
 * scaled by `scale`: a stroke across the axis from `from` to `to` (x for
 * a vertical axis, y for a horizontal one) in `mark`, and the value as
 * ink_sweep_axis_format writes it at `label_at` (the same coordinate),
 * anchored by (xalign, yalign), in `text` (on a box of `halo` when not
 * NULL: legible over lines drawn before).  Position 0 of the axis is at
 * `start` and 1 at `end`, along it (y for a vertical axis, x for a
 * horizontal one). */
void          ink_sweep_axis_draw_ticks (const InkSweepAxis *axis,
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
                                         double              scale);

/* the colour of an accuracy (grey for NAN) on the plot's scale */
void          ink_sweep_plot_color    (const InkSweepPlot *plot,
                                       double              accuracy,
                                       GdkRGBA            *out);
/* a vertical colour bar of the accuracy scale at (x, y) w × h with its
 * title above and the range beside it, in the widget's font */
void          ink_sweep_plot_legend   (const InkSweepPlot *plot,
                                       GtkWidget          *widget,
                                       cairo_t            *cr,
                                       double              x,
                                       double              y,
                                       double              w,
                                       double              h);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkSweepPlot, ink_sweep_plot_free)

G_END_DECLS
