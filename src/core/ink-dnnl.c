/* ink-dnnl.c
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

/* oneDNN convolution primitives for one geometry and batch: one CPU engine
 * and stream for the process, then per primitive its tensors as plain
 * memory objects pointed at the caller's arrays on each call, and, where the
 * primitive chose another layout, a memory of that layout with the reorder
 * between the two. */

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <oneapi/dnnl/dnnl.h>

#include "ink-dnnl.h"

#define MAX_ARGS 5
#define ARENA_ALIGN(n) (((n) + 63) & ~(gsize) 63)

typedef struct
{
  int              arg;        /* DNNL_ARG_* */
  gboolean         output;
  dnnl_memory_t    user;       /* plain layout, the caller's array */
  dnnl_memory_t    inner;      /* the primitive's layout, or NULL: user as is;
                                * its data lies in the caller's arena */
  gsize            inner_bytes;
  dnnl_primitive_t reorder;    /* user → inner (input) or inner → user (output) */
} Arg;

typedef struct
{
  dnnl_primitive_t prim;
  char            *impl;
  Arg              args[MAX_ARGS];
  int              n_args;
} Prim;

struct _InkDnnlConv
{
  InkConvGeom g;
  int         batch;
  Prim        fwd;
  Prim        bwd_data;        /* prim NULL without with_dx */
  Prim        bwd_weights;
};

static dnnl_engine_t engine;
static dnnl_stream_t stream;

static gpointer
engine_init (gpointer data)
{
  if (dnnl_engine_create (&engine, dnnl_cpu, 0) != dnnl_success)
    return GINT_TO_POINTER (FALSE);
  if (dnnl_stream_create (&stream, engine, dnnl_stream_default_flags) != dnnl_success)
    return GINT_TO_POINTER (FALSE);
  return GINT_TO_POINTER (TRUE);
}

static gboolean
ensure_engine (void)
{
  static GOnce once = G_ONCE_INIT;

  return GPOINTER_TO_INT (g_once (&once, engine_init, NULL));
}

static void
prim_clear (Prim *p)
{
  for (int i = 0; i < p->n_args; i++)
    {
      Arg *a = &p->args[i];

      if (a->reorder != NULL)
        dnnl_primitive_destroy (a->reorder);
      if (a->inner != NULL)
        dnnl_memory_destroy (a->inner);
      if (a->user != NULL)
        dnnl_memory_destroy (a->user);
    }
  if (p->prim != NULL)
    dnnl_primitive_destroy (p->prim);
  g_free (p->impl);
  memset (p, 0, sizeof *p);
}

/* one tensor of p: plain is the caller's layout, want the one pd chose */
static gboolean
prim_add_arg (Prim                     *p,
              int                       arg,
              gboolean                  output,
              const dnnl_memory_desc_t *plain,
              const dnnl_memory_desc_t *want)
{
  Arg *a = &p->args[p->n_args++];
  dnnl_primitive_desc_t rpd = NULL;
  dnnl_status_t st;

  g_assert (p->n_args <= MAX_ARGS);
  a->arg = arg;
  a->output = output;
  if (dnnl_memory_create (&a->user, plain, engine, DNNL_MEMORY_NONE) != dnnl_success)
    return FALSE;
  if (want == NULL || dnnl_memory_desc_equal (plain, want))
    return TRUE;
  if (dnnl_memory_create (&a->inner, want, engine, DNNL_MEMORY_NONE) != dnnl_success)
    return FALSE;
  a->inner_bytes = ARENA_ALIGN (dnnl_memory_desc_get_size (want));
  if (output)
    st = dnnl_reorder_primitive_desc_create (&rpd, want, engine, plain, engine, NULL);
  else
    st = dnnl_reorder_primitive_desc_create (&rpd, plain, engine, want, engine, NULL);
  if (st != dnnl_success)
    return FALSE;
  st = dnnl_primitive_create (&a->reorder, rpd);
  dnnl_primitive_desc_destroy (rpd);
  return st == dnnl_success;
}

/* bytes of arena one call of p needs */
static gsize
prim_arena (const Prim *p)
{
  gsize n = 0;

  for (int i = 0; i < p->n_args; i++)
    n += p->args[i].inner_bytes;
  return n;
}

static gboolean
prim_create (Prim                  *p,
             dnnl_primitive_desc_t  pd)
{
  const char *impl = NULL;

  dnnl_primitive_desc_query (pd, dnnl_query_impl_info_str, 0, &impl);
  p->impl = g_strdup (impl != NULL ? impl : "?");
  return dnnl_primitive_create (&p->prim, pd) == dnnl_success;
}

/* a failing primitive leaves its output unwritten: loud, as a bug would be */
static void
check (dnnl_status_t  st,
       const char    *what)
{
  if (st != dnnl_success)
    g_critical ("oneDNN %s failed (status %d)", what, (int) st);
}

static void
exec2 (dnnl_primitive_t prim,
       dnnl_memory_t    from,
       dnnl_memory_t    to)
{
  dnnl_exec_arg_t args[2] = { { DNNL_ARG_FROM, from }, { DNNL_ARG_TO, to } };

  check (dnnl_primitive_execute (prim, stream, 2, args), "reorder");
}

/* ptrs: the caller's arrays in the order the args were added; at[i]: where
 * arg i's copy in the primitive's layout lies (used only for args that have
 * one); skip: an arg whose input copy is already there (bit i) */
static void
prim_run (Prim        *p,
          void *const *ptrs,
          char *const *at,
          guint        skip)
{
  dnnl_exec_arg_t args[MAX_ARGS];

  for (int i = 0; i < p->n_args; i++)
    {
      Arg *a = &p->args[i];

      dnnl_memory_set_data_handle (a->user, ptrs[i]);
      if (a->inner != NULL)
        dnnl_memory_set_data_handle (a->inner, at[i]);
      if (!a->output && a->reorder != NULL && !(skip & (1u << i)))
        exec2 (a->reorder, a->user, a->inner);
      args[i].arg = a->arg;
      args[i].memory = a->inner != NULL ? a->inner : a->user;
    }
  check (dnnl_primitive_execute (p->prim, stream, p->n_args, args), p->impl);
  for (int i = 0; i < p->n_args; i++)
    {
      Arg *a = &p->args[i];

      if (a->output && a->reorder != NULL)
        exec2 (a->reorder, a->inner, a->user);
    }
  check (dnnl_stream_wait (stream), "stream");
}

/* The backward arena: [diff_dst][src of backward-weights, or diff_src of
 * backward-data before it][weights or their gradient].  Backward-data runs
 * first and leaves diff_dst in place for backward-weights when both want
 * it in the same layout. */
enum { BD_DIFF_DST, BD_WEIGHTS, BD_DIFF_SRC };
enum { BW_SRC, BW_DIFF_DST, BW_DIFF_WEIGHTS, BW_DIFF_BIAS };

typedef struct
{
  gsize ddst, mid, weights;
} BackLayout;

static BackLayout
back_layout (const InkDnnlConv *c)
{
  const Arg *bw = c->bwd_weights.args;
  const Arg *bd = c->bwd_data.args;
  BackLayout l;

  l.ddst = bw[BW_DIFF_DST].inner_bytes;
  l.mid = bw[BW_SRC].inner_bytes;
  l.weights = bw[BW_DIFF_WEIGHTS].inner_bytes + bw[BW_DIFF_BIAS].inner_bytes;
  if (c->bwd_data.prim != NULL)
    {
      l.ddst = MAX (l.ddst, bd[BD_DIFF_DST].inner_bytes);
      l.mid = MAX (l.mid, bd[BD_DIFF_SRC].inner_bytes);
      l.weights = MAX (l.weights, bd[BD_WEIGHTS].inner_bytes);
    }
  return l;
}

static gboolean
same_layout (const Arg *a,
             const Arg *b)
{
  const dnnl_memory_desc_t *ma = NULL, *mb = NULL;

  if (a->inner == NULL || b->inner == NULL)
    return FALSE;
  dnnl_memory_get_memory_desc (a->inner, &ma);
  dnnl_memory_get_memory_desc (b->inner, &mb);
  return dnnl_memory_desc_equal (ma, mb);
}

#define QMD(pd, what, i) dnnl_primitive_desc_query_md ((pd), (what), (i))

InkDnnlConv *
ink_dnnl_conv_new (const InkConvGeom  *g,
                   int                 batch,
                   InkDnnlLayout       layout,
                   gboolean            with_dx,
                   GError            **error)
{
  InkDnnlConv *c;
  dnnl_memory_desc_t src, wei, bias, dst, src_a, wei_a, dst_a;
  dnnl_convolution_desc_t fwd_d, bd_d, bw_d;
  dnnl_primitive_desc_t fwd_pd = NULL, bd_pd = NULL, bw_pd = NULL;
  dnnl_primitive_attr_t fwd_attr = NULL;
  dnnl_post_ops_t relu_ops = NULL;
  dnnl_dims_t src_dims = { batch, g->channels, g->height, g->width };
  dnnl_dims_t wei_dims = { g->filters, g->channels, g->kernel_h, g->kernel_w };
  dnnl_dims_t bias_dims = { g->filters };
  dnnl_dims_t dst_dims = { batch, g->filters, g->out_h, g->out_w };
  dnnl_dims_t strides = { g->stride, g->stride };
  dnnl_dims_t pad_l = { g->pad_top, g->pad_left };
  /* what is left below and right of the last window (negative: input
   * rows/columns that no window reaches) */
  dnnl_dims_t pad_r = { (g->out_h - 1) * g->stride + g->kernel_h - g->height - g->pad_top,
                        (g->out_w - 1) * g->stride + g->kernel_w - g->width - g->pad_left };
  dnnl_format_tag_t act_tag = layout == INK_DNNL_BLOCKED ? dnnl_format_tag_any : dnnl_nchw;
  dnnl_format_tag_t wei_tag = layout == INK_DNNL_BLOCKED ? dnnl_format_tag_any : dnnl_oihw;
  const char *failed = NULL;

  g_return_val_if_fail (g != NULL && batch >= 1, NULL);

  if (!ensure_engine ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "oneDNN has no CPU engine");
      return NULL;
    }

  c = g_new0 (InkDnnlConv, 1);
  c->g = *g;
  c->batch = batch;

  /* the caller's tensors: NCHW, or nChw16c where the geometry says so */
  dnnl_memory_desc_init_by_tag (&src, 4, src_dims, dnnl_f32,
                                g->src_blocked ? dnnl_nChw16c : dnnl_nchw);
  dnnl_memory_desc_init_by_tag (&wei, 4, wei_dims, dnnl_f32, dnnl_oihw);
  dnnl_memory_desc_init_by_tag (&bias, 1, bias_dims, dnnl_f32, dnnl_x);
  dnnl_memory_desc_init_by_tag (&dst, 4, dst_dims, dnnl_f32,
                                g->dst_blocked ? dnnl_nChw16c : dnnl_nchw);
  dnnl_memory_desc_init_by_tag (&src_a, 4, src_dims, dnnl_f32, act_tag);
  dnnl_memory_desc_init_by_tag (&wei_a, 4, wei_dims, dnnl_f32, wei_tag);
  dnnl_memory_desc_init_by_tag (&dst_a, 4, dst_dims, dnnl_f32, act_tag);

  /* forward, with ReLU as a post-op where the geometry asks for it */
  if (g->relu &&
      (dnnl_post_ops_create (&relu_ops) != dnnl_success ||
       dnnl_post_ops_append_eltwise (relu_ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f) != dnnl_success ||
       dnnl_primitive_attr_create (&fwd_attr) != dnnl_success ||
       dnnl_primitive_attr_set_post_ops (fwd_attr, relu_ops) != dnnl_success))
    {
      failed = "forward (ReLU post-op)";
      goto fail;
    }
  if (dnnl_convolution_forward_desc_init (&fwd_d, dnnl_forward_training, dnnl_convolution_direct,
                                          &src_a, &wei_a, &bias, &dst_a,
                                          strides, pad_l, pad_r) != dnnl_success ||
      dnnl_primitive_desc_create (&fwd_pd, &fwd_d, fwd_attr, engine, NULL) != dnnl_success ||
      !prim_create (&c->fwd, fwd_pd) ||
      !prim_add_arg (&c->fwd, DNNL_ARG_SRC, FALSE, &src, QMD (fwd_pd, dnnl_query_src_md, 0)) ||
      !prim_add_arg (&c->fwd, DNNL_ARG_WEIGHTS, FALSE, &wei, QMD (fwd_pd, dnnl_query_weights_md, 0)) ||
      !prim_add_arg (&c->fwd, DNNL_ARG_BIAS, FALSE, &bias, QMD (fwd_pd, dnnl_query_weights_md, 1)) ||
      !prim_add_arg (&c->fwd, DNNL_ARG_DST, TRUE, &dst, QMD (fwd_pd, dnnl_query_dst_md, 0)))
    {
      failed = "forward";
      goto fail;
    }

  /* backward data */
  if (with_dx &&
      (dnnl_convolution_backward_data_desc_init (&bd_d, dnnl_convolution_direct, &src_a, &wei_a,
                                                 &dst_a, strides, pad_l, pad_r) != dnnl_success ||
       dnnl_primitive_desc_create (&bd_pd, &bd_d, NULL, engine, fwd_pd) != dnnl_success ||
       !prim_create (&c->bwd_data, bd_pd) ||
       !prim_add_arg (&c->bwd_data, DNNL_ARG_DIFF_DST, FALSE, &dst,
                      QMD (bd_pd, dnnl_query_diff_dst_md, 0)) ||
       !prim_add_arg (&c->bwd_data, DNNL_ARG_WEIGHTS, FALSE, &wei,
                      QMD (bd_pd, dnnl_query_weights_md, 0)) ||
       !prim_add_arg (&c->bwd_data, DNNL_ARG_DIFF_SRC, TRUE, &src,
                      QMD (bd_pd, dnnl_query_diff_src_md, 0))))
    {
      failed = "backward-data";
      goto fail;
    }

  /* backward weights (and bias) */
  if (dnnl_convolution_backward_weights_desc_init (&bw_d, dnnl_convolution_direct, &src_a, &wei_a,
                                                   &bias, &dst_a, strides, pad_l,
                                                   pad_r) != dnnl_success ||
      dnnl_primitive_desc_create (&bw_pd, &bw_d, NULL, engine, fwd_pd) != dnnl_success ||
      !prim_create (&c->bwd_weights, bw_pd) ||
      !prim_add_arg (&c->bwd_weights, DNNL_ARG_SRC, FALSE, &src, QMD (bw_pd, dnnl_query_src_md, 0)) ||
      !prim_add_arg (&c->bwd_weights, DNNL_ARG_DIFF_DST, FALSE, &dst,
                     QMD (bw_pd, dnnl_query_diff_dst_md, 0)) ||
      !prim_add_arg (&c->bwd_weights, DNNL_ARG_DIFF_WEIGHTS, TRUE, &wei,
                     QMD (bw_pd, dnnl_query_diff_weights_md, 0)) ||
      !prim_add_arg (&c->bwd_weights, DNNL_ARG_DIFF_BIAS, TRUE, &bias,
                     QMD (bw_pd, dnnl_query_diff_weights_md, 1)))
    {
      failed = "backward-weights";
      goto fail;
    }

  dnnl_primitive_desc_destroy (fwd_pd);
  if (bd_pd != NULL)
    dnnl_primitive_desc_destroy (bd_pd);
  dnnl_primitive_desc_destroy (bw_pd);
  if (fwd_attr != NULL)
    dnnl_primitive_attr_destroy (fwd_attr);
  if (relu_ops != NULL)
    dnnl_post_ops_destroy (relu_ops);
  return c;

fail:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "oneDNN has no %s convolution for %d×%d×%d → %d×%d×%d (kernel %d×%d, stride %d)",
               failed, g->channels, g->height, g->width, g->filters, g->out_h, g->out_w,
               g->kernel_h, g->kernel_w, g->stride);
  if (fwd_pd != NULL)
    dnnl_primitive_desc_destroy (fwd_pd);
  if (bd_pd != NULL)
    dnnl_primitive_desc_destroy (bd_pd);
  if (bw_pd != NULL)
    dnnl_primitive_desc_destroy (bw_pd);
  if (fwd_attr != NULL)
    dnnl_primitive_attr_destroy (fwd_attr);
  if (relu_ops != NULL)
    dnnl_post_ops_destroy (relu_ops);
  ink_dnnl_conv_free (c);
  return NULL;
}

void
ink_dnnl_conv_free (InkDnnlConv *c)
{
  if (c == NULL)
    return;
  prim_clear (&c->fwd);
  prim_clear (&c->bwd_data);
  prim_clear (&c->bwd_weights);
  g_free (c);
}

gsize
ink_dnnl_conv_arena_size (InkDnnlConv *c)
{
  BackLayout l = back_layout (c);

  return MAX (prim_arena (&c->fwd), l.ddst + l.mid + l.weights);
}

char *
ink_dnnl_conv_describe (InkDnnlConv *c)
{
  return g_strdup_printf ("forward %s, backward-data %s, backward-weights %s",
                          c->fwd.impl, c->bwd_data.prim != NULL ? c->bwd_data.impl : "(none)",
                          c->bwd_weights.impl);
}

void
ink_dnnl_conv_forward (InkDnnlConv *c,
                       const float *x,
                       const float *w,
                       const float *b,
                       float       *y,
                       void        *arena)
{
  void *const ptrs[] = { (void *) x, (void *) w, (void *) b, y };
  char *at[MAX_ARGS];
  char *next = arena;

  for (int i = 0; i < c->fwd.n_args; i++)
    {
      at[i] = next;
      next += c->fwd.args[i].inner_bytes;
    }
  prim_run (&c->fwd, ptrs, at, 0);
}

void
ink_dnnl_conv_backward (InkDnnlConv *c,
                        const float *x,
                        const float *w,
                        const float *dy,
                        float       *dw,
                        float       *db,
                        float       *dx,
                        void        *arena)
{
  BackLayout l = back_layout (c);
  char *ddst = arena, *mid = ddst + l.ddst, *wts = mid + l.mid;
  guint skip = 0;

  if (dx != NULL)
    {
      void *const dptrs[] = { (void *) dy, (void *) w, dx };
      char *const dat[] = { ddst, wts, mid };

      g_return_if_fail (c->bwd_data.prim != NULL);
      prim_run (&c->bwd_data, dptrs, dat, 0);
      if (same_layout (&c->bwd_data.args[BD_DIFF_DST], &c->bwd_weights.args[BW_DIFF_DST]))
        skip = 1u << BW_DIFF_DST;
    }
  {
    void *const wptrs[] = { (void *) x, (void *) dy, dw, db };
    char *const wat[] = { mid, ddst, wts, wts + c->bwd_weights.args[BW_DIFF_WEIGHTS].inner_bytes };

    prim_run (&c->bwd_weights, wptrs, wat, skip);
  }
}

void
ink_dnnl_conv_run_kernel (InkDnnlConv *c,
                          int          which)
{
  Prim *p = which == 0 ? &c->fwd : which == 1 ? &c->bwd_data : &c->bwd_weights;
  dnnl_exec_arg_t args[MAX_ARGS];

  g_return_if_fail (p->prim != NULL);
  for (int i = 0; i < p->n_args; i++)
    {
      args[i].arg = p->args[i].arg;
      args[i].memory = p->args[i].inner != NULL ? p->args[i].inner : p->args[i].user;
    }
  dnnl_primitive_execute (p->prim, stream, p->n_args, args);
  dnnl_stream_wait (stream);
}
