/* fuzz-safetensors.c
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

/* The safetensors container, from bytes (ink_safetensors_parse).  What it
 * accepts must be what it says it is (every tensor's floats readable,
 * metadata UTF-8) and must write back: saved and loaded again, the same
 * tensors and metadata, bit for bit; anything else aborts. */

#include "config.h"

#include "ink-safetensors.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_same (InkTensorFile *a,
            InkTensorFile *b)
{
  GHashTableIter it;
  gpointer k, v;

  if (a->tensors->len != b->tensors->len ||
      g_hash_table_size (a->metadata) != g_hash_table_size (b->metadata))
    {
      fprintf (stderr, "fuzz-safetensors: %u tensors and %u metadata entries read back as %u and %u\n",
               a->tensors->len, g_hash_table_size (a->metadata),
               b->tensors->len, g_hash_table_size (b->metadata));
      abort ();
    }
  for (guint i = 0; i < a->tensors->len; i++)
    {
      InkTensor *t = g_ptr_array_index (a->tensors, i);
      InkTensor *u = ink_tensor_file_lookup (b, t->name);

      if (u == NULL || u->n_dims != t->n_dims ||
          memcmp (u->shape, t->shape, sizeof (gint64) * t->n_dims) != 0 ||
          ink_tensor_numel (u) != ink_tensor_numel (t) ||
          (ink_tensor_numel (t) > 0 &&
           memcmp (u->data, t->data, sizeof (float) * ink_tensor_numel (t)) != 0))
        {
          fprintf (stderr, "fuzz-safetensors: tensor \"%s\" did not read back as written\n", t->name);
          abort ();
        }
    }
  g_hash_table_iter_init (&it, a->metadata);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (g_strcmp0 (v, g_hash_table_lookup (b->metadata, k)) != 0)
      {
        fprintf (stderr, "fuzz-safetensors: metadata \"%s\" did not read back as written\n", (char *) k);
        abort ();
      }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(InkTensorFile) tf = NULL;
  g_autoptr(InkTensorFile) back = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;
  volatile float sink = 0.0f;

  fuzz_init ();
  tf = ink_safetensors_parse (data, size, "fuzz.safetensors", &error);
  if (tf == NULL)
    {
      if (error == NULL)
        {
          fprintf (stderr, "fuzz-safetensors: refused without an error\n");
          abort ();
        }
      return 0;
    }

  /* touch everything the loader handed out */
  for (guint i = 0; i < tf->tensors->len; i++)
    {
      InkTensor *t = g_ptr_array_index (tf->tensors, i);
      gsize n = ink_tensor_numel (t);

      if (!g_utf8_validate (t->name, -1, NULL) || t->n_dims > INK_SAFETENSORS_MAX_DIMS)
        abort ();
      for (gsize j = 0; j < n; j++)
        sink += t->data[j];
    }
  (void) ink_tensor_file_get_meta (tf, "inkling.experiment");

  path = fuzz_path ("roundtrip.safetensors");
  if (!ink_safetensors_save (tf, path, &error))
    {
      fprintf (stderr, "fuzz-safetensors: an accepted file cannot be written back: %s\n", error->message);
      abort ();
    }
  back = ink_safetensors_load (path, &error);
  if (back == NULL)
    {
      fprintf (stderr, "fuzz-safetensors: a written file does not read back: %s\n", error->message);
      abort ();
    }
  check_same (tf, back);
  (void) sink;
  return 0;
}
