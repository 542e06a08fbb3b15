/* ink-number-field.c
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

/* Number fields: the text of an entry or spin button parsed and checked
 * against an InkNumberRule, written back as the shortest exact text; and
 * counts with thousands separators. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-ledger.h"
#include "ink-number-field.h"

#define RENDERED_KEY "ink-number-rendered"

static gboolean
parse_real (const char *text,
            double     *out)
{
  char *end = NULL;
  double v;

  if (*text == '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (v))
    {
      /* a decimal comma, as typed in many locales */
      g_autofree char *dot = NULL;

      if (strchr (text, ',') == NULL || strchr (text, '.') != NULL)
        return FALSE;
      dot = g_strdelimit (g_strdup (text), ",", '.');
      v = g_ascii_strtod (dot, &end);
      if (end == dot || *end != '\0' || !isfinite (v))
        return FALSE;
    }
  *out = v;
  return TRUE;
}

static void
format_bound (char   *buf,
              gsize   len,
              double  v)
{
  g_ascii_formatd (buf, len, "%g", v);
}

gboolean
ink_number_parse (const InkNumberRule *rule,
                  const char          *text,
                  double              *value,
                  gint64              *ivalue,
                  char               **message)
{
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
  const char *name = _(rule->name);
  char *msg = NULL;
  double v = 0.0;
  gint64 iv = 0;

  if (*t == '\0')
    msg = g_strdup (rule->integer ? _("enter a whole number") : _("enter a number"));
  else if (rule->integer)
    {
      if (!g_ascii_string_to_signed (t, 10, G_MININT64, G_MAXINT64, &iv, NULL))
        {
          double d;

          if (!parse_real (t, &d))
            msg = g_strdup_printf (_("“%s” is not a number"), t);
          else if (d != floor (d))
            msg = g_strdup_printf (_("“%s” is not a whole number"), t);
          else if (d < (double) rule->imin)
            msg = g_strdup_printf (_("%s must be at least %" G_GINT64_FORMAT), name, rule->imin);
          else if (d > (double) rule->imax)
            msg = g_strdup_printf (_("%s must be at most %" G_GINT64_FORMAT), name, rule->imax);
          else
            iv = (gint64) d;
        }
      if (msg == NULL && iv < rule->imin)
        msg = g_strdup_printf (_("%s must be at least %" G_GINT64_FORMAT), name, rule->imin);
      else if (msg == NULL && iv > rule->imax)
        msg = g_strdup_printf (_("%s must be at most %" G_GINT64_FORMAT), name, rule->imax);
      v = (double) iv;
    }
  else
    {
      char b[G_ASCII_DTOSTR_BUF_SIZE];

      if (!parse_real (t, &v))
        msg = g_strdup_printf (_("“%s” is not a number"), t);
      else if (rule->min_open ? v <= rule->min : v < rule->min)
        {
          format_bound (b, sizeof b, rule->min);
          msg = rule->min_open ? g_strdup_printf (_("%s must be above %s"), name, b)
                               : g_strdup_printf (_("%s must be at least %s"), name, b);
        }
      else if (rule->max_open ? v >= rule->max : v > rule->max)
        {
          format_bound (b, sizeof b, rule->max);
          msg = rule->max_open ? g_strdup_printf (_("%s must be below %s"), name, b)
                               : g_strdup_printf (_("%s must be at most %s"), name, b);
        }
      iv = (gint64) CLAMP (v, (double) G_MININT32, (double) G_MAXINT32);
    }

  if (msg != NULL)
    {
      if (message)
        *message = msg;
      else
        g_free (msg);
      return FALSE;
    }
  if (value)
    *value = v;
  if (ivalue)
    *ivalue = iv;
  if (message)
    *message = NULL;
  return TRUE;
}

char *
ink_number_format (const InkNumberRule *rule,
                   double               value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char fmt[8];
  int p;

  if (rule->integer)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) llround (value));
  if (value == 0.0 || !isfinite (value))
    return g_strdup ("0");

  /* the shortest text that reads back as the same value */
  for (p = 1; p < 17; p++)
    {
      double back;

      g_snprintf (fmt, sizeof fmt, "%%.%dg", p);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      back = g_ascii_strtod (buf, NULL);
      if (rule->single ? (float) back == (float) value : back == value)
        break;
    }
  /* no exponent for numbers like 10000 */
  if (fabs (value) >= 1.0 && fabs (value) < 1e15)
    {
      int int_digits = (int) floor (log10 (fabs (value))) + 1;
      if (int_digits > p)
        {
          g_snprintf (fmt, sizeof fmt, "%%.%dg", int_digits);
          g_ascii_formatd (buf, sizeof buf, fmt, value);
        }
    }
  return g_strdup (buf);
}

/* The value the spin button's text was last written for.  The spin button
 * emits "output" whenever it wants its text redone: when realized, when
 * activated text is refused (to revert it), and when its value changes.
 * Only the last is a reason to rewrite the text. */
static double *
spin_rendered (GtkSpinButton *spin)
{
  double *rendered = g_object_get_data (G_OBJECT (spin), RENDERED_KEY);

  if (rendered == NULL)
    {
      rendered = g_new (double, 1);
      *rendered = NAN;
      g_object_set_data_full (G_OBJECT (spin), RENDERED_KEY, rendered, g_free);
    }
  return rendered;
}

static int
on_spin_input (GtkSpinButton *spin,
               double        *new_value,
               gpointer       data)
{
  const InkNumberRule *rule = data;
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (spin);
  double v;

  if (ink_number_parse (rule, gtk_editable_get_text (GTK_EDITABLE (spin)), &v, NULL, NULL) &&
      v >= gtk_adjustment_get_lower (adj) && v <= gtk_adjustment_get_upper (adj))
    {
      *new_value = v;
      return TRUE;
    }
  /* refused, or beyond the buttons' range: the spin button keeps its value
   * and "output" keeps the text, so that its owner can show why */
  *new_value = gtk_adjustment_get_value (adj);
  return GTK_INPUT_ERROR;
}

static gboolean
on_spin_output (GtkSpinButton *spin,
                gpointer       data)
{
  const InkNumberRule *rule = data;
  double value = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  double *rendered = spin_rendered (spin);
  g_autofree char *text = NULL;

  if (value == *rendered)
    return TRUE;
  *rendered = value;
  text = ink_number_format (rule, value);
  if (!g_str_equal (text, gtk_editable_get_text (GTK_EDITABLE (spin))))
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* the typed text as a value the ± buttons may step from */
static gboolean
spin_text_value (GtkSpinButton       *spin,
                 const InkNumberRule *rule,
                 double              *value)
{
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (spin);
  double v;

  if (!ink_number_parse (rule, gtk_editable_get_text (GTK_EDITABLE (spin)), &v, NULL, NULL))
    return FALSE;
  if (v < gtk_adjustment_get_lower (adj) || v > gtk_adjustment_get_upper (adj))
    return FALSE;
  if (value)
    *value = v;
  return TRUE;
}

/* The ± buttons step from what is typed; while the text is refused they
 * are insensitive (else they would silently step from the last valid
 * value and throw the typed text away). */
static void
spin_update_buttons (GtkSpinButton       *spin,
                     const InkNumberRule *rule)
{
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (spin);
  gboolean wrap = gtk_spin_button_get_wrap (spin);
  double v = 0;
  gboolean ok = spin_text_value (spin, rule, &v);

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (spin)); c; c = gtk_widget_get_next_sibling (c))
    {
      if (!GTK_IS_BUTTON (c))
        continue;
      if (gtk_widget_has_css_class (c, "up"))
        gtk_widget_set_sensitive (c, ok && (wrap || v < gtk_adjustment_get_upper (adj)));
      else if (gtk_widget_has_css_class (c, "down"))
        gtk_widget_set_sensitive (c, ok && (wrap || v > gtk_adjustment_get_lower (adj)));
    }
}

static void
on_spin_text_changed (GtkSpinButton *spin,
                      gpointer       rule)
{
  spin_update_buttons (spin, rule);
}

static void
on_spin_value_changed (GtkSpinButton *spin,
                       gpointer       rule)
{
  /* after the spin button's own update of its buttons */
  spin_update_buttons (spin, rule);
}

/* the keys (Up, Page Up…) step like the buttons: not from a refused text */
static void
on_spin_change_value (GtkSpinButton *spin,
                      GtkScrollType  scroll,
                      gpointer       rule)
{
  if (!spin_text_value (spin, rule, NULL))
    g_signal_stop_emission_by_name (spin, "change-value");
}

void
ink_number_spin_init (GtkSpinButton       *spin,
                      const InkNumberRule *rule)
{
  g_return_if_fail (GTK_IS_SPIN_BUTTON (spin));

  gtk_spin_button_set_numeric (spin, FALSE);
  gtk_spin_button_set_update_policy (spin, GTK_UPDATE_IF_VALID);
  g_signal_connect (spin, "input", G_CALLBACK (on_spin_input), (gpointer) rule);
  g_signal_connect (spin, "output", G_CALLBACK (on_spin_output), (gpointer) rule);
  g_signal_connect (spin, "changed", G_CALLBACK (on_spin_text_changed), (gpointer) rule);
  g_signal_connect_after (spin, "value-changed", G_CALLBACK (on_spin_value_changed), (gpointer) rule);
  g_signal_connect (spin, "change-value", G_CALLBACK (on_spin_change_value), (gpointer) rule);
}

static void
set_text (GtkWidget  *editable,
          const char *text)
{
  if (!g_str_equal (text, gtk_editable_get_text (GTK_EDITABLE (editable))))
    gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static void
spin_set_value (GtkWidget *editable,
                double     value)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (editable);

  gtk_spin_button_set_value (spin, value);
  /* clamped to the adjustment: the text below says what it is */
  *spin_rendered (spin) = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
}

void
ink_number_set (GtkWidget           *editable,
                const InkNumberRule *rule,
                double               value)
{
  g_autofree char *text = ink_number_format (rule, value);

  if (GTK_IS_SPIN_BUTTON (editable))
    spin_set_value (editable, value);
  set_text (editable, text);
}

void
ink_number_set_int (GtkWidget *editable,
                    gint64     value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  if (GTK_IS_SPIN_BUTTON (editable))
    spin_set_value (editable, (double) value);
  set_text (editable, text);
}

char *
ink_format_count (guint64 n)
{
  return ink_format_thousands (n);
}
