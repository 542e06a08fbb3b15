/* shots-dbn.c: screenshots of the augmentation form and a pretraining run.
 * Built only when asked for: ninja -C _build tests/shots-dbn
 */
#include "config.h"
#include <adwaita.h>
#include "ink-run.h"
#include "ink-train-page.h"
#include "ink-training-form.h"

static void
pump (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
shot (GtkWidget *window, GtkWidget *widget, const char *path)
{
  GdkPaintable *p;
  GtkSnapshot *s = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture *tex;

  gtk_test_widget_wait_for_draw (widget);
  pump ();
  /* the whole window, with its background */
  p = gtk_widget_paintable_new (window);
  gdk_paintable_snapshot (p, s, gtk_widget_get_width (window), gtk_widget_get_height (window));
  node = gtk_snapshot_free_to_node (s);
  tex = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node, NULL);
  gdk_texture_save_to_png (tex, path);
  g_object_unref (tex);
  gsk_render_node_unref (node);
  g_object_unref (p);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "inkling", "datasets", "mnist", NULL);
  g_autoptr(GError) error = NULL;
  InkData *data;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_mkdir_with_parents ("/tmp/inkling-shots", 0755);
  data = ink_data_load (dir, &error);
  g_assert_no_error (error);

  for (int dark = 0; dark < 2; dark++)
    {
      g_autoptr(InkExperiment) exp = ink_experiment_preset ("nolearn-dbn-augmented", NULL);
      GtkWidget *win = gtk_window_new ();
      InkTrainingForm *form = ink_training_form_new ();
      GtkWidget *twin = gtk_window_new ();
      InkTrainPage *page = ink_train_page_new ();
      InkRun *run;
      char path[256];

      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      exp->augmentation.probability = 1.0f;
      exp->augmentation.shift = 2;
      exp->augmentation.elastic_alpha = 8.0f;
      exp->augmentation.elastic_sigma = 4.0f;
      ink_training_form_set_experiment (form, exp);
      if (dark)
        ink_training_form_set_images (form, data->train->images, 8);
      gtk_window_set_default_size (GTK_WINDOW (win), 720, 2400);
      gtk_window_set_child (GTK_WINDOW (win), GTK_WIDGET (form));
      gtk_window_present (GTK_WINDOW (win));
      g_snprintf (path, sizeof path, "/tmp/inkling-shots/dbn-form-%s.png", dark ? "dark" : "light");
      shot (win, GTK_WIDGET (form), path);

      exp->net->layers[0].units = 100;
      exp->split.subset = 3000;
      exp->epochs = 3;
      exp->pretraining.epochs[0] = 6;
      run = ink_run_new (exp, data, NULL);
      ink_run_set_ledger_root (run, "/tmp/inkling-shots/ledger");
      gtk_window_set_default_size (GTK_WINDOW (twin), 1280, 800);
      gtk_window_set_child (GTK_WINDOW (twin), GTK_WIDGET (page));
      gtk_window_present (GTK_WINDOW (twin));
      ink_train_page_set_run (page, run);
      ink_run_start (run);
      while (ink_train_page_get_n_pretrain_points (page) < 4)
        g_main_context_iteration (NULL, TRUE);
      gtk_widget_queue_draw (twin);
      g_snprintf (path, sizeof path, "/tmp/inkling-shots/dbn-train-pretraining-%s.png", dark ? "dark" : "light");
      shot (twin, GTK_WIDGET (page), path);
      while (ink_run_get_state (run) != INK_RUN_FINISHED && ink_run_get_state (run) != INK_RUN_FAILED)
        g_main_context_iteration (NULL, TRUE);
      pump ();
      g_snprintf (path, sizeof path, "/tmp/inkling-shots/dbn-train-done-%s.png", dark ? "dark" : "light");
      shot (twin, GTK_WIDGET (page), path);
      g_object_unref (run);
      gtk_window_destroy (GTK_WINDOW (twin));
      gtk_window_destroy (GTK_WINDOW (win));
    }
  ink_data_unref (data);
  return 0;
}
