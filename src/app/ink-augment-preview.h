/* ink-augment-preview.h
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


/* A strip of digits distorted as the augmentation settings would (the
 * training form's preview). */

#pragma once

#include <gtk/gtk.h>
#include "ink-augment.h"

G_BEGIN_DECLS

#define INK_AUGMENT_PREVIEW_N_SAMPLES 8
#define INK_AUGMENT_PREVIEW_SIZE      28

#define INK_TYPE_AUGMENT_PREVIEW (ink_augment_preview_get_type ())
G_DECLARE_FINAL_TYPE (InkAugmentPreview, ink_augment_preview, INK, AUGMENT_PREVIEW, GtkWidget)

/* A strip of INK_AUGMENT_PREVIEW_N_SAMPLES 28×28 digits, each distorted
 * with the current augmentation settings (sample i is image i mod n of the
 * sources, augmented as training sample i of epoch 0 with the preview's
 * seed).  The sources are four synthetic digit-like strokes unless images
 * are given.  Redrawn on every change; eight tiny transforms, cheap enough
 * for the main thread. */
InkAugmentPreview *ink_augment_preview_new        (void);
/* NULL: no distortion (the sources as they are) */
void               ink_augment_preview_set_spec   (InkAugmentPreview    *self,
                                                   const InkAugmentSpec *spec);
/* n images of 28×28 uint8 pixels (copied; at most N_SAMPLES are used);
 * NULL or 0 goes back to the synthetic ones */
void               ink_augment_preview_set_images (InkAugmentPreview    *self,
                                                   const guint8         *images,
                                                   guint                 n);
/* draws new distortions (another seed) */
void               ink_augment_preview_shuffle    (InkAugmentPreview    *self);
guint64            ink_augment_preview_get_seed   (InkAugmentPreview    *self);
/* for tests: sample i (28×28 uint8) as drawn now */
const guint8      *ink_augment_preview_get_sample (InkAugmentPreview    *self,
                                                   guint                 i);

G_END_DECLS
