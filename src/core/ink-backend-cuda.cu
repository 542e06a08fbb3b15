/* ink-backend-cuda.cu
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

/* The CUDA backend: cuBLAS for the matrix products, small kernels for the
 * rest.  Everything is queued on one stream; nothing on the per-minibatch
 * path allocates or copies between host and device (the trainer uploads the
 * index list once per epoch, the dataset once).  CUDA / cuBLAS failures never
 * abort: the first one is recorded in the context (file:line, statement, CUDA
 * error string) and surfaces as a GError from sync() and alloc().
 *
 * Semantics follow ink-backend.h exactly, like the CPU backend; where the
 * CPU and GPU must agree bit for bit (dropout masks, gathered inputs) the
 * arithmetic is spelled out without fused multiply-adds.
 *
 * The image layers mirror ink-layers-cpu.c: conv2d lowers a chunk of samples
 * side by side with im2col and makes one cuBLAS product of it (no product of
 * our own), its gradient w.r.t. the input folded back by a col2im that
 * gathers per pixel (no atomics); pooling has one thread per output
 * (forward) or per input pixel (backward, summing in the CPU's order, so
 * that max pooling's argmax, ties included, and both gradients match the
 * CPU's bit for bit); batch norm has one block per channel and sums its
 * statistics in double, as the CPU does.
 *
 * This file is built into a module of its own, libinkling-cuda.so, that
 * ink-backend.c opens with GModule on first use, so that nothing else links
 * CUDA.  It is self-contained (GLib, the CUDA runtime and cuBLAS only; no
 * symbol of the core library) and exports two entry points with C linkage,
 * ink_cuda_module_abi and ink_cuda_module_create; everything else is hidden
 * (-fvisibility=hidden) and reached through the ops table. */

#include "config.h"

/* nvcc's front end does not know GLib's gnu_printf format attribute */
#pragma nv_diag_suppress 1217

#include <cuda_runtime.h>
#include <cublas_v2.h>
#include <gmodule.h>

#include <limits.h>
#include <math.h>
#include <string.h>

#include "ink-backend.h"
#include "ink-backend-cuda.h"
#include "ink-limits.h"

/* ink_backend_error_quark () is in the core library, which the module does not
 * link: the same quark, from the name G_DEFINE_QUARK gives it in ink-backend.c. */
#undef INK_BACKEND_ERROR
#define INK_BACKEND_ERROR (g_quark_from_static_string ("ink-backend-error-quark"))

#define CEIL_DIV(a, b)        (((a) + (b) - 1) / (b))
#define INK_CUDA_THREADS      256

/* A grid-stride loop over [0, n). */
#define GRID_STRIDE(i, n)                                                     \
  for (size_t i = (size_t) blockIdx.x * blockDim.x + threadIdx.x; i < (n);   \
       i += (size_t) blockDim.x * gridDim.x)

struct _InkDevData
{
  guint8 *images;   /* n · dim, device */
  guint8 *labels;   /* n, device */
  guint   n;
  guint   dim;
};

typedef struct
{
  int             device;
  int             sm_count;
  cudaStream_t    stream;
  cublasHandle_t  cublas;
  void           *cublas_ws;
  gboolean        tf32;
  char           *error;     /* the first failure, or NULL */
} InkCudaCtx;


static inline InkCudaCtx *
ctx_of (InkBackend *be)
{
  return (InkCudaCtx *) be->ctx;
}

/* ------------------------------------------------------------------ */
/* error recording                                                     */

static void
record_failure (InkCudaCtx *ctx,
                const char *file,
                int         line,
                const char *stmt,
                const char *what)
{
  if (ctx->error == NULL)
    ctx->error = g_strdup_printf ("%s:%d: %s: %s", file, line, stmt, what);
}

static gboolean
check_cuda (InkCudaCtx  *ctx,
            cudaError_t  e,
            const char  *file,
            int          line,
            const char  *stmt)
{
  if (G_LIKELY (e == cudaSuccess))
    return TRUE;

  char *what = g_strdup_printf ("%s (%s)", cudaGetErrorString (e), cudaGetErrorName (e));
  record_failure (ctx, file, line, stmt, what);
  g_free (what);
  return FALSE;
}

static gboolean
check_cublas (InkCudaCtx     *ctx,
              cublasStatus_t  s,
              const char     *file,
              int             line,
              const char     *stmt)
{
  if (G_LIKELY (s == CUBLAS_STATUS_SUCCESS))
    return TRUE;

  char *what = g_strdup_printf ("%s (cuBLAS status %d)", cublasGetStatusString (s), (int) s);
  record_failure (ctx, file, line, stmt, what);
  g_free (what);
  return FALSE;
}

#define CUDA_CHECK(ctx, stmt)   check_cuda ((ctx), (stmt), __FILE__, __LINE__, #stmt)
#define CUBLAS_CHECK(ctx, stmt) check_cublas ((ctx), (stmt), __FILE__, __LINE__, #stmt)

/* Queues a kernel on the backend's stream and checks the launch. */
#define LAUNCH(ctx, kernel, grid, block, ...)                                 \
  G_STMT_START {                                                              \
    kernel<<<(grid), (block), 0, (ctx)->stream>>> (__VA_ARGS__);              \
    check_cuda ((ctx), cudaGetLastError (), __FILE__, __LINE__,               \
                "launch of " #kernel);                                        \
  } G_STMT_END

static gboolean
report_failure (InkCudaCtx  *ctx,
                GError     **error)
{
  if (ctx->error == NULL)
    return TRUE;
  g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_FAILED,
               "CUDA backend failed: %s", ctx->error);
  return FALSE;
}

/* Blocks for a grid-stride loop over n items: enough to fill the GPU, no
 * more (each thread then loops). */
static unsigned
grid_for (InkCudaCtx *ctx,
          size_t      n,
          unsigned    threads)
{
  size_t blocks = CEIL_DIV (n, (size_t) threads);
  size_t cap = (size_t) ctx->sm_count * 32;

  return (unsigned) MAX ((size_t) 1, MIN (blocks, cap));
}

/* Threads for one-block-per-row kernels: a multiple of 32, at most 1024. */
static unsigned
threads_for_row (int cols)
{
  unsigned t = (unsigned) CEIL_DIV (MAX (cols, 1), 32) * 32;

  return MIN (t, 1024u);
}

/* ------------------------------------------------------------------ */
/* device helpers                                                      */

/* The same arithmetic as ink_hash64 / ink_hash_uniform in ink-rng.h: the
 * dropout masks of both backends agree bit for bit. */
__host__ __device__ static __forceinline__ guint64
dev_hash64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

__host__ __device__ static __forceinline__ float
dev_hash_uniform (guint64 seed,
                  guint64 stream,
                  guint64 i)
{
  guint64 h = dev_hash64 (seed ^ dev_hash64 (stream * G_GUINT64_CONSTANT (0x632BE59BD9B4E019) + i));
  return (float) (h >> 40) * (1.0f / 16777216.0f);
}

__device__ static __forceinline__ float
warp_sum (float v)
{
  for (int o = 16; o > 0; o >>= 1)
    v += __shfl_xor_sync (0xffffffffu, v, o);
  return v;
}

__device__ static __forceinline__ double
warp_sum_d (double v)
{
  for (int o = 16; o > 0; o >>= 1)
    v += __shfl_xor_sync (0xffffffffu, v, o);
  return v;
}

__device__ static __forceinline__ float
warp_max (float v)
{
  for (int o = 16; o > 0; o >>= 1)
    v = fmaxf (v, __shfl_xor_sync (0xffffffffu, v, o));
  return v;
}

/* Block-wide reductions (blockDim.x a multiple of 32); every thread gets the
 * result.  sh: 32 floats of shared memory. */
__device__ static __forceinline__ float
block_sum (float  v,
           float *sh)
{
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;

  v = warp_sum (v);
  __syncthreads ();            /* sh may still be read by the previous reduction */
  if (lane == 0)
    sh[warp] = v;
  __syncthreads ();
  return warp_sum (lane < nwarps ? sh[lane] : 0.0f);
}

__device__ static __forceinline__ double
block_sum_d (double  v,
             double *sh)
{
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;

  v = warp_sum_d (v);
  __syncthreads ();
  if (lane == 0)
    sh[warp] = v;
  __syncthreads ();
  return warp_sum_d (lane < nwarps ? sh[lane] : 0.0);
}

__device__ static __forceinline__ float
block_max (float  v,
           float *sh)
{
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;

  v = warp_max (v);
  __syncthreads ();
  if (lane == 0)
    sh[warp] = v;
  __syncthreads ();
  return warp_max (lane < nwarps ? sh[lane] : -INFINITY);
}

/* argmax keeping the first index on ties (like a left-to-right scan) */
__device__ static __forceinline__ void
argmax_merge (float &v, int &i, float ov, int oi)
{
  if (ov > v || (ov == v && oi < i))
    {
      v = ov;
      i = oi;
    }
}

__device__ static __forceinline__ int
block_argmax (float  v,
              int    i,
              float *shv,
              int   *shi)
{
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;

  for (int o = 16; o > 0; o >>= 1)
    argmax_merge (v, i, __shfl_xor_sync (0xffffffffu, v, o), __shfl_xor_sync (0xffffffffu, i, o));
  __syncthreads ();
  if (lane == 0)
    {
      shv[warp] = v;
      shi[warp] = i;
    }
  __syncthreads ();
  v = lane < nwarps ? shv[lane] : -INFINITY;
  i = lane < nwarps ? shi[lane] : INT_MAX;
  for (int o = 16; o > 0; o >>= 1)
    argmax_merge (v, i, __shfl_xor_sync (0xffffffffu, v, o), __shfl_xor_sync (0xffffffffu, i, o));
  return i;
}

/* In-place softmax of one row by the whole block. */
__device__ static void
row_softmax (float *x,
             int    cols,
             float *sh)
{
  float m = -INFINITY;
  for (int c = threadIdx.x; c < cols; c += blockDim.x)
    m = fmaxf (m, x[c]);
  m = block_max (m, sh);

  float s = 0.0f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x)
    {
      float e = expf (x[c] - m);
      x[c] = e;
      s += e;
    }
  s = block_sum (s, sh);

  for (int c = threadIdx.x; c < cols; c += blockDim.x)
    x[c] = x[c] / s;
}

/* ------------------------------------------------------------------ */
/* kernels                                                             */

__global__ static void
k_probe (void)
{
}

__global__ static void
k_bias_add (float       *__restrict__ y,
            const float *__restrict__ b,
            size_t                    n,
            int                       cols)
{
  GRID_STRIDE (i, n)
    y[i] += b[i % (size_t) cols];
}

/* C = beta·C for a product with k = 0 (beta = 0 writes zeros) */
__global__ static void
k_scale_matrix (float *c,
                int    rows,
                int    cols,
                int    ldc,
                float  beta)
{
  const size_t n = (size_t) rows * cols;

  GRID_STRIDE (t, n)
    {
      float *p = c + (t / cols) * (size_t) ldc + t % cols;
      *p = beta == 0.0f ? 0.0f : beta * *p;
    }
}

/* Block (32, 32) per 32 columns: thread (x, y) sums column x over rows
 * y, y+32, ... (coalesced); the 32 partial sums of each column are then
 * reduced by one warp with shuffles.  Deterministic, no atomics. */
__global__ static void
k_col_sum (const float *__restrict__ dy,
           int                       rows,
           int                       cols,
           float                     beta,
           float       *__restrict__ db)
{
  __shared__ float part[32][33];
  const int c = blockIdx.x * 32 + threadIdx.x;
  float s = 0.0f;

  if (c < cols)
    for (int r = threadIdx.y; r < rows; r += 32)
      s += dy[(size_t) r * cols + c];
  part[threadIdx.y][threadIdx.x] = s;
  __syncthreads ();

  /* warp threadIdx.y now reduces column blockIdx.x*32 + threadIdx.y */
  s = warp_sum (part[threadIdx.x][threadIdx.y]);
  const int oc = blockIdx.x * 32 + threadIdx.y;
  if (threadIdx.x == 0 && oc < cols)
    db[oc] = beta == 0.0f ? s : beta * db[oc] + s;
}

template <int ACT>
__global__ static void
k_act_forward (float *__restrict__ a,
               size_t              n,
               float               slope)
{
  GRID_STRIDE (i, n)
    {
      float x = a[i];
      if (ACT == INK_ACT_SIGMOID)
        x = 1.0f / (1.0f + expf (-x));
      else if (ACT == INK_ACT_TANH)
        x = tanhf (x);
      else if (ACT == INK_ACT_RELU)
        x = x > 0.0f ? x : 0.0f;
      else if (ACT == INK_ACT_LEAKY_RELU)
        x = x > 0.0f ? x : slope * x;
      a[i] = x;
    }
}

template <int ACT>
__global__ static void
k_act_backward (const float *__restrict__ a,
                float       *__restrict__ da,
                size_t                    n,
                float                     slope)
{
  GRID_STRIDE (i, n)
    {
      const float y = a[i];
      float d;
      if (ACT == INK_ACT_SIGMOID)
        d = y * (1.0f - y);
      else if (ACT == INK_ACT_TANH)
        d = 1.0f - y * y;
      else if (ACT == INK_ACT_RELU)
        d = y > 0.0f ? 1.0f : 0.0f;
      else /* INK_ACT_LEAKY_RELU */
        d = y > 0.0f ? 1.0f : slope;
      da[i] *= d;
    }
}

__global__ static void
k_dropout (float *__restrict__ a,
           float *__restrict__ mask,
           size_t              n,
           float               p,
           float               keep_scale,
           guint64             seed,
           guint64             stream)
{
  GRID_STRIDE (i, n)
    {
      const float m = dev_hash_uniform (seed, stream, i) >= p ? keep_scale : 0.0f;
      if (mask != NULL)
        mask[i] = m;
      a[i] *= m;
    }
}

__global__ static void
k_mul (float       *__restrict__ x,
       const float *__restrict__ m,
       size_t                    n)
{
  GRID_STRIDE (i, n)
    x[i] *= m[i];
}

/* one block per row */
__global__ static void
k_softmax (float *y,
           int    rows,
           int    cols)
{
  __shared__ float sh[32];

  for (int r = blockIdx.x; r < rows; r += gridDim.x)
    row_softmax (y + (size_t) r * cols, cols, sh);
}

/* One block per sample; the same arithmetic as the CPU backend (an invalid
 * label counts as a wrong answer with no target). */
__global__ static void
k_loss (int            kind,
        float         *out,
        const gint32  *labels,
        int            batch,
        int            classes,
        float          inv_b,
        float          mse_scale,
        float         *d_out,
        double        *acc)
{
  __shared__ float  sh[32];
  __shared__ double shd[32];
  __shared__ float  shv[32];
  __shared__ int    shi[32];

  for (int r = blockIdx.x; r < batch; r += gridDim.x)
    {
      float *x = out + (size_t) r * classes;
      float *d = d_out != NULL ? d_out + (size_t) r * classes : NULL;
      const int label = labels[r] >= 0 && labels[r] < classes ? labels[r] : -1;
      float best = -INFINITY;
      int best_i = INT_MAX;
      double sample_loss;

      if (kind == INK_LOSS_CROSS_ENTROPY)
        {
          float part = 0.0f;

          row_softmax (x, classes, sh);
          for (int c = threadIdx.x; c < classes; c += blockDim.x)
            {
              const float p = x[c];
              argmax_merge (best, best_i, p, c);
              if (c == label)
                part = p;
              if (d != NULL)
                d[c] = (c == label ? p - 1.0f : p) * inv_b;
            }
          const float p_y = block_sum (part, sh);   /* one nonzero term: exact */
          /* fmaxf would turn a NaN probability into the floor and hide
           * divergence: NaN passes through */
          sample_loss = -log ((double) (isnan (p_y) ? p_y : fmaxf (p_y, 1e-30f)));
        }
      else
        {
          double part = 0.0;

          for (int c = threadIdx.x; c < classes; c += blockDim.x)
            {
              const float v = x[c];
              const float diff = v - (c == label ? 1.0f : 0.0f);
              argmax_merge (best, best_i, v, c);
              part += (double) diff * diff;
              if (d != NULL)
                d[c] = mse_scale * diff;
            }
          sample_loss = block_sum_d (part, shd) / classes;
        }

      best_i = block_argmax (best, best_i, shv, shi);
      if (threadIdx.x == 0 && acc != NULL)
        {
          atomicAdd (&acc[0], sample_loss);
          if (best_i == label)
            atomicAdd (&acc[1], 1.0);
        }
    }
}

typedef struct
{
  int   kind;
  float lr, mu, rho, b1, b2, eps, l1, l2;
  float c1inv, c2inv; /* Adam: 1 / (1 - b1^t), 1 / (1 - b2^t) */
} UpdArgs;

/* One parameter: returns the new weight, updates the state. */
__device__ static __forceinline__ float
upd_apply (const UpdArgs &u,
           float          w,
           float          g,
           float         *s1,
           float         *s2,
           size_t         i)
{
  const float sgn = (float) ((w > 0.0f) - (w < 0.0f));

  g = g + 2.0f * u.l2 * w + u.l1 * sgn;
  switch (u.kind)
    {
    case INK_OPT_SGD:
      return w - u.lr * g;
    case INK_OPT_MOMENTUM:
      {
        const float v = u.mu * s1[i] - u.lr * g;
        s1[i] = v;
        return w + v;
      }
    case INK_OPT_NESTEROV:
      {
        const float v = u.mu * s1[i] - u.lr * g;
        s1[i] = v;
        return w + (u.mu * v - u.lr * g);
      }
    case INK_OPT_RMSPROP:
      {
        const float r = u.rho * s1[i] + (1.0f - u.rho) * g * g;
        s1[i] = r;
        return w - u.lr * g / (sqrtf (r) + u.eps);
      }
    case INK_OPT_ADAM:
      {
        const float m = u.b1 * s1[i] + (1.0f - u.b1) * g;
        const float v = u.b2 * s2[i] + (1.0f - u.b2) * g * g;
        s1[i] = m;
        s2[i] = v;
        return w - u.lr * (m * u.c1inv) / (sqrtf (v * u.c2inv) + u.eps);
      }
    case INK_OPT_ADAGRAD:
      {
        const float r = s1[i] + g * g;
        s1[i] = r;
        return w - u.lr * g / (sqrtf (r) + u.eps);
      }
    case INK_OPT_ADADELTA:
      {
        const float r = u.rho * s1[i] + (1.0f - u.rho) * g * g;
        const float d = g * sqrtf (s2[i] + u.eps) / sqrtf (r + u.eps);
        s1[i] = r;
        s2[i] = u.rho * s2[i] + (1.0f - u.rho) * d * d;
        return w - u.lr * d;
      }
    default:
      return w;
    }
}

__global__ static void
k_update (UpdArgs                   u,
          float       *__restrict__ w,
          const float *__restrict__ g,
          float       *__restrict__ s1,
          float       *__restrict__ s2,
          size_t                    n)
{
  GRID_STRIDE (i, n)
    w[i] = upd_apply (u, w[i], g[i], s1, s2, i);
}

/* One block per weight row: update, then rescale the row to norm <= max_norm
 * (the norm summed in double and the factor computed in double, as the CPU
 * backend does). */
__global__ static void
k_update_max_norm (UpdArgs                   u,
                   float                     max_norm,
                   float       *__restrict__ w,
                   const float *__restrict__ g,
                   float       *__restrict__ s1,
                   float       *__restrict__ s2,
                   size_t                    n,
                   size_t                    row_len)
{
  __shared__ double sh[32];
  const size_t rows = CEIL_DIV (n, row_len);

  for (size_t r = blockIdx.x; r < rows; r += gridDim.x)
    {
      const size_t start = r * row_len;
      const size_t len = MIN (row_len, n - start);
      float ss = 0.0f;

      for (size_t c = threadIdx.x; c < len; c += blockDim.x)
        {
          const size_t i = start + c;
          const float nw = upd_apply (u, w[i], g[i], s1, s2, i);
          w[i] = nw;
          ss += nw * nw;
        }
      const double norm = sqrt (block_sum_d ((double) ss, sh));
      if (norm > max_norm)
        {
          const float scale = (float) (max_norm / norm);
          for (size_t c = threadIdx.x; c < len; c += blockDim.x)
            w[start + c] *= scale;
        }
    }
}

/* One thread per output float: blockIdx.y walks the rows (its index loaded
 * once per block), the threads of a block the pixels of the row. */
__global__ static void
k_gather (const guint8  *__restrict__ images,
          const guint8  *__restrict__ labels,
          guint                       n_items,
          guint                       dim,
          const guint32 *__restrict__ idx,
          int                         rows,
          float                       scale,
          float                       shift,
          float         *__restrict__ x,
          gint32        *__restrict__ labels_out)
{
  for (int r = blockIdx.y; r < rows; r += gridDim.y)
    {
      const guint32 j = idx[r];
      const gboolean ok = j < n_items;
      const guint8 *src = images + (size_t) j * dim;
      float *dst = x + (size_t) r * dim;

      for (guint c = blockIdx.x * blockDim.x + threadIdx.x; c < dim; c += blockDim.x * gridDim.x)
        /* pixel·scale + shift as one fused multiply-add, which is what GCC
         * makes of the CPU backend's loop on x86-64-v3 and newer */
        dst[c] = ok ? __fmaf_rn ((float) src[c], scale, shift) : shift;
      if (blockIdx.x == 0 && threadIdx.x == 0 && labels_out != NULL)
        labels_out[r] = ok ? (gint32) labels[j] : -1;
    }
}

/* ------------------------------------------------------------------ */
/* image layers: kernels                                               */

/* col [K, n·P] (K = C·kh·kw, P = oh·ow, ld = n·P): row (c, i, j), column
 * s·P + oy·ow + ox holds sample s's pixel under tap (i, j) of channel c for
 * output (oy, ox), 0 in the padding; x is the chunk's first sample.  One
 * thread per element of col, consecutive threads along a row. */
__global__ static void
k_im2col (InkConvGeom               g,
          int                       n,
          const float *__restrict__ x,
          float       *__restrict__ col)
{
  const size_t P = (size_t) g.out_h * g.out_w;
  const size_t ld = (size_t) n * P;
  const size_t total = (size_t) g.channels * g.kernel_h * g.kernel_w * ld;
  const size_t in_n = (size_t) g.channels * g.height * g.width;

  GRID_STRIDE (t, total)
    {
      const size_t k = t / ld, r = t % ld;
      const size_t s = r / P, p = r % P;
      const int oy = (int) (p / g.out_w), ox = (int) (p % g.out_w);
      const int taps = g.kernel_h * g.kernel_w;
      const int c = (int) (k / taps), ij = (int) (k % taps);
      const int iy = oy * g.stride + ij / g.kernel_w - g.pad_top;
      const int ix = ox * g.stride + ij % g.kernel_w - g.pad_left;
      float v = 0.0f;

      if (iy >= 0 && iy < g.height && ix >= 0 && ix < g.width)
        v = x[s * in_n + ((size_t) c * g.height + iy) * g.width + ix];
      col[t] = v;
    }
}

/* The adjoint of k_im2col, one thread per input pixel of the chunk: dx =
 * the sum of the columns' entries that k_im2col took from it (taps in
 * increasing (i, j), as the CPU's col2im adds them), overwriting dx; a
 * pixel under no tap gets 0.  No atomics: each thread owns its pixel. */
__global__ static void
k_col2im (InkConvGeom               g,
          int                       n,
          const float *__restrict__ col,
          float       *__restrict__ dx)
{
  const size_t P = (size_t) g.out_h * g.out_w;
  const size_t ld = (size_t) n * P;
  const size_t plane = (size_t) g.height * g.width;
  const size_t in_n = (size_t) g.channels * plane;
  const size_t total = (size_t) n * in_n;

  GRID_STRIDE (t, total)
    {
      const size_t s = t / in_n, r = t % in_n;
      const int c = (int) (r / plane);
      const int iy = (int) ((r % plane) / g.width), ix = (int) ((r % plane) % g.width);
      float acc = 0.0f;

      for (int i = 0; i < g.kernel_h; i++)
        {
          const int ty = iy + g.pad_top - i;     /* = oy·stride */
          int oy;

          if (ty < 0 || ty % g.stride != 0 || (oy = ty / g.stride) >= g.out_h)
            continue;
          for (int j = 0; j < g.kernel_w; j++)
            {
              const int tx = ix + g.pad_left - j;
              int ox;

              if (tx < 0 || tx % g.stride != 0 || (ox = tx / g.stride) >= g.out_w)
                continue;
              acc += col[((size_t) (c * g.kernel_h + i) * g.kernel_w + j) * ld +
                         s * P + (size_t) oy * g.out_w + ox];
            }
        }
      dx[t] = acc;
    }
}

/* y (the chunk's first sample, NCHW) = stage [F, n·P] + b, one thread per
 * output value */
__global__ static void
k_conv_unstage (const float *__restrict__ stage,
                const float *__restrict__ b,
                int                       n,
                int                       F,
                size_t                    P,
                float       *__restrict__ y)
{
  const size_t fp = (size_t) F * P;
  const size_t ld = (size_t) n * P;

  GRID_STRIDE (t, (size_t) n * fp)
    {
      const size_t s = t / fp, r = t % fp;
      const size_t f = r / P, p = r % P;

      y[t] = stage[f * ld + s * P + p] + b[f];
    }
}

/* stage [F, n·P] = dy (the chunk's first sample, NCHW), one thread per value */
__global__ static void
k_conv_stage (const float *__restrict__ dy,
              int                       n,
              int                       F,
              size_t                    P,
              float       *__restrict__ stage)
{
  const size_t fp = (size_t) F * P;
  const size_t ld = (size_t) n * P;

  GRID_STRIDE (t, (size_t) n * fp)
    {
      const size_t s = t / fp, r = t % fp;
      const size_t f = r / P, p = r % P;

      stage[f * ld + s * P + p] = dy[t];
    }
}

/* db[f] = Σ over the batch and the plane of dy[s, f, :], in double; one
 * block per filter */
__global__ static void
k_conv_bias_grad (const float *__restrict__ dy,
                  int                       batch,
                  int                       F,
                  size_t                    P,
                  float       *__restrict__ db)
{
  __shared__ double sh[32];
  const size_t m = (size_t) batch * P;

  for (int f = blockIdx.x; f < F; f += gridDim.x)
    {
      double acc = 0.0;

      for (size_t e = threadIdx.x; e < m; e += blockDim.x)
        acc += dy[((e / P) * F + f) * P + e % P];
      acc = block_sum_d (acc, sh);
      if (threadIdx.x == 0)
        db[f] = (float) acc;
    }
}

/* The geometry of a pooling (by value): planes = batch·channels planes of
 * H × W, size × size windows every stride pixels, oh × ow outputs each. */
typedef struct
{
  size_t planes;
  int    H, W;
  int    size, stride;
  int    oh, ow;
} PoolArgs;

/* One thread per output: the window scanned in row-major order, strictly
 * greater replacing, so that the first of equal maxima wins (the CPU's
 * rule); argmax is the index within the input plane. */
__global__ static void
k_max_pool_forward (PoolArgs                  a,
                    const float *__restrict__ x,
                    float       *__restrict__ y,
                    gint32      *__restrict__ argmax)
{
  const size_t po = (size_t) a.oh * a.ow;

  GRID_STRIDE (t, a.planes * po)
    {
      const float *plane = x + (t / po) * a.H * a.W;
      const int oy = (int) ((t % po) / a.ow), ox = (int) ((t % po) % a.ow);
      int best = oy * a.stride * a.W + ox * a.stride;
      float m = plane[best];

      for (int i = 0; i < a.size; i++)
        for (int j = 0; j < a.size; j++)
          {
            const int idx = (oy * a.stride + i) * a.W + ox * a.stride + j;

            if (plane[idx] > m)
              {
                m = plane[idx];
                best = idx;
              }
          }
      y[t] = m;
      argmax[t] = best;
    }
}

/* the outputs whose window holds input row (or column) v: [*lo, *hi] */
__device__ static __forceinline__ void
pool_span (int  v,
           int  size,
           int  stride,
           int  n_out,
           int *lo,
           int *hi)
{
  const int first = v - size + 1;   /* o·stride >= first */

  *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
  *hi = MIN (v / stride, n_out - 1);
}

/* the input pixel of thread t of a one-thread-per-input kernel: its plane
 * p, its index `here` within the plane, and the outputs whose windows hold
 * it, rows [*y0, *y1] and columns [*x0, *x1] */
__device__ static __forceinline__ void
pool_input_spans (const PoolArgs &a,
                  size_t          t,
                  size_t         *p,
                  int            *here,
                  int            *y0,
                  int            *y1,
                  int            *x0,
                  int            *x1)
{
  const size_t pi = (size_t) a.H * a.W;

  *p = t / pi;
  *here = (int) (t % pi);
  pool_span (*here / a.W, a.size, a.stride, a.oh, y0, y1);
  pool_span (*here % a.W, a.size, a.stride, a.ow, x0, x1);
}

/* One thread per input pixel: dx = the sum of dy over the outputs whose
 * argmax it is, in increasing output order (the CPU's order), overwriting dx. */
__global__ static void
k_max_pool_backward (PoolArgs                   a,
                     const float  *__restrict__ dy,
                     const gint32 *__restrict__ argmax,
                     float        *__restrict__ dx)
{
  const size_t po = (size_t) a.oh * a.ow;

  GRID_STRIDE (t, a.planes * a.H * a.W)
    {
      size_t p;
      int here, y0, y1, x0, x1;
      float acc = 0.0f;

      pool_input_spans (a, t, &p, &here, &y0, &y1, &x0, &x1);
      for (int oy = y0; oy <= y1; oy++)
        for (int ox = x0; ox <= x1; ox++)
          if (argmax[p * po + oy * a.ow + ox] == here)
            acc += dy[p * po + oy * a.ow + ox];
      dx[t] = acc;
    }
}

/* One thread per output: the window's sum in row-major order, then the scale */
__global__ static void
k_avg_pool_forward (PoolArgs                  a,
                    float                     scale,
                    const float *__restrict__ x,
                    float       *__restrict__ y)
{
  const size_t po = (size_t) a.oh * a.ow;

  GRID_STRIDE (t, a.planes * po)
    {
      const float *plane = x + (t / po) * a.H * a.W;
      const int oy = (int) ((t % po) / a.ow), ox = (int) ((t % po) % a.ow);
      float acc = 0.0f;

      for (int i = 0; i < a.size; i++)
        for (int j = 0; j < a.size; j++)
          acc += plane[(oy * a.stride + i) * a.W + ox * a.stride + j];
      y[t] = acc * scale;
    }
}

/* One thread per input pixel: Σ dy·scale over the windows that hold it, in
 * increasing output order (no fused multiply-add, as on the CPU) */
__global__ static void
k_avg_pool_backward (PoolArgs                  a,
                     float                     scale,
                     const float *__restrict__ dy,
                     float       *__restrict__ dx)
{
  const size_t po = (size_t) a.oh * a.ow;

  GRID_STRIDE (t, a.planes * a.H * a.W)
    {
      size_t p;
      int here, y0, y1, x0, x1;
      float acc = 0.0f;

      pool_input_spans (a, t, &p, &here, &y0, &y1, &x0, &x1);
      for (int oy = y0; oy <= y1; oy++)
        for (int ox = x0; ox <= x1; ox++)
          acc = __fadd_rn (acc, __fmul_rn (dy[p * po + oy * a.ow + ox], scale));
      dx[t] = acc;
    }
}

/* Batch norm, one block per channel (blocks stride over channels): the
 * statistics summed in double like the CPU's, then the values normalized.
 * Value e of a channel (e < batch·spatial) is sample e / spatial, position
 * e % spatial.  Thread 0 alone writes the running statistics and inv_std;
 * in evaluation mode every thread only reads them. */
__global__ static void
k_batch_norm_forward (const float *__restrict__ x,
                      int                       batch,
                      int                       channels,
                      int                       spatial,
                      const float *__restrict__ gamma,
                      const float *__restrict__ beta,
                      float                     epsilon,
                      int                       training,
                      float                     momentum,
                      float                    *running_mean,
                      float                    *running_var,
                      float       *__restrict__ y,
                      float       *__restrict__ xhat,
                      float       *__restrict__ inv_std)
{
  __shared__ double sh[32];
  const size_t S = (size_t) spatial;
  const size_t m = (size_t) batch * S;
  const size_t cs = (size_t) channels * S;

  for (int c = blockIdx.x; c < channels; c += gridDim.x)
    {
      const size_t base = (size_t) c * S;
      double mean, var;

      if (training)
        {
          double sum = 0.0, sq = 0.0;

          for (size_t e = threadIdx.x; e < m; e += blockDim.x)
            sum += x[(e / S) * cs + base + e % S];
          mean = block_sum_d (sum, sh) / (double) m;
          for (size_t e = threadIdx.x; e < m; e += blockDim.x)
            {
              const double d = (double) x[(e / S) * cs + base + e % S] - mean;
              sq += d * d;
            }
          var = block_sum_d (sq, sh) / (double) m;
          if (threadIdx.x == 0)
            {
              const float keep = 1.0f - momentum;
              const double unbiased = m > 1 ? var * (double) m / (double) (m - 1) : var;

              running_mean[c] = __fadd_rn (__fmul_rn (momentum, running_mean[c]),
                                           __fmul_rn (keep, (float) mean));
              running_var[c] = __fadd_rn (__fmul_rn (momentum, running_var[c]),
                                          __fmul_rn (keep, (float) unbiased));
            }
        }
      else
        {
          mean = running_mean[c];
          var = running_var[c];
        }

      const float mu = (float) mean;
      const float is = (float) (1.0 / sqrt (var + (double) epsilon));
      const float gc = gamma[c], bc = beta[c];

      if (threadIdx.x == 0)
        inv_std[c] = is;
      for (size_t e = threadIdx.x; e < m; e += blockDim.x)
        {
          const size_t i = (e / S) * cs + base + e % S;
          const float h = __fmul_rn (__fsub_rn (x[i], mu), is);

          xhat[i] = h;
          y[i] = __fadd_rn (__fmul_rn (gc, h), bc);
        }
      /* the next channel's reductions reuse sh; block_sum_d syncs first */
    }
}

/* Batch norm's backward, one block per channel: Σ dy and Σ dy·x̂ in double,
 * then dx through the batch statistics (training) or the running ones
 * (evaluation), the CPU's formula and order of operations. */
__global__ static void
k_batch_norm_backward (const float *__restrict__ dy,
                       const float *__restrict__ xhat,
                       const float *__restrict__ inv_std,
                       const float *__restrict__ gamma,
                       int                       batch,
                       int                       channels,
                       int                       spatial,
                       int                       training,
                       float       *__restrict__ dx,
                       float       *__restrict__ dgamma,
                       float       *__restrict__ dbeta)
{
  __shared__ double sh[32];
  const size_t S = (size_t) spatial;
  const size_t m = (size_t) batch * S;
  const size_t cs = (size_t) channels * S;

  for (int c = blockIdx.x; c < channels; c += gridDim.x)
    {
      const size_t base = (size_t) c * S;
      double sum_dy = 0.0, sum_dy_xhat = 0.0;

      for (size_t e = threadIdx.x; e < m; e += blockDim.x)
        {
          const size_t i = (e / S) * cs + base + e % S;

          sum_dy += dy[i];
          sum_dy_xhat += (double) dy[i] * xhat[i];
        }
      sum_dy = block_sum_d (sum_dy, sh);
      sum_dy_xhat = block_sum_d (sum_dy_xhat, sh);
      if (threadIdx.x == 0)
        {
          dgamma[c] = (float) sum_dy_xhat;
          dbeta[c] = (float) sum_dy;
        }
      if (dx == NULL)
        continue;

      const float gi = __fmul_rn (gamma[c], inv_std[c]);
      const double mean_dy = sum_dy / (double) m;

      for (size_t e = threadIdx.x; e < m; e += blockDim.x)
        {
          const size_t i = (e / S) * cs + base + e % S;

          if (training)
            dx[i] = (float) ((double) gi * ((double) dy[i] - mean_dy -
                                            (double) xhat[i] * sum_dy_xhat / (double) m));
          else
            dx[i] = __fmul_rn (gi, dy[i]);
        }
    }
}

/* ------------------------------------------------------------------ */
/* ops                                                                 */

static gpointer
cuda_alloc (InkBackend  *be,
            gsize        bytes,
            GError     **error)
{
  InkCudaCtx *ctx = ctx_of (be);
  void *mem = NULL;

  if (!report_failure (ctx, error))
    return NULL;

  cudaError_t e = cudaMalloc (&mem, MAX (bytes, (gsize) 1));
  if (e == cudaErrorMemoryAllocation)
    {
      size_t free_b = 0, total_b = 0;
      (void) cudaGetLastError ();   /* not sticky: the backend stays usable */
      (void) cudaMemGetInfo (&free_b, &total_b);
      char *want = g_format_size (bytes);
      char *avail = g_format_size (free_b);
      g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_NO_MEMORY,
                   "out of GPU memory: cannot allocate %s (%s free)", want, avail);
      g_free (want);
      g_free (avail);
      return NULL;
    }
  if (!CUDA_CHECK (ctx, e) ||
      !CUDA_CHECK (ctx, cudaMemsetAsync (mem, 0, bytes, ctx->stream)))
    {
      if (mem != NULL)
        (void) cudaFree (mem);
      report_failure (ctx, error);
      return NULL;
    }
  return mem;
}

static void
cuda_free (InkBackend *be,
           gpointer    mem)
{
  if (mem != NULL)
    CUDA_CHECK (ctx_of (be), cudaFree (mem));   /* waits for queued work using it */
}

/* From pageable host memory the driver stages the bytes before returning, so
 * the caller may reuse host_src at once. */
static void
cuda_upload (InkBackend    *be,
             gpointer       dst,
             gconstpointer  host_src,
             gsize          bytes)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (bytes > 0)
    CUDA_CHECK (ctx, cudaMemcpyAsync (dst, host_src, bytes, cudaMemcpyHostToDevice, ctx->stream));
}

/* Synchronous, like the CPU backend's memcpy: host_dst is ready on return. */
static void
cuda_download (InkBackend    *be,
               gpointer       host_dst,
               gconstpointer  src,
               gsize          bytes)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (bytes == 0)
    return;
  if (CUDA_CHECK (ctx, cudaMemcpyAsync (host_dst, src, bytes, cudaMemcpyDeviceToHost, ctx->stream)))
    CUDA_CHECK (ctx, cudaStreamSynchronize (ctx->stream));
}

static void
cuda_copy (InkBackend    *be,
           gpointer       dst,
           gconstpointer  src,
           gsize          bytes)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (bytes > 0 && dst != src)
    CUDA_CHECK (ctx, cudaMemcpyAsync (dst, src, bytes, cudaMemcpyDeviceToDevice, ctx->stream));
}

static gboolean
cuda_sync (InkBackend  *be,
           GError     **error)
{
  InkCudaCtx *ctx = ctx_of (be);

  CUDA_CHECK (ctx, cudaStreamSynchronize (ctx->stream));
  return report_failure (ctx, error);
}

/* Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the
 * operands and the dimensions M and N; the leading dimensions stay. */
static void
cuda_gemm (InkBackend  *be,
           gboolean     trans_a,
           gboolean     trans_b,
           int          m,
           int          n,
           int          k,
           float        alpha,
           const float *a,
           int          lda,
           const float *b,
           int          ldb,
           float        beta,
           float       *c,
           int          ldc)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (m <= 0 || n <= 0)
    return;
  if (k <= 0)
    {
      /* nothing to multiply: C = beta·C (cuBLAS would reject lda < 1) */
      const size_t total = (size_t) m * n;
      LAUNCH (ctx, k_scale_matrix, grid_for (ctx, total, INK_CUDA_THREADS), INK_CUDA_THREADS,
              c, m, n, ldc, beta);
      return;
    }
  CUBLAS_CHECK (ctx, cublasSgemm (ctx->cublas,
                                  trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  trans_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  n, m, k,
                                  &alpha, b, ldb, a, lda,
                                  &beta, c, ldc));
}

static void
cuda_bias_add (InkBackend  *be,
               float       *y,
               const float *b,
               int          rows,
               int          cols)
{
  InkCudaCtx *ctx = ctx_of (be);
  const size_t n = (size_t) MAX (rows, 0) * (size_t) MAX (cols, 0);

  if (n == 0)
    return;
  LAUNCH (ctx, k_bias_add, grid_for (ctx, n, INK_CUDA_THREADS), INK_CUDA_THREADS, y, b, n, cols);
}

static void
cuda_col_sum (InkBackend  *be,
              const float *dy,
              int          rows,
              int          cols,
              float        beta,
              float       *db)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (cols <= 0)
    return;
  LAUNCH (ctx, k_col_sum, (unsigned) CEIL_DIV (cols, 32), dim3 (32, 32),
          dy, MAX (rows, 0), cols, beta, db);
}

static void
cuda_act_forward (InkBackend    *be,
                  InkActivation  act,
                  float          slope,
                  float         *a,
                  gsize          n)
{
  InkCudaCtx *ctx = ctx_of (be);
  const unsigned grid = grid_for (ctx, n, INK_CUDA_THREADS);

  if (n == 0)
    return;
  switch (act)
    {
    case INK_ACT_SIGMOID:
      LAUNCH (ctx, k_act_forward<INK_ACT_SIGMOID>, grid, INK_CUDA_THREADS, a, n, slope);
      break;
    case INK_ACT_TANH:
      LAUNCH (ctx, k_act_forward<INK_ACT_TANH>, grid, INK_CUDA_THREADS, a, n, slope);
      break;
    case INK_ACT_RELU:
      LAUNCH (ctx, k_act_forward<INK_ACT_RELU>, grid, INK_CUDA_THREADS, a, n, slope);
      break;
    case INK_ACT_LEAKY_RELU:
      LAUNCH (ctx, k_act_forward<INK_ACT_LEAKY_RELU>, grid, INK_CUDA_THREADS, a, n, slope);
      break;
    case INK_ACT_IDENTITY:
      break;
    case INK_ACT_SOFTMAX:
    default:
      g_critical ("act_forward: activation %d is not elementwise", (int) act);
      break;
    }
}

static void
cuda_act_backward (InkBackend    *be,
                   InkActivation  act,
                   float          slope,
                   const float   *a,
                   float         *da,
                   gsize          n)
{
  InkCudaCtx *ctx = ctx_of (be);
  const unsigned grid = grid_for (ctx, n, INK_CUDA_THREADS);

  if (n == 0)
    return;
  switch (act)
    {
    case INK_ACT_SIGMOID:
      LAUNCH (ctx, k_act_backward<INK_ACT_SIGMOID>, grid, INK_CUDA_THREADS, a, da, n, slope);
      break;
    case INK_ACT_TANH:
      LAUNCH (ctx, k_act_backward<INK_ACT_TANH>, grid, INK_CUDA_THREADS, a, da, n, slope);
      break;
    case INK_ACT_RELU:
      LAUNCH (ctx, k_act_backward<INK_ACT_RELU>, grid, INK_CUDA_THREADS, a, da, n, slope);
      break;
    case INK_ACT_LEAKY_RELU:
      LAUNCH (ctx, k_act_backward<INK_ACT_LEAKY_RELU>, grid, INK_CUDA_THREADS, a, da, n, slope);
      break;
    case INK_ACT_IDENTITY:    /* f' = 1 */
      break;
    case INK_ACT_SOFTMAX:
    default:
      g_critical ("act_backward: activation %d is not elementwise", (int) act);
      break;
    }
}

static void
cuda_dropout_forward (InkBackend *be,
                      float      *a,
                      float      *mask,
                      gsize       n,
                      float       p,
                      guint64     seed,
                      guint64     stream)
{
  InkCudaCtx *ctx = ctx_of (be);
  /* (u >= p) / (1-p) in float, as on the host */
  const float keep_scale = 1.0f / (1.0f - p);

  if (n == 0)
    return;
  LAUNCH (ctx, k_dropout, grid_for (ctx, n, INK_CUDA_THREADS), INK_CUDA_THREADS,
          a, mask, n, p, keep_scale, seed, stream);
}

static void
cuda_mul (InkBackend  *be,
          float       *x,
          const float *m,
          gsize        n)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (n == 0)
    return;
  LAUNCH (ctx, k_mul, grid_for (ctx, n, INK_CUDA_THREADS), INK_CUDA_THREADS, x, m, n);
}

static void
cuda_softmax (InkBackend *be,
              float      *y,
              int         rows,
              int         cols)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (rows <= 0 || cols <= 0)
    return;
  LAUNCH (ctx, k_softmax, (unsigned) MIN (rows, 1 << 30), threads_for_row (cols), y, rows, cols);
}

static void
cuda_loss (InkBackend   *be,
           InkLoss       loss,
           float        *out,
           const gint32 *labels,
           int           batch,
           int           classes,
           float        *d_out,
           double       *acc)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (batch <= 0 || classes <= 0)
    return;
  LAUNCH (ctx, k_loss, (unsigned) MIN (batch, 1 << 30), threads_for_row (classes),
          (int) loss, out, labels, batch, classes,
          1.0f / (float) batch, 2.0f / ((float) batch * (float) classes), d_out, acc);
}

static void
cuda_update (InkBackend         *be,
             const InkOptParams *p,
             float              *w,
             const float        *g,
             float              *state1,
             float              *state2,
             gsize               n,
             int                 row_len)
{
  InkCudaCtx *ctx = ctx_of (be);
  UpdArgs u;

  if (n == 0)
    return;
  u.kind = (int) p->kind;
  u.lr = p->lr;
  u.mu = p->momentum;
  u.rho = p->rho;
  u.b1 = p->beta1;
  u.b2 = p->beta2;
  u.eps = p->eps;
  u.l1 = p->l1;
  u.l2 = p->l2;
  u.c1inv = 1.0f;
  u.c2inv = 1.0f;
  if (p->kind == INK_OPT_ADAM)
    {
      const double t = (double) MAX (p->step, (guint64) 1);
      u.c1inv = (float) (1.0 / (1.0 - pow (p->beta1, t)));
      u.c2inv = (float) (1.0 / (1.0 - pow (p->beta2, t)));
    }

  if ((p->kind != INK_OPT_SGD && state1 == NULL) ||
      ((p->kind == INK_OPT_ADAM || p->kind == INK_OPT_ADADELTA) && state2 == NULL))
    {
      g_critical ("update: optimizer %d needs its state", (int) p->kind);
      return;
    }

  if (p->max_norm > 0.0f)
    {
      /* row_len <= 0: the whole vector is one row */
      const size_t len = row_len > 0 ? (size_t) row_len : (size_t) n;
      const size_t rows = CEIL_DIV ((size_t) n, len);
      LAUNCH (ctx, k_update_max_norm, (unsigned) MIN (rows, (size_t) 1 << 30),
              threads_for_row ((int) MIN (len, (size_t) 256)),
              u, p->max_norm, w, g, state1, state2, (size_t) n, len);
    }
  else
    {
      LAUNCH (ctx, k_update, grid_for (ctx, n, INK_CUDA_THREADS), INK_CUDA_THREADS,
              u, w, g, state1, state2, (size_t) n);
    }
}

static void
cuda_data_free (InkBackend *be,
                InkDevData *data)
{
  if (data == NULL)
    return;
  cuda_free (be, data->images);
  cuda_free (be, data->labels);
  g_free (data);
}

static InkDevData *
cuda_data_upload (InkBackend    *be,
                  const guint8  *images,
                  const guint8  *labels,
                  guint          n,
                  guint          dim,
                  GError       **error)
{
  const gsize img_bytes = (gsize) n * dim;

  if (dim > 0 && img_bytes / dim != n)
    {
      g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_NO_MEMORY,
                   "dataset of %u images of %u pixels is too large", n, dim);
      return NULL;
    }

  InkDevData *data = g_new0 (InkDevData, 1);

  data->n = n;
  data->dim = dim;
  data->images = (guint8 *) cuda_alloc (be, img_bytes, error);
  if (data->images == NULL)
    goto fail;
  data->labels = (guint8 *) cuda_alloc (be, n, error);
  if (data->labels == NULL)
    goto fail;
  cuda_upload (be, data->images, images, img_bytes);
  cuda_upload (be, data->labels, labels, n);
  if (!cuda_sync (be, error))
    goto fail;
  return data;

fail:
  cuda_data_free (be, data);
  return NULL;
}

static void
cuda_gather (InkBackend       *be,
             const InkDevData *data,
             const guint32    *idx,
             int               rows,
             InkAffine         aff,
             float            *x,
             gint32           *labels_out)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (rows <= 0)
    return;
  const dim3 grid (CEIL_DIV (MAX (data->dim, 1u), (guint) INK_CUDA_THREADS), MIN (rows, 65535));
  LAUNCH (ctx, k_gather, grid, INK_CUDA_THREADS,
          data->images, data->labels, data->n, data->dim, idx, rows,
          aff.scale, aff.shift, x, labels_out);
}

/* ------------------------------------------------------------------ */
/* image layers: ops                                                   */

static gsize
cuda_conv2d_workspace (InkBackend        *be,
                       const InkConvGeom *g,
                       int                max_batch)
{
  return ink_cuda_conv2d_col_size (g, max_batch);
}

/* What both directions of a convolution lower by (the kernels take the
 * InkConvGeom itself, by value): K = C·kh·kw rows of the columns, P = oh·ow positions, a
 * sample's in_n inputs and out_n outputs, the chunk of samples lowered
 * together (from the workspace the caller holds) and the staging area [F,
 * chunk·P] after the chunk's columns in col. */
typedef struct
{
  int      K;
  size_t   P, in_n, out_n;
  int      chunk;
  float   *stage;
} ConvPlan;

/* FALSE where there is nothing to do (no samples) or the workspace holds
 * less than one sample's columns (then a recorded failure) */
static gboolean
conv_plan (InkCudaCtx        *ctx,
           const InkConvGeom *g,
           int                batch,
           float             *col,
           gsize              col_floats,
           ConvPlan          *p)
{
  if (batch <= 0)
    return FALSE;
  if (col_floats < ink_conv2d_sample_floats (g))
    {
      record_failure (ctx, __FILE__, __LINE__, "conv2d",
                      "the workspace is smaller than one sample's columns");
      return FALSE;
    }
  p->K = g->channels * g->kernel_h * g->kernel_w;
  p->P = (size_t) g->out_h * g->out_w;
  p->in_n = (size_t) g->channels * g->height * g->width;
  p->out_n = (size_t) g->filters * p->P;
  p->chunk = ink_cuda_conv2d_chunk (g, batch, col_floats);
  p->stage = col + (size_t) p->K * p->chunk * p->P;
  return TRUE;
}

/* As ink_conv2d_forward: per chunk of n samples, col [K, n·P] = im2col,
 * stage [F, n·P] = W [F, K] · col (one cuBLAS product), y = stage + b. */
static void
cuda_conv2d_forward (InkBackend        *be,
                     const InkConvGeom *g,
                     int                batch,
                     const float       *x,
                     const float       *w,
                     const float       *b,
                     float             *y,
                     float             *col,
                     gsize              col_floats)
{
  InkCudaCtx *ctx = ctx_of (be);
  ConvPlan p;

  if (!conv_plan (ctx, g, batch, col, col_floats, &p))
    return;
  for (int s0 = 0; s0 < batch; s0 += p.chunk)
    {
      const int n = MIN (p.chunk, batch - s0);
      const size_t ld = (size_t) n * p.P;

      LAUNCH (ctx, k_im2col, grid_for (ctx, (size_t) p.K * ld, INK_CUDA_THREADS),
              INK_CUDA_THREADS, *g, n, x + (size_t) s0 * p.in_n, col);
      cuda_gemm (be, FALSE, FALSE, g->filters, (int) ld, p.K, 1.0f, w, p.K, col, (int) ld,
                 0.0f, p.stage, (int) ld);
      LAUNCH (ctx, k_conv_unstage, grid_for (ctx, (size_t) n * p.out_n, INK_CUDA_THREADS),
              INK_CUDA_THREADS, p.stage, b, n, g->filters, p.P, y + (size_t) s0 * p.out_n);
    }
}

/* As ink_conv2d_backward: db from dy over the whole batch; per chunk, stage
 * = dy gathered to [F, n·P], dW (+)= stage · colᵀ, and where dx is wanted
 * col = Wᵀ · stage folded back onto the chunk's dx by k_col2im. */
static void
cuda_conv2d_backward (InkBackend        *be,
                      const InkConvGeom *g,
                      int                batch,
                      const float       *x,
                      const float       *w,
                      const float       *dy,
                      float             *dw,
                      float             *db,
                      float             *dx,
                      float             *col,
                      gsize              col_floats)
{
  InkCudaCtx *ctx = ctx_of (be);
  ConvPlan p;

  if (!conv_plan (ctx, g, batch, col, col_floats, &p))
    return;
  LAUNCH (ctx, k_conv_bias_grad, (unsigned) g->filters, 256u, dy, batch, g->filters, p.P, db);
  for (int s0 = 0; s0 < batch; s0 += p.chunk)
    {
      const int n = MIN (p.chunk, batch - s0);
      const size_t ld = (size_t) n * p.P;

      LAUNCH (ctx, k_conv_stage, grid_for (ctx, (size_t) n * p.out_n, INK_CUDA_THREADS),
              INK_CUDA_THREADS, dy + (size_t) s0 * p.out_n, n, g->filters, p.P, p.stage);
      LAUNCH (ctx, k_im2col, grid_for (ctx, (size_t) p.K * ld, INK_CUDA_THREADS),
              INK_CUDA_THREADS, *g, n, x + (size_t) s0 * p.in_n, col);
      /* dW [F, K] (+)= stage [F, n·P] · colᵀ */
      cuda_gemm (be, FALSE, TRUE, g->filters, p.K, (int) ld, 1.0f, p.stage, (int) ld, col, (int) ld,
                 s0 == 0 ? 0.0f : 1.0f, dw, p.K);
      if (dx != NULL)
        {
          /* col [K, n·P] = Wᵀ · stage (the products above are queued
           * before it on the same stream: col is free to overwrite) */
          cuda_gemm (be, TRUE, FALSE, p.K, (int) ld, g->filters, 1.0f, w, p.K, p.stage, (int) ld,
                     0.0f, col, (int) ld);
          LAUNCH (ctx, k_col2im, grid_for (ctx, (size_t) n * p.in_n, INK_CUDA_THREADS),
                  INK_CUDA_THREADS, *g, n, col, dx + (size_t) s0 * p.in_n);
        }
    }
}

/* FALSE where a pooling has nothing to compute (no planes, or a window
 * larger than the plane) */
static gboolean
pool_args (int       channels,
           int       height,
           int       width,
           int       size,
           int       stride,
           int       batch,
           PoolArgs *a)
{
  a->planes = (size_t) MAX (batch, 0) * MAX (channels, 0);
  a->H = height;
  a->W = width;
  a->size = size;
  a->stride = stride;
  a->oh = (height - size) / stride + 1;
  a->ow = (width - size) / stride + 1;
  return a->planes > 0 && height > 0 && width > 0 && a->oh > 0 && a->ow > 0;
}

/* blocks for a kernel with a thread per output of the pooling (outputs
 * TRUE: the forward kernels) or per input pixel (the backward ones) */
static unsigned
pool_grid (InkCudaCtx     *ctx,
           const PoolArgs &a,
           gboolean        outputs)
{
  return grid_for (ctx, a.planes * (outputs ? (size_t) a.oh * a.ow : (size_t) a.H * a.W),
                   INK_CUDA_THREADS);
}

static void
cuda_max_pool_forward (InkBackend  *be,
                       int          channels,
                       int          height,
                       int          width,
                       int          size,
                       int          stride,
                       int          batch,
                       const float *x,
                       float       *y,
                       gint32      *argmax)
{
  InkCudaCtx *ctx = ctx_of (be);
  PoolArgs a;

  if (pool_args (channels, height, width, size, stride, batch, &a))
    LAUNCH (ctx, k_max_pool_forward, pool_grid (ctx, a, TRUE), INK_CUDA_THREADS,
            a, x, y, argmax);
}

static void
cuda_max_pool_backward (InkBackend   *be,
                        int           channels,
                        int           height,
                        int           width,
                        int           size,
                        int           stride,
                        int           batch,
                        const float  *dy,
                        const gint32 *argmax,
                        float        *dx)
{
  InkCudaCtx *ctx = ctx_of (be);
  PoolArgs a;

  if (pool_args (channels, height, width, size, stride, batch, &a))
    LAUNCH (ctx, k_max_pool_backward, pool_grid (ctx, a, FALSE), INK_CUDA_THREADS,
            a, dy, argmax, dx);
}

static void
cuda_avg_pool_forward (InkBackend  *be,
                       int          channels,
                       int          height,
                       int          width,
                       int          size,
                       int          stride,
                       int          batch,
                       const float *x,
                       float       *y)
{
  InkCudaCtx *ctx = ctx_of (be);
  PoolArgs a;

  if (pool_args (channels, height, width, size, stride, batch, &a))
    LAUNCH (ctx, k_avg_pool_forward, pool_grid (ctx, a, TRUE), INK_CUDA_THREADS,
            a, 1.0f / (float) (size * size), x, y);
}

static void
cuda_avg_pool_backward (InkBackend  *be,
                        int          channels,
                        int          height,
                        int          width,
                        int          size,
                        int          stride,
                        int          batch,
                        const float *dy,
                        float       *dx)
{
  InkCudaCtx *ctx = ctx_of (be);
  PoolArgs a;

  if (pool_args (channels, height, width, size, stride, batch, &a))
    LAUNCH (ctx, k_avg_pool_backward, pool_grid (ctx, a, FALSE), INK_CUDA_THREADS,
            a, 1.0f / (float) (size * size), dy, dx);
}

/* blocks for the one-block-per-channel batch-norm kernels */
static unsigned
bn_blocks (int channels)
{
  return (unsigned) MIN (channels, 1 << 30);
}

static void
cuda_batch_norm_forward (InkBackend  *be,
                         int          batch,
                         int          channels,
                         int          spatial,
                         const float *x,
                         const float *gamma,
                         const float *beta,
                         float        epsilon,
                         gboolean     training,
                         float        momentum,
                         float       *running_mean,
                         float       *running_var,
                         float       *y,
                         float       *xhat,
                         float       *inv_std)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (batch <= 0 || channels <= 0 || spatial <= 0)
    return;
  LAUNCH (ctx, k_batch_norm_forward, bn_blocks (channels), 512u,
          x, batch, channels, spatial, gamma, beta, epsilon, training ? 1 : 0, momentum,
          running_mean, running_var, y, xhat, inv_std);
}

static void
cuda_batch_norm_backward (InkBackend  *be,
                          int          batch,
                          int          channels,
                          int          spatial,
                          const float *dy,
                          const float *xhat,
                          const float *inv_std,
                          const float *gamma,
                          gboolean     training,
                          float       *dx,
                          float       *dgamma,
                          float       *dbeta)
{
  InkCudaCtx *ctx = ctx_of (be);

  if (batch <= 0 || channels <= 0 || spatial <= 0)
    return;
  LAUNCH (ctx, k_batch_norm_backward, bn_blocks (channels), 512u,
          dy, xhat, inv_std, gamma, batch, channels, spatial, training ? 1 : 0,
          dx, dgamma, dbeta);
}

static void     cuda_destroy  (InkBackend *be);
static void     cuda_set_tf32 (InkBackend *be, gboolean enable);
static gboolean cuda_get_tf32 (InkBackend *be);
static gboolean cuda_mem_info (InkBackend *be, gsize *free_bytes, gsize *total_bytes);

static const InkBackendOps cuda_ops_table = {
  "cuda",
  FALSE,            /* host_memory: device memory */
  cuda_destroy,
  cuda_alloc,
  cuda_free,
  cuda_upload,
  cuda_download,
  cuda_copy,
  cuda_sync,
  cuda_gemm,
  cuda_bias_add,
  cuda_col_sum,
  cuda_act_forward,
  cuda_act_backward,
  cuda_dropout_forward,
  cuda_mul,
  cuda_softmax,
  cuda_loss,
  cuda_update,
  cuda_data_upload,
  cuda_data_free,
  cuda_gather,
  cuda_conv2d_workspace,
  cuda_conv2d_forward,
  cuda_conv2d_backward,
  cuda_max_pool_forward,
  cuda_max_pool_backward,
  cuda_avg_pool_forward,
  cuda_avg_pool_backward,
  cuda_batch_norm_forward,
  cuda_batch_norm_backward,
  cuda_set_tf32,
  cuda_get_tf32,
  cuda_mem_info,
};

/* ------------------------------------------------------------------ */
/* creation, the optional extras and the module's entry points        */

static void
ctx_destroy (InkCudaCtx *ctx)
{
  if (ctx->stream != NULL)
    (void) cudaStreamSynchronize (ctx->stream);
  if (ctx->cublas != NULL)
    (void) cublasDestroy (ctx->cublas);
  if (ctx->cublas_ws != NULL)
    (void) cudaFree (ctx->cublas_ws);
  if (ctx->stream != NULL)
    (void) cudaStreamDestroy (ctx->stream);
  (void) cudaGetLastError ();
  g_free (ctx->error);
  g_free (ctx);
}

static void
apply_math_mode (InkCudaCtx *ctx)
{
  CUBLAS_CHECK (ctx, cublasSetMathMode (ctx->cublas, ctx->tf32 ? CUBLAS_TF32_TENSOR_OP_MATH
                                                               : CUBLAS_DEFAULT_MATH));
}

static InkBackend *
cuda_backend_new (GError **error)
{
  int count = 0, device = 0, runtime = 0, cublas_version = 0;
  cudaDeviceProp prop;
  cudaError_t e;

  e = cudaGetDeviceCount (&count);
  if (e != cudaSuccess || count == 0)
    {
      (void) cudaGetLastError ();
      g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE, "no CUDA device: %s",
                   cudaGetErrorString (e != cudaSuccess ? e : cudaErrorNoDevice));
      return NULL;
    }
  e = cudaGetDevice (&device);
  if (e == cudaSuccess)
    e = cudaGetDeviceProperties (&prop, device);
  if (e != cudaSuccess)
    {
      (void) cudaGetLastError ();
      g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE, "no CUDA device: %s",
                   cudaGetErrorString (e));
      return NULL;
    }
  if (prop.major < 9)
    {
      g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE,
                   "no CUDA device: %s has compute capability %d.%d; this build "
                   "targets sm_90 (Hopper) and newer", prop.name, prop.major, prop.minor);
      return NULL;
    }

  InkCudaCtx *ctx = g_new0 (InkCudaCtx, 1);
  ctx->device = device;
  ctx->sm_count = MAX (prop.multiProcessorCount, 1);
  const char *tf32_env = g_getenv ("INKLING_TF32");
  ctx->tf32 = tf32_env != NULL && g_strcmp0 (tf32_env, "1") == 0;

  if (CUDA_CHECK (ctx, cudaSetDevice (device)) &&
      CUDA_CHECK (ctx, cudaStreamCreateWithFlags (&ctx->stream, cudaStreamNonBlocking)) &&
      CUBLAS_CHECK (ctx, cublasCreate (&ctx->cublas)) &&
      CUBLAS_CHECK (ctx, cublasSetStream (ctx->cublas, ctx->stream)) &&
      CUDA_CHECK (ctx, cudaMalloc (&ctx->cublas_ws, INK_CUDA_WORKSPACE_BYTES)) &&
      CUBLAS_CHECK (ctx, cublasSetWorkspace (ctx->cublas, ctx->cublas_ws, INK_CUDA_WORKSPACE_BYTES)) &&
      CUBLAS_CHECK (ctx, cublasSetPointerMode (ctx->cublas, CUBLAS_POINTER_MODE_HOST)) &&
      CUBLAS_CHECK (ctx, cublasGetVersion (ctx->cublas, &cublas_version)) &&
      CUDA_CHECK (ctx, cudaRuntimeGetVersion (&runtime)))
    {
      apply_math_mode (ctx);
      /* a kernel of ours must run here (catches a missing kernel image) */
      k_probe<<<1, 32, 0, ctx->stream>>> ();
      CUDA_CHECK (ctx, cudaGetLastError ());
      CUDA_CHECK (ctx, cudaStreamSynchronize (ctx->stream));
    }
  if (ctx->error != NULL)
    {
      g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE,
                   "no CUDA device: %s could not be set up: %s", prop.name, ctx->error);
      ctx_destroy (ctx);
      return NULL;
    }

  InkBackend *be = g_new0 (InkBackend, 1);
  be->ops = &cuda_ops_table;
  be->ctx = ctx;
  be->device_name = g_strdup_printf ("%s (CUDA %d.%d, cuBLAS %d.%d.%d, sm_%d%d)",
                                     prop.name, runtime / 1000, (runtime % 1000) / 10,
                                     cublas_version / 10000, (cublas_version / 100) % 100,
                                     cublas_version % 100, prop.major, prop.minor);
  return be;
}

static gboolean
is_cuda (InkBackend *be)
{
  return be != NULL && be->ops == &cuda_ops_table;
}

static void
cuda_set_tf32 (InkBackend *be,
               gboolean    enable)
{
  g_return_if_fail (is_cuda (be));

  InkCudaCtx *ctx = ctx_of (be);
  ctx->tf32 = !!enable;
  apply_math_mode (ctx);
}

static gboolean
cuda_get_tf32 (InkBackend *be)
{
  g_return_val_if_fail (is_cuda (be), FALSE);

  return ctx_of (be)->tf32;
}

static gboolean
cuda_mem_info (InkBackend *be,
               gsize      *free_bytes,
               gsize      *total_bytes)
{
  size_t f = 0, t = 0;

  g_return_val_if_fail (is_cuda (be), FALSE);

  if (cudaSetDevice (ctx_of (be)->device) != cudaSuccess ||
      cudaMemGetInfo (&f, &t) != cudaSuccess)
    {
      (void) cudaGetLastError ();
      return FALSE;
    }
  if (free_bytes != NULL)
    *free_bytes = f;
  if (total_bytes != NULL)
    *total_bytes = t;
  return TRUE;
}

static void
cuda_destroy (InkBackend *be)
{
  if (be == NULL || be->ctx == NULL || !is_cuda (be))
    return;
  ctx_destroy (ctx_of (be));
  be->ctx = NULL;
}

/* The backend interface this module was built for (see ink-backend.h). */
extern "C" G_MODULE_EXPORT guint
ink_cuda_module_abi (void)
{
  return INK_BACKEND_MODULE_ABI;
}

/* A CUDA backend on the current device, or NULL with an
 * INK_BACKEND_ERROR_UNAVAILABLE error ("no CUDA device: ...") when there is
 * no usable one. */
extern "C" G_MODULE_EXPORT InkBackend *
ink_cuda_module_create (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return cuda_backend_new (error);
}
