/* ink-chart.h
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

/* A live line chart (loss, accuracy): series, styles, log scale, shared
 * x ranges, hover, PNG export. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  INK_CHART_SOLID,    /* 2 px line, dots at the points when they are far apart */
  INK_CHART_DASHED,   /* 1.5 px dashed line */
  INK_CHART_THIN,     /* 1 px, semi-transparent: per-minibatch curves and overlays; drawn below the others */
} InkChartStyle;

#define INK_TYPE_CHART (ink_chart_get_type ())
G_DECLARE_FINAL_TYPE (InkChart, ink_chart, INK, CHART, GtkWidget)

/* A multi-series line chart drawn with Cairo.  Appending points does not
 * redraw at once: redraws are coalesced to at most ~10 per second. */
InkChart *ink_chart_new              (void);
void      ink_chart_set_title        (InkChart      *self,
                                      const char    *title);
void      ink_chart_set_axis_labels  (InkChart      *self,
                                      const char    *x_label,
                                      const char    *y_label);
/* y values in [0,1] shown as percentages */
void      ink_chart_set_percent      (InkChart      *self,
                                      gboolean       percent);

/* Returns an id > 0.  color NULL: the next palette colour. */
guint     ink_chart_add_series       (InkChart      *self,
                                      const char    *label,
                                      const GdkRGBA *color,
                                      InkChartStyle  style,
                                      gboolean       in_legend);
/* NaN / Inf points are skipped */
void      ink_chart_series_append    (InkChart      *self,
                                      guint          id,
                                      double         x,
                                      double         y);
void      ink_chart_series_clear     (InkChart      *self,
                                      guint          id);
/* a hidden series is not drawn, not in the legend, not in the ranges, not hovered */
void      ink_chart_series_set_visible (InkChart    *self,
                                      guint          id,
                                      gboolean       visible);
void      ink_chart_remove_series    (InkChart      *self,
                                      guint          id);
/* removes every series */
void      ink_chart_clear            (InkChart      *self);
guint     ink_chart_get_n_points     (InkChart      *self,
                                      guint          id);

/* property "log-scale": a log y axis.  When some visible y ≤ 0 the chart
 * falls back to a linear axis and says so in the legend. */
void      ink_chart_set_log_scale    (InkChart      *self,
                                      gboolean       log_scale);
gboolean  ink_chart_get_log_scale    (InkChart      *self);

/* The x axis counts something (epochs): its ticks are whole numbers, never
 * 1.5 (a finer step than 1 becomes a tick at every integer). */
void      ink_chart_set_integer_x    (InkChart      *self,
                                      gboolean       integer_x);
gboolean  ink_chart_get_integer_x    (InkChart      *self);

/* Renders the chart (opaque background following the style) to a PNG. */
gboolean  ink_chart_export_png       (InkChart      *self,
                                      const char    *path,
                                      int            width,
                                      int            height,
                                      GError       **error);
/* What the snapshot draws (transparent background). */
void      ink_chart_draw             (InkChart      *self,
                                      cairo_t       *cr,
                                      int            width,
                                      int            height);

/* A smoothed series is drawn as its debiased exponential moving average
 * (weight `smoothing` in [0, 1), 0: none) over its raw points, drawn faint;
 * for the per-minibatch loss. */
void      ink_chart_series_set_smoothing (InkChart  *self,
                                      guint          id,
                                      double         smoothing);
/* the moving average at a point (NaN out of range) */
double    ink_chart_series_get_smoothed (InkChart   *self,
                                      guint          id,
                                      guint          index);
/* A sentence shown in the legend, in italics (NULL: none): for example why
 * some overlay is not drawn. */
void      ink_chart_set_note         (InkChart      *self,
                                      const char    *note);
const char *ink_chart_get_note       (InkChart      *self);
/* The two charts' x axes span the same range: the union of their data's. */
void      ink_chart_share_x_range    (InkChart      *self,
                                      InkChart      *other);
/* the x range of the data the axis spans (peers included); FALSE when empty */
gboolean  ink_chart_get_x_range      (InkChart      *self,
                                      double        *lo,
                                      double        *hi);
/* the plot area (without axes, title and legend) in the widget's (or the
 * last drawn) geometry; FALSE when there is no data */
gboolean  ink_chart_get_plot_area    (InkChart      *self,
                                      graphene_rect_t *area);
/* Charts one above the other in a PNG, under a bold title (NULL: none), on
 * the background of the first chart's style. */
gboolean  ink_chart_export_stack_png (InkChart     **charts,
                                      guint          n_charts,
                                      const char    *title,
                                      const char    *path,
                                      int            width,
                                      int            height,
                                      GError       **error);

/* for tests: the labels the legend lists (NULL-terminated, g_strfreev) */
char    **ink_chart_get_legend_labels (InkChart     *self);

/* A default palette (cycles after 10): distinguishable on light and dark. */
void      ink_chart_palette          (guint          index,
                                      GdkRGBA       *out);

/* For tests: the hover read-out ("label\nx-label x\ny"), NULL when hidden;
 * how many times the widget snapshotted; whether a coalesced redraw is
 * pending; whether the y axis is drawn logarithmic right now; where a data
 * point lies in the last drawn (or the widget's) geometry. */
const char *ink_chart_get_hover_text (InkChart      *self);
guint     ink_chart_get_draw_count   (InkChart      *self);
gboolean  ink_chart_get_redraw_pending (InkChart    *self);
gboolean  ink_chart_get_effective_log_scale (InkChart *self);
gboolean  ink_chart_data_to_widget   (InkChart      *self,
                                      double         x,
                                      double         y,
                                      double        *wx,
                                      double        *wy);

G_END_DECLS
