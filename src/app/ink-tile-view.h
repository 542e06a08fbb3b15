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

/* Weights as a grid of tiles: a dense first layer's 28×28 units, a
 * convolution's filters, one filter's slices across its input channels. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INK_TILE_SIDE 28

/* what a tile is (the tooltip names it): a dense unit's 784 weights, a
 * convolution filter on a one-channel input, one filter's weights on one
 * input channel */
typedef enum
{
  INK_TILE_UNIT,
  INK_TILE_FILTER,
  INK_TILE_CHANNEL,
} InkTileKind;

#define INK_TYPE_TILE_VIEW (ink_tile_view_get_type ())
G_DECLARE_FINAL_TYPE (InkTileView, ink_tile_view, INK, TILE_VIEW, GtkWidget)

/* Weights as a near-square grid of tiles (ceil(sqrt(n)) columns), blue
 * negative, white 0, red positive, symmetric around 0: a dense first layer's
 * incoming weights as 28×28 tiles, or a convolution's k×k kernels.  The
 * tiles are drawn once into an atlas image when the weights arrive, each
 * weight as p × p pixels where p = MAX (1, 28 / MAX (kw, kh)) (1 for 28×28
 * tiles, 9 for 3×3 kernels), with g px of transparent gap between tiles
 * (g = 1 for p = 1, else MAX (2, p / 2); 28×28 tiles: (cols·29 − 1) ×
 * (rows·29 − 1) pixels), and painted scaled with the nearest filter.
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
/* copies n_tiles × tile_w·tile_h floats, tile t's weights row-major at
 * w + t·tile_w·tile_h (a convolution's [filters, 1, kh, kw] weights, or
 * one filter's [in_channels, kh, kw]) */
void             ink_tile_view_set_tiles        (InkTileView *self,
                                                 const float *w,
                                                 int          n_tiles,
                                                 int          tile_w,
                                                 int          tile_h,
                                                 InkTileKind  kind);
void             ink_tile_view_clear            (InkTileView *self);
/* a tile's size in weights (0 × 0 when empty) and what the tiles are */
void             ink_tile_view_get_tile_size    (InkTileView *self,
                                                 int         *tile_w,
                                                 int         *tile_h);
InkTileKind      ink_tile_view_get_kind         (InkTileView *self);
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
/* where unit's tile is drawn, in widget coordinates (after the widget is
 * allocated; FALSE without such a tile or before) */
gboolean         ink_tile_view_get_tile_rect    (InkTileView     *self,
                                                 int              unit,
                                                 graphene_rect_t *rect);
/* one unit's tile as the atlas shows it: a new ARGB32 surface of one pixel
 * per weight (tile_w × tile_h), NULL when there is no such unit */
cairo_surface_t *ink_tile_view_render_tile      (InkTileView *self,
                                                 int          unit);
/* Writes the grid to a PNG with tile_px (1..512) pixels per tile side (the
 * longer one for a tile that is not square), gaps
 * of g = MAX (1, tile_px / 14) pixels between and around the tiles on a dark
 * grey ground: cols·tile_px + (cols+1)·g wide, rows·tile_px + (rows+1)·g
 * high. */
gboolean         ink_tile_view_export_png       (InkTileView *self,
                                                 const char  *path,
                                                 int          tile_px,
                                                 GError     **error);

G_END_DECLS
