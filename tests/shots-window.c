/* shots-window.c
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

/* Screenshots of every page of the whole window, light and dark, at
 * 800×600 and at 1280×820, after two short real runs (the second with the
 * first overlaid).  Built only when asked for, from the source root:
 *
 *   ninja -C _build tests/shots-window
 *   INK_SHOTS_DIR=/tmp/shots GSETTINGS_SCHEMA_DIR=_build/data GSETTINGS_BACKEND=memory \
 *      GSK_RENDERER=cairo GDK_BACKEND=x11 GTK_A11Y=none \
 *      xvfb-run -a -s '-screen 0 1400x900x24' dbus-run-session -- _build/tests/shots-window
 *
 * Uses MNIST when it is installed, else a synthetic set. */

#include "config.h"

#include <adwaita.h>

#include "ink-application.h"
#include "ink-design-page.h"
#include "ink-ledger.h"
#include "ink-ledger-view.h"
#include "ink-train-page.h"
#include "ink-window.h"
#include "test-util.h"
#include "test-gui-util.h"

static void
train (InkWindow *win, const char *name, guint units, guint epochs)
{
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
  g_autoptr(InkExperiment) e = ink_experiment_preset ("keras-mnist-mlp", NULL);

  e->net->layers[0].units = units;
  e->net->layers[1].units = 32;
  e->epochs = epochs;
  e->batch_size = 128;
  g_free (e->name);
  e->name = g_strdup (name);
  ink_design_page_set_experiment (design, e);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.start", NULL));
  g_assert_true (gui_wait_for (gui_run_ended, win, 600));
}

static void
shoot_all (InkWindow *win, const char *size, const char *theme)
{
  static const char *pages[] = { "design", "train", "features", "draw", "evaluate", "runs" };
  GtkWidget *stack = gtk_widget_get_parent (ink_window_get_page (win, "design"));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%s-%s.png", pages[i], size, theme);

      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), pages[i]);
      {
        int mw, mh;

        gtk_widget_measure (ink_window_get_page (win, pages[i]), GTK_ORIENTATION_HORIZONTAL, -1, &mw, NULL, NULL, NULL);
        gtk_widget_measure (ink_window_get_page (win, pages[i]), GTK_ORIENTATION_VERTICAL, -1, &mh, NULL, NULL, NULL);
        g_printerr ("%s %s: page minimum %d×%d, window %d×%d\n", size, pages[i], mw, mh,
                    gtk_widget_get_width (GTK_WIDGET (win)), gtk_widget_get_height (GTK_WIDGET (win)));
      }
      for (int k = 0; k < 4; k++)
        {
          gui_pump ();
          g_usleep (100000);
        }
      gui_shot (GTK_WIDGET (win), name);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *ledger = g_dir_make_tmp ("ink-shots-ledger-XXXXXX", NULL);
  g_autofree char *data = test_mnist_dir ();
  InkApplication *app;
  InkWindow *win;
  static const struct { const char *name; int w, h; } sizes[] = { { "800x600", 800, 600 }, { "full", 1280, 820 } };

  gtk_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  if (data == NULL)
    data = test_synthetic_dir (3000, 600);
  app = ink_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  win = ink_window_new (app);
  ink_window_set_ledger_root (win, ledger);
  ink_window_set_data_dir (win, data);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (gui_wait_for (gui_has_data, win, 60));
  train (win, "wide-first-run", 128, 2);
  train (win, "keras-mnist-mlp-with-a-long-name", 64, 3);
  {
    g_autoptr(GPtrArray) runs = ink_ledger_list (ledger, NULL);
    ink_train_page_set_overlays (INK_TRAIN_PAGE (ink_window_get_page (win, "train")), runs);
  }

  for (guint t = 0; t < 2; t++)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          t ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          gtk_window_set_default_size (GTK_WINDOW (win), sizes[s].w, sizes[s].h);
          gui_pump ();
          g_usleep (300000);
          gui_pump ();
          shoot_all (win, sizes[s].name, t ? "dark" : "light");
        }
    }
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  test_remove_tree (ledger);
  return 0;
}
