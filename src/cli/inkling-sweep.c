/* inkling-sweep.c
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

/* `inkling-cli sweep`: expands a sweep spec into its folder and runs it
 * with the local or the Slurm executor; `sweep status`, `sweep resume`
 * and `sweep report` read a sweep folder back (docs/SWEEP.md). */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ink-json.h"
#include "ink-ledger.h"
#include "ink-sweep.h"

#include "inkling-cli.h"

#define EXIT_USAGE 2
#define fail ink_cli_fail

/* the flags `sweep` and `sweep resume` share */
typedef struct
{
  char     *executor, *dir, *partition, *time;
  int       parallel, cpus;
  gboolean  dry_run, wait, json;
} RunFlags;

static void
run_flags_clear (RunFlags *f)
{
  g_free (f->executor);
  g_free (f->dir);
  g_free (f->partition);
  g_free (f->time);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunFlags, run_flags_clear)

static int
usage (GOptionContext *ctx, const char *msg)
{
  fail ("%s (see “inkling-cli %s --help”)", msg, g_get_prgname ());
  return EXIT_USAGE;
}

/* the inkling-cli the children run: this one */
static char *
self_path (void)
{
  char *p = g_file_read_link ("/proc/self/exe", NULL);

  return p ? p : g_find_program_in_path ("inkling-cli");
}

static char *
values_text (const InkSweep *sweep, const InkSweepChild *c)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < sweep->params->len; k++)
    {
      g_autofree char *t = ink_sweep_child_value_text (c, k);
      g_string_append_printf (s, "%s%s=%s", k ? " " : "",
                              ((InkSweepParam *) g_ptr_array_index (sweep->params, k))->path, t);
    }
  return g_string_free (s, FALSE);
}

static char *
percent (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.2f%%", 100 * v) : g_strdup ("—");
}

static char *
number (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.4f", v) : g_strdup ("—");
}

/* ------------------------------------------------------------------------ */
/* a plain-text table                                                        */

typedef struct
{
  GPtrArray *rows;   /* GStrv */
  guint      cols;
} Table;

static void
table_add (Table *t, char **row)
{
  g_ptr_array_add (t->rows, row);
}

static void
table_print (Table *t)
{
  g_autofree guint *w = g_new0 (guint, t->cols);

  for (guint r = 0; r < t->rows->len; r++)
    {
      char **row = g_ptr_array_index (t->rows, r);
      for (guint c = 0; c < t->cols && row[c]; c++)
        w[c] = MAX (w[c], (guint) g_utf8_strlen (row[c], -1));
    }
  for (guint r = 0; r < t->rows->len; r++)
    {
      char **row = g_ptr_array_index (t->rows, r);
      GString *line = g_string_new (NULL);

      for (guint c = 0; c < t->cols && row[c]; c++)
        {
          guint len = (guint) g_utf8_strlen (row[c], -1);
          g_string_append (line, row[c]);
          if (c + 1 < t->cols)
            for (guint k = len; k < w[c] + 2; k++)
              g_string_append_c (line, ' ');
        }
      printf ("%s\n", g_strchomp (line->str));
      g_string_free (line, TRUE);
      if (r == 0)
        {
          guint total = 0;
          for (guint c = 0; c < t->cols; c++)
            total += w[c] + (c + 1 < t->cols ? 2 : 0);
          for (guint k = 0; k < total; k++)
            fputs ("-", stdout);
          printf ("\n");
        }
    }
}

static Table
table_new (guint cols)
{
  Table t = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev), cols };
  return t;
}

/* ------------------------------------------------------------------------ */
/* running                                                                   */

typedef struct
{
  const InkSweep *sweep;
  gboolean        json;
  guint           started, finished;
} View;

static void
on_event (const InkSweepEvent *ev, gpointer data)
{
  View *v = data;
  const InkSweepChild *c = ev->child;

  if (v->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *text = NULL;
      static const char * const kinds[] = { "started", "finished", "halted", "rung" };

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, kinds[ev->kind]);
      if (c)
        {
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, c->id);
          json_builder_set_member_name (b, "index");
          json_builder_add_int_value (b, c->index);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, ink_sweep_state_to_string (c->info.state));
          json_builder_set_member_name (b, "dir");
          json_builder_add_string_value (b, c->dir);
          json_builder_set_member_name (b, "test_accuracy");
          if (isfinite (c->info.test_accuracy))
            json_builder_add_double_value (b, c->info.test_accuracy);
          else
            json_builder_add_null_value (b);
        }
      json_builder_set_member_name (b, "rung");
      json_builder_add_int_value (b, ev->rung);
      json_builder_set_member_name (b, "epochs");
      json_builder_add_int_value (b, ev->epochs);
      json_builder_end_object (b);
      text = ink_json_builder_to_text (b, FALSE);
      printf ("%s\n", text);
      fflush (stdout);
      return;
    }
  switch (ev->kind)
    {
    case INK_SWEEP_EVENT_STARTED:
      {
        g_autofree char *vals = values_text (v->sweep, c);
        v->started++;
        printf ("start   %s  %s  (%u epoch%s)\n", c->id, vals, ev->epochs, ev->epochs == 1 ? "" : "s");
      }
      break;
    case INK_SWEEP_EVENT_FINISHED:
      {
        g_autofree char *acc = percent (c->info.test_accuracy);
        v->finished++;
        printf ("%-7s %s  test accuracy %s, %u epoch%s%s%s\n", ink_sweep_state_to_string (c->info.state), c->id, acc,
                c->info.epochs_done, c->info.epochs_done == 1 ? "" : "s", c->info.message && *c->info.message ? " — " : "",
                c->info.message ? c->info.message : "");
      }
      break;
    case INK_SWEEP_EVENT_HALTED:
      printf ("halted  %s  %s\n", c->id, c->info.message);
      break;
    case INK_SWEEP_EVENT_RUNG:
      printf ("rung %u: training to %u epoch%s\n", ev->rung, ev->epochs, ev->epochs == 1 ? "" : "s");
      break;
    default:
      break;
    }
  fflush (stdout);
}

static int stop_signal;

static gboolean
on_int (gpointer data)
{
  if (stop_signal == 0)
    stop_signal = SIGINT;
  g_cancellable_cancel (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_term (gpointer data)
{
  if (stop_signal == 0)
    stop_signal = SIGTERM;
  g_cancellable_cancel (data);
  return G_SOURCE_CONTINUE;
}

/* the counts and the best child; the exit status: 0 when every child is
 * finished, 1 otherwise */
static int
print_outcome (InkSweep *sweep, gboolean json)
{
  guint counts[INK_SWEEP_HALTED + 1];
  g_autoptr(GPtrArray) sorted = NULL;
  guint finished;

  ink_sweep_refresh (sweep);
  ink_sweep_count_states (sweep, counts);
  finished = counts[INK_SWEEP_COMPLETED] + counts[INK_SWEEP_DIVERGED] + counts[INK_SWEEP_HALTED];
  if (!json)
    {
      GString *line = g_string_new (NULL);

      for (guint s = 0; s <= INK_SWEEP_HALTED; s++)
        if (counts[s])
          g_string_append_printf (line, "%s%u %s", line->len ? ", " : "", counts[s], ink_sweep_state_to_string (s));
      printf ("\nsweep %s: %s (%s)\n", sweep->name, line->str, sweep->dir);
      g_string_free (line, TRUE);
      sorted = ink_sweep_sorted (sweep, "test_accuracy");
      if (sorted->len && isfinite (((InkSweepChild *) g_ptr_array_index (sorted, 0))->info.test_accuracy))
        {
          InkSweepChild *best = g_ptr_array_index (sorted, 0);
          g_autofree char *vals = values_text (sweep, best);
          g_autofree char *acc = percent (best->info.test_accuracy);
          printf ("best: %s  %s  test accuracy %s\n", best->id, vals, acc);
        }
      if (finished < sweep->children->len)
        printf ("not finished: %u; “inkling-cli sweep resume %s” runs them (finished ones are never run again)\n",
                sweep->children->len - finished, sweep->dir);
    }
  return finished == sweep->children->len ? 0 : 1;
}

static int
run_local (InkSweep *sweep, RunFlags *f)
{
  g_autofree char *cli = self_path ();
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  InkSweepLocalOptions opt = { cli, (guint) MAX (f->parallel, 0), 0 };
  View v = { sweep, f->json, 0, 0 };
  guint sig_int, sig_term, threads = 0, k;
  gboolean ok;
  int status;

  if (opt.parallel == 0)
    opt.parallel = sweep->parallel;
  k = opt.parallel ? opt.parallel : ink_sweep_default_parallel (sweep->children->len, 0, &threads);
  threads = MAX (1, (guint) g_get_num_processors () / k);
  if (!f->json)
    printf ("local: %u at a time on %u cores, %u BLAS thread%s each\n", k, g_get_num_processors (), threads,
            threads == 1 ? "" : "s");
  fflush (stdout);
  opt.parallel = k;
  opt.blas_threads = threads;
  stop_signal = 0;
  sig_int = g_unix_signal_add (SIGINT, on_int, cancel);
  sig_term = g_unix_signal_add (SIGTERM, on_term, cancel);
  ok = ink_sweep_run_local (sweep, &opt, cancel, on_event, &v, &error);
  g_source_remove (sig_int);
  g_source_remove (sig_term);
  status = print_outcome (sweep, f->json);
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!f->json)
        printf ("%s\n", error->message);
      return 128 + (stop_signal ? stop_signal : SIGINT);
    }
  if (!ok)
    {
      fail ("%s", error->message);
      return 1;
    }
  return status;
}

static void
merge_slurm (InkSweepSlurmSpec *spec, const InkSweep *sweep, RunFlags *f)
{
  *spec = sweep->slurm;
  if (f->partition)
    spec->partition = f->partition;
  if (f->time)
    spec->time = f->time;
  if (f->cpus > 0)
    spec->cpus_per_task = (guint) f->cpus;
}

static guint
busy_count (InkSweep *sweep)
{
  guint counts[INK_SWEEP_HALTED + 1];

  ink_sweep_refresh (sweep);
  ink_sweep_count_states (sweep, counts);
  return counts[INK_SWEEP_QUEUED] + counts[INK_SWEEP_RUNNING];
}

static int
run_slurm (InkSweep *sweep, RunFlags *f)
{
  g_autofree char *cli = self_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *job = NULL;
  InkSweepSlurmSpec spec;
  guint parallel = (guint) MAX (f->parallel, 0);

  if (parallel == 0)
    parallel = sweep->parallel;
  merge_slurm (&spec, sweep, f);
  if (!ink_sweep_slurm_submit (sweep, &spec, parallel, cli, &job, &error))
    {
      fail ("%s", error->message);
      return 1;
    }
  if (!f->json)
    printf ("slurm: submitted job array %s (%s/slurm/); “inkling-cli sweep status %s” follows it\n", job,
            sweep->dir, sweep->dir);
  fflush (stdout);
  if (!f->wait)
    return 0;
  for (;;)
    {
      g_usleep (2 * G_USEC_PER_SEC);
      if (busy_count (sweep) > 0)
        continue;
      /* successive halving: the next rung, once the last one is done */
      if (sweep->halving.enabled)
        {
          g_autofree char *next = NULL;
          g_autoptr(GError) e2 = NULL;

          if (ink_sweep_slurm_submit (sweep, &spec, parallel, cli, &next, &e2))
            {
              if (!f->json)
                printf ("slurm: next rung, job array %s\n", next);
              fflush (stdout);
              continue;
            }
        }
      break;
    }
  return print_outcome (sweep, f->json);
}

static int
print_dry_run (InkSweep *sweep, const char *executor, RunFlags *f)
{
  if (g_str_equal (executor, "slurm"))
    {
      g_autofree char *cli = self_path ();
      g_autoptr(GError) error = NULL;
      g_autofree char *script = NULL;
      InkSweepSlurmSpec spec;
      guint parallel = (guint) MAX (f->parallel, 0);

      merge_slurm (&spec, sweep, f);
      script = ink_sweep_slurm_script (sweep, &spec, parallel ? parallel : sweep->parallel, cli, NULL, &error);
      if (script == NULL)
        {
          fail ("%s", error->message);
          return 1;
        }
      fputs (script, stdout);
      return 0;
    }
  {
    Table t = table_new (3 + sweep->params->len);
    g_autofree char *cli = self_path ();
    guint threads = 0;
    guint k = f->parallel > 0 ? (guint) f->parallel : sweep->parallel;

    if (k == 0)
      k = ink_sweep_default_parallel (sweep->children->len, 0, &threads);
    threads = MAX (1, (guint) g_get_num_processors () / k);
    {
      GPtrArray *h = g_ptr_array_new ();
      g_ptr_array_add (h, g_strdup ("#"));
      g_ptr_array_add (h, g_strdup ("id"));
      g_ptr_array_add (h, g_strdup ("state"));
      for (guint p = 0; p < sweep->params->len; p++)
        g_ptr_array_add (h, g_strdup (((InkSweepParam *) g_ptr_array_index (sweep->params, p))->path));
      g_ptr_array_add (h, NULL);
      table_add (&t, (char **) g_ptr_array_free (h, FALSE));
    }
    for (guint i = 0; i < sweep->children->len; i++)
      {
        InkSweepChild *c = g_ptr_array_index (sweep->children, i);
        GPtrArray *r = g_ptr_array_new ();

        g_ptr_array_add (r, g_strdup_printf ("%u", c->index));
        g_ptr_array_add (r, g_strdup (c->id));
        g_ptr_array_add (r, g_strdup (ink_sweep_state_to_string (c->info.state)));
        for (guint p = 0; p < sweep->params->len; p++)
          g_ptr_array_add (r, ink_sweep_child_value_text (c, p));
        g_ptr_array_add (r, NULL);
        table_add (&t, (char **) g_ptr_array_free (r, FALSE));
      }
    printf ("sweep %s: %u %s", sweep->name, sweep->children->len, sweep->children->len == 1 ? "child" : "children");
    if (sweep->duplicates)
      printf (" (%u repeated draw%s dropped)", sweep->duplicates, sweep->duplicates == 1 ? "" : "s");
    printf (" in %s\n\n", sweep->dir);
    table_print (&t);
    g_ptr_array_unref (t.rows);
    printf ("\nlocal: %u at a time, OPENBLAS_NUM_THREADS=%u, each child:\n"
            "  %s train --config %s/runs/ID/experiment.json --run-dir %s/runs/ID --epochs E --no-progress\n",
            k, threads, cli, sweep->dir, sweep->dir);
  }
  return 0;
}

static gboolean
check_run_flags (GOptionContext *ctx, RunFlags *f, int *status)
{
  if (f->executor && !g_str_equal (f->executor, "local") && !g_str_equal (f->executor, "slurm"))
    {
      *status = usage (ctx, "--executor must be local or slurm");
      return FALSE;
    }
  if (f->parallel != 0 && (f->parallel < 1 || f->parallel > 4096))
    {
      *status = usage (ctx, "--parallel must be between 1 and 4096");
      return FALSE;
    }
  if (f->cpus != 0 && (f->cpus < 1 || f->cpus > 4096))
    {
      *status = usage (ctx, "--cpus-per-task must be between 1 and 4096");
      return FALSE;
    }
  if (f->time && (*f->time == '\0' || strspn (f->time, "0123456789:-") != strlen (f->time)))
    {
      *status = usage (ctx, "--time takes Slurm's format: minutes, HH:MM:SS or D-HH:MM:SS");
      return FALSE;
    }
  if (f->partition && (*f->partition == '\0' ||
                       strspn (f->partition, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,")
                         != strlen (f->partition)))
    {
      *status = usage (ctx, "--partition takes a partition's name (letters, digits, - _ . ,)");
      return FALSE;
    }
  if (f->wait && f->dry_run)
    {
      *status = usage (ctx, "give only one of --wait and --dry-run");
      return FALSE;
    }
  return TRUE;
}

static void
add_run_entries (GOptionContext *ctx, RunFlags *f, gboolean with_dir)
{
  GOptionEntry entries[] = {
    { "executor", 'x', 0, G_OPTION_ARG_STRING, &f->executor, N_("local (child processes here) or slurm (a job array)"), N_("KIND") },
    { "parallel", 'k', 0, G_OPTION_ARG_INT, &f->parallel, N_("Runs at a time (local; default: as many as the cores take) or the array's %k limit (slurm)"), N_("K") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &f->dry_run, N_("Write nothing: print the children (local) or the job script (slurm)"), NULL },
    { "partition", 0, 0, G_OPTION_ARG_STRING, &f->partition, N_("Slurm partition"), N_("P") },
    { "time", 0, 0, G_OPTION_ARG_STRING, &f->time, N_("Slurm time limit per task (minutes, HH:MM:SS, D-HH:MM:SS)"), N_("T") },
    { "cpus-per-task", 0, 0, G_OPTION_ARG_INT, &f->cpus, N_("Slurm CPUs per task (each run's BLAS threads)"), N_("N") },
    { "wait", 0, 0, G_OPTION_ARG_NONE, &f->wait, N_("slurm: wait until the array is done, then print the outcome"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &f->json, N_("Print events as JSON lines (local)"), NULL },
    { NULL }
  };
  GOptionEntry dir_entry[] = {
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &f->dir, N_("The sweep folder (default ~/.local/share/inkling/sweeps/DATE-NAME); the same folder and spec again resumes it"), N_("DIR") },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (with_dir)
    g_option_context_add_main_entries (ctx, dir_entry, GETTEXT_PACKAGE);
}

static int
execute (InkSweep *sweep, const char *executor, RunFlags *f)
{
  if (f->dry_run)
    return print_dry_run (sweep, executor, f);
  if (g_str_equal (executor, "slurm"))
    return run_slurm (sweep, f);
  return run_local (sweep, f);
}

#define RUN_HELP \
  N_("A sweep is an experiment JSON with a “sweep” section: grid values and random\n" \
     "draws over any of its fields (docs/SWEEP.md).  Each child is a run in the\n" \
     "ledger's format under DIR/runs/<id>/.  Other commands:\n" \
     "  inkling-cli sweep status DIR     the state of every child\n" \
     "  inkling-cli sweep resume DIR     runs what is not finished\n" \
     "  inkling-cli sweep report DIR     a table best first (--metric, --json, --csv)\n\n" \
     "Exit status: 0 every child finished (or, slurm without --wait, submitted);\n" \
     "1 a child not finished, or input that cannot be used; 2 a bad flag;\n" \
     "130/143 after Ctrl+C/SIGTERM (the runs stopped and kept their checkpoints).")

/* A dataset folder given by a relative path is made absolute (as train
 * records it), so that the children find it from wherever they run: a
 * Slurm node, a resume from another folder. */
static void
make_absolute (char **dataset)
{
  if (*dataset && !g_path_is_absolute (*dataset) && g_file_test (*dataset, G_FILE_TEST_IS_DIR))
    {
      char *abs = g_canonicalize_filename (*dataset, NULL);
      g_free (*dataset);
      *dataset = abs;
    }
}

static void
absolute_data (InkSweep *sweep)
{
  make_absolute (&sweep->base->dataset);
  for (guint i = 0; i < sweep->children->len; i++)
    make_absolute (&((InkSweepChild *) g_ptr_array_index (sweep->children, i))->experiment->dataset);
}

static int
cmd_run (int argc, char **argv)
{
  g_auto(RunFlags) f = { 0 };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("SPEC — run many experiments from one"));
  g_autoptr(InkSweep) sweep = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *json_path = NULL;
  const char *executor;
  int status = 0;

  g_set_prgname ("sweep");
  add_run_entries (ctx, &f, TRUE);
  g_option_context_set_description (ctx, _(RUN_HELP));
  if (!ink_cli_parse_options (ctx, &argc, &argv, &status))
    return status;
  if (argc < 2)
    return usage (ctx, "give the sweep spec (an experiment JSON with a “sweep” section)");
  if (argc > 2)
    return usage (ctx, "give one sweep spec");
  if (!check_run_flags (ctx, &f, &status))
    return status;
  if (!(sweep = ink_sweep_load (argv[1], &error)))
    {
      fail ("%s", error->message);
      return 1;
    }
  executor = f.executor ? f.executor : sweep->executor ? sweep->executor : "local";
  absolute_data (sweep);
  if (f.dir)
    dir = g_strdup (f.dir);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      g_autofree char *root = ink_sweep_default_root ();
      g_autofree char *safe = g_strdup (sweep->name);

      g_strcanon (safe, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", '_');
      dir = g_strdup_printf ("%s/%s-%.40s", root, stamp, safe);
    }
  json_path = g_build_filename (dir, "sweep.json", NULL);
  if (f.dry_run)
    {
      /* an existing folder with this sweep: its children's state */
      if (g_file_test (json_path, G_FILE_TEST_EXISTS))
        {
          g_autoptr(InkSweep) there = ink_sweep_open (dir, &error);
          g_autofree char *a = NULL;
          g_autofree char *b = NULL;

          if (there == NULL)
            {
              fail ("%s", error->message);
              return 1;
            }
          a = ink_sweep_to_json (there);
          b = ink_sweep_to_json (sweep);
          if (!g_str_equal (a, b))
            {
              fail ("%s holds a different sweep (%s); give another --dir", there->dir, there->name);
              return 1;
            }
        }
      ink_sweep_set_dir (sweep, dir);
      return execute (sweep, executor, &f);
    }
  if (!ink_sweep_write (sweep, dir, &error))
    {
      fail ("%s", error->message);
      return 1;
    }
  if (!f.json)
    {
      printf ("sweep %s: %u %s", sweep->name, sweep->children->len, sweep->children->len == 1 ? "child" : "children");
      if (sweep->duplicates)
        printf (" (%u repeated draw%s dropped)", sweep->duplicates, sweep->duplicates == 1 ? "" : "s");
      printf (" in %s\n", sweep->dir);
      fflush (stdout);
    }
  return execute (sweep, executor, &f);
}

static InkSweep *
open_or_fail (const char *dir)
{
  g_autoptr(GError) error = NULL;
  InkSweep *sweep = ink_sweep_open (dir, &error);

  if (sweep == NULL)
    fail ("%s", error->message);
  return sweep;
}

static int
cmd_resume (int argc, char **argv)
{
  g_auto(RunFlags) f = { 0 };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("DIR — run what a sweep has not finished"));
  g_autoptr(InkSweep) sweep = NULL;
  g_autofree char *slurm_json = NULL;
  const char *executor;
  int status = 0;

  g_set_prgname ("sweep resume");
  add_run_entries (ctx, &f, FALSE);
  g_option_context_set_summary (ctx, _("Runs the children of the sweep in DIR that are not finished (stopped,\n"
                                       "interrupted, failed or never started), each from its checkpoint when it\n"
                                       "has one; finished children are never run again.  The executor: --executor,\n"
                                       "else slurm when the sweep was submitted to Slurm, else the spec's."));
  if (!ink_cli_parse_options (ctx, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage (ctx, "give the sweep folder");
  if (!check_run_flags (ctx, &f, &status))
    return status;
  if (!(sweep = open_or_fail (argv[1])))
    return 1;
  slurm_json = g_build_filename (sweep->dir, "slurm.json", NULL);
  executor = f.executor ? f.executor
           : g_file_test (slurm_json, G_FILE_TEST_EXISTS) ? "slurm"
           : sweep->executor ? sweep->executor : "local";
  return execute (sweep, executor, &f);
}

static int
cmd_status (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the report's JSON (docs/SWEEP.md)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("DIR — the state of a sweep's children"));
  g_autoptr(InkSweep) sweep = NULL;
  Table t = table_new (8);
  int status = 0;

  g_set_prgname ("sweep status");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!ink_cli_parse_options (ctx, &argc, &argv, &status))
    {
      g_ptr_array_unref (t.rows);
      return status;
    }
  if (argc != 2)
    {
      g_ptr_array_unref (t.rows);
      return usage (ctx, "give the sweep folder");
    }
  if (!(sweep = open_or_fail (argv[1])))
    {
      g_ptr_array_unref (t.rows);
      return 1;
    }
  if (json)
    {
      g_autofree char *text = ink_sweep_report_json (sweep, "test_accuracy");
      fputs (text, stdout);
      g_ptr_array_unref (t.rows);
      return 0;
    }
  {
    const char *head[] = { "#", "id", "state", "epochs", "test acc", "valid loss", "attempts", "slurm / message", NULL };
    table_add (&t, g_strdupv ((char **) head));
  }
  for (guint i = 0; i < sweep->children->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sweep->children, i);
      GPtrArray *r = g_ptr_array_new ();
      g_autofree char *where = NULL;

      g_ptr_array_add (r, g_strdup_printf ("%u", c->index));
      g_ptr_array_add (r, g_strdup (c->id));
      g_ptr_array_add (r, g_strdup (ink_sweep_state_to_string (c->info.state)));
      g_ptr_array_add (r, c->info.epochs_target ? g_strdup_printf ("%u/%u", c->info.epochs_done, c->info.epochs_target)
                                                : g_strdup_printf ("%u/%u", c->info.epochs_done, c->experiment->epochs));
      g_ptr_array_add (r, percent (c->info.test_accuracy));
      g_ptr_array_add (r, number (c->info.best_valid_loss));
      g_ptr_array_add (r, g_strdup_printf ("%u", c->info.attempts));
      {
        const char *parts[] = { c->info.slurm_job, c->info.sched_state, c->info.message };
        GString *w = g_string_new (NULL);

        for (guint k = 0; k < G_N_ELEMENTS (parts); k++)
          if (parts[k] && *parts[k])
            g_string_append_printf (w, "%s%s", w->len ? (k == 2 ? "; " : " ") : "", parts[k]);
        where = g_string_free (w, FALSE);
      }
      if (g_utf8_strlen (where, -1) > 70)
        {
          /* one line of the table: the message cut, the rest is in status.json */
          *g_utf8_offset_to_pointer (where, 69) = '\0';
          g_ptr_array_add (r, g_strconcat (where, "…", NULL));
        }
      else
        g_ptr_array_add (r, g_strdup (where));
      g_ptr_array_add (r, NULL);
      table_add (&t, (char **) g_ptr_array_free (r, FALSE));
    }
  {
    guint counts[INK_SWEEP_HALTED + 1];
    GString *line = g_string_new (NULL);

    ink_sweep_count_states (sweep, counts);
    for (guint s = 0; s <= INK_SWEEP_HALTED; s++)
      if (counts[s])
        g_string_append_printf (line, "%s%u %s", line->len ? ", " : "", counts[s], ink_sweep_state_to_string (s));
    printf ("sweep %s: %u %s in %s\n%s\n\n", sweep->name, sweep->children->len,
            sweep->children->len == 1 ? "child" : "children", sweep->dir, line->str);
    g_string_free (line, TRUE);
  }
  table_print (&t);
  g_ptr_array_unref (t.rows);
  return 0;
}

static int
cmd_report (int argc, char **argv)
{
  g_autofree char *metric = NULL;
  gboolean json = FALSE, csv = FALSE;
  GOptionEntry entries[] = {
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &metric, N_("Sort by test_accuracy (default), valid_accuracy, valid_loss or train_loss"), N_("M") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (docs/SWEEP.md)"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("DIR — a sweep's runs, best first"));
  g_autoptr(InkSweep) sweep = NULL;
  g_autoptr(GPtrArray) sorted = NULL;
  Table t;
  int status = 0;

  g_set_prgname ("sweep report");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!ink_cli_parse_options (ctx, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage (ctx, "give the sweep folder");
  if (metric == NULL)
    metric = g_strdup ("test_accuracy");
  if (!ink_sweep_metric_is_valid (metric))
    return usage (ctx, "--metric must be test_accuracy, valid_accuracy, valid_loss or train_loss");
  if (json && csv)
    return usage (ctx, "give only one of --json and --csv");
  if (!(sweep = open_or_fail (argv[1])))
    return 1;
  if (json || csv)
    {
      g_autofree char *text = json ? ink_sweep_report_json (sweep, metric) : ink_sweep_report_csv (sweep, metric);
      fputs (text, stdout);
      return 0;
    }
  t = table_new (3 + sweep->params->len + 5);
  {
    GPtrArray *h = g_ptr_array_new ();
    const char *tail[] = { "epochs", "test acc", "valid acc", "valid loss", "train loss" };

    g_ptr_array_add (h, g_strdup ("rank"));
    g_ptr_array_add (h, g_strdup ("id"));
    g_ptr_array_add (h, g_strdup ("state"));
    for (guint p = 0; p < sweep->params->len; p++)
      g_ptr_array_add (h, g_strdup (((InkSweepParam *) g_ptr_array_index (sweep->params, p))->path));
    for (guint k = 0; k < G_N_ELEMENTS (tail); k++)
      g_ptr_array_add (h, g_strdup (tail[k]));
    g_ptr_array_add (h, NULL);
    table_add (&t, (char **) g_ptr_array_free (h, FALSE));
  }
  sorted = ink_sweep_sorted (sweep, metric);
  for (guint i = 0; i < sorted->len; i++)
    {
      InkSweepChild *c = g_ptr_array_index (sorted, i);
      GPtrArray *r = g_ptr_array_new ();

      g_ptr_array_add (r, isfinite (ink_sweep_child_metric (c, metric)) ? g_strdup_printf ("%u", i + 1) : g_strdup ("—"));
      g_ptr_array_add (r, g_strdup (c->id));
      g_ptr_array_add (r, g_strdup (ink_sweep_state_to_string (c->info.state)));
      for (guint p = 0; p < sweep->params->len; p++)
        g_ptr_array_add (r, ink_sweep_child_value_text (c, p));
      g_ptr_array_add (r, g_strdup_printf ("%u", c->info.epochs_done));
      g_ptr_array_add (r, percent (c->info.test_accuracy));
      g_ptr_array_add (r, percent (c->info.best_valid_acc));
      g_ptr_array_add (r, number (c->info.best_valid_loss));
      g_ptr_array_add (r, number (c->info.last_train_loss));
      g_ptr_array_add (r, NULL);
      table_add (&t, (char **) g_ptr_array_free (r, FALSE));
    }
  printf ("sweep %s (%s): %u runs by %s, %s first\n\n", sweep->name, sweep->dir, sweep->children->len, metric,
          ink_sweep_metric_higher_better (metric) ? "highest" : "lowest");
  table_print (&t);
  g_ptr_array_unref (t.rows);
  return 0;
}

int
ink_cli_sweep (int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "status"))
    return cmd_status (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "resume"))
    return cmd_resume (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "report"))
    return cmd_report (argc - 1, argv + 1);
  return cmd_run (argc, argv);
}
