/* ink-names.h
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

/* Name tables: the names of an enum's values, indexed by the value, and
 * the lookups each table needs (value → name, name → value, "a, b, c"
 * for messages).  The tables themselves live with the types they name. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* names[value], or NULL when value is not below n_names */
const char *ink_names_lookup (const char * const *names,
                              guint               n_names,
                              guint               value);
/* the index of the name equal to s (ASCII case ignored) into *value;
 * FALSE when there is none (s NULL included) */
gboolean    ink_names_find   (const char * const *names,
                              guint               n_names,
                              const char         *s,
                              guint              *value);
/* "a, b, c": the names in order, for messages; free with g_free */
char       *ink_names_join   (const char * const *names,
                              guint               n_names);
/* ink_names_join's text, made once (thread-safe) into *cache and kept
 * for the life of the process */
const char *ink_names_choices (const char        **cache,
                               const char * const *names,
                               guint               n_names);

G_END_DECLS
