/* ink-number-field.h
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

/* Number fields shared by the layer editor and the training form: rules,
 * parsing, shortest exact formatting, spin buttons that keep what was
 * typed; and ink_format_count. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The text of a GtkEntry or GtkSpinButton is the value: it is parsed with
 * g_ascii_strtod (a decimal comma is accepted too), checked against the
 * rule, and never silently clamped or reverted. */
typedef struct
{
  const char *name;       /* untranslated (N_), lower case: "dropout" */
  gboolean    integer;
  gboolean    single;     /* a float value: written as the shortest text that reads back the same float */
  gint64      imin, imax; /* integer bounds, inclusive */
  double      min, max;   /* real bounds */
  gboolean    min_open;   /* exclusive lower bound */
  gboolean    max_open;   /* exclusive upper bound */
} InkNumberRule;

/* TRUE with the value, or FALSE with a translated message such as
 * "dropout must be below 1" or "“abc” is not a number" */
gboolean ink_number_parse     (const InkNumberRule *rule,
                               const char          *text,
                               double              *value,
                               gint64              *ivalue,
                               char               **message);
char    *ink_number_format    (const InkNumberRule *rule,
                               double               value);
/* The spin button keeps typed text the rule refuses (or that lies outside
 * its adjustment) instead of reverting or clamping it. */
void     ink_number_spin_init (GtkSpinButton       *spin,
                               const InkNumberRule *rule);
/* sets the text (and a spin button's adjustment) */
void     ink_number_set       (GtkWidget           *editable,
                               const InkNumberRule *rule,
                               double               value);
void     ink_number_set_int   (GtkWidget           *editable,
                               gint64               value);
/* "669,706": the core's ink_format_thousands */
char    *ink_format_count     (guint64              n);

G_END_DECLS
