/* fuzz-common.h
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

/* What the libFuzzer harnesses of this folder share: a per-process scratch
 * folder (loaders that only take a path read the input from a file there,
 * rewritten for every input), GLib criticals and warnings made fatal (a
 * g_return_if_fail reached from a file's bytes is a bug, and an abort is
 * what libFuzzer reports), the small synthetic data sets the checkpoint
 * harness resumes on (fuzz-seeds writes its checkpoints with the same ones,
 * so their data fingerprint matches) and input splitting. */

#pragma once

#include <glib.h>
#include <string.h>
#include "ink-experiment.h"
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test-util.h"

/* the training and test sets of the checkpoint harness and its seeds */
#define FUZZ_TRAIN_N    120
#define FUZZ_TEST_N     40
#define FUZZ_TRAIN_SEED 1
#define FUZZ_TEST_SEED  2

/* the byte that separates the files of the ledger harness's input
 * (ASCII "record separator") */
#define FUZZ_FILE_SEP   '\x1e'

static char *fuzz_dir;

static inline void
fuzz_cleanup (void)
{
  if (fuzz_dir != NULL)
    test_remove_tree (fuzz_dir);
  g_clear_pointer (&fuzz_dir, g_free);
}

/* Criticals and warnings abort (GLib's own fatal path raises SIGTRAP,
 * which libFuzzer does not catch: no reproducer would be saved); debug and
 * info messages are dropped. */
static inline void
fuzz_log (const char     *domain,
          GLogLevelFlags  level,
          const char     *message,
          gpointer        data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      fprintf (stderr, "fuzz: %s-%s: %s\n", domain ? domain : "",
               (level & G_LOG_LEVEL_WARNING) ? "WARNING" : "CRITICAL", message);
      abort ();
    }
}

static inline GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
          fprintf (stderr, "fuzz: %s\n", (const char *) fields[i].value);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

/* Call from LLVMFuzzerInitialize (or first thing in a harness). */
static inline void
fuzz_init (void)
{
  if (fuzz_dir != NULL)
    return;
  g_log_set_default_handler (fuzz_log, NULL);
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  /* in $FUZZ_SCRATCH when set (the scripts set it and remove it: a crash
   * skips atexit), else in memory where there is such a place (the savers
   * fsync) */
  if (g_getenv ("FUZZ_SCRATCH") != NULL)
    fuzz_dir = g_mkdtemp (g_build_filename (g_getenv ("FUZZ_SCRATCH"), "ink-fuzz-XXXXXX", NULL));
  else if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && g_access ("/dev/shm", W_OK) == 0)
    fuzz_dir = g_mkdtemp (g_strdup ("/dev/shm/ink-fuzz-XXXXXX"));
  if (fuzz_dir == NULL)
    fuzz_dir = g_dir_make_tmp ("ink-fuzz-XXXXXX", NULL);
  if (fuzz_dir == NULL)
    {
      fprintf (stderr, "fuzz: cannot create a scratch folder in %s\n", g_get_tmp_dir ());
      abort ();
    }
  atexit (fuzz_cleanup);
}

/* fuzz_dir/name (not freed: one per name and process) */
static inline const char *
fuzz_path (const char *name)
{
  static GHashTable *paths;
  char *p;

  fuzz_init ();
  if (paths == NULL)
    paths = g_hash_table_new (g_str_hash, g_str_equal);
  p = g_hash_table_lookup (paths, name);
  if (p == NULL)
    {
      p = g_build_filename (fuzz_dir, name, NULL);
      g_hash_table_insert (paths, g_strdup (name), p);
    }
  return p;
}

/* Writes len bytes to path (replacing it); aborts on failure: the harness
 * cannot do its job without it. */
static inline void
fuzz_write (const char   *path,
            const guint8 *data,
            gsize         len)
{
  FILE *f = fopen (path, "wb");

  if (f == NULL || (len > 0 && fwrite (data, 1, len, f) != len) || fclose (f) != 0)
    {
      fprintf (stderr, "fuzz: cannot write %s\n", path);
      abort ();
    }
}

/* The input as the file fuzz_dir/name; returns its path. */
static inline const char *
fuzz_file (const char   *name,
           const guint8 *data,
           gsize         len)
{
  const char *path = fuzz_path (name);

  fuzz_write (path, data, len);
  return path;
}

/* Splits data at the first `sep` byte: part[0] before it, part[1] after
 * (absent, NULL/0, when there is no sep). */
static inline gboolean
fuzz_split (const guint8  *data,
            gsize          len,
            guint8         sep,
            const guint8 **rest,
            gsize         *head_len,
            gsize         *rest_len)
{
  const guint8 *p = len > 0 ? memchr (data, sep, len) : NULL;

  if (p == NULL)
    {
      *head_len = len;
      *rest = NULL;
      *rest_len = 0;
      return FALSE;
    }
  *head_len = (gsize) (p - data);
  *rest = p + 1;
  *rest_len = len - *head_len - 1;
  return TRUE;
}

/* A two-file input (the IDX harnesses): a 4-byte big-endian length of the
 * first file (clamped to what follows), the first file, the second file. */
static inline void
fuzz_split_pair (const guint8  *data,
                 gsize          len,
                 const guint8 **a,
                 gsize         *a_len,
                 const guint8 **b,
                 gsize         *b_len)
{
  guint32 n = 0;

  if (len < 4)
    {
      *a = data;
      *a_len = 0;
      *b = data;
      *b_len = 0;
      return;
    }
  n = ((guint32) data[0] << 24) | ((guint32) data[1] << 16) | ((guint32) data[2] << 8) | data[3];
  data += 4;
  len -= 4;
  if (n > len)
    n = (guint32) len;
  *a = data;
  *a_len = n;
  *b = data + n;
  *b_len = len - n;
}

/* The inverse of fuzz_split_pair (for the seed generator); free with g_free. */
static inline guint8 *
fuzz_join_pair (const guint8 *a,
                gsize         a_len,
                const guint8 *b,
                gsize         b_len,
                gsize        *len)
{
  guint8 *out = g_malloc (4 + a_len + b_len);

  out[0] = (guint8) (a_len >> 24);
  out[1] = (guint8) (a_len >> 16);
  out[2] = (guint8) (a_len >> 8);
  out[3] = (guint8) a_len;
  memcpy (out + 4, a, a_len);
  memcpy (out + 4 + a_len, b, b_len);
  *len = 4 + a_len + b_len;
  return out;
}

/* "" when the two experiments write the same JSON; otherwise both texts,
 * for the report */
static inline char *
fuzz_experiment_diff (const InkExperiment *a,
                      const InkExperiment *b)
{
  g_autofree char *ja = ink_experiment_to_json (a, TRUE);
  g_autofree char *jb = ink_experiment_to_json (b, TRUE);

  if (strcmp (ja, jb) == 0)
    return g_strdup ("");
  return g_strdup_printf ("first:\n%s\nsecond:\n%s", ja, jb);
}
