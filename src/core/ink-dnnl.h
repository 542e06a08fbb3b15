/* ink-dnnl.h
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

/* Convolutions through oneDNN (libdnnl 2.6): the forward, backward-data and
 * backward-weights primitives of one geometry and batch size, created once
 * and run on plain NCHW / OIHW tensors (the layouts the rest of Inkling and
 * the model file use).  Where oneDNN's fastest kernels want blocked layouts
 * (nChw16c, OIhw16i16o, ...) the tensors are reordered into and out of
 * those layouts around each call, in an arena the caller lends. */

#pragma once

#include <glib.h>

#include "ink-layers-cpu.h"

G_BEGIN_DECLS

typedef struct _InkDnnlConv InkDnnlConv;

typedef enum
{
  INK_DNNL_PLAIN,     /* the primitives see NCHW/OIHW as they are */
  INK_DNNL_BLOCKED,   /* oneDNN picks its layouts; reorders around each call */
} InkDnnlLayout;

/* NULL with error set when oneDNN has no primitive for this geometry (or no
 * CPU engine).  with_dx: create the backward-data primitive too. */
InkDnnlConv *ink_dnnl_conv_new      (const InkConvGeom *g,
                                     int                batch,
                                     InkDnnlLayout      layout,
                                     gboolean           with_dx,
                                     GError           **error);
void         ink_dnnl_conv_free     (InkDnnlConv       *c);

/* bytes of arena (64-byte aligned) a forward or backward call needs */
gsize        ink_dnnl_conv_arena_size (InkDnnlConv     *c);

/* "fwd jit:avx512_core, bwd-data ..., bwd-weights ..." */
char        *ink_dnnl_conv_describe (InkDnnlConv       *c);

/* the same contracts as ink_conv2d_forward/backward, for exactly the batch
 * the primitives were made for (dx NULL: no input gradient; it must be
 * NULL without with_dx).  Calls on one stream of the process: callers
 * serialize them. */
void         ink_dnnl_conv_forward  (InkDnnlConv       *c,
                                     const float       *x,
                                     const float       *w,
                                     const float       *b,
                                     float             *y,
                                     void              *arena);
void         ink_dnnl_conv_backward (InkDnnlConv       *c,
                                     const float       *x,
                                     const float       *w,
                                     const float       *dy,
                                     float             *dw,
                                     float             *db,
                                     float             *dx,
                                     void              *arena);

/* For benchmarks: one primitive alone (0 forward, 1 backward-data, 2
 * backward-weights) on the tensors of the last call, without the reorders */
void         ink_dnnl_conv_run_kernel (InkDnnlConv     *c,
                                       int              which);

G_END_DECLS
