/* test-sweep.c
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

/* Sweeps: grid and random expansion, reproducible draws, ids from the
 * assignment, refusals naming the field, the folder written and opened
 * again, the successive-halving rule on recorded histories, the Slurm
 * script, and the local executor end to end (a 4-run sweep on a small
 * MNIST subset, one child killed with SIGKILL and resumed without running
 * the finished ones again). */

#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ink-json.h"
#include "ink-sweep.h"
#include "test-util.h"

static char *tmpdir;

/* the base experiment every spec here starts from: a tiny net on the
 * first 300 images of `data` (MNIST where installed) */
static char *data_dir;

static char *
spec_text (const char *sweep_section, guint epochs)
{
  g_autofree char *q = g_strescape (data_dir, NULL);

  return g_strdup_printf (
    "{ \"name\": \"tiny\","
    "  \"data\": { \"dataset\": \"%s\", \"split\": \"official\", \"subset\": 300, \"normalization\": \"standardize\" },"
    "  \"network\": { \"inputs\": 784, \"layers\": [ { \"units\": 16, \"activation\": \"relu\" },"
    "                                             { \"units\": 10, \"activation\": \"softmax\" } ],"
    "                 \"loss\": \"cross-entropy\", \"init\": \"glorot-uniform\" },"
    "  \"optimizer\": { \"kind\": \"rmsprop\", \"lr\": 0.001, \"rho\": 0.9, \"eps\": 1e-07 },"
    "  \"training\": { \"epochs\": %u, \"batch_size\": 64, \"early_stopping\": \"none\" },"
    "  \"seed\": 42, \"device\": \"cpu\","
    "  \"sweep\": %s }", q, epochs, sweep_section);
}

static InkSweep *
sweep_ok (const char *section)
{
  g_autofree char *text = spec_text (section, 2);
  g_autoptr(GError) error = NULL;
  InkSweep *s = ink_sweep_from_json (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

static InkSweepChild *
child (InkSweep *s, guint i)
{
  return g_ptr_array_index (s->children, i);
}

static void
test_grid (void)
{
  g_autoptr(InkSweep) s = sweep_ok ("{ \"name\": \"g\", \"parameters\": ["
                                    "  { \"path\": \"optimizer.lr\", \"values\": [0.1, 0.01, 0.001] },"
                                    "  { \"path\": \"batch_size\", \"values\": [32, 128] },"
                                    "  { \"path\": \"network.layers[0].dropout\", \"values\": [0.25] } ] }");
  const float lr[] = { 0.1f, 0.1f, 0.01f, 0.01f, 0.001f, 0.001f };
  const guint bs[] = { 32, 128, 32, 128, 32, 128 };

  g_assert_cmpuint (s->children->len, ==, 6);
  g_assert_cmpstr (s->name, ==, "g");
  /* the short name is resolved to the canonical path */
  g_assert_cmpstr (((InkSweepParam *) g_ptr_array_index (s->params, 1))->path, ==, "training.batch_size");
  for (guint i = 0; i < 6; i++)
    {
      InkSweepChild *c = child (s, i);
      g_autofree char *name = g_strdup_printf ("g-%s", c->id);

      g_assert_cmpuint (c->index, ==, i);
      /* the first parameter varies slowest */
      g_assert_cmpfloat (c->experiment->optimizer.lr, ==, lr[i]);
      g_assert_cmpuint (c->experiment->batch_size, ==, bs[i]);
      g_assert_cmpfloat (c->experiment->net->layers[0].dropout, ==, 0.25f);
      /* the rest is the base experiment's */
      g_assert_cmpuint (c->experiment->net->layers[0].units, ==, 16);
      g_assert_cmpuint (c->experiment->epochs, ==, 2);
      g_assert_cmpstr (c->experiment->name, ==, name);
      g_assert_cmpfloat (ink_sweep_child_value_number (c, 0), ==, ink_json_float_to_double (lr[i]));
    }
  {
    g_autofree char *t = ink_sweep_child_value_text (child (s, 2), 0);
    g_assert_cmpstr (t, ==, "0.01");
  }
  g_assert_cmpuint (s->duplicates, ==, 0);
}

/* a grid over a conv2d's kernel size and a whole architecture */
static void
test_grid_network (void)
{
  g_autoptr(GError) error = NULL;
  const char *text =
    "{ \"name\": \"cnn\", \"data\": { \"dataset\": \"mnist\", \"normalization\": \"scale\" },"
    "  \"network\": { \"inputs\": 784, \"input_shape\": [1, 28, 28], \"layers\": ["
    "    { \"type\": \"conv2d\", \"filters\": 4, \"kernel\": 3, \"stride\": 1, \"padding\": \"valid\", \"activation\": \"relu\" },"
    "    { \"units\": 10, \"activation\": \"softmax\" } ] },"
    "  \"sweep\": { \"parameters\": ["
    "    { \"path\": \"network.layers[0].kernel\", \"values\": [3, 5] },"
    "    { \"path\": \"network.layers[0].filters\", \"choice\": [4, 8] } ], \"count\": 1 } }";
  g_autoptr(InkSweep) s = ink_sweep_from_json (text, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (s->children->len, ==, 2);
  g_assert_cmpuint (child (s, 0)->experiment->net->layers[0].kernel_h, ==, 3);
  g_assert_cmpuint (child (s, 1)->experiment->net->layers[0].kernel_w, ==, 5);

  {
    const char *arch =
      "{ \"name\": \"arch\", \"sweep\": { \"parameters\": [ { \"path\": \"network.layers\", \"values\": ["
      "  [ { \"units\": 32, \"activation\": \"relu\" }, { \"units\": 10, \"activation\": \"softmax\" } ],"
      "  [ { \"units\": 64, \"activation\": \"tanh\" }, { \"units\": 32, \"activation\": \"relu\" },"
      "    { \"units\": 10, \"activation\": \"softmax\" } ] ] } ] } }";
    g_autoptr(InkSweep) a = ink_sweep_from_json (arch, -1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (a->children->len, ==, 2);
    g_assert_cmpint (child (a, 0)->experiment->net->n_layers, ==, 2);
    g_assert_cmpint (child (a, 1)->experiment->net->n_layers, ==, 3);
    g_assert_cmpuint (child (a, 1)->experiment->net->layers[1].units, ==, 32);
  }
}

static const char *random_section =
  "{ \"parameters\": ["
  "  { \"path\": \"optimizer.lr\", \"log_uniform\": [1e-4, 1e-1] },"
  "  { \"path\": \"network.layers[0].units\", \"uniform\": [8, 64] },"
  "  { \"path\": \"network.layers[0].dropout\", \"uniform\": [0.0, 0.5] },"
  "  { \"path\": \"optimizer.kind\", \"choice\": [\"sgd\", \"adam\", \"rmsprop\"] } ],"
  "  \"count\": 40, \"seed\": %d }";

static void
test_random (void)
{
  g_autofree char *sec7 = g_strdup_printf (random_section, 7);
  g_autofree char *sec8 = g_strdup_printf (random_section, 8);
  g_autoptr(InkSweep) a = sweep_ok (sec7);
  g_autoptr(InkSweep) b = sweep_ok (sec7);
  g_autoptr(InkSweep) c = sweep_ok (sec8);
  gboolean kinds[3] = { FALSE, FALSE, FALSE };
  guint below_1e3 = 0, differ = 0;

  g_assert_cmpuint (a->children->len, ==, 40);
  for (guint i = 0; i < 40; i++)
    {
      InkSweepChild *x = child (a, i), *y = child (b, i);
      const InkExperiment *e = x->experiment;

      /* the same seed: the same children */
      g_assert_cmpstr (x->id, ==, y->id);
      for (guint k = 0; k < 4; k++)
        {
          g_autofree char *tx = ink_sweep_child_value_text (x, k);
          g_autofree char *ty = ink_sweep_child_value_text (y, k);
          g_assert_cmpstr (tx, ==, ty);
        }
      g_assert_cmpfloat (e->optimizer.lr, >=, 1e-4f);
      g_assert_cmpfloat (e->optimizer.lr, <=, 1e-1f);
      below_1e3 += e->optimizer.lr < 1e-3f;
      /* a whole-number field draws whole numbers */
      g_assert_cmpuint (e->net->layers[0].units, >=, 8);
      g_assert_cmpuint (e->net->layers[0].units, <=, 64);
      g_assert_true (JSON_NODE_HOLDS_VALUE (x->values[1]) && json_node_get_value_type (x->values[1]) == G_TYPE_INT64);
      g_assert_cmpfloat (e->net->layers[0].dropout, >=, 0.0f);
      g_assert_cmpfloat (e->net->layers[0].dropout, <=, 0.5f);
      kinds[e->optimizer.kind == INK_OPT_SGD ? 0 : e->optimizer.kind == INK_OPT_ADAM ? 1 : 2] = TRUE;
      g_assert_true (e->optimizer.kind == INK_OPT_SGD || e->optimizer.kind == INK_OPT_ADAM ||
                     e->optimizer.kind == INK_OPT_RMSPROP);
      differ += g_strcmp0 (x->id, child (c, i)->id) != 0;
    }
  /* log-uniform over three decades: about a third below 1e-3 */
  g_assert_cmpuint (below_1e3, >=, 4);
  g_assert_cmpuint (below_1e3, <=, 28);
  g_assert_true (kinds[0] && kinds[1] && kinds[2]);
  /* another seed, other draws */
  g_assert_cmpuint (differ, >=, 35);
}

/* ids come from the assignment: the same child gets the same id whatever
 * else the sweep holds, and the id is the documented hash */
static void
test_stable_ids (void)
{
  g_autoptr(InkSweep) a = sweep_ok ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.01, 0.001] },"
                                    "  { \"path\": \"training.batch_size\", \"values\": [32, 64] } ] }");
  g_autoptr(InkSweep) b = sweep_ok ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.001, 0.003, 0.01] },"
                                    "  { \"path\": \"batch_size\", \"values\": [64, 32] } ] }");
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *want = NULL;
  const char *assignment = "optimizer.lr=0.01\ntraining.batch_size=32\n";

  for (guint i = 0; i < b->children->len; i++)
    g_hash_table_add (ids, child (b, i)->id);
  for (guint i = 0; i < a->children->len; i++)
    {
      g_assert_true (g_regex_match_simple ("^t-[0-9a-f]{10}$", child (a, i)->id, 0, 0));
      g_assert_true (g_hash_table_contains (ids, child (a, i)->id));
    }
  g_checksum_update (sum, (const guchar *) assignment, -1);
  want = g_strdup_printf ("t-%.10s", g_checksum_get_string (sum));
  g_assert_cmpstr (child (a, 0)->id, ==, want);
}

static void
assert_refused (const char *section, InkSweepError code, const char *field, const char *also)
{
  g_autofree char *text = spec_text (section, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSweep) s = ink_sweep_from_json (text, -1, &error);

  g_assert_null (s);
  if (!g_error_matches (error, INK_SWEEP_ERROR, code))
    g_error ("%s: expected code %d, got %s", section, code, error ? error->message : "no error");
  if (!strstr (error->message, field) || (also && !strstr (error->message, also)))
    g_error ("“%s” does not name “%s” (and “%s”)", error->message, field, also ? also : "");
}

static void
test_invalid (void)
{
  g_autoptr(GError) error = NULL;

  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"uniform\": [0.5, 0.1] } ], \"count\": 2 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0]", "low 0.5");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"uniform\": [0.1, 0.1] } ], \"count\": 2 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0]", "not below");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"log_uniform\": [0, 0.1] } ], \"count\": 2 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0]", "log_uniform");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"log_uniform\": [-1, 0.1] } ], \"count\": 2 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0]", "above 0");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"uniform\": [\"a\", 1] } ], \"count\": 2 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0]", "two finite numbers");
  /* both ends of a range are tried: a learning rate of 0 is refused */
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"uniform\": [0, 0.1] } ], \"count\": 2 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0].uniform", "optimizer.lr = 0");
  assert_refused ("{ \"parameters\": [ { \"path\": \"network.layers[0].units\", \"uniform\": [8.2, 8.7] } ], \"count\": 2 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0]", "whole numbers");
  assert_refused ("{ \"parameters\": [ { \"path\": \"network.layers[7].units\", \"values\": [8] } ] }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0].path", "network.layers has 2 elements");
  assert_refused ("{ \"parameters\": [ { \"path\": \"networks.layers[0].units\", \"values\": [8] } ] }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0].path", "no member “networks”");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer..lr\", \"values\": [8] } ] }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0].path", "not a path");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.kind\", \"uniform\": [1, 2] } ], \"count\": 2 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0]", "optimizer.kind is text");
  /* a value the experiment refuses, named with its place in the list */
  assert_refused ("{ \"parameters\": [ { \"path\": \"batch_size\", \"values\": [32, 0] } ] }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0].values[1]", "training.batch_size = 0");
  assert_refused ("{ \"parameters\": [ { \"path\": \"network.layers[0].dropout\", \"values\": [1.5] } ] }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0].values[0]", "dropout");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.kind\", \"choice\": [\"adam\", \"lbfgs\"] } ], \"count\": 3 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0].choice[1]", "lbfgs");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [] } ] }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[0]", "non-empty");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.1] },"
                  "  { \"path\": \"lr\", \"values\": [0.2] } ] }",
                  INK_SWEEP_ERROR_INVALID, "sweep.parameters[1].path", "already swept");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"log_uniform\": [1e-4, 1e-2] } ] }",
                  INK_SWEEP_ERROR_INVALID, "sweep.count", "required");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.1] } ], \"count\": 3 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.count", "no parameter is random");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.1], \"uniform\": [0, 1] } ] }",
                  INK_SWEEP_ERROR_PARSE, "sweep.parameters[0]", "exactly one");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.1] } ], \"grid\": 1 }",
                  INK_SWEEP_ERROR_PARSE, "sweep", "unknown member “grid”");
  assert_refused ("{ \"parameters\": [] }", INK_SWEEP_ERROR_PARSE, "sweep.parameters", "non-empty");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.1] } ], \"executor\": \"pbs\" }",
                  INK_SWEEP_ERROR_INVALID, "sweep.executor", "local or slurm");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.1] } ],"
                  "  \"slurm\": { \"partition\": \"a b\" } }", INK_SWEEP_ERROR_INVALID, "sweep.slurm", "partition");
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.1] } ],"
                  "  \"slurm\": { \"extra\": [\"--qos=$(rm -rf /)\"] } }", INK_SWEEP_ERROR_INVALID,
                  "sweep.slurm.extra[0]", NULL);
  assert_refused ("{ \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.1] } ],"
                  "  \"halving\": { \"eta\": 1 } }", INK_SWEEP_ERROR_INVALID, "sweep.halving", "eta");
  assert_refused ("{ \"parameters\": [ { \"path\": \"seed\", \"values\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },"
                  "  { \"path\": \"network.layers[0].units\", \"uniform\": [1, 100] } ], \"count\": 1001 }",
                  INK_SWEEP_ERROR_INVALID, "sweep.count", "more than 10000");

  /* no sweep section at all */
  g_assert_null (ink_sweep_from_json ("{ \"name\": \"x\" }", -1, &error));
  g_assert_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "sweep"));
}

/* repeated random draws are dropped, not run twice */
static void
test_duplicates (void)
{
  g_autoptr(InkSweep) s = sweep_ok ("{ \"parameters\": [ { \"path\": \"network.layers[0].units\", \"choice\": [8, 16] } ],"
                                    "  \"count\": 10, \"seed\": 1 }");

  g_assert_cmpuint (s->children->len, ==, 2);
  g_assert_cmpuint (s->duplicates, ==, 8);
  g_assert_cmpstr (child (s, 0)->id, !=, child (s, 1)->id);
}

static void
test_folder (void)
{
  const char *section = "{ \"name\": \"f\", \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.01, 0.001] } ],"
                        "  \"slurm\": { \"partition\": \"debug\", \"time\": \"00:10:00\" } }";
  g_autoptr(InkSweep) s = sweep_ok (section);
  g_autofree char *dir = g_build_filename (tmpdir, "folder", NULL);
  g_autofree char *text = ink_sweep_to_json (s);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSweep) again = ink_sweep_from_json (text, -1, &error);
  g_autofree char *text2 = NULL;

  /* the canonical form reads back to itself */
  g_assert_no_error (error);
  text2 = ink_sweep_to_json (again);
  g_assert_cmpstr (text, ==, text2);

  g_assert_true (ink_sweep_write (s, dir, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < s->children->len; i++)
    {
      InkSweepChild *c = child (s, i);
      g_autofree char *want = g_build_filename (dir, "runs", c->id, NULL);
      g_autoptr(InkLedgerRun) run = ink_ledger_run_load (c->dir, &error);

      g_assert_cmpstr (c->dir, ==, want);
      /* every child is a run in the ledger's format from the start */
      g_assert_no_error (error);
      g_assert_cmpstr (run->status, ==, "pending");
      g_assert_cmpfloat (run->experiment->optimizer.lr, ==, c->experiment->optimizer.lr);
      g_assert_cmpint (c->info.state, ==, INK_SWEEP_PENDING);
    }
  {
    g_autoptr(InkSweep) opened = ink_sweep_open (dir, &error);
    g_autoptr(GPtrArray) runs = NULL;
    g_assert_no_error (error);
    g_assert_cmpuint (opened->children->len, ==, 2);
    g_assert_cmpstr (child (opened, 1)->id, ==, child (s, 1)->id);
    g_assert_cmpstr (opened->slurm.partition, ==, "debug");
    g_autofree char *runs_dir = g_build_filename (dir, "runs", NULL);

    /* the Runs page's loader lists the children */
    runs = ink_ledger_list (runs_dir, NULL);
    g_assert_cmpuint (runs->len, ==, 2);
    for (guint i = 0; i < runs->len; i++)
      g_assert_null (((InkLedgerRun *) g_ptr_array_index (runs, i))->damaged);
  }
  /* the same sweep again: kept; another one: refused naming the folder */
  {
    g_autoptr(InkSweep) same = sweep_ok (section);
    g_autoptr(InkSweep) other = sweep_ok ("{ \"name\": \"f\", \"parameters\": [ { \"path\": \"optimizer.lr\", \"values\": [0.5] } ] }");

    g_assert_true (ink_sweep_write (same, dir, &error));
    g_assert_no_error (error);
    g_assert_false (ink_sweep_write (other, dir, &error));
    g_assert_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, dir));
    g_clear_error (&error);
  }
  /* a folder with other things in it is no sweep folder */
  g_assert_null (ink_sweep_open (tmpdir, &error));
  g_assert_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_DAMAGED);
}

/* writes a child's files as a finished attempt of `epochs` epochs whose
 * best validation loss is `loss` */
static void
fake_attempt (InkSweepChild *c, guint epochs, double loss)
{
  g_autofree char *hist = g_build_filename (c->dir, "history.csv", NULL);
  g_autofree char *status = g_build_filename (c->dir, "status.json", NULL);
  g_autofree char *old = NULL;
  g_autofree char *st = NULL;
  GString *csv = g_string_new ("epoch,train_loss,valid_loss,train_valid_ratio,train_acc,valid_acc,lr,duration_s,improved\n");
  guint rung = 0;

  for (guint e = 1; e <= epochs; e++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (csv, "%u,1,%s,1,0.5,0.5,0.001,0.1,1\n", e,
                              g_ascii_dtostr (buf, sizeof buf, loss + (epochs - e) * 0.01));
    }
  g_assert_true (g_file_set_contents (hist, csv->str, -1, NULL));
  g_string_free (csv, TRUE);
  if (g_file_get_contents (status, &old, NULL, NULL))
    {
      const char *r = strstr (old, "\"rung\" : ");
      if (r)
        rung = (guint) g_ascii_strtoull (r + 9, NULL, 10);
    }
  st = g_strdup_printf ("{ \"state\": \"completed\", \"attempts\": 1, \"epochs_target\": %u, \"rung\": %u,"
                        "  \"exit_status\": 0, \"message\": \"\" }", epochs, rung);
  g_assert_true (g_file_set_contents (status, st, -1, NULL));
}

/* successive halving: 8 children, min_epochs 1, eta 2, 4 epochs: rungs of
 * 1, 2 and 4 epochs; after each, the best half by validation loss goes on */
static void
test_halving (void)
{
  g_autoptr(InkSweep) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (tmpdir, "halving", NULL);
  g_autofree char *text = spec_text ("{ \"parameters\": [ { \"path\": \"seed\", \"values\": [1, 2, 3, 4, 5, 6, 7, 8] } ],"
                                     "  \"halving\": { \"min_epochs\": 1, \"eta\": 2 } }", 4);
  /* a child's loss: lower is better; child 5 is the best, then 2, … */
  const double loss[8] = { 0.8, 0.7, 0.2, 0.6, 0.5, 0.1, 0.4, 0.3 };
  g_autofree guint *plan = NULL;
  guint rung = 99;

  s = ink_sweep_from_json (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (ink_sweep_write (s, dir, &error));

  plan = ink_sweep_plan (s, &rung, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rung, ==, 0);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (plan[i], ==, 1);
  g_clear_pointer (&plan, g_free);

  /* rung 0 done: the best 4 (5, 2, 7, 6) go on to 2 epochs */
  for (guint i = 0; i < 8; i++)
    fake_attempt (child (s, i), 1, loss[i]);
  ink_sweep_refresh (s);
  plan = ink_sweep_plan (s, &rung, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rung, ==, 1);
  for (guint i = 0; i < 8; i++)
    {
      gboolean kept = i == 5 || i == 2 || i == 7 || i == 6;
      g_assert_cmpuint (plan[i], ==, kept ? 2 : 0);
      g_assert_cmpint (child (s, i)->info.state, ==, kept ? INK_SWEEP_COMPLETED : INK_SWEEP_HALTED);
    }
  g_clear_pointer (&plan, g_free);
  /* the halted ones say so in their status.json */
  {
    g_autoptr(InkSweep) opened = ink_sweep_open (dir, &error);
    g_assert_no_error (error);
    g_assert_cmpint (child (opened, 0)->info.state, ==, INK_SWEEP_HALTED);
    g_assert_nonnull (strstr (child (opened, 0)->info.message, "rung 0"));
    g_assert_true (ink_sweep_child_is_done (child (opened, 0)->dir, 4));
  }

  /* half of rung 1 done: nothing new to run, the rest still asked for */
  fake_attempt (child (s, 5), 2, loss[5]);
  fake_attempt (child (s, 2), 2, loss[2]);
  ink_sweep_refresh (s);
  plan = ink_sweep_plan (s, &rung, &error);
  g_assert_cmpuint (rung, ==, 1);
  g_assert_cmpuint (plan[5] + plan[2], ==, 0);
  g_assert_cmpuint (plan[7], ==, 2);
  g_clear_pointer (&plan, g_free);

  /* rung 1 done: 5 and 2 to the last rung, 4 epochs; then nothing */
  fake_attempt (child (s, 7), 2, loss[7]);
  fake_attempt (child (s, 6), 2, loss[6]);
  ink_sweep_refresh (s);
  plan = ink_sweep_plan (s, &rung, &error);
  g_assert_cmpuint (rung, ==, 2);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (plan[i], ==, i == 5 || i == 2 ? 4 : 0);
  g_clear_pointer (&plan, g_free);
  fake_attempt (child (s, 5), 4, loss[5]);
  fake_attempt (child (s, 2), 4, loss[2]);
  ink_sweep_refresh (s);
  plan = ink_sweep_plan (s, &rung, &error);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (plan[i], ==, 0);
  g_assert_cmpint (child (s, 5)->info.state, ==, INK_SWEEP_COMPLETED);
  g_assert_cmpint (child (s, 7)->info.state, ==, INK_SWEEP_HALTED);
  {
    g_autoptr(GPtrArray) sorted = ink_sweep_sorted (s, "valid_loss");
    g_assert_cmpuint (((InkSweepChild *) g_ptr_array_index (sorted, 0))->index, ==, 5);
  }
}

static void
test_slurm_script (void)
{
  g_autoptr(InkSweep) s = sweep_ok ("{ \"name\": \"lr x batch\", \"parameters\": ["
                                    "  { \"path\": \"optimizer.lr\", \"values\": [0.01, 0.001] },"
                                    "  { \"path\": \"training.batch_size\", \"values\": [32, 64] } ],"
                                    "  \"slurm\": { \"partition\": \"gpu-short\", \"time\": \"01:00:00\", \"mem\": \"2G\","
                                    "             \"extra\": [\"--qos=short\"] } }");
  g_autofree char *dir = g_build_filename (tmpdir, "slurm", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  InkSweepSlurmSpec spec = s->slurm;
  guint n = 0;

  spec.cpus_per_task = 2;
  g_assert_true (ink_sweep_write (s, dir, &error));
  script = ink_sweep_slurm_script (s, &spec, 2, "/usr/bin/inkling-cli", &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
  g_assert_true (g_str_has_prefix (script, "#!/bin/sh\n"));
  g_assert_nonnull (strstr (script, "#SBATCH --array=0-3%2\n"));
  g_assert_nonnull (strstr (script, "#SBATCH --partition=gpu-short\n"));
  g_assert_nonnull (strstr (script, "#SBATCH --time=01:00:00\n"));
  g_assert_nonnull (strstr (script, "#SBATCH --cpus-per-task=2\n"));
  g_assert_nonnull (strstr (script, "#SBATCH --mem=2G\n"));
  g_assert_nonnull (strstr (script, "#SBATCH --qos=short\n"));
  g_assert_nonnull (strstr (script, "#SBATCH --job-name=inkling-lr_x_batch\n"));
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *line = g_strdup_printf ("  %u) id=%s epochs=2 ;;\n", i, child (s, i)->id);
      g_assert_nonnull (strstr (script, line));
    }
  g_assert_nonnull (strstr (script, "exec '/usr/bin/inkling-cli' train --config \"$dir/experiment.json\" --run-dir \"$dir\""));
  g_assert_nonnull (strstr (script, "OPENBLAS_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\""));
  g_clear_pointer (&script, g_free);

  /* a finished child is left out of the next array */
  {
    g_autofree char *status = g_build_filename (child (s, 1)->dir, "status.json", NULL);
    g_autofree char *hist = g_build_filename (child (s, 1)->dir, "history.csv", NULL);
    g_assert_true (g_file_set_contents (status, "{ \"state\": \"completed\", \"epochs_target\": 2 }", -1, NULL));
    g_assert_true (g_file_set_contents (hist, "epoch,train_loss,valid_loss,train_valid_ratio,train_acc,valid_acc,lr,duration_s,improved\n"
                                              "1,1,1,1,0.5,0.5,0.01,0.1,1\n2,1,1,1,0.5,0.5,0.01,0.1,1\n", -1, NULL));
  }
  ink_sweep_refresh (s);
  script = ink_sweep_slurm_script (s, &spec, 0, "/usr/bin/inkling-cli", &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_nonnull (strstr (script, "#SBATCH --array=0,2-3\n"));
  g_clear_pointer (&script, g_free);

  /* a relative inkling-cli cannot be found on the nodes */
  g_assert_null (ink_sweep_slurm_script (s, &spec, 0, "inkling-cli", &n, &error));
  g_assert_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_SLURM);
}

/* ------------------------------------------------------------------------ */
/* the local executor, end to end                                            */

static int
run_cli (const char * const *args, char **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) INK_TEST_CLI);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (tmpdir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static char *
write_spec (const char *name, const char *section, guint epochs)
{
  g_autofree char *text = spec_text (section, epochs);
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_local (void)
{
  g_autofree char *spec = write_spec ("local.json", "{ \"name\": \"local4\", \"parameters\": ["
                                      "  { \"path\": \"optimizer.lr\", \"values\": [0.003, 0.001] },"
                                      "  { \"path\": \"network.layers[0].units\", \"values\": [16, 24] } ] }", 2);
  g_autofree char *dir = g_build_filename (tmpdir, "local", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSweep) s = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *args[] = { "sweep", spec, "--dir", dir, "--parallel", "2", NULL };
  const char *report[] = { "sweep", "report", dir, "--json", NULL };
  JsonArray *runs;
  int status;

  status = run_cli (args, &out);
  if (status != 0)
    g_error ("sweep exited %d: %s", status, out);
  g_assert_nonnull (strstr (out, "4 completed"));
  s = ink_sweep_open (dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      InkSweepChild *c = child (s, i);
      g_autoptr(InkLedgerRun) run = ink_ledger_run_load (c->dir, &error);
      g_autofree char *model = g_build_filename (c->dir, "model.safetensors", NULL);
      g_autofree char *ckpt = g_build_filename (c->dir, "checkpoint.safetensors", NULL);

      g_assert_no_error (error);
      g_assert_cmpint (c->info.state, ==, INK_SWEEP_COMPLETED);
      g_assert_cmpuint (c->info.attempts, ==, 1);
      g_assert_cmpuint (run->history->len, ==, 2);
      g_assert_true (isfinite (run->test_accuracy));
      g_assert_true (g_file_test (model, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_test (ckpt, G_FILE_TEST_IS_REGULAR));
      /* the run trained what its experiment says */
      g_assert_cmpfloat (run->experiment->optimizer.lr, ==, c->experiment->optimizer.lr);
      g_assert_cmpuint (run->experiment->net->layers[0].units, ==, c->experiment->net->layers[0].units);
    }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (report, &out), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  runs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 4);
  /* best first */
  for (guint i = 1; i < 4; i++)
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (runs, i - 1), "test_accuracy"),
                       >=, json_object_get_double_member (json_array_get_object_element (runs, i), "test_accuracy"));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (runs, 0), "rank"), ==, 1);

  /* again: nothing runs, nothing changes */
  {
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *st = g_build_filename (child (s, 0)->dir, "status.json", NULL);

    g_assert_true (g_file_get_contents (st, &before, NULL, NULL));
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_assert_null (strstr (out, "start "));
    g_assert_true (g_file_get_contents (st, &after, NULL, NULL));
    g_assert_cmpstr (before, ==, after);
  }
}

typedef struct
{
  char   *content;
  gint64  mtime_ns;
} Snapshot;

static void
snapshot (const char *path, Snapshot *s)
{
  struct stat st;

  g_assert_true (g_file_get_contents (path, &s->content, NULL, NULL));
  g_assert_cmpint (stat (path, &st), ==, 0);
  s->mtime_ns = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

static int
read_pid_if_running (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "status.json", NULL);
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !strstr (text, "\"state\" : \"running\""))
    return 0;
  p = strstr (text, "\"pid\" : ");
  return p ? atoi (p + 8) : 0;
}

static gboolean
still_running (const char *dir)
{
  return read_pid_if_running (dir) != 0;
}

/* epochs in the child's history.csv */
static guint
epochs_done (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "history.csv", NULL);
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n ? n - 1 : 0;
}

static void
test_local_kill_resume (void)
{
  g_autofree char *spec = write_spec ("kill.json", "{ \"name\": \"kill4\", \"parameters\": ["
                                      "  { \"path\": \"optimizer.lr\", \"values\": [0.003, 0.001] },"
                                      "  { \"path\": \"seed\", \"values\": [1, 2] } ] }", 60);
  g_autofree char *dir = g_build_filename (tmpdir, "kill", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(InkSweep) s = NULL;
  const char *argv[] = { INK_TEST_CLI, "sweep", spec, "--dir", dir, "--parallel", "2", NULL };
  const char *resume[] = { "sweep", "resume", dir, NULL };
  g_autofree char *out = NULL;
  Snapshot snaps[4][4];
  const char *files[4] = { "status.json", "summary.json", "model.safetensors", "history.csv" };
  int victim = -1, status;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  /* a child in the middle of its run, past its first checkpoint: stopped
   * (SIGSTOP) while its status still says running, so that it cannot
   * finish first, then killed */
  for (guint tries = 0; victim < 0; tries++)
    {
      g_autoptr(InkSweep) peek = NULL;

      if (tries > 12000)
        g_error ("no child of the sweep was seen running in 120 s");
      g_usleep (10000);
      if (!(peek = ink_sweep_open (dir, NULL)))
        continue;
      for (guint i = 0; i < peek->children->len && victim < 0; i++)
        {
          const char *d = child (peek, i)->dir;
          int pid = read_pid_if_running (d);

          if (pid <= 0 || epochs_done (d) < 2 || kill (pid, SIGSTOP) != 0)
            continue;
          if (still_running (d) && epochs_done (d) < 60)
            {
              g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
              victim = (int) i;
            }
          else
            kill (pid, SIGCONT);
        }
    }
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  /* the others went on; the sweep says one is not finished */
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  s = ink_sweep_open (dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      InkSweepChild *c = child (s, i);

      if ((int) i == victim)
        {
          g_assert_cmpint (c->info.state, ==, INK_SWEEP_INTERRUPTED);
          g_assert_nonnull (strstr (c->info.message, "signal 9"));
          g_assert_cmpint (c->info.exit_status, ==, 128 + 9);
          continue;
        }
      g_assert_cmpint (c->info.state, ==, INK_SWEEP_COMPLETED);
      g_assert_cmpuint (c->info.epochs_done, ==, 60);
      for (guint f = 0; f < 4; f++)
        {
          g_autofree char *p = g_build_filename (c->dir, files[f], NULL);
          snapshot (p, &snaps[i][f]);
        }
    }

  /* resume: the killed one finishes, the finished ones are not touched */
  status = run_cli (resume, &out);
  if (status != 0)
    g_error ("sweep resume exited %d: %s", status, out);
  g_assert_nonnull (strstr (out, child (s, victim)->id));
  ink_sweep_refresh (s);
  for (guint i = 0; i < 4; i++)
    {
      InkSweepChild *c = child (s, i);

      g_assert_cmpint (c->info.state, ==, INK_SWEEP_COMPLETED);
      g_assert_cmpuint (c->info.epochs_done, ==, 60);
      if ((int) i == victim)
        {
          g_assert_cmpuint (c->info.attempts, ==, 2);
          continue;
        }
      g_assert_cmpuint (c->info.attempts, ==, 1);
      for (guint f = 0; f < 4; f++)
        {
          g_autofree char *p = g_build_filename (c->dir, files[f], NULL);
          Snapshot now;

          snapshot (p, &now);
          g_assert_cmpint (now.mtime_ns, ==, snaps[i][f].mtime_ns);
          g_assert_cmpstr (now.content, ==, snaps[i][f].content);
          g_free (now.content);
          g_free (snaps[i][f].content);
        }
    }
  /* the killed run continued from its checkpoint: its log says it resumed */
  {
    g_autofree char *log = g_build_filename (child (s, victim)->dir, "train.log", NULL);
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "--run-dir"));
    g_assert_nonnull (strstr (text, "resum"));
  }
}

/* a child that fails is recorded and the others go on */
static void
test_local_failure (void)
{
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-data", NULL);
  g_autofree char *section = g_strdup_printf ("{ \"name\": \"fail\", \"parameters\": ["
                                              "  { \"path\": \"data.dataset\", \"values\": [\"%s\", \"%s\"] },"
                                              "  { \"path\": \"seed\", \"values\": [1, 2] } ] }", data_dir, missing);
  g_autofree char *spec = write_spec ("fail.json", section, 2);
  g_autofree char *dir = g_build_filename (tmpdir, "fail", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSweep) s = NULL;
  const char *args[] = { "sweep", spec, "--dir", dir, "--parallel", "1", NULL };

  g_assert_cmpint (run_cli (args, &out), ==, 1);
  g_assert_nonnull (strstr (out, "2 failed, 2 completed"));
  s = ink_sweep_open (dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      InkSweepChild *c = child (s, i);

      if (i >= 2)
        {
          g_assert_cmpint (c->info.state, ==, INK_SWEEP_FAILED);
          g_assert_cmpint (c->info.exit_status, ==, 1);
          /* the reason, from the run's own error line */
          g_assert_nonnull (strstr (c->info.message, "no-such-data"));
        }
      else
        g_assert_cmpint (c->info.state, ==, INK_SWEEP_COMPLETED);
    }
}

/* SIGTERM to the sweep (what Slurm or systemd send; Ctrl+C the same)
 * stops the running children, which keep their checkpoints; resume
 * finishes them */
static void
test_local_sigterm (void)
{
  g_autofree char *spec = write_spec ("term.json", "{ \"name\": \"term\", \"parameters\": ["
                                      "  { \"path\": \"seed\", \"values\": [1, 2, 3] } ] }", 60);
  g_autofree char *dir = g_build_filename (tmpdir, "term", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(InkSweep) s = NULL;
  const char *argv[] = { INK_TEST_CLI, "sweep", spec, "--dir", dir, "--parallel", "2", NULL };
  const char *resume[] = { "sweep", "resume", dir, NULL };
  g_autofree char *out = NULL;
  guint stopped = 0, pending = 0;
  gboolean sent = FALSE;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  /* once a child is past its first epoch and stopped there (SIGSTOP, so
   * that it cannot finish first), the sweep gets SIGTERM */
  for (guint tries = 0; !sent; tries++)
    {
      g_autoptr(InkSweep) peek = NULL;

      if (tries > 12000)
        g_error ("no child of the sweep was seen running in 120 s");
      g_usleep (10000);
      if (!(peek = ink_sweep_open (dir, NULL)))
        continue;
      for (guint i = 0; i < peek->children->len && !sent; i++)
        {
          const char *d = child (peek, i)->dir;
          int pid = read_pid_if_running (d);

          if (pid <= 0 || epochs_done (d) < 2 || kill (pid, SIGSTOP) != 0)
            continue;
          if (still_running (d) && epochs_done (d) < 60)
            {
              g_subprocess_send_signal (proc, SIGTERM);
              sent = TRUE;
            }
          kill (pid, SIGCONT);
        }
    }
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 143);
  s = ink_sweep_open (dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      InkSweepChild *c = child (s, i);
      g_autofree char *ckpt = g_build_filename (c->dir, "checkpoint.safetensors", NULL);

      /* none was killed: each one running stopped and said so */
      if (c->info.state == INK_SWEEP_INTERRUPTED)
        g_error ("%s was interrupted: %s", c->id, c->info.message);
      g_assert_cmpint (c->info.state, !=, INK_SWEEP_RUNNING);
      if (c->info.state == INK_SWEEP_STOPPED)
        {
          stopped++;
          g_assert_cmpint (c->info.exit_status, ==, 143);
          g_assert_true (g_file_test (ckpt, G_FILE_TEST_IS_REGULAR));
          g_assert_cmpuint (c->info.epochs_done, <, 60);
        }
      pending += c->info.state == INK_SWEEP_PENDING;
    }
  g_assert_cmpuint (stopped, >=, 1);
  /* the third was not started after the signal */
  g_assert_cmpuint (pending + stopped, >=, 2);
  g_assert_cmpint (run_cli (resume, &out), ==, 0);
  ink_sweep_refresh (s);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (child (s, i)->info.state, ==, INK_SWEEP_COMPLETED);
      g_assert_cmpuint (child (s, i)->info.epochs_done, ==, 60);
    }
}

static void
test_cli_usage (void)
{
  g_autofree char *out = NULL;
  g_autofree char *spec = write_spec ("usage.json", "{ \"parameters\": [ { \"path\": \"seed\", \"values\": [1] } ] }", 1);
  const char *bad_executor[] = { "sweep", spec, "--executor", "pbs", NULL };
  const char *no_spec[] = { "sweep", NULL };
  const char *bad_metric[] = { "sweep", "report", tmpdir, "--metric", "speed", NULL };
  const char *not_sweep[] = { "sweep", "status", tmpdir, NULL };
  const char *help[] = { "sweep", "--help", NULL };

  g_assert_cmpint (run_cli (bad_executor, NULL), ==, 2);
  g_assert_cmpint (run_cli (no_spec, NULL), ==, 2);
  g_assert_cmpint (run_cli (bad_metric, NULL), ==, 2);
  g_assert_cmpint (run_cli (not_sweep, NULL), ==, 1);
  g_assert_cmpint (run_cli (help, &out), ==, 0);
  g_assert_nonnull (strstr (out, "--executor"));
  g_assert_nonnull (strstr (out, "sweep resume DIR"));
}

int
main (int argc, char **argv)
{
  g_autofree char *mnist = test_mnist_dir ();
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("ink-sweep-XXXXXX", NULL);
  /* MNIST where it is installed, else a synthetic set of the same shape */
  data_dir = mnist ? g_steal_pointer (&mnist) : test_synthetic_dir (2000, 500);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_test_message ("data: %s", data_dir);
  g_test_add_func ("/sweep/grid", test_grid);
  g_test_add_func ("/sweep/grid-network", test_grid_network);
  g_test_add_func ("/sweep/random", test_random);
  g_test_add_func ("/sweep/stable-ids", test_stable_ids);
  g_test_add_func ("/sweep/invalid", test_invalid);
  g_test_add_func ("/sweep/duplicates", test_duplicates);
  g_test_add_func ("/sweep/folder", test_folder);
  g_test_add_func ("/sweep/halving", test_halving);
  g_test_add_func ("/sweep/slurm-script", test_slurm_script);
  g_test_add_func ("/sweep/local", test_local);
  g_test_add_func ("/sweep/local-kill-resume", test_local_kill_resume);
  g_test_add_func ("/sweep/local-failure", test_local_failure);
  g_test_add_func ("/sweep/local-sigterm", test_local_sigterm);
  g_test_add_func ("/sweep/cli-usage", test_cli_usage);
  ret = g_test_run ();
  if (!g_str_has_prefix (data_dir, tmpdir) && !strstr (data_dir, "inkling/datasets"))
    test_remove_tree (data_dir);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (data_dir);
  return ret;
}
