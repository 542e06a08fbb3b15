/* ink-rng.c
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

/* The xoshiro256** generator: seeding, uniform, bounded and normal
 * draws, shuffles. */

#include "config.h"

#include <math.h>

#include "ink-rng.h"

static inline guint64
rotl64 (guint64 x,
        int     k)
{
  return (x << k) | (x >> (64 - k));
}

/* splitmix64: expands the seed into the four state words, as the xoshiro
 * authors recommend (it never yields an all-zero state). */
void
ink_rng_init (InkRng  *rng,
              guint64  seed)
{
  guint64 x = seed;

  g_return_if_fail (rng != NULL);

  for (int i = 0; i < 4; i++)
    {
      guint64 z;

      x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
      z = x;
      z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
      z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
      rng->s[i] = z ^ (z >> 31);
    }
}

/* xoshiro256** 1.0 */
guint64
ink_rng_next (InkRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl64 (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl64 (s[3], 45);

  return result;
}

float
ink_rng_uniform (InkRng *rng)
{
  return (float) (ink_rng_next (rng) >> 40) * (1.0f / 16777216.0f);
}

/* Lemire's multiply-and-reject method: unbiased, one draw in the common case. */
guint32
ink_rng_below (InkRng  *rng,
               guint32  n)
{
  guint64 m;
  guint32 low;

  g_return_val_if_fail (n > 0, 0);

  m = (ink_rng_next (rng) >> 32) * (guint64) n;
  low = (guint32) m;
  if (low < n)
    {
      guint32 threshold = (guint32) (-n) % n;

      while (low < threshold)
        {
          m = (ink_rng_next (rng) >> 32) * (guint64) n;
          low = (guint32) m;
        }
    }

  return (guint32) (m >> 32);
}

double
ink_rng_normal (InkRng *rng)
{
  /* u1 in (0, 1] so that log (u1) is finite; u2 in [0, 1) */
  double u1 = ((double) (ink_rng_next (rng) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
  double u2 = (double) (ink_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

void
ink_rng_shuffle (InkRng  *rng,
                 guint32 *idx,
                 guint32  n)
{
  g_return_if_fail (n == 0 || idx != NULL);

  for (guint32 i = n; i > 1; i--)
    {
      guint32 j = ink_rng_below (rng, i);
      guint32 tmp = idx[i - 1];

      idx[i - 1] = idx[j];
      idx[j] = tmp;
    }
}
