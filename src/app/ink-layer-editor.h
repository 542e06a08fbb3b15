/* ink-layer-editor.h
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

/* The network of an experiment as an editable list of layers. */

#pragma once

#include <gtk/gtk.h>
#include "ink-network.h"
#include "ink-optimizer.h"

G_BEGIN_DECLS

#define INK_TYPE_LAYER_EDITOR (ink_layer_editor_get_type ())
G_DECLARE_FINAL_TYPE (InkLayerEditor, ink_layer_editor, INK, LAYER_EDITOR, GtkWidget)

/* The network of an experiment as a list: the fixed input row (its input
 * dropout), one row per hidden layer (a menu moves, duplicates and removes
 * it): dense (units, activation, dropout), convolution (filters, kernel,
 * stride, padding, activation, dropout), max or average pooling (window,
 * stride, dropout) or batch normalization (momentum, epsilon, activation,
 * dropout), each showing its output shape ("32×26×26"; the first dense
 * layer after image layers "flatten 9,216 → 128"), parameters and memory, the fixed output row (softmax with
 * cross-entropy, or identity/sigmoid/tanh trained with MSE on one-hot
 * targets), then the weight initialization, with a live summary of the
 * parameter count and memory.  Values typed in are validated as typed; a
 * refused one stays in place, its row gets the "error" style class and a
 * message saying why, and "valid" goes FALSE.
 *
 * Positions count hidden layers from 0.  Properties: "valid" (boolean),
 * "summary" (string: parameters and memory when valid, else the first
 * reason it is not).  Signal "changed" on any edit.
 *
 * Geometry that cannot work (a kernel larger than its input, a pooling
 * that leaves nothing, a convolution after a dense layer) is refused on
 * the row the core's shape inference names, with its message.
 *
 * Widget names, for tests: the list is "layers"; the add button (an
 * AdwSplitButton whose menu adds each kind) "add-layer"; in a hidden row,
 * "units", "filters", "kernel", "stride", "padding", "pool-size",
 * "momentum", "epsilon", "activation", "dropout", "error" (the message label); "input-dropout",
 * "output-activation", "init", "leaky-slope", "zero-output-init". */
InkLayerEditor *ink_layer_editor_new             (void);
void            ink_layer_editor_set_spec        (InkLayerEditor   *self,
                                                  const InkNetSpec *spec);
/* NULL with a reason naming the layer and the field when a row is invalid */
InkNetSpec     *ink_layer_editor_get_spec        (InkLayerEditor   *self,
                                                  GError          **error);
void            ink_layer_editor_set_n_inputs    (InkLayerEditor   *self,
                                                  int               n_inputs);
/* position: 0..n_hidden, or -1 to append after the last hidden layer */
void            ink_layer_editor_add_layer       (InkLayerEditor   *self,
                                                  int               position,
                                                  int               units,
                                                  InkActivation     act,
                                                  float             dropout);
/* a hidden layer of any kind, with layer's values (its units, filters, …) */
void            ink_layer_editor_insert_layer    (InkLayerEditor     *self,
                                                  int                 position,
                                                  const InkLayerSpec *layer);
void            ink_layer_editor_remove_layer    (InkLayerEditor   *self,
                                                  int               position);
/* inserts a copy right after position */
void            ink_layer_editor_duplicate_layer (InkLayerEditor   *self,
                                                  int               position);
void            ink_layer_editor_move_layer      (InkLayerEditor   *self,
                                                  int               from,
                                                  int               to);
guint           ink_layer_editor_get_n_hidden    (InkLayerEditor   *self);
gboolean        ink_layer_editor_get_valid       (InkLayerEditor   *self);
const char     *ink_layer_editor_get_summary     (InkLayerEditor   *self);
/* what the memory estimate assumes: the optimizer's state per parameter
 * (none for SGD, one buffer, two for Adam; one more with weight averaging,
 * ema_decay > 0) and the minibatch size */
void            ink_layer_editor_set_optimizer   (InkLayerEditor   *self,
                                                  InkOptimizerKind  kind,
                                                  float             ema_decay);
void            ink_layer_editor_set_batch_size  (InkLayerEditor   *self,
                                                  guint             batch_size);

/* ---- menu buttons, shared by the window's pages ---- */

/* A menu button's tooltip is off while its menu is open: it would cover the
 * first item.  The second does it for every menu button under root. */
void     ink_menu_button_quiet_tooltip   (GtkMenuButton *button);
void     ink_menu_buttons_quiet_tooltips (GtkWidget     *root);

G_END_DECLS
