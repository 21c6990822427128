/* test-ui-large.c: a first sync of a few thousand companies shows its
 * progress, a refresh that changes 100 rows elsewhere keeps the
 * selection and the scroll position, and a search whose first screenful
 * shows before the rest counts only the whole result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-large"

#include "config.h"

#include "companies-ui-test-utils.h"

#define N_COMPANIES 3000
#define N_CHANGED   100

static const char *cities[] = { "São Paulo", "Porto", "Zürich", "Kraków", "Lyon", "Örnsköldsvik" };

static void
seed_server (CompaniesUiFixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "seed.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_COMPANIES; i++)
    {
      const char *values[COMPANIES_N_FIELDS] = { NULL };
      g_autofree char *name = g_strdup_printf ("Company %04u", i);
      g_autofree char *phone = g_strdup_printf ("+351 22 %07u", i);
      g_autoptr(CompaniesCompany) company = NULL;

      values[COMPANIES_FIELD_NAME] = name;
      values[COMPANIES_FIELD_CITY] = cities[i % G_N_ELEMENTS (cities)];
      values[COMPANIES_FIELD_PHONE] = phone;
      company = companies_local_store_create_for_sync (store, values, &error);
      g_assert_no_error (error);
    }

  client = companies_sync_client_new (path, companies_test_server_get_url (fixture->server), NULL);
  result = companies_sync_client_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->sent, ==, N_COMPANIES);
}

static void
progress_visible_cb (GtkWidget  *progress_bar,
                     GParamSpec *pspec,
                     gboolean   *shown)
{
  if (gtk_widget_get_visible (progress_bar))
    *shown = TRUE;
}

static void
count_label_cb (GtkLabel   *label,
                GParamSpec *pspec,
                GPtrArray  *texts)
{
  if (gtk_widget_get_visible (GTK_WIDGET (label)))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (label)));
}

static void
test_large (void)
{
  CompaniesUiFixture fixture;
  GtkWidget *progress_bar;
  GtkAdjustment *vadjustment;
  GtkSingleSelection *selection;
  CompaniesCompany *selected, *changed_rows[N_CHANGED];
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *count_label;
  gboolean progress_shown = FALSE;
  double scrolled_to;
  gint64 started;

  companies_ui_fixture_init (&fixture, FALSE);
  seed_server (&fixture);
  companies_ui_fixture_start_app (&fixture);
  g_assert_cmpstr (companies_ui_get_visible_page (&fixture), ==, "empty");

  /* A first sync: the progress bar shows while companies arrive. */
  progress_bar = companies_ui_get_child (&fixture, "progress_bar");
  g_signal_connect (progress_bar, "notify::visible", G_CALLBACK (progress_visible_cb), &progress_shown);
  started = g_get_monotonic_time ();
  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == N_COMPANIES);
  g_test_message ("First sync of %u companies shown after %.0f ms",
                  N_COMPANIES, (g_get_monotonic_time () - started) / 1000.0);
  g_assert_true (progress_shown);
  g_assert_false (gtk_widget_get_visible (progress_bar));
  g_signal_handlers_disconnect_by_func (progress_bar, progress_visible_cb, &progress_shown);

  /* Scroll halfway, select a row there. */
  selection = companies_window_get_selection (fixture.window);
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (companies_ui_get_child (&fixture, "scrolled_window")));
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), >, 10 * gtk_adjustment_get_page_size (vadjustment));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment) / 2);
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  scrolled_to = gtk_adjustment_get_value (vadjustment);
  gtk_single_selection_set_selected (selection, N_COMPANIES / 2);
  selected = gtk_single_selection_get_selected_item (selection);
  g_assert_nonnull (selected);

  /* Another process changes 100 rows spread over the list. */
  other = companies_local_store_open (fixture.local_database, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_CHANGED; i++)
    {
      const char *values[COMPANIES_N_FIELDS] = { NULL };
      g_autoptr(CompaniesCompany) updated = NULL;

      changed_rows[i] = companies_ui_get_row (&fixture, i * (N_COMPANIES / N_CHANGED) + 7);
      values[COMPANIES_FIELD_PHONE] = "+1 555 0100";
      updated = companies_local_store_update_for_sync (other, companies_company_get_uuid (changed_rows[i]),
                                                       COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                       values, &error);
      g_assert_no_error (error);
    }

  started = g_get_monotonic_time ();
  COMPANIES_UI_WAIT_FOR (g_str_equal (companies_company_get_field (changed_rows[N_CHANGED - 1], COMPANIES_FIELD_PHONE), "+1 555 0100"));
  g_test_message ("Refresh of %u changed rows seen after %.0f ms (the poll runs every 2 s)",
                  N_CHANGED, (g_get_monotonic_time () - started) / 1000.0);

  /* Same objects, updated in place; same selection; same scroll. */
  for (guint i = 0; i < N_CHANGED; i++)
    {
      g_assert_true (companies_ui_get_row (&fixture, i * (N_COMPANIES / N_CHANGED) + 7) == changed_rows[i]);
      g_assert_cmpstr (companies_company_get_field (changed_rows[i], COMPANIES_FIELD_PHONE), ==, "+1 555 0100");
      g_assert_cmpint (companies_company_get_sync_state (changed_rows[i]), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);
    }
  g_assert_true (gtk_single_selection_get_selected_item (selection) == selected);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, N_COMPANIES / 2);
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (vadjustment), scrolled_to, 0.5);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "100 changes waiting to sync");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "large-1-refreshed");

  /* "porto" matches 500 rows: the first 64 show before the rest, and
   * the count never says 64. */
  count_label = companies_ui_get_child (&fixture, "count_label");
  g_signal_connect (count_label, "notify::label", G_CALLBACK (count_label_cb), counts);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (companies_ui_get_child (&fixture, "search_entry")), "porto");
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == N_COMPANIES / G_N_ELEMENTS (cities) &&
                         gtk_widget_get_visible (count_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (count_label)), ==, "500 companies");
  for (guint i = 0; i < counts->len; i++)
    g_assert_cmpstr (g_ptr_array_index (counts, i), ==, "500 companies");
  g_signal_handlers_disconnect_by_func (count_label, count_label_cb, counts);
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "large-2-search-count");

  g_clear_object (&other);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/large/progress-and-refresh", test_large);

  return g_test_run ();
}
