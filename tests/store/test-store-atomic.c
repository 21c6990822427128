/* test-store-atomic.c: every ForSync action and every apply is one
 * transaction: a failure at any point (bad input, or a failure forced by a
 * trigger at the very end) leaves the file byte-identical, as a second
 * connection sees it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "store-test-util.h"

/* Adds a trigger through a raw connection of the test's own: the store's
 * cached statements see the schema change and are prepared again. */
static void
add_trigger (const char *path,
             const char *sql)
{
  sqlite3 *db = test_raw_open (path);

  test_raw_exec (db, sql);
  sqlite3_close (db);
}

static void
drop_trigger (const char *path)
{
  add_trigger (path, "DROP TRIGGER sabotage");
}

/* The state as another connection (a second CompaniesLocalStore) sees it. */
static char *
observed_state (const char *path)
{
  g_autoptr(GError) error = NULL;
  CompaniesLocalStore *observer = companies_local_store_open (path, &error);
  g_autoptr(GPtrArray) all = NULL;
  CompaniesStoreStatus status = { 0, };
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  all = companies_local_store_list (observer, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (companies_local_store_get_status (observer, &status, &error));
  for (guint i = 0; i < all->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (all, i);

      g_string_append_printf (out, "%s %s %d%d%d %x\n", companies_company_get_uuid (company),
                              companies_company_get_name (company),
                              companies_company_get_is_from_server (company),
                              companies_company_get_is_modified (company),
                              companies_company_get_is_active (company),
                              companies_company_get_changed_fields (company));
    }
  g_string_append_printf (out, "%u %u %u %u %u\n", status.pending_added, status.pending_updated,
                          status.pending_deleted, status.rejected, status.active);
  g_clear_pointer (&all, g_ptr_array_unref);
  g_assert_finalize_object (observer);
  return g_string_free (out, FALSE);
}

typedef struct
{
  char *raw;
  char *observed;
} Snapshot;

static void
snapshot_take (Snapshot   *snapshot,
               const char *path)
{
  snapshot->raw = test_raw_dump (path);
  snapshot->observed = observed_state (path);
}

static void
snapshot_assert_unchanged (Snapshot   *snapshot,
                           const char *path)
{
  g_autofree char *raw = test_raw_dump (path);
  g_autofree char *observed = observed_state (path);

  g_assert_cmpstr (raw, ==, snapshot->raw);
  g_assert_cmpstr (observed, ==, snapshot->observed);
  g_clear_pointer (&snapshot->raw, g_free);
  g_clear_pointer (&snapshot->observed, g_free);
}

static void
test_failed_validation_changes_nothing (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 5, 2, "Acme");
  g_autoptr(GError) error = NULL;
  g_autofree char *long_city = g_strnfill (101, 'x');
  const char *values[COMPANIES_N_FIELDS] = { "Acme 2", NULL, NULL, NULL, NULL, NULL, "bad", NULL, NULL };
  const char *invalid_utf8[COMPANIES_N_FIELDS] = { "Acme \xff", NULL, };
  Snapshot snapshot = { NULL, };

  snapshot_take (&snapshot, fixture->path);

  /* The name is valid and comes first: it must not be half written. */
  g_assert_null (companies_local_store_update_for_sync (fixture->store, "5",
                                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME) |
                                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_EMAIL),
                                                        values, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_clear_error (&error);

  values[COMPANIES_FIELD_EMAIL] = NULL;
  values[COMPANIES_FIELD_CITY] = long_city;
  g_assert_null (companies_local_store_update_for_sync (fixture->store, "5", COMPANIES_ALL_FIELDS,
                                                        values, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_clear_error (&error);

  g_assert_null (companies_local_store_create_for_sync (fixture->store, invalid_utf8, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);

  snapshot_assert_unchanged (&snapshot, fixture->path);
}

static void
test_forced_failure_create (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(TestValues) values = test_values ("Acme", -1);
  g_autoptr(GError) error = NULL;
  Snapshot snapshot = { NULL, };

  g_object_unref (test_create (fixture->store, "Before"));
  /* Fails after the change counter was bumped and the row inserted. */
  add_trigger (fixture->path,
               "CREATE TRIGGER sabotage AFTER INSERT ON companies"
               " BEGIN SELECT RAISE (ABORT, 'forced failure'); END");
  snapshot_take (&snapshot, fixture->path);

  g_assert_null (companies_local_store_create_for_sync (fixture->store, values, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED);
  snapshot_assert_unchanged (&snapshot, fixture->path);

  /* The connection is usable afterwards. */
  drop_trigger (fixture->path);
  g_object_unref (test_create (fixture->store, "After"));
}

static void
test_forced_failure_update_and_delete (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 5, 2, "Acme");
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Local");
  g_autoptr(TestValues) values = test_values (NULL, COMPANIES_FIELD_CITY, "Faro", -1);
  g_autoptr(GError) error = NULL;
  Snapshot snapshot = { NULL, };

  add_trigger (fixture->path,
               "CREATE TRIGGER sabotage AFTER UPDATE ON companies"
               " BEGIN SELECT RAISE (ABORT, 'forced failure'); END;");
  snapshot_take (&snapshot, fixture->path);

  g_assert_null (companies_local_store_update_for_sync (fixture->store, "5",
                                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                                                        values, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (companies_local_store_delete_for_sync (fixture->store, "5", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  snapshot_assert_unchanged (&snapshot, fixture->path);
  drop_trigger (fixture->path);

  /* A never-synced row is removed: fail that instead. */
  add_trigger (fixture->path,
               "CREATE TRIGGER sabotage AFTER DELETE ON companies"
               " BEGIN SELECT RAISE (ABORT, 'forced failure'); END;");
  snapshot_take (&snapshot, fixture->path);
  g_assert_false (companies_local_store_delete_for_sync (fixture->store,
                                                         companies_company_get_uuid (local), &error));
  g_assert_nonnull (error);
  snapshot_assert_unchanged (&snapshot, fixture->path);
  drop_trigger (fixture->path);
}

static void
test_forced_failure_apply (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(CompaniesCompany) kept = test_server_record (fixture->store, 1, 1, "Kept");
  g_autoptr(CompaniesCompany) doomed = test_server_record (fixture->store, 2, 2, "Doomed");
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Local");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesSyncResponse) response = test_response ("next", FALSE, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *new_uuid = g_uuid_string_random ();
  g_autofree char *cursor = NULL;
  Snapshot snapshot = { NULL, };

  /* Every part of an apply, and the overwritten notice last of all. */
  test_add_company (response, 10, companies_company_get_uuid (local), 3, "Local");
  test_add_company (response, 11, new_uuid, 4, "New");
  test_add_company (response, 1, companies_company_get_uuid (kept), 5, "Kept renamed");
  test_add_tombstone (response, 2, companies_company_get_uuid (doomed), 6);
  test_add_overwritten (response, 1, COMPANIES_FIELD_NAME, "Kept", 1);

  add_trigger (fixture->path,
               "CREATE TRIGGER sabotage AFTER INSERT ON notices"
               " BEGIN SELECT RAISE (ABORT, 'forced failure'); END;");
  snapshot_take (&snapshot, fixture->path);

  g_assert_false (companies_local_store_apply_response (fixture->store, batch, response, NULL, &error));
  g_assert_nonnull (error);
  snapshot_assert_unchanged (&snapshot, fixture->path);
  g_clear_error (&error);

  /* Without the sabotage the same response applies in full. */
  drop_trigger (fixture->path);
  test_apply (fixture->store, batch, response);
  g_assert_true (companies_local_store_dup_cursor (fixture->store, &cursor, &error));
  g_assert_cmpstr (cursor, ==, "next");
  {
    g_autoptr(GPtrArray) all = companies_local_store_list (fixture->store, TRUE, &error);

    g_assert_cmpuint (all->len, ==, 3);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store/atomic/failed-validation", test_failed_validation_changes_nothing);
  store_test_add ("/store/atomic/forced-failure-create", test_forced_failure_create);
  store_test_add ("/store/atomic/forced-failure-update-delete", test_forced_failure_update_and_delete);
  store_test_add ("/store/atomic/forced-failure-apply", test_forced_failure_apply);

  return g_test_run ();
}
