/* emulate-image-ops.cc
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

/* A host emulation of the CUDA backend's image-layer kernels and ops, for a
 * machine without a GPU (see emulate-image-ops.sh, which extracts them from
 * src/core/ink-backend-cuda.cu into kernels.inc and ops.inc and compiles
 * this with g++).  Every launch runs as one block of one thread: grid-stride
 * loops visit every index in turn and a block reduction is the thread's own
 * value; cuBLAS is OpenBLAS with the same row-major contract as the CUDA
 * backend's gemm.  It checks the kernels' index arithmetic, bounds and what
 * they compute, not their parallel behaviour (races, reductions across
 * threads, launch limits) nor cuBLAS.  emu_backend_new () is the CPU
 * backend with those nine ops swapped in. */

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cblas.h>

#include "ink-backend.h"
#include "ink-backend-cuda.h"

struct EmuDim3
{
  unsigned x, y, z;
};
static const EmuDim3 blockIdx = { 0, 0, 0 }, threadIdx = { 0, 0, 0 };
static const EmuDim3 blockDim = { 1, 1, 1 }, gridDim = { 1, 1, 1 };

#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__
#define __shared__ static
#define INK_CUDA_THREADS 256
#define GRID_STRIDE(i, n) for (size_t i = 0; i < (n); i++)

/* correctly rounded, never contracted (g++ runs with -ffp-contract=off) */
static inline float __fadd_rn (float a, float b) { return a + b; }
static inline float __fsub_rn (float a, float b) { return a - b; }
static inline float __fmul_rn (float a, float b) { return a * b; }
static inline double block_sum_d (double v, double *) { return v; }

typedef struct
{
  char *error;
} InkCudaCtx;

static InkCudaCtx emu_ctx;

static InkCudaCtx *
ctx_of (InkBackend *)
{
  return &emu_ctx;
}

static void
record_failure (InkCudaCtx *ctx, const char *file, int line, const char *stmt, const char *what)
{
  g_critical ("emulated CUDA failure at %s:%d: %s: %s", file, line, stmt, what);
  ctx->error = (char *) "failed";
}

static unsigned
grid_for (InkCudaCtx *, size_t, unsigned)
{
  return 1;
}

#define LAUNCH(ctx, kernel, grid, block, ...) \
  do { (void) (ctx); (void) (grid); (void) (block); kernel (__VA_ARGS__); } while (0)

static void
cuda_gemm (InkBackend *, gboolean ta, gboolean tb, int m, int n, int k, float alpha,
           const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
  cblas_sgemm (CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
               m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

#include "kernels.inc"
#include "ops.inc"

static InkBackendOps emu_ops;

extern "C" InkBackend *emu_backend_new (void);

InkBackend *
emu_backend_new (void)
{
  InkBackend *be = ink_backend_cpu_new ();

  emu_ops = *be->ops;
  emu_ops.name = "cpu-with-emulated-cuda-image-ops";
  emu_ops.conv2d_workspace = cuda_conv2d_workspace;
  emu_ops.conv2d_forward = cuda_conv2d_forward;
  emu_ops.conv2d_backward = cuda_conv2d_backward;
  emu_ops.max_pool_forward = cuda_max_pool_forward;
  emu_ops.max_pool_backward = cuda_max_pool_backward;
  emu_ops.avg_pool_forward = cuda_avg_pool_forward;
  emu_ops.avg_pool_backward = cuda_avg_pool_backward;
  emu_ops.batch_norm_forward = cuda_batch_norm_forward;
  emu_ops.batch_norm_backward = cuda_batch_norm_backward;
  be->ops = &emu_ops;
  return be;
}
