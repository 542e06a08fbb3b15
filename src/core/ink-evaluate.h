/* ink-evaluate.h
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

/* A trained network evaluated on a whole dataset, in batches: every
 * image's outputs and the confusion counts (ink-evaluate.c). */

#pragma once

#include <gio/gio.h>
#include "ink-dataset.h"
#include "ink-metrics.h"
#include "ink-network.h"

G_BEGIN_DECLS

/* Runs net over every image of ds without dropout, INK_EVAL_BATCH images
 * at a time (fewer when net->max_batch is smaller), each batch normalized
 * with norm on the host and uploaded unless the backend's memory is host
 * memory.  ds's images must have net->spec->n_inputs pixels.
 *   probs    NULL, or ds->n × classes host floats: every image's outputs
 *            as ink_network_predict gives them (class probabilities for a
 *            softmax output, the raw outputs otherwise)
 *   metrics  NULL, or initialized here for the output layer's classes
 *            (at most INK_MAX_CLASSES) and given every image
 * cancellable is checked before each batch: FALSE with
 * G_IO_ERROR_CANCELLED, probs and metrics then hold the batches done.
 * FALSE also when the backend cannot hold a batch. */
gboolean ink_evaluate_dataset (InkNetwork       *net,
                               const InkNorm    *norm,
                               const InkDataset *ds,
                               float            *probs,
                               InkMetrics       *metrics,
                               GCancellable     *cancellable,
                               GError          **error);

G_END_DECLS
