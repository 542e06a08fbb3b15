/* ink-limits.h
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

/* The limits of what an experiment may ask for and the fixed sizes a run
 * uses, each written once: the experiment reader and checks, the
 * network's check, the trainer, the pre-flight memory estimate, the CUDA
 * backend, the CLI's options and the workbench's forms take them from
 * here. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* network.inputs: pixels per image, 1 to this */
#define INK_MAX_INPUTS            (1 << 20)
/* units of one layer, 1 to this */
#define INK_MAX_UNITS             65536
/* layers of a network, the output layer included (network.layers holds
 * 1 to this many), so at most INK_MAX_HIDDEN_LAYERS hidden ones */
#define INK_MAX_LAYERS            64
#define INK_MAX_HIDDEN_LAYERS     (INK_MAX_LAYERS - 1)

/* training.epochs, training.stop_epochs and pretraining.epochs (per
 * hidden layer): at most this many */
#define INK_MAX_EPOCHS            1000000
/* training.batch_size and pretraining.batch_size: 1 to this */
#define INK_MAX_BATCH_SIZE        65536
/* pretraining.cd_k: Gibbs steps per update, 1 to this */
#define INK_MAX_CD_K              1000

/* Rows of one evaluation batch (validation, test, the Evaluate page, the
 * CLI's evaluate): the trainer sizes its buffers for this or the training
 * batch, whichever is larger. */
#define INK_EVAL_BATCH            500

/* The cuBLAS workspace the CUDA backend reserves when it is created
 * (cuBLAS' recommendation for Hopper). */
#define INK_CUDA_WORKSPACE_BYTES  ((gsize) 32 << 20)

G_END_DECLS
