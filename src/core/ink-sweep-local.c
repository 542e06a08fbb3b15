/* ink-sweep-local.c
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

/* The local executor: a sweep's children as `inkling-cli train --run-dir`
 * child processes, k at a time with their BLAS threads counted, each
 * one's output appended to its train.log; a child that fails is recorded
 * and the others go on; cancelling stops them with SIGTERM (they keep
 * their checkpoints). */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ink-sweep.h"
#include "ink-sweep-private.h"

guint
ink_sweep_default_parallel (guint  n_children,
                            guint  cores,
                            guint *blas_threads)
{
  guint k;

  if (cores == 0)
    cores = MAX (1, g_get_num_processors ());
  k = MAX (1, MIN (MAX (n_children, 1), cores));
  if (blas_threads)
    *blas_threads = MAX (1, cores / k);
  return k;
}

typedef struct
{
  InkSweep                   *sweep;
  const InkSweepLocalOptions *opt;
  guint                       parallel, threads;
  GHashTable                 *running;     /* index → GSubprocess */
  GHashTable                 *given_up;    /* indices that ended unfinished in this call */
  gboolean                   *halted_told;
  guint                       rung;
  gboolean                    rung_told;
  gboolean                    stopping;
  gboolean                    signalled;
  GMainContext               *ctx;
  InkSweepEventFunc           func;
  gpointer                    data;
  GError                     *error;
} Local;

static void
emit (Local *l, InkSweepEventKind kind, const InkSweepChild *child, guint rung, guint epochs)
{
  InkSweepEvent ev = { kind, child, rung, epochs };

  if (l->func)
    l->func (&ev, l->data);
}

/* the last line of the child's log that says what went wrong */
static char *
log_error_line (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "train.log", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  lines = g_strsplit (text, "\n", -1);
  for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--)
    if (strstr (lines[i], "error: ") != NULL)
      return g_utf8_make_valid (g_strstrip (lines[i]), -1);
  return g_strdup ("");
}

typedef struct
{
  Local *l;
  guint  index;
  int    pid;
} Waiting;

static void
on_child_exit (GObject *source, GAsyncResult *res, gpointer data)
{
  Waiting *w = data;
  Local *l = w->l;
  GSubprocess *proc = G_SUBPROCESS (source);
  InkSweepChild *c = g_ptr_array_index (l->sweep->children, w->index);
  InkSweepStatus st;
  int status, pid;

  g_subprocess_wait_finish (proc, res, NULL);
  pid = w->pid;
  status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc)
                                             : 128 + g_subprocess_get_term_sig (proc);
  memset (&st, 0, sizeof st);
  ink_sweep_status_read (c->dir, &st, NULL);
  /* the run records its own end; one that could not (killed, or failed
   * before it began) is recorded here; one stopped before it began (the
   * sweep's SIGTERM while it was loading its data) is still pending */
  if (l->stopping && st.state == INK_SWEEP_PENDING && g_subprocess_get_if_signaled (proc) &&
      g_subprocess_get_term_sig (proc) == SIGTERM)
    ;
  /* another process's attempt (ours found the child busy): not ours to end */
  else if (st.state == INK_SWEEP_RUNNING && st.pid != pid && st.pid > 0)
    ;
  else if (st.state == INK_SWEEP_RUNNING || (st.state == INK_SWEEP_PENDING && status != 0) ||
           (st.attempts == 0 && status != 0))
    {
      if (g_subprocess_get_if_signaled (proc))
        {
          st.state = INK_SWEEP_INTERRUPTED;
          g_free (st.message);
          st.message = g_strdup_printf ("killed by signal %d (%s)", g_subprocess_get_term_sig (proc),
                                        g_strsignal (g_subprocess_get_term_sig (proc)));
        }
      else
        {
          st.state = INK_SWEEP_FAILED;
          g_free (st.message);
          st.message = log_error_line (c->dir);
        }
      st.exit_status = status;
      st.finished = g_get_real_time () / G_USEC_PER_SEC;
      ink_sweep_status_write (c->dir, &st, NULL);
    }
  ink_sweep_status_clear (&st);
  g_hash_table_remove (l->running, GUINT_TO_POINTER (w->index));
  ink_sweep_refresh (l->sweep);
  if (!ink_sweep_child_is_done (c->dir, 0) && c->info.state != INK_SWEEP_COMPLETED)
    g_hash_table_add (l->given_up, GUINT_TO_POINTER (w->index));
  emit (l, INK_SWEEP_EVENT_FINISHED, c, c->info.rung, c->info.epochs_done);
  g_free (w);
  g_main_context_wakeup (l->ctx);
}

static gboolean
spawn (Local *l, InkSweepChild *c, guint epochs, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE |
                                                                       G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_autofree char *config = g_build_filename (c->dir, "experiment.json", NULL);
  g_autofree char *log_path = g_build_filename (c->dir, "train.log", NULL);
  g_autofree char *epochs_text = g_strdup_printf ("%u", epochs);
  g_autofree char *threads = g_strdup_printf ("%u", l->threads);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  g_autofree char *head = NULL;
  const char *argv[] = { l->opt->cli, "train", "--config", config, "--run-dir", c->dir, "--epochs", epochs_text,
                         "--no-progress", NULL };
  GSubprocess *proc;
  Waiting *w;
  int fd;

  fd = g_open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", log_path, g_strerror (e));
      return FALSE;
    }
  head = g_strdup_printf ("\n=== %s: %s train --config %s --run-dir %s --epochs %s (OPENBLAS_NUM_THREADS=%s)\n",
                          stamp, l->opt->cli, config, c->dir, epochs_text, threads);
  if (write (fd, head, strlen (head)) < 0)
    { /* the log is for people; the run goes on without its header */ }
  g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_setenv (launcher, "OPENBLAS_NUM_THREADS", threads, TRUE);
  g_subprocess_launcher_setenv (launcher, "OMP_NUM_THREADS", threads, TRUE);
  g_subprocess_launcher_setenv (launcher, "INK_SWEEP_EXECUTOR", "local", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (proc == NULL)
    return FALSE;
  g_hash_table_insert (l->running, GUINT_TO_POINTER (c->index), proc);
  w = g_new0 (Waiting, 1);
  w->l = l;
  w->index = c->index;
  w->pid = atoi (g_subprocess_get_identifier (proc));
  g_subprocess_wait_async (proc, NULL, on_child_exit, w);
  /* its status.json says so once it has loaded its data */
  c->info.state = INK_SWEEP_RUNNING;
  emit (l, INK_SWEEP_EVENT_STARTED, c, c->info.rung, epochs);
  return TRUE;
}

/* Starts what the plan says, up to `parallel` at a time.  FALSE: an error
 * (l->error). */
static gboolean
fill (Local *l)
{
  InkSweep *sweep = l->sweep;
  g_autofree guint *targets = NULL;
  guint rung = 0;

  ink_sweep_refresh (sweep);
  targets = ink_sweep_plan (sweep, &rung, &l->error);
  if (targets == NULL)
    return FALSE;
  for (guint i = 0; i < sweep->children->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sweep->children, i);
      if (c->info.state == INK_SWEEP_HALTED && !l->halted_told[i])
        {
          l->halted_told[i] = TRUE;
          emit (l, INK_SWEEP_EVENT_HALTED, c, c->info.rung, c->info.epochs_done);
        }
    }
  if (sweep->halving.enabled && (!l->rung_told || rung != l->rung))
    {
      guint e = 0;
      for (guint i = 0; i < sweep->children->len; i++)
        e = MAX (e, targets[i]);
      if (e > 0)
        {
          l->rung = rung;
          l->rung_told = TRUE;
          emit (l, INK_SWEEP_EVENT_RUNG, NULL, rung, e);
        }
    }
  for (guint i = 0; i < sweep->children->len && g_hash_table_size (l->running) < l->parallel; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sweep->children, i);

      if (targets[i] == 0 || g_hash_table_contains (l->running, GUINT_TO_POINTER (i)) ||
          g_hash_table_contains (l->given_up, GUINT_TO_POINTER (i)))
        continue;
      if (!spawn (l, c, targets[i], &l->error))
        return FALSE;
    }
  return TRUE;
}

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  Local *l = data;

  l->stopping = TRUE;
  g_main_context_wakeup (l->ctx);
}

static void
stop_all (Local *l)
{
  GHashTableIter it;
  gpointer proc;

  g_hash_table_iter_init (&it, l->running);
  while (g_hash_table_iter_next (&it, NULL, &proc))
    g_subprocess_send_signal (proc, SIGTERM);
  l->signalled = TRUE;
}

gboolean
ink_sweep_run_local (InkSweep                   *sweep,
                     const InkSweepLocalOptions *options,
                     GCancellable               *cancellable,
                     InkSweepEventFunc           func,
                     gpointer                    user_data,
                     GError                    **error)
{
  Local l = { 0 };
  g_autofree guint *first = NULL;
  guint rung, n_first = 0;
  gulong handler = 0;

  g_return_val_if_fail (sweep->dir != NULL, FALSE);
  ink_sweep_refresh (sweep);
  if (!(first = ink_sweep_plan (sweep, &rung, error)))
    return FALSE;
  for (guint i = 0; i < sweep->children->len; i++)
    n_first += first[i] != 0;
  l.sweep = sweep;
  l.opt = options;
  l.parallel = options->parallel ? options->parallel
                                 : ink_sweep_default_parallel (n_first, 0, NULL);
  l.threads = options->blas_threads ? options->blas_threads
                                    : MAX (1, (guint) g_get_num_processors () / l.parallel);
  l.running = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  l.given_up = g_hash_table_new (NULL, NULL);
  l.halted_told = g_new0 (gboolean, sweep->children->len);
  l.ctx = g_main_context_ref_thread_default ();
  l.func = func;
  l.data = user_data;
  for (guint i = 0; i < sweep->children->len; i++)
    l.halted_told[i] = ((InkSweepChild *) g_ptr_array_index (sweep->children, i))->info.state == INK_SWEEP_HALTED;
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), &l, NULL);

  for (;;)
    {
      if (l.stopping && !l.signalled)
        stop_all (&l);
      if (!l.stopping && l.error == NULL && !fill (&l))
        {
          /* an error starting a run: stop the others, keep their work */
          l.stopping = TRUE;
          stop_all (&l);
        }
      if (g_hash_table_size (l.running) == 0)
        break;
      g_main_context_iteration (l.ctx, TRUE);
    }
  if (cancellable)
    g_cancellable_disconnect (cancellable, handler);
  ink_sweep_refresh (sweep);
  g_hash_table_unref (l.running);
  g_hash_table_unref (l.given_up);
  g_free (l.halted_told);
  g_main_context_unref (l.ctx);
  if (l.error)
    {
      g_propagate_error (error, l.error);
      return FALSE;
    }
  if (l.stopping)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   "the sweep was stopped; its runs kept their checkpoints (“inkling-cli sweep resume %s” goes on)",
                   sweep->dir);
      return FALSE;
    }
  return TRUE;
}
