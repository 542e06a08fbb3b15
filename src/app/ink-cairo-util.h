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

#pragma once

#include <cairo.h>
#include <glib.h>

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

G_END_DECLS
