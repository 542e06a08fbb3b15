/* ink-parallel-coords.h
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

/* The parallel-coordinates view of a sweep: one vertical axis per swept
 * parameter and one for the metric, one polyline per child coloured by
 * its test accuracy, a legend; a click on a line says which child. */

#pragma once

#include <gtk/gtk.h>
#include "ink-sweep-plot.h"

G_BEGIN_DECLS

#define INK_TYPE_PARALLEL_COORDS (ink_parallel_coords_get_type ())
G_DECLARE_FINAL_TYPE (InkParallelCoords, ink_parallel_coords, INK, PARALLEL_COORDS, GtkWidget)

/* Signal "child-activated" (guint: the child's index in the sweep) on a
 * click on (or within a few pixels of) its line; hovering a line
 * highlights it and its tooltip lists its values. */
GtkWidget *ink_parallel_coords_new        (void);
/* takes plot (NULL: nothing to show) */
void       ink_parallel_coords_set_plot   (InkParallelCoords *self,
                                           InkSweepPlot      *plot);
const InkSweepPlot *ink_parallel_coords_get_plot (InkParallelCoords *self);
guint      ink_parallel_coords_get_n_axes (InkParallelCoords *self);
/* lines drawn: one per child with at least one value */
guint      ink_parallel_coords_get_n_lines (InkParallelCoords *self);
/* where line `line` crosses axis `axis`, in the widget's coordinates at
 * its present size; FALSE when the line has no value there */
gboolean   ink_parallel_coords_get_point  (InkParallelCoords *self,
                                           guint              line,
                                           guint              axis,
                                           double            *x,
                                           double            *y);
/* draws onto cr at width × height (the widget's look, for screenshots) */
void       ink_parallel_coords_draw       (InkParallelCoords *self,
                                           cairo_t           *cr,
                                           int                width,
                                           int                height);

G_END_DECLS
