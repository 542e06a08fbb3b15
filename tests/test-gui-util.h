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
gui_is_mapped (gpointer w)
{
  return gtk_widget_get_mapped (w);
}

static inline gboolean
gui_is_unmapped (gpointer w)
{
  return !gtk_widget_get_mapped (w);
}

#ifdef GDK_WINDOWING_X11
/* real pointer input (XTEST through xdotool); without it the test skips */
static inline gboolean
gui_have_xdotool (void)
{
  g_autofree char *x = g_find_program_in_path ("xdotool");

  if (x == NULL || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("needs xdotool and an X11 display");
      return FALSE;
    }
  return TRUE;
}

/* a real pointer click at (x, y) of w, in the surface w is on (a popover
 * has its own); a pointer can only click what that surface shows */
static inline void
gui_xclick_at (GtkWidget *w, double x, double y)
{
  GtkNative *native = gtk_widget_get_native (w);
  graphene_point_t p;
  double dx = 0, dy = 0;
  g_autofree char *args = NULL;

  g_assert_true (gtk_widget_get_mapped (w));
  g_assert_true (gtk_widget_compute_point (w, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &p));
  g_assert_true (p.x >= 0 && p.y >= 0 && p.x < gtk_widget_get_width (GTK_WIDGET (native)) &&
                 p.y < gtk_widget_get_height (GTK_WIDGET (native)));
  gtk_native_get_surface_transform (native, &dx, &dy);
  args = g_strdup_printf ("mousemove --sync --window %%lu %d %d click 1", (int) (p.x + dx), (int) (p.y + dy));
  g_assert_true (xdo (GTK_WIDGET (native), args));
  wait_ms (100);
  gui_pump ();
}

/* scrolls the scrolled windows above w, the nearest first, until w is in
 * their view, as a user scrolls to it before a click (a narrow window can
 * nest a pane's scroller in the page's) */
static inline void
gui_scroll_into_view (GtkWidget *w)
{
  GtkWidget *sw = gtk_widget_get_ancestor (w, GTK_TYPE_SCROLLED_WINDOW);

  for (; sw != NULL; sw = gtk_widget_get_parent (sw) != NULL
                          ? gtk_widget_get_ancestor (gtk_widget_get_parent (sw), GTK_TYPE_SCROLLED_WINDOW)
                          : NULL)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (sw));
      graphene_rect_t b;

      g_assert_true (gtk_widget_compute_bounds (w, sw, &b));
      if (b.origin.y < 0)
        gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + b.origin.y);
      else if (b.origin.y + b.size.height > gtk_widget_get_height (sw))
        gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + b.origin.y +
                                       b.size.height - gtk_widget_get_height (sw));
      gui_pump ();
      gtk_test_widget_wait_for_draw (sw);
    }
  /* a scroller taller than its window (a page wider than the window's
   * minimum keeps its natural height) shows w only once w is inside the
   * window too */
  sw = gtk_widget_get_ancestor (w, GTK_TYPE_SCROLLED_WINDOW);
  if (sw != NULL)
    {
      GtkWidget *native = GTK_WIDGET (gtk_widget_get_native (w));
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (sw));
      graphene_rect_t b;
      double over;

      g_assert_true (gtk_widget_compute_bounds (w, native, &b));
      over = b.origin.y + b.size.height - gtk_widget_get_height (native);
      if (over > 0)
        {
          gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + over + 8);
          gui_pump ();
          gtk_test_widget_wait_for_draw (sw);
        }
    }
}

/* real key presses or typing (xdotool's key / type arguments) into the
 * window w is on, where the focus is */
static inline void
gui_xkeys (GtkWidget *w, const char *args)
{
  g_assert_true (xdo (GTK_WIDGET (gtk_widget_get_native (w)), args));
  gui_pump ();
}

static inline void
gui_xclick (GtkWidget *w)
{
  gui_xclick_at (w, gtk_widget_get_width (w) / 2.0, gtk_widget_get_height (w) / 2.0);
}

/* Types text into an entry or spin button as a user does: scrolled into
 * view, a real click into it, ctrl+a, the keys, Enter.  Without xdotool or
 * X11, the text is set and the widget activated instead. */
static inline void
gui_xtype_into (GtkWidget *editable, const char *text)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (editable));
  GtkWidget *target = delegate ? GTK_WIDGET (delegate) : editable;

  if (gui_have_xdotool () && GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_autofree char *q = g_shell_quote (text);
      g_autofree char *args = g_strdup_printf ("key ctrl+a BackSpace type --delay 10 %s", q);

      /* a row shown a moment ago may not be laid out yet */
      for (int i = 0; i < 50 && gtk_widget_get_height (target) == 0; i++)
        {
          g_usleep (20000);
          gui_pump ();
        }
      gtk_test_widget_wait_for_draw (GTK_WIDGET (gtk_widget_get_native (editable)));
      gui_scroll_into_view (editable);
      gui_xclick (target);
      gui_xkeys (editable, args);
      gui_xkeys (editable, "key Return");
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editable)), ==, text);
      return;
    }
  gtk_widget_grab_focus (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  gtk_widget_activate (target);
  gui_pump ();
}
#endif

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
  /* a busy machine may map the popover and build its items a few main
   * loop turns later */
  for (int tries = 0; tries < 100; tries++)
    {
      item = gtk_widget_get_mapped (GTK_WIDGET (popover)) ?
             gui_find (GTK_WIDGET (popover), gui_match_item, text) : NULL;
      if (item != NULL && gtk_widget_get_mapped (item))
        break;
      gui_pump ();
    }
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));
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

/* ---- layout checks (the 800×600 tests) ---- */

/* whether the window (less the decorations' margins) is no larger than
 * 800×600 */
static inline gboolean
gui_window_within_800x600 (gpointer window)
{
  return gtk_widget_get_width (window) <= 800 && gtk_widget_get_height (window) <= 600;
}

/* the first mapped label cut short by an ellipsis under `root`, or NULL */
static inline GtkWidget *
gui_find_truncated_label (GtkWidget *root)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (!gtk_widget_get_mapped (c))
        continue;
      if (GTK_IS_LABEL (c) && gtk_label_get_ellipsize (GTK_LABEL (c)) != PANGO_ELLIPSIZE_NONE &&
          pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (c))))
        return c;
      if ((found = gui_find_truncated_label (c)))
        return found;
    }
  return NULL;
}

/* a GuiMatch: a mapped label whose text is ellipsized */
static inline gboolean
gui_match_ellipsized (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) &&
         pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (w)));
}

/* logs the minimum and natural heights of w at `width` and of its visible
 * children at theirs, down to max_depth (diagnostics for a test that fails) */
static inline void
gui_dump_heights (GtkWidget *w, int width, int depth, int max_depth)
{
  int min, nat;

  gtk_widget_measure (w, GTK_ORIENTATION_VERTICAL, width, &min, &nat, NULL, NULL);
  g_test_message ("%*s%s %s: %d/%d (at %d)", depth * 2, "", G_OBJECT_TYPE_NAME (w), gtk_widget_get_name (w),
                  min, nat, width);
  if (depth < max_depth)
    for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
      if (gtk_widget_get_visible (c))
        gui_dump_heights (c, gtk_widget_get_width (c) > 0 ? gtk_widget_get_width (c) : width, depth + 1,
                          max_depth);
}

/* ---- widgets on their own ---- */

/* child alone in a new window of that default size, shown and drawn */
static inline GtkWidget *
gui_show_in_window (GtkWidget *child, int width, int height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  gui_pump ();
  return window;
}

/* the + or − button of a GtkSpinButton (css_class "up" or "down"); fails
 * the test without one */
static inline GtkWidget *
gui_spin_button_part (GtkWidget *spin, const char *css_class)
{
  for (GtkWidget *c = gtk_widget_get_first_child (spin); c; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_BUTTON (c) && gtk_widget_has_css_class (c, css_class))
      return c;
  g_error ("no %s button", css_class);
  return NULL;
}

/* ---- the workbench window (the tests link the app) ---- */

#include "ink-evaluate-page.h"
#include "ink-window.h"

/* gui_wait_for conditions on an InkWindow: the data set is loaded; the run
 * has finished or failed; the Evaluate page has its metrics */
static inline gboolean
gui_has_data (gpointer win)
{
  return ink_window_has_data (win);
}

static inline gboolean
gui_run_ended (gpointer win)
{
  InkRun *run = ink_window_get_run (win);

  return run && (ink_run_get_state (run) == INK_RUN_FINISHED || ink_run_get_state (run) == INK_RUN_FAILED);
}

static inline gboolean
gui_evaluated (gpointer win)
{
  InkEvaluatePage *page = INK_EVALUATE_PAGE (ink_window_get_page (win, "evaluate"));

  return !ink_evaluate_page_get_busy (page) && ink_evaluate_page_get_metrics (page) != NULL;
}

/* GuiMatch: a menu button labelled text; the header's view switcher button
 * titled title (mapped) */
static inline gboolean
gui_match_menu_label (GtkWidget *w, gconstpointer text)
{
  return GTK_IS_MENU_BUTTON (w) && g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (w)), text) == 0;
}

static inline gboolean
gui_match_switcher_button (GtkWidget *w, gconstpointer title)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (w), "AdwViewSwitcherButton") && gtk_widget_get_mapped (w) &&
         gui_find (w, gui_match_exact_label, title) != NULL;
}

/* A workbench window of app on the ledger under ledger_dir and the data
 * sets under data_dir, shown, its data set loaded (30 s at most) */
static inline InkWindow *
gui_new_window (InkApplication *app, const char *ledger_dir, const char *data_dir)
{
  InkWindow *win = ink_window_new (app);

  ink_window_set_ledger_root (win, ledger_dir);
  ink_window_set_data_dir (win, data_dir);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (gui_wait_for (gui_has_data, win, 30));
  return win;
}
