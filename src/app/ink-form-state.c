/* ink-form-state.c
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

/* The properties and signal the Design page's forms share
 * (ink-form-state.h). */

#include "config.h"

#include "ink-form-state.h"

GParamSpec *
ink_form_valid_pspec (void)
{
  return g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

GParamSpec *
ink_form_summary_pspec (void)
{
  return g_param_spec_string ("summary", NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

guint
ink_form_changed_new (GType type)
{
  return g_signal_new ("changed", type, G_SIGNAL_RUN_LAST,
                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
ink_form_set_valid (GObject    *object,
                    gboolean   *field,
                    gboolean    valid,
                    GParamSpec *pspec)
{
  if (valid == *field)
    return;
  *field = valid;
  g_object_notify_by_pspec (object, pspec);
}

void
ink_form_set_summary (GObject     *object,
                      char       **field,
                      char        *summary,
                      GParamSpec  *pspec)
{
  if (g_strcmp0 (summary, *field) == 0)
    {
      g_free (summary);
      return;
    }
  g_free (*field);
  *field = summary;
  g_object_notify_by_pspec (object, pspec);
}
