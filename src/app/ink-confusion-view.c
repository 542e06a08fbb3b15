/* ink-confusion-view.c
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

/* The confusion-matrix heat map: drawing, hover and the selected cell. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ink-cairo-util.h"
#include "ink-confusion-view.h"
#include "ink-number-field.h"

#define MIN_CELL 18
#define NAT_CELL 46
#define GAP 6

/* the diagonal's hue and the errors' range, readable on light and dark */
static const GdkRGBA diag_color = { 0.11f, 0.55f, 0.58f, 1.0f };
static const GdkRGBA err_low = { 0.96f, 0.56f, 0.13f, 1.0f };
static const GdkRGBA err_high = { 0.82f, 0.11f, 0.16f, 1.0f };

struct _InkConfusionView
{
  GtkWidget  parent_instance;

  InkMetrics metrics;
  gboolean   has_metrics;
  double     max_error_rate;

  int        sel_true;
  int        sel_pred;
  int        hover_true;
  int        hover_pred;

  /* the classes' names (NULL: the digits 0-9) */
  char     **names;

  /* geometry of the last snapshot/allocation */
  double     grid_x;
  double     grid_y;
  double     cell;
};

enum
{
  CELL_ACTIVATED,
  SELECTION_CLEARED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkConfusionView, ink_confusion_view, GTK_TYPE_WIDGET)

static guint
n_classes (InkConfusionView *self)
{
  return self->has_metrics ? self->metrics.n_classes : 10;
}

static guint64
row_total (InkConfusionView *self,
           guint             t)
{
  guint64 s = 0;
  for (guint p = 0; p < self->metrics.n_classes; p++)
    s += self->metrics.confusion[t][p];
  return s;
}

static double
rate (InkConfusionView *self,
      guint             t,
      guint             p)
{
  guint64 total = row_total (self, t);
  return total ? (double) self->metrics.confusion[t][p] / (double) total : 0.0;
}

static PangoLayout *
make_layout (InkConfusionView *self,
             const char       *text,
             double            scale,
             gboolean          bold)
{
  return ink_text_layout (GTK_WIDGET (self), text, scale, bold);
}

static int
line_height (InkConfusionView *self)
{
  g_autoptr(PangoLayout) layout = make_layout (self, "0", 1.0, FALSE);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  return h;
}

/* a row's label: its digit, or its name and the index that heads its
 * column ("Ankle boot 9") */
static char *
row_label (InkConfusionView *self,
           guint             i)
{
  if (self->names != NULL && i < g_strv_length (self->names))
    return g_strdup_printf ("%s %u", self->names[i], i);
  return g_strdup_printf ("%u", i);
}

/* the widest row label, in pixels */
static int
row_label_width (InkConfusionView *self)
{
  int widest = line_height (self);

  if (self->names != NULL)
    for (guint i = 0; i < n_classes (self); i++)
      {
        g_autofree char *text = row_label (self, i);
        g_autoptr(PangoLayout) l = make_layout (self, text, 1.0, TRUE);
        int w, h;

        pango_layout_get_pixel_size (l, &w, &h);
        widest = MAX (widest, w);
      }
  return widest;
}

/* margins around the grid: left (title + row labels), top, bottom (status) */
static void
margins (InkConfusionView *self,
         int              *left,
         int              *top,
         int              *bottom)
{
  int lh = line_height (self);
  *left = lh + GAP + row_label_width (self) + GAP;
  *top = lh + GAP + lh + GAP;
  *bottom = GAP + lh + 2 * GAP;
}

static void
update_geometry (InkConfusionView *self,
                 int               width,
                 int               height)
{
  int left, top, bottom, side;
  guint n = n_classes (self);

  margins (self, &left, &top, &bottom);
  side = MIN (width - left - GAP, height - top - bottom);
  self->cell = MAX (4, floor ((double) side / n));
  /* centre the labels + grid block */
  self->grid_x = floor ((width - (left + self->cell * n)) / 2.0) + left;
  self->grid_x = MAX (self->grid_x, left);
  /* and vertically, within the room left */
  self->grid_y = top + MAX (0, floor ((height - top - bottom - self->cell * n) / 2.0));
}

static gboolean
cell_at (InkConfusionView *self,
         double            x,
         double            y,
         int              *t,
         int              *p)
{
  guint n = n_classes (self);
  int col, row;

  if (!self->has_metrics || self->cell <= 0)
    return FALSE;
  col = (int) floor ((x - self->grid_x) / self->cell);
  row = (int) floor ((y - self->grid_y) / self->cell);
  if (col < 0 || row < 0 || col >= (int) n || row >= (int) n)
    return FALSE;
  *t = row;
  *p = col;
  return TRUE;
}

static void
mix (const GdkRGBA *a,
     const GdkRGBA *b,
     double         t,
     GdkRGBA       *out)
{
  out->red = (float) (a->red + (b->red - a->red) * t);
  out->green = (float) (a->green + (b->green - a->green) * t);
  out->blue = (float) (a->blue + (b->blue - a->blue) * t);
  out->alpha = (float) (a->alpha + (b->alpha - a->alpha) * t);
}

/* fill colour of a cell; FALSE for an empty off-diagonal cell */
static gboolean
cell_color (InkConfusionView *self,
            guint             t,
            guint             p,
            GdkRGBA          *out)
{
  double r = rate (self, t, p);

  if (t == p)
    {
      *out = diag_color;
      out->alpha = (float) (0.22 + 0.78 * r);
      return TRUE;
    }
  if (self->metrics.confusion[t][p] == 0 || self->max_error_rate <= 0)
    return FALSE;
  {
    double k = sqrt (MIN (1.0, r / self->max_error_rate));
    mix (&err_low, &err_high, k, out);
    out->alpha = (float) (0.12 + 0.88 * k);
  }
  return TRUE;
}

static char *
describe_cell (InkConfusionView *self,
               guint             t,
               guint             p)
{
  g_autofree char *count = ink_format_count (self->metrics.confusion[t][p]);

  if (self->names != NULL && MAX (t, p) < g_strv_length (self->names))
    /* Translators: hovering a confusion-matrix cell of named classes: true
     * class, predicted class, the cell's count and its share of the true
     * class's images ("2.3% of the Shirts") */
    return g_strdup_printf (_("true %s → predicted %s: %s (%.1f%% of class %s)"),
                            self->names[t], self->names[p], count, 100.0 * rate (self, t, p), self->names[t]);
  /* Translators: hovering a confusion-matrix cell: true class, predicted
   * class, the cell's count and its share of the true class's samples
   * ("2.3% of 4s") */
  return g_strdup_printf (_("true %u → predicted %u: %s (%.1f%% of %us)"),
                          t, p, count, 100.0 * rate (self, t, p), t);
}

/* the line under the grid: the cell under the pointer, else the selected
 * one, else a hint */
char *
ink_confusion_view_get_status (InkConfusionView *self)
{
  g_return_val_if_fail (INK_IS_CONFUSION_VIEW (self), NULL);

  if (!self->has_metrics)
    return NULL;
  if (self->hover_true >= 0)
    return describe_cell (self, (guint) self->hover_true, (guint) self->hover_pred);
  if (self->sel_true >= 0)
    return describe_cell (self, (guint) self->sel_true, (guint) self->sel_pred);
  return g_strdup (self->names ? _("Click a cell to see its images") : _("Click a cell to see its digits"));
}

static void
show_centered (cairo_t     *cr,
               PangoLayout *layout,
               double       cx,
               double       cy)
{
  ink_cairo_show_layout (cr, layout, cx, cy, 0.5, 0.5);
}

static void
ink_confusion_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  InkConfusionView *self = INK_CONFUSION_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = n_classes (self);
  int lh = line_height (self);
  int rw = row_label_width (self);
  double cell, gx, gy, side, count_scale;
  GdkRGBA fg;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  update_geometry (self, width, height);
  cell = self->cell;
  gx = self->grid_x;
  gy = self->grid_y;
  side = cell * n;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* axis titles and digit labels */
  {
    g_autoptr(PangoLayout) pred_title = make_layout (self, _("predicted"), 1.0, TRUE);
    g_autoptr(PangoLayout) true_title = make_layout (self, _("true"), 1.0, TRUE);
    int w, h;

    gdk_cairo_set_source_rgba (cr, &fg);
    show_centered (cr, pred_title, gx + side / 2, gy - GAP - lh - GAP - lh / 2.0);

    pango_layout_get_pixel_size (true_title, &w, &h);
    cairo_save (cr);
    cairo_translate (cr, gx - GAP - rw - GAP - h, gy + side / 2 + w / 2.0);
    cairo_rotate (cr, -G_PI / 2);
    cairo_move_to (cr, 0, 0);
    pango_cairo_show_layout (cr, true_title);
    cairo_restore (cr);

    cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.65);
    for (guint i = 0; i < n; i++)
      {
        char digit[8];
        g_autofree char *label = row_label (self, i);
        g_autoptr(PangoLayout) l = NULL;
        gboolean strong = (self->hover_true == (int) i || self->sel_true == (int) i);
        gboolean strong_col = (self->hover_pred == (int) i || self->sel_pred == (int) i);
        int lw, lh2;

        g_snprintf (digit, sizeof digit, "%u", i);
        l = make_layout (self, digit, 1.0, strong_col);
        show_centered (cr, l, gx + (i + 0.5) * cell, gy - GAP - lh / 2.0);
        g_object_unref (l);
        /* right-aligned against the grid */
        l = make_layout (self, label, 1.0, strong);
        pango_layout_get_pixel_size (l, &lw, &lh2);
        show_centered (cr, l, gx - GAP - lw / 2.0, gy + (i + 0.5) * cell);
      }
  }

  /* cells */
  count_scale = CLAMP (cell * 0.30 / MAX (1, lh * 0.75), 0.55, 1.1);
  for (guint t = 0; t < n; t++)
    for (guint p = 0; p < n; p++)
      {
        double x = gx + p * cell, y = gy + t * cell;
        GdkRGBA fill;
        gboolean filled = self->has_metrics && cell_color (self, t, p, &fill);
        double inset = cell > 24 ? 1.5 : 0.75;

        ink_cairo_rounded_rect (cr, x + inset, y + inset, cell - 2 * inset, cell - 2 * inset, MIN (4, cell / 8));
        if (filled)
          gdk_cairo_set_source_rgba (cr, &fill);
        else
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.05);
        cairo_fill (cr);

        if (self->has_metrics && cell >= 14)
          {
            g_autoptr(PangoLayout) l = NULL;
            guint64 c = self->metrics.confusion[t][p];
            g_autofree char *text = ink_format_count (c);

            l = make_layout (self, text, count_scale, t == p || (filled && fill.alpha > 0.55));
            if (filled && fill.alpha > 0.55)
              cairo_set_source_rgb (cr, 1, 1, 1);
            else if (c == 0)
              cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.3);
            else
              gdk_cairo_set_source_rgba (cr, &fg);
            show_centered (cr, l, x + cell / 2, y + cell / 2);
          }
      }

  /* hover and selection outlines */
  if (self->has_metrics && self->hover_true >= 0)
    {
      ink_cairo_rounded_rect (cr, gx + self->hover_pred * cell + 0.75, gy + self->hover_true * cell + 0.75,
                    cell - 1.5, cell - 1.5, MIN (4, cell / 8));
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.55);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  if (self->has_metrics && self->sel_true >= 0)
    {
      ink_cairo_rounded_rect (cr, gx + self->sel_pred * cell + 1, gy + self->sel_true * cell + 1,
                    cell - 2, cell - 2, MIN (4, cell / 8));
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke (cr);
    }

  /* status line */
  if (self->has_metrics)
    {
      g_autofree char *text = ink_confusion_view_get_status (self);
      g_autoptr(PangoLayout) l = NULL;

      l = make_layout (self, text, 1.0, FALSE);
      pango_layout_set_width (l, width * PANGO_SCALE);
      pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (l, PANGO_ALIGN_CENTER);
      if (self->hover_true >= 0 || self->sel_true >= 0)
        gdk_cairo_set_source_rgba (cr, &fg);
      else
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.55);
      cairo_move_to (cr, 0, gy + side + GAP + GAP / 2.0);
      pango_cairo_show_layout (cr, l);
    }

  cairo_destroy (cr);
}

static void
ink_confusion_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  InkConfusionView *self = INK_CONFUSION_VIEW (widget);
  int left, top, bottom;
  guint n = n_classes (self);

  margins (self, &left, &top, &bottom);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = left + MIN_CELL * (int) n + GAP;
      *natural = left + NAT_CELL * (int) n + GAP;
    }
  else
    {
      *minimum = top + MIN_CELL * (int) n + bottom;
      *natural = top + NAT_CELL * (int) n + bottom;
    }
}

static void
ink_confusion_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  update_geometry (INK_CONFUSION_VIEW (widget), width, height);
}

static void
set_hover (InkConfusionView *self,
           int               t,
           int               p)
{
  if (self->hover_true == t && self->hover_pred == p)
    return;
  self->hover_true = t;
  self->hover_pred = p;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), t >= 0 ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           InkConfusionView         *self)
{
  int t, p;
  if (cell_at (self, x, y, &t, &p))
    set_hover (self, t, p);
  else
    set_hover (self, -1, -1);
}

static void
leave_cb (GtkEventControllerMotion *motion,
          InkConfusionView         *self)
{
  set_hover (self, -1, -1);
}

static void
released_cb (GtkGestureClick  *gesture,
             int               n_press,
             double            x,
             double            y,
             InkConfusionView *self)
{
  int t, p;

  if (!cell_at (self, x, y, &t, &p))
    return;
  if (t == p || (t == self->sel_true && p == self->sel_pred))
    ink_confusion_view_select (self, -1, -1);
  else
    ink_confusion_view_select (self, t, p);
}

static void
ink_confusion_view_finalize (GObject *object)
{
  InkConfusionView *self = INK_CONFUSION_VIEW (object);

  g_strfreev (self->names);
  G_OBJECT_CLASS (ink_confusion_view_parent_class)->finalize (object);
}

static void
ink_confusion_view_class_init (InkConfusionViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ink_confusion_view_finalize;

  widget_class->snapshot = ink_confusion_view_snapshot;
  widget_class->measure = ink_confusion_view_measure;
  widget_class->size_allocate = ink_confusion_view_size_allocate;

  /**
   * InkConfusionView::cell-activated:
   * @true_class: the row
   * @predicted_class: the column (never equal to @true_class)
   *
   * An off-diagonal cell became the selection.
   */
  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * InkConfusionView::selection-cleared:
   *
   * The selected cell was deselected (clicked again, a diagonal cell was
   * clicked, or ink_confusion_view_select (-1, -1)).
   */
  signals[SELECTION_CLEARED] =
    g_signal_new ("selection-cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "inkconfusionview");
}

static void
ink_confusion_view_init (InkConfusionView *self)
{
  GtkEventController *motion;
  GtkGesture *click;

  self->sel_true = self->sel_pred = -1;
  self->hover_true = self->hover_pred = -1;
  ink_metrics_init (&self->metrics, 10);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
ink_confusion_view_new (void)
{
  return g_object_new (INK_TYPE_CONFUSION_VIEW, NULL);
}

void
ink_confusion_view_set_class_names (InkConfusionView   *self,
                                    const char * const *names)
{
  g_return_if_fail (INK_IS_CONFUSION_VIEW (self));

  g_strfreev (self->names);
  self->names = g_strdupv ((char **) names);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
ink_confusion_view_set_metrics (InkConfusionView *self,
                                const InkMetrics *m)
{
  g_return_if_fail (INK_IS_CONFUSION_VIEW (self));
  g_return_if_fail (m == NULL || (m->n_classes > 0 && m->n_classes <= INK_MAX_CLASSES));

  self->sel_true = self->sel_pred = -1;
  self->hover_true = self->hover_pred = -1;
  self->max_error_rate = 0;
  if (m)
    {
      self->metrics = *m;
      self->has_metrics = TRUE;
      for (guint t = 0; t < m->n_classes; t++)
        for (guint p = 0; p < m->n_classes; p++)
          if (t != p)
            self->max_error_rate = MAX (self->max_error_rate, rate (self, t, p));
    }
  else
    {
      ink_metrics_init (&self->metrics, 10);
      self->has_metrics = FALSE;
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ink_confusion_view_select (InkConfusionView *self,
                           int               true_class,
                           int               pred_class)
{
  int n;

  g_return_if_fail (INK_IS_CONFUSION_VIEW (self));

  n = (int) n_classes (self);
  if (true_class < 0 || pred_class < 0 || true_class >= n || pred_class >= n
      || true_class == pred_class)
    true_class = pred_class = -1;

  if (true_class == self->sel_true && pred_class == self->sel_pred)
    return;
  self->sel_true = true_class;
  self->sel_pred = pred_class;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (true_class >= 0)
    g_signal_emit (self, signals[CELL_ACTIVATED], 0, (guint) true_class, (guint) pred_class);
  else
    g_signal_emit (self, signals[SELECTION_CLEARED], 0);
}

gboolean
ink_confusion_view_get_selection (InkConfusionView *self,
                                  int              *true_class,
                                  int              *pred_class)
{
  g_return_val_if_fail (INK_IS_CONFUSION_VIEW (self), FALSE);
  if (true_class)
    *true_class = self->sel_true;
  if (pred_class)
    *pred_class = self->sel_pred;
  return self->sel_true >= 0;
}
