/* test-optimizer.c
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

#include <math.h>
#include <string.h>

#include "ink-backend.h"
#include "ink-network.h"
#include "ink-optimizer.h"
#include "ink-rng.h"

/* One or two updates of a tiny tensor against numbers worked out by hand.
 * Unless said otherwise: w = (1, -2, 0.5), g = (0.5, 0.25, -1). */

#define TOL 1e-6

static const float W0[3] = { 1.0f, -2.0f, 0.5f };
static const float G0[3] = { 0.5f, 0.25f, -1.0f };

static InkOptParams
params_for (InkOptimizerKind kind,
            float            lr)
{
  InkOptParams p = { 0 };

  p.kind = kind;
  p.lr = lr;
  p.step = 1;
  return p;
}

static void
assert_floats (const float *got,
               const double *want,
               int           n)
{
  for (int i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > TOL)
      g_error ("element %d: got %.9g, expected %.9g", i, got[i], want[i]);
}

/* Runs the update on TILES copies of the n-element tensor at once, so that
 * the vector loop (16 or 8 lanes) and the scalar tail both take part; every
 * copy must agree with the first, which is written back. */
#define TILES 11

static void
update_tiled (InkBackend         *be,
              const InkOptParams *p,
              float              *w,
              const float        *g,
              float              *s1,
              float              *s2,
              int                 n,
              int                 row_len)
{
  const gsize big = (gsize) n * TILES;
  float *bw = ink_backend_alloc_floats (be, big, NULL);
  float *bg = ink_backend_alloc_floats (be, big, NULL);
  float *bs1 = ink_backend_alloc_floats (be, big, NULL);
  float *bs2 = ink_backend_alloc_floats (be, big, NULL);

  for (int t = 0; t < TILES; t++)
    {
      memcpy (bw + t * n, w, n * sizeof (float));
      memcpy (bg + t * n, g, n * sizeof (float));
      if (s1 != NULL)
        memcpy (bs1 + t * n, s1, n * sizeof (float));
      if (s2 != NULL)
        memcpy (bs2 + t * n, s2, n * sizeof (float));
    }

  be->ops->update (be, p, bw, bg, s1 != NULL ? bs1 : NULL, s2 != NULL ? bs2 : NULL, big, row_len);

  for (gsize i = n; i < big; i++)
    {
      g_assert_cmpfloat_with_epsilon (bw[i], bw[i % n], 1e-7 * MAX (1.0f, fabsf (bw[i % n])));
      g_assert_cmpfloat_with_epsilon (bs1[i], bs1[i % n], 1e-7 * MAX (1.0f, fabsf (bs1[i % n])));
      g_assert_cmpfloat_with_epsilon (bs2[i], bs2[i % n], 1e-7 * MAX (1.0f, fabsf (bs2[i % n])));
    }
  memcpy (w, bw, n * sizeof (float));
  if (s1 != NULL)
    memcpy (s1, bs1, n * sizeof (float));
  if (s2 != NULL)
    memcpy (s2, bs2, n * sizeof (float));

  be->ops->free (be, bw);
  be->ops->free (be, bg);
  be->ops->free (be, bs1);
  be->ops->free (be, bs2);
}

static void
test_update_sgd (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_SGD, 0.1f);
  float w[3];

  /* w - 0.1·g = (1 - 0.05, -2 - 0.025, 0.5 + 0.1) */
  memcpy (w, W0, sizeof w);
  update_tiled (be, &p, w, G0, NULL, NULL, 3, 3);
  assert_floats (w, (double[]) { 0.95, -2.025, 0.6 }, 3);
}

static void
test_update_momentum (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_MOMENTUM, 0.1f);
  float w[3], v[3] = { 0, 0, 0 };

  p.momentum = 0.9f;
  memcpy (w, W0, sizeof w);

  /* step 1: v = 0.9·0 - 0.1·g = (-0.05, -0.025, 0.1); w += v */
  update_tiled (be, &p, w, G0, v, NULL, 3, 3);
  assert_floats (v, (double[]) { -0.05, -0.025, 0.1 }, 3);
  assert_floats (w, (double[]) { 0.95, -2.025, 0.6 }, 3);

  /* step 2, same g: v = 0.9·v - 0.1·g = (-0.045 - 0.05, -0.0225 - 0.025, 0.09 + 0.1)
   *                                    = (-0.095, -0.0475, 0.19)
   * w = (0.95 - 0.095, -2.025 - 0.0475, 0.6 + 0.19) */
  p.step = 2;
  update_tiled (be, &p, w, G0, v, NULL, 3, 3);
  assert_floats (v, (double[]) { -0.095, -0.0475, 0.19 }, 3);
  assert_floats (w, (double[]) { 0.855, -2.0725, 0.79 }, 3);
}

static void
test_update_nesterov (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_NESTEROV, 0.1f);
  float w[3], v[3] = { 0, 0, 0 };

  p.momentum = 0.9f;
  memcpy (w, W0, sizeof w);

  /* v = -0.1·g = (-0.05, -0.025, 0.1)
   * w += 0.9·v - 0.1·g = (-0.045 - 0.05, -0.0225 - 0.025, 0.09 + 0.1)
   *                    = (-0.095, -0.0475, 0.19) */
  update_tiled (be, &p, w, G0, v, NULL, 3, 3);
  assert_floats (v, (double[]) { -0.05, -0.025, 0.1 }, 3);
  assert_floats (w, (double[]) { 0.905, -2.0475, 0.69 }, 3);
}

static void
test_update_rmsprop (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_RMSPROP, 0.01f);
  float w[3];
  float r[3] = { 0.25f, 0.0625f, 0.0f };

  p.rho = 0.9f;
  p.eps = 1e-7f;
  memcpy (w, W0, sizeof w);

  /* r = 0.9·r + 0.1·g² = (0.225 + 0.025, 0.05625 + 0.00625, 0 + 0.1)
   *                    = (0.25, 0.0625, 0.1);  sqrt r = (0.5, 0.25, 0.316227766)
   * step = 0.01·g / (sqrt r + 1e-7) = (0.01, 0.01, -0.0316227766) (eps shifts
   * these by < 1e-8) */
  update_tiled (be, &p, w, G0, r, NULL, 3, 3);
  assert_floats (r, (double[]) { 0.25, 0.0625, 0.1 }, 3);
  assert_floats (w, (double[]) { 0.99, -2.01, 0.5316227766 }, 3);

  /* the same with eps = 0.25, outside the root: sqrt r + eps = (0.75, 0.5, 0.566227766)
   * step = (0.005/0.75, 0.0025/0.5, -0.01/0.566227766) = (0.0066666667, 0.005, -0.0176607121) */
  memcpy (w, W0, sizeof w);
  r[0] = 0.25f;
  r[1] = 0.0625f;
  r[2] = 0.0f;
  p.eps = 0.25f;
  update_tiled (be, &p, w, G0, r, NULL, 3, 3);
  assert_floats (w, (double[]) { 0.9933333333, -2.005, 0.5176607121 }, 3);
}

static void
test_update_adam (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_ADAM, 0.1f);
  const float g2[3] = { 0.5f, -0.25f, 0.0f };
  float w[3], m[3] = { 0 }, v[3] = { 0 };

  p.beta1 = 0.9f;
  p.beta2 = 0.999f;
  p.eps = 1e-7f;
  memcpy (w, W0, sizeof w);

  /* t = 1: m = 0.1·g = (0.05, 0.025, -0.1); v = 0.001·g² = (0.00025, 0.0000625, 0.001)
   * m̂ = m/0.1 = g, v̂ = v/0.001 = g², step = 0.1·g/(|g| + 1e-7) = ±0.1 */
  update_tiled (be, &p, w, G0, m, v, 3, 3);
  assert_floats (m, (double[]) { 0.05, 0.025, -0.1 }, 3);
  assert_floats (v, (double[]) { 0.00025, 0.0000625, 0.001 }, 3);
  assert_floats (w, (double[]) { 0.9, -2.1, 0.6 }, 3);

  /* t = 2 with g = (0.5, -0.25, 0):
   * m = 0.9·m + 0.1·g = (0.045 + 0.05, 0.0225 - 0.025, -0.09) = (0.095, -0.0025, -0.09)
   * v = 0.999·v + 0.001·g² = (0.00024975 + 0.00025, 0.0000624375 + 0.0000625, 0.000999)
   *   = (0.00049975, 0.0001249375, 0.000999)
   * 1 - 0.9² = 0.19, 1 - 0.999² = 0.001999
   * m̂ = (0.5, -0.0131578947, -0.473684211), v̂ = (0.25, 0.0625, 0.499749875)
   * step = 0.1·m̂/(sqrt v̂ + 1e-7) = (0.1, -0.00526315579, -0.0670058159)
   * w = (0.9 - 0.1, -2.1 + 0.00526315579, 0.6 + 0.0670058159) */
  p.step = 2;
  update_tiled (be, &p, w, g2, m, v, 3, 3);
  assert_floats (m, (double[]) { 0.095, -0.0025, -0.09 }, 3);
  assert_floats (v, (double[]) { 0.00049975, 0.0001249375, 0.000999 }, 3);
  assert_floats (w, (double[]) { 0.8, -2.0947368442, 0.6670058159 }, 3);

  /* eps = 0.1 goes after the bias-corrected root: t = 1 from zero state,
   * step = 0.1·g / (|g| + 0.1) = (0.05/0.6, 0.025/0.35, -0.1/1.1)
   *                            = (0.0833333333, 0.0714285714, -0.0909090909) */
  memcpy (w, W0, sizeof w);
  memset (m, 0, sizeof m);
  memset (v, 0, sizeof v);
  p.step = 1;
  p.eps = 0.1f;
  update_tiled (be, &p, w, G0, m, v, 3, 3);
  assert_floats (w, (double[]) { 0.9166666667, -2.0714285714, 0.5909090909 }, 3);
}

static void
test_update_adagrad (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_ADAGRAD, 0.3f);
  float w[3];
  float r[3] = { 0.75f, 0.0f, 3.0f };

  p.eps = 0.5f;     /* large, so that its place in the formula shows */
  memcpy (w, W0, sizeof w);

  /* r = r + g² = (1, 0.0625, 4); sqrt r + eps = (1.5, 0.75, 2.5)
   * step = 0.3·g / (sqrt r + eps) = (0.15/1.5, 0.075/0.75, -0.3/2.5) = (0.1, 0.1, -0.12) */
  update_tiled (be, &p, w, G0, r, NULL, 3, 3);
  assert_floats (r, (double[]) { 1.0, 0.0625, 4.0 }, 3);
  assert_floats (w, (double[]) { 0.9, -2.1, 0.62 }, 3);
}

static void
test_update_adadelta (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_ADADELTA, 0.5f);
  float w[3];
  float r[3] = { 1.25f, 0.5625f, 0.5f };
  float u[3] = { 0.75f, 0.0f, 2.0f };

  p.rho = 0.5f;
  p.eps = 0.25f;    /* large, so that its place (inside both roots) shows */
  memcpy (w, W0, sizeof w);

  /* step 1:
   * r = 0.5·r + 0.5·g² = (0.625 + 0.125, 0.28125 + 0.03125, 0.25 + 0.5)
   *   = (0.75, 0.3125, 0.75); sqrt (r + eps) = (1, 0.75, 1)
   * sqrt (u + eps) = sqrt (1, 0.25, 2.25) = (1, 0.5, 1.5)
   * d = g · sqrt (u + eps) / sqrt (r + eps) = (0.5, 0.25·0.5/0.75, -1.5)
   *   = (0.5, 1/6, -1.5)
   * u = 0.5·u + 0.5·d² = (0.375 + 0.125, 0 + 1/72, 1 + 1.125)
   *   = (0.5, 1/72, 2.125)
   * w = w - 0.5·d = (0.75, -2 - 1/12, 1.25) */
  update_tiled (be, &p, w, G0, r, u, 3, 3);
  assert_floats (r, (double[]) { 0.75, 0.3125, 0.75 }, 3);
  assert_floats (u, (double[]) { 0.5, 1.0 / 72.0, 2.125 }, 3);
  assert_floats (w, (double[]) { 0.75, -2.0 - 1.0 / 12.0, 1.25 }, 3);

  /* step 2, the same g:
   * r = 0.5·r + 0.5·g² = (0.5, 0.1875, 0.875); r + eps = (0.75, 0.4375, 1.125)
   * u + eps = (0.75, 1/72 + 0.25 = 19/72, 2.375)
   * d = (0.5·1, 0.25·sqrt ((19/72) / 0.4375), -sqrt (2.375 / 1.125))
   *   = (0.5, 0.25·sqrt (38/63), -sqrt (19/9))
   * u = 0.5·u + 0.5·d²
   *   = (0.25 + 0.125, 1/144 + 0.5·0.0625·38/63, 1.0625 + 0.5·19/9)
   * w = w - 0.5·d */
  update_tiled (be, &p, w, G0, r, u, 3, 3);
  {
    const double d1 = 0.25 * sqrt (38.0 / 63.0);
    const double d2 = -sqrt (19.0 / 9.0);

    assert_floats (r, (double[]) { 0.5, 0.1875, 0.875 }, 3);
    assert_floats (u, (double[]) { 0.375, 1.0 / 144.0 + 0.5 * d1 * d1, 1.0625 + 0.5 * d2 * d2 }, 3);
    assert_floats (w, (double[]) { 0.5, -2.0 - 1.0 / 12.0 - 0.5 * d1, 1.25 - 0.5 * d2 }, 3);
  }
}

static void
test_update_l2 (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_SGD, 0.1f);
  float w[3];

  /* l2 = 0.5: g' = g + 2·0.5·w = g + w = (1.5, -1.75, -0.5)
   * w - 0.1·g' = (1 - 0.15, -2 + 0.175, 0.5 + 0.05) */
  p.l2 = 0.5f;
  memcpy (w, W0, sizeof w);
  update_tiled (be, &p, w, G0, NULL, NULL, 3, 3);
  assert_floats (w, (double[]) { 0.85, -1.825, 0.55 }, 3);
}

static void
test_update_l1 (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_MOMENTUM, 0.1f);
  float w[4] = { 1.0f, -2.0f, 0.5f, 0.0f };
  const float g[4] = { 0.5f, 0.25f, -1.0f, 0.0f };
  float v[4] = { 0 };

  /* l1 = 0.2: g' = g + 0.2·sign(w) = (0.7, 0.05, -0.8, 0)  (sign(0) = 0)
   * momentum 0 from v = 0: w - 0.1·g' = (0.93, -2.005, 0.58, 0) */
  p.l1 = 0.2f;
  p.momentum = 0.9f;
  update_tiled (be, &p, w, g, v, NULL, 4, 4);
  assert_floats (w, (double[]) { 0.93, -2.005, 0.58, 0.0 }, 4);
  assert_floats (v, (double[]) { -0.07, -0.005, 0.08, 0.0 }, 4);
}

static void
test_update_max_norm (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  InkOptParams p = params_for (INK_OPT_SGD, 0.5f);
  /* two rows of two: after the step row 0 is (3, 4) (norm 5 → scaled to
   * (0.6, 0.8)), row 1 is (0.3, 0.4) (norm 0.5, left alone) */
  float w[4] = { 2.0f, 4.0f, 0.3f, 0.6f };
  const float g[4] = { -2.0f, 0.0f, 0.0f, 0.4f };

  p.max_norm = 1.0f;
  update_tiled (be, &p, w, g, NULL, NULL, 4, 2);
  assert_floats (w, (double[]) { 0.6, 0.8, 0.3, 0.4 }, 4);
}

/* A big update split over worker threads (INK_CPU_UPDATE_THREADS) must give
 * every element exactly as when the tensor is updated in small sequential
 * pieces on one thread. */
static void
test_update_split (void)
{
  g_autoptr(InkBackend) be = NULL;
  const gsize n = 600 * 784;   /* above the parallel threshold */
  const int row_len = 784;
  g_autofree float *w1 = g_new (float, n);
  g_autofree float *w2 = g_new (float, n);
  g_autofree float *g = g_new (float, n);
  g_autofree float *s1a = g_new0 (float, n);
  g_autofree float *s1b = g_new0 (float, n);
  g_autofree float *s2a = g_new0 (float, n);
  g_autofree float *s2b = g_new0 (float, n);
  InkOptimizerKind kinds[] = { INK_OPT_RMSPROP, INK_OPT_ADAM, INK_OPT_NESTEROV };
  InkRng rng;

  /* three threads even on a small machine */
  g_setenv ("INK_CPU_UPDATE_THREADS", "3", TRUE);
  be = ink_backend_cpu_new ();
  g_unsetenv ("INK_CPU_UPDATE_THREADS");

  ink_rng_init (&rng, 31);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (int norm = 0; norm < 2; norm++)
      {
        InkOptParams p = params_for (kinds[k], 0.01f);

        p.momentum = 0.9f;
        p.rho = 0.9f;
        p.beta1 = 0.9f;
        p.beta2 = 0.999f;
        p.eps = 1e-7f;
        p.l1 = 1e-4f;
        p.l2 = 1e-3f;
        p.max_norm = norm ? 0.5f : 0.0f;
        for (gsize i = 0; i < n; i++)
          {
            w1[i] = w2[i] = ink_rng_uniform (&rng) - 0.5f;
            g[i] = ink_rng_uniform (&rng) - 0.5f;
          }
        memset (s1a, 0, n * sizeof (float));
        memset (s1b, 0, n * sizeof (float));
        memset (s2a, 0, n * sizeof (float));
        memset (s2b, 0, n * sizeof (float));

        for (int step = 1; step <= 2; step++)
          {
            p.step = step;
            be->ops->update (be, &p, w1, g, s1a, s2a, n, row_len);
            /* 16 rows at a time (12544 floats, a multiple of 16) */
            for (gsize off = 0; off < n; off += 16 * row_len)
              be->ops->update (be, &p, w2 + off, g + off, s1b + off, s2b + off,
                               MIN (16 * row_len, n - off), row_len);
          }
        g_assert_cmpmem (w1, n * sizeof (float), w2, n * sizeof (float));
        g_assert_cmpmem (s1a, n * sizeof (float), s1b, n * sizeof (float));
        g_assert_cmpmem (s2a, n * sizeof (float), s2b, n * sizeof (float));

        if (norm)
          for (int r = 0; r < 600; r++)
            {
              double s = 0.0;

              for (int j = 0; j < row_len; j++)
                s += (double) w1[r * row_len + j] * w1[r * row_len + j];
              g_assert_cmpfloat (sqrt (s), <=, 0.5 * (1 + 1e-6));
            }
      }
}

/* ------------------------------------------------------------------------ */
/* the optimizer object on a network */

static void
test_optimizer_defaults (void)
{
  InkOptimizerSpec s;

  ink_optimizer_spec_defaults (&s, INK_OPT_SGD);
  g_assert_cmpfloat (s.lr, ==, 0.01f);
  g_assert_cmpfloat (s.decay, ==, 1.0f);
  g_assert_cmpfloat (s.l1, ==, 0.0f);
  g_assert_cmpfloat (s.l2, ==, 0.0f);
  g_assert_cmpfloat (s.max_norm, ==, 0.0f);

  ink_optimizer_spec_defaults (&s, INK_OPT_MOMENTUM);
  g_assert_cmpint (s.kind, ==, INK_OPT_MOMENTUM);
  g_assert_cmpfloat (s.lr, ==, 0.01f);
  g_assert_cmpfloat (s.momentum, ==, 0.9f);
  ink_optimizer_spec_defaults (&s, INK_OPT_NESTEROV);
  g_assert_cmpfloat (s.lr, ==, 0.01f);
  g_assert_cmpfloat (s.momentum, ==, 0.9f);

  ink_optimizer_spec_defaults (&s, INK_OPT_RMSPROP);
  g_assert_cmpfloat (s.lr, ==, 0.001f);
  g_assert_cmpfloat (s.rho, ==, 0.9f);
  g_assert_cmpfloat (s.eps, ==, 1e-7f);

  ink_optimizer_spec_defaults (&s, INK_OPT_ADAM);
  g_assert_cmpfloat (s.lr, ==, 0.001f);
  g_assert_cmpfloat (s.beta1, ==, 0.9f);
  g_assert_cmpfloat (s.beta2, ==, 0.999f);
  g_assert_cmpfloat (s.eps, ==, 1e-7f);

  ink_optimizer_spec_defaults (&s, INK_OPT_ADAGRAD);
  g_assert_cmpfloat (s.lr, ==, 0.01f);
  g_assert_cmpfloat (s.eps, ==, 1e-7f);
  g_assert_cmpfloat (s.decay, ==, 1.0f);

  /* Keras 2's Adadelta */
  ink_optimizer_spec_defaults (&s, INK_OPT_ADADELTA);
  g_assert_cmpfloat (s.lr, ==, 1.0f);
  g_assert_cmpfloat (s.rho, ==, 0.95f);
  g_assert_cmpfloat (s.eps, ==, 1e-7f);
  g_assert_cmpuint (ink_optimizer_n_state_buffers (INK_OPT_ADADELTA), ==, 2);
}

/* 2 inputs → 2 softmax outputs: params (w00, w01, w10, w11, b0, b1) */
static InkNetwork *
tiny_net (InkBackend *be)
{
  static InkLayerSpec layer = { 2, INK_ACT_SOFTMAX, 0.0f };
  InkNetSpec spec = {
    .n_inputs = 2, .n_layers = 1, .layers = &layer,
    .loss = INK_LOSS_CROSS_ENTROPY, .init = INK_INIT_GLOROT_UNIFORM, .leaky_slope = 0.01f,
  };
  g_autoptr(GError) error = NULL;
  InkNetwork *net = ink_network_new (&spec, be, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (net->n_params, ==, 6);
  return net;
}

static void
set_net (InkNetwork  *net,
         const float  params[6],
         const float  grads[6])
{
  net->be->ops->upload (net->be, net->params, params, 6 * sizeof (float));
  net->be->ops->upload (net->be, net->grads, grads, 6 * sizeof (float));
}

static void
test_optimizer_weights_only (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = tiny_net (be);
  g_autoptr(InkOptimizer) opt = NULL;
  InkOptimizerSpec spec;
  float params[6] = { 3.0f, 4.0f, 1.0f, -1.0f, 2.0f, -2.0f };
  const float grads[6] = { 0.0f, 0.0f, 0.0f, 0.0f, 1.0f, 1.0f };
  float out[6];

  ink_optimizer_spec_defaults (&spec, INK_OPT_SGD);
  spec.lr = 0.1f;
  spec.l2 = 0.5f;
  spec.l1 = 0.1f;
  spec.max_norm = 2.0f;
  opt = ink_optimizer_new (&spec, net, NULL);
  g_assert_null (opt->state1);
  g_assert_null (opt->state2);
  set_net (net, params, grads);

  ink_optimizer_step (opt, ink_optimizer_lr (opt, 0));
  g_assert_cmpuint (opt->step, ==, 1);
  ink_network_get_params (net, out);
  /* weights: g' = 0 + w + 0.1·sign(w); w - 0.1·g':
   *   row 0: 3 - 0.1·3.1 = 2.69, 4 - 0.1·4.1 = 3.59; norm 4.5306 > 2 → ·2/4.5306
   *          = (1.187481, 1.584766)
   *   row 1: 1 - 0.11 = 0.89, -1 + 0.11 = -0.89; norm 1.2587 ≤ 2, kept
   * biases: no penalty, no norm: 2 - 0.1 = 1.9, -2 - 0.1 = -2.1 */
  {
    double n0 = sqrt (2.69 * 2.69 + 3.59 * 3.59);

    assert_floats (out, (double[]) { 2.69 * 2.0 / n0, 3.59 * 2.0 / n0, 0.89, -0.89, 1.9, -2.1 }, 6);
  }
}

static void
test_optimizer_adam_state (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = tiny_net (be);
  g_autoptr(InkNetwork) net2 = tiny_net (be);
  g_autoptr(InkOptimizer) opt = NULL;
  g_autoptr(InkOptimizer) opt2 = NULL;
  InkOptimizerSpec spec;
  const float params[6] = { 1.0f, -2.0f, 0.5f, 0.0f, 0.0f, 0.0f };
  const float grads[6] = { 0.5f, 0.25f, -1.0f, 0.0f, 0.0f, 0.0f };
  float s1[6], s2[6], a[6], b[6];

  ink_optimizer_spec_defaults (&spec, INK_OPT_ADAM);
  spec.lr = 0.1f;
  opt = ink_optimizer_new (&spec, net, NULL);
  g_assert_nonnull (opt->state1);
  g_assert_nonnull (opt->state2);
  set_net (net, params, grads);

  /* two Adam steps with the same g move each weight by 0.1·sign(g) each
   * (the bias correction of step 2 uses t = 2: m̂ = g, v̂ = g²) */
  ink_optimizer_step (opt, 0.1f);
  ink_optimizer_step (opt, 0.1f);
  g_assert_cmpuint (opt->step, ==, 2);
  ink_network_get_params (net, a);
  assert_floats (a, (double[]) { 0.8, -2.2, 0.7, 0.0, 0.0, 0.0 }, 6);

  /* state round trip: a fresh optimizer given the state and the step count
   * continues exactly */
  ink_optimizer_get_state (opt, s1, s2);
  assert_floats (s1, (double[]) { 0.095, 0.0475, -0.19, 0, 0, 0 }, 6);
  opt2 = ink_optimizer_new (&spec, net2, NULL);
  ink_optimizer_set_state (opt2, s1, s2);
  opt2->step = opt->step;
  set_net (net2, a, grads);
  ink_optimizer_step (opt, 0.1f);
  ink_optimizer_step (opt2, 0.1f);
  ink_network_get_params (net, a);
  ink_network_get_params (net2, b);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  {
    float t1[6], t2[6], u1[6], u2[6];

    ink_optimizer_get_state (opt, t1, t2);
    ink_optimizer_get_state (opt2, u1, u2);
    g_assert_cmpmem (t1, sizeof t1, u1, sizeof u1);
    g_assert_cmpmem (t2, sizeof t2, u2, sizeof u2);
  }
}

static void
test_optimizer_sgd_state (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = tiny_net (be);
  g_autoptr(InkOptimizer) opt = NULL;
  InkOptimizerSpec spec;
  float s1[6], s2[6];

  ink_optimizer_spec_defaults (&spec, INK_OPT_RMSPROP);
  opt = ink_optimizer_new (&spec, net, NULL);
  g_assert_nonnull (opt->state1);
  g_assert_null (opt->state2);
  memset (s1, 0xff, sizeof s1);
  memset (s2, 0xff, sizeof s2);
  ink_optimizer_get_state (opt, s1, s2);
  for (int i = 0; i < 6; i++)
    {
      g_assert_cmpfloat (s1[i], ==, 0.0f);
      g_assert_cmpfloat (s2[i], ==, 0.0f);
    }
  g_clear_pointer (&opt, ink_optimizer_free);

  ink_optimizer_spec_defaults (&spec, INK_OPT_SGD);
  opt = ink_optimizer_new (&spec, net, NULL);
  memset (s1, 0xff, sizeof s1);
  ink_optimizer_get_state (opt, s1, NULL);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat (s1[i], ==, 0.0f);
  ink_optimizer_set_state (opt, s1, s2);   /* nothing to restore: no crash */
}

static void
test_optimizer_lr_decay (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = tiny_net (be);
  g_autoptr(InkOptimizer) opt = NULL;
  InkOptimizerSpec spec;

  ink_optimizer_spec_defaults (&spec, INK_OPT_MOMENTUM);
  spec.lr = 0.1f;
  spec.decay = 0.5f;
  opt = ink_optimizer_new (&spec, net, NULL);
  /* 0.1 · 0.5^e */
  g_assert_cmpfloat_with_epsilon (ink_optimizer_lr (opt, 0), 0.1, 1e-7);
  g_assert_cmpfloat_with_epsilon (ink_optimizer_lr (opt, 1), 0.05, 1e-7);
  g_assert_cmpfloat_with_epsilon (ink_optimizer_lr (opt, 3), 0.0125, 1e-7);
  opt->spec.decay = 1.0f;
  g_assert_cmpfloat (ink_optimizer_lr (opt, 100), ==, 0.1f);
}

#define ASSERT_LR(spec, e, n, want) \
  g_assert_cmpfloat_with_epsilon (ink_lr_schedule_at ((spec), (e), (n)), (want), 1e-7)

/* the rate a schedule gives at an epoch of a run */
typedef struct
{
  int    epoch;
  double lr;
} LrAt;

static void
assert_lrs (const InkOptimizerSpec *s,
            int                     n_epochs,
            const LrAt             *want,
            gsize                   n)
{
  for (gsize i = 0; i < n; i++)
    {
      double got = ink_lr_schedule_at (s, want[i].epoch, n_epochs);

      if (!(fabs (got - want[i].lr) <= 1e-7))
        g_error ("schedule %d: epoch %d of %d: lr %.9g, expected %.9g", (int) s->schedule.kind,
                 want[i].epoch, n_epochs, got, want[i].lr);
    }
}

/* ASSERT_LRS (spec, n_epochs, { epoch, lr }, ...) */
#define ASSERT_LRS(spec, n, ...) \
  assert_lrs ((spec), (n), (const LrAt[]) { __VA_ARGS__ }, \
              sizeof ((const LrAt[]) { __VA_ARGS__ }) / sizeof (LrAt))

/* the schedules at chosen epochs, worked out by hand (lr 0.1 unless said) */
static void
test_optimizer_schedules (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = tiny_net (be);
  g_autoptr(InkOptimizer) opt = NULL;
  InkOptimizerSpec s;

  ink_optimizer_spec_defaults (&s, INK_OPT_SGD);
  g_assert_cmpint (s.schedule.kind, ==, INK_SCHEDULE_NONE);
  s.lr = 0.1f;

  /* step: ×0.5 every 2 epochs: 0.1, 0.1, 0.05, 0.05, …, epoch 5 0.025,
   * epoch 9 0.1·0.5⁴ = 0.00625 */
  s.schedule.kind = INK_SCHEDULE_STEP;
  s.schedule.step_epochs = 2;
  s.schedule.factor = 0.5f;
  ASSERT_LRS (&s, 10, { 0, 0.1 }, { 1, 0.1 }, { 2, 0.05 }, { 3, 0.05 }, { 5, 0.025 },
                      { 9, 0.00625 });

  /* with 3 warm-up epochs: 0.1·(e+1)/4 = 0.025, 0.05, 0.075; then the steps
   * count from epoch 3: 0.1, 0.1, 0.05 */
  s.schedule.warmup_epochs = 3;
  ASSERT_LRS (&s, 10, { 0, 0.025 }, { 1, 0.05 }, { 2, 0.075 }, { 3, 0.1 }, { 4, 0.1 },
                      { 5, 0.05 });

  /* cosine to 0.02 over 5 epochs: 0.02 + 0.04·(1 + cos (π·e/4)):
   * 0.1, 0.02 + 0.04·(1 + √½), 0.06, 0.02 + 0.04·(1 - √½), 0.02; past the
   * end it stays at the floor */
  s.schedule.kind = INK_SCHEDULE_COSINE;
  s.schedule.warmup_epochs = 0;
  s.schedule.min_lr = 0.02f;
  ASSERT_LRS (&s, 5, { 0, 0.1 }, { 1, 0.02 + 0.04 * (1.0 + G_SQRT2 / 2.0) }, { 2, 0.06 },
                     { 3, 0.02 + 0.04 * (1.0 - G_SQRT2 / 2.0) }, { 4, 0.02 }, { 7, 0.02 });
  ASSERT_LR (&s, 3, 0, 0.1);      /* no run length: holds lr */

  /* one warm-up epoch, then the cosine over the 4 left: 0.05; 0.1,
   * 0.02 + 0.04·1.5 = 0.08, 0.02 + 0.04·0.5 = 0.04, 0.02 */
  s.schedule.warmup_epochs = 1;
  ASSERT_LRS (&s, 5, { 0, 0.05 }, { 1, 0.1 }, { 2, 0.08 }, { 3, 0.04 }, { 4, 0.02 });

  /* one-cycle, lr 1, div 10, final div 100, a quarter rising, 9 epochs
   * (t = e/8): 0.1 → 1 at epoch 2, then down to 0.001 at epoch 8:
   * e1 0.1 + 0.9·0.5 = 0.55; e3 1 - 0.999·(0.125/0.75) = 0.8335;
   * e6 1 - 0.999·(0.5/0.75) = 0.334 */
  s.lr = 1.0f;
  s.schedule.kind = INK_SCHEDULE_ONE_CYCLE;
  s.schedule.warmup_epochs = 0;
  s.schedule.pct_start = 0.25f;
  s.schedule.div_factor = 10.0f;
  s.schedule.final_div_factor = 100.0f;
  ASSERT_LRS (&s, 9, { 0, 0.1 }, { 1, 0.55 }, { 2, 1.0 }, { 3, 0.8335 }, { 6, 0.334 },
                     { 8, 0.001 });

  /* warm-up alone, with decay 0.5 on top: 0.1·½; 0.1·0.5; 0.1·0.25 */
  s.lr = 0.1f;
  s.decay = 0.5f;
  s.schedule.kind = INK_SCHEDULE_NONE;
  s.schedule.warmup_epochs = 1;
  ASSERT_LRS (&s, 4, { 0, 0.05 }, { 1, 0.05 }, { 2, 0.025 });

  /* the optimizer asks with its run length */
  s.decay = 1.0f;
  s.schedule.kind = INK_SCHEDULE_COSINE;
  s.schedule.warmup_epochs = 0;
  s.schedule.min_lr = 0.0f;
  opt = ink_optimizer_new (&s, net, NULL);
  opt->n_epochs = 3;
  g_assert_cmpfloat_with_epsilon (ink_optimizer_lr (opt, 1), 0.05, 1e-7);
  g_assert_cmpfloat_with_epsilon (ink_optimizer_lr (opt, 2), 0.0, 1e-7);

  g_assert_cmpstr (ink_schedule_kind_to_string (INK_SCHEDULE_ONE_CYCLE), ==, "one-cycle");
  g_assert_cmpstr (ink_schedule_kind_choices (), ==, "none, step, cosine, one-cycle");
}

static void
test_optimizer_strings (void)
{
  static const char * const opts[] = { "sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad",
                                       "adadelta" };
  static const char * const acts[] = { "identity", "sigmoid", "tanh", "relu", "leaky-relu", "softmax" };
  InkOptimizerKind k;
  InkActivation a;

  for (guint i = 0; i < G_N_ELEMENTS (opts); i++)
    {
      g_assert_true (ink_optimizer_kind_from_string (opts[i], &k));
      g_assert_cmpint (k, ==, (int) i);
      g_assert_cmpstr (ink_optimizer_kind_to_string (k), ==, opts[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (acts); i++)
    {
      g_assert_true (ink_activation_from_string (acts[i], &a));
      g_assert_cmpint (a, ==, (int) i);
      g_assert_cmpstr (ink_activation_to_string (a), ==, acts[i]);
    }
  g_assert_cmpint (INK_OPT_ADAGRAD, ==, 5);
  g_assert_cmpint (INK_OPT_ADADELTA, ==, 6);
  g_assert_cmpint (INK_ACT_SOFTMAX, ==, 5);
  g_assert_false (ink_optimizer_kind_from_string ("adamw", &k));
  g_assert_false (ink_optimizer_kind_from_string ("", &k));
  g_assert_false (ink_optimizer_kind_from_string (NULL, &k));
  g_assert_false (ink_activation_from_string ("gelu", &a));
  g_assert_null (ink_optimizer_kind_to_string ((InkOptimizerKind) 42));
  g_assert_null (ink_activation_to_string ((InkActivation) 42));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/optimizer/sgd", test_update_sgd);
  g_test_add_func ("/core/optimizer/momentum", test_update_momentum);
  g_test_add_func ("/core/optimizer/nesterov", test_update_nesterov);
  g_test_add_func ("/core/optimizer/rmsprop", test_update_rmsprop);
  g_test_add_func ("/core/optimizer/adam", test_update_adam);
  g_test_add_func ("/core/optimizer/adagrad", test_update_adagrad);
  g_test_add_func ("/core/optimizer/adadelta", test_update_adadelta);
  g_test_add_func ("/core/optimizer/l2", test_update_l2);
  g_test_add_func ("/core/optimizer/l1", test_update_l1);
  g_test_add_func ("/core/optimizer/max-norm", test_update_max_norm);
  g_test_add_func ("/core/optimizer/split", test_update_split);
  g_test_add_func ("/core/optimizer/defaults", test_optimizer_defaults);
  g_test_add_func ("/core/optimizer/weights-only", test_optimizer_weights_only);
  g_test_add_func ("/core/optimizer/adam-state", test_optimizer_adam_state);
  g_test_add_func ("/core/optimizer/stateless", test_optimizer_sgd_state);
  g_test_add_func ("/core/optimizer/lr-decay", test_optimizer_lr_decay);
  g_test_add_func ("/core/optimizer/schedules", test_optimizer_schedules);
  g_test_add_func ("/core/optimizer/strings", test_optimizer_strings);

  return g_test_run ();
}
