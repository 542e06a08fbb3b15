/* ink-markup.h
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

/* Helpers for the libadwaita widgets that read their text as Pango
 * markup. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* libadwaita 1.2 reads these as Pango markup: toast titles, the titles and
 * subtitles of preferences rows (action, combo, expander rows), status page
 * descriptions, preferences group titles and descriptions.  A text that is
 * not markup ("R&D exp.json", "expected '<'", a path) must go through here,
 * or the widget shows nothing at all (and GTK warns). */

/* text as markup that shows it literally; NULL gives "" */
char     *ink_markup_escape        (const char *text);

/* a toast showing plain text (escaped), with a timeout in seconds */
AdwToast *ink_toast_new_plain      (const char *text,
                                    guint       timeout);
void      ink_toast_add_plain      (AdwToastOverlay *overlay,
                                    const char      *text,
                                    guint            timeout);

/* a row's subtitle as plain text */
void      ink_row_set_plain_subtitle (AdwActionRow *row,
                                      const char   *text);

G_END_DECLS
