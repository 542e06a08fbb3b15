/* ink-prob-bars.c
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

/* The class bars: one bar and value per class, drawn with cairo. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-prob-bars.h"

#define MAX_CLASSES   64
#define EMPTY_ROWS    10
#define ROW_PAD       4
#define GAP           8
#define BAR_RADIUS    3.0

struct _InkProbBars
{
  GtkWidget parent_instance;

  float     values[MAX_CLASSES];
  int       n;          /* 0 when cleared */
  int       top;
  gboolean  scores;     /* raw outputs, not probabilities */
  const char * const *names;
};

G_DEFINE_FINAL_TYPE (InkProbBars, ink_prob_bars, GTK_TYPE_WIDGET)

static int
n_rows (InkProbBars *self)
{
  return self->n > 0 ? self->n : EMPTY_ROWS;
}

static void
geometry (InkProbBars *self,
          int         *row_h,
          int         *label_w,
          int         *value_w)
{
  int w, h;

  *label_w = 0;
  for (int i = 0; i < n_rows (self); i++)
    {
      g_autofree char *label = ink_prob_bars_get_label_text (self, i);
      ink_text_size (GTK_WIDGET (self), label, 1.0, TRUE, &w, &h);
      *label_w = MAX (*label_w, w);
    }
  ink_text_size (GTK_WIDGET (self), self->scores ? "\u22120.000" : "100.0%", 1.0, TRUE, value_w, &w);
  if (self->scores)
    for (int i = 0; i < self->n; i++)
      {
        g_autofree char *value = ink_prob_bars_get_value_text (self, i);
        int vw;
        ink_text_size (GTK_WIDGET (self), value, 1.0, TRUE, &vw, &w);
        *value_w = MAX (*value_w, vw);
      }
  *row_h = h + 2 * ROW_PAD;
}

static void
ink_prob_bars_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  InkProbBars *self = INK_PROB_BARS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int row_h, label_w, value_w, rows = n_rows (self);
  double bar_x, bar_w, pitch;
  GdkRGBA fg, accent_bg, accent;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  ink_lookup_color (widget, "accent_bg_color", &accent_bg, "#3584e4");
  ink_lookup_color (widget, "accent_color", &accent, "#1c71d8");
  geometry (self, &row_h, &label_w, &value_w);
  pitch = MAX (row_h, (double) height / rows);
  bar_x = label_w + GAP;
  bar_w = MAX (8, width - bar_x - GAP - value_w);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (int i = 0; i < rows; i++)
    {
      gboolean top = self->n > 0 && i == self->top;
      double y = floor (i * pitch + (pitch - row_h) / 2);
      double bar_h = row_h - 2 * ROW_PAD;
      g_autofree char *name = ink_prob_bars_get_label_text (self, i);
      g_autofree char *text = NULL;
      g_autoptr(PangoLayout) label = NULL;
      g_autoptr(PangoLayout) value = NULL;
      int w, h;

      /* the class */
      label = ink_text_layout (widget, name, 1.0, top);
      pango_layout_get_pixel_size (label, &w, &h);
      cairo_move_to (cr, label_w - w, y + (row_h - h) / 2.0);
      if (top)
        gdk_cairo_set_source_rgba (cr, &accent);
      else
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.75);
      pango_cairo_show_layout (cr, label);

      /* the track and the bar */
      ink_cairo_rounded_rect (cr, bar_x, y + ROW_PAD, bar_w, bar_h, BAR_RADIUS);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.07);
      cairo_fill (cr);
      if (self->n > 0)
        {
          double v = CLAMP (self->values[i], 0.0, 1.0);
          double len = v * bar_w;

          if (len >= 0.5)
            {
              ink_cairo_rounded_rect (cr, bar_x, y + ROW_PAD, MAX (len, 2.0), bar_h, BAR_RADIUS);
              if (top)
                gdk_cairo_set_source_rgba (cr, &accent_bg);
              else
                cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.35);
              cairo_fill (cr);
            }
        }

      /* the percentage, or the score */
      text = ink_prob_bars_get_value_text (self, i);
      value = ink_text_layout (widget, text, 1.0, top);
      pango_layout_get_pixel_size (value, &w, &h);
      cairo_move_to (cr, width - w, y + (row_h - h) / 2.0);
      if (top)
        gdk_cairo_set_source_rgba (cr, &fg);
      else
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * (self->n > 0 ? 0.75 : 0.4));
      pango_cairo_show_layout (cr, value);
    }

  cairo_destroy (cr);
}

static void
ink_prob_bars_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  InkProbBars *self = INK_PROB_BARS (widget);
  int row_h, label_w, value_w;

  geometry (self, &row_h, &label_w, &value_w);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = label_w + GAP + 60 + GAP + value_w;
      *natural = label_w + GAP + 240 + GAP + value_w;
    }
  else
    {
      *minimum = row_h * n_rows (self);
      *natural = (row_h + 4) * n_rows (self);
    }
}

static void
update_accessible (InkProbBars *self)
{
  g_autofree char *desc = NULL;

  if (self->n > 0)
    {
      g_autofree char *name = ink_prob_bars_get_label_text (self, self->top);
      g_autofree char *value = ink_prob_bars_get_value_text (self, self->top);
      /* Translators: the accessible description of the output bars: the
       * model's top class and its probability or score */
      desc = g_strdup_printf (self->scores ? _("Top class %s, score %s") : _("Top class %s, probability %s"),
                              name, value);
    }
  else
    desc = g_strdup (_("No prediction"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc,
                                  -1);
}

static void
ink_prob_bars_class_init (InkProbBarsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = ink_prob_bars_snapshot;
  widget_class->measure = ink_prob_bars_measure;

  gtk_widget_class_set_css_name (widget_class, "inkprobbars");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ink_prob_bars_init (InkProbBars *self)
{
  self->top = -1;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Class probabilities"),
                                  -1);
  update_accessible (self);
}

void
ink_prob_bars_set_probabilities (InkProbBars *self,
                                 gboolean     probabilities)
{
  g_return_if_fail (INK_IS_PROB_BARS (self));

  if (self->scores == !probabilities)
    return;
  self->scores = !probabilities;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->scores ? _("Output scores") : _("Class probabilities"),
                                  -1);
  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gboolean
ink_prob_bars_get_probabilities (InkProbBars *self)
{
  g_return_val_if_fail (INK_IS_PROB_BARS (self), TRUE);
  return !self->scores;
}

void
ink_prob_bars_set_class_names (InkProbBars        *self,
                               const char * const *names)
{
  g_return_if_fail (INK_IS_PROB_BARS (self));

  if (self->names == names)
    return;
  self->names = names;
  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

char *
ink_prob_bars_get_label_text (InkProbBars *self,
                              int          i)
{
  g_return_val_if_fail (INK_IS_PROB_BARS (self), NULL);

  if (self->names != NULL && i >= 0 && i < (int) g_strv_length ((char **) self->names))
    return g_strdup (self->names[i]);
  return g_strdup_printf ("%d", i);
}

char *
ink_prob_bars_get_value_text (InkProbBars *self,
                              int          i)
{
  g_return_val_if_fail (INK_IS_PROB_BARS (self), NULL);

  if (self->n <= 0 || i < 0 || i >= self->n)
    return g_strdup ("–");
  if (!self->scores)
    return g_strdup_printf ("%.1f%%", 100.0 * self->values[i]);
  /* a score is a number, with a real minus sign */
  if (self->values[i] < 0 && self->values[i] <= -0.0005f)
    return g_strdup_printf ("\u2212%.3f", -(double) self->values[i]);
  return g_strdup_printf ("%.3f", fabs ((double) self->values[i]));
}

InkProbBars *
ink_prob_bars_new (void)
{
  return g_object_new (INK_TYPE_PROB_BARS, NULL);
}

void
ink_prob_bars_set (InkProbBars *self,
                   const float *probs,
                   int          n)
{
  int old_rows;

  g_return_if_fail (INK_IS_PROB_BARS (self));
  g_return_if_fail (probs != NULL || n == 0);

  if (n <= 0)
    {
      ink_prob_bars_clear (self);
      return;
    }
  old_rows = n_rows (self);
  n = MIN (n, MAX_CLASSES);
  memcpy (self->values, probs, sizeof (float) * n);
  self->n = n;
  self->top = 0;
  for (int i = 1; i < n; i++)
    if (probs[i] > probs[self->top])
      self->top = i;
  update_accessible (self);
  if (old_rows != n_rows (self))
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ink_prob_bars_clear (InkProbBars *self)
{
  int old_rows;

  g_return_if_fail (INK_IS_PROB_BARS (self));

  old_rows = n_rows (self);
  self->n = 0;
  self->top = -1;
  update_accessible (self);
  if (old_rows != n_rows (self))
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
ink_prob_bars_get_top (InkProbBars *self)
{
  g_return_val_if_fail (INK_IS_PROB_BARS (self), -1);

  return self->top;
}

const float *
ink_prob_bars_get_values (InkProbBars *self,
                          int         *n)
{
  g_return_val_if_fail (INK_IS_PROB_BARS (self), NULL);

  if (n != NULL)
    *n = self->n;
  return self->n > 0 ? self->values : NULL;
}
