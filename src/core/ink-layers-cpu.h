/* ink-layers-cpu.h
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

/* The image layers on host memory: conv2d (oneDNN's primitives, or im2col +
 * OpenBLAS sgemm where oneDNN has none for a geometry, or everywhere with
 * INKLING_CONV=im2col in the environment), max and average pooling, batch
 * normalization.  Tensors are NCHW,
 * row-major; a flat tensor [batch, units] is NCHW with H = W = 1. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The hot loops of the CPU code, compiled for three x86-64 levels
 * (AVX-512, AVX2, baseline) with -O3 vectorization, picked at load time */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define INK_HOT __attribute__((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default"), \
                               optimize ("O3")))
#else
#define INK_HOT
#endif

typedef struct
{
  int channels;     /* input */
  int height;
  int width;
  int filters;      /* output channels */
  int kernel_h;
  int kernel_w;
  int stride;
  int pad_top;      /* zeros above and left; those below and right follow */
  int pad_left;
  int out_h;
  int out_w;
  /* the input / output (and their gradients) in oneDNN's nChw16c order
   * instead of NCHW: [N][C/16][H][W][16].  Set only where the backend says
   * it takes them (InkBackendOps.conv_blocked) and the channels are a
   * multiple of 16, between two convolutions of a training pass. */
  int src_blocked;
  int dst_blocked;
  /* forward: the output is max(0, conv) (ReLU fused into the convolution,
   * no pass of its own); set only where InkBackendOps.conv_relu */
  int relu;
} InkConvGeom;

/* NCHW ↔ nChw16c for channels a multiple of 16 (the same count of floats) */
void ink_nchw_to_blocked (const float *x, float *y, int batch, int channels, int spatial);
void ink_blocked_to_nchw (const float *x, float *y, int batch, int channels, int spatial);

/* The conv2d workspace bound: the im2col columns and output staging of a
 * chunk of samples, (C·kh·kw + F) × out_h·out_w floats each, or oneDNN's
 * blocked copies of a chunk's input and output (channels padded to 16),
 * fill at most this many floats (16 MiB) besides the weights' copies, or one
 * sample where one alone is larger. */
#define INK_CONV_WORKSPACE_FLOATS ((gsize) 4 << 20)

/* floats of one sample's im2col columns and output staging,
 * (C·kh·kw + F) × out_h·out_w: what the CPU's and the CUDA backend's
 * workspaces hold per sample of a chunk */
static inline gsize
ink_conv2d_sample_floats (const InkConvGeom *g)
{
  return ((gsize) g->channels * g->kernel_h * g->kernel_w + g->filters) *
         (gsize) g->out_h * g->out_w;
}

/* samples im2col lowers together for a batch of batch */
int   ink_conv2d_chunk    (const InkConvGeom *g,
                           int                batch);
/* floats of the workspace ink_conv2d_forward/backward need for batches of
 * up to max_batch samples */
gsize ink_conv2d_col_size (const InkConvGeom *g,
                           int                max_batch);

/* y [B, F, oh, ow] = conv (x [B, C, h, w], w [F, C, kh, kw]) + b [F]
 * (cross-correlation, as every framework computes it) */
void ink_conv2d_forward  (const InkConvGeom *g,
                          int                batch,
                          const float       *x,
                          const float       *w,
                          const float       *b,
                          float             *y,
                          float             *col);
void ink_conv2d_forward_im2col  (const InkConvGeom *g,
                                 int                batch,
                                 const float       *x,
                                 const float       *w,
                                 const float       *b,
                                 float             *y,
                                 float             *col);
/* dw, db overwritten with the gradients of the batch; dx (may be NULL)
 * overwritten with the gradient w.r.t. x */
void ink_conv2d_backward (const InkConvGeom *g,
                          int                batch,
                          const float       *x,
                          const float       *w,
                          const float       *dy,
                          float             *dw,
                          float             *db,
                          float             *dx,
                          float             *col);
/* the reference path of both: im2col + sgemm, whatever oneDNN offers */
void ink_conv2d_backward_im2col (const InkConvGeom *g,
                                 int                batch,
                                 const float       *x,
                                 const float       *w,
                                 const float       *dy,
                                 float             *dw,
                                 float             *db,
                                 float             *dx,
                                 float             *col);

/* The oneDNN primitives ink_conv2d_forward/backward make per geometry and
 * batch size (chunk) are kept for later calls, at most this many sets,
 * the least recently used dropped first. */
#define INK_CONV_DNNL_CACHE_MAX 64

/* the sets kept now (0 with INKLING_CONV=im2col or without oneDNN) */
guint ink_conv2d_cache_size  (void);
/* frees them all (the next call makes its primitives again): for a process
 * done with convolutions, and for leak checkers */
void  ink_conv2d_cache_clear (void);

/* size × size windows every stride pixels, no padding; out_h =
 * (h - size) / stride + 1.  argmax (max only): per output the index of
 * its input within the channel plane, the first of equal maxima. */
void ink_max_pool_forward  (int channels, int height, int width, int size, int stride,
                            int batch, const float *x, float *y, gint32 *argmax);
void ink_max_pool_backward (int channels, int height, int width, int size, int stride,
                            int batch, const float *dy, const gint32 *argmax, float *dx);
/* the same with x (forward) or dx (backward) in nChw16c order, channels a
 * multiple of 16; y, dy and argmax in NCHW, equal to the plain functions' */
void ink_max_pool_forward_blocked  (int channels, int height, int width, int size, int stride,
                                    int batch, const float *x, float *y, gint32 *argmax);
void ink_max_pool_backward_blocked (int channels, int height, int width, int size, int stride,
                                    int batch, const float *dy, const gint32 *argmax,
                                    float *dx);
void ink_avg_pool_forward  (int channels, int height, int width, int size, int stride,
                            int batch, const float *x, float *y);
void ink_avg_pool_backward (int channels, int height, int width, int size, int stride,
                            int batch, const float *dy, float *dx);

/* Batch normalization per channel over batch·spatial values (spatial =
 * H·W, 1 for a flat tensor).  Training: the batch's mean and (biased)
 * variance normalize; running mean and variance move as
 *   running = momentum·running + (1 - momentum)·batch statistic
 * (the variance there unbiased, ·m/(m-1), as PyTorch keeps it).
 * Evaluation: the running statistics normalize.  Both keep x̂ [B·C·S] and
 * inv_std [C] for the backward pass. */
void ink_batch_norm_forward  (int batch, int channels, int spatial, const float *x,
                              const float *gamma, const float *beta, float epsilon,
                              gboolean training, float momentum,
                              float *running_mean, float *running_var,
                              float *y, float *xhat, float *inv_std);
/* dgamma, dbeta overwritten; dx (may be NULL) overwritten.  training must be
 * what the forward pass used. */
void ink_batch_norm_backward (int batch, int channels, int spatial, const float *dy,
                              const float *xhat, const float *inv_std, const float *gamma,
                              gboolean training, float *dx, float *dgamma, float *dbeta);

/* the same for channels [c_begin, c_end) only (each channel is independent:
 * the CPU backend splits a layer's channels across its threads) */
void ink_batch_norm_forward_channels  (int batch, int channels, int spatial,
                                       int c_begin, int c_end, const float *x,
                                       const float *gamma, const float *beta, float epsilon,
                                       gboolean training, float momentum,
                                       float *running_mean, float *running_var,
                                       float *y, float *xhat, float *inv_std);
void ink_batch_norm_backward_channels (int batch, int channels, int spatial,
                                       int c_begin, int c_end, const float *dy,
                                       const float *xhat, const float *inv_std,
                                       const float *gamma, gboolean training,
                                       float *dx, float *dgamma, float *dbeta);

G_END_DECLS
