/* test-gui-ledger.c
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

#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>

#include "ink-application.h"
#include "ink-ledger-compare.h"
#include "ink-ledger-view.h"
#include "ink-window.h"
#include "test-util.h"
#include "test-gui-util.h"

/* The Runs page with damaged run folders in the ledger: the window opens
 * (it used to crash at launch), each damaged folder is one row that says
 * why, with markup in the reason escaped, and it can be moved to the
 * trash.  HOME and XDG_DATA_HOME point at a temporary folder, set before
 * GLib caches them. */

static char *home;
static InkApplication *the_app;

/* one application for every test (it registers once per process) */
static InkApplication *
test_app (void)
{
  if (the_app == NULL)
    {
      the_app = ink_application_new ();
      g_application_set_flags (G_APPLICATION (the_app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (the_app), NULL, NULL));
    }
  return the_app;
}

static InkExperiment *
small_experiment (void)
{
  InkExperiment *e = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_free (e->name);
  e->name = g_strdup ("gui-ledger-test");
  return e;
}

/* a good run, a run whose summary has a string for a number, one whose
 * history line is cut short, and a file where a folder should be; the
 * folder name carries markup that must not be interpreted */
static char *
fill_ledger (void)
{
  g_autoptr(InkExperiment) exp = small_experiment ();
  g_autoptr(GError) error = NULL;
  char *root = ink_ledger_dir ();
  g_autoptr(InkLedgerRun) good = NULL, bad = NULL, cut = NULL;
  g_autofree char *path = NULL, *odd = NULL;

  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  good = ink_ledger_run_create (root, exp, &error);
  g_assert_no_error (error);
  g_assert_true (ink_ledger_run_finish (good, "completed", "", 0.9, 1, &error));
  bad = ink_ledger_run_create (root, exp, &error);
  g_assert_no_error (error);
  path = g_build_filename (bad->dir, "summary.json", NULL);
  g_assert_true (g_file_set_contents (path, "{\"status\": \"completed\", \"started\": \"<b>noon</b>\"}", -1, NULL));
  odd = g_build_filename (root, "20260101-000000-<b>damaged&x", NULL);
  g_assert_cmpint (g_rename (bad->dir, odd), ==, 0);
  cut = ink_ledger_run_create (root, exp, &error);
  g_assert_no_error (error);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (cut->dir, "history.csv", NULL);
  g_assert_true (g_file_set_contents (path, "epoch,x\n1,0.5,0.4", -1, NULL));
  g_clear_pointer (&path, g_free);
  path = g_build_filename (root, "20260101-000000-a-file", NULL);
  g_assert_true (g_file_set_contents (path, "not a run", -1, NULL));
  return root;
}

/* The Runs page on screen: the test home has no dataset, so the window
 * first offers to go on without one (the data is looked for in the
 * background: ask until the page shows). */
static void
show_runs_page (InkWindow *win)
{
  GtkWidget *view = ink_window_get_page (win, "runs");
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (view))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      gtk_widget_activate_action (GTK_WIDGET (win), "win.continue-without-data", NULL);
      gtk_widget_activate_action (GTK_WIDGET (win), "win.show-page", "s", "runs");
      for (int i = 0; i < 20; i++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
    }
  gtk_test_widget_wait_for_draw (view);
  gui_pump ();
}

/* ---- finding what the user sees ---------------------------------------- */

static gboolean
match_name_cell (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) && g_strcmp0 (gtk_widget_get_name (w), "ink-run-name") == 0 &&
         (text == NULL || g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), text) == 0);
}

/* the mapped name cell showing `text` */
static GtkWidget *
name_cell (GtkWidget *root, const char *text)
{
  GtkWidget *w = gui_find (root, match_name_cell, text);
  if (w == NULL && g_getenv ("GUI_DEBUG"))
    gui_dump (root, 0);
  return w;
}

static void
collect (GtkWidget *w, GuiMatch match, gconstpointer data, GPtrArray *out)
{
  if (match (w, data))
    g_ptr_array_add (out, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect (c, match, data, out);
}

static double
y_in (GtkWidget *w, GtkWidget *ref)
{
  graphene_point_t p;
  g_assert_true (gtk_widget_compute_point (w, ref, &GRAPHENE_POINT_INIT (0, 0), &p));
  return p.y;
}

static GtkWidget *sort_ref;

static int
by_y (gconstpointer a, gconstpointer b)
{
  double ya = y_in (*(GtkWidget **) a, sort_ref), yb = y_in (*(GtkWidget **) b, sort_ref);
  return ya < yb ? -1 : ya > yb;
}

/* the names the table shows, top to bottom */
static GStrv
shown_names (InkLedgerView *view)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  GStrvBuilder *b = g_strv_builder_new ();
  GStrv out;

  gui_pump ();
  collect (GTK_WIDGET (view), match_name_cell, NULL, cells);
  sort_ref = GTK_WIDGET (view);
  g_ptr_array_sort (cells, by_y);
  for (guint i = 0; i < cells->len; i++)
    g_strv_builder_add (b, gtk_label_get_text (cells->pdata[i]));
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return out;
}

/* the row (list item widget) a cell's widget is in */
static GtkWidget *
row_of (GtkWidget *w)
{
  while (w && !GTK_IS_LIST_VIEW (gtk_widget_get_parent (w)))
    w = gtk_widget_get_parent (w);
  g_assert_nonnull (w);
  return w;
}

static gboolean
match_icon_button (GtkWidget *w, gconstpointer icon)
{
  return GTK_IS_BUTTON (w) && gtk_widget_get_mapped (w) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (w)), icon) == 0;
}

static gboolean
match_label_prefix (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_BUTTON (w) && gtk_widget_get_mapped (w) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), text) == 0;
}

/* the row's cell texts (plain labels), left to right */
static char *
row_text (GtkWidget *row)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GString *s = g_string_new (NULL);

  collect (row, gui_match_type, GSIZE_TO_POINTER (GTK_TYPE_LABEL), labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (labels->pdata[i]))
      g_string_append_printf (s, "%s|", gtk_label_get_text (labels->pdata[i]));
  return g_string_free (s, FALSE);
}

/* ---- real input (XTEST through xdotool) -------------------------------- */

/* ---- a ledger of three comparable runs --------------------------------- */

static InkLedgerRun *
add_run (const char *root, const char *name, double acc, float lr, guint n_hidden, guint epochs)
{
  g_autoptr(InkExperiment) exp = small_experiment ();
  g_autoptr(GError) error = NULL;
  InkLedgerRun *run;

  g_free (exp->name);
  exp->name = g_strdup (name);
  exp->optimizer.lr = lr;
  if (n_hidden == 1)
    {
      exp->net->layers[1] = exp->net->layers[2];
      exp->net->n_layers = 2;
    }
  run = ink_ledger_run_create (root, exp, &error);
  g_assert_no_error (error);
  for (guint e = 1; e <= epochs; e++)
    {
      InkEpochRecord r = { 0 };
      r.epoch = e;
      r.train_loss = r.valid_loss = 1.0 / e;
      r.train_acc = r.valid_acc = acc;
      r.lr = lr;
      r.duration = 0.5;
      /* no call per epoch: the history is written once below */
      g_array_append_val (run->history, r);
    }
  if (epochs)
    {
      InkEpochRecord last = g_array_index (run->history, InkEpochRecord, epochs - 1);
      g_array_set_size (run->history, epochs - 1);
      g_assert_true (ink_ledger_run_add_epoch (run, &last, &error));
    }
  g_assert_true (ink_ledger_run_finish (run, "completed", "all epochs done", acc, epochs, &error));
  g_assert_no_error (error);
  return run;
}

typedef struct
{
  char          *root;
  InkWindow     *win;
  InkLedgerView *view;
  char          *dirs[3];      /* alpha, beta, gamma */
  guint          n_overlay_signals;
} Fixture;

static void
on_overlays (InkLedgerView *view, Fixture *f)
{
  f->n_overlay_signals++;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(InkLedgerRun) a = NULL, b = NULL, c = NULL;

  f->root = g_dir_make_tmp ("ink-gui-runs-XXXXXX", NULL);
  a = add_run (f->root, "alpha", 0.91, 0.001f, 2, 3);
  b = add_run (f->root, "beta", 0.97, 0.2f, 1, 1200);     /* large numbers */
  c = add_run (f->root, "gamma", 0.85, 0.001f, 2, 2);
  f->dirs[0] = g_strdup (a->dir);
  f->dirs[1] = g_strdup (b->dir);
  f->dirs[2] = g_strdup (c->dir);
  f->win = ink_window_new (test_app ());
  ink_window_set_ledger_root (f->win, f->root);
  gtk_window_set_default_size (GTK_WINDOW (f->win), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->win));
  f->view = INK_LEDGER_VIEW (ink_window_get_page (f->win, "runs"));
  g_signal_connect (f->view, "overlays-changed", G_CALLBACK (on_overlays), f);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->win));
  gui_pump ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->win)
    gtk_window_destroy (GTK_WINDOW (f->win));
  gui_pump ();
  test_remove_tree (f->root);
  g_free (f->root);
  for (guint i = 0; i < 3; i++)
    g_free (f->dirs[i]);
}

/* the Runs page on screen */
static void
show_runs (Fixture *f)
{
  show_runs_page (f->win);
}

/* Every row tells the run apart: name, dataset, architecture, optimizer,
 * epochs (with a thousands separator), test accuracy, duration, how it
 * ended. */
static void
test_columns (Fixture *f, gconstpointer data)
{
  GtkWidget *beta;
  g_autofree char *text = NULL, *alpha_text = NULL;
  g_auto(GStrv) names = NULL;

  show_runs (f);
  names = shown_names (f->view);
  /* newest first */
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  g_assert_cmpstr (names[0], ==, "gamma");
  g_assert_cmpstr (names[2], ==, "alpha");
  beta = name_cell (GTK_WIDGET (f->view), "beta");
  g_assert_nonnull (beta);
  text = row_text (row_of (beta));
  g_test_message ("beta: %s", text);
  g_assert_nonnull (strstr (text, "|mnist|784-512-10|rmsprop|1,200|97.00%|"));
  g_assert_nonnull (strstr (text, "|completed|"));
  alpha_text = row_text (row_of (name_cell (GTK_WIDGET (f->view), "alpha")));
  g_assert_nonnull (strstr (alpha_text, "|784-512-512-10|rmsprop|3|91.00%|"));
  /* each header a sorter */
  for (guint i = 0; i < g_list_model_get_n_items (gtk_column_view_get_columns (ink_ledger_view_get_column_view (f->view))); i++)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (gtk_column_view_get_columns (ink_ledger_view_get_column_view (f->view)), i);
      if (gtk_column_view_column_get_title (col))
        g_assert_nonnull (gtk_column_view_column_get_sorter (col));
    }
}

static GtkWidget *
header_label (Fixture *f, const char *title)
{
  /* the header's title: a label outside the rows */
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (GTK_WIDGET (ink_ledger_view_get_column_view (f->view)), gui_match_label, title, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (gtk_label_get_text (labels->pdata[i]), title))
      return labels->pdata[i];
  return NULL;
}

/* A click on a column's real header sorts by it; a second click reverses. */
static void
test_sort (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) names = NULL;
  GtkWidget *acc;

  if (!gui_have_xdotool ())
    return;
  show_runs (f);
  acc = header_label (f, "Test Acc.");
  g_assert_nonnull (acc);
  gui_xclick (acc);
  names = shown_names (f->view);
  g_assert_cmpstr (names[0], ==, "gamma");   /* 85% */
  g_assert_cmpstr (names[1], ==, "alpha");   /* 91% */
  g_assert_cmpstr (names[2], ==, "beta");    /* 97% */
  g_strfreev (g_steal_pointer (&names));
  gui_xclick (acc);
  names = shown_names (f->view);
  g_assert_cmpstr (names[0], ==, "beta");
  g_assert_cmpstr (names[2], ==, "gamma");
  g_strfreev (g_steal_pointer (&names));
  /* by name */
  gui_xclick (header_label (f, "Name"));
  names = shown_names (f->view);
  g_assert_cmpstr (names[0], ==, "alpha");
  g_assert_cmpstr (names[1], ==, "beta");
  g_assert_cmpstr (names[2], ==, "gamma");
  g_strfreev (g_steal_pointer (&names));
  /* by epochs, the numbers compared as numbers (1,200 after 3) */
  gui_xclick (header_label (f, "Epochs"));
  names = shown_names (f->view);
  g_assert_cmpstr (names[0], ==, "gamma");
  g_assert_cmpstr (names[1], ==, "alpha");
  g_assert_cmpstr (names[2], ==, "beta");
}

static gboolean
match_rename_entry (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_ENTRY (w) && gtk_widget_get_mapped (w) && g_strcmp0 (gtk_widget_get_name (w), "ink-rename-entry") == 0;
}

/* the run's real Rename button, then its entry */
static GtkWidget *
open_rename (Fixture *f, const char *name)
{
  GtkWidget *row = row_of (name_cell (GTK_WIDGET (f->view), name));
  GtkWidget *button = gui_find (row, match_icon_button, "document-edit-symbolic");
  GtkWidget *entry;

  g_assert_nonnull (button);
  gui_click (button);
  entry = gui_find (GTK_WIDGET (f->view), match_rename_entry, NULL);
  g_assert_nonnull (entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, name);
  return entry;
}

/* The row's Rename button opens an entry; typing a new name (real key
 * presses) and Enter keeps it in the run's summary.json, where the ledger
 * reads it again; Escape keeps the old name. */
static void
test_rename (Fixture *f, gconstpointer data)
{
  GtkWidget *entry;
  g_autofree char *path = g_build_filename (f->dirs[0], "summary.json", NULL);
  g_autofree char *summary = NULL;
  g_autoptr(GPtrArray) again = NULL;

  if (!gui_have_xdotool ())
    return;
  show_runs (f);
  entry = open_rename (f, "alpha");
  gui_xclick (entry);
  gui_xkeys (entry, "key --clearmodifiers ctrl+a BackSpace");
  gui_xkeys (entry, "type --delay 5 'wide & <deep>'");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "wide & <deep>");
  gui_xkeys (entry, "key Return");
  gui_pump ();
  g_assert_null (gui_find (GTK_WIDGET (f->view), match_rename_entry, NULL));
  g_assert_nonnull (name_cell (GTK_WIDGET (f->view), "wide & <deep>"));
  g_assert_true (g_file_get_contents (path, &summary, NULL, NULL));
  g_assert_nonnull (strstr (summary, "\"name\" : \"wide & <deep>\""));
  again = ink_ledger_list (f->root, NULL);
  for (guint i = 0; i < again->len; i++)
    {
      InkLedgerRun *r = again->pdata[i];
      if (g_str_equal (r->dir, f->dirs[0]))
        {
          g_assert_cmpstr (ink_ledger_run_get_name (r), ==, "wide & <deep>");
          g_assert_cmpstr (r->experiment->name, ==, "alpha");
        }
    }
  /* still there after the list is read again */
  ink_ledger_view_reload (f->view, NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->view));
  gui_pump ();
  g_assert_nonnull (name_cell (GTK_WIDGET (f->view), "wide & <deep>"));

  /* Escape keeps the old name */
  entry = open_rename (f, "beta");
  gui_xclick (entry);
  gui_xkeys (entry, "type --delay 5 'zzz'");
  gui_xkeys (entry, "key Escape");
  gui_pump ();
  g_assert_null (gui_find (GTK_WIDGET (f->view), match_rename_entry, NULL));
  g_assert_nonnull (name_cell (GTK_WIDGET (f->view), "beta"));
  g_clear_pointer (&summary, g_free);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (f->dirs[1], "summary.json", NULL);
  g_assert_true (g_file_get_contents (path, &summary, NULL, NULL));
  g_assert_null (strstr (summary, "\"name\""));
}

static GtkWidget *
undo_button (Fixture *f)
{
  return gui_find (GTK_WIDGET (f->view), match_label_prefix, "_Undo");
}

static gboolean
folder_gone (gpointer dir)
{
  return !g_file_test (dir, G_FILE_TEST_EXISTS);
}

static gboolean
no_trash_here (Fixture *f)
{
  /* g_file_trash needs a trash on the same file system as the ledger */
  g_autofree char *probe = g_build_filename (f->root, "probe", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (probe);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (probe, "x", -1, NULL));
  if (g_file_trash (file, NULL, &error))
    return FALSE;
  g_test_skip (error->message);
  g_unlink (probe);
  return TRUE;
}

/* The row's real trash button hides the run and offers Undo in a toast;
 * Undo brings it back with its folder untouched; closing the toast moves
 * the folder to the trash; closing the window while a toast still offers
 * Undo moves it too (the user asked for it), never leaves it half-done. */
static void
test_trash_undo (Fixture *f, gconstpointer data)
{
  GtkWidget *row, *trash, *undo, *close;
  g_auto(GStrv) names = NULL;

  if (no_trash_here (f))
    return;
  show_runs (f);
  row = row_of (name_cell (GTK_WIDGET (f->view), "alpha"));
  trash = gui_find (row, match_icon_button, "user-trash-symbolic");
  g_assert_nonnull (trash);
  gui_click (trash);
  names = shown_names (f->view);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_false (g_strv_contains ((const char * const *) names, "alpha"));
  g_assert_true (g_file_test (f->dirs[0], G_FILE_TEST_IS_DIR));
  g_assert_nonnull (gui_wait_label (GTK_WIDGET (f->view), "“alpha” moved to the trash", 10));
  undo = undo_button (f);
  g_assert_nonnull (undo);
  gui_click (undo);
  for (int i = 0; i < 50; i++)
    gui_pump ();
  g_strfreev (g_steal_pointer (&names));
  names = shown_names (f->view);
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  g_assert_true (g_strv_contains ((const char * const *) names, "alpha"));
  g_assert_true (g_file_test (f->dirs[0], G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (ink_ledger_view_get_n_runs (f->view), ==, 3);

  /* again, and the toast closed without Undo: the folder goes */
  row = row_of (name_cell (GTK_WIDGET (f->view), "alpha"));
  gui_click (gui_find (row, match_icon_button, "user-trash-symbolic"));
  close = gui_find (GTK_WIDGET (f->view), match_icon_button, "window-close-symbolic");
  g_assert_nonnull (close);
  gui_click (close);
  g_assert_true (gui_wait_for (folder_gone, f->dirs[0], 10));
  g_assert_cmpuint (ink_ledger_view_get_n_runs (f->view), ==, 2);

  /* a third time, and the window closes while Undo is offered */
  row = row_of (name_cell (GTK_WIDGET (f->view), "beta"));
  gui_click (gui_find (row, match_icon_button, "user-trash-symbolic"));
  g_assert_nonnull (undo_button (f));
  g_assert_true (g_file_test (f->dirs[1], G_FILE_TEST_IS_DIR));
  gtk_window_destroy (GTK_WINDOW (f->win));
  f->win = NULL;
  gui_pump ();
  g_assert_false (g_file_test (f->dirs[1], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (f->dirs[2], G_FILE_TEST_IS_DIR));
}

static GtkWidget *
check_of (Fixture *f, const char *name)
{
  GtkWidget *row = row_of (name_cell (GTK_WIDGET (f->view), name));
  GtkWidget *check = gui_find_type (row, GTK_TYPE_CHECK_BUTTON);
  g_assert_nonnull (check);
  return check;
}

static gboolean
match_value (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), text) == 0;
}

/* Ticking the real check buttons overlays the runs and enables Compare; the
 * real Compare button opens the side-by-side table in its own window (the
 * list does not move under the pointer), rounded numbers, layers by role,
 * differences highlighted; "Only Differences" hides the rest. */
static void
test_compare (Fixture *f, gconstpointer data)
{
  GtkWidget *compare, *check_a, *check_b, *lr, *only;
  GtkWindow *cw;
  g_autoptr(GPtrArray) checked = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  double y_before, y_after;
  guint signals;

  show_runs (f);
  compare = gui_find_button (GTK_WIDGET (f->view), "_Compare");
  g_assert_nonnull (compare);
  g_assert_false (gtk_widget_is_sensitive (compare));
  check_a = check_of (f, "alpha");
  check_b = check_of (f, "beta");
  signals = f->n_overlay_signals;
  gtk_widget_activate (check_a);
  gui_pump ();
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check_a)));
  g_assert_cmpuint (f->n_overlay_signals, ==, signals + 1);
  g_assert_false (gtk_widget_is_sensitive (compare));
  gtk_widget_activate (check_b);
  gui_pump ();
  checked = ink_ledger_view_get_checked (f->view);
  g_assert_cmpuint (checked->len, ==, 2);
  g_assert_true (gtk_widget_is_sensitive (compare));

  y_before = y_in (name_cell (GTK_WIDGET (f->view), "alpha"), GTK_WIDGET (f->win));
  gui_click (compare);
  cw = ink_ledger_view_get_compare_window (f->view);
  g_assert_nonnull (cw);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (cw));
  gui_pump ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (cw)));
  y_after = y_in (name_cell (GTK_WIDGET (f->view), "alpha"), GTK_WIDGET (f->win));
  g_assert_cmpfloat (y_before, ==, y_after);

  /* the table: rounded numbers, layers by role, differences highlighted */
  collect (GTK_WIDGET (cw), gui_match_type, GSIZE_TO_POINTER (GTK_TYPE_LABEL), labels);
  for (guint i = 0; i < labels->len; i++)
    g_assert_null (strstr (gtk_label_get_text (labels->pdata[i]), "0000000"));
  lr = gui_find (GTK_WIDGET (cw), match_value, "0.2");
  g_assert_nonnull (lr);
  g_assert_true (gtk_widget_has_css_class (lr, "accent"));
  g_assert_nonnull (gui_find (GTK_WIDGET (cw), match_value, "0.001"));
  g_assert_nonnull (gui_find (GTK_WIDGET (cw), match_value, "Hidden 2"));
  g_assert_nonnull (gui_find (GTK_WIDGET (cw), match_value, "1,200"));
  g_assert_nonnull (gui_find (GTK_WIDGET (cw), match_value, "407,050"));   /* 784-512-10 */
  g_assert_false (gtk_widget_has_css_class (gui_find (GTK_WIDGET (cw), match_value, "mnist"), "accent"));
  g_assert_nonnull (gui_find (GTK_WIDGET (cw), match_value, "Batch size"));

  only = gui_find_button (GTK_WIDGET (cw), "Only _Differences");
  g_assert_nonnull (only);
  gui_click (only);
  g_assert_true (ink_ledger_compare_window_get_only_differences (cw));
  g_assert_null (gui_find (GTK_WIDGET (cw), match_value, "Batch size"));
  g_assert_nonnull (gui_find (GTK_WIDGET (cw), match_value, "Learning rate"));

  /* unticking one: one run left on the charts, nothing to compare */
  gtk_widget_activate (check_a);
  gui_pump ();
  g_clear_pointer (&checked, g_ptr_array_unref);
  checked = ink_ledger_view_get_checked (f->view);
  g_assert_cmpuint (checked->len, ==, 1);
  g_assert_false (gtk_widget_is_sensitive (compare));
  gtk_window_destroy (cw);
}

static void
shoot_window (GtkWidget *w, const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  gui_shot (w, file);
}

/* Screenshots of the Runs page and the comparison, light and dark, at
 * 800×600 and 1280×800, under $INK_SHOTS_DIR (nothing when unset). */
static void
test_shots (Fixture *f, gconstpointer data)
{
  AdwStyleManager *sm = adw_style_manager_get_default ();
  const char *themes[] = { "light", "dark" };
  const int sizes[][2] = { { 800, 600 }, { 1280, 800 } };

  if (g_getenv ("INK_SHOTS_DIR") == NULL)
    {
      g_test_skip ("INK_SHOTS_DIR is not set");
      return;
    }
  show_runs (f);
  gtk_widget_activate (check_of (f, "alpha"));
  gtk_widget_activate (check_of (f, "beta"));
  for (guint t = 0; t < 2; t++)
    {
      adw_style_manager_set_color_scheme (sm, t ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint s = 0; s < 2; s++)
        {
          g_autofree char *page = g_strdup_printf ("runs-%dx%d-%s", sizes[s][0], sizes[s][1], themes[t]);
          g_autofree char *cmp = g_strdup_printf ("compare-%dx%d-%s", sizes[s][0], sizes[s][1], themes[t]);
          GtkWindow *cw;

          gtk_window_set_default_size (GTK_WINDOW (f->win), sizes[s][0], sizes[s][1]);
          for (int i = 0; i < 20; i++)
            gui_pump ();
          shoot_window (GTK_WIDGET (f->win), page);
          cw = ink_ledger_view_compare (f->view);
          if (s == 0)
            gtk_window_set_default_size (cw, 700, 560);
          gtk_test_widget_wait_for_draw (GTK_WIDGET (cw));
          for (int i = 0; i < 20; i++)
            gui_pump ();
          shoot_window (GTK_WIDGET (cw), cmp);
          gtk_window_destroy (cw);
        }
    }
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_damaged_runs (void)
{
  g_autofree char *root = fill_ledger ();
  InkWindow *win;
  InkLedgerView *view;
  g_autoptr(GPtrArray) checked = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  guint damaged_index = G_MAXUINT;
  GtkWidget *odd, *row;
  g_autofree char *text = NULL;

  /* the default ledger, as at launch */
  win = ink_window_new (test_app ());
  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_present (GTK_WINDOW (win));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (win));
  show_runs_page (win);
  view = INK_LEDGER_VIEW (ink_window_get_page (win, "runs"));
  g_assert_cmpuint (ink_ledger_view_get_n_runs (view), ==, 4);

  /* one row each, the damaged ones by their folder's name, shown as
   * text (the markup in it is not interpreted) */
  names = shown_names (view);
  g_assert_cmpuint (g_strv_length (names), ==, 4);
  g_assert_true (g_strv_contains ((const char * const *) names, "gui-ledger-test"));
  odd = name_cell (GTK_WIDGET (view), "20260101-000000-<b>damaged&x");
  g_assert_nonnull (odd);
  row = row_of (odd);
  text = row_text (row);
  g_test_message ("damaged row: %s", text);
  /* why, naming the file and the field */
  g_assert_nonnull (strstr (text, "<b>damaged&x/summary.json"));
  g_assert_nonnull (strstr (text, "started"));
  g_assert_nonnull (strstr (text, "|damaged|"));
  /* nothing to tick or open; the trash stays */
  g_assert_false (gtk_widget_get_visible (gui_find_type (row, GTK_TYPE_CHECK_BUTTON)));
  g_assert_null (gui_find (row, match_label_prefix, "Open"));
  g_assert_null (gui_find (row, match_icon_button, "document-edit-symbolic"));
  g_assert_nonnull (gui_find (row, match_icon_button, "user-trash-symbolic"));

  /* nothing damaged can be ticked for the charts or compared */
  for (guint i = 0; i < ink_ledger_view_get_n_runs (view); i++)
    {
      ink_ledger_view_set_checked (view, i, TRUE);
      if (ink_ledger_view_get_run (view, i)->damaged && strstr (ink_ledger_view_get_run (view, i)->id, "damaged"))
        damaged_index = i;
    }
  checked = ink_ledger_view_get_checked (view);
  g_assert_cmpuint (checked->len, ==, 1);
  g_assert_cmpuint (damaged_index, !=, G_MAXUINT);

  /* a damaged run goes to the trash like any other */
  if (ink_ledger_view_trash (view, damaged_index, &error))
    g_assert_cmpuint (ink_ledger_view_get_n_runs (view), ==, 3);
  else
    g_test_message ("no trash here: %s", error->message);

  gtk_window_destroy (GTK_WINDOW (win));
  gui_pump ();
}

int
main (int argc, char **argv)
{
  g_autofree char *data = NULL;
  int ret;

  home = g_dir_make_tmp ("ink-gui-ledger-XXXXXX", NULL);
  data = g_build_filename (home, "data", NULL);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ledger-view/damaged-runs", test_damaged_runs);
  g_test_add ("/ledger-view/columns", Fixture, NULL, fixture_setup, test_columns, fixture_teardown);
  g_test_add ("/ledger-view/sort-by-header", Fixture, NULL, fixture_setup, test_sort, fixture_teardown);
  g_test_add ("/ledger-view/rename", Fixture, NULL, fixture_setup, test_rename, fixture_teardown);
  g_test_add ("/ledger-view/trash-undo", Fixture, NULL, fixture_setup, test_trash_undo, fixture_teardown);
  g_test_add ("/ledger-view/compare", Fixture, NULL, fixture_setup, test_compare, fixture_teardown);
  g_test_add ("/ledger-view/shots", Fixture, NULL, fixture_setup, test_shots, fixture_teardown);
  ret = g_test_run ();
  g_clear_object (&the_app);
  test_remove_tree (home);
  g_free (home);
  return ret;
}
