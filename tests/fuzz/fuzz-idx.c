/* fuzz-idx.c
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

/* IDX image and label files (ink_dataset_load_idx), raw, or with
 * FUZZ_IDX_GZ gzipped.  The input holds both files (fuzz_split_pair: a
 * 4-byte big-endian length of the images file, the images file, the labels
 * file).  In the gzip harness the first byte comes first: bit 0 set, the
 * harness gzips the images file itself (so the fuzzer reaches the IDX
 * checks behind the decompressor), bit 1 the same for the labels;
 * otherwise the bytes are written as they are (the seeds are gzip streams,
 * so the decompressor meets damaged ones).  An accepted pair must be what
 * it claims: n images of rows·cols bytes, n labels 0..9. */

#include "config.h"

#include "ink-dataset.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#ifdef FUZZ_IDX_GZ
static GBytes *
gzip (const guint8 *data,
      gsize         len)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (z));

  if (!g_output_stream_write_all (out, data, len, NULL, NULL, NULL) ||
      !g_output_stream_close (out, NULL, NULL))
    abort ();
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

static void
write_maybe_gzipped (const char   *path,
                     const guint8 *data,
                     gsize         len,
                     gboolean      compress)
{
  g_autoptr(GBytes) gz = NULL;

  if (!compress)
    {
      fuzz_write (path, data, len);
      return;
    }
  gz = gzip (data, len);
  fuzz_write (path, g_bytes_get_data (gz, NULL), g_bytes_get_size (gz));
}
#endif

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(InkDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  const char *ipath, *lpath;
  const guint8 *a, *b;
  gsize a_len, b_len;
  volatile guint sum = 0;

  fuzz_init ();
  ipath = fuzz_path ("train-images-idx3-ubyte");
  lpath = fuzz_path ("train-labels-idx1-ubyte");
#ifdef FUZZ_IDX_GZ
  {
    guint8 flags = size > 0 ? data[0] : 0;

    if (size > 0)
      {
        data++;
        size--;
      }
    fuzz_split_pair (data, size, &a, &a_len, &b, &b_len);
    write_maybe_gzipped (ipath, a, a_len, flags & 1);
    write_maybe_gzipped (lpath, b, b_len, flags & 2);
  }
#else
  fuzz_split_pair (data, size, &a, &a_len, &b, &b_len);
  fuzz_write (ipath, a, a_len);
  fuzz_write (lpath, b, b_len);
#endif

  ds = ink_dataset_load_idx (ipath, lpath, &error);
  if (ds == NULL)
    {
      if (error == NULL || strstr (error->message, "-idx") == NULL)
        {
          fprintf (stderr, "fuzz-idx: refused without naming the file: %s\n",
                   error ? error->message : "(no error)");
          abort ();
        }
      return 0;
    }
  if (ds->n == 0 || ds->rows == 0 || ds->cols == 0 ||
      ds->rows > INK_DATA_MAX_SIDE || ds->cols > INK_DATA_MAX_SIDE || ds->n > INK_DATA_MAX_ITEMS)
    {
      fprintf (stderr, "fuzz-idx: accepted a set of %u images of %u×%u\n", ds->n, ds->rows, ds->cols);
      abort ();
    }
  for (guint i = 0; i < ds->n; i++)
    {
      if (ds->labels[i] > 9)
        abort ();
      sum += ds->images[(gsize) i * ink_dataset_dim (ds)];
      sum += ds->images[(gsize) (i + 1) * ink_dataset_dim (ds) - 1];
    }
  (void) sum;
  return 0;
}
