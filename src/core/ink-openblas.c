/* ink-openblas.c
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

/* Choosing OpenBLAS's core type for CPUs it does not know and OpenMP's wait
 * policy (oneDNN's threads next to OpenBLAS's), and describing them. */

#include "config.h"

#include <cblas.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "ink-openblas.h"

#define REEXEC_MARK "INKLING_OPENBLAS_REEXEC"
#define OMP_MARK "INKLING_OMP_REEXEC"
#define TIMEOUT_MARK "INKLING_TIMEOUT_REEXEC"

/* Kernel sets that predate AVX2: a CPU with AVX2 or AVX-512 running one of
 * these has been misdetected. */
static const char * const generic_cores[] = {
  "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai",
  "Coppermine", "Northwood", "Banias", "Athlon", "Opteron", "Opteron_SSE3",
  "Barcelona", "Bobcat", "Sandybridge", "Bulldozer", "Piledriver",
  "Steamroller", "Excavator", "generic", "Generic", NULL
};

static const char *
wanted_core (void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw") &&
      __builtin_cpu_supports ("avx512vl") && __builtin_cpu_supports ("avx512dq"))
    return "SkylakeX";
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return "Haswell";
#endif
  return NULL;
}

const char *
ink_openblas_core (void)
{
  const char *name = openblas_get_corename ();
  return name ? name : "unknown";
}

int
ink_openblas_threads (void)
{
  return openblas_get_num_threads ();
}

void
ink_openblas_reexec_if_needed (char **argv)
{
  const char *core = ink_openblas_core ();
  const char *want = NULL;
  gboolean omp = FALSE;
  gboolean timeout = FALSE;

  if (g_getenv (REEXEC_MARK) == NULL && g_getenv ("OPENBLAS_CORETYPE") == NULL &&
      g_strv_contains (generic_cores, core))
    want = wanted_core ();
  /* oneDNN's OpenMP workers spin between parallel regions by default,
   * taking a core from OpenBLAS's threads on a 2-core machine: they must
   * sleep.  libgomp reads the policy when it loads. */
  if (g_getenv ("OMP_WAIT_POLICY") == NULL && g_getenv (OMP_MARK) == NULL)
    omp = TRUE;
  /* OpenBLAS's idle threads spin (sched_yield) for 2^28 cycles, a tenth of a
   * second, after each product before they sleep: between the dense layers
   * of a CNN that held a core through the convolutions and image passes.
   * 2^22 cycles (about 1.5 ms) keeps them awake across an MLP's
   * back-to-back products (keras-mnist-mlp: 1.35 s an epoch either way) and
   * made a keras-mnist-cnn epoch 13 % faster (NOTES.md).  Also read when the
   * library loads. */
  if (g_getenv ("OPENBLAS_THREAD_TIMEOUT") == NULL && g_getenv ("GOTO_THREAD_TIMEOUT") == NULL &&
      g_getenv (TIMEOUT_MARK) == NULL)
    timeout = TRUE;
  if (want == NULL && !omp && !timeout)
    return;

  if (want != NULL)
    {
      g_setenv ("OPENBLAS_CORETYPE", want, TRUE);
      g_setenv (REEXEC_MARK, core, TRUE);
    }
  if (omp)
    {
      g_setenv ("OMP_WAIT_POLICY", "PASSIVE", TRUE);
      g_setenv (OMP_MARK, "1", TRUE);
    }
  if (timeout)
    {
      g_setenv ("OPENBLAS_THREAD_TIMEOUT", INK_OPENBLAS_THREAD_TIMEOUT, TRUE);
      g_setenv (TIMEOUT_MARK, "1", TRUE);
    }
  execv ("/proc/self/exe", argv);
  /* exec failed: carry on with the slow kernels (said in describe()) and
   * the spinning workers */
  if (want != NULL)
    {
      g_unsetenv ("OPENBLAS_CORETYPE");
      g_setenv (REEXEC_MARK, "failed", TRUE);
    }
  if (omp)
    g_unsetenv ("OMP_WAIT_POLICY");
  if (timeout)
    g_unsetenv ("OPENBLAS_THREAD_TIMEOUT");
}

char *
ink_openblas_describe (void)
{
  const char *mark = g_getenv (REEXEC_MARK);
  const char *config = openblas_get_config ();
  g_autofree char *why = NULL;

  if (mark != NULL && g_str_equal (mark, "failed"))
    why = g_strdup (" (misdetected; re-executing with the right core type failed)");
  else if (mark != NULL)
    why = g_strdup_printf (" (set by Inkling: OpenBLAS detected %s on a CPU with %s)", mark,
                           g_str_equal (ink_openblas_core (), "SkylakeX") ? "AVX-512" : "AVX2");
  else if (g_getenv ("OPENBLAS_CORETYPE") != NULL)
    why = g_strdup_printf (" (OPENBLAS_CORETYPE=%s from the environment)", g_getenv ("OPENBLAS_CORETYPE"));
  else
    why = g_strdup ("");

  g_autofree char *cfg = g_strdup (config ? config : "OpenBLAS");

  const char *timeout = g_getenv ("OPENBLAS_THREAD_TIMEOUT");
  g_autofree char *idle = timeout != NULL && g_ascii_isdigit (*timeout) ?
    g_strdup_printf (" (idle after 2^%d cycles)", CLAMP (atoi (timeout), 4, 30)) : g_strdup ("");

  return g_strdup_printf ("%s; core %s%s; %d threads%s", g_strstrip (cfg),
                          ink_openblas_core (), why, ink_openblas_threads (), idle);
}

void
ink_enable_ftz (void)
{
#if defined(__x86_64__) || defined(__i386__)
  _mm_setcsr (_mm_getcsr () | 0x8040);   /* FTZ (bit 15) | DAZ (bit 6) */
#endif
}
