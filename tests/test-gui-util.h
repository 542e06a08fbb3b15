/* test-gui-util.h
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

/* Driving the workbench through its widgets: find a button by its action or
 * label, open a menu button's popover and click one of its items (the
 * GtkModelButton a user clicks), read what labels show. */

#include <gtk/gtk.h>
#include <string.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>

/* runs xdotool with the window's X id in place of %lu (every one): a real
 * pointer or keyboard event.  FALSE (nothing done) without xdotool or X11. */
static inline gboolean
xdo (GtkWidget *window, const char *args_fmt)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  gulong xid;
  g_autofree char *args = NULL;
  g_autofree char *cmd = NULL;
  GString *expanded;
  int status = 0;

  if (xdotool == NULL || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    return FALSE;
  xid = (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  expanded = g_string_new (args_fmt);
  {
    g_autofree char *id = g_strdup_printf ("%lu", xid);
    g_string_replace (expanded, "%lu", id, 0);
  }
  args = g_string_free (expanded, FALSE);
  cmd = g_strdup_printf ("%s %s", xdotool, args);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return TRUE;
}
#endif

/* runs the main loop for ms milliseconds */
static inline void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static inline void
gui_pump (void)
{
  for (int i = 0; i < 5; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

static inline gboolean
gui_wait_for (gboolean (*cond) (gpointer), gpointer data, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

typedef gboolean (*GuiMatch) (GtkWidget *w, gconstpointer data);

/* depth first, popovers included (they are children of their parent) */
static inline GtkWidget *
gui_find (GtkWidget *root, GuiMatch match, gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = gui_find (c, match, data);
      if (found)
        return found;
    }
  return NULL;
}

static inline gboolean
gui_match_type (GtkWidget *w, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (w, (GType) GPOINTER_TO_SIZE (type));
}

/* the first widget of a type ("GTK_TYPE_MENU_BUTTON") */
static inline GtkWidget *
gui_find_type (GtkWidget *root, GType type)
{
  return gui_find (root, gui_match_type, GSIZE_TO_POINTER (type));
}

static inline gboolean
gui_match_name (GtkWidget *w, gconstpointer name)
{
  return g_strcmp0 (gtk_widget_get_name (w), name) == 0;
}

/* the widget given this name (gtk_widget_set_name) */
static inline GtkWidget *
gui_find_named (GtkWidget *root, const char *name)
{
  return gui_find (root, gui_match_name, name);
}

static inline gboolean
gui_match_menu_icon (GtkWidget *w, gconstpointer icon)
{
  return GTK_IS_MENU_BUTTON (w) && g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (w)), icon) == 0;
}

static inline gboolean
gui_match_action (GtkWidget *w, gconstpointer action)
{
  return GTK_IS_ACTIONABLE (w) && gtk_widget_get_mapped (w) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), action) == 0;
}

/* a mapped button (or menu item) bound to `action` ("win.start") */
static inline GtkWidget *
gui_find_action (GtkWidget *root, const char *action)
{
  return gui_find (root, gui_match_action, action);
}

static inline gboolean
gui_match_label (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) && strstr (gtk_label_get_text (GTK_LABEL (w)), text) != NULL;
}

/* a mapped label whose shown text (markup parsed) contains `text` */
static inline GtkWidget *
gui_find_label (GtkWidget *root, const char *text)
{
  return gui_find (root, gui_match_label, text);
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
  GtkWidget  *found;
} GuiLabelWait;

static inline gboolean
gui_label_shown (gpointer data)
{
  GuiLabelWait *w = data;

  w->found = gui_find_label (w->root, w->text);
  return w->found != NULL;
}

/* waits (up to timeout_s) for a mapped label containing `text`: a label in a
 * revealer is mapped only once the reveal has begun, which a slow machine
 * may not reach within one gui_pump () */
static inline GtkWidget *
gui_wait_label (GtkWidget *root, const char *text, guint timeout_s)
{
  GuiLabelWait w = { root, text, NULL };

  gui_wait_for (gui_label_shown, &w, timeout_s);
  return w.found;
}

static inline gboolean
gui_match_button_label (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_BUTTON (w) && gtk_widget_get_mapped (w) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), text) == 0;
}

static inline GtkWidget *
gui_find_button (GtkWidget *root, const char *label)
{
  return gui_find (root, gui_match_button_label, label);
}

static inline gboolean
gui_match_exact_label (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (w)), text) == 0;
}

static inline gboolean
gui_match_item (GtkWidget *w, gconstpointer text)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (w), "GtkModelButton") && gtk_widget_get_mapped (w) &&
         gui_find (w, gui_match_exact_label, text) != NULL;
}

static inline void
gui_dump (GtkWidget *w, int depth)
{
  g_printerr ("%*s%s mapped=%d%s%s\n", depth * 2, "", G_OBJECT_TYPE_NAME (w), gtk_widget_get_mapped (w),
              GTK_IS_LABEL (w) ? " " : "", GTK_IS_LABEL (w) ? gtk_label_get_label (GTK_LABEL (w)) : "");
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    gui_dump (c, depth + 1);
}

/* Opens the menu button's popover (as a click on it does) and returns the
 * item labelled `text` (with its mnemonic underscore, as in the menu model),
 * or NULL. */
static inline GtkWidget *
gui_menu_item (GtkMenuButton *button, const char *text)
{
  GtkPopover *popover;
  GtkWidget *item;

  gtk_menu_button_popup (button);
  gui_pump ();
  popover = gtk_menu_button_get_popover (button);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  item = gui_find (GTK_WIDGET (popover), gui_match_item, text);
  if (item == NULL && g_getenv ("GUI_DEBUG"))
    gui_dump (GTK_WIDGET (popover), 0);
  return item;
}

/* clicks a GtkButton or a menu item as a pointer click does */
static inline void
gui_click (GtkWidget *w)
{
  g_assert_nonnull (w);
  g_assert_true (gtk_widget_is_sensitive (w));
  g_signal_emit_by_name (w, "clicked");
  gui_pump ();
}

/* a PNG of the widget under $INK_SHOTS_DIR, when it is set */
static inline void
gui_shot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("INK_SHOTS_DIR");
  GdkPaintable *paintable;
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int w, h;

  if (dir == NULL || *dir == '\0')
    return;
  gui_pump ();
  gtk_test_widget_wait_for_draw (widget);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node)
    {
      texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                             &GRAPHENE_RECT_INIT (0, 0, w, h));
      path = g_build_filename (dir, name, NULL);
      gdk_texture_save_to_png (texture, path);
    }
  g_object_unref (paintable);
}

/* Screenshots of the whole X screen (popovers and dialogs included) at
 * full size and at 800×600, into $INK_SHOTS_DIR as NAME-THEME-WxH.png
 * ($INK_SHOTS_THEME, "light" by default); nothing without INK_SHOTS_DIR. */
static inline gboolean
gui_window_is (gpointer data)
{
  GtkWidget *w = data;
  int *want = g_object_get_data (G_OBJECT (w), "shot-size");
  return gtk_widget_get_width (w) == want[0] && gtk_widget_get_height (w) == want[1];
}

static inline void
screen_shots_n (GtkWindow *win, const char *name, guint n_sizes)
{
  const char *dir = g_getenv ("INK_SHOTS_DIR");
  const char *theme = g_getenv ("INK_SHOTS_THEME");
  static int sizes[2][2] = { { 1280, 800 }, { 800, 600 } };

  if (dir == NULL || *dir == '\0')
    return;
  for (guint i = 0; i < MIN (n_sizes, G_N_ELEMENTS (sizes)); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s-%s-%dx%d.png", name, theme ? theme : "light",
                                               sizes[i][0], sizes[i][1]);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *crop = g_strdup_printf ("%dx%d+0+0", sizes[i][0], sizes[i][1]);
      const char *argv[] = { "import", "-window", "root", "-crop", crop, "+repage", path, NULL };

      g_object_set_data (G_OBJECT (win), "shot-size", sizes[i]);
      gtk_window_set_default_size (win, sizes[i][0], sizes[i][1]);
      gui_wait_for (gui_window_is, win, 3);
      gui_pump ();
      g_usleep (300000);
      gui_pump ();
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  gtk_window_set_default_size (win, sizes[0][0], sizes[0][1]);
  gui_wait_for (gui_window_is, win, 3);
  gui_pump ();
}

static inline void
screen_shots (GtkWindow *win, const char *name)
{
  screen_shots_n (win, name, 2);
}
