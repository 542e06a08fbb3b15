/* ink-sweep-folder.c
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

/* A sweep's folder: writing and opening it, each child's status.json and
 * ledger run (one attempt of `train --run-dir`), the children's state read
 * back from their files, what to run next (successive halving included),
 * and the report sorted by a metric. */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ink-sweep.h"
#include "ink-sweep-private.h"
#include "ink-json.h"
#include "ink-save.h"

char *
ink_sweep_default_root (void)
{
  return g_build_filename (g_get_user_data_dir (), "inkling", "sweeps", NULL);
}

/* ------------------------------------------------------------------------ */
/* status.json                                                               */

void
ink_sweep_status_clear (InkSweepStatus *st)
{
  g_free (st->executor);
  g_free (st->host);
  g_free (st->slurm_job);
  g_free (st->message);
  memset (st, 0, sizeof *st);
  st->exit_status = -1;
}

static char *
status_path (const char *child_dir)
{
  return g_build_filename (child_dir, "status.json", NULL);
}

static const char *
member_string (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return NULL;
}

static gint64
member_int (JsonObject *o, const char *key, gint64 otherwise)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
    return json_node_get_int (n);
  return otherwise;
}

gboolean
ink_sweep_status_read (const char     *child_dir,
                       InkSweepStatus *st,
                       GError        **error)
{
  g_autofree char *path = status_path (child_dir);
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *o;
  gsize len;

  ink_sweep_status_clear (st);
  st->state = INK_SWEEP_PENDING;
  if (!ink_read_file (path, 1024 * 1024, &text, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!(parser = ink_json_parse (text, (gssize) len, &local)) ||
      !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_DAMAGED, "%s: not a status file%s%s", path,
                   local ? ": " : "", local ? local->message : "");
      return FALSE;
    }
  o = json_node_get_object (root);
  if (!ink_sweep_state_from_string (member_string (o, "state"), &st->state))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_DAMAGED, "%s: “state” is not one of pending, "
                   "running, stopped, interrupted, failed, completed, diverged, halted", path);
      st->state = INK_SWEEP_PENDING;
      return FALSE;
    }
  st->attempts = (guint) CLAMP (member_int (o, "attempts", 0), 0, G_MAXINT);
  st->epochs_target = (guint) CLAMP (member_int (o, "epochs_target", 0), 0, G_MAXINT);
  st->rung = (guint) CLAMP (member_int (o, "rung", 0), 0, 1000);
  st->executor = g_strdup (member_string (o, "executor"));
  st->host = g_strdup (member_string (o, "host"));
  st->pid = (int) CLAMP (member_int (o, "pid", 0), 0, G_MAXINT);
  st->slurm_job = g_strdup (member_string (o, "slurm_job"));
  st->started = member_int (o, "started", 0);
  st->finished = member_int (o, "finished", 0);
  st->exit_status = (int) CLAMP (member_int (o, "exit_status", -1), -1, 255);
  st->message = g_strdup (member_string (o, "message"));
  return TRUE;
}

static void
member_string_or_null (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

gboolean
ink_sweep_status_write (const char           *child_dir,
                        const InkSweepStatus *st,
                        GError              **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *path = status_path (child_dir);
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  ink_json_member_string (b, "state", ink_sweep_state_to_string (st->state));
  ink_json_member_int (b, "attempts", st->attempts);
  ink_json_member_int (b, "epochs_target", st->epochs_target);
  ink_json_member_int (b, "rung", st->rung);
  member_string_or_null (b, "executor", st->executor);
  member_string_or_null (b, "host", st->host);
  ink_json_member_int (b, "pid", st->pid);
  member_string_or_null (b, "slurm_job", st->slurm_job);
  ink_json_member_int (b, "started", st->started);
  ink_json_member_int (b, "finished", st->finished);
  json_builder_set_member_name (b, "exit_status");
  if (st->exit_status >= 0)
    json_builder_add_int_value (b, st->exit_status);
  else
    json_builder_add_null_value (b);
  ink_json_member_string (b, "message", st->message ? st->message : "");
  json_builder_end_object (b);
  text = ink_json_builder_to_text (b, TRUE);
  return ink_save_file (path, text, strlen (text), FALSE, error);
}

gboolean
ink_sweep_pid_alive (int pid)
{
  g_autofree char *cmdline_path = NULL;
  g_autofree char *cmdline = NULL;
  gsize len = 0;

  if (pid <= 0 || (kill (pid, 0) != 0 && errno != EPERM))
    return FALSE;
  /* a pid reused by another program is not the run */
  cmdline_path = g_strdup_printf ("/proc/%d/cmdline", pid);
  if (!g_file_get_contents (cmdline_path, &cmdline, &len, NULL))
    return TRUE;
  for (gsize i = 0; i + 1 < len; i++)
    if (cmdline[i] == '\0')
      cmdline[i] = ' ';
  return len == 0 || strstr (cmdline, "inkling") != NULL;
}

/* summary.json in the ledger's format (docs/FORMAT.md) */
static gboolean
write_summary (const char *dir, const char *status, gint64 started, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *path = g_build_filename (dir, "summary.json", NULL);
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  ink_json_member_string (b, "status", status);
  ink_json_member_string (b, "message", "");
  ink_json_member_int (b, "started", started);
  ink_json_member_int (b, "finished", 0);
  json_builder_set_member_name (b, "test_accuracy");
  json_builder_add_null_value (b);
  ink_json_member_int (b, "best_epoch", 0);
  json_builder_end_object (b);
  text = ink_json_builder_to_text (b, TRUE);
  return ink_save_file (path, text, strlen (text), FALSE, error);
}

/* ------------------------------------------------------------------------ */
/* the folder                                                                */

static gboolean
make_dir (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "could not create %s: %s", dir,
                   g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

static void
set_child_dirs (InkSweep *sweep)
{
  for (guint i = 0; i < sweep->children->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sweep->children, i);
      g_free (c->dir);
      c->dir = g_build_filename (sweep->dir, "runs", c->id, NULL);
    }
}

void
ink_sweep_set_dir (InkSweep   *sweep,
                   const char *dir)
{
  g_free (sweep->dir);
  sweep->dir = g_canonicalize_filename (dir, NULL);
  set_child_dirs (sweep);
  ink_sweep_refresh (sweep);
}

/* a child's folder as a pending run, unless it has one already */
static gboolean
write_child (InkSweepChild *c, GError **error)
{
  g_autofree char *exp_path = g_build_filename (c->dir, "experiment.json", NULL);
  g_autofree char *sum_path = g_build_filename (c->dir, "summary.json", NULL);
  InkSweepStatus st = { 0 };
  gboolean ok;

  if (!make_dir (c->dir, error))
    return FALSE;
  if (g_file_test (sum_path, G_FILE_TEST_EXISTS))
    return TRUE;
  ink_sweep_status_clear (&st);
  st.state = INK_SWEEP_PENDING;
  ok = ink_experiment_save (c->experiment, exp_path, error) &&
       ink_sweep_status_write (c->dir, &st, error) &&
       write_summary (c->dir, "pending", g_get_real_time () / G_USEC_PER_SEC, error);
  ink_sweep_status_clear (&st);
  return ok;
}

gboolean
ink_sweep_write (InkSweep    *sweep,
                 const char  *dir,
                 GError     **error)
{
  g_autofree char *abs = g_canonicalize_filename (dir, NULL);
  g_autofree char *file = g_build_filename (abs, "sweep.json", NULL);
  g_autofree char *mine = ink_sweep_to_json (sweep);

  if (g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(InkSweep) there = ink_sweep_load (file, &local);
      g_autofree char *theirs = there ? ink_sweep_to_json (there) : NULL;

      if (there == NULL)
        {
          g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_DAMAGED,
                       "%s holds a sweep that cannot be read (%s); give another folder", abs, local->message);
          return FALSE;
        }
      if (!g_str_equal (mine, theirs))
        {
          g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_MISMATCH,
                       "%s holds a different sweep (%s); give another folder, or the same spec to resume it",
                       abs, there->name);
          return FALSE;
        }
    }
  else
    {
      g_autoptr(GDir) d = g_dir_open (abs, 0, NULL);
      g_autofree char *text = NULL;

      if (d != NULL && g_dir_read_name (d) != NULL)
        {
          g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_MISMATCH,
                       "%s is not empty and holds no sweep.json; give a new or empty folder", abs);
          return FALSE;
        }
      if (!make_dir (abs, error))
        return FALSE;
      /* sweep.json first: a folder with one is a sweep, and writing the
       * same sweep into it again adds the children missing */
      text = ink_sweep_file_text (sweep);
      if (!ink_save_file (file, text, strlen (text), TRUE, error))
        return FALSE;
    }
  g_free (sweep->dir);
  sweep->dir = g_steal_pointer (&abs);
  set_child_dirs (sweep);
  for (guint i = 0; i < sweep->children->len; i++)
    if (!write_child (g_ptr_array_index (sweep->children, i), error))
      return FALSE;
  ink_sweep_refresh (sweep);
  return TRUE;
}

InkSweep *
ink_sweep_open (const char  *dir,
                GError     **error)
{
  g_autofree char *abs = g_canonicalize_filename (dir, NULL);
  g_autofree char *file = g_build_filename (abs, "sweep.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(InkSweep) sweep = NULL;
  JsonNode *root, *children;
  gsize len;

  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_DAMAGED, "%s is not a sweep folder (no sweep.json)", abs);
      return NULL;
    }
  if (!ink_read_file (file, 64 * 1024 * 1024, &text, &len, error))
    return NULL;
  if (!(sweep = ink_sweep_load (file, error)))
    return NULL;
  /* the ids sweep.json lists must be those the spec expands to */
  parser = ink_json_parse (text, (gssize) len, NULL);
  root = json_parser_get_root (parser);
  children = json_object_get_member (json_node_get_object (root), "children");
  if (children == NULL || !JSON_NODE_HOLDS_ARRAY (children) ||
      json_array_get_length (json_node_get_array (children)) != sweep->children->len)
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_DAMAGED,
                   "%s: “children” does not list the %u children the spec expands to", file, sweep->children->len);
      return NULL;
    }
  for (guint i = 0; i < sweep->children->len; i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (children), i);
      InkSweepChild *c = g_ptr_array_index (sweep->children, i);
      const char *id = JSON_NODE_HOLDS_OBJECT (e) ? member_string (json_node_get_object (e), "id") : NULL;

      if (g_strcmp0 (id, c->id) != 0)
        {
          g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_DAMAGED,
                       "%s: children[%u] is “%s”, but the spec expands to “%s” there", file, i,
                       id ? id : "?", c->id);
          return NULL;
        }
    }
  sweep->dir = g_steal_pointer (&abs);
  set_child_dirs (sweep);
  ink_sweep_refresh (sweep);
  return g_steal_pointer (&sweep);
}

/* ------------------------------------------------------------------------ */
/* reading the children's state                                              */

static void
info_reset (InkSweepChildInfo *info)
{
  g_clear_pointer (&info->host, g_free);
  g_clear_pointer (&info->slurm_job, g_free);
  g_clear_pointer (&info->sched_state, g_free);
  g_free (info->message);
  memset (info, 0, sizeof *info);
  info->state = INK_SWEEP_PENDING;
  info->test_accuracy = info->best_valid_loss = info->best_valid_acc = info->last_train_loss = NAN;
  info->exit_status = -1;
  info->message = g_strdup ("");
}

static void
refresh_child (InkSweepChild *c)
{
  InkSweepChildInfo *info = &c->info;
  InkSweepStatus st;
  g_autoptr(GError) error = NULL;
  g_autoptr(InkLedgerRun) run = NULL;

  info_reset (info);
  memset (&st, 0, sizeof st);
  if (c->dir == NULL)
    return;
  if (!ink_sweep_status_read (c->dir, &st, &error))
    {
      g_free (info->message);
      info->message = g_strdup (error->message);
      info->state = INK_SWEEP_INTERRUPTED;
    }
  else
    {
      info->state = st.state;
      g_free (info->message);
      info->message = g_strdup (st.message ? st.message : "");
    }
  info->attempts = st.attempts;
  info->epochs_target = st.epochs_target;
  info->rung = st.rung;
  info->exit_status = st.exit_status;
  info->started = st.started;
  info->finished = st.finished;
  info->host = g_strdup (st.host);
  info->pid = st.pid;
  info->slurm_job = g_strdup (st.slurm_job);
  /* a run of this host whose process is gone was killed */
  if (info->state == INK_SWEEP_RUNNING && st.host && g_str_equal (st.host, g_get_host_name ()) &&
      !ink_sweep_pid_alive (st.pid))
    {
      info->state = INK_SWEEP_INTERRUPTED;
      g_free (info->message);
      info->message = g_strdup_printf ("process %d is gone without recording an end", st.pid);
    }
  ink_sweep_status_clear (&st);

  run = ink_ledger_run_load (c->dir, NULL);
  if (run == NULL)
    return;
  info->test_accuracy = run->test_accuracy;
  info->epochs_done = run->history->len;
  for (guint e = 0; e < run->history->len; e++)
    {
      const InkEpochRecord *r = &g_array_index (run->history, InkEpochRecord, e);

      if (isfinite (r->valid_loss) && !(r->valid_loss >= info->best_valid_loss))
        info->best_valid_loss = r->valid_loss;
      if (isfinite (r->valid_acc) && !(r->valid_acc <= info->best_valid_acc))
        info->best_valid_acc = r->valid_acc;
      info->last_train_loss = r->train_loss;
      info->seconds += r->duration;
    }
}

void
ink_sweep_refresh (InkSweep *sweep)
{
  for (guint i = 0; i < sweep->children->len; i++)
    refresh_child (g_ptr_array_index (sweep->children, i));
  ink_sweep_slurm_poll (sweep);
}

void
ink_sweep_count_states (const InkSweep *sweep,
                        guint          *counts)
{
  memset (counts, 0, sizeof (guint) * (INK_SWEEP_HALTED + 1));
  for (guint i = 0; i < sweep->children->len; i++)
    counts[((InkSweepChild *) g_ptr_array_index (sweep->children, i))->info.state]++;
}

/* ------------------------------------------------------------------------ */
/* one attempt at a child (train --run-dir)                                  */

static GHashTable *child_locks;   /* dir → InkPathLock* */

InkLedgerRun *
ink_sweep_child_begin (const char          *dir,
                       const InkExperiment *exp,
                       GError             **error)
{
  g_autofree char *spath = status_path (dir);
  g_autofree char *exp_path = g_build_filename (dir, "experiment.json", NULL);
  g_autofree char *hist_path = g_build_filename (dir, "history.csv", NULL);
  g_autofree char *abs = g_canonicalize_filename (dir, NULL);
  g_autoptr(InkLedgerRun) run = g_new0 (InkLedgerRun, 1);
  g_autoptr(InkLedgerRun) before = NULL;
  g_autoptr(GError) local = NULL;
  InkPathLock *lock;
  InkSweepStatus st;
  const char *job = g_getenv ("SLURM_JOB_ID");
  const char *array_job = g_getenv ("SLURM_ARRAY_JOB_ID");
  const char *array_task = g_getenv ("SLURM_ARRAY_TASK_ID");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean ok;

  if (!make_dir (abs, error))
    return NULL;
  if (!(lock = ink_path_lock (spath, &local)))
    {
      g_set_error (error, G_IO_ERROR, g_error_matches (local, G_IO_ERROR, G_IO_ERROR_BUSY) ? G_IO_ERROR_BUSY
                                                                                           : G_IO_ERROR_FAILED,
                   "%s is being run by another process: %s", abs, local->message);
      return NULL;
    }
  if (child_locks == NULL)
    child_locks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) ink_path_unlock);
  g_hash_table_replace (child_locks, g_strdup (abs), lock);

  memset (&st, 0, sizeof st);
  ink_sweep_status_read (abs, &st, NULL);
  before = ink_ledger_run_load (abs, NULL);
  run->id = g_path_get_basename (abs);
  run->dir = g_strdup (abs);
  run->experiment = ink_experiment_copy (exp);
  run->history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord));
  run->status = g_strdup ("running");
  run->message = g_strdup ("");
  /* the first attempt's start stays the run's start */
  run->started = before && st.attempts > 0 && before->started > 0 ? before->started : now;
  run->test_accuracy = NAN;
  /* the epochs of an earlier attempt come back from the checkpoint, if at all */
  g_unlink (hist_path);

  st.state = INK_SWEEP_RUNNING;
  st.attempts++;
  st.epochs_target = exp->epochs;
  g_free (st.executor);
  st.executor = g_strdup (job ? "slurm" : g_getenv ("INK_SWEEP_EXECUTOR") ? g_getenv ("INK_SWEEP_EXECUTOR") : "cli");
  g_free (st.host);
  st.host = g_strdup (g_get_host_name ());
  st.pid = getpid ();
  g_free (st.slurm_job);
  st.slurm_job = array_job && array_task ? g_strdup_printf ("%s_%s", array_job, array_task) : g_strdup (job);
  st.started = now;
  st.finished = 0;
  st.exit_status = -1;
  g_free (st.message);
  st.message = g_strdup ("");
  ok = ink_experiment_save (exp, exp_path, error) &&
       write_summary (abs, "running", run->started, error) &&
       ink_sweep_status_write (abs, &st, error);
  ink_sweep_status_clear (&st);
  if (!ok)
    {
      g_hash_table_remove (child_locks, abs);
      return NULL;
    }
  return g_steal_pointer (&run);
}

gboolean
ink_sweep_child_end (const char     *dir,
                     InkSweepState   state,
                     int             exit_status,
                     const char     *message,
                     GError        **error)
{
  g_autofree char *abs = g_canonicalize_filename (dir, NULL);
  InkSweepStatus st;
  gboolean ok;

  memset (&st, 0, sizeof st);
  ink_sweep_status_read (abs, &st, NULL);
  st.state = state;
  st.exit_status = exit_status;
  st.finished = g_get_real_time () / G_USEC_PER_SEC;
  g_free (st.message);
  st.message = g_strdup (message ? message : "");
  ok = ink_sweep_status_write (abs, &st, error);
  ink_sweep_status_clear (&st);
  if (child_locks)
    g_hash_table_remove (child_locks, abs);
  return ok;
}

/* a completed attempt that ended before its target stopped early: the
 * child is finished whatever it is asked for next */
static gboolean
stopped_early (InkSweepState state, guint done, guint target)
{
  return state == INK_SWEEP_COMPLETED && target > 0 && done < target;
}

gboolean
ink_sweep_child_is_done (const char *dir,
                         guint       epochs)
{
  InkSweepStatus st;
  g_autoptr(InkLedgerRun) run = NULL;
  gboolean done = FALSE;

  memset (&st, 0, sizeof st);
  if (!ink_sweep_status_read (dir, &st, NULL))
    {
      ink_sweep_status_clear (&st);
      return FALSE;
    }
  if (st.state == INK_SWEEP_DIVERGED || st.state == INK_SWEEP_HALTED)
    done = TRUE;
  else if (st.state == INK_SWEEP_COMPLETED && (run = ink_ledger_run_load (dir, NULL)))
    {
      guint n = run->history->len;
      guint want = epochs ? epochs : st.epochs_target;
      done = n >= want || stopped_early (st.state, n, st.epochs_target);
    }
  ink_sweep_status_clear (&st);
  return done;
}

/* ------------------------------------------------------------------------ */
/* what to run                                                               */

static guint
rung_epochs (const InkSweep *sweep, guint rung, guint max_epochs)
{
  guint64 e = sweep->halving.min_epochs;

  for (guint k = 0; k < rung && e < max_epochs; k++)
    e *= sweep->halving.eta;
  return (guint) MIN (e, (guint64) max_epochs);
}

static gboolean
busy (const InkSweepChild *c)
{
  return c->info.state == INK_SWEEP_RUNNING || c->info.state == INK_SWEEP_QUEUED;
}

static double
halving_metric (const InkSweep *sweep, const InkSweepChild *c)
{
  return g_str_equal (sweep->halving.metric, "valid_accuracy") ? c->info.best_valid_acc : c->info.best_valid_loss;
}

static int
by_halving_metric (gconstpointer a, gconstpointer b, gpointer data)
{
  const InkSweep *sweep = data;
  const InkSweepChild *x = *(InkSweepChild * const *) a, *y = *(InkSweepChild * const *) b;
  double vx = halving_metric (sweep, x), vy = halving_metric (sweep, y);
  gboolean higher = g_str_equal (sweep->halving.metric, "valid_accuracy");

  if (isnan (vx) != isnan (vy))
    return isnan (vx) ? 1 : -1;
  if (!isnan (vx) && vx != vy)
    return (higher ? vx > vy : vx < vy) ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Rung decision: the best ceil(n / eta) of `at` go to rung + 1, the others
 * are halted. */
static gboolean
decide_rung (InkSweep *sweep, GPtrArray *at, guint rung, GError **error)
{
  guint keep = (at->len + sweep->halving.eta - 1) / sweep->halving.eta;

  g_ptr_array_sort_with_data (at, by_halving_metric, sweep);
  keep = MAX (keep, 1);
  for (guint i = 0; i < at->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (at, i);
      InkSweepStatus st;
      gboolean ok;

      memset (&st, 0, sizeof st);
      ink_sweep_status_read (c->dir, &st, NULL);
      if (i < keep && !isnan (halving_metric (sweep, c)))
        st.rung = c->info.rung = rung + 1;
      else
        {
          st.state = c->info.state = INK_SWEEP_HALTED;
          g_free (st.message);
          st.message = g_strdup_printf ("halted at rung %u (%u epoch%s): not among the best %u of %u by %s",
                                        rung, c->info.epochs_done, c->info.epochs_done == 1 ? "" : "s", keep,
                                        at->len, sweep->halving.metric);
          g_free (c->info.message);
          c->info.message = g_strdup (st.message);
        }
      ok = ink_sweep_status_write (c->dir, &st, error);
      ink_sweep_status_clear (&st);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

guint *
ink_sweep_plan (InkSweep  *sweep,
                guint     *rung,
                GError   **error)
{
  guint n = sweep->children->len;
  g_autofree guint *targets = g_new0 (guint, n);

  *rung = 0;
  if (!sweep->halving.enabled)
    {
      for (guint i = 0; i < n; i++)
        {
          InkSweepChild *c = g_ptr_array_index (sweep->children, i);
          guint e = c->experiment->epochs;

          if (busy (c) || c->info.state == INK_SWEEP_DIVERGED || c->info.state == INK_SWEEP_HALTED)
            continue;
          if (c->info.state == INK_SWEEP_COMPLETED &&
              (c->info.epochs_done >= e || stopped_early (c->info.state, c->info.epochs_done, c->info.epochs_target)))
            continue;
          targets[i] = e;
        }
      return g_steal_pointer (&targets);
    }

  for (;;)
    {
      g_autoptr(GPtrArray) at = g_ptr_array_new ();
      guint k = G_MAXUINT;
      gboolean waiting = FALSE, last = TRUE;

      for (guint i = 0; i < n; i++)
        {
          InkSweepChild *c = g_ptr_array_index (sweep->children, i);
          if (c->info.state != INK_SWEEP_HALTED && c->info.state != INK_SWEEP_DIVERGED)
            k = MIN (k, c->info.rung);
        }
      if (k == G_MAXUINT)
        return g_steal_pointer (&targets);
      *rung = k;
      for (guint i = 0; i < n; i++)
        {
          InkSweepChild *c = g_ptr_array_index (sweep->children, i);
          guint e;

          if (c->info.state == INK_SWEEP_HALTED || c->info.state == INK_SWEEP_DIVERGED || c->info.rung != k)
            continue;
          e = rung_epochs (sweep, k, c->experiment->epochs);
          if (e < c->experiment->epochs)
            last = FALSE;
          g_ptr_array_add (at, c);
          if (c->info.state == INK_SWEEP_COMPLETED &&
              (c->info.epochs_done >= e || stopped_early (c->info.state, c->info.epochs_done, c->info.epochs_target)))
            continue;
          waiting = TRUE;
          if (!busy (c))
            targets[i] = e;
        }
      if (waiting || last)
        return g_steal_pointer (&targets);
      if (!decide_rung (sweep, at, k, error))
        return NULL;
    }
}

/* ------------------------------------------------------------------------ */
/* results                                                                   */

static const char * const metrics[] = { "test_accuracy", "valid_accuracy", "valid_loss", "train_loss", NULL };

gboolean
ink_sweep_metric_is_valid (const char *metric)
{
  return metric && g_strv_contains (metrics, metric);
}

gboolean
ink_sweep_metric_higher_better (const char *metric)
{
  return g_str_has_suffix (metric, "accuracy");
}

double
ink_sweep_child_metric (const InkSweepChild *child,
                        const char          *metric)
{
  if (g_str_equal (metric, "test_accuracy"))
    return child->info.test_accuracy;
  if (g_str_equal (metric, "valid_accuracy"))
    return child->info.best_valid_acc;
  if (g_str_equal (metric, "valid_loss"))
    return child->info.best_valid_loss;
  if (g_str_equal (metric, "train_loss"))
    return child->info.last_train_loss;
  return NAN;
}

static int
by_metric (gconstpointer a, gconstpointer b, gpointer data)
{
  const char *metric = data;
  const InkSweepChild *x = *(InkSweepChild * const *) a, *y = *(InkSweepChild * const *) b;
  double vx = ink_sweep_child_metric (x, metric), vy = ink_sweep_child_metric (y, metric);

  if (isfinite (vx) != isfinite (vy))
    return isfinite (vx) ? -1 : 1;
  if (isfinite (vx) && vx != vy)
    return (ink_sweep_metric_higher_better (metric) ? vx > vy : vx < vy) ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

GPtrArray *
ink_sweep_sorted (const InkSweep *sweep,
                  const char     *metric)
{
  GPtrArray *sorted = g_ptr_array_new ();

  for (guint i = 0; i < sweep->children->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (sweep->children, i));
  g_ptr_array_sort_with_data (sorted, by_metric, (gpointer) metric);
  return sorted;
}

static void
member_number (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

char *
ink_sweep_report_json (const InkSweep *sweep,
                       const char     *metric)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) sorted = ink_sweep_sorted (sweep, metric);
  guint counts[INK_SWEEP_HALTED + 1];
  g_autofree char *text = NULL;

  ink_sweep_count_states (sweep, counts);
  json_builder_begin_object (b);
  ink_json_member_string (b, "sweep", sweep->name);
  member_string_or_null (b, "dir", sweep->dir);
  ink_json_member_string (b, "metric", metric);
  ink_json_member_bool (b, "higher_is_better", ink_sweep_metric_higher_better (metric));
  ink_json_member_begin_array (b, "parameters");
  for (guint k = 0; k < sweep->params->len; k++)
    json_builder_add_string_value (b, ((InkSweepParam *) g_ptr_array_index (sweep->params, k))->path);
  json_builder_end_array (b);
  ink_json_member_begin_object (b, "counts");
  for (guint s = 0; s <= INK_SWEEP_HALTED; s++)
    ink_json_member_int (b, ink_sweep_state_to_string (s), counts[s]);
  json_builder_end_object (b);
  ink_json_member_begin_array (b, "runs");
  for (guint i = 0; i < sorted->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sorted, i);
      double m = ink_sweep_child_metric (c, metric);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rank");
      if (isfinite (m))
        json_builder_add_int_value (b, i + 1);
      else
        json_builder_add_null_value (b);
      ink_json_member_string (b, "id", c->id);
      ink_json_member_int (b, "index", c->index);
      ink_json_member_string (b, "state", ink_sweep_state_to_string (c->info.state));
      member_string_or_null (b, "dir", c->dir);
      ink_json_member_begin_object (b, "values");
      for (guint k = 0; k < sweep->params->len; k++)
        {
          json_builder_set_member_name (b, ((InkSweepParam *) g_ptr_array_index (sweep->params, k))->path);
          json_builder_add_value (b, json_node_copy (c->values[k]));
        }
      json_builder_end_object (b);
      ink_json_member_int (b, "epochs", c->info.epochs_done);
      member_number (b, "test_accuracy", c->info.test_accuracy);
      member_number (b, "valid_accuracy", c->info.best_valid_acc);
      member_number (b, "valid_loss", c->info.best_valid_loss);
      member_number (b, "train_loss", c->info.last_train_loss);
      member_number (b, "seconds", c->info.seconds);
      ink_json_member_int (b, "attempts", c->info.attempts);
      member_string_or_null (b, "slurm_job", c->info.slurm_job);
      ink_json_member_string (b, "message", c->info.message ? c->info.message : "");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  text = ink_json_builder_to_text (b, TRUE);
  return g_strconcat (text, "\n", NULL);
}

/* a CSV field: quoted when it holds a comma, a quote or a line break */
static void
csv_field (GString *s, const char *text)
{
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

static void
csv_number (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (s, ',');
  if (isfinite (v))
    g_string_append (s, g_ascii_dtostr (buf, sizeof buf, v));
}

char *
ink_sweep_report_csv (const InkSweep *sweep,
                      const char     *metric)
{
  g_autoptr(GPtrArray) sorted = ink_sweep_sorted (sweep, metric);
  GString *s = g_string_new ("rank,id,state");

  for (guint k = 0; k < sweep->params->len; k++)
    {
      g_string_append_c (s, ',');
      csv_field (s, ((InkSweepParam *) g_ptr_array_index (sweep->params, k))->path);
    }
  g_string_append (s, ",epochs,test_accuracy,valid_accuracy,valid_loss,train_loss,seconds\n");
  for (guint i = 0; i < sorted->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sorted, i);

      if (isfinite (ink_sweep_child_metric (c, metric)))
        g_string_append_printf (s, "%u", i + 1);
      g_string_append_printf (s, ",%s,%s", c->id, ink_sweep_state_to_string (c->info.state));
      for (guint k = 0; k < sweep->params->len; k++)
        {
          g_autofree char *t = ink_sweep_child_value_text (c, k);
          g_string_append_c (s, ',');
          csv_field (s, t);
        }
      g_string_append_printf (s, ",%u", c->info.epochs_done);
      csv_number (s, c->info.test_accuracy);
      csv_number (s, c->info.best_valid_acc);
      csv_number (s, c->info.best_valid_loss);
      csv_number (s, c->info.last_train_loss);
      csv_number (s, c->info.seconds);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}
