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

#include "config.h"

#include "ink-backend.h"

G_DEFINE_QUARK (ink-backend-error-quark, ink_backend_error)

gboolean
ink_backend_cuda_compiled (void)
{
#ifdef INK_HAVE_CUDA
  return TRUE;
#else
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
      InkBackend *be = ink_backend_cuda_new (&local_error);

      if (be != NULL)
        return be;
      g_debug ("no usable CUDA device, using the CPU: %s", local_error->message);
      g_clear_error (&local_error);
#endif
      return ink_backend_cpu_new ();
    }

  if (g_strcmp0 (name, "cpu") == 0)
    return ink_backend_cpu_new ();

  if (g_strcmp0 (name, "cuda") == 0)
    {
#ifdef INK_HAVE_CUDA
      return ink_backend_cuda_new (error);
#else
      g_set_error_literal (error, INK_BACKEND_ERROR, INK_BACKEND_ERROR_UNAVAILABLE,
                           "this build of Inkling has no CUDA backend (built without CUDA)");
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

  if (be->ops != NULL && g_strcmp0 (be->ops->name, "cpu") == 0)
    ink_backend_cpu_destroy (be);
#ifdef INK_HAVE_CUDA
  else if (be->ops != NULL && g_strcmp0 (be->ops->name, "cuda") == 0)
    ink_backend_cuda_destroy (be);
#endif
  else if (be->ctx != NULL)
    g_warning ("ink_backend_free: backend “%s” not released",
               be->ops != NULL ? be->ops->name : "(null)");

  g_free (be->device_name);
  g_free (be);
}
