/* ink-gallery.c
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

/* The gallery: a scrolling grid of test digits with captions, pointer
 * selection and a detail popover. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ink-cairo-util.h"
#include "ink-gallery.h"
#include "ink-metrics.h"

#define IMAGE_SIDE 84        /* 28 pixels × 3 */
#define DETAIL_SCALE 4       /* the popover's picture: 28 × 4 */
#define CELL_PAD 5
#define CELL_GAP 6
#define CAPTION_SCALE 0.8

/* ------------------------------------------------------------------------ */
/* selection and sorting                                                     */

typedef struct
{
  float   conf;
  guint32 index;
} Ranked;

static int
compare_ranked (const void *a,
                const void *b)
{
  const Ranked *ra = a;
  const Ranked *rb = b;

  if (ra->conf > rb->conf)
    return -1;
  if (ra->conf < rb->conf)
    return 1;
  return (ra->index > rb->index) - (ra->index < rb->index);
}

guint
ink_misclassified_select (const float  *probs,
                          const guint8 *labels,
                          guint         n,
                          int           true_class,
                          int           pred_class,
                          guint32      *out)
{
  g_autofree Ranked *ranked = NULL;
  guint count = 0;

  g_return_val_if_fail (n == 0 || (probs != NULL && labels != NULL && out != NULL), 0);

  if (n == 0 || (true_class >= 0 && true_class == pred_class))
    return 0;

  ranked = g_new (Ranked, n);
  for (guint i = 0; i < n; i++)
    {
      const float *row = probs + (gsize) i * INK_GALLERY_CLASSES;
      guint p = ink_argmax (row, INK_GALLERY_CLASSES);

      if (p == labels[i])
        continue;
      if (true_class >= 0 && labels[i] != (guint) true_class)
        continue;
      if (pred_class >= 0 && p != (guint) pred_class)
        continue;
      ranked[count].conf = row[p];
      ranked[count].index = i;
      count++;
    }
  qsort (ranked, count, sizeof (Ranked), compare_ranked);
  for (guint i = 0; i < count; i++)
    out[i] = ranked[i].index;
  return count;
}

/* ------------------------------------------------------------------------ */
/* the widget                                                                */

typedef struct
{
  guint32 index;
  guint8  label;
  guint8  top[3];
  float   top_p[3];
} Item;

struct _InkGallery
{
  GtkWidget         parent_instance;

  GtkAdjustment    *hadjustment;
  GtkAdjustment    *vadjustment;
  guint             hscroll_policy : 1;
  guint             vscroll_policy : 1;

  const InkDataset *test;
  const float      *probs;
  GArray           *items;         /* of Item */
  char             *placeholder;
  const char * const *names;       /* class labels; NULL = digits */
  gboolean          scores;        /* probs are raw outputs, not probabilities */

  int               hover;         /* position under the pointer, or -1 */
  int               active;        /* position whose popover is open, or -1 */

  /* layout, from the last allocation */
  int               cell_w;
  int               cell_h;
  int               columns;
  int               line_h;

  GtkWidget        *popover;
  GtkWidget        *detail_picture;
  GtkWidget        *detail_title;
  GtkWidget        *detail_subtitle;
  GtkWidget        *detail_names[INK_GALLERY_CLASSES];
  GtkWidget        *detail_bars[INK_GALLERY_CLASSES];
  GtkWidget        *detail_values[INK_GALLERY_CLASSES];
};

enum
{
  PROP_0,
  PROP_N_ITEMS,
  PROP_PLACEHOLDER,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum
{
  ITEM_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (InkGallery, ink_gallery, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static char *
format_percent (float p)
{
  double pc = 100.0 * p;
  if (pc > 0 && pc < 1)
    return g_strdup ("<1%");
  if (pc > 99 && pc < 100)
    return g_strdup (">99%");
  return g_strdup_printf ("%.0f%%", pc);
}

/* a raw output (a score) is printed as the number it is, never as a percentage */
static char *
format_value (InkGallery *self,
              float       p)
{
  if (!self->scores)
    return format_percent (p);
  if (p <= -0.005f)
    return g_strdup_printf ("\u2212%.2f", -(double) p);
  return g_strdup_printf ("%.2f", fabs ((double) p));
}

static const char *
class_name (InkGallery *self,
            guint       c)
{
  static const char * const digits[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

  if (self->names != NULL && c < g_strv_length ((char **) self->names))
    return self->names[c];
  return c < G_N_ELEMENTS (digits) ? digits[c] : "?";
}

static char *
item_caption (InkGallery *self,
              const Item *item)
{
  g_autofree char *pc = format_value (self, item->top_p[0]);
  /* Translators: caption under a misclassified image: its true class, the
   * predicted class and the predicted class's probability (or score) */
  return g_strdup_printf (_("true %s · pred %s · %s"), class_name (self, item->label),
                          class_name (self, item->top[0]), pc);
}

static char *
item_top3 (InkGallery *self,
           const Item *item)
{
  g_autofree char *p0 = format_value (self, item->top_p[0]);
  g_autofree char *p1 = format_value (self, item->top_p[1]);
  g_autofree char *p2 = format_value (self, item->top_p[2]);
  return g_strdup_printf ("%s %s · %s %s · %s %s",
                          class_name (self, item->top[0]), p0, class_name (self, item->top[1]), p1,
                          class_name (self, item->top[2]), p2);
}

/* cell size from the font: the widest caption an item can get */
static void
update_cell_size (InkGallery *self)
{
  Item sample = { 0, 8, { 8, 8, 8 }, { 0.88f, 0.88f, 0.88f } };
  g_autofree char *c1 = NULL;
  g_autofree char *c2 = NULL;
  g_autoptr(PangoLayout) l1 = NULL;
  g_autoptr(PangoLayout) l2 = NULL;
  int w1, h1, w2, h2;
  gsize longest = 0;

  /* the longest class name stands for every class */
  for (guint c = 0; c < INK_GALLERY_CLASSES; c++)
    if (strlen (class_name (self, c)) > longest)
      {
        longest = strlen (class_name (self, c));
        sample.label = sample.top[0] = sample.top[1] = sample.top[2] = (guint8) c;
      }
  if (self->scores)
    sample.top_p[0] = sample.top_p[1] = sample.top_p[2] = -0.88f;
  c1 = item_caption (self, &sample);
  c2 = item_top3 (self, &sample);
  l1 = ink_text_layout (GTK_WIDGET (self), c1, CAPTION_SCALE, FALSE);
  l2 = ink_text_layout (GTK_WIDGET (self), c2, CAPTION_SCALE, FALSE);

  pango_layout_get_pixel_size (l1, &w1, &h1);
  pango_layout_get_pixel_size (l2, &w2, &h2);
  self->line_h = MAX (h1, h2);
  self->cell_w = MAX (IMAGE_SIDE, MAX (w1, w2)) + 2 * CELL_PAD + CELL_GAP;
  self->cell_h = CELL_PAD + IMAGE_SIDE + 4 + 2 * self->line_h + CELL_PAD + CELL_GAP;
}

static int
columns_for_width (InkGallery *self,
                   int         width)
{
  return MAX (1, width / MAX (1, self->cell_w));
}

static int
content_height (InkGallery *self,
                int         columns)
{
  guint n = self->items ? self->items->len : 0;
  int rows = (int) ((n + (guint) columns - 1) / (guint) columns);
  return rows * self->cell_h;
}

static double
scroll_value (InkGallery *self)
{
  return self->vadjustment ? gtk_adjustment_get_value (self->vadjustment) : 0.0;
}

/* the cell rectangle of a position in widget coordinates (scrolled) */
static void
cell_rect (InkGallery   *self,
           guint         position,
           GdkRectangle *rect)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double pitch = (double) width / self->columns;
  int row = (int) position / self->columns;
  int col = (int) position % self->columns;

  rect->x = (int) (col * pitch + (pitch - self->cell_w) / 2) + CELL_GAP / 2;
  rect->y = (int) (row * self->cell_h - scroll_value (self)) + CELL_GAP / 2;
  rect->width = self->cell_w - CELL_GAP;
  rect->height = self->cell_h - CELL_GAP;
}

static int
position_at (InkGallery *self,
             double      x,
             double      y)
{
  guint n = self->items ? self->items->len : 0;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double pitch;
  int row, col, pos;
  GdkRectangle r;

  if (n == 0 || self->columns <= 0 || width <= 0)
    return -1;
  pitch = (double) width / self->columns;
  row = (int) floor ((y + scroll_value (self)) / self->cell_h);
  col = (int) floor (x / pitch);
  if (row < 0 || col < 0 || col >= self->columns)
    return -1;
  pos = row * self->columns + col;
  if ((guint) pos >= n)
    return -1;
  cell_rect (self, (guint) pos, &r);
  if (x < r.x || x >= r.x + r.width || y < r.y || y >= r.y + r.height)
    return -1;
  return pos;
}

static gboolean
is_dark (const GdkRGBA *fg)
{
  /* light text means a dark theme */
  return (0.299 * fg->red + 0.587 * fg->green + 0.114 * fg->blue) > 0.5;
}

/* an A8 surface of the digit: alpha = ink */
static cairo_surface_t *
digit_surface (const InkDataset *test,
               guint32           index)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_A8, (int) test->cols, (int) test->rows);
  const guint8 *src = test->images + (gsize) index * test->rows * test->cols;
  guint8 *dst;
  int stride;

  cairo_surface_flush (s);
  dst = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (guint r = 0; r < test->rows; r++)
    memcpy (dst + (gsize) r * stride, src + (gsize) r * test->cols, test->cols);
  cairo_surface_mark_dirty (s);
  return s;
}

static void
draw_digit (cairo_t          *cr,
            const InkDataset *test,
            guint32           index,
            double            x,
            double            y,
            double            side,
            const GdkRGBA    *ink)
{
  cairo_surface_t *s = digit_surface (test, index);
  cairo_pattern_t *pattern = cairo_pattern_create_for_surface (s);
  double scale = side / MAX (test->rows, test->cols);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  gdk_cairo_set_source_rgba (cr, ink);
  cairo_mask (cr, pattern);
  cairo_restore (cr);
  cairo_pattern_destroy (pattern);
  cairo_surface_destroy (s);
}

static void
ink_gallery_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  InkGallery *self = INK_GALLERY (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = self->items ? self->items->len : 0;
  GdkRGBA fg, accent, paper;
  double value = scroll_value (self);
  int first_row, last_row;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  ink_lookup_color (widget, "accent_color", &accent, "#3584e4");
  ink_lookup_color (widget, "view_bg_color", &paper, is_dark (&fg) ? "#1e1e1e" : "#ffffff");

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (n == 0)
    {
      if (self->placeholder && *self->placeholder)
        {
          g_autoptr(PangoLayout) layout = ink_placeholder_layout (widget, self->placeholder, MAX (1, width - 24));
          int w, h;

          pango_layout_get_pixel_size (layout, &w, &h);
          cairo_move_to (cr, 12, MAX (12, (height - h) / 2));
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.55);
          pango_cairo_show_layout (cr, layout);
        }
      cairo_destroy (cr);
      return;
    }

  first_row = MAX (0, (int) floor (value / self->cell_h));
  last_row = (int) floor ((value + height) / self->cell_h);

  for (int row = first_row; row <= last_row; row++)
    for (int col = 0; col < self->columns; col++)
      {
        guint pos = (guint) (row * self->columns + col);
        const Item *item;
        g_autofree char *c1 = NULL;
        g_autofree char *c2 = NULL;
        g_autoptr(PangoLayout) l1 = NULL;
        g_autoptr(PangoLayout) l2 = NULL;
        GdkRectangle r;
        double cx, iy;

        if (pos >= n)
          break;
        item = &g_array_index (self->items, Item, pos);
        cell_rect (self, pos, &r);
        cx = r.x + r.width / 2.0;

        /* card */
        ink_cairo_rounded_rect (cr, r.x + 0.5, r.y + 0.5, r.width - 1, r.height - 1, 8);
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue,
                               fg.alpha * ((int) pos == self->hover ? 0.12 : 0.05));
        cairo_fill_preserve (cr);
        if ((int) pos == self->active)
          {
            gdk_cairo_set_source_rgba (cr, &accent);
            cairo_set_line_width (cr, 2);
            cairo_stroke (cr);
          }
        else
          cairo_new_path (cr);

        /* the digit, pixel-exact on paper */
        iy = r.y + CELL_PAD;
        cairo_rectangle (cr, round (cx - IMAGE_SIDE / 2.0), iy, IMAGE_SIDE, IMAGE_SIDE);
        gdk_cairo_set_source_rgba (cr, &paper);
        cairo_fill (cr);
        draw_digit (cr, self->test, item->index, round (cx - IMAGE_SIDE / 2.0), iy, IMAGE_SIDE, &fg);

        /* captions */
        c1 = item_caption (self, item);
        c2 = item_top3 (self, item);
        l1 = ink_text_layout (GTK_WIDGET (self), c1, CAPTION_SCALE, FALSE);
        l2 = ink_text_layout (GTK_WIDGET (self), c2, CAPTION_SCALE, FALSE);
        gdk_cairo_set_source_rgba (cr, &fg);
        ink_cairo_show_layout (cr, l1, cx, iy + IMAGE_SIDE + 4, 0.5, 0.0);
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.6);
        ink_cairo_show_layout (cr, l2, cx, iy + IMAGE_SIDE + 4 + self->line_h, 0.5, 0.0);
      }

  cairo_destroy (cr);
}

static void
ink_gallery_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  InkGallery *self = INK_GALLERY (widget);

  update_cell_size (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->cell_w;
      *natural = self->cell_w * 4;
    }
  else
    {
      int columns = for_size > 0 ? columns_for_width (self, for_size) : 4;
      *minimum = self->cell_h;
      *natural = MAX (self->cell_h, content_height (self, columns));
    }
}

static void
configure_adjustments (InkGallery *self,
                       int         width,
                       int         height)
{
  int content = content_height (self, self->columns);

  if (self->vadjustment)
    {
      double upper = MAX (content, height);
      double value = CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, upper - height);
      gtk_adjustment_configure (self->vadjustment, value, 0, upper,
                                self->cell_h / 3.0, height * 0.9, height);
    }
  if (self->hadjustment)
    gtk_adjustment_configure (self->hadjustment, 0, 0, width, width * 0.1, width * 0.9, width);
}

static void
update_popover_position (InkGallery *self)
{
  GdkRectangle r;

  if (self->active < 0 || self->columns <= 0)
    return;
  cell_rect (self, (guint) self->active, &r);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &r);
}

static void
ink_gallery_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  InkGallery *self = INK_GALLERY (widget);

  update_cell_size (self);
  self->columns = columns_for_width (self, width);
  configure_adjustments (self, width, height);
  update_popover_position (self);
  gtk_popover_present (GTK_POPOVER (self->popover));
}

/* ------------------------------------------------------------------------ */
/* the detail popover                                                        */

static GdkTexture *
detail_texture (InkGallery *self,
                guint32     index)
{
  const InkDataset *test = self->test;
  int side_w = (int) test->cols * DETAIL_SCALE;
  int side_h = (int) test->rows * DETAIL_SCALE;
  gsize stride = (gsize) side_w * 4;
  guint8 *data = g_malloc ((gsize) side_h * stride);
  const guint8 *src = test->images + (gsize) index * test->rows * test->cols;
  g_autoptr(GBytes) bytes = NULL;
  GdkRGBA fg, paper;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  ink_lookup_color (GTK_WIDGET (self), "view_bg_color", &paper, is_dark (&fg) ? "#1e1e1e" : "#ffffff");
  for (int y = 0; y < side_h; y++)
    for (int x = 0; x < side_w; x++)
      {
        double a = src[(y / DETAIL_SCALE) * test->cols + x / DETAIL_SCALE] / 255.0 * fg.alpha;
        guint8 *px = data + (gsize) y * stride + (gsize) x * 4;

        px[0] = (guint8) lround (255 * (fg.red * a + paper.red * (1 - a)));
        px[1] = (guint8) lround (255 * (fg.green * a + paper.green * (1 - a)));
        px[2] = (guint8) lround (255 * (fg.blue * a + paper.blue * (1 - a)));
        px[3] = 255;
      }
  bytes = g_bytes_new_take (data, (gsize) side_h * stride);
  return gdk_memory_texture_new (side_w, side_h, GDK_MEMORY_R8G8B8A8, bytes, stride);
}

static void
fill_detail (InkGallery *self)
{
  const Item *item = &g_array_index (self->items, Item, self->active);
  const float *row = self->probs + (gsize) item->index * INK_GALLERY_CLASSES;
  g_autoptr(GdkTexture) texture = detail_texture (self, item->index);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  gtk_picture_set_paintable (GTK_PICTURE (self->detail_picture), GDK_PAINTABLE (texture));
  title = g_strdup_printf (self->names ? _("Test image #%u") : _("Test digit #%u"), item->index);
  if (self->scores)
    {
      g_autofree char *score = format_value (self, item->top_p[0]);
      subtitle = g_strdup_printf (_("True class %s\nPredicted %s (score %s)"),
                                  class_name (self, item->label), class_name (self, item->top[0]), score);
    }
  else
    subtitle = g_strdup_printf (_("True class %s\nPredicted %s with %.1f%%"),
                                class_name (self, item->label), class_name (self, item->top[0]),
                                100.0 * item->top_p[0]);
  gtk_label_set_text (GTK_LABEL (self->detail_title), title);
  gtk_label_set_text (GTK_LABEL (self->detail_subtitle), subtitle);

  for (guint c = 0; c < INK_GALLERY_CLASSES; c++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = self->scores ? format_value (self, row[c])
                                            : g_strdup_printf ("%.1f%%", 100.0 * row[c]);

      if (c == item->label)
        name = g_markup_printf_escaped ("<b>%s</b> %s", class_name (self, c), _("true"));
      else if (c == item->top[0])
        name = g_markup_printf_escaped ("<b>%s</b> %s", class_name (self, c), _("predicted"));
      else
        name = g_markup_escape_text (class_name (self, c), -1);
      gtk_label_set_markup (GTK_LABEL (self->detail_names[c]), name);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (self->detail_bars[c]), CLAMP (row[c], 0.0, 1.0));
      gtk_label_set_text (GTK_LABEL (self->detail_values[c]), value);

    }
}

static void
popover_closed_cb (InkGallery *self)
{
  if (self->active >= 0)
    {
      self->active = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
build_popover (InkGallery *self)
{
  GtkWidget *box, *header, *texts, *grid;

  self->popover = gtk_popover_new ();
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
  g_signal_connect_swapped (self->popover, "closed", G_CALLBACK (popover_closed_cb), self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_popover_set_child (GTK_POPOVER (self->popover), box);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (box), header);
  self->detail_picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (self->detail_picture), FALSE);
  gtk_widget_set_valign (self->detail_picture, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (header), self->detail_picture);

  texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (header), texts);
  self->detail_title = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->detail_title, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->detail_title), 0);
  gtk_box_append (GTK_BOX (texts), self->detail_title);
  self->detail_subtitle = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->detail_subtitle), 0);
  gtk_widget_add_css_class (self->detail_subtitle, "dim-label");
  gtk_box_append (GTK_BOX (texts), self->detail_subtitle);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 10);
  gtk_box_append (GTK_BOX (box), grid);
  for (guint c = 0; c < INK_GALLERY_CLASSES; c++)
    {
      GtkWidget *name = gtk_label_new (NULL);
      GtkWidget *bar = gtk_level_bar_new_for_interval (0.0, 1.0);
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_add_css_class (name, "numeric");
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_set_size_request (bar, 160, -1);
      gtk_widget_set_hexpand (bar, TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_label_set_width_chars (GTK_LABEL (value), 6);
      gtk_widget_add_css_class (value, "numeric");

      gtk_grid_attach (GTK_GRID (grid), name, 0, (int) c, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), bar, 1, (int) c, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 2, (int) c, 1, 1);
      self->detail_names[c] = name;
      self->detail_bars[c] = bar;
      self->detail_values[c] = value;
    }
}

/* ------------------------------------------------------------------------ */
/* input                                                                     */

static void
set_hover (InkGallery *self,
           int         pos)
{
  if (pos == self->hover)
    return;
  self->hover = pos;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           InkGallery               *self)
{
  set_hover (self, position_at (self, x, y));
}

static void
leave_cb (GtkEventControllerMotion *motion,
          InkGallery               *self)
{
  set_hover (self, -1);
}

static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             InkGallery      *self)
{
  int pos = position_at (self, x, y);

  if (pos >= 0)
    ink_gallery_activate (self, (guint) pos);
}

static void
value_changed_cb (GtkAdjustment *adj,
                  InkGallery    *self)
{
  if (self->active >= 0)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------ */
/* GtkScrollable                                                             */

static void
set_adjustment (InkGallery     *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adj,
                gboolean        vertical)
{
  if (adj == NULL)
    adj = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adj)
    return;
  if (*slot)
    {
      g_signal_handlers_disconnect_by_func (*slot, value_changed_cb, self);
      g_object_unref (*slot);
    }
  *slot = g_object_ref_sink (adj);
  if (vertical)
    g_signal_connect (adj, "value-changed", G_CALLBACK (value_changed_cb), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------ */

static void
ink_gallery_unmap (GtkWidget *widget)
{
  InkGallery *self = INK_GALLERY (widget);

  if (self->active >= 0)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  GTK_WIDGET_CLASS (ink_gallery_parent_class)->unmap (widget);
}

static void
ink_gallery_dispose (GObject *object)
{
  InkGallery *self = INK_GALLERY (object);

  g_clear_pointer (&self->popover, gtk_widget_unparent);
  if (self->vadjustment)
    g_signal_handlers_disconnect_by_func (self->vadjustment, value_changed_cb, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  self->test = NULL;
  self->probs = NULL;

  G_OBJECT_CLASS (ink_gallery_parent_class)->dispose (object);
}

static void
ink_gallery_finalize (GObject *object)
{
  InkGallery *self = INK_GALLERY (object);

  g_clear_pointer (&self->items, g_array_unref);
  g_free (self->placeholder);

  G_OBJECT_CLASS (ink_gallery_parent_class)->finalize (object);
}

static void
ink_gallery_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  InkGallery *self = INK_GALLERY (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, ink_gallery_get_n_items (self));
      break;
    case PROP_PLACEHOLDER:
      g_value_set_string (value, self->placeholder);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_gallery_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  InkGallery *self = INK_GALLERY (object);

  switch (prop_id)
    {
    case PROP_PLACEHOLDER:
      ink_gallery_set_placeholder (self, g_value_get_string (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value), FALSE);
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value), TRUE);
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ink_gallery_class_init (InkGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ink_gallery_dispose;
  object_class->finalize = ink_gallery_finalize;
  object_class->get_property = ink_gallery_get_property;
  object_class->set_property = ink_gallery_set_property;

  widget_class->snapshot = ink_gallery_snapshot;
  widget_class->measure = ink_gallery_measure;
  widget_class->size_allocate = ink_gallery_size_allocate;
  widget_class->unmap = ink_gallery_unmap;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PLACEHOLDER] =
    g_param_spec_string ("placeholder", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /**
   * InkGallery::item-activated:
   * @position: the position in the gallery
   *
   * A digit was clicked or ink_gallery_activate() was called; its popover
   * is shown.
   */
  signals[ITEM_ACTIVATED] =
    g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "inkgallery");
}

static void
ink_gallery_init (InkGallery *self)
{
  GtkEventController *motion;
  GtkGesture *click;

  self->items = g_array_new (FALSE, FALSE, sizeof (Item));
  self->hover = -1;
  self->active = -1;
  self->columns = 1;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  build_popover (self);
  update_cell_size (self);
}

GtkWidget *
ink_gallery_new (void)
{
  return g_object_new (INK_TYPE_GALLERY, NULL);
}

void
ink_gallery_set_items (InkGallery       *self,
                       const InkDataset *test,
                       const float      *probs,
                       const guint32    *indices,
                       guint             n)
{
  guint old;

  g_return_if_fail (INK_IS_GALLERY (self));
  g_return_if_fail (n == 0 || (test != NULL && probs != NULL && indices != NULL));

  if (self->active >= 0)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  self->active = -1;
  self->hover = -1;

  old = self->items->len;
  g_array_set_size (self->items, 0);
  self->test = test;
  self->probs = probs;
  for (guint i = 0; i < n; i++)
    {
      const float *row;
      Item item = { 0 };

      g_return_if_fail (indices[i] < test->n);
      row = probs + (gsize) indices[i] * INK_GALLERY_CLASSES;
      item.index = indices[i];
      item.label = test->labels[indices[i]];
      /* top 3 by selection; ties keep the lower class first */
      for (guint k = 0; k < 3; k++)
        {
          int best = -1;
          for (guint c = 0; c < INK_GALLERY_CLASSES; c++)
            {
              if ((k > 0 && c == item.top[0]) || (k > 1 && c == item.top[1]))
                continue;
              if (best < 0 || row[c] > row[best])
                best = (int) c;
            }
          item.top[k] = (guint8) best;
          item.top_p[k] = row[best];
        }
      g_array_append_val (self->items, item);
    }

  if (self->vadjustment)
    gtk_adjustment_set_value (self->vadjustment, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (old != n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
ink_gallery_clear (InkGallery *self)
{
  g_return_if_fail (INK_IS_GALLERY (self));
  ink_gallery_set_items (self, NULL, NULL, NULL, 0);
}

guint
ink_gallery_get_n_items (InkGallery *self)
{
  g_return_val_if_fail (INK_IS_GALLERY (self), 0);
  return self->items->len;
}

int
ink_gallery_get_item_index (InkGallery *self,
                            guint       position)
{
  g_return_val_if_fail (INK_IS_GALLERY (self), -1);
  if (position >= self->items->len)
    return -1;
  return (int) g_array_index (self->items, Item, position).index;
}

int
ink_gallery_get_active (InkGallery *self)
{
  g_return_val_if_fail (INK_IS_GALLERY (self), -1);
  return self->active;
}

void
ink_gallery_activate (InkGallery *self,
                      guint       position)
{
  int height;

  g_return_if_fail (INK_IS_GALLERY (self));
  g_return_if_fail (position < self->items->len);

  /* bring the row into view first: scrolling closes an open popover */
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (self->vadjustment && height > 0 && self->columns > 0)
    {
      double top = (double) ((int) position / self->columns) * self->cell_h;
      double value = gtk_adjustment_get_value (self->vadjustment);

      if (top < value)
        gtk_adjustment_set_value (self->vadjustment, top);
      else if (top + self->cell_h > value + height)
        gtk_adjustment_set_value (self->vadjustment, top + self->cell_h - height);
    }

  self->active = (int) position;
  fill_detail (self);
  update_popover_position (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_popover_popup (GTK_POPOVER (self->popover));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[ITEM_ACTIVATED], 0, position);
}

void
ink_gallery_set_placeholder (InkGallery *self,
                             const char *text)
{
  g_return_if_fail (INK_IS_GALLERY (self));
  if (g_strcmp0 (self->placeholder, text) == 0)
    return;
  g_free (self->placeholder);
  self->placeholder = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACEHOLDER]);
}

void
ink_gallery_set_classes (InkGallery         *self,
                         const char * const *names,
                         gboolean            scores)
{
  g_return_if_fail (INK_IS_GALLERY (self));

  if (self->names == names && self->scores == scores)
    return;
  self->names = names;
  self->scores = scores;
  if (self->active >= 0)
    fill_detail (self);
  update_cell_size (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

char *
ink_gallery_get_caption (InkGallery *self,
                         guint       position)
{
  g_return_val_if_fail (INK_IS_GALLERY (self), NULL);

  if (position >= self->items->len)
    return NULL;
  return item_caption (self, &g_array_index (self->items, Item, position));
}
