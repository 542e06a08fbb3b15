/* ink-preflight.h
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

/* The memory a run needs, and checking it fits before it starts. */

#pragma once

#include <glib.h>
#include "ink-backend.h"
#include "ink-experiment.h"
#include "ink-limits.h"

G_BEGIN_DECLS

#define INK_PREFLIGHT_ERROR (ink_preflight_error_quark ())
GQuark ink_preflight_error_quark (void);

typedef enum
{
  INK_PREFLIGHT_ERROR_NO_MEMORY,   /* the run does not fit in the device's free memory */
} InkPreflightError;

/* What a training run allocates on its backend, in bytes:
 *   params           parameters and gradients, 2 × n_params × 4
 *   optimizer_state  0, 1 or 2 × n_params × 4 (SGD; momentum, Nesterov,
 *                    RMSprop, Adagrad; Adam, Adadelta), n_params × 4 more
 *                    with weight averaging (the average)
 *   activations      per layer, of its outputs per sample (units, or C×H×W
 *                    for an image layer): output + delta (+ dropout mask,
 *                    + the pre-dropout copy for sigmoid/tanh with dropout,
 *                    + a max-pool's argmax indices, + batch norm's x̂), the
 *                    input dropout buffers, the input batch (floats) and its
 *                    labels (int32), each for max (batch, INK_EVAL_BATCH) rows;
 *                    once: the largest conv2d's workspace (the backend's
 *                    figure: ink_conv2d_col_size on the CPU,
 *                    ink_cuda_conv2d_col_size with `cuda`), batch norm's 1/σ
 *                    per channel, and the two loss accumulators
 *   dataset          the resident uint8 images and labels of the training and
 *                    test files, and the train/valid/test index lists
 *   workspace        the cuBLAS workspace (CUDA only, 32 MiB)
 *   total            the sum
 *   host             not in total: the host copies of the weights the
 *                    trainer keeps whatever the backend (the kept model and
 *                    a staging copy), 2 × n_params × 4
 * device_free and device_total are 0 unless the device was queried. */
typedef struct
{
  guint64 params;
  guint64 optimizer_state;
  guint64 activations;
  guint64 dataset;
  guint64 workspace;
  guint64 total;
  guint64 host;
  guint64 device_free;
  guint64 device_total;
} InkMemoryPlan;

/* The plan of `exp` (its network, optimizer, batch size and split) training
 * on n_train_images + n_test_images images of image_dim pixels; `cuda` adds
 * the cuBLAS workspace and counts the CUDA backend's conv2d workspace. */
void     ink_memory_plan     (const InkExperiment *exp,
                              guint                n_train_images,
                              guint                n_test_images,
                              guint                image_dim,
                              gboolean             cuda,
                              InkMemoryPlan       *plan);

/* One layer's part of the plan (l counts from 0), in bytes: its
 * parameters, their gradients and optimizer state, and its batch-sized
 * buffers (output, gradient, dropout mask, …) for max (batch,
 * INK_EVAL_BATCH) rows, as ink_memory_plan counts them; the shared conv2d
 * scratch and the input batch are not any layer's.  0 when the network's
 * geometry does not work. */
guint64  ink_memory_plan_layer (const InkExperiment *exp,
                                int                  layer);

/* Before a run: on a backend that reports its memory (ops->mem_info, the
 * CUDA backend), compares what the run needs (the plan less the workspace,
 * which the backend reserved when it was created) with the free memory.  On
 * a shortfall returns FALSE with INK_PREFLIGHT_ERROR_NO_MEMORY, whose message
 * gives the numbers in MB (10⁶ bytes) and the largest batch size that fits
 * (or none) and suggests --device cpu.  Backends without mem_info, and a
 * failed query, pass.  suggested_batch (may be NULL) receives the batch size
 * to use: exp->batch_size when it fits, the largest that fits, or 0 when
 * none does. */
gboolean ink_preflight_check (InkBackend          *be,
                              const InkExperiment *exp,
                              guint                n_train,
                              guint                n_test,
                              guint                dim,
                              guint               *suggested_batch,
                              GError             **error);

/* Before a CPU run: a sentence warning that the run needs more than 75% of
 * the memory available now (the plan less the dataset already loaded,
 * plus the host copies), or NULL when it fits comfortably, does not fit
 * at all (ink_preflight_check refuses it), or the machine does not say.  available/total: bytes, as /proc/meminfo's MemAvailable
 * and MemTotal; ink_preflight_host_warning reads them. */
char    *ink_preflight_host_warning_for (const InkExperiment *exp,
                                         guint                n_train,
                                         guint                n_test,
                                         guint                dim,
                                         guint64              available,
                                         guint64              total);
char    *ink_preflight_host_warning     (const InkExperiment *exp,
                                         guint                n_train,
                                         guint                n_test,
                                         guint                dim);

G_END_DECLS
