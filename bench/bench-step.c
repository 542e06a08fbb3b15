/* bench-step.c
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

/* Times one training step of the Keras MNIST net (784-512-512-10, relu,
 * dropout 0.2, softmax, RMSProp) at batch 128 on random data, against the
 * 8 sgemm calls of the same step alone.  Built only when asked for:
 *
 *   ninja -C _build bench/bench-step
 *   OPENBLAS_CORETYPE=SkylakeX _build/bench/bench-step [steps [quick]]
 *
 * "quick" runs only the interleaved comparison (sgemm only, fwd+loss+bwd,
 * full step with the update on one thread and split in two).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <cblas.h>
#include <xmmintrin.h>

#include "ink-backend.h"
#include "ink-network.h"
#include "ink-optimizer.h"
#include "ink-rng.h"

#define B 128
#define LABELS (labels_pool + (iter % 64) * B)

static int n_steps = 300;

#define EIGHT_GEMMS do { \
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, 512, 784, 1, x, 784, w0, 784, 0, h1, 512); \
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, 512, 512, 1, h1, 512, w1, 512, 0, h2, 512); \
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, 10, 512, 1, h2, 512, w2, 512, 0, o, 10); \
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, 10, 512, B, 1, d2, 10, h2, 512, 0, g2, 512); \
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B, 512, 10, 1, d2, 10, w2, 512, 0, d1, 512); \
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, 512, 512, B, 1, d1, 512, h1, 512, 0, g1, 512); \
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B, 512, 512, 1, d1, 512, w1, 512, 0, d0, 512); \
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, 512, 784, B, 1, d0, 512, x, 784, 0, g0, 784); \
  } while (0)

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* median over 7 runs of n_steps calls, in ms per call */
#define TIME_IT(label, body)                                              \
  ({                                                                      \
    double runs[7];                                                       \
    for (int w = 0; w < n_steps / 4; w++)                                 \
      { body; }                                                           \
    for (int r = 0; r < 7; r++)                                           \
      {                                                                   \
        gint64 t0 = g_get_monotonic_time ();                              \
        for (int it = 0; it < n_steps; it++)                              \
          { body; }                                                       \
        runs[r] = (g_get_monotonic_time () - t0) / 1000.0 / n_steps;      \
      }                                                                   \
    qsort (runs, 7, sizeof (double), cmp_double);                         \
    printf ("  %-34s %7.3f ms  (min %.3f, max %.3f)\n", label,            \
            runs[3], runs[0], runs[6]);                                   \
    runs[3];                                                              \
  })

int
main (int   argc,
      char *argv[])
{
  InkLayerSpec layers[3] = {
    { 512, INK_ACT_RELU, 0.2f },
    { 512, INK_ACT_RELU, 0.2f },
    { 10, INK_ACT_SOFTMAX, 0.0f },
  };
  InkNetSpec spec = {
    .n_inputs = 784, .n_layers = 3, .layers = layers,
    .loss = INK_LOSS_CROSS_ENTROPY, .init = INK_INIT_GLOROT_UNIFORM, .leaky_slope = 0.01f,
  };
  InkOptimizerSpec ospec;
  g_autoptr(GError) error = NULL;
  InkBackend *be;
  const InkBackendOps *ops;
  InkNetwork *net;
  InkOptimizer *opt;
  float *x, *w0, *w1, *w2, *h1, *h2, *o, *d2, *d1, *d0, *g0, *g1, *g2;
  gint32 *labels_pool;
  double *acc;
  float *host;
  InkRng rng;
  guint64 iter = 0;
  double t_step, t_gemm, t_fwd, t_bwd, t_upd, t_loss;

  if (argc > 1)
    n_steps = MAX (atoi (argv[1]), 10);

  _mm_setcsr (_mm_getcsr () | 0x8040);

  be = ink_backend_cpu_new ();
  ops = be->ops;
  net = ink_network_new (&spec, be, B, &error);
  g_assert_no_error (error);
  ink_network_init_params (net, 1);
  ink_optimizer_spec_defaults (&ospec, INK_OPT_RMSPROP);
  opt = ink_optimizer_new (&ospec, net, &error);
  g_assert_no_error (error);

  printf ("%s, OPENBLAS_CORETYPE=%s, %d steps per run\n", be->device_name,
          g_getenv ("OPENBLAS_CORETYPE") ? g_getenv ("OPENBLAS_CORETYPE") : "(unset)", n_steps);

  x = ink_backend_alloc_floats (be, B * 784, NULL);
  /* 64 batches of random labels, rotated, so that the net cannot fit them
   * and the gradients keep their size (no denormals late in the run) */
  labels_pool = ops->alloc (be, 64 * B * sizeof (gint32), NULL);
  acc = ops->alloc (be, 2 * sizeof (double), NULL);
  host = g_new (float, B * 784);
  ink_rng_init (&rng, 5);
  for (int i = 0; i < B * 784; i++)
    host[i] = ink_rng_uniform (&rng);
  ops->upload (be, x, host, B * 784 * sizeof (float));
  for (int i = 0; i < 64 * B; i++)
    labels_pool[i] = (gint32) ink_rng_below (&rng, 10);

  w0 = net->params + net->w_offset[0];
  w1 = net->params + net->w_offset[1];
  w2 = net->params + net->w_offset[2];
  g0 = net->grads + net->w_offset[0];
  g1 = net->grads + net->w_offset[1];
  g2 = net->grads + net->w_offset[2];
  h1 = net->act[0];
  h2 = net->act[1];
  o = net->act[2];
  d0 = net->delta[0];
  d1 = net->delta[1];
  d2 = net->delta[2];

  /* "quick": only the interleaved comparison that matters, the full step
   * with the update on one thread and split in two, against sgemm only */
  if (argc > 2 && g_str_equal (argv[2], "quick"))
    {
      InkBackend *one, *two;
      double t[4][21];
      double upd_in_step[2][21] = { { 0 } };
      static const char * const names[4] = {
        "sgemm only", "fwd+loss+bwd", "full step, update 1 thread", "full step, update 2 threads",
      };

      g_setenv ("INK_CPU_UPDATE_THREADS", "1", TRUE);
      one = ink_backend_cpu_new ();
      g_setenv ("INK_CPU_UPDATE_THREADS", "2", TRUE);
      two = ink_backend_cpu_new ();
      g_unsetenv ("INK_CPU_UPDATE_THREADS");

      for (int r = 0; r < 21; r++)
        for (int v = 0; v < 4; v++)
          {
            gint64 t0 = g_get_monotonic_time ();

            net->be = v == 3 ? two : one;
            for (int it = 0; it < 50; it++)
              {
                if (v == 0)
                  {
                    EIGHT_GEMMS;
                    continue;
                  }
                float *out = ink_network_forward (net, x, B, TRUE, 42, iter++);
                ops->loss (be, INK_LOSS_CROSS_ENTROPY, out, LABELS, B, 10, net->delta[2], acc);
                ink_network_backward (net, x, B, FALSE);
                if (v >= 2)
                  {
                    gint64 u0 = g_get_monotonic_time ();

                    ink_optimizer_step (opt, 0.001f);
                    upd_in_step[v - 2][r] += (g_get_monotonic_time () - u0) / 50000.0;
                  }
              }
            t[v][r] = (g_get_monotonic_time () - t0) / 50000.0;
          }
      net->be = be;
      for (int v = 0; v < 4; v++)
        {
          qsort (t[v], 21, sizeof (double), cmp_double);
          printf ("  %-28s median %.3f ms, best %.3f ms, ratio to sgemm %.3f (best %.3f)\n",
                  names[v], t[v][10], t[v][0], t[v][10] / t[0][10], t[v][0] / t[0][0]);
        }
      for (int v = 0; v < 2; v++)
        {
          qsort (upd_in_step[v], 21, sizeof (double), cmp_double);
          printf ("  the update inside the step (%d thread%s): median %.3f ms\n",
                  v + 1, v ? "s" : "", upd_in_step[v][10]);
        }
      ink_backend_free (one);
      ink_backend_free (two);
      return 0;
    }

  /* the full step, as the trainer runs it */
  t_step = TIME_IT ("full step (fwd+loss+bwd+rmsprop)", {
    float *out = ink_network_forward (net, x, B, TRUE, 42, iter++);
    ops->loss (be, INK_LOSS_CROSS_ENTROPY, out, LABELS, B, 10, net->delta[2], acc);
    ink_network_backward (net, x, B, FALSE);
    ink_optimizer_step (opt, 0.001f);
  });

  /* the 8 products of that step, alone, on the same buffers */
  t_gemm = TIME_IT ("8 sgemm only", {
    EIGHT_GEMMS;
  });

  /* where the rest goes */
  t_fwd = TIME_IT ("forward (training)", {
    ink_network_forward (net, x, B, TRUE, 42, iter++);
  });
  t_loss = TIME_IT ("loss", {
    ops->loss (be, INK_LOSS_CROSS_ENTROPY, net->act[2], LABELS, B, 10, net->delta[2], acc);
  });
  t_bwd = TIME_IT ("backward", {
    ink_network_backward (net, x, B, FALSE);
  });
  t_upd = TIME_IT ("rmsprop update (669,706 params)", {
    ink_optimizer_step (opt, 0.001f);
  });

  /* the update on the calling thread (the default) vs split in two
   * (INK_CPU_UPDATE_THREADS=2), interleaved */
  {
    InkBackend *split;
    double ts[21], tt[21];

    g_setenv ("INK_CPU_UPDATE_THREADS", "2", TRUE);
    split = ink_backend_cpu_new ();
    g_unsetenv ("INK_CPU_UPDATE_THREADS");
    for (int r = 0; r < 21; r++)
      {
        gint64 t0 = g_get_monotonic_time (), t1, t2;

        for (int it = 0; it < 50; it++)
          ink_optimizer_step (opt, 0.001f);
        t1 = g_get_monotonic_time ();
        net->be = split;
        for (int it = 0; it < 50; it++)
          ink_optimizer_step (opt, 0.001f);
        net->be = be;
        t2 = g_get_monotonic_time ();
        ts[r] = (t1 - t0) / 50000.0;
        tt[r] = (t2 - t1) / 50000.0;
      }
    qsort (tt, 21, sizeof (double), cmp_double);
    qsort (ts, 21, sizeof (double), cmp_double);
    printf ("  rmsprop update: as configured %.3f ms (best %.3f), split in two %.3f ms (best %.3f)\n",
            ts[10], ts[0], tt[10], tt[0]);
    ink_backend_free (split);
  }

  /* the elementwise ops of one step, one by one (per call) */
  {
    float *a = net->act[0], *m = net->mask[0], *d = net->delta[0];
    const float *b = net->params + net->b_offset[0];
    float *db = net->grads + net->b_offset[0];
    const gsize n = (gsize) B * 512;

    TIME_IT ("  bias_add 128x512", ops->bias_add (be, a, b, B, 512));
    TIME_IT ("  relu 65536", ops->act_forward (be, INK_ACT_RELU, 0, a, n));
    TIME_IT ("  dropout 65536", ops->dropout_forward (be, a, m, n, 0.2f, 42, iter++));
    TIME_IT ("  mul 65536", ops->mul (be, d, m, n));
    TIME_IT ("  relu' 65536", ops->act_backward (be, INK_ACT_RELU, 0, a, d, n));
    TIME_IT ("  col_sum 128x512", ops->col_sum (be, d, B, 512, 0.0f, db));
    TIME_IT ("  sigmoid 65536", ops->act_forward (be, INK_ACT_SIGMOID, 0, a, n));
    TIME_IT ("  tanh 65536", ops->act_forward (be, INK_ACT_TANH, 0, a, n));
  }

  /* interleaved: rounds of full steps then sgemm-only steps, so that both
   * see the same machine; the median of the per-round ratios */
  {
    double ratios[21], steps[21], gemms[21];

    for (int r = 0; r < 21; r++)
      {
        gint64 t0 = g_get_monotonic_time (), t1, t2;

        for (int it = 0; it < 50; it++)
          {
            float *out = ink_network_forward (net, x, B, TRUE, 42, iter++);
            ops->loss (be, INK_LOSS_CROSS_ENTROPY, out, LABELS, B, 10, net->delta[2], acc);
            ink_network_backward (net, x, B, FALSE);
            ink_optimizer_step (opt, 0.001f);
          }
        t1 = g_get_monotonic_time ();
        for (int it = 0; it < 50; it++)
          {
            EIGHT_GEMMS;
          }
        t2 = g_get_monotonic_time ();
        steps[r] = (t1 - t0) / 50000.0;
        gemms[r] = (t2 - t1) / 50000.0;
        ratios[r] = steps[r] / gemms[r];
      }
    qsort (steps, 21, sizeof (double), cmp_double);
    qsort (gemms, 21, sizeof (double), cmp_double);
    qsort (ratios, 21, sizeof (double), cmp_double);
    printf ("\n  interleaved: step %.3f ms (best %.3f), sgemm-only %.3f ms (best %.3f), "
            "ratio median %.3f (best-of %.3f)\n",
            steps[10], steps[0], gemms[10], gemms[0], ratios[10], steps[0] / gemms[0]);
  }

  /* what the update does to the products around it: rounds of
   * (a) fwd+loss+bwd, (b) fwd+loss+bwd+update, (c) sgemm only,
   * (d) sgemm + update */
  {
    double t[4][21];

    for (int r = 0; r < 21; r++)
      for (int v = 0; v < 4; v++)
        {
          gint64 t0 = g_get_monotonic_time ();

          for (int it = 0; it < 50; it++)
            {
              if (v < 2)
                {
                  float *out = ink_network_forward (net, x, B, TRUE, 42, iter++);
                  ops->loss (be, INK_LOSS_CROSS_ENTROPY, out, LABELS, B, 10, net->delta[2], acc);
                  ink_network_backward (net, x, B, FALSE);
                }
              else
                EIGHT_GEMMS;
              if (v % 2 == 1)
                ink_optimizer_step (opt, 0.001f);
            }
          t[v][r] = (g_get_monotonic_time () - t0) / 50000.0;
        }
    for (int v = 0; v < 4; v++)
      qsort (t[v], 21, sizeof (double), cmp_double);
    printf ("  medians: fwd+loss+bwd %.3f, +update %.3f, sgemm %.3f, sgemm+update %.3f ms\n",
            t[0][10], t[1][10], t[2][10], t[3][10]);
    printf ("  bests:   fwd+loss+bwd %.3f, +update %.3f, sgemm %.3f, sgemm+update %.3f ms\n",
            t[0][0], t[1][0], t[2][0], t[3][0]);
  }

  printf ("\n  step / sgemm-only = %.3f   (fwd+loss+bwd+upd = %.3f ms)\n",
          t_step / t_gemm, t_fwd + t_loss + t_bwd + t_upd);

  ops->free (be, x);
  ops->free (be, labels_pool);
  ops->free (be, acc);
  g_free (host);
  ink_optimizer_free (opt);
  ink_network_free (net);
  ink_backend_free (be);

  return 0;
}
