/* ink-tile-view.h
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

/* The first layer's weights as a grid of 28×28 tiles. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INK_TILE_SIDE 28

#define INK_TYPE_TILE_VIEW (ink_tile_view_get_type ())
G_DECLARE_FINAL_TYPE (InkTileView, ink_tile_view, INK, TILE_VIEW, GtkWidget)

/* The first layer's incoming weights as a near-square grid of 28×28 tiles
 * (ceil(sqrt(n)) columns), blue negative, white 0, red positive, symmetric
 * around 0.  The tiles are drawn once into an atlas image when the weights
 * arrive (1 px of transparent gap between tiles: (cols·29 − 1) × (rows·29 − 1)
 * pixels) and painted scaled with the nearest filter.
 *
 * Property "shared-scale" (gboolean, default FALSE): one colour scale for all
 * tiles (the largest |w| of the layer) instead of one per tile.
 * Property "selected" (int, -1..): the highlighted unit, -1 for none.
 * Signal "tile-activated" (guint unit): a tile was clicked (it is selected
 * first). */
InkTileView     *ink_tile_view_new              (void);
/* copies n_units × n_inputs floats (row u = unit u's weights); n_inputs must
 * be 784 (anything else clears the view) */
void             ink_tile_view_set_weights      (InkTileView *self,
                                                 const float *w,
                                                 int          n_units,
                                                 int          n_inputs);
void             ink_tile_view_clear            (InkTileView *self);
/* NULL when empty */
const float     *ink_tile_view_get_weights      (InkTileView *self,
                                                 int         *n_units);
gboolean         ink_tile_view_get_shared_scale (InkTileView *self);
void             ink_tile_view_set_shared_scale (InkTileView *self,
                                                 gboolean     shared);
int              ink_tile_view_get_selected     (InkTileView *self);
void             ink_tile_view_set_selected     (InkTileView *self,
                                                 int          unit);
/* the grid (0 × 0 when empty) and the atlas size in pixels (0 × 0 when empty) */
void             ink_tile_view_get_grid         (InkTileView *self,
                                                 int         *cols,
                                                 int         *rows);
void             ink_tile_view_get_atlas_size   (InkTileView *self,
                                                 int         *width,
                                                 int         *height);
/* one unit's tile as the atlas shows it: a new 28×28 ARGB32 surface, NULL
 * when there is no such unit */
cairo_surface_t *ink_tile_view_render_tile      (InkTileView *self,
                                                 int          unit);
/* Writes the grid to a PNG with tile_px (1..512) pixels per tile side, gaps
 * of g = MAX (1, tile_px / 14) pixels between and around the tiles on a dark
 * grey ground: cols·tile_px + (cols+1)·g wide, rows·tile_px + (rows+1)·g
 * high. */
gboolean         ink_tile_view_export_png       (InkTileView *self,
                                                 const char  *path,
                                                 int          tile_px,
                                                 GError     **error);

/* the colour map: t in -1..1 (clamped) → blue, white, red */
void             ink_tile_colormap              (double       t,
                                                 double      *r,
                                                 double      *g,
                                                 double      *b);

G_END_DECLS
