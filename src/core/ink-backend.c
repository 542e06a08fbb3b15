/* ink-backend.c
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

/* Backends by name: the CPU one, the CUDA module loaded at run time,
 * and the GPU probe off the main thread. */

#include "config.h"

#include "ink-backend.h"

#ifdef INK_HAVE_CUDA
#include <errno.h>
#include <gmodule.h>
#endif

G_DEFINE_QUARK (ink-backend-error-quark, ink_backend_error)

#define NO_CUDA_BUILD_MESSAGE "this build of Inkling has no CUDA backend (built without CUDA)"

gboolean
ink_backend_cuda_compiled (void)
{
#ifdef INK_HAVE_CUDA
  return TRUE;
#else
  return FALSE;
#endif
}

#ifdef INK_HAVE_CUDA

/* The CUDA backend module: opened once, on first use, and never closed (nor
 * is a failed attempt retried: every later call reports the same reason).
 * Loading it maps cuBLAS (~200 MB of resident memory), so it is opened only
 * once the NVIDIA driver library is known to be there: without it no CUDA
 * device can be used, and "auto" or ink_backend_cuda_available () stay cheap
 * on a machine without a GPU. */

typedef guint        (*CudaModuleAbiFunc)    (void);
typedef InkBackend * (*CudaModuleCreateFunc) (GError **error);

static GMutex               cuda_module_lock;
static gboolean             cuda_module_tried;
static CudaModuleCreateFunc cuda_module_create;
static char                *cuda_module_failure;   /* the error message */

static void
cuda_module_fail (const char *format,
                  ...) G_GNUC_PRINTF (1, 2);

static void
cuda_module_fail (const char *format,
                  ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  cuda_module_failure = g_strdup_printf ("the CUDA backend module could not be loaded (%s)", what);
}

/* $INKLING_CUDA_MODULE when set (then nothing else is tried), else the build
 * tree's module when it exists, else the installed one. */
static char *
cuda_module_path (void)
{
  const char *env = g_getenv ("INKLING_CUDA_MODULE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (INK_CUDA_MODULE_BUILD, G_FILE_TEST_IS_REGULAR))
    return g_strdup (INK_CUDA_MODULE_BUILD);
  return g_strdup (INK_CUDA_MODULE_INSTALLED);
}

static void
cuda_module_open (void)
{
  g_autofree char *path = cuda_module_path ();
  GModule *driver, *module;
  gpointer abi_sym = NULL, create_sym = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      cuda_module_fail ("%s: %s", path, g_strerror (ENOENT));
      return;
    }

  /* the CUDA runtime would open it itself; kept open, it is then shared */
  driver = g_module_open ("libcuda.so.1", G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (driver == NULL)
    {
      cuda_module_failure = g_strdup_printf ("no CUDA device: the NVIDIA driver is not "
                                             "installed (%s)", g_module_error ());
      return;
    }
  g_module_make_resident (driver);

  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      cuda_module_fail ("%s", g_module_error ());
      return;
    }
  /* kept open even when unusable: unloading the CUDA libraries is not safe */
  g_module_make_resident (module);

  if (!g_module_symbol (module, "ink_cuda_module_abi", &abi_sym) ||
      !g_module_symbol (module, "ink_cuda_module_create", &create_sym) ||
      abi_sym == NULL || create_sym == NULL)
    {
      cuda_module_fail ("%s", g_module_error ());
      return;
    }

  guint abi = ((CudaModuleAbiFunc) abi_sym) ();
  if (abi != INK_BACKEND_MODULE_ABI)
    {
      cuda_module_fail ("%s was built for backend interface %u, this program needs %u",
                        path, abi, (guint) INK_BACKEND_MODULE_ABI);
      return;
    }

  g_debug ("CUDA backend module: %s", path);
  cuda_module_create = (CudaModuleCreateFunc) create_sym;
}

static CudaModuleCreateFunc
cuda_module_load (GError **error)
{
  CudaModuleCreateFunc create;

  g_mutex_lock (&cuda_module_lock);
  if (!cuda_module_tried)
    {
      cuda_module_tried = TRUE;
      cuda_module_open ();
    }
  create = cuda_module_create;
  if (create == NULL)
    g_set_error_literal (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE,
                         cuda_module_failure);
  g_mutex_unlock (&cuda_module_lock);

  return create;
}

static InkBackend *
cuda_backend_new (GError **error)
{
  CudaModuleCreateFunc create = cuda_module_load (error);

  return create != NULL ? create (error) : NULL;
}

#endif /* INK_HAVE_CUDA */

gboolean
ink_backend_cuda_available (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

#ifdef INK_HAVE_CUDA
  InkBackend *be = cuda_backend_new (error);

  if (be == NULL)
    return FALSE;
  ink_backend_free (be);
  return TRUE;
#else
  g_set_error_literal (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE,
                       NO_CUDA_BUILD_MESSAGE);
  return FALSE;
#endif
}

InkBackend *
ink_backend_new (const char  *name,
                 GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL || g_strcmp0 (name, "auto") == 0)
    {
#ifdef INK_HAVE_CUDA
      GError *local_error = NULL;
      InkBackend *be = cuda_backend_new (&local_error);

      if (be != NULL)
        return be;
      g_debug ("no usable CUDA backend, using the CPU: %s", local_error->message);
      g_clear_error (&local_error);
#endif
      return ink_backend_cpu_new ();
    }

  if (g_strcmp0 (name, "cpu") == 0)
    return ink_backend_cpu_new ();

  if (g_strcmp0 (name, "cuda") == 0)
    {
#ifdef INK_HAVE_CUDA
      return cuda_backend_new (error);
#else
      g_set_error_literal (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE,
                           NO_CUDA_BUILD_MESSAGE);
      return NULL;
#endif
    }

  g_set_error (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNKNOWN,
               "unknown backend “%s” (choose cpu, cuda or auto)", name);
  return NULL;
}

void
ink_backend_free (InkBackend *be)
{
  if (be == NULL)
    return;

  if (be->ops != NULL && be->ops->destroy != NULL)
    be->ops->destroy (be);
  else if (be->ctx != NULL)
    g_warning ("ink_backend_free: backend “%s” not released",
               be->ops != NULL ? be->ops->name : "(null)");

  g_free (be->device_name);
  g_free (be);
}

/* ------------------------------------------------------------------------ */
/* the process-wide GPU probe                                                */

static GMutex   gpu_probe_lock;
static gboolean gpu_probe_done;
static char    *gpu_probe_description;   /* the device, when usable */
static GError  *gpu_probe_error;         /* the reason, when not */

/* the answer, probed first when not known yet (on the caller's thread) */
static void
gpu_probe_answer (char **description, GError **error)
{
  g_mutex_lock (&gpu_probe_lock);
  if (!gpu_probe_done)
    {
      InkBackend *be = ink_backend_new ("cuda", &gpu_probe_error);

      if (be != NULL)
        {
          gpu_probe_description = g_strdup (be->device_name != NULL ? be->device_name : be->ops->name);
          ink_backend_free (be);
        }
      gpu_probe_done = TRUE;
    }
  *description = g_strdup (gpu_probe_description);
  *error = gpu_probe_error != NULL ? g_error_copy (gpu_probe_error) : NULL;
  g_mutex_unlock (&gpu_probe_lock);
}

static void
gpu_probe_return (GTask *task)
{
  char *description;
  GError *error;

  gpu_probe_answer (&description, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, description, g_free);
}

static void
gpu_probe_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  gpu_probe_return (task);
}

void
ink_backend_probe_gpu_async (GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  gboolean known;

  g_task_set_source_tag (task, ink_backend_probe_gpu_async);
  g_task_set_name (task, "[inkling] GPU probe");

  g_mutex_lock (&gpu_probe_lock);
  known = gpu_probe_done;
  g_mutex_unlock (&gpu_probe_lock);
  if (known)
    {
      /* GTask still calls back from the main context, never from here */
      gpu_probe_return (task);
      return;
    }
  /* a cancel answers at once; the probe runs on and keeps its answer */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, gpu_probe_thread);
}

gboolean
ink_backend_probe_gpu_finish (GAsyncResult  *result,
                              char         **description,
                              GError       **error)
{
  char *found;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ink_backend_probe_gpu_async, FALSE);

  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return FALSE;
  if (description != NULL)
    *description = found;
  else
    g_free (found);
  return TRUE;
}
