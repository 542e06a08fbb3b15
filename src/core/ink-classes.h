/* ink-classes.h
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

/* The names of a dataset's ten classes. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define INK_N_CLASSES 10

/* The names of the ten classes of a dataset as the experiment names it
 * ("mnist", "fashion-mnist" or a folder): Fashion-MNIST's clothing
 * ("T-shirt/top" … "Ankle boot") for "fashion-mnist" and for a folder that
 * holds it (Debian's /usr/share/datasets/fashion-mnist, the per-user
 * datasets/fashion-mnist, any folder whose name says "fashion"); the digits
 * "0" … "9" otherwise (NULL included).  Static strings, translated. */
const char * const *ink_class_names       (const char *dataset);
/* TRUE when the classes are the digits 0 … 9 */
gboolean            ink_classes_are_digits (const char *dataset);

G_END_DECLS
