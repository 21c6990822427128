/* test-company-list.c: the list model's refresh keeps the same objects,
 * updates them in place and announces only what it must, in few
 * items-changed signals; its first read (started when it is made) comes
 * indexed, in name order and in one signal; it reads again after writes
 * of others but not after its own; a text cell follows its
 * company; the search model shows exactly the rows that match, follows
 * its source and says so in signals a view can replay. No window needed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-company-list"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "companies-company-list.h"
#include "companies-field-cell.h"
#include "companies-row-key.h"
#include "companies-search-model.h"

typedef struct
{
  guint signals;
  guint removed;
  guint added;
} Counter;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Counter    *counter)
{
  counter->signals++;
  counter->removed += removed;
  counter->added += added;
}

static CompaniesCompany *
make_company (guint i)
{
  CompaniesCompany *company = companies_company_new ();
  g_autofree char *uuid = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
  g_autofree char *name = g_strdup_printf ("Company %05u", i);

  companies_company_set_uuid (company, uuid);
  companies_company_set_id (company, i + 1);
  companies_company_set_version (company, 1);
  companies_company_set_is_from_server (company, TRUE);
  companies_company_set_is_active (company, TRUE);
  companies_company_set_field (company, COMPANIES_FIELD_NAME, name);
  companies_company_set_field (company, COMPANIES_FIELD_CITY, "Porto");

  return company;
}

/* What a fresh read of the store gives: new objects, equal values. */
static GPtrArray *
read_again (GListModel *model)
{
  GPtrArray *fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CompaniesCompany) company = g_list_model_get_item (model, i);

      g_ptr_array_add (fresh, companies_company_copy (company));
    }

  return fresh;
}

/* Above the 8192 rows from which companies-list-update.c prepares the
 * rows in two threads: both halves are checked. */
#define N 10000

static void
test_refresh (void)
{
  g_autoptr(CompaniesCompanyList) list = companies_company_list_new (NULL);
  GListModel *model = companies_company_list_get_model (list);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CompaniesCompany) kept = NULL;
  Counter counter = { 0 };

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &counter);

  /* The first read: one signal for all. */
  for (guint i = 0; i < N; i++)
    g_ptr_array_add (fresh, make_company (i));
  g_assert_cmpuint (companies_company_list_refresh (list, fresh), ==, 1);
  g_assert_cmpuint (counter.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N);
  kept = g_list_model_get_item (model, 100);
  g_clear_pointer (&fresh, g_ptr_array_unref);

  /* Nothing changed: no signal. */
  counter = (Counter) { 0 };
  fresh = read_again (model);
  g_assert_cmpuint (companies_company_list_refresh (list, fresh), ==, 0);
  g_assert_cmpuint (counter.signals, ==, 0);
  g_clear_pointer (&fresh, g_ptr_array_unref);

  /* Only the sync state of 100 rows changed (a sync pushed them): with the
   * state unwatched, updated in place without a signal. */
  companies_company_list_set_watched (list, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME), FALSE);
  counter = (Counter) { 0 };
  fresh = read_again (model);
  for (guint i = 0; i < N; i += N / 100)
    companies_company_set_is_modified (g_ptr_array_index (fresh, i), TRUE);
  g_assert_cmpuint (companies_company_list_refresh (list, fresh), ==, 0);
  g_assert_cmpuint (counter.signals, ==, 0);
  g_assert_true (companies_company_get_is_modified (companies_company_list_lookup (list, companies_company_get_uuid (g_ptr_array_index (fresh, 0)))));
  g_clear_pointer (&fresh, g_ptr_array_unref);

  /* A watched field in 3 rows: 3 runs, each announced with the same
   * object, which is updated in place. */
  counter = (Counter) { 0 };
  fresh = read_again (model);
  companies_company_set_field (g_ptr_array_index (fresh, 100), COMPANIES_FIELD_NAME, "Renamed");
  companies_company_set_field (g_ptr_array_index (fresh, 101), COMPANIES_FIELD_NAME, "Renamed too");
  companies_company_set_field (g_ptr_array_index (fresh, 1500), COMPANIES_FIELD_NAME, "Renamed three");
  g_assert_cmpuint (companies_company_list_refresh (list, fresh), ==, 2);
  g_assert_cmpuint (counter.signals, ==, 2);
  g_assert_cmpuint (counter.removed, ==, 3);
  g_assert_cmpuint (counter.added, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N);
  g_assert_cmpstr (companies_company_get_name (kept), ==, "Renamed");
  {
    g_autoptr(CompaniesCompany) same = g_list_model_get_item (model, 100);

    g_assert_true (same == kept);
  }
  g_clear_pointer (&fresh, g_ptr_array_unref);

  /* Spread over many rows: one signal for the whole tail, not one a row. */
  counter = (Counter) { 0 };
  fresh = read_again (model);
  for (guint i = 0; i < N; i += 10)
    companies_company_set_field (g_ptr_array_index (fresh, i), COMPANIES_FIELD_NAME, "Bulk rename");
  g_assert_cmpuint (companies_company_list_refresh (list, fresh), ==, 1);
  g_assert_cmpuint (counter.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N);
  g_clear_pointer (&fresh, g_ptr_array_unref);

  /* Two went, one came: the rest stays the same objects. */
  counter = (Counter) { 0 };
  fresh = read_again (model);
  g_ptr_array_remove_index (fresh, 1999);
  g_ptr_array_remove_index (fresh, 5);
  g_ptr_array_add (fresh, make_company (N + 1));
  companies_company_list_refresh (list, fresh);
  g_assert_cmpuint (counter.signals, <=, 3);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N - 1);
  g_assert_cmpuint (counter.removed - counter.added, ==, 1);
  g_assert_null (companies_company_list_lookup (list, "00000000-0000-4000-8000-000000000005"));
  g_assert_nonnull (companies_company_list_lookup (list, "00000000-0000-4000-8000-000000002001"));
  {
    /* One row before it went: it moved up by one, the same object. */
    g_autoptr(CompaniesCompany) same = g_list_model_get_item (model, 99);

    g_assert_true (same == kept);
    g_assert_true (companies_company_list_lookup (list, companies_company_get_uuid (kept)) == kept);
  }
}

static void
test_upsert_remove (void)
{
  g_autoptr(CompaniesCompanyList) list = companies_company_list_new (NULL);
  GListModel *model = companies_company_list_get_model (list);
  g_autoptr(CompaniesCompany) first = make_company (1);
  g_autoptr(CompaniesCompany) changed = NULL;
  g_autoptr(CompaniesCompany) gone = NULL;
  Counter counter = { 0 };

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &counter);

  companies_company_list_upsert (list, first);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* Same uuid, new values: the listed object takes them. */
  changed = companies_company_copy (first);
  companies_company_set_field (changed, COMPANIES_FIELD_CITY, "Lisboa");
  companies_company_list_upsert (list, changed);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_true (companies_company_list_lookup (list, companies_company_get_uuid (first)) == first);
  g_assert_cmpstr (companies_company_get_field (first, COMPANIES_FIELD_CITY), ==, "Lisboa");

  /* Inactive (deleted here): removed. */
  gone = companies_company_copy (first);
  companies_company_set_is_active (gone, FALSE);
  companies_company_list_upsert (list, gone);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_null (companies_company_list_lookup (list, companies_company_get_uuid (first)));
  g_assert_cmpuint (counter.signals, ==, 3);
}

static void
read_finished_cb (CompaniesCompanyList       *list,
                  const CompaniesStoreStatus *status,
                  const GError               *error,
                  CompaniesStoreStatus       *out)
{
  g_assert_no_error ((GError *) error);
  g_assert_nonnull (status);
  *out = *status;
}

static void
store_changed_cb (CompaniesCompanyList *list,
                  guint                *n_changes)
{
  (*n_changes)++;
}

static CompaniesCompany *
create_company (CompaniesLocalStore *store,
                const char          *name)
{
  const char *values[COMPANIES_N_FIELDS] = { NULL };
  g_autoptr(GError) error = NULL;
  CompaniesCompany *company;

  values[COMPANIES_FIELD_NAME] = name;
  values[COMPANIES_FIELD_CITY] = "Porto";
  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);

  return company;
}

static void
test_first_read (void)
{
  g_autofree char *folder = g_dir_make_tmp ("companies-list-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "companies.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(CompaniesCompanyList) list = NULL;
  g_autoptr(CompaniesCompany) own = NULL;
  g_autoptr(CompaniesCompany) theirs = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "Zeta", "beta", "Ångström AB", "Alpha" };
  const char *sorted[] = { "Alpha", "Ångström AB", "beta", "Zeta" };
  CompaniesStoreStatus status = { 0 };
  Counter counter = { 0 };
  GListModel *model;
  g_autofree char *uuid = NULL;
  guint n_changes = 0;
  gint64 version;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_object_unref (create_company (store, names[i]));

  /* The read starts with the list. */
  list = companies_company_list_new (store);
  model = companies_company_list_get_model (list);
  g_assert_false (companies_company_list_get_loaded (list));
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &counter);
  g_signal_connect (list, "read-finished", G_CALLBACK (read_finished_cb), &status);
  g_signal_connect (list, "store-changed", G_CALLBACK (store_changed_cb), &n_changes);
  while (!companies_company_list_get_loaded (list))
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (status.pending_added, ==, G_N_ELEMENTS (names));
  g_assert_cmpuint (counter.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (names));

  /* In name order, accents and case folded; indexed by uuid. */
  for (guint i = 0; i < G_N_ELEMENTS (sorted); i++)
    {
      g_autoptr(CompaniesCompany) company = g_list_model_get_item (model, i);

      g_assert_cmpstr (companies_company_get_name (company), ==, sorted[i]);
      g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_CITY), ==, "Porto");
      g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_PHONE), ==, "");
      g_assert_true (companies_company_list_lookup (list, companies_company_get_uuid (company)) == company);
    }

  /* A company read from the store takes new values like any other. */
  {
    g_autoptr(CompaniesCompany) first = g_list_model_get_item (model, 0);

    uuid = g_strdup (companies_company_get_uuid (first));
    companies_company_set_field (first, COMPANIES_FIELD_NAME, "Alpha Two");
    companies_company_set_field (first, COMPANIES_FIELD_PHONE, "+351 22 000 0000");
    g_assert_cmpstr (companies_company_get_name (first), ==, "Alpha Two");
    g_assert_cmpstr (companies_company_get_field (first, COMPANIES_FIELD_CITY), ==, "Porto");
    g_assert_cmpstr (companies_company_get_uuid (first), ==, uuid);
  }

  /* Our own write shows at once and causes no read. */
  version = companies_company_list_begin_write (list);
  own = create_company (store, "Own");
  companies_company_list_end_write (list, version, own);
  g_assert_true (companies_company_list_lookup (list, companies_company_get_uuid (own)) != NULL);
  companies_company_list_refresh_if_changed (list);
  g_assert_cmpuint (n_changes, ==, 0);

  /* A write of another process is read. */
  other = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  theirs = create_company (other, "Theirs");
  companies_company_list_refresh_if_changed (list);
  g_assert_cmpuint (n_changes, ==, 1);
  while (companies_company_list_lookup (list, companies_company_get_uuid (theirs)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (names) + 2);

  g_signal_handlers_disconnect_by_data (model, &counter);
  g_clear_object (&other);
  g_clear_object (&store);
  g_clear_object (&list);
  {
    g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (folder, name, NULL);

        g_unlink (file);
      }
    g_rmdir (folder);
  }
}

static void
test_field_cell (void)
{
  g_autoptr(CompaniesCompany) company = make_company (7);
  GtkWidget *cell = g_object_ref_sink (companies_field_cell_new (COMPANIES_FIELD_NAME, 10, 32));

  companies_field_cell_bind (COMPANIES_FIELD_CELL (cell), company);
  g_assert_cmpstr (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)), ==, "Company 00007");

  /* A refresh updates the company in place: the cell follows its field,
   * and only its field. */
  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Renamed");
  companies_company_set_field (company, COMPANIES_FIELD_CITY, "Braga");
  g_assert_cmpstr (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)), ==, "Renamed");

  companies_field_cell_bind (COMPANIES_FIELD_CELL (cell), NULL);
  g_assert_null (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)));
  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Again");
  g_assert_null (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)));

  g_object_unref (cell);
}

/* A copy of a model kept only from its items-changed signals: equal to
 * the model when the signals tell the truth. */
static void
shadow_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         GPtrArray  *shadow)
{
  g_ptr_array_remove_range (shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (shadow, position + i, g_list_model_get_item (model, position + i));
}

/* The model holds, in the source's order, exactly the rows whose folded
 * key contains @folded, and its shadow agrees. */
static void
assert_search (GListModel *model,
               GListModel *source,
               GPtrArray  *shadow,
               const char *folded)
{
  guint n_source = g_list_model_get_n_items (source);
  guint position = 0;

  for (guint i = 0; i < n_source; i++)
    {
      g_autoptr(CompaniesCompany) company = g_list_model_get_item (source, i);
      g_autoptr(CompaniesCompany) shown = NULL;

      if (folded != NULL && strstr (companies_row_key_get_text (company), folded) == NULL)
        continue;

      shown = g_list_model_get_item (model, position);
      g_assert_true (shown == company);
      g_assert_true (g_ptr_array_index (shadow, position) == company);
      position++;
    }

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, position);
  g_assert_cmpuint (shadow->len, ==, position);
}

static void
test_search_model (void)
{
  g_autoptr(GListStore) store = g_list_store_new (COMPANIES_TYPE_COMPANY);
  g_autoptr(CompaniesSearchFilter) filter = companies_search_filter_new ();
  g_autoptr(CompaniesSearchModel) search = NULL;
  g_autoptr(GtkSingleSelection) selection = NULL;
  g_autoptr(GPtrArray) shadow = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CompaniesCompany) kept = NULL;
  g_autoptr(CompaniesCompany) added = make_company (1001);
  GListModel *model;
  Counter counter = { 0 };

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(CompaniesCompany) company = make_company (i);

      if (i % 10 == 0)
        companies_company_set_field (company, COMPANIES_FIELD_CITY, "Évora");
      g_list_store_append (store, company);
    }

  search = companies_search_model_new (G_LIST_MODEL (store), filter);
  model = G_LIST_MODEL (search);
  selection = gtk_single_selection_new (g_object_ref (model));
  gtk_single_selection_set_autoselect (selection, FALSE);
  for (guint i = 0; i < 100; i++)
    g_ptr_array_add (shadow, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (shadow_items_changed_cb), shadow);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &counter);

  /* Nothing searched: the source as it is. */
  assert_search (model, G_LIST_MODEL (store), shadow, NULL);

  /* Case and accents folded; one signal a keystroke. */
  companies_search_filter_set_text (filter, "EVOR");
  assert_search (model, G_LIST_MODEL (store), shadow, "evor");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  g_assert_cmpuint (counter.signals, ==, 1);

  /* The text grows: fewer rows; shrinks or changes: more again. */
  companies_search_filter_set_text (filter, "évora");
  assert_search (model, G_LIST_MODEL (store), shadow, "evora");
  companies_search_filter_set_text (filter, "1");
  assert_search (model, G_LIST_MODEL (store), shadow, "1");
  companies_search_filter_set_text (filter, "12");
  assert_search (model, G_LIST_MODEL (store), shadow, "12");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  companies_search_filter_set_text (filter, "1");
  assert_search (model, G_LIST_MODEL (store), shadow, "1");
  /* "evor" to "évora" showed the same rows: no signal. */
  g_assert_cmpuint (counter.signals, ==, 4);

  /* The source changes while searching: rows that match come and go,
   * others change nothing shown; the selected row stays selected. */
  gtk_single_selection_set_selected (selection, 5);
  kept = g_object_ref (gtk_single_selection_get_selected_item (selection));
  g_list_store_remove (store, 1);                    /* Company 00001 */
  assert_search (model, G_LIST_MODEL (store), shadow, "1");
  g_list_store_insert (store, 0, added);             /* Company 01001 */
  assert_search (model, G_LIST_MODEL (store), shadow, "1");
  counter.signals = 0;
  g_list_store_remove (store, 3);                    /* Company 00002 */
  assert_search (model, G_LIST_MODEL (store), shadow, "1");
  g_assert_cmpuint (counter.signals, ==, 0);
  g_assert_true (gtk_single_selection_get_selected_item (selection) == kept);

  /* The search emptied: everything again, and the source followed. */
  companies_search_filter_set_text (filter, "");
  assert_search (model, G_LIST_MODEL (store), shadow, NULL);
  g_list_store_remove (store, 0);
  assert_search (model, G_LIST_MODEL (store), shadow, NULL);
  g_assert_true (gtk_single_selection_get_selected_item (selection) == kept);

  /* Many rows change while nothing is searched (the model drops its copy
   * of them rather than following), then a search sees them all. */
  {
    g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < 2000; i++)
      g_ptr_array_add (many, make_company (2000 + i));
    g_list_store_splice (store, 10, 0, many->pdata, many->len);
    assert_search (model, G_LIST_MODEL (store), shadow, NULL);
    companies_search_filter_set_text (filter, "Company 021");
    assert_search (model, G_LIST_MODEL (store), shadow, "company 021");
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 100);
    g_list_store_splice (store, 0, 1500, NULL, 0);
    assert_search (model, G_LIST_MODEL (store), shadow, "company 021");
  }

  /* Nothing matches. */
  companies_search_filter_set_text (filter, "zzz");
  assert_search (model, G_LIST_MODEL (store), shadow, "zzz");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_signal_handlers_disconnect_by_data (model, shadow);
  g_signal_handlers_disconnect_by_data (model, &counter);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/company-list/refresh", test_refresh);
  g_test_add_func ("/company-list/upsert-remove", test_upsert_remove);
  g_test_add_func ("/company-list/first-read", test_first_read);
  g_test_add_func ("/company-list/field-cell", test_field_cell);
  g_test_add_func ("/company-list/search-model", test_search_model);

  return g_test_run ();
}
