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

/* JSON helpers: a safe pre-pass, parsing, exact writing, builder
 * shortcuts. */

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
#define INK_JSON_MAX_VALUES 2000000   /* numbers, strings, arrays, … in one text */

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

/* Checks that text is JSON as RFC 8259 defines it, and nothing more:
 * no hexadecimal or leading-zero numbers, no escapes JSON lacks, no lone
 * surrogates, only UTF-8, no control characters in strings, no trailing
 * commas, no member twice in one object, no number too large for a
 * double, at most INK_JSON_MAX_DEPTH levels of nesting and
 * INK_JSON_MAX_VALUES values (json-glib 1.6
 * accepts most of these, and overflows its stack on deep nesting).  The
 * error (G_IO_ERROR_INVALID_DATA) says where, as line and column, without
 * naming the file. */
gboolean    ink_json_check  (const char *text,
                             gssize      len,
                             GError    **error);

/* A parser holding text's root, or NULL with error: ink_json_check's, or
 * json-glib's.  The message describes the problem without naming the file. */
JsonParser *ink_json_parse  (const char *text,
                             gssize      len,
                             GError    **error);

/* The double nearest to the shortest decimal that reads back as f
 * (0.1f → 0.1, not 0.10000000149011612); f itself for NaN and infinities. */
double      ink_json_float_to_double (float f);

/* node written as JSON (json-glib 1.6's generator writes 1e-08 as
 * "1e-08.0", which is not JSON): every double in the fewest significant
 * digits that read back as the same double (0.2, not 0.20000000000000001),
 * with a point or an exponent so that it reads back as a double; NaN and
 * infinities as null; strings escaped, bytes that are not UTF-8 replaced
 * by U+FFFD.  pretty: json-glib's layout (two-space indentation, one
 * member or element a line, "name" : value).  Free with g_free. */
char       *ink_json_to_text         (JsonNode    *node,
                                      gboolean     pretty);
/* the builder's root, written as ink_json_to_text does */
char       *ink_json_builder_to_text (JsonBuilder *b,
                                      gboolean     pretty);

/* One member of the object being built: its name, then its value. */
void        ink_json_member_string   (JsonBuilder *b,
                                      const char  *name,
                                      const char  *value);
void        ink_json_member_int      (JsonBuilder *b,
                                      const char  *name,
                                      gint64       value);
void        ink_json_member_double   (JsonBuilder *b,
                                      const char  *name,
                                      double       value);
/* a float as the double of its shortest decimal (ink_json_float_to_double):
 * 0.001f is written 0.001, not 0.0010000000474974513 */
void        ink_json_member_float    (JsonBuilder *b,
                                      const char  *name,
                                      float        value);
void        ink_json_member_bool     (JsonBuilder *b,
                                      const char  *name,
                                      gboolean     value);
/* name, then an object (or array) to fill and end with
 * json_builder_end_object (json_builder_end_array) */
void        ink_json_member_begin_object (JsonBuilder *b,
                                          const char  *name);
void        ink_json_member_begin_array  (JsonBuilder *b,
                                          const char  *name);

G_END_DECLS
