/* ink-names.c
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

/* Lookups in the name tables of enums (ink-names.h). */

#include "config.h"

#include "ink-names.h"

const char *
ink_names_lookup (const char * const *names,
                  guint               n_names,
                  guint               value)
{
  return value < n_names ? names[value] : NULL;
}

gboolean
ink_names_find (const char * const *names,
                guint               n_names,
                const char         *s,
                guint              *value)
{
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    if (g_ascii_strcasecmp (s, names[i]) == 0)
      {
        if (value != NULL)
          *value = i;
        return TRUE;
      }
  return FALSE;
}

char *
ink_names_join (const char * const *names,
                guint               n_names)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_names; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", names[i]);
  return g_string_free (s, FALSE);
}

const char *
ink_names_choices (const char        **cache,
                   const char * const *names,
                   guint               n_names)
{
  if (g_once_init_enter (cache))
    g_once_init_leave (cache, ink_names_join (names, n_names));
  return *cache;
}
