/* ink-augment.h
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


/* On-the-fly distortion of training images. */

#pragma once

#include <glib.h>
#include "ink-backend.h"
#include "ink-dataset.h"

G_BEGIN_DECLS

/* On-the-fly distortion of training images (uint8, rows×cols), applied when
 * a training batch is gathered and before the normalization.  Per sample,
 * with probability `probability`:
 *   - a shift by whole pixels, dx and dy each uniform in [-shift, shift];
 *   - a rotation about the image centre ((cols-1)/2, (rows-1)/2) by an angle
 *     uniform in [-rotate, rotate] degrees (positive: counter-clockwise as
 *     displayed, y pointing down);
 *   - a change of size about the same centre by a factor k uniform in
 *     [1 - scale, 1 + scale] (k > 1 enlarges the digit);
 *   - an elastic distortion (Simard et al. 2003): two fields of independent
 *     uniform [-1, 1] displacements, each smoothed by a Gaussian of standard
 *     deviation elastic_sigma pixels (normalized kernel, mirrored borders)
 *     and scaled by elastic_alpha.
 * The four are composed into one backward mapping, sampled once with
 * bilinear interpolation (zero outside the image):
 *   out(p) = in (R⁻¹·(p + d(p) − c) / k + c − s)
 * Every random draw comes from an InkRng seeded by ink_hash64 of (seed,
 * epoch, sample index), so a sample's distortion does not depend on the
 * batch it falls in, on other samples or on any global state.  The draws
 * come in the order probability, shift, angle, size, elastic field, each
 * only when its distortion is on, so a spec without a change of size draws
 * what it drew before there was one. */
#define INK_AUGMENT_MAX_SHIFT 32
#define INK_AUGMENT_MAX_SCALE 0.5f

typedef struct
{
  guint shift;          /* pixels, 0 = off, at most INK_AUGMENT_MAX_SHIFT */
  float rotate;         /* degrees in [0, 180], 0 = off */
  float scale;          /* relative change of size in [0, INK_AUGMENT_MAX_SCALE], 0 = off */
  float elastic_alpha;  /* pixels, 0 = off */
  float elastic_sigma;  /* pixels, > 0 */
  float probability;    /* in [0, 1]: the chance that a sample is distorted */
} InkAugmentSpec;

/* off: shift 0, rotate 0, scale 0, alpha 0, sigma 4, probability 1 */
void      ink_augment_spec_defaults   (InkAugmentSpec       *spec);
/* TRUE when some sample may be changed */
gboolean  ink_augment_spec_enabled    (const InkAugmentSpec *spec);
/* TRUE when every field has its default value */
gboolean  ink_augment_spec_is_default (const InkAugmentSpec *spec);

/* The deterministic core: transforms `in` with explicit parameters.
 * disp_x / disp_y (rows·cols each, may be NULL) are the elastic
 * displacements already smoothed and scaled.  out: rows·cols floats in pixel
 * units (0..255).  zoom is the size factor k (1 = unchanged).  Sample
 * coordinates within 1e-4 of a whole number are snapped to it, so
 * whole-pixel shifts and quarter turns are exact. */
void      ink_augment_transform       (const guint8 *in,
                                       guint         rows,
                                       guint         cols,
                                       int           dx,
                                       int           dy,
                                       double        angle_deg,
                                       double        zoom,
                                       const float  *disp_x,
                                       const float  *disp_y,
                                       float        *out);

typedef struct _InkAugmenter InkAugmenter;

InkAugmenter *ink_augmenter_new   (const InkAugmentSpec *spec,
                                   guint                 rows,
                                   guint                 cols,
                                   guint64               seed);
void          ink_augmenter_free  (InkAugmenter *aug);

/* One sample: out (rows·cols floats, pixel units) is a pure function of the
 * augmenter's (spec, seed) and (epoch, index, in).  Not thread-safe (the
 * augmenter holds scratch space); use one augmenter per thread. */
void          ink_augmenter_apply     (InkAugmenter *aug,
                                       guint64       epoch,
                                       guint64       index,
                                       const guint8 *in,
                                       float        *out);
/* the same, rounded to the nearest uint8 */
void          ink_augmenter_apply_u8  (InkAugmenter *aug,
                                       guint64       epoch,
                                       guint64       index,
                                       const guint8 *in,
                                       guint8       *out);
/* A batch on the host, as the backend's gather does but distorted:
 * x[r, :] = augment (images[idx[r]]) · aff.scale + aff.shift and
 * labels[r] = ds->labels[idx[r]] (labels may be NULL).  The sample index
 * passed to the augmentation is idx[r]. */
void          ink_augmenter_gather    (InkAugmenter     *aug,
                                       guint64           epoch,
                                       const InkDataset *ds,
                                       const guint32    *idx,
                                       int               rows,
                                       InkAffine         aff,
                                       float            *x,
                                       gint32           *labels);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkAugmenter, ink_augmenter_free)

G_END_DECLS
