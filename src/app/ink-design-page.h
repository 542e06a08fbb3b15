/* ink-design-page.h
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

/* The Design page: the experiment being designed. */

#pragma once

#include <gtk/gtk.h>
#include "ink-experiment.h"
#include "ink-layer-editor.h"
#include "ink-training-form.h"

G_BEGIN_DECLS

#define INK_TYPE_DESIGN_PAGE (ink_design_page_get_type ())
G_DECLARE_FINAL_TYPE (InkDesignPage, ink_design_page, INK, DESIGN_PAGE, GtkWidget)

/* The experiment being designed: its name and description on top, the
 * layer editor (left) and the training form (right) side by side, each
 * scrolling on its own.  It starts with ink_experiment_new_default ().
 *
 * Properties: "valid" (boolean), "summary" (string: "784–512–512–10 ·
 * 669,706 parameters · RMSprop · 20 epochs" when valid, else the first
 * reason it is not).  Signal "changed" on any edit and on set_experiment.
 * Widget names, for tests: "name", "description". */
InkDesignPage   *ink_design_page_new               (void);
void             ink_design_page_set_experiment    (InkDesignPage       *self,
                                                    const InkExperiment *exp);
/* a new experiment that passes ink_experiment_validate, or NULL with the
 * reason, which names the field */
InkExperiment   *ink_design_page_get_experiment    (InkDesignPage       *self,
                                                    GError             **error);
gboolean         ink_design_page_get_valid         (InkDesignPage       *self);
/* The experiment last set (a preset, a file, a ledger run): the one the
 * edits started from.  The name follows the edits: while the recipe
 * differs from the base and the name is the base's, it reads
 * "NAME (edited)" (a name the user typed is kept). */
const InkExperiment *ink_design_page_get_base      (InkDesignPage       *self);
/* TRUE when the forms differ from the base (a refused value counts) */
gboolean         ink_design_page_get_modified      (InkDesignPage       *self);
/* the forms show current, as edits of base (what Undo restores) */
void             ink_design_page_set_edited        (InkDesignPage       *self,
                                                    const InkExperiment *base,
                                                    const InkExperiment *current);
/* the dataset the forms name (the base's while a value is refused) */
char            *ink_design_page_dup_dataset       (InkDesignPage       *self);
/* sets the Dataset as an edit; FALSE while a value is refused */
gboolean         ink_design_page_set_dataset       (InkDesignPage       *self,
                                                    const char          *dataset);
const char      *ink_design_page_get_summary       (InkDesignPage       *self);
InkLayerEditor  *ink_design_page_get_layer_editor  (InkDesignPage       *self);
InkTrainingForm *ink_design_page_get_training_form (InkDesignPage       *self);

/* TRUE when the page is too narrow for two columns and shows the network
 * above the training */
gboolean         ink_design_page_get_one_column      (InkDesignPage *self);

G_END_DECLS
