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

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* posix_openpt, ptsname */
#endif
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ink-ledger.h"
#include "ink-model.h"
#include "ink-openblas.h"
#include "test-util.h"

/* Drives the inkling-cli executable as a user would. */

static char *tmpdir;
static char *xdg_dir;    /* the children's XDG_DATA_HOME: their run ledger */
static char *synth_dir;  /* a small synthetic dataset (2000 + 500 images) */

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
  const char *cmds[] = { "train", "evaluate", "predict", "info", "presets", "parity", "bench", "sweep" };
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

  /* a bad flag value: status 2, the presets listed */
  r = cli ("train", "--preset", "nope", NULL);
  assert_one_line_error (&r, 2, "keras-mnist-mlp");
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
  g_assert_nonnull (strstr (r.out, "669,706"));
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
  assert_one_line_error (&r, 2, "nope");
  result_clear (&r);

  /* weight averaging: one more copy of the default net's 79,510 weights
   * besides RMSprop's one (2 × 0.32 MB) */
  {
    g_autofree char *path = g_build_filename (tmpdir, "averaged.json", NULL);

    g_assert_true (g_file_set_contents (path, "{\"optimizer\": {\"kind\": \"rmsprop\"}}", -1, NULL));
    r = cli ("info", "--plan", "-c", path, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "optimizer state                0.3 MB\n"));
    result_clear (&r);
    g_assert_true (g_file_set_contents (path, "{\"optimizer\": {\"kind\": \"rmsprop\", \"ema_decay\": 0.999}}",
                                        -1, NULL));
    r = cli ("info", "--plan", "-c", path, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "optimizer state                0.6 MB  (with the weight average)\n"));
    result_clear (&r);
  }
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

/* ---- issue 11: the command line tells the truth ------------------------ */

/* --version on its own and on every command */
static void
test_version (void)
{
  const char *cmds[] = { "train", "evaluate", "predict", "info", "presets", "parity", "bench", "sweep" };
  g_autofree char *want = g_strdup_printf ("inkling-cli %s\n", PACKAGE_VERSION);
  Result r = cli ("--version", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, want);
  result_clear (&r);
  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      r = cli (cmds[i], "--version", NULL);
      if (r.status != 0 || g_strcmp0 (r.out, want) != 0)
        g_error ("%s --version: status %d, “%s”, “%s”", cmds[i], r.status, r.out, r.err);
      result_clear (&r);
    }
  /* the exit statuses are documented where a user looks */
  r = cli ("train", "--help", NULL);
  g_assert_nonnull (strstr (r.out, "130"));
  g_assert_nonnull (strstr (r.out, "143"));
  g_assert_nonnull (strstr (r.out, "--quiet"));
  g_assert_nonnull (strstr (r.out, "--no-ledger"));
  result_clear (&r);
}

/* `info` with OpenBLAS's idle-thread timeout unset, then set: the program
 * re-executes itself with a short one, and keeps the user's */
static char *
info_blas_line (const char *timeout)
{
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { INK_TEST_CLI, "info", NULL };
  char *line;
  int status;

  env = g_environ_unsetenv (env, "GOTO_THREAD_TIMEOUT");
  env = g_environ_unsetenv (env, "INKLING_TIMEOUT_REEXEC");
  env = timeout != NULL ? g_environ_setenv (env, "OPENBLAS_THREAD_TIMEOUT", timeout, TRUE)
                        : g_environ_unsetenv (env, "OPENBLAS_THREAD_TIMEOUT");
  g_spawn_sync (tmpdir, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  line = strstr (out, "blas: ");
  g_assert_nonnull (line);
  return g_strndup (line, strcspn (line, "\n"));
}

static void
test_blas_thread_timeout (void)
{
  g_autofree char *unset = info_blas_line (NULL);
  g_autofree char *user = info_blas_line ("28");

  if (!g_str_has_suffix (unset, "(idle after 2^" INK_OPENBLAS_THREAD_TIMEOUT " cycles)"))
    g_error ("no short idle timeout set: %s", unset);
  if (!g_str_has_suffix (user, "(idle after 2^28 cycles)"))
    g_error ("the user's OPENBLAS_THREAD_TIMEOUT not kept: %s", user);
}

/* every bad flag value is a usage error (2) naming the flag; so is an
 * argument a command does not take, with a hint where one fits */
static void
test_bad_values (void)
{
  static const struct { const char *args[6]; const char *needle; } cases[] = {
    { { "train", "--device", "gpu" }, "--device" },
    { { "info", "--plan", "--device", "gpu" }, "--device" },
    { { "bench", "--device", "gpu" }, "--device" },
    { { "train", "--data", "" }, "--data" },
    { { "evaluate", "--data", "", "m.safetensors" }, "--data" },
    { { "parity", "--data", "", "m.safetensors" }, "--data" },
    { { "info", "--plan", "--data", "" }, "--data" },
    { { "bench", "--data", "" }, "--data" },
    { { "train", "--save", "" }, "--save" },
    { { "train", "--normalization", "zscore" }, "--normalization" },
    { { "train", "--seed", "-3" }, "--seed" },
    { { "train", "--subset", "0" }, "--subset" },
    { { "train", "--epochs", "0" }, "--epochs" },
    { { "bench", "--preset", "nope" }, "keras-mnist-mlp" },
    { { "bench", "extra" }, "extra" },
    { { "presets", "extra-arg" }, "extra-arg" },
    { { "train", "keras-mnist-mlp" }, "--preset keras-mnist-mlp" },
    { { "train", "my.json" }, "--config my.json" },
    { { "train", "m.safetensors.ckpt" }, "--resume m.safetensors.ckpt" },
    { { "train", "--json", "--quiet" }, "--quiet" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char * const *a = cases[i].args;
      Result r = cli (a[0], a[1], a[2], a[3], a[4], NULL);

      if (r.status != 2)
        g_error ("%s %s %s: status %d, expected 2: %s", a[0], a[1], a[2] ? a[2] : "", r.status, r.err);
      assert_one_line_error (&r, 2, cases[i].needle);
      result_clear (&r);
    }
}

/* --save, --checkpoint and --history naming a folder: refused before the
 * data is even looked at, naming the flag */
static void
test_output_folders (void)
{
  const char *flags[] = { "--save", "--checkpoint", "--history" };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      Result r = cli ("train", "--data", "/nonexistent/data", flags[i], tmpdir, NULL);

      assert_one_line_error (&r, 1, flags[i]);
      g_assert_nonnull (strstr (r.err, "folder"));
      g_assert_null (strstr (r.err, "/nonexistent/data"));
      result_clear (&r);
    }
}

/* images of the wrong size: the error names the file that holds them */
static void
test_data_errors_name_file (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "odd-size", NULL);
  g_autoptr(InkDataset) a = test_synthetic_dataset (100, 1), b = test_synthetic_dataset (20, 2);
  Result r;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  a->rows = b->rows = 27;
  a->cols = b->cols = 29;
  test_write_idx_pair (dir, "train", a);
  test_write_idx_pair (dir, "t10k", b);
  r = cli ("train", "--data", dir, "--epochs", "1", "--no-ledger", NULL);
  assert_one_line_error (&r, 1, "odd-size/train-images-idx3-ubyte");
  g_assert_nonnull (strstr (r.err, "27×29"));
  result_clear (&r);

  r = cli ("info", "--plan", "--data", dir, NULL);
  assert_one_line_error (&r, 1, "odd-size/train-images-idx3-ubyte");
  result_clear (&r);

  /* a --data that is not there: the flag is named */
  r = cli ("train", "--data", "/nonexistent/mnist", "--epochs", "1", NULL);
  assert_one_line_error (&r, 1, "--data /nonexistent/mnist");
  result_clear (&r);
}

/* presets --json: one JSON document, an array of every preset */
static void
test_presets_json (void)
{
  g_auto(GStrv) names = ink_experiment_list_all_presets ();
  g_autoptr(JsonParser) p = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *a;
  Result r = cli ("presets", "--json", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (p, r.out, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (p)));
  a = json_node_get_array (json_parser_get_root (p));
  g_assert_cmpuint (json_array_get_length (a), ==, g_strv_length (names));
  for (guint i = 0; names[i]; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, i), "name"), ==, names[i]);
  /* floats in their shortest form */
  g_assert_nonnull (strstr (r.out, "\"lr\" : 0.001"));
  g_assert_null (strstr (r.out, "0.0010000000474974513"));
  result_clear (&r);
}

static guint
count_runs (void)
{
  g_autofree char *runs = g_build_filename (xdg_dir, "inkling", "runs", NULL);
  g_autoptr(GDir) d = g_dir_open (runs, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  return n;
}

static JsonObject *
parse_object (const char *line, JsonParser **keep)
{
  g_autoptr(GError) error = NULL;

  *keep = json_parser_new ();
  g_assert_true (json_parser_load_from_data (*keep, line, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (*keep)));
  return json_node_get_object (json_parser_get_root (*keep));
}

/* --json: a start event, epoch events with the rate as 0.001, a saved
 * event with every path; the run is in the ledger */
static void
test_json_events (void)
{
  g_autofree char *model = g_build_filename (tmpdir, "json.safetensors", NULL);
  g_autofree char *ckpt = g_strconcat (model, ".ckpt", NULL);
  g_autofree char *csv = g_build_filename (tmpdir, "json.csv", NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) p1 = NULL, p2 = NULL;
  JsonObject *start, *saved, *ledger;
  guint n, runs = count_runs ();
  Result r;

  r = cli ("train", "--data", synth_dir, "--epochs", "2", "--save", model, "--history", csv, "--json", NULL);
  if (r.status != 0)
    g_error ("train failed: %s", r.err);
  lines = g_strsplit (g_strstrip (r.out), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >=, 5);

  start = parse_object (lines[0], &p1);
  g_assert_cmpstr (json_object_get_string_member (start, "event"), ==, "start");
  g_assert_cmpstr (json_object_get_string_member (start, "experiment"), ==, "keras-mnist-mlp");
  g_assert_cmpint (json_object_get_int_member (start, "epochs"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (start, "dataset"), ==, synth_dir);
  g_assert_cmpint (json_object_get_int_member (start, "parameters"), ==, 669706);
  g_assert_nonnull (strstr (json_object_get_string_member (start, "device"), "CPU"));
  g_assert_cmpint (json_object_get_int_member (start, "train"), ==, 2000);

  /* the learning rate (a float) in its shortest exact form */
  g_assert_nonnull (strstr (r.out, "\"event\":\"epoch\""));
  g_assert_nonnull (strstr (r.out, "\"lr\":0.001,"));
  g_assert_null (strstr (r.out, "0.0010000000474974513"));

  saved = parse_object (lines[n - 1], &p2);
  g_assert_cmpstr (json_object_get_string_member (saved, "event"), ==, "saved");
  g_assert_cmpstr (json_object_get_string_member (saved, "model"), ==, model);
  g_assert_cmpstr (json_object_get_string_member (saved, "checkpoint"), ==, ckpt);
  g_assert_cmpstr (json_object_get_string_member (saved, "history"), ==, csv);
  ledger = json_object_get_object_member (saved, "ledger");
  g_assert_nonnull (ledger);
  g_assert_true (g_file_test (json_object_get_string_member (ledger, "dir"), G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (json_object_get_string_member (ledger, "model"), G_FILE_TEST_IS_REGULAR));
  /* the run's own checkpoint went to --save's .ckpt; the ledger has a copy */
  g_assert_true (g_file_test (json_object_get_string_member (ledger, "checkpoint"), G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_runs (), ==, runs + 1);
  result_clear (&r);
}

/* A CLI run is in the ledger as the workbench's are: model, checkpoint,
 * history and summary, readable by ink_ledger_run_load; --no-ledger keeps
 * nothing there */
static void
test_ledger (void)
{
  guint runs = count_runs ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InkLedgerRun) run = NULL;
  g_autoptr(InkModel) m = NULL;
  g_autofree char *dir = NULL, *model = NULL, *ckpt = NULL, *hist = NULL;
  const char *at;
  Result r;

  r = cli ("train", "--data", synth_dir, "--epochs", "2", NULL);
  if (r.status != 0)
    g_error ("train failed: %s", r.err);
  g_assert_cmpuint (count_runs (), ==, runs + 1);
  at = strstr (r.out, "run kept in the ledger: ");
  g_assert_nonnull (at);
  at += strlen ("run kept in the ledger: ");
  dir = g_strndup (at, strcspn (at, " \n"));
  g_assert_true (g_str_has_prefix (dir, xdg_dir));
  model = g_build_filename (dir, "model.safetensors", NULL);
  ckpt = g_build_filename (dir, "checkpoint.safetensors", NULL);
  hist = g_build_filename (dir, "history.csv", NULL);
  g_assert_true (g_file_test (model, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (ckpt, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (hist, G_FILE_TEST_IS_REGULAR));
  m = ink_model_load (model, &error);
  g_assert_no_error (error);
  run = ink_ledger_run_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (run->history->len, ==, 2);
  g_assert_cmpuint (run->best_epoch, ==, 2);
  g_assert_true (run->finished > 0);
  g_assert_true (run->test_accuracy > 0.5);
  g_assert_cmpstr (run->experiment->name, ==, "keras-mnist-mlp");
  result_clear (&r);

  /* resumed from the ledger's checkpoint: a new run whose record holds all
   * three epochs */
  r = cli ("train", "--resume", ckpt, "--epochs", "3", NULL);
  if (r.status != 0)
    g_error ("resume failed: %s", r.err);
  g_assert_cmpuint (count_runs (), ==, runs + 2);
  {
    const char *at2 = strstr (r.out, "run kept in the ledger: ");
    g_autofree char *dir2 = NULL;
    g_autoptr(InkLedgerRun) run2 = NULL;

    g_assert_nonnull (at2);
    at2 += strlen ("run kept in the ledger: ");
    dir2 = g_strndup (at2, strcspn (at2, " \n"));
    run2 = ink_ledger_run_load (dir2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (run2->history->len, ==, 3);
  }
  result_clear (&r);

  r = cli ("train", "--data", synth_dir, "--epochs", "1", "--no-ledger", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (count_runs (), ==, runs + 2);
  g_assert_null (strstr (r.out, "run kept in the ledger"));
  g_assert_null (strstr (r.out, "ledger: "));
  g_assert_nonnull (strstr (r.out, "the model was not kept"));
  result_clear (&r);
}

/* --quiet: the result lines and nothing else */
static void
test_quiet (void)
{
  Result r = cli ("train", "--data", synth_dir, "--epochs", "1", "--quiet", NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_null (strstr (r.out, "epoch    train loss"));
  g_assert_null (strstr (r.out, "data:"));
  g_assert_null (strstr (r.out, "learnable parameters"));
  g_assert_nonnull (strstr (r.out, "test accuracy"));
  lines = g_strsplit (g_strstrip (r.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);   /* stopped, model, ledger */
  g_assert_true (g_str_has_prefix (lines[0], "stopped: "));
  g_assert_true (g_str_has_prefix (lines[1], "model: "));
  g_assert_true (g_str_has_prefix (lines[2], "run kept in the ledger: "));
  g_assert_cmpstr (r.err, ==, "");
  result_clear (&r);
}

/* a checkpoint given to info, evaluate and predict: said to be one, with
 * the model it belongs to; evaluate and predict use its kept weights,
 * which score what the saved model scores */
static void
test_checkpoint_commands (void)
{
  g_autofree char *model = g_build_filename (tmpdir, "ck.safetensors", NULL);
  g_autofree char *ckpt = g_strconcat (model, ".ckpt", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "ck-seven.png", NULL);
  g_autofree char *acc_model = NULL, *acc_ckpt = NULL;
  Result r;

  r = cli ("train", "--data", synth_dir, "--epochs", "2", "--save", model, "--no-ledger", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);

  r = cli ("info", ckpt, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "a checkpoint (not a model file) of the experiment “keras-mnist-mlp”"));
  g_assert_nonnull (strstr (r.out, "epochs_done: 2 of 2"));
  g_assert_nonnull (strstr (r.out, "kept weights: epoch 2"));
  result_clear (&r);
  r = cli ("info", model, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "a model of the experiment “keras-mnist-mlp”"));
  g_assert_null (strstr (r.out, "checkpoint"));
  result_clear (&r);

  r = cli ("evaluate", model, NULL);
  g_assert_cmpint (r.status, ==, 0);
  acc_model = g_strdup (strstr (r.out, "test accuracy"));
  result_clear (&r);
  r = cli ("evaluate", ckpt, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "ck.safetensors.ckpt is a checkpoint of “keras-mnist-mlp” after 2 of 2 epochs"));
  acc_ckpt = g_strdup (strstr (r.out, "test accuracy"));
  g_assert_cmpstr (acc_ckpt, ==, acc_model);
  result_clear (&r);

  write_digit_png (png);
  r = cli ("predict", ckpt, png, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_ascii_isdigit (r.out[0]) && r.out[1] == '\n');
  g_assert_nonnull (strstr (r.out, "is a checkpoint of"));
  result_clear (&r);

  /* a model holding a tensor its network does not use: refused, named */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(InkTensorFile) tf = ink_safetensors_load (model, &error);
    gint64 shape[1] = { 1 };
    float v = 0;

    g_assert_no_error (error);
    ink_tensor_file_add (tf, "layers.9.weight", 1, shape, &v);
    g_assert_true (ink_safetensors_save (tf, model, &error));
    r = cli ("evaluate", model, NULL);
    assert_one_line_error (&r, 1, "“layers.9.weight”");
    result_clear (&r);
  }
}

/* --data DIR: the model records the folder, and evaluate finds it again */
static void
test_data_recorded (void)
{
  g_autofree char *model = g_build_filename (tmpdir, "rec.safetensors", NULL);
  Result r = cli ("train", "--data", synth_dir, "--epochs", "1", "--save", model, "--no-ledger", NULL);

  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  r = cli ("evaluate", model, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, synth_dir));
  g_assert_nonnull (strstr (r.out, "(500 test images)"));
  result_clear (&r);
}

/* Runs the CLI with its stdout and stderr on a pseudo-terminal of the
 * given width; env_set: NAME=VALUE pairs (NULL-terminated), env_unset:
 * names.  Returns what the terminal received. */
static char *
cli_in_terminal (int columns, const char * const *env_set, const char * const *env_unset,
                 const char * const *args, int *status)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) envp = g_get_environ ();
  struct winsize ws = { .ws_row = 24, .ws_col = (unsigned short) columns };
  int master, slave, wait_status;
  GPid pid;
  char buf[4096];
  gssize n;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);
  g_assert_cmpint (ioctl (slave, TIOCSWINSZ, &ws), ==, 0);

  for (guint i = 0; env_set && env_set[i]; i += 2)
    envp = g_environ_setenv (envp, env_set[i], env_set[i + 1], TRUE);
  for (guint i = 0; env_unset && env_unset[i]; i++)
    envp = g_environ_unsetenv (envp, env_unset[i]);
  g_ptr_array_add (argv, (gpointer) INK_TEST_CLI);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_async_with_fds (tmpdir, (char **) argv->pdata, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                          &pid, -1, slave, slave, &error);
  g_assert_no_error (error);
  close (slave);
  /* until the child has closed the terminal (EIO) */
  while ((n = read (master, buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  close (master);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  *status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* columns a piece of terminal output takes: escape sequences take none */
static int
columns_of (const char *s, gsize len)
{
  int w = 0;

  for (const char *p = s; p < s + len;)
    {
      if (*p == '\033')
        {
          p++;
          if (p < s + len && *p == '[')
            while (++p < s + len && !g_ascii_isalpha (*p))
              ;
          p++;
          continue;
        }
      w++;
      p = g_utf8_next_char (p);
    }
  return w;
}

/* The progress line fits the terminal: every rewrite is narrower than the
 * terminal (a wider one wraps, and \r then rewrites only its last row,
 * leaving the rest behind), is cleared before any other line is printed,
 * shows an ETA; at 80 columns nothing printed is wider.  Colours on a
 * terminal only, never with NO_COLOR; into a pipe no \r and no escapes. */
static void
test_terminal (void)
{
  static const char * const args[] = { "train", "--data", NULL, "--epochs", "1", "--no-ledger", NULL };
  static const char * const term[] = { "TERM", "xterm", NULL };
  static const char * const no_colour[] = { "TERM", "xterm", "NO_COLOR", "1", NULL };
  static const char * const unset[] = { "NO_COLOR", NULL };
  g_autofree char *big = test_synthetic_dir (20000, 500);
  const char *argv[G_N_ELEMENTS (args)];
  const int widths[] = { 80, 40 };

  memcpy (argv, args, sizeof args);
  argv[2] = big;
  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      int status, cols = widths[w];
      g_autofree char *out = cli_in_terminal (cols, term, unset, argv, &status);
      guint rewrites = 0, with_eta = 0;

      if (status != 0)
        g_error ("train on a terminal: status %d: %s", status, out);
      for (const char *p = strstr (out, "\r\033[K"); p; p = strstr (p, "\r\033[K"))
        {
          gsize len;

          p += 4;
          len = strcspn (p, "\r\n");
          /* a progress line (the clear before a table row is followed by the row) */
          if (g_str_has_prefix (p, "epoch "))
            {
              rewrites++;
              if (columns_of (p, len) > cols - 1)
                g_error ("a progress line of %d columns on a terminal of %d: %.*s",
                         columns_of (p, len), cols, (int) len, p);
              if (g_strstr_len (p, len, "ETA "))
                with_eta++;
              /* never left behind: what follows is the next rewrite or the
               * clear, not a new line */
              g_assert_cmpint (p[len], ==, '\r');
            }
        }
      g_test_message ("%d columns: %u progress lines, %u with an ETA", cols, rewrites, with_eta);
      g_assert_cmpuint (rewrites, >=, 2);
      if (cols == 80)
        {
          g_auto(GStrv) lines = g_regex_split_simple ("\r\n|\r|\n", out, 0, 0);

          g_assert_cmpuint (with_eta, ==, rewrites);
          for (guint i = 0; lines[i]; i++)
            if (columns_of (lines[i], strlen (lines[i])) > 79)
              g_error ("a line wider than 79 columns: %s", lines[i]);
          /* the improved epochs' marker in green */
          g_assert_nonnull (strstr (out, "\033[32m  *"));
        }
    }
  {
    int status;
    g_autofree char *out = cli_in_terminal (80, no_colour, NULL, argv, &status);

    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "\r\033[K"));   /* still rewritten in place */
    g_assert_null (strstr (out, "\033[3"));
    g_assert_null (strstr (out, "\033[1m"));
  }
  {
    Result r = cli ("train", "--data", big, "--epochs", "1", "--no-ledger", NULL);

    g_assert_cmpint (r.status, ==, 0);
    g_assert_null (strchr (r.out, '\r'));
    g_assert_null (strchr (r.out, '\033'));
    result_clear (&r);
  }
  test_remove_tree (big);
}

/* bench times a convolutional preset against its products' floor: the
 * floor counts the convolutions' GEMMs (LeNet-5 on 2000 images: 6 products
 * for 2 conv layers + 5 for 3 dense ones per step) */
static void
test_bench_cnn (void)
{
  Result r = cli ("bench", "--preset", "lenet-5", "--data", synth_dir, "--epochs", "1",
                  "--floor-runs", "1", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "preset"), ==, "lenet-5");
  g_assert_cmpfloat (json_object_get_double_member (o, "floor_median_s"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (o, "epoch_median_s"), >, 0);
  result_clear (&r);

  r = cli ("bench", "--preset", "lenet-5", "--data", synth_dir, "--epochs", "1", "--floor-runs", "1", NULL);
  g_assert_cmpint (r.status, ==, 0);
  /* multiply-adds per sample: conv1 6·25·784 (forward and weight gradient,
   * no input gradient for the first layer), conv2 16·150·100 and the dense
   * 400·120, 120·84, 84·10 (each three times):
   * 2·(117600·2 + 240000·3 + 58920·3) = 2,263,920 FLOP, ×2000 images */
  g_assert_nonnull (strstr (r.out, "4.53 GFLOP of matrix products per epoch"));
  result_clear (&r);
}

/* every command with a convolutional model: train saves it, evaluate,
 * predict and info read it back (info's table shows the image layers, their
 * shapes and the implicit flatten), parity refuses only for want of a GPU,
 * and RBM pretraining names the convolution it cannot pretrain */
static void
test_cnn_commands (void)
{
  g_autofree char *model = g_build_filename (tmpdir, "lenet.safetensors", NULL);
  g_autofree char *png = g_build_filename (tmpdir, "cnn-seven.png", NULL);
  g_autofree char *config = g_build_filename (tmpdir, "lenet-rbm.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_experiment_preset ("lenet-5", &error);
  Result r;

  g_assert_no_error (error);
  r = cli ("train", "--preset", "lenet-5", "--data", synth_dir, "--epochs", "1", "--no-ledger",
           "--save", model, "-q", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "test accuracy"));
  result_clear (&r);

  r = cli ("evaluate", model, "--data", synth_dir, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "confusion matrix"));
  g_assert_nonnull (strstr (r.out, "(500 test images)"));
  result_clear (&r);

  write_digit_png (png);
  r = cli ("predict", model, png, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_ascii_isdigit (r.out[0]) && r.out[1] == '\n');
  result_clear (&r);

  r = cli ("info", model, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "61,706 learnable parameters"));
  g_assert_nonnull (strstr (r.out, "conv2d 6 5×5 /1 same"));
  g_assert_nonnull (strstr (r.out, "6×28×28"));
  g_assert_nonnull (strstr (r.out, "16×5×5"));
  g_assert_nonnull (strstr (r.out, "dense 120 (flatten)"));
  result_clear (&r);

  if (!ink_backend_cuda_available (NULL))
    {
      r = cli ("parity", model, "--data", synth_dir, NULL);
      assert_one_line_error (&r, 1, "parity needs a CUDA device: ");
      result_clear (&r);
    }

  {
    g_autoptr(InkExperiment) dbn = ink_experiment_preset ("nolearn-dbn", &error);

    g_assert_no_error (error);
    g_assert_true (dbn->pretraining.enabled);
    exp->pretraining = dbn->pretraining;
  }
  json = ink_experiment_to_json (exp, FALSE);
  g_assert_true (g_file_set_contents (config, json, -1, NULL));
  r = cli ("train", "--config", config, "--data", synth_dir, "--epochs", "1", "--no-ledger", NULL);
  assert_one_line_error (&r, 1, "layer 1 (conv2d 6 5×5) is a conv2d layer, but RBM pretraining needs dense hidden layers");
  result_clear (&r);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("ink-cli-XXXXXX", NULL);
  /* the programs run here keep their runs in a ledger of their own, not
   * the user's; MNIST is linked in where they look for it */
  {
    g_autofree char *mnist = test_mnist_dir ();
    g_autofree char *datasets = NULL;

    xdg_dir = g_build_filename (tmpdir, "xdg", NULL);
    datasets = g_build_filename (xdg_dir, "inkling", "datasets", NULL);
    g_assert_cmpint (g_mkdir_with_parents (datasets, 0755), ==, 0);
    if (mnist)
      {
        g_autofree char *link = g_build_filename (datasets, "mnist", NULL);
        g_assert_cmpint (symlink (mnist, link), ==, 0);
      }
    g_setenv ("XDG_DATA_HOME", xdg_dir, TRUE);
    synth_dir = test_synthetic_dir (2000, 500);
  }
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/blas-thread-timeout", test_blas_thread_timeout);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/errors", test_errors);
  g_test_add_func ("/cli/presets", test_presets);
  g_test_add_func ("/cli/real-workflow", test_real_workflow);
  g_test_add_func ("/cli/plan", test_plan);
  g_test_add_func ("/cli/parity-no-gpu", test_parity_no_gpu);
  g_test_add_func ("/cli/signals", test_signals);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/bad-values", test_bad_values);
  g_test_add_func ("/cli/output-folders", test_output_folders);
  g_test_add_func ("/cli/data-errors-name-file", test_data_errors_name_file);
  g_test_add_func ("/cli/presets-json", test_presets_json);
  g_test_add_func ("/cli/json-events", test_json_events);
  g_test_add_func ("/cli/ledger", test_ledger);
  g_test_add_func ("/cli/quiet", test_quiet);
  g_test_add_func ("/cli/checkpoint-commands", test_checkpoint_commands);
  g_test_add_func ("/cli/data-recorded", test_data_recorded);
  g_test_add_func ("/cli/terminal", test_terminal);
  g_test_add_func ("/cli/bench-cnn", test_bench_cnn);
  g_test_add_func ("/cli/cnn-commands", test_cnn_commands);
  ret = g_test_run ();
  test_remove_tree (synth_dir);
  g_free (synth_dir);
  g_free (xdg_dir);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
