/* ink-rbm.c
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


/* Restricted Boltzmann machines trained with contrastive divergence,
 * and greedy layer-wise pretraining. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ink-rbm.h"
#include "ink-rng.h"
#include "ink-optimizer.h"

#include <glib/gi18n.h>

G_DEFINE_QUARK (ink-rbm-error-quark, ink_rbm_error)

void
ink_pretrain_spec_defaults (InkPretrainSpec *spec)
{
  memset (spec, 0, sizeof *spec);
  spec->enabled = FALSE;
  spec->epochs[0] = 10;
  spec->n_layer_epochs = 0;
  spec->lr = 0.1f;
  spec->decay = 1.0f;
  spec->momentum = 0.5f;
  spec->weight_decay = 0.0002f;
  spec->cd_k = 1;
  spec->batch_size = 64;
}

guint
ink_pretrain_spec_epochs (const InkPretrainSpec *spec,
                          guint                  layer)
{
  if (spec->n_layer_epochs == 0)
    return spec->epochs[0];
  return layer < spec->n_layer_epochs ? spec->epochs[layer] : 0;
}

float
ink_pretrain_spec_lr (const InkPretrainSpec *spec,
                      guint                  layer)
{
  if (spec->n_layer_lr == 0)
    return spec->lr;
  return spec->lr_layers[MIN (layer, spec->n_layer_lr - 1)];
}

float
ink_pretrain_spec_decay (const InkPretrainSpec *spec,
                         guint                  layer)
{
  if (spec->n_layer_decay == 0)
    return spec->decay;
  return spec->decay_layers[MIN (layer, spec->n_layer_decay - 1)];
}

guint
ink_pretrain_spec_cd_k (const InkPretrainSpec *spec,
                        guint                  layer)
{
  if (spec->n_layer_cd_k == 0)
    return spec->cd_k;
  return spec->cd_k_layers[MIN (layer, spec->n_layer_cd_k - 1)];
}

/* ------------------------------------------------------------------------ */

void
ink_rbm_free (InkRbm *rbm)
{
  if (rbm == NULL)
    return;
  if (rbm->be != NULL)
    {
      InkBackend *be = rbm->be;
      float *mem[] = { rbm->params, rbm->grads, rbm->velocity, rbm->ph0, rbm->h,
                       rbm->pv, rbm->phk, rbm->pre, rbm->ones };
      for (guint i = 0; i < G_N_ELEMENTS (mem); i++)
        if (mem[i] != NULL)
          be->ops->free (be, mem[i]);
    }
  g_free (rbm->host);
  g_free (rbm->host2);
  g_free (rbm);
}

InkRbm *
ink_rbm_new (InkBackend  *be,
             int          n_visible,
             int          n_hidden,
             int          max_batch,
             GError     **error)
{
  g_autoptr(InkRbm) rbm = g_new0 (InkRbm, 1);
  gsize nw, scratch;
  g_autofree float *ones = NULL;

  g_return_val_if_fail (n_visible > 0 && n_hidden > 0 && max_batch > 0, NULL);

  rbm->be = be;
  rbm->n_visible = n_visible;
  rbm->n_hidden = n_hidden;
  rbm->max_batch = max_batch;
  nw = (gsize) n_visible * n_hidden;
  rbm->n_params = nw + n_hidden + n_visible;
  if (!(rbm->params = ink_backend_alloc_floats (be, rbm->n_params, error)) ||
      !(rbm->grads = ink_backend_alloc_floats (be, rbm->n_params, error)) ||
      !(rbm->velocity = ink_backend_alloc_floats (be, rbm->n_params, error)) ||
      !(rbm->ph0 = ink_backend_alloc_floats (be, (gsize) max_batch * n_hidden, error)) ||
      !(rbm->h = ink_backend_alloc_floats (be, (gsize) max_batch * n_hidden, error)) ||
      !(rbm->phk = ink_backend_alloc_floats (be, (gsize) max_batch * n_hidden, error)) ||
      !(rbm->pv = ink_backend_alloc_floats (be, (gsize) max_batch * n_visible, error)) ||
      !(rbm->pre = ink_backend_alloc_floats (be, (gsize) max_batch * n_hidden, error)) ||
      !(rbm->ones = ink_backend_alloc_floats (be, (gsize) max_batch, error)))
    return NULL;
  rbm->w = rbm->params;
  rbm->b_hid = rbm->params + nw;
  rbm->b_vis = rbm->b_hid + n_hidden;

  ones = g_new (float, max_batch);
  for (int i = 0; i < max_batch; i++)
    ones[i] = 1.0f;
  be->ops->upload (be, rbm->ones, ones, sizeof (float) * max_batch);

  scratch = (gsize) max_batch * MAX (n_visible, n_hidden);
  rbm->host = g_new0 (float, scratch);
  rbm->host2 = g_new0 (float, scratch);
  return g_steal_pointer (&rbm);
}

void
ink_rbm_set_hidden (InkRbm       *rbm,
                    InkRbmHidden  hidden)
{
  g_return_if_fail (hidden == INK_RBM_HIDDEN_BINARY || hidden == INK_RBM_HIDDEN_NRELU);
  rbm->hidden = hidden;
}

gboolean
ink_rbm_hidden_for_activation (InkActivation  act,
                               InkRbmHidden  *hidden)
{
  InkRbmHidden h;

  if (act == INK_ACT_SIGMOID)
    h = INK_RBM_HIDDEN_BINARY;
  else if (act == INK_ACT_RELU)
    h = INK_RBM_HIDDEN_NRELU;
  else
    return FALSE;
  if (hidden != NULL)
    *hidden = h;
  return TRUE;
}

void
ink_rbm_init_params (InkRbm  *rbm,
                     guint64  seed)
{
  g_autofree float *p = g_new0 (float, rbm->n_params);
  gsize nw = (gsize) rbm->n_visible * rbm->n_hidden;
  InkRng rng;

  ink_rng_init (&rng, seed);
  for (gsize i = 0; i < nw; i++)
    p[i] = (float) (0.01 * ink_rng_normal (&rng));
  ink_rbm_set_params (rbm, p);
  memset (p, 0, sizeof (float) * rbm->n_params);
  rbm->be->ops->upload (rbm->be, rbm->velocity, p, sizeof (float) * rbm->n_params);
  rbm->seed = ink_hash64 (seed ^ G_GUINT64_CONSTANT (0x52424d));
  rbm->draws = 0;
}

void
ink_rbm_get_params (InkRbm *rbm,
                    float  *host)
{
  rbm->be->ops->download (rbm->be, host, rbm->params, sizeof (float) * rbm->n_params);
}

void
ink_rbm_set_params (InkRbm      *rbm,
                    const float *host)
{
  rbm->be->ops->upload (rbm->be, rbm->params, host, sizeof (float) * rbm->n_params);
}

/* ph = the hidden units' mean field given v; with keep_pre, NReLU units
 * also leave their pre-activations in rbm->pre for the draw that follows */
static void
hidden_layer (InkRbm      *rbm,
              const float *v,
              int          batch,
              float       *ph,
              gboolean     keep_pre)
{
  InkBackend *be = rbm->be;
  int V = rbm->n_visible, H = rbm->n_hidden;
  gboolean nrelu = rbm->hidden == INK_RBM_HIDDEN_NRELU;
  float *out = nrelu && keep_pre ? rbm->pre : ph;

  be->ops->gemm (be, FALSE, TRUE, batch, H, V, 1.0f, v, V, rbm->w, V, 0.0f, out, H);
  be->ops->bias_add (be, out, rbm->b_hid, batch, H);
  if (out != ph)
    be->ops->copy (be, ph, out, sizeof (float) * (gsize) batch * H);
  be->ops->act_forward (be, nrelu ? INK_ACT_RELU : INK_ACT_SIGMOID, 0.0f, ph, (gsize) batch * H);
}

void
ink_rbm_hidden_probs (InkRbm      *rbm,
                      const float *v,
                      int          batch,
                      float       *ph)
{
  hidden_layer (rbm, v, batch, ph, FALSE);
}

void
ink_rbm_visible_probs (InkRbm      *rbm,
                       const float *h,
                       int          batch,
                       float       *pv)
{
  InkBackend *be = rbm->be;
  int V = rbm->n_visible, H = rbm->n_hidden;

  be->ops->gemm (be, FALSE, FALSE, batch, V, H, 1.0f, h, H, rbm->w, V, 0.0f, pv, V);
  be->ops->bias_add (be, pv, rbm->b_vis, batch, V);
  be->ops->act_forward (be, INK_ACT_SIGMOID, 0.0f, pv, (gsize) batch * V);
}

static inline double
softplus (double x)
{
  return x > 0.0 ? x + log1p (exp (-x)) : log1p (exp (x));
}

void
ink_rbm_free_energy (InkRbm      *rbm,
                     const float *v,
                     int          batch,
                     double      *fe)
{
  InkBackend *be = rbm->be;
  int V = rbm->n_visible, H = rbm->n_hidden;
  g_autofree float *bv = NULL;

  g_return_if_fail (batch >= 1 && batch <= rbm->max_batch);
  if (rbm->hidden != INK_RBM_HIDDEN_BINARY)
    {
      for (int r = 0; r < batch; r++)
        fe[r] = NAN;
      return;
    }
  bv = g_new (float, V);

  /* pre-activations of the hidden units, into the phk scratch */
  be->ops->gemm (be, FALSE, TRUE, batch, H, V, 1.0f, v, V, rbm->w, V, 0.0f, rbm->phk, H);
  be->ops->bias_add (be, rbm->phk, rbm->b_hid, batch, H);
  be->ops->download (be, rbm->host, rbm->phk, sizeof (float) * batch * H);
  be->ops->download (be, rbm->host2, v, sizeof (float) * batch * V);
  be->ops->download (be, bv, rbm->b_vis, sizeof (float) * V);
  for (int r = 0; r < batch; r++)
    {
      double f = 0.0;
      for (int i = 0; i < V; i++)
        f -= (double) bv[i] * rbm->host2[(gsize) r * V + i];
      for (int j = 0; j < H; j++)
        f -= softplus (rbm->host[(gsize) r * H + j]);
      fe[r] = f;
    }
}

/* Σ (a − b)² over n host values */
static double
sum_sq_diff (const float *a, const float *b, gsize n)
{
  double s = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
  return s;
}

double
ink_rbm_reconstruction_error (InkRbm      *rbm,
                              const float *v,
                              int          batch)
{
  InkBackend *be = rbm->be;
  gsize nv = (gsize) batch * rbm->n_visible;

  g_return_val_if_fail (batch >= 1 && batch <= rbm->max_batch, NAN);

  ink_rbm_hidden_probs (rbm, v, batch, rbm->phk);
  ink_rbm_visible_probs (rbm, rbm->phk, batch, rbm->pv);
  be->ops->download (be, rbm->host, v, sizeof (float) * nv);
  be->ops->download (be, rbm->host2, rbm->pv, sizeof (float) * nv);
  return sum_sq_diff (rbm->host, rbm->host2, nv) / batch;
}

/* h = a draw of the hidden units (backend memory): for binary units a
 * Bernoulli draw of each probability in p; for NReLU units
 * max (0, a + sqrt (sigmoid (a))·n) from the pre-activations a that
 * hidden_layer left in rbm->pre, n standard normal (Box–Muller on two
 * counter-based uniforms). */
static void
sample_hidden (InkRbm *rbm, const float *p, int batch)
{
  InkBackend *be = rbm->be;
  gsize n = (gsize) batch * rbm->n_hidden;
  guint64 stream = rbm->draws++;

  if (rbm->hidden == INK_RBM_HIDDEN_NRELU)
    {
      be->ops->download (be, rbm->host, rbm->pre, sizeof (float) * n);
      for (gsize i = 0; i < n; i++)
        {
          double a = rbm->host[i];
          /* u1 in (0, 1]: log stays finite */
          double u1 = 1.0 - ink_hash_uniform (rbm->seed, stream, 2 * i);
          double u2 = ink_hash_uniform (rbm->seed, stream, 2 * i + 1);
          double z = sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
          double sd = sqrt (1.0 / (1.0 + exp (-a)));
          double h = a + sd * z;

          rbm->host[i] = h > 0.0 ? (float) h : 0.0f;
        }
      be->ops->upload (be, rbm->h, rbm->host, sizeof (float) * n);
      return;
    }
  be->ops->download (be, rbm->host, p, sizeof (float) * n);
  for (gsize i = 0; i < n; i++)
    rbm->host[i] = ink_hash_uniform (rbm->seed, stream, i) < rbm->host[i] ? 1.0f : 0.0f;
  be->ops->upload (be, rbm->h, rbm->host, sizeof (float) * n);
}

double
ink_rbm_cd_gradient (InkRbm      *rbm,
                     const float *v0,
                     int          batch,
                     guint        k,
                     const float *h_samples)
{
  InkBackend *be = rbm->be;
  const InkBackendOps *ops = be->ops;
  int V = rbm->n_visible, H = rbm->n_hidden, B = batch;
  gsize nw = (gsize) V * H;
  gsize nh = (gsize) B * H, nv = (gsize) B * V;
  float *gw = rbm->grads, *gbh = rbm->grads + nw, *gbv = gbh + H;
  float inv = 1.0f / (float) B;
  double err = 0.0;

  g_return_val_if_fail (batch >= 1 && batch <= rbm->max_batch, NAN);
  g_return_val_if_fail (k >= 1, NAN);

  hidden_layer (rbm, v0, B, rbm->ph0, TRUE);
  for (guint s = 0; s < k; s++)
    {
      const float *src = s == 0 ? rbm->ph0 : rbm->phk;

      if (h_samples != NULL)
        ops->upload (be, rbm->h, h_samples + (gsize) s * nh, sizeof (float) * nh);
      else
        sample_hidden (rbm, src, B);
      ink_rbm_visible_probs (rbm, rbm->h, B, rbm->pv);
      hidden_layer (rbm, rbm->pv, B, rbm->phk, TRUE);
      if (s == 0)
        {
          ops->download (be, rbm->host, v0, sizeof (float) * nv);
          ops->download (be, rbm->host2, rbm->pv, sizeof (float) * nv);
          err = sum_sq_diff (rbm->host, rbm->host2, nv);
        }
    }

  /* dW = (phkᵀ·pv − ph0ᵀ·v0) / B */
  ops->gemm (be, TRUE, FALSE, H, V, B, inv, rbm->phk, H, rbm->pv, V, 0.0f, gw, V);
  ops->gemm (be, TRUE, FALSE, H, V, B, -inv, rbm->ph0, H, v0, V, 1.0f, gw, V);
  /* bias gradients as products with a row of ones: 1ᵀ·X / B */
  ops->gemm (be, FALSE, FALSE, 1, H, B, inv, rbm->ones, B, rbm->phk, H, 0.0f, gbh, H);
  ops->gemm (be, FALSE, FALSE, 1, H, B, -inv, rbm->ones, B, rbm->ph0, H, 1.0f, gbh, H);
  ops->gemm (be, FALSE, FALSE, 1, V, B, inv, rbm->ones, B, rbm->pv, V, 0.0f, gbv, V);
  ops->gemm (be, FALSE, FALSE, 1, V, B, -inv, rbm->ones, B, v0, V, 1.0f, gbv, V);
  return err;
}

void
ink_rbm_update (InkRbm *rbm,
                float   lr,
                float   momentum,
                float   weight_decay)
{
  InkBackend *be = rbm->be;
  gsize nw = (gsize) rbm->n_visible * rbm->n_hidden;
  InkOptParams p = { 0 };

  p.kind = INK_OPT_MOMENTUM;
  p.lr = lr;
  p.momentum = momentum;
  p.step = 1;
  /* the update adds 2·l2·w to the gradient */
  p.l2 = 0.5f * weight_decay;
  be->ops->update (be, &p, rbm->params, rbm->grads, rbm->velocity, NULL, nw, rbm->n_visible);
  p.l2 = 0.0f;
  be->ops->update (be, &p, rbm->params + nw, rbm->grads + nw, rbm->velocity + nw, NULL,
                   rbm->n_params - nw, (int) (rbm->n_params - nw));
}

/* ------------------------------------------------------------------------ */
/* greedy layer-wise pretraining                                            */

gboolean
ink_rbm_pretrain (InkNetwork            *net,
                  const InkPretrainSpec *spec,
                  const InkDevData      *data,
                  const guint32         *idx,
                  guint                  n,
                  InkAffine              aff,
                  guint64                seed,
                  GCancellable          *cancellable,
                  InkPretrainFunc        func,
                  gpointer               user_data,
                  GError               **error)
{
  InkBackend *be = net->be;
  const InkBackendOps *ops = be->ops;
  const InkNetSpec *ns = net->spec;
  guint hidden = ns->n_layers > 0 ? (guint) ns->n_layers - 1 : 0;
  int B = (int) MIN (MAX (spec->batch_size, 1), MAX (n, 1));
  guint32 *idx_dev = NULL;
  float *x = NULL;
  float **acts = NULL;
  g_autofree guint32 *perm = NULL;
  gboolean ok = FALSE;

  for (guint l = 0; l < hidden; l++)
    g_return_val_if_fail (ink_pretrain_spec_cd_k (spec, l) >= 1, FALSE);

  if (hidden == 0 || n == 0)
    return TRUE;
  for (guint l = 0; l < hidden; l++)
    if (ns->layers[l].kind != INK_LAYER_DENSE)
      {
        g_autofree char *who = ink_layer_describe (ns, (int) l);

        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("%s is a %s layer: RBM pretraining needs dense hidden layers"),
                     who, ink_layer_kind_to_string (ns->layers[l].kind));
        return FALSE;
      }
  for (guint l = 0; l < hidden; l++)
    if (!ink_rbm_hidden_for_activation (ns->layers[l].activation, NULL))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("hidden layer %u is %s: RBM pretraining needs sigmoid or ReLU "
                       "hidden layers"),
                     l + 1, ink_activation_to_string (ns->layers[l].activation));
        return FALSE;
      }

  perm = g_new (guint32, n);
  acts = g_new0 (float *, hidden);
  if (!(idx_dev = ops->alloc (be, sizeof (guint32) * B, error)) ||
      !(x = ink_backend_alloc_floats (be, (gsize) B * ns->n_inputs, error)))
    goto out;
  for (guint l = 0; l + 1 < hidden; l++)
    if (!(acts[l] = ink_backend_alloc_floats (be, (gsize) B * ns->layers[l].units, error)))
      goto out;

  for (guint l = 0; l < hidden; l++)
    {
      int nv = l == 0 ? ns->n_inputs : ns->layers[l - 1].units;
      int nh = ns->layers[l].units;
      guint epochs = ink_pretrain_spec_epochs (spec, l);
      g_autoptr(InkRbm) rbm = ink_rbm_new (be, nv, nh, B, error);

      InkRbmHidden kind = INK_RBM_HIDDEN_BINARY;

      if (rbm == NULL)
        goto out;
      ink_rbm_hidden_for_activation (ns->layers[l].activation, &kind);
      ink_rbm_set_hidden (rbm, kind);
      ink_rbm_init_params (rbm, ink_hash64 (seed + 1 + l));
      if (func)
        func (l, hidden, 0, epochs, NAN, 0.0, user_data);

      for (guint e = 0; e < epochs; e++)
        {
          gint64 t0 = g_get_monotonic_time ();
          float lr = ink_pretrain_spec_lr (spec, l) * powf (ink_pretrain_spec_decay (spec, l), (float) e);
          double err = 0.0;
          InkRng rng;

          memcpy (perm, idx, sizeof (guint32) * n);
          ink_rng_init (&rng, ink_hash64 (seed ^ ink_hash64 (((guint64) l << 32) + e)));
          ink_rng_shuffle (&rng, perm, n);

          for (guint off = 0; off < n; off += (guint) B)
            {
              int rows = (int) MIN ((guint) B, n - off);
              const float *in = x;

              if (g_cancellable_set_error_if_cancelled (cancellable, error))
                goto out;
              ops->upload (be, idx_dev, perm + off, sizeof (guint32) * rows);
              ops->gather (be, data, idx_dev, rows, aff, x, NULL);
              /* mean-field activations of the layers below, already pretrained */
              for (guint j = 0; j < l; j++)
                {
                  int n_in = j == 0 ? ns->n_inputs : ns->layers[j - 1].units;
                  int n_out = ns->layers[j].units;

                  ops->gemm (be, FALSE, TRUE, rows, n_out, n_in, 1.0f, in, n_in,
                             net->params + net->w_offset[j], n_in, 0.0f, acts[j], n_out);
                  ops->bias_add (be, acts[j], net->params + net->b_offset[j], rows, n_out);
                  ops->act_forward (be, ns->layers[j].activation, ns->leaky_slope,
                                    acts[j], (gsize) rows * n_out);
                  in = acts[j];
                }
              err += ink_rbm_cd_gradient (rbm, in, rows, ink_pretrain_spec_cd_k (spec, l), NULL);
              ink_rbm_update (rbm, lr, spec->momentum, spec->weight_decay);
            }
          /* diverged: the layer keeps its last finite state (the previous
           * epoch's, or its initialization) */
          if (!isfinite (err))
            {
              g_set_error (error, INK_RBM_ERROR, INK_RBM_ERROR_DIVERGED,
                           _("pretraining of hidden layer %u diverged in epoch %u (the reconstruction "
                             "error is not a number); try a smaller pretraining learning rate than %g"),
                           l + 1, e + 1, (double) ink_pretrain_spec_lr (spec, l));
              goto out;
            }
          /* the layer shows the RBM's current state to func (layer l's own
           * weights are not read while its RBM learns) */
          ops->copy (be, net->params + net->w_offset[l], rbm->w, sizeof (float) * (gsize) nv * nh);
          ops->copy (be, net->params + net->b_offset[l], rbm->b_hid, sizeof (float) * nh);
          if (!ops->sync (be, error))
            goto out;
          if (func)
            func (l, hidden, e + 1, epochs, err / n, (g_get_monotonic_time () - t0) / 1e6, user_data);
        }

      /* W is [hidden, visible] = the layer's [out, in]: copied as it is */
      ops->copy (be, net->params + net->w_offset[l], rbm->w, sizeof (float) * (gsize) nv * nh);
      ops->copy (be, net->params + net->b_offset[l], rbm->b_hid, sizeof (float) * nh);
      if (!ops->sync (be, error))
        goto out;
    }
  ok = TRUE;

out:
  for (guint l = 0; l < hidden; l++)
    if (acts[l] != NULL)
      ops->free (be, acts[l]);
  g_free (acts);
  if (x != NULL)
    ops->free (be, x);
  if (idx_dev != NULL)
    ops->free (be, idx_dev);
  return ok;
}
