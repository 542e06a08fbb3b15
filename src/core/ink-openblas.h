/* ink-openblas.h
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

/* OpenBLAS core type selection and description. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Debian's OpenBLAS 0.3.21 does not know recent CPUs (e.g. Emerald Rapids)
 * and falls back to its SSE3 "Prescott" kernels, ~5× slower.  The core type
 * is chosen when the library loads, so the only fix is to set
 * OPENBLAS_CORETYPE and execute the program again.  Call this first thing in
 * main(): when the core in use is a generic one while the CPU has AVX-512 (or
 * AVX2), and the user has not set OPENBLAS_CORETYPE, it re-executes the
 * program once with the right core type.  It does the same (in the same
 * re-exec) with OMP_WAIT_POLICY=PASSIVE when OMP_WAIT_POLICY is unset:
 * oneDNN's OpenMP threads (the convolutions) would otherwise spin while
 * OpenBLAS's pthreads run the dense products, and on 2 cores that made a
 * keras-mnist-cnn epoch over twice as slow; and with
 * OPENBLAS_THREAD_TIMEOUT=INK_OPENBLAS_THREAD_TIMEOUT when neither it nor
 * GOTO_THREAD_TIMEOUT is set (OpenBLAS's idle threads spin shorter).  Returns only when no re-exec
 * was needed (or it failed, which is then reported by
 * ink_openblas_describe). */
#define INK_OPENBLAS_THREAD_TIMEOUT "22"

void        ink_openblas_reexec_if_needed (char **argv);

/* "SkylakeX", "Haswell", "Prescott", ... */
const char *ink_openblas_core             (void);
int         ink_openblas_threads          (void);
/* "OpenBLAS 0.3.21 … core SkylakeX (set by Inkling: the CPU has AVX-512), 2 threads" */
char       *ink_openblas_describe         (void);

/* Flush-to-zero and denormals-are-zero for the calling thread (denormals
 * make late epochs much slower). */
void        ink_enable_ftz                (void);

G_END_DECLS
