/* ink-predict.h
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

/* Preparing an arbitrary grey image or PNG the way MNIST's digits were. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* MNIST-style preprocessing of an arbitrary grey image (ink = high values):
 * crop to the bounding box of pixels above a threshold, scale the box to fit
 * 20×20 keeping the aspect ratio (area-averaging, anti-aliased), paste into
 * 28×28 so that the centre of mass lands at the centre (14,14), clamp to
 * 0..255.  grey: width·height bytes, row stride `stride`.  Returns FALSE when
 * the image holds no ink (out is then all zeros). */
gboolean ink_mnistify        (const guint8 *grey,
                              int           width,
                              int           height,
                              int           stride,
                              guint8        out[784]);

/* Loads a PNG (via cairo) of any size and converts it to grey ink: pixels are
 * composited over white, luminance taken; when the border is mostly light the
 * image is inverted (dark ink on light paper → MNIST's light ink on black).
 * Then ink_mnistify.  Errors: unreadable file, not a PNG, empty image, no ink. */
gboolean ink_png_to_mnist    (const char   *path,
                              guint8        out[784],
                              GError      **error);

G_END_DECLS
