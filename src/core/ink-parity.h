/* ink-parity.h
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

/* CPU/GPU parity: per-layer differences between two backends. */

#pragma once

#include <glib.h>
#include "ink-backend.h"
#include "ink-model.h"
#include "ink-network.h"

G_BEGIN_DECLS

/* Parity of two backends: the same network and batch run through both, and
 * per layer the largest differences of what each computed. */

#define INK_PARITY_ERROR (ink_parity_error_quark ())
GQuark ink_parity_error_quark (void);

typedef enum
{
  INK_PARITY_ERROR_MISMATCH,   /* the two networks differ in shape */
  INK_PARITY_ERROR_INVALID,    /* a batch the networks cannot take */
} InkParityError;

typedef enum
{
  INK_PARITY_OUTPUT,       /* the layer's output, net->act[l] (logits for the softmax layer) */
  INK_PARITY_WEIGHT_GRAD,  /* dL/dW of the layer */
  INK_PARITY_BIAS_GRAD,    /* dL/db of the layer */
} InkParityKind;

/* One compared quantity.  abs = |a − b|, rel = |a − b| / max (|a|, |b|, 1e-6);
 * a NaN or infinity on one side only counts as an infinite difference. */
typedef struct
{
  int           layer;     /* 0-based; the output layer is n_layers − 1 */
  InkParityKind kind;
  gsize         n;         /* values compared */
  double        max_abs;
  double        max_rel;
  gsize         worst;     /* index of the largest absolute difference */
  float         worst_a;   /* the two values there */
  float         worst_b;
} InkParityRow;

/* Runs x (host memory, batch × n_inputs, already normalized) through `a` and
 * `b` (same spec, batch ≤ max_batch of both): the forward pass without
 * dropout, then the backward pass from the same loss gradient on both, the
 * gradient of the batch-mean loss for one-hot targets at the classes `a`
 * predicts, computed on the host from a's output.  The networks' own
 * parameters are used (they may differ, to measure that).  *rows_out gets
 * InkParityRow entries (freed with the array), per layer from the input
 * side: OUTPUT, then WEIGHT_GRAD and BIAS_GRAD where the layer has them (a
 * pooling layer has only OUTPUT; a convolution's counts are C×H×W outputs
 * per image and out×in×kh×kw weights).  FALSE on a shape mismatch or a
 * backend failure. */
gboolean    ink_parity_compare_networks (InkNetwork      *a,
                                         InkNetwork      *b,
                                         const float     *x,
                                         int              batch,
                                         GPtrArray      **rows_out,
                                         GError         **error);

/* The same for `model` built on backend `a` and backend `b`. */
gboolean    ink_parity_compare          (InkBackend      *a,
                                         InkBackend      *b,
                                         const InkModel  *model,
                                         const float     *x,
                                         int              batch,
                                         GPtrArray      **rows_out,
                                         GError         **error);

/* "output", "weight grad", "bias grad" */
const char *ink_parity_kind_to_string   (InkParityKind    kind);

G_END_DECLS
