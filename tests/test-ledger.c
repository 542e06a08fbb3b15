/* test-ledger.c
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

#include <unistd.h>

#include <sys/wait.h>

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ink-ledger.h"
#include "test-util.h"

/* The run ledger reads folders anyone may have damaged: one bad folder
 * costs one row ("damaged", with the file and field at fault), never the
 * list, never a Json-CRITICAL (fatal in tests) and never a read past the
 * end of a line. */

static InkExperiment *
tiny_experiment (void)
{
  InkExperiment *e = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_free (e->name);
  e->name = g_strdup ("ledger-test");
  return e;
}

/* A complete run of two epochs; returns its folder. */
static char *
make_run (const char *root)
{
  g_autoptr(InkExperiment) exp = tiny_experiment ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InkLedgerRun) run = ink_ledger_run_create (root, exp, &error);

  g_assert_no_error (error);
  for (guint e = 1; e <= 2; e++)
    {
      InkEpochRecord r = { 0 };
      r.epoch = e;
      r.train_loss = 0.5 / e;
      r.valid_loss = NAN;     /* written as "nan": must read back */
      r.train_acc = 0.9;
      r.valid_acc = 0.8;
      r.lr = 0.001;
      r.duration = 1.5;
      r.improved = e == 2;
      g_assert_true (ink_ledger_run_add_epoch (run, &r, &error));
      g_assert_no_error (error);
    }
  g_assert_true (ink_ledger_run_finish (run, "completed", "all epochs done", 0.97, 2, &error));
  g_assert_no_error (error);
  return g_strdup (run->dir);
}

static void
write_in (const char *dir, const char *name, const char *text, gssize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, len, &error));
  g_assert_no_error (error);
}

/* The single entry of a ledger root, which must be damaged and name
 * `file` and `field` (NULL: not checked) in its reason. */
static void
assert_one_damaged (const char *root,
                    const char *file,
                    const char *field)
{
  g_autoptr(GPtrArray) runs = ink_ledger_list (root, NULL);
  InkLedgerRun *r;

  g_assert_cmpuint (runs->len, ==, 1);
  r = runs->pdata[0];
  g_assert_nonnull (r->damaged);
  g_test_message ("reason: %s", r->damaged);
  g_assert_true (g_utf8_validate (r->damaged, -1, NULL));
  g_assert_true (g_utf8_validate (r->id, -1, NULL));
  g_assert_cmpstr (r->status, ==, "damaged");
  g_assert_null (r->experiment);
  g_assert_nonnull (r->history);
  g_assert_cmpuint (r->history->len, ==, 0);
  g_assert_true (isnan (r->test_accuracy));
  if (file)
    g_assert_nonnull (strstr (r->damaged, file));
  if (field)
    g_assert_nonnull (strstr (r->damaged, field));
}

static void
test_good_run (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *dir = make_run (root);
  g_autoptr(GPtrArray) runs = ink_ledger_list (root, NULL);
  InkLedgerRun *r;

  g_assert_cmpuint (runs->len, ==, 1);
  r = runs->pdata[0];
  g_assert_null (r->damaged);
  g_assert_cmpstr (r->status, ==, "completed");
  g_assert_cmpstr (r->message, ==, "all epochs done");
  g_assert_cmpstr (r->experiment->name, ==, "ledger-test");
  g_assert_cmpuint (r->history->len, ==, 2);
  g_assert_cmpuint (g_array_index (r->history, InkEpochRecord, 1).epoch, ==, 2);
  g_assert_true (g_array_index (r->history, InkEpochRecord, 1).improved);
  g_assert_true (isnan (g_array_index (r->history, InkEpochRecord, 0).valid_loss));
  g_assert_cmpfloat (r->test_accuracy, ==, 0.97);
  g_assert_cmpuint (r->best_epoch, ==, 2);
  test_remove_tree (root);
}

/* a workbench killed while saving a run's model left its temporary file:
 * listing the ledger removes it (its process is gone), and keeps what a
 * live writer is writing */
static void
test_orphans_swept (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *dir = make_run (root);
  g_autofree char *h = g_strdup (g_get_host_name ());
  g_autofree char *orphan = NULL, *live = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  int status;
  pid_t child = fork ();

  if (child == 0)
    _exit (0);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_strdelimit (h, "./\\", '_');
  orphan = g_strdup_printf ("%s/.model.safetensors.inkling-tmp.%s.%d.abcdef", dir, h, (int) child);
  live = g_strdup_printf ("%s/.model.safetensors.inkling-tmp.%s.%d.ghijkl", dir, h, (int) getpid ());
  g_assert_true (g_file_set_contents (orphan, "half a model", -1, NULL));
  g_assert_true (g_file_set_contents (live, "being written", -1, NULL));
  runs = ink_ledger_list (root, NULL);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  test_remove_tree (root);
}

/* summary.json with a field of the wrong type, of each kind */
static const struct
{
  const char *summary;
  const char *field;    /* named in the reason */
} bad_summaries[] = {
  { "{\"status\": 3, \"started\": 1}", "status" },
  { "{\"status\": {\"a\": 1}, \"started\": 1}", "status" },
  { "{\"status\": [\"completed\"], \"started\": 1}", "status" },
  { "{\"status\": null, \"started\": 1}", "status" },
  { "{\"status\": \"\", \"started\": 1}", "status" },
  { "{\"started\": 1}", "status" },
  { "{\"status\": \"completed\"}", "started" },
  { "{\"status\": \"completed\", \"started\": \"yesterday\"}", "started" },
  { "{\"status\": \"completed\", \"started\": [1, 2]}", "started" },
  { "{\"status\": \"completed\", \"started\": 1.5}", "started" },
  { "{\"status\": \"completed\", \"started\": -5}", "started" },
  { "{\"status\": \"completed\", \"started\": 1, \"finished\": {}}", "finished" },
  { "{\"status\": \"completed\", \"started\": 1, \"message\": 42}", "message" },
  { "{\"status\": \"completed\", \"started\": 1, \"message\": [\"x\"]}", "message" },
  { "{\"status\": \"completed\", \"started\": 1, \"best_epoch\": \"2\"}", "best_epoch" },
  { "{\"status\": \"completed\", \"started\": 1, \"best_epoch\": -1}", "best_epoch" },
  { "{\"status\": \"completed\", \"started\": 1, \"best_epoch\": 99999999999}", "best_epoch" },
  { "{\"status\": \"completed\", \"started\": 1, \"test_accuracy\": \"97%\"}", "test_accuracy" },
  { "{\"status\": \"completed\", \"started\": 1, \"test_accuracy\": [0.9]}", "test_accuracy" },
  { "{\"status\": \"completed\", \"started\": 1, \"test_accuracy\": {}}", "test_accuracy" },
  { "{\"status\": \"completed\", \"started\": 1, \"test_accuracy\": true}", "test_accuracy" },
  { "{\"status\": \"completed\", \"started\": 1, \"test_accuracy\": 97.5}", "test_accuracy" },
  { "[\"status\", \"completed\"]", "an array" },
  { "\"completed\"", "a string" },
  { "null", NULL },
  { "", NULL },
  { "{\"status\": \"completed\", \"started\": 1", NULL },
  { "{'status': 'completed'}", NULL },
};

static void
test_summary_wrong_types (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_summaries); i++)
    {
      g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
      g_autofree char *dir = make_run (root);

      g_test_message ("summary: %s", bad_summaries[i].summary);
      write_in (dir, "summary.json", bad_summaries[i].summary, -1);
      assert_one_damaged (root, "summary.json", bad_summaries[i].field);
      test_remove_tree (root);
    }
}

/* the fields written before this version may be absent: defaults */
static void
test_summary_minimal (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *dir = make_run (root);
  g_autoptr(GPtrArray) runs = NULL;
  InkLedgerRun *r;

  write_in (dir, "summary.json", "{\"status\": \"running\", \"started\": 100, \"test_accuracy\": null}", -1);
  runs = ink_ledger_list (root, NULL);
  g_assert_cmpuint (runs->len, ==, 1);
  r = runs->pdata[0];
  g_assert_null (r->damaged);
  g_assert_cmpstr (r->status, ==, "interrupted");
  g_assert_cmpstr (r->message, ==, "");
  g_assert_cmpint (r->started, ==, 100);
  g_assert_true (isnan (r->test_accuracy));
  test_remove_tree (root);
}

static void
test_history_empty (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *dir = make_run (root);
  const char *texts[] = { "", "epoch,train_loss,valid_loss,train_valid_ratio,train_acc,valid_acc,lr,duration_s,improved\n",
                          "epoch,train_loss,valid_loss,train_valid_ratio,train_acc,valid_acc,lr,duration_s,improved" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) runs = NULL;
      InkLedgerRun *r;

      write_in (dir, "history.csv", texts[i], -1);
      runs = ink_ledger_list (root, NULL);
      g_assert_cmpuint (runs->len, ==, 1);
      r = runs->pdata[0];
      g_assert_null (r->damaged);
      g_assert_cmpuint (r->history->len, ==, 0);
    }
  test_remove_tree (root);
}

/* a history line cut short, or holding what is not a number */
static const char *const bad_histories[] = {
  "epoch,train_loss\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n2,0.4,0.3",
  "epoch,train_loss\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n2,",
  "epoch,train_loss\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n2\n",
  "epoch,train_loss\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n\n2,0.4,0.3,1.3,0.9,0.8,0.001,1.5,1\n",
  "epoch,train_loss\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,\n",
  "epoch,train_loss\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0,7\n",
  "epoch,train_loss\nx,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n",
  "epoch,train_loss\n0,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n",
  "epoch,train_loss\n-1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n",
  "epoch,train_loss\n99999999999,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n",
  "epoch,train_loss\n1,0.5x,0.4,1.25,0.9,0.8,0.001,1.5,0\n",
  "epoch,train_loss\n1,,0.4,1.25,0.9,0.8,0.001,1.5,0\n",
  "epoch,train_loss\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,yes\n",
  "train_loss\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n",
  "\n",
};

static void
test_history_damaged (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_histories); i++)
    {
      g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
      g_autofree char *dir = make_run (root);

      g_test_message ("history: %s", bad_histories[i]);
      write_in (dir, "history.csv", bad_histories[i], -1);
      assert_one_damaged (root, "history.csv", "line");
      test_remove_tree (root);
    }
  {
    /* a NUL byte inside the file */
    g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
    g_autofree char *dir = make_run (root);
    static const char text[] = "epoch,x\n1,0.5,0.4,1.25,0.9\0,0.8,0.001,1.5,0\n";

    write_in (dir, "history.csv", text, sizeof text - 1);
    assert_one_damaged (root, "history.csv", NULL);
    test_remove_tree (root);
  }
}

/* the last line without its newline is complete, not damage */
static void
test_history_no_final_newline (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *dir = make_run (root);
  g_autoptr(GPtrArray) runs = NULL;
  InkLedgerRun *r;

  write_in (dir, "history.csv", "epoch,a\n1,0.5,0.4,1.25,0.9,0.8,0.001,1.5,0\n2,0.4,inf,0,0.9,0.8,0.001,1.5,1", -1);
  runs = ink_ledger_list (root, NULL);
  r = runs->pdata[0];
  g_assert_null (r->damaged);
  g_assert_cmpuint (r->history->len, ==, 2);
  g_assert_true (isinf (g_array_index (r->history, InkEpochRecord, 1).valid_loss));
  test_remove_tree (root);
}

static void
test_missing_files (void)
{
  const char *names[] = { "experiment.json", "summary.json" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
      g_autofree char *dir = make_run (root);
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
      assert_one_damaged (root, names[i], NULL);
      test_remove_tree (root);
    }
  {
    /* an empty folder */
    g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
    g_autofree char *dir = g_build_filename (root, "20260101-000000-empty", NULL);

    g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
    assert_one_damaged (root, "experiment.json", NULL);
    test_remove_tree (root);
  }
  {
    /* history.csv may be missing: no epoch ended yet */
    g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
    g_autofree char *dir = make_run (root);
    g_autofree char *path = g_build_filename (dir, "history.csv", NULL);
    g_autoptr(GPtrArray) runs = NULL;

    g_assert_cmpint (g_unlink (path), ==, 0);
    runs = ink_ledger_list (root, NULL);
    g_assert_null (((InkLedgerRun *) runs->pdata[0])->damaged);
    g_assert_cmpuint (((InkLedgerRun *) runs->pdata[0])->history->len, ==, 0);
    test_remove_tree (root);
  }
}

static void
test_experiment_damaged (void)
{
  const char *texts[] = { "", "[]", "{\"name\": 5}", "{\"network\": \"big\"}", "not json", "{\"a\":" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
      g_autofree char *dir = make_run (root);

      g_test_message ("experiment: %s", texts[i]);
      write_in (dir, "experiment.json", texts[i], -1);
      assert_one_damaged (root, "experiment.json", NULL);
      test_remove_tree (root);
    }
}

/* a run folder that is a file, and files that are folders */
static void
test_wrong_kinds (void)
{
  {
    g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
    g_autofree char *good = make_run (root);
    g_autoptr(GPtrArray) runs = NULL;
    g_autoptr(GError) error = NULL;
    InkLedgerRun *bad = NULL;

    write_in (root, "20260101-000000-a-file", "hello", -1);
    write_in (root, ".hidden", "not a run either", -1);
    runs = ink_ledger_list (root, NULL);
    g_assert_cmpuint (runs->len, ==, 2);
    for (guint i = 0; i < runs->len; i++)
      if (((InkLedgerRun *) runs->pdata[i])->damaged)
        bad = runs->pdata[i];
    g_assert_nonnull (bad);
    g_assert_nonnull (strstr (bad->damaged, "a-file"));
    /* it can be deleted like any run */
    g_assert_true (ink_ledger_run_delete (bad, &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (bad->dir, G_FILE_TEST_EXISTS));
    test_remove_tree (root);
  }
  {
    const char *names[] = { "summary.json", "experiment.json", "history.csv" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
        g_autofree char *dir = make_run (root);
        g_autofree char *path = g_build_filename (dir, names[i], NULL);

        g_assert_cmpint (g_unlink (path), ==, 0);
        g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
        assert_one_damaged (root, names[i], NULL);
        test_remove_tree (root);
      }
  }
}

/* folder names need not be UTF-8; what the ledger shows must be */
static void
test_non_utf8_names (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *dir = make_run (root);
  g_autofree char *odd = g_build_filename (root, "run-\xff\xfe-latin1-\xe9", NULL);
  g_autofree char *odd2 = g_build_filename (root, "damaged-\xc3\x28", NULL);
  g_autoptr(GPtrArray) runs = NULL;
  guint n_damaged = 0;

  g_assert_cmpint (g_rename (dir, odd), ==, 0);
  g_assert_cmpint (g_mkdir (odd2, 0755), ==, 0);
  runs = ink_ledger_list (root, NULL);
  g_assert_cmpuint (runs->len, ==, 2);
  for (guint i = 0; i < runs->len; i++)
    {
      InkLedgerRun *r = runs->pdata[i];

      g_assert_true (g_utf8_validate (r->id, -1, NULL));
      if (r->damaged)
        {
          n_damaged++;
          g_assert_true (g_utf8_validate (r->damaged, -1, NULL));
          g_assert_cmpstr (r->dir, ==, odd2);
        }
      else
        {
          g_assert_cmpstr (r->dir, ==, odd);
          g_assert_cmpuint (r->history->len, ==, 2);
        }
    }
  g_assert_cmpuint (n_damaged, ==, 1);
  test_remove_tree (root);
}

/* good and damaged runs together: every good run still listed */
static void
test_mixed (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *a = make_run (root);
  g_autofree char *b = make_run (root);
  g_autofree char *c = make_run (root);
  g_autoptr(GPtrArray) runs = NULL;
  guint n_damaged = 0;

  write_in (b, "summary.json", "{\"status\": 3, \"started\": \"x\"}", -1);
  runs = ink_ledger_list (root, NULL);
  g_assert_cmpuint (runs->len, ==, 3);
  for (guint i = 0; i < runs->len; i++)
    n_damaged += ((InkLedgerRun *) runs->pdata[i])->damaged != NULL;
  g_assert_cmpuint (n_damaged, ==, 1);
  test_remove_tree (root);
}


/* A name given to a run is kept in summary.json, read back, and only the
 * name changes there; a summary without one (older runs) reads as before,
 * with the experiment's name; a blank name goes back to it. */
static void
test_rename (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *dir = make_run (root);
  g_autofree char *path = g_build_filename (dir, "summary.json", NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(GPtrArray) runs = ink_ledger_list (root, NULL);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  InkLedgerRun *r = runs->pdata[0];
  g_autofree char *long_name = NULL;

  g_assert_null (r->name);
  g_assert_cmpstr (ink_ledger_run_get_name (r), ==, "ledger-test");
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_null (strstr (before, "\"name\""));

  g_assert_true (ink_ledger_run_rename (r, "  wide & <deep>  ", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ink_ledger_run_get_name (r), ==, "wide & <deep>");
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_nonnull (strstr (after, "\"name\""));
  g_assert_nonnull (strstr (after, "all epochs done"));
  again = ink_ledger_list (root, NULL);
  r = again->pdata[0];
  g_assert_null (r->damaged);
  g_assert_cmpstr (r->name, ==, "wide & <deep>");
  g_assert_cmpstr (r->status, ==, "completed");
  g_assert_cmpfloat (r->test_accuracy, ==, 0.97);
  g_assert_cmpstr (r->experiment->name, ==, "ledger-test");

  long_name = g_strnfill (201, 'x');
  g_assert_false (ink_ledger_run_rename (r, long_name, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (ink_ledger_run_rename (r, "   ", &error));
  g_assert_null (r->name);
  g_assert_cmpstr (ink_ledger_run_get_name (r), ==, "ledger-test");
  test_remove_tree (root);
}

static void
test_format (void)
{
  const struct { float f; const char *s; } floats[] = {
    { 0.2f, "0.2" }, { 0.001f, "0.001" }, { 1e-5f, "1e-05" }, { 0.9f, "0.9" }, { 3.0f, "3" }, { 0.999f, "0.999" },
    /* whole tens as people write them, not 1e+01 */
    { 10.0f, "10" }, { 16.0f, "16" }, { 1000.0f, "1000" }, { 12.5f, "12.5" }, { -20.0f, "-20" }, { 1e20f, "1e+20" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (floats); i++)
    {
      g_autofree char *s = ink_format_float (floats[i].f);
      g_assert_cmpstr (s, ==, floats[i].s);
    }
  {
    g_autofree char *a = ink_format_double (0.2);
    g_autofree char *b = ink_format_double (0.1 + 0.2);
    g_autofree char *c = ink_format_thousands (669706);
    g_autofree char *d = ink_format_thousands (999);
    g_autofree char *e = ink_format_duration (75);
    g_autofree char *f = ink_format_duration (4000);
    g_autofree char *g = ink_format_duration (9.4);
    g_assert_cmpstr (a, ==, "0.2");
    g_assert_cmpstr (b, ==, "0.30000000000000004");
    {
      g_autofree char *t = ink_format_double (300.0);
      g_assert_cmpstr (t, ==, "300");
    }
    g_assert_cmpstr (c, ==, "669,706");
    g_assert_cmpstr (d, ==, "999");
    g_assert_cmpstr (e, ==, "1 min 15 s");
    g_assert_cmpstr (f, ==, "1 h 06 min");
    g_assert_cmpstr (g, ==, "9 s");
  }
}

static const InkLedgerCompareRow *
find_row (GPtrArray *rows, const char *label)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (((InkLedgerCompareRow *) rows->pdata[i])->label, label))
      return rows->pdata[i];
  return NULL;
}

/* two runs side by side: layers matched by role (the second has one hidden
 * layer more), numbers in their shortest form, differences marked */
static void
test_compare (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  g_autofree char *a_dir = make_run (root);
  g_autoptr(InkExperiment) exp = tiny_experiment ();
  g_autoptr(InkLedgerRun) b = NULL;
  g_autoptr(InkLedgerRun) a = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  const InkLedgerCompareRow *row;
  InkLedgerRun *pair[2];
  InkLayerSpec *layers;
  g_autofree char *arch = NULL;

  /* b: 784-512-256-512-10, lr 0.2, same everything else */
  layers = g_new0 (InkLayerSpec, 4);
  layers[0] = exp->net->layers[0];
  layers[1] = (InkLayerSpec) { 256, INK_ACT_TANH, 0.0f };
  layers[2] = exp->net->layers[1];
  layers[3] = exp->net->layers[2];
  g_free (exp->net->layers);
  exp->net->layers = layers;
  exp->net->n_layers = 4;
  exp->optimizer.lr = 0.2f;
  exp->augmentation.rotate = 10.0f;
  exp->augmentation.scale = 0.15f;
  b = ink_ledger_run_create (root, exp, &error);
  g_assert_no_error (error);
  a = ink_ledger_run_load (a_dir, &error);
  g_assert_no_error (error);
  arch = ink_ledger_run_architecture (b);
  g_assert_cmpstr (arch, ==, "784-512-256-512-10");

  pair[0] = a;
  pair[1] = b;
  rows = ink_ledger_compare (pair, 2);
  for (guint i = 0; i < rows->len; i++)
    {
      const InkLedgerCompareRow *r = rows->pdata[i];
      g_test_message ("%s / %s: %s | %s%s", r->section, r->label, r->values[0], r->values[1], r->differs ? "  ≠" : "");
      for (guint k = 0; k < 2; k++)
        g_assert_null (strstr (r->values[k], "0000000"));
    }
  row = find_row (rows, "Learning rate");
  g_assert_nonnull (row);
  g_assert_cmpstr (row->values[0], ==, "0.001");
  g_assert_cmpstr (row->values[1], ==, "0.2");
  g_assert_true (row->differs);
  row = find_row (rows, "Hidden 1");
  g_assert_cmpstr (row->values[0], ==, "512 relu, dropout 0.2");
  g_assert_false (row->differs);
  row = find_row (rows, "Hidden 2");
  g_assert_cmpstr (row->values[0], ==, "512 relu, dropout 0.2");
  g_assert_cmpstr (row->values[1], ==, "256 tanh");
  g_assert_true (row->differs);
  row = find_row (rows, "Hidden 3");
  g_assert_cmpstr (row->values[0], ==, "—");
  row = find_row (rows, "Output");
  g_assert_cmpstr (row->values[0], ==, "10 softmax");
  g_assert_false (row->differs);
  row = find_row (rows, "Parameters");
  g_assert_cmpstr (row->values[0], ==, "669,706");
  row = find_row (rows, "Batch size");
  g_assert_false (row->differs);
  row = find_row (rows, "Test accuracy");
  g_assert_cmpstr (row->values[0], ==, "97.00%");
  g_assert_cmpstr (row->values[1], ==, "—");
  row = find_row (rows, "Augmentation");
  g_assert_cmpstr (row->values[0], ==, "off");
  g_assert_cmpstr (row->values[1], ==, "rotate ±10°, size ±15%");
  g_assert_true (row->differs);
  /* rows that no run uses are left out: RMSprop has no momentum */
  g_assert_null (find_row (rows, "Momentum"));
  g_assert_nonnull (find_row (rows, "ρ (rho)"));
  test_remove_tree (root);
}

/* short labels are unique: the same name gets the time, then a number */
static void
test_short_labels (void)
{
  InkLedgerRun r[3] = { 0 };
  InkLedgerRun *p[3] = { &r[0], &r[1], &r[2] };
  g_auto(GStrv) labels = NULL;

  r[0].id = "a"; r[0].name = "a very long name for a run indeed"; r[0].started = 1000;
  r[1].id = "b"; r[1].name = "mlp"; r[1].started = 1000;
  r[2].id = "c"; r[2].name = "mlp"; r[2].started = 1000;
  labels = ink_ledger_short_labels (p, 3);
  g_assert_cmpuint (g_strv_length (labels), ==, 3);
  g_assert_cmpint (g_utf8_strlen (labels[0], -1), ==, 18);
  g_assert_true (g_str_has_suffix (labels[0], "…"));
  g_assert_true (g_str_has_prefix (labels[1], "mlp "));
  g_assert_cmpstr (labels[1], !=, labels[2]);
  g_strfreev (g_steal_pointer (&labels));
  r[2].name = "cnn";
  labels = ink_ledger_short_labels (p, 3);
  g_assert_cmpstr (labels[1], ==, "mlp");
  g_assert_cmpstr (labels[2], ==, "cnn");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ledger/good-run", test_good_run);
  g_test_add_func ("/ledger/orphans-swept", test_orphans_swept);
  g_test_add_func ("/ledger/summary-wrong-types", test_summary_wrong_types);
  g_test_add_func ("/ledger/summary-minimal", test_summary_minimal);
  g_test_add_func ("/ledger/history-empty", test_history_empty);
  g_test_add_func ("/ledger/history-damaged", test_history_damaged);
  g_test_add_func ("/ledger/history-no-final-newline", test_history_no_final_newline);
  g_test_add_func ("/ledger/missing-files", test_missing_files);
  g_test_add_func ("/ledger/experiment-damaged", test_experiment_damaged);
  g_test_add_func ("/ledger/wrong-kinds", test_wrong_kinds);
  g_test_add_func ("/ledger/non-utf8-names", test_non_utf8_names);
  g_test_add_func ("/ledger/mixed", test_mixed);
  g_test_add_func ("/ledger/rename", test_rename);
  g_test_add_func ("/ledger/format", test_format);
  g_test_add_func ("/ledger/compare", test_compare);
  g_test_add_func ("/ledger/short-labels", test_short_labels);
  return g_test_run ();
}
