/* ink-safetensors.c
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

/* Reading and writing safetensors files, every header field checked. */

#include "config.h"

#include "ink-safetensors.h"
#include "ink-json.h"
#include "ink-save.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

/* Only x86-64/aarch64 little-endian hosts are tested, but the byte buffer of
 * a safetensors file is little-endian by definition, so big-endian hosts swap
 * every float on the way in and out. */
#if G_BYTE_ORDER != G_LITTLE_ENDIAN && G_BYTE_ORDER != G_BIG_ENDIAN
#error "unsupported byte order"
#endif

G_STATIC_ASSERT (sizeof (float) == 4);

#define METADATA_KEY "__metadata__"

G_DEFINE_QUARK (ink-safetensors-error-quark, ink_safetensors_error)

/* Copies n floats between the file's little-endian byte buffer and host
 * floats.  memcpy because the source (a file buffer at any offset) may be
 * unaligned; bit patterns (NaN payloads, -0.0, denormals) are preserved. */
static void
copy_le_floats (void       *dest,
                const void *src,
                gsize       n)
{
  if (n == 0)
    return;

  memcpy (dest, src, n * sizeof (float));

#if G_BYTE_ORDER == G_BIG_ENDIAN
  {
    guint8 *p = dest;

    for (gsize i = 0; i < n; i++)
      {
        guint32 w;

        memcpy (&w, p + i * 4, 4);
        w = GUINT32_SWAP_LE_BE (w);
        memcpy (p + i * 4, &w, 4);
      }
  }
#endif
}

/* Product of the dimensions, FALSE if a dimension is negative or the product
 * does not fit in 64 bits. */
static gboolean
shape_numel (guint          n_dims,
             const gint64  *shape,
             guint64       *out)
{
  guint64 n = 1;

  for (guint i = 0; i < n_dims; i++)
    {
      if (shape[i] < 0)
        return FALSE;
      if (!g_uint64_checked_mul (&n, n, (guint64) shape[i]))
        return FALSE;
    }

  *out = n;
  return TRUE;
}

static char *
format_shape (guint          n_dims,
              const gint64  *shape)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", shape[i]);
  g_string_append_c (s, ']');

  return g_string_free (s, FALSE);
}

gsize
ink_tensor_numel (const InkTensor *t)
{
  guint64 n = 0;

  g_return_val_if_fail (t != NULL, 0);
  g_return_val_if_fail (t->n_dims <= INK_SAFETENSORS_MAX_DIMS, 0);

  if (!shape_numel (t->n_dims, t->shape, &n) || n > G_MAXSIZE)
    g_return_val_if_reached (0);

  return (gsize) n;
}

static void
ink_tensor_free (gpointer data)
{
  InkTensor *t = data;

  if (t == NULL)
    return;

  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

InkTensorFile *
ink_tensor_file_new (void)
{
  InkTensorFile *tf = g_new0 (InkTensorFile, 1);

  tf->tensors = g_ptr_array_new_with_free_func (ink_tensor_free);
  tf->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return tf;
}

void
ink_tensor_file_free (InkTensorFile *tf)
{
  if (tf == NULL)
    return;

  g_clear_pointer (&tf->tensors, g_ptr_array_unref);
  g_clear_pointer (&tf->metadata, g_hash_table_unref);
  g_free (tf);
}

InkTensor *
ink_tensor_file_lookup (InkTensorFile *tf,
                        const char    *name)
{
  g_return_val_if_fail (tf != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < tf->tensors->len; i++)
    {
      InkTensor *t = g_ptr_array_index (tf->tensors, i);

      if (g_strcmp0 (t->name, name) == 0)
        return t;
    }

  return NULL;
}

/* Takes ownership of `data` (numel floats, or NULL when numel is 0). */
static InkTensor *
tensor_file_append (InkTensorFile *tf,
                    const char    *name,
                    guint          n_dims,
                    const gint64  *shape,
                    float         *data)
{
  InkTensor *t = g_new0 (InkTensor, 1);

  t->name = g_strdup (name);
  t->n_dims = n_dims;
  if (n_dims > 0)
    memcpy (t->shape, shape, n_dims * sizeof (gint64));
  t->data = data;
  g_ptr_array_add (tf->tensors, t);

  return t;
}

/* Copies `data` (numel floats); a NULL `data` gives a zero-filled tensor.
 * Adding a name that is already present, or the reserved "__metadata__",
 * is a programming error. */
InkTensor *
ink_tensor_file_add (InkTensorFile *tf,
                     const char    *name,
                     guint          n_dims,
                     const gint64  *shape,
                     const float   *data)
{
  guint64 numel = 0;
  gsize nbytes;
  float *copy;

  g_return_val_if_fail (tf != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (g_utf8_validate (name, -1, NULL), NULL);
  g_return_val_if_fail (strcmp (name, METADATA_KEY) != 0, NULL);
  g_return_val_if_fail (n_dims <= INK_SAFETENSORS_MAX_DIMS, NULL);
  g_return_val_if_fail (n_dims == 0 || shape != NULL, NULL);
  g_return_val_if_fail (ink_tensor_file_lookup (tf, name) == NULL, NULL);
  g_return_val_if_fail (shape_numel (n_dims, shape, &numel), NULL);
  g_return_val_if_fail (numel <= G_MAXSIZE / sizeof (float), NULL);

  nbytes = (gsize) numel * sizeof (float);
  if (data != NULL)
    copy = g_memdup2 (data, nbytes);
  else
    copy = g_malloc0 (nbytes);

  return tensor_file_append (tf, name, n_dims, shape, copy);
}

InkTensor *
ink_tensor_file_require (InkTensorFile *tf,
                         const char    *name,
                         guint          n_dims,
                         const gint64  *shape,
                         GError       **error)
{
  InkTensor *t;

  g_return_val_if_fail (tf != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (n_dims <= INK_SAFETENSORS_MAX_DIMS, NULL);
  g_return_val_if_fail (n_dims == 0 || shape != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  t = ink_tensor_file_lookup (tf, name);
  if (t == NULL)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING,
                   "tensor '%s' is missing (the file has %u tensors)",
                   name, tf->tensors->len);
      return NULL;
    }

  if (t->n_dims != n_dims ||
      (n_dims > 0 && memcmp (t->shape, shape, n_dims * sizeof (gint64)) != 0))
    {
      g_autofree char *want = format_shape (n_dims, shape);
      g_autofree char *have = format_shape (t->n_dims, t->shape);

      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING,
                   "tensor '%s' has shape %s, expected %s",
                   name, have, want);
      return NULL;
    }

  return t;
}

/* A NULL value removes the key. */
void
ink_tensor_file_set_meta (InkTensorFile *tf,
                          const char    *key,
                          const char    *value)
{
  g_return_if_fail (tf != NULL);
  g_return_if_fail (key != NULL);

  if (value == NULL)
    g_hash_table_remove (tf->metadata, key);
  else
    g_hash_table_replace (tf->metadata, g_strdup (key), g_strdup (value));
}

const char *
ink_tensor_file_get_meta (InkTensorFile *tf,
                          const char    *key)
{
  g_return_val_if_fail (tf != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (tf->metadata, key);
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Builds the whole file in memory.  The fields of InkTensorFile are public,
 * so everything ink_tensor_file_add() guarantees is checked again here. */
static guint8 *
build_file (InkTensorFile  *tf,
            const char     *display,
            gsize          *out_len,
            GError        **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint64 *sizes = g_new0 (guint64, tf->tensors->len + 1);
  g_autofree char *json = NULL;
  gsize json_len = 0;
  guint64 header_len, total, offset = 0;
  guint8 *buf;
  guint8 *p;

  json_builder_begin_object (builder);

  /* Metadata first, keys sorted, so that saving is reproducible. */
  if (g_hash_table_size (tf->metadata) > 0)
    {
      g_autofree gpointer *keys = NULL;
      guint n_keys = 0;

      keys = g_hash_table_get_keys_as_array (tf->metadata, &n_keys);
      qsort (keys, n_keys, sizeof (gpointer), compare_strings);

      json_builder_set_member_name (builder, METADATA_KEY);
      json_builder_begin_object (builder);
      for (guint i = 0; i < n_keys; i++)
        {
          const char *value = g_hash_table_lookup (tf->metadata, keys[i]);

          if (!g_utf8_validate (keys[i], -1, NULL) || !g_utf8_validate (value, -1, NULL))
            {
              g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                           "%s: metadata key or value is not valid UTF-8", display);
              return NULL;
            }
          json_builder_set_member_name (builder, keys[i]);
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
    }

  for (guint i = 0; i < tf->tensors->len; i++)
    {
      InkTensor *t = g_ptr_array_index (tf->tensors, i);
      guint64 numel = 0;

      if (t->name == NULL || !g_utf8_validate (t->name, -1, NULL) ||
          strcmp (t->name, METADATA_KEY) == 0)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor %u has an invalid name", display, i);
          return NULL;
        }
      if (!g_hash_table_add (seen, t->name))
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor name '%s' is used twice", display, t->name);
          return NULL;
        }
      if (t->n_dims > INK_SAFETENSORS_MAX_DIMS)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor '%s' has %u dimensions, at most %d are supported",
                       display, t->name, t->n_dims, INK_SAFETENSORS_MAX_DIMS);
          return NULL;
        }
      if (!shape_numel (t->n_dims, t->shape, &numel) ||
          !g_uint64_checked_mul (&sizes[i], numel, sizeof (float)) ||
          !g_uint64_checked_add (&offset, offset, sizes[i]))
        {
          g_autofree char *shape = format_shape (t->n_dims, t->shape);

          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor '%s' has an invalid shape %s",
                       display, t->name, shape);
          return NULL;
        }
      if (numel > 0 && t->data == NULL)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor '%s' has no data", display, t->name);
          return NULL;
        }

      json_builder_set_member_name (builder, t->name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dtype");
      json_builder_add_string_value (builder, "F32");
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (guint d = 0; d < t->n_dims; d++)
        json_builder_add_int_value (builder, t->shape[d]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "data_offsets");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, (gint64) (offset - sizes[i]));
      json_builder_add_int_value (builder, (gint64) offset);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);

  json = ink_json_builder_to_text (builder, FALSE);
  json_len = strlen (json);
  /* what is written must read back: ink_safetensors_parse runs the same
   * check on it */
  {
    g_autoptr(GError) local = NULL;
    if (!ink_json_check (json, (gssize) json_len, &local))
      {
        g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                     "%s was not written: its header would not read back (%s)", display, local->message);
        return NULL;
      }
  }

  /* Pad with spaces so that the data starts 8-byte aligned. */
  header_len = ((guint64) json_len + 7) & ~(guint64) 7;
  /* never write what ink_safetensors_parse would refuse */
  if (tf->tensors->len > INK_SAFETENSORS_MAX_TENSORS)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: %u tensors, more than the %u a file may hold",
                   display, tf->tensors->len, INK_SAFETENSORS_MAX_TENSORS);
      return NULL;
    }
  if (header_len > INK_SAFETENSORS_MAX_HEADER_READ)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: the header would be %" G_GUINT64_FORMAT " bytes, more than the %u"
                   " Inkling reads back (too much metadata)",
                   display, header_len, INK_SAFETENSORS_MAX_HEADER_READ);
      return NULL;
    }
  if (header_len > INK_SAFETENSORS_MAX_HEADER ||
      !g_uint64_checked_add (&total, 8 + header_len, offset) ||
      total > G_MAXSSIZE)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: the file would be too large (header %" G_GUINT64_FORMAT
                   " bytes, data %" G_GUINT64_FORMAT " bytes)",
                   display, header_len, offset);
      return NULL;
    }

  buf = g_malloc ((gsize) total);
  p = buf;

  {
    guint64 le = GUINT64_TO_LE (header_len);

    memcpy (p, &le, 8);
    p += 8;
  }
  memcpy (p, json, json_len);
  memset (p + json_len, ' ', (gsize) header_len - json_len);
  p += header_len;

  for (guint i = 0; i < tf->tensors->len; i++)
    {
      InkTensor *t = g_ptr_array_index (tf->tensors, i);

      copy_le_floats (p, t->data, (gsize) sizes[i] / sizeof (float));
      p += sizes[i];
    }

  g_assert (p == buf + total);

  *out_len = (gsize) total;
  return buf;
}

gboolean
ink_safetensors_save (InkTensorFile  *tf,
                      const char     *path,
                      GError        **error)
{
  g_autofree char *display = NULL;
  g_autofree guint8 *buf = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;

  g_return_val_if_fail (tf != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display = g_filename_display_name (path);

  buf = build_file (tf, display, &len, error);
  if (buf == NULL)
    return FALSE;

  /* Writes a temporary file next to `path`, fsyncs it and renames it over
   * `path`; on failure the temporary file is removed and `path` is left
   * untouched (ink_save_file: through symbolic links, straight into a
   * device or pipe). */
  if (!ink_save_file (path, buf, len, TRUE, &local_error))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_IO,
                   "%s: could not save: %s", display, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */

typedef struct
{
  const char *name;   /* owned by the JSON tree */
  guint       index;  /* position in the header */
  guint       n_dims;
  gint64      shape[INK_SAFETENSORS_MAX_DIMS];
  guint64     begin;
  guint64     end;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  if (ea->begin != eb->begin)
    return ea->begin < eb->begin ? -1 : 1;
  if (ea->end != eb->end)
    return ea->end < eb->end ? -1 : 1;
  return ea->index < eb->index ? -1 : (ea->index > eb->index ? 1 : 0);
}

static const char *
node_kind (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_DOUBLE:
      return "a fractional number";
    case G_TYPE_INT64:
      return "an integer";
    default:
      return "an unexpected value";
    }
}

static gboolean
node_is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
parse_metadata (JsonNode       *node,
                GHashTable     *metadata,
                const char     *display,
                GError        **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: \"" METADATA_KEY "\" is %s, expected an object of strings",
                   display, node_kind (node));
      return FALSE;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (object, key);

      if (!JSON_NODE_HOLDS_VALUE (value) ||
          json_node_get_value_type (value) != G_TYPE_STRING)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: \"" METADATA_KEY "\" value for '%s' is %s, expected a string",
                       display, key, node_kind (value));
          return FALSE;
        }

      g_hash_table_replace (metadata, g_strdup (key),
                            g_strdup (json_node_get_string (value)));
    }

  return TRUE;
}

static gboolean
parse_entry (Entry          *entry,
             JsonNode       *node,
             guint64         data_len,
             const char     *display,
             GError        **error)
{
  const char *name = entry->name;
  JsonObject *object;
  JsonNode *dtype, *shape, *offsets;
  JsonArray *array;
  guint64 numel = 1;
  guint64 nbytes;
  guint n;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: tensor '%s' is %s, expected an object",
                   display, name, node_kind (node));
      return FALSE;
    }
  object = json_node_get_object (node);

  /* dtype */
  dtype = json_object_get_member (object, "dtype");
  if (dtype == NULL)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: tensor '%s' has no \"dtype\"", display, name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (dtype) ||
      json_node_get_value_type (dtype) != G_TYPE_STRING)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: tensor '%s' \"dtype\" is %s, expected a string",
                   display, name, node_kind (dtype));
      return FALSE;
    }
  if (g_strcmp0 (json_node_get_string (dtype), "F32") != 0)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_DTYPE,
                   "%s: tensor '%s' has dtype \"%s\"; only F32 is supported",
                   display, name, json_node_get_string (dtype));
      return FALSE;
    }

  /* shape */
  shape = json_object_get_member (object, "shape");
  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: tensor '%s' \"shape\" is %s, expected an array of integers",
                   display, name, shape ? node_kind (shape) : "missing");
      return FALSE;
    }
  array = json_node_get_array (shape);
  n = json_array_get_length (array);
  if (n > INK_SAFETENSORS_MAX_DIMS)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: tensor '%s' has %u dimensions, at most %d are supported",
                   display, name, n, INK_SAFETENSORS_MAX_DIMS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *dim = json_array_get_element (array, i);

      if (!node_is_int (dim))
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor '%s' shape[%u] is %s, expected a non-negative integer",
                       display, name, i, node_kind (dim));
          return FALSE;
        }
      entry->shape[i] = json_node_get_int (dim);
      if (entry->shape[i] < 0)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor '%s' shape[%u] is %" G_GINT64_FORMAT
                       ", expected a non-negative integer",
                       display, name, i, entry->shape[i]);
          return FALSE;
        }
    }
  entry->n_dims = n;
  if (!shape_numel (entry->n_dims, entry->shape, &numel))
    {
      g_autofree char *s = format_shape (entry->n_dims, entry->shape);

      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: tensor '%s' shape %s has more elements than fit in 64 bits",
                   display, name, s);
      return FALSE;
    }

  /* data_offsets */
  offsets = json_object_get_member (object, "data_offsets");
  if (offsets == NULL || !JSON_NODE_HOLDS_ARRAY (offsets))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: tensor '%s' \"data_offsets\" is %s, expected [begin, end]",
                   display, name, offsets ? node_kind (offsets) : "missing");
      return FALSE;
    }
  array = json_node_get_array (offsets);
  n = json_array_get_length (array);
  if (n != 2)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: tensor '%s' \"data_offsets\" has %u numbers, expected 2 ([begin, end])",
                   display, name, n);
      return FALSE;
    }
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *v = json_array_get_element (array, i);
      gint64 x;

      if (!node_is_int (v))
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor '%s' data_offsets[%u] is %s, expected a non-negative integer",
                       display, name, i, node_kind (v));
          return FALSE;
        }
      x = json_node_get_int (v);
      if (x < 0)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                       "%s: tensor '%s' data_offsets[%u] is %" G_GINT64_FORMAT
                       ", expected a non-negative integer",
                       display, name, i, x);
          return FALSE;
        }
      if (i == 0)
        entry->begin = (guint64) x;
      else
        entry->end = (guint64) x;
    }

  if (entry->end < entry->begin)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_OFFSETS,
                   "%s: tensor '%s' data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                   "] end before they begin",
                   display, name, entry->begin, entry->end);
      return FALSE;
    }
  if (entry->end > data_len)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_OFFSETS,
                   "%s: tensor '%s' data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                   "] run past the end of the data (%" G_GUINT64_FORMAT " bytes)",
                   display, name, entry->begin, entry->end, data_len);
      return FALSE;
    }
  if (!g_uint64_checked_mul (&nbytes, numel, sizeof (float)) ||
      nbytes != entry->end - entry->begin)
    {
      g_autofree char *s = format_shape (entry->n_dims, entry->shape);

      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_OFFSETS,
                   "%s: tensor '%s' shape %s has %" G_GUINT64_FORMAT
                   " elements (4 bytes each) but data_offsets [%" G_GUINT64_FORMAT
                   ", %" G_GUINT64_FORMAT "] span %" G_GUINT64_FORMAT " bytes",
                   display, name, s, numel, entry->begin, entry->end,
                   entry->end - entry->begin);
      return FALSE;
    }

  return TRUE;
}

/* Sorted by begin, the tensors must tile [0, data_len) exactly. */
static gboolean
check_layout (Entry          *entries,
              guint           n,
              guint64         data_len,
              const char     *display,
              GError        **error)
{
  guint64 pos = 0;
  const Entry *prev = NULL;

  qsort (entries, n, sizeof (Entry), compare_entries);

  for (guint i = 0; i < n; i++)
    {
      const Entry *e = &entries[i];

      if (e->begin < pos)
        {
          g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_OFFSETS,
                       "%s: tensor '%s' data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                       "] overlap tensor '%s' [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]",
                       display, e->name, e->begin, e->end,
                       prev->name, prev->begin, prev->end);
          return FALSE;
        }
      if (e->begin > pos)
        {
          if (prev != NULL)
            g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_OFFSETS,
                         "%s: gap of %" G_GUINT64_FORMAT " unused bytes between tensor '%s'"
                         " (ends at %" G_GUINT64_FORMAT ") and tensor '%s' (begins at %"
                         G_GUINT64_FORMAT ")",
                         display, e->begin - pos, prev->name, pos, e->name, e->begin);
          else
            g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_OFFSETS,
                         "%s: gap of %" G_GUINT64_FORMAT " unused bytes at the start of"
                         " the data, before tensor '%s' (begins at %" G_GUINT64_FORMAT ")",
                         display, e->begin, e->name, e->begin);
          return FALSE;
        }
      pos = e->end;
      prev = e;
    }

  if (pos != data_len)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_OFFSETS,
                   "%s: gap of %" G_GUINT64_FORMAT " unused bytes at the end of the data"
                   " (tensors cover %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes)",
                   display, data_len - pos, pos, data_len);
      return FALSE;
    }

  return TRUE;
}

/* How many JSON values the header holds at most, without parsing it: every
 * value but the first follows a ',' ':' '[' or '{' outside strings.  Stops
 * counting past `limit`.  The header is valid UTF-8; a string left open
 * only makes the count smaller, and ink_json_check refuses it next. */
static guint64
count_values (const char *header,
              gsize       len,
              guint64     limit)
{
  guint64 n = 1;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len && n <= limit; i++)
    {
      char c = header[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == ',' || c == ':' || c == '[' || c == '{')
        n++;
    }
  return n;
}

/* the header is checked as strict JSON first (ink_json_check): json-glib
 * overflows the stack on deeply nested input and accepts what JSON is not
 * (hexadecimal numbers, comments, lone surrogates, a member twice) */
static gboolean
check_header_json (const char     *header,
                   gsize           len,
                   const char     *display,
                   GError        **error)
{
  g_autoptr(GError) local = NULL;

  if (!ink_json_check (header, (gssize) len, &local))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header is not valid JSON: %s", display, local->message);
      return FALSE;
    }
  return TRUE;
}

/* The 8-byte length prefix (bytes holds at least 8) against the file's
 * length `len` and the limits: checked before the rest is read. */
static gboolean
check_length_prefix (const guint8  *bytes,
                     gsize          len,
                     const char    *display,
                     guint64       *out_header_len,
                     GError       **error)
{
  guint64 header_len;

  memcpy (&header_len, bytes, 8);
  header_len = GUINT64_FROM_LE (header_len);
  *out_header_len = header_len;

  if (header_len > INK_SAFETENSORS_MAX_HEADER)
    {
      /* say what the file looks like when it is something common */
      const char *kind = NULL;

      if (memcmp (bytes, "\x89PNG", 4) == 0)
        kind = "a PNG image";
      else if (bytes[0] == 0x1f && bytes[1] == 0x8b)
        kind = "gzip-compressed data";
      else if (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08)
        kind = "an IDX data file";
      else if (bytes[0] == '{' || bytes[0] == '[')
        kind = "JSON text (an experiment file?)";
      if (kind != NULL)
        g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                     "%s: not a model file (safetensors): it looks like %s", display, kind);
      else
        g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                     "%s: not a model file (safetensors): header length %" G_GUINT64_FORMAT
                     " exceeds the format's limit of %u bytes",
                     display, header_len, INK_SAFETENSORS_MAX_HEADER);
      return FALSE;
    }
  if (header_len > INK_SAFETENSORS_MAX_HEADER_READ && header_len <= len - 8)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header of %" G_GUINT64_FORMAT " bytes, more than the %u an"
                   " Inkling model or checkpoint needs; the file is damaged or not"
                   " Inkling's",
                   display, header_len, INK_SAFETENSORS_MAX_HEADER_READ);
      return FALSE;
    }
  if (header_len > len - 8)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header length %" G_GUINT64_FORMAT " runs past the end of the"
                   " file (%" G_GSIZE_FORMAT " bytes)", display, header_len, len);
      return FALSE;
    }

  return TRUE;
}

InkTensorFile *
ink_safetensors_parse (const guint8  *bytes,
                       gsize          len,
                       const char    *name_for_errors,
                       GError       **error)
{
  const char *display = name_for_errors ? name_for_errors : "<data>";
  g_autoptr(InkTensorFile) tf = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = NULL;
  g_autofree Entry *entries = NULL;
  g_autofree Entry *sorted = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *header;
  const guint8 *data;
  guint64 header_len, data_len;
  guint n_entries = 0;
  char first_byte;

  g_return_val_if_fail (bytes != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 8)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: file is %" G_GSIZE_FORMAT " bytes, too short for the"
                   " 8-byte header length", display, len);
      return NULL;
    }

  if (!check_length_prefix (bytes, len, display, &header_len, error))
    return NULL;

  header = (const char *) bytes + 8;
  data = bytes + 8 + header_len;
  data_len = len - 8 - header_len;

  /* cheap refusals before anything reads the whole header */
  {
    gsize first = 0;

    while (first < header_len && g_ascii_isspace (header[first]))
      first++;
    first_byte = first < header_len ? header[first] : '\0';
  }
  if (first_byte != '{')
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header (%" G_GUINT64_FORMAT " bytes) does not start with '{';"
                   " it must be a JSON object",
                   display, header_len);
      return NULL;
    }

  if (!g_utf8_validate (header, (gssize) header_len, NULL))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header is not valid UTF-8 (or contains a NUL byte)", display);
      return NULL;
    }

  if (!check_header_json (header, (gsize) header_len, display, error))
    return NULL;
  if (count_values (header, (gsize) header_len, INK_SAFETENSORS_MAX_VALUES) > INK_SAFETENSORS_MAX_VALUES)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header holds more than %u JSON values, more than %u tensors"
                   " need; the file is damaged or not Inkling's",
                   display, INK_SAFETENSORS_MAX_VALUES, INK_SAFETENSORS_MAX_TENSORS);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, header, (gssize) header_len, &local_error))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header is not valid JSON: %s", display, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header is %s, expected a JSON object",
                   display, root ? node_kind (root) : "empty");
      return NULL;
    }

  tf = ink_tensor_file_new ();
  object = json_node_get_object (root);
  members = json_object_get_members (object);
  if (g_list_length (members) > INK_SAFETENSORS_MAX_TENSORS + 1)
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER,
                   "%s: header lists %u entries, more than the %u tensors a file may hold",
                   display, g_list_length (members), INK_SAFETENSORS_MAX_TENSORS);
      return NULL;
    }
  entries = g_new0 (Entry, g_list_length (members) + 1);

  /* Validate everything before allocating any tensor data. */
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);

      if (strcmp (name, METADATA_KEY) == 0)
        {
          if (!parse_metadata (node, tf->metadata, display, error))
            return NULL;
          continue;
        }

      entries[n_entries].name = name;
      entries[n_entries].index = n_entries;
      if (!parse_entry (&entries[n_entries], node, data_len, display, error))
        return NULL;
      n_entries++;
    }

  sorted = g_memdup2 (entries, (n_entries + 1) * sizeof (Entry));
  if (!check_layout (sorted, n_entries, data_len, display, error))
    return NULL;

  /* Tensors keep the header's order. */
  for (guint i = 0; i < n_entries; i++)
    {
      const Entry *e = &entries[i];
      gsize nbytes = (gsize) (e->end - e->begin);  /* validated: within `len` */
      float *floats = g_malloc (nbytes);

      copy_le_floats (floats, data + e->begin, nbytes / sizeof (float));
      tensor_file_append (tf, e->name, e->n_dims, e->shape, floats);
    }

  return g_steal_pointer (&tf);
}

InkTensorFile *
ink_safetensors_load (const char  *path,
                      GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);

  /* g_file_get_contents() would read a FIFO or /dev/zero forever. */
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_IO,
                   "%s: could not open: %s", display, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_IO,
                   "%s: not a regular file", display);
      return NULL;
    }

  /* the length prefix first: a huge header is refused before the file is read */
  {
    guint8 prefix[8];
    guint64 header_len;
    FILE *f = g_fopen (path, "rb");
    gsize got = f ? fread (prefix, 1, sizeof prefix, f) : 0;

    if (f == NULL)
      {
        int saved_errno = errno;

        g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_IO,
                     "%s: could not open: %s", display, g_strerror (saved_errno));
        return NULL;
      }
    fclose (f);
    if (got == sizeof prefix && st.st_size >= 8 &&
        !check_length_prefix (prefix, (gsize) MIN ((guint64) st.st_size, G_MAXSIZE),
                              display, &header_len, error))
      return NULL;
  }

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_IO,
                   "%s: could not read: %s", display, local_error->message);
      return NULL;
    }

  return ink_safetensors_parse ((const guint8 *) contents, len, display, error);
}
