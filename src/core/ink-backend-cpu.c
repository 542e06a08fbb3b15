/* ink-backend-cpu.c
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

/* The CPU backend: the ops table on OpenBLAS and plain C loops. */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cblas.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "ink-backend.h"
#include "ink-layers-cpu.h"
#include "ink-rng.h"

/* The CPU backend: matrix products through OpenBLAS, everything else as
 * tight loops over contiguous floats.  Memory is plain host memory, aligned
 * to 64 bytes.
 *
 * The elementwise loops are compiled for three x86-64 levels (AVX-512, AVX2,
 * baseline) with target_clones and -O3 vectorization.  The optimizer update
 * needs a vector square root, which GCC only vectorizes with -fno-math-errno
 * (not settable per function), so it is written with GCC vector extensions
 * and a per-level sqrt instruction, dispatched once. */

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define INK_CPU_X86 1
#endif

/* With INK_CPU_UPDATE_THREADS=N (N > 1), updates larger than this are
 * split across N threads.  Off by default: on the 2-core target, inside a
 * training step of the 784-512-512-10 net, the RMSProp update took 0.17 ms
 * on the calling thread and 0.22 ms split in two (alone in a loop the split
 * wins, 0.11 against 0.14 ms; within a step the other core is held by
 * OpenBLAS's spinning idle thread and the woken helper mostly queues behind
 * the caller on its own CPU). */
#define PARALLEL_UPDATE_MIN (1u << 18)
#define MAX_PARTS 16

/* ------------------------------------------------------------------------ */
/* the optimizer update kernels */

typedef struct
{
  InkOptimizerKind kind;
  float lr;
  float mu;
  float rho;
  float one_minus_rho;
  float b1;
  float one_minus_b1;
  float b2;
  float one_minus_b2;
  float c1inv;    /* 1 / (1 - b1^t) */
  float c2inv;    /* 1 / (1 - b2^t) */
  float eps;
  float l1;
  float l2x2;     /* 2·l2 */
} UpdateCoef;

typedef void (*UpdateKernel) (const UpdateCoef *c, float *w, const float *g,
                              float *s1, float *s2, gsize n);

static inline float
scalar_sign (float w)
{
  return w > 0.0f ? 1.0f : (w < 0.0f ? -1.0f : 0.0f);
}

/* One element of every rule, used for the tails and the portable kernel. */
static inline void
update_one (const UpdateCoef *c,
            float            *w,
            const float      *g,
            float            *s1,
            float            *s2,
            gsize             i)
{
  float wi = w[i];
  float gi = g[i] + c->l2x2 * wi + c->l1 * scalar_sign (wi);
  float v, r, m;

  switch (c->kind)
    {
    case INK_OPT_SGD:
      w[i] = wi - c->lr * gi;
      break;
    case INK_OPT_MOMENTUM:
      v = c->mu * s1[i] - c->lr * gi;
      s1[i] = v;
      w[i] = wi + v;
      break;
    case INK_OPT_NESTEROV:
      v = c->mu * s1[i] - c->lr * gi;
      s1[i] = v;
      w[i] = wi + (c->mu * v - c->lr * gi);
      break;
    case INK_OPT_RMSPROP:
      r = c->rho * s1[i] + c->one_minus_rho * gi * gi;
      s1[i] = r;
      w[i] = wi - c->lr * gi / (sqrtf (r) + c->eps);
      break;
    case INK_OPT_ADAM:
      m = c->b1 * s1[i] + c->one_minus_b1 * gi;
      v = c->b2 * s2[i] + c->one_minus_b2 * gi * gi;
      s1[i] = m;
      s2[i] = v;
      w[i] = wi - c->lr * (m * c->c1inv) / (sqrtf (v * c->c2inv) + c->eps);
      break;
    case INK_OPT_ADAGRAD:
      r = s1[i] + gi * gi;
      s1[i] = r;
      w[i] = wi - c->lr * gi / (sqrtf (r) + c->eps);
      break;
    case INK_OPT_ADADELTA:
      r = c->rho * s1[i] + c->one_minus_rho * gi * gi;
      v = gi * sqrtf (s2[i] + c->eps) / sqrtf (r + c->eps);
      s1[i] = r;
      s2[i] = c->rho * s2[i] + c->one_minus_rho * v * v;
      w[i] = wi - c->lr * v;
      break;
    default:
      g_assert_not_reached ();
    }
}

#ifndef INK_CPU_X86
static void
update_kernel_scalar (const UpdateCoef *c,
                      float            *w,
                      const float      *g,
                      float            *s1,
                      float            *s2,
                      gsize             n)
{
  for (gsize i = 0; i < n; i++)
    update_one (c, w, g, s1, s2, i);
}
#endif

#ifdef INK_CPU_X86

/* The same rules on GCC vectors of LANES floats; VSQRT is the level's square
 * root instruction.  Unaligned loads and stores go through memcpy. */
#define INK_DEFINE_UPDATE_KERNEL(NAME, TARGET, VF, VI, LANES, VSQRT)          \
__attribute__((target (TARGET))) static void                                \
NAME (const UpdateCoef *c, float *w, const float *g, float *s1, float *s2,  \
      gsize n)                                                              \
{                                                                           \
  const VF zero = { 0 };                                                    \
  const VI one = (VI) { 0 } + 0x3f800000;                                   \
  const float lr = c->lr, mu = c->mu, rho = c->rho, omr = c->one_minus_rho; \
  const float b1 = c->b1, omb1 = c->one_minus_b1;                           \
  const float b2 = c->b2, omb2 = c->one_minus_b2;                           \
  const float c1inv = c->c1inv, c2inv = c->c2inv, eps = c->eps;             \
  const float l1 = c->l1, l2x2 = c->l2x2;                                   \
  const gsize nv = n - n % LANES;                                           \
  gsize i;                                                                  \
                                                                            \
  for (i = 0; i < nv; i += LANES)                                           \
    {                                                                       \
      VF wv, gv, sv, tv, v, m;                                              \
                                                                            \
      memcpy (&wv, w + i, sizeof wv);                                       \
      memcpy (&gv, g + i, sizeof gv);                                       \
      gv = gv + l2x2 * wv                                                   \
           + l1 * ((VF) ((wv > zero) & one) - (VF) ((wv < zero) & one));    \
      switch (c->kind)                                                      \
        {                                                                   \
        case INK_OPT_SGD:                                                   \
          wv = wv - lr * gv;                                                \
          break;                                                            \
        case INK_OPT_MOMENTUM:                                              \
          memcpy (&sv, s1 + i, sizeof sv);                                  \
          v = mu * sv - lr * gv;                                            \
          memcpy (s1 + i, &v, sizeof v);                                    \
          wv = wv + v;                                                      \
          break;                                                            \
        case INK_OPT_NESTEROV:                                              \
          memcpy (&sv, s1 + i, sizeof sv);                                  \
          v = mu * sv - lr * gv;                                            \
          memcpy (s1 + i, &v, sizeof v);                                    \
          wv = wv + (mu * v - lr * gv);                                     \
          break;                                                            \
        case INK_OPT_RMSPROP:                                               \
          memcpy (&sv, s1 + i, sizeof sv);                                  \
          v = rho * sv + omr * gv * gv;                                     \
          memcpy (s1 + i, &v, sizeof v);                                    \
          wv = wv - lr * gv / (VSQRT (v) + eps);                            \
          break;                                                            \
        case INK_OPT_ADAM:                                                  \
          memcpy (&sv, s1 + i, sizeof sv);                                  \
          memcpy (&tv, s2 + i, sizeof tv);                                  \
          m = b1 * sv + omb1 * gv;                                          \
          v = b2 * tv + omb2 * gv * gv;                                     \
          memcpy (s1 + i, &m, sizeof m);                                    \
          memcpy (s2 + i, &v, sizeof v);                                    \
          wv = wv - lr * (m * c1inv) / (VSQRT (v * c2inv) + eps);           \
          break;                                                            \
        case INK_OPT_ADAGRAD:                                               \
          memcpy (&sv, s1 + i, sizeof sv);                                  \
          v = sv + gv * gv;                                                 \
          memcpy (s1 + i, &v, sizeof v);                                    \
          wv = wv - lr * gv / (VSQRT (v) + eps);                            \
          break;                                                            \
        case INK_OPT_ADADELTA:                                              \
          memcpy (&sv, s1 + i, sizeof sv);                                  \
          memcpy (&tv, s2 + i, sizeof tv);                                  \
          v = rho * sv + omr * gv * gv;                                     \
          m = gv * VSQRT (tv + eps) / VSQRT (v + eps);                      \
          tv = rho * tv + omr * m * m;                                      \
          memcpy (s1 + i, &v, sizeof v);                                    \
          memcpy (s2 + i, &tv, sizeof tv);                                  \
          wv = wv - lr * m;                                                 \
          break;                                                            \
        default:                                                            \
          g_assert_not_reached ();                                          \
        }                                                                   \
      memcpy (w + i, &wv, sizeof wv);                                       \
    }                                                                       \
  for (; i < n; i++)                                                        \
    update_one (c, w, g, s1, s2, i);                                        \
}

typedef float v16sf __attribute__((vector_size (64)));
typedef gint32 v16si __attribute__((vector_size (64)));
typedef float v8sf __attribute__((vector_size (32)));
typedef gint32 v8si __attribute__((vector_size (32)));
typedef float v4sf __attribute__((vector_size (16)));
typedef gint32 v4si __attribute__((vector_size (16)));

#define SQRT512(x) ((v16sf) _mm512_sqrt_ps ((__m512) (x)))
#define SQRT256(x) ((v8sf) _mm256_sqrt_ps ((__m256) (x)))
#define SQRT128(x) ((v4sf) _mm_sqrt_ps ((__m128) (x)))

INK_DEFINE_UPDATE_KERNEL (update_kernel_v4, "arch=x86-64-v4", v16sf, v16si, 16, SQRT512)
INK_DEFINE_UPDATE_KERNEL (update_kernel_v3, "arch=x86-64-v3", v8sf, v8si, 8, SQRT256)
INK_DEFINE_UPDATE_KERNEL (update_kernel_sse2, "sse2", v4sf, v4si, 4, SQRT128)

#endif /* INK_CPU_X86 */

static UpdateKernel
pick_update_kernel (void)
{
#ifdef INK_CPU_X86
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("x86-64-v4"))
    return update_kernel_v4;
  if (__builtin_cpu_supports ("x86-64-v3"))
    return update_kernel_v3;
  return update_kernel_sse2;
#else
  return update_kernel_scalar;
#endif
}

/* Σ x² with 16 independent partial sums (vectorizes, fixed order). */
INK_HOT static double
sum_squares (const float *x,
             gsize        n)
{
  float part[16] = { 0 };
  double s = 0.0;
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 16; k++)
      part[k] += x[i + k] * x[i + k];
  for (int k = 0; k < 16; k++)
    s += part[k];
  for (; i < n; i++)
    s += (double) x[i] * x[i];

  return s;
}

INK_HOT static void
scale_floats (float *x,
              float  s,
              gsize  n)
{
  for (gsize i = 0; i < n; i++)
    x[i] *= s;
}

/* ------------------------------------------------------------------------ */
/* the context: a few persistent worker threads for the big updates */

typedef void (*PartFunc) (gpointer job, guint part, guint n_parts);

typedef struct
{
  UpdateKernel kernel;

  GMutex       lock;
  GCond        work_cond;
  GCond        done_cond;
  GThread     *threads[MAX_PARTS];
  guint        n_helpers;        /* threads started; parts = n_helpers + 1 */
  guint        want_helpers;
  guint        pass_helpers;     /* helpers the image passes use (0: none) */
  gboolean     update_split;     /* INK_CPU_UPDATE_THREADS asked to split updates */
  GMutex       run_lock;         /* one caller of the helpers at a time */
  gboolean     started;
  gboolean     quit;
  guint64      generation;
  guint        pending;
  PartFunc     func;
  gpointer     job;
  guint        mxcsr;
} CpuCtx;

typedef struct
{
  CpuCtx *ctx;
  guint   part;
} WorkerArg;

static gpointer
cpu_worker (gpointer data)
{
  CpuCtx *ctx = ((WorkerArg *) data)->ctx;
  guint part = ((WorkerArg *) data)->part;
  guint64 seen = 0;

  g_free (data);

  for (;;)
    {
      PartFunc func;
      gpointer job;
      guint n_parts;

      g_mutex_lock (&ctx->lock);
      while (!ctx->quit && ctx->generation == seen)
        g_cond_wait (&ctx->work_cond, &ctx->lock);
      if (ctx->quit)
        {
          g_mutex_unlock (&ctx->lock);
          break;
        }
      seen = ctx->generation;
      func = ctx->func;
      job = ctx->job;
      n_parts = ctx->n_helpers + 1;
#ifdef INK_CPU_X86
      /* same denormal handling as the calling thread */
      if (_mm_getcsr () != ctx->mxcsr)
        _mm_setcsr (ctx->mxcsr);
#endif
      g_mutex_unlock (&ctx->lock);

      func (job, part, n_parts);

      g_mutex_lock (&ctx->lock);
      if (--ctx->pending == 0)
        g_cond_signal (&ctx->done_cond);
      g_mutex_unlock (&ctx->lock);
    }

  return NULL;
}

static void
cpu_start_helpers (CpuCtx *ctx)
{
  ctx->started = TRUE;
  for (guint i = 0; i < ctx->want_helpers; i++)
    {
      WorkerArg *arg = g_new (WorkerArg, 1);
      GError *error = NULL;
      char name[16];

      arg->ctx = ctx;
      arg->part = i + 1;
      g_snprintf (name, sizeof name, "ink-cpu-%u", i + 1);
      ctx->threads[i] = g_thread_try_new (name, cpu_worker, arg, &error);
      if (ctx->threads[i] == NULL)
        {
          g_debug ("cpu backend: no worker thread: %s", error->message);
          g_clear_error (&error);
          g_free (arg);
          break;
        }
      g_mutex_lock (&ctx->lock);
      ctx->n_helpers++;
      g_mutex_unlock (&ctx->lock);
    }
}

/* Runs func (job, part, n_parts) for every part, part 0 on this thread. */
static void
cpu_run_parallel (CpuCtx   *ctx,
                  PartFunc  func,
                  gpointer  job)
{
  if (!ctx->started)
    cpu_start_helpers (ctx);
  if (ctx->n_helpers == 0)
    {
      func (job, 0, 1);
      return;
    }

  g_mutex_lock (&ctx->lock);
  ctx->func = func;
  ctx->job = job;
  ctx->pending = ctx->n_helpers;
#ifdef INK_CPU_X86
  ctx->mxcsr = _mm_getcsr ();
#endif
  ctx->generation++;
  g_cond_broadcast (&ctx->work_cond);
  g_mutex_unlock (&ctx->lock);

  func (job, 0, ctx->n_helpers + 1);

  g_mutex_lock (&ctx->lock);
  while (ctx->pending > 0)
    g_cond_wait (&ctx->done_cond, &ctx->lock);
  g_mutex_unlock (&ctx->lock);
}

static inline CpuCtx *
cpu_ctx (InkBackend *be)
{
  return be->ctx;
}

/* The passes over image layers (activations, dropout, pooling, batch
 * norm) are split across the helper threads when they touch at least this
 * many floats: a 64×24×24 map of 128 samples is 4.7 M.  Below it a pass is
 * over before a woken helper would start. */
#define PARALLEL_PASS_MIN ((gsize) 1 << 17)

typedef void (*RangeFunc) (gpointer job, gsize begin, gsize end);

typedef struct
{
  RangeFunc func;
  gpointer  job;
  gsize     n;
  gsize     align;
} SplitJob;

static void
split_part (gpointer data,
            guint    part,
            guint    n_parts)
{
  const SplitJob *s = data;
  gsize units = (s->n + s->align - 1) / s->align;
  gsize begin = MIN (units * part / n_parts * s->align, s->n);
  gsize end = MIN (units * (part + 1) / n_parts * s->align, s->n);

  if (end > begin)
    s->func (s->job, begin, end);
}

/* func (job, begin, end) over [0, n) in parts that start on multiples of
 * align, across the threads when the pass moves at least PARALLEL_PASS_MIN
 * floats (the caller's count) and no other thread holds the helpers; the
 * parts are fixed by n and the thread count, so results do not depend on
 * timing */
static void
cpu_split (InkBackend *be,
           gsize       n,
           gsize       align,
           gsize       floats,
           RangeFunc   func,
           gpointer    job)
{
  CpuCtx *ctx = cpu_ctx (be);
  SplitJob s = { func, job, n, MAX (align, 1) };

  if (n == 0)
    return;
  if (floats < PARALLEL_PASS_MIN || ctx->pass_helpers == 0 || !g_mutex_trylock (&ctx->run_lock))
    {
      func (job, 0, n);
      return;
    }
  cpu_run_parallel (ctx, split_part, &s);
  g_mutex_unlock (&ctx->run_lock);
}

/* ------------------------------------------------------------------------ */
/* memory */

/* Large blocks come straight from the kernel (mmap): they are zero
 * already and cost nothing until touched, so preparing a huge network does
 * not spend minutes (and gigabytes) clearing gradients and optimizer state
 * before the first step.  Their sizes are kept to unmap them. */
#define CPU_MMAP_MIN ((gsize) 1 << 20)

static GMutex      mapped_lock;
static GHashTable *mapped;   /* address → size */

static gpointer
cpu_alloc (InkBackend  *be,
           gsize        bytes,
           GError     **error)
{
  gpointer mem = NULL;
  gsize rounded;

  /* round up to whole cache lines so that vector tails stay inside */
  rounded = (MAX (bytes, 1) + 63) & ~(gsize) 63;
  if (rounded >= bytes && rounded >= CPU_MMAP_MIN)
    {
      mem = mmap (NULL, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (mem != MAP_FAILED)
        {
          g_mutex_lock (&mapped_lock);
          if (mapped == NULL)
            mapped = g_hash_table_new (NULL, NULL);
          g_hash_table_insert (mapped, mem, GSIZE_TO_POINTER (rounded));
          g_mutex_unlock (&mapped_lock);
          return mem;
        }
      mem = NULL;
    }
  if (rounded < bytes || posix_memalign (&mem, 64, rounded) != 0)
    {
      char *size = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_NO_MEMORY,
                   "out of host memory allocating %s", size);
      g_free (size);
      return NULL;
    }
  memset (mem, 0, rounded);

  return mem;
}

static void
cpu_free (InkBackend *be,
          gpointer    mem)
{
  gsize size = 0;

  if (mem == NULL)
    return;
  g_mutex_lock (&mapped_lock);
  if (mapped != NULL)
    {
      size = GPOINTER_TO_SIZE (g_hash_table_lookup (mapped, mem));
      if (size)
        g_hash_table_remove (mapped, mem);
    }
  g_mutex_unlock (&mapped_lock);
  if (size)
    munmap (mem, size);
  else
    free (mem);
}

static void
cpu_upload (InkBackend    *be,
            gpointer       dst,
            gconstpointer  host_src,
            gsize          bytes)
{
  if (bytes > 0 && dst != host_src)
    memcpy (dst, host_src, bytes);
}

static void
cpu_copy (InkBackend    *be,
          gpointer       dst,
          gconstpointer  src,
          gsize          bytes)
{
  if (bytes > 0 && dst != src)
    memmove (dst, src, bytes);
}

static gboolean
cpu_sync (InkBackend  *be,
          GError     **error)
{
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* products */

static void
cpu_gemm (InkBackend  *be,
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
  if (m <= 0 || n <= 0)
    return;

  if (k <= 0)
    {
      /* nothing to multiply: C = beta·C (BLAS would reject lda < 1) */
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
          c[(gsize) i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[(gsize) i * ldc + j];
      return;
    }

  cblas_sgemm (CblasRowMajor,
               trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans,
               m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* ------------------------------------------------------------------------ */
/* elementwise */

INK_HOT static void
cpu_bias_add (InkBackend  *be,
              float       *y,
              const float *b,
              int          rows,
              int          cols)
{
  for (int i = 0; i < rows; i++)
    {
      float *row = y + (gsize) i * cols;

      for (int j = 0; j < cols; j++)
        row[j] += b[j];
    }
}

INK_HOT static void
cpu_col_sum (InkBackend  *be,
             const float *dy,
             int          rows,
             int          cols,
             float        beta,
             float       *db)
{
  if (beta == 0.0f)
    memset (db, 0, sizeof (float) * MAX (cols, 0));
  else if (beta != 1.0f)
    for (int j = 0; j < cols; j++)
      db[j] *= beta;

  for (int i = 0; i < rows; i++)
    {
      const float *row = dy + (gsize) i * cols;

      for (int j = 0; j < cols; j++)
        db[j] += row[j];
    }
}

/* e^x for the activations and softmax: Cephes' expf (range reduction to
 * |r| <= ln2/2, degree-6 polynomial, scaling by 2^n through the exponent
 * bits), about 1 ulp, branch-free so that the loops vectorize.  x is clamped
 * to [-87.3, 88.3]; NaN gives NaN.  n is an integer in [-126, 127] except for
 * a NaN x, where it is NaN: converting that to an integer is undefined (and
 * clang's -fsanitize=float-cast-overflow says so), so the scale is computed
 * from 0 instead (a select, still vectorized) and the NaN reaches the
 * result through the polynomial. */
static inline float
ink_expf (float x)
{
  float n, r, p, scale;
  gint32 bits;

  x = x < -87.3f ? -87.3f : x;
  x = x > 88.3f ? 88.3f : x;
  n = x * 1.44269504088896341f + 12582912.0f;
  n -= 12582912.0f;
  r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  bits = (gint32) ((guint32) ((gint32) (n == n ? n : 0.0f) + 127) << 23);
  memcpy (&scale, &bits, sizeof scale);

  return p * scale;
}

static inline float
ink_sigmoidf (float x)
{
  return 1.0f / (1.0f + ink_expf (-x));
}

/* Cephes' tanhf: an odd polynomial below 0.625, 1 - 2/(e^2x + 1) above. */
static inline float
ink_tanhf (float x)
{
  float ax = x < 0.0f ? -x : x;
  float z = x * x;
  float small, big, t;

  small = -5.70498872745e-3f;
  small = small * z + 2.06390887954e-2f;
  small = small * z - 5.37397155531e-2f;
  small = small * z + 1.33314422036e-1f;
  small = small * z - 3.33332819422e-1f;
  small = small * z * ax + ax;
  big = 1.0f - 2.0f / (ink_expf (2.0f * ax) + 1.0f);
  t = ax < 0.625f ? small : big;

  return x < 0.0f ? -t : t;
}

INK_HOT static void
act_sigmoid (float *a,
             gsize  n)
{
  for (gsize i = 0; i < n; i++)
    a[i] = ink_sigmoidf (a[i]);
}

INK_HOT static void
act_tanh (float *a,
          gsize  n)
{
  for (gsize i = 0; i < n; i++)
    a[i] = ink_tanhf (a[i]);
}

INK_HOT static void
act_relu (float *a,
          gsize  n)
{
  for (gsize i = 0; i < n; i++)
    a[i] = a[i] > 0.0f ? a[i] : 0.0f;
}

INK_HOT static void
act_leaky (float *a,
           float  slope,
           gsize  n)
{
  for (gsize i = 0; i < n; i++)
    a[i] = a[i] > 0.0f ? a[i] : slope * a[i];
}

typedef struct
{
  InkActivation act;
  float         slope;
  float        *a;
  float        *da;
  const float  *c;   /* act_backward: the activation; mul: the factor */
} PassJob;

static void
act_forward_range (gpointer data,
                   gsize    begin,
                   gsize    end)
{
  const PassJob *j = data;
  float *a = j->a + begin;
  gsize n = end - begin;

  switch (j->act)
    {
    case INK_ACT_IDENTITY:
      break;
    case INK_ACT_SIGMOID:
      act_sigmoid (a, n);
      break;
    case INK_ACT_TANH:
      act_tanh (a, n);
      break;
    case INK_ACT_RELU:
      act_relu (a, n);
      break;
    case INK_ACT_LEAKY_RELU:
      act_leaky (a, j->slope, n);
      break;
    case INK_ACT_SOFTMAX:
    default:
      break;
    }
}

static void
cpu_act_forward (InkBackend    *be,
                 InkActivation  act,
                 float          slope,
                 float         *a,
                 gsize          n)
{
  PassJob job = { .act = act, .slope = slope, .a = a };

  if (act == INK_ACT_SOFTMAX || (int) act < 0 || act > INK_ACT_LEAKY_RELU)
    {
      g_critical ("act_forward: activation %d is not elementwise", (int) act);
      return;
    }
  if (act != INK_ACT_IDENTITY)
    cpu_split (be, n, 16, n, act_forward_range, &job);
}

INK_HOT static void
dact_sigmoid (const float *a,
              float       *da,
              gsize        n)
{
  for (gsize i = 0; i < n; i++)
    da[i] *= a[i] * (1.0f - a[i]);
}

INK_HOT static void
dact_tanh (const float *a,
           float       *da,
           gsize        n)
{
  for (gsize i = 0; i < n; i++)
    da[i] *= 1.0f - a[i] * a[i];
}

INK_HOT static void
dact_relu (const float *a,
           float       *da,
           gsize        n)
{
  for (gsize i = 0; i < n; i++)
    da[i] = a[i] > 0.0f ? da[i] : 0.0f;
}

INK_HOT static void
dact_leaky (const float *a,
            float       *da,
            float        slope,
            gsize        n)
{
  for (gsize i = 0; i < n; i++)
    da[i] *= a[i] > 0.0f ? 1.0f : slope;
}

static void
act_backward_range (gpointer data,
                    gsize    begin,
                    gsize    end)
{
  const PassJob *j = data;
  const float *a = j->c + begin;
  float *da = j->da + begin;
  gsize n = end - begin;

  switch (j->act)
    {
    case INK_ACT_IDENTITY:
      break;
    case INK_ACT_SIGMOID:
      dact_sigmoid (a, da, n);
      break;
    case INK_ACT_TANH:
      dact_tanh (a, da, n);
      break;
    case INK_ACT_RELU:
      dact_relu (a, da, n);
      break;
    case INK_ACT_LEAKY_RELU:
      dact_leaky (a, da, j->slope, n);
      break;
    case INK_ACT_SOFTMAX:
    default:
      break;
    }
}

static void
cpu_act_backward (InkBackend    *be,
                  InkActivation  act,
                  float          slope,
                  const float   *a,
                  float         *da,
                  gsize          n)
{
  PassJob job = { .act = act, .slope = slope, .da = da, .c = a };

  if (act == INK_ACT_SOFTMAX || (int) act < 0 || act > INK_ACT_LEAKY_RELU)
    {
      g_critical ("act_backward: activation %d is not elementwise", (int) act);
      return;
    }
  if (act != INK_ACT_IDENTITY)
    cpu_split (be, n, 16, 2 * n, act_backward_range, &job);
}

INK_HOT static void
dropout_kernel (float   *a,
                float   *mask,
                gsize    begin,
                gsize    end,
                float    p,
                guint64  seed,
                guint64  stream)
{
  const float keep_scale = 1.0f / (1.0f - p);

  for (gsize i = begin; i < end; i++)
    {
      float m = ink_hash_uniform (seed, stream, i) >= p ? keep_scale : 0.0f;

      mask[i] = m;
      a[i] *= m;
    }
}

INK_HOT static void
mul_kernel (float       *x,
            const float *m,
            gsize        n)
{
  for (gsize i = 0; i < n; i++)
    x[i] *= m[i];
}

typedef struct
{
  float   *a;
  float   *mask;
  float    p;
  guint64  seed;
  guint64  stream;
} DropoutJob;

static void
dropout_range (gpointer data,
               gsize    begin,
               gsize    end)
{
  const DropoutJob *j = data;

  /* element i's draw depends on i alone: the same mask however split */
  dropout_kernel (j->a, j->mask, begin, end, j->p, j->seed, j->stream);
}

static void
cpu_dropout_forward (InkBackend *be,
                     float      *a,
                     float      *mask,
                     gsize       n,
                     float       p,
                     guint64     seed,
                     guint64     stream)
{
  DropoutJob job = { a, mask, p, seed, stream };

  cpu_split (be, n, 16, 2 * n, dropout_range, &job);
}

static void
mul_range (gpointer data,
           gsize    begin,
           gsize    end)
{
  const PassJob *j = data;

  mul_kernel (j->a + begin, j->c + begin, end - begin);
}

static void
cpu_mul (InkBackend  *be,
         float       *x,
         const float *m,
         gsize        n)
{
  PassJob job = { .a = x, .c = m };

  cpu_split (be, n, 16, 2 * n, mul_range, &job);
}

/* One row in place: p = e^(y - max) / Σ e^(y - max). */
INK_HOT static void
softmax_row (float *y,
             int    cols)
{
  float max = y[0];
  float sum = 0.0f;

  for (int j = 1; j < cols; j++)
    max = y[j] > max ? y[j] : max;
  for (int j = 0; j < cols; j++)
    y[j] = ink_expf (y[j] - max);
  for (int j = 0; j < cols; j++)
    sum += y[j];
  for (int j = 0; j < cols; j++)
    y[j] /= sum;
}

static void
cpu_softmax (InkBackend *be,
             float      *y,
             int         rows,
             int         cols)
{
  if (cols <= 0)
    return;
  for (int i = 0; i < rows; i++)
    softmax_row (y + (gsize) i * cols, cols);
}

static void
cpu_loss (InkBackend   *be,
          InkLoss       loss,
          float        *out,
          const gint32 *labels,
          int           batch,
          int           classes,
          float        *d_out,
          double       *acc)
{
  double total = 0.0;
  double correct = 0.0;
  const float inv_b = 1.0f / (float) batch;
  const float mse_scale = 2.0f / ((float) batch * (float) classes);

  if (batch <= 0 || classes <= 0)
    return;

  for (int i = 0; i < batch; i++)
    {
      float *o = out + (gsize) i * classes;
      float *d = d_out != NULL ? d_out + (gsize) i * classes : NULL;
      /* an invalid label counts as a wrong answer with no target */
      int y = labels[i] >= 0 && labels[i] < classes ? labels[i] : -1;
      int best = 0;

      if (loss == INK_LOSS_CROSS_ENTROPY)
        {
          float py;

          softmax_row (o, classes);
          py = y >= 0 ? o[y] : 0.0f;
          /* the floor keeps log finite for a confident wrong answer; NaN
           * passes through, so that divergence is seen (MAX would turn a
           * NaN probability into the floor) */
          total -= log (isnan (py) ? (double) py : (double) MAX (py, 1e-30f));
          if (d != NULL)
            {
              for (int j = 0; j < classes; j++)
                d[j] = o[j] * inv_b;
              if (y >= 0)
                d[y] = (o[y] - 1.0f) * inv_b;
            }
        }
      else
        {
          double s = 0.0;

          for (int j = 0; j < classes; j++)
            {
              float diff = o[j] - (j == y ? 1.0f : 0.0f);

              s += (double) diff * diff;
              if (d != NULL)
                d[j] = mse_scale * diff;
            }
          total += s / classes;
        }

      for (int j = 1; j < classes; j++)
        if (o[j] > o[best])
          best = j;
      if (best == y)
        correct += 1.0;
    }

  if (acc != NULL)
    {
      acc[0] += total;
      acc[1] += correct;
    }
}

/* ------------------------------------------------------------------------ */
/* the optimizer update */

typedef struct
{
  UpdateKernel     kernel;
  const UpdateCoef *coef;
  float           *w;
  const float     *g;
  float           *s1;
  float           *s2;
  gsize            n;
  gsize            row_len;
  float            max_norm;
} UpdateJob;

/* elements [begin, end) */
static void
update_range (const UpdateJob *job,
              gsize            begin,
              gsize            end)
{
  float *s1 = job->s1 != NULL ? job->s1 + begin : NULL;
  float *s2 = job->s2 != NULL ? job->s2 + begin : NULL;

  job->kernel (job->coef, job->w + begin, job->g + begin, s1, s2, end - begin);
}

/* rows [begin, end): update each row, then rescale it to norm <= max_norm
 * while it is still in cache */
static void
update_rows (const UpdateJob *job,
             gsize            begin,
             gsize            end)
{
  for (gsize r = begin; r < end; r++)
    {
      gsize lo = r * job->row_len;
      gsize hi = MIN (lo + job->row_len, job->n);
      double norm;

      update_range (job, lo, hi);
      norm = sqrt (sum_squares (job->w + lo, hi - lo));
      if (norm > job->max_norm)
        scale_floats (job->w + lo, (float) (job->max_norm / norm), hi - lo);
    }
}

static void
update_part (gpointer data,
             guint    part,
             guint    n_parts)
{
  const UpdateJob *job = data;

  if (job->max_norm > 0.0f)
    {
      gsize rows = (job->n + job->row_len - 1) / job->row_len;

      update_rows (job, rows * part / n_parts, rows * (part + 1) / n_parts);
    }
  else
    {
      /* split on whole cache lines */
      gsize chunk = ((job->n + n_parts - 1) / n_parts + 15) & ~(gsize) 15;
      gsize begin = MIN (chunk * part, job->n);
      gsize end = MIN (begin + chunk, job->n);

      if (end > begin)
        update_range (job, begin, end);
    }
}

static void
cpu_update (InkBackend         *be,
            const InkOptParams *p,
            float              *w,
            const float        *g,
            float              *state1,
            float              *state2,
            gsize               n,
            int                 row_len)
{
  CpuCtx *ctx = cpu_ctx (be);
  UpdateCoef coef;
  UpdateJob job;

  if (n == 0)
    return;

  coef.kind = p->kind;
  coef.lr = p->lr;
  coef.mu = p->momentum;
  coef.rho = p->rho;
  coef.one_minus_rho = 1.0f - p->rho;
  coef.b1 = p->beta1;
  coef.one_minus_b1 = 1.0f - p->beta1;
  coef.b2 = p->beta2;
  coef.one_minus_b2 = 1.0f - p->beta2;
  coef.c1inv = 1.0f;
  coef.c2inv = 1.0f;
  if (p->kind == INK_OPT_ADAM)
    {
      double t = (double) MAX (p->step, 1);

      coef.c1inv = (float) (1.0 / (1.0 - pow (p->beta1, t)));
      coef.c2inv = (float) (1.0 / (1.0 - pow (p->beta2, t)));
    }
  coef.eps = p->eps;
  coef.l1 = p->l1;
  coef.l2x2 = 2.0f * p->l2;

  if ((p->kind != INK_OPT_SGD && state1 == NULL) ||
      ((p->kind == INK_OPT_ADAM || p->kind == INK_OPT_ADADELTA) && state2 == NULL))
    {
      g_critical ("update: optimizer %d needs its state", (int) p->kind);
      return;
    }

  job.kernel = ctx->kernel;
  job.coef = &coef;
  job.w = w;
  job.g = g;
  job.s1 = state1;
  job.s2 = state2;
  job.n = n;
  job.row_len = row_len > 0 ? (gsize) row_len : n;
  job.max_norm = p->max_norm;

  if (n >= PARALLEL_UPDATE_MIN && ctx->update_split && g_mutex_trylock (&ctx->run_lock))
    {
      cpu_run_parallel (ctx, update_part, &job);
      g_mutex_unlock (&ctx->run_lock);
    }
  else
    update_part (&job, 0, 1);
}

/* ------------------------------------------------------------------------ */
/* data */

struct _InkDevData
{
  guint         n;
  guint         dim;
  const guint8 *images;   /* the caller's host memory: for the CPU the   */
  const guint8 *labels;   /* dataset is already "resident", so no copy   */
};

/* The CPU reads the host arrays in place (they must outlive the returned
 * InkDevData, as ink-backend.h states): a copy would only double the
 * memory (55 MB for MNIST) for nothing. */
static InkDevData *
cpu_data_upload (InkBackend    *be,
                 const guint8  *images,
                 const guint8  *labels,
                 guint          n,
                 guint          dim,
                 GError       **error)
{
  InkDevData *data;
  gsize bytes = (gsize) n * dim;

  if (dim > 0 && bytes / dim != n)
    {
      g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_NO_MEMORY,
                   "dataset of %u images of %u pixels is too large", n, dim);
      return NULL;
    }
  data = g_new0 (InkDevData, 1);
  data->n = n;
  data->dim = dim;
  data->images = images;
  data->labels = labels;
  return data;
}

static void
cpu_data_free (InkBackend *be,
               InkDevData *data)
{
  g_free (data);
}

INK_HOT static void
gather_row (const guint8 *src,
            float        *dst,
            guint         dim,
            float         scale,
            float         shift)
{
  for (guint j = 0; j < dim; j++)
    dst[j] = (float) src[j] * scale + shift;
}

static void
cpu_gather (InkBackend       *be,
            const InkDevData *data,
            const guint32    *idx,
            int               rows,
            InkAffine         aff,
            float            *x,
            gint32           *labels_out)
{
  const guint dim = data->dim;

  for (int r = 0; r < rows; r++)
    {
      float *dst = x + (gsize) r * dim;
      guint32 k = idx[r];

      if (G_UNLIKELY (k >= data->n))
        {
          g_critical ("gather: index %u out of range (%u images)", k, data->n);
          for (guint j = 0; j < dim; j++)
            dst[j] = aff.shift;
          if (labels_out != NULL)
            labels_out[r] = -1;
          continue;
        }

      gather_row (data->images + (gsize) k * dim, dst, dim, aff.scale, aff.shift);
      if (labels_out != NULL)
        labels_out[r] = data->labels[k];
    }
}

/* ------------------------------------------------------------------------ */
/* the image layers: ink-layers-cpu.h on host memory */

static gsize
cpu_conv2d_workspace (InkBackend        *be,
                      const InkConvGeom *g,
                      int                max_batch)
{
  return ink_conv2d_col_size (g, max_batch);
}

static void
cpu_conv2d_forward (InkBackend        *be,
                    const InkConvGeom *g,
                    int                batch,
                    const float       *x,
                    const float       *w,
                    const float       *b,
                    float             *y,
                    float             *col,
                    gsize              col_floats)
{
  g_return_if_fail (col_floats >= ink_conv2d_col_size (g, batch));

  ink_conv2d_forward (g, batch, x, w, b, y, col);
}

static void
cpu_conv2d_backward (InkBackend        *be,
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
  g_return_if_fail (col_floats >= ink_conv2d_col_size (g, batch));

  ink_conv2d_backward (g, batch, x, w, dy, dw, db, dx, col);
}

/* pooling and batch norm split over the batch's samples or the layer's
 * channels: each sample's planes, each channel's statistics, stand alone */
typedef struct
{
  int           channels, height, width, size, stride, spatial;
  const float  *x;
  float        *y;
  gint32       *argmax;
  const gint32 *argmax_in;
  const float  *gamma, *beta;
  float         epsilon, momentum;
  gboolean      training;
  float        *running_mean, *running_var, *xhat, *inv_std, *dgamma, *dbeta;
  const float  *xhat_in, *inv_std_in;
  int           batch;
} ImageJob;

static inline gsize
plane_in (const ImageJob *j)
{
  return (gsize) j->channels * j->height * j->width;
}

static inline gsize
plane_out (const ImageJob *j)
{
  return (gsize) j->channels * ((j->height - j->size) / j->stride + 1) *
         ((j->width - j->size) / j->stride + 1);
}

static void
max_pool_forward_range (gpointer data, gsize begin, gsize end)
{
  const ImageJob *j = data;

  ink_max_pool_forward (j->channels, j->height, j->width, j->size, j->stride, (int) (end - begin),
                        j->x + begin * plane_in (j), j->y + begin * plane_out (j),
                        j->argmax + begin * plane_out (j));
}

static void
max_pool_backward_range (gpointer data, gsize begin, gsize end)
{
  const ImageJob *j = data;

  ink_max_pool_backward (j->channels, j->height, j->width, j->size, j->stride, (int) (end - begin),
                         j->x + begin * plane_out (j), j->argmax_in + begin * plane_out (j),
                         j->y + begin * plane_in (j));
}

static void
avg_pool_forward_range (gpointer data, gsize begin, gsize end)
{
  const ImageJob *j = data;

  ink_avg_pool_forward (j->channels, j->height, j->width, j->size, j->stride, (int) (end - begin),
                        j->x + begin * plane_in (j), j->y + begin * plane_out (j));
}

static void
avg_pool_backward_range (gpointer data, gsize begin, gsize end)
{
  const ImageJob *j = data;

  ink_avg_pool_backward (j->channels, j->height, j->width, j->size, j->stride, (int) (end - begin),
                         j->x + begin * plane_out (j), j->y + begin * plane_in (j));
}

static void
max_pool_forward_blocked_range (gpointer data, gsize begin, gsize end)
{
  const ImageJob *j = data;

  ink_max_pool_forward_blocked (j->channels, j->height, j->width, j->size, j->stride,
                                (int) (end - begin), j->x + begin * plane_in (j),
                                j->y + begin * plane_out (j), j->argmax + begin * plane_out (j));
}

static void
max_pool_backward_blocked_range (gpointer data, gsize begin, gsize end)
{
  const ImageJob *j = data;

  ink_max_pool_backward_blocked (j->channels, j->height, j->width, j->size, j->stride,
                                 (int) (end - begin), j->x + begin * plane_out (j),
                                 j->argmax_in + begin * plane_out (j), j->y + begin * plane_in (j));
}

static void
cpu_max_pool_forward_blocked (InkBackend  *be,
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
  ImageJob job = { .channels = channels, .height = height, .width = width, .size = size,
                   .stride = stride, .x = x, .y = y, .argmax = argmax };

  g_return_if_fail (channels % 16 == 0);
  cpu_split (be, (gsize) MAX (batch, 0), 1, (gsize) MAX (batch, 0) * plane_in (&job),
             max_pool_forward_blocked_range, &job);
}

static void
cpu_max_pool_backward_blocked (InkBackend   *be,
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
  ImageJob job = { .channels = channels, .height = height, .width = width, .size = size,
                   .stride = stride, .x = dy, .y = dx, .argmax_in = argmax };

  g_return_if_fail (channels % 16 == 0);
  cpu_split (be, (gsize) MAX (batch, 0), 1, (gsize) MAX (batch, 0) * plane_in (&job),
             max_pool_backward_blocked_range, &job);
}

static void
cpu_max_pool_forward (InkBackend  *be,
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
  ImageJob job = { .channels = channels, .height = height, .width = width, .size = size,
                   .stride = stride, .x = x, .y = y, .argmax = argmax };

  cpu_split (be, (gsize) MAX (batch, 0), 1, (gsize) MAX (batch, 0) * plane_in (&job),
             max_pool_forward_range, &job);
}

static void
cpu_max_pool_backward (InkBackend   *be,
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
  ImageJob job = { .channels = channels, .height = height, .width = width, .size = size,
                   .stride = stride, .x = dy, .y = dx, .argmax_in = argmax };

  cpu_split (be, (gsize) MAX (batch, 0), 1, (gsize) MAX (batch, 0) * plane_in (&job),
             max_pool_backward_range, &job);
}

static void
cpu_avg_pool_forward (InkBackend  *be,
                      int          channels,
                      int          height,
                      int          width,
                      int          size,
                      int          stride,
                      int          batch,
                      const float *x,
                      float       *y)
{
  ImageJob job = { .channels = channels, .height = height, .width = width, .size = size,
                   .stride = stride, .x = x, .y = y };

  cpu_split (be, (gsize) MAX (batch, 0), 1, (gsize) MAX (batch, 0) * plane_in (&job),
             avg_pool_forward_range, &job);
}

static void
cpu_avg_pool_backward (InkBackend  *be,
                       int          channels,
                       int          height,
                       int          width,
                       int          size,
                       int          stride,
                       int          batch,
                       const float *dy,
                       float       *dx)
{
  ImageJob job = { .channels = channels, .height = height, .width = width, .size = size,
                   .stride = stride, .x = dy, .y = dx };

  cpu_split (be, (gsize) MAX (batch, 0), 1, (gsize) MAX (batch, 0) * plane_in (&job),
             avg_pool_backward_range, &job);
}

static void
batch_norm_forward_range (gpointer data, gsize begin, gsize end)
{
  const ImageJob *j = data;

  ink_batch_norm_forward_channels (j->batch, j->channels, j->spatial, (int) begin, (int) end,
                                   j->x, j->gamma, j->beta, j->epsilon, j->training,
                                   j->momentum, j->running_mean, j->running_var, j->y,
                                   j->xhat, j->inv_std);
}

static void
batch_norm_backward_range (gpointer data, gsize begin, gsize end)
{
  const ImageJob *j = data;

  ink_batch_norm_backward_channels (j->batch, j->channels, j->spatial, (int) begin, (int) end,
                                    j->x, j->xhat_in, j->inv_std_in, j->gamma, j->training,
                                    j->y, j->dgamma, j->dbeta);
}

static void
cpu_batch_norm_forward (InkBackend  *be,
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
  ImageJob job = { .batch = batch, .channels = channels, .spatial = spatial, .x = x,
                   .gamma = gamma, .beta = beta, .epsilon = epsilon, .training = training,
                   .momentum = momentum, .running_mean = running_mean,
                   .running_var = running_var, .y = y, .xhat = xhat, .inv_std = inv_std };

  cpu_split (be, (gsize) MAX (channels, 0), 1,
             3 * (gsize) MAX (batch, 0) * MAX (channels, 0) * MAX (spatial, 0),
             batch_norm_forward_range, &job);
}

static void
cpu_batch_norm_backward (InkBackend  *be,
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
  ImageJob job = { .batch = batch, .channels = channels, .spatial = spatial, .x = dy,
                   .xhat_in = xhat, .inv_std_in = inv_std, .gamma = gamma,
                   .training = training, .y = dx, .dgamma = dgamma, .dbeta = dbeta };

  cpu_split (be, (gsize) MAX (channels, 0), 1,
             3 * (gsize) MAX (batch, 0) * MAX (channels, 0) * MAX (spatial, 0),
             batch_norm_backward_range, &job);
}

/* ------------------------------------------------------------------------ */

static void cpu_destroy (InkBackend *be);

static const InkBackendOps cpu_ops = {
  .name = "cpu",
  .host_memory = TRUE,
  .destroy = cpu_destroy,
  .alloc = cpu_alloc,
  .free = cpu_free,
  .upload = cpu_upload,
  .download = cpu_upload,
  .copy = cpu_copy,
  .sync = cpu_sync,
  .gemm = cpu_gemm,
  .bias_add = cpu_bias_add,
  .col_sum = cpu_col_sum,
  .act_forward = cpu_act_forward,
  .act_backward = cpu_act_backward,
  .dropout_forward = cpu_dropout_forward,
  .mul = cpu_mul,
  .softmax = cpu_softmax,
  .loss = cpu_loss,
  .update = cpu_update,
  .data_upload = cpu_data_upload,
  .data_free = cpu_data_free,
  .gather = cpu_gather,
  .conv2d_workspace = cpu_conv2d_workspace,
  .conv2d_forward = cpu_conv2d_forward,
  .conv2d_backward = cpu_conv2d_backward,
  .max_pool_forward = cpu_max_pool_forward,
  .max_pool_backward = cpu_max_pool_backward,
  .avg_pool_forward = cpu_avg_pool_forward,
  .avg_pool_backward = cpu_avg_pool_backward,
  .batch_norm_forward = cpu_batch_norm_forward,
  .batch_norm_backward = cpu_batch_norm_backward,
  .conv_blocked = TRUE,
  .conv_relu = TRUE,
  .max_pool_forward_blocked = cpu_max_pool_forward_blocked,
  .max_pool_backward_blocked = cpu_max_pool_backward_blocked,
};

InkBackend *
ink_backend_cpu_new (void)
{
  InkBackend *be = g_new0 (InkBackend, 1);
  CpuCtx *ctx = g_new0 (CpuCtx, 1);
  const char *env;
  int threads;

  g_mutex_init (&ctx->lock);
  g_cond_init (&ctx->work_cond);
  g_cond_init (&ctx->done_cond);
  g_mutex_init (&ctx->run_lock);
  ctx->kernel = pick_update_kernel ();
  /* as many threads as OpenBLAS runs (OPENBLAS_NUM_THREADS=1: none) */
#ifdef OPENBLAS_VERSION
  threads = openblas_get_num_threads ();
#else
  threads = (int) g_get_num_processors ();
#endif
  ctx->pass_helpers = (guint) CLAMP (threads, 1, MAX_PARTS) - 1;
  ctx->want_helpers = ctx->pass_helpers;
  env = g_getenv ("INK_CPU_UPDATE_THREADS");
  if (env != NULL && *env != '\0')
    {
      ctx->want_helpers = CLAMP (g_ascii_strtoull (env, NULL, 10), 1, MAX_PARTS) - 1;
      ctx->update_split = ctx->want_helpers > 0;
      ctx->pass_helpers = ctx->want_helpers;
    }

  be->ops = &cpu_ops;
  be->ctx = ctx;
#ifdef OPENBLAS_VERSION
  be->device_name = g_strdup_printf ("CPU (OpenBLAS %s, %d threads)",
                                     openblas_get_corename (),
                                     openblas_get_num_threads ());
#else
  be->device_name = g_strdup_printf ("CPU (CBLAS, %u cores)", g_get_num_processors ());
#endif

  return be;
}

/* the helper threads stopped, the context freed */
static void
cpu_destroy (InkBackend *be)
{
  CpuCtx *ctx = cpu_ctx (be);

  if (ctx == NULL)
    return;

  g_mutex_lock (&ctx->lock);
  ctx->quit = TRUE;
  g_cond_broadcast (&ctx->work_cond);
  g_mutex_unlock (&ctx->lock);
  for (guint i = 0; i < ctx->n_helpers; i++)
    g_thread_join (ctx->threads[i]);

  g_mutex_clear (&ctx->lock);
  g_mutex_clear (&ctx->run_lock);
  g_cond_clear (&ctx->work_cond);
  g_cond_clear (&ctx->done_cond);
  g_free (ctx);
  be->ctx = NULL;
}
