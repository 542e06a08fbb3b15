/* test-gui-window.c
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

#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "ink-application.h"
#include "ink-design-page.h"
#include "ink-draw-page.h"
#include "ink-features-page.h"
#include "ink-ledger-view.h"
#include "ink-train-page.h"
#include "ink-window.h"
#include "ink-classes.h"
#include "ink-evaluate-page.h"
#include "ink-epoch-item.h"
#include "ink-model.h"
#include "ink-network.h"
#include "test-util.h"
#include "test-gui-util.h"

/* End-to-end tests of the window: real runs on a small synthetic dataset
 * written as IDX files, driven through the window's actions. */

static InkApplication *app;
static char *data_dir;
static char *ledger_dir;

static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
run_progressing (gpointer w)
{
  InkRun *run = ink_window_get_run (w);
  return run && ink_run_get_state (run) == INK_RUN_RUNNING && ink_run_get_batch (run) > 0;
}

static InkWindow *
new_window (void)
{
  return gui_new_window (app, ledger_dir, data_dir);
}

static InkExperiment *
small_experiment (guint epochs)
{
  InkExperiment *e = ink_experiment_preset ("keras-mnist-mlp", NULL);
  e->net->layers[0].units = 32;
  e->net->layers[1].units = 16;
  e->epochs = epochs;
  e->batch_size = 32;
  g_free (e->name);
  e->name = g_strdup ("window-test");
  return e;
}

/* clicks the header bar's Train button, as the user does */
static void
click_train (InkWindow *win)
{
  GtkWidget *start = gui_find_action (GTK_WIDGET (win), "win.start");

  g_assert_nonnull (start);
  g_assert_true (gtk_widget_is_sensitive (start));
  /* no pump after it: the caller connects to the run before its first
   * event */
  g_signal_emit_by_name (start, "clicked");
}

/* clicks the dialog's button labelled `label` and waits for the dialog to
 * close itself */
static void
click_response (AdwMessageDialog *dialog, const char *label)
{
  GtkWidget *button = gui_find_button (GTK_WIDGET (dialog), label);
  gpointer alive = dialog;

  g_assert_nonnull (button);
  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  gui_click (button);
  for (int i = 0; i < 5000 && alive != NULL; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (alive);
}

static void
test_short_run (void)
{
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) exp = small_experiment (3);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  InkTrainPage *train = INK_TRAIN_PAGE (ink_window_get_page (win, "train"));
  InkLedgerView *runs = INK_LEDGER_VIEW (ink_window_get_page (win, "runs"));
  InkRun *run;
  guint before = ink_ledger_view_get_n_runs (runs);

  ink_design_page_set_experiment (design, exp);
  click_train (win);
  run = ink_window_get_run (win);
  g_assert_nonnull (run);
  g_assert_true (wait_for (gui_run_ended, win, 120));
  g_assert_cmpint (ink_run_get_state (run), ==, INK_RUN_FINISHED);
  g_assert_cmpuint (g_list_model_get_n_items (ink_run_get_history (run)), ==, 3);
  /* the charts got points, the table rows, the outcome a test accuracy */
  g_assert_cmpuint (ink_train_page_get_n_points (train), >=, 3);
  g_assert_nonnull (strstr (ink_train_page_get_outcome (train), "Test accuracy"));
  g_assert_cmpfloat (ink_run_get_test_accuracy (run), >=, 0.5);
  /* the run is in the ledger with its model */
  g_assert_cmpuint (ink_ledger_view_get_n_runs (runs), ==, before + 1);
  /* and the model went to the other pages: saving is possible */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.stop", NULL) || TRUE);
  gtk_window_destroy (GTK_WINDOW (win));
}

typedef struct
{
  InkWindow *win;
  guint      n_pretrain;
  guint      last_epoch;
  gboolean   pretrain_weights;   /* weights during pretraining reached the features page */
} PretrainSeen;

static void
on_pretrain_epoch (InkRun *run, guint layer, guint n_layers, guint epoch, guint n_epochs,
                   double recon_error, PretrainSeen *seen)
{
  g_assert_cmpuint (layer, ==, 1);
  g_assert_cmpuint (n_layers, ==, 1);
  g_assert_cmpuint (n_epochs, ==, 3);
  g_assert_cmpuint (epoch, ==, seen->last_epoch + 1);
  g_assert_true (isfinite (recon_error) && recon_error > 0);
  seen->last_epoch = epoch;
  seen->n_pretrain++;
}

static void
on_weights (InkRun *run, GBytes *params, PretrainSeen *seen)
{
  InkFeaturesPage *features = INK_FEATURES_PAGE (ink_window_get_page (seen->win, "features"));

  g_assert_cmpuint (g_bytes_get_size (params), ==,
                    ink_net_spec_n_params (ink_run_get_experiment (run)->net) * sizeof (float));
  if (ink_run_get_pretraining (run) && g_str_equal (ink_features_page_get_state (features), "tiles"))
    seen->pretrain_weights = TRUE;
}

static void
test_pretraining_run (void)
{
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) exp = ink_experiment_preset ("nolearn-dbn", NULL);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  InkTrainPage *train = INK_TRAIN_PAGE (ink_window_get_page (win, "train"));
  InkFeaturesPage *features = INK_FEATURES_PAGE (ink_window_get_page (win, "features"));
  PretrainSeen seen = { win, 0, 0, FALSE };
  InkRun *run;

  exp->net->layers[0].units = 24;
  exp->epochs = 1;
  exp->pretraining.epochs[0] = 3;
  exp->pretraining.n_layer_epochs = 0;
  g_free (exp->name);
  exp->name = g_strdup ("window-dbn-test");
  g_assert_true (ink_experiment_validate (exp, NULL));

  ink_design_page_set_experiment (design, exp);
  click_train (win);
  run = ink_window_get_run (win);
  g_assert_nonnull (run);
  g_signal_connect (run, "pretrain-epoch", G_CALLBACK (on_pretrain_epoch), &seen);
  g_signal_connect (run, "weights", G_CALLBACK (on_weights), &seen);
  g_assert_true (wait_for (gui_run_ended, win, 120));
  g_signal_handlers_disconnect_by_data (run, &seen);
  g_assert_cmpint (ink_run_get_state (run), ==, INK_RUN_FINISHED);
  g_assert_false (ink_run_get_pretraining (run));
  g_assert_cmpuint (seen.n_pretrain, ==, 3);
  g_assert_cmpuint (ink_train_page_get_n_pretrain_points (train), ==, 3);
  g_assert_true (seen.pretrain_weights);
  g_assert_cmpstr (ink_features_page_get_state (features), ==, "tiles");
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_presets (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  g_auto(GStrv) names = ink_experiment_list_presets ();

  /* every menu entry has its action, the shortcuts window included */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (win), "show-help-overlay"));
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(InkExperiment) want = ink_experiment_preset (names[i], NULL);
      g_autoptr(InkExperiment) got = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *a = NULL, *b = NULL;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.load-preset", "s", names[i]));
      got = ink_design_page_get_experiment (design, &error);
      g_assert_no_error (error);
      a = ink_experiment_to_json (want, TRUE);
      b = ink_experiment_to_json (got, TRUE);
      g_assert_cmpstr (a, ==, b);
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
on_destroy (GtkWidget *w, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
is_true (gpointer p)
{
  return *(gboolean *) p;
}

static void
test_close_mid_run (void)
{
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) exp = small_experiment (1000);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  gboolean destroyed = FALSE;
  g_autoptr(GPtrArray) ledger = NULL;
  gboolean found = FALSE;
  InkRun *run;

  exp->batch_size = 8;
  ink_design_page_set_experiment (design, exp);
  click_train (win);
  g_assert_true (wait_for (run_progressing, win, 60));
  run = g_object_ref (ink_window_get_run (win));
  g_signal_connect (win, "destroy", G_CALLBACK (on_destroy), &destroyed);

  /* closing stops the run between minibatches, keeps it in the ledger, and
   * the window goes away (the generous limit only guards against a hang) */
  gtk_window_close (GTK_WINDOW (win));
  g_assert_true (wait_for (is_true, &destroyed, 30));
  if (ink_run_get_state (run) != INK_RUN_FINISHED)
    g_error ("the run ended in state %d: %s", ink_run_get_state (run), ink_run_get_message (run));
  g_assert_cmpint (ink_run_get_reason (run), ==, INK_STOP_CANCELLED);
  ledger = ink_ledger_list (ledger_dir, NULL);
  for (guint i = 0; i < ledger->len; i++)
    {
      InkLedgerRun *r = ledger->pdata[i];
      g_autofree char *model = ink_ledger_run_model_path (r);
      if (g_str_equal (r->status, "stopped by the user") && g_file_test (model, G_FILE_TEST_EXISTS))
        found = TRUE;
    }
  g_assert_true (found);
  g_object_unref (run);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *tops = gtk_window_get_toplevels ();   /* owned by GTK */
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (tops, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

/* a run that cannot fit in memory is refused before it starts, and the
 * window offers the choices instead of failing silently */
static void
test_preflight_dialog (void)
{
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) exp = small_experiment (1);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  AdwMessageDialog *dialog;

  /* ten hidden layers of 14000 units at batch 65536: ~2e9 parameters and
   * ~110 GB of activations, far more than any test machine has free */
  g_free (exp->net->layers);
  exp->net->n_layers = 11;
  exp->net->layers = g_new0 (InkLayerSpec, 11);
  for (int i = 0; i < 10; i++)
    exp->net->layers[i] = (InkLayerSpec) { 14000, INK_ACT_RELU, 0.0f };
  exp->net->layers[10] = (InkLayerSpec) { 10, INK_ACT_SOFTMAX, 0.0f };
  exp->batch_size = 65536;
  ink_design_page_set_experiment (design, exp);
  g_assert_true (ink_design_page_get_valid (design));
  click_train (win);
  g_assert_nonnull (ink_window_get_run (win));
  g_assert_true (wait_for (gui_run_ended, win, 60));
  g_assert_cmpint (ink_run_get_state (ink_window_get_run (win)), ==, INK_RUN_FAILED);
  g_assert_true (wait_for (dialog_shown, NULL, 10));
  dialog = find_message_dialog ();
  g_assert_true (adw_message_dialog_has_response (dialog, "smaller"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "MB"));
  click_response (dialog, "_Cancel");
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_open_model (void)
{
  InkWindow *win = new_window ();
  g_autoptr(GPtrArray) ledger = ink_ledger_list (ledger_dir, NULL);
  g_autoptr(GError) error = NULL;
  InkLedgerRun *r;
  g_autofree char *model = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *bad = g_build_filename (ledger_dir, "not-a-model.safetensors", NULL);

  g_assert_cmpuint (ledger->len, >=, 1);
  r = ledger->pdata[0];
  model = ink_ledger_run_model_path (r);
  g_assert_true (ink_window_load_model (win, model, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (win)));

  /* a damaged file is refused with an error, and the window carries on */
  g_assert_true (g_file_set_contents (bad, "garbage!", -1, NULL));
  g_assert_false (ink_window_load_model (win, bad, &error));
  g_assert_nonnull (error);
  file = g_file_new_for_path (bad);
  ink_window_open_file (win, file);
  g_unlink (bad);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* scrolls every scrolled window above w so that w is in sight */
static void
scroll_into_view (GtkWidget *w)
{
  for (GtkWidget *a = gtk_widget_get_parent (w); a; a = gtk_widget_get_parent (a))
    if (GTK_IS_SCROLLED_WINDOW (a))
      {
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (a));
        GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (a));
        double x, y;

        if (gtk_widget_translate_coordinates (w, child, 0, 0, &x, &y))
          gtk_adjustment_set_value (adj, y - 40);
      }
  gui_pump ();
  gtk_test_widget_wait_for_draw (w);
}

/* The window works down to 800x600: with a model open, every page, chosen
 * by clicking its switcher button, asks for no more than 800x600, and the
 * Design page shows no label cut short ("Hi…"). */
static void
test_800x600 (void)
{
  InkWindow *win = new_window ();
  g_autoptr(GPtrArray) ledger = ink_ledger_list (ledger_dir, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *model = NULL;
  const char *pages[][2] = { { "design", "Design" }, { "train", "Train" }, { "features", "Features" },
                             { "draw", "Draw" }, { "evaluate", "Evaluate" }, { "runs", "Runs" } };

  g_assert_cmpuint (ledger->len, >=, 1);
  model = ink_ledger_run_model_path (ledger->pdata[0]);
  g_assert_true (ink_window_load_model (win, model, &error));
  g_assert_no_error (error);
  gtk_window_unmaximize (GTK_WINDOW (win));
  gtk_window_set_default_size (GTK_WINDOW (win), 800, 600);
  if (!gui_wait_for (gui_window_within_800x600, win, 5))
    g_test_message ("not resized: %dx%d", gtk_widget_get_width (GTK_WIDGET (win)), gtk_widget_get_height (GTK_WIDGET (win)));
  gui_pump ();
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *button = gui_find (GTK_WIDGET (win), gui_match_switcher_button, pages[i][1]);
      int min_w, min_h, nat;

      g_assert_nonnull (button);
      gui_click (button);
      gui_pump ();
      g_assert_true (gtk_widget_get_mapped (ink_window_get_page (win, pages[i][0])));
      gtk_widget_measure (GTK_WIDGET (win), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (win), GTK_ORIENTATION_VERTICAL, 800, &min_h, &nat, NULL, NULL);
      g_test_message ("%s: at least %dx%d, shown at %dx%d", pages[i][0], min_w, min_h,
                      gtk_widget_get_width (GTK_WIDGET (win)), gtk_widget_get_height (GTK_WIDGET (win)));
      if (min_h > 600)
        gui_dump_heights (GTK_WIDGET (win), 790, 0, 7);
      g_assert_cmpint (min_w, <=, 800);
      g_assert_cmpint (min_h, <=, 600);
    }

  /* Design at 800x600: nothing in its form truncated */
  gui_click (gui_find (GTK_WIDGET (win), gui_match_switcher_button, "Design"));
  gui_wait_for (gui_window_within_800x600, win, 5);
  gui_pump ();
  gui_shot (GTK_WIDGET (ink_design_page_get_training_form (INK_DESIGN_PAGE (ink_window_get_page (win, "design")))),
            "design-form-800.png");
  {
    GtkWidget *cut = gui_find_truncated_label (ink_window_get_page (win, "design"));

    if (cut)
      g_error ("“%s” is cut short at %dx%d", gtk_label_get_text (GTK_LABEL (cut)),
               gtk_widget_get_width (GTK_WIDGET (win)), gtk_widget_get_height (GTK_WIDGET (win)));
  }
  /* the dataset row's list offers every dataset by its whole name */
  {
    GtkWidget *row = gui_find_named (ink_window_get_page (win, "design"), "dataset");
    GtkWidget *popover;

    g_assert_nonnull (row);
    /* scrolled into view, as the user does first */
    scroll_into_view (row);
    gtk_widget_activate (row);
    gui_pump ();
    popover = gui_find_type (row, GTK_TYPE_POPOVER);
    g_assert_nonnull (popover);
    g_assert_true (gtk_widget_get_mapped (popover));
    g_assert_nonnull (gui_find_label (popover, "Fashion-MNIST"));
    g_assert_null (gui_find_truncated_label (popover));
    gui_shot (popover, "design-dataset-list-800.png");
    gtk_popover_popdown (GTK_POPOVER (popover));
    gui_pump ();
  }
  screen_shots_n (GTK_WINDOW (win), "window-800", 2);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Runs go to the trash (restorable), one at a time; the run in progress is
 * refused with a reason. */
static void
test_trash_run (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-trash-XXXXXX", NULL);
  g_autoptr(InkExperiment) exp = small_experiment (1);
  g_autoptr(InkLedgerRun) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a_dir = NULL, *b_id = NULL;
  InkLedgerView *view = g_object_ref_sink (ink_ledger_view_new ());

  a = ink_ledger_run_create (root, exp, &error);
  g_assert_no_error (error);
  g_assert_true (ink_ledger_run_finish (a, "completed", "", 0.5, 1, &error));
  b = ink_ledger_run_create (root, exp, &error);   /* still "running" */
  g_assert_no_error (error);
  a_dir = g_strdup (a->dir);
  b_id = g_strdup (b->id);

  ink_ledger_view_set_root (view, root);
  ink_ledger_view_reload (view, b_id);
  g_assert_cmpuint (ink_ledger_view_get_n_runs (view), ==, 2);

  /* newest first: index 0 is the run in progress */
  g_assert_false (ink_ledger_view_trash (view, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (ink_ledger_view_trash (view, 7, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  if (!ink_ledger_view_trash (view, 1, &error))
    {
      /* a file system without a trash: nothing was deleted */
      g_test_message ("no trash here: %s", error->message);
      g_assert_true (g_file_test (a_dir, G_FILE_TEST_IS_DIR));
      g_assert_cmpuint (ink_ledger_view_get_n_runs (view), ==, 2);
    }
  else
    {
      g_assert_false (g_file_test (a_dir, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (ink_ledger_view_get_n_runs (view), ==, 1);
    }
  g_object_unref (view);
  test_remove_tree (root);
}

/* ------------------------------------------------------------------------ */
/* issue 11: every page agrees on the current run, model and dataset         */

/* a synthetic set whose classes are mirrored (class c drawn where 9 − c is
 * drawn in data_dir's): a model of one scores near zero on the other */
static char *
mirrored_dir (guint n_train, guint n_test)
{
  char *dir = g_dir_make_tmp ("ink-mirror-XXXXXX", NULL);
  InkDataset *train = test_synthetic_dataset (n_train, 21);
  InkDataset *test = test_synthetic_dataset (n_test, 22);

  for (guint i = 0; i < train->n; i++)
    train->labels[i] = 9 - train->labels[i];
  for (guint i = 0; i < test->n; i++)
    test->labels[i] = 9 - test->labels[i];
  test_write_idx_pair (dir, "train", train);
  test_write_idx_pair (dir, "t10k", test);
  ink_dataset_free (train);
  ink_dataset_free (test);
  return dir;
}

/* Evaluate grades a finished run on the data it trained on (a folder other
 * than the window's), and its gallery shows that data's test images. */
static void
test_evaluate_trained_dataset (void)
{
  InkWindow *win = new_window ();
  g_autofree char *other = mirrored_dir (1500, 300);
  g_autoptr(InkExperiment) exp = small_experiment (2);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  InkEvaluatePage *evaluate = INK_EVALUATE_PAGE (ink_window_get_page (win, "evaluate"));
  const InkMetrics *m;
  InkRun *run;
  guint n = 0;

  g_free (exp->dataset);
  exp->dataset = g_strdup (other);
  ink_design_page_set_experiment (design, exp);
  click_train (win);
  run = ink_window_get_run (win);
  g_assert_nonnull (run);
  g_assert_true (wait_for (gui_run_ended, win, 120));
  g_assert_cmpint (ink_run_get_state (run), ==, INK_RUN_FINISHED);
  g_assert_cmpfloat (ink_run_get_test_accuracy (run), >, 0.8);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (evaluate))), "evaluate");
  g_assert_true (wait_for (gui_evaluated, win, 60));
  gui_shot (GTK_WIDGET (win), "evaluate-other-dataset.png");
  m = ink_evaluate_page_get_metrics (evaluate);
  /* the run's 300 test images, not the window's 400; the same score */
  g_assert_cmpuint (m->total, ==, 300);
  g_assert_nonnull (ink_evaluate_page_get_probs (evaluate, &n));
  g_assert_cmpuint (n, ==, 300);
  g_assert_cmpfloat_with_epsilon (ink_metrics_accuracy (m), ink_run_get_test_accuracy (run), 0.005);
  g_assert_nonnull (gui_find_label (GTK_WIDGET (evaluate), "of 300 misclassified"));
  gtk_window_destroy (GTK_WINDOW (win));
  test_remove_tree (other);
}

/* "Continue Without Data", then a run on a folder: Evaluate shows the model
 * (it showed "No Model": adopting the run's data cleared the page) */
static void
test_evaluate_without_data (void)
{
  InkWindow *win = ink_window_new (app);
  g_autofree char *missing = g_build_filename (ledger_dir, "no-such-dataset", NULL);
  g_autoptr(InkExperiment) exp = small_experiment (1);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  InkEvaluatePage *evaluate = INK_EVALUATE_PAGE (ink_window_get_page (win, "evaluate"));

  ink_window_set_ledger_root (win, ledger_dir);
  ink_window_set_data_dir (win, missing);
  gtk_window_present (GTK_WINDOW (win));
  gui_pump ();
  g_assert_false (ink_window_has_data (win));
  gui_click (gui_find_button (GTK_WIDGET (win), "Continue _Without Data"));

  g_free (exp->dataset);
  exp->dataset = g_strdup (data_dir);
  ink_design_page_set_experiment (design, exp);
  click_train (win);
  g_assert_true (wait_for (gui_run_ended, win, 120));
  g_assert_cmpint (ink_run_get_state (ink_window_get_run (win)), ==, INK_RUN_FINISHED);
  g_assert_true (wait_for (gui_evaluated, win, 60));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (evaluate))), "evaluate");
  gui_pump ();
  gui_shot (GTK_WIDGET (win), "evaluate-without-data.png");
  g_assert_cmpstr (ink_evaluate_page_get_state (evaluate), ==, "results");
  g_assert_null (gui_find_label (GTK_WIDGET (evaluate), "No Model"));
  g_assert_cmpfloat_with_epsilon (ink_metrics_accuracy (ink_evaluate_page_get_metrics (evaluate)),
                                  ink_run_get_test_accuracy (ink_window_get_run (win)), 0.005);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The same with the real Fashion-MNIST: class names on Evaluate and Draw. */
static void
test_fashion_class_names (void)
{
  g_autofree char *fashion = ink_dataset_find ("fashion-mnist", NULL);
  InkWindow *win;
  g_autofree char *missing = NULL;
  g_autoptr(InkExperiment) exp = small_experiment (1);
  InkDesignPage *design;
  InkEvaluatePage *evaluate;
  InkDrawPage *draw;
  GtkWidget *dataset;
  InkRun *run;
  const double stroke[] = { 0.2, 0.3, 0.8, 0.3, 0.8, 0.7, 0.2, 0.7 };

  if (fashion == NULL)
    {
      g_test_skip ("Fashion-MNIST is not installed (dataset-fashion-mnist)");
      return;
    }
  win = ink_window_new (app);
  missing = g_build_filename (ledger_dir, "no-such-dataset", NULL);
  design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  evaluate = INK_EVALUATE_PAGE (ink_window_get_page (win, "evaluate"));
  draw = INK_DRAW_PAGE (ink_window_get_page (win, "draw"));
  ink_window_set_ledger_root (win, ledger_dir);
  ink_window_set_data_dir (win, missing);
  gtk_window_present (GTK_WINDOW (win));
  gui_pump ();
  gui_click (gui_find_button (GTK_WIDGET (win), "Continue _Without Data"));

  /* the Dataset row of the form, set to Fashion-MNIST */
  exp->batch_size = 128;
  ink_design_page_set_experiment (design, exp);
  dataset = gui_find_named (GTK_WIDGET (design), "dataset");
  g_assert_true (ADW_IS_COMBO_ROW (dataset));
  adw_combo_row_set_selected (ADW_COMBO_ROW (dataset), 1);
  gui_pump ();
  click_train (win);
  run = ink_window_get_run (win);
  g_assert_nonnull (run);
  g_assert_cmpstr (ink_run_get_experiment (run)->dataset, ==, "fashion-mnist");
  g_assert_true (wait_for (gui_run_ended, win, 300));
  g_assert_cmpint (ink_run_get_state (run), ==, INK_RUN_FINISHED);
  g_assert_true (wait_for (gui_evaluated, win, 120));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (evaluate))), "evaluate");
  gui_pump ();
  gui_shot (GTK_WIDGET (win), "evaluate-fashion.png");
  /* graded on Fashion-MNIST's own test set: Train and Evaluate agree */
  g_assert_cmpuint (ink_evaluate_page_get_metrics (evaluate)->total, ==, 10000);
  g_assert_cmpfloat_with_epsilon (ink_metrics_accuracy (ink_evaluate_page_get_metrics (evaluate)),
                                  ink_run_get_test_accuracy (run), 0.005);
  g_assert_cmpfloat (ink_run_get_test_accuracy (run), >, 0.5);
  /* the confusion matrix names the classes: a clicked cell says which */
  {
    InkConfusionView *view = ink_evaluate_page_get_confusion_view (evaluate);
    g_autofree char *status = NULL;

    ink_confusion_view_select (view, 6, 0);
    status = ink_confusion_view_get_status (view);
    g_test_message ("%s", status);
    g_assert_nonnull (strstr (status, "true Shirt → predicted T-shirt/top"));
    ink_confusion_view_select (view, -1, -1);
  }
  g_assert_nonnull (gui_find_label (GTK_WIDGET (evaluate), "T-shirt/top"));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (evaluate), "Ankle boot"));
  {
    g_autofree char *caption = ink_gallery_get_caption (ink_evaluate_page_get_gallery (evaluate), 0);
    g_assert_nonnull (caption);
    g_assert_null (strstr (caption, "pred 0 "));
  }
  /* Draw names the classes too */
  ink_draw_canvas_add_stroke (ink_draw_page_get_canvas (draw), stroke, 4);
  ink_draw_page_flush (draw);
  g_assert_cmpint (ink_draw_page_get_prediction (draw, NULL), >=, 0);
  g_assert_cmpstr (ink_draw_page_get_verdict (draw), ==,
                   ink_class_names ("fashion-mnist")[ink_draw_page_get_prediction (draw, NULL)]);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (draw))), "draw");
  gui_shot (GTK_WIDGET (win), "draw-fashion.png");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Toasts show text holding < and & (libadwaita 1.2 parses them as markup and
 * showed nothing): a malformed experiment opened, a save as "R&D exp.json"
 * through the menu and the file chooser. */
static GtkWidget *
find_file_chooser (void)
{
  GListModel *tops = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (tops, i);
      if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
    }
  return NULL;
}

static gboolean
chooser_shown (gpointer data)
{
  return find_file_chooser () != NULL;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
chooser_in_folder (gpointer folder)
{
  GtkWidget *chooser = find_file_chooser ();
  g_autoptr(GFile) current = chooser ? gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser)) : NULL;

  return current != NULL && g_file_equal (current, folder);
}

static gboolean
saved_toast_shown (gpointer win)
{
  return gui_find_label (win, "Saved") != NULL;
}

static gboolean
match_close_button (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (w)), "window-close-symbolic") == 0;
}

/* clicks the close button of the toast showing `label` */
static void
dismiss_toast (GtkWidget *label)
{
  GtkWidget *w = label;

  while (w && !g_str_equal (G_OBJECT_TYPE_NAME (w), "AdwToastWidget"))
    w = gtk_widget_get_parent (w);
  g_assert_nonnull (w);
  gui_click (gui_find (w, match_close_button, NULL));
}

static void
test_toast_markup (void)
{
  InkWindow *win = new_window ();
  g_autofree char *tmpl = g_build_filename (g_get_tmp_dir (), "ink-R&D <x>-XXXXXX", NULL);
  g_autofree char *dir = g_mkdtemp (g_strdup (tmpl));
  g_autofree char *bad = g_build_filename (dir, "bad <1>.json", NULL);
  g_autofree char *saved = g_build_filename (dir, "R&D exp.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (bad);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  GtkWidget *toast, *menu, *chooser;

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (bad, "{ \"name\": <oops & more }", -1, NULL));
  /* as `inkling FILE` opens it (InkApplication's open) */
  ink_window_open_file (win, file);
  gui_pump ();
  toast = gui_wait_label (GTK_WIDGET (win), "Could not open", 10);
  g_assert_nonnull (toast);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (toast)), "<1>"));
  gui_shot (GTK_WIDGET (win), "toast-bad-json.png");
  dismiss_toast (toast);

  /* ⋮ → Save Experiment…, the file chooser, its Save button */
  menu = gui_find (GTK_WIDGET (win), gui_match_menu_icon, "open-menu-symbolic");
  g_assert_nonnull (menu);
  gui_click (gui_menu_item (GTK_MENU_BUTTON (menu), "_Save Experiment…"));
  g_assert_true (wait_for (chooser_shown, NULL, 10));
  chooser = find_file_chooser ();
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL));
  /* the folder is taken in a few main loop turns later on a busy machine */
  g_assert_true (wait_for (chooser_in_folder, folder, 10));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "R&D exp.json");
  gui_pump ();
  gui_click (gui_find_button (chooser, "_Save"));
  g_assert_true (wait_for (file_exists, saved, 10));
  g_assert_true (wait_for (saved_toast_shown, win, 10));
  toast = gui_find_label (GTK_WIDGET (win), "Saved");
  g_assert_nonnull (toast);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (toast)), ==, "Saved R&D exp.json");
  gui_shot (GTK_WIDGET (win), "toast-saved.png");

  gtk_window_destroy (GTK_WINDOW (win));
  test_remove_tree (dir);
}

/* a small convolutional network (conv 4 3×3, conv 8 3×3, max-pool 2×2,
 * dense 16, softmax) as keras-mnist-cnn is built, on the window's data */
static InkExperiment *
small_cnn (void)
{
  InkExperiment *e = ink_experiment_preset ("keras-mnist-cnn", NULL);

  g_assert_nonnull (e);
  g_assert_cmpint (e->net->layers[0].kind, ==, INK_LAYER_CONV2D);
  g_assert_cmpint (e->net->layers[1].kind, ==, INK_LAYER_CONV2D);
  e->net->layers[0].filters = 4;
  e->net->layers[1].filters = 8;
  for (int l = 0; l < e->net->n_layers - 1; l++)
    if (e->net->layers[l].kind == INK_LAYER_DENSE)
      e->net->layers[l].units = 16;
  e->epochs = 1;
  e->batch_size = 32;
  g_free (e->name);
  e->name = g_strdup ("small-cnn");
  return e;
}

static gboolean
match_toast_or_label (GtkWidget *w, gconstpointer prefix)
{
  return GTK_IS_LABEL (w) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (w)), prefix);
}

static gboolean
widget_sensitive (gpointer w)
{
  return gtk_widget_is_sensitive (w);
}

/* a button of the list row that shows a label, for wait_for: every mapped
 * button of that label whose row (the child of the list view) also shows
 * the text is a candidate; the first one is taken */
typedef struct
{
  GtkWidget  *root;
  const char *label;
  const char *button_label;
  GtkWidget  *button;
} RowButton;

static GtkWidget *
row_button_in (GtkWidget *w, RowButton *rb)
{
  if (gui_match_button_label (w, rb->button_label))
    {
      GtkWidget *row = w;

      while (row && !GTK_IS_LIST_VIEW (gtk_widget_get_parent (row)))
        row = gtk_widget_get_parent (row);
      if (row && gui_find (row, gui_match_exact_label, rb->label))
        return w;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = row_button_in (c, rb);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
find_row_button (gpointer data)
{
  RowButton *rb = data;

  rb->button = row_button_in (rb->root, rb);
  return rb->button != NULL && gtk_widget_is_sensitive (rb->button);
}

/* A convolutional model file opens through ⋮ → Open… and the file
 * chooser's Open button: it opens on Draw; Evaluate grades it,
 * Design shows its layers, Features its filters.  A convolutional run in the ledger is listed
 * by its layers on Runs and opens from its row. */
static void
test_cnn_open (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-cnn-run-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (root, "small-cnn.safetensors", NULL);
  g_autoptr(InkExperiment) cnn = small_cnn ();
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = NULL;
  g_autoptr(InkLedgerRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree float *params = NULL;
  InkNorm norm;
  InkWindow *win;
  InkLedgerView *runs;
  InkDesignPage *design;
  InkEvaluatePage *evaluate;
  InkFeaturesPage *features;
  GtkWidget *menu, *chooser, *toast, *open;
  const InkMetrics *m;

  /* the file: freshly drawn weights are enough to be graded */
  net = ink_network_new (cnn->net, be, 1, &error);
  g_assert_no_error (error);
  ink_network_init_params (net, 7);
  params = g_new (float, net->n_params);
  ink_network_get_params (net, params);
  ink_norm_fit (&norm, INK_NORM_SCALE, NULL, NULL, 0);
  g_assert_true (ink_model_save (path, cnn, &norm, params, &error));
  g_assert_no_error (error);

  win = new_window ();
  design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  evaluate = INK_EVALUATE_PAGE (ink_window_get_page (win, "evaluate"));
  features = INK_FEATURES_PAGE (ink_window_get_page (win, "features"));
  runs = INK_LEDGER_VIEW (ink_window_get_page (win, "runs"));

  /* ⋮ → Open…, the chooser, its Open button */
  menu = gui_find (GTK_WIDGET (win), gui_match_menu_icon, "open-menu-symbolic");
  g_assert_nonnull (menu);
  gui_click (gui_menu_item (GTK_MENU_BUTTON (menu), "_Open…"));
  g_assert_true (wait_for (chooser_shown, NULL, 10));
  chooser = find_file_chooser ();
  file = g_file_new_for_path (path);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, NULL));
  /* the chooser enables Open once it has taken the file in, which a busy
   * machine may not do within one pump */
  open = gui_find_button (chooser, "_Open");
  g_assert_nonnull (open);
  g_assert_true (wait_for (widget_sensitive, open, 10));
  gui_click (open);
  toast = gui_wait_label (GTK_WIDGET (win), "Opened small-cnn.safetensors", 10);
  g_assert_nonnull (toast);
  g_assert_null (gui_find (GTK_WIDGET (win), match_toast_or_label, "Could not open"));
  /* it opens on Draw, as a dense model does */
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (evaluate)))),
                   ==, "draw");

  /* Evaluate: the model graded on the window's test images */
  gui_click (gui_find (GTK_WIDGET (win), gui_match_switcher_button, "Evaluate"));
  g_assert_true (wait_for (gui_evaluated, win, 60));
  g_assert_cmpstr (ink_evaluate_page_get_state (evaluate), ==, "results");
  m = ink_evaluate_page_get_metrics (evaluate);
  g_assert_nonnull (m);
  g_assert_cmpuint (m->total, ==, 400);
  g_assert_true (gtk_widget_get_sensitive (ink_evaluate_page_get_parity_button (evaluate)));
  gui_shot (GTK_WIDGET (win), "evaluate-cnn.png");

  /* Design holds its layers; Features its first convolution's filters
   * (tests/test-gui-cnnviz.c checks them) */
  g_assert_cmpint (ink_design_page_get_base (design)->net->layers[0].kind, ==, INK_LAYER_CONV2D);
  g_assert_cmpstr (ink_features_page_get_state (features), ==, "tiles");
  dismiss_toast (toast);

  /* Runs: a convolutional run listed by its layers, opened from its row */
  run = ink_ledger_run_create (root, cnn, &error);
  g_assert_no_error (error);
  ink_window_set_ledger_root (win, root);
  gui_click (gui_find (GTK_WIDGET (win), gui_match_switcher_button, "Runs"));
  g_assert_nonnull (gui_wait_label (GTK_WIDGET (runs), "c4k3-c8k3-mp2", 10));
  /* the ledger may reload once more (its folder monitor): find the row's
   * Open button again until one stands in a row of the settled list */
  {
    RowButton rb = { GTK_WIDGET (runs), "small-cnn", "Open", NULL };

    if (!wait_for (find_row_button, &rb, 10))
      {
        gui_dump (GTK_WIDGET (runs), 0);
        g_error ("no mapped “Open” button in a row that shows “small-cnn” (the Runs page is above)");
      }
    gui_click (rb.button);
  }
  g_assert_nonnull (gui_wait_label (GTK_WIDGET (win), "Opened the run “small-cnn”", 10));
  g_assert_null (gui_find (GTK_WIDGET (win), match_toast_or_label, "Could not open"));
  g_assert_cmpstr (ink_design_page_get_base (design)->name, ==, "small-cnn");

  gtk_window_destroy (GTK_WINDOW (win));
  test_remove_tree (root);
}

/* Runs → Open makes the run current on every page: Train shows its history
 * and outcome (it kept showing the window's last run), Evaluate its model. */
static void
test_open_run (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-open-run-XXXXXX", NULL);
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) first = small_experiment (3);
  g_autoptr(InkExperiment) second = small_experiment (1);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  InkTrainPage *train = INK_TRAIN_PAGE (ink_window_get_page (win, "train"));
  InkEvaluatePage *evaluate = INK_EVALUATE_PAGE (ink_window_get_page (win, "evaluate"));
  InkLedgerView *runs = INK_LEDGER_VIEW (ink_window_get_page (win, "runs"));
  g_autoptr(GPtrArray) ledger = NULL;
  InkLedgerRun *opened = NULL;
  GtkWidget *row, *open = NULL;
  g_autofree char *first_id = NULL;
  double first_acc;

  ink_window_set_ledger_root (win, root);
  g_free (first->name);
  first->name = g_strdup ("first-run");
  g_free (second->name);
  second->name = g_strdup ("second-run");
  ink_design_page_set_experiment (design, first);
  click_train (win);
  g_assert_true (wait_for (gui_run_ended, win, 120));
  first_id = g_strdup (ink_run_get_ledger_id (ink_window_get_run (win)));
  first_acc = ink_run_get_test_accuracy (ink_window_get_run (win));
  ink_design_page_set_experiment (design, second);
  click_train (win);
  g_assert_true (wait_for (gui_run_ended, win, 120));
  g_assert_true (wait_for (gui_evaluated, win, 60));
  g_assert_nonnull (strstr (ink_train_page_get_status (train), "second-run"));

  /* the first run's Open button, on its row of the Runs page */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (runs))), "runs");
  gui_pump ();
  ledger = ink_ledger_list (root, NULL);
  g_assert_cmpuint (ledger->len, ==, 2);
  for (guint i = 0; i < ledger->len; i++)
    if (g_str_equal (((InkLedgerRun *) ledger->pdata[i])->id, first_id))
      opened = ledger->pdata[i];
  g_assert_nonnull (opened);
  row = gui_find_label (GTK_WIDGET (runs), "first-run");
  g_assert_nonnull (row);
  /* its row of the Runs table: the child of the table's list view */
  while (row && !GTK_IS_LIST_VIEW (gtk_widget_get_parent (row)))
    row = gtk_widget_get_parent (row);
  g_assert_nonnull (row);
  open = gui_find_button (row, "Open");
  gui_click (open);
  g_assert_true (wait_for (gui_evaluated, win, 60));
  gui_pump ();

  /* Train: the opened run's history, status and outcome */
  g_assert_cmpstr (ink_train_page_get_ledger_id (train), ==, first_id);
  g_assert_nonnull (strstr (ink_train_page_get_status (train), "first-run"));
  g_assert_null (strstr (ink_train_page_get_status (train), "second-run"));
  g_assert_cmpuint (ink_train_page_get_n_rows (train), ==, 3);
  g_assert_cmpuint (ink_train_page_get_n_points (train), ==, 3);
  g_assert_nonnull (ink_train_page_get_outcome (train));
  {
    g_autofree char *acc = g_strdup_printf ("%.2f%%", 100.0 * first_acc);
    g_assert_nonnull (strstr (ink_train_page_get_outcome (train), acc));
  }
  /* Evaluate: the opened run's model */
  g_assert_cmpfloat_with_epsilon (ink_metrics_accuracy (ink_evaluate_page_get_metrics (evaluate)), first_acc, 0.005);
  /* its history can be exported: the menu item is not greyed out */
  {
    GtkWidget *menu = gui_find (GTK_WIDGET (win), gui_match_menu_icon, "open-menu-symbolic");
    GtkWidget *item = gui_menu_item (GTK_MENU_BUTTON (menu), "Export _History as CSV…");
    g_assert_nonnull (item);
    g_assert_true (gtk_widget_is_sensitive (item));
    gtk_menu_button_popdown (GTK_MENU_BUTTON (menu));
  }
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (train))), "train");
  gui_shot (GTK_WIDGET (win), "train-opened-run.png");
  gtk_window_destroy (GTK_WINDOW (win));
  test_remove_tree (root);
}

/* ---- what a stop reports (issue: the header said "Finished · 3 epochs"
 * with 2 finished, the kept accuracy matched no row, the bar was full) --- */

static gboolean
run_in_epoch_2 (gpointer w)
{
  InkRun *run = ink_window_get_run (w);
  return run && ink_run_get_state (run) == INK_RUN_RUNNING && ink_run_get_epoch (run) >= 2 &&
         ink_run_get_batch (run) > 2;
}

static gboolean
run_paused_state (gpointer w)
{
  InkRun *run = ink_window_get_run (w);
  return run && ink_run_get_state (run) == INK_RUN_PAUSED;
}

static void
test_stop_report (void)
{
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) exp = small_experiment (50);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  InkTrainPage *train = INK_TRAIN_PAGE (ink_window_get_page (win, "train"));
  GtkWidget *start = gui_find_action (GTK_WIDGET (win), "win.start");
  GtkWidget *pause = gui_find_action (GTK_WIDGET (win), "win.pause");
  GtkWidget *stop = gui_find_action (GTK_WIDGET (win), "win.stop");
  GtkProgressBar *bar = GTK_PROGRESS_BAR (gui_find_type (GTK_WIDGET (train), GTK_TYPE_PROGRESS_BAR));
  g_autoptr(InkEpochItem) row1 = NULL;
  g_autofree char *row1_acc = NULL;
  InkRun *run;
  const char *status;

  exp->batch_size = 8;   /* epochs long enough to stop in the middle of one */
  ink_design_page_set_experiment (design, exp);
  gui_click (start);
  run = ink_window_get_run (win);
  g_assert_true (wait_for (run_in_epoch_2, win, 120));

  /* paused: no rate and no ETA */
  gui_click (pause);
  g_assert_true (wait_for (run_paused_state, win, 30));
  gui_pump ();
  status = ink_train_page_get_status (train);
  g_test_message ("paused: %s", status);
  g_assert_nonnull (strstr (status, "paused"));
  g_assert_null (strstr (status, "samples/s"));
  g_assert_null (strstr (status, "ETA"));

  gui_click (stop);
  g_assert_true (wait_for (gui_run_ended, win, 60));
  gui_pump ();
  g_assert_cmpint (ink_run_get_reason (run), ==, INK_STOP_CANCELLED);
  g_assert_cmpuint (ink_run_get_epochs_done (run), >=, 1);
  status = ink_train_page_get_status (train);
  g_test_message ("status: %s", status);
  g_test_message ("outcome: %s", ink_train_page_get_outcome (train));
  /* the header counts the epochs completed, not the one it was in */
  {
    g_autofree char *done = g_strdup_printf (ink_run_get_epochs_done (run) == 1 ? "%u epoch completed" : "%u epochs completed",
                                             ink_run_get_epochs_done (run));
    g_assert_nonnull (strstr (status, done));
  }
  g_assert_nonnull (strstr (status, "Stopped by the user"));
  g_assert_null (strstr (status, "Finished"));
  /* the kept model is a completed epoch's: its score is that row's (the
   * keras preset validates on the test set) */
  g_assert_cmpuint (ink_run_get_best_epoch (run), ==, ink_run_get_epochs_done (run));
  row1 = g_list_model_get_item (ink_run_get_history (run), ink_run_get_best_epoch (run) - 1);
  g_assert_cmpfloat (fabs (ink_epoch_item_get_record (row1)->valid_acc - ink_run_get_test_accuracy (run)), <, 1e-9);
  row1_acc = g_strdup_printf ("%.2f%%", 100 * ink_run_get_test_accuracy (run));
  g_assert_nonnull (strstr (ink_train_page_get_outcome (train), row1_acc));
  /* the reason once, not "stopped by the user — stopped by the user" */
  {
    const char *o = ink_train_page_get_outcome (train);
    const char *first = strstr (o, "topped by the user");
    g_assert_nonnull (first);
    g_assert_null (strstr (first + 1, "topped by the user"));
    g_assert_nonnull (strstr (o, "were kept"));
  }
  /* the bar shows how far it got, not a full run */
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), <, 0.5);
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
run_loading (gpointer w)
{
  InkRun *run = ink_window_get_run (w);
  return run && ink_run_get_state (run) == INK_RUN_LOADING;
}

/* Stop while a big network is being prepared: the run ends within
 * seconds (drawing its weights alone takes a quarter of a minute), as a
 * stop with no model, not a failure */
static void
test_stop_while_preparing (void)
{
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) exp = small_experiment (1);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  InkTrainPage *train = INK_TRAIN_PAGE (ink_window_get_page (win, "train"));
  GtkWidget *start = gui_find_action (GTK_WIDGET (win), "win.start");
  GtkWidget *stop = gui_find_action (GTK_WIDGET (win), "win.stop");
  InkRun *run;
  gint64 t0;

  /* 784-16000-16000-10: 269 M weights, about 7 s to draw here */
  exp->net->layers[0].units = 16000;
  exp->net->layers[1].units = 16000;
  exp->optimizer.kind = INK_OPT_SGD;
  ink_design_page_set_experiment (design, exp);
  gui_click (start);
  run = ink_window_get_run (win);
  g_assert_true (wait_for (run_loading, win, 30));
  g_usleep (300000);
  gui_pump ();
  g_assert_cmpint (ink_run_get_state (run), ==, INK_RUN_LOADING);
  t0 = g_get_monotonic_time ();
  gui_click (stop);
  g_assert_true (wait_for (gui_run_ended, win, 60));
  g_test_message ("ended %.2f s after Stop: %s", (g_get_monotonic_time () - t0) / 1e6, ink_run_get_message (run));
  g_assert_cmpfloat ((g_get_monotonic_time () - t0) / 1e6, <, 2.0);
  g_assert_cmpint (ink_run_get_state (run), ==, INK_RUN_FINISHED);
  g_assert_cmpint (ink_run_get_reason (run), ==, INK_STOP_CANCELLED);
  g_assert_cmpuint (ink_run_get_best_epoch (run), ==, 0);
  g_assert_null (ink_run_get_params (run));
  gui_pump ();
  g_assert_nonnull (strstr (ink_train_page_get_status (train), "no model kept"));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* a run that would take most of the memory available asks first; Cancel
 * starts nothing */
static void
test_memory_warning (void)
{
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) exp = small_experiment (1);
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  GtkWidget *start = gui_find_action (GTK_WIDGET (win), "win.start");
  g_autofree char *meminfo = NULL;
  const char *a;
  guint64 avail, n_params;
  AdwMessageDialog *dialog;
  int h;

  if (!g_file_get_contents ("/proc/meminfo", &meminfo, NULL, NULL) ||
      (a = strstr (meminfo, "MemAvailable:")) == NULL)
    {
      g_test_skip ("no /proc/meminfo");
      gtk_window_destroy (GTK_WINDOW (win));
      return;
    }
  avail = g_ascii_strtoull (a + strlen ("MemAvailable:"), NULL, 10) * 1024;
  /* SGD: weights, gradients and two host copies, 16 bytes a parameter;
   * aim at 85% of what is available */
  n_params = (guint64) (0.85 * avail / 16);
  if (sqrt ((double) n_params) > 65536.0)
    {
      /* two layers of the widest width are not enough on this machine */
      g_test_skip ("more than 60 GB available: the widest network fits comfortably");
      gtk_window_destroy (GTK_WINDOW (win));
      return;
    }
  h = (int) sqrt ((double) n_params);
  exp->net->layers[0].units = h;
  exp->net->layers[1].units = h;
  exp->optimizer.kind = INK_OPT_SGD;
  exp->device = (g_free (exp->device), g_strdup ("cpu"));
  ink_design_page_set_experiment (design, exp);
  gui_click (start);
  g_assert_true (wait_for (dialog_shown, NULL, 10));
  dialog = find_message_dialog ();
  g_test_message ("%s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "GB"));
  g_assert_true (adw_message_dialog_has_response (dialog, "train"));
  click_response (dialog, "_Cancel");
  gui_pump ();
  /* nothing started */
  g_assert_null (ink_window_get_run (win));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* ------------------------------------------------------------------------ */
/* issue 11: the Presets menu, through its popover                           */


static GtkPopover *
presets_popover (InkWindow *win)
{
  GtkWidget *button = gui_find (GTK_WIDGET (win), gui_match_menu_label, "Presets");

  g_assert_nonnull (button);
  return gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
}

/* opens the header bar's Presets menu (as a click does) and returns the
 * row of the preset `name` */
static GtkWidget *
preset_row (InkWindow *win, const char *name)
{
  GtkWidget *button = gui_find (GTK_WIDGET (win), gui_match_menu_label, "Presets");
  g_autofree char *row_name = g_strdup_printf ("preset-%s", name);
  GtkPopover *popover;
  GtkWidget *row;

  g_assert_nonnull (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  gui_pump ();
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  row = gui_find_named (GTK_WIDGET (popover), row_name);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  return row;
}

/* a click on a row of the menu's list (single-click activation) */
static GtkWidget *
preset_row_summary (InkWindow *win, const char *name)
{
  return gui_find_named (preset_row (win, name), "summary");
}

static void
click_row (GtkWidget *row)
{
  g_assert_true (gtk_widget_is_sensitive (row));
  g_signal_emit_by_name (row, "activate");
  gui_pump ();
}

static void
type_into (GtkWidget *editable, const char *text)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (editable));

  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  gtk_widget_activate (delegate ? GTK_WIDGET (delegate) : editable);
  gui_pump ();
}

static void
assert_design_is_preset (InkDesignPage *design, const char *name)
{
  g_autoptr(InkExperiment) want = ink_experiment_preset (name, NULL);
  g_autoptr(InkExperiment) got = ink_design_page_get_experiment (design, NULL);
  g_autofree char *a = NULL, *b = NULL;

  g_assert_nonnull (got);
  a = ink_experiment_to_json (want, TRUE);
  b = ink_experiment_to_json (got, TRUE);
  g_assert_cmpstr (a, ==, b);
}

/* every preset has a row with a summary (architecture, accuracy, time);
 * quick-demo comes first; the current preset is marked; a click loads one */
static void
test_presets_menu (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  g_autoptr(InkExperiment) keras = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_auto(GStrv) names = ink_experiment_list_all_presets ();
  g_auto(GStrv) dense = ink_experiment_list_presets ();
  GtkWidget *list, *header;
  int last_dense = -1, first_cnn = G_MAXINT;

  g_assert_true (g_strv_contains ((const char * const *) names, "quick-demo"));
  g_assert_true (g_strv_contains ((const char * const *) names, "keras-mnist-cnn"));
  g_assert_true (g_strv_contains ((const char * const *) names, "lenet-5"));
  ink_design_page_set_experiment (design, keras);
  for (guint i = 0; names[i]; i++)
    {
      GtkWidget *row = preset_row (win, names[i]);
      GtkWidget *summary = gui_find_named (row, "summary");
      GtkWidget *check = gui_find_named (row, "current");
      gboolean is_dense = g_strv_contains ((const char * const *) dense, names[i]);
      int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
      const char *text;

      g_assert_nonnull (summary);
      text = gtk_label_get_text (GTK_LABEL (summary));
      g_test_message ("%s: %s", names[i], text);
      g_assert_cmpstr (text, !=, "");
      if (is_dense)
        {
          g_assert_nonnull (strstr (text, "784-"));
          g_assert_nonnull (strstr (text, "%"));
          g_assert_true (strstr (text, " s") || strstr (text, " min") || strstr (text, "minute"));
          last_dense = MAX (last_dense, index);
        }
      else
        first_cnn = MIN (first_cnn, index);
      g_assert_cmpint (gtk_widget_get_visible (check), ==, g_str_equal (names[i], "keras-mnist-mlp"));
    }
  /* the convolutional ones after the dense ones, under their heading */
  g_assert_cmpint (last_dense + 1, ==, first_cnn);
  header = gtk_list_box_row_get_header (GTK_LIST_BOX_ROW (preset_row (win, "lenet-5")));
  if (header == NULL)
    header = gtk_list_box_row_get_header (GTK_LIST_BOX_ROW (preset_row (win, "keras-mnist-cnn")));
  g_assert_nonnull (header);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (header)), "Convolutional"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (preset_row_summary (win, "keras-mnist-cnn"))),
                            "99.25%"));
  list = gui_find_named (GTK_WIDGET (presets_popover (win)), "presets");
  g_assert_cmpstr (gtk_widget_get_name (gtk_widget_get_first_child (list)), ==, "preset-quick-demo");
  screen_shots (GTK_WINDOW (win), "presets-menu");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (presets_popover (win))));

  click_row (preset_row (win, "theano-mlp"));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (presets_popover (win))));
  assert_design_is_preset (design, "theano-mlp");
  g_assert_true (gtk_widget_get_visible (gui_find_named (preset_row (win, "theano-mlp"), "current")));
  g_assert_false (gtk_widget_get_visible (gui_find_named (preset_row (win, "keras-mnist-mlp"), "current")));
  gtk_popover_popdown (presets_popover (win));

  /* the quick demo, as a first-time user would pick it */
  click_row (preset_row (win, "quick-demo"));
  assert_design_is_preset (design, "quick-demo");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* a preset picked over edits replaces them with an Undo in a toast */
static void
test_presets_undo (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  g_autoptr(InkExperiment) keras = ink_experiment_preset ("keras-mnist-mlp", NULL);
  GtkWidget *name = gui_find_named (GTK_WIDGET (design), "name");
  GtkWidget *row;

  ink_design_page_set_experiment (design, keras);
  type_into (gui_find_named (GTK_WIDGET (design), "epochs"), "7");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "keras-mnist-mlp (edited)");
  row = preset_row (win, "keras-mnist-mlp");
  g_assert_true (gtk_widget_get_visible (gui_find_named (row, "current")));
  g_assert_true (gtk_widget_get_visible (gui_find_named (row, "edited")));
  screen_shots (GTK_WINDOW (win), "presets-menu-edited");

  click_row (preset_row (win, "theano-mlp"));
  assert_design_is_preset (design, "theano-mlp");
  g_assert_nonnull (gui_wait_label (GTK_WIDGET (win), "Loaded “theano-mlp”", 10));
  /* one size: the toast would time out over two */
  screen_shots_n (GTK_WINDOW (win), "presets-undo-toast", 1);
  gui_click (gui_find_button (GTK_WIDGET (win), "_Undo"));
  {
    g_autoptr(InkExperiment) got = ink_design_page_get_experiment (design, NULL);
    g_assert_nonnull (got);
    g_assert_cmpstr (got->name, ==, "keras-mnist-mlp (edited)");
    g_assert_cmpuint (got->epochs, ==, 7);
    g_assert_cmpstr (ink_design_page_get_base (design)->name, ==, "keras-mnist-mlp");
    g_assert_true (ink_design_page_get_modified (design));
  }
  /* and the menu marks keras-mnist-mlp, edited, again */
  row = preset_row (win, "keras-mnist-mlp");
  g_assert_true (gtk_widget_get_visible (gui_find_named (row, "current")));
  g_assert_true (gtk_widget_get_visible (gui_find_named (row, "edited")));
  gtk_popover_popdown (presets_popover (win));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* edits that cannot be kept (a refused value) are asked about first */
static void
test_presets_ask (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  g_autoptr(InkExperiment) keras = ink_experiment_preset ("keras-mnist-mlp", NULL);
  AdwMessageDialog *dialog;

  ink_design_page_set_experiment (design, keras);
  type_into (gui_find_named (GTK_WIDGET (design), "epochs"), "many");
  g_assert_false (ink_design_page_get_valid (design));

  click_row (preset_row (win, "theano-mlp"));
  g_assert_true (wait_for (dialog_shown, NULL, 10));
  dialog = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "theano-mlp"));
  screen_shots (GTK_WINDOW (win), "presets-ask");
  gui_click (gui_find_button (GTK_WIDGET (dialog), "_Keep Editing"));
  gui_pump ();
  g_assert_null (find_message_dialog ());
  g_assert_false (ink_design_page_get_valid (design));
  g_assert_cmpstr (ink_design_page_get_base (design)->name, ==, "keras-mnist-mlp");

  click_row (preset_row (win, "theano-mlp"));
  g_assert_true (wait_for (dialog_shown, NULL, 10));
  dialog = find_message_dialog ();
  gui_click (gui_find_button (GTK_WIDGET (dialog), "_Load “theano-mlp”"));
  gui_pump ();
  assert_design_is_preset (design, "theano-mlp");
  gtk_window_destroy (GTK_WINDOW (win));
}


int
main (int argc, char **argv)
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  data_dir = test_synthetic_dir (1500, 400);
  ledger_dir = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  app = ink_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/window/presets", test_presets);
  g_test_add_func ("/window/short-run", test_short_run);
  g_test_add_func ("/window/pretraining-run", test_pretraining_run);
  g_test_add_func ("/window/close-mid-run", test_close_mid_run);
  g_test_add_func ("/window/open-model", test_open_model);
  g_test_add_func ("/window/800x600", test_800x600);
  g_test_add_func ("/window/preflight-dialog", test_preflight_dialog);
  g_test_add_func ("/window/trash-run", test_trash_run);
  g_test_add_func ("/window/evaluate-trained-dataset", test_evaluate_trained_dataset);
  g_test_add_func ("/window/evaluate-without-data", test_evaluate_without_data);
  g_test_add_func ("/window/fashion-class-names", test_fashion_class_names);
  g_test_add_func ("/window/toast-markup", test_toast_markup);
  g_test_add_func ("/window/open-run", test_open_run);
  g_test_add_func ("/window/cnn-open", test_cnn_open);
  g_test_add_func ("/window/stop-report", test_stop_report);
  g_test_add_func ("/window/stop-while-preparing", test_stop_while_preparing);
  g_test_add_func ("/window/memory-warning", test_memory_warning);
  g_test_add_func ("/window/presets-menu", test_presets_menu);
  g_test_add_func ("/window/presets-undo", test_presets_undo);
  g_test_add_func ("/window/presets-ask", test_presets_ask);
  ret = g_test_run ();

  g_object_unref (app);
  test_remove_tree (data_dir);
  test_remove_tree (ledger_dir);
  g_free (data_dir);
  g_free (ledger_dir);
  return ret;
}
