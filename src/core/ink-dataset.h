/* ink-dataset.h
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

/* Datasets: images and labels in memory, loaded from IDX or CSV files
 * or a folder, and found by name. */

#pragma once

#include <gio/gio.h>
#include "ink-backend.h"

G_BEGIN_DECLS

#define INK_DATA_ERROR (ink_data_error_quark ())
GQuark ink_data_error_quark (void);

typedef enum
{
  INK_DATA_ERROR_NOT_FOUND,   /* missing file or folder */
  INK_DATA_ERROR_IO,          /* read failure, truncated gzip */
  INK_DATA_ERROR_FORMAT,      /* bad magic, rank, dimensions, length, CSV syntax */
  INK_DATA_ERROR_LABEL,       /* label outside 0..9 */
  INK_DATA_ERROR_MISMATCH,    /* image and label counts differ, train/test shapes differ */
} InkDataError;

/* MNIST-shaped images kept as uint8 (rows·cols bytes each) with labels 0..9. */
typedef struct
{
  guint   n;
  guint   rows;
  guint   cols;
  guint8 *images;   /* n · rows · cols */
  guint8 *labels;   /* n */
} InkDataset;

/* Largest accepted image count, side and pixel bytes, to refuse absurd
 * headers before allocating and to stop a gzip bomb (a few KB that
 * decompress to gigabytes) early.  MNIST-shaped data sets are far below:
 * MNIST's training set is 60 000 images of 28×28 (47 MB); EMNIST Digits,
 * the largest digit set, 240 000.  INK_DATA_MAX_BYTES (n · rows · cols)
 * holds 340 000 images of 28×28. */
#define INK_DATA_MAX_ITEMS  (1024u * 1024u)
#define INK_DATA_MAX_SIDE   256u
#define INK_DATA_MAX_BYTES  (256u * 1024u * 1024u)

void        ink_dataset_free      (InkDataset *ds);
guint       ink_dataset_dim       (const InkDataset *ds);

/* IDX files, raw or gzip (detected by the 1f 8b magic, decompressed with
 * GZlibDecompressor).  Validates magic (0x00000803 images, 0x00000801 labels),
 * rank, dimensions, counts and the exact payload length before allocating;
 * labels must be 0..9; counts must match.  Errors name the file. */
InkDataset *ink_dataset_load_idx  (const char  *images_path,
                                   const char  *labels_path,
                                   GError     **error);

/* CSV "label,p0,...,p783" (or rows·cols pixels for the given side; rows=cols=28
 * by default), optional header line (first field not a number), pixels 0..255
 * integers, optional gzip.  Errors name the file and line. */
InkDataset *ink_dataset_load_csv  (const char  *path,
                                   GError     **error);

/* A folder holding the four standard files, raw or .gz:
 * train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
 * t10k-labels-idx1-ubyte (also accepting '.' for '-' before 'idx', as some
 * mirrors name them).  Train and test must share the image shape. */
gboolean    ink_dataset_load_dir  (const char  *dir,
                                   InkDataset **train,
                                   InkDataset **test,
                                   GError     **error);

/* The file ink_dataset_load_dir reads the training (test: the test)
 * images from, for messages that name it; NULL when there is none. */
char       *ink_dataset_dir_images_file (const char *dir,
                                         gboolean    test);

/* Where a named dataset lives: "mnist" → $XDG_DATA_HOME/inkling/datasets/mnist
 * (filled by the setup script); "fashion-mnist" → the same place, else Debian's
 * dataset-fashion-mnist folder.  A name that is an existing folder is returned
 * as is.  Returns NULL with an error telling how to get the data. */
char       *ink_dataset_find      (const char  *name,
                                   GError     **error);
/* The folder for a --data argument: an existing folder as given (a folder
 * wins over a name), else what ink_dataset_find makes of it; data NULL:
 * the experiment's dataset name. */
char       *ink_dataset_resolve   (const char  *data,
                                   const char  *dataset,
                                   GError     **error);
/* TRUE for the names ink_dataset_find knows (mnist, fashion-mnist; any case) */
gboolean    ink_dataset_is_known  (const char  *name);
/* The per-user folder, $XDG_DATA_HOME/inkling/datasets/<name> (may not exist). */
char       *ink_dataset_user_dir  (const char  *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkDataset, ink_dataset_free)

G_END_DECLS

/* splits and normalization, declared apart; included here so that callers
 * of ink-dataset.h keep seeing them */
#include "ink-split.h"
