/* test-ui-search.c: search (case- and accent-insensitive), the
 * no-results state, and a list refreshed after another process wrote to
 * the database, keeping the selection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-search"

#include "config.h"

#include "companies-ui-test-utils.h"

static const char *seed[][5] = {
  /* name, city, country, phone, email */
  { "Itaú Unibanco", "São Paulo", "Brazil", "+55 11 3003 4828", "imprensa@itau.example" },
  { "Acme", "Porto", "Portugal", "+351 22 000 0000", "info@acme.example" },
  { "Fjällräven", "Örnsköldsvik", "Sweden", "+46 660 266 100", "info@fjallraven.example" },
  { "Société Générale", "Paris", "France", "+33 1 42 14 20 00", "contact@socgen.example" },
  { "Nokia", "Espoo", "Finland", "+358 10 44 88 000", "press@nokia.example" },
};

static void
search (CompaniesUiFixture *fixture,
        const char         *text)
{
  GtkWidget *entry = companies_ui_get_child (fixture, "search_entry");

  /* The entry reports the change after its short delay: the callers
   * wait for the rows they expect. */
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static gboolean
shows_only (CompaniesUiFixture *fixture,
            const char         *name)
{
  return companies_ui_count_rows (fixture) == 1 &&
         g_strcmp0 (companies_company_get_name (companies_ui_get_row (fixture, 0)), name) == 0;
}

static void
test_search (void)
{
  CompaniesUiFixture fixture;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(GError) error = NULL;
  GtkSingleSelection *selection;
  GtkSearchBar *search_bar;
  CompaniesCompany *acme, *nokia;

  companies_ui_fixture_init (&fixture, FALSE);

  /* The companies are there before the app opens. */
  other = companies_local_store_open (fixture.local_database, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (seed); i++)
    g_object_unref (companies_ui_add_company (other, seed[i]));

  companies_ui_fixture_start_app (&fixture);
  selection = companies_window_get_selection (fixture.window);
  search_bar = GTK_SEARCH_BAR (companies_ui_get_child (&fixture, "search_bar"));

  g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, G_N_ELEMENTS (seed));
  /* Sorted by name. */
  g_assert_cmpstr (companies_company_get_name (companies_ui_get_row (&fixture, 0)), ==, "Acme");
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "5 changes waiting to sync");

  /* Ctrl+F's action opens the search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.search", NULL));
  g_assert_true (gtk_search_bar_get_search_mode (search_bar));

  search (&fixture, "sao");
  COMPANIES_UI_WAIT_FOR (shows_only (&fixture, "Itaú Unibanco"));
  g_assert_cmpstr (companies_company_get_field (companies_ui_get_row (&fixture, 0), COMPANIES_FIELD_CITY), ==, "São Paulo");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "search-1-sao");

  /* Case-insensitive, and narrowing then widening. */
  search (&fixture, "SAO PAULO");
  COMPANIES_UI_WAIT_FOR (shows_only (&fixture, "Itaú Unibanco"));
  search (&fixture, "ornskoldsvik");
  COMPANIES_UI_WAIT_FOR (shows_only (&fixture, "Fjällräven"));
  search (&fixture, "GÉNÉRALE");
  COMPANIES_UI_WAIT_FOR (shows_only (&fixture, "Société Générale"));
  /* By phone and e-mail too. */
  search (&fixture, "+358");
  COMPANIES_UI_WAIT_FOR (shows_only (&fixture, "Nokia"));
  search (&fixture, "info@");
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 2);
  search (&fixture, "info@acme");
  COMPANIES_UI_WAIT_FOR (shows_only (&fixture, "Acme"));

  /* Sorting by a column (what a click on its header does) reorders the
   * rows found (all: every e-mail has a "p"), accents folded. */
  search (&fixture, "p");
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == G_N_ELEMENTS (seed));
  {
    GtkColumnView *column_view = GTK_COLUMN_VIEW (companies_ui_get_child (&fixture, "column_view"));
    GListModel *columns = gtk_column_view_get_columns (column_view);
    g_autoptr(GtkColumnViewColumn) name_column = g_list_model_get_item (columns, 1);
    g_autoptr(GtkColumnViewColumn) city_column = g_list_model_get_item (columns, 2);
    const char *cities[] = { "São Paulo", "Porto", "Paris", "Örnsköldsvik", "Espoo" };

    g_assert_cmpstr (gtk_column_view_column_get_title (city_column), ==, "City");
    gtk_column_view_sort_by_column (column_view, city_column, GTK_SORT_DESCENDING);
    COMPANIES_UI_WAIT_FOR (g_str_equal (companies_company_get_field (companies_ui_get_row (&fixture, 0), COMPANIES_FIELD_CITY), "São Paulo"));
    g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, G_N_ELEMENTS (cities));
    for (guint i = 0; i < G_N_ELEMENTS (cities); i++)
      g_assert_cmpstr (companies_company_get_field (companies_ui_get_row (&fixture, i), COMPANIES_FIELD_CITY), ==, cities[i]);
    companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "search-2-sorted-by-city");

    /* Narrowing keeps that order. */
    search (&fixture, "pa");
    COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 2);
    g_assert_cmpstr (companies_company_get_field (companies_ui_get_row (&fixture, 0), COMPANIES_FIELD_CITY), ==, "São Paulo");
    g_assert_cmpstr (companies_company_get_field (companies_ui_get_row (&fixture, 1), COMPANIES_FIELD_CITY), ==, "Paris");

    gtk_column_view_sort_by_column (column_view, name_column, GTK_SORT_ASCENDING);
  }

  search (&fixture, "zzz");
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 0);
  COMPANIES_UI_WAIT_FOR (g_str_equal (companies_ui_get_visible_page (&fixture), "no-results"));
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "search-3-no-results");

  /* Escape closes the search and shows everything again. */
  gtk_search_bar_set_search_mode (search_bar, FALSE);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == G_N_ELEMENTS (seed));
  g_assert_cmpstr (companies_ui_get_visible_page (&fixture), ==, "list");

  /* Another process (companies-cli) writes: the list follows within a few
   * seconds, the selected row stays selected and the same object. */
  companies_ui_select_row (&fixture, "Acme");
  acme = gtk_single_selection_get_selected_item (selection);
  nokia = companies_ui_find_row (&fixture, "Nokia");
  {
    const char *values[COMPANIES_N_FIELDS] = { NULL };
    const char *row[5] = { "Zeta Industries", "Lisboa", "Portugal", "", "" };
    g_autoptr(CompaniesCompany) changed = NULL;
    g_autoptr(CompaniesCompany) added = NULL;

    values[COMPANIES_FIELD_PHONE] = "+358 10 00 00 001";
    changed = companies_local_store_update_for_sync (other,
                                                     companies_company_get_uuid (nokia),
                                                     COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                     values, &error);
    g_assert_no_error (error);
    added = companies_ui_add_company (other, row);
  }

  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == G_N_ELEMENTS (seed) + 1);
  COMPANIES_UI_WAIT_FOR (g_str_equal (companies_company_get_field (nokia, COMPANIES_FIELD_PHONE), "+358 10 00 00 001"));
  g_assert_true (companies_ui_find_row (&fixture, "Nokia") == nokia);
  g_assert_true (gtk_single_selection_get_selected_item (selection) == acme);
  g_assert_nonnull (companies_ui_find_row (&fixture, "Zeta Industries"));
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "search-4-refreshed");

  g_clear_object (&other);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/search/accents-and-refresh", test_search);

  return g_test_run ();
}
