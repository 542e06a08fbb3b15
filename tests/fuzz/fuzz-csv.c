/* fuzz-csv.c
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

/* A CSV data set (ink_dataset_load_csv: "label,p0,...", optional header,
 * optional gzip).  An accepted file must hold what it claims: images of the
 * accepted shape, labels 0..9. */

#include "config.h"

#include "ink-dataset.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(InkDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = fuzz_file ("train.csv", data, size);
  volatile guint sum = 0;

  ds = ink_dataset_load_csv (path, &error);
  if (ds == NULL)
    {
      if (error == NULL || strstr (error->message, "train.csv") == NULL)
        {
          fprintf (stderr, "fuzz-csv: refused without naming the file: %s\n",
                   error ? error->message : "(no error)");
          abort ();
        }
      return 0;
    }
  if (ds->n == 0 || ds->rows == 0 || ds->cols == 0 ||
      ds->rows > INK_DATA_MAX_SIDE || ds->cols > INK_DATA_MAX_SIDE)
    {
      fprintf (stderr, "fuzz-csv: accepted a set of %u images of %u×%u\n", ds->n, ds->rows, ds->cols);
      abort ();
    }
  for (guint i = 0; i < ds->n; i++)
    {
      if (ds->labels[i] > 9)
        abort ();
      sum += ds->images[(gsize) (i + 1) * ink_dataset_dim (ds) - 1];
    }
  (void) sum;
  return 0;
}
