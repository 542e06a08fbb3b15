/* ink-chart-layout.c
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

/* The chart's layout: the plot area, its ticks and the room their labels
 * need, and where the legend goes, worked out in steps; and the chart's
 * text helpers. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ink-chart-layout.h"

#define X_INSET         6.0   /* keeps the first and last points off the y axis */
#define Y_PAD_FRACTION  0.05
#define LEGEND_ROW_GAP  14.0

/* ------------------------------------------------------------------------ */
/* Text                                                                      */

PangoLayout *
ink_chart_text (GtkWidget  *widget,
                const char *text,
                double      scale,
                gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  const PangoFontDescription *base = pango_context_get_font_description (pango_layout_get_context (layout));
  PangoFontDescription *fd = base ? pango_font_description_copy (base) : pango_font_description_from_string ("Sans 10");
  int size = pango_font_description_get_size (fd);

  if (size <= 0)
    size = 10 * PANGO_SCALE;
  size = (int) (size * scale);
  if (pango_font_description_get_size_is_absolute (fd))
    pango_font_description_set_absolute_size (fd, size);
  else
    pango_font_description_set_size (fd, size);
  if (bold)
    pango_font_description_set_weight (fd, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, fd);
  pango_font_description_free (fd);
  return layout;
}

void
ink_chart_text_size (PangoLayout *layout,
                     double      *w,
                     double      *h)
{
  int iw, ih;

  pango_layout_get_pixel_size (layout, &iw, &ih);
  if (w)
    *w = iw;
  if (h)
    *h = ih;
}

const char *
ink_chart_fallback_note (void)
{
  return _("Linear scale: values ≤ 0");
}

PangoLayout *
ink_chart_legend_text (GtkWidget  *widget,
                       const char *text,
                       double      max_w,
                       gboolean    note)
{
  PangoLayout *l = ink_chart_text (widget, text,
                                   note ? INK_CHART_LEGEND_SCALE * 0.95 : INK_CHART_LEGEND_SCALE, FALSE);

  if (max_w > 0)
    {
      pango_layout_set_width (l, (int) (max_w * PANGO_SCALE));
      pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
    }
  return l;
}

static double
text_height (GtkWidget  *widget,
             const char *text,
             double      scale,
             gboolean    bold)
{
  g_autoptr(PangoLayout) l = ink_chart_text (widget, text, scale, bold);
  double h;

  ink_chart_text_size (l, NULL, &h);
  return h;
}

static double
tick_label_width (const InkChartLayoutSource *src,
                  GArray                     *ticks,
                  double                      step,
                  gboolean                    y)
{
  double max_w = 0;

  for (guint i = 0; i < ticks->len; i++)
    {
      InkChartTick *t = &g_array_index (ticks, InkChartTick, i);
      g_autofree char *s = NULL;
      g_autoptr(PangoLayout) l = NULL;
      double w;

      if (!t->major)
        continue;
      s = ink_chart_format_tick (t->value, step, y && src->percent);
      l = ink_chart_text (src->widget, s, INK_CHART_TICK_SCALE, FALSE);
      ink_chart_text_size (l, &w, NULL);
      max_w = MAX (max_w, w);
    }
  return max_w;
}

/* ------------------------------------------------------------------------ */
/* The legend's entries                                                      */

/* the widest a legend entry's text gets (then it is ellipsized): a legend
 * never takes the plot's room */
static double
legend_text_max (int width)
{
  return CLAMP (width * 0.3, 120, 320);
}

/* Places the legend entries: in a column (flow_width ≤ 0) or in rows that
 * wrap at flow_width.  Returns FALSE when there is nothing to show. */
static gboolean
legend_arrange (const InkChartLayoutSource *src,
                gboolean                    fallback,
                double                      flow_width,
                double                      text_max,
                GArray                     *entries,
                double                     *w,
                double                     *h)
{
  double x = 0, y = 0, row_h = 0, max_w = 0;
  gboolean flow = flow_width > 0;
  double pad = flow ? 0 : INK_CHART_LEGEND_PAD;

  g_array_set_size (entries, 0);
  for (guint i = 0; i < src->n_items + 2; i++)
    {
      const InkChartLegendItem *item = i < src->n_items ? &src->items[i] : NULL;
      g_autoptr(PangoLayout) l = NULL;
      InkChartLegendEntry e;
      double tw, th, ew;
      guint id;

      if (i == src->n_items && !fallback)
        continue;
      if (i == src->n_items + 1 && !(src->note && *src->note))
        continue;
      if (item)
        {
          l = ink_chart_legend_text (src->widget, item->label, text_max, FALSE);
          ink_chart_text_size (l, &tw, &th);
          ew = INK_CHART_LEGEND_SAMPLE + INK_CHART_LEGEND_GAP + tw;
          id = item->id;
        }
      else
        {
          gboolean is_note = i == src->n_items + 1;

          l = ink_chart_legend_text (src->widget, is_note ? src->note : ink_chart_fallback_note (),
                                     is_note && flow ? flow_width : text_max, TRUE);
          ink_chart_text_size (l, &tw, &th);
          ew = tw;
          id = is_note ? INK_CHART_NOTE_ID : 0;
        }

      if (flow)
        {
          if (x > 0 && x + ew > flow_width)
            {
              x = 0;
              y += row_h;
              row_h = 0;
            }
          e = (InkChartLegendEntry) { id, x, y };
          x += ew + LEGEND_ROW_GAP;
          row_h = MAX (row_h, th);
          max_w = MAX (max_w, x - LEGEND_ROW_GAP);
        }
      else
        {
          e = (InkChartLegendEntry) { id, pad, pad + y };
          y += th;
          max_w = MAX (max_w, ew);
        }
      g_array_append_val (entries, e);
    }

  if (entries->len == 0)
    {
      *w = *h = 0;
      return FALSE;
    }
  *w = max_w + 2 * pad;
  *h = (flow ? y + row_h : y) + 2 * pad;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The steps                                                                 */

void
ink_chart_layout_clear (InkChartLayout *lay)
{
  g_clear_pointer (&lay->xticks, g_array_unref);
  g_clear_pointer (&lay->yticks, g_array_unref);
  g_clear_pointer (&lay->entries, g_array_unref);
  lay->valid = FALSE;
}

/* a fresh layout with the heights of a tick label and of the title */
static void
start_layout (InkChartLayout             *lay,
              const InkChartLayoutSource *src,
              int                         width,
              int                         height)
{
  ink_chart_layout_clear (lay);
  lay->valid = TRUE;
  lay->width = width;
  lay->height = height;
  lay->legend = INK_CHART_LEGEND_NONE;
  lay->log = lay->log_fallback = FALSE;
  lay->entries = g_array_new (FALSE, FALSE, sizeof (InkChartLegendEntry));

  lay->tick_h = text_height (src->widget, "0123456789", INK_CHART_TICK_SCALE, FALSE);
  lay->title_h = 0;
  if (src->title && *src->title)
    lay->title_h = text_height (src->widget, src->title, INK_CHART_TITLE_SCALE, TRUE) + 6;
}

/* no data: the plot takes what the title leaves */
static void
place_empty_plot (InkChartLayout *lay,
                  int             width,
                  int             height)
{
  lay->px = INK_CHART_MARGIN;
  lay->py = INK_CHART_MARGIN + lay->title_h;
  lay->pw = MAX (1, width - 2 * INK_CHART_MARGIN);
  lay->ph = MAX (1, height - 2 * INK_CHART_MARGIN - lay->title_h);
}

/* log or linear y; the ranges padded (y) and widened when empty (x) */
static void
axis_ranges (InkChartLayout             *lay,
             const InkChartLayoutSource *src,
             double                     *xlo,
             double                     *xhi,
             double                     *ylo,
             double                     *yhi)
{
  if (src->log_scale)
    {
      if (*ylo > 0)
        lay->log = TRUE;
      else
        lay->log_fallback = TRUE;
    }
  ink_chart_pad_range (ylo, yhi, Y_PAD_FRACTION, lay->log);
  if (!(*xhi > *xlo))
    {
      *xlo -= 0.5;
      *xhi += 0.5;
    }
}

/* the x label's height and the (turned) y label's width */
static void
measure_axis_labels (InkChartLayout             *lay,
                     const InkChartLayoutSource *src)
{
  lay->xlabel_h = 0;
  if (src->x_label && *src->x_label)
    lay->xlabel_h = text_height (src->widget, src->x_label, INK_CHART_TICK_SCALE, FALSE) + 4;
  lay->ylabel_w = 0;
  if (src->y_label && *src->y_label)
    lay->ylabel_w = text_height (src->widget, src->y_label, INK_CHART_TICK_SCALE, FALSE) + 6;
}

/* The legend: inside when it is small next to the plot, else outside
 * right, else (narrow) in rows above the plot.  Sets its entries and size
 * (and its place, for rows above); returns the plot's top. */
static double
choose_legend_place (InkChartLayout             *lay,
                     const InkChartLayoutSource *src,
                     int                         width,
                     double                      top,
                     double                      bottom,
                     gboolean                    force_outside)
{
  double legend_w, legend_h;
  double pw, ph;
  gboolean big;

  lay->text_max = legend_text_max (width);
  if (!legend_arrange (src, lay->log_fallback, 0, lay->text_max, lay->entries, &legend_w, &legend_h))
    return top;

  pw = width - 2 * INK_CHART_MARGIN - lay->ylabel_w - 50;   /* about */
  ph = bottom - top;
  big = legend_w > pw * 0.4 || legend_h > ph * 0.6;

  /* outside right only while the plot keeps three quarters of the width */
  if (!big && !force_outside)
    lay->legend = INK_CHART_LEGEND_INSIDE;
  else if (legend_w + 12 <= pw * 0.25 && legend_h <= ph)
    lay->legend = INK_CHART_LEGEND_OUTSIDE;
  else
    {
      lay->legend = INK_CHART_LEGEND_TOP;
      /* rows that wrap: an entry may take a whole row */
      lay->text_max = MAX (lay->text_max,
                           width - 2 * INK_CHART_MARGIN - INK_CHART_LEGEND_SAMPLE - INK_CHART_LEGEND_GAP);
      legend_arrange (src, lay->log_fallback, width - 2 * INK_CHART_MARGIN, lay->text_max,
                      lay->entries, &legend_w, &legend_h);
      lay->lx = MAX (INK_CHART_MARGIN, (width - legend_w) / 2);
      lay->ly = INK_CHART_MARGIN + lay->title_h;
      top += legend_h + 4;
    }
  lay->lw = legend_w;
  lay->lh = legend_h;
  return top;
}

/* y ticks, fewer until their labels stand at least 1.5 lines apart */
static void
place_y_ticks (InkChartLayout *lay,
               double          ylo,
               double          yhi)
{
  guint target = (guint) CLAMP (lay->ph / 32, 2, 12);

  for (;;)
    {
      guint n_major = 0;

      g_clear_pointer (&lay->yticks, g_array_unref);
      if (lay->log)
        {
          lay->yticks = ink_chart_log_ticks (ylo, yhi, target);
          lay->ystep = 0;
        }
      else
        lay->yticks = ink_chart_linear_ticks (ylo, yhi, target, &lay->ystep);
      for (guint i = 0; i < lay->yticks->len; i++)
        n_major += g_array_index (lay->yticks, InkChartTick, i).major;
      if (n_major * lay->tick_h * 1.5 <= lay->ph || target <= 2)
        break;
      target--;
    }
}

/* the plot's left and right: the y labels' room, the legend outside */
static void
place_plot_columns (InkChartLayout             *lay,
                    const InkChartLayoutSource *src,
                    int                         width)
{
  double tick_w = tick_label_width (src, lay->yticks, lay->ystep, TRUE);
  double left = INK_CHART_MARGIN + lay->ylabel_w + tick_w + INK_CHART_TICK_LEN + 4;
  double right = width - INK_CHART_MARGIN - 8;   /* room for half the last x label */

  if (lay->legend == INK_CHART_LEGEND_OUTSIDE)
    right -= lay->lw + 12;

  lay->px = left;
  lay->pw = MAX (10, right - left);
}

/* x ticks, fewer until their labels do not collide */
static void
place_x_ticks (InkChartLayout             *lay,
               const InkChartLayoutSource *src,
               double                      xlo,
               double                      xhi)
{
  guint target = (guint) CLAMP (lay->pw / 70, 2, 15);

  for (;;)
    {
      double label_w, spacing;

      g_clear_pointer (&lay->xticks, g_array_unref);
      lay->xticks = ink_chart_linear_ticks (xlo, xhi, target, &lay->xstep);
      label_w = tick_label_width (src, lay->xticks, lay->xstep, FALSE);
      spacing = lay->xstep * (lay->pw - 2 * X_INSET) / (xhi - xlo);
      if (label_w + 12 <= spacing || target <= 2)
        break;
      target--;
    }
  /* epochs 1..3 get ticks 1, 2, 3, never 1.5 */
  if (src->integer_x && lay->xstep < 1.0)
    {
      GArray *whole = ink_chart_integer_ticks (xlo, xhi);

      if (whole->len > 0)
        {
          g_array_unref (lay->xticks);
          lay->xticks = whole;
          lay->xstep = 1.0;
        }
      else
        g_array_unref (whole);
    }
}

/* The legend box beside the plot, or inside it in the corner hiding the
 * fewest points (top right wins ties).  FALSE when every corner hides
 * data: then it should go outside. */
static gboolean
place_legend_box (InkChartLayout             *lay,
                  const InkChartLayoutSource *src)
{
  const double inset = 8;
  double xs[2], ys[2];
  double best = INFINITY;

  if (lay->legend == INK_CHART_LEGEND_OUTSIDE)
    {
      lay->lx = lay->px + lay->pw + 12;
      lay->ly = lay->py;
      return TRUE;
    }
  if (lay->legend != INK_CHART_LEGEND_INSIDE)
    return TRUE;

  xs[0] = lay->px + lay->pw - inset - lay->lw;
  xs[1] = lay->px + inset;
  ys[0] = lay->py + inset;
  ys[1] = lay->py + lay->ph - inset - lay->lh;
  for (guint cy = 0; cy < 2; cy++)
    for (guint cx = 0; cx < 2; cx++)
      {
        /* a margin around the box: keep clear of lines that pass close */
        double n = src->data_in_rect (src->data, lay, xs[cx] - 16, ys[cy] - 16, lay->lw + 32, lay->lh + 32);

        if (n < best)
          {
            best = n;
            lay->lx = xs[cx];
            lay->ly = ys[cy];
          }
      }
  return src->data_in_rect (src->data, lay, lay->lx, lay->ly, lay->lw, lay->lh) <= 0;
}

static void
compute (InkChartLayout             *lay,
         const InkChartLayoutSource *src,
         int                         width,
         int                         height,
         gboolean                    force_outside)
{
  double xlo = src->xlo, xhi = src->xhi, ylo = src->ylo, yhi = src->yhi;
  double top, bottom;

  start_layout (lay, src, width, height);
  lay->empty = !src->has_data;
  if (lay->empty)
    {
      place_empty_plot (lay, width, height);
      return;
    }
  axis_ranges (lay, src, &xlo, &xhi, &ylo, &yhi);
  measure_axis_labels (lay, src);

  /* vertical: title, (legend rows,) plot, tick labels, x label */
  top = INK_CHART_MARGIN + lay->title_h + lay->tick_h / 2;
  bottom = height - INK_CHART_MARGIN - lay->xlabel_h - lay->tick_h - INK_CHART_TICK_LEN - 2;
  lay->py = choose_legend_place (lay, src, width, top, bottom, force_outside);
  lay->ph = MAX (10, bottom - lay->py);

  /* horizontal: y labels and ticks, plot, legend outside */
  place_y_ticks (lay, ylo, yhi);
  place_plot_columns (lay, src, width);
  place_x_ticks (lay, src, xlo, xhi);

  ink_chart_map_init (&lay->xmap, xlo, xhi, lay->px + X_INSET, lay->px + lay->pw - X_INSET, FALSE);
  ink_chart_map_init (&lay->ymap, ylo, yhi, lay->py + lay->ph, lay->py, lay->log);

  /* every corner hides data: outside right if there is room */
  if (!place_legend_box (lay, src) && !force_outside)
    compute (lay, src, width, height, TRUE);
}

void
ink_chart_layout_compute (InkChartLayout             *lay,
                          const InkChartLayoutSource *src,
                          int                         width,
                          int                         height)
{
  g_return_if_fail (lay != NULL && src != NULL);

  compute (lay, src, width, height, FALSE);
}
