/* test-store-apply-removals.c: what the server's answers remove:
 * tombstones, pushed deletes, snapshot (reset) pages and records whose
 * id another record took.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "companies-local-store-view.h"
#include "store-test-util.h"

static void
test_tombstone_wins (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(CompaniesCompany) modified = test_server_record (fixture->store, 1, 1, "Modified");
  g_autoptr(CompaniesCompany) clean = test_server_record (fixture->store, 2, 2, "Clean");
  g_autoptr(CompaniesSyncResponse) response = test_response ("c9", FALSE, FALSE);

  test_set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Porto");
  test_add_tombstone (response, 1, companies_company_get_uuid (modified), 8);
  test_add_tombstone (response, 2, companies_company_get_uuid (clean), 9);
  test_apply (fixture->store, NULL, response);

  test_assert_gone (fixture->store, companies_company_get_uuid (modified));
  test_assert_gone (fixture->store, companies_company_get_uuid (clean));
}

static void
test_pushed_delete (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(CompaniesCompany) echoed = test_server_record (fixture->store, 1, 1, "Echoed");
  g_autoptr(CompaniesCompany) silent = test_server_record (fixture->store, 2, 2, "Silent");
  g_autoptr(CompaniesCompany) undone = test_server_record (fixture->store, 3, 3, "Undone");
  g_autoptr(CompaniesCompany) back = NULL;
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c4", FALSE, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "1", &error));
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "2", &error));
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "3", &error));
  batch = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (batch->request->deleted->len, ==, 3);

  /* Undone while the request is out (and the server did not answer with a
   * tombstone for it). */
  back = companies_local_store_undelete_for_sync (fixture->store, undone, &error);
  g_assert_no_error (error);

  test_add_tombstone (response, 1, companies_company_get_uuid (echoed), 5);
  test_apply (fixture->store, batch, response);

  test_assert_gone (fixture->store, companies_company_get_uuid (echoed));
  test_assert_gone (fixture->store, companies_company_get_uuid (silent));
  g_clear_object (&back);
  back = test_lookup (fixture->store, companies_company_get_uuid (undone));
  g_assert_true (companies_company_get_is_active (back));
}

static void
test_snapshot_pages (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(CompaniesCompany) s1 = test_server_record (fixture->store, 1, 1, "Seen first");
  g_autoptr(CompaniesCompany) s2 = test_server_record (fixture->store, 2, 2, "Seen second");
  g_autoptr(CompaniesCompany) s3 = test_server_record (fixture->store, 3, 3, "Not seen");
  g_autoptr(CompaniesCompany) s4 = test_server_record (fixture->store, 4, 4, "Modified");
  g_autoptr(CompaniesCompany) s5 = test_server_record (fixture->store, 5, 5, "Deleted here");
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Local");
  g_autoptr(CompaniesSyncResponse) page1 = test_response ("db.7.s", TRUE, TRUE);
  g_autoptr(CompaniesSyncResponse) page2 = test_response ("db.9", FALSE, TRUE);
  CompaniesApplyStats stats = { 0, };
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;

  test_set_field (fixture->store, "4", COMPANIES_FIELD_CITY, "Porto");
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "5", &error));

  test_add_company (page1, 1, companies_company_get_uuid (s1), 6, "Seen first");
  g_assert_true (companies_local_store_apply_response (fixture->store, NULL, page1, &stats, &error));
  g_assert_cmpuint (stats.removed, ==, 0);
  g_object_unref (test_lookup (fixture->store, companies_company_get_uuid (s3)));

  test_add_company (page2, 2, companies_company_get_uuid (s2), 7, "Seen second");
  g_assert_true (companies_local_store_apply_response (fixture->store, NULL, page2, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.removed, ==, 1);

  test_assert_gone (fixture->store, companies_company_get_uuid (s3));
  all = companies_local_store_list (fixture->store, TRUE, &error);
  g_assert_cmpuint (all->len, ==, 5);
  g_object_unref (test_lookup (fixture->store, companies_company_get_uuid (s1)));
  g_object_unref (test_lookup (fixture->store, "4"));
  g_object_unref (test_lookup (fixture->store, "5"));
  g_object_unref (test_lookup (fixture->store, companies_company_get_uuid (local)));
}

static void
test_snapshot_never_empties (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(CompaniesCompany) clean = test_server_record (fixture->store, 1, 1, "Clean");
  g_autoptr(CompaniesCompany) modified = test_server_record (fixture->store, 2, 2, "Modified");
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Local");
  g_autoptr(CompaniesSyncResponse) empty = test_response ("new.1", FALSE, TRUE);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;

  test_set_field (fixture->store, "2", COMPANIES_FIELD_PHONE, "+1");
  test_apply (fixture->store, NULL, empty);

  test_assert_gone (fixture->store, companies_company_get_uuid (clean));
  all = companies_local_store_list (fixture->store, TRUE, &error);
  g_assert_cmpuint (all->len, ==, 2);
}

static void
test_snapshot_abandoned (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(CompaniesCompany) s1 = test_server_record (fixture->store, 1, 1, "One");
  g_autoptr(CompaniesCompany) s2 = test_server_record (fixture->store, 2, 2, "Two");
  g_autoptr(CompaniesSyncResponse) page1 = test_response ("db.5.s", TRUE, TRUE);
  g_autoptr(CompaniesSyncResponse) plain = test_response ("db.6", FALSE, FALSE);
  g_autoptr(CompaniesSyncResponse) restart = test_response ("db.7.s", TRUE, TRUE);
  g_autoptr(CompaniesSyncResponse) last = test_response ("db.8", FALSE, TRUE);
  g_autoptr(CompaniesPushBatch) from_null = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  test_add_company (page1, 1, companies_company_get_uuid (s1), 3, "One");
  test_apply (fixture->store, NULL, page1);
  /* The server ends the sequence without a last reset page: nothing goes. */
  test_apply (fixture->store, NULL, plain);
  g_object_unref (test_lookup (fixture->store, "2"));

  /* A snapshot begun from a null cursor starts over: the marks of an
   * earlier sequence do not count. */
  test_apply (fixture->store, NULL, page1);
  db = test_raw_open (fixture->path);
  test_raw_exec (db, "UPDATE sync_state SET value = NULL WHERE key = 'cursor'");
  sqlite3_close (db);
  from_null = test_build_batch (fixture->store, NULL);
  g_assert_null (from_null->request->cursor);
  test_add_company (restart, 2, companies_company_get_uuid (s2), 4, "Two");
  test_apply (fixture->store, from_null, restart);
  test_apply (fixture->store, NULL, last);
  test_assert_gone (fixture->store, "1");
  g_object_unref (test_lookup (fixture->store, "2"));
}

static void
test_stale_id_evicted (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(CompaniesCompany) stale_clean = test_server_record (fixture->store, 7, 1, "Old seven");
  g_autoptr(CompaniesCompany) stale_modified = test_server_record (fixture->store, 8, 1, "Old eight");
  g_autoptr(CompaniesSyncResponse) response = test_response ("new.2", FALSE, FALSE);
  g_autoptr(CompaniesCompany) seven = NULL;
  g_autoptr(CompaniesCompany) eight = NULL;
  g_autoptr(CompaniesCompany) kept = NULL;
  g_autofree char *uuid7 = g_uuid_string_random ();
  g_autofree char *uuid8 = g_uuid_string_random ();

  test_set_field (fixture->store, "8", COMPANIES_FIELD_CITY, "Porto");
  test_add_company (response, 7, uuid7, 1, "New seven");
  test_add_company (response, 8, uuid8, 2, "New eight");
  test_apply (fixture->store, NULL, response);

  seven = test_lookup (fixture->store, "7");
  g_assert_cmpstr (companies_company_get_uuid (seven), ==, uuid7);
  test_assert_gone (fixture->store, companies_company_get_uuid (stale_clean));
  eight = test_lookup (fixture->store, "8");
  g_assert_cmpstr (companies_company_get_uuid (eight), ==, uuid8);
  kept = test_lookup (fixture->store, companies_company_get_uuid (stale_modified));
  g_assert_false (companies_company_get_is_from_server (kept));
  g_assert_cmpstr (companies_company_get_field (kept, COMPANIES_FIELD_CITY), ==, "Porto");
}

/* The SQL of the index @name in the file, or NULL when it is missing. */
static char *
index_sql (const char *path,
           const char *name)
{
  sqlite3 *db = test_raw_open (path);
  g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE name = '%s'", name);
  g_autofree char *sql_sql = g_strdup_printf ("SELECT sql FROM sqlite_schema WHERE name = '%s'", name);
  g_autofree char *sql = NULL;

  if (test_raw_int (db, count_sql) == 1)
    sql = test_raw_text (db, sql_sql);
  sqlite3_close (db);
  return g_steal_pointer (&sql);
}

static char *
name_index_sql (const char *path)
{
  return index_sql (path, "companies_name_idx");
}

/* Every index's definition, in name order. */
static char *
all_indexes_sql (const char *path)
{
  sqlite3 *db = test_raw_open (path);
  char *sql = test_raw_text (db, "SELECT group_concat (name || ': ' || ifnull (sql, ''), x'0a') FROM"
                                 " (SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name)");

  sqlite3_close (db);
  return sql;
}

/* A snapshot into an empty store builds its name index and the list's
 * sort and search indexes at its end, the same as the schema's (a
 * search meanwhile reads the table and finds what the pages brought);
 * one into a store holding records keeps them. Both ways the file is
 * sound and the records sorted by name. */
static void
test_snapshot_defers_index (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autofree char *schema_sql = name_index_sql (fixture->path);
  g_autofree char *schema_all = all_indexes_sql (fixture->path);
  g_autofree char *search_sql = index_sql (fixture->path, "companies_search_idx");
  g_autofree char *search_during = NULL;
  g_autofree char *key_during = NULL;
  g_autofree char *all_after = NULL;
  g_autoptr(CompaniesSyncResponse) page1 = test_response ("db.2.s", TRUE, TRUE);
  g_autoptr(CompaniesSyncResponse) page2 = test_response ("db.4", FALSE, TRUE);
  g_autoptr(CompaniesSyncResponse) again = test_response ("db.4.s", FALSE, TRUE);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;
  g_autofree char *after_again = NULL;
  const char *names[] = { "delta", "Bravo", "alpha", "Charlie" };

  g_assert_nonnull (schema_sql);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      test_add_company (i < 2 ? page1 : page2, i + 1, uuid, i + 1, names[i]);
    }

  test_apply (fixture->store, NULL, page1);
  during = name_index_sql (fixture->path);
  g_assert_null (during);
  key_during = index_sql (fixture->path, "companies_city_key_idx");
  g_assert_null (key_during);
  search_during = index_sql (fixture->path, "companies_search_idx");
  g_assert_nonnull (search_sql);
  g_assert_null (search_during);
  {
    CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };
    g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
    g_autoptr(GArray) visible = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));

    /* "bravo" folded: the second record of the first page. */
    g_assert_true (companies_local_store_read_list (fixture->store, &sort, "brav", order, visible,
                                                    NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (order->len, ==, 2);
    g_assert_cmpuint (visible->len, ==, 1);
  }
  list = companies_local_store_list (fixture->store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The builds sort with a small cache and helper threads; the
   * connection gets its own settings back. */
  {
    sqlite3 *db = companies_local_store_get_db (fixture->store);
    gint64 cache_before = 0;
    gint64 cache_after = 0;
    int threads_before = sqlite3_limit (db, SQLITE_LIMIT_WORKER_THREADS, -1);

    g_assert_true (companies_local_store_query_int (fixture->store, "PRAGMA cache_size", &cache_before, &error));
    test_apply (fixture->store, NULL, page2);
    g_assert_true (companies_local_store_query_int (fixture->store, "PRAGMA cache_size", &cache_after, &error));
    g_assert_no_error (error);
    g_assert_cmpint (cache_after, ==, cache_before);
    g_assert_cmpint (sqlite3_limit (db, SQLITE_LIMIT_WORKER_THREADS, -1), ==, threads_before);
  }
  after = name_index_sql (fixture->path);
  g_assert_cmpstr (after, ==, schema_sql);
  all_after = all_indexes_sql (fixture->path);
  g_assert_cmpstr (all_after, ==, schema_all);
  g_assert_true (companies_local_store_check_integrity (fixture->store, &error));
  g_assert_no_error (error);

  list = companies_local_store_list (fixture->store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (list, 0)), ==, "alpha");
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (list, 3)), ==, "delta");

  /* Into a store that holds records: the index stays all along. */
  test_add_company (again, 1, companies_company_get_uuid (g_ptr_array_index (list, 0)), 9, "alpha");
  test_apply (fixture->store, NULL, again);
  after_again = name_index_sql (fixture->path);
  g_assert_cmpstr (after_again, ==, schema_sql);
}

/* The end of a snapshot reads the table in order, not through one of
 * the list's partial indexes and a lookup a row (3.1 s against 0.26 s
 * at a million rows); the store as the schema makes it, every index
 * there. */
static void
test_remove_unseen_reads_table (StoreFixture  *fixture,
                                gconstpointer  data)
{
  sqlite3 *db = companies_local_store_get_db (fixture->store);
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN " COMPANIES_REMOVE_UNSEEN_SQL, NULL);
  g_autoptr(CompaniesCompany) company = test_create (fixture->store, "Acme");
  sqlite3_stmt *stmt = NULL;
  guint steps = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);

      g_test_message ("plan: %s", detail);
      g_assert_null (strstr (detail, "INDEX"));
      steps++;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (steps, >, 0);
}

/* A file whose first snapshot was cut short by an older build deferred
 * the name index alone, with no statements kept: the next apply builds
 * it in the schema's words. */
static void
test_deferred_index_of_older_build (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autofree char *schema_all = all_indexes_sql (fixture->path);
  g_autoptr(CompaniesSyncResponse) response = test_response ("db.3", FALSE, FALSE);
  g_autofree char *after = NULL;
  sqlite3 *db = test_raw_open (fixture->path);

  test_raw_exec (db, "DROP INDEX companies_name_idx;"
                     "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('indexes_deferred', 1)");
  sqlite3_close (db);

  test_add_company (response, 1, "9f0e0000-0000-4000-8000-000000000001", 1, "Only");
  test_apply (fixture->store, NULL, response);

  after = all_indexes_sql (fixture->path);
  g_assert_cmpstr (after, ==, schema_all);
}

/* A push of many additions (20,000, every row) drops the state index
 * when it builds a batch that sends 5000 or more for the first time,
 * keeps it dropped while additions wait for the server, and the end of
 * the sync run builds it again as the schema has it. A batch of fewer
 * first sends keeps it. */
static void
test_bulk_push_defers_state_index (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autofree char *schema_all = all_indexes_sql (fixture->path);
  g_autofree char *state_sql = index_sql (fixture->path, "companies_state_key_idx");
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(CompaniesPushBatch) small = NULL;
  g_autoptr(CompaniesPushBatch) large = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("db.3", FALSE, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *during = NULL;
  g_autofree char *after_apply = NULL;
  g_autofree char *after = NULL;
  gint64 counter = 0;
  gboolean deferred = TRUE;

  for (guint i = 0; i < 20000; i++)
    {
      char **values = g_new0 (char *, COMPANIES_N_FIELDS + 1);

      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        values[f] = g_strdup ("");
      g_free (values[COMPANIES_FIELD_NAME]);
      values[COMPANIES_FIELD_NAME] = g_strdup_printf ("Bulk %u", (i * 7919) % 20000);
      g_ptr_array_add (rows, values);
    }
  g_assert_true (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_no_error (error);
  g_assert_true (companies_local_store_get_change_counter (fixture->store, &counter, &error));

  small = companies_local_store_build_push_batch (fixture->store, counter, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (small->n_changes, ==, 1000);
  during = index_sql (fixture->path, "companies_state_key_idx");
  g_assert_cmpstr (during, ==, state_sql);
  g_clear_pointer (&during, g_free);

  large = companies_local_store_build_push_batch (fixture->store, counter, 10000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (large->n_changes, ==, 10000);
  during = index_sql (fixture->path, "companies_state_key_idx");
  g_assert_null (during);
  g_assert_true (companies_local_store_indexes_deferred (fixture->store, &deferred, &error));
  g_assert_true (deferred);

  /* An answer while additions still wait: the index stays away. */
  test_apply (fixture->store, NULL, response);
  after_apply = index_sql (fixture->path, "companies_state_key_idx");
  g_assert_null (after_apply);

  g_assert_true (companies_local_store_end_sync (fixture->store, &error));
  g_assert_no_error (error);
  after = all_indexes_sql (fixture->path);
  g_assert_cmpstr (after, ==, schema_all);
  g_assert_true (companies_local_store_indexes_deferred (fixture->store, &deferred, &error));
  g_assert_false (deferred);
  g_assert_true (companies_local_store_check_integrity (fixture->store, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store/apply/tombstone-wins", test_tombstone_wins);
  store_test_add ("/store/apply/pushed-delete", test_pushed_delete);
  store_test_add ("/store/apply/snapshot-pages", test_snapshot_pages);
  store_test_add ("/store/apply/snapshot-never-empties", test_snapshot_never_empties);
  store_test_add ("/store/apply/snapshot-abandoned", test_snapshot_abandoned);
  store_test_add ("/store/apply/stale-id-evicted", test_stale_id_evicted);
  store_test_add ("/store/apply/snapshot-defers-index", test_snapshot_defers_index);
  store_test_add ("/store/apply/remove-unseen-reads-table", test_remove_unseen_reads_table);
  store_test_add ("/store/apply/deferred-index-of-older-build", test_deferred_index_of_older_build);
  store_test_add ("/store/apply/bulk-push-defers-state-index", test_bulk_push_defers_state_index);

  return g_test_run ();
}
