/* ink-experiment.h
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

/* An experiment: everything that describes one training run. */

#pragma once

#include <gio/gio.h>
#include "ink-augment.h"
#include "ink-dataset.h"
#include "ink-network.h"
#include "ink-optimizer.h"
#include "ink-rbm.h"

G_BEGIN_DECLS

#define INK_EXPERIMENT_ERROR (ink_experiment_error_quark ())
GQuark ink_experiment_error_quark (void);

typedef enum
{
  INK_EXPERIMENT_ERROR_PARSE,     /* not JSON, wrong type, unknown key */
  INK_EXPERIMENT_ERROR_INVALID,   /* a value out of range */
  INK_EXPERIMENT_ERROR_NO_PRESET,
} InkExperimentError;

typedef enum
{
  INK_EARLY_NONE,
  INK_EARLY_PATIENCE,        /* the Theano tutorial's patience algorithm (counted in minibatches) */
  INK_EARLY_NO_IMPROVEMENT,  /* stop after `stop_epochs` validations without improvement */
} InkEarlyStopping;

typedef enum
{
  INK_MONITOR_VALID_LOSS,
  INK_MONITOR_VALID_ERROR,   /* zero-one loss */
} InkMonitor;

/* One run, fully described.  The JSON form (see ink_experiment_to_json) is
 * the single schema shared by presets, the CLI and the GUI forms. */
typedef struct
{
  char            *name;
  char            *description;

  /* data */
  char            *dataset;        /* "mnist", "fashion-mnist" or a folder */
  InkSplitSpec     split;
  InkNormKind      normalization;

  /* network */
  InkNetSpec      *net;

  /* optimizer */
  InkOptimizerSpec optimizer;

  /* training */
  guint            epochs;
  guint            batch_size;
  guint            validation_frequency;   /* in minibatches; 0 = once per epoch */
  InkEarlyStopping early_stopping;
  InkMonitor       monitor;
  guint            patience;               /* PATIENCE: minibatches */
  double           patience_increase;
  double           improvement_threshold;
  guint            stop_epochs;            /* NO_IMPROVEMENT */

  guint64          seed;
  char            *device;                 /* "cpu", "cuda", "auto" */

  /* optional parts, written to JSON only when they differ from the
   * defaults (off), so older experiment files stay as they were */
  InkAugmentSpec   augmentation;           /* "augmentation": training batches only */
  InkPretrainSpec  pretraining;            /* "pretraining": RBMs before epoch 1 */
  gboolean         classification_report;  /* training.classification_report: the CLI
                                              prints the per-class report after the test line */
} InkExperiment;

InkExperiment *ink_experiment_new_default (void);
InkExperiment *ink_experiment_copy        (const InkExperiment *exp);
void           ink_experiment_free        (InkExperiment       *exp);

InkExperiment *ink_experiment_from_json   (const char  *json,
                                           gssize       length,
                                           GError     **error);
InkExperiment *ink_experiment_load        (const char  *path,
                                           GError     **error);
char          *ink_experiment_to_json     (const InkExperiment *exp,
                                           gboolean             pretty);
/* json (ink_experiment_to_json's) reads back to an experiment that writes
 * the same text; otherwise an error saying path was not written */
gboolean       ink_experiment_check_round_trip (const char *json,
                                                const char *path,
                                                GError    **error);
gboolean       ink_experiment_save        (const InkExperiment *exp,
                                           const char          *path,
                                           GError             **error);
gboolean       ink_experiment_validate    (const InkExperiment *exp,
                                           GError             **error);

/* Presets compiled into the core's GResource: list_presets the dense
 * stacks, which the workbench's forms can edit; list_all_presets also
 * those with conv2d, pool or batch-norm layers (keras-mnist-cnn), which
 * ink_experiment_preset loads by name all the same. */
char         **ink_experiment_list_presets (void);
char         **ink_experiment_list_all_presets (void);
InkExperiment *ink_experiment_preset       (const char  *name,
                                            GError     **error);

const char    *ink_early_stopping_to_string (InkEarlyStopping e);
const char    *ink_monitor_to_string        (InkMonitor m);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkExperiment, ink_experiment_free)

G_END_DECLS
