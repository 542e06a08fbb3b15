/* ink-train-page.c
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

/* The Train page: progress, the live charts and the epoch table of a
 * run, the outcome, overlaid earlier runs. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ink-cairo-util.h"
#include "ink-chart.h"
#include "ink-epoch-item.h"
#include "ink-epoch-table.h"
#include "ink-layer-editor.h"
#include "ink-ledger.h"
#include "ink-markup.h"
#include "ink-number-field.h"
#include "ink-train-page.h"

struct _InkTrainPage
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkLabel       *status;
  GtkProgressBar *progress;
  GtkRevealer    *outcome_revealer;
  GtkLabel       *outcome;
  GtkToggleButton *log_toggle;
  InkChart       *loss_chart;
  InkChart       *acc_chart;
  InkChart       *pretrain_chart;   /* shown only for runs that pretrain */
  GtkAdjustment  *smoothing;        /* of the per-minibatch loss curve */
  GSettings      *settings;         /* NULL when the schema is not installed */
  InkEpochTable  *table;

  InkRun         *run;
  guint           s_train_loss, s_valid_loss, s_batch_loss;
  guint           s_train_acc, s_valid_acc;
  GArray         *overlay_series;   /* guint ids, in both charts */
  GArray         *pretrain_series;  /* guint ids of the pretraining chart, by layer - 1 */
  char           *status_text;
  char           *outcome_text;
  char           *ledger_id;        /* the ledger run shown instead of a live one */
  char           *ledger_name;      /* its name, as renamed on the Runs page */
  InkExperiment  *ledger_exp;       /* and its experiment */
};

G_DEFINE_FINAL_TYPE (InkTrainPage, ink_train_page, GTK_TYPE_WIDGET)

static char *
format_duration (double s)
{
  int t = (int) round (s);
  if (s < 0 || !isfinite (s))
    return g_strdup ("—");
  if (t >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
  return g_strdup_printf ("%d:%02d", t / 60, t % 60);
}

static void
set_status (InkTrainPage *self, const char *text)
{
  g_free (self->status_text);
  self->status_text = g_strdup (text);
  gtk_label_set_text (self->status, text);
}

static void
update_progress (InkTrainPage *self)
{
  InkRun *run = self->run;
  const InkExperiment *exp;
  InkRunState state;
  g_autofree char *text = NULL;

  if (run == NULL && self->ledger_id)
    return;   /* a run opened from the ledger: its status stays */
  if (run == NULL)
    {
      set_status (self, _("Press Train (Ctrl+Enter) to start a run with the experiment from the Design page"));
      gtk_progress_bar_set_fraction (self->progress, 0);
      return;
    }
  exp = ink_run_get_experiment (run);
  state = ink_run_get_state (run);
  if (ink_run_get_pretraining (run))
    {
      guint n;
      const InkRunPretrainEpoch *e = ink_run_get_pretrain_epochs (run, &n);
      double fraction = 0.0;

      if (n == 0)
        text = g_strdup_printf (_("%s · pretraining the first hidden layer…"), exp->name);
      else
        {
          e += n - 1;
          text = g_strdup_printf (_("%s · %s · pretraining layer %u of %u · epoch %u of %u · reconstruction error %.3f"),
                                  exp->name, ink_run_state_to_string (state), e->layer, e->n_layers,
                                  e->epoch, e->n_epochs, e->recon_error);
          fraction = ((e->layer - 1) + (double) e->epoch / MAX (e->n_epochs, 1)) / MAX (e->n_layers, 1);
        }
      set_status (self, text);
      gtk_progress_bar_set_fraction (self->progress, CLAMP (fraction, 0.0, 1.0));
      return;
    }
  if (state == INK_RUN_LOADING)
    text = g_strdup_printf (_("%s · preparing the data and the network…"), exp->name);
  else if (state == INK_RUN_FAILED)
    text = g_strdup_printf (_("%s · failed"), exp->name);
  else if (state == INK_RUN_FINISHED)
    {
      /* an ended run: how it ended, the epochs it completed (not the one
       * it was in), and the kept model's score — never a rate or an ETA */
      double acc = ink_run_get_test_accuracy (run);
      guint done = ink_run_get_epochs_done (run);
      g_autofree char *how = g_strdup (ink_stop_reason_to_string (ink_run_get_reason (run)));
      g_autofree char *epochs = g_strdup_printf (ngettext ("%u epoch completed", "%u epochs completed", done), done);

      how[0] = g_ascii_toupper (how[0]);
      if (ink_run_get_best_epoch (run) == 0)
        text = g_strdup_printf (_("%s · %s · %s · no model kept"), exp->name, how, epochs);
      else if (isfinite (acc))
        text = g_strdup_printf (_("%s · %s · %s · model of epoch %u: test accuracy %.2f%%"),
                                exp->name, how, epochs, ink_run_get_best_epoch (run), 100.0 * acc);
      else
        text = g_strdup_printf (_("%s · %s · %s"), exp->name, how, epochs);
    }
  else if (state == INK_RUN_PAUSED)
    {
      g_autofree char *batch = ink_format_count (ink_run_get_batch (run));
      g_autofree char *n_batches = ink_format_count (ink_run_get_n_batches (run));

      /* paused: nothing moves, so no rate and no ETA */
      text = g_strdup_printf (_("%s · paused · epoch %u of %u · minibatch %s of %s"),
                              exp->name, ink_run_get_epoch (run), exp->epochs, batch, n_batches);
    }
  else
    {
      g_autofree char *eta = format_duration (ink_run_get_eta_seconds (run));
      g_autofree char *rate = ink_format_count ((guint64) MAX (0.0, round (ink_run_get_samples_per_second (run))));
      g_autofree char *batch = ink_format_count (ink_run_get_batch (run));
      g_autofree char *n_batches = ink_format_count (ink_run_get_n_batches (run));

      text = g_strdup_printf (_("%s · %s · epoch %u of %u · minibatch %s of %s · %s samples/s · ETA %s"),
                              exp->name, ink_run_state_to_string (state),
                              ink_run_get_epoch (run), exp->epochs, batch, n_batches, rate, eta);
    }
  set_status (self, text);
  gtk_progress_bar_set_fraction (self->progress, ink_run_get_fraction (run));
}

static void
on_progress (InkRun *run, InkTrainPage *self)
{
  g_autoptr(GArray) pts = ink_run_take_batch_points (run);

  for (guint i = 0; i + 1 < pts->len; i += 2)
    ink_chart_series_append (self->loss_chart, self->s_batch_loss,
                             g_array_index (pts, double, i), g_array_index (pts, double, i + 1));
  update_progress (self);
}

static void
add_epoch (InkTrainPage *self, InkEpochItem *item)
{
  const InkEpochRecord *r = ink_epoch_item_get_record (item);

  ink_chart_series_append (self->loss_chart, self->s_train_loss, r->epoch, r->train_loss);
  ink_chart_series_append (self->loss_chart, self->s_valid_loss, r->epoch, r->valid_loss);
  ink_chart_series_append (self->acc_chart, self->s_train_acc, r->epoch, r->train_acc);
  ink_chart_series_append (self->acc_chart, self->s_valid_acc, r->epoch, r->valid_acc);
}

static void
add_pretrain_epoch (InkTrainPage *self,
                    guint         layer,
                    guint         epoch,
                    double        recon_error)
{
  if (layer == 0)
    return;
  while (self->pretrain_series->len < layer)
    {
      guint l = self->pretrain_series->len + 1;
      g_autofree char *label = g_strdup_printf (_("layer %u"), l);
      GdkRGBA c;
      guint id;

      ink_chart_palette (l - 1, &c);
      id = ink_chart_add_series (self->pretrain_chart, label, &c, INK_CHART_SOLID, TRUE);
      g_array_append_val (self->pretrain_series, id);
    }
  ink_chart_series_append (self->pretrain_chart, g_array_index (self->pretrain_series, guint, layer - 1),
                           epoch, recon_error);
  gtk_widget_set_visible (GTK_WIDGET (self->pretrain_chart), TRUE);
}

static void
on_pretrain_epoch (InkRun       *run,
                   guint         layer,
                   guint         n_layers,
                   guint         epoch,
                   guint         n_epochs,
                   double        recon_error,
                   InkTrainPage *self)
{
  add_pretrain_epoch (self, layer, epoch, recon_error);
}

static void
on_epoch (InkRun *run, InkEpochItem *item, InkTrainPage *self)
{
  add_epoch (self, item);
}

static void
on_state (InkRun *run, GParamSpec *pspec, InkTrainPage *self)
{
  update_progress (self);
}

static void
on_finished (InkRun *run, InkTrainPage *self)
{
  g_autofree char *text = NULL;

  if (ink_run_get_state (run) == INK_RUN_FAILED)
    text = g_strdup_printf (_("The run failed: %s"), ink_run_get_message (run));
  else
    {
      /* which weights were kept and why, in the trainer's own words; the
       * score is theirs, and matches their row of the table */
      const InkMetrics *m = ink_run_get_test_metrics (run);
      g_autofree char *how = g_strdup (ink_stop_reason_to_string (ink_run_get_reason (run)));
      g_autofree char *images = ink_format_count (m ? m->total : 0);

      how[0] = g_ascii_toupper (how[0]);
      if (ink_run_get_best_epoch (run) == 0)
        text = g_strdup_printf (_("No model: no epoch was completed.\n%s: %s"),
                                how, ink_run_get_message (run));
      else
        text = g_strdup_printf (_("Test accuracy of the model of epoch %u: %.2f%% (%s images)\n%s: %s"),
                                ink_run_get_best_epoch (run), 100 * ink_run_get_test_accuracy (run),
                                images,
                                how, ink_run_get_message (run));
    }
  g_free (self->outcome_text);
  self->outcome_text = g_strdup (text);
  gtk_label_set_text (self->outcome, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->outcome), "error");
  if (ink_run_get_state (run) == INK_RUN_FAILED || ink_run_get_reason (run) == INK_STOP_DIVERGED)
    gtk_widget_add_css_class (GTK_WIDGET (self->outcome), "error");
  gtk_revealer_set_reveal_child (self->outcome_revealer, TRUE);
  update_progress (self);
}

static void
reset_series (InkTrainPage *self)
{
  GdkRGBA c;

  ink_chart_clear (self->loss_chart);
  ink_chart_clear (self->acc_chart);
  ink_chart_clear (self->pretrain_chart);
  g_array_set_size (self->overlay_series, 0);
  g_array_set_size (self->pretrain_series, 0);
  ink_chart_palette (0, &c);
  self->s_train_loss = ink_chart_add_series (self->loss_chart, _("train loss"), &c, INK_CHART_SOLID, TRUE);
  self->s_train_acc = ink_chart_add_series (self->acc_chart, _("train accuracy"), &c, INK_CHART_SOLID, TRUE);
  ink_chart_palette (1, &c);
  self->s_valid_loss = ink_chart_add_series (self->loss_chart, _("valid loss"), &c, INK_CHART_SOLID, TRUE);
  self->s_valid_acc = ink_chart_add_series (self->acc_chart, _("valid accuracy"), &c, INK_CHART_SOLID, TRUE);
  ink_chart_palette (0, &c);
  self->s_batch_loss = ink_chart_add_series (self->loss_chart, _("train loss per minibatch"), &c,
                                             INK_CHART_THIN, TRUE);
  ink_chart_series_set_smoothing (self->loss_chart, self->s_batch_loss, gtk_adjustment_get_value (self->smoothing));
  ink_chart_set_note (self->loss_chart, NULL);
}

void
ink_train_page_set_run (InkTrainPage *self,
                        InkRun       *run)
{
  GListModel *history;

  if (self->run)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
    }
  g_clear_pointer (&self->ledger_id, g_free);
  g_clear_pointer (&self->ledger_name, g_free);
  g_clear_pointer (&self->ledger_exp, ink_experiment_free);
  reset_series (self);
  gtk_revealer_set_reveal_child (self->outcome_revealer, FALSE);
  g_clear_pointer (&self->outcome_text, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->pretrain_chart),
                          run != NULL && ink_run_get_experiment (run)->pretraining.enabled);
  if (run == NULL)
    {
      ink_epoch_table_set_model (self->table, NULL);
      update_progress (self);
      return;
    }
  self->run = g_object_ref (run);
  history = ink_run_get_history (run);
  ink_epoch_table_set_model (self->table, history);
  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(InkEpochItem) item = g_list_model_get_item (history, i);
      add_epoch (self, item);
    }
  {
    guint n;
    const InkRunPretrainEpoch *e = ink_run_get_pretrain_epochs (run, &n);

    for (guint i = 0; i < n; i++)
      add_pretrain_epoch (self, e[i].layer, e[i].epoch, e[i].recon_error);
  }
  g_signal_connect (run, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (run, "pretrain-epoch", G_CALLBACK (on_pretrain_epoch), self);
  g_signal_connect (run, "epoch", G_CALLBACK (on_epoch), self);
  g_signal_connect (run, "notify::state", G_CALLBACK (on_state), self);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), self);
  if (ink_run_get_state (run) == INK_RUN_FINISHED || ink_run_get_state (run) == INK_RUN_FAILED)
    on_finished (run, self);
  update_progress (self);
}

/* A finished run from the ledger, shown as the current one: its history in
 * the charts and the table, its status and its outcome. */
void
ink_train_page_show_ledger_run (InkTrainPage       *self,
                                const InkLedgerRun *run)
{
  g_autoptr(GListStore) store = g_list_store_new (INK_TYPE_EPOCH_ITEM);
  g_autofree char *status = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *acc = NULL;
  guint n, planned;

  g_return_if_fail (INK_IS_TRAIN_PAGE (self));
  g_return_if_fail (run != NULL);

  ink_train_page_set_run (self, NULL);
  self->ledger_id = g_strdup (run->id);
  self->ledger_name = g_strdup (ink_ledger_run_get_name (run));
  self->ledger_exp = ink_experiment_copy (run->experiment);
  n = run->history->len;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(InkEpochItem) item = ink_epoch_item_new (&g_array_index (run->history, InkEpochRecord, i));
      g_list_store_append (store, item);
      add_epoch (self, item);
    }
  ink_epoch_table_set_model (self->table, G_LIST_MODEL (store));

  acc = isfinite (run->test_accuracy) ? g_strdup_printf (_("test accuracy %.2f%%"), 100.0 * run->test_accuracy)
                                      : g_strdup (_("no test score"));
  /* Translators: the Train page showing a run opened from the Runs page:
   * name · how it ended · epochs · test accuracy · its ledger id */
  status = g_strdup_printf (ngettext ("%s · %s · %u epoch · %s · opened from the run ledger (%s)",
                                      "%s · %s · %u epochs · %s · opened from the run ledger (%s)", n),
                            ink_ledger_run_get_name (run), run->status, n, acc, run->id);
  set_status (self, status);
  planned = MAX (run->experiment->epochs, 1u);
  gtk_progress_bar_set_fraction (self->progress, CLAMP ((double) n / planned, 0.0, 1.0));

  {
    const char *sep = run->message && *run->message ? " — " : "";
    const char *msg = run->message ? run->message : "";

    if (isfinite (run->test_accuracy) && run->best_epoch > 0)
      outcome = g_strdup_printf (_("Test accuracy of the kept model: %.2f%% (best epoch %u)\nEnded: %s%s%s"),
                                 100.0 * run->test_accuracy, run->best_epoch, run->status, sep, msg);
    else if (isfinite (run->test_accuracy))
      outcome = g_strdup_printf (_("Test accuracy of the kept model: %.2f%%\nEnded: %s%s%s"),
                                 100.0 * run->test_accuracy, run->status, sep, msg);
    else
      outcome = g_strdup_printf (_("No test score\nEnded: %s%s%s"), run->status, sep, msg);
  }
  self->outcome_text = g_strdup (outcome);
  gtk_label_set_text (self->outcome, outcome);
  gtk_widget_remove_css_class (GTK_WIDGET (self->outcome), "error");
  if (g_str_equal (run->status, "failed") || g_str_equal (run->status, "diverged"))
    gtk_widget_add_css_class (GTK_WIDGET (self->outcome), "error");
  gtk_revealer_set_reveal_child (self->outcome_revealer, TRUE);
}

const char *
ink_train_page_get_ledger_id (InkTrainPage *self)
{
  g_return_val_if_fail (INK_IS_TRAIN_PAGE (self), NULL);
  return self->ledger_id;
}

guint
ink_train_page_get_n_rows (InkTrainPage *self)
{
  GListModel *model;

  g_return_val_if_fail (INK_IS_TRAIN_PAGE (self), 0);
  model = ink_epoch_table_get_model (self->table);
  return model ? g_list_model_get_n_items (model) : 0;
}

/* A short name for an overlaid run: its name (as renamed), shortened, and
 * when it started ("keras-mnist-mlp · 14:05", "theano-mlp · 3 Dec"). */
static char *
overlay_label (const InkLedgerRun *r)
{
  /* the name the user gave it on the Runs page, if any */
  const char *name = ink_ledger_run_get_name (r);
  g_autofree char *shortened = NULL;
  g_autofree char *when = NULL;
  g_autoptr(GDateTime) started = r->started > 0 ? g_date_time_new_from_unix_local (r->started) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_utf8_strlen (name, -1) > 18)
    {
      g_autofree char *head = g_utf8_substring (name, 0, 17);
      shortened = g_strconcat (head, "…", NULL);
    }
  else
    shortened = g_strdup (name);
  if (started == NULL)
    return g_steal_pointer (&shortened);
  if (g_date_time_get_year (started) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (started) == g_date_time_get_day_of_year (now))
    when = g_date_time_format (started, "%H:%M");
  else
    when = g_date_time_format (started, "%e %b");
  return g_strdup_printf ("%s · %s", shortened, g_strstrip (when));
}

void
ink_train_page_set_overlays (InkTrainPage *self,
                             GPtrArray    *runs)
{
  for (guint i = 0; i < self->overlay_series->len; i++)
    {
      guint id = g_array_index (self->overlay_series, guint, i);
      /* ids are per chart: the pair was added to both */
      if (id == 0)
        continue;   /* a loss not overlaid */
      if (i % 2 == 0)
        ink_chart_remove_series (self->loss_chart, id);
      else
        ink_chart_remove_series (self->acc_chart, id);
    }
  g_array_set_size (self->overlay_series, 0);
  ink_chart_set_note (self->loss_chart, NULL);
  {
    const char *shown = self->ledger_id ? self->ledger_id : self->run ? ink_run_get_ledger_id (self->run) : NULL;
    const InkExperiment *shown_exp = self->run ? ink_run_get_experiment (self->run) : self->ledger_exp;
    g_autoptr(GString) refused = g_string_new (NULL);
    guint colour = 2;

    for (guint i = 0; runs && i < runs->len; i++)
      {
        InkLedgerRun *r = runs->pdata[i];
        g_autofree char *label = NULL;
        gboolean other_loss;
        GdkRGBA c;
        guint a = 0, b;

        /* the run on show is drawn already: never over itself */
        if (shown && g_strcmp0 (r->id, shown) == 0)
          continue;
        label = overlay_label (r);
        /* an MSE loss and a cross-entropy are different quantities: no
         * shared axis, only the accuracies are compared */
        other_loss = shown_exp && shown_exp->net && r->experiment->net && shown_exp->net->loss != r->experiment->net->loss;
        ink_chart_palette (colour++, &c);
        if (!other_loss)
          a = ink_chart_add_series (self->loss_chart, label, &c, INK_CHART_DASHED, TRUE);
        else
          g_string_append_printf (refused, "%s%s", refused->len ? ", " : "", label);
        b = ink_chart_add_series (self->acc_chart, label, &c, INK_CHART_DASHED, TRUE);
        for (guint k = 0; k < r->history->len; k++)
          {
            const InkEpochRecord *rec = &g_array_index (r->history, InkEpochRecord, k);
            if (a)
              ink_chart_series_append (self->loss_chart, a, rec->epoch, rec->valid_loss);
            ink_chart_series_append (self->acc_chart, b, rec->epoch, rec->valid_acc);
          }
        /* pairs (loss, accuracy); 0: no loss curve */
        g_array_append_val (self->overlay_series, a);
        g_array_append_val (self->overlay_series, b);
      }
    if (refused->len > 0)
      {
        g_autofree char *note = g_strdup_printf (_("Loss not overlaid for %s: a different loss function (%s)"),
                                                 refused->str,
                                                 shown_exp->net->loss == INK_LOSS_MSE
                                                   ? _("this run: mean squared error")
                                                   : _("this run: cross-entropy"));
        ink_chart_set_note (self->loss_chart, note);
      }
  }
}

gboolean
ink_train_page_export_charts (InkTrainPage *self,
                              const char   *path,
                              GError      **error)
{
  InkChart *charts[] = { self->loss_chart, self->acc_chart };
  g_autofree char *title = ink_train_page_get_export_title (self);

  return ink_chart_export_stack_png (charts, G_N_ELEMENTS (charts), title, path, 1200, 940, error);
}

static const char *
dataset_name (const char *dataset)
{
  if (dataset == NULL || g_str_equal (dataset, "mnist"))
    return _("MNIST");
  if (g_str_equal (dataset, "fashion-mnist"))
    return _("Fashion-MNIST");
  return dataset;   /* a folder */
}

/* "keras-mnist-mlp · MNIST": the title of the exported charts */
char *
ink_train_page_get_export_title (InkTrainPage *self)
{
  const InkExperiment *exp;

  g_return_val_if_fail (INK_IS_TRAIN_PAGE (self), NULL);
  exp = self->run ? ink_run_get_experiment (self->run) : self->ledger_exp;
  if (exp == NULL)
    return NULL;
  if (self->ledger_id)
    /* Translators: the title of exported charts: run name · dataset · ledger id */
    return g_strdup_printf (_("%s · %s · run %s"), self->ledger_name, dataset_name (exp->dataset), self->ledger_id);
  /* Translators: the title of exported charts: run name · dataset */
  return g_strdup_printf (_("%s · %s"), exp->name, dataset_name (exp->dataset));
}

guint
ink_train_page_get_n_points (InkTrainPage *self)
{
  return ink_chart_get_n_points (self->loss_chart, self->s_valid_loss) +
         ink_chart_get_n_points (self->loss_chart, self->s_batch_loss);
}

guint
ink_train_page_get_n_pretrain_points (InkTrainPage *self)
{
  guint n = 0;

  g_return_val_if_fail (INK_IS_TRAIN_PAGE (self), 0);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->pretrain_chart)))
    return 0;
  for (guint i = 0; i < self->pretrain_series->len; i++)
    n += ink_chart_get_n_points (self->pretrain_chart, g_array_index (self->pretrain_series, guint, i));
  return n;
}

const char *
ink_train_page_get_status (InkTrainPage *self)
{
  return self->status_text;
}

const char *
ink_train_page_get_outcome (InkTrainPage *self)
{
  return self->outcome_text;
}

static void
on_log_toggled (GtkToggleButton *button, InkTrainPage *self)
{
  ink_chart_set_log_scale (self->loss_chart, gtk_toggle_button_get_active (button));
}

static void
on_smoothing_changed (GtkAdjustment *adj, InkTrainPage *self)
{
  ink_chart_series_set_smoothing (self->loss_chart, self->s_batch_loss, gtk_adjustment_get_value (adj));
}

/* the chart menu: smoothing of the per-minibatch curve, persisted when the
 * schema is installed */
static GtkWidget *
build_chart_menu (InkTrainPage *self)
{
  GtkWidget *button, *popover, *box, *label, *scale;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "org.inkling.Inkling", TRUE)
                                             : NULL;

  self->smoothing = g_object_ref_sink (gtk_adjustment_new (0.6, 0.0, 0.99, 0.05, 0.1, 0.0));
  if (schema && g_settings_schema_has_key (schema, "chart-smoothing"))
    {
      self->settings = g_settings_new ("org.inkling.Inkling");
      g_settings_bind (self->settings, "chart-smoothing", self->smoothing, "value", G_SETTINGS_BIND_DEFAULT);
    }
  g_signal_connect (self->smoothing, "value-changed", G_CALLBACK (on_smoothing_changed), self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  label = gtk_label_new_with_mnemonic (_("_Smoothing of the minibatch loss"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, self->smoothing);
  gtk_widget_set_name (scale, "smoothing");
  gtk_scale_set_digits (GTK_SCALE (scale), 2);
  gtk_scale_set_draw_value (GTK_SCALE (scale), TRUE);
  gtk_scale_set_value_pos (GTK_SCALE (scale), GTK_POS_RIGHT);
  gtk_scale_add_mark (GTK_SCALE (scale), 0.0, GTK_POS_BOTTOM, _("raw"));
  gtk_scale_add_mark (GTK_SCALE (scale), 0.9, GTK_POS_BOTTOM, NULL);
  gtk_widget_set_size_request (scale, 240, -1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), scale);
  gtk_box_append (GTK_BOX (box), scale);
  label = gtk_label_new (_("An exponential moving average over the minibatches; the raw curve stays faint behind it."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 34);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);

  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  button = gtk_menu_button_new ();
  gtk_widget_set_name (button, "chart-menu");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_tooltip_text (button, _("Chart options"));
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  ink_menu_button_quiet_tooltip (GTK_MENU_BUTTON (button));
  return button;
}

GtkWidget *
ink_train_page_get_loss_chart (InkTrainPage *self)
{
  g_return_val_if_fail (INK_IS_TRAIN_PAGE (self), NULL);
  return GTK_WIDGET (self->loss_chart);
}

GtkWidget *
ink_train_page_get_accuracy_chart (InkTrainPage *self)
{
  g_return_val_if_fail (INK_IS_TRAIN_PAGE (self), NULL);
  return GTK_WIDGET (self->acc_chart);
}

guint
ink_train_page_get_batch_series (InkTrainPage *self)
{
  g_return_val_if_fail (INK_IS_TRAIN_PAGE (self), 0);
  return self->s_batch_loss;
}

static void
ink_train_page_dispose (GObject *object)
{
  InkTrainPage *self = INK_TRAIN_PAGE (object);

  if (self->run)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (ink_train_page_parent_class)->dispose (object);
}

static void
ink_train_page_finalize (GObject *object)
{
  InkTrainPage *self = INK_TRAIN_PAGE (object);
  g_array_unref (self->overlay_series);
  g_array_unref (self->pretrain_series);
  g_clear_object (&self->smoothing);
  g_free (self->status_text);
  g_free (self->outcome_text);
  g_free (self->ledger_id);
  g_free (self->ledger_name);
  g_clear_pointer (&self->ledger_exp, ink_experiment_free);
  G_OBJECT_CLASS (ink_train_page_parent_class)->finalize (object);
}

static void
ink_train_page_class_init (InkTrainPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ink_train_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = ink_train_page_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
ink_train_page_init (InkTrainPage *self)
{
  GtkWidget *top, *paned, *charts, *tools, *export_button;

  self->overlay_series = g_array_new (FALSE, FALSE, sizeof (guint));
  self->pretrain_series = g_array_new (FALSE, FALSE, sizeof (guint));
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 8);
  gtk_widget_set_margin_bottom (self->box, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  top = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_ellipsize (self->status, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "numeric");
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->progress));
  gtk_box_append (GTK_BOX (self->box), top);

  self->outcome = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->outcome, 0);
  gtk_label_set_wrap (self->outcome, TRUE);
  /* not selectable: a selectable label takes the focus and shows a caret */
  gtk_label_set_selectable (self->outcome, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->outcome), "ink-outcome");
  self->outcome_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->outcome_revealer, GTK_WIDGET (self->outcome));
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->outcome_revealer));

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
  gtk_box_append (GTK_BOX (self->box), paned);

  charts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->log_toggle = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Log Scale")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->log_toggle), _("Show the loss on a logarithmic scale"));
  g_signal_connect (self->log_toggle, "toggled", G_CALLBACK (on_log_toggled), self);
  export_button = gtk_button_new_with_mnemonic (_("_Export PNG…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (export_button), "win.export-charts");
  gtk_box_append (GTK_BOX (tools), GTK_WIDGET (self->log_toggle));
  gtk_box_append (GTK_BOX (tools), export_button);
  gtk_box_append (GTK_BOX (tools), build_chart_menu (self));
  gtk_box_append (GTK_BOX (charts), tools);

  self->loss_chart = ink_chart_new ();
  ink_chart_set_title (self->loss_chart, _("Loss"));
  ink_chart_set_integer_x (self->loss_chart, TRUE);
  ink_chart_set_axis_labels (self->loss_chart, _("Epoch"), _("Loss"));
  gtk_widget_set_vexpand (GTK_WIDGET (self->loss_chart), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->loss_chart), 280, 130);
  self->acc_chart = ink_chart_new ();
  ink_chart_set_title (self->acc_chart, _("Accuracy"));
  ink_chart_set_integer_x (self->acc_chart, TRUE);
  ink_chart_set_axis_labels (self->acc_chart, _("Epoch"), _("Accuracy"));
  ink_chart_set_percent (self->acc_chart, TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->acc_chart), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->acc_chart), 280, 130);
  /* epochs 0…n on both: the minibatch curve starts before epoch 1 */
  ink_chart_share_x_range (self->loss_chart, self->acc_chart);
  gtk_box_append (GTK_BOX (charts), GTK_WIDGET (self->loss_chart));
  gtk_box_append (GTK_BOX (charts), GTK_WIDGET (self->acc_chart));
  self->pretrain_chart = ink_chart_new ();
  ink_chart_set_title (self->pretrain_chart, _("Pretraining"));
  ink_chart_set_integer_x (self->pretrain_chart, TRUE);
  ink_chart_set_axis_labels (self->pretrain_chart, _("Epoch"), _("Reconstruction error"));
  gtk_widget_set_vexpand (GTK_WIDGET (self->pretrain_chart), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->pretrain_chart), 280, 110);
  gtk_widget_set_visible (GTK_WIDGET (self->pretrain_chart), FALSE);
  gtk_box_append (GTK_BOX (charts), GTK_WIDGET (self->pretrain_chart));
  gtk_paned_set_start_child (GTK_PANED (paned), charts);

  self->table = ink_epoch_table_new ();
  gtk_widget_set_size_request (GTK_WIDGET (self->table), 360, -1);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->table));

  reset_series (self);
  update_progress (self);
}

InkTrainPage *
ink_train_page_new (void)
{
  return g_object_new (INK_TYPE_TRAIN_PAGE, NULL);
}
