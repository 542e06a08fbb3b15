/* test-conv-util.h
 *
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

/* What the image-layer tests (test-conv.c, test-gpu.c) share: convolution
 * geometries as a model states them. */

#pragma once

#include <glib.h>

#include "ink-layers-cpu.h"

/* c × h × w in, f filters of kh × kw every stride pixels; same: Keras'
 * "same" padding, ceil (in / stride) outputs with the extra zero below and
 * right; else "valid", no padding */
static inline InkConvGeom
test_conv_geom (int      c,
                int      h,
                int      w,
                int      f,
                int      kh,
                int      kw,
                int      stride,
                gboolean same)
{
  InkConvGeom g = { c, h, w, f, kh, kw, stride, 0, 0, 0, 0 };

  if (same)
    {
      g.out_h = (h + stride - 1) / stride;
      g.out_w = (w + stride - 1) / stride;
      g.pad_top = MAX ((g.out_h - 1) * stride + kh - h, 0) / 2;
      g.pad_left = MAX ((g.out_w - 1) * stride + kw - w, 0) / 2;
    }
  else
    {
      g.out_h = (h - kh) / stride + 1;
      g.out_w = (w - kw) / stride + 1;
    }
  return g;
}
