/* inkling-cli.c
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

/* inkling-cli: the train, evaluate, predict, info, presets, parity and
 * bench commands, and the command table (sweep is in inkling-sweep.c,
 * bench in inkling-bench.c). */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ink-backend-cuda.h"
#include "ink-dataset.h"
#include "ink-evaluate.h"
#include "ink-experiment.h"
#include "ink-json.h"
#include "ink-ledger.h"
#include "ink-metrics.h"
#include "ink-model.h"
#include "ink-openblas.h"
#include "ink-parity.h"
#include "ink-predict.h"
#include "ink-preflight.h"
#include "ink-save.h"
#include "ink-sweep.h"
#include "ink-trainer.h"

#include "inkling-cli.h"

#define EXIT_USAGE 2

/* Exit statuses, as every command's --help lists them */
#define EXIT_STATUS_HELP \
  N_("Exit status: 0 success; 1 input that cannot be used (a missing or damaged file,\n" \
     "a folder where a file goes, a busy output); 2 a bad flag, a bad flag value or\n" \
     "an unexpected argument; 3 a training run that diverged; 130 after Ctrl+C and\n" \
     "143 after SIGTERM (the run stopped and kept its work first).")

/* colours only on a terminal, and never with NO_COLOR set
 * (https://no-color.org) or TERM=dumb */
static gboolean colour_out, colour_err;

static gboolean
want_colour (int fd)
{
  const char *no_colour = g_getenv ("NO_COLOR");
  const char *term = g_getenv ("TERM");

  return isatty (fd) && (no_colour == NULL || no_colour[0] == '\0') &&
         term != NULL && g_strcmp0 (term, "dumb") != 0;
}

#define SGR(on, code) ((on) ? "\033[" code "m" : "")

void
ink_cli_fail (const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  /* one line, whatever the message holds */
  g_strdelimit (msg, "\n", ' ');
  fprintf (stderr, "inkling-cli: %serror:%s %s\n", SGR (colour_err, "1;31"), SGR (colour_err, "0"), msg);
}

#define fail ink_cli_fail

static int
usage_error (GOptionContext *ctx, const char *msg)
{
  fail ("%s (see “inkling-cli %s --help”)", msg, g_get_prgname () ? g_get_prgname () : "");
  return EXIT_USAGE;
}

static gboolean show_version;

static const GOptionEntry common_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &show_version, N_("Print the version and exit"), NULL },
  { NULL }
};

gboolean
ink_cli_parse_options (GOptionContext *ctx, int *argc, char ***argv, int *status)
{
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (ctx, common_entries, GETTEXT_PACKAGE);
  if (g_option_context_get_description (ctx) == NULL)
    g_option_context_set_description (ctx, _(EXIT_STATUS_HELP));
  show_version = FALSE;
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      *status = usage_error (ctx, error->message);
      return FALSE;
    }
  if (show_version)
    {
      printf ("inkling-cli %s\n", PACKAGE_VERSION);
      *status = 0;
      return FALSE;
    }
  return TRUE;
}

#define parse_options ink_cli_parse_options

/* a string flag given as "" names nothing: refused as a bad value */
static gboolean
check_not_empty (GOptionContext *ctx, int *status, ...)
{
  va_list ap;
  const char *flag;

  va_start (ap, status);
  while ((flag = va_arg (ap, const char *)) != NULL)
    {
      const char *value = va_arg (ap, const char *);

      if (value != NULL && value[0] == '\0')
        {
          g_autofree char *msg = g_strdup_printf ("%s was given an empty value; it needs %s", flag,
                                                  g_str_equal (flag, "--data")
                                                  ? "mnist, fashion-mnist or a folder"
                                                  : "a value");
          va_end (ap);
          *status = usage_error (ctx, msg);
          return FALSE;
        }
    }
  va_end (ap);
  return TRUE;
}

/* an output file flag: a folder there is refused before anything runs */
static gboolean
check_output_path (const char *flag, const char *path)
{
  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (path);
      fail ("%s %s: that is a folder; give the name of a file to write", flag, display);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* data                                                                      */

/* Loads the data a run or a model needs: --data (a folder or a dataset's
 * name) or else the experiment's dataset.  n_inputs > 0: the images must
 * have that many pixels, or the error names the file that holds them. */
static gboolean
load_data (const char *dataset, const char *dir_override, int n_inputs, InkDataset **train,
           InkDataset **test, char **dir_out, GError **error)
{
  g_autofree char *dir = NULL;

  /* --data takes a folder or a dataset's name ("fashion-mnist") */
  if (!(dir = ink_dataset_resolve (dir_override, dataset, error)) ||
      !ink_dataset_load_dir (dir, train, test, error))
    {
      if (dir_override != NULL)
        g_prefix_error (error, "--data %s: ", dir_override);
      return FALSE;
    }
  if (n_inputs > 0 && ink_dataset_dim (*train) != (guint) n_inputs)
    {
      g_autofree char *file = ink_dataset_dir_images_file (dir, FALSE);
      g_autofree char *display = g_filename_display_name (file ? file : dir);

      g_set_error (error, INK_DATA_ERROR, INK_DATA_ERROR_MISMATCH,
                   "%s holds images of %u×%u = %u pixels, but the network takes %d inputs%s",
                   display, (*train)->rows, (*train)->cols, ink_dataset_dim (*train), n_inputs,
                   n_inputs == 784 ? " (28×28 images, as MNIST's)" : "");
      g_clear_pointer (train, ink_dataset_free);
      g_clear_pointer (test, ink_dataset_free);
      return FALSE;
    }
  if (dir_out)
    *dir_out = g_steal_pointer (&dir);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* train                                                                     */

typedef struct
{
  gboolean      json;
  gboolean      tty;            /* progress line rewritten in place with \r */
  gboolean      quiet;
  gboolean      progress_shown;
  gboolean      header_done;
  guint         epochs;         /* the run's epochs, for the ETA */
  gint64        epoch_start;    /* monotonic µs when the current epoch began */
  double        done_seconds;   /* sum of the completed epochs' durations */
  guint         done_epochs;
  InkLedgerRun *ledger;
  gboolean      ledger_warned;
} TrainView;

static void
print_table_header (void)
{
  printf ("  epoch    train loss    valid loss    train/val    valid acc      dur\n");
  printf ("-------  ------------  ------------  -----------  -----------  -------\n");
}

static void
clear_progress (TrainView *v)
{
  if (v->progress_shown)
    {
      printf ("\r\033[K");
      v->progress_shown = FALSE;
    }
}

static void
json_line (JsonBuilder *b)
{
  g_autofree char *s = ink_json_builder_to_text (b, FALSE);
  printf ("%s\n", s);
  fflush (stdout);
}

/* the terminal's width in columns (80 when it cannot be asked) */
static int
terminal_columns (void)
{
  struct winsize ws;

  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 80;
}

static void
format_duration (char *buf, gsize size, double seconds)
{
  guint64 t = seconds > 0 && isfinite (seconds) ? (guint64) (seconds + 0.5) : 0;

  if (t >= 3600)
    g_snprintf (buf, size, "%" G_GUINT64_FORMAT ":%02u:%02u", t / 3600, (guint) (t / 60 % 60), (guint) (t % 60));
  else
    g_snprintf (buf, size, "%u:%02u", (guint) (t / 60), (guint) (t % 60));
}

/* columns the text takes on screen: UTF-8 characters, SGR sequences not
 * counted */
static int
visible_width (const char *s, gsize len)
{
  int w = 0;

  for (const char *p = s; p < s + len;)
    {
      if (*p == '\033')
        {
          while (p < s + len && *p != 'm')
            p++;
          p++;
          continue;
        }
      w++;
      p = g_utf8_next_char (p);
    }
  return w;
}

/* printf, wrapped at spaces to the terminal's width when stdout is one
 * (continuation lines indented by two spaces), so that long lines do not
 * wrap in the middle of a word; into a pipe or a file, one line as it is */
static void out_wrapped (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static void
out_wrapped (const char *fmt, ...)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) words = NULL;
  va_list ap;
  int width, col = 0;

  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (!isatty (STDOUT_FILENO))
    {
      printf ("%s\n", text);
      return;
    }
  width = terminal_columns () - 1;
  words = g_strsplit (text, " ", -1);
  for (guint i = 0; words[i]; i++)
    {
      int w = visible_width (words[i], strlen (words[i]));

      if (i > 0 && col + 1 + w > width && col > 2)
        {
          printf ("\n  ");
          col = 2;
        }
      else if (i > 0)
        {
          putchar (' ');
          col++;
        }
      fputs (words[i], stdout);
      col += w;
    }
  putchar ('\n');
}

/* The progress line, ASCII only and at most columns - 1 wide, so that it
 * never wraps (a wrapped line cannot be rewritten with \r: each rewrite
 * would leave a stale line behind).  What does not fit is left out: the
 * bar narrows first, then the images per second, the accuracy, the loss
 * and the ETA go. */
static char *
progress_line (int columns, const InkTrainEvent *ev, guint epochs, double eta)
{
  char parts[6][48];
  gboolean keep[6] = { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE };
  int avail = MAX (columns - 1, 8), len, bar = 0;
  char eta_text[32];
  GString *line;

  format_duration (eta_text, sizeof eta_text, eta);
  g_snprintf (parts[0], sizeof parts[0], "epoch %u/%u", ev->epoch, epochs);
  g_snprintf (parts[1], sizeof parts[1], "%u/%u", ev->batch, ev->n_batches);
  g_snprintf (parts[2], sizeof parts[2], "ETA %s", eta_text);
  g_snprintf (parts[3], sizeof parts[3], "loss %.5f", ev->running_loss);
  g_snprintf (parts[4], sizeof parts[4], "acc %.2f%%", 100 * ev->running_acc);
  g_snprintf (parts[5], sizeof parts[5], "%.0f img/s", ev->samples_per_sec);
  for (int drop = 5;; drop--)
    {
      len = 0;
      for (int i = 0; i < 6; i++)
        if (keep[i])
          len += (len ? 2 : 0) + (int) strlen (parts[i]);
      if (len <= avail || drop < 1)
        break;
      keep[drop] = FALSE;
    }
  /* the bar takes what is left, up to 30 columns; under 5 it goes */
  bar = MIN (avail - len - 4, 30);
  line = g_string_new (parts[0]);
  if (bar >= 5)
    {
      int done = (int) ((double) ev->batch / MAX (ev->n_batches, 1) * bar);
      g_string_append (line, "  [");
      for (int i = 0; i < bar; i++)
        g_string_append_c (line, i < done ? '=' : ' ');
      g_string_append_c (line, ']');
    }
  /* the order on screen: epoch, bar, batch, loss, acc, rate, ETA */
  {
    static const int order[] = { 1, 3, 4, 5, 2 };
    for (guint k = 0; k < G_N_ELEMENTS (order); k++)
      if (keep[order[k]])
        g_string_append_printf (line, "  %s", parts[order[k]]);
  }
  if (line->len > (gsize) avail)
    g_string_truncate (line, avail);
  return g_string_free (line, FALSE);
}

static void
ledger_warn (TrainView *v, const GError *error)
{
  /* a run is not stopped for its record; said once */
  if (!v->ledger_warned)
    fprintf (stderr, "inkling-cli: warning: the run ledger (%s): %s\n", v->ledger->dir, error->message);
  v->ledger_warned = TRUE;
}

/* What every event is counted for, whatever is printed: the ledger's
 * record of each epoch, and the clock of the ETA */
static void
view_track (TrainView *v, const InkTrainEvent *ev)
{
  if (ev->kind == INK_EVENT_EPOCH)
    {
      g_autoptr(GError) error = NULL;

      if (v->ledger && !ink_ledger_run_add_epoch (v->ledger, ev->record, &error))
        ledger_warn (v, error);
      v->done_seconds += ev->record->duration;
      v->done_epochs++;
      v->epoch_start = g_get_monotonic_time ();
    }
  else if (ev->kind == INK_EVENT_PHASE && g_strcmp0 (ev->phase, "training") == 0)
    v->epoch_start = g_get_monotonic_time ();
}

static void
json_progress_members (JsonBuilder *b, const InkTrainEvent *ev)
{
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "progress");
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, ev->epoch);
  json_builder_set_member_name (b, "batch");
  json_builder_add_int_value (b, ev->batch);
  json_builder_set_member_name (b, "batches");
  json_builder_add_int_value (b, ev->n_batches);
  json_builder_set_member_name (b, "loss");
  json_builder_add_double_value (b, ev->running_loss);
  json_builder_set_member_name (b, "samples_per_s");
  json_builder_add_double_value (b, ev->samples_per_sec);
}

static void
json_epoch_members (JsonBuilder *b, const InkEpochRecord *r)
{
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "epoch");
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, r->epoch);
  json_builder_set_member_name (b, "train_loss");
  json_builder_add_double_value (b, r->train_loss);
  json_builder_set_member_name (b, "train_acc");
  json_builder_add_double_value (b, r->train_acc);
  json_builder_set_member_name (b, "valid_loss");
  json_builder_add_double_value (b, isfinite (r->valid_loss) ? r->valid_loss : -1);
  json_builder_set_member_name (b, "valid_acc");
  json_builder_add_double_value (b, isfinite (r->valid_acc) ? r->valid_acc : -1);
  /* the rate is a float: 0.001, not 0.0010000000474974513 */
  json_builder_set_member_name (b, "lr");
  json_builder_add_double_value (b, ink_json_float_to_double ((float) r->lr));
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_double_value (b, r->duration);
  json_builder_set_member_name (b, "improved");
  json_builder_add_boolean_value (b, r->improved);
}

static void
json_pretrain_members (JsonBuilder *b, const InkTrainEvent *ev)
{
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "pretrain_epoch");
  json_builder_set_member_name (b, "layer");
  json_builder_add_int_value (b, ev->layer);
  json_builder_set_member_name (b, "layers");
  json_builder_add_int_value (b, ev->n_layers);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, ev->epoch);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, ev->n_epochs);
  json_builder_set_member_name (b, "recon_error");
  json_builder_add_double_value (b, isfinite (ev->recon_error) ? ev->recon_error : -1);
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_double_value (b, ev->duration);
}

/* --json: an event as one line; the weights are not printed */
static void
print_json_event (const InkTrainEvent *ev)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  switch (ev->kind)
    {
    case INK_EVENT_PHASE:
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "phase");
      json_builder_set_member_name (b, "phase");
      json_builder_add_string_value (b, ev->phase);
      break;
    case INK_EVENT_PROGRESS:
      json_progress_members (b, ev);
      break;
    case INK_EVENT_EPOCH:
      json_epoch_members (b, ev->record);
      break;
    case INK_EVENT_PRETRAIN_EPOCH:
      json_pretrain_members (b, ev);
      break;
    case INK_EVENT_FINISHED:
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "finished");
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, ink_stop_reason_to_string (ev->reason));
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, ev->message ? ev->message : "");
      break;
    case INK_EVENT_WEIGHTS:
    default:
      return;
    }
  json_builder_end_object (b);
  json_line (b);
}

/* on a terminal: the progress line, rewritten in place */
static void
show_progress (TrainView *v, const InkTrainEvent *ev)
{
  double elapsed = (g_get_monotonic_time () - v->epoch_start) / 1e6;
  double this_epoch = elapsed / ev->batch * ev->n_batches;
  double per_epoch = v->done_epochs ? v->done_seconds / v->done_epochs : this_epoch;
  double eta = MAX (this_epoch - elapsed, 0) + (double) (v->epochs - MIN (ev->epoch, v->epochs)) * per_epoch;
  g_autofree char *line = progress_line (terminal_columns (), ev, v->epochs, eta);

  printf ("\r\033[K%s", line);
  fflush (stdout);
  v->progress_shown = TRUE;
}

/* a row of the epoch table */
static void
print_epoch_row (TrainView *v, const InkEpochRecord *r)
{
  clear_progress (v);
  printf ("%7u  %12.5f  %12.5f  %11.5f  %10.2f%%  %6.2fs%s%s%s\n",
          r->epoch, r->train_loss, r->valid_loss, r->train_loss / r->valid_loss,
          100 * r->valid_acc, r->duration, SGR (colour_out && r->improved, "32"),
          r->improved ? "  *" : "", SGR (colour_out && r->improved, "0"));
  fflush (stdout);
}

/* an event as text: the epoch table, the pretraining lines, the
 * progress line */
static void
print_text_event (TrainView *v, const InkTrainEvent *ev)
{
  switch (ev->kind)
    {
    case INK_EVENT_PROGRESS:
      if (v->tty && ev->batch > 0)
        show_progress (v, ev);
      break;
    case INK_EVENT_EPOCH:
      print_epoch_row (v, ev->record);
      break;
    case INK_EVENT_FINISHED:
      clear_progress (v);
      break;
    case INK_EVENT_PRETRAIN_EPOCH:
      clear_progress (v);
      printf ("pretrain layer %u/%u  epoch %3u/%-3u  reconstruction error %10.5f  %6.2fs\n",
              ev->layer, ev->n_layers, ev->epoch, ev->n_epochs, ev->recon_error, ev->duration);
      fflush (stdout);
      break;
    case INK_EVENT_PHASE:
      /* the epoch table starts with the training phase, after any pretraining */
      if (g_strcmp0 (ev->phase, "training") == 0 && !v->header_done)
        {
          print_table_header ();
          v->header_done = TRUE;
          fflush (stdout);
        }
      break;
    case INK_EVENT_WEIGHTS:
    default:
      break;
    }
}

static void
on_event (const InkTrainEvent *ev, gpointer user_data)
{
  TrainView *v = user_data;

  view_track (v, ev);
  if (v->json)
    print_json_event (ev);
  else if (!v->quiet)
    print_text_event (v, ev);
}

static GCancellable *interrupt_cancellable;
static int interrupt_signal;   /* SIGINT or SIGTERM once one arrived */

/* Ctrl+C and SIGTERM (what Slurm and systemd send) both stop the run the
 * same way: the epoch in progress is dropped, the kept model is saved */
static gboolean
on_stop_signal (gpointer data)
{
  if (interrupt_signal == 0)
    interrupt_signal = GPOINTER_TO_INT (data);
  g_cancellable_cancel (interrupt_cancellable);
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  InkTrainer   *trainer;
  TrainView    *view;
  gboolean      ok;
  GError       *error;
  GMainLoop    *loop;
} RunData;

static gpointer
run_thread (gpointer data)
{
  RunData *rd = data;
  rd->ok = ink_trainer_run (rd->trainer, interrupt_cancellable, on_event, rd->view, &rd->error);
  g_main_loop_quit (rd->loop);
  return NULL;
}

/* a convolutional network: one row per layer with what it is and the
 * shape it hands on ("conv2d 32 3×3 valid", "32×26×26") */
static void
print_image_network (const InkNetSpec *net)
{
  g_autofree InkLayerShape *shapes = g_new0 (InkLayerShape, net->n_layers);
  g_autofree char *input = NULL;

  if (!ink_net_spec_shapes (net, shapes, NULL))
    return;
  input = g_strdup_printf ("%d×%d×%d", shapes[0].in_channels, shapes[0].in_height,
                           shapes[0].in_width);
  printf ("  #  layer                       output      activation  dropout\n");
  printf ("---  --------------------------  ----------  ----------  -------\n");
  printf ("  0  %-26s  %s%*s  %-10s  %7.2f\n", "input", input,
          (int) (10 - g_utf8_strlen (input, -1)), "", "", (double) net->input_dropout);
  for (int i = 0; i < net->n_layers; i++)
    {
      const InkLayerSpec *ls = &net->layers[i];
      const InkLayerShape *sh = &shapes[i];
      g_autofree char *what = NULL;
      g_autofree char *out = NULL;

      switch (ls->kind)
        {
        case INK_LAYER_CONV2D:
          what = g_strdup_printf ("conv2d %d %d×%d /%d %s", ls->filters, ls->kernel_h,
                                  ls->kernel_w, ls->stride, ink_padding_to_string (ls->padding));
          break;
        case INK_LAYER_MAX_POOL:
        case INK_LAYER_AVG_POOL:
          what = g_strdup_printf ("%s %d×%d /%d", ink_layer_kind_to_string (ls->kind),
                                  ls->pool_size, ls->pool_size, ls->stride);
          break;
        case INK_LAYER_BATCH_NORM:
          what = g_strdup ("batch-norm");
          break;
        case INK_LAYER_DENSE:
        default:
          what = g_strdup_printf ("%s %d%s", i + 1 == net->n_layers ? "output" : "dense",
                                  ls->units, i > 0 && !shapes[i - 1].flat
                                  ? " (flatten)" : "");
          break;
        }
      out = sh->flat ? g_strdup_printf ("%" G_GSIZE_FORMAT, sh->n_outputs)
                     : g_strdup_printf ("%d×%d×%d", sh->channels, sh->height, sh->width);
      /* the widths count bytes; × is two, so pad by hand */
      printf ("%3d  %s%*s  %s%*s  %-10s  %7.2f\n", i + 1,
              what, (int) (26 - g_utf8_strlen (what, -1)), "",
              out, (int) (10 - g_utf8_strlen (out, -1)), "",
              ink_activation_to_string (ls->activation), (double) ls->dropout);
    }
}

static void
print_network (const InkExperiment *exp)
{
  const InkNetSpec *net = exp->net;

  g_autofree char *learned = ink_format_thousands (ink_net_spec_n_params (net)
                                                   - ink_net_spec_n_state (net));

  /* the batch-norm running statistics are kept, not learned */
  printf ("# %s: neural network with %s learnable parameters\n\n", exp->name, learned);
  if (ink_net_spec_has_image_layers (net))
    {
      print_image_network (net);
      printf ("\n");
      return;
    }
  printf ("  #  name       size  activation  dropout\n");
  printf ("---  -------  ------  ----------  -------\n");
  printf ("  0  input    %6d  %-10s  %7.2f\n", net->n_inputs, "", (double) net->input_dropout);
  for (int i = 0; i < net->n_layers; i++)
    printf ("%3d  %-7s  %6d  %-10s  %7.2f\n", i + 1, i + 1 == net->n_layers ? "output" : "hidden",
            net->layers[i].units, ink_activation_to_string (net->layers[i].activation),
            (double) net->layers[i].dropout);
  printf ("\n");
}

static void
json_add_path (JsonBuilder *b, const char *member, const char *path)
{
  json_builder_set_member_name (b, member);
  if (path)
    json_builder_add_string_value (b, path);
  else
    json_builder_add_null_value (b);
}

/* {"event":"start",…}: what the run is, before its first epoch */
static void
json_start_event (const InkExperiment *exp, InkTrainer *trainer, const char *dir,
                  const char *resume, InkLedgerRun *ledger)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const InkSplit *sp = ink_trainer_split (trainer);
  guint done = 0;

  ink_trainer_history (trainer, &done);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "start");
  json_builder_set_member_name (b, "experiment");
  json_builder_add_string_value (b, exp->name);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, exp->epochs);
  json_builder_set_member_name (b, "epochs_done");
  json_builder_add_int_value (b, done);
  json_builder_set_member_name (b, "dataset");
  json_builder_add_string_value (b, exp->dataset);
  json_add_path (b, "data", dir);
  json_builder_set_member_name (b, "train");
  json_builder_add_int_value (b, sp->n_train);
  json_builder_set_member_name (b, "valid");
  json_builder_add_int_value (b, sp->n_valid);
  json_builder_set_member_name (b, "valid_is_test");
  json_builder_add_boolean_value (b, sp->valid_is_test);
  json_builder_set_member_name (b, "test");
  json_builder_add_int_value (b, sp->n_test);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, ink_trainer_network (trainer)->be->device_name);
  json_builder_set_member_name (b, "parameters");
  json_builder_add_int_value (b, (gint64) ink_net_spec_n_params (exp->net));
  json_builder_set_member_name (b, "optimizer");
  json_builder_add_string_value (b, ink_optimizer_kind_to_string (exp->optimizer.kind));
  json_builder_set_member_name (b, "lr");
  json_builder_add_double_value (b, ink_json_float_to_double (exp->optimizer.lr));
  /* the decay of the weight average that validation and test scores are
   * of; 0 when the run has none */
  json_builder_set_member_name (b, "ema_decay");
  json_builder_add_double_value (b, ink_json_float_to_double (exp->optimizer.ema_decay));
  json_builder_set_member_name (b, "batch_size");
  json_builder_add_int_value (b, exp->batch_size);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) exp->seed);
  json_add_path (b, "resumed_from", resume);
  json_add_path (b, "ledger", ledger ? ledger->dir : NULL);
  json_builder_end_object (b);
  json_line (b);
}

/* A preset's name, or a hint at the flag a positional argument wanted. */
static int
refuse_argument (GOptionContext *ctx, const char *arg)
{
  g_auto(GStrv) names = ink_experiment_list_all_presets ();
  g_autofree char *msg = NULL;

  if (g_strv_contains ((const char * const *) names, arg))
    msg = g_strdup_printf ("unexpected argument “%s”: a preset is named with --preset "
                           "(inkling-cli train --preset %s)", arg, arg);
  else if (g_str_has_suffix (arg, ".json"))
    msg = g_strdup_printf ("unexpected argument “%s”: an experiment file is given with --config "
                           "(inkling-cli train --config %s)", arg, arg);
  else if (g_str_has_suffix (arg, ".ckpt"))
    msg = g_strdup_printf ("unexpected argument “%s”: a checkpoint is continued with --resume "
                           "(inkling-cli train --resume %s)", arg, arg);
  else
    msg = g_strdup_printf ("unexpected argument “%s”", arg);
  return usage_error (ctx, msg);
}

/* --preset NAME for a name that is no preset: a bad flag value */
static gboolean
check_preset (GOptionContext *ctx, const char *preset, int *status)
{
  g_auto(GStrv) names = ink_experiment_list_all_presets ();
  g_autofree char *list = NULL, *msg = NULL;

  if (preset == NULL || g_strv_contains ((const char * const *) names, preset))
    return TRUE;
  list = g_strjoinv (", ", names);
  msg = g_strdup_printf ("--preset: there is no preset “%s”; the presets are %s", preset, list);
  *status = usage_error (ctx, msg);
  return FALSE;
}

/* Copies a finished file into the run's ledger folder (atomically). */
static gboolean
copy_into_ledger (const char *from, const char *to, GError **error)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;

  return g_file_get_contents (from, &bytes, &len, error) &&
         ink_save_file (to, bytes, len, TRUE, error);
}

/* `inkling-cli train`'s flags as given; G_MININT and G_MININT64 (which no
 * user value can equal) say "not given" */
typedef struct
{
  char     *preset, *config, *resume, *data, *device, *optimizer, *norm, *lr_text;
  char     *save, *history, *checkpoint, *write_config, *run_dir;
  int       epochs, batch, subset;
  gint64    seed;
  double    lr;                 /* --lr's value, once checked */
  gboolean  json, quiet, no_progress, report, no_ledger;
} TrainOptions;

/* One `inkling-cli train`: its flags, then what each step builds */
typedef struct
{
  TrainOptions   opt;
  InkExperiment *exp;
  InkDataset    *train, *test;
  char          *dir;           /* the data's folder */
  GPtrArray     *locks;         /* on the output files, held to the end */
  InkTrainer    *trainer;
  InkLedgerRun  *ledger;
  char          *ledger_model, *ledger_ckpt, *ledger_history;
  gboolean       ckpt_in_ledger; /* no --checkpoint: it goes into the ledger */
  gboolean       saved, history_written;
  gboolean       child_begun;   /* --run-dir: the attempt is recorded in its status.json */
  TrainView      view;
} TrainCommand;

static void
train_command_clear (TrainCommand *c)
{
  TrainOptions *o = &c->opt;

  g_free (c->ledger_history);
  g_free (c->ledger_ckpt);
  g_free (c->ledger_model);
  g_free (c->dir);
  g_clear_pointer (&c->locks, g_ptr_array_unref);
  g_clear_pointer (&c->ledger, ink_ledger_run_free);
  g_clear_pointer (&c->trainer, ink_trainer_free);
  g_clear_pointer (&c->test, ink_dataset_free);
  g_clear_pointer (&c->train, ink_dataset_free);
  g_clear_pointer (&c->exp, ink_experiment_free);
  g_free (o->preset);
  g_free (o->config);
  g_free (o->resume);
  g_free (o->data);
  g_free (o->device);
  g_free (o->optimizer);
  g_free (o->norm);
  g_free (o->lr_text);
  g_free (o->save);
  g_free (o->history);
  g_free (o->checkpoint);
  g_free (o->write_config);
  g_free (o->run_dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TrainCommand, train_command_clear)

/* Every flag's value, before anything is read (--lr's into o->lr): the
 * usage error a bad one is (to be freed), or NULL */
static char *
train_check_values (TrainOptions *o)
{
  InkOptimizerKind ok;
  InkNormKind nk;

  if (o->lr_text != NULL)
    {
      /* read as text: "nan" must be refused, not taken for "not given" */
      char *end = NULL;

      o->lr = g_ascii_strtod (o->lr_text, &end);
      /* kept as a float: 1e39 would become infinity */
      if (end == o->lr_text || *end != '\0' || !(o->lr > 0) || !isfinite ((float) o->lr) ||
          (float) o->lr == 0.0f)
        return g_strdup ("--lr must be a positive number no larger than 3.4e38");
    }
  if (o->epochs != G_MININT && (o->epochs < 1 || o->epochs > INK_MAX_EPOCHS))
    return g_strdup ("--epochs must be between 1 and " G_STRINGIFY (INK_MAX_EPOCHS));
  if (o->batch != G_MININT && (o->batch < 1 || o->batch > INK_MAX_BATCH_SIZE))
    return g_strdup ("--batch-size must be between 1 and " G_STRINGIFY (INK_MAX_BATCH_SIZE));
  if (o->subset != G_MININT && o->subset < 1)
    return g_strdup ("--subset must be at least 1");
  if (o->seed != G_MININT64 && o->seed < 0)
    return g_strdup ("--seed must not be negative");
  if (o->device && g_strcmp0 (o->device, "cpu") != 0 && g_strcmp0 (o->device, "cuda") != 0 &&
      g_strcmp0 (o->device, "auto") != 0)
    return g_strdup ("--device must be cpu, cuda or auto");
  if (o->optimizer && !ink_optimizer_kind_from_string (o->optimizer, &ok))
    return g_strdup_printf ("--optimizer must be one of %s", ink_optimizer_kind_choices ());
  if (o->norm && !ink_norm_kind_from_string (o->norm, &nk))
    return g_strdup_printf ("--normalization must be one of %s", ink_norm_kind_choices ());
  if (o->resume && (o->lr_text != NULL || o->batch != G_MININT || o->seed != G_MININT64 ||
                    o->optimizer || o->norm || o->subset != G_MININT || o->device))
    return g_strdup ("--resume continues the checkpoint's own experiment; only --epochs, --data and outputs may be given");
  return NULL;
}

/* Step 1: the flags, parsed and checked.  FALSE: return *status (--help,
 * --version or a usage error, already printed). */
static gboolean
train_parse_options (TrainOptions *o, int argc, char **argv, int *status)
{
  GOptionEntry entries[] = {
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &o->preset, N_("Start from a preset (see “inkling-cli presets”)"), N_("NAME") },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config, N_("Start from an experiment JSON file"), N_("FILE") },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &o->resume, N_("Continue from a checkpoint exactly where it stopped"), N_("CHECKPOINT") },
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &o->epochs, N_("Number of epochs"), N_("N") },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &o->lr_text, N_("Learning rate"), N_("RATE") },
    { "batch-size", 'b', 0, G_OPTION_ARG_INT, &o->batch, N_("Minibatch size"), N_("N") },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &o->optimizer, N_("sgd, momentum, nesterov, rmsprop, adam, adagrad or adadelta (with its default hyper-parameters)"), N_("KIND") },
    { "normalization", 0, 0, G_OPTION_ARG_STRING, &o->norm, N_("scale, standardize, minmax or none"), N_("KIND") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &o->seed, N_("Random seed (initialization, split, shuffling, dropout)"), N_("N") },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &o->data, N_("mnist, fashion-mnist, or a folder holding the four IDX files (raw or .gz) or mnist_train.csv + mnist_test.csv"), N_("DATA") },
    { "subset", 0, 0, G_OPTION_ARG_INT, &o->subset, N_("Use only the first N training and test images (quick runs)"), N_("N") },
    { "device", 0, 0, G_OPTION_ARG_STRING, &o->device, N_("cpu, cuda or auto"), N_("DEVICE") },
    { "save", 'o', 0, G_OPTION_ARG_FILENAME, &o->save, N_("Save the best model (safetensors)"), N_("FILE") },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &o->history, N_("Write the per-epoch history as CSV"), N_("FILE") },
    { "checkpoint", 0, 0, G_OPTION_ARG_FILENAME, &o->checkpoint, N_("Write a checkpoint after every epoch (default with --save: FILE.ckpt)"), N_("FILE") },
    { "no-ledger", 0, 0, G_OPTION_ARG_NONE, &o->no_ledger, N_("Keep no record of the run in the run ledger (~/.local/share/inkling/runs)"), NULL },
    { "run-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->run_dir, N_("Train into this run folder (a sweep's child) instead of a new ledger folder: resumes from its checkpoint, does nothing when it is finished"), N_("DIR") },
    { "write-config", 0, 0, G_OPTION_ARG_FILENAME, &o->write_config, N_("Write the resulting experiment JSON to FILE and exit"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Print events as JSON lines (start, phase, progress, epoch, test, report, saved)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Print only the final result lines (and errors)"), NULL },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &o->no_progress, N_("No progress line, even on a terminal"), NULL },
    { "report", 0, 0, G_OPTION_ARG_NONE, &o->report, N_("Print the per-class classification report after the test line (also when the experiment asks for it)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— train a network"));
  g_autofree char *description = NULL;
  g_autofree char *bad = NULL;

  g_set_prgname ("train");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (ctx, _("Trains the network a preset or experiment file describes, printing the\n"
                                       "per-epoch table and the best model's test accuracy.  Every run is kept\n"
                                       "in the run ledger (experiment, history, checkpoint, model, summary;\n"
                                       "the workbench's Runs page lists it) unless --no-ledger is given."));
  description = g_strdup_printf ("%s\n\n%s", _("Ctrl+C or SIGTERM stops a run between two minibatches; it keeps and saves\n"
                                               "the weights of its best (or last completed) epoch first."),
                                 _(EXIT_STATUS_HELP));
  g_option_context_set_description (ctx, description);
  if (!parse_options (ctx, &argc, &argv, status))
    return FALSE;
  if (argc > 1)
    {
      *status = refuse_argument (ctx, argv[1]);
      return FALSE;
    }
  if (!check_not_empty (ctx, status, "--preset", o->preset, "--config", o->config, "--resume", o->resume,
                        "--data", o->data, "--device", o->device, "--optimizer", o->optimizer,
                        "--normalization", o->norm, "--save", o->save, "--history", o->history,
                        "--checkpoint", o->checkpoint, "--write-config", o->write_config, "--lr", o->lr_text,
                        "--run-dir", o->run_dir, NULL))
    return FALSE;
  if (!!o->preset + !!o->config + !!o->resume > 1)
    bad = g_strdup ("give only one of --preset, --config and --resume");
  else if (o->run_dir && o->no_ledger)
    bad = g_strdup ("--run-dir is the run's record; it cannot go with --no-ledger");
  else if (o->run_dir && o->checkpoint)
    bad = g_strdup ("--run-dir keeps the checkpoint in its folder; leave out --checkpoint");
  else if (o->json && o->quiet)
    bad = g_strdup ("give only one of --json and --quiet");
  else if (!check_preset (ctx, o->preset, status))
    return FALSE;
  else
    bad = train_check_values (o);
  if (bad != NULL)
    {
      *status = usage_error (ctx, bad);
      return FALSE;
    }
  return TRUE;
}

/* the flags' values over the experiment's own */
static void
train_apply_flags (InkExperiment *exp, const TrainOptions *o)
{
  if (o->epochs != G_MININT)
    exp->epochs = (guint) o->epochs;
  if (o->optimizer)
    {
      InkOptimizerKind k;
      float keep_decay = exp->optimizer.decay, l1 = exp->optimizer.l1, l2 = exp->optimizer.l2;
      InkLrSchedule keep_schedule = exp->optimizer.schedule;

      ink_optimizer_kind_from_string (o->optimizer, &k);
      ink_optimizer_spec_defaults (&exp->optimizer, k);
      exp->optimizer.decay = keep_decay;
      exp->optimizer.l1 = l1;
      exp->optimizer.l2 = l2;
      exp->optimizer.schedule = keep_schedule;
    }
  if (o->lr_text != NULL)
    exp->optimizer.lr = (float) o->lr;
  if (o->batch != G_MININT)
    exp->batch_size = (guint) o->batch;
  if (o->subset != G_MININT)
    exp->split.subset = (guint) o->subset;
  if (o->seed != G_MININT64)
    exp->seed = (guint64) o->seed;
  if (o->norm)
    ink_norm_kind_from_string (o->norm, &exp->normalization);
  if (o->device)
    {
      g_free (exp->device);
      exp->device = g_strdup (o->device);
    }
}

/* The experiment (and so the model's metadata, the ledger's record)
 * names the data it trained on: --data fashion-mnist by its name (then
 * --data is dropped), a folder by its absolute path, so that evaluate
 * finds it again */
static void
train_name_data (InkExperiment *exp, TrainOptions *o)
{
  if (o->data != NULL && !g_file_test (o->data, G_FILE_TEST_IS_DIR) && ink_dataset_is_known (o->data))
    {
      g_free (exp->dataset);
      exp->dataset = g_ascii_strdown (o->data, -1);
      g_clear_pointer (&o->data, g_free);
    }
  else if (o->data != NULL && g_file_test (o->data, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *abs = g_canonicalize_filename (o->data, NULL);

      g_free (exp->dataset);
      exp->dataset = g_steal_pointer (&abs);
    }
}

/* Step 2: the experiment to train: the checkpoint's, the file's or the
 * preset's, with the flags over it.  FALSE: the error is printed. */
static gboolean
train_build_experiment (TrainCommand *c)
{
  TrainOptions *o = &c->opt;
  g_autoptr(GError) error = NULL;

  if (o->resume)
    c->exp = ink_checkpoint_experiment (o->resume, &error);
  else if (o->config)
    c->exp = ink_experiment_load (o->config, &error);
  else
    c->exp = ink_experiment_preset (o->preset ? o->preset : "keras-mnist-mlp", &error);
  if (c->exp == NULL)
    {
      fail ("%s", error->message);
      return FALSE;
    }
  train_apply_flags (c->exp, o);
  if (!ink_experiment_validate (c->exp, &error))
    {
      fail ("%s", error->message);
      return FALSE;
    }
  train_name_data (c->exp, o);
  return TRUE;
}

/* --write-config: the experiment is written instead of trained */
static int
train_write_config (TrainCommand *c)
{
  g_autoptr(GError) error = NULL;

  if (!ink_experiment_save (c->exp, c->opt.write_config, &error))
    {
      fail ("%s", error->message);
      return 1;
    }
  return 0;
}

/* Step 3: the outputs, checked before the data is loaded: a folder is no
 * file to write, and one run per output file (two runs writing the same
 * model or checkpoint would leave a model from one and a checkpoint from
 * the other).  FALSE: the error is printed. */
static gboolean
train_claim_outputs (TrainCommand *c)
{
  TrainOptions *o = &c->opt;
  const char *outputs[3];
  const char *flags[3] = { "--save", "--checkpoint", "--history" };

  /* --run-dir: the run folder's checkpoint, kept as the ledger keeps it */
  if (o->checkpoint == NULL && o->resume && !o->run_dir)
    o->checkpoint = g_strdup (o->resume);
  if (o->checkpoint == NULL && o->save)
    o->checkpoint = g_strconcat (o->save, ".ckpt", NULL);
  outputs[0] = o->save;
  outputs[1] = o->checkpoint;
  outputs[2] = o->history;
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    if (!check_output_path (flags[i], outputs[i]))
      return FALSE;
  c->locks = g_ptr_array_new_with_free_func ((GDestroyNotify) ink_path_unlock);
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    if (outputs[i] != NULL)
      {
        g_autoptr(GError) error = NULL;
        InkPathLock *lock = ink_path_lock (outputs[i], &error);

        if (lock == NULL)
          {
            fail ("%s: %s", flags[i], error->message);
            return FALSE;
          }
        g_ptr_array_add (c->locks, lock);
      }
  return TRUE;
}

/* Step 4: the data and the trainer, at the checkpoint's state with
 * --resume.  FALSE: the error is printed. */
static gboolean
train_load (TrainCommand *c)
{
  g_autoptr(GError) error = NULL;

  if (!load_data (c->exp->dataset, c->opt.data, c->exp->net->n_inputs, &c->train, &c->test, &c->dir,
                  &error) ||
      !(c->trainer = ink_trainer_new (c->exp, c->train, c->test, &error)) ||
      (c->opt.resume && !ink_trainer_resume (c->trainer, c->opt.resume, &error)))
    {
      fail ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Step 5: the run ledger, as the workbench keeps it (a new folder per
 * run), then the checkpoint the trainer writes.  FALSE: the error is
 * printed. */
static gboolean
train_open_ledger (TrainCommand *c)
{
  TrainOptions *o = &c->opt;

  if (!o->no_ledger)
    {
      g_autoptr(GError) error = NULL;
      guint n_done;
      const InkEpochRecord *done = ink_trainer_history (c->trainer, &n_done);

      if (o->run_dir)
        {
          /* a sweep's child: its own folder, taken over for this attempt */
          c->ledger = ink_sweep_child_begin (o->run_dir, c->exp, &error);
          c->child_begun = c->ledger != NULL;
          if (c->ledger == NULL)
            {
              fail ("--run-dir: %s", error->message);
              return FALSE;
            }
        }
      else
        c->ledger = ink_ledger_run_create (NULL, c->exp, &error);
      if (c->ledger == NULL)
        {
          fail ("the run ledger: %s (--no-ledger trains without it)", error->message);
          return FALSE;
        }
      /* a resumed run's record starts with the epochs it continues */
      if (n_done > 0)
        {
          g_array_append_vals (c->ledger->history, done, n_done - 1);
          if (!ink_ledger_run_add_epoch (c->ledger, &done[n_done - 1], &error))
            {
              fail ("the run ledger: %s (--no-ledger trains without it)", error->message);
              return FALSE;
            }
        }
      c->ledger_model = ink_ledger_run_model_path (c->ledger);
      c->ledger_ckpt = ink_ledger_run_checkpoint_path (c->ledger);
      c->ledger_history = g_build_filename (c->ledger->dir, "history.csv", NULL);
      /* without a checkpoint of its own the run checkpoints into the ledger */
      if (o->checkpoint == NULL)
        {
          c->ckpt_in_ledger = TRUE;
          o->checkpoint = g_strdup (c->ledger_ckpt);
        }
    }
  if (o->checkpoint)
    ink_trainer_set_checkpoint (c->trainer, o->checkpoint);
  return TRUE;
}

/* the pretraining line: per hidden layer "a/b" where the experiment lists
 * values */
static void
print_pretraining (const InkExperiment *exp)
{
  const InkPretrainSpec *pt = &exp->pretraining;
  g_autoptr(GString) ep = g_string_new (NULL), k = g_string_new (NULL);
  g_autoptr(GString) lr = g_string_new (NULL), dc = g_string_new (NULL);

  for (int l = 0; l + 1 < exp->net->n_layers; l++)
    {
      const char *sep = l ? "/" : "";
      g_string_append_printf (ep, "%s%u", sep, ink_pretrain_spec_epochs (pt, (guint) l));
      if (pt->n_layer_cd_k || l == 0)
        g_string_append_printf (k, "%s%u", sep, ink_pretrain_spec_cd_k (pt, (guint) l));
      if (pt->n_layer_lr || l == 0)
        g_string_append_printf (lr, "%s%g", sep, (double) ink_pretrain_spec_lr (pt, (guint) l));
      if (pt->n_layer_decay || l == 0)
        g_string_append_printf (dc, "%s%g", sep, (double) ink_pretrain_spec_decay (pt, (guint) l));
    }
  out_wrapped ("pretraining: RBM CD-%s, %s epochs, lr %s (decay %s), "
               "momentum %g, weight decay %g, batch %u",
               k->str, ep->str, lr->str, dc->str,
               (double) pt->momentum, (double) pt->weight_decay, pt->batch_size);
}

/* a resumed run's table starts with the epochs it continues: shown
 * again, not recorded again */
static void
print_resumed_epochs (TrainCommand *c)
{
  guint n;
  const InkEpochRecord *h = ink_trainer_history (c->trainer, &n);
  InkLedgerRun *keep = c->view.ledger;

  print_table_header ();
  c->view.header_done = TRUE;
  c->view.ledger = NULL;
  for (guint i = 0; i < n; i++)
    {
      InkEpochRecord r = h[i];
      InkTrainEvent ev = { .kind = INK_EVENT_EPOCH, .record = &r };
      on_event (&ev, &c->view);
    }
  c->view.ledger = keep;
}

/* what the run is, as text, before its first epoch */
static void
print_run_header (TrainCommand *c, const char *blas)
{
  const InkExperiment *exp = c->exp;
  const InkSplit *sp = ink_trainer_split (c->trainer);

  print_network (exp);
  out_wrapped ("data: %s", c->dir);
  out_wrapped ("  %u train, %u valid%s, %u test; %s normalization",
               sp->n_train, sp->n_valid, sp->valid_is_test ? " (the test set)" : "", sp->n_test,
               ink_norm_kind_to_string (exp->normalization));
  out_wrapped ("device: %s", ink_trainer_network (c->trainer)->be->device_name);
  out_wrapped ("optimizer: %s lr %g, batch %u, %u epochs, seed %" G_GUINT64_FORMAT,
               ink_optimizer_kind_to_string (exp->optimizer.kind), (double) exp->optimizer.lr,
               exp->batch_size, exp->epochs, exp->seed);
  if (exp->optimizer.ema_decay > 0.0f)
    out_wrapped ("weight averaging: decay %g a step; the valid and test scores and the kept model are the average's",
                 (double) exp->optimizer.ema_decay);
  if (exp->pretraining.enabled && !c->opt.resume)
    print_pretraining (exp);
  if (ink_augment_spec_enabled (&exp->augmentation))
    {
      const InkAugmentSpec *au = &exp->augmentation;
      out_wrapped ("augmentation: shift ±%u px, rotate ±%g°, size ±%g %%, elastic α %g σ %g, probability %g",
                   au->shift, (double) au->rotate, 100.0 * ink_json_float_to_double (au->scale),
                   (double) au->elastic_alpha, (double) au->elastic_sigma, (double) au->probability);
    }
  out_wrapped ("blas: %s", blas);
  if (c->ledger)
    out_wrapped ("ledger: %s", c->ledger->dir);
  printf ("\n");
  if (c->opt.resume)
    print_resumed_epochs (c);
  fflush (stdout);
}

/* Step 6: the view of the run's events, and what the run is, printed
 * before its first epoch */
static void
train_start_view (TrainCommand *c)
{
  TrainOptions *o = &c->opt;
  TrainView *v = &c->view;
  g_autofree char *blas = NULL;
  const InkEpochRecord *h;
  guint n;

  v->json = o->json;
  v->quiet = o->quiet;
  v->tty = !o->no_progress && !o->quiet && isatty (STDOUT_FILENO) && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
  v->epochs = c->exp->epochs;
  v->ledger = c->ledger;
  blas = ink_openblas_describe ();
  if (o->json)
    json_start_event (c->exp, c->trainer, c->dir, o->resume, c->ledger);
  else if (!o->quiet)
    print_run_header (c, blas);
  /* the ETA's epoch time: the epochs done so far, once the run has some */
  h = ink_trainer_history (c->trainer, &n);
  v->done_seconds = 0;
  for (guint i = 0; i < n; i++)
    v->done_seconds += h[i].duration;
  v->done_epochs = n;
}

/* --run-dir: how the attempt ended, in the child's status.json (once) */
static void
train_child_end (TrainCommand *c, InkSweepState state, int status, const char *message)
{
  g_autoptr(GError) error = NULL;

  if (!c->child_begun)
    return;
  c->child_begun = FALSE;
  if (!ink_sweep_child_end (c->opt.run_dir, state, status, message, &error))
    ledger_warn (&c->view, error);
}

/* --run-dir DIR with a checkpoint in it: that checkpoint is resumed
 * (instead of --config / --preset).  FALSE: a usage error (printed). */
static gboolean
train_run_dir_resume (TrainOptions *o)
{
  g_autofree char *ckpt = NULL;
  g_autofree char *bad = NULL;

  if (o->run_dir == NULL || o->resume != NULL)
    return TRUE;
  ckpt = g_build_filename (o->run_dir, "checkpoint.safetensors", NULL);
  if (!g_file_test (ckpt, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  g_clear_pointer (&o->config, g_free);
  g_clear_pointer (&o->preset, g_free);
  o->resume = g_steal_pointer (&ckpt);
  if ((bad = train_check_values (o)) != NULL)
    {
      fail ("--run-dir %s holds a checkpoint to resume: %s", o->run_dir, bad);
      return FALSE;
    }
  if (!o->json && !o->quiet)
    out_wrapped ("resuming %s from its checkpoint", o->run_dir);
  return TRUE;
}

/* Step 7: the run, in a thread, while the main loop waits for Ctrl+C and
 * SIGTERM.  FALSE: it failed; the error is printed and the ledger says
 * so. */
static gboolean
train_run (TrainCommand *c)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  RunData rd = { 0 };
  GThread *thread;
  guint sig_int, sig_term;

  interrupt_cancellable = g_cancellable_new ();
  interrupt_signal = 0;
  sig_int = g_unix_signal_add (SIGINT, on_stop_signal, GINT_TO_POINTER (SIGINT));
  sig_term = g_unix_signal_add (SIGTERM, on_stop_signal, GINT_TO_POINTER (SIGTERM));
  rd.trainer = c->trainer;
  rd.view = &c->view;
  rd.loop = loop;
  thread = g_thread_new ("trainer", run_thread, &rd);
  g_main_loop_run (loop);
  g_thread_join (thread);
  g_source_remove (sig_int);
  g_source_remove (sig_term);
  g_clear_object (&interrupt_cancellable);

  if (!rd.ok)
    {
      if (c->ledger)
        ink_ledger_run_finish (c->ledger, "failed", rd.error->message, NAN, 0, NULL);
      train_child_end (c, INK_SWEEP_FAILED, 1, rd.error->message);
      fail ("%s", rd.error->message);
      g_clear_error (&rd.error);
      return FALSE;
    }
  return TRUE;
}

/* how the run ended and the kept model's test accuracy, as text */
static void
print_test_result (TrainCommand *c, const InkMetrics *m, double test_loss, guint kept)
{
  InkTrainer *trainer = c->trainer;
  const char *save = c->opt.save;

  clear_progress (&c->view);
  if (!c->opt.quiet)
    printf ("\n");
  out_wrapped ("stopped: %s — %s", ink_stop_reason_to_string (ink_trainer_stop_reason (trainer)),
               ink_trainer_stop_message (trainer));
  if (kept == 0 && save == NULL)
    out_wrapped ("no trained model: no epoch was completed");
  else if (kept == 0)
    out_wrapped ("no trained model: no epoch was completed; %s %s", save,
                 g_file_test (save, G_FILE_TEST_EXISTS) ? "was left as it was" : "was not written");
  else
    out_wrapped ("model: epoch %u (%s); %stest accuracy %.2f%%%s (zero-one loss %.2f%%, test loss %.5f, %" G_GUINT64_FORMAT " images)",
                 kept, ink_trainer_split (trainer)->valid_is_test ? "the last completed epoch" : "the best validation score",
                 SGR (colour_out, "1"), 100 * ink_metrics_accuracy (m), SGR (colour_out, "0"),
                 100 * ink_metrics_zero_one (m), test_loss, m->total);
  if (kept != 0 && !c->opt.quiet && (c->opt.report || c->exp->classification_report))
    {
      g_autofree char *text = ink_metrics_report (m);
      printf ("\nclassification report (test set)\n%s", text);
    }
}

/* {"event":"report",…}: the per-class scores */
static void
json_report_event (const InkMetrics *m)
{
  g_autoptr(JsonBuilder) rb = json_builder_new ();

  json_builder_begin_object (rb);
  json_builder_set_member_name (rb, "event");
  json_builder_add_string_value (rb, "report");
  json_builder_set_member_name (rb, "classes");
  json_builder_begin_array (rb);
  for (guint c = 0; c < m->n_classes; c++)
    {
      InkClassScore cs = ink_metrics_class (m, c);
      json_builder_begin_object (rb);
      json_builder_set_member_name (rb, "class");
      json_builder_add_int_value (rb, c);
      json_builder_set_member_name (rb, "precision");
      json_builder_add_double_value (rb, cs.precision);
      json_builder_set_member_name (rb, "recall");
      json_builder_add_double_value (rb, cs.recall);
      json_builder_set_member_name (rb, "f1");
      json_builder_add_double_value (rb, cs.f1);
      json_builder_set_member_name (rb, "support");
      json_builder_add_int_value (rb, (gint64) cs.support);
      json_builder_end_object (rb);
    }
  json_builder_end_array (rb);
  json_builder_end_object (rb);
  json_line (rb);
}

/* {"event":"test",…} (and the report): how the run ended, the kept
 * model's test scores */
static void
json_test_events (TrainCommand *c, const InkMetrics *m, double test_loss, guint kept)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "test");
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, ink_stop_reason_to_string (ink_trainer_stop_reason (c->trainer)));
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, ink_trainer_stop_message (c->trainer));
  /* the epoch whose weights are kept; 0: none completed, no model */
  json_builder_set_member_name (b, "best_epoch");
  json_builder_add_int_value (b, kept);
  /* no model (kept 0): no test scores */
  json_builder_set_member_name (b, "test_accuracy");
  if (m != NULL)
    json_builder_add_double_value (b, ink_metrics_accuracy (m));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "test_loss");
  if (m != NULL)
    json_builder_add_double_value (b, test_loss);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_line (b);
  if (m != NULL && (c->opt.report || c->exp->classification_report))
    json_report_event (m);
}

/* the ledger's copies of the model and the checkpoint, and its summary;
 * a failure there is a warning */
static void
train_fill_ledger (TrainCommand *c, const InkMetrics *m, guint kept)
{
  const char *checkpoint = c->opt.checkpoint;
  g_autoptr(GError) error = NULL;

  if (kept != 0 && !ink_trainer_save_model (c->trainer, c->ledger_model, &error))
    {
      ledger_warn (&c->view, error);
      g_clear_error (&error);
    }
  if (!c->ckpt_in_ledger && checkpoint && g_file_test (checkpoint, G_FILE_TEST_IS_REGULAR) &&
      !copy_into_ledger (checkpoint, c->ledger_ckpt, &error))
    {
      ledger_warn (&c->view, error);
      g_clear_error (&error);
    }
  if (!ink_ledger_run_finish (c->ledger, ink_stop_reason_to_string (ink_trainer_stop_reason (c->trainer)),
                              ink_trainer_stop_message (c->trainer),
                              kept != 0 ? ink_metrics_accuracy (m) : NAN, kept, &error))
    {
      ledger_warn (&c->view, error);
      g_clear_error (&error);
    }
}

/* Step 8: the outputs: --save and --history, then the ledger's copies.
 * FALSE: --save or --history failed; the error is printed and the ledger
 * says so. */
static gboolean
train_save_outputs (TrainCommand *c, const InkMetrics *m, guint kept)
{
  TrainOptions *o = &c->opt;
  g_autoptr(GError) error = NULL;

  if (o->save && kept != 0)
    {
      if (!ink_trainer_save_model (c->trainer, o->save, &error))
        {
          if (c->ledger)
            ink_ledger_run_finish (c->ledger, "failed", error->message, NAN, kept, NULL);
          train_child_end (c, INK_SWEEP_FAILED, 1, error->message);
          fail ("--save: could not save the model: %s", error->message);
          return FALSE;
        }
      c->saved = TRUE;
    }
  if (o->history)
    {
      if (!ink_trainer_save_history (c->trainer, o->history, &error))
        {
          if (c->ledger)
            ink_ledger_run_finish (c->ledger, "failed", error->message, NAN, kept, NULL);
          train_child_end (c, INK_SWEEP_FAILED, 1, error->message);
          fail ("--history: could not write the history: %s", error->message);
          return FALSE;
        }
      c->history_written = TRUE;
    }
  if (c->ledger)
    train_fill_ledger (c, m, kept);
  return TRUE;
}

/* Step 9: where the run's files are */
static void
train_report_saved (TrainCommand *c, guint kept)
{
  TrainOptions *o = &c->opt;
  InkLedgerRun *ledger = c->ledger;
  gboolean have_ckpt = o->checkpoint && g_file_test (o->checkpoint, G_FILE_TEST_IS_REGULAR);
  gboolean ledger_has_model = ledger && g_file_test (c->ledger_model, G_FILE_TEST_IS_REGULAR);
  gboolean ledger_has_ckpt = ledger && g_file_test (c->ledger_ckpt, G_FILE_TEST_IS_REGULAR);

  if (o->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "saved");
      json_add_path (b, "model", c->saved ? o->save : NULL);
      json_add_path (b, "checkpoint", have_ckpt && !c->ckpt_in_ledger ? o->checkpoint : NULL);
      json_add_path (b, "history", c->history_written ? o->history : NULL);
      json_builder_set_member_name (b, "ledger");
      if (ledger)
        {
          json_builder_begin_object (b);
          json_add_path (b, "dir", ledger->dir);
          json_add_path (b, "model", ledger_has_model ? c->ledger_model : NULL);
          json_add_path (b, "checkpoint", ledger_has_ckpt ? c->ledger_ckpt : NULL);
          json_add_path (b, "history", c->ledger_history);
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      json_line (b);
      return;
    }
  if (c->saved)
    out_wrapped ("model saved to %s", o->save);
  if (have_ckpt && !c->ckpt_in_ledger && !o->quiet)
    out_wrapped ("checkpoint: %s", o->checkpoint);
  if (c->history_written && !o->quiet)
    out_wrapped ("history written to %s", o->history);
  if (ledger)
    out_wrapped ("run kept in the ledger: %s (%s%s%shistory.csv, summary.json)", ledger->dir,
                 ledger_has_model ? "model.safetensors, " : "",
                 ledger_has_ckpt ? "checkpoint.safetensors, " : "",
                 "experiment.json, ");
  else if (!c->saved && kept != 0)
    out_wrapped ("the model was not kept (--no-ledger without --save)");
}

/* A run ended by a signal exits as the shell reports one: 128 + signal
 * (130 for Ctrl+C, 143 for SIGTERM), after keeping its work; a diverged
 * run exits with 3 */
static int
train_exit_status (InkTrainer *trainer)
{
  if (interrupt_signal != 0 && ink_trainer_stop_reason (trainer) == INK_STOP_CANCELLED)
    return 128 + interrupt_signal;
  return ink_trainer_stop_reason (trainer) == INK_STOP_DIVERGED ? 3 : 0;
}

static int
cmd_train (int argc, char **argv)
{
  g_auto(TrainCommand) c = {
    .opt = { .epochs = G_MININT, .batch = G_MININT, .subset = G_MININT, .seed = G_MININT64, .lr = NAN },
  };
  int status = 0;
  const InkMetrics *m;
  double test_loss;
  guint kept;

  if (!train_parse_options (&c.opt, argc, argv, &status))
    return status;
  if (!train_run_dir_resume (&c.opt))
    return EXIT_USAGE;
  if (!train_build_experiment (&c))
    return 1;
  if (c.opt.write_config)
    return train_write_config (&c);
  if (c.opt.run_dir && ink_sweep_child_is_done (c.opt.run_dir, c.exp->epochs))
    {
      if (!c.opt.quiet)
        out_wrapped ("%s is finished (%u epochs asked): nothing to do", c.opt.run_dir, c.exp->epochs);
      return 0;
    }
  if (!train_claim_outputs (&c) || !train_load (&c) || !train_open_ledger (&c))
    return 1;
  train_start_view (&c);
  if (!train_run (&c))
    return 1;

  m = ink_trainer_test_metrics (c.trainer, &test_loss);
  kept = ink_trainer_best_epoch (c.trainer);
  if (c.opt.json)
    json_test_events (&c, m, test_loss, kept);
  else
    print_test_result (&c, m, test_loss, kept);
  if (!train_save_outputs (&c, m, kept))
    return 1;
  train_report_saved (&c, kept);
  status = train_exit_status (c.trainer);
  switch (ink_trainer_stop_reason (c.trainer))
    {
    case INK_STOP_CANCELLED:
      train_child_end (&c, INK_SWEEP_STOPPED, status, ink_trainer_stop_message (c.trainer));
      break;
    case INK_STOP_DIVERGED:
      train_child_end (&c, INK_SWEEP_DIVERGED, status, ink_trainer_stop_message (c.trainer));
      break;
    case INK_STOP_COMPLETED:
    case INK_STOP_EARLY:
    default:
      train_child_end (&c, INK_SWEEP_COMPLETED, status, "");
      break;
    }
  return status;
}

/* ------------------------------------------------------------------------ */
/* evaluate / predict / info / presets                                       */

/* A model file, or a checkpoint read as the model its run keeps (its
 * "best." weights: the best validation epoch's, or the last completed
 * one's when the validation set is the test set); ckpt says which. */
static InkModel *
load_model_or_fail (const char *path, InkCheckpointInfo *ckpt)
{
  g_autoptr(GError) error = NULL;
  InkCheckpointInfo local;
  InkModel *m = ink_model_load_any (path, ckpt ? ckpt : &local, &error);
  if (m == NULL)
    fail ("%s", error->message);
  return m;
}

/* "MODEL is a checkpoint of NAME after 3 of 20 epochs: …", or NULL */
static char *
checkpoint_note (const char *path, const InkModel *model, const InkCheckpointInfo *ck)
{
  g_autofree char *base = g_path_get_basename (path);

  if (!ck->is_checkpoint)
    return NULL;
  return g_strdup_printf ("%s is a checkpoint of “%s” after %u of %u epochs, not a model file: "
                          "the weights it keeps are used, epoch %u's (%s)", base,
                          model->experiment->name, ck->epochs_done, model->experiment->epochs,
                          ck->kept_epoch,
                          ck->kept_is_last ? "the last completed epoch" : "the best validation score");
}

static int
cmd_evaluate (int argc, char **argv)
{
  g_autofree char *data = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data, N_("mnist, fashion-mnist, or a folder holding the four IDX files or a CSV pair"), N_("DATA") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("MODEL — classification report and confusion matrix on the test set"));
  g_autoptr(InkModel) model = NULL;
  g_autoptr(InkDataset) train = NULL, test = NULL;
  g_autoptr(InkBackend) be = NULL;
  g_autoptr(InkNetwork) net = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL, *table = NULL, *dir = NULL, *note = NULL;
  InkCheckpointInfo ck;
  guint C;
  InkMetrics m;
  int status = 0;

  g_set_prgname ("evaluate");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!parse_options (ctx, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error (ctx, "give exactly one model file");
  if (!check_not_empty (ctx, &status, "--data", data, NULL))
    return status;
  if (!(model = load_model_or_fail (argv[1], &ck)))
    return 1;
  if (!load_data (model->experiment->dataset, data, model->experiment->net->n_inputs,
                  &train, &test, &dir, &error))
    {
      fail ("%s", error->message);
      return 1;
    }
  be = ink_backend_cpu_new ();
  if (!(net = ink_model_network (model, be, INK_EVAL_BATCH, &error)))
    {
      fail ("%s", error->message);
      return 1;
    }
  C = (guint) model->experiment->net->layers[model->experiment->net->n_layers - 1].units;
  if (C > INK_MAX_CLASSES)
    {
      fail ("the model has %u outputs; evaluation supports at most %d classes", C, INK_MAX_CLASSES);
      return 1;
    }
  if (!ink_evaluate_dataset (net, &model->norm, test, NULL, &m, NULL, &error))
    {
      fail ("%s", error->message);
      return 1;
    }
  report = ink_metrics_report (&m);
  table = ink_metrics_confusion_table (&m);
  printf ("%s: %s on %s (%u test images)\n", argv[1], model->experiment->name, dir, test->n);
  if ((note = checkpoint_note (argv[1], model, &ck)))
    printf ("%s\n", note);
  printf ("\n");
  printf ("%s\n", report);
  printf ("confusion matrix (rows: true class, columns: predicted)\n%s\n", table);
  printf ("test accuracy %.2f%% (zero-one loss %.2f%%, NLL %.5f)\n",
          100 * ink_metrics_accuracy (&m), 100 * ink_metrics_zero_one (&m), ink_metrics_nll (&m));
  return 0;
}

static int
cmd_predict (int argc, char **argv)
{
  gboolean ascii = FALSE;
  GOptionEntry entries[] = {
    { "show", 0, 0, G_OPTION_ARG_NONE, &ascii, N_("Also print the 28×28 input the network sees"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("MODEL IMAGE.png — classify a drawn digit"));
  g_autoptr(InkModel) model = NULL;
  g_autoptr(InkBackend) be = NULL;
  g_autoptr(InkNetwork) net = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  InkCheckpointInfo ck;
  guint8 pixels[784];
  float x[784];
  float probs[INK_MAX_CLASSES * 8];
  int status = 0;
  guint C, best;

  g_set_prgname ("predict");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (ctx, _("The image may be of any size, light ink on dark or dark on light; it is\n"
                                       "cropped, scaled to 20×20 and centred by its centre of mass in 28×28, as MNIST was."));
  if (!parse_options (ctx, &argc, &argv, &status))
    return status;
  if (argc != 3)
    return usage_error (ctx, "give a model file and a PNG image");
  if (!(model = load_model_or_fail (argv[1], &ck)))
    return 1;
  if (model->experiment->net->n_inputs != 784)
    {
      fail ("the model takes %d inputs; predict handles 28×28 (784) models", model->experiment->net->n_inputs);
      return 1;
    }
  C = (guint) model->experiment->net->layers[model->experiment->net->n_layers - 1].units;
  if (C > G_N_ELEMENTS (probs))
    {
      fail ("the model has too many outputs (%u)", C);
      return 1;
    }
  if (!ink_png_to_mnist (argv[2], pixels, &error))
    {
      fail ("%s", error->message);
      return 1;
    }
  be = ink_backend_cpu_new ();
  if (!(net = ink_model_network (model, be, 1, &error)))
    {
      fail ("%s", error->message);
      return 1;
    }
  ink_norm_apply (&model->norm, pixels, x, 784);
  ink_network_predict (net, x, 1, probs);
  best = ink_argmax (probs, C);
  if (ascii)
    {
      static const char shades[] = " .:-=+*#%@";
      for (int r = 0; r < 28; r++)
        {
          for (int c = 0; c < 28; c++)
            putchar (shades[pixels[r * 28 + c] * 9 / 255]);
          putchar ('\n');
        }
    }
  printf ("%u\n", best);
  for (guint c = 0; c < C; c++)
    printf ("  %u  %6.2f%%%s\n", c, 100 * probs[c], c == best ? "  <" : "");
  if ((note = checkpoint_note (argv[1], model, &ck)))
    printf ("(%s)\n", note);
  return 0;
}

static double
plan_mb (guint64 bytes)
{
  return (double) bytes / 1e6;
}

/* The memory plan of a run (info --plan): the sizes of what a training run
 * allocates on its backend, and with --device cuda whether it fits. */
static int
print_plan (GOptionContext *ctx, InkExperiment *exp, const char *data, const char *device)
{
  g_autoptr(InkDataset) train = NULL, test = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data_note = NULL;
  guint n_train, n_test, dim;
  InkMemoryPlan cpu, cuda;

  if (!data && ink_dataset_is_known (exp->dataset))
    {
      /* no need to read 50 MB to count them */
      n_train = 60000;
      n_test = 10000;
      dim = (guint) exp->net->n_inputs;
      data_note = g_strdup_printf ("%s's sizes", exp->dataset);
    }
  else
    {
      if (!load_data (exp->dataset, data, exp->net->n_inputs, &train, &test, &dir, &error))
        {
          fail ("%s", error->message);
          return 1;
        }
      n_train = train->n;
      n_test = test->n;
      dim = ink_dataset_dim (train);
      data_note = g_strdup_printf ("in %s", dir);
    }

  ink_memory_plan (exp, n_train, n_test, dim, FALSE, &cpu);
  ink_memory_plan (exp, n_train, n_test, dim, TRUE, &cuda);
  printf ("memory plan of %s: batch %u (buffers for %u rows), %" G_GSIZE_FORMAT " parameters, %s\n",
          exp->name, exp->batch_size, MAX (exp->batch_size, (guint) INK_EVAL_BATCH),
          ink_net_spec_n_params (exp->net), ink_optimizer_kind_to_string (exp->optimizer.kind));
  printf ("data: %u training + %u test images of %u pixels (%s)\n\n", n_train, n_test, dim, data_note);
  printf ("  parameters + gradients  %10.1f MB\n", plan_mb (cpu.params));
  printf ("  optimizer state         %10.1f MB%s\n", plan_mb (cpu.optimizer_state),
          exp->optimizer.ema_decay > 0.0f ? "  (with the weight average)" : "");
  printf ("  activations             %10.1f MB\n", plan_mb (cpu.activations));
  printf ("  dataset + indices       %10.1f MB\n", plan_mb (cpu.dataset));
  printf ("  cuBLAS workspace        %10.1f MB  (CUDA only)\n", plan_mb (cuda.workspace));
  printf ("  total                   %10.1f MB  on the CPU\n", plan_mb (cpu.total));
  printf ("                          %10.1f MB  on a CUDA device\n", plan_mb (cuda.total));

  if (g_strcmp0 (device, "cuda") == 0)
    {
      g_autoptr(InkBackend) be = ink_backend_new ("cuda", &error);
      gsize free_bytes = 0, total_bytes = 0;
      guint suggested = 0;

      if (be == NULL)
        {
          fail ("%s", error->message);
          return 1;
        }
      if (ink_backend_cuda_mem_info (be, &free_bytes, &total_bytes))
        printf ("\ndevice: %s, %.1f MB free of %.1f MB\n", be->device_name,
                plan_mb (free_bytes), plan_mb (total_bytes));
      if (ink_preflight_check (be, exp, n_train, n_test, dim, &suggested, &error))
        printf ("the run fits\n");
      else
        printf ("%s\n", error->message);
    }
  return 0;
}

static int
cmd_info (int argc, char **argv)
{
  g_autofree char *preset = NULL, *config = NULL, *data = NULL, *device = NULL;
  gboolean plan = FALSE;
  int batch = G_MININT;
  GOptionEntry entries[] = {
    { "plan", 0, 0, G_OPTION_ARG_NONE, &plan, N_("Print the memory a training run needs (of the model's experiment, or of --preset / --config)"), NULL },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset, N_("With --plan: the preset to plan (default keras-mnist-mlp)"), N_("NAME") },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, N_("With --plan: an experiment JSON file to plan"), N_("FILE") },
    { "batch-size", 'b', 0, G_OPTION_ARG_INT, &batch, N_("With --plan: the minibatch size"), N_("N") },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data, N_("With --plan: count the images of this folder (default: MNIST's 60000 + 10000)"), N_("DIR") },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, N_("With --plan: cuda also checks the plan against the device's free memory"), N_("DEVICE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("[MODEL] — describe a model file, or this installation"));
  g_autoptr(InkModel) model = NULL;
  g_autoptr(InkExperiment) exp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *blas = ink_openblas_describe ();
  InkCheckpointInfo ck;
  int status = 0;

  g_set_prgname ("info");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!parse_options (ctx, &argc, &argv, &status))
    return status;
  if (argc > 2)
    return usage_error (ctx, "give at most one model file");
  if (!plan && (preset || config || data || device || batch != G_MININT))
    return usage_error (ctx, "--preset, --config, --batch-size, --data and --device go with --plan");
  if (!check_not_empty (ctx, &status, "--preset", preset, "--config", config, "--data", data,
                        "--device", device, NULL))
    return status;
  if (plan)
    {
      if (!!preset + !!config + (argc == 2) > 1)
        return usage_error (ctx, "give only one of a model file, --preset and --config");
      if (batch != G_MININT && (batch < 1 || batch > INK_MAX_BATCH_SIZE))
        return usage_error (ctx, "--batch-size must be between 1 and " G_STRINGIFY (INK_MAX_BATCH_SIZE));
      if (device && g_strcmp0 (device, "cpu") != 0 && g_strcmp0 (device, "cuda") != 0)
        return usage_error (ctx, "--device must be cpu or cuda");
      if (!check_preset (ctx, preset, &status))
        return status;
      if (argc == 2)
        {
          if (!(model = load_model_or_fail (argv[1], NULL)))
            return 1;
          exp = ink_experiment_copy (model->experiment);
        }
      else if (config)
        exp = ink_experiment_load (config, &error);
      else
        exp = ink_experiment_preset (preset ? preset : "keras-mnist-mlp", &error);
      if (exp == NULL)
        {
          fail ("%s", error->message);
          return 1;
        }
      if (batch != G_MININT)
        exp->batch_size = (guint) batch;
      if (!ink_experiment_validate (exp, &error))
        {
          fail ("%s", error->message);
          return 1;
        }
      return print_plan (ctx, exp, data, device);
    }
  if (argc == 1)
    {
      const char *names[] = { "mnist", "fashion-mnist" };
      printf ("inkling %s\n", PACKAGE_VERSION);
      printf ("blas: %s\n", blas);
      printf ("cuda backend: %s\n", ink_backend_cuda_compiled () ? "compiled in" : "not compiled in");
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autoptr(GError) derror = NULL;
          g_autofree char *dir = ink_dataset_find (names[i], &derror);
          printf ("%s: %s\n", names[i], dir ? dir : derror->message);
        }
      return 0;
    }
  if (!(model = load_model_or_fail (argv[1], &ck)))
    return 1;
  {
    g_autofree char *json = ink_experiment_to_json (model->experiment, TRUE);
    g_autofree char *norm = ink_norm_to_json (&model->norm);

    if (ck.is_checkpoint)
      {
        g_autofree char *base = g_path_get_basename (argv[1]);
        printf ("%s: a checkpoint (not a model file) of the experiment “%s” on %s\n", base,
                model->experiment->name, model->experiment->dataset);
        printf ("epochs_done: %u of %u\n", ck.epochs_done, model->experiment->epochs);
        printf ("kept weights: epoch %u (%s); evaluate and predict use them\n", ck.kept_epoch,
                ck.kept_is_last ? "the last completed epoch" : "the best validation score");
        printf ("continue it with: inkling-cli train --resume %s\n\n", argv[1]);
      }
    else
      printf ("%s: a model of the experiment “%s” on %s\n\n", argv[1], model->experiment->name,
              model->experiment->dataset);
    print_network (model->experiment);
    printf ("normalization: %s\n", norm);
    printf ("experiment:\n%s\n", json);
    printf ("blas: %s\n", blas);
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* parity                                                                    */

static int
cmd_parity (int argc, char **argv)
{
  g_autofree char *data = NULL;
  int batch = 100;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data, N_("mnist, fashion-mnist, or a folder holding the four IDX files or a CSV pair"), N_("DATA") },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, N_("Compare on the first N test images (default 100)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("MODEL — compare the CUDA backend with the CPU, layer by layer"));
  g_autoptr(InkModel) model = NULL;
  g_autoptr(InkBackend) cpu = NULL, gpu = NULL;
  g_autoptr(InkDataset) train = NULL, test = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree float *x = NULL;
  int status = 0, n;
  guint dim;

  g_set_prgname ("parity");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (ctx, _("Runs the same batch through the model on the CPU and on the CUDA device:\n"
                                       "the forward pass (each layer's output) and the backward pass from the\n"
                                       "same loss gradient (each layer's gradients), and prints per layer the\n"
                                       "largest absolute and relative differences."));
  if (!parse_options (ctx, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return usage_error (ctx, "give exactly one model file");
  if (batch < 1 || batch > 10000)
    return usage_error (ctx, "--batch must be between 1 and 10000");
  if (!check_not_empty (ctx, &status, "--data", data, NULL))
    return status;
  if (!(model = load_model_or_fail (argv[1], NULL)))
    return 1;
  if (!(gpu = ink_backend_new ("cuda", &error)))
    {
      fail ("parity needs a CUDA device: %s", error->message);
      return 1;
    }
  if (!load_data (model->experiment->dataset, data, model->experiment->net->n_inputs,
                  &train, &test, &dir, &error))
    {
      fail ("%s", error->message);
      return 1;
    }
  dim = ink_dataset_dim (test);
  n = (int) MIN ((guint) batch, test->n);
  if (n < 1)
    {
      fail ("%s holds no test images", dir);
      return 1;
    }
  x = g_new (float, (gsize) n * dim);
  ink_norm_apply (&model->norm, test->images, x, (gsize) n * dim);
  cpu = ink_backend_cpu_new ();
  if (!ink_parity_compare (cpu, gpu, model, x, n, &rows, &error))
    {
      fail ("%s", error->message);
      return 1;
    }

  printf ("%s: %s on the first %d test images of %s\n", argv[1], model->experiment->name, n, dir);
  printf ("a: %s\nb: %s (TF32 %s)\n", cpu->device_name, gpu->device_name,
          ink_backend_cuda_get_tf32 (gpu) ? "on" : "off");
  printf ("backward from the loss gradient for one-hot targets at a's predicted classes\n\n");
  printf ("layer  %-11s  %9s  %11s  %11s\n", "quantity", "values", "max |a-b|", "max rel");
  printf ("-----  -----------  ---------  -----------  -----------\n");
  for (guint i = 0; i < rows->len; i++)
    {
      const InkParityRow *r = g_ptr_array_index (rows, i);
      printf ("%5d  %-11s  %9" G_GSIZE_FORMAT "  %11.3e  %11.3e\n", r->layer + 1,
              ink_parity_kind_to_string (r->kind), r->n, r->max_abs, r->max_rel);
    }
  return 0;
}

static int
cmd_presets (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— list the built-in presets"));
  g_auto(GStrv) names = ink_experiment_list_all_presets ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gboolean show_json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &show_json, N_("Print the presets' experiments as one JSON array"), NULL },
    { NULL }
  };
  int status = 0;
  int width = 0;

  g_set_prgname ("presets");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!parse_options (ctx, &argc, &argv, &status))
    return status;
  if (argc > 1)
    {
      g_autofree char *msg = g_strdup_printf ("unexpected argument “%s”: presets takes none", argv[1]);
      return usage_error (ctx, msg);
    }
  /* the names' column as wide as the longest name */
  for (guint i = 0; names[i]; i++)
    width = MAX (width, (int) strlen (names[i]));
  json_builder_begin_array (b);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkExperiment) exp = ink_experiment_preset (names[i], &error);
      if (exp == NULL)
        {
          fail ("%s", error->message);
          return 1;
        }
      if (show_json)
        {
          g_autofree char *text = ink_experiment_to_json (exp, FALSE);
          g_autoptr(JsonParser) parser = ink_json_parse (text, -1, &error);

          if (parser == NULL)
            {
              fail ("preset %s: %s", names[i], error->message);
              return 1;
            }
          json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
        }
      else
        printf ("%-*s  %s\n\n", width, names[i], exp->description);
    }
  json_builder_end_array (b);
  if (show_json)
    {
      g_autofree char *text = ink_json_builder_to_text (b, TRUE);
      printf ("%s\n", text);
    }
  return 0;
}

static const struct
{
  const char *name;
  int (*func) (int argc, char **argv);
  const char *summary;
} commands[] = {
  { "train", cmd_train, N_("Train a network from a preset or an experiment file") },
  { "evaluate", cmd_evaluate, N_("Classification report and confusion matrix of a model") },
  { "predict", cmd_predict, N_("Classify a digit in a PNG image") },
  { "info", cmd_info, N_("Describe a model file, this installation, or a run's memory (--plan)") },
  { "presets", cmd_presets, N_("List the built-in presets") },
  { "parity", cmd_parity, N_("Compare the CUDA backend with the CPU on a model, layer by layer") },
  { "bench", ink_cli_bench, N_("Time keras-mnist-mlp epochs against the sgemm floor") },
  { "sweep", ink_cli_sweep, N_("Many runs from one experiment (grid, random draws), here or on Slurm") },
};

static void
print_usage (FILE *f)
{
  fprintf (f, "Usage: inkling-cli COMMAND [OPTION…]\n       inkling-cli --version\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (f, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (f, "\n“inkling-cli COMMAND --help” describes a command's options; every command\n"
              "takes --version.\n\n%s\n", _(EXIT_STATUS_HELP));
}

int
main (int argc, char **argv)
{
  ink_openblas_reexec_if_needed (argv);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  colour_out = want_colour (STDOUT_FILENO);
  colour_err = want_colour (STDERR_FILENO);

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("inkling-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].func (argc - 1, argv + 1);
  fail ("unknown command “%s” (commands: train, evaluate, predict, info, presets, parity, bench, sweep)", argv[1]);
  return EXIT_USAGE;
}
