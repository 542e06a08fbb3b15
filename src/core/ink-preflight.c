/* ink-preflight.c
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

/* The memory plan of a run and the pre-flight checks against device and
 * host memory. */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ink-backend-cuda.h"
#include "ink-layers-cpu.h"
#include "ink-preflight.h"

G_DEFINE_QUARK (ink-preflight-error-quark, ink_preflight_error)

#define F32 ((guint64) sizeof (float))

/* The plan mirrors the allocations of ink_network_new, ink_optimizer_new and
 * ink_trainer_new: keep them in step. */

/* Each layer's outputs per sample (C×H×W for an image layer, units for a
 * dense one), from shape inference; NULL when the spec has no valid shapes
 * (then only dense units count, as the spec says them). */
static InkLayerShape *
layer_shapes (const InkNetSpec *spec)
{
  InkLayerShape *shapes;

  if (spec->n_layers < 1)
    return NULL;
  shapes = g_new0 (InkLayerShape, spec->n_layers);
  if (!ink_net_spec_shapes (spec, shapes, NULL))
    g_clear_pointer (&shapes, g_free);
  return shapes;
}

/* Bytes of one layer's batch-sized buffers per row of the batch, for n
 * outputs per sample. */
static guint64
layer_bytes_per_row (const InkLayerSpec *ls,
                     guint64             n)
{
  guint64 buffers = 2;                          /* act, delta */

  if (ls->dropout > 0.0f)
    {
      buffers++;                                /* mask */
      if (ls->activation == INK_ACT_SIGMOID || ls->activation == INK_ACT_TANH)
        buffers++;                              /* the pre-dropout output */
    }
  if (ls->kind == INK_LAYER_MAX_POOL)
    buffers++;                                  /* the argmax indices (int32) */
  if (ls->kind == INK_LAYER_BATCH_NORM)
    buffers++;                                  /* the normalized input x̂ */
  return buffers * n * F32;
}

/* Bytes of the batch-sized buffers per row of the batch. */
static guint64
activation_bytes_per_row (const InkNetSpec *spec,
                          guint             dim)
{
  g_autofree InkLayerShape *shapes = layer_shapes (spec);
  guint64 bytes = 0;

  for (int l = 0; l < spec->n_layers; l++)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      guint64 n = shapes != NULL ? shapes[l].n_outputs : (guint64) MAX (ls->units, 0);

      bytes += layer_bytes_per_row (ls, n);
    }
  if (spec->input_dropout > 0.0f)
    bytes += 2 * (guint64) MAX (spec->n_inputs, 0) * F32;   /* input mask, dropped input */
  bytes += (guint64) dim * F32;                 /* the gathered input batch */
  bytes += sizeof (gint32);                     /* its labels */

  return bytes;
}

/* the two loss accumulators (2 doubles each) */
#define ACCUMULATOR_BYTES (2 * 2 * (guint64) sizeof (double))

/* What the layers hold besides the per-row buffers: the conv2d workspace
 * (the largest layer's, shared: what the backend's conv2d_workspace asks
 * for, ink_conv2d_col_size on the CPU, ink_cuda_conv2d_col_size for CUDA,
 * which lowers more samples at a time) and batch norm's 1/σ per channel.
 * rows: the network's batch capacity (at least INK_EVAL_BATCH, as the
 * trainer and evaluation allocate it). */
static guint64
activation_fixed_bytes (const InkNetSpec *spec,
                        gboolean          cuda,
                        guint64           rows)
{
  g_autofree InkLayerShape *shapes = layer_shapes (spec);
  guint64 col = 0, bytes = 0;

  if (shapes == NULL)
    return 0;
  rows = MAX (rows, INK_EVAL_BATCH);
  for (int l = 0; l < spec->n_layers; l++)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      const InkLayerShape *sh = &shapes[l];

      if (ls->kind == INK_LAYER_CONV2D)
        {
          InkConvGeom g = ink_conv_geom_from_shape (ls, sh);
          int max_batch = (int) MIN (rows, G_MAXINT);

          col = MAX (col, cuda ? ink_cuda_conv2d_col_size (&g, max_batch)
                               : ink_conv2d_col_size (&g, max_batch));
        }
      else if (ls->kind == INK_LAYER_BATCH_NORM)
        bytes += (guint64) sh->channels * F32;
    }
  return bytes + col * F32;
}

/* The index lists the trainer uploads (ink_split_new's counts; at least one
 * entry each). */
static guint64
index_bytes (const InkSplitSpec *split,
             guint               n_train_images,
             guint               n_test_images)
{
  guint64 n_train, n_valid, n_test = n_test_images;

  switch (split->kind)
    {
    case INK_SPLIT_FIXED:
      n_valid = MIN (split->n_valid, n_train_images);
      n_train = split->n_train != 0 ? split->n_train : n_train_images - n_valid;
      break;
    case INK_SPLIT_RANDOM:
      {
        double f = CLAMP (split->valid_fraction, 0.0, 1.0);

        n_valid = MIN ((guint64) floor (f * n_train_images + 0.5), n_train_images);
        n_train = n_train_images - n_valid;
      }
      break;
    case INK_SPLIT_OFFICIAL:
    default:
      n_train = n_train_images;
      n_valid = n_test_images;
      break;
    }
  if (split->subset > 0)
    {
      n_train = MIN (n_train, split->subset);
      n_valid = MIN (n_valid, split->subset);
      n_test = MIN (n_test, split->subset);
    }

  return (MAX (n_train, 1) + MAX (n_valid, 1) + MAX (n_test, 1)) * sizeof (guint32);
}

static void
plan_for_rows (const InkExperiment *exp,
               guint                n_train_images,
               guint                n_test_images,
               guint                image_dim,
               gboolean             cuda,
               guint64              rows,
               InkMemoryPlan       *plan)
{
  guint64 n_params = ink_net_spec_n_params (exp->net);

  memset (plan, 0, sizeof *plan);
  plan->params = 2 * n_params * F32;
  plan->optimizer_state = ink_optimizer_spec_n_buffers (&exp->optimizer) * n_params * F32;
  plan->activations = rows * activation_bytes_per_row (exp->net, image_dim) +
                      activation_fixed_bytes (exp->net, cuda, rows) + ACCUMULATOR_BYTES;
  plan->dataset = ((guint64) n_train_images + n_test_images) * ((guint64) image_dim + 1) +
                  index_bytes (&exp->split, n_train_images, n_test_images);
  plan->workspace = cuda ? INK_CUDA_WORKSPACE_BYTES : 0;
  plan->total = plan->params + plan->optimizer_state + plan->activations +
                plan->dataset + plan->workspace;
  plan->host = 2 * n_params * F32;
}

void
ink_memory_plan (const InkExperiment *exp,
                 guint                n_train_images,
                 guint                n_test_images,
                 guint                image_dim,
                 gboolean             cuda,
                 InkMemoryPlan       *plan)
{
  g_return_if_fail (exp != NULL && exp->net != NULL);
  g_return_if_fail (plan != NULL);

  plan_for_rows (exp, n_train_images, n_test_images, image_dim, cuda,
                 MAX ((guint64) exp->batch_size, INK_EVAL_BATCH), plan);
}

guint64
ink_memory_plan_layer (const InkExperiment *exp,
                       int                  layer)
{
  g_autofree InkLayerShape *shapes = NULL;
  const InkLayerShape *sh;
  guint64 n_params, rows;

  g_return_val_if_fail (exp != NULL && exp->net != NULL, 0);
  g_return_val_if_fail (layer >= 0 && layer < exp->net->n_layers, 0);

  shapes = layer_shapes (exp->net);
  if (shapes == NULL)
    return 0;
  sh = &shapes[layer];
  n_params = sh->n_weights + sh->n_biases + sh->n_state;
  rows = MAX ((guint64) exp->batch_size, INK_EVAL_BATCH);
  return (2 + ink_optimizer_spec_n_buffers (&exp->optimizer)) * n_params * F32 +
         rows * layer_bytes_per_row (&exp->net->layers[layer], sh->n_outputs);
}

static double
mb (guint64 bytes)
{
  return (double) bytes / 1e6;
}

/* MemAvailable and MemTotal from /proc/meminfo (Linux); FALSE elsewhere */
static gboolean
host_mem_info (gsize *avail, gsize *total)
{
  g_autofree char *text = NULL;
  const char *a, *t;

  if (!g_file_get_contents ("/proc/meminfo", &text, NULL, NULL))
    return FALSE;
  a = strstr (text, "MemAvailable:");
  t = strstr (text, "MemTotal:");
  if (a == NULL || t == NULL)
    return FALSE;
  *avail = (gsize) g_ascii_strtoull (a + strlen ("MemAvailable:"), NULL, 10) * 1024;
  *total = (gsize) g_ascii_strtoull (t + strlen ("MemTotal:"), NULL, 10) * 1024;
  return *avail > 0;
}

gboolean
ink_preflight_check (InkBackend          *be,
                     const InkExperiment *exp,
                     guint                n_train,
                     guint                n_test,
                     guint                dim,
                     guint               *suggested_batch,
                     GError             **error)
{
  InkMemoryPlan plan, fixed;
  gsize free_bytes = 0, total_bytes = 0;
  guint64 need, per_row, largest = 0;
  g_autofree char *advice = NULL;

  g_return_val_if_fail (be != NULL && be->ops != NULL, FALSE);
  g_return_val_if_fail (exp != NULL && exp->net != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (suggested_batch != NULL)
    *suggested_batch = exp->batch_size;
  if (be->ops->mem_info == NULL)
    {
      /* the CPU: the dataset is already in memory; the rest must fit in
       * what the machine has available, or the run would be killed */
      if (!host_mem_info (&free_bytes, &total_bytes))
        return TRUE;
      ink_memory_plan (exp, n_train, n_test, dim, FALSE, &plan);
      need = plan.total - plan.dataset + plan.host;
      if (need <= free_bytes)
        return TRUE;
      plan_for_rows (exp, n_train, n_test, dim, FALSE, 0, &fixed);
      per_row = activation_bytes_per_row (exp->net, dim);
      if (fixed.total - fixed.dataset + fixed.host < free_bytes && per_row > 0)
        largest = (free_bytes - (fixed.total - fixed.dataset + fixed.host)) / per_row;
      if (largest < INK_EVAL_BATCH)
        largest = 0;
      largest = MIN (largest, exp->batch_size > 0 ? exp->batch_size - 1 : 0);
      if (suggested_batch != NULL)
        *suggested_batch = (guint) largest;
      g_set_error (error, INK_PREFLIGHT_ERROR, INK_PREFLIGHT_ERROR_NO_MEMORY,
                   _("not enough memory: batch size %u needs %.1f MB (parameters and gradients %.1f, "
                     "optimizer state %.1f, activations %.1f, copies of the weights %.1f MB) but only "
                     "%.1f MB of %.1f MB are available; %s"),
                   exp->batch_size, mb (need), mb (plan.params), mb (plan.optimizer_state),
                   mb (plan.activations), mb (plan.host), mb (free_bytes), mb (total_bytes),
                   largest > 0 ? _("use a smaller batch size or a smaller network")
                               : _("use a smaller network"));
      return FALSE;
    }
  if (!be->ops->mem_info (be, &free_bytes, &total_bytes))
    {
      g_debug ("pre-flight check skipped: %s could not report its free memory",
               be->device_name != NULL ? be->device_name : be->ops->name);
      return TRUE;
    }

  /* the workspace was reserved with the backend: free_bytes excludes it */
  ink_memory_plan (exp, n_train, n_test, dim, ink_backend_is_cuda (be), &plan);
  need = plan.total - plan.workspace;
  if (need <= free_bytes)
    return TRUE;

  /* need (rows) = fixed + per_row · rows, with rows = max (batch, INK_EVAL_BATCH) */
  plan_for_rows (exp, n_train, n_test, dim, FALSE, 0, &fixed);
  per_row = activation_bytes_per_row (exp->net, dim);
  if (fixed.total < free_bytes && per_row > 0)
    largest = (free_bytes - fixed.total) / per_row;
  if (largest < INK_EVAL_BATCH)
    largest = 0;              /* below INK_EVAL_BATCH rows nothing shrinks */
  largest = MIN (largest, exp->batch_size > 0 ? exp->batch_size - 1 : 0);

  if (suggested_batch != NULL)
    *suggested_batch = (guint) largest;
  if (largest > 0)
    advice = g_strdup_printf (_("a batch size of at most %u fits (--batch-size %u), "
                                "or train on the CPU with --device cpu"),
                              (guint) largest, (guint) largest);
  else
    advice = g_strdup (_("even the smallest batch does not fit: train on the CPU with --device cpu"));

  g_set_error (error, INK_PREFLIGHT_ERROR, INK_PREFLIGHT_ERROR_NO_MEMORY,
               _("not enough memory on %s: batch size %u needs %.1f MB (parameters and "
                 "gradients %.1f, optimizer state %.1f, activations %.1f, dataset %.1f MB) "
                 "but only %.1f MB of %.1f MB are free; %s"),
               be->device_name != NULL ? be->device_name : be->ops->name,
               exp->batch_size, mb (need), mb (plan.params), mb (plan.optimizer_state),
               mb (plan.activations), mb (plan.dataset), mb (free_bytes), mb (total_bytes),
               advice);
  return FALSE;
}

char *
ink_preflight_host_warning_for (const InkExperiment *exp,
                                guint                n_train,
                                guint                n_test,
                                guint                dim,
                                guint64              available,
                                guint64              total)
{
  InkMemoryPlan plan;
  guint64 need;

  g_return_val_if_fail (exp != NULL && exp->net != NULL, NULL);

  if (available == 0)
    return NULL;
  ink_memory_plan (exp, n_train, n_test, dim, FALSE, &plan);
  need = plan.total - plan.dataset + plan.host;
  /* comfortably inside, or not at all (the pre-flight check refuses that
   * with its own numbers and choices) */
  if ((double) need <= 0.75 * (double) available || need > available)
    return NULL;
  return g_strdup_printf (_("this run needs %.1f GB of memory, %.0f%% of the %.1f GB available now "
                            "(of %.1f GB): other programs may slow down or be stopped, "
                            "and if memory runs out the system stops the run"),
                          (double) need / 1e9, 100.0 * need / available,
                          (double) available / 1e9, (double) total / 1e9);
}

char *
ink_preflight_host_warning (const InkExperiment *exp,
                            guint                n_train,
                            guint                n_test,
                            guint                dim)
{
  gsize available = 0, total = 0;

  if (!host_mem_info (&available, &total))
    return NULL;
  return ink_preflight_host_warning_for (exp, n_train, n_test, dim, available, total);
}
