/* test-predict.c
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

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "ink-dataset.h"
#include "ink-predict.h"
#include "test-util.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("inkling-predict-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Measures a 28×28 result: centre of mass in pixel indices (where MNIST
 * puts it at (14, 14)), bounding box of nonzero pixels, total ink. */
typedef struct
{
  double cx, cy;
  int    x0, y0, x1, y1;
  double mass;
  guint8 peak;
} Shape;

static Shape
measure (const guint8 *out)
{
  Shape s = { 0, 0, 28, 28, -1, -1, 0, 0 };
  double mx = 0, my = 0;

  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++)
      {
        guint8 v = out[y * 28 + x];

        if (v == 0)
          continue;
        s.mass += v;
        mx += v * x;
        my += v * y;
        s.x0 = MIN (s.x0, x);
        s.y0 = MIN (s.y0, y);
        s.x1 = MAX (s.x1, x);
        s.y1 = MAX (s.y1, y);
        s.peak = MAX (s.peak, v);
      }
  if (s.mass > 0)
    {
      s.cx = mx / s.mass;
      s.cy = my / s.mass;
    }
  return s;
}

static void
check_centred (const guint8 *out,
               int           expect_w,
               int           expect_h)
{
  Shape s = measure (out);
  int w = s.x1 - s.x0 + 1, h = s.y1 - s.y0 + 1;

  g_test_message ("COM (%.3f, %.3f), box %d×%d at (%d, %d), peak %u",
                  s.cx, s.cy, w, h, s.x0, s.y0, s.peak);
  g_assert_cmpfloat (s.mass, >, 0);
  g_assert_cmpfloat (fabs (s.cx - 14.0), <=, 0.5 + 1e-9);
  g_assert_cmpfloat (fabs (s.cy - 14.0), <=, 0.5 + 1e-9);
  g_assert_cmpint (MAX (w, h), >=, 19);
  g_assert_cmpint (MAX (w, h), <=, 21);
  if (expect_w > 0)
    g_assert_cmpint (abs (w - expect_w), <=, 1);
  if (expect_h > 0)
    g_assert_cmpint (abs (h - expect_h), <=, 1);
  g_assert_cmpuint (s.peak, ==, 255);
}

static void
test_rectangle (void)
{
  const int W = 100, H = 60;
  g_autofree guint8 *img = g_malloc0 (W * H);
  guint8 out[784];

  /* 30×15 filled rectangle near the top-left corner */
  for (int y = 3; y < 18; y++)
    for (int x = 6; x < 36; x++)
      img[y * W + x] = 255;

  g_assert_true (ink_mnistify (img, W, H, W, out));
  check_centred (out, 20, 10);

  /* uniform inside: the interior of the fitted rectangle is all 255 */
  {
    Shape s = measure (out);

    for (int y = s.y0; y <= s.y1; y++)
      for (int x = s.x0; x <= s.x1; x++)
        g_assert_cmpuint (out[y * 28 + x], ==, 255);
  }
}

static void
test_lopsided (void)
{
  const int W = 80, H = 80;
  g_autofree guint8 *img = g_malloc0 (W * H);
  guint8 out[784];

  /* an "L": heavy vertical bar and a thin foot; the COM is off the box centre */
  for (int y = 10; y < 70; y++)
    for (int x = 20; x < 32; x++)
      img[y * W + x] = 200;
  for (int y = 64; y < 70; y++)
    for (int x = 32; x < 60; x++)
      img[y * W + x] = 200;

  g_assert_true (ink_mnistify (img, W, H, W, out));
  check_centred (out, 0, 20);
}

static void
test_small_upscaled (void)
{
  const int W = 40, H = 30;
  g_autofree guint8 *img = g_malloc0 (W * H);
  guint8 out[784];

  /* a 3×5 blob is enlarged (bilinear) to 12×20 */
  for (int y = 20; y < 25; y++)
    for (int x = 31; x < 34; x++)
      img[y * W + x] = 255;

  g_assert_true (ink_mnistify (img, W, H, W, out));
  check_centred (out, 12, 20);
}

static void
test_thin_line (void)
{
  const int W = 50, H = 200;
  g_autofree guint8 *img = g_malloc0 (W * H);
  guint8 out[784];

  /* a vertical 4-pixel-wide "1", 160 tall: shrinks to 20 tall, ~1 wide */
  for (int y = 20; y < 180; y++)
    for (int x = 10; x < 14; x++)
      img[y * W + x] = 255;

  g_assert_true (ink_mnistify (img, W, H, W, out));
  check_centred (out, 1, 20);
}

static void
test_stride_and_noise (void)
{
  const int W = 60, H = 40, STRIDE = 64;
  g_autofree guint8 *packed = g_malloc0 (W * H);
  g_autofree guint8 *strided = g_malloc (STRIDE * H);
  guint8 a[784], b[784];

  memset (strided, 0xAA, STRIDE * H);   /* garbage in the padding */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        /* faint noise below the 10 % threshold, and a diagonal stroke */
        guint8 v = (guint8) ((x * 7 + y * 3) % 20);

        if (abs (x - y - 10) < 3 && y > 5 && y < 35)
          v = 240;
        packed[y * W + x] = v;
        strided[y * STRIDE + x] = v;
      }

  g_assert_true (ink_mnistify (packed, W, H, W, a));
  g_assert_true (ink_mnistify (strided, W, H, STRIDE, b));
  g_assert_cmpmem (a, 784, b, 784);
  check_centred (a, 0, 0);
}

static void
test_blank (void)
{
  const int W = 30, H = 20;
  g_autofree guint8 *img = g_malloc0 (W * H);
  guint8 out[784];

  memset (out, 0x55, sizeof out);
  g_assert_false (ink_mnistify (img, W, H, W, out));
  for (int i = 0; i < 784; i++)
    g_assert_cmpuint (out[i], ==, 0);

  /* a faint smudge (peak 5 of 255) is not ink either */
  img[10 * W + 10] = 5;
  g_assert_false (ink_mnistify (img, W, H, W, out));
}

/* ---- PNG ---- */

typedef enum
{
  DARK_ON_WHITE,
  DARK_ON_TRANSPARENT,
  LIGHT_ON_BLACK,
  GREY_RGB24,
} PngStyle;

/* A "7"-like stroke, written as a PNG. */
static char *
write_digit_png (Fixture   *f,
                 const char *name,
                 PngStyle    style,
                 int         w,
                 int         h)
{
  char *path = g_build_filename (f->dir, name, NULL);
  cairo_format_t format = style == GREY_RGB24 ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32;
  cairo_surface_t *surface = cairo_image_surface_create (format, w, h);
  cairo_t *cr = cairo_create (surface);

  switch (style)
    {
    case DARK_ON_WHITE:
    case GREY_RGB24:
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.1);
      break;
    case DARK_ON_TRANSPARENT:
      cairo_set_source_rgba (cr, 0, 0, 0, 1);
      break;
    case LIGHT_ON_BLACK:
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      break;
    }

  cairo_set_line_width (cr, w / 12.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, w * 0.3, h * 0.25);
  cairo_line_to (cr, w * 0.7, h * 0.25);
  cairo_line_to (cr, w * 0.45, h * 0.8);
  cairo_stroke (cr);
  cairo_destroy (cr);

  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

static void
test_png_digit (Fixture *f, gconstpointer data)
{
  PngStyle style = GPOINTER_TO_INT (data);
  g_autofree char *path = write_digit_png (f, "seven.png", style, 120, 160);
  g_autoptr(GError) error = NULL;
  guint8 out[784];
  Shape s;

  g_assert_true (ink_png_to_mnist (path, out, &error));
  g_assert_no_error (error);
  check_centred (out, 0, 20);

  /* light ink on a black background, as MNIST: the corners are empty,
   * the top bar of the "7" is bright */
  s = measure (out);
  g_assert_cmpuint (out[0], ==, 0);
  g_assert_cmpuint (out[27], ==, 0);
  g_assert_cmpuint (out[27 * 28], ==, 0);
  g_assert_cmpuint (out[783], ==, 0);
  g_assert_cmpuint (out[(s.y0 + 1) * 28 + 14], >, 128);
}

static void
check_png_error (const GError *error,
                 InkDataError  code,
                 const char   *name,
                 const char   *also)
{
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, INK_DATA_ERROR, (int) code);
  g_assert_nonnull (strstr (error->message, name));
  if (also != NULL)
    g_assert_nonnull (strstr (error->message, also));
}

static void
test_png_blank (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "blank.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 50, 40);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GError) error = NULL;
  guint8 out[784];

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  g_assert_false (ink_png_to_mnist (path, out, &error));
  check_png_error (error, INK_DATA_ERROR_FORMAT, "blank.png", "no ink");
}

static void
test_png_not_png (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "notes.png", NULL);
  g_autoptr(GError) error = NULL;
  guint8 out[784];

  g_assert_true (g_file_set_contents (path, "this is not an image\n", -1, NULL));
  g_assert_false (ink_png_to_mnist (path, out, &error));
  check_png_error (error, INK_DATA_ERROR_FORMAT, "notes.png", "not a PNG");
}

static void
test_png_corrupt (Fixture *f, gconstpointer data)
{
  g_autofree char *good = write_digit_png (f, "good.png", DARK_ON_WHITE, 60, 80);
  g_autofree char *path = g_build_filename (f->dir, "cut.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  guint8 out[784];

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) (len / 2), NULL));
  g_assert_false (ink_png_to_mnist (path, out, &error));
  check_png_error (error, INK_DATA_ERROR_FORMAT, "cut.png", "truncated or corrupt");
}

static void
test_png_zero_size (Fixture *f, gconstpointer data)
{
  /* signature and an IHDR declaring 0×10 */
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0, 0, 0, 0, 0, 10, 8, 0, 0, 0, 0,
    0, 0, 0, 0,
  };
  g_autofree char *path = g_build_filename (f->dir, "zero.png", NULL);
  g_autoptr(GError) error = NULL;
  guint8 out[784];

  g_assert_true (g_file_set_contents (path, (const char *) png, sizeof png, NULL));
  g_assert_false (ink_png_to_mnist (path, out, &error));
  check_png_error (error, INK_DATA_ERROR_FORMAT, "zero.png", "zero size");
}

static void
test_png_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "nosuch.png", NULL);
  g_autoptr(GError) error = NULL;
  guint8 out[784];

  g_assert_false (ink_png_to_mnist (path, out, &error));
  check_png_error (error, INK_DATA_ERROR_NOT_FOUND, "nosuch.png", NULL);
}

/* Real MNIST digits are already prepared this way: running them through
 * again must leave them nearly as they are. */
static void
test_mnist_fixed_point (void)
{
  g_autofree char *dir = ink_dataset_user_dir ("mnist");
  g_autofree char *images = g_build_filename (dir, "t10k-images-idx3-ubyte", NULL);
  g_autofree char *labels = g_build_filename (dir, "t10k-labels-idx1-ubyte", NULL);
  g_autoptr(InkDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  double sum_corr = 0, sum_dx = 0, sum_dy = 0;
  guint n = 500;

  if (!g_file_test (images, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("MNIST is not set up (run tools/setup-data.sh)");
      return;
    }
  ds = ink_dataset_load_idx (images, labels, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      const guint8 *src = ds->images + (gsize) i * 784;
      guint8 out[784];
      double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      Shape a, b;

      g_assert_true (ink_mnistify (src, 28, 28, 28, out));
      a = measure (src);
      b = measure (out);
      sum_dx += b.cx - a.cx;
      sum_dy += b.cy - a.cy;
      for (int k = 0; k < 784; k++)
        {
          sa += src[k];
          sb += out[k];
          saa += (double) src[k] * src[k];
          sbb += (double) out[k] * out[k];
          sab += (double) src[k] * out[k];
        }
      sum_corr += (sab - sa * sb / 784) /
                  sqrt ((saa - sa * sa / 784) * (sbb - sb * sb / 784));
    }

  g_test_message ("mean correlation %.4f, mean COM shift (%.3f, %.3f)",
                  sum_corr / n, sum_dx / n, sum_dy / n);
  g_assert_cmpfloat (sum_corr / n, >, 0.97);
  g_assert_cmpfloat (fabs (sum_dx / n), <, 0.1);
  g_assert_cmpfloat (fabs (sum_dy / n), <, 0.1);
}

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/predict/mnistify/rectangle", test_rectangle);
  g_test_add_func ("/predict/mnistify/lopsided", test_lopsided);
  g_test_add_func ("/predict/mnistify/small-upscaled", test_small_upscaled);
  g_test_add_func ("/predict/mnistify/thin-line", test_thin_line);
  g_test_add_func ("/predict/mnistify/stride-and-noise", test_stride_and_noise);
  g_test_add_func ("/predict/mnistify/blank", test_blank);
  g_test_add_func ("/predict/mnistify/mnist-fixed-point", test_mnist_fixed_point);

  ADD ("/predict/png/dark-on-white", GINT_TO_POINTER (DARK_ON_WHITE), test_png_digit);
  ADD ("/predict/png/dark-on-transparent", GINT_TO_POINTER (DARK_ON_TRANSPARENT), test_png_digit);
  ADD ("/predict/png/light-on-black", GINT_TO_POINTER (LIGHT_ON_BLACK), test_png_digit);
  ADD ("/predict/png/rgb24", GINT_TO_POINTER (GREY_RGB24), test_png_digit);
  ADD ("/predict/png/blank", NULL, test_png_blank);
  ADD ("/predict/png/not-png", NULL, test_png_not_png);
  ADD ("/predict/png/corrupt", NULL, test_png_corrupt);
  ADD ("/predict/png/zero-size", NULL, test_png_zero_size);
  ADD ("/predict/png/missing", NULL, test_png_missing);

  return g_test_run ();
}
