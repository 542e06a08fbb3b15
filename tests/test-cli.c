/* test-cli.c
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

#include <cairo.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "ink-model.h"
#include "test-util.h"

/* Drives the inkling-cli executable as a user would. */

static char *tmpdir;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

static Result
cli (const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Result r = { 0 };
  int wait_status;
  va_list ap;

  g_ptr_array_add (args, (gpointer) INK_TEST_CLI);
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_spawn_sync (tmpdir, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &r.out, &r.err, &wait_status, &error);
  g_assert_no_error (error);
  r.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
  return r;
}

/* an error is one line on stderr, prefixed, and a non-zero status */
static void
assert_one_line_error (Result *r, int status, const char *needle)
{
  if (r->status != status)
    g_error ("exit status %d, expected %d; stderr: %s", r->status, status, r->err);
  g_assert_true (g_str_has_prefix (r->err, "inkling-cli: error: "));
  g_assert_true (g_str_has_suffix (r->err, "\n"));
  g_assert_null (strchr (r->err, '\n') + 1 == r->err + strlen (r->err) ? NULL : "more than one line");
  if (needle && !strstr (r->err, needle))
    g_error ("“%s” does not mention “%s”", r->err, needle);
}

static void
test_help (void)
{
  const char *cmds[] = { "train", "evaluate", "predict", "info", "presets", "parity", "bench" };
  Result r = cli ("--help", NULL);

  g_assert_cmpint (r.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    g_assert_nonnull (strstr (r.out, cmds[i]));
  result_clear (&r);
  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      r = cli (cmds[i], "--help", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Usage:"));
      result_clear (&r);
    }
  r = cli ("train", "--help", NULL);
  g_assert_nonnull (strstr (r.out, "--preset"));
  g_assert_nonnull (strstr (r.out, "--resume"));
  result_clear (&r);
}

static void
test_usage_errors (void)
{
  Result r = cli (NULL, NULL);
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);

  r = cli ("frobnicate", NULL);
  assert_one_line_error (&r, 2, "frobnicate");
  result_clear (&r);

  r = cli ("train", "--epochs", "abc", NULL);
  assert_one_line_error (&r, 2, "abc");
  result_clear (&r);

  r = cli ("train", "--lr", "-1", NULL);
  assert_one_line_error (&r, 2, "--lr");
  result_clear (&r);

  r = cli ("train", "--batch-size", "0", NULL);
  assert_one_line_error (&r, 2, "--batch-size");
  result_clear (&r);

  r = cli ("train", "--optimizer", "lbfgs", NULL);
  assert_one_line_error (&r, 2, "--optimizer");
  result_clear (&r);

  r = cli ("evaluate", NULL);
  assert_one_line_error (&r, 2, "model");
  result_clear (&r);

  /* "nan" used to be taken for "not given" */
  r = cli ("train", "--lr", "nan", NULL);
  assert_one_line_error (&r, 2, "--lr");
  result_clear (&r);
  /* a float cannot hold it: it would be written as infinity */
  r = cli ("train", "--lr", "1e39", NULL);
  assert_one_line_error (&r, 2, "--lr");
  result_clear (&r);
  r = cli ("train", "--lr", "1e-50", NULL);
  assert_one_line_error (&r, 2, "--lr");
  result_clear (&r);

  /* --data takes a dataset's name too, and the experiment records it */
  r = cli ("train", "-p", "keras-mnist-mlp", "--data", "fashion-mnist", "--write-config", "fm.json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  {
    g_autofree char *path = g_build_filename (tmpdir, "fm.json", NULL);
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"dataset\" : \"fashion-mnist\""));
  }
  r = cli ("train", "-p", "keras-mnist-mlp", "--data", "kmnist", NULL);
  assert_one_line_error (&r, 1, "unknown dataset");
  result_clear (&r);

  /* --write-config into a folder: refused, nothing replaced */
  r = cli ("train", "-p", "keras-mnist-mlp", "--write-config", ".", NULL);
  assert_one_line_error (&r, 1, "folder");
  result_clear (&r);
}

static void
test_errors (void)
{
  g_autofree char *bad = g_build_filename (tmpdir, "bad.json", NULL);
  g_autofree char *junk = g_build_filename (tmpdir, "junk.safetensors", NULL);
  Result r;

  r = cli ("train", "--preset", "nope", NULL);
  assert_one_line_error (&r, 1, "keras-mnist-mlp");
  result_clear (&r);

  r = cli ("train", "--data", "/nonexistent/mnist", "--epochs", "1", NULL);
  assert_one_line_error (&r, 1, "/nonexistent/mnist");
  result_clear (&r);

  g_assert_true (g_file_set_contents (bad, "{\"training\": {\"epochs\": 0}}", -1, NULL));
  r = cli ("train", "--config", bad, NULL);
  assert_one_line_error (&r, 1, "epochs");
  result_clear (&r);

  r = cli ("info", "/nonexistent/model.safetensors", NULL);
  assert_one_line_error (&r, 1, "model.safetensors");
  result_clear (&r);

  g_assert_true (g_file_set_contents (junk, "\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10, NULL));
  r = cli ("predict", junk, junk, NULL);
  assert_one_line_error (&r, 1, "junk.safetensors");
  result_clear (&r);
}

static void
test_presets (void)
{
  Result r = cli ("presets", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "keras-mnist-mlp"));
  g_assert_nonnull (strstr (r.out, "theano-mlp"));
  result_clear (&r);
  r = cli ("info", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "core "));
  result_clear (&r);
}

static void
write_digit_png (const char *path)
{
  /* a dark "7" drawn on white paper, 120×160 */
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 120, 160);
  cairo_t *cr = cairo_create (s);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.1);
  cairo_set_line_width (cr, 14);
  cairo_move_to (cr, 20, 25);
  cairo_line_to (cr, 100, 25);
  cairo_line_to (cr, 50, 140);
  cairo_stroke (cr);
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_real_workflow (void)
{
  g_autofree char *dir = test_mnist_dir ();
  g_autofree char *model = NULL, *csv = NULL, *ckpt = NULL, *png = NULL, *text = NULL;
  g_auto(GStrv) lines = NULL;
  Result r;
  guint rows = 0;

  if (dir == NULL)
    {
      g_test_skip ("MNIST not found in the user data folder: run tools/setup-data.sh");
      return;
    }
  model = g_build_filename (tmpdir, "m.safetensors", NULL);
  csv = g_build_filename (tmpdir, "h.csv", NULL);
  ckpt = g_strconcat (model, ".ckpt", NULL);
  png = g_build_filename (tmpdir, "seven.png", NULL);

  r = cli ("train", "--preset", "keras-mnist-mlp", "--subset", "3000", "--epochs", "2",
           "--save", model, "--history", csv, NULL);
  if (r.status != 0)
    g_error ("train failed: %s", r.err);
  g_assert_nonnull (strstr (r.out, "  epoch    train loss    valid loss    train/val"));
  g_assert_nonnull (strstr (r.out, "test accuracy"));
  g_assert_true (g_file_test (model, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (ckpt, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* header, 2 epochs, final newline */
  result_clear (&r);

  /* resume to 3 epochs: the table shows all three */
  r = cli ("train", "--resume", ckpt, "--epochs", "3", NULL);
  if (r.status != 0)
    g_error ("resume failed: %s", r.err);
  lines = (g_strfreev (lines), g_strsplit (r.out, "\n", -1));
  for (guint i = 0; lines[i]; i++)
    if (g_regex_match_simple ("^ +[123] +[0-9.]+ +[0-9.]+", lines[i], 0, 0))
      rows++;
  g_assert_cmpuint (rows, ==, 3);
  result_clear (&r);

  r = cli ("evaluate", model, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "precision"));
  g_assert_nonnull (strstr (r.out, "confusion matrix"));
  g_assert_nonnull (strstr (r.out, "test accuracy"));
  result_clear (&r);

  r = cli ("info", model, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "keras-mnist-mlp"));
  g_assert_nonnull (strstr (r.out, "669706"));
  result_clear (&r);

  write_digit_png (png);
  r = cli ("predict", model, png, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_ascii_isdigit (r.out[0]) && r.out[1] == '\n');
  result_clear (&r);

  r = cli ("predict", model, csv, NULL);
  assert_one_line_error (&r, 1, "h.csv");
  result_clear (&r);

  /* JSON lines: every line of stdout is a JSON object */
  r = cli ("train", "--preset", "theanets", "--subset", "500", "--epochs", "1", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_strfreev (lines);
  lines = g_strsplit (g_strstrip (r.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 3);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonParser) p = json_parser_new ();
      g_assert_true (json_parser_load_from_data (p, lines[i], -1, NULL));
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)));
    }
  result_clear (&r);
}

/* the memory plan needs neither the data nor a GPU */
static void
test_plan (void)
{
  Result r = cli ("info", "--plan", "--preset", "keras-mnist-mlp", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "memory plan of keras-mnist-mlp"));
  g_assert_nonnull (strstr (r.out, "669706 parameters"));
  g_assert_nonnull (strstr (r.out, "71.1 MB  on the CPU"));
  g_assert_nonnull (strstr (r.out, "104.6 MB  on a CUDA device"));
  result_clear (&r);

  r = cli ("info", "--plan", "--batch-size", "1000", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "batch 1000 (buffers for 1000 rows)"));
  g_assert_nonnull (strstr (r.out, "15.5 MB"));   /* activations: 1000 × 15508 + 32 bytes */
  result_clear (&r);

  r = cli ("info", "--batch-size", "64", NULL);
  assert_one_line_error (&r, 2, "--plan");
  result_clear (&r);

  r = cli ("info", "--plan", "--batch-size", "0", NULL);
  assert_one_line_error (&r, 2, "--batch-size");
  result_clear (&r);

  r = cli ("info", "--plan", "--preset", "nope", NULL);
  assert_one_line_error (&r, 1, "nope");
  result_clear (&r);
}

/* without a usable CUDA device: one line, status 1 */
static void
test_parity_no_gpu (void)
{
  g_autoptr(InkExperiment) exp = ink_experiment_new_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *model = g_build_filename (tmpdir, "parity.safetensors", NULL);
  g_autofree float *params = g_new0 (float, ink_net_spec_n_params (exp->net));
  InkNorm norm = { INK_NORM_SCALE, 0, 1, 0, 255, { 1.0f / 255.0f, 0.0f } };
  Result r;

  r = cli ("parity", NULL);
  assert_one_line_error (&r, 2, "model");
  result_clear (&r);

  if (ink_backend_cuda_available (NULL))
    {
      g_test_skip ("a CUDA device is usable here");
      return;
    }
  g_assert_true (ink_model_save (model, exp, &norm, params, &error));
  g_assert_no_error (error);
  r = cli ("parity", model, "--data", "/nonexistent/mnist", NULL);
  assert_one_line_error (&r, 1, "parity needs a CUDA device: ");
  result_clear (&r);
}

/* ---- stopping by signal, and one writer per output ---------------------- */

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *out;
  GString          *seen;
} Running;

static void
start_training (Running *r, const char *data_dir, const char *model)
{
  g_autoptr(GError) error = NULL;

  r->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              INK_TEST_CLI, "train", "--data", data_dir, "--epochs", "1000",
                              "--save", model, "--json", NULL);
  g_assert_no_error (error);
  r->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (r->proc));
  r->seen = g_string_new (NULL);
}

/* reads the JSON lines until one holds needle */
static void
wait_for_line (Running *r, const char *needle)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (r->out, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("the run ended before “%s”: %s", needle, r->seen->str);
      g_string_append_printf (r->seen, "%s\n", line);
      if (strstr (line, needle))
        return;
    }
}

/* sends sig, waits for the end; the rest of stdout in r->seen */
static int
stop_training (Running *r, int sig)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rest = NULL;
  int status;

  g_subprocess_send_signal (r->proc, sig);
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (r->out, NULL, NULL, &error);
      g_assert_no_error (error);
      if (line == NULL)
        break;
      g_string_append_printf (r->seen, "%s\n", line);
    }
  g_assert_true (g_subprocess_wait (r->proc, NULL, &error));
  status = g_subprocess_get_if_exited (r->proc) ? g_subprocess_get_exit_status (r->proc)
                                                : 128 + g_subprocess_get_term_sig (r->proc);
  g_clear_object (&r->out);
  g_clear_object (&r->proc);
  return status;
}

/* SIGTERM (what Slurm and systemd send) does what Ctrl+C does: the run
 * stops, keeps the last completed epoch's model, says so, exits 143; a
 * stop before the first epoch ends leaves an earlier model file as it
 * was; a second run writing the same model is refused before it starts;
 * nothing is left behind (no temporary or lock files). */
static void
test_signals (void)
{
  g_autofree char *data_dir = test_synthetic_dir (20000, 500);
  g_autofree char *out_dir = g_build_filename (tmpdir, "signals", NULL);
  g_autofree char *model = g_build_filename (out_dir, "m.safetensors", NULL);
  g_autofree char *text = NULL;
  Running a = { 0 };
  Result b;
  int status;

  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (model, "an earlier model", -1, NULL));

  /* before the first epoch ends */
  start_training (&a, data_dir, model);
  wait_for_line (&a, "\"phase\":\"training\"");
  status = stop_training (&a, SIGTERM);
  g_assert_cmpint (status, ==, 143);
  g_assert_nonnull (strstr (a.seen->str, "\"best_epoch\":0"));
  g_assert_nonnull (strstr (a.seen->str, "no epoch was completed"));
  g_assert_true (g_file_get_contents (model, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "an earlier model");
  g_string_free (a.seen, TRUE);

  /* after one: a second writer of the same model is refused meanwhile */
  start_training (&a, data_dir, model);
  wait_for_line (&a, "\"event\":\"epoch\"");
  b = cli ("train", "--data", data_dir, "--epochs", "1", "--save", model, NULL);
  assert_one_line_error (&b, 1, "being written by another Inkling run");
  g_assert_nonnull (strstr (b.err, "--save"));
  result_clear (&b);
  status = stop_training (&a, SIGTERM);
  g_assert_cmpint (status, ==, 143);
  g_assert_null (strstr (a.seen->str, "\"best_epoch\":0"));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(InkModel) m = ink_model_load (model, &error);
    g_assert_no_error (error);
  }
  g_string_free (a.seen, TRUE);

  /* and Ctrl+C the same way, with its own status */
  start_training (&a, data_dir, model);
  wait_for_line (&a, "\"event\":\"epoch\"");
  g_assert_cmpint (stop_training (&a, SIGINT), ==, 130);
  g_string_free (a.seen, TRUE);

  /* the model, its checkpoint, nothing else */
  {
    g_autoptr(GDir) d = g_dir_open (out_dir, 0, NULL);
    const char *name;
    guint n = 0;

    while ((name = g_dir_read_name (d)))
      {
        if (!g_str_equal (name, "m.safetensors") && !g_str_equal (name, "m.safetensors.ckpt"))
          g_error ("left behind: %s", name);
        n++;
      }
    g_assert_cmpuint (n, ==, 2);
  }
  test_remove_tree (data_dir);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("ink-cli-XXXXXX", NULL);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/errors", test_errors);
  g_test_add_func ("/cli/presets", test_presets);
  g_test_add_func ("/cli/real-workflow", test_real_workflow);
  g_test_add_func ("/cli/plan", test_plan);
  g_test_add_func ("/cli/parity-no-gpu", test_parity_no_gpu);
  g_test_add_func ("/cli/signals", test_signals);
  ret = g_test_run ();
  test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
