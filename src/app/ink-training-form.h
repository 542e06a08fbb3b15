/* ink-training-form.h
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

/* The form for everything of an experiment but its name and network. */

#pragma once

#include <gtk/gtk.h>
#include "ink-augment-preview.h"
#include "ink-experiment.h"

G_BEGIN_DECLS

#define INK_TYPE_TRAINING_FORM (ink_training_form_get_type ())
G_DECLARE_FINAL_TYPE (InkTrainingForm, ink_training_form, INK, TRAINING_FORM, GtkWidget)

/* Everything of an experiment but its name and network, as grouped form
 * rows: Optimizer (its parameters shown only where they apply; choosing
 * another optimizer loads its defaults and keeps decay, L1, L2 and
 * max-norm), Training (batch size, epochs, validation frequency, early
 * stopping), Data (dataset, split, normalization, subset), Reproducibility
 * (seed), Augmentation (a header switch, shift, rotation, elastic α and σ,
 * probability, and a live preview of augmented digits with a Shuffle
 * button), Pretraining (a header switch, epochs per layer, learning rate,
 * decay, momentum, weight decay, CD-k, batch size; per-layer epoch lists
 * survive an apply unless the epochs value is edited) and Device (CPU, GPU when ink_backend_cuda_available says so,
 * checked once in a worker thread, or automatic).  Refused text stays in
 * place; its row gets the "error" style class and the reason as subtitle.
 *
 * Property "valid" (boolean); signal "changed" on any edit.
 *
 * Widget names, for tests: each value's entry or spin button is named after
 * its JSON key ("lr", "momentum", "rho", "beta1", "beta2", "eps", "decay",
 * "l1", "l2", "max_norm", "batch_size", "epochs", "validation_frequency",
 * "patience", "patience_increase", "improvement_threshold", "stop_epochs",
 * "train", "valid", "valid_fraction", "subset", "seed", "aug_shift",
 * "aug_rotate", "aug_scale", "aug_elastic_alpha", "aug_elastic_sigma", "aug_probability",
 * "pretrain_epochs", "pretrain_lr", "pretrain_decay", "pretrain_momentum",
 * "pretrain_weight_decay", "pretrain_cd_k", "pretrain_batch_size") and its row that
 * name with "-row" appended; the choice rows are "kind", "validation",
 * "early_stopping", "monitor", "dataset", "folder", "split",
 * "normalization", "device"; the switches "augmentation" and "pretraining";
 * the preview's box "augmentation-preview", its button "augmentation-shuffle". */
InkTrainingForm *ink_training_form_new                (void);
void             ink_training_form_set_experiment     (InkTrainingForm     *self,
                                                       const InkExperiment *exp);
/* Writes all non-network fields (data, optimizer, training, seed, device)
 * into exp; FALSE with a reason naming the field, exp untouched, when a
 * value is refused. */
gboolean         ink_training_form_apply              (InkTrainingForm     *self,
                                                       InkExperiment       *exp,
                                                       GError             **error);
/* images for the augmentation preview: n of 28×28 uint8 (NULL: synthetic) */
void             ink_training_form_set_images         (InkTrainingForm     *self,
                                                       const guint8        *images,
                                                       guint                n);
InkAugmentPreview *ink_training_form_get_augment_preview (InkTrainingForm  *self);
gboolean         ink_training_form_get_valid          (InkTrainingForm     *self);
InkOptimizerKind ink_training_form_get_optimizer_kind (InkTrainingForm     *self);
/* the weight average's decay; 0 for none and while the text is refused */
float            ink_training_form_get_ema_decay      (InkTrainingForm     *self);
/* 0 while the batch size text is refused */
guint            ink_training_form_get_batch_size     (InkTrainingForm     *self);

G_END_DECLS
