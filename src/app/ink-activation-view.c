/* ink-activation-view.c
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

/* The activation view: each hidden layer's activations for one input as
 * a grid of cells, and the saliency map of the predicted class. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-activation-view.h"
#include "ink-cairo-util.h"

#define SIDE_PIXELS   28
#define N_PIXELS      (SIDE_PIXELS * SIDE_PIXELS)
#define PANEL_GAP     24
#define TITLE_GAP     6
#define MAX_CELL      28
#define MAX_PANEL     300

/* the diverging pair, shared with the saliency map */
static const GdkRGBA pos_color = { 0.88f, 0.19f, 0.16f, 1.0f };
static const GdkRGBA neg_color = { 0.12f, 0.45f, 0.87f, 1.0f };

typedef struct
{
  int    index;        /* the layer's index in the network */
  int    units;
  int    cols;
  int    rows;
  float  scale;        /* |value| that gets the full colour */
  double active;       /* fraction of units firing */
  char  *title;        /* "Layer 1" */
  char  *subtitle;     /* "512 units · 37% active" */
} Layer;

/* where a panel landed in the last allocation */
typedef struct
{
  double x;            /* the panel's square */
  double y;
  double side;
  double grid_x;       /* the cells */
  double grid_y;
  double cell;
  int    cols;
  int    rows;
  int    count;
} Panel;

struct _InkActivationView
{
  GtkWidget      parent_instance;

  InkInspection *insp;
  const char * const *names;    /* class labels; NULL = digits */
  Layer         *layers;        /* the hidden dense layers (conv2d and pooling
                                 * layers have their maps in InkFeatureMaps) */
  int            n_hidden;
  gboolean       has_saliency;
  float          saliency[N_PIXELS];
  float          saliency_scale;
  guint8         input[N_PIXELS];
  int            top;
  char          *saliency_title;
};

G_DEFINE_FINAL_TYPE (InkActivationView, ink_activation_view, GTK_TYPE_WIDGET)

static void
free_layers (InkActivationView *self)
{
  for (int l = 0; l < self->n_hidden; l++)
    {
      g_free (self->layers[l].title);
      g_free (self->layers[l].subtitle);
    }
  g_clear_pointer (&self->layers, g_free);
  self->n_hidden = 0;
}

static void
grid_shape (int  n,
            int *cols,
            int *rows)
{
  *cols = MAX (1, (int) ceil (sqrt ((double) n)));
  *rows = MAX (1, (n + *cols - 1) / *cols);
}

static gboolean
is_active (InkActivation act,
           float         v)
{
  return act == INK_ACT_SIGMOID ? v > 0.5f : v > 0.0f;
}

static int
n_panels (InkActivationView *self)
{
  return self->n_hidden + (self->has_saliency ? 1 : 0);
}

/* a panel's title (bold) or subtitle (smaller), cut short with "…" */
static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             gboolean    bold)
{
  PangoLayout *layout = ink_text_layout (widget, text, bold ? 1.0 : 0.9, bold);

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  return layout;
}

/* two lines: a bold title and a smaller subtitle */
static int
title_height (InkActivationView *self)
{
  g_autoptr(PangoLayout) a = make_layout (GTK_WIDGET (self), "Ag", TRUE);
  g_autoptr(PangoLayout) b = make_layout (GTK_WIDGET (self), "Ag", FALSE);
  int w, ha, hb;

  pango_layout_get_pixel_size (a, &w, &ha);
  pango_layout_get_pixel_size (b, &w, &hb);
  return ha + hb + TITLE_GAP;
}

/* lays out panel i of the current contents in a width × height area */
static void
panel_geometry (InkActivationView *self,
                int                width,
                int                height,
                int                i,
                Panel             *p)
{
  int n = n_panels (self);
  int th = title_height (self);
  double side, x0, cell;

  side = MIN ((double) height - th, (width - (n - 1) * (double) PANEL_GAP) / n);
  side = floor (MIN (side, MAX_PANEL));
  side = MAX (side, 8);
  x0 = 0;   /* left-aligned, under the page's heading */

  if (i < self->n_hidden)
    {
      p->cols = self->layers[i].cols;
      p->rows = self->layers[i].rows;
      p->count = self->layers[i].units;
    }
  else
    {
      p->cols = p->rows = SIDE_PIXELS;
      p->count = N_PIXELS;
    }

  cell = floor (side / MAX (p->cols, p->rows));
  if (cell < 1)
    cell = side / MAX (p->cols, p->rows);
  cell = MIN (cell, MAX_CELL);

  p->x = x0 + i * (side + PANEL_GAP);
  p->y = th;
  p->side = side;
  p->cell = cell;
  p->grid_x = p->x + floor ((side - cell * p->cols) / 2);
  p->grid_y = p->y + floor ((side - cell * p->rows) / 2);
}

/* the colour of a cell holding t (-1..1 of the layer's scale): the diverging
 * pair with an opacity growing with |t|, over the empty cell's faint ground */
static void
cell_color (double   t,
            GdkRGBA *out)
{
  *out = t >= 0 ? pos_color : neg_color;
  out->alpha = (float) pow (MIN (1.0, fabs (t)), 0.75);
}

static void
draw_title (InkActivationView *self,
            cairo_t           *cr,
            const Panel       *p,
            const char        *title,
            const char        *subtitle,
            const GdkRGBA     *fg)
{
  g_autoptr(PangoLayout) a = make_layout (GTK_WIDGET (self), title, TRUE);
  g_autoptr(PangoLayout) b = make_layout (GTK_WIDGET (self), subtitle, FALSE);
  int w, h;
  double width = MAX (p->side, p->cell * p->cols);
  double x = MIN (p->x, p->grid_x);

  pango_layout_set_width (a, (int) (width * PANGO_SCALE));
  pango_layout_set_width (b, (int) (width * PANGO_SCALE));
  pango_layout_get_pixel_size (a, &w, &h);
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_move_to (cr, x, 0);
  pango_cairo_show_layout (cr, a);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.6);
  cairo_move_to (cr, x, h);
  pango_cairo_show_layout (cr, b);
}

static void
draw_layer (InkActivationView *self,
            cairo_t           *cr,
            const Panel       *p,
            int                l,
            const GdkRGBA     *fg)
{
  const Layer *layer = &self->layers[l];
  const float *v = self->insp->values[layer->index];
  double inset = p->cell >= 6 ? 1.0 : 0.0;

  for (int u = 0; u < layer->units; u++)
    {
      double x = p->grid_x + (u % p->cols) * p->cell;
      double y = p->grid_y + (u / p->cols) * p->cell;
      GdkRGBA c;

      cairo_rectangle (cr, x, y, p->cell - inset, p->cell - inset);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.08);
      cairo_fill_preserve (cr);
      cell_color (v[u] / layer->scale, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_fill (cr);
    }
}

static gboolean
inked (InkActivationView *self,
       int                x,
       int                y)
{
  if (x < 0 || y < 0 || x >= SIDE_PIXELS || y >= SIDE_PIXELS)
    return FALSE;
  return self->input[y * SIDE_PIXELS + x] >= 128;
}

static void
draw_saliency (InkActivationView *self,
               cairo_t           *cr,
               const Panel       *p,
               const GdkRGBA     *fg)
{
  double c = p->cell;

  /* the panel's ground, the heat, then the digit's outline */
  cairo_rectangle (cr, p->grid_x, p->grid_y, c * SIDE_PIXELS, c * SIDE_PIXELS);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.05);
  cairo_fill (cr);

  for (int i = 0; i < N_PIXELS; i++)
    {
      double t = self->saliency[i] / self->saliency_scale;
      const GdkRGBA *color = t >= 0 ? &pos_color : &neg_color;
      double a = MIN (1.0, fabs (t));

      if (a < 0.02)
        continue;
      cairo_rectangle (cr, p->grid_x + (i % SIDE_PIXELS) * c, p->grid_y + (i / SIDE_PIXELS) * c, c, c);
      cairo_set_source_rgba (cr, color->red, color->green, color->blue, 0.95 * a);
      cairo_fill (cr);
    }

  for (int y = 0; y <= SIDE_PIXELS; y++)
    for (int x = 0; x <= SIDE_PIXELS; x++)
      {
        double px = p->grid_x + x * c, py = p->grid_y + y * c;

        /* the left and top edges of pixel (x, y) */
        if (y < SIDE_PIXELS && inked (self, x, y) != inked (self, x - 1, y))
          {
            cairo_move_to (cr, px, py);
            cairo_line_to (cr, px, py + c);
          }
        if (x < SIDE_PIXELS && inked (self, x, y) != inked (self, x, y - 1))
          {
            cairo_move_to (cr, px, py);
            cairo_line_to (cr, px + c, py);
          }
      }
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.85);
  cairo_set_line_width (cr, MAX (1.0, c / 5));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_stroke (cr);
}

static void
ink_activation_view_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  InkActivationView *self = INK_ACTIVATION_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int n = n_panels (self);
  GdkRGBA fg;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (n == 0)
    {
      g_autoptr(PangoLayout) layout =
        ink_placeholder_layout (widget, _("Draw a digit to see what each layer does with it"), width);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.5);
      ink_cairo_show_layout (cr, layout, 0, height / 2.0, 0.0, 0.5);
      cairo_destroy (cr);
      return;
    }

  for (int i = 0; i < n; i++)
    {
      Panel p;

      panel_geometry (self, width, height, i, &p);
      if (i < self->n_hidden)
        {
          draw_title (self, cr, &p, self->layers[i].title, self->layers[i].subtitle, &fg);
          draw_layer (self, cr, &p, i, &fg);
        }
      else
        {
          /* Translators: legend of the saliency map: ink on red pixels
           * raises the predicted class's score, on blue ones lowers it */
          draw_title (self, cr, &p, self->saliency_title,
                      _("red raises, blue lowers"), &fg);
          draw_saliency (self, cr, &p, &fg);
        }
    }

  cairo_destroy (cr);
}

static gboolean
on_query_tooltip (GtkWidget         *widget,
                  int                x,
                  int                y,
                  gboolean           keyboard,
                  GtkTooltip        *tooltip,
                  InkActivationView *self)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  for (int i = 0; i < n_panels (self); i++)
    {
      g_autofree char *text = NULL;
      Panel p;
      int col, row, idx;

      panel_geometry (self, width, height, i, &p);
      col = (int) floor ((x - p.grid_x) / p.cell);
      row = (int) floor ((y - p.grid_y) / p.cell);
      if (col < 0 || row < 0 || col >= p.cols || row >= p.rows)
        continue;
      idx = row * p.cols + col;
      if (idx >= p.count)
        return FALSE;
      if (i < self->n_hidden)
        /* Translators: tooltip of one unit of a layer: unit number, its output */
        text = g_strdup_printf (_("Unit %d: %.3f"), idx + 1, self->insp->values[self->layers[i].index][idx]);
      else
        /* Translators: tooltip of one pixel of the saliency map */
        text = g_strdup_printf (_("Pixel (%d, %d): %+.4f"), col, row, self->saliency[idx]);
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
  return FALSE;
}

static void
ink_activation_view_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  InkActivationView *self = INK_ACTIVATION_VIEW (widget);
  int th = title_height (self);
  int n = MAX (1, n_panels (self));

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = MAX (*minimum, n * 200 + (n - 1) * PANEL_GAP);
    }
  else
    {
      *minimum = th + 96;
      *natural = th + 200;
    }
}

static void
ink_activation_view_finalize (GObject *object)
{
  InkActivationView *self = INK_ACTIVATION_VIEW (object);

  free_layers (self);
  g_clear_pointer (&self->insp, ink_inspection_free);
  g_clear_pointer (&self->saliency_title, g_free);

  G_OBJECT_CLASS (ink_activation_view_parent_class)->finalize (object);
}

static void
ink_activation_view_class_init (InkActivationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ink_activation_view_finalize;
  widget_class->snapshot = ink_activation_view_snapshot;
  widget_class->measure = ink_activation_view_measure;

  gtk_widget_class_set_css_name (widget_class, "inkactivationview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ink_activation_view_init (InkActivationView *self)
{
  self->top = -1;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Layer activations and saliency"),
                                  -1);
}

InkActivationView *
ink_activation_view_new (void)
{
  return g_object_new (INK_TYPE_ACTIVATION_VIEW, NULL);
}

/* a copy of what the view shows: the dense layers' values (a CNN's maps,
 * tens of thousands of floats, stay out; their values are NULL) */
static InkInspection *
copy_dense (const InkInspection *insp)
{
  InkInspection *copy = g_new0 (InkInspection, 1);

  copy->n_layers = insp->n_layers;
  copy->units = g_memdup2 (insp->units, sizeof (int) * insp->n_layers);
  copy->activations = g_memdup2 (insp->activations, sizeof (InkActivation) * insp->n_layers);
  copy->kinds = g_memdup2 (insp->kinds, sizeof (InkLayerKind) * insp->n_layers);
  copy->shapes = g_memdup2 (insp->shapes, sizeof (InkLayerShape) * insp->n_layers);
  copy->values = g_new0 (float *, insp->n_layers);
  for (int l = 0; l < insp->n_layers; l++)
    if (insp->kinds == NULL || insp->kinds[l] == INK_LAYER_DENSE)
      copy->values[l] = g_memdup2 (insp->values[l], sizeof (float) * insp->units[l]);
  return copy;
}

void
ink_activation_view_set (InkActivationView   *self,
                         const InkInspection *insp,
                         const float         *saliency,
                         const guint8        *input)
{
  int old_panels;

  g_return_if_fail (INK_IS_ACTIVATION_VIEW (self));
  g_return_if_fail (insp != NULL);
  g_return_if_fail (saliency == NULL || input != NULL);

  old_panels = n_panels (self);
  free_layers (self);
  g_clear_pointer (&self->insp, ink_inspection_free);
  g_clear_pointer (&self->saliency_title, g_free);

  self->insp = copy_dense (insp);
  self->top = ink_inspection_top (insp);
  self->layers = g_new0 (Layer, MAX (1, insp->n_layers));
  self->n_hidden = 0;
  for (int l = 0; l < insp->n_layers - 1; l++)
    {
      Layer *layer;
      const float *v = insp->values[l];
      InkActivation act = insp->activations[l];
      int active = 0;
      float max_abs = 0.0f;
      g_autofree char *units = NULL;
      g_autofree char *share = NULL;

      /* a dense layer's units as cells; the other kinds are image-shaped
       * (or, for batch-norm, the dense layer before them again) */
      if (insp->kinds != NULL && insp->kinds[l] != INK_LAYER_DENSE)
        continue;
      layer = &self->layers[self->n_hidden++];
      layer->index = l;
      layer->units = insp->units[l];
      grid_shape (layer->units, &layer->cols, &layer->rows);
      for (int u = 0; u < layer->units; u++)
        {
          max_abs = MAX (max_abs, fabsf (v[u]));
          if (is_active (act, v[u]))
            active++;
        }
      /* bounded activations keep their natural range; the others are
       * scaled by the layer's largest value */
      if (act == INK_ACT_SIGMOID || act == INK_ACT_TANH)
        layer->scale = 1.0f;
      else
        layer->scale = max_abs > 0.0f ? max_abs : 1.0f;
      layer->active = layer->units > 0 ? (double) active / layer->units : 0.0;

      /* Translators: the title of a hidden layer's activation grid */
      layer->title = g_strdup_printf (_("Layer %d"), l + 1);
      units = g_strdup_printf (ngettext ("%d unit", "%d units", layer->units), layer->units);
      /* Translators: share of a layer's units that fire, e.g. "37% active" */
      share = g_strdup_printf (_("%.0f%% active"), 100.0 * layer->active);
      layer->subtitle = g_strdup_printf ("%s · %s", units, share);
    }

  self->has_saliency = saliency != NULL;
  if (saliency != NULL)
    {
      float max_abs = 0.0f;

      memcpy (self->saliency, saliency, sizeof self->saliency);
      memcpy (self->input, input, sizeof self->input);
      for (int i = 0; i < N_PIXELS; i++)
        max_abs = MAX (max_abs, fabsf (saliency[i]));
      self->saliency_scale = max_abs > 0.0f ? max_abs : 1.0f;
      if (self->names != NULL && self->top >= 0 && (guint) self->top < g_strv_length ((char **) self->names))
        /* Translators: title of the saliency map; %s is the predicted class's name */
        self->saliency_title = g_strdup_printf (_("Saliency for %s"), self->names[self->top]);
      else
        /* Translators: title of the saliency map; %d is the predicted class */
        self->saliency_title = g_strdup_printf (_("Saliency for %d"), self->top);
    }

  if (old_panels != n_panels (self))
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ink_activation_view_clear (InkActivationView *self)
{
  g_return_if_fail (INK_IS_ACTIVATION_VIEW (self));

  free_layers (self);
  g_clear_pointer (&self->insp, ink_inspection_free);
  g_clear_pointer (&self->saliency_title, g_free);
  self->has_saliency = FALSE;
  self->top = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

int
ink_activation_view_get_n_layers (InkActivationView *self)
{
  g_return_val_if_fail (INK_IS_ACTIVATION_VIEW (self), 0);

  return self->n_hidden;
}

char *
ink_activation_view_get_layer_caption (InkActivationView *self,
                                       int                layer)
{
  g_return_val_if_fail (INK_IS_ACTIVATION_VIEW (self), NULL);

  if (layer < 0 || layer >= self->n_hidden)
    return NULL;
  return g_strdup_printf ("%s · %s", self->layers[layer].title, self->layers[layer].subtitle);
}

void
ink_activation_view_set_class_names (InkActivationView  *self,
                                     const char * const *names)
{
  g_return_if_fail (INK_IS_ACTIVATION_VIEW (self));
  self->names = names;   /* used from the next ink_activation_view_set () */
}

const char *
ink_activation_view_get_saliency_title (InkActivationView *self)
{
  g_return_val_if_fail (INK_IS_ACTIVATION_VIEW (self), NULL);
  return self->saliency_title;
}
