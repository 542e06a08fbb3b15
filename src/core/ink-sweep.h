/* ink-sweep.h
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

/* Sweeps: an experiment plus a "sweep" section that expands to many child
 * experiments, the sweep folder they live in, their state, the report
 * sorted by a metric, and the two executors (local child processes, a
 * Slurm job array).  docs/SWEEP.md describes the JSON and the files. */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "ink-experiment.h"
#include "ink-ledger.h"

G_BEGIN_DECLS

#define INK_SWEEP_ERROR (ink_sweep_error_quark ())
GQuark ink_sweep_error_quark (void);

typedef enum
{
  INK_SWEEP_ERROR_PARSE,      /* not JSON, wrong type, unknown key (names the field) */
  INK_SWEEP_ERROR_INVALID,    /* a bad path, range or value (names the field) */
  INK_SWEEP_ERROR_MISMATCH,   /* the folder holds a different sweep */
  INK_SWEEP_ERROR_DAMAGED,    /* a sweep folder's file cannot be read (names it) */
  INK_SWEEP_ERROR_SLURM,      /* sbatch/squeue/sacct missing or refusing */
} InkSweepError;

/* How one parameter takes its values. */
typedef enum
{
  INK_SWEEP_GRID,         /* "values": every one, crossed with the other grid parameters */
  INK_SWEEP_UNIFORM,      /* "uniform": [low, high] */
  INK_SWEEP_LOG_UNIFORM,  /* "log_uniform": [low, high], low > 0 */
  INK_SWEEP_CHOICE,       /* "choice": one of the list, each as likely */
} InkSweepParamKind;

typedef struct
{
  char              *path;      /* canonical: "optimizer.lr", "network.layers[1].units" */
  InkSweepParamKind  kind;
  GPtrArray         *values;    /* JsonNode*: GRID and CHOICE */
  double             low, high; /* UNIFORM and LOG_UNIFORM */
  gboolean           integer;   /* the field holds a whole number: draws are rounded */
} InkSweepParam;

/* What a child is, from its files (and the scheduler's view for Slurm). */
typedef enum
{
  INK_SWEEP_PENDING,      /* never started */
  INK_SWEEP_QUEUED,       /* submitted to Slurm, waiting for a node */
  INK_SWEEP_RUNNING,
  INK_SWEEP_STOPPED,      /* SIGTERM, Ctrl+C, scancel, time limit: checkpoint kept; resumable */
  INK_SWEEP_INTERRUPTED,  /* killed (SIGKILL, crash, lost node): resumable from its last checkpoint */
  INK_SWEEP_FAILED,       /* an error (the message says which); retried by resume */
  INK_SWEEP_COMPLETED,    /* all its epochs, or early stopping: finished, never re-run */
  INK_SWEEP_DIVERGED,     /* finished without a model (NaN loss): never re-run */
  INK_SWEEP_HALTED,       /* dropped by successive halving at a rung: never re-run */
} InkSweepState;

/* "pending", "queued", "running", … as in status.json */
const char *ink_sweep_state_to_string   (InkSweepState  state);
gboolean    ink_sweep_state_from_string (const char    *text,
                                         InkSweepState *state);
/* COMPLETED, DIVERGED, HALTED: the child is never run again */
gboolean    ink_sweep_state_is_final    (InkSweepState  state);

/* What the child's files say (ink_sweep_refresh fills it). */
typedef struct
{
  InkSweepState state;
  guint         attempts;        /* how many times it was started */
  guint         epochs_done;     /* history.csv's lines */
  guint         epochs_target;   /* what the current (or last) attempt trains to */
  guint         rung;            /* successive halving: the rung reached (0-based) */
  double        test_accuracy;   /* summary.json's (NAN: none) */
  double        best_valid_loss; /* over history.csv (NAN: no epoch) */
  double        best_valid_acc;
  double        last_train_loss;
  double        seconds;         /* the epochs' durations, summed */
  int           exit_status;     /* the last attempt's; -1 unknown or still running */
  gint64        started, finished;  /* unix seconds of the last attempt; 0 unknown */
  char         *host;            /* where the last attempt ran */
  int           pid;
  char         *slurm_job;       /* "1234_5" when Slurm ran it */
  char         *sched_state;     /* squeue/sacct's state ("PENDING", "CANCELLED", …) or NULL */
  char         *message;         /* why it failed / stopped; "" */
} InkSweepChildInfo;

typedef struct
{
  char              *id;          /* "t-" + 10 hex digits of the assignment's SHA-256 */
  guint              index;       /* its place in the expansion; the Slurm array index */
  JsonNode         **values;      /* one per sweep parameter, as the child's experiment.json holds it */
  InkExperiment     *experiment;
  char              *dir;         /* SWEEP/runs/<id>, once the sweep has a folder */
  InkSweepChildInfo  info;
} InkSweepChild;

/* Successive halving ("halving" in the sweep section): rungs at
 * min_epochs · eta^k epochs (the last one at the children's own epochs);
 * after every child alive has reached a rung, the best ceil(n / eta) by
 * `metric` (best value over the epochs so far) go on, the others are
 * HALTED. */
typedef struct
{
  gboolean enabled;
  guint    min_epochs;
  guint    eta;
  char    *metric;                /* "valid_loss" or "valid_accuracy" */
} InkSweepHalving;

/* Slurm resources: the sweep section's "slurm" object; the CLI's flags
 * override them.  NULL / 0: not given (Slurm's defaults). */
typedef struct
{
  char   *partition;
  char   *time;                   /* Slurm's time format: "30", "01:30:00", "1-00:00:00" */
  guint   cpus_per_task;          /* 0: 1 */
  char   *mem;                    /* "2G" */
  char   *account;
  char  **extra;                  /* more sbatch options, verbatim ("--qos=short") */
} InkSweepSlurmSpec;

typedef struct
{
  char              *name;        /* the sweep section's "name", else the experiment's */
  InkExperiment     *base;        /* the experiment, without the sweep section */
  GPtrArray         *params;      /* InkSweepParam*, in the file's order */
  guint              count;       /* random draws per grid point (0: no random parameters) */
  guint64            seed;        /* of the draws */
  InkSweepHalving    halving;
  char              *executor;    /* "local" (default) or "slurm" */
  guint              parallel;    /* 0: not given */
  InkSweepSlurmSpec  slurm;
  GPtrArray         *children;    /* InkSweepChild*, index order */
  guint              duplicates;  /* draws dropped for repeating an assignment */
  char              *dir;         /* the sweep folder (absolute) once written or opened */
} InkSweep;

/* --- the spec -------------------------------------------------------------- */

/* Parses an experiment JSON with a "sweep" section and expands it.  Errors
 * name the field ("sweep.parameters[1].uniform: low 0.5 is above high
 * 0.1"; "sweep.parameters[0].path: network.layers[7].units: the network
 * has 3 layers").  Every child experiment is validated. */
InkSweep   *ink_sweep_from_json       (const char  *json,
                                       gssize       length,
                                       GError     **error);
InkSweep   *ink_sweep_load            (const char  *path,
                                       GError     **error);
void        ink_sweep_free            (InkSweep    *sweep);
/* the spec (experiment + sweep section) in canonical form: what sweep.json
 * holds besides its "children" list */
char       *ink_sweep_to_json         (const InkSweep *sweep);

/* a value as text for a table ("0.001", "128", "relu") and as a number
 * (NAN for text) for plots */
char       *ink_sweep_child_value_text   (const InkSweepChild *child,
                                          guint                param);
double      ink_sweep_child_value_number (const InkSweepChild *child,
                                          guint                param);

/* --- the folder ------------------------------------------------------------ */

/* $XDG_DATA_HOME/inkling/sweeps: where sweeps go without --dir */
char       *ink_sweep_default_root    (void);
/* Writes the sweep into dir (created): sweep.json and runs/<id>/ per child
 * (experiment.json, summary.json "pending", status.json "pending").  A
 * folder already holding the same sweep is kept as it is (that is how a
 * sweep is resumed by running it again); one holding a different sweep is
 * refused (INK_SWEEP_ERROR_MISMATCH, naming the folder). */
gboolean    ink_sweep_write           (InkSweep    *sweep,
                                       const char  *dir,
                                       GError     **error);
/* The sweep's folder as dir (absolute) without writing anything: what
 * --dry-run shows.  Children's state is read from whatever is there. */
void        ink_sweep_set_dir         (InkSweep    *sweep,
                                       const char  *dir);
/* Reads dir/sweep.json, expands it again (checking the ids against its
 * "children") and refreshes the children's state. */
InkSweep   *ink_sweep_open            (const char  *dir,
                                       GError     **error);
/* Reads every child's status.json, summary.json and history.csv again,
 * and for a sweep submitted to Slurm asks squeue and sacct (quietly
 * skipped where they are not installed). */
void        ink_sweep_refresh         (InkSweep    *sweep);
/* how many children are in each state (counts[INK_SWEEP_HALTED + 1]) */
void        ink_sweep_count_states    (const InkSweep *sweep,
                                       guint          *counts);

/* --- one child's run (`inkling-cli train --run-dir`) ------------------------ */

/* The child folder's ledger run for an attempt: takes over dir (a sweep's
 * runs/<id>), writes its experiment.json and summary.json ("running"; the
 * first attempt's start kept) and status.json ("running", attempts + 1,
 * host, pid, the Slurm job from the environment, epochs_target).  Holds an
 * advisory lock on the folder until ink_sweep_child_end: a second
 * attempt at the same child is refused with G_IO_ERROR_BUSY. */
InkLedgerRun *ink_sweep_child_begin   (const char          *dir,
                                       const InkExperiment *exp,
                                       GError             **error);
/* Records how the attempt ended in status.json: state, exit status, message. */
gboolean    ink_sweep_child_end       (const char          *dir,
                                       InkSweepState        state,
                                       int                  exit_status,
                                       const char          *message,
                                       GError             **error);
/* dir's child is finished (COMPLETED / DIVERGED / HALTED with at least
 * `epochs` epochs when COMPLETED; 0: its experiment's): nothing to run */
gboolean    ink_sweep_child_is_done   (const char          *dir,
                                       guint                epochs);

/* --- results ------------------------------------------------------------- */

/* "test_accuracy" (default), "valid_accuracy", "valid_loss", "train_loss" */
gboolean    ink_sweep_metric_is_valid      (const char *metric);
gboolean    ink_sweep_metric_higher_better (const char *metric);
double      ink_sweep_child_metric         (const InkSweepChild *child,
                                            const char          *metric);
/* the children, best first by metric (those without a value last, by
 * index); the array does not own them */
GPtrArray  *ink_sweep_sorted          (const InkSweep *sweep,
                                       const char     *metric);
/* the report: JSON (docs/SWEEP.md) or CSV (one row per child, best first:
 * rank,id,state,<parameter paths…>,epochs,test_accuracy,valid_accuracy,valid_loss,train_loss,seconds) */
char       *ink_sweep_report_json     (const InkSweep *sweep,
                                       const char     *metric);
char       *ink_sweep_report_csv      (const InkSweep *sweep,
                                       const char     *metric);

/* --- what to run ---------------------------------------------------------- */

/* What to run now: per child (index order) the epochs to train it to, 0
 * for nothing now (finished, halted, or, with halving, waiting for the
 * others at its rung).  With halving, a rung every child alive has reached
 * is decided first: the children dropped are marked HALTED (status.json).
 * *rung: the rung being run.  NULL with an error when a status.json cannot
 * be written.  g_free. */
guint      *ink_sweep_plan            (InkSweep    *sweep,
                                       guint       *rung,
                                       GError     **error);

/* --- the local executor (ink-sweep-local.c) -------------------------------- */

/* k runs at a time on `cores` cores (0: this machine's) so that k × BLAS
 * threads ≤ cores: k = min(n_children, cores), threads = cores / k. */
guint       ink_sweep_default_parallel (guint  n_children,
                                        guint  cores,
                                        guint *blas_threads);

typedef enum
{
  INK_SWEEP_EVENT_STARTED,     /* child, epochs */
  INK_SWEEP_EVENT_FINISHED,    /* child (its info.state says how) */
  INK_SWEEP_EVENT_HALTED,      /* child dropped at rung */
  INK_SWEEP_EVENT_RUNG,        /* rung reached by every child alive; epochs */
} InkSweepEventKind;

typedef struct
{
  InkSweepEventKind    kind;
  const InkSweepChild *child;
  guint                rung;
  guint                epochs;
} InkSweepEvent;

typedef void (*InkSweepEventFunc) (const InkSweepEvent *event,
                                   gpointer             user_data);

typedef struct
{
  const char *cli;             /* the inkling-cli to run */
  guint       parallel;        /* 0: ink_sweep_default_parallel */
  guint       blas_threads;    /* 0: cores / parallel */
} InkSweepLocalOptions;

/* Runs what ink_sweep_plan says (rung after rung with halving) until
 * nothing is left to run, `parallel` at a time, each as `CLI train
 * --config runs/<id>/experiment.json --run-dir runs/<id> --epochs E`
 * (which resumes from the child's checkpoint when there is one), output
 * in runs/<id>/train.log, OPENBLAS_NUM_THREADS set.  A child that fails
 * is recorded and the others go on (it is not started again in the same
 * call: `sweep resume` retries it).  Cancelling sends SIGTERM to the running
 * children (they keep their checkpoints), waits for them and returns FALSE
 * with G_IO_ERROR_CANCELLED.  Iterates the calling thread's default main
 * context (g_main_context_ref_thread_default) until it is done: call it
 * from the thread that should wait (the CLI's main thread, or a worker
 * thread that pushed a context of its own); `func` is called there. */
gboolean    ink_sweep_run_local       (InkSweep                   *sweep,
                                       const InkSweepLocalOptions *options,
                                       GCancellable               *cancellable,
                                       InkSweepEventFunc           func,
                                       gpointer                    user_data,
                                       GError                    **error);

/* --- the Slurm executor (ink-sweep-slurm.c) -------------------------------- */

/* The job-array script over the children ink_sweep_plan says to run now
 * (NULL with an error when there are none): `#SBATCH --array=<indices>%k`
 * (k = parallel, 0: no limit), the resources, one task per child
 * exec-ing `CLI train --config <child>/experiment.json --run-dir <child>
 * --epochs E` (resumed from the child's checkpoint when it has one).  The
 * SIGTERM Slurm sends on scancel or at the time limit stops the run
 * between two minibatches; its checkpoint of the last epoch stays.
 * *n_tasks: how many. */
char       *ink_sweep_slurm_script    (const InkSweep          *sweep,
                                       const InkSweepSlurmSpec *spec,
                                       guint                    parallel,
                                       const char              *cli,
                                       guint                   *n_tasks,
                                       GError                 **error);
/* Writes the script to SWEEP/slurm/array-<n>.sh, submits it with sbatch
 * and records the job in SWEEP/slurm.json; *job_id: sbatch's id. */
gboolean    ink_sweep_slurm_submit    (InkSweep                *sweep,
                                       const InkSweepSlurmSpec *spec,
                                       guint                    parallel,
                                       const char              *cli,
                                       char                   **job_id,
                                       GError                 **error);
/* the Slurm jobs submitted for the sweep (SWEEP/slurm.json), oldest first */
char      **ink_sweep_slurm_jobs      (const InkSweep          *sweep);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkSweep, ink_sweep_free)

G_END_DECLS
