/* ink-rbm.h
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


/* RBMs and the layer-wise pretraining of a network's hidden layers. */

#pragma once

#include <gio/gio.h>
#include "ink-backend.h"
#include "ink-network.h"

G_BEGIN_DECLS

/* Restricted Boltzmann machines with Bernoulli visible units trained with
 * contrastive divergence, and the greedy layer-wise pretraining of a
 * network's hidden layers (Hinton, Osindero & Teh 2006) that nolearn's DBN
 * does before fine-tuning.  The hidden units are Bernoulli (for sigmoid
 * layers) or noisy rectified linear units (Nair & Hinton 2010, for ReLU
 * layers: h = max (0, a + N(0, sigmoid (a))), mean field max (0, a); the
 * unit nolearn's DBN pretrains its default ReLU layers with).  Everything runs through the backend table: gemm
 * for every product, act_forward for the sigmoids; the Bernoulli draws use
 * the counter-based ink_hash_uniform on the host (download, draw, upload:
 * plain copies on the CPU backend). */

/* capacity of the per-hidden-layer lists (a network has at most
 * INK_MAX_HIDDEN_LAYERS hidden layers; a list longer than that is refused
 * when the experiment is checked) */
#define INK_PRETRAIN_MAX_LAYERS INK_MAX_LAYERS

#define INK_RBM_ERROR (ink_rbm_error_quark ())
GQuark ink_rbm_error_quark (void);

typedef enum
{
  INK_RBM_ERROR_DIVERGED,   /* the reconstruction error became NaN or infinite */
} InkRbmError;

typedef enum
{
  INK_RBM_HIDDEN_BINARY,  /* Bernoulli: P(h=1) = sigmoid (a) */
  INK_RBM_HIDDEN_NRELU,   /* noisy rectified linear: max (0, a + N(0, sigmoid (a))) */
} InkRbmHidden;

typedef struct
{
  gboolean enabled;
  guint    epochs[INK_PRETRAIN_MAX_LAYERS]; /* per hidden layer, see n_layer_epochs */
  guint    n_layer_epochs;  /* 0: epochs[0] is used for every hidden layer;
                               otherwise one value per hidden layer */
  float    lr;              /* learning rate of the first epoch */
  float    decay;           /* per-epoch multiplier of lr, in (0, 1] */
  float    momentum;        /* in [0, 1) */
  float    weight_decay;    /* L2 coefficient on W: g += weight_decay · W */
  guint    cd_k;            /* Gibbs steps of CD-k, >= 1 */
  guint    batch_size;
  /* per hidden layer instead of lr, decay and cd_k when n_layer_* > 0 (a
   * sigmoid layer's binary RBM and a ReLU layer's NReLU RBM want different
   * steps); lr, decay and cd_k then hold the first layer's value */
  float    lr_layers[INK_PRETRAIN_MAX_LAYERS];
  guint    n_layer_lr;
  float    decay_layers[INK_PRETRAIN_MAX_LAYERS];
  guint    n_layer_decay;
  guint    cd_k_layers[INK_PRETRAIN_MAX_LAYERS];
  guint    n_layer_cd_k;
} InkPretrainSpec;

/* disabled; 10 epochs, lr 0.1, decay 1, momentum 0.5, weight decay 0.0002,
 * CD-1, batches of 64 */
void   ink_pretrain_spec_defaults (InkPretrainSpec       *spec);
/* epochs, learning rate, decay and CD steps of hidden layer `layer`
 * (0-based): the per-layer value when there is a list, else the one value */
guint  ink_pretrain_spec_epochs   (const InkPretrainSpec *spec,
                                   guint                  layer);
float  ink_pretrain_spec_lr       (const InkPretrainSpec *spec,
                                   guint                  layer);
float  ink_pretrain_spec_decay    (const InkPretrainSpec *spec,
                                   guint                  layer);
guint  ink_pretrain_spec_cd_k     (const InkPretrainSpec *spec,
                                   guint                  layer);

/* One RBM.  Parameters in one backend allocation laid out as
 * [W (n_hidden × n_visible), b_hid (n_hidden), b_vis (n_visible)]: W has
 * the network's [out, in] layout, so W and b_hid copy into a dense layer as
 * they are.  grads and velocity use the same layout. */
typedef struct
{
  InkBackend *be;
  int         n_visible;
  int         n_hidden;
  int         max_batch;
  gsize       n_params;
  float      *params;     /* backend memory */
  float      *w;          /* = params */
  float      *b_hid;      /* = params + n_hidden·n_visible */
  float      *b_vis;      /* = b_hid + n_hidden */
  float      *grads;      /* backend memory, the gradient of the negative log-likelihood */
  float      *velocity;   /* backend memory, momentum state */
  float      *ph0;        /* backend [max_batch, n_hidden]: P(h=1 | data) */
  float      *h;          /* backend [max_batch, n_hidden]: the current hidden sample */
  float      *pv;         /* backend [max_batch, n_visible]: the last reconstruction */
  float      *phk;        /* backend [max_batch, n_hidden]: P(h=1 | last reconstruction) */
  float      *pre;        /* backend [max_batch, n_hidden]: pre-activations of the last sampled layer */
  float      *ones;       /* backend [max_batch] of 1 */
  float      *host;       /* host scratch, max_batch · MAX (n_visible, n_hidden) */
  float      *host2;      /* host scratch, the same size */
  guint64     seed;       /* for the Bernoulli draws */
  guint64     draws;      /* sampling counter: the stream of the next draw */
  InkRbmHidden hidden;    /* INK_RBM_HIDDEN_BINARY unless set */
} InkRbm;

InkRbm  *ink_rbm_new              (InkBackend  *be,
                                   int          n_visible,
                                   int          n_hidden,
                                   int          max_batch,
                                   GError     **error);
void     ink_rbm_free             (InkRbm      *rbm);
/* The kind of hidden unit (binary by default); set before training. */
void     ink_rbm_set_hidden       (InkRbm      *rbm,
                                   InkRbmHidden hidden);
/* The hidden unit a pretrained layer with activation `act` uses: binary for
 * sigmoid, NReLU for ReLU; FALSE for any other activation. */
gboolean ink_rbm_hidden_for_activation (InkActivation act,
                                        InkRbmHidden *hidden);

/* W ~ N(0, 0.01²) from an InkRng seeded by `seed` (Hinton's practical
 * guide), biases 0, velocity 0; draws are seeded from `seed` too. */
void     ink_rbm_init_params      (InkRbm      *rbm,
                                   guint64      seed);
/* host copies, n_params floats in the layout above */
void     ink_rbm_get_params       (InkRbm      *rbm,
                                   float       *host);
void     ink_rbm_set_params       (InkRbm      *rbm,
                                   const float *host);

/* ph[B, n_hidden] = sigmoid (v·Wᵀ + b_hid) (binary units) or
 * max (0, v·Wᵀ + b_hid) (NReLU); v, ph: backend memory */
void     ink_rbm_hidden_probs     (InkRbm      *rbm,
                                   const float *v,
                                   int          batch,
                                   float       *ph);
/* pv[B, n_visible] = sigmoid (h·W + b_vis) */
void     ink_rbm_visible_probs    (InkRbm      *rbm,
                                   const float *h,
                                   int          batch,
                                   float       *pv);

/* Free energy of each row of v (backend memory [batch, n_visible]):
 * F(v) = −b_visᵀv − Σ_j log (1 + exp (b_hid_j + W_j·v)), into fe (host).
 * Binary hidden units only (NReLU units have no closed form: NaN). */
void     ink_rbm_free_energy      (InkRbm      *rbm,
                                   const float *v,
                                   int          batch,
                                   double      *fe);
/* Mean-field reconstruction error: the mean over the rows of
 * Σ_i (v_i − pv_i)², pv = sigmoid (ph (v)·W + b_vis), ph the mean field of
 * the hidden units as in ink_rbm_hidden_probs. */
double   ink_rbm_reconstruction_error (InkRbm      *rbm,
                                       const float *v,
                                       int          batch);

/* CD-k on one batch v0 (backend memory [batch, n_visible]):
 *   ph0 = P(h | v0);  h ~ ph0
 *   k times: pv = P(v | h) (mean field, not sampled);  ph = P(h | pv);
 *            h ~ ph (except after the last step)
 *   grads (negative log-likelihood, batch means):
 *     dW = (phᵀ·pv − ph0ᵀ·v0) / B,  db_hid = mean (ph − ph0),
 *     db_vis = mean (pv − v0)
 * (ph: the hidden units' mean field, as in ink_rbm_hidden_probs).
 * h_samples: NULL to draw h with ink_hash_uniform (seed, draws++, i) < p
 * (binary), or max (0, a + sqrt (sigmoid (a))·n) with n a standard normal
 * from two such uniforms (NReLU);
 * otherwise k host arrays [batch, n_hidden], back to back, used as the k
 * hidden states instead (tests fix them to compare with hand-computed
 * values).  Returns the batch's summed reconstruction error
 * Σ_rows Σ_i (v0 − pv₁)², pv₁ being the chain's first reconstruction. */
double   ink_rbm_cd_gradient      (InkRbm      *rbm,
                                   const float *v0,
                                   int          batch,
                                   guint        k,
                                   const float *h_samples);
/* velocity = momentum·velocity − lr·(grads + weight_decay·W (weights only));
 * params += velocity */
void     ink_rbm_update           (InkRbm      *rbm,
                                   float        lr,
                                   float        momentum,
                                   float        weight_decay);

/* Called at the start of each layer (epoch 0, recon_error NaN) and after
 * each of its epochs; layer is 0-based.  After an epoch, the layer's
 * weights and biases in the network already hold the RBM's current W and
 * b_hid (the layers above keep their initialization). */
typedef void (*InkPretrainFunc) (guint    layer,
                                 guint    n_layers,
                                 guint    epoch,
                                 guint    n_epochs,
                                 double   recon_error,
                                 double   seconds,
                                 gpointer user_data);

/* Greedy layer-wise pretraining of every hidden layer of net (all but the
 * output layer; sigmoid layers get binary hidden units, ReLU layers NReLU
 * units, any other activation is refused with G_IO_ERROR_INVALID_ARGUMENT).
 * Layer l's RBM learns from the mean-field activations of layers 0..l-1,
 * computed with the weights already pretrained, of the training images
 * data[idx[0..n)] normalized with aff; its W and b_hid then replace the
 * layer's weights and biases in net (the output layer keeps its
 * initialization).  Minibatches of spec->batch_size in an order shuffled
 * per (seed, layer, epoch).  Deterministic for a given seed.  FALSE with
 * G_IO_ERROR_CANCELLED when cancelled (net then holds the layers done so
 * far), INK_RBM_ERROR_DIVERGED when an epoch's reconstruction error is not
 * finite (the layer keeps its last finite state), or with the backend's
 * error when an allocation fails. */
gboolean ink_rbm_pretrain         (InkNetwork            *net,
                                   const InkPretrainSpec *spec,
                                   const InkDevData      *data,
                                   const guint32         *idx,
                                   guint                  n,
                                   InkAffine              aff,
                                   guint64                seed,
                                   GCancellable          *cancellable,
                                   InkPretrainFunc        func,
                                   gpointer               user_data,
                                   GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkRbm, ink_rbm_free)

G_END_DECLS
