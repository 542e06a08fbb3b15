/* ink-draw-page.c
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

/* The Draw page: the board and its toolbar, the image the network sees,
 * the class bars, the activation view and, for a convolutional network,
 * the feature maps, predicting while you draw. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-draw-page.h"
#include "ink-inspect.h"
#include "ink-predict.h"
#include "ink-markup.h"
#include "ink-reflow.h"

#define SIDE        28
#define N_PIXELS    (SIDE * SIDE)
#define PREVIEW_PX  5         /* device pixels per MNIST pixel in the preview */
#define CONTENT_MARGINS 36    /* build_content's margins, both sides */
#define TOP_SPACING     24
#define ACTIVATION_PANEL 200  /* the activation view's natural width per panel, */
#define PANEL_GAP       24    /* between panels, */
#define ACTIVATION_MIN  240   /* and its minimum width (ink-activation-view.c) */
#define MAPS_BESIDE     480   /* the feature maps go beside the activation view with this much room */

struct _InkDrawPage
{
  GtkWidget             parent_instance;

  /* widgets */
  GtkWidget            *toasts;
  GtkWidget            *clear_button;
  GtkWidget            *undo_button;
  GtkWidget            *toolbar;
  GtkWidget            *top;         /* drawing, what the network sees, the scores: a row or a column */
  GtkWidget            *source_stack;
  InkDrawCanvas        *canvas;
  GtkWidget            *picture;
  GtkWidget            *picture_caption;
  cairo_surface_t      *picture_surface;   /* the opened image as it is */
  GtkWidget            *preview;
  GtkWidget            *verdict;
  GtkWidget            *confidence;
  GtkWidget            *result_stack;
  GtkWidget            *bars_heading;
  GtkWidget            *no_model_label;
  InkProbBars          *bars;
  GtkWidget            *inside_box;
  GtkWidget            *inside_row;  /* the activation view, then the maps: beside it when wide */
  int                   activations_width;   /* the activation view's width beside the maps */
  InkActivationView    *activations;
  GtkWidget            *maps_box;    /* heading and feature maps: shown for a network with image layers */
  InkFeatureMaps       *maps;
  GtkFileChooserNative *chooser;

  /* the model */
  InkNetSpec           *spec;
  InkNorm               norm;
  InkBackend           *be;
  InkNetwork           *net;
  char                 *model_problem;   /* why the model cannot classify drawings */
  const char * const   *class_names;     /* of the model's dataset; NULL = digits */

  /* the input */
  gboolean              image_mode;
  guint8                image[N_PIXELS];
  guint8                input[N_PIXELS];
  gboolean              has_input;

  /* the prediction */
  float                *probs;
  int                   n_classes;
  int                   prediction;
  guint                 idle_id;
};

G_DEFINE_FINAL_TYPE (InkDrawPage, ink_draw_page, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------------------ */
/* predicting                                                                */

static void
toast (InkDrawPage *self,
       const char  *text)
{
  ink_toast_add_plain (ADW_TOAST_OVERLAY (self->toasts), text, 5);
}

static void
update_sensitivity (InkDrawPage *self)
{
  gboolean empty = ink_draw_canvas_is_empty (self->canvas);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "draw.undo",
                                 !self->image_mode && ink_draw_canvas_can_undo (self->canvas));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "draw.clear", self->image_mode || !empty);
}

static void
show_verdict (InkDrawPage *self)
{
  if (self->prediction >= 0)
    {
      g_autofree char *name = ink_prob_bars_get_label_text (self->bars, self->prediction);
      g_autofree char *value = ink_prob_bars_get_value_text (self->bars, self->prediction);
      g_autofree char *conf = NULL;

      gtk_label_set_label (GTK_LABEL (self->verdict), name);
      /* Translators: under the model's top class; a softmax output says
       * nothing about how far a drawing is from anything it was trained on,
       * so no "sure": e.g. "the model's top class · softmax 98.2%" */
      conf = g_strdup_printf (ink_prob_bars_get_probabilities (self->bars)
                              ? _("the model's top class · softmax %s")
                              : _("the model's top class · score %s"), value);
      gtk_label_set_label (GTK_LABEL (self->confidence), conf);
    }
  else
    {
      gtk_label_set_label (GTK_LABEL (self->verdict), "–");
      gtk_label_set_label (GTK_LABEL (self->confidence),
                           self->net == NULL ? _("no model")
                           : self->has_input ? "" : _("nothing drawn"));
    }
}

static void
predict (InkDrawPage *self)
{
  g_autoptr(InkInspection) insp = NULL;
  g_autofree float *x = NULL;
  g_autofree float *saliency = NULL;
  int L;

  g_clear_handle_id (&self->idle_id, g_source_remove);

  if (self->image_mode)
    {
      memcpy (self->input, self->image, N_PIXELS);
      self->has_input = TRUE;
    }
  else
    self->has_input = ink_draw_canvas_get_mnist (self->canvas, self->input);
  gtk_widget_queue_draw (self->preview);

  self->prediction = -1;
  if (!self->has_input || self->net == NULL)
    {
      ink_prob_bars_clear (self->bars);
      ink_activation_view_clear (self->activations);
      ink_feature_maps_clear (self->maps);
      show_verdict (self);
      return;
    }

  x = g_new (float, N_PIXELS);
  ink_norm_apply (&self->norm, self->input, x, N_PIXELS);
  insp = ink_inspect (self->net, x);
  if (insp == NULL)
    {
      ink_prob_bars_clear (self->bars);
      ink_activation_view_clear (self->activations);
      ink_feature_maps_clear (self->maps);
      show_verdict (self);
      return;
    }
  L = insp->n_layers;
  memcpy (self->probs, insp->values[L - 1], sizeof (float) * self->n_classes);
  self->prediction = ink_inspection_top (insp);

  saliency = g_new (float, N_PIXELS);
  ink_saliency (self->net, x, self->prediction, saliency);

  ink_prob_bars_set (self->bars, self->probs, self->n_classes);
  ink_activation_view_set (self->activations, insp, saliency, self->input);
  /* the same forward pass: every conv2d and pooling layer's maps */
  ink_feature_maps_set_inspection (self->maps, insp);
  show_verdict (self);
}

static gboolean
predict_idle (gpointer data)
{
  InkDrawPage *self = data;

  self->idle_id = 0;
  predict (self);
  return G_SOURCE_REMOVE;
}

static void
on_canvas_changed (InkDrawCanvas *canvas,
                   InkDrawPage   *self)
{
  update_sensitivity (self);
  if (self->idle_id == 0)
    self->idle_id = g_idle_add (predict_idle, self);
}

/* ------------------------------------------------------------------------ */
/* the model                                                                 */

static void
show_model_state (InkDrawPage *self)
{
  if (self->net != NULL)
    {
      gboolean maps = ink_feature_maps_get_n_layers (self->maps) > 0;
      int panels = 1;   /* the saliency map, and a grid per hidden dense layer */
      gboolean wide = gtk_orientable_get_orientation (GTK_ORIENTABLE (self->inside_row)) == GTK_ORIENTATION_HORIZONTAL;

      gtk_stack_set_visible_child_name (GTK_STACK (self->result_stack), "bars");
      gtk_widget_set_visible (self->inside_box, TRUE);
      gtk_widget_set_visible (self->maps_box, maps);
      /* the maps make the page scroll, so that the activation view would
       * get only its minimum height: it keeps the size it has with room;
       * beside the maps it takes the width of its panels (from the start,
       * so that the maps do not move at the first stroke), they the rest */
      for (int l = 0; self->spec != NULL && l < self->spec->n_layers - 1; l++)
        if (self->spec->layers[l].kind == INK_LAYER_DENSE)
          panels++;
      self->activations_width = maps ? panels * ACTIVATION_PANEL + (panels - 1) * PANEL_GAP : 0;
      gtk_widget_set_size_request (GTK_WIDGET (self->activations),
                                   maps && wide ? self->activations_width : -1, maps ? 250 : -1);
      gtk_widget_set_hexpand (GTK_WIDGET (self->activations), !maps);
      /* not as tall as the maps beside it (its placeholder is centred) */
      gtk_widget_set_valign (GTK_WIDGET (self->activations), maps ? GTK_ALIGN_START : GTK_ALIGN_FILL);
      return;
    }
  gtk_label_set_label (GTK_LABEL (self->no_model_label),
                       self->model_problem != NULL ? self->model_problem
                       : _("Train a network or open a model to classify what you draw"));
  gtk_stack_set_visible_child_name (GTK_STACK (self->result_stack), "no-model");
  gtk_widget_set_visible (self->inside_box, FALSE);
}

/* Only a softmax output is a probability distribution; any other output
 * layer (identity + MSE, sigmoid…) gives scores, shown as numbers. */
static void
set_output_kind (InkDrawPage *self)
{
  gboolean softmax = self->spec == NULL ||
                     self->spec->layers[self->spec->n_layers - 1].activation == INK_ACT_SOFTMAX;

  ink_prob_bars_set_probabilities (self->bars, softmax);
  gtk_label_set_label (GTK_LABEL (self->bars_heading),
                       softmax ? _("Class Probabilities (Softmax)") : _("Output Scores (Not Probabilities)"));
  gtk_widget_set_tooltip_text (self->bars_heading,
                               softmax ? _("The softmax output of the network: probabilities that sum to 1 over "
                                           "the classes it knows, however unlike its training images the input is")
                                       : _("The raw values of the network's output layer, one per class; "
                                           "they are not probabilities and need not lie between 0 and 1"));
}

static void
drop_model (InkDrawPage *self)
{
  g_clear_pointer (&self->net, ink_network_free);
  g_clear_pointer (&self->spec, ink_net_spec_free);
  g_clear_pointer (&self->probs, g_free);
  g_clear_pointer (&self->model_problem, g_free);
  self->n_classes = 0;
  if (self->maps != NULL)   /* NULL once disposed */
    ink_feature_maps_set_network (self->maps, NULL);
}

void
ink_draw_page_set_model (InkDrawPage      *self,
                         const InkNetSpec *spec,
                         const float      *params,
                         const InkNorm    *norm)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (INK_IS_DRAW_PAGE (self));
  g_return_if_fail (spec == NULL || (params != NULL && norm != NULL));

  if (spec == NULL)
    drop_model (self);
  else if (spec->n_inputs != N_PIXELS)
    {
      drop_model (self);
      self->model_problem =
        /* Translators: the Draw page with a model it cannot use */
        g_strdup_printf (_("This model takes %d inputs, not the 28×28 = 784 pixels of a drawing"),
                         spec->n_inputs);
    }
  else
    {
      if (self->net == NULL || !ink_net_spec_same_network (self->spec, spec))
        {
          drop_model (self);
          self->net = ink_network_new (spec, self->be, 1, &error);
          if (self->net == NULL)
            self->model_problem = g_strdup_printf (_("Cannot use this model: %s"), error->message);
          else
            {
              self->spec = ink_net_spec_copy (spec);
              self->n_classes = spec->layers[spec->n_layers - 1].units;
              self->probs = g_new0 (float, self->n_classes);
              set_output_kind (self);
              ink_feature_maps_set_network (self->maps, spec);
            }
        }
      if (self->net != NULL)
        {
          ink_network_set_params (self->net, params);
          self->norm = *norm;
        }
    }

  show_model_state (self);
  predict (self);
}

/* ------------------------------------------------------------------------ */
/* images                                                                    */

gboolean
ink_draw_page_open_png (InkDrawPage  *self,
                        const char   *path,
                        GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  guint8 image[N_PIXELS];

  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ink_png_to_mnist (path, image, &local_error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not open the image: %s"), local_error->message);

      toast (self, msg);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  memcpy (self->image, image, N_PIXELS);
  self->image_mode = TRUE;
  g_clear_pointer (&self->picture_surface, cairo_surface_destroy);
  self->picture_surface = cairo_image_surface_create_from_png (path);
  gtk_widget_queue_draw (self->picture);
  {
    g_autofree char *base = g_filename_display_basename (path);
    gtk_label_set_label (GTK_LABEL (self->picture_caption), base);
  }
  gtk_stack_set_visible_child_name (GTK_STACK (self->source_stack), "image");
  update_sensitivity (self);
  predict (self);
  return TRUE;
}

static void
leave_image_mode (InkDrawPage *self)
{
  if (!self->image_mode)
    return;
  self->image_mode = FALSE;
  g_clear_pointer (&self->picture_surface, cairo_surface_destroy);
  gtk_stack_set_visible_child_name (GTK_STACK (self->source_stack), "canvas");
}

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  InkDrawPage     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path == NULL)
        toast (self, _("Can only open local files"));
      else
        ink_draw_page_open_png (self, path, NULL);
    }
  g_clear_object (&self->chooser);
}

static void
action_open_image (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  InkDrawPage *self = INK_DRAW_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open an Image of a Digit"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         InkDrawPage   *self)
{
  GFile *file = g_value_get_object (value);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  if (path == NULL)
    {
      toast (self, _("Can only open local files"));
      return FALSE;
    }
  return ink_draw_page_open_png (self, path, NULL);
}

/* ------------------------------------------------------------------------ */
/* the toolbar                                                               */

static void
action_clear (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  InkDrawPage *self = INK_DRAW_PAGE (widget);
  gboolean was_image = self->image_mode;

  leave_image_mode (self);
  ink_draw_canvas_clear (self->canvas);   /* "changed" predicts */
  if (was_image)
    update_sensitivity (self);
}

static void
action_undo (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  InkDrawPage *self = INK_DRAW_PAGE (widget);

  if (!self->image_mode)
    ink_draw_canvas_undo (self->canvas);
}

/* ------------------------------------------------------------------------ */
/* the preview of the 28×28 input                                            */

static void
draw_preview (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        data)
{
  InkDrawPage *self = data;
  double side = MIN (width, height);
  double scale = floor (side / SIDE);
  double x0, y0;

  if (scale < 1)
    scale = side / SIDE;
  x0 = floor ((width - scale * SIDE) / 2);
  y0 = floor ((height - scale * SIDE) / 2);

  cairo_rectangle (cr, x0, y0, scale * SIDE, scale * SIDE);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_fill (cr);

  if (self->has_input)
    {
      cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, SIDE, SIDE);
      guint32 *px;
      int stride;

      cairo_surface_flush (img);
      px = (guint32 *) cairo_image_surface_get_data (img);
      stride = cairo_image_surface_get_stride (img) / 4;
      for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++)
          {
            guint32 v = self->input[y * SIDE + x];
            px[y * stride + x] = (v << 16) | (v << 8) | v;
          }
      cairo_surface_mark_dirty (img);

      ink_cairo_paint_scaled (cr, img, 0, 0, SIDE, SIDE, x0, y0, scale, scale);
      cairo_surface_destroy (img);

      /* the 20×20 box MNIST fits digits into */
      cairo_rectangle (cr, x0 + 4 * scale + 0.5, y0 + 4 * scale + 0.5, 20 * scale - 1, 20 * scale - 1);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.12);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
      cairo_stroke (cr);
    }
}

/* ------------------------------------------------------------------------ */
/* building                                                                  */

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
icon_button (const char *icon,
             const char *label,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new ();

  gtk_button_set_child (GTK_BUTTON (button),
                        g_object_new (ADW_TYPE_BUTTON_CONTENT,
                                      "icon-name", icon,
                                      "label", label,
                                      "use-underline", TRUE,
                                      NULL));
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static GtkWidget *
build_toolbar (InkDrawPage *self)
{
  GtkWidget *toolbar, *label, *scale, *spacer, *open;
  GtkAdjustment *adj;

  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (toolbar, "toolbar");

  self->clear_button = icon_button ("edit-clear-all-symbolic", _("_Clear"), _("Clear the drawing (Delete)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->clear_button), "draw.clear");
  gtk_box_append (GTK_BOX (toolbar), self->clear_button);

  self->undo_button = icon_button ("edit-undo-symbolic", _("_Undo"), _("Undo the last stroke (Ctrl+Z)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->undo_button), "draw.undo");
  gtk_box_append (GTK_BOX (toolbar), self->undo_button);

  gtk_box_append (GTK_BOX (toolbar), gtk_separator_new (GTK_ORIENTATION_VERTICAL));

  label = gtk_label_new_with_mnemonic (_("_Brush"));
  gtk_widget_set_margin_start (label, 6);
  gtk_box_append (GTK_BOX (toolbar), label);
  adj = gtk_adjustment_new (ink_draw_canvas_get_brush_size (self->canvas), 2, 20, 1, 2, 0);
  scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adj);
  gtk_widget_set_size_request (scale, 140, -1);
  gtk_widget_set_tooltip_text (scale, _("Width of the pen, in percent of the board"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), scale);
  g_object_bind_property (adj, "value", self->canvas, "brush-size",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (toolbar), scale);

  spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (toolbar), spacer);

  open = icon_button ("document-open-symbolic", _("_Open Image…"), _("Classify a PNG image of a digit"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "draw.open-image");
  gtk_box_append (GTK_BOX (toolbar), open);

  return toolbar;
}

/* the opened image, whole, centred on the board's square */
static void
draw_picture (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        data)
{
  InkDrawPage *self = data;
  GdkRGBA fg;
  double side = MIN (width, height), x0, y0, iw, ih, k;

  x0 = floor ((width - side) / 2);
  y0 = floor ((height - side) / 2);
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  cairo_rectangle (cr, x0 + 0.5, y0 + 0.5, side - 1, side - 1);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.05);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.18);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  if (self->picture_surface == NULL ||
      cairo_surface_status (self->picture_surface) != CAIRO_STATUS_SUCCESS)
    return;
  iw = cairo_image_surface_get_width (self->picture_surface);
  ih = cairo_image_surface_get_height (self->picture_surface);
  if (iw < 1 || ih < 1)
    return;
  k = MIN ((side - 2) / iw, (side - 2) / ih);
  cairo_translate (cr, x0 + floor ((side - k * iw) / 2), y0 + floor ((side - k * ih) / 2));
  cairo_scale (cr, k, k);
  cairo_set_source_surface (cr, self->picture_surface, 0, 0);
  /* small images (an MNIST digit) stay pixel-exact */
  cairo_pattern_set_filter (cairo_get_source (cr), k >= 2 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, iw, ih);
  cairo_fill (cr);
}

static GtkWidget *
build_source (InkDrawPage *self)
{
  GtkWidget *overlay, *caption_box;

  self->source_stack = gtk_stack_new ();
  gtk_widget_set_valign (self->source_stack, GTK_ALIGN_START);

  self->canvas = ink_draw_canvas_new ();
  gtk_widget_set_size_request (GTK_WIDGET (self->canvas), 320, 320);
  gtk_widget_set_focusable (GTK_WIDGET (self->canvas), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self->canvas), TRUE);
  g_signal_connect (self->canvas, "changed", G_CALLBACK (on_canvas_changed), self);
  gtk_stack_add_named (GTK_STACK (self->source_stack), GTK_WIDGET (self->canvas), "canvas");

  overlay = gtk_overlay_new ();
  self->picture = gtk_drawing_area_new ();
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->picture), draw_picture, self, NULL);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), self->picture);
  caption_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (caption_box, "osd");
  gtk_widget_add_css_class (caption_box, "toolbar");
  gtk_widget_set_halign (caption_box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (caption_box, GTK_ALIGN_END);
  gtk_widget_set_margin_bottom (caption_box, 12);
  gtk_widget_set_margin_start (caption_box, 12);
  gtk_widget_set_margin_end (caption_box, 12);
  self->picture_caption = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (self->picture_caption), PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (caption_box), self->picture_caption);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), caption_box);
  gtk_stack_add_named (GTK_STACK (self->source_stack), overlay, "image");

  gtk_stack_set_visible_child_name (GTK_STACK (self->source_stack), "canvas");
  return self->source_stack;
}

static GtkWidget *
build_seen (InkDrawPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_box_append (GTK_BOX (box), heading (_("What the Network Sees")));
  self->preview = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->preview), PREVIEW_PX * SIDE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->preview), PREVIEW_PX * SIDE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->preview), draw_preview, self, NULL);
  gtk_widget_set_halign (self->preview, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (self->preview,
                               _("The drawing cropped, scaled into 20×20 and centred in 28×28, as in MNIST"));
  gtk_box_append (GTK_BOX (box), self->preview);

  self->verdict = gtk_label_new ("–");
  gtk_widget_add_css_class (self->verdict, "title-1");
  gtk_widget_add_css_class (self->verdict, "numeric");
  gtk_widget_set_margin_top (self->verdict, 12);
  gtk_box_append (GTK_BOX (box), self->verdict);
  self->confidence = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->confidence, "dim-label");
  gtk_widget_add_css_class (self->confidence, "numeric");
  gtk_box_append (GTK_BOX (box), self->confidence);
  return box;
}

static GtkWidget *
build_result (InkDrawPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *empty;

  gtk_widget_set_hexpand (box, TRUE);
  self->bars_heading = heading (_("Class Probabilities"));
  gtk_box_append (GTK_BOX (box), self->bars_heading);

  self->result_stack = gtk_stack_new ();
  self->bars = ink_prob_bars_new ();
  gtk_stack_add_named (GTK_STACK (self->result_stack), GTK_WIDGET (self->bars), "bars");

  empty = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_valign (empty, GTK_ALIGN_CENTER);
  {
    GtkWidget *icon = gtk_image_new_from_icon_name ("input-tablet-symbolic");
    gtk_image_set_pixel_size (GTK_IMAGE (icon), 64);
    gtk_widget_add_css_class (icon, "dim-label");
    gtk_box_append (GTK_BOX (empty), icon);
  }
  self->no_model_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->no_model_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->no_model_label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (self->no_model_label), 36);
  gtk_widget_add_css_class (self->no_model_label, "title-4");
  gtk_box_append (GTK_BOX (empty), self->no_model_label);
  gtk_stack_add_named (GTK_STACK (self->result_stack), empty, "no-model");

  gtk_box_append (GTK_BOX (box), self->result_stack);
  return box;
}

static GtkWidget *
build_content (InkDrawPage *self)
{
  GtkWidget *outer, *scroller, *content, *top, *source;

  source = build_source (self);   /* the toolbar binds to the canvas */
  outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->toolbar = build_toolbar (self);
  gtk_box_append (GTK_BOX (outer), self->toolbar);
  gtk_box_append (GTK_BOX (outer), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_start (content, 18);
  gtk_widget_set_margin_end (content, 18);
  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_widget_set_name (top, "top");
  self->top = top;
  gtk_box_append (GTK_BOX (top), source);
  gtk_box_append (GTK_BOX (top), build_seen (self));
  gtk_box_append (GTK_BOX (top), build_result (self));
  gtk_box_append (GTK_BOX (content), top);

  self->inside_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_vexpand (self->inside_box, TRUE);
  gtk_box_append (GTK_BOX (self->inside_box), heading (_("Inside the Network")));
  self->activations = ink_activation_view_new ();
  gtk_widget_set_vexpand (GTK_WIDGET (self->activations), TRUE);
  self->inside_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, TOP_SPACING);
  gtk_widget_set_vexpand (self->inside_row, TRUE);
  gtk_box_append (GTK_BOX (self->inside_row), GTK_WIDGET (self->activations));
  gtk_box_append (GTK_BOX (self->inside_box), self->inside_row);

  /* a convolutional network's maps, beside the dense layers and the
   * saliency map (under them when narrow) */
  self->maps_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_hexpand (self->maps_box, TRUE);
  {
    GtkWidget *title = heading (_("Feature Maps"));

    gtk_widget_set_tooltip_text (title, _("What each convolution and pooling layer makes of the input: "
                                          "one small image per filter, black 0, white the layer’s largest value"));
    gtk_box_append (GTK_BOX (self->maps_box), title);
  }
  self->maps = ink_feature_maps_new ();
  gtk_box_append (GTK_BOX (self->maps_box), GTK_WIDGET (self->maps));
  gtk_widget_set_visible (self->maps_box, FALSE);
  gtk_box_append (GTK_BOX (self->inside_row), self->maps_box);
  gtk_box_append (GTK_BOX (content), self->inside_box);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), content);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (outer), scroller);
  return outer;
}

/* ------------------------------------------------------------------------ */
/* reflow: the drawing, what the network sees and the scores in a row when   */
/* they fit, else in one column                                              */


static int
min_width (GtkWidget *w)
{
  int min = 0;

  if (gtk_widget_get_visible (w))
    gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  return min;
}

static void
reflow_widths (GtkWidget *widget,
               int       *row,
               int       *column)
{
  InkDrawPage *self = INK_DRAW_PAGE (widget);
  int inside = 0, others, sum = 0, max = 0, n = 0;

  /* "Inside the Network" as a column (its row is for wide pages only):
   * the widest of its parts */
  for (GtkWidget *c = gtk_widget_get_first_child (self->inside_box); c; c = gtk_widget_get_next_sibling (c))
    inside = MAX (inside, c == self->inside_row ? 0 : min_width (c));
  for (GtkWidget *c = gtk_widget_get_first_child (self->inside_row); c; c = gtk_widget_get_next_sibling (c))
    /* (not the width it is given beside the maps) */
    inside = MAX (inside, c == GTK_WIDGET (self->activations) ? ACTIVATION_MIN : min_width (c));
  others = MAX (min_width (self->toolbar), inside + CONTENT_MARGINS);

  for (GtkWidget *c = gtk_widget_get_first_child (self->top); c; c = gtk_widget_get_next_sibling (c))
    {
      int w = min_width (c);

      sum += w;
      max = MAX (max, w);
      n++;
    }
  *row = MAX (others, sum + TOP_SPACING * MAX (n - 1, 0) + CONTENT_MARGINS);
  *column = MAX (others, max + CONTENT_MARGINS);
}

static void
set_row (GtkWidget *widget,
         gboolean   row)
{
  InkDrawPage *self = INK_DRAW_PAGE (widget);
  GtkOrientation o = row ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL;
  gboolean maps = gtk_widget_get_visible (self->maps_box);
  /* the feature maps beside the activation view when there is room for
   * both (the page's width is the one being allocated), else under it */
  gboolean beside = row && gtk_widget_get_width (widget) >=
                    self->activations_width + TOP_SPACING + MAPS_BESIDE + CONTENT_MARGINS;
  GtkOrientation inside = (maps ? beside : row) ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL;

  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (self->top)) != o)
    gtk_orientable_set_orientation (GTK_ORIENTABLE (self->top), o);
  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (self->inside_row)) != inside)
    {
      gtk_orientable_set_orientation (GTK_ORIENTABLE (self->inside_row), inside);
      if (maps)
        gtk_widget_set_size_request (GTK_WIDGET (self->activations), beside ? self->activations_width : -1, 250);
    }
}

gboolean
ink_draw_page_get_one_column (InkDrawPage *self)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), FALSE);
  return gtk_orientable_get_orientation (GTK_ORIENTABLE (self->top)) == GTK_ORIENTATION_VERTICAL;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
ink_draw_page_dispose (GObject *object)
{
  InkDrawPage *self = INK_DRAW_PAGE (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->canvas != NULL)
    g_signal_handlers_disconnect_by_data (self->canvas, self);
  g_clear_pointer (&self->toasts, gtk_widget_unparent);
  g_clear_pointer (&self->picture_surface, cairo_surface_destroy);
  self->canvas = NULL;
  self->maps = NULL;

  G_OBJECT_CLASS (ink_draw_page_parent_class)->dispose (object);
}

static void
ink_draw_page_finalize (GObject *object)
{
  InkDrawPage *self = INK_DRAW_PAGE (object);

  drop_model (self);
  g_clear_pointer (&self->be, ink_backend_free);

  G_OBJECT_CLASS (ink_draw_page_parent_class)->finalize (object);
}

static void
ink_draw_page_class_init (InkDrawPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ink_draw_page_dispose;
  object_class->finalize = ink_draw_page_finalize;

  gtk_widget_class_install_action (widget_class, "draw.clear", NULL, action_clear);
  gtk_widget_class_install_action (widget_class, "draw.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "draw.open-image", NULL, action_open_image);
  gtk_widget_class_set_css_name (widget_class, "inkdrawpage");
}

static void
ink_draw_page_init (InkDrawPage *self)
{
  GtkDropTarget *drop;

  self->prediction = -1;
  self->be = ink_backend_cpu_new ();
  ink_reflow_install (GTK_WIDGET (self), reflow_widths, set_row);

  self->toasts = adw_toast_overlay_new ();
  gtk_widget_set_parent (self->toasts, GTK_WIDGET (self));
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), build_content (self));

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* Ctrl+Z and Delete work while the page is shown, wherever the focus is
   * (the window runs managed shortcuts of mapped widgets); listed in the
   * Shortcuts window */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>z"),
                                                            gtk_named_action_new ("draw.undo")));
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("Delete|BackSpace"),
                                                            gtk_named_action_new ("draw.clear")));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }

  show_model_state (self);
  show_verdict (self);
  update_sensitivity (self);
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */

InkDrawPage *
ink_draw_page_new (void)
{
  return g_object_new (INK_TYPE_DRAW_PAGE, NULL);
}

InkDrawCanvas *
ink_draw_page_get_canvas (InkDrawPage *self)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), NULL);

  return self->canvas;
}

void
ink_draw_page_set_class_names (InkDrawPage        *self,
                               const char * const *names)
{
  g_return_if_fail (INK_IS_DRAW_PAGE (self));

  if (self->class_names == names)
    return;
  self->class_names = names;
  ink_prob_bars_set_class_names (self->bars, names);
  ink_activation_view_set_class_names (self->activations, names);
  predict (self);
}

const char *
ink_draw_page_get_verdict (InkDrawPage *self)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), NULL);
  return gtk_label_get_label (GTK_LABEL (self->verdict));
}

const char *
ink_draw_page_get_verdict_detail (InkDrawPage *self)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), NULL);
  return gtk_label_get_label (GTK_LABEL (self->confidence));
}

int
ink_draw_page_get_prediction (InkDrawPage *self,
                              float       *probs)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), -1);

  if (probs != NULL && self->prediction >= 0)
    memcpy (probs, self->probs, sizeof (float) * self->n_classes);
  return self->prediction;
}

const guint8 *
ink_draw_page_get_input (InkDrawPage *self)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), NULL);

  return self->has_input ? self->input : NULL;
}

void
ink_draw_page_flush (InkDrawPage *self)
{
  g_return_if_fail (INK_IS_DRAW_PAGE (self));

  if (self->idle_id != 0)
    predict (self);
}

InkProbBars *
ink_draw_page_get_prob_bars (InkDrawPage *self)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), NULL);

  return self->bars;
}

InkActivationView *
ink_draw_page_get_activation_view (InkDrawPage *self)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), NULL);

  return self->activations;
}

InkFeatureMaps *
ink_draw_page_get_feature_maps (InkDrawPage *self)
{
  g_return_val_if_fail (INK_IS_DRAW_PAGE (self), NULL);

  return self->maps;
}
