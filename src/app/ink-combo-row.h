/* ink-combo-row.h
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

/* Combo rows whose chosen value is never cut short.  libadwaita 1.2's own
 * item label ellipsizes, and in a narrow window a row with a long subtitle
 * shrinks its value to "…"; with this factory the value keeps its width
 * and the title and subtitle wrap instead.  The items must be
 * GtkStringObjects (a GtkStringList model). */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void ink_combo_row_show_whole_value (AdwComboRow *row);

G_END_DECLS
