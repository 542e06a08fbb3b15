/* ink-draw-page.h
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

/* The Draw page: draw or open a digit and see the network's answer. */

#pragma once

#include <gtk/gtk.h>
#include "ink-activation-view.h"
#include "ink-dataset.h"
#include "ink-draw-canvas.h"
#include "ink-feature-maps.h"
#include "ink-network.h"
#include "ink-prob-bars.h"

G_BEGIN_DECLS

#define INK_TYPE_DRAW_PAGE (ink_draw_page_get_type ())
G_DECLARE_FINAL_TYPE (InkDrawPage, ink_draw_page, INK, DRAW_PAGE, GtkWidget)

/* The Draw page: a drawing board with its toolbar (Clear, Undo, brush size,
 * "Open Image…"; PNG files may also be dropped on the page), the 28×28 image
 * the network sees, the class probabilities and what each layer does with
 * the input (activations of the dense layers, saliency of the predicted
 * class and, for a convolutional network, the feature maps of its conv2d and
 * pooling layers, InkFeatureMaps).  It predicts
 * while you draw, on a CPU network of its own.  Errors (an unreadable image)
 * show as toasts in the page.
 *
 * Actions: "draw.clear" (Delete, Backspace), "draw.undo" (Ctrl+Z),
 * "draw.open-image" (a file chooser for PNG files); the shortcuts work while
 * the focus is in the page (the board takes it when clicked). */
InkDrawPage   *ink_draw_page_new            (void);
/* Copies spec, params (ink_net_spec_n_params (spec) floats) and norm, and
 * predicts again.  Cheap when the spec is unchanged (only the parameters are
 * copied into the existing network), so it may be called with every new set
 * of weights during training.  NULL spec → the empty state ("Train a network
 * or open a model…"); drawing still works.  A model whose inputs are not
 * 28×28 gets a message instead of predictions. */
void           ink_draw_page_set_model      (InkDrawPage      *self,
                                             const InkNetSpec *spec,
                                             const float      *params,
                                             const InkNorm    *norm);
/* Shows a PNG instead of the drawing (Clear goes back to drawing) and
 * predicts it.  On failure the page keeps what it showed, shows the error in
 * a toast and returns it. */
/* the class labels shown (NULL-terminated static strings such as
 * ink_class_names (); NULL = the digits) */
void           ink_draw_page_set_class_names (InkDrawPage       *self,
                                              const char * const *names);
gboolean       ink_draw_page_open_png       (InkDrawPage      *self,
                                             const char       *path,
                                             GError          **error);
InkDrawCanvas *ink_draw_page_get_canvas     (InkDrawPage      *self);

/* The current prediction: the class, or -1 without a model or without ink.
 * probs (may be NULL) gets the output layer's values (probabilities for a
 * softmax network), as many as the model has classes. */
int            ink_draw_page_get_prediction (InkDrawPage      *self,
                                             float            *probs);
/* the big label (the top class's name) and the line under it */
const char    *ink_draw_page_get_verdict        (InkDrawPage *self);
const char    *ink_draw_page_get_verdict_detail (InkDrawPage *self);
/* the 28×28 image the network sees, NULL when there is no ink */
const guint8  *ink_draw_page_get_input      (InkDrawPage      *self);
/* runs a pending prediction now (normally done at the next idle) */
void           ink_draw_page_flush          (InkDrawPage      *self);

/* the page's parts (for tests and the screenshot script) */
InkProbBars       *ink_draw_page_get_prob_bars       (InkDrawPage *self);
InkActivationView *ink_draw_page_get_activation_view (InkDrawPage *self);
/* the feature maps (shown only for a network with conv2d or pooling layers) */
InkFeatureMaps    *ink_draw_page_get_feature_maps    (InkDrawPage *self);

/* TRUE when the page is too narrow for a row and stacks the drawing, what
 * the network sees and the scores */
gboolean       ink_draw_page_get_one_column (InkDrawPage *self);

G_END_DECLS
