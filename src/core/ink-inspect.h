/* ink-inspect.h
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

/* What a network does with one input: layer outputs and saliency. */

#pragma once

#include <glib.h>
#include "ink-network.h"

G_BEGIN_DECLS

/* What a network does with one input: the output of every layer after a
 * forward pass without dropout, the output layer last.  values[l] holds
 * units[l] floats (the layer's whole output: for a conv2d or pooling layer
 * its feature maps, shapes[l].channels maps of shapes[l].height ×
 * shapes[l].width in row-major order, one after the other); for a softmax
 * network the last layer holds the class probabilities (softmax applied),
 * otherwise the raw outputs.  activations[l] is layer l's activation
 * function (for reading the values: a sigmoid unit is "active" above 0.5,
 * the others above 0), kinds[l] its kind. */
typedef struct
{
  int             n_layers;
  int            *units;
  float         **values;
  InkActivation  *activations;
  InkLayerKind   *kinds;
  InkLayerShape  *shapes;
} InkInspection;

/* x: one normalized input, n_inputs host floats.  Runs on any backend (x is
 * uploaded, the activations downloaded); overwrites net->act. */
InkInspection *ink_inspect          (InkNetwork          *net,
                                     const float         *x);
InkInspection *ink_inspection_copy  (const InkInspection *insp);
void           ink_inspection_free  (InkInspection       *insp);
/* the last layer's argmax, -1 for an empty inspection */
int            ink_inspection_top   (const InkInspection *insp);

/* Saliency: the gradient of class `cls`'s score with respect to the input
 * (n_inputs host floats into grad), where the score is the logit for a
 * softmax network and the output itself for the others (through the output
 * activation).  Uses the network's backward pass: it overwrites net->act,
 * net->delta, net->grads and net->d_input, so it must never be called on a
 * network that is being trained — use a copy (the workbench keeps its own
 * CPU network for this). */
void           ink_saliency         (InkNetwork          *net,
                                     const float         *x,
                                     int                  cls,
                                     float               *grad);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkInspection, ink_inspection_free)

G_END_DECLS
