/* test-company-list-ids.c: the list's items are keyed by the local id of
 * their row, and SQLite gives the local id of the last row deleted to the
 * next row added. The list must then show the new row as a new item (its
 * own uuid and values), announce it, and let the old item go, whether the
 * rows were written by another process or by the app itself; and a row
 * deleted by the app that no item was made for must leave the list too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-company-list-ids"

#include "config.h"

#include "companies-company-list.h"
#include "companies-local-store-view.h"
#include "company-list-oracle.h"
#include "companies-test-server.h"

typedef struct
{
  guint n_reads;
  guint changed_at_two;
} Watch;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  if (position <= 2 && position + removed > 2)
    watch->changed_at_two++;
}

static CompaniesCompany *
create (CompaniesLocalStore *store,
        const char          *name)
{
  const char *values[COMPANIES_N_FIELDS] = { NULL };
  g_autoptr(GError) error = NULL;
  CompaniesCompany *company;

  values[COMPANIES_FIELD_NAME] = name;
  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);
  return company;
}

static void
assert_row (GListModel *model,
            guint       position,
            const char *uuid,
            const char *name)
{
  g_autoptr(CompaniesCompany) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  g_assert_cmpstr (companies_company_get_uuid (item), ==, uuid);
  g_assert_cmpstr (companies_company_get_name (item), ==, name);
}

static void
test_local_id_taken_again (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (folder, "companies.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(CompaniesCompanyList) list = NULL;
  g_autoptr(CompaniesCompany) alpha = NULL;
  g_autoptr(CompaniesCompany) beta = NULL;
  g_autoptr(CompaniesCompany) gamma = NULL;
  g_autoptr(CompaniesCompany) gamma_item = NULL;
  g_autoptr(CompaniesCompany) delta = NULL;
  g_autoptr(CompaniesCompany) epsilon = NULL;
  g_autoptr(CompaniesCompany) zeta = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch = { 0 };
  GListModel *model;
  gint64 version;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  other = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  alpha = create (store, "Alpha");
  beta = create (store, "Beta");
  gamma = create (store, "Gamma");

  list = companies_company_list_new (store);
  model = companies_company_list_get_model (list);
  g_signal_connect (list, "read-finished", G_CALLBACK (counted_read_cb), &watch.n_reads);
  wait_for_read (&watch.n_reads);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  gamma_item = g_list_model_get_item (model, 2);
  g_assert_cmpstr (companies_company_get_uuid (gamma_item), ==, companies_company_get_uuid (gamma));
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &watch);

  /* Another process: Gamma, never synced, goes from the file, and Gamma
   * Two takes its local id. */
  g_assert_true (companies_local_store_delete_for_sync (other, companies_company_get_uuid (gamma), &error));
  g_assert_no_error (error);
  delta = create (other, "Gamma Two");
  {
    g_autoptr(CompaniesCompany) read = companies_local_store_read_listed_uuid (other, companies_company_get_uuid (delta), NULL);

    g_assert_cmpint (companies_list_company_get_local_id (gamma_item), ==, companies_list_company_get_local_id (read));
  }
  companies_company_list_refresh_if_changed (list);
  wait_for_read (&watch.n_reads);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  assert_row (model, 2, companies_company_get_uuid (delta), "Gamma Two");
  g_assert_cmpuint (watch.changed_at_two, >=, 1);
  /* The item held from before is still Gamma, not another company. */
  g_assert_cmpstr (companies_company_get_uuid (gamma_item), ==, companies_company_get_uuid (gamma));
  g_assert_cmpstr (companies_company_get_name (gamma_item), ==, "Gamma");

  /* The app itself: it deletes Gamma Two and adds Gamma Three, which
   * takes the same local id. */
  watch.changed_at_two = 0;
  version = companies_company_list_begin_write (list);
  g_assert_true (companies_local_store_delete_for_sync (store, companies_company_get_uuid (delta), &error));
  companies_company_list_remove (list, companies_company_get_uuid (delta));
  companies_company_list_end_write (list, version, NULL);
  version = companies_company_list_begin_write (list);
  epsilon = create (store, "Gamma Three");
  companies_company_list_end_write (list, version, epsilon);
  if (companies_company_list_is_reading (list))
    wait_for_read (&watch.n_reads);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  assert_row (model, 0, companies_company_get_uuid (alpha), "Alpha");
  assert_row (model, 1, companies_company_get_uuid (beta), "Beta");
  assert_row (model, 2, companies_company_get_uuid (epsilon), "Gamma Three");

  /* A delete by the app of a row shown but never made as an item: Zeta,
   * added by another process, shows after a refresh, and nothing asks
   * for its item before the app deletes it. */
  zeta = create (other, "Zeta");
  companies_company_list_refresh_if_changed (list);
  wait_for_read (&watch.n_reads);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  version = companies_company_list_begin_write (list);
  g_assert_true (companies_local_store_delete_for_sync (store, companies_company_get_uuid (zeta), &error));
  g_assert_no_error (error);
  companies_company_list_remove (list, companies_company_get_uuid (zeta));
  companies_company_list_end_write (list, version, NULL);
  if (companies_company_list_is_reading (list))
    wait_for_read (&watch.n_reads);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  assert_row (model, 2, companies_company_get_uuid (epsilon), "Gamma Three");

  g_signal_handlers_disconnect_by_data (model, &watch);
  g_signal_handlers_disconnect_by_data (list, &watch.n_reads);
  g_clear_object (&list);
  g_clear_object (&other);
  g_clear_object (&store);
  companies_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/company-list/local-id-taken-again", test_local_id_taken_again);

  return g_test_run ();
}
