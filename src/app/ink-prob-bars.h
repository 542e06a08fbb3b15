/* ink-prob-bars.h
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

/* Bars of the class probabilities (or raw scores) of one prediction. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INK_TYPE_PROB_BARS (ink_prob_bars_get_type ())
G_DECLARE_FINAL_TYPE (InkProbBars, ink_prob_bars, INK, PROB_BARS, GtkWidget)

/* One horizontal bar per class (label, bar, value), the top class
 * highlighted.  Probabilities (a softmax output) print as percentages;
 * scores (any other output layer: identity, sigmoid…) print as the raw
 * numbers they are, never as a percentage, their bars clamped to 0..1. */
InkProbBars *ink_prob_bars_new   (void);
/* TRUE: the values are probabilities (the default); FALSE: scores */
void         ink_prob_bars_set_probabilities (InkProbBars *self,
                                              gboolean     probabilities);
gboolean     ink_prob_bars_get_probabilities (InkProbBars *self);
/* the class labels (NULL-terminated, borrowed: static strings such as
 * ink_class_names ()); NULL = the class numbers */
void         ink_prob_bars_set_class_names (InkProbBars        *self,
                                            const char * const *names);
/* the label drawn for class i, and the value text drawn next to its bar */
char        *ink_prob_bars_get_label_text  (InkProbBars *self,
                                            int          i);
char        *ink_prob_bars_get_value_text  (InkProbBars *self,
                                            int          i);
/* copies n values (n ≤ 64) */
void         ink_prob_bars_set   (InkProbBars  *self,
                                  const float  *probs,
                                  int           n);
/* back to ten empty bars */
void         ink_prob_bars_clear (InkProbBars  *self);
/* the highlighted class, -1 when cleared */
int          ink_prob_bars_get_top (InkProbBars *self);
/* the shown values (NULL when cleared) and their number */
const float *ink_prob_bars_get_values (InkProbBars *self,
                                       int         *n);

G_END_DECLS
