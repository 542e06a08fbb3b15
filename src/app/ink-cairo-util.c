/* ink-cairo-util.c
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

/* Drawing helpers for the custom-drawn widgets (ink-cairo-util.h). */

#include "config.h"

#include "ink-cairo-util.h"
#include "ink-save.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <math.h>

void
ink_cairo_rounded_rect (cairo_t *cr,
                        double   x,
                        double   y,
                        double   w,
                        double   h,
                        double   r)
{
  r = MAX (0.0, MIN (r, MIN (w, h) / 2));
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
ink_cairo_save_png (cairo_surface_t  *surface,
                    const char       *path,
                    GError          **error)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *name = g_filename_display_name (path);
  cairo_status_t status = cairo_surface_write_to_png_stream (surface, append_bytes, png);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write %s: %s"), name, cairo_status_to_string (status));
      return FALSE;
    }
  if (!ink_save_file (path, png->data, png->len, FALSE, &local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write %s: %s"), name, local->message);
      return FALSE;
    }
  return TRUE;
}

PangoLayout *
ink_text_layout (GtkWidget  *widget,
                 const char *text,
                 double      scale,
                 gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  if (scale != 1.0)
    pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

void
ink_text_size (GtkWidget  *widget,
               const char *text,
               double      scale,
               gboolean    bold,
               int        *w,
               int        *h)
{
  g_autoptr(PangoLayout) layout = ink_text_layout (widget, text, scale, bold);

  pango_layout_get_pixel_size (layout, w, h);
}

PangoLayout *
ink_placeholder_layout (GtkWidget  *widget,
                        const char *text,
                        int         width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  return layout;
}

void
ink_cairo_show_layout (cairo_t     *cr,
                       PangoLayout *layout,
                       double       x,
                       double       y,
                       double       xalign,
                       double       yalign)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (cr, layout);
}

void
ink_lookup_color (GtkWidget  *widget,
                  const char *name,
                  GdkRGBA    *out,
                  const char *fallback)
{
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);

  if (!gtk_style_context_lookup_color (ctx, name, out))
    gdk_rgba_parse (out, fallback);
}

void
ink_cairo_paint_scaled (cairo_t         *cr,
                        cairo_surface_t *surface,
                        double           sx,
                        double           sy,
                        double           w,
                        double           h,
                        double           x,
                        double           y,
                        double           kx,
                        double           ky)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, kx, ky);
  cairo_set_source_surface (cr, surface, -sx, -sy);
  cairo_pattern_set_filter (cairo_get_source (cr), kx >= 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, w, h);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* ------------------------------------------------------------------------ */
/* colour maps                                                               */

/* ColorBrewer's RdBu, from -1 (blue) through 0 (white) to +1 (red) */
static const double rdbu_stops[7][3] = {
  { 0x21, 0x66, 0xac },
  { 0x67, 0xa9, 0xcf },
  { 0xd1, 0xe5, 0xf0 },
  { 0xf7, 0xf7, 0xf7 },
  { 0xfd, 0xdb, 0xc7 },
  { 0xef, 0x8a, 0x62 },
  { 0xb2, 0x18, 0x2b },
};

void
ink_colormap (double  t,
              double *r,
              double *g,
              double *b)
{
  double pos, f;
  int i;

  if (isnan (t))
    t = 0.0;
  t = CLAMP (t, -1.0, 1.0);
  pos = (t + 1.0) * 3.0;      /* 0..6 */
  i = MIN ((int) floor (pos), 5);
  f = pos - i;
  *r = (rdbu_stops[i][0] + (rdbu_stops[i + 1][0] - rdbu_stops[i][0]) * f) / 255.0;
  *g = (rdbu_stops[i][1] + (rdbu_stops[i + 1][1] - rdbu_stops[i][1]) * f) / 255.0;
  *b = (rdbu_stops[i][2] + (rdbu_stops[i + 1][2] - rdbu_stops[i][2]) * f) / 255.0;
}

const guint32 *
ink_colormap_lut (void)
{
  static guint32 table[INK_COLORMAP_LUT_SIZE];
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (int i = 0; i < INK_COLORMAP_LUT_SIZE; i++)
        {
          double r, g, b;

          ink_colormap (2.0 * i / (INK_COLORMAP_LUT_SIZE - 1) - 1.0, &r, &g, &b);
          table[i] = 0xff000000u
                     | ((guint32) lround (r * 255) << 16)
                     | ((guint32) lround (g * 255) << 8)
                     | (guint32) lround (b * 255);
        }
      g_once_init_leave (&done, 1);
    }
  return table;
}

void
ink_lut_paint (const float   *src,
               int            w,
               int            h,
               int            px,
               const guint32 *table,
               int            n,
               float          lo,
               float          k,
               guint32        blank,
               guint32       *dst,
               int            stride)
{
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float v = src[y * w + x];
        guint32 pixel = k == 0.0f || v != v ? blank : table[ink_lut_index (v, lo, k, n)];

        for (int dy = 0; dy < px; dy++)
          for (int dx = 0; dx < px; dx++)
            dst[(y * px + dy) * stride + x * px + dx] = pixel;
      }
}
