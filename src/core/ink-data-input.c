/* ink-data-input.c
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

/* Reading a dataset's files: a raw file or its gzip decompression, and
 * the errors, in plain words, that name the file. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ink-data-input.h"

/* ---- errors ---- */

void
ink_data_file_error (GError     **error,
                     InkDataError code,
                     const char  *path,
                     const char  *format,
                     ...)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, INK_DATA_ERROR, code, "%s: %s", display, msg);
}

/* Turns a GIO error met while opening or reading `path` into an
 * INK_DATA_ERROR that says what happened in plain words. */
static void
set_error_from_gio (GError     **error,
                    const char  *path,
                    gboolean     gzip,
                    GError      *gio_error)
{
  if (g_error_matches (gio_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    ink_data_file_error (error, INK_DATA_ERROR_NOT_FOUND, path,
                         _("file not found"));
  else if (g_error_matches (gio_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    ink_data_file_error (error, INK_DATA_ERROR_IO, path,
                         _("is a folder, expected a file"));
  else if (gzip && g_error_matches (gio_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    ink_data_file_error (error, INK_DATA_ERROR_IO, path,
                         _("the gzip data ends early (%s); the file is truncated, "
                           "probably an incomplete download"),
                         gio_error->message);
  else if (gzip && g_error_matches (gio_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    ink_data_file_error (error, INK_DATA_ERROR_IO, path,
                         _("corrupted gzip data (%s); download the file again"),
                         gio_error->message);
  else
    ink_data_file_error (error, INK_DATA_ERROR_IO, path,
                         _("cannot read the file: %s"), gio_error->message);
}

/* ---- input: a raw file or its gzip decompression ---- */

GInputStream *
ink_data_open (const char *path,
               gboolean   *is_gzip,
               goffset    *size,
               GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 sig[2] = { 0, 0 };
  gsize got = 0;

  /* opening a FIFO blocks until a writer comes; a device never ends */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            NULL, NULL);
  if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR &&
      g_file_info_get_file_type (info) != G_FILE_TYPE_UNKNOWN)
    {
      ink_data_file_error (error, INK_DATA_ERROR_IO, path, _("not a regular file"));
      return NULL;
    }
  g_clear_object (&info);

  in = g_file_read (file, NULL, &local_error);
  if (in == NULL)
    {
      set_error_from_gio (error, path, FALSE, local_error);
      return NULL;
    }

  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                         NULL, &local_error);
  if (info == NULL)
    {
      set_error_from_gio (error, path, FALSE, local_error);
      return NULL;
    }
  *size = g_file_info_get_size (info);

  if (!g_input_stream_read_all (G_INPUT_STREAM (in), sig, sizeof sig, &got,
                                NULL, &local_error) ||
      !g_seekable_seek (G_SEEKABLE (in), 0, G_SEEK_SET, NULL, &local_error))
    {
      set_error_from_gio (error, path, FALSE, local_error);
      return NULL;
    }

  *is_gzip = got == 2 && sig[0] == 0x1f && sig[1] == 0x8b;
  if (*is_gzip)
    {
      g_autoptr(GZlibDecompressor) dec =
        g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);

      return g_converter_input_stream_new (G_INPUT_STREAM (in),
                                           G_CONVERTER (dec));
    }

  return G_INPUT_STREAM (g_steal_pointer (&in));
}

gboolean
ink_data_read (GInputStream *stream,
               const char   *path,
               gboolean      gzip,
               void         *buf,
               gsize         len,
               gsize        *got,
               GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_input_stream_read_all (stream, buf, len, got, NULL, &local_error))
    {
      set_error_from_gio (error, path, gzip, local_error);
      return FALSE;
    }
  return TRUE;
}
