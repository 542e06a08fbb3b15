/* ink-sweep-slurm.c
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

/* The Slurm executor: the job-array script over a sweep's children (one
 * task per child, `inkling-cli train --run-dir`, resumed from its
 * checkpoint), its submission with sbatch and the record of it in
 * slurm.json, and the scheduler's view of the tasks (squeue, and sacct
 * where accounting is on). */

#include "config.h"

#include <string.h>

#include "ink-sweep.h"
#include "ink-sweep-private.h"
#include "ink-json.h"
#include "ink-save.h"

/* ------------------------------------------------------------------------ */
/* slurm.json                                                                */

typedef struct
{
  char   *job_id;
  gint64  submitted;
  guint   rung;
  char   *script;
  GArray *indices;   /* guint */
} Job;

static void
job_free (Job *j)
{
  g_free (j->job_id);
  g_free (j->script);
  if (j->indices)
    g_array_unref (j->indices);
  g_free (j);
}

static char *
jobs_path (const InkSweep *sweep)
{
  return g_build_filename (sweep->dir, "slurm.json", NULL);
}

/* the jobs of slurm.json, oldest first (empty when there is none) */
static GPtrArray *
jobs_read (const InkSweep *sweep)
{
  GPtrArray *jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root, *list;
  gsize len;

  if (sweep->dir == NULL)
    return jobs;
  path = jobs_path (sweep);
  if (!ink_read_file (path, 16 * 1024 * 1024, &text, &len, NULL) ||
      !(parser = ink_json_parse (text, (gssize) len, NULL)) ||
      !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root) ||
      !(list = json_object_get_member (json_node_get_object (root), "jobs")) || !JSON_NODE_HOLDS_ARRAY (list))
    return jobs;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (list), i);
      JsonObject *o;
      JsonNode *idx;
      Job *j;

      if (!JSON_NODE_HOLDS_OBJECT (e))
        continue;
      o = json_node_get_object (e);
      if (!json_object_has_member (o, "job_id") || !JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "job_id")))
        continue;
      j = g_new0 (Job, 1);
      j->job_id = g_strdup (json_object_get_string_member (o, "job_id"));
      j->submitted = json_object_has_member (o, "submitted") ? json_object_get_int_member (o, "submitted") : 0;
      j->rung = json_object_has_member (o, "rung") ? (guint) json_object_get_int_member (o, "rung") : 0;
      j->script = json_object_has_member (o, "script") ? g_strdup (json_object_get_string_member (o, "script")) : NULL;
      j->indices = g_array_new (FALSE, FALSE, sizeof (guint));
      idx = json_object_get_member (o, "indices");
      if (idx && JSON_NODE_HOLDS_ARRAY (idx))
        for (guint k = 0; k < json_array_get_length (json_node_get_array (idx)); k++)
          {
            guint v = (guint) json_array_get_int_element (json_node_get_array (idx), k);
            g_array_append_val (j->indices, v);
          }
      if (j->job_id == NULL)
        job_free (j);
      else
        g_ptr_array_add (jobs, j);
    }
  return jobs;
}

static gboolean
jobs_write (const InkSweep *sweep, GPtrArray *jobs, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *path = jobs_path (sweep);
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  ink_json_member_begin_array (b, "jobs");
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *j = g_ptr_array_index (jobs, i);

      json_builder_begin_object (b);
      ink_json_member_string (b, "job_id", j->job_id);
      ink_json_member_int (b, "submitted", j->submitted);
      ink_json_member_int (b, "rung", j->rung);
      ink_json_member_string (b, "script", j->script ? j->script : "");
      ink_json_member_begin_array (b, "indices");
      for (guint k = 0; k < j->indices->len; k++)
        json_builder_add_int_value (b, g_array_index (j->indices, guint, k));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  text = ink_json_builder_to_text (b, TRUE);
  return ink_save_file (path, text, strlen (text), TRUE, error);
}

char **
ink_sweep_slurm_jobs (const InkSweep *sweep)
{
  g_autoptr(GPtrArray) jobs = jobs_read (sweep);
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < jobs->len; i++)
    g_ptr_array_add (ids, g_strdup (((Job *) g_ptr_array_index (jobs, i))->job_id));
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

/* ------------------------------------------------------------------------ */
/* the script                                                                */

/* safe in an #SBATCH line and in the script: no spaces, quotes or $ */
static gboolean
plain_path (const char *path)
{
  for (const char *p = path; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("/._-+,=@~", *p))
      return FALSE;
  return TRUE;
}

char *
ink_sweep_slurm_script (const InkSweep          *sweep,
                        const InkSweepSlurmSpec *spec,
                        guint                    parallel,
                        const char              *cli,
                        guint                   *n_tasks,
                        GError                 **error)
{
  g_autofree guint *targets = NULL;
  g_autoptr(GString) s = g_string_new ("#!/bin/sh\n");
  g_autoptr(GString) array = g_string_new (NULL);
  g_autoptr(GString) cases = g_string_new (NULL);
  g_autofree char *name = g_strdup (sweep->name);
  g_autofree char *q_dir = NULL;
  g_autofree char *q_cli = NULL;
  guint rung = 0, n = 0;

  g_return_val_if_fail (sweep->dir != NULL, NULL);
  if (!plain_path (sweep->dir) || !plain_path (cli))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_SLURM,
                   "%s: for Slurm the sweep folder and inkling-cli (%s) need paths without spaces, quotes or $",
                   sweep->dir, cli);
      return NULL;
    }
  if (!g_path_is_absolute (cli))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_SLURM,
                   "%s: the nodes need inkling-cli's absolute path", cli);
      return NULL;
    }
  /* with halving, a rung every child has finished is decided here */
  targets = ink_sweep_plan ((InkSweep *) sweep, &rung, error);
  if (targets == NULL)
    return NULL;
  for (guint i = 0; i < sweep->children->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sweep->children, i);
      guint end = i;

      if (targets[i] == 0)
        continue;
      g_string_append_printf (cases, "  %u) id=%s epochs=%u ;;\n", c->index, c->id, targets[i]);
      n++;
      /* runs of indices as ranges: 0-3,5,7-9 */
      if (i == 0 || targets[i - 1] == 0)
        {
          while (end + 1 < sweep->children->len && targets[end + 1] != 0)
            end++;
          if (end > i)
            g_string_append_printf (array, "%s%u-%u", array->len ? "," : "", i, end);
          else
            g_string_append_printf (array, "%s%u", array->len ? "," : "", i);
        }
    }
  if (n == 0)
    {
      guint counts[INK_SWEEP_HALTED + 1];

      ink_sweep_count_states (sweep, counts);
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_SLURM,
                   "nothing to submit: %u of %u children are finished, %u queued or running",
                   counts[INK_SWEEP_COMPLETED] + counts[INK_SWEEP_DIVERGED] + counts[INK_SWEEP_HALTED],
                   sweep->children->len, counts[INK_SWEEP_QUEUED] + counts[INK_SWEEP_RUNNING]);
      return NULL;
    }
  g_strcanon (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", '_');
  q_dir = g_shell_quote (sweep->dir);
  q_cli = g_shell_quote (cli);
  g_string_append_printf (s, "# Inkling sweep “%s”: %u task%s over %s%s.\n"
                          "# Written by inkling-cli sweep; a task cancelled or out of time keeps its\n"
                          "# checkpoint: “inkling-cli sweep resume %s” submits what is not finished.\n",
                          sweep->name, n, n == 1 ? "" : "s", sweep->dir,
                          sweep->halving.enabled ? " (successive halving)" : "", sweep->dir);
  g_string_append_printf (s, "#SBATCH --job-name=inkling-%s\n", name);
  if (parallel)
    g_string_append_printf (s, "#SBATCH --array=%s%%%u\n", array->str, parallel);
  else
    g_string_append_printf (s, "#SBATCH --array=%s\n", array->str);
  g_string_append (s, "#SBATCH --ntasks=1\n");
  g_string_append_printf (s, "#SBATCH --cpus-per-task=%u\n", spec->cpus_per_task ? spec->cpus_per_task : 1);
  g_string_append_printf (s, "#SBATCH --output=%s/slurm/%%A_%%a.out\n", sweep->dir);
  if (spec->partition)
    g_string_append_printf (s, "#SBATCH --partition=%s\n", spec->partition);
  if (spec->time)
    g_string_append_printf (s, "#SBATCH --time=%s\n", spec->time);
  if (spec->mem)
    g_string_append_printf (s, "#SBATCH --mem=%s\n", spec->mem);
  if (spec->account)
    g_string_append_printf (s, "#SBATCH --account=%s\n", spec->account);
  for (char **e = spec->extra; e && *e; e++)
    g_string_append_printf (s, "#SBATCH %s\n", *e);
  g_string_append_printf (s, "\nsweep=%s\ncase \"$SLURM_ARRAY_TASK_ID\" in\n%s"
                          "  *) echo \"inkling sweep: no child for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 1 ;;\n"
                          "esac\n", q_dir, cases->str);
  g_string_append (s, "dir=\"$sweep/runs/$id\"\n"
                      "export OPENBLAS_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\" OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"\n"
                      "echo \"=== $(date '+%Y-%m-%d %H:%M:%S'): Slurm job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname)\" >> \"$dir/train.log\"\n"
                      "# resumes from $dir/checkpoint.safetensors when there is one; a finished\n"
                      "# child exits at once; Slurm's SIGTERM stops it keeping its checkpoint\n");
  g_string_append_printf (s, "exec %s train --config \"$dir/experiment.json\" --run-dir \"$dir\" --epochs \"$epochs\" "
                          "--no-progress >> \"$dir/train.log\" 2>&1\n", q_cli);
  if (n_tasks)
    *n_tasks = n;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Runs argv, its output in *out (and *err); FALSE with error when it could
 * not be started. */
static gboolean
run_command (const char * const *argv, char **out, char **err, int *status, GError **error)
{
  g_autoptr(GSubprocess) proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                   G_SUBPROCESS_FLAGS_STDERR_PIPE, error);

  if (proc == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, error))
    return FALSE;
  *status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : 128;
  return TRUE;
}

gboolean
ink_sweep_slurm_submit (InkSweep                *sweep,
                        const InkSweepSlurmSpec *spec,
                        guint                    parallel,
                        const char              *cli,
                        char                   **job_id,
                        GError                 **error)
{
  g_autoptr(GPtrArray) jobs = jobs_read (sweep);
  g_autofree char *script = NULL;
  g_autofree char *slurm_dir = g_build_filename (sweep->dir, "slurm", NULL);
  g_autofree char *rel = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree guint *targets = NULL;
  g_autoptr(GError) local = NULL;
  const char *argv[] = { "sbatch", "--parsable", NULL, NULL };
  guint n_tasks = 0, rung = 0;
  int status = 0;
  Job *j;

  ink_sweep_refresh (sweep);
  if (!(script = ink_sweep_slurm_script (sweep, spec, parallel, cli, &n_tasks, error)))
    return FALSE;
  if (g_mkdir_with_parents (slurm_dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "could not create %s", slurm_dir);
      return FALSE;
    }
  rel = g_strdup_printf ("slurm/array-%u.sh", jobs->len + 1);
  path = g_build_filename (sweep->dir, rel, NULL);
  if (!ink_save_file (path, script, strlen (script), TRUE, error))
    return FALSE;
  argv[2] = path;
  if (!run_command (argv, &out, &err, &status, &local))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_SLURM,
                   "sbatch could not be run (%s): the slurm executor needs Slurm's client commands "
                   "(Debian: slurm-client) and a cluster", local->message);
      return FALSE;
    }
  if (status != 0)
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_SLURM, "sbatch refused %s: %s", path,
                   err && *err ? g_strstrip (err) : "(no message)");
      return FALSE;
    }
  j = g_new0 (Job, 1);
  j->job_id = g_strdup (g_strstrip (out));
  if (strchr (j->job_id, ';'))
    *strchr (j->job_id, ';') = '\0';
  j->submitted = g_get_real_time () / G_USEC_PER_SEC;
  j->script = g_strdup (rel);
  j->indices = g_array_new (FALSE, FALSE, sizeof (guint));
  targets = ink_sweep_plan (sweep, &rung, NULL);
  j->rung = rung;
  for (guint i = 0; targets && i < sweep->children->len; i++)
    if (targets[i])
      g_array_append_val (j->indices, ((InkSweepChild *) g_ptr_array_index (sweep->children, i))->index);
  g_ptr_array_add (jobs, j);
  if (job_id)
    *job_id = g_strdup (j->job_id);
  return jobs_write (sweep, jobs, error);
}

/* ------------------------------------------------------------------------ */
/* the scheduler's view                                                      */

/* "1234_5 RUNNING" lines into task → state; FALSE when squeue cannot say */
static gboolean
squeue_tasks (const char *job_id, GHashTable *tasks)
{
  const char *argv[] = { "squeue", "-h", "-r", "-j", job_id, "-o", "%i %T", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status = 0;

  if (!run_command (argv, &out, &err, &status, NULL))
    return FALSE;
  if (status != 0)
    /* a job that left the queue is unknown to squeue: no tasks */
    return err && strstr (err, "Invalid job id") != NULL;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (g_strstrip (lines[i]), " ", 2);
      if (g_strv_length (f) == 2)
        g_hash_table_replace (tasks, g_strdup (f[0]), g_strdup (f[1]));
    }
  return TRUE;
}

/* sacct's final states ("CANCELLED by 0", "TIMEOUT"); quiet without accounting */
static void
sacct_tasks (const char *job_ids, GHashTable *tasks)
{
  const char *argv[] = { "sacct", "-n", "-P", "-X", "-j", job_ids, "-o", "JobID,State", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status = 0;

  if (!run_command (argv, &out, &err, &status, NULL) || status != 0)
    return;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (g_strstrip (lines[i]), "|", 2);
      if (g_strv_length (f) == 2 && !g_hash_table_contains (tasks, f[0]))
        g_hash_table_replace (tasks, g_strdup (f[0]), g_strdup (f[1]));
    }
}

static gboolean
is_queued (const char *state)
{
  static const char * const states[] = { "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD",
                                         "SUSPENDED", "CONFIGURING", NULL };
  return g_strv_contains (states, state);
}

static gboolean
is_active (const char *state)
{
  static const char * const states[] = { "RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING", "STOPPED", NULL };
  return g_strv_contains (states, state);
}

void
ink_sweep_slurm_poll (InkSweep *sweep)
{
  g_autoptr(GPtrArray) jobs = jobs_read (sweep);
  g_autoptr(GHashTable) queued = NULL;
  g_autoptr(GHashTable) done = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree const char **latest = NULL;

  if (jobs->len == 0)
    return;
  queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  latest = g_new0 (const char *, sweep->children->len);
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *j = g_ptr_array_index (jobs, i);

      g_string_append_printf (ids, "%s%s", i ? "," : "", j->job_id);
      for (guint k = 0; k < j->indices->len; k++)
        {
          guint idx = g_array_index (j->indices, guint, k);
          if (idx < sweep->children->len)
            latest[idx] = j->job_id;
        }
      if (!squeue_tasks (j->job_id, queued))
        return;   /* no scheduler to ask: the files' word stands */
    }
  sacct_tasks (ids->str, done);
  for (guint i = 0; i < sweep->children->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sweep->children, i);
      g_autofree char *key = NULL;
      const char *q, *d;
      gboolean mine;

      if (latest[c->index] == NULL)
        continue;
      key = g_strdup_printf ("%s_%u", latest[c->index], c->index);
      q = g_hash_table_lookup (queued, key);
      d = g_hash_table_lookup (done, key);
      g_free (c->info.sched_state);
      c->info.sched_state = g_strdup (q ? q : d);
      /* squeue may still list a task that ended (COMPLETED, CANCELLED,
       * TIMEOUT…): only these states are a task waiting or running */
      if (q && !is_queued (q) && !is_active (q))
        q = NULL;
      /* halted and diverged children are never submitted again */
      if (c->info.state == INK_SWEEP_HALTED || c->info.state == INK_SWEEP_DIVERGED)
        continue;
      /* a task of a newer job than the child's last attempt is waiting or
       * starting (a completed child too: the next halving rung); the task
       * of its last attempt is running unless the attempt recorded its end */
      mine = g_strcmp0 (c->info.slurm_job, key) == 0;
      if (q && is_queued (q) && !mine)
        c->info.state = INK_SWEEP_QUEUED;
      else if (q && is_active (q) && (!mine || c->info.state == INK_SWEEP_RUNNING))
        c->info.state = INK_SWEEP_RUNNING;
      else if (q == NULL && c->info.state == INK_SWEEP_RUNNING && g_strcmp0 (c->info.slurm_job, key) == 0)
        {
          c->info.state = INK_SWEEP_INTERRUPTED;
          g_free (c->info.message);
          c->info.message = g_strdup_printf ("Slurm task %s ended without recording an end (%s)", key,
                                             d ? d : "cancelled, out of time or its node lost");
        }
    }
}
