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

#include "config.h"

#include "ink-cairo-util.h"
#include "ink-save.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

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
