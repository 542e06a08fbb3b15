/* ink-run.c
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

/* A training run: the trainer in a worker thread, its events handed to
 * the main loop, progress, history, weights, the ledger record. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-epoch-item.h"
#include "ink-model.h"
#include "ink-run.h"

/* ------------------------------------------------------------------------ */
/* InkData                                                                   */

static void
ink_data_free (InkData *data)
{
  g_free (data->dir);
  ink_dataset_free (data->train);
  ink_dataset_free (data->test);
}

InkData *
ink_data_load (const char  *dir,
               GError     **error)
{
  InkData *data = g_rc_box_new0 (InkData);

  data->dir = g_strdup (dir);
  if (!ink_dataset_load_dir (dir, &data->train, &data->test, error))
    {
      g_rc_box_release_full (data, (GDestroyNotify) ink_data_free);
      return NULL;
    }
  return data;
}

InkData *
ink_data_ref (InkData *data)
{
  return g_rc_box_acquire (data);
}

void
ink_data_unref (InkData *data)
{
  g_rc_box_release_full (data, (GDestroyNotify) ink_data_free);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  gboolean pending;
  guint    epoch;
  guint    batch;
  guint    n_batches;
  double   loss;
  double   acc;
  double   sps;
} Progress;

typedef struct
{
  GBytes     *params;
  InkNorm     norm;
  InkMetrics  metrics;
  gboolean    have_metrics;
  InkStopReason reason;
  char       *message;
  guint       best_epoch;
} Result;

struct _InkRun
{
  GObject        parent_instance;

  InkExperiment *exp;
  char          *data_dir;
  char          *ledger_root;
  GCancellable  *cancel;
  GMainContext  *context;
  GListStore    *history;
  guint          best_epoch;      /* the kept model's epoch; 0: none (stopped before epoch 1 ended) */

  /* main thread */
  InkRunState    state;
  InkData       *data;
  guint          epoch, batch, n_batches;
  double         running_loss, running_acc, sps, eta;
  char          *message;
  InkStopReason  reason;
  double         test_acc;
  GBytes        *params;
  InkNorm        norm;
  gboolean       have_norm;
  InkMetrics     metrics;
  gboolean       have_metrics;
  char          *ledger_id;
  GError        *error;
  GArray        *batch_points;
  /* the minibatch curve: mean loss of the minibatches since the previous
   * progress update, exponentially smoothed across epochs */
  guint          smooth_epoch;
  guint          smooth_batches;
  double         smooth_sum;
  double         smooth_value;
  gboolean       smooth_started;
  guint          n_train;
  GArray        *pretrain_history;  /* InkRunPretrainEpoch */
  gboolean       pretraining;

  /* shared with the worker, under `lock` */
  GMutex         lock;
  InkTrainer    *trainer;
  gboolean       paused;
  Progress       progress;
  GQueue         epochs;        /* InkEpochRecord* */
  GArray        *pretrain_epochs;  /* InkRunPretrainEpoch, not yet signalled */
  GBytes        *weights;
  GBytes        *pretrain_weights;   /* the latest snapshot taken while pretraining */
  char          *phase;
  InkData       *loaded;
  char          *new_ledger_id;
  InkNorm        new_norm;
  gboolean       have_new_norm;
  guint          idle_id;
};

G_DEFINE_FINAL_TYPE (InkRun, ink_run, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_EPOCH,
  PROP_BATCH,
  PROP_N_BATCHES,
  PROP_RUNNING_LOSS,
  PROP_SAMPLES_PER_SECOND,
  PROP_ETA_SECONDS,
  PROP_FRACTION,
  PROP_MESSAGE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_PROGRESS, SIGNAL_EPOCH, SIGNAL_PRETRAIN_EPOCH, SIGNAL_WEIGHTS, SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

const char *
ink_run_state_to_string (InkRunState state)
{
  switch (state)
    {
    case INK_RUN_IDLE: return _("Ready");
    case INK_RUN_LOADING: return _("Loading");
    case INK_RUN_RUNNING: return _("Training");
    case INK_RUN_PAUSED: return _("Paused");
    case INK_RUN_STOPPING: return _("Stopping");
    case INK_RUN_FINISHED: return _("Finished");
    case INK_RUN_FAILED: return _("Failed");
    default: return "?";
    }
}

static void
set_state (InkRun *self, InkRunState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_message (InkRun *self, const char *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
ink_run_dispose (GObject *object)
{
  InkRun *self = INK_RUN (object);

  g_cancellable_cancel (self->cancel);
  G_OBJECT_CLASS (ink_run_parent_class)->dispose (object);
}

static void
ink_run_finalize (GObject *object)
{
  InkRun *self = INK_RUN (object);

  g_assert (self->idle_id == 0);
  ink_experiment_free (self->exp);
  g_free (self->data_dir);
  g_free (self->ledger_root);
  g_clear_object (&self->cancel);
  g_main_context_unref (self->context);
  g_clear_object (&self->history);
  g_clear_pointer (&self->data, ink_data_unref);
  g_clear_pointer (&self->loaded, ink_data_unref);
  g_free (self->message);
  g_free (self->phase);
  g_free (self->ledger_id);
  g_free (self->new_ledger_id);
  g_clear_error (&self->error);
  g_clear_pointer (&self->params, g_bytes_unref);
  g_clear_pointer (&self->weights, g_bytes_unref);
  g_clear_pointer (&self->pretrain_weights, g_bytes_unref);
  g_queue_clear_full (&self->epochs, g_free);
  g_array_unref (self->batch_points);
  g_array_unref (self->pretrain_history);
  g_array_unref (self->pretrain_epochs);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (ink_run_parent_class)->finalize (object);
}

static void
ink_run_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  InkRun *self = INK_RUN (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_int (value, self->state); break;
    case PROP_EPOCH: g_value_set_uint (value, self->epoch); break;
    case PROP_BATCH: g_value_set_uint (value, self->batch); break;
    case PROP_N_BATCHES: g_value_set_uint (value, self->n_batches); break;
    case PROP_RUNNING_LOSS: g_value_set_double (value, self->running_loss); break;
    case PROP_SAMPLES_PER_SECOND: g_value_set_double (value, self->sps); break;
    case PROP_ETA_SECONDS: g_value_set_double (value, self->eta); break;
    case PROP_FRACTION: g_value_set_double (value, ink_run_get_fraction (self)); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_run_class_init (InkRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ink_run_dispose;
  object_class->finalize = ink_run_finalize;
  object_class->get_property = ink_run_get_property;

  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, INK_RUN_FAILED, 0,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EPOCH] = g_param_spec_uint ("epoch", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BATCH] = g_param_spec_uint ("batch", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_BATCHES] = g_param_spec_uint ("n-batches", NULL, NULL, 0, G_MAXUINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING_LOSS] = g_param_spec_double ("running-loss", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SAMPLES_PER_SECOND] = g_param_spec_double ("samples-per-second", NULL, NULL, 0, G_MAXDOUBLE, 0,
                                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ETA_SECONDS] = g_param_spec_double ("eta-seconds", NULL, NULL, -1, G_MAXDOUBLE, -1,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_EPOCH] = g_signal_new ("epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, INK_TYPE_EPOCH_ITEM);
  signals[SIGNAL_PRETRAIN_EPOCH] =
    g_signal_new ("pretrain-epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_DOUBLE);
  signals[SIGNAL_WEIGHTS] = g_signal_new ("weights", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ink_run_init (InkRun *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->epochs);
  self->cancel = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->history = g_list_store_new (INK_TYPE_EPOCH_ITEM);
  self->batch_points = g_array_new (FALSE, FALSE, sizeof (double));
  self->pretrain_history = g_array_new (FALSE, FALSE, sizeof (InkRunPretrainEpoch));
  self->pretrain_epochs = g_array_new (FALSE, FALSE, sizeof (InkRunPretrainEpoch));
  self->test_acc = NAN;
  self->eta = -1;
}

InkRun *
ink_run_new (const InkExperiment *exp,
             InkData             *data,
             const char          *data_dir)
{
  InkRun *self = g_object_new (INK_TYPE_RUN, NULL);

  self->exp = ink_experiment_copy (exp);
  self->data = data ? ink_data_ref (data) : NULL;
  self->data_dir = g_strdup (data_dir);
  return self;
}

void
ink_run_set_ledger_root (InkRun     *self,
                         const char *root)
{
  g_free (self->ledger_root);
  self->ledger_root = g_strdup (root);
}

/* ------------------------------------------------------------------------ */
/* worker → main                                                             */

/* What the worker left since the last drain, taken under the lock */
typedef struct
{
  Progress  progress;
  GQueue    epochs;             /* InkEpochRecord* */
  GArray   *pretrain;           /* InkRunPretrainEpoch */
  GBytes   *weights;
  GBytes   *pretrain_weights;
  char     *phase;
  InkData  *loaded;
} Drained;

/* Takes the worker's events, and adopts its normalization and ledger id */
static void
take_events (InkRun  *self,
             Drained *d)
{
  g_mutex_lock (&self->lock);
  self->idle_id = 0;
  d->progress = self->progress;
  self->progress.pending = FALSE;
  d->epochs = self->epochs;
  g_queue_init (&self->epochs);
  d->pretrain = self->pretrain_epochs;
  self->pretrain_epochs = g_array_new (FALSE, FALSE, sizeof (InkRunPretrainEpoch));
  d->weights = g_steal_pointer (&self->weights);
  d->pretrain_weights = g_steal_pointer (&self->pretrain_weights);
  d->phase = g_steal_pointer (&self->phase);
  d->loaded = g_steal_pointer (&self->loaded);
  if (self->have_new_norm)
    {
      self->norm = self->new_norm;
      self->have_norm = TRUE;
      self->have_new_norm = FALSE;
    }
  if (self->new_ledger_id)
    {
      g_free (self->ledger_id);
      self->ledger_id = g_steal_pointer (&self->new_ledger_id);
    }
  g_mutex_unlock (&self->lock);
}

/* pretraining or training has begun: the run is no longer loading */
static void
enter_phase (InkRun   *self,
             gboolean  pretraining)
{
  self->pretraining = pretraining;
  if (self->state == INK_RUN_LOADING)
    set_state (self, INK_RUN_RUNNING);
}

static void
adopt_data (InkRun  *self,
            InkData *loaded)
{
  g_clear_pointer (&self->data, ink_data_unref);
  self->data = loaded;
}

/* What pretraining reported comes first, as pretraining, even when the
 * worker has moved on to training since.  Takes pretrain_weights. */
static void
emit_pretraining (InkRun *self,
                  GArray *pretrain,
                  GBytes *pretrain_weights)
{
  if (pretrain->len > 0 || pretrain_weights != NULL)
    enter_phase (self, TRUE);
  for (guint i = 0; i < pretrain->len; i++)
    {
      InkRunPretrainEpoch e = g_array_index (pretrain, InkRunPretrainEpoch, i);

      g_array_append_val (self->pretrain_history, e);
      g_signal_emit (self, signals[SIGNAL_PRETRAIN_EPOCH], 0,
                     e.layer, e.n_layers, e.epoch, e.n_epochs, e.recon_error);
    }
  if (pretrain->len > 0)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
  if (pretrain_weights != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_WEIGHTS], 0, pretrain_weights);
      g_bytes_unref (pretrain_weights);
    }
}

/* Takes phase. */
static void
apply_phase (InkRun *self,
             char   *phase)
{
  if (g_str_has_prefix (phase, "pretrain"))
    enter_phase (self, TRUE);
  else if (g_str_equal (phase, "training"))
    enter_phase (self, FALSE);
  g_free (phase);
}

/* Takes the records. */
static void
emit_epochs (InkRun *self,
             GQueue *epochs)
{
  InkEpochRecord *rec;

  while ((rec = g_queue_pop_head (epochs)))
    {
      g_autoptr(InkEpochItem) item = ink_epoch_item_new (rec);
      g_list_store_append (self->history, item);
      g_signal_emit (self, signals[SIGNAL_EPOCH], 0, item);
      g_free (rec);
    }
}

/* The minibatch curve: the mean loss of the minibatches since the previous
 * update, exponentially smoothed across epochs. */
static void
extend_batch_curve (InkRun         *self,
                    const Progress *p)
{
  double x = (p->epoch - 1) + (double) p->batch / MAX (p->n_batches, 1);
  double sum = p->loss * p->batch;   /* the epoch's running mean × its minibatches */

  if (p->epoch != self->smooth_epoch)
    {
      self->smooth_epoch = p->epoch;
      self->smooth_batches = 0;
      self->smooth_sum = 0;
    }
  if (p->batch > self->smooth_batches && isfinite (sum))
    {
      double interval = (sum - self->smooth_sum) / (p->batch - self->smooth_batches);
      self->smooth_value = self->smooth_started ? 0.7 * self->smooth_value + 0.3 * interval : interval;
      self->smooth_started = TRUE;
      self->smooth_sum = sum;
      self->smooth_batches = p->batch;
      g_array_append_val (self->batch_points, x);
      g_array_append_val (self->batch_points, self->smooth_value);
    }
}

static void
apply_progress (InkRun         *self,
                const Progress *p)
{
  double remaining;
  guint B = self->exp->batch_size;

  self->epoch = p->epoch;
  self->batch = p->batch;
  self->n_batches = p->n_batches;
  self->running_loss = p->loss;
  self->running_acc = p->acc;
  self->sps = p->sps;
  remaining = ((double) (self->exp->epochs - p->epoch) * p->n_batches + (p->n_batches - p->batch)) * B;
  self->eta = p->sps > 0 ? remaining / p->sps : -1;
  extend_batch_curve (self, p);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EPOCH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_BATCHES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING_LOSS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLES_PER_SECOND]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA_SECONDS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
}

/* Takes weights. */
static void
emit_weights (InkRun *self,
              GBytes *weights)
{
  g_signal_emit (self, signals[SIGNAL_WEIGHTS], 0, weights);
  g_bytes_unref (weights);
}

/* On the main thread: what the worker reported, in order: the loaded data,
 * pretraining, the phase, finished epochs, progress, the latest weights. */
static gboolean
drain_events (gpointer user_data)
{
  InkRun *self = user_data;
  Drained d;

  take_events (self, &d);
  if (d.loaded)
    adopt_data (self, d.loaded);
  emit_pretraining (self, d.pretrain, d.pretrain_weights);
  if (d.phase)
    apply_phase (self, d.phase);
  emit_epochs (self, &d.epochs);
  if (d.progress.pending)
    apply_progress (self, &d.progress);
  if (d.weights)
    emit_weights (self, d.weights);
  g_array_unref (d.pretrain);
  return G_SOURCE_REMOVE;
}

/* with self->lock held */
static void
schedule_drain_locked (InkRun *self)
{
  GSource *source;

  if (self->idle_id != 0)
    return;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, drain_events, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[inkling] run events");
  self->idle_id = g_source_attach (source, self->context);
  g_source_unref (source);
}

typedef struct
{
  InkRun       *self;
  InkLedgerRun *ledger;
  gboolean      in_pretrain;   /* the worker's phase (the main side may see it later) */
} WorkerCtx;

static void
on_trainer_event (const InkTrainEvent *ev, gpointer user_data)
{
  WorkerCtx *w = user_data;
  InkRun *self = w->self;

  switch (ev->kind)
    {
    case INK_EVENT_PHASE:
      w->in_pretrain = g_str_has_prefix (ev->phase, "pretrain");
      g_mutex_lock (&self->lock);
      g_free (self->phase);
      self->phase = g_strdup (ev->phase);
      schedule_drain_locked (self);
      g_mutex_unlock (&self->lock);
      break;
    case INK_EVENT_PROGRESS:
      g_mutex_lock (&self->lock);
      self->progress = (Progress) { TRUE, ev->epoch, ev->batch, ev->n_batches, ev->running_loss,
                                    ev->running_acc, ev->samples_per_sec };
      schedule_drain_locked (self);
      g_mutex_unlock (&self->lock);
      break;
    case INK_EVENT_EPOCH:
      {
        g_autoptr(GError) error = NULL;
        if (w->ledger && !ink_ledger_run_add_epoch (w->ledger, ev->record, &error))
          g_warning ("run ledger: %s", error->message);
        g_mutex_lock (&self->lock);
        g_queue_push_tail (&self->epochs, g_memdup2 (ev->record, sizeof *ev->record));
        /* the epoch's end is also the end of its progress */
        self->progress = (Progress) { TRUE, ev->epoch, ev->n_batches, ev->n_batches, ev->record->train_loss,
                                      ev->record->train_acc, self->progress.sps };
        schedule_drain_locked (self);
        g_mutex_unlock (&self->lock);
      }
      break;
    case INK_EVENT_WEIGHTS:
      {
        GBytes *copy = g_bytes_new (ev->params, ev->n_params * sizeof (float));
        GBytes **slot;

        g_mutex_lock (&self->lock);
        /* pretraining's snapshots are kept apart, so that one is shown as
         * the RBM's filters even when training has begun by the time the
         * main loop looks */
        slot = w->in_pretrain ? &self->pretrain_weights : &self->weights;
        g_clear_pointer (slot, g_bytes_unref);
        *slot = copy;
        schedule_drain_locked (self);
        g_mutex_unlock (&self->lock);
      }
      break;
    case INK_EVENT_PRETRAIN_EPOCH:
      {
        InkRunPretrainEpoch e = { ev->layer, ev->n_layers, ev->epoch, ev->n_epochs,
                                  ev->recon_error, ev->duration };
        g_mutex_lock (&self->lock);
        g_array_append_val (self->pretrain_epochs, e);
        schedule_drain_locked (self);
        g_mutex_unlock (&self->lock);
      }
      break;
    case INK_EVENT_FINISHED:
    default:
      break;
    }
}

static void
result_free (Result *r)
{
  g_clear_pointer (&r->params, g_bytes_unref);
  g_free (r->message);
  g_free (r);
}

static void
run_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  InkRun *self = source;
  g_autoptr(InkData) data = NULL;
  g_autoptr(InkTrainer) trainer = NULL;
  g_autoptr(InkLedgerRun) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *model_path = NULL, *ckpt = NULL;
  WorkerCtx w = { self, NULL };
  Result *r;
  gsize n;
  const InkMetrics *m;

  /* the dataset: given, or loaded here */
  g_mutex_lock (&self->lock);
  data = self->data ? ink_data_ref (self->data) : NULL;
  g_mutex_unlock (&self->lock);
  if (data == NULL)
    {
      g_autofree char *dir = self->data_dir ? g_strdup (self->data_dir) : ink_dataset_find (self->exp->dataset, &error);
      if (dir == NULL || !(data = ink_data_load (dir, &error)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_mutex_lock (&self->lock);
      self->loaded = ink_data_ref (data);
      schedule_drain_locked (self);
      g_mutex_unlock (&self->lock);
    }

  /* a huge network takes minutes to draw: Stop must not wait for it */
  trainer = ink_trainer_new_cancellable (self->exp, data->train, data->test, cancellable, &error);
  if (trainer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  ledger = ink_ledger_run_create (self->ledger_root, self->exp, &error);
  if (ledger == NULL)
    {
      g_prefix_error (&error, _("the run ledger: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  ckpt = ink_ledger_run_checkpoint_path (ledger);
  ink_trainer_set_checkpoint (trainer, ckpt);
  w.ledger = ledger;

  g_mutex_lock (&self->lock);
  self->trainer = trainer;
  ink_trainer_set_paused (trainer, self->paused);
  self->new_ledger_id = g_strdup (ledger->id);
  self->new_norm = *ink_trainer_norm (trainer);
  self->have_new_norm = TRUE;
  schedule_drain_locked (self);
  g_mutex_unlock (&self->lock);

  if (!ink_trainer_run (trainer, cancellable, on_trainer_event, &w, &error))
    {
      g_mutex_lock (&self->lock);
      self->trainer = NULL;
      g_mutex_unlock (&self->lock);
      ink_ledger_run_finish (ledger, "failed", error->message, NAN, 0, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_mutex_lock (&self->lock);
  self->trainer = NULL;
  g_mutex_unlock (&self->lock);

  r = g_new0 (Result, 1);
  n = ink_trainer_network (trainer)->n_params;
  /* a run that completed no epoch has no model to hand on */
  if (ink_trainer_best_epoch (trainer) > 0)
    {
      float *p = g_new (float, n);
      ink_network_get_params (ink_trainer_network (trainer), p);
      r->params = g_bytes_new_take (p, n * sizeof (float));
    }
  r->norm = *ink_trainer_norm (trainer);
  m = ink_trainer_test_metrics (trainer, NULL);
  if (m)
    {
      r->metrics = *m;
      r->have_metrics = TRUE;
    }
  r->reason = ink_trainer_stop_reason (trainer);
  r->message = g_strdup (ink_trainer_stop_message (trainer));
  r->best_epoch = ink_trainer_best_epoch (trainer);

  /* nothing is lost: the reported model goes into the run's folder */
  model_path = ink_ledger_run_model_path (ledger);
  if (!ink_trainer_save_model (trainer, model_path, &error))
    {
      /* a run stopped before its first epoch ended has no model: its
       * folder keeps the experiment and the reason, no untrained weights */
      if (!g_error_matches (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_NO_MODEL))
        g_warning ("run ledger: %s", error->message);
      g_clear_error (&error);
    }
  ink_ledger_run_finish (ledger, ink_stop_reason_to_string (r->reason), r->message,
                         m ? ink_metrics_accuracy (m) : NAN, r->best_epoch, NULL);
  g_task_return_pointer (task, r, (GDestroyNotify) result_free);
}

static void
run_done (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  InkRun *self = INK_RUN (source);
  g_autoptr(GError) error = NULL;
  Result *r;

  /* deliver what the worker posted last, in order, before the end */
  g_mutex_lock (&self->lock);
  if (self->idle_id)
    {
      GSource *s = g_main_context_find_source_by_id (self->context, self->idle_id);
      if (s)
        g_source_destroy (s);
      self->idle_id = 0;
    }
  g_mutex_unlock (&self->lock);
  g_object_ref (self);
  drain_events (self);

  r = g_task_propagate_pointer (G_TASK (res), &error);
  if (r == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* stopped while it was being prepared: a stop, not a failure */
      self->reason = INK_STOP_CANCELLED;
      self->best_epoch = 0;
      self->test_acc = NAN;
      self->eta = 0;
      set_message (self, error->message);
      set_state (self, INK_RUN_FINISHED);
    }
  else if (r == NULL)
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
      set_message (self, error->message);
      set_state (self, INK_RUN_FAILED);
    }
  else
    {
      self->params = r->params ? g_bytes_ref (r->params) : NULL;
      self->best_epoch = r->best_epoch;
      self->norm = r->norm;
      self->have_norm = TRUE;
      self->metrics = r->metrics;
      self->have_metrics = r->have_metrics;
      self->reason = r->reason;
      self->test_acc = r->have_metrics ? ink_metrics_accuracy (&r->metrics) : NAN;
      self->eta = 0;
      set_message (self, r->message);
      set_state (self, INK_RUN_FINISHED);
      result_free (r);
    }
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
  g_object_unref (self);
}

void
ink_run_start (InkRun *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (INK_IS_RUN (self));
  g_return_if_fail (self->state == INK_RUN_IDLE);

  set_message (self, self->data ? NULL : _("Loading the dataset…"));
  set_state (self, INK_RUN_LOADING);
  task = g_task_new (self, self->cancel, run_done, NULL);
  g_task_set_source_tag (task, ink_run_start);
  g_task_set_name (task, "[inkling] training run");
  g_task_set_return_on_cancel (task, FALSE);
  /* a stopped run still returns its results (best weights, test score) */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

void
ink_run_set_paused (InkRun  *self,
                    gboolean paused)
{
  g_return_if_fail (INK_IS_RUN (self));
  if (self->state != INK_RUN_RUNNING && self->state != INK_RUN_PAUSED && self->state != INK_RUN_LOADING)
    return;
  g_mutex_lock (&self->lock);
  self->paused = paused;
  if (self->trainer)
    ink_trainer_set_paused (self->trainer, paused);
  g_mutex_unlock (&self->lock);
  if (self->state != INK_RUN_LOADING)
    set_state (self, paused ? INK_RUN_PAUSED : INK_RUN_RUNNING);
}

void
ink_run_stop (InkRun *self)
{
  g_return_if_fail (INK_IS_RUN (self));
  if (self->state != INK_RUN_RUNNING && self->state != INK_RUN_PAUSED && self->state != INK_RUN_LOADING)
    return;
  g_cancellable_cancel (self->cancel);
  set_state (self, INK_RUN_STOPPING);
}

void
ink_run_request_weights (InkRun *self)
{
  g_mutex_lock (&self->lock);
  if (self->trainer)
    ink_trainer_request_weights (self->trainer);
  g_mutex_unlock (&self->lock);
}

InkRunState ink_run_get_state (InkRun *self) { return self->state; }
const InkExperiment *ink_run_get_experiment (InkRun *self) { return self->exp; }
GListModel *ink_run_get_history (InkRun *self) { return G_LIST_MODEL (self->history); }
guint ink_run_get_epoch (InkRun *self) { return self->epoch; }
guint ink_run_get_best_epoch (InkRun *self) { return self->best_epoch; }
guint ink_run_get_epochs_done (InkRun *self) { return g_list_model_get_n_items (G_LIST_MODEL (self->history)); }
guint ink_run_get_batch (InkRun *self) { return self->batch; }
guint ink_run_get_n_batches (InkRun *self) { return self->n_batches; }
double ink_run_get_running_loss (InkRun *self) { return self->running_loss; }
double ink_run_get_running_acc (InkRun *self) { return self->running_acc; }
double ink_run_get_samples_per_second (InkRun *self) { return self->sps; }
double ink_run_get_eta_seconds (InkRun *self) { return self->eta; }
const char *ink_run_get_message (InkRun *self) { return self->message; }
InkStopReason ink_run_get_reason (InkRun *self) { return self->reason; }
double ink_run_get_test_accuracy (InkRun *self) { return self->test_acc; }
InkData *ink_run_get_data (InkRun *self) { return self->data; }
GBytes *ink_run_get_params (InkRun *self) { return self->params; }
const InkNorm *ink_run_get_norm (InkRun *self) { return self->have_norm ? &self->norm : NULL; }
const InkMetrics *ink_run_get_test_metrics (InkRun *self) { return self->have_metrics ? &self->metrics : NULL; }

const GError *
ink_run_get_error (InkRun *self)
{
  return self->error;
}

const char *
ink_run_get_ledger_id (InkRun *self)
{
  return self->ledger_id;
}

double
ink_run_get_fraction (InkRun *self)
{
  double f;
  /* a run stopped or diverged part-way shows how far it got */
  if (self->state == INK_RUN_FINISHED && (self->reason == INK_STOP_COMPLETED || self->reason == INK_STOP_EARLY))
    return 1.0;
  if (self->state == INK_RUN_FINISHED)
    return self->exp->epochs ? CLAMP ((double) g_list_model_get_n_items (G_LIST_MODEL (self->history)) / self->exp->epochs, 0.0, 1.0) : 0.0;
  if (self->n_batches == 0 || self->exp->epochs == 0)
    return 0.0;
  f = ((self->epoch ? self->epoch - 1 : 0) + (double) self->batch / self->n_batches) / self->exp->epochs;
  return CLAMP (f, 0.0, 1.0);
}

gboolean
ink_run_get_pretraining (InkRun *self)
{
  return self->pretraining && (self->state == INK_RUN_RUNNING || self->state == INK_RUN_PAUSED ||
                               self->state == INK_RUN_STOPPING || self->state == INK_RUN_LOADING);
}

const InkRunPretrainEpoch *
ink_run_get_pretrain_epochs (InkRun *self,
                             guint  *n)
{
  if (n)
    *n = self->pretrain_history->len;
  return (const InkRunPretrainEpoch *) (gpointer) self->pretrain_history->data;
}

GArray *
ink_run_take_batch_points (InkRun *self)
{
  GArray *out = self->batch_points;
  self->batch_points = g_array_new (FALSE, FALSE, sizeof (double));
  return out;
}
