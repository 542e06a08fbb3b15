/* test-rbm.c
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

#include "ink-rbm.h"
#include "ink-trainer.h"
#include "test-util.h"

/* The tiny RBM of the hand computations: 3 visible, 2 hidden units. */
static const float tiny_w[6] = { 0.5f, -0.3f, 0.2f,
                                 0.1f, 0.4f, -0.6f };
static const float tiny_bh[2] = { 0.1f, -0.2f };
static const float tiny_bv[3] = { 0.05f, -0.1f, 0.2f };
static const float tiny_v[6] = { 1, 0, 1,
                                 0, 1, 1 };

static InkRbm *
tiny_rbm (InkBackend *be)
{
  g_autoptr(GError) error = NULL;
  InkRbm *rbm = ink_rbm_new (be, 3, 2, 4, &error);
  float p[11];

  g_assert_no_error (error);
  memcpy (p, tiny_w, sizeof tiny_w);
  memcpy (p + 6, tiny_bh, sizeof tiny_bh);
  memcpy (p + 8, tiny_bv, sizeof tiny_bv);
  ink_rbm_set_params (rbm, p);
  return rbm;
}

static float *
upload (InkBackend *be, const float *host, gsize n)
{
  float *mem = ink_backend_alloc_floats (be, n, NULL);
  be->ops->upload (be, mem, host, n * sizeof (float));
  return mem;
}

/* F(v) = −b_visᵀv − Σ_j softplus (b_hid_j + W_j·v), checked against the
 * values worked out by hand and against its definition −log Σ_h e^{−E(v,h)}
 * summed over the 4 hidden states. */
static void
test_free_energy (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkRbm) rbm = tiny_rbm (be);
  float *v = upload (be, tiny_v, 6);
  double fe[2];

  ink_rbm_free_energy (rbm, v, 2, fe);
  /* v = (1,0,1): −(0.05 + 0.2) − softplus (0.8) − softplus (−0.7) */
  g_assert_cmpfloat_with_epsilon (fe[0], -1.8242867148, 1e-6);
  /* v = (0,1,1): −(−0.1 + 0.2) − softplus (−0.1) − softplus (−0.4) */
  g_assert_cmpfloat_with_epsilon (fe[1], -1.3061624330, 1e-6);

  for (int r = 0; r < 2; r++)
    {
      double z = 0.0;
      for (int h = 0; h < 4; h++)
        {
          double e = 0.0;     /* E(v,h) = −b_visᵀv − b_hidᵀh − hᵀWv */
          for (int i = 0; i < 3; i++)
            e -= tiny_bv[i] * tiny_v[r * 3 + i];
          for (int j = 0; j < 2; j++)
            if (h & (1 << j))
              {
                e -= tiny_bh[j];
                for (int i = 0; i < 3; i++)
                  e -= tiny_w[j * 3 + i] * tiny_v[r * 3 + i];
              }
          z += exp (-e);
        }
      g_assert_cmpfloat_with_epsilon (fe[r], -log (z), 1e-6);
    }
  be->ops->free (be, v);
}

/* CD-1 with the hidden sample fixed to h = [[1,0],[0,1]]:
 *   ph0 = σ(v0·Wᵀ + b_hid), pv = σ(h·W + b_vis), ph1 = σ(pv·Wᵀ + b_hid)
 *   dW = (ph1ᵀ·pv − ph0ᵀ·v0)/2, db_hid = mean (ph1 − ph0), db_vis = mean (pv − v0) */
static void
test_cd1_gradient (void)
{
  static const double gw[6] = { -0.001090023, 0.034269733, -0.300477522,
                                0.090111969, 0.015350218, -0.149293370 };
  static const double gbh[2] = { -0.009313398, 0.072298662 };
  static const double gbv[3] = { 0.085782718, -0.012122572, -0.5 };
  static const float h[4] = { 1, 0, 0, 1 };
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkRbm) rbm = tiny_rbm (be);
  float *v = upload (be, tiny_v, 6);
  float g[11], p[11];
  double err;

  err = ink_rbm_cd_gradient (rbm, v, 2, 1, h);
  g_assert_cmpfloat_with_epsilon (err, 1.284316879, 1e-5);
  be->ops->download (be, g, rbm->grads, sizeof g);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (g[i], gw[i], 1e-6);
  for (int j = 0; j < 2; j++)
    g_assert_cmpfloat_with_epsilon (g[6 + j], gbh[j], 1e-6);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (g[8 + i], gbv[i], 1e-6);

  /* one update without momentum: w −= lr·(g + wd·w) on W, b −= lr·g */
  ink_rbm_update (rbm, 0.5f, 0.0f, 0.01f);
  ink_rbm_get_params (rbm, p);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (p[i], tiny_w[i] - 0.5 * (gw[i] + 0.01 * tiny_w[i]), 1e-6);
  for (int j = 0; j < 2; j++)
    g_assert_cmpfloat_with_epsilon (p[6 + j], tiny_bh[j] - 0.5 * gbh[j], 1e-6);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (p[8 + i], tiny_bv[i] - 0.5 * gbv[i], 1e-6);

  /* the mean-field reconstruction error is the mean of Σ (v − pv)² */
  ink_rbm_set_params (rbm, (float[11]) { 0 });
  /* all parameters 0: pv = 0.5 everywhere, so each row contributes 3·0.25 */
  g_assert_cmpfloat_with_epsilon (ink_rbm_reconstruction_error (rbm, v, 2), 0.75, 1e-6);
  be->ops->free (be, v);
}

/* drawn samples: a pure function of the seed; CD-k runs for k > 1 */
static void
test_sampling_deterministic (void)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkRbm) a = tiny_rbm (be);
  g_autoptr(InkRbm) b = tiny_rbm (be);
  g_autoptr(InkRbm) c = tiny_rbm (be);
  float *v = upload (be, tiny_v, 6);
  float ga[11], gb[11], gc[11];

  a->seed = b->seed = 5;
  c->seed = 6;
  for (int i = 0; i < 3; i++)
    {
      ink_rbm_cd_gradient (a, v, 2, 3, NULL);
      ink_rbm_cd_gradient (b, v, 2, 3, NULL);
      ink_rbm_cd_gradient (c, v, 2, 3, NULL);
    }
  be->ops->download (be, ga, a->grads, sizeof ga);
  be->ops->download (be, gb, b->grads, sizeof gb);
  be->ops->download (be, gc, c->grads, sizeof gc);
  g_assert_true (memcmp (ga, gb, sizeof ga) == 0);
  g_assert_false (memcmp (ga, gc, sizeof ga) == 0);
  for (int i = 0; i < 11; i++)
    g_assert_true (isfinite (ga[i]));
  be->ops->free (be, v);
}

/* CD-1 with noisy rectified hidden units, the hidden sample fixed to
 * h = [[1,0],[0,1]] and b_hid = (0.3, 0.6):
 *   ph0 = max (0, v0·Wᵀ + b_hid), pv = σ(h·W + b_vis), ph1 = max (0, pv·Wᵀ + b_hid)
 * and the same gradient formulas as the binary RBM; the free energy has no
 * closed form for these units and is NaN. */
static void
test_nrelu_cd1_gradient (void)
{
  static const double gw[6] = { -0.176474198, 0.160589268, -0.319839296,
                                0.270061454, 0.077856582, 0.018081090 };
  static const double gbh[2] = { -0.053471869, 0.303729243 };
  static const double gbv[3] = { 0.085782718, -0.012122572, -0.5 };
  static const float h[4] = { 1, 0, 0, 1 };
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkRbm) rbm = tiny_rbm (be);
  float *v = upload (be, tiny_v, 6);
  float g[11], p[11];
  double fe[2];
  InkRbmHidden kind = INK_RBM_HIDDEN_BINARY;

  g_assert_true (ink_rbm_hidden_for_activation (INK_ACT_RELU, &kind));
  g_assert_cmpint (kind, ==, INK_RBM_HIDDEN_NRELU);
  g_assert_true (ink_rbm_hidden_for_activation (INK_ACT_SIGMOID, &kind));
  g_assert_cmpint (kind, ==, INK_RBM_HIDDEN_BINARY);
  g_assert_false (ink_rbm_hidden_for_activation (INK_ACT_TANH, &kind));

  ink_rbm_get_params (rbm, p);
  p[6] = 0.3f;
  p[7] = 0.6f;
  ink_rbm_set_params (rbm, p);
  ink_rbm_set_hidden (rbm, INK_RBM_HIDDEN_NRELU);

  /* the same reconstruction as the binary case: it only depends on h */
  g_assert_cmpfloat_with_epsilon (ink_rbm_cd_gradient (rbm, v, 2, 1, h), 1.284316879, 1e-5);
  be->ops->download (be, g, rbm->grads, sizeof g);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (g[i], gw[i], 1e-6);
  for (int j = 0; j < 2; j++)
    g_assert_cmpfloat_with_epsilon (g[6 + j], gbh[j], 1e-6);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (g[8 + i], gbv[i], 1e-6);

  ink_rbm_free_energy (rbm, v, 2, fe);
  g_assert_true (isnan (fe[0]) && isnan (fe[1]));
  be->ops->free (be, v);
}

/* The NReLU draw is max (0, a + N(0, σ(a))): with W = 0 every row has the
 * pre-activation a = b_hid, so over 20000 rows the mean of the draws and
 * the share of zeros match E[max (0, X)] = a·Φ(a/s) + s·φ(a/s) and Φ(−a/s),
 * X ~ N(a, s²), s² = σ(a). */
static void
test_nrelu_sampling (void)
{
  static const struct { float a; double mean, zeros; } cases[] = {
    { 0.5f, 0.625923296, 0.263123642 },
    { -1.0f, 0.005324885, 0.973090137 },
    { 2.0f, 2.005569573, 0.016542830 },
  };
  const int n = 20000;
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkRbm) rbm = ink_rbm_new (be, 1, 1, n, NULL);
  g_autofree float *zeros = g_new0 (float, n);
  g_autofree float *h = g_new (float, n);
  float *v = upload (be, zeros, n);

  ink_rbm_init_params (rbm, 11);
  ink_rbm_set_hidden (rbm, INK_RBM_HIDDEN_NRELU);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      float p[3] = { 0.0f, cases[c].a, 0.0f };
      double sum = 0.0;
      int n_zero = 0;

      ink_rbm_set_params (rbm, p);
      ink_rbm_cd_gradient (rbm, v, n, 1, NULL);
      be->ops->download (be, h, rbm->h, sizeof (float) * n);
      for (int i = 0; i < n; i++)
        {
          g_assert_true (h[i] >= 0.0f && isfinite (h[i]));
          sum += h[i];
          n_zero += h[i] == 0.0f;
        }
      g_test_message ("a = %g: mean %.4f (expected %.4f), zeros %.4f (expected %.4f)",
                      cases[c].a, sum / n, cases[c].mean, (double) n_zero / n, cases[c].zeros);
      /* the standard error of the mean is under 0.01 for these s */
      g_assert_cmpfloat (fabs (sum / n - cases[c].mean), <, 0.03);
      g_assert_cmpfloat (fabs ((double) n_zero / n - cases[c].zeros), <, 0.015);
    }
  be->ops->free (be, v);
}

/* ------------------------------------------------------------------------ */
/* real MNIST                                                                */

static InkDataset *mnist_train, *mnist_test;

static gboolean
have_mnist (void)
{
  g_autofree char *dir = test_mnist_dir ();
  g_autoptr(GError) error = NULL;

  if (mnist_train)
    return TRUE;
  if (dir == NULL)
    {
      g_test_skip ("MNIST not found in ~/.local/share/inkling/datasets/mnist: run tools/setup-data.sh");
      return FALSE;
    }
  if (!ink_dataset_load_dir (dir, &mnist_train, &mnist_test, &error))
    g_error ("%s", error->message);
  return TRUE;
}

/* CD-1 on 2000 real digits: the mean-field reconstruction error of held-out
 * digits falls epoch after epoch. */
static void
test_mnist_reconstruction (gconstpointer test_data)
{
  const int n = 2000, n_held = 500, B = 50, V = 784, H = 64;
  InkRbmHidden kind = GPOINTER_TO_INT (test_data);
  /* rectified units take larger values: a smaller step keeps CD stable */
  float lr = kind == INK_RBM_HIDDEN_NRELU ? 0.01f : 0.1f;
  g_autoptr(InkBackend) be = NULL;
  g_autoptr(InkRbm) rbm = NULL;
  g_autofree float *host = NULL;
  float *data, *held;
  double err[5];

  if (!have_mnist ())
    return;
  be = ink_backend_cpu_new ();
  rbm = ink_rbm_new (be, V, H, n_held, NULL);
  ink_rbm_init_params (rbm, 3);
  ink_rbm_set_hidden (rbm, kind);
  host = g_new (float, (gsize) (n + n_held) * V);
  for (gsize i = 0; i < (gsize) (n + n_held) * V; i++)
    host[i] = mnist_train->images[i] / 255.0f;
  data = upload (be, host, (gsize) n * V);
  held = upload (be, host + (gsize) n * V, (gsize) n_held * V);

  err[0] = ink_rbm_reconstruction_error (rbm, held, n_held);
  for (int e = 1; e < 5; e++)
    {
      for (int off = 0; off < n; off += B)
        {
          ink_rbm_cd_gradient (rbm, data + (gsize) off * V, B, 1, NULL);
          ink_rbm_update (rbm, lr, 0.5f, 0.0002f);
        }
      err[e] = ink_rbm_reconstruction_error (rbm, held, n_held);
      g_test_message ("epoch %d: reconstruction error %.4f", e, err[e]);
      g_assert_cmpfloat (err[e], <, err[e - 1]);
    }
  /* from ~52 (a blank half-grey guess) to well under half of it */
  g_assert_cmpfloat (err[4], <, 0.5 * err[0]);
  be->ops->free (be, data);
  be->ops->free (be, held);
}

static InkExperiment *
small_sigmoid_experiment (gboolean pretrain)
{
  InkExperiment *e = ink_experiment_new_default ();

  e->net->layers[0] = (InkLayerSpec) { 100, INK_ACT_SIGMOID, 0.0f };
  e->split.kind = INK_SPLIT_FIXED;
  e->split.n_train = 2000;
  e->split.n_valid = 1000;
  e->normalization = INK_NORM_MINMAX;
  ink_optimizer_spec_defaults (&e->optimizer, INK_OPT_SGD);
  e->optimizer.lr = 0.05f;
  e->epochs = 1;
  e->batch_size = 20;
  e->seed = 3;
  e->pretraining.enabled = pretrain;
  e->pretraining.epochs[0] = 5;
  e->pretraining.batch_size = 20;
  return e;
}

/* Pretraining takes sigmoid and ReLU hidden layers and refuses others, in
 * the experiment's validation and in ink_rbm_pretrain itself. */
static void
test_pretrain_activations (void)
{
  g_autoptr(InkExperiment) e = small_sigmoid_experiment (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = NULL;
  guint32 idx[1] = { 0 };
  InkAffine aff = { 1.0f, 0.0f };

  e->net->layers[0].activation = INK_ACT_RELU;
  g_assert_true (ink_experiment_validate (e, &error));
  g_assert_no_error (error);

  e->net->layers[0].activation = INK_ACT_TANH;
  g_assert_false (ink_experiment_validate (e, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "hidden layer 1 is tanh"));
  g_assert_nonnull (strstr (error->message, "relu"));
  g_clear_error (&error);

  net = ink_network_new (e->net, be, 8, &error);
  g_assert_no_error (error);
  /* refused before any data is touched */
  g_assert_false (ink_rbm_pretrain (net, &e->pretraining, NULL, idx, 1, aff, 1,
                                    NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Per-layer pretraining values reach their layer: with lr [0.1, 0.02] the
 * first RBM learns exactly as with one lr of 0.1 and the second does not;
 * the lists survive JSON, and a list of the wrong length is refused. */
static void
test_per_layer_values (void)
{
  const guint n = 200, dim = 784;
  InkLayerSpec layers[3] = { { 16, INK_ACT_SIGMOID, 0.0f }, { 8, INK_ACT_RELU, 0.0f },
                             { 10, INK_ACT_SOFTMAX, 0.0f } };
  InkNetSpec spec = { 0 };
  InkPretrainSpec one, list;
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *images = g_new (guint8, (gsize) n * dim);
  g_autofree guint8 *labels = g_new0 (guint8, n);
  g_autofree guint32 *idx = g_new (guint32, n);
  g_autofree float *pa = NULL, *pb = NULL;
  InkAffine aff = { 1.0f / 255.0f, 0.0f };
  InkDevData *data;
  InkRng rng;
  gsize w0, w1;

  ink_rng_init (&rng, 9);
  for (gsize i = 0; i < (gsize) n * dim; i++)
    images[i] = ink_rng_uniform (&rng) < 0.2f ? 255 : 0;
  for (guint i = 0; i < n; i++)
    idx[i] = i;
  spec.n_inputs = (int) dim;
  spec.n_layers = 3;
  spec.layers = layers;
  spec.loss = INK_LOSS_CROSS_ENTROPY;
  a = ink_network_new (&spec, be, 20, &error);
  g_assert_no_error (error);
  b = ink_network_new (&spec, be, 20, &error);
  g_assert_no_error (error);
  data = be->ops->data_upload (be, images, labels, n, dim, &error);
  g_assert_no_error (error);

  ink_pretrain_spec_defaults (&one);
  one.enabled = TRUE;
  one.epochs[0] = 2;
  one.batch_size = 20;
  list = one;
  list.n_layer_lr = 2;
  list.lr_layers[0] = 0.1f;
  list.lr_layers[1] = 0.02f;
  g_assert_cmpfloat (ink_pretrain_spec_lr (&list, 1), ==, 0.02f);
  g_assert_cmpfloat (ink_pretrain_spec_lr (&one, 1), ==, 0.1f);
  g_assert_true (ink_rbm_pretrain (a, &one, data, idx, n, aff, 5, NULL, NULL, NULL, &error));
  g_assert_true (ink_rbm_pretrain (b, &list, data, idx, n, aff, 5, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  pa = g_new (float, a->n_params);
  pb = g_new (float, b->n_params);
  ink_network_get_params (a, pa);
  ink_network_get_params (b, pb);
  w0 = (gsize) 16 * 784;
  w1 = (gsize) 8 * 16;
  g_assert_true (memcmp (pa + a->w_offset[0], pb + b->w_offset[0], sizeof (float) * w0) == 0);
  g_assert_false (memcmp (pa + a->w_offset[1], pb + b->w_offset[1], sizeof (float) * w1) == 0);
  be->ops->data_free (be, data);

  /* JSON: lists in, lists out; a wrong length refused */
  {
    g_autoptr(InkExperiment) e = ink_experiment_from_json (
      "{\"network\": {\"layers\": [{\"units\": 16, \"activation\": \"sigmoid\"},"
      " {\"units\": 8, \"activation\": \"relu\"}, {\"units\": 10}]},"
      " \"pretraining\": {\"lr\": [0.1, 0.01], \"decay\": [1, 0.9], \"cd_k\": [1, 3]}}", -1, &error);
    g_autoptr(InkExperiment) back = NULL;
    g_autoptr(InkExperiment) bad = NULL;
    g_autofree char *json = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (e->pretraining.n_layer_lr, ==, 2);
    g_assert_cmpfloat (ink_pretrain_spec_lr (&e->pretraining, 1), ==, 0.01f);
    g_assert_cmpfloat (ink_pretrain_spec_decay (&e->pretraining, 1), ==, 0.9f);
    g_assert_cmpuint (ink_pretrain_spec_cd_k (&e->pretraining, 1), ==, 3);
    json = ink_experiment_to_json (e, FALSE);
    back = ink_experiment_from_json (json, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (back->pretraining.n_layer_cd_k, ==, 2);
    g_assert_cmpuint (back->pretraining.cd_k_layers[1], ==, 3);
    g_assert_cmpfloat (back->pretraining.lr_layers[1], ==, 0.01f);

    bad = ink_experiment_from_json ("{\"network\": {\"layers\": [{\"units\": 16, \"activation\": \"sigmoid\"},"
                                    " {\"units\": 10}]}, \"pretraining\": {\"lr\": [0.1, 0.01]}}", -1, &error);
    g_assert_null (bad);
    g_assert_nonnull (strstr (error->message, "pretraining.lr lists 2 values"));
    g_clear_error (&error);
    bad = ink_experiment_from_json ("{\"network\": {\"layers\": [{\"units\": 16, \"activation\": \"sigmoid\"},"
                                    " {\"units\": 10}]}, \"pretraining\": {\"cd_k\": [0]}}", -1, &error);
    g_assert_null (bad);
    g_assert_nonnull (strstr (error->message, "cd_k"));
    g_clear_error (&error);
    bad = ink_experiment_from_json ("{\"network\": {\"layers\": [{\"units\": 16, \"activation\": \"sigmoid\"},"
                                    " {\"units\": 10}]}, \"pretraining\": {\"decay\": [\"x\"]}}", -1, &error);
    g_assert_null (bad);
    g_assert_nonnull (strstr (error->message, "decay"));
  }
}

/* A pretraining learning rate that blows up: the run stops as diverged with
 * a message that names the layer and says what to change, and keeps finite
 * weights (the layer's initialization here). */
static void
test_pretrain_diverges (void)
{
  g_autoptr(InkDataset) train = test_synthetic_dataset (300, 5);
  g_autoptr(InkDataset) test = test_synthetic_dataset (100, 6);
  g_autoptr(InkExperiment) e = small_sigmoid_experiment (TRUE);
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *p = NULL;
  InkNetwork *net;

  e->net->layers[0].activation = INK_ACT_RELU;
  e->split.n_train = 200;
  e->split.n_valid = 100;
  e->pretraining.lr = 1e30f;
  e->pretraining.epochs[0] = 2;
  g_assert_true (ink_experiment_validate (e, NULL));
  t = ink_trainer_new (e, train, test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_run (t, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_DIVERGED);
  g_assert_nonnull (strstr (ink_trainer_stop_message (t), "pretraining of hidden layer 1 diverged in epoch 1"));
  g_assert_nonnull (strstr (ink_trainer_stop_message (t), "smaller pretraining learning rate"));
  net = ink_trainer_network (t);
  p = g_new (float, net->n_params);
  ink_network_get_params (net, p);
  for (gsize i = 0; i < net->n_params; i++)
    g_assert_true (isfinite (p[i]));
}

typedef struct
{
  guint  phases;
  guint  epochs;
  double first, last;
} PretrainLog;

static void
on_event (const InkTrainEvent *ev, gpointer data)
{
  PretrainLog *log = data;

  if (ev->kind == INK_EVENT_PHASE && g_str_has_prefix (ev->phase, "pretrain layer "))
    log->phases++;
  if (ev->kind == INK_EVENT_PRETRAIN_EPOCH)
    {
      g_assert_cmpuint (ev->layer, ==, 1);
      g_assert_cmpuint (ev->n_epochs, ==, 5);
      g_assert_cmpuint (ev->epoch, ==, ++log->epochs);
      if (ev->epoch == 1)
        log->first = ev->recon_error;
      log->last = ev->recon_error;
    }
}

/* After one fine-tuning epoch (SGD, 100 updates) on 2000 digits, the
 * network whose sigmoid layer was pretrained as an RBM beats the randomly
 * initialized one on the 10000 test digits. */
static void
test_pretrain_helps (void)
{
  g_autoptr(InkExperiment) plain = NULL, pre = NULL;
  g_autoptr(InkTrainer) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;
  PretrainLog log = { 0 };
  double acc_plain, acc_pre;

  if (!have_mnist ())
    return;
  plain = small_sigmoid_experiment (FALSE);
  pre = small_sigmoid_experiment (TRUE);
  g_assert_true (ink_experiment_validate (pre, NULL));

  a = ink_trainer_new (plain, mnist_train, mnist_test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_run (a, NULL, on_event, &log, &error));
  g_assert_cmpuint (log.epochs, ==, 0);

  b = ink_trainer_new (pre, mnist_train, mnist_test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_run (b, NULL, on_event, &log, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.phases, ==, 1);
  g_assert_cmpuint (log.epochs, ==, 5);
  g_assert_cmpfloat (log.last, <, log.first);

  acc_plain = ink_metrics_accuracy (ink_trainer_test_metrics (a, NULL));
  acc_pre = ink_metrics_accuracy (ink_trainer_test_metrics (b, NULL));
  g_test_message ("test accuracy after 1 epoch: random init %.2f%%, pretrained %.2f%%",
                  100 * acc_plain, 100 * acc_pre);
  g_assert_cmpfloat (acc_pre, >, acc_plain + 0.02);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rbm/free-energy", test_free_energy);
  g_test_add_func ("/rbm/cd1-gradient", test_cd1_gradient);
  g_test_add_func ("/rbm/sampling-deterministic", test_sampling_deterministic);
  g_test_add_func ("/rbm/nrelu/cd1-gradient", test_nrelu_cd1_gradient);
  g_test_add_func ("/rbm/nrelu/sampling", test_nrelu_sampling);
  g_test_add_data_func ("/rbm/mnist/reconstruction", GINT_TO_POINTER (INK_RBM_HIDDEN_BINARY),
                        test_mnist_reconstruction);
  g_test_add_data_func ("/rbm/mnist/nrelu-reconstruction", GINT_TO_POINTER (INK_RBM_HIDDEN_NRELU),
                        test_mnist_reconstruction);
  g_test_add_func ("/rbm/pretrain-activations", test_pretrain_activations);
  g_test_add_func ("/rbm/per-layer-values", test_per_layer_values);
  g_test_add_func ("/rbm/pretrain-diverges", test_pretrain_diverges);
  g_test_add_func ("/rbm/mnist/pretrain-helps", test_pretrain_helps);
  ret = g_test_run ();
  g_clear_pointer (&mnist_train, ink_dataset_free);
  g_clear_pointer (&mnist_test, ink_dataset_free);
  return ret;
}
