/* test-gui-cnn.c
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

/* Convolutional networks in the workbench, driven through its widgets:
 * the keras-mnist-cnn preset picked from the Presets menu, a convolution
 * added through the layer editor's add menu and typed into, geometry that
 * cannot work refused on its row (Train greyed out) and fixed, Adadelta
 * and the schedules chosen in the form's combo rows, and a short training
 * of a small convolutional network started with the Train button, on a
 * synthetic dataset written as IDX files. */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ink-application.h"
#include "ink-design-page.h"
#include "ink-epoch-item.h"
#include "ink-evaluate-page.h"
#include "ink-metrics.h"
#include "ink-parity-dialog.h"
#include "ink-train-page.h"
#include "ink-window.h"
#include "test-util.h"
#include "test-gui-util.h"

static InkApplication *app;
static char *data_dir;
static char *ledger_dir;

static InkWindow *
new_window (void)
{
  return gui_new_window (app, ledger_dir, data_dir);
}

static InkDesignPage *
design_of (InkWindow *win)
{
  return INK_DESIGN_PAGE (ink_window_get_page (win, "design"));
}

static GtkWidget *
editor_of (InkWindow *win)
{
  return GTK_WIDGET (ink_design_page_get_layer_editor (design_of (win)));
}

/* the row of hidden layer `position` (0: the first after the input) */
static GtkWidget *
layer_row (InkWindow *win, int position)
{
  GtkWidget *list = gui_find_named (editor_of (win), "layers");
  GtkListBoxRow *row;

  g_assert_nonnull (list);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), position + 1);
  g_assert_nonnull (row);
  return GTK_WIDGET (row);
}

static GtkWidget *
input_row (InkWindow *win)
{
  return layer_row (win, -1);
}

/* the text of the subtitle (shape · parameters · memory) of a row: its
 * second label with the "caption" style */
static const char *
row_subtitle (GtkWidget *row)
{
  GtkWidget *title = gui_find (row, gui_match_type, GSIZE_TO_POINTER (GTK_TYPE_LABEL));
  GtkWidget *subtitle = title ? gtk_widget_get_next_sibling (title) : NULL;

  g_assert_nonnull (subtitle);
  return gtk_label_get_text (GTK_LABEL (subtitle));
}

static const char *
row_title_text (GtkWidget *row)
{
  GtkWidget *title = gui_find (row, gui_match_type, GSIZE_TO_POINTER (GTK_TYPE_LABEL));

  g_assert_nonnull (title);
  return gtk_label_get_text (GTK_LABEL (title));
}

/* types text into an entry or spin button and presses Enter */
static void
type_text (GtkWidget *editable, const char *text)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (editable));

  g_assert_nonnull (editable);
  gtk_widget_grab_focus (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  gtk_widget_activate (delegate ? GTK_WIDGET (delegate) : editable);
  gui_pump ();
}

/* The Train button, as the header bar shows it */
static GtkWidget *
train_button (InkWindow *win)
{
  GtkWidget *start = gui_find_action (GTK_WIDGET (win), "win.start");

  g_assert_nonnull (start);
  return start;
}

/* Chooses the item labelled `label` of an AdwComboRow as a user does:
 * a pointer click on the row opens its list, a click on the item picks it
 * (real pointer input through xdotool; without it, the row's activation
 * and the list's own actions stand in). */
static void
choose (GtkWidget *combo_row, const char *label)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (combo_row));
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  gboolean pointer = xdotool != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
  GtkWidget *popover, *list;
  guint found = G_MAXUINT;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);
      if (g_str_equal (gtk_string_object_get_string (item), label))
        found = i;
    }
  g_assert_cmpuint (found, !=, G_MAXUINT);
  if (pointer)
    {
      gui_scroll_into_view (combo_row);
      gui_xclick (combo_row);
    }
  else
    gtk_widget_activate (combo_row);
  gui_pump ();
  popover = gui_find_type (combo_row, GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_mapped (popover));
  list = gui_find_type (popover, GTK_TYPE_LIST_VIEW);
  g_assert_nonnull (list);
  if (pointer)
    {
      GtkWidget *text = gui_find (list, gui_match_exact_label, label);

      g_assert_nonnull (text);
      gui_scroll_into_view (text);
      gui_xclick (text);
    }
  else
    {
      /* a click on an item selects it, then activates it */
      g_assert_true (gtk_widget_activate_action (list, "list.select-item", "(ubb)", found, FALSE, FALSE));
      g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", found));
    }
  gui_pump ();
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (combo_row)), ==, found);
  g_assert_false (gtk_widget_get_mapped (popover));
}

static GtkWidget *
form_widget (InkWindow *win, const char *name)
{
  GtkWidget *w = gui_find_named (GTK_WIDGET (ink_design_page_get_training_form (design_of (win))), name);

  g_assert_nonnull (w);
  return w;
}

static gboolean
shown (InkWindow *win, const char *row_name)
{
  return gtk_widget_get_visible (form_widget (win, row_name));
}

/* the form shows Adadelta: learning rate 1, rho and epsilon, no momentum
 * or betas */
static void
assert_adadelta_form (InkWindow *win)
{
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (form_widget (win, "lr"))), ==, "1");
  g_assert_true (shown (win, "rho-row"));
  g_assert_true (shown (win, "eps-row"));
  g_assert_false (shown (win, "momentum-row"));
  g_assert_false (shown (win, "beta1-row"));
  g_assert_false (shown (win, "beta2-row"));
}

/* ------------------------------------------------------------------------ */

/* Presets → keras-mnist-cnn: the Design page shows its layers with their
 * shapes, the flatten before the dense layer, Keras' parameter count, and
 * the form Adadelta with its fields; nothing reads as edited. */
static void
test_preset_menu (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = design_of (win);
  GtkWidget *button = gui_find (GTK_WIDGET (win), gui_match_menu_label, "Presets");
  GtkPopover *popover;
  GtkWidget *row;
  g_autoptr(InkExperiment) got = NULL;
  g_autoptr(InkExperiment) want = ink_experiment_preset ("keras-mnist-cnn", NULL);
  g_autofree char *a = NULL, *b = NULL;
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  g_assert_nonnull (button);
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  /* with the pointer where there is one: the menu button, then the row */
  gtk_test_widget_wait_for_draw (button);
  if (xdotool != NULL)
    gui_xclick (button);
  else
    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (gui_wait_for (gui_is_mapped, popover, 10));
  row = gui_find_named (GTK_WIDGET (popover), "preset-keras-mnist-cnn");
  g_assert_nonnull (row);
  g_assert_true (gui_wait_for (gui_is_mapped, row, 10));
  /* the row states the source's figure and the epoch time measured here */
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_find_named (row, "summary"))),
                            "Keras: 99.25% · about 35 s an epoch here, 12 epochs"));
  if (xdotool != NULL)
    {
      gui_scroll_into_view (row);
      gui_shot (GTK_WIDGET (popover), "cnn-presets-menu.png");
      gui_xclick (row);
    }
  else
    g_signal_emit_by_name (row, "activate");
  gui_pump ();
  g_assert_true (gui_wait_for (gui_is_unmapped, popover, 10));

  g_assert_true (ink_design_page_get_valid (design));
  got = ink_design_page_get_experiment (design, NULL);
  g_assert_nonnull (got);
  a = ink_experiment_to_json (got, FALSE);
  b = ink_experiment_to_json (want, FALSE);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gui_find_named (GTK_WIDGET (design), "name"))), ==,
                   "keras-mnist-cnn");
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));

  /* the rows: 1×28×28 → 32×26×26 → 64×24×24 → 64×12×12 → flatten 9,216 → 128 → 10 */
  g_assert_nonnull (strstr (row_subtitle (input_row (win)), "1×28×28"));
  g_assert_cmpstr (row_title_text (layer_row (win, 0)), ==, "Layer 1 · Convolution");
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 0)), "32×26×26 · 320 parameters · "));
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 1)), "64×24×24 · 18,496 parameters · "));
  g_assert_cmpstr (row_title_text (layer_row (win, 2)), ==, "Layer 3 · Max pooling");
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 2)), "64×12×12 · no parameters · "));
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 3)),
                                   "flatten 9,216 → 128 · 1,179,776 parameters · "));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_find_named (editor_of (win), "parameters"))),
                            "1,199,882 parameters"));
  g_assert_nonnull (strstr (ink_design_page_get_summary (design), "784–c32k3–c64k3–mp2–128–10"));
  g_assert_nonnull (strstr (ink_design_page_get_summary (design), "Adadelta"));

  /* the form: Adadelta's rho and epsilon, no momentum or betas */
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (form_widget (win, "kind")))),
                   ==, "Adadelta");
  assert_adadelta_form (win);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (form_widget (win, "rho"))), ==, "0.95");
  gui_shot (GTK_WIDGET (win), "cnn-preset.png");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The add menu's Convolution puts a convolution before the dense layers;
 * filters and kernel typed into its entries reach the experiment and the
 * shapes; Max Pooling goes after it. */
static void
test_add_conv (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = design_of (win);
  g_autoptr(InkExperiment) mlp = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_autoptr(InkExperiment) got = NULL;
  GtkWidget *add, *arrow, *conv;

  ink_design_page_set_experiment (design, mlp);
  gui_pump ();
  g_assert_nonnull (strstr (row_subtitle (input_row (win)), "784 pixels"));

  add = gui_find_named (editor_of (win), "add-layer");
  g_assert_true (ADW_IS_SPLIT_BUTTON (add));
  arrow = gui_find_type (add, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (arrow);
  gui_click (gui_menu_item (GTK_MENU_BUTTON (arrow), "_Convolution"));
  g_assert_cmpuint (ink_layer_editor_get_n_hidden (ink_design_page_get_layer_editor (design)), ==, 3);
  conv = layer_row (win, 0);
  g_assert_cmpstr (row_title_text (conv), ==, "Layer 1 · Convolution");
  /* the focus went to its first field */
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (gui_find_named (conv, "filters")))))
                 || gtk_widget_has_focus (gui_find_named (conv, "filters")));

  type_text (gui_find_named (conv, "filters"), "8");
  type_text (gui_find_named (conv, "kernel"), "5");
  g_assert_true (ink_design_page_get_valid (design));
  got = ink_design_page_get_experiment (design, NULL);
  g_assert_cmpint (got->net->layers[0].kind, ==, INK_LAYER_CONV2D);
  g_assert_cmpint (got->net->layers[0].filters, ==, 8);
  g_assert_cmpint (got->net->layers[0].kernel_h, ==, 5);
  g_assert_cmpint (got->net->layers[0].kernel_w, ==, 5);
  g_assert_cmpint (got->net->layers[0].stride, ==, 1);
  g_assert_cmpint (got->net->layers[0].padding, ==, INK_PADDING_VALID);
  g_assert_cmpint (got->net->layers[1].kind, ==, INK_LAYER_DENSE);
  g_assert_nonnull (strstr (row_subtitle (input_row (win)), "1×28×28"));
  g_assert_true (g_str_has_prefix (row_subtitle (conv), "8×24×24 · 208 parameters · "));
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 1)), "flatten 4,608 → 512 · 2,359,808 parameters"));

  /* a 3×5 kernel, same padding: the size stays */
  type_text (gui_find_named (conv, "kernel"), "3×5");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (gui_find_named (conv, "padding")), 1);
  gui_pump ();
  g_assert_true (g_str_has_prefix (row_subtitle (conv), "8×28×28 · 128 parameters"));
  g_clear_pointer (&got, ink_experiment_free);
  got = ink_design_page_get_experiment (design, NULL);
  g_assert_cmpint (got->net->layers[0].kernel_h, ==, 3);
  g_assert_cmpint (got->net->layers[0].kernel_w, ==, 5);
  g_assert_cmpint (got->net->layers[0].padding, ==, INK_PADDING_SAME);

  /* max pooling goes after the convolution, before the flatten */
  gui_click (gui_menu_item (GTK_MENU_BUTTON (arrow), "_Max Pooling"));
  g_assert_cmpstr (row_title_text (layer_row (win, 1)), ==, "Layer 2 · Max pooling");
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 1)), "8×14×14 · no parameters"));
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 2)), "flatten 1,568 → 512"));
  /* batch normalization after the image layers too */
  gui_click (gui_menu_item (GTK_MENU_BUTTON (arrow), "_Batch Normalization"));
  g_assert_cmpstr (row_title_text (layer_row (win, 2)), ==, "Layer 3 · Batch normalization");
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 2)), "8×14×14 · 32 parameters"));
  g_assert_true (ink_design_page_get_valid (design));
  g_clear_pointer (&got, ink_experiment_free);
  got = ink_design_page_get_experiment (design, NULL);
  g_assert_cmpint (got->net->layers[1].kind, ==, INK_LAYER_MAX_POOL);
  g_assert_cmpint (got->net->layers[1].pool_size, ==, 2);
  g_assert_cmpint (got->net->layers[2].kind, ==, INK_LAYER_BATCH_NORM);
  g_assert_cmpfloat (got->net->layers[2].momentum, ==, 0.99f);
  g_assert_cmpfloat (got->net->layers[2].epsilon, ==, 1e-3f);

  /* the row's menu duplicates a convolution with its values, and removes it */
  gui_click (gui_menu_item (GTK_MENU_BUTTON (gui_find_type (conv, GTK_TYPE_MENU_BUTTON)), "D_uplicate"));
  g_assert_cmpstr (row_title_text (layer_row (win, 1)), ==, "Layer 2 · Convolution");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gui_find_named (layer_row (win, 1), "kernel"))), ==, "3×5");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (gui_find_named (layer_row (win, 1), "padding"))), ==, 1);
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 1)), "8×28×28 · 968 parameters"));
  gui_click (gui_menu_item (GTK_MENU_BUTTON (gui_find_type (layer_row (win, 1), GTK_TYPE_MENU_BUTTON)), "_Remove"));
  g_assert_cmpstr (row_title_text (layer_row (win, 1)), ==, "Layer 2 · Max pooling");

  /* the button itself still adds a dense layer at the end */
  gui_click (add);
  g_assert_cmpuint (ink_layer_editor_get_n_hidden (ink_design_page_get_layer_editor (design)), ==, 6);
  g_assert_cmpstr (row_title_text (layer_row (win, 5)), ==, "Hidden layer 6");
  gui_shot (GTK_WIDGET (win), "cnn-added.png");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Geometry that cannot work is refused on the row the core names, with
 * the sizes, and Train is greyed out until it is fixed: a kernel larger
 * than its input, a pooling window larger than its input, a convolution
 * after a dense layer. */
static void
test_bad_geometry (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = design_of (win);
  InkLayerEditor *editor = ink_design_page_get_layer_editor (design);
  g_autoptr(InkExperiment) cnn = ink_experiment_preset ("keras-mnist-cnn", NULL);
  GtkWidget *conv2, *pool, *error;

  ink_design_page_set_experiment (design, cnn);
  gui_pump ();
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));
  conv2 = layer_row (win, 1);
  error = gui_find_named (conv2, "error");

  type_text (gui_find_named (conv2, "kernel"), "30");
  g_assert_false (ink_layer_editor_get_valid (editor));
  g_assert_false (ink_design_page_get_valid (design));
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_true (gtk_widget_has_css_class (conv2, "error"));
  g_assert_true (gtk_widget_has_css_class (gui_find_named (conv2, "kernel"), "error"));
  g_assert_false (gtk_widget_has_css_class (gui_find_named (conv2, "filters"), "error"));
  g_assert_true (gtk_widget_get_visible (error));
  g_test_message ("%s", gtk_label_get_text (GTK_LABEL (error)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (error)), "layer 2 (conv2d 64 30×30)"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error)), "26×26"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error)), "30×30 kernel"));
  /* only that row: the first convolution is fine */
  g_assert_false (gtk_widget_has_css_class (layer_row (win, 0), "error"));
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 0)), "32×26×26"));
  g_assert_nonnull (strstr (ink_design_page_get_summary (design), "layer 2"));
  gui_shot (GTK_WIDGET (win), "cnn-bad-kernel.png");

  type_text (gui_find_named (conv2, "kernel"), "3");
  g_assert_true (ink_layer_editor_get_valid (editor));
  g_assert_false (gtk_widget_has_css_class (gui_find_named (conv2, "kernel"), "error"));
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));
  g_assert_false (gtk_widget_has_css_class (conv2, "error"));
  g_assert_false (gtk_widget_get_visible (error));

  /* values that do not read: refused on their field, named in the summary */
  type_text (gui_find_named (conv2, "kernel"), "3×3×3");
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error)), ==, "the kernel “3×3×3” is not a size such as 3 or 3×5");
  g_assert_true (gtk_widget_has_css_class (gui_find_named (conv2, "kernel"), "error"));
  type_text (gui_find_named (conv2, "kernel"), " 3 x 3 ");
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));
  type_text (gui_find_named (conv2, "filters"), "0");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error)), ==, "filters must be at least 1");
  g_assert_true (gtk_widget_has_css_class (gui_find_named (conv2, "filters"), "error"));
  g_assert_nonnull (strstr (ink_design_page_get_summary (design), "Layer 2 · Convolution: filters"));
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  type_text (gui_find_named (conv2, "filters"), "64");
  type_text (gui_find_named (layer_row (win, 0), "stride"), "2");
  g_assert_true (g_str_has_prefix (row_subtitle (layer_row (win, 0)), "32×13×13"));
  type_text (gui_find_named (layer_row (win, 0), "stride"), "1");
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));

  /* a pooling window larger than the 24×24 maps it gets */
  pool = layer_row (win, 2);
  type_text (gui_find_named (pool, "pool-size"), "25");
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_true (gtk_widget_has_css_class (pool, "error"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (gui_find_named (pool, "error"))),
                                   "layer 3 (max-pool 25×25): its input is 24×24"));
  type_text (gui_find_named (pool, "pool-size"), "2");
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));

  /* a convolution moved after the dense layer, through the row's menu */
  gui_click (gui_menu_item (GTK_MENU_BUTTON (gui_find_type (layer_row (win, 1), GTK_TYPE_MENU_BUTTON)),
                            "Move _Down"));
  gui_click (gui_menu_item (GTK_MENU_BUTTON (gui_find_type (layer_row (win, 2), GTK_TYPE_MENU_BUTTON)),
                            "Move _Down"));
  g_assert_cmpstr (row_title_text (layer_row (win, 3)), ==, "Layer 4 · Convolution");
  g_test_message ("%s", ink_design_page_get_summary (design));
  g_assert_false (ink_layer_editor_get_valid (editor));
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_find_named (layer_row (win, 3), "error"))),
                            "cannot follow a dense one"));
  gui_click (gui_menu_item (GTK_MENU_BUTTON (gui_find_type (layer_row (win, 3), GTK_TYPE_MENU_BUTTON)),
                            "_Remove"));
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* want loaded into the Design page and read back is the same experiment,
 * valid and not marked as edited */
static void
assert_form_round_trip (InkDesignPage       *design,
                        const InkExperiment *want)
{
  g_autoptr(InkExperiment) back = NULL;
  g_autofree char *a = NULL, *b = NULL;

  ink_design_page_set_experiment (design, want);
  gui_pump ();
  g_assert_true (ink_design_page_get_valid (design));
  back = ink_design_page_get_experiment (design, NULL);
  a = ink_experiment_to_json (want, FALSE);
  b = ink_experiment_to_json (back, FALSE);
  g_assert_cmpstr (a, ==, b);
  g_assert_false (ink_design_page_get_modified (design));
}

/* The form's combo rows: Adadelta shows rho and epsilon (learning rate
 * 1.0), the schedules their own fields; the core refuses a warm-up as long
 * as the run on the warm-up row; an experiment with a schedule goes
 * through the form unchanged. */
static void
test_optimizer_schedule (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = design_of (win);
  g_autoptr(InkExperiment) mlp = ink_experiment_preset ("keras-mnist-mlp", NULL);
  g_autoptr(InkExperiment) got = NULL;

  ink_design_page_set_experiment (design, mlp);
  gui_pump ();
  choose (form_widget (win, "kind"), "Adadelta");
  assert_adadelta_form (win);

  /* no schedule: only the warm-up */
  g_assert_true (shown (win, "warmup_epochs-row"));
  g_assert_false (shown (win, "step_epochs-row"));
  g_assert_false (shown (win, "min_lr-row"));
  g_assert_false (shown (win, "pct_start-row"));

  choose (form_widget (win, "schedule"), "Cosine");
  g_assert_true (shown (win, "min_lr-row"));
  g_assert_false (shown (win, "step_epochs-row"));
  g_assert_false (shown (win, "factor-row"));
  g_assert_false (shown (win, "div_factor-row"));
  g_assert_true (shown (win, "warmup_epochs-row"));
  type_text (form_widget (win, "min_lr"), "0.01");
  got = ink_design_page_get_experiment (design, NULL);
  g_assert_nonnull (got);
  g_assert_cmpint (got->optimizer.kind, ==, INK_OPT_ADADELTA);
  g_assert_cmpfloat (got->optimizer.lr, ==, 1.0f);
  g_assert_cmpfloat (got->optimizer.rho, ==, 0.95f);
  g_assert_cmpint (got->optimizer.schedule.kind, ==, INK_SCHEDULE_COSINE);
  g_assert_cmpfloat (got->optimizer.schedule.min_lr, ==, 0.01f);
  g_assert_nonnull (strstr (ink_design_page_get_summary (design), "Adadelta, cosine schedule"));
  gui_shot (GTK_WIDGET (ink_design_page_get_training_form (design)), "cnn-form-cosine.png");

  /* a final rate above the learning rate: the core's rule, on its row */
  type_text (form_widget (win, "min_lr"), "2");
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_true (gtk_widget_has_css_class (form_widget (win, "min_lr-row"), "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (form_widget (win, "min_lr-row"))), "min_lr"));
  type_text (form_widget (win, "min_lr"), "0");
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));

  /* step: its size and factor; one cycle: its three numbers */
  choose (form_widget (win, "schedule"), "Step Decay");
  g_assert_true (shown (win, "step_epochs-row"));
  g_assert_true (shown (win, "factor-row"));
  g_assert_false (shown (win, "min_lr-row"));
  choose (form_widget (win, "schedule"), "One Cycle");
  g_assert_true (shown (win, "pct_start-row"));
  g_assert_true (shown (win, "div_factor-row"));
  g_assert_true (shown (win, "final_div_factor-row"));
  g_assert_false (shown (win, "step_epochs-row"));

  /* a warm-up as long as the run (20 epochs) is refused there */
  type_text (form_widget (win, "warmup_epochs"), "20");
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_true (gtk_widget_has_css_class (form_widget (win, "warmup_epochs-row"), "error"));
  g_assert_nonnull (strstr (ink_design_page_get_summary (design), "Warm-Up Epochs"));
  type_text (form_widget (win, "warmup_epochs"), "2");
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));

  /* SGD: no rho, no epsilon; momentum for the momentum methods only */
  choose (form_widget (win, "kind"), "SGD");
  g_assert_false (shown (win, "rho-row"));
  g_assert_false (shown (win, "eps-row"));
  g_assert_false (shown (win, "momentum-row"));
  choose (form_widget (win, "kind"), "Nesterov Momentum");
  g_assert_true (shown (win, "momentum-row"));

  /* round trip: each schedule in an experiment loaded into the form and
   * read back is the same experiment */
  for (InkScheduleKind k = INK_SCHEDULE_NONE; k < INK_SCHEDULE_N_KINDS; k++)
    {
      g_autoptr(InkExperiment) want = ink_experiment_preset ("keras-mnist-cnn", NULL);

      want->optimizer.schedule.kind = k;
      want->optimizer.schedule.warmup_epochs = 3;
      want->optimizer.schedule.step_epochs = 4;
      want->optimizer.schedule.factor = 0.5f;
      want->optimizer.schedule.min_lr = 0.125f;
      want->optimizer.schedule.pct_start = 0.2f;
      want->optimizer.schedule.div_factor = 10.0f;
      want->optimizer.schedule.final_div_factor = 1000.0f;
      want->optimizer.decay = 0.9f;
      g_assert_true (ink_experiment_validate (want, NULL));
      assert_form_round_trip (design, want);
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Weight averaging: its row shows for every method and survives a change
 * of method; typed in, it reaches the experiment, the summary and the
 * layer editor's memory estimate (one more copy of the weights); a
 * decay of 1 is refused on its row; an experiment with it goes through the
 * form unchanged. */
static void
test_weight_average (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = design_of (win);
  g_autoptr(InkExperiment) best = ink_experiment_preset ("lenet-5", NULL);
  g_autoptr(InkExperiment) got = NULL;
  GtkWidget *memory;
  g_autofree char *before = NULL, *dense_before = NULL;
  const char *subtitle;

  ink_design_page_set_experiment (design, best);
  gui_pump ();
  memory = gui_find_named (editor_of (win), "memory");
  g_assert_nonnull (memory);
  before = g_strdup (gtk_label_get_text (GTK_LABEL (memory)));
  /* layer 5, dense 120 on 400 inputs: 48,120 weights, 0.4 MB a copy */
  dense_before = g_strdup (row_subtitle (layer_row (win, 4)));
  g_assert_true (g_str_has_prefix (dense_before, "flatten 400 → 120 · 48,120 parameters · "));
  g_assert_true (shown (win, "ema_decay-row"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (form_widget (win, "ema_decay"))), ==, "0");
  g_assert_null (strstr (ink_design_page_get_summary (design), "weight averaging"));

  gui_xtype_into (form_widget (win, "ema_decay"), "0.999");
  got = ink_design_page_get_experiment (design, NULL);
  g_assert_nonnull (got);
  g_assert_cmpfloat (got->optimizer.ema_decay, ==, 0.999f);
  g_assert_nonnull (strstr (ink_design_page_get_summary (design), "Adam, weight averaging"));
  /* 61,706 weights: one more copy in the training figure, and in the
   * memory of the row that holds most of them */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (memory)), !=, before);
  g_assert_cmpstr (row_subtitle (layer_row (win, 4)), !=, dense_before);
  gui_shot (GTK_WIDGET (ink_design_page_get_training_form (design)), "cnn-form-averaging.png");

  /* another method loads its defaults; the averaging stays */
  choose (form_widget (win, "kind"), "SGD");
  g_assert_true (shown (win, "ema_decay-row"));
  choose (form_widget (win, "kind"), "Adadelta");
  g_assert_true (shown (win, "ema_decay-row"));
  g_clear_pointer (&got, ink_experiment_free);
  got = ink_design_page_get_experiment (design, NULL);
  g_assert_cmpint (got->optimizer.kind, ==, INK_OPT_ADADELTA);
  g_assert_cmpfloat (got->optimizer.ema_decay, ==, 0.999f);

  /* 1 would never move from the initial weights */
  gui_xtype_into (form_widget (win, "ema_decay"), "1");
  g_assert_false (gtk_widget_is_sensitive (train_button (win)));
  g_assert_true (gtk_widget_has_css_class (form_widget (win, "ema_decay-row"), "error"));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (form_widget (win, "ema_decay-row")));
  g_test_message ("refused: %s", subtitle);
  g_assert_nonnull (strstr (subtitle, "averaging decay"));
  gui_xtype_into (form_widget (win, "ema_decay"), "0");
  g_assert_true (gtk_widget_is_sensitive (train_button (win)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (memory)), ==, before);
  g_assert_cmpstr (row_subtitle (layer_row (win, 4)), ==, dense_before);
  g_clear_pointer (&got, ink_experiment_free);
  got = ink_design_page_get_experiment (design, NULL);
  g_assert_cmpfloat (got->optimizer.ema_decay, ==, 0.0f);

  /* round trip */
  {
    g_autoptr(InkExperiment) want = ink_experiment_preset ("best-cnn", NULL);

    want->optimizer.ema_decay = 0.9995f;
    assert_form_round_trip (design, want);
  }
  /* the row in view, for a look at the window in both themes, as it opens
   * and at 800×600 (last: no popover opens after the resize) */
  gui_scroll_into_view (form_widget (win, "ema_decay-row"));
  gui_shot (GTK_WIDGET (win), "cnn-weight-average.png");
  gtk_window_set_default_size (GTK_WINDOW (win), 800, 600);
  wait_ms (300);
  gui_scroll_into_view (form_widget (win, "ema_decay-row"));
  gui_shot (GTK_WIDGET (win), "cnn-weight-average-800x600.png");
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean fits_800x600 (gpointer w);

/* A small convolutional network on the first 500 images (typed into the
 * Subset field), started with the Train button: it finishes, the Train
 * page's table shows the validation accuracy, Evaluate grades the model. */
static void
test_train_small_cnn (void)
{
  InkWindow *win = new_window ();
  InkDesignPage *design = design_of (win);
  InkTrainPage *train = INK_TRAIN_PAGE (ink_window_get_page (win, "train"));
  InkEvaluatePage *evaluate = INK_EVALUATE_PAGE (ink_window_get_page (win, "evaluate"));
  g_autoptr(InkExperiment) cnn = ink_experiment_preset ("keras-mnist-cnn", NULL);
  g_autofree char *shown_acc = NULL;
  g_autoptr(InkEpochItem) last = NULL;
  GListModel *history;
  InkRun *run;

  /* conv 4 3×3, max-pool 2×2, dense 16, softmax; Adadelta, 2 epochs */
  cnn->net->layers[0].filters = 4;
  cnn->net->layers[1] = cnn->net->layers[2];
  cnn->net->layers[2] = cnn->net->layers[3];
  cnn->net->layers[2].units = 16;
  cnn->net->layers[3] = cnn->net->layers[4];
  cnn->net->n_layers = 4;
  cnn->epochs = 2;
  cnn->batch_size = 32;
  g_free (cnn->name);
  cnn->name = g_strdup ("small-cnn");
  ink_design_page_set_experiment (design, cnn);
  gui_pump ();
  type_text (form_widget (win, "subset"), "350");
  g_assert_true (ink_design_page_get_valid (design));

  gui_click (train_button (win));
  run = ink_window_get_run (win);
  g_assert_nonnull (run);
  g_assert_true (gui_wait_for (gui_run_ended, win, 300));
  g_assert_cmpint (ink_run_get_state (run), ==, INK_RUN_FINISHED);
  g_assert_cmpuint (ink_run_get_experiment (run)->split.subset, ==, 350);
  g_assert_cmpint (ink_run_get_experiment (run)->net->layers[0].kind, ==, INK_LAYER_CONV2D);
  history = ink_run_get_history (run);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  last = g_list_model_get_item (history, 1);
  g_test_message ("validation accuracy %.4f, test accuracy %.4f",
                  ink_epoch_item_get_record (last)->valid_acc, ink_run_get_test_accuracy (run));
  /* the squares of the synthetic digits are easy to find for filters */
  g_assert_cmpfloat (ink_epoch_item_get_record (last)->valid_acc, >, 0.5);

  gui_click (gui_find (GTK_WIDGET (win), gui_match_switcher_button, "Train"));
  gui_pump ();
  shown_acc = g_strdup_printf ("%.2f", ink_epoch_item_get_record (last)->valid_acc * 100);
  g_assert_nonnull (gui_find (GTK_WIDGET (train), gui_match_exact_label, shown_acc));
  g_assert_nonnull (strstr (ink_train_page_get_outcome (train), "Test accuracy"));
  gui_shot (GTK_WIDGET (win), "cnn-trained.png");

  /* Evaluate grades the trained network on the images the run tested it
   * on: the first 350 of the 400 test images; at 800×600 the page still fits */
  gui_click (gui_find (GTK_WIDGET (win), gui_match_switcher_button, "Evaluate"));
  g_assert_true (gui_wait_for (gui_evaluated, win, 60));
  g_assert_cmpuint (ink_evaluate_page_get_metrics (evaluate)->total, ==, 350);
  g_assert_cmpfloat_with_epsilon (ink_metrics_accuracy (ink_evaluate_page_get_metrics (evaluate)),
                                  ink_run_get_test_accuracy (run), 0.005);
  gtk_window_unmaximize (GTK_WINDOW (win));
  gtk_window_set_default_size (GTK_WINDOW (win), 800, 600);
  gui_wait_for (gui_window_within_800x600, win, 5);
  gui_pump ();
  g_assert_true (gui_wait_for (fits_800x600, win, 5));
  /* nothing of the results lies beyond the window's right edge: the most
   * frequent mistakes go under the report instead of beside it */
  {
    GtkWidget *mistakes = gui_find_label (GTK_WIDGET (evaluate), "Most frequent mistakes");
    graphene_rect_t b;

    g_assert_nonnull (mistakes);
    g_assert_true (gtk_widget_compute_bounds (mistakes, GTK_WIDGET (win), &b));
    g_assert_cmpfloat (b.origin.x + b.size.width, <=, gtk_widget_get_width (GTK_WIDGET (win)));
  }
  gui_shot (GTK_WIDGET (win), "cnn-evaluate-800.png");
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
fits_800x600 (gpointer w)
{
  int min_w, min_h, nat;

  gtk_widget_measure (GTK_WIDGET (w), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (w), GTK_ORIENTATION_VERTICAL, 800, &min_h, &nat, NULL, NULL);
  return min_w <= 800 && min_h <= 600;
}

/* The Design page of a convolutional network at 800×600 and at full size:
 * the window asks for no more, and no label is cut short. */
static void
test_800x600 (void)
{
  InkWindow *win = new_window ();
  g_autoptr(InkExperiment) cnn = ink_experiment_preset ("keras-mnist-cnn", NULL);
  const int sizes[][2] = { { 1280, 800 }, { 800, 600 } };

  ink_design_page_set_experiment (design_of (win), cnn);
  gtk_window_unmaximize (GTK_WINDOW (win));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int min_w, min_h, nat;
      GtkWidget *cut;

      gtk_window_set_default_size (GTK_WINDOW (win), sizes[i][0], sizes[i][1]);
      if (sizes[i][0] == 800 && !gui_wait_for (gui_window_within_800x600, win, 5))
        g_test_message ("not resized: %dx%d", gtk_widget_get_width (GTK_WIDGET (win)),
                        gtk_widget_get_height (GTK_WIDGET (win)));
      gui_pump ();
      gtk_test_widget_wait_for_draw (GTK_WIDGET (win));
      /* the view switcher bar slides in below a narrow window: measured once it is in */
      gui_wait_for (fits_800x600, win, 5);
      gtk_widget_measure (GTK_WIDGET (win), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (win), GTK_ORIENTATION_VERTICAL, 800, &min_h, &nat, NULL, NULL);
      g_test_message ("at %dx%d: asks for at least %dx%d", gtk_widget_get_width (GTK_WIDGET (win)),
                      gtk_widget_get_height (GTK_WIDGET (win)), min_w, min_h);
      if (min_h > 600)
        gui_dump_heights (GTK_WIDGET (win), 790, 0, 9);
      g_assert_cmpint (min_w, <=, 800);
      g_assert_cmpint (min_h, <=, 600);
      cut = gui_find_truncated_label (ink_window_get_page (win, "design"));
      if (cut)
        g_error ("“%s” is cut short at %dx%d", gtk_label_get_text (GTK_LABEL (cut)),
                 gtk_widget_get_width (GTK_WIDGET (win)), gtk_widget_get_height (GTK_WIDGET (win)));
      gui_shot (GTK_WIDGET (win), sizes[i][0] == 800 ? "cnn-design-800.png" : "cnn-design-full.png");
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* CPU and GPU agreement for a convolutional network: without a GPU the
 * report says so; with one, that the CUDA backend cannot run the
 * convolution, naming it; never a table of nonsense, never a crash. */
static void
test_parity_refused (void)
{
  g_autoptr(InkExperiment) cnn = ink_experiment_preset ("lenet-5", NULL);
  g_autoptr(InkDataset) ds = test_synthetic_dataset (40, 5);
  g_autoptr(GError) gpu_error = NULL;
  g_autoptr(InkBackend) gpu = ink_backend_new ("cuda", &gpu_error);
  g_autoptr(GObject) source = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *params = g_new0 (float, ink_net_spec_n_params (cnn->net));
  g_autofree char *summary = NULL;
  g_autofree char *table = NULL;
  InkNorm norm;

  ink_norm_fit (&norm, INK_NORM_SCALE, NULL, NULL, 0);
  ink_parity_dialog_compare_async (source, cnn->net, params, &norm, ds, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (ink_parity_dialog_compare_finish (result, &summary, &table, &error));
  g_assert_no_error (error);
  g_test_message ("%s", summary);
  g_assert_null (table);
  if (gpu == NULL)
    {
      g_assert_nonnull (strstr (summary, "needs a CUDA GPU"));
      g_assert_false (ink_parity_dialog_compare_refused (result));
    }
  else
    {
      g_assert_true (ink_parity_dialog_compare_refused (result));
      g_assert_nonnull (strstr (summary, "cannot run this network"));
      g_assert_nonnull (strstr (summary, "layer 1 (conv2d 6 5×5)"));
    }
}

int
main (int argc, char **argv)
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  data_dir = test_synthetic_dir (1500, 400);
  ledger_dir = g_dir_make_tmp ("ink-ledger-XXXXXX", NULL);
  app = ink_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/cnn/preset-menu", test_preset_menu);
  g_test_add_func ("/cnn/add-conv", test_add_conv);
  g_test_add_func ("/cnn/bad-geometry", test_bad_geometry);
  g_test_add_func ("/cnn/optimizer-schedule", test_optimizer_schedule);
  g_test_add_func ("/cnn/weight-average", test_weight_average);
  g_test_add_func ("/cnn/800x600", test_800x600);
  g_test_add_func ("/cnn/train-small-cnn", test_train_small_cnn);
  g_test_add_func ("/cnn/parity-refused", test_parity_refused);
  ret = g_test_run ();

  g_object_unref (app);
  test_remove_tree (data_dir);
  test_remove_tree (ledger_dir);
  g_free (data_dir);
  g_free (ledger_dir);
  return ret;
}
