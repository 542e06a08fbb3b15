/* ink-augment-preview.c
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


/* The augmentation preview: a strip of digits distorted with the
 * current settings, drawn with cairo. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ink-augment-preview.h"
#include "ink-rng.h"

#define N   INK_AUGMENT_PREVIEW_N_SAMPLES
#define S   INK_AUGMENT_PREVIEW_SIZE
#define PIX (S * S)
#define N_SYNTHETIC 4
#define TILE_MIN 40
#define GAP 6

struct _InkAugmentPreview
{
  GtkWidget       parent_instance;

  InkAugmentSpec  spec;
  gboolean        have_spec;
  guint64         seed;
  guint8         *sources;     /* n_sources × PIX */
  guint           n_sources;
  guint8          samples[N * PIX];
};

G_DEFINE_FINAL_TYPE (InkAugmentPreview, ink_augment_preview, GTK_TYPE_WIDGET)

/* four strokes that read as 0, 1, 4 and 7, drawn with cairo */
static void
draw_synthetic (guint8 *out)
{
  int stride = cairo_format_stride_for_width (CAIRO_FORMAT_A8, S);

  for (guint k = 0; k < N_SYNTHETIC; k++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, S, S);
      cairo_t *cr = cairo_create (surface);
      const guint8 *data;

      cairo_set_line_width (cr, 2.6);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      switch (k)
        {
        case 0:
          cairo_save (cr);
          cairo_translate (cr, 14, 14);
          cairo_scale (cr, 6.0, 9.0);
          cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
          cairo_restore (cr);
          break;
        case 1:
          cairo_move_to (cr, 11, 8);
          cairo_line_to (cr, 15, 5);
          cairo_line_to (cr, 15, 23);
          break;
        case 2:
          cairo_move_to (cr, 16, 5);
          cairo_line_to (cr, 8, 17);
          cairo_line_to (cr, 20, 17);
          cairo_move_to (cr, 17, 11);
          cairo_line_to (cr, 17, 23);
          break;
        default:
          cairo_move_to (cr, 8, 6);
          cairo_line_to (cr, 20, 6);
          cairo_line_to (cr, 13, 23);
          cairo_move_to (cr, 11, 14);
          cairo_line_to (cr, 18, 14);
          break;
        }
      cairo_stroke (cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      data = cairo_image_surface_get_data (surface);
      for (int y = 0; y < S; y++)
        memcpy (out + k * PIX + y * S, data + y * stride, S);
      cairo_surface_destroy (surface);
    }
}

static void
recompute (InkAugmentPreview *self)
{
  g_autoptr(InkAugmenter) aug = NULL;

  if (self->have_spec && ink_augment_spec_enabled (&self->spec))
    aug = ink_augmenter_new (&self->spec, S, S, self->seed);
  for (guint i = 0; i < N; i++)
    {
      const guint8 *in = self->sources + (i % self->n_sources) * PIX;

      if (aug)
        ink_augmenter_apply_u8 (aug, 0, i, in, self->samples + i * PIX);
      else
        memcpy (self->samples + i * PIX, in, PIX);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ink_augment_preview_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = N * TILE_MIN + (N - 1) * GAP;
      *natural = N * 64 + (N - 1) * GAP;
    }
  else
    {
      int tile = for_size > 0 ? (for_size - (N - 1) * GAP) / N : 64;
      *minimum = TILE_MIN;
      *natural = CLAMP (tile, TILE_MIN, 96);
    }
}

static void
ink_augment_preview_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  InkAugmentPreview *self = INK_AUGMENT_PREVIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int stride = cairo_format_stride_for_width (CAIRO_FORMAT_A8, S);
  double tile, x0;
  GdkRGBA fg;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  tile = MIN ((double) (width - (N - 1) * GAP) / N, (double) height);
  tile = floor (MAX (tile, 1.0));
  x0 = floor ((width - (N * tile + (N - 1) * GAP)) / 2);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint i = 0; i < N; i++)
    {
      double x = x0 + i * (tile + GAP);
      cairo_surface_t *mask = cairo_image_surface_create (CAIRO_FORMAT_A8, S, S);
      cairo_pattern_t *pattern;
      guint8 *data;

      /* the tile: a faint card, the ink in the text colour */
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.07);
      cairo_rectangle (cr, x, 0, tile, tile);
      cairo_fill (cr);

      cairo_surface_flush (mask);
      data = cairo_image_surface_get_data (mask);
      for (int y = 0; y < S; y++)
        memcpy (data + y * stride, self->samples + i * PIX + y * S, S);
      cairo_surface_mark_dirty (mask);

      cairo_save (cr);
      cairo_rectangle (cr, x, 0, tile, tile);
      cairo_clip (cr);
      cairo_translate (cr, x, 0);
      cairo_scale (cr, tile / S, tile / S);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha);
      pattern = cairo_pattern_create_for_surface (mask);
      cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
      cairo_mask (cr, pattern);
      cairo_pattern_destroy (pattern);
      cairo_restore (cr);
      cairo_surface_destroy (mask);
    }
  cairo_destroy (cr);
}

static void
ink_augment_preview_finalize (GObject *object)
{
  InkAugmentPreview *self = INK_AUGMENT_PREVIEW (object);

  g_free (self->sources);
  G_OBJECT_CLASS (ink_augment_preview_parent_class)->finalize (object);
}

static void
ink_augment_preview_class_init (InkAugmentPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ink_augment_preview_finalize;
  widget_class->measure = ink_augment_preview_measure;
  widget_class->snapshot = ink_augment_preview_snapshot;
  gtk_widget_class_set_css_name (widget_class, "inkaugmentpreview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ink_augment_preview_init (InkAugmentPreview *self)
{
  self->seed = 1;
  ink_augment_spec_defaults (&self->spec);
  ink_augment_preview_set_images (self, NULL, 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Training images as the augmentation distorts them"), -1);
}

/* ---- public ---- */

InkAugmentPreview *
ink_augment_preview_new (void)
{
  return g_object_new (INK_TYPE_AUGMENT_PREVIEW, NULL);
}

void
ink_augment_preview_set_spec (InkAugmentPreview    *self,
                              const InkAugmentSpec *spec)
{
  g_return_if_fail (INK_IS_AUGMENT_PREVIEW (self));

  if (spec)
    self->spec = *spec;
  self->have_spec = spec != NULL;
  recompute (self);
}

void
ink_augment_preview_set_images (InkAugmentPreview *self,
                                const guint8      *images,
                                guint              n)
{
  g_return_if_fail (INK_IS_AUGMENT_PREVIEW (self));

  g_clear_pointer (&self->sources, g_free);
  if (images != NULL && n > 0)
    {
      self->n_sources = MIN (n, N);
      self->sources = g_memdup2 (images, (gsize) self->n_sources * PIX);
    }
  else
    {
      self->n_sources = N_SYNTHETIC;
      self->sources = g_malloc0 (N_SYNTHETIC * PIX);
      draw_synthetic (self->sources);
    }
  recompute (self);
}

void
ink_augment_preview_shuffle (InkAugmentPreview *self)
{
  g_return_if_fail (INK_IS_AUGMENT_PREVIEW (self));

  self->seed = ink_hash64 (self->seed + 0x9e3779b97f4a7c15);
  recompute (self);
}

guint64
ink_augment_preview_get_seed (InkAugmentPreview *self)
{
  g_return_val_if_fail (INK_IS_AUGMENT_PREVIEW (self), 0);
  return self->seed;
}

const guint8 *
ink_augment_preview_get_sample (InkAugmentPreview *self,
                                guint              i)
{
  g_return_val_if_fail (INK_IS_AUGMENT_PREVIEW (self), NULL);
  g_return_val_if_fail (i < N, NULL);
  return self->samples + i * PIX;
}
