/* test-conv.c
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

/* Tests of the image layers: conv2d against a plain loop, finite-difference
 * gradient checks of conv2d, pooling and batch normalization, batch norm's
 * running statistics, a small CNN's gradients through the network API, and
 * shape inference's refusals. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ink-backend.h"
#include "ink-experiment.h"
#include "ink-layers-cpu.h"
#include "ink-model.h"
#include "ink-network.h"
#include "ink-rbm.h"
#include "ink-rng.h"
#include "test-conv-util.h"

static void
fill_random (InkRng *rng,
             float  *v,
             gsize   n,
             float   scale)
{
  for (gsize i = 0; i < n; i++)
    v[i] = (2.0f * ink_rng_uniform (rng) - 1.0f) * scale;
}

static double
dot (const float *a,
     const float *b,
     gsize        n)
{
  double s = 0.0;

  for (gsize i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

/* |a - b| within rel·max(|a|, |b|) + abs_tol */
static void
assert_close (double      analytic,
              double      numeric,
              double      rel,
              double      abs_tol,
              const char *what,
              gsize       i)
{
  double tol = rel * MAX (fabs (analytic), fabs (numeric)) + abs_tol;

  if (!(fabs (analytic - numeric) <= tol))
    g_error ("%s[%" G_GSIZE_FORMAT "]: analytic %.7g, numeric %.7g", what, i, analytic, numeric);
}

/* ------------------------------------------------------------------------ */
/* conv2d */

/* one convolution's tensors for a batch: x, w, b and dy random, the rest
 * (y, dx, dw, db and the workspace) to be written */
typedef struct
{
  gsize  nx, nw, ny;
  float *x, *w, *b, *dy;
  float *y, *dx, *dw, *db, *col;
} ConvTensors;

static void
conv_tensors_init (ConvTensors       *t,
                   InkRng            *rng,
                   const InkConvGeom *g,
                   int                batch)
{
  t->nx = (gsize) batch * g->channels * g->height * g->width;
  t->nw = (gsize) g->filters * g->channels * g->kernel_h * g->kernel_w;
  t->ny = (gsize) batch * g->filters * g->out_h * g->out_w;
  t->x = g_new (float, t->nx);
  t->w = g_new (float, t->nw);
  t->b = g_new (float, g->filters);
  t->dy = g_new (float, t->ny);
  t->y = g_new0 (float, t->ny);
  t->dx = g_new (float, t->nx);
  t->dw = g_new (float, t->nw);
  t->db = g_new (float, g->filters);
  t->col = g_new (float, ink_conv2d_col_size (g, batch));
  fill_random (rng, t->x, t->nx, 1.0f);
  fill_random (rng, t->w, t->nw, 0.5f);
  fill_random (rng, t->b, g->filters, 0.5f);
  fill_random (rng, t->dy, t->ny, 1.0f);
}

static void
conv_tensors_clear (ConvTensors *t)
{
  g_free (t->x); g_free (t->w); g_free (t->b); g_free (t->dy);
  g_free (t->y); g_free (t->dx); g_free (t->dw); g_free (t->db); g_free (t->col);
}

/* the definition, in double */
static void
conv_reference (const InkConvGeom *g,
                int                batch,
                const float       *x,
                const float       *w,
                const float       *b,
                double            *y)
{
  for (int s = 0; s < batch; s++)
    for (int f = 0; f < g->filters; f++)
      for (int oy = 0; oy < g->out_h; oy++)
        for (int ox = 0; ox < g->out_w; ox++)
          {
            double acc = b[f];

            for (int c = 0; c < g->channels; c++)
              for (int i = 0; i < g->kernel_h; i++)
                for (int j = 0; j < g->kernel_w; j++)
                  {
                    int iy = oy * g->stride + i - g->pad_top;
                    int ix = ox * g->stride + j - g->pad_left;

                    if (iy < 0 || iy >= g->height || ix < 0 || ix >= g->width)
                      continue;
                    acc += (double) x[((s * g->channels + c) * g->height + iy) * g->width + ix] *
                           w[((f * g->channels + c) * g->kernel_h + i) * g->kernel_w + j];
                  }
            y[((s * g->filters + f) * g->out_h + oy) * g->out_w + ox] = acc;
          }
}

typedef struct
{
  int c, h, w, f, kh, kw, stride;
  gboolean same;
} ConvCase;

static const ConvCase conv_cases[] = {
  { 1, 7, 7, 2, 3, 3, 1, FALSE },
  { 3, 7, 6, 4, 3, 3, 1, TRUE },
  { 2, 8, 8, 3, 3, 3, 2, FALSE },
  { 3, 7, 9, 2, 3, 2, 2, TRUE },
  { 2, 6, 6, 2, 4, 4, 2, TRUE },   /* an even kernel: the extra padding goes bottom/right */
  { 4, 5, 5, 3, 1, 1, 1, FALSE },
};

static InkConvGeom
case_geom (const ConvCase *k)
{
  return test_conv_geom (k->c, k->h, k->w, k->f, k->kh, k->kw, k->stride, k->same);
}

static void
test_conv_reference (void)
{
  InkRng rng;

  ink_rng_init (&rng, 11);
  for (guint k = 0; k < G_N_ELEMENTS (conv_cases); k++)
    {
      InkConvGeom g = case_geom (&conv_cases[k]);
      const int B = 3;
      ConvTensors t;
      double *ref;

      conv_tensors_init (&t, &rng, &g, B);
      ref = g_new (double, t.ny);
      ink_conv2d_forward (&g, B, t.x, t.w, t.b, t.y, t.col);
      conv_reference (&g, B, t.x, t.w, t.b, ref);
      for (gsize i = 0; i < t.ny; i++)
        assert_close (t.y[i], ref[i], 1e-5, 1e-5, "conv output", i);
      g_free (ref);
      conv_tensors_clear (&t);
    }
}

/* L = Σ dy·y (dy random): dL/dy = dy; the numeric gradient by central
 * differences */
static void
test_conv_gradients (void)
{
  InkRng rng;

  ink_rng_init (&rng, 12);
  for (guint k = 0; k < G_N_ELEMENTS (conv_cases); k++)
    {
      InkConvGeom g = case_geom (&conv_cases[k]);
      const int B = 2;
      const float eps = 1e-2f;
      ConvTensors t;

      conv_tensors_init (&t, &rng, &g, B);
      {
        struct { float *v; float *d; gsize n; const char *name; } sets[] = {
          { t.x, t.dx, t.nx, "conv dx" }, { t.w, t.dw, t.nw, "conv dw" },
          { t.b, t.db, (gsize) g.filters, "conv db" },
        };

        ink_conv2d_backward (&g, B, t.x, t.w, t.dy, t.dw, t.db, t.dx, t.col);
        for (guint si = 0; si < G_N_ELEMENTS (sets); si++)
          for (gsize i = 0; i < sets[si].n; i++)
            {
              float keep = sets[si].v[i];
              double lp, lm;

              sets[si].v[i] = keep + eps;
              ink_conv2d_forward (&g, B, t.x, t.w, t.b, t.y, t.col);
              lp = dot (t.dy, t.y, t.ny);
              sets[si].v[i] = keep - eps;
              ink_conv2d_forward (&g, B, t.x, t.w, t.b, t.y, t.col);
              lm = dot (t.dy, t.y, t.ny);
              sets[si].v[i] = keep;
              assert_close (sets[si].d[i], (lp - lm) / (2.0 * eps), 2e-3, 2e-3, sets[si].name, i);
            }
      }
      conv_tensors_clear (&t);
    }
}

/* y, dw, db, dx of the definition in double, each with the sum of the
 * absolute values of its terms (the scale of float rounding) */
typedef struct
{
  double *y, *y_abs, *dw, *dw_abs, *db, *db_abs, *dx, *dx_abs;
} ConvRef;

static void
conv_ref_free (ConvRef *r)
{
  g_free (r->y); g_free (r->y_abs); g_free (r->dw); g_free (r->dw_abs);
  g_free (r->db); g_free (r->db_abs); g_free (r->dx); g_free (r->dx_abs);
}

static void
conv_full_reference (const InkConvGeom *g,
                     int                batch,
                     const float       *x,
                     const float       *w,
                     const float       *b,
                     const float       *dy,
                     ConvRef           *r)
{
  gsize nx = (gsize) batch * g->channels * g->height * g->width;
  gsize nw = (gsize) g->filters * g->channels * g->kernel_h * g->kernel_w;
  gsize ny = (gsize) batch * g->filters * g->out_h * g->out_w;

  r->y = g_new0 (double, ny);
  r->y_abs = g_new0 (double, ny);
  r->dw = g_new0 (double, nw);
  r->dw_abs = g_new0 (double, nw);
  r->db = g_new0 (double, g->filters);
  r->db_abs = g_new0 (double, g->filters);
  r->dx = g_new0 (double, nx);
  r->dx_abs = g_new0 (double, nx);
  for (int s = 0; s < batch; s++)
    for (int f = 0; f < g->filters; f++)
      for (int oy = 0; oy < g->out_h; oy++)
        for (int ox = 0; ox < g->out_w; ox++)
          {
            gsize yi = ((gsize) (s * g->filters + f) * g->out_h + oy) * g->out_w + ox;
            double d = dy[yi];

            r->y[yi] = b[f];
            r->y_abs[yi] = fabs (b[f]);
            r->db[f] += d;
            r->db_abs[f] += fabs (d);
            for (int c = 0; c < g->channels; c++)
              for (int i = 0; i < g->kernel_h; i++)
                for (int j = 0; j < g->kernel_w; j++)
                  {
                    int iy = oy * g->stride + i - g->pad_top;
                    int ix = ox * g->stride + j - g->pad_left;
                    gsize xi, wi;

                    if (iy < 0 || iy >= g->height || ix < 0 || ix >= g->width)
                      continue;
                    xi = ((gsize) (s * g->channels + c) * g->height + iy) * g->width + ix;
                    wi = ((gsize) (f * g->channels + c) * g->kernel_h + i) * g->kernel_w + j;
                    r->y[yi] += (double) x[xi] * w[wi];
                    r->y_abs[yi] += fabs ((double) x[xi] * w[wi]);
                    r->dw[wi] += d * x[xi];
                    r->dw_abs[wi] += fabs (d * x[xi]);
                    r->dx[xi] += d * w[wi];
                    r->dx_abs[xi] += fabs (d * w[wi]);
                  }
          }
}

/* within float rounding of the terms' scale */
static void
assert_near_ref (const float  *v,
                 const double *ref,
                 const double *abs_sum,
                 gsize         n,
                 const char   *what)
{
  for (gsize i = 0; i < n; i++)
    if (!(fabs (v[i] - ref[i]) <= 2e-5 * abs_sum[i] + 1e-6))
      g_error ("%s[%" G_GSIZE_FORMAT "]: %.7g, reference %.7g (terms' scale %.3g)", what, i,
               v[i], ref[i], abs_sum[i]);
}

/* The fast path (oneDNN) and the reference path (im2col + sgemm) of one
 * geometry and batch against the definition: forward, dW, db and dx on
 * random tensors, and dW without dx */
static void
check_conv_paths (InkRng            *rng,
                  const InkConvGeom *g,
                  int                batch)
{
  ConvTensors t;
  ConvRef ref;

  conv_tensors_init (&t, rng, g, batch);
  conv_full_reference (g, batch, t.x, t.w, t.b, t.dy, &ref);
  for (int path = 0; path < 2; path++)
    {
      memset (t.y, 0, sizeof (float) * t.ny);
      if (path == 0)
        {
          ink_conv2d_forward (g, batch, t.x, t.w, t.b, t.y, t.col);
          ink_conv2d_backward (g, batch, t.x, t.w, t.dy, t.dw, t.db, t.dx, t.col);
        }
      else
        {
          ink_conv2d_forward_im2col (g, batch, t.x, t.w, t.b, t.y, t.col);
          ink_conv2d_backward_im2col (g, batch, t.x, t.w, t.dy, t.dw, t.db, t.dx, t.col);
        }
      assert_near_ref (t.y, ref.y, ref.y_abs, t.ny, path == 0 ? "fast y" : "im2col y");
      assert_near_ref (t.dw, ref.dw, ref.dw_abs, t.nw, path == 0 ? "fast dw" : "im2col dw");
      assert_near_ref (t.db, ref.db, ref.db_abs, g->filters, path == 0 ? "fast db" : "im2col db");
      assert_near_ref (t.dx, ref.dx, ref.dx_abs, t.nx, path == 0 ? "fast dx" : "im2col dx");

      /* no input gradient asked for: the weights' are the same */
      memset (t.dw, 0, sizeof (float) * t.nw);
      if (path == 0)
        ink_conv2d_backward (g, batch, t.x, t.w, t.dy, t.dw, t.db, NULL, t.col);
      else
        ink_conv2d_backward_im2col (g, batch, t.x, t.w, t.dy, t.dw, t.db, NULL, t.col);
      assert_near_ref (t.dw, ref.dw, ref.dw_abs, t.nw,
                       path == 0 ? "fast dw (no dx)" : "im2col dw (no dx)");
    }
  conv_ref_free (&ref);
  conv_tensors_clear (&t);
}

/* Both paths, the geometries above at a small batch and two at batches
 * that span several chunks of both paths (dW and db then add up over
 * chunks; the last chunk is shorter for im2col) */
static void
test_conv_paths (void)
{
  static const struct
  {
    ConvCase geom;
    int      batch;
  } big[] = {
    { { 8, 16, 16, 16, 3, 3, 1, FALSE }, 600 },   /* oneDNN 2 × 300, im2col 243 + 243 + 114 */
    { { 8, 15, 15, 16, 3, 3, 2, TRUE }, 1000 },   /* oneDNN 2 × 500, im2col 744 + 256 */
  };
  InkRng rng;

  ink_rng_init (&rng, 13);
  for (guint k = 0; k < G_N_ELEMENTS (conv_cases); k++)
    {
      InkConvGeom g = case_geom (&conv_cases[k]);

      check_conv_paths (&rng, &g, 5);
    }
  for (guint k = 0; k < G_N_ELEMENTS (big); k++)
    {
      InkConvGeom g = case_geom (&big[k].geom);

      /* the batches above do span several chunks */
      g_assert_cmpint (ink_conv2d_chunk (&g, big[k].batch), <, big[k].batch);
      check_conv_paths (&rng, &g, big[k].batch);
    }
}

/* The oneDNN primitives kept per geometry and batch stay within
 * INK_CONV_DNNL_CACHE_MAX sets however many geometries come (one set per
 * geometry here: a batch of 2 is one chunk), a geometry dropped from the
 * cache computes right when it comes back, and clearing frees them all. */
static void
test_conv_cache_bound (void)
{
  const int n_geoms = INK_CONV_DNNL_CACHE_MAX + 8;
  InkRng rng;

  if (g_strcmp0 (g_getenv ("INKLING_CONV"), "im2col") == 0)
    {
      g_test_skip ("INKLING_CONV=im2col: no oneDNN primitives to keep");
      return;
    }
  ink_rng_init (&rng, 14);
  ink_conv2d_cache_clear ();
  g_assert_cmpuint (ink_conv2d_cache_size (), ==, 0);
  for (int f = 1; f <= n_geoms; f++)
    {
      InkConvGeom g = test_conv_geom (2, 6, 6, f, 3, 3, 1, FALSE);
      ConvTensors t;

      conv_tensors_init (&t, &rng, &g, 2);
      ink_conv2d_forward (&g, 2, t.x, t.w, t.b, t.y, t.col);
      conv_tensors_clear (&t);
      g_assert_cmpuint (ink_conv2d_cache_size (), ==, MIN (f, INK_CONV_DNNL_CACHE_MAX));
    }
  /* the first geometries were dropped; they still compute right */
  for (int f = 1; f <= 2; f++)
    {
      InkConvGeom g = test_conv_geom (2, 6, 6, f, 3, 3, 1, FALSE);

      check_conv_paths (&rng, &g, 2);
      g_assert_cmpuint (ink_conv2d_cache_size (), ==, INK_CONV_DNNL_CACHE_MAX);
    }
  ink_conv2d_cache_clear ();
  g_assert_cmpuint (ink_conv2d_cache_size (), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* pooling */

static void
pool_forward (gboolean     max,
              int c, int h, int w, int size, int stride, int batch,
              const float *x,
              float       *y,
              gint32      *arg)
{
  if (max)
    ink_max_pool_forward (c, h, w, size, stride, batch, x, y, arg);
  else
    ink_avg_pool_forward (c, h, w, size, stride, batch, x, y);
}

static void
check_pool_gradients (gboolean max)
{
  static const int cases[][5] = {
    /* c, h, w, size, stride */
    { 2, 6, 6, 2, 2 },
    { 2, 7, 5, 2, 2 },   /* 2×2 / 2 (its own loop) with a row and a column left over */
    { 3, 7, 5, 3, 2 },   /* overlapping windows, a ragged edge */
    { 1, 5, 5, 2, 1 },
  };
  InkRng rng;

  ink_rng_init (&rng, max ? 21 : 22);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      int c = cases[k][0], h = cases[k][1], w = cases[k][2], size = cases[k][3], stride = cases[k][4];
      int oh = (h - size) / stride + 1, ow = (w - size) / stride + 1;
      const int B = 2;
      const float eps = 1e-3f;
      gsize nx = (gsize) B * c * h * w, ny = (gsize) B * c * oh * ow;
      g_autofree float *x = g_new (float, nx);
      g_autofree float *y = g_new (float, ny);
      g_autofree float *r = g_new (float, ny);
      g_autofree float *dx = g_new (float, nx);
      g_autofree gint32 *arg = g_new (gint32, ny);

      /* distinct values at least 4·eps apart, so no nudge changes a max */
      for (gsize i = 0; i < nx; i++)
        x[i] = 0.01f * (float) ((i * 7919) % nx) - 0.5f;
      fill_random (&rng, r, ny, 1.0f);
      pool_forward (max, c, h, w, size, stride, B, x, y, arg);
      if (max)
        ink_max_pool_backward (c, h, w, size, stride, B, r, arg, dx);
      else
        ink_avg_pool_backward (c, h, w, size, stride, B, r, dx);
      for (gsize i = 0; i < nx; i++)
        {
          float keep = x[i];
          double lp, lm;

          x[i] = keep + eps;
          pool_forward (max, c, h, w, size, stride, B, x, y, arg);
          lp = dot (r, y, ny);
          x[i] = keep - eps;
          pool_forward (max, c, h, w, size, stride, B, x, y, arg);
          lm = dot (r, y, ny);
          x[i] = keep;
          assert_close (dx[i], (lp - lm) / (2.0 * eps), 1e-2, 1e-3,
                        max ? "max-pool dx" : "avg-pool dx", i);
        }
    }
}

static void
test_max_pool_gradients (void)
{
  check_pool_gradients (TRUE);
}

static void
test_avg_pool_gradients (void)
{
  check_pool_gradients (FALSE);
}

/* equal maxima: the first in the window (row-major) gets the gradient */
static void
test_max_pool_ties (void)
{
  /* one 4×4 plane, 2×2 windows: every window's maximum appears twice or more */
  const float x[16] = {
    1, 1,   0, 3,
    0, 0,   3, 3,

    2, 0,   5, 5,
    0, 2,   5, 5,
  };
  const float dy[4] = { 1, 10, 100, 1000 };
  const float want[16] = {
    1, 0,   0, 10,
    0, 0,   0, 0,

    100, 0, 1000, 0,
    0, 0,   0, 0,
  };
  float y[4], dx[16];
  gint32 arg[4];

  ink_max_pool_forward (1, 4, 4, 2, 2, 1, x, y, arg);
  g_assert_cmpfloat (y[0], ==, 1.0f);
  g_assert_cmpfloat (y[1], ==, 3.0f);
  g_assert_cmpfloat (y[2], ==, 2.0f);
  g_assert_cmpfloat (y[3], ==, 5.0f);
  ink_max_pool_backward (1, 4, 4, 2, 2, 1, dy, arg, dx);
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat (dx[i], ==, want[i]);
}

/* ------------------------------------------------------------------------ */
/* batch normalization */

static void
test_batch_norm_gradients (void)
{
  static const int cases[][3] = {
    /* batch, channels, spatial */
    { 4, 3, 5 },
    { 6, 4, 1 },   /* after a dense layer */
    { 1, 2, 9 },   /* one sample: the statistics over its pixels */
  };
  InkRng rng;

  ink_rng_init (&rng, 31);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      int B = cases[k][0], C = cases[k][1], S = cases[k][2];
      gsize n = (gsize) B * C * S;
      const float eps = 1e-2f;
      g_autofree float *x = g_new (float, n);
      g_autofree float *y = g_new (float, n);
      g_autofree float *r = g_new (float, n);
      g_autofree float *xhat = g_new (float, n);
      g_autofree float *dx = g_new (float, n);
      g_autofree float *gamma = g_new (float, C);
      g_autofree float *beta = g_new (float, C);
      g_autofree float *dgamma = g_new (float, C);
      g_autofree float *dbeta = g_new (float, C);
      g_autofree float *inv_std = g_new (float, C);
      g_autofree float *rm = g_new0 (float, C);
      g_autofree float *rv = g_new0 (float, C);
      struct { float *v; float *d; gsize n; const char *name; } sets[] = {
        { x, dx, n, "batch-norm dx" }, { gamma, dgamma, (gsize) C, "batch-norm dgamma" },
        { beta, dbeta, (gsize) C, "batch-norm dbeta" },
      };

      fill_random (&rng, x, n, 2.0f);
      for (gsize i = 0; i < n; i++)
        x[i] += (float) (i % C);        /* channels with different means */
      fill_random (&rng, gamma, C, 1.0f);
      fill_random (&rng, beta, C, 1.0f);
      fill_random (&rng, r, n, 1.0f);
      ink_batch_norm_forward (B, C, S, x, gamma, beta, 1e-3f, TRUE, 0.9f, rm, rv,
                              y, xhat, inv_std);
      ink_batch_norm_backward (B, C, S, r, xhat, inv_std, gamma, TRUE, dx, dgamma, dbeta);

      for (guint si = 0; si < G_N_ELEMENTS (sets); si++)
        for (gsize i = 0; i < sets[si].n; i++)
          {
            float keep = sets[si].v[i];
            double lp, lm;

            sets[si].v[i] = keep + eps;
            ink_batch_norm_forward (B, C, S, x, gamma, beta, 1e-3f, TRUE, 0.9f, rm, rv,
                                    y, xhat, inv_std);
            lp = dot (r, y, n);
            sets[si].v[i] = keep - eps;
            ink_batch_norm_forward (B, C, S, x, gamma, beta, 1e-3f, TRUE, 0.9f, rm, rv,
                                    y, xhat, inv_std);
            lm = dot (r, y, n);
            sets[si].v[i] = keep;
            assert_close (sets[si].d[i], (lp - lm) / (2.0 * eps), 2e-2, 2e-3, sets[si].name, i);
          }
    }
}

/* training moves the running statistics by the momentum; evaluation
 * normalizes with them, whatever the batch */
static void
test_batch_norm_running_stats (void)
{
  const int B = 4, C = 2, S = 2;
  /* channel 0: 1 2 3 4 5 6 7 8 (mean 4.5, biased var 5.25); channel 1: all 3 */
  const float x[16] = { 1, 2, 3, 3,  3, 4, 3, 3,  5, 6, 3, 3,  7, 8, 3, 3 };
  const float gamma[2] = { 2.0f, 1.0f };
  const float beta[2] = { 0.5f, -1.0f };
  float rm[2] = { 0.0f, 1.0f }, rv[2] = { 1.0f, 1.0f };
  float y[16], xhat[16], inv_std[2];
  float ex[16] = { 0 };

  ink_batch_norm_forward (B, C, S, x, gamma, beta, 1e-3f, TRUE, 0.9f, rm, rv, y, xhat, inv_std);
  /* unbiased variance 5.25·8/7 = 6 */
  g_assert_cmpfloat_with_epsilon (rm[0], 0.9f * 0.0f + 0.1f * 4.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (rv[0], 0.9f * 1.0f + 0.1f * 6.0f, 1e-5);
  g_assert_cmpfloat_with_epsilon (rm[1], 0.9f * 1.0f + 0.1f * 3.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (rv[1], 0.9f * 1.0f + 0.1f * 0.0f, 1e-6);
  /* training output: batch statistics */
  g_assert_cmpfloat_with_epsilon (y[0], 2.0f * (1.0f - 4.5f) / sqrtf (5.25f + 1e-3f) + 0.5f, 1e-4);
  g_assert_cmpfloat_with_epsilon (y[2], -1.0f, 1e-4);

  /* evaluation: one sample, the running statistics */
  ex[0] = 1.0f;
  ex[1] = 2.0f;
  ex[2] = 5.0f;
  ex[3] = 0.0f;
  ink_batch_norm_forward (1, C, S, ex, gamma, beta, 1e-3f, FALSE, 0.9f, rm, rv, y, xhat, inv_std);
  g_assert_cmpfloat_with_epsilon (rm[0], 0.45f, 1e-6);   /* unchanged */
  for (int i = 0; i < 4; i++)
    {
      int c = i / 2;
      float want = gamma[c] * (ex[i] - rm[c]) / sqrtf (rv[c] + 1e-3f) + beta[c];

      g_assert_cmpfloat_with_epsilon (y[i], want, 1e-5);
    }
}

/* ------------------------------------------------------------------------ */
/* a small CNN through the network API */

#define CNN_B 3

static double
cnn_loss (InkNetwork   *net,
          const float  *x,
          const gint32 *labels,
          gboolean      with_grad)
{
  int L = net->spec->n_layers;
  int classes = net->spec->layers[L - 1].units;
  double acc[2] = { 0.0, 0.0 };
  float *out = ink_network_forward (net, x, CNN_B, TRUE, 7, 3);

  net->be->ops->loss (net->be, INK_LOSS_CROSS_ENTROPY, out, labels, CNN_B, classes,
                      with_grad ? net->delta[L - 1] : NULL, acc);
  return acc[0] / CNN_B;
}

static void
test_cnn_network_gradients (void)
{
  InkLayerSpec layers[] = {
    { .kind = INK_LAYER_CONV2D, .filters = 3, .kernel_h = 3, .kernel_w = 3, .stride = 1,
      .padding = INK_PADDING_SAME, .activation = INK_ACT_TANH },
    { .kind = INK_LAYER_BATCH_NORM, .momentum = 0.99f, .epsilon = 1e-3f,
      .activation = INK_ACT_IDENTITY },
    { .kind = INK_LAYER_MAX_POOL, .pool_size = 2, .stride = 2 },
    { .kind = INK_LAYER_CONV2D, .filters = 4, .kernel_h = 2, .kernel_w = 3, .stride = 2,
      .padding = INK_PADDING_VALID, .activation = INK_ACT_SIGMOID, .dropout = 0.25f },
    { .kind = INK_LAYER_AVG_POOL, .pool_size = 1, .stride = 1 },
    { .units = 5, .activation = INK_ACT_TANH, .dropout = 0.2f },
    { .kind = INK_LAYER_BATCH_NORM, .momentum = 0.9f, .epsilon = 1e-3f,
      .activation = INK_ACT_TANH },
    { .units = 3, .activation = INK_ACT_SOFTMAX },
  };
  InkNetSpec spec = {
    .n_inputs = 2 * 10 * 9, .n_layers = G_N_ELEMENTS (layers), .layers = layers,
    .loss = INK_LOSS_CROSS_ENTROPY, .init = INK_INIT_GLOROT_UNIFORM, .leaky_slope = 0.01f,
    .in_channels = 2, .in_height = 10, .in_width = 9,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = NULL;
  g_autofree float *x = g_new (float, CNN_B * spec.n_inputs);
  g_autofree float *params = NULL;
  g_autofree float *grads = NULL;
  g_autofree float *dx = NULL;
  gint32 labels[CNN_B] = { 0, 2, 1 };
  const float eps = 1e-3f;
  InkRng rng;

  net = ink_network_new (&spec, be, CNN_B, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (net->shape[3].height, ==, 2);   /* 5×4 → (5-2)/2+1 × (4-3)/2+1 */
  g_assert_cmpuint (net->shape[3].width, ==, 1);
  g_assert_cmpuint (net->n_params, ==, ink_net_spec_n_params (&spec));
  g_assert_cmpuint (net->n_params, ==,
                    (3 * 2 * 9 + 3) + (3 + 3 + 6) + (4 * 3 * 6 + 4) + (5 * 8 + 5) + (5 + 5 + 10) +
                    (3 * 5 + 3));
  g_assert_cmpuint (net->n_state, ==, 2 * 3 + 2 * 5);
  ink_network_init_params (net, 5);

  ink_rng_init (&rng, 41);
  fill_random (&rng, x, CNN_B * spec.n_inputs, 1.0f);
  params = g_new (float, net->n_params);
  ink_network_get_params (net, params);
  fill_random (&rng, params, net->n_params, 0.6f);  /* biases and BN scales away from 0 and 1 */
  ink_network_set_params (net, params);

  cnn_loss (net, x, labels, TRUE);
  ink_network_backward (net, x, CNN_B, TRUE);
  grads = g_memdup2 (net->grads, net->n_params * sizeof (float));
  dx = g_memdup2 (net->d_input, CNN_B * spec.n_inputs * sizeof (float));

  for (gsize i = 0; i < net->n_params; i++)
    {
      float keep = params[i];
      double lp, lm;

      net->params[i] = keep + eps;
      lp = cnn_loss (net, x, labels, FALSE);
      net->params[i] = keep - eps;
      lm = cnn_loss (net, x, labels, FALSE);
      net->params[i] = keep;
      assert_close (grads[i], (lp - lm) / (2.0 * eps), 3e-2, 3e-4, "cnn param grad", i);
    }
  for (gsize i = 0; i < (gsize) CNN_B * spec.n_inputs; i += 7)
    {
      float keep = x[i];
      double lp, lm;

      x[i] = keep + eps;
      lp = cnn_loss (net, x, labels, FALSE);
      x[i] = keep - eps;
      lm = cnn_loss (net, x, labels, FALSE);
      x[i] = keep;
      assert_close (dx[i], (lp - lm) / (2.0 * eps), 3e-2, 3e-4, "cnn input grad", i);
    }
}

/* the Keras MNIST CNN: 1,199,882 parameters, as model.summary() counts them */
/* The CPU backend splits big image passes across its threads (by sample,
 * by channel, by element range): every result must equal the one-thread
 * loops bit for bit, whatever the split.  64×24×24 maps of 33 samples
 * (an odd count: unequal parts) are past the splitting size. */
static void
test_split_passes (void)
{
  enum { B = 33, C = 64, H = 24, W = 24 };
  const gsize n = (gsize) B * C * H * W, n_out = (gsize) B * C * (H / 2) * (W / 2);
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  const InkBackendOps *ops = be->ops;
  g_autofree float *x = g_new (float, n), *a = g_new (float, n), *b = g_new (float, n);
  g_autofree float *ya = g_new (float, n_out), *yb = g_new (float, n_out);
  g_autofree float *mb = g_new (float, n);
  g_autofree gint32 *arga = g_new (gint32, n_out), *argb = g_new (gint32, n_out);
  g_autofree float *xa = g_new (float, n), *xb = g_new (float, n);
  float gamma[C], beta[C], rma[C], rva[C], rmb[C], rvb[C], isa[C], isb[C];
  float dga[C], dba[C], dgb[C], dbb[C];
  InkRng rng;

  ink_rng_init (&rng, 17);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) ink_rng_normal (&rng);
  for (int c = 0; c < C; c++)
    {
      gamma[c] = 1.0f + 0.1f * c;
      beta[c] = 0.01f * c;
      rma[c] = rmb[c] = 0.0f;
      rva[c] = rvb[c] = 1.0f;
    }

  ink_max_pool_forward (C, H, W, 2, 2, B, x, ya, arga);
  ops->max_pool_forward (be, C, H, W, 2, 2, B, x, yb, argb);
  g_assert_cmpmem (ya, n_out * sizeof (float), yb, n_out * sizeof (float));
  g_assert_cmpmem (arga, n_out * sizeof (gint32), argb, n_out * sizeof (gint32));
  ink_max_pool_backward (C, H, W, 2, 2, B, ya, arga, a);
  ops->max_pool_backward (be, C, H, W, 2, 2, B, ya, argb, b);
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
  /* from nChw16c, with ties (values on a coarse grid): the same maxima,
   * the same first-of-equal argmax, the gradient back in nChw16c */
  for (gsize i = 0; i < n; i++)
    a[i] = floorf (x[i] * 2.0f);
  ink_max_pool_forward (C, H, W, 3, 2, B, a, ya, arga);
  ink_nchw_to_blocked (a, b, B, C, H * W);
  memset (yb, 0, n_out * sizeof (float));
  ops->max_pool_forward_blocked (be, C, H, W, 3, 2, B, b, yb, argb);
  {
    const gsize n3 = (gsize) B * C * ((H - 3) / 2 + 1) * ((W - 3) / 2 + 1);

    g_assert_cmpmem (ya, n3 * sizeof (float), yb, n3 * sizeof (float));
    g_assert_cmpmem (arga, n3 * sizeof (gint32), argb, n3 * sizeof (gint32));
    ink_max_pool_backward (C, H, W, 3, 2, B, ya, arga, a);
    ink_nchw_to_blocked (a, xa, B, C, H * W);
    ops->max_pool_backward_blocked (be, C, H, W, 3, 2, B, ya, argb, b);
    g_assert_cmpmem (xa, n * sizeof (float), b, n * sizeof (float));
    ink_blocked_to_nchw (b, xb, B, C, H * W);
    g_assert_cmpmem (a, n * sizeof (float), xb, n * sizeof (float));
  }
  ink_avg_pool_forward (C, H, W, 2, 2, B, x, ya);
  ops->avg_pool_forward (be, C, H, W, 2, 2, B, x, yb);
  g_assert_cmpmem (ya, n_out * sizeof (float), yb, n_out * sizeof (float));
  ink_avg_pool_backward (C, H, W, 2, 2, B, ya, a);
  ops->avg_pool_backward (be, C, H, W, 2, 2, B, ya, b);
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));

  ink_batch_norm_forward (B, C, H * W, x, gamma, beta, 1e-3f, TRUE, 0.9f, rma, rva, a, xa, isa);
  ops->batch_norm_forward (be, B, C, H * W, x, gamma, beta, 1e-3f, TRUE, 0.9f, rmb, rvb, b, xb,
                           isb);
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
  g_assert_cmpmem (xa, n * sizeof (float), xb, n * sizeof (float));
  g_assert_cmpmem (rma, sizeof rma, rmb, sizeof rmb);
  g_assert_cmpmem (rva, sizeof rva, rvb, sizeof rvb);
  ink_batch_norm_backward (B, C, H * W, x, xa, isa, gamma, TRUE, a, dga, dba);
  ops->batch_norm_backward (be, B, C, H * W, x, xb, isb, gamma, TRUE, b, dgb, dbb);
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
  g_assert_cmpmem (dga, sizeof dga, dgb, sizeof dgb);
  g_assert_cmpmem (dba, sizeof dba, dbb, sizeof dbb);

  /* ReLU, its derivative, dropout (each element's draw from its index)
   * and the mask product against plain loops */
  memcpy (b, x, n * sizeof (float));
  ops->act_forward (be, INK_ACT_RELU, 0.0f, b, n);
  for (gsize i = 0; i < n; i++)
    g_assert_true (b[i] == (x[i] > 0.0f ? x[i] : 0.0f));
  memcpy (a, x, n * sizeof (float));
  ops->act_backward (be, INK_ACT_RELU, 0.0f, b, a, n);
  for (gsize i = 0; i < n; i++)
    g_assert_true (a[i] == (b[i] > 0.0f ? x[i] : 0.0f));
  memcpy (b, x, n * sizeof (float));
  ops->dropout_forward (be, b, mb, n, 0.25f, 99, 3);
  for (gsize i = 0; i < n; i++)
    {
      float m = ink_hash_uniform (99, 3, i) >= 0.25f ? 1.0f / 0.75f : 0.0f;

      if (mb[i] != m || b[i] != x[i] * m)
        g_error ("dropout element %" G_GSIZE_FORMAT ": mask %g, want %g", i, mb[i], m);
    }
  memcpy (a, x, n * sizeof (float));
  ops->mul (be, a, mb, n);
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
}

/* A training pass keeps the tensor between two convolutions, and between a
 * convolution and a max pooling, in oneDNN's nChw16c order, and a
 * convolution's ReLU is fused into it: the same loss,
 * gradients and input gradient as a backend that keeps NCHW throughout,
 * and the first convolution's output is the NCHW one reordered.  Run again by meson with INKLING_CONV=im2col (the
 * fallback converting around im2col). */
static void
test_blocked_layouts (void)
{
  InkLayerSpec layers[] = {
    { .kind = INK_LAYER_CONV2D, .filters = 16, .kernel_h = 3, .kernel_w = 3, .stride = 1,
      .padding = INK_PADDING_VALID, .activation = INK_ACT_RELU },
    { .kind = INK_LAYER_CONV2D, .filters = 32, .kernel_h = 3, .kernel_w = 3, .stride = 2,
      .padding = INK_PADDING_SAME, .activation = INK_ACT_LEAKY_RELU },
    { .kind = INK_LAYER_MAX_POOL, .pool_size = 2, .stride = 1 },
    { .kind = INK_LAYER_CONV2D, .filters = 16, .kernel_h = 2, .kernel_w = 2, .stride = 1,
      .padding = INK_PADDING_VALID, .activation = INK_ACT_TANH },
    { .kind = INK_LAYER_DENSE, .units = 5, .activation = INK_ACT_SOFTMAX },
  };
  InkNetSpec spec = {
    .n_inputs = 3 * 9 * 8, .n_layers = G_N_ELEMENTS (layers), .layers = layers,
    .loss = INK_LOSS_CROSS_ENTROPY, .init = INK_INIT_GLOROT_UNIFORM, .leaky_slope = 0.01f,
    .in_channels = 3, .in_height = 9, .in_width = 8,
  };
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkBackend) be_plain = ink_backend_cpu_new ();
  InkBackendOps plain_ops = *be->ops;
  const InkBackendOps *own_ops = be_plain->ops;
  g_autofree float *x = g_new (float, CNN_B * spec.n_inputs);
  g_autofree float *params = NULL, *grads = NULL, *dx = NULL, *act0 = NULL;
  gint32 labels[CNN_B] = { 4, 0, 2 };
  double loss[2];
  gsize n_act0 = 0;
  InkRng rng;

  g_assert_true (be->ops->conv_blocked && be->ops->conv_relu);
  plain_ops.conv_blocked = FALSE;
  plain_ops.conv_relu = FALSE;    /* and the first convolution's ReLU a pass of its own */
  be_plain->ops = &plain_ops;
  ink_rng_init (&rng, 43);
  fill_random (&rng, x, CNN_B * spec.n_inputs, 1.0f);

  for (int k = 0; k < 2; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkNetwork) net = ink_network_new (&spec, k == 0 ? be : be_plain, CNN_B, &error);

      g_assert_no_error (error);
      if (params == NULL)
        {
          ink_network_init_params (net, 9);
          params = g_new (float, net->n_params);
          ink_network_get_params (net, params);
        }
      ink_network_set_params (net, params);
      loss[k] = cnn_loss (net, x, labels, TRUE);
      ink_network_backward (net, x, CNN_B, TRUE);
      if (k == 0)
        {
          grads = g_memdup2 (net->grads, net->n_params * sizeof (float));
          dx = g_memdup2 (net->d_input, CNN_B * spec.n_inputs * sizeof (float));
          n_act0 = (gsize) CNN_B * net->shape[0].n_outputs;
          act0 = g_memdup2 (net->act[0], n_act0 * sizeof (float));
          continue;
        }

      g_assert_cmpfloat_with_epsilon (loss[0], loss[1], 1e-6);
      for (gsize i = 0; i < net->n_params; i++)
        if (fabsf (grads[i] - net->grads[i]) > 1e-5f * (1.0f + fabsf (net->grads[i])))
          g_error ("gradient %" G_GSIZE_FORMAT ": %g blocked, %g plain", i, grads[i], net->grads[i]);
      for (gsize i = 0; i < (gsize) CNN_B * spec.n_inputs; i++)
        if (fabsf (dx[i] - net->d_input[i]) > 1e-5f * (1.0f + fabsf (net->d_input[i])))
          g_error ("input gradient %" G_GSIZE_FORMAT ": %g blocked, %g plain", i, dx[i],
                   net->d_input[i]);
      {
        g_autofree float *want = g_new (float, n_act0);
        const InkLayerShape *sh = &net->shape[0];

        ink_nchw_to_blocked (net->act[0], want, CNN_B, sh->channels, sh->height * sh->width);
        for (gsize i = 0; i < n_act0; i++)
          if (fabsf (act0[i] - want[i]) > 1e-6f * (1.0f + fabsf (want[i])))
            g_error ("conv 1 output %" G_GSIZE_FORMAT ": %g, want %g in nChw16c order", i,
                     act0[i], want[i]);
      }
    }
  be_plain->ops = own_ops;
}

static void
test_keras_cnn_params (void)
{
  InkLayerSpec layers[] = {
    { .kind = INK_LAYER_CONV2D, .filters = 32, .kernel_h = 3, .kernel_w = 3, .stride = 1,
      .activation = INK_ACT_RELU },
    { .kind = INK_LAYER_CONV2D, .filters = 64, .kernel_h = 3, .kernel_w = 3, .stride = 1,
      .activation = INK_ACT_RELU },
    { .kind = INK_LAYER_MAX_POOL, .pool_size = 2, .stride = 2, .dropout = 0.25f },
    { .units = 128, .activation = INK_ACT_RELU, .dropout = 0.5f },
    { .units = 10, .activation = INK_ACT_SOFTMAX },
  };
  InkNetSpec spec = {
    .n_inputs = 784, .n_layers = G_N_ELEMENTS (layers), .layers = layers,
    .loss = INK_LOSS_CROSS_ENTROPY, .leaky_slope = 0.01f,
  };
  InkLayerShape shapes[5];
  g_autoptr(GError) error = NULL;

  g_assert_true (ink_net_spec_validate (&spec, &error));
  g_assert_no_error (error);
  g_assert_true (ink_net_spec_shapes (&spec, shapes, &error));
  g_assert_cmpint (shapes[0].in_channels, ==, 1);
  g_assert_cmpint (shapes[0].in_height, ==, 28);
  g_assert_cmpint (shapes[1].height, ==, 24);
  g_assert_cmpint (shapes[2].height, ==, 12);
  g_assert_cmpuint (shapes[3].n_inputs, ==, 9216);
  g_assert_cmpuint (ink_net_spec_n_params (&spec), ==, 1199882);
  g_assert_cmpuint (ink_net_spec_n_state (&spec), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* shape refusals */

static void
expect_refusal (InkNetSpec *spec,
                const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ink_net_spec_validate (spec, &error));
  g_assert_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC);
  if (strstr (error->message, message) == NULL)
    g_error ("expected “%s” in “%s”", message, error->message);
}

static void
test_shape_refusals (void)
{
  InkLayerSpec layers[4];
  InkNetSpec spec = {
    .n_inputs = 16, .n_layers = 4, .layers = layers, .loss = INK_LOSS_CROSS_ENTROPY,
    .leaky_slope = 0.01f,
  };
  const InkLayerSpec conv3 = { .kind = INK_LAYER_CONV2D, .filters = 2, .kernel_h = 3,
                               .kernel_w = 3, .stride = 1 };
  const InkLayerSpec pool2 = { .kind = INK_LAYER_MAX_POOL, .pool_size = 2, .stride = 2 };
  const InkLayerSpec out = { .units = 10, .activation = INK_ACT_SOFTMAX };

  /* 4×4 → conv 3×3 → 2×2 → pool → 1×1 → pool: nothing left */
  layers[0] = conv3;
  layers[1] = pool2;
  layers[2] = pool2;
  layers[3] = out;
  expect_refusal (&spec, "layer 3 (max-pool 2×2): its input is 1×1");

  /* a kernel larger than its input */
  layers[1] = conv3;
  layers[1].kernel_w = 5;
  layers[1].padding = INK_PADDING_SAME;
  layers[2] = conv3;
  expect_refusal (&spec, "layer 3 (conv2d 2 3×3): its input is 2×2, smaller than the 3×3 kernel");

  /* conv after dense */
  layers[0] = (InkLayerSpec) { .units = 8, .activation = INK_ACT_RELU };
  layers[1] = conv3;
  layers[2] = pool2;
  expect_refusal (&spec, "layer 2 (conv2d 2 3×3): its input is flat (8 values)");

  /* the output must be dense */
  spec.n_layers = 2;
  layers[0] = conv3;
  layers[1] = pool2;
  layers[1].pool_size = 1;
  expect_refusal (&spec, "layer 2 (max-pool 1×1): the output layer must be dense");

  /* an input that is no square image */
  spec.n_inputs = 15;
  layers[1] = out;
  expect_refusal (&spec, "15 inputs are not a square image");
  spec.in_channels = 3;
  spec.in_height = 5;
  spec.in_width = 2;
  expect_refusal (&spec, "the input image 3×5×2");
  spec.in_width = 1;
  expect_refusal (&spec, "layer 1 (conv2d 2 3×3): its input is 5×1, smaller than the 3×3 kernel");

  /* bad fields name the layer */
  spec.n_inputs = 16;
  spec.in_channels = spec.in_height = spec.in_width = 0;
  layers[0].stride = 0;
  expect_refusal (&spec, "layer 1 (conv2d 2 3×3): stride 0 must be at least 1");
  layers[0] = (InkLayerSpec) { .kind = INK_LAYER_BATCH_NORM, .momentum = 1.0f, .epsilon = 1e-3f };
  expect_refusal (&spec, "layer 1 (batch-norm): momentum 1.0 must be in [0, 1)");
  layers[0].momentum = 0.5f;
  layers[0].epsilon = 0.0f;
  expect_refusal (&spec, "layer 1 (batch-norm): epsilon 0.0 must be a positive number");
}


/* ------------------------------------------------------------------------ */
/* experiments and model files */

#define CNN_JSON \
  "{\"network\": {\"inputs\": 784, \"layers\": [" \
  "{\"type\": \"conv2d\", \"filters\": 4, \"kernel\": 3, \"activation\": \"relu\"}," \
  "{\"type\": \"batch-norm\", \"momentum\": 0.9}," \
  "{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": [3, 2], \"stride\": 2, \"padding\": \"same\"}," \
  "{\"type\": \"max-pool\", \"size\": 2, \"dropout\": 0.25}," \
  "{\"type\": \"avg-pool\", \"size\": 2, \"stride\": 1}," \
  "{\"type\": \"dense\", \"units\": 16, \"activation\": \"relu\"}," \
  "{\"units\": 10, \"activation\": \"softmax\"}]}}"

static void
test_experiment_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_from_json (CNN_JSON, -1, &error);
  g_autoptr(InkExperiment) back = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;
  const InkLayerSpec *l;

  g_assert_no_error (error);
  g_assert_cmpint (e->net->n_layers, ==, 7);
  l = e->net->layers;
  g_assert_cmpint (l[0].kind, ==, INK_LAYER_CONV2D);
  g_assert_cmpint (l[0].filters, ==, 4);
  g_assert_cmpint (l[0].kernel_h, ==, 3);
  g_assert_cmpint (l[0].kernel_w, ==, 3);
  g_assert_cmpint (l[0].stride, ==, 1);
  g_assert_cmpint (l[0].padding, ==, INK_PADDING_VALID);
  g_assert_cmpint (l[0].activation, ==, INK_ACT_RELU);
  g_assert_cmpint (l[1].kind, ==, INK_LAYER_BATCH_NORM);
  g_assert_cmpfloat (l[1].momentum, ==, 0.9f);
  g_assert_cmpfloat (l[1].epsilon, ==, 1e-3f);
  g_assert_cmpint (l[1].activation, ==, INK_ACT_IDENTITY);
  g_assert_cmpint (l[2].kernel_h, ==, 3);
  g_assert_cmpint (l[2].kernel_w, ==, 2);
  g_assert_cmpint (l[2].padding, ==, INK_PADDING_SAME);
  g_assert_cmpint (l[3].kind, ==, INK_LAYER_MAX_POOL);
  g_assert_cmpint (l[3].stride, ==, 2);        /* the window's size */
  g_assert_cmpfloat (l[3].dropout, ==, 0.25f);
  g_assert_cmpint (l[4].kind, ==, INK_LAYER_AVG_POOL);
  g_assert_cmpint (l[4].stride, ==, 1);
  g_assert_cmpint (l[5].kind, ==, INK_LAYER_DENSE);
  g_assert_cmpint (l[5].units, ==, 16);
  g_assert_true (ink_experiment_validate (e, &error));
  g_assert_no_error (error);

  /* written and read back: the same text */
  json = ink_experiment_to_json (e, TRUE);
  g_assert_nonnull (strstr (json, "\"type\" : \"conv2d\""));
  g_assert_true (ink_experiment_check_round_trip (json, "cnn.json", &error));
  g_assert_no_error (error);
  back = ink_experiment_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (ink_net_spec_same_network (e->net, back->net));
  json2 = ink_experiment_to_json (back, TRUE);
  g_assert_cmpstr (json, ==, json2);
}

static void
expect_json_error (const char *layers,
                   const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"network\": {\"inputs\": 784, \"layers\": [%s,"
                                           "{\"units\": 10, \"activation\": \"softmax\"}]}}",
                                           layers);
  g_autoptr(InkExperiment) e = ink_experiment_from_json (json, -1, &error);

  if (e != NULL)
    ink_experiment_validate (e, &error);
  g_assert_nonnull (error);
  if (strstr (error->message, message) == NULL)
    g_error ("expected “%s” in “%s”", message, error->message);
}

static void
test_experiment_json_errors (void)
{
  expect_json_error ("{\"type\": \"conv3d\", \"filters\": 2}", "network.layers[0].type: “conv3d” is not one of");
  expect_json_error ("{\"type\": \"conv2d\", \"kernel\": 3}", "network.layers[0].filters: is required");
  expect_json_error ("{\"type\": \"conv2d\", \"filters\": 2}", "network.layers[0].kernel: is required");
  expect_json_error ("{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": [3]}", "network.layers[0].kernel: must be");
  expect_json_error ("{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"padding\": \"full\"}",
                     "network.layers[0].padding: “full” is not one of: valid, same");
  expect_json_error ("{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"units\": 5}",
                     "network.layers[0]: unknown key “units”");
  expect_json_error ("{\"type\": \"max-pool\"}", "network.layers[0].size: is required");
  expect_json_error ("{\"type\": \"max-pool\", \"size\": 2, \"stride\": 0}", "network.layers[0].stride: must be at least 1");
  expect_json_error ("{\"type\": \"batch-norm\", \"momentum\": 1.5}", "network.layers[0].momentum: must be in [0, 1)");
  expect_json_error ("{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 29}",
                     "layer 1 (conv2d 2 29×29): its input is 28×28, smaller than the 29×29 kernel");
}

/* conv weights [out, in, kh, kw], batch norm's four tensors; loading
 * checks their shapes against the experiment */
static void
test_model_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_from_json (CNN_JSON, -1, &error);
  g_autoptr(InkModel) m = NULL;
  g_autoptr(InkTensorFile) tf = NULL;
  g_autofree float *p = NULL;
  g_autofree char *dir = g_dir_make_tmp ("inkling-conv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cnn.safetensors", NULL);
  InkNorm norm = { 0 };
  gsize n;
  InkTensor *t;

  g_assert_no_error (error);
  n = ink_net_spec_n_params (e->net);
  p = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    p[i] = (float) i * 1e-3f;
  norm.kind = INK_NORM_SCALE;
  norm.affine.scale = 1.0f / 255.0f;
  g_assert_true (ink_model_save (path, e, &norm, p, &error));
  g_assert_no_error (error);

  tf = ink_safetensors_load (path, &error);
  g_assert_no_error (error);
  t = ink_tensor_file_lookup (tf, "layers.0.weight");
  g_assert_nonnull (t);
  g_assert_cmpint (t->n_dims, ==, 4);
  g_assert_cmpint (t->shape[0], ==, 4);
  g_assert_cmpint (t->shape[1], ==, 1);
  g_assert_cmpint (t->shape[2], ==, 3);
  g_assert_cmpint (t->shape[3], ==, 3);
  t = ink_tensor_file_lookup (tf, "layers.2.weight");
  g_assert_cmpint (t->shape[0], ==, 2);
  g_assert_cmpint (t->shape[1], ==, 4);
  g_assert_cmpint (t->shape[2], ==, 3);
  g_assert_cmpint (t->shape[3], ==, 2);
  for (guint k = 0; k < 4; k++)
    {
      static const char * const bn[] = { "weight", "bias", "running_mean", "running_var" };
      g_autofree char *name = g_strdup_printf ("layers.1.%s", bn[k]);

      t = ink_tensor_file_lookup (tf, name);
      g_assert_nonnull (t);
      g_assert_cmpint (t->n_dims, ==, 1);
      g_assert_cmpint (t->shape[0], ==, 4);
    }
  g_assert_null (ink_tensor_file_lookup (tf, "layers.3.weight"));   /* a pool */
  t = ink_tensor_file_lookup (tf, "layers.5.weight");
  g_assert_cmpint (t->shape[0], ==, 16);
  g_assert_cmpint (t->shape[1], ==, 2 * 5 * 5);   /* 28 → 26 → 13 (same, stride 2) → 6 → 5 */

  m = ink_model_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (m->n_params, ==, n);
  g_assert_cmpmem (m->params, n * sizeof (float), p, n * sizeof (float));

  /* the same file read as a network whose conv kernels differ: refused */
  {
    g_autoptr(InkExperiment) other = ink_experiment_copy (e);
    g_autoptr(InkTensorFile) tf2 = ink_safetensors_load (path, NULL);

    other->net->layers[2].kernel_w = 3;
    g_assert_false (ink_model_check_tensors (tf2, other->net, "", &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "layers.2.weight"));
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* RBM pretraining needs dense hidden layers */
static void
test_pretraining_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_from_json (CNN_JSON, -1, &error);

  g_assert_no_error (error);
  e->pretraining.enabled = TRUE;
  g_assert_false (ink_experiment_validate (e, &error));
  g_assert_nonnull (strstr (error->message, "layer 1 (conv2d 4 3×3) is a conv2d layer"));
}

/* the Keras CNN preset: loads by name, validates, 1,199,882 parameters;
 * listed among all presets, not among the workbench's (dense) ones */
static void
test_preset (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_preset ("keras-mnist-cnn", &error);
  g_auto(GStrv) dense = ink_experiment_list_presets ();
  g_auto(GStrv) all = ink_experiment_list_all_presets ();

  g_assert_no_error (error);
  g_assert_true (ink_experiment_validate (e, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ink_net_spec_n_params (e->net), ==, 1199882);
  g_assert_cmpint (e->net->layers[2].kind, ==, INK_LAYER_MAX_POOL);
  g_assert_cmpfloat (e->net->layers[2].dropout, ==, 0.25f);
  g_assert_cmpint (e->optimizer.kind, ==, INK_OPT_ADADELTA);
  g_assert_cmpfloat (e->optimizer.lr, ==, 1.0f);
  g_assert_cmpfloat (e->optimizer.rho, ==, 0.95f);
  g_assert_true (g_strv_contains ((const char * const *) all, "keras-mnist-cnn"));
  g_assert_false (g_strv_contains ((const char * const *) dense, "keras-mnist-cnn"));
  g_assert_true (g_strv_contains ((const char * const *) dense, "keras-mnist-mlp"));
}

/* LeNet-5: the first conv keeps 28×28 with "same" padding (the paper's
 * 32×32 input), then 14×14, 10×10, 5×5 → 400 → 120 → 84 → 10; 61,706
 * parameters (156 + 2,416 + 48,120 + 10,164 + 850); listed among all
 * presets only */
static void
test_preset_lenet (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_preset ("lenet-5", &error);
  g_auto(GStrv) dense = ink_experiment_list_presets ();
  g_auto(GStrv) all = ink_experiment_list_all_presets ();
  InkLayerShape sh[7];
  static const int want[7][3] = {
    { 6, 28, 28 }, { 6, 14, 14 }, { 16, 10, 10 }, { 16, 5, 5 },
    { 120, 1, 1 }, { 84, 1, 1 }, { 10, 1, 1 },
  };

  g_assert_no_error (error);
  g_assert_true (ink_experiment_validate (e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e->net->n_layers, ==, 7);
  g_assert_true (ink_net_spec_shapes (e->net, sh, &error));
  g_assert_no_error (error);
  for (int l = 0; l < 7; l++)
    {
      g_assert_cmpuint (sh[l].n_outputs, ==, (gsize) want[l][0] * want[l][1] * want[l][2]);
      if (!sh[l].flat)
        {
          g_assert_cmpint (sh[l].channels, ==, want[l][0]);
          g_assert_cmpint (sh[l].height, ==, want[l][1]);
          g_assert_cmpint (sh[l].width, ==, want[l][2]);
        }
    }
  g_assert_cmpint (sh[0].pad_top, ==, 2);
  g_assert_cmpint (sh[0].pad_left, ==, 2);
  g_assert_cmpuint (ink_net_spec_n_params (e->net), ==, 61706);
  g_assert_nonnull (strstr (e->description, "0.95%"));
  g_assert_true (g_strv_contains ((const char * const *) all, "lenet-5"));
  g_assert_false (g_strv_contains ((const char * const *) dense, "lenet-5"));
}

int
main (int argc, char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conv/reference", test_conv_reference);
  g_test_add_func ("/conv/gradients", test_conv_gradients);
  g_test_add_func ("/conv/fast-and-reference-paths", test_conv_paths);
  g_test_add_func ("/conv/primitive-cache-bound", test_conv_cache_bound);
  g_test_add_func ("/pool/max-gradients", test_max_pool_gradients);
  g_test_add_func ("/pool/max-ties", test_max_pool_ties);
  g_test_add_func ("/pool/avg-gradients", test_avg_pool_gradients);
  g_test_add_func ("/batch-norm/gradients", test_batch_norm_gradients);
  g_test_add_func ("/batch-norm/running-stats", test_batch_norm_running_stats);
  g_test_add_func ("/network/cnn-gradients", test_cnn_network_gradients);
  g_test_add_func ("/network/keras-cnn-params", test_keras_cnn_params);
  g_test_add_func ("/network/split-passes", test_split_passes);
  g_test_add_func ("/network/blocked-layouts", test_blocked_layouts);
  g_test_add_func ("/network/shape-refusals", test_shape_refusals);
  g_test_add_func ("/experiment/json", test_experiment_json);
  g_test_add_func ("/experiment/json-errors", test_experiment_json_errors);
  g_test_add_func ("/experiment/pretraining-refused", test_pretraining_refused);
  g_test_add_func ("/model/file", test_model_file);
  g_test_add_func ("/experiment/preset", test_preset);
  g_test_add_func ("/experiment/preset-lenet", test_preset_lenet);

  rc = g_test_run ();
  /* the oneDNN primitives kept: freed, so that a leak checker sees none */
  ink_conv2d_cache_clear ();
  return rc;
}
