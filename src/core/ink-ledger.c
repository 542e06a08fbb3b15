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

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "ink-ledger.h"
#include "ink-json.h"
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
  g_free (run);
}

static gboolean
write_summary (InkLedgerRun *run, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (run->dir, "summary.json", NULL);

  json_builder_begin_object (b);
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
      !summary_string (o, "message", TRUE, path, &run->message, error))
    return FALSE;
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

static void
flatten (JsonNode *node, const char *prefix, GHashTable *out)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (o);
      for (GList *l = members; l; l = l->next)
        {
          g_autofree char *key = *prefix ? g_strconcat (prefix, ".", l->data, NULL) : g_strdup (l->data);
          flatten (json_object_get_member (o, l->data), key, out);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          g_autofree char *key = g_strdup_printf ("%s[%u]", prefix, i);
          flatten (json_array_get_element (a, i), key, out);
        }
    }
  else
    g_hash_table_insert (out, g_strdup (prefix), ink_json_to_text (node, FALSE));
}

static GHashTable *
flat_experiment (const InkExperiment *e)
{
  g_autofree char *json = ink_experiment_to_json (e, FALSE);
  g_autoptr(JsonParser) p = json_parser_new ();
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (json_parser_load_from_data (p, json, -1, NULL))
    flatten (json_parser_get_root (p), "", out);
  return out;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char *
ink_experiment_diff (const InkExperiment *a,
                     const InkExperiment *b)
{
  g_autoptr(GHashTable) fa = flat_experiment (a);
  g_autoptr(GHashTable) fb = flat_experiment (b);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GString *s = g_string_new (NULL);
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, fa);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_ptr_array_add (keys, k);
  g_hash_table_iter_init (&it, fb);
  while (g_hash_table_iter_next (&it, &k, NULL))
    if (!g_hash_table_contains (fa, k))
      g_ptr_array_add (keys, k);
  g_ptr_array_sort (keys, cmp_str);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = keys->pdata[i];
      const char *va = g_hash_table_lookup (fa, key);
      const char *vb = g_hash_table_lookup (fb, key);
      if (g_strcmp0 (va, vb) != 0)
        g_string_append_printf (s, "%s: %s → %s\n", key, va ? va : "—", vb ? vb : "—");
    }
  return g_string_free (s, FALSE);
}
