/* ink-augment.c
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


/* Augmentation of training images: shift, rotation and elastic
 * distortion. */

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "ink-augment.h"
#include "ink-openblas.h"
#include "ink-rng.h"

#define SNAP_EPS 1e-4

void
ink_augment_spec_defaults (InkAugmentSpec *spec)
{
  spec->shift = 0;
  spec->rotate = 0.0f;
  spec->scale = 0.0f;
  spec->elastic_alpha = 0.0f;
  spec->elastic_sigma = 4.0f;
  spec->probability = 1.0f;
}

gboolean
ink_augment_spec_enabled (const InkAugmentSpec *spec)
{
  return spec->probability > 0.0f &&
         (spec->shift > 0 || spec->rotate > 0.0f || spec->scale > 0.0f ||
          spec->elastic_alpha > 0.0f);
}

gboolean
ink_augment_spec_is_default (const InkAugmentSpec *spec)
{
  InkAugmentSpec d;

  ink_augment_spec_defaults (&d);
  return spec->shift == d.shift && spec->rotate == d.rotate && spec->scale == d.scale &&
         spec->elastic_alpha == d.elastic_alpha && spec->elastic_sigma == d.elastic_sigma &&
         spec->probability == d.probability;
}

/* ------------------------------------------------------------------------ */
/* the transform                                                             */

/* floor () for the small coordinates here, inline: without SSE4.1 the
 * compiler calls libm's floor, four times per pixel.  Exact for |v| < 2^62;
 * larger values (a far-off corner of a huge rotation) never reach a pixel. */
static inline double
fast_floor (double v)
{
  double t;

  if (!(fabs (v) < 4611686018427387904.0))
    return floor (v);
  t = (double) (gint64) v;
  return t > v ? t - 1.0 : t;
}

static inline double
snap (double v)
{
  double r = fast_floor (v + 0.5);
  return fabs (v - r) < SNAP_EPS ? r : v;
}

static inline float
pixel_or_zero (const guint8 *in, int rows, int cols, int y, int x)
{
  if (x < 0 || y < 0 || x >= cols || y >= rows)
    return 0.0f;
  return (float) in[y * cols + x];
}

static inline float
bilinear (const guint8 *in, int rows, int cols, double sx, double sy)
{
  double fx0, fy0;
  int x0, y0;
  float fx, fy;

  sx = snap (sx);
  sy = snap (sy);
  fx0 = fast_floor (sx);
  fy0 = fast_floor (sy);
  if (fx0 < -2.0 || fy0 < -2.0 || fx0 > cols + 1.0 || fy0 > rows + 1.0)
    return 0.0f;
  x0 = (int) fx0;
  y0 = (int) fy0;
  fx = (float) (sx - fx0);
  fy = (float) (sy - fy0);
  if (fx == 0.0f && fy == 0.0f)
    return pixel_or_zero (in, rows, cols, y0, x0);
  return (1.0f - fy) * ((1.0f - fx) * pixel_or_zero (in, rows, cols, y0, x0) +
                        fx * pixel_or_zero (in, rows, cols, y0, x0 + 1)) +
         fy * ((1.0f - fx) * pixel_or_zero (in, rows, cols, y0 + 1, x0) +
               fx * pixel_or_zero (in, rows, cols, y0 + 1, x0 + 1));
}

void
ink_augment_transform (const guint8 *in,
                       guint         rows,
                       guint         cols,
                       int           dx,
                       int           dy,
                       double        angle_deg,
                       double        zoom,
                       const float  *disp_x,
                       const float  *disp_y,
                       float        *out)
{
  double th = angle_deg * (G_PI / 180.0);
  double c = cos (th), s = sin (th);
  double inv = zoom > 0.0 ? 1.0 / zoom : 1.0;
  double cx = (cols - 1) / 2.0, cy = (rows - 1) / 2.0;
  int R = (int) rows, C = (int) cols;

  /* exact quarter turns */
  if (fabs (c) < 1e-12)
    c = 0.0;
  if (fabs (s) < 1e-12)
    s = 0.0;
  /* the inverse of the change of size folds into the rotation */
  c *= inv;
  s *= inv;

  for (int y = 0; y < R; y++)
    for (int x = 0; x < C; x++)
      {
        gsize i = (gsize) y * cols + x;
        double px = x - cx, py = y - cy, qx, qy;

        if (disp_x != NULL)
          {
            px += disp_x[i];
            py += disp_y[i];
          }
        /* the forward rotation (counter-clockwise as displayed, y down) is
         * (x, y) → (x·c + y·s, −x·s + y·c); this is its inverse (c and s
         * already divided by the size factor) */
        qx = px * c - py * s;
        qy = px * s + py * c;
        out[i] = bilinear (in, R, C, qx + cx - dx, qy + cy - dy);
      }
}

/* ------------------------------------------------------------------------ */
/* the augmenter                                                             */

struct _InkAugmenter
{
  InkAugmentSpec spec;
  guint          rows;
  guint          cols;
  guint64        seed;
  float         *kernel;     /* Gaussian, 2·radius+1 taps, sums to 1 */
  int            radius;
  /* the smoothing as two matrix products: kh [cols, cols] and kv
   * [rows, rows] hold the Gaussian taps with scipy's "reflect" border
   * folded in, so smoothing f is kv · f · khᵀ */
  float         *kh;
  float         *kv;
  float         *f2;         /* [rows, 2·cols]: the x and y fields side by side */
  float         *t2;         /* the same shape, the horizontal pass */
  float         *fx;         /* rows·cols each */
  float         *fy;
  float         *buf;        /* rows·cols, for apply_u8 / gather */

  /* a batch is split with one helper thread (the BLAS threads are idle
   * while a batch is gathered); each side has its own scratch buffers and
   * every sample its own random stream, so the result does not depend on
   * the split */
  InkAugmenter  *twin;
  GThreadPool   *pool;
  GMutex         lock;
  GCond          cond;
  gboolean       done;
};

typedef struct
{
  InkAugmenter     *aug;
  guint64           epoch;
  const InkDataset *ds;
  const guint32    *idx;
  int               rows;
  InkAffine         aff;
  float            *x;
  gint32           *labels;
} GatherJob;

/* mirrored index (d c b a | a b c d | d c b a), as scipy's "reflect" */
static inline int
reflect (int i, int n)
{
  while (i < 0 || i >= n)
    i = i < 0 ? -i - 1 : 2 * n - i - 1;
  return i;
}

/* The 1-D smoothing of a length-n signal with the 2·radius+1 taps and a
 * reflected border, as an n × n matrix m: out[o] = Σ_i m[o, i] · in[i]. */
static float *
fold_kernel (const float *kernel, int radius, int n)
{
  float *m = g_new0 (float, (gsize) MAX (n, 1) * MAX (n, 1));

  for (int o = 0; o < n; o++)
    for (int j = -radius; j <= radius; j++)
      m[(gsize) o * n + reflect (o + j, n)] += kernel[j + radius];
  return m;
}

InkAugmenter *
ink_augmenter_new (const InkAugmentSpec *spec,
                   guint                 rows,
                   guint                 cols,
                   guint64               seed)
{
  InkAugmenter *aug = g_new0 (InkAugmenter, 1);
  gsize n = (gsize) rows * cols;

  aug->spec = *spec;
  aug->rows = rows;
  aug->cols = cols;
  aug->seed = seed;
  aug->buf = g_new (float, MAX (n, 1));
  if (spec->elastic_alpha > 0.0f && spec->elastic_sigma > 0.0f)
    {
      double sigma = spec->elastic_sigma, sum = 0.0;
      int radius = (int) ceil (4.0 * sigma);     /* scipy's truncate = 4 */

      radius = MAX (radius, 1);
      radius = MIN (radius, (int) (4 * MAX (rows, cols)));
      aug->radius = radius;
      aug->kernel = g_new (float, 2 * radius + 1);
      for (int k = -radius; k <= radius; k++)
        sum += exp (-0.5 * k * k / (sigma * sigma));
      for (int k = -radius; k <= radius; k++)
        aug->kernel[k + radius] = (float) (exp (-0.5 * k * k / (sigma * sigma)) / sum);
      aug->kh = fold_kernel (aug->kernel, radius, (int) cols);
      aug->kv = fold_kernel (aug->kernel, radius, (int) rows);
      aug->f2 = g_new (float, MAX (2 * n, 1));
      aug->t2 = g_new (float, MAX (2 * n, 1));
      aug->fx = g_new (float, MAX (n, 1));
      aug->fy = g_new (float, MAX (n, 1));
    }
  return aug;
}

void
ink_augmenter_free (InkAugmenter *aug)
{
  if (aug == NULL)
    return;
  if (aug->pool)
    {
      g_thread_pool_free (aug->pool, FALSE, TRUE);
      g_mutex_clear (&aug->lock);
      g_cond_clear (&aug->cond);
    }
  ink_augmenter_free (aug->twin);
  g_free (aug->kernel);
  g_free (aug->kh);
  g_free (aug->kv);
  g_free (aug->f2);
  g_free (aug->t2);
  g_free (aug->fx);
  g_free (aug->fy);
  g_free (aug->buf);
  g_free (aug);
}

void
ink_augmenter_apply (InkAugmenter *aug,
                     guint64       epoch,
                     guint64       index,
                     const guint8 *in,
                     float        *out)
{
  const InkAugmentSpec *s = &aug->spec;
  gsize n = (gsize) aug->rows * aug->cols;
  InkRng rng;
  int dx = 0, dy = 0;
  double angle = 0.0, zoom = 1.0;
  gboolean elastic = aug->kernel != NULL;

  ink_rng_init (&rng, ink_hash64 (aug->seed ^ ink_hash64 (epoch * G_GUINT64_CONSTANT (0x632BE59BD9B4E019) + index)));
  if (!ink_augment_spec_enabled (s) ||
      (s->probability < 1.0f && ink_rng_uniform (&rng) >= s->probability))
    {
      for (gsize i = 0; i < n; i++)
        out[i] = (float) in[i];
      return;
    }
  if (s->shift > 0)
    {
      dx = (int) ink_rng_below (&rng, 2 * s->shift + 1) - (int) s->shift;
      dy = (int) ink_rng_below (&rng, 2 * s->shift + 1) - (int) s->shift;
    }
  if (s->rotate > 0.0f)
    angle = (2.0 * ink_rng_uniform (&rng) - 1.0) * s->rotate;
  if (s->scale > 0.0f)
    zoom = 1.0 + (2.0 * ink_rng_uniform (&rng) - 1.0) * s->scale;
  if (elastic)
    {
      int R = (int) aug->rows, C = (int) aug->cols;

      /* the x field (drawn first) in the left half of f2, the y field in
       * the right half */
      for (int h = 0; h < 2; h++)
        for (int y = 0; y < R; y++)
          for (int x = 0; x < C; x++)
            aug->f2[(gsize) y * 2 * C + h * C + x] = 2.0f * ink_rng_uniform (&rng) - 1.0f;
      /* horizontal pass: f2 seen as 2·rows rows of cols, times khᵀ */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, 2 * R, C, C,
                   1.0f, aug->f2, C, aug->kh, C, 0.0f, aug->t2, C);
      /* vertical pass, scaled by alpha: kv · t2, t2 seen as rows × 2·cols */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, R, 2 * C, R,
                   s->elastic_alpha, aug->kv, R, aug->t2, 2 * C, 0.0f, aug->f2, 2 * C);
      for (int y = 0; y < R; y++)
        {
          memcpy (aug->fx + (gsize) y * C, aug->f2 + (gsize) y * 2 * C, sizeof (float) * C);
          memcpy (aug->fy + (gsize) y * C, aug->f2 + (gsize) y * 2 * C + C, sizeof (float) * C);
        }
    }
  ink_augment_transform (in, aug->rows, aug->cols, dx, dy, angle, zoom,
                         elastic ? aug->fx : NULL, elastic ? aug->fy : NULL, out);
}

void
ink_augmenter_apply_u8 (InkAugmenter *aug,
                        guint64       epoch,
                        guint64       index,
                        const guint8 *in,
                        guint8       *out)
{
  gsize n = (gsize) aug->rows * aug->cols;

  ink_augmenter_apply (aug, epoch, index, in, aug->buf);
  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) CLAMP (lrintf (aug->buf[i]), 0, 255);
}

static void
gather_rows (const GatherJob *j)
{
  InkAugmenter *aug = j->aug;
  gsize dim = (gsize) aug->rows * aug->cols;

  for (int r = 0; r < j->rows; r++)
    {
      guint32 k = j->idx[r];
      float *dst = j->x + (gsize) r * dim;

      g_return_if_fail (k < j->ds->n);
      ink_augmenter_apply (aug, j->epoch, k, j->ds->images + (gsize) k * dim, dst);
      for (gsize i = 0; i < dim; i++)
        dst[i] = dst[i] * j->aff.scale + j->aff.shift;
      if (j->labels != NULL)
        j->labels[r] = j->ds->labels[k];
    }
}

static void
helper_gather (gpointer data, gpointer user_data)
{
  GatherJob *j = data;
  InkAugmenter *parent = user_data;

  ink_enable_ftz ();
  gather_rows (j);
  g_mutex_lock (&parent->lock);
  parent->done = TRUE;
  g_cond_signal (&parent->cond);
  g_mutex_unlock (&parent->lock);
}

void
ink_augmenter_gather (InkAugmenter     *aug,
                      guint64           epoch,
                      const InkDataset *ds,
                      const guint32    *idx,
                      int               rows,
                      InkAffine         aff,
                      float            *x,
                      gint32           *labels)
{
  gsize dim = (gsize) aug->rows * aug->cols;
  GatherJob all = { aug, epoch, ds, idx, rows, aff, x, labels };
  GatherJob second;
  int half;

  g_return_if_fail (ds->rows == aug->rows && ds->cols == aug->cols);

  if (rows < 16 || g_get_num_processors () < 2)
    {
      gather_rows (&all);
      return;
    }
  if (aug->pool == NULL)
    {
      aug->twin = ink_augmenter_new (&aug->spec, aug->rows, aug->cols, aug->seed);
      aug->pool = g_thread_pool_new (helper_gather, aug, 1, FALSE, NULL);
      g_mutex_init (&aug->lock);
      g_cond_init (&aug->cond);
    }
  half = rows / 2;
  second = (GatherJob) { aug->twin, epoch, ds, idx + half, rows - half, aff,
                         x + (gsize) half * dim, labels ? labels + half : NULL };
  aug->done = FALSE;
  g_thread_pool_push (aug->pool, &second, NULL);
  all.rows = half;
  gather_rows (&all);
  g_mutex_lock (&aug->lock);
  while (!aug->done)
    g_cond_wait (&aug->cond, &aug->lock);
  g_mutex_unlock (&aug->lock);
}
