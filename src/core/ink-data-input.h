/* ink-data-input.h
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

/* Reading a dataset's files: raw or gzip-compressed streams, and errors
 * that name the file.  Shared by the IDX and CSV readers; not installed. */

#pragma once

#include <gio/gio.h>
#include "ink-dataset.h"

G_BEGIN_DECLS

/* Sets an INK_DATA_ERROR whose message starts with the file's name. */
void          ink_data_file_error (GError     **error,
                                   InkDataError code,
                                   const char  *path,
                                   const char  *format,
                                   ...) G_GNUC_PRINTF (4, 5);

/* Opens `path`, sniffing the gzip magic (1f 8b): the decompressed stream
 * for gzip, else the file's.  *size is the size on disk. */
GInputStream *ink_data_open       (const char  *path,
                                   gboolean    *is_gzip,
                                   goffset     *size,
                                   GError     **error);

/* Reads up to `len` bytes; *got < len only at the end of the data. */
gboolean      ink_data_read       (GInputStream *stream,
                                   const char   *path,
                                   gboolean      gzip,
                                   void         *buf,
                                   gsize         len,
                                   gsize        *got,
                                   GError      **error);

G_END_DECLS

