/* ink-feature-maps.c
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

/* The feature-map view: for each conv2d and pooling layer, its maps for one
 * input painted into an image of its own when the values arrive (one pixel
 * per value, a pixel of gap between maps), then laid out as titled grids
 * that flow and wrap with the width, each image drawn scaled by a whole
 * factor with the nearest filter. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-feature-maps.h"

#define MAP_TARGET   48     /* pixels a map's longer side aims at */
#define MAX_SCALE    12     /* device pixels per value at most */
#define GAP          1      /* image pixels between maps (scaled with them) */
#define BLOCK_GAP_X  24
#define BLOCK_GAP_Y  18
#define TITLE_GAP    6
#define MIN_BLOCK    200    /* a block is at least this wide (its title) */
#define GREY_LEVELS  256

typedef struct
{
  int              index;        /* in the network */
  int              channels;
  int              height;
  int              width;
  gsize            n;            /* channels × height × width */
  char            *title;
  char            *subtitle;     /* NULL while empty */
  float           *values;
  gboolean         has_values;
  cairo_surface_t *image;        /* cols × rows maps, ARGB32 */
  int              cols;         /* of the image */
  int              rows;

  /* the last layout */
  double           fscale;       /* device pixels per value (whole unless too narrow) */
  int              grid_cols;    /* as laid out (≤ cols when narrow: the image is re-cut) */
  int              grid_rows;
  double           x;            /* the block */
  double           y;
  double           block_w;
  double           grid_x;
  double           grid_y;
} MapLayer;

struct _InkFeatureMaps
{
  GtkWidget  parent_instance;

  MapLayer  *layers;
  int        n_layers;
  int        laid_out_width;   /* width of the last layout, -1 = none */
};

G_DEFINE_FINAL_TYPE (InkFeatureMaps, ink_feature_maps, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------------------ */
/* names                                                                     */

char *
ink_feature_maps_layer_title (const InkLayerSpec  *ls,
                              const InkLayerShape *shape)
{
  g_autoptr(GString) name = NULL;

  g_return_val_if_fail (ls != NULL && shape != NULL, NULL);

  switch (ls->kind)
    {
    case INK_LAYER_CONV2D:
      name = g_string_new (NULL);
      g_string_append_printf (name, "conv2d %d %d×%d", ls->filters, ls->kernel_h, ls->kernel_w);
      if (ls->stride > 1)
        /* Translators: part of a layer's name, "conv2d 32 3×3 stride 2" */
        g_string_append_printf (name, _(" stride %d"), ls->stride);
      if (ls->padding == INK_PADDING_SAME)
        /* Translators: part of a layer's name: the input is padded with zeros
         * ("same" padding, as in the experiment file) */
        g_string_append (name, _(" same"));
      break;
    case INK_LAYER_MAX_POOL:
    case INK_LAYER_AVG_POOL:
      name = g_string_new (NULL);
      g_string_append_printf (name, "%s %d×%d", ink_layer_kind_to_string (ls->kind),
                              ls->pool_size, ls->pool_size);
      if (ls->stride != ls->pool_size)
        g_string_append_printf (name, _(" stride %d"), ls->stride);
      break;
    case INK_LAYER_DENSE:
    case INK_LAYER_BATCH_NORM:
    default:
      return NULL;
    }
  g_string_append_printf (name, " → %d×%d×%d", shape->channels, shape->height, shape->width);
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static gboolean
is_map_layer (InkLayerKind kind)
{
  return kind == INK_LAYER_CONV2D || kind == INK_LAYER_MAX_POOL || kind == INK_LAYER_AVG_POOL;
}

/* ------------------------------------------------------------------------ */
/* painting the maps                                                         */

static const guint32 *
grey_lut (void)
{
  static guint32 table[GREY_LEVELS];
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint32 i = 0; i < GREY_LEVELS; i++)
        table[i] = 0xff000000u | (i << 16) | (i << 8) | i;
      g_once_init_leave (&done, 1);
    }
  return table;
}

static void
paint_layer (MapLayer *m)
{
  const guint32 *table;
  float lo = 0.0f, hi = 0.0f, k;
  gboolean signed_values = FALSE;
  guint32 *data;
  int stride, n, active = 0;
  g_autofree char *share = NULL;

  for (gsize i = 0; i < m->n; i++)
    {
      float v = m->values[i];

      if (!(v == v))
        continue;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
      if (v > 0.0f)
        active++;
    }
  if (lo < 0.0f)
    {
      float a = MAX (-lo, hi);

      signed_values = TRUE;
      lo = -a;
      hi = a;
    }
  /* greyscale: 0 … hi; signed: the colour map from -m to +m */
  table = signed_values ? ink_colormap_lut () : grey_lut ();
  n = signed_values ? INK_COLORMAP_LUT_SIZE : GREY_LEVELS;
  k = hi > lo && isfinite (hi - lo) ? (n - 1) / (hi - lo) : 0.0f;

  cairo_surface_flush (m->image);
  data = (guint32 *) cairo_image_surface_get_data (m->image);
  stride = cairo_image_surface_get_stride (m->image) / 4;
  for (int c = 0; c < m->channels; c++)
    {
      const float *src = m->values + (gsize) c * m->height * m->width;
      guint32 *dst = data + (gsize) (c / m->cols) * (m->height + GAP) * stride
                     + (c % m->cols) * (m->width + GAP);

      ink_lut_paint (src, m->width, m->height, 1, table, n, lo, k,
                     table[signed_values ? n / 2 : 0], dst, stride);
    }
  cairo_surface_mark_dirty (m->image);

  g_free (m->subtitle);
  /* Translators: under a layer's feature maps: its number in the network,
   * the share of its values above 0 and the largest, e.g.
   * "Layer 1 · 41% active · max 2.31" */
  m->subtitle = g_strdup_printf (_("Layer %d · %.0f%% active · max %.3g"), m->index + 1,
                                 m->n > 0 ? 100.0 * active / m->n : 0.0, signed_values ? MAX (hi, -lo) : hi);
}

/* the maps as faint squares (no values yet) */
static void
clear_image (MapLayer *m)
{
  cairo_t *cr = cairo_create (m->image);

  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba (cr, 0, 0, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  m->has_values = FALSE;
  g_clear_pointer (&m->subtitle, g_free);
}

/* ------------------------------------------------------------------------ */
/* layout                                                                    */

static void
free_layers (InkFeatureMaps *self)
{
  for (int i = 0; i < self->n_layers; i++)
    {
      g_free (self->layers[i].title);
      g_free (self->layers[i].subtitle);
      g_free (self->layers[i].values);
      g_clear_pointer (&self->layers[i].image, cairo_surface_destroy);
    }
  g_clear_pointer (&self->layers, g_free);
  self->n_layers = 0;
}

static int
line_height (InkFeatureMaps *self,
             gboolean        bold)
{
  int h;

  ink_text_size (GTK_WIDGET (self), "Ag", bold ? 1.0 : 0.9, bold, NULL, &h);
  return h;
}

static int
title_height (InkFeatureMaps *self)
{
  return line_height (self, TRUE) + line_height (self, FALSE) + TITLE_GAP;
}

/* a layer's whole scale: its longer side near MAP_TARGET pixels */
static int
natural_scale (const MapLayer *m)
{
  int side = MAX (m->height, m->width);

  return CLAMP ((int) lround ((double) MAP_TARGET / MAX (side, 1)), 1, MAX_SCALE);
}

/* Lays every block out for a widget `width` pixels wide; returns the
 * height it takes.  Blocks flow left to right and wrap; a block as wide as
 * its grid (at least MIN_BLOCK, at most the width); a grid uses as few rows
 * as fit, balanced (11, 11, 10 rather than 13, 13, 6). */
static int
layout (InkFeatureMaps *self,
        int             width,
        gboolean        store)
{
  int th = title_height (self);
  double x = 0, y = 0, row_h = 0;

  width = MAX (width, 1);
  for (int i = 0; i < self->n_layers; i++)
    {
      MapLayer *m = &self->layers[i];
      double s = natural_scale (m);
      double pitch_x, pitch_y, grid_w, grid_h, block_w;
      int cols, rows;

      /* too wide for one map at that scale: smaller, down to 1, then
       * fractional */
      while (s > 1 && s * m->width > width)
        s -= 1;
      if (s * m->width > width)
        s = (double) width / m->width;
      pitch_x = s * (m->width + GAP);
      pitch_y = s * (m->height + GAP);
      cols = MAX (1, MIN (m->channels, (int) floor ((width + s * GAP) / pitch_x)));
      rows = (m->channels + cols - 1) / cols;
      cols = (m->channels + rows - 1) / rows;
      grid_w = cols * pitch_x - s * GAP;
      grid_h = rows * pitch_y - s * GAP;
      block_w = MIN ((double) width, MAX (grid_w, MIN_BLOCK));

      if (x > 0 && x + block_w > width)
        {
          x = 0;
          y += row_h + BLOCK_GAP_Y;
          row_h = 0;
        }
      if (store)
        {
          m->fscale = s;
          m->grid_cols = cols;
          m->grid_rows = rows;
          m->x = x;
          m->y = y;
          m->block_w = block_w;
          m->grid_x = x;
          m->grid_y = y + th;
        }
      row_h = MAX (row_h, th + grid_h);
      x += block_w + BLOCK_GAP_X;
    }
  if (store)
    self->laid_out_width = width;
  return self->n_layers > 0 ? (int) ceil (y + row_h) : 0;
}

static void
ensure_layout (InkFeatureMaps *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (self->laid_out_width != width)
    layout (self, width, TRUE);
}

/* ------------------------------------------------------------------------ */
/* GtkWidget                                                                 */

static void
draw_text (InkFeatureMaps *self,
           cairo_t        *cr,
           const char     *text,
           gboolean        bold,
           double          x,
           double          y,
           double          width,
           const GdkRGBA  *color)
{
  g_autoptr(PangoLayout) layout = ink_text_layout (GTK_WIDGET (self), text, bold ? 1.0 : 0.9, bold);

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  gdk_cairo_set_source_rgba (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_block (InkFeatureMaps *self,
            cairo_t        *cr,
            const MapLayer *m,
            const GdkRGBA  *fg)
{
  GdkRGBA dim = *fg;
  double s = m->fscale;

  dim.alpha *= 0.6f;
  draw_text (self, cr, m->title, TRUE, m->x, m->y, m->block_w, fg);
  draw_text (self, cr, m->subtitle ? m->subtitle : _("nothing drawn"), FALSE,
             m->x, m->y + line_height (self, TRUE), m->block_w, &dim);

  /* each map from the layer's image, in the laid-out grid (which may have
   * fewer columns than the image when the widget is narrow) */
  for (int c = 0; c < m->channels; c++)
    {
      double dx = m->grid_x + (c % m->grid_cols) * s * (m->width + GAP);
      double dy = m->grid_y + (c / m->grid_cols) * s * (m->height + GAP);
      int sx = (c % m->cols) * (m->width + GAP);
      int sy = (c / m->cols) * (m->height + GAP);

      if (!m->has_values)
        {
          cairo_rectangle (cr, dx, dy, s * m->width, s * m->height);
          cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.07);
          cairo_fill (cr);
          continue;
        }
      ink_cairo_paint_scaled (cr, m->image, sx, sy, m->width, m->height, dx, dy, s, s);
    }
}

static void
ink_feature_maps_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  InkFeatureMaps *self = INK_FEATURE_MAPS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;

  if (self->n_layers == 0 || width <= 0 || height <= 0)
    return;

  ensure_layout (self);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (int i = 0; i < self->n_layers; i++)
    draw_block (self, cr, &self->layers[i], &fg);
  cairo_destroy (cr);
}

static GtkSizeRequestMode
ink_feature_maps_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
ink_feature_maps_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  InkFeatureMaps *self = INK_FEATURE_MAPS (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int widest = 0, sum = 0;

      for (int i = 0; i < self->n_layers; i++)
        {
          const MapLayer *m = &self->layers[i];
          int s = natural_scale (m);

          widest = MAX (widest, s * m->width);
          sum += MAX (MIN_BLOCK, m->cols * s * (m->width + GAP)) + (i > 0 ? BLOCK_GAP_X : 0);
        }
      *minimum = MIN (widest, 160);
      *natural = MAX (*minimum, sum);
    }
  else
    {
      /* without a width: as laid out in a column of natural blocks */
      int h = layout (self, for_size >= 0 ? for_size : 640, FALSE);

      *minimum = *natural = h;
    }
}

static void
ink_feature_maps_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  layout (INK_FEATURE_MAPS (widget), width, TRUE);
}

static gboolean
on_query_tooltip (GtkWidget      *widget,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip,
                  InkFeatureMaps *self)
{
  ensure_layout (self);
  for (int i = 0; i < self->n_layers; i++)
    {
      const MapLayer *m = &self->layers[i];
      double s = m->fscale, px = x - m->grid_x, py = y - m->grid_y;
      int col, row, c, mx, my;
      g_autofree char *text = NULL;

      if (px < 0 || py < 0 || s <= 0)
        continue;
      col = (int) floor (px / (s * (m->width + GAP)));
      row = (int) floor (py / (s * (m->height + GAP)));
      if (col >= m->grid_cols || row >= m->grid_rows)
        continue;
      c = row * m->grid_cols + col;
      mx = (int) floor (px / s) - col * (m->width + GAP);
      my = (int) floor (py / s) - row * (m->height + GAP);
      if (c >= m->channels || mx >= m->width || my >= m->height)
        return FALSE;
      if (m->has_values)
        /* Translators: tooltip of a feature map: the map (channel) number,
         * the position in it and the value there */
        text = g_strdup_printf (_("Map %d, (%d, %d): %.3f"), c + 1, mx, my,
                                m->values[(gsize) c * m->height * m->width + (gsize) my * m->width + mx]);
      else
        /* Translators: tooltip of an empty feature map */
        text = g_strdup_printf (_("Map %d"), c + 1);
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
ink_feature_maps_finalize (GObject *object)
{
  free_layers (INK_FEATURE_MAPS (object));

  G_OBJECT_CLASS (ink_feature_maps_parent_class)->finalize (object);
}

static void
ink_feature_maps_class_init (InkFeatureMapsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ink_feature_maps_finalize;
  widget_class->snapshot = ink_feature_maps_snapshot;
  widget_class->measure = ink_feature_maps_measure;
  widget_class->size_allocate = ink_feature_maps_size_allocate;
  widget_class->get_request_mode = ink_feature_maps_get_request_mode;

  gtk_widget_class_set_css_name (widget_class, "inkfeaturemaps");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ink_feature_maps_init (InkFeatureMaps *self)
{
  self->laid_out_width = -1;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Feature maps of the convolution and pooling layers"),
                                  -1);
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */

InkFeatureMaps *
ink_feature_maps_new (void)
{
  return g_object_new (INK_TYPE_FEATURE_MAPS, NULL);
}

/* the image grid of a layer: near-square rows of maps, a little wider than
 * high (32 maps: 8 × 4, 64: 8 × 8, 6: 3 × 2) */
static void
image_grid (int  n,
            int *cols,
            int *rows)
{
  int c = (int) ceil (sqrt (2.0 * n));

  /* a divisor of n near sqrt(2n) leaves no hole */
  for (int d = c; d >= (int) ceil (sqrt ((double) n)); d--)
    if (n % d == 0)
      {
        c = d;
        break;
      }
  c = CLAMP (c, 1, MAX (n, 1));
  *cols = c;
  *rows = (n + c - 1) / c;
}

void
ink_feature_maps_set_network (InkFeatureMaps   *self,
                              const InkNetSpec *spec)
{
  g_autofree InkLayerShape *shapes = NULL;
  int n = 0;

  g_return_if_fail (INK_IS_FEATURE_MAPS (self));

  if (spec != NULL)
    {
      shapes = g_new0 (InkLayerShape, MAX (spec->n_layers, 1));
      if (!ink_net_spec_shapes (spec, shapes, NULL))
        spec = NULL;
    }
  if (spec != NULL)
    for (int l = 0; l < spec->n_layers; l++)
      if (is_map_layer (spec->layers[l].kind))
        n++;

  /* the same layers and shapes: keep what is shown */
  if (spec != NULL && n == self->n_layers)
    {
      gboolean same = TRUE;

      for (int l = 0, i = 0; l < spec->n_layers && same; l++)
        if (is_map_layer (spec->layers[l].kind))
          {
            const MapLayer *m = &self->layers[i++];
            g_autofree char *title = ink_feature_maps_layer_title (&spec->layers[l], &shapes[l]);

            same = m->index == l && m->channels == shapes[l].channels &&
                   m->height == shapes[l].height && m->width == shapes[l].width &&
                   g_strcmp0 (m->title, title) == 0;
          }
      if (same)
        return;
    }

  free_layers (self);
  if (n > 0)
    {
      self->layers = g_new0 (MapLayer, n);
      for (int l = 0; l < spec->n_layers; l++)
        {
          MapLayer *m;

          if (!is_map_layer (spec->layers[l].kind))
            continue;
          m = &self->layers[self->n_layers++];
          m->index = l;
          m->channels = shapes[l].channels;
          m->height = shapes[l].height;
          m->width = shapes[l].width;
          m->n = shapes[l].n_outputs;
          m->title = ink_feature_maps_layer_title (&spec->layers[l], &shapes[l]);
          m->values = g_new0 (float, m->n);
          image_grid (m->channels, &m->cols, &m->rows);
          m->image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                 m->cols * (m->width + GAP) - GAP,
                                                 m->rows * (m->height + GAP) - GAP);
          clear_image (m);
        }
    }
  self->laid_out_width = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
ink_feature_maps_set_inspection (InkFeatureMaps      *self,
                                 const InkInspection *insp)
{
  g_return_if_fail (INK_IS_FEATURE_MAPS (self));
  g_return_if_fail (insp != NULL);

  for (int i = 0; i < self->n_layers; i++)
    {
      MapLayer *m = &self->layers[i];

      if (m->index >= insp->n_layers || (gsize) insp->units[m->index] != m->n)
        {
          g_critical ("ink_feature_maps_set_inspection: layer %d has %d values, not the %" G_GSIZE_FORMAT
                      " of the network shown", m->index + 1,
                      m->index < insp->n_layers ? insp->units[m->index] : 0, m->n);
          return;
        }
    }
  for (int i = 0; i < self->n_layers; i++)
    {
      MapLayer *m = &self->layers[i];

      memcpy (m->values, insp->values[m->index], sizeof (float) * m->n);
      m->has_values = TRUE;
      paint_layer (m);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ink_feature_maps_clear (InkFeatureMaps *self)
{
  g_return_if_fail (INK_IS_FEATURE_MAPS (self));

  for (int i = 0; i < self->n_layers; i++)
    {
      memset (self->layers[i].values, 0, sizeof (float) * self->layers[i].n);
      clear_image (&self->layers[i]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
ink_feature_maps_get_n_layers (InkFeatureMaps *self)
{
  g_return_val_if_fail (INK_IS_FEATURE_MAPS (self), 0);
  return self->n_layers;
}

gboolean
ink_feature_maps_get_layer (InkFeatureMaps *self,
                            int             i,
                            int            *index,
                            int            *channels,
                            int            *height,
                            int            *width)
{
  const MapLayer *m;

  g_return_val_if_fail (INK_IS_FEATURE_MAPS (self), FALSE);

  if (i < 0 || i >= self->n_layers)
    return FALSE;
  m = &self->layers[i];
  if (index != NULL)
    *index = m->index;
  if (channels != NULL)
    *channels = m->channels;
  if (height != NULL)
    *height = m->height;
  if (width != NULL)
    *width = m->width;
  return TRUE;
}

const char *
ink_feature_maps_get_title (InkFeatureMaps *self,
                            int             i)
{
  g_return_val_if_fail (INK_IS_FEATURE_MAPS (self), NULL);

  return i >= 0 && i < self->n_layers ? self->layers[i].title : NULL;
}

const float *
ink_feature_maps_get_values (InkFeatureMaps *self,
                             int             i)
{
  g_return_val_if_fail (INK_IS_FEATURE_MAPS (self), NULL);

  if (i < 0 || i >= self->n_layers || !self->layers[i].has_values)
    return NULL;
  return self->layers[i].values;
}

gboolean
ink_feature_maps_get_grid (InkFeatureMaps  *self,
                           int              i,
                           int             *cols,
                           int             *rows,
                           graphene_rect_t *area)
{
  const MapLayer *m;

  g_return_val_if_fail (INK_IS_FEATURE_MAPS (self), FALSE);

  if (i < 0 || i >= self->n_layers)
    return FALSE;
  ensure_layout (self);
  m = &self->layers[i];
  if (cols != NULL)
    *cols = m->grid_cols;
  if (rows != NULL)
    *rows = m->grid_rows;
  if (area != NULL)
    graphene_rect_init (area, (float) m->grid_x, (float) m->grid_y,
                        (float) (m->grid_cols * m->fscale * (m->width + GAP) - m->fscale * GAP),
                        (float) (m->grid_rows * m->fscale * (m->height + GAP) - m->fscale * GAP));
  return TRUE;
}
