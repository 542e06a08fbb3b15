/* ink-epoch-item.h
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

/* One epoch's record as a GObject with read-only properties. */

#pragma once

#include <glib-object.h>
#include "ink-trainer.h"

G_BEGIN_DECLS

#define INK_TYPE_EPOCH_ITEM (ink_epoch_item_get_type ())
G_DECLARE_FINAL_TYPE (InkEpochItem, ink_epoch_item, INK, EPOCH_ITEM, GObject)

/* One epoch's record, for list models.  Read-only properties: "epoch"
 * (guint), "train-loss", "valid-loss", "ratio" (train/valid loss),
 * "valid-acc" (0..1), "duration" (seconds; doubles) and "improved". */
InkEpochItem         *ink_epoch_item_new        (const InkEpochRecord *rec);
const InkEpochRecord *ink_epoch_item_get_record (InkEpochItem         *self);

G_END_DECLS
