/* ink-layer-editor.c
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

/* The layer editor: input, hidden and output rows, the weights group,
 * validation as typed and the parameter and memory summary; and quiet
 * tooltips on menu buttons. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ink-combo-row.h"
#include "ink-form-state.h"
#include "ink-layer-editor.h"
#include "ink-markup.h"
#include "ink-number-field.h"
#include "ink-preflight.h"

/* ------------------------------------------------------------------------ */
/* menu buttons: no tooltip over the menu that just opened                   */

static void
on_menu_popover_visible (GtkWidget  *popover,
                         GParamSpec *pspec,
                         GtkWidget  *button)
{
  if (gtk_widget_get_visible (popover))
    gtk_widget_set_has_tooltip (button, FALSE);
  else
    gtk_widget_set_has_tooltip (button, gtk_widget_get_tooltip_text (button) != NULL ||
                                        gtk_widget_get_tooltip_markup (button) != NULL);
}

static void
on_menu_popover_changed (GtkMenuButton *button)
{
  GtkPopover *popover = gtk_menu_button_get_popover (button);

  if (popover && !g_object_get_data (G_OBJECT (popover), "ink-quiet-tooltip"))
    {
      g_object_set_data (G_OBJECT (popover), "ink-quiet-tooltip", GINT_TO_POINTER (1));
      g_signal_connect_object (popover, "notify::visible", G_CALLBACK (on_menu_popover_visible), button, 0);
    }
}

void
ink_menu_button_quiet_tooltip (GtkMenuButton *button)
{
  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  if (g_object_get_data (G_OBJECT (button), "ink-quiet-tooltip"))
    return;
  g_object_set_data (G_OBJECT (button), "ink-quiet-tooltip", GINT_TO_POINTER (1));
  /* the popover is replaced with the menu model */
  g_signal_connect (button, "notify::popover", G_CALLBACK (on_menu_popover_changed), NULL);
  g_signal_connect (button, "notify::menu-model", G_CALLBACK (on_menu_popover_changed), NULL);
  on_menu_popover_changed (button);
}

void
ink_menu_buttons_quiet_tooltips (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_MENU_BUTTON (root))
    ink_menu_button_quiet_tooltip (GTK_MENU_BUTTON (root));
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    ink_menu_buttons_quiet_tooltips (c);
}

/* ------------------------------------------------------------------------ */
/* the editor                                                                */

static const InkNumberRule units_rule = { N_("units"), TRUE, FALSE, 1, INK_MAX_UNITS, 0, 0, FALSE, FALSE };
static const InkNumberRule dropout_rule = { N_("dropout"), FALSE, TRUE, 0, 0, 0.0, 1.0, FALSE, TRUE };
static const InkNumberRule input_dropout_rule = { N_("input dropout"), FALSE, TRUE, 0, 0, 0.0, 1.0, FALSE, TRUE };
static const InkNumberRule slope_rule = { N_("the slope"), FALSE, TRUE, 0, 0, 0.0, 1.0, FALSE, FALSE };
/* the core's limits (ink-experiment.c reads them with the same bounds) */
static const InkNumberRule filters_rule = { N_("filters"), TRUE, FALSE, 1, INK_MAX_UNITS, 0, 0, FALSE, FALSE };
static const InkNumberRule stride_rule = { N_("the stride"), TRUE, FALSE, 1, 1024, 0, 0, FALSE, FALSE };
static const InkNumberRule pool_size_rule = { N_("the window"), TRUE, FALSE, 1, 1024, 0, 0, FALSE, FALSE };
static const InkNumberRule momentum_rule = { N_("momentum"), FALSE, TRUE, 0, 0, 0.0, 1.0, FALSE, TRUE };
static const InkNumberRule epsilon_rule = { N_("epsilon"), FALSE, TRUE, 0, 0, 0.0, 1e6, TRUE, FALSE };
#define MAX_KERNEL 1024

static const InkActivation hidden_acts[] = {
  INK_ACT_RELU, INK_ACT_LEAKY_RELU, INK_ACT_TANH, INK_ACT_SIGMOID, INK_ACT_IDENTITY,
};
static const char * const hidden_act_labels[] = {
  N_("ReLU"), N_("Leaky ReLU"), N_("tanh"), N_("Sigmoid"), N_("Identity"),
};

static const struct { InkActivation act; const char *label; } output_choices[] = {
  { INK_ACT_SOFTMAX, N_("Softmax · cross-entropy") },
  { INK_ACT_IDENTITY, N_("Identity · MSE") },
  { INK_ACT_SIGMOID, N_("Sigmoid · MSE") },
  { INK_ACT_TANH, N_("tanh · MSE") },
  { INK_ACT_RELU, N_("ReLU · MSE") },
  { INK_ACT_LEAKY_RELU, N_("Leaky ReLU · MSE") },
};
#define N_COMMON_OUTPUTS 4   /* the others are offered only when a spec uses them */

static const struct { InkInit init; const char *label; } init_choices[] = {
  { INK_INIT_GLOROT_UNIFORM, N_("Glorot uniform") },
  { INK_INIT_GLOROT_NORMAL, N_("Glorot normal") },
  { INK_INIT_HE_UNIFORM, N_("He uniform") },
  { INK_INIT_HE_NORMAL, N_("He normal") },
};

/* One row per hidden layer.  The fields a kind does not have are NULL:
 * dense rows have units, activation and dropout; conv2d rows filters,
 * kernel, stride, padding, activation and dropout; pools their window
 * (pool_size), stride and dropout (their activation is kept as set, in
 * fixed_act); batch norm momentum, epsilon, activation and dropout. */
typedef struct
{
  InkLayerEditor     *editor;
  InkLayerKind        kind;
  InkActivation       fixed_act;
  GtkWidget          *row;
  GtkWidget          *title;
  GtkWidget          *subtitle;
  GtkWidget          *units;
  GtkWidget          *filters;
  GtkWidget          *kernel;
  GtkWidget          *stride;
  GtkWidget          *padding;
  GtkWidget          *pool_size;
  GtkWidget          *momentum;
  GtkWidget          *epsilon;
  GtkWidget          *activation;
  GtkWidget          *dropout;
  GtkWidget          *menu;
  GtkWidget          *error;
  GSimpleActionGroup *actions;
} LayerRow;

#define LAYER_ROW_KEY "ink-layer-row"
#define MAX_HIDDEN INK_MAX_HIDDEN_LAYERS

struct _InkLayerEditor
{
  GtkWidget         parent_instance;

  GtkWidget        *box;
  GtkWidget        *add_button;
  GtkListBox       *list;
  GtkSizeGroup     *col_units;
  GtkSizeGroup     *col_act;
  GtkSizeGroup     *col_dropout;
  GtkSizeGroup     *col_menu;

  GtkWidget        *input_row;
  GtkWidget        *input_subtitle;
  GtkWidget        *input_dropout;
  GtkWidget        *input_error;

  GtkWidget        *output_row;
  GtkWidget        *output_subtitle;
  GtkWidget        *output_error;
  GtkWidget        *output_act;       /* GtkDropDown over output_names */
  GtkStringList    *output_names;
  GArray           *output_acts;      /* InkActivation per item */

  GtkWidget        *params_label;
  GtkWidget        *memory_label;

  GtkWidget        *init_row;         /* AdwComboRow */
  GtkWidget        *slope_row;
  GtkWidget        *slope_entry;
  GtkWidget        *zero_switch;

  int               n_inputs;
  int               in_channels;      /* the spec's input image, as set (0: derived) */
  int               in_height;
  int               in_width;
  int               n_classes;
  guint             n_hidden;
  InkOptimizerKind  kind;
  float             ema_decay;   /* the form's weight averaging (0: none): 1 more buffer */
  guint             batch_size;

  gboolean          valid;
  char             *summary;
  guint             updating;         /* > 0 while set_spec rebuilds the rows */
};

G_DEFINE_FINAL_TYPE (InkLayerEditor, ink_layer_editor, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_VALID, PROP_SUMMARY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static LayerRow *
layer_row_at (InkLayerEditor *self,
              guint           position)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) position + 1);

  g_return_val_if_fail (row != NULL, NULL);
  return g_object_get_data (G_OBJECT (row), LAYER_ROW_KEY);
}

static int
layer_row_position (LayerRow *lr)
{
  return gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (lr->row)) - 1;
}

static void
show_error (GtkWidget  *row,
            GtkWidget  *label,
            const char *message)
{
  if (message != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_label_set_text (GTK_LABEL (label), message);
      gtk_widget_set_visible (label, TRUE);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_widget_set_visible (label, FALSE);
    }
}

static void
mark_field (GtkWidget  *editable,
            const char *message)
{
  if (message != NULL)
    gtk_widget_add_css_class (editable, "error");
  else
    gtk_widget_remove_css_class (editable, "error");
}

static InkActivation
output_activation (InkLayerEditor *self)
{
  guint i = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->output_act));

  if (i >= self->output_acts->len)
    i = 0;
  return g_array_index (self->output_acts, InkActivation, i);
}

static guint
output_index (InkLayerEditor *self,
              InkActivation   act)
{
  for (guint i = 0; i < self->output_acts->len; i++)
    if (g_array_index (self->output_acts, InkActivation, i) == act)
      return i;
  for (guint c = 0; c < G_N_ELEMENTS (output_choices); c++)
    if (output_choices[c].act == act)
      {
        g_array_append_val (self->output_acts, act);
        gtk_string_list_append (self->output_names, _(output_choices[c].label));
        return self->output_acts->len - 1;
      }
  return 0;
}

static char *
input_description (int n_inputs)
{
  int side = (int) lround (sqrt ((double) n_inputs));

  if (side * side == n_inputs)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d pixel (%d×%d)", "%d pixels (%d×%d)", n_inputs),
                            n_inputs, side, side);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d input", "%d inputs", n_inputs), n_inputs);
}

static char *
params_text (guint64 n)
{
  g_autofree char *count = ink_format_count (n);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s parameter", "%s parameters", n), count);
}

/* The input row's dropout into spec; with style, its error state.  The
 * first refused value's reason goes to *first. */
static void
read_input_row (InkLayerEditor  *self,
                InkNetSpec      *spec,
                gboolean         style,
                char           **first)
{
  g_autofree char *msg = NULL;
  double v;

  if (ink_number_parse (&input_dropout_rule, gtk_editable_get_text (GTK_EDITABLE (self->input_dropout)),
                        &v, NULL, &msg))
    spec->input_dropout = (float) v;
  else if (*first == NULL)
    *first = g_strdup_printf (_("Input: %s"), msg);
  if (style)
    {
      mark_field (self->input_dropout, msg);
      show_error (self->input_row, self->input_error, msg);
    }
}

/* "3", "3×5" or "3x5" (height × width) */
static gboolean
parse_kernel (const char  *text,
              int         *kh,
              int         *kw,
              char       **message)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  g_auto(GStrv) parts = NULL;
  gint64 v[2] = { 0, 0 };
  guint n;
  char *x;

  /* "×" is one character, two bytes: make it an x */
  while ((x = strstr (t, "×")) != NULL)
    {
      x[0] = 'x';
      memmove (x + 1, x + strlen ("×"), strlen (x + strlen ("×")) + 1);
    }
  parts = g_strsplit (t, "x", 3);
  n = g_strv_length (parts);
  for (guint i = 0; i < n && i < 2; i++)
    {
      char *end = NULL;
      g_strstrip (parts[i]);
      v[i] = g_ascii_strtoll (parts[i], &end, 10);
      if (*parts[i] == '\0' || end == NULL || *end != '\0')
        n = 0;
    }
  if (n < 1 || n > 2)
    {
      *message = g_strdup_printf (_("the kernel “%s” is not a size such as 3 or 3×5"), text);
      return FALSE;
    }
  if (n == 1)
    v[1] = v[0];
  if (v[0] < 1 || v[1] < 1 || v[0] > MAX_KERNEL || v[1] > MAX_KERNEL)
    {
      *message = g_strdup_printf (_("the kernel must be between 1 and %d on each side"), MAX_KERNEL);
      return FALSE;
    }
  *kh = (int) v[0];
  *kw = (int) v[1];
  return TRUE;
}

static char *
kernel_text (int kh, int kw)
{
  return kh == kw ? g_strdup_printf ("%d", kh) : g_strdup_printf ("%d×%d", kh, kw);
}

/* what a row is called, in titles and in messages: the core's numbering
 * (from 1, over every layer) */
static char *
row_title (InkLayerKind kind,
           guint        position)
{
  switch (kind)
    {
    case INK_LAYER_CONV2D:
      return g_strdup_printf (_("Layer %u · Convolution"), position + 1);
    case INK_LAYER_MAX_POOL:
      return g_strdup_printf (_("Layer %u · Max pooling"), position + 1);
    case INK_LAYER_AVG_POOL:
      return g_strdup_printf (_("Layer %u · Average pooling"), position + 1);
    case INK_LAYER_BATCH_NORM:
      return g_strdup_printf (_("Layer %u · Batch normalization"), position + 1);
    case INK_LAYER_DENSE:
    default:
      return g_strdup_printf (_("Hidden layer %u"), position + 1);
    }
}

/* one field of a row: its value (when it reads well) and the reason it
 * does not, appended to *msgs */
static gboolean
read_field (GtkWidget           *editable,
            const InkNumberRule *rule,
            double              *value,
            gint64              *ivalue,
            GString             *msgs,
            gboolean             style)
{
  g_autofree char *msg = NULL;
  gboolean ok = ink_number_parse (rule, gtk_editable_get_text (GTK_EDITABLE (editable)), value, ivalue, &msg);

  if (!ok)
    g_string_append_printf (msgs, "%s%s", msgs->len ? "; " : "", msg);
  if (style)
    mark_field (editable, msg);
  return ok;
}

/* Hidden layer i into ls; with style, its error state.  FALSE when a value
 * is refused (the first reason goes to *first). */
static gboolean
read_layer_row (InkLayerEditor  *self,
                guint            i,
                InkLayerSpec    *ls,
                gboolean         style,
                char           **first)
{
  LayerRow *lr = layer_row_at (self, i);
  g_autoptr(GString) msgs = g_string_new (NULL);
  gint64 iv = 0;
  double v;

  memset (ls, 0, sizeof *ls);
  ls->kind = lr->kind;
  ls->activation = lr->fixed_act;
  if (lr->units && read_field (lr->units, &units_rule, NULL, &iv, msgs, style))
    ls->units = (int) iv;
  if (lr->filters && read_field (lr->filters, &filters_rule, NULL, &iv, msgs, style))
    ls->filters = (int) iv;
  if (lr->kernel)
    {
      g_autofree char *msg = NULL;

      if (!parse_kernel (gtk_editable_get_text (GTK_EDITABLE (lr->kernel)), &ls->kernel_h, &ls->kernel_w, &msg))
        g_string_append_printf (msgs, "%s%s", msgs->len ? "; " : "", msg);
      if (style)
        mark_field (lr->kernel, msg);
    }
  if (lr->pool_size && read_field (lr->pool_size, &pool_size_rule, NULL, &iv, msgs, style))
    ls->pool_size = (int) iv;
  if (lr->stride && read_field (lr->stride, &stride_rule, NULL, &iv, msgs, style))
    ls->stride = (int) iv;
  if (lr->padding)
    ls->padding = gtk_drop_down_get_selected (GTK_DROP_DOWN (lr->padding)) == 1 ? INK_PADDING_SAME
                                                                                : INK_PADDING_VALID;
  if (lr->momentum && read_field (lr->momentum, &momentum_rule, &v, NULL, msgs, style))
    ls->momentum = (float) v;
  if (lr->epsilon && read_field (lr->epsilon, &epsilon_rule, &v, NULL, msgs, style))
    ls->epsilon = (float) v;
  if (lr->dropout && read_field (lr->dropout, &dropout_rule, &v, NULL, msgs, style))
    ls->dropout = (float) v;
  if (lr->activation)
    {
      guint sel = gtk_drop_down_get_selected (GTK_DROP_DOWN (lr->activation));
      ls->activation = hidden_acts[MIN (sel, G_N_ELEMENTS (hidden_acts) - 1)];
    }

  if (msgs->len && *first == NULL)
    {
      g_autofree char *title = row_title (lr->kind, i);
      *first = g_strdup_printf ("%s: %s", title, msgs->str);
    }
  if (style)
    show_error (lr->row, lr->error, msgs->len ? msgs->str : NULL);
  return msgs->len == 0;
}

/* The output layer (its units are the classes) and the loss its
 * activation trains with. */
static void
read_output_row (InkLayerEditor *self,
                 InkNetSpec     *spec)
{
  InkLayerSpec *out = &spec->layers[self->n_hidden];

  out->kind = INK_LAYER_DENSE;
  out->units = self->n_classes;
  out->activation = output_activation (self);
  out->dropout = 0.0f;
  spec->loss = out->activation == INK_ACT_SOFTMAX ? INK_LOSS_CROSS_ENTROPY : INK_LOSS_MSE;
}

/* The initialization, zero output weights and the leaky ReLU slope (a
 * refused slope counts only when a layer uses leaky ReLU). */
static void
read_weights (InkLayerEditor  *self,
              InkNetSpec      *spec,
              gboolean         style,
              char           **first)
{
  g_autofree char *msg = NULL;
  guint sel = adw_combo_row_get_selected (ADW_COMBO_ROW (self->init_row));
  double v;

  spec->init = init_choices[MIN (sel, G_N_ELEMENTS (init_choices) - 1)].init;
  spec->zero_output_init = gtk_switch_get_active (GTK_SWITCH (self->zero_switch)) ? 1.0f : 0.0f;
  if (ink_number_parse (&slope_rule, gtk_editable_get_text (GTK_EDITABLE (self->slope_entry)),
                        &v, NULL, &msg))
    spec->leaky_slope = (float) v;
  else
    {
      gboolean uses_leaky = output_activation (self) == INK_ACT_LEAKY_RELU;
      for (guint i = 0; i < self->n_hidden; i++)
        uses_leaky = uses_leaky || spec->layers[i].activation == INK_ACT_LEAKY_RELU;
      /* the slope only matters, and is only shown, when a layer uses it */
      if (uses_leaky && *first == NULL)
        *first = g_strdup_printf (_("Leaky ReLU slope: %s"), msg);
      spec->leaky_slope = 0.01f;
      if (!uses_leaky)
        g_clear_pointer (&msg, g_free);
    }
  if (style)
    {
      mark_field (self->slope_entry, msg);
      if (msg)
        gtk_widget_add_css_class (self->slope_row, "error");
      else
        gtk_widget_remove_css_class (self->slope_row, "error");
      ink_row_set_plain_subtitle (ADW_ACTION_ROW (self->slope_row),
                                  msg ? msg : _("The negative side's slope, for the layers that use leaky ReLU"));
    }
}

static char *
shape_text (const InkLayerShape *sh)
{
  if (sh->flat)
    return ink_format_count (sh->n_outputs);
  return g_strdup_printf ("%d×%d×%d", sh->channels, sh->height, sh->width);
}

/* The rows' subtitles: what each layer puts out, its parameters and its
 * memory (the core's plan), for the first n_known layers, whose shapes
 * are known; the memory only when the whole network's geometry works. */
/* what the memory plan reads of an experiment: the network, the optimizer's
 * buffers and the batch size (the dataset's part is left out) */
static InkExperiment
plan_experiment (InkLayerEditor   *self,
                 const InkNetSpec *spec)
{
  return (InkExperiment) { .net = (InkNetSpec *) spec, .optimizer.kind = self->kind,
                           .optimizer.ema_decay = self->ema_decay, .batch_size = self->batch_size };
}

static void
show_shapes (InkLayerEditor      *self,
             const InkNetSpec    *spec,
             const InkLayerShape *shapes,
             int                  n_known)
{
  InkExperiment exp = plan_experiment (self, spec);
  gboolean plan_ok = n_known == spec->n_layers;
  g_autofree char *input = NULL;
  g_autofree char *rows = ink_format_count (MAX (self->batch_size, (guint) INK_EVAL_BATCH));
  g_autofree char *memory_tip =
    g_strdup_printf (_("What the layer hands on, its parameters, and its memory while training: its weights, "
                       "their gradients and the optimizer's state, and its outputs, their gradients and its "
                       "masks for %s rows"), rows);

  if (n_known > 0 && !shapes[0].in_flat)
    {
      g_autofree char *count = ink_format_count (shapes[0].n_inputs);
      /* Translators: the input row once the network starts with an image layer, e.g. "1×28×28 · 784 values" */
      input = g_strdup_printf (_("%d×%d×%d · %s values"), shapes[0].in_channels, shapes[0].in_height,
                               shapes[0].in_width, count);
    }
  else
    input = input_description (self->n_inputs);
  gtk_label_set_text (GTK_LABEL (self->input_subtitle), input);

  for (int l = 0; l < spec->n_layers; l++)
    {
      gboolean output = l == (int) self->n_hidden;
      GtkWidget *label = output ? self->output_subtitle : layer_row_at (self, l)->subtitle;
      g_autoptr(GString) t = g_string_new (NULL);

      if (l < n_known)
        {
          const InkLayerShape *sh = &shapes[l];
          gsize n = sh->n_weights + sh->n_biases + sh->n_state;

          if (spec->layers[l].kind == INK_LAYER_DENSE)
            {
              if (!sh->in_flat)
                {
                  g_autofree char *in = ink_format_count (sh->n_inputs);
                  g_autofree char *out = ink_format_count (sh->n_outputs);
                  /* Translators: a dense layer after image layers, e.g. "flatten 9,216 → 128" */
                  g_string_append_printf (t, _("flatten %s → %s"), in, out);
                }
            }
          else
            {
              g_autofree char *shape = shape_text (sh);
              g_string_append (t, shape);
            }
          if (output)
            {
              g_autofree char *classes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d class", "%d classes",
                                                                       self->n_classes), self->n_classes);
              g_string_append_printf (t, "%s%s", t->len ? " · " : "", classes);
            }
          if (n > 0)
            {
              g_autofree char *p = params_text (n);
              g_string_append_printf (t, "%s%s", t->len ? " · " : "", p);
            }
          else
            g_string_append_printf (t, "%s%s", t->len ? " · " : "", _("no parameters"));
          if (plan_ok)
            {
              g_autofree char *mem = g_format_size (ink_memory_plan_layer (&exp, l));
              g_string_append_printf (t, " · %s", mem);
            }
        }
      else if (output)
        g_string_append_printf (t, g_dngettext (GETTEXT_PACKAGE, "%d class", "%d classes", self->n_classes),
                                self->n_classes);
      gtk_label_set_text (GTK_LABEL (label), t->str);
      gtk_widget_set_tooltip_text (label, plan_ok && l < n_known ? memory_tip : NULL);
      /* a row whose input is unknown (after a refused one) says nothing */
      gtk_widget_set_visible (label, t->len > 0);
    }
}

/* The core's shape inference over the first n_ok layers (those whose rows
 * read well): geometry that cannot work is refused on the row the core
 * names ("layer 3 (max-pool 2×2): its input is 1×1"), or on the input row
 * when the input is at fault.  Fills shapes and returns how many layers'
 * shapes are known. */
static int
check_geometry (InkLayerEditor  *self,
                const InkNetSpec *spec,
                int               n_ok,
                InkLayerShape    *shapes,
                gboolean          style,
                char            **first)
{
  g_autoptr(GError) geom = NULL;
  InkNetSpec prefix = *spec;
  int at = -1, n_known = 0;

  if (n_ok < 1)
    return 0;
  prefix.n_layers = n_ok;
  if (ink_net_spec_shapes (&prefix, shapes, &geom))
    return n_ok;

  if (sscanf (geom->message, "layer %d", &at) == 1 && at >= 1 && at <= n_ok)
    at--;
  else
    at = -1;
  if (at > 0)
    {
      prefix.n_layers = at;
      if (ink_net_spec_shapes (&prefix, shapes, NULL))
        n_known = at;
    }
  if (*first == NULL)
    *first = g_strdup_printf (_("Network: %s"), geom->message);
  if (style)
    {
      if (at >= 0 && at < (int) self->n_hidden)
        {
          LayerRow *lr = layer_row_at (self, at);

          show_error (lr->row, lr->error, geom->message);
          /* the field the sizes come from: a convolution's kernel, a pool's window */
          if (lr->kernel && strstr (geom->message, "kernel"))
            mark_field (lr->kernel, geom->message);
          if (lr->pool_size && strstr (geom->message, "its input is"))
            mark_field (lr->pool_size, geom->message);
        }
      else if (at == (int) self->n_hidden)
        show_error (self->output_row, self->output_error, geom->message);
      else
        show_error (self->input_row, self->input_error, geom->message);
    }
  return n_known;
}

/* Reads every row.  With style, refused values and geometry that cannot
 * work get their row's error state, and rows their shapes, parameter
 * counts and memory.  Returns the spec, or NULL with the first reason
 * naming the layer and field. */
static InkNetSpec *
build_spec (InkLayerEditor  *self,
            gboolean         style,
            GError         **error)
{
  g_autoptr(InkNetSpec) spec = g_new0 (InkNetSpec, 1);
  g_autoptr(GError) local = NULL;
  g_autofree char *first = NULL;
  g_autofree InkLayerShape *shapes = NULL;
  gboolean all_ok = TRUE;
  int n_ok = 0, n_known;

  spec->n_inputs = self->n_inputs;
  spec->in_channels = self->in_channels;
  spec->in_height = self->in_height;
  spec->in_width = self->in_width;
  spec->n_layers = (int) self->n_hidden + 1;
  spec->layers = g_new0 (InkLayerSpec, spec->n_layers);
  shapes = g_new0 (InkLayerShape, spec->n_layers);

  if (style)
    show_error (self->output_row, self->output_error, NULL);
  read_input_row (self, spec, style, &first);
  for (guint i = 0; i < self->n_hidden; i++)
    {
      if (!read_layer_row (self, i, &spec->layers[i], style, &first))
        all_ok = FALSE;
      else if (all_ok)
        n_ok = (int) i + 1;
    }
  read_output_row (self, spec);
  if (all_ok)
    n_ok = spec->n_layers;
  read_weights (self, spec, style, &first);

  n_known = check_geometry (self, spec, n_ok, shapes, style, &first);
  if (style)
    show_shapes (self, spec, shapes, n_known);

  if (first == NULL && self->n_hidden > MAX_HIDDEN)
    first = g_strdup_printf (_("Network: at most %d hidden layers"), MAX_HIDDEN);

  if (first != NULL)
    {
      g_set_error_literal (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC, first);
      return NULL;
    }
  if (!ink_net_spec_validate (spec, &local))
    {
      g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC,
                   _("Network: %s"), local->message);
      return NULL;
    }
  return g_steal_pointer (&spec);
}

static void
update_row_actions (InkLayerEditor *self)
{
  for (guint i = 0; i < self->n_hidden; i++)
    {
      LayerRow *lr = layer_row_at (self, i);
      g_autofree char *title = row_title (lr->kind, i);
      GAction *up = g_action_map_lookup_action (G_ACTION_MAP (lr->actions), "move-up");
      GAction *down = g_action_map_lookup_action (G_ACTION_MAP (lr->actions), "move-down");

      gtk_label_set_text (GTK_LABEL (lr->title), title);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (up), i > 0);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (down), i + 1 < self->n_hidden);
    }
  gtk_widget_set_sensitive (self->add_button, self->n_hidden < MAX_HIDDEN);
}

/* the slope row is shown only while a layer uses leaky ReLU */
static void
update_slope_row (InkLayerEditor *self)
{
  gboolean uses_leaky = FALSE;

  for (guint i = 0; i < self->n_hidden; i++)
    {
      LayerRow *lr = layer_row_at (self, i);
      guint sel;

      if (lr->activation == NULL)
        continue;
      sel = gtk_drop_down_get_selected (GTK_DROP_DOWN (lr->activation));
      uses_leaky = uses_leaky || (sel < G_N_ELEMENTS (hidden_acts) && hidden_acts[sel] == INK_ACT_LEAKY_RELU);
    }
  uses_leaky = uses_leaky || output_activation (self) == INK_ACT_LEAKY_RELU;
  gtk_widget_set_visible (self->slope_row, uses_leaky);
}

/* The parameter count and the memory a run of spec takes (the core's
 * plan, as the pre-flight check sees it) in the summary labels; returns
 * the summary. */
static char *
show_estimate (InkLayerEditor   *self,
               const InkNetSpec *spec)
{
  InkExperiment exp = plan_experiment (self, spec);
  InkMemoryPlan plan;
  guint nstate = ink_optimizer_spec_n_buffers (&exp.optimizer);
  g_autofree char *count = params_text (ink_net_spec_n_params (spec));
  g_autofree char *weights = NULL;
  g_autofree char *training = NULL;
  g_autofree char *acts = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *tip = NULL;

  ink_memory_plan (&exp, 0, 0, (guint) MAX (self->n_inputs, 0), FALSE, &plan);
  weights = g_format_size (plan.params / 2);   /* params: the weights and their gradients */
  training = g_format_size (plan.params + plan.optimizer_state);
  acts = g_format_size (plan.activations);
  /* the plan sizes activations for the larger of the batch and an
   * evaluation pass: say which */
  rows = ink_format_count (MAX (self->batch_size, (guint) INK_EVAL_BATCH));
  memory = g_strdup_printf (_("%s weights · %s with optimizer state · %s activations (%s rows)"),
                            weights, training, acts, rows);
  tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "While training: the weights, their gradients and %u state buffer of the optimizer; "
                                      "activations count each layer's outputs, gradients and dropout masks and the input "
                                      "images, for the batch or the %u images of an evaluation pass, whichever is more",
                                      "While training: the weights, their gradients and %u state buffers of the optimizer; "
                                      "activations count each layer's outputs, gradients and dropout masks and the input "
                                      "images, for the batch or the %u images of an evaluation pass, whichever is more",
                                      nstate), nstate, (guint) INK_EVAL_BATCH);
  gtk_label_set_text (GTK_LABEL (self->params_label), count);
  gtk_widget_remove_css_class (self->params_label, "error");
  gtk_label_set_text (GTK_LABEL (self->memory_label), memory);
  gtk_widget_set_tooltip_text (self->memory_label, tip);
  gtk_widget_set_visible (self->memory_label, TRUE);
  return g_strdup_printf ("%s · %s", count, memory);
}

static void
refresh (InkLayerEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkNetSpec) spec = build_spec (self, TRUE, &error);
  gboolean valid = spec != NULL;
  g_autofree char *summary = NULL;

  update_slope_row (self);
  if (valid)
    summary = show_estimate (self, spec);
  else
    {
      gtk_label_set_text (GTK_LABEL (self->params_label), error->message);
      gtk_widget_add_css_class (self->params_label, "error");
      gtk_widget_set_visible (self->memory_label, FALSE);
      summary = g_strdup (error->message);
    }

  ink_form_set_valid (G_OBJECT (self), &self->valid, valid, properties[PROP_VALID]);
  ink_form_set_summary (G_OBJECT (self), &self->summary, g_steal_pointer (&summary), properties[PROP_SUMMARY]);
}

static void
on_edited (InkLayerEditor *self)
{
  if (self->updating)
    return;
  refresh (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
structure_changed (InkLayerEditor *self)
{
  update_row_actions (self);
  on_edited (self);
}

/* ---- rows ---- */

static GtkWidget *
labelled (const char   *caption,
          GtkWidget    *child,
          GtkSizeGroup *group)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *label = gtk_label_new (caption);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), child);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (child),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);
  if (group)
    gtk_size_group_add_widget (group, box);
  return box;
}

static GtkWidget *
row_title_box (const char  *title,
               GtkWidget  **title_label,
               GtkWidget  **subtitle_label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *t = gtk_label_new (title);
  GtkWidget *s = gtk_label_new (NULL);

  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (t), 0.0f);
  gtk_label_set_xalign (GTK_LABEL (s), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (t), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (GTK_LABEL (s), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (t, "heading");
  gtk_widget_add_css_class (s, "caption");
  gtk_widget_add_css_class (s, "dim-label");
  gtk_widget_add_css_class (s, "numeric");
  gtk_box_append (GTK_BOX (box), t);
  gtk_box_append (GTK_BOX (box), s);
  if (title_label)
    *title_label = t;
  *subtitle_label = s;
  return box;
}

static GtkWidget *
error_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, "error");
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "error");
  gtk_widget_set_visible (label, FALSE);
  return label;
}

static GtkWidget *
row_frame (GtkWidget  *line,
           GtkWidget  *error,
           GtkWidget **row_out)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), error);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  *row_out = row;
  return row;
}

static GtkWidget *
new_dropout_spin (void)
{
  GtkAdjustment *adj = gtk_adjustment_new (0.0, 0.0, 0.95, 0.05, 0.1, 0.0);
  GtkWidget *spin = gtk_spin_button_new (adj, 0.05, 2);

  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 4);
  return spin;
}

/* the field a new or duplicated row's focus goes to */
static GtkWidget *
first_field (LayerRow *lr)
{
  if (lr->units)
    return lr->units;
  if (lr->filters)
    return lr->filters;
  if (lr->pool_size)
    return lr->pool_size;
  return lr->momentum;
}

static void
on_layer_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       data)
{
  LayerRow *lr = data;
  InkLayerEditor *self = lr->editor;
  const char *name = g_action_get_name (G_ACTION (action));
  int pos = layer_row_position (lr);

  if (g_str_equal (name, "move-up"))
    ink_layer_editor_move_layer (self, pos, pos - 1);
  else if (g_str_equal (name, "move-down"))
    ink_layer_editor_move_layer (self, pos, pos + 1);
  else if (g_str_equal (name, "duplicate"))
    {
      ink_layer_editor_duplicate_layer (self, pos);
      gtk_widget_grab_focus (first_field (layer_row_at (self, pos + 1)));
      return;
    }
  else if (g_str_equal (name, "remove"))
    {
      ink_layer_editor_remove_layer (self, pos);
      gtk_widget_grab_focus (self->add_button);
      return;
    }
  /* a moved row was taken out of the list: give the focus back to its menu */
  gtk_widget_grab_focus (lr->menu);
}

/* a spin button for a whole number under rule, showing value */
static GtkWidget *
whole_spin (const char          *name,
            const InkNumberRule *rule,
            double               upper,
            double               page,
            gint64               value,
            int                  width,
            const char          *tooltip)
{
  GtkAdjustment *adj = gtk_adjustment_new (1, 1, upper, 1, page, 0);
  GtkWidget *spin = gtk_spin_button_new (adj, 1, 0);

  gtk_widget_set_name (spin, name);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), width);
  gtk_widget_set_tooltip_text (spin, tooltip);
  ink_number_spin_init (GTK_SPIN_BUTTON (spin), rule);
  ink_number_set_int (spin, value);
  return spin;
}

/* an empty entry `width` characters wide for a number of that purpose */
static GtkWidget *
number_entry (const char      *name,
              GtkInputPurpose  purpose,
              int              width,
              const char      *tooltip)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_name (entry, name);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), width);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), purpose);
  gtk_widget_set_tooltip_text (entry, tooltip);
  return entry;
}

/* an entry for a real number under rule */
static GtkWidget *
real_entry (const char          *name,
            const InkNumberRule *rule,
            double               value,
            int                  width,
            const char          *tooltip)
{
  GtkWidget *entry = number_entry (name, GTK_INPUT_PURPOSE_NUMBER, width, tooltip);

  ink_number_set (entry, rule, value);
  return entry;
}

/* an empty cell that keeps a column's width */
static GtkWidget *
column_placeholder (GtkSizeGroup *group)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_size_group_add_widget (group, box);
  return box;
}

static GtkWidget *
activation_drop_down (InkActivation act)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *dd;
  guint sel = 0;

  for (guint i = 0; i < G_N_ELEMENTS (hidden_acts); i++)
    {
      gtk_string_list_append (names, _(hidden_act_labels[i]));
      if (hidden_acts[i] == act)
        sel = i;
    }
  dd = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_widget_set_name (dd, "activation");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dd), sel);
  gtk_widget_set_tooltip_text (dd, _("Activation function of this layer"));
  return dd;
}

/* an entry for a whole number under rule (the image layers' fields:
 * narrower than spin buttons, so that a row holds them all) */
static GtkWidget *
whole_entry (const char *name,
             gint64      value,
             int         width,
             const char *tooltip)
{
  GtkWidget *entry = number_entry (name, GTK_INPUT_PURPOSE_DIGITS, width, tooltip);

  ink_number_set_int (entry, value);
  return entry;
}

/* A row for a hidden layer of ls's kind, showing ls's values.  A dense
 * row is one line: title, units, activation, dropout, menu.  An image
 * layer's row has its title and menu above its fields, whose activation
 * and dropout line up with the dense rows'. */
static GtkWidget *
make_layer_row (InkLayerEditor     *self,
                const InkLayerSpec *ls)
{
  static const GActionEntry entries[] = {
    { "move-up", on_layer_action, NULL, NULL, NULL, { 0 } },
    { "move-down", on_layer_action, NULL, NULL, NULL, { 0 } },
    { "duplicate", on_layer_action, NULL, NULL, NULL, { 0 } },
    { "remove", on_layer_action, NULL, NULL, NULL, { 0 } },
  };
  LayerRow *lr = g_new0 (LayerRow, 1);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *fields = line;
  gboolean dense = ls->kind == INK_LAYER_DENSE;

  lr->editor = self;
  lr->kind = ls->kind;
  lr->fixed_act = ls->activation;
  gtk_box_append (GTK_BOX (line), row_title_box (NULL, &lr->title, &lr->subtitle));
  /* never cut short: the shape, parameters and memory wrap instead */
  gtk_label_set_ellipsize (GTK_LABEL (lr->subtitle), PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (GTK_LABEL (lr->subtitle), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (lr->subtitle), PANGO_WRAP_WORD_CHAR);
  if (!dense)
    {
      fields = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      gtk_widget_set_halign (fields, GTK_ALIGN_END);
    }

  switch (ls->kind)
    {
    case INK_LAYER_CONV2D:
      {
        g_autofree char *tip = g_strdup_printf (_("Number of filters (output channels), 1 to %d"), INK_MAX_UNITS);
        g_autoptr(GtkStringList) pads = gtk_string_list_new (NULL);
        g_autofree char *k = kernel_text (MAX (ls->kernel_h, 1), MAX (ls->kernel_w, 1));

        lr->filters = whole_entry ("filters", ls->filters, 4, tip);
        lr->kernel = gtk_entry_new ();
        gtk_widget_set_name (lr->kernel, "kernel");
        gtk_editable_set_width_chars (GTK_EDITABLE (lr->kernel), 4);
        gtk_editable_set_max_width_chars (GTK_EDITABLE (lr->kernel), 5);
        gtk_editable_set_text (GTK_EDITABLE (lr->kernel), k);
        gtk_widget_set_tooltip_text (lr->kernel, _("Size of each filter in pixels: 3, or height×width such as 3×5"));
        lr->stride = whole_entry ("stride", MAX (ls->stride, 1), 2, _("Pixels between two positions of the filter"));
        gtk_string_list_append (pads, _("Valid"));
        gtk_string_list_append (pads, _("Same"));
        lr->padding = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (pads)), NULL);
        gtk_widget_set_name (lr->padding, "padding");
        gtk_drop_down_set_selected (GTK_DROP_DOWN (lr->padding), ls->padding == INK_PADDING_SAME ? 1 : 0);
        gtk_widget_set_tooltip_text (lr->padding, _("Valid: the filter stays inside the image, which shrinks; "
                                                    "same: zeros around it keep the size (divided by the stride)"));
        gtk_box_append (GTK_BOX (fields), labelled (_("Filters"), lr->filters, NULL));
        gtk_box_append (GTK_BOX (fields), labelled (_("Kernel"), lr->kernel, NULL));
        gtk_box_append (GTK_BOX (fields), labelled (_("Stride"), lr->stride, NULL));
        gtk_box_append (GTK_BOX (fields), labelled (_("Padding"), lr->padding, NULL));
        lr->activation = activation_drop_down (ls->activation);
      }
      break;

    case INK_LAYER_MAX_POOL:
    case INK_LAYER_AVG_POOL:
      lr->pool_size = whole_entry ("pool-size", MAX (ls->pool_size, 1), 3,
                                   ls->kind == INK_LAYER_MAX_POOL
                                   ? _("Side of the square window whose largest value is kept")
                                   : _("Side of the square window whose values are averaged"));
      lr->stride = whole_entry ("stride", MAX (ls->stride, 1), 2,
                                _("Pixels between two windows; the window's side for windows that do not overlap"));
      gtk_box_append (GTK_BOX (fields), labelled (_("Window"), lr->pool_size, NULL));
      gtk_box_append (GTK_BOX (fields), labelled (_("Stride"), lr->stride, NULL));
      break;

    case INK_LAYER_BATCH_NORM:
      lr->momentum = real_entry ("momentum", &momentum_rule, ls->momentum, 5,
                                 _("Share of the running mean and variance kept at each step, below 1 "
                                   "(Keras: 0.99); evaluation uses them"));
      lr->epsilon = real_entry ("epsilon", &epsilon_rule, ls->epsilon, 6,
                                _("Added to the variance before its square root, above 0 (Keras: 0.001)"));
      gtk_box_append (GTK_BOX (fields), labelled (_("Momentum"), lr->momentum, NULL));
      gtk_box_append (GTK_BOX (fields), labelled (_("Epsilon"), lr->epsilon, NULL));
      lr->activation = activation_drop_down (ls->activation);
      break;

    case INK_LAYER_DENSE:
    default:
      {
        g_autofree char *units_tip = g_strdup_printf (_("Number of units (neurons) in this layer, 1 to %d"),
                                                      INK_MAX_UNITS);
        lr->units = whole_spin ("units", &units_rule, INK_MAX_UNITS, 64, ls->units, 5, units_tip);
        gtk_box_append (GTK_BOX (fields), labelled (_("Units"), lr->units, self->col_units));
        lr->activation = activation_drop_down (ls->activation);
      }
      break;
    }

  if (lr->activation)
    gtk_box_append (GTK_BOX (fields), labelled (_("Activation"), lr->activation, self->col_act));
  else
    gtk_box_append (GTK_BOX (fields), column_placeholder (self->col_act));

  lr->dropout = new_dropout_spin ();
  gtk_widget_set_name (lr->dropout, "dropout");
  gtk_widget_set_tooltip_text (lr->dropout, _("Fraction of this layer's outputs dropped while training (0 = none, below 1)"));
  ink_number_spin_init (GTK_SPIN_BUTTON (lr->dropout), &dropout_rule);
  ink_number_set (lr->dropout, &dropout_rule, ls->dropout);
  gtk_box_append (GTK_BOX (fields), labelled (_("Dropout"), lr->dropout, self->col_dropout));

  g_menu_append (menu, _("Move _Up"), "layer.move-up");
  g_menu_append (menu, _("Move _Down"), "layer.move-down");
  g_menu_append (menu, _("D_uplicate"), "layer.duplicate");
  g_menu_append (section, _("_Remove"), "layer.remove");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  lr->menu = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (lr->menu), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (lr->menu), G_MENU_MODEL (menu));
  ink_menu_button_quiet_tooltip (GTK_MENU_BUTTON (lr->menu));
  gtk_widget_set_tooltip_text (lr->menu, _("Move, duplicate or remove this layer"));
  gtk_widget_add_css_class (lr->menu, "flat");
  gtk_widget_set_valign (lr->menu, dense ? GTK_ALIGN_END : GTK_ALIGN_CENTER);
  gtk_size_group_add_widget (self->col_menu, lr->menu);
  gtk_box_append (GTK_BOX (line), lr->menu);
  if (!dense)
    gtk_box_append (GTK_BOX (fields), column_placeholder (self->col_menu));

  lr->error = error_label ();
  row_frame (line, lr->error, &lr->row);
  if (!dense)
    gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (line)), fields, line);
  g_object_set_data_full (G_OBJECT (lr->row), LAYER_ROW_KEY, lr, g_free);

  lr->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (lr->actions), entries, G_N_ELEMENTS (entries), lr);
  gtk_widget_insert_action_group (lr->row, "layer", G_ACTION_GROUP (lr->actions));
  g_object_unref (lr->actions);   /* the row holds it */

  {
    GtkWidget *editables[] = { lr->units, lr->filters, lr->kernel, lr->stride, lr->pool_size,
                               lr->momentum, lr->epsilon, lr->dropout };
    for (guint i = 0; i < G_N_ELEMENTS (editables); i++)
      if (editables[i])
        g_signal_connect_swapped (editables[i], "changed", G_CALLBACK (on_edited), self);
  }
  if (lr->activation)
    g_signal_connect_swapped (lr->activation, "notify::selected", G_CALLBACK (on_edited), self);
  if (lr->padding)
    g_signal_connect_swapped (lr->padding, "notify::selected", G_CALLBACK (on_edited), self);
  return lr->row;
}

/* Where a new layer of `kind` goes: a dense one and batch norm of a dense
 * stack after the last hidden layer; the image layers (and batch norm in
 * a network that has them) after the last image layer, before the
 * implicit flatten. */
static int
new_layer_position (InkLayerEditor *self,
                    InkLayerKind    kind)
{
  int first_dense = (int) self->n_hidden;
  gboolean images = FALSE;

  for (guint i = 0; i < self->n_hidden; i++)
    {
      InkLayerKind k = layer_row_at (self, i)->kind;

      if (k == INK_LAYER_DENSE && first_dense == (int) self->n_hidden)
        first_dense = (int) i;
      images = images || k == INK_LAYER_CONV2D || k == INK_LAYER_MAX_POOL || k == INK_LAYER_AVG_POOL;
    }
  if (kind == INK_LAYER_DENSE || (kind == INK_LAYER_BATCH_NORM && !images))
    return (int) self->n_hidden;
  return first_dense;
}

/* a new layer of `kind` with the usual values (Keras' defaults; a dense
 * layer as wide as the last one) */
static void
add_kind (InkLayerEditor *self,
          InkLayerKind    kind)
{
  InkLayerSpec ls = { 100, INK_ACT_RELU, 0.0f, kind };
  int position = new_layer_position (self, kind);

  switch (kind)
    {
    case INK_LAYER_CONV2D:
      ls.filters = 32;
      ls.kernel_h = ls.kernel_w = 3;
      ls.stride = 1;
      ls.padding = INK_PADDING_VALID;
      break;
    case INK_LAYER_MAX_POOL:
    case INK_LAYER_AVG_POOL:
      ls.activation = INK_ACT_IDENTITY;
      ls.pool_size = ls.stride = 2;
      break;
    case INK_LAYER_BATCH_NORM:
      ls.activation = INK_ACT_IDENTITY;
      ls.momentum = 0.99f;
      ls.epsilon = 1e-3f;
      break;
    case INK_LAYER_DENSE:
    default:
      for (int i = (int) self->n_hidden - 1; i >= 0; i--)
        {
          LayerRow *last = layer_row_at (self, i);
          gint64 iv;

          if (last->units == NULL)
            continue;
          if (ink_number_parse (&units_rule, gtk_editable_get_text (GTK_EDITABLE (last->units)), NULL, &iv, NULL))
            ls.units = (int) iv;
          break;
        }
      break;
    }
  ink_layer_editor_insert_layer (self, position, &ls);
  gtk_widget_grab_focus (first_field (layer_row_at (self, position)));
}

static void
on_add_clicked (InkLayerEditor *self)
{
  add_kind (self, INK_LAYER_DENSE);
}

static void
on_add_kind (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  InkLayerKind kind;

  if (ink_layer_kind_from_string (g_variant_get_string (param, NULL), &kind))
    add_kind (INK_LAYER_EDITOR (data), kind);
}

/* ---- public ---- */

void
ink_layer_editor_add_layer (InkLayerEditor *self,
                            int             position,
                            int             units,
                            InkActivation   act,
                            float           dropout)
{
  InkLayerSpec ls = { units, act, dropout, INK_LAYER_DENSE };

  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  ink_layer_editor_insert_layer (self, position, &ls);
}

void
ink_layer_editor_insert_layer (InkLayerEditor     *self,
                               int                 position,
                               const InkLayerSpec *layer)
{
  GtkWidget *row;

  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  g_return_if_fail (layer != NULL);

  if (position < 0 || position > (int) self->n_hidden)
    position = (int) self->n_hidden;
  row = make_layer_row (self, layer);
  gtk_list_box_insert (self->list, row, position + 1);
  self->n_hidden++;
  structure_changed (self);
}

void
ink_layer_editor_remove_layer (InkLayerEditor *self,
                               int             position)
{
  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  g_return_if_fail (position >= 0 && position < (int) self->n_hidden);

  gtk_list_box_remove (self->list, layer_row_at (self, position)->row);
  self->n_hidden--;
  structure_changed (self);
}

void
ink_layer_editor_duplicate_layer (InkLayerEditor *self,
                                  int             position)
{
  LayerRow *src, *copy;
  GtkWidget *row;

  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  g_return_if_fail (position >= 0 && position < (int) self->n_hidden);

  src = layer_row_at (self, position);
  self->updating++;
  {
    InkLayerSpec ls = { 1, src->fixed_act, 0.0f, src->kind };
    GtkWidget *pairs[][2] = { { NULL, NULL }, { NULL, NULL }, { NULL, NULL }, { NULL, NULL },
                              { NULL, NULL }, { NULL, NULL }, { NULL, NULL }, { NULL, NULL } };

    row = make_layer_row (self, &ls);
    copy = g_object_get_data (G_OBJECT (row), LAYER_ROW_KEY);
    pairs[0][0] = src->units, pairs[0][1] = copy->units;
    pairs[1][0] = src->filters, pairs[1][1] = copy->filters;
    pairs[2][0] = src->kernel, pairs[2][1] = copy->kernel;
    pairs[3][0] = src->stride, pairs[3][1] = copy->stride;
    pairs[4][0] = src->pool_size, pairs[4][1] = copy->pool_size;
    pairs[5][0] = src->momentum, pairs[5][1] = copy->momentum;
    pairs[6][0] = src->epsilon, pairs[6][1] = copy->epsilon;
    pairs[7][0] = src->dropout, pairs[7][1] = copy->dropout;
    /* the text as it is, refused values included */
    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      if (pairs[i][0] && pairs[i][1])
        gtk_editable_set_text (GTK_EDITABLE (pairs[i][1]), gtk_editable_get_text (GTK_EDITABLE (pairs[i][0])));
    if (src->activation)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (copy->activation),
                                  gtk_drop_down_get_selected (GTK_DROP_DOWN (src->activation)));
    if (src->padding)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (copy->padding),
                                  gtk_drop_down_get_selected (GTK_DROP_DOWN (src->padding)));
  }
  self->updating--;
  gtk_list_box_insert (self->list, row, position + 2);
  self->n_hidden++;
  structure_changed (self);
}

void
ink_layer_editor_move_layer (InkLayerEditor *self,
                             int             from,
                             int             to)
{
  LayerRow *lr;
  GMenuModel *menu;
  GtkWidget *row;

  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  g_return_if_fail (from >= 0 && from < (int) self->n_hidden);

  to = CLAMP (to, 0, (int) self->n_hidden - 1);
  if (to == from)
    return;
  lr = layer_row_at (self, from);
  row = g_object_ref (lr->row);
  gtk_list_box_remove (self->list, row);
  gtk_list_box_insert (self->list, row, to + 1);
  g_object_unref (row);
  /* GTK 4.8: the items of a popover menu built before the row was taken out
   * keep watching the action group they saw then, and stay greyed out for
   * good; a new popover looks its actions up where the row is now */
  menu = g_object_ref (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (lr->menu)));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (lr->menu), NULL);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (lr->menu), menu);
  g_object_unref (menu);
  structure_changed (self);
}

guint
ink_layer_editor_get_n_hidden (InkLayerEditor *self)
{
  g_return_val_if_fail (INK_IS_LAYER_EDITOR (self), 0);
  return self->n_hidden;
}

gboolean
ink_layer_editor_get_valid (InkLayerEditor *self)
{
  g_return_val_if_fail (INK_IS_LAYER_EDITOR (self), FALSE);
  return self->valid;
}

const char *
ink_layer_editor_get_summary (InkLayerEditor *self)
{
  g_return_val_if_fail (INK_IS_LAYER_EDITOR (self), NULL);
  return self->summary;
}

void
ink_layer_editor_set_n_inputs (InkLayerEditor *self,
                               int             n_inputs)
{
  g_autofree char *text = NULL;

  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  g_return_if_fail (n_inputs > 0);

  self->n_inputs = n_inputs;
  /* an input image that no longer holds the inputs: derived from them */
  if ((gint64) self->in_channels * self->in_height * self->in_width != n_inputs)
    self->in_channels = self->in_height = self->in_width = 0;
  text = input_description (n_inputs);
  gtk_label_set_text (GTK_LABEL (self->input_subtitle), text);
  on_edited (self);
}

void
ink_layer_editor_set_optimizer (InkLayerEditor  *self,
                                InkOptimizerKind kind,
                                float            ema_decay)
{
  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  if (self->kind == kind && self->ema_decay == ema_decay)
    return;
  self->kind = kind;
  self->ema_decay = ema_decay;
  refresh (self);
}

void
ink_layer_editor_set_batch_size (InkLayerEditor *self,
                                 guint           batch_size)
{
  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  if (batch_size == 0 || self->batch_size == batch_size)
    return;
  self->batch_size = batch_size;
  refresh (self);
}

void
ink_layer_editor_set_spec (InkLayerEditor   *self,
                           const InkNetSpec *spec)
{
  const InkLayerSpec *out;
  g_autofree char *text = NULL;

  g_return_if_fail (INK_IS_LAYER_EDITOR (self));
  g_return_if_fail (spec != NULL && spec->n_layers >= 1);

  self->updating++;
  while (self->n_hidden > 0)
    ink_layer_editor_remove_layer (self, (int) self->n_hidden - 1);

  self->n_inputs = spec->n_inputs;
  self->in_channels = spec->in_channels;
  self->in_height = spec->in_height;
  self->in_width = spec->in_width;
  text = input_description (spec->n_inputs);
  gtk_label_set_text (GTK_LABEL (self->input_subtitle), text);
  ink_number_set (self->input_dropout, &input_dropout_rule, spec->input_dropout);

  for (int l = 0; l < spec->n_layers - 1; l++)
    ink_layer_editor_insert_layer (self, -1, &spec->layers[l]);

  out = &spec->layers[spec->n_layers - 1];
  self->n_classes = out->units;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->output_act), output_index (self, out->activation));

  for (guint i = 0; i < G_N_ELEMENTS (init_choices); i++)
    if (init_choices[i].init == spec->init)
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->init_row), i);
  ink_number_set (self->slope_entry, &slope_rule, spec->leaky_slope);
  gtk_switch_set_active (GTK_SWITCH (self->zero_switch), spec->zero_output_init != 0.0f);
  self->updating--;

  structure_changed (self);
}

InkNetSpec *
ink_layer_editor_get_spec (InkLayerEditor  *self,
                           GError         **error)
{
  g_return_val_if_fail (INK_IS_LAYER_EDITOR (self), NULL);
  return build_spec (self, FALSE, error);
}

/* ------------------------------------------------------------------------ */

/* The add button: a click adds a dense layer; its menu offers each kind. */
static GtkWidget *
build_add_button (InkLayerEditor *self)
{
  static const GActionEntry entries[] = {
    { "add", on_add_kind, "s", NULL, NULL, { 0 } },
  };
  static const struct { const char *label; const char *kind; } items[] = {
    { N_("_Dense Layer"), "dense" },
    { N_("_Convolution"), "conv2d" },
    { N_("_Max Pooling"), "max-pool" },
    { N_("A_verage Pooling"), "avg-pool" },
    { N_("_Batch Normalization"), "batch-norm" },
  };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *add_content = adw_button_content_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "editor", G_ACTION_GROUP (group));
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(items[i].label), NULL);
      g_menu_item_set_action_and_target_value (item, "editor.add", g_variant_new_string (items[i].kind));
      g_menu_append_item (menu, item);
    }

  self->add_button = adw_split_button_new ();
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (add_content), "list-add-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (add_content), _("_Add Layer"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (add_content), TRUE);
  adw_split_button_set_child (ADW_SPLIT_BUTTON (self->add_button), add_content);
  adw_split_button_set_menu_model (ADW_SPLIT_BUTTON (self->add_button), G_MENU_MODEL (menu));
  gtk_widget_set_name (self->add_button, "add-layer");
  gtk_widget_set_valign (self->add_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->add_button,
                               _("Add a dense layer before the output layer; the menu adds a convolution, "
                                 "a pooling or a batch normalization"));
  ink_menu_buttons_quiet_tooltips (self->add_button);
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (on_add_clicked), self);
  return self->add_button;
}

/* an empty cell in the menu column, for the fixed rows */
static GtkWidget *
menu_placeholder (InkLayerEditor *self)
{
  GtkWidget *placeholder = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_size_group_add_widget (self->col_menu, placeholder);
  return placeholder;
}

static void
build_input_row (InkLayerEditor *self)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_box_append (GTK_BOX (line), row_title_box (_("Input"), NULL, &self->input_subtitle));
  self->input_dropout = new_dropout_spin ();
  gtk_widget_set_name (self->input_dropout, "input-dropout");
  gtk_widget_set_tooltip_text (self->input_dropout, _("Fraction of the input pixels dropped while training (0 = none, below 1)"));
  ink_number_spin_init (GTK_SPIN_BUTTON (self->input_dropout), &input_dropout_rule);
  ink_number_set (self->input_dropout, &input_dropout_rule, 0.0);
  gtk_box_append (GTK_BOX (line), labelled (_("Dropout"), self->input_dropout, self->col_dropout));
  gtk_box_append (GTK_BOX (line), menu_placeholder (self));
  self->input_error = error_label ();
  row_frame (line, self->input_error, &self->input_row);
  gtk_widget_add_css_class (self->input_row, "ink-layer-fixed");
  gtk_list_box_append (self->list, self->input_row);
  g_signal_connect_swapped (self->input_dropout, "changed", G_CALLBACK (on_edited), self);
}

/* the common output activations; output_index adds the others */
static void
build_output_row (InkLayerEditor *self)
{
  g_autoptr(GtkStringList) out_names = gtk_string_list_new (NULL);
  GtkWidget *line;

  self->output_acts = g_array_new (FALSE, FALSE, sizeof (InkActivation));
  for (guint i = 0; i < N_COMMON_OUTPUTS; i++)
    {
      g_array_append_val (self->output_acts, output_choices[i].act);
      gtk_string_list_append (out_names, _(output_choices[i].label));
    }
  self->output_names = out_names;
  line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (line), row_title_box (_("Output"), NULL, &self->output_subtitle));
  self->output_act = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (out_names)), NULL);
  gtk_widget_set_name (self->output_act, "output-activation");
  gtk_widget_set_tooltip_text (self->output_act,
                               _("Softmax outputs train with cross-entropy; the others with the squared error "
                                 "to one-hot targets (a regression, as nolearn does)"));
  gtk_box_append (GTK_BOX (line), labelled (_("Activation · loss"), self->output_act, NULL));
  gtk_box_append (GTK_BOX (line), menu_placeholder (self));
  self->output_error = error_label ();
  row_frame (line, self->output_error, &self->output_row);
  gtk_widget_add_css_class (self->output_row, "ink-layer-fixed");
  gtk_list_box_append (self->list, self->output_row);
  g_signal_connect_swapped (self->output_act, "notify::selected", G_CALLBACK (on_edited), self);
}

static GtkWidget *
summary_label (const char *name,
               const char *style)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, style);
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

/* the parameter count and the memory estimate under the list */
static GtkWidget *
build_summary (InkLayerEditor *self)
{
  GtkWidget *summary = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_widget_set_margin_top (summary, 12);
  self->params_label = summary_label ("parameters", "title-4");
  self->memory_label = summary_label ("memory", "dim-label");
  gtk_box_append (GTK_BOX (summary), self->params_label);
  gtk_box_append (GTK_BOX (summary), self->memory_label);
  return summary;
}

/* the list: the input row, the hidden rows (added later), the output row */
static GtkWidget *
build_network_group (InkLayerEditor *self)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Network"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("From the input image to the class scores: convolutions and pooling first, "
                                           "then dense layers"));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), build_add_button (self));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_set_name (GTK_WIDGET (self->list), "layers");
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->list));

  build_input_row (self);
  build_output_row (self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), build_summary (self));
  return group;
}

static GtkWidget *
build_init_row (InkLayerEditor *self)
{
  g_autoptr(GtkStringList) init_names = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (init_choices); i++)
    gtk_string_list_append (init_names, _(init_choices[i].label));
  self->init_row = adw_combo_row_new ();
  gtk_widget_set_name (self->init_row, "init");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->init_row), _("Initialization"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->init_row),
                               _("How the weights are drawn before training; biases start at 0"));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->init_row), G_LIST_MODEL (init_names));
  ink_combo_row_show_whole_value (ADW_COMBO_ROW (self->init_row));
  g_signal_connect_swapped (self->init_row, "notify::selected", G_CALLBACK (on_edited), self);
  return self->init_row;
}

static GtkWidget *
build_slope_row (InkLayerEditor *self)
{
  self->slope_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->slope_row), _("Leaky ReLU slope"));
  self->slope_entry = gtk_entry_new ();
  gtk_widget_set_name (self->slope_entry, "leaky-slope");
  gtk_editable_set_width_chars (GTK_EDITABLE (self->slope_entry), 8);
  gtk_entry_set_input_purpose (GTK_ENTRY (self->slope_entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_widget_set_valign (self->slope_entry, GTK_ALIGN_CENTER);
  ink_number_set (self->slope_entry, &slope_rule, 0.01);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->slope_row), self->slope_entry);
  g_signal_connect_swapped (self->slope_entry, "changed", G_CALLBACK (on_edited), self);
  return self->slope_row;
}

static GtkWidget *
build_zero_output_row (InkLayerEditor *self)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Zero Output Weights"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Start the output layer's weights at 0, as the Theano tutorial's logistic layer does"));
  self->zero_switch = gtk_switch_new ();
  gtk_widget_set_name (self->zero_switch, "zero-output-init");
  gtk_widget_set_valign (self->zero_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->zero_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->zero_switch);
  g_signal_connect_swapped (self->zero_switch, "notify::active", G_CALLBACK (on_edited), self);
  return row;
}

static GtkWidget *
build_weights_group (InkLayerEditor *self)
{
  GtkWidget *weights = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (weights), _("Weights"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (weights), build_init_row (self));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (weights), build_slope_row (self));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (weights), build_zero_output_row (self));
  return weights;
}

static void
build_ui (InkLayerEditor *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->col_units = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->col_act = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->col_dropout = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->col_menu = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  gtk_box_append (GTK_BOX (self->box), build_network_group (self));
  gtk_box_append (GTK_BOX (self->box), build_weights_group (self));
}

static void
ink_layer_editor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  InkLayerEditor *self = INK_LAYER_EDITOR (object);

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
ink_layer_editor_dispose (GObject *object)
{
  InkLayerEditor *self = INK_LAYER_EDITOR (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->col_units);
  g_clear_object (&self->col_act);
  g_clear_object (&self->col_dropout);
  g_clear_object (&self->col_menu);
  G_OBJECT_CLASS (ink_layer_editor_parent_class)->dispose (object);
}

static void
ink_layer_editor_finalize (GObject *object)
{
  InkLayerEditor *self = INK_LAYER_EDITOR (object);

  g_clear_pointer (&self->output_acts, g_array_unref);
  g_free (self->summary);
  G_OBJECT_CLASS (ink_layer_editor_parent_class)->finalize (object);
}

static void
ink_layer_editor_class_init (InkLayerEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = ink_layer_editor_get_property;
  object_class->dispose = ink_layer_editor_dispose;
  object_class->finalize = ink_layer_editor_finalize;

  properties[PROP_VALID] = ink_form_valid_pspec ();
  properties[PROP_SUMMARY] = ink_form_summary_pspec ();
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = ink_form_changed_new (G_TYPE_FROM_CLASS (klass));

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inklayereditor");
}

static void
ink_layer_editor_init (InkLayerEditor *self)
{
  InkLayerSpec layers[2] = { { 100, INK_ACT_RELU, 0.0f }, { 10, INK_ACT_SOFTMAX, 0.0f } };
  InkNetSpec spec = { 784, 0.0f, 2, layers, INK_LOSS_CROSS_ENTROPY, INK_INIT_GLOROT_UNIFORM, 0.01f, 0.0f };

  self->kind = INK_OPT_SGD;
  self->batch_size = 128;
  self->n_inputs = 784;
  self->n_classes = 10;
  build_ui (self);
  ink_layer_editor_set_spec (self, &spec);
}

InkLayerEditor *
ink_layer_editor_new (void)
{
  return g_object_new (INK_TYPE_LAYER_EDITOR, NULL);
}
