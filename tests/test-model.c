/* test-model.c
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

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ink-evaluate.h"
#include "ink-model.h"
#include "ink-save.h"
#include "test-util.h"
#include "ink-rng.h"

/* Model files: what the saved file holds (names, shapes, PyTorch layout,
 * metadata) and what the loader refuses beyond the safetensors checks. */

static InkExperiment *
tiny_experiment (void)
{
  InkExperiment *e = ink_experiment_new_default ();
  e->net->layers[0].units = 5;
  return e;
}

static char *
tmp_path (const char *name)
{
  static char *dir = NULL;
  if (dir == NULL)
    dir = g_dir_make_tmp ("ink-model-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

/* a model file whose weights are not numbers is damaged: refused, naming
 * the layer (Inkling never saves one) */
static void
test_nan_weights_refused (void)
{
  g_autoptr(InkExperiment) e = tiny_experiment ();
  gsize n = ink_net_spec_n_params (e->net);
  g_autofree float *p = g_new0 (float, n);
  g_autofree char *path = tmp_path ("nan.safetensors");
  g_autoptr(GError) error = NULL;
  InkNorm norm = { INK_NORM_SCALE, 0, 1, 0, 255, { 1.0f / 255.0f, 0.0f } };
  InkModel *m;

  /* the writer refuses them */
  p[n - 1] = NAN;
  g_assert_false (ink_model_save (path, e, &norm, p, &error));
  g_assert_nonnull (strstr (error->message, "not all numbers"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* a file changed afterwards: the loader refuses it */
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(InkTensorFile) tf = NULL;
      InkTensor *t;

      p[n - 1] = 0.0f;
      g_assert_true (ink_model_save (path, e, &norm, p, &error));
      tf = ink_safetensors_load (path, &error);
      g_assert_no_error (error);
      t = ink_tensor_file_lookup (tf, k == 0 ? "layers.1.bias" : "layers.0.weight");
      t->data[k == 0 ? t->shape[0] - 1 : 3] = k == 0 ? NAN : -INFINITY;
      g_assert_true (ink_safetensors_save (tf, path, &error));
      m = ink_model_load (path, &error);
      g_assert_null (m);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, k == 0 ? "layer 2" : "layer 1"));
      g_assert_nonnull (strstr (error->message, "NaN"));
      g_clear_error (&error);
    }
  g_unlink (path);
}

/* strict loading, as PyTorch's: a model file holding a tensor the
 * network does not use is refused, naming the tensor; the same file
 * without it loads */
static void
test_extra_tensor_refused (void)
{
  static const char * const extra[] = { "layers.2.weight", "layers.0.running_mean", "best.layers.0.weight" };
  g_autoptr(InkExperiment) e = tiny_experiment ();
  gsize n = ink_net_spec_n_params (e->net);
  g_autofree float *p = g_new0 (float, n);
  g_autofree char *path = tmp_path ("extra.safetensors");
  InkNorm norm = { INK_NORM_SCALE, 0, 1, 0, 255, { 1.0f / 255.0f, 0.0f } };

  for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkTensorFile) tf = NULL;
      g_autoptr(InkModel) m = NULL;
      gint64 shape[2] = { 2, 2 };
      float v[4] = { 0 };

      g_assert_true (ink_model_save (path, e, &norm, p, &error));
      m = ink_model_load (path, &error);
      g_assert_no_error (error);
      g_clear_pointer (&m, ink_model_free);

      tf = ink_safetensors_load (path, &error);
      g_assert_no_error (error);
      ink_tensor_file_add (tf, extra[i], 2, shape, v);
      g_assert_true (ink_safetensors_save (tf, path, &error));
      m = ink_model_load (path, &error);
      g_assert_null (m);
      g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_HEADER);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "extra.safetensors: "));
      g_assert_nonnull (strstr (error->message, extra[i]));
      g_assert_nonnull (strstr (error->message, "does not use"));
    }
  g_unlink (path);
}

static void
test_round_trip (void)
{
  g_autoptr(InkExperiment) e = tiny_experiment ();
  gsize n = ink_net_spec_n_params (e->net);
  g_autofree float *p = g_new (float, n);
  g_autofree char *path = tmp_path ("m.safetensors");
  g_autoptr(InkModel) m = NULL;
  g_autoptr(InkTensorFile) tf = NULL;
  g_autoptr(GError) error = NULL;
  InkNorm norm = { INK_NORM_STANDARDIZE, 33.3, 78.5, 0, 255, { 1.0f / 78.5f, -33.3f / 78.5f } };
  InkRng rng;
  InkTensor *w0;

  ink_rng_init (&rng, 3);
  for (gsize i = 0; i < n; i++)
    p[i] = ink_rng_uniform (&rng) - 0.5f;
  g_assert_true (ink_model_save (path, e, &norm, p, &error));
  g_assert_no_error (error);

  m = ink_model_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (m->n_params, ==, n);
  g_assert_cmpmem (m->params, n * sizeof (float), p, n * sizeof (float));
  g_assert_cmpint (m->norm.kind, ==, INK_NORM_STANDARDIZE);
  g_assert_cmpfloat (m->norm.affine.scale, ==, norm.affine.scale);
  g_assert_cmpfloat (m->norm.affine.shift, ==, norm.affine.shift);
  g_assert_cmpint (m->experiment->net->layers[0].units, ==, 5);

  /* PyTorch nn.Linear layout: layers.0.weight is [out, in] = [5, 784],
   * stored row after row, exactly the network's own layout */
  tf = ink_safetensors_load (path, &error);
  g_assert_no_error (error);
  w0 = ink_tensor_file_lookup (tf, "layers.0.weight");
  g_assert_nonnull (w0);
  g_assert_cmpuint (w0->n_dims, ==, 2);
  g_assert_cmpint (w0->shape[0], ==, 5);
  g_assert_cmpint (w0->shape[1], ==, 784);
  g_assert_cmpfloat (w0->data[784 + 2], ==, p[784 + 2]);   /* row 1, column 2 */
  g_assert_nonnull (ink_tensor_file_lookup (tf, "layers.0.bias"));
  g_assert_nonnull (ink_tensor_file_lookup (tf, "layers.1.weight"));
  g_assert_nonnull (ink_tensor_file_lookup (tf, "layers.1.bias"));
  g_assert_cmpstr (ink_tensor_file_get_meta (tf, "format"), ==, "pt");
  g_assert_nonnull (ink_tensor_file_get_meta (tf, "inkling.experiment"));
  g_unlink (path);
}

static void
save_with (const char *path, void (*mangle) (InkTensorFile *tf))
{
  g_autoptr(InkExperiment) e = tiny_experiment ();
  g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
  g_autofree float *p = g_new0 (float, ink_net_spec_n_params (e->net));
  g_autofree char *json = ink_experiment_to_json (e, FALSE);
  InkNorm norm = { INK_NORM_SCALE, 0, 1, 0, 255, { 1.0f / 255, 0 } };
  g_autofree char *norm_json = ink_norm_to_json (&norm);

  ink_model_add_tensors (tf, e->net, "", p);
  ink_tensor_file_set_meta (tf, "inkling.experiment", json);
  ink_tensor_file_set_meta (tf, "inkling.normalization", norm_json);
  mangle (tf);
  g_assert_true (ink_safetensors_save (tf, path, NULL));
}

static void
drop_metadata (InkTensorFile *tf)
{
  ink_tensor_file_set_meta (tf, "inkling.experiment", NULL);
}

static void
bad_experiment (InkTensorFile *tf)
{
  ink_tensor_file_set_meta (tf, "inkling.experiment", "{\"network\": {\"layers\": [{\"units\": 0}]}}");
}

static void
bad_norm (InkTensorFile *tf)
{
  ink_tensor_file_set_meta (tf, "inkling.normalization", "{\"kind\": \"scale\"}");
}

static void
wrong_shape (InkTensorFile *tf)
{
  /* the experiment says 5 hidden units; store a bias of 6 under a new file */
  g_ptr_array_remove_index (tf->tensors, 1);
  {
    gint64 shape[1] = { 6 };
    float zeros[6] = { 0 };
    ink_tensor_file_add (tf, "layers.0.bias", 1, shape, zeros);
  }
}

static void
missing_tensor (InkTensorFile *tf)
{
  g_ptr_array_remove_index (tf->tensors, 3);
}

typedef struct
{
  const char *name;
  void (*mangle) (InkTensorFile *tf);
  int code;
  const char *needle;
} BadModel;

static const BadModel bad_models[] = {
  { "no-metadata", drop_metadata, INK_SAFETENSORS_ERROR_MISSING, "not an Inkling model" },
  { "bad-experiment", bad_experiment, INK_SAFETENSORS_ERROR_HEADER, "experiment" },
  { "bad-normalization", bad_norm, INK_SAFETENSORS_ERROR_HEADER, "normalization" },
  { "wrong-shape", wrong_shape, INK_SAFETENSORS_ERROR_MISSING, "layers.0.bias" },
  { "missing-tensor", missing_tensor, INK_SAFETENSORS_ERROR_MISSING, "layers.1.bias" },
};

static void
test_bad (gconstpointer data)
{
  const BadModel *c = data;
  g_autofree char *name = g_strdup_printf ("%s.safetensors", c->name);
  g_autofree char *path = tmp_path (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(InkModel) m = NULL;

  save_with (path, c->mangle);
  m = ink_model_load (path, &error);
  g_assert_null (m);
  g_assert_error (error, INK_SAFETENSORS_ERROR, c->code);
  if (!strstr (error->message, c->needle) || !strstr (error->message, name))
    g_error ("message “%s” should name %s and mention “%s”", error->message, name, c->needle);
  g_unlink (path);
}

static void
test_not_a_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InkModel) m = ink_model_load ("/nonexistent/model.safetensors", &error);
  g_assert_null (m);
  g_assert_nonnull (error);
}

/* ink_save_file: replaces the file a symbolic link points to and keeps the
 * link; writes straight into a device (renaming over /dev/stdout as root
 * once replaced it with a plain file); refuses a folder; a failed save
 * leaves the old file as it was. */
static void
test_save_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("inkling-save-XXXXXX", NULL);
  g_autofree char *real = g_build_filename (dir, "real.json", NULL);
  g_autofree char *link = g_build_filename (dir, "link.json", NULL);
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "file", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (ink_save_file (real, "old", 3, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("real.json", link), ==, 0);
  g_assert_true (ink_save_file (link, "new", 3, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (real, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "new");
  g_clear_pointer (&text, g_free);

  /* a character device: written into, still a device afterwards */
  g_assert_true (ink_save_file ("/dev/null", "x", 1, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test ("/dev/null", G_FILE_TEST_EXISTS) &&
                 !g_file_test ("/dev/null", G_FILE_TEST_IS_REGULAR));

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_false (ink_save_file (sub, "x", 1, FALSE, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_assert_nonnull (strstr (error->message, "folder"));
  g_clear_error (&error);

  g_assert_false (ink_save_file (missing, "x", 1, FALSE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (ink_save_file ("", "x", 1, FALSE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* the target is intact after the failures */
  g_assert_true (g_file_get_contents (real, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "new");
  g_clear_pointer (&text, g_free);

  /* reading: through the link, within the limit; a device, a FIFO (which
   * would block) and a folder are refused at once, and so is a file over
   * the limit */
  {
    g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
    gsize len = 0;

    g_assert_true (ink_read_file (link, 3, &text, &len, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (text, ==, "new");
    g_assert_cmpuint (len, ==, 3);
    g_clear_pointer (&text, g_free);
    g_assert_false (ink_read_file (real, 2, &text, &len, &error));
    g_assert_nonnull (strstr (error->message, "more than the 2"));
    g_clear_error (&error);
    g_assert_false (ink_read_file ("/dev/zero", 1024, &text, &len, &error));
    g_assert_nonnull (strstr (error->message, "not a regular file"));
    g_clear_error (&error);
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    g_assert_false (ink_read_file (fifo, 1024, &text, &len, &error));
    g_assert_nonnull (strstr (error->message, "not a regular file"));
    g_clear_error (&error);
    g_assert_false (ink_read_file (sub, 1024, &text, &len, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
    g_clear_error (&error);
    g_assert_false (ink_read_file (missing, 1024, &text, &len, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error (&error);
    g_assert_null (text);
  }
  test_remove_tree (dir);
}


/* A 1 KB model whose experiment claims 2.1 billion parameters (8.5 GB)
 * and that holds no tensor: refused before anything is allocated for the
 * claim (it used to allocate 8.5 GB first, then look for the tensors). */
static void
test_claims_huge_network (void)
{
  g_autofree char *path = tmp_path ("claims-huge.safetensors");

  if (g_test_subprocess ())
    {
      g_autoptr(InkExperiment) e = tiny_experiment ();
      g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
      g_autofree char *json = NULL;
      InkNorm norm = { INK_NORM_SCALE, 0, 1, 0, 255, { 1.0f / 255, 0 } };
      g_autofree char *norm_json = ink_norm_to_json (&norm);
      g_autoptr(GError) error = NULL;
      g_autoptr(InkModel) m = NULL;
      InkLayerSpec *layers = g_new0 (InkLayerSpec, 3);
      GStatBuf st;

      layers[0] = e->net->layers[0];
      layers[0].units = 32000;
      layers[1] = layers[0];
      layers[1].units = 65536;
      layers[2] = e->net->layers[e->net->n_layers - 1];
      g_free (e->net->layers);
      e->net->layers = layers;
      e->net->n_layers = 3;
      g_assert_cmpuint (ink_net_spec_n_params (e->net), >, 2000000000u);
      json = ink_experiment_to_json (e, FALSE);
      ink_tensor_file_set_meta (tf, "inkling.experiment", json);
      ink_tensor_file_set_meta (tf, "inkling.normalization", norm_json);
      g_assert_true (ink_safetensors_save (tf, path, NULL));
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_size, <, 4096);

      test_limit_memory (512u * 1024 * 1024);
      m = ink_model_load (path, &error);
      g_assert_null (m);
      g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING);
      g_assert_nonnull (strstr (error->message, "claims-huge.safetensors"));
      g_assert_nonnull (strstr (error->message, "layers.0.weight"));
      g_unlink (path);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* tensors present but not the ones the experiment claims: also refused
 * before allocating (the claim is 5 hidden units; the file holds 6) */
static void
test_check_tensors (void)
{
  g_autoptr(InkExperiment) e = tiny_experiment ();
  g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
  g_autofree float *p = g_new0 (float, ink_net_spec_n_params (e->net));
  g_autoptr(GError) error = NULL;

  ink_model_add_tensors (tf, e->net, "x.", p);
  g_assert_true (ink_model_check_tensors (tf, e->net, "x.", &error));
  g_assert_no_error (error);
  g_assert_false (ink_model_check_tensors (tf, e->net, "y.", &error));
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING);
  g_clear_error (&error);
  e->net->layers[0].units = 6;
  g_assert_false (ink_model_get_tensors (tf, e->net, "x.", p, &error));
  g_assert_error (error, INK_SAFETENSORS_ERROR, INK_SAFETENSORS_ERROR_MISSING);
}

/* ink_evaluate_dataset gives what the loop over ink_network_predict in
 * batches of INK_EVAL_BATCH gave, with or without the per-image outputs,
 * and stops when cancelled */
static void
test_evaluate_dataset (void)
{
  g_autoptr(InkExperiment) e = tiny_experiment ();
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  InkDataset ds = { 1234, 28, 28, NULL, NULL };
  InkNorm norm = { 0 };
  InkMetrics want, got, got_no_probs;
  g_autofree float *params = NULL, *x = NULL, *want_probs = NULL, *probs = NULL;
  gsize dim = 28 * 28;
  InkRng rng;

  ink_rng_init (&rng, 11);
  ds.images = g_new (guint8, ds.n * dim);
  ds.labels = g_new (guint8, ds.n);
  for (gsize i = 0; i < ds.n * dim; i++)
    ds.images[i] = (guint8) ink_rng_below (&rng, 256);
  for (guint i = 0; i < ds.n; i++)
    ds.labels[i] = (guint8) ink_rng_below (&rng, 10);
  ink_norm_fit (&norm, INK_NORM_STANDARDIZE, &ds, NULL, ds.n);

  net = ink_network_new (e->net, be, INK_EVAL_BATCH, &error);
  g_assert_no_error (error);
  params = g_new (float, net->n_params);
  for (gsize i = 0; i < net->n_params; i++)
    params[i] = 0.1f * (ink_rng_uniform (&rng) - 0.5f);
  ink_network_set_params (net, params);

  /* what the Evaluate page and the CLI computed by hand */
  x = g_new (float, INK_EVAL_BATCH * dim);
  want_probs = g_new (float, ds.n * 10);
  ink_metrics_init (&want, 10);
  for (guint off = 0; off < ds.n; off += INK_EVAL_BATCH)
    {
      guint rows = MIN (INK_EVAL_BATCH, ds.n - off);

      ink_norm_apply (&norm, ds.images + off * dim, x, rows * dim);
      ink_network_predict (net, x, (int) rows, want_probs + off * 10);
      ink_metrics_add_batch (&want, want_probs + off * 10, ds.labels + off, rows);
    }

  probs = g_new (float, ds.n * 10);
  g_assert_true (ink_evaluate_dataset (net, &norm, &ds, probs, &got, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (probs, ds.n * 10 * sizeof (float), want_probs, ds.n * 10 * sizeof (float));
  g_assert_cmpmem (&got, sizeof got, &want, sizeof want);

  g_assert_true (ink_evaluate_dataset (net, &norm, &ds, NULL, &got_no_probs, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&got_no_probs, sizeof got_no_probs, &want, sizeof want);

  g_cancellable_cancel (cancelled);
  g_assert_false (ink_evaluate_dataset (net, &norm, &ds, probs, &got, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_free (ds.images);
  g_free (ds.labels);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/round-trip", test_round_trip);
  g_test_add_func ("/model/nan-weights-refused", test_nan_weights_refused);
  g_test_add_func ("/model/extra-tensor-refused", test_extra_tensor_refused);
  g_test_add_func ("/model/not-a-file", test_not_a_file);
  g_test_add_func ("/model/save-file", test_save_file);
  g_test_add_func ("/model/claims-huge-network", test_claims_huge_network);
  g_test_add_func ("/model/check-tensors", test_check_tensors);
  g_test_add_func ("/model/evaluate-dataset", test_evaluate_dataset);
  for (guint i = 0; i < G_N_ELEMENTS (bad_models); i++)
    {
      g_autofree char *path = g_strdup_printf ("/model/bad/%s", bad_models[i].name);
      g_test_add_data_func (path, &bad_models[i], test_bad);
    }
  return g_test_run ();
}
