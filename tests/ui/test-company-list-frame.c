/* test-company-list-frame.c: the whole of a read after the frame that
 * draws its head (src/app/list/companies-company-list-frame.c). The whole
 * comes at once when the widget is not mapped or has no frame clock, and
 * still comes when no frame reaches the list (a shown window whose every
 * "after-paint" is stopped before the list's handler); a search typed
 * while a whole waits drops it at once, and what shows next is the new
 * search's. The model's signals replayed and the oracle agree after
 * each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-company-list-frame"

#include "config.h"

#include <string.h>

#include "companies-company-list-private.h"
#include "companies-test-server.h"

#include "company-list-oracle.h"

typedef struct
{
  char                 *folder;
  CompaniesLocalStore  *store;
  CompaniesCompanyList *list;
  GListModel           *model;
  GPtrArray            *shadow;
  guint                 n_reads;
} Fixture;

/* 1000 companies, "Companhia 0" to "Companhia 999", and the list of them,
 * its first read over. */
static void
fixture_init (Fixture *fixture)
{
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };

  memset (fixture, 0, sizeof *fixture);
  fixture->folder = companies_test_make_tmpdir ();
  path = g_build_filename (fixture->folder, "companies.db", NULL);
  fixture->store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 1000; i++)
    {
      const char **values = g_new0 (const char *, COMPANIES_N_FIELDS);
      char *name = g_strdup_printf ("Companhia %u", i);

      values[COMPANIES_FIELD_NAME] = name;
      g_ptr_array_add (names, name);
      g_ptr_array_add (rows, values);
    }
  g_assert_true (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_no_error (error);

  fixture->list = companies_company_list_new (fixture->store);
  fixture->model = companies_company_list_get_model (fixture->list);
  fixture->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fixture->model, "items-changed", G_CALLBACK (shadow_items_changed_cb), fixture->shadow);
  g_signal_connect (fixture->list, "read-finished", G_CALLBACK (counted_read_cb), &fixture->n_reads);
  wait_for_read (&fixture->n_reads);
  assert_oracle (fixture->store, fixture->model, fixture->shadow, &sort, "");
}

static void
fixture_clear (Fixture *fixture)
{
  g_signal_handlers_disconnect_by_data (fixture->model, fixture->shadow);
  g_clear_object (&fixture->list);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->shadow, g_ptr_array_unref);
  companies_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

static void
search_and_check (Fixture    *fixture,
                  const char *search)
{
  CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };

  companies_company_list_set_search (fixture->list, search);
  wait_for_read (&fixture->n_reads);
  assert_oracle (fixture->store, fixture->model, fixture->shadow, &sort, search);
}

static GtkWidget *
present_window (void)
{
  GtkWidget *window = gtk_window_new ();
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), 300, 200);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return window;
}

/* Ahead of the list's handler, connected at each wait: the list never
 * sees a frame drawn. */
static void
swallow_after_paint_cb (GdkFrameClock *clock)
{
  g_signal_stop_emission_by_name (clock, "after-paint");
}

/* Like search_and_check (), and the whole never waits for a frame. */
static void
search_at_once (Fixture    *fixture,
                const char *search)
{
  CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };
  guint n_reads = fixture->n_reads;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  companies_company_list_set_search (fixture->list, search);
  while (fixture->n_reads == n_reads)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
      g_assert_null (fixture->list->waiting);
    }
  assert_oracle (fixture->store, fixture->model, fixture->shadow, &sort, search);
}

/* A window shown then hidden (a frame clock, not mapped), and a widget
 * never shown (no frame clock): the whole comes at once. */
static void
test_unmapped (void)
{
  Fixture fixture;
  GtkWidget *window;
  GtkWidget *never_shown = gtk_window_new ();
  GtkWidget *label = gtk_label_new ("");
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  fixture_init (&fixture);
  window = present_window ();
  gtk_widget_hide (window);
  while (gtk_widget_get_mapped (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (gtk_widget_get_frame_clock (window));
  companies_company_list_set_widget (fixture.list, window);
  search_at_once (&fixture, "1");
  g_assert_cmpuint (g_list_model_get_n_items (fixture.model), ==, 271);
  search_at_once (&fixture, "12");

  gtk_window_set_child (GTK_WINDOW (never_shown), label);
  g_assert_null (gtk_widget_get_frame_clock (label));
  companies_company_list_set_widget (fixture.list, label);
  search_at_once (&fixture, "3");

  gtk_window_destroy (GTK_WINDOW (never_shown));
  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&fixture);
}

/* A shown window: the whole comes after its frame; then with every frame
 * kept from the list, after the wait's bound. */
static void
test_never_drawn (void)
{
  Fixture fixture;
  GtkWidget *window;
  GdkFrameClock *clock;

  fixture_init (&fixture);
  window = present_window ();
  companies_company_list_set_widget (fixture.list, window);
  search_and_check (&fixture, "1");
  search_and_check (&fixture, "3");

  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (swallow_after_paint_cb), NULL);
  search_and_check (&fixture, "2");
  g_assert_cmpuint (g_list_model_get_n_items (fixture.model), ==, 271);
  search_and_check (&fixture, "");
  g_assert_cmpuint (g_list_model_get_n_items (fixture.model), ==, 1000);

  g_signal_handlers_disconnect_by_func (clock, swallow_after_paint_cb, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&fixture);
}

typedef struct
{
  guint       signals;
  const char *search;
} Matching;

/* Every row shown at the first items-changed matches @search. */
static void
first_matching_cb (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Matching   *matching)
{
  if (matching->signals++ > 0)
    return;

  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CompaniesCompany) item = g_list_model_get_item (model, i);

      g_assert_true (oracle_matches (item, matching->search));
    }
}

/* A search typed while the whole of the one before waits for its frame:
 * that whole is dropped at once, never shown; the new search's rows are
 * the next shown. */
static void
test_superseded (void)
{
  Fixture fixture;
  GtkWidget *window;
  GdkFrameClock *clock;
  Matching matching = { 0, "21" };
  gint64 deadline;
  guint head_len, n_reads;

  fixture_init (&fixture);
  window = present_window ();
  companies_company_list_set_widget (fixture.list, window);
  companies_company_list_set_head_rows (fixture.list, 10);
  clock = gtk_widget_get_frame_clock (window);
  /* No frame ends the wait: only the new search or the bound can. */
  g_signal_connect (clock, "after-paint", G_CALLBACK (swallow_after_paint_cb), NULL);

  /* The whole waits unless a frame was drawn between the head and the
   * end of the read (the worker slower than a frame): then again. */
  for (guint attempt = 0; fixture.list->waiting == NULL; attempt++)
    {
      g_assert_cmpuint (attempt, <, 20);
      n_reads = fixture.n_reads;
      companies_company_list_set_search (fixture.list, attempt % 2 == 0 ? "1" : "3");
      deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      while (fixture.list->waiting == NULL && fixture.n_reads == n_reads)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_main_context_iteration (NULL, TRUE);
        }
    }
  /* The read is over; only its head shows. */
  head_len = g_list_model_get_n_items (fixture.model);
  g_assert_cmpuint (head_len, ==, 10);
  g_assert_true (companies_company_list_is_reading (fixture.list));

  g_signal_connect (fixture.model, "items-changed", G_CALLBACK (first_matching_cb), &matching);
  companies_company_list_set_search (fixture.list, "21");
  g_assert_null (fixture.list->waiting);
  g_assert_cmpuint (g_list_model_get_n_items (fixture.model), ==, head_len);
  g_assert_cmpuint (matching.signals, ==, 0);
  wait_for_read (&fixture.n_reads);
  g_assert_cmpuint (matching.signals, >, 0);
  {
    CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };

    assert_oracle (fixture.store, fixture.model, fixture.shadow, &sort, "21");
  }

  g_signal_handlers_disconnect_by_data (fixture.model, &matching);
  g_signal_handlers_disconnect_by_func (clock, swallow_after_paint_cb, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/company-list-frame/unmapped", test_unmapped);
  g_test_add_func ("/company-list-frame/never-drawn", test_never_drawn);
  g_test_add_func ("/company-list-frame/superseded", test_superseded);

  return g_test_run ();
}
