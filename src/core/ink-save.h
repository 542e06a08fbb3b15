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

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Saving a file so that nothing is lost: the bytes go to a temporary file
 * beside the target, which is flushed and renamed over it, so a failure
 * leaves the old file as it was (g_file_set_contents_full).  Unlike a bare
 * rename it
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
