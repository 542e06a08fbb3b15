/* ink-split.c
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
 * the input normalization fitted on the training images. */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ink-dataset.h"
#include "ink-names.h"
#include "ink-rng.h"

/* ---- splits ---- */

static guint32 *
iota (guint32 first,
      guint   n)
{
  guint32 *idx = g_new (guint32, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    idx[i] = first + i;
  return idx;
}

void
ink_split_free (InkSplit *split)
{
  if (split == NULL)
    return;
  g_free (split->train_idx);
  g_free (split->valid_idx);
  g_free (split->test_idx);
  g_free (split);
}

/* train: all training images; valid: the test set (Keras-style) */
static gboolean
split_official (InkSplit         *split,
                const InkDataset *train,
                const InkDataset *test,
                GError          **error)
{
  if (test == NULL || test->n == 0)
    {
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("the official split validates on the test set, but there "
                     "is no test set; use a fixed or random split"));
      return FALSE;
    }
  split->n_train = train->n;
  split->train_idx = iota (0, train->n);
  split->n_valid = test->n;
  split->valid_idx = iota (0, test->n);
  split->valid_is_test = TRUE;
  return TRUE;
}

/* train: the first n_train of the training file (0: all the validation
 * images leave), valid: the n_valid after them */
static gboolean
split_fixed (InkSplit           *split,
             const InkSplitSpec *spec,
             guint               n,
             GError            **error)
{
  guint n_valid = spec->n_valid;
  guint n_train = spec->n_train;

  if (n_train == 0)
    n_train = n_valid < n ? n - n_valid : 0;
  if ((guint64) n_train + n_valid > n)
    {
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("the fixed split asks for %u training and %u validation "
                     "images, but the training file holds only %u"),
                   n_train, n_valid, n);
      return FALSE;
    }
  if (n_train == 0)
    {
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("the fixed split leaves no training images (%u "
                     "validation images out of %u)"),
                   n_valid, n);
      return FALSE;
    }
  split->n_train = n_train;
  split->train_idx = iota (0, n_train);
  split->n_valid = n_valid;
  split->valid_idx = iota (n_train, n_valid);
  return TRUE;
}

/* valid: a seeded random valid_fraction of the training file, train: the
 * rest; both lists in ascending order, for locality when gathering */
static gboolean
split_random (InkSplit           *split,
              const InkSplitSpec *spec,
              guint               n,
              guint64             seed,
              GError            **error)
{
  double f = spec->valid_fraction;
  g_autofree guint32 *perm = NULL;
  g_autofree guint8 *is_valid = NULL;
  guint n_valid, t = 0, v = 0;
  InkRng rng;

  if (!(f > 0.0 && f < 1.0))
    {
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("the validation fraction %g must lie strictly between "
                     "0 and 1"), f);
      return FALSE;
    }
  n_valid = (guint) floor (f * n + 0.5);
  if (n_valid == 0 || n_valid >= n)
    {
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("a validation fraction of %g of %u images leaves %s "
                     "empty"),
                   f, n, n_valid == 0 ? _("the validation set")
                                      : _("the training set"));
      return FALSE;
    }

  perm = iota (0, n);
  ink_rng_init (&rng, seed);
  ink_rng_shuffle (&rng, perm, n);
  is_valid = g_malloc0 (n);
  for (guint i = 0; i < n_valid; i++)
    is_valid[perm[i]] = 1;

  split->n_train = n - n_valid;
  split->train_idx = g_new (guint32, split->n_train);
  split->n_valid = n_valid;
  split->valid_idx = g_new (guint32, n_valid);
  for (guint i = 0; i < n; i++)
    {
      if (is_valid[i])
        split->valid_idx[v++] = i;
      else
        split->train_idx[t++] = i;
    }
  return TRUE;
}

/* the whole test set; then, with a subset, only the first images of each
 * list (after the split was drawn: the same split, smaller) */
static void
finish_split (InkSplit           *split,
              const InkSplitSpec *spec,
              const InkDataset   *test)
{
  if (split->valid_idx == NULL)
    split->valid_idx = iota (0, 0);

  split->n_test = test != NULL ? test->n : 0;
  split->test_idx = iota (0, split->n_test);

  if (spec->subset > 0)
    {
      split->n_train = MIN (split->n_train, spec->subset);
      split->n_valid = MIN (split->n_valid, spec->subset);
      split->n_test = MIN (split->n_test, spec->subset);
    }
}

InkSplit *
ink_split_new (const InkSplitSpec *spec,
               const InkDataset   *train,
               const InkDataset   *test,
               guint64             seed,
               GError            **error)
{
  g_autoptr(InkSplit) split = NULL;
  gboolean ok;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (train != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (test != NULL && (test->rows != train->rows || test->cols != train->cols))
    {
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("training images are %u×%u but test images are %u×%u"),
                   train->rows, train->cols, test->rows, test->cols);
      return NULL;
    }

  split = g_new0 (InkSplit, 1);
  switch (spec->kind)
    {
    case INK_SPLIT_OFFICIAL:
      ok = split_official (split, train, test, error);
      break;
    case INK_SPLIT_FIXED:
      ok = split_fixed (split, spec, train->n, error);
      break;
    case INK_SPLIT_RANDOM:
      ok = split_random (split, spec, train->n, seed, error);
      break;
    default:
      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   _("unknown split kind %d"), (int) spec->kind);
      ok = FALSE;
      break;
    }
  if (!ok)
    return NULL;
  finish_split (split, spec, test);
  return g_steal_pointer (&split);
}

/* ---- normalization ---- */

void
ink_norm_fit (InkNorm          *norm,
              InkNormKind       kind,
              const InkDataset *ds,
              const guint32    *idx,
              guint             n)
{
  guint64 hist[4][256];
  guint64 count[256];
  guint64 total = 0;
  double sum = 0.0, mean = 0.0, var = 0.0;
  int lo = -1, hi = -1;
  gsize dim;

  g_return_if_fail (norm != NULL);
  g_return_if_fail (ds != NULL || n == 0);

  memset (hist, 0, sizeof hist);
  dim = ds != NULL ? (gsize) ds->rows * ds->cols : 0;

  for (guint i = 0; i < n; i++)
    {
      guint32 k = idx != NULL ? idx[i] : i;
      const guint8 *p;
      gsize j = 0;

      if (k >= ds->n)
        {
          g_critical ("%s: index %u is outside the dataset (%u images)",
                      G_STRFUNC, k, ds->n);
          continue;
        }
      p = ds->images + (gsize) k * dim;
      /* four histograms hide the store-to-load dependency on equal pixels */
      for (; j + 4 <= dim; j += 4)
        {
          hist[0][p[j]]++;
          hist[1][p[j + 1]]++;
          hist[2][p[j + 2]]++;
          hist[3][p[j + 3]]++;
        }
      for (; j < dim; j++)
        hist[0][p[j]]++;
    }

  for (int v = 0; v < 256; v++)
    {
      count[v] = hist[0][v] + hist[1][v] + hist[2][v] + hist[3][v];
      if (count[v] == 0)
        continue;
      if (lo < 0)
        lo = v;
      hi = v;
      total += count[v];
      sum += (double) v * (double) count[v];
    }

  if (total > 0)
    {
      mean = sum / (double) total;
      for (int v = 0; v < 256; v++)
        if (count[v] > 0)
          var += (double) count[v] * (v - mean) * (v - mean);
      var /= (double) total;   /* population variance, as np.std */
    }

  norm->kind = kind;
  norm->mean = mean;
  norm->std = sqrt (var);
  norm->min = lo >= 0 ? lo : 0;
  norm->max = hi >= 0 ? hi : 0;

  switch (kind)
    {
    case INK_NORM_STANDARDIZE:
      {
        double s = norm->std > 0.0 ? norm->std : 1.0;

        norm->affine.scale = (float) (1.0 / s);
        norm->affine.shift = (float) (-norm->mean / s);
      }
      break;

    case INK_NORM_MINMAX:
      {
        double range = norm->max - norm->min;

        if (range > 0.0)
          {
            norm->affine.scale = (float) (1.0 / range);
            norm->affine.shift = (float) (-norm->min / range);
          }
        else
          {
            norm->affine.scale = 1.0f;
            norm->affine.shift = (float) -norm->min;
          }
      }
      break;

    case INK_NORM_SCALE:
      norm->affine.scale = (float) (1.0 / 255.0);
      norm->affine.shift = 0.0f;
      break;

    case INK_NORM_NONE:
    default:
      norm->affine.scale = 1.0f;
      norm->affine.shift = 0.0f;
      break;
    }
}

void
ink_norm_apply (const InkNorm *norm,
                const guint8  *pixels,
                float         *out,
                gsize          n)
{
  float scale, shift;

  g_return_if_fail (norm != NULL);
  g_return_if_fail (n == 0 || (pixels != NULL && out != NULL));

  scale = norm->affine.scale;
  shift = norm->affine.shift;
  for (gsize i = 0; i < n; i++)
    out[i] = (float) pixels[i] * scale + shift;
}

static const char *const norm_names[] = {
  [INK_NORM_SCALE] = "scale",
  [INK_NORM_STANDARDIZE] = "standardize",
  [INK_NORM_MINMAX] = "minmax",
  [INK_NORM_NONE] = "none",
};

static const char *const split_names[] = {
  [INK_SPLIT_OFFICIAL] = "official",
  [INK_SPLIT_FIXED] = "fixed",
  [INK_SPLIT_RANDOM] = "random",
};

const char *
ink_norm_kind_to_string (InkNormKind kind)
{
  const char *name = ink_names_lookup (norm_names, G_N_ELEMENTS (norm_names), kind);

  return name != NULL ? name : "unknown";
}

gboolean
ink_norm_kind_from_string (const char  *s,
                           InkNormKind *out)
{
  guint i;

  if (!ink_names_find (norm_names, G_N_ELEMENTS (norm_names), s, &i))
    return FALSE;
  if (out != NULL)
    *out = (InkNormKind) i;
  return TRUE;
}

const char *
ink_norm_kind_choices (void)
{
  static const char *choices = NULL;

  return ink_names_choices (&choices, norm_names, G_N_ELEMENTS (norm_names));
}

const char *
ink_split_kind_to_string (InkSplitKind kind)
{
  const char *name = ink_names_lookup (split_names, G_N_ELEMENTS (split_names), kind);

  return name != NULL ? name : "unknown";
}

gboolean
ink_split_kind_from_string (const char   *s,
                            InkSplitKind *out)
{
  guint i;

  if (!ink_names_find (split_names, G_N_ELEMENTS (split_names), s, &i))
    return FALSE;
  if (out != NULL)
    *out = (InkSplitKind) i;
  return TRUE;
}

const char *
ink_split_kind_choices (void)
{
  static const char *choices = NULL;

  return ink_names_choices (&choices, split_names, G_N_ELEMENTS (split_names));
}
