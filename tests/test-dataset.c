/* test-dataset.c
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

#include <math.h>
#include <string.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ink-dataset.h"
#include "test-util.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("inkling-dataset-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
write_file (const char *path,
            const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static void
write_bytes (const char *path,
             GBytes     *bytes)
{
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);

  write_file (path, data, len);
}

static GBytes *
gzip_compress (const void *data,
               gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GZlibCompressor) comp = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) conv = g_converter_output_stream_new (mem, G_CONVERTER (comp));

  g_output_stream_write_all (conv, data, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (conv, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

static void
put_be32 (GByteArray *a,
          guint32     v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (a, b, 4);
}

/* An IDX file: magic, the given dimensions, then `len` payload bytes. */
static GBytes *
idx_bytes (guint32        magic,
           const guint32 *dims,
           guint          n_dims,
           const guint8  *payload,
           gsize          len)
{
  GByteArray *a = g_byte_array_new ();

  put_be32 (a, magic);
  for (guint i = 0; i < n_dims; i++)
    put_be32 (a, dims[i]);
  if (len > 0)
    g_byte_array_append (a, payload, (guint) len);
  return g_byte_array_free_to_bytes (a);
}

static guint8 *
pattern_images (guint n,
                guint rows,
                guint cols,
                guint salt)
{
  gsize len = (gsize) n * rows * cols;
  guint8 *p = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    p[i] = (guint8) ((i * 37 + salt * 11 + (i / 7)) & 0xff);
  return p;
}

static guint8 *
pattern_labels (guint n,
                guint salt)
{
  guint8 *p = g_malloc (n);

  for (guint i = 0; i < n; i++)
    p[i] = (guint8) ((i + salt) % 10);
  return p;
}

/* Writes a consistent image + label pair; returns the images path. */
static char *
write_idx_pair (const char *images_path,
                const char *labels_path,
                guint       n,
                guint       rows,
                guint       cols,
                guint       salt,
                gboolean    gz)
{
  g_autofree guint8 *img = pattern_images (n, rows, cols, salt);
  g_autofree guint8 *lab = pattern_labels (n, salt);
  guint32 idims[3] = { n, rows, cols };
  guint32 ldims[1] = { n };
  g_autoptr(GBytes) ib = idx_bytes (0x803, idims, 3, img, (gsize) n * rows * cols);
  g_autoptr(GBytes) lb = idx_bytes (0x801, ldims, 1, lab, n);

  if (gz)
    {
      g_autoptr(GBytes) igz = gzip_compress (g_bytes_get_data (ib, NULL), g_bytes_get_size (ib));
      g_autoptr(GBytes) lgz = gzip_compress (g_bytes_get_data (lb, NULL), g_bytes_get_size (lb));

      write_bytes (images_path, igz);
      write_bytes (labels_path, lgz);
    }
  else
    {
      write_bytes (images_path, ib);
      write_bytes (labels_path, lb);
    }
  return g_strdup (images_path);
}

/* The error has the code and the message names the file (and `also`). */
static void
check_error (const GError *error,
             InkDataError  code,
             const char   *name,
             const char   *also)
{
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, INK_DATA_ERROR, (int) code);
  g_assert_nonnull (strstr (error->message, name));
  if (also != NULL)
    g_assert_nonnull (strstr (error->message, also));
}

/* ---- IDX: malformed input ---- */

/* A good labels file "labels.idx" for n items. */
static char *
good_labels (Fixture *f,
             guint    n)
{
  g_autofree guint8 *lab = pattern_labels (n, 0);
  guint32 dims[1] = { n };
  g_autoptr(GBytes) b = idx_bytes (0x801, dims, 1, lab, n);
  char *path = path_in (f, "labels.idx");

  write_bytes (path, b);
  return path;
}

/* Writes "bad.idx" as an images file, loads it with good labels, returns the error. */
static GError *
load_bad_images (Fixture *f,
                 GBytes  *bytes,
                 guint    n)
{
  g_autofree char *img = path_in (f, "bad.idx");
  g_autofree char *lab = good_labels (f, n);
  GError *error = NULL;
  InkDataset *ds;

  write_bytes (img, bytes);
  ds = ink_dataset_load_idx (img, lab, &error);
  g_assert_null (ds);
  return error;
}

static void
test_idx_bad_magic (Fixture *f, gconstpointer data)
{
  guint8 payload[4] = { 0 };
  guint32 dims[3] = { 1, 2, 2 };
  g_autoptr(GBytes) b = idx_bytes (0x00000801, dims, 3, payload, 4);
  g_autoptr(GError) error = load_bad_images (f, b, 1);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "bad magic number 0x00000801");
  g_assert_nonnull (strstr (error->message, "0x00000803"));
}

static void
test_idx_not_idx (Fixture *f, gconstpointer data)
{
  const char *text = "label,p0,p1,p2,p3\n1,0,0,0,0\n";
  g_autoptr(GBytes) b = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = load_bad_images (f, b, 1);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "not an IDX file");
}

static void
test_idx_wrong_rank (Fixture *f, gconstpointer data)
{
  guint8 payload[4] = { 0 };
  guint32 dims[2] = { 1, 4 };
  g_autoptr(GBytes) b = idx_bytes (0x00000802, dims, 2, payload, 4);
  g_autoptr(GError) error = load_bad_images (f, b, 1);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "rank 2");
}

static void
test_idx_wrong_type (Fixture *f, gconstpointer data)
{
  guint8 payload[16] = { 0 };
  guint32 dims[3] = { 1, 2, 2 };
  g_autoptr(GBytes) b = idx_bytes (0x00000D03, dims, 3, payload, 16);
  g_autoptr(GError) error = load_bad_images (f, b, 1);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "unsigned bytes");
}

static void
test_idx_swapped (Fixture *f, gconstpointer data)
{
  g_autofree char *img = path_in (f, "img.idx");
  g_autofree char *lab = path_in (f, "lab.idx");
  g_autoptr(GError) error = NULL;
  g_autofree char *unused = write_idx_pair (img, lab, 3, 2, 2, 0, FALSE);

  g_assert_null (ink_dataset_load_idx (lab, img, &error));
  check_error (error, INK_DATA_ERROR_FORMAT, "lab.idx", "swapped");
}

static void
test_idx_zero_dimension (Fixture *f, gconstpointer data)
{
  guint32 dims[3] = { 1, 0, 28 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, NULL, 0);
  g_autoptr(GError) error = load_bad_images (f, b, 1);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "0×28");
}

static void
test_idx_zero_count (Fixture *f, gconstpointer data)
{
  guint32 dims[3] = { 0, 28, 28 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, NULL, 0);
  g_autoptr(GError) error = load_bad_images (f, b, 1);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "zero images");
}

static void
test_idx_absurd_count (Fixture *f, gconstpointer data)
{
  guint8 payload[784] = { 0 };
  guint32 dims[3] = { 0xFFFFFFFFu, 28, 28 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, payload, sizeof payload);
  g_autoptr(GError) error = load_bad_images (f, b, 1);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "4294967295");
  g_assert_nonnull (strstr (error->message, "limit"));
}

static void
test_idx_absurd_side (Fixture *f, gconstpointer data)
{
  guint32 dims[3] = { 1, INK_DATA_MAX_SIDE + 1, 28 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, NULL, 0);
  g_autoptr(GError) error = load_bad_images (f, b, 1);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "limit");
}

static void
test_idx_truncated (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *img = pattern_images (3, 4, 4, 0);
  guint32 dims[3] = { 3, 4, 4 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, img, 3 * 16 - 1);
  g_autoptr(GError) error = load_bad_images (f, b, 3);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "truncated");
  g_assert_nonnull (strstr (error->message, "47 bytes"));
}

static void
test_idx_trailing (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *img = pattern_images (4, 4, 4, 0);
  guint32 dims[3] = { 3, 4, 4 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, img, 3 * 16 + 5);
  g_autoptr(GError) error = load_bad_images (f, b, 3);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "5 trailing bytes");
}

static void
test_idx_short_header (Fixture *f, gconstpointer data)
{
  guint32 dims[1] = { 3 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 1, NULL, 0);
  g_autoptr(GError) error = load_bad_images (f, b, 3);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "truncated header");
}

static void
test_idx_empty (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) b = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = load_bad_images (f, b, 3);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "empty");
}

static void
test_idx_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *img = path_in (f, "nosuch.idx");
  g_autofree char *lab = good_labels (f, 3);
  g_autoptr(GError) error = NULL;

  g_assert_null (ink_dataset_load_idx (img, lab, &error));
  check_error (error, INK_DATA_ERROR_NOT_FOUND, "nosuch.idx", "not found");
}

static void
test_idx_count_mismatch (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *img = pattern_images (3, 4, 4, 0);
  guint32 dims[3] = { 3, 4, 4 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, img, 3 * 16);
  g_autoptr(GError) error = load_bad_images (f, b, 4);

  check_error (error, INK_DATA_ERROR_MISMATCH, "bad.idx", "labels.idx");
  g_assert_nonnull (strstr (error->message, "3 images"));
  g_assert_nonnull (strstr (error->message, "4 labels"));
}

static void
test_idx_bad_label (Fixture *f, gconstpointer data)
{
  g_autofree char *img = path_in (f, "img.idx");
  g_autofree char *lab = path_in (f, "badlabels.idx");
  g_autofree guint8 *pix = pattern_images (4, 2, 2, 0);
  guint8 labels[4] = { 1, 9, 10, 3 };
  guint32 idims[3] = { 4, 2, 2 };
  guint32 ldims[1] = { 4 };
  g_autoptr(GBytes) ib = idx_bytes (0x803, idims, 3, pix, 16);
  g_autoptr(GBytes) lb = idx_bytes (0x801, ldims, 1, labels, 4);
  g_autoptr(GError) error = NULL;

  write_bytes (img, ib);
  write_bytes (lab, lb);
  g_assert_null (ink_dataset_load_idx (img, lab, &error));
  check_error (error, INK_DATA_ERROR_LABEL, "badlabels.idx", "label 10 at index 2");
}

/* ---- gzip: malformed input ---- */

static GBytes *
good_images_gz (guint n)
{
  g_autofree guint8 *img = pattern_images (n, 4, 4, 0);
  guint32 dims[3] = { n, 4, 4 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, img, (gsize) n * 16);

  return gzip_compress (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
}

static GError *
load_bad_gz (Fixture *f,
             GBytes  *bytes,
             guint    n)
{
  g_autofree char *img = path_in (f, "bad.idx.gz");
  g_autofree char *lab = good_labels (f, n);
  GError *error = NULL;

  write_bytes (img, bytes);
  g_assert_null (ink_dataset_load_idx (img, lab, &error));
  return error;
}

static void
test_gzip_corrupt (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) gz = good_images_gz (5);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GError) error = NULL;

  g_byte_array_append (a, g_bytes_get_data (gz, NULL), (guint) g_bytes_get_size (gz));
  /* first deflate block: BFINAL=1, BTYPE=11 (reserved) */
  a->data[10] = 0xff;
  bad = g_bytes_new (a->data, a->len);
  error = load_bad_gz (f, bad, 5);
  check_error (error, INK_DATA_ERROR_IO, "bad.idx.gz", "corrupted gzip");
}

static void
test_gzip_bad_crc (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) gz = good_images_gz (5);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GError) error = NULL;

  g_byte_array_append (a, g_bytes_get_data (gz, NULL), (guint) g_bytes_get_size (gz));
  a->data[a->len - 8] ^= 0x55;
  bad = g_bytes_new (a->data, a->len);
  error = load_bad_gz (f, bad, 5);
  check_error (error, INK_DATA_ERROR_IO, "bad.idx.gz", "corrupted gzip");
}

static void
test_gzip_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) gz = good_images_gz (50);
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (gz, 0, g_bytes_get_size (gz) / 2);
  g_autoptr(GError) error = load_bad_gz (f, cut, 50);

  check_error (error, INK_DATA_ERROR_IO, "bad.idx.gz", "ends early");
}

static void
test_gzip_truncated_payload (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *img = pattern_images (3, 4, 4, 0);
  guint32 dims[3] = { 3, 4, 4 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, img, 3 * 16 - 2);
  g_autoptr(GBytes) gz = gzip_compress (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  g_autoptr(GError) error = load_bad_gz (f, gz, 3);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx.gz", "truncated");
}

static void
test_gzip_trailing (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *img = pattern_images (4, 4, 4, 0);
  guint32 dims[3] = { 3, 4, 4 };
  g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, img, 3 * 16 + 7);
  g_autoptr(GBytes) gz = gzip_compress (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  g_autoptr(GError) error = load_bad_gz (f, gz, 3);

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx.gz", "7 trailing bytes");
}


/* Headers beyond MNIST-shaped limits are refused before anything is read
 * or allocated, raw or gzip: 2^31 images in a 16-byte file, the largest
 * count and side at once (2^36 bytes, once accepted and read toward). */
static void
test_gzip_bomb (Fixture *f, gconstpointer data)
{
  const guint32 headers[][3] = {
    { 0x80000000u, 28, 28 },
    { INK_DATA_MAX_ITEMS, INK_DATA_MAX_SIDE, INK_DATA_MAX_SIDE },
    { INK_DATA_MAX_ITEMS, 28, 28 },   /* 822 MB of pixels */
  };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }
  test_limit_memory (128u * 1024 * 1024);
  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      gsize len = 1024 * 1024;
      g_autofree guint8 *zeros = g_malloc0 (len);
      g_autoptr(GBytes) raw = idx_bytes (0x803, headers[i], 3, NULL, 0);
      g_autoptr(GBytes) b = idx_bytes (0x803, headers[i], 3, zeros, len);
      g_autoptr(GBytes) gz = gzip_compress (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;

      g_assert_cmpuint (g_bytes_get_size (raw), ==, 16);
      error = load_bad_images (f, raw, 3);
      check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx", "limit");
      error2 = load_bad_gz (f, gz, 3);
      check_error (error2, INK_DATA_ERROR_FORMAT, "bad.idx.gz", "limit");
    }
}

/* A gzip within the limits that delivers less than its header declares:
 * the buffer grows with what arrives, not toward the claim (300 000 images,
 * 235 MB, under a 128 MB address-space limit). */
static void
test_gzip_bomb_short (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      gsize len = 4 * 1024 * 1024;
      g_autofree guint8 *zeros = g_malloc0 (len);
      guint32 dims[3] = { 300000, 28, 28 };
      g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, zeros, len);
      g_autoptr(GBytes) gz = gzip_compress (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
      g_autofree char *img = path_in (f, "bomb.idx.gz");
      g_autofree char *lab = path_in (f, "bomb-labels.idx.gz");
      g_autofree guint8 *labels = g_malloc0 (300000);
      guint32 ldims[1] = { 300000 };
      g_autoptr(GBytes) lb = idx_bytes (0x801, ldims, 1, labels, 300000);
      g_autoptr(GBytes) lgz = gzip_compress (g_bytes_get_data (lb, NULL), g_bytes_get_size (lb));
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (g_bytes_get_size (gz), <, 64 * 1024);
      write_bytes (img, gz);
      write_bytes (lab, lgz);
      g_clear_pointer (&zeros, g_free);
      /* the first chunk used to be 64 MB, whatever the file delivered */
      test_limit_memory (64u * 1024 * 1024);
      g_assert_null (ink_dataset_load_idx (img, lab, &error));
      check_error (error, INK_DATA_ERROR_FORMAT, "bomb.idx.gz", "truncated");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A gzip that decompresses to far more than its header declares: reading
 * stops soon after the declared payload, with an error. */
static void
test_gzip_bomb_long (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      gsize len = 3 * 784 + 32 * 1024 * 1024;
      g_autofree guint8 *zeros = g_malloc0 (len);
      guint32 dims[3] = { 3, 28, 28 };
      g_autoptr(GBytes) b = idx_bytes (0x803, dims, 3, zeros, len);
      g_autoptr(GBytes) gz = gzip_compress (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
      g_autoptr(GError) error = NULL;

      g_clear_pointer (&zeros, g_free);
      g_clear_pointer (&b, g_bytes_unref);
      test_limit_memory (128u * 1024 * 1024);
      error = load_bad_gz (f, gz, 3);
      check_error (error, INK_DATA_ERROR_FORMAT, "bad.idx.gz", "at least");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* CSV: a gzip of one endless line stops at the longest line an image can
 * take; a raw file larger than any image CSV is refused from its size
 * (a sparse file: nothing is written) */
static void
test_csv_bombs (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      gsize len = 64 * 1024 * 1024;
      g_autofree char *text = g_malloc (len);
      g_autoptr(GBytes) gz = NULL;
      g_autofree char *path = path_in (f, "bomb.csv.gz");
      g_autofree char *big = path_in (f, "big.csv");
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;
      int fd;

      for (gsize i = 0; i < len; i += 2)
        memcpy (text + i, "0,", 2);
      gz = gzip_compress (text, len);
      g_clear_pointer (&text, g_free);
      write_bytes (path, gz);
      test_limit_memory (128u * 1024 * 1024);
      g_assert_null (ink_dataset_load_csv (path, &error));
      check_error (error, INK_DATA_ERROR_FORMAT, "bomb.csv.gz", "longer than");

      fd = g_open (big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (write (fd, "0,0\n", 4), ==, 4);
      if (ftruncate (fd, (off_t) INK_DATA_MAX_BYTES * 8 + 1) != 0)
        {
          close (fd);
          g_test_skip ("no sparse files here");
          return;
        }
      close (fd);
      g_assert_null (ink_dataset_load_csv (big, &error2));
      check_error (error2, INK_DATA_ERROR_FORMAT, "big.csv", "bytes");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* ---- IDX: good input ---- */

static void
check_pattern (const InkDataset *ds,
               guint             n,
               guint             rows,
               guint             cols,
               guint             salt)
{
  g_autofree guint8 *img = pattern_images (n, rows, cols, salt);
  g_autofree guint8 *lab = pattern_labels (n, salt);

  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n, ==, n);
  g_assert_cmpuint (ds->rows, ==, rows);
  g_assert_cmpuint (ds->cols, ==, cols);
  g_assert_cmpuint (ink_dataset_dim (ds), ==, rows * cols);
  g_assert_cmpmem (ds->images, (gsize) n * rows * cols, img, (gsize) n * rows * cols);
  g_assert_cmpmem (ds->labels, n, lab, n);
}

static void
test_idx_roundtrip (Fixture *f, gconstpointer data)
{
  gboolean gz = GPOINTER_TO_INT (data);
  g_autofree char *img = path_in (f, gz ? "img.idx.gz" : "img.idx");
  g_autofree char *lab = path_in (f, gz ? "lab.idx.gz" : "lab.idx");
  g_autofree char *unused = write_idx_pair (img, lab, 7, 3, 5, 2, gz);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkDataset) ds = ink_dataset_load_idx (img, lab, &error);

  g_assert_no_error (error);
  check_pattern (ds, 7, 3, 5, 2);
}

/* ---- CSV ---- */

static void
append_csv_row (GString    *s,
                int         label,
                guint       n_pix,
                guint       salt,
                const char *eol)
{
  g_string_append_printf (s, "%d", label);
  for (guint i = 0; i < n_pix; i++)
    g_string_append_printf (s, ",%u", (i * 7 + salt) % 256);
  g_string_append (s, eol);
}

static GError *
load_bad_csv (Fixture    *f,
              const char *text)
{
  g_autofree char *path = path_in (f, "bad.csv");
  GError *error = NULL;

  write_file (path, text, strlen (text));
  g_assert_null (ink_dataset_load_csv (path, &error));
  return error;
}

static void
test_csv_good (Fixture *f, gconstpointer data)
{
  const char *variant = data;
  gboolean header = strstr (variant, "header") != NULL;
  gboolean crlf = strstr (variant, "crlf") != NULL;
  gboolean gz = strstr (variant, "gzip") != NULL;
  gboolean small = strstr (variant, "small") != NULL;
  guint n_pix = small ? 16 : 784;
  guint side = small ? 4 : 28;
  const char *eol = crlf ? "\r\n" : "\n";
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *path = path_in (f, gz ? "data.csv.gz" : "data.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(InkDataset) ds = NULL;

  if (header)
    {
      g_string_append (s, "label");
      for (guint i = 0; i < n_pix; i++)
        g_string_append_printf (s, ",pixel%u", i);
      g_string_append (s, eol);
    }
  for (guint r = 0; r < 5; r++)
    /* the last line without its newline, unless a trailing one is tested */
    append_csv_row (s, (int) (r * 3 % 10), n_pix, r, r < 4 || header ? eol : "");

  if (gz)
    {
      g_autoptr(GBytes) b = gzip_compress (s->str, s->len);

      write_bytes (path, b);
    }
  else
    write_file (path, s->str, s->len);

  ds = ink_dataset_load_csv (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n, ==, 5);
  g_assert_cmpuint (ds->rows, ==, side);
  g_assert_cmpuint (ds->cols, ==, side);
  for (guint r = 0; r < 5; r++)
    {
      g_assert_cmpuint (ds->labels[r], ==, r * 3 % 10);
      for (guint i = 0; i < n_pix; i++)
        g_assert_cmpuint (ds->images[r * n_pix + i], ==, (i * 7 + r) % 256);
    }
}

static void
test_csv_spaces_bom (Fixture *f, gconstpointer data)
{
  const char *text = "\xEF\xBB\xBF" "3, 1 ,2,3,4\r\n\r\n7,5,6,7,255\n\n";
  g_autofree char *path = path_in (f, "bom.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(InkDataset) ds = NULL;
  const guint8 expect[8] = { 1, 2, 3, 4, 5, 6, 7, 255 };

  write_file (path, text, strlen (text));
  ds = ink_dataset_load_csv (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpuint (ds->rows, ==, 2);
  g_assert_cmpuint (ds->labels[0], ==, 3);
  g_assert_cmpuint (ds->labels[1], ==, 7);
  g_assert_cmpmem (ds->images, 8, expect, 8);
}

static void
test_csv_wrong_columns (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "1,0,0,0,0\n2,0,0,0,0\n3,0,0,0\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "line 3 has 4 columns");
}

static void
test_csv_header_columns (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "label,a,b,c,d\n2,0,0,0,0,0,0,0,0,0\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "line 2 has 10 columns but line 1 has 5");
}

static void
test_csv_not_square (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "1,0,0,0,0,0\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "line 1 has 6 columns");
}

static void
test_csv_not_a_number (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "1,0,0,0,0\n2,0,abc,0,0\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "line 2, column 3");
  g_assert_nonnull (strstr (error->message, "abc"));
}

static void
test_csv_float (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "1,0,0,0,0\n2,0,0.5,0,0\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "0.5");
}

static void
test_csv_empty_field (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "1,0,0,0,0\n2,0,,0,0\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "line 2, column 3 is empty");
}

static void
test_csv_pixel_256 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "1,0,0,0,0\n2,0,0,0,256\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "pixel value 256");
  g_assert_nonnull (strstr (error->message, "line 2"));
}

static void
test_csv_pixel_negative (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "1,0,-3,0,0\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "pixel value -3");
}

static void
test_csv_label_11 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "1,0,0,0,0\n2,0,0,0,0\n11,0,0,0,0\n");

  check_error (error, INK_DATA_ERROR_LABEL, "bad.csv", "line 3: label 11");
}

static void
test_csv_empty (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "empty");
}

static void
test_csv_header_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = load_bad_csv (f, "label,a,b,c,d\r\n");

  check_error (error, INK_DATA_ERROR_FORMAT, "bad.csv", "no images");
}

static void
test_csv_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = path_in (f, "nosuch.csv");
  g_autoptr(GError) error = NULL;

  g_assert_null (ink_dataset_load_csv (path, &error));
  check_error (error, INK_DATA_ERROR_NOT_FOUND, "nosuch.csv", NULL);
}

static void
test_csv_gzip_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GBytes) gz = NULL;
  g_autoptr(GBytes) cut = NULL;
  g_autofree char *path = path_in (f, "bad.csv.gz");
  g_autoptr(GError) error = NULL;

  for (guint r = 0; r < 200; r++)
    append_csv_row (s, (int) (r % 10), 784, r, "\n");
  gz = gzip_compress (s->str, s->len);
  cut = g_bytes_new_from_bytes (gz, 0, g_bytes_get_size (gz) - 100);
  write_bytes (path, cut);
  g_assert_null (ink_dataset_load_csv (path, &error));
  check_error (error, INK_DATA_ERROR_IO, "bad.csv.gz", "gzip");
}

/* ---- folders ---- */

static void
write_standard (Fixture    *f,
                const char *images,
                const char *labels,
                guint       n,
                guint       side,
                guint       salt,
                gboolean    gz)
{
  g_autofree char *ip = path_in (f, images);
  g_autofree char *lp = path_in (f, labels);
  g_autofree char *unused = write_idx_pair (ip, lp, n, side, side, salt, gz);
}

static void
test_dir_gz (Fixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  g_autoptr(GError) error = NULL;

  write_standard (f, "train-images-idx3-ubyte.gz", "train-labels.idx1-ubyte.gz", 12, 5, 1, TRUE);
  write_standard (f, "t10k-images.idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 4, 5, 2, TRUE);

  g_assert_true (ink_dataset_load_dir (f->dir, &train, &test, &error));
  g_assert_no_error (error);
  check_pattern (train, 12, 5, 5, 1);
  check_pattern (test, 4, 5, 5, 2);
}

static void
test_dir_prefer_raw (Fixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  g_autoptr(GError) error = NULL;

  /* the .gz copies differ (salt 9): the raw ones must win */
  write_standard (f, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 12, 5, 9, TRUE);
  write_standard (f, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 4, 5, 9, TRUE);
  write_standard (f, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", 10, 5, 1, FALSE);
  write_standard (f, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 3, 5, 2, FALSE);

  g_assert_true (ink_dataset_load_dir (f->dir, &train, &test, &error));
  g_assert_no_error (error);
  check_pattern (train, 10, 5, 5, 1);
  check_pattern (test, 3, 5, 5, 2);
}

static void
test_dir_missing_file (Fixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (f->dir);

  write_standard (f, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", 10, 5, 1, FALSE);
  write_standard (f, "t10k-images-idx3-ubyte", "unrelated", 3, 5, 2, FALSE);

  g_assert_false (ink_dataset_load_dir (f->dir, &train, &test, &error));
  check_error (error, INK_DATA_ERROR_NOT_FOUND, base, "t10k-labels-idx1-ubyte");
  g_assert_null (strstr (error->message, "train-images"));
  g_assert_null (train);
  g_assert_null (test);
}

/* A folder with no IDX set but a CSV pair (the common MNIST CSV download's
 * names) loads from the CSVs; with only one of the pair the error names
 * both forms. */
static void
test_dir_csv (Fixture *f, gconstpointer data)
{
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("label");
  g_autofree char *tr = path_in (f, "mnist_train.csv");
  g_autofree char *te = path_in (f, "mnist_test.csv");

  for (int i = 0; i < 784; i++)
    g_string_append_printf (csv, ",p%d", i);
  g_string_append_c (csv, '\n');
  for (int r = 0; r < 3; r++)
    {
      g_string_append_printf (csv, "%d", r + 4);
      for (int i = 0; i < 784; i++)
        g_string_append_printf (csv, ",%d", (i * 7 + r) % 256);
      g_string_append_c (csv, '\n');
    }
  write_file (tr, csv->str, csv->len);

  g_assert_false (ink_dataset_load_dir (f->dir, &train, &test, &error));
  check_error (error, INK_DATA_ERROR_NOT_FOUND, "train-images", "mnist_test.csv");
  g_clear_error (&error);

  write_file (te, csv->str, csv->len);
  g_assert_true (ink_dataset_load_dir (f->dir, &train, &test, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (train->n, ==, 3);
  g_assert_cmpuint (test->n, ==, 3);
  g_assert_cmpuint (train->rows, ==, 28);
  g_assert_cmpuint (train->labels[2], ==, 6);
  g_assert_cmpuint (train->images[784 + 5], ==, (5 * 7 + 1) % 256);
}

static void
test_dir_not_found (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = path_in (f, "nosuchdir");
  InkDataset *train = NULL, *test = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (ink_dataset_load_dir (dir, &train, &test, &error));
  check_error (error, INK_DATA_ERROR_NOT_FOUND, "nosuchdir", "not found");
}

static void
test_dir_shape_mismatch (Fixture *f, gconstpointer data)
{
  InkDataset *train = NULL, *test = NULL;
  g_autoptr(GError) error = NULL;

  write_standard (f, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", 10, 5, 1, FALSE);
  write_standard (f, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 3, 6, 2, FALSE);

  g_assert_false (ink_dataset_load_dir (f->dir, &train, &test, &error));
  check_error (error, INK_DATA_ERROR_MISMATCH, "t10k-images-idx3-ubyte", "5×5");
  g_assert_nonnull (strstr (error->message, "6×6"));
}

static void
test_dir_bad_file (Fixture *f, gconstpointer data)
{
  InkDataset *train = NULL, *test = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *labels = path_in (f, "t10k-labels-idx1-ubyte");

  write_standard (f, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", 10, 5, 1, FALSE);
  write_standard (f, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 3, 5, 2, FALSE);
  write_file (labels, "garbage", 7);

  g_assert_false (ink_dataset_load_dir (f->dir, &train, &test, &error));
  check_error (error, INK_DATA_ERROR_FORMAT, labels, "magic");
}

/* ---- find ---- */

static void
test_find_folder (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = ink_dataset_find (f->dir, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, f->dir);
}

static void
test_find_unknown (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = ink_dataset_find ("cifar-nonexistent", &error);

  g_assert_null (found);
  check_error (error, INK_DATA_ERROR_NOT_FOUND, "cifar-nonexistent", "mnist");
  g_assert_nonnull (strstr (error->message, "fashion-mnist"));
}

static void
test_find_missing_path (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = path_in (f, "nosuchdir");
  g_autoptr(GError) error = NULL;
  g_autofree char *found = ink_dataset_find (dir, &error);

  g_assert_null (found);
  check_error (error, INK_DATA_ERROR_NOT_FOUND, "nosuchdir", NULL);
}

static gboolean
holds_train_images (const char *dir)
{
  g_autofree char *raw = g_build_filename (dir, "train-images-idx3-ubyte", NULL);
  g_autofree char *gz = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);

  return g_file_test (raw, G_FILE_TEST_EXISTS) || g_file_test (gz, G_FILE_TEST_EXISTS);
}

/* the file a message about a folder's images names */
static void
test_dir_images_file (void)
{
  g_autofree char *dir = test_synthetic_dir (20, 10);
  g_autofree char *empty = g_dir_make_tmp ("ink-empty-XXXXXX", NULL);
  g_autofree char *train = ink_dataset_dir_images_file (dir, FALSE);
  g_autofree char *test = ink_dataset_dir_images_file (dir, TRUE);
  g_autofree char *csv_dir = g_dir_make_tmp ("ink-csv-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (csv_dir, "mnist_train.csv", NULL);
  g_autofree char *b = g_build_filename (csv_dir, "mnist_test.csv", NULL);
  g_autofree char *csv = NULL;

  g_assert_true (g_str_has_suffix (train, "/train-images-idx3-ubyte"));
  g_assert_true (g_str_has_suffix (test, "/t10k-images-idx3-ubyte"));
  g_assert_null (ink_dataset_dir_images_file (empty, FALSE));
  g_assert_true (g_file_set_contents (a, "", 0, NULL));
  g_assert_true (g_file_set_contents (b, "", 0, NULL));
  csv = ink_dataset_dir_images_file (csv_dir, FALSE);
  g_assert_cmpstr (csv, ==, a);
  test_remove_tree (dir);
  test_remove_tree (empty);
  test_remove_tree (csv_dir);
}

static void
test_find_mnist (void)
{
  g_autofree char *user = ink_dataset_user_dir ("mnist");
  g_autoptr(GError) error = NULL;
  g_autofree char *found = ink_dataset_find ("mnist", &error);

  g_assert_true (g_str_has_prefix (user, g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (user, "inkling/datasets/mnist"));
  if (holds_train_images (user))
    {
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, user);
    }
  else
    {
      g_assert_null (found);
      check_error (error, INK_DATA_ERROR_NOT_FOUND, user, "run.sh");
    }
}

static void
test_find_fashion (void)
{
  g_autofree char *user = ink_dataset_user_dir ("fashion-mnist");
  g_autoptr(GError) error = NULL;
  g_autofree char *found = ink_dataset_find ("fashion-mnist", &error);

  if (holds_train_images (user))
    g_assert_cmpstr (found, ==, user);
  else if (holds_train_images ("/usr/share/datasets/fashion-mnist"))
    g_assert_cmpstr (found, ==, "/usr/share/datasets/fashion-mnist");
  else
    check_error (error, INK_DATA_ERROR_NOT_FOUND, user, "apt-get install dataset-fashion-mnist");
}

/* ---- splits ---- */

static InkDataset *
synthetic (guint n,
           guint side)
{
  InkDataset *ds = g_new0 (InkDataset, 1);

  ds->n = n;
  ds->rows = side;
  ds->cols = side;
  ds->images = pattern_images (n, side, side, 0);
  ds->labels = pattern_labels (n, 0);
  return ds;
}

static void
check_range (const guint32 *idx,
             guint          n,
             guint32        first)
{
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (idx[i], ==, first + i);
}

static void
test_split_official (void)
{
  g_autoptr(InkDataset) train = synthetic (100, 2);
  g_autoptr(InkDataset) test = synthetic (30, 2);
  InkSplitSpec spec = { .kind = INK_SPLIT_OFFICIAL };
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSplit) split = ink_split_new (&spec, train, test, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (split->n_train, ==, 100);
  g_assert_cmpuint (split->n_valid, ==, 30);
  g_assert_cmpuint (split->n_test, ==, 30);
  g_assert_true (split->valid_is_test);
  check_range (split->train_idx, 100, 0);
  check_range (split->valid_idx, 30, 0);
  check_range (split->test_idx, 30, 0);

  {
    g_autoptr(GError) e2 = NULL;

    g_assert_null (ink_split_new (&spec, train, NULL, 1, &e2));
    g_assert_error (e2, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH);
    g_assert_nonnull (strstr (e2->message, "no test set"));
  }
}

static void
test_split_fixed (void)
{
  g_autoptr(InkDataset) train = synthetic (100, 2);
  g_autoptr(InkDataset) test = synthetic (30, 2);
  InkSplitSpec spec = { .kind = INK_SPLIT_FIXED, .n_train = 70, .n_valid = 20 };
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSplit) split = ink_split_new (&spec, train, test, 1, &error);
  g_autoptr(InkSplit) rest = NULL;

  g_assert_no_error (error);
  g_assert_false (split->valid_is_test);
  g_assert_cmpuint (split->n_train, ==, 70);
  g_assert_cmpuint (split->n_valid, ==, 20);
  g_assert_cmpuint (split->n_test, ==, 30);
  check_range (split->train_idx, 70, 0);
  check_range (split->valid_idx, 20, 70);

  /* n_train 0: all the rest */
  spec.n_train = 0;
  rest = ink_split_new (&spec, train, test, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rest->n_train, ==, 80);
  g_assert_cmpuint (rest->n_valid, ==, 20);
  check_range (rest->train_idx, 80, 0);
  check_range (rest->valid_idx, 20, 80);
}

static void
test_split_fixed_errors (void)
{
  g_autoptr(InkDataset) train = synthetic (100, 2);
  InkSplitSpec too_many = { .kind = INK_SPLIT_FIXED, .n_train = 90, .n_valid = 11 };
  InkSplitSpec no_train = { .kind = INK_SPLIT_FIXED, .n_train = 0, .n_valid = 100 };
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  g_assert_null (ink_split_new (&too_many, train, NULL, 1, &e1));
  g_assert_error (e1, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH);
  g_assert_nonnull (strstr (e1->message, "holds only 100"));

  g_assert_null (ink_split_new (&no_train, train, NULL, 1, &e2));
  g_assert_error (e2, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH);
  g_assert_nonnull (strstr (e2->message, "no training images"));
}

static void
test_split_random (void)
{
  g_autoptr(InkDataset) train = synthetic (1000, 2);
  g_autoptr(InkDataset) test = synthetic (30, 2);
  InkSplitSpec spec = { .kind = INK_SPLIT_RANDOM, .valid_fraction = 0.1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSplit) a = ink_split_new (&spec, train, test, 42, &error);
  g_autoptr(InkSplit) b = ink_split_new (&spec, train, test, 42, &error);
  g_autoptr(InkSplit) c = ink_split_new (&spec, train, test, 43, &error);
  g_autofree guint8 *seen = g_malloc0 (1000);
  gboolean contiguous = TRUE;

  g_assert_no_error (error);
  g_assert_cmpuint (a->n_valid, ==, 100);
  g_assert_cmpuint (a->n_train, ==, 900);
  g_assert_cmpuint (a->n_test, ==, 30);
  g_assert_false (a->valid_is_test);

  /* disjoint, covering, ascending */
  for (guint i = 0; i < a->n_train; i++)
    {
      g_assert_cmpuint (a->train_idx[i], <, 1000);
      g_assert_cmpuint (seen[a->train_idx[i]]++, ==, 0);
      if (i > 0)
        g_assert_cmpuint (a->train_idx[i - 1], <, a->train_idx[i]);
    }
  for (guint i = 0; i < a->n_valid; i++)
    {
      g_assert_cmpuint (a->valid_idx[i], <, 1000);
      g_assert_cmpuint (seen[a->valid_idx[i]]++, ==, 0);
      if (i > 0)
        {
          g_assert_cmpuint (a->valid_idx[i - 1], <, a->valid_idx[i]);
          contiguous = contiguous && a->valid_idx[i] == a->valid_idx[i - 1] + 1;
        }
    }
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (seen[i], ==, 1);
  g_assert_false (contiguous);

  /* same seed, same split; another seed, another split */
  g_assert_cmpmem (a->valid_idx, a->n_valid * 4, b->valid_idx, b->n_valid * 4);
  g_assert_cmpmem (a->train_idx, a->n_train * 4, b->train_idx, b->n_train * 4);
  g_assert_cmpuint (c->n_valid, ==, 100);
  g_assert_true (memcmp (a->valid_idx, c->valid_idx, 100 * 4) != 0);
}

static void
test_split_random_errors (void)
{
  g_autoptr(InkDataset) train = synthetic (10, 2);
  const double bad[] = { 0.0, 1.0, -0.2, 1.5, NAN, 0.01, 0.99 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      InkSplitSpec spec = { .kind = INK_SPLIT_RANDOM, .valid_fraction = bad[i] };
      g_autoptr(GError) error = NULL;

      g_assert_null (ink_split_new (&spec, train, NULL, 1, &error));
      g_assert_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH);
      g_test_message ("fraction %g: %s", bad[i], error->message);
    }
}

static void
test_split_subset (void)
{
  g_autoptr(InkDataset) train = synthetic (100, 2);
  g_autoptr(InkDataset) test = synthetic (30, 2);
  InkSplitSpec spec = { .kind = INK_SPLIT_FIXED, .n_train = 50, .n_valid = 40, .subset = 20 };
  g_autoptr(GError) error = NULL;
  g_autoptr(InkSplit) split = ink_split_new (&spec, train, test, 1, &error);
  g_autoptr(InkSplit) big = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (split->n_train, ==, 20);
  g_assert_cmpuint (split->n_valid, ==, 20);
  g_assert_cmpuint (split->n_test, ==, 20);
  check_range (split->train_idx, 20, 0);
  check_range (split->valid_idx, 20, 50);
  check_range (split->test_idx, 20, 0);

  spec.subset = 45;
  big = ink_split_new (&spec, train, test, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (big->n_train, ==, 45);
  g_assert_cmpuint (big->n_valid, ==, 40);
  g_assert_cmpuint (big->n_test, ==, 30);
}

static void
test_split_shape_mismatch (void)
{
  g_autoptr(InkDataset) train = synthetic (100, 2);
  g_autoptr(InkDataset) test = synthetic (30, 3);
  InkSplitSpec spec = { .kind = INK_SPLIT_OFFICIAL };
  g_autoptr(GError) error = NULL;

  g_assert_null (ink_split_new (&spec, train, test, 1, &error));
  g_assert_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH);
}

/* ---- normalization ---- */

/* three 1×2 images: {0, 10}, {20, 30}, {255, 255}; statistics over the first two */
static InkDataset *
tiny (void)
{
  static const guint8 pixels[6] = { 0, 10, 20, 30, 255, 255 };
  InkDataset *ds = g_new0 (InkDataset, 1);

  ds->n = 3;
  ds->rows = 1;
  ds->cols = 2;
  ds->images = g_memdup2 (pixels, sizeof pixels);
  ds->labels = g_malloc0 (3);
  return ds;
}

static void
test_norm_standardize (void)
{
  g_autoptr(InkDataset) ds = tiny ();
  const guint32 idx[2] = { 0, 1 };
  const guint8 px[3] = { 0, 15, 20 };
  float out[3];
  InkNorm norm;
  double std = sqrt (125.0);   /* deviations -15, -5, 5, 15 */

  ink_norm_fit (&norm, INK_NORM_STANDARDIZE, ds, idx, 2);
  g_assert_cmpint (norm.kind, ==, INK_NORM_STANDARDIZE);
  g_assert_cmpfloat_with_epsilon (norm.mean, 15.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (norm.std, std, 1e-12);
  g_assert_cmpfloat (norm.min, ==, 0.0);
  g_assert_cmpfloat (norm.max, ==, 30.0);
  g_assert_cmpfloat_with_epsilon (norm.affine.scale, 1.0 / std, 1e-7);
  g_assert_cmpfloat_with_epsilon (norm.affine.shift, -15.0 / std, 1e-6);

  ink_norm_apply (&norm, px, out, 3);
  g_assert_cmpfloat_with_epsilon (out[0], -15.0 / std, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 5.0 / std, 1e-6);
}

static void
test_norm_minmax (void)
{
  g_autoptr(InkDataset) ds = tiny ();
  const guint32 idx[1] = { 1 };
  const guint8 px[3] = { 20, 25, 30 };
  float out[3];
  InkNorm norm;

  ink_norm_fit (&norm, INK_NORM_MINMAX, ds, idx, 1);
  g_assert_cmpfloat (norm.min, ==, 20.0);
  g_assert_cmpfloat (norm.max, ==, 30.0);
  ink_norm_apply (&norm, px, out, 3);
  g_assert_cmpfloat_with_epsilon (out[0], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 1.0, 1e-6);
}

static void
test_norm_constant (void)
{
  g_autoptr(InkDataset) ds = tiny ();
  const guint32 idx[1] = { 2 };   /* 255, 255 */
  InkNorm norm;

  ink_norm_fit (&norm, INK_NORM_STANDARDIZE, ds, idx, 1);
  g_assert_cmpfloat (norm.std, ==, 0.0);
  g_assert_cmpfloat (norm.affine.scale, ==, 1.0f);
  g_assert_cmpfloat (norm.affine.shift, ==, -255.0f);

  ink_norm_fit (&norm, INK_NORM_MINMAX, ds, idx, 1);
  g_assert_cmpfloat (norm.affine.scale, ==, 1.0f);
  g_assert_cmpfloat (norm.affine.shift, ==, -255.0f);
  g_assert_true (isfinite (norm.affine.shift));
}

static void
test_norm_scale_none (void)
{
  g_autoptr(InkDataset) ds = tiny ();
  const guint32 idx[2] = { 0, 1 };
  const guint8 px[2] = { 0, 255 };
  float out[2];
  InkNorm norm;

  ink_norm_fit (&norm, INK_NORM_SCALE, ds, idx, 2);
  ink_norm_apply (&norm, px, out, 2);
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (out[1], 1.0f, 1e-6);

  ink_norm_fit (&norm, INK_NORM_NONE, ds, idx, 2);
  ink_norm_apply (&norm, px, out, 2);
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat (out[1], ==, 255.0f);
}

static void
test_names (void)
{
  InkNormKind nk;
  InkSplitKind sk;

  for (int k = INK_NORM_SCALE; k <= INK_NORM_NONE; k++)
    {
      g_assert_true (ink_norm_kind_from_string (ink_norm_kind_to_string (k), &nk));
      g_assert_cmpint (nk, ==, k);
    }
  for (int k = INK_SPLIT_OFFICIAL; k <= INK_SPLIT_RANDOM; k++)
    {
      g_assert_true (ink_split_kind_from_string (ink_split_kind_to_string (k), &sk));
      g_assert_cmpint (sk, ==, k);
    }
  g_assert_cmpstr (ink_norm_kind_to_string (INK_NORM_STANDARDIZE), ==, "standardize");
  g_assert_cmpstr (ink_split_kind_to_string (INK_SPLIT_RANDOM), ==, "random");
  g_assert_false (ink_norm_kind_from_string ("zscore-ish", &nk));
  g_assert_false (ink_split_kind_from_string ("", &sk));
  g_assert_false (ink_split_kind_from_string (NULL, &sk));
}

/* ---- the real data, when present ---- */

static void
test_real_mnist (void)
{
  static const guint train_counts[10] = { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 };
  static const guint test_counts[10] = { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 };
  g_autofree char *dir = ink_dataset_user_dir ("mnist");
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  g_autoptr(GError) error = NULL;
  guint tc[10] = { 0 }, vc[10] = { 0 };
  gint64 t0;
  double secs;
  InkNorm norm;

  if (!holds_train_images (dir))
    {
      g_autofree char *msg = g_strdup_printf ("MNIST is not set up in %s (run tools/setup-data.sh)", dir);

      g_test_skip (msg);
      return;
    }

  t0 = g_get_monotonic_time ();
  g_assert_true (ink_dataset_load_dir (dir, &train, &test, &error));
  secs = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_no_error (error);
  g_test_message ("loaded MNIST (train and test) in %.3f s", secs);
  g_assert_cmpfloat (secs, <, 3.0);

  g_assert_cmpuint (train->n, ==, 60000);
  g_assert_cmpuint (test->n, ==, 10000);
  g_assert_cmpuint (train->rows, ==, 28);
  g_assert_cmpuint (train->cols, ==, 28);
  g_assert_cmpuint (test->rows, ==, 28);
  g_assert_cmpuint (test->cols, ==, 28);
  for (guint i = 0; i < train->n; i++)
    tc[train->labels[i]]++;
  for (guint i = 0; i < test->n; i++)
    vc[test->labels[i]]++;
  for (guint d = 0; d < 10; d++)
    {
      g_assert_cmpuint (tc[d], ==, train_counts[d]);
      g_assert_cmpuint (vc[d], ==, test_counts[d]);
    }

  /* the well-known statistics of the training set (np.mean, np.std) */
  ink_norm_fit (&norm, INK_NORM_STANDARDIZE, train, NULL, train->n);
  g_test_message ("mean %.6f std %.6f", norm.mean, norm.std);
  g_assert_cmpfloat_with_epsilon (norm.mean, 33.318421, 1e-5);
  g_assert_cmpfloat_with_epsilon (norm.std, 78.567490, 1e-5);
  g_assert_cmpfloat (norm.min, ==, 0.0);
  g_assert_cmpfloat (norm.max, ==, 255.0);
}

static void
test_real_fashion (void)
{
  const char *dir = "/usr/share/datasets/fashion-mnist";
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  g_autoptr(GError) error = NULL;
  guint tc[10] = { 0 };
  gint64 t0;

  if (!holds_train_images (dir))
    {
      g_test_skip ("Debian's dataset-fashion-mnist is not installed");
      return;
    }

  t0 = g_get_monotonic_time ();
  g_assert_true (ink_dataset_load_dir (dir, &train, &test, &error));
  g_assert_no_error (error);
  g_test_message ("loaded gzipped Fashion-MNIST in %.3f s",
                  (g_get_monotonic_time () - t0) / 1e6);
  g_assert_cmpuint (train->n, ==, 60000);
  g_assert_cmpuint (test->n, ==, 10000);
  g_assert_cmpuint (train->rows, ==, 28);
  g_assert_cmpuint (train->cols, ==, 28);
  for (guint i = 0; i < train->n; i++)
    tc[train->labels[i]]++;
  for (guint d = 0; d < 10; d++)
    g_assert_cmpuint (tc[d], ==, 6000);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_DATA(path, data, func) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/dataset/idx/bad-magic", test_idx_bad_magic);
  ADD ("/dataset/idx/not-idx", test_idx_not_idx);
  ADD ("/dataset/idx/wrong-rank", test_idx_wrong_rank);
  ADD ("/dataset/idx/wrong-type", test_idx_wrong_type);
  ADD ("/dataset/idx/swapped", test_idx_swapped);
  ADD ("/dataset/idx/zero-dimension", test_idx_zero_dimension);
  ADD ("/dataset/idx/zero-count", test_idx_zero_count);
  ADD ("/dataset/idx/absurd-count", test_idx_absurd_count);
  ADD ("/dataset/idx/absurd-side", test_idx_absurd_side);
  ADD ("/dataset/idx/truncated", test_idx_truncated);
  ADD ("/dataset/idx/trailing", test_idx_trailing);
  ADD ("/dataset/idx/short-header", test_idx_short_header);
  ADD ("/dataset/idx/empty", test_idx_empty);
  ADD ("/dataset/idx/missing", test_idx_missing);
  ADD ("/dataset/idx/count-mismatch", test_idx_count_mismatch);
  ADD ("/dataset/idx/label-10", test_idx_bad_label);
  ADD_DATA ("/dataset/idx/roundtrip", GINT_TO_POINTER (FALSE), test_idx_roundtrip);

  ADD ("/dataset/gzip/corrupt", test_gzip_corrupt);
  ADD ("/dataset/gzip/bad-crc", test_gzip_bad_crc);
  ADD ("/dataset/gzip/truncated", test_gzip_truncated);
  ADD ("/dataset/gzip/truncated-payload", test_gzip_truncated_payload);
  ADD ("/dataset/gzip/trailing", test_gzip_trailing);
  ADD ("/dataset/gzip/bomb", test_gzip_bomb);
  ADD ("/dataset/gzip/bomb-short", test_gzip_bomb_short);
  ADD ("/dataset/gzip/bomb-long", test_gzip_bomb_long);
  ADD ("/dataset/csv/bombs", test_csv_bombs);
  ADD_DATA ("/dataset/gzip/roundtrip", GINT_TO_POINTER (TRUE), test_idx_roundtrip);

  ADD_DATA ("/dataset/csv/plain", "plain", test_csv_good);
  ADD_DATA ("/dataset/csv/header", "header", test_csv_good);
  ADD_DATA ("/dataset/csv/crlf", "crlf", test_csv_good);
  ADD_DATA ("/dataset/csv/header-crlf", "header crlf", test_csv_good);
  ADD_DATA ("/dataset/csv/gzip", "gzip header", test_csv_good);
  ADD_DATA ("/dataset/csv/small-side", "small crlf", test_csv_good);
  ADD ("/dataset/csv/spaces-bom", test_csv_spaces_bom);
  ADD ("/dataset/csv/wrong-columns", test_csv_wrong_columns);
  ADD ("/dataset/csv/header-columns", test_csv_header_columns);
  ADD ("/dataset/csv/not-square", test_csv_not_square);
  ADD ("/dataset/csv/not-a-number", test_csv_not_a_number);
  ADD ("/dataset/csv/float", test_csv_float);
  ADD ("/dataset/csv/empty-field", test_csv_empty_field);
  ADD ("/dataset/csv/pixel-256", test_csv_pixel_256);
  ADD ("/dataset/csv/pixel-negative", test_csv_pixel_negative);
  ADD ("/dataset/csv/label-11", test_csv_label_11);
  ADD ("/dataset/csv/empty", test_csv_empty);
  ADD ("/dataset/csv/header-only", test_csv_header_only);
  ADD ("/dataset/csv/missing", test_csv_missing);
  ADD ("/dataset/csv/gzip-truncated", test_csv_gzip_truncated);

  ADD ("/dataset/dir/gz", test_dir_gz);
  ADD ("/dataset/dir/prefer-raw", test_dir_prefer_raw);
  ADD ("/dataset/dir/missing-file", test_dir_missing_file);
  ADD ("/dataset/dir/csv", test_dir_csv);
  ADD ("/dataset/dir/not-found", test_dir_not_found);
  ADD ("/dataset/dir/shape-mismatch", test_dir_shape_mismatch);
  ADD ("/dataset/dir/bad-file", test_dir_bad_file);

  ADD ("/dataset/find/folder", test_find_folder);
  ADD ("/dataset/find/unknown", test_find_unknown);
  ADD ("/dataset/find/missing-path", test_find_missing_path);
  g_test_add_func ("/dataset/find/mnist", test_find_mnist);
  g_test_add_func ("/dataset/dir-images-file", test_dir_images_file);
  g_test_add_func ("/dataset/find/fashion-mnist", test_find_fashion);

  g_test_add_func ("/dataset/split/official", test_split_official);
  g_test_add_func ("/dataset/split/fixed", test_split_fixed);
  g_test_add_func ("/dataset/split/fixed-errors", test_split_fixed_errors);
  g_test_add_func ("/dataset/split/random", test_split_random);
  g_test_add_func ("/dataset/split/random-errors", test_split_random_errors);
  g_test_add_func ("/dataset/split/subset", test_split_subset);
  g_test_add_func ("/dataset/split/shape-mismatch", test_split_shape_mismatch);

  g_test_add_func ("/dataset/norm/standardize", test_norm_standardize);
  g_test_add_func ("/dataset/norm/minmax", test_norm_minmax);
  g_test_add_func ("/dataset/norm/constant", test_norm_constant);
  g_test_add_func ("/dataset/norm/scale-none", test_norm_scale_none);
  g_test_add_func ("/dataset/norm/names", test_names);

  g_test_add_func ("/dataset/real/mnist", test_real_mnist);
  g_test_add_func ("/dataset/real/fashion-mnist", test_real_fashion);

  return g_test_run ();
}
