/* test-gui-evaluate.c
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
#include <math.h>
#include <string.h>

#include "ink-confusion-view.h"
#include "ink-evaluate-page.h"
#include "ink-gallery.h"
#include "ink-number-field.h"
#include "ink-parity-dialog.h"
#include "ink-trainer.h"
#include "test-util.h"
#include "test-gui-util.h"

/* a guard against hangs, not a timing assertion */
#define WAIT_LIMIT_S 120

/* ------------------------------------------------------------------------ */
/* the pure selection function                                              */

static void
set_row (float *probs, guint i, const float row[10])
{
  memcpy (probs + (gsize) i * 10, row, 10 * sizeof (float));
}

static void
test_select (void)
{
  /* i: label, the row's argmax and its probability */
  float probs[8 * 10] = { 0 };
  guint8 labels[8] = { 4, 4, 3, 4, 1, 7, 4, 2 };
  guint32 out[8];
  guint n;

  /* 0: true 4, pred 9 (0.60) */
  set_row (probs, 0, (const float[10]) { 0, 0, 0, 0, 0.30f, 0, 0, 0, 0.10f, 0.60f });
  /* 1: true 4, correct (0.9) */
  set_row (probs, 1, (const float[10]) { 0, 0, 0, 0, 0.90f, 0, 0, 0, 0, 0.10f });
  /* 2: true 3, pred 5 (0.95) */
  set_row (probs, 2, (const float[10]) { 0, 0, 0, 0.05f, 0, 0.95f, 0, 0, 0, 0 });
  /* 3: true 4, pred 9 (0.85) */
  set_row (probs, 3, (const float[10]) { 0, 0, 0, 0, 0.15f, 0, 0, 0, 0, 0.85f });
  /* 4: true 1, pred 7 (0.40): tie 7/8 goes to the lower class, 7 */
  set_row (probs, 4, (const float[10]) { 0, 0.2f, 0, 0, 0, 0, 0, 0.40f, 0.40f, 0 });
  /* 5: true 7, tie 7/8 → predicted 7: correct */
  set_row (probs, 5, (const float[10]) { 0, 0, 0, 0, 0, 0, 0, 0.45f, 0.45f, 0.1f });
  /* 6: true 4, pred 9 (0.60), ties with 0 → index order */
  set_row (probs, 6, (const float[10]) { 0, 0, 0, 0, 0.30f, 0, 0, 0, 0.10f, 0.60f });
  /* 7: true 2, pred 0 (0.50) */
  set_row (probs, 7, (const float[10]) { 0.50f, 0, 0.45f, 0, 0, 0, 0, 0, 0, 0.05f });

  n = ink_misclassified_select (probs, labels, 8, -1, -1, out);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpuint (out[0], ==, 2);   /* 0.95 */
  g_assert_cmpuint (out[1], ==, 3);   /* 0.85 */
  g_assert_cmpuint (out[2], ==, 0);   /* 0.60, lower index first */
  g_assert_cmpuint (out[3], ==, 6);   /* 0.60 */
  g_assert_cmpuint (out[4], ==, 7);   /* 0.50 */
  g_assert_cmpuint (out[5], ==, 4);   /* 0.40 */

  n = ink_misclassified_select (probs, labels, 8, 4, 9, out);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (out[0], ==, 3);
  g_assert_cmpuint (out[1], ==, 0);
  g_assert_cmpuint (out[2], ==, 6);

  n = ink_misclassified_select (probs, labels, 8, 4, -1, out);
  g_assert_cmpuint (n, ==, 3);
  n = ink_misclassified_select (probs, labels, 8, -1, 7, out);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (out[0], ==, 4);
  n = ink_misclassified_select (probs, labels, 8, 1, 8, out);
  g_assert_cmpuint (n, ==, 0);
  /* the diagonal holds no mistakes */
  n = ink_misclassified_select (probs, labels, 8, 4, 4, out);
  g_assert_cmpuint (n, ==, 0);
  n = ink_misclassified_select (probs, labels, 0, -1, -1, out);
  g_assert_cmpuint (n, ==, 0);
}

/* ------------------------------------------------------------------------ */
/* a hand-made model: logistic regression reading pixels 0..9               */

/* The network is one softmax layer whose class c looks only at pixel c
 * (weight `gain`/255 after SCALE normalization), so pixel values choose the
 * prediction: class argmax(pixels 0..9), probability softmax(gain·p/255). */
typedef struct
{
  InkNetSpec   spec;
  InkLayerSpec layer;
  float       *params;
  InkNorm      norm;
} Model;

static void
model_init (Model *m, float gain, const guint perm[10])
{
  gsize n;

  memset (m, 0, sizeof *m);
  m->layer = (InkLayerSpec) { 10, INK_ACT_SOFTMAX, 0.0f };
  m->spec.n_inputs = 784;
  m->spec.n_layers = 1;
  m->spec.layers = &m->layer;
  m->spec.loss = INK_LOSS_CROSS_ENTROPY;
  m->spec.init = INK_INIT_GLOROT_UNIFORM;
  m->spec.leaky_slope = 0.01f;
  n = ink_net_spec_n_params (&m->spec);
  g_assert_cmpuint (n, ==, 7850);
  m->params = g_new0 (float, n);
  /* W [10, 784] then b [10]: class c reads pixel perm[c] */
  for (guint c = 0; c < 10; c++)
    m->params[c * 784 + (perm ? perm[c] : c)] = gain;
  m->norm.kind = INK_NORM_SCALE;
  m->norm.affine.scale = 1.0f / 255.0f;
  m->norm.affine.shift = 0.0f;
}

static void
model_clear (Model *m)
{
  g_free (m->params);
}

/* labels random; pixels 0..9 random with the label's pixel usually the
 * brightest, so that some ~20% are mistakes spread over the cells */
static InkDataset *
crafted_dataset (guint n, guint64 seed)
{
  InkDataset *ds = g_new0 (InkDataset, 1);
  InkRng rng;

  ink_rng_init (&rng, seed);
  ds->n = n;
  ds->rows = 28;
  ds->cols = 28;
  ds->images = g_malloc0 ((gsize) n * 784);
  ds->labels = g_malloc0 (n);
  for (guint i = 0; i < n; i++)
    {
      guint8 *img = ds->images + (gsize) i * 784;
      guint label = ink_rng_below (&rng, 10);

      ds->labels[i] = (guint8) label;
      for (guint c = 0; c < 10; c++)
        img[c] = (guint8) ink_rng_below (&rng, 150);
      if (ink_rng_below (&rng, 5) != 0)
        img[label] = (guint8) (150 + ink_rng_below (&rng, 106));
      /* some ink elsewhere, which the model ignores */
      for (guint p = 100; p < 784; p += 7)
        img[p] = (guint8) ink_rng_below (&rng, 256);
    }
  return ds;
}

/* the direct computation: the network's prediction of every image on this
 * thread, counted into a confusion matrix */
static void
direct_metrics (const InkNetSpec *spec, const float *params, const InkNorm *norm,
                const InkDataset *ds, InkMetrics *m, float **probs_out)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InkNetwork) net = ink_network_new (spec, be, 64, &error);
  g_autofree float *x = g_new (float, 784);
  float *probs = g_new (float, (gsize) ds->n * 10);

  g_assert_no_error (error);
  ink_network_set_params (net, params);
  for (guint i = 0; i < ds->n; i++)
    {
      ink_norm_apply (norm, ds->images + (gsize) i * 784, x, 784);
      ink_network_predict (net, x, 1, probs + (gsize) i * 10);
    }
  ink_metrics_init (m, 10);
  for (guint i = 0; i < ds->n; i++)
    {
      const float *row = probs + (gsize) i * 10;
      guint best = 0;
      for (guint c = 1; c < 10; c++)
        if (row[c] > row[best])
          best = c;
      m->confusion[ds->labels[i]][best]++;
      m->total++;
    }
  if (probs_out)
    *probs_out = probs;
  else
    g_free (probs);
}

static void
assert_same_confusion (const InkMetrics *a, const InkMetrics *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->n_classes, ==, b->n_classes);
  g_assert_cmpuint (a->total, ==, b->total);
  for (guint t = 0; t < 10; t++)
    for (guint p = 0; p < 10; p++)
      g_assert_cmpuint (a->confusion[t][p], ==, b->confusion[t][p]);
}

/* ------------------------------------------------------------------------ */
/* waiting on the page                                                      */

typedef struct
{
  guint    evaluated;
  guint    cells;
  guint    cleared;
  int      last_true;
  int      last_pred;
  gboolean timed_out;
} Events;

static void
on_evaluated (InkEvaluatePage *page, Events *ev)
{
  ev->evaluated++;
}

static void
on_cell (InkConfusionView *view, guint t, guint p, Events *ev)
{
  ev->cells++;
  ev->last_true = (int) t;
  ev->last_pred = (int) p;
}

static void
on_cleared (InkConfusionView *view, Events *ev)
{
  ev->cleared++;
}

static gboolean
time_out (gpointer data)
{
  ((Events *) data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* iterate until `evaluated` reaches `count` */
static void
wait_evaluated (Events *ev, guint count)
{
  guint id = g_timeout_add_seconds (WAIT_LIMIT_S, time_out, ev);

  while (ev->evaluated < count && !ev->timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ev->timed_out);
  g_source_remove (id);
}

/* iterate until the page is idle, then a little more so that late results
 * of superseded evaluations would have arrived */
static void
wait_idle (InkEvaluatePage *page, Events *ev)
{
  guint id = g_timeout_add_seconds (WAIT_LIMIT_S, time_out, ev);

  while (ink_evaluate_page_get_busy (page) && !ev->timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ev->timed_out);
  g_source_remove (id);
  for (int i = 0; i < 50; i++)
    {
      g_usleep (2000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

typedef struct
{
  GtkWidget       *window;
  InkEvaluatePage *page;
  Events           ev;
} PageFixture;

static void
page_setup (PageFixture *f, gconstpointer data)
{
  memset (&f->ev, 0, sizeof f->ev);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  f->page = ink_evaluate_page_new ();
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  g_signal_connect (f->page, "evaluated", G_CALLBACK (on_evaluated), &f->ev);
  g_signal_connect (ink_evaluate_page_get_confusion_view (f->page), "cell-activated",
                    G_CALLBACK (on_cell), &f->ev);
  g_signal_connect (ink_evaluate_page_get_confusion_view (f->page), "selection-cleared",
                    G_CALLBACK (on_cleared), &f->ev);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
page_teardown (PageFixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint64
misclassified (const InkMetrics *m)
{
  guint64 wrong = m->total;
  for (guint c = 0; c < 10; c++)
    wrong -= m->confusion[c][c];
  return wrong;
}

/* the gallery holds exactly the mistakes (t, p) (-1 = any), most confident first */
static void
assert_gallery (InkEvaluatePage *page, const InkDataset *ds, int t, int p, guint expected)
{
  InkGallery *gallery = ink_evaluate_page_get_gallery (page);
  guint n_probs;
  const float *probs = ink_evaluate_page_get_probs (page, &n_probs);
  float last = INFINITY;

  g_assert_nonnull (probs);
  g_assert_cmpuint (n_probs, ==, ds->n);
  g_assert_cmpuint (ink_gallery_get_n_items (gallery), ==, expected);
  for (guint i = 0; i < expected; i++)
    {
      int idx = ink_gallery_get_item_index (gallery, i);
      const float *row;
      guint pred;

      g_assert_cmpint (idx, >=, 0);
      g_assert_cmpint (idx, <, (int) ds->n);
      row = probs + (gsize) idx * 10;
      pred = ink_argmax (row, 10);
      g_assert_cmpuint (pred, !=, ds->labels[idx]);
      if (t >= 0)
        g_assert_cmpuint (ds->labels[idx], ==, (guint) t);
      if (p >= 0)
        g_assert_cmpuint (pred, ==, (guint) p);
      g_assert_cmpfloat (row[pred], <=, last);
      last = row[pred];
    }
  g_assert_cmpint (ink_gallery_get_item_index (gallery, expected), ==, -1);
}

/* ------------------------------------------------------------------------ */

static void
test_empty (PageFixture *f, gconstpointer data)
{
  g_assert_null (ink_evaluate_page_get_metrics (f->page));
  g_assert_false (ink_evaluate_page_get_busy (f->page));
  g_assert_cmpuint (ink_gallery_get_n_items (ink_evaluate_page_get_gallery (f->page)), ==, 0);
  g_assert_null (ink_evaluate_page_get_probs (f->page, NULL));
}

static void
test_evaluate_and_filter (PageFixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) ds = crafted_dataset (1234, 11);   /* 2 full batches + a partial one */
  InkConfusionView *view = ink_evaluate_page_get_confusion_view (f->page);
  InkMetrics direct;
  const InkMetrics *m;
  gboolean busy_seen = FALSE;
  guint cells_checked = 0;
  Model model;
  int st, sp;

  model_init (&model, 8.0f, NULL);
  direct_metrics (&model.spec, model.params, &model.norm, ds, &direct, NULL);
  /* the crafted data makes mistakes, in several cells */
  g_assert_cmpuint (misclassified (&direct), >, 50);

  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, ds);
  g_object_get (f->page, "busy", &busy_seen, NULL);
  g_assert_true (busy_seen);
  /* copies: scribbling over the caller's parameters changes nothing */
  memset (model.params, 0, 7850 * sizeof (float));
  wait_evaluated (&f->ev, 1);
  g_assert_false (ink_evaluate_page_get_busy (f->page));

  m = ink_evaluate_page_get_metrics (f->page);
  assert_same_confusion (m, &direct);
  /* large numbers with thousands separators: "… of 1,234 misclassified" */
  {
    g_autofree char *total = ink_format_count (1234);
    g_autofree char *of_total = g_strdup_printf ("of %s misclassified", total);

    g_assert_cmpuint (strlen (total), >, 4);
    g_assert_nonnull (gui_find_label (GTK_WIDGET (f->page), of_total));
  }

  /* unfiltered: every mistake */
  assert_gallery (f->page, ds, -1, -1, (guint) misclassified (&direct));
  g_assert_false (ink_confusion_view_get_selection (view, &st, &sp));

  /* each off-diagonal cell filters the gallery to its count */
  for (int t = 0; t < 10; t++)
    for (int p = 0; p < 10; p++)
      {
        guint cells_before = f->ev.cells;
        if (t == p)
          continue;
        ink_confusion_view_select (view, t, p);
        g_assert_cmpuint (f->ev.cells, ==, cells_before + 1);
        g_assert_cmpint (f->ev.last_true, ==, t);
        g_assert_cmpint (f->ev.last_pred, ==, p);
        g_assert_true (ink_confusion_view_get_selection (view, &st, &sp));
        g_assert_cmpint (st, ==, t);
        g_assert_cmpint (sp, ==, p);
        assert_gallery (f->page, ds, t, p, (guint) direct.confusion[t][p]);
        if (direct.confusion[t][p] > 1)
          cells_checked++;
      }
  g_assert_cmpuint (cells_checked, >, 5);

  /* selecting the same cell again changes nothing and emits nothing */
  {
    guint cells_before = f->ev.cells;
    ink_confusion_view_select (view, 9, 8);
    g_assert_cmpuint (f->ev.cells, ==, cells_before);
  }

  /* clearing (-1,-1) shows all mistakes again */
  ink_confusion_view_select (view, -1, -1);
  g_assert_cmpuint (f->ev.cleared, ==, 1);
  g_assert_false (ink_confusion_view_get_selection (view, NULL, NULL));
  assert_gallery (f->page, ds, -1, -1, (guint) misclassified (&direct));

  /* a diagonal cell clears too */
  ink_confusion_view_select (view, 4, 9);
  assert_gallery (f->page, ds, 4, 9, (guint) direct.confusion[4][9]);
  ink_confusion_view_select (view, 3, 3);
  g_assert_cmpuint (f->ev.cleared, ==, 2);
  assert_gallery (f->page, ds, -1, -1, (guint) misclassified (&direct));

  g_assert_cmpuint (f->ev.evaluated, ==, 1);
  model_clear (&model);
}

static void
on_item_activated (InkGallery *gallery, guint position, guint *out)
{
  *out = position;
}

static void
test_gallery_activate (PageFixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) ds = crafted_dataset (600, 5);
  InkGallery *gallery = ink_evaluate_page_get_gallery (f->page);
  guint activated = G_MAXUINT;
  guint n;
  Model model;

  model_init (&model, 8.0f, NULL);
  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, ds);
  wait_evaluated (&f->ev, 1);
  gtk_test_widget_wait_for_draw (f->window);

  n = ink_gallery_get_n_items (gallery);
  g_assert_cmpuint (n, >, 20);
  g_assert_cmpint (ink_gallery_get_active (gallery), ==, -1);
  g_signal_connect (gallery, "item-activated", G_CALLBACK (on_item_activated), &activated);

  /* the last item lies below the fold: activating it scrolls and opens it */
  ink_gallery_activate (gallery, n - 1);
  g_assert_cmpuint (activated, ==, n - 1);
  g_assert_cmpint (ink_gallery_get_active (gallery), ==, (int) n - 1);
  ink_gallery_activate (gallery, 0);
  g_assert_cmpuint (activated, ==, 0);
  g_assert_cmpint (ink_gallery_get_active (gallery), ==, 0);

  /* a new filter closes it */
  ink_confusion_view_select (ink_evaluate_page_get_confusion_view (f->page), 1, 2);
  g_assert_cmpint (ink_gallery_get_active (gallery), ==, -1);
  model_clear (&model);
}

static void
test_supersede (PageFixture *f, gconstpointer data)
{
  /* big enough that the first evaluation is still running */
  g_autoptr(InkDataset) ds = crafted_dataset (20000, 21);
  static const guint perm[10] = { 3, 0, 1, 2, 5, 4, 9, 6, 7, 8 };
  InkMetrics direct_a, direct_b;
  Model a, b;

  model_init (&a, 8.0f, NULL);
  model_init (&b, 8.0f, perm);
  direct_metrics (&a.spec, a.params, &a.norm, ds, &direct_a, NULL);
  direct_metrics (&b.spec, b.params, &b.norm, ds, &direct_b, NULL);
  /* the two models disagree */
  g_assert_cmpuint (direct_a.confusion[0][0], !=, direct_b.confusion[0][0]);

  ink_evaluate_page_set_model (f->page, &a.spec, a.params, &a.norm, ds);
  g_assert_true (ink_evaluate_page_get_busy (f->page));
  ink_evaluate_page_set_model (f->page, &b.spec, b.params, &b.norm, ds);
  g_assert_true (ink_evaluate_page_get_busy (f->page));
  wait_evaluated (&f->ev, 1);
  wait_idle (f->page, &f->ev);

  /* only the second model's result was shown */
  g_assert_cmpuint (f->ev.evaluated, ==, 1);
  assert_same_confusion (ink_evaluate_page_get_metrics (f->page), &direct_b);
  assert_gallery (f->page, ds, -1, -1, (guint) misclassified (&direct_b));

  /* a re-evaluation while results are shown keeps them until the new ones arrive */
  ink_evaluate_page_set_model (f->page, &a.spec, a.params, &a.norm, ds);
  g_assert_true (ink_evaluate_page_get_busy (f->page));
  assert_same_confusion (ink_evaluate_page_get_metrics (f->page), &direct_b);
  wait_evaluated (&f->ev, 2);
  assert_same_confusion (ink_evaluate_page_get_metrics (f->page), &direct_a);

  model_clear (&a);
  model_clear (&b);
}

static void
test_clear (PageFixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) ds = crafted_dataset (20000, 31);
  Model model;

  model_init (&model, 8.0f, NULL);

  /* cleared while running: nothing is ever shown */
  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, ds);
  ink_evaluate_page_clear (f->page);
  g_assert_false (ink_evaluate_page_get_busy (f->page));
  wait_idle (f->page, &f->ev);
  g_assert_cmpuint (f->ev.evaluated, ==, 0);
  g_assert_null (ink_evaluate_page_get_metrics (f->page));

  /* cleared after an evaluation: back to empty */
  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, ds);
  wait_evaluated (&f->ev, 1);
  g_assert_nonnull (ink_evaluate_page_get_metrics (f->page));
  g_assert_cmpuint (ink_gallery_get_n_items (ink_evaluate_page_get_gallery (f->page)), >, 0);
  ink_evaluate_page_clear (f->page);
  g_assert_null (ink_evaluate_page_get_metrics (f->page));
  g_assert_null (ink_evaluate_page_get_probs (f->page, NULL));
  g_assert_cmpuint (ink_gallery_get_n_items (ink_evaluate_page_get_gallery (f->page)), ==, 0);
  model_clear (&model);
}

/* "Compare CPU and GPU": insensitive without a model; with one it runs both
 * backends on the test digits and reports.  Without a GPU (as in CI) the
 * report says why there is none; with one, the per-layer agreement. */
static void
test_parity (PageFixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) ds = crafted_dataset (300, 51);
  GtkWidget *button = ink_evaluate_page_get_parity_button (f->page);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkBackend) gpu = ink_backend_new ("cuda", &error);
  const char *summary;
  Model model;

  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_null (ink_evaluate_page_get_parity_summary (f->page));
  /* offered only where there is a GPU */
  g_assert_true (gtk_widget_get_visible (button) == (gpu != NULL));
  if (gpu == NULL)
    {
      g_test_message ("no GPU (%s): the comparison is not offered", error->message);
      return;
    }

  model_init (&model, 8.0f, NULL);
  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, ds);
  wait_evaluated (&f->ev, 1);
  g_assert_true (gtk_widget_get_sensitive (button));

  g_signal_emit_by_name (button, "clicked");
  g_assert_false (gtk_widget_get_sensitive (button));   /* while it runs */
  while (ink_evaluate_page_get_parity_summary (f->page) == NULL)
    g_main_context_iteration (NULL, TRUE);
  summary = ink_evaluate_page_get_parity_summary (f->page);
  g_test_message ("%s", summary);
  if (gpu == NULL)
    {
      g_assert_nonnull (strstr (summary, "needs a CUDA GPU"));
      g_assert_nonnull (strstr (summary, error->message));
    }
  else
    g_assert_nonnull (strstr (summary, "they agree"));
  g_assert_true (gtk_widget_get_sensitive (button));

  /* the dialog it opened closes */
  {
    GListModel *tops = gtk_window_get_toplevels ();
    for (guint i = g_list_model_get_n_items (tops); i > 0; i--)
      {
        g_autoptr(GObject) w = g_list_model_get_item (tops, i - 1);
        if (ADW_IS_MESSAGE_DIALOG (w))
          gtk_window_destroy (GTK_WINDOW (w));
      }
  }

  ink_evaluate_page_clear (f->page);
  g_assert_false (gtk_widget_get_sensitive (button));
  model_clear (&model);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* as the page does it: the task's source is the caller */
static GAsyncResult *
compare (gpointer          source,
         const Model      *model,
         const InkDataset *ds,
         GCancellable     *cancellable)
{
  GAsyncResult *result = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;

  ink_parity_dialog_compare_async (source, &model->spec, model->params, &model->norm, ds,
                                   cancellable, store_result, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  return result;
}

/* The comparison behind the button, where there is no GPU as well: a
 * report either way (why there is no GPU, or the agreement and its table),
 * the dialog that shows it, and nothing once cancelled. */
static void
test_parity_dialog (void)
{
  g_autoptr(InkDataset) ds = crafted_dataset (300, 52);
  g_autoptr(GError) gpu_error = NULL;
  g_autoptr(InkBackend) gpu = ink_backend_new ("cuda", &gpu_error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GObject) source = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *table = NULL;
  GtkWidget *win = gtk_window_new ();
  GtkWidget *label = gtk_label_new ("parent");
  GListModel *tops = gtk_window_get_toplevels ();
  guint n_windows;
  Model model;

  model_init (&model, 8.0f, NULL);
  result = compare (source, &model, ds, NULL);
  g_assert_true (ink_parity_dialog_compare_finish (result, &summary, &table, &error));
  g_assert_no_error (error);
  g_test_message ("%s", summary);
  if (gpu == NULL)
    {
      g_assert_nonnull (strstr (summary, "needs a CUDA GPU"));
      g_assert_nonnull (strstr (summary, gpu_error->message));
      g_assert_null (table);
    }
  else
    {
      g_assert_nonnull (strstr (summary, "256 test digits"));
      g_assert_nonnull (strstr (summary, "they agree"));
      g_assert_nonnull (table);
      g_assert_true (g_str_has_prefix (table, "layer"));
    }

  /* the dialog: over the parent's window, closed by the test */
  gtk_window_set_child (GTK_WINDOW (win), label);
  gtk_window_present (GTK_WINDOW (win));
  n_windows = g_list_model_get_n_items (tops);
  ink_parity_dialog_present (label, summary, table);
  g_assert_cmpuint (g_list_model_get_n_items (tops), ==, n_windows + 1);
  for (guint i = g_list_model_get_n_items (tops); i > 0; i--)
    {
      g_autoptr(GObject) w = g_list_model_get_item (tops, i - 1);
      if (ADW_IS_MESSAGE_DIALOG (w))
        {
          g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (w)) == GTK_WINDOW (win));
          g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), ==,
                           table ? "CPU and GPU Agreement" : "No GPU to Compare With");
          gtk_window_destroy (GTK_WINDOW (w));
        }
    }
  gtk_window_destroy (GTK_WINDOW (win));

  /* cancelled: no report */
  g_clear_pointer (&summary, g_free);
  g_clear_pointer (&table, g_free);
  g_cancellable_cancel (cancellable);
  cancelled = compare (source, &model, ds, cancellable);
  g_assert_false (ink_parity_dialog_compare_finish (cancelled, &summary, &table, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (summary);
  g_assert_null (table);
  model_clear (&model);
}

/* a new dataset: the old one may be freed as soon as set_model returns
 * (run under valgrind, a worker still reading it would show) */
static void
test_switch_dataset (PageFixture *f, gconstpointer data)
{
  InkDataset *first = crafted_dataset (20000, 41);
  g_autoptr(InkDataset) second = crafted_dataset (700, 42);
  InkLayerSpec wide_layers[2] = { { 512, INK_ACT_RELU, 0.0f }, { 10, INK_ACT_SOFTMAX, 0.0f } };
  InkNetSpec wide;
  g_autofree float *wide_params = NULL;
  InkMetrics direct;
  Model model;

  model_init (&model, 8.0f, NULL);
  direct_metrics (&model.spec, model.params, &model.norm, second, &direct, NULL);

  /* a slower network on the first set, so that its worker is likely to be
   * in the middle of it when the dataset changes */
  wide = model.spec;
  wide.n_layers = 2;
  wide.layers = wide_layers;
  wide_params = g_new0 (float, ink_net_spec_n_params (&wide));
  ink_evaluate_page_set_model (f->page, &wide, wide_params, &model.norm, first);
  g_usleep (20000);
  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, second);
  /* poison and free the first one: nothing may read it any more */
  memset (first->images, 0xff, (gsize) first->n * 784);
  memset (first->labels, 0xee, first->n);
  ink_dataset_free (first);

  wait_evaluated (&f->ev, 1);
  wait_idle (f->page, &f->ev);
  g_assert_cmpuint (f->ev.evaluated, ==, 1);
  assert_same_confusion (ink_evaluate_page_get_metrics (f->page), &direct);
  assert_gallery (f->page, second, -1, -1, (guint) misclassified (&direct));
  model_clear (&model);
}

static void
test_bad_model (PageFixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) ds = crafted_dataset (100, 51);
  g_autoptr(InkDataset) small = g_new0 (InkDataset, 1);
  Model model;

  /* 5 outputs */
  model_init (&model, 8.0f, NULL);
  model.layer.units = 5;
  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, ds);
  g_assert_false (ink_evaluate_page_get_busy (f->page));
  g_assert_null (ink_evaluate_page_get_metrics (f->page));

  /* images of another size */
  model.layer.units = 10;
  small->n = 1;
  small->rows = small->cols = 8;
  small->images = g_malloc0 (64);
  small->labels = g_malloc0 (1);
  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, small);
  g_assert_false (ink_evaluate_page_get_busy (f->page));
  g_assert_null (ink_evaluate_page_get_metrics (f->page));

  /* a good model afterwards works */
  ink_evaluate_page_set_model (f->page, &model.spec, model.params, &model.norm, ds);
  wait_evaluated (&f->ev, 1);
  g_assert_nonnull (ink_evaluate_page_get_metrics (f->page));
  model_clear (&model);
}

/* a real (tiny) trained MLP on the synthetic blocks */
static void
test_trained_model (PageFixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) train = test_synthetic_dataset (1200, 1);
  g_autoptr(InkDataset) test = test_synthetic_dataset (800, 2);
  g_autoptr(InkExperiment) e = ink_experiment_new_default ();
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *params = NULL;
  InkNetwork *net;
  InkMetrics direct;

  g_free (e->net->layers);
  e->net->n_layers = 2;
  e->net->layers = g_new0 (InkLayerSpec, 2);
  e->net->layers[0] = (InkLayerSpec) { 16, INK_ACT_RELU, 0.0f };
  e->net->layers[1] = (InkLayerSpec) { 10, INK_ACT_SOFTMAX, 0.0f };
  e->split.kind = INK_SPLIT_RANDOM;
  e->split.valid_fraction = 0.25;
  ink_optimizer_spec_defaults (&e->optimizer, INK_OPT_ADAM);
  e->epochs = 1;
  e->batch_size = 50;
  e->seed = 3;

  t = ink_trainer_new (e, train, test, &error);
  g_assert_no_error (error);
  ink_trainer_run (t, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  net = ink_trainer_network (t);
  params = g_new (float, net->n_params);
  ink_network_get_params (net, params);

  direct_metrics (e->net, params, ink_trainer_norm (t), test, &direct, NULL);
  ink_evaluate_page_set_model (f->page, e->net, params, ink_trainer_norm (t), test);
  wait_evaluated (&f->ev, 1);
  assert_same_confusion (ink_evaluate_page_get_metrics (f->page), &direct);
  assert_gallery (f->page, test, -1, -1, (guint) misclassified (&direct));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/evaluate/select", test_select);
  g_test_add_func ("/evaluate/parity-dialog", test_parity_dialog);
#define PAGE_TEST(path, fn) \
  g_test_add (path, PageFixture, NULL, page_setup, fn, page_teardown)
  PAGE_TEST ("/evaluate/page/empty", test_empty);
  PAGE_TEST ("/evaluate/page/evaluate-and-filter", test_evaluate_and_filter);
  PAGE_TEST ("/evaluate/page/gallery-activate", test_gallery_activate);
  PAGE_TEST ("/evaluate/page/supersede", test_supersede);
  PAGE_TEST ("/evaluate/page/clear", test_clear);
  PAGE_TEST ("/evaluate/page/parity", test_parity);
  PAGE_TEST ("/evaluate/page/switch-dataset", test_switch_dataset);
  PAGE_TEST ("/evaluate/page/bad-model", test_bad_model);
  PAGE_TEST ("/evaluate/page/trained-model", test_trained_model);
#undef PAGE_TEST

  return g_test_run ();
}
