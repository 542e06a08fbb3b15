/* ink-markup.c
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

/* Escaping text for the libadwaita widgets that read markup. */

#include "config.h"

#include "ink-markup.h"

char *
ink_markup_escape (const char *text)
{
  return g_markup_escape_text (text ? text : "", -1);
}

AdwToast *
ink_toast_new_plain (const char *text,
                     guint       timeout)
{
  g_autofree char *escaped = ink_markup_escape (text);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, timeout);
  return toast;
}

void
ink_toast_add_plain (AdwToastOverlay *overlay,
                     const char      *text,
                     guint            timeout)
{
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  adw_toast_overlay_add_toast (overlay, ink_toast_new_plain (text, timeout));
}

void
ink_row_set_plain_subtitle (AdwActionRow *row,
                            const char   *text)
{
  g_autofree char *escaped = ink_markup_escape (text);

  g_return_if_fail (ADW_IS_ACTION_ROW (row));
  adw_action_row_set_subtitle (row, escaped);
}
