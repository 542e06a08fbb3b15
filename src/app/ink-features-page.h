/* ink-features-page.h
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

/* The Features page (the first layer's weights) and the statistics of a
 * unit's weights. */

#pragma once

#include <gtk/gtk.h>
#include "ink-network.h"
#include "ink-tile-view.h"

G_BEGIN_DECLS

/* statistics of one unit's incoming weights */
typedef struct
{
  double min;
  double max;
  double mean;
  double std;        /* population standard deviation */
  double l2;         /* Euclidean norm */
  double positive;   /* fraction of weights > 0, 0..1 */
} InkTileStats;

void ink_tile_stats (const float  *w,
                     int           n,
                     InkTileStats *out);

#define INK_TYPE_FEATURES_PAGE (ink_features_page_get_type ())
G_DECLARE_FINAL_TYPE (InkFeaturesPage, ink_features_page, INK, FEATURES_PAGE, GtkWidget)

/* The Features page: the first layer's weights as tiles (InkTileView) with a
 * toolbar (one colour scale for all tiles, "Export PNG…") and a side panel
 * showing the clicked unit's tile enlarged with its statistics.  Empty state
 * until weights arrive; a message when the inputs are not 28×28.
 *
 * A convolutional model shows its first convolution's filters as enlarged
 * k×k tiles ("32 filters of 3×3 in layer 1"); with two convolutions or more
 * a "Layer" chooser (a drop-down, widget name "conv-layer") picks another,
 * and a convolution on several input channels shows one filter's k×k
 * weights on each channel, the filter picked with "Filter" (a spin button
 * from 1, widget name "conv-filter").  The panel names the tile "Filter 5"
 * or "Filter 5, Channel 12". */
InkFeaturesPage *ink_features_page_new          (void);
/* copies the first n_units × n_inputs floats of w (the first layer's weight
 * matrix, which is also the start of the network's parameters); cheap enough
 * to call every epoch (the atlas of 512 tiles takes about a millisecond) */
void             ink_features_page_set_weights  (InkFeaturesPage *self,
                                                 const float     *w,
                                                 int              n_units,
                                                 int              n_inputs);
/* Any model: a dense one as ink_features_page_set_weights with its first
 * layer, a convolutional one as above (params: ink_net_spec_n_params (spec)
 * floats in the network layout; the convolutions' weights are copied).
 * With the same network as before (each epoch of a run) the chosen layer,
 * filter and tile stay.  NULL: the empty state. */
void             ink_features_page_set_model    (InkFeaturesPage  *self,
                                                 const InkNetSpec *spec,
                                                 const float      *params);
/* back to the empty state */
void             ink_features_page_clear        (InkFeaturesPage *self);

/* for tests: the tile view, selecting a unit as a click does (-1 hides the
 * panel), and the selected unit's statistics (FALSE when none) */
InkTileView     *ink_features_page_get_tile_view      (InkFeaturesPage *self);
void             ink_features_page_select_unit        (InkFeaturesPage *self,
                                                       int              unit);
gboolean         ink_features_page_get_selected_stats (InkFeaturesPage *self,
                                                       InkTileStats    *out);
/* the visible state: "empty", "wrong-inputs" or "tiles" */
const char      *ink_features_page_get_state          (InkFeaturesPage *self);

G_END_DECLS
