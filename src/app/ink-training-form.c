/* ink-training-form.c
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

/* The training form: its field table, the rows built per group,
 * checking as typed, and reading and writing an experiment. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-augment-preview.h"
#include "ink-backend.h"
#include "ink-combo-row.h"
#include "ink-form-state.h"
#include "ink-markup.h"
#include "ink-number-field.h"
#include "ink-training-form.h"

typedef enum
{
  F_LR,
  F_MOMENTUM,
  F_RHO,
  F_BETA1,
  F_BETA2,
  F_EPS,
  F_DECAY,
  F_WARMUP,
  F_STEP_EPOCHS,
  F_FACTOR,
  F_MIN_LR,
  F_PCT_START,
  F_DIV,
  F_FINAL_DIV,
  F_EMA,
  F_L1,
  F_L2,
  F_MAX_NORM,
  F_BATCH,
  F_EPOCHS,
  F_VALID_EVERY,
  F_PATIENCE,
  F_PATIENCE_INC,
  F_IMPROVEMENT,
  F_STOP,
  F_N_TRAIN,
  F_N_VALID,
  F_VALID_FRACTION,
  F_SUBSET,
  F_SEED,
  F_AUG_SHIFT,
  F_AUG_ROTATE,
  F_AUG_SCALE,
  F_AUG_ALPHA,
  F_AUG_SIGMA,
  F_AUG_PROB,
  F_PT_EPOCHS,
  F_PT_LR,
  F_PT_DECAY,
  F_PT_MOMENTUM,
  F_PT_WD,
  F_PT_CDK,
  F_PT_BATCH,
  N_FIELDS
} FieldId;

typedef struct
{
  const char   *key;        /* the JSON key, the widget's name */
  const char   *title;
  const char   *subtitle;
  InkNumberRule rule;
  gboolean      spin;       /* a spin button, else an entry (for values like 1e-4) */
  double        lower, upper, step, page;
  guint         digits;
  int           width;
} FieldDef;

#define REAL(name, single, min, max, min_open, max_open) \
  { name, FALSE, single, 0, 0, min, max, min_open, max_open }
#define WHOLE(name, imin, imax) \
  { name, TRUE, FALSE, imin, imax, 0.0, 0.0, FALSE, FALSE }

static const FieldDef field_defs[N_FIELDS] = {
  [F_LR] = { "lr", N_("Learning Rate"), N_("Initial step size, such as 0.01 or 1e-3"),
             REAL (N_("learning rate"), TRUE, 0.0, 1000.0, TRUE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_MOMENTUM] = { "momentum", N_("Momentum"), N_("Share of the previous update carried over"),
                   REAL (N_("momentum"), TRUE, 0.0, 1.0, FALSE, TRUE), TRUE, 0.0, 0.999, 0.01, 0.1, 3, 5 },
  [F_RHO] = { "rho", N_("Rho"), N_("Decay of the running average of squared gradients"),
              REAL (N_("rho"), TRUE, 0.0, 1.0, FALSE, TRUE), TRUE, 0.0, 0.999, 0.01, 0.1, 3, 5 },
  [F_BETA1] = { "beta1", N_("Beta 1"), N_("Decay of the running average of gradients"),
                REAL (N_("beta 1"), TRUE, 0.0, 1.0, FALSE, TRUE), TRUE, 0.0, 0.999, 0.01, 0.1, 3, 5 },
  [F_BETA2] = { "beta2", N_("Beta 2"), N_("Decay of the running average of squared gradients"),
                REAL (N_("beta 2"), TRUE, 0.0, 1.0, FALSE, TRUE), TRUE, 0.0, 0.9999, 0.001, 0.01, 4, 6 },
  [F_EPS] = { "eps", N_("Epsilon"), N_("Added to the denominator, for stability"),
              REAL (N_("epsilon"), TRUE, 0.0, 1.0, FALSE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_DECAY] = { "decay", N_("Learning-Rate Decay"), N_("The learning rate is multiplied by this after each epoch; 1 = none"),
                REAL (N_("decay"), TRUE, 0.0, 1.0, TRUE, FALSE), TRUE, 0.001, 1.0, 0.01, 0.1, 3, 5 },
  /* the schedule's fields: ink-optimizer.h's InkLrSchedule, keyed as in experiments */
  [F_WARMUP] = { "warmup_epochs", N_("Warm-Up Epochs"),
                 N_("The first epochs raise the learning rate step by step to where the schedule starts; 0 = none"),
                 WHOLE (N_("the warm-up"), 0, INK_MAX_EPOCHS), TRUE, 0, INK_MAX_EPOCHS, 1, 5, 0, 5 },
  [F_STEP_EPOCHS] = { "step_epochs", N_("Step Size"), N_("Epochs between two steps down"),
                      WHOLE (N_("the step size"), 1, INK_MAX_EPOCHS), TRUE, 1, INK_MAX_EPOCHS, 1, 5, 0, 5 },
  [F_FACTOR] = { "factor", N_("Step Factor"), N_("The learning rate is multiplied by this at each step"),
                 REAL (N_("the factor"), TRUE, 0.0, 1.0, TRUE, FALSE), TRUE, 0.01, 1.0, 0.05, 0.1, 3, 5 },
  [F_MIN_LR] = { "min_lr", N_("Final Learning Rate"), N_("Where the half cosine ends, on the last epoch; below the learning rate"),
                 REAL (N_("the final learning rate"), TRUE, 0.0, 1000.0, FALSE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_PCT_START] = { "pct_start", N_("Rising Share"), N_("Share of the run spent rising to the learning rate, then falling"),
                    REAL (N_("the rising share"), TRUE, 0.0, 1.0, TRUE, TRUE), TRUE, 0.05, 0.95, 0.05, 0.1, 2, 5 },
  [F_DIV] = { "div_factor", N_("Start Divisor"), N_("The run starts at the learning rate divided by this"),
              REAL (N_("the start divisor"), TRUE, 1.0, 1e30, FALSE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_FINAL_DIV] = { "final_div_factor", N_("End Divisor"), N_("The run ends at its start divided by this"),
                    REAL (N_("the end divisor"), TRUE, 1.0, 1e30, FALSE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_EMA] = { "ema_decay", N_("Weight Averaging"),
              N_("Validation, testing and the saved model use a running average of the weights that "
                 "keeps this share of itself each step (0.999: about the last thousand steps); 0 = off"),
              REAL (N_("the averaging decay"), TRUE, 0.0, 1.0, FALSE, TRUE), TRUE, 0.0, 0.9999, 0.001, 0.01, 4, 6 },
  [F_L1] = { "l1", N_("L1 Penalty"), N_("Adds this times Σ|w| over the weights to the loss"),
             REAL (N_("L1"), TRUE, 0.0, 1000.0, FALSE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_L2] = { "l2", N_("L2 Penalty"), N_("Adds this times Σw² over the weights to the loss"),
             REAL (N_("L2"), TRUE, 0.0, 1000.0, FALSE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_MAX_NORM] = { "max_norm", N_("Max-Norm"), N_("Largest norm of a unit's incoming weights; 0 = off"),
                   REAL (N_("max-norm"), TRUE, 0.0, 1e6, FALSE, FALSE), TRUE, 0.0, 100.0, 0.5, 1.0, 2, 5 },
  [F_BATCH] = { "batch_size", N_("Batch Size"), N_("Images per minibatch"),
                WHOLE (N_("batch size"), 1, INK_MAX_BATCH_SIZE), TRUE, 1, INK_MAX_BATCH_SIZE, 1, 32, 0, 6 },
  [F_EPOCHS] = { "epochs", N_("Epochs"), N_("Passes over the training images, at most"),
                 WHOLE (N_("epochs"), 1, INK_MAX_EPOCHS), TRUE, 1, INK_MAX_EPOCHS, 1, 10, 0, 7 },
  [F_VALID_EVERY] = { "validation_frequency", N_("Minibatches Between Validations"), NULL,
                      WHOLE (N_("the interval"), 1, G_MAXINT32), TRUE, 1, G_MAXINT32, 100, 1000, 0, 8 },
  [F_PATIENCE] = { "patience", N_("Patience"), N_("Minibatches to train at least; grows on each improvement"),
                   WHOLE (N_("patience"), 1, G_MAXINT32), TRUE, 1, G_MAXINT32, 1000, 10000, 0, 8 },
  [F_PATIENCE_INC] = { "patience_increase", N_("Patience Increase"),
                       N_("On an improvement, patience becomes this multiple of the minibatch count"),
                       REAL (N_("the increase"), FALSE, 1.0, 1e6, FALSE, FALSE), TRUE, 1.0, 100.0, 0.1, 1.0, 2, 5 },
  [F_IMPROVEMENT] = { "improvement_threshold", N_("Improvement Threshold"),
                      N_("A score counts as better below this fraction of the best so far"),
                      REAL (N_("the threshold"), FALSE, 0.0, 1.0, TRUE, FALSE), TRUE, 0.5, 1.0, 0.001, 0.01, 4, 6 },
  [F_STOP] = { "stop_epochs", N_("Validations Without Improvement"), N_("Stop after this many in a row"),
               WHOLE (N_("the count"), 1, INK_MAX_EPOCHS), TRUE, 1, INK_MAX_EPOCHS, 1, 5, 0, 6 },
  [F_N_TRAIN] = { "train", N_("Training Images"), N_("The first images of the training file; 0 = all but the validation ones"),
                  WHOLE (N_("the count"), 0, INK_DATA_MAX_ITEMS), TRUE, 0, INK_DATA_MAX_ITEMS, 1000, 10000, 0, 8 },
  [F_N_VALID] = { "valid", N_("Validation Images"), N_("The images that follow them"),
                  WHOLE (N_("the count"), 1, INK_DATA_MAX_ITEMS), TRUE, 1, INK_DATA_MAX_ITEMS, 1000, 10000, 0, 8 },
  [F_VALID_FRACTION] = { "valid_fraction", N_("Validation Fraction"), N_("Share of the training file held out, drawn with the seed"),
                         REAL (N_("the fraction"), FALSE, 0.0, 1.0, TRUE, TRUE), TRUE, 0.01, 0.99, 0.05, 0.1, 2, 5 },
  [F_SUBSET] = { "subset", N_("Subset"), N_("Keep only the first images of each set, for quick runs; 0 = all"),
                 WHOLE (N_("the subset"), 0, INK_DATA_MAX_ITEMS), TRUE, 0, INK_DATA_MAX_ITEMS, 1000, 10000, 0, 8 },
  [F_SEED] = { "seed", N_("Seed"), N_("Draws the initial weights, the shuffles, dropout and a random split"),
               WHOLE (N_("the seed"), 0, G_MAXINT64), FALSE, 0, 0, 0, 0, 0, 12 },
  /* the spin buttons suggest the usual ranges; the rules accept what the core does */
  [F_AUG_SHIFT] = { "aug_shift", N_("Shift"), N_("Moves each image by up to this many pixels in x and y"),
                    WHOLE (N_("the shift"), 0, INK_AUGMENT_MAX_SHIFT), TRUE, 0, 4, 1, 1, 0, 4 },
  [F_AUG_ROTATE] = { "aug_rotate", N_("Rotation"), N_("Turns each image by up to ± this many degrees"),
                     REAL (N_("the rotation"), TRUE, 0.0, 180.0, FALSE, FALSE), TRUE, 0.0, 45.0, 1.0, 5.0, 1, 5 },
  [F_AUG_SCALE] = { "aug_scale", N_("Size Change"),
                    N_("Resizes by up to ± this share (0.1: 90–110 %); 0 = off"),
                    REAL (N_("the size change"), TRUE, 0.0, INK_AUGMENT_MAX_SCALE, FALSE, FALSE), TRUE, 0.0, INK_AUGMENT_MAX_SCALE, 0.01, 0.05, 2, 5 },
  [F_AUG_ALPHA] = { "aug_elastic_alpha", N_("Elastic Strength (α)"), N_("Scale of the elastic displacement, in pixels; 0 = off"),
                    REAL (N_("the elastic strength"), TRUE, 0.0, 1000.0, FALSE, FALSE), TRUE, 0.0, 100.0, 1.0, 5.0, 1, 5 },
  [F_AUG_SIGMA] = { "aug_elastic_sigma", N_("Elastic Smoothness (σ)"), N_("Width of the Gaussian that smooths the displacement, in pixels"),
                    REAL (N_("the elastic smoothness"), TRUE, 0.0, 100.0, TRUE, FALSE), TRUE, 0.5, 20.0, 0.5, 1.0, 1, 5 },
  [F_AUG_PROB] = { "aug_probability", N_("Probability"), N_("Share of the training images distorted, drawn afresh every epoch"),
                   REAL (N_("the probability"), TRUE, 0.0, 1.0, FALSE, FALSE), TRUE, 0.0, 1.0, 0.05, 0.1, 2, 5 },
  [F_PT_EPOCHS] = { "pretrain_epochs", N_("Epochs per Layer"), N_("Passes of contrastive divergence over the training images"),
                    WHOLE (N_("the epochs"), 0, INK_MAX_EPOCHS), TRUE, 0, INK_MAX_EPOCHS, 1, 10, 0, 7 },
  [F_PT_LR] = { "pretrain_lr", N_("Learning Rate"), N_("Step size of the first pretraining epoch"),
                REAL (N_("the learning rate"), TRUE, 0.0, 1000.0, TRUE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_PT_DECAY] = { "pretrain_decay", N_("Learning-Rate Decay"), N_("Multiplies the learning rate after each epoch; 1 = none"),
                   REAL (N_("the decay"), TRUE, 0.0, 1.0, TRUE, FALSE), TRUE, 0.001, 1.0, 0.01, 0.1, 3, 5 },
  [F_PT_MOMENTUM] = { "pretrain_momentum", N_("Momentum"), N_("Share of the previous update carried over"),
                      REAL (N_("the momentum"), TRUE, 0.0, 1.0, FALSE, TRUE), TRUE, 0.0, 0.999, 0.01, 0.1, 3, 5 },
  [F_PT_WD] = { "pretrain_weight_decay", N_("Weight Decay"), N_("L2 coefficient on the RBM's weights"),
                REAL (N_("the weight decay"), TRUE, 0.0, 1000.0, FALSE, FALSE), FALSE, 0, 0, 0, 0, 0, 9 },
  [F_PT_CDK] = { "pretrain_cd_k", N_("Gibbs Steps (CD-k)"), N_("Steps of the Markov chain per update"),
                 WHOLE (N_("the number of steps"), 1, INK_MAX_CD_K), TRUE, 1, INK_MAX_CD_K, 1, 5, 0, 5 },
  [F_PT_BATCH] = { "pretrain_batch_size", N_("Batch Size"), N_("Images per pretraining minibatch"),
                   WHOLE (N_("the batch size"), 1, INK_MAX_BATCH_SIZE), TRUE, 1, INK_MAX_BATCH_SIZE, 1, 32, 0, 6 },
};

#undef REAL
#undef WHOLE

static const char * const kind_labels[] = {
  [INK_OPT_SGD] = N_("SGD"),
  [INK_OPT_MOMENTUM] = N_("Momentum"),
  [INK_OPT_NESTEROV] = N_("Nesterov Momentum"),
  [INK_OPT_RMSPROP] = N_("RMSprop"),
  [INK_OPT_ADAM] = N_("Adam"),
  [INK_OPT_ADAGRAD] = N_("Adagrad"),
  [INK_OPT_ADADELTA] = N_("Adadelta"),
  NULL
};
/* InkScheduleKind's, in order */
static const char * const schedule_labels[] = {
  [INK_SCHEDULE_NONE] = N_("None"),
  [INK_SCHEDULE_STEP] = N_("Step Decay"),
  [INK_SCHEDULE_COSINE] = N_("Cosine"),
  [INK_SCHEDULE_ONE_CYCLE] = N_("One Cycle"),
  NULL
};
static const char * const validation_labels[] = { N_("Every Epoch"), N_("Every N Minibatches"), NULL };
static const char * const early_labels[] = {
  [INK_EARLY_NONE] = N_("None"),
  [INK_EARLY_PATIENCE] = N_("Patience"),
  [INK_EARLY_NO_IMPROVEMENT] = N_("No Improvement"),
  NULL
};
static const char * const monitor_labels[] = {
  [INK_MONITOR_VALID_LOSS] = N_("Validation Loss"),
  [INK_MONITOR_VALID_ERROR] = N_("Validation Error"),
  NULL
};
enum { DATASET_MNIST, DATASET_FASHION, DATASET_FOLDER };
static const char * const dataset_labels[] = { N_("MNIST"), N_("Fashion-MNIST"), N_("Folder…"), NULL };
static const char * const split_labels[] = {
  [INK_SPLIT_OFFICIAL] = N_("Official (the Test Set)"),
  [INK_SPLIT_FIXED] = N_("Fixed Counts"),
  [INK_SPLIT_RANDOM] = N_("Random Fraction"),
  NULL
};
static const char * const norm_labels[] = {
  [INK_NORM_SCALE] = N_("Scale to 0–1"),
  [INK_NORM_STANDARDIZE] = N_("Standardize"),
  [INK_NORM_MINMAX] = N_("Min–Max"),
  [INK_NORM_NONE] = N_("None (0–255)"),
  NULL
};
enum { DEVICE_CPU, DEVICE_CUDA, DEVICE_AUTO };
static const char * const device_ids[] = { "cpu", "cuda", "auto", NULL };

typedef struct
{
  GtkWidget *row;
  GtkWidget *editable;
} Field;

struct _InkTrainingForm
{
  GtkWidget         parent_instance;

  GtkWidget        *box;
  Field             f[N_FIELDS];
  GtkWidget        *kind_row;
  GtkWidget        *schedule_row;
  GtkWidget        *regularization;   /* AdwExpanderRow */
  GtkWidget        *validation_row;
  GtkWidget        *early_row;
  GtkWidget        *monitor_row;
  GtkWidget        *dataset_row;
  GtkWidget        *folder_row;       /* AdwEntryRow */
  GtkWidget        *split_row;
  GtkWidget        *norm_row;
  GtkWidget        *device_row;
  GtkStringList    *device_names;
  GtkWidget        *aug_switch;
  GtkWidget        *aug_preview_box;
  InkAugmentPreview *aug_preview;
  GtkWidget        *pt_switch;
  InkPretrainSpec   pt_loaded;        /* as set: its per-layer epochs survive an apply */
  char             *pt_epochs_text;   /* subtitle for per-layer epochs, or NULL */
  char             *pt_lr_text;       /* the same for lr, decay and CD-k */
  char             *pt_decay_text;
  char             *pt_cdk_text;

  InkOptimizerKind  kind;             /* the optimizer whose values the rows hold */
  guint             device;           /* the last accepted device choice */
  gboolean          cuda_known;
  gboolean          cuda_ok;
  char             *cuda_reason;
  GCancellable     *cancellable;

  gboolean          valid;
  guint             updating;
};

G_DEFINE_FINAL_TYPE (InkTrainingForm, ink_training_form, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_VALID, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static guint
selected (GtkWidget *combo)
{
  return adw_combo_row_get_selected (ADW_COMBO_ROW (combo));
}

static InkOptimizerKind
shown_kind (InkTrainingForm *self)
{
  guint k = selected (self->kind_row);
  return k < INK_OPT_N_KINDS ? (InkOptimizerKind) k : INK_OPT_SGD;
}

static InkScheduleKind
shown_schedule (InkTrainingForm *self)
{
  guint k = selected (self->schedule_row);
  return k < INK_SCHEDULE_N_KINDS ? (InkScheduleKind) k : INK_SCHEDULE_NONE;
}

static gboolean
field_applies (InkTrainingForm *self,
               FieldId          id)
{
  InkOptimizerKind kind = shown_kind (self);

  switch (id)
    {
    case F_MOMENTUM:
      return kind == INK_OPT_MOMENTUM || kind == INK_OPT_NESTEROV;
    case F_RHO:
      return kind == INK_OPT_RMSPROP || kind == INK_OPT_ADADELTA;
    case F_BETA1:
    case F_BETA2:
      return kind == INK_OPT_ADAM;
    case F_EPS:
      return kind == INK_OPT_RMSPROP || kind == INK_OPT_ADAM || kind == INK_OPT_ADAGRAD ||
             kind == INK_OPT_ADADELTA;
    case F_STEP_EPOCHS:
    case F_FACTOR:
      return shown_schedule (self) == INK_SCHEDULE_STEP;
    case F_MIN_LR:
      return shown_schedule (self) == INK_SCHEDULE_COSINE;
    case F_PCT_START:
    case F_DIV:
    case F_FINAL_DIV:
      return shown_schedule (self) == INK_SCHEDULE_ONE_CYCLE;
    case F_VALID_EVERY:
      return selected (self->validation_row) == 1;
    case F_PATIENCE:
    case F_PATIENCE_INC:
    case F_IMPROVEMENT:
      return selected (self->early_row) == INK_EARLY_PATIENCE;
    case F_STOP:
      return selected (self->early_row) == INK_EARLY_NO_IMPROVEMENT;
    case F_N_TRAIN:
    case F_N_VALID:
      return selected (self->split_row) == INK_SPLIT_FIXED;
    case F_VALID_FRACTION:
      return selected (self->split_row) == INK_SPLIT_RANDOM;
    case F_AUG_SHIFT:
    case F_AUG_ROTATE:
    case F_AUG_SCALE:
    case F_AUG_ALPHA:
    case F_AUG_SIGMA:
    case F_AUG_PROB:
      return gtk_switch_get_active (GTK_SWITCH (self->aug_switch));
    case F_PT_EPOCHS:
    case F_PT_LR:
    case F_PT_DECAY:
    case F_PT_MOMENTUM:
    case F_PT_WD:
    case F_PT_CDK:
    case F_PT_BATCH:
      return gtk_switch_get_active (GTK_SWITCH (self->pt_switch));
    case F_LR:
    case F_DECAY:
    case F_WARMUP:
    case F_EMA:
    case F_L1:
    case F_L2:
    case F_MAX_NORM:
    case F_BATCH:
    case F_EPOCHS:
    case F_SUBSET:
    case F_SEED:
    case N_FIELDS:
    default:
      return TRUE;
    }
}

static void update_augmentation (InkTrainingForm *self);

static gboolean
field_value (InkTrainingForm  *self,
             FieldId           id,
             double           *value,
             gint64           *ivalue,
             char            **message)
{
  return ink_number_parse (&field_defs[id].rule,
                           gtk_editable_get_text (GTK_EDITABLE (self->f[id].editable)),
                           value, ivalue, message);
}

static char *
folder_text (InkTrainingForm *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->folder_row))));
}

static void
set_row_error (GtkWidget  *row,
               GtkWidget  *editable,
               const char *message,
               const char *subtitle)
{
  if (message)
    {
      gtk_widget_add_css_class (row, "error");
      if (editable)
        gtk_widget_add_css_class (editable, "error");
      ink_row_set_plain_subtitle (ADW_ACTION_ROW (row), message);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      if (editable)
        gtk_widget_remove_css_class (editable, "error");
      ink_row_set_plain_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
}

static void
update_device_row (InkTrainingForm *self)
{
  g_autofree char *subtitle = NULL;
  gboolean warn = FALSE;

  if (!self->cuda_known)
    subtitle = g_strdup (_("Looking for a CUDA GPU…"));
  else if (self->cuda_ok)
    subtitle = g_strdup (_("A CUDA GPU is available"));
  else if (selected (self->device_row) == DEVICE_CUDA)
    {
      subtitle = g_strdup_printf (_("This experiment asks for the GPU, which is unavailable here: %s"),
                                  self->cuda_reason);
      warn = TRUE;
    }
  else
    subtitle = g_strdup_printf (_("GPU (CUDA) unavailable: %s"), self->cuda_reason);

  ink_row_set_plain_subtitle (ADW_ACTION_ROW (self->device_row), subtitle);
  if (warn)
    gtk_widget_add_css_class (self->device_row, "warning");
  else
    gtk_widget_remove_css_class (self->device_row, "warning");
}

static void
update_regularization (InkTrainingForm *self)
{
  static const FieldId ids[] = { F_L1, F_L2, F_MAX_NORM };
  static const char * const names[] = { N_("L1"), N_("L2"), N_("max-norm") };
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean bad = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      double v;
      if (!field_value (self, ids[i], &v, NULL, NULL))
        bad = TRUE;
      else if (v != 0.0)
        g_string_append_printf (s, "%s%s %s", s->len ? " · " : "", _(names[i]),
                                gtk_editable_get_text (GTK_EDITABLE (self->f[ids[i]].editable)));
    }
  {
    g_autofree char *escaped = ink_markup_escape (s->len ? s->str : _("None"));
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self->regularization), escaped);
  }
  if (bad)
    gtk_widget_add_css_class (self->regularization, "error");
  else
    gtk_widget_remove_css_class (self->regularization, "error");
}

/* the augmentation the rows describe; FALSE while a value is refused */
static gboolean
read_augmentation (InkTrainingForm *self,
                   InkAugmentSpec  *a)
{
  double v;
  gint64 iv;

  ink_augment_spec_defaults (a);
  if (!field_value (self, F_AUG_SHIFT, NULL, &iv, NULL))
    return FALSE;
  a->shift = (guint) iv;
  if (!field_value (self, F_AUG_ROTATE, &v, NULL, NULL))
    return FALSE;
  a->rotate = (float) v;
  if (!field_value (self, F_AUG_SCALE, &v, NULL, NULL))
    return FALSE;
  a->scale = (float) v;
  if (!field_value (self, F_AUG_ALPHA, &v, NULL, NULL))
    return FALSE;
  a->elastic_alpha = (float) v;
  if (!field_value (self, F_AUG_SIGMA, &v, NULL, NULL))
    return FALSE;
  a->elastic_sigma = (float) v;
  if (!field_value (self, F_AUG_PROB, &v, NULL, NULL))
    return FALSE;
  a->probability = (float) v;
  return TRUE;
}

static void
update_augmentation (InkTrainingForm *self)
{
  InkAugmentSpec a;
  gboolean on = gtk_switch_get_active (GTK_SWITCH (self->aug_switch));

  gtk_widget_set_visible (self->aug_preview_box, on);
  if (on && read_augmentation (self, &a))
    ink_augment_preview_set_spec (self->aug_preview, &a);
}

/* The optimizer the rows describe (every value that applies reading
 * well): the method's defaults, then what applies to it; the schedule's
 * defaults, then its kind, warm-up and the numbers of that kind. */
static void
read_optimizer (InkTrainingForm  *self,
                InkOptimizerSpec *o)
{
  double v;
  gint64 iv;

#define REAL(id) (field_value (self, id, &v, NULL, NULL), v)
#define WHOLE(id) (field_value (self, id, NULL, &iv, NULL), iv)
  ink_optimizer_spec_defaults (o, shown_kind (self));
  o->lr = (float) REAL (F_LR);
  if (field_applies (self, F_MOMENTUM))
    o->momentum = (float) REAL (F_MOMENTUM);
  if (field_applies (self, F_RHO))
    o->rho = (float) REAL (F_RHO);
  if (field_applies (self, F_BETA1))
    o->beta1 = (float) REAL (F_BETA1);
  if (field_applies (self, F_BETA2))
    o->beta2 = (float) REAL (F_BETA2);
  if (field_applies (self, F_EPS))
    o->eps = (float) REAL (F_EPS);
  o->decay = (float) REAL (F_DECAY);
  o->l1 = (float) REAL (F_L1);
  o->l2 = (float) REAL (F_L2);
  o->max_norm = (float) REAL (F_MAX_NORM);
  o->ema_decay = (float) REAL (F_EMA);

  o->schedule.kind = shown_schedule (self);
  o->schedule.warmup_epochs = (guint) WHOLE (F_WARMUP);
  if (field_applies (self, F_STEP_EPOCHS))
    {
      o->schedule.step_epochs = (guint) WHOLE (F_STEP_EPOCHS);
      o->schedule.factor = (float) REAL (F_FACTOR);
    }
  if (field_applies (self, F_MIN_LR))
    o->schedule.min_lr = (float) REAL (F_MIN_LR);
  if (field_applies (self, F_PCT_START))
    {
      o->schedule.pct_start = (float) REAL (F_PCT_START);
      o->schedule.div_factor = (float) REAL (F_DIV);
      o->schedule.final_div_factor = (float) REAL (F_FINAL_DIV);
    }
#undef REAL
#undef WHOLE
}

/* With every field reading well: what the core's validation says of the
 * optimizer and its schedule against the epochs (a warm-up as long as the
 * run, a cosine ending above the learning rate, Adadelta without epsilon).
 * The field its message names ("optimizer.schedule.min_lr …") gets it;
 * *field is N_FIELDS when none does.  NULL when it passes. */
static char *
core_optimizer_problem (InkTrainingForm *self,
                        FieldId         *field)
{
  g_autoptr(InkExperiment) exp = ink_experiment_new_default ();
  g_autoptr(GError) error = NULL;
  gint64 iv;
  const char *key;
  gsize len;

  *field = N_FIELDS;
  read_optimizer (self, &exp->optimizer);
  if (field_value (self, F_EPOCHS, NULL, &iv, NULL))
    exp->epochs = (guint) iv;
  if (ink_experiment_validate (exp, &error))
    return NULL;
  key = strstr (error->message, "optimizer.");
  if (key != NULL)
    {
      key += strlen ("optimizer.");
      if (g_str_has_prefix (key, "schedule."))
        key += strlen ("schedule.");
      len = strspn (key, "abcdefghijklmnopqrstuvwxyz0123456789_");
      for (guint id = 0; id < N_FIELDS; id++)
        if (strlen (field_defs[id].key) == len && strncmp (field_defs[id].key, key, len) == 0 &&
            field_applies (self, id))
          *field = id;
    }
  return g_strdup (error->message);
}

/* Checks every value that applies; with style, shows or hides the rows and
 * marks the refused ones.  FALSE with the first reason, naming the field. */
static gboolean
check (InkTrainingForm  *self,
       gboolean          style,
       GError          **error)
{
  g_autofree char *first = NULL;
  gboolean folder = selected (self->dataset_row) == DATASET_FOLDER;

  for (guint id = 0; id < N_FIELDS; id++)
    {
      const FieldDef *d = &field_defs[id];
      gboolean applies = field_applies (self, id);
      g_autofree char *msg = NULL;

      if (applies && !field_value (self, id, NULL, NULL, &msg) && first == NULL)
        first = g_strdup_printf ("%s: %s", _(d->title), msg);
      if (style)
        {
          const char *sub = d->subtitle ? _(d->subtitle) : NULL;

          if (id == F_PT_EPOCHS && self->pt_epochs_text)
            sub = self->pt_epochs_text;
          if (id == F_PT_LR && self->pt_lr_text)
            sub = self->pt_lr_text;
          if (id == F_PT_DECAY && self->pt_decay_text)
            sub = self->pt_decay_text;
          if (id == F_PT_CDK && self->pt_cdk_text)
            sub = self->pt_cdk_text;
          gtk_widget_set_visible (self->f[id].row, applies);
          set_row_error (self->f[id].row, self->f[id].editable, applies ? msg : NULL, sub);
        }
    }

  /* the optimizer as a whole, by the core's rules */
  if (first == NULL)
    {
      FieldId id;
      g_autofree char *msg = core_optimizer_problem (self, &id);

      if (msg)
        {
          first = g_strdup_printf ("%s: %s", id < N_FIELDS ? _(field_defs[id].title) : _("Optimizer"), msg);
          if (style && id < N_FIELDS)
            set_row_error (self->f[id].row, self->f[id].editable, msg, NULL);
        }
    }

  {
    g_autofree char *path = folder_text (self);
    const char *msg = folder && *path == '\0' ? _("choose the folder that holds the dataset") : NULL;

    if (msg && first == NULL)
      first = g_strdup_printf ("%s: %s", _("Dataset folder"), msg);
    if (style)
      {
        gtk_widget_set_visible (self->folder_row, folder);
        set_row_error (self->dataset_row, NULL, msg,
                       _("A folder holds the four IDX files of an MNIST-shaped dataset, or mnist_train.csv and mnist_test.csv"));
        if (msg)
          gtk_widget_add_css_class (self->folder_row, "error");
        else
          gtk_widget_remove_css_class (self->folder_row, "error");
      }
  }

  if (style)
    {
      update_regularization (self);
      update_device_row (self);
      update_augmentation (self);
    }

  if (first)
    {
      g_set_error_literal (error, INK_EXPERIMENT_ERROR, INK_EXPERIMENT_ERROR_INVALID, first);
      return FALSE;
    }
  return TRUE;
}

static void
refresh (InkTrainingForm *self)
{
  gboolean valid = check (self, TRUE, NULL);

  ink_form_set_valid (G_OBJECT (self), &self->valid, valid, properties[PROP_VALID]);
}

static void
on_edited (InkTrainingForm *self)
{
  if (self->updating)
    return;
  refresh (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
load_optimizer (InkTrainingForm        *self,
                const InkOptimizerSpec *o)
{
  ink_number_set (self->f[F_LR].editable, &field_defs[F_LR].rule, o->lr);
  ink_number_set (self->f[F_MOMENTUM].editable, &field_defs[F_MOMENTUM].rule, o->momentum);
  ink_number_set (self->f[F_RHO].editable, &field_defs[F_RHO].rule, o->rho);
  ink_number_set (self->f[F_BETA1].editable, &field_defs[F_BETA1].rule, o->beta1);
  ink_number_set (self->f[F_BETA2].editable, &field_defs[F_BETA2].rule, o->beta2);
  ink_number_set (self->f[F_EPS].editable, &field_defs[F_EPS].rule, o->eps);
}

/* The schedule's rows; the numbers of the kinds not chosen are their
 * defaults, ready when another kind is picked. */
static void
load_schedule (InkTrainingForm     *self,
               const InkLrSchedule *schedule)
{
  InkLrSchedule s, d;

  ink_lr_schedule_defaults (&d);
  s = *schedule;
  if (s.kind != INK_SCHEDULE_STEP)
    s.step_epochs = d.step_epochs, s.factor = d.factor;
  if (s.kind != INK_SCHEDULE_COSINE)
    s.min_lr = d.min_lr;
  if (s.kind != INK_SCHEDULE_ONE_CYCLE)
    s.pct_start = d.pct_start, s.div_factor = d.div_factor, s.final_div_factor = d.final_div_factor;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->schedule_row), MIN ((guint) s.kind, INK_SCHEDULE_N_KINDS - 1));
  ink_number_set_int (self->f[F_WARMUP].editable, s.warmup_epochs);
  ink_number_set_int (self->f[F_STEP_EPOCHS].editable, s.step_epochs);
  ink_number_set (self->f[F_FACTOR].editable, &field_defs[F_FACTOR].rule, s.factor);
  ink_number_set (self->f[F_MIN_LR].editable, &field_defs[F_MIN_LR].rule, s.min_lr);
  ink_number_set (self->f[F_PCT_START].editable, &field_defs[F_PCT_START].rule, s.pct_start);
  ink_number_set (self->f[F_DIV].editable, &field_defs[F_DIV].rule, s.div_factor);
  ink_number_set (self->f[F_FINAL_DIV].editable, &field_defs[F_FINAL_DIV].rule, s.final_div_factor);
}

static void
on_kind_changed (InkTrainingForm *self)
{
  InkOptimizerKind kind = shown_kind (self);

  if (!self->updating && kind != self->kind)
    {
      InkOptimizerSpec defaults;

      /* the new optimizer's defaults; decay, L1, L2 and max-norm stay */
      ink_optimizer_spec_defaults (&defaults, kind);
      self->updating++;
      load_optimizer (self, &defaults);
      self->updating--;
    }
  self->kind = kind;
  on_edited (self);
}

static void
on_device_changed (InkTrainingForm *self)
{
  guint sel = selected (self->device_row);

  if (!self->updating && sel == DEVICE_CUDA && self->cuda_known && !self->cuda_ok)
    {
      /* not selectable here: back to the previous choice, the subtitle says why */
      gtk_widget_error_bell (self->device_row);
      self->updating++;
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->device_row), self->device);
      self->updating--;
      update_device_row (self);
      return;
    }
  if (!self->updating)
    self->device = sel;
  on_edited (self);
}

static void
on_folder_response (GtkNativeDialog *dialog,
                    int              response,
                    InkTrainingForm *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        gtk_editable_set_text (GTK_EDITABLE (self->folder_row), path);
    }
  g_object_unref (dialog);
}

static void
on_browse_clicked (InkTrainingForm *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native =
    gtk_file_chooser_native_new (_("Choose a Dataset Folder"),
                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                 _("_Select"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (on_folder_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* ---- the GPU check: core's process-wide probe, off the main thread ---- */

static void
apply_cuda_state (InkTrainingForm *self,
                  gboolean         ok,
                  const char      *reason)
{
  guint sel = selected (self->device_row);

  self->cuda_known = TRUE;
  self->cuda_ok = ok;
  g_free (self->cuda_reason);
  self->cuda_reason = g_strdup (reason ? reason : "");

  if (!self->cuda_ok)
    {
      const char * const label[] = { _("GPU (CUDA), Unavailable"), NULL };

      self->updating++;
      gtk_string_list_splice (self->device_names, DEVICE_CUDA, 1, label);
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->device_row), sel);
      self->updating--;
    }
  update_device_row (self);
}

static void
cuda_check_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = ink_backend_probe_gpu_finish (result, NULL, &error);

  /* checked first: when cancelled, data is a form already gone */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  apply_cuda_state (INK_TRAINING_FORM (data), ok, error ? error->message : NULL);
}

static void
start_cuda_check (InkTrainingForm *self)
{
  ink_backend_probe_gpu_async (self->cancellable, cuda_check_done, self);
}

/* ---- building ---- */

static GtkWidget *
make_group (InkTrainingForm *self,
            const char      *title,
            const char      *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (GTK_BOX (self->box), group);
  return group;
}

static void
add_row (GtkWidget *parent,
         GtkWidget *row)
{
  if (ADW_IS_EXPANDER_ROW (parent))
    adw_expander_row_add_row (ADW_EXPANDER_ROW (parent), row);
  else
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (parent), row);
}

static void
make_field (InkTrainingForm *self,
            FieldId          id,
            GtkWidget       *parent)
{
  const FieldDef *d = &field_defs[id];
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *row_name = g_strconcat (d->key, "-row", NULL);
  GtkWidget *w;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(d->title));
  if (d->subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(d->subtitle));
  gtk_widget_set_name (row, row_name);

  if (d->spin)
    {
      GtkAdjustment *adj = gtk_adjustment_new (d->lower, d->lower, d->upper, d->step, d->page, 0.0);
      w = gtk_spin_button_new (adj, d->step, d->digits);
      ink_number_spin_init (GTK_SPIN_BUTTON (w), &d->rule);
      gtk_editable_set_alignment (GTK_EDITABLE (w), 1.0f);
    }
  else
    {
      w = gtk_entry_new ();
      gtk_entry_set_input_purpose (GTK_ENTRY (w), d->rule.integer ? GTK_INPUT_PURPOSE_DIGITS
                                                                  : GTK_INPUT_PURPOSE_NUMBER);
      gtk_entry_set_alignment (GTK_ENTRY (w), 1.0f);
    }
  gtk_widget_set_name (w, d->key);
  gtk_editable_set_width_chars (GTK_EDITABLE (w), d->width);
  gtk_widget_set_valign (w, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL, _(d->title), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), w);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), w);
  g_signal_connect_swapped (w, "changed", G_CALLBACK (on_edited), self);

  self->f[id].row = row;
  self->f[id].editable = w;
  add_row (parent, row);
}

static GtkWidget *
make_combo (GtkWidget          *parent,
            const char         *name,
            const char         *title,
            const char         *subtitle,
            const char * const *labels)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();

  for (guint i = 0; labels[i]; i++)
    gtk_string_list_append (model, _(labels[i]));
  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  ink_combo_row_show_whole_value (ADW_COMBO_ROW (row));
  add_row (parent, row);
  return row;
}

static void
on_aug_toggled (InkTrainingForm *self)
{
  InkAugmentSpec a;

  /* switched on over settings that change nothing: a visible start */
  if (!self->updating && gtk_switch_get_active (GTK_SWITCH (self->aug_switch)) &&
      read_augmentation (self, &a) && !ink_augment_spec_enabled (&a))
    {
      self->updating++;
      ink_number_set_int (self->f[F_AUG_SHIFT].editable, 2);
      ink_number_set (self->f[F_AUG_ROTATE].editable, &field_defs[F_AUG_ROTATE].rule, 10.0);
      if (a.probability == 0.0f)
        ink_number_set (self->f[F_AUG_PROB].editable, &field_defs[F_AUG_PROB].rule, 1.0);
      self->updating--;
    }
  on_edited (self);
}

static GtkWidget *
make_switch (const char *name,
             const char *label)
{
  GtkWidget *sw = gtk_switch_new ();

  gtk_widget_set_name (sw, name);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return sw;
}

static void
build_optimizer_group (InkTrainingForm *self)
{
  GtkWidget *group = make_group (self, _("Optimizer"), NULL);

  self->kind_row = make_combo (group, "kind", _("Method"),
                               _("Another method loads its defaults; decay and penalties stay"),
                               kind_labels);
  make_field (self, F_LR, group);
  make_field (self, F_MOMENTUM, group);
  make_field (self, F_RHO, group);
  make_field (self, F_BETA1, group);
  make_field (self, F_BETA2, group);
  make_field (self, F_EPS, group);
  make_field (self, F_DECAY, group);
  self->schedule_row = make_combo (group, "schedule", _("Schedule"),
                                   _("How the learning rate moves over the epochs, after the warm-up"),
                                   schedule_labels);
  make_field (self, F_WARMUP, group);
  make_field (self, F_STEP_EPOCHS, group);
  make_field (self, F_FACTOR, group);
  make_field (self, F_MIN_LR, group);
  make_field (self, F_PCT_START, group);
  make_field (self, F_DIV, group);
  make_field (self, F_FINAL_DIV, group);
  make_field (self, F_EMA, group);
  self->regularization = adw_expander_row_new ();
  gtk_widget_set_name (self->regularization, "regularization");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->regularization), _("Regularization"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->regularization);
  make_field (self, F_L1, self->regularization);
  make_field (self, F_L2, self->regularization);
  make_field (self, F_MAX_NORM, self->regularization);
}

static void
build_training_group (InkTrainingForm *self)
{
  GtkWidget *group = make_group (self, _("Training"), NULL);

  make_field (self, F_BATCH, group);
  make_field (self, F_EPOCHS, group);
  self->validation_row = make_combo (group, "validation", _("Validation"),
                                     _("How often the validation set is scored"), validation_labels);
  make_field (self, F_VALID_EVERY, group);
  self->early_row = make_combo (group, "early_stopping", _("Early Stopping"),
                                _("Stop before the last epoch once the validation score stalls"), early_labels);
  make_field (self, F_PATIENCE, group);
  make_field (self, F_PATIENCE_INC, group);
  make_field (self, F_IMPROVEMENT, group);
  make_field (self, F_STOP, group);
  self->monitor_row = make_combo (group, "monitor", _("Monitor"),
                                  _("The validation score that decides the best epoch"), monitor_labels);
}

/* examples of the distortion, with a button that draws others */
static GtkWidget *
build_aug_preview (InkTrainingForm *self)
{
  GtkWidget *shuffle = gtk_button_new_with_mnemonic (_("_Shuffle"));
  GtkWidget *caption = gtk_label_new (_("Examples with these settings"));
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->aug_preview_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_name (self->aug_preview_box, "augmentation-preview");
  gtk_widget_set_margin_top (self->aug_preview_box, 12);
  self->aug_preview = ink_augment_preview_new ();
  gtk_widget_set_halign (GTK_WIDGET (self->aug_preview), GTK_ALIGN_FILL);
  gtk_widget_set_tooltip_text (shuffle, _("Draw other distortions"));
  gtk_widget_set_name (shuffle, "augmentation-shuffle");
  g_signal_connect_swapped (shuffle, "clicked", G_CALLBACK (ink_augment_preview_shuffle), self->aug_preview);

  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_set_hexpand (caption, TRUE);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_box_append (GTK_BOX (bar), caption);
  gtk_box_append (GTK_BOX (bar), shuffle);
  gtk_box_append (GTK_BOX (self->aug_preview_box), bar);
  gtk_box_append (GTK_BOX (self->aug_preview_box), GTK_WIDGET (self->aug_preview));
  return self->aug_preview_box;
}

static void
build_augmentation_group (InkTrainingForm *self)
{
  GtkWidget *group = make_group (self, _("Augmentation"),
                                 _("Distorts the training images afresh in every epoch"));

  self->aug_switch = make_switch ("augmentation", _("Augment the training images"));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), self->aug_switch);
  make_field (self, F_AUG_SHIFT, group);
  make_field (self, F_AUG_ROTATE, group);
  make_field (self, F_AUG_SCALE, group);
  make_field (self, F_AUG_ALPHA, group);
  make_field (self, F_AUG_SIGMA, group);
  make_field (self, F_AUG_PROB, group);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), build_aug_preview (self));
}

static void
build_pretraining_group (InkTrainingForm *self)
{
  GtkWidget *group = make_group (self, _("Pretraining"),
                                 _("Trains the hidden layers one by one as restricted Boltzmann machines before epoch 1 (binary units for sigmoid layers, noisy rectified units for ReLU layers)"));

  self->pt_switch = make_switch ("pretraining", _("Pretrain the hidden layers"));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), self->pt_switch);
  make_field (self, F_PT_EPOCHS, group);
  make_field (self, F_PT_LR, group);
  make_field (self, F_PT_DECAY, group);
  make_field (self, F_PT_MOMENTUM, group);
  make_field (self, F_PT_WD, group);
  make_field (self, F_PT_CDK, group);
  make_field (self, F_PT_BATCH, group);
}

/* the dataset folder, typed or chosen */
static GtkWidget *
build_folder_row (InkTrainingForm *self)
{
  GtkWidget *browse = gtk_button_new_from_icon_name ("folder-open-symbolic");

  self->folder_row = adw_entry_row_new ();
  gtk_widget_set_name (self->folder_row, "folder");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->folder_row), _("Folder"));
  gtk_widget_set_valign (browse, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (browse, "flat");
  gtk_widget_set_tooltip_text (browse, _("Choose the dataset folder"));
  g_signal_connect_swapped (browse, "clicked", G_CALLBACK (on_browse_clicked), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->folder_row), browse);
  return self->folder_row;
}

static void
build_data_group (InkTrainingForm *self)
{
  GtkWidget *group = make_group (self, _("Data"), NULL);

  self->dataset_row = make_combo (group, "dataset", _("Dataset"), NULL, dataset_labels);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), build_folder_row (self));
  self->split_row = make_combo (group, "split", _("Validation Set"), NULL, split_labels);
  make_field (self, F_N_TRAIN, group);
  make_field (self, F_N_VALID, group);
  make_field (self, F_VALID_FRACTION, group);
  self->norm_row = make_combo (group, "normalization", _("Normalization"),
                               _("Pixel scaling; statistics come from the training images"), norm_labels);
  make_field (self, F_SUBSET, group);
}

/* reproducibility, device */
static void
build_run_groups (InkTrainingForm *self)
{
  const char * const labels[] = { N_("CPU"), N_("GPU (CUDA)"), N_("Automatic"), NULL };
  GtkWidget *group = make_group (self, _("Reproducibility"), NULL);

  make_field (self, F_SEED, group);
  group = make_group (self, _("Device"), NULL);
  self->device_row = make_combo (group, "device", _("Device"), NULL, labels);
  self->device_names = GTK_STRING_LIST (adw_combo_row_get_model (ADW_COMBO_ROW (self->device_row)));
}

/* the rows that are not number fields (make_field connects those) */
static void
connect_rows (InkTrainingForm *self)
{
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (on_kind_changed), self);
  g_signal_connect_swapped (self->schedule_row, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->validation_row, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->early_row, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->monitor_row, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->dataset_row, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->folder_row, "changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->split_row, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->norm_row, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->device_row, "notify::selected", G_CALLBACK (on_device_changed), self);
  g_signal_connect_swapped (self->aug_switch, "notify::active", G_CALLBACK (on_aug_toggled), self);
  g_signal_connect_swapped (self->pt_switch, "notify::active", G_CALLBACK (on_edited), self);
}

static void
build_ui (InkTrainingForm *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  build_optimizer_group (self);
  build_training_group (self);
  build_augmentation_group (self);
  build_pretraining_group (self);
  build_data_group (self);
  build_run_groups (self);
  connect_rows (self);
}

/* ---- public ---- */

void
ink_training_form_set_experiment (InkTrainingForm     *self,
                                  const InkExperiment *exp)
{
  const InkOptimizerSpec *o;
  guint dataset = DATASET_FOLDER;
  guint device = DEVICE_CPU;

  g_return_if_fail (INK_IS_TRAINING_FORM (self));
  g_return_if_fail (exp != NULL);

  o = &exp->optimizer;
  self->updating++;

  adw_combo_row_set_selected (ADW_COMBO_ROW (self->kind_row), o->kind);
  self->kind = o->kind;
  load_optimizer (self, o);
  ink_number_set (self->f[F_DECAY].editable, &field_defs[F_DECAY].rule, o->decay);
  ink_number_set (self->f[F_L1].editable, &field_defs[F_L1].rule, o->l1);
  ink_number_set (self->f[F_L2].editable, &field_defs[F_L2].rule, o->l2);
  ink_number_set (self->f[F_MAX_NORM].editable, &field_defs[F_MAX_NORM].rule, o->max_norm);
  ink_number_set (self->f[F_EMA].editable, &field_defs[F_EMA].rule, o->ema_decay);
  load_schedule (self, &o->schedule);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self->regularization),
                                 o->l1 != 0.0f || o->l2 != 0.0f || o->max_norm != 0.0f);

  ink_number_set_int (self->f[F_BATCH].editable, exp->batch_size);
  ink_number_set_int (self->f[F_EPOCHS].editable, exp->epochs);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->validation_row), exp->validation_frequency ? 1 : 0);
  ink_number_set_int (self->f[F_VALID_EVERY].editable,
                      exp->validation_frequency ? exp->validation_frequency : 1000);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->early_row), exp->early_stopping);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->monitor_row), exp->monitor);
  ink_number_set_int (self->f[F_PATIENCE].editable, exp->patience);
  ink_number_set (self->f[F_PATIENCE_INC].editable, &field_defs[F_PATIENCE_INC].rule, exp->patience_increase);
  ink_number_set (self->f[F_IMPROVEMENT].editable, &field_defs[F_IMPROVEMENT].rule, exp->improvement_threshold);
  ink_number_set_int (self->f[F_STOP].editable, exp->stop_epochs);

  if (g_strcmp0 (exp->dataset, "mnist") == 0)
    dataset = DATASET_MNIST;
  else if (g_strcmp0 (exp->dataset, "fashion-mnist") == 0)
    dataset = DATASET_FASHION;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->dataset_row), dataset);
  gtk_editable_set_text (GTK_EDITABLE (self->folder_row),
                         dataset == DATASET_FOLDER && exp->dataset ? exp->dataset : "");
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->split_row), exp->split.kind);
  ink_number_set_int (self->f[F_N_TRAIN].editable, exp->split.n_train);
  ink_number_set_int (self->f[F_N_VALID].editable, exp->split.n_valid);
  ink_number_set (self->f[F_VALID_FRACTION].editable, &field_defs[F_VALID_FRACTION].rule,
                  exp->split.valid_fraction);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->norm_row), exp->normalization);
  ink_number_set_int (self->f[F_SUBSET].editable, exp->split.subset);

  ink_number_set_int (self->f[F_SEED].editable, (gint64) MIN (exp->seed, (guint64) G_MAXINT64));
  for (guint i = 0; device_ids[i]; i++)
    if (g_strcmp0 (exp->device, device_ids[i]) == 0)
      device = i;
  /* a GPU experiment stays one even where no GPU is usable (with a warning) */
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->device_row), device);
  self->device = device;

  {
    const InkAugmentSpec *a = &exp->augmentation;
    const InkPretrainSpec *p = &exp->pretraining;

    gtk_switch_set_active (GTK_SWITCH (self->aug_switch), !ink_augment_spec_is_default (a));
    ink_number_set_int (self->f[F_AUG_SHIFT].editable, a->shift);
    ink_number_set (self->f[F_AUG_ROTATE].editable, &field_defs[F_AUG_ROTATE].rule, a->rotate);
    ink_number_set (self->f[F_AUG_SCALE].editable, &field_defs[F_AUG_SCALE].rule, a->scale);
    ink_number_set (self->f[F_AUG_ALPHA].editable, &field_defs[F_AUG_ALPHA].rule, a->elastic_alpha);
    ink_number_set (self->f[F_AUG_SIGMA].editable, &field_defs[F_AUG_SIGMA].rule, a->elastic_sigma);
    ink_number_set (self->f[F_AUG_PROB].editable, &field_defs[F_AUG_PROB].rule, a->probability);

    self->pt_loaded = *p;
    g_clear_pointer (&self->pt_epochs_text, g_free);
    g_clear_pointer (&self->pt_lr_text, g_free);
    g_clear_pointer (&self->pt_decay_text, g_free);
    g_clear_pointer (&self->pt_cdk_text, g_free);
    {
      g_autoptr(GString) ep = g_string_new (NULL), lr = g_string_new (NULL);
      g_autoptr(GString) dc = g_string_new (NULL), k = g_string_new (NULL);

      for (guint i = 0; i < p->n_layer_epochs && i < INK_PRETRAIN_MAX_LAYERS; i++)
        g_string_append_printf (ep, "%s%u", i ? ", " : "", p->epochs[i]);
      for (guint i = 0; i < p->n_layer_lr && i < INK_PRETRAIN_MAX_LAYERS; i++)
        g_string_append_printf (lr, "%s%g", i ? ", " : "", (double) p->lr_layers[i]);
      for (guint i = 0; i < p->n_layer_decay && i < INK_PRETRAIN_MAX_LAYERS; i++)
        g_string_append_printf (dc, "%s%g", i ? ", " : "", (double) p->decay_layers[i]);
      for (guint i = 0; i < p->n_layer_cd_k && i < INK_PRETRAIN_MAX_LAYERS; i++)
        g_string_append_printf (k, "%s%u", i ? ", " : "", p->cd_k_layers[i]);
      if (ep->len)
        self->pt_epochs_text = g_strdup_printf (_("Per hidden layer: %s; another value applies to every layer"), ep->str);
      if (lr->len)
        self->pt_lr_text = g_strdup_printf (_("Per hidden layer: %s; another value applies to every layer"), lr->str);
      if (dc->len)
        self->pt_decay_text = g_strdup_printf (_("Per hidden layer: %s; another value applies to every layer"), dc->str);
      if (k->len)
        self->pt_cdk_text = g_strdup_printf (_("Per hidden layer: %s; another value applies to every layer"), k->str);
    }
    gtk_switch_set_active (GTK_SWITCH (self->pt_switch), p->enabled);
    ink_number_set_int (self->f[F_PT_EPOCHS].editable, p->epochs[0]);
    ink_number_set (self->f[F_PT_LR].editable, &field_defs[F_PT_LR].rule, p->lr);
    ink_number_set (self->f[F_PT_DECAY].editable, &field_defs[F_PT_DECAY].rule, p->decay);
    ink_number_set (self->f[F_PT_MOMENTUM].editable, &field_defs[F_PT_MOMENTUM].rule, p->momentum);
    ink_number_set (self->f[F_PT_WD].editable, &field_defs[F_PT_WD].rule, p->weight_decay);
    ink_number_set_int (self->f[F_PT_CDK].editable, p->cd_k);
    ink_number_set_int (self->f[F_PT_BATCH].editable, p->batch_size);
  }

  self->updating--;
  on_edited (self);
}

gboolean
ink_training_form_apply (InkTrainingForm  *self,
                         InkExperiment    *exp,
                         GError          **error)
{
  double v;
  gint64 iv;
  guint dataset;

  g_return_val_if_fail (INK_IS_TRAINING_FORM (self), FALSE);
  g_return_val_if_fail (exp != NULL, FALSE);

  if (!check (self, FALSE, error))
    return FALSE;

#define REAL(id) (field_value (self, id, &v, NULL, NULL), v)
#define WHOLE(id) (field_value (self, id, NULL, &iv, NULL), iv)

  read_optimizer (self, &exp->optimizer);

  /* training; values that do not apply are kept when they read well */
  exp->batch_size = (guint) WHOLE (F_BATCH);
  exp->epochs = (guint) WHOLE (F_EPOCHS);
  exp->validation_frequency = field_applies (self, F_VALID_EVERY) ? (guint) WHOLE (F_VALID_EVERY) : 0;
  exp->early_stopping = (InkEarlyStopping) selected (self->early_row);
  exp->monitor = (InkMonitor) selected (self->monitor_row);
  if (field_value (self, F_PATIENCE, NULL, &iv, NULL))
    exp->patience = (guint) iv;
  if (field_value (self, F_PATIENCE_INC, &v, NULL, NULL))
    exp->patience_increase = v;
  if (field_value (self, F_IMPROVEMENT, &v, NULL, NULL))
    exp->improvement_threshold = v;
  if (field_value (self, F_STOP, NULL, &iv, NULL))
    exp->stop_epochs = (guint) iv;

  /* data */
  dataset = selected (self->dataset_row);
  g_free (exp->dataset);
  exp->dataset = dataset == DATASET_MNIST ? g_strdup ("mnist")
               : dataset == DATASET_FASHION ? g_strdup ("fashion-mnist")
               : folder_text (self);
  exp->split.kind = (InkSplitKind) selected (self->split_row);
  if (field_value (self, F_N_TRAIN, NULL, &iv, NULL))
    exp->split.n_train = (guint) iv;
  if (field_value (self, F_N_VALID, NULL, &iv, NULL))
    exp->split.n_valid = (guint) iv;
  if (field_value (self, F_VALID_FRACTION, &v, NULL, NULL))
    exp->split.valid_fraction = v;
  exp->split.subset = (guint) WHOLE (F_SUBSET);
  exp->normalization = (InkNormKind) selected (self->norm_row);

  exp->seed = (guint64) WHOLE (F_SEED);
  g_free (exp->device);
  exp->device = g_strdup (device_ids[MIN (selected (self->device_row), DEVICE_AUTO)]);

  /* augmentation: off is the defaults */
  if (!field_applies (self, F_AUG_SHIFT) || !read_augmentation (self, &exp->augmentation))
    ink_augment_spec_defaults (&exp->augmentation);

  /* pretraining: values kept while off when they read well, like the others */
  {
    InkPretrainSpec *p = &exp->pretraining;

    *p = self->pt_loaded;
    p->enabled = field_applies (self, F_PT_EPOCHS);
    if (field_value (self, F_PT_EPOCHS, NULL, &iv, NULL) &&
        !(self->pt_loaded.n_layer_epochs > 0 && (guint) iv == self->pt_loaded.epochs[0]))
      {
        p->n_layer_epochs = 0;
        p->epochs[0] = (guint) iv;
      }
    /* a per-layer list survives unless its field now shows another value */
    if (field_value (self, F_PT_LR, &v, NULL, NULL) &&
        !(self->pt_loaded.n_layer_lr > 0 && (float) v == self->pt_loaded.lr_layers[0]))
      {
        p->n_layer_lr = 0;
        p->lr = (float) v;
      }
    if (field_value (self, F_PT_DECAY, &v, NULL, NULL) &&
        !(self->pt_loaded.n_layer_decay > 0 && (float) v == self->pt_loaded.decay_layers[0]))
      {
        p->n_layer_decay = 0;
        p->decay = (float) v;
      }
    if (field_value (self, F_PT_MOMENTUM, &v, NULL, NULL))
      p->momentum = (float) v;
    if (field_value (self, F_PT_WD, &v, NULL, NULL))
      p->weight_decay = (float) v;
    if (field_value (self, F_PT_CDK, NULL, &iv, NULL) &&
        !(self->pt_loaded.n_layer_cd_k > 0 && (guint) iv == self->pt_loaded.cd_k_layers[0]))
      {
        p->n_layer_cd_k = 0;
        p->cd_k = (guint) iv;
      }
    if (field_value (self, F_PT_BATCH, NULL, &iv, NULL))
      p->batch_size = (guint) iv;
  }

#undef REAL
#undef WHOLE
  return TRUE;
}

void
ink_training_form_set_images (InkTrainingForm *self,
                              const guint8    *images,
                              guint            n)
{
  g_return_if_fail (INK_IS_TRAINING_FORM (self));
  ink_augment_preview_set_images (self->aug_preview, images, n);
}

InkAugmentPreview *
ink_training_form_get_augment_preview (InkTrainingForm *self)
{
  g_return_val_if_fail (INK_IS_TRAINING_FORM (self), NULL);
  return self->aug_preview;
}

gboolean
ink_training_form_get_valid (InkTrainingForm *self)
{
  g_return_val_if_fail (INK_IS_TRAINING_FORM (self), FALSE);
  return self->valid;
}

InkOptimizerKind
ink_training_form_get_optimizer_kind (InkTrainingForm *self)
{
  g_return_val_if_fail (INK_IS_TRAINING_FORM (self), INK_OPT_SGD);
  return shown_kind (self);
}

float
ink_training_form_get_ema_decay (InkTrainingForm *self)
{
  double v;

  g_return_val_if_fail (INK_IS_TRAINING_FORM (self), 0.0f);
  return field_value (self, F_EMA, &v, NULL, NULL) ? (float) v : 0.0f;
}

guint
ink_training_form_get_batch_size (InkTrainingForm *self)
{
  gint64 iv;

  g_return_val_if_fail (INK_IS_TRAINING_FORM (self), 0);
  return field_value (self, F_BATCH, NULL, &iv, NULL) ? (guint) iv : 0;
}

/* ------------------------------------------------------------------------ */

static void
ink_training_form_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  InkTrainingForm *self = INK_TRAINING_FORM (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_training_form_dispose (GObject *object)
{
  InkTrainingForm *self = INK_TRAINING_FORM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (ink_training_form_parent_class)->dispose (object);
}

static void
ink_training_form_finalize (GObject *object)
{
  InkTrainingForm *self = INK_TRAINING_FORM (object);

  g_clear_object (&self->cancellable);
  g_free (self->cuda_reason);
  g_free (self->pt_epochs_text);
  g_free (self->pt_lr_text);
  g_free (self->pt_decay_text);
  g_free (self->pt_cdk_text);
  G_OBJECT_CLASS (ink_training_form_parent_class)->finalize (object);
}

static void
ink_training_form_class_init (InkTrainingFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = ink_training_form_get_property;
  object_class->dispose = ink_training_form_dispose;
  object_class->finalize = ink_training_form_finalize;

  properties[PROP_VALID] = ink_form_valid_pspec ();
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = ink_form_changed_new (G_TYPE_FROM_CLASS (klass));

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inktrainingform");
}

static void
ink_training_form_init (InkTrainingForm *self)
{
  g_autoptr(InkExperiment) defaults = ink_experiment_new_default ();

  self->cancellable = g_cancellable_new ();
  build_ui (self);
  ink_training_form_set_experiment (self, defaults);
  start_cuda_check (self);
}

InkTrainingForm *
ink_training_form_new (void)
{
  return g_object_new (INK_TYPE_TRAINING_FORM, NULL);
}
