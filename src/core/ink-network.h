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

/* What a layer computes.  DENSE is 0, so a spec written before the other
 * kinds existed (or zero-initialized) holds only dense layers. */
typedef enum
{
  INK_LAYER_DENSE,        /* units, activation, dropout */
  INK_LAYER_CONV2D,       /* filters, kernel_h × kernel_w, stride, padding, activation, dropout */
  INK_LAYER_MAX_POOL,     /* pool_size × pool_size windows every stride pixels */
  INK_LAYER_AVG_POOL,     /* the same, averaging */
  INK_LAYER_BATCH_NORM,   /* per channel (per unit after a dense layer); momentum, epsilon */
} InkLayerKind;

typedef enum
{
  INK_PADDING_VALID,      /* no padding: out = (in - k) / stride + 1 */
  INK_PADDING_SAME,       /* zeros around: out = ceil (in / stride), the extra on the bottom/right (Keras) */
} InkPadding;

typedef struct
{
  int           units;      /* dense: outputs; ignored by the other kinds */
  InkActivation activation; /* applied to every kind's output (identity: none) */
  float         dropout;    /* inverted dropout on this layer's output, training only; 0 = none */
  InkLayerKind  kind;       /* INK_LAYER_DENSE (0) unless set */
  int           filters;    /* conv2d: output channels */
  int           kernel_h;   /* conv2d */
  int           kernel_w;
  int           stride;     /* conv2d and pools: >= 1 */
  InkPadding    padding;    /* conv2d */
  int           pool_size;  /* pools: square windows */
  float         momentum;   /* batch-norm: running = momentum·running + (1-momentum)·batch (Keras' sense, 0.99) */
  float         epsilon;    /* batch-norm: added to the variance (Keras: 0.001) */
} InkLayerSpec;

/* What shape inference gives for one layer.  An image-shaped output has
 * channels × height × width; a flat one (dense, or batch-norm after dense)
 * has channels = its units and height = width = 1, flat = TRUE.  Parameters
 * are laid out as n_weights then n_biases (dense: W [out, in] then b; conv2d:
 * W [out_channels, in_channels, kh, kw] then b [out_channels]; batch-norm:
 * weight (γ) then bias (β), one per channel); pools have none.  n_state:
 * batch-norm's running mean then running variance, not trained. */
typedef struct
{
  int      in_channels;
  int      in_height;
  int      in_width;
  gboolean in_flat;
  int      channels;
  int      height;
  int      width;
  gboolean flat;
  gsize    n_inputs;    /* in_channels·in_height·in_width */
  gsize    n_outputs;   /* channels·height·width */
  gsize    n_weights;
  gsize    n_biases;
  gsize    n_state;
  int      row_len;     /* weights per output unit / filter (the max-norm's row) */
  int      pad_top;     /* conv2d with same padding: zero rows above, columns left */
  int      pad_left;
} InkLayerShape;

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
  /* The input image, for a network with a conv2d, pool or batch-norm layer
   * before its first dense one: in_channels × in_height × in_width must
   * equal n_inputs.  All 0: derived, 1 × side × side with side² = n_inputs
   * (1 × 28 × 28 for MNIST).  A stack of dense layers ignores them. */
  int           in_channels;
  int           in_height;
  int           in_width;
} InkNetSpec;

/* the activation's name in experiments ("identity", …, "softmax"); NULL
 * for no activation */
const char *ink_activation_to_string   (InkActivation  a);
/* also "leaky_relu", as Keras spells it */
gboolean    ink_activation_from_string (const char    *s,
                                        InkActivation *out);
/* the names, in order, as "identity, sigmoid, …, softmax" (for messages) */
const char *ink_activation_choices     (void);

/* "dense", "conv2d", "max-pool", "avg-pool", "batch-norm" */
const char *ink_layer_kind_to_string   (InkLayerKind   k);
gboolean    ink_layer_kind_from_string (const char    *s,
                                        InkLayerKind  *out);
const char *ink_layer_kind_choices     (void);
/* "valid", "same" */
const char *ink_padding_to_string      (InkPadding     p);
gboolean    ink_padding_from_string    (const char    *s,
                                        InkPadding    *out);
/* "layer 3 (max-pool 2×2)", "layer 1 (conv2d 32 3×3)", "layer 4 (dense 128)",
 * "layer 5 (output)": how messages name a layer (l counts from 0) */
char       *ink_layer_describe         (const InkNetSpec *spec,
                                        int               l);

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
/* weights + biases + batch-norm running statistics (0 where the geometry
 * does not work) */
gsize       ink_net_spec_n_params (const InkNetSpec *spec);
/* Shape inference: fills shapes[0 … n_layers-1] (may be NULL to only
 * check) and refuses geometry that cannot work, naming the layer and the
 * sizes ("layer 3 (max-pool 2×2): its input is 1×1").  Checks only the
 * geometry; ink_net_spec_validate checks the rest and calls this. */
gboolean    ink_net_spec_shapes   (const InkNetSpec *spec,
                                   InkLayerShape    *shapes,
                                   GError          **error);
/* TRUE when some layer is not dense (conv2d, pooling, batch norm) */
gboolean    ink_net_spec_has_image_layers (const InkNetSpec *spec);
/* the geometry of conv2d layer ls, whose shape ink_net_spec_shapes gave */
InkConvGeom ink_conv_geom_from_shape (const InkLayerSpec  *ls,
                                      const InkLayerShape *sh);
/* of those, the batch-norm running statistics (0 for most networks) */
gsize       ink_net_spec_n_state  (const InkNetSpec *spec);
/* TRUE when a and b compute the same function of their weights: the same
 * inputs, loss and leaky-ReLU slope, and layer by layer the same units and
 * activation (a slope that differs is another network, even where no layer
 * is leaky: the slope is part of what a model file describes).  What only
 * training uses (dropout, initialization) is not compared. */
gboolean    ink_net_spec_same_network (const InkNetSpec *a,
                                       const InkNetSpec *b);

/* The parameters live in one contiguous backend allocation laid out layer by
 * layer as [W_0 (out×in), b_0 (out), W_1, b_1, ...] (see InkLayerShape for
 * the other kinds; a pool has none; a batch-norm layer's running statistics
 * follow its bias: they travel with the weights into model files,
 * checkpoints and kept copies, but nothing trains them and their gradient
 * stays 0); gradients and the optimizer state use the same layout.  act, delta and mask of layer l hold
 * max_batch × shape[l].n_outputs floats, an image in NCHW order.  Every
 * layer kind runs on every backend (the image layers through the backend's
 * conv2d / pool / batch-norm ops). */
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
  InkLayerShape *shape;     /* per layer, from ink_net_spec_shapes */
  gsize       n_state;      /* of n_params, the batch-norm running statistics */
  gsize      *s_offset;     /* per layer, in floats, into params: a batch-norm layer's
                             * running mean [C] then running variance [C] */
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
