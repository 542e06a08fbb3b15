/* ink-ledger.c
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

/* The run ledger: creating, recording, loading, listing, renaming and
 * deleting runs, and the table comparing them. */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "ink-ledger.h"
#include "ink-json.h"
#include "ink-optimizer.h"
#include "ink-save.h"

char *
ink_ledger_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "inkling", "runs", NULL);
}

void
ink_ledger_run_free (InkLedgerRun *run)
{
  if (run == NULL)
    return;
  g_free (run->id);
  g_free (run->dir);
  ink_experiment_free (run->experiment);
  if (run->history)
    g_array_unref (run->history);
  g_free (run->status);
  g_free (run->message);
  g_free (run->damaged);
  g_free (run->name);
  g_free (run);
}

static gboolean
write_summary (InkLedgerRun *run, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (run->dir, "summary.json", NULL);

  json_builder_begin_object (b);
  /* only when given: older readers ignore members they do not know */
  if (run->name != NULL)
    {
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, run->name);
    }
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, run->status);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, run->message ? run->message : "");
  json_builder_set_member_name (b, "started");
  json_builder_add_int_value (b, run->started);
  json_builder_set_member_name (b, "finished");
  json_builder_add_int_value (b, run->finished);
  json_builder_set_member_name (b, "test_accuracy");
  if (isfinite (run->test_accuracy))
    json_builder_add_double_value (b, run->test_accuracy);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "best_epoch");
  json_builder_add_int_value (b, run->best_epoch);
  json_builder_end_object (b);
  text = ink_json_builder_to_text (b, TRUE);
  return ink_save_file (path, text, strlen (text), FALSE, error);
}

InkLedgerRun *
ink_ledger_run_create (const char          *root,
                       const InkExperiment *exp,
                       GError             **error)
{
  g_autofree char *base = root ? g_strdup (root) : ink_ledger_dir ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autoptr(InkLedgerRun) run = g_new0 (InkLedgerRun, 1);
  g_autofree char *safe = g_strdup (exp->name && *exp->name ? exp->name : "run");
  g_autofree char *exp_path = NULL;

  g_strcanon (safe, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", '_');
  if (strlen (safe) > 40)
    safe[40] = '\0';
  if (g_mkdir_with_parents (base, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("could not create the run ledger folder %s: %s"), base, g_strerror (e));
      return NULL;
    }
  /* a fresh folder: never reuse one, even within the same second */
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = i ? g_strdup_printf ("%s-%s-%u", stamp, safe, i) : g_strdup_printf ("%s-%s", stamp, safe);
      g_autofree char *dir = g_build_filename (base, id, NULL);
      if (g_mkdir (dir, 0755) == 0)
        {
          run->id = g_steal_pointer (&id);
          run->dir = g_steal_pointer (&dir);
          break;
        }
      if (errno != EEXIST)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                       _("could not create a run folder in %s: %s"), base, g_strerror (e));
          return NULL;
        }
    }
  if (run->dir == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, _("could not find a free run folder name in %s"), base);
      return NULL;
    }
  run->experiment = ink_experiment_copy (exp);
  run->history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord));
  run->status = g_strdup ("running");
  run->started = g_date_time_to_unix (now);
  run->test_accuracy = NAN;
  exp_path = g_build_filename (run->dir, "experiment.json", NULL);
  if (!ink_experiment_save (exp, exp_path, error) || !write_summary (run, error))
    return NULL;
  return g_steal_pointer (&run);
}

static gboolean
write_history (InkLedgerRun *run, GError **error)
{
  g_autofree char *path = g_build_filename (run->dir, "history.csv", NULL);
  return ink_history_save_csv ((const InkEpochRecord *) run->history->data, run->history->len, path, error);
}

gboolean
ink_ledger_run_add_epoch (InkLedgerRun         *run,
                          const InkEpochRecord *rec,
                          GError              **error)
{
  g_array_append_val (run->history, *rec);
  return write_history (run, error);
}

gboolean
ink_ledger_run_finish (InkLedgerRun *run,
                       const char   *status,
                       const char   *message,
                       double        test_accuracy,
                       guint         best_epoch,
                       GError      **error)
{
  g_free (run->status);
  run->status = g_strdup (status);
  g_free (run->message);
  run->message = g_strdup (message);
  run->test_accuracy = test_accuracy;
  run->best_epoch = best_epoch;
  run->finished = g_get_real_time () / G_USEC_PER_SEC;
  return write_summary (run, error);
}

char *
ink_ledger_run_model_path (InkLedgerRun *run)
{
  return g_build_filename (run->dir, "model.safetensors", NULL);
}

char *
ink_ledger_run_checkpoint_path (InkLedgerRun *run)
{
  return g_build_filename (run->dir, "checkpoint.safetensors", NULL);
}

/* The folder's name for people: file names need not be UTF-8. */
static char *
display_name (const char *path)
{
  return g_filename_display_name (path);
}

static void
set_damage (GError     **error,
            const char  *path,
            const char  *format,
            ...) G_GNUC_PRINTF (3, 4);

/* "<path>: <why>", in G_FILE_ERROR_INVAL */
static void
set_damage (GError     **error,
            const char  *path,
            const char  *format,
            ...)
{
  g_autofree char *shown = display_name (path);
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %s", shown, why);
}

/* The JSON kind of a node, for messages. */
static const char *
node_kind (JsonNode *node)
{
  if (node == NULL)
    return _("missing");
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("a string");
    case G_TYPE_BOOLEAN:
      return _("a boolean");
    case G_TYPE_DOUBLE:
      return _("a fractional number");
    case G_TYPE_INT64:
      return _("an integer");
    default:
      return _("an unexpected value");
    }
}

static gboolean
node_is (JsonNode *node,
         GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* Member `key` of the summary as a string; `optional` members may be
 * absent (then *out is NULL). */
static gboolean
summary_string (JsonObject  *o,
                const char  *key,
                gboolean     optional,
                const char  *path,
                char       **out,
                GError     **error)
{
  JsonNode *n = json_object_get_member (o, key);
  const char *s;

  *out = NULL;
  if (n == NULL && optional)
    return TRUE;
  if (!node_is (n, G_TYPE_STRING))
    {
      set_damage (error, path, _("“%s” is %s, expected a string"), key, node_kind (n));
      return FALSE;
    }
  s = json_node_get_string (n);
  if (!g_utf8_validate (s, -1, NULL))
    {
      set_damage (error, path, _("“%s” is not valid UTF-8"), key);
      return FALSE;
    }
  *out = g_strdup (s);
  return TRUE;
}

/* Member `key` as an integer in [min, max]; `optional` members may be
 * absent (then *out is left alone). */
static gboolean
summary_int (JsonObject  *o,
             const char  *key,
             gboolean     optional,
             gint64       min,
             gint64       max,
             const char  *path,
             gint64      *out,
             GError     **error)
{
  JsonNode *n = json_object_get_member (o, key);
  gint64 v;

  if (n == NULL && optional)
    return TRUE;
  if (!node_is (n, G_TYPE_INT64))
    {
      set_damage (error, path, _("“%s” is %s, expected a whole number"), key, node_kind (n));
      return FALSE;
    }
  v = json_node_get_int (n);
  if (v < min || v > max)
    {
      set_damage (error, path, _("“%s” is %" G_GINT64_FORMAT ", outside %" G_GINT64_FORMAT
                                 "…%" G_GINT64_FORMAT), key, v, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/* The summary's fields, each of the type write_summary gives it: "status"
 * and "started" are required, the others may be absent. */
static gboolean
read_summary (InkLedgerRun *run,
              const char   *path,
              GError      **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  JsonObject *o;
  JsonNode *root, *acc;
  gint64 v;

  /* a summary is a few hundred bytes; its message one line of text */
  if (!ink_read_file (path, 1024 * 1024, &text, &len, error))
    return FALSE;
  if (!(parser = ink_json_parse (text, (gssize) len, &local)))
    {
      set_damage (error, path, _("not a run summary: %s"), local->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_damage (error, path, _("not a run summary: it is %s, expected an object"),
                  root ? node_kind (root) : _("empty"));
      return FALSE;
    }
  o = json_node_get_object (root);
  if (!summary_string (o, "status", FALSE, path, &run->status, error) ||
      !summary_string (o, "message", TRUE, path, &run->message, error) ||
      !summary_string (o, "name", TRUE, path, &run->name, error))
    return FALSE;
  /* a blank name is no name */
  if (run->name != NULL && *g_strstrip (run->name) == '\0')
    g_clear_pointer (&run->name, g_free);
  if (*run->status == '\0')
    {
      set_damage (error, path, _("“status” is empty"));
      return FALSE;
    }
  if (!summary_int (o, "started", FALSE, 0, G_MAXINT64, path, &run->started, error) ||
      !summary_int (o, "finished", TRUE, 0, G_MAXINT64, path, &run->finished, error))
    return FALSE;
  v = 0;
  if (!summary_int (o, "best_epoch", TRUE, 0, G_MAXUINT, path, &v, error))
    return FALSE;
  run->best_epoch = (guint) v;
  acc = json_object_get_member (o, "test_accuracy");
  if (acc != NULL && !JSON_NODE_HOLDS_NULL (acc))
    {
      double a;

      if (!node_is (acc, G_TYPE_DOUBLE) && !node_is (acc, G_TYPE_INT64))
        {
          set_damage (error, path, _("“%s” is %s, expected a number or null"),
                      "test_accuracy", node_kind (acc));
          return FALSE;
        }
      a = json_node_get_double (acc);
      if (!(a >= 0.0 && a <= 1.0))
        {
          set_damage (error, path, _("“%s” is %g, outside 0…1"), "test_accuracy", a);
          return FALSE;
        }
      run->test_accuracy = a;
    }
  if (run->message == NULL)
    run->message = g_strdup ("");
  return TRUE;
}

#define HISTORY_HEADER "epoch,"
#define HISTORY_FIELDS 9

/* A whole field as a double ("nan" and "inf" included: a loss may be). */
static gboolean
history_double (const char *s,
                double     *out)
{
  char *end = NULL;

  if (*s == '\0')
    return FALSE;
  *out = g_ascii_strtod (s, &end);
  return end != NULL && *end == '\0';
}

/* history.csv as ink_history_to_csv writes it: a header line, then one
 * line of 9 fields per epoch.  A missing or empty file is no epochs yet;
 * any other line that does not parse is damage. */
static gboolean
read_history (InkLedgerRun *run,
              GError      **error)
{
  g_autofree char *path = g_build_filename (run->dir, "history.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  guint n_lines;

  if (!ink_read_file (path, 64 * 1024 * 1024, &text, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (len == 0)
    return TRUE;
  if (strlen (text) != len)
    {
      set_damage (error, path, _("the file holds a NUL byte; it is not a history"));
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  if (n_lines == 0 || !g_str_has_prefix (lines[0], HISTORY_HEADER))
    {
      set_damage (error, path, _("line 1 is not the history's header (“%s…”)"),
                  HISTORY_HEADER);
      return FALSE;
    }
  for (guint i = 1; i < n_lines; i++)
    {
      g_auto(GStrv) f = NULL;
      InkEpochRecord r = { 0 };
      guint64 epoch = 0;
      char *end = NULL;
      gsize n;

      /* ink_history_to_csv ends every line with '\n': the last piece is empty */
      if (lines[i][0] == '\0' && i == n_lines - 1)
        break;
      f = g_strsplit (lines[i], ",", -1);
      n = g_strv_length (f);
      if (n != HISTORY_FIELDS)
        {
          set_damage (error, path, _("line %u has %" G_GSIZE_FORMAT " fields, expected %d"),
                      i + 1, n, HISTORY_FIELDS);
          return FALSE;
        }
      if (!g_ascii_isdigit (f[0][0]) ||
          (epoch = g_ascii_strtoull (f[0], &end, 10)) == 0 || *end != '\0' ||
          epoch > G_MAXUINT)
        {
          set_damage (error, path, _("line %u: the epoch is not a whole number from 1"), i + 1);
          return FALSE;
        }
      r.epoch = (guint) epoch;
      if (!history_double (f[1], &r.train_loss) || !history_double (f[2], &r.valid_loss) ||
          !history_double (f[4], &r.train_acc) || !history_double (f[5], &r.valid_acc) ||
          !history_double (f[6], &r.lr) || !history_double (f[7], &r.duration) ||
          (strcmp (f[8], "0") != 0 && strcmp (f[8], "1") != 0))
        {
          set_damage (error, path, _("line %u (epoch %u) holds a field that is not a number"),
                      i + 1, r.epoch);
          return FALSE;
        }
      r.improved = f[8][0] == '1';
      g_array_append_val (run->history, r);
    }
  return TRUE;
}

InkLedgerRun *
ink_ledger_run_load (const char  *dir,
                     GError     **error)
{
  g_autoptr(InkLedgerRun) run = g_new0 (InkLedgerRun, 1);
  g_autofree char *exp_path = g_build_filename (dir, "experiment.json", NULL);
  g_autofree char *sum_path = g_build_filename (dir, "summary.json", NULL);
  g_autofree char *base = g_path_get_basename (dir);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      set_damage (error, dir, _("not a run folder"));
      return NULL;
    }
  run->dir = g_strdup (dir);
  /* ids are ASCII when Inkling made them; anything else is shown, not compared */
  run->id = g_utf8_validate (base, -1, NULL) ? g_steal_pointer (&base) : display_name (base);
  run->history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord));
  run->test_accuracy = NAN;
  if (!(run->experiment = ink_experiment_load (exp_path, error)) ||
      !read_summary (run, sum_path, error) ||
      !read_history (run, error))
    return NULL;
  return g_steal_pointer (&run);
}

/* The row a folder that cannot be read gets: its name, its date and why. */
static InkLedgerRun *
damaged_run (const char *dir,
             const char *reason)
{
  InkLedgerRun *run = g_new0 (InkLedgerRun, 1);
  g_autofree char *base = g_path_get_basename (dir);
  GStatBuf st;

  run->dir = g_strdup (dir);
  run->id = display_name (base);
  run->history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord));
  run->status = g_strdup ("damaged");
  run->message = g_strdup ("");
  run->test_accuracy = NAN;
  run->started = g_lstat (dir, &st) == 0 ? MAX ((gint64) st.st_mtime, 0) : 0;
  /* messages from other modules may quote bytes of the file */
  run->damaged = g_utf8_make_valid (reason, -1);
  return run;
}

static int
newest_first (gconstpointer a, gconstpointer b)
{
  const InkLedgerRun *x = *(InkLedgerRun * const *) a, *y = *(InkLedgerRun * const *) b;
  if (x->started != y->started)
    return x->started < y->started ? 1 : -1;
  return -g_strcmp0 (x->id, y->id);
}

GPtrArray *
ink_ledger_list (const char *root,
                 const char *active_id)
{
  g_autofree char *base = root ? g_strdup (root) : ink_ledger_dir ();
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) ink_ledger_run_free);
  g_autoptr(GDir) d = g_dir_open (base, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *dir = NULL;

      /* hidden entries are not runs Inkling made, nor rows to show */
      if (name[0] == '.')
        continue;
      dir = g_build_filename (base, name, NULL);
      g_autoptr(GError) error = NULL;
      InkLedgerRun *run = ink_ledger_run_load (dir, &error);

      /* one bad folder costs one row, never the list */
      if (run == NULL)
        run = damaged_run (dir, error->message);
      /* a run the workbench was killed in (kill -9 while saving) leaves
       * temporary files of up to a model's size: removed here, those of
       * live writers kept */
      else if (g_file_test (dir, G_FILE_TEST_IS_DIR) && !g_file_test (dir, G_FILE_TEST_IS_SYMLINK))
        ink_save_sweep_stale (dir, NULL);
      if (run->damaged == NULL &&
          g_str_equal (run->status, "running") && g_strcmp0 (run->id, active_id) != 0)
        {
          g_free (run->status);
          run->status = g_strdup ("interrupted");
        }
      g_ptr_array_add (runs, run);
    }
  g_ptr_array_sort (runs, newest_first);
  return runs;
}

gboolean
ink_ledger_run_delete (InkLedgerRun *run,
                       GError      **error)
{
  g_autoptr(GDir) d = NULL;
  const char *name;
  GStatBuf st;

  /* a damaged entry may be a file or a link: remove it, never what a link
   * points to */
  if (g_lstat (run->dir, &st) == 0 && !S_ISDIR (st.st_mode))
    {
      if (g_unlink (run->dir) != 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", run->dir, g_strerror (e));
          return FALSE;
        }
      return TRUE;
    }
  if (!(d = g_dir_open (run->dir, 0, error)))
    return FALSE;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (run->dir, name, NULL);
      if (g_unlink (p) != 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", p, g_strerror (e));
          return FALSE;
        }
    }
  if (g_rmdir (run->dir) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", run->dir, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}


/* ------------------------------------------------------------------------ */
/* names                                                                     */

const char *
ink_ledger_run_get_name (const InkLedgerRun *run)
{
  g_return_val_if_fail (run != NULL, NULL);
  if (run->name != NULL && *run->name != '\0')
    return run->name;
  if (run->experiment != NULL && run->experiment->name != NULL && *run->experiment->name != '\0')
    return run->experiment->name;
  return run->id;
}

#define NAME_MAX_CHARS 200

gboolean
ink_ledger_run_rename (InkLedgerRun *run,
                       const char   *name,
                       GError      **error)
{
  g_autoptr(InkLedgerRun) fresh = NULL;
  g_autofree char *clean = NULL;

  g_return_val_if_fail (run != NULL, FALSE);
  if (run->damaged != NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is damaged and cannot be renamed"), run->id);
      return FALSE;
    }
  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("the name is not valid UTF-8"));
      return FALSE;
    }
  clean = g_strstrip (g_strdup (name ? name : ""));
  if (g_utf8_strlen (clean, -1) > NAME_MAX_CHARS)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("the name is longer than %d characters"), NAME_MAX_CHARS);
      return FALSE;
    }
  /* a line of text: no newlines or other control characters */
  for (char *p = clean; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      *p = ' ';
  /* the folder as it is now: only the name changes */
  if (!(fresh = ink_ledger_run_load (run->dir, error)))
    return FALSE;
  g_free (fresh->name);
  fresh->name = *clean ? g_strdup (clean) : NULL;
  if (!write_summary (fresh, error))
    return FALSE;
  g_free (run->name);
  run->name = g_strdup (fresh->name);
  return TRUE;
}

char *
ink_ledger_run_architecture (const InkLedgerRun *run)
{
  GString *s;

  if (run->experiment == NULL || run->experiment->net == NULL)
    return NULL;
  s = g_string_new (NULL);
  g_string_append_printf (s, "%d", run->experiment->net->n_inputs);
  for (int i = 0; i < run->experiment->net->n_layers; i++)
    {
      const InkLayerSpec *l = &run->experiment->net->layers[i];

      /* image layers by what they do: "784-c32k3-c64k3-mp2-128-10" */
      switch (l->kind)
        {
        case INK_LAYER_CONV2D:
          g_string_append_printf (s, "-c%dk%d", l->filters, l->kernel_h);
          break;
        case INK_LAYER_MAX_POOL:
          g_string_append_printf (s, "-mp%d", l->pool_size);
          break;
        case INK_LAYER_AVG_POOL:
          g_string_append_printf (s, "-ap%d", l->pool_size);
          break;
        case INK_LAYER_BATCH_NORM:
          g_string_append (s, "-bn");
          break;
        case INK_LAYER_DENSE:
        default:
          g_string_append_printf (s, "-%d", l->units);
        }
    }
  return g_string_free (s, FALSE);
}

double
ink_ledger_run_duration (const InkLedgerRun *run)
{
  double sum = 0;

  if (run->finished > 0 && run->finished >= run->started)
    return (double) (run->finished - run->started);
  if (run->history == NULL || run->history->len == 0)
    return -1;
  for (guint i = 0; i < run->history->len; i++)
    {
      double d = g_array_index (run->history, InkEpochRecord, i).duration;
      if (isfinite (d) && d > 0)
        sum += d;
    }
  return sum;
}

#define SHORT_LABEL_CHARS 18

static char *
cut_label (const char *name)
{
  if (g_utf8_strlen (name, -1) <= SHORT_LABEL_CHARS)
    return g_strdup (name);
  {
    g_autofree char *head = g_utf8_substring (name, 0, SHORT_LABEL_CHARS - 1);
    return g_strconcat (head, "…", NULL);
  }
}

static gboolean
label_taken (char **labels, guint n, guint self)
{
  for (guint j = 0; j < n; j++)
    if (j != self && g_strcmp0 (labels[j], labels[self]) == 0)
      return TRUE;
  return FALSE;
}

char **
ink_ledger_short_labels (InkLedgerRun * const *runs,
                         guint                 n)
{
  char **labels = g_new0 (char *, n + 1);
  g_autofree gboolean *dup = g_new0 (gboolean, n + 1);

  for (guint i = 0; i < n; i++)
    labels[i] = cut_label (ink_ledger_run_get_name (runs[i]));
  /* the same name twice: tell them apart by when they started */
  for (guint i = 0; i < n; i++)
    dup[i] = label_taken (labels, n, i);
  for (guint i = 0; i < n; i++)
    if (dup[i])
      {
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (runs[i]->started);
        g_autofree char *when = t ? g_date_time_format (t, "%H:%M") : g_strdup ("?");
        char *l = g_strdup_printf ("%s %s", labels[i], when);
        g_free (labels[i]);
        labels[i] = l;
      }
  /* still the same (same minute): number them */
  for (guint i = 0; i < n; i++)
    dup[i] = label_taken (labels, n, i);
  for (guint i = 0, k = 1; i < n; i++)
    if (dup[i])
      {
        char *l = g_strdup_printf ("%s #%u", labels[i], k++);
        g_free (labels[i]);
        labels[i] = l;
      }
  return labels;
}

/* ------------------------------------------------------------------------ */
/* numbers for people                                                        */

/* %g with p digits writes 10 as "1e+01" when p is 1: shortest, but not
 * how a person writes it.  A value from 1 up to 10^15 gets as many digits
 * as its integer part has (it still reads back the same: more digits
 * never lose any); tiny ones keep their exponent (2e-05).  buf is the
 * shortest form, %g with p digits; a new string is returned. */
static char *
whole_digits (const char *buf, double v, int p)
{
  char fmt[8], out[G_ASCII_DTOSTR_BUF_SIZE];
  int e;

  if (strchr (buf, 'e') == NULL || !(fabs (v) >= 1.0 && fabs (v) < 1e15))
    return g_strdup (buf);
  e = (int) floor (log10 (fabs (v)));
  g_snprintf (fmt, sizeof fmt, "%%.%dg", MAX (p, e + 1));
  g_ascii_formatd (out, sizeof out, fmt, v);
  return g_strdup (out);
}

char *
ink_format_float (float f)
{
  if (!isfinite (f))
    return g_strdup (isnan (f) ? "NaN" : (f > 0 ? "∞" : "−∞"));
  for (int p = 1; p <= 9; p++)
    {
      char fmt[8], buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", p);
      g_ascii_formatd (buf, sizeof buf, fmt, f);
      if (p == 9 || (float) g_ascii_strtod (buf, NULL) == f)
        return whole_digits (buf, f, p);
    }
  g_assert_not_reached ();
}

char *
ink_format_double (double d)
{
  if (!isfinite (d))
    return g_strdup (isnan (d) ? "NaN" : (d > 0 ? "∞" : "−∞"));
  for (int p = 1; p <= 17; p++)
    {
      char fmt[8], buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", p);
      g_ascii_formatd (buf, sizeof buf, fmt, d);
      if (g_ascii_strtod (buf, NULL) == d)
        return whole_digits (buf, d, p);
    }
  {
    g_autofree char *all = g_strdup_printf ("%.17g", d);
    return whole_digits (all, d, 17);
  }
}

char *
ink_format_thousands (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  const struct lconv *lc = localeconv ();
  const char *sep = (lc && lc->thousands_sep && *lc->thousands_sep) ? lc->thousands_sep : ",";
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (s, sep);
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

char *
ink_format_duration (double seconds)
{
  guint64 s;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("—");
  s = (guint64) llround (seconds);
  if (s < 60)
    return g_strdup_printf (_("%u s"), (guint) s);
  if (s < 3600)
    return g_strdup_printf (_("%u min %02u s"), (guint) (s / 60), (guint) (s % 60));
  {
    g_autofree char *h = ink_format_thousands (s / 3600);
    return g_strdup_printf (_("%s h %02u min"), h, (guint) ((s % 3600) / 60));
  }
}

/* ------------------------------------------------------------------------ */
/* runs side by side                                                         */

#define NONE "—"

static void
compare_row_free (InkLedgerCompareRow *row)
{
  g_free (row->section);
  g_free (row->label);
  g_strfreev (row->values);
  g_free (row);
}

/* appends a row from n values (taken); a row where every run has nothing
 * is left out */
static void
add_row (GPtrArray  *rows,
         const char *section,
         const char *label,
         char      **values,
         guint       n)
{
  InkLedgerCompareRow *row;
  gboolean any = FALSE;

  for (guint i = 0; i < n; i++)
    {
      if (values[i] == NULL)
        values[i] = g_strdup (NONE);
      any |= g_strcmp0 (values[i], NONE) != 0;
    }
  if (!any)
    {
      for (guint i = 0; i < n; i++)
        g_free (values[i]);
      g_free (values);
      return;
    }
  row = g_new0 (InkLedgerCompareRow, 1);
  row->section = g_strdup (section);
  row->label = g_strdup (label);
  row->values = g_renew (char *, values, n + 1);
  row->values[n] = NULL;
  for (guint i = 1; i < n; i++)
    row->differs |= g_strcmp0 (row->values[i], row->values[0]) != 0;
  g_ptr_array_add (rows, row);
}

static char *
layer_text (const InkLayerSpec *l)
{
  if (l->dropout > 0)
    {
      g_autofree char *d = ink_format_float (l->dropout);
      return g_strdup_printf (_("%d %s, dropout %s"), l->units, ink_activation_to_string (l->activation), d);
    }
  return g_strdup_printf ("%d %s", l->units, ink_activation_to_string (l->activation));
}

static char *
split_text (const InkExperiment *e)
{
  switch (e->split.kind)
    {
    case INK_SPLIT_FIXED:
      {
        g_autofree char *t = e->split.n_train ? ink_format_thousands (e->split.n_train) : g_strdup (_("rest"));
        g_autofree char *v = ink_format_thousands (e->split.n_valid);
        return g_strdup_printf (_("fixed, %s train / %s valid"), t, v);
      }
    case INK_SPLIT_RANDOM:
      {
        g_autofree char *f = ink_format_double (100 * e->split.valid_fraction);
        return g_strdup_printf (_("random, %s%% valid"), f);
      }
    case INK_SPLIT_OFFICIAL:
    default:
      return g_strdup (_("official (valid = test)"));
    }
}

static char *
augment_text (const InkAugmentSpec *a)
{
  GString *s;

  if (!ink_augment_spec_enabled (a))
    return g_strdup (_("off"));
  s = g_string_new (NULL);
  if (a->shift)
    g_string_append_printf (s, _("shift %u px"), a->shift);
  if (a->rotate > 0)
    {
      g_autofree char *r = ink_format_float (a->rotate);
      if (s->len)
        g_string_append (s, ", ");
      g_string_append_printf (s, _("rotate ±%s°"), r);
    }
  if (a->scale > 0)
    {
      g_autofree char *z = ink_format_double (100.0 * ink_json_float_to_double (a->scale));
      if (s->len)
        g_string_append (s, ", ");
      g_string_append_printf (s, _("size ±%s%%"), z);
    }
  if (a->elastic_alpha > 0)
    {
      g_autofree char *al = ink_format_float (a->elastic_alpha);
      g_autofree char *si = ink_format_float (a->elastic_sigma);
      if (s->len)
        g_string_append (s, ", ");
      g_string_append_printf (s, _("elastic α %s σ %s"), al, si);
    }
  if (a->probability < 1)
    {
      g_autofree char *p = ink_format_double (100.0 * ink_json_float_to_double (a->probability));
      if (s->len)
        g_string_append (s, ", ");
      g_string_append_printf (s, _("%s%% of samples"), p);
    }
  return g_string_free (s, FALSE);
}

/* the value of one optimizer field when the kind uses it */
static char *
opt_field (const InkOptimizerSpec *o, const char *field)
{
  gboolean momentum = o->kind == INK_OPT_MOMENTUM || o->kind == INK_OPT_NESTEROV;
  gboolean adam = o->kind == INK_OPT_ADAM;
  gboolean adadelta = o->kind == INK_OPT_ADADELTA;
  gboolean eps = o->kind == INK_OPT_RMSPROP || adam || o->kind == INK_OPT_ADAGRAD || adadelta;

  if (g_str_equal (field, "momentum"))
    return momentum ? ink_format_float (o->momentum) : NULL;
  if (g_str_equal (field, "rho"))
    return o->kind == INK_OPT_RMSPROP || adadelta ? ink_format_float (o->rho) : NULL;
  if (g_str_equal (field, "beta1"))
    return adam ? ink_format_float (o->beta1) : NULL;
  if (g_str_equal (field, "beta2"))
    return adam ? ink_format_float (o->beta2) : NULL;
  if (g_str_equal (field, "eps"))
    return eps ? ink_format_float (o->eps) : NULL;
  return NULL;
}

static char *
off_or_float (float v)
{
  return v > 0 ? ink_format_float (v) : g_strdup (_("off"));
}

static const char *
loss_text (InkLoss l)
{
  return l == INK_LOSS_MSE ? "mse" : "cross-entropy";
}

static const char *
init_text (InkInit i)
{
  switch (i)
    {
    case INK_INIT_GLOROT_NORMAL: return "glorot-normal";
    case INK_INIT_HE_UNIFORM: return "he-uniform";
    case INK_INIT_HE_NORMAL: return "he-normal";
    case INK_INIT_GLOROT_UNIFORM:
    default: return "glorot-uniform";
    }
}

static char *
early_text (const InkExperiment *e)
{
  switch (e->early_stopping)
    {
    case INK_EARLY_PATIENCE:
      {
        g_autofree char *p = ink_format_thousands (e->patience);
        return g_strdup_printf (_("patience %s minibatches (%s)"), p, ink_monitor_to_string (e->monitor));
      }
    case INK_EARLY_NO_IMPROVEMENT:
      return g_strdup_printf (ngettext ("after %u epoch without improvement (%s)",
                                        "after %u epochs without improvement (%s)", e->stop_epochs),
                              e->stop_epochs, ink_monitor_to_string (e->monitor));
    case INK_EARLY_NONE:
    default:
      return g_strdup (_("off"));
    }
}

static char *
pretrain_text (const InkPretrainSpec *p)
{
  if (!p->enabled)
    return g_strdup (_("off"));
  {
    g_autofree char *lr = ink_format_float (p->lr);
    guint e = ink_pretrain_spec_epochs (p, 0);
    return g_strdup_printf (ngettext ("RBM, %u epoch, lr %s, CD-%u", "RBM, %u epochs, lr %s, CD-%u", e),
                            e, lr, ink_pretrain_spec_cd_k (p, 0));
  }
}

static char *
percent (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.2f%%", 100 * v) : NULL;
}

static char *
loss_value (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.4g", v) : NULL;
}

static const InkEpochRecord *
last_epoch (const InkLedgerRun *r)
{
  return r->history && r->history->len ? &g_array_index (r->history, InkEpochRecord, r->history->len - 1) : NULL;
}

static char *
started_text (const InkLedgerRun *r)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (r->started);
  return t ? g_date_time_format (t, "%Y-%m-%d %H:%M") : NULL;
}

static char *
input_text (const InkNetSpec *net)
{
  g_autofree char *d = NULL;

  if (!(net->input_dropout > 0))
    return g_strdup_printf ("%d", net->n_inputs);
  d = ink_format_float (net->input_dropout);
  return g_strdup_printf (_("%d, dropout %s"), net->n_inputs, d);
}

static double
best_valid_acc (const InkLedgerRun *r)
{
  double best = NAN;

  for (guint k = 0; k < r->history->len; k++)
    {
      double a = g_array_index (r->history, InkEpochRecord, k).valid_acc;
      if (isfinite (a) && !(a <= best))
        best = a;
    }
  return best;
}

/* the values of one row, computed per run by the expression `expr` with
 * `r` the run and `e` its experiment (never NULL inside: damaged runs get
 * NULL) */
#define ROW(section, label, expr)                                             \
  G_STMT_START {                                                              \
    char **v_ = g_new0 (char *, n + 1);                                       \
    for (guint i_ = 0; i_ < n; i_++)                                          \
      {                                                                       \
        const InkLedgerRun *r = runs[i_];                                     \
        const InkExperiment *e = r->experiment;                               \
        (void) r;                                                             \
        if (e != NULL)                                                        \
          v_[i_] = (expr);                                                    \
      }                                                                       \
    add_row (rows, (section), (label), v_, n);                                \
  } G_STMT_END

GPtrArray *
ink_ledger_compare (InkLedgerRun * const *runs,
                    guint                 n)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) compare_row_free);
  const char *s_run = _("Run"), *s_data = _("Data"), *s_net = _("Network");
  const char *s_opt = _("Optimizer"), *s_train = _("Training"), *s_res = _("Result");
  int max_hidden = 0;

  for (guint i = 0; i < n; i++)
    if (runs[i]->experiment)
      max_hidden = MAX (max_hidden, runs[i]->experiment->net->n_layers - 1);

  ROW (s_run, _("Name"), g_strdup (ink_ledger_run_get_name (r)));
  ROW (s_run, _("Started"), started_text (r));
  ROW (s_run, _("Ended"), g_strdup (r->status));

  ROW (s_data, _("Dataset"), g_strdup (e->dataset));
  ROW (s_data, _("Split"), split_text (e));
  ROW (s_data, _("Subset"), e->split.subset ? ink_format_thousands (e->split.subset) : g_strdup (_("all")));
  ROW (s_data, _("Normalization"), g_strdup (ink_norm_kind_to_string (e->normalization)));
  ROW (s_data, _("Augmentation"), augment_text (&e->augmentation));

  ROW (s_net, _("Architecture"), ink_ledger_run_architecture (r));
  ROW (s_net, _("Input"), input_text (e->net));
  for (int h = 0; h < max_hidden; h++)
    {
      g_autofree char *label = g_strdup_printf (_("Hidden %d"), h + 1);
      ROW (s_net, label, h < e->net->n_layers - 1 ? layer_text (&e->net->layers[h]) : NULL);
    }
  ROW (s_net, _("Output"), layer_text (&e->net->layers[e->net->n_layers - 1]));
  ROW (s_net, _("Loss"), g_strdup (loss_text (e->net->loss)));
  ROW (s_net, _("Initialization"), g_strdup (init_text (e->net->init)));
  ROW (s_net, _("Parameters"), ink_format_thousands (ink_net_spec_n_params (e->net)));

  ROW (s_opt, _("Optimizer"), g_strdup (ink_optimizer_kind_to_string (e->optimizer.kind)));
  ROW (s_opt, _("Learning rate"), ink_format_float (e->optimizer.lr));
  ROW (s_opt, _("Momentum"), opt_field (&e->optimizer, "momentum"));
  ROW (s_opt, "ρ (rho)", opt_field (&e->optimizer, "rho"));
  ROW (s_opt, "β₁ (beta1)", opt_field (&e->optimizer, "beta1"));
  ROW (s_opt, "β₂ (beta2)", opt_field (&e->optimizer, "beta2"));
  ROW (s_opt, "ε (eps)", opt_field (&e->optimizer, "eps"));
  ROW (s_opt, _("Decay per epoch"), e->optimizer.decay != 1.0f ? ink_format_float (e->optimizer.decay) : g_strdup (_("none")));
  ROW (s_opt, "L1", off_or_float (e->optimizer.l1));
  ROW (s_opt, "L2", off_or_float (e->optimizer.l2));
  ROW (s_opt, _("Max-norm"), off_or_float (e->optimizer.max_norm));

  ROW (s_train, _("Epochs planned"), ink_format_thousands (e->epochs));
  ROW (s_train, _("Batch size"), ink_format_thousands (e->batch_size));
  ROW (s_train, _("Early stopping"), early_text (e));
  ROW (s_train, _("Pretraining"), pretrain_text (&e->pretraining));
  ROW (s_train, _("Seed"), g_strdup_printf ("%" G_GUINT64_FORMAT, e->seed));
  ROW (s_train, _("Device"), g_strdup (e->device));

  ROW (s_res, _("Epochs done"), ink_format_thousands (r->history->len));
  ROW (s_res, _("Best epoch"), r->best_epoch ? ink_format_thousands (r->best_epoch) : NULL);
  ROW (s_res, _("Test accuracy"), percent (r->test_accuracy));
  ROW (s_res, _("Best validation accuracy"), percent (best_valid_acc (r)));
  ROW (s_res, _("Last training loss"), last_epoch (r) ? loss_value (last_epoch (r)->train_loss) : NULL);
  ROW (s_res, _("Last validation loss"), last_epoch (r) ? loss_value (last_epoch (r)->valid_loss) : NULL);
  ROW (s_res, _("Duration"), ink_format_duration (ink_ledger_run_duration (r)));
  return rows;
}
