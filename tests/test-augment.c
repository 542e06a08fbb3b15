/* test-augment.c
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

#include "ink-augment.h"
#include "ink-experiment.h"
#include "ink-trainer.h"
#include "test-util.h"

#define N 28

static void
assert_image_eq (const float *got, const guint8 *want)
{
  for (int i = 0; i < N * N; i++)
    if (got[i] != (float) want[i])
      g_error ("pixel (row %d, col %d): %g, expected %u", i / N, i % N, (double) got[i], want[i]);
}

/* a dot moved by whole pixels lands exactly there; what leaves the image is lost */
static void
test_shift (void)
{
  guint8 in[N * N] = { 0 }, want[N * N] = { 0 };
  float out[N * N];

  in[12 * N + 10] = 200;          /* row 12, column 10 */
  in[0 * N + 0] = 99;             /* shifted out of the image */
  want[11 * N + 11] = 200;        /* dx = +1 (right), dy = −1 (up) */
  ink_augment_transform (in, N, N, 1, -1, 0.0, 1.0, NULL, NULL, out);
  assert_image_eq (out, want);

  /* dx = −3, dy = +3: the corner pixel leaves through the left edge */
  memset (want, 0, sizeof want);
  want[15 * N + 7] = 200;
  ink_augment_transform (in, N, N, -3, 3, 0.0, 1.0, NULL, NULL, out);
  assert_image_eq (out, want);
}

/* An asymmetric pattern ("F" shape, distinct values) turned by 90°
 * counter-clockwise: out[r][c] = in[c][N−1−r], exactly; −90° and 180°
 * likewise, and a turn by 90° four times is the identity. */
static void
test_rotate_90 (void)
{
  guint8 in[N * N] = { 0 }, want[N * N];
  float out[N * N];

  for (int r = 5; r < 23; r++)
    in[r * N + 8] = (guint8) (100 + r);     /* the stem */
  for (int c = 8; c < 20; c++)
    in[5 * N + c] = (guint8) (30 + c);      /* the top bar */
  for (int c = 8; c < 16; c++)
    in[13 * N + c] = 250;                   /* the middle bar */
  in[27 * N + 1] = 7;                       /* a corner pixel */

  for (int r = 0; r < N; r++)
    for (int c = 0; c < N; c++)
      want[r * N + c] = in[c * N + (N - 1 - r)];
  ink_augment_transform (in, N, N, 0, 0, 90.0, 1.0, NULL, NULL, out);
  assert_image_eq (out, want);

  for (int r = 0; r < N; r++)
    for (int c = 0; c < N; c++)
      want[r * N + c] = in[(N - 1 - c) * N + r];
  ink_augment_transform (in, N, N, 0, 0, -90.0, 1.0, NULL, NULL, out);
  assert_image_eq (out, want);

  for (int r = 0; r < N; r++)
    for (int c = 0; c < N; c++)
      want[r * N + c] = in[(N - 1 - r) * N + (N - 1 - c)];
  ink_augment_transform (in, N, N, 0, 0, 180.0, 1.0, NULL, NULL, out);
  assert_image_eq (out, want);

  /* a small angle interpolates: values stay in range, the image changes */
  ink_augment_transform (in, N, N, 0, 0, 7.5, 1.0, NULL, NULL, out);
  {
    gboolean changed = FALSE;
    for (int i = 0; i < N * N; i++)
      {
        g_assert_true (out[i] >= 0.0f && out[i] <= 255.0f);
        changed |= out[i] != in[i];
      }
    g_assert_true (changed);
  }
}

/* A change of size about the centre c = 13.5: out(x) = in(c + (x − c)/k).
 * On a ramp in(r, col) = 4·col + 10 bilinear sampling is exact, so inside
 * the image the result is the ramp at the mapped column: k = 0.5 (half
 * size) reads columns 2x − 13.5, k = 2 reads x/2 + 6.75. */
static void
test_scale (void)
{
  guint8 in[N * N];
  float out[N * N];
  const double c = (N - 1) / 2.0;

  for (int r = 0; r < N; r++)
    for (int col = 0; col < N; col++)
      in[r * N + col] = (guint8) (4 * col + 10);

  ink_augment_transform (in, N, N, 0, 0, 0.0, 0.5, NULL, NULL, out);
  for (int y = 7; y <= 20; y++)
    for (int x = 7; x <= 20; x++)
      g_assert_cmpfloat (out[y * N + x], ==, (float) (4.0 * (c + (x - c) / 0.5) + 10.0));
  /* the corners read outside the image: nothing */
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat (out[N * N - 1], ==, 0.0f);

  ink_augment_transform (in, N, N, 0, 0, 0.0, 2.0, NULL, NULL, out);
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      g_assert_cmpfloat (out[y * N + x], ==, (float) (4.0 * (c + (x - c) / 2.0) + 10.0));

  /* k = 1 with a quarter turn is the quarter turn alone */
  {
    float a[N * N], b[N * N];
    ink_augment_transform (in, N, N, 1, 2, 90.0, 1.0, NULL, NULL, a);
    ink_augment_transform (in, N, N, 1, 2, 90.0, 1.0 + 1e-9, NULL, NULL, b);
    for (int i = 0; i < N * N; i++)
      g_assert_cmpfloat (a[i], ==, b[i]);
  }
}

/* the augmenter's change of size: every sample changes, the ink grows or
 * shrinks within (1 ± scale)² of the original, and both ways happen */
static void
test_scale_augmenter (void)
{
  InkAugmentSpec spec;
  g_autoptr(InkAugmenter) aug = NULL;
  guint8 in[N * N];
  float out[N * N];
  double mass = 0.0;
  guint bigger = 0, smaller = 0;

  memset (in, 0, sizeof in);
  for (int r = 8; r < 20; r++)
    for (int col = 10; col < 18; col++)
      in[r * N + col] = 200;
  for (int i = 0; i < N * N; i++)
    mass += in[i];
  ink_augment_spec_defaults (&spec);
  spec.scale = 0.2f;
  g_assert_true (ink_augment_spec_enabled (&spec));
  g_assert_false (ink_augment_spec_is_default (&spec));
  aug = ink_augmenter_new (&spec, N, N, 7);
  for (guint i = 0; i < 200; i++)
    {
      double m = 0.0;

      ink_augmenter_apply (aug, 1, i, in, out);
      for (int p = 0; p < N * N; p++)
        m += out[p];
      g_assert_cmpfloat (m / mass, >=, 0.8 * 0.8 - 0.02);
      g_assert_cmpfloat (m / mass, <=, 1.2 * 1.2 + 0.02);
      bigger += m > mass * 1.05;
      smaller += m < mass * 0.95;
    }
  g_assert_cmpuint (bigger, >, 40);
  g_assert_cmpuint (smaller, >, 40);
}

static void
digit (guint8 *img)
{
  memset (img, 0, N * N);
  for (int r = 6; r < 22; r++)
    for (int c = 10; c < 18; c++)
      img[r * N + c] = (guint8) ((r * 37 + c * 11) % 256);
}

/* elastic with α = 0 (zero displacement fields) is the identity */
static void
test_elastic_identity (void)
{
  InkAugmentSpec spec;
  guint8 in[N * N];
  float zero[N * N] = { 0 }, out[N * N];
  g_autoptr(InkAugmenter) aug = NULL;

  digit (in);
  ink_augment_transform (in, N, N, 0, 0, 0.0, 1.0, zero, zero, out);
  assert_image_eq (out, in);

  ink_augment_spec_defaults (&spec);
  spec.elastic_alpha = 0.0f;
  spec.elastic_sigma = 4.0f;
  g_assert_false (ink_augment_spec_enabled (&spec));
  aug = ink_augmenter_new (&spec, N, N, 1);
  ink_augmenter_apply (aug, 1, 5, in, out);
  assert_image_eq (out, in);

  /* α > 0 does move pixels, and keeps them in range */
  g_clear_pointer (&aug, ink_augmenter_free);
  spec.elastic_alpha = 34.0f;
  aug = ink_augmenter_new (&spec, N, N, 1);
  ink_augmenter_apply (aug, 1, 5, in, out);
  {
    gboolean changed = FALSE;
    for (int i = 0; i < N * N; i++)
      {
        g_assert_true (out[i] >= 0.0f && out[i] <= 255.0f);
        changed |= out[i] != in[i];
      }
    g_assert_true (changed);
  }
}

static InkAugmentSpec
full_spec (void)
{
  InkAugmentSpec s;
  ink_augment_spec_defaults (&s);
  s.shift = 2;
  s.rotate = 15.0f;
  s.scale = 0.1f;
  s.elastic_alpha = 8.0f;
  s.elastic_sigma = 3.0f;
  return s;
}

/* same (seed, epoch, index) → same image, whatever came before; another
 * seed, epoch or index → another image */
static void
test_deterministic (void)
{
  InkAugmentSpec spec = full_spec ();
  g_autoptr(InkAugmenter) a = ink_augmenter_new (&spec, N, N, 42);
  g_autoptr(InkAugmenter) b = ink_augmenter_new (&spec, N, N, 42);
  g_autoptr(InkAugmenter) c = ink_augmenter_new (&spec, N, N, 43);
  guint8 in[N * N], oa[N * N], ob[N * N], oc[N * N];

  digit (in);
  ink_augmenter_apply_u8 (a, 3, 17, in, oa);
  ink_augmenter_apply_u8 (b, 9, 4, in, ob);   /* another sample first */
  ink_augmenter_apply_u8 (b, 3, 17, in, ob);
  g_assert_true (memcmp (oa, ob, sizeof oa) == 0);
  g_assert_false (memcmp (oa, in, sizeof oa) == 0);

  ink_augmenter_apply_u8 (c, 3, 17, in, oc);
  g_assert_false (memcmp (oa, oc, sizeof oa) == 0);
  ink_augmenter_apply_u8 (a, 4, 17, in, oc);
  g_assert_false (memcmp (oa, oc, sizeof oa) == 0);
  ink_augmenter_apply_u8 (a, 3, 18, in, oc);
  g_assert_false (memcmp (oa, oc, sizeof oa) == 0);
}

/* probability: 0 changes nothing; 0.5 changes about half the samples */
static void
test_probability (void)
{
  InkAugmentSpec spec = full_spec ();
  g_autoptr(InkAugmenter) aug = NULL;
  guint8 in[N * N], out[N * N];
  guint changed = 0;

  digit (in);
  spec.probability = 0.0f;
  g_assert_false (ink_augment_spec_enabled (&spec));
  aug = ink_augmenter_new (&spec, N, N, 1);
  for (guint i = 0; i < 50; i++)
    {
      ink_augmenter_apply_u8 (aug, 1, i, in, out);
      g_assert_true (memcmp (in, out, sizeof in) == 0);
    }
  g_clear_pointer (&aug, ink_augmenter_free);
  spec.probability = 0.5f;
  aug = ink_augmenter_new (&spec, N, N, 1);
  for (guint i = 0; i < 400; i++)
    {
      ink_augmenter_apply_u8 (aug, 1, i, in, out);
      changed += memcmp (in, out, sizeof in) != 0;
    }
  g_assert_cmpuint (changed, >, 150);
  g_assert_cmpuint (changed, <, 250);
}

/* ------------------------------------------------------------------------ */
/* the experiment schema                                                     */

static void
test_json_round_trip (void)
{
  static const char *json =
    "{ \"network\": { \"layers\": [ { \"units\": 50, \"activation\": \"sigmoid\" },"
    "                               { \"units\": 40, \"activation\": \"sigmoid\" },"
    "                               { \"units\": 10 } ] },"
    "  \"augmentation\": { \"shift\": 1, \"rotate\": 10.0, \"scale\": 0.15, \"elastic_alpha\": 34, \"elastic_sigma\": 4, \"probability\": 0.5 },"
    "  \"pretraining\": { \"epochs\": [3, 2], \"lr\": 0.05, \"decay\": 0.9, \"momentum\": 0.5,"
    "                     \"weight_decay\": 0.0002, \"cd_k\": 2, \"batch_size\": 32 },"
    "  \"training\": { \"classification_report\": true } }";
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_from_json (json, -1, &error);
  g_autoptr(InkExperiment) e2 = NULL, d = NULL, d2 = NULL;
  g_autofree char *j1 = NULL, *j2 = NULL, *dj = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (e->augmentation.shift, ==, 1);
  g_assert_cmpfloat (e->augmentation.rotate, ==, 10.0f);
  g_assert_cmpfloat (e->augmentation.scale, ==, 0.15f);
  g_assert_cmpfloat (e->augmentation.elastic_alpha, ==, 34.0f);
  g_assert_cmpfloat (e->augmentation.probability, ==, 0.5f);
  g_assert_true (e->pretraining.enabled);
  g_assert_cmpuint (e->pretraining.n_layer_epochs, ==, 2);
  g_assert_cmpuint (ink_pretrain_spec_epochs (&e->pretraining, 0), ==, 3);
  g_assert_cmpuint (ink_pretrain_spec_epochs (&e->pretraining, 1), ==, 2);
  g_assert_cmpuint (e->pretraining.cd_k, ==, 2);
  g_assert_cmpuint (e->pretraining.batch_size, ==, 32);
  g_assert_cmpfloat (e->pretraining.decay, ==, 0.9f);
  g_assert_true (e->classification_report);

  j1 = ink_experiment_to_json (e, TRUE);
  e2 = ink_experiment_from_json (j1, -1, &error);
  g_assert_no_error (error);
  j2 = ink_experiment_to_json (e2, TRUE);
  g_assert_cmpstr (j1, ==, j2);
  g_assert_nonnull (strstr (j1, "\"scale\" : 0.15"));
  g_assert_true (memcmp (&e->augmentation, &e2->augmentation, sizeof e->augmentation) == 0);
  g_assert_true (memcmp (&e->pretraining, &e2->pretraining, sizeof e->pretraining) == 0);

  /* without a change of size the file has no "scale" (older files read
   * and write as they did) */
  e2->augmentation.scale = 0.0f;
  g_free (j2);
  j2 = ink_experiment_to_json (e2, FALSE);
  g_assert_nonnull (strstr (j2, "\"augmentation\":{"));
  g_assert_null (strstr (j2, "\"scale\":"));

  /* a single epoch count stays a number */
  e2->pretraining.n_layer_epochs = 0;
  e2->pretraining.epochs[0] = 7;
  g_free (j2);
  j2 = ink_experiment_to_json (e2, FALSE);
  g_assert_nonnull (strstr (j2, "\"pretraining\":{\"epochs\":7,"));

  /* off by default, and then not written at all */
  d = ink_experiment_new_default ();
  g_assert_false (ink_augment_spec_enabled (&d->augmentation));
  g_assert_false (d->pretraining.enabled);
  dj = ink_experiment_to_json (d, FALSE);
  g_assert_null (strstr (dj, "augmentation"));
  g_assert_null (strstr (dj, "pretraining"));
  g_assert_null (strstr (dj, "classification_report"));
  d2 = ink_experiment_from_json (dj, -1, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (&d->augmentation, &d2->augmentation, sizeof d->augmentation) == 0);
  g_assert_false (d2->pretraining.enabled);
}

/* the DBN presets parse and carry the seed's recipe */
static void
test_presets (void)
{
  g_autoptr(InkExperiment) a = ink_experiment_preset ("nolearn-dbn", NULL);
  g_autoptr(InkExperiment) b = ink_experiment_preset ("nolearn-dbn-augmented", NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->net->layers[0].units, ==, 300);
  g_assert_cmpint (a->net->layers[0].activation, ==, INK_ACT_SIGMOID);
  g_assert_cmpfloat (a->optimizer.lr, ==, 0.3f);
  g_assert_cmpfloat (a->optimizer.decay, ==, 0.9f);
  g_assert_cmpuint (a->epochs, ==, 10);
  g_assert_cmpint (a->normalization, ==, INK_NORM_MINMAX);
  g_assert_cmpint (a->split.kind, ==, INK_SPLIT_RANDOM);
  g_assert_true (a->pretraining.enabled);
  g_assert_false (ink_augment_spec_enabled (&a->augmentation));
  g_assert_true (a->classification_report);

  g_assert_true (ink_augment_spec_enabled (&b->augmentation));
  g_assert_cmpuint (b->augmentation.shift, ==, 1);
  g_assert_cmpfloat (b->augmentation.rotate, ==, 10.0f);
  g_assert_cmpfloat (b->augmentation.elastic_alpha, ==, 0.0f);
  g_assert_cmpfloat (b->net->input_dropout, ==, 0.25f);
  g_assert_cmpfloat (b->net->layers[0].dropout, ==, 0.25f);
  /* the seed's final network: 500 rectified units (nolearn 0.5's default),
   * pretrained with noisy rectified units, lr 0.2, 50 epochs, trained on
   * every training image with the final model reported */
  g_assert_cmpint (b->net->layers[0].units, ==, 500);
  g_assert_cmpint (b->net->layers[0].activation, ==, INK_ACT_RELU);
  g_assert_true (b->pretraining.enabled);
  g_assert_cmpfloat (b->optimizer.lr, ==, 0.2f);
  g_assert_cmpuint (b->epochs, ==, 50);
  g_assert_cmpint (b->split.kind, ==, INK_SPLIT_OFFICIAL);
  g_assert_true (ink_experiment_validate (b, NULL));
}

typedef struct
{
  const char *json;
  int         code;
  const char *needle;
} BadCase;

static const BadCase bad_cases[] = {
  { "{\"augmentation\": {\"shift\": -1}}", INK_EXPERIMENT_ERROR_PARSE, "augmentation.shift" },
  { "{\"augmentation\": {\"shift\": 99}}", INK_EXPERIMENT_ERROR_PARSE, "augmentation.shift" },
  { "{\"augmentation\": {\"rotate\": 181}}", INK_EXPERIMENT_ERROR_INVALID, "augmentation.rotate" },
  { "{\"augmentation\": {\"rotate\": -5}}", INK_EXPERIMENT_ERROR_INVALID, "augmentation.rotate" },
  { "{\"augmentation\": {\"scale\": 0.6}}", INK_EXPERIMENT_ERROR_INVALID, "augmentation.scale 0.6" },
  { "{\"augmentation\": {\"scale\": -0.1}}", INK_EXPERIMENT_ERROR_INVALID, "augmentation.scale" },
  { "{\"augmentation\": {\"probability\": 1.5}}", INK_EXPERIMENT_ERROR_INVALID, "augmentation.probability" },
  { "{\"augmentation\": {\"probability\": -0.1}}", INK_EXPERIMENT_ERROR_INVALID, "augmentation.probability" },
  { "{\"augmentation\": {\"elastic_alpha\": 5, \"elastic_sigma\": 0}}", INK_EXPERIMENT_ERROR_INVALID, "elastic_sigma" },
  { "{\"augmentation\": {\"elastic_alpha\": -1}}", INK_EXPERIMENT_ERROR_INVALID, "elastic_alpha" },
  { "{\"augmentation\": {\"flip\": true}}", INK_EXPERIMENT_ERROR_PARSE, "flip" },
  { "{\"augmentation\": 3}", INK_EXPERIMENT_ERROR_PARSE, "augmentation" },
  { "{\"network\": {\"layers\": [{\"units\": 20, \"activation\": \"tanh\"}, {\"units\": 10}]},"
    " \"pretraining\": {}}", INK_EXPERIMENT_ERROR_INVALID, "hidden layer 1 is tanh" },
  { "{\"network\": {\"layers\": [{\"units\": 20, \"activation\": \"sigmoid\"}, {\"units\": 10}]},"
    " \"pretraining\": {\"cd_k\": 0}}", INK_EXPERIMENT_ERROR_INVALID, "cd_k" },
  { "{\"network\": {\"layers\": [{\"units\": 20, \"activation\": \"sigmoid\"}, {\"units\": 10}]},"
    " \"pretraining\": {\"epochs\": [1, 2]}}", INK_EXPERIMENT_ERROR_INVALID, "hidden layers" },
  { "{\"network\": {\"layers\": [{\"units\": 20, \"activation\": \"sigmoid\"}, {\"units\": 10}]},"
    " \"pretraining\": {\"epochs\": [-1]}}", INK_EXPERIMENT_ERROR_PARSE, "pretraining.epochs" },
  { "{\"network\": {\"layers\": [{\"units\": 20, \"activation\": \"sigmoid\"}, {\"units\": 10}]},"
    " \"pretraining\": {\"lr\": 0}}", INK_EXPERIMENT_ERROR_INVALID, "pretraining.lr" },
  { "{\"network\": {\"layers\": [{\"units\": 20, \"activation\": \"sigmoid\"}, {\"units\": 10}]},"
    " \"pretraining\": {\"momentum\": 1}}", INK_EXPERIMENT_ERROR_INVALID, "pretraining.momentum" },
  { "{\"network\": {\"layers\": [{\"units\": 20, \"activation\": \"sigmoid\"}, {\"units\": 10}]},"
    " \"pretraining\": {\"gibbs\": 1}}", INK_EXPERIMENT_ERROR_PARSE, "gibbs" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) e = ink_experiment_from_json (c->json, -1, &error);

  g_assert_null (e);
  g_assert_error (error, INK_EXPERIMENT_ERROR, c->code);
  if (strstr (error->message, c->needle) == NULL)
    g_error ("message “%s” does not mention “%s”", error->message, c->needle);
}

/* ------------------------------------------------------------------------ */
/* the trainer                                                               */

static InkExperiment *
dbn_experiment (void)
{
  InkExperiment *e = ink_experiment_new_default ();

  e->net->layers[0] = (InkLayerSpec) { 32, INK_ACT_SIGMOID, 0.1f };
  e->split.kind = INK_SPLIT_RANDOM;
  e->split.valid_fraction = 0.25;
  ink_optimizer_spec_defaults (&e->optimizer, INK_OPT_NESTEROV);
  e->optimizer.lr = 0.1f;
  e->optimizer.decay = 0.9f;
  e->epochs = 3;
  e->batch_size = 50;
  e->seed = 9;
  e->augmentation = full_spec ();
  e->augmentation.probability = 0.7f;
  e->pretraining.enabled = TRUE;
  e->pretraining.epochs[0] = 2;
  e->pretraining.batch_size = 25;
  return e;
}

static InkTrainer *
run (InkExperiment *e, InkDataset *train, InkDataset *test, const char *ckpt)
{
  g_autoptr(GError) error = NULL;
  InkTrainer *t = ink_trainer_new (e, train, test, &error);

  g_assert_no_error (error);
  if (ckpt)
    ink_trainer_set_checkpoint (t, ckpt);
  ink_trainer_run (t, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return t;
}

static void
count_pretrain (const InkTrainEvent *ev, gpointer data)
{
  if (ev->kind == INK_EVENT_PRETRAIN_EPOCH)
    (*(guint *) data)++;
}

static void
params_of (InkTrainer *t, float **out, gsize *n)
{
  InkNetwork *net = ink_trainer_network (t);
  *n = net->n_params;
  *out = g_new (float, *n);
  ink_network_get_params (net, *out);
}

/* With augmentation and pretraining on, a run stopped after epoch 1 and
 * resumed from its checkpoint ends exactly where the uninterrupted run does
 * (the resumed one does not pretrain again); the run learns; and the same
 * experiment without augmentation gives other weights. */
static void
test_trainer_resume (void)
{
  g_autoptr(InkDataset) train = test_synthetic_dataset (800, 1);
  g_autoptr(InkDataset) test = test_synthetic_dataset (200, 2);
  g_autoptr(InkExperiment) e = dbn_experiment ();
  g_autofree char *dir = g_dir_make_tmp ("ink-augment-XXXXXX", NULL);
  g_autofree char *ck = g_build_filename (dir, "run.ckpt", NULL);
  g_autoptr(InkTrainer) full = NULL, part = NULL, resumed = NULL, plain = NULL;
  g_autofree float *pf = NULL, *pr = NULL, *pp = NULL;
  g_autoptr(GError) error = NULL;
  gsize nf, nr, np;
  guint nh_full, nh_res, pre_full = 0, pre_res = 0;
  const InkEpochRecord *hf, *hr;

  full = ink_trainer_new (e, train, test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_run (full, NULL, count_pretrain, &pre_full, &error));
  g_assert_cmpuint (pre_full, ==, 2);

  e->epochs = 1;
  part = run (e, train, test, ck);

  e->epochs = 3;
  resumed = ink_trainer_new (e, train, test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_resume (resumed, ck, &error));
  g_assert_true (ink_trainer_run (resumed, NULL, count_pretrain, &pre_res, &error));
  g_assert_cmpuint (pre_res, ==, 0);

  hf = ink_trainer_history (full, &nh_full);
  hr = ink_trainer_history (resumed, &nh_res);
  g_assert_cmpuint (nh_full, ==, 3);
  g_assert_cmpuint (nh_res, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (memcmp (&hf[i].train_loss, &hr[i].train_loss, sizeof (double)) == 0);
      g_assert_true (memcmp (&hf[i].valid_loss, &hr[i].valid_loss, sizeof (double)) == 0);
    }
  params_of (full, &pf, &nf);
  params_of (resumed, &pr, &nr);
  g_assert_cmpuint (nf, ==, nr);
  g_assert_true (memcmp (pf, pr, nf * sizeof (float)) == 0);
  g_assert_cmpfloat (ink_metrics_accuracy (ink_trainer_test_metrics (full, NULL)), >=, 0.8);

  ink_augment_spec_defaults (&e->augmentation);
  plain = run (e, train, test, NULL);
  params_of (plain, &pp, &np);
  g_assert_false (memcmp (pf, pp, nf * sizeof (float)) == 0);

  test_remove_tree (dir);
}

/* a batch gathered in two halves on two threads equals the samples
 * augmented one by one */
static void
test_gather_split (void)
{
  InkAugmentSpec spec;
  g_autoptr(InkAugmenter) a = NULL;
  g_autoptr(InkAugmenter) b = NULL;
  InkDataset ds = { 0 };
  InkAffine aff = { 1.0f / 255, -0.1f };
  guint32 idx[64];
  g_autofree float *x = g_new (float, 64 * 784);
  g_autofree float *one = g_new (float, 784);
  gint32 labels[64];

  ink_augment_spec_defaults (&spec);
  spec.shift = 1;
  spec.rotate = 10;
  spec.elastic_alpha = 34;
  spec.elastic_sigma = 4;
  ds.n = 64;
  ds.rows = ds.cols = 28;
  ds.images = g_malloc (64 * 784);
  ds.labels = g_malloc (64);
  for (guint i = 0; i < 64 * 784; i++)
    ds.images[i] = (guint8) ((i * 2654435761u) >> 24);
  for (guint i = 0; i < 64; i++)
    {
      ds.labels[i] = (guint8) (i % 10);
      idx[i] = 63 - i;
    }
  a = ink_augmenter_new (&spec, 28, 28, 5);
  b = ink_augmenter_new (&spec, 28, 28, 5);
  ink_augmenter_gather (a, 3, &ds, idx, 64, aff, x, labels);
  for (guint r = 0; r < 64; r++)
    {
      ink_augmenter_apply (b, 3, idx[r], ds.images + (gsize) idx[r] * 784, one);
      for (guint j = 0; j < 784; j++)
        one[j] = one[j] * aff.scale + aff.shift;
      g_assert_cmpmem (one, 784 * sizeof (float), x + (gsize) r * 784, 784 * sizeof (float));
      g_assert_cmpint (labels[r], ==, ds.labels[idx[r]]);
    }
  g_free (ds.images);
  g_free (ds.labels);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/augment/gather-split", test_gather_split);
  g_test_add_func ("/augment/shift", test_shift);
  g_test_add_func ("/augment/rotate-90", test_rotate_90);
  g_test_add_func ("/augment/scale", test_scale);
  g_test_add_func ("/augment/scale-augmenter", test_scale_augmenter);
  g_test_add_func ("/augment/elastic-identity", test_elastic_identity);
  g_test_add_func ("/augment/deterministic", test_deterministic);
  g_test_add_func ("/augment/probability", test_probability);
  g_test_add_func ("/augment/json/round-trip", test_json_round_trip);
  g_test_add_func ("/augment/json/presets", test_presets);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/augment/json/bad/%02u", i);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/augment/trainer-resume", test_trainer_resume);
  return g_test_run ();
}
