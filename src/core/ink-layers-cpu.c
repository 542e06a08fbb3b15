/* ink-layers-cpu.c
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

/* Conv2d, pooling and batch normalization on the CPU.  The convolution runs
 * through oneDNN's primitives (ink-dnnl.c, cached per geometry and batch)
 * and falls back to im2col and col2im around OpenBLAS' sgemm where oneDNN
 * has none; plain loops for the rest. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>

#include "ink-dnnl.h"
#include "ink-layers-cpu.h"

/* ------------------------------------------------------------------------ */
/* conv2d */

/* Samples are lowered in chunks: the columns of n samples side by side,
 * col [K, n·P] (K = C·kh·kw, P = out_h·out_w), so that one sgemm covers
 * the chunk, next to a staging buffer [F, n·P] for its outputs (forward)
 * or output gradients (backward).  n is as large as fits in
 * INK_CONV_WORKSPACE_FLOATS, at least 1 and at most the batch. */
int
ink_conv2d_chunk (const InkConvGeom *g,
                  int                batch)
{
  gsize fit = INK_CONV_WORKSPACE_FLOATS / MAX (ink_conv2d_sample_floats (g), 1);

  return (int) CLAMP ((gsize) MAX (batch, 1), 1, MAX (fit, 1));
}

/* oneDNN's share of the workspace: the arena its reorders write the
 * blocked copies into (channels padded to 16) and the plain dW, db of a
 * chunk before they are added to the batch's.  The samples of a batch go
 * through the primitives in equal chunks that fit INK_CONV_WORKSPACE_FLOATS
 * (at least one sample). */
#define ARENA_SLACK_FLOATS 128   /* 64-byte alignment of the arena and its 5 tensors */

static gsize
pad16 (int n)
{
  return ((gsize) n + 15) / 16 * 16;
}

static gsize
dnnl_weight_floats (const InkConvGeom *g)
{
  return pad16 (g->filters) * pad16 (g->channels) * g->kernel_h * g->kernel_w + pad16 (g->filters);
}

static gsize
dnnl_sample_floats (const InkConvGeom *g)
{
  return pad16 (g->channels) * g->height * g->width + pad16 (g->filters) * g->out_h * g->out_w;
}

static gsize
dnnl_plain_weight_floats (const InkConvGeom *g)
{
  return (gsize) g->filters * g->channels * g->kernel_h * g->kernel_w + g->filters;
}

/* the most samples a chunk may hold */
static gsize
dnnl_fit (const InkConvGeom *g)
{
  gsize fixed = dnnl_weight_floats (g) + dnnl_plain_weight_floats (g) + ARENA_SLACK_FLOATS;
  gsize fit = INK_CONV_WORKSPACE_FLOATS > fixed ?
              (INK_CONV_WORKSPACE_FLOATS - fixed) / dnnl_sample_floats (g) : 1;

  return MAX (fit, 1);
}

/* equal chunks of at most dnnl_fit samples */
static int
dnnl_chunk (const InkConvGeom *g,
            int                batch)
{
  gsize fit, n_chunks;

  batch = MAX (batch, 1);
  fit = MIN (dnnl_fit (g), (gsize) batch);
  n_chunks = (batch + fit - 1) / fit;
  return (int) ((batch + n_chunks - 1) / n_chunks);
}

/* the arena's bytes for chunks of chunk samples */
static gsize
dnnl_arena_bound (const InkConvGeom *g,
                  int                chunk)
{
  return (chunk * dnnl_sample_floats (g) + dnnl_weight_floats (g) + ARENA_SLACK_FLOATS - 16) *
         sizeof (float);
}

gsize
ink_conv2d_col_size (const InkConvGeom *g,
                     int                max_batch)
{
  gsize im2col = (gsize) ink_conv2d_chunk (g, max_batch) * ink_conv2d_sample_floats (g);
  /* a batch of up to max_batch samples has chunks of at most this many */
  gsize dnnl = MIN ((gsize) MAX (max_batch, 1), dnnl_fit (g)) * dnnl_sample_floats (g) +
               dnnl_weight_floats (g) + dnnl_plain_weight_floats (g) + ARENA_SLACK_FLOATS;

  return MAX (im2col, dnnl);
}

/* col rows of stride ld: row (c, i, j) holds, for every output position,
 * the input pixel under kernel tap (i, j) of channel c (0 in the padding) */
static void
im2col (const InkConvGeom *g,
        const float       *x,
        float             *col,
        gsize              ld)
{
  for (int c = 0; c < g->channels; c++)
    for (int i = 0; i < g->kernel_h; i++)
      for (int j = 0; j < g->kernel_w; j++)
        {
          float *row = col + ((gsize) (c * g->kernel_h + i) * g->kernel_w + j) * ld;
          const float *plane = x + (gsize) c * g->height * g->width;
          /* the output columns whose tap falls inside the image: [ox0, ox1) */
          int ox0 = 0, ox1 = g->out_w;

          while (ox0 < ox1 && ox0 * g->stride + j - g->pad_left < 0)
            ox0++;
          while (ox1 > ox0 && (ox1 - 1) * g->stride + j - g->pad_left >= g->width)
            ox1--;

          for (int oy = 0; oy < g->out_h; oy++)
            {
              int iy = oy * g->stride + i - g->pad_top;
              float *dst = row + (gsize) oy * g->out_w;
              const float *src;

              if (iy < 0 || iy >= g->height || ox0 == ox1)
                {
                  memset (dst, 0, sizeof (float) * g->out_w);
                  continue;
                }
              /* the pixel under output column ox0 (inside the image, as
               * the rest of [ox0, ox1) is) */
              src = plane + (gsize) iy * g->width + (ox0 * g->stride + j - g->pad_left);
              for (int ox = 0; ox < ox0; ox++)
                dst[ox] = 0.0f;
              if (g->stride == 1)
                memcpy (dst + ox0, src, sizeof (float) * (ox1 - ox0));
              else
                for (int ox = ox0; ox < ox1; ox++)
                  dst[ox] = src[(ox - ox0) * g->stride];
              for (int ox = ox1; ox < g->out_w; ox++)
                dst[ox] = 0.0f;
            }
        }
}

/* the adjoint of im2col: dx += the columns summed back onto the pixels */
static void
col2im_add (const InkConvGeom *g,
            const float       *col,
            gsize              ld,
            float             *dx)
{
  for (int c = 0; c < g->channels; c++)
    for (int i = 0; i < g->kernel_h; i++)
      for (int j = 0; j < g->kernel_w; j++)
        {
          const float *row = col + ((gsize) (c * g->kernel_h + i) * g->kernel_w + j) * ld;
          float *plane = dx + (gsize) c * g->height * g->width;
          int ox0 = 0, ox1 = g->out_w;

          while (ox0 < ox1 && ox0 * g->stride + j - g->pad_left < 0)
            ox0++;
          while (ox1 > ox0 && (ox1 - 1) * g->stride + j - g->pad_left >= g->width)
            ox1--;

          for (int oy = 0; oy < g->out_h; oy++)
            {
              int iy = oy * g->stride + i - g->pad_top;
              const float *src = row + (gsize) oy * g->out_w;
              float *dst;

              if (iy < 0 || iy >= g->height || ox0 == ox1)
                continue;
              dst = plane + (gsize) iy * g->width + (ox0 * g->stride + j - g->pad_left);
              if (g->stride == 1)
                for (int ox = ox0; ox < ox1; ox++)
                  dst[ox - ox0] += src[ox];
              else
                for (int ox = ox0; ox < ox1; ox++)
                  dst[(ox - ox0) * g->stride] += src[ox];
            }
        }
}

/* What both directions of im2col lower by: K = C·kh·kw rows of the
 * columns, F filters, P = out_h·out_w positions, a sample's in_n inputs
 * and out_n outputs, chunk samples at a time and the staging buffer
 * [F, chunk·P] after the chunk's columns in col. */
typedef struct
{
  int    K, F;
  gsize  P, in_n, out_n;
  int    chunk;
  float *stage;
} Im2colPlan;

static Im2colPlan
im2col_plan (const InkConvGeom *g,
             int                batch,
             float             *col)
{
  Im2colPlan pl;

  pl.K = g->channels * g->kernel_h * g->kernel_w;
  pl.F = g->filters;
  pl.P = (gsize) g->out_h * g->out_w;
  pl.in_n = (gsize) g->channels * g->height * g->width;
  pl.out_n = (gsize) pl.F * pl.P;
  pl.chunk = ink_conv2d_chunk (g, batch);
  pl.stage = col + (gsize) pl.K * pl.chunk * pl.P;
  return pl;
}

void
ink_conv2d_forward_im2col (const InkConvGeom *g,
                    int                batch,
                    const float       *x,
                    const float       *w,
                    const float       *b,
                    float             *y,
                    float             *col)
{
  const Im2colPlan pl = im2col_plan (g, batch, col);

  for (int s0 = 0; s0 < batch; s0 += pl.chunk)
    {
      const int n = MIN (pl.chunk, batch - s0);
      const gsize ld = n * pl.P;

      for (int s = 0; s < n; s++)
        im2col (g, x + (s0 + s) * pl.in_n, col + s * pl.P, ld);
      /* Y [F, n·P] = W [F, K] · col [K, n·P], then out to NCHW with the bias */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, pl.F, (int) ld, pl.K,
                   1.0f, w, pl.K, col, (int) ld, 0.0f, pl.stage, (int) ld);
      for (int s = 0; s < n; s++)
        {
          float *ys = y + (s0 + s) * pl.out_n;

          for (int f = 0; f < pl.F; f++)
            {
              const float *src = pl.stage + (gsize) f * ld + s * pl.P;
              float *dst = ys + (gsize) f * pl.P;
              const float bf = b[f];

              for (gsize p = 0; p < pl.P; p++)
                dst[p] = src[p] + bf;
            }
        }
    }
}

void
ink_conv2d_backward_im2col (const InkConvGeom *g,
                     int                batch,
                     const float       *x,
                     const float       *w,
                     const float       *dy,
                     float             *dw,
                     float             *db,
                     float             *dx,
                     float             *col)
{
  const Im2colPlan pl = im2col_plan (g, batch, col);

  memset (db, 0, sizeof (float) * pl.F);
  if (dx != NULL)
    memset (dx, 0, sizeof (float) * pl.in_n * batch);

  for (int s0 = 0; s0 < batch; s0 += pl.chunk)
    {
      const int n = MIN (pl.chunk, batch - s0);
      const gsize ld = n * pl.P;

      /* dY [F, n·P] gathered from NCHW; db the sum of its rows */
      for (int s = 0; s < n; s++)
        for (int f = 0; f < pl.F; f++)
          {
            const float *src = dy + (s0 + s) * pl.out_n + (gsize) f * pl.P;
            float acc = 0.0f;

            memcpy (pl.stage + (gsize) f * ld + s * pl.P, src, sizeof (float) * pl.P);
            for (gsize p = 0; p < pl.P; p++)
              acc += src[p];
            db[f] += acc;
          }

      /* dW [F, K] (+)= dY · colᵀ */
      for (int s = 0; s < n; s++)
        im2col (g, x + (s0 + s) * pl.in_n, col + s * pl.P, ld);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, pl.F, pl.K, (int) ld,
                   1.0f, pl.stage, (int) ld, col, (int) ld, s0 == 0 ? 0.0f : 1.0f, dw, pl.K);

      if (dx != NULL)
        {
          /* dcol [K, n·P] = Wᵀ · dY, summed back onto each sample's dx */
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, pl.K, (int) ld, pl.F,
                       1.0f, w, pl.K, pl.stage, (int) ld, 0.0f, col, (int) ld);
          for (int s = 0; s < n; s++)
            col2im_add (g, col + s * pl.P, ld, dx + (s0 + s) * pl.in_n);
        }
    }
}

/* oneDNN's primitives per geometry and batch, made on first use (conv
 * NULL: oneDNN refused that geometry) and kept, most recently used first,
 * up to INK_CONV_DNNL_CACHE_MAX of them: a long-lived process that meets
 * many geometries or batch sizes (model after model in the workbench)
 * drops the least recently used.  The lock also serializes the calls on
 * oneDNN's one stream. */
typedef struct
{
  InkConvGeom  g;
  int          batch;
  InkDnnlConv *conv;
} DnnlEntry;

static GMutex dnnl_lock;
static GPtrArray *dnnl_cache;

static void
dnnl_entry_free (gpointer data)
{
  DnnlEntry *e = data;

  ink_dnnl_conv_free (e->conv);
  g_free (e);
}

static gboolean
dnnl_wanted (void)
{
  static int wanted = -1;

  if (wanted < 0)
    wanted = g_strcmp0 (g_getenv ("INKLING_CONV"), "im2col") != 0;
  return wanted;
}

/* with dnnl_lock held; the entry returned is the first of the cache, and a
 * lookup evicts only the last: the primitives of the previous lookup stay
 * valid through this one */
static InkDnnlConv *
dnnl_lookup (const InkConvGeom *g,
             int                batch)
{
  g_autoptr(GError) error = NULL;
  DnnlEntry *e;

  if (dnnl_cache == NULL)
    dnnl_cache = g_ptr_array_new_with_free_func (dnnl_entry_free);
  for (guint i = 0; i < dnnl_cache->len; i++)
    {
      e = g_ptr_array_index (dnnl_cache, i);
      if (e->batch == batch && memcmp (&e->g, g, sizeof *g) == 0)
        {
          if (i > 0)
            {
              g_ptr_array_steal_index (dnnl_cache, i);
              g_ptr_array_insert (dnnl_cache, 0, e);
            }
          return e->conv;
        }
    }

  e = g_new0 (DnnlEntry, 1);
  e->g = *g;
  e->batch = batch;
  e->conv = ink_dnnl_conv_new (g, batch, INK_DNNL_BLOCKED, TRUE, &error);
  if (e->conv == NULL)
    g_debug ("conv2d: im2col + sgemm: %s", error->message);
  else if (ink_dnnl_conv_arena_size (e->conv) > dnnl_arena_bound (g, batch))
    {
      /* cannot happen while oneDNN pads channels to 16 at most */
      g_warning ("conv2d: oneDNN wants %" G_GSIZE_FORMAT " bytes of workspace, more than the "
                 "%" G_GSIZE_FORMAT " counted; using im2col + sgemm",
                 ink_dnnl_conv_arena_size (e->conv), dnnl_arena_bound (g, batch));
      g_clear_pointer (&e->conv, ink_dnnl_conv_free);
    }
  g_ptr_array_insert (dnnl_cache, 0, e);
  if (dnnl_cache->len > INK_CONV_DNNL_CACHE_MAX)
    g_ptr_array_remove_index (dnnl_cache, dnnl_cache->len - 1);
  return e->conv;
}

guint
ink_conv2d_cache_size (void)
{
  guint n;

  g_mutex_lock (&dnnl_lock);
  n = dnnl_cache != NULL ? dnnl_cache->len : 0;
  g_mutex_unlock (&dnnl_lock);
  return n;
}

void
ink_conv2d_cache_clear (void)
{
  g_mutex_lock (&dnnl_lock);
  g_clear_pointer (&dnnl_cache, g_ptr_array_unref);
  g_mutex_unlock (&dnnl_lock);
}

/* the chunk's and the last chunk's primitives, or FALSE (lock released)
 * where oneDNN has none */
static gboolean
dnnl_begin (const InkConvGeom  *g,
            int                 batch,
            int                *chunk,
            InkDnnlConv       **main,
            InkDnnlConv       **tail)
{
  int last;

  if (!dnnl_wanted ())
    return FALSE;
  *chunk = dnnl_chunk (g, batch);
  last = batch - (batch - 1) / *chunk * *chunk;
  g_mutex_lock (&dnnl_lock);
  *main = dnnl_lookup (g, *chunk);
  *tail = last == *chunk ? *main : dnnl_lookup (g, last);
  if (*main == NULL || *tail == NULL)
    {
      g_mutex_unlock (&dnnl_lock);
      return FALSE;
    }
  return TRUE;
}

static void *
arena_of (float *col)
{
  return (void *) (((guintptr) col + 63) & ~(guintptr) 63);
}

void
ink_nchw_to_blocked (const float *x,
                     float       *y,
                     int          batch,
                     int          channels,
                     int          spatial)
{
  for (gsize n = 0; n < (gsize) batch; n++)
    for (int c = 0; c < channels; c++)
      {
        const float *src = x + (n * channels + c) * spatial;
        float *dst = y + (n * channels + c / 16 * 16) * spatial + c % 16;

        for (int s = 0; s < spatial; s++)
          dst[(gsize) s * 16] = src[s];
      }
}

void
ink_blocked_to_nchw (const float *x,
                     float       *y,
                     int          batch,
                     int          channels,
                     int          spatial)
{
  for (gsize n = 0; n < (gsize) batch; n++)
    for (int c = 0; c < channels; c++)
      {
        const float *src = x + (n * channels + c / 16 * 16) * spatial + c % 16;
        float *dst = y + (n * channels + c) * spatial;

        for (int s = 0; s < spatial; s++)
          dst[s] = src[(gsize) s * 16];
      }
}

/* im2col + sgemm (no oneDNN here, or INKLING_CONV=im2col) on tensors a
 * blocked geometry gives in nChw16c order: through NCHW copies */
static const float *
plain_input (const float *x,
             gboolean     blocked,
             int          batch,
             int          channels,
             int          spatial,
             float      **tmp)
{
  if (!blocked || x == NULL)
    return x;
  *tmp = g_new (float, (gsize) batch * channels * spatial);
  ink_blocked_to_nchw (x, *tmp, batch, channels, spatial);
  return *tmp;
}

static void
forward_im2col_any (const InkConvGeom *g,
                    int                batch,
                    const float       *x,
                    const float       *w,
                    const float       *b,
                    float             *y,
                    float             *col)
{
  InkConvGeom plain = *g;
  const int in_s = g->height * g->width, out_s = g->out_h * g->out_w;
  g_autofree float *xt = NULL, *yt = NULL;

  plain.src_blocked = plain.dst_blocked = plain.relu = 0;
  x = plain_input (x, g->src_blocked, batch, g->channels, in_s, &xt);
  if (g->dst_blocked)
    yt = g_new (float, (gsize) batch * g->filters * out_s);
  ink_conv2d_forward_im2col (&plain, batch, x, w, b, yt != NULL ? yt : y, col);
  if (yt != NULL)
    ink_nchw_to_blocked (yt, y, batch, g->filters, out_s);
  if (g->relu)
    for (gsize i = 0; i < (gsize) batch * g->filters * out_s; i++)
      y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

static void
backward_im2col_any (const InkConvGeom *g,
                     int                batch,
                     const float       *x,
                     const float       *w,
                     const float       *dy,
                     float             *dw,
                     float             *db,
                     float             *dx,
                     float             *col)
{
  InkConvGeom plain = *g;
  const int in_s = g->height * g->width, out_s = g->out_h * g->out_w;
  g_autofree float *xt = NULL, *dyt = NULL, *dxt = NULL;

  plain.src_blocked = plain.dst_blocked = plain.relu = 0;
  x = plain_input (x, g->src_blocked, batch, g->channels, in_s, &xt);
  dy = plain_input (dy, g->dst_blocked, batch, g->filters, out_s, &dyt);
  if (dx != NULL && g->src_blocked)
    dxt = g_new (float, (gsize) batch * g->channels * in_s);
  ink_conv2d_backward_im2col (&plain, batch, x, w, dy, dw, db, dxt != NULL ? dxt : dx, col);
  if (dxt != NULL)
    ink_nchw_to_blocked (dxt, dx, batch, g->channels, in_s);
}

void
ink_conv2d_forward (const InkConvGeom *g,
                    int                batch,
                    const float       *x,
                    const float       *w,
                    const float       *b,
                    float             *y,
                    float             *col)
{
  const gsize in_n = (gsize) g->channels * g->height * g->width;
  const gsize out_n = (gsize) g->filters * g->out_h * g->out_w;
  InkDnnlConv *main, *tail;
  int chunk;

  if (!dnnl_begin (g, batch, &chunk, &main, &tail))
    {
      /* also without blocked tensors: the fused ReLU */
      forward_im2col_any (g, batch, x, w, b, y, col);
      return;
    }
  for (int s0 = 0; s0 < batch; s0 += chunk)
    ink_dnnl_conv_forward (s0 + chunk >= batch ? tail : main, x + s0 * in_n, w, b, y + s0 * out_n,
                           arena_of (col));
  g_mutex_unlock (&dnnl_lock);
}

void
ink_conv2d_backward (const InkConvGeom *g,
                     int                batch,
                     const float       *x,
                     const float       *w,
                     const float       *dy,
                     float             *dw,
                     float             *db,
                     float             *dx,
                     float             *col)
{
  const gsize in_n = (gsize) g->channels * g->height * g->width;
  const gsize out_n = (gsize) g->filters * g->out_h * g->out_w;
  const gsize nw = (gsize) g->filters * g->channels * g->kernel_h * g->kernel_w;
  InkDnnlConv *main, *tail;
  float *dw_chunk, *db_chunk;
  int chunk;

  if (!dnnl_begin (g, batch, &chunk, &main, &tail))
    {
      backward_im2col_any (g, batch, x, w, dy, dw, db, dx, col);
      return;
    }
  /* after the arena: a chunk's dW and db, added to the batch's */
  dw_chunk = (float *) ((char *) arena_of (col) + dnnl_arena_bound (g, chunk));
  db_chunk = dw_chunk + nw;
  for (int s0 = 0; s0 < batch; s0 += chunk)
    {
      gboolean first = s0 == 0;

      ink_dnnl_conv_backward (s0 + chunk >= batch ? tail : main, x + s0 * in_n, w, dy + s0 * out_n,
                              first ? dw : dw_chunk, first ? db : db_chunk,
                              dx != NULL ? dx + s0 * in_n : NULL, arena_of (col));
      if (!first)
        {
          for (gsize i = 0; i < nw; i++)
            dw[i] += dw_chunk[i];
          for (int f = 0; f < g->filters; f++)
            db[f] += db_chunk[f];
        }
    }
  g_mutex_unlock (&dnnl_lock);
}

/* ------------------------------------------------------------------------ */
/* pooling */

INK_HOT void
ink_max_pool_forward (int          channels,
                      int          height,
                      int          width,
                      int          size,
                      int          stride,
                      int          batch,
                      const float *x,
                      float       *y,
                      gint32      *argmax)
{
  const int oh = (height - size) / stride + 1;
  const int ow = (width - size) / stride + 1;

  if (size == 2 && stride == 2)
    {
      /* keras-mnist-cnn's pooling, without the inner loops: the four
       * candidates in the order the general case visits them */
      for (gsize p = 0; p < (gsize) batch * channels; p++)
        {
          const float *plane = x + p * height * width;
          float *out = y + p * oh * ow;
          gint32 *arg = argmax + p * oh * ow;

          for (int oy = 0; oy < oh; oy++)
            {
              const float *r0 = plane + (gsize) 2 * oy * width;
              const float *r1 = r0 + width;
              const gint32 base = 2 * oy * width;

              /* without branches (ties keep the earlier candidate), so
               * that the compiler can vectorize across ox */
              for (int ox = 0; ox < ow; ox++)
                {
                  const gint32 i0 = base + 2 * ox;
                  float m = r0[2 * ox];
                  gint32 best = i0;
                  float v;

                  v = r0[2 * ox + 1];
                  best = v > m ? i0 + 1 : best;
                  m = v > m ? v : m;
                  v = r1[2 * ox];
                  best = v > m ? i0 + width : best;
                  m = v > m ? v : m;
                  v = r1[2 * ox + 1];
                  best = v > m ? i0 + width + 1 : best;
                  m = v > m ? v : m;
                  out[oy * ow + ox] = m;
                  arg[oy * ow + ox] = best;
                }
            }
        }
      return;
    }

  for (gsize p = 0; p < (gsize) batch * channels; p++)
    {
      const float *plane = x + p * height * width;
      float *out = y + p * oh * ow;
      gint32 *arg = argmax + p * oh * ow;

      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          {
            int best = (oy * stride) * width + ox * stride;
            float m = plane[best];

            /* strictly greater: the first of equal maxima wins */
            for (int i = 0; i < size; i++)
              for (int j = 0; j < size; j++)
                {
                  int idx = (oy * stride + i) * width + ox * stride + j;

                  if (plane[idx] > m)
                    {
                      m = plane[idx];
                      best = idx;
                    }
                }
            out[oy * ow + ox] = m;
            arg[oy * ow + ox] = best;
          }
    }
}

/* the same pooling of an input in nChw16c order (channels a multiple of 16):
 * the output and argmax in NCHW as ink_max_pool_forward gives them, the 16
 * channels of a block side by side in the vector lanes */
INK_HOT void
ink_max_pool_forward_blocked (int          channels,
                              int          height,
                              int          width,
                              int          size,
                              int          stride,
                              int          batch,
                              const float *x,
                              float       *y,
                              gint32      *argmax)
{
  const int oh = (height - size) / stride + 1;
  const int ow = (width - size) / stride + 1;
  const gsize plane = (gsize) height * width, out_plane = (gsize) oh * ow;

  for (gsize nb = 0; nb < (gsize) batch * (channels / 16); nb++)
    {
      const float *xb = x + nb * 16 * plane;
      float *yb = y + nb * 16 * out_plane;
      gint32 *ab = argmax + nb * 16 * out_plane;

      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          {
            const gint32 first = (oy * stride) * width + ox * stride;
            float m[16];
            gint32 best[16];

            for (int k = 0; k < 16; k++)
              {
                m[k] = xb[(gsize) first * 16 + k];
                best[k] = first;
              }
            /* strictly greater: the first of equal maxima wins */
            for (int i = 0; i < size; i++)
              for (int j = 0; j < size; j++)
                {
                  const gint32 idx = (oy * stride + i) * width + ox * stride + j;
                  const float *v = xb + (gsize) idx * 16;

                  for (int k = 0; k < 16; k++)
                    {
                      best[k] = v[k] > m[k] ? idx : best[k];
                      m[k] = v[k] > m[k] ? v[k] : m[k];
                    }
                }
            for (int k = 0; k < 16; k++)
              {
                yb[k * out_plane + oy * ow + ox] = m[k];
                ab[k * out_plane + oy * ow + ox] = best[k];
              }
          }
    }
}

/* dx in nChw16c order, dy and argmax in NCHW */
void
ink_max_pool_backward_blocked (int           channels,
                               int           height,
                               int           width,
                               int           size,
                               int           stride,
                               int           batch,
                               const float  *dy,
                               const gint32 *argmax,
                               float        *dx)
{
  const int oh = (height - size) / stride + 1;
  const int ow = (width - size) / stride + 1;
  const gsize plane = (gsize) height * width, out_plane = (gsize) oh * ow;

  memset (dx, 0, sizeof (float) * batch * channels * plane);
  for (gsize nc = 0; nc < (gsize) batch * channels; nc++)
    {
      float *block = dx + nc / 16 * 16 * plane;
      const int lane = nc % 16;
      const float *d = dy + nc * out_plane;
      const gint32 *arg = argmax + nc * out_plane;

      for (gsize o = 0; o < out_plane; o++)
        block[(gsize) arg[o] * 16 + lane] += d[o];
    }
}

void
ink_max_pool_backward (int           channels,
                       int           height,
                       int           width,
                       int           size,
                       int           stride,
                       int           batch,
                       const float  *dy,
                       const gint32 *argmax,
                       float        *dx)
{
  const int oh = (height - size) / stride + 1;
  const int ow = (width - size) / stride + 1;

  memset (dx, 0, sizeof (float) * batch * channels * height * width);
  for (gsize p = 0; p < (gsize) batch * channels; p++)
    {
      float *plane = dx + p * height * width;
      const float *d = dy + p * oh * ow;
      const gint32 *arg = argmax + p * oh * ow;

      for (int o = 0; o < oh * ow; o++)
        plane[arg[o]] += d[o];
    }
}

void
ink_avg_pool_forward (int          channels,
                      int          height,
                      int          width,
                      int          size,
                      int          stride,
                      int          batch,
                      const float *x,
                      float       *y)
{
  const int oh = (height - size) / stride + 1;
  const int ow = (width - size) / stride + 1;
  const float scale = 1.0f / (float) (size * size);

  for (gsize p = 0; p < (gsize) batch * channels; p++)
    {
      const float *plane = x + p * height * width;
      float *out = y + p * oh * ow;

      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          {
            float acc = 0.0f;

            for (int i = 0; i < size; i++)
              for (int j = 0; j < size; j++)
                acc += plane[(oy * stride + i) * width + ox * stride + j];
            out[oy * ow + ox] = acc * scale;
          }
    }
}

void
ink_avg_pool_backward (int          channels,
                       int          height,
                       int          width,
                       int          size,
                       int          stride,
                       int          batch,
                       const float *dy,
                       float       *dx)
{
  const int oh = (height - size) / stride + 1;
  const int ow = (width - size) / stride + 1;
  const float scale = 1.0f / (float) (size * size);

  memset (dx, 0, sizeof (float) * batch * channels * height * width);
  for (gsize p = 0; p < (gsize) batch * channels; p++)
    {
      float *plane = dx + p * height * width;
      const float *d = dy + p * oh * ow;

      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          {
            float g = d[oy * ow + ox] * scale;

            for (int i = 0; i < size; i++)
              for (int j = 0; j < size; j++)
                plane[(oy * stride + i) * width + ox * stride + j] += g;
          }
    }
}

/* ------------------------------------------------------------------------ */
/* batch normalization */

void
ink_batch_norm_forward (int          batch,
                        int          channels,
                        int          spatial,
                        const float *x,
                        const float *gamma,
                        const float *beta,
                        float        epsilon,
                        gboolean     training,
                        float        momentum,
                        float       *running_mean,
                        float       *running_var,
                        float       *y,
                        float       *xhat,
                        float       *inv_std)
{
  ink_batch_norm_forward_channels (batch, channels, spatial, 0, channels, x, gamma, beta,
                                   epsilon, training, momentum, running_mean, running_var,
                                   y, xhat, inv_std);
}

void
ink_batch_norm_forward_channels (int          batch,
                                 int          channels,
                                 int          spatial,
                                 int          c_begin,
                                 int          c_end,
                                 const float *x,
                                 const float *gamma,
                                 const float *beta,
                                 float        epsilon,
                                 gboolean     training,
                                 float        momentum,
                                 float       *running_mean,
                                 float       *running_var,
                                 float       *y,
                                 float       *xhat,
                                 float       *inv_std)
{
  const gsize m = (gsize) batch * spatial;
  const gsize cs = (gsize) channels * spatial;

  for (int c = c_begin; c < c_end; c++)
    {
      double mean, var;
      float mu, is;

      if (training)
        {
          double sum = 0.0, sq = 0.0;

          for (int s = 0; s < batch; s++)
            {
              const float *v = x + s * cs + (gsize) c * spatial;

              for (int k = 0; k < spatial; k++)
                sum += v[k];
            }
          mean = sum / (double) m;
          for (int s = 0; s < batch; s++)
            {
              const float *v = x + s * cs + (gsize) c * spatial;

              for (int k = 0; k < spatial; k++)
                sq += (v[k] - mean) * (v[k] - mean);
            }
          var = sq / (double) m;
          running_mean[c] = momentum * running_mean[c] + (1.0f - momentum) * (float) mean;
          running_var[c] = momentum * running_var[c] +
                           (1.0f - momentum) * (float) (m > 1 ? var * m / (m - 1) : var);
        }
      else
        {
          mean = running_mean[c];
          var = running_var[c];
        }

      mu = (float) mean;
      is = (float) (1.0 / sqrt (var + epsilon));
      inv_std[c] = is;
      for (int s = 0; s < batch; s++)
        {
          gsize base = s * cs + (gsize) c * spatial;

          for (int k = 0; k < spatial; k++)
            {
              float h = (x[base + k] - mu) * is;

              xhat[base + k] = h;
              y[base + k] = gamma[c] * h + beta[c];
            }
        }
    }
}

void
ink_batch_norm_backward (int          batch,
                         int          channels,
                         int          spatial,
                         const float *dy,
                         const float *xhat,
                         const float *inv_std,
                         const float *gamma,
                         gboolean     training,
                         float       *dx,
                         float       *dgamma,
                         float       *dbeta)
{
  ink_batch_norm_backward_channels (batch, channels, spatial, 0, channels, dy, xhat, inv_std,
                                    gamma, training, dx, dgamma, dbeta);
}

void
ink_batch_norm_backward_channels (int          batch,
                                  int          channels,
                                  int          spatial,
                                  int          c_begin,
                                  int          c_end,
                                  const float *dy,
                                  const float *xhat,
                                  const float *inv_std,
                                  const float *gamma,
                                  gboolean     training,
                                  float       *dx,
                                  float       *dgamma,
                                  float       *dbeta)
{
  const gsize m = (gsize) batch * spatial;
  const gsize cs = (gsize) channels * spatial;

  for (int c = c_begin; c < c_end; c++)
    {
      double sum_dy = 0.0, sum_dy_xhat = 0.0;

      for (int s = 0; s < batch; s++)
        {
          gsize base = s * cs + (gsize) c * spatial;

          for (int k = 0; k < spatial; k++)
            {
              sum_dy += dy[base + k];
              sum_dy_xhat += (double) dy[base + k] * xhat[base + k];
            }
        }
      dgamma[c] = (float) sum_dy_xhat;
      dbeta[c] = (float) sum_dy;
      if (dx == NULL)
        continue;

      for (int s = 0; s < batch; s++)
        {
          gsize base = s * cs + (gsize) c * spatial;

          for (int k = 0; k < spatial; k++)
            {
              if (training)
                /* through the batch's mean and variance too */
                dx[base + k] = (float) (gamma[c] * inv_std[c] *
                                        (dy[base + k] - sum_dy / (double) m -
                                         xhat[base + k] * sum_dy_xhat / (double) m));
              else
                dx[base + k] = gamma[c] * inv_std[c] * dy[base + k];
            }
        }
    }
}
