/* ink-predict.c
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

/* MNIST-style preprocessing of a drawn or opened image (crop, fit
 * 20×20, centre the mass in 28×28), and reading a PNG for it. */

#include "config.h"

#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ink-dataset.h"
#include "ink-predict.h"
#include "ink-save.h"

/* The MNIST preparation, as LeCun et al. describe it: the digit is fitted
 * into a 20×20 box keeping its aspect ratio (anti-aliased), then placed in a
 * 28×28 frame so that its centre of mass is at the frame's centre.
 *
 * Choices made here:
 *  - ink: a pixel is ink when it is brighter than INK_THRESHOLD (10 %) of the
 *    brightest pixel; fainter pixels are background and become 0, which drops
 *    paper grain and JPEG noise.  An image whose brightest pixel is below
 *    INK_MIN_PEAK (of 255) holds no ink at all.
 *  - contrast: ink is stretched so that the brightest pixel becomes 255, as
 *    MNIST strokes peak at 255 whatever pen drew them.
 *  - resizing, per axis: shrinking averages with a box filter weighted by
 *    fractional coverage (area averaging); enlarging is bilinear, with pixel
 *    centres aligned.
 *  - centring: the centre of mass is taken in pixel indices (pixel (x, y)
 *    weighs at (x, y)) and put at (14, 14).  This is what the real data
 *    shows: the mean centre of mass of the 60000 MNIST training digits is
 *    (14.007, 13.996) in indices.  The fitted image moves by whole pixels
 *    (the offset rounded half up) and is clamped to stay inside the frame,
 *    so the result is within half a pixel of (14, 14) unless the clamp
 *    was needed (ink piled against one side of its box).
 */

#define INK_THRESHOLD   0.10
#define INK_MIN_PEAK    8
#define FIT_SIDE        20
#define FRAME_SIDE      28

/* PNGs larger than this are refused before decoding. */
#define PNG_MAX_SIDE    16384
#define PNG_MAX_PIXELS  (100u * 1000u * 1000u)

/* One axis of a separable resampling: output o reads taps[o].len source
 * samples from taps[o].first, weighted by weight[o * max_taps + k]. */
typedef struct
{
  int    n_out;
  int    max_taps;
  int   *first;
  int   *len;
  float *weight;
} Resample;

static void
resample_clear (Resample *r)
{
  g_clear_pointer (&r->first, g_free);
  g_clear_pointer (&r->len, g_free);
  g_clear_pointer (&r->weight, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Resample, resample_clear)

static void
resample_init (Resample *r,
               int       n_in,
               int       n_out)
{
  double ratio = (double) n_in / n_out;

  r->n_out = n_out;
  r->max_taps = ratio >= 1.0 ? (int) ceil (ratio) + 1 : 2;
  r->first = g_new0 (int, n_out);
  r->len = g_new0 (int, n_out);
  r->weight = g_new0 (float, (gsize) n_out * r->max_taps);

  for (int o = 0; o < n_out; o++)
    {
      float *w = r->weight + (gsize) o * r->max_taps;

      if (ratio >= 1.0)
        {
          /* box filter: source interval [a, b) with fractional ends */
          double a = o * ratio, b = (o + 1) * ratio;
          int i0 = (int) floor (a);
          int i1 = MIN ((int) ceil (b), n_in);

          r->first[o] = i0;
          r->len[o] = i1 - i0;
          g_assert (r->len[o] <= r->max_taps);
          for (int i = i0; i < i1; i++)
            w[i - i0] = (float) ((MIN (b, i + 1.0) - MAX (a, (double) i)) / ratio);
        }
      else
        {
          /* bilinear, pixel centres aligned, clamped at the edges */
          double pos = (o + 0.5) * ratio - 0.5;
          int i0;
          double t;

          pos = CLAMP (pos, 0.0, (double) (n_in - 1));
          i0 = (int) floor (pos);
          t = pos - i0;
          r->first[o] = i0;
          if (i0 + 1 < n_in && t > 0.0)
            {
              r->len[o] = 2;
              w[0] = (float) (1.0 - t);
              w[1] = (float) t;
            }
          else
            {
              r->len[o] = 1;
              w[0] = 1.0f;
            }
        }
    }
}

gboolean
ink_mnistify (const guint8 *grey,
              int           width,
              int           height,
              int           stride,
              guint8        out[784])
{
  g_autofree float *tmp = NULL;
  float fitted[FIT_SIDE * FIT_SIDE];
  float lut[256];
  g_auto(Resample) rx = { 0, };
  g_auto(Resample) ry = { 0, };
  int x0 = width, y0 = height, x1 = -1, y1 = -1;
  int bw, bh, nw, nh, ox, oy;
  double mass = 0.0, mx = 0.0, my = 0.0, scale;
  guint8 peak = 0, thr;

  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, FRAME_SIDE * FRAME_SIDE);
  g_return_val_if_fail (grey != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (stride >= width, FALSE);

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = grey + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        peak = MAX (peak, row[x]);
    }
  if (peak < INK_MIN_PEAK)
    return FALSE;

  thr = (guint8) (peak * INK_THRESHOLD);
  for (int y = 0; y < height; y++)
    {
      const guint8 *row = grey + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        if (row[x] > thr)
          {
            x0 = MIN (x0, x);
            x1 = MAX (x1, x);
            y0 = MIN (y0, y);
            y1 = MAX (y1, y);
          }
    }
  g_assert (x1 >= x0 && y1 >= y0);

  for (int v = 0; v < 256; v++)
    lut[v] = v > thr ? v * 255.0f / peak : 0.0f;

  /* the longer side of the box becomes 20 pixels */
  bw = x1 - x0 + 1;
  bh = y1 - y0 + 1;
  scale = (double) FIT_SIDE / MAX (bw, bh);
  nw = bw >= bh ? FIT_SIDE : CLAMP ((int) floor (bw * scale + 0.5), 1, FIT_SIDE);
  nh = bh >= bw ? FIT_SIDE : CLAMP ((int) floor (bh * scale + 0.5), 1, FIT_SIDE);

  resample_init (&rx, bw, nw);
  resample_init (&ry, bh, nh);

  /* horizontal pass straight from the source rows: tmp is nw × bh */
  tmp = g_new (float, (gsize) nw * bh);
  for (int y = 0; y < bh; y++)
    {
      const guint8 *row = grey + (gsize) (y0 + y) * stride + x0;

      for (int o = 0; o < nw; o++)
        {
          const float *w = rx.weight + (gsize) o * rx.max_taps;
          float acc = 0.0f;

          for (int k = 0; k < rx.len[o]; k++)
            acc += w[k] * lut[row[rx.first[o] + k]];
          tmp[(gsize) y * nw + o] = acc;
        }
    }

  /* vertical pass, and the centre of mass on the way */
  for (int o = 0; o < nh; o++)
    {
      const float *w = ry.weight + (gsize) o * ry.max_taps;

      for (int x = 0; x < nw; x++)
        {
          float acc = 0.0f;

          for (int k = 0; k < ry.len[o]; k++)
            acc += w[k] * tmp[(gsize) (ry.first[o] + k) * nw + x];
          fitted[o * nw + x] = acc;
          mass += acc;
          mx += acc * x;
          my += acc * o;
        }
    }

  if (mass <= 0.0)
    return FALSE;

  ox = (int) floor (FRAME_SIDE / 2 - mx / mass + 0.5);
  oy = (int) floor (FRAME_SIDE / 2 - my / mass + 0.5);
  ox = CLAMP (ox, 0, FRAME_SIDE - nw);
  oy = CLAMP (oy, 0, FRAME_SIDE - nh);

  for (int y = 0; y < nh; y++)
    for (int x = 0; x < nw; x++)
      {
        float v = floorf (fitted[y * nw + x] + 0.5f);

        out[(oy + y) * FRAME_SIDE + ox + x] = (guint8) CLAMP (v, 0.0f, 255.0f);
      }

  return TRUE;
}

/* ---- PNG ---- */

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
} PngReader;

static cairo_status_t
png_read (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  PngReader *r = closure;

  if (length > r->len - r->pos)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

static void
png_error (GError     **error,
           InkDataError code,
           const char  *path,
           const char  *what)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, INK_DATA_ERROR, code, "%s: %s", display, what);
}

static guint8
luminance (guint r,
           guint g,
           guint b)
{
  /* ITU-R BT.601, as PIL's "L" mode */
  return (guint8) ((299 * r + 587 * g + 114 * b + 500) / 1000);
}

/* Composites the surface over white and takes the luminance. */
static void
surface_to_grey (cairo_surface_t *surface,
                 guint8          *grey)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  cairo_format_t format = cairo_image_surface_get_format (surface);
  cairo_surface_t *argb = NULL;
  const guint8 *data;
  int stride;

  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24 &&
      format != CAIRO_FORMAT_A8)
    {
      /* anything else (16-bit PNGs on newer cairo): let cairo convert it */
      cairo_t *cr;

      argb = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cr = cairo_create (argb);
      cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
      surface = argb;
      format = CAIRO_FORMAT_ARGB32;
    }

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  for (int y = 0; y < h; y++)
    {
      const guint8 *row = data + (gsize) y * stride;
      guint8 *dst = grey + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          if (format == CAIRO_FORMAT_A8)
            {
              /* an alpha mask: black ink of that coverage */
              dst[x] = (guint8) (255 - row[x]);
            }
          else
            {
              guint32 px;
              guint a, r, g, b;

              memcpy (&px, row + 4 * x, 4);
              a = format == CAIRO_FORMAT_ARGB32 ? px >> 24 : 255;
              /* premultiplied colour over white: c + (255 - a) */
              r = MIN (((px >> 16) & 0xff) + (255 - a), 255);
              g = MIN (((px >> 8) & 0xff) + (255 - a), 255);
              b = MIN ((px & 0xff) + (255 - a), 255);
              dst[x] = luminance (r, g, b);
            }
        }
    }

  if (argb != NULL)
    cairo_surface_destroy (argb);
}

/* TRUE when most pixels of the outer ring are light (paper). */
static gboolean
border_is_light (const guint8 *grey,
                 int           w,
                 int           h)
{
  guint64 light = 0, total = 0;

  for (int x = 0; x < w; x++)
    {
      light += grey[x] >= 128;
      light += grey[(gsize) (h - 1) * w + x] >= 128;
      total += 2;
    }
  for (int y = 1; y < h - 1; y++)
    {
      light += grey[(gsize) y * w] >= 128;
      light += grey[(gsize) y * w + w - 1] >= 128;
      total += 2;
    }
  return light * 2 > total;
}

gboolean
ink_png_to_mnist (const char  *path,
                  guint8       out[784],
                  GError     **error)
{
  static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *contents = NULL;
  g_autofree guint8 *grey = NULL;
  g_autoptr(GError) local_error = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  PngReader reader;
  gsize len = 0;
  guint32 w, h;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, FRAME_SIDE * FRAME_SIDE);

  /* a PNG of the largest accepted size is far below 1 GiB */
  if (!ink_read_file (path, (gsize) 1 << 30, &contents, &len, &local_error))
    {
      g_autofree char *msg = NULL;

      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        png_error (error, INK_DATA_ERROR_NOT_FOUND, path, _("file not found"));
      else
        {
          msg = g_strdup_printf (_("cannot read the file: %s"), local_error->message);
          png_error (error, INK_DATA_ERROR_IO, path, msg);
        }
      return FALSE;
    }

  if (len < sizeof png_signature || memcmp (contents, png_signature, sizeof png_signature) != 0)
    {
      png_error (error, INK_DATA_ERROR_FORMAT, path,
                 len == 0 ? _("the file is empty; expected a PNG image")
                          : _("not a PNG image (the PNG signature is missing)"));
      return FALSE;
    }

  /* the IHDR chunk comes first: 8-byte signature, length, "IHDR", w, h */
  if (len < 24 || memcmp (contents + 12, "IHDR", 4) != 0)
    {
      png_error (error, INK_DATA_ERROR_FORMAT, path,
                 _("corrupted PNG image (no IHDR header)"));
      return FALSE;
    }
  w = ((guint32) (guint8) contents[16] << 24) | ((guint32) (guint8) contents[17] << 16) |
      ((guint32) (guint8) contents[18] << 8) | (guint32) (guint8) contents[19];
  h = ((guint32) (guint8) contents[20] << 24) | ((guint32) (guint8) contents[21] << 16) |
      ((guint32) (guint8) contents[22] << 8) | (guint32) (guint8) contents[23];
  if (w == 0 || h == 0)
    {
      png_error (error, INK_DATA_ERROR_FORMAT, path, _("the image has zero size"));
      return FALSE;
    }
  if (w > PNG_MAX_SIDE || h > PNG_MAX_SIDE || (guint64) w * h > PNG_MAX_PIXELS)
    {
      g_autofree char *msg =
        g_strdup_printf (_("the image is %u×%u pixels, larger than the %u×%u (and "
                           "%u pixels) accepted; scale it down"),
                         w, h, PNG_MAX_SIDE, PNG_MAX_SIDE, PNG_MAX_PIXELS);

      png_error (error, INK_DATA_ERROR_FORMAT, path, msg);
      return FALSE;
    }

  reader.data = (const guint8 *) contents;
  reader.len = len;
  reader.pos = 0;
  surface = cairo_image_surface_create_from_png_stream (png_read, &reader);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *msg =
        g_strdup_printf (_("cannot decode the PNG image: it is truncated or "
                           "corrupt (cairo: %s)"),
                         cairo_status_to_string (status));

      cairo_surface_destroy (surface);
      png_error (error, status == CAIRO_STATUS_NO_MEMORY ? INK_DATA_ERROR_IO
                                                         : INK_DATA_ERROR_FORMAT,
                 path, msg);
      return FALSE;
    }

  w = (guint32) cairo_image_surface_get_width (surface);
  h = (guint32) cairo_image_surface_get_height (surface);
  if (w == 0 || h == 0)
    {
      cairo_surface_destroy (surface);
      png_error (error, INK_DATA_ERROR_FORMAT, path, _("the image has zero size"));
      return FALSE;
    }

  grey = g_malloc ((gsize) w * h);
  surface_to_grey (surface, grey);
  cairo_surface_destroy (surface);

  /* dark ink on light paper → MNIST's light ink on black */
  if (border_is_light (grey, (int) w, (int) h))
    for (gsize i = 0; i < (gsize) w * h; i++)
      grey[i] = (guint8) (255 - grey[i]);

  ok = ink_mnistify (grey, (int) w, (int) h, (int) w, out);
  if (!ok)
    png_error (error, INK_DATA_ERROR_FORMAT, path,
               _("no ink found: the image is blank (or all one shade)"));
  return ok;
}
