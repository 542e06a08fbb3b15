/* ink-safetensors.h
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

/* safetensors files: tensors by name with metadata. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define INK_SAFETENSORS_ERROR (ink_safetensors_error_quark ())
GQuark ink_safetensors_error_quark (void);

typedef enum
{
  INK_SAFETENSORS_ERROR_IO,
  INK_SAFETENSORS_ERROR_HEADER,   /* bad length prefix, invalid JSON, bad entry */
  INK_SAFETENSORS_ERROR_DTYPE,    /* dtype other than F32 */
  INK_SAFETENSORS_ERROR_OFFSETS,  /* out of range, overlapping, not matching shape, gaps */
  INK_SAFETENSORS_ERROR_MISSING,  /* a tensor the caller requires is absent or has the wrong shape */
} InkSafetensorsError;

#define INK_SAFETENSORS_MAX_HEADER  (100u * 1024u * 1024u)   /* the format's own limit */
#define INK_SAFETENSORS_MAX_DIMS    8

/* What Inkling reads and writes, far below the format's limits: json-glib
 * spends ~0.3 s and ~40 MB per MiB of header made of small values, so the
 * header is refused before parsing when it is longer than
 * INK_SAFETENSORS_MAX_HEADER_READ (a model's header is a few kilobytes, a
 * checkpoint's grows by ~200 bytes per epoch of history: 16 MiB is ~80 000
 * epochs) or holds more JSON values than INK_SAFETENSORS_MAX_VALUES (a
 * tensor entry is at most 15 values; the largest checkpoint holds 4 tensors
 * per parameter tensor of at most INK_SAFETENSORS_MAX_TENSORS).  Metadata
 * values are strings: one value each, however long. */
#define INK_SAFETENSORS_MAX_HEADER_READ  (16u * 1024u * 1024u)
#define INK_SAFETENSORS_MAX_TENSORS      4096u
#define INK_SAFETENSORS_MAX_VALUES       (16u * INK_SAFETENSORS_MAX_TENSORS + 1024u)

/* One F32 tensor (the only dtype Inkling writes or reads). */
typedef struct
{
  char   *name;
  guint   n_dims;
  gint64  shape[INK_SAFETENSORS_MAX_DIMS];
  float  *data;      /* product(shape) floats, little-endian host order */
} InkTensor;

gsize      ink_tensor_numel   (const InkTensor *t);

/* A set of named tensors plus string→string metadata ("__metadata__"). */
typedef struct
{
  GPtrArray  *tensors;    /* InkTensor*, owned */
  GHashTable *metadata;   /* char* → char*, owned */
} InkTensorFile;

InkTensorFile *ink_tensor_file_new      (void);
void           ink_tensor_file_free     (InkTensorFile *tf);
/* copies `data` (numel floats) */
InkTensor     *ink_tensor_file_add      (InkTensorFile *tf,
                                         const char    *name,
                                         guint          n_dims,
                                         const gint64  *shape,
                                         const float   *data);
InkTensor     *ink_tensor_file_lookup   (InkTensorFile *tf,
                                         const char    *name);
/* lookup that fails with INK_SAFETENSORS_ERROR_MISSING unless the tensor
 * exists with exactly this shape */
InkTensor     *ink_tensor_file_require  (InkTensorFile *tf,
                                         const char    *name,
                                         guint          n_dims,
                                         const gint64  *shape,
                                         GError       **error);
void           ink_tensor_file_set_meta (InkTensorFile *tf,
                                         const char    *key,
                                         const char    *value);
const char    *ink_tensor_file_get_meta (InkTensorFile *tf,
                                         const char    *key);

/* Writes the safetensors format: u64 little-endian header length, JSON header
 * (tensors in insertion order with contiguous data_offsets, "__metadata__"),
 * padded with spaces to a multiple of 8, then the data.  Atomic: written to a
 * temporary file in the same folder and renamed over `path`. */
gboolean       ink_safetensors_save     (InkTensorFile *tf,
                                         const char    *path,
                                         GError       **error);

/* Reads and validates: header length within the file and
 * INK_SAFETENSORS_MAX_HEADER_READ, a JSON object ('{' first) of at most
 * INK_SAFETENSORS_MAX_VALUES values (counted before parsing) and
 * INK_SAFETENSORS_MAX_TENSORS tensors, valid JSON, every entry with dtype F32, a shape of non-negative ints
 * (rank <= 8, product without overflow), data_offsets [begin,end] with
 * begin <= end <= data length, end-begin == numel·4, no overlaps, metadata a
 * string→string object.  Never trusts a size before checking it. */
InkTensorFile *ink_safetensors_load     (const char    *path,
                                         GError       **error);
InkTensorFile *ink_safetensors_parse    (const guint8  *bytes,
                                         gsize          len,
                                         const char    *name_for_errors,
                                         GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkTensorFile, ink_tensor_file_free)

G_END_DECLS
