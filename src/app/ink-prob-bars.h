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

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INK_TYPE_PROB_BARS (ink_prob_bars_get_type ())
G_DECLARE_FINAL_TYPE (InkProbBars, ink_prob_bars, INK, PROB_BARS, GtkWidget)

/* One horizontal bar per class (label, bar, percentage), the most likely
 * class highlighted.  Values outside 0..1 (outputs of a network trained with
 * MSE) are drawn clamped and printed as they are. */
InkProbBars *ink_prob_bars_new   (void);
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
