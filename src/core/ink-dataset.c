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

/* The dataset itself and where it comes from: the folders holding the
 * four IDX files or a CSV pair, and the named datasets (mnist,
 * fashion-mnist).  The readers live in ink-idx.c and ink-csv.c, splits and
 * normalization in ink-split.c. */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ink-dataset.h"

G_DEFINE_QUARK (ink-data-error-quark, ink_data_error)

static const char *const standard_files[4] = {
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
};

#define FASHION_MNIST_SYSTEM_DIR "/usr/share/datasets/fashion-mnist"

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
