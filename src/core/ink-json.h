/* ink-json.h
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

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib 1.6 parses recursively and overflows the stack on deeply
 * nested input (about 100 000 '[' crash it), and it accepts extensions the
 * JSON grammar does not have (single-quoted strings, C comments).  Every
 * JSON text that comes from a file goes through this lexical pre-pass
 * first; it follows double-quoted strings only, the parsing itself is
 * json-glib's. */

#define INK_JSON_MAX_DEPTH 64

typedef enum
{
  INK_JSON_LEX_OK,
  INK_JSON_LEX_TOO_DEEP,    /* arrays and objects nest more than max_depth */
  INK_JSON_LEX_EXTENSION,   /* a ' or / outside a string: not JSON */
} InkJsonLex;

/* Scans len bytes of text (len < 0: up to the NUL).  On a problem, *at gets
 * the byte offset where it was seen. */
InkJsonLex  ink_json_lex    (const char *text,
                             gssize      len,
                             guint       max_depth,
                             gsize      *at);

/* A parser holding text's root, or NULL with error (G_IO_ERROR_INVALID_DATA
 * for nesting beyond INK_JSON_MAX_DEPTH or an extension, json-glib's error
 * otherwise); the message describes the problem without naming the file. */
JsonParser *ink_json_parse  (const char *text,
                             gssize      len,
                             GError    **error);

/* The double nearest to the shortest decimal that reads back as f
 * (0.1f → 0.1, not 0.10000000149011612); f itself for NaN and infinities. */
double      ink_json_float_to_double (float f);

/* A copy of json text with every number that has a fraction or an exponent
 * written in the fewest significant digits that read back as the same
 * double (json-glib writes 17: 0.2 becomes 0.20000000000000001).  Strings
 * and integers are left as they are.  Free with g_free. */
char       *ink_json_tidy_numbers    (const char *json);

G_END_DECLS
