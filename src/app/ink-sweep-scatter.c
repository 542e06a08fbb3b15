/* ink-sweep-scatter.c
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

/* The scatter of a hyper-parameter against the metric: axes with ticks
 * (log where the parameter's axis is), points coloured on the accuracy
 * scale with its legend, hover and click on a point. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ink-cairo-util.h"
#include "ink-sweep-scatter.h"

#define PAD_LEFT    64.0
#define PAD_RIGHT   96.0
#define PAD_TOP     20.0
#define PAD_BOTTOM  48.0
#define RADIUS       5.0
#define HIT_PX       9.0

struct _InkSweepScatter
{
  GtkWidget     parent_instance;
  InkSweepPlot *plot;
  guint         x_axis;
  int           hover;
};

G_DEFINE_FINAL_TYPE (InkSweepScatter, ink_sweep_scatter, GTK_TYPE_WIDGET)

enum { SIGNAL_CHILD_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* 5% of room at both ends: no point on the frame */
static double
inset (double pos)
{
  return 0.05 + 0.9 * pos;
}

static gboolean
point_at (InkSweepScatter *self, guint line, int width, int height, double *x, double *y)
{
  InkSweepPlot *p = self->plot;
  guint m;
  double px, py;

  if (p == NULL || line >= p->n_lines || self->x_axis + 1 >= p->n_axes)
    return FALSE;
  m = p->n_axes - 1;
  px = ink_sweep_axis_position (&p->axes[self->x_axis], p->values[line * p->n_axes + self->x_axis]);
  py = ink_sweep_axis_position (&p->axes[m], p->values[line * p->n_axes + m]);
  if (isnan (px) || isnan (py))
    return FALSE;
  *x = PAD_LEFT + inset (px) * MAX (width - PAD_LEFT - PAD_RIGHT, 10);
  *y = PAD_TOP + (1 - inset (py)) * MAX (height - PAD_TOP - PAD_BOTTOM, 10);
  return TRUE;
}

void
ink_sweep_scatter_draw (InkSweepScatter *self,
                        cairo_t         *cr,
                        int              width,
                        int              height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  InkSweepPlot *p = self->plot;
  GdkRGBA fg, dim, grid;
  double left = PAD_LEFT, right = width - PAD_RIGHT, top = PAD_TOP, bottom = height - PAD_BOTTOM;
  const InkSweepAxis *xa, *ya;

  ink_lookup_color (widget, "window_fg_color", &fg, "#000000");
  dim = grid = fg;
  dim.alpha = 0.6;
  grid.alpha = 0.12;
  if (p == NULL || p->n_lines == 0 || self->x_axis + 1 >= p->n_axes)
    {
      g_autoptr(PangoLayout) msg = ink_placeholder_layout (widget, _("No runs in this sweep"), width - 24);
      gdk_cairo_set_source_rgba (cr, &dim);
      ink_cairo_show_layout (cr, msg, width / 2.0, height / 2.0, 0.5, 0.5);
      return;
    }
  xa = &p->axes[self->x_axis];
  ya = &p->axes[p->n_axes - 1];

  /* frame, grid and ticks */
  cairo_set_line_width (cr, 1);
  gdk_cairo_set_source_rgba (cr, &dim);
  cairo_rectangle (cr, round (left) + 0.5, round (top) + 0.5, round (right - left), round (bottom - top));
  cairo_stroke (cr);
  /* the ticks' grid lines across the frame, their values outside it */
  ink_sweep_axis_draw_ticks (xa, widget, cr, GTK_ORIENTATION_HORIZONTAL,
                             left + inset (0) * (right - left), left + inset (1) * (right - left),
                             top, bottom, &grid, bottom + 4, 0.5, 0, &dim, NULL, 0.8);
  ink_sweep_axis_draw_ticks (ya, widget, cr, GTK_ORIENTATION_VERTICAL,
                             bottom - inset (0) * (bottom - top), bottom - inset (1) * (bottom - top),
                             left, right, &grid, left - 4, 1, 0.5, &dim, NULL, 0.8);
  {
    g_autofree char *xt = xa->log ? g_strdup_printf (_("%s (log)"), xa->title) : g_strdup (xa->title);
    g_autoptr(PangoLayout) lx = ink_text_layout (widget, xt, 0.9, TRUE);
    g_autoptr(PangoLayout) ly = ink_text_layout (widget, ya->title, 0.9, TRUE);

    gdk_cairo_set_source_rgba (cr, &fg);
    ink_cairo_show_layout (cr, lx, (left + right) / 2, height - 4, 0.5, 1);
    cairo_save (cr);
    cairo_translate (cr, 12, (top + bottom) / 2);
    cairo_rotate (cr, -G_PI / 2);
    ink_cairo_show_layout (cr, ly, 0, 0, 0.5, 0.5);
    cairo_restore (cr);
  }

  /* the points, the hovered one last */
  for (guint i = 0; i <= p->n_lines; i++)
    {
      guint line = i < p->n_lines ? i : (guint) self->hover;
      double x, y;
      GdkRGBA c;

      if (i < p->n_lines && (int) i == self->hover)
        continue;
      if (i == p->n_lines && self->hover < 0)
        break;
      if (!point_at (self, line, width, height, &x, &y))
        continue;
      ink_sweep_plot_color (p, p->accuracy[line], &c);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, i == p->n_lines ? RADIUS + 2 : RADIUS, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &dim);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
  ink_sweep_plot_legend (p, widget, cr, width - PAD_RIGHT + 30, top + 24, 12, MAX (bottom - top - 24, 20));
}

static void
snapshot (GtkWidget *widget, GtkSnapshot *snap)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snap, &GRAPHENE_RECT_INIT (0, 0, w, h));

  ink_sweep_scatter_draw (INK_SWEEP_SCATTER (widget), cr, w, h);
  cairo_destroy (cr);
}

static int
point_near (InkSweepScatter *self, double x, double y)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double best = HIT_PX;
  int found = -1;

  if (self->plot == NULL)
    return -1;
  for (guint l = 0; l < self->plot->n_lines; l++)
    {
      double px, py, d;

      if (!point_at (self, l, w, h, &px, &py))
        continue;
      d = hypot (x - px, y - py);
      if (d <= best)
        {
          best = d;
          found = (int) l;
        }
    }
  return found;
}

static void
set_hover (InkSweepScatter *self, int line)
{
  if (line == self->hover)
    return;
  self->hover = line;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (line < 0)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
    }
  else
    {
      InkSweepPlot *p = self->plot;
      g_autofree char *xv = ink_sweep_axis_format (&p->axes[self->x_axis], p->values[line * p->n_axes + self->x_axis]);
      g_autofree char *yv = ink_sweep_axis_format (&p->axes[p->n_axes - 1], p->values[line * p->n_axes + p->n_axes - 1]);
      g_autofree char *tip = g_strdup_printf (_("%s\n%s: %s\n%s: %s\nClick to open this run"), p->ids[line],
                                              p->axes[self->x_axis].title, xv, p->axes[p->n_axes - 1].title, yv);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), tip);
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
    }
}

static void
on_motion (GtkEventControllerMotion *m, double x, double y, InkSweepScatter *self)
{
  set_hover (self, point_near (self, x, y));
}

static void
on_leave (GtkEventControllerMotion *m, InkSweepScatter *self)
{
  set_hover (self, -1);
}

static void
on_released (GtkGestureClick *g, int n, double x, double y, InkSweepScatter *self)
{
  int line = point_near (self, x, y);

  if (line >= 0)
    g_signal_emit (self, signals[SIGNAL_CHILD_ACTIVATED], 0, (guint) line);
}

static void
measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat, int *min_base, int *nat_base)
{
  *min = o == GTK_ORIENTATION_HORIZONTAL ? 320 : 220;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 640 : 360;
}

static void
finalize (GObject *object)
{
  ink_sweep_plot_free (INK_SWEEP_SCATTER (object)->plot);
  G_OBJECT_CLASS (ink_sweep_scatter_parent_class)->finalize (object);
}

static void
ink_sweep_scatter_class_init (InkSweepScatterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = snapshot;
  GTK_WIDGET_CLASS (klass)->measure = measure;
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);
  signals[SIGNAL_CHILD_ACTIVATED] = g_signal_new ("child-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
ink_sweep_scatter_init (InkSweepScatter *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->hover = -1;
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Scatter of a hyper-parameter against the metric"), -1);
}

GtkWidget *
ink_sweep_scatter_new (void)
{
  return g_object_new (INK_TYPE_SWEEP_SCATTER, NULL);
}

void
ink_sweep_scatter_set_plot (InkSweepScatter *self,
                            InkSweepPlot    *plot,
                            guint            x_axis)
{
  ink_sweep_plot_free (self->plot);
  self->plot = plot;
  self->x_axis = x_axis;
  self->hover = -1;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
ink_sweep_scatter_get_x_axis (InkSweepScatter *self)
{
  return self->x_axis;
}

guint
ink_sweep_scatter_get_n_points (InkSweepScatter *self)
{
  double x, y;
  guint n = 0;

  if (self->plot == NULL)
    return 0;
  for (guint l = 0; l < self->plot->n_lines; l++)
    n += point_at (self, l, 100, 100, &x, &y);
  return n;
}

gboolean
ink_sweep_scatter_get_point (InkSweepScatter *self,
                             guint            line,
                             double          *x,
                             double          *y)
{
  return point_at (self, line, gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)),
                   x, y);
}
