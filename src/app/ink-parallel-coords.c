/* ink-parallel-coords.c
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

/* The parallel-coordinates view: axes with their ticks and titles, a
 * polyline per child coloured on the accuracy scale, the hovered line
 * drawn on top with its values in the tooltip, a click reporting the
 * child. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ink-cairo-util.h"
#include "ink-parallel-coords.h"

#define PAD_LEFT    64.0   /* half an axis title */
#define PAD_RIGHT  150.0   /* the last axis's ticks and the legend */
#define TITLE_MAX  130.0
#define PAD_TOP     44.0   /* the axis titles */
#define PAD_BOTTOM  16.0
#define HIT_PX       8.0

struct _InkParallelCoords
{
  GtkWidget     parent_instance;
  InkSweepPlot *plot;
  int           hover;     /* line under the pointer, -1: none */
};

G_DEFINE_FINAL_TYPE (InkParallelCoords, ink_parallel_coords, GTK_TYPE_WIDGET)

enum { SIGNAL_CHILD_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static double
axis_x (InkParallelCoords *self, guint axis, int width)
{
  guint n = self->plot->n_axes;
  double span = MAX (width - PAD_LEFT - PAD_RIGHT, 10);

  return n < 2 ? PAD_LEFT + span / 2 : PAD_LEFT + span * axis / (n - 1);
}

static gboolean
point_at (InkParallelCoords *self, guint line, guint axis, int width, int height, double *x, double *y)
{
  double pos;

  if (self->plot == NULL || line >= self->plot->n_lines || axis >= self->plot->n_axes)
    return FALSE;
  pos = ink_sweep_axis_position (&self->plot->axes[axis], self->plot->values[line * self->plot->n_axes + axis]);
  if (isnan (pos))
    return FALSE;
  *x = axis_x (self, axis, width);
  *y = PAD_TOP + (1 - pos) * MAX (height - PAD_TOP - PAD_BOTTOM, 10);
  return TRUE;
}

static gboolean
line_has_points (InkParallelCoords *self, guint line)
{
  double x, y;
  for (guint a = 0; a < self->plot->n_axes; a++)
    if (point_at (self, line, a, 100, 100, &x, &y))
      return TRUE;
  return FALSE;
}

static void
trace_line (InkParallelCoords *self, cairo_t *cr, guint line, int width, int height)
{
  gboolean pen = FALSE;

  cairo_new_path (cr);
  for (guint a = 0; a < self->plot->n_axes; a++)
    {
      double x, y;

      if (!point_at (self, line, a, width, height, &x, &y))
        {
          pen = FALSE;
          continue;
        }
      if (pen)
        cairo_line_to (cr, x, y);
      else
        {
          cairo_move_to (cr, x, y);
          /* a lone point still shows */
          cairo_line_to (cr, x + 0.01, y);
        }
      pen = TRUE;
    }
}

void
ink_parallel_coords_draw (InkParallelCoords *self,
                          cairo_t           *cr,
                          int                width,
                          int                height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  InkSweepPlot *plot = self->plot;
  GdkRGBA fg, dim, halo;
  double top = PAD_TOP, bottom = height - PAD_BOTTOM;

  ink_lookup_color (widget, "window_fg_color", &fg, "#000000");
  ink_lookup_color (widget, "window_bg_color", &halo, "#ffffff");
  halo.alpha = 0.8;
  dim = fg;
  dim.alpha = 0.55;
  if (plot == NULL || plot->n_lines == 0)
    {
      g_autoptr(PangoLayout) msg = ink_placeholder_layout (widget, _("No runs in this sweep"), width - 24);
      gdk_cairo_set_source_rgba (cr, &dim);
      ink_cairo_show_layout (cr, msg, width / 2.0, height / 2.0, 0.5, 0.5);
      return;
    }

  /* the lines, the hovered one last and wider */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint l = 0; l <= plot->n_lines; l++)
    {
      guint line = l < plot->n_lines ? l : (guint) self->hover;
      GdkRGBA c;

      if (l < plot->n_lines && (int) l == self->hover)
        continue;
      if (l == plot->n_lines && self->hover < 0)
        break;
      ink_sweep_plot_color (plot, plot->accuracy[line], &c);
      c.alpha = l == plot->n_lines ? 1 : 0.85;
      trace_line (self, cr, line, width, height);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_set_line_width (cr, l == plot->n_lines ? 4 : 2);
      cairo_stroke (cr);
    }

  /* the axes, their titles and ticks, over the lines: the values stay
   * legible where lines cross them */
  for (guint a = 0; a < plot->n_axes; a++)
    {
      const InkSweepAxis *axis = &plot->axes[a];
      double x = axis_x (self, a, width);
      double room = plot->n_axes > 1 ? (width - PAD_LEFT - PAD_RIGHT) / (plot->n_axes - 1) - 6 : width;
      double tw = CLAMP (room, 40, TITLE_MAX);
      g_autoptr(PangoLayout) title = ink_text_layout (widget, axis->title, 0.9, TRUE);

      pango_layout_set_width (title, (int) (tw * PANGO_SCALE));
      pango_layout_set_alignment (title, PANGO_ALIGN_CENTER);
      pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
      gdk_cairo_set_source_rgba (cr, &fg);
      ink_cairo_show_layout (cr, title, CLAMP (x, tw / 2, width - tw / 2), top - 22, 0.5, 1);
      if (axis->log)
        {
          g_autoptr(PangoLayout) tag = ink_text_layout (widget, _("log"), 0.75, FALSE);
          gdk_cairo_set_source_rgba (cr, &dim);
          ink_cairo_show_layout (cr, tag, x, top - 8, 0.5, 1);
        }
      cairo_set_line_width (cr, 1);
      gdk_cairo_set_source_rgba (cr, &dim);
      cairo_move_to (cr, round (x) + 0.5, top);
      cairo_line_to (cr, round (x) + 0.5, bottom);
      cairo_stroke (cr);
      ink_sweep_axis_draw_ticks (axis, widget, cr, GTK_ORIENTATION_VERTICAL, bottom, top,
                                 x - 3, x + 3, &dim, x + 5, 0, 0.5, &dim, &halo, 0.75);
    }

  ink_sweep_plot_legend (plot, widget, cr, width - 78, top + 8, 12, MAX (bottom - top - 16, 20));
}

static void
snapshot (GtkWidget *widget, GtkSnapshot *snap)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snap, &GRAPHENE_RECT_INIT (0, 0, w, h));

  ink_parallel_coords_draw (INK_PARALLEL_COORDS (widget), cr, w, h);
  cairo_destroy (cr);
}

static double
seg_distance (double px, double py, double x0, double y0, double x1, double y1)
{
  double dx = x1 - x0, dy = y1 - y0, len = dx * dx + dy * dy;
  double t = len > 0 ? CLAMP (((px - x0) * dx + (py - y0) * dy) / len, 0, 1) : 0;
  return hypot (px - (x0 + t * dx), py - (y0 + t * dy));
}

/* the line nearest (x, y) within HIT_PX, -1 none */
static int
line_at (InkParallelCoords *self, double x, double y)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double best = HIT_PX;
  int found = -1;

  if (self->plot == NULL)
    return -1;
  for (guint l = 0; l < self->plot->n_lines; l++)
    {
      double px = 0, py = 0;
      gboolean have = FALSE;

      for (guint a = 0; a < self->plot->n_axes; a++)
        {
          double ax, ay, d;

          if (!point_at (self, l, a, w, h, &ax, &ay))
            {
              have = FALSE;
              continue;
            }
          d = have ? seg_distance (x, y, px, py, ax, ay) : hypot (x - ax, y - ay);
          if (d <= best)
            {
              best = d;
              found = (int) l;
            }
          px = ax;
          py = ay;
          have = TRUE;
        }
    }
  return found;
}

static void
set_hover (InkParallelCoords *self, int line)
{
  GString *tip;

  if (line == self->hover)
    return;
  self->hover = line;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (line < 0)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
      return;
    }
  tip = g_string_new (self->plot->ids[line]);
  for (guint a = 0; a < self->plot->n_axes; a++)
    {
      g_autofree char *v = ink_sweep_axis_format (&self->plot->axes[a], self->plot->values[line * self->plot->n_axes + a]);
      g_string_append_printf (tip, "\n%s: %s", self->plot->axes[a].title, v);
    }
  g_string_append (tip, _("\nClick to open this run"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tip->str);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  g_string_free (tip, TRUE);
}

static void
on_motion (GtkEventControllerMotion *m, double x, double y, InkParallelCoords *self)
{
  set_hover (self, line_at (self, x, y));
}

static void
on_leave (GtkEventControllerMotion *m, InkParallelCoords *self)
{
  set_hover (self, -1);
}

static void
on_released (GtkGestureClick *g, int n, double x, double y, InkParallelCoords *self)
{
  int line = line_at (self, x, y);

  if (line >= 0)
    g_signal_emit (self, signals[SIGNAL_CHILD_ACTIVATED], 0, (guint) line);
}

static void
measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat, int *min_base, int *nat_base)
{
  *min = o == GTK_ORIENTATION_HORIZONTAL ? 360 : 240;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 720 : 360;
}

static void
finalize (GObject *object)
{
  ink_sweep_plot_free (INK_PARALLEL_COORDS (object)->plot);
  G_OBJECT_CLASS (ink_parallel_coords_parent_class)->finalize (object);
}

static void
ink_parallel_coords_class_init (InkParallelCoordsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = snapshot;
  GTK_WIDGET_CLASS (klass)->measure = measure;
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);
  signals[SIGNAL_CHILD_ACTIVATED] = g_signal_new ("child-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
ink_parallel_coords_init (InkParallelCoords *self)
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
                                  _("Parallel coordinates of the sweep's runs"), -1);
}

GtkWidget *
ink_parallel_coords_new (void)
{
  return g_object_new (INK_TYPE_PARALLEL_COORDS, NULL);
}

void
ink_parallel_coords_set_plot (InkParallelCoords *self,
                              InkSweepPlot      *plot)
{
  ink_sweep_plot_free (self->plot);
  self->plot = plot;
  self->hover = -1;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const InkSweepPlot *
ink_parallel_coords_get_plot (InkParallelCoords *self)
{
  return self->plot;
}

guint
ink_parallel_coords_get_n_axes (InkParallelCoords *self)
{
  return self->plot ? self->plot->n_axes : 0;
}

guint
ink_parallel_coords_get_n_lines (InkParallelCoords *self)
{
  guint n = 0;

  if (self->plot == NULL)
    return 0;
  for (guint l = 0; l < self->plot->n_lines; l++)
    n += line_has_points (self, l);
  return n;
}

gboolean
ink_parallel_coords_get_point (InkParallelCoords *self,
                               guint              line,
                               guint              axis,
                               double            *x,
                               double            *y)
{
  return point_at (self, line, axis, gtk_widget_get_width (GTK_WIDGET (self)),
                   gtk_widget_get_height (GTK_WIDGET (self)), x, y);
}
