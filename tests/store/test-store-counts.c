/* test-store-counts.c: the status counts come from the row count that
 * triggers keep (schema version 4), not from a walk of the table: the
 * count follows every write path (create, import, delete, the server's
 * tombstones, a rollback); a file of version 3 gets it when opened; and a
 * process killed in the middle of that migration leaves the file at
 * version 3, which the next open migrates (companies-cli, killed by the
 * test-only COMPANIES_TEST_CRASH_AT hook).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store-counts"

#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include "store-test-util.h"

/* Each count kept by the triggers equals the count of its filter, and
 * the status's active count equals the listed rows counted by hand. */
static void
assert_counts (StoreFixture *fixture,
               guint         expected_active)
{
  g_autoptr(CompaniesPushBatch) batch = NULL;
  CompaniesStoreStatus status;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = test_raw_open (fixture->path);

  static const char * const kept[][2] = {
    { "n", "1" },
    { "added", "is_from_server = 0 AND is_active = 1" },
    { "updated", "is_modified = 1 AND is_from_server = 1 AND is_active = 1" },
    { "inactive", "is_active = 0" },
    { "rejected", "rejection_code IS NOT NULL" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autofree char *count = g_strdup_printf ("SELECT %s FROM companies_count", kept[i][0]);
      g_autofree char *truth = g_strdup_printf ("SELECT count(*) FROM companies WHERE %s", kept[i][1]);

      g_assert_cmpint (test_raw_int (db, count), ==, test_raw_int (db, truth));
    }
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM companies WHERE is_active = 1"), ==,
                   expected_active);
  sqlite3_close (db);

  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status.active, ==, expected_active);
}

static void
add_rows (CompaniesLocalStore *store,
          guint                n)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) test_values_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  /* test_values () keeps the name's pointer: @names holds them. */
  for (guint i = 0; i < n; i++)
    {
      char *name = g_strdup_printf ("Imported %u", i);

      g_ptr_array_add (names, name);
      g_ptr_array_add (rows, test_values (name, -1));
    }
  g_assert_true (companies_local_store_import_for_sync (store, rows, &error));
  g_assert_no_error (error);
}

static void
test_follows_writes (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = NULL;
  g_autoptr(CompaniesCompany) server = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func ((GDestroyNotify) test_values_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesPushBatch) batch = NULL;
  CompaniesStoreStatus status;

  assert_counts (fixture, 0);
  /* Changed, then refused by the server: in the updated and rejected
   * counts, then out of them again. */
  server = test_server_record (fixture->store, 8, 1, "Changed");
  test_set_field (fixture->store, "8", COMPANIES_FIELD_CITY, "Porto");
  assert_counts (fixture, 1);
  batch = test_build_batch (fixture->store, NULL);
  response = test_response ("c1", FALSE, FALSE);
  test_add_rejected (response, companies_company_get_uuid (server), 8, "invalid", "city", "No");
  test_apply (fixture->store, batch, response);
  g_clear_pointer (&response, companies_sync_response_free);
  assert_counts (fixture, 1);
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.rejected, ==, 1);
  g_assert_cmpuint (status.pending_updated, ==, 1);
  test_set_field (fixture->store, "8", COMPANIES_FIELD_CITY, "Braga");
  assert_counts (fixture, 1);
  g_clear_object (&server);

  add_rows (fixture->store, 25);
  local = test_create (fixture->store, "Local");
  server = test_server_record (fixture->store, 7, 1, "From the server");
  assert_counts (fixture, 28);

  /* A local addition deleted goes at once; a server record deleted
   * stays, inactive, until the push: listed no more either way. */
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, companies_company_get_uuid (local),
                                                        &error));
  g_assert_no_error (error);
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "7", &error));
  g_assert_no_error (error);
  assert_counts (fixture, 26);

  /* An import refused as a whole adds nothing, not even to the count. */
  g_ptr_array_add (bad, test_values ("Fine", -1));
  g_ptr_array_add (bad, test_values ("", -1));
  g_assert_false (companies_local_store_import_for_sync (fixture->store, bad, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  assert_counts (fixture, 26);

  /* The server's tombstone removes the row for good. */
  response = test_response ("c2", FALSE, FALSE);
  test_add_tombstone (response, 7, companies_company_get_uuid (server), 2);
  test_apply (fixture->store, NULL, response);
  assert_counts (fixture, 26);
}

/* Closes the store of @fixture and takes its file back to version 3. */
static void
downgrade_to_v3 (StoreFixture *fixture)
{
  sqlite3 *db;

  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  db = test_raw_open (fixture->path);
  test_raw_exec (db, TEST_DOWNGRADE_TO_V3_SQL);
  sqlite3_close (db);
}

static void
test_migrates_v3 (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  g_autoptr(CompaniesCompany) server = NULL;

  add_rows (fixture->store, 40);
  /* Deleted, not pushed yet: in the count, not listed. */
  server = test_server_record (fixture->store, 7, 1, "From the server");
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "7", &error));
  g_assert_no_error (error);
  downgrade_to_v3 (fixture);

  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  db = test_raw_open (fixture->path);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, COMPANIES_LOCAL_STORE_SCHEMA_VERSION);
  sqlite3_close (db);
  assert_counts (fixture, 40);

  /* And the triggers keep it from there on. */
  add_rows (fixture->store, 3);
  assert_counts (fixture, 43);
}

static void
test_crash_mid_migration (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  add_rows (fixture->store, 12);
  downgrade_to_v3 (fixture);

  /* A real crash: companies-cli kills itself (SIGKILL) with the
   * migration's writes made and not committed. */
  {
    const char *argv[] = { g_getenv ("COMPANIES_CLI"), "--database", fixture->path, "status", NULL };
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "COMPANIES_TEST_CRASH_AT", "mid-migrate", TRUE);
    int wait_status = 0;

    g_assert_nonnull (argv[0]);
    g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, NULL, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFSIGNALED (wait_status));
    g_assert_cmpint (WTERMSIG (wait_status), ==, SIGKILL);
  }

  /* Version 3 as it was: no half-made count. */
  db = test_raw_open (fixture->path);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, 3);
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'companies_count'"),
                   ==, 0);
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM companies"), ==, 12);
  sqlite3_close (db);

  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  assert_counts (fixture, 12);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store-counts/follows-writes", test_follows_writes);
  store_test_add ("/store-counts/migrates-v3", test_migrates_v3);
  store_test_add ("/store-counts/crash-mid-migration", test_crash_mid_migration);

  return g_test_run ();
}
