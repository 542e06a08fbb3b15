/* fuzz-experiment.c
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

/* An experiment from JSON text (ink_experiment_from_json), as the CLI's
 * --experiment, the workbench's import and every model and checkpoint read
 * it.  What it accepts must pass validation, describe itself in JSON and
 * compare with another experiment. */

#include "config.h"

#include "ink-ledger.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static InkExperiment *reference;
  g_autoptr(InkExperiment) exp = NULL;
  g_autoptr(InkExperiment) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *diff = NULL;

  fuzz_init ();
  if (reference == NULL)
    reference = ink_experiment_new_default ();
  exp = ink_experiment_from_json ((const char *) data, (gssize) size, &error);
  if (exp == NULL)
    {
      if (error == NULL)
        {
          fprintf (stderr, "fuzz-experiment: refused without an error\n");
          abort ();
        }
      return 0;
    }
  if (!ink_experiment_validate (exp, &error))
    {
      fprintf (stderr, "fuzz-experiment: accepted, then found invalid: %s\n", error->message);
      abort ();
    }
  json = ink_experiment_to_json (exp, TRUE);
  copy = ink_experiment_copy (exp);
  diff = fuzz_experiment_diff (exp, copy);
  if (json == NULL || *diff != '\0')
    {
      fprintf (stderr, "fuzz-experiment: an experiment differs from its copy:\n%s\n", diff);
      abort ();
    }
  g_free (diff);
  diff = fuzz_experiment_diff (reference, exp);
  return 0;
}
