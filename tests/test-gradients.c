/* test-gradients.c
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

/* Gradient checks of the whole network against finite differences, and
 * checks of every CPU backend op against naive references. */

/* ------------------------------------------------------------------------ */
/* a tiny network and a double-precision reference of its forward pass */

#define N_IN    6
#define BATCH   4
#define MAX_L   3

typedef struct
{
  InkBackend   *be;
  InkNetSpec    spec;
  InkLayerSpec  layers[MAX_L];
  InkNetwork   *net;
  gsize         w_off[MAX_L];
  gsize         b_off[MAX_L];
  float         x[BATCH * N_IN];   /* host copy of the input */
  gint32        labels[BATCH];
  float        *x_dev;
  gint32       *labels_dev;
  double       *acc_dev;
  guint64       seed;
  guint64       stream;
} Setup;

static double
ref_act (InkActivation a,
         float         slope,
         double        z)
{
  switch (a)
    {
    case INK_ACT_IDENTITY:
      return z;
    case INK_ACT_SIGMOID:
      return 1.0 / (1.0 + exp (-z));
    case INK_ACT_TANH:
      return tanh (z);
    case INK_ACT_RELU:
      return z > 0.0 ? z : 0.0;
    case INK_ACT_LEAKY_RELU:
      return z > 0.0 ? z : slope * z;
    case INK_ACT_SOFTMAX:
    default:
      g_assert_not_reached ();
    }
}

/* the mask value the backend must use */
static double
ref_mask (float   p,
          guint64 seed,
          guint64 stream,
          guint64 i)
{
  return ink_hash_uniform (seed, stream, i) >= p ? (double) (1.0f / (1.0f - p)) : 0.0;
}

/* Loss of the batch in double precision (training mode: with the dropout
 * masks of s->seed / s->stream).  min_abs_z: smallest |pre-activation| of the
 * hidden layers, to keep away from kinks. */
static double
ref_loss (const Setup *s,
          const float *params,
          const float *x,
          double      *min_abs_z)
{
  const InkNetSpec *spec = &s->spec;
  const int L = spec->n_layers;
  const guint64 base = s->stream * (guint64) (L + 1);
  g_autofree double *in = g_new (double, BATCH * N_IN);
  int n_in = N_IN;
  double loss = 0.0;
  double mz = G_MAXDOUBLE;

  for (int i = 0; i < BATCH * N_IN; i++)
    in[i] = x[i] * (spec->input_dropout > 0.0f
                    ? ref_mask (spec->input_dropout, s->seed, base, i) : 1.0);

  for (int l = 0; l < L; l++)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      const int n_out = ls->units;
      const float *w = params + s->w_off[l];
      const float *b = params + s->b_off[l];
      double *z = g_new (double, BATCH * n_out);

      for (int r = 0; r < BATCH; r++)
        for (int o = 0; o < n_out; o++)
          {
            double acc = b[o];

            for (int i = 0; i < n_in; i++)
              acc += in[r * n_in + i] * (double) w[o * n_in + i];
            z[r * n_out + o] = acc;
          }

      if (l < L - 1)
        {
          for (int i = 0; i < BATCH * n_out; i++)
            {
              mz = MIN (mz, fabs (z[i]));
              z[i] = ref_act (ls->activation, spec->leaky_slope, z[i]);
              if (ls->dropout > 0.0f)
                z[i] *= ref_mask (ls->dropout, s->seed, base + l + 1, i);
            }
        }
      else
        {
          for (int r = 0; r < BATCH; r++)
            {
              double *row = z + r * n_out;

              if (spec->loss == INK_LOSS_CROSS_ENTROPY)
                {
                  double max = row[0], sum = 0.0;

                  for (int o = 1; o < n_out; o++)
                    max = MAX (max, row[o]);
                  for (int o = 0; o < n_out; o++)
                    sum += exp (row[o] - max);
                  loss -= (row[s->labels[r]] - max - log (sum)) / BATCH;
                }
              else
                {
                  for (int o = 0; o < n_out; o++)
                    {
                      double d = ref_act (ls->activation, spec->leaky_slope, row[o])
                                 - (o == s->labels[r] ? 1.0 : 0.0);

                      loss += d * d / (BATCH * n_out);
                    }
                }
            }
        }

      g_free (in);
      in = z;
      n_in = n_out;
    }

  if (min_abs_z != NULL)
    *min_abs_z = mz;

  return loss;
}

static void
setup_free (Setup *s)
{
  s->be->ops->free (s->be, s->x_dev);
  s->be->ops->free (s->be, s->labels_dev);
  s->be->ops->free (s->be, s->acc_dev);
  ink_network_free (s->net);
  ink_backend_free (s->be);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Setup, setup_free)

/* N_IN → 5 → 4 → 3 (n_hidden = 2), or N_IN → 3 (n_hidden = 0), with random
 * weights, biases and inputs; draws again until every hidden pre-activation
 * is at least 0.1 away from 0 (the kinks of relu / leaky relu). */
static Setup *
setup_new (InkActivation hidden,
           InkActivation output,
           InkLoss       loss,
           int           n_hidden,
           float         dropout,
           float         input_dropout)
{
  Setup *s = g_new0 (Setup, 1);
  static const int units[] = { 5, 4 };
  g_autoptr(GError) error = NULL;
  g_autofree float *params = NULL;
  InkRng rng;
  gsize off = 0;
  int n_in = N_IN;
  int tries;

  s->be = ink_backend_cpu_new ();
  s->spec.n_inputs = N_IN;
  s->spec.input_dropout = input_dropout;
  s->spec.n_layers = n_hidden + 1;
  s->spec.layers = s->layers;
  s->spec.loss = loss;
  s->spec.init = INK_INIT_GLOROT_UNIFORM;
  s->spec.leaky_slope = 0.1f;
  for (int l = 0; l < n_hidden; l++)
    s->layers[l] = (InkLayerSpec) { units[l], hidden, dropout };
  s->layers[n_hidden] = (InkLayerSpec) { 3, output, 0.0f };
  for (int l = 0; l <= n_hidden; l++)
    {
      s->w_off[l] = off;
      off += (gsize) n_in * s->layers[l].units;
      s->b_off[l] = off;
      off += s->layers[l].units;
      n_in = s->layers[l].units;
    }

  s->net = ink_network_new (&s->spec, s->be, BATCH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->net->n_params, ==, off);
  for (int l = 0; l <= n_hidden; l++)
    {
      g_assert_cmpuint (s->net->w_offset[l], ==, s->w_off[l]);
      g_assert_cmpuint (s->net->b_offset[l], ==, s->b_off[l]);
    }

  s->x_dev = ink_backend_alloc_floats (s->be, BATCH * N_IN, &error);
  s->labels_dev = s->be->ops->alloc (s->be, BATCH * sizeof (gint32), &error);
  s->acc_dev = s->be->ops->alloc (s->be, 2 * sizeof (double), &error);
  g_assert_no_error (error);
  s->seed = 1234;
  s->stream = 7;

  params = g_new (float, s->net->n_params);
  ink_rng_init (&rng, 2024);
  for (tries = 0; tries < 10000; tries++)
    {
      double min_z;

      ink_network_init_params (s->net, tries);
      ink_network_get_params (s->net, params);
      /* nonzero biases, so that their gradients mean something */
      for (int l = 0; l <= n_hidden; l++)
        for (int o = 0; o < s->layers[l].units; o++)
          params[s->b_off[l] + o] = ink_rng_uniform (&rng) - 0.5f;
      for (int i = 0; i < BATCH * N_IN; i++)
        s->x[i] = 2.0f * ink_rng_uniform (&rng) - 1.0f;
      for (int r = 0; r < BATCH; r++)
        s->labels[r] = (gint32) ink_rng_below (&rng, 3);

      ref_loss (s, params, s->x, &min_z);
      if (n_hidden == 0 || min_z > 0.1)
        break;
    }
  g_assert_cmpint (tries, <, 10000);

  ink_network_set_params (s->net, params);
  s->be->ops->upload (s->be, s->x_dev, s->x, sizeof s->x);
  s->be->ops->upload (s->be, s->labels_dev, s->labels, sizeof s->labels);

  return s;
}

/* The network's own loss (float forward + backend loss op). With d_out the
 * loss gradient goes into delta[L-1], ready for backward. */
static double
net_loss (Setup    *s,
          gboolean  with_grad)
{
  InkBackend *be = s->be;
  InkNetwork *net = s->net;
  int L = s->spec.n_layers;
  double acc[2] = { 0.0, 0.0 };
  float *out;

  out = ink_network_forward (net, s->x_dev, BATCH, TRUE, s->seed, s->stream);
  g_assert_true (out == net->act[L - 1]);
  be->ops->upload (be, s->acc_dev, acc, sizeof acc);
  be->ops->loss (be, s->spec.loss, out, s->labels_dev, BATCH, s->layers[L - 1].units,
                 with_grad ? net->delta[L - 1] : NULL, s->acc_dev);
  be->ops->download (be, acc, s->acc_dev, sizeof acc);

  return acc[0] / BATCH;
}

/* |fd - an| <= rel·max(|fd|, |an|) + abs_tol for every element */
static guint
count_mismatches (const char   *what,
                  const double *fd,
                  const float  *an,
                  gsize         n,
                  double        rel,
                  double        abs_tol)
{
  guint bad = 0;

  for (gsize i = 0; i < n; i++)
    {
      double err = fabs (fd[i] - an[i]);

      if (!(err <= rel * MAX (fabs (fd[i]), fabs (an[i])) + abs_tol))
        {
          if (bad < 5)
            g_test_message ("%s[%" G_GSIZE_FORMAT "]: finite difference %.8g, backward %.8g",
                            what, i, fd[i], an[i]);
          bad++;
        }
    }

  return bad;
}

typedef struct
{
  InkActivation hidden;
  InkActivation output;
  InkLoss       loss;
  int           n_hidden;
  float         dropout;
  float         input_dropout;
} GradCase;

static void
check_gradients (const GradCase *gc)
{
  g_autoptr(Setup) s = setup_new (gc->hidden, gc->output, gc->loss, gc->n_hidden,
                                  gc->dropout, gc->input_dropout);
  InkNetwork *net = s->net;
  const gsize np = net->n_params;
  g_autofree float *params = g_new (float, np);
  g_autofree float *grads = g_new (float, np);
  g_autofree float *dx = g_new (float, BATCH * N_IN);
  g_autofree double *fd = g_new (double, np);
  g_autofree double *fd32 = g_new (double, np);
  double fdx[BATCH * N_IN], fdx32[BATCH * N_IN];
  float x[BATCH * N_IN];
  double loss, ref;
  float max_g = 0.0f;

  ink_network_get_params (net, params);

  /* forward agrees with the reference */
  loss = net_loss (s, TRUE);
  ref = ref_loss (s, params, s->x, NULL);
  g_assert_cmpfloat_with_epsilon (loss, ref, 1e-5 * MAX (1.0, fabs (ref)));

  ink_network_backward (net, s->x_dev, BATCH, TRUE);
  s->be->ops->download (s->be, grads, net->grads, np * sizeof (float));
  s->be->ops->download (s->be, dx, net->d_input, sizeof x);
  for (gsize i = 0; i < np; i++)
    max_g = MAX (max_g, fabsf (grads[i]));
  g_assert_cmpfloat (max_g, >, 1e-3f);

  /* central differences of the double reference: accurate to ~1e-9 */
  for (gsize i = 0; i < np; i++)
    {
      float saved = params[i];
      const float h = 1e-3f;
      double up, down;

      params[i] = saved + h;
      up = ref_loss (s, params, s->x, NULL);
      params[i] = saved - h;
      down = ref_loss (s, params, s->x, NULL);
      params[i] = saved;
      /* the actual step in float */
      fd[i] = (up - down) / ((double) (saved + h) - (double) (saved - h));
    }
  /* h = 1e-3 leaves an O(h²) truncation error: allow 1e-3 relative */
  g_assert_cmpuint (count_mismatches ("dparams (double)", fd, grads, np, 2e-3, 2e-5), ==, 0);

  /* the network's own float loss, with the same dropout seed and stream in
   * both evaluations: noisier, so a looser tolerance */
  for (gsize i = 0; i < np; i++)
    {
      float saved = params[i];
      const float h = 5e-3f;
      double up, down;

      params[i] = saved + h;
      ink_network_set_params (net, params);
      up = net_loss (s, FALSE);
      params[i] = saved - h;
      ink_network_set_params (net, params);
      down = net_loss (s, FALSE);
      params[i] = saved;
      fd32[i] = (up - down) / ((double) (saved + h) - (double) (saved - h));
    }
  ink_network_set_params (net, params);
  g_assert_cmpuint (count_mismatches ("dparams (float)", fd32, grads, np, 2e-2, 3e-4), ==, 0);

  /* the input gradient */
  memcpy (x, s->x, sizeof x);
  for (int i = 0; i < BATCH * N_IN; i++)
    {
      float saved = x[i];
      const float h = 1e-3f;
      double up, down;

      x[i] = saved + h;
      up = ref_loss (s, params, x, NULL);
      x[i] = saved - h;
      down = ref_loss (s, params, x, NULL);
      x[i] = saved;
      fdx[i] = (up - down) / ((double) (saved + h) - (double) (saved - h));

      x[i] = saved + 5e-3f;
      s->be->ops->upload (s->be, s->x_dev, x, sizeof x);
      up = net_loss (s, FALSE);
      x[i] = saved - 5e-3f;
      s->be->ops->upload (s->be, s->x_dev, x, sizeof x);
      down = net_loss (s, FALSE);
      x[i] = saved;
      fdx32[i] = (up - down) / ((double) (saved + 5e-3f) - (double) (saved - 5e-3f));
    }
  s->be->ops->upload (s->be, s->x_dev, s->x, sizeof x);
  g_assert_cmpuint (count_mismatches ("dx (double)", fdx, dx, BATCH * N_IN, 2e-3, 2e-5), ==, 0);
  g_assert_cmpuint (count_mismatches ("dx (float)", fdx32, dx, BATCH * N_IN, 2e-2, 3e-4), ==, 0);

  /* backward is repeatable and overwrites the gradients */
  {
    g_autofree float *again = g_new (float, np);

    net_loss (s, TRUE);
    ink_network_backward (net, s->x_dev, BATCH, TRUE);
    s->be->ops->download (s->be, again, net->grads, np * sizeof (float));
    g_assert_cmpmem (again, np * sizeof (float), grads, np * sizeof (float));
  }
}

static void
test_gradients (gconstpointer data)
{
  check_gradients (data);
}

/* The checker must notice a wrong gradient: the softmax cross-entropy
 * gradient scaled by 1.05 in one place, or with one sign flipped. */
static void
test_gradients_checker_fails (void)
{
  double fd[4] = { 0.1, -0.02, 0.003, 0.5 };
  float an[4] = { 0.1f, -0.02f, 0.003f, 0.5f };

  g_assert_cmpuint (count_mismatches ("ok", fd, an, 4, 2e-3, 2e-5), ==, 0);
  an[3] *= 1.05f;
  g_assert_cmpuint (count_mismatches ("scaled", fd, an, 4, 2e-2, 3e-4), ==, 1);
  an[3] = 0.5f;
  an[1] = 0.02f;
  g_assert_cmpuint (count_mismatches ("sign", fd, an, 4, 2e-2, 3e-4), ==, 1);
}

/* without want_input_grad the first layer's dX is skipped */
static void
test_gradients_no_input_grad (void)
{
  g_autoptr(Setup) s = setup_new (INK_ACT_TANH, INK_ACT_SOFTMAX, INK_LOSS_CROSS_ENTROPY,
                                  2, 0.0f, 0.0f);

  net_loss (s, TRUE);
  ink_network_backward (s->net, s->x_dev, BATCH, FALSE);
  g_assert_null (s->net->d_input);
}

/* a forward without dropout, then backward: no masks applied */
static void
test_gradients_eval_mode (void)
{
  g_autoptr(Setup) s = setup_new (INK_ACT_SIGMOID, INK_ACT_SOFTMAX, INK_LOSS_CROSS_ENTROPY,
                                  2, 0.4f, 0.3f);
  g_autoptr(Setup) plain = setup_new (INK_ACT_SIGMOID, INK_ACT_SOFTMAX, INK_LOSS_CROSS_ENTROPY,
                                      2, 0.0f, 0.0f);
  const gsize np = s->net->n_params;
  g_autofree float *params = g_new (float, np);
  g_autofree float *g1 = g_new (float, np);
  g_autofree float *g2 = g_new (float, np);
  double acc[2] = { 0, 0 };
  float *out;

  /* same weights and data in both */
  ink_network_get_params (s->net, params);
  ink_network_set_params (plain->net, params);
  plain->be->ops->upload (plain->be, plain->x_dev, s->x, sizeof s->x);
  plain->be->ops->upload (plain->be, plain->labels_dev, s->labels, sizeof s->labels);

  out = ink_network_forward (s->net, s->x_dev, BATCH, FALSE, 1, 2);
  s->be->ops->loss (s->be, INK_LOSS_CROSS_ENTROPY, out, s->labels_dev, BATCH, 3,
                    s->net->delta[2], acc);
  ink_network_backward (s->net, s->x_dev, BATCH, FALSE);
  s->be->ops->download (s->be, g1, s->net->grads, np * sizeof (float));

  out = ink_network_forward (plain->net, plain->x_dev, BATCH, TRUE, 1, 2);
  plain->be->ops->loss (plain->be, INK_LOSS_CROSS_ENTROPY, out, plain->labels_dev, BATCH, 3,
                        plain->net->delta[2], acc);
  ink_network_backward (plain->net, plain->x_dev, BATCH, FALSE);
  plain->be->ops->download (plain->be, g2, plain->net->grads, np * sizeof (float));

  g_assert_cmpmem (g1, np * sizeof (float), g2, np * sizeof (float));
}

/* ------------------------------------------------------------------------ */
/* the network object */

static void
assert_invalid (const InkNetSpec *spec,
                const char       *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ink_net_spec_validate (spec, &error));
  g_assert_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, fragment);
}

static void
test_network_validate (void)
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
  g_autoptr(GError) error = NULL;
  g_autoptr(InkNetSpec) copy = NULL;

  g_assert_true (ink_net_spec_validate (&spec, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ink_net_spec_n_params (&spec), ==, 669706);

  copy = ink_net_spec_copy (&spec);
  g_assert_true (copy->layers != layers);
  g_assert_cmpmem (copy->layers, sizeof layers, layers, sizeof layers);

  layers[1].dropout = 1.0f;
  assert_invalid (&spec, "layer 2: dropout 1.0 must be in [0, 1)");
  layers[1].dropout = -0.5f;
  assert_invalid (&spec, "layer 2: dropout -0.5 must be in [0, 1)");
  layers[1].dropout = NAN;
  assert_invalid (&spec, "layer 2: dropout");
  layers[1].dropout = 0.2f;

  layers[2].dropout = 0.5f;
  assert_invalid (&spec, "layer 3 (output): dropout 0.5 must be 0");
  layers[2].dropout = 0.0f;

  layers[0].units = 0;
  assert_invalid (&spec, "layer 1: 0 units");
  layers[0].units = 65537;
  assert_invalid (&spec, "layer 1: 65537 units");
  layers[0].units = 512;

  layers[0].activation = INK_ACT_SOFTMAX;
  assert_invalid (&spec, "layer 1: softmax is only allowed on the output layer");
  layers[0].activation = INK_ACT_RELU;

  layers[2].activation = INK_ACT_SIGMOID;
  assert_invalid (&spec, "cross-entropy needs a softmax output layer");
  spec.loss = INK_LOSS_MSE;
  g_assert_true (ink_net_spec_validate (&spec, NULL));
  layers[2].activation = INK_ACT_SOFTMAX;
  assert_invalid (&spec, "softmax output goes with the cross-entropy loss");
  spec.loss = INK_LOSS_CROSS_ENTROPY;

  spec.n_inputs = 0;
  assert_invalid (&spec, "inputs");
  spec.n_inputs = (1 << 20) + 1;
  assert_invalid (&spec, "inputs");
  spec.n_inputs = 784;

  spec.input_dropout = 1.0f;
  assert_invalid (&spec, "input dropout 1.0");
  spec.input_dropout = 0.0f;

  spec.leaky_slope = INFINITY;
  assert_invalid (&spec, "slope");
  spec.leaky_slope = 0.01f;

  spec.n_layers = 0;
  assert_invalid (&spec, "at least one layer");
  spec.n_layers = 3;

  /* ink_network_new refuses the same, and a batch of 0 */
  {
    g_autoptr(InkBackend) be = ink_backend_cpu_new ();
    InkNetwork *net;

    layers[1].dropout = 2.0f;
    net = ink_network_new (&spec, be, 16, &error);
    g_assert_null (net);
    g_assert_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC);
    g_clear_error (&error);
    layers[1].dropout = 0.2f;

    net = ink_network_new (&spec, be, 0, &error);
    g_assert_null (net);
    g_assert_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC);
    g_clear_error (&error);
  }
}

static void
test_network_init (void)
{
  InkLayerSpec layers[2] = {
    { 300, INK_ACT_RELU, 0.0f },
    { 10, INK_ACT_SOFTMAX, 0.0f },
  };
  InkNetSpec spec = {
    .n_inputs = 200, .n_layers = 2, .layers = layers,
    .loss = INK_LOSS_CROSS_ENTROPY, .init = INK_INIT_GLOROT_UNIFORM, .leaky_slope = 0.01f,
  };
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = ink_network_new (&spec, be, 8, NULL);
  g_autofree float *a = g_new (float, net->n_params);
  g_autofree float *b = g_new (float, net->n_params);
  const gsize n0 = 200 * 300;
  double limit = sqrt (6.0 / 500.0), max = 0.0, sum2 = 0.0;

  ink_network_init_params (net, 11);
  ink_network_get_params (net, a);
  for (gsize i = 0; i < n0; i++)
    {
      g_assert_cmpfloat (fabsf (a[i]), <=, limit);
      max = MAX (max, fabs (a[i]));
    }
  g_assert_cmpfloat (max, >, 0.99 * limit);
  for (int o = 0; o < 300; o++)
    g_assert_cmpfloat (a[net->b_offset[0] + o], ==, 0.0f);

  /* deterministic in the seed */
  ink_network_init_params (net, 11);
  ink_network_get_params (net, b);
  g_assert_cmpmem (a, net->n_params * sizeof (float), b, net->n_params * sizeof (float));
  ink_network_init_params (net, 12);
  ink_network_get_params (net, b);
  g_assert_cmpfloat (a[0], !=, b[0]);

  /* He normal: std sqrt(2/in) */
  net->spec->init = INK_INIT_HE_NORMAL;
  ink_network_init_params (net, 3);
  ink_network_get_params (net, a);
  for (gsize i = 0; i < n0; i++)
    sum2 += (double) a[i] * a[i];
  g_assert_cmpfloat (fabs (sqrt (sum2 / n0) / sqrt (2.0 / 200) - 1.0), <, 0.02);

  /* Glorot normal: std sqrt(2/(in+out)) */
  net->spec->init = INK_INIT_GLOROT_NORMAL;
  ink_network_init_params (net, 3);
  ink_network_get_params (net, a);
  sum2 = 0.0;
  for (gsize i = 0; i < n0; i++)
    sum2 += (double) a[i] * a[i];
  g_assert_cmpfloat (fabs (sqrt (sum2 / n0) / sqrt (2.0 / 500) - 1.0), <, 0.02);

  /* He uniform: limit sqrt(6/in) */
  net->spec->init = INK_INIT_HE_UNIFORM;
  ink_network_init_params (net, 3);
  ink_network_get_params (net, a);
  max = 0.0;
  for (gsize i = 0; i < n0; i++)
    max = MAX (max, fabs (a[i]));
  g_assert_cmpfloat (max, <=, sqrt (6.0 / 200));
  g_assert_cmpfloat (max, >, 0.99 * sqrt (6.0 / 200));

  /* zero output init */
  net->spec->zero_output_init = 1.0f;
  ink_network_init_params (net, 3);
  ink_network_get_params (net, b);
  g_assert_cmpmem (a, n0 * sizeof (float), b, n0 * sizeof (float));
  for (gsize i = net->w_offset[1]; i < net->n_params; i++)
    g_assert_cmpfloat (b[i], ==, 0.0f);
}

static void
test_network_predict (void)
{
  g_autoptr(Setup) s = setup_new (INK_ACT_RELU, INK_ACT_SOFTMAX, INK_LOSS_CROSS_ENTROPY,
                                  2, 0.5f, 0.5f);
  g_autoptr(Setup) m = setup_new (INK_ACT_TANH, INK_ACT_SIGMOID, INK_LOSS_MSE, 2, 0.0f, 0.0f);
  const int n = 3 * BATCH - 1;     /* more than max_batch: chunks */
  g_autofree float *x = g_new (float, n * N_IN);
  g_autofree float *probs = g_new (float, n * 3);
  g_autofree float *probs2 = g_new (float, n * 3);
  float *x_dev = ink_backend_alloc_floats (s->be, n * N_IN, NULL);
  float *x_dev2 = ink_backend_alloc_floats (m->be, n * N_IN, NULL);
  InkRng rng;

  ink_rng_init (&rng, 5);
  for (int i = 0; i < n * N_IN; i++)
    x[i] = ink_rng_uniform (&rng) * 2.0f - 1.0f;
  s->be->ops->upload (s->be, x_dev, x, n * N_IN * sizeof (float));
  m->be->ops->upload (m->be, x_dev2, x, n * N_IN * sizeof (float));

  /* softmax probabilities, no dropout, same as a row-by-row run */
  ink_network_predict (s->net, x_dev, n, probs);
  for (int r = 0; r < n; r++)
    {
      double sum = 0.0;

      ink_network_predict (s->net, x_dev + r * N_IN, 1, probs2 + r * 3);
      for (int c = 0; c < 3; c++)
        {
          g_assert_cmpfloat (probs[r * 3 + c], >, 0.0f);
          g_assert_cmpfloat_with_epsilon (probs[r * 3 + c], probs2[r * 3 + c], 1e-6);
          sum += probs[r * 3 + c];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
    }

  /* MSE: raw sigmoid outputs, as a reference computes them */
  ink_network_predict (m->net, x_dev2, n, probs);
  {
    g_autofree float *params = g_new (float, m->net->n_params);
    const float *w0, *w1, *w2;

    ink_network_get_params (m->net, params);
    w0 = params + m->w_off[0];
    w1 = params + m->w_off[1];
    w2 = params + m->w_off[2];
    for (int r = 0; r < n; r++)
      {
        double h1[5], h2[4];

        for (int o = 0; o < 5; o++)
          {
            double z = params[m->b_off[0] + o];
            for (int i = 0; i < N_IN; i++)
              z += x[r * N_IN + i] * (double) w0[o * N_IN + i];
            h1[o] = tanh (z);
          }
        for (int o = 0; o < 4; o++)
          {
            double z = params[m->b_off[1] + o];
            for (int i = 0; i < 5; i++)
              z += h1[i] * w1[o * 5 + i];
            h2[o] = tanh (z);
          }
        for (int o = 0; o < 3; o++)
          {
            double z = params[m->b_off[2] + o];
            for (int i = 0; i < 4; i++)
              z += h2[i] * w2[o * 4 + i];
            g_assert_cmpfloat_with_epsilon (probs[r * 3 + o], 1.0 / (1.0 + exp (-z)), 1e-5);
          }
      }
  }

  s->be->ops->free (s->be, x_dev);
  m->be->ops->free (m->be, x_dev2);
}

/* ------------------------------------------------------------------------ */
/* backend ops against naive references */

static void
test_backend_new (void)
{
  g_autoptr(GError) error = NULL;
  InkBackend *be;

  be = ink_backend_new ("cpu", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (be->ops->name, ==, "cpu");
  g_assert_nonnull (be->device_name);
  g_assert_true (g_str_has_prefix (be->device_name, "CPU"));
  ink_backend_free (be);

  be = ink_backend_new ("auto", &error);
  g_assert_no_error (error);
  g_assert_nonnull (be);
#ifndef INK_HAVE_CUDA
  g_assert_cmpstr (be->ops->name, ==, "cpu");
  g_assert_false (ink_backend_cuda_compiled ());
#endif
  ink_backend_free (be);

#ifndef INK_HAVE_CUDA
  be = ink_backend_new ("cuda", &error);
  g_assert_null (be);
  g_assert_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==,
                   "this build of Inkling has no CUDA backend (built without CUDA)");
  g_clear_error (&error);
#endif

  be = ink_backend_new ("gpu", &error);
  g_assert_null (be);
  g_assert_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "gpu"));
  g_assert_nonnull (strstr (error->message, "cpu"));
  g_assert_nonnull (strstr (error->message, "cuda"));
  g_assert_nonnull (strstr (error->message, "auto"));

  ink_backend_free (NULL);
}

static void
test_backend_memory (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  float host[37], back[37];
  float *a = ink_backend_alloc_floats (be, 37, NULL);
  float *b = ink_backend_alloc_floats (be, 37, NULL);

  for (int i = 0; i < 37; i++)
    {
      g_assert_cmpfloat (a[i], ==, 0.0f);
      host[i] = i * 0.5f - 3.0f;
    }
  g_assert_cmpuint (GPOINTER_TO_SIZE (a) % 64, ==, 0);
  be->ops->upload (be, a, host, sizeof host);
  be->ops->copy (be, b, a, sizeof host);
  g_assert_true (be->ops->sync (be, NULL));
  be->ops->download (be, back, b, sizeof back);
  g_assert_cmpmem (back, sizeof back, host, sizeof host);
  be->ops->free (be, a);
  be->ops->free (be, b);
}

static void
fill_random (InkRng *rng,
             float  *x,
             gsize   n)
{
  for (gsize i = 0; i < n; i++)
    x[i] = ink_rng_uniform (rng) * 2.0f - 1.0f;
}

static void
test_backend_gemm (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  const int m = 5, n = 7, k = 3;
  const int pad = 2;
  InkRng rng;

  ink_rng_init (&rng, 17);

  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      {
        /* op(A) is m×k, op(B) is k×n, leading dimensions padded */
        int a_rows = ta ? k : m, a_cols = ta ? m : k;
        int b_rows = tb ? n : k, b_cols = tb ? k : n;
        int lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
        float a[64], b[64], c[64], c0[64];
        const float alpha = 0.5f, beta = 2.0f;

        fill_random (&rng, a, a_rows * lda);
        fill_random (&rng, b, b_rows * ldb);
        fill_random (&rng, c0, m * ldc);
        memcpy (c, c0, sizeof c);

        be->ops->gemm (be, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

        for (int i = 0; i < m; i++)
          {
            for (int j = 0; j < n; j++)
              {
                double acc = 0.0;

                for (int p = 0; p < k; p++)
                  {
                    double av = ta ? a[p * lda + i] : a[i * lda + p];
                    double bv = tb ? b[j * ldb + p] : b[p * ldb + j];

                    acc += av * bv;
                  }
                g_assert_cmpfloat_with_epsilon (c[i * ldc + j], alpha * acc + beta * c0[i * ldc + j],
                                                1e-5);
              }
            /* the padding is untouched */
            for (int j = n; j < ldc; j++)
              g_assert_cmpfloat (c[i * ldc + j], ==, c0[i * ldc + j]);
          }
      }

  /* beta = 0 ignores what C held, even NaN */
  {
    float a[2] = { 1, 2 }, b[2] = { 3, 4 }, c[1] = { NAN };

    be->ops->gemm (be, FALSE, TRUE, 1, 1, 2, 1.0f, a, 2, b, 2, 0.0f, c, 1);
    g_assert_cmpfloat (c[0], ==, 11.0f);
  }
}

static void
test_backend_bias_colsum (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  float y[3 * 4] = {
    1, 2, 3, 4,
    5, 6, 7, 8,
    -1, -2, -3, -4,
  };
  const float b[4] = { 0.5f, -1, 10, 0 };
  const float expect[3 * 4] = {
    1.5f, 1, 13, 4,
    5.5f, 5, 17, 8,
    -0.5f, -3, 7, -4,
  };
  float db[4] = { NAN, NAN, NAN, NAN };

  be->ops->bias_add (be, y, b, 3, 4);
  g_assert_cmpmem (y, sizeof y, expect, sizeof expect);

  /* column sums: 6.5, 3, 37, 8 */
  be->ops->col_sum (be, y, 3, 4, 0.0f, db);
  g_assert_cmpfloat (db[0], ==, 6.5f);
  g_assert_cmpfloat (db[1], ==, 3.0f);
  g_assert_cmpfloat (db[2], ==, 37.0f);
  g_assert_cmpfloat (db[3], ==, 8.0f);
  /* beta = 0.5: 3.25 + 6.5 ... */
  be->ops->col_sum (be, y, 3, 4, 0.5f, db);
  g_assert_cmpfloat (db[0], ==, 9.75f);
  g_assert_cmpfloat (db[2], ==, 55.5f);
  be->ops->col_sum (be, y, 3, 4, 1.0f, db);
  g_assert_cmpfloat (db[0], ==, 16.25f);
}

static void
test_backend_activations (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  const gsize n = 4001 + 6;
  g_autofree float *x = g_new (float, n);
  g_autofree float *a = g_new (float, n);
  g_autofree float *da = g_new (float, n);
  g_autofree float *g = g_new (float, n);
  const InkActivation acts[] = {
    INK_ACT_IDENTITY, INK_ACT_SIGMOID, INK_ACT_TANH, INK_ACT_RELU, INK_ACT_LEAKY_RELU,
  };
  const float slope = 0.2f;
  InkRng rng;

  ink_rng_init (&rng, 8);
  for (gsize i = 0; i < 4001; i++)
    x[i] = -20.0f + i * 0.01f;
  x[4001] = 100.0f;
  x[4002] = -100.0f;
  x[4003] = 1e-6f;
  x[4004] = -1e-6f;
  x[4005] = 0.0f;
  x[4006] = 0.6249f;
  fill_random (&rng, g, n);

  for (guint k = 0; k < G_N_ELEMENTS (acts); k++)
    {
      memcpy (a, x, n * sizeof (float));
      be->ops->act_forward (be, acts[k], slope, a, n);
      for (gsize i = 0; i < n; i++)
        {
          double ref = ref_act (acts[k], slope, x[i]);

          /* a few ulp, relative for small values */
          if (!(fabs (a[i] - ref) <= 1e-6 * MAX (1.0, fabs (ref)) + 1e-40 ||
                fabs (a[i] - ref) <= 2e-6 * fabs (ref)))
            g_error ("%s (%g) = %.9g, expected %.9g", ink_activation_to_string (acts[k]),
                     x[i], a[i], ref);
          if (acts[k] == INK_ACT_TANH && fabs (x[i]) < 0.1)
            g_assert_cmpfloat (fabs (a[i] - ref), <=, 1e-6 * fabs (ref) + 1e-12);
        }

      memcpy (da, g, n * sizeof (float));
      be->ops->act_backward (be, acts[k], slope, a, da, n);
      for (gsize i = 0; i < n; i++)
        {
          double d;

          switch (acts[k])
            {
            case INK_ACT_IDENTITY: d = 1.0; break;
            case INK_ACT_SIGMOID: d = a[i] * (1.0 - a[i]); break;
            case INK_ACT_TANH: d = 1.0 - (double) a[i] * a[i]; break;
            case INK_ACT_RELU: d = a[i] > 0.0f ? 1.0 : 0.0; break;
            case INK_ACT_LEAKY_RELU: d = a[i] > 0.0f ? 1.0 : slope; break;
            default: g_assert_not_reached ();
            }
          g_assert_cmpfloat_with_epsilon (da[i], g[i] * d, 1e-6);
        }
    }
}

static void
test_backend_softmax (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  /* e^0 : e^ln2 : e^ln5 = 1 : 2 : 5; shifted by 1000 (max subtraction) */
  float y[2 * 3] = {
    0.0f, logf (2.0f), logf (5.0f),
    1000.0f, 1000.0f + logf (2.0f), 1000.0f + logf (5.0f),
  };

  float y0[6];

  memcpy (y0, y, sizeof y);
  be->ops->softmax (be, y, 2, 3);
  g_assert_cmpfloat_with_epsilon (y[0], 0.125f, 1e-6);
  g_assert_cmpfloat_with_epsilon (y[1], 0.25f, 1e-6);
  g_assert_cmpfloat_with_epsilon (y[2], 0.625f, 1e-6);
  /* the shifted row (1000 + ln 2 is only kept to 6e-5 in float): against
   * the exact softmax of the stored values; no overflow */
  for (int c = 0; c < 3; c++)
    {
      double sum = 0.0;

      for (int j = 0; j < 3; j++)
        sum += exp ((double) y0[3 + j] - y0[3 + c]);
      g_assert_cmpfloat_with_epsilon (y[3 + c], 1.0 / sum, 1e-6);
    }
}

/* Non-finite and huge inputs to the element-wise activations and softmax
 * (a diverging run feeds them NaN): NaN in gives NaN out, infinities and
 * huge values saturate, and nothing is undefined on the way (under clang's
 * -fsanitize=float-cast-overflow the vectorised exp once converted a NaN to
 * an integer).  Each value sits in a vector's body and in the loop's tail. */
static void
test_backend_non_finite (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  const float in[] = { NAN, INFINITY, -INFINITY, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, 88.5f, -88.5f };
  const gsize n_in = G_N_ELEMENTS (in);
  const gsize n = 37;   /* 16-wide vectors twice, then a tail of 5 */

  for (guint act = INK_ACT_SIGMOID; act <= INK_ACT_TANH; act++)
    for (gsize at = 0; at < n; at += 31)
      {
        float a[37];

        for (gsize i = 0; i < n; i++)
          a[i] = 0.0f;
        for (gsize k = 0; k < n_in; k++)
          a[(at + k) % n] = in[k];
        be->ops->act_forward (be, act, 0.01f, a, n);
        for (gsize k = 0; k < n_in; k++)
          {
            float y = a[(at + k) % n];

            if (isnan (in[k]))
              g_assert_true (isnan (y));
            else if (in[k] > 0)
              g_assert_cmpfloat (y, ==, 1.0f);
            else if (act == INK_ACT_TANH)
              g_assert_cmpfloat (y, ==, -1.0f);
            else   /* e^x is clamped at x = 88.3: σ(-∞) = 1/(1 + e^88.3) */
              g_assert_cmpfloat (fabsf (y), <, 1e-38f);
          }
      }

  /* softmax: a NaN anywhere in a row makes the whole row NaN; huge values
   * are handled by the max subtraction */
  {
    float y[3 * 19];

    for (int i = 0; i < 3 * 19; i++)
      y[i] = (float) (i % 7);
    y[5] = NAN;            /* row 0, in the vector body */
    y[19 + 18] = NAN;      /* row 1, in the tail */
    y[38] = 1e30f;         /* row 2: one huge logit */
    y[39] = -1e30f;
    y[40] = -INFINITY;
    be->ops->softmax (be, y, 3, 19);
    for (int j = 0; j < 2 * 19; j++)
      g_assert_true (isnan (y[j]));
    g_assert_cmpfloat (y[38], ==, 1.0f);
    for (int j = 39; j < 3 * 19; j++)
      g_assert_cmpfloat (y[j], <, 1e-37f);
  }

  /* the loss of a NaN output: no undefined behaviour on the way */
  {
    float o[2 * 3] = { NAN, 0.0f, 1.0f, 1.0f, NAN, NAN };
    const gint32 labels[2] = { 0, 1 };
    float d[6];
    double acc[2] = { 0, 0 };

    be->ops->loss (be, INK_LOSS_CROSS_ENTROPY, o, labels, 2, 3, d, acc);
    for (int i = 0; i < 6; i++)
      g_assert_true (isnan (d[i]));
  }
}

static void
test_backend_loss_xent (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  /* row 0: p = (1, 2, 5)/8, label 2: loss -ln(5/8) = 0.470004, correct
   * row 1: p = (3, 1, 1)/5, label 1: loss -ln(1/5) = 1.609438, wrong (argmax 0)
   * sum = -ln(5/8 · 1/5) = ln 8 = 2.0794415 */
  float out[2 * 3] = {
    100.0f, 100.0f + logf (2.0f), 100.0f + logf (5.0f),
    logf (3.0f), 0.0f, 0.0f,
  };
  const gint32 labels[2] = { 2, 1 };
  /* (p - onehot) / B */
  const float expect_d[2 * 3] = {
    0.0625f, 0.125f, -0.1875f,
    0.3f, -0.4f, 0.1f,
  };
  float d[6];
  double acc[2] = { 1.0, 1.0 };

  be->ops->loss (be, INK_LOSS_CROSS_ENTROPY, out, labels, 2, 3, d, acc);
  g_assert_cmpfloat_with_epsilon (acc[0], 1.0 + log (8.0), 1e-6);
  g_assert_cmpfloat (acc[1], ==, 2.0);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (d[i], expect_d[i], 1e-6);
  /* out holds the probabilities now */
  g_assert_cmpfloat_with_epsilon (out[2], 0.625f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[3], 0.6f, 1e-6);

  /* a hopeless sample: p_y underflows, the loss is clamped at -ln(1e-30) */
  {
    float o[2] = { 0.0f, -200.0f };
    const gint32 y = 1;
    double a2[2] = { 0, 0 };

    be->ops->loss (be, INK_LOSS_CROSS_ENTROPY, o, &y, 1, 2, NULL, a2);
    g_assert_cmpfloat_with_epsilon (a2[0], -log (1e-30), 1e-3);
    g_assert_cmpfloat (a2[1], ==, 0.0);
  }
}

static void
test_backend_loss_mse (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  /* row 0: out (0.5, 0.25), label 0 → diff (-0.5, 0.25): (0.25 + 0.0625)/2 = 0.15625
   * row 1: out (1, 3), label 1     → diff (1, 2):        (1 + 4)/2        = 2.5
   * d = 2·diff/(B·C) = diff/2 */
  float out[4] = { 0.5f, 0.25f, 1.0f, 3.0f };
  const gint32 labels[2] = { 0, 1 };
  const float expect_d[4] = { -0.25f, 0.125f, 0.5f, 1.0f };
  float d[4];
  double acc[2] = { 0, 0 };

  be->ops->loss (be, INK_LOSS_MSE, out, labels, 2, 2, d, acc);
  g_assert_cmpfloat (acc[0], ==, 2.65625);
  g_assert_cmpfloat (acc[1], ==, 2.0);
  g_assert_cmpmem (d, sizeof d, expect_d, sizeof expect_d);
  g_assert_cmpfloat (out[3], ==, 3.0f);   /* untouched */
}

static void
test_backend_gather (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(GError) error = NULL;
  const guint8 images[3 * 5] = {
    0, 1, 2, 3, 4,
    10, 20, 30, 40, 50,
    255, 128, 0, 64, 32,
  };
  const guint8 labels[3] = { 7, 1, 9 };
  const guint32 idx[4] = { 2, 0, 2, 1 };
  const InkAffine aff = { 1.0f / 255.0f, -0.5f };
  float x[4 * 5];
  gint32 lab[4];
  InkDevData *data;

  data = be->ops->data_upload (be, images, labels, 3, 5, &error);
  g_assert_no_error (error);
  be->ops->gather (be, data, idx, 4, aff, x, lab);
  for (int r = 0; r < 4; r++)
    {
      g_assert_cmpint (lab[r], ==, labels[idx[r]]);
      for (int c = 0; c < 5; c++)
        g_assert_cmpfloat_with_epsilon (x[r * 5 + c],
                                        images[idx[r] * 5 + c] / 255.0 - 0.5, 1e-6);
    }
  g_assert_cmpfloat_with_epsilon (x[0], 0.5f, 1e-6);
  be->ops->data_free (be, data);
}

static void
test_backend_dropout (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  const gsize n = 100003;
  const float p = 0.3f;
  g_autofree float *a = g_new (float, n);
  g_autofree float *mask = g_new (float, n);
  g_autofree float *a2 = g_new (float, n);
  g_autofree float *mask2 = g_new (float, n);
  const float scale = 1.0f / (1.0f - p);
  gsize kept = 0, same = 0;

  for (gsize i = 0; i < n; i++)
    a[i] = a2[i] = 1.0f + (i % 7);

  be->ops->dropout_forward (be, a, mask, n, p, 99, 5);
  for (gsize i = 0; i < n; i++)
    {
      gboolean keep = ink_hash_uniform (99, 5, i) >= p;

      /* exactly the mask the header defines */
      g_assert_cmpfloat (mask[i], ==, keep ? scale : 0.0f);
      g_assert_cmpfloat (a[i], ==, keep ? (1.0f + (i % 7)) * scale : 0.0f);
      kept += keep;
    }
  /* fraction kept ≈ 1 - p (sd 0.0015) */
  g_assert_cmpfloat (fabs ((double) kept / n - (1.0 - p)), <, 0.01);

  /* deterministic; another stream gives another mask */
  for (gsize i = 0; i < n; i++)
    a[i] = 1.0f;
  be->ops->dropout_forward (be, a, mask2, n, p, 99, 5);
  g_assert_cmpmem (mask, n * sizeof (float), mask2, n * sizeof (float));
  be->ops->dropout_forward (be, a2, mask2, n, p, 99, 6);
  for (gsize i = 0; i < n; i++)
    same += mask[i] == mask2[i];
  g_assert_cmpfloat ((double) same / n, <, 0.7);

  /* x *= m */
  {
    float x[5] = { 1, 2, 3, 4, 5 };
    const float m[5] = { 0, 2, 0.5f, 1, -1 };
    const float e[5] = { 0, 4, 1.5f, 4, -5 };

    be->ops->mul (be, x, m, 5);
    g_assert_cmpmem (x, sizeof x, e, sizeof e);
  }
}

/* ------------------------------------------------------------------------ */

static const char *
loss_suffix (const GradCase *gc)
{
  if (gc->dropout > 0.0f)
    return "dropout";
  if (gc->loss == INK_LOSS_CROSS_ENTROPY)
    return "xent";
  return gc->output == INK_ACT_SIGMOID ? "mse-sigmoid" : "mse";
}

int
main (int   argc,
      char *argv[])
{
  static const InkActivation hidden[] = {
    INK_ACT_IDENTITY, INK_ACT_SIGMOID, INK_ACT_TANH, INK_ACT_RELU, INK_ACT_LEAKY_RELU,
  };
  static GradCase cases[G_N_ELEMENTS (hidden) * 4 + 2];
  guint n_cases = 0;

  g_test_init (&argc, &argv, NULL);

  for (guint h = 0; h < G_N_ELEMENTS (hidden); h++)
    {
      cases[n_cases++] = (GradCase) { hidden[h], INK_ACT_SOFTMAX, INK_LOSS_CROSS_ENTROPY, 2, 0, 0 };
      cases[n_cases++] = (GradCase) { hidden[h], INK_ACT_IDENTITY, INK_LOSS_MSE, 2, 0, 0 };
      cases[n_cases++] = (GradCase) { hidden[h], INK_ACT_SIGMOID, INK_LOSS_MSE, 2, 0, 0 };
      cases[n_cases++] = (GradCase) { hidden[h], INK_ACT_SOFTMAX, INK_LOSS_CROSS_ENTROPY,
                                      2, 0.3f, 0.2f };
    }
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/gradients/%s-%s",
                                               ink_activation_to_string (cases[i].hidden),
                                               loss_suffix (&cases[i]));
      g_test_add_data_func (path, &cases[i], test_gradients);
    }
  /* no hidden layer (softmax regression), and the MSE + dropout pairing */
  cases[n_cases] = (GradCase) { INK_ACT_RELU, INK_ACT_SOFTMAX, INK_LOSS_CROSS_ENTROPY, 0, 0, 0.25f };
  g_test_add_data_func ("/core/gradients/no-hidden-input-dropout", &cases[n_cases++], test_gradients);
  cases[n_cases] = (GradCase) { INK_ACT_TANH, INK_ACT_SIGMOID, INK_LOSS_MSE, 2, 0.4f, 0.1f };
  g_test_add_data_func ("/core/gradients/tanh-mse-sigmoid-dropout", &cases[n_cases++], test_gradients);

  g_test_add_func ("/core/gradients/checker-fails", test_gradients_checker_fails);
  g_test_add_func ("/core/gradients/no-input-grad", test_gradients_no_input_grad);
  g_test_add_func ("/core/gradients/eval-mode", test_gradients_eval_mode);

  g_test_add_func ("/core/network/validate", test_network_validate);
  g_test_add_func ("/core/network/init", test_network_init);
  g_test_add_func ("/core/network/predict", test_network_predict);

  g_test_add_func ("/core/backend/new", test_backend_new);
  g_test_add_func ("/core/backend/memory", test_backend_memory);
  g_test_add_func ("/core/backend/gemm", test_backend_gemm);
  g_test_add_func ("/core/backend/bias-colsum", test_backend_bias_colsum);
  g_test_add_func ("/core/backend/activations", test_backend_activations);
  g_test_add_func ("/core/backend/softmax", test_backend_softmax);
  g_test_add_func ("/core/backend/non-finite", test_backend_non_finite);
  g_test_add_func ("/core/backend/loss-xent", test_backend_loss_xent);
  g_test_add_func ("/core/backend/loss-mse", test_backend_loss_mse);
  g_test_add_func ("/core/backend/gather", test_backend_gather);
  g_test_add_func ("/core/backend/dropout", test_backend_dropout);

  return g_test_run ();
}
