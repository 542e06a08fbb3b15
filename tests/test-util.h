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

#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ink-dataset.h"
#include "ink-experiment.h"
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

static inline void
test_write_idx_pair (const char *dir, const char *prefix, const InkDataset *ds)
{
  g_autofree char *ipath = g_strdup_printf ("%s/%s-images-idx3-ubyte", dir, prefix);
  g_autofree char *lpath = g_strdup_printf ("%s/%s-labels-idx1-ubyte", dir, prefix);
  gsize isize = 16 + (gsize) ds->n * ds->rows * ds->cols;
  g_autofree guint8 *ibuf = g_malloc (isize);
  g_autofree guint8 *lbuf = g_malloc (8 + ds->n);
  guint32 hi[4] = { GUINT32_TO_BE (0x803), GUINT32_TO_BE (ds->n), GUINT32_TO_BE (ds->rows), GUINT32_TO_BE (ds->cols) };
  guint32 hl[2] = { GUINT32_TO_BE (0x801), GUINT32_TO_BE (ds->n) };

  memcpy (ibuf, hi, 16);
  memcpy (ibuf + 16, ds->images, isize - 16);
  memcpy (lbuf, hl, 8);
  memcpy (lbuf + 8, ds->labels, ds->n);
  g_assert_true (g_file_set_contents (ipath, (const char *) ibuf, (gssize) isize, NULL));
  g_assert_true (g_file_set_contents (lpath, (const char *) lbuf, (gssize) (8 + ds->n), NULL));
}

/* a folder with the four standard files of a synthetic set */
static inline char *
test_synthetic_dir (guint n_train, guint n_test)
{
  char *dir = g_dir_make_tmp ("ink-synth-XXXXXX", NULL);
  InkDataset *train = test_synthetic_dataset (n_train, 11);
  InkDataset *test = test_synthetic_dataset (n_test, 12);
  test_write_idx_pair (dir, "train", train);
  test_write_idx_pair (dir, "t10k", test);
  ink_dataset_free (train);
  ink_dataset_free (test);
  return dir;
}

/* Removes a file or a folder and everything in it; a symbolic link is
 * removed, never followed (a test may link to places outside its folder). */
static inline void
test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *p = g_build_filename (path, name, NULL);
          test_remove_tree (p);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* The short real-MNIST recipe both the CPU suite (test-mnist) and the GPU
 * suite (test-gpu) hold to the 94% bar: 784-128-10 ReLU, Adam, the first
 * 12000 training images (2000 more for validation), 5 epochs of 32. */
static inline InkExperiment *
test_short_run_experiment (void)
{
  InkExperiment *e = ink_experiment_new_default ();

  e->net->layers[0].units = 128;
  ink_optimizer_spec_defaults (&e->optimizer, INK_OPT_ADAM);
  e->split.kind = INK_SPLIT_FIXED;
  e->split.n_train = 12000;
  e->split.n_valid = 2000;
  e->epochs = 5;
  e->batch_size = 32;
  e->early_stopping = INK_EARLY_NONE;
  return e;
}

/* A small address-space limit (RLIMIT_AS) for a subprocess, so that what
 * a hostile file would cost shows as a failure; left off under
 * AddressSanitizer, which reserves terabytes of shadow memory. */
static inline void
test_limit_memory (rlim_t bytes)
{
#if defined(__SANITIZE_ADDRESS__)
  (void) bytes;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  (void) bytes;
#else
  struct rlimit rl = { bytes, bytes };
  g_assert_cmpint (setrlimit (RLIMIT_AS, &rl), ==, 0);
#endif
#else
  struct rlimit rl = { bytes, bytes };
  g_assert_cmpint (setrlimit (RLIMIT_AS, &rl), ==, 0);
#endif
}
