/* ink-design-page.c
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

/* The Design page: the experiment's name and description over the layer
 * editor and the training form, reflowing into one column when narrow. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ink-design-page.h"
#include "ink-form-state.h"
#include "ink-number-field.h"
#include "ink-reflow.h"

struct _InkDesignPage
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GtkWidget       *name;
  GtkWidget       *name_error;
  GtkWidget       *description;     /* GtkTextView */
  InkLayerEditor  *editor;
  InkTrainingForm *form;
  GtkWidget       *header;
  GtkWidget       *panes;           /* the network and the training: side by side or one above the other */
  GtkWidget       *pane_scrollers[2];
  GtkWidget       *outer_scroller;  /* scrolls both panes in one column */

  InkExperiment   *base;            /* the experiment last set */
  gboolean         valid;
  char            *summary;
  guint            updating;
};

G_DEFINE_FINAL_TYPE (InkDesignPage, ink_design_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_VALID, PROP_SUMMARY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
description_text (InkDesignPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->description));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
name_problem (InkDesignPage *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name))));

  if (*name == '\0')
    return _("give the experiment a name");
  return NULL;
}

static const char *
kind_label (InkOptimizerKind kind)
{
  switch (kind)
    {
    case INK_OPT_SGD:
      return _("SGD");
    case INK_OPT_MOMENTUM:
      return _("momentum");
    case INK_OPT_NESTEROV:
      return _("Nesterov momentum");
    case INK_OPT_RMSPROP:
      return _("RMSprop");
    case INK_OPT_ADAM:
      return _("Adam");
    case INK_OPT_ADAGRAD:
      return _("Adagrad");
    case INK_OPT_ADADELTA:
      return _("Adadelta");
    default:
      return "?";
    }
}

static char *
describe (const InkExperiment *exp)
{
  g_autoptr(GString) shape = g_string_new (NULL);
  g_autofree char *count = ink_format_count (ink_net_spec_n_params (exp->net));
  g_autofree char *method = NULL;

  g_string_append_printf (shape, "%d", exp->net->n_inputs);
  for (int l = 0; l < exp->net->n_layers; l++)
    {
      const InkLayerSpec *ls = &exp->net->layers[l];

      /* image layers as the Runs page names them: c32k3, mp2, ap2, bn */
      switch (ls->kind)
        {
        case INK_LAYER_CONV2D:
          g_string_append_printf (shape, "–c%dk%d", ls->filters, ls->kernel_h);
          break;
        case INK_LAYER_MAX_POOL:
          g_string_append_printf (shape, "–mp%d", ls->pool_size);
          break;
        case INK_LAYER_AVG_POOL:
          g_string_append_printf (shape, "–ap%d", ls->pool_size);
          break;
        case INK_LAYER_BATCH_NORM:
          g_string_append (shape, "–bn");
          break;
        case INK_LAYER_DENSE:
        default:
          g_string_append_printf (shape, "–%d", ls->units);
        }
    }
  switch (exp->optimizer.schedule.kind)
    {
    case INK_SCHEDULE_STEP:
      /* Translators: the optimizer and its learning-rate schedule, e.g. "Adam, step decay" */
      method = g_strdup_printf (_("%s, step decay"), kind_label (exp->optimizer.kind));
      break;
    case INK_SCHEDULE_COSINE:
      method = g_strdup_printf (_("%s, cosine schedule"), kind_label (exp->optimizer.kind));
      break;
    case INK_SCHEDULE_ONE_CYCLE:
      method = g_strdup_printf (_("%s, one cycle"), kind_label (exp->optimizer.kind));
      break;
    case INK_SCHEDULE_NONE:
    default:
      method = g_strdup (kind_label (exp->optimizer.kind));
    }
  if (exp->optimizer.ema_decay > 0.0f)
    {
      /* Translators: the optimizer (and schedule), then e.g. "Adam, weight averaging" */
      char *with = g_strdup_printf (_("%s, weight averaging"), method);

      g_free (method);
      method = with;
    }
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s · %s parameters · %s · %u epoch",
                                       "%s · %s parameters · %s · %u epochs", exp->epochs),
                          shape->str, count, method, exp->epochs);
}

static void
refresh (InkDesignPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = NULL;
  const char *problem = name_problem (self);
  g_autofree char *summary = NULL;
  guint batch = ink_training_form_get_batch_size (self->form);
  gboolean valid;

  ink_layer_editor_set_optimizer (self->editor, ink_training_form_get_optimizer_kind (self->form),
                                  ink_training_form_get_ema_decay (self->form));
  if (batch > 0)
    ink_layer_editor_set_batch_size (self->editor, batch);

  if (problem)
    {
      gtk_widget_add_css_class (self->name, "error");
      gtk_label_set_text (GTK_LABEL (self->name_error), problem);
      gtk_widget_set_visible (self->name_error, TRUE);
    }
  else
    {
      gtk_widget_remove_css_class (self->name, "error");
      gtk_widget_set_visible (self->name_error, FALSE);
    }

  exp = ink_design_page_get_experiment (self, &error);
  valid = exp != NULL;
  summary = valid ? describe (exp) : g_strdup (error->message);

  ink_form_set_valid (G_OBJECT (self), &self->valid, valid, properties[PROP_VALID]);
  ink_form_set_summary (G_OBJECT (self), &self->summary, g_steal_pointer (&summary), properties[PROP_SUMMARY]);
}

/* the name an edited recipe gets: "keras-mnist-mlp (edited)" */
static char *
edited_name (const char *base_name)
{
  return g_strdup_printf (_("%s (edited)"), base_name ? base_name : "");
}

/* TRUE when exp differs from the base beyond its name and description */
static gboolean
recipe_differs (InkDesignPage *self, const InkExperiment *exp)
{
  g_autoptr(InkExperiment) a = ink_experiment_copy (exp);
  g_autofree char *ja = NULL, *jb = NULL;

  g_free (a->name);
  a->name = g_strdup (self->base->name);
  g_free (a->description);
  a->description = g_strdup (self->base->description);
  ja = ink_experiment_to_json (a, FALSE);
  jb = ink_experiment_to_json (self->base, FALSE);
  return g_strcmp0 (ja, jb) != 0;
}

/* A run's name follows the edits: an edited recipe still named after the
 * one it started from is renamed "NAME (edited)", and named NAME again when
 * the edits are undone; a name the user typed is kept. */
static void
follow_edits_with_name (InkDesignPage *self)
{
  g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (self, NULL);
  g_autofree char *auto_name = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name));

  if (exp == NULL || self->base == NULL || self->base->name == NULL || *self->base->name == '\0')
    return;
  auto_name = edited_name (self->base->name);
  self->updating++;
  if (recipe_differs (self, exp))
    {
      if (g_str_equal (name, self->base->name))
        gtk_editable_set_text (GTK_EDITABLE (self->name), auto_name);
    }
  else if (g_str_equal (name, auto_name))
    gtk_editable_set_text (GTK_EDITABLE (self->name), self->base->name);
  self->updating--;
}

static void
on_edited (InkDesignPage *self)
{
  if (self->updating)
    return;
  follow_edits_with_name (self);
  refresh (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ---- public ---- */

void
ink_design_page_set_experiment (InkDesignPage       *self,
                                const InkExperiment *exp)
{
  g_return_if_fail (INK_IS_DESIGN_PAGE (self));
  g_return_if_fail (exp != NULL && exp->net != NULL);

  g_clear_pointer (&self->base, ink_experiment_free);
  self->base = ink_experiment_copy (exp);

  self->updating++;
  gtk_editable_set_text (GTK_EDITABLE (self->name), exp->name ? exp->name : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->description)),
                            exp->description ? exp->description : "", -1);
  ink_layer_editor_set_spec (self->editor, exp->net);
  ink_training_form_set_experiment (self->form, exp);
  self->updating--;

  on_edited (self);
}

const InkExperiment *
ink_design_page_get_base (InkDesignPage *self)
{
  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), NULL);
  return self->base;
}

gboolean
ink_design_page_get_modified (InkDesignPage *self)
{
  g_autoptr(InkExperiment) exp = NULL;
  g_autofree char *a = NULL, *b = NULL;

  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), FALSE);
  exp = ink_design_page_get_experiment (self, NULL);
  if (exp == NULL)
    return TRUE;   /* a refused value is an edit too */
  a = ink_experiment_to_json (exp, FALSE);
  b = ink_experiment_to_json (self->base, FALSE);
  return g_strcmp0 (a, b) != 0;
}

void
ink_design_page_set_edited (InkDesignPage       *self,
                            const InkExperiment *base,
                            const InkExperiment *current)
{
  g_return_if_fail (INK_IS_DESIGN_PAGE (self));
  g_return_if_fail (base != NULL && current != NULL && current->net != NULL);

  ink_design_page_set_experiment (self, current);
  g_clear_pointer (&self->base, ink_experiment_free);
  self->base = ink_experiment_copy (base);
  on_edited (self);
}

char *
ink_design_page_dup_dataset (InkDesignPage *self)
{
  g_autoptr(InkExperiment) exp = NULL;

  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), NULL);
  exp = ink_experiment_copy (self->base);
  /* refused values leave exp as it was: then the base's dataset */
  ink_training_form_apply (self->form, exp, NULL);
  return g_strdup (exp->dataset);
}

gboolean
ink_design_page_set_dataset (InkDesignPage *self,
                             const char    *dataset)
{
  g_autoptr(InkExperiment) exp = NULL;
  g_autoptr(InkExperiment) base = NULL;

  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), FALSE);
  exp = ink_design_page_get_experiment (self, NULL);
  if (exp == NULL)
    return FALSE;
  g_free (exp->dataset);
  exp->dataset = g_strdup (dataset);
  base = ink_experiment_copy (self->base);
  ink_design_page_set_edited (self, base, exp);
  return TRUE;
}

InkExperiment *
ink_design_page_get_experiment (InkDesignPage  *self,
                                GError        **error)
{
  g_autoptr(InkExperiment) exp = NULL;
  InkNetSpec *net;
  const char *problem;

  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), NULL);

  problem = name_problem (self);
  if (problem)
    {
      g_set_error (error, INK_EXPERIMENT_ERROR, INK_EXPERIMENT_ERROR_INVALID, "%s: %s", _("Name"), problem);
      return NULL;
    }
  net = ink_layer_editor_get_spec (self->editor, error);
  if (net == NULL)
    return NULL;

  exp = ink_experiment_copy (self->base);
  ink_net_spec_free (exp->net);
  exp->net = net;
  if (!ink_training_form_apply (self->form, exp, error))
    return NULL;
  g_free (exp->name);
  exp->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name)));
  g_free (exp->description);
  exp->description = description_text (self);

  if (!ink_experiment_validate (exp, error))
    return NULL;
  return g_steal_pointer (&exp);
}

gboolean
ink_design_page_get_valid (InkDesignPage *self)
{
  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), FALSE);
  return self->valid;
}

const char *
ink_design_page_get_summary (InkDesignPage *self)
{
  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), NULL);
  return self->summary;
}

InkLayerEditor *
ink_design_page_get_layer_editor (InkDesignPage *self)
{
  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), NULL);
  return self->editor;
}

InkTrainingForm *
ink_design_page_get_training_form (InkDesignPage *self)
{
  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), NULL);
  return self->form;
}

/* ------------------------------------------------------------------------ */
/* reflow: two columns when both fit, else one                               */

static int
min_width (GtkWidget *w)
{
  int min = 0;

  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  return min;
}

/* the narrowest the page gets in two columns (homogeneous) and in one */
static void
reflow_widths (GtkWidget *widget,
               int       *two,
               int       *one)
{
  InkDesignPage *self = INK_DESIGN_PAGE (widget);
  int header = min_width (self->header);
  int a = min_width (GTK_WIDGET (self->editor)), b = min_width (GTK_WIDGET (self->form));
  /* the clamps' margins around each pane */
  int pane = MAX (a, b) + 36;

  *two = MAX (header, 2 * pane);
  *one = MAX (header, pane);
}

static void
set_columns (GtkWidget *widget,
             gboolean   two)
{
  InkDesignPage *self = INK_DESIGN_PAGE (widget);
  GtkOrientation o = two ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL;

  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (self->panes)) == o)
    return;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->panes), o);
  /* two columns scroll each on its own; one column scrolls as a whole */
  for (guint i = 0; i < 2; i++)
    {
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->pane_scrollers[i]), GTK_POLICY_NEVER,
                                      two ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
      gtk_widget_set_vexpand (self->pane_scrollers[i], two);
    }
}

gboolean
ink_design_page_get_one_column (InkDesignPage *self)
{
  g_return_val_if_fail (INK_IS_DESIGN_PAGE (self), FALSE);
  return gtk_orientable_get_orientation (GTK_ORIENTABLE (self->panes)) == GTK_ORIENTATION_VERTICAL;
}

/* ------------------------------------------------------------------------ */

static GtkWidget *
scrolling (GtkWidget *child)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 480);
  gtk_widget_set_margin_start (child, 18);
  gtk_widget_set_margin_end (child, 18);
  gtk_widget_set_margin_top (child, 12);
  gtk_widget_set_margin_bottom (child, 24);
  adw_clamp_set_child (ADW_CLAMP (clamp), child);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_widget_set_hexpand (scroller, TRUE);
  gtk_widget_set_vexpand (scroller, TRUE);
  return scroller;
}

static void
build_ui (InkDesignPage *self)
{
  GtkWidget *header, *grid, *label, *frame, *desc_scroller, *panes;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  /* name and description */
  header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_margin_start (grid, 24);
  gtk_widget_set_margin_end (grid, 24);
  gtk_widget_set_margin_top (grid, 18);
  gtk_widget_set_margin_bottom (grid, 12);

  label = gtk_label_new_with_mnemonic (_("_Name"));
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), label, 0, 0, 1, 1);
  self->name = gtk_entry_new ();
  gtk_widget_set_name (self->name, "name");
  gtk_widget_set_hexpand (self->name, TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->name), _("Experiment name"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->name);
  gtk_grid_attach (GTK_GRID (grid), self->name, 1, 0, 1, 1);
  {
    /* many runs from this experiment (the window's win.sweep) */
    GtkWidget *sweep = gtk_button_new_with_mnemonic (_("S_weep…"));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (sweep), "win.sweep");
    gtk_widget_set_tooltip_text (sweep, _("Train many runs from this experiment: lists or ranges of its values, on this machine or on a Slurm cluster"));
    gtk_grid_attach (GTK_GRID (grid), sweep, 2, 0, 1, 1);
  }
  self->name_error = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->name_error), 0.0f);
  gtk_widget_add_css_class (self->name_error, "caption");
  gtk_widget_add_css_class (self->name_error, "error");
  gtk_widget_set_visible (self->name_error, FALSE);
  gtk_grid_attach (GTK_GRID (grid), self->name_error, 1, 1, 1, 1);

  label = gtk_label_new_with_mnemonic (_("_Description"));
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_label_set_yalign (GTK_LABEL (label), 0.0f);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), label, 0, 2, 1, 1);
  self->description = gtk_text_view_new ();
  gtk_widget_set_name (self->description, "description");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->description), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->description), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->description), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->description), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->description), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->description), 8);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->description);
  desc_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (desc_scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (desc_scroller), 44);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (desc_scroller), 84);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (desc_scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (desc_scroller), self->description);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), desc_scroller);
  gtk_widget_set_hexpand (frame, TRUE);
  gtk_grid_attach (GTK_GRID (grid), frame, 1, 2, 1, 1);
  gtk_box_append (GTK_BOX (header), grid);
  gtk_box_append (GTK_BOX (header), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (self->box), header);
  self->header = header;

  /* the network left, the training right; one above the other when the
   * window is narrow (the page's layout picks) */
  panes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_name (panes, "panes");
  gtk_box_set_homogeneous (GTK_BOX (panes), TRUE);
  self->panes = panes;
  self->editor = ink_layer_editor_new ();
  self->form = ink_training_form_new ();
  self->pane_scrollers[0] = scrolling (GTK_WIDGET (self->editor));
  self->pane_scrollers[1] = scrolling (GTK_WIDGET (self->form));
  gtk_box_append (GTK_BOX (panes), self->pane_scrollers[0]);
  gtk_box_append (GTK_BOX (panes), self->pane_scrollers[1]);
  self->outer_scroller = gtk_scrolled_window_new ();
  /* below the one-column width the page scrolls sideways rather than
   * holding the window wider than 800 px */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->outer_scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->outer_scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->outer_scroller), panes);
  gtk_widget_set_vexpand (self->outer_scroller, TRUE);
  gtk_box_append (GTK_BOX (self->box), self->outer_scroller);

  g_signal_connect_swapped (self->name, "changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->description)), "changed",
                            G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->editor, "changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->form, "changed", G_CALLBACK (on_edited), self);
}

static void
ink_design_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  InkDesignPage *self = INK_DESIGN_PAGE (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_design_page_dispose (GObject *object)
{
  InkDesignPage *self = INK_DESIGN_PAGE (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (ink_design_page_parent_class)->dispose (object);
}

static void
ink_design_page_finalize (GObject *object)
{
  InkDesignPage *self = INK_DESIGN_PAGE (object);

  g_clear_pointer (&self->base, ink_experiment_free);
  g_free (self->summary);
  G_OBJECT_CLASS (ink_design_page_parent_class)->finalize (object);
}

static void
ink_design_page_class_init (InkDesignPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = ink_design_page_get_property;
  object_class->dispose = ink_design_page_dispose;
  object_class->finalize = ink_design_page_finalize;

  properties[PROP_VALID] = ink_form_valid_pspec ();
  properties[PROP_SUMMARY] = ink_form_summary_pspec ();
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = ink_form_changed_new (G_TYPE_FROM_CLASS (klass));

  gtk_widget_class_set_css_name (widget_class, "inkdesignpage");
}

static void
ink_design_page_init (InkDesignPage *self)
{
  g_autoptr(InkExperiment) exp = ink_experiment_new_default ();

  ink_reflow_install (GTK_WIDGET (self), reflow_widths, set_columns);
  build_ui (self);
  ink_design_page_set_experiment (self, exp);
}

InkDesignPage *
ink_design_page_new (void)
{
  return g_object_new (INK_TYPE_DESIGN_PAGE, NULL);
}
