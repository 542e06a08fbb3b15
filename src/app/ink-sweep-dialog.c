/* ink-sweep-dialog.c
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

/* The Sweep… dialog: a row per numeric field of the experiment (its
 * canonical JSON's numbers, plus the dropout of hidden layers and the
 * training subset, which the JSON leaves out at their defaults) with a
 * kind and an entry; the sweep section built from them is expanded by
 * the core on every change (ink_sweep_from_json), its count or its
 * refusal shown; the executor (this machine, k at a time; or Slurm,
 * insensitive without sbatch), the metric, the name; Start writes the
 * folder and hands it to the Runs page's Sweeps view. */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ink-sweep-dialog.h"
#include "ink-sweep-plot.h"

typedef enum { KIND_LIST, KIND_UNIFORM, KIND_LOG } Kind;

typedef struct
{
  char      *path;
  char      *current;  /* the experiment's value, as text */
  gboolean   integer;
  GtkWidget *kind;     /* GtkDropDown */
  GtkWidget *entry;
  GtkWidget *error;    /* label under the row */
} Field;

struct _InkSweepDialog
{
  AdwWindow      parent_instance;

  InkExperiment *exp;
  InkSweepView  *sweeps;     /* weak */
  GPtrArray     *fields;     /* Field* */
  InkSweep      *sweep;      /* the last expansion that worked */
  GtkWidget     *count_label;
  GtkWidget     *start;
  GtkWidget     *draws_count;
  GtkWidget     *draws_seed;
  GtkWidget     *draws_box;
  GtkWidget     *local_toggle;
  GtkWidget     *slurm_toggle;
  GtkWidget     *parallel;
  GtkWidget     *slurm_box;
  GtkWidget     *partition;
  GtkWidget     *time_limit;
  GtkWidget     *cpus;
  GtkWidget     *metric;
  GtkWidget     *name;
  gboolean       parallel_touched;
  gboolean       setting_parallel;
};

G_DEFINE_FINAL_TYPE (InkSweepDialog, ink_sweep_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_STARTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const metric_ids[] = { "test_accuracy", "valid_accuracy", "valid_loss", "train_loss" };

static void
field_free (Field *f)
{
  g_free (f->path);
  g_free (f->current);
  g_free (f);
}

/* ---- the fields of the experiment ------------------------------------------ */

static void
add_field (GPtrArray *out, const char *path, JsonNode *value, gboolean integer)
{
  Field *f;

  for (guint i = 0; i < out->len; i++)
    if (g_str_equal (((Field *) out->pdata[i])->path, path))
      return;
  f = g_new0 (Field, 1);
  f->path = g_strdup (path);
  if (value && JSON_NODE_HOLDS_VALUE (value))
    {
      f->integer = json_node_get_value_type (value) == G_TYPE_INT64;
      f->current = f->integer ? g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value))
                              : g_strdup_printf ("%.6g", json_node_get_double (value));
    }
  else
    {
      f->integer = integer;
      f->current = g_strdup (integer ? _("all") : "0");
    }
  g_ptr_array_add (out, f);
}

static gboolean
is_number (JsonNode *n)
{
  GType t;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  t = json_node_get_value_type (n);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static void
add_numbers_of (GPtrArray *out, JsonObject *o, const char *prefix, const char *const *skip)
{
  g_autoptr(GList) members = o ? json_object_get_members (o) : NULL;

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *n = json_object_get_member (o, l->data);
      g_autofree char *path = NULL;

      if (!is_number (n) || (skip && g_strv_contains (skip, l->data)))
        continue;
      path = prefix ? g_strdup_printf ("%s.%s", prefix, (char *) l->data) : g_strdup (l->data);
      add_field (out, path, n, FALSE);
    }
}

/* The numeric fields, the usual ones first: learning rate, batch size,
 * epochs, the rest of the training and the optimizer, each layer's, the
 * augmentation's, the pretraining's, the seed, the training subset. */
static GPtrArray *
experiment_fields (JsonObject *root)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  JsonObject *opt = json_object_get_object_member (root, "optimizer");
  JsonObject *train = json_object_get_object_member (root, "training");
  JsonObject *net = json_object_get_object_member (root, "network");
  JsonObject *data = json_object_get_object_member (root, "data");
  const char *const skip_train[] = { "validation_frequency", NULL };
  const char *const skip_net[] = { "inputs", NULL };

  if (opt && json_object_has_member (opt, "lr"))
    add_field (out, "optimizer.lr", json_object_get_member (opt, "lr"), FALSE);
  if (train && json_object_has_member (train, "batch_size"))
    add_field (out, "training.batch_size", json_object_get_member (train, "batch_size"), TRUE);
  if (train && json_object_has_member (train, "epochs"))
    add_field (out, "training.epochs", json_object_get_member (train, "epochs"), TRUE);
  add_numbers_of (out, train, "training", skip_train);
  add_numbers_of (out, opt, "optimizer", NULL);
  if (net && json_object_has_member (net, "layers"))
    {
      JsonArray *layers = json_object_get_array_member (net, "layers");
      guint n = json_array_get_length (layers);

      for (guint i = 0; i < n; i++)
        {
          JsonObject *layer = json_array_get_object_element (layers, i);
          g_autofree char *prefix = g_strdup_printf ("network.layers[%u]", i);
          const char *type = json_object_get_string_member_with_default (layer, "type", "dense");
          g_autoptr(GList) members = json_object_get_members (layer);

          for (GList *l = members; l; l = l->next)
            {
              JsonNode *v = json_object_get_member (layer, l->data);
              g_autofree char *path = NULL;

              /* the output layer's units are the classes */
              if (!is_number (v) || (i + 1 == n && g_str_equal (l->data, "units")))
                continue;
              path = g_strdup_printf ("%s.%s", prefix, (char *) l->data);
              add_field (out, path, v, FALSE);
            }
          /* a hidden dense layer's dropout, left out at 0 */
          if (i + 1 < n && g_str_equal (type, "dense") && !json_object_has_member (layer, "dropout"))
            {
              g_autofree char *path = g_strdup_printf ("%s.dropout", prefix);
              add_field (out, path, NULL, FALSE);
            }
        }
    }
  /* the distortions, when the design has them (the change of size is
   * left out of the file at 0) */
  if (json_object_has_member (root, "augmentation"))
    {
      JsonObject *aug = json_object_get_object_member (root, "augmentation");

      add_numbers_of (out, aug, "augmentation", NULL);
      if (aug && !json_object_has_member (aug, "scale"))
        add_field (out, "augmentation.scale", NULL, FALSE);
    }
  /* RBM pretraining's, when it is on (a per-layer list is not one
   * number: the command line sweeps it by path) */
  if (json_object_has_member (root, "pretraining"))
    add_numbers_of (out, json_object_get_object_member (root, "pretraining"), "pretraining", NULL);
  if (json_object_has_member (root, "seed"))
    add_field (out, "seed", json_object_get_member (root, "seed"), TRUE);
  if (data)
    add_field (out, "data.subset", json_object_get_member (data, "subset"), TRUE);
  add_numbers_of (out, net, "network", skip_net);
  return out;
}

/* ---- from the entries to a sweep --------------------------------------------- */

/* "0.1, 0.01; 0.001", "0.0001 – 0.1", "1e-4..1e-1", "1e-4 to 1e-1", "8 - 64" */
static GArray *
parse_numbers (const char *text, GError **error)
{
  g_autoptr(GString) s = g_string_new (text);
  g_auto(GStrv) parts = NULL;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));

  g_string_replace (s, "–", ",", 0);
  g_string_replace (s, "—", ",", 0);
  g_string_replace (s, "..", ",", 0);
  g_string_replace (s, " to ", ",", 0);
  g_string_replace (s, " - ", ",", 0);
  g_string_replace (s, ";", ",", 0);
  g_string_replace (s, " ", ",", 0);
  parts = g_strsplit (s->str, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      char *end;
      double v;

      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      v = g_ascii_strtod (parts[i], &end);
      if (*end != '\0' || !isfinite (v))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” is not a number"), parts[i]);
          g_array_unref (out);
          return NULL;
        }
      g_array_append_val (out, v);
    }
  return out;
}

static JsonNode *
number_node (double v, gboolean integer)
{
  JsonNode *n = json_node_new (JSON_NODE_VALUE);

  /* a whole number for a whole-number field; anything else goes to the
   * core as it is, which says what is wrong with it */
  if (integer && v == floor (v) && fabs (v) < 1e15)
    json_node_set_int (n, (gint64) v);
  else
    json_node_set_double (n, v);
  return n;
}

static void
show_field_error (Field *f, const char *message)
{
  gtk_label_set_text (GTK_LABEL (f->error), message ? message : "");
  gtk_widget_set_visible (f->error, message != NULL);
  if (message)
    gtk_widget_add_css_class (f->entry, "error");
  else
    gtk_widget_remove_css_class (f->entry, "error");
}

static guint
selected_metric (InkSweepDialog *self)
{
  guint m = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->metric));
  return m < G_N_ELEMENTS (metric_ids) ? m : 0;
}

static gboolean
use_slurm (InkSweepDialog *self)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->slurm_toggle));
}

/* The experiment with its sweep section as JSON; *used: the fields given
 * values, in the parameters' order (borrowed); NULL with an error naming
 * the field when an entry is not numbers. */
static char *
build_spec (InkSweepDialog *self, GPtrArray *used, gboolean *random, Field **at_fault, GError **error)
{
  g_autofree char *exp_json = ink_experiment_to_json (self->exp, FALSE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonObject *root, *sweep;
  JsonArray *params;
  const char *name;

  *random = FALSE;
  if (!json_parser_load_from_data (parser, exp_json, -1, error))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  sweep = json_object_new ();
  params = json_array_new ();
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *f = self->fields->pdata[i];
      const char *text = gtk_editable_get_text (GTK_EDITABLE (f->entry));
      Kind kind = gtk_drop_down_get_selected (GTK_DROP_DOWN (f->kind));
      g_autoptr(GError) e = NULL;
      g_autoptr(GArray) nums = NULL;
      JsonObject *p;

      if (strspn (text, " \t") == strlen (text))
        continue;
      nums = parse_numbers (text, &e);
      if (nums == NULL || nums->len == 0 || (kind != KIND_LIST && nums->len != 2))
        {
          g_autofree char *title = ink_sweep_param_title (f->path);
          const char *why = nums == NULL ? e->message
                            : nums->len == 0 ? _("no values")
                            : _("a range is two numbers, low and high (“0.0001 – 0.1”)");
          *at_fault = f;
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s (%s): %s", title, f->path, why);
          json_array_unref (params);
          json_object_unref (sweep);
          return NULL;
        }
      p = json_object_new ();
      json_object_set_string_member (p, "path", f->path);
      if (kind == KIND_LIST)
        {
          JsonArray *values = json_array_new ();
          for (guint k = 0; k < nums->len; k++)
            json_array_add_element (values, number_node (g_array_index (nums, double, k), f->integer));
          json_object_set_array_member (p, "values", values);
        }
      else
        {
          JsonArray *range = json_array_new ();
          json_array_add_element (range, number_node (g_array_index (nums, double, 0), FALSE));
          json_array_add_element (range, number_node (g_array_index (nums, double, 1), FALSE));
          json_object_set_array_member (p, kind == KIND_LOG ? "log_uniform" : "uniform", range);
          *random = TRUE;
        }
      json_array_add_object_element (params, p);
      g_ptr_array_add (used, f);
    }
  json_object_set_array_member (sweep, "parameters", params);
  name = gtk_editable_get_text (GTK_EDITABLE (self->name));
  if (*name)
    json_object_set_string_member (sweep, "name", name);
  if (*random)
    {
      json_object_set_int_member (sweep, "count", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->draws_count)));
      json_object_set_int_member (sweep, "seed", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->draws_seed)));
    }
  json_object_set_string_member (sweep, "executor", use_slurm (self) ? "slurm" : "local");
  if (use_slurm (self))
    {
      JsonObject *slurm = json_object_new ();
      const char *part = gtk_editable_get_text (GTK_EDITABLE (self->partition));
      const char *time = gtk_editable_get_text (GTK_EDITABLE (self->time_limit));

      if (*part)
        json_object_set_string_member (slurm, "partition", part);
      if (*time)
        json_object_set_string_member (slurm, "time", time);
      json_object_set_int_member (slurm, "cpus_per_task", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->cpus)));
      json_object_set_object_member (sweep, "slurm", slurm);
    }
  json_object_set_object_member (root, "sweep", sweep);
  json_generator_set_root (gen, json_parser_get_root (parser));
  return json_generator_to_data (gen, NULL);
}

/* "sweep.parameters[2].uniform: …" → "Learning rate (optimizer.lr), uniform: …" */
static char *
name_the_field (const char *message, GPtrArray *used, Field **at_fault)
{
  const char *p = strstr (message, "sweep.parameters[");
  unsigned idx;
  int len = 0;

  if (p == NULL || sscanf (p, "sweep.parameters[%u]%n", &idx, &len) != 1 || idx >= used->len)
    return g_strdup (message);
  {
    Field *f = used->pdata[idx];
    g_autofree char *title = ink_sweep_param_title (f->path);
    const char *rest = p + len;

    *at_fault = f;
    if (*rest == '.')
      rest++;
    return g_strdup_printf ("%.*s%s (%s)%s%s", (int) (p - message), message, title, f->path,
                            *rest == ':' ? "" : ", ", rest);
  }
}

static void
set_parallel_default (InkSweepDialog *self, guint n)
{
  guint threads = 0;
  guint k = ink_sweep_default_parallel (MAX (n, 1), 0, &threads);

  if (self->parallel_touched || use_slurm (self))
    return;
  self->setting_parallel = TRUE;
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->parallel), k);
  self->setting_parallel = FALSE;
}

static void
validate (InkSweepDialog *self)
{
  g_autoptr(GPtrArray) used = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *message = NULL;
  Field *at_fault = NULL;
  gboolean random = FALSE;

  /* still being built */
  if (self->count_label == NULL)
    return;
  g_clear_pointer (&self->sweep, ink_sweep_free);
  for (guint i = 0; i < self->fields->len; i++)
    show_field_error (self->fields->pdata[i], NULL);
  spec = build_spec (self, used, &random, &at_fault, &error);
  gtk_widget_set_sensitive (self->draws_box, random);
  if (spec && used->len == 0)
    message = g_strdup (_("Type a list or a range into at least one field"));
  else if (spec && !(self->sweep = ink_sweep_from_json (spec, -1, &error)))
    message = name_the_field (error->message, used, &at_fault);
  else if (spec == NULL)
    message = g_strdup (error->message);
  gtk_widget_remove_css_class (self->count_label, "error");
  if (message)
    {
      gtk_label_set_text (GTK_LABEL (self->count_label), message);
      if (used->len > 0 || at_fault)
        gtk_widget_add_css_class (self->count_label, "error");
      if (at_fault)
        show_field_error (at_fault, message);
    }
  else
    {
      guint n = self->sweep->children->len;
      g_autofree char *text = self->sweep->duplicates
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run (%u repeated draws dropped)",
                                        "%u runs (%u repeated draws dropped)", n), n, self->sweep->duplicates)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", n), n);

      gtk_label_set_text (GTK_LABEL (self->count_label), text);
      set_parallel_default (self, n);
    }
  gtk_widget_set_sensitive (self->start, self->sweep != NULL && self->sweeps != NULL);
}

guint
ink_sweep_dialog_get_n_runs (InkSweepDialog *self)
{
  return self->sweep ? self->sweep->children->len : 0;
}

/* ---- Start --------------------------------------------------------------------- */

static char *
folder_name (const char *name)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *safe = g_strdup (name && *name ? name : "sweep");

  g_strcanon (safe, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", '-');
  return g_strdup_printf ("%s-%s", stamp, safe);
}

static void
on_start (GtkButton *button, InkSweepDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = ink_sweep_default_root ();
  g_autofree char *base = NULL, *dir = NULL;
  const char *metric;

  validate (self);
  if (self->sweep == NULL || self->sweeps == NULL)
    return;
  base = folder_name (self->sweep->name);
  dir = g_build_filename (root, base, NULL);
  if (!ink_sweep_write (self->sweep, dir, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("The sweep folder could not be written: %s"), error->message);
      gtk_label_set_text (GTK_LABEL (self->count_label), msg);
      gtk_widget_add_css_class (self->count_label, "error");
      return;
    }
  metric = metric_ids[selected_metric (self)];
  if (use_slurm (self))
    {
      InkSweepSlurmSpec spec = { 0 };
      const char *part = gtk_editable_get_text (GTK_EDITABLE (self->partition));
      const char *time = gtk_editable_get_text (GTK_EDITABLE (self->time_limit));

      spec.partition = *part ? (char *) part : NULL;
      spec.time = *time ? (char *) time : NULL;
      spec.cpus_per_task = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->cpus));
      ink_sweep_view_start_slurm (self->sweeps, dir, &spec, 0, metric);
    }
  else
    ink_sweep_view_start_local (self->sweeps, dir, gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->parallel)),
                                metric);
  g_signal_emit (self, signals[SIGNAL_STARTED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---- building -------------------------------------------------------------------- */

static void
on_changed (InkSweepDialog *self)
{
  validate (self);
}

static void
on_kind_changed (GtkDropDown *drop, GParamSpec *pspec, InkSweepDialog *self)
{
  Field *f = g_object_get_data (G_OBJECT (drop), "ink-field");
  Kind k = gtk_drop_down_get_selected (drop);

  gtk_entry_set_placeholder_text (GTK_ENTRY (f->entry),
                                  k == KIND_LIST ? (f->integer ? _("e.g. 32, 64, 128") : _("e.g. 0.1, 0.01, 0.001"))
                                  : f->integer ? _("low – high, e.g. 32 – 256") : _("low – high, e.g. 0.0001 – 0.1"));
  validate (self);
}

static void
on_parallel_changed (GtkSpinButton *spin, InkSweepDialog *self)
{
  if (!self->setting_parallel)
    self->parallel_touched = TRUE;
}

static void
on_executor_toggled (GtkToggleButton *b, InkSweepDialog *self)
{
  gboolean slurm = use_slurm (self);

  gtk_widget_set_visible (self->slurm_box, slurm);
  gtk_widget_set_sensitive (self->parallel, !slurm);
  validate (self);
}

static GtkWidget *
field_row (InkSweepDialog *self, Field *f)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *title, *sub;
  g_autofree char *t = ink_sweep_param_title (f->path);
  g_autofree char *now = g_strdup_printf (_("%s, now %s"), f->path, f->current);
  g_autofree char *name = NULL;
  const char *kinds[] = { _("List"), _("Uniform"), _("Log-uniform"), NULL };

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 6);
  gtk_widget_set_margin_bottom (grid, 6);
  title = gtk_label_new (t);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  sub = gtk_label_new (now);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_widget_add_css_class (sub, "caption");
  f->kind = gtk_drop_down_new_from_strings (kinds);
  name = g_strdup_printf ("sweep-kind:%s", f->path);
  gtk_widget_set_name (f->kind, name);
  gtk_widget_set_valign (f->kind, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (f->kind, _("List: a run per value. Uniform, Log-uniform: Count values drawn from the range"));
  g_object_set_data (G_OBJECT (f->kind), "ink-field", f);
  f->entry = gtk_entry_new ();
  g_free (name);
  name = g_strdup_printf ("sweep-value:%s", f->path);
  gtk_widget_set_name (f->entry, name);
  gtk_editable_set_width_chars (GTK_EDITABLE (f->entry), 20);
  gtk_widget_set_valign (f->entry, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (f->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, t, -1);
  f->error = gtk_label_new (NULL);
  g_free (name);
  name = g_strdup_printf ("sweep-error:%s", f->path);
  gtk_widget_set_name (f->error, name);
  gtk_label_set_xalign (GTK_LABEL (f->error), 0);
  gtk_label_set_wrap (GTK_LABEL (f->error), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (f->error), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (f->error, "error");
  gtk_widget_add_css_class (f->error, "caption");
  gtk_widget_set_visible (f->error, FALSE);
  gtk_grid_attach (GTK_GRID (grid), title, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), sub, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), f->kind, 1, 0, 1, 2);
  gtk_grid_attach (GTK_GRID (grid), f->entry, 2, 0, 1, 2);
  gtk_grid_attach (GTK_GRID (grid), f->error, 0, 2, 3, 1);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);
  g_signal_connect (f->kind, "notify::selected", G_CALLBACK (on_kind_changed), self);
  on_kind_changed (GTK_DROP_DOWN (f->kind), NULL, self);
  g_signal_connect_swapped (f->entry, "changed", G_CALLBACK (on_changed), self);
  return row;
}

static GtkWidget *
group (GtkWidget *page, const char *title, const char *description)
{
  GtkWidget *g = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (g), title);
  if (description)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (g), description);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (g));
  return g;
}

static GtkWidget *
suffix_row (GtkWidget *group_w, const char *title, const char *subtitle, GtkWidget *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group_w), row);
  return row;
}

static void
build (InkSweepDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel, *page, *g, *list, *toggles, *footer;
  g_autofree char *json = ink_experiment_to_json (self->exp, FALSE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *sbatch = g_find_program_in_path ("sbatch");
  const char *metrics[] = { _("Test accuracy"), _("Validation accuracy"), _("Validation loss"),
                            _("Training loss"), NULL };
  g_autofree char *default_name = g_strdup_printf ("%s-sweep", self->exp->name ? self->exp->name : "experiment");

  gtk_window_set_title (GTK_WINDOW (self), _("Sweep"));
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 560);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);

  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->start = gtk_button_new_with_mnemonic (_("_Start"));
  gtk_widget_set_name (self->start, "ink-sweep-start");
  gtk_widget_add_css_class (self->start, "suggested-action");
  g_signal_connect (self->start, "clicked", G_CALLBACK (on_start), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->start);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (_("Sweep"), self->exp->name));
  gtk_box_append (GTK_BOX (box), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);

  /* the fields */
  g = group (page, _("Values"),
             _("Leave a field empty to keep its value. A list trains a run per value, crossed with the other lists; "
               "a range draws Count values from it, evenly or on a log scale."));
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  if (json_parser_load_from_data (parser, json, -1, NULL))
    self->fields = experiment_fields (json_node_get_object (json_parser_get_root (parser)));
  else
    self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  for (guint i = 0; i < self->fields->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), field_row (self, self->fields->pdata[i]));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (g), list);

  /* random draws */
  g = group (page, _("Random Draws"), _("For the fields given a range"));
  self->draws_box = g;
  self->draws_count = gtk_spin_button_new_with_range (1, 10000, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->draws_count), 8);
  gtk_widget_set_name (self->draws_count, "ink-sweep-draws");
  suffix_row (g, _("Count"), _("Values drawn (per combination of the lists)"), self->draws_count);
  self->draws_seed = gtk_spin_button_new_with_range (0, G_MAXINT, 1);
  suffix_row (g, _("Seed"), _("The same seed draws the same values"), self->draws_seed);
  g_signal_connect_swapped (self->draws_count, "value-changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->draws_seed, "value-changed", G_CALLBACK (on_changed), self);

  /* where */
  g = group (page, _("Run On"), NULL);
  toggles = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (toggles, "linked");
  self->local_toggle = gtk_toggle_button_new_with_mnemonic (_("This _Machine"));
  self->slurm_toggle = gtk_toggle_button_new_with_mnemonic (_("S_lurm Cluster"));
  gtk_widget_set_name (self->slurm_toggle, "ink-sweep-slurm");
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->slurm_toggle), GTK_TOGGLE_BUTTON (self->local_toggle));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->local_toggle), TRUE);
  gtk_box_append (GTK_BOX (toggles), self->local_toggle);
  gtk_box_append (GTK_BOX (toggles), self->slurm_toggle);
  if (sbatch == NULL)
    {
      gtk_widget_set_sensitive (self->slurm_toggle, FALSE);
      gtk_widget_set_tooltip_text (self->slurm_toggle,
                                   _("Slurm's sbatch is not on PATH here: install Slurm's client tools (or run Inkling on the cluster's login node)"));
    }
  else
    gtk_widget_set_tooltip_text (self->slurm_toggle,
                                 _("A job array: the sweep folder must be on a filesystem the nodes share, at the same path"));
  g_signal_connect (self->slurm_toggle, "toggled", G_CALLBACK (on_executor_toggled), self);
  suffix_row (g, _("Executor"), NULL, toggles);
  self->parallel = gtk_spin_button_new_with_range (1, 256, 1);
  g_signal_connect (self->parallel, "value-changed", G_CALLBACK (on_parallel_changed), self);
  suffix_row (g, _("Runs at a time"), _("On this machine; the cores are shared out among them"), self->parallel);

  self->slurm_box = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->slurm_box), _("Slurm"));
  self->partition = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->partition), _("the default"));
  suffix_row (self->slurm_box, _("Partition"), NULL, self->partition);
  self->time_limit = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->time_limit), _("e.g. 01:00:00"));
  suffix_row (self->slurm_box, _("Time limit"), _("Per run, in Slurm's format"), self->time_limit);
  self->cpus = gtk_spin_button_new_with_range (1, 256, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->cpus), 2);
  suffix_row (self->slurm_box, _("CPUs per run"), NULL, self->cpus);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->slurm_box));
  gtk_widget_set_visible (self->slurm_box, FALSE);
  g_signal_connect_swapped (self->partition, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->time_limit, "changed", G_CALLBACK (on_changed), self);

  /* results */
  g = group (page, _("Results"), NULL);
  self->metric = gtk_drop_down_new_from_strings (metrics);
  suffix_row (g, _("Metric"), _("The Runs page sorts and plots the runs by it"), self->metric);
  self->name = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (self->name), default_name);
  suffix_row (g, _("Name"), NULL, self->name);
  g_signal_connect_swapped (self->name, "changed", G_CALLBACK (on_changed), self);

  gtk_box_append (GTK_BOX (box), page);

  footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (footer, "toolbar");
  self->count_label = gtk_label_new (NULL);
  gtk_widget_set_name (self->count_label, "ink-sweep-count");
  gtk_label_set_wrap (GTK_LABEL (self->count_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->count_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (self->count_label), 0);
  gtk_widget_set_hexpand (self->count_label, TRUE);
  gtk_widget_set_margin_start (self->count_label, 12);
  gtk_widget_set_margin_end (self->count_label, 12);
  gtk_widget_set_margin_top (self->count_label, 4);
  gtk_widget_set_margin_bottom (self->count_label, 4);
  gtk_box_append (GTK_BOX (footer), self->count_label);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (box), footer);
  adw_window_set_content (ADW_WINDOW (self), box);
  validate (self);
}

static void
ink_sweep_dialog_dispose (GObject *object)
{
  InkSweepDialog *self = INK_SWEEP_DIALOG (object);

  if (self->sweeps)
    g_object_remove_weak_pointer (G_OBJECT (self->sweeps), (gpointer *) &self->sweeps);
  self->sweeps = NULL;
  G_OBJECT_CLASS (ink_sweep_dialog_parent_class)->dispose (object);
}

static void
ink_sweep_dialog_finalize (GObject *object)
{
  InkSweepDialog *self = INK_SWEEP_DIALOG (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->sweep, ink_sweep_free);
  g_clear_pointer (&self->exp, ink_experiment_free);
  G_OBJECT_CLASS (ink_sweep_dialog_parent_class)->finalize (object);
}

static void
ink_sweep_dialog_class_init (InkSweepDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ink_sweep_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = ink_sweep_dialog_finalize;
  signals[SIGNAL_STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ink_sweep_dialog_init (InkSweepDialog *self)
{
}

GtkWidget *
ink_sweep_dialog_new (GtkWindow           *parent,
                      const InkExperiment *exp,
                      InkSweepView        *sweeps)
{
  InkSweepDialog *self = g_object_new (INK_TYPE_SWEEP_DIALOG, NULL);

  if (parent)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  self->exp = ink_experiment_copy (exp);
  self->sweeps = sweeps;
  if (sweeps)
    g_object_add_weak_pointer (G_OBJECT (sweeps), (gpointer *) &self->sweeps);
  build (self);
  return GTK_WIDGET (self);
}
