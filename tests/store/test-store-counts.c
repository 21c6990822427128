/* test-store-counts.c: the counts the store keeps for `status`
 * (companies-store-counts.h) equal a count of the rows by brute force
 * after random edits, deletes, undeletes, imports and syncs with a real
 * companies-server (resets included), after hand-made responses that
 * refuse and adopt records, after a rolled-back import, and after the
 * upgrade of a file of schema version 5.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "companies-store-counts.h"
#include "companies-store-import.h"
#include "companies-sync-client.h"
#include "store-test-util.h"

/* The filters of docs/pattern.md, written out again rather than taken
 * from the store: rows, added, updated, inactive, refused. */
static const char * const brute_force_sql[COMPANIES_N_COUNTS] = {
  "SELECT count(*) FROM companies",
  "SELECT count(*) FROM companies WHERE is_from_server = 0 AND is_active = 1",
  "SELECT count(*) FROM companies WHERE is_modified = 1 AND is_from_server = 1 AND is_active = 1",
  "SELECT count(*) FROM companies WHERE is_active = 0",
  "SELECT count(*) FROM companies WHERE rejection_code IS NOT NULL",
};

/* The kept counts, the brute-force ones and the status all agree;
 * returns the number of rows. */
static gint64
assert_counts_exact (CompaniesLocalStore *store,
                     const char          *path)
{
  sqlite3 *db = test_raw_open (path);
  CompaniesStoreStatus status = { 0, };
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *kept = NULL;
  gint64 counts[COMPANIES_N_COUNTS];

  g_assert_cmpint (sqlite3_prepare_v2 (db, COMPANIES_COUNTS_READ_SQL, -1, &kept, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (kept), ==, SQLITE_ROW);
  for (guint i = 0; i < COMPANIES_N_COUNTS; i++)
    {
      counts[i] = test_raw_int (db, brute_force_sql[i]);
      if (sqlite3_column_int64 (kept, (int) i) != counts[i])
        g_error ("kept count %u is %" G_GINT64_FORMAT ", the rows say %" G_GINT64_FORMAT,
                 i, (gint64) sqlite3_column_int64 (kept, (int) i), counts[i]);
    }
  g_assert_cmpint (sqlite3_step (kept), ==, SQLITE_DONE);
  sqlite3_finalize (kept);
  sqlite3_close (db);

  g_assert_true (companies_local_store_get_status (store, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status.active, ==, counts[COMPANIES_COUNT_ROWS] - counts[COMPANIES_COUNT_INACTIVE]);
  g_assert_cmpint (status.pending_added, ==, counts[COMPANIES_COUNT_ADDED]);
  g_assert_cmpint (status.pending_updated, ==, counts[COMPANIES_COUNT_UPDATED]);
  g_assert_cmpint (status.pending_deleted, ==, counts[COMPANIES_COUNT_INACTIVE]);
  g_assert_cmpint (status.rejected, ==, counts[COMPANIES_COUNT_REJECTED]);

  return counts[COMPANIES_COUNT_ROWS];
}

/* The uuid of a random company of @store, deleted here or not, or NULL
 * when there is none. */
static char *
pick_uuid (CompaniesLocalStore *store,
           gboolean             deleted)
{
  g_autoptr(GPtrArray) companies = NULL;
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  companies = companies_local_store_list (store, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < companies->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (companies, i);

      if (companies_company_get_is_active (company) != deleted)
        g_ptr_array_add (matching, company);
    }

  if (matching->len == 0)
    return NULL;

  return g_strdup (companies_company_get_uuid (
    g_ptr_array_index (matching, g_test_rand_int_range (0, (gint32) matching->len))));
}

static void
random_update (CompaniesLocalStore *store)
{
  g_autofree char *uuid = pick_uuid (store, FALSE);
  g_autofree char *value = g_strdup_printf ("+%d", g_test_rand_int_range (0, 1000));

  if (uuid != NULL)
    test_set_field (store, uuid, g_test_rand_bit () ? COMPANIES_FIELD_PHONE : COMPANIES_FIELD_CITY, value);
}

static void
random_delete (CompaniesLocalStore *store)
{
  g_autofree char *uuid = pick_uuid (store, FALSE);
  g_autoptr(GError) error = NULL;

  if (uuid == NULL)
    return;
  g_assert_true (companies_local_store_delete_for_sync (store, uuid, &error));
  g_assert_no_error (error);
}

static void
random_undelete (CompaniesLocalStore *store)
{
  g_autofree char *uuid = pick_uuid (store, TRUE);
  g_autoptr(CompaniesCompany) gone = NULL;
  g_autoptr(CompaniesCompany) back = NULL;
  g_autoptr(GError) error = NULL;

  if (uuid == NULL)
    return;
  gone = test_lookup (store, uuid);
  back = companies_local_store_undelete_for_sync (store, gone, &error);
  g_assert_no_error (error);
}

static void
import_rows (CompaniesLocalStore *store,
             guint                n)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) test_values_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  /* The values point at the names, which live as long. */
  for (guint i = 0; i < n; i++)
    {
      char *name = g_strdup_printf ("Imported %u-%d", i, g_test_rand_int ());

      g_ptr_array_add (names, name);
      g_ptr_array_add (rows, test_values (name, COMPANIES_FIELD_CITY, "Braga", -1));
    }
  g_assert_true (companies_local_store_import_for_sync (store, rows, &error));
  g_assert_no_error (error);
}

static void
sync_path (const char *path,
           const char *url)
{
  g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (path, url, NULL);
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = companies_sync_client_sync (client, NULL, &error);
  g_assert_no_error (error);
}

/* A server that forgets its tombstones at each start: a client behind
 * them gets a reset snapshot (docs/protocol.md, "Tombstones"). */
static const char * const server_args[] = { "--tombstone-days", "0", NULL };

static void
test_counts_random_syncs (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *server_db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *path = g_build_filename (dir, "a", "companies.db", NULL);
  g_autofree char *path_b = g_build_filename (dir, "b", "companies.db", NULL);
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesLocalStore) store_b = NULL;
  g_autoptr(GError) error = NULL;
  guint syncs = 0, restarts = 0;

  server = companies_test_server_start (server_db, server_args, &error);
  g_assert_no_error (error);
  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  store_b = companies_local_store_open (path_b, &error);
  g_assert_no_error (error);

  for (guint step = 0; step < 300; step++)
    {
      const char *url = companies_test_server_get_url (server);

      switch (g_test_rand_int_range (0, 12))
        {
        case 0:
        case 1:
          g_object_unref (test_create (store, "Made here"));
          break;
        case 2:
        case 3:
          random_update (store);
          break;
        case 4:
          random_delete (store);
          break;
        case 5:
          random_undelete (store);
          break;
        case 6:
          import_rows (store, (guint) g_test_rand_int_range (1, 30));
          break;
        case 7:
        case 8:
          sync_path (path, url);
          syncs++;
          break;
        case 9:
          /* Another client's edits and deletes, for the next sync here. */
          g_object_unref (test_create (store_b, "Made elsewhere"));
          random_update (store_b);
          random_delete (store_b);
          sync_path (path_b, url);
          sync_path (path_b, url);
          break;
        case 10:
          random_update (store_b);
          random_delete (store_b);
          sync_path (path_b, url);
          break;
        default:
          /* The tombstones purged: the next sync of a client behind them
           * is a snapshot, whose end removes what it did not list. */
          companies_test_server_stop (server);
          g_clear_pointer (&server, companies_test_server_free);
          server = companies_test_server_start (server_db, server_args, &error);
          g_assert_no_error (error);
          restarts++;
          break;
        }

      assert_counts_exact (store, path);
      assert_counts_exact (store_b, path_b);
    }

  sync_path (path, companies_test_server_get_url (server));
  g_assert_cmpint (assert_counts_exact (store, path), >, 0);
  g_assert_cmpuint (syncs, >, 0);
  g_assert_cmpuint (restarts, >, 0);

  g_clear_object (&store);
  g_clear_object (&store_b);
  companies_test_server_stop (server);
  companies_test_remove_tree (dir);
}

/* Responses made by hand: refused records, a refused one edited again,
 * additions adopted as the server holds them, a reset's removals. */
static void
test_counts_responses (StoreFixture  *fixture,
                       gconstpointer  data)
{
  CompaniesLocalStore *store = fixture->store;
  g_autoptr(CompaniesCompany) added = test_create (store, "Refused here");
  g_autoptr(CompaniesCompany) synced = test_server_record (store, 7, 1, "From the server");
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesSyncResponse) refusals = NULL;
  g_autoptr(CompaniesSyncResponse) snapshot = NULL;

  test_set_field (store, "7", COMPANIES_FIELD_PHONE, "+1");
  assert_counts_exact (store, fixture->path);

  batch = test_build_batch (store, NULL);
  refusals = test_response ("c2", FALSE, FALSE);
  test_add_rejected (refusals, companies_company_get_uuid (added), 0,
                     COMPANIES_REJECT_INVALID_FIELD, "email", "email must contain one @");
  test_add_rejected (refusals, NULL, 7, COMPANIES_REJECT_INVALID_FIELD, "phone", "phone is too long");
  test_apply (store, batch, refusals);
  g_assert_cmpint (assert_counts_exact (store, fixture->path), ==, 2);

  /* Edited again: no longer refused. */
  test_set_field (store, "7", COMPANIES_FIELD_PHONE, "+2");
  assert_counts_exact (store, fixture->path);

  /* Our addition, sent and answered with the values we hold. */
  {
    g_auto(TestSentAddition) sent = test_sent_addition (store);

    test_add_company (sent.response, 20, sent.uuid, 1, "Acme");
    test_apply (store, sent.batch, sent.response);
    assert_counts_exact (store, fixture->path);
  }

  /* A snapshot that lists one record only: the from-server records it
   * does not list and that hold no local change go at its end. */
  g_object_unref (test_server_record (store, 8, 1, "Not listed"));
  g_object_unref (test_server_record (store, 9, 1, "Not listed either"));
  snapshot = test_response ("c9", FALSE, TRUE);
  test_add_company (snapshot, 30, "3a4e5b4c-3d1e-4f5a-8b6c-7d8e9f0a1b2c", 1, "Listed");
  test_apply (store, NULL, snapshot);
  test_assert_gone (store, "8");
  test_assert_gone (store, "9");
  assert_counts_exact (store, fixture->path);
}

/* An import rolled back leaves the counts as they were, and what it
 * noted does not reach the next commit. */
static void
test_counts_rollback (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(CompaniesStoreImport) import = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status = { 0, };

  g_object_unref (test_create (fixture->store, "Before"));

  import = companies_store_import_begin (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(TestValues) values = test_values ("Rolled back", -1);

      g_assert_true (companies_store_import_add (import, values, &error));
      g_assert_no_error (error);
    }
  g_clear_pointer (&import, companies_store_import_free);
  assert_counts_exact (fixture->store, fixture->path);

  g_object_unref (test_create (fixture->store, "After"));
  assert_counts_exact (fixture->store, fixture->path);
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.pending_added, ==, 2);
}

/* A large import (past the point where it drops and builds the indexes)
 * is counted once, at its commit. */
static void
test_counts_bulk_import (StoreFixture  *fixture,
                         gconstpointer  data)
{
  CompaniesStoreStatus status = { 0, };
  g_autoptr(GError) error = NULL;

  import_rows (fixture->store, 25000);
  g_assert_cmpint (assert_counts_exact (fixture->store, fixture->path), ==, 25000);
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.pending_added, ==, 25000);
}

/* A file of schema version 5 has no kept counts: the upgrade makes them
 * from its rows; and a file whose version is newer is refused. */
static void
test_counts_upgrade (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  import_rows (fixture->store, 40);
  random_delete (fixture->store);
  g_object_unref (test_server_record (fixture->store, 3, 1, "Synced"));
  g_object_unref (test_server_record (fixture->store, 4, 1, "Deleted"));
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "4", &error));
  g_assert_finalize_object (g_steal_pointer (&fixture->store));

  /* Back to version 5, with rows added behind the counts' back. */
  db = test_raw_open (fixture->path);
  test_raw_exec (db, "DROP TABLE companies_counts; DROP TABLE sent_spans;"
                     "UPDATE companies SET rejection_code = 'invalid_field' WHERE local_id % 3 = 0;"
                     "PRAGMA user_version = 5;");
  sqlite3_close (db);

  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  assert_counts_exact (fixture->store, fixture->path);
  db = test_raw_open (fixture->path);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, COMPANIES_LOCAL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (test_raw_int (db, "SELECT rejected FROM companies_counts"), >, 0);
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM sent_spans"), ==, 0);
  sqlite3_close (db);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));

  /* An older build meets a file of a newer version: refused, untouched. */
  db = test_raw_open (fixture->path);
  test_raw_exec (db, "PRAGMA user_version = 8;");
  sqlite3_close (db);
  g_assert_null (companies_local_store_open (fixture->path, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_TOO_NEW);
  db = test_raw_open (fixture->path);
  test_raw_exec (db, "PRAGMA user_version = 7;");
  sqlite3_close (db);
  g_clear_error (&error);
  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/counts/random-syncs", test_counts_random_syncs);
  store_test_add ("/store/counts/responses", test_counts_responses);
  store_test_add ("/store/counts/rollback", test_counts_rollback);
  store_test_add ("/store/counts/bulk-import", test_counts_bulk_import);
  store_test_add ("/store/counts/upgrade", test_counts_upgrade);

  return g_test_run ();
}
