/* ink-reflow.c
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

/* The reflowing layout of the Design and Draw pages: a GtkCustomLayout
 * around the page's one child, with the page's widths and arrangement. */

#include "config.h"

#include "ink-reflow.h"

#define REFLOW_KEY "ink-reflow"

typedef struct
{
  InkReflowWidths widths;
  InkReflowApply  apply;
} Reflow;

static GtkSizeRequestMode
reflow_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
reflow_measure (GtkWidget      *widget,
                GtkOrientation  orientation,
                int             for_size,
                int            *minimum,
                int            *natural,
                int            *minimum_baseline,
                int            *natural_baseline)
{
  Reflow *r = g_object_get_data (G_OBJECT (widget), REFLOW_KEY);

  gtk_widget_measure (gtk_widget_get_first_child (widget), orientation, for_size, minimum, natural, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int wide, narrow;

      /* as narrow as one column */
      r->widths (widget, &wide, &narrow);
      *minimum = narrow;
      *natural = MAX (*natural, narrow);
    }
}

static void
reflow_allocate (GtkWidget *widget,
                 int        width,
                 int        height,
                 int        baseline)
{
  Reflow *r = g_object_get_data (G_OBJECT (widget), REFLOW_KEY);
  int wide, narrow;

  r->widths (widget, &wide, &narrow);
  r->apply (widget, width >= wide);
  gtk_widget_allocate (gtk_widget_get_first_child (widget), width, height, baseline, NULL);
}

void
ink_reflow_install (GtkWidget       *page,
                    InkReflowWidths  widths,
                    InkReflowApply   apply)
{
  Reflow *r;

  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (widths != NULL && apply != NULL);

  r = g_new (Reflow, 1);
  r->widths = widths;
  r->apply = apply;
  g_object_set_data_full (G_OBJECT (page), REFLOW_KEY, r, g_free);
  gtk_widget_set_layout_manager (page, gtk_custom_layout_new (reflow_request_mode, reflow_measure, reflow_allocate));
}
