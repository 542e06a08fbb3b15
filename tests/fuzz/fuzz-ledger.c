/* fuzz-ledger.c
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

/* One run folder of the run ledger, read the way the workbench lists its
 * runs (ink_ledger_run_load, then ink_ledger_list over the folder above).
 * The input's first byte says, two bits per file (experiment.json,
 * summary.json, history.csv, lowest bits first), where each file comes
 * from: 0 the input, 1 a valid file of a real run (so the fuzzer can work
 * on one file while the others stay loadable), 2 absent, 3 empty.  The
 * rest of the input holds the files taken from it, separated by
 * FUZZ_FILE_SEP bytes; one it does not reach is absent.  A loaded run must
 * be whole: an experiment, a status, a history of epochs counted from 1. */

#include "config.h"

#include "ink-ledger.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static const char *const files[] = { "experiment.json", "summary.json", "history.csv" };
static GBytes *valid[G_N_ELEMENTS (files)];

/* the files of a real run: created, two epochs, finished */
int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(InkExperiment) e = ink_experiment_new_default ();
  g_autoptr(InkLedgerRun) run = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init ();
  run = ink_ledger_run_create (fuzz_path ("valid-runs"), e, &error);
  for (guint k = 1; run != NULL && k <= 2; k++)
    {
      InkEpochRecord r = { k, 0.5 / k, 0.8, 0.6 / k, 0.75, 0.01, 0.005, 0.01, TRUE };

      if (!ink_ledger_run_add_epoch (run, &r, &error))
        break;
    }
  if (run == NULL || error != NULL ||
      !ink_ledger_run_finish (run, "completed", "all epochs done", 0.9125, 2, &error))
    {
      fprintf (stderr, "fuzz-ledger: cannot make a run folder: %s\n", error ? error->message : "");
      abort ();
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p = g_build_filename (run->dir, files[i], NULL);
      g_autofree char *text = NULL;
      gsize len = 0;

      if (!g_file_get_contents (p, &text, &len, NULL))
        abort ();
      valid[i] = g_bytes_new_take (g_steal_pointer (&text), len);
    }
  return 0;
}

static void
check_run (const InkLedgerRun *run)
{
  if (run->experiment == NULL || run->status == NULL || run->message == NULL ||
      run->history == NULL || !g_utf8_validate (run->status, -1, NULL) ||
      !g_utf8_validate (run->message, -1, NULL))
    {
      fprintf (stderr, "fuzz-ledger: a run loaded half\n");
      abort ();
    }
  for (guint i = 0; i < run->history->len; i++)
    if (g_array_index (run->history, InkEpochRecord, i).epoch == 0)
      {
        fprintf (stderr, "fuzz-ledger: a history record of epoch 0\n");
        abort ();
      }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *root = fuzz_path ("runs");
  const char *dir = fuzz_path ("runs/20260101-000000-1");
  g_autoptr(InkLedgerRun) run = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint8 flags = size > 0 ? data[0] : 0;
  const guint8 *part = size > 0 ? data + 1 : NULL;
  gsize len = size > 0 ? size - 1 : 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    abort ();
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p = g_build_filename (dir, files[i], NULL);
      const guint8 *rest;
      gsize head_len, rest_len;

      switch ((flags >> (2 * i)) & 3)
        {
        case 0:
          if (part == NULL)
            {
              g_unlink (p);
              break;
            }
          fuzz_split (part, len, FUZZ_FILE_SEP, &rest, &head_len, &rest_len);
          fuzz_write (p, part, head_len);
          part = rest;
          len = rest_len;
          break;
        case 1:
          fuzz_write (p, g_bytes_get_data (valid[i], NULL), g_bytes_get_size (valid[i]));
          break;
        case 2:
          g_unlink (p);
          break;
        default:
          fuzz_write (p, (const guint8 *) "", 0);
          break;
        }
    }

  run = ink_ledger_run_load (dir, &error);
  if (run != NULL)
    check_run (run);
  else if (error == NULL || strstr (error->message, "20260101-000000-1") == NULL)
    {
      fprintf (stderr, "fuzz-ledger: refused without naming the folder: %s\n",
               error ? error->message : "(no error)");
      abort ();
    }

  /* the list may also show a damaged folder as a row of its own: only
   * what every row has is checked */
  runs = ink_ledger_list (root, NULL);
  for (guint i = 0; i < runs->len; i++)
    {
      const InkLedgerRun *r = g_ptr_array_index (runs, i);

      if (r->id == NULL || r->dir == NULL)
        abort ();
      for (guint j = 0; r->history != NULL && j < r->history->len; j++)
        if (g_array_index (r->history, InkEpochRecord, j).epoch == 0)
          abort ();
    }
  return 0;
}
