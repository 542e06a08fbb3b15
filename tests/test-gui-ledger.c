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

#include "ink-application.h"
#include "ink-ledger-view.h"
#include "ink-window.h"
#include "test-util.h"

/* The Runs page with damaged run folders in the ledger: the window opens
 * (it used to crash at launch), each damaged folder is one row that says
 * why, with markup in the reason escaped, and it can be moved to the
 * trash.  HOME and XDG_DATA_HOME point at a temporary folder, set before
 * GLib caches them. */

static char *home;

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

static void
collect_rows (GtkWidget *w, GPtrArray *rows)
{
  if (ADW_IS_ACTION_ROW (w))
    g_ptr_array_add (rows, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

static void
test_damaged_runs (void)
{
  g_autofree char *root = fill_ledger ();
  InkApplication *app = ink_application_new ();
  InkWindow *win;
  InkLedgerView *view;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) checked = NULL;
  g_autoptr(GError) error = NULL;
  guint n_damaged = 0, damaged_index = G_MAXUINT;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  /* the default ledger, as at launch */
  win = ink_window_new (app);
  gtk_window_present (GTK_WINDOW (win));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  view = INK_LEDGER_VIEW (ink_window_get_page (win, "runs"));
  g_assert_cmpuint (ink_ledger_view_get_n_runs (view), ==, 4);

  collect_rows (GTK_WIDGET (view), rows);
  g_assert_cmpuint (rows->len, ==, 4);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *title = adw_preferences_row_get_title (rows->pdata[i]);
      const char *subtitle = adw_action_row_get_subtitle (rows->pdata[i]);

      g_test_message ("row %u: %s — %s", i, title, subtitle);
      if (strstr (subtitle, "Damaged run") == NULL)
        {
          g_assert_cmpstr (title, ==, "gui-ledger-test");
          continue;
        }
      n_damaged++;
      /* the markup in the folder name and in the file is shown escaped */
      if (strstr (title, "damaged") != NULL)
        {
          g_assert_nonnull (strstr (title, "&lt;b&gt;damaged&amp;x"));
          /* the subtitle reads back as the text shown: the markup of the
           * path is shown literally, not interpreted */
          g_assert_nonnull (strstr (subtitle, "<b>damaged&x/summary.json"));
          g_assert_nonnull (strstr (subtitle, "started"));
          damaged_index = i;
        }
    }
  g_assert_cmpuint (n_damaged, ==, 3);
  g_assert_cmpuint (damaged_index, !=, G_MAXUINT);

  /* nothing damaged can be ticked for the charts or compared */
  for (guint i = 0; i < rows->len; i++)
    ink_ledger_view_set_checked (view, i, TRUE);
  checked = ink_ledger_view_get_checked (view);
  g_assert_cmpuint (checked->len, ==, 1);

  /* a damaged run goes to the trash like any other */
  if (ink_ledger_view_trash (view, damaged_index, &error))
    g_assert_cmpuint (ink_ledger_view_get_n_runs (view), ==, 3);
  else
    g_test_message ("no trash here: %s", error->message);

  gtk_window_destroy (GTK_WINDOW (win));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_object_unref (app);
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
  ret = g_test_run ();
  test_remove_tree (home);
  g_free (home);
  return ret;
}
