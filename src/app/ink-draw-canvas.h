/* ink-draw-canvas.h
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

/* A square board to draw a digit on, light on black like MNIST. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INK_TYPE_DRAW_CANVAS (ink_draw_canvas_get_type ())
G_DECLARE_FINAL_TYPE (InkDrawCanvas, ink_draw_canvas, INK, DRAW_CANVAS, GtkWidget)

/* A square drawing board, light ink on black like MNIST: mouse, touch and
 * stylus (pressure varies the width).  The drawing is a list of strokes
 * (polylines in 0..1 board units, each with its own brush size), so undo
 * removes the last stroke and resizing keeps the drawing.
 *
 * Property "brush-size" (double, 2..20, default 8): the pen's diameter in
 * percent of the board's side, used for the strokes drawn afterwards.
 * Signal "changed": emitted while drawing (at most ~30 times a second), at
 * the end of a stroke, and after add_stroke, undo and clear. */
InkDrawCanvas *ink_draw_canvas_new            (void);
void           ink_draw_canvas_clear          (InkDrawCanvas *self);
/* removes the last stroke; FALSE when there was none */
/* removes the last stroke; on an empty board after Clear, brings back what
 * Clear removed */
gboolean       ink_draw_canvas_undo           (InkDrawCanvas *self);
gboolean       ink_draw_canvas_can_undo       (InkDrawCanvas *self);
gboolean       ink_draw_canvas_is_empty       (InkDrawCanvas *self);
guint          ink_draw_canvas_get_n_strokes  (InkDrawCanvas *self);
/* a stroke with the current brush size; xy: n_points (x, y) pairs in 0..1
 * board units, (0, 0) the top left corner */
void           ink_draw_canvas_add_stroke     (InkDrawCanvas *self,
                                               const double  *xy,
                                               guint          n_points);
double         ink_draw_canvas_get_brush_size (InkDrawCanvas *self);
void           ink_draw_canvas_set_brush_size (InkDrawCanvas *self,
                                               double         size);
/* The drawing as MNIST sees it: rendered at 280×280 and passed through
 * ink_mnistify (cropped, scaled to 20×20, centred by mass in 28×28).
 * FALSE (out all zeros) when there is no ink. */
gboolean       ink_draw_canvas_get_mnist      (InkDrawCanvas *self,
                                               guint8         out[784]);

G_END_DECLS
