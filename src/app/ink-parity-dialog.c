/* ink-parity-dialog.c
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

/* The CPU/GPU comparison of the Evaluate page: the worker thread, its
 * report, and the dialog that shows it. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ink-parity.h"
#include "ink-parity-dialog.h"

#define PARITY_BATCH 256

typedef struct
{
  InkNetSpec *spec;
  float      *params;
  float      *x;
  int         batch;
  char       *device;
  GPtrArray  *rows;
  char       *refused;   /* the GPU backend's reason for not running this network */
} ParityJob;

static void
parity_job_free (ParityJob *job)
{
  g_clear_pointer (&job->spec, ink_net_spec_free);
  g_free (job->params);
  g_free (job->x);
  g_free (job->device);
  g_free (job->refused);
  g_clear_pointer (&job->rows, g_ptr_array_unref);
  g_free (job);
}

static void
parity_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ParityJob *job = task_data;
  g_autoptr(InkBackend) gpu = NULL;
  g_autoptr(InkBackend) cpu = NULL;
  g_autoptr(InkNetwork) a = NULL;
  g_autoptr(InkNetwork) b = NULL;
  GError *error = NULL;

  if (!(gpu = ink_backend_new ("cuda", &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  cpu = ink_backend_cpu_new ();
  if (!(a = ink_network_new (job->spec, cpu, job->batch, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  /* the GPU backend may refuse the network (it names the layer it cannot
   * run, a convolution for one): a report, not a failure */
  if (!(b = ink_network_new (job->spec, gpu, job->batch, &error)))
    {
      job->device = g_strdup (gpu->device_name);
      job->refused = g_strdup (error->message);
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
      return;
    }
  ink_network_set_params (a, job->params);
  ink_network_set_params (b, job->params);
  if (!ink_parity_compare_networks (a, b, job->x, job->batch, &job->rows, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job->device = g_strdup (gpu->device_name);
  g_task_return_boolean (task, TRUE);
}

void
ink_parity_dialog_compare_async (gpointer             source_object,
                                 const InkNetSpec    *spec,
                                 const float         *params,
                                 const InkNorm       *norm,
                                 const InkDataset    *test,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ParityJob *job;
  guint dim;

  g_return_if_fail (spec != NULL && params != NULL && norm != NULL);
  g_return_if_fail (test != NULL && test->n > 0);

  dim = ink_dataset_dim (test);
  job = g_new0 (ParityJob, 1);
  job->spec = ink_net_spec_copy (spec);
  job->params = g_memdup2 (params, ink_net_spec_n_params (spec) * sizeof (float));
  job->batch = (int) MIN ((guint) PARITY_BATCH, test->n);
  job->x = g_new (float, (gsize) job->batch * dim);
  ink_norm_apply (norm, test->images, job->x, (gsize) job->batch * dim);

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, ink_parity_dialog_compare_async);
  g_task_set_task_data (task, job, (GDestroyNotify) parity_job_free);
  g_task_run_in_thread (task, parity_thread);
}

gboolean
ink_parity_dialog_compare_finish (GAsyncResult  *result,
                                  char         **summary,
                                  char         **table,
                                  GError       **error)
{
  g_autoptr(GError) local = NULL;
  ParityJob *job;
  GString *t;
  double worst = 0.0;

  g_return_val_if_fail (g_async_result_is_tagged (result, ink_parity_dialog_compare_async), FALSE);
  g_return_val_if_fail (summary != NULL && table != NULL, FALSE);

  *summary = *table = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      *summary = g_strdup_printf (_("The comparison needs a CUDA GPU: %s"), local->message);
      return TRUE;
    }

  job = g_task_get_task_data (G_TASK (result));
  if (job->refused)
    {
      *summary = g_strdup_printf (_("The GPU backend (%s) cannot run this network, so there is nothing "
                                    "to compare the CPU with: %s."), job->device, job->refused);
      return TRUE;
    }
  t = g_string_new (NULL);
  g_string_append_printf (t, "%-7s %-12s %9s %12s %12s\n", _("layer"), _("quantity"),
                          _("values"), _("max abs"), _("max rel"));
  for (guint i = 0; i < job->rows->len; i++)
    {
      const InkParityRow *r = g_ptr_array_index (job->rows, i);
      g_string_append_printf (t, "%-7d %-12s %9" G_GSIZE_FORMAT " %12.3e %12.3e\n",
                              r->layer + 1, ink_parity_kind_to_string (r->kind), r->n,
                              r->max_abs, r->max_rel);
      worst = MAX (worst, r->max_rel);
    }
  *table = g_string_free (t, FALSE);
  *summary = g_strdup_printf (_("The same weights and %d test digits through the CPU "
                                "(OpenBLAS) and %s: the largest relative difference "
                                "is %.2e (%s)."),
                              job->batch, job->device, worst,
                              worst <= 1e-4 ? _("they agree") : _("more than 1e-4"));
  return TRUE;
}

gboolean
ink_parity_dialog_compare_refused (GAsyncResult *result)
{
  ParityJob *job;

  g_return_val_if_fail (g_async_result_is_tagged (result, ink_parity_dialog_compare_async), FALSE);

  job = g_task_get_task_data (G_TASK (result));
  return job != NULL && job->refused != NULL;
}

void
ink_parity_dialog_present (GtkWidget  *parent,
                           const char *summary,
                           const char *table)
{
  ink_parity_dialog_present_full (parent, NULL, summary, table);
}

void
ink_parity_dialog_present_full (GtkWidget  *parent,
                                const char *heading,
                                const char *summary,
                                const char *table)
{
  GtkRoot *root;
  GtkWidget *dialog;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (summary != NULL);

  if (heading == NULL)
    heading = table != NULL ? _("CPU and GPU Agreement") : _("No GPU to Compare With");
  root = gtk_widget_get_root (parent);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   heading, summary);
  if (table != NULL)
    {
      GtkWidget *label = gtk_label_new (table);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "monospace");
      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}
