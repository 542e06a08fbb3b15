/* ink-csv.c
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

/* CSV datasets ("label,pixel,…" a line, optional header, raw or gzip),
 * read in chunks with every line and field checked. */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ink-data-input.h"
#include "ink-dataset.h"

/* The most CSV text read (on disk, or decompressed): INK_DATA_MAX_BYTES
 * pixels written "255," take 4 bytes each; twice that leaves room for
 * spaces and line ends.  A gzip bomb stops here. */
#define CSV_MAX_TEXT ((guint64) INK_DATA_MAX_BYTES * 8u)

#define CSV_CHUNK (256u * 1024u)
/* A label and 1024×1024 pixels of "255," with some slack for spaces. */
#define CSV_MAX_LINE ((1u + INK_DATA_MAX_SIDE * INK_DATA_MAX_SIDE) * 8u)

/* ---- CSV ---- */

typedef struct
{
  const char *path;
  guint       line_no;      /* 1-based number of the line being parsed */
  guint       n_cols;       /* 0 until the first line fixed it */
  guint       first_line;   /* the line that fixed n_cols */
  gboolean    seen_any;     /* a non-blank line was met */
  guint       n;            /* images parsed */
  guint       cap;          /* images the buffers can hold */
  guint8     *images;       /* cap · (n_cols - 1) */
  guint8     *labels;       /* cap */
} CsvParser;

static void
csv_parser_clear (CsvParser *p)
{
  g_clear_pointer (&p->images, g_free);
  g_clear_pointer (&p->labels, g_free);
}

/* Room for one more image: the buffers double, up to INK_DATA_MAX_ITEMS. */
static gboolean
csv_reserve (CsvParser *p,
             GError   **error)
{
  gsize n_pix = p->n_cols - 1;
  guint cap;
  guint8 *images, *labels;

  if (p->n < p->cap)
    return TRUE;

  if (p->n >= INK_DATA_MAX_ITEMS)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                           _("line %u: more than %u images, the most Inkling accepts"),
                           p->line_no, INK_DATA_MAX_ITEMS);
      return FALSE;
    }

  if ((guint64) (p->n + 1) * n_pix > INK_DATA_MAX_BYTES)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                           _("line %u: more than %u bytes of pixels, the most Inkling accepts"),
                           p->line_no, INK_DATA_MAX_BYTES);
      return FALSE;
    }

  cap = MIN (MAX (p->cap * 2, 1024u), INK_DATA_MAX_ITEMS);
  cap = (guint) MIN ((guint64) cap, INK_DATA_MAX_BYTES / n_pix);
  images = g_try_realloc (p->images, (gsize) cap * n_pix);
  if (images == NULL)
    {
      ink_data_file_error (error, INK_DATA_ERROR_IO, p->path,
                           _("not enough memory for %u images of %" G_GSIZE_FORMAT " pixels"),
                           cap, n_pix);
      return FALSE;
    }
  p->images = images;
  labels = g_try_realloc (p->labels, cap);
  if (labels == NULL)
    {
      ink_data_file_error (error, INK_DATA_ERROR_IO, p->path,
                           _("not enough memory for %u labels"), cap);
      return FALSE;
    }
  p->labels = labels;
  p->cap = cap;
  return TRUE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvParser, csv_parser_clear)

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* Parses a whole field as an unsigned decimal integer.  Values too big for
 * any check saturate at G_MAXUINT.  *negative tells "-5" apart from "abc". */
static gboolean
parse_uint_field (const char *s,
                  gsize       len,
                  guint      *value,
                  gboolean   *negative)
{
  guint64 v = 0;
  gsize i = 0;

  *negative = FALSE;
  if (len > 0 && (s[0] == '-' || s[0] == '+'))
    {
      *negative = s[0] == '-';
      i = 1;
    }
  if (i == len)
    return FALSE;
  for (; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return FALSE;
      v = v * 10 + (guint64) (s[i] - '0');
      if (v > G_MAXUINT)
        v = G_MAXUINT;
    }
  *value = (guint) v;
  return TRUE;
}

static guint
count_fields (const char *s,
              gsize       len)
{
  guint n = 1;
  const char *p = s, *end = s + len;

  while ((p = memchr (p, ',', (gsize) (end - p))) != NULL)
    {
      n++;
      p++;
    }
  return n;
}

static gboolean
csv_set_columns (CsvParser *p,
                 guint      n_cols,
                 GError   **error)
{
  guint n_pix = n_cols - 1;
  guint side = 0;

  if (n_pix == 784)
    side = 28;
  else if (n_pix > 0)
    {
      side = (guint) floor (sqrt ((double) n_pix) + 0.5);
      if (side * side != n_pix || side > INK_DATA_MAX_SIDE)
        side = 0;
    }

  if (side == 0)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                           _("line %u has %u columns; expected 785 (a label and 28×28 "
                             "pixels) or a label and a square number of pixels"),
                           p->line_no, n_cols);
      return FALSE;
    }

  p->n_cols = n_cols;
  p->first_line = p->line_no;
  return TRUE;
}

static gboolean
csv_parse_line (CsvParser  *p,
                const char *s,
                gsize       len,
                GError    **error)
{
  const char *field, *end;
  guint8 *row;
  guint n_cols, col;

  /* a UTF-8 byte order mark some spreadsheet programs write */
  if (!p->seen_any && len >= 3 && memcmp (s, "\xEF\xBB\xBF", 3) == 0)
    {
      s += 3;
      len -= 3;
    }

  /* CRLF, trailing spaces, blank lines */
  while (len > 0 && (s[len - 1] == '\r' || is_blank (s[len - 1])))
    len--;
  if (len == 0)
    return TRUE;

  n_cols = count_fields (s, len);

  if (!p->seen_any)
    {
      const char *comma = memchr (s, ',', len);
      gsize first_len = comma ? (gsize) (comma - s) : len;
      guint value;
      gboolean negative;

      p->seen_any = TRUE;
      while (first_len > 0 && is_blank (s[first_len - 1]))
        first_len--;
      while (first_len > 0 && is_blank (*s))
        {
          s++;
          len--;
          first_len--;
        }

      if (first_len > 0 && !parse_uint_field (s, first_len, &value, &negative))
        /* a header line: it fixes the column count, holds no data */
        return csv_set_columns (p, n_cols, error);
    }

  if (p->n_cols == 0 && !csv_set_columns (p, n_cols, error))
    return FALSE;

  if (n_cols != p->n_cols)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                           _("line %u has %u columns but line %u has %u; every line "
                             "must hold a label and the same number of pixels"),
                           p->line_no, n_cols, p->first_line, p->n_cols);
      return FALSE;
    }

  if (!csv_reserve (p, error))
    return FALSE;
  row = p->images + (gsize) p->n * (p->n_cols - 1);

  field = s;
  end = s + len;
  for (col = 1; col <= n_cols; col++)
    {
      const char *comma = memchr (field, ',', (gsize) (end - field));
      const char *fend = comma ? comma : end;
      const char *a = field, *b = fend;
      guint value = 0;
      gboolean negative = FALSE;

      while (a < b && is_blank (*a))
        a++;
      while (b > a && is_blank (b[-1]))
        b--;

      if (a == b)
        {
          ink_data_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                               _("line %u, column %u is empty; expected a whole number"),
                               p->line_no, col);
          return FALSE;
        }
      if (!parse_uint_field (a, (gsize) (b - a), &value, &negative))
        {
          int shown = (int) MIN ((gsize) (b - a), 24);

          ink_data_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                               _("line %u, column %u: “%.*s%s” is not a whole number"),
                               p->line_no, col, shown, a,
                               (gsize) (b - a) > 24 ? "…" : "");
          return FALSE;
        }

      if (col == 1)
        {
          if (negative || value > 9)
            {
              ink_data_file_error (error, INK_DATA_ERROR_LABEL, p->path,
                                   _("line %u: label %s%u is outside 0..9"),
                                   p->line_no, negative ? "-" : "", value);
              return FALSE;
            }
          p->labels[p->n] = (guint8) value;
        }
      else
        {
          if ((negative && value != 0) || value > 255)
            {
              ink_data_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                                   _("line %u, column %u: pixel value %s%u is outside 0..255"),
                                   p->line_no, col, negative ? "-" : "", value);
              return FALSE;
            }
          row[col - 2] = (guint8) value;
        }

      field = fend + 1;
    }

  p->n++;
  return TRUE;
}

InkDataset *
ink_dataset_load_csv (const char  *path,
                      GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) line = NULL;
  g_autofree guint8 *chunk = NULL;
  g_auto(CsvParser) p = { 0, };
  gboolean gzip = FALSE;
  goffset size = 0;
  guint64 text_len = 0;
  InkDataset *ds;
  guint side;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stream = ink_data_open (path, &gzip, &size, error);
  if (stream == NULL)
    return NULL;

  if (!gzip && (guint64) size > CSV_MAX_TEXT)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                           _("the file is %" G_GUINT64_FORMAT " bytes, more than the %"
                             G_GUINT64_FORMAT " an image CSV file of at most %u bytes of "
                             "pixels takes"),
                           (guint64) size, CSV_MAX_TEXT, INK_DATA_MAX_BYTES);
      return NULL;
    }

  line = g_byte_array_new ();
  chunk = g_malloc (CSV_CHUNK);
  p.path = path;
  p.line_no = 1;

  for (;;)
    {
      gsize got = 0, pos = 0;
      gboolean ok = TRUE;

      if (!ink_data_read (stream, path, gzip, chunk, CSV_CHUNK, &got, error))
        return NULL;
      text_len += got;
      if (text_len > CSV_MAX_TEXT)
        {
          ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                               gzip ? _("the data decompresses to more than %" G_GUINT64_FORMAT
                                        " bytes, more than an image CSV file of at most %u "
                                        "bytes of pixels takes")
                                    : _("the file holds more than %" G_GUINT64_FORMAT
                                        " bytes, more than an image CSV file of at most %u "
                                        "bytes of pixels takes"),
                               CSV_MAX_TEXT, INK_DATA_MAX_BYTES);
          return NULL;
        }

      while (pos < got)
        {
          const guint8 *nl = memchr (chunk + pos, '\n', got - pos);
          gsize seg = nl ? (gsize) (nl - (chunk + pos)) : got - pos;

          if (line->len + seg > CSV_MAX_LINE)
            {
              ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                                   _("line %u is longer than %u bytes; this is not an "
                                     "image CSV file"),
                                   p.line_no, CSV_MAX_LINE);
              return NULL;
            }

          if (nl == NULL)
            {
              g_byte_array_append (line, chunk + pos, (guint) seg);
              break;
            }

          if (line->len == 0)
            ok = csv_parse_line (&p, (const char *) chunk + pos, seg, error);
          else
            {
              g_byte_array_append (line, chunk + pos, (guint) seg);
              ok = csv_parse_line (&p, (const char *) line->data, line->len, error);
              g_byte_array_set_size (line, 0);
            }
          if (!ok)
            return NULL;
          p.line_no++;
          pos += seg + 1;
        }

      if (got < CSV_CHUNK)
        break;
    }

  /* the last line may lack its newline */
  if (line->len > 0 &&
      !csv_parse_line (&p, (const char *) line->data, line->len, error))
    return NULL;

  if (p.n == 0)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                           p.seen_any ? _("the file holds a header line but no images")
                                      : _("the file is empty; expected lines of "
                                          "“label,pixel,pixel,…”"));
      return NULL;
    }

  side = (guint) floor (sqrt ((double) (p.n_cols - 1)) + 0.5);
  ds = g_new0 (InkDataset, 1);
  ds->n = p.n;
  ds->rows = side;
  ds->cols = side;
  /* give back what the doubling over-allocated */
  ds->images = g_realloc (g_steal_pointer (&p.images), (gsize) p.n * (p.n_cols - 1));
  ds->labels = g_realloc (g_steal_pointer (&p.labels), p.n);
  return ds;
}
