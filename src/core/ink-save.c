/* ink-save.c
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

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ink-save.h"

/* the file a chain of symbolic links ends at (at most 32 links) */
static char *
resolve_links (const char  *path,
               GError     **error)
{
  char *cur = g_strdup (path);

  for (int hops = 0; hops < 32; hops++)
    {
      char *target;
      char *next;

      if (!g_file_test (cur, G_FILE_TEST_IS_SYMLINK))
        return cur;
      if (!(target = g_file_read_link (cur, error)))
        {
          g_free (cur);
          return NULL;
        }
      if (g_path_is_absolute (target))
        next = target;
      else
        {
          g_autofree char *dir = g_path_get_dirname (cur);
          next = g_build_filename (dir, target, NULL);
          g_free (target);
        }
      g_free (cur);
      cur = next;
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_LOOP,
               _("%s: too many levels of symbolic links"), path);
  g_free (cur);
  return NULL;
}

static gboolean
write_through (const char  *path,
               const void  *data,
               gsize        len,
               GError     **error)
{
  const char *p = data;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("could not open %s: %s"), path, g_strerror (e));
      return FALSE;
    }
  while (len > 0)
    {
      gssize n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int e = n < 0 ? errno : EIO;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                       _("could not write %s: %s"), path, g_strerror (e));
          close (fd);
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  if (close (fd) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("could not write %s: %s"), path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

gboolean
ink_save_file (const char  *path,
               const void  *data,
               gsize        len,
               gboolean     durable,
               GError     **error)
{
  g_autofree char *real = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL && (data != NULL || len == 0), FALSE);

  if (*path == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("no file name given"));
      return FALSE;
    }
  /* what the path names, links followed (by the kernel: /dev/stdout ends at
   * a pipe or terminal that no path names) */
  if (g_stat (path, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                       _("%s is a folder; give a file name"), path);
          return FALSE;
        }
      if (!S_ISREG (st.st_mode))
        return write_through (path, data, len, error);
    }
  /* a regular file (or none yet): replace the file at the end of the links */
  if (!(real = resolve_links (path, error)))
    return FALSE;
  return g_file_set_contents_full (real, data, (gssize) len,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   (durable ? G_FILE_SET_CONTENTS_DURABLE : 0),
                                   0644, error);
}

gboolean
ink_read_file (const char  *path,
               gsize        max_len,
               char       **contents,
               gsize       *len,
               GError     **error)
{
  g_autofree char *name = g_filename_display_name (path);
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("could not open %s: %s"), name, g_strerror (e));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, _("%s is a folder, not a file"), name);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%s is not a regular file (a device, pipe or socket)"), name);
      return FALSE;
    }
  if ((guint64) st.st_size > max_len)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%s is %" G_GUINT64_FORMAT " bytes, more than the %" G_GSIZE_FORMAT " accepted"),
                   name, (guint64) st.st_size, max_len);
      return FALSE;
    }
  if (!g_file_get_contents (path, contents, len, error))
    return FALSE;
  /* it may have grown since the stat */
  if (len != NULL && *len > max_len)
    {
      g_clear_pointer (contents, g_free);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%s is more than the %" G_GSIZE_FORMAT " bytes accepted"), name, max_len);
      return FALSE;
    }
  return TRUE;
}
