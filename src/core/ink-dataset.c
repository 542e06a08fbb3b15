/* ink-dataset.c
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

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ink-dataset.h"
#include "ink-rng.h"

G_DEFINE_QUARK (ink-data-error-quark, ink_data_error)

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u

/* Gzip payloads cannot be sized before they are decompressed, so the buffer
 * grows from this size (doubling) up to what the header declares (at most
 * INK_DATA_MAX_BYTES): a small file that claims a huge payload never gets
 * more memory than it delivers (times two). */
#define GZIP_FIRST_CHUNK (1024u * 1024u)

/* How many trailing bytes of a gzip stream are counted before giving up:
 * decompression stops there, whatever more the stream would give. */
#define TRAILING_COUNT_LIMIT (1024u * 1024u)

/* The most CSV text read (on disk, or decompressed): INK_DATA_MAX_BYTES
 * pixels written "255," take 4 bytes each; twice that leaves room for
 * spaces and line ends.  A gzip bomb stops here. */
#define CSV_MAX_TEXT ((guint64) INK_DATA_MAX_BYTES * 8u)

#define CSV_CHUNK (256u * 1024u)
/* A label and 1024×1024 pixels of "255," with some slack for spaces. */
#define CSV_MAX_LINE ((1u + INK_DATA_MAX_SIDE * INK_DATA_MAX_SIDE) * 8u)

static const char *const standard_files[4] = {
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
};

#define FASHION_MNIST_SYSTEM_DIR "/usr/share/datasets/fashion-mnist"

/* ---- errors ---- */

/* Sets an INK_DATA_ERROR whose message starts with the file's name. */
static void set_file_error (GError     **error,
                            InkDataError code,
                            const char  *path,
                            const char  *format,
                            ...) G_GNUC_PRINTF (4, 5);

static void
set_file_error (GError     **error,
                InkDataError code,
                const char  *path,
                const char  *format,
                ...)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, INK_DATA_ERROR, code, "%s: %s", display, msg);
}

/* Turns a GIO error met while opening or reading `path` into an
 * INK_DATA_ERROR that says what happened in plain words. */
static void
set_error_from_gio (GError     **error,
                    const char  *path,
                    gboolean     gzip,
                    GError      *gio_error)
{
  if (g_error_matches (gio_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    set_file_error (error, INK_DATA_ERROR_NOT_FOUND, path,
                    _("file not found"));
  else if (g_error_matches (gio_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    set_file_error (error, INK_DATA_ERROR_IO, path,
                    _("is a folder, expected a file"));
  else if (gzip && g_error_matches (gio_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    set_file_error (error, INK_DATA_ERROR_IO, path,
                    _("the gzip data ends early (%s); the file is truncated, "
                      "probably an incomplete download"),
                    gio_error->message);
  else if (gzip && g_error_matches (gio_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    set_file_error (error, INK_DATA_ERROR_IO, path,
                    _("corrupted gzip data (%s); download the file again"),
                    gio_error->message);
  else
    set_file_error (error, INK_DATA_ERROR_IO, path,
                    _("cannot read the file: %s"), gio_error->message);
}

/* ---- input: a raw file or its gzip decompression ---- */

/* Opens `path`, sniffing the gzip magic (1f 8b).  *size is the size on disk. */
static GInputStream *
open_input (const char *path,
            gboolean   *is_gzip,
            goffset    *size,
            GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 sig[2] = { 0, 0 };
  gsize got = 0;

  /* opening a FIFO blocks until a writer comes; a device never ends */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            NULL, NULL);
  if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR &&
      g_file_info_get_file_type (info) != G_FILE_TYPE_UNKNOWN)
    {
      set_file_error (error, INK_DATA_ERROR_IO, path, _("not a regular file"));
      return NULL;
    }
  g_clear_object (&info);

  in = g_file_read (file, NULL, &local_error);
  if (in == NULL)
    {
      set_error_from_gio (error, path, FALSE, local_error);
      return NULL;
    }

  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                         NULL, &local_error);
  if (info == NULL)
    {
      set_error_from_gio (error, path, FALSE, local_error);
      return NULL;
    }
  *size = g_file_info_get_size (info);

  if (!g_input_stream_read_all (G_INPUT_STREAM (in), sig, sizeof sig, &got,
                                NULL, &local_error) ||
      !g_seekable_seek (G_SEEKABLE (in), 0, G_SEEK_SET, NULL, &local_error))
    {
      set_error_from_gio (error, path, FALSE, local_error);
      return NULL;
    }

  *is_gzip = got == 2 && sig[0] == 0x1f && sig[1] == 0x8b;
  if (*is_gzip)
    {
      g_autoptr(GZlibDecompressor) dec =
        g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);

      return g_converter_input_stream_new (G_INPUT_STREAM (in),
                                           G_CONVERTER (dec));
    }

  return G_INPUT_STREAM (g_steal_pointer (&in));
}

/* Reads up to `len` bytes; *got < len only at the end of the data. */
static gboolean
read_up_to (GInputStream *stream,
            const char   *path,
            gboolean      gzip,
            void         *buf,
            gsize         len,
            gsize        *got,
            GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_input_stream_read_all (stream, buf, len, got, NULL, &local_error))
    {
      set_error_from_gio (error, path, gzip, local_error);
      return FALSE;
    }
  return TRUE;
}

/* Counts what is left in the stream (up to TRAILING_COUNT_LIMIT bytes). */
static gboolean
count_trailing (GInputStream *stream,
                const char   *path,
                gboolean      gzip,
                guint64      *count,
                GError      **error)
{
  g_autofree guint8 *buf = g_malloc (64 * 1024);

  *count = 0;
  while (*count < TRAILING_COUNT_LIMIT)
    {
      gsize got = 0;

      if (!read_up_to (stream, path, gzip, buf, 64 * 1024, &got, error))
        return FALSE;
      if (got == 0)
        break;
      *count += got;
    }
  return TRUE;
}

/* ---- IDX ---- */

typedef struct
{
  const char   *path;
  GInputStream *stream;
  gboolean      gzip;
  gboolean      images;
  goffset       file_size;
  guint32       dims[3];   /* count, rows, cols (rows = cols = 1 for labels) */
  gsize         header_len;
  gsize         payload_len;
} IdxFile;

static void
idx_file_clear (IdxFile *f)
{
  g_clear_object (&f->stream);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdxFile, idx_file_clear)

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
         ((guint32) p[2] << 8) | (guint32) p[3];
}

static gboolean
idx_check_magic (IdxFile *f,
                 guint32  magic,
                 GError **error)
{
  guint32 expected = f->images ? IDX_MAGIC_IMAGES : IDX_MAGIC_LABELS;
  guint32 other = f->images ? IDX_MAGIC_LABELS : IDX_MAGIC_IMAGES;
  const char *what = f->images ? _("an IDX image file") : _("an IDX label file");

  if (magic == expected)
    return TRUE;

  if (magic == other)
    set_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                    _("bad magic number 0x%08X (expected 0x%08X for %s): "
                      "this is an IDX %s file; are the image and label files swapped?"),
                    magic, expected, what, f->images ? _("label") : _("image"));
  else if ((magic >> 16) != 0)
    set_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                    _("bad magic number 0x%08X (expected 0x%08X for %s): "
                      "this is not an IDX file"),
                    magic, expected, what);
  else if (((magic >> 8) & 0xff) != 0x08)
    set_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                    _("bad magic number 0x%08X (expected 0x%08X for %s): "
                      "element type 0x%02X is not unsigned bytes (0x08)"),
                    magic, expected, what, (magic >> 8) & 0xff);
  else
    set_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                    _("bad magic number 0x%08X (expected 0x%08X for %s): "
                      "rank %u, but %s"),
                    magic, expected, what, magic & 0xff,
                    f->images ? _("image files have rank 3 (count, rows, columns)")
                              : _("label files have rank 1 (count)"));
  return FALSE;
}

/* "60000 images of 28×28 pixels (47040000 bytes)" */
static char *
idx_describe_payload (const IdxFile *f)
{
  if (f->images)
    return g_strdup_printf (_("%u images of %u×%u pixels (%" G_GSIZE_FORMAT " bytes)"),
                            f->dims[0], f->dims[1], f->dims[2], f->payload_len);
  return g_strdup_printf (_("%u labels (%" G_GSIZE_FORMAT " bytes)"),
                          f->dims[0], f->payload_len);
}

static void
truncated_payload_error (const IdxFile *f,
                         guint64        have,
                         GError       **error)
{
  g_autofree char *what = idx_describe_payload (f);

  set_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                  _("truncated: the header declares %s but only %" G_GUINT64_FORMAT
                    " bytes follow it; the file is incomplete"),
                  what, have);
}

/* Opens an IDX file and validates its header; the payload is not read yet. */
static gboolean
idx_open (IdxFile    *f,
          const char *path,
          gboolean    images,
          GError    **error)
{
  guint8 header[16];
  guint rank = images ? 3 : 1;
  gsize got = 0;
  guint32 magic;

  f->path = path;
  f->images = images;
  f->stream = open_input (path, &f->gzip, &f->file_size, error);
  if (f->stream == NULL)
    return FALSE;

  f->header_len = 4 + 4 * rank;
  if (!read_up_to (f->stream, path, f->gzip, header, f->header_len, &got, error))
    return FALSE;

  if (got == 0)
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                      f->gzip ? _("the file decompresses to nothing; expected an IDX header")
                              : _("the file is empty; expected an IDX header"));
      return FALSE;
    }
  if (got >= 4 && !idx_check_magic (f, read_be32 (header), error))
    return FALSE;
  if (got < f->header_len)
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                      _("truncated header: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                        " bytes; this is not a complete IDX file"),
                      got, f->header_len);
      return FALSE;
    }

  magic = read_be32 (header);
  g_assert (magic == (images ? IDX_MAGIC_IMAGES : IDX_MAGIC_LABELS));

  f->dims[0] = read_be32 (header + 4);
  f->dims[1] = images ? read_be32 (header + 8) : 1;
  f->dims[2] = images ? read_be32 (header + 12) : 1;

  if (f->dims[0] == 0)
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                      images ? _("the header declares zero images")
                             : _("the header declares zero labels"));
      return FALSE;
    }
  if (f->dims[0] > INK_DATA_MAX_ITEMS)
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                      images ? _("the header declares %u images, more than the limit "
                                 "of %u; the header is corrupt")
                             : _("the header declares %u labels, more than the limit "
                                 "of %u; the header is corrupt"),
                      f->dims[0], INK_DATA_MAX_ITEMS);
      return FALSE;
    }
  if (images && (f->dims[1] == 0 || f->dims[2] == 0))
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                      _("the header declares images of %u×%u pixels; a side of zero is not an image"),
                      f->dims[1], f->dims[2]);
      return FALSE;
    }
  if (images && (f->dims[1] > INK_DATA_MAX_SIDE || f->dims[2] > INK_DATA_MAX_SIDE))
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                      _("the header declares images of %u×%u pixels, more than "
                        "the limit of %u per side; the header is corrupt"),
                      f->dims[1], f->dims[2], INK_DATA_MAX_SIDE);
      return FALSE;
    }

  /* at most 2^24 · 2^20 bytes: fits a 64-bit gsize; checked for 32-bit */
  if (!g_size_checked_mul (&f->payload_len, f->dims[0], f->dims[1]) ||
      !g_size_checked_mul (&f->payload_len, f->payload_len, f->dims[2]))
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                      _("the header declares %u images of %u×%u pixels, too many "
                        "bytes for this computer's address space"),
                      f->dims[0], f->dims[1], f->dims[2]);
      return FALSE;
    }
  if (f->payload_len > INK_DATA_MAX_BYTES)
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                      _("the header declares %u images of %u×%u pixels (%" G_GSIZE_FORMAT
                        " bytes), more than the limit of %u bytes; the header is corrupt "
                        "or the data set is not MNIST-shaped"),
                      f->dims[0], f->dims[1], f->dims[2], f->payload_len, INK_DATA_MAX_BYTES);
      return FALSE;
    }

  if (!f->gzip)
    {
      guint64 avail = f->file_size > (goffset) f->header_len
                    ? (guint64) f->file_size - f->header_len : 0;

      if (avail < f->payload_len)
        {
          truncated_payload_error (f, avail, error);
          return FALSE;
        }
      if (avail > f->payload_len)
        {
          set_file_error (error, INK_DATA_ERROR_FORMAT, path,
                          _("%" G_GUINT64_FORMAT " trailing bytes after the %"
                            G_GSIZE_FORMAT " bytes the header declares; the file is "
                            "corrupt or not a single IDX file"),
                          avail - f->payload_len, f->payload_len);
          return FALSE;
        }
    }

  return TRUE;
}

/* Reads exactly the declared payload and checks that the data ends there. */
static guint8 *
idx_read_payload (IdxFile *f,
                  GError **error)
{
  g_autofree guint8 *buf = NULL;
  gsize cap, have = 0;
  guint64 trailing = 0;

  cap = f->gzip ? MIN (f->payload_len, GZIP_FIRST_CHUNK) : f->payload_len;
  buf = g_try_malloc (cap);
  if (buf == NULL)
    {
      set_file_error (error, INK_DATA_ERROR_IO, f->path,
                      _("not enough memory for %" G_GSIZE_FORMAT " bytes"), cap);
      return NULL;
    }

  for (;;)
    {
      gsize got = 0;

      if (!read_up_to (f->stream, f->path, f->gzip, buf + have, cap - have, &got, error))
        return NULL;
      have += got;
      if (have < cap)
        {
          truncated_payload_error (f, have, error);
          return NULL;
        }
      if (have == f->payload_len)
        break;

      /* gzip only: grow, never beyond what the header declared */
      cap = cap > f->payload_len / 2 ? f->payload_len : cap * 2;
      {
        guint8 *bigger = g_try_realloc (buf, cap);

        if (bigger == NULL)
          {
            set_file_error (error, INK_DATA_ERROR_IO, f->path,
                            _("not enough memory for %" G_GSIZE_FORMAT " bytes"), cap);
            return NULL;
          }
        buf = bigger;
      }
    }

  /* for gzip this also makes the decompressor verify the CRC */
  if (!count_trailing (f->stream, f->path, f->gzip, &trailing, error))
    return NULL;
  if (trailing > 0)
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                      _("%s%" G_GUINT64_FORMAT " trailing bytes after the %"
                        G_GSIZE_FORMAT " bytes the header declares; the file is "
                        "corrupt or not a single IDX file"),
                      trailing >= TRAILING_COUNT_LIMIT ? _("at least ") : "",
                      trailing, f->payload_len);
      return NULL;
    }

  return g_steal_pointer (&buf);
}

void
ink_dataset_free (InkDataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->images);
  g_free (ds->labels);
  g_free (ds);
}

guint
ink_dataset_dim (const InkDataset *ds)
{
  g_return_val_if_fail (ds != NULL, 0);
  return ds->rows * ds->cols;
}

InkDataset *
ink_dataset_load_idx (const char  *images_path,
                      const char  *labels_path,
                      GError     **error)
{
  g_auto(IdxFile) img = { 0, };
  g_auto(IdxFile) lab = { 0, };
  g_autofree guint8 *labels = NULL;
  g_autofree guint8 *images = NULL;
  InkDataset *ds;

  g_return_val_if_fail (images_path != NULL, NULL);
  g_return_val_if_fail (labels_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* both headers first: a mismatch is reported before anything big is read */
  if (!idx_open (&img, images_path, TRUE, error) ||
      !idx_open (&lab, labels_path, FALSE, error))
    return NULL;

  if (img.dims[0] != lab.dims[0])
    {
      g_autofree char *img_name = g_filename_display_name (images_path);
      g_autofree char *lab_name = g_filename_display_name (labels_path);

      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("%s holds %u images but %s holds %u labels; "
                     "each image needs exactly one label"),
                   img_name, img.dims[0], lab_name, lab.dims[0]);
      return NULL;
    }

  labels = idx_read_payload (&lab, error);
  if (labels == NULL)
    return NULL;
  for (guint i = 0; i < lab.dims[0]; i++)
    if (labels[i] > 9)
      {
        set_file_error (error, INK_DATA_ERROR_LABEL, labels_path,
                        _("label %u at index %u is outside 0..9"), labels[i], i);
        return NULL;
      }

  images = idx_read_payload (&img, error);
  if (images == NULL)
    return NULL;

  ds = g_new0 (InkDataset, 1);
  ds->n = img.dims[0];
  ds->rows = img.dims[1];
  ds->cols = img.dims[2];
  ds->images = g_steal_pointer (&images);
  ds->labels = g_steal_pointer (&labels);
  return ds;
}

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
      set_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                      _("line %u: more than %u images, the most Inkling accepts"),
                      p->line_no, INK_DATA_MAX_ITEMS);
      return FALSE;
    }

  if ((guint64) (p->n + 1) * n_pix > INK_DATA_MAX_BYTES)
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                      _("line %u: more than %u bytes of pixels, the most Inkling accepts"),
                      p->line_no, INK_DATA_MAX_BYTES);
      return FALSE;
    }

  cap = MIN (MAX (p->cap * 2, 1024u), INK_DATA_MAX_ITEMS);
  cap = (guint) MIN ((guint64) cap, INK_DATA_MAX_BYTES / n_pix);
  images = g_try_realloc (p->images, (gsize) cap * n_pix);
  if (images == NULL)
    {
      set_file_error (error, INK_DATA_ERROR_IO, p->path,
                      _("not enough memory for %u images of %" G_GSIZE_FORMAT " pixels"),
                      cap, n_pix);
      return FALSE;
    }
  p->images = images;
  labels = g_try_realloc (p->labels, cap);
  if (labels == NULL)
    {
      set_file_error (error, INK_DATA_ERROR_IO, p->path,
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
      set_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
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
      set_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
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
          set_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                          _("line %u, column %u is empty; expected a whole number"),
                          p->line_no, col);
          return FALSE;
        }
      if (!parse_uint_field (a, (gsize) (b - a), &value, &negative))
        {
          int shown = (int) MIN ((gsize) (b - a), 24);

          set_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
                          _("line %u, column %u: “%.*s%s” is not a whole number"),
                          p->line_no, col, shown, a,
                          (gsize) (b - a) > 24 ? "…" : "");
          return FALSE;
        }

      if (col == 1)
        {
          if (negative || value > 9)
            {
              set_file_error (error, INK_DATA_ERROR_LABEL, p->path,
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
              set_file_error (error, INK_DATA_ERROR_FORMAT, p->path,
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

  stream = open_input (path, &gzip, &size, error);
  if (stream == NULL)
    return NULL;

  if (!gzip && (guint64) size > CSV_MAX_TEXT)
    {
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
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

      if (!read_up_to (stream, path, gzip, chunk, CSV_CHUNK, &got, error))
        return NULL;
      text_len += got;
      if (text_len > CSV_MAX_TEXT)
        {
          set_file_error (error, INK_DATA_ERROR_FORMAT, path,
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
              set_file_error (error, INK_DATA_ERROR_FORMAT, path,
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
      set_file_error (error, INK_DATA_ERROR_FORMAT, path,
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

/* ---- folders ---- */

/* Finds `base` in `dir` as is, with '.' before "idx", or either with ".gz";
 * raw files first. */
static char *
find_standard_file (const char *dir,
                    const char *base)
{
  g_autofree char *dotted = g_strdup (base);
  char *idx = strstr (dotted, "-idx");
  const char *names[2] = { base, dotted };
  const char *suffixes[2] = { "", ".gz" };

  if (idx != NULL)
    *idx = '.';

  for (guint s = 0; s < G_N_ELEMENTS (suffixes); s++)
    for (guint n = 0; n < G_N_ELEMENTS (names); n++)
      {
        g_autofree char *name = g_strconcat (names[n], suffixes[s], NULL);
        g_autofree char *path = g_build_filename (dir, name, NULL);

        if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
          return g_steal_pointer (&path);
      }
  return NULL;
}

/* The CSV form of a dataset (label first, then the pixels), as the common
 * MNIST CSV downloads name it: mnist_train.csv + mnist_test.csv,
 * fashion-mnist_train.csv + fashion-mnist_test.csv or train.csv + test.csv,
 * raw or .gz.  Both paths or FALSE. */
static gboolean
find_csv_pair (const char  *dir,
               char       **train,
               char       **test)
{
  static const char * const pairs[][2] = {
    { "mnist_train.csv", "mnist_test.csv" },
    { "fashion-mnist_train.csv", "fashion-mnist_test.csv" },
    { "train.csv", "test.csv" },
  };
  static const char * const suffixes[] = { "", ".gz" };

  for (guint p = 0; p < G_N_ELEMENTS (pairs); p++)
    {
      g_autofree char *a = NULL, *b = NULL;

      for (guint s = 0; s < G_N_ELEMENTS (suffixes); s++)
        {
          g_autofree char *pa = g_strconcat (pairs[p][0], suffixes[s], NULL);
          g_autofree char *pb = g_strconcat (pairs[p][1], suffixes[s], NULL);
          g_autofree char *fa = g_build_filename (dir, pa, NULL);
          g_autofree char *fb = g_build_filename (dir, pb, NULL);

          if (a == NULL && g_file_test (fa, G_FILE_TEST_IS_REGULAR))
            a = g_steal_pointer (&fa);
          if (b == NULL && g_file_test (fb, G_FILE_TEST_IS_REGULAR))
            b = g_steal_pointer (&fb);
        }
      if (a != NULL && b != NULL)
        {
          *train = g_steal_pointer (&a);
          *test = g_steal_pointer (&b);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
dir_holds_dataset (const char *dir)
{
  g_autofree char *a = NULL, *b = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (standard_files); i++)
    {
      g_autofree char *path = find_standard_file (dir, standard_files[i]);

      if (path == NULL)
        return find_csv_pair (dir, &a, &b);
    }
  return TRUE;
}

char *
ink_dataset_dir_images_file (const char *dir,
                             gboolean    test)
{
  g_autofree char *a = NULL, *b = NULL;
  char *path = find_standard_file (dir, standard_files[test ? 2 : 0]);

  if (path != NULL)
    return path;
  if (find_csv_pair (dir, &a, &b))
    return test ? g_steal_pointer (&b) : g_steal_pointer (&a);
  return NULL;
}

gboolean
ink_dataset_load_dir (const char  *dir,
                      InkDataset **train,
                      InkDataset **test,
                      GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree char *ti = NULL;
  g_autofree char *tl = NULL;
  g_autofree char *vi = NULL;
  g_autofree char *vl = NULL;
  g_autoptr(GString) missing = NULL;
  g_autoptr(InkDataset) tr = NULL;
  g_autoptr(InkDataset) te = NULL;
  char **paths[4] = { &ti, &tl, &vi, &vl };

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (train != NULL && test != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display = g_filename_display_name (dir);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_NOT_FOUND,
                   g_file_test (dir, G_FILE_TEST_EXISTS)
                   ? _("%s is not a folder; expected a folder holding the four "
                       "IDX files of a dataset")
                   : _("folder %s not found"),
                   display);
      return FALSE;
    }

  missing = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (standard_files); i++)
    {
      *paths[i] = find_standard_file (dir, standard_files[i]);
      if (*paths[i] == NULL)
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "",
                                standard_files[i]);
    }

  if (missing->len > 0)
    {
      g_autofree char *csv_train = NULL, *csv_test = NULL;

      /* no IDX set: the CSV form will do */
      if (!find_csv_pair (dir, &csv_train, &csv_test))
        {
          g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_NOT_FOUND,
                       _("folder %s lacks %s (looked for raw and .gz files, also "
                         "named with '.' before “idx”), and holds no CSV pair either "
                         "(mnist_train.csv and mnist_test.csv, or train.csv and test.csv)"),
                       display, missing->str);
          return FALSE;
        }
      if (!(tr = ink_dataset_load_csv (csv_train, error)) ||
          !(te = ink_dataset_load_csv (csv_test, error)))
        return FALSE;
      g_free (ti);
      ti = g_steal_pointer (&csv_train);
      g_free (vi);
      vi = g_steal_pointer (&csv_test);
    }
  else
    {
      tr = ink_dataset_load_idx (ti, tl, error);
      if (tr == NULL)
        return FALSE;
      te = ink_dataset_load_idx (vi, vl, error);
      if (te == NULL)
        return FALSE;
    }

  if (tr->rows != te->rows || tr->cols != te->cols)
    {
      g_autofree char *tn = g_filename_display_name (ti);
      g_autofree char *vn = g_filename_display_name (vi);

      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("%s holds %u×%u images but %s holds %u×%u; training and "
                     "test images must have the same shape"),
                   tn, tr->rows, tr->cols, vn, te->rows, te->cols);
      return FALSE;
    }

  *train = g_steal_pointer (&tr);
  *test = g_steal_pointer (&te);
  return TRUE;
}

char *
ink_dataset_user_dir (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  return g_build_filename (g_get_user_data_dir (), "inkling", "datasets", name, NULL);
}

gboolean
ink_dataset_is_known (const char *name)
{
  return name != NULL && (g_ascii_strcasecmp (name, "mnist") == 0 ||
                          g_ascii_strcasecmp (name, "fashion-mnist") == 0);
}

char *
ink_dataset_resolve (const char  *data,
                     const char  *dataset,
                     GError     **error)
{
  if (data != NULL && g_file_test (data, G_FILE_TEST_IS_DIR))
    return g_strdup (data);
  return ink_dataset_find (data != NULL ? data : dataset, error);
}

char *
ink_dataset_find (const char  *name,
                  GError     **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* something that looks like a path is only ever a path */
  if (strchr (name, G_DIR_SEPARATOR) != NULL || name[0] == '.' || name[0] == '~')
    {
      g_autofree char *display = g_filename_display_name (name);

      if (g_file_test (name, G_FILE_TEST_IS_DIR))
        return g_strdup (name);
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_NOT_FOUND,
                   _("folder %s not found"), display);
      return NULL;
    }

  if (g_ascii_strcasecmp (name, "mnist") == 0)
    {
      g_autofree char *user = ink_dataset_user_dir ("mnist");

      if (dir_holds_dataset (user))
        return g_steal_pointer (&user);
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_NOT_FOUND,
                   _("MNIST not found in %s: run ./run.sh (or tools/setup-data.sh) "
                     "to fetch it, or pass --data DIR"),
                   user);
      return NULL;
    }

  if (g_ascii_strcasecmp (name, "fashion-mnist") == 0)
    {
      g_autofree char *user = ink_dataset_user_dir ("fashion-mnist");

      if (dir_holds_dataset (user))
        return g_steal_pointer (&user);
      if (dir_holds_dataset (FASHION_MNIST_SYSTEM_DIR))
        return g_strdup (FASHION_MNIST_SYSTEM_DIR);
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_NOT_FOUND,
                   _("Fashion-MNIST not found in %s nor in %s: install it with "
                     "“sudo apt-get install dataset-fashion-mnist”, put the four "
                     "IDX files in %s, or pass --data DIR"),
                   user, FASHION_MNIST_SYSTEM_DIR, user);
      return NULL;
    }

  if (g_file_test (name, G_FILE_TEST_IS_DIR))
    return g_strdup (name);

  g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_NOT_FOUND,
               _("unknown dataset “%s”: the known names are mnist and "
                 "fashion-mnist; or pass a folder holding the four IDX files"),
               name);
  return NULL;
}

/* ---- splits ---- */

static guint32 *
iota (guint32 first,
      guint   n)
{
  guint32 *idx = g_new (guint32, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    idx[i] = first + i;
  return idx;
}

void
ink_split_free (InkSplit *split)
{
  if (split == NULL)
    return;
  g_free (split->train_idx);
  g_free (split->valid_idx);
  g_free (split->test_idx);
  g_free (split);
}

InkSplit *
ink_split_new (const InkSplitSpec *spec,
               const InkDataset   *train,
               const InkDataset   *test,
               guint64             seed,
               GError            **error)
{
  g_autoptr(InkSplit) split = NULL;
  guint n;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (train != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = train->n;
  if (test != NULL && (test->rows != train->rows || test->cols != train->cols))
    {
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("training images are %u×%u but test images are %u×%u"),
                   train->rows, train->cols, test->rows, test->cols);
      return NULL;
    }

  split = g_new0 (InkSplit, 1);

  switch (spec->kind)
    {
    case INK_SPLIT_OFFICIAL:
      if (test == NULL || test->n == 0)
        {
          g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                       _("the official split validates on the test set, but there "
                         "is no test set; use a fixed or random split"));
          return NULL;
        }
      split->n_train = n;
      split->train_idx = iota (0, n);
      split->n_valid = test->n;
      split->valid_idx = iota (0, test->n);
      split->valid_is_test = TRUE;
      break;

    case INK_SPLIT_FIXED:
      {
        guint n_valid = spec->n_valid;
        guint n_train = spec->n_train;

        if (n_train == 0)
          n_train = n_valid < n ? n - n_valid : 0;
        if ((guint64) n_train + n_valid > n)
          {
            g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                         _("the fixed split asks for %u training and %u validation "
                           "images, but the training file holds only %u"),
                         n_train, n_valid, n);
            return NULL;
          }
        if (n_train == 0)
          {
            g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                         _("the fixed split leaves no training images (%u "
                           "validation images out of %u)"),
                         n_valid, n);
            return NULL;
          }
        split->n_train = n_train;
        split->train_idx = iota (0, n_train);
        split->n_valid = n_valid;
        split->valid_idx = iota (n_train, n_valid);
      }
      break;

    case INK_SPLIT_RANDOM:
      {
        double f = spec->valid_fraction;
        g_autofree guint32 *perm = NULL;
        g_autofree guint8 *is_valid = NULL;
        guint n_valid, t = 0, v = 0;
        InkRng rng;

        if (!(f > 0.0 && f < 1.0))
          {
            g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                         _("the validation fraction %g must lie strictly between "
                           "0 and 1"), f);
            return NULL;
          }
        n_valid = (guint) floor (f * n + 0.5);
        if (n_valid == 0 || n_valid >= n)
          {
            g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                         _("a validation fraction of %g of %u images leaves %s "
                           "empty"),
                         f, n, n_valid == 0 ? _("the validation set")
                                            : _("the training set"));
            return NULL;
          }

        perm = iota (0, n);
        ink_rng_init (&rng, seed);
        ink_rng_shuffle (&rng, perm, n);
        is_valid = g_malloc0 (n);
        for (guint i = 0; i < n_valid; i++)
          is_valid[perm[i]] = 1;

        /* both lists in ascending order, for locality when gathering */
        split->n_train = n - n_valid;
        split->train_idx = g_new (guint32, split->n_train);
        split->n_valid = n_valid;
        split->valid_idx = g_new (guint32, n_valid);
        for (guint i = 0; i < n; i++)
          {
            if (is_valid[i])
              split->valid_idx[v++] = i;
            else
              split->train_idx[t++] = i;
          }
      }
      break;

    default:
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("unknown split kind %d"), (int) spec->kind);
      return NULL;
    }

  if (split->valid_idx == NULL)
    split->valid_idx = iota (0, 0);

  split->n_test = test != NULL ? test->n : 0;
  split->test_idx = iota (0, split->n_test);

  if (spec->subset > 0)
    {
      split->n_train = MIN (split->n_train, spec->subset);
      split->n_valid = MIN (split->n_valid, spec->subset);
      split->n_test = MIN (split->n_test, spec->subset);
    }

  return g_steal_pointer (&split);
}

/* ---- normalization ---- */

void
ink_norm_fit (InkNorm          *norm,
              InkNormKind       kind,
              const InkDataset *ds,
              const guint32    *idx,
              guint             n)
{
  guint64 hist[4][256];
  guint64 count[256];
  guint64 total = 0;
  double sum = 0.0, mean = 0.0, var = 0.0;
  int lo = -1, hi = -1;
  gsize dim;

  g_return_if_fail (norm != NULL);
  g_return_if_fail (ds != NULL || n == 0);

  memset (hist, 0, sizeof hist);
  dim = ds != NULL ? (gsize) ds->rows * ds->cols : 0;

  for (guint i = 0; i < n; i++)
    {
      guint32 k = idx != NULL ? idx[i] : i;
      const guint8 *p;
      gsize j = 0;

      if (k >= ds->n)
        {
          g_critical ("%s: index %u is outside the dataset (%u images)",
                      G_STRFUNC, k, ds->n);
          continue;
        }
      p = ds->images + (gsize) k * dim;
      /* four histograms hide the store-to-load dependency on equal pixels */
      for (; j + 4 <= dim; j += 4)
        {
          hist[0][p[j]]++;
          hist[1][p[j + 1]]++;
          hist[2][p[j + 2]]++;
          hist[3][p[j + 3]]++;
        }
      for (; j < dim; j++)
        hist[0][p[j]]++;
    }

  for (int v = 0; v < 256; v++)
    {
      count[v] = hist[0][v] + hist[1][v] + hist[2][v] + hist[3][v];
      if (count[v] == 0)
        continue;
      if (lo < 0)
        lo = v;
      hi = v;
      total += count[v];
      sum += (double) v * (double) count[v];
    }

  if (total > 0)
    {
      mean = sum / (double) total;
      for (int v = 0; v < 256; v++)
        if (count[v] > 0)
          var += (double) count[v] * (v - mean) * (v - mean);
      var /= (double) total;   /* population variance, as np.std */
    }

  norm->kind = kind;
  norm->mean = mean;
  norm->std = sqrt (var);
  norm->min = lo >= 0 ? lo : 0;
  norm->max = hi >= 0 ? hi : 0;

  switch (kind)
    {
    case INK_NORM_STANDARDIZE:
      {
        double s = norm->std > 0.0 ? norm->std : 1.0;

        norm->affine.scale = (float) (1.0 / s);
        norm->affine.shift = (float) (-norm->mean / s);
      }
      break;

    case INK_NORM_MINMAX:
      {
        double range = norm->max - norm->min;

        if (range > 0.0)
          {
            norm->affine.scale = (float) (1.0 / range);
            norm->affine.shift = (float) (-norm->min / range);
          }
        else
          {
            norm->affine.scale = 1.0f;
            norm->affine.shift = (float) -norm->min;
          }
      }
      break;

    case INK_NORM_SCALE:
      norm->affine.scale = (float) (1.0 / 255.0);
      norm->affine.shift = 0.0f;
      break;

    case INK_NORM_NONE:
    default:
      norm->affine.scale = 1.0f;
      norm->affine.shift = 0.0f;
      break;
    }
}

void
ink_norm_apply (const InkNorm *norm,
                const guint8  *pixels,
                float         *out,
                gsize          n)
{
  float scale, shift;

  g_return_if_fail (norm != NULL);
  g_return_if_fail (n == 0 || (pixels != NULL && out != NULL));

  scale = norm->affine.scale;
  shift = norm->affine.shift;
  for (gsize i = 0; i < n; i++)
    out[i] = (float) pixels[i] * scale + shift;
}

static const char *const norm_names[] = {
  [INK_NORM_SCALE] = "scale",
  [INK_NORM_STANDARDIZE] = "standardize",
  [INK_NORM_MINMAX] = "minmax",
  [INK_NORM_NONE] = "none",
};

static const char *const split_names[] = {
  [INK_SPLIT_OFFICIAL] = "official",
  [INK_SPLIT_FIXED] = "fixed",
  [INK_SPLIT_RANDOM] = "random",
};

const char *
ink_norm_kind_to_string (InkNormKind kind)
{
  if ((guint) kind < G_N_ELEMENTS (norm_names))
    return norm_names[kind];
  return "unknown";
}

gboolean
ink_norm_kind_from_string (const char  *s,
                           InkNormKind *out)
{
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (norm_names); i++)
    if (g_ascii_strcasecmp (s, norm_names[i]) == 0)
      {
        if (out != NULL)
          *out = (InkNormKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
ink_split_kind_to_string (InkSplitKind kind)
{
  if ((guint) kind < G_N_ELEMENTS (split_names))
    return split_names[kind];
  return "unknown";
}

gboolean
ink_split_kind_from_string (const char   *s,
                            InkSplitKind *out)
{
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (split_names); i++)
    if (g_ascii_strcasecmp (s, split_names[i]) == 0)
      {
        if (out != NULL)
          *out = (InkSplitKind) i;
        return TRUE;
      }
  return FALSE;
}
