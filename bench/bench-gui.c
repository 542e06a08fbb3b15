/* bench-gui.c
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
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "ink-application.h"
#include "ink-window.h"

/* The workbench's responsiveness while it trains: opens the window, waits
 * for MNIST to load (time to an interactive window), starts the preset given
 * (default keras-mnist-mlp) on the CPU, and records the interval between
 * frame-clock ticks measured with g_get_monotonic_time () for `--epochs`
 * full epochs (default 1).  Prints the longest stall, the 99th percentile
 * and the peak RSS.  Run under a display (Xvfb is fine):
 *   xvfb-run -a -s '-screen 0 1280x800x24' _build/bench/bench-gui [preset] [epochs] */

static GArray *intervals;
static gint64 last_tick;
static gint64 t_start;

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  if (last_tick)
    {
      double ms = (now - last_tick) / 1000.0;
      g_array_append_val (intervals, ms);
    }
  last_tick = now;
  /* keep the frame clock running: ask for the next frame */
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data, double timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static gboolean
has_data (gpointer w)
{
  return ink_window_has_data (w);
}

static guint target_epochs = 1;

static gboolean
epochs_done (gpointer w)
{
  InkRun *run = ink_window_get_run (w);
  if (run == NULL)
    return FALSE;
  return g_list_model_get_n_items (ink_run_get_history (run)) >= target_epochs ||
         ink_run_get_state (run) == INK_RUN_FINISHED || ink_run_get_state (run) == INK_RUN_FAILED;
}

static gboolean
training (gpointer w)
{
  InkRun *run = ink_window_get_run (w);
  return run && ink_run_get_state (run) == INK_RUN_RUNNING;
}

int
main (int argc, char **argv)
{
  const char *preset = argc > 1 ? argv[1] : "keras-mnist-mlp";
  g_autoptr(InkApplication) app = NULL;
  g_autoptr(InkExperiment) exp = NULL;
  InkWindow *win;
  double t_ready, p50, p99, max;
  struct rusage ru;
  guint n;

  t_start = g_get_monotonic_time ();
  if (argc > 2)
    target_epochs = (guint) MAX (1, atoi (argv[2]));
  gtk_init ();
  app = ink_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    return 1;
  win = ink_window_new (app);
  gtk_window_present (GTK_WINDOW (win));
  if (!wait_until (has_data, win, 60))
    {
      fprintf (stderr, "bench-gui: MNIST did not load (run tools/setup-data.sh)\n");
      return 1;
    }
  t_ready = (g_get_monotonic_time () - t_start) / 1e6;

  exp = ink_experiment_preset (preset, NULL);
  if (exp == NULL)
    {
      fprintf (stderr, "bench-gui: no preset named %s\n", preset);
      return 1;
    }
  gtk_widget_activate_action (GTK_WIDGET (win), "win.load-preset", "s", preset);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.show-page", "s", "train");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.start", NULL);
  if (!wait_until (training, win, 60))
    return 1;

  intervals = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_add_tick_callback (GTK_WIDGET (win), on_tick, NULL, NULL);
  wait_until (epochs_done, win, 3600);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.stop", NULL);

  g_array_sort (intervals, cmp_double);
  n = intervals->len;
  p50 = n ? g_array_index (intervals, double, n / 2) : NAN;
  p99 = n ? g_array_index (intervals, double, MIN (n - 1, (guint) ceil (0.99 * n) - 1)) : NAN;
  max = n ? g_array_index (intervals, double, n - 1) : NAN;
  getrusage (RUSAGE_SELF, &ru);
  printf ("preset %s, %u epoch(s) on the CPU while the window was drawn\n", preset, target_epochs);
  printf ("time to an interactive window with the data loaded: %.3f s\n", t_ready);
  printf ("frame-clock intervals: %u ticks, median %.1f ms, p99 %.1f ms, max %.1f ms\n", n, p50, p99, max);
  printf ("peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
  gtk_window_destroy (GTK_WINDOW (win));
  return 0;
}
