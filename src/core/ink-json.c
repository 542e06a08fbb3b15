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

JsonParser *
ink_json_parse (const char *text,
                gssize      len,
                GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  gsize at = 0;

  switch (ink_json_lex (text, len, INK_JSON_MAX_DEPTH, &at))
    {
    case INK_JSON_LEX_TOO_DEEP:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "arrays and objects nest more than %d deep (at byte %" G_GSIZE_FORMAT ")",
                   INK_JSON_MAX_DEPTH, at);
      return NULL;
    case INK_JSON_LEX_EXTENSION:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "unexpected '%c' at byte %" G_GSIZE_FORMAT " (JSON has no comments "
                   "and no single-quoted strings)", text[at], at);
      return NULL;
    case INK_JSON_LEX_OK:
      break;
    }
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, len, error))
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

char *
ink_json_tidy_numbers (const char *json)
{
  GString *out = g_string_sized_new (strlen (json));
  const char *p = json;

  while (*p)
    {
      if (*p == '"')
        {
          /* copy the string with its escapes */
          const char *q = p + 1;

          while (*q && *q != '"')
            q += (*q == '\\' && q[1]) ? 2 : 1;
          if (*q == '"')
            q++;
          g_string_append_len (out, p, q - p);
          p = q;
        }
      else if (*p == '-' || g_ascii_isdigit (*p))
        {
          const char *q = p + (*p == '-');
          gboolean real = FALSE;
          char *end = NULL;
          double d;

          while (g_ascii_isdigit (*q) || *q == '.' || *q == 'e' || *q == 'E' ||
                 ((*q == '+' || *q == '-') && (q[-1] == 'e' || q[-1] == 'E')))
            {
              real |= (*q == '.' || *q == 'e' || *q == 'E');
              q++;
            }
          d = g_ascii_strtod (p, &end);
          if (real && end == q && isfinite (d))
            {
              char buf[G_ASCII_DTOSTR_BUF_SIZE];

              shortest (d, buf, sizeof buf);
              /* keep it a real number: 2.0, not 2 */
              if (strpbrk (buf, ".eEn") == NULL)
                g_strlcat (buf, ".0", sizeof buf);
              g_string_append (out, buf);
            }
          else
            g_string_append_len (out, p, q - p);
          p = q;
        }
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}
