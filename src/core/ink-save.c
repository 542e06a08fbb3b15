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

/* Saving files atomically through a temporary file. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
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

char *
ink_temp_template (const char *dir,
                   const char *name)
{
  g_autofree char *placeholder = g_strnfill (6, 'X');
  g_autofree char *file = g_strconcat (name, placeholder, NULL);

  return g_build_filename (dir, file, NULL);
}

/* ---- temporary files: named so that an orphan can be told and removed -- */

/* ".NAME.inkling-tmp.HOST.PID." and six random characters, beside NAME: hidden, tied to the
 * target, and to the process (on this host) that wrote it */
#define TMP_TAG ".inkling-tmp."

static char *
host_tag (void)
{
  /* the host name as a file name may hold it: no dots (they separate the
   * fields) and no slashes */
  g_autofree char *h = g_strdup (g_get_host_name ());
  g_strdelimit (h, "./\\", '_');
  return g_steal_pointer (&h);
}

static gboolean
process_alive (gint64 pid)
{
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

/* the PID in name if it is one of our temporary files, on this host, for
 * the target called base (any target when base is NULL); 0 otherwise */
static gint64
temp_file_pid (const char *name, const char *base, const char *host)
{
  const char *p, *dot;
  g_autofree char *prefix = NULL;
  char *end = NULL;
  gint64 pid;

  if (name[0] != '.' || (p = strstr (name, TMP_TAG)) == NULL)
    return 0;
  if (base != NULL && ((gsize) (p - name - 1) != strlen (base) || strncmp (name + 1, base, strlen (base)) != 0))
    return 0;
  p += strlen (TMP_TAG);
  prefix = g_strconcat (host, ".", NULL);
  if (!g_str_has_prefix (p, prefix))
    return 0;
  p += strlen (prefix);
  pid = g_ascii_strtoll (p, &end, 10);
  if (end == p || *end != '.' || (dot = end) == NULL || strlen (dot + 1) != 6)
    return 0;
  return pid;
}

guint
ink_save_sweep_stale (const char *dir,
                      const char *base)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *host = host_tag ();
  const char *name;
  guint removed = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      gint64 pid = temp_file_pid (name, base, host);

      if (pid != 0 && !process_alive (pid))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          GStatBuf st;

          /* a plain file only: never follow a link someone placed there */
          if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && g_unlink (path) == 0)
            removed++;
        }
    }
  return removed;
}

/* writes data into a new temporary file beside real and renames it over
 * real; on any failure the temporary file is removed and real is as it was */
static gboolean
replace_file (const char  *real,
              const void  *data,
              gsize        len,
              gboolean     durable,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (real);
  g_autofree char *base = g_path_get_basename (real);
  g_autofree char *host = host_tag ();
  g_autofree char *tmpl = NULL;
  const char *p = data;
  int fd, e;

  /* what a killed writer left for this file (kill -9 during a save) */
  ink_save_sweep_stale (dir, base);

  {
    g_autofree char *name = g_strdup_printf (".%s" TMP_TAG "%s.%" G_GINT64_FORMAT ".",
                                             base, host, (gint64) getpid ());
    tmpl = ink_temp_template (dir, name);
  }
  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("could not create a file in %s to write %s: %s"), dir, real, g_strerror (e));
      return FALSE;
    }
  while (len > 0)
    {
      gssize n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          e = n < 0 ? errno : EIO;
          goto fail;
        }
      p += n;
      len -= (gsize) n;
    }
  if (durable && fsync (fd) != 0)
    {
      e = errno;
      goto fail;
    }
  if (close (fd) != 0)
    {
      e = errno;
      fd = -1;
      goto fail;
    }
  fd = -1;
  if (g_rename (tmpl, real) != 0)
    {
      e = errno;
      goto fail;
    }
  if (durable)
    {
      /* the rename itself reaches the disk with the folder */
      int dfd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
      if (dfd >= 0)
        {
          fsync (dfd);
          close (dfd);
        }
    }
  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  g_unlink (tmpl);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
               _("could not write %s: %s"), real, g_strerror (e));
  return FALSE;
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
  return replace_file (real, data, len, durable, error);
}

/* ---- one writer per file ------------------------------------------------ */

struct _InkPathLock
{
  char *lock_path;
  int   fd;
};

InkPathLock *
ink_path_lock (const char  *path,
               GError     **error)
{
  g_autofree char *real = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *lock_path = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  /* a terminal, a pipe, /dev/null: not a file two runs could mix up */
  {
    GStatBuf st;
    if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode) && !S_ISDIR (st.st_mode))
      {
        InkPathLock *none = g_new0 (InkPathLock, 1);
        none->fd = -1;
        return none;
      }
  }
  if (!(real = resolve_links (path, error)))
    return NULL;
  dir = g_path_get_dirname (real);
  base = g_path_get_basename (real);
  lock_path = g_strdup_printf ("%s/.%s.inkling-lock", dir, base);

  for (int attempt = 0; attempt < 8; attempt++)
    {
      GStatBuf by_fd, by_name;
      int fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
      InkPathLock *lock;
      char pid_text[32];

      if (fd < 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                       _("could not create %s to guard %s: %s"), lock_path, path, g_strerror (e));
          return NULL;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          int e = errno;
          char holder[32] = "";
          gssize n = read (fd, holder, sizeof holder - 1);

          holder[MAX (n, 0)] = '\0';
          g_strchomp (holder);
          close (fd);
          if (e == EWOULDBLOCK)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                         holder[0] ? _("%s is being written by another Inkling run (process %s); "
                                       "give another file or stop that run first")
                                   : _("%s is being written by another Inkling run; "
                                       "give another file or stop that run first"),
                         path, holder);
          else
            g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                         _("could not lock %s: %s"), lock_path, g_strerror (e));
          return NULL;
        }
      /* the holder before us may have removed the file between our open
       * and our lock: then the lock is on a file no one else sees */
      if (fstat (fd, &by_fd) != 0 || g_lstat (lock_path, &by_name) != 0 ||
          by_fd.st_ino != by_name.st_ino || by_fd.st_dev != by_name.st_dev)
        {
          close (fd);
          continue;
        }
      g_snprintf (pid_text, sizeof pid_text, "%" G_GINT64_FORMAT "\n", (gint64) getpid ());
      if (ftruncate (fd, 0) == 0 && pwrite (fd, pid_text, strlen (pid_text), 0) < 0)
        { /* the PID is only for the message */ }
      lock = g_new0 (InkPathLock, 1);
      lock->lock_path = g_steal_pointer (&lock_path);
      lock->fd = fd;
      return lock;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               _("%s is being written by another Inkling run; give another file or stop that run first"),
               path);
  return NULL;
}

void
ink_path_unlock (InkPathLock *lock)
{
  if (lock == NULL)
    return;
  /* removed while still held, so no one can lock the old file after us */
  if (lock->fd >= 0)
    {
      g_unlink (lock->lock_path);
      close (lock->fd);
    }
  g_free (lock->lock_path);
  g_free (lock);
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
