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
 * export, text layouts and their placement, theme colours. */

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

G_END_DECLS
