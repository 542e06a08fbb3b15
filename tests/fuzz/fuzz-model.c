/* fuzz-model.c
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

/* A model file (safetensors + experiment and normalization metadata →
 * network), read the way info, evaluate and predict read it.  An accepted
 * model must classify (a network built on the CPU backend, one image
 * through it) and must write back: saved and loaded again it holds the
 * same experiment, normalization and parameters; anything else aborts. */

#include "config.h"

#include <math.h>

#include "ink-backend.h"
#include "ink-ledger.h"
#include "ink-model.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
classify (const InkModel *model)
{
  const InkNetSpec *spec = model->experiment->net;
  int n_in = spec->n_inputs;
  int classes = spec->layers[spec->n_layers - 1].units;
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc ((gsize) n_in * 2);
  g_autofree float *x = g_new (float, (gsize) n_in * 2);
  g_autofree float *probs = g_new (float, (gsize) classes * 2);

  net = ink_model_network (model, be, 2, &error);
  if (net == NULL)
    {
      /* the parameters are in memory already: a network of that size fits */
      fprintf (stderr, "fuzz-model: a loaded model gives no network: %s\n", error->message);
      abort ();
    }
  for (int i = 0; i < n_in * 2; i++)
    pixels[i] = (guint8) (i * 37);
  ink_norm_apply (&model->norm, pixels, x, (gsize) n_in * 2);
  ink_network_predict (net, x, 2, probs);
}

static void
write_back (const InkModel *model)
{
  const char *path = fuzz_path ("roundtrip.safetensors");
  g_autoptr(InkModel) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *diff = NULL;

  if (!ink_model_save (path, model->experiment, &model->norm, model->params, &error))
    {
      fprintf (stderr, "fuzz-model: an accepted model cannot be saved again: %s\n", error->message);
      abort ();
    }
  back = ink_model_load (path, &error);
  if (back == NULL)
    {
      fprintf (stderr, "fuzz-model: a saved model does not load: %s\n", error->message);
      abort ();
    }
  diff = fuzz_experiment_diff (model->experiment, back->experiment);
  if (*diff != '\0' || back->n_params != model->n_params ||
      memcmp (back->params, model->params, sizeof (float) * model->n_params) != 0 ||
      back->norm.kind != model->norm.kind ||
      memcmp (&back->norm.affine, &model->norm.affine, sizeof (InkAffine)) != 0)
    {
      fprintf (stderr, "fuzz-model: a saved model reads back different:\n%s\n", diff);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(InkModel) model = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = fuzz_file ("model.safetensors", data, size);

  model = ink_model_load (path, &error);
  if (model == NULL)
    {
      if (error == NULL || strstr (error->message, "model.safetensors") == NULL)
        {
          fprintf (stderr, "fuzz-model: refused without naming the file: %s\n",
                   error ? error->message : "(no error)");
          abort ();
        }
      return 0;
    }
  classify (model);
  write_back (model);
  return 0;
}
