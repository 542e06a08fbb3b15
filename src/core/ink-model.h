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

/* A trained model and its safetensors file. */

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
/* Strict, as PyTorch's load_state_dict (strict=True): the file holds
 * exactly the network's tensors, no more; a checkpoint is refused with a
 * message saying what it is (see ink_model_load_any). */
InkModel  *ink_model_load         (const char          *path,
                                   GError             **error);

/* What a checkpoint read as a model holds. */
typedef struct
{
  gboolean is_checkpoint;
  guint    epochs_done;    /* epochs completed when it was written */
  guint    kept_epoch;     /* the epoch of the weights the run keeps */
  gboolean kept_is_last;   /* the validation set is the test set: the
                              last completed epoch's weights are kept */
} InkCheckpointInfo;

/* ink_model_load, or with `ckpt` given also a checkpoint (safetensors
 * with the "inkling.checkpoint" metadata): then the model is the
 * checkpoint's experiment, normalization and "best." weights (the ones
 * the run keeps and would save), checked as strictly, and ckpt tells
 * which epoch they are from.  ckpt->is_checkpoint is FALSE for a model. */
InkModel  *ink_model_load_any     (const char          *path,
                                   InkCheckpointInfo   *ckpt,
                                   GError             **error);
/* a network on `be` holding the model's parameters */
InkNetwork *ink_model_network     (const InkModel      *model,
                                   InkBackend          *be,
                                   int                  max_batch,
                                   GError             **error);

/* the four copies of the network a checkpoint holds, by the prefix of
 * their tensors' names: the current weights, the kept weights (the ones a
 * stop keeps and a save writes) and the optimizer's two state buffers */
#define INK_CHECKPOINT_N_COPIES 4
/* and with weight averaging a fifth copy, the average:
 * ink_checkpoint_prefixes[INK_CHECKPOINT_N_COPIES] */
extern const char * const ink_checkpoint_prefixes[INK_CHECKPOINT_N_COPIES + 1];

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
/* Fails (INK_SAFETENSORS_ERROR_HEADER) naming the first tensor of tf
 * that is not one of spec's under one of the prefixes: strict loading,
 * a file holding a tensor the network does not use is refused. */
gboolean   ink_model_check_no_extra (InkTensorFile      *tf,
                                   const InkNetSpec    *spec,
                                   const char * const  *prefixes,
                                   guint                n_prefixes,
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
