/* ink-activation-view.h
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

/* A widget showing what each layer does with one input (activations,
 * saliency). */

#pragma once

#include <gtk/gtk.h>
#include "ink-inspect.h"

G_BEGIN_DECLS

#define INK_TYPE_ACTIVATION_VIEW (ink_activation_view_get_type ())
G_DECLARE_FINAL_TYPE (InkActivationView, ink_activation_view, INK, ACTIVATION_VIEW, GtkWidget)

/* What the network does with one input, side by side: each hidden dense
 * layer's activations (conv2d, pooling and batch-norm layers are left out:
 * InkFeatureMaps shows the image layers) as a near-square grid of cells
 * (red positive, blue negative, scaled per layer; "Layer 1 · 512 units ·
 * 37% active"), then the saliency
 * map of the predicted class as a 28×28 diverging heat map over the faint
 * input digit.  Hovering a cell tells its value. */
InkActivationView *ink_activation_view_new   (void);
/* copies; saliency (784 floats, for the inspection's top class) may be NULL,
 * input is the 28×28 image the network saw (784 bytes; may be NULL when
 * saliency is NULL) */
void               ink_activation_view_set   (InkActivationView   *self,
                                              const InkInspection *insp,
                                              const float         *saliency,
                                              const guint8        *input);
void               ink_activation_view_clear (InkActivationView   *self);

/* for tests: the number of hidden dense layers shown (0 when cleared), and
 * one layer's caption ("Layer 1 · 512 units · 37% active", the number is
 * the layer's in the network), NULL past the end */
int                ink_activation_view_get_n_layers      (InkActivationView *self);
char              *ink_activation_view_get_layer_caption (InkActivationView *self,
                                                          int                layer);

/* the class labels for the saliency title (NULL-terminated static strings;
 * NULL = the class numbers), used from the next ink_activation_view_set () */
void ink_activation_view_set_class_names (InkActivationView  *self,
                                          const char * const *names);

/* "Saliency for 7" (the predicted class's name when names are set); NULL
 * without a saliency map */
const char *ink_activation_view_get_saliency_title (InkActivationView *self);

G_END_DECLS
