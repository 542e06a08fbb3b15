/* test-preflight.c
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

#include <string.h>

#include "ink-backend-cuda.h"
#include "ink-layers-cpu.h"
#include "ink-preflight.h"

/* The memory plan against hand-computed sizes, and the pre-flight check on a
 * fake device whose mem_info reports what the test says. */

static InkExperiment *
keras (void)
{
  g_autoptr(GError) error = NULL;
  InkExperiment *exp = ink_experiment_preset ("keras-mnist-mlp", &error);

  g_assert_no_error (error);
  return exp;
}

/* keras-mnist-mlp: 784-512(relu, dropout)-512(relu, dropout)-10(softmax),
 * RMSprop, batch 128, official split, on MNIST (60000 + 10000 images) */
static void
test_plan_keras (void)
{
  g_autoptr(InkExperiment) exp = keras ();
  InkMemoryPlan p;
  /* n_params = 784·512+512 + 512·512+512 + 512·10+10 */
  const guint64 n_params = 401920 + 262656 + 5130;
  /* per row (500 rows, the evaluation batch, > 128): two hidden layers with
   * act, delta, mask (3 × 512 floats each), the output's act and delta (2 × 10),
   * the input batch (784 floats), the label (int32) */
  const guint64 per_row = 2 * 3 * 512 * 4 + 2 * 10 * 4 + 784 * 4 + 4;

  g_assert_cmpuint (n_params, ==, 669706);
  g_assert_cmpuint (per_row, ==, 15508);

  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.params, ==, 5357648);              /* 2 × n_params × 4 */
  g_assert_cmpuint (p.optimizer_state, ==, 2678824);     /* RMSprop: 1 × n_params × 4 */
  g_assert_cmpuint (p.activations, ==, 500 * per_row + 32);   /* + 2 accumulators of 2 doubles */
  g_assert_cmpuint (p.activations, ==, 7754032);
  /* 70000 images of 784 + 1 bytes; indices: train 60000, valid = test 10000, test 10000 */
  g_assert_cmpuint (p.dataset, ==, 54950000 + 80000 * 4);
  g_assert_cmpuint (p.workspace, ==, 0);
  g_assert_cmpuint (p.total, ==, 71060504);
  g_assert_cmpuint (p.device_free, ==, 0);
  g_assert_cmpuint (p.device_total, ==, 0);

  ink_memory_plan (exp, 60000, 10000, 784, TRUE, &p);
  g_assert_cmpuint (p.workspace, ==, 32 * 1024 * 1024);
  g_assert_cmpuint (p.total, ==, 71060504 + 33554432);

  /* above the evaluation batch the training batch sets the rows */
  exp->batch_size = 1000;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.activations, ==, 1000 * per_row + 32);
  exp->batch_size = 1;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.activations, ==, 500 * per_row + 32);
}

/* keras-mnist-cnn: the image layers count by their C×H×W outputs, not
 * `units`.  Per row (500 rows): conv 32×26×26 = 21632 and conv 64×24×24 =
 * 36864 floats, act + delta each; the max-pool's 64×12×12 = 9216 with act,
 * delta, dropout mask and argmax; dense 128 with act, delta, mask; the
 * output's 10 act + delta; the input (784 floats), the label.  Once: the
 * conv2d workspace, the larger of the two paths' (ink-layers-cpu.c) for
 * the larger layer: the second conv's oneDNN arena, 71 samples of blocked
 * input and output (32·26·26 + 64·24·24 = 58496 floats each) within 4 Mi
 * floats, with its blocked and plain weights (2 × (64·32·9 + 64)) and 128
 * floats of alignment = 4190336 floats (im2col's: the first conv's 151
 * samples of (1·3·3 + 32) × 26·26 columns and staging, 4185116); and the
 * accumulators.  Adadelta keeps two states. */
static void
test_plan_cnn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_experiment_preset ("keras-mnist-cnn", &error);
  InkMemoryPlan p;
  const guint64 n_params = 1199882;
  const guint64 per_row = (21632 + 36864) * 2 * 4 + 9216 * 4 * 4 + 128 * 3 * 4 + 10 * 2 * 4 +
                          784 * 4 + 4;
  const guint64 col = (71 * 58496 + 2 * 18496 + 128) * 4;

  g_assert_no_error (error);
  g_assert_cmpuint (per_row, ==, 620180);
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.params, ==, 2 * n_params * 4);
  g_assert_cmpuint (p.optimizer_state, ==, 2 * n_params * 4);
  g_assert_cmpuint (p.activations, ==, 500 * per_row + col + 32);
  g_assert_cmpuint (p.activations, ==, 326851376);
  g_assert_cmpuint (p.total, ==, p.params + p.optimizer_state + p.activations + p.dataset);

  /* batch 1000: the rows follow the batch, the scratch does not */
  exp->batch_size = 1000;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.activations, ==, 1000 * per_row + col + 32);
}

/* One layer's part of the plan (the layer editor's per-row figure): its
 * parameters with gradients and Adadelta's two states, and its buffers for
 * 500 rows; the layers' parts and the input batch, the shared conv2d
 * workspace and the accumulators add up to the plan. */
static void
test_plan_layer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_experiment_preset ("keras-mnist-cnn", &error);
  InkMemoryPlan p;
  guint64 sum = 0;

  g_assert_no_error (error);
  /* conv 32 3×3: 320 parameters, 32×26×26 outputs (act, delta) */
  g_assert_cmpuint (ink_memory_plan_layer (exp, 0), ==, 4 * 320 * 4 + 500 * (21632 * 2 * 4));
  /* max-pool with dropout: no parameters; act, delta, mask, argmax */
  g_assert_cmpuint (ink_memory_plan_layer (exp, 2), ==, 500 * (9216 * 4 * 4));
  /* dense 128 after the flatten */
  g_assert_cmpuint (ink_memory_plan_layer (exp, 3), ==, 4 * 1179776 * 4 + 500 * (128 * 3 * 4));
  ink_memory_plan (exp, 0, 0, 784, FALSE, &p);
  for (int l = 0; l < exp->net->n_layers; l++)
    sum += ink_memory_plan_layer (exp, l);
  /* the conv2d workspace, shared: the larger of the two paths' needs for
   * the widest layer.  im2col lowers the first convolution's
   * (1·3·3 + 32) × 26·26 = 27,716 floats a sample, 151 samples within 4 Mi
   * floats; oneDNN's share (ink_conv2d_col_size) may exceed that */
  InkConvGeom g1 = { .channels = 1, .height = 28, .width = 28, .filters = 32,
                     .kernel_h = 3, .kernel_w = 3, .stride = 1, .out_h = 26, .out_w = 26 };
  InkConvGeom g2 = { .channels = 32, .height = 26, .width = 26, .filters = 64,
                     .kernel_h = 3, .kernel_w = 3, .stride = 1, .out_h = 24, .out_w = 24 };
  guint64 col = MAX (ink_conv2d_col_size (&g1, 500), ink_conv2d_col_size (&g2, 500));

  g_assert_cmpuint (ink_conv2d_chunk (&g1, 500), ==, 151);
  g_assert_cmpuint (col, >=, 151 * 27716);
  g_assert_cmpuint (sum + 500 * (784 * 4 + 4) + col * 4 + 32, ==,
                    p.params + p.optimizer_state + p.activations);

  /* geometry that cannot work: nothing to count */
  exp->net->layers[1].kernel_h = exp->net->layers[1].kernel_w = 30;
  g_assert_cmpuint (ink_memory_plan_layer (exp, 0), ==, 0);
}

/* A CUDA run's plan counts the CUDA backend's conv2d workspace, which
 * lowers up to 16 Mi floats of samples at a time: for keras-mnist-cnn's
 * 500 rows, the whole batch of the first convolution (500 × 27,716 floats)
 * and 82 samples of the second ((32·9 + 64) × 24·24 = 202,752 floats each,
 * 16,625,664 in all, the larger).  Everything else in the activations is
 * the CPU plan's. */
static void
test_plan_cuda_conv_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_experiment_preset ("keras-mnist-cnn", &error);
  InkConvGeom g1 = { .channels = 1, .height = 28, .width = 28, .filters = 32,
                     .kernel_h = 3, .kernel_w = 3, .stride = 1, .out_h = 26, .out_w = 26 };
  InkConvGeom g2 = { .channels = 32, .height = 26, .width = 26, .filters = 64,
                     .kernel_h = 3, .kernel_w = 3, .stride = 1, .out_h = 24, .out_w = 24 };
  guint64 cpu_col = MAX (ink_conv2d_col_size (&g1, 500), ink_conv2d_col_size (&g2, 500));
  InkMemoryPlan cpu, cuda;

  g_assert_no_error (error);
  g_assert_cmpuint (ink_cuda_conv2d_col_size (&g1, 500), ==, 500 * 27716);
  g_assert_cmpuint (ink_cuda_conv2d_col_size (&g2, 500), ==, 82 * 202752);
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &cpu);
  ink_memory_plan (exp, 60000, 10000, 784, TRUE, &cuda);
  g_assert_cmpuint (cpu_col, <, 16625664);
  g_assert_cmpuint (cuda.activations, ==, cpu.activations - cpu_col * 4 + (guint64) 16625664 * 4);
  g_assert_cmpuint (cuda.total - cuda.workspace, ==,
                    cpu.total + (guint64) (16625664 - cpu_col) * 4);
}

/* batch norm keeps x̂ per output and 1/σ per channel; an average pool only
 * act and delta; "same" padding keeps 28×28.  conv 4×28×28 = 3136 (act,
 * delta), batch-norm 3136 (act, delta, x̂), avg-pool 4×14×14 = 784 (act,
 * delta), dense 10, input 784, label; once: the conv2d workspace, oneDNN's
 * arena for 167 samples of blocked input and output (channels padded to
 * 16: 16·28·28 × 2 = 25088 floats each) within 4 Mi floats with the blocked
 * weights (16·16·9 + 16), the plain ones (4·9 + 4) and 128 floats of
 * alignment, 4 channels of 1/σ, the accumulators */
static void
test_plan_batch_norm (void)
{
  static const char json[] =
    "{\"network\": {\"inputs\": 784, \"layers\": ["
    "{\"type\": \"conv2d\", \"filters\": 4, \"kernel\": 3, \"padding\": \"same\", \"activation\": \"relu\"},"
    "{\"type\": \"batch-norm\"},"
    "{\"type\": \"avg-pool\", \"size\": 2, \"stride\": 2},"
    "{\"units\": 10, \"activation\": \"softmax\"}]},"
    " \"optimizer\": {\"kind\": \"sgd\"}, \"training\": {\"batch_size\": 128}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_experiment_from_json (json, -1, &error);
  InkMemoryPlan p;
  const guint64 per_row = 3136 * 2 * 4 + 3136 * 3 * 4 + 784 * 2 * 4 + 10 * 2 * 4 + 784 * 4 + 4;

  g_assert_no_error (error);
  g_assert_cmpuint (per_row, ==, 72212);
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  /* conv 4·9 + 4, batch norm 4 + 4 + 8 running statistics, dense 784·10 + 10 */
  g_assert_cmpuint (p.params, ==, 2 * (40 + 16 + 7850) * 4);
  g_assert_cmpuint (p.optimizer_state, ==, 0);
  g_assert_cmpuint (p.activations, ==, 500 * per_row + (167 * 25088 + 2320 + 40 + 128) * 4 + 4 * 4 + 32);
}

static void
test_plan_variants (void)
{
  g_autoptr(InkExperiment) exp = keras ();
  InkMemoryPlan p;
  const guint64 n_params = 669706;

  exp->optimizer.kind = INK_OPT_SGD;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.optimizer_state, ==, 0);
  exp->optimizer.kind = INK_OPT_ADAM;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.optimizer_state, ==, 2 * n_params * 4);
  exp->optimizer.kind = INK_OPT_MOMENTUM;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.optimizer_state, ==, n_params * 4);

  /* tanh with dropout keeps its pre-dropout output; input dropout keeps a
   * mask and the dropped-out input */
  exp->net->layers[0].activation = INK_ACT_TANH;
  exp->net->input_dropout = 0.2f;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.activations, ==,
                    500 * (4 * 512 * 4 + 3 * 512 * 4 + 2 * 10 * 4 + 2 * 784 * 4 + 784 * 4 + 4) + 32);

  /* splits and subsets change the index lists only */
  exp->split.kind = INK_SPLIT_RANDOM;
  exp->split.valid_fraction = 0.2;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.dataset, ==, 54950000 + (48000 + 12000 + 10000) * 4);
  exp->split.kind = INK_SPLIT_FIXED;
  exp->split.n_train = 50000;
  exp->split.n_valid = 5000;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.dataset, ==, 54950000 + (50000 + 5000 + 10000) * 4);
  exp->split.subset = 1000;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.dataset, ==, 54950000 + 3000 * 4);
}

/* ---- the check, on a CPU backend that pretends to report device memory */

static gsize fake_free, fake_total;
static gboolean fake_ok;

static gboolean
fake_mem_info (InkBackend *be,
               gsize      *free_bytes,
               gsize      *total_bytes)
{
  (void) be;
  *free_bytes = fake_free;
  *total_bytes = fake_total;
  return fake_ok;
}

typedef struct
{
  InkBackend          *be;
  const InkBackendOps *real_ops;
  InkBackendOps        ops;
} Fake;

static void
fake_init (Fake *f)
{
  f->be = ink_backend_cpu_new ();
  f->real_ops = f->be->ops;
  f->ops = *f->real_ops;
  f->ops.name = "cuda";
  f->ops.mem_info = fake_mem_info;
  f->be->ops = &f->ops;
  fake_ok = TRUE;
}

static void
fake_clear (Fake *f)
{
  f->be->ops = f->real_ops;
  ink_backend_free (f->be);
}

static void
assert_mentions (const char *msg,
                 const char *needle)
{
  if (strstr (msg, needle) == NULL)
    g_error ("“%s” does not mention “%s”", msg, needle);
}

static void
test_check_cpu (void)
{
  g_autoptr(InkExperiment) exp = keras ();
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(GError) error = NULL;
  guint suggested = 0;

  /* no mem_info: nothing to compare with, the check passes */
  g_assert_null (be->ops->mem_info);
  g_assert_true (ink_preflight_check (be, exp, 60000, 10000, 784, &suggested, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (suggested, ==, 128);
}

static void
test_check_fits (void)
{
  g_autoptr(InkExperiment) exp = keras ();
  g_autoptr(GError) error = NULL;
  guint suggested = 0;
  Fake f;

  fake_init (&f);
  fake_free = 200000000;
  fake_total = 1000000000;
  g_assert_true (ink_preflight_check (f.be, exp, 60000, 10000, 784, &suggested, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (suggested, ==, 128);

  /* exactly enough: the workspace is already out of the free memory */
  fake_free = 71060504;
  g_assert_true (ink_preflight_check (f.be, exp, 60000, 10000, 784, NULL, &error));
  g_assert_no_error (error);
  fake_free = 71060503;
  g_assert_false (ink_preflight_check (f.be, exp, 60000, 10000, 784, NULL, &error));
  g_assert_error (error, INK_PREFLIGHT_ERROR, INK_PREFLIGHT_ERROR_NO_MEMORY);
  g_clear_error (&error);

  /* a failed query cannot refuse the run */
  fake_free = 1;
  fake_ok = FALSE;
  g_assert_true (ink_preflight_check (f.be, exp, 60000, 10000, 784, NULL, &error));
  g_assert_no_error (error);
  fake_clear (&f);
}

static void
test_check_shortfall (void)
{
  g_autoptr(InkExperiment) exp = keras ();
  g_autoptr(GError) error = NULL;
  guint suggested = 0;
  InkMemoryPlan p;
  Fake f;

  fake_init (&f);
  exp->batch_size = 2048;
  fake_free = 80000000;
  fake_total = 80000000000;
  g_assert_false (ink_preflight_check (f.be, exp, 60000, 10000, 784, &suggested, &error));
  g_assert_error (error, INK_PREFLIGHT_ERROR, INK_PREFLIGHT_ERROR_NO_MEMORY);
  g_test_message ("%s", error->message);

  /* (80000000 - 63306504 fixed) / 15508 per row */
  g_assert_cmpuint (suggested, ==, 1076);
  exp->batch_size = 1076;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.total, <=, fake_free);
  exp->batch_size = 1077;
  ink_memory_plan (exp, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.total, >, fake_free);

  /* needed 63306504 + 2048 × 15508 bytes, free, total, the batch, the CPU */
  assert_mentions (error->message, "95.1 MB");
  assert_mentions (error->message, "80.0 MB");
  assert_mentions (error->message, "80000.0 MB");
  assert_mentions (error->message, "--batch-size 1076");
  assert_mentions (error->message, "--device cpu");
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  /* at 500 rows or fewer nothing shrinks: no batch size fits */
  exp->batch_size = 128;
  fake_free = 70000000;
  g_assert_false (ink_preflight_check (f.be, exp, 60000, 10000, 784, &suggested, &error));
  g_assert_error (error, INK_PREFLIGHT_ERROR, INK_PREFLIGHT_ERROR_NO_MEMORY);
  g_assert_cmpuint (suggested, ==, 0);
  assert_mentions (error->message, "70.0 MB");
  assert_mentions (error->message, "71.1 MB");
  assert_mentions (error->message, "--device cpu");
  g_assert_null (strstr (error->message, "--batch-size"));
  g_clear_error (&error);

  /* less than the parameters and data alone */
  exp->batch_size = 4096;
  fake_free = 60000000;
  g_assert_false (ink_preflight_check (f.be, exp, 60000, 10000, 784, &suggested, &error));
  g_assert_cmpuint (suggested, ==, 0);
  assert_mentions (error->message, "--device cpu");
  g_clear_error (&error);
  fake_clear (&f);
}

/* the warning before a CPU run that takes most of the available memory */
static void
test_host_warning (void)
{
  g_autoptr(InkExperiment) e = ink_experiment_preset ("keras-mnist-mlp", NULL);
  InkMemoryPlan p;
  guint64 need;
  g_autofree char *none = NULL, *warn = NULL;

  ink_memory_plan (e, 60000, 10000, 784, FALSE, &p);
  g_assert_cmpuint (p.host, ==, 2 * 669706 * 4);
  need = p.total - p.dataset + p.host;
  /* comfortably inside: no warning */
  none = ink_preflight_host_warning_for (e, 60000, 10000, 784, need * 2, need * 4);
  g_assert_null (none);
  /* 90% of what is available: a warning with the numbers */
  warn = ink_preflight_host_warning_for (e, 60000, 10000, 784, (guint64) (need / 0.9), need * 4);
  g_assert_nonnull (warn);
  g_assert_nonnull (strstr (warn, "90%"));
  g_assert_nonnull (strstr (warn, "GB"));
  /* more than there is: the pre-flight check's refusal, not a warning */
  g_assert_null (ink_preflight_host_warning_for (e, 60000, 10000, 784, need / 2, need * 4));
  /* a machine that does not say: nothing */
  g_assert_null (ink_preflight_host_warning_for (e, 60000, 10000, 784, 0, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/preflight/plan-keras", test_plan_keras);
  g_test_add_func ("/preflight/plan-variants", test_plan_variants);
  g_test_add_func ("/preflight/plan-cnn", test_plan_cnn);
  g_test_add_func ("/preflight/plan-batch-norm", test_plan_batch_norm);
  g_test_add_func ("/preflight/plan-layer", test_plan_layer);
  g_test_add_func ("/preflight/plan-cuda-conv-workspace", test_plan_cuda_conv_workspace);
  g_test_add_func ("/preflight/check-cpu", test_check_cpu);
  g_test_add_func ("/preflight/check-fits", test_check_fits);
  g_test_add_func ("/preflight/check-shortfall", test_check_shortfall);
  g_test_add_func ("/preflight/host-warning", test_host_warning);
  return g_test_run ();
}
