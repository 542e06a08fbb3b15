/* test-parity.c
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

#include "ink-parity.h"
#include "ink-rng.h"

/* The parity report's core on two CPU backends: identical networks give
 * differences of exactly 0; a perturbed weight shows up where it must. */

#define BATCH 7

/* 784 → 32 tanh → 16 sigmoid → 10 softmax (or sigmoid with MSE), random weights */
static InkModel *
small_model (gboolean mse)
{
  InkModel *m = g_new0 (InkModel, 1);
  InkExperiment *e = ink_experiment_new_default ();
  InkRng rng;

  g_free (e->net->layers);
  e->net->n_layers = 3;
  e->net->layers = g_new0 (InkLayerSpec, 3);
  e->net->layers[0] = (InkLayerSpec) { 32, INK_ACT_TANH, 0.25f };
  e->net->layers[1] = (InkLayerSpec) { 16, INK_ACT_SIGMOID, 0.0f };
  e->net->layers[2] = (InkLayerSpec) { 10, mse ? INK_ACT_SIGMOID : INK_ACT_SOFTMAX, 0.0f };
  e->net->loss = mse ? INK_LOSS_MSE : INK_LOSS_CROSS_ENTROPY;
  m->experiment = e;
  m->norm.kind = INK_NORM_SCALE;
  m->norm.affine.scale = 1.0f / 255.0f;
  m->n_params = ink_net_spec_n_params (e->net);
  m->params = g_new (float, m->n_params);
  ink_rng_init (&rng, 5);
  for (gsize i = 0; i < m->n_params; i++)
    m->params[i] = 0.2f * (ink_rng_uniform (&rng) - 0.5f);
  return m;
}

static float *
random_batch (void)
{
  float *x = g_new (float, BATCH * 784);
  InkRng rng;

  ink_rng_init (&rng, 9);
  for (int i = 0; i < BATCH * 784; i++)
    x[i] = ink_rng_uniform (&rng);
  return x;
}

static const InkParityRow *
row_of (GPtrArray     *rows,
        int            layer,
        InkParityKind  kind)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const InkParityRow *r = g_ptr_array_index (rows, i);
      if (r->layer == layer && r->kind == kind)
        return r;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
check_identical (gboolean mse)
{
  g_autoptr(InkModel) model = small_model (mse);
  g_autoptr(InkBackend) a = ink_backend_cpu_new ();
  g_autoptr(InkBackend) b = ink_backend_cpu_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *x = random_batch ();
  const int units[3] = { 32, 16, 10 }, inputs[3] = { 784, 32, 16 };

  g_assert_true (ink_parity_compare (a, b, model, x, BATCH, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 9);
  for (guint i = 0; i < rows->len; i++)
    {
      const InkParityRow *r = g_ptr_array_index (rows, i);

      g_assert_cmpint (r->layer, ==, (int) i / 3);
      g_assert_cmpint (r->kind, ==, (InkParityKind) (i % 3));
      g_assert_cmpfloat (r->max_abs, ==, 0.0);
      g_assert_cmpfloat (r->max_rel, ==, 0.0);
    }
  for (int l = 0; l < 3; l++)
    {
      g_assert_cmpuint (row_of (rows, l, INK_PARITY_OUTPUT)->n, ==, BATCH * units[l]);
      g_assert_cmpuint (row_of (rows, l, INK_PARITY_WEIGHT_GRAD)->n, ==, units[l] * inputs[l]);
      g_assert_cmpuint (row_of (rows, l, INK_PARITY_BIAS_GRAD)->n, ==, units[l]);
    }
  g_assert_cmpstr (ink_parity_kind_to_string (INK_PARITY_WEIGHT_GRAD), ==, "weight grad");
}

static void
test_identical (void)
{
  check_identical (FALSE);
}

static void
test_identical_mse (void)
{
  check_identical (TRUE);
}

/* b's weight (layer, 0, 0) moved by `delta`; returns the rows */
static GPtrArray *
perturbed_rows (int   layer,
                float delta)
{
  g_autoptr(InkModel) model = small_model (FALSE);
  g_autoptr(InkBackend) a = ink_backend_cpu_new ();
  g_autoptr(InkBackend) b = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) na = NULL, nb = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *x = random_batch ();
  g_autofree float *params = NULL;
  GPtrArray *rows = NULL;

  na = ink_model_network (model, a, BATCH, &error);
  g_assert_no_error (error);
  nb = ink_model_network (model, b, 2 * BATCH, &error);
  g_assert_no_error (error);
  params = g_memdup2 (model->params, model->n_params * sizeof (float));
  params[nb->w_offset[layer]] += delta;
  ink_network_set_params (nb, params);

  g_assert_true (ink_parity_compare_networks (na, nb, x, BATCH, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 9);
  return rows;
}

static void
test_perturbed_hidden (void)
{
  g_autoptr(GPtrArray) rows = perturbed_rows (1, 0.05f);
  const InkParityRow *r;

  /* the layers before it compute the same outputs */
  g_assert_cmpfloat (row_of (rows, 0, INK_PARITY_OUTPUT)->max_abs, ==, 0.0);
  /* its output differs, in its first unit, and everything after it */
  r = row_of (rows, 1, INK_PARITY_OUTPUT);
  g_assert_cmpfloat (r->max_abs, >, 0.0);
  g_assert_cmpfloat (r->max_rel, >, 0.0);
  g_assert_cmpuint (r->worst % 16, ==, 0);
  g_assert_cmpfloat (fabs ((double) r->worst_a - r->worst_b), ==, r->max_abs);
  g_assert_cmpfloat (row_of (rows, 2, INK_PARITY_OUTPUT)->max_abs, >, 0.0);
  /* the output gradient is the same on both (from a's output): the last
   * bias gradient agrees, the weight gradient sees layer 1's output */
  g_assert_cmpfloat (row_of (rows, 2, INK_PARITY_BIAS_GRAD)->max_abs, ==, 0.0);
  g_assert_cmpfloat (row_of (rows, 2, INK_PARITY_WEIGHT_GRAD)->max_abs, >, 0.0);
  g_assert_cmpfloat (row_of (rows, 1, INK_PARITY_WEIGHT_GRAD)->max_abs, >, 0.0);
  g_assert_cmpfloat (row_of (rows, 0, INK_PARITY_WEIGHT_GRAD)->max_abs, >, 0.0);
}

static void
test_perturbed_output (void)
{
  g_autoptr(GPtrArray) rows = perturbed_rows (2, 0.05f);

  g_assert_cmpfloat (row_of (rows, 0, INK_PARITY_OUTPUT)->max_abs, ==, 0.0);
  g_assert_cmpfloat (row_of (rows, 1, INK_PARITY_OUTPUT)->max_abs, ==, 0.0);
  g_assert_cmpfloat (row_of (rows, 2, INK_PARITY_OUTPUT)->max_abs, >, 0.0);
  /* dW of the output layer = δᵀ·(layer 1's output): both the same */
  g_assert_cmpfloat (row_of (rows, 2, INK_PARITY_WEIGHT_GRAD)->max_abs, ==, 0.0);
  g_assert_cmpfloat (row_of (rows, 2, INK_PARITY_BIAS_GRAD)->max_abs, ==, 0.0);
  /* the gradient flows back through the changed weights */
  g_assert_cmpfloat (row_of (rows, 1, INK_PARITY_WEIGHT_GRAD)->max_abs, >, 0.0);
  g_assert_cmpfloat (row_of (rows, 0, INK_PARITY_WEIGHT_GRAD)->max_abs, >, 0.0);
}

static void
test_nan (void)
{
  g_autoptr(GPtrArray) rows = perturbed_rows (2, NAN);

  g_assert_cmpfloat (row_of (rows, 1, INK_PARITY_OUTPUT)->max_abs, ==, 0.0);
  g_assert_true (isinf (row_of (rows, 2, INK_PARITY_OUTPUT)->max_abs));
  g_assert_true (isinf (row_of (rows, 2, INK_PARITY_OUTPUT)->max_rel));
}

static void
test_errors (void)
{
  g_autoptr(InkModel) model = small_model (FALSE);
  g_autoptr(InkModel) other = small_model (FALSE);
  g_autoptr(InkBackend) a = ink_backend_cpu_new ();
  g_autoptr(InkBackend) b = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) na = NULL, nb = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *x = random_batch ();
  GPtrArray *rows = NULL;

  g_assert_false (ink_parity_compare (a, b, model, x, 0, &rows, &error));
  g_assert_error (error, INK_PARITY_ERROR, INK_PARITY_ERROR_INVALID);
  g_clear_error (&error);

  na = ink_model_network (model, a, BATCH, &error);
  g_assert_no_error (error);
  other->experiment->net->layers[1].units = 17;
  nb = ink_network_new (other->experiment->net, b, BATCH, &error);
  g_assert_no_error (error);
  g_assert_false (ink_parity_compare_networks (na, nb, x, BATCH, &rows, &error));
  g_assert_error (error, INK_PARITY_ERROR, INK_PARITY_ERROR_MISMATCH);
  g_clear_error (&error);

  g_assert_false (ink_parity_compare_networks (na, na, x, BATCH + 1, &rows, &error));
  g_assert_error (error, INK_PARITY_ERROR, INK_PARITY_ERROR_INVALID);
  g_assert_null (rows);
}

/* 1×28×28 → conv 4@3×3 ReLU (26×26) → batch norm → max-pool 2 (13×13) →
 * 10 softmax, random weights; batch norm's running variance kept positive */
static InkModel *
small_cnn (void)
{
  InkModel *m = g_new0 (InkModel, 1);
  InkExperiment *e = ink_experiment_new_default ();
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();   /* freed after the network */
  g_autoptr(InkNetwork) shapes = NULL;
  g_autoptr(GError) error = NULL;
  InkRng rng;

  g_free (e->net->layers);
  e->net->n_layers = 4;
  e->net->layers = g_new0 (InkLayerSpec, 4);
  e->net->layers[0] = (InkLayerSpec) { .kind = INK_LAYER_CONV2D, .filters = 4, .kernel_h = 3, .kernel_w = 3,
                                       .stride = 1, .padding = INK_PADDING_VALID, .activation = INK_ACT_RELU };
  e->net->layers[1] = (InkLayerSpec) { .kind = INK_LAYER_BATCH_NORM, .momentum = 0.99f, .epsilon = 1e-3f };
  e->net->layers[2] = (InkLayerSpec) { .kind = INK_LAYER_MAX_POOL, .pool_size = 2, .stride = 2 };
  e->net->layers[3] = (InkLayerSpec) { 10, INK_ACT_SOFTMAX, 0.0f };
  e->net->loss = INK_LOSS_CROSS_ENTROPY;
  m->experiment = e;
  m->norm.kind = INK_NORM_SCALE;
  m->norm.affine.scale = 1.0f / 255.0f;
  m->n_params = ink_net_spec_n_params (e->net);
  m->params = g_new (float, m->n_params);
  ink_rng_init (&rng, 5);
  for (gsize i = 0; i < m->n_params; i++)
    m->params[i] = 0.2f * (ink_rng_uniform (&rng) - 0.5f);
  shapes = ink_network_new (e->net, be, 1, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < shapes->shape[1].n_state; i++)
    m->params[shapes->s_offset[1] + i] = 0.5f + ink_rng_uniform (&rng);
  return m;
}

/* a CNN's rows count what each layer holds: conv outputs C×H×W per image,
 * weights out×in×kh×kw; batch norm γ and β; the pooling only its output */
static void
test_cnn (void)
{
  g_autoptr(InkModel) model = small_cnn ();
  g_autoptr(InkBackend) a = ink_backend_cpu_new ();
  g_autoptr(InkBackend) b = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) na = NULL, nb = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) moved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *x = random_batch ();
  g_autofree float *params = NULL;
  const gsize n_out[4] = { 4 * 26 * 26, 4 * 26 * 26, 4 * 13 * 13, 10 };

  g_assert_true (ink_parity_compare (a, b, model, x, BATCH, &rows, &error));
  g_assert_no_error (error);
  /* conv 3 rows, batch norm 3, pool 1, dense 3 */
  g_assert_cmpuint (rows->len, ==, 10);
  for (int l = 0; l < 4; l++)
    g_assert_cmpuint (row_of (rows, l, INK_PARITY_OUTPUT)->n, ==, BATCH * n_out[l]);
  g_assert_cmpuint (row_of (rows, 0, INK_PARITY_WEIGHT_GRAD)->n, ==, 4 * 1 * 3 * 3);
  g_assert_cmpuint (row_of (rows, 0, INK_PARITY_BIAS_GRAD)->n, ==, 4);
  g_assert_cmpuint (row_of (rows, 1, INK_PARITY_WEIGHT_GRAD)->n, ==, 4);
  g_assert_cmpuint (row_of (rows, 1, INK_PARITY_BIAS_GRAD)->n, ==, 4);
  g_assert_cmpuint (row_of (rows, 3, INK_PARITY_WEIGHT_GRAD)->n, ==, 10 * 4 * 13 * 13);
  g_assert_cmpuint (row_of (rows, 3, INK_PARITY_BIAS_GRAD)->n, ==, 10);
  for (guint i = 0; i < rows->len; i++)
    {
      const InkParityRow *r = g_ptr_array_index (rows, i);

      g_assert_cmpfloat (r->max_abs, ==, 0.0);
      if (r->kind == INK_PARITY_OUTPUT)
        g_assert_cmpuint (r->layer, ==, i == 0 ? 0 : i == 3 ? 1 : i == 6 ? 2 : 3);
    }

  /* one filter tap moved: every output from the convolution on differs,
   * and the first filter's maps only (the worst element lies in them) */
  na = ink_model_network (model, a, BATCH, &error);
  g_assert_no_error (error);
  nb = ink_model_network (model, b, BATCH, &error);
  g_assert_no_error (error);
  params = g_memdup2 (model->params, model->n_params * sizeof (float));
  params[nb->w_offset[0]] += 0.05f;
  ink_network_set_params (nb, params);
  g_assert_true (ink_parity_compare_networks (na, nb, x, BATCH, &moved, &error));
  g_assert_no_error (error);
  for (int l = 0; l < 4; l++)
    g_assert_cmpfloat (row_of (moved, l, INK_PARITY_OUTPUT)->max_abs, >, 0.0);
  g_assert_cmpuint (row_of (moved, 0, INK_PARITY_OUTPUT)->worst % (4 * 26 * 26), <, 26 * 26);
  g_assert_cmpfloat (row_of (moved, 0, INK_PARITY_WEIGHT_GRAD)->max_abs, >, 0.0);
}

/* ink_net_spec_same_network: what the forward pass computes counts (the
 * leaky-ReLU slope included), what only training uses does not */
static void
test_same_network (void)
{
  g_autoptr(InkModel) model = small_model (FALSE);
  g_autoptr(InkModel) other = small_model (FALSE);
  InkNetSpec *a = model->experiment->net, *b = other->experiment->net;

  g_assert_true (ink_net_spec_same_network (a, b));
  b->layers[0].dropout = 0.5f;
  b->input_dropout = 0.1f;
  b->init = INK_INIT_HE_NORMAL;
  g_assert_true (ink_net_spec_same_network (a, b));
  b->leaky_slope = a->leaky_slope * 2.0f;
  g_assert_false (ink_net_spec_same_network (a, b));
  b->leaky_slope = a->leaky_slope;
  b->layers[1].activation = INK_ACT_RELU;
  g_assert_false (ink_net_spec_same_network (a, b));
  b->layers[1].activation = a->layers[1].activation;
  b->loss = INK_LOSS_MSE;
  g_assert_false (ink_net_spec_same_network (a, b));
  b->loss = a->loss;
  b->n_layers = 2;
  g_assert_false (ink_net_spec_same_network (a, b));
  b->n_layers = a->n_layers;
  b->layers[2].units = 11;
  g_assert_false (ink_net_spec_same_network (a, b));
  b->layers[2].units = a->layers[2].units;
  b->n_inputs = 783;
  g_assert_false (ink_net_spec_same_network (a, b));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/parity/identical", test_identical);
  g_test_add_func ("/parity/identical-mse", test_identical_mse);
  g_test_add_func ("/parity/perturbed-hidden", test_perturbed_hidden);
  g_test_add_func ("/parity/perturbed-output", test_perturbed_output);
  g_test_add_func ("/parity/nan", test_nan);
  g_test_add_func ("/parity/cnn", test_cnn);
  g_test_add_func ("/parity/errors", test_errors);
  g_test_add_func ("/parity/same-network", test_same_network);
  return g_test_run ();
}
