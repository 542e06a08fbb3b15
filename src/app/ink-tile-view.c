/* ink-tile-view.c
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

/* The tile view: weights painted into an atlas of tiles once (a dense
 * first layer's 28×28 units, a convolution's k×k filters or one filter's
 * slices), hover and click selection, tooltips, PNG export. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-tile-view.h"

#define RING      3                 /* half the selection ring's width, rounded up */

struct _InkTileView
{
  GtkWidget        parent_instance;

  float           *weights;         /* n_units × tile_w·tile_h */
  int              n_units;
  int              tile_w;          /* weights per tile row and column */
  int              tile_h;
  int              px;              /* atlas pixels per weight: small kernels are
                                     * drawn larger so that the 1-pixel gap stays thin */
  int              gap;             /* atlas pixels between tiles: 1, more for small kernels */
  InkTileKind      kind;
  int              cols;
  int              rows;
  gboolean         shared_scale;
  cairo_surface_t *atlas;           /* ARGB32 */
  int              selected;
  int              hover;

  /* where the atlas was last painted */
  double           origin_x;
  double           origin_y;
  double           scale;
};

enum
{
  PROP_0,
  PROP_SHARED_SCALE,
  PROP_SELECTED,
  N_PROPS
};

enum
{
  TILE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkTileView, ink_tile_view, GTK_TYPE_WIDGET)

static inline gsize
tile_n (InkTileView *self)
{
  return (gsize) self->tile_w * self->tile_h;
}

/* atlas pixels from one tile's corner to the next one's */
static inline int
pitch_x (InkTileView *self)
{
  return self->tile_w * self->px + self->gap;
}

static inline int
pitch_y (InkTileView *self)
{
  return self->tile_h * self->px + self->gap;
}

/* ------------------------------------------------------------------------ */
/* painting the atlas                                                        */

static float
max_abs (const float *w,
         gsize        n)
{
  float m = 0.0f;

  for (gsize i = 0; i < n; i++)
    {
      float a = fabsf (w[i]);
      if (a > m)
        m = a;
    }
  return m;
}

/* a tile's tw × th weights into dst (row stride in pixels), px × px
 * pixels each, white at 0, the full colours at ±scale */
static void
paint_tile (const float *w,
            int          tw,
            int          th,
            int          px,
            float        scale,
            guint32     *dst,
            int          stride)
{
  const guint32 *table = ink_colormap_lut ();
  float k = scale > 0.0f && isfinite (scale) ? (INK_COLORMAP_LUT_SIZE - 1) / (2.0f * scale) : 0.0f;

  ink_lut_paint (w, tw, th, px, table, INK_COLORMAP_LUT_SIZE, -scale, k, table[INK_COLORMAP_LUT_SIZE / 2],
                 dst, stride);
}

static float
tile_scale (InkTileView *self,
            int          unit,
            float        shared)
{
  return self->shared_scale ? shared : max_abs (self->weights + (gsize) unit * tile_n (self), tile_n (self));
}

static void
build_atlas (InkTileView *self)
{
  int width, height, stride;
  guint32 *data;
  float shared = 0.0f;

  g_clear_pointer (&self->atlas, cairo_surface_destroy);
  if (self->n_units == 0)
    return;

  width = self->cols * pitch_x (self) - self->gap;
  height = self->rows * pitch_y (self) - self->gap;
  self->atlas = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_surface_flush (self->atlas);
  data = (guint32 *) cairo_image_surface_get_data (self->atlas);
  stride = cairo_image_surface_get_stride (self->atlas) / 4;
  memset (data, 0, (gsize) stride * 4 * height);   /* transparent gaps */

  if (self->shared_scale)
    shared = max_abs (self->weights, (gsize) self->n_units * tile_n (self));
  for (int u = 0; u < self->n_units; u++)
    {
      int x = (u % self->cols) * pitch_x (self);
      int y = (u / self->cols) * pitch_y (self);

      paint_tile (self->weights + (gsize) u * tile_n (self), self->tile_w, self->tile_h, self->px,
                  tile_scale (self, u, shared), data + (gsize) y * stride + x, stride);
    }
  cairo_surface_mark_dirty (self->atlas);
}

/* ------------------------------------------------------------------------ */
/* geometry                                                                  */

static void
update_geometry (InkTileView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int aw, ah;
  double s;

  if (self->atlas == NULL)
    {
      self->scale = 0;
      return;
    }
  aw = cairo_image_surface_get_width (self->atlas);
  ah = cairo_image_surface_get_height (self->atlas);
  /* RING px kept free around the atlas: the selection's ring is drawn
   * outside its tile */
  s = MIN ((double) (width - 2 * RING) / aw, (double) (height - 2 * RING) / ah);
  s = MAX (s, 0.01);
  /* whole multiples keep every weight the same size; past 3× the unevenness
   * of a fractional scale no longer shows */
  if (s >= 1.0 && s < 3.0)
    s = floor (s);
  self->scale = s;
  self->origin_x = floor ((width - aw * s) / 2);
  self->origin_y = floor ((height - ah * s) / 2);
}

static int
tile_at (InkTileView *self,
         double       x,
         double       y)
{
  double ax, ay;
  int col, row, u;

  if (self->atlas == NULL || self->scale <= 0)
    return -1;
  ax = (x - self->origin_x) / self->scale;
  ay = (y - self->origin_y) / self->scale;
  if (ax < 0 || ay < 0)
    return -1;
  col = (int) floor (ax / pitch_x (self));
  row = (int) floor (ay / pitch_y (self));
  if (col >= self->cols || row >= self->rows)
    return -1;
  u = row * self->cols + col;
  return u < self->n_units ? u : -1;
}

static void
outline_tile (InkTileView *self,
              cairo_t     *cr,
              int          unit,
              double       width)
{
  double x = self->origin_x + (unit % self->cols) * pitch_x (self) * self->scale;
  double y = self->origin_y + (unit / self->cols) * pitch_y (self) * self->scale;
  double w = self->tile_w * self->px * self->scale;
  double h = self->tile_h * self->px * self->scale;

  cairo_rectangle (cr, x - width / 2, y - width / 2, w + width, h + width);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

/* ------------------------------------------------------------------------ */
/* GtkWidget                                                                 */

static void
ink_tile_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  InkTileView *self = INK_TILE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_pattern_t *pattern;
  cairo_t *cr;

  if (self->atlas == NULL || width <= 0 || height <= 0)
    return;

  update_geometry (self);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* the whole atlas painted (not a rectangle filled): on a fractional
   * origin its edges stay crisp, as the nearest filter samples them */
  cairo_save (cr);
  cairo_translate (cr, self->origin_x, self->origin_y);
  cairo_scale (cr, self->scale, self->scale);
  cairo_set_source_surface (cr, self->atlas, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, self->scale >= 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_NONE);
  cairo_paint (cr);
  cairo_restore (cr);

  if (self->hover >= 0 && self->hover != self->selected)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.6);
      outline_tile (self, cr, self->hover, 1.5);
    }
  if (self->selected >= 0 && self->selected < self->n_units)
    {
      /* a dark ring and a light one: visible on any tile, in any theme */
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      outline_tile (self, cr, self->selected, 5.0);
      cairo_set_source_rgb (cr, 1.0, 0.85, 0.2);
      outline_tile (self, cr, self->selected, 2.0);
    }

  cairo_destroy (cr);
}

static void
ink_tile_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  InkTileView *self = INK_TILE_VIEW (widget);
  int size = 0;

  if (self->atlas != NULL)
    size = orientation == GTK_ORIENTATION_HORIZONTAL
      ? cairo_image_surface_get_width (self->atlas)
      : cairo_image_surface_get_height (self->atlas);
  *minimum = 120;
  /* small grids at 2× or more */
  *natural = MAX (*minimum, size < 300 ? size * 2 : size);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           InkTileView              *self)
{
  int u = tile_at (self, x, y);

  if (u != self->hover)
    {
      self->hover = u;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_leave (GtkEventControllerMotion *motion,
          InkTileView              *self)
{
  if (self->hover != -1)
    {
      self->hover = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_released (GtkGestureClick *click,
             int              n_press,
             double           x,
             double           y,
             InkTileView     *self)
{
  int u = tile_at (self, x, y);

  if (u < 0)
    return;
  ink_tile_view_set_selected (self, u);
  g_signal_emit (self, signals[TILE_ACTIVATED], 0, (guint) u);
}

static gboolean
on_query_tooltip (GtkWidget   *widget,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  InkTileView *self)
{
  g_autofree char *text = NULL;
  int u = tile_at (self, x, y);

  if (u < 0)
    return FALSE;
  switch (self->kind)
    {
    case INK_TILE_FILTER:
      /* Translators: tooltip of a convolution filter's tile (1-based) */
      text = g_strdup_printf (_("Filter %d"), u + 1);
      break;
    case INK_TILE_CHANNEL:
      /* Translators: tooltip of the tile of one filter's weights on one of
       * its input channels (1-based) */
      text = g_strdup_printf (_("Input channel %d"), u + 1);
      break;
    case INK_TILE_UNIT:
    default:
      /* Translators: tooltip of a feature tile; %d is the unit's number (1-based) */
      text = g_strdup_printf (_("Unit %d"), u + 1);
      break;
    }
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
ink_tile_view_finalize (GObject *object)
{
  InkTileView *self = INK_TILE_VIEW (object);

  g_clear_pointer (&self->weights, g_free);
  g_clear_pointer (&self->atlas, cairo_surface_destroy);

  G_OBJECT_CLASS (ink_tile_view_parent_class)->finalize (object);
}

static void
ink_tile_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  InkTileView *self = INK_TILE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHARED_SCALE:
      g_value_set_boolean (value, self->shared_scale);
      break;
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_tile_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  InkTileView *self = INK_TILE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHARED_SCALE:
      ink_tile_view_set_shared_scale (self, g_value_get_boolean (value));
      break;
    case PROP_SELECTED:
      ink_tile_view_set_selected (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_tile_view_class_init (InkTileViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ink_tile_view_finalize;
  object_class->get_property = ink_tile_view_get_property;
  object_class->set_property = ink_tile_view_set_property;

  widget_class->snapshot = ink_tile_view_snapshot;
  widget_class->measure = ink_tile_view_measure;

  properties[PROP_SHARED_SCALE] =
    g_param_spec_boolean ("shared-scale", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TILE_ACTIVATED] =
    g_signal_new ("tile-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "inktileview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ink_tile_view_init (InkTileView *self)
{
  GtkEventController *motion;
  GtkGesture *click;

  self->selected = -1;
  self->hover = -1;
  self->px = 1;
  self->gap = 1;

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("First-layer weights"),
                                  -1);
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */

InkTileView *
ink_tile_view_new (void)
{
  return g_object_new (INK_TYPE_TILE_VIEW, NULL);
}

void
ink_tile_view_set_weights (InkTileView *self,
                           const float *w,
                           int          n_units,
                           int          n_inputs)
{
  g_return_if_fail (INK_IS_TILE_VIEW (self));
  g_return_if_fail (w != NULL || n_units <= 0);

  if (n_units <= 0 || n_inputs != INK_TILE_SIDE * INK_TILE_SIDE)
    {
      ink_tile_view_clear (self);
      return;
    }
  ink_tile_view_set_tiles (self, w, n_units, INK_TILE_SIDE, INK_TILE_SIDE, INK_TILE_UNIT);
}

void
ink_tile_view_set_tiles (InkTileView *self,
                         const float *w,
                         int          n_tiles,
                         int          tile_w,
                         int          tile_h,
                         InkTileKind  kind)
{
  int old_cols, old_rows, old_w, old_h;
  gsize n;

  g_return_if_fail (INK_IS_TILE_VIEW (self));
  g_return_if_fail (w != NULL || n_tiles <= 0);

  if (n_tiles <= 0 || tile_w <= 0 || tile_h <= 0)
    {
      ink_tile_view_clear (self);
      return;
    }

  old_cols = self->cols;
  old_rows = self->rows;
  old_w = self->tile_w * self->px;
  old_h = self->tile_h * self->px;
  n = (gsize) n_tiles * tile_w * tile_h;
  if ((gsize) self->n_units * tile_n (self) != n)
    {
      g_free (self->weights);
      self->weights = g_new (float, n);
    }
  memcpy (self->weights, w, sizeof (float) * n);
  self->n_units = n_tiles;
  self->tile_w = tile_w;
  self->tile_h = tile_h;
  /* a 3×3 kernel drawn 9 pixels a weight: tiles near 28 pixels, as a
   * dense layer's */
  self->px = MAX (1, INK_TILE_SIDE / MAX (tile_w, tile_h));
  self->gap = self->px > 1 ? MAX (2, self->px / 2) : 1;
  self->kind = kind;
  self->cols = (int) ceil (sqrt ((double) n_tiles));
  self->rows = (n_tiles + self->cols - 1) / self->cols;
  build_atlas (self);

  if (self->selected >= n_tiles)
    ink_tile_view_set_selected (self, -1);
  if (self->hover >= n_tiles)
    self->hover = -1;
  if (old_cols != self->cols || old_rows != self->rows ||
      old_w != self->tile_w * self->px || old_h != self->tile_h * self->px)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ink_tile_view_clear (InkTileView *self)
{
  g_return_if_fail (INK_IS_TILE_VIEW (self));

  g_clear_pointer (&self->weights, g_free);
  g_clear_pointer (&self->atlas, cairo_surface_destroy);
  self->n_units = self->cols = self->rows = 0;
  self->tile_w = self->tile_h = 0;
  self->px = 1;
  self->gap = 1;
  self->hover = -1;
  ink_tile_view_set_selected (self, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const float *
ink_tile_view_get_weights (InkTileView *self,
                           int         *n_units)
{
  g_return_val_if_fail (INK_IS_TILE_VIEW (self), NULL);

  if (n_units != NULL)
    *n_units = self->n_units;
  return self->weights;
}

void
ink_tile_view_get_tile_size (InkTileView *self,
                             int         *tile_w,
                             int         *tile_h)
{
  g_return_if_fail (INK_IS_TILE_VIEW (self));

  if (tile_w != NULL)
    *tile_w = self->tile_w;
  if (tile_h != NULL)
    *tile_h = self->tile_h;
}

InkTileKind
ink_tile_view_get_kind (InkTileView *self)
{
  g_return_val_if_fail (INK_IS_TILE_VIEW (self), INK_TILE_UNIT);

  return self->kind;
}

gboolean
ink_tile_view_get_shared_scale (InkTileView *self)
{
  g_return_val_if_fail (INK_IS_TILE_VIEW (self), FALSE);

  return self->shared_scale;
}

void
ink_tile_view_set_shared_scale (InkTileView *self,
                                gboolean     shared)
{
  g_return_if_fail (INK_IS_TILE_VIEW (self));

  shared = !!shared;
  if (self->shared_scale == shared)
    return;
  self->shared_scale = shared;
  build_atlas (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARED_SCALE]);
}

int
ink_tile_view_get_selected (InkTileView *self)
{
  g_return_val_if_fail (INK_IS_TILE_VIEW (self), -1);

  return self->selected;
}

void
ink_tile_view_set_selected (InkTileView *self,
                            int          unit)
{
  g_return_if_fail (INK_IS_TILE_VIEW (self));

  if (unit < -1 || unit >= self->n_units)
    unit = -1;
  if (self->selected == unit)
    return;
  self->selected = unit;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

void
ink_tile_view_get_grid (InkTileView *self,
                        int         *cols,
                        int         *rows)
{
  g_return_if_fail (INK_IS_TILE_VIEW (self));

  if (cols != NULL)
    *cols = self->cols;
  if (rows != NULL)
    *rows = self->rows;
}

void
ink_tile_view_get_atlas_size (InkTileView *self,
                              int         *width,
                              int         *height)
{
  g_return_if_fail (INK_IS_TILE_VIEW (self));

  if (width != NULL)
    *width = self->atlas ? cairo_image_surface_get_width (self->atlas) : 0;
  if (height != NULL)
    *height = self->atlas ? cairo_image_surface_get_height (self->atlas) : 0;
}

cairo_surface_t *
ink_tile_view_render_tile (InkTileView *self,
                           int          unit)
{
  cairo_surface_t *surface;
  float shared = 0.0f;

  g_return_val_if_fail (INK_IS_TILE_VIEW (self), NULL);

  if (unit < 0 || unit >= self->n_units)
    return NULL;
  if (self->shared_scale)
    shared = max_abs (self->weights, (gsize) self->n_units * tile_n (self));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, self->tile_w, self->tile_h);
  cairo_surface_flush (surface);
  paint_tile (self->weights + (gsize) unit * tile_n (self), self->tile_w, self->tile_h, 1,
              tile_scale (self, unit, shared),
              (guint32 *) cairo_image_surface_get_data (surface),
              cairo_image_surface_get_stride (surface) / 4);
  cairo_surface_mark_dirty (surface);
  return surface;
}

gboolean
ink_tile_view_export_png (InkTileView  *self,
                          const char   *path,
                          int           tile_px,
                          GError      **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int gap, width, height, tw, th;

  g_return_val_if_fail (INK_IS_TILE_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->atlas == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("There are no tiles to export"));
      return FALSE;
    }
  if (tile_px < 1 || tile_px > 512)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A tile must be between 1 and 512 pixels wide, not %d"), tile_px);
      return FALSE;
    }

  /* tile_px is the longer side; a tile that is not square keeps its
   * proportions */
  gap = MAX (1, tile_px / 14);
  tw = (int) lround ((double) tile_px * self->tile_w / MAX (self->tile_w, self->tile_h));
  th = (int) lround ((double) tile_px * self->tile_h / MAX (self->tile_w, self->tile_h));
  tw = MAX (tw, 1);
  th = MAX (th, 1);
  width = self->cols * tw + (self->cols + 1) * gap;
  height = self->rows * th + (self->rows + 1) * gap;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot make a %d × %d image: %s"), width, height,
                   cairo_status_to_string (status));
      cairo_surface_destroy (surface);
      return FALSE;
    }

  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_paint (cr);
  for (int u = 0; u < self->n_units; u++)
    {
      int col = u % self->cols, row = u / self->cols;

      ink_cairo_paint_scaled (cr, self->atlas, col * pitch_x (self), row * pitch_y (self),
                              self->tile_w * self->px, self->tile_h * self->px,
                              gap + col * (tw + gap), gap + row * (th + gap),
                              (double) tw / (self->tile_w * self->px),
                              (double) th / (self->tile_h * self->px));
    }
  cairo_destroy (cr);

  {
    gboolean ok = ink_cairo_save_png (surface, path, error);
    cairo_surface_destroy (surface);
    return ok;
  }
}

gboolean
ink_tile_view_get_tile_rect (InkTileView     *self,
                             int              unit,
                             graphene_rect_t *rect)
{
  g_return_val_if_fail (INK_IS_TILE_VIEW (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (unit < 0 || unit >= self->n_units)
    return FALSE;
  update_geometry (self);
  if (self->scale <= 0)
    return FALSE;
  graphene_rect_init (rect,
                      (float) (self->origin_x + (unit % self->cols) * pitch_x (self) * self->scale),
                      (float) (self->origin_y + (unit / self->cols) * pitch_y (self) * self->scale),
                      (float) (self->tile_w * self->px * self->scale),
                      (float) (self->tile_h * self->px * self->scale));
  return TRUE;
}
