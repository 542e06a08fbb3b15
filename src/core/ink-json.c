/* ink-json.c
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

/* JSON: a lexical check before json-glib parses, and exact writing of
 * numbers and strings. */

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ink-json.h"

InkJsonLex
ink_json_lex (const char *text,
              gssize      len,
              guint       max_depth,
              gsize      *at)
{
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  gboolean in_string = FALSE, escaped = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            {
              if (at)
                *at = i;
              return INK_JSON_LEX_TOO_DEEP;
            }
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        case '\'':
        case '/':
          if (at)
            *at = i;
          return INK_JSON_LEX_EXTENSION;
        default:
          break;
        }
    }
  return INK_JSON_LEX_OK;
}

/* ------------------------------------------------------------------------ */
/* strict checking: RFC 8259, nothing more                                   */

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  guint       max_depth;
  guint       n_values;
  GError    **error;
} Check;

static gboolean G_GNUC_PRINTF (3, 4)
check_fail (Check      *c,
            const char *at,
            const char *format,
            ...)
{
  g_autofree char *what = NULL;
  guint line = 1, column = 1;
  va_list args;

  for (const char *q = c->start; q < at && q < c->end; q++)
    {
      if (*q == '\n')
        line++, column = 1;
      else if (((guchar) *q & 0xc0) != 0x80)
        column++;
    }
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "line %u, column %u: %s", line, column, what);
  return FALSE;
}

static void
skip_space (Check *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static int
hex4 (const char *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* one UTF-8 sequence at c->p (not ASCII): its length, or 0 when it is not
 * UTF-8 (overlong forms, surrogates and code points past U+10FFFF are not) */
static gsize
utf8_sequence (const guchar *p, const guchar *end)
{
  guint32 cp;
  gsize n;

  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    n = 2, cp = p[0] & 0x1f;
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    n = 3, cp = p[0] & 0x0f;
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    n = 4, cp = p[0] & 0x07;
  else
    return 0;
  if ((gsize) (end - p) < n)
    return 0;
  for (gsize i = 1; i < n; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

static gboolean
check_string (Check *c)
{
  const char *open = c->p;

  c->p++;   /* the opening quote */
  while (c->p < c->end)
    {
      guchar ch = (guchar) *c->p;

      if (ch == '"')
        {
          c->p++;
          return TRUE;
        }
      if (ch < 0x20)
        return check_fail (c, c->p, "a control character (0x%02x) inside a string; write it as an escape", ch);
      if (ch == '\\')
        {
          if (c->p + 1 >= c->end)
            break;
          switch (c->p[1])
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              c->p += 2;
              break;
            case 'u':
              {
                int u;

                if (c->end - c->p < 6 || (u = hex4 (c->p + 2)) < 0)
                  return check_fail (c, c->p, "\\u must be followed by four hexadecimal digits");
                if (u >= 0xdc00 && u <= 0xdfff)
                  return check_fail (c, c->p, "a lone low surrogate (\\u%04x) is not a character", u);
                if (u >= 0xd800 && u <= 0xdbff)
                  {
                    int lo;

                    if (c->end - c->p < 12 || c->p[6] != '\\' || c->p[7] != 'u' ||
                        (lo = hex4 (c->p + 8)) < 0xdc00 || lo > 0xdfff)
                      return check_fail (c, c->p, "a lone high surrogate (\\u%04x) is not a character", u);
                    c->p += 6;
                  }
                if (u == 0)
                  return check_fail (c, c->p, "\\u0000 (a NUL character) is not allowed in a string");
                c->p += 6;
                break;
              }
            default:
              return check_fail (c, c->p, "\\%c is not a JSON escape", g_ascii_isprint (c->p[1]) ? c->p[1] : '?');
            }
          continue;
        }
      if (ch < 0x80)
        {
          c->p++;
          continue;
        }
      {
        gsize n = utf8_sequence ((const guchar *) c->p, (const guchar *) c->end);
        if (n == 0)
          return check_fail (c, c->p, "a string holds bytes that are not UTF-8");
        c->p += n;
      }
    }
  return check_fail (c, open, "a string is not closed");
}

static gboolean
check_number (Check *c)
{
  const char *s = c->p;
  char buf[64];
  g_autofree char *big = NULL;
  gsize n;
  double d;

  if (c->p < c->end && *c->p == '-')
    c->p++;
  if (c->p >= c->end || !g_ascii_isdigit (*c->p))
    return check_fail (c, s, "a number needs a digit after its sign");
  if (*c->p == '0')
    {
      c->p++;
      if (c->p < c->end && g_ascii_isdigit (*c->p))
        return check_fail (c, s, "a number must not start with a leading zero");
      if (c->p < c->end && (*c->p == 'x' || *c->p == 'X'))
        return check_fail (c, s, "hexadecimal numbers are not JSON");
    }
  else
    while (c->p < c->end && g_ascii_isdigit (*c->p))
      c->p++;
  if (c->p < c->end && *c->p == '.')
    {
      c->p++;
      if (c->p >= c->end || !g_ascii_isdigit (*c->p))
        return check_fail (c, s, "a number needs digits after its decimal point");
      while (c->p < c->end && g_ascii_isdigit (*c->p))
        c->p++;
    }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E'))
    {
      c->p++;
      if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        c->p++;
      if (c->p >= c->end || !g_ascii_isdigit (*c->p))
        return check_fail (c, s, "a number needs digits in its exponent");
      while (c->p < c->end && g_ascii_isdigit (*c->p))
        c->p++;
    }
  /* a number too large for a double is not one this program can keep */
  n = (gsize) (c->p - s);
  if (n < sizeof buf)
    {
      memcpy (buf, s, n);
      buf[n] = '\0';
      d = g_ascii_strtod (buf, NULL);
    }
  else
    d = g_ascii_strtod (big = g_strndup (s, n), NULL);
  if (!isfinite (d))
    return check_fail (c, s, "the number %.*s is too large", (int) MIN (n, 40), s);
  return TRUE;
}

static gboolean
check_literal (Check *c, const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (c->end - c->p) < n || memcmp (c->p, word, n) != 0)
    return FALSE;
  c->p += n;
  return TRUE;
}

static gboolean check_value (Check *c, guint depth);

static gboolean
check_container (Check *c, guint depth)
{
  gboolean object = *c->p == '{';
  char close = object ? '}' : ']';
  g_autoptr(GHashTable) keys = NULL;

  if (depth >= c->max_depth)
    return check_fail (c, c->p, "arrays and objects nest more than %u deep", c->max_depth);
  c->p++;
  skip_space (c);
  if (c->p < c->end && *c->p == close)
    {
      c->p++;
      return TRUE;
    }
  if (object)
    keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (;;)
    {
      if (object)
        {
          const char *key = c->p;
          char *name;

          if (c->p < c->end && *c->p == '/')
            return check_fail (c, c->p, "JSON has no comments");
          if (c->p < c->end && *c->p == '\'')
            return check_fail (c, c->p, "JSON has no single-quoted strings");
          if (c->p >= c->end || *c->p != '"')
            return check_fail (c, c->p, "expected a member name in double quotes");
          if (!check_string (c))
            return FALSE;
          name = g_strndup (key, c->p - key);
          if (!g_hash_table_add (keys, name))
            return check_fail (c, key, "the member %.*s appears twice in one object",
                               (int) MIN (c->p - key, 60), key);
          skip_space (c);
          if (c->p >= c->end || *c->p != ':')
            return check_fail (c, c->p, "expected ':' after a member name");
          c->p++;
        }
      if (!check_value (c, depth + 1))
        return FALSE;
      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        {
          c->p++;
          skip_space (c);
          if (c->p < c->end && *c->p == close)
            return check_fail (c, c->p, "a comma before '%c' (JSON has no trailing commas)", close);
          continue;
        }
      if (c->p < c->end && *c->p == close)
        {
          c->p++;
          return TRUE;
        }
      if (c->p < c->end && *c->p == '/')
        return check_fail (c, c->p, "JSON has no comments");
      return check_fail (c, c->p, c->p < c->end ? "expected ',' or '%c'" : "the text ends before '%c'", close);
    }
}

static gboolean
check_value (Check *c, guint depth)
{
  skip_space (c);
  /* json-glib spends about 100 bytes a value: a few MiB of "[0,0,0,…"
   * would take gigabytes */
  if (++c->n_values > INK_JSON_MAX_VALUES)
    return check_fail (c, c->p, "more than %u values", INK_JSON_MAX_VALUES);
  if (c->p >= c->end)
    return check_fail (c, c->p, "the text ends where a value was expected");
  switch (*c->p)
    {
    case '{':
    case '[':
      return check_container (c, depth);
    case '"':
      return check_string (c);
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return check_number (c);
    case 't':
      if (check_literal (c, "true"))
        return TRUE;
      break;
    case 'f':
      if (check_literal (c, "false"))
        return TRUE;
      break;
    case 'n':
      if (check_literal (c, "null"))
        return TRUE;
      break;
    case '\'':
      return check_fail (c, c->p, "JSON has no single-quoted strings");
    case '/':
      return check_fail (c, c->p, "JSON has no comments");
    default:
      break;
    }
  if (g_ascii_isprint (*c->p))
    return check_fail (c, c->p, "unexpected '%c' where a value was expected", *c->p);
  return check_fail (c, c->p, "unexpected byte 0x%02x where a value was expected", (guchar) *c->p);
}

gboolean
ink_json_check (const char  *text,
                gssize       len,
                GError     **error)
{
  Check c;

  c.start = c.p = text;
  c.end = text + (len < 0 ? strlen (text) : (gsize) len);
  c.max_depth = INK_JSON_MAX_DEPTH;
  c.n_values = 0;
  c.error = error;
  /* a byte order mark is not JSON, but harmless: editors write one */
  if (c.end - c.p >= 3 && memcmp (c.p, "\xef\xbb\xbf", 3) == 0)
    c.p += 3;
  if (!check_value (&c, 0))
    return FALSE;
  skip_space (&c);
  if (c.p < c.end)
    return check_fail (&c, c.p, *c.p == '\0' ? "a NUL byte after the value"
                                              : "more text after the value");
  return TRUE;
}

JsonParser *
ink_json_parse (const char *text,
                gssize      len,
                GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  gsize n = len < 0 ? strlen (text) : (gsize) len;

  if (!ink_json_check (text, (gssize) n, error))
    return NULL;
  /* json-glib takes the BOM-less text; its own checks are weaker than ours */
  if (n >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    text += 3, n -= 3;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) n, error))
    return NULL;
  return g_steal_pointer (&parser);
}

double
ink_json_float_to_double (float f)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (f))
    return f;
  /* 9 significant digits always read back as the same float */
  for (int digits = 1; digits <= 9; digits++)
    {
      char fmt[8];
      double d;

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, (double) f);
      d = g_ascii_strtod (buf, NULL);
      if ((float) d == f)
        return d;
    }
  return f;
}

/* the fewest significant digits (1..17) that read back as d */
static void
shortest (double d, char *buf, gsize len)
{
  for (int digits = 1; digits <= 17; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, len, fmt, d);
      if (g_ascii_strtod (buf, NULL) != d)
        continue;
      /* %g writes 10 with one digit as 1e+01: between 1e-4 and 1e15 use
       * the fixed form with as many decimals as the digits need */
      if (strpbrk (buf, "eE") != NULL && fabs (d) >= 1e-4 && fabs (d) < 1e15)
        {
          int decimals = MAX (0, digits - 1 - (int) floor (log10 (fabs (d))));

          g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
          g_ascii_formatd (buf, len, fmt, d);
        }
      return;
    }
}

/* ------------------------------------------------------------------------ */
/* writing                                                                   */

static void
write_number (GString *out, double d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 4];

  /* JSON has no NaN or infinity: callers that mean "none" write null */
  if (!isfinite (d))
    {
      g_string_append (out, "null");
      return;
    }
  shortest (d, buf, sizeof buf);
  /* keep it a real number when it reads back (2.0, not 2) */
  if (strpbrk (buf, ".eE") == NULL)
    g_strlcat (buf, ".0", sizeof buf);
  g_string_append (out, buf);
}

static void
write_string (GString *out, const char *s)
{
  g_autofree char *valid = NULL;

  /* text that is not UTF-8 (a file name in another encoding) is written
   * with U+FFFD in place of the bad bytes: the file stays JSON */
  if (!g_utf8_validate (s, -1, NULL))
    s = valid = g_utf8_make_valid (s, -1);
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar ch = (guchar) *p;

      switch (ch)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (ch < 0x20 || ch == 0x7f)
            g_string_append_printf (out, "\\u%04x", ch);
          else
            g_string_append_c (out, (char) ch);
        }
    }
  g_string_append_c (out, '"');
}

static void
newline (GString *out, gboolean pretty, guint level)
{
  if (!pretty)
    return;
  g_string_append_c (out, '\n');
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

static void
write_node (GString *out, JsonNode *node, gboolean pretty, guint level)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (o);   /* in insertion order */

      g_string_append_c (out, '{');
      for (GList *l = members; l; l = l->next)
        {
          newline (out, pretty, level + 1);
          write_string (out, l->data);
          g_string_append (out, pretty ? " : " : ":");
          write_node (out, json_object_get_member (o, l->data), pretty, level + 1);
          if (l->next)
            g_string_append_c (out, ',');
        }
      if (members)
        newline (out, pretty, level);
      g_string_append_c (out, '}');
      return;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      guint n = json_array_get_length (a);

      g_string_append_c (out, '[');
      for (guint i = 0; i < n; i++)
        {
          newline (out, pretty, level + 1);
          write_node (out, json_array_get_element (a, i), pretty, level + 1);
          if (i + 1 < n)
            g_string_append_c (out, ',');
        }
      if (n)
        newline (out, pretty, level);
      g_string_append_c (out, ']');
      return;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      write_number (out, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_STRING:
      write_string (out, json_node_get_string (node));
      break;
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
ink_json_to_text (JsonNode *node,
                  gboolean  pretty)
{
  GString *out = g_string_new (NULL);

  write_node (out, node, pretty, 0);
  return g_string_free (out, FALSE);
}

char *
ink_json_builder_to_text (JsonBuilder *b,
                          gboolean     pretty)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  return ink_json_to_text (root, pretty);
}

void
ink_json_member_string (JsonBuilder *b,
                        const char  *name,
                        const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

void
ink_json_member_int (JsonBuilder *b,
                     const char  *name,
                     gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
ink_json_member_double (JsonBuilder *b,
                        const char  *name,
                        double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

void
ink_json_member_float (JsonBuilder *b,
                       const char  *name,
                       float        value)
{
  ink_json_member_double (b, name, ink_json_float_to_double (value));
}

void
ink_json_member_bool (JsonBuilder *b,
                      const char  *name,
                      gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

void
ink_json_member_begin_object (JsonBuilder *b,
                              const char  *name)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
}

void
ink_json_member_begin_array (JsonBuilder *b,
                             const char  *name)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
}
