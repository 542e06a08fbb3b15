/* ink-cairo-util.h
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

/* Drawing helpers shared by the custom-drawn widgets: cairo paths and PNG
 * export, images painted scaled, text layouts and their placement, theme
 * colours, the diverging colour map and lookup tables of pixels. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A rounded rectangle path (radius clamped to half the shorter side). */
void ink_cairo_rounded_rect (cairo_t *cr,
                             double   x,
                             double   y,
                             double   w,
                             double   h,
                             double   r);

/* Encodes surface as PNG in memory and saves it with ink_save_file (a
 * temporary file renamed over path: a failed export never leaves half a
 * file).  The error names the file. */
gboolean ink_cairo_save_png (cairo_surface_t  *surface,
                             const char       *path,
                             GError          **error);

/* Paints the w × h pixels of surface whose top-left corner is at (sx, sy)
 * scaled by (kx, ky), with that corner at (x, y) and nothing of the
 * surface around them: whole image pixels (the nearest filter) when kx ≥ 1,
 * smoothed when shrunk.  The rectangle's edges are antialiased (on a
 * fractional offset an edge pixel is partly covered). */
void ink_cairo_paint_scaled (cairo_t         *cr,
                             cairo_surface_t *surface,
                             double           sx,
                             double           sy,
                             double           w,
                             double           h,
                             double           x,
                             double           y,
                             double           kx,
                             double           ky);

/* ---- text ---- */

/* The widget's font with tabular figures, scaled (1: as is), bold or not:
 * the labels and numbers the drawing widgets show. */
PangoLayout *ink_text_layout        (GtkWidget   *widget,
                                     const char  *text,
                                     double       scale,
                                     gboolean     bold);
/* The pixel size of such a text; w or h may be NULL. */
void         ink_text_size          (GtkWidget   *widget,
                                     const char  *text,
                                     double       scale,
                                     gboolean     bold,
                                     int         *w,
                                     int         *h);
/* A placeholder message in the widget's font: centred lines wrapped (at
 * word or character) to width pixels. */
PangoLayout *ink_placeholder_layout (GtkWidget   *widget,
                                     const char  *text,
                                     int          width);
/* Shows layout with the point (x, y) at (xalign, yalign) of its box (0:
 * left or top, 0.5: the centre), on whole pixels. */
void         ink_cairo_show_layout  (cairo_t     *cr,
                                     PangoLayout *layout,
                                     double       x,
                                     double       y,
                                     double       xalign,
                                     double       yalign);

/* ---- colours ---- */

/* A named colour of the theme ("accent_color"), else fallback (as
 * gdk_rgba_parse reads it). */
void         ink_lookup_color       (GtkWidget   *widget,
                                     const char  *name,
                                     GdkRGBA     *out,
                                     const char  *fallback);

/* ---- colour maps ---- */

/* The diverging colour map (ColorBrewer's RdBu): t in -1..1 (clamped, NaN
 * as 0) → blue, white at 0, red. */
void         ink_colormap           (double       t,
                                     double      *r,
                                     double      *g,
                                     double      *b);
/* The colour map from -1 to +1 as INK_COLORMAP_LUT_SIZE evenly spaced,
 * opaque ARGB32 pixels: a lookup table for ink_lut_paint (made once,
 * shared). */
#define INK_COLORMAP_LUT_SIZE 1024
const guint32 *ink_colormap_lut     (void);

/* The entry of v in an n-entry table whose entry i stands for the value
 * lo + i / k, rounded to the nearest and clamped to 0 … n − 1 (±inf
 * clamped too, NaN: 0). */
static inline int
ink_lut_index (float v,
               float lo,
               float k,
               int   n)
{
  float t = (v - lo) * k + 0.5f;

  /* comparisons rather than a clamp of a cast: NaN and ±inf stay defined */
  return t > 0.0f ? (t < (float) (n - 1) ? (int) t : n - 1) : 0;
}

/* Paints the w × h floats at src (row-major) into dst (ARGB32, stride
 * pixels a row) through an n-entry table as ink_lut_index reads it, each
 * value as px × px pixels; NaN, and every value when k is 0, as blank. */
void         ink_lut_paint          (const float   *src,
                                     int            w,
                                     int            h,
                                     int            px,
                                     const guint32 *table,
                                     int            n,
                                     float          lo,
                                     float          k,
                                     guint32        blank,
                                     guint32       *dst,
                                     int            stride);

G_END_DECLS
