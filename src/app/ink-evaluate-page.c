/* ink-evaluate-page.c
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

/* The Evaluate page: the test-set evaluation in a worker thread, the
 * headline, the confusion matrix, the per-class report and the gallery
 * of mistakes. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ink-evaluate.h"
#include "ink-evaluate-page.h"
#include "ink-number-field.h"
#include "ink-markup.h"
#include "ink-parity-dialog.h"
#include "ink-reflow.h"

#define N_CLASSES INK_GALLERY_CLASSES
#define N_TOP_MISTAKES 8
#define TABLE_ROWS (N_CLASSES + 3)   /* classes, accuracy, macro avg, weighted avg */

struct _InkEvaluatePage
{
  GtkWidget         parent_instance;

  GtkWidget        *stack;
  GtkWidget        *loading_page;
  GtkWidget        *error_page;
  GtkWidget        *message_page;
  GtkWidget        *message_spinner;
  GtkWidget        *headline;
  GtkWidget        *subline;
  GtkWidget        *spinner;
  GtkWidget        *parity_button;
  InkConfusionView *confusion;
  GtkWidget        *cells[TABLE_ROWS][4];   /* precision, recall, F1, support */
  GtkWidget        *mistake_buttons[N_TOP_MISTAKES];
  GtkWidget        *no_mistakes_label;
  GtkWidget        *gallery_title;
  GtkWidget        *show_all_button;
  InkGallery       *gallery;
  GtkWidget        *class_labels[N_CLASSES];
  const char * const *names;     /* class labels; NULL = digits */

  /* the evaluation in flight (generation counts set_model/clear calls) */
  GCancellable     *cancellable;
  guint             generation;
  gboolean          busy;
  const InkDataset *test;        /* of the latest set_model */

  /* the evaluation shown */
  const InkDataset *shown_test;
  float            *probs;       /* shown_test->n × 10 */
  InkMetrics        metrics;
  gboolean          has_metrics;
  gboolean          show_nll;
  guint32          *selection;   /* scratch, shown_test->n */

  /* the model of the latest set_model, for the CPU/GPU comparison */
  InkNetSpec       *model_spec;
  float            *model_params;
  InkNorm           model_norm;
  GCancellable     *parity_cancellable;
  char             *parity_summary;

  /* workers still reading a dataset */
  GMutex            lock;
  GCond             cond;
  guint             readers;
};

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum
{
  EVALUATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkEvaluatePage, ink_evaluate_page, GTK_TYPE_WIDGET)

static void parity_clicked_cb (InkEvaluatePage *self);

static const char *
class_name (InkEvaluatePage *self,
            int              c)
{
  static const char * const digits[N_CLASSES] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

  if (c < 0 || c >= N_CLASSES)
    return "?";
  if (self->names != NULL && (guint) c < g_strv_length ((char **) self->names))
    return self->names[c];
  return digits[c];
}

/* ------------------------------------------------------------------------ */
/* the worker                                                                */

typedef struct
{
  guint             generation;
  InkNetSpec       *spec;
  float            *params;
  InkNorm           norm;
  const InkDataset *test;
  float            *probs;
  InkMetrics        metrics;
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->spec, ink_net_spec_free);
  g_free (job->params);
  g_free (job->probs);
  g_free (job);
}

static gboolean
evaluate (Job           *job,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = NULL;

  net = ink_network_new (job->spec, be, INK_EVAL_BATCH, error);
  if (net == NULL)
    return FALSE;
  ink_network_set_params (net, job->params);

  job->probs = g_new0 (float, (gsize) job->test->n * N_CLASSES);
  return ink_evaluate_dataset (net, &job->norm, job->test, job->probs, &job->metrics,
                               cancellable, error);
}

static void
evaluate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  InkEvaluatePage *self = source_object;   /* the task holds a reference */
  Job *job = task_data;
  GError *error = NULL;
  gboolean ok;

  /* register as a reader of job->test unless already superseded: clear()
   * and friends cancel first, then wait for readers to drop to zero */
  g_mutex_lock (&self->lock);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
      return;
    }
  self->readers++;
  g_mutex_unlock (&self->lock);

  ok = evaluate (job, cancellable, &error);

  g_mutex_lock (&self->lock);
  self->readers--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
wait_for_readers (InkEvaluatePage *self)
{
  g_mutex_lock (&self->lock);
  while (self->readers > 0)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------------ */
/* filling the views                                                         */

static void
set_busy (InkEvaluatePage *self,
          gboolean         busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_cell (GtkWidget  *label,
          const char *text)
{
  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
}

static void
set_score_row (InkEvaluatePage *self,
               guint            row,
               double           precision,
               double           recall,
               double           f1,
               guint64          support)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%.4f", precision);
  set_cell (self->cells[row][0], buf);
  g_snprintf (buf, sizeof buf, "%.4f", recall);
  set_cell (self->cells[row][1], buf);
  g_snprintf (buf, sizeof buf, "%.4f", f1);
  set_cell (self->cells[row][2], buf);
  {
    g_autofree char *count = ink_format_count (support);

    set_cell (self->cells[row][3], count);
  }
}

static void
fill_table (InkEvaluatePage *self)
{
  const InkMetrics *m = &self->metrics;
  double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;
  char buf[32];

  for (guint c = 0; c < N_CLASSES; c++)
    {
      InkClassScore s = ink_metrics_class (m, c);

      set_score_row (self, c, s.precision, s.recall, s.f1, s.support);
      mp += s.precision;
      mr += s.recall;
      mf += s.f1;
      wp += s.precision * (double) s.support;
      wr += s.recall * (double) s.support;
      wf += s.f1 * (double) s.support;
    }

  /* accuracy: like scikit-learn, only in the F1 column */
  set_cell (self->cells[N_CLASSES][0], NULL);
  set_cell (self->cells[N_CLASSES][1], NULL);
  g_snprintf (buf, sizeof buf, "%.4f", ink_metrics_accuracy (m));
  set_cell (self->cells[N_CLASSES][2], buf);
  {
    g_autofree char *count = ink_format_count (m->total);

    set_cell (self->cells[N_CLASSES][3], count);
  }

  set_score_row (self, N_CLASSES + 1, mp / N_CLASSES, mr / N_CLASSES, mf / N_CLASSES, m->total);
  if (m->total > 0)
    set_score_row (self, N_CLASSES + 2, wp / (double) m->total, wr / (double) m->total,
                   wf / (double) m->total, m->total);
  else
    set_score_row (self, N_CLASSES + 2, 0, 0, 0, 0);
}

static void
fill_mistakes (InkEvaluatePage *self)
{
  const InkMetrics *m = &self->metrics;
  guint shown = 0;
  gboolean used[N_CLASSES][N_CLASSES] = { { FALSE } };

  for (guint k = 0; k < N_TOP_MISTAKES; k++)
    {
      int bt = -1, bp = -1;
      GtkWidget *button = self->mistake_buttons[k];

      for (guint t = 0; t < N_CLASSES; t++)
        for (guint p = 0; p < N_CLASSES; p++)
          if (t != p && !used[t][p] && m->confusion[t][p] > 0
              && (bt < 0 || m->confusion[t][p] > m->confusion[bt][bp]))
            {
              bt = (int) t;
              bp = (int) p;
            }
      if (bt < 0)
        {
          gtk_widget_set_visible (button, FALSE);
          continue;
        }
      used[bt][bp] = TRUE;
      {
        g_autofree char *text = g_strdup_printf ("%s → %s", class_name (self, bt), class_name (self, bp));
        g_autofree char *count = ink_format_count (m->confusion[bt][bp]);
        g_autofree char *tip = g_strdup_printf (self->names ? _("Show the %s images of class %s predicted as %s")
                                                            : _("Show the %s digits of class %s predicted as %s"),
                                                count, class_name (self, bt), class_name (self, bp));
        GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));
        GtkWidget *name = gtk_widget_get_first_child (box);
        GtkWidget *value = gtk_widget_get_next_sibling (name);

        gtk_label_set_text (GTK_LABEL (name), text);
        gtk_label_set_text (GTK_LABEL (value), count);
        gtk_widget_set_tooltip_text (button, tip);
        g_object_set_data (G_OBJECT (button), "true-class", GINT_TO_POINTER (bt));
        g_object_set_data (G_OBJECT (button), "pred-class", GINT_TO_POINTER (bp));
        gtk_widget_set_visible (button, TRUE);
        shown++;
      }
    }
  gtk_widget_set_visible (self->no_mistakes_label, shown == 0);
}

static void
refilter (InkEvaluatePage *self,
          int              true_class,
          int              pred_class)
{
  guint n = 0;
  g_autofree char *title = NULL;
  g_autofree char *count = NULL;

  if (self->probs == NULL || self->shown_test == NULL)
    {
      ink_gallery_clear (self->gallery);
      return;
    }

  n = ink_misclassified_select (self->probs, self->shown_test->labels, self->shown_test->n,
                                true_class, pred_class, self->selection);
  ink_gallery_set_items (self->gallery, self->shown_test, self->probs, self->selection, n);
  count = ink_format_count (n);

  if (true_class >= 0)
    {
      g_autofree char *placeholder = NULL;

      if (self->names)
        title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%s image of class %s predicted as %s",
                                              "%s images of class %s predicted as %s", n),
                                 count, class_name (self, true_class), class_name (self, pred_class));
      else
        title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%s digit of class %s predicted as %s",
                                              "%s digits of class %s predicted as %s", n),
                                 count, class_name (self, true_class), class_name (self, pred_class));
      placeholder = g_strdup_printf (self->names ? _("No test image of class %s was predicted as %s")
                                                 : _("No test digit of class %s was predicted as %s"),
                                     class_name (self, true_class), class_name (self, pred_class));
      ink_gallery_set_placeholder (self->gallery, placeholder);
    }
  else
    {
      /* only a softmax output is a confidence; other outputs are scores */
      if (self->show_nll)
        title = g_strdup_printf (self->names ? g_dngettext (GETTEXT_PACKAGE,
                                                            "%s misclassified image, most confident first",
                                                            "%s misclassified images, most confident first", n)
                                             : g_dngettext (GETTEXT_PACKAGE,
                                                            "%s misclassified digit, most confident first",
                                                            "%s misclassified digits, most confident first", n),
                                 count);
      else
        title = g_strdup_printf (self->names ? g_dngettext (GETTEXT_PACKAGE,
                                                            "%s misclassified image, highest wrong score first",
                                                            "%s misclassified images, highest wrong score first", n)
                                             : g_dngettext (GETTEXT_PACKAGE,
                                                            "%s misclassified digit, highest wrong score first",
                                                            "%s misclassified digits, highest wrong score first", n),
                                 count);
      ink_gallery_set_placeholder (self->gallery, self->names ? _("Every test image was classified correctly")
                                                              : _("Every test digit was classified correctly"));
    }
  gtk_label_set_text (GTK_LABEL (self->gallery_title), title);
  gtk_widget_set_visible (self->show_all_button, true_class >= 0);
}

static void
fill_class_labels (InkEvaluatePage *self)
{
  for (guint c = 0; c < N_CLASSES; c++)
    if (self->class_labels[c])
      gtk_label_set_text (GTK_LABEL (self->class_labels[c]), class_name (self, (int) c));
}

static void
fill_views (InkEvaluatePage *self)
{
  const InkMetrics *m = &self->metrics;
  guint64 right = 0;
  g_autofree char *wrong_s = NULL;
  g_autofree char *total_s = ink_format_count (m->total);
  g_autofree char *headline = NULL;
  g_autofree char *subline = NULL;

  for (guint c = 0; c < m->n_classes; c++)
    right += m->confusion[c][c];
  wrong_s = ink_format_count (m->total - right);
  /* Translators: "Test accuracy 98.24% · 176 of 10,000 misclassified" */
  headline = g_strdup_printf (_("Test accuracy %.2f%% · %s of %s misclassified"),
                              100.0 * ink_metrics_accuracy (m), wrong_s, total_s);
  gtk_label_set_text (GTK_LABEL (self->headline), headline);
  if (self->show_nll)
    subline = g_strdup_printf (_("Zero-one loss %.2f%% · mean cross-entropy %.4f"),
                               100.0 * ink_metrics_zero_one (m), ink_metrics_nll (m));
  else
    subline = g_strdup_printf (_("Zero-one loss %.2f%%"), 100.0 * ink_metrics_zero_one (m));
  gtk_label_set_text (GTK_LABEL (self->subline), subline);

  ink_confusion_view_set_metrics (self->confusion, m);
  ink_gallery_set_classes (self->gallery, self->names, !self->show_nll);
  fill_class_labels (self);
  fill_table (self);
  fill_mistakes (self);
  refilter (self, -1, -1);
}

static void
drop_results (InkEvaluatePage *self)
{
  ink_gallery_clear (self->gallery);
  ink_confusion_view_set_metrics (self->confusion, NULL);
  g_clear_pointer (&self->probs, g_free);
  g_clear_pointer (&self->selection, g_free);
  self->shown_test = NULL;
  self->has_metrics = FALSE;
}

static void
show_error (InkEvaluatePage *self,
            const char      *message)
{
  g_autofree char *escaped = ink_markup_escape (message);

  drop_results (self);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), escaped);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "error");
}

static void
evaluate_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  InkEvaluatePage *self = INK_EVALUATE_PAGE (source);
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (task, &error))
    {
      if (job->generation == self->generation && self->stack != NULL)
        {
          set_busy (self, FALSE);
          g_clear_object (&self->cancellable);
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            show_error (self, error->message);
        }
      return;
    }

  /* superseded by a newer set_model or clear, or disposed */
  if (job->generation != self->generation || self->stack == NULL)
    return;

  set_busy (self, FALSE);
  g_clear_object (&self->cancellable);

  ink_gallery_clear (self->gallery);
  g_free (self->probs);
  g_free (self->selection);
  self->probs = g_steal_pointer (&job->probs);
  self->shown_test = job->test;
  self->selection = g_new (guint32, MAX (1, job->test->n));
  self->metrics = job->metrics;
  self->has_metrics = TRUE;
  self->show_nll = job->spec->loss == INK_LOSS_CROSS_ENTROPY;

  fill_views (self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "results");
  g_signal_emit (self, signals[EVALUATED], 0);
}

/* ------------------------------------------------------------------------ */
/* signal handlers                                                           */

static void
cell_activated_cb (InkConfusionView *view,
                   guint             true_class,
                   guint             pred_class,
                   InkEvaluatePage  *self)
{
  refilter (self, (int) true_class, (int) pred_class);
}

static void
selection_cleared_cb (InkConfusionView *view,
                      InkEvaluatePage  *self)
{
  refilter (self, -1, -1);
}

static void
show_all_cb (InkEvaluatePage *self)
{
  ink_confusion_view_select (self->confusion, -1, -1);
}

static void
mistake_clicked_cb (GtkButton       *button,
                    InkEvaluatePage *self)
{
  int t = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "true-class"));
  int p = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "pred-class"));

  ink_confusion_view_select (self->confusion, t, p);
}

/* ------------------------------------------------------------------------ */
/* building                                                                  */

/* a .card box around child, with padding */
static GtkWidget *
card (GtkWidget *child,
      int        hpad,
      int        vpad)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_valign (box, GTK_ALIGN_START);
  gtk_widget_set_margin_start (child, hpad);
  gtk_widget_set_margin_end (child, hpad);
  gtk_widget_set_margin_top (child, vpad);
  gtk_widget_set_margin_bottom (child, vpad);
  gtk_box_append (GTK_BOX (box), child);
  return box;
}

static GtkWidget *
table_label (const char *text,
             float       xalign,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
build_table (InkEvaluatePage *self)
{
  GtkWidget *grid = gtk_grid_new ();
  const char *headers[] = { N_("precision"), N_("recall"), N_("F1"), N_("support") };
  const char *totals[] = { N_("accuracy"), N_("macro avg"), N_("weighted avg") };

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 1);
  for (guint i = 0; i < 4; i++)
    {
      GtkWidget *h = table_label (_(headers[i]), 1.0f, "caption-heading");
      gtk_widget_add_css_class (h, "dim-label");
      gtk_grid_attach (GTK_GRID (grid), h, (int) i + 1, 0, 1, 1);
    }
  {
    GtkWidget *h = table_label (_("class"), 0.0f, "caption-heading");
    gtk_widget_add_css_class (h, "dim-label");
    gtk_grid_attach (GTK_GRID (grid), h, 0, 0, 1, 1);
  }

  for (guint r = 0; r < TABLE_ROWS; r++)
    {
      int y = (int) r + 1 + (r >= N_CLASSES ? 1 : 0);   /* a separator row before the totals */
      g_autofree char *name = r < N_CLASSES ? g_strdup_printf ("%u", r) : g_strdup (_(totals[r - N_CLASSES]));
      GtkWidget *rl = table_label (name, 0.0f, r < N_CLASSES ? "numeric" : "dim-label");

      if (r < N_CLASSES)
        self->class_labels[r] = rl;

      gtk_grid_attach (GTK_GRID (grid), rl, 0, y, 1, 1);
      for (guint c = 0; c < 4; c++)
        {
          self->cells[r][c] = table_label ("", 1.0f, "numeric");
          gtk_grid_attach (GTK_GRID (grid), self->cells[r][c], (int) c + 1, y, 1, 1);
        }
    }
  {
    GtkWidget *sep = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
    gtk_widget_set_margin_top (sep, 3);
    gtk_widget_set_margin_bottom (sep, 3);
    gtk_grid_attach (GTK_GRID (grid), sep, 0, N_CLASSES + 1, 5, 1);
  }
  return card (grid, 12, 8);
}

static GtkWidget *
build_mistakes (InkEvaluatePage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = table_label (_("Most frequent mistakes"), 0.0f, "caption-heading");

  gtk_widget_add_css_class (title, "dim-label");
  gtk_widget_set_margin_start (title, 6);
  gtk_widget_set_margin_bottom (title, 2);
  gtk_box_append (GTK_BOX (box), title);

  for (guint k = 0; k < N_TOP_MISTAKES; k++)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *name = table_label ("", 0.0f, "numeric");
      GtkWidget *value = table_label ("", 1.0f, "numeric");

      gtk_widget_set_hexpand (name, TRUE);
      gtk_box_append (GTK_BOX (row), name);
      gtk_box_append (GTK_BOX (row), value);
      gtk_button_set_child (GTK_BUTTON (button), row);
      gtk_widget_add_css_class (button, "flat");
      g_signal_connect (button, "clicked", G_CALLBACK (mistake_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), button);
      self->mistake_buttons[k] = button;
    }
  self->no_mistakes_label = table_label (_("None"), 0.0f, "dim-label");
  gtk_widget_set_margin_start (self->no_mistakes_label, 6);
  gtk_box_append (GTK_BOX (box), self->no_mistakes_label);
  return card (box, 6, 8);
}

/* The report and the most frequent mistakes side by side where the right
 * column is wide enough for both, else the mistakes under the report (an
 * 800-px window): bin holds the box of the two */
static void
report_widths (GtkWidget *bin,
               int       *wide,
               int       *narrow)
{
  GtkWidget *top = adw_bin_get_child (ADW_BIN (bin));
  int sum = 0, max = 0, n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (top); c; c = gtk_widget_get_next_sibling (c))
    {
      int w;

      if (!gtk_widget_get_visible (c))
        continue;
      gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &w, NULL, NULL, NULL);
      sum += w;
      max = MAX (max, w);
      n++;
    }
  *wide = sum + MAX (n - 1, 0) * gtk_box_get_spacing (GTK_BOX (top));
  *narrow = max;
}

static void
report_arrange (GtkWidget *bin,
                gboolean   wide)
{
  GtkWidget *top = adw_bin_get_child (ADW_BIN (bin));
  GtkOrientation o = wide ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL;

  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (top)) != o)
    gtk_orientable_set_orientation (GTK_ORIENTABLE (top), o);
}

static GtkWidget *
build_results (InkEvaluatePage *self)
{
  GtkWidget *page, *header, *titles, *content, *left, *right, *top, *gallery_header, *scroller;

  page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (page, 18);
  gtk_widget_set_margin_end (page, 18);
  gtk_widget_set_margin_top (page, 12);
  gtk_widget_set_margin_bottom (page, 18);

  /* headline */
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (page), header);
  titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_box_append (GTK_BOX (header), titles);
  self->headline = table_label ("", 0.0f, "title-2");
  gtk_label_set_ellipsize (GTK_LABEL (self->headline), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (titles), self->headline);
  self->subline = table_label ("", 0.0f, "dim-label");
  gtk_box_append (GTK_BOX (titles), self->subline);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_size_request (self->spinner, 24, 24);
  gtk_widget_set_valign (self->spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->spinner, _("Evaluating the new model…"));
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_box_append (GTK_BOX (header), self->spinner);
  self->parity_button = gtk_button_new_with_mnemonic (_("Compare CPU and _GPU"));
  gtk_widget_set_valign (self->parity_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->parity_button,
                               _("Run the same weights and test digits through the CPU and the GPU "
                                 "and show the largest differences per layer"));
  gtk_widget_set_sensitive (self->parity_button, FALSE);
  g_signal_connect_swapped (self->parity_button, "clicked", G_CALLBACK (parity_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), self->parity_button);
  /* offered only where there is a GPU to compare with */
  gtk_widget_set_visible (self->parity_button, ink_backend_cuda_available (NULL));

  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_widget_set_vexpand (content, TRUE);
  gtk_box_append (GTK_BOX (page), content);

  /* left: the heat map */
  left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (left, "card");
  gtk_widget_add_css_class (left, "ink-confusion-card");
  gtk_box_append (GTK_BOX (content), left);
  self->confusion = INK_CONFUSION_VIEW (ink_confusion_view_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->confusion), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->confusion), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->confusion), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->confusion), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->confusion), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->confusion), 6);
  g_signal_connect (self->confusion, "cell-activated", G_CALLBACK (cell_activated_cb), self);
  g_signal_connect (self->confusion, "selection-cleared", G_CALLBACK (selection_cleared_cb), self);
  gtk_box_append (GTK_BOX (left), GTK_WIDGET (self->confusion));

  /* right: report and mistakes above, gallery below */
  right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_hexpand (right, TRUE);
  gtk_box_append (GTK_BOX (content), right);

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  {
    GtkWidget *bin = adw_bin_new ();

    adw_bin_set_child (ADW_BIN (bin), top);
    ink_reflow_install (bin, report_widths, report_arrange);
    gtk_box_append (GTK_BOX (right), bin);
  }
  gtk_box_append (GTK_BOX (top), build_table (self));
  {
    GtkWidget *mistakes = build_mistakes (self);
    gtk_widget_set_hexpand (mistakes, TRUE);
    gtk_box_append (GTK_BOX (top), mistakes);
  }

  gallery_header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (right), gallery_header);
  self->gallery_title = table_label ("", 0.0f, "heading");
  gtk_widget_set_hexpand (self->gallery_title, TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (self->gallery_title), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (gallery_header), self->gallery_title);
  self->show_all_button = gtk_button_new_with_mnemonic (_("Show _All Mistakes"));
  gtk_widget_set_visible (self->show_all_button, FALSE);
  g_signal_connect_swapped (self->show_all_button, "clicked", G_CALLBACK (show_all_cb), self);
  gtk_box_append (GTK_BOX (gallery_header), self->show_all_button);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_add_css_class (scroller, "card");
  self->gallery = INK_GALLERY (ink_gallery_new ());
  gtk_widget_set_margin_start (GTK_WIDGET (self->gallery), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self->gallery), 6);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->gallery));
  gtk_box_append (GTK_BOX (right), scroller);

  return page;
}

/* ------------------------------------------------------------------------ */
/* CPU and GPU agreement                                                     */

static void
parity_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  InkEvaluatePage *self;
  g_autofree char *summary = NULL;
  g_autofree char *table = NULL;

  if (!ink_parity_dialog_compare_finish (result, &summary, &table, NULL))
    return;   /* cancelled: the page may be gone */
  self = INK_EVALUATE_PAGE (source);
  gtk_widget_set_sensitive (self->parity_button, self->model_spec != NULL);
  g_free (self->parity_summary);
  self->parity_summary = g_steal_pointer (&summary);
  ink_parity_dialog_present_full (GTK_WIDGET (self),
                                  ink_parity_dialog_compare_refused (result)
                                  ? _("The GPU Cannot Run This Network") : NULL,
                                  self->parity_summary, table);
}

static void
parity_clicked_cb (InkEvaluatePage *self)
{
  if (self->model_spec == NULL || self->test == NULL || self->test->n == 0)
    return;

  if (self->parity_cancellable)
    g_cancellable_cancel (self->parity_cancellable);
  g_clear_object (&self->parity_cancellable);
  self->parity_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->parity_button, FALSE);
  ink_parity_dialog_compare_async (self, self->model_spec, self->model_params, &self->model_norm, self->test,
                                   self->parity_cancellable, parity_done, NULL);
}

static void
forget_model (InkEvaluatePage *self)
{
  g_clear_pointer (&self->model_spec, ink_net_spec_free);
  g_clear_pointer (&self->model_params, g_free);
  if (self->parity_button)
    gtk_widget_set_sensitive (self->parity_button, FALSE);
}

static GtkWidget *
status_page (const char *icon,
             const char *title,
             const char *description)
{
  GtkWidget *page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  return page;
}

/* ------------------------------------------------------------------------ */

static void
ink_evaluate_page_dispose (GObject *object)
{
  InkEvaluatePage *self = INK_EVALUATE_PAGE (object);

  self->generation++;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  wait_for_readers (self);
  if (self->parity_cancellable)
    g_cancellable_cancel (self->parity_cancellable);
  g_clear_object (&self->parity_cancellable);
  self->parity_button = NULL;
  forget_model (self);
  g_clear_pointer (&self->parity_summary, g_free);

  g_clear_pointer (&self->stack, gtk_widget_unparent);
  self->gallery = NULL;
  self->confusion = NULL;
  g_clear_pointer (&self->probs, g_free);
  g_clear_pointer (&self->selection, g_free);
  self->shown_test = NULL;
  self->test = NULL;

  G_OBJECT_CLASS (ink_evaluate_page_parent_class)->dispose (object);
}

static void
ink_evaluate_page_finalize (GObject *object)
{
  InkEvaluatePage *self = INK_EVALUATE_PAGE (object);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (ink_evaluate_page_parent_class)->finalize (object);
}

static void
ink_evaluate_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  InkEvaluatePage *self = INK_EVALUATE_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_evaluate_page_class_init (InkEvaluatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ink_evaluate_page_dispose;
  object_class->finalize = ink_evaluate_page_finalize;
  object_class->get_property = ink_evaluate_page_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InkEvaluatePage::evaluated:
   *
   * The views show the result of the latest ink_evaluate_page_set_model().
   */
  signals[EVALUATED] =
    g_signal_new ("evaluated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inkevaluatepage");
}

static void
ink_evaluate_page_init (InkEvaluatePage *self)
{
  GtkWidget *spinner;

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);

  self->stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  gtk_stack_add_named (GTK_STACK (self->stack),
                       status_page ("emblem-ok-symbolic", _("No Model"),
                                    _("Train a network or open a model to evaluate it")),
                       "empty");

  self->loading_page = status_page (NULL, _("Evaluating…"), NULL);
  spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  adw_status_page_set_child (ADW_STATUS_PAGE (self->loading_page), spinner);
  gtk_stack_add_named (GTK_STACK (self->stack), self->loading_page, "loading");

  self->error_page = status_page ("dialog-error-symbolic", _("Could Not Evaluate the Model"), NULL);
  gtk_stack_add_named (GTK_STACK (self->stack), self->error_page, "error");

  self->message_page = status_page ("emblem-ok-symbolic", NULL, NULL);
  self->message_spinner = gtk_spinner_new ();
  gtk_widget_set_size_request (self->message_spinner, 32, 32);
  gtk_widget_set_halign (self->message_spinner, GTK_ALIGN_CENTER);
  adw_status_page_set_child (ADW_STATUS_PAGE (self->message_page), self->message_spinner);
  gtk_stack_add_named (GTK_STACK (self->stack), self->message_page, "message");

  /* a small window (800×600) scrolls the results instead of refusing to
   * shrink: the report, the matrix and the gallery keep their sizes (the
   * matrix alone asks for 500 px, which with the header bar and the view
   * switcher bar below a narrow window came to just over 600) */
  {
    GtkWidget *wide = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (wide), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (wide), TRUE);
    gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (wide), TRUE);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (wide), build_results (self));
    gtk_stack_add_named (GTK_STACK (self->stack), wide, "results");
  }
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

InkEvaluatePage *
ink_evaluate_page_new (void)
{
  return g_object_new (INK_TYPE_EVALUATE_PAGE, NULL);
}

static void
cancel_running (InkEvaluatePage *self)
{
  self->generation++;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

void
ink_evaluate_page_set_model (InkEvaluatePage  *self,
                             const InkNetSpec *spec,
                             const float      *params,
                             const InkNorm    *norm,
                             const InkDataset *test)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Job *job;
  gsize n_params;

  g_return_if_fail (INK_IS_EVALUATE_PAGE (self));
  g_return_if_fail (spec != NULL && params != NULL && norm != NULL && test != NULL);

  cancel_running (self);
  /* the caller may free an older dataset once we return: stop reading it
   * and stop showing it */
  if (self->test != NULL && self->test != test)
    wait_for_readers (self);
  if (self->shown_test != NULL && self->shown_test != test)
    {
      drop_results (self);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
    }
  self->test = test;

  if (!ink_net_spec_validate (spec, &error))
    {
      set_busy (self, FALSE);
      show_error (self, error->message);
      return;
    }
  if (spec->layers[spec->n_layers - 1].units != N_CLASSES)
    {
      g_autofree char *msg = g_strdup_printf (_("The network has %d outputs; evaluation needs %d classes."),
                                              spec->layers[spec->n_layers - 1].units, N_CLASSES);
      set_busy (self, FALSE);
      show_error (self, msg);
      return;
    }
  if ((guint) spec->n_inputs != ink_dataset_dim (test))
    {
      g_autofree char *msg = g_strdup_printf (_("The network takes %d inputs but the test images have %u pixels."),
                                              spec->n_inputs, ink_dataset_dim (test));
      set_busy (self, FALSE);
      show_error (self, msg);
      return;
    }

  n_params = ink_net_spec_n_params (spec);
  forget_model (self);
  self->model_spec = ink_net_spec_copy (spec);
  self->model_params = g_memdup2 (params, n_params * sizeof (float));
  self->model_norm = *norm;
  gtk_widget_set_sensitive (self->parity_button, TRUE);
  job = g_new0 (Job, 1);
  job->generation = self->generation;
  job->spec = ink_net_spec_copy (spec);
  job->params = g_memdup2 (params, n_params * sizeof (float));
  job->norm = *norm;
  job->test = test;

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, evaluate_done, NULL);
  g_task_set_source_tag (task, ink_evaluate_page_set_model);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, evaluate_thread);

  if (!self->has_metrics)
    {
      g_autofree char *n = ink_format_count (test->n);
      g_autofree char *desc = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Running the network on %s test image",
                                                            "Running the network on %s test images", test->n),
                                               n);
      adw_status_page_set_description (ADW_STATUS_PAGE (self->loading_page), desc);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "loading");
    }
  set_busy (self, TRUE);
}

void
ink_evaluate_page_clear (InkEvaluatePage *self)
{
  g_return_if_fail (INK_IS_EVALUATE_PAGE (self));

  cancel_running (self);
  wait_for_readers (self);
  drop_results (self);
  forget_model (self);
  self->test = NULL;
  set_busy (self, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

gboolean
ink_evaluate_page_get_busy (InkEvaluatePage *self)
{
  g_return_val_if_fail (INK_IS_EVALUATE_PAGE (self), FALSE);
  return self->busy;
}

const InkMetrics *
ink_evaluate_page_get_metrics (InkEvaluatePage *self)
{
  g_return_val_if_fail (INK_IS_EVALUATE_PAGE (self), NULL);
  return self->has_metrics ? &self->metrics : NULL;
}

const float *
ink_evaluate_page_get_probs (InkEvaluatePage *self,
                             guint           *n)
{
  g_return_val_if_fail (INK_IS_EVALUATE_PAGE (self), NULL);
  if (n)
    *n = self->probs && self->shown_test ? self->shown_test->n : 0;
  return self->probs;
}

InkConfusionView *
ink_evaluate_page_get_confusion_view (InkEvaluatePage *self)
{
  g_return_val_if_fail (INK_IS_EVALUATE_PAGE (self), NULL);
  return self->confusion;
}

InkGallery *
ink_evaluate_page_get_gallery (InkEvaluatePage *self)
{
  g_return_val_if_fail (INK_IS_EVALUATE_PAGE (self), NULL);
  return self->gallery;
}

/* The sentence the last CPU/GPU comparison showed (NULL before one): the
 * agreement, or why there was no GPU to compare with. */
const char *
ink_evaluate_page_get_parity_summary (InkEvaluatePage *self)
{
  g_return_val_if_fail (INK_IS_EVALUATE_PAGE (self), NULL);
  return self->parity_summary;
}

GtkWidget *
ink_evaluate_page_get_parity_button (InkEvaluatePage *self)
{
  g_return_val_if_fail (INK_IS_EVALUATE_PAGE (self), NULL);
  return self->parity_button;
}

void
ink_evaluate_page_set_class_names (InkEvaluatePage    *self,
                                   const char * const *names)
{
  g_return_if_fail (INK_IS_EVALUATE_PAGE (self));

  if (names != NULL && g_strcmp0 (names[0], "0") == 0)
    names = NULL;   /* the digits: the page's own wording */
  self->names = names;
  ink_confusion_view_set_class_names (self->confusion, names);
  fill_class_labels (self);
  if (self->has_metrics)
    fill_views (self);
}

void
ink_evaluate_page_show_message (InkEvaluatePage *self,
                                const char      *title,
                                const char      *description,
                                gboolean         busy)
{
  g_autofree char *escaped = ink_markup_escape (description);

  g_return_if_fail (INK_IS_EVALUATE_PAGE (self));

  ink_evaluate_page_clear (self);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->message_page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->message_page), escaped);
  gtk_widget_set_visible (self->message_spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->message_spinner), busy);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "message");
}

const char *
ink_evaluate_page_get_state (InkEvaluatePage *self)
{
  g_return_val_if_fail (INK_IS_EVALUATE_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}
