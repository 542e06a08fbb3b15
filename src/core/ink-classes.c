/* ink-classes.c
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

/* The class names of a dataset (digits or Fashion-MNIST's clothing). */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ink-classes.h"

static const char * const digit_names[INK_N_CLASSES + 1] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL
};

/* in label order, as Zalando's README lists them */
static const char * const fashion_names[INK_N_CLASSES + 1] = {
  N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"),
  N_("Sandal"), N_("Shirt"), N_("Sneaker"), N_("Bag"), N_("Ankle boot"), NULL
};

static gboolean
is_fashion (const char *dataset)
{
  g_autofree char *base = NULL;
  g_autofree char *lower = NULL;

  if (dataset == NULL || *dataset == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (dataset, "fashion-mnist") == 0)
    return TRUE;
  if (!strchr (dataset, G_DIR_SEPARATOR))
    return FALSE;
  /* a folder: its own name, or its parent's for ".../fashion-mnist/raw/" */
  {
    g_autofree char *canon = g_canonicalize_filename (dataset, "/");
    g_autofree char *parent = g_path_get_dirname (canon);
    g_autofree char *parent_base = g_path_get_basename (parent);

    base = g_path_get_basename (canon);
    lower = g_ascii_strdown (base, -1);
    if (strstr (lower, "fashion"))
      return TRUE;
    g_free (lower);
    lower = g_ascii_strdown (parent_base, -1);
    return strstr (lower, "fashion") != NULL;
  }
}

gboolean
ink_classes_are_digits (const char *dataset)
{
  return !is_fashion (dataset);
}

const char * const *
ink_class_names (const char *dataset)
{
  static const char *translated[INK_N_CLASSES + 1];
  static gsize done = 0;

  if (!is_fashion (dataset))
    return digit_names;
  if (g_once_init_enter (&done))
    {
      for (guint i = 0; i < INK_N_CLASSES; i++)
        translated[i] = _(fashion_names[i]);
      translated[INK_N_CLASSES] = NULL;
      g_once_init_leave (&done, 1);
    }
  return translated;
}
