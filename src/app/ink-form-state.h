/* ink-form-state.h
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

/* What the Design page's forms (the layer editor, the training form, the
 * page itself) share as GObjects: the "valid" and "summary" properties
 * and the "changed" signal, and notifying them only on a change. */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* "valid" (boolean) and "summary" (string): read-only, notified explicitly */
GParamSpec *ink_form_valid_pspec   (void);
GParamSpec *ink_form_summary_pspec (void);
/* "changed" (run last, no arguments): an edit */
guint       ink_form_changed_new   (GType        type);

/* Stores valid in *field and notifies pspec when it changed. */
void        ink_form_set_valid     (GObject     *object,
                                    gboolean    *field,
                                    gboolean     valid,
                                    GParamSpec  *pspec);
/* Takes summary: stores it in *field and notifies pspec when it differs
 * from what was there, else frees it. */
void        ink_form_set_summary   (GObject     *object,
                                    char       **field,
                                    char        *summary,
                                    GParamSpec  *pspec);

G_END_DECLS
