/* fuzz-png.c
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

/* The predict path's image reader (ink_png_to_mnist: cairo's PNG loader,
 * grey ink, ink_mnistify).  The same bytes are also given to ink_mnistify
 * as a raw grey image whose width comes from the first byte, so the
 * cropping, scaling and centring meet shapes a PNG seldom has. */

#include "config.h"

#include "ink-predict.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  const char *path = fuzz_file ("digit.png", data, size);
  guint8 out[784];

  if (!ink_png_to_mnist (path, out, &error))
    {
      if (error == NULL || strstr (error->message, "digit.png") == NULL)
        {
          fprintf (stderr, "fuzz-png: refused without naming the file: %s\n",
                   error ? error->message : "(no error)");
          abort ();
        }
    }

  if (size >= 2)
    {
      int width = 1 + data[0] % 64;
      int height = (int) ((size - 1) / (gsize) width);

      if (height > 0)
        ink_mnistify (data + 1, width, height, width, out);
    }
  return 0;
}
