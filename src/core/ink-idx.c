/* ink-idx.c
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

/* IDX files (the MNIST distribution's format), raw or gzip: headers
 * checked before anything is allocated, payloads read exactly. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ink-data-input.h"
#include "ink-dataset.h"

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

      if (!ink_data_read (stream, path, gzip, buf, 64 * 1024, &got, error))
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
    ink_data_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                         _("bad magic number 0x%08X (expected 0x%08X for %s): "
                           "this is an IDX %s file; are the image and label files swapped?"),
                         magic, expected, what, f->images ? _("label") : _("image"));
  else if ((magic >> 16) != 0)
    ink_data_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                         _("bad magic number 0x%08X (expected 0x%08X for %s): "
                           "this is not an IDX file"),
                         magic, expected, what);
  else if (((magic >> 8) & 0xff) != 0x08)
    ink_data_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                         _("bad magic number 0x%08X (expected 0x%08X for %s): "
                           "element type 0x%02X is not unsigned bytes (0x08)"),
                         magic, expected, what, (magic >> 8) & 0xff);
  else
    ink_data_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
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

  ink_data_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
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
  f->stream = ink_data_open (path, &f->gzip, &f->file_size, error);
  if (f->stream == NULL)
    return FALSE;

  f->header_len = 4 + 4 * rank;
  if (!ink_data_read (f->stream, path, f->gzip, header, f->header_len, &got, error))
    return FALSE;

  if (got == 0)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                           f->gzip ? _("the file decompresses to nothing; expected an IDX header")
                                   : _("the file is empty; expected an IDX header"));
      return FALSE;
    }
  if (got >= 4 && !idx_check_magic (f, read_be32 (header), error))
    return FALSE;
  if (got < f->header_len)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
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
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                           images ? _("the header declares zero images")
                                  : _("the header declares zero labels"));
      return FALSE;
    }
  if (f->dims[0] > INK_DATA_MAX_ITEMS)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                           images ? _("the header declares %u images, more than the limit "
                                      "of %u; the header is corrupt")
                                  : _("the header declares %u labels, more than the limit "
                                      "of %u; the header is corrupt"),
                           f->dims[0], INK_DATA_MAX_ITEMS);
      return FALSE;
    }
  if (images && (f->dims[1] == 0 || f->dims[2] == 0))
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                           _("the header declares images of %u×%u pixels; a side of zero is not an image"),
                           f->dims[1], f->dims[2]);
      return FALSE;
    }
  if (images && (f->dims[1] > INK_DATA_MAX_SIDE || f->dims[2] > INK_DATA_MAX_SIDE))
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                           _("the header declares images of %u×%u pixels, more than "
                             "the limit of %u per side; the header is corrupt"),
                           f->dims[1], f->dims[2], INK_DATA_MAX_SIDE);
      return FALSE;
    }

  /* at most 2^24 · 2^20 bytes: fits a 64-bit gsize; checked for 32-bit */
  if (!g_size_checked_mul (&f->payload_len, f->dims[0], f->dims[1]) ||
      !g_size_checked_mul (&f->payload_len, f->payload_len, f->dims[2]))
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
                           _("the header declares %u images of %u×%u pixels, too many "
                             "bytes for this computer's address space"),
                           f->dims[0], f->dims[1], f->dims[2]);
      return FALSE;
    }
  if (f->payload_len > INK_DATA_MAX_BYTES)
    {
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
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
          ink_data_file_error (error, INK_DATA_ERROR_FORMAT, path,
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
      ink_data_file_error (error, INK_DATA_ERROR_IO, f->path,
                           _("not enough memory for %" G_GSIZE_FORMAT " bytes"), cap);
      return NULL;
    }

  for (;;)
    {
      gsize got = 0;

      if (!ink_data_read (f->stream, f->path, f->gzip, buf + have, cap - have, &got, error))
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
            ink_data_file_error (error, INK_DATA_ERROR_IO, f->path,
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
      ink_data_file_error (error, INK_DATA_ERROR_FORMAT, f->path,
                           _("%s%" G_GUINT64_FORMAT " trailing bytes after the %"
                             G_GSIZE_FORMAT " bytes the header declares; the file is "
                             "corrupt or not a single IDX file"),
                           trailing >= TRAILING_COUNT_LIMIT ? _("at least ") : "",
                           trailing, f->payload_len);
      return NULL;
    }

  return g_steal_pointer (&buf);
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
        ink_data_file_error (error, INK_DATA_ERROR_LABEL, labels_path,
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
