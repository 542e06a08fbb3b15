/* bench-conv.c
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

/* The convolutions of keras-mnist-cnn at one batch, timed every way Inkling
 * could run them: im2col + OpenBLAS sgemm (ink-layers-cpu.c's reference
 * path), oneDNN on plain NCHW tensors, oneDNN on its own blocked layouts with
 * the reorders, and oneDNN's kernels alone; next to them the bare sgemm of
 * the lowered products (no im2col) and the dense layers' products.  The
 * floor of one training epoch is the sum over the network's products of the
 * faster of "oneDNN kernel alone" and "bare sgemm", times the steps of an
 * epoch.  Run by hand:
 *   ninja -C _build bench/cnn/bench-conv
 *   OMP_WAIT_POLICY=PASSIVE _build/bench/cnn/bench-conv [--batch 128] [--reps 10]
 * (bench/cnn/compare.sh runs it with the same environment as the trainers). */

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ink-dnnl.h"
#include "ink-layers-cpu.h"
#include "ink-openblas.h"
#include "ink-rng.h"

static int reps = 10;

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

typedef void (*Fn) (gpointer data);

/* the median of reps timed calls after two untimed ones, in seconds */
static double
time_it (Fn fn, gpointer data)
{
  g_autofree double *t = g_new (double, reps);

  fn (data);
  fn (data);
  for (int r = 0; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time ();

      fn (data);
      t[r] = (g_get_monotonic_time () - t0) / 1e6;
    }
  qsort (t, reps, sizeof (double), cmp_double);
  return reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
}

static float *
random_floats (InkRng *rng, gsize n, float scale)
{
  float *v = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    v[i] = (2.0f * ink_rng_uniform (rng) - 1.0f) * scale;
  return v;
}

typedef struct
{
  InkConvGeom  g;
  int          batch;
  gboolean     with_dx;
  float       *x, *w, *b, *y, *dy, *dw, *db, *dx, *col;
  float       *ycol, *dcol;       /* the bare sgemm's operands */
  InkDnnlConv *dn;
  void        *arena;
  int          which;
} Conv;

static void ours_fwd (gpointer d) { Conv *c = d; ink_conv2d_forward_im2col (&c->g, c->batch, c->x, c->w, c->b, c->y, c->col); }
static void ours_bwd (gpointer d) { Conv *c = d; ink_conv2d_backward_im2col (&c->g, c->batch, c->x, c->w, c->dy, c->dw, c->db, c->with_dx ? c->dx : NULL, c->col); }
static void dnnl_fwd (gpointer d) { Conv *c = d; ink_dnnl_conv_forward (c->dn, c->x, c->w, c->b, c->y, c->arena); }
static void dnnl_bwd (gpointer d) { Conv *c = d; ink_dnnl_conv_backward (c->dn, c->x, c->w, c->dy, c->dw, c->db, c->with_dx ? c->dx : NULL, c->arena); }
static void dnnl_kernel (gpointer d) { Conv *c = d; ink_dnnl_conv_run_kernel (c->dn, c->which); }

/* the lowered products alone: Y [F, B·P] = W [F, K] · col [K, B·P];
 * dW [F, K] = dY · colᵀ; dcol [K, B·P] = Wᵀ · dY */
static void
gemm_product (gpointer d)
{
  Conv *c = d;
  int K = c->g.channels * c->g.kernel_h * c->g.kernel_w;
  int N = c->batch * c->g.out_h * c->g.out_w;
  int F = c->g.filters;

  if (c->which == 0)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, F, N, K, 1.0f, c->w, K, c->col, N, 0.0f,
                 c->ycol, N);
  else if (c->which == 1)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, K, N, F, 1.0f, c->w, K, c->ycol, N, 0.0f,
                 c->dcol, N);
  else
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, F, K, N, 1.0f, c->ycol, N, c->col, N, 0.0f,
                 c->dw, K);
}

static double
max_diff (const float *a, const float *b, gsize n)
{
  double m = 0.0;

  for (gsize i = 0; i < n; i++)
    m = MAX (m, fabs ((double) a[i] - b[i]));
  return m;
}

typedef struct
{
  int          M, N, K;
  gboolean     ta, tb;
  float       *a, *b, *c;
} Gemm;

static void
gemm_run (gpointer d)
{
  Gemm *g = d;

  cblas_sgemm (CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans, g->tb ? CblasTrans : CblasNoTrans,
               g->M, g->N, g->K, 1.0f, g->a, g->ta ? g->M : g->K, g->b, g->tb ? g->K : g->N, 0.0f,
               g->c, g->N);
}

static double
time_gemm (InkRng *rng, int M, int N, int K, gboolean ta, gboolean tb)
{
  Gemm g = { M, N, K, ta, tb, NULL, NULL, NULL };
  double t;

  g.a = random_floats (rng, (gsize) M * K, 1.0f);
  g.b = random_floats (rng, (gsize) K * N, 1.0f);
  g.c = g_new (float, (gsize) M * N);
  t = time_it (gemm_run, &g);
  g_free (g.a);
  g_free (g.b);
  g_free (g.c);
  return t;
}

static double
conv_flops (const InkConvGeom *g, int batch)
{
  return 2.0 * g->filters * g->channels * g->kernel_h * g->kernel_w * g->out_h * g->out_w * batch;
}

/* one conv layer: prints its lines, returns its floor per step */
static double
bench_conv (InkRng *rng, const char *name, InkConvGeom g, int batch, gboolean with_dx)
{
  Conv c = { g, batch, with_dx };
  gsize nx = (gsize) batch * g.channels * g.height * g.width;
  gsize nw = (gsize) g.filters * g.channels * g.kernel_h * g.kernel_w;
  gsize ny = (gsize) batch * g.filters * g.out_h * g.out_w;
  gsize K = (gsize) g.channels * g.kernel_h * g.kernel_w;
  g_autofree float *y_ref = NULL, *dw_ref = NULL, *dx_ref = NULL;
  g_autoptr(GError) error = NULL;
  double flops = conv_flops (&g, batch);
  double t_fwd, t_bwd, best[3] = { 0 }, floor_s = 0.0;
  const char *prod[3] = { "forward", "backward-data", "backward-weights" };

  c.x = random_floats (rng, nx, 1.0f);
  c.w = random_floats (rng, nw, 0.3f);
  c.b = random_floats (rng, g.filters, 0.1f);
  c.dy = random_floats (rng, ny, 1.0f);
  c.y = g_new (float, ny);
  c.dw = g_new (float, nw);
  c.db = g_new (float, g.filters);
  c.dx = g_new (float, nx);
  c.col = g_new (float, ink_conv2d_col_size (&g, batch));

  printf ("== %s: %d×%d×%d → %d×%d×%d, kernel %d×%d, batch %d (%.2f GFLOP a product)%s\n", name,
          g.channels, g.height, g.width, g.filters, g.out_h, g.out_w, g.kernel_h, g.kernel_w, batch,
          flops / 1e9, with_dx ? "" : ", no input gradient");

  t_fwd = time_it (ours_fwd, &c);
  t_bwd = time_it (ours_bwd, &c);
  printf ("  im2col+sgemm (chunk %d):  forward %7.2f ms  backward %7.2f ms\n",
          ink_conv2d_chunk (&g, batch), t_fwd * 1e3, t_bwd * 1e3);
  y_ref = g_memdup2 (c.y, ny * sizeof (float));
  dw_ref = g_memdup2 (c.dw, nw * sizeof (float));
  dx_ref = g_memdup2 (c.dx, nx * sizeof (float));

  for (int layout = INK_DNNL_PLAIN; layout <= INK_DNNL_BLOCKED; layout++)
    {
      g_autofree char *desc = NULL;

      c.dn = ink_dnnl_conv_new (&g, batch, layout, with_dx, &error);
      if (c.dn == NULL)
        {
          printf ("  oneDNN %s: %s\n", layout == INK_DNNL_PLAIN ? "plain" : "blocked", error->message);
          g_clear_error (&error);
          continue;
        }
      desc = ink_dnnl_conv_describe (c.dn);
      c.arena = g_aligned_alloc (1, ink_dnnl_conv_arena_size (c.dn), 64);
      t_fwd = time_it (dnnl_fwd, &c);
      t_bwd = time_it (dnnl_bwd, &c);
      printf ("  oneDNN %-7s:           forward %7.2f ms  backward %7.2f ms   [%s]\n",
              layout == INK_DNNL_PLAIN ? "plain" : "blocked", t_fwd * 1e3, t_bwd * 1e3, desc);
      printf ("    max |Δ| vs im2col: y %.2g, dw %.2g, dx %.2g\n", max_diff (c.y, y_ref, ny),
              max_diff (c.dw, dw_ref, nw), with_dx ? max_diff (c.dx, dx_ref, nx) : 0.0);
      printf ("    kernels alone:");
      for (int k = 0; k < 3; k++)
        {
          double t;

          if (k == 1 && !with_dx)
            continue;
          c.which = k;
          t = time_it (dnnl_kernel, &c);
          printf ("  %s %.2f ms (%.0f GFLOP/s)", prod[k], t * 1e3, flops / t / 1e9);
          if (best[k] == 0.0 || t < best[k])
            best[k] = t;
        }
      printf ("\n");
      ink_dnnl_conv_free (c.dn);
      g_aligned_free (c.arena);
      c.dn = NULL;
    }

  /* the lowered products, col already filled by the forward pass above */
  c.ycol = random_floats (rng, (gsize) g.filters * g.out_h * g.out_w * batch, 1.0f);
  c.dcol = g_new (float, K * g.out_h * g.out_w * batch);
  g_free (c.col);
  c.col = random_floats (rng, K * g.out_h * g.out_w * batch, 1.0f);
  printf ("  bare sgemm of the lowered products:");
  for (int k = 0; k < 3; k++)
    {
      double t;

      if (k == 1 && !with_dx)
        continue;
      c.which = k;
      t = time_it (gemm_product, &c);
      printf ("  %s %.2f ms (%.0f GFLOP/s)", prod[k], t * 1e3, flops / t / 1e9);
      if (best[k] == 0.0 || t < best[k])
        best[k] = t;
      floor_s += best[k];
    }
  printf ("\n  floor (the faster of the two per product): %.2f ms a step\n", floor_s * 1e3);

  g_free (c.x); g_free (c.w); g_free (c.b); g_free (c.dy); g_free (c.y); g_free (c.dw);
  g_free (c.db); g_free (c.dx); g_free (c.col); g_free (c.ycol); g_free (c.dcol);
  return floor_s;
}

static double
bench_dense (InkRng *rng, int batch, int in, int out)
{
  /* forward Y [B, out] = X [B, in] · Wᵀ; dW [out, in] = dYᵀ · X; dX [B, in] = dY · W */
  double f = time_gemm (rng, batch, out, in, FALSE, TRUE);
  double w = time_gemm (rng, out, in, batch, TRUE, FALSE);
  double d = time_gemm (rng, batch, in, out, FALSE, FALSE);

  printf ("== dense %d → %d, batch %d: forward %.2f ms, dW %.2f ms, dX %.2f ms (%.0f GFLOP/s)\n",
          in, out, batch, f * 1e3, w * 1e3, d * 1e3, 6.0 * batch * in * out / (f + w + d) / 1e9);
  return f + w + d;
}

int
main (int argc, char **argv)
{
  int batch = 128, n_train = 60000;
  GOptionEntry entries[] = {
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Batch size (default 128)", "N" },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "Timed calls per figure, median (default 10)", "N" },
    { "train", 0, 0, G_OPTION_ARG_INT, &n_train, "Training images an epoch (default 60000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— keras-mnist-cnn's products, every way");
  g_autoptr(GError) error = NULL;
  InkConvGeom conv1 = { 1, 28, 28, 32, 3, 3, 1, 0, 0, 26, 26 };
  InkConvGeom conv2 = { 32, 26, 26, 64, 3, 3, 1, 0, 0, 24, 24 };
  double step;
  InkRng rng;

  ink_openblas_reexec_if_needed (argv);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || batch < 1 || reps < 1 || n_train < 1)
    {
      fprintf (stderr, "bench-conv: %s\n", error != NULL ? error->message : "bad value");
      return 2;
    }
  ink_enable_ftz ();
  ink_rng_init (&rng, 1);
  {
    g_autofree char *blas = ink_openblas_describe ();

    printf ("blas: %s\nOMP_WAIT_POLICY=%s OMP_NUM_THREADS=%s\n", blas,
            g_getenv ("OMP_WAIT_POLICY") ? g_getenv ("OMP_WAIT_POLICY") : "(unset)",
            g_getenv ("OMP_NUM_THREADS") ? g_getenv ("OMP_NUM_THREADS") : "(unset)");
  }

  step = bench_conv (&rng, "conv1", conv1, batch, FALSE);
  step += bench_conv (&rng, "conv2", conv2, batch, TRUE);
  step += bench_dense (&rng, batch, 64 * 12 * 12, 128);
  step += bench_dense (&rng, batch, 128, 10);
  printf ("\nfloor: %.2f ms a step of %d, %.2f s an epoch of %d images\n", step * 1e3, batch,
          step * n_train / batch, n_train);
  printf ("{\"floor_step_s\":%.5f,\"floor_epoch_s\":%.3f,\"batch\":%d,\"train\":%d}\n", step,
          step * n_train / batch, batch, n_train);
  return 0;
}
