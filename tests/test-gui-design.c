/* test-gui-design.c
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

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <string.h>

#include "ink-design-page.h"
#include "test-gui-util.h"

/* The design page driven through its widgets: values typed into the spin
 * buttons and entries, then activated as a user pressing Enter would. */

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);
      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
must_find (GtkWidget  *root,
           const char *name)
{
  GtkWidget *w = find_named (root, name);
  if (w == NULL)
    g_error ("no widget named “%s”", name);
  return w;
}

/* types text into an entry or spin button and presses Enter */
static void
type_text (GtkWidget  *editable,
           const char *text)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (editable));

  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  gtk_widget_activate (delegate ? GTK_WIDGET (delegate) : editable);
}

static void
pump (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWindow *
show_page (InkDesignPage *page)
{
  GtkWindow *win = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (win, 1280, 800);
  gtk_window_set_child (win, GTK_WIDGET (page));
  gtk_window_present (win);
  pump ();
  return win;
}

static InkExperiment *
preset (const char *name)
{
  g_autoptr(GError) error = NULL;
  InkExperiment *exp = ink_experiment_preset (name, &error);
  g_assert_no_error (error);
  return exp;
}

static GtkWidget *
hidden_row (InkDesignPage *page,
            int            position)
{
  GtkWidget *list = must_find (GTK_WIDGET (ink_design_page_get_layer_editor (page)), "layers");
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), position + 1);
  g_assert_nonnull (row);
  return GTK_WIDGET (row);
}

static GtkWidget *
form_widget (InkDesignPage *page,
             const char    *name)
{
  return must_find (GTK_WIDGET (ink_design_page_get_training_form (page)), name);
}

static void
assert_same_json (const InkExperiment *want,
                  const InkExperiment *got)
{
  g_autofree char *a = ink_experiment_to_json (want, TRUE);
  g_autofree char *b = ink_experiment_to_json (got, TRUE);
  g_assert_cmpstr (a, ==, b);
}

static InkExperiment *
get_ok (InkDesignPage *page)
{
  g_autoptr(GError) error = NULL;
  InkExperiment *exp = ink_design_page_get_experiment (page, &error);
  g_assert_no_error (error);
  g_assert_nonnull (exp);
  g_assert_true (ink_experiment_validate (exp, NULL));
  return exp;
}

static void
assert_refused (InkDesignPage *page,
                const char    *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = ink_design_page_get_experiment (page, &error);
  g_autofree char *lower = NULL;

  g_assert_null (exp);
  g_assert_nonnull (error);
  lower = g_utf8_strdown (error->message, -1);
  if (strstr (lower, field) == NULL)
    g_error ("“%s” does not name %s", error->message, field);
  g_assert_false (ink_design_page_get_valid (page));
}

/* ------------------------------------------------------------------------ */

static void
test_presets (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_auto(GStrv) names = ink_experiment_list_all_presets ();

  /* the convolutional ones (Adadelta, image layers) too */
  g_assert_true (g_strv_contains ((const char * const *) names, "keras-mnist-cnn"));
  g_assert_true (g_strv_contains ((const char * const *) names, "lenet-5"));
  /* in order and back again, so each one also replaces a different one */
  for (int pass = 0; pass < 2; pass++)
    for (guint k = 0; names[k]; k++)
      {
        guint i = pass == 0 ? k : g_strv_length (names) - 1 - k;
        g_autoptr(InkExperiment) want = preset (names[i]);
        g_autoptr(InkExperiment) got = NULL;

        ink_design_page_set_experiment (page, want);
        pump ();
        g_assert_true (ink_design_page_get_valid (page));
        got = get_ok (page);
        assert_same_json (want, got);
      }
  gtk_window_destroy (win);
}

static void
test_exotic_values (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) want = preset ("theano-mlp");
  g_autoptr(InkExperiment) got = NULL;

  /* values beyond the spin buttons' ranges and fields the presets leave out */
  g_free (want->dataset);
  want->dataset = g_strdup ("/srv/data/emnist-digits");
  want->split.kind = INK_SPLIT_RANDOM;
  want->split.valid_fraction = 0.123456789;
  want->split.subset = 5000;
  want->normalization = INK_NORM_MINMAX;
  want->net->input_dropout = 0.97f;
  want->net->layers[0].dropout = 0.125f;
  want->net->layers[0].activation = INK_ACT_LEAKY_RELU;
  want->net->leaky_slope = 0.2f;
  want->net->init = INK_INIT_HE_NORMAL;
  want->net->layers[1].activation = INK_ACT_RELU;   /* an output only the spec can ask for */
  want->net->loss = INK_LOSS_MSE;
  ink_optimizer_spec_defaults (&want->optimizer, INK_OPT_ADAM);
  want->optimizer.lr = 3e-4f;
  want->optimizer.decay = 0.98f;
  want->optimizer.max_norm = 3.5f;
  want->optimizer.l1 = 1e-6f;
  want->validation_frequency = 250;
  want->early_stopping = INK_EARLY_NO_IMPROVEMENT;
  want->stop_epochs = 7;
  want->seed = G_GUINT64_CONSTANT (9007199254740993);   /* 2^53 + 1: no double holds it */
  g_free (want->device);
  want->device = g_strdup ("auto");
  g_assert_true (ink_experiment_validate (want, NULL));

  ink_design_page_set_experiment (page, want);
  pump ();
  got = get_ok (page);
  assert_same_json (want, got);
  gtk_window_destroy (win);
}

static void
test_invalid_units (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  InkLayerEditor *editor = ink_design_page_get_layer_editor (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  g_autoptr(InkExperiment) got = NULL;
  GtkWidget *row, *units, *label;

  ink_design_page_set_experiment (page, keras);
  row = hidden_row (page, 0);
  units = must_find (row, "units");
  label = must_find (row, "error");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_get_visible (label));

  type_text (units, "0");
  pump ();
  /* refused in place: the text stays, the row says why */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (units)), ==, "0");
  g_assert_false (ink_layer_editor_get_valid (editor));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "units must be at least 1");
  assert_refused (page, "units");
  assert_refused (page, "hidden layer 1");
  g_assert_nonnull (strstr (ink_design_page_get_summary (page), "units"));

  type_text (units, "12.5");
  pump ();
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "“12.5” is not a whole number");
  assert_refused (page, "hidden layer 1");

  type_text (units, "256");
  pump ();
  g_assert_true (ink_layer_editor_get_valid (editor));
  g_assert_true (ink_design_page_get_valid (page));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_get_visible (label));
  got = get_ok (page);
  g_assert_cmpint (got->net->layers[0].units, ==, 256);
  gtk_window_destroy (win);
}

static void
test_invalid_dropout (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  g_autoptr(InkExperiment) got = NULL;
  GtkWidget *row, *dropout, *label;

  ink_design_page_set_experiment (page, keras);
  row = hidden_row (page, 1);
  dropout = must_find (row, "dropout");
  label = must_find (row, "error");

  type_text (dropout, "1.0");
  pump ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dropout)), ==, "1.0");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_has_css_class (dropout, "error"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "dropout must be below 1");
  g_assert_false (ink_layer_editor_get_valid (ink_design_page_get_layer_editor (page)));
  assert_refused (page, "dropout");
  assert_refused (page, "hidden layer 2");
  /* the other hidden row is fine */
  g_assert_false (gtk_widget_has_css_class (hidden_row (page, 0), "error"));

  /* losing the focus does not revert it either */
  gtk_spin_button_update (GTK_SPIN_BUTTON (dropout));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dropout)), ==, "1.0");

  /* above the spin button's 0.95 but below 1: accepted, not clamped */
  type_text (dropout, "0.97");
  pump ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dropout)), ==, "0.97");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  got = get_ok (page);
  g_assert_cmpfloat (got->net->layers[1].dropout, ==, 0.97f);
  gtk_window_destroy (win);
}

static void
test_invalid_learning_rate (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  InkTrainingForm *form = ink_design_page_get_training_form (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  g_autoptr(InkExperiment) got = NULL;
  GtkWidget *lr = form_widget (page, "lr");
  GtkWidget *row = form_widget (page, "lr-row");

  ink_design_page_set_experiment (page, keras);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lr)), ==, "0.001");

  type_text (lr, "abc");
  pump ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lr)), ==, "abc");
  g_assert_false (ink_training_form_get_valid (form));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "“abc” is not a number");
  assert_refused (page, "learning rate");

  type_text (lr, "-0.5");
  pump ();
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "learning rate must be above 0");
  assert_refused (page, "learning rate");

  type_text (lr, "1e-4");
  pump ();
  g_assert_true (ink_training_form_get_valid (form));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  got = get_ok (page);
  g_assert_cmpfloat (got->optimizer.lr, ==, 1e-4f);

  /* a refused value in a row that does not apply does not count */
  type_text (form_widget (page, "momentum"), "2");
  pump ();
  g_assert_true (ink_design_page_get_valid (page));
  gtk_window_destroy (win);
}

static void
test_other_refusals (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) exp = preset ("theano-mlp");
  g_autoptr(InkExperiment) got = NULL;

  ink_design_page_set_experiment (page, exp);

  /* the name */
  type_text (must_find (GTK_WIDGET (page), "name"), "  ");
  assert_refused (page, "name");
  type_text (must_find (GTK_WIDGET (page), "name"), "renamed");

  /* a patience row, shown for the patience algorithm */
  g_assert_true (gtk_widget_get_visible (form_widget (page, "improvement_threshold-row")));
  g_assert_false (gtk_widget_get_visible (form_widget (page, "stop_epochs-row")));
  type_text (form_widget (page, "improvement_threshold"), "1.5");
  assert_refused (page, "improvement threshold");
  type_text (form_widget (page, "improvement_threshold"), "0.99");

  /* the input's dropout */
  type_text (must_find (GTK_WIDGET (ink_design_page_get_layer_editor (page)), "input-dropout"), "x");
  assert_refused (page, "input");
  type_text (must_find (GTK_WIDGET (ink_design_page_get_layer_editor (page)), "input-dropout"), "0.1");

  /* a folder dataset needs a folder */
  adw_combo_row_set_selected (ADW_COMBO_ROW (form_widget (page, "dataset")), 2);
  g_assert_true (gtk_widget_get_visible (form_widget (page, "folder")));
  assert_refused (page, "folder");
  gtk_editable_set_text (GTK_EDITABLE (form_widget (page, "folder")), "/data/digits");

  /* fixed split counts */
  g_assert_true (gtk_widget_get_visible (form_widget (page, "valid-row")));
  g_assert_false (gtk_widget_get_visible (form_widget (page, "valid_fraction-row")));
  type_text (form_widget (page, "valid"), "0");
  assert_refused (page, "validation images");
  type_text (form_widget (page, "valid"), "5000");

  got = get_ok (page);
  g_assert_cmpstr (got->name, ==, "renamed");
  g_assert_cmpfloat (got->improvement_threshold, ==, 0.99);
  g_assert_cmpfloat (got->net->input_dropout, ==, 0.1f);
  g_assert_cmpstr (got->dataset, ==, "/data/digits");
  g_assert_cmpuint (got->split.n_valid, ==, 5000);
  gtk_window_destroy (win);
}

/* the network's layers as "units/activation/dropout" words */
static char *
layer_list (const InkExperiment *exp)
{
  GString *s = g_string_new (NULL);

  for (int l = 0; l < exp->net->n_layers; l++)
    g_string_append_printf (s, "%s%d/%s/%g", l ? " " : "", exp->net->layers[l].units,
                            ink_activation_to_string (exp->net->layers[l].activation),
                            (double) exp->net->layers[l].dropout);
  return g_string_free (s, FALSE);
}

static void
assert_layers (InkDesignPage *page,
               const char    *want)
{
  g_autoptr(InkExperiment) got = get_ok (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  g_autofree char *layers = layer_list (got);
  g_autofree char *json = NULL;

  g_assert_cmpstr (layers, ==, want);
  /* and nothing else moved: only the layers differ from the preset (and
   * the name, which follows the edits) */
  g_assert_cmpstr (got->name, ==, g_str_equal (want, "512/relu/0.2 512/relu/0.2 10/softmax/0")
                                  ? "keras-mnist-mlp" : "keras-mnist-mlp (edited)");
  g_free (keras->name);
  keras->name = g_strdup (got->name);
  ink_net_spec_free (keras->net);
  keras->net = ink_net_spec_copy (got->net);
  assert_same_json (keras, got);
  json = ink_experiment_to_json (got, FALSE);
  g_assert_nonnull (strstr (json, "\"layers\""));
}

static void
assert_menu (InkDesignPage *page,
             int            position,
             gboolean       up,
             gboolean       down)
{
  GtkMenuButton *menu = GTK_MENU_BUTTON (gui_find_type (hidden_row (page, position), GTK_TYPE_MENU_BUTTON));
  struct { const char *text; gboolean want; } items[] = {
    { "Move _Up", up }, { "Move _Down", down }, { "D_uplicate", TRUE }, { "_Remove", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      GtkWidget *item = gui_menu_item (menu, items[i].text);
      g_assert_nonnull (item);
      if (gtk_widget_is_sensitive (item) != items[i].want)
        g_error ("row %d: “%s” is %s", position, items[i].text,
                 items[i].want ? "greyed out" : "offered where it cannot act");
    }
  gtk_menu_button_popdown (menu);
  gui_pump ();
}

static GtkWidget *
layer_menu_item (InkDesignPage *page,
                 int            position,
                 const char    *text)
{
  GtkMenuButton *menu = GTK_MENU_BUTTON (gui_find_type (hidden_row (page, position), GTK_TYPE_MENU_BUTTON));
  return gui_menu_item (menu, text);
}

static void
test_structure (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  InkLayerEditor *editor = ink_design_page_get_layer_editor (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  GtkWidget *add;

  ink_design_page_set_experiment (page, keras);
  g_assert_cmpuint (ink_layer_editor_get_n_hidden (editor), ==, 2);
  assert_layers (page, "512/relu/0.2 512/relu/0.2 10/softmax/0");

  ink_layer_editor_add_layer (editor, 0, 64, INK_ACT_TANH, 0.1f);
  assert_layers (page, "64/tanh/0.1 512/relu/0.2 512/relu/0.2 10/softmax/0");
  ink_layer_editor_duplicate_layer (editor, 0);
  assert_layers (page, "64/tanh/0.1 64/tanh/0.1 512/relu/0.2 512/relu/0.2 10/softmax/0");
  type_text (must_find (hidden_row (page, 2), "units"), "300");
  ink_layer_editor_move_layer (editor, 2, 0);
  assert_layers (page, "300/relu/0.2 64/tanh/0.1 64/tanh/0.1 512/relu/0.2 10/softmax/0");
  ink_layer_editor_move_layer (editor, 0, 3);
  assert_layers (page, "64/tanh/0.1 64/tanh/0.1 512/relu/0.2 300/relu/0.2 10/softmax/0");
  ink_layer_editor_remove_layer (editor, 1);
  assert_layers (page, "64/tanh/0.1 512/relu/0.2 300/relu/0.2 10/softmax/0");
  g_assert_cmpuint (ink_layer_editor_get_n_hidden (editor), ==, 3);

  /* the same through the rows' menus and the add button */
  gui_click (layer_menu_item (page, 2, "Move _Up"));
  assert_layers (page, "64/tanh/0.1 300/relu/0.2 512/relu/0.2 10/softmax/0");
  gui_click (layer_menu_item (page, 0, "Move _Down"));
  assert_layers (page, "300/relu/0.2 64/tanh/0.1 512/relu/0.2 10/softmax/0");
  gui_click (layer_menu_item (page, 1, "D_uplicate"));
  assert_layers (page, "300/relu/0.2 64/tanh/0.1 64/tanh/0.1 512/relu/0.2 10/softmax/0");
  gui_click (layer_menu_item (page, 0, "_Remove"));
  assert_layers (page, "64/tanh/0.1 64/tanh/0.1 512/relu/0.2 10/softmax/0");
  add = must_find (GTK_WIDGET (editor), "add-layer");
  g_assert_true (gtk_widget_get_sensitive (add));
  gui_click (add);
  assert_layers (page, "64/tanh/0.1 64/tanh/0.1 512/relu/0.2 512/relu/0 10/softmax/0");

  /* the first row cannot move up, the last not down */
  assert_menu (page, 0, FALSE, TRUE);
  assert_menu (page, 3, TRUE, FALSE);
  assert_layers (page, "64/tanh/0.1 64/tanh/0.1 512/relu/0.2 512/relu/0 10/softmax/0");

  /* activation and dropout through the widgets */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (must_find (hidden_row (page, 3), "activation")), 3);
  type_text (must_find (hidden_row (page, 3), "dropout"), "0.5");
  assert_layers (page, "64/tanh/0.1 64/tanh/0.1 512/relu/0.2 512/sigmoid/0.5 10/softmax/0");

  /* no hidden layer at all: logistic regression */
  while (ink_layer_editor_get_n_hidden (editor) > 0)
    ink_layer_editor_remove_layer (editor, 0);
  assert_layers (page, "10/softmax/0");

  /* an identity output trains with MSE */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (must_find (GTK_WIDGET (editor), "output-activation")), 1);
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_assert_cmpint (got->net->layers[0].activation, ==, INK_ACT_IDENTITY);
    g_assert_cmpint (got->net->loss, ==, INK_LOSS_MSE);
  }
  gtk_window_destroy (win);
}

static void
assert_rows (InkDesignPage *page,
             gboolean       momentum,
             gboolean       rho,
             gboolean       beta,
             gboolean       eps)
{
  g_assert_cmpint (gtk_widget_get_visible (form_widget (page, "momentum-row")), ==, momentum);
  g_assert_cmpint (gtk_widget_get_visible (form_widget (page, "rho-row")), ==, rho);
  g_assert_cmpint (gtk_widget_get_visible (form_widget (page, "beta1-row")), ==, beta);
  g_assert_cmpint (gtk_widget_get_visible (form_widget (page, "beta2-row")), ==, beta);
  g_assert_cmpint (gtk_widget_get_visible (form_widget (page, "eps-row")), ==, eps);
  g_assert_true (gtk_widget_get_visible (form_widget (page, "lr-row")));
  g_assert_true (gtk_widget_get_visible (form_widget (page, "decay-row")));
}

static void
assert_optimizer (InkDesignPage    *page,
                  InkOptimizerKind  kind)
{
  g_autoptr(InkExperiment) got = get_ok (page);
  InkOptimizerSpec want;

  ink_optimizer_spec_defaults (&want, kind);
  /* kept from before the change */
  want.decay = 0.95f;
  want.l2 = 5e-4f;
  want.max_norm = 2.0f;
  g_assert_cmpint (got->optimizer.kind, ==, kind);
  g_assert_cmpfloat (got->optimizer.lr, ==, want.lr);
  g_assert_cmpfloat (got->optimizer.momentum, ==, want.momentum);
  g_assert_cmpfloat (got->optimizer.rho, ==, want.rho);
  g_assert_cmpfloat (got->optimizer.beta1, ==, want.beta1);
  g_assert_cmpfloat (got->optimizer.beta2, ==, want.beta2);
  g_assert_cmpfloat (got->optimizer.eps, ==, want.eps);
  g_assert_cmpfloat (got->optimizer.decay, ==, want.decay);
  g_assert_cmpfloat (got->optimizer.l1, ==, want.l1);
  g_assert_cmpfloat (got->optimizer.l2, ==, want.l2);
  g_assert_cmpfloat (got->optimizer.max_norm, ==, want.max_norm);
}

static void
test_optimizer_kind (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  GtkWidget *kind = form_widget (page, "kind");

  ink_design_page_set_experiment (page, keras);
  assert_rows (page, FALSE, TRUE, FALSE, TRUE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (form_widget (page, "eps"))), ==, "1e-07");

  type_text (form_widget (page, "decay"), "0.95");
  type_text (form_widget (page, "l2"), "5e-4");
  type_text (form_widget (page, "max_norm"), "2");
  type_text (form_widget (page, "lr"), "0.5");

  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), INK_OPT_ADAM);
  assert_rows (page, FALSE, FALSE, TRUE, TRUE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (form_widget (page, "lr"))), ==, "0.001");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (form_widget (page, "beta2"))), ==, "0.999");
  assert_optimizer (page, INK_OPT_ADAM);

  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), INK_OPT_NESTEROV);
  assert_rows (page, TRUE, FALSE, FALSE, FALSE);
  assert_optimizer (page, INK_OPT_NESTEROV);

  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), INK_OPT_MOMENTUM);
  assert_rows (page, TRUE, FALSE, FALSE, FALSE);
  assert_optimizer (page, INK_OPT_MOMENTUM);

  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), INK_OPT_SGD);
  assert_rows (page, FALSE, FALSE, FALSE, FALSE);
  assert_optimizer (page, INK_OPT_SGD);

  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), INK_OPT_ADAGRAD);
  assert_rows (page, FALSE, FALSE, FALSE, TRUE);
  assert_optimizer (page, INK_OPT_ADAGRAD);

  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), INK_OPT_RMSPROP);
  assert_rows (page, FALSE, TRUE, FALSE, TRUE);
  assert_optimizer (page, INK_OPT_RMSPROP);

  /* an edited value of the current method is what gets written */
  type_text (form_widget (page, "rho"), "0.95");
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_assert_cmpfloat (got->optimizer.rho, ==, 0.95f);
  }
  gtk_window_destroy (win);
}

/* the editor's summary with g_format_size's no-break spaces as plain ones */
static gboolean
summary_has (InkLayerEditor *editor,
             const char     *text)
{
  g_autoptr(GString) s = g_string_new (ink_layer_editor_get_summary (editor));

  g_string_replace (s, "\u00a0", " ", 0);
  if (strstr (s->str, text) == NULL)
    {
      g_test_message ("“%s” lacks “%s”", s->str, text);
      return FALSE;
    }
  return TRUE;
}

static void
count_call (guint *count)
{
  (*count)++;
}

static void
test_summary (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  InkLayerEditor *editor = ink_design_page_get_layer_editor (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  g_autofree char *summary = NULL;
  guint notified = 0;

  ink_design_page_set_experiment (page, keras);
  g_assert_true (summary_has (editor, "669,706 parameters"));
  g_assert_nonnull (strstr (ink_design_page_get_summary (page), "669,706"));
  g_assert_nonnull (strstr (ink_design_page_get_summary (page), "784–512–512–10"));
  g_object_get (editor, "summary", &summary, NULL);
  g_assert_nonnull (strstr (summary, "669,706"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (must_find (GTK_WIDGET (editor), "parameters"))),
                            "669,706"));

  /* weights 669,706 × 4 bytes; RMSprop keeps one state buffer, so training
   * holds 3×; Adam 4×, SGD 2× */
  g_assert_true (summary_has (editor, "2.7 MB weights"));
  g_assert_true (summary_has (editor, "8.0 MB with optimizer state"));
  g_assert_true (summary_has (editor, "activations (500 rows)"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (form_widget (page, "kind")), INK_OPT_ADAM);
  g_assert_true (summary_has (editor, "10.7 MB with optimizer state"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (form_widget (page, "kind")), INK_OPT_SGD);
  g_assert_true (summary_has (editor, "5.4 MB with optimizer state"));
  /* a batch larger than the evaluation batch: the activations follow it */
  type_text (form_widget (page, "batch_size"), "1024");
  g_assert_true (summary_has (editor, "activations (1,024 rows)"));

  /* it follows the layers, and says why when it cannot */
  g_signal_connect_swapped (editor, "notify::summary", G_CALLBACK (count_call), &notified);
  type_text (must_find (hidden_row (page, 1), "units"), "256");
  /* 784·512+512 + 512·256+256 + 256·10+10 */
  g_assert_true (summary_has (editor, "535,818 parameters"));
  g_assert_cmpuint (notified, >, 0);
  type_text (must_find (hidden_row (page, 1), "units"), "");
  g_assert_false (ink_layer_editor_get_valid (editor));
  g_assert_true (summary_has (editor, "Hidden layer 2"));
  gtk_window_destroy (win);
}

static void
test_device (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) exp = preset ("keras-mnist-mlp");
  GtkWidget *device = form_widget (page, "device");
  g_autoptr(GError) error = NULL;
  gboolean cuda = ink_backend_cuda_available (&error);

  ink_design_page_set_experiment (page, exp);
  adw_combo_row_set_selected (ADW_COMBO_ROW (device), 2);
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_assert_cmpstr (got->device, ==, "auto");
  }

  /* the worker thread's answer arrives on the main loop */
  for (gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
       g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (device)), "Looking") &&
       g_get_monotonic_time () < end;)
    {
      pump ();
      g_usleep (1000);
    }
  adw_combo_row_set_selected (ADW_COMBO_ROW (device), 1);
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    if (cuda)
      g_assert_cmpstr (got->device, ==, "cuda");
    else
      {
        /* not selectable: the choice stays, the row says why */
        g_assert_cmpstr (got->device, ==, "auto");
        g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (device)), error->message));
      }
  }

  /* an experiment made for a GPU keeps asking for it */
  g_free (exp->device);
  exp->device = g_strdup ("cuda");
  ink_design_page_set_experiment (page, exp);
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_assert_cmpstr (got->device, ==, "cuda");
  }
  gtk_window_destroy (win);
}

static void
test_augmentation_pretraining (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) exp = preset ("nolearn-dbn");
  InkTrainingForm *form = ink_design_page_get_training_form (page);
  InkAugmentPreview *preview = ink_training_form_get_augment_preview (form);
  GtkWidget *sw = form_widget (page, "augmentation");
  guint8 before[28 * 28];

  ink_design_page_set_experiment (page, exp);
  pump ();
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (sw)));
  g_assert_false (gtk_widget_get_visible (form_widget (page, "aug_shift-row")));
  g_assert_false (gtk_widget_get_visible (form_widget (page, "augmentation-preview")));

  /* switched on: a visible start, shown in the JSON and the preview */
  gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
  pump ();
  g_assert_true (gtk_widget_get_visible (form_widget (page, "aug_shift-row")));
  g_assert_true (gtk_widget_get_visible (form_widget (page, "augmentation-preview")));
  type_text (form_widget (page, "aug_rotate"), "20");
  gui_xtype_into (form_widget (page, "aug_scale"), "0.15");
  type_text (form_widget (page, "aug_probability"), "1");
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_autofree char *json = ink_experiment_to_json (got, TRUE);
    g_autoptr(InkExperiment) again = NULL;

    g_assert_cmpuint (got->augmentation.shift, ==, 2);
    g_assert_cmpfloat (got->augmentation.rotate, ==, 20.0f);
    g_assert_cmpfloat (got->augmentation.scale, ==, 0.15f);
    g_assert_cmpfloat (got->augmentation.probability, ==, 1.0f);
    /* the rows in view, for a look (INK_SHOTS_DIR) */
    gui_scroll_into_view (form_widget (page, "augmentation-preview"));
    gui_shot (GTK_WIDGET (win), "design-augmentation.png");
    if (g_getenv ("INK_SHOTS_DIR"))
      {
        gtk_window_set_default_size (win, 800, 600);
        gui_wait_for (gui_window_within_800x600, win, 5);
        wait_ms (300);
        gui_scroll_into_view (form_widget (page, "aug_scale-row"));
        gui_shot (GTK_WIDGET (win), "design-augmentation-800x600.png");
        gtk_window_set_default_size (win, 1280, 800);
        wait_ms (300);
      }
    g_assert_nonnull (strstr (json, "\"augmentation\""));
    g_assert_nonnull (strstr (json, "\"rotate\" : 20"));
    g_assert_true (got->pretraining.enabled);
    /* and back through the form, exactly */
    ink_design_page_set_experiment (page, got);
    pump ();
    again = get_ok (page);
    assert_same_json (got, again);
  }

  /* the preview follows the settings and the Shuffle button */
  memcpy (before, ink_augment_preview_get_sample (preview, 0), sizeof before);
  {
    guint64 seed = ink_augment_preview_get_seed (preview);
    g_signal_emit_by_name (form_widget (page, "augmentation-shuffle"), "clicked");
    g_assert_cmpuint (seed, !=, ink_augment_preview_get_seed (preview));
  }
  g_assert_true (memcmp (before, ink_augment_preview_get_sample (preview, 0), sizeof before) != 0);
  type_text (form_widget (page, "aug_shift"), "0");
  type_text (form_widget (page, "aug_rotate"), "0");
  gui_xtype_into (form_widget (page, "aug_scale"), "0");
  {
    guint8 src[28 * 28];
    /* no distortion left: the sample is its source, the same for every seed */
    memcpy (src, ink_augment_preview_get_sample (preview, 0), sizeof src);
    ink_augment_preview_shuffle (preview);
    g_assert_true (memcmp (src, ink_augment_preview_get_sample (preview, 0), sizeof src) == 0);
  }

  /* refused in place, with the reason; a good value mends it */
  {
    static const struct { const char *field, *bad, *good, *named; } refusals[] = {
      { "aug_scale", "0.6", "0.1", "size change" },
      { "aug_probability", "1.5", "0.5", "probability" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
      {
        g_autofree char *row = g_strconcat (refusals[i].field, "-row", NULL);

        gui_xtype_into (form_widget (page, refusals[i].field), refusals[i].bad);
        pump ();
        assert_refused (page, refusals[i].named);
        g_assert_true (gtk_widget_has_css_class (form_widget (page, row), "error"));
        gui_xtype_into (form_widget (page, refusals[i].field), refusals[i].good);
        pump ();
        g_assert_true (ink_design_page_get_valid (page));
      }
  }

  /* off again: no augmentation member; pretraining switched off likewise */
  gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  gtk_switch_set_active (GTK_SWITCH (form_widget (page, "pretraining")), FALSE);
  pump ();
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_autofree char *json = ink_experiment_to_json (got, TRUE);
    g_assert_null (strstr (json, "\"augmentation\""));
    g_assert_null (strstr (json, "\"pretraining\""));
  }

  /* pretraining values and per-layer epochs survive */
  gtk_switch_set_active (GTK_SWITCH (form_widget (page, "pretraining")), TRUE);
  type_text (form_widget (page, "pretrain_cd_k"), "3");
  type_text (form_widget (page, "pretrain_lr"), "0.05");
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_assert_cmpuint (got->pretraining.cd_k, ==, 3);
    g_assert_cmpfloat (got->pretraining.lr, ==, 0.05f);
  }
  exp->pretraining.n_layer_epochs = 1;
  exp->pretraining.epochs[0] = 7;
  /* per-layer lr, decay and CD-k (one hidden layer here) survive too, and
   * the rows say so */
  exp->pretraining.n_layer_lr = 1;
  exp->pretraining.lr_layers[0] = exp->pretraining.lr = 0.02f;
  exp->pretraining.n_layer_decay = 1;
  exp->pretraining.decay_layers[0] = exp->pretraining.decay = 0.95f;
  exp->pretraining.n_layer_cd_k = 1;
  exp->pretraining.cd_k_layers[0] = exp->pretraining.cd_k = 2;
  g_assert_true (ink_experiment_validate (exp, NULL));
  ink_design_page_set_experiment (page, exp);
  pump ();
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    assert_same_json (exp, got);
    g_assert_cmpuint (got->pretraining.n_layer_lr, ==, 1);
  }
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (form_widget (page, "pretrain_lr-row"))),
                            "Per hidden layer: 0.02"));
  /* another value typed: one value for every layer */
  type_text (form_widget (page, "pretrain_lr"), "0.03");
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_assert_cmpuint (got->pretraining.n_layer_lr, ==, 0);
    g_assert_cmpfloat (got->pretraining.lr, ==, 0.03f);
    g_assert_cmpuint (got->pretraining.n_layer_cd_k, ==, 1);
  }
  gtk_window_destroy (win);
}

/* Every item of a hidden layer's ⋮ menu, opened as a user opens it */
/* issue 11, 3: after Move Up / Move Down the moved rows' menus stayed greyed
 * out until a preset was loaded again */
static void
test_layer_menu_after_move (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");

  ink_design_page_set_experiment (page, keras);
  ink_layer_editor_add_layer (ink_design_page_get_layer_editor (page), -1, 64, INK_ACT_TANH, 0.1f);
  assert_layers (page, "512/relu/0.2 512/relu/0.2 64/tanh/0.1 10/softmax/0");
  assert_menu (page, 0, FALSE, TRUE);
  assert_menu (page, 1, TRUE, TRUE);
  assert_menu (page, 2, TRUE, FALSE);

  /* Move Up on the last row, clicked in its menu */
  gui_click (layer_menu_item (page, 2, "Move _Up"));
  assert_layers (page, "512/relu/0.2 64/tanh/0.1 512/relu/0.2 10/softmax/0");
  assert_menu (page, 0, FALSE, TRUE);
  assert_menu (page, 1, TRUE, TRUE);
  assert_menu (page, 2, TRUE, FALSE);

  /* the moved row's menu still acts: down again, then to the top */
  gui_click (layer_menu_item (page, 1, "Move _Down"));
  assert_layers (page, "512/relu/0.2 512/relu/0.2 64/tanh/0.1 10/softmax/0");
  gui_click (layer_menu_item (page, 2, "Move _Up"));
  gui_click (layer_menu_item (page, 1, "Move _Up"));
  assert_layers (page, "64/tanh/0.1 512/relu/0.2 512/relu/0.2 10/softmax/0");
  assert_menu (page, 0, FALSE, TRUE);
  assert_menu (page, 1, TRUE, TRUE);
  assert_menu (page, 2, TRUE, FALSE);
  gui_click (layer_menu_item (page, 0, "D_uplicate"));
  assert_layers (page, "64/tanh/0.1 64/tanh/0.1 512/relu/0.2 512/relu/0.2 10/softmax/0");
  gui_click (layer_menu_item (page, 1, "_Remove"));
  assert_layers (page, "64/tanh/0.1 512/relu/0.2 512/relu/0.2 10/softmax/0");
  gtk_window_destroy (win);
}

/* clicks the middle of a widget with the real pointer */
static gboolean
xdo_click (GtkWidget *window, GtkWidget *widget)
{
  graphene_point_t p;
  g_autofree char *args = NULL;

  g_assert_true (gtk_widget_compute_point (widget, window,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0), &p));
  args = g_strdup_printf ("mousemove --window %%lu %d %d click 1", (int) p.x, (int) p.y);
  return xdo (window, args);
}

/* ------------------------------------------------------------------------ */
/* issue 11: reflow to one column, the ± buttons next to a refused text     */

/* (an AdwComboRow's value is left out: libadwaita ellipsizes it at every
 * width, a known fault of the training form's rows, not of the reflow) */
static gboolean
label_ellipsized (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) &&
         gtk_widget_get_ancestor (w, ADW_TYPE_COMBO_ROW) == NULL &&
         pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (w)));
}

/* 800 pixels wide: the network above the training, no label cut to
 * "Hi…"; wide: side by side. */
static void
test_reflow (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = GTK_WINDOW (gtk_window_new ());
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  GtkWidget *cut;

  gtk_window_set_default_size (win, 800, 560);
  gtk_window_set_child (win, GTK_WIDGET (page));
  ink_design_page_set_experiment (page, keras);
  gtk_window_present (win);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (win));
  wait_ms (200);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (win)), <=, 800);
  g_assert_true (ink_design_page_get_one_column (page));
  cut = gui_find (GTK_WIDGET (page), label_ellipsized, NULL);
  if (cut)
    {
      for (GtkWidget *w = cut; w; w = gtk_widget_get_parent (w))
        g_printerr ("  in %s %s width %d\n", G_OBJECT_TYPE_NAME (w), gtk_widget_get_name (w), gtk_widget_get_width (w));
      g_error ("label cut short: %s", gtk_label_get_text (GTK_LABEL (cut)));
    }
  gui_shot (GTK_WIDGET (win), "design-800.png");

  gtk_window_set_default_size (win, 1400, 800);
  wait_ms (300);
  g_assert_false (ink_design_page_get_one_column (page));
  gtk_window_destroy (win);
}

/* The + next to a refused text does not step from the last valid value
 * (it is insensitive; a real click does nothing); next to a valid text not
 * yet entered it steps from what is typed. */
static void
test_spin_buttons_invalid (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  GtkWidget *units, *plus, *minus;

  ink_design_page_set_experiment (page, keras);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (win));
  units = must_find (hidden_row (page, 0), "units");
  plus = gui_spin_button_part (units, "up");
  minus = gui_spin_button_part (units, "down");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (units)), ==, "512");
  g_assert_true (gtk_widget_is_sensitive (plus));

  gtk_editable_set_text (GTK_EDITABLE (units), "5x2");
  pump ();
  g_assert_false (gtk_widget_is_sensitive (plus));
  g_assert_false (gtk_widget_is_sensitive (minus));
  if (!xdo_click (GTK_WIDGET (win), plus))
    {
      g_test_skip ("needs xdotool and X11");
      gtk_window_destroy (win);
      return;
    }
  wait_ms (300);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (units)), ==, "5x2");
  /* nor does the Up key */
  g_signal_emit_by_name (units, "change-value", GTK_SCROLL_STEP_UP);
  pump ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (units)), ==, "5x2");

  /* typed, valid, not entered: + steps from it */
  gtk_editable_set_text (GTK_EDITABLE (units), "300");
  pump ();
  g_assert_true (gtk_widget_is_sensitive (plus));
  xdo_click (GTK_WIDGET (win), plus);
  wait_ms (300);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (units)), ==, "301");
  gtk_window_destroy (win);
}

/* issue 11: an edited recipe is no longer named after the preset ("NAME
 * (edited)", back to NAME when the edit is undone), a name the user typed
 * is kept, and a refused value counts as an edit */
static void
test_name_follows_edits (void)
{
  InkDesignPage *page = ink_design_page_new ();
  GtkWindow *win = show_page (page);
  g_autoptr(InkExperiment) keras = preset ("keras-mnist-mlp");
  GtkWidget *name = must_find (GTK_WIDGET (page), "name");
  GtkWidget *epochs = form_widget (page, "epochs");

  ink_design_page_set_experiment (page, keras);
  g_assert_false (ink_design_page_get_modified (page));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "keras-mnist-mlp");

  type_text (epochs, "7");
  pump ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "keras-mnist-mlp (edited)");
  g_assert_true (ink_design_page_get_modified (page));
  {
    g_autoptr(InkExperiment) got = get_ok (page);
    g_assert_cmpstr (got->name, ==, "keras-mnist-mlp (edited)");
    g_assert_cmpuint (got->epochs, ==, 7);
  }
  g_assert_cmpstr (ink_design_page_get_base (page)->name, ==, "keras-mnist-mlp");

  /* the edit undone: the preset's name again, nothing modified */
  type_text (epochs, "20");
  pump ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "keras-mnist-mlp");
  g_assert_false (ink_design_page_get_modified (page));

  /* a name the user typed stays through further edits */
  gtk_editable_set_text (GTK_EDITABLE (name), "my digits");
  type_text (epochs, "5");
  pump ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "my digits");
  g_assert_true (ink_design_page_get_modified (page));

  /* a refused value is an edit too */
  ink_design_page_set_experiment (page, keras);
  g_assert_false (ink_design_page_get_modified (page));
  type_text (epochs, "many");
  pump ();
  g_assert_false (ink_design_page_get_valid (page));
  g_assert_true (ink_design_page_get_modified (page));
  gtk_window_destroy (win);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/design/presets", test_presets);
  g_test_add_func ("/design/exotic-values", test_exotic_values);
  g_test_add_func ("/design/invalid-units", test_invalid_units);
  g_test_add_func ("/design/invalid-dropout", test_invalid_dropout);
  g_test_add_func ("/design/invalid-learning-rate", test_invalid_learning_rate);
  g_test_add_func ("/design/other-refusals", test_other_refusals);
  g_test_add_func ("/design/structure", test_structure);
  g_test_add_func ("/design/layer-menu-after-move", test_layer_menu_after_move);
  g_test_add_func ("/design/optimizer-kind", test_optimizer_kind);
  g_test_add_func ("/design/summary", test_summary);
  g_test_add_func ("/design/device", test_device);
  g_test_add_func ("/design/augmentation-pretraining", test_augmentation_pretraining);
  g_test_add_func ("/design/reflow", test_reflow);
  g_test_add_func ("/design/spin-buttons-invalid", test_spin_buttons_invalid);
  g_test_add_func ("/design/name-follows-edits", test_name_follows_edits);
  return g_test_run ();
}
