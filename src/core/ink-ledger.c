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
  g_free (run);
}

static gboolean
write_summary (InkLedgerRun *run, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
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
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
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

static void
read_history (InkLedgerRun *run)
{
  g_autofree char *path = g_build_filename (run->dir, "history.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!ink_read_file (path, 64 * 1024 * 1024, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      InkEpochRecord r = { 0 };
      if (g_strv_length (f) < 9)
        continue;
      r.epoch = (guint) g_ascii_strtoull (f[0], NULL, 10);
      r.train_loss = g_ascii_strtod (f[1], NULL);
      r.valid_loss = g_ascii_strtod (f[2], NULL);
      r.train_acc = g_ascii_strtod (f[4], NULL);
      r.valid_acc = g_ascii_strtod (f[5], NULL);
      r.lr = g_ascii_strtod (f[6], NULL);
      r.duration = g_ascii_strtod (f[7], NULL);
      r.improved = f[8][0] == '1';
      if (r.epoch == 0)
        continue;
      g_array_append_val (run->history, r);
    }
}

InkLedgerRun *
ink_ledger_run_load (const char  *dir,
                     GError     **error)
{
  g_autoptr(InkLedgerRun) run = g_new0 (InkLedgerRun, 1);
  g_autofree char *exp_path = g_build_filename (dir, "experiment.json", NULL);
  g_autofree char *sum_path = g_build_filename (dir, "summary.json", NULL);
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *sum_text = NULL;
  gsize sum_len = 0;
  g_autoptr(GError) local = NULL;
  JsonObject *o;

  run->dir = g_strdup (dir);
  run->id = g_path_get_basename (dir);
  run->history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord));
  run->test_accuracy = NAN;
  if (!(run->experiment = ink_experiment_load (exp_path, error)))
    return NULL;
  /* a summary is a few kilobytes per hundred epochs */
  if (!ink_read_file (sum_path, 64 * 1024 * 1024, &sum_text, &sum_len, error))
    return NULL;
  if (!(parser = ink_json_parse (sum_text, (gssize) sum_len, &local)))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s is not a run summary: %s"),
                   sum_path, local->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s is not a run summary"), sum_path);
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  run->status = g_strdup (json_object_get_string_member_with_default (o, "status", "unknown"));
  run->message = g_strdup (json_object_get_string_member_with_default (o, "message", ""));
  run->started = json_object_get_int_member_with_default (o, "started", 0);
  run->finished = json_object_get_int_member_with_default (o, "finished", 0);
  run->best_epoch = (guint) json_object_get_int_member_with_default (o, "best_epoch", 0);
  if (json_object_has_member (o, "test_accuracy") && !json_object_get_null_member (o, "test_accuracy"))
    run->test_accuracy = json_object_get_double_member_with_default (o, "test_accuracy", NAN);
  read_history (run);
  return g_steal_pointer (&run);
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
      g_autofree char *dir = g_build_filename (base, name, NULL);
      InkLedgerRun *run;
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        continue;
      run = ink_ledger_run_load (dir, NULL);
      if (run == NULL)
        continue;
      if (g_str_equal (run->status, "running") && g_strcmp0 (run->id, active_id) != 0)
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
  g_autoptr(GDir) d = g_dir_open (run->dir, 0, error);
  const char *name;

  if (d == NULL)
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
    g_hash_table_insert (out, g_strdup (prefix), json_to_string (node, FALSE));
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
