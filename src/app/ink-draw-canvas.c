/* ink-draw-canvas.c
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

/* The drawing board: strokes from mouse, touch and stylus, undo,
 * rendering to a 28×28 input. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-draw-canvas.h"
#include "ink-predict.h"

#define MNIST_RENDER_SIDE 280
#define MIN_SIDE          160
#define NAT_SIDE          360
#define CORNER_RADIUS     10.0
#define THROTTLE_MS       33      /* "changed" at most ~30 times a second */
#define MIN_STEP          0.003   /* board units between two recorded points */

#define BRUSH_MIN      2.0
#define BRUSH_MAX      20.0
#define BRUSH_DEFAULT  8.0

/* one recorded point: board units (0..1) and the pen's diameter there, in
 * board units */
typedef struct
{
  double x;
  double y;
  double w;
} Point;

struct _InkDrawCanvas
{
  GtkWidget        parent_instance;

  GPtrArray       *strokes;       /* of GArray<Point> */
  GPtrArray       *cleared;       /* stack of the stroke lists Clear removed, for undo */
  GArray          *current;       /* the stroke being drawn, or NULL */
  double           brush_size;    /* percent of the side */

  /* the ink at the widget's size: A8, one byte of coverage per device pixel */
  cairo_surface_t *surface;
  int              surface_side;  /* device pixels */
  double           board_x;
  double           board_y;
  double           board_side;    /* logical pixels */

  GtkGesture      *drag;
  double           drag_x;
  double           drag_y;

  guint            throttle_id;
  gboolean         pending;
};

enum
{
  PROP_0,
  PROP_BRUSH_SIZE,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkDrawCanvas, ink_draw_canvas, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------------------ */
/* "changed", throttled                                                      */

static void
emit_changed (InkDrawCanvas *self)
{
  self->pending = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
throttle_cb (gpointer data)
{
  InkDrawCanvas *self = data;

  if (self->pending)
    {
      emit_changed (self);
      return G_SOURCE_CONTINUE;
    }
  self->throttle_id = 0;
  return G_SOURCE_REMOVE;
}

/* while drawing: now if nothing went out in the last THROTTLE_MS, else at
 * the end of that interval */
static void
changed_soon (InkDrawCanvas *self)
{
  self->pending = TRUE;
  if (self->throttle_id != 0)
    return;
  emit_changed (self);
  self->throttle_id = g_timeout_add (THROTTLE_MS, throttle_cb, self);
}

static void
changed_now (InkDrawCanvas *self)
{
  g_clear_handle_id (&self->throttle_id, g_source_remove);
  emit_changed (self);
}

/* ------------------------------------------------------------------------ */
/* rendering strokes                                                         */

/* cr maps board units to the target (scaled by `side`); draws segment
 * i-1 → i of the stroke, or the dot of a one-point stroke */
static void
render_segment (cairo_t      *cr,
                const GArray *stroke,
                guint         i)
{
  const Point *b = &g_array_index (stroke, Point, i);

  if (i == 0)
    {
      cairo_new_path (cr);
      cairo_arc (cr, b->x, b->y, b->w / 2.0, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  else
    {
      const Point *a = &g_array_index (stroke, Point, i - 1);

      cairo_set_line_width (cr, (a->w + b->w) / 2.0);
      cairo_move_to (cr, a->x, a->y);
      cairo_line_to (cr, b->x, b->y);
      cairo_stroke (cr);
    }
}

static void
render_stroke (cairo_t      *cr,
               const GArray *stroke)
{
  for (guint i = 0; i < stroke->len; i++)
    render_segment (cr, stroke, i);
}

/* a context drawing opaque ink in board units onto an A8 surface */
static cairo_t *
ink_context (cairo_surface_t *surface,
             int              side)
{
  cairo_t *cr = cairo_create (surface);

  cairo_scale (cr, side, side);
  cairo_set_source_rgba (cr, 0, 0, 0, 1);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  return cr;
}

static void
render_all (InkDrawCanvas   *self,
            cairo_surface_t *surface,
            int              side)
{
  cairo_t *cr = ink_context (surface, side);

  cairo_save (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_restore (cr);
  for (guint s = 0; s < self->strokes->len; s++)
    render_stroke (cr, g_ptr_array_index (self->strokes, s));
  cairo_destroy (cr);
  cairo_surface_flush (surface);
}

static void
rebuild_surface (InkDrawCanvas *self)
{
  int side = (int) ceil (self->board_side * gtk_widget_get_scale_factor (GTK_WIDGET (self)));

  if (side < 1)
    {
      g_clear_pointer (&self->surface, cairo_surface_destroy);
      self->surface_side = 0;
      return;
    }
  if (self->surface == NULL || self->surface_side != side)
    {
      g_clear_pointer (&self->surface, cairo_surface_destroy);
      self->surface = cairo_image_surface_create (CAIRO_FORMAT_A8, side, side);
      self->surface_side = side;
    }
  render_all (self, self->surface, side);
}

/* ------------------------------------------------------------------------ */
/* input                                                                     */

static void
to_board (InkDrawCanvas *self,
          double         wx,
          double         wy,
          double        *bx,
          double        *by)
{
  double side = MAX (self->board_side, 1.0);

  *bx = CLAMP ((wx - self->board_x) / side, -0.05, 1.05);
  *by = CLAMP ((wy - self->board_y) / side, -0.05, 1.05);
}

/* the pen's diameter (board units) for the event being handled: the brush
 * size, scaled by the pressure when a stylus reports one */
static double
pen_width (InkDrawCanvas      *self,
           GtkEventController *controller)
{
  double w = self->brush_size / 100.0;
  GdkEvent *event = gtk_event_controller_get_current_event (controller);
  double pressure;

  if (event != NULL && gdk_event_get_device_tool (event) != NULL &&
      gdk_event_get_axis (event, GDK_AXIS_PRESSURE, &pressure))
    w *= 0.4 + 0.8 * CLAMP (pressure, 0.0, 1.0);
  return w;
}

static void
add_point (InkDrawCanvas *self,
           double         x,
           double         y,
           double         w)
{
  Point p = { x, y, w };

  g_array_append_val (self->current, p);
  if (self->surface != NULL)
    {
      cairo_t *cr = ink_context (self->surface, self->surface_side);
      render_segment (cr, self->current, self->current->len - 1);
      cairo_destroy (cr);
      cairo_surface_mark_dirty (self->surface);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               InkDrawCanvas  *self)
{
  double bx, by;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  /* so that the page's shortcuts (undo, clear) reach it */
  if (gtk_widget_get_focusable (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x = x;
  self->drag_y = y;
  self->current = g_array_new (FALSE, FALSE, sizeof (Point));
  g_ptr_array_add (self->strokes, self->current);
  to_board (self, x, y, &bx, &by);
  add_point (self, bx, by, pen_width (self, GTK_EVENT_CONTROLLER (gesture)));
  changed_soon (self);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                InkDrawCanvas  *self)
{
  const Point *last;
  double bx, by;

  if (self->current == NULL)
    return;
  to_board (self, self->drag_x + dx, self->drag_y + dy, &bx, &by);
  last = &g_array_index (self->current, Point, self->current->len - 1);
  if (hypot (bx - last->x, by - last->y) < MIN_STEP)
    return;
  add_point (self, bx, by, pen_width (self, GTK_EVENT_CONTROLLER (gesture)));
  changed_soon (self);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             InkDrawCanvas  *self)
{
  if (self->current == NULL)
    return;
  on_drag_update (gesture, dx, dy, self);
  self->current = NULL;
  changed_now (self);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                InkDrawCanvas    *self)
{
  /* keep what was drawn so far */
  if (self->current == NULL)
    return;
  self->current = NULL;
  changed_now (self);
}

/* ------------------------------------------------------------------------ */
/* GtkWidget                                                                 */

static void
ink_draw_canvas_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = MIN_SIDE;
  *natural = NAT_SIDE;
}

static void
ink_draw_canvas_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  InkDrawCanvas *self = INK_DRAW_CANVAS (widget);
  double side = floor (MIN (width, height));

  self->board_side = side;
  self->board_x = floor ((width - side) / 2.0);
  self->board_y = floor ((height - side) / 2.0);
  rebuild_surface (self);
}

static void
ink_draw_canvas_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  InkDrawCanvas *self = INK_DRAW_CANVAS (widget);
  double side = self->board_side;
  GdkRGBA fg;
  cairo_t *cr;

  if (side < 1)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (self->board_x, self->board_y, side, side));
  cairo_translate (cr, self->board_x, self->board_y);

  /* the board: MNIST's black, whatever the theme */
  ink_cairo_rounded_rect (cr, 0.5, 0.5, side - 1, side - 1, CORNER_RADIUS);
  cairo_set_source_rgb (cr, 0.0, 0.0, 0.0);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.18);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  ink_cairo_rounded_rect (cr, 1, 1, side - 2, side - 2, CORNER_RADIUS - 0.5);
  cairo_clip (cr);

  if (self->strokes->len == 0)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("Draw a digit here"));

      cairo_set_source_rgba (cr, 1, 1, 1, 0.45);
      ink_cairo_show_layout (cr, layout, side / 2, side / 2, 0.5, 0.5);
    }
  else if (self->surface != NULL)
    {
      double k = side / self->surface_side;

      cairo_scale (cr, k, k);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_mask_surface (cr, self->surface, 0, 0);
    }

  cairo_destroy (cr);
}

static void
on_scale_factor (InkDrawCanvas *self)
{
  rebuild_surface (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
ink_draw_canvas_dispose (GObject *object)
{
  InkDrawCanvas *self = INK_DRAW_CANVAS (object);

  g_clear_handle_id (&self->throttle_id, g_source_remove);

  G_OBJECT_CLASS (ink_draw_canvas_parent_class)->dispose (object);
}

static void
ink_draw_canvas_finalize (GObject *object)
{
  InkDrawCanvas *self = INK_DRAW_CANVAS (object);

  g_clear_pointer (&self->strokes, g_ptr_array_unref);
  g_clear_pointer (&self->cleared, g_ptr_array_unref);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  G_OBJECT_CLASS (ink_draw_canvas_parent_class)->finalize (object);
}

static void
ink_draw_canvas_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  InkDrawCanvas *self = INK_DRAW_CANVAS (object);

  switch (prop_id)
    {
    case PROP_BRUSH_SIZE:
      g_value_set_double (value, self->brush_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_draw_canvas_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  InkDrawCanvas *self = INK_DRAW_CANVAS (object);

  switch (prop_id)
    {
    case PROP_BRUSH_SIZE:
      ink_draw_canvas_set_brush_size (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_draw_canvas_class_init (InkDrawCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ink_draw_canvas_dispose;
  object_class->finalize = ink_draw_canvas_finalize;
  object_class->get_property = ink_draw_canvas_get_property;
  object_class->set_property = ink_draw_canvas_set_property;

  widget_class->measure = ink_draw_canvas_measure;
  widget_class->size_allocate = ink_draw_canvas_size_allocate;
  widget_class->snapshot = ink_draw_canvas_snapshot;

  properties[PROP_BRUSH_SIZE] =
    g_param_spec_double ("brush-size", NULL, NULL,
                         BRUSH_MIN, BRUSH_MAX, BRUSH_DEFAULT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "inkdrawcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ink_draw_canvas_init (InkDrawCanvas *self)
{
  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->cleared = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->brush_size = BRUSH_DEFAULT;

  self->drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (self->drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (self->drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (self->drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag));

  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor), NULL);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Drawing board"),
                                  -1);
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */

InkDrawCanvas *
ink_draw_canvas_new (void)
{
  return g_object_new (INK_TYPE_DRAW_CANVAS, NULL);
}

void
ink_draw_canvas_clear (InkDrawCanvas *self)
{
  g_return_if_fail (INK_IS_DRAW_CANVAS (self));

  if (self->current != NULL)
    gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->drag));
  self->current = NULL;
  /* the strokes are kept: undo brings them back */
  if (self->strokes->len > 0)
    {
      g_ptr_array_add (self->cleared, self->strokes);
      self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
    }
  if (self->surface != NULL)
    render_all (self, self->surface, self->surface_side);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  changed_now (self);
}

gboolean
ink_draw_canvas_undo (InkDrawCanvas *self)
{
  g_return_val_if_fail (INK_IS_DRAW_CANVAS (self), FALSE);

  if (self->strokes->len == 0 && self->cleared->len == 0)
    return FALSE;
  if (self->current != NULL)
    {
      gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->drag));
      self->current = NULL;
    }
  if (self->strokes->len > 0)
    g_ptr_array_remove_index (self->strokes, self->strokes->len - 1);
  else
    {
      /* undo a Clear: the strokes it removed come back */
      g_ptr_array_unref (self->strokes);
      self->strokes = g_ptr_array_steal_index (self->cleared, self->cleared->len - 1);
    }
  if (self->surface != NULL)
    render_all (self, self->surface, self->surface_side);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  changed_now (self);
  return TRUE;
}

gboolean
ink_draw_canvas_can_undo (InkDrawCanvas *self)
{
  g_return_val_if_fail (INK_IS_DRAW_CANVAS (self), FALSE);

  return self->strokes->len > 0 || self->cleared->len > 0;
}

gboolean
ink_draw_canvas_is_empty (InkDrawCanvas *self)
{
  g_return_val_if_fail (INK_IS_DRAW_CANVAS (self), TRUE);

  return self->strokes->len == 0;
}

guint
ink_draw_canvas_get_n_strokes (InkDrawCanvas *self)
{
  g_return_val_if_fail (INK_IS_DRAW_CANVAS (self), 0);

  return self->strokes->len;
}

void
ink_draw_canvas_add_stroke (InkDrawCanvas *self,
                            const double  *xy,
                            guint          n_points)
{
  GArray *stroke;

  g_return_if_fail (INK_IS_DRAW_CANVAS (self));
  g_return_if_fail (xy != NULL || n_points == 0);

  if (n_points == 0)
    return;
  stroke = g_array_sized_new (FALSE, FALSE, sizeof (Point), n_points);
  for (guint i = 0; i < n_points; i++)
    {
      Point p = { xy[2 * i], xy[2 * i + 1], self->brush_size / 100.0 };
      g_array_append_val (stroke, p);
    }
  /* below a stroke being drawn, so that it stays the last one */
  if (self->current != NULL)
    g_ptr_array_insert (self->strokes, (int) self->strokes->len - 1, stroke);
  else
    g_ptr_array_add (self->strokes, stroke);
  if (self->surface != NULL)
    render_all (self, self->surface, self->surface_side);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  changed_now (self);
}

double
ink_draw_canvas_get_brush_size (InkDrawCanvas *self)
{
  g_return_val_if_fail (INK_IS_DRAW_CANVAS (self), BRUSH_DEFAULT);

  return self->brush_size;
}

void
ink_draw_canvas_set_brush_size (InkDrawCanvas *self,
                                double         size)
{
  g_return_if_fail (INK_IS_DRAW_CANVAS (self));

  size = CLAMP (size, BRUSH_MIN, BRUSH_MAX);
  if (self->brush_size == size)
    return;
  self->brush_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRUSH_SIZE]);
}

gboolean
ink_draw_canvas_get_mnist (InkDrawCanvas *self,
                           guint8         out[784])
{
  cairo_surface_t *surface;
  gboolean ok;

  g_return_val_if_fail (INK_IS_DRAW_CANVAS (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (self->strokes->len == 0)
    {
      memset (out, 0, 784);
      return FALSE;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, MNIST_RENDER_SIDE, MNIST_RENDER_SIDE);
  render_all (self, surface, MNIST_RENDER_SIDE);
  ok = ink_mnistify (cairo_image_surface_get_data (surface),
                     MNIST_RENDER_SIDE, MNIST_RENDER_SIDE,
                     cairo_image_surface_get_stride (surface), out);
  cairo_surface_destroy (surface);
  return ok;
}
