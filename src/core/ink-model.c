/* ink-model.c
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

/* Models: a trained network with its experiment and normalization,
 * saved and loaded as safetensors. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ink-model.h"
#include "ink-json.h"

const char * const ink_checkpoint_prefixes[INK_CHECKPOINT_N_COPIES + 1] = {
  "params.", "best.", "state1.", "state2.", "averaged."
};

void
ink_model_free (InkModel *model)
{
  if (model == NULL)
    return;
  ink_experiment_free (model->experiment);
  g_free (model->params);
  g_free (model);
}

/* One tensor of a network's parameters: its name after the prefix, shape
 * and place in the parameter vector. */
typedef struct
{
  char   *name;     /* "layers.3.weight" */
  int     ndim;
  gint64  shape[4];
  gsize   offset;   /* in floats */
  gsize   n;
  int     layer;
} ModelTensor;

static void
model_tensor_clear (gpointer p)
{
  g_free (((ModelTensor *) p)->name);
}

static void
push_tensor (GArray     *a,
             int         layer,
             const char *what,
             gsize      *off,
             int         ndim,
             gint64      d0,
             gint64      d1,
             gint64      d2,
             gint64      d3)
{
  ModelTensor t = { g_strdup_printf ("layers.%d.%s", layer, what), ndim, { d0, d1, d2, d3 }, *off, 0, layer };

  t.n = 1;
  for (int i = 0; i < ndim; i++)
    t.n *= (gsize) t.shape[i];
  *off += t.n;
  g_array_append_val (a, t);
}

/* The tensors in the parameter vector's order: a dense layer's weight
 * [out, in] and bias [out]; a conv2d layer's weight [out_channels,
 * in_channels, kh, kw] and bias [out_channels] (PyTorch's Conv2d); a
 * batch-norm layer's weight, bias, running_mean and running_var [channels]
 * (PyTorch's BatchNorm); a pool none.  NULL when the geometry does not work. */
static GArray *
model_tensors (const InkNetSpec  *spec,
               GError           **error)
{
  g_autofree InkLayerShape *shapes = g_new0 (InkLayerShape, MAX (spec->n_layers, 1));
  g_autoptr(GArray) a = g_array_new (FALSE, TRUE, sizeof (ModelTensor));
  gsize off = 0;

  g_array_set_clear_func (a, model_tensor_clear);
  if (!ink_net_spec_shapes (spec, shapes, error))
    return NULL;
  for (int i = 0; i < spec->n_layers; i++)
    {
      const InkLayerSpec *ls = &spec->layers[i];
      const InkLayerShape *sh = &shapes[i];

      switch (ls->kind)
        {
        case INK_LAYER_DENSE:
          push_tensor (a, i, "weight", &off, 2, ls->units, (gint64) sh->n_inputs, 0, 0);
          push_tensor (a, i, "bias", &off, 1, ls->units, 0, 0, 0);
          break;
        case INK_LAYER_CONV2D:
          push_tensor (a, i, "weight", &off, 4, ls->filters, sh->in_channels,
                       ls->kernel_h, ls->kernel_w);
          push_tensor (a, i, "bias", &off, 1, ls->filters, 0, 0, 0);
          break;
        case INK_LAYER_BATCH_NORM:
          push_tensor (a, i, "weight", &off, 1, sh->channels, 0, 0, 0);
          push_tensor (a, i, "bias", &off, 1, sh->channels, 0, 0, 0);
          push_tensor (a, i, "running_mean", &off, 1, sh->channels, 0, 0, 0);
          push_tensor (a, i, "running_var", &off, 1, sh->channels, 0, 0, 0);
          break;
        case INK_LAYER_MAX_POOL:
        case INK_LAYER_AVG_POOL:
        default:
          break;
        }
    }
  return g_steal_pointer (&a);
}

void
ink_model_add_tensors (InkTensorFile    *tf,
                       const InkNetSpec *spec,
                       const char       *prefix,
                       const float      *params)
{
  g_autoptr(GArray) ts = model_tensors (spec, NULL);

  g_return_if_fail (ts != NULL);

  for (guint k = 0; k < ts->len; k++)
    {
      const ModelTensor *t = &g_array_index (ts, ModelTensor, k);
      g_autofree char *name = g_strconcat (prefix, t->name, NULL);

      ink_tensor_file_add (tf, name, t->ndim, t->shape, params + t->offset);
    }
}

gboolean
ink_model_check_tensors (InkTensorFile    *tf,
                         const InkNetSpec *spec,
                         const char       *prefix,
                         GError          **error)
{
  g_autoptr(GArray) ts = model_tensors (spec, error);

  if (ts == NULL)
    return FALSE;
  for (guint k = 0; k < ts->len; k++)
    {
      const ModelTensor *t = &g_array_index (ts, ModelTensor, k);
      g_autofree char *name = g_strconcat (prefix, t->name, NULL);

      if (!ink_tensor_file_require (tf, name, t->ndim, t->shape, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ink_model_check_no_extra (InkTensorFile      *tf,
                          const InkNetSpec   *spec,
                          const char * const *prefixes,
                          guint               n_prefixes,
                          GError            **error)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *first = NULL;
  guint n_extra = 0;

  g_autoptr(GArray) ts = model_tensors (spec, error);

  if (ts == NULL)
    return FALSE;
  for (guint p = 0; p < n_prefixes; p++)
    for (guint k = 0; k < ts->len; k++)
      g_hash_table_add (wanted, g_strconcat (prefixes[p], g_array_index (ts, ModelTensor, k).name,
                                             NULL));
  for (guint i = 0; i < tf->tensors->len; i++)
    {
      const InkTensor *t = g_ptr_array_index (tf->tensors, i);

      if (!g_hash_table_contains (wanted, t->name))
        {
          if (first == NULL)
            first = t->name;
          n_extra++;
        }
    }
  if (first == NULL)
    return TRUE;
  {
    g_autofree char *more = n_extra > 1 ? g_strdup_printf (" (and %u more)", n_extra - 1) : g_strdup ("");
    g_autoptr(GString) expected = g_string_new (NULL);

    for (guint p = 0; p < n_prefixes; p++)
      g_string_append_printf (expected, "%s%slayers.0.weight … %slayers.%d.bias",
                              p == 0 ? "" : p + 1 == n_prefixes ? " and " : ", ",
                              prefixes[p], prefixes[p], spec->n_layers - 1);
    g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                 "it holds the tensor “%s”%s, which the network it describes does not use "
                 "(it expects exactly %s); refused, as PyTorch's strict loading refuses it",
                 first, more, expected->str);
  }
  return FALSE;
}

gboolean
ink_model_get_tensors (InkTensorFile    *tf,
                       const InkNetSpec *spec,
                       const char       *prefix,
                       float            *params,
                       GError          **error)
{
  g_autoptr(GArray) ts = NULL;

  /* all of them first: nothing is copied from a file that lacks one */
  if (!ink_model_check_tensors (tf, spec, prefix, error))
    return FALSE;
  ts = model_tensors (spec, error);
  for (guint k = 0; k < ts->len; k++)
    {
      const ModelTensor *t = &g_array_index (ts, ModelTensor, k);
      g_autofree char *name = g_strconcat (prefix, t->name, NULL);
      InkTensor *tensor = ink_tensor_file_lookup (tf, name);

      memcpy (params + t->offset, tensor->data, sizeof (float) * t->n);
    }
  return TRUE;
}

char *
ink_norm_to_json (const InkNorm *norm)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  ink_json_member_string (b, "kind", ink_norm_kind_to_string (norm->kind));
  ink_json_member_double (b, "scale", norm->affine.scale);
  ink_json_member_double (b, "shift", norm->affine.shift);
  ink_json_member_double (b, "mean", norm->mean);
  ink_json_member_double (b, "std", norm->std);
  ink_json_member_double (b, "min", norm->min);
  ink_json_member_double (b, "max", norm->max);
  json_builder_end_object (b);
  return ink_json_builder_to_text (b, FALSE);
}

static gboolean
get_number (JsonObject *o, const char *key, double *out)
{
  JsonNode *n;
  if (!json_object_has_member (o, key))
    return FALSE;
  n = json_object_get_member (o, key);
  if (!JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_DOUBLE && json_node_get_value_type (n) != G_TYPE_INT64))
    return FALSE;
  *out = json_node_get_double (n);
  return isfinite (*out);
}

gboolean
ink_norm_from_json (const char  *json,
                    InkNorm     *norm,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *o;
  const char *kind;
  double scale, shift;

  if (!(parser = ink_json_parse (json, -1, NULL)) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto bad;
  o = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member_with_default (o, "kind", NULL);
  if (kind == NULL || !ink_norm_kind_from_string (kind, &norm->kind))
    goto bad;
  if (!get_number (o, "scale", &scale) || !get_number (o, "shift", &shift))
    goto bad;
  norm->affine.scale = (float) scale;
  norm->affine.shift = (float) shift;
  norm->mean = norm->std = norm->min = norm->max = 0;
  get_number (o, "mean", &norm->mean);
  get_number (o, "std", &norm->std);
  get_number (o, "min", &norm->min);
  get_number (o, "max", &norm->max);
  return TRUE;

bad:
  g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
               "the normalization metadata is not valid (expected {\"kind\": ..., \"scale\": ..., \"shift\": ...})");
  return FALSE;
}

gboolean
ink_model_save (const char          *path,
                const InkExperiment *exp,
                const InkNorm       *norm,
                const float         *params,
                GError             **error)
{
  g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
  g_autofree char *exp_json = ink_experiment_to_json (exp, FALSE);
  g_autofree char *norm_json = ink_norm_to_json (norm);
  gsize n = ink_net_spec_n_params (exp->net);

  /* a model that reads back: its experiment (the same check
   * ink_experiment_save makes) and finite weights (the loader refuses
   * others) */
  if (!ink_experiment_check_round_trip (exp_json, path, error))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!isfinite (params[i]))
      {
        g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                     "%s was not written: the weights are not all numbers (NaN or infinite)", path);
        return FALSE;
      }
  ink_model_add_tensors (tf, exp->net, "", params);
  ink_tensor_file_set_meta (tf, "format", "pt");
  ink_tensor_file_set_meta (tf, "inkling.version", PACKAGE_VERSION);
  ink_tensor_file_set_meta (tf, "inkling.experiment", exp_json);
  ink_tensor_file_set_meta (tf, "inkling.normalization", norm_json);
  return ink_safetensors_save (tf, path, error);
}

/* the checkpoint's own record of where the run was */
static gboolean
read_checkpoint_state (const char          *json,
                       const InkExperiment *exp,
                       InkCheckpointInfo   *info)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *o;
  JsonNode *ed, *hb, *be;

  if (!(parser = ink_json_parse (json, -1, NULL)) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  o = json_node_get_object (json_parser_get_root (parser));
  ed = json_object_get_member (o, "epochs_done");
  hb = json_object_get_member (o, "have_best");
  be = json_object_get_member (o, "best_epoch");
  if (ed == NULL || !JSON_NODE_HOLDS_VALUE (ed) || json_node_get_value_type (ed) != G_TYPE_INT64 ||
      hb == NULL || !JSON_NODE_HOLDS_VALUE (hb) || json_node_get_value_type (hb) != G_TYPE_BOOLEAN ||
      be == NULL || !JSON_NODE_HOLDS_VALUE (be) || json_node_get_value_type (be) != G_TYPE_INT64 ||
      json_node_get_int (ed) < 0 || json_node_get_int (ed) > G_MAXUINT ||
      json_node_get_int (be) < 0 || json_node_get_int (be) > json_node_get_int (ed))
    return FALSE;
  info->is_checkpoint = TRUE;
  info->epochs_done = (guint) json_node_get_int (ed);
  /* what the trainer keeps: with the test set as validation set the last
   * completed epoch (its "best." copy is that epoch's weights), else the
   * best validation epoch */
  info->kept_is_last = exp->split.kind == INK_SPLIT_OFFICIAL;
  info->kept_epoch = info->kept_is_last ? info->epochs_done
                                        : (json_node_get_boolean (hb) ? (guint) json_node_get_int (be) : 0);
  return TRUE;
}

InkModel *
ink_model_load (const char  *path,
                GError     **error)
{
  return ink_model_load_any (path, NULL, error);
}

InkModel *
ink_model_load_any (const char         *path,
                    InkCheckpointInfo  *ckpt,
                    GError            **error)
{
  static const char * const model_prefix[] = { "" };
  g_autoptr(InkTensorFile) tf = NULL;
  g_autoptr(InkModel) model = g_new0 (InkModel, 1);
  g_autoptr(GError) local = NULL;
  g_autofree char *base = g_path_get_basename (path);
  const char *exp_json, *norm_json, *state_json;
  InkCheckpointInfo info = { 0 };
  const char *prefix = "";

  if (ckpt)
    *ckpt = info;
  tf = ink_safetensors_load (path, error);
  if (tf == NULL)
    return NULL;
  exp_json = ink_tensor_file_get_meta (tf, "inkling.experiment");
  norm_json = ink_tensor_file_get_meta (tf, "inkling.normalization");
  state_json = ink_tensor_file_get_meta (tf, "inkling.checkpoint");
  if (exp_json == NULL || norm_json == NULL)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING,
                   "%s: not an Inkling model (its metadata lacks “inkling.experiment” and "
                   "“inkling.normalization”)", base);
      return NULL;
    }
  model->experiment = ink_experiment_from_json (exp_json, -1, &local);
  if (model->experiment == NULL)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: the experiment stored in the %s is not valid: %s", base,
                   state_json ? "checkpoint" : "model", local->message);
      return NULL;
    }
  if (state_json != NULL)
    {
      if (!read_checkpoint_state (state_json, model->experiment, &info))
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: a checkpoint of “%s” whose training state is missing or damaged",
                       base, model->experiment->name);
          return NULL;
        }
      if (ckpt == NULL)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING,
                       "%s is a checkpoint of “%s” (%u of %u epochs done), not a model file: "
                       "continue it with “inkling-cli train --resume”, or open the model the run "
                       "saved", base, model->experiment->name, info.epochs_done,
                       model->experiment->epochs);
          return NULL;
        }
      if (info.kept_epoch == 0)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING,
                       "%s is a checkpoint of “%s” (%u of %u epochs done) that keeps no trained "
                       "weights yet (no validation score was recorded)", base,
                       model->experiment->name, info.epochs_done, model->experiment->epochs);
          return NULL;
        }
      prefix = ink_checkpoint_prefixes[1];
    }
  if (!ink_norm_from_json (norm_json, &model->norm, &local))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: %s", base, local->message);
      return NULL;
    }
  /* the experiment only claims the network's size: the tensors present
   * (which the file's size bounds) are checked before anything is
   * allocated for them, and nothing else may be there */
  if (!ink_model_check_tensors (tf, model->experiment->net, prefix, &local) ||
      !(state_json ? ink_model_check_no_extra (tf, model->experiment->net, ink_checkpoint_prefixes,
                                               INK_CHECKPOINT_N_COPIES + 1, &local)
                   : ink_model_check_no_extra (tf, model->experiment->net, model_prefix, 1, &local)))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, local->code, "%s: %s", base, local->message);
      return NULL;
    }
  model->n_params = ink_net_spec_n_params (model->experiment->net);
  model->params = g_new (float, model->n_params);
  if (!ink_model_get_tensors (tf, model->experiment->net, prefix, model->params, &local))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, local->code, "%s: %s", base, local->message);
      return NULL;
    }
  /* Inkling never saves NaN weights: a file holding them is damaged, and
   * would classify everything as 0 */
  {
    g_autoptr(GArray) ts = model_tensors (model->experiment->net, NULL);

    for (guint k = 0; ts != NULL && k < ts->len; k++)
      {
        const ModelTensor *t = &g_array_index (ts, ModelTensor, k);

        for (gsize i = 0; i < t->n; i++)
          if (!isfinite (model->params[t->offset + i]))
            {
              g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                           "%s: layer %d holds weights that are not numbers (NaN or infinite); "
                           "the file is damaged", base, t->layer + 1);
              return NULL;
            }
      }
  }
  if (ckpt)
    *ckpt = info;
  return g_steal_pointer (&model);
}

InkNetwork *
ink_model_network (const InkModel *model,
                   InkBackend     *be,
                   int             max_batch,
                   GError        **error)
{
  InkNetwork *net = ink_network_new (model->experiment->net, be, max_batch, error);
  if (net)
    ink_network_set_params (net, model->params);
  return net;
}
