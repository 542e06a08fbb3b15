/* ink-backend.h
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

/* The compute backend: the ops table every implementation fills. */

#pragma once

#include <gio/gio.h>

#include "ink-layers-cpu.h"   /* InkConvGeom */

G_BEGIN_DECLS

/* The compute backend: one table of function pointers per implementation
 * (cpu: OpenBLAS; cuda: cuBLAS + our kernels).  All matrices are row-major.
 * Pointers named "backend memory" below were returned by the backend's alloc
 * (host memory for cpu, device memory for cuda).  Host pointers are marked.
 *
 * Conventions used by the network:
 *   X  [B, in]   activations of the previous layer
 *   W  [out, in] weights (PyTorch nn.Linear layout)
 *   b  [out]
 *   Y = X·Wᵀ + b          gemm (FALSE, TRUE, B, out, in, 1, X, in, W, in, 0, Y, out)
 *   dW = dYᵀ·X            gemm (TRUE, FALSE, out, in, B, 1, dY, out, X, in, 0, dW, in)
 *   dX = dY·W             gemm (FALSE, FALSE, B, in, out, 1, dY, out, W, in, 0, dX, in)
 *
 * The image layers work on NCHW tensors (a flat [B, units] tensor is NCHW
 * with H = W = 1) with the semantics of ink-layers-cpu.h, which the CPU
 * backend calls; every backend computes the same function.
 */

typedef enum
{
  INK_ACT_IDENTITY,
  INK_ACT_SIGMOID,
  INK_ACT_TANH,
  INK_ACT_RELU,
  INK_ACT_LEAKY_RELU,
  INK_ACT_SOFTMAX,        /* output layer only; the loss applies it */
} InkActivation;

typedef enum
{
  INK_LOSS_CROSS_ENTROPY, /* softmax output + categorical cross-entropy (mean over batch) */
  INK_LOSS_MSE,           /* any output, squared error to one-hot targets, mean over B*C */
} InkLoss;

typedef enum
{
  INK_OPT_SGD,
  INK_OPT_MOMENTUM,
  INK_OPT_NESTEROV,
  INK_OPT_RMSPROP,
  INK_OPT_ADAM,
  INK_OPT_ADAGRAD,
  INK_OPT_ADADELTA,
} InkOptimizerKind;

/* Hyper-parameters of one update.  Update rules (g = grad + 2·l2·w + l1·sign(w)):
 *   SGD       w -= lr·g
 *   MOMENTUM  v = mu·v - lr·g;  w += v
 *   NESTEROV  v = mu·v - lr·g;  w += mu·v - lr·g          (Lasagne's form)
 *   RMSPROP   r = rho·r + (1-rho)·g²;  w -= lr·g / (sqrt(r) + eps)
 *   ADAM      m = b1·m + (1-b1)·g;  v = b2·v + (1-b2)·g²;
 *             w -= lr · (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)   (t = step, from 1)
 *   ADAGRAD   r += g²;  w -= lr·g / (sqrt(r) + eps)
 *   ADADELTA  r = rho·r + (1-rho)·g²;  d = g · sqrt(u + eps) / sqrt(r + eps);
 *             u = rho·u + (1-rho)·d²;  w -= lr·d                (Keras' form)
 * state1 holds v / r / m, state2 holds Adam's v or Adadelta's u (unused
 * otherwise).
 * max_norm > 0: after the update, each row of a weight matrix (one unit's
 * incoming weights, row length `row_len`) is rescaled to norm <= max_norm. */
typedef struct
{
  InkOptimizerKind kind;
  float   lr;
  float   momentum;
  float   rho;
  float   beta1;
  float   beta2;
  float   eps;
  float   l1;
  float   l2;
  float   max_norm;
  guint64 step;      /* 1 for the first update */
} InkOptParams;

/* The per-pixel normalization, always affine: x = pixel · scale + shift. */
typedef struct
{
  float scale;
  float shift;
} InkAffine;

typedef struct _InkBackend    InkBackend;
typedef struct _InkBackendOps InkBackendOps;
typedef struct _InkDevData    InkDevData;   /* a dataset resident on the backend */

struct _InkBackendOps
{
  const char *name;
  /* TRUE when the memory alloc returns is host memory, which the caller
   * may also read and write directly (the CPU backend); FALSE when it
   * lives on a device and only upload/download reach it */
  gboolean    host_memory;
  /* release be->ctx (not be itself nor be->device_name); ink_backend_free
   * calls it */
  void     (*destroy)      (InkBackend *be);

  /* memory; sizes in bytes; alloc'd memory is zeroed */
  gpointer (*alloc)        (InkBackend *be, gsize bytes, GError **error);
  void     (*free)         (InkBackend *be, gpointer mem);
  void     (*upload)       (InkBackend *be, gpointer dst, gconstpointer host_src, gsize bytes);
  void     (*download)     (InkBackend *be, gpointer host_dst, gconstpointer src, gsize bytes);
  void     (*copy)         (InkBackend *be, gpointer dst, gconstpointer src, gsize bytes);
  gboolean (*sync)         (InkBackend *be, GError **error);

  /* C[M,N] = alpha·op(A)·op(B) + beta·C, row-major with leading dimensions */
  void (*gemm)             (InkBackend *be, gboolean trans_a, gboolean trans_b,
                            int m, int n, int k, float alpha,
                            const float *a, int lda, const float *b, int ldb,
                            float beta, float *c, int ldc);

  /* Y[i,j] += b[j], Y is [rows, cols] */
  void (*bias_add)         (InkBackend *be, float *y, const float *b, int rows, int cols);
  /* db[j] = beta·db[j] + Σ_i dY[i,j] */
  void (*col_sum)          (InkBackend *be, const float *dy, int rows, int cols, float beta, float *db);
  /* in place a = f(a) over n values (not for SOFTMAX) */
  void (*act_forward)      (InkBackend *be, InkActivation act, float slope, float *a, gsize n);
  /* da *= f'(.) expressed through the output a (sigmoid a(1-a), tanh 1-a², relu a>0,
   * leaky a>0 ? 1 : slope, identity 1) */
  void (*act_backward)     (InkBackend *be, InkActivation act, float slope, const float *a, float *da, gsize n);
  /* inverted dropout: mask[i] = (ink_hash_uniform (seed, stream, i) >= p) / (1-p);
   * a[i] *= mask[i].  p in [0,1). */
  void (*dropout_forward)  (InkBackend *be, float *a, float *mask, gsize n, float p,
                            guint64 seed, guint64 stream);
  /* x[i] *= m[i] */
  void (*mul)              (InkBackend *be, float *x, const float *m, gsize n);
  /* row-wise softmax in place, [rows, cols] */
  void (*softmax)          (InkBackend *be, float *y, int rows, int cols);

  /* Loss over a batch.  out [B, C] is the raw output of the last layer (logits
   * for CROSS_ENTROPY: softmax is applied in place, so out holds probabilities
   * afterwards).  labels: backend memory, B int32 values.
   * d_out (may be NULL): gradient of the batch-mean loss w.r.t. out (pre-softmax
   * for CROSS_ENTROPY: (p - y)/B; for MSE: 2(out - y)/(B·C)).
   * acc (backend memory, 2 doubles): acc[0] += Σ_samples per-sample loss
   * (xent: -log max(p_y, 1e-30); mse: Σ_c (out-y)² / C); acc[1] += #(argmax == label). */
  void (*loss)             (InkBackend *be, InkLoss loss, float *out, const gint32 *labels,
                            int batch, int classes, float *d_out, double *acc);

  /* one optimizer update of n values (see InkOptParams) */
  void (*update)           (InkBackend *be, const InkOptParams *p, float *w, const float *g,
                            float *state1, float *state2, gsize n, int row_len);

  /* dataset resident on the backend (uploaded once).  A backend may keep
   * referring to the host arrays (the CPU does): they must outlive the
   * returned InkDevData. */
  InkDevData *(*data_upload) (InkBackend *be, const guint8 *images, const guint8 *labels,
                              guint n, guint dim, GError **error);
  void        (*data_free)   (InkBackend *be, InkDevData *data);
  /* X[r, :] = images[idx[r]] · aff.scale + aff.shift; labels_out[r] = labels[idx[r]].
   * idx is backend memory (uploaded with upload()); rows = batch size. */
  void        (*gather)      (InkBackend *be, const InkDevData *data, const guint32 *idx,
                              int rows, InkAffine aff, float *x, gint32 *labels_out);

  /* The image layers, as ink-layers-cpu.h defines them (same arguments,
   * same results up to rounding, the same argmax ties); every pointer is
   * backend memory.  conv2d's workspace `col` holds conv2d_workspace (g,
   * max_batch) floats, which the backend sizes for itself (the CPU's
   * ink_conv2d_col_size; the CUDA backend lowers more samples at a time);
   * forward and backward then take any batch up to max_batch. */
  gsize (*conv2d_workspace)    (InkBackend *be, const InkConvGeom *g, int max_batch);
  void  (*conv2d_forward)      (InkBackend *be, const InkConvGeom *g, int batch,
                                const float *x, const float *w, const float *b,
                                float *y, float *col, gsize col_floats);
  /* dw, db overwritten; dx (may be NULL) overwritten */
  void  (*conv2d_backward)     (InkBackend *be, const InkConvGeom *g, int batch,
                                const float *x, const float *w, const float *dy,
                                float *dw, float *db, float *dx, float *col, gsize col_floats);
  /* size × size windows every stride pixels; argmax: per output, the index of
   * its input within the channel plane, the first of equal maxima in
   * row-major window order; dx overwritten */
  void  (*max_pool_forward)    (InkBackend *be, int channels, int height, int width,
                                int size, int stride, int batch,
                                const float *x, float *y, gint32 *argmax);
  void  (*max_pool_backward)   (InkBackend *be, int channels, int height, int width,
                                int size, int stride, int batch,
                                const float *dy, const gint32 *argmax, float *dx);
  void  (*avg_pool_forward)    (InkBackend *be, int channels, int height, int width,
                                int size, int stride, int batch,
                                const float *x, float *y);
  void  (*avg_pool_backward)   (InkBackend *be, int channels, int height, int width,
                                int size, int stride, int batch,
                                const float *dy, float *dx);
  /* per channel over batch·spatial values; training: the batch's mean and
   * biased variance normalize and running = momentum·running + (1 -
   * momentum)·statistic (the variance unbiased); evaluation: the running
   * statistics normalize.  xhat [batch·channels·spatial] and inv_std
   * [channels] are kept for the backward pass. */
  void  (*batch_norm_forward)  (InkBackend *be, int batch, int channels, int spatial,
                                const float *x, const float *gamma, const float *beta,
                                float epsilon, gboolean training, float momentum,
                                float *running_mean, float *running_var,
                                float *y, float *xhat, float *inv_std);
  /* dgamma, dbeta overwritten; dx (may be NULL) overwritten */
  void  (*batch_norm_backward) (InkBackend *be, int batch, int channels, int spatial,
                                const float *dy, const float *xhat, const float *inv_std,
                                const float *gamma, gboolean training,
                                float *dx, float *dgamma, float *dbeta);

  /* Optional extras, NULL where a backend has none (the CPU backend leaves
   * them all NULL).  They reach the CUDA backend, which lives in a module
   * loaded at run time, without linking CUDA; ink-backend-cuda.h wraps them. */

  /* GEMMs in TF32 tensor-op math (TRUE) or exact FP32 (FALSE) */
  void     (*set_tf32)     (InkBackend *be, gboolean enable);
  gboolean (*get_tf32)     (InkBackend *be);
  /* free and total device memory in bytes; FALSE when the query failed */
  gboolean (*mem_info)     (InkBackend *be, gsize *free_bytes, gsize *total_bytes);

  /* TRUE: conv2d takes InkConvGeom.src_blocked / dst_blocked (the CPU
   * backend, whose oneDNN kernels want nChw16c: a training pass then keeps
   * the tensors between two convolutions in that order, without the
   * reorders to NCHW and back) */
  gboolean   conv_blocked;
  /* TRUE: conv2d_forward applies ReLU itself when InkConvGeom.relu */
  gboolean   conv_relu;
  /* max pooling of an nChw16c input (a convolution's output in such a pass):
   * y and argmax in NCHW; backward writes dx in nChw16c.  NULL: none. */
  void     (*max_pool_forward_blocked)  (InkBackend *be, int channels, int height, int width,
                                         int size, int stride, int batch, const float *x,
                                         float *y, gint32 *argmax);
  void     (*max_pool_backward_blocked) (InkBackend *be, int channels, int height, int width,
                                         int size, int stride, int batch, const float *dy,
                                         const gint32 *argmax, float *dx);
};

struct _InkBackend
{
  const InkBackendOps *ops;
  gpointer             ctx;
  char                *device_name;   /* human-readable, e.g. "CPU (OpenBLAS SkylakeX, 2 threads)" */
};

#define INK_BACKEND_ERROR (ink_backend_error_quark ())
GQuark ink_backend_error_quark (void);

typedef enum
{
  INK_BACKEND_ERROR_UNKNOWN,      /* not one of "cpu", "cuda", "auto" */
  INK_BACKEND_ERROR_UNAVAILABLE,  /* not compiled in, or no usable device */
  INK_BACKEND_ERROR_NO_MEMORY,    /* an allocation failed */
  INK_BACKEND_ERROR_FAILED,       /* any other backend failure */
} InkBackendError;

/* "cpu", "cuda" or "auto" (cuda when usable, else cpu).  The CUDA backend is
 * a module (libinkling-cuda.so) opened on first use, from $INKLING_CUDA_MODULE
 * when set, else from the build tree when it is there, else from
 * LIBDIR/inkling; when it cannot be loaded, "cuda" fails with
 * INK_BACKEND_ERROR_UNAVAILABLE and "auto" picks the CPU. */
InkBackend *ink_backend_new          (const char  *name,
                                      GError     **error);
void        ink_backend_free         (InkBackend  *be);
/* TRUE when this build made the CUDA module (it may still fail to load) */
gboolean    ink_backend_cuda_compiled (void);
/* TRUE when the CUDA module loads and a backend can be created on a usable
 * device (one is created and freed); otherwise FALSE with the reason, the
 * same error ink_backend_new ("cuda") would give. */
gboolean    ink_backend_cuda_available (GError **error);

/* The same question asked once per process, off the caller's thread:
 * loading the CUDA module and creating a context takes a while, so the
 * first call probes on a worker thread and every later one completes with
 * the answer kept (thread-safe; callbacks run in the caller's thread-
 * default main context).  _finish: TRUE when a GPU is usable, with
 * *description (may be NULL; free with g_free) its backend's device name;
 * FALSE with ink_backend_cuda_available's error (the reason) otherwise, or
 * with G_IO_ERROR_CANCELLED when cancellable was cancelled first (the
 * probe itself runs on and its answer is kept). */
void        ink_backend_probe_gpu_async  (GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    ink_backend_probe_gpu_finish (GAsyncResult        *result,
                                          char               **description,
                                          GError             **error);

/* implementations */
InkBackend *ink_backend_cpu_new      (void);

/* The interface between ink-backend.c and the CUDA module, which exports
 *   guint        ink_cuda_module_abi    (void);            returns INK_BACKEND_MODULE_ABI
 *   InkBackend  *ink_cuda_module_create (GError **error);
 * Bump INK_BACKEND_MODULE_ABI whenever InkBackend, InkBackendOps or a type
 * they pass (InkConvGeom, InkOptParams, InkAffine) change, so that a stale
 * installed module is refused rather than misread.
 * 3: the image layers (conv2d, pooling, batch norm) joined the table.
 * 4: InkConvGeom's src_blocked/dst_blocked/relu, InkBackendOps.conv_blocked,
 *    conv_relu and the blocked max pooling. */
#define INK_BACKEND_MODULE_ABI 4

/* Typed helpers over ops->alloc/free for the common case. */
static inline float *
ink_backend_alloc_floats (InkBackend *be, gsize n, GError **error)
{
  return (float *) be->ops->alloc (be, n * sizeof (float), error);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkBackend, ink_backend_free)

G_END_DECLS
