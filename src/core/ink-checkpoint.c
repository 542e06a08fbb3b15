/* ink-checkpoint.c
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

/* Checkpoints: the run's state written after every epoch, a run resumed
 * from it, and the fingerprint of the data that guards the resumption. */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ink-json.h"
#include "ink-model.h"
#include "ink-trainer-private.h"

void
ink_trainer_set_checkpoint (InkTrainer *t,
                            const char *path)
{
  g_free (t->checkpoint_path);
  t->checkpoint_path = g_strdup (path);
}

/* ------------------------------------------------------------------------ */
/* the data fingerprint                                                      */

/* A fingerprint of the data a run trains on: its sizes, every label and a
 * stride of the pixels, hashed.  A checkpoint records it, so that resuming
 * with other data is refused instead of silently mixing datasets. */
static guint64
data_fingerprint (const InkDataset *train, const InkDataset *test)
{
  const InkDataset *sets[2] = { train, test };
  guint64 h = G_GUINT64_CONSTANT (0x1d2c3b4a59687f);

  for (guint k = 0; k < 2; k++)
    {
      const InkDataset *ds = sets[k];
      gsize bytes = (gsize) ds->n * ds->rows * ds->cols;

      h = ink_hash64 (h ^ ((guint64) ds->n << 32 | ((guint64) ds->rows << 16) | ds->cols));
      for (guint i = 0; i < ds->n; i++)
        h = ink_hash64 (h ^ ds->labels[i] ^ ((guint64) i << 8));
      for (gsize i = 0; i < bytes; i += 61)
        h = ink_hash64 (h ^ ds->images[i] ^ ((guint64) i << 8));
    }
  return h;
}

/* computed once: the data does not change during a run, and a checkpoint
 * is written every epoch */
static guint64
trainer_data_fingerprint (InkTrainer *t)
{
  if (t->data_fp == 0)
    t->data_fp = data_fingerprint (t->train, t->test) | 1;
  return t->data_fp;
}

/* ------------------------------------------------------------------------ */
/* writing                                                                   */

/* 64-bit counters as decimal strings (JSON numbers are doubles to many
 * readers); NaN as null (JSON has no NaN) */
static void
add_u64 (JsonBuilder *b, guint64 v)
{
  char buf[32];
  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, v);
  json_builder_add_string_value (b, buf);
}

static void
add_double (JsonBuilder *b, double v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
member_u64 (JsonBuilder *b, const char *name, guint64 v)
{
  json_builder_set_member_name (b, name);
  add_u64 (b, v);
}

static void
member_double_or_null (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  add_double (b, v);
}

static void
write_data (JsonBuilder *b, InkTrainer *t)
{
  ink_json_member_begin_object (b, "data");
  ink_json_member_int (b, "train", t->train->n);
  ink_json_member_int (b, "test", t->test->n);
  member_u64 (b, "fingerprint", trainer_data_fingerprint (t));
  json_builder_end_object (b);
}

/* one array per epoch: epoch, train loss and accuracy, validation loss
 * and accuracy, duration, learning rate, improved */
static void
write_history (JsonBuilder *b, GArray *history)
{
  ink_json_member_begin_array (b, "history");
  for (guint i = 0; i < history->len; i++)
    {
      const InkEpochRecord *r = &g_array_index (history, InkEpochRecord, i);
      json_builder_begin_array (b);
      json_builder_add_int_value (b, r->epoch);
      add_double (b, r->train_loss);
      add_double (b, r->train_acc);
      add_double (b, r->valid_loss);
      add_double (b, r->valid_acc);
      add_double (b, r->duration);
      add_double (b, r->lr);
      json_builder_add_boolean_value (b, r->improved);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

/* the "inkling.checkpoint" metadata: where the run is */
static char *
state_to_json (InkTrainer *t)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  write_data (b, t);
  ink_json_member_int (b, "epochs_done", t->epochs_done);
  member_u64 (b, "iteration", t->iteration);
  member_u64 (b, "optimizer_step", t->opt->step);
  ink_json_member_begin_array (b, "rng");
  for (int i = 0; i < 4; i++)
    add_u64 (b, t->rng.s[i]);
  json_builder_end_array (b);
  ink_json_member_bool (b, "have_best", t->have_best);
  ink_json_member_double (b, "best_monitor", isfinite (t->best_monitor) ? t->best_monitor : -1.0);
  ink_json_member_int (b, "best_epoch", t->best_epoch);
  member_double_or_null (b, "patience", t->patience);
  ink_json_member_int (b, "no_improve", t->no_improve);
  member_double_or_null (b, "last_valid_loss", t->last_valid_loss);
  member_double_or_null (b, "last_valid_acc", t->last_valid_acc);
  write_history (b, t->history);
  json_builder_end_object (b);
  return ink_json_builder_to_text (b, FALSE);
}

/* With weight averaging a checkpoint holds a fifth copy, the average;
 * without, none (files from runs without it stay as they were). */
#define AVERAGED INK_CHECKPOINT_N_COPIES

/* how many copies of the network a checkpoint of this experiment holds */
static guint
n_copies (const InkExperiment *exp)
{
  return INK_CHECKPOINT_N_COPIES + (exp->optimizer.ema_decay > 0.0f ? 1 : 0);
}

/* the four copies of the network: current weights, kept weights and the
 * optimizer's two state buffers; and the weight average when there is one */
static void
add_network_copies (InkTensorFile *tf, InkTrainer *t)
{
  g_autofree float *s1 = g_new (float, t->net->n_params);
  g_autofree float *s2 = g_new (float, t->net->n_params);

  ink_network_get_params (t->net, t->params_host);
  ink_optimizer_get_state (t->opt, s1, s2);
  ink_model_add_tensors (tf, t->exp->net, ink_checkpoint_prefixes[0], t->params_host);
  ink_model_add_tensors (tf, t->exp->net, ink_checkpoint_prefixes[1], t->best_params);
  ink_model_add_tensors (tf, t->exp->net, ink_checkpoint_prefixes[2], s1);
  ink_model_add_tensors (tf, t->exp->net, ink_checkpoint_prefixes[3], s2);
  if (t->avg != NULL)
    {
      g_autofree float *avg = g_new (float, t->net->n_params);

      t->be->ops->download (t->be, avg, t->avg, sizeof (float) * t->net->n_params);
      ink_model_add_tensors (tf, t->exp->net, ink_checkpoint_prefixes[AVERAGED], avg);
    }
}

gboolean
ink_trainer_write_checkpoint (InkTrainer  *t,
                              GError     **error)
{
  g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
  g_autofree char *state_json = state_to_json (t);
  g_autofree char *exp_json = ink_experiment_to_json (t->exp, FALSE);
  g_autofree char *norm_json = ink_norm_to_json (&t->norm);
  g_autoptr(GError) local = NULL;

  add_network_copies (tf, t);
  /* what is written must read back */
  if (!ink_json_check (state_json, -1, &local) ||
      !ink_experiment_check_round_trip (exp_json, t->checkpoint_path, &local))
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("could not write the checkpoint %s: %s"), t->checkpoint_path, local->message);
      return FALSE;
    }

  ink_tensor_file_set_meta (tf, "format", "inkling-checkpoint");
  ink_tensor_file_set_meta (tf, "inkling.version", PACKAGE_VERSION);
  ink_tensor_file_set_meta (tf, "inkling.experiment", exp_json);
  ink_tensor_file_set_meta (tf, "inkling.normalization", norm_json);
  ink_tensor_file_set_meta (tf, "inkling.checkpoint", state_json);
  if (!ink_safetensors_save (tf, t->checkpoint_path, &local))
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("could not write the checkpoint: %s"), local->message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* reading                                                                   */

InkExperiment *
ink_checkpoint_experiment (const char  *path,
                           GError     **error)
{
  g_autoptr(InkTensorFile) tf = ink_safetensors_load (path, error);
  const char *json;
  g_autoptr(GError) local = NULL;
  InkExperiment *exp;

  if (tf == NULL)
    return NULL;
  json = ink_tensor_file_get_meta (tf, "inkling.experiment");
  if (json == NULL || ink_tensor_file_get_meta (tf, "inkling.checkpoint") == NULL)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("%s is not an Inkling checkpoint"), path);
      return NULL;
    }
  exp = ink_experiment_from_json (json, -1, &local);
  if (exp == NULL)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("%s: the stored experiment is not valid: %s"), path, local->message);
      return NULL;
    }
  /* the network the experiment claims must be the one whose tensors the
   * file holds, before anyone allocates it (a 1 KiB file may claim
   * billions of parameters) */
  for (guint i = 0; i < n_copies (exp); i++)
    if (!ink_model_check_tensors (tf, exp->net, ink_checkpoint_prefixes[i], &local))
      {
        g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                     _("%s does not hold the network its experiment describes: %s"), path, local->message);
        ink_experiment_free (exp);
        return NULL;
      }
  return exp;
}

static gboolean
parse_u64 (JsonNode *n, guint64 *out)
{
  const char *s;
  char *end = NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return FALSE;
  s = json_node_get_string (n);
  if (!g_ascii_isdigit (s[0]))
    return FALSE;
  *out = g_ascii_strtoull (s, &end, 10);
  return end != s && *end == '\0';
}

static double
node_double (JsonNode *n)
{
  if (n != NULL && JSON_NODE_HOLDS_VALUE (n) &&
      (json_node_get_value_type (n) == G_TYPE_DOUBLE || json_node_get_value_type (n) == G_TYPE_INT64))
    return json_node_get_double (n);
  return NAN;
}

static double
get_double (JsonObject *o, const char *key, gboolean *ok)
{
  JsonNode *n = json_object_get_member (o, key);
  if (n != NULL && JSON_NODE_HOLDS_NULL (n))
    return NAN;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_DOUBLE && json_node_get_value_type (n) != G_TYPE_INT64))
    {
      *ok = FALSE;
      return 0;
    }
  return json_node_get_double (n);
}

/* an integer member in [0, max]; a missing or wrong one clears *ok */
static guint
get_uint (JsonObject *o, const char *key, guint max, gboolean *ok)
{
  JsonNode *n = json_object_get_member (o, key);
  gint64 v;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
      (v = json_node_get_int (n)) < 0 || v > (gint64) max)
    {
      *ok = FALSE;
      return 0;
    }
  return (guint) v;
}

static gboolean
get_bool (JsonObject *o, const char *key, gboolean *ok)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    {
      *ok = FALSE;
      return FALSE;
    }
  return json_node_get_boolean (n);
}

/* ------------------------------------------------------------------------ */
/* resuming                                                                  */

/* Everything a checkpoint restores, read and checked before any of it
 * reaches the trainer. */
typedef struct
{
  float    *copies[INK_CHECKPOINT_N_COPIES + 1];   /* params, best, state1, state2, averaged */
  GArray   *history;                            /* InkEpochRecord */
  guint64   iteration;
  guint64   optimizer_step;
  guint64   rng[4];
  double    best_monitor;
  double    patience;
  double    last_valid_loss;
  double    last_valid_acc;
  guint     epochs_done;
  gboolean  have_best;
  guint     best_epoch;
  guint     no_improve;
} ResumeState;

static void
resume_state_clear (ResumeState *st)
{
  for (guint i = 0; i < G_N_ELEMENTS (st->copies); i++)
    g_free (st->copies[i]);
  if (st->history != NULL)
    g_array_unref (st->history);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ResumeState, resume_state_clear)

/* the one message for a state that does not read: FALSE */
static gboolean
damaged (const char *path, GError **error)
{
  g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
               _("%s: the checkpoint's training state is missing or damaged"), path);
  return FALSE;
}

/* the "inkling.checkpoint" metadata as a JSON object; NULL when it is
 * missing or not an object */
static JsonObject *
parse_state (InkTensorFile *tf, JsonParser **parser)
{
  const char *state = ink_tensor_file_get_meta (tf, "inkling.checkpoint");

  if (state == NULL || !(*parser = ink_json_parse (state, -1, NULL)) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (*parser)))
    return NULL;
  return json_node_get_object (json_parser_get_root (*parser));
}

/* The same data as when it was written (checkpoints from before this
 * check carry no fingerprint). */
static gboolean
check_data (InkTrainer *t, JsonObject *o, const char *path, GError **error)
{
  JsonNode *dn;
  JsonObject *d;
  guint64 fp;
  gboolean fine = TRUE;
  gint64 ntr, nte;

  if (!json_object_has_member (o, "data"))
    return TRUE;
  dn = json_object_get_member (o, "data");
  if (!JSON_NODE_HOLDS_OBJECT (dn) ||
      !parse_u64 (json_object_get_member (d = json_node_get_object (dn), "fingerprint"), &fp))
    return damaged (path, error);
  if (fp == trainer_data_fingerprint (t))
    return TRUE;

  ntr = get_uint (d, "train", G_MAXUINT, &fine);
  nte = get_uint (d, "test", G_MAXUINT, &fine);
  if (!fine)
    return damaged (path, error);
  g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
               _("%s was written while training on other data (%" G_GINT64_FORMAT
                 " training and %" G_GINT64_FORMAT " test images); the data given now has "
                 "%u and %u%s: resume with the data the run started with"),
               path, ntr, nte, t->train->n, t->test->n,
               ntr == t->train->n && nte == t->test->n ? _(", but other images") : "");
  return FALSE;
}

/* the four (five) copies of this experiment's network, and nothing else */
static gboolean
read_network_copies (InkTrainer *t, InkTensorFile *tf, ResumeState *st, const char *path,
                     GError **error)
{
  g_autoptr(GError) local = NULL;

  for (guint i = 0; i < n_copies (t->exp); i++)
    {
      st->copies[i] = g_new (float, t->net->n_params);
      if (!ink_model_get_tensors (tf, t->exp->net, ink_checkpoint_prefixes[i], st->copies[i], &local))
        break;
    }
  if (local == NULL)
    ink_model_check_no_extra (tf, t->exp->net, ink_checkpoint_prefixes, n_copies (t->exp), &local);
  if (local != NULL)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("%s does not match this experiment's network: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

/* the iteration, the optimizer's step and the shuffling RNG's state */
static gboolean
read_counters (JsonObject *o, ResumeState *st)
{
  JsonArray *rng;

  if (!parse_u64 (json_object_get_member (o, "iteration"), &st->iteration) ||
      !parse_u64 (json_object_get_member (o, "optimizer_step"), &st->optimizer_step) ||
      !json_object_has_member (o, "rng") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "rng")) ||
      json_array_get_length (rng = json_object_get_array_member (o, "rng")) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!parse_u64 (json_array_get_element (rng, i), &st->rng[i]))
      return FALSE;
  return (st->rng[0] | st->rng[1] | st->rng[2] | st->rng[3]) != 0;
}

/* One epoch's record: the epoch counts up from 1, the loss and the
 * duration are numbers (a lost validation is null), the flag is a
 * boolean. */
static gboolean
read_epoch_record (JsonNode *rn, guint i, InkEpochRecord *r)
{
  JsonArray *ra;
  JsonNode *en, *fn;

  if (!JSON_NODE_HOLDS_ARRAY (rn) || json_array_get_length (ra = json_node_get_array (rn)) != 8)
    return FALSE;
  en = json_array_get_element (ra, 0);
  fn = json_array_get_element (ra, 7);
  if (!JSON_NODE_HOLDS_VALUE (en) || json_node_get_value_type (en) != G_TYPE_INT64 ||
      json_node_get_int (en) != (gint64) i + 1 ||
      !JSON_NODE_HOLDS_VALUE (fn) || json_node_get_value_type (fn) != G_TYPE_BOOLEAN)
    return FALSE;
  for (guint k = 1; k <= 6; k++)
    {
      JsonNode *vn = json_array_get_element (ra, k);
      if (!JSON_NODE_HOLDS_NULL (vn) && !isfinite (node_double (vn)))
        return FALSE;
    }
  *r = (InkEpochRecord) { 0 };
  r->epoch = (guint) json_node_get_int (en);
  r->improved = json_node_get_boolean (fn);
  r->train_loss = node_double (json_array_get_element (ra, 1));
  r->train_acc = node_double (json_array_get_element (ra, 2));
  r->valid_loss = node_double (json_array_get_element (ra, 3));
  r->valid_acc = node_double (json_array_get_element (ra, 4));
  r->duration = node_double (json_array_get_element (ra, 5));
  r->lr = node_double (json_array_get_element (ra, 6));
  return TRUE;
}

static gboolean
read_history (JsonObject *o, ResumeState *st)
{
  JsonArray *hist;

  if (!json_object_has_member (o, "history") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "history")))
    return FALSE;
  hist = json_object_get_array_member (o, "history");
  for (guint i = 0; i < json_array_get_length (hist); i++)
    {
      InkEpochRecord r;

      if (!read_epoch_record (json_array_get_element (hist, i), i, &r))
        return FALSE;
      g_array_append_val (st->history, r);
    }
  return TRUE;
}

/* the best model so far, the patience and the early-stopping counters,
 * consistent with the history */
static gboolean
read_stopping_state (JsonObject *o, ResumeState *st)
{
  gboolean ok = TRUE;

  st->best_monitor = get_double (o, "best_monitor", &ok);
  st->patience = get_double (o, "patience", &ok);
  st->last_valid_loss = get_double (o, "last_valid_loss", &ok);
  st->last_valid_acc = get_double (o, "last_valid_acc", &ok);
  st->epochs_done = get_uint (o, "epochs_done", G_MAXUINT, &ok);
  st->have_best = get_bool (o, "have_best", &ok);
  st->best_epoch = get_uint (o, "best_epoch", st->epochs_done, &ok);
  st->no_improve = get_uint (o, "no_improve", G_MAXUINT, &ok);
  return ok && st->epochs_done == st->history->len && !isnan (st->patience) &&
         !(st->have_best && !isfinite (st->best_monitor));
}

/* the checked state into the trainer: the run continues from it */
static void
apply_state (InkTrainer *t, const ResumeState *st)
{
  gsize n = t->net->n_params;
  const float *params = st->copies[0], *best = st->copies[1];
  /* the epoch's weights: with weight averaging, the average */
  const float *last = t->avg != NULL ? st->copies[AVERAGED] : params;

  t->epochs_done = st->epochs_done;
  t->have_best = st->have_best;
  t->best_epoch = st->best_epoch;
  t->no_improve = st->no_improve;
  /* the weights a stop would keep: the best validation's, or with the
   * test set as validation set the last completed epoch's, which are
   * the checkpoint's current weights */
  t->kept_epoch = t->split->valid_is_test ? st->epochs_done : (st->have_best ? st->best_epoch : 0);
  ink_network_set_params (t->net, params);
  ink_optimizer_set_state (t->opt, st->copies[2], st->copies[3]);
  t->opt->step = st->optimizer_step;
  memcpy (t->best_params, t->split->valid_is_test ? last : best, sizeof (float) * n);
  if (t->avg != NULL)
    t->be->ops->upload (t->be, t->avg, st->copies[AVERAGED], sizeof (float) * n);
  memcpy (t->rng.s, st->rng, sizeof st->rng);
  t->iteration = st->iteration;
  t->best_monitor = t->have_best ? st->best_monitor : INFINITY;
  t->patience = st->patience;
  t->last_valid_loss = st->last_valid_loss;
  t->last_valid_acc = st->last_valid_acc;
  g_array_set_size (t->history, 0);
  g_array_append_vals (t->history, st->history->data, st->history->len);
  t->resumed = TRUE;
}

gboolean
ink_trainer_resume (InkTrainer  *t,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(InkTensorFile) tf = ink_safetensors_load (path, error);
  g_autoptr(JsonParser) parser = NULL;
  g_auto(ResumeState) st = { .history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord)) };
  gsize n = t->net->n_params;
  JsonObject *o;

  if (tf == NULL)
    return FALSE;
  if ((o = parse_state (tf, &parser)) == NULL)
    return damaged (path, error);
  if (!check_data (t, o, path, error) ||
      !read_network_copies (t, tf, &st, path, error))
    return FALSE;
  if (!read_counters (o, &st) ||
      !read_history (o, &st) ||
      !read_stopping_state (o, &st) ||
      /* a checkpoint never holds NaN weights; one that does is damaged */
      !ink_trainer_all_finite (st.copies[0], n) ||
      !ink_trainer_all_finite (st.copies[1], n) ||
      (st.copies[AVERAGED] != NULL && !ink_trainer_all_finite (st.copies[AVERAGED], n)))
    return damaged (path, error);
  apply_state (t, &st);
  return TRUE;
}
