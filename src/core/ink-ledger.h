/* ink-ledger.h
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

/* The run ledger: one folder per training run. */

#pragma once

#include "ink-experiment.h"
#include "ink-trainer.h"

G_BEGIN_DECLS

/* The run ledger: every training run in its own folder under
 * $XDG_DATA_HOME/inkling/runs/<id>/ holding experiment.json (frozen at the
 * start), history.csv (rewritten atomically after every epoch), summary.json
 * (status, result), model.safetensors (the best model, at the end) and
 * checkpoint.safetensors (after every epoch).  A run folder is never reused. */

typedef struct
{
  char          *id;
  char          *dir;
  InkExperiment *experiment;
  GArray        *history;        /* InkEpochRecord */
  char          *status;         /* "running", "completed", "early stopping", "stopped by the user", "diverged", "failed", "interrupted" */
  char          *message;
  gint64         started;        /* unix seconds */
  gint64         finished;       /* 0 while running */
  double         test_accuracy;  /* NAN when unknown */
  guint          best_epoch;
  /* Set when the folder could not be read: why, naming the file and the
   * field at fault (UTF-8, for people).  A damaged run has status
   * "damaged", no experiment (NULL), an empty history and `started` from
   * the folder's modification time; it can only be shown and deleted. */
  char          *damaged;
  /* The name the user gave the run (summary.json "name", optional: older
   * summaries have none); NULL = the experiment's name.  See
   * ink_ledger_run_get_name. */
  char          *name;
} InkLedgerRun;

char         *ink_ledger_dir            (void);
/* creates a new run folder (under `root`, NULL = ink_ledger_dir ()) */
InkLedgerRun *ink_ledger_run_create     (const char          *root,
                                         const InkExperiment *exp,
                                         GError             **error);
/* NULL with an error naming the file and field at fault when the folder is
 * damaged (see ink_ledger_list for a loader that never fails) */
InkLedgerRun *ink_ledger_run_load       (const char          *dir,
                                         GError             **error);
void          ink_ledger_run_free       (InkLedgerRun        *run);
gboolean      ink_ledger_run_add_epoch  (InkLedgerRun        *run,
                                         const InkEpochRecord *rec,
                                         GError             **error);
gboolean      ink_ledger_run_finish     (InkLedgerRun        *run,
                                         const char          *status,
                                         const char          *message,
                                         double               test_accuracy,
                                         guint                best_epoch,
                                         GError             **error);
char         *ink_ledger_run_model_path (InkLedgerRun        *run);
char         *ink_ledger_run_checkpoint_path (InkLedgerRun   *run);
/* every run under root (NULL = ink_ledger_dir ()), newest first.  A
 * folder that cannot be read (or an entry that is not a folder) is listed
 * as a damaged run carrying the reason, never skipped and never fatal.
 * Runs still marked "running" whose folder is not `active_id` are reported
 * as "interrupted". */
GPtrArray    *ink_ledger_list           (const char          *root,
                                         const char          *active_id);
gboolean      ink_ledger_run_delete     (InkLedgerRun        *run,
                                         GError             **error);

/* The run's name for people: the name it was given (ink_ledger_run_rename),
 * else its experiment's, else (damaged) its folder's. */
const char   *ink_ledger_run_get_name   (const InkLedgerRun  *run);
/* Gives the run a name, kept in its summary.json ("name"); NULL or blank
 * goes back to the experiment's name.  Reads the summary again first, so
 * only the name changes on disk.  Refuses a damaged run, a name that is
 * not UTF-8 or longer than 200 characters. */
gboolean      ink_ledger_run_rename     (InkLedgerRun        *run,
                                         const char          *name,
                                         GError             **error);
/* "784-512-512-10": inputs, then every layer's units (image layers as
 * c32k3: conv of 32 3x3 filters, mp2/ap2: max/avg pooling 2x2, bn: batch
 * norm); NULL when damaged */
char         *ink_ledger_run_architecture (const InkLedgerRun *run);
/* seconds from start to end (the epochs' durations while it has no end);
 * negative when unknown */
double        ink_ledger_run_duration   (const InkLedgerRun  *run);
/* A short label per run, unique among `runs` (for chart legends): the
 * name cut to 18 characters, with the start time (and then a number)
 * added where two would read the same.  Parallel to runs; g_strfreev. */
char        **ink_ledger_short_labels   (InkLedgerRun * const *runs,
                                         guint                 n);

/* Numbers for people: the fewest significant digits that read back as the
 * same float (0.2, 1e-05; never 0.20000000298023224), whole numbers up to
 * 10^15 written out (10, not 1e+01). */
char         *ink_format_float          (float                f);
/* the same for a double (0.1 + 0.2 → 0.30000000000000004 stays exact) */
char         *ink_format_double         (double               d);
/* 1234567 → "1,234,567" (the locale's separator, else a comma) */
char         *ink_format_thousands      (guint64              n);
/* 75 → "1 min 15 s", 4000 → "1 h 06 min", 9.4 → "9 s" */
char         *ink_format_duration       (double               seconds);

/* Runs side by side: one row per hyper-parameter or result, the layers
 * matched by role (input, hidden 1…n, output).  values[i] is runs[i]'s
 * text ("—" when it has none); differs when they are not all the same. */
typedef struct
{
  char      *section;   /* "Data", "Network", "Optimizer", "Training", "Result" */
  char      *label;
  char     **values;    /* n, NULL-terminated */
  gboolean   differs;
} InkLedgerCompareRow;

/* InkLedgerCompareRow*, in display order (free func set); damaged runs
 * are refused by the caller (they have no experiment) and shown as "—" */
GPtrArray    *ink_ledger_compare        (InkLedgerRun * const *runs,
                                         guint                 n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkLedgerRun, ink_ledger_run_free)

G_END_DECLS
