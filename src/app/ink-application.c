/* ink-application.c
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

/* The application: its actions, accelerators, settings and the window
 * it opens (files given on the command line included). */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "ink-application.h"
#include "ink-window.h"

struct _InkApplication
{
  AdwApplication parent_instance;
  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (InkApplication, ink_application, ADW_TYPE_APPLICATION)

GResource *ink_app_get_resource (void);

InkApplication *
ink_application_new (void)
{
  return g_object_new (INK_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/inkling/Inkling",
                       NULL);
}

GSettings *
ink_application_get_settings (InkApplication *self)
{
  return self->settings;
}

static InkWindow *
get_window (InkApplication *self)
{
  GtkWindow *w = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (w == NULL)
    {
      w = GTK_WINDOW (ink_window_new (self));
    }
  return INK_WINDOW (w);
}

static void
ink_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (INK_APPLICATION (app))));
}

static void
ink_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  InkWindow *win = get_window (INK_APPLICATION (app));

  for (int i = 0; i < n_files; i++)
    ink_window_open_file (win, files[i]);
  gtk_window_present (GTK_WINDOW (win));
}

static void
on_quit (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (app));

  /* closing each window stops its run (keeping it in the ledger) */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

/* SIGTERM (a logout, systemd, kill) and SIGINT (Ctrl+C in the terminal
 * that started it) quit as Ctrl+Q does: a run in progress stops at its
 * next minibatch and keeps its work in the ledger before the window goes */
static gboolean
on_stop_signal (gpointer user_data)
{
  GApplication *app = user_data;

  if (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL)
    g_application_quit (app);
  else
    g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static void
on_about (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { _("The Inkling developers"), NULL };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());

  adw_about_window_set_application_name (about, "Inkling");
  adw_about_window_set_application_icon (about, APPLICATION_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Inkling developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_comments (about, _("Build, train and inspect neural networks on handwritten digits"));
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_dark_style (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  InkApplication *self = user_data;
  gboolean dark = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_DEFAULT);
  if (self->settings)
    g_settings_set_boolean (self->settings, "dark-style", dark);
}

static void
ink_application_startup (GApplication *app)
{
  InkApplication *self = INK_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  gboolean dark = FALSE;
  const GActionEntry entries[] = {
    { "quit", on_quit, NULL, NULL, NULL },
    { "about", on_about, NULL, NULL, NULL },
    { "dark-style", NULL, NULL, "false", on_dark_style },
  };
  const char *quit_accels[] = { "<Control>q", NULL };

  g_resources_register (ink_app_get_resource ());
  G_APPLICATION_CLASS (ink_application_parent_class)->startup (app);

  if (source)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema)
    self->settings = g_settings_new (APPLICATION_ID);
  else
    g_message ("the GSettings schema %s is not installed; settings will not be kept", APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  g_unix_signal_add (SIGTERM, on_stop_signal, app);
  g_unix_signal_add (SIGINT, on_stop_signal, app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);

  if (self->settings)
    dark = g_settings_get_boolean (self->settings, "dark-style");
  if (dark)
    {
      GAction *a = g_action_map_lookup_action (G_ACTION_MAP (app), "dark-style");
      g_simple_action_set_state (G_SIMPLE_ACTION (a), g_variant_new_boolean (TRUE));
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
    }
}

static void
ink_application_finalize (GObject *object)
{
  InkApplication *self = INK_APPLICATION (object);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (ink_application_parent_class)->finalize (object);
}

static void
ink_application_class_init (InkApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ink_application_finalize;
  app_class->activate = ink_application_activate;
  app_class->open = ink_application_open;
  app_class->startup = ink_application_startup;
}

static void
ink_application_init (InkApplication *self)
{
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[MODEL.safetensors | EXPERIMENT.json…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("A workbench for neural networks on handwritten digits.\n"
                                              "A model file opens in the Draw, Features and Evaluate pages;\n"
                                              "an experiment file fills the Design page."));
}
