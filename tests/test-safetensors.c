/* test-safetensors.c
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

#include <glib/gstdio.h>
#include <sys/resource.h>
#include <json-glib/json-glib.h>

#include "ink-safetensors.h"
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

  f->dir = g_dir_make_tmp ("inkling-safetensors-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Names of the entries of a folder, sorted, joined by spaces. */
static char *
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

static float
float_from_bits (guint32 bits)
{
  float f;

  memcpy (&f, &bits, 4);
  return f;
}

/* Writes the u64 little-endian `declared_len`, the header text and
 * `n_zeros` zero bytes. */
static char *
write_raw (Fixture    *f,
           const char *name,
           guint64     declared_len,
           const char *header,
           gsize       n_zeros)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree guint8 *zeros = g_malloc0 (n_zeros + 1);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);
  guint64 le = GUINT64_TO_LE (declared_len);

  g_byte_array_append (bytes, (const guint8 *) &le, 8);
  g_byte_array_append (bytes, (const guint8 *) header, strlen (header));
  g_byte_array_append (bytes, zeros, n_zeros);
  g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);

  return path;
}

static char *
write_header (Fixture    *f,
              const char *header,
              gsize       n_zeros)
{
  return write_raw (f, "bad.safetensors", strlen (header), header, n_zeros);
}

/* Loads `path`, which must fail with `code` and a message that starts with
 * the path and contains `substring`. */
static void
assert_load_fails (const char *path,
                   int         code,
                   const char *substring)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkTensorFile) tf = ink_safetensors_load (path, &error);

  g_assert_null (tf);
  g_assert_error (error, INK_SAFETENSORS_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  if (strstr (error->message, substring) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, substring);
}

static InkTensorFile *
make_sample (void)
{
  static const guint32 bits[12] = {
    0x7fc12345,  /* quiet NaN with a payload */
    0x7f800001,  /* signalling NaN */
    0xffc00000,  /* negative NaN */
    0x80000000,  /* -0.0 */
    0x00000001,  /* smallest denormal */
    0x807fffff,  /* largest negative denormal */
    0x7f800000,  /* +inf */
    0xff800000,  /* -inf */
    0x3f800000,  /* 1.0 */
    0x7f7fffff,  /* FLT_MAX */
    0x3eaaaaab,  /* 1/3 */
    0x00800000,  /* FLT_MIN */
  };
  float w[12];
  const float b[4] = { 0.5f, -1.25f, 3e-39f, 1e30f };
  const float s[1] = { 42.0f };
  const gint64 w_shape[2] = { 3, 4 };
  const gint64 b_shape[1] = { 4 };
  const gint64 e_shape[2] = { 0, 7 };
  InkTensorFile *tf = ink_tensor_file_new ();

  memcpy (w, bits, sizeof w);
  g_assert_nonnull (ink_tensor_file_add (tf, "layers.0.weight", 2, w_shape, w));
  g_assert_nonnull (ink_tensor_file_add (tf, "layers.0.bias", 1, b_shape, b));
  g_assert_nonnull (ink_tensor_file_add (tf, "empty", 2, e_shape, NULL));
  g_assert_nonnull (ink_tensor_file_add (tf, "scalar", 0, NULL, s));
  ink_tensor_file_set_meta (tf, "format", "pt");
  ink_tensor_file_set_meta (tf, "note", "quote \" backslash \\ newline \n é 🙂");
  ink_tensor_file_set_meta (tf, "blank", "");

  return tf;
}

static void
assert_same_file (InkTensorFile *a,
                  InkTensorFile *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (a->tensors->len, ==, b->tensors->len);
  for (guint i = 0; i < a->tensors->len; i++)
    {
      InkTensor *ta = g_ptr_array_index (a->tensors, i);
      InkTensor *tb = g_ptr_array_index (b->tensors, i);
      gsize n = ink_tensor_numel (ta);

      g_assert_cmpstr (ta->name, ==, tb->name);
      g_assert_cmpuint (ta->n_dims, ==, tb->n_dims);
      g_assert_cmpmem (ta->shape, ta->n_dims * sizeof (gint64),
                       tb->shape, tb->n_dims * sizeof (gint64));
      g_assert_cmpuint (n, ==, ink_tensor_numel (tb));
      if (n > 0)
        g_assert_cmpint (memcmp (ta->data, tb->data, n * sizeof (float)), ==, 0);
    }

  g_assert_cmpuint (g_hash_table_size (a->metadata), ==, g_hash_table_size (b->metadata));
  g_hash_table_iter_init (&iter, a->metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (ink_tensor_file_get_meta (b, key), ==, value);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = make_sample ();
  g_autoptr(InkTensorFile) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "model.safetensors", NULL);
  InkTensor *t;
  guint32 bits;

  g_assert_true (ink_safetensors_save (tf, path, &error));
  g_assert_no_error (error);

  back = ink_safetensors_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  assert_same_file (tf, back);

  /* spot checks that do not go through assert_same_file */
  t = ink_tensor_file_lookup (back, "layers.0.weight");
  g_assert_nonnull (t);
  memcpy (&bits, &t->data[0], 4);
  g_assert_cmphex (bits, ==, 0x7fc12345);
  memcpy (&bits, &t->data[3], 4);
  g_assert_cmphex (bits, ==, 0x80000000);
  g_assert_true (signbit (t->data[3]) && t->data[3] == 0.0f);
  g_assert_cmpfloat (t->data[4], ==, float_from_bits (1));
  t = ink_tensor_file_lookup (back, "empty");
  g_assert_nonnull (t);
  g_assert_cmpuint (ink_tensor_numel (t), ==, 0);
  g_assert_cmpint (t->shape[0], ==, 0);
  g_assert_cmpint (t->shape[1], ==, 7);
  t = ink_tensor_file_lookup (back, "scalar");
  g_assert_nonnull (t);
  g_assert_cmpuint (t->n_dims, ==, 0);
  g_assert_cmpfloat (t->data[0], ==, 42.0f);
  g_assert_null (ink_tensor_file_lookup (back, "nope"));
  g_assert_cmpstr (ink_tensor_file_get_meta (back, "note"), ==,
                   "quote \" backslash \\ newline \n é 🙂");
  g_assert_cmpstr (ink_tensor_file_get_meta (back, "blank"), ==, "");
  g_assert_null (ink_tensor_file_get_meta (back, "absent"));
}

/* The byte layout: aligned header, padding, contiguous insertion-order
 * offsets, little-endian data. */
static void
test_layout (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = make_sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_build_filename (f->dir, "model.safetensors", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *root;
  gsize len = 0;
  guint64 n;
  gint64 expect_begin = 0;
  const char *expected_order[] = { "__metadata__", "layers.0.weight", "layers.0.bias",
                                   "empty", "scalar" };
  guint i = 0;

  g_assert_true (ink_safetensors_save (tf, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (len, >=, 8);
  memcpy (&n, contents, 8);
  n = GUINT64_FROM_LE (n);
  g_assert_cmpuint ((8 + n) % 8, ==, 0);
  g_assert_cmpuint (8 + n + (12 + 4 + 0 + 1) * 4, ==, len);
  g_assert_cmpint (contents[8], ==, '{');
  /* padding is spaces after the closing brace */
  for (gsize k = 8 + n - 1; contents[k] != '}'; k--)
    g_assert_cmpint (contents[k], ==, ' ');

  /* little-endian data: first float of the weight */
  g_assert_cmpuint ((guint8) contents[8 + n], ==, 0x45);
  g_assert_cmpuint ((guint8) contents[8 + n + 3], ==, 0x7f);

  g_assert_true (json_parser_load_from_data (parser, contents + 8, (gssize) n, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (root);
  g_assert_cmpuint (g_list_length (members), ==, G_N_ELEMENTS (expected_order));
  for (GList *l = members; l != NULL; l = l->next, i++)
    {
      JsonObject *entry;
      JsonArray *offsets;

      g_assert_cmpstr (l->data, ==, expected_order[i]);
      if (i == 0)
        continue;
      entry = json_object_get_object_member (root, l->data);
      g_assert_cmpstr (json_object_get_string_member (entry, "dtype"), ==, "F32");
      offsets = json_object_get_array_member (entry, "data_offsets");
      g_assert_cmpuint (json_array_get_length (offsets), ==, 2);
      g_assert_cmpint (json_array_get_int_element (offsets, 0), ==, expect_begin);
      expect_begin = json_array_get_int_element (offsets, 1);
    }
  g_assert_cmpint ((gint64) (8 + n) + expect_begin, ==, (gint64) len);
}

/* Parsing from an unaligned buffer, and every truncation fails cleanly. */
static void
test_parse_buffer (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = make_sample ();
  g_autoptr(InkTensorFile) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "model.safetensors", NULL);
  g_autofree char *contents = NULL;
  g_autofree guint8 *shifted = NULL;
  gsize len = 0;

  g_assert_true (ink_safetensors_save (tf, path, &error));
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);

  shifted = g_malloc (len + 1);
  memcpy (shifted + 1, contents, len);
  back = ink_safetensors_parse (shifted + 1, len, "shifted", &error);
  g_assert_no_error (error);
  assert_same_file (tf, back);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) cut_error = NULL;
      g_autoptr(InkTensorFile) partial = NULL;
      g_autofree guint8 *copy = g_memdup2 (contents, cut + 1);

      partial = ink_safetensors_parse (copy, cut, "cut", &cut_error);
      g_assert_null (partial);
      g_assert_nonnull (cut_error);
      g_assert_true (cut_error->domain == INK_SAFETENSORS_ERROR);
      g_assert_true (g_str_has_prefix (cut_error->message, "cut: "));
    }

  /* Corrupting any header byte must give a file or an error, never a crash
   * (run under the sanitizers). */
  {
    guint64 n;
    const char replacements[] = { '[', ']', '{', '"', '9', '-', ' ', '\0', '\\', 'x' };

    memcpy (&n, contents, 8);
    n = GUINT64_FROM_LE (n);
    for (gsize k = 8; k < 8 + n; k++)
      for (gsize r = 0; r < G_N_ELEMENTS (replacements); r++)
        {
          g_autoptr(GError) bad_error = NULL;
          g_autoptr(InkTensorFile) maybe = NULL;
          g_autofree guint8 *copy = g_memdup2 (contents, len);

          copy[k] = (guint8) replacements[r];
          maybe = ink_safetensors_parse (copy, len, "flip", &bad_error);
          g_assert_true ((maybe == NULL) != (bad_error == NULL));
        }
  }
}

typedef struct
{
  const char *test;
  const char *header;
  gsize       n_zeros;
  int         code;
  const char *substring;
} BadHeader;

static const BadHeader bad_headers[] = {
  { "not-json", "{\"a\": [1, 2", 0,
    INK_SAFETENSORS_ERROR_HEADER, "header is not valid JSON" },
  { "json-array", "[{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}]", 4,
    INK_SAFETENSORS_ERROR_HEADER, "does not start with '{'; it must be a JSON object" },
  { "empty-header", "", 0,
    INK_SAFETENSORS_ERROR_HEADER, "header (0 bytes) does not start with '{'" },
  { "dtype-f16", "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_DTYPE, "tensor 'w' has dtype \"F16\"; only F32 is supported" },
  { "dtype-number", "{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "tensor 'w' \"dtype\" is an integer, expected a string" },
  { "missing-dtype", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "tensor 'w' has no \"dtype\"" },
  { "negative-shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "tensor 'w' shape[1] is -3, expected a non-negative integer" },
  { "fractional-shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "shape[0] is a fractional number" },
  { "missing-shape", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "tensor 'w' \"shape\" is missing" },
  { "rank-9", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "tensor 'w' has 9 dimensions, at most 8 are supported" },
  { "shape-overflow",
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,2],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER,
    "shape [4294967296, 4294967296, 2] has more elements than fit in 64 bits" },
  { "shape-bytes-overflow",
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_OFFSETS,
    "has 4611686018427387904 elements (4 bytes each) but data_offsets [0, 4] span 4 bytes" },
  { "offsets-past-end",
    "{\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,9999999]}}", 16,
    INK_SAFETENSORS_ERROR_OFFSETS,
    "tensor 'layers.0.weight' data_offsets [0, 9999999] run past the end of the data (16 bytes)" },
  { "offsets-reversed", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8,
    INK_SAFETENSORS_ERROR_OFFSETS, "tensor 'w' data_offsets [8, 4] end before they begin" },
  { "offsets-negative", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "data_offsets[0] is -4" },
  { "offsets-three", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8,
    INK_SAFETENSORS_ERROR_HEADER, "tensor 'w' \"data_offsets\" has 3 numbers, expected 2" },
  { "offsets-string", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "data_offsets[0] is a string" },
  { "size-mismatch", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12,
    INK_SAFETENSORS_ERROR_OFFSETS,
    "tensor 'w' shape [2, 2] has 4 elements (4 bytes each) but data_offsets [0, 12] span 12 bytes" },
  { "overlap",
    "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
    "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
    INK_SAFETENSORS_ERROR_OFFSETS, "tensor 'b' data_offsets [4, 12] overlap tensor 'a' [0, 8]" },
  { "gap-between",
    "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
    "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20,
    INK_SAFETENSORS_ERROR_OFFSETS,
    "gap of 4 unused bytes between tensor 'a' (ends at 8) and tensor 'b' (begins at 12)" },
  { "gap-start", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
    INK_SAFETENSORS_ERROR_OFFSETS, "gap of 4 unused bytes at the start of the data" },
  { "gap-end", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 16,
    INK_SAFETENSORS_ERROR_OFFSETS,
    "gap of 8 unused bytes at the end of the data (tensors cover 8 of 16 bytes)" },
  { "metadata-number", "{\"__metadata__\":{\"epochs\":12}}", 0,
    INK_SAFETENSORS_ERROR_HEADER, "\"__metadata__\" value for 'epochs' is an integer, expected a string" },
  { "metadata-array", "{\"__metadata__\":[\"a\"]}", 0,
    INK_SAFETENSORS_ERROR_HEADER, "\"__metadata__\" is an array, expected an object of strings" },
  { "entry-not-object", "{\"w\":[1,2]}", 0,
    INK_SAFETENSORS_ERROR_HEADER, "tensor 'w' is an array, expected an object" },
  { "single-quotes", "{'w':{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "header is not valid JSON: line 1, column 2: JSON has no single-quoted strings" },
  { "comment", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]} /* x */}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "header is not valid JSON: line 1, column 55: JSON has no comments" },
  { "invalid-utf8", "{\"w\xff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
    INK_SAFETENSORS_ERROR_HEADER, "header is not valid UTF-8" },
};

static void
test_bad_header (Fixture       *f,
                 gconstpointer  data)
{
  const BadHeader *bad = data;
  g_autofree char *path = write_header (f, bad->header, bad->n_zeros);

  assert_load_fails (path, bad->code, bad->substring);
}

static void
test_bad_short (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "short.safetensors", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "\x02\x00\x00", 3, &error);
  g_assert_no_error (error);
  assert_load_fails (path, INK_SAFETENSORS_ERROR_HEADER,
                     "file is 3 bytes, too short for the 8-byte header length");

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
  assert_load_fails (path, INK_SAFETENSORS_ERROR_HEADER, "file is 0 bytes");
}

static void
test_bad_length_past_file (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = write_raw (f, "long.safetensors", 1000, "{}", 0);

  assert_load_fails (path, INK_SAFETENSORS_ERROR_HEADER,
                     "header length 1000 runs past the end of the file (10 bytes)");
}

static void
test_bad_length_absurd (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = write_raw (f, "absurd.safetensors",
                                     G_GUINT64_CONSTANT (1) << 60, "{}", 0);
  g_autofree char *path2 = write_raw (f, "max.safetensors", G_MAXUINT64, "{}", 0);

  assert_load_fails (path, INK_SAFETENSORS_ERROR_HEADER,
                     "header length 1152921504606846976 exceeds the format's limit"
                     " of 104857600 bytes");
  assert_load_fails (path2, INK_SAFETENSORS_ERROR_HEADER,
                     "header length 18446744073709551615 exceeds");
}

/* json-glib's recursive parser would overflow the stack here. */
static void
test_bad_deep_nesting (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GString) header = g_string_new ("{\"w\":");
  g_autofree char *path = NULL;

  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (header, '[');
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (header, ']');
  g_string_append_c (header, '}');
  path = write_header (f, header->str, 0);
  assert_load_fails (path, INK_SAFETENSORS_ERROR_HEADER,
                     "header is not valid JSON: line 1, column 69: arrays and objects nest more than 64 deep");
}

/* Brackets and quotes inside strings do not count towards nesting. */
static void
test_odd_names (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
  g_autoptr(InkTensorFile) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) name = g_string_new ("x\"\\'/*");
  g_autofree char *path = g_build_filename (f->dir, "odd.safetensors", NULL);
  const float one = 1.0f;

  for (guint i = 0; i < 200; i++)
    g_string_append (name, "[{");
  ink_tensor_file_add (tf, name->str, 0, NULL, &one);
  ink_tensor_file_add (tf, "", 0, NULL, &one);
  ink_tensor_file_set_meta (tf, "]]]]", "[[[[ \"'");
  g_assert_true (ink_safetensors_save (tf, path, &error));
  g_assert_no_error (error);
  back = ink_safetensors_load (path, &error);
  g_assert_no_error (error);
  assert_same_file (tf, back);
}

static void
test_load_io (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing.safetensors", NULL);

  assert_load_fails (missing, INK_SAFETENSORS_ERROR_IO, "could not open");
  assert_load_fails (f->dir, INK_SAFETENSORS_ERROR_IO, "not a regular file");
}

static void
test_save_replaces (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(InkTensorFile) first = make_sample ();
  g_autoptr(InkTensorFile) second = ink_tensor_file_new ();
  g_autoptr(InkTensorFile) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "model.safetensors", NULL);
  g_autofree char *listing = NULL;
  const float v[3] = { 1, 2, 3 };
  const gint64 shape[1] = { 3 };

  ink_tensor_file_add (second, "only", 1, shape, v);

  g_assert_true (ink_safetensors_save (first, path, &error));
  g_assert_no_error (error);
  g_assert_true (ink_safetensors_save (second, path, &error));
  g_assert_no_error (error);

  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "model.safetensors");

  back = ink_safetensors_load (path, &error);
  g_assert_no_error (error);
  assert_same_file (second, back);
  g_assert_null (ink_tensor_file_lookup (back, "layers.0.weight"));
}

static void
test_save_missing_folder (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = make_sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (f->dir, "no", "such", NULL);
  g_autofree char *path = g_build_filename (folder, "model.safetensors", NULL);
  g_autofree char *listing = NULL;

  g_assert_false (ink_safetensors_save (tf, path, &error));
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "could not save"));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "");
}

/* The rename fails after the temporary file was written: it is removed and
 * the target is untouched. */
static void
test_save_failure_keeps_old (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = make_sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (f->dir, "model.safetensors", NULL);
  g_autofree char *inside = g_build_filename (target, "keep", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *kept = NULL;

  g_assert_cmpint (g_mkdir (target, 0755), ==, 0);
  g_file_set_contents (inside, "precious", -1, &error);
  g_assert_no_error (error);

  g_assert_false (ink_safetensors_save (tf, target, &error));
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, target));

  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "model.safetensors");
  g_assert_true (g_file_get_contents (inside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "precious");
}

/* A file that cannot be written (fields edited by hand) is refused before
 * anything touches the disk. */
static void
test_save_invalid_keeps_old (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(InkTensorFile) good = make_sample ();
  g_autoptr(InkTensorFile) bad = make_sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "model.safetensors", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;
  gsize before_len = 0, after_len = 0;
  InkTensor *t;

  g_assert_true (ink_safetensors_save (good, path, &error));
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  t = g_ptr_array_index (bad->tensors, 1);
  g_free (t->name);
  t->name = g_strdup ("layers.0.weight");
  g_assert_false (ink_safetensors_save (bad, path, &error));
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER);
  g_assert_nonnull (strstr (error->message, "tensor name 'layers.0.weight' is used twice"));
  g_clear_error (&error);

  g_free (t->name);
  t->name = g_strdup ("layers.0.bias");
  t->shape[0] = -4;
  g_assert_false (ink_safetensors_save (bad, path, &error));
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER);
  g_assert_nonnull (strstr (error->message, "tensor 'layers.0.bias' has an invalid shape [-4]"));
  t->shape[0] = 4;

  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "model.safetensors");
}

static void
test_require (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = make_sample ();
  g_autoptr(GError) error = NULL;
  const gint64 right[2] = { 3, 4 };
  const gint64 swapped[2] = { 4, 3 };
  const gint64 flat[1] = { 12 };
  InkTensor *t;

  t = ink_tensor_file_require (tf, "layers.0.weight", 2, right, &error);
  g_assert_no_error (error);
  g_assert_true (t == ink_tensor_file_lookup (tf, "layers.0.weight"));

  t = ink_tensor_file_require (tf, "layers.0.weight", 2, swapped, &error);
  g_assert_null (t);
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING);
  g_assert_cmpstr (error->message, ==,
                   "tensor 'layers.0.weight' has shape [3, 4], expected [4, 3]");
  g_clear_error (&error);

  t = ink_tensor_file_require (tf, "layers.0.weight", 1, flat, &error);
  g_assert_null (t);
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "has shape [3, 4], expected [12]"));
  g_clear_error (&error);

  t = ink_tensor_file_require (tf, "layers.1.weight", 2, right, &error);
  g_assert_null (t);
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "tensor 'layers.1.weight' is missing"));
}

static void
test_metadata (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();

  g_assert_null (ink_tensor_file_get_meta (tf, "k"));
  ink_tensor_file_set_meta (tf, "k", "1");
  ink_tensor_file_set_meta (tf, "k", "2");
  g_assert_cmpstr (ink_tensor_file_get_meta (tf, "k"), ==, "2");
  ink_tensor_file_set_meta (tf, "k", NULL);
  g_assert_null (ink_tensor_file_get_meta (tf, "k"));
  g_assert_cmpuint (g_hash_table_size (tf->metadata), ==, 0);
}

/* A model-shaped file (784-128-10 MLP).  With INK_SAFETENSORS_EXPORT set it
 * is also written there, for tests/check-safetensors.py. */
static void
test_model_like (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
  g_autoptr(InkTensorFile) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "mlp.safetensors", NULL);
  const gint64 shapes[4][2] = { { 128, 784 }, { 128, 0 }, { 10, 128 }, { 10, 0 } };
  const char *names[4] = { "layers.0.weight", "layers.0.bias",
                           "layers.1.weight", "layers.1.bias" };
  const char *export = g_getenv ("INK_SAFETENSORS_EXPORT");

  for (guint i = 0; i < 4; i++)
    {
      guint n_dims = shapes[i][1] ? 2 : 1;
      gsize numel = (gsize) (shapes[i][0] * (shapes[i][1] ? shapes[i][1] : 1));
      g_autofree float *v = g_new (float, numel);

      /* check-safetensors.py recomputes these values in float32 */
      for (gsize j = 0; j < numel; j++)
        v[j] = (float) (i + 1) * 0.001f * (float) ((gint) (j % 1000) - 500);
      ink_tensor_file_add (tf, names[i], n_dims, shapes[i], v);
    }
  ink_tensor_file_set_meta (tf, "format", "pt");
  ink_tensor_file_set_meta (tf, "inkling.architecture", "784-128-10");

  g_assert_true (ink_safetensors_save (tf, path, &error));
  g_assert_no_error (error);
  back = ink_safetensors_load (path, &error);
  g_assert_no_error (error);
  assert_same_file (tf, back);
  g_assert_nonnull (ink_tensor_file_require (back, "layers.0.weight", 2, shapes[0], &error));
  g_assert_no_error (error);

  if (export != NULL && *export != '\0')
    {
      g_assert_true (ink_safetensors_save (tf, export, &error));
      g_assert_no_error (error);
      g_test_message ("exported %s", export);
    }
}

/* ---- sizes trusted before they are checked ---- */


/* 8-byte length prefix, then `header` (len bytes) */
static GByteArray *
file_with_header (const char *header,
                  gsize       len)
{
  GByteArray *b = g_byte_array_sized_new ((guint) len + 8);
  guint64 le = GUINT64_TO_LE ((guint64) len);

  g_byte_array_append (b, (const guint8 *) &le, 8);
  g_byte_array_append (b, (const guint8 *) header, (guint) len);
  return b;
}

/* {"a":[0,0,0,…]} of `len` bytes */
static char *
array_header (gsize len)
{
  char *h = g_malloc (len);

  memcpy (h, "{\"a\":[", 6);
  for (gsize i = 6; i < len - 2; i++)
    h[i] = (i % 2 == 0) ? '0' : ',';
  if (h[len - 3] == ',')
    h[len - 3] = '0';
  h[len - 2] = ']';
  h[len - 1] = '}';
  return h;
}

static void
check_refused (const guint8 *bytes,
               gsize         len,
               const char   *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkTensorFile) tf = ink_safetensors_parse (bytes, len, "hostile.safetensors", &error);

  g_assert_null (tf);
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "hostile.safetensors"));
  g_assert_nonnull (strstr (error->message, needle));
}

/* A 15 MiB header of one array of small numbers (under the size limit):
 * json-glib would spend ~5 s and ~600 MB on it; refused by counting its
 * values first, under a 256 MB address-space limit. */
static void
test_huge_array_header (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      gsize len = 15u * 1024 * 1024;
      g_autofree char *h = array_header (len);
      g_autoptr(GByteArray) b = file_with_header (h, len);

      test_limit_memory (256u * 1024 * 1024);
      check_refused (b->data, b->len, "values");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A header longer than Inkling ever needs (here 17 MiB) is refused from its
 * length prefix, before the file is read (it used to be parsed: a 100 MiB
 * array took 26 s and 3.7 GiB) */
static void
test_header_too_long (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "long.safetensors", NULL);

  if (g_test_subprocess ())
    {
      gsize len = INK_SAFETENSORS_MAX_HEADER_READ + 1024 * 1024;
      g_autofree char *h = array_header (len);
      g_autoptr(GByteArray) b = file_with_header (h, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(InkTensorFile) tf = NULL;

      check_refused (b->data, b->len, "more than the");
      g_assert_true (g_file_set_contents (path, (const char *) b->data, b->len, NULL));
      g_clear_pointer (&h, g_free);
      g_clear_pointer (&b, g_byte_array_unref);
      /* the file is not even read into memory */
      test_limit_memory (64u * 1024 * 1024);
      tf = ink_safetensors_load (path, &error);
      g_assert_null (tf);
      g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER);
      g_assert_nonnull (strstr (error->message, "long.safetensors"));
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* the first byte that is not white space must open an object */
static void
test_header_not_object (Fixture *f, gconstpointer data)
{
  static const char *const headers[] = { "  [1, 2, 3]    ", "\n\t\"text\"", "        " };

  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autoptr(GByteArray) b = file_with_header (headers[i], strlen (headers[i]));
      check_refused (b->data, b->len, "does not start with '{'");
    }
  {
    /* white space before the object is JSON, and accepted */
    static const char h[] = "  {\"__metadata__\": {\"a\": \"b\"}}";
    g_autoptr(GByteArray) b = file_with_header (h, sizeof h - 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(InkTensorFile) tf = ink_safetensors_parse (b->data, b->len, "ok", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (ink_tensor_file_get_meta (tf, "a"), ==, "b");
  }
}

/* more entries than tensors a file may hold, each small */
static void
test_too_many_tensors (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) h = g_string_new ("{");
  g_autoptr(GByteArray) b = NULL;

  for (guint i = 0; i <= INK_SAFETENSORS_MAX_TENSORS + 1; i++)
    g_string_append_printf (h, "%s\"t%u\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}",
                            i ? "," : "", i);
  g_string_append_c (h, '}');
  b = file_with_header (h->str, h->len);
  check_refused (b->data, b->len, "tensors");
}

/* what the writer makes, the reader takes: it refuses to write more */
static void
test_save_limits (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "big.safetensors", NULL);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
    gint64 shape[1] = { 1 };
    float x = 1.0f;

    for (guint i = 0; i <= INK_SAFETENSORS_MAX_TENSORS; i++)
      {
        g_autofree char *name = g_strdup_printf ("t%u", i);
        ink_tensor_file_add (tf, name, 1, shape, &x);
      }
    g_assert_false (ink_safetensors_save (tf, path, &error));
    g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER);
    g_clear_error (&error);
  }
  {
    g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
    g_autofree char *big = g_strnfill (INK_SAFETENSORS_MAX_HEADER_READ, 'x');

    ink_tensor_file_set_meta (tf, "history", big);
    g_assert_false (ink_safetensors_save (tf, path, &error));
    g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER);
    g_assert_nonnull (strstr (error->message, "reads back"));
  }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/safetensors/round-trip", test_round_trip);
  ADD ("/safetensors/layout", test_layout);
  ADD ("/safetensors/parse-buffer", test_parse_buffer);
  ADD ("/safetensors/odd-names", test_odd_names);
  ADD ("/safetensors/metadata", test_metadata);
  ADD ("/safetensors/require", test_require);
  ADD ("/safetensors/model-like", test_model_like);
  ADD ("/safetensors/save/replaces", test_save_replaces);
  ADD ("/safetensors/save/missing-folder", test_save_missing_folder);
  ADD ("/safetensors/save/failure-keeps-old", test_save_failure_keeps_old);
  ADD ("/safetensors/save/invalid-keeps-old", test_save_invalid_keeps_old);
  ADD ("/safetensors/load/io", test_load_io);
  ADD ("/safetensors/bad/short", test_bad_short);
  ADD ("/safetensors/bad/length-past-file", test_bad_length_past_file);
  ADD ("/safetensors/bad/length-absurd", test_bad_length_absurd);
  ADD ("/safetensors/bad/deep-nesting", test_bad_deep_nesting);
  ADD ("/safetensors/bad/huge-array-header", test_huge_array_header);
  ADD ("/safetensors/bad/header-too-long", test_header_too_long);
  ADD ("/safetensors/bad/header-not-object", test_header_not_object);
  ADD ("/safetensors/bad/too-many-tensors", test_too_many_tensors);
  ADD ("/safetensors/save/limits", test_save_limits);

  for (gsize i = 0; i < G_N_ELEMENTS (bad_headers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/safetensors/bad/%s", bad_headers[i].test);

      g_test_add (path, Fixture, &bad_headers[i], fixture_setup, test_bad_header,
                  fixture_teardown);
    }

  return g_test_run ();
}
