/* ink-features-page.c
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

/* The Features page: the first layer's weights as tiles (a dense layer's
 * units, or a convolution's filters; for a deeper convolution one chosen
 * filter across its input channels), one tile's panel with its
 * statistics, PNG export. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-features-page.h"
#include "ink-markup.h"

#define N_PIXELS     (INK_TILE_SIDE * INK_TILE_SIDE)
#define TILE_AREA_PX (8 * INK_TILE_SIDE)   /* the panel's enlarged tile */
#define PANEL_WIDTH  260
#define EXPORT_TILE  56      /* pixels per tile in exported PNGs */

enum
{
  STAT_MIN,
  STAT_MAX,
  STAT_MEAN,
  STAT_STD,
  STAT_L2,
  STAT_POSITIVE,
  N_STATS
};

/* a convolution of the model: its weights [filters, in_channels, kh, kw] */
typedef struct
{
  int    index;          /* in the network */
  int    filters;
  int    in_channels;
  int    kh;
  int    kw;
  float *w;
} ConvLayer;

struct _InkFeaturesPage
{
  GtkWidget             parent_instance;

  GtkWidget            *toasts;
  GtkWidget            *stack;
  GtkWidget            *wrong_inputs_page;
  GtkWidget            *summary;
  GtkWidget            *shared_toggle;
  GtkWidget            *choosers;      /* the bar holding the two below */
  GtkWidget            *layer_box;     /* "Layer" and its chooser: two convolutions or more */
  GtkWidget            *layer_choice;
  GtkStringList        *layer_names;
  GtkWidget            *filter_box;    /* "Filter" and its chooser: a convolution of several channels */
  GtkWidget            *filter_spin;
  InkTileView          *tiles;

  GtkWidget            *panel_stack;
  GtkWidget            *hint;
  GtkWidget            *unit_title;
  GtkWidget            *tile_area;
  GtkWidget            *legend_area;
  GtkWidget            *legend_min;
  GtkWidget            *legend_max;
  GtkWidget            *stat_values[N_STATS];

  cairo_surface_t      *tile;       /* the selected unit's tile */
  InkTileStats          stats;
  double                legend_scale;
  int                   unit;       /* selected, or -1 */

  /* a convolutional model */
  InkNetSpec           *spec;
  ConvLayer            *convs;
  int                   n_convs;
  int                   conv;       /* the chosen one, into convs */
  int                   filter;     /* the chosen filter of a multi-channel convolution */
  gboolean              updating;   /* setting the choosers from code */

  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (InkFeaturesPage, ink_features_page, GTK_TYPE_WIDGET)

void
ink_tile_stats (const float  *w,
                int           n,
                InkTileStats *out)
{
  double sum = 0.0, sum2 = 0.0, mean, var;
  int positive = 0;

  g_return_if_fail (out != NULL);
  g_return_if_fail (w != NULL || n <= 0);

  memset (out, 0, sizeof *out);
  if (n <= 0)
    return;
  out->min = out->max = w[0];
  for (int i = 0; i < n; i++)
    {
      double v = w[i];

      out->min = MIN (out->min, v);
      out->max = MAX (out->max, v);
      sum += v;
      sum2 += v * v;
      if (v > 0)
        positive++;
    }
  mean = sum / n;
  /* two passes for the variance: sums of squares cancel badly */
  var = 0.0;
  for (int i = 0; i < n; i++)
    var += (w[i] - mean) * (w[i] - mean);
  out->mean = mean;
  out->std = sqrt (var / n);
  out->l2 = sqrt (sum2);
  out->positive = (double) positive / n;
}

/* ------------------------------------------------------------------------ */
/* the side panel                                                            */

static void
draw_tile (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  InkFeaturesPage *self = data;
  double scale;
  int tw, th;

  if (self->tile == NULL)
    return;
  tw = cairo_image_surface_get_width (self->tile);
  th = cairo_image_surface_get_height (self->tile);
  scale = floor (MIN ((double) width / tw, (double) height / th));
  if (scale < 1)
    scale = MIN ((double) width / tw, (double) height / th);
  ink_cairo_paint_scaled (cr, self->tile, 0, 0, tw, th,
                          floor ((width - scale * tw) / 2), floor ((height - scale * th) / 2), scale, scale);
}

static void
draw_legend (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  cairo_pattern_t *gradient = cairo_pattern_create_linear (0, 0, width, 0);

  for (int i = 0; i <= 12; i++)
    {
      double t = i / 12.0, r, g, b;

      ink_colormap (2 * t - 1, &r, &g, &b);
      cairo_pattern_add_color_stop_rgb (gradient, t, r, g, b);
    }
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_set_source (cr, gradient);
  cairo_fill (cr);
  cairo_pattern_destroy (gradient);
}

static void
update_panel (InkFeaturesPage *self)
{
  const float *w;
  int n_units, tw, th;
  gsize n;
  g_autofree char *title = NULL;
  char text[64];

  w = ink_tile_view_get_weights (self->tiles, &n_units);
  ink_tile_view_get_tile_size (self->tiles, &tw, &th);
  n = (gsize) tw * th;
  g_clear_pointer (&self->tile, cairo_surface_destroy);
  if (self->unit < 0 || w == NULL || self->unit >= n_units)
    {
      self->unit = -1;
      gtk_stack_set_visible_child_name (GTK_STACK (self->panel_stack), "hint");
      return;
    }

  ink_tile_stats (w + (gsize) self->unit * n, (int) n, &self->stats);
  self->tile = ink_tile_view_render_tile (self->tiles, self->unit);
  if (ink_tile_view_get_shared_scale (self->tiles))
    {
      double m = 0.0;
      for (gsize i = 0; i < (gsize) n_units * n; i++)
        m = MAX (m, fabs (w[i]));
      self->legend_scale = m;
    }
  else
    self->legend_scale = MAX (fabs (self->stats.min), fabs (self->stats.max));

  switch (ink_tile_view_get_kind (self->tiles))
    {
    case INK_TILE_FILTER:
      /* Translators: the side panel's title for a convolution filter (1-based) */
      title = g_strdup_printf (_("Filter %d"), self->unit + 1);
      break;
    case INK_TILE_CHANNEL:
      /* Translators: the side panel's title for one filter's weights on one
       * input channel, e.g. "Filter 5, Channel 12" (1-based) */
      title = g_strdup_printf (_("Filter %d, Channel %d"), self->filter + 1, self->unit + 1);
      break;
    case INK_TILE_UNIT:
    default:
      /* Translators: the side panel's title; %d is the unit's number (1-based) */
      title = g_strdup_printf (_("Unit %d"), self->unit + 1);
      break;
    }
  gtk_label_set_label (GTK_LABEL (self->unit_title), title);

  g_snprintf (text, sizeof text, "%.4f", self->stats.min);
  gtk_label_set_label (GTK_LABEL (self->stat_values[STAT_MIN]), text);
  g_snprintf (text, sizeof text, "%.4f", self->stats.max);
  gtk_label_set_label (GTK_LABEL (self->stat_values[STAT_MAX]), text);
  g_snprintf (text, sizeof text, "%.4f", self->stats.mean);
  gtk_label_set_label (GTK_LABEL (self->stat_values[STAT_MEAN]), text);
  g_snprintf (text, sizeof text, "%.4f", self->stats.std);
  gtk_label_set_label (GTK_LABEL (self->stat_values[STAT_STD]), text);
  g_snprintf (text, sizeof text, "%.4f", self->stats.l2);
  gtk_label_set_label (GTK_LABEL (self->stat_values[STAT_L2]), text);
  g_snprintf (text, sizeof text, "%.1f%%", 100.0 * self->stats.positive);
  gtk_label_set_label (GTK_LABEL (self->stat_values[STAT_POSITIVE]), text);

  g_snprintf (text, sizeof text, "%.3f", -self->legend_scale);
  gtk_label_set_label (GTK_LABEL (self->legend_min), text);
  g_snprintf (text, sizeof text, "+%.3f", self->legend_scale);
  gtk_label_set_label (GTK_LABEL (self->legend_max), text);

  gtk_stack_set_visible_child_name (GTK_STACK (self->panel_stack), "unit");
  gtk_widget_queue_draw (self->tile_area);
}

static void
on_tile_activated (InkTileView     *tiles,
                   guint            unit,
                   InkFeaturesPage *self)
{
  self->unit = (int) unit;
  update_panel (self);
}

static void
on_shared_scale (InkFeaturesPage *self)
{
  if (self->unit >= 0)
    update_panel (self);
}

/* ------------------------------------------------------------------------ */
/* convolutions                                                              */

static void
drop_convs (InkFeaturesPage *self)
{
  for (int i = 0; i < self->n_convs; i++)
    g_free (self->convs[i].w);
  g_clear_pointer (&self->convs, g_free);
  g_clear_pointer (&self->spec, ink_net_spec_free);
  self->n_convs = 0;
  self->conv = 0;
  self->filter = 0;
}

/* the chosen convolution's tiles: its filters on a one-channel input,
 * else the chosen filter's kernel on each input channel */
static void
show_conv (InkFeaturesPage *self)
{
  const ConvLayer *cl = &self->convs[self->conv];
  g_autofree char *summary = NULL;
  gboolean per_channel = cl->in_channels > 1;
  gsize kernel = (gsize) cl->kh * cl->kw;

  self->updating = TRUE;
  gtk_widget_set_visible (self->filter_box, per_channel);
  gtk_widget_set_visible (self->layer_box, self->n_convs > 1);
  gtk_widget_set_visible (self->choosers, per_channel || self->n_convs > 1);
  if (per_channel)
    {
      self->filter = CLAMP (self->filter, 0, cl->filters - 1);
      gtk_spin_button_set_range (GTK_SPIN_BUTTON (self->filter_spin), 1, cl->filters);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->filter_spin), self->filter + 1);
    }
  self->updating = FALSE;

  if (per_channel)
    {
      ink_tile_view_set_tiles (self->tiles, cl->w + (gsize) self->filter * cl->in_channels * kernel,
                               cl->in_channels, cl->kw, cl->kh, INK_TILE_CHANNEL);
      /* Translators: the Features page's heading for a deeper convolution,
       * e.g. "Filter 5 of 64 in layer 2, on each of its 32 input channels" */
      summary = g_strdup_printf (_("Filter %d of %d in layer %d, on each of its %d input channels"),
                                 self->filter + 1, cl->filters, cl->index + 1, cl->in_channels);
    }
  else
    {
      ink_tile_view_set_tiles (self->tiles, cl->w, cl->filters, cl->kw, cl->kh, INK_TILE_FILTER);
      /* Translators: the Features page's heading for a convolution on the
       * image, e.g. "32 filters of 3×3 in layer 1" */
      summary = g_strdup_printf (ngettext ("%d filter of %d×%d in layer %d", "%d filters of %d×%d in layer %d",
                                           cl->filters),
                                 cl->filters, cl->kh, cl->kw, cl->index + 1);
    }
  gtk_label_set_label (GTK_LABEL (self->summary), summary);
  gtk_widget_set_tooltip_text (self->summary, summary);
  gtk_label_set_label (GTK_LABEL (self->hint), per_channel ? _("Click a tile to see the filter’s weights on that channel")
                                                           : _("Click a tile to see the filter’s weights"));
  update_panel (self);
}

static void
on_layer_chosen (InkFeaturesPage *self)
{
  guint i = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->layer_choice));

  if (self->updating || i == GTK_INVALID_LIST_POSITION || (int) i >= self->n_convs || (int) i == self->conv)
    return;
  self->conv = (int) i;
  self->filter = 0;
  ink_tile_view_set_selected (self->tiles, -1);
  self->unit = -1;
  show_conv (self);
}

static void
on_filter_chosen (InkFeaturesPage *self)
{
  int f = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->filter_spin)) - 1;

  if (self->updating || self->n_convs == 0 || f == self->filter)
    return;
  self->filter = f;
  /* the selected channel stays: its tile for the new filter */
  show_conv (self);
}

/* ------------------------------------------------------------------------ */
/* export                                                                    */

static void
toast (InkFeaturesPage *self,
       const char      *text)
{
  ink_toast_add_plain (ADW_TOAST_OVERLAY (self->toasts), text, 4);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    InkFeaturesPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        toast (self, _("Can only export to a local file"));
      else if (!ink_tile_view_export_png (self->tiles, path, EXPORT_TILE, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Could not export: %s"), error->message);
          toast (self, msg);
        }
      else
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *msg = g_strdup_printf (_("Saved %s"), base);
          toast (self, msg);
        }
    }
  g_clear_object (&self->chooser);
}

static void
on_export_clicked (InkFeaturesPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export Features"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "features.png");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ------------------------------------------------------------------------ */
/* building                                                                  */

static GtkWidget *
status_page (const char *icon,
             const char *title,
             const char *description)
{
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  return page;
}

static GtkWidget *
build_panel (InkFeaturesPage *self)
{
  static const char *names[N_STATS] = {
    N_("Minimum"), N_("Maximum"), N_("Mean"), N_("Standard deviation"),
    N_("L2 norm"), N_("Positive"),
  };
  GtkWidget *hint, *box, *legend, *labels, *grid;

  self->panel_stack = gtk_stack_new ();
  gtk_widget_set_size_request (self->panel_stack, PANEL_WIDTH, -1);
  gtk_stack_set_transition_type (GTK_STACK (self->panel_stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);

  hint = self->hint = gtk_label_new (_("Click a tile to see its unit’s weights"));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_justify (GTK_LABEL (hint), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_set_margin_start (hint, 18);
  gtk_widget_set_margin_end (hint, 18);
  gtk_stack_add_named (GTK_STACK (self->panel_stack), hint, "hint");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);

  self->unit_title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->unit_title), 0);
  gtk_widget_add_css_class (self->unit_title, "title-2");
  gtk_box_append (GTK_BOX (box), self->unit_title);

  self->tile_area = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->tile_area), TILE_AREA_PX);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->tile_area), TILE_AREA_PX);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->tile_area), draw_tile, self, NULL);
  gtk_box_append (GTK_BOX (box), self->tile_area);

  legend = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  self->legend_area = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->legend_area), 8);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->legend_area), draw_legend, self, NULL);
  gtk_box_append (GTK_BOX (legend), self->legend_area);
  labels = gtk_center_box_new ();
  self->legend_min = gtk_label_new (NULL);
  self->legend_max = gtk_label_new (NULL);
  gtk_center_box_set_start_widget (GTK_CENTER_BOX (labels), self->legend_min);
  gtk_center_box_set_center_widget (GTK_CENTER_BOX (labels), gtk_label_new ("0"));
  gtk_center_box_set_end_widget (GTK_CENTER_BOX (labels), self->legend_max);
  gtk_widget_add_css_class (labels, "caption");
  gtk_widget_add_css_class (labels, "numeric");
  gtk_widget_add_css_class (labels, "dim-label");
  gtk_box_append (GTK_BOX (legend), labels);
  gtk_box_append (GTK_BOX (box), legend);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_top (grid, 6);
  for (int i = 0; i < N_STATS; i++)
    {
      GtkWidget *name = gtk_label_new (_(names[i]));
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_add_css_class (value, "numeric");
      gtk_grid_attach (GTK_GRID (grid), name, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, i, 1, 1);
      self->stat_values[i] = value;
    }
  gtk_box_append (GTK_BOX (box), grid);

  gtk_stack_add_named (GTK_STACK (self->panel_stack), box, "unit");
  gtk_stack_set_visible_child_name (GTK_STACK (self->panel_stack), "hint");
  return self->panel_stack;
}

static GtkWidget *
build_tiles_page (InkFeaturesPage *self)
{
  GtkWidget *page, *toolbar, *button, *content, *tiles, *panel, *label;

  page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (toolbar, "toolbar");
  self->summary = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->summary), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->summary), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->summary, TRUE);
  gtk_widget_set_margin_start (self->summary, 6);
  gtk_widget_add_css_class (self->summary, "heading");
  gtk_box_append (GTK_BOX (toolbar), self->summary);

  /* a convolutional model: which convolution, which of its filters, in a
   * second bar under the first */
  self->choosers = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_widget_add_css_class (self->choosers, "toolbar");
  self->layer_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (self->layer_box, 6);
  label = gtk_label_new_with_mnemonic (_("_Layer"));
  gtk_box_append (GTK_BOX (self->layer_box), label);
  self->layer_names = gtk_string_list_new (NULL);
  self->layer_choice = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->layer_names)), NULL);
  gtk_widget_set_name (self->layer_choice, "conv-layer");
  gtk_widget_set_tooltip_text (self->layer_choice, _("The convolution whose filters the tiles show"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->layer_choice);
  g_signal_connect_swapped (self->layer_choice, "notify::selected", G_CALLBACK (on_layer_chosen), self);
  gtk_box_append (GTK_BOX (self->layer_box), self->layer_choice);
  gtk_widget_set_visible (self->layer_box, FALSE);
  gtk_box_append (GTK_BOX (self->choosers), self->layer_box);

  self->filter_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (self->filter_box, 6);
  label = gtk_label_new_with_mnemonic (_("_Filter"));
  gtk_box_append (GTK_BOX (self->filter_box), label);
  self->filter_spin = gtk_spin_button_new_with_range (1, 1, 1);
  gtk_widget_set_name (self->filter_spin, "conv-filter");
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (self->filter_spin), TRUE);
  gtk_widget_set_tooltip_text (self->filter_spin,
                               _("The filter whose weights on each input channel the tiles show"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->filter_spin);
  g_signal_connect_swapped (self->filter_spin, "value-changed", G_CALLBACK (on_filter_chosen), self);
  gtk_box_append (GTK_BOX (self->filter_box), self->filter_spin);
  gtk_widget_set_visible (self->filter_box, FALSE);
  gtk_box_append (GTK_BOX (self->choosers), self->filter_box);
  gtk_widget_set_visible (self->choosers, FALSE);

  self->shared_toggle = gtk_toggle_button_new_with_mnemonic (_("_Same Scale"));
  gtk_widget_set_tooltip_text (self->shared_toggle,
                               _("One colour scale for all tiles instead of one per tile"));
  gtk_box_append (GTK_BOX (toolbar), self->shared_toggle);

  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button),
                        g_object_new (ADW_TYPE_BUTTON_CONTENT,
                                      "icon-name", "document-save-symbolic",
                                      "label", _("_Export PNG…"),
                                      "use-underline", TRUE,
                                      NULL));
  gtk_widget_set_tooltip_text (button, _("Save the tiles as an image"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_export_clicked), self);
  gtk_box_append (GTK_BOX (toolbar), button);
  gtk_box_append (GTK_BOX (page), toolbar);
  gtk_box_append (GTK_BOX (page), self->choosers);
  gtk_box_append (GTK_BOX (page), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_vexpand (content, TRUE);

  self->tiles = ink_tile_view_new ();
  tiles = GTK_WIDGET (self->tiles);
  gtk_widget_set_hexpand (tiles, TRUE);
  gtk_widget_set_vexpand (tiles, TRUE);
  gtk_widget_set_margin_start (tiles, 6);
  gtk_widget_set_margin_end (tiles, 6);
  gtk_widget_set_margin_top (tiles, 6);
  gtk_widget_set_margin_bottom (tiles, 6);
  g_signal_connect (self->tiles, "tile-activated", G_CALLBACK (on_tile_activated), self);
  g_object_bind_property (self->shared_toggle, "active", self->tiles, "shared-scale",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->tiles, "notify::shared-scale", G_CALLBACK (on_shared_scale), self);
  gtk_box_append (GTK_BOX (content), tiles);

  gtk_box_append (GTK_BOX (content), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  /* the unit's panel scrolls rather than holding the window taller than
   * 600 px */
  panel = gtk_scrolled_window_new ();
  /* its statistics' names expand; the page's extra width goes to the tiles */
  gtk_widget_set_hexpand (panel, FALSE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (panel), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (panel), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (panel), build_panel (self));
  gtk_box_append (GTK_BOX (content), panel);
  gtk_box_append (GTK_BOX (page), content);
  return page;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
ink_features_page_dispose (GObject *object)
{
  InkFeaturesPage *self = INK_FEATURES_PAGE (object);

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  g_clear_pointer (&self->toasts, gtk_widget_unparent);
  g_clear_pointer (&self->tile, cairo_surface_destroy);
  g_clear_object (&self->layer_names);

  G_OBJECT_CLASS (ink_features_page_parent_class)->dispose (object);
}

static void
ink_features_page_finalize (GObject *object)
{
  drop_convs (INK_FEATURES_PAGE (object));

  G_OBJECT_CLASS (ink_features_page_parent_class)->finalize (object);
}

static void
ink_features_page_class_init (InkFeaturesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ink_features_page_dispose;
  object_class->finalize = ink_features_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inkfeaturespage");
}

static void
ink_features_page_init (InkFeaturesPage *self)
{
  self->unit = -1;

  self->toasts = adw_toast_overlay_new ();
  gtk_widget_set_parent (self->toasts, GTK_WIDGET (self));

  self->stack = gtk_stack_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), self->stack);
  gtk_stack_add_named (GTK_STACK (self->stack),
                       status_page ("view-grid-symbolic", _("No Features Yet"),
                                    _("Train a network or open a model to see the patterns its first layer learned")),
                       "empty");
  self->wrong_inputs_page = status_page ("view-grid-symbolic", _("No Tiles for This Model"), NULL);
  gtk_stack_add_named (GTK_STACK (self->stack), self->wrong_inputs_page, "wrong-inputs");
  gtk_stack_add_named (GTK_STACK (self->stack), build_tiles_page (self), "tiles");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */

InkFeaturesPage *
ink_features_page_new (void)
{
  return g_object_new (INK_TYPE_FEATURES_PAGE, NULL);
}

void
ink_features_page_set_weights (InkFeaturesPage *self,
                               const float     *w,
                               int              n_units,
                               int              n_inputs)
{
  g_autofree char *units = NULL;
  g_autofree char *summary = NULL;

  g_return_if_fail (INK_IS_FEATURES_PAGE (self));
  g_return_if_fail (w != NULL || n_units <= 0);

  if (n_units <= 0)
    {
      ink_features_page_clear (self);
      return;
    }
  drop_convs (self);
  gtk_widget_set_visible (self->choosers, FALSE);
  gtk_label_set_label (GTK_LABEL (self->hint), _("Click a tile to see its unit’s weights"));
  gtk_widget_set_tooltip_text (self->summary, NULL);
  if (n_inputs != N_PIXELS)
    {
      g_autofree char *desc =
        /* Translators: shown instead of the feature tiles */
        g_strdup_printf (_("The tiles need 28×28 inputs; this model’s first layer has %d"), n_inputs);

      ink_tile_view_clear (self->tiles);
      self->unit = -1;
      update_panel (self);
      adw_status_page_set_description (ADW_STATUS_PAGE (self->wrong_inputs_page), desc);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "wrong-inputs");
      return;
    }

  ink_tile_view_set_weights (self->tiles, w, n_units, n_inputs);
  units = g_strdup_printf (ngettext ("%d unit", "%d units", n_units), n_units);
  /* Translators: the Features page's heading, e.g. "512 units in the first layer" */
  summary = g_strdup_printf (_("%s in the first layer"), units);
  gtk_label_set_label (GTK_LABEL (self->summary), summary);
  update_panel (self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "tiles");
}

void
ink_features_page_clear (InkFeaturesPage *self)
{
  g_return_if_fail (INK_IS_FEATURES_PAGE (self));

  ink_tile_view_clear (self->tiles);
  drop_convs (self);
  self->unit = -1;
  update_panel (self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

/* the layers' names in the chooser: "Layer 2: conv2d 64 3×3" */
static void
fill_layer_names (InkFeaturesPage *self)
{
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->layer_names));
  g_auto(GStrv) names = g_new0 (char *, self->n_convs + 1);

  for (int i = 0; i < self->n_convs; i++)
    {
      const ConvLayer *cl = &self->convs[i];

      /* Translators: an entry of the Features page's layer chooser */
      names[i] = g_strdup_printf (_("Layer %d: conv2d %d %d×%d"), cl->index + 1, cl->filters, cl->kh, cl->kw);
    }
  self->updating = TRUE;
  gtk_string_list_splice (self->layer_names, 0, old, (const char * const *) names);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->layer_choice), (guint) self->conv);
  self->updating = FALSE;
}

void
ink_features_page_set_model (InkFeaturesPage  *self,
                             const InkNetSpec *spec,
                             const float      *params)
{
  g_autofree InkLayerShape *shapes = NULL;
  gboolean same;
  gsize off = 0;
  int n = 0;

  g_return_if_fail (INK_IS_FEATURES_PAGE (self));
  g_return_if_fail (spec == NULL || params != NULL);

  if (spec == NULL)
    {
      ink_features_page_clear (self);
      return;
    }
  if (!ink_net_spec_has_image_layers (spec))
    {
      ink_features_page_set_weights (self, params, spec->layers[0].units, spec->n_inputs);
      return;
    }

  shapes = g_new0 (InkLayerShape, spec->n_layers);
  if (!ink_net_spec_shapes (spec, shapes, NULL))
    {
      ink_features_page_clear (self);
      return;
    }
  for (int l = 0; l < spec->n_layers; l++)
    if (spec->layers[l].kind == INK_LAYER_CONV2D)
      n++;
  if (n == 0)
    {
      drop_convs (self);
      ink_tile_view_clear (self->tiles);
      self->unit = -1;
      update_panel (self);
      adw_status_page_set_description (ADW_STATUS_PAGE (self->wrong_inputs_page),
                                       /* Translators: shown instead of the feature tiles */
                                       _("This model has no convolution and its first dense layer does not see the "
                                         "28×28 image"));
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "wrong-inputs");
      return;
    }

  /* the same network (every epoch of a run): new weights, the same choice */
  same = self->spec != NULL && ink_net_spec_same_network (self->spec, spec);
  if (!same)
    {
      drop_convs (self);
      self->spec = ink_net_spec_copy (spec);
      self->convs = g_new0 (ConvLayer, n);
      ink_tile_view_set_selected (self->tiles, -1);
      self->unit = -1;
    }
  for (int l = 0, i = 0; l < spec->n_layers; l++)
    {
      const InkLayerShape *sh = &shapes[l];

      if (spec->layers[l].kind == INK_LAYER_CONV2D)
        {
          ConvLayer *cl = &self->convs[i++];

          cl->index = l;
          cl->filters = sh->channels;
          cl->in_channels = sh->in_channels;
          cl->kh = spec->layers[l].kernel_h;
          cl->kw = spec->layers[l].kernel_w;
          if (cl->w == NULL)
            cl->w = g_new (float, sh->n_weights);
          memcpy (cl->w, params + off, sizeof (float) * sh->n_weights);
        }
      off += sh->n_weights + sh->n_biases + sh->n_state;
    }
  self->n_convs = n;
  if (!same)
    fill_layer_names (self);
  show_conv (self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "tiles");
}

InkTileView *
ink_features_page_get_tile_view (InkFeaturesPage *self)
{
  g_return_val_if_fail (INK_IS_FEATURES_PAGE (self), NULL);

  return self->tiles;
}

void
ink_features_page_select_unit (InkFeaturesPage *self,
                               int              unit)
{
  g_return_if_fail (INK_IS_FEATURES_PAGE (self));

  ink_tile_view_set_selected (self->tiles, unit);
  self->unit = ink_tile_view_get_selected (self->tiles);
  update_panel (self);
}

gboolean
ink_features_page_get_selected_stats (InkFeaturesPage *self,
                                      InkTileStats    *out)
{
  g_return_val_if_fail (INK_IS_FEATURES_PAGE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (self->unit < 0)
    return FALSE;
  *out = self->stats;
  return TRUE;
}

const char *
ink_features_page_get_state (InkFeaturesPage *self)
{
  g_return_val_if_fail (INK_IS_FEATURES_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}
