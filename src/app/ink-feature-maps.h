/* ink-feature-maps.h
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

/* A widget showing the feature maps of a convolutional network's conv2d
 * and pooling layers for one input, a titled grid of small maps per layer. */

#pragma once

#include <gtk/gtk.h>
#include "ink-inspect.h"
#include "ink-network.h"

G_BEGIN_DECLS

#define INK_TYPE_FEATURE_MAPS (ink_feature_maps_get_type ())
G_DECLARE_FINAL_TYPE (InkFeatureMaps, ink_feature_maps, INK, FEATURE_MAPS, GtkWidget)

/* One block per conv2d, max-pool and avg-pool layer, in network order,
 * flowing left to right and wrapping: a title with the layer and its output
 * shape ("conv2d 32 3×3 → 32×26×26"), a subtitle ("Layer 1 · 41% active ·
 * max 2.31") and the layer's maps in a grid, each map enlarged by a whole
 * factor to about 48 pixels.  A layer whose values are all ≥ 0 (ReLU, and
 * the pools after it) is greyscale, black 0 to white at its largest value;
 * one with negative values uses the Features page's blue-white-red map
 * around 0.  One colour scale per layer, so a map that stays dark is a
 * filter that did not respond.  The widget is height-for-width (a page
 * scrolls it).  The maps are painted into one image per layer when values
 * arrive; drawing only scales those images.  Hovering a map tells the
 * value under the pointer. */
InkFeatureMaps *ink_feature_maps_new             (void);
/* The network whose image layers to show (its spec is read, not kept);
 * NULL shows nothing.  The buffers for its maps are made here, once per
 * network, and the maps start empty (faint squares).  Setting a network
 * with the same shapes keeps the buffers and the shown values. */
void            ink_feature_maps_set_network     (InkFeatureMaps      *self,
                                                  const InkNetSpec    *spec);
/* Copies the maps of those layers out of an inspection of that network
 * (ink_inspect) and paints them; allocates nothing.  An inspection of a
 * network with other shapes is ignored with a critical. */
void            ink_feature_maps_set_inspection  (InkFeatureMaps      *self,
                                                  const InkInspection *insp);
/* back to empty maps (nothing drawn) */
void            ink_feature_maps_clear           (InkFeatureMaps      *self);

/* for tests and the page: the number of layers shown (0 without an image
 * layer), layer i's index in the network and output shape (FALSE past the
 * end), its title ("conv2d 32 3×3 → 32×26×26"), its values (channels ×
 * height × width floats, NULL while empty) and where its grid lies in the
 * widget (cols × rows maps; area in widget coordinates, after the last
 * allocation) */
int             ink_feature_maps_get_n_layers    (InkFeatureMaps      *self);
gboolean        ink_feature_maps_get_layer       (InkFeatureMaps      *self,
                                                  int                  i,
                                                  int                 *index,
                                                  int                 *channels,
                                                  int                 *height,
                                                  int                 *width);
const char     *ink_feature_maps_get_title       (InkFeatureMaps      *self,
                                                  int                  i);
const float    *ink_feature_maps_get_values      (InkFeatureMaps      *self,
                                                  int                  i);
gboolean        ink_feature_maps_get_grid        (InkFeatureMaps      *self,
                                                  int                  i,
                                                  int                 *cols,
                                                  int                 *rows,
                                                  graphene_rect_t     *area);

/* the short name of an image layer and its output shape, as the titles
 * show it: "conv2d 32 3×3 → 32×26×26", "max-pool 2×2 → 64×12×12" (a stride
 * other than the kernel's or the pool's size and "same" padding are
 * named); NULL for other kinds */
char           *ink_feature_maps_layer_title     (const InkLayerSpec  *ls,
                                                  const InkLayerShape *shape);

G_END_DECLS
