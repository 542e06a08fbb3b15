/* test-util.h
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

#pragma once

#include <glib.h>
#include <string.h>

#include "ink-dataset.h"
#include "ink-rng.h"

/* A learnable synthetic MNIST-shaped set: class c is a bright 6×6 block at a
 * class-specific place plus noise, so a small MLP reaches high accuracy in a
 * few epochs without the real data. */
static inline InkDataset *
test_synthetic_dataset (guint n, guint64 seed)
{
  InkDataset *ds = g_new0 (InkDataset, 1);
  InkRng rng;

  ink_rng_init (&rng, seed);
  ds->n = n;
  ds->rows = 28;
  ds->cols = 28;
  ds->images = g_malloc0 ((gsize) n * 784);
  ds->labels = g_malloc0 (n);
  for (guint i = 0; i < n; i++)
    {
      guint8 *img = ds->images + (gsize) i * 784;
      guint c = ink_rng_below (&rng, 10);
      int r0 = 3 + (int) (c / 5) * 12 + (int) ink_rng_below (&rng, 3);
      int c0 = 2 + (int) (c % 5) * 5 + (int) ink_rng_below (&rng, 2);

      ds->labels[i] = (guint8) c;
      for (int p = 0; p < 784; p++)
        img[p] = (guint8) ink_rng_below (&rng, 60);
      for (int r = r0; r < r0 + 6 && r < 28; r++)
        for (int k = c0; k < c0 + 6 && k < 28; k++)
          img[r * 28 + k] = (guint8) (180 + ink_rng_below (&rng, 76));
    }
  return ds;
}

static inline char *
test_mnist_dir (void)
{
  char *dir = g_build_filename (g_get_user_data_dir (), "inkling", "datasets", "mnist", NULL);
  char *f = g_build_filename (dir, "train-images-idx3-ubyte", NULL);
  gboolean ok = g_file_test (f, G_FILE_TEST_EXISTS);
  g_free (f);
  if (!ok)
    {
      g_free (dir);
      return NULL;
    }
  return dir;
}
