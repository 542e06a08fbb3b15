/* ink-reflow.h
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

/* A page that reflows: wide (side by side) when the width allows, else
 * narrow (one column); the Design and Draw pages use it. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The narrowest the page gets laid out wide and laid out narrow */
typedef void (*InkReflowWidths) (GtkWidget *page,
                                 int       *wide,
                                 int       *narrow);
/* Arranges the page's content wide or narrow */
typedef void (*InkReflowApply)  (GtkWidget *page,
                                 gboolean   wide);

/* Gives page a layout manager for its one child: the child takes the whole
 * page, the page asks for no less than the narrow width, and before each
 * allocation apply says whether the wide arrangement fits. */
void ink_reflow_install (GtkWidget       *page,
                         InkReflowWidths  widths,
                         InkReflowApply   apply);

G_END_DECLS
