/* ink-split.h
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

/* Splits of a dataset into training, validation and test indices, and
 * the input normalization fitted on the training images (ink-split.c). */

#pragma once

#include "ink-backend.h"
#include "ink-dataset.h"

G_BEGIN_DECLS

/* ---- splits ---- */

typedef enum
{
  INK_SPLIT_OFFICIAL,   /* train = all training images; valid = the test set (Keras-style); test = test set */
  INK_SPLIT_FIXED,      /* train = first n_train, valid = next n_valid of the training file; test = test set */
  INK_SPLIT_RANDOM,     /* seeded random valid_fraction of the training file; test = test set */
} InkSplitKind;

typedef struct
{
  InkSplitKind kind;
  guint        n_train;        /* FIXED; 0 = all minus n_valid */
  guint        n_valid;        /* FIXED */
  double       valid_fraction; /* RANDOM, in (0,1) */
  guint        subset;         /* nonzero: keep only the first `subset` training and test
                                  images (after the split is drawn, for quick runs and tests) */
} InkSplitSpec;

typedef struct
{
  /* indices into the training dataset (train, and valid unless valid_is_test) */
  guint32  *train_idx;
  guint     n_train;
  guint32  *valid_idx;
  guint     n_valid;
  gboolean  valid_is_test;   /* valid_idx indexes the test dataset */
  guint32  *test_idx;        /* indices into the test dataset */
  guint     n_test;
} InkSplit;

InkSplit   *ink_split_new   (const InkSplitSpec *spec,
                             const InkDataset   *train,
                             const InkDataset   *test,
                             guint64             seed,
                             GError            **error);
void        ink_split_free  (InkSplit *split);

/* ---- normalization ---- */

typedef enum
{
  INK_NORM_SCALE,        /* p / 255 */
  INK_NORM_STANDARDIZE,  /* (p - mean) / std over all pixels of the training indices */
  INK_NORM_MINMAX,       /* (p - min) / (max - min) over the training indices */
  INK_NORM_NONE,         /* p as is (0..255) */
} InkNormKind;

typedef struct
{
  InkNormKind kind;
  double      mean, std, min, max;   /* statistics from the training indices */
  InkAffine   affine;                /* what is applied when a batch is gathered */
} InkNorm;

/* Computes the statistics over ds images listed in idx[0..n) and fills affine. */
void        ink_norm_fit     (InkNorm          *norm,
                              InkNormKind       kind,
                              const InkDataset *ds,
                              const guint32    *idx,
                              guint             n);
/* host gather, as the backend's gather does */
void        ink_norm_apply   (const InkNorm    *norm,
                              const guint8     *pixels,
                              float            *out,
                              gsize             n);

/* the names in experiments ("scale", "official", …; "unknown" for no
 * kind), and all of them in order as "a, b, c" (for messages) */
const char *ink_norm_kind_to_string   (InkNormKind kind);
gboolean    ink_norm_kind_from_string (const char *s, InkNormKind *out);
const char *ink_norm_kind_choices     (void);
const char *ink_split_kind_to_string   (InkSplitKind kind);
gboolean    ink_split_kind_from_string (const char *s, InkSplitKind *out);
const char *ink_split_kind_choices     (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkSplit, ink_split_free)

G_END_DECLS
