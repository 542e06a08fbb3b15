/* fuzz-seeds.c
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

/* Writes the seed corpora of the fuzz harnesses, all made by the core's own
 * writers (nothing binary is kept in the source tree):
 *
 *   fuzz-seeds OUTDIR
 *
 * fills OUTDIR/<harness>/ for safetensors, model, checkpoint, experiment,
 * roundtrip, idx, idx-gz, csv, png and ledger (the folders are emptied
 * first).  The checkpoints are written by short runs on the synthetic data
 * sets of fuzz-common.h, the ones fuzz-checkpoint resumes on. */

#include "config.h"

#include <cairo.h>

#include "ink-ledger.h"
#include "ink-model.h"
#include "ink-trainer.h"
#include "fuzz-common.h"

static const char *out_dir;
static guint n_written;

static char *
harness_dir (const char *harness)
{
  char *dir = g_build_filename (out_dir, harness, NULL);

  test_remove_tree (dir);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    g_error ("cannot create %s: %s", dir, g_strerror (errno));
  return dir;
}

static void
put (const char   *harness,
     const char   *name,
     const void   *data,
     gsize         len)
{
  g_autofree char *path = g_build_filename (out_dir, harness, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, data, (gssize) len, &error))
    g_error ("%s", error->message);
  n_written++;
}

static void
put_file (const char *harness,
          const char *name,
          const char *src)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (src, &data, &len, &error))
    g_error ("%s", error->message);
  put (harness, name, data, len);
}

static GBytes *
gzip_bytes (const void *data,
            gsize       len)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (z));

  if (!g_output_stream_write_all (out, data, len, NULL, NULL, NULL) ||
      !g_output_stream_close (out, NULL, NULL))
    g_error ("gzip failed");
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

/* ---- experiments ---- */

static InkExperiment *
tiny_experiment (guint variant)
{
  InkExperiment *e = ink_experiment_new_default ();

  g_free (e->net->layers);
  e->split.kind = INK_SPLIT_FIXED;
  e->split.n_train = 80;
  e->split.n_valid = 40;
  e->epochs = 2;
  e->batch_size = 20;
  e->seed = 7 + variant;
  switch (variant)
    {
    case 0:   /* softmax + cross-entropy, SGD */
      e->net->n_layers = 2;
      e->net->layers = g_new0 (InkLayerSpec, 2);
      e->net->layers[0] = (InkLayerSpec) { 6, INK_ACT_RELU, 0.0f };
      e->net->layers[1] = (InkLayerSpec) { 10, INK_ACT_SOFTMAX, 0.0f };
      break;
    case 1:   /* two hidden layers, dropout, Adam (two state buffers), standardized */
      e->net->n_layers = 3;
      e->net->layers = g_new0 (InkLayerSpec, 3);
      e->net->layers[0] = (InkLayerSpec) { 5, INK_ACT_TANH, 0.2f };
      e->net->layers[1] = (InkLayerSpec) { 4, INK_ACT_LEAKY_RELU, 0.1f };
      e->net->layers[2] = (InkLayerSpec) { 10, INK_ACT_SOFTMAX, 0.0f };
      e->net->input_dropout = 0.1f;
      e->normalization = INK_NORM_STANDARDIZE;
      ink_optimizer_spec_defaults (&e->optimizer, INK_OPT_ADAM);
      e->early_stopping = INK_EARLY_NO_IMPROVEMENT;
      e->stop_epochs = 2;
      break;
    default:  /* MSE with a sigmoid output, Nesterov, random split, patience */
      e->net->n_layers = 2;
      e->net->layers = g_new0 (InkLayerSpec, 2);
      e->net->layers[0] = (InkLayerSpec) { 3, INK_ACT_SIGMOID, 0.0f };
      e->net->layers[1] = (InkLayerSpec) { 10, INK_ACT_SIGMOID, 0.0f };
      e->net->loss = INK_LOSS_MSE;
      e->normalization = INK_NORM_MINMAX;
      e->split.kind = INK_SPLIT_RANDOM;
      e->split.valid_fraction = 0.25;
      ink_optimizer_spec_defaults (&e->optimizer, INK_OPT_NESTEROV);
      e->early_stopping = INK_EARLY_PATIENCE;
      e->patience = 8;
      break;
    }
  return e;
}

static void
experiment_seeds (void)
{
  g_auto(GStrv) presets = ink_experiment_list_presets ();
  g_autoptr(InkExperiment) def = ink_experiment_new_default ();

  for (guint i = 0; presets[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkExperiment) e = ink_experiment_preset (presets[i], &error);
      g_autofree char *compact = NULL, *pretty = NULL, *cname = NULL, *pname = NULL;

      if (e == NULL)
        g_error ("preset %s: %s", presets[i], error->message);
      compact = ink_experiment_to_json (e, FALSE);
      pretty = ink_experiment_to_json (e, TRUE);
      cname = g_strdup_printf ("%s.json", presets[i]);
      pname = g_strdup_printf ("%s-pretty.json", presets[i]);
      put ("experiment", pname, pretty, strlen (pretty));
      put ("roundtrip", cname, compact, strlen (compact));
    }
  for (guint v = 0; v < 3; v++)
    {
      g_autoptr(InkExperiment) e = tiny_experiment (v);
      g_autofree char *json = ink_experiment_to_json (e, FALSE);
      g_autofree char *name = g_strdup_printf ("tiny-%u.json", v);

      put ("experiment", name, json, strlen (json));
      put ("roundtrip", name, json, strlen (json));
    }
  {
    g_autofree char *json = ink_experiment_to_json (def, FALSE);

    put ("experiment", "default.json", json, strlen (json));
    put ("roundtrip", "default.json", json, strlen (json));
  }
}

/* ---- models, checkpoints, ledger ---- */

static void
model_seeds (const InkDataset *train, const char *scratch)
{
  for (guint v = 0; v < 3; v++)
    {
      g_autoptr(InkExperiment) e = tiny_experiment (v);
      g_autoptr(GError) error = NULL;
      g_autofree float *params = NULL;
      g_autofree char *path = g_strdup_printf ("%s/model-%u.safetensors", scratch, v);
      g_autofree char *name = g_strdup_printf ("tiny-%u.safetensors", v);
      gsize n = ink_net_spec_n_params (e->net);
      guint32 idx[FUZZ_TRAIN_N];
      InkNorm norm;
      InkRng rng;

      for (guint i = 0; i < FUZZ_TRAIN_N; i++)
        idx[i] = i;
      ink_norm_fit (&norm, e->normalization, train, idx, FUZZ_TRAIN_N);
      ink_rng_init (&rng, v);
      params = g_new (float, n);
      for (gsize i = 0; i < n; i++)
        params[i] = ink_rng_uniform (&rng) - 0.5f;
      if (!ink_model_save (path, e, &norm, params, &error))
        g_error ("%s", error->message);
      put_file ("model", name, path);
      put_file ("safetensors", name, path);
    }
}

static void
checkpoint_seeds (const InkDataset *train, const InkDataset *test, const char *scratch)
{
  for (guint v = 0; v < 3; v++)
    {
      g_autoptr(InkExperiment) e = tiny_experiment (v);
      g_autoptr(InkTrainer) t = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("%s/run-%u.ckpt", scratch, v);
      g_autofree char *name = g_strdup_printf ("tiny-%u.ckpt", v);

      t = ink_trainer_new (e, train, test, &error);
      if (t == NULL)
        g_error ("%s", error->message);
      ink_trainer_set_checkpoint (t, path);
      if (!ink_trainer_run (t, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
      put_file ("checkpoint", name, path);
      put_file ("safetensors", name, path);
    }
}

static void
ledger_seed (const char *root, guint v, guint epochs, const char *status)
{
  g_autoptr(InkExperiment) e = tiny_experiment (v);
  g_autoptr(InkLedgerRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) all = g_byte_array_new ();
  const guint8 flags = 0;   /* every file from the input (fuzz-ledger.c) */
  const char *files[] = { "experiment.json", "summary.json", "history.csv" };
  g_autofree char *name = g_strdup_printf ("run-%u-%u.seed", v, epochs);

  run = ink_ledger_run_create (root, e, &error);
  if (run == NULL)
    g_error ("%s", error->message);
  for (guint k = 1; k <= epochs; k++)
    {
      InkEpochRecord r = { k, 0.5 / k, 0.8, 0.6 / k, 0.75, 0.01, 0.005, 0.01, k % 2 == 1 };

      if (!ink_ledger_run_add_epoch (run, &r, &error))
        g_error ("%s", error->message);
    }
  if (status != NULL && !ink_ledger_run_finish (run, status, "all epochs done", 0.9125, 1, &error))
    g_error ("%s", error->message);
  g_byte_array_append (all, &flags, 1);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p = g_build_filename (run->dir, files[i], NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (i > 0)
        g_byte_array_append (all, (const guint8 *) "\x1e", 1);
      if (g_file_get_contents (p, &data, &len, NULL))
        g_byte_array_append (all, (const guint8 *) data, (guint) len);
      else if (i + 1 == G_N_ELEMENTS (files))
        g_byte_array_set_size (all, all->len - 1);   /* absent: no separator */
    }
  put ("ledger", name, all->data, all->len);

  /* one file from the input, the others valid (flags 1 = valid, 0 = input) */
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p = g_build_filename (run->dir, files[i], NULL);
      g_autofree char *data = NULL;
      g_autofree char *one = g_strdup_printf ("run-%u-%u-only-%u.seed", v, epochs, i);
      g_autoptr(GByteArray) b = g_byte_array_new ();
      guint8 f = (guint8) (0x15 & ~(3u << (2 * i)));
      gsize len = 0;

      if (!g_file_get_contents (p, &data, &len, NULL))
        continue;
      g_byte_array_append (b, &f, 1);
      g_byte_array_append (b, (const guint8 *) data, (guint) len);
      put ("ledger", one, b->data, b->len);
    }
}

/* ---- data sets ---- */

static void
idx_seeds (const InkDataset *train, const char *scratch)
{
  static const guint shapes[][3] = { { 3, 28, 28 }, { 2, 5, 7 }, { 1, 1, 1 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      g_autoptr(InkDataset) ds = g_new0 (InkDataset, 1);
      g_autofree char *ipath = NULL, *lpath = NULL, *idata = NULL, *ldata = NULL;
      g_autofree guint8 *pair = NULL, *gz_pair = NULL, *flagged = NULL;
      g_autofree char *name = g_strdup_printf ("%ux%ux%u.idx", shapes[s][0], shapes[s][1], shapes[s][2]);
      g_autoptr(GBytes) igz = NULL, lgz = NULL;
      gsize ilen, llen, len, gz_len;

      ds->n = shapes[s][0];
      ds->rows = shapes[s][1];
      ds->cols = shapes[s][2];
      ds->images = g_malloc ((gsize) ds->n * ds->rows * ds->cols);
      ds->labels = g_malloc (ds->n);
      for (gsize i = 0; i < (gsize) ds->n * ds->rows * ds->cols; i++)
        ds->images[i] = train->images[i % ((gsize) FUZZ_TRAIN_N * 784)];
      for (guint i = 0; i < ds->n; i++)
        ds->labels[i] = train->labels[i];
      test_write_idx_pair (scratch, "seed", ds);
      ipath = g_build_filename (scratch, "seed-images-idx3-ubyte", NULL);
      lpath = g_build_filename (scratch, "seed-labels-idx1-ubyte", NULL);
      if (!g_file_get_contents (ipath, &idata, &ilen, NULL) ||
          !g_file_get_contents (lpath, &ldata, &llen, NULL))
        g_error ("cannot read back %s", ipath);

      /* raw */
      pair = fuzz_join_pair ((guint8 *) idata, ilen, (guint8 *) ldata, llen, &len);
      put ("idx", name, pair, len);

      /* gzip: streams as they are (flags 0), and raw files the harness
       * compresses (flags 3) */
      igz = gzip_bytes (idata, ilen);
      lgz = gzip_bytes (ldata, llen);
      gz_pair = fuzz_join_pair (g_bytes_get_data (igz, NULL), g_bytes_get_size (igz),
                                g_bytes_get_data (lgz, NULL), g_bytes_get_size (lgz), &gz_len);
      flagged = g_malloc (gz_len + 1);
      flagged[0] = 0;
      memcpy (flagged + 1, gz_pair, gz_len);
      g_free (name);
      name = g_strdup_printf ("%ux%ux%u-gz.idx", shapes[s][0], shapes[s][1], shapes[s][2]);
      put ("idx-gz", name, flagged, gz_len + 1);
      g_free (flagged);
      flagged = g_malloc (len + 1);
      flagged[0] = 3;
      memcpy (flagged + 1, pair, len);
      g_free (name);
      name = g_strdup_printf ("%ux%ux%u-raw.idx", shapes[s][0], shapes[s][1], shapes[s][2]);
      put ("idx-gz", name, flagged, len + 1);
    }
}

static void
csv_seeds (const InkDataset *train)
{
  for (guint variant = 0; variant < 3; variant++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      guint side = variant == 2 ? 4 : 28;
      g_autoptr(GBytes) gz = NULL;
      g_autofree char *name = g_strdup_printf ("set-%u.csv", variant);

      if (variant != 1)
        {
          g_string_append (s, "label");
          for (guint p = 0; p < side * side; p++)
            g_string_append_printf (s, ",pixel%u", p);
          g_string_append_c (s, '\n');
        }
      for (guint i = 0; i < 3; i++)
        {
          g_string_append_printf (s, "%u", train->labels[i]);
          for (guint p = 0; p < side * side; p++)
            g_string_append_printf (s, ",%u", train->images[(gsize) i * 784 + p]);
          g_string_append (s, variant == 1 ? "\r\n" : "\n");
        }
      put ("csv", name, s->str, s->len);
      if (variant == 0)
        {
          gz = gzip_bytes (s->str, s->len);
          put ("csv", "set-0.csv.gz", g_bytes_get_data (gz, NULL), g_bytes_get_size (gz));
        }
    }
}

static cairo_status_t
append_png (void *closure, const unsigned char *data, unsigned int len)
{
  g_byte_array_append (closure, data, len);
  return CAIRO_STATUS_SUCCESS;
}

static void
png_seeds (void)
{
  static const struct { cairo_format_t format; int w, h; gboolean paper; } kinds[] = {
    { CAIRO_FORMAT_RGB24, 28, 28, TRUE },    /* dark ink on white paper */
    { CAIRO_FORMAT_ARGB32, 40, 60, FALSE },  /* strokes on transparency */
    { CAIRO_FORMAT_A8, 20, 20, FALSE },      /* grey */
    { CAIRO_FORMAT_RGB24, 9, 3, FALSE },     /* light ink on black, wide */
  };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      cairo_surface_t *s = cairo_image_surface_create (kinds[k].format, kinds[k].w, kinds[k].h);
      cairo_t *cr = cairo_create (s);
      g_autoptr(GByteArray) png = g_byte_array_new ();
      g_autofree char *name = g_strdup_printf ("digit-%u.png", k);
      double w = kinds[k].w, h = kinds[k].h;

      cairo_set_source_rgb (cr, kinds[k].paper ? 1 : 0, kinds[k].paper ? 1 : 0, kinds[k].paper ? 1 : 0);
      if (kinds[k].format != CAIRO_FORMAT_ARGB32)
        cairo_paint (cr);
      /* a "7" */
      cairo_set_source_rgba (cr, kinds[k].paper ? 0 : 1, kinds[k].paper ? 0 : 1, kinds[k].paper ? 0 : 1, 1);
      cairo_set_line_width (cr, MAX (1.0, w / 8));
      cairo_move_to (cr, w * 0.25, h * 0.2);
      cairo_line_to (cr, w * 0.75, h * 0.2);
      cairo_line_to (cr, w * 0.4, h * 0.85);
      cairo_stroke (cr);
      cairo_destroy (cr);
      if (cairo_surface_write_to_png_stream (s, append_png, png) != CAIRO_STATUS_SUCCESS)
        g_error ("cannot write a PNG");
      cairo_surface_destroy (s);
      put ("png", name, png->data, png->len);
    }
}

int
main (int argc, char **argv)
{
  static const char *const harnesses[] = {
    "safetensors", "model", "checkpoint", "experiment", "roundtrip",
    "idx", "idx-gz", "csv", "png", "ledger",
  };
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  g_autofree char *scratch = NULL;
  g_autofree char *ledger_root = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s OUTDIR\n", argv[0]);
      return 2;
    }
  out_dir = argv[1];
  for (guint i = 0; i < G_N_ELEMENTS (harnesses); i++)
    g_free (harness_dir (harnesses[i]));
  scratch = g_dir_make_tmp ("ink-fuzz-seeds-XXXXXX", NULL);
  ledger_root = g_build_filename (scratch, "runs", NULL);

  train = test_synthetic_dataset (FUZZ_TRAIN_N, FUZZ_TRAIN_SEED);
  test = test_synthetic_dataset (FUZZ_TEST_N, FUZZ_TEST_SEED);
  experiment_seeds ();
  model_seeds (train, scratch);
  checkpoint_seeds (train, test, scratch);
  ledger_seed (ledger_root, 0, 2, "completed");
  ledger_seed (ledger_root, 1, 1, "stopped by the user");
  ledger_seed (ledger_root, 2, 0, NULL);
  idx_seeds (train, scratch);
  csv_seeds (train);
  png_seeds ();

  /* a container with metadata and no tensors, and one with a scalar, a
   * 3-d tensor and an empty one */
  {
    g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
    g_autofree char *path = g_build_filename (scratch, "odd.safetensors", NULL);
    g_autoptr(GError) error = NULL;
    const gint64 s3[3] = { 2, 1, 3 }, s0[1] = { 0 };
    const float v[6] = { 1, -2, 0.5f, 1e-30f, 3e38f, -0.0f };

    ink_tensor_file_set_meta (tf, "format", "pt");
    if (!ink_safetensors_save (tf, path, &error))
      g_error ("%s", error->message);
    put_file ("safetensors", "metadata-only.safetensors", path);
    ink_tensor_file_add (tf, "scalar", 0, NULL, v);
    ink_tensor_file_add (tf, "cube", 3, s3, v);
    ink_tensor_file_add (tf, "empty", 1, s0, v);
    if (!ink_safetensors_save (tf, path, &error))
      g_error ("%s", error->message);
    put_file ("safetensors", "shapes.safetensors", path);
  }

  test_remove_tree (scratch);
  printf ("fuzz-seeds: %u seeds in %s\n", n_written, out_dir);
  return 0;
}
