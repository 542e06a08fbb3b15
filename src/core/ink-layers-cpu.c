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

/* Conv2d, pooling and batch normalization on the CPU: im2col and col2im
 * around OpenBLAS' sgemm for the convolution, plain loops for the rest. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>

#include "ink-layers-cpu.h"

/* ------------------------------------------------------------------------ */
/* conv2d */

gsize
ink_conv2d_col_size (const InkConvGeom *g)
{
  return (gsize) g->channels * g->kernel_h * g->kernel_w * g->out_h * g->out_w;
}

/* col [C·kh·kw, oh·ow]: row (c, i, j) holds, for every output position,
 * the input pixel under kernel tap (i, j) of channel c (0 in the padding) */
static void
im2col (const InkConvGeom *g,
        const float       *x,
        float             *col)
{
  const int P = g->out_h * g->out_w;

  for (int c = 0; c < g->channels; c++)
    for (int i = 0; i < g->kernel_h; i++)
      for (int j = 0; j < g->kernel_w; j++)
        {
          float *row = col + ((gsize) (c * g->kernel_h + i) * g->kernel_w + j) * P;
          const float *plane = x + (gsize) c * g->height * g->width;

          for (int oy = 0; oy < g->out_h; oy++)
            {
              int iy = oy * g->stride + i - g->pad_top;
              float *dst = row + (gsize) oy * g->out_w;

              if (iy < 0 || iy >= g->height)
                {
                  memset (dst, 0, sizeof (float) * g->out_w);
                  continue;
                }
              if (g->stride == 1)
                {
                  /* a run of the input row, zeros where it leaves the image */
                  int x0 = j - g->pad_left;

                  for (int ox = 0; ox < g->out_w; ox++)
                    {
                      int ix = x0 + ox;

                      dst[ox] = ix >= 0 && ix < g->width ? plane[(gsize) iy * g->width + ix] : 0.0f;
                    }
                }
              else
                for (int ox = 0; ox < g->out_w; ox++)
                  {
                    int ix = ox * g->stride + j - g->pad_left;

                    dst[ox] = ix >= 0 && ix < g->width ? plane[(gsize) iy * g->width + ix] : 0.0f;
                  }
            }
        }
}

/* the adjoint of im2col: dx += the columns summed back onto the pixels */
static void
col2im_add (const InkConvGeom *g,
            const float       *col,
            float             *dx)
{
  const int P = g->out_h * g->out_w;

  for (int c = 0; c < g->channels; c++)
    for (int i = 0; i < g->kernel_h; i++)
      for (int j = 0; j < g->kernel_w; j++)
        {
          const float *row = col + ((gsize) (c * g->kernel_h + i) * g->kernel_w + j) * P;
          float *plane = dx + (gsize) c * g->height * g->width;

          for (int oy = 0; oy < g->out_h; oy++)
            {
              int iy = oy * g->stride + i - g->pad_top;
              const float *src = row + (gsize) oy * g->out_w;

              if (iy < 0 || iy >= g->height)
                continue;
              for (int ox = 0; ox < g->out_w; ox++)
                {
                  int ix = ox * g->stride + j - g->pad_left;

                  if (ix >= 0 && ix < g->width)
                    plane[(gsize) iy * g->width + ix] += src[ox];
                }
            }
        }
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
  const int K = g->channels * g->kernel_h * g->kernel_w;
  const int P = g->out_h * g->out_w;
  const gsize in_n = (gsize) g->channels * g->height * g->width;
  const gsize out_n = (gsize) g->filters * P;

  for (int s = 0; s < batch; s++)
    {
      float *ys = y + s * out_n;

      /* the bias first, then Y_s [F, P] += W [F, K] · col [K, P] */
      for (int f = 0; f < g->filters; f++)
        for (int p = 0; p < P; p++)
          ys[(gsize) f * P + p] = b[f];
      im2col (g, x + s * in_n, col);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, g->filters, P, K,
                   1.0f, w, K, col, P, 1.0f, ys, P);
    }
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
  const int K = g->channels * g->kernel_h * g->kernel_w;
  const int P = g->out_h * g->out_w;
  const gsize in_n = (gsize) g->channels * g->height * g->width;
  const gsize out_n = (gsize) g->filters * P;

  memset (db, 0, sizeof (float) * g->filters);
  if (dx != NULL)
    memset (dx, 0, sizeof (float) * in_n * batch);

  for (int s = 0; s < batch; s++)
    {
      const float *dys = dy + s * out_n;

      /* dW [F, K] (+)= dY_s [F, P] · col_sᵀ */
      im2col (g, x + s * in_n, col);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, g->filters, K, P,
                   1.0f, dys, P, col, P, s == 0 ? 0.0f : 1.0f, dw, K);
      for (int f = 0; f < g->filters; f++)
        {
          const float *r = dys + (gsize) f * P;
          float acc = 0.0f;

          for (int p = 0; p < P; p++)
            acc += r[p];
          db[f] += acc;
        }
      if (dx != NULL)
        {
          /* dcol [K, P] = Wᵀ · dY_s, summed back onto dx_s */
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, K, P, g->filters,
                       1.0f, w, K, dys, P, 0.0f, col, P);
          col2im_add (g, col, dx + s * in_n);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* pooling */

void
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
  const gsize m = (gsize) batch * spatial;
  const gsize cs = (gsize) channels * spatial;

  for (int c = 0; c < channels; c++)
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
  const gsize m = (gsize) batch * spatial;
  const gsize cs = (gsize) channels * spatial;

  for (int c = 0; c < channels; c++)
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
