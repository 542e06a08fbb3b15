/* test-experiment.c
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

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ink-experiment.h"
#include "ink-json.h"

static void
test_presets_parse (void)
{
  g_auto(GStrv) names = ink_experiment_list_presets ();
  const char *expected[] = { "keras-mnist-mlp", "nolearn-lasagne", "theanets", "theano-mlp" };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (g_strv_contains ((const char * const *) names, expected[i]));
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkExperiment) exp = ink_experiment_preset (names[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (exp->name, ==, names[i]);
      g_assert_true (ink_experiment_validate (exp, NULL));
    }
}

static void
test_preset_keras (void)
{
  g_autoptr(InkExperiment) e = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_assert_nonnull (e);
  g_assert_cmpint (e->net->n_layers, ==, 3);
  g_assert_cmpint (e->net->layers[0].units, ==, 512);
  g_assert_cmpint (e->net->layers[1].units, ==, 512);
  g_assert_cmpint (e->net->layers[2].units, ==, 10);
  g_assert_cmpint (e->net->layers[0].activation, ==, INK_ACT_RELU);
  g_assert_cmpfloat (e->net->layers[0].dropout, ==, 0.2f);
  g_assert_cmpfloat (e->net->layers[1].dropout, ==, 0.2f);
  g_assert_cmpint (e->net->layers[2].activation, ==, INK_ACT_SOFTMAX);
  g_assert_cmpint (e->optimizer.kind, ==, INK_OPT_RMSPROP);
  g_assert_cmpfloat (e->optimizer.lr, ==, 0.001f);
  g_assert_cmpuint (e->batch_size, ==, 128);
  g_assert_cmpuint (e->epochs, ==, 20);
  g_assert_cmpint (e->split.kind, ==, INK_SPLIT_OFFICIAL);
  g_assert_cmpint (e->normalization, ==, INK_NORM_STANDARDIZE);
}

static void
test_preset_others (void)
{
  g_autoptr(InkExperiment) n = ink_experiment_preset ("nolearn-lasagne", NULL);
  g_autoptr(InkExperiment) t = ink_experiment_preset ("theano-mlp", NULL);
  g_autoptr(InkExperiment) a = ink_experiment_preset ("theanets", NULL);

  g_assert_cmpint (n->net->loss, ==, INK_LOSS_MSE);
  g_assert_cmpint (n->net->layers[1].activation, ==, INK_ACT_IDENTITY);
  g_assert_cmpint (n->net->layers[0].units, ==, 100);
  g_assert_cmpint (n->optimizer.kind, ==, INK_OPT_NESTEROV);
  g_assert_cmpfloat (n->optimizer.momentum, ==, 0.9f);
  g_assert_cmpuint (n->epochs, ==, 400);
  g_assert_cmpint (n->split.kind, ==, INK_SPLIT_RANDOM);
  g_assert_cmpfloat (n->split.valid_fraction, ==, 0.2);

  g_assert_cmpint (t->net->layers[0].units, ==, 500);
  g_assert_cmpint (t->net->layers[0].activation, ==, INK_ACT_TANH);
  g_assert_cmpint (t->optimizer.kind, ==, INK_OPT_SGD);
  g_assert_cmpfloat (t->optimizer.l2, ==, 0.0001f);
  g_assert_cmpuint (t->batch_size, ==, 20);
  g_assert_cmpint (t->early_stopping, ==, INK_EARLY_PATIENCE);
  g_assert_cmpuint (t->patience, ==, 10000);
  g_assert_cmpfloat (t->improvement_threshold, ==, 0.995);
  g_assert_cmpint (t->split.kind, ==, INK_SPLIT_FIXED);
  g_assert_cmpuint (t->split.n_train, ==, 50000);
  g_assert_cmpuint (t->split.n_valid, ==, 10000);

  g_assert_cmpint (a->optimizer.kind, ==, INK_OPT_NESTEROV);
  g_assert_cmpfloat (a->optimizer.lr, ==, 0.001f);
  g_assert_cmpint (a->early_stopping, ==, INK_EARLY_NO_IMPROVEMENT);
}

static void
test_round_trip (void)
{
  g_auto(GStrv) names = ink_experiment_list_presets ();
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(InkExperiment) e = ink_experiment_preset (names[i], NULL);
      g_autofree char *j1 = ink_experiment_to_json (e, TRUE);
      g_autoptr(GError) error = NULL;
      g_autoptr(InkExperiment) e2 = ink_experiment_from_json (j1, -1, &error);
      g_autofree char *j2 = NULL;
      g_assert_no_error (error);
      j2 = ink_experiment_to_json (e2, TRUE);
      g_assert_cmpstr (j1, ==, j2);
    }
}

/* Adadelta: the name reads to Keras 2's defaults, the file holds rho and
 * eps (and not Adam's betas), and it reads back to the same text */
static void
test_round_trip_adadelta (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_from_json ("{\"optimizer\": {\"kind\": \"adadelta\"}}", -1, &error);
  g_autoptr(InkExperiment) back = NULL;
  g_autofree char *j1 = NULL;
  g_autofree char *j2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (e->optimizer.kind, ==, INK_OPT_ADADELTA);
  g_assert_cmpfloat (e->optimizer.lr, ==, 1.0f);
  g_assert_cmpfloat (e->optimizer.rho, ==, 0.95f);
  g_assert_cmpfloat (e->optimizer.eps, ==, 1e-7f);
  j1 = ink_experiment_to_json (e, TRUE);
  g_assert_nonnull (strstr (j1, "\"kind\" : \"adadelta\",\n    \"lr\" : 1.0,\n    \"rho\" : 0.95,\n    \"eps\" : 1e-07,"));
  g_assert_null (strstr (j1, "beta1"));
  back = ink_experiment_from_json (j1, -1, &error);
  g_assert_no_error (error);
  j2 = ink_experiment_to_json (back, TRUE);
  g_assert_cmpstr (j1, ==, j2);
}

/* the schedules: written only when set (a file without one unchanged),
 * each with its own numbers, read back to the same text */
static void
test_round_trip_schedule (void)
{
  static const char * const cases[] = {
    "{\"optimizer\": {\"schedule\": {\"kind\": \"step\", \"step_epochs\": 4, \"factor\": 0.5}}}",
    "{\"optimizer\": {\"lr\": 0.1, \"schedule\": {\"kind\": \"cosine\", \"warmup_epochs\": 2, \"min_lr\": 1e-05}}}",
    "{\"optimizer\": {\"schedule\": {\"kind\": \"one-cycle\"}}}",
    "{\"optimizer\": {\"schedule\": {\"kind\": \"none\", \"warmup_epochs\": 1}}}",
  };
  static const char * const wanted[] = {
    "\"schedule\" : {\n      \"kind\" : \"step\",\n      \"step_epochs\" : 4,\n      \"factor\" : 0.5\n    }",
    "\"schedule\" : {\n      \"kind\" : \"cosine\",\n      \"warmup_epochs\" : 2,\n      \"min_lr\" : 1e-05\n    }",
    "\"kind\" : \"one-cycle\",\n      \"pct_start\" : 0.3,\n      \"div_factor\" : 25.0,\n      \"final_div_factor\" : 10000.0",
    "\"schedule\" : {\n      \"kind\" : \"none\",\n      \"warmup_epochs\" : 1\n    }",
  };
  g_autoptr(InkExperiment) plain = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_autofree char *plain_json = ink_experiment_to_json (plain, TRUE);

  g_assert_null (strstr (plain_json, "schedule"));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkExperiment) e = ink_experiment_from_json (cases[i], -1, &error);
      g_autoptr(InkExperiment) back = NULL;
      g_autofree char *j1 = NULL;
      g_autofree char *j2 = NULL;

      g_assert_no_error (error);
      j1 = ink_experiment_to_json (e, TRUE);
      if (strstr (j1, wanted[i]) == NULL)
        g_error ("case %u wrote:\n%s", i, j1);
      back = ink_experiment_from_json (j1, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpint (back->optimizer.schedule.kind, ==, e->optimizer.schedule.kind);
      j2 = ink_experiment_to_json (back, TRUE);
      g_assert_cmpstr (j1, ==, j2);
    }
}

/* weight averaging: written only when on (files without it stay as they
 * were), read back; a decay outside [0, 1) refused, naming the field */
static void
test_weight_average (void)
{
  static const char * const bad[] = {
    "{\"optimizer\": {\"ema_decay\": 1}}",
    "{\"optimizer\": {\"ema_decay\": -0.5}}",
    "{\"optimizer\": {\"ema_decay\": 1.5}}",
  };
  g_autoptr(InkExperiment) plain = ink_experiment_preset ("keras-mnist-cnn", NULL);
  g_autofree char *plain_json = ink_experiment_to_json (plain, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = NULL;
  g_autoptr(InkExperiment) back = NULL;
  g_autofree char *j1 = NULL;

  g_assert_null (strstr (plain_json, "ema_decay"));
  g_assert_cmpfloat (plain->optimizer.ema_decay, ==, 0.0f);

  e = ink_experiment_from_json ("{\"optimizer\": {\"kind\": \"adam\", \"ema_decay\": 0.999}}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (e->optimizer.ema_decay, ==, 0.999f);
  j1 = ink_experiment_to_json (e, TRUE);
  g_assert_nonnull (strstr (j1, "\"ema_decay\" : 0.999"));
  back = ink_experiment_from_json (j1, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (back->optimizer.ema_decay, ==, 0.999f);
  /* a kind after it does not reset it */
  g_clear_pointer (&e, ink_experiment_free);
  e = ink_experiment_from_json ("{\"optimizer\": {\"ema_decay\": 0.99, \"kind\": \"sgd\"}}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (e->optimizer.ema_decay, ==, 0.99f);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) err = NULL;
      g_autoptr(InkExperiment) x = ink_experiment_from_json (bad[i], -1, &err);

      g_assert_null (x);
      g_assert_nonnull (err);
      if (strstr (err->message, "optimizer.ema_decay") == NULL)
        g_error ("%s: message “%s” does not name optimizer.ema_decay", bad[i], err->message);
    }
}

static void
test_save_load (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ink-exp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "e.json", NULL);
  g_autoptr(InkExperiment) e = ink_experiment_preset ("theano-mlp", NULL);
  g_autoptr(InkExperiment) back = NULL;
  g_autoptr(GError) error = NULL;

  e->epochs = 7;
  g_assert_true (ink_experiment_save (e, path, &error));
  back = ink_experiment_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->epochs, ==, 7);
  g_assert_cmpint (back->net->layers[0].units, ==, 500);
  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  const char *json;
  int         code;
  const char *needle;
} BadCase;

static const BadCase bad_cases[] = {
  { "not json", INK_EXPERIMENT_ERROR_PARSE, "JSON" },
  { "[1,2]", INK_EXPERIMENT_ERROR_PARSE, "object" },
  { "{\"epochz\": 3}", INK_EXPERIMENT_ERROR_PARSE, "epochz" },
  { "{\"training\": {\"epochs\": \"ten\"}}", INK_EXPERIMENT_ERROR_PARSE, "training.epochs" },
  { "{\"training\": {\"epochs\": -1}}", INK_EXPERIMENT_ERROR_PARSE, "out of range" },
  { "{\"training\": {\"epochs\": 0}}", INK_EXPERIMENT_ERROR_INVALID, "epochs" },
  { "{\"training\": {\"batch_size\": 0}}", INK_EXPERIMENT_ERROR_INVALID, "batch_size" },
  { "{\"optimizer\": {\"kind\": \"lbfgs\"}}", INK_EXPERIMENT_ERROR_PARSE, "lbfgs" },
  { "{\"optimizer\": {\"lr\": -0.1}}", INK_EXPERIMENT_ERROR_INVALID, "lr" },
  { "{\"optimizer\": {\"kind\": \"nesterov\", \"momentum\": 1.5}}", INK_EXPERIMENT_ERROR_INVALID, "momentum" },
  { "{\"optimizer\": {\"kind\": \"adadelta\", \"rho\": 1.0}}", INK_EXPERIMENT_ERROR_INVALID, "optimizer.rho" },
  { "{\"optimizer\": {\"kind\": \"adadelta\", \"eps\": 0}}", INK_EXPERIMENT_ERROR_INVALID, "optimizer.eps" },
  { "{\"optimizer\": {\"schedule\": {\"kind\": \"linear\"}}}", INK_EXPERIMENT_ERROR_PARSE, "optimizer.schedule.kind" },
  { "{\"optimizer\": {\"schedule\": {\"kind\": \"step\", \"every\": 3}}}", INK_EXPERIMENT_ERROR_PARSE, "every" },
  { "{\"optimizer\": {\"schedule\": {\"kind\": \"step\", \"factor\": 2}}}", INK_EXPERIMENT_ERROR_INVALID, "optimizer.schedule.factor" },
  { "{\"optimizer\": {\"schedule\": {\"kind\": \"step\", \"step_epochs\": 0}}}", INK_EXPERIMENT_ERROR_INVALID, "optimizer.schedule.step_epochs" },
  { "{\"optimizer\": {\"lr\": 0.1, \"schedule\": {\"kind\": \"cosine\", \"min_lr\": 0.1}}}", INK_EXPERIMENT_ERROR_INVALID, "optimizer.schedule.min_lr" },
  { "{\"optimizer\": {\"schedule\": {\"kind\": \"one-cycle\", \"pct_start\": 1}}}", INK_EXPERIMENT_ERROR_INVALID, "optimizer.schedule.pct_start" },
  { "{\"optimizer\": {\"schedule\": {\"kind\": \"one-cycle\", \"div_factor\": 0.5}}}", INK_EXPERIMENT_ERROR_INVALID, "optimizer.schedule.div_factor" },
  { "{\"training\": {\"epochs\": 3}, \"optimizer\": {\"schedule\": {\"kind\": \"none\", \"warmup_epochs\": 3}}}", INK_EXPERIMENT_ERROR_INVALID, "optimizer.schedule.warmup_epochs" },
  { "{\"network\": {\"layers\": []}}", INK_EXPERIMENT_ERROR_PARSE, "layers" },
  { "{\"network\": {\"layers\": [{\"units\": 0}, {\"units\": 10}]}}", INK_EXPERIMENT_ERROR_INVALID, "layer" },
  { "{\"network\": {\"layers\": [{\"units\": 100, \"dropout\": 1.0}, {\"units\": 10}]}}", INK_EXPERIMENT_ERROR_INVALID, "dropout" },
  { "{\"network\": {\"layers\": [{\"units\": 100, \"activation\": \"swish\"}, {\"units\": 10}]}}", INK_EXPERIMENT_ERROR_PARSE, "swish" },
  { "{\"network\": {\"loss\": \"mse\", \"layers\": [{\"units\": 100}, {\"units\": 10, \"activation\": \"softmax\"}]}}", INK_EXPERIMENT_ERROR_INVALID, "softmax" },
  { "{\"network\": {\"layers\": [{\"activation\": \"relu\"}, {\"units\": 10}]}}", INK_EXPERIMENT_ERROR_PARSE, "units" },
  { "{\"data\": {\"split\": \"random\", \"valid_fraction\": 1.5}}", INK_EXPERIMENT_ERROR_INVALID, "valid_fraction" },
  { "{\"data\": {\"normalization\": \"zscore\"}}", INK_EXPERIMENT_ERROR_PARSE, "normalization" },
  { "{\"device\": \"tpu\"}", INK_EXPERIMENT_ERROR_INVALID, "tpu" },
  { "{\"seed\": -4}", INK_EXPERIMENT_ERROR_PARSE, "seed" },
  { "{\"training\": {\"early_stopping\": \"patience\", \"improvement_threshold\": 2}}", INK_EXPERIMENT_ERROR_INVALID, "improvement_threshold" },
  { "{\"name\": \"x\", // a comment\n \"seed\": 1}", INK_EXPERIMENT_ERROR_PARSE, "no comments" },
  { "{'name': 'x'}", INK_EXPERIMENT_ERROR_PARSE, "single-quoted" },
  { "{\"network\": {\"layers\": [{\"units\": 1e12}, {\"units\": 10}]}}", INK_EXPERIMENT_ERROR_PARSE, "out of range" },
};

/* json-glib recurses per nesting level: 200 000 levels used to overflow the
 * stack; the pre-pass refuses anything deeper than 64 in an instant, and a
 * quote or bracket inside a string does not count */
static void
test_deep (void)
{
  const gsize n = 200000;
  g_autofree char *deep = g_malloc (2 * n + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = NULL;
  g_autoptr(InkExperiment) ok = NULL;

  memset (deep, '[', n);
  memset (deep + n, ']', n);
  deep[2 * n] = 0;
  e = ink_experiment_from_json (deep, -1, &error);
  g_assert_null (e);
  g_assert_error (error, INK_EXPERIMENT_ERROR, INK_EXPERIMENT_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "nest more than 64 deep"));
  g_clear_error (&error);

  ok = ink_experiment_from_json ("{\"name\": \"[[[[ 'quoted' // \\\" {{{{\", \"seed\": 3}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ok->name, ==, "[[[[ 'quoted' // \" {{{{");
}

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_from_json (c->json, -1, &error);

  g_assert_null (e);
  g_assert_error (error, INK_EXPERIMENT_ERROR, c->code);
  if (strstr (error->message, c->needle) == NULL)
    g_error ("message “%s” does not mention “%s”", error->message, c->needle);
}

/* numbers in written experiments: the shortest decimal that reads back,
 * always valid JSON (json-glib 1.6's generator wrote 1e-08 as "1e-08.0") */
static void
test_written_numbers (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(InkExperiment) e = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_autoptr(InkExperiment) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *t = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "a");
  json_builder_add_double_value (b, 0.2);
  json_builder_set_member_name (b, "b");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, 1);
  json_builder_add_int_value (b, -3);
  json_builder_add_double_value (b, 2.0);
  json_builder_add_double_value (b, 1e-7);
  json_builder_add_double_value (b, 1e-8);
  json_builder_add_double_value (b, -0.0);
  json_builder_add_double_value (b, 1500.0);
  json_builder_add_double_value (b, 1e20);
  json_builder_add_double_value (b, NAN);
  json_builder_add_double_value (b, INFINITY);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "s");
  json_builder_add_string_value (b, "0.2 \" \\ \n\t\x01 é");
  json_builder_set_member_name (b, "bad utf-8");
  json_builder_add_string_value (b, "a\xff" "b");
  json_builder_end_object (b);
  t = ink_json_builder_to_text (b, FALSE);
  g_assert_cmpstr (t, ==,
    "{\"a\":0.2,\"b\":[1,-3,2.0,1e-07,1e-08,-0.0,1500.0,1e+20,null,null],"
    "\"s\":\"0.2 \\\" \\\\ \\n\\t\\u0001 é\",\"bad utf-8\":\"a\xef\xbf\xbd" "b\"}");
  g_assert_true (ink_json_check (t, -1, NULL));

  g_assert_cmpfloat (ink_json_float_to_double (0.001f), ==, 0.001);
  g_assert_cmpfloat (ink_json_float_to_double (0.1f), ==, 0.1);
  g_assert_cmpfloat ((float) ink_json_float_to_double (1.0f / 3.0f), ==, 1.0f / 3.0f);
  g_assert_true (isnan (ink_json_float_to_double (NAN)));

  /* a written experiment shows lr 0.001, not 0.0010000000474974513, and
   * reads back to the same floats */
  json = ink_experiment_to_json (e, TRUE);
  g_assert_nonnull (strstr (json, "\"lr\" : 0.001,"));
  g_assert_null (strstr (json, "0000000"));
  back = ink_experiment_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (back->optimizer.lr, ==, e->optimizer.lr);
  g_assert_cmpfloat (back->optimizer.rho, ==, e->optimizer.rho);
  g_assert_cmpfloat (back->net->layers[0].dropout, ==, e->net->layers[0].dropout);
}

/* every float field over a grid of magnitudes d·10^k: written, it reads
 * back to the same float and writes the same text (Adam's eps 1e-8 used to
 * make the file unreadable) */
static void
test_round_trip_grid (void)
{
  g_autoptr(InkExperiment) e = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_autofree char *dir = g_dir_make_tmp ("inkling-grid-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "e.json", NULL);
  guint n = 0;

  e->optimizer.kind = INK_OPT_ADAM;
  for (int k = -45; k <= 38; k++)
    for (int d = 1; d <= 9; d++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(InkExperiment) back = NULL;
        g_autofree char *json = NULL;
        g_autofree char *again = NULL;
        char text[32];
        float f;

        g_snprintf (text, sizeof text, "%de%d", d, k);
        f = (float) g_ascii_strtod (text, NULL);
        if (!isfinite (f) || f == 0.0f)
          continue;
        e->optimizer.eps = f;
        e->optimizer.l2 = f;
        e->optimizer.max_norm = f;
        e->optimizer.lr = f;
        json = ink_experiment_to_json (e, TRUE);
        g_assert_true (ink_json_check (json, -1, NULL));
        back = ink_experiment_from_json (json, -1, &error);
        if (error != NULL)
          g_error ("%s: %s", text, error->message);
        g_assert_cmpfloat (back->optimizer.eps, ==, f);
        g_assert_cmpfloat (back->optimizer.l2, ==, f);
        g_assert_cmpfloat (back->optimizer.max_norm, ==, f);
        g_assert_cmpfloat (back->optimizer.lr, ==, f);
        again = ink_experiment_to_json (back, TRUE);
        g_assert_cmpstr (again, ==, json);
        g_assert_true (ink_experiment_save (e, path, &error));
        g_assert_no_error (error);
        n++;
      }
  g_assert_cmpuint (n, >, 700);
  g_unlink (path);
  g_rmdir (dir);
}

/* what JSON is not, refused with where it is */
static void
test_strict_json (void)
{
  static const struct { const char *text; const char *needle; } bad[] = {
    { "{\"seed\": 0x10}", "hexadecimal" },
    { "{\"seed\": 010}", "leading zero" },
    { "{\"name\": \"a\\0b\"}", "not a JSON escape" },
    { "{\"name\": \"a\\101\"}", "not a JSON escape" },
    { "{\"name\": \"\\ud800\"}", "lone high surrogate" },
    { "{\"name\": \"\\udc00x\"}", "lone low surrogate" },
    { "{\"name\": \"\\ud800\\u0041\"}", "lone high surrogate" },
    { "{\"name\": \"\\u0000\"}", "NUL" },
    { "{\"name\": \"a\xff\"}", "not UTF-8" },
    { "{\"name\": \"\xed\xa0\x80\"}", "not UTF-8" },
    { "{\"name\": \"\xc0\xaf\"}", "not UTF-8" },
    { "{\"name\": \"a\tb\"}", "control character" },
    { "{\"seed\": 1,}", "trailing comma" },
    { "[1, 2,]", "trailing comma" },
    { "{\"seed\": 1, \"seed\": 2}", "appears twice" },
    { "{\"seed\": NaN}", "unexpected 'N'" },
    { "{\"seed\": Infinity}", "unexpected 'I'" },
    { "{\"seed\": -Infinity}", "digit after its sign" },
    { "{\"seed\": 1e999}", "too large" },
    { "{\"seed\": .5}", "unexpected '.'" },
    { "{\"seed\": 1.}", "after its decimal point" },
    { "{\"seed\": 1e}", "exponent" },
    { "{\"seed\": +1}", "unexpected '+'" },
    { "{\"seed\": tru}", "unexpected 't'" },
    { "{\"seed\": 1} x", "more text" },
    { "{\"seed\": 1", "ends before" },
    { "{\"name\": \"abc", "not closed" },
    { "", "ends where a value" },
    { "{seed: 1}", "member name" },
    { "{\"a\" 1}", "':'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkExperiment) e = ink_experiment_from_json (bad[i].text, -1, &error);

      g_assert_null (e);
      g_assert_nonnull (error);
      if (strstr (error->message, bad[i].needle) == NULL)
        g_error ("%s: message “%s” does not mention “%s”", bad[i].text, error->message, bad[i].needle);
      g_assert_false (ink_json_check (bad[i].text, -1, NULL));
    }
  /* what JSON is, accepted: escapes, a surrogate pair, UTF-8, exponents */
  g_assert_true (ink_json_check ("{\"a\": \"\\ud83d\\ude00 \\u00e9 é \\/ \\b\\f\\n\\r\\t\", "
                                 "\"b\": [-0, 0.5, 1E+2, 2e-3, true, false, null, {}, []]}", -1, NULL));
  g_assert_true (ink_json_check ("\xef\xbb\xbf{}", -1, NULL));
  /* a few MiB of tiny values would cost json-glib gigabytes: the array
   * and its zeros count, INK_JSON_MAX_VALUES in all pass, one more not */
  for (gsize zeros = INK_JSON_MAX_VALUES - 1; zeros <= INK_JSON_MAX_VALUES; zeros++)
    {
      g_autofree char *many = g_malloc (2 * zeros + 2);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      many[0] = '[';
      for (gsize i = 0; i < zeros; i++)
        {
          many[1 + 2 * i] = '0';
          many[2 + 2 * i] = ',';
        }
      many[2 * zeros] = ']';
      many[2 * zeros + 1] = '\0';
      ok = ink_json_check (many, -1, &error);
      if (zeros < INK_JSON_MAX_VALUES)
        g_assert_no_error (error);
      else
        g_assert_nonnull (strstr (error->message, "more than"));
      g_assert_true (ok == (zeros < INK_JSON_MAX_VALUES));
    }
  /* a NUL byte inside the given length is not JSON */
  g_assert_false (ink_json_check ("{}\0{}", 5, NULL));
}

/* values a file could not hold, refused when read */
static void
test_unwritable_values (void)
{
  static const struct { const char *text; const char *needle; } bad[] = {
    { "{\"optimizer\": {\"kind\": \"adam\", \"eps\": 1e39}}", "too large" },
    { "{\"optimizer\": {\"l1\": 1e300}}", "too large" },
    { "{\"optimizer\": {\"l2\": -1e39}}", "too large" },
    { "{\"optimizer\": {\"max_norm\": 4e38}}", "too large" },
    { "{\"network\": {\"layers\": [{\"units\": 100}, {\"units\": 11}]}}", "must have 10" },
    { "{\"network\": {\"layers\": [{\"units\": 100}, {\"units\": 2}]}}", "must have 10" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkExperiment) e = ink_experiment_from_json (bad[i].text, -1, &error);

      g_assert_null (e);
      g_assert_nonnull (error);
      if (strstr (error->message, bad[i].needle) == NULL)
        g_error ("%s: message “%s” does not mention “%s”", bad[i].text, error->message, bad[i].needle);
    }
  {
    g_autoptr(InkExperiment) e = ink_experiment_preset ("keras-mnist-mlp", NULL);
    g_autoptr(GError) error = NULL;

    e->optimizer.eps = INFINITY;
    g_assert_false (ink_experiment_validate (e, &error));
    g_assert_nonnull (strstr (error->message, "eps"));
    g_clear_error (&error);
    e->optimizer.eps = 1e-8f;
    e->optimizer.l1 = NAN;
    g_assert_false (ink_experiment_validate (e, &error));
    g_assert_nonnull (strstr (error->message, "l1"));
  }
}

static void
test_no_preset (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_preset ("nope", &error);
  g_assert_null (e);
  g_assert_error (error, INK_EXPERIMENT_ERROR, INK_EXPERIMENT_ERROR_NO_PRESET);
  g_assert_nonnull (strstr (error->message, "keras-mnist-mlp"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/experiment/presets/parse", test_presets_parse);
  g_test_add_func ("/experiment/presets/keras", test_preset_keras);
  g_test_add_func ("/experiment/presets/others", test_preset_others);
  g_test_add_func ("/experiment/round-trip", test_round_trip);
  g_test_add_func ("/experiment/round-trip-adadelta", test_round_trip_adadelta);
  g_test_add_func ("/experiment/round-trip-schedule", test_round_trip_schedule);
  g_test_add_func ("/experiment/weight-average", test_weight_average);
  g_test_add_func ("/experiment/save-load", test_save_load);
  g_test_add_func ("/experiment/no-preset", test_no_preset);
  g_test_add_func ("/experiment/deep", test_deep);
  g_test_add_func ("/experiment/written-numbers", test_written_numbers);
  g_test_add_func ("/experiment/round-trip-grid", test_round_trip_grid);
  g_test_add_func ("/experiment/strict-json", test_strict_json);
  g_test_add_func ("/experiment/unwritable-values", test_unwritable_values);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/experiment/bad/%02u", i);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  return g_test_run ();
}
