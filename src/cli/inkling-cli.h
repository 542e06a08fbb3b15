/* inkling-cli.h
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

/* What the CLI's commands share. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What inkling-cli.c, inkling-bench.c and inkling-sweep.c share. */

/* "inkling-cli: error: MSG" on stderr, on one line */
void     ink_cli_fail          (const char      *fmt,
                                ...) G_GNUC_PRINTF (1, 2);

/* Parses a subcommand's options (and --version, which every command
 * takes); prints its help on --help.  FALSE: return *status. */
gboolean ink_cli_parse_options (GOptionContext  *ctx,
                                int             *argc,
                                char          ***argv,
                                int             *status);

/* `inkling-cli bench` (inkling-bench.c) */
int      ink_cli_bench         (int              argc,
                                char           **argv);

/* `inkling-cli sweep` and its status, resume and report (inkling-sweep.c) */
int      ink_cli_sweep         (int              argc,
                                char           **argv);

G_END_DECLS
