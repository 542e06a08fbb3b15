/* test-gui-sweep.c
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

/* The workbench side of sweeps, driven through its widgets under Xvfb: a
 * real 4-run sweep (learning rate × batch size on a small synthetic set,
 * run by inkling-cli) on the Runs page's Sweeps: picking it, sorting its
 * table by a click on a header, the parallel coordinates (one line per
 * run, one axis per parameter and the metric), a click on a line and a
 * row's Open opening the run in the window; the Sweep… dialog from the
 * Design page's button: typed lists changing the count of runs, a bad
 * range refused under its field with Start insensitive, and Start running
 * a sweep here to the end (inkling-cli children on the window's data
 * folder), or Stop stopping it with its runs resumable, Resume and Stop
 * again; under tests/with-slurm.sh, Start submitting to Slurm.
 * With INK_SHOTS_DIR set, screenshots of each view, light and dark, at
 * 800×600 and 1280×800. */

#include "config.h"

#include <adwaita.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include <gdk/x11/gdkx.h>

#include "ink-application.h"
#include "ink-design-page.h"
#include "ink-ledger-view.h"
#include "ink-parallel-coords.h"
#include "ink-sweep-dialog.h"
#include "ink-sweep-plot.h"
#include "ink-sweep-scatter.h"
#include "ink-sweep-view.h"
#include "ink-window.h"
#include "test-util.h"
#include "test-gui-util.h"

static char *home;
static char *data_dir;
static char *mnist_dir;   /* the real MNIST when installed: the screenshots' sweep */
static char *sweep_dir;
static InkApplication *the_app;

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

/* a tiny experiment on the synthetic set, with a sweep section or not */
static char *
spec_text (const char *name, guint epochs, const char *sweep)
{
  g_autofree char *q = g_strescape (data_dir, NULL);

  return g_strdup_printf (
    "{ \"name\": \"%s\","
    "  \"data\": { \"dataset\": \"%s\", \"split\": \"official\", \"subset\": 300, \"normalization\": \"standardize\" },"
    "  \"network\": { \"inputs\": 784, \"layers\": [ { \"units\": 16, \"activation\": \"relu\" },"
    "                                             { \"units\": 10, \"activation\": \"softmax\" } ],"
    "                 \"loss\": \"cross-entropy\", \"init\": \"glorot-uniform\" },"
    "  \"optimizer\": { \"kind\": \"rmsprop\", \"lr\": 0.001, \"rho\": 0.9, \"eps\": 1e-07 },"
    "  \"training\": { \"epochs\": %u, \"batch_size\": 64, \"early_stopping\": \"none\" },"
    "  \"seed\": 42, \"device\": \"cpu\"%s%s }", name, q, epochs, sweep ? ", \"sweep\": " : "", sweep ? sweep : "");
}

/* the 4-run sweep every test here reads: run once, by the CLI */
static void
make_sweep (void)
{
  g_autofree char *spec = spec_text ("gui4", 2, "{ \"parameters\": ["
                                     " { \"path\": \"optimizer.lr\", \"values\": [0.03, 0.001] },"
                                     " { \"path\": \"training.batch_size\", \"values\": [16, 64] } ] }");
  g_autofree char *path = g_build_filename (home, "gui4.json", NULL);
  g_autofree char *root = ink_sweep_default_root ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { INK_TEST_CLI, "sweep", path, "--dir", NULL, "--parallel", "2", NULL };
  int status = 0;

  sweep_dir = g_build_filename (root, "20260101-000000-gui4", NULL);
  argv[4] = sweep_dir;
  g_assert_true (g_file_set_contents (path, spec, -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* ---- the plots' model -------------------------------------------------------- */

/* The axes the plots draw: a log-uniform parameter on a log axis, a grid
 * of a few values with a tick at each, text values as categories, the
 * metric last; one line per child with its values in place. */
/* the titles of swept fields: by their names on the Design page, and
 * pretraining's never read as the training's own */
static void
test_param_titles (void)
{
  static const struct { const char *path, *title; } cases[] = {
    { "optimizer.lr", "Learning rate" },
    { "network.layers[1].dropout", "Layer 2 dropout" },
    { "augmentation.scale", "Size change" },
    { "augmentation.rotate", "Rotation" },
    { "augmentation.elastic_alpha", "Elastic strength (α)" },
    { "pretraining.lr", "Pretraining learning rate" },
    { "pretraining.epochs", "Pretraining epochs" },
    { "pretraining.cd_k", "Pretraining Gibbs steps (CD-k)" },
    { "pretraining.weight_decay", "Pretraining weight decay" },
    { "augmentation.unknown", "augmentation.unknown" },
    { "pretraining.unknown", "pretraining.unknown" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *t = ink_sweep_param_title (cases[i].path);
      g_assert_cmpstr (t, ==, cases[i].title);
    }
}

static void
test_plot_model (void)
{
  g_autofree char *spec = spec_text ("model", 1, "{ \"parameters\": ["
                                     " { \"path\": \"optimizer.lr\", \"log_uniform\": [0.0001, 0.1] },"
                                     " { \"path\": \"training.batch_size\", \"values\": [16, 64] },"
                                     " { \"path\": \"network.layers[0].activation\", \"values\": [\"relu\", \"tanh\"] } ],"
                                     " \"count\": 3, \"seed\": 1 }");
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSweep) sweep = ink_sweep_from_json (spec, -1, &error);
  g_autoptr(InkSweepPlot) plot = NULL;
  g_autoptr(GArray) ticks = NULL;
  g_autofree char *tick = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (sweep->children->len, ==, 12);
  plot = ink_sweep_plot_new (sweep, "valid_loss");
  g_assert_cmpuint (plot->n_axes, ==, 4);
  g_assert_cmpuint (plot->n_lines, ==, 12);
  g_assert_true (plot->axes[0].log);
  g_assert_false (plot->axes[1].log);
  g_assert_nonnull (plot->axes[2].categories);
  g_assert_cmpuint (plot->axes[2].categories->len, ==, 2);
  g_assert_cmpstr (plot->axes[1].title, ==, "Batch size");
  g_assert_cmpstr (plot->axes[2].title, ==, "Layer 1 activation");
  g_assert_cmpstr (plot->axes[3].title, ==, "Valid loss");
  g_assert_false (plot->axes[3].percent);
  /* a tick at each of the grid's values */
  ticks = ink_sweep_axis_ticks (&plot->axes[1]);
  g_assert_cmpuint (ticks->len, ==, 2);
  g_assert_cmpfloat (g_array_index (ticks, double, 0), ==, 16);
  g_assert_cmpfloat (g_array_index (ticks, double, 1), ==, 64);
  g_assert_cmpfloat (ink_sweep_axis_position (&plot->axes[1], 16), ==, 0);
  g_assert_cmpfloat (ink_sweep_axis_position (&plot->axes[1], 64), ==, 1);
  /* a continuous axis: round values inside its range (the log axis:
   * powers of ten), at least two */
  {
    InkSweepAxis lin = { .title = (char *) "x", .min = 0.0266, .max = 0.494 };
    g_autoptr(GArray) lt = NULL;
    double want[] = { 0.1, 0.2, 0.3, 0.4 };

    g_array_unref (ticks);
    ticks = ink_sweep_axis_ticks (&plot->axes[0]);
    g_assert_cmpuint (ticks->len, >=, 2);
    for (guint t = 0; t < ticks->len; t++)
      {
        double v = g_array_index (ticks, double, t);
        g_assert_cmpfloat (v, >=, plot->axes[0].min);
        g_assert_cmpfloat (v, <=, plot->axes[0].max);
        g_assert_cmpfloat_with_epsilon (log10 (v), round (log10 (v)), 1e-9);
      }
    lt = ink_sweep_axis_ticks (&lin);
    g_assert_cmpuint (lt->len, ==, G_N_ELEMENTS (want));
    for (guint t = 0; t < lt->len; t++)
      g_assert_cmpfloat_with_epsilon (g_array_index (lt, double, t), want[t], 1e-12);
    g_array_unref (ticks);
    ticks = ink_sweep_axis_ticks (&plot->axes[1]);
  }
  /* the log axis: the geometric middle of its range in the middle */
  g_assert_cmpfloat_with_epsilon (ink_sweep_axis_position (&plot->axes[0], sqrt (plot->axes[0].min * plot->axes[0].max)),
                                  0.5, 1e-9);
  for (guint l = 0; l < plot->n_lines; l++)
    {
      const InkSweepChild *c = sweep->children->pdata[l];
      g_autofree char *act = ink_sweep_child_value_text (c, 2);
      g_autofree char *shown = ink_sweep_axis_format (&plot->axes[2], plot->values[l * 4 + 2]);

      g_assert_cmpfloat (plot->values[l * 4 + 0], ==, ink_sweep_child_value_number (c, 0));
      g_assert_cmpstr (shown, ==, act);
      /* nothing trained: no metric, no colour */
      g_assert_true (isnan (plot->values[l * 4 + 3]));
      g_assert_true (isnan (plot->accuracy[l]));
    }
  tick = ink_sweep_axis_format (&plot->axes[1], 64);
  g_assert_cmpstr (tick, ==, "64");
}

/* ---- the window ------------------------------------------------------------ */

typedef struct
{
  InkWindow     *win;
  InkLedgerView *runs;
  InkSweepView  *sweeps;
} Fixture;

static gboolean
on_tick (GtkWidget *w, GdkFrameClock *clock, gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
is_mapped (gpointer w)
{
  return gtk_widget_get_mapped (w);
}

static gboolean
is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

/* gtk_test_widget_wait_for_draw with a bound: that one waits for ever on
 * a widget that is not mapped (no frame clock ticks for it) */
static void
wait_drawn (GtkWidget *w)
{
  gboolean ticked = FALSE;

  g_assert_true (gui_wait_for (is_mapped, w, 20));
  gtk_widget_queue_draw (w);
  gtk_widget_add_tick_callback (w, on_tick, &ticked, NULL);
  g_assert_true (gui_wait_for (is_true, &ticked, 20));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->win = ink_window_new (test_app ());
  gtk_window_set_default_size (GTK_WINDOW (f->win), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->win));
  f->runs = INK_LEDGER_VIEW (ink_window_get_page (f->win, "runs"));
  f->sweeps = ink_ledger_view_get_sweep_view (f->runs);
  wait_drawn (GTK_WIDGET (f->win));
  gui_pump ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GList *tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (INK_IS_SWEEP_DIALOG (l->data))
      gtk_window_destroy (l->data);
  g_list_free (tops);
  if (f->win)
    gtk_window_destroy (GTK_WINDOW (f->win));
  gui_pump ();
}

static void
show_page (InkWindow *win, const char *name)
{
  GtkWidget *page = ink_window_get_page (win, name);
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (page))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      gtk_widget_activate_action (GTK_WIDGET (win), "win.continue-without-data", NULL);
      gtk_widget_activate_action (GTK_WIDGET (win), "win.show-page", "s", name);
      wait_ms (20);
    }
  wait_drawn (page);
  gui_pump ();
}

/* real key presses into the focused widget */
static void
xtype (GtkWidget *w, const char *text)
{
  g_autofree char *q = g_shell_quote (text);
  g_autofree char *args = g_strdup_printf ("type --delay 10 %s", q);

  g_assert_true (xdo (GTK_WIDGET (gtk_widget_get_native (w)), args));
  wait_ms (100);
  gui_pump ();
}

static gboolean
match_toggle_label (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_TOGGLE_BUTTON (w) && gtk_widget_get_mapped (w) &&
         gui_find (w, gui_match_exact_label, text) != NULL;
}

/* a stack switcher's button */
static void
switch_to (GtkWidget *root, const char *title)
{
  GtkWidget *b = gui_find (root, match_toggle_label, title);

  if (b == NULL && g_getenv ("GUI_DEBUG"))
    gui_dump (root, 0);
  g_assert_nonnull (b);
  gui_click (b);
  gui_pump ();
}

static guint want_runs = 4;

static gboolean
sweep_shown (gpointer data)
{
  Fixture *f = data;
  const InkSweep *s = ink_sweep_view_get_sweep (f->sweeps);
  return s != NULL && s->children->len == want_runs &&
         g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (ink_sweep_view_get_table (f->sweeps)))) == want_runs;
}

/* the Runs page, its Sweeps, and the row of the sweep named `name`
 * (n runs, all completed) activated */
static void
open_sweep_named (Fixture *f, const char *name, guint n)
{
  GtkWidget *title, *row;
  g_autofree char *counts = g_strdup_printf ("%u runs · %u completed", n, n);

  want_runs = n;
  show_page (f->win, "runs");
  switch_to (GTK_WIDGET (f->runs), "Sweeps");
  title = gui_wait_label (GTK_WIDGET (f->sweeps), name, 30);
  if (title == NULL && g_getenv ("GUI_DEBUG"))
    gui_dump (GTK_WIDGET (f->sweeps), 0);
  g_assert_nonnull (title);
  g_assert_cmpuint (ink_sweep_view_get_n_sweeps (f->sweeps), >=, 1);
  row = gtk_widget_get_ancestor (title, GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  g_assert_nonnull (gui_wait_label (row, counts, 5));
  gtk_widget_activate (row);
  g_assert_true (gui_wait_for (sweep_shown, f, 30));
  gui_pump ();
  wait_drawn (GTK_WIDGET (ink_sweep_view_get_table (f->sweeps)));
  gui_pump ();
}

static void
open_sweep (Fixture *f)
{
  open_sweep_named (f, "gui4", 4);
}

static const InkSweepChild *
child_at (Fixture *f, guint i)
{
  return ink_sweep_view_get_sweep (f->sweeps)->children->pdata[i];
}

static void
collect (GtkWidget *w, GuiMatch match, gconstpointer data, GPtrArray *out)
{
  if (match (w, data))
    g_ptr_array_add (out, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect (c, match, data, out);
}

/* the title of a column header (a label outside the rows) */
static GtkWidget *
header_label (Fixture *f, const char *title)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (GTK_WIDGET (ink_sweep_view_get_table (f->sweeps)), gui_match_label, title, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (gtk_label_get_text (labels->pdata[i]), title) &&
        gtk_widget_get_ancestor (labels->pdata[i], GTK_TYPE_LIST_VIEW) == NULL)
      return labels->pdata[i];
  return NULL;
}

static gboolean
match_id_cell (GtkWidget *w, gconstpointer id)
{
  return GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) &&
         g_strcmp0 (gtk_widget_get_name (w), "ink-sweep-child-id") == 0 &&
         (id == NULL || g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), id) == 0);
}

static GtkWidget *sort_ref;

static int
by_y (gconstpointer a, gconstpointer b)
{
  graphene_point_t pa, pb;

  g_assert_true (gtk_widget_compute_point (*(GtkWidget **) a, sort_ref, &GRAPHENE_POINT_INIT (0, 0), &pa));
  g_assert_true (gtk_widget_compute_point (*(GtkWidget **) b, sort_ref, &GRAPHENE_POINT_INIT (0, 0), &pb));
  return pa.y < pb.y ? -1 : pa.y > pb.y;
}

/* the learning rates of the rows as shown, top to bottom (read from the
 * id cells on screen and the children they name) */
static GArray *
shown_lrs (Fixture *f)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  const InkSweep *s = ink_sweep_view_get_sweep (f->sweeps);

  gui_pump ();
  collect (GTK_WIDGET (ink_sweep_view_get_table (f->sweeps)), match_id_cell, NULL, cells);
  sort_ref = GTK_WIDGET (f->sweeps);
  g_ptr_array_sort (cells, by_y);
  for (guint i = 0; i < cells->len; i++)
    for (guint c = 0; c < s->children->len; c++)
      if (g_str_equal (child_at (f, c)->id, gtk_label_get_text (cells->pdata[i])))
        {
          double lr = ink_sweep_child_value_number (child_at (f, c), 0);
          g_array_append_val (out, lr);
        }
  return out;
}

static const char *
opened_name (Fixture *f)
{
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (f->win, "design"));
  const InkExperiment *base = ink_design_page_get_base (design);
  return base ? base->name : NULL;
}

/* The sweep's row on the Sweeps list opens its table, sorted by the test
 * accuracy (best first); a click on the Learning rate header sorts by
 * it, a second click reverses; a row's Open opens that run. */
static void
test_table (Fixture *f, gconstpointer data)
{
  g_autoptr(GArray) order = NULL;
  g_autoptr(GArray) lrs = NULL;
  GtkWidget *cell, *row, *open;
  const InkSweepChild *c;
  g_autofree char *want = NULL;

  open_sweep (f);
  /* best first by the metric */
  order = ink_sweep_view_get_row_order (f->sweeps);
  g_assert_cmpuint (order->len, ==, 4);
  for (guint i = 1; i < order->len; i++)
    g_assert_cmpfloat (child_at (f, g_array_index (order, guint, i - 1))->info.test_accuracy, >=,
                       child_at (f, g_array_index (order, guint, i))->info.test_accuracy);
  /* a column per parameter */
  g_assert_nonnull (header_label (f, "Learning rate"));
  g_assert_nonnull (header_label (f, "Batch size"));
  if (gui_have_xdotool ())
    {
      gui_xclick (header_label (f, "Learning rate"));
      lrs = shown_lrs (f);
      g_assert_cmpuint (lrs->len, ==, 4);
      g_assert_cmpfloat (g_array_index (lrs, double, 0), ==, 0.001);
      g_assert_cmpfloat (g_array_index (lrs, double, 1), ==, 0.001);
      g_assert_cmpfloat (g_array_index (lrs, double, 2), ==, 0.03);
      g_assert_cmpfloat (g_array_index (lrs, double, 3), ==, 0.03);
      g_array_unref (g_steal_pointer (&lrs));
      gui_xclick (header_label (f, "Learning rate"));
      lrs = shown_lrs (f);
      g_assert_cmpfloat (g_array_index (lrs, double, 0), ==, 0.03);
      g_assert_cmpfloat (g_array_index (lrs, double, 3), ==, 0.001);
    }
  /* Open on the third row shown opens that run in the window */
  order = (g_array_unref (order), ink_sweep_view_get_row_order (f->sweeps));
  c = child_at (f, g_array_index (order, guint, 2));
  cell = gui_find (GTK_WIDGET (f->sweeps), match_id_cell, c->id);
  g_assert_nonnull (cell);
  row = gtk_widget_get_parent (gtk_widget_get_parent (cell));
  open = gui_find_named (row, "ink-sweep-open");
  g_assert_nonnull (open);
  gui_click (open);
  want = g_strdup_printf ("gui4-%s", c->id);
  g_assert_cmpstr (opened_name (f), ==, want);
}

/* The parallel coordinates: an axis per parameter and one for the
 * metric, a line per run; a click on a line opens its run.  The scatter:
 * a point per run. */
static void
test_plots (Fixture *f, gconstpointer data)
{
  InkParallelCoords *pc;
  InkSweepScatter *sc;
  double x0, y0, x1, y1;
  g_autofree char *want = NULL;
  guint line = 3;

  open_sweep (f);
  switch_to (GTK_WIDGET (f->sweeps), "Parallel Coordinates");
  pc = ink_sweep_view_get_parallel_coords (f->sweeps);
  wait_drawn (GTK_WIDGET (pc));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pc)));
  g_assert_cmpuint (ink_parallel_coords_get_n_axes (pc), ==, 3);
  g_assert_cmpuint (ink_parallel_coords_get_n_lines (pc), ==, 4);
  g_assert_cmpstr (ink_parallel_coords_get_plot (pc)->axes[0].title, ==, "Learning rate");
  g_assert_cmpstr (ink_parallel_coords_get_plot (pc)->axes[2].title, ==, "Test acc.");
  /* the lines go through their runs' values: 0.03 above 0.001 on the
   * learning-rate axis */
  for (guint l = 0; l < 4; l++)
    {
      double x, y, xo, yo;
      guint other = (l + 2) % 4;   /* the other learning rate, same batch */

      g_assert_true (ink_parallel_coords_get_point (pc, l, 0, &x, &y));
      g_assert_true (ink_parallel_coords_get_point (pc, other, 0, &xo, &yo));
      if (ink_sweep_child_value_number (child_at (f, l), 0) > ink_sweep_child_value_number (child_at (f, other), 0))
        g_assert_cmpfloat (y, <, yo);
      else
        g_assert_cmpfloat (y, >, yo);
    }
  if (gui_have_xdotool ())
    {
      /* a quarter of the way from the first axis to the second, on the
       * line: the nearest line there is that one */
      g_assert_true (ink_parallel_coords_get_point (pc, line, 0, &x0, &y0));
      g_assert_true (ink_parallel_coords_get_point (pc, line, 1, &x1, &y1));
      gui_xclick_at (GTK_WIDGET (pc), x0 + 0.25 * (x1 - x0), y0 + 0.25 * (y1 - y0));
      want = g_strdup_printf ("gui4-%s", child_at (f, line)->id);
      g_assert_cmpstr (opened_name (f), ==, want);
    }
  switch_to (GTK_WIDGET (f->sweeps), "Scatter");
  sc = ink_sweep_view_get_scatter (f->sweeps);
  wait_drawn (GTK_WIDGET (sc));
  g_assert_cmpuint (ink_sweep_scatter_get_n_points (sc), ==, 4);
  if (gui_have_xdotool ())
    {
      double x, y;

      g_assert_true (ink_sweep_scatter_get_point (sc, 1, &x, &y));
      gui_xclick_at (GTK_WIDGET (sc), x, y);
      g_free (want);
      want = g_strdup_printf ("gui4-%s", child_at (f, 1)->id);
      g_assert_cmpstr (opened_name (f), ==, want);
    }
}

static GtkWidget *
find_file_chooser (void)
{
  GList *tops = gtk_window_list_toplevels ();
  GtkWidget *d = NULL;

  for (GList *l = tops; l; l = l->next)
    if (GTK_IS_FILE_CHOOSER_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      d = l->data;
  g_list_free (tops);
  return d;
}

static gboolean
chooser_shown (gpointer data)
{
  return find_file_chooser () != NULL;
}

static gboolean
chooser_has_file (gpointer file)
{
  GtkWidget *chooser = find_file_chooser ();
  g_autoptr(GFile) chosen = chooser ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;

  return chosen != NULL && g_file_equal (chosen, file);
}

static gboolean
widget_sensitive (gpointer w)
{
  return gtk_widget_is_sensitive (w);
}

static gboolean
copy_shown (gpointer data)
{
  Fixture *f = data;
  const InkSweep *s = ink_sweep_view_get_sweep (f->sweeps);
  const char *copy = g_object_get_data (G_OBJECT (f->sweeps), "test-copy");
  return sweep_shown (f) && g_strcmp0 (s->dir, copy) == 0;
}

/* A sweep folder copied somewhere else (back from a cluster) opens with
 * Open… and its file chooser, its runs as they were, and stays listed;
 * a folder that holds no sweep is refused naming it. */
static void
test_open_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *copy = g_build_filename (home, "from-cluster", "gui4-copy", NULL);
  g_autofree char *parent = g_path_get_dirname (copy);
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s'", sweep_dir, copy);
  g_autoptr(GFile) file = g_file_new_for_path (copy);
  g_autoptr(GError) error = NULL;
  GtkWidget *chooser, *title, *open;
  int status;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  show_page (f->win, "runs");
  switch_to (GTK_WIDGET (f->runs), "Sweeps");
  g_assert_nonnull (gui_wait_label (GTK_WIDGET (f->sweeps), "gui4", 30));
  gui_click (gui_find_button (GTK_WIDGET (f->sweeps), "_Open…"));
  g_assert_true (gui_wait_for (chooser_shown, NULL, 10));
  chooser = find_file_chooser ();
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, &error));
  g_assert_no_error (error);
  /* the chooser takes the folder in (and enables Open) a few main loop
   * turns later on a busy machine; then its Open button */
  g_assert_true (gui_wait_for (chooser_has_file, file, 10));
  open = gui_find_button (chooser, "_Open");
  g_assert_nonnull (open);
  g_assert_true (gui_wait_for (widget_sensitive, open, 10));
  g_object_set_data_full (G_OBJECT (f->sweeps), "test-copy", g_strdup (copy), g_free);
  gui_click (open);
  g_assert_true (gui_wait_for (copy_shown, f, 30));
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (child_at (f, i)->info.state, ==, INK_SWEEP_COMPLETED);
  /* listed beside the others */
  gtk_widget_activate (gui_find_named (GTK_WIDGET (f->sweeps), "ink-sweep-back"));
  title = gui_wait_label (GTK_WIDGET (f->sweeps), "gui4-copy", 30);
  g_assert_nonnull (title);
  /* not a sweep */
  g_assert_false (ink_sweep_view_show_dir (f->sweeps, parent, &error));
  g_assert_nonnull (strstr (error->message, "from-cluster"));
  g_assert_nonnull (strstr (error->message, "sweep.json"));
}

/* ---- the dialog --------------------------------------------------------------- */

static InkSweepDialog *
find_dialog (void)
{
  GList *tops = gtk_window_list_toplevels ();
  InkSweepDialog *d = NULL;

  for (GList *l = tops; l; l = l->next)
    if (INK_IS_SWEEP_DIALOG (l->data) && gtk_widget_get_mapped (l->data))
      d = l->data;
  g_list_free (tops);
  return d;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

/* the Design page's real Sweep… button, with the tiny experiment in the
 * forms */
static InkSweepDialog *
open_dialog_with (Fixture *f, const char *dataset, const InkAugmentSpec *aug, gboolean pretrain)
{
  InkDesignPage *design = INK_DESIGN_PAGE (ink_window_get_page (f->win, "design"));
  g_autofree char *text = spec_text ("tiny", 1, NULL);
  g_autoptr(InkExperiment) exp = ink_experiment_from_json (text, -1, NULL);
  GtkWidget *button;
  InkSweepDialog *d;

  g_assert_nonnull (exp);
  if (dataset)
    {
      g_free (exp->dataset);
      exp->dataset = g_strdup (dataset);
    }
  if (aug)
    exp->augmentation = *aug;
  exp->pretraining.enabled = pretrain;
  ink_design_page_set_experiment (design, exp);
  show_page (f->win, "design");
  button = gui_find_action (GTK_WIDGET (design), "win.sweep");
  g_assert_nonnull (button);
  gui_xclick (button);
  g_assert_true (gui_wait_for (dialog_shown, NULL, 10));
  d = find_dialog ();
  wait_drawn (GTK_WIDGET (d));
  gui_pump ();
  return d;
}

static InkSweepDialog *
open_dialog_on (Fixture *f, const char *dataset)
{
  return open_dialog_with (f, dataset, NULL, FALSE);
}

/* the dialog over the tiny experiment on the synthetic set */
static InkSweepDialog *
open_dialog (Fixture *f)
{
  return open_dialog_on (f, NULL);
}

static const char *
count_text (InkSweepDialog *d)
{
  return gtk_label_get_text (GTK_LABEL (gui_find_named (GTK_WIDGET (d), "ink-sweep-count")));
}

/* types text into the field's entry: a real click into it and real keys
 * (ctrl+a first: what is typed replaces what was there) */
static void
type_into (InkSweepDialog *d, const char *path, const char *text)
{
  g_autofree char *name = g_strdup_printf ("sweep-value:%s", path);
  GtkWidget *entry = gui_find_named (GTK_WIDGET (d), name);

  g_assert_nonnull (entry);
  /* into view, as a user scrolls to it (focus alone scrolls the dialog
   * only once it has been laid out, which a loaded machine may not have
   * done yet) */
  gtk_widget_grab_focus (entry);
  wait_ms (100);
  gui_pump ();
  gui_scroll_into_view (entry);
  gui_xclick (entry);
  g_assert_true (xdo (GTK_WIDGET (d), "key ctrl+a BackSpace"));
  gui_pump ();
  if (*text)
    xtype (entry, text);
  gui_pump ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, text);
}

/* Lists typed into fields change the count of runs at once; a range with
 * low above high is refused under its field, which the message names,
 * and Start is insensitive until it is fixed. */
static void
test_dialog_count (Fixture *f, gconstpointer data)
{
  InkSweepDialog *d;
  GtkWidget *start, *err, *kind;

  if (!gui_have_xdotool ())
    return;
  d = open_dialog (f);
  start = gui_find_named (GTK_WIDGET (d), "ink-sweep-start");
  g_assert_false (gtk_widget_get_sensitive (start));
  g_assert_nonnull (gui_find_named (GTK_WIDGET (d), "sweep-value:network.layers[0].units"));
  g_assert_nonnull (gui_find_named (GTK_WIDGET (d), "sweep-value:network.layers[0].dropout"));
  g_assert_nonnull (gui_find_named (GTK_WIDGET (d), "sweep-value:seed"));
  g_assert_null (gui_find_named (GTK_WIDGET (d), "sweep-value:network.layers[1].units"));
  /* no augmentation or pretraining in this design: none of their fields */
  g_assert_null (gui_find_named (GTK_WIDGET (d), "sweep-value:pretraining.lr"));
  g_assert_null (gui_find_named (GTK_WIDGET (d), "sweep-value:augmentation.rotate"));
  g_assert_null (gui_find_named (GTK_WIDGET (d), "sweep-value:augmentation.scale"));
  type_into (d, "optimizer.lr", "0.1, 0.01, 0.001");
  g_assert_cmpstr (count_text (d), ==, "3 runs");
  g_assert_cmpuint (ink_sweep_dialog_get_n_runs (d), ==, 3);
  g_assert_true (gtk_widget_get_sensitive (start));
  type_into (d, "training.batch_size", "32, 64");
  g_assert_cmpstr (count_text (d), ==, "6 runs");
  /* the units drawn log-uniformly: 8 draws per combination */
  kind = gui_find_named (GTK_WIDGET (d), "sweep-kind:network.layers[0].units");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (kind), 2);
  type_into (d, "network.layers[0].units", "64 - 8");
  /* low above high: refused by the core, shown under the field */
  err = gui_find_named (GTK_WIDGET (d), "sweep-error:network.layers[0].units");
  g_assert_true (gtk_widget_get_visible (err));
  g_test_message ("refused: %s", gtk_label_get_text (GTK_LABEL (err)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (err)), "network.layers[0].units"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (err)), "Layer 1 units"));
  g_assert_nonnull (strstr (count_text (d), "Layer 1 units"));
  g_assert_false (gtk_widget_get_sensitive (start));
  g_assert_cmpuint (ink_sweep_dialog_get_n_runs (d), ==, 0);
  /* not numbers: refused naming the field too */
  type_into (d, "network.layers[0].units", "8 to many");
  g_assert_true (gtk_widget_get_visible (err));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (err)), "network.layers[0].units"));
  g_assert_false (gtk_widget_get_sensitive (start));
  type_into (d, "network.layers[0].units", "8 - 64");
  g_assert_false (gtk_widget_get_visible (err));
  g_assert_true (gtk_widget_get_sensitive (start));
  /* 8 draws per combination, whole numbers: repeats dropped */
  g_test_message ("count: %s", count_text (d));
  g_assert_cmpuint (ink_sweep_dialog_get_n_runs (d), >, 6);
  g_assert_cmpuint (ink_sweep_dialog_get_n_runs (d), <=, 6 * 8);
  /* a continuous range: all 8 draws at each of the 6 combinations */
  type_into (d, "network.layers[0].units", "");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (gui_find_named (GTK_WIDGET (d), "sweep-kind:network.layers[0].dropout")), 1);
  type_into (d, "network.layers[0].dropout", "0.1 - 0.5");
  g_assert_cmpstr (count_text (d), ==, "48 runs");
  type_into (d, "network.layers[0].dropout", "");
  /* a list and nothing else again */
  type_into (d, "network.layers[0].units", "");
  type_into (d, "training.batch_size", "");
  g_assert_cmpstr (count_text (d), ==, "3 runs");
  /* the Slurm choice says why it is off where sbatch is missing */
  {
    GtkWidget *slurm = gui_find_named (GTK_WIDGET (d), "ink-sweep-slurm");
    g_autofree char *sbatch = g_find_program_in_path ("sbatch");
    g_assert_cmpint (gtk_widget_get_sensitive (slurm), ==, sbatch != NULL);
    if (sbatch == NULL)
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (slurm), "sbatch"));
  }
}

/* A design with augmentation offers its fields, the change of size too
 * where the file leaves it out at 0; lists count runs and a size change
 * the core refuses is shown under its field.  With RBM pretraining on,
 * its numbers are offered too. */
static void
test_dialog_augmentation (Fixture *f, gconstpointer data)
{
  InkAugmentSpec aug;
  InkSweepDialog *d;
  GtkWidget *err, *entry;

  if (!gui_have_xdotool ())
    return;
  ink_augment_spec_defaults (&aug);
  aug.rotate = 10.0f;
  d = open_dialog_with (f, NULL, &aug, TRUE);
  g_assert_nonnull (gui_find_named (GTK_WIDGET (d), "sweep-value:augmentation.rotate"));
  g_assert_nonnull (gui_find_named (GTK_WIDGET (d), "sweep-value:augmentation.probability"));
  entry = gui_find_named (GTK_WIDGET (d), "sweep-value:augmentation.scale");
  g_assert_nonnull (entry);
  type_into (d, "augmentation.scale", "0.05, 0.1, 0.2");
  g_assert_cmpstr (count_text (d), ==, "3 runs");
  type_into (d, "augmentation.rotate", "5, 15");
  g_assert_cmpstr (count_text (d), ==, "6 runs");
  type_into (d, "augmentation.scale", "0.1, 0.7");
  err = gui_find_named (GTK_WIDGET (d), "sweep-error:augmentation.scale");
  g_assert_true (gtk_widget_get_visible (err));
  g_test_message ("refused: %s", gtk_label_get_text (GTK_LABEL (err)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (err)), "augmentation.scale"));
  g_assert_false (gtk_widget_get_sensitive (gui_find_named (GTK_WIDGET (d), "ink-sweep-start")));
  type_into (d, "augmentation.scale", "0.1");
  g_assert_false (gtk_widget_get_visible (err));
  g_assert_cmpstr (count_text (d), ==, "2 runs");
  g_assert_nonnull (gui_find_named (GTK_WIDGET (d), "sweep-value:pretraining.momentum"));
  type_into (d, "pretraining.lr", "0.01, 0.1, 1");
  g_assert_cmpstr (count_text (d), ==, "6 runs");
  /* for a look (INK_SHOTS_DIR): the fields with the augmentation's in view */
  gui_scroll_into_view (gui_find_named (GTK_WIDGET (d), "sweep-value:augmentation.scale"));
  gui_shot (GTK_WIDGET (d), "sweep-dialog-augmentation.png");
}

static gboolean
all_final (gpointer data)
{
  Fixture *f = data;
  const InkSweep *s = ink_sweep_view_get_sweep (f->sweeps);

  if (s == NULL || s->dir == NULL || ink_sweep_view_is_running (f->sweeps, s->dir))
    return FALSE;
  for (guint i = 0; i < s->children->len; i++)
    if (!ink_sweep_state_is_final (((InkSweepChild *) s->children->pdata[i])->info.state))
      return FALSE;
  return TRUE;
}

static void
note_shown (GtkWidget *w, GParamSpec *pspec, gpointer data)
{
  if (gtk_widget_get_visible (w))
    *(gboolean *) data = TRUE;
}

/* the child's experiment.json, parsed */
static InkExperiment *
child_experiment (const InkSweepChild *c)
{
  g_autofree char *path = g_build_filename (c->dir, "experiment.json", NULL);
  g_autoptr(GError) error = NULL;
  InkExperiment *exp = ink_experiment_load (path, &error);

  g_assert_no_error (error);
  return exp;
}

/* Start runs the sweep on this machine: inkling-cli children, on the
 * dataset the window trains on (its own folder standing for "mnist"),
 * Stop shown while they run; the Runs page's Sweeps show it, its runs go
 * to completed, the table and the lines follow. */
static void
test_dialog_start (Fixture *f, gconstpointer data)
{
  InkSweepDialog *d;
  const InkSweep *s;
  GtkWidget *stop;
  gboolean stop_shown = FALSE;

  if (!gui_have_xdotool ())
    return;
  /* the window's data folder: the synthetic set, which the design names
   * "mnist" */
  ink_window_set_data_dir (f->win, data_dir);
  d = open_dialog_on (f, "mnist");
  type_into (d, "optimizer.lr", "0.01, 0.001");
  type_into (d, "seed", "1, 2");
  g_assert_cmpstr (count_text (d), ==, "4 runs");
  stop = gui_find_named (GTK_WIDGET (f->sweeps), "ink-sweep-stop");
  /* nothing runs yet */
  g_assert_false (gtk_widget_get_visible (stop));
  /* the runs are short: Stop may be gone again by the time we look */
  g_signal_connect (stop, "notify::visible", G_CALLBACK (note_shown), &stop_shown);
  gui_xclick (gui_find_named (GTK_WIDGET (d), "ink-sweep-start"));
  g_assert_true (gui_wait_for (dialog_gone, NULL, 10));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->sweeps)));
  g_assert_true (stop_shown);
  g_assert_true (gui_wait_for (all_final, f, 120));
  g_signal_handlers_disconnect_by_func (stop, note_shown, &stop_shown);
  s = ink_sweep_view_get_sweep (f->sweeps);
  g_assert_cmpuint (s->children->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const InkSweepChild *c = s->children->pdata[i];
      g_autoptr(InkExperiment) exp = child_experiment (c);
      g_autofree char *log_path = g_build_filename (c->dir, "train.log", NULL);
      g_autofree char *log = NULL;

      g_assert_cmpint (c->info.state, ==, INK_SWEEP_COMPLETED);
      g_assert_cmpstr (exp->dataset, ==, data_dir);
      /* run by an inkling-cli child process */
      g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
      g_assert_nonnull (strstr (log, " train --config "));
    }
  g_assert_false (gtk_widget_get_visible (stop));
  g_assert_cmpuint (ink_parallel_coords_get_n_lines (ink_sweep_view_get_parallel_coords (f->sweeps)), ==, 4);
  g_assert_nonnull (gui_wait_label (GTK_WIDGET (f->sweeps), "4 runs · 4 completed", 5));
}

static gboolean
one_running (gpointer data)
{
  Fixture *f = data;
  const InkSweep *s = ink_sweep_view_get_sweep (f->sweeps);

  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < s->children->len; i++)
    if (((InkSweepChild *) s->children->pdata[i])->info.state == INK_SWEEP_RUNNING &&
        ((InkSweepChild *) s->children->pdata[i])->info.epochs_done >= 1)
      return TRUE;
  return FALSE;
}

static gboolean
not_running (gpointer data)
{
  Fixture *f = data;
  const InkSweep *s = ink_sweep_view_get_sweep (f->sweeps);
  return s && !ink_sweep_view_is_running (f->sweeps, s->dir);
}

static gboolean
running_here (gpointer data)
{
  Fixture *f = data;
  const InkSweep *s = ink_sweep_view_get_sweep (f->sweeps);
  return s && ink_sweep_view_is_running (f->sweeps, s->dir);
}

/* Stop: the running children stop (SIGTERM) keeping their checkpoints;
 * nothing is left running, nothing is completed that was not, and Resume
 * is offered. */
static void
test_dialog_stop (Fixture *f, gconstpointer data)
{
  InkSweepDialog *d;
  const InkSweep *s;
  GtkWidget *stop, *resume;
  guint completed = 0;

  if (!gui_have_xdotool ())
    return;
  d = open_dialog (f);
  type_into (d, "training.epochs", "400");
  type_into (d, "seed", "5, 6, 7");
  g_assert_cmpstr (count_text (d), ==, "3 runs");
  gui_xclick (gui_find_named (GTK_WIDGET (d), "ink-sweep-start"));
  g_assert_true (gui_wait_for (one_running, f, 120));
  stop = gui_find_named (GTK_WIDGET (f->sweeps), "ink-sweep-stop");
  g_assert_true (gtk_widget_get_visible (stop));
  gui_xclick (stop);
  g_assert_true (gui_wait_for (not_running, f, 60));
  wait_ms (300);
  g_assert_true (gui_wait_for (not_running, f, 5));
  s = ink_sweep_view_get_sweep (f->sweeps);
  for (guint i = 0; i < s->children->len; i++)
    {
      InkSweepState st = ((InkSweepChild *) s->children->pdata[i])->info.state;
      g_test_message ("child %u: %s", i, ink_sweep_state_to_string (st));
      g_assert_true (st == INK_SWEEP_STOPPED || st == INK_SWEEP_PENDING || st == INK_SWEEP_COMPLETED);
      completed += st == INK_SWEEP_COMPLETED;
    }
  g_assert_cmpuint (completed, <, s->children->len);
  resume = gui_find_button (GTK_WIDGET (f->sweeps), "_Resume");
  g_assert_nonnull (resume);
  g_assert_false (gtk_widget_get_visible (stop));
  /* Resume runs them again here, and Stop can stop them again */
  gui_xclick (resume);
  g_assert_true (gui_wait_for (running_here, f, 10));
  g_assert_true (gtk_widget_get_visible (stop));
  g_assert_true (gtk_widget_get_sensitive (stop));
  gui_xclick (stop);
  g_assert_false (gtk_widget_get_sensitive (stop));
  g_assert_true (gui_wait_for (not_running, f, 60));
  g_assert_false (gtk_widget_get_visible (stop));
}

static gboolean
have_cluster (void)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "sinfo", "-h", "-o", "%T", NULL };

  if (g_getenv ("SLURM_CONF") == NULL ||
      !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, NULL, NULL) ||
      out == NULL || strstr (out, "idle") == NULL)
    {
      g_test_skip ("no Slurm cluster here (tests/with-slurm.sh starts one: meson test --suite slurm)");
      return FALSE;
    }
  return TRUE;
}

static gboolean
subtitle_says_slurm (gpointer data)
{
  Fixture *f = data;
  return gui_find_label (GTK_WIDGET (f->sweeps), "Slurm job") != NULL;
}

/* all of w inside its window, where a pointer can click it */
static gboolean
in_view (gpointer w)
{
  GtkWidget *native = GTK_WIDGET (gtk_widget_get_native (w));
  graphene_rect_t b;

  return gtk_widget_compute_bounds (w, native, &b) && b.origin.y >= 0 && b.origin.x >= 0 &&
         b.origin.y + b.size.height <= gtk_widget_get_height (native) &&
         b.origin.x + b.size.width <= gtk_widget_get_width (native);
}

static gboolean
toggle_active (gpointer w)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (w));
}

/* Slurm (under tests/with-slurm.sh's one-node cluster): the dialog's
 * Slurm choice with a partition and a time limit submits the sweep as a
 * job array; the sweep's page names the job and its state follows the
 * scheduler and the runs' files to the end. */
static void
test_dialog_slurm (Fixture *f, gconstpointer data)
{
  InkSweepDialog *d;
  GtkWidget *slurm;
  const InkSweep *s;

  if (!gui_have_xdotool () || !have_cluster ())
    return;
  d = open_dialog (f);
  type_into (d, "optimizer.lr", "0.01, 0.001");
  slurm = gui_find_named (GTK_WIDGET (d), "ink-sweep-slurm");
  g_assert_true (gtk_widget_get_sensitive (slurm));
  /* the executor choice is below the fields: tabbing to it scrolls it into
   * view (let the scroll settle), then the pointer clicks it */
  gtk_widget_grab_focus (slurm);
  g_assert_true (gui_wait_for (in_view, slurm, 10));
  wait_ms (500);
  g_assert_true (in_view (slurm));
  gui_xclick (slurm);
  g_assert_true (gui_wait_for (toggle_active, slurm, 10));
  g_assert_cmpstr (count_text (d), ==, "2 runs");
  gui_xclick (gui_find_named (GTK_WIDGET (d), "ink-sweep-start"));
  g_assert_true (gui_wait_for (subtitle_says_slurm, f, 30));
  g_assert_true (gui_wait_for (all_final, f, 240));
  s = ink_sweep_view_get_sweep (f->sweeps);
  for (guint i = 0; i < s->children->len; i++)
    {
      const InkSweepChild *c = s->children->pdata[i];
      g_test_message ("child %u: %s, Slurm task %s", i, ink_sweep_state_to_string (c->info.state), c->info.slurm_job);
      g_assert_cmpint (c->info.state, ==, INK_SWEEP_COMPLETED);
      g_assert_nonnull (c->info.slurm_job);
    }
}

/* ---- screenshots ------------------------------------------------------------------ */

static void
shots (Fixture *f, const char *name)
{
  AdwStyleManager *sm = adw_style_manager_get_default ();
  const char *themes[] = { "light", "dark" };
  const int sizes[][2] = { { 800, 600 }, { 1280, 800 } };

  for (guint t = 0; t < 2; t++)
    {
      adw_style_manager_set_color_scheme (sm, t ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint s = 0; s < 2; s++)
        {
          g_autofree char *file = g_strdup_printf ("%s-%dx%d-%s.png", name, sizes[s][0], sizes[s][1], themes[t]);

          gtk_window_set_default_size (GTK_WINDOW (f->win), sizes[s][0], sizes[s][1]);
          for (int i = 0; i < 20; i++)
            gui_pump ();
          /* the window may not be narrower than asked */
          g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->win)), <=, sizes[s][0]);
          gui_shot (GTK_WIDGET (f->win), file);
        }
    }
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_shots (Fixture *f, gconstpointer data)
{
  InkSweepDialog *d;

  if (g_getenv ("INK_SHOTS_DIR") == NULL)
    {
      g_test_skip ("INK_SHOTS_DIR is not set");
      return;
    }
  /* on MNIST where it is installed: learning rate drawn log-uniformly,
   * two batch sizes, dropout drawn uniformly, 12 short runs */
  if (mnist_dir)
    {
      g_autofree char *saved = data_dir;
      g_autofree char *spec = NULL;
      g_autofree char *path = g_build_filename (home, "shots.json", NULL);
      g_autofree char *root = ink_sweep_default_root ();
      g_autofree char *dir = g_build_filename (root, "20260102-000000-mnist-shots", NULL);
      const char *argv[] = { INK_TEST_CLI, "sweep", path, "--dir", dir, NULL };
      int status = 0;

      data_dir = mnist_dir;
      spec = spec_text ("mnist-shots", 2, "{ \"parameters\": ["
                        " { \"path\": \"optimizer.lr\", \"log_uniform\": [0.00003, 0.03] },"
                        " { \"path\": \"training.batch_size\", \"values\": [32, 128] },"
                        " { \"path\": \"network.layers[0].dropout\", \"uniform\": [0.0, 0.5] } ],"
                        " \"count\": 6, \"seed\": 3 }");
      data_dir = g_steal_pointer (&saved);
      {
        /* 3,000 training images rather than 300: accuracies worth plotting */
        g_autoptr(GString) more = g_string_new (spec);
        g_string_replace (more, "\"subset\": 300", "\"subset\": 3000", 1);
        g_free (spec);
        spec = g_string_free (g_steal_pointer (&more), FALSE);
      }
      g_assert_true (g_file_set_contents (path, spec, -1, NULL));
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                                   &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      open_sweep_named (f, "mnist-shots", 12);
    }
  else
    open_sweep (f);
  shots (f, "sweep-table");
  switch_to (GTK_WIDGET (f->sweeps), "Parallel Coordinates");
  shots (f, "sweep-parallel");
  switch_to (GTK_WIDGET (f->sweeps), "Scatter");
  shots (f, "sweep-scatter");
  switch_to (GTK_WIDGET (f->sweeps), "Table");
  gtk_widget_activate (gui_find_named (GTK_WIDGET (f->sweeps), "ink-sweep-back"));
  gui_pump ();
  shots (f, "sweep-list");
  switch_to (GTK_WIDGET (f->runs), "Runs");
  show_page (f->win, "design");
  shots (f, "sweep-design");
  d = open_dialog (f);
  if (gui_have_xdotool ())
    {
      type_into (d, "optimizer.lr", "0.1, 0.01, 0.001");
      gtk_drop_down_set_selected (GTK_DROP_DOWN (gui_find_named (GTK_WIDGET (d), "sweep-kind:network.layers[0].dropout")), 1);
      type_into (d, "network.layers[0].dropout", "0.5 - 0.1");
    }
  {
    AdwStyleManager *sm = adw_style_manager_get_default ();
    for (guint t = 0; t < 2; t++)
      {
        g_autofree char *file = g_strdup_printf ("sweep-dialog-%s.png", t ? "dark" : "light");
        adw_style_manager_set_color_scheme (sm, t ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
        for (int i = 0; i < 20; i++)
          gui_pump ();
        gui_shot (GTK_WIDGET (d), file);
      }
    adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *data = NULL;
  int ret;

  home = g_dir_make_tmp ("ink-gui-sweep-XXXXXX", NULL);
  data = g_build_filename (home, "data", NULL);
  {
    /* before XDG_DATA_HOME moves (g_get_user_data_dir would keep the old one) */
    const char *xdg = g_getenv ("XDG_DATA_HOME");
    g_autofree char *user = xdg && *xdg ? g_strdup (xdg) : g_build_filename (g_getenv ("HOME"), ".local", "share", NULL);
    g_autofree char *m = g_build_filename (user, "inkling", "datasets", "mnist", NULL);
    g_autofree char *f = g_build_filename (m, "train-images-idx3-ubyte", NULL);

    if (g_file_test (f, G_FILE_TEST_EXISTS))
      mnist_dir = g_steal_pointer (&m);
  }
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("INKLING_CLI", INK_TEST_CLI, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  data_dir = test_synthetic_dir (600, 200);
  make_sweep ();
  g_test_add_func ("/sweep-plot/model", test_plot_model);
  g_test_add_func ("/sweep-plot/titles", test_param_titles);
  g_test_add ("/sweep-view/table", Fixture, NULL, fixture_setup, test_table, fixture_teardown);
  g_test_add ("/sweep-view/plots", Fixture, NULL, fixture_setup, test_plots, fixture_teardown);
  g_test_add ("/sweep-view/open-folder", Fixture, NULL, fixture_setup, test_open_folder, fixture_teardown);
  g_test_add ("/sweep-dialog/count-and-refusal", Fixture, NULL, fixture_setup, test_dialog_count, fixture_teardown);
  g_test_add ("/sweep-dialog/augmentation", Fixture, NULL, fixture_setup, test_dialog_augmentation, fixture_teardown);
  g_test_add ("/sweep-dialog/start-local", Fixture, NULL, fixture_setup, test_dialog_start, fixture_teardown);
  g_test_add ("/sweep-dialog/stop", Fixture, NULL, fixture_setup, test_dialog_stop, fixture_teardown);
  g_test_add ("/sweep-dialog/slurm", Fixture, NULL, fixture_setup, test_dialog_slurm, fixture_teardown);
  g_test_add ("/sweep-view/shots", Fixture, NULL, fixture_setup, test_shots, fixture_teardown);
  ret = g_test_run ();
  g_clear_object (&the_app);
  test_remove_tree (home);
  test_remove_tree (data_dir);
  g_free (home);
  g_free (data_dir);
  g_free (sweep_dir);
  g_free (mnist_dir);
  return ret;
}
