/* ink-sweep.c
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

/* A sweep's spec and its expansion: the "sweep" section parsed and
 * checked (errors name the field), the parameters' paths resolved in the
 * canonical experiment JSON, grid points crossed with seeded random
 * draws, each child experiment built and validated, its id taken from the
 * SHA-256 of its assignment; and the canonical JSON written back. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ink-sweep.h"
#include "ink-json.h"
#include "ink-rng.h"
#include "ink-save.h"
#include "ink-sweep-private.h"

#define MAX_CHILDREN 10000
#define MAX_COUNT    10000

G_DEFINE_QUARK (ink-sweep-error-quark, ink_sweep_error)

static const char * const state_names[] = {
  "pending", "queued", "running", "stopped", "interrupted", "failed", "completed", "diverged", "halted",
};

const char *
ink_sweep_state_to_string (InkSweepState state)
{
  if ((guint) state < G_N_ELEMENTS (state_names))
    return state_names[state];
  return "?";
}

gboolean
ink_sweep_state_from_string (const char    *text,
                             InkSweepState *state)
{
  for (guint i = 0; text && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (text, state_names[i]))
      {
        *state = (InkSweepState) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
ink_sweep_state_is_final (InkSweepState state)
{
  return state == INK_SWEEP_COMPLETED || state == INK_SWEEP_DIVERGED || state == INK_SWEEP_HALTED;
}

/* ------------------------------------------------------------------------ */
/* paths: "network.layers[1].units"                                          */

typedef struct
{
  char *member;   /* NULL: an array index */
  guint index;
} PathStep;

static void
path_steps_free (GArray *steps)
{
  for (guint i = 0; i < steps->len; i++)
    g_free (g_array_index (steps, PathStep, i).member);
  g_array_unref (steps);
}

static const struct
{
  const char *alias, *path;
} path_aliases[] = {
  { "lr", "optimizer.lr" },
  { "learning_rate", "optimizer.lr" },
  { "optimizer.learning_rate", "optimizer.lr" },
  { "batch_size", "training.batch_size" },
  { "epochs", "training.epochs" },
};

/* the steps of a path, or NULL with why (to be freed) */
static GArray *
path_parse (const char *path,
            char      **why)
{
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (PathStep));
  const char *p = path;

  for (guint i = 0; i < G_N_ELEMENTS (path_aliases); i++)
    if (g_str_equal (path, path_aliases[i].alias))
      p = path = path_aliases[i].path;
  if (*p == '\0')
    {
      *why = g_strdup ("the path is empty");
      path_steps_free (steps);
      return NULL;
    }
  while (*p)
    {
      PathStep s = { NULL, 0 };
      const char *start = p;

      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      if (p == start)
        {
          *why = g_strdup_printf ("“%s” is not a path (members joined by “.”, elements as [i])", path);
          path_steps_free (steps);
          return NULL;
        }
      s.member = g_strndup (start, (gsize) (p - start));
      g_array_append_val (steps, s);
      while (*p == '[')
        {
          PathStep e = { NULL, 0 };
          guint64 v;
          char *end = NULL;

          p++;
          if (!g_ascii_isdigit (*p) || (v = g_ascii_strtoull (p, &end, 10)) > 100000 || *end != ']')
            {
              *why = g_strdup_printf ("“%s” is not a path: [i] takes a whole number", path);
              path_steps_free (steps);
              return NULL;
            }
          e.index = (guint) v;
          g_array_append_val (steps, e);
          p = end + 1;
        }
      if (*p == '.')
        {
          p++;
          if (*p == '\0')
            {
              *why = g_strdup_printf ("“%s” is not a path: it ends with “.”", path);
              path_steps_free (steps);
              return NULL;
            }
        }
      else if (*p != '\0')
        {
          *why = g_strdup_printf ("“%s” is not a path (members joined by “.”, elements as [i])", path);
          path_steps_free (steps);
          return NULL;
        }
    }
  return steps;
}

static char *
path_to_string (GArray *steps)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < steps->len; i++)
    {
      PathStep *st = &g_array_index (steps, PathStep, i);
      if (st->member)
        g_string_append_printf (s, "%s%s", s->len ? "." : "", st->member);
      else
        g_string_append_printf (s, "[%u]", st->index);
    }
  return g_string_free (s, FALSE);
}

static const char *
node_kind (JsonNode *n)
{
  if (n == NULL)
    return "missing";
  switch (json_node_get_node_type (n))
    {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY: return "an array";
    case JSON_NODE_NULL: return "null";
    default: break;
    }
  switch (json_node_get_value_type (n))
    {
    case G_TYPE_STRING: return "text";
    case G_TYPE_BOOLEAN: return "true or false";
    case G_TYPE_DOUBLE: return "a number";
    case G_TYPE_INT64: return "a whole number";
    default: return "a value";
    }
}

static gboolean
node_is_number (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n) &&
         (json_node_get_value_type (n) == G_TYPE_DOUBLE || json_node_get_value_type (n) == G_TYPE_INT64);
}

/* The node at steps in root (NULL when the last member is absent); FALSE
 * with why when a step before the last does not exist */
static gboolean
path_lookup (JsonNode  *root,
             GArray    *steps,
             JsonNode **out,
             char     **why)
{
  JsonNode *n = root;

  *out = NULL;
  for (guint i = 0; i < steps->len; i++)
    {
      PathStep *st = &g_array_index (steps, PathStep, i);
      g_autoptr(GArray) prefix = g_array_new (FALSE, TRUE, sizeof (PathStep));
      g_autofree char *where = NULL;
      gboolean last = i + 1 == steps->len;

      g_array_append_vals (prefix, steps->data, i);
      where = i ? path_to_string (prefix) : g_strdup ("the experiment");
      if (st->member)
        {
          if (!JSON_NODE_HOLDS_OBJECT (n))
            {
              *why = g_strdup_printf ("%s is %s, not an object with “%s”", where, node_kind (n), st->member);
              return FALSE;
            }
          if (!json_object_has_member (json_node_get_object (n), st->member))
            {
              if (last)
                return TRUE;
              *why = g_strdup_printf ("%s has no member “%s”", where, st->member);
              return FALSE;
            }
          n = json_object_get_member (json_node_get_object (n), st->member);
        }
      else
        {
          JsonArray *a;

          if (!JSON_NODE_HOLDS_ARRAY (n))
            {
              *why = g_strdup_printf ("%s is %s, not an array", where, node_kind (n));
              return FALSE;
            }
          a = json_node_get_array (n);
          if (st->index >= json_array_get_length (a))
            {
              *why = g_strdup_printf ("%s has %u elements (from [0])", where, json_array_get_length (a));
              return FALSE;
            }
          n = json_array_get_element (a, st->index);
        }
    }
  *out = n;
  return TRUE;
}

/* a copy of node with the value at steps[i…] replaced by value */
static JsonNode *
node_with (JsonNode *node,
           GArray   *steps,
           guint     i,
           JsonNode *value)
{
  PathStep *st;
  JsonNode *copy;

  if (i == steps->len)
    return json_node_copy (value);
  st = &g_array_index (steps, PathStep, i);
  if (st->member)
    {
      JsonObject *from = json_node_get_object (node);
      JsonObject *to = json_object_new ();
      g_autoptr(GList) members = json_object_get_members (from);
      gboolean seen = FALSE;

      for (GList *l = members; l; l = l->next)
        {
          const char *name = l->data;
          JsonNode *m = json_object_get_member (from, name);

          if (g_str_equal (name, st->member))
            {
              json_object_set_member (to, name, node_with (m, steps, i + 1, value));
              seen = TRUE;
            }
          else
            json_object_set_member (to, name, json_node_copy (m));
        }
      if (!seen)
        json_object_set_member (to, st->member, json_node_copy (value));
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, to);
    }
  else
    {
      JsonArray *from = json_node_get_array (node);
      JsonArray *to = json_array_new ();

      for (guint k = 0; k < json_array_get_length (from); k++)
        {
          JsonNode *e = json_array_get_element (from, k);
          json_array_add_element (to, k == st->index ? node_with (e, steps, i + 1, value) : json_node_copy (e));
        }
      copy = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (copy, to);
    }
  return copy;
}

/* ------------------------------------------------------------------------ */
/* freeing                                                                   */

static void
param_free (InkSweepParam *p)
{
  if (p == NULL)
    return;
  g_free (p->path);
  if (p->values)
    g_ptr_array_unref (p->values);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkSweepParam, param_free)

static void
child_free (InkSweepChild *c, guint n_params)
{
  g_free (c->id);
  for (guint i = 0; c->values && i < n_params; i++)
    if (c->values[i])
      json_node_unref (c->values[i]);
  g_free (c->values);
  ink_experiment_free (c->experiment);
  g_free (c->dir);
  g_free (c->info.host);
  g_free (c->info.slurm_job);
  g_free (c->info.sched_state);
  g_free (c->info.message);
  g_free (c);
}

void
ink_sweep_free (InkSweep *sweep)
{
  if (sweep == NULL)
    return;
  if (sweep->children)
    {
      for (guint i = 0; i < sweep->children->len; i++)
        child_free (g_ptr_array_index (sweep->children, i), sweep->params ? sweep->params->len : 0);
      g_ptr_array_unref (sweep->children);
    }
  if (sweep->params)
    g_ptr_array_unref (sweep->params);
  g_free (sweep->name);
  ink_experiment_free (sweep->base);
  g_free (sweep->halving.metric);
  g_free (sweep->executor);
  g_free (sweep->slurm.partition);
  g_free (sweep->slurm.time);
  g_free (sweep->slurm.mem);
  g_free (sweep->slurm.account);
  g_strfreev (sweep->slurm.extra);
  g_free (sweep->dir);
  g_free (sweep);
}

/* ------------------------------------------------------------------------ */
/* the sweep section                                                         */

static void
fail (GError **error, InkSweepError code, const char *field, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
fail (GError **error, InkSweepError code, const char *field, const char *fmt, ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, INK_SWEEP_ERROR, code, "%s: %s", field, msg);
}

static gboolean
check_keys (JsonObject *o, const char *field, const char * const *keys, GError **error)
{
  g_autoptr(GList) members = json_object_get_members (o);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (keys, l->data))
      {
        g_autofree char *known = g_strjoinv (", ", (char **) keys);
        fail (error, INK_SWEEP_ERROR_PARSE, field, "unknown member “%s” (known: %s)",
              (const char *) l->data, known);
        return FALSE;
      }
  return TRUE;
}

/* member key of o as a whole number in [min, max]; absent: *out untouched */
static gboolean
get_int (JsonObject *o, const char *field, const char *key, gint64 min, gint64 max, gint64 *out,
         GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  gint64 v;

  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    {
      fail (error, INK_SWEEP_ERROR_PARSE, field, "“%s” is %s, expected a whole number", key, node_kind (n));
      return FALSE;
    }
  v = json_node_get_int (n);
  if (v < min || v > max)
    {
      fail (error, INK_SWEEP_ERROR_INVALID, field, "“%s” is %" G_GINT64_FORMAT ", outside %" G_GINT64_FORMAT
            "…%" G_GINT64_FORMAT, key, v, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/* member key as a string of at most 200 characters drawn from `allowed`
 * (NULL: anything but control characters); absent: *out untouched */
static gboolean
get_string (JsonObject *o, const char *field, const char *key, const char *allowed, char **out,
            GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  const char *s;

  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      fail (error, INK_SWEEP_ERROR_PARSE, field, "“%s” is %s, expected text", key, node_kind (n));
      return FALSE;
    }
  s = json_node_get_string (n);
  if (*s == '\0' || strlen (s) > 200)
    {
      fail (error, INK_SWEEP_ERROR_INVALID, field, "“%s” must be 1 to 200 characters", key);
      return FALSE;
    }
  for (const char *p = s; *p; p++)
    if ((allowed && !strchr (allowed, *p)) || (guchar) *p < 0x20 || *p == 0x7f)
      {
        fail (error, INK_SWEEP_ERROR_INVALID, field, "“%s” holds “%c”, which it may not (allowed: %s)",
              key, g_ascii_isprint (*p) ? *p : '?', allowed ? allowed : "printable characters");
        return FALSE;
      }
  g_free (*out);
  *out = g_strdup (s);
  return TRUE;
}

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,"

static gboolean
parse_slurm (JsonNode *n, InkSweepSlurmSpec *spec, GError **error)
{
  static const char * const keys[] = { "partition", "time", "cpus_per_task", "mem", "account", "extra", NULL };
  const char *field = "sweep.slurm";
  JsonObject *o;
  JsonNode *extra;
  gint64 cpus = 0;

  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      fail (error, INK_SWEEP_ERROR_PARSE, field, "is %s, expected an object", node_kind (n));
      return FALSE;
    }
  o = json_node_get_object (n);
  if (!check_keys (o, field, keys, error) ||
      !get_string (o, field, "partition", NAME_CHARS, &spec->partition, error) ||
      !get_string (o, field, "time", "0123456789:-", &spec->time, error) ||
      !get_string (o, field, "mem", "0123456789KMGTkmgt", &spec->mem, error) ||
      !get_string (o, field, "account", NAME_CHARS, &spec->account, error) ||
      !get_int (o, field, "cpus_per_task", 1, 4096, &cpus, error))
    return FALSE;
  spec->cpus_per_task = (guint) cpus;
  extra = json_object_get_member (o, "extra");
  if (extra != NULL)
    {
      g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
      JsonArray *a;

      if (!JSON_NODE_HOLDS_ARRAY (extra))
        {
          fail (error, INK_SWEEP_ERROR_PARSE, "sweep.slurm.extra", "is %s, expected an array of sbatch options",
                node_kind (extra));
          return FALSE;
        }
      a = json_node_get_array (extra);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          g_autofree char *f = g_strdup_printf ("sweep.slurm.extra[%u]", i);
          const char *s;

          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
            {
              fail (error, INK_SWEEP_ERROR_PARSE, f, "is %s, expected an sbatch option", node_kind (e));
              return FALSE;
            }
          s = json_node_get_string (e);
          if (!g_str_has_prefix (s, "--") || strlen (s) > 200 || strpbrk (s, "\n\r'\"\\`$") != NULL)
            {
              fail (error, INK_SWEEP_ERROR_INVALID, f, "“%s” is not an sbatch option of one line "
                    "(“--name=value”, without quotes, backslashes or $)", s);
              return FALSE;
            }
          g_ptr_array_add (list, g_strdup (s));
        }
      g_ptr_array_add (list, NULL);
      g_strfreev (spec->extra);
      spec->extra = (char **) g_ptr_array_steal (list, NULL);
    }
  return TRUE;
}

static gboolean
parse_halving (JsonNode *n, InkSweepHalving *h, GError **error)
{
  static const char * const keys[] = { "min_epochs", "eta", "metric", NULL };
  const char *field = "sweep.halving";
  JsonObject *o;
  gint64 min_epochs = 1, eta = 2;

  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      fail (error, INK_SWEEP_ERROR_PARSE, field, "is %s, expected an object", node_kind (n));
      return FALSE;
    }
  o = json_node_get_object (n);
  if (!check_keys (o, field, keys, error) ||
      !get_int (o, field, "min_epochs", 1, INK_MAX_EPOCHS, &min_epochs, error) ||
      !get_int (o, field, "eta", 2, 100, &eta, error) ||
      !get_string (o, field, "metric", NULL, &h->metric, error))
    return FALSE;
  if (h->metric == NULL)
    h->metric = g_strdup ("valid_loss");
  if (!g_str_equal (h->metric, "valid_loss") && !g_str_equal (h->metric, "valid_accuracy"))
    {
      fail (error, INK_SWEEP_ERROR_INVALID, field, "“metric” is “%s”; it must be valid_loss or valid_accuracy",
            h->metric);
      return FALSE;
    }
  h->enabled = TRUE;
  h->min_epochs = (guint) min_epochs;
  h->eta = (guint) eta;
  return TRUE;
}

/* one number of a [low, high] pair */
static gboolean
pair_number (JsonArray *a, guint i, double *out)
{
  JsonNode *e = json_array_get_element (a, i);

  if (!node_is_number (e))
    return FALSE;
  *out = json_node_get_double (e);
  return isfinite (*out);
}

/* Parses parameters[i] (its path not yet resolved). */
static InkSweepParam *
parse_param (JsonNode *n, guint i, GError **error)
{
  static const char * const keys[] = { "path", "values", "uniform", "log_uniform", "choice", NULL };
  static const char * const kinds[] = { "values", "uniform", "log_uniform", "choice" };
  g_autofree char *field = g_strdup_printf ("sweep.parameters[%u]", i);
  g_autoptr(InkSweepParam) p = g_new0 (InkSweepParam, 1);
  JsonObject *o;
  JsonNode *v = NULL;
  guint found = 0;

  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      fail (error, INK_SWEEP_ERROR_PARSE, field, "is %s, expected an object with “path” and “values”, "
            "“uniform”, “log_uniform” or “choice”", node_kind (n));
      return NULL;
    }
  o = json_node_get_object (n);
  if (!check_keys (o, field, keys, error) ||
      !get_string (o, field, "path", NULL, &p->path, error))
    return NULL;
  if (p->path == NULL)
    {
      fail (error, INK_SWEEP_ERROR_PARSE, field, "“path” is missing (the field to sweep, e.g. “optimizer.lr”)");
      return NULL;
    }
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (json_object_has_member (o, kinds[k]))
      {
        found++;
        p->kind = k == 0 ? INK_SWEEP_GRID : k == 1 ? INK_SWEEP_UNIFORM : k == 2 ? INK_SWEEP_LOG_UNIFORM : INK_SWEEP_CHOICE;
        v = json_object_get_member (o, kinds[k]);
      }
  if (found != 1)
    {
      fail (error, INK_SWEEP_ERROR_PARSE, field, "give exactly one of “values”, “uniform”, “log_uniform” and “choice”");
      return NULL;
    }
  if (p->kind == INK_SWEEP_GRID || p->kind == INK_SWEEP_CHOICE)
    {
      const char *key = p->kind == INK_SWEEP_GRID ? "values" : "choice";
      JsonArray *a;

      if (!JSON_NODE_HOLDS_ARRAY (v) || json_array_get_length (json_node_get_array (v)) == 0)
        {
          fail (error, INK_SWEEP_ERROR_INVALID, field, "“%s” must be a non-empty list of values", key);
          return NULL;
        }
      a = json_node_get_array (v);
      if (json_array_get_length (a) > MAX_CHILDREN)
        {
          fail (error, INK_SWEEP_ERROR_INVALID, field, "“%s” has more than %d values", key, MAX_CHILDREN);
          return NULL;
        }
      p->values = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
      for (guint k = 0; k < json_array_get_length (a); k++)
        g_ptr_array_add (p->values, json_node_copy (json_array_get_element (a, k)));
    }
  else
    {
      const char *key = p->kind == INK_SWEEP_UNIFORM ? "uniform" : "log_uniform";
      JsonArray *a = JSON_NODE_HOLDS_ARRAY (v) ? json_node_get_array (v) : NULL;

      if (a == NULL || json_array_get_length (a) != 2 || !pair_number (a, 0, &p->low) ||
          !pair_number (a, 1, &p->high))
        {
          fail (error, INK_SWEEP_ERROR_INVALID, field, "“%s” must be [low, high], two finite numbers", key);
          return NULL;
        }
      if (!(p->low < p->high))
        {
          fail (error, INK_SWEEP_ERROR_INVALID, field, "“%s”: low %g is not below high %g", key, p->low, p->high);
          return NULL;
        }
      if (p->kind == INK_SWEEP_LOG_UNIFORM && !(p->low > 0))
        {
          fail (error, INK_SWEEP_ERROR_INVALID, field, "“log_uniform”: low %g must be above 0", p->low);
          return NULL;
        }
    }
  return g_steal_pointer (&p);
}

/* ------------------------------------------------------------------------ */
/* children                                                                  */

typedef struct
{
  InkSweep  *sweep;
  JsonNode  *canon;      /* the base experiment, canonical */
  GPtrArray *steps;      /* GArray* of PathStep per parameter */
} Expander;

/* The experiment of canon with values[k] at parameter k's path for each k
 * in `which` (NULL: all); *child_canon: its canonical JSON. */
static InkExperiment *
build_experiment (Expander   *ex,
                  JsonNode  **values,
                  const int  *which,
                  guint       n_which,
                  JsonNode  **child_canon,
                  GError    **error)
{
  g_autoptr(JsonNode) node = json_node_copy (ex->canon);
  g_autofree char *text = NULL;
  g_autofree char *canon_text = NULL;
  g_autoptr(InkExperiment) exp = NULL;
  g_autoptr(JsonParser) parser = NULL;

  for (guint k = 0; k < n_which; k++)
    {
      int pi = which[k];
      JsonNode *next = node_with (node, g_ptr_array_index (ex->steps, pi), 0, values[pi]);
      json_node_unref (node);
      node = next;
    }
  text = ink_json_to_text (node, FALSE);
  if (!(exp = ink_experiment_from_json (text, -1, error)) || !ink_experiment_validate (exp, error))
    return NULL;
  if (child_canon)
    {
      canon_text = ink_experiment_to_json (exp, FALSE);
      parser = ink_json_parse (canon_text, -1, error);
      if (parser == NULL)
        return NULL;
      *child_canon = json_node_copy (json_parser_get_root (parser));
    }
  return g_steal_pointer (&exp);
}

/* One parameter's value checked alone: an error naming it and the value */
static gboolean
check_value (Expander *ex, int pi, JsonNode *value, const char *field, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(InkExperiment) exp = NULL;
  g_autofree JsonNode **values = g_new0 (JsonNode *, ex->sweep->params->len);
  InkSweepParam *p = g_ptr_array_index (ex->sweep->params, pi);

  values[pi] = value;
  exp = build_experiment (ex, values, &pi, 1, NULL, &local);
  if (exp == NULL)
    {
      g_autofree char *shown = ink_json_to_text (value, FALSE);
      fail (error, INK_SWEEP_ERROR_INVALID, field, "%s = %s is refused: %s", p->path, shown, local->message);
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
number_node (double v, gboolean integer)
{
  JsonNode *n = json_node_new (JSON_NODE_VALUE);

  if (integer)
    json_node_set_int (n, (gint64) v);
  else
    json_node_set_double (n, v);
  return n;
}

/* Resolves and checks parameter pi: its path in the experiment, its
 * values or range. */
static gboolean
resolve_param (Expander *ex, int pi, GError **error)
{
  InkSweepParam *p = g_ptr_array_index (ex->sweep->params, pi);
  g_autofree char *field = g_strdup_printf ("sweep.parameters[%d]", pi);
  g_autofree char *path_field = g_strdup_printf ("sweep.parameters[%d].path", pi);
  g_autofree char *why = NULL;
  GArray *steps = path_parse (p->path, &why);
  JsonNode *target = NULL;

  if (steps == NULL)
    {
      fail (error, INK_SWEEP_ERROR_INVALID, path_field, "%s", why);
      return FALSE;
    }
  g_ptr_array_add (ex->steps, steps);
  g_free (p->path);
  p->path = path_to_string (steps);
  for (int k = 0; k < pi; k++)
    if (g_str_equal (((InkSweepParam *) g_ptr_array_index (ex->sweep->params, k))->path, p->path))
      {
        fail (error, INK_SWEEP_ERROR_INVALID, path_field, "“%s” is already swept by sweep.parameters[%d]",
              p->path, k);
        return FALSE;
      }
  if (g_str_equal (p->path, "name") || g_str_equal (p->path, "description"))
    {
      fail (error, INK_SWEEP_ERROR_INVALID, path_field, "“%s” is not a hyper-parameter", p->path);
      return FALSE;
    }
  if (!path_lookup (ex->canon, steps, &target, &why))
    {
      fail (error, INK_SWEEP_ERROR_INVALID, path_field, "“%s”: %s", p->path, why);
      return FALSE;
    }
  p->integer = target && JSON_NODE_HOLDS_VALUE (target) && json_node_get_value_type (target) == G_TYPE_INT64;
  if (p->kind == INK_SWEEP_GRID || p->kind == INK_SWEEP_CHOICE)
    {
      const char *key = p->kind == INK_SWEEP_GRID ? "values" : "choice";
      for (guint k = 0; k < p->values->len; k++)
        {
          g_autofree char *f = g_strdup_printf ("%s.%s[%u]", field, key, k);
          if (!check_value (ex, pi, g_ptr_array_index (p->values, k), f, error))
            return FALSE;
        }
      return TRUE;
    }
  /* a range: the field must hold a number; both ends are checked */
  if (target != NULL && !node_is_number (target))
    {
      fail (error, INK_SWEEP_ERROR_INVALID, field, "%s is %s, so it cannot take a %s range",
            p->path, node_kind (target), p->kind == INK_SWEEP_UNIFORM ? "uniform" : "log_uniform");
      return FALSE;
    }
  if (p->integer && ceil (p->low) > floor (p->high))
    {
      fail (error, INK_SWEEP_ERROR_INVALID, field, "%s takes whole numbers, and none lies in [%g, %g]",
            p->path, p->low, p->high);
      return FALSE;
    }
  {
    const char *key = p->kind == INK_SWEEP_UNIFORM ? "uniform" : "log_uniform";
    g_autofree char *f = g_strdup_printf ("%s.%s", field, key);
    g_autoptr(JsonNode) lo = number_node (p->integer ? ceil (p->low) : p->low, p->integer);
    g_autoptr(JsonNode) hi = number_node (p->integer ? floor (p->high) : p->high, p->integer);

    return check_value (ex, pi, lo, f, error) && check_value (ex, pi, hi, f, error);
  }
}

/* 64-bit FNV-1a: stable everywhere, unlike g_str_hash's promise */
static guint64
fnv1a (const char *s)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (; *s; s++)
    {
      h ^= (guchar) *s;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return h;
}

/* draw j of parameter p at the grid point `point`: uniform in [0, 1) */
static double
draw_unit (guint64 seed, const char *path, const char *point, guint j)
{
  guint64 h = ink_hash64 (seed ^ ink_hash64 (fnv1a (path) ^ ink_hash64 (fnv1a (point) + j)));

  return (double) (h >> 11) * (1.0 / 9007199254740992.0);
}

static JsonNode *
draw_value (InkSweepParam *p, double u)
{
  if (p->kind == INK_SWEEP_CHOICE)
    {
      guint k = MIN ((guint) (u * p->values->len), p->values->len - 1);
      return json_node_copy (g_ptr_array_index (p->values, k));
    }
  if (p->integer)
    {
      double lo = ceil (p->low), hi = floor (p->high), v;

      if (p->kind == INK_SWEEP_UNIFORM)
        v = lo + floor (u * (hi - lo + 1));
      else
        v = round (exp (log (lo) + u * (log (hi) - log (lo))));
      return number_node (CLAMP (v, lo, hi), TRUE);
    }
  if (p->kind == INK_SWEEP_UNIFORM)
    return number_node (p->low + u * (p->high - p->low), FALSE);
  return number_node (CLAMP (exp (log (p->low) + u * (log (p->high) - log (p->low))), p->low, p->high), FALSE);
}

/* Builds one child from its values; NULL with an error, or when it repeats
 * an id already in `seen` (then *duplicate) */
static InkSweepChild *
make_child (Expander *ex, JsonNode **values, GHashTable *seen, gboolean *duplicate, GError **error)
{
  InkSweep *sweep = ex->sweep;
  guint n = sweep->params->len;
  g_autofree int *all = g_new (int, n);
  g_autoptr(JsonNode) canon = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) shown = g_string_new (NULL);
  InkExperiment *exp;
  InkSweepChild *child;

  *duplicate = FALSE;
  for (guint k = 0; k < n; k++)
    all[k] = (int) k;
  exp = build_experiment (ex, values, all, n, &canon, &local);
  if (exp == NULL)
    {
      for (guint k = 0; k < n; k++)
        {
          g_autofree char *t = ink_json_to_text (values[k], FALSE);
          g_string_append_printf (shown, "%s%s = %s", k ? ", " : "",
                                  ((InkSweepParam *) g_ptr_array_index (sweep->params, k))->path, t);
        }
      fail (error, INK_SWEEP_ERROR_INVALID, "sweep", "the child %s is refused: %s", shown->str, local->message);
      return NULL;
    }
  child = g_new0 (InkSweepChild, 1);
  child->experiment = exp;
  child->values = g_new0 (JsonNode *, n);
  for (guint k = 0; k < n; k++)
    {
      InkSweepParam *p = g_ptr_array_index (sweep->params, k);
      JsonNode *stored = NULL;
      g_autofree char *why = NULL;
      g_autofree char *t = NULL;

      /* the value as the child's experiment.json holds it (0.1 as a
       * float, 0.1), or as set where the canonical form leaves it out */
      path_lookup (canon, g_ptr_array_index (ex->steps, k), &stored, &why);
      child->values[k] = json_node_copy (stored ? stored : values[k]);
      t = ink_json_to_text (child->values[k], FALSE);
      g_checksum_update (sum, (const guchar *) p->path, -1);
      g_checksum_update (sum, (const guchar *) "=", 1);
      g_checksum_update (sum, (const guchar *) t, -1);
      g_checksum_update (sum, (const guchar *) "\n", 1);
    }
  child->id = g_strdup_printf ("t-%.10s", g_checksum_get_string (sum));
  if (g_hash_table_contains (seen, child->id))
    {
      *duplicate = TRUE;
      child_free (child, n);
      return NULL;
    }
  g_hash_table_add (seen, g_strdup (child->id));
  g_free (exp->name);
  exp->name = g_strdup_printf ("%s-%s", sweep->name, child->id);
  child->info.state = INK_SWEEP_PENDING;
  child->info.test_accuracy = child->info.best_valid_loss = child->info.best_valid_acc = NAN;
  child->info.last_train_loss = NAN;
  child->info.exit_status = -1;
  child->info.message = g_strdup ("");
  return child;
}

static gboolean
expand (Expander *ex, GError **error)
{
  InkSweep *sweep = ex->sweep;
  guint n = sweep->params->len;
  g_autoptr(GArray) grid = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) random = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint *digit = NULL;
  g_autofree JsonNode **values = g_new0 (JsonNode *, n);
  guint64 points = 1, total;
  guint draws;

  for (guint k = 0; k < n; k++)
    {
      InkSweepParam *p = g_ptr_array_index (sweep->params, k);
      int ki = (int) k;
      if (p->kind == INK_SWEEP_GRID)
        {
          g_array_append_val (grid, ki);
          points *= p->values->len;
          if (points > MAX_CHILDREN)
            {
              fail (error, INK_SWEEP_ERROR_INVALID, "sweep.parameters",
                    "the grid has more than %d points", MAX_CHILDREN);
              return FALSE;
            }
        }
      else
        g_array_append_val (random, ki);
    }
  if (random->len > 0 && sweep->count == 0)
    {
      fail (error, INK_SWEEP_ERROR_INVALID, "sweep.count",
            "is required with random parameters (uniform, log_uniform, choice): how many draws");
      return FALSE;
    }
  if (random->len == 0 && sweep->count != 0)
    {
      fail (error, INK_SWEEP_ERROR_INVALID, "sweep.count", "is given, but no parameter is random");
      return FALSE;
    }
  draws = random->len ? sweep->count : 1;
  total = points * draws;
  if (total > MAX_CHILDREN)
    {
      fail (error, INK_SWEEP_ERROR_INVALID, "sweep.count", "the sweep would have %" G_GUINT64_FORMAT
            " children, more than %d", total, MAX_CHILDREN);
      return FALSE;
    }
  digit = g_new0 (guint, MAX (grid->len, 1));
  for (guint64 pt = 0; pt < points; pt++)
    {
      g_autoptr(GString) point = g_string_new (NULL);

      /* the first grid parameter varies slowest */
      {
        guint64 rest = pt;
        for (int g = (int) grid->len - 1; g >= 0; g--)
          {
            InkSweepParam *p = g_ptr_array_index (sweep->params, g_array_index (grid, int, g));
            digit[g] = (guint) (rest % p->values->len);
            rest /= p->values->len;
          }
      }
      for (guint g = 0; g < grid->len; g++)
        {
          int pi = g_array_index (grid, int, g);
          InkSweepParam *p = g_ptr_array_index (sweep->params, pi);
          g_autofree char *t = NULL;

          values[pi] = g_ptr_array_index (p->values, digit[g]);
          t = ink_json_to_text (values[pi], FALSE);
          g_string_append_printf (point, "%s=%s\n", p->path, t);
        }
      for (guint j = 0; j < draws; j++)
        {
          g_autoptr(GPtrArray) drawn = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
          InkSweepChild *child;
          gboolean dup = FALSE;

          for (guint r = 0; r < random->len; r++)
            {
              int pi = g_array_index (random, int, r);
              InkSweepParam *p = g_ptr_array_index (sweep->params, pi);
              JsonNode *v = draw_value (p, draw_unit (sweep->seed, p->path, point->str, j));

              g_ptr_array_add (drawn, v);
              values[pi] = v;
            }
          child = make_child (ex, values, seen, &dup, error);
          if (child == NULL && !dup)
            return FALSE;
          if (dup)
            {
              sweep->duplicates++;
              continue;
            }
          child->index = sweep->children->len;
          g_ptr_array_add (sweep->children, child);
        }
    }
  return TRUE;
}

static gboolean
parse_section (InkSweep *sweep, JsonNode *section, GError **error)
{
  static const char * const keys[] = { "name", "parameters", "count", "seed", "halving", "executor",
                                       "parallel", "slurm", NULL };
  JsonObject *o;
  JsonNode *params, *n;
  gint64 count = 0, seed = 0, parallel = 0;

  if (!JSON_NODE_HOLDS_OBJECT (section))
    {
      fail (error, INK_SWEEP_ERROR_PARSE, "sweep", "is %s, expected an object", node_kind (section));
      return FALSE;
    }
  o = json_node_get_object (section);
  if (!check_keys (o, "sweep", keys, error) ||
      !get_string (o, "sweep", "name", NULL, &sweep->name, error) ||
      !get_int (o, "sweep", "count", 1, MAX_COUNT, &count, error) ||
      !get_int (o, "sweep", "seed", 0, G_MAXINT64, &seed, error) ||
      !get_int (o, "sweep", "parallel", 1, 4096, &parallel, error) ||
      !get_string (o, "sweep", "executor", NULL, &sweep->executor, error))
    return FALSE;
  sweep->count = (guint) count;
  sweep->seed = (guint64) seed;
  sweep->parallel = (guint) parallel;
  if (sweep->executor && !g_str_equal (sweep->executor, "local") && !g_str_equal (sweep->executor, "slurm"))
    {
      fail (error, INK_SWEEP_ERROR_INVALID, "sweep.executor", "is “%s”; it must be local or slurm", sweep->executor);
      return FALSE;
    }
  if ((n = json_object_get_member (o, "halving")) && !parse_halving (n, &sweep->halving, error))
    return FALSE;
  if ((n = json_object_get_member (o, "slurm")) && !parse_slurm (n, &sweep->slurm, error))
    return FALSE;
  params = json_object_get_member (o, "parameters");
  if (params == NULL || !JSON_NODE_HOLDS_ARRAY (params) || json_array_get_length (json_node_get_array (params)) == 0)
    {
      fail (error, INK_SWEEP_ERROR_PARSE, "sweep.parameters",
            "is %s; it must be a non-empty list of {\"path\": …, \"values\": […]} objects",
            params ? node_kind (params) : "missing");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (params)); i++)
    {
      InkSweepParam *p = parse_param (json_array_get_element (json_node_get_array (params), i), i, error);
      if (p == NULL)
        return FALSE;
      g_ptr_array_add (sweep->params, p);
    }
  return TRUE;
}

InkSweep *
ink_sweep_from_json (const char  *json,
                     gssize       length,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(InkSweep) sweep = g_new0 (InkSweep, 1);
  g_autoptr(JsonNode) base_node = NULL;
  g_autoptr(JsonParser) canon_parser = NULL;
  g_autofree char *base_text = NULL;
  g_autofree char *canon_text = NULL;
  JsonNode *root, *section;
  JsonObject *base_obj;
  Expander ex = { sweep, NULL, NULL };
  gboolean ok;

  sweep->params = g_ptr_array_new_with_free_func ((GDestroyNotify) param_free);
  sweep->children = g_ptr_array_new ();
  if (!(parser = ink_json_parse (json, length, &local)))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_PARSE, "not valid JSON: %s", local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_PARSE, "a sweep must be a JSON object");
      return NULL;
    }
  section = json_object_get_member (json_node_get_object (root), "sweep");
  if (section == NULL)
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_PARSE,
                   "sweep: missing; a sweep is an experiment with a “sweep” section (see docs/SWEEP.md)");
      return NULL;
    }
  /* the experiment: everything but "sweep" (and sweep.json's "children") */
  /* (json_node_copy shares the object: a new one is built) */
  base_obj = json_object_new ();
  {
    g_autoptr(GList) members = json_object_get_members (json_node_get_object (root));
    for (GList *l = members; l; l = l->next)
      if (!g_str_equal (l->data, "sweep") && !g_str_equal (l->data, "children"))
        json_object_set_member (base_obj, l->data,
                                json_node_copy (json_object_get_member (json_node_get_object (root), l->data)));
  }
  base_node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (base_node, base_obj);
  base_text = ink_json_to_text (base_node, FALSE);
  if (!(sweep->base = ink_experiment_from_json (base_text, -1, &local)) ||
      !ink_experiment_validate (sweep->base, &local))
    {
      g_set_error (error, INK_SWEEP_ERROR, INK_SWEEP_ERROR_INVALID, "the experiment: %s", local->message);
      return NULL;
    }
  if (!parse_section (sweep, section, error))
    return NULL;
  if (sweep->name == NULL)
    sweep->name = g_strdup (sweep->base->name && *sweep->base->name ? sweep->base->name : "sweep");
  canon_text = ink_experiment_to_json (sweep->base, FALSE);
  if (!(canon_parser = ink_json_parse (canon_text, -1, error)))
    return NULL;
  ex.canon = json_parser_get_root (canon_parser);
  ex.steps = g_ptr_array_new_with_free_func ((GDestroyNotify) path_steps_free);
  ok = TRUE;
  for (guint i = 0; ok && i < sweep->params->len; i++)
    ok = resolve_param (&ex, (int) i, error);
  ok = ok && expand (&ex, error);
  g_ptr_array_unref (ex.steps);
  if (!ok)
    return NULL;
  return g_steal_pointer (&sweep);
}

InkSweep *
ink_sweep_load (const char  *path,
                GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  InkSweep *sweep;

  if (!ink_read_file (path, 64 * 1024 * 1024, &text, &len, error))
    return NULL;
  sweep = ink_sweep_from_json (text, (gssize) len, &local);
  if (sweep == NULL)
    g_set_error (error, INK_SWEEP_ERROR, local->code, "%s: %s", path, local->message);
  return sweep;
}

/* ------------------------------------------------------------------------ */
/* writing the spec                                                          */

static void
write_section (JsonBuilder *b, const InkSweep *sweep)
{
  const InkSweepSlurmSpec *s = &sweep->slurm;

  ink_json_member_begin_object (b, "sweep");
  ink_json_member_string (b, "name", sweep->name);
  ink_json_member_begin_array (b, "parameters");
  for (guint i = 0; i < sweep->params->len; i++)
    {
      InkSweepParam *p = g_ptr_array_index (sweep->params, i);
      static const char * const keys[] = { "values", "uniform", "log_uniform", "choice" };

      json_builder_begin_object (b);
      ink_json_member_string (b, "path", p->path);
      json_builder_set_member_name (b, keys[p->kind]);
      json_builder_begin_array (b);
      if (p->values)
        for (guint k = 0; k < p->values->len; k++)
          json_builder_add_value (b, json_node_copy (g_ptr_array_index (p->values, k)));
      else
        {
          json_builder_add_double_value (b, p->low);
          json_builder_add_double_value (b, p->high);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (sweep->count)
    {
      ink_json_member_int (b, "count", sweep->count);
      ink_json_member_int (b, "seed", (gint64) sweep->seed);
    }
  if (sweep->halving.enabled)
    {
      ink_json_member_begin_object (b, "halving");
      ink_json_member_int (b, "min_epochs", sweep->halving.min_epochs);
      ink_json_member_int (b, "eta", sweep->halving.eta);
      ink_json_member_string (b, "metric", sweep->halving.metric);
      json_builder_end_object (b);
    }
  if (sweep->executor)
    ink_json_member_string (b, "executor", sweep->executor);
  if (sweep->parallel)
    ink_json_member_int (b, "parallel", sweep->parallel);
  if (s->partition || s->time || s->cpus_per_task || s->mem || s->account || s->extra)
    {
      ink_json_member_begin_object (b, "slurm");
      if (s->partition)
        ink_json_member_string (b, "partition", s->partition);
      if (s->time)
        ink_json_member_string (b, "time", s->time);
      if (s->cpus_per_task)
        ink_json_member_int (b, "cpus_per_task", s->cpus_per_task);
      if (s->mem)
        ink_json_member_string (b, "mem", s->mem);
      if (s->account)
        ink_json_member_string (b, "account", s->account);
      if (s->extra)
        {
          ink_json_member_begin_array (b, "extra");
          for (char **e = s->extra; *e; e++)
            json_builder_add_string_value (b, *e);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/* the spec as a node; with_children: sweep.json's "children" too */
static JsonNode *
sweep_node (const InkSweep *sweep, gboolean with_children)
{
  g_autofree char *base = ink_experiment_to_json (sweep->base, FALSE);
  g_autoptr(JsonParser) parser = ink_json_parse (base, -1, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonNode *root = json_node_copy (json_parser_get_root (parser));
  JsonObject *o = json_node_get_object (root);
  JsonNode *built;

  json_builder_begin_object (b);
  write_section (b, sweep);
  if (with_children)
    {
      ink_json_member_begin_array (b, "children");
      for (guint i = 0; i < sweep->children->len; i++)
        {
          InkSweepChild *c = g_ptr_array_index (sweep->children, i);

          json_builder_begin_object (b);
          ink_json_member_string (b, "id", c->id);
          ink_json_member_int (b, "index", c->index);
          ink_json_member_begin_object (b, "values");
          for (guint k = 0; k < sweep->params->len; k++)
            {
              json_builder_set_member_name (b, ((InkSweepParam *) g_ptr_array_index (sweep->params, k))->path);
              json_builder_add_value (b, json_node_copy (c->values[k]));
            }
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  built = json_builder_get_root (b);
  {
    JsonObject *bo = json_node_get_object (built);
    g_autoptr(GList) members = json_object_get_members (bo);
    for (GList *l = members; l; l = l->next)
      json_object_set_member (o, l->data, json_node_copy (json_object_get_member (bo, l->data)));
  }
  json_node_unref (built);
  return root;
}

char *
ink_sweep_to_json (const InkSweep *sweep)
{
  g_autoptr(JsonNode) n = sweep_node (sweep, FALSE);
  return ink_json_to_text (n, TRUE);
}

char *
ink_sweep_file_text (const InkSweep *sweep)
{
  g_autoptr(JsonNode) n = sweep_node (sweep, TRUE);
  g_autofree char *text = ink_json_to_text (n, TRUE);
  return g_strconcat (text, "\n", NULL);
}

char *
ink_sweep_child_value_text (const InkSweepChild *child,
                            guint                param)
{
  JsonNode *n = child->values[param];

  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (n));
  return ink_json_to_text (n, FALSE);
}

double
ink_sweep_child_value_number (const InkSweepChild *child,
                              guint                param)
{
  JsonNode *n = child->values[param];

  if (node_is_number (n))
    return json_node_get_double (n);
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (n) ? 1 : 0;
  return NAN;
}
