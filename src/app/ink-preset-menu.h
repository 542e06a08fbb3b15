/* ink-preset-menu.h
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

/* The Presets menu of built-in recipes. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INK_TYPE_PRESET_MENU (ink_preset_menu_get_type ())
G_DECLARE_FINAL_TYPE (InkPresetMenu, ink_preset_menu, INK, PRESET_MENU, GtkPopover)

/* The Presets menu: one row per built-in recipe, quickest first, each with
 * its name and a one-line summary (architecture, what it reproduces, the
 * accuracy and time measured on the development machine); the preset the
 * Design page started from carries a check mark (and "edited" when it was
 * changed since).  A row closes the menu and activates
 * win.load-preset('NAME').  The dense networks come first, then the
 * convolutional ones, each group under a heading ("header-dense",
 * "header-cnn").  Rows are named "preset-NAME" for tests. */
InkPresetMenu *ink_preset_menu_new          (void);
void           ink_preset_menu_set_current  (InkPresetMenu *self,
                                             const char    *name,
                                             gboolean       edited);
/* the preset marked current, or NULL */
const char    *ink_preset_menu_get_current  (InkPresetMenu *self);
/* the translated one-line summary of a preset, or NULL for an unknown one */
const char    *ink_preset_summary           (const char    *name);

G_END_DECLS
