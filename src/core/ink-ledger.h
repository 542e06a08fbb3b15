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

/* The differences between two experiments, one "key: a → b" line each
 * (keys as in the JSON, e.g. "optimizer.lr"); empty string when equal. */
char         *ink_experiment_diff       (const InkExperiment *a,
                                         const InkExperiment *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkLedgerRun, ink_ledger_run_free)

G_END_DECLS
