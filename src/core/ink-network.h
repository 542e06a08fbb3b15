/* ink-network.h
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

/* The network: its spec (layers, activations, loss, initialization) and
 * the running network. */

#pragma once

#include <gio/gio.h>
#include "ink-backend.h"
#include "ink-limits.h"

G_BEGIN_DECLS

typedef enum
{
  INK_INIT_GLOROT_UNIFORM,  /* U(±sqrt(6/(in+out))) — Lasagne/Keras default */
  INK_INIT_GLOROT_NORMAL,   /* N(0, sqrt(2/(in+out))) */
  INK_INIT_HE_UNIFORM,      /* U(±sqrt(6/in)) */
  INK_INIT_HE_NORMAL,       /* N(0, sqrt(2/in)) */
} InkInit;

typedef struct
{
  int           units;
  InkActivation activation;
  float         dropout;    /* inverted dropout on this layer's output, training only; 0 = none */
} InkLayerSpec;

/* A stack of dense layers.  layers[n_layers-1] is the output layer; its
 * dropout must be 0.  With loss CROSS_ENTROPY the output activation must be
 * SOFTMAX; with MSE it may be any activation except SOFTMAX. */
typedef struct
{
  int           n_inputs;
  float         input_dropout;
  int           n_layers;
  InkLayerSpec *layers;
  InkLoss       loss;
  InkInit       init;
  float         leaky_slope;   /* for LEAKY_RELU, default 0.01 */
  float         zero_output_init; /* nonzero: output layer weights start at 0 (Theano's logistic layer) */
} InkNetSpec;

/* the activation's name in experiments ("identity", …, "softmax"); NULL
 * for no activation */
const char *ink_activation_to_string   (InkActivation  a);
/* also "leaky_relu", as Keras spells it */
gboolean    ink_activation_from_string (const char    *s,
                                        InkActivation *out);
/* the names, in order, as "identity, sigmoid, …, softmax" (for messages) */
const char *ink_activation_choices     (void);

#define INK_NETWORK_ERROR (ink_network_error_quark ())
GQuark ink_network_error_quark (void);

typedef enum
{
  INK_NETWORK_ERROR_INVALID_SPEC,   /* ink_net_spec_validate failed */
  INK_NETWORK_ERROR_NO_MEMORY,      /* a backend allocation failed */
} InkNetworkError;

InkNetSpec *ink_net_spec_copy     (const InkNetSpec *spec);
void        ink_net_spec_free     (InkNetSpec *spec);
/* checks units > 0, dropout in [0,1), output/loss pairing, sizes that fit in memory */
gboolean    ink_net_spec_validate (const InkNetSpec *spec,
                                   GError          **error);
/* weights + biases */
gsize       ink_net_spec_n_params (const InkNetSpec *spec);
/* TRUE when a and b compute the same function of their weights: the same
 * inputs, loss and leaky-ReLU slope, and layer by layer the same units and
 * activation (a slope that differs is another network, even where no layer
 * is leaky: the slope is part of what a model file describes).  What only
 * training uses (dropout, initialization) is not compared. */
gboolean    ink_net_spec_same_network (const InkNetSpec *a,
                                       const InkNetSpec *b);

/* The parameters live in one contiguous backend allocation laid out layer by
 * layer as [W_0 (out×in), b_0 (out), W_1, b_1, ...]; gradients and the
 * optimizer state use the same layout. */
typedef struct
{
  InkBackend *be;
  InkNetSpec *spec;
  int         max_batch;
  gsize       n_params;
  gsize      *w_offset;     /* per layer, in floats, into params */
  gsize      *b_offset;
  float      *params;       /* backend memory */
  float      *grads;        /* backend memory */
  float     **act;          /* per layer output [max_batch, units] (after activation and dropout) */
  float     **delta;        /* per layer gradient w.r.t. the output, [max_batch, units] */
  float     **mask;         /* per layer dropout mask or NULL */
  float      *input_mask;   /* [max_batch, n_inputs] or NULL */
  float      *input_drop;   /* input after dropout, or NULL */
  float      *d_input;      /* optional gradient w.r.t. the input (saliency), [max_batch, n_inputs] */
} InkNetwork;

InkNetwork *ink_network_new        (const InkNetSpec *spec,
                                    InkBackend       *be,
                                    int               max_batch,
                                    GError          **error);
void        ink_network_free       (InkNetwork       *net);

/* Draws the initial weights on the host with an InkRng seeded by `seed`
 * (biases 0) and uploads them, a million at a time. */
void        ink_network_init_params (InkNetwork      *net,
                                     guint64          seed);
/* The same, checking cancellable between chunks: FALSE when it was
 * cancelled (the weights are then partly drawn). */
gboolean    ink_network_init_params_cancellable (InkNetwork   *net,
                                                 guint64       seed,
                                                 GCancellable *cancellable);

/* x: backend memory [batch, n_inputs].  training=TRUE applies dropout with
 * masks from ink_hash_uniform (dropout_seed, stream, i), where stream is
 * dropout_stream·(n_layers+1) + layer index (+1 for hidden layers, 0 for the
 * input).  Returns the output [batch, classes] (backend memory, owned by net):
 * raw outputs (logits for CROSS_ENTROPY). */
float      *ink_network_forward    (InkNetwork       *net,
                                    const float      *x,
                                    int               batch,
                                    gboolean          training,
                                    guint64           dropout_seed,
                                    guint64           dropout_stream);

/* After ink_network_forward (training) and with the loss gradient written to
 * net->delta[n_layers-1] (pre-activation for the softmax output; for other
 * output activations the gradient w.r.t. the output, which backward
 * multiplies by f'), computes net->grads (overwrites).  want_input_grad fills
 * net->d_input. */
void        ink_network_backward   (InkNetwork       *net,
                                    const float      *x,
                                    int               batch,
                                    gboolean          want_input_grad);

/* Host copies of the parameters in the same layout (n_params floats). */
void        ink_network_get_params (InkNetwork       *net,
                                    float            *host);
void        ink_network_set_params (InkNetwork       *net,
                                    const float      *host);

/* Convenience for host-side inference (CLI predict, GUI canvas): runs the
 * network on a CPU backend; probs gets [batch, classes] class probabilities
 * (softmax applied for CROSS_ENTROPY, raw outputs for MSE). */
void        ink_network_predict    (InkNetwork       *net,
                                    const float      *x_backend,
                                    int               batch,
                                    float            *probs_host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkNetwork, ink_network_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkNetSpec, ink_net_spec_free)

G_END_DECLS
