/* ink-backend-cuda.h
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

/* Private extras of the CUDA backend, as wrappers over its ops table. */

#pragma once

/* Private extras of the CUDA backend.  The backend itself lives in a module
 * (libinkling-cuda.so, built from ink-backend-cuda.cu) that ink_backend_new
 * opens at run time, so these are inline wrappers over the optional entries
 * of its ops table: nothing here links CUDA, and all of it compiles with or
 * without INK_HAVE_CUDA.  Errors use INK_BACKEND_ERROR (UNAVAILABLE: module
 * not loadable, no driver, no usable device; NO_MEMORY: cudaMalloc refused;
 * FAILED: a CUDA or cuBLAS call failed, with file:line, the statement and the
 * CUDA error string). */

#include <glib.h>
#include "ink-backend.h"

G_BEGIN_DECLS

/* The CUDA backend's conv2d workspace bound: like the CPU's (see
 * ink-layers-cpu.h) it lowers a chunk of samples side by side, columns and
 * output staging of (C·kh·kw + F) × out_h·out_w floats each, but lets the
 * chunk fill up to this many floats (64 MiB: the whole batch of 128 of
 * keras-mnist-cnn's first convolution, 82 samples of its second), or one
 * sample where one alone is larger. */
#define INK_CUDA_CONV_WORKSPACE_FLOATS ((gsize) 16 << 20)

/* samples the CUDA backend lowers together for a batch of batch, given a
 * workspace of col_floats floats (at least one sample's) */
static inline int
ink_cuda_conv2d_chunk (const InkConvGeom *g,
                       int                batch,
                       gsize              col_floats)
{
  gsize fit = col_floats / MAX (ink_conv2d_sample_floats (g), (gsize) 1);

  return (int) CLAMP ((gsize) MAX (batch, 1), (gsize) 1, MAX (fit, (gsize) 1));
}

/* floats of the CUDA backend's conv2d workspace for batches of up to
 * max_batch samples (what its ops->conv2d_workspace returns, and what
 * ink_memory_plan counts for a CUDA run): pure, no device needed */
static inline gsize
ink_cuda_conv2d_col_size (const InkConvGeom *g,
                          int                max_batch)
{
  return (gsize) ink_cuda_conv2d_chunk (g, max_batch, INK_CUDA_CONV_WORKSPACE_FLOATS) *
         ink_conv2d_sample_floats (g);
}

/* TRUE when `be` is a CUDA backend (ops->name is "cuda"). */
static inline gboolean
ink_backend_is_cuda (InkBackend *be)
{
  return be != NULL && be->ops != NULL && g_strcmp0 (be->ops->name, "cuda") == 0;
}

/* GEMMs in TF32 tensor-op math (TRUE) or exact FP32 (FALSE, the default
 * unless INKLING_TF32=1 was set when the backend was created).  Takes effect
 * for the GEMMs queued afterwards. */
static inline void
ink_backend_cuda_set_tf32 (InkBackend *be,
                           gboolean    enable)
{
  g_return_if_fail (ink_backend_is_cuda (be) && be->ops->set_tf32 != NULL);

  be->ops->set_tf32 (be, enable);
}

static inline gboolean
ink_backend_cuda_get_tf32 (InkBackend *be)
{
  g_return_val_if_fail (ink_backend_is_cuda (be) && be->ops->get_tf32 != NULL, FALSE);

  return be->ops->get_tf32 (be);
}

/* Free and total device memory in bytes (cudaMemGetInfo), for a pre-flight
 * check of a run's footprint.  FALSE when the query failed. */
static inline gboolean
ink_backend_cuda_mem_info (InkBackend *be,
                           gsize      *free_bytes,
                           gsize      *total_bytes)
{
  g_return_val_if_fail (ink_backend_is_cuda (be) && be->ops->mem_info != NULL, FALSE);

  return be->ops->mem_info (be, free_bytes, total_bytes);
}

G_END_DECLS
