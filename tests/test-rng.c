/* test-rng.c
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

#include "ink-rng.h"

/* The first outputs for seed 42, computed once with an independent Python
 * transcription of splitmix64 + xoshiro256** (the published algorithms). */
static void
test_rng_known_values (void)
{
  static const guint64 expected[] = {
    G_GUINT64_CONSTANT (0x15780B2E0C2EC716),
    G_GUINT64_CONSTANT (0x6104D9866D113A7E),
    G_GUINT64_CONSTANT (0xAE17533239E499A1),
    G_GUINT64_CONSTANT (0xECB8AD4703B360A1),
  };
  InkRng rng;

  ink_rng_init (&rng, 42);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmphex (ink_rng_next (&rng), ==, expected[i]);

  /* the next two as 24-bit uniforms */
  g_assert_cmpfloat (ink_rng_uniform (&rng), ==, 0.9918038845062256f);
  g_assert_cmpfloat (ink_rng_uniform (&rng), ==, 0.7697394490242004f);
}

static void
test_rng_determinism (void)
{
  InkRng a, b, c;
  gboolean differ = FALSE;

  ink_rng_init (&a, 1234);
  ink_rng_init (&b, 1234);
  ink_rng_init (&c, 1235);
  for (int i = 0; i < 1000; i++)
    {
      guint64 x = ink_rng_next (&a);

      g_assert_cmphex (x, ==, ink_rng_next (&b));
      if (x != ink_rng_next (&c))
        differ = TRUE;
    }
  g_assert_true (differ);

  /* the state is plain data: a copy continues the same stream */
  b = a;
  for (int i = 0; i < 100; i++)
    g_assert_cmphex (ink_rng_next (&a), ==, ink_rng_next (&b));

  /* seed 0 still gives a live generator */
  ink_rng_init (&a, 0);
  g_assert_false (a.s[0] == 0 && a.s[1] == 0 && a.s[2] == 0 && a.s[3] == 0);
  g_assert_cmphex (ink_rng_next (&a), !=, ink_rng_next (&a));
}

static void
test_rng_uniform (void)
{
  InkRng rng;
  double sum = 0.0;
  float lo = 1.0f, hi = 0.0f;
  const int n = 200000;
  guint bins[10] = { 0 };

  ink_rng_init (&rng, 7);
  for (int i = 0; i < n; i++)
    {
      float u = ink_rng_uniform (&rng);

      g_assert_cmpfloat (u, >=, 0.0f);
      g_assert_cmpfloat (u, <, 1.0f);
      /* 24 bits: an exact multiple of 2^-24 */
      g_assert_cmpfloat (u * 16777216.0f, ==, floorf (u * 16777216.0f));
      lo = MIN (lo, u);
      hi = MAX (hi, u);
      sum += u;
      bins[(int) (u * 10)]++;
    }
  g_assert_cmpfloat (lo, <, 0.001f);
  g_assert_cmpfloat (hi, >, 0.999f);
  g_assert_cmpfloat (fabs (sum / n - 0.5), <, 0.005);
  for (int k = 0; k < 10; k++)
    g_assert_cmpuint (ABS ((int) bins[k] - n / 10), <, n / 100);
}

static void
test_rng_below (void)
{
  InkRng rng;
  guint counts[7] = { 0 };
  const int n = 70000;

  ink_rng_init (&rng, 99);

  for (int i = 0; i < 1000; i++)
    g_assert_cmpuint (ink_rng_below (&rng, 1), ==, 0);

  for (int i = 0; i < n; i++)
    {
      guint32 r = ink_rng_below (&rng, 7);

      g_assert_cmpuint (r, <, 7);
      counts[r]++;
    }
  /* expected 10000 each, sd ≈ 93 */
  for (int k = 0; k < 7; k++)
    g_assert_cmpuint (ABS ((int) counts[k] - n / 7), <, 500);

  /* a bound just above 2^31, where a plain modulo would put twice the mass
   * on the low half: both halves must be about equal */
  {
    const guint32 big = 0x80000001u;
    guint low = 0;

    for (int i = 0; i < 20000; i++)
      {
        guint32 r = ink_rng_below (&rng, big);

        g_assert_cmpuint (r, <, big);
        if (r < big / 2)
          low++;
      }
    g_assert_cmpuint (ABS ((int) low - 10000), <, 500);
  }

  /* the largest bound */
  for (int i = 0; i < 1000; i++)
    g_assert_cmpuint (ink_rng_below (&rng, G_MAXUINT32), <, G_MAXUINT32);
}

static void
test_rng_normal (void)
{
  InkRng rng;
  double sum = 0.0, sum2 = 0.0;
  const int n = 100000;
  int within1 = 0;

  ink_rng_init (&rng, 5);
  for (int i = 0; i < n; i++)
    {
      double z = ink_rng_normal (&rng);

      g_assert_true (isfinite (z));
      sum += z;
      sum2 += z * z;
      if (fabs (z) < 1.0)
        within1++;
    }
  g_assert_cmpfloat (fabs (sum / n), <, 0.02);
  g_assert_cmpfloat (fabs (sum2 / n - 1.0), <, 0.03);
  /* P(|z| < 1) = 0.6827 */
  g_assert_cmpfloat (fabs ((double) within1 / n - 0.6827), <, 0.01);
}

static void
test_rng_shuffle (void)
{
  InkRng rng, rng2;
  const guint32 n = 1000;
  g_autofree guint32 *idx = g_new (guint32, n);
  g_autofree guint32 *idx2 = g_new (guint32, n);
  g_autofree guint8 *seen = g_new0 (guint8, n);
  guint fixed = 0;

  for (guint32 i = 0; i < n; i++)
    idx[i] = idx2[i] = i;
  ink_rng_init (&rng, 3);
  ink_rng_init (&rng2, 3);
  ink_rng_shuffle (&rng, idx, n);
  ink_rng_shuffle (&rng2, idx2, n);

  g_assert_cmpmem (idx, n * sizeof (guint32), idx2, n * sizeof (guint32));
  for (guint32 i = 0; i < n; i++)
    {
      g_assert_cmpuint (idx[i], <, n);
      g_assert_cmpuint (seen[idx[i]], ==, 0);
      seen[idx[i]] = 1;
      if (idx[i] == i)
        fixed++;
    }
  /* a random permutation has ~1 fixed point */
  g_assert_cmpuint (fixed, <, 10);

  /* trivial sizes */
  ink_rng_shuffle (&rng, idx, 0);
  ink_rng_shuffle (&rng, idx, 1);

  /* every position equally likely: where element 0 of 4 lands */
  {
    guint where[4] = { 0 };

    for (int t = 0; t < 40000; t++)
      {
        guint32 small[4] = { 0, 1, 2, 3 };

        ink_rng_shuffle (&rng, small, 4);
        for (int k = 0; k < 4; k++)
          if (small[k] == 0)
            where[k]++;
      }
    for (int k = 0; k < 4; k++)
      g_assert_cmpuint (ABS ((int) where[k] - 10000), <, 400);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/rng/known-values", test_rng_known_values);
  g_test_add_func ("/core/rng/determinism", test_rng_determinism);
  g_test_add_func ("/core/rng/uniform", test_rng_uniform);
  g_test_add_func ("/core/rng/below", test_rng_below);
  g_test_add_func ("/core/rng/normal", test_rng_normal);
  g_test_add_func ("/core/rng/shuffle", test_rng_shuffle);

  return g_test_run ();
}
