/* shots-chart.c
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

/* Screenshots of the chart and the epoch table, light and dark, into
 * /tmp/inkling-shots/.  Built only when asked for, from the source root:
 *
 *   ninja -C _build tests/shots-chart
 *   GSK_RENDERER=cairo xvfb-run -a _build/tests/shots-chart */

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "ink-chart.h"
#include "ink-epoch-item.h"
#include "ink-epoch-table.h"

static void
save_widget (GtkWidget  *window,
             GtkWidget  *widget,
             const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("/tmp/inkling-shots/%s.png", name);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, path);
  g_print ("%s\n", path);
}

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static GtkWidget *
framed (GtkWidget *child,
        int        width,
        int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (child);
  wait_ms (250);
  return window;
}

static double
train_loss (double e)
{
  return 0.75 * exp (-e / 3.0) + 0.04 + 0.02 * exp (-e / 10.0);
}

static double
valid_loss (double e, double shift)
{
  return 0.6 * exp (-e / 3.5) + 0.075 + shift + 0.0009 * e;
}

static InkChart *
loss_chart (void)
{
  InkChart *chart = ink_chart_new ();
  GdkRGBA c_train, c_valid, c_grey;
  guint train, valid, batch, earlier;
  GRand *rand = g_rand_new_with_seed (7);

  ink_chart_palette (0, &c_train);
  ink_chart_palette (1, &c_valid);
  ink_chart_palette (9, &c_grey);
  ink_chart_set_title (chart, "Loss");
  ink_chart_set_axis_labels (chart, "Epoch", "Cross-entropy");
  batch = ink_chart_add_series (chart, "train (minibatch)", &c_train, INK_CHART_THIN, TRUE);
  earlier = ink_chart_add_series (chart, "valid loss, run 3", &c_grey, INK_CHART_DASHED, TRUE);
  train = ink_chart_add_series (chart, "train loss", &c_train, INK_CHART_SOLID, TRUE);
  valid = ink_chart_add_series (chart, "valid loss", &c_valid, INK_CHART_SOLID, TRUE);
  for (int i = 0; i <= 20 * 50; i++)
    {
      double x = i / 50.0;

      ink_chart_series_append (chart, batch, x, train_loss (x + 0.5) * (1 + 0.35 * (g_rand_double (rand) - 0.5)) + 0.05 * exp (-x));
    }
  for (int e = 1; e <= 20; e++)
    {
      ink_chart_series_append (chart, train, e, train_loss (e));
      ink_chart_series_append (chart, valid, e, valid_loss (e, 0));
      ink_chart_series_append (chart, earlier, e, valid_loss (e * 0.8, 0.015));
    }
  g_rand_free (rand);
  return chart;
}

static InkChart *
acc_chart (void)
{
  InkChart *chart = ink_chart_new ();
  guint train, valid;

  ink_chart_set_title (chart, "Accuracy");
  ink_chart_set_axis_labels (chart, "Epoch", NULL);
  ink_chart_set_percent (chart, TRUE);
  train = ink_chart_add_series (chart, "train acc", NULL, INK_CHART_SOLID, TRUE);
  valid = ink_chart_add_series (chart, "valid acc", NULL, INK_CHART_SOLID, TRUE);
  for (int e = 1; e <= 20; e++)
    {
      ink_chart_series_append (chart, train, e, 1 - 0.12 * exp (-e / 3.0) - 0.004);
      ink_chart_series_append (chart, valid, e, 1 - 0.1 * exp (-e / 3.5) - 0.019);
    }
  return chart;
}

static GtkEventController *
motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) list = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (list, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (c))
        return c;
    }
  return NULL;
}

static void
shots (const char *style)
{
  g_autofree char *n_loss = g_strdup_printf ("chart-loss-%s", style);
  g_autofree char *n_hover = g_strdup_printf ("chart-hover-%s", style);
  g_autofree char *n_log = g_strdup_printf ("chart-log-%s", style);
  g_autofree char *n_acc = g_strdup_printf ("chart-acc-%s", style);
  g_autofree char *n_small = g_strdup_printf ("chart-small-%s", style);
  g_autofree char *n_empty = g_strdup_printf ("chart-empty-%s", style);
  g_autofree char *n_table = g_strdup_printf ("table-%s", style);
  InkChart *chart;
  GtkWidget *window;
  double x, y;

  chart = loss_chart ();
  window = framed (GTK_WIDGET (chart), 720, 420);
  save_widget (window, window, n_loss);
  ink_chart_data_to_widget (chart, 12, valid_loss (12, 0), &x, &y);
  g_signal_emit_by_name (motion_controller (GTK_WIDGET (chart)), "motion", x + 2, y + 2);
  wait_ms (100);
  save_widget (window, window, n_hover);
  g_signal_emit_by_name (motion_controller (GTK_WIDGET (chart)), "leave");
  ink_chart_set_log_scale (chart, TRUE);
  wait_ms (100);
  save_widget (window, window, n_log);
  gtk_window_destroy (GTK_WINDOW (window));

  chart = acc_chart ();
  window = framed (GTK_WIDGET (chart), 520, 320);
  save_widget (window, window, n_acc);
  gtk_window_destroy (GTK_WINDOW (window));

  chart = loss_chart ();
  window = framed (GTK_WIDGET (chart), 340, 220);
  save_widget (window, window, n_small);
  gtk_window_destroy (GTK_WINDOW (window));

  {
    g_autofree char *n_many = g_strdup_printf ("chart-many-%s", style);

    chart = ink_chart_new ();
    ink_chart_set_title (chart, "Valid loss, 12 runs");
    ink_chart_set_axis_labels (chart, "Epoch", "Loss");
    ink_chart_set_log_scale (chart, TRUE);
    for (guint r = 0; r < 12; r++)
      {
        g_autofree char *label = g_strdup_printf ("run %u (lr %.3f)", r + 1, 0.001 * (r + 1));
        guint id = ink_chart_add_series (chart, label, NULL, r < 6 ? INK_CHART_SOLID : INK_CHART_DASHED, TRUE);

        for (int e = 1; e <= 30; e++)
          ink_chart_series_append (chart, id, e, valid_loss (e * (0.5 + r * 0.1), 0.01 * r) - (r == 11 && e == 30 ? 0.3 : 0));
      }
    window = framed (GTK_WIDGET (chart), 900, 420);
    save_widget (window, window, n_many);
    gtk_window_destroy (GTK_WINDOW (window));
  }

  chart = ink_chart_new ();
  ink_chart_set_title (chart, "Loss");
  window = framed (GTK_WIDGET (chart), 400, 250);
  save_widget (window, window, n_empty);
  gtk_window_destroy (GTK_WINDOW (window));

  {
    InkEpochTable *table = ink_epoch_table_new ();
    g_autoptr(GListStore) store = g_list_store_new (INK_TYPE_EPOCH_ITEM);
    double best = INFINITY;

    for (guint e = 1; e <= 20; e++)
      {
        InkEpochRecord rec = {
          .epoch = e,
          .train_loss = train_loss (e),
          .valid_loss = valid_loss (e, 0) + 0.004 * sin (e * 1.7),
          .valid_acc = 1 - 0.1 * exp (-(double) e / 3.5) - 0.019 - 0.002 * sin (e * 1.7),
          .duration = 1.8 + 0.1 * sin (e),
        };
        g_autoptr(InkEpochItem) item = NULL;

        rec.improved = rec.valid_loss < best;
        best = MIN (best, rec.valid_loss);
        item = ink_epoch_item_new (&rec);
        g_list_store_append (store, item);
      }
    ink_epoch_table_set_model (table, G_LIST_MODEL (store));
    window = framed (GTK_WIDGET (table), 680, 560);
    save_widget (window, GTK_WIDGET (window), n_table);
    gtk_window_destroy (GTK_WINDOW (window));
  }
}

int
main (int   argc,
      char *argv[])
{
  gtk_init ();
  adw_init ();
  g_mkdir_with_parents ("/tmp/inkling-shots", 0755);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  shots ("light");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wait_ms (100);
  shots ("dark");
  return 0;
}
