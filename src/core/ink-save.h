/* ink-save.h
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

/* Saving a file so that a failure never loses the old one. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Saving a file so that nothing is lost: the bytes go to a temporary file
 * beside the target (".NAME.inkling-tmp.HOST.PID." and six random characters), which is
 * flushed and renamed over it, so a failure leaves the old file as it was
 * and removes the temporary one; temporary files for the same target that
 * a killed writer left behind (its process is gone) are removed first.
 * Unlike a bare rename it
 *   - follows a symbolic link and replaces the file it points to, keeping
 *     the link (a rename would replace the link itself);
 *   - writes straight into what is not a regular file (a terminal, a pipe,
 *     /dev/stdout): there is nothing there to keep, and renaming over a
 *     device node would replace it with a plain file;
 *   - refuses a folder with a message.
 * durable: also fsync (model files, experiments); CSV and summaries need
 * not. */
gboolean ink_save_file (const char  *path,
                        const void  *data,
                        gsize        len,
                        gboolean     durable,
                        GError     **error);

/* A template for g_mkstemp / g_mkdtemp: dir/name followed by the six
 * placeholder characters they replace.  Free with g_free. */
char    *ink_temp_template    (const char *dir,
                               const char *name);

/* Removes the temporary files in dir that ink_save_file's writers on this
 * host left behind when they were killed (their process is gone): those
 * for the target called base, or for any target when base is NULL.
 * Returns how many were removed. */
guint    ink_save_sweep_stale (const char *dir,
                               const char *base);

/* One writer per output file: an advisory lock (flock) on
 * ".NAME.inkling-lock" beside the file a path ends at, held until
 * ink_path_unlock or the process ends (also by a signal or kill -9).
 * A second run asking for the same file gets G_IO_ERROR_BUSY, naming the
 * file and the other run's process. */
typedef struct _InkPathLock InkPathLock;
InkPathLock *ink_path_lock   (const char  *path,
                              GError     **error);
void         ink_path_unlock (InkPathLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkPathLock, ink_path_unlock)

/* Reads a whole file of at most max_len bytes, after checking that it is a
 * regular file (g_file_get_contents would wait on a FIFO for ever and read
 * /dev/zero until memory runs out) and no larger than max_len.  *contents
 * is NUL-terminated; free with g_free.  Errors in G_FILE_ERROR, naming the
 * file. */
gboolean ink_read_file (const char  *path,
                        gsize        max_len,
                        char       **contents,
                        gsize       *len,
                        GError     **error);

G_END_DECLS
