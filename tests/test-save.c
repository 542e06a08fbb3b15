/* test-save.c
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

/* Saving: what a writer killed mid-save leaves is removed by the next save
 * of the same file; two writers of one file are refused. */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ink-save.h"
#include "test-util.h"

static char *
host (void)
{
  g_autofree char *h = g_strdup (g_get_host_name ());
  g_strdelimit (h, "./\\", '_');
  return g_steal_pointer (&h);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d))
    n++;
  return n;
}

/* A writer killed (SIGKILL) in the middle of a save leaves its temporary
 * file; the next save of the same file removes it, and leaves alone the
 * temporary files of live writers, of other files and of other hosts. */
static void
test_orphans_removed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ink-save-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *h = host ();
  g_autofree char *live = g_strdup_printf ("%s/.m.safetensors.inkling-tmp.%s.%d.aaaaaa", dir, h, (int) getpid ());
  g_autofree char *other_file = NULL;
  g_autofree char *other_host = NULL;
  g_autofree char *orphan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int status;
  pid_t child = fork ();

  if (child == 0)
    {
      /* a writer that dies with its temporary file half written */
      char *p = g_strdup_printf ("%s/.m.safetensors.inkling-tmp.%s.%d.bbbbbb", dir, h, (int) getpid ());
      g_file_set_contents (p, "half a model", -1, NULL);
      raise (SIGKILL);
      _exit (0);
    }
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFSIGNALED (status));
  orphan = g_strdup_printf ("%s/.m.safetensors.inkling-tmp.%s.%d.bbbbbb", dir, h, (int) child);
  other_file = g_strdup_printf ("%s/.n.safetensors.inkling-tmp.%s.%d.cccccc", dir, h, (int) child);
  other_host = g_strdup_printf ("%s/.m.safetensors.inkling-tmp.elsewhere.%d.dddddd", dir, (int) child);
  g_assert_true (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents (live, "x", -1, NULL));
  g_assert_true (g_file_set_contents (other_file, "x", -1, NULL));
  g_assert_true (g_file_set_contents (other_host, "x", -1, NULL));

  g_assert_true (ink_save_file (target, "model", 5, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other_host, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (target, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "model");
  /* the save itself leaves no temporary file */
  g_assert_cmpuint (count_entries (dir), ==, 4);

  /* a sweep of the whole folder takes the other file's orphan too */
  g_assert_cmpuint (ink_save_sweep_stale (dir, NULL), ==, 1);
  g_assert_false (g_file_test (other_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  test_remove_tree (dir);
}

/* A refused save leaves no temporary file and the old file as it was. */
static void
test_failed_save_leaves_nothing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ink-save-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "m.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (ink_save_file (target, "old", 3, FALSE, &error));
  /* the target is a folder */
  {
    g_autofree char *sub = g_build_filename (dir, "sub", NULL);
    g_autofree char *inner = g_build_filename (sub, "x", NULL);

    g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
    g_assert_cmpint (g_mkdir (inner, 0755), ==, 0);
    g_assert_false (ink_save_file (inner, "new", 3, FALSE, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    /* only the folder "x" is in sub */
    g_assert_cmpuint (count_entries (sub), ==, 1);
  }
  g_assert_true (g_file_get_contents (target, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "old");
  test_remove_tree (dir);
}

/* One writer per file: a second lock is refused naming the holder; a
 * holder killed with SIGKILL releases it. */
static void
test_path_lock (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ink-save-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *pid = g_strdup_printf ("process %d", (int) getpid ());
  g_autoptr(GError) error = NULL;
  InkPathLock *a, *b;
  int fds[2];
  char c;
  pid_t child;
  int status;

  a = ink_path_lock (target, &error);
  g_assert_no_error (error);
  b = ink_path_lock (target, &error);
  g_assert_null (b);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, target));
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);
  ink_path_unlock (a);
  /* released: the lock file is gone and the next writer gets it */
  g_assert_cmpuint (count_entries (dir), ==, 0);
  b = ink_path_lock (target, &error);
  g_assert_no_error (error);
  ink_path_unlock (b);

  /* a writer killed while holding it */
  g_assert_cmpint (pipe (fds), ==, 0);
  child = fork ();
  if (child == 0)
    {
      InkPathLock *held = ink_path_lock (target, NULL);
      if (write (fds[1], held ? "y" : "n", 1) != 1)
        _exit (1);
      pause ();
      _exit (0);
    }
  g_assert_cmpint (read (fds[0], &c, 1), ==, 1);
  g_assert_cmpint (c, ==, 'y');
  g_assert_null (ink_path_lock (target, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  kill (child, SIGKILL);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  a = ink_path_lock (target, &error);
  g_assert_no_error (error);
  ink_path_unlock (a);
  close (fds[0]);
  close (fds[1]);

  /* not a file two runs can mix up: no lock file is made for it */
  a = ink_path_lock ("/dev/null", &error);
  g_assert_no_error (error);
  ink_path_unlock (a);
  /* a folder that does not exist: said before any work is done */
  {
    g_autofree char *missing = g_build_filename (dir, "no", "m.safetensors", NULL);
    g_assert_null (ink_path_lock (missing, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, missing));
  }
  test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/save/orphans-removed", test_orphans_removed);
  g_test_add_func ("/save/failed-save-leaves-nothing", test_failed_save_leaves_nothing);
  g_test_add_func ("/save/path-lock", test_path_lock);
  return g_test_run ();
}
