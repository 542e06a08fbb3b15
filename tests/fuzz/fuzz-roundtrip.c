/* fuzz-roundtrip.c
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

/* The experiment write → read round trip: an experiment that
 * ink_experiment_from_json accepts, written with ink_experiment_to_json
 * (compact and pretty), must read back, compare equal (ink_experiment_diff)
 * and write the same text again.  Every model, checkpoint and run folder
 * stores its experiment this way, so a value that does not survive it makes
 * a file that cannot be opened again.  A failure aborts. */

#include "config.h"

#include "ink-ledger.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
round_trip (const InkExperiment *exp,
            gboolean             pretty)
{
  g_autofree char *json = ink_experiment_to_json (exp, pretty);
  g_autofree char *again = NULL;
  g_autofree char *diff = NULL;
  g_autoptr(InkExperiment) back = NULL;
  g_autoptr(GError) error = NULL;

  back = ink_experiment_from_json (json, -1, &error);
  if (back == NULL)
    {
      fprintf (stderr, "fuzz-roundtrip: an accepted experiment, written%s, does not read back: %s\n%s\n",
               pretty ? " pretty" : "", error->message, json);
      abort ();
    }
  diff = fuzz_experiment_diff (exp, back);
  if (*diff != '\0')
    {
      fprintf (stderr, "fuzz-roundtrip: an experiment reads back different:\n%s\n%s\n", diff, json);
      abort ();
    }
  again = ink_experiment_to_json (back, pretty);
  if (strcmp (json, again) != 0)
    {
      fprintf (stderr, "fuzz-roundtrip: an experiment read back writes differently:\n%s\n%s\n",
               json, again);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(InkExperiment) exp = NULL;

  fuzz_init ();
  exp = ink_experiment_from_json ((const char *) data, (gssize) size, NULL);
  if (exp == NULL)
    return 0;
  round_trip (exp, FALSE);
  round_trip (exp, TRUE);
  return 0;
}
