/* ink-rng.h
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

/* A small seedable, serializable PRNG. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small, seedable, serializable PRNG (xoshiro256**, seeded through
 * splitmix64).  GRand cannot export its state, and checkpoints must restore
 * the exact stream, so the state is four plain 64-bit words. */
typedef struct
{
  guint64 s[4];
} InkRng;

void     ink_rng_init        (InkRng  *rng,
                              guint64  seed);
guint64  ink_rng_next        (InkRng  *rng);
/* Uniform in [0, 1) with 24 random bits. */
float    ink_rng_uniform     (InkRng  *rng);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
guint32  ink_rng_below       (InkRng  *rng,
                              guint32  n);
/* Standard normal (Box-Muller, no cached second value: state stays 4 words). */
double   ink_rng_normal      (InkRng  *rng);
/* Fisher-Yates shuffle of idx[0..n). */
void     ink_rng_shuffle     (InkRng  *rng,
                              guint32 *idx,
                              guint32  n);

/* Counter-based uniform in [0,1): a pure function of (seed, stream, i), so the
 * CPU and the GPU draw the same dropout masks.  Defined inline so that CUDA
 * code can share the exact same arithmetic. */
static inline guint64
ink_hash64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

static inline float
ink_hash_uniform (guint64 seed,
                  guint64 stream,
                  guint64 i)
{
  guint64 h = ink_hash64 (seed ^ ink_hash64 (stream * G_GUINT64_CONSTANT (0x632BE59BD9B4E019) + i));
  return (float) (h >> 40) * (1.0f / 16777216.0f);
}

G_END_DECLS
