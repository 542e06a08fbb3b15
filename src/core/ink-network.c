/* ink-network.c
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

/* The network on a backend: spec checks and parameter count,
 * initialization, forward (with dropout) and backward passes,
 * prediction. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ink-names.h"
#include "ink-network.h"
#include "ink-rng.h"

G_DEFINE_QUARK (ink-network-error-quark, ink_network_error)

#define MAX_PARAMS  (G_GUINT64_CONSTANT (1) << 31)

/* What the public struct does not show: the pre-dropout activations of the
 * layers whose derivative needs the activation's value (sigmoid, tanh), and
 * what the last forward pass did. */
typedef struct
{
  InkNetwork  pub;
  float     **pre;            /* per layer, or NULL */
  gboolean    dropped;        /* the last forward applied the hidden masks */
  gboolean    input_dropped;  /* ... and the input mask (x → input_drop) */
  /* the image layers' buffers (backend memory) */
  gint32    **argmax;         /* max-pool: per output its input's index in the plane */
  float     **xhat;           /* batch-norm: the normalized input [max_batch, n] */
  float     **inv_std;        /* batch-norm: [channels] */
  float      *col;            /* conv2d: the backend's workspace (ops->conv2d_workspace) */
  gsize       col_floats;     /* ... its size */
  gboolean    bn_training;    /* the last (or the running) forward was a training
                               * pass: batch norm used the batch's statistics */
  gboolean   *blockable;      /* per layer, fixed by the spec and the backend: a
                               * training pass leaves its output in nChw16c order
                               * (conv → conv or conv → max-pool) */
} InkNetworkPrivate;

static inline InkNetworkPrivate *
net_priv (InkNetwork *net)
{
  return (InkNetworkPrivate *) net;
}

/* ------------------------------------------------------------------------ */
/* activation names */

static const char * const activation_names[] = {
  [INK_ACT_IDENTITY] = "identity",
  [INK_ACT_SIGMOID] = "sigmoid",
  [INK_ACT_TANH] = "tanh",
  [INK_ACT_RELU] = "relu",
  [INK_ACT_LEAKY_RELU] = "leaky-relu",
  [INK_ACT_SOFTMAX] = "softmax",
};

const char *
ink_activation_to_string (InkActivation a)
{
  return ink_names_lookup (activation_names, G_N_ELEMENTS (activation_names), a);
}

gboolean
ink_activation_from_string (const char    *s,
                            InkActivation *out)
{
  guint i;

  /* "leaky_relu" as Keras spells it */
  if (s != NULL && g_ascii_strcasecmp (s, "leaky_relu") == 0)
    i = INK_ACT_LEAKY_RELU;
  else if (!ink_names_find (activation_names, G_N_ELEMENTS (activation_names), s, &i))
    return FALSE;
  if (out != NULL)
    *out = (InkActivation) i;
  return TRUE;
}

const char *
ink_activation_choices (void)
{
  static const char *choices = NULL;

  return ink_names_choices (&choices, activation_names, G_N_ELEMENTS (activation_names));
}

/* ------------------------------------------------------------------------ */
/* layer kinds and padding names */

static const char * const layer_kind_names[] = {
  [INK_LAYER_DENSE] = "dense",
  [INK_LAYER_CONV2D] = "conv2d",
  [INK_LAYER_MAX_POOL] = "max-pool",
  [INK_LAYER_AVG_POOL] = "avg-pool",
  [INK_LAYER_BATCH_NORM] = "batch-norm",
};

const char *
ink_layer_kind_to_string (InkLayerKind k)
{
  return ink_names_lookup (layer_kind_names, G_N_ELEMENTS (layer_kind_names), k);
}

gboolean
ink_layer_kind_from_string (const char   *s,
                            InkLayerKind *out)
{
  guint i;

  if (!ink_names_find (layer_kind_names, G_N_ELEMENTS (layer_kind_names), s, &i))
    return FALSE;
  if (out != NULL)
    *out = (InkLayerKind) i;
  return TRUE;
}

const char *
ink_layer_kind_choices (void)
{
  static const char *choices = NULL;

  return ink_names_choices (&choices, layer_kind_names, G_N_ELEMENTS (layer_kind_names));
}

static const char * const padding_names[] = {
  [INK_PADDING_VALID] = "valid",
  [INK_PADDING_SAME] = "same",
};

const char *
ink_padding_to_string (InkPadding p)
{
  return ink_names_lookup (padding_names, G_N_ELEMENTS (padding_names), p);
}

gboolean
ink_padding_from_string (const char *s,
                         InkPadding *out)
{
  guint i;

  if (!ink_names_find (padding_names, G_N_ELEMENTS (padding_names), s, &i))
    return FALSE;
  if (out != NULL)
    *out = (InkPadding) i;
  return TRUE;
}

char *
ink_layer_describe (const InkNetSpec *spec,
                    int               l)
{
  const InkLayerSpec *ls;

  g_return_val_if_fail (spec != NULL && l >= 0 && l < spec->n_layers, NULL);

  ls = &spec->layers[l];
  switch (ls->kind)
    {
    case INK_LAYER_CONV2D:
      return g_strdup_printf ("layer %d (conv2d %d %d×%d)", l + 1, ls->filters,
                              ls->kernel_h, ls->kernel_w);
    case INK_LAYER_MAX_POOL:
    case INK_LAYER_AVG_POOL:
      return g_strdup_printf ("layer %d (%s %d×%d)", l + 1, ink_layer_kind_to_string (ls->kind),
                              ls->pool_size, ls->pool_size);
    case INK_LAYER_BATCH_NORM:
      return g_strdup_printf ("layer %d (batch-norm)", l + 1);
    case INK_LAYER_DENSE:
    default:
      if (l == spec->n_layers - 1)
        return g_strdup_printf ("layer %d (output)", l + 1);
      return g_strdup_printf ("layer %d (dense %d)", l + 1, ls->units);
    }
}

/* ------------------------------------------------------------------------ */
/* the spec */

InkNetSpec *
ink_net_spec_copy (const InkNetSpec *spec)
{
  InkNetSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = g_new (InkNetSpec, 1);
  *copy = *spec;
  copy->layers = spec->n_layers > 0 && spec->layers != NULL
    ? g_memdup2 (spec->layers, sizeof (InkLayerSpec) * spec->n_layers)
    : NULL;

  return copy;
}

void
ink_net_spec_free (InkNetSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->layers);
  g_free (spec);
}

gboolean
ink_net_spec_has_image_layers (const InkNetSpec *spec)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  for (int l = 0; l < spec->n_layers; l++)
    if (spec->layers[l].kind != INK_LAYER_DENSE)
      return TRUE;
  return FALSE;
}

/* outputs of one layer at most: a batch of them must stay addressable */
#define MAX_LAYER_OUTPUTS  (G_GUINT64_CONSTANT (1) << 28)

gboolean
ink_net_spec_shapes (const InkNetSpec  *spec,
                     InkLayerShape     *shapes,
                     GError           **error)
{
  int c, h, w;
  gboolean flat;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

#define FAIL_AT(l, fmt, ...) G_STMT_START { \
    g_autofree char *who_ = ink_layer_describe (spec, (l)); \
    g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC, \
                 "%s: " fmt, who_, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

  if (spec->n_inputs < 1 || spec->n_layers < 1 || spec->layers == NULL)
    {
      g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC,
                   "the network needs inputs and at least one layer");
      return FALSE;
    }

  /* the input: an image when the first layer wants one */
  if (spec->layers[0].kind == INK_LAYER_DENSE)
    {
      c = spec->n_inputs;
      h = w = 1;
      flat = TRUE;
    }
  else if (spec->in_channels == 0 && spec->in_height == 0 && spec->in_width == 0)
    {
      int side = (int) floor (sqrt ((double) spec->n_inputs) + 0.5);

      if ((gint64) side * side != spec->n_inputs)
        {
          g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC,
                       "the network's %d inputs are not a square image: give the input's "
                       "channels, height and width", spec->n_inputs);
          return FALSE;
        }
      c = 1;
      h = w = side;
      flat = FALSE;
    }
  else
    {
      if (spec->in_channels < 1 || spec->in_height < 1 || spec->in_width < 1 ||
          (gint64) spec->in_channels * spec->in_height * spec->in_width != spec->n_inputs)
        {
          g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC,
                       "the input image %d×%d×%d (channels×height×width) does not hold the "
                       "network's %d inputs", spec->in_channels, spec->in_height,
                       spec->in_width, spec->n_inputs);
          return FALSE;
        }
      c = spec->in_channels;
      h = spec->in_height;
      w = spec->in_width;
      flat = FALSE;
    }

  for (int l = 0; l < spec->n_layers; l++)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      InkLayerShape sh = { 0 };
      gsize in_n = (gsize) c * h * w;

      sh.in_channels = c;
      sh.in_height = h;
      sh.in_width = w;
      sh.in_flat = flat;
      sh.n_inputs = in_n;

      switch (ls->kind)
        {
        case INK_LAYER_DENSE:
          /* the implicit flatten */
          if (ls->units < 1)
            FAIL_AT (l, "%d units, must be at least 1", ls->units);
          c = ls->units;
          h = w = 1;
          flat = TRUE;
          sh.n_weights = (gsize) ls->units * in_n;
          sh.n_biases = ls->units;
          sh.row_len = (int) MIN (in_n, (gsize) G_MAXINT);
          break;

        case INK_LAYER_CONV2D:
          {
            int oh, ow;

            if (flat)
              FAIL_AT (l, "its input is flat (%" G_GSIZE_FORMAT " values): a conv2d layer "
                       "cannot follow a dense one", in_n);
            if (ls->filters < 1 || ls->filters > INK_MAX_UNITS)
              FAIL_AT (l, "%d filters, must be between 1 and %d", ls->filters, INK_MAX_UNITS);
            if (ls->kernel_h < 1 || ls->kernel_w < 1)
              FAIL_AT (l, "the kernel %d×%d must be at least 1×1", ls->kernel_h, ls->kernel_w);
            if (ls->stride < 1)
              FAIL_AT (l, "stride %d must be at least 1", ls->stride);
            if (ls->padding == INK_PADDING_VALID)
              {
                if (ls->kernel_h > h || ls->kernel_w > w)
                  FAIL_AT (l, "its input is %d×%d, smaller than the %d×%d kernel "
                           "(valid padding)", h, w, ls->kernel_h, ls->kernel_w);
                oh = (h - ls->kernel_h) / ls->stride + 1;
                ow = (w - ls->kernel_w) / ls->stride + 1;
              }
            else if (ls->padding == INK_PADDING_SAME)
              {
                oh = (h + ls->stride - 1) / ls->stride;
                ow = (w + ls->stride - 1) / ls->stride;
                sh.pad_top = MAX ((oh - 1) * ls->stride + ls->kernel_h - h, 0) / 2;
                sh.pad_left = MAX ((ow - 1) * ls->stride + ls->kernel_w - w, 0) / 2;
              }
            else
              FAIL_AT (l, "unknown padding %d", (int) ls->padding);
            sh.n_weights = (gsize) ls->filters * c * ls->kernel_h * ls->kernel_w;
            sh.n_biases = ls->filters;
            sh.row_len = (int) MIN ((gsize) c * ls->kernel_h * ls->kernel_w, (gsize) G_MAXINT);
            c = ls->filters;
            h = oh;
            w = ow;
          }
          break;

        case INK_LAYER_MAX_POOL:
        case INK_LAYER_AVG_POOL:
          if (flat)
            FAIL_AT (l, "its input is flat (%" G_GSIZE_FORMAT " values): a pool cannot "
                     "follow a dense layer", in_n);
          if (ls->pool_size < 1)
            FAIL_AT (l, "the window %d×%d must be at least 1×1", ls->pool_size, ls->pool_size);
          if (ls->stride < 1)
            FAIL_AT (l, "stride %d must be at least 1", ls->stride);
          if (ls->pool_size > h || ls->pool_size > w)
            FAIL_AT (l, "its input is %d×%d", h, w);
          h = (h - ls->pool_size) / ls->stride + 1;
          w = (w - ls->pool_size) / ls->stride + 1;
          break;

        case INK_LAYER_BATCH_NORM:
          sh.n_weights = c;
          sh.n_biases = c;
          sh.n_state = 2 * (gsize) c;
          sh.row_len = 1;
          break;

        default:
          FAIL_AT (l, "unknown layer kind %d", (int) ls->kind);
        }

      sh.channels = c;
      sh.height = h;
      sh.width = w;
      sh.flat = flat;
      sh.n_outputs = (gsize) c * h * w;
      if (sh.n_outputs > MAX_LAYER_OUTPUTS)
        FAIL_AT (l, "its output %d×%d×%d holds more than %" G_GUINT64_FORMAT " values",
                 c, h, w, MAX_LAYER_OUTPUTS);
      if (shapes != NULL)
        shapes[l] = sh;
    }

#undef FAIL_AT

  return TRUE;
}

gsize
ink_net_spec_n_state (const InkNetSpec *spec)
{
  g_autofree InkLayerShape *shapes = NULL;
  gsize total = 0;

  g_return_val_if_fail (spec != NULL, 0);

  if (!ink_net_spec_has_image_layers (spec))
    return 0;
  shapes = g_new0 (InkLayerShape, spec->n_layers);
  if (!ink_net_spec_shapes (spec, shapes, NULL))
    return 0;
  for (int l = 0; l < spec->n_layers; l++)
    total += shapes[l].n_state;
  return total;
}

gsize
ink_net_spec_n_params (const InkNetSpec *spec)
{
  gsize total = 0;
  gsize in;

  g_return_val_if_fail (spec != NULL, 0);

  if (ink_net_spec_has_image_layers (spec))
    {
      g_autofree InkLayerShape *shapes = g_new0 (InkLayerShape, spec->n_layers);

      if (!ink_net_spec_shapes (spec, shapes, NULL))
        return 0;
      for (int l = 0; l < spec->n_layers; l++)
        total += shapes[l].n_weights + shapes[l].n_biases + shapes[l].n_state;
      return total;
    }

  in = (gsize) MAX (spec->n_inputs, 0);
  for (int l = 0; l < spec->n_layers; l++)
    {
      gsize out = (gsize) MAX (spec->layers[l].units, 0);

      total += out * in + out;
      in = out;
    }

  return total;
}

/* "1.0", "0.25": a float as a person would write it */
static void
format_value (char   *buf,
              gsize   size,
              double  v)
{
  if (isfinite (v) && v == floor (v) && fabs (v) < 1e15)
    g_snprintf (buf, size, "%.1f", v);
  else
    g_snprintf (buf, size, "%g", v);
}

static gboolean
valid_activation (InkActivation a)
{
  return (int) a >= INK_ACT_IDENTITY && (int) a <= INK_ACT_SOFTMAX;
}

gboolean
ink_net_spec_validate (const InkNetSpec  *spec,
                       GError           **error)
{
  char v[64];
  const InkLayerSpec *out_layer;
  int last;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

#define FAIL(...) G_STMT_START { \
    g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

  if (spec->n_inputs < 1 || spec->n_inputs > INK_MAX_INPUTS)
    FAIL ("the network needs between 1 and %d inputs, not %d", INK_MAX_INPUTS, spec->n_inputs);
  if (!(spec->input_dropout >= 0.0f && spec->input_dropout < 1.0f))
    {
      format_value (v, sizeof v, spec->input_dropout);
      FAIL ("input dropout %s must be in [0, 1)", v);
    }
  if (spec->n_layers < 1 || spec->layers == NULL)
    FAIL ("the network needs at least one layer (the output layer)");
  if (!isfinite (spec->leaky_slope))
    FAIL ("the leaky ReLU slope must be a finite number");
  if ((int) spec->loss != INK_LOSS_CROSS_ENTROPY && (int) spec->loss != INK_LOSS_MSE)
    FAIL ("unknown loss %d", (int) spec->loss);
  if ((int) spec->init < INK_INIT_GLOROT_UNIFORM || (int) spec->init > INK_INIT_HE_NORMAL)
    FAIL ("unknown weight initialization %d", (int) spec->init);

  last = spec->n_layers - 1;
  for (int l = 0; l < spec->n_layers; l++)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      const char *what = l == last ? " (output)" : "";

      if ((int) ls->kind < INK_LAYER_DENSE || (int) ls->kind > INK_LAYER_BATCH_NORM)
        FAIL ("layer %d%s: unknown layer kind %d", l + 1, what, (int) ls->kind);
      if (ls->kind != INK_LAYER_DENSE)
        {
          g_autofree char *who = ink_layer_describe (spec, l);

          if (l == last)
            FAIL ("%s: the output layer must be dense", who);
          if (ls->kind == INK_LAYER_BATCH_NORM &&
              !(ls->momentum >= 0.0f && ls->momentum < 1.0f))
            {
              format_value (v, sizeof v, ls->momentum);
              FAIL ("%s: momentum %s must be in [0, 1)", who, v);
            }
          if (ls->kind == INK_LAYER_BATCH_NORM &&
              !(ls->epsilon > 0.0f && isfinite (ls->epsilon)))
            {
              format_value (v, sizeof v, ls->epsilon);
              FAIL ("%s: epsilon %s must be a positive number", who, v);
            }
        }
      else if (ls->units < 1 || ls->units > INK_MAX_UNITS)
        FAIL ("layer %d%s: %d units, must be between 1 and %d", l + 1, what, ls->units, INK_MAX_UNITS);
      if (!valid_activation (ls->activation))
        FAIL ("layer %d%s: unknown activation %d", l + 1, what, (int) ls->activation);
      if (!(ls->dropout >= 0.0f && ls->dropout < 1.0f))
        {
          format_value (v, sizeof v, ls->dropout);
          FAIL ("layer %d%s: dropout %s must be in [0, 1)", l + 1, what, v);
        }
      if (l == last && ls->dropout != 0.0f)
        {
          format_value (v, sizeof v, ls->dropout);
          FAIL ("layer %d (output): dropout %s must be 0 on the output layer", l + 1, v);
        }
      if (l != last && ls->activation == INK_ACT_SOFTMAX)
        FAIL ("layer %d: softmax is only allowed on the output layer", l + 1);
    }

  out_layer = &spec->layers[last];
  if (spec->loss == INK_LOSS_CROSS_ENTROPY && out_layer->activation != INK_ACT_SOFTMAX)
    FAIL ("layer %d (output): cross-entropy needs a softmax output layer, not %s",
          last + 1, ink_activation_to_string (out_layer->activation));
  if (spec->loss == INK_LOSS_MSE && out_layer->activation == INK_ACT_SOFTMAX)
    FAIL ("layer %d (output): a softmax output goes with the cross-entropy loss, not MSE",
          last + 1);

  if (ink_net_spec_has_image_layers (spec) && !ink_net_spec_shapes (spec, NULL, error))
    return FALSE;

  if (ink_net_spec_n_params (spec) > MAX_PARAMS)
    FAIL ("the network has %" G_GSIZE_FORMAT " parameters, more than the limit of %" G_GUINT64_FORMAT,
          ink_net_spec_n_params (spec), MAX_PARAMS);

#undef FAIL

  return TRUE;
}

gboolean
ink_net_spec_same_network (const InkNetSpec *a,
                           const InkNetSpec *b)
{
  if (a->n_inputs != b->n_inputs || a->n_layers != b->n_layers ||
      a->loss != b->loss || a->leaky_slope != b->leaky_slope)
    return FALSE;
  for (int l = 0; l < a->n_layers; l++)
    {
      const InkLayerSpec *la = &a->layers[l], *lb = &b->layers[l];

      if (la->kind != lb->kind || la->activation != lb->activation)
        return FALSE;
      switch (la->kind)
        {
        case INK_LAYER_DENSE:
          if (la->units != lb->units)
            return FALSE;
          break;
        case INK_LAYER_CONV2D:
          if (la->filters != lb->filters || la->kernel_h != lb->kernel_h ||
              la->kernel_w != lb->kernel_w || la->stride != lb->stride ||
              la->padding != lb->padding)
            return FALSE;
          break;
        case INK_LAYER_MAX_POOL:
        case INK_LAYER_AVG_POOL:
          if (la->pool_size != lb->pool_size || la->stride != lb->stride)
            return FALSE;
          break;
        case INK_LAYER_BATCH_NORM:
          if (la->epsilon != lb->epsilon)
            return FALSE;
          break;
        default:
          return FALSE;
        }
    }
  if (ink_net_spec_has_image_layers (a))
    {
      InkLayerShape sa, sb;
      g_autofree InkLayerShape *shapes_a = g_new0 (InkLayerShape, a->n_layers);
      g_autofree InkLayerShape *shapes_b = g_new0 (InkLayerShape, b->n_layers);

      /* the same input image */
      if (!ink_net_spec_shapes (a, shapes_a, NULL) || !ink_net_spec_shapes (b, shapes_b, NULL))
        return FALSE;
      sa = shapes_a[0];
      sb = shapes_b[0];
      if (sa.in_channels != sb.in_channels || sa.in_height != sb.in_height ||
          sa.in_width != sb.in_width)
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* the network */

/* the values one sample feeds layer l (the previous layer's outputs, or the
 * network's inputs): for a dense stack the previous layer's units */
static inline int
layer_inputs (const InkNetwork *net,
              int               l)
{
  return (int) net->shape[l].n_inputs;
}

InkConvGeom
ink_conv_geom_from_shape (const InkLayerSpec  *ls,
                          const InkLayerShape *sh)
{
  return (InkConvGeom) {
    .channels = sh->in_channels, .height = sh->in_height, .width = sh->in_width,
    .filters = ls->filters, .kernel_h = ls->kernel_h, .kernel_w = ls->kernel_w,
    .stride = ls->stride, .pad_top = sh->pad_top, .pad_left = sh->pad_left,
    .out_h = sh->height, .out_w = sh->width,
  };
}

/* layer l's output is in nChw16c order in the last (or the running) pass */
static inline gboolean
is_blocked (const InkNetworkPrivate *priv,
            int                      l)
{
  return l >= 0 && priv->bn_training && priv->blockable[l];
}

/* a convolution whose ReLU the backend applies in the same call */
static inline gboolean
fuses_relu (const InkNetwork *net,
            int               l)
{
  const InkLayerSpec *ls = &net->spec->layers[l];

  return ls->kind == INK_LAYER_CONV2D && ls->activation == INK_ACT_RELU && net->be->ops->conv_relu;
}

/* layer l's geometry, with the layouts of its input and output as the
 * last forward pass left them */
static InkConvGeom
conv_geom (const InkNetwork *net,
           int               l)
{
  const InkNetworkPrivate *priv = (const InkNetworkPrivate *) net;
  InkConvGeom g = ink_conv_geom_from_shape (&net->spec->layers[l], &net->shape[l]);

  g.src_blocked = is_blocked (priv, l - 1);
  g.dst_blocked = is_blocked (priv, l);
  g.relu = fuses_relu (net, l);
  return g;
}

/* Whether a training pass keeps layer l's output in the backend's blocked
 * order: a convolution feeding a convolution or a max pooling, channels a
 * multiple of 16, no dropout (its masks follow NCHW positions, as the GPU
 * draws them).  Only the convolution, the elementwise activation after it
 * and the next layer touch such a tensor (the pooling's output is NCHW); an
 * evaluation pass keeps NCHW everywhere, for the feature maps and saliency
 * read from act[]. */
static gboolean
keeps_blocked (const InkNetwork *net,
               int               l)
{
  /* INKLING_CONV_PLAIN=1: NCHW throughout (to measure the difference) */
  static int plain = -1;
  const InkNetSpec *spec = net->spec;
  const InkLayerSpec *ls = &spec->layers[l];
  const InkBackendOps *ops = net->be->ops;
  InkLayerKind next;

  if (plain < 0)
    plain = g_getenv ("INKLING_CONV_PLAIN") != NULL;
  if (plain || !ops->conv_blocked || l + 1 >= spec->n_layers ||
      ls->kind != INK_LAYER_CONV2D || ls->filters % 16 != 0 || ls->dropout != 0.0f)
    return FALSE;
  next = spec->layers[l + 1].kind;
  return next == INK_LAYER_CONV2D ||
         (next == INK_LAYER_MAX_POOL && ops->max_pool_forward_blocked != NULL &&
          ops->max_pool_backward_blocked != NULL);
}

static inline gboolean
needs_pre_dropout (const InkLayerSpec *ls)
{
  /* relu, leaky-relu and identity derivatives read the same from the
   * dropped-out output (the mask is 0 or a positive scale) */
  return ls->dropout > 0.0f &&
         (ls->activation == INK_ACT_SIGMOID || ls->activation == INK_ACT_TANH);
}

InkNetwork *
ink_network_new (const InkNetSpec  *spec,
                 InkBackend        *be,
                 int                max_batch,
                 GError           **error)
{
  InkNetworkPrivate *priv;
  InkNetwork *net;
  GError *local_error = NULL;
  gsize off = 0;
  gsize col_size = 0;
  int L;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (be != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ink_net_spec_validate (spec, error))
    return NULL;
  if (max_batch < 1)
    {
      g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC,
                   "the batch size must be at least 1, not %d", max_batch);
      return NULL;
    }

  L = spec->n_layers;
  priv = g_new0 (InkNetworkPrivate, 1);
  net = &priv->pub;
  net->be = be;
  net->spec = ink_net_spec_copy (spec);
  net->max_batch = max_batch;
  net->n_params = ink_net_spec_n_params (spec);
  net->w_offset = g_new0 (gsize, L);
  net->b_offset = g_new0 (gsize, L);
  net->act = g_new0 (float *, L);
  net->delta = g_new0 (float *, L);
  net->mask = g_new0 (float *, L);
  priv->pre = g_new0 (float *, L);
  priv->argmax = g_new0 (gint32 *, L);
  priv->xhat = g_new0 (float *, L);
  priv->inv_std = g_new0 (float *, L);
  priv->blockable = g_new0 (gboolean, L);
  net->shape = g_new0 (InkLayerShape, L);
  net->s_offset = g_new0 (gsize, L);
  if (!ink_net_spec_shapes (spec, net->shape, &local_error))
    g_assert_not_reached ();   /* validated above */

  for (int l = 0; l < L; l++)
    {
      net->w_offset[l] = off;
      off += net->shape[l].n_weights;
      net->b_offset[l] = off;
      off += net->shape[l].n_biases;
      net->s_offset[l] = off;
      off += net->shape[l].n_state;
      net->n_state += net->shape[l].n_state;
      priv->blockable[l] = keeps_blocked (net, l);
    }

#define ALLOC(dst, n_floats) G_STMT_START { \
    (dst) = ink_backend_alloc_floats (be, (n_floats), &local_error); \
    if ((dst) == NULL) \
      goto fail; \
  } G_STMT_END

  ALLOC (net->params, net->n_params);
  ALLOC (net->grads, net->n_params);
  for (int l = 0; l < L; l++)
    {
      gsize n = (gsize) max_batch * net->shape[l].n_outputs;

      ALLOC (net->act[l], n);
      ALLOC (net->delta[l], n);
      if (spec->layers[l].dropout > 0.0f)
        ALLOC (net->mask[l], n);
      if (needs_pre_dropout (&spec->layers[l]))
        ALLOC (priv->pre[l], n);
      switch (spec->layers[l].kind)
        {
        case INK_LAYER_CONV2D:
          {
            InkConvGeom g = conv_geom (net, l);

            col_size = MAX (col_size, be->ops->conv2d_workspace (be, &g, max_batch));
          }
          break;
        case INK_LAYER_MAX_POOL:
          priv->argmax[l] = be->ops->alloc (be, n * sizeof (gint32), &local_error);
          if (priv->argmax[l] == NULL)
            goto fail;
          break;
        case INK_LAYER_BATCH_NORM:
          ALLOC (priv->xhat[l], n);
          ALLOC (priv->inv_std[l], net->shape[l].channels);
          break;
        case INK_LAYER_DENSE:
        case INK_LAYER_AVG_POOL:
        default:
          break;
        }
    }
  if (col_size > 0)
    ALLOC (priv->col, col_size);
  priv->col_floats = col_size;
  if (spec->input_dropout > 0.0f)
    {
      gsize n = (gsize) max_batch * spec->n_inputs;

      ALLOC (net->input_mask, n);
      ALLOC (net->input_drop, n);
    }

#undef ALLOC

  return net;

fail:
  g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_NO_MEMORY,
               "cannot allocate the network: %s",
               local_error != NULL ? local_error->message : "out of memory");
  g_clear_error (&local_error);
  ink_network_free (net);
  return NULL;
}

void
ink_network_free (InkNetwork *net)
{
  InkNetworkPrivate *priv;
  const InkBackendOps *ops;

  if (net == NULL)
    return;

  priv = net_priv (net);
  ops = net->be->ops;
  for (int l = 0; l < net->spec->n_layers; l++)
    {
      if (net->act[l] != NULL)
        ops->free (net->be, net->act[l]);
      if (net->delta[l] != NULL)
        ops->free (net->be, net->delta[l]);
      if (net->mask[l] != NULL)
        ops->free (net->be, net->mask[l]);
      if (priv->pre[l] != NULL)
        ops->free (net->be, priv->pre[l]);
      if (priv->xhat[l] != NULL)
        ops->free (net->be, priv->xhat[l]);
      if (priv->inv_std[l] != NULL)
        ops->free (net->be, priv->inv_std[l]);
      if (priv->argmax[l] != NULL)
        ops->free (net->be, priv->argmax[l]);
    }
  if (priv->col != NULL)
    ops->free (net->be, priv->col);
  if (net->params != NULL)
    ops->free (net->be, net->params);
  if (net->grads != NULL)
    ops->free (net->be, net->grads);
  if (net->input_mask != NULL)
    ops->free (net->be, net->input_mask);
  if (net->input_drop != NULL)
    ops->free (net->be, net->input_drop);
  if (net->d_input != NULL)
    ops->free (net->be, net->d_input);

  g_free (net->act);
  g_free (net->delta);
  g_free (net->mask);
  g_free (priv->pre);
  g_free (priv->argmax);
  g_free (priv->xhat);
  g_free (priv->inv_std);
  g_free (priv->blockable);
  g_free (net->w_offset);
  g_free (net->b_offset);
  g_free (net->shape);
  g_free (net->s_offset);
  ink_net_spec_free (net->spec);
  g_free (priv);
}

/* floats generated and uploaded at a time: a bounded host buffer (a
 * 40000-unit layer holds 1.6 G weights) and a cancel check every ~10 ms */
#define INIT_CHUNK (1u << 20)

gboolean
ink_network_init_params_cancellable (InkNetwork   *net,
                                     guint64       seed,
                                     GCancellable *cancellable)
{
  const InkNetSpec *spec;
  g_autofree float *chunk = NULL;
  InkRng rng;

  g_return_val_if_fail (net != NULL, FALSE);

  spec = net->spec;
  chunk = g_new0 (float, INIT_CHUNK);
  ink_rng_init (&rng, seed);

  /* everything zero first (biases, a zero-initialized output layer) */
  for (gsize off = 0; off < net->n_params; off += INIT_CHUNK)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      net->be->ops->upload (net->be, net->params + off, chunk,
                            MIN (INIT_CHUNK, net->n_params - off) * sizeof (float));
    }

  /* then the weights, layer after layer, in the generator's order */
  for (int l = 0; l < spec->n_layers; l++)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      gsize in = layer_inputs (net, l);
      gsize out = ls->units;
      gsize n = in * out;
      double fan_sum;

      if (l == spec->n_layers - 1 && spec->zero_output_init != 0.0f)
        continue;   /* already zero */
      if (ls->kind == INK_LAYER_BATCH_NORM)
        {
          /* γ = 1 and running variance 1 (β and running mean stay 0) */
          n = net->shape[l].channels;
          for (gsize i = 0; i < MIN (n, (gsize) INIT_CHUNK); i++)
            chunk[i] = 1.0f;
          for (gsize start = 0; start < n; start += INIT_CHUNK)
            {
              gsize len = MIN (INIT_CHUNK, n - start);

              net->be->ops->upload (net->be, net->params + net->w_offset[l] + start, chunk,
                                    len * sizeof (float));
              net->be->ops->upload (net->be, net->params + net->s_offset[l] + n + start, chunk,
                                    len * sizeof (float));
            }
          continue;
        }
      if (ls->kind != INK_LAYER_DENSE && ls->kind != INK_LAYER_CONV2D)
        continue;   /* no weights */
      if (ls->kind == INK_LAYER_CONV2D)
        {
          /* fans as Keras counts them for a kernel: per output, the
           * receptive field; per input, the field times the filters */
          in = (gsize) net->shape[l].row_len;
          out = (gsize) ls->filters * ls->kernel_h * ls->kernel_w;
          n = net->shape[l].n_weights;
        }
      fan_sum = (double) in + (double) out;

      for (gsize start = 0; start < n; start += INIT_CHUNK)
        {
          gsize len = MIN (INIT_CHUNK, n - start);

          if (g_cancellable_is_cancelled (cancellable))
            return FALSE;
          for (gsize i = 0; i < len; i++)
            {
              double v;

              switch (spec->init)
                {
                case INK_INIT_GLOROT_UNIFORM:
                  v = (2.0 * ink_rng_uniform (&rng) - 1.0) * sqrt (6.0 / fan_sum);
                  break;
                case INK_INIT_GLOROT_NORMAL:
                  v = ink_rng_normal (&rng) * sqrt (2.0 / fan_sum);
                  break;
                case INK_INIT_HE_UNIFORM:
                  v = (2.0 * ink_rng_uniform (&rng) - 1.0) * sqrt (6.0 / (double) in);
                  break;
                case INK_INIT_HE_NORMAL:
                  v = ink_rng_normal (&rng) * sqrt (2.0 / (double) in);
                  break;
                default:
                  g_assert_not_reached ();
                }
              chunk[i] = (float) v;
            }
          net->be->ops->upload (net->be, net->params + net->w_offset[l] + start, chunk,
                                len * sizeof (float));
        }
    }
  return TRUE;
}

void
ink_network_init_params (InkNetwork *net,
                         guint64     seed)
{
  ink_network_init_params_cancellable (net, seed, NULL);
}

float *
ink_network_forward (InkNetwork  *net,
                     const float *x,
                     int          batch,
                     gboolean     training,
                     guint64      dropout_seed,
                     guint64      dropout_stream)
{
  InkNetworkPrivate *priv;
  const InkNetSpec *spec;
  const InkBackendOps *ops;
  InkBackend *be;
  guint64 stream_base;
  const float *in;

  g_return_val_if_fail (net != NULL, NULL);
  g_return_val_if_fail (x != NULL, NULL);
  g_return_val_if_fail (batch >= 1 && batch <= net->max_batch, NULL);

  priv = net_priv (net);
  spec = net->spec;
  be = net->be;
  ops = be->ops;
  stream_base = dropout_stream * (guint64) (spec->n_layers + 1);
  in = x;

  priv->bn_training = training;   /* before the layers: conv_geom reads it */
  priv->input_dropped = FALSE;
  if (training && spec->input_dropout > 0.0f)
    {
      gsize n = (gsize) batch * spec->n_inputs;

      ops->copy (be, net->input_drop, x, n * sizeof (float));
      ops->dropout_forward (be, net->input_drop, net->input_mask, n, spec->input_dropout,
                            dropout_seed, stream_base);
      in = net->input_drop;
      priv->input_dropped = TRUE;
    }

  for (int l = 0; l < spec->n_layers; l++)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      const InkLayerShape *sh = &net->shape[l];
      int n_in = layer_inputs (net, l);
      int n_out = (int) sh->n_outputs;
      gsize n = (gsize) batch * n_out;
      float *y = net->act[l];

      switch (ls->kind)
        {
        case INK_LAYER_DENSE:
          ops->gemm (be, FALSE, TRUE, batch, n_out, n_in, 1.0f,
                     in, n_in, net->params + net->w_offset[l], n_in, 0.0f, y, n_out);
          ops->bias_add (be, y, net->params + net->b_offset[l], batch, n_out);
          break;
        case INK_LAYER_CONV2D:
          {
            InkConvGeom g = conv_geom (net, l);

            ops->conv2d_forward (be, &g, batch, in, net->params + net->w_offset[l],
                                 net->params + net->b_offset[l], y, priv->col, priv->col_floats);
          }
          break;
        case INK_LAYER_MAX_POOL:
          (is_blocked (priv, l - 1) ? ops->max_pool_forward_blocked : ops->max_pool_forward)
            (be, sh->in_channels, sh->in_height, sh->in_width, ls->pool_size, ls->stride, batch,
             in, y, priv->argmax[l]);
          break;
        case INK_LAYER_AVG_POOL:
          ops->avg_pool_forward (be, sh->in_channels, sh->in_height, sh->in_width, ls->pool_size,
                                 ls->stride, batch, in, y);
          break;
        case INK_LAYER_BATCH_NORM:
          ops->batch_norm_forward (be, batch, sh->channels, sh->height * sh->width, in,
                                   net->params + net->w_offset[l],
                                   net->params + net->b_offset[l], ls->epsilon,
                                   training, ls->momentum, net->params + net->s_offset[l],
                                   net->params + net->s_offset[l] + sh->channels,
                                   y, priv->xhat[l], priv->inv_std[l]);
          break;
        default:
          g_assert_not_reached ();
        }
      if (ls->activation != INK_ACT_IDENTITY && ls->activation != INK_ACT_SOFTMAX &&
          !fuses_relu (net, l))
        ops->act_forward (be, ls->activation, spec->leaky_slope, y, n);
      if (training && ls->dropout > 0.0f)
        {
          if (priv->pre[l] != NULL)
            ops->copy (be, priv->pre[l], y, n * sizeof (float));
          ops->dropout_forward (be, y, net->mask[l], n, ls->dropout,
                                dropout_seed, stream_base + (guint64) l + 1);
        }
      in = y;
    }
  priv->dropped = training;

  return net->act[spec->n_layers - 1];
}

void
ink_network_backward (InkNetwork  *net,
                      const float *x,
                      int          batch,
                      gboolean     want_input_grad)
{
  InkNetworkPrivate *priv;
  const InkNetSpec *spec;
  const InkBackendOps *ops;
  InkBackend *be;
  const InkLayerSpec *out_layer;
  int L;

  g_return_if_fail (net != NULL);
  g_return_if_fail (x != NULL);
  g_return_if_fail (batch >= 1 && batch <= net->max_batch);

  priv = net_priv (net);
  spec = net->spec;
  be = net->be;
  ops = be->ops;
  L = spec->n_layers;

  /* the output: softmax + cross-entropy hands us dL/dlogits already */
  out_layer = &spec->layers[L - 1];
  if (out_layer->activation != INK_ACT_SOFTMAX && out_layer->activation != INK_ACT_IDENTITY)
    ops->act_backward (be, out_layer->activation, spec->leaky_slope, net->act[L - 1],
                       net->delta[L - 1], (gsize) batch * net->shape[L - 1].n_outputs);

  if (want_input_grad && net->d_input == NULL)
    {
      GError *error = NULL;

      net->d_input = ink_backend_alloc_floats (be, (gsize) net->max_batch * spec->n_inputs,
                                               &error);
      if (net->d_input == NULL)
        {
          g_critical ("ink_network_backward: no memory for the input gradient: %s",
                      error->message);
          g_clear_error (&error);
          want_input_grad = FALSE;
        }
    }

  for (int l = L - 1; l >= 0; l--)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      const InkLayerShape *sh = &net->shape[l];
      int n_in = layer_inputs (net, l);
      int n_out = (int) sh->n_outputs;
      const float *w = net->params + net->w_offset[l];
      const float *prev;

      if (l > 0)
        prev = net->act[l - 1];
      else
        prev = priv->input_dropped ? net->input_drop : x;

      if (ls->kind != INK_LAYER_DENSE)
        {
          float *din = l > 0 ? net->delta[l - 1] : want_input_grad ? net->d_input : NULL;

          switch (ls->kind)
            {
            case INK_LAYER_CONV2D:
              {
                InkConvGeom g = conv_geom (net, l);

                ops->conv2d_backward (be, &g, batch, prev, w, net->delta[l],
                                      net->grads + net->w_offset[l],
                                      net->grads + net->b_offset[l], din,
                                      priv->col, priv->col_floats);
              }
              break;
            case INK_LAYER_MAX_POOL:
              if (din != NULL)
                (is_blocked (priv, l - 1) ? ops->max_pool_backward_blocked
                                          : ops->max_pool_backward)
                  (be, sh->in_channels, sh->in_height, sh->in_width, ls->pool_size, ls->stride,
                   batch, net->delta[l], priv->argmax[l], din);
              break;
            case INK_LAYER_AVG_POOL:
              if (din != NULL)
                ops->avg_pool_backward (be, sh->in_channels, sh->in_height, sh->in_width,
                                        ls->pool_size, ls->stride, batch, net->delta[l], din);
              break;
            case INK_LAYER_BATCH_NORM:
              ops->batch_norm_backward (be, batch, sh->channels, sh->height * sh->width,
                                        net->delta[l], priv->xhat[l], priv->inv_std[l], w,
                                        priv->bn_training, din,
                                        net->grads + net->w_offset[l],
                                        net->grads + net->b_offset[l]);
              break;
            case INK_LAYER_DENSE:
            default:
              g_assert_not_reached ();
            }
          if (l > 0)
            {
              const InkLayerSpec *pl = &spec->layers[l - 1];
              gsize n = (gsize) batch * n_in;
              float *dp = net->delta[l - 1];

              /* δ_prev ∘= mask ∘ f'(a_prev before dropout) */
              if (priv->dropped && pl->dropout > 0.0f)
                ops->mul (be, dp, net->mask[l - 1], n);
              if (pl->activation != INK_ACT_IDENTITY)
                ops->act_backward (be, pl->activation, spec->leaky_slope,
                                   priv->dropped && priv->pre[l - 1] != NULL
                                     ? priv->pre[l - 1] : net->act[l - 1],
                                   dp, n);
            }
          else if (want_input_grad && priv->input_dropped)
            ops->mul (be, net->d_input, net->input_mask, (gsize) batch * n_in);
          continue;
        }

      /* dW = δᵀ·X_prev, db = Σ_rows δ */
      ops->gemm (be, TRUE, FALSE, n_out, n_in, batch, 1.0f,
                 net->delta[l], n_out, prev, n_in, 0.0f, net->grads + net->w_offset[l], n_in);
      ops->col_sum (be, net->delta[l], batch, n_out, 0.0f, net->grads + net->b_offset[l]);

      if (l > 0)
        {
          const InkLayerSpec *pl = &spec->layers[l - 1];
          gsize n = (gsize) batch * n_in;
          float *dp = net->delta[l - 1];

          /* δ_prev = (δ·W) ∘ mask ∘ f'(a_prev before dropout) */
          ops->gemm (be, FALSE, FALSE, batch, n_in, n_out, 1.0f,
                     net->delta[l], n_out, w, n_in, 0.0f, dp, n_in);
          if (priv->dropped && pl->dropout > 0.0f)
            ops->mul (be, dp, net->mask[l - 1], n);
          if (pl->activation != INK_ACT_IDENTITY)
            ops->act_backward (be, pl->activation, spec->leaky_slope,
                               priv->dropped && priv->pre[l - 1] != NULL
                                 ? priv->pre[l - 1] : net->act[l - 1],
                               dp, n);
        }
      else if (want_input_grad)
        {
          ops->gemm (be, FALSE, FALSE, batch, n_in, n_out, 1.0f,
                     net->delta[0], n_out, w, n_in, 0.0f, net->d_input, n_in);
          if (priv->input_dropped)
            ops->mul (be, net->d_input, net->input_mask, (gsize) batch * n_in);
        }
    }
}

void
ink_network_get_params (InkNetwork *net,
                        float      *host)
{
  g_return_if_fail (net != NULL && host != NULL);

  net->be->ops->download (net->be, host, net->params, net->n_params * sizeof (float));
}

void
ink_network_set_params (InkNetwork  *net,
                        const float *host)
{
  g_return_if_fail (net != NULL && host != NULL);

  net->be->ops->upload (net->be, net->params, host, net->n_params * sizeof (float));
}

void
ink_network_predict (InkNetwork  *net,
                     const float *x_backend,
                     int          batch,
                     float       *probs_host)
{
  const InkNetSpec *spec;
  const InkBackendOps *ops;
  int classes;

  g_return_if_fail (net != NULL);
  g_return_if_fail (batch >= 0);
  g_return_if_fail (batch == 0 || (x_backend != NULL && probs_host != NULL));

  spec = net->spec;
  ops = net->be->ops;
  classes = (int) net->shape[spec->n_layers - 1].n_outputs;

  for (int start = 0; start < batch; start += net->max_batch)
    {
      int nb = MIN (net->max_batch, batch - start);
      float *out;

      out = ink_network_forward (net, x_backend + (gsize) start * spec->n_inputs, nb,
                                 FALSE, 0, 0);
      if (spec->loss == INK_LOSS_CROSS_ENTROPY)
        ops->softmax (net->be, out, nb, classes);
      ops->download (net->be, probs_host + (gsize) start * classes, out,
                     (gsize) nb * classes * sizeof (float));
    }
}
