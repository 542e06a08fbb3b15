/* ink-chart.c
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

/* The line chart widget: series and their smoothing, drawing (axes,
 * curves, legend, hover read-out), PNG export; ink-chart-layout.c
 * places things. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-chart.h"
#include "ink-chart-layout.h"
#include "ink-chart-scale.h"

#define REDRAW_INTERVAL_MS 100   /* at most ~10 coalesced redraws per second */
#define HOVER_THIN_PENALTY 6.0   /* thin (per-minibatch) curves lose ties to the main ones */

typedef struct
{
  double x, y;
} Point;

typedef struct
{
  guint          id;
  char          *label;
  GdkRGBA        color;
  InkChartStyle  style;
  gboolean       in_legend;
  gboolean       visible;
  GArray        *points;     /* Point */
  double         smoothing;  /* EMA weight in [0, 1); 0: none */
  GArray        *smooth;     /* double per point: the debiased EMA of y */
  double         ema_num, ema_den;
  gboolean       sorted;     /* x never decreased */
  double         xmin, xmax, ymin, ymax;
} Series;

struct _InkChart
{
  GtkWidget   parent_instance;

  char       *title;
  char       *x_label;
  char       *y_label;
  gboolean    percent;
  gboolean    log_scale;
  gboolean    integer_x;       /* x counts something (epochs): no fractional ticks */

  GPtrArray  *series;          /* Series* */
  GPtrArray  *x_peers;         /* InkChart* (weak): charts sharing the x range */
  char       *note;            /* shown in the legend, in italics */
  gboolean    dark;            /* light text: the dark style (set on each draw) */
  guint       next_id;
  guint       next_color;

  guint       generation;      /* bumped on every change that moves things */
  guint       redraw_id;
  guint       draw_count;
  InkChartLayout layout;

  /* hover */
  gboolean    hover_active;
  guint       hover_series;    /* id */
  guint       hover_index;
  double      pointer_x, pointer_y;
  char       *hover_text;
};

G_DEFINE_FINAL_TYPE (InkChart, ink_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOG_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* Palette and colours                                                       */

void
ink_chart_palette (guint    index,
                   GdkRGBA *out)
{
  /* mid-luminance hues that read on white and on #242424 */
  static const char * const colors[] = {
    "#3584e4", /* blue */
    "#e66100", /* orange */
    "#2ec27e", /* green */
    "#c061cb", /* purple */
    "#e01b24", /* red */
    "#14a3b0", /* teal */
    "#c88800", /* ochre */
    "#e35ca6", /* pink */
    "#8d6e4e", /* brown */
    "#8f8f99", /* grey */
  };

  g_return_if_fail (out != NULL);
  gdk_rgba_parse (out, colors[index % G_N_ELEMENTS (colors)]);
}

static void
get_colors (InkChart *self,
            GdkRGBA  *fg,
            GdkRGBA  *bg)
{
  GdkRGBA c;
  double lum;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &c);
  lum = 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue;
  if (fg)
    *fg = c;
  if (bg)
    {
      /* light text means a dark theme; Adwaita's view backgrounds */
      if (lum > 0.5)
        *bg = (GdkRGBA) { 0.118, 0.118, 0.118, 1.0 };
      else
        *bg = (GdkRGBA) { 1.0, 1.0, 1.0, 1.0 };
    }
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *c,
            double         alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/* ------------------------------------------------------------------------ */
/* Series                                                                    */

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->label);
  g_array_unref (s->points);
  g_array_unref (s->smooth);
  g_free (s);
}

static void
series_reset_range (Series *s)
{
  s->xmin = s->ymin = INFINITY;
  s->xmax = s->ymax = -INFINITY;
  s->sorted = TRUE;
  s->ema_num = s->ema_den = 0.0;
  g_array_set_size (s->smooth, 0);
}

static Series *
find_series (InkChart *self,
             guint     id,
             guint    *index)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (s->id == id)
        {
          if (index)
            *index = i;
          return s;
        }
    }
  return NULL;
}

/* the debiased exponential moving average (as TensorBoard smooths): the
 * first points are not pulled towards 0 */
static void
series_smooth_append (Series *s,
                      double  y)
{
  double w = s->smoothing, v;

  s->ema_num = s->ema_num * w + (1.0 - w) * y;
  s->ema_den = s->ema_den * w + (1.0 - w);
  v = s->ema_den > 0 ? s->ema_num / s->ema_den : y;
  g_array_append_val (s->smooth, v);
}

static void
series_smooth_recompute (Series *s)
{
  s->ema_num = s->ema_den = 0.0;
  g_array_set_size (s->smooth, 0);
  for (guint i = 0; i < s->points->len; i++)
    series_smooth_append (s, g_array_index (s->points, Point, i).y);
}

/* ------------------------------------------------------------------------ */
/* Redraws                                                                   */

/* g_set_str () is GLib 2.76 */
static gboolean
set_str (char       **dest,
         const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

static void
hover_hide (InkChart *self)
{
  self->hover_active = FALSE;
  g_clear_pointer (&self->hover_text, g_free);
}

static gboolean
redraw_cb (gpointer data)
{
  InkChart *self = data;

  self->redraw_id = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_redraw_one (InkChart *self)
{
  self->generation++;
  if (self->redraw_id == 0)
    self->redraw_id = g_timeout_add (REDRAW_INTERVAL_MS, redraw_cb, self);
}

/* data came in: draw soon, not now (the charts sharing the x range too) */
static void
schedule_redraw (InkChart *self)
{
  schedule_redraw_one (self);
  for (guint i = 0; i < self->x_peers->len; i++)
    schedule_redraw_one (g_ptr_array_index (self->x_peers, i));
}

/* the user changed something: draw on the next frame */
static void
changed_now (InkChart *self)
{
  self->generation++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  for (guint i = 0; i < self->x_peers->len; i++)
    {
      InkChart *peer = g_ptr_array_index (self->x_peers, i);

      peer->generation++;
      gtk_widget_queue_draw (GTK_WIDGET (peer));
    }
}

/* ------------------------------------------------------------------------ */
/* Text                                                                      */

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static char *
tick_label (InkChart *self,
            double    value,
            double    step,
            gboolean  y)
{
  return ink_chart_format_tick (value, step, y && self->percent);
}

/* ------------------------------------------------------------------------ */
/* Layout                                                                    */

static gboolean
data_ranges (InkChart *self,
             double   *xlo,
             double   *xhi,
             double   *ylo,
             double   *yhi)
{
  gboolean any = FALSE;

  *xlo = *ylo = INFINITY;
  *xhi = *yhi = -INFINITY;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (!s->visible || s->points->len == 0)
        continue;
      any = TRUE;
      *xlo = MIN (*xlo, s->xmin);
      *xhi = MAX (*xhi, s->xmax);
      *ylo = MIN (*ylo, s->ymin);
      *yhi = MAX (*yhi, s->ymax);
    }
  /* charts sharing the x axis span the union of their x ranges */
  if (any)
    for (guint k = 0; k < self->x_peers->len; k++)
      {
        InkChart *peer = g_ptr_array_index (self->x_peers, k);

        for (guint i = 0; i < peer->series->len; i++)
          {
            Series *s = g_ptr_array_index (peer->series, i);

            if (!s->visible || s->points->len == 0)
              continue;
            *xlo = MIN (*xlo, s->xmin);
            *xhi = MAX (*xhi, s->xmax);
          }
      }
  return any;
}

static gboolean
in_legend (const Series *s)
{
  return s->visible && s->in_legend && s->label && *s->label;
}

/* How much of the data lies in a rectangle: points and samples along the
 * segments between them (every few pixels), fewer for long series. */
static double
data_in_rect (gpointer              data,
              const InkChartLayout *lay,
              double                x,
              double                y,
              double                w,
              double                h)
{
  InkChart *self = data;
  double count = 0;

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      const Point *pts = (const Point *) (gpointer) s->points->data;
      double weight = s->style == INK_CHART_THIN ? 0.5 : 1.0;
      double x0 = 0, y0 = 0;
      guint stride;

      if (!s->visible)
        continue;
      stride = MAX (1, s->points->len / 1000);
      for (guint j = 0; j < s->points->len; j += stride)
        {
          double x1 = ink_chart_map_to_pixel (&lay->xmap, pts[j].x);
          double y1 = ink_chart_map_to_pixel (&lay->ymap, pts[j].y);
          guint n = 1;

          if (j > 0)
            n = (guint) CLAMP (hypot (x1 - x0, y1 - y0) / 4, 1, 64);
          for (guint k = 1; k <= n; k++)
            {
              double t = (double) k / n;
              double sx = j > 0 ? x0 + (x1 - x0) * t : x1;
              double sy = j > 0 ? y0 + (y1 - y0) * t : y1;

              if (sx >= x && sx <= x + w && sy >= y && sy <= y + h)
                count += weight;
            }
          x0 = x1;
          y0 = y1;
        }
    }
  return count;
}

static const InkChartLayout *
ensure_layout (InkChart *self,
               int       width,
               int       height)
{
  InkChartLayout *lay = &self->layout;
  g_autoptr(GArray) items = NULL;
  InkChartLayoutSource src = {
    .widget = GTK_WIDGET (self),
    .title = self->title,
    .x_label = self->x_label,
    .y_label = self->y_label,
    .note = self->note,
    .percent = self->percent,
    .log_scale = self->log_scale,
    .integer_x = self->integer_x,
    .data_in_rect = data_in_rect,
    .data = self,
  };

  if (lay->valid && lay->width == width && lay->height == height && lay->generation == self->generation)
    return lay;

  src.has_data = data_ranges (self, &src.xlo, &src.xhi, &src.ylo, &src.yhi);
  items = g_array_new (FALSE, FALSE, sizeof (InkChartLegendItem));
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      InkChartLegendItem item = { s->id, s->label };

      if (in_legend (s))
        g_array_append_val (items, item);
    }
  src.items = (const InkChartLegendItem *) (gpointer) items->data;
  src.n_items = items->len;
  ink_chart_layout_compute (lay, &src, width, height);
  lay->generation = self->generation;
  return lay;
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */

/* Thin curves (per minibatch) in the dark style: the palette's mid tones
 * at low alpha vanish into a dark background, so they are lightened. */
static GdkRGBA
thin_color (InkChart     *self,
            const Series *s)
{
  GdkRGBA c = s->color;

  if (self->dark)
    {
      c.red = c.red + (1 - c.red) * 0.4;
      c.green = c.green + (1 - c.green) * 0.4;
      c.blue = c.blue + (1 - c.blue) * 0.4;
    }
  return c;
}

static void
set_series_style (InkChart     *self,
                  cairo_t      *cr,
                  const Series *s)
{
  static const double dash[] = { 6, 4 };

  switch (s->style)
    {
    case INK_CHART_DASHED:
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      set_source (cr, &s->color, 1.0);
      break;
    case INK_CHART_THIN:
      {
        GdkRGBA c = thin_color (self, s);

        cairo_set_line_width (cr, 1.0);
        cairo_set_dash (cr, NULL, 0, 0);
        set_source (cr, &c, self->dark ? 0.75 : 0.55);
      }
      break;
    case INK_CHART_SOLID:
    default:
      cairo_set_line_width (cr, 2.0);
      cairo_set_dash (cr, NULL, 0, 0);
      set_source (cr, &s->color, 1.0);
      break;
    }
}

typedef struct
{
  double x, ymin, ymax, ymid;
} Column;

/* More points than pixel columns: reduce each column's run of points to its
 * range.  Where a column's range is wider than the line it is filled as a
 * band 1 px wide; a line joins the middles of the other columns.  That is
 * what a stroke through all the points would cover, at a fraction of the
 * cost (stroking thousands of overlapping zig-zags is slow in cairo), and
 * band and line never overlap, so translucent curves stay even. */
static void
draw_series_dense (cairo_t      *cr,
                   const InkChartLayout *lay,
                   const Series *s,
                   guint         columns)
{
  const Point *pts = (const Point *) (gpointer) s->points->data;
  guint n = s->points->len;
  double lw = cairo_get_line_width (cr);
  g_autoptr(GArray) cols = g_array_sized_new (FALSE, FALSE, sizeof (Column), columns + 8);
  guint i = 0;
  double prev_y = NAN;

  while (i < n)
    {
      double x = ink_chart_map_to_pixel (&lay->xmap, pts[i].x);
      double y = ink_chart_map_to_pixel (&lay->ymap, pts[i].y);
      long col = lround (floor (x));
      Column c = { x, y, y, y };
      double x_last = x, y_last = y;
      guint j;

      for (j = i + 1; j < n; j++)
        {
          double xj = ink_chart_map_to_pixel (&lay->xmap, pts[j].x);
          double yj;

          if (lround (floor (xj)) != col)
            break;
          yj = ink_chart_map_to_pixel (&lay->ymap, pts[j].y);
          c.ymin = MIN (c.ymin, yj);
          c.ymax = MAX (c.ymax, yj);
          x_last = xj;
          y_last = yj;
        }
      c.x = (x + x_last) / 2;
      c.ymid = (c.ymin + c.ymax) / 2;
      /* the band also reaches the previous column's end: no gaps on steep parts */
      if (!isnan (prev_y))
        {
          c.ymin = MIN (c.ymin, prev_y);
          c.ymax = MAX (c.ymax, prev_y);
        }
      prev_y = y_last;
      g_array_append_val (cols, c);
      i = j;
    }

  cairo_new_path (cr);
  for (guint k = 0; k < cols->len; k++)
    {
      Column *c = &g_array_index (cols, Column, k);

      /* whole pixels: cairo fills aligned boxes without a coverage mask */
      if (c->ymax - c->ymin > lw)
        {
          double top = floor (c->ymin - lw / 2), bottom = ceil (c->ymax + lw / 2);

          cairo_rectangle (cr, floor (c->x), top, 1, bottom - top);
        }
    }
  cairo_fill (cr);

  /* a column within a line width of the previous one's end joins it; one
   * next to a band touches the band */
  for (guint k = 0; k + 1 < cols->len; k++)
    {
      Column *a = &g_array_index (cols, Column, k);
      Column *b = &g_array_index (cols, Column, k + 1);

      if (a->ymax - a->ymin > lw || b->ymax - b->ymin > lw)
        continue;
      cairo_move_to (cr, a->x, a->ymid);
      cairo_line_to (cr, b->x, b->ymid);
    }
  cairo_stroke (cr);
}

typedef enum
{
  PASS_PLAIN,
  PASS_RAW,        /* a smoothed series' raw points: faint */
  PASS_SMOOTHED,   /* its moving average: a clear line */
} SeriesPass;

static void
draw_series_points (InkChart     *self,
                    cairo_t      *cr,
                    const InkChartLayout *lay,
                    const Series *s,
                    GArray       *points,
                    SeriesPass    pass);

static void
draw_series (InkChart     *self,
             cairo_t      *cr,
             const InkChartLayout *lay,
             const Series *s)
{
  g_autoptr(GArray) smoothed = NULL;

  if (s->smoothing <= 0 || s->points->len < 2)
    {
      draw_series_points (self, cr, lay, s, s->points, PASS_PLAIN);
      return;
    }
  smoothed = g_array_sized_new (FALSE, FALSE, sizeof (Point), s->points->len);
  for (guint i = 0; i < s->points->len; i++)
    {
      Point p = { g_array_index (s->points, Point, i).x, g_array_index (s->smooth, double, i) };

      g_array_append_val (smoothed, p);
    }
  draw_series_points (self, cr, lay, s, s->points, PASS_RAW);
  draw_series_points (self, cr, lay, s, smoothed, PASS_SMOOTHED);
}

static void
draw_series_points (InkChart     *self,
                    cairo_t      *cr,
                    const InkChartLayout *lay,
                    const Series *s,
                    GArray       *points,
                    SeriesPass    pass)
{
  guint n = points->len;
  const Point *pts = (const Point *) (gpointer) points->data;
  guint columns = (guint) MAX (1, ceil (lay->pw));
  Series view = *s;

  if (n == 0)
    return;

  cairo_save (cr);
  view.points = points;
  set_series_style (self, cr, s);
  if (pass != PASS_PLAIN)
    {
      GdkRGBA c = thin_color (self, s);

      if (pass == PASS_RAW)
        set_source (cr, &c, self->dark ? 0.3 : 0.22);
      else
        {
          cairo_set_line_width (cr, 1.5);
          set_source (cr, &c, 1.0);
        }
    }
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_new_path (cr);

  if (n == 1)
    {
      double x = ink_chart_map_to_pixel (&lay->xmap, pts[0].x);
      double y = ink_chart_map_to_pixel (&lay->ymap, pts[0].y);

      cairo_arc (cr, x, y, s->style == INK_CHART_THIN ? 1.5 : 3.0, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_restore (cr);
      return;
    }

  if (n <= columns)
    {
      for (guint i = 0; i < n; i++)
        cairo_line_to (cr,
                       ink_chart_map_to_pixel (&lay->xmap, pts[i].x),
                       ink_chart_map_to_pixel (&lay->ymap, pts[i].y));
    }
  else
    {
      draw_series_dense (cr, lay, &view, columns);
      cairo_restore (cr);
      return;
    }
  cairo_stroke (cr);

  /* dots on sparse main curves (epochs) */
  if (s->style == INK_CHART_SOLID && n * 8 <= columns)
    {
      for (guint i = 0; i < n; i++)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr,
                     ink_chart_map_to_pixel (&lay->xmap, pts[i].x),
                     ink_chart_map_to_pixel (&lay->ymap, pts[i].y),
                     2.5, 0, 2 * G_PI);
        }
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

static void
draw_axes (InkChart      *self,
           cairo_t       *cr,
           const InkChartLayout  *lay,
           const GdkRGBA *fg)
{
  double x0 = lay->px, y0 = lay->py, x1 = lay->px + lay->pw, y1 = lay->py + lay->ph;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);

  /* grid */
  for (guint i = 0; i < lay->yticks->len; i++)
    {
      InkChartTick *t = &g_array_index (lay->yticks, InkChartTick, i);
      double y = round (ink_chart_map_to_pixel (&lay->ymap, t->value)) + 0.5;

      if (y < y0 - 0.5 || y > y1 + 0.5)
        continue;
      set_source (cr, fg, t->major ? 0.12 : 0.06);
      cairo_move_to (cr, x0, y);
      cairo_line_to (cr, x1, y);
      cairo_stroke (cr);
    }
  for (guint i = 0; i < lay->xticks->len; i++)
    {
      InkChartTick *t = &g_array_index (lay->xticks, InkChartTick, i);
      double x = round (ink_chart_map_to_pixel (&lay->xmap, t->value)) + 0.5;

      if (x < x0 - 0.5 || x > x1 + 0.5)
        continue;
      set_source (cr, fg, 0.12);
      cairo_move_to (cr, x, y0);
      cairo_line_to (cr, x, y1);
      cairo_stroke (cr);
    }

  /* axis lines */
  set_source (cr, fg, 0.55);
  cairo_move_to (cr, x0 + 0.5, y0);
  cairo_line_to (cr, x0 + 0.5, y1 + 0.5);
  cairo_line_to (cr, x1, y1 + 0.5);
  cairo_stroke (cr);

  /* ticks and their labels */
  for (guint i = 0; i < lay->yticks->len; i++)
    {
      InkChartTick *t = &g_array_index (lay->yticks, InkChartTick, i);
      double y = round (ink_chart_map_to_pixel (&lay->ymap, t->value)) + 0.5;
      g_autofree char *s = NULL;
      g_autoptr(PangoLayout) l = NULL;
      double tw, th;

      if (y < y0 - 0.5 || y > y1 + 0.5)
        continue;
      set_source (cr, fg, 0.55);
      cairo_move_to (cr, x0, y);
      cairo_line_to (cr, x0 - (t->major ? INK_CHART_TICK_LEN : INK_CHART_TICK_LEN / 2), y);
      cairo_stroke (cr);
      if (!t->major)
        continue;
      s = tick_label (self, t->value, lay->ystep, TRUE);
      l = ink_chart_text (GTK_WIDGET (self), s, INK_CHART_TICK_SCALE, FALSE);
      ink_chart_text_size (l, &tw, &th);
      set_source (cr, fg, 0.75);
      show_text (cr, l, x0 - INK_CHART_TICK_LEN - 3 - tw, y - th / 2);
    }
  for (guint i = 0; i < lay->xticks->len; i++)
    {
      InkChartTick *t = &g_array_index (lay->xticks, InkChartTick, i);
      double x = round (ink_chart_map_to_pixel (&lay->xmap, t->value)) + 0.5;
      g_autofree char *s = NULL;
      g_autoptr(PangoLayout) l = NULL;
      double tw;

      if (x < x0 - 0.5 || x > x1 + 0.5)
        continue;
      set_source (cr, fg, 0.55);
      cairo_move_to (cr, x, y1);
      cairo_line_to (cr, x, y1 + INK_CHART_TICK_LEN);
      cairo_stroke (cr);
      s = tick_label (self, t->value, lay->xstep, FALSE);
      l = ink_chart_text (GTK_WIDGET (self), s, INK_CHART_TICK_SCALE, FALSE);
      ink_chart_text_size (l, &tw, NULL);
      set_source (cr, fg, 0.75);
      show_text (cr, l, x - tw / 2, y1 + INK_CHART_TICK_LEN + 2);
    }

  /* axis labels */
  if (self->x_label && *self->x_label)
    {
      g_autoptr(PangoLayout) l = ink_chart_text (GTK_WIDGET (self), self->x_label, INK_CHART_TICK_SCALE, FALSE);
      double tw;

      ink_chart_text_size (l, &tw, NULL);
      set_source (cr, fg, 0.8);
      show_text (cr, l, x0 + (lay->pw - tw) / 2, y1 + INK_CHART_TICK_LEN + 2 + lay->tick_h + 4);
    }
  if (self->y_label && *self->y_label)
    {
      g_autoptr(PangoLayout) l = ink_chart_text (GTK_WIDGET (self), self->y_label, INK_CHART_TICK_SCALE, FALSE);
      double tw;

      ink_chart_text_size (l, &tw, NULL);
      set_source (cr, fg, 0.8);
      cairo_save (cr);
      cairo_translate (cr, INK_CHART_MARGIN, y0 + (lay->ph + tw) / 2);
      cairo_rotate (cr, -G_PI / 2);
      show_text (cr, l, 0, 0);
      cairo_restore (cr);
    }
  cairo_restore (cr);
}

static void
draw_title (InkChart      *self,
            cairo_t       *cr,
            int            width,
            const GdkRGBA *fg)
{
  g_autoptr(PangoLayout) l = NULL;
  double tw;

  if (!self->title || !*self->title)
    return;
  l = ink_chart_text (GTK_WIDGET (self), self->title, INK_CHART_TITLE_SCALE, TRUE);
  pango_layout_set_width (l, (int) MAX (1, width - 2 * INK_CHART_MARGIN) * PANGO_SCALE);
  pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
  ink_chart_text_size (l, &tw, NULL);
  set_source (cr, fg, 1.0);
  show_text (cr, l, (width - tw) / 2, INK_CHART_MARGIN);
}

static void
draw_legend (InkChart      *self,
             cairo_t       *cr,
             const InkChartLayout  *lay,
             const GdkRGBA *fg,
             const GdkRGBA *bg)
{
  if (lay->legend == INK_CHART_LEGEND_NONE)
    return;

  cairo_save (cr);
  if (lay->legend == INK_CHART_LEGEND_INSIDE)
    {
      ink_cairo_rounded_rect (cr, lay->lx, lay->ly, lay->lw, lay->lh, 4);
      set_source (cr, bg, 0.85);
      cairo_fill_preserve (cr);
      set_source (cr, fg, 0.2);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }

  for (guint i = 0; i < lay->entries->len; i++)
    {
      InkChartLegendEntry *e = &g_array_index (lay->entries, InkChartLegendEntry, i);
      Series *s = e->id ? find_series (self, e->id, NULL) : NULL;
      double x = lay->lx + e->x, y = lay->ly + e->y, th;
      g_autoptr(PangoLayout) l = NULL;

      if (e->id == 0 || e->id == INK_CHART_NOTE_ID)
        {
          PangoAttrList *attrs = pango_attr_list_new ();

          l = ink_chart_legend_text (GTK_WIDGET (self), e->id == 0 ? ink_chart_fallback_note () : self->note,
                                     lay->legend == INK_CHART_LEGEND_TOP && e->id == INK_CHART_NOTE_ID
                                       ? lay->width - 2 * INK_CHART_MARGIN : lay->text_max,
                                     TRUE);
          pango_attr_list_insert (attrs, pango_attr_style_new (PANGO_STYLE_ITALIC));
          pango_layout_set_attributes (l, attrs);
          pango_attr_list_unref (attrs);
          set_source (cr, fg, 0.6);
          show_text (cr, l, x, y);
          continue;
        }
      if (!s)
        continue;
      l = ink_chart_legend_text (GTK_WIDGET (self), s->label, lay->text_max, FALSE);
      ink_chart_text_size (l, NULL, &th);

      cairo_save (cr);
      set_series_style (self, cr, s);
      if (s->style == INK_CHART_THIN)
        {
          /* a swatch that still reads at legend size */
          GdkRGBA c = thin_color (self, s);

          cairo_set_line_width (cr, 1.5);
          set_source (cr, &c, 0.9);
        }
      cairo_move_to (cr, x, y + th / 2);
      cairo_line_to (cr, x + INK_CHART_LEGEND_SAMPLE, y + th / 2);
      cairo_stroke (cr);
      cairo_restore (cr);

      set_source (cr, fg, 0.9);
      show_text (cr, l, x + INK_CHART_LEGEND_SAMPLE + INK_CHART_LEGEND_GAP, y);
    }
  cairo_restore (cr);
}

static void
draw_hover (InkChart      *self,
            cairo_t       *cr,
            const InkChartLayout  *lay,
            int            width,
            int            height,
            const GdkRGBA *fg,
            const GdkRGBA *bg)
{
  static const double dash[] = { 3, 3 };
  Series *s;
  Point *p;
  double x, y, bw, bh, bx, by;
  g_autoptr(PangoLayout) l = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *label = NULL;
  const char *rest;

  if (!self->hover_active || !self->hover_text)
    return;
  s = find_series (self, self->hover_series, NULL);
  if (!s || !s->visible || self->hover_index >= s->points->len)
    return;
  p = &g_array_index (s->points, Point, self->hover_index);
  x = ink_chart_map_to_pixel (&lay->xmap, p->x);
  y = ink_chart_map_to_pixel (&lay->ymap, p->y);
  if (!isfinite (x) || !isfinite (y))
    return;

  cairo_save (cr);

  /* crosshair */
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  set_source (cr, fg, 0.4);
  cairo_move_to (cr, round (x) + 0.5, lay->py);
  cairo_line_to (cr, round (x) + 0.5, lay->py + lay->ph);
  cairo_move_to (cr, lay->px, round (y) + 0.5);
  cairo_line_to (cr, lay->px + lay->pw, round (y) + 0.5);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  cairo_arc (cr, x, y, 4, 0, 2 * G_PI);
  set_source (cr, &s->color, 1.0);
  cairo_fill_preserve (cr);
  set_source (cr, bg, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);

  /* the read-out: the label in bold, then x and y */
  rest = strchr (self->hover_text, '\n');
  label = g_markup_escape_text (self->hover_text, rest ? rest - self->hover_text : -1);
  {
    g_autofree char *rest_escaped = g_markup_escape_text (rest ? rest : "", -1);

    markup = g_strdup_printf ("<b>%s</b>%s", label, rest_escaped);
  }
  l = ink_chart_text (GTK_WIDGET (self), "", INK_CHART_LEGEND_SCALE, FALSE);
  pango_layout_set_markup (l, markup, -1);
  ink_chart_text_size (l, &bw, &bh);
  bw += 2 * INK_CHART_LEGEND_PAD + 14;
  bh += 2 * INK_CHART_LEGEND_PAD;

  /* above right of the point, else the first other side that stays in the plot */
  {
    const double off = 10;
    double cand[4][2] = {
      { x + off, y - off - bh },
      { x - off - bw, y - off - bh },
      { x + off, y + off },
      { x - off - bw, y + off },
    };
    guint k;

    for (k = 0; k < G_N_ELEMENTS (cand); k++)
      if (cand[k][0] >= lay->px && cand[k][0] + bw <= lay->px + lay->pw
          && cand[k][1] >= lay->py && cand[k][1] + bh <= lay->py + lay->ph)
        break;
    if (k == G_N_ELEMENTS (cand))
      k = 0;
    bx = CLAMP (cand[k][0], 2, MAX (2, width - 2 - bw));
    by = CLAMP (cand[k][1], 2, MAX (2, height - 2 - bh));
  }

  ink_cairo_rounded_rect (cr, bx, by, bw, bh, 4);
  set_source (cr, bg, 0.95);
  cairo_fill_preserve (cr);
  set_source (cr, fg, 0.3);
  cairo_stroke (cr);

  /* colour swatch next to the label */
  cairo_rectangle (cr, bx + INK_CHART_LEGEND_PAD, by + INK_CHART_LEGEND_PAD + 3, 8, 8);
  set_source (cr, &s->color, 1.0);
  cairo_fill (cr);

  set_source (cr, fg, 1.0);
  show_text (cr, l, bx + INK_CHART_LEGEND_PAD + 14, by + INK_CHART_LEGEND_PAD);
  cairo_restore (cr);
}

static void
draw_internal (InkChart *self,
               cairo_t  *cr,
               int       width,
               int       height,
               gboolean  with_hover)
{
  const InkChartLayout *lay;
  GdkRGBA fg, bg;

  if (width <= 0 || height <= 0)
    return;

  get_colors (self, &fg, &bg);
  self->dark = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
  lay = ensure_layout (self, width, height);

  cairo_save (cr);
  draw_title (self, cr, width, &fg);

  if (lay->empty)
    {
      g_autoptr(PangoLayout) l = ink_chart_text (GTK_WIDGET (self), _("No data yet"), 1.0, FALSE);
      double tw, th;

      ink_chart_text_size (l, &tw, &th);
      set_source (cr, &fg, 0.45);
      show_text (cr, l, lay->px + (lay->pw - tw) / 2, lay->py + (lay->ph - th) / 2);
      cairo_restore (cr);
      return;
    }

  draw_axes (self, cr, lay, &fg);

  cairo_save (cr);
  cairo_rectangle (cr, lay->px + 1, lay->py - 3, lay->pw - 1, lay->ph + 3);
  cairo_clip (cr);
  /* thin curves underneath, then dashed overlays, then the main ones */
  for (int pass = 0; pass < 3; pass++)
    {
      static const InkChartStyle order[] = { INK_CHART_THIN, INK_CHART_DASHED, INK_CHART_SOLID };

      for (guint i = 0; i < self->series->len; i++)
        {
          Series *s = g_ptr_array_index (self->series, i);

          if (s->visible && s->style == order[pass])
            draw_series (self, cr, lay, s);
        }
    }
  cairo_restore (cr);

  draw_legend (self, cr, lay, &fg, &bg);
  if (with_hover)
    draw_hover (self, cr, lay, width, height, &fg, &bg);
  cairo_restore (cr);
}

void
ink_chart_draw (InkChart *self,
                cairo_t  *cr,
                int       width,
                int       height)
{
  g_return_if_fail (INK_IS_CHART (self));
  g_return_if_fail (cr != NULL);

  draw_internal (self, cr, width, height, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Hover                                                                     */

static gboolean
find_nearest (InkChart     *self,
              const InkChartLayout *lay,
              double        px,
              double        py,
              guint        *series_id,
              guint        *index)
{
  double best = INFINITY;
  gboolean found = FALSE;

  for (guint k = 0; k < self->series->len; k++)
    {
      Series *s = g_ptr_array_index (self->series, k);
      const Point *pts = (const Point *) (gpointer) s->points->data;
      guint n = s->points->len;
      double penalty = s->style == INK_CHART_THIN ? HOVER_THIN_PENALTY : 0;

      if (!s->visible || n == 0)
        continue;

#define CONSIDER(i) G_STMT_START {                                          \
        double dx = ink_chart_map_to_pixel (&lay->xmap, pts[i].x) - px;    \
        double dy = ink_chart_map_to_pixel (&lay->ymap, pts[i].y) - py;    \
        double d = sqrt (dx * dx + dy * dy) + penalty;                     \
        if (d < best)                                                      \
          {                                                                \
            best = d;                                                      \
            *series_id = s->id;                                            \
            *index = (i);                                                  \
            found = TRUE;                                                  \
          }                                                                \
      } G_STMT_END

      if (s->sorted)
        {
          /* start at the x nearest the pointer, walk out while x is close enough */
          double xd = ink_chart_map_to_data (&lay->xmap, px);
          guint lo = 0, hi = n;

          while (lo < hi)
            {
              guint mid = lo + (hi - lo) / 2;

              if (pts[mid].x < xd)
                lo = mid + 1;
              else
                hi = mid;
            }
          for (guint i = lo; i < n; i++)
            {
              if (fabs (ink_chart_map_to_pixel (&lay->xmap, pts[i].x) - px) + penalty > best)
                break;
              CONSIDER (i);
            }
          for (guint i = lo; i-- > 0;)
            {
              if (fabs (ink_chart_map_to_pixel (&lay->xmap, pts[i].x) - px) + penalty > best)
                break;
              CONSIDER (i);
            }
        }
      else
        {
          for (guint i = 0; i < n; i++)
            CONSIDER (i);
        }
#undef CONSIDER
    }
  return found;
}

static char *
format_x (double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (fabs (x - round (x)) < 1e-9)
    g_ascii_formatd (buf, sizeof buf, "%.0f", x);
  else
    g_ascii_formatd (buf, sizeof buf, "%.2f", x);
  return g_strdup (buf);
}

static void
hover_update (InkChart *self,
              double    x,
              double    y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  const InkChartLayout *lay;
  guint id = 0, index = 0;
  gboolean was_active = self->hover_active;
  guint old_id = self->hover_series, old_index = self->hover_index;

  self->pointer_x = x;
  self->pointer_y = y;
  if (width <= 0 || height <= 0)
    return;
  lay = ensure_layout (self, width, height);

  if (lay->empty
      || x < lay->px - 8 || x > lay->px + lay->pw + 8
      || y < lay->py - 8 || y > lay->py + lay->ph + 8
      || !find_nearest (self, lay, x, y, &id, &index))
    {
      hover_hide (self);
    }
  else
    {
      Series *s = find_series (self, id, NULL);
      Point *p = &g_array_index (s->points, Point, index);
      g_autofree char *xs = format_x (p->x);
      g_autofree char *ys = ink_chart_format_value (p->y, self->percent);

      self->hover_active = TRUE;
      self->hover_series = id;
      self->hover_index = index;
      g_free (self->hover_text);
      self->hover_text = g_strdup_printf ("%s\n%s %s\n%s",
                                          s->label ? s->label : "",
                                          self->x_label && *self->x_label ? self->x_label : "x",
                                          xs, ys);
    }

  if (was_active != self->hover_active
      || (self->hover_active && (old_id != self->hover_series || old_index != self->hover_index)))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           InkChart                 *self)
{
  hover_update (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *controller,
          InkChart                 *self)
{
  if (self->hover_active)
    {
      hover_hide (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* ------------------------------------------------------------------------ */
/* GtkWidget                                                                 */

static void
ink_chart_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  InkChart *self = INK_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  self->draw_count++;
  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  ink_chart_draw (self, cr, width, height);
  cairo_destroy (cr);
}

static void
ink_chart_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 480;
    }
  else
    {
      *minimum = 120;
      *natural = 300;
    }
}

static void
ink_chart_css_changed (GtkWidget         *widget,
                       GtkCssStyleChange *change)
{
  InkChart *self = INK_CHART (widget);

  GTK_WIDGET_CLASS (ink_chart_parent_class)->css_changed (widget, change);
  /* fonts and colours may have changed */
  ink_chart_layout_clear (&self->layout);
  gtk_widget_queue_draw (widget);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
ink_chart_dispose (GObject *object)
{
  InkChart *self = INK_CHART (object);

  g_clear_handle_id (&self->redraw_id, g_source_remove);
  while (self->x_peers->len > 0)
    {
      InkChart *peer = g_ptr_array_steal_index (self->x_peers, self->x_peers->len - 1);

      g_ptr_array_remove (peer->x_peers, self);
    }
  G_OBJECT_CLASS (ink_chart_parent_class)->dispose (object);
}

static void
ink_chart_finalize (GObject *object)
{
  InkChart *self = INK_CHART (object);

  ink_chart_layout_clear (&self->layout);
  g_ptr_array_unref (self->series);
  g_ptr_array_unref (self->x_peers);
  g_free (self->note);
  g_free (self->title);
  g_free (self->x_label);
  g_free (self->y_label);
  g_free (self->hover_text);
  G_OBJECT_CLASS (ink_chart_parent_class)->finalize (object);
}

static void
ink_chart_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  InkChart *self = INK_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_SCALE:
      g_value_set_boolean (value, self->log_scale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_chart_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  InkChart *self = INK_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_SCALE:
      ink_chart_set_log_scale (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_chart_class_init (InkChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ink_chart_dispose;
  object_class->finalize = ink_chart_finalize;
  object_class->get_property = ink_chart_get_property;
  object_class->set_property = ink_chart_set_property;

  widget_class->snapshot = ink_chart_snapshot;
  widget_class->measure = ink_chart_measure;
  widget_class->css_changed = ink_chart_css_changed;

  properties[PROP_LOG_SCALE] =
    g_param_spec_boolean ("log-scale", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "inkchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ink_chart_init (InkChart *self)
{
  GtkEventController *motion;

  self->series = g_ptr_array_new_with_free_func (series_free);
  self->x_peers = g_ptr_array_new ();
  self->next_id = 1;

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

InkChart *
ink_chart_new (void)
{
  return g_object_new (INK_TYPE_CHART, NULL);
}

void
ink_chart_set_title (InkChart   *self,
                     const char *title)
{
  g_return_if_fail (INK_IS_CHART (self));

  if (set_str (&self->title, title))
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title ? title : "",
                                      -1);
      changed_now (self);
    }
}

void
ink_chart_set_axis_labels (InkChart   *self,
                           const char *x_label,
                           const char *y_label)
{
  g_return_if_fail (INK_IS_CHART (self));

  set_str (&self->x_label, x_label);
  set_str (&self->y_label, y_label);
  changed_now (self);
}

void
ink_chart_set_percent (InkChart *self,
                       gboolean  percent)
{
  g_return_if_fail (INK_IS_CHART (self));

  percent = !!percent;
  if (self->percent == percent)
    return;
  self->percent = percent;
  changed_now (self);
}

guint
ink_chart_add_series (InkChart      *self,
                      const char    *label,
                      const GdkRGBA *color,
                      InkChartStyle  style,
                      gboolean       in_legend)
{
  Series *s;

  g_return_val_if_fail (INK_IS_CHART (self), 0);

  s = g_new0 (Series, 1);
  s->id = self->next_id++;
  s->label = g_strdup (label);
  if (color)
    s->color = *color;
  else
    ink_chart_palette (self->next_color++, &s->color);
  s->style = style;
  s->in_legend = in_legend;
  s->visible = TRUE;
  s->points = g_array_new (FALSE, FALSE, sizeof (Point));
  s->smooth = g_array_new (FALSE, FALSE, sizeof (double));
  series_reset_range (s);
  g_ptr_array_add (self->series, s);
  changed_now (self);
  return s->id;
}

void
ink_chart_series_append (InkChart *self,
                         guint     id,
                         double    x,
                         double    y)
{
  Series *s;
  Point p = { x, y };

  g_return_if_fail (INK_IS_CHART (self));
  s = find_series (self, id, NULL);
  g_return_if_fail (s != NULL);

  if (!isfinite (x) || !isfinite (y))
    return;
  if (s->points->len > 0 && x < g_array_index (s->points, Point, s->points->len - 1).x)
    s->sorted = FALSE;
  g_array_append_val (s->points, p);
  series_smooth_append (s, y);
  s->xmin = MIN (s->xmin, x);
  s->xmax = MAX (s->xmax, x);
  s->ymin = MIN (s->ymin, y);
  s->ymax = MAX (s->ymax, y);
  if (s->visible)
    schedule_redraw (self);
}

void
ink_chart_series_clear (InkChart *self,
                        guint     id)
{
  Series *s;

  g_return_if_fail (INK_IS_CHART (self));
  s = find_series (self, id, NULL);
  g_return_if_fail (s != NULL);

  g_array_set_size (s->points, 0);
  series_reset_range (s);
  if (self->hover_series == id)
    hover_hide (self);
  changed_now (self);
}

void
ink_chart_series_set_visible (InkChart *self,
                              guint     id,
                              gboolean  visible)
{
  Series *s;

  g_return_if_fail (INK_IS_CHART (self));
  s = find_series (self, id, NULL);
  g_return_if_fail (s != NULL);

  visible = !!visible;
  if (s->visible == visible)
    return;
  s->visible = visible;
  if (!visible && self->hover_series == id)
    hover_hide (self);
  changed_now (self);
}

void
ink_chart_remove_series (InkChart *self,
                         guint     id)
{
  guint index;

  g_return_if_fail (INK_IS_CHART (self));
  if (!find_series (self, id, &index))
    {
      g_return_if_reached ();
    }
  g_ptr_array_remove_index (self->series, index);
  if (self->hover_series == id)
    hover_hide (self);
  changed_now (self);
}

void
ink_chart_clear (InkChart *self)
{
  g_return_if_fail (INK_IS_CHART (self));

  g_ptr_array_set_size (self->series, 0);
  self->next_color = 0;
  hover_hide (self);
  changed_now (self);
}

guint
ink_chart_get_n_points (InkChart *self,
                        guint     id)
{
  Series *s;

  g_return_val_if_fail (INK_IS_CHART (self), 0);
  s = find_series (self, id, NULL);
  return s ? s->points->len : 0;
}

void
ink_chart_set_log_scale (InkChart *self,
                         gboolean  log_scale)
{
  g_return_if_fail (INK_IS_CHART (self));

  log_scale = !!log_scale;
  if (self->log_scale == log_scale)
    return;
  self->log_scale = log_scale;
  changed_now (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_SCALE]);
}

void
ink_chart_set_integer_x (InkChart *self,
                         gboolean  integer_x)
{
  g_return_if_fail (INK_IS_CHART (self));

  integer_x = !!integer_x;
  if (self->integer_x == integer_x)
    return;
  self->integer_x = integer_x;
  changed_now (self);
}

gboolean
ink_chart_get_integer_x (InkChart *self)
{
  g_return_val_if_fail (INK_IS_CHART (self), FALSE);
  return self->integer_x;
}

gboolean
ink_chart_get_log_scale (InkChart *self)
{
  g_return_val_if_fail (INK_IS_CHART (self), FALSE);
  return self->log_scale;
}

gboolean
ink_chart_export_png (InkChart    *self,
                      const char  *path,
                      int          width,
                      int          height,
                      GError     **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  GdkRGBA bg;

  g_return_val_if_fail (INK_IS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (width <= 0 || height <= 0)
    {
      width = gtk_widget_get_width (GTK_WIDGET (self));
      height = gtk_widget_get_height (GTK_WIDGET (self));
      if (width <= 0 || height <= 0)
        {
          width = 800;
          height = 500;
        }
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  get_colors (self, NULL, &bg);
  set_source (cr, &bg, 1.0);
  cairo_paint (cr);
  draw_internal (self, cr, width, height, FALSE);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    {
      gboolean ok = ink_cairo_save_png (surface, path, error);
      cairo_surface_destroy (surface);
      return ok;
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the chart to “%s”: %s"),
                   name, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

const char *
ink_chart_get_hover_text (InkChart *self)
{
  g_return_val_if_fail (INK_IS_CHART (self), NULL);
  return self->hover_active ? self->hover_text : NULL;
}

guint
ink_chart_get_draw_count (InkChart *self)
{
  g_return_val_if_fail (INK_IS_CHART (self), 0);
  return self->draw_count;
}

gboolean
ink_chart_get_redraw_pending (InkChart *self)
{
  g_return_val_if_fail (INK_IS_CHART (self), FALSE);
  return self->redraw_id != 0;
}

gboolean
ink_chart_get_effective_log_scale (InkChart *self)
{
  double xlo, xhi, ylo, yhi;

  g_return_val_if_fail (INK_IS_CHART (self), FALSE);
  if (!self->log_scale || !data_ranges (self, &xlo, &xhi, &ylo, &yhi))
    return FALSE;
  return ylo > 0;
}

gboolean
ink_chart_data_to_widget (InkChart *self,
                          double    x,
                          double    y,
                          double   *wx,
                          double   *wy)
{
  const InkChartLayout *lay;
  int width, height;

  g_return_val_if_fail (INK_IS_CHART (self), FALSE);

  if (self->layout.valid && self->layout.generation == self->generation)
    {
      width = self->layout.width;
      height = self->layout.height;
    }
  else
    {
      width = gtk_widget_get_width (GTK_WIDGET (self));
      height = gtk_widget_get_height (GTK_WIDGET (self));
    }
  if (width <= 0 || height <= 0)
    return FALSE;
  lay = ensure_layout (self, width, height);
  if (lay->empty)
    return FALSE;
  if (wx)
    *wx = ink_chart_map_to_pixel (&lay->xmap, x);
  if (wy)
    *wy = ink_chart_map_to_pixel (&lay->ymap, y);
  return TRUE;
}

void
ink_chart_series_set_smoothing (InkChart *self,
                                guint     id,
                                double    smoothing)
{
  Series *s;

  g_return_if_fail (INK_IS_CHART (self));
  s = find_series (self, id, NULL);
  g_return_if_fail (s != NULL);

  smoothing = isfinite (smoothing) ? CLAMP (smoothing, 0.0, 0.999) : 0.0;
  if (s->smoothing == smoothing)
    return;
  s->smoothing = smoothing;
  series_smooth_recompute (s);
  changed_now (self);
}

double
ink_chart_series_get_smoothed (InkChart *self,
                               guint     id,
                               guint     index)
{
  Series *s;

  g_return_val_if_fail (INK_IS_CHART (self), NAN);
  s = find_series (self, id, NULL);
  g_return_val_if_fail (s != NULL, NAN);
  if (index >= s->smooth->len)
    return NAN;
  return g_array_index (s->smooth, double, index);
}

void
ink_chart_set_note (InkChart   *self,
                    const char *note)
{
  g_return_if_fail (INK_IS_CHART (self));

  if (set_str (&self->note, note && *note ? note : NULL))
    changed_now (self);
}

const char *
ink_chart_get_note (InkChart *self)
{
  g_return_val_if_fail (INK_IS_CHART (self), NULL);
  return self->note;
}

void
ink_chart_share_x_range (InkChart *self,
                         InkChart *other)
{
  g_return_if_fail (INK_IS_CHART (self));
  g_return_if_fail (INK_IS_CHART (other));
  g_return_if_fail (self != other);

  if (g_ptr_array_find (self->x_peers, other, NULL))
    return;
  /* each clears itself from the other in dispose */
  g_ptr_array_add (self->x_peers, other);
  g_ptr_array_add (other->x_peers, self);
  changed_now (self);
}

gboolean
ink_chart_get_x_range (InkChart *self,
                       double   *lo,
                       double   *hi)
{
  double xlo, xhi, ylo, yhi;

  g_return_val_if_fail (INK_IS_CHART (self), FALSE);
  if (!data_ranges (self, &xlo, &xhi, &ylo, &yhi))
    return FALSE;
  if (lo)
    *lo = xlo;
  if (hi)
    *hi = xhi;
  return TRUE;
}

gboolean
ink_chart_get_plot_area (InkChart        *self,
                         graphene_rect_t *area)
{
  const InkChartLayout *lay;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_val_if_fail (INK_IS_CHART (self), FALSE);
  if (self->layout.valid && self->layout.generation == self->generation)
    {
      width = self->layout.width;
      height = self->layout.height;
    }
  if (width <= 0 || height <= 0)
    return FALSE;
  lay = ensure_layout (self, width, height);
  graphene_rect_init (area, lay->px, lay->py, lay->pw, lay->ph);
  return !lay->empty;
}

gboolean
ink_chart_export_stack_png (InkChart   **charts,
                            guint        n_charts,
                            const char  *title,
                            const char  *path,
                            int          width,
                            int          height,
                            GError     **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  GdkRGBA fg, bg;
  double title_h = 0, y;
  gboolean ok;

  g_return_val_if_fail (n_charts > 0 && INK_IS_CHART (charts[0]), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  /* the background the style's text reads on: light text, dark background */
  get_colors (charts[0], &fg, &bg);
  set_source (cr, &bg, 1.0);
  cairo_paint (cr);
  if (title && *title)
    {
      g_autoptr(PangoLayout) l = ink_chart_text (GTK_WIDGET (charts[0]), title, 1.3, TRUE);
      double tw;

      pango_layout_set_width (l, (int) MAX (1, width - 4 * INK_CHART_MARGIN) * PANGO_SCALE);
      pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_MIDDLE);
      ink_chart_text_size (l, &tw, &title_h);
      set_source (cr, &fg, 1.0);
      show_text (cr, l, (width - tw) / 2, 2 * INK_CHART_MARGIN);
      title_h += 3 * INK_CHART_MARGIN;
    }
  y = title_h;
  for (guint i = 0; i < n_charts; i++)
    {
      int h = (int) ((height - title_h) / n_charts);

      cairo_save (cr);
      cairo_translate (cr, 0, y);
      draw_internal (charts[i], cr, width, h, FALSE);
      cairo_restore (cr);
      y += h;
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_filename_display_name (path);

      cairo_surface_destroy (surface);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the chart to “%s”: %s"),
                   name, cairo_status_to_string (status));
      return FALSE;
    }
  ok = ink_cairo_save_png (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}

char **
ink_chart_get_legend_labels (InkChart *self)
{
  GPtrArray *labels;

  g_return_val_if_fail (INK_IS_CHART (self), NULL);
  labels = g_ptr_array_new ();
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (in_legend (s))
        g_ptr_array_add (labels, g_strdup (s->label));
    }
  g_ptr_array_add (labels, NULL);
  return (char **) g_ptr_array_free (labels, FALSE);
}
