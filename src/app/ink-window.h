/* ink-window.h
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

/* The main window of the workbench. */

#pragma once

#include <adwaita.h>
#include "ink-application.h"
#include "ink-run.h"

G_BEGIN_DECLS

#define INK_TYPE_WINDOW (ink_window_get_type ())
G_DECLARE_FINAL_TYPE (InkWindow, ink_window, INK, WINDOW, AdwApplicationWindow)

InkWindow *ink_window_new           (InkApplication *app);
/* a model (.safetensors) or an experiment (.json) */
void       ink_window_open_file     (InkWindow      *self,
                                     GFile          *file);
gboolean   ink_window_load_model    (InkWindow      *self,
                                     const char     *path,
                                     GError        **error);

/* for tests and the screenshot script */
InkRun    *ink_window_get_run       (InkWindow      *self);
GtkWidget *ink_window_get_page      (InkWindow      *self,
                                     const char     *name);   /* design, train, features, draw, evaluate, runs */
void       ink_window_set_data_dir  (InkWindow      *self,
                                     const char     *dir);
void       ink_window_set_ledger_root (InkWindow    *self,
                                     const char     *root);
gboolean   ink_window_has_data      (InkWindow      *self);

G_END_DECLS
