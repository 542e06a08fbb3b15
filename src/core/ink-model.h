/* ink-model.h
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

#pragma once

#include "ink-experiment.h"
#include "ink-safetensors.h"

G_BEGIN_DECLS

/* A trained model: its experiment, its input normalization and its
 * parameters in the network layout of ink-network.h.  On disk a safetensors
 * file with layers.N.weight [out, in] and layers.N.bias [out] (F32), and
 * "__metadata__" holding "inkling.experiment" (JSON) and
 * "inkling.normalization" (JSON). */
typedef struct
{
  InkExperiment *experiment;
  InkNorm        norm;
  float         *params;
  gsize          n_params;
} InkModel;

void       ink_model_free         (InkModel            *model);
gboolean   ink_model_save         (const char          *path,
                                   const InkExperiment *exp,
                                   const InkNorm       *norm,
                                   const float         *params,
                                   GError             **error);
InkModel  *ink_model_load         (const char          *path,
                                   GError             **error);
/* a network on `be` holding the model's parameters */
InkNetwork *ink_model_network     (const InkModel      *model,
                                   InkBackend          *be,
                                   int                  max_batch,
                                   GError             **error);

/* helpers shared with checkpoints */
void       ink_model_add_tensors  (InkTensorFile       *tf,
                                   const InkNetSpec    *spec,
                                   const char          *prefix,
                                   const float         *params);
/* Fails with INK_SAFETENSORS_ERROR_MISSING unless every tensor of `spec`
 * (prefix + "layers.<i>.weight"/".bias") is present with its shape; it
 * allocates nothing, so call it before allocating what the spec claims. */
gboolean   ink_model_check_tensors (InkTensorFile      *tf,
                                   const InkNetSpec    *spec,
                                   const char          *prefix,
                                   GError             **error);
gboolean   ink_model_get_tensors  (InkTensorFile       *tf,
                                   const InkNetSpec    *spec,
                                   const char          *prefix,
                                   float               *params,
                                   GError             **error);
char      *ink_norm_to_json       (const InkNorm       *norm);
gboolean   ink_norm_from_json     (const char          *json,
                                   InkNorm             *norm,
                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkModel, ink_model_free)

G_END_DECLS
