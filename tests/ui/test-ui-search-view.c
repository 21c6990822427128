/* test-ui-search-view.c: what a search does to the view of a list longer
 * than the window: its results start at the top (not at the old scroll
 * position), the column widths stay while typing, and the narrow list,
 * hidden, follows no model (GTK 4.8 would make its rows again on every
 * keystroke) until the window is narrow.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-search-view"

#include "config.h"

#include "companies-company-list.h"
#include "companies-ui-test-utils.h"

#define N_COMPANIES 2000

static const char *cities[] = { "São Paulo", "Porto", "Zürich", "Kraków", "Lyon", "Örnsköldsvik" };

static void
seed (CompaniesUiFixture *fixture)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_COMPANIES; i++)
    {
      char **values = g_new0 (char *, COMPANIES_N_FIELDS + 1);

      /* Every field set, so that no value is NULL before the end. */
      for (guint field = 0; field < COMPANIES_N_FIELDS; field++)
        values[field] = g_strdup ("");
      g_free (values[COMPANIES_FIELD_NAME]);
      values[COMPANIES_FIELD_NAME] = g_strdup_printf ("Company %u%s", i, i % 7 == 0 ? " with a much longer name" : "");
      g_free (values[COMPANIES_FIELD_CITY]);
      values[COMPANIES_FIELD_CITY] = g_strdup (cities[i % G_N_ELEMENTS (cities)]);
      g_free (values[COMPANIES_FIELD_PHONE]);
      values[COMPANIES_FIELD_PHONE] = g_strdup_printf ("+351 22 %07u", i);
      g_ptr_array_add (rows, values);
    }

  store = companies_local_store_open (fixture->local_database, &error);
  g_assert_no_error (error);
  g_assert_true (companies_local_store_import_for_sync (store, rows, &error));
  g_assert_no_error (error);
}

/* The widths of the column view's titles (GTK 4.8 has no call that
 * gives a column's width), in their order. */
static void
collect_title_widths (GtkWidget *widget,
                      GArray    *widths)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "GtkColumnViewTitle"))
        {
          int width = gtk_widget_get_width (child);

          g_array_append_val (widths, width);
        }
      else
        collect_title_widths (child, widths);
    }
}

static GArray *
column_widths (GtkWidget *column_view)
{
  GArray *widths = g_array_new (FALSE, FALSE, sizeof (int));

  collect_title_widths (column_view, widths);
  return widths;
}

static void
assert_same_widths (GArray *a,
                    GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, int, i), ==, g_array_index (b, int, i));
}

static gboolean
all_match (CompaniesUiFixture *fixture,
           const char         *city)
{
  guint n = companies_ui_count_rows (fixture);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (companies_company_get_field (companies_ui_get_row (fixture, i), COMPANIES_FIELD_CITY), city) != 0)
      return FALSE;

  return n > 0;
}

static void
test_search_view (void)
{
  CompaniesUiFixture fixture;
  GtkWidget *column_view, *list_view;
  GtkAdjustment *vadjustment;
  GtkEditable *entry;
  CompaniesCompanyList *companies;
  g_autoptr(GArray) before = NULL;
  const char *typed[] = { "z", "zu", "zur", "zuri" };
  int position = 0;

  companies_ui_fixture_init (&fixture, FALSE);
  seed (&fixture);
  companies_ui_fixture_start_app (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == N_COMPANIES);
  column_view = companies_ui_get_child (&fixture, "column_view");
  companies = COMPANIES_COMPANY_LIST (gtk_single_selection_get_model (companies_window_get_selection (fixture.window)));
  list_view = companies_ui_get_child (&fixture, "list_view");
  entry = GTK_EDITABLE (companies_ui_get_child (&fixture, "search_entry"));
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (companies_ui_get_child (&fixture, "scrolled_window")));

  /* Wide: the table shows; the narrow list follows nothing. */
  g_assert_false (companies_window_get_narrow (fixture.window));
  g_assert_null (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));

  /* Scrolled far down. */
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment) / 2);
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 1000);
  before = column_widths (column_view);
  g_assert_cmpuint (before->len, ==, 6);

  /* Typing, a key at a time: each result starts at the top, and no
   * column moves. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.search", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_autoptr(GArray) widths = NULL;

      gtk_editable_insert_text (entry, typed[i] + i, 1, &position);
      g_assert_cmpstr (gtk_editable_get_text (entry), ==, typed[i]);
      COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == N_COMPANIES / G_N_ELEMENTS (cities) &&
                             all_match (&fixture, "Zürich") &&
                             !companies_company_list_is_reading (companies));
      companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
      g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
      widths = column_widths (column_view);
      assert_same_widths (before, widths);
    }
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "search-view-1-top");

  /* Scrolled down in the results, a refined search starts at the top
   * again. */
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment) / 2);
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 100);
  gtk_editable_insert_text (entry, "c", 1, &position);
  COMPANIES_UI_WAIT_FOR (all_match (&fixture, "Zürich") && companies_ui_count_rows (&fixture) == N_COMPANIES / G_N_ELEMENTS (cities) &&
                         !companies_company_list_is_reading (companies));
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
  {
    g_autoptr(GArray) widths = column_widths (column_view);

    assert_same_widths (before, widths);
  }

  /* Narrow: the two-line rows follow the same selection model. */
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 360, 294);
  COMPANIES_UI_WAIT_FOR (companies_window_get_narrow (fixture.window));
  g_assert_true (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)) ==
                 GTK_SELECTION_MODEL (companies_window_get_selection (fixture.window)));
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "search-view-2-narrow");
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 960, 640);
  COMPANIES_UI_WAIT_FOR (!companies_window_get_narrow (fixture.window));
  g_assert_null (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/search-view/top-widths-narrow", test_search_view);

  return g_test_run ();
}
