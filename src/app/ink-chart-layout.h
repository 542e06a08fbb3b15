/* ink-chart-layout.h
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

/* Where the chart widget puts things for one size and one state of its
 * data: the plot area, the ticks and the room their labels need, and the
 * legend's place (ink-chart-layout.c); and the text helpers the layout and
 * the drawing measure with.  Private to ink-chart.c. */

#pragma once

#include <gtk/gtk.h>
#include "ink-chart-scale.h"

G_BEGIN_DECLS

#define INK_CHART_MARGIN        8.0
#define INK_CHART_TICK_LEN      4.0

#define INK_CHART_TICK_SCALE    0.85
#define INK_CHART_LEGEND_SCALE  0.9
#define INK_CHART_TITLE_SCALE   1.0

#define INK_CHART_LEGEND_PAD    6.0
#define INK_CHART_LEGEND_SAMPLE 22.0
#define INK_CHART_LEGEND_GAP    6.0

#define INK_CHART_NOTE_ID       G_MAXUINT   /* the legend entry of the chart's note */

typedef enum
{
  INK_CHART_LEGEND_NONE,
  INK_CHART_LEGEND_INSIDE,    /* a boxed column in the emptiest corner of the plot */
  INK_CHART_LEGEND_OUTSIDE,   /* a column right of the plot */
  INK_CHART_LEGEND_TOP,       /* rows between the title and the plot (narrow charts) */
} InkChartLegendPlace;

typedef struct
{
  guint  id;        /* series id; 0: the log fallback note; INK_CHART_NOTE_ID: the note */
  double x, y;      /* relative to the legend's origin */
} InkChartLegendEntry;

/* Everything about where things go for one size and one state of the data. */
typedef struct
{
  gboolean     valid;
  int          width, height;
  guint        generation;     /* the chart's, when this was computed (the chart sets it) */
  gboolean     empty;
  gboolean     log;            /* the y axis is drawn logarithmic */
  gboolean     log_fallback;   /* log asked for, but some y ≤ 0 */
  double       px, py, pw, ph; /* the plot area */
  InkChartMap  xmap, ymap;
  GArray      *xticks, *yticks;
  double       xstep, ystep;
  double       tick_h;         /* height of a tick label */
  double       title_h, xlabel_h, ylabel_w;
  InkChartLegendPlace legend;
  double       text_max;       /* the widest a legend entry's text gets */
  double       lx, ly, lw, lh; /* the legend box */
  GArray      *entries;        /* InkChartLegendEntry */
} InkChartLayout;

/* A series named in the legend */
typedef struct
{
  guint       id;
  const char *label;
} InkChartLegendItem;

/* How much of the data lies in a rectangle (in pixels, mapped with the
 * layout's xmap and ymap) */
typedef double (*InkChartDataInRect) (gpointer              data,
                                      const InkChartLayout *lay,
                                      double                x,
                                      double                y,
                                      double                w,
                                      double                h);

/* What the layout is computed from: the chart's texts and options, the
 * ranges of its visible data (has_data FALSE when there is none), the
 * series shown in the legend in order, and how to count the data under a
 * legend box. */
typedef struct
{
  GtkWidget                *widget;        /* makes the text layouts */
  const char               *title;
  const char               *x_label;
  const char               *y_label;
  const char               *note;
  gboolean                  percent;
  gboolean                  log_scale;
  gboolean                  integer_x;
  gboolean                  has_data;
  double                    xlo, xhi, ylo, yhi;
  const InkChartLegendItem *items;
  guint                     n_items;
  InkChartDataInRect        data_in_rect;
  gpointer                  data;
} InkChartLayoutSource;

/* Frees the ticks and legend entries; the layout is then invalid. */
void         ink_chart_layout_clear   (InkChartLayout             *lay);
/* Computes lay (cleared first) for a chart of width × height pixels. */
void         ink_chart_layout_compute (InkChartLayout             *lay,
                                       const InkChartLayoutSource *src,
                                       int                         width,
                                       int                         height);

/* Text in the widget's font, scaled, optionally bold */
PangoLayout *ink_chart_text           (GtkWidget   *widget,
                                       const char  *text,
                                       double       scale,
                                       gboolean     bold);
/* the pixel size (either may be NULL) */
void         ink_chart_text_size      (PangoLayout *layout,
                                       double      *w,
                                       double      *h);
/* A legend entry's text, ellipsized at max_w (when > 0); the note and the
 * log fallback note a little smaller */
PangoLayout *ink_chart_legend_text    (GtkWidget   *widget,
                                       const char  *text,
                                       double       max_w,
                                       gboolean     note);
/* the legend's note when a log axis falls back to linear */
const char  *ink_chart_fallback_note  (void);

G_END_DECLS
