/* ink-sweep-scatter.h
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

/* The scatter of one swept parameter (x) against the sweep's metric (y),
 * a point per child coloured by test accuracy; a click on a point says
 * which child. */

#pragma once

#include <gtk/gtk.h>
#include "ink-sweep-plot.h"

G_BEGIN_DECLS

#define INK_TYPE_SWEEP_SCATTER (ink_sweep_scatter_get_type ())
G_DECLARE_FINAL_TYPE (InkSweepScatter, ink_sweep_scatter, INK, SWEEP_SCATTER, GtkWidget)

/* Signal "child-activated" (guint: the child's index) on a click on its
 * point. */
GtkWidget *ink_sweep_scatter_new         (void);
/* takes plot (NULL: nothing); x_axis: the parameter on x (an axis of plot
 * other than the last, the metric) */
void       ink_sweep_scatter_set_plot    (InkSweepScatter *self,
                                          InkSweepPlot    *plot,
                                          guint            x_axis);
guint      ink_sweep_scatter_get_x_axis  (InkSweepScatter *self);
/* points drawn (children with both values) */
guint      ink_sweep_scatter_get_n_points (InkSweepScatter *self);
gboolean   ink_sweep_scatter_get_point   (InkSweepScatter *self,
                                          guint            line,
                                          double          *x,
                                          double          *y);
void       ink_sweep_scatter_draw        (InkSweepScatter *self,
                                          cairo_t         *cr,
                                          int              width,
                                          int              height);

G_END_DECLS
