/* ink-application.h
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

/* The workbench's AdwApplication and its settings. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define INK_TYPE_APPLICATION (ink_application_get_type ())
G_DECLARE_FINAL_TYPE (InkApplication, ink_application, INK, APPLICATION, AdwApplication)

InkApplication *ink_application_new          (void);
/* NULL when the schema is not installed (running from the build tree without
 * GSETTINGS_SCHEMA_DIR): settings are then not kept */
GSettings      *ink_application_get_settings (InkApplication *self);

G_END_DECLS
