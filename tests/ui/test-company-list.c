/* test-company-list.c: the list model's refresh keeps the same objects,
 * updates them in place and announces only what it must, in few
 * items-changed signals. No window needed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-company-list"

#include "config.h"

#include "companies-company-list.h"

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

#define N 2000

static void
test_refresh (void)
{
  g_autoptr(CompaniesCompanyList) list = companies_company_list_new ();
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
  g_autoptr(CompaniesCompanyList) list = companies_company_list_new ();
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/company-list/refresh", test_refresh);
  g_test_add_func ("/company-list/upsert-remove", test_upsert_remove);

  return g_test_run ();
}
