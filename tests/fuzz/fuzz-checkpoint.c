/* fuzz-checkpoint.c
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

/* The .ckpt resume file, read the way `train --resume` reads it: the
 * experiment it stores (ink_checkpoint_experiment), then, when that network
 * is small, a trainer built for it on a small synthetic data set restores
 * the weights, optimizer state, RNG and history (ink_trainer_resume).
 * fuzz-seeds writes its checkpoints on the same data, so the data
 * fingerprint of a seed matches and the resume goes all the way. */

#include "config.h"

#include "ink-trainer.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* Larger (valid) experiments are not built: what a trainer allocates for a
 * big network or batch is not the checkpoint reader's business. */
#define MAX_PARAMS  (1u << 20)
#define MAX_BATCH   256u

static InkDataset *train_set, *test_set;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  train_set = test_synthetic_dataset (FUZZ_TRAIN_N, FUZZ_TRAIN_SEED);
  test_set = test_synthetic_dataset (FUZZ_TEST_N, FUZZ_TEST_SEED);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(InkExperiment) exp = NULL;
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = fuzz_file ("run.ckpt", data, size);
  guint n;

  exp = ink_checkpoint_experiment (path, &error);
  if (exp == NULL)
    {
      if (error == NULL || strstr (error->message, "run.ckpt") == NULL)
        {
          fprintf (stderr, "fuzz-checkpoint: refused without naming the file: %s\n",
                   error ? error->message : "(no error)");
          abort ();
        }
      return 0;
    }
  if (ink_net_spec_n_params (exp->net) > MAX_PARAMS || exp->batch_size > MAX_BATCH ||
      exp->net->n_inputs != 784)
    return 0;
  /* the synthetic set is small: a stored split that needs more images is
   * refused by the trainer, the fuzzer's seeds fit */
  g_free (exp->device);
  exp->device = g_strdup ("cpu");
  t = ink_trainer_new (exp, train_set, test_set, &error);
  if (t == NULL)
    return 0;
  if (!ink_trainer_resume (t, path, &error))
    {
      if (error == NULL || strstr (error->message, "run.ckpt") == NULL)
        {
          fprintf (stderr, "fuzz-checkpoint: resume refused without naming the file: %s\n",
                   error ? error->message : "(no error)");
          abort ();
        }
      return 0;
    }
  (void) ink_trainer_history (t, &n);
  (void) ink_trainer_best_epoch (t);
  return 0;
}
