/* test-gpu.c
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

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "ink-backend.h"
#include "ink-network.h"
#include "ink-optimizer.h"
#include "ink-rng.h"
#include "ink-backend-cuda.h"
#include "ink-experiment.h"
#include "ink-trainer.h"
#include "test-conv-util.h"
#include "test-util.h"

/* The CUDA backend against the CPU backend: every op of the table on the
 * same random inputs (the image layers' too), then one training step of a
 * small dense network and of a small CNN.  Every case
 * skips with the reason ("no CUDA device: ...", "the CUDA backend module could
 * not be loaded (...)", "this build ... has no CUDA backend ...") when the
 * build has no CUDA, the module cannot be loaded or no usable device is
 * present; /gpu/module-missing runs everywhere.
 *
 * Results are compared element by element with |gpu - cpu| <= atol + rtol·|cpu|
 * and the worst element is reported.  For elementwise ops atol is small and
 * absolute; for reductions (products, sums) atol is rtol times the largest
 * |cpu| of the result, the normwise error, since a sum that cancels to near
 * zero has no relative accuracy in either backend. */

static InkBackend *cpu;
static InkBackend *gpu;
static char       *skip_reason;

#define RTOL 1e-5

static gboolean
need_gpu (void)
{
  if (gpu != NULL)
    return TRUE;
  g_test_skip (skip_reason);
  return FALSE;
}

static void
assert_synced (InkBackend *be)
{
  GError *error = NULL;
  gboolean ok = be->ops->sync (be, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

/* ---- buffers living on both backends ---- */

typedef struct
{
  gpointer c;   /* cpu backend memory */
  gpointer g;   /* cuda backend memory */
  gsize    bytes;
} Pair;

static Pair
pair_new (gconstpointer host,
          gsize         bytes)
{
  GError *error = NULL;
  Pair p;

  p.bytes = bytes;
  p.c = cpu->ops->alloc (cpu, bytes, &error);
  g_assert_no_error (error);
  p.g = gpu->ops->alloc (gpu, bytes, &error);
  g_assert_no_error (error);
  if (host != NULL)
    {
      cpu->ops->upload (cpu, p.c, host, bytes);
      gpu->ops->upload (gpu, p.g, host, bytes);
    }
  return p;
}

static Pair
pair_floats (const float *host,
             gsize        n)
{
  return pair_new (host, n * sizeof (float));
}

static void
pair_set (Pair          *p,
          gconstpointer  host)
{
  cpu->ops->upload (cpu, p->c, host, p->bytes);
  gpu->ops->upload (gpu, p->g, host, p->bytes);
}

/* host copies of both sides (the download syncs) */
static void
pair_get (Pair     *p,
          gpointer  host_c,
          gpointer  host_g)
{
  cpu->ops->download (cpu, host_c, p->c, p->bytes);
  gpu->ops->download (gpu, host_g, p->g, p->bytes);
  assert_synced (gpu);
}

static void
pair_free (Pair *p)
{
  cpu->ops->free (cpu, p->c);
  gpu->ops->free (gpu, p->g);
  p->c = p->g = NULL;
}

/* ---- comparison ---- */

static double
max_abs (const float *x,
         gsize        n)
{
  double m = 0.0;

  for (gsize i = 0; i < n; i++)
    m = MAX (m, fabs ((double) x[i]));
  return m;
}

/* |got - ref| <= atol + rtol·|ref| everywhere; reports the worst element */
static void
check_close (const char  *what,
             const float *ref,
             const float *got,
             gsize        n,
             double       rtol,
             double       atol)
{
  double worst = -1.0;
  gsize worst_i = 0;

  for (gsize i = 0; i < n; i++)
    {
      double r = ref[i], g = got[i], q;

      if (isnan (r) || isnan (g))
        q = isnan (r) && isnan (g) ? 0.0 : INFINITY;
      else if (r == g)
        q = 0.0;
      else
        q = fabs (g - r) / (atol + rtol * fabs (r));
      if (q > worst)
        {
          worst = q;
          worst_i = i;
        }
    }
  if (n == 0)
    return;

  g_test_message ("%s: worst element %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                  ": cpu %.9g, cuda %.9g, |diff| %.3g = %.3g of the tolerance "
                  "(rtol %.1g, atol %.3g)",
                  what, worst_i, n, ref[worst_i], got[worst_i],
                  fabs ((double) got[worst_i] - ref[worst_i]), worst, rtol, atol);
  if (!(worst <= 1.0))
    g_test_fail_printf ("%s: element %" G_GSIZE_FORMAT " differs: cpu %.9g, cuda %.9g "
                        "(%.3g of the tolerance rtol %.1g + atol %.3g)",
                        what, worst_i, ref[worst_i], got[worst_i], worst, rtol, atol);
}

/* a reduction's result: atol = rtol · max|ref| */
static void
check_normwise (const char  *what,
                const float *ref,
                const float *got,
                gsize        n,
                double       rtol)
{
  check_close (what, ref, got, n, rtol, rtol * MAX (max_abs (ref, n), 1e-30));
}

/* a Pair of floats: downloads both sides and compares */
static void
check_pair (const char *what,
            Pair       *p,
            double      rtol,
            double      atol,
            gboolean    normwise)
{
  gsize n = p->bytes / sizeof (float);
  float *hc = g_new (float, n);
  float *hg = g_new (float, n);

  pair_get (p, hc, hg);
  if (normwise)
    check_normwise (what, hc, hg, n, rtol);
  else
    check_close (what, hc, hg, n, rtol, atol);
  g_free (hc);
  g_free (hg);
}

static void
check_acc (const char   *what,
           const double *ref,
           const double *got)
{
  for (int k = 0; k < 2; k++)
    {
      double tol = 1e-9 + RTOL * fabs (ref[k]);

      g_test_message ("%s acc[%d]: cpu %.12g, cuda %.12g", what, k, ref[k], got[k]);
      if (!(fabs (got[k] - ref[k]) <= tol))
        g_test_fail_printf ("%s: acc[%d] differs: cpu %.12g, cuda %.12g", what, k, ref[k], got[k]);
    }
}

static float *
random_floats (InkRng *rng,
               gsize   n,
               float   lo,
               float   hi)
{
  float *x = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    x[i] = lo + (hi - lo) * ink_rng_uniform (rng);
  return x;
}

/* ------------------------------------------------------------------------ */

static void
test_memory (void)
{
  GError *error = NULL;
  InkRng rng;
  const gsize n = 100003;
  float *host, *back;
  float *a, *b;

  if (!need_gpu ())
    return;

  g_test_message ("device: %s", gpu->device_name);
  g_assert_cmpstr (gpu->ops->name, ==, "cuda");
  g_assert_nonnull (gpu->device_name);

  ink_rng_init (&rng, 1);
  host = random_floats (&rng, n, -1.0f, 1.0f);
  back = g_new (float, n);

  /* alloc'd memory is zeroed */
  a = ink_backend_alloc_floats (gpu, n, &error);
  g_assert_no_error (error);
  b = ink_backend_alloc_floats (gpu, n, &error);
  g_assert_no_error (error);
  gpu->ops->download (gpu, back, a, n * sizeof (float));
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (back[i], ==, 0.0f);

  /* upload, device copy, download */
  gpu->ops->upload (gpu, a, host, n * sizeof (float));
  gpu->ops->copy (gpu, b, a, n * sizeof (float));
  gpu->ops->download (gpu, back, b, n * sizeof (float));
  g_assert_cmpmem (back, n * sizeof (float), host, n * sizeof (float));
  assert_synced (gpu);

  /* an impossible allocation fails cleanly and leaves the backend usable */
  g_assert_null (gpu->ops->alloc (gpu, (gsize) 1 << 52, &error));
  g_assert_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_NO_MEMORY);
  g_test_message ("huge alloc: %s", error->message);
  g_clear_error (&error);
  assert_synced (gpu);

  {
    gsize free_b = 0, total_b = 0;

    /* the optional extras of the ops table: the CUDA backend has them all */
    g_assert_true (ink_backend_is_cuda (gpu));
    g_assert_false (ink_backend_is_cuda (cpu));
    g_assert_nonnull (gpu->ops->destroy);
    g_assert_nonnull (gpu->ops->set_tf32);
    g_assert_nonnull (gpu->ops->get_tf32);
    g_assert_nonnull (gpu->ops->mem_info);
    g_assert_true (ink_backend_cuda_mem_info (gpu, &free_b, &total_b));
    g_assert_cmpuint (free_b, >, 0);
    g_assert_cmpuint (free_b, <=, total_b);
    g_test_message ("device memory: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes free",
                    free_b, total_b);
  }

  gpu->ops->free (gpu, a);
  gpu->ops->free (gpu, b);
  assert_synced (gpu);
  g_free (host);
  g_free (back);
}

/* A failing cuBLAS call is reported by sync (and alloc), not by a crash. */
static void
test_error_reporting (void)
{
  GError *error = NULL;
  InkBackend *be;
  float *m;

  if (!need_gpu ())
    return;

  be = ink_backend_new ("cuda", &error);
  g_assert_no_error (error);
  m = ink_backend_alloc_floats (be, 64, &error);
  g_assert_no_error (error);

  /* lda smaller than the row length: cuBLAS refuses */
  be->ops->gemm (be, FALSE, FALSE, 8, 8, 8, 1.0f, m, 1, m, 8, 0.0f, m, 8);
  g_assert_false (be->ops->sync (be, &error));
  g_assert_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_FAILED);
  g_test_message ("reported: %s", error->message);
  g_assert_nonnull (strstr (error->message, "cublasSgemm"));
  g_clear_error (&error);

  /* the failure stays recorded */
  g_assert_null (be->ops->alloc (be, 16, &error));
  g_assert_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_FAILED);
  g_clear_error (&error);

  be->ops->free (be, m);
  ink_backend_free (be);
}

static void
gemm_case (InkRng   *rng,
           gboolean  ta,
           gboolean  tb,
           int       m,
           int       n,
           int       k,
           int       pad,
           float     alpha,
           float     beta)
{
  /* stored shapes: A is [m,k] or [k,m], B is [k,n] or [n,k], row-major */
  int a_rows = ta ? k : m, a_cols = ta ? m : k;
  int b_rows = tb ? n : k, b_cols = tb ? k : n;
  int lda = a_cols + pad, ldb = b_cols + 2 * pad, ldc = n + pad;
  gsize na = (gsize) a_rows * lda, nb = (gsize) b_rows * ldb, nc = (gsize) m * ldc;
  float *ha = random_floats (rng, na, -1.0f, 1.0f);
  float *hb = random_floats (rng, nb, -1.0f, 1.0f);
  float *hc = random_floats (rng, nc, -1.0f, 1.0f);
  Pair a = pair_floats (ha, na), b = pair_floats (hb, nb), c = pair_floats (hc, nc);
  char *what = g_strdup_printf ("gemm %c%c m=%d n=%d k=%d lda=%d ldb=%d ldc=%d alpha=%g beta=%g",
                                ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, lda, ldb, ldc,
                                alpha, beta);

  cpu->ops->gemm (cpu, ta, tb, m, n, k, alpha, a.c, lda, b.c, ldb, beta, c.c, ldc);
  gpu->ops->gemm (gpu, ta, tb, m, n, k, alpha, a.g, lda, b.g, ldb, beta, c.g, ldc);
  /* the padding between rows is compared too: it must stay untouched */
  check_pair (what, &c, RTOL, 0.0, TRUE);

  g_free (what);
  pair_free (&a);
  pair_free (&b);
  pair_free (&c);
  g_free (ha);
  g_free (hb);
  g_free (hc);
}

static void
test_gemm (void)
{
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 2);
  for (int t = 0; t < 4; t++)
    {
      gboolean ta = (t & 1) != 0, tb = (t & 2) != 0;

      gemm_case (&rng, ta, tb, 67, 45, 129, 0, 1.0f, 0.0f);
      gemm_case (&rng, ta, tb, 67, 45, 129, 3, 0.75f, 0.5f);
      gemm_case (&rng, ta, tb, 1, 33, 7, 1, -1.5f, 1.0f);
    }
  /* the network's three products, 784-64 at batch 128 */
  gemm_case (&rng, FALSE, TRUE, 128, 64, 784, 0, 1.0f, 0.0f);   /* Y = X·Wᵀ */
  gemm_case (&rng, TRUE, FALSE, 64, 784, 128, 0, 1.0f, 0.0f);   /* dW = dYᵀ·X */
  gemm_case (&rng, FALSE, FALSE, 128, 784, 64, 0, 1.0f, 0.0f);  /* dX = dY·W */
  /* weight averaging on a backend with its own memory: the average
   * a = d·a + (1 - d)·w as the product of a 1×1 by the 1×n weights */
  gemm_case (&rng, FALSE, FALSE, 1, 392330, 1, 0, 0.001f, 0.999f);
  /* k = 0: C = beta·C */
  gemm_case (&rng, FALSE, FALSE, 5, 6, 0, 2, 1.0f, 0.25f);
  gemm_case (&rng, TRUE, TRUE, 5, 6, 0, 0, 1.0f, 0.0f);
}

static void
test_gemm_tf32 (void)
{
  const int m = 256, n = 192, k = 512;
  float *ha, *hb, *rc, *gc;
  Pair a, b, c;
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 3);
  ha = random_floats (&rng, (gsize) m * k, -1.0f, 1.0f);
  hb = random_floats (&rng, (gsize) k * n, -1.0f, 1.0f);
  rc = g_new (float, (gsize) m * n);
  gc = g_new (float, (gsize) m * n);
  a = pair_floats (ha, (gsize) m * k);
  b = pair_floats (hb, (gsize) k * n);
  c = pair_floats (NULL, (gsize) m * n);

  cpu->ops->gemm (cpu, FALSE, FALSE, m, n, k, 1.0f, a.c, k, b.c, n, 0.0f, c.c, n);
  ink_backend_cuda_set_tf32 (gpu, TRUE);
  g_assert_true (ink_backend_cuda_get_tf32 (gpu));
  gpu->ops->gemm (gpu, FALSE, FALSE, m, n, k, 1.0f, a.g, k, b.g, n, 0.0f, c.g, n);
  pair_get (&c, rc, gc);
  /* TF32 keeps 10 mantissa bits of the inputs */
  check_normwise ("gemm in TF32", rc, gc, (gsize) m * n, 1e-2);

  ink_backend_cuda_set_tf32 (gpu, FALSE);
  g_assert_false (ink_backend_cuda_get_tf32 (gpu));
  gpu->ops->gemm (gpu, FALSE, FALSE, m, n, k, 1.0f, a.g, k, b.g, n, 0.0f, c.g, n);
  pair_get (&c, rc, gc);
  check_normwise ("gemm back in FP32", rc, gc, (gsize) m * n, RTOL);

  pair_free (&a);
  pair_free (&b);
  pair_free (&c);
  g_free (ha);
  g_free (hb);
  g_free (rc);
  g_free (gc);
}

static void
test_bias_col_sum (void)
{
  const int rows = 300, cols = 77;
  InkRng rng;
  float *hy, *hb;
  Pair y, b;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 4);
  hy = random_floats (&rng, (gsize) rows * cols, -1.0f, 1.0f);
  hb = random_floats (&rng, cols, -1.0f, 1.0f);
  y = pair_floats (hy, (gsize) rows * cols);
  b = pair_floats (hb, cols);

  cpu->ops->bias_add (cpu, y.c, b.c, rows, cols);
  gpu->ops->bias_add (gpu, y.g, b.g, rows, cols);
  check_pair ("bias_add", &y, RTOL, 1e-7, FALSE);

  /* col_sum over the biased Y: beta 0 overwrites, beta 0.5 accumulates */
  cpu->ops->col_sum (cpu, y.c, rows, cols, 0.0f, b.c);
  gpu->ops->col_sum (gpu, y.g, rows, cols, 0.0f, b.g);
  check_pair ("col_sum beta=0", &b, RTOL, 0.0, TRUE);
  pair_set (&b, hb);
  cpu->ops->col_sum (cpu, y.c, rows, cols, 0.5f, b.c);
  gpu->ops->col_sum (gpu, y.g, rows, cols, 0.5f, b.g);
  check_pair ("col_sum beta=0.5", &b, RTOL, 0.0, TRUE);
  /* a single row, and more columns than one block */
  cpu->ops->col_sum (cpu, y.c, 1, cols, 1.0f, b.c);
  gpu->ops->col_sum (gpu, y.g, 1, cols, 1.0f, b.g);
  check_pair ("col_sum rows=1 beta=1", &b, RTOL, 0.0, TRUE);

  pair_free (&y);
  pair_free (&b);
  g_free (hy);
  g_free (hb);
}

static void
test_activations (void)
{
  static const InkActivation acts[] = {
    INK_ACT_IDENTITY, INK_ACT_SIGMOID, INK_ACT_TANH, INK_ACT_RELU, INK_ACT_LEAKY_RELU,
  };
  static const char *names[] = { "identity", "sigmoid", "tanh", "relu", "leaky_relu" };
  const gsize n = 65537;
  const float slope = 0.01f;
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 5);
  for (guint k = 0; k < G_N_ELEMENTS (acts); k++)
    {
      float *hx = random_floats (&rng, n, -6.0f, 6.0f);
      float *hd = random_floats (&rng, n, -1.0f, 1.0f);
      float *fwd = g_new (float, n);
      Pair x = pair_floats (hx, n), d = pair_floats (hd, n);
      char *what;

      cpu->ops->act_forward (cpu, acts[k], slope, x.c, n);
      gpu->ops->act_forward (gpu, acts[k], slope, x.g, n);
      what = g_strdup_printf ("act_forward %s", names[k]);
      check_pair (what, &x, RTOL, 1e-6, FALSE);
      g_free (what);

      /* backward through the same output (the CPU's, on both sides) */
      cpu->ops->download (cpu, fwd, x.c, n * sizeof (float));
      pair_set (&x, fwd);
      cpu->ops->act_backward (cpu, acts[k], slope, x.c, d.c, n);
      gpu->ops->act_backward (gpu, acts[k], slope, x.g, d.g, n);
      what = g_strdup_printf ("act_backward %s", names[k]);
      check_pair (what, &d, RTOL, 1e-7, FALSE);
      g_free (what);

      pair_free (&x);
      pair_free (&d);
      g_free (hx);
      g_free (hd);
      g_free (fwd);
    }
}

static void
test_dropout_mul (void)
{
  static const float ps[] = { 0.0f, 0.1f, 0.3f, 0.5f, 0.9f };
  const gsize n = 100003;
  const guint64 seed = G_GUINT64_CONSTANT (0xDEADBEEF12345678);
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 6);
  for (guint k = 0; k < G_N_ELEMENTS (ps); k++)
    {
      const guint64 stream = k == 0 ? 0 : G_GUINT64_CONSTANT (1) << (10 * k);
      float *ha = random_floats (&rng, n, -2.0f, 2.0f);
      float *hx = random_floats (&rng, n, -2.0f, 2.0f);
      float *mc = g_new (float, n), *mg = g_new (float, n);
      float *ac = g_new (float, n), *ag = g_new (float, n);
      Pair a = pair_floats (ha, n), mask = pair_floats (NULL, n), x = pair_floats (hx, n);
      const float keep = 1.0f / (1.0f - ps[k]);
      gsize kept = 0;

      cpu->ops->dropout_forward (cpu, a.c, mask.c, n, ps[k], seed, stream);
      gpu->ops->dropout_forward (gpu, a.g, mask.g, n, ps[k], seed, stream);
      pair_get (&mask, mc, mg);
      pair_get (&a, ac, ag);

      /* bit for bit, and the mask is the documented function */
      g_assert_cmpmem (mg, n * sizeof (float), mc, n * sizeof (float));
      g_assert_cmpmem (ag, n * sizeof (float), ac, n * sizeof (float));
      for (gsize i = 0; i < n; i++)
        {
          float want = ink_hash_uniform (seed, stream, i) >= ps[k] ? keep : 0.0f;

          if (mg[i] != want)
            g_test_fail_printf ("dropout p=%g: mask[%" G_GSIZE_FORMAT "] = %g, want %g",
                                ps[k], i, mg[i], want);
          kept += mg[i] != 0.0f;
        }
      g_test_message ("dropout p=%g: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " kept, masks identical",
                      ps[k], kept, n);

      /* mul by the mask (the backward of dropout) */
      cpu->ops->mul (cpu, x.c, mask.c, n);
      gpu->ops->mul (gpu, x.g, mask.g, n);
      pair_get (&x, ac, ag);
      g_assert_cmpmem (ag, n * sizeof (float), ac, n * sizeof (float));

      pair_free (&a);
      pair_free (&mask);
      pair_free (&x);
      g_free (ha);
      g_free (hx);
      g_free (mc);
      g_free (mg);
      g_free (ac);
      g_free (ag);
    }
}

static void
test_softmax (void)
{
  static const int cols_list[] = { 10, 33, 1000, 1500 };
  const int rows = 37;
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 7);
  for (guint k = 0; k < G_N_ELEMENTS (cols_list); k++)
    {
      int cols = cols_list[k];
      gsize n = (gsize) rows * cols;
      float *hy = random_floats (&rng, n, -8.0f, 8.0f);
      Pair y = pair_floats (hy, n);
      char *what = g_strdup_printf ("softmax %d×%d", rows, cols);

      cpu->ops->softmax (cpu, y.c, rows, cols);
      gpu->ops->softmax (gpu, y.g, rows, cols);
      check_pair (what, &y, RTOL, 1e-9, FALSE);

      g_free (what);
      pair_free (&y);
      g_free (hy);
    }
}

static void
loss_case (InkRng  *rng,
           InkLoss  loss,
           int      batch,
           int      classes,
           gboolean with_grad)
{
  gsize n = (gsize) batch * classes;
  float *ho = random_floats (rng, n, loss == INK_LOSS_CROSS_ENTROPY ? -6.0f : -0.5f, 1.5f);
  gint32 *hl = g_new (gint32, batch);
  const double acc0[2] = { 1.25, 3.0 };
  double ac[2], ag[2];
  Pair out, labels, d, acc;
  char *what;

  for (int i = 0; i < batch; i++)
    hl[i] = (gint32) ink_rng_below (rng, classes);
  hl[batch / 2] = -1;          /* invalid labels: no target, never correct */
  hl[batch - 1] = classes;
  /* make some samples right, with a clear margin */
  for (int i = 0; i < batch; i += 3)
    if (hl[i] >= 0 && hl[i] < classes)
      ho[(gsize) i * classes + hl[i]] += 8.0f;

  out = pair_floats (ho, n);
  labels = pair_new (hl, sizeof (gint32) * batch);
  d = pair_floats (NULL, n);
  acc = pair_new (acc0, sizeof acc0);

  cpu->ops->loss (cpu, loss, out.c, labels.c, batch, classes, with_grad ? d.c : NULL, acc.c);
  gpu->ops->loss (gpu, loss, out.g, labels.g, batch, classes, with_grad ? d.g : NULL, acc.g);

  what = g_strdup_printf ("%s B=%d C=%d%s: out", loss == INK_LOSS_CROSS_ENTROPY ? "xent" : "mse",
                          batch, classes, with_grad ? "" : " (no grad)");
  check_pair (what, &out, RTOL, 1e-9, FALSE);
  g_free (what);
  what = g_strdup_printf ("%s B=%d C=%d%s: d_out", loss == INK_LOSS_CROSS_ENTROPY ? "xent" : "mse",
                          batch, classes, with_grad ? "" : " (no grad)");
  /* d_out is (p - target) / B (MSE: a multiple of o - target over B): where
   * p is near 1 the difference cancels, and both sides carry an absolute
   * error of a few ulps of 1 over B (first seen on an H200: 2 ulps, 1.9e-9
   * at B = 128), so the absolute term is 8 ulps of 1 over B */
  check_pair (what, &d, RTOL, 8.0 * FLT_EPSILON / batch, FALSE);
  pair_get (&acc, ac, ag);
  check_acc (what, ac, ag);
  g_free (what);

  pair_free (&out);
  pair_free (&labels);
  pair_free (&d);
  pair_free (&acc);
  g_free (ho);
  g_free (hl);
}

static void
test_loss (void)
{
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 8);
  loss_case (&rng, INK_LOSS_CROSS_ENTROPY, 128, 10, TRUE);
  loss_case (&rng, INK_LOSS_CROSS_ENTROPY, 77, 10, FALSE);
  loss_case (&rng, INK_LOSS_CROSS_ENTROPY, 19, 1030, TRUE);
  loss_case (&rng, INK_LOSS_MSE, 128, 10, TRUE);
  loss_case (&rng, INK_LOSS_MSE, 77, 10, FALSE);
  loss_case (&rng, INK_LOSS_MSE, 19, 1030, TRUE);
}

static void
update_case (InkRng           *rng,
             InkOptimizerKind  kind,
             gsize             n,
             int               row_len,
             float             max_norm,
             float             l1,
             float             l2)
{
  static const char *names[] = { "sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad" };
  InkOptParams p = { 0 };
  float *hw = random_floats (rng, n, -1.0f, 1.0f);
  Pair w = pair_floats (hw, n), g = pair_floats (NULL, n);
  Pair s1 = pair_floats (NULL, n), s2 = pair_floats (NULL, n);
  char *what;

  p.kind = kind;
  p.lr = kind == INK_OPT_ADAM || kind == INK_OPT_RMSPROP ? 0.01f : 0.1f;
  p.momentum = 0.9f;
  p.rho = 0.9f;
  p.beta1 = 0.9f;
  p.beta2 = 0.999f;
  p.eps = 1e-7f;
  p.l1 = l1;
  p.l2 = l2;
  p.max_norm = max_norm;

  for (guint64 step = 1; step <= 3; step++)
    {
      float *hg = random_floats (rng, n, -1.0f, 1.0f);

      pair_set (&g, hg);
      p.step = step;
      cpu->ops->update (cpu, &p, w.c, g.c, s1.c, s2.c, n, row_len);
      gpu->ops->update (gpu, &p, w.g, g.g, s1.g, s2.g, n, row_len);
      g_free (hg);
    }

  what = g_strdup_printf ("update %s n=%" G_GSIZE_FORMAT " row_len=%d max_norm=%g l1=%g l2=%g, 3 steps",
                          names[kind], n, row_len, max_norm, l1, l2);
  check_pair (what, &w, RTOL, 1e-6, FALSE);
  if (kind != INK_OPT_SGD)
    check_pair ("  state1", &s1, RTOL, 1e-6, FALSE);
  if (kind == INK_OPT_ADAM)
    check_pair ("  state2", &s2, RTOL, 1e-7, FALSE);
  g_free (what);

  pair_free (&w);
  pair_free (&g);
  pair_free (&s1);
  pair_free (&s2);
  g_free (hw);
}

static void
test_update (void)
{
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 9);
  for (int kind = INK_OPT_SGD; kind <= INK_OPT_ADADELTA; kind++)
    {
      /* biases: plain */
      update_case (&rng, kind, 1001, 1001, 0.0f, 0.0f, 0.0f);
      /* weights with both penalties */
      update_case (&rng, kind, 37 * 50, 50, 0.0f, 1e-3f, 1e-2f);
      /* weights with the norm constraint (rows of 50 start at norm ~4) */
      update_case (&rng, kind, 37 * 50, 50, 1.5f, 1e-3f, 1e-2f);
      /* long rows (one block strides) and a ragged last row */
      update_case (&rng, kind, 3 * 784 + 100, 784, 9.0f, 0.0f, 1e-3f);
    }
}

static void
test_gather (void)
{
  const guint n_items = 500, dim = 784;
  const int rows = 200;
  const InkAffine affs[] = {
    { 1.0f / 255.0f, 0.0f },
    { 1.0f / (255.0f * 0.3081f), -0.1307f / 0.3081f },
    { 1.0f, 0.0f },
  };
  guint8 *images = g_new (guint8, (gsize) n_items * dim);
  guint8 *labels = g_new (guint8, n_items);
  guint32 idx[256];
  gint32 lc[200], lg[200];
  InkDevData *dc, *dg;
  GError *error = NULL;
  Pair pidx, x, lab;
  InkRng rng;

  if (!need_gpu ())
    {
      g_free (images);
      g_free (labels);
      return;
    }

  ink_rng_init (&rng, 10);
  for (gsize i = 0; i < (gsize) n_items * dim; i++)
    images[i] = (guint8) ink_rng_below (&rng, 256);
  for (guint i = 0; i < n_items; i++)
    labels[i] = (guint8) ink_rng_below (&rng, 10);
  for (guint i = 0; i < G_N_ELEMENTS (idx); i++)
    idx[i] = ink_rng_below (&rng, n_items);
  idx[20] = n_items - 1;
  idx[21] = 0;

  dc = cpu->ops->data_upload (cpu, images, labels, n_items, dim, &error);
  g_assert_no_error (error);
  dg = gpu->ops->data_upload (gpu, images, labels, n_items, dim, &error);
  g_assert_no_error (error);
  pidx = pair_new (idx, sizeof idx);
  x = pair_floats (NULL, (gsize) rows * dim);
  lab = pair_new (NULL, sizeof lc);

  for (guint k = 0; k < G_N_ELEMENTS (affs); k++)
    {
      char *what = g_strdup_printf ("gather scale=%g shift=%g", affs[k].scale, affs[k].shift);

      /* from an offset into the index list, as the trainer does per minibatch */
      cpu->ops->gather (cpu, dc, (const guint32 *) pidx.c + 17, rows, affs[k], x.c, lab.c);
      gpu->ops->gather (gpu, dg, (const guint32 *) pidx.g + 17, rows, affs[k], x.g, lab.g);
      check_pair (what, &x, 1e-6, 1e-6, FALSE);
      pair_get (&lab, lc, lg);
      g_assert_cmpmem (lg, sizeof lg, lc, sizeof lc);
      for (int r = 0; r < rows; r++)
        g_assert_cmpint (lg[r], ==, labels[idx[17 + r]]);
      g_free (what);
    }

  cpu->ops->data_free (cpu, dc);
  gpu->ops->data_free (gpu, dg);
  pair_free (&pidx);
  pair_free (&x);
  pair_free (&lab);
  assert_synced (gpu);
  g_free (images);
  g_free (labels);
}

/* One batch of a training step on a backend: the dataset resident, the
 * batch's indices uploaded and gathered into x with its labels, and a loss
 * accumulator */
typedef struct
{
  InkBackend *be;
  InkDevData *data;
  guint32    *idx;
  gint32     *labels;
  float      *x;
  double     *acc;
} StepBatch;

static void
step_batch_init (StepBatch     *s,
                 InkBackend    *be,
                 const guint8  *images,
                 const guint8  *labels,
                 int            n_items,
                 int            dim,
                 const guint32 *idx,
                 int            batch,
                 InkAffine      aff)
{
  GError *error = NULL;

  s->be = be;
  s->data = be->ops->data_upload (be, images, labels, n_items, dim, &error);
  g_assert_no_error (error);
  s->idx = be->ops->alloc (be, sizeof (guint32) * batch, &error);
  g_assert_no_error (error);
  s->labels = be->ops->alloc (be, sizeof (gint32) * batch, &error);
  g_assert_no_error (error);
  s->x = ink_backend_alloc_floats (be, (gsize) batch * dim, &error);
  g_assert_no_error (error);
  s->acc = be->ops->alloc (be, 2 * sizeof (double), &error);
  g_assert_no_error (error);
  be->ops->upload (be, s->idx, idx, sizeof (guint32) * batch);
  be->ops->gather (be, s->data, s->idx, batch, aff, s->x, s->labels);
}

static void
step_batch_clear (StepBatch *s)
{
  InkBackend *be = s->be;

  be->ops->free (be, s->idx);
  be->ops->free (be, s->labels);
  be->ops->free (be, s->x);
  be->ops->free (be, s->acc);
  be->ops->data_free (be, s->data);
}

/* n_items 28×28 images for a step test, noise below `noise` plus a mark
 * of the class with values from `bright` up (block: a 6×6 block at one of
 * ten places; else two rows across, lower for a higher class), their
 * labels, and batch random indices into them */
static void
step_images (guint64    seed,
             int        n_items,
             int        batch,
             int        noise,
             int        bright,
             gboolean   block,
             guint8   **images_out,
             guint8   **labels_out,
             guint32  **idx_out)
{
  const int dim = 784;
  guint8 *images = g_new (guint8, (gsize) n_items * dim);
  guint8 *labels = g_new (guint8, n_items);
  guint32 *idx = g_new (guint32, batch);
  InkRng rng;

  ink_rng_init (&rng, seed);
  for (int i = 0; i < n_items; i++)
    {
      guint8 *img = images + (gsize) i * dim;
      guint c = ink_rng_below (&rng, 10);

      labels[i] = (guint8) c;
      for (int p = 0; p < dim; p++)
        img[p] = (guint8) ink_rng_below (&rng, noise);
      if (block)
        for (int r = 0; r < 6; r++)
          for (int col = 0; col < 6; col++)
            img[28 * (2 + (c / 5) * 12 + r) + 2 + (c % 5) * 5 + col] =
              (guint8) (bright + ink_rng_below (&rng, 256 - bright));
      else
        for (int p = 0; p < 56; p++)
          img[28 * (2 + 2 * c) + p] = (guint8) (bright + ink_rng_below (&rng, 256 - bright));
    }
  for (int i = 0; i < batch; i++)
    idx[i] = ink_rng_below (&rng, n_items);
  *images_out = images;
  *labels_out = labels;
  *idx_out = idx;
}

/* One training step of 784-64-10 (input dropout 0.2, hidden dropout 0.5) on
 * both backends from the same initial weights, batch and dropout draws. */
static void
test_network_step (void)
{
  const int B = 128, n_items = 1000, dim = 784;
  InkLayerSpec layers[2] = {
    { 64, INK_ACT_RELU, 0.5f },
    { 10, INK_ACT_SOFTMAX, 0.0f },
  };
  InkNetSpec spec = { 0 };
  InkOptimizerSpec ospec;
  InkBackend *bes[2];
  float *params[2], *grads[2], *outs[2];
  double accs[2][2];
  guint8 *images, *labels;
  guint32 *idx;
  const InkAffine aff = { 1.0f / 255.0f, 0.0f };
  gsize n_params;

  if (!need_gpu ())
    return;
  /* images: noise plus a class-dependent bright stripe, so the step means something */
  step_images (11, n_items, B, 64, 192, FALSE, &images, &labels, &idx);

  spec.n_inputs = dim;
  spec.input_dropout = 0.2f;
  spec.n_layers = 2;
  spec.layers = layers;
  spec.loss = INK_LOSS_CROSS_ENTROPY;
  spec.init = INK_INIT_GLOROT_UNIFORM;
  spec.leaky_slope = 0.01f;
  n_params = ink_net_spec_n_params (&spec);

  ink_optimizer_spec_defaults (&ospec, INK_OPT_NESTEROV);
  ospec.lr = 0.1f;
  ospec.l2 = 1e-4f;
  ospec.max_norm = 2.0f;

  bes[0] = cpu;
  bes[1] = gpu;
  for (int k = 0; k < 2; k++)
    {
      InkBackend *be = bes[k];
      GError *error = NULL;
      InkNetwork *net;
      InkOptimizer *opt;
      StepBatch sb;
      float *out;

      net = ink_network_new (&spec, be, B, &error);
      g_assert_no_error (error);
      opt = ink_optimizer_new (&ospec, net, &error);
      g_assert_no_error (error);
      ink_network_init_params (net, 42);

      step_batch_init (&sb, be, images, labels, n_items, dim, idx, B, aff);
      out = ink_network_forward (net, sb.x, B, TRUE, G_GUINT64_CONSTANT (0x5EED), 3);
      be->ops->loss (be, spec.loss, out, sb.labels, B, 10, net->delta[1], sb.acc);
      ink_network_backward (net, sb.x, B, FALSE);
      ink_optimizer_step (opt, ink_optimizer_lr (opt, 0));

      outs[k] = g_new (float, (gsize) B * 10);
      be->ops->download (be, outs[k], out, sizeof (float) * B * 10);
      grads[k] = g_new (float, n_params);
      be->ops->download (be, grads[k], net->grads, sizeof (float) * n_params);
      params[k] = g_new (float, n_params);
      ink_network_get_params (net, params[k]);
      be->ops->download (be, accs[k], sb.acc, sizeof accs[k]);
      assert_synced (be);

      step_batch_clear (&sb);
      ink_optimizer_free (opt);
      ink_network_free (net);
    }

  check_close ("network step: probabilities", outs[0], outs[1], (gsize) B * 10, 1e-4, 1e-7);
  check_acc ("network step: loss", accs[0], accs[1]);
  /* a ReLU unit whose input sits within rounding of 0 may switch; hence the
   * looser normwise check on the gradients */
  check_close ("network step: gradients", grads[0], grads[1], n_params,
               1e-4, 1e-3 * max_abs (grads[0], n_params));
  check_close ("network step: parameters after one step", params[0], params[1], n_params,
               1e-4, 1e-4);

  for (int k = 0; k < 2; k++)
    {
      g_free (outs[k]);
      g_free (grads[k]);
      g_free (params[k]);
    }
  g_free (images);
  g_free (labels);
  g_free (idx);
}

/* ---- the image layers, op by op ---- */

/* One convolution on both backends: forward, then dW, db and dX (and dW,
 * db alone, dx NULL).  gpu_col_floats > 0 hands the GPU a smaller workspace
 * than it asks for, so that it lowers the batch in several chunks. */
static void
conv_case (InkRng            *rng,
           const InkConvGeom *g,
           int                batch,
           gsize              gpu_col_floats)
{
  const gsize n_x = (gsize) batch * g->channels * g->height * g->width;
  const gsize n_y = (gsize) batch * g->filters * g->out_h * g->out_w;
  const gsize n_w = (gsize) g->filters * g->channels * g->kernel_h * g->kernel_w;
  const gsize ccol = cpu->ops->conv2d_workspace (cpu, g, batch);
  const gsize gcol = gpu_col_floats > 0 ? gpu_col_floats : gpu->ops->conv2d_workspace (gpu, g, batch);
  float *hx = random_floats (rng, n_x, -1.0f, 1.0f);
  float *hw = random_floats (rng, n_w, -0.5f, 0.5f);
  float *hb = random_floats (rng, g->filters, -0.5f, 0.5f);
  float *hdy = random_floats (rng, n_y, -1.0f, 1.0f);
  float *nan_x = g_new (float, n_x);
  Pair x = pair_floats (hx, n_x), w = pair_floats (hw, n_w), b = pair_floats (hb, g->filters);
  Pair dy = pair_floats (hdy, n_y), y = pair_floats (NULL, n_y), dx = pair_floats (NULL, n_x);
  Pair dw = pair_floats (NULL, n_w), db = pair_floats (NULL, g->filters);
  float *col_c, *col_g;
  GError *error = NULL;
  char *what, *w_what;

  g_assert_cmpuint (gcol, >, 0);
  col_c = ink_backend_alloc_floats (cpu, ccol, &error);
  g_assert_no_error (error);
  col_g = ink_backend_alloc_floats (gpu, gcol, &error);
  g_assert_no_error (error);
  what = g_strdup_printf ("conv2d %dx%dx%d -> %dx%dx%d, %dx%d kernel, stride %d, pad %d/%d, "
                          "batch %d, GPU workspace %" G_GSIZE_FORMAT " floats",
                          g->channels, g->height, g->width, g->filters, g->out_h, g->out_w,
                          g->kernel_h, g->kernel_w, g->stride, g->pad_top, g->pad_left,
                          batch, gcol);

  /* outputs start as NaN: every element must be written */
  for (gsize i = 0; i < n_x; i++)
    nan_x[i] = NAN;
  pair_set (&dx, nan_x);

  cpu->ops->conv2d_forward (cpu, g, batch, x.c, w.c, b.c, y.c, col_c, ccol);
  gpu->ops->conv2d_forward (gpu, g, batch, x.g, w.g, b.g, y.g, col_g, gcol);
  w_what = g_strdup_printf ("%s: y", what);
  check_pair (w_what, &y, 1e-5, 0.0, TRUE);
  g_free (w_what);

  cpu->ops->conv2d_backward (cpu, g, batch, x.c, w.c, dy.c, dw.c, db.c, dx.c, col_c, ccol);
  gpu->ops->conv2d_backward (gpu, g, batch, x.g, w.g, dy.g, dw.g, db.g, dx.g, col_g, gcol);
  /* dW and db sum over batch·out_h·out_w terms (73,728 for the Keras
   * layer), in other orders on each side: 1e-4 of the largest */
  w_what = g_strdup_printf ("%s: dW", what);
  check_pair (w_what, &dw, 1e-4, 0.0, TRUE);
  g_free (w_what);
  w_what = g_strdup_printf ("%s: db", what);
  check_pair (w_what, &db, 1e-4, 0.0, TRUE);
  g_free (w_what);
  w_what = g_strdup_printf ("%s: dX", what);
  check_pair (w_what, &dx, 1e-5, 0.0, TRUE);
  g_free (w_what);

  /* without dX (the first layer's case): the same dW and db */
  pair_set (&dw, hw);
  cpu->ops->conv2d_backward (cpu, g, batch, x.c, w.c, dy.c, dw.c, db.c, NULL, col_c, ccol);
  gpu->ops->conv2d_backward (gpu, g, batch, x.g, w.g, dy.g, dw.g, db.g, NULL, col_g, gcol);
  w_what = g_strdup_printf ("%s: dW without dX", what);
  check_pair (w_what, &dw, 1e-4, 0.0, TRUE);
  g_free (w_what);
  assert_synced (gpu);

  cpu->ops->free (cpu, col_c);
  gpu->ops->free (gpu, col_g);
  pair_free (&x);
  pair_free (&w);
  pair_free (&b);
  pair_free (&dy);
  pair_free (&y);
  pair_free (&dx);
  pair_free (&dw);
  pair_free (&db);
  g_free (hx);
  g_free (hw);
  g_free (hb);
  g_free (hdy);
  g_free (nan_x);
  g_free (what);
}

static void
test_conv2d (void)
{
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 20);
  for (int stride = 1; stride <= 2; stride++)
    for (int same = 0; same <= 1; same++)
      {
        InkConvGeom g;

        /* several input channels, an odd image, a rectangular kernel */
        g = test_conv_geom (3, 11, 9, 5, 3, 3, stride, same);
        conv_case (&rng, &g, 7, 0);
        g = test_conv_geom (4, 10, 10, 6, 2, 3, stride, same);
        conv_case (&rng, &g, 5, 0);
        /* one input channel, MNIST-sized, LeNet's 5×5 */
        g = test_conv_geom (1, 28, 28, 6, 5, 5, stride, same);
        conv_case (&rng, &g, 9, 0);
      }

  {
    /* keras-mnist-cnn's second convolution at its batch of 128 */
    InkConvGeom g = test_conv_geom (32, 26, 26, 64, 3, 3, 1, FALSE);

    conv_case (&rng, &g, 128, 0);
    /* ... lowered 37 samples at a time (a ragged last chunk), and 1 at a time */
    conv_case (&rng, &g, 128, 37 * (gsize) (32 * 9 + 64) * 24 * 24);
    conv_case (&rng, &g, 5, (gsize) (32 * 9 + 64) * 24 * 24);
  }
}

/* The CPU's tie rule (the first of equal maxima in row-major window order)
 * on the GPU: argmax and the maxima identical; the gradients and the
 * averages are bit for bit the same today (the same sums in the same
 * order) and must agree to rounding. */
static void
pool_case (InkRng   *rng,
           int       channels,
           int       height,
           int       width,
           int       size,
           int       stride,
           int       batch,
           gboolean  ties)
{
  const int oh = (height - size) / stride + 1, ow = (width - size) / stride + 1;
  const gsize n_x = (gsize) batch * channels * height * width;
  const gsize n_y = (gsize) batch * channels * oh * ow;
  float *hx = random_floats (rng, n_x, -1.0f, 1.0f);
  float *hdy = random_floats (rng, n_y, -1.0f, 1.0f);
  float *nan_x = g_new (float, n_x), *rc = g_new (float, n_x), *rg = g_new (float, n_x);
  gint32 *ac = g_new (gint32, n_y), *ag = g_new (gint32, n_y);
  Pair x, dy, y, dx, arg;
  char *what = g_strdup_printf ("%dx%d windows every %d on %dx%dx%d, batch %d%s", size, size,
                                stride, channels, height, width, batch,
                                ties ? ", values in steps of 1/2 (many ties)" : "");

  if (ties)
    for (gsize i = 0; i < n_x; i++)
      hx[i] = floorf (hx[i] * 2.0f) / 2.0f;
  for (gsize i = 0; i < n_x; i++)
    nan_x[i] = NAN;
  x = pair_floats (hx, n_x);
  dy = pair_floats (hdy, n_y);
  y = pair_floats (NULL, n_y);
  dx = pair_floats (nan_x, n_x);
  arg = pair_new (NULL, n_y * sizeof (gint32));

  cpu->ops->max_pool_forward (cpu, channels, height, width, size, stride, batch, x.c, y.c, arg.c);
  gpu->ops->max_pool_forward (gpu, channels, height, width, size, stride, batch, x.g, y.g, arg.g);
  pair_get (&y, rc, rg);
  if (memcmp (rc, rg, n_y * sizeof (float)) != 0)
    check_close (what, rc, rg, n_y, 0.0, 0.0);
  pair_get (&arg, ac, ag);
  for (gsize i = 0; i < n_y; i++)
    if (ac[i] != ag[i])
      {
        g_test_fail_printf ("max-pool %s: argmax of output %" G_GSIZE_FORMAT ": cpu %d, cuda %d",
                            what, i, ac[i], ag[i]);
        break;
      }
  cpu->ops->max_pool_backward (cpu, channels, height, width, size, stride, batch, dy.c, arg.c, dx.c);
  gpu->ops->max_pool_backward (gpu, channels, height, width, size, stride, batch, dy.g, arg.g, dx.g);
  pair_get (&dx, rc, rg);
  /* the same additions in the same order today; overlapping windows may sum
   * in another order should the CPU's pooling change */
  if (memcmp (rc, rg, n_x * sizeof (float)) != 0)
    check_close ("max-pool backward", rc, rg, n_x, 1e-6, 1e-7);

  pair_set (&dx, nan_x);
  cpu->ops->avg_pool_forward (cpu, channels, height, width, size, stride, batch, x.c, y.c);
  gpu->ops->avg_pool_forward (gpu, channels, height, width, size, stride, batch, x.g, y.g);
  pair_get (&y, rc, rg);
  if (memcmp (rc, rg, n_y * sizeof (float)) != 0)
    check_close ("avg-pool forward", rc, rg, n_y, 1e-6, 1e-7);
  cpu->ops->avg_pool_backward (cpu, channels, height, width, size, stride, batch, dy.c, dx.c);
  gpu->ops->avg_pool_backward (gpu, channels, height, width, size, stride, batch, dy.g, dx.g);
  pair_get (&dx, rc, rg);
  if (memcmp (rc, rg, n_x * sizeof (float)) != 0)
    check_close ("avg-pool backward", rc, rg, n_x, 1e-6, 1e-7);
  g_test_message ("pooling %s: compared", what);

  pair_free (&x);
  pair_free (&dy);
  pair_free (&y);
  pair_free (&dx);
  pair_free (&arg);
  g_free (hx);
  g_free (hdy);
  g_free (nan_x);
  g_free (rc);
  g_free (rg);
  g_free (ac);
  g_free (ag);
  g_free (what);
}

static void
test_pooling (void)
{
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 21);
  for (int ties = 0; ties <= 1; ties++)
    {
      pool_case (&rng, 32, 24, 24, 2, 2, 17, ties);   /* keras-mnist-cnn's pool */
      pool_case (&rng, 3, 11, 9, 3, 2, 5, ties);      /* overlapping, rows left over */
      pool_case (&rng, 2, 10, 10, 3, 1, 4, ties);     /* stride 1: each pixel in 9 windows */
      pool_case (&rng, 2, 7, 7, 2, 3, 3, ties);       /* gaps between windows */
      pool_case (&rng, 4, 5, 5, 1, 1, 2, ties);       /* 1×1: a copy */
    }
  {
    /* all equal: every argmax the window's first pixel */
    const int n = 2 * 3 * 6 * 6;
    float *zeros = g_new0 (float, n);
    gint32 arg[2 * 3 * 3 * 3];
    Pair x = pair_floats (zeros, n), y = pair_floats (NULL, 2 * 3 * 9);
    Pair a = pair_new (NULL, sizeof arg);

    gpu->ops->max_pool_forward (gpu, 3, 6, 6, 2, 2, 2, x.g, y.g, a.g);
    gpu->ops->download (gpu, arg, a.g, sizeof arg);
    assert_synced (gpu);
    for (int i = 0; i < (int) G_N_ELEMENTS (arg); i++)
      g_assert_cmpint (arg[i], ==, ((i % 9) / 3) * 2 * 6 + (i % 3) * 2);
    pair_free (&x);
    pair_free (&y);
    pair_free (&a);
    g_free (zeros);
  }
}

/* Batch norm on both backends: training (batch statistics, the running
 * ones moved) and evaluation (the running ones), forward and backward. */
static void
batch_norm_case (InkRng   *rng,
                 int       batch,
                 int       channels,
                 int       spatial,
                 gboolean  training)
{
  const gsize n = (gsize) batch * channels * spatial;
  const float momentum = 0.9f, epsilon = 1e-3f;
  float *hx = random_floats (rng, n, -2.0f, 3.0f);
  float *hdy = random_floats (rng, n, -1.0f, 1.0f);
  float *hg = random_floats (rng, channels, 0.5f, 1.5f);
  float *hb = random_floats (rng, channels, -1.0f, 1.0f);
  float *hrm = random_floats (rng, channels, -0.5f, 0.5f);
  float *hrv = random_floats (rng, channels, 0.5f, 2.0f);
  Pair x = pair_floats (hx, n), dy = pair_floats (hdy, n), gamma = pair_floats (hg, channels);
  Pair beta = pair_floats (hb, channels), rm = pair_floats (hrm, channels);
  Pair rv = pair_floats (hrv, channels), y = pair_floats (NULL, n), xhat = pair_floats (NULL, n);
  Pair inv_std = pair_floats (NULL, channels), dx = pair_floats (NULL, n);
  Pair dgamma = pair_floats (NULL, channels), dbeta = pair_floats (NULL, channels);
  char *what = g_strdup_printf ("batch norm (%s), batch %d, %d channels of %d",
                                training ? "training" : "evaluation", batch, channels, spatial);
  char *w;

  cpu->ops->batch_norm_forward (cpu, batch, channels, spatial, x.c, gamma.c, beta.c, epsilon,
                                training, momentum, rm.c, rv.c, y.c, xhat.c, inv_std.c);
  gpu->ops->batch_norm_forward (gpu, batch, channels, spatial, x.g, gamma.g, beta.g, epsilon,
                                training, momentum, rm.g, rv.g, y.g, xhat.g, inv_std.g);
#define CHECK_BN(name, pair, rtol, atol) \
  w = g_strdup_printf ("%s: %s", what, name); \
  check_pair (w, &(pair), rtol, atol, FALSE); \
  g_free (w);
  CHECK_BN ("y", y, 1e-5, 1e-5);
  CHECK_BN ("xhat", xhat, 1e-5, 1e-5);
  CHECK_BN ("inv_std", inv_std, 1e-5, 0.0);
  CHECK_BN ("running mean", rm, 1e-5, 1e-6);
  CHECK_BN ("running variance", rv, 1e-5, 0.0);
  if (!training)
    {
      /* evaluation leaves the running statistics alone and normalizes with them */
      float *rc = g_new (float, channels), *rg = g_new (float, channels);

      pair_get (&rm, rc, rg);
      g_assert_cmpmem (rg, channels * sizeof (float), hrm, channels * sizeof (float));
      pair_get (&rv, rc, rg);
      g_assert_cmpmem (rg, channels * sizeof (float), hrv, channels * sizeof (float));
      g_free (rc);
      g_free (rg);
    }

  /* backward from the CPU's x̂ and 1/σ on both sides */
  {
    float *h = g_new (float, n);

    cpu->ops->download (cpu, h, xhat.c, n * sizeof (float));
    pair_set (&xhat, h);
    cpu->ops->download (cpu, h, inv_std.c, channels * sizeof (float));
    pair_set (&inv_std, h);
    g_free (h);
  }
  cpu->ops->batch_norm_backward (cpu, batch, channels, spatial, dy.c, xhat.c, inv_std.c, gamma.c,
                                 training, dx.c, dgamma.c, dbeta.c);
  gpu->ops->batch_norm_backward (gpu, batch, channels, spatial, dy.g, xhat.g, inv_std.g, gamma.g,
                                 training, dx.g, dgamma.g, dbeta.g);
  w = g_strdup_printf ("%s: dx", what);
  check_pair (w, &dx, 1e-4, 0.0, TRUE);
  g_free (w);
  w = g_strdup_printf ("%s: dgamma", what);
  check_pair (w, &dgamma, 1e-5, 0.0, TRUE);
  g_free (w);
  w = g_strdup_printf ("%s: dbeta", what);
  check_pair (w, &dbeta, 1e-5, 0.0, TRUE);
  g_free (w);
  /* without dx: the same dγ, dβ */
  gpu->ops->batch_norm_backward (gpu, batch, channels, spatial, dy.g, xhat.g, inv_std.g, gamma.g,
                                 training, NULL, dgamma.g, dbeta.g);
  w = g_strdup_printf ("%s: dgamma without dx", what);
  check_pair (w, &dgamma, 1e-5, 0.0, TRUE);
  g_free (w);
#undef CHECK_BN

  pair_free (&x);
  pair_free (&dy);
  pair_free (&gamma);
  pair_free (&beta);
  pair_free (&rm);
  pair_free (&rv);
  pair_free (&y);
  pair_free (&xhat);
  pair_free (&inv_std);
  pair_free (&dx);
  pair_free (&dgamma);
  pair_free (&dbeta);
  g_free (hx);
  g_free (hdy);
  g_free (hg);
  g_free (hb);
  g_free (hrm);
  g_free (hrv);
  g_free (what);
}

static void
test_batch_norm (void)
{
  InkRng rng;

  if (!need_gpu ())
    return;

  ink_rng_init (&rng, 22);
  for (int training = 1; training >= 0; training--)
    {
      batch_norm_case (&rng, 128, 32, 26 * 26, training);   /* after a convolution */
      batch_norm_case (&rng, 7, 5, 36, training);
      batch_norm_case (&rng, 128, 300, 1, training);        /* after a dense layer */
      batch_norm_case (&rng, 3, 1, 1, training);
    }
}

/* ---- a whole small CNN ---- */

/* conv (same) → batch norm → ReLU, max-pool, conv stride 2 (valid) with
 * dropout, avg-pool, dense with batch norm, softmax; one training step and
 * an evaluation pass on both backends from the same weights and batch.
 * Momentum SGD: its step is proportional to the gradient (Adam's first step
 * is ±lr for any gradient, so a gradient that is 0 up to rounding, like the
 * bias of a convolution followed by batch norm, would step either way).
 *
 * Rounding must not decide a max-pool window or a ReLU differently on the
 * two sides (one flipped route moves the first layer's gradient by ~1/200):
 * the pixels are scaled by 1/256 and the first convolution's weights rounded
 * to multiples of 1/256, so its products and sums are exact in FP32 (and
 * TF32) whatever the order, and what feeds the first pool is the same on
 * both sides. */
static void
test_cnn_step (void)
{
  const int B = 64, n_items = 500, dim = 784;
  InkLayerSpec layers[] = {
    { .kind = INK_LAYER_CONV2D, .filters = 8, .kernel_h = 3, .kernel_w = 3, .stride = 1,
      .padding = INK_PADDING_SAME, .activation = INK_ACT_IDENTITY },
    { .kind = INK_LAYER_BATCH_NORM, .momentum = 0.9f, .epsilon = 1e-3f,
      .activation = INK_ACT_RELU },
    { .kind = INK_LAYER_MAX_POOL, .pool_size = 2, .stride = 2 },
    { .kind = INK_LAYER_CONV2D, .filters = 12, .kernel_h = 3, .kernel_w = 3, .stride = 2,
      .padding = INK_PADDING_VALID, .activation = INK_ACT_TANH, .dropout = 0.25f },
    { .kind = INK_LAYER_AVG_POOL, .pool_size = 2, .stride = 2 },
    { .units = 32, .activation = INK_ACT_IDENTITY },
    { .kind = INK_LAYER_BATCH_NORM, .momentum = 0.9f, .epsilon = 1e-3f,
      .activation = INK_ACT_RELU, .dropout = 0.5f },
    { .units = 10, .activation = INK_ACT_SOFTMAX },
  };
  InkNetSpec spec = {
    .n_inputs = dim, .n_layers = G_N_ELEMENTS (layers), .layers = layers,
    .loss = INK_LOSS_CROSS_ENTROPY, .init = INK_INIT_HE_UNIFORM, .leaky_slope = 0.01f,
  };
  InkOptimizerSpec ospec;
  InkBackend *bes[2];
  float *params[2], *grads[2], *outs[2], *evals[2], *dins[2], *pool_in[2];
  gsize n_pool_in = 0;
  double accs[2][2];
  guint8 *images, *labels;
  guint32 *idx;
  const InkAffine aff = { 1.0f / 256.0f, 0.0f };
  float *start;
  gsize n_params;

  if (!need_gpu ())
    return;
  /* noise plus a class-dependent bright block */
  step_images (23, n_items, B, 96, 160, TRUE, &images, &labels, &idx);

  n_params = ink_net_spec_n_params (&spec);
  {
    GError *error = NULL;
    InkNetwork *net = ink_network_new (&spec, cpu, B, &error);
    gsize first;

    g_assert_no_error (error);
    ink_network_init_params (net, 42);
    start = g_new (float, n_params);
    ink_network_get_params (net, start);
    first = net->shape[0].n_weights + net->shape[0].n_biases;
    for (gsize i = 0; i < first; i++)
      start[net->w_offset[0] + i] = roundf (start[net->w_offset[0] + i] * 256.0f) / 256.0f;
    ink_network_free (net);
  }
  ink_optimizer_spec_defaults (&ospec, INK_OPT_MOMENTUM);
  ospec.lr = 0.05f;

  bes[0] = cpu;
  bes[1] = gpu;
  for (int k = 0; k < 2; k++)
    {
      InkBackend *be = bes[k];
      GError *error = NULL;
      InkNetwork *net;
      InkOptimizer *opt;
      StepBatch sb;
      float *out;
      const int L = spec.n_layers;

      net = ink_network_new (&spec, be, B, &error);
      g_assert_no_error (error);
      opt = ink_optimizer_new (&ospec, net, &error);
      g_assert_no_error (error);
      ink_network_set_params (net, start);

      step_batch_init (&sb, be, images, labels, n_items, dim, idx, B, aff);
      out = ink_network_forward (net, sb.x, B, TRUE, G_GUINT64_CONSTANT (0xC0FFEE), 5);
      n_pool_in = (gsize) B * net->shape[1].n_outputs;
      pool_in[k] = g_new (float, n_pool_in);
      be->ops->download (be, pool_in[k], net->act[1], sizeof (float) * n_pool_in);
      be->ops->loss (be, spec.loss, out, sb.labels, B, 10, net->delta[L - 1], sb.acc);
      ink_network_backward (net, sb.x, B, TRUE);

      outs[k] = g_new (float, (gsize) B * 10);
      be->ops->download (be, outs[k], out, sizeof (float) * B * 10);
      grads[k] = g_new (float, n_params);
      be->ops->download (be, grads[k], net->grads, sizeof (float) * n_params);
      dins[k] = g_new (float, (gsize) B * dim);
      be->ops->download (be, dins[k], net->d_input, sizeof (float) * B * dim);
      be->ops->download (be, accs[k], sb.acc, sizeof accs[k]);

      ink_optimizer_step (opt, ink_optimizer_lr (opt, 0));
      params[k] = g_new (float, n_params);
      ink_network_get_params (net, params[k]);   /* incl. the moved running statistics */

      /* evaluation: the running statistics normalize, no dropout */
      out = ink_network_forward (net, sb.x, B, FALSE, 0, 0);
      be->ops->softmax (be, out, B, 10);
      evals[k] = g_new (float, (gsize) B * 10);
      be->ops->download (be, evals[k], out, sizeof (float) * B * 10);
      assert_synced (be);

      step_batch_clear (&sb);
      ink_optimizer_free (opt);
      ink_network_free (net);
    }

  /* what feeds the first pool: the same on both sides (see above) */
  check_close ("CNN step: batch norm + ReLU before the first pool", pool_in[0], pool_in[1],
               n_pool_in, 1e-6, 1e-7);
  check_close ("CNN step: probabilities", outs[0], outs[1], (gsize) B * 10, 1e-4, 1e-6);
  check_acc ("CNN step: loss", accs[0], accs[1]);
  /* a ReLU or max-pool decision within rounding may flip: normwise */
  check_close ("CNN step: gradients", grads[0], grads[1], n_params,
               1e-4, 1e-3 * max_abs (grads[0], n_params));
  check_close ("CNN step: input gradient", dins[0], dins[1], (gsize) B * dim,
               1e-4, 1e-3 * max_abs (dins[0], (gsize) B * dim));
  check_close ("CNN step: parameters (and running statistics) after one step",
               params[0], params[1], n_params, 1e-4, 1e-4);
  check_close ("CNN evaluation pass: probabilities", evals[0], evals[1], (gsize) B * 10,
               1e-4, 1e-6);

  for (int k = 0; k < 2; k++)
    {
      g_free (outs[k]);
      g_free (grads[k]);
      g_free (params[k]);
      g_free (evals[k]);
      g_free (dins[k]);
      g_free (pool_in[k]);
    }
  g_free (start);
  g_free (images);
  g_free (labels);
  g_free (idx);
}

/* Where the CUDA module cannot be loaded (here: $INKLING_CUDA_MODULE names a
 * file that is not there), "cuda" fails with one clear error, "auto" runs on
 * the CPU and ink_backend_cuda_available says why.  In a subprocess: the
 * module is opened once per process. */
static void
test_module_missing (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "no-such-dir",
                                                   "libinkling-cuda.so", NULL);
      g_autofree char *first = NULL;
      GError *error = NULL;
      InkBackend *be;

      g_setenv ("INKLING_CUDA_MODULE", missing, TRUE);

      be = ink_backend_new ("cuda", &error);
      g_assert_null (be);
      g_assert_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE);
      g_test_message ("cuda: %s", error->message);
      if (ink_backend_cuda_compiled ())
        {
          g_assert_true (g_str_has_prefix (error->message,
                                           "the CUDA backend module could not be loaded ("));
          g_assert_nonnull (strstr (error->message, missing));
        }
      g_assert_null (strchr (error->message, '\n'));
      first = g_strdup (error->message);
      g_clear_error (&error);

      /* the same answer the second time (the failure is cached) */
      g_assert_false (ink_backend_cuda_available (&error));
      g_assert_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE);
      g_assert_cmpstr (error->message, ==, first);
      g_clear_error (&error);

      be = ink_backend_new ("auto", &error);
      g_assert_no_error (error);
      g_assert_nonnull (be);
      g_assert_cmpstr (be->ops->name, ==, "cpu");
      g_assert_false (ink_backend_is_cuda (be));
      ink_backend_free (be);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* ---- real MNIST on the GPU ---- */

static InkDataset *mnist_train, *mnist_test;

static gboolean
need_gpu_and_mnist (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_gpu ())
    return FALSE;
  if (mnist_train != NULL)
    return TRUE;
  if ((dir = test_mnist_dir ()) == NULL)
    {
      g_test_skip ("MNIST not found in the user data folder: run tools/setup-data.sh");
      return FALSE;
    }
  if (!ink_dataset_load_dir (dir, &mnist_train, &mnist_test, &error))
    g_error ("%s", error->message);
  return TRUE;
}

static double
run_accuracy (InkExperiment *e, const char *device)
{
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;

  g_free (e->device);
  e->device = g_strdup (device);
  t = ink_trainer_new (e, mnist_train, mnist_test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_run (t, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return ink_metrics_accuracy (ink_trainer_test_metrics (t, NULL));
}

/* The CPU suite's short run (tests/test-mnist.c: 784-128-10 ReLU, Adam, 12000
 * images, 5 epochs) on the GPU: the same 94% bar. */
static void
test_mnist_run (void)
{
  g_autoptr(InkExperiment) e = NULL;
  double acc;

  if (!need_gpu_and_mnist ())
    return;
  e = test_short_run_experiment ();
  g_assert_true (ink_experiment_validate (e, NULL));
  acc = run_accuracy (e, "cuda");
  g_test_message ("GPU test accuracy after 5 epochs on 12000 images: %.2f%%", 100 * acc);
  g_assert_cmpfloat (acc, >=, 0.94);
}

/* The DBN path on the GPU (RBM pretraining of a ReLU layer, augmentation on
 * the host, dropout) on 3000 images: close to the same run on the CPU (the
 * masks and draws are the same; only rounding differs). */
static void
test_mnist_dbn (void)
{
  g_autoptr(InkExperiment) e = NULL;
  double acc_cpu, acc_gpu;

  if (!need_gpu_and_mnist ())
    return;
  e = ink_experiment_preset ("nolearn-dbn-augmented", NULL);
  g_assert_nonnull (e);
  e->split.subset = 3000;
  e->epochs = 3;
  e->pretraining.epochs[0] = 2;
  acc_cpu = run_accuracy (e, "cpu");
  acc_gpu = run_accuracy (e, "cuda");
  g_test_message ("DBN on 3000 images: CPU %.2f%%, GPU %.2f%%", 100 * acc_cpu, 100 * acc_gpu);
  g_assert_cmpfloat (acc_gpu, >=, 0.85);
  g_assert_cmpfloat (fabs (acc_gpu - acc_cpu), <=, 0.02);
}

/* ---- the process-wide probe (runs everywhere) ---- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *description;
  GError   *error;
} ProbeResult;

static void
probe_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  ProbeResult *r = data;

  r->ok = ink_backend_probe_gpu_finish (result, &r->description, &r->error);
  r->done = TRUE;
}

static void
probe_and_wait (GCancellable *cancellable,
                ProbeResult  *r)
{
  *r = (ProbeResult) { 0 };
  ink_backend_probe_gpu_async (cancellable, probe_done, r);
  /* never called back from inside the _async call */
  g_assert_false (r->done);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
probe_clear (ProbeResult *r)
{
  g_free (r->description);
  g_clear_error (&r->error);
}

/* the answer is ink_backend_new ("cuda")'s, found once and kept; a
 * cancelled caller hears G_IO_ERROR_CANCELLED */
static void
test_probe (void)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  ProbeResult first, again, cancel;

  probe_and_wait (NULL, &first);
  g_assert_cmpint (first.ok, ==, gpu != NULL);
  if (gpu != NULL)
    {
      g_assert_no_error (first.error);
      g_assert_cmpstr (first.description, ==, gpu->device_name);
    }
  else
    {
      g_assert_error (first.error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE);
      g_assert_cmpstr (first.error->message, ==, skip_reason);
      g_assert_null (first.description);
    }

  probe_and_wait (NULL, &again);
  g_assert_cmpint (again.ok, ==, first.ok);
  g_assert_cmpstr (again.description, ==, first.description);
  if (first.error != NULL)
    g_assert_cmpstr (again.error->message, ==, first.error->message);

  g_cancellable_cancel (cancelled);
  probe_and_wait (cancelled, &cancel);
  g_assert_false (cancel.ok);
  g_assert_error (cancel.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  probe_clear (&first);
  probe_clear (&again);
  probe_clear (&cancel);
}

int
main (int   argc,
      char *argv[])
{
  GError *error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* a subprocess of /gpu/module-missing must open nothing before its test */
  if (!g_test_subprocess ())
    {
      gpu = ink_backend_new ("cuda", &error);
      if (gpu == NULL)
        {
          /* "no CUDA device: ...", "the CUDA backend module could not be
           * loaded (...)" or "this build ... has no CUDA backend ..." */
          skip_reason = g_strdup (error->message);
          g_clear_error (&error);
        }
      else
        {
          g_assert_true (ink_backend_cuda_available (NULL));
          cpu = ink_backend_cpu_new ();
        }
    }

  g_test_add_func ("/gpu/module-missing", test_module_missing);
  g_test_add_func ("/gpu/probe", test_probe);
  g_test_add_func ("/gpu/memory", test_memory);
  g_test_add_func ("/gpu/error-reporting", test_error_reporting);
  g_test_add_func ("/gpu/gemm", test_gemm);
  g_test_add_func ("/gpu/gemm-tf32", test_gemm_tf32);
  g_test_add_func ("/gpu/bias-col-sum", test_bias_col_sum);
  g_test_add_func ("/gpu/activations", test_activations);
  g_test_add_func ("/gpu/dropout-mul", test_dropout_mul);
  g_test_add_func ("/gpu/softmax", test_softmax);
  g_test_add_func ("/gpu/loss", test_loss);
  g_test_add_func ("/gpu/update", test_update);
  g_test_add_func ("/gpu/gather", test_gather);
  g_test_add_func ("/gpu/network-step", test_network_step);
  g_test_add_func ("/gpu/conv2d", test_conv2d);
  g_test_add_func ("/gpu/pooling", test_pooling);
  g_test_add_func ("/gpu/batch-norm", test_batch_norm);
  g_test_add_func ("/gpu/cnn-step", test_cnn_step);
  g_test_add_func ("/gpu/mnist/short-run", test_mnist_run);
  g_test_add_func ("/gpu/mnist/dbn", test_mnist_dbn);

  ret = g_test_run ();

  ink_backend_free (gpu);
  ink_backend_free (cpu);
  g_clear_pointer (&mnist_train, ink_dataset_free);
  g_clear_pointer (&mnist_test, ink_dataset_free);
  g_free (skip_reason);
  return ret;
}
