/* test-store-push-bulk.c: the statements of a bulk push that handle many
 * rows at once: the sent mark over a batch's local_seq range and the
 * adoption of the answer's echoes (docs/sync-1m.md, round 8). They must
 * leave each row as the record by record path did.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "companies-push-batch.h"
#include "companies-store-counts.h"
#include "store-test-util.h"

/* The kept counts equal a count of the rows. */
static void
assert_counts_kept (const char *path)
{
  sqlite3 *db = test_raw_open (path);
  sqlite3_stmt *kept = NULL;
  sqlite3_stmt *scan = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, COMPANIES_COUNTS_READ_SQL, -1, &kept, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, COMPANIES_COUNTS_SCAN_SQL, -1, &scan, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (kept), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_step (scan), ==, SQLITE_ROW);
  for (int i = 0; i < sqlite3_column_count (scan); i++)
    g_assert_cmpint (sqlite3_column_int64 (kept, i), ==, sqlite3_column_int64 (scan, i));
  sqlite3_finalize (kept);
  sqlite3_finalize (scan);
  sqlite3_close (db);
}

/* A request with changes asks for a page as large as its push (5000 at
 * least), so that the page holds the records just pushed; one without
 * asks for the largest page, 10000: an initial sync of a million
 * companies then commits 100 pages, not 200 (docs/protocol.md,
 * "Paging"). */
static void
test_page_limit (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(CompaniesPushBatch) pull = NULL;
  g_autoptr(CompaniesPushBatch) push = NULL;
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(GError) error = NULL;
  gint64 counter = 0;

  g_assert_true (companies_local_store_get_change_counter (fixture->store, &counter, &error));
  pull = companies_local_store_build_push_batch (fixture->store, counter, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pull->n_changes, ==, 0);
  g_assert_cmpuint (pull->request->limit, ==, COMPANIES_MAX_LIMIT);

  company = test_create (fixture->store, "Acme");
  g_assert_true (companies_local_store_get_change_counter (fixture->store, &counter, &error));
  push = companies_local_store_build_push_batch (fixture->store, counter, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (push->n_changes, ==, 1);
  g_assert_cmpuint (push->request->limit, ==, COMPANIES_DEFAULT_LIMIT);
}

/* Rows in the middle of the batch's range that the batch left out (in
 * flight with an earlier batch of the pipeline, and since unmarked) are
 * not marked sent by the statement over the range. */
static void
test_range_mark_skips_rows_not_read (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  g_autoptr(CompaniesCompany) first = test_create (fixture->store, "First");
  g_autoptr(CompaniesCompany) middle = test_create (fixture->store, "Middle");
  g_autoptr(CompaniesCompany) second = test_create (fixture->store, "Second middle");
  g_autoptr(CompaniesCompany) last = test_create (fixture->store, "Last");
  g_autoptr(GHashTable) exclude = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;

  g_hash_table_add (exclude, companies_push_batch_key (COMPANIES_CHANGE_ADD,
                                                       companies_company_get_uuid (middle)));
  g_hash_table_add (exclude, companies_push_batch_key (COMPANIES_CHANGE_ADD,
                                                       companies_company_get_uuid (second)));
  batch = test_build_batch (fixture->store, exclude);
  g_assert_cmpuint (batch->request->added->len, ==, 2);
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (first)), ==, 1);
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (middle)), ==, 0);
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (second)), ==, 0);
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (last)), ==, 1);

  /* Their own first send marks them. */
  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->added->len, ==, 4);
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (middle)), ==, 1);
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (second)), ==, 1);
  g_assert_cmpuint (test_sent_changed (fixture->path, companies_company_get_uuid (middle)), ==, 0);
}

/* A batch built with the span of the batch in flight: every key of
 * @in_flight is left out, as CompaniesSyncInFlight does. */
static CompaniesPushBatch *
build_skipping (StoreFixture       *fixture,
                guint               max_changes,
                GHashTable         *in_flight_keys,
                CompaniesPushBatch *in_flight)
{
  g_autoptr(GError) error = NULL;
  CompaniesPushBatch *batch;
  GHashTableIter iter;
  gpointer key, value;
  gint64 counter = 0;

  g_assert_true (companies_local_store_get_change_counter (fixture->store, &counter, &error));
  batch = companies_local_store_build_push_batch_skipping (fixture->store, counter, max_changes,
                                                           in_flight_keys,
                                                           in_flight != NULL ? &in_flight->added_range : NULL,
                                                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);

  g_hash_table_iter_init (&iter, batch->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_add (in_flight_keys,
                      companies_push_batch_key (((CompaniesPushedRecord *) value)->kind, key));
  return batch;
}

static char *
added_uuids (CompaniesPushBatch *batch)
{
  GString *uuids = g_string_new (NULL);

  for (guint i = 0; i < batch->request->added->len; i++)
    {
      const CompaniesChange *change = g_ptr_array_index (batch->request->added, i);

      g_string_append_printf (uuids, "%s%s", i > 0 ? "," : "", change->uuid);
    }

  return g_string_free (uuids, FALSE);
}

static void
assert_pushes_only_addition (CompaniesPushBatch *batch,
                             CompaniesCompany   *company)
{
  const CompaniesChange *added;

  g_assert_cmpuint (batch->request->added->len, ==, 1);
  added = g_ptr_array_index (batch->request->added, 0);
  g_assert_cmpstr (added->uuid, ==, companies_company_get_uuid (company));
}

/* The next batch, read while one is in flight, skips that batch's span
 * and takes the same additions as when it reads them all. */
static void
test_skip_in_flight (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) keys_again = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(CompaniesPushBatch) first = NULL;
  g_autoptr(CompaniesPushBatch) skipping = NULL;
  g_autoptr(CompaniesPushBatch) reading = NULL;
  g_autofree char *skipped_uuids = NULL;
  g_autofree char *read_uuids = NULL;
  const char *names[] = { "A", "B", "C", "D", "E", "F", "G" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_object_unref (test_create (fixture->store, names[i]));

  first = build_skipping (fixture, 3, keys, NULL);
  g_assert_cmpuint (first->added_range.count, ==, 3);
  g_assert_cmpint (first->added_range.hi - first->added_range.lo, ==, 2);

  skipping = build_skipping (fixture, 3, keys, first);
  for (guint i = 0; i < first->request->added->len; i++)
    g_hash_table_add (keys_again,
                      companies_push_batch_key (COMPANIES_CHANGE_ADD,
                                                ((CompaniesChange *) g_ptr_array_index (first->request->added, i))->uuid));
  reading = build_skipping (fixture, 3, keys_again, NULL);

  skipped_uuids = added_uuids (skipping);
  read_uuids = added_uuids (reading);
  g_assert_cmpuint (skipping->request->added->len, ==, 3);
  g_assert_cmpstr (skipped_uuids, ==, read_uuids);
  g_assert_cmpint (skipping->added_range.lo, >, first->added_range.hi);
}

/* A row made an addition again by an answer (its id unknown to the
 * server), with a local_seq inside the span of the batch in flight, is
 * pushed, even when the span holds as many rows as before (one of the
 * batch's went: adopted). */
static void
test_skip_not_after_reentry (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(CompaniesCompany) server = test_server_record (fixture->store, 7, 1, "Server");
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "A");
  g_autoptr(CompaniesCompany) b = NULL;
  g_autoptr(CompaniesCompany) c = NULL;
  g_autoptr(CompaniesPushBatch) first = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c2", FALSE, FALSE);

  test_set_field (fixture->store, "7", COMPANIES_FIELD_CITY, "Porto");
  b = test_create (fixture->store, "B");
  c = test_create (fixture->store, "C");

  first = build_skipping (fixture, 10, keys, NULL);
  g_assert_cmpuint (first->request->added->len, ==, 3);
  g_assert_cmpuint (first->request->updated->len, ==, 1);
  g_assert_cmpuint (first->added_range.count, ==, 3);

  test_add_company (response, 20, companies_company_get_uuid (a), 2, "A");
  test_add_rejected (response, NULL, 7, COMPANIES_REJECT_NOT_FOUND, NULL, "Gone");
  test_apply (fixture->store, first, response);

  next = build_skipping (fixture, 10, keys, first);
  assert_pushes_only_addition (next, server);
}

/* The same made by another connection to the file (another program's
 * sync), which this store's count of re-entries does not see: the span
 * then holds one row more than its batch read, and is read. */
static void
test_skip_not_after_reentry_elsewhere (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(CompaniesCompany) server = test_server_record (fixture->store, 7, 1, "Server");
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "A");
  g_autoptr(CompaniesCompany) b = NULL;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(CompaniesPushBatch) first = NULL;
  g_autoptr(CompaniesPushBatch) others = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c2", FALSE, FALSE);
  g_autoptr(GError) error = NULL;

  test_set_field (fixture->store, "7", COMPANIES_FIELD_CITY, "Porto");
  b = test_create (fixture->store, "B");

  first = build_skipping (fixture, 10, keys, NULL);
  g_assert_cmpuint (first->added_range.count, ==, 2);

  other = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  others = test_build_batch (other, NULL);
  test_add_rejected (response, NULL, 7, COMPANIES_REJECT_NOT_FOUND, NULL, "Gone");
  test_apply (other, others, response);

  next = build_skipping (fixture, 10, keys, first);
  assert_pushes_only_addition (next, server);
}

/* An answer to four additions: two echoed as sent are adopted at once;
 * one edited while the request was out keeps its edit pending; one the
 * server holds with other values takes them. */
static void
test_bulk_adopt (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "A");
  g_autoptr(CompaniesCompany) edited = test_create (fixture->store, "Edited");
  g_autoptr(CompaniesCompany) other = test_create (fixture->store, "Other");
  g_autoptr(CompaniesCompany) d = test_create (fixture->store, "D");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesSyncResponse) response = test_response ("c4", FALSE, FALSE);
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesCompany) after = NULL;

  g_assert_cmpuint (batch->request->added->len, ==, 4);
  test_set_field (fixture->store, companies_company_get_uuid (edited), COMPANIES_FIELD_CITY, "Braga");

  test_add_company (response, 11, companies_company_get_uuid (a), 1, "A");
  test_add_company (response, 12, companies_company_get_uuid (edited), 2, "Edited");
  test_add_company (response, 13, companies_company_get_uuid (other), 3, "Theirs");
  test_add_company (response, 14, companies_company_get_uuid (d), 4, "D");
  test_apply (fixture->store, batch, response);

  after = test_lookup (fixture->store, companies_company_get_uuid (a));
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_false (companies_company_get_is_modified (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 11);
  g_assert_cmpint (companies_company_get_version (after), ==, 1);
  g_assert_cmpint (test_base_version (fixture->path, companies_company_get_uuid (a)), ==, 1);
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (a)), ==, 0);
  g_clear_object (&after);

  after = test_lookup (fixture->store, companies_company_get_uuid (d));
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 14);
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, 0);
  g_clear_object (&after);

  /* The edit made while the request was out stays, pending. */
  after = test_lookup (fixture->store, companies_company_get_uuid (edited));
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 12);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Braga");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==,
                    COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
  g_clear_object (&after);

  after = test_lookup (fixture->store, companies_company_get_uuid (other));
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_false (companies_company_get_is_modified (after));
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_NAME), ==, "Theirs");
  g_clear_object (&after);

  assert_counts_kept (fixture->path);
  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->added->len, ==, 0);
  g_assert_cmpuint (next->request->updated->len, ==, 1);
}

/* @n additions, all echoed as sent, of rows unchanged since: the server
 * gives the i-th id 31 + @id_step * i and version 7 + @id_step * i. */
static void
assert_all_adopted (StoreFixture *fixture,
                    guint         n,
                    gint64        id_step)
{
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c3", FALSE, FALSE);
  g_autoptr(CompaniesPushBatch) next = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Company %u", i);

      g_ptr_array_add (created, test_create (fixture->store, name));
    }
  batch = test_build_batch (fixture->store, NULL);
  for (guint i = 0; i < n; i++)
    {
      const char *uuid = companies_company_get_uuid (g_ptr_array_index (created, i));
      g_autofree char *name = g_strdup_printf ("Company %u", i);

      g_assert_cmpint (test_add_sent (fixture->path, uuid), ==, 1);
      test_add_company (response, 31 + id_step * i, uuid, 7 + id_step * i, name);
    }
  test_apply (fixture->store, batch, response);

  for (guint i = 0; i < n; i++)
    {
      const char *uuid = companies_company_get_uuid (g_ptr_array_index (created, i));
      g_autoptr(CompaniesCompany) after = test_lookup (fixture->store, uuid);

      g_assert_true (companies_company_get_is_from_server (after));
      g_assert_false (companies_company_get_is_modified (after));
      g_assert_cmpint (companies_company_get_id (after), ==, 31 + id_step * i);
      g_assert_cmpint (companies_company_get_version (after), ==, 7 + id_step * i);
      g_assert_cmpint (test_base_version (fixture->path, uuid), ==, 7 + id_step * i);
      g_assert_cmpint (test_add_sent (fixture->path, uuid), ==, 0);
    }
  assert_counts_kept (fixture->path);
  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->n_changes, ==, 0);
}

/* An answer whose echoes are all as sent, of rows unchanged since, with
 * ids and versions that grow with the rows: one statement a run adopts
 * them, without reading them back (docs/sync-1m.md, round 11), and the
 * kept counts follow. */
static void
test_bulk_adopt_runs (StoreFixture  *fixture,
                      gconstpointer  data)
{
  assert_all_adopted (fixture, 3, 1);
}

/* The same with ids that make a run a row, more runs than the statement
 * a run takes: one statement over the JSON list adopts them all. */
static void
test_bulk_adopt_scattered_ids (StoreFixture  *fixture,
                               gconstpointer  data)
{
  assert_all_adopted (fixture, 70, 2);
}

/* A row holds the id the server now gives one of our additions (it came
 * from another server database): the answer is taken record by record,
 * which evicts that row first. */
static void
test_bulk_adopt_stale_id (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(CompaniesCompany) stale = test_server_record (fixture->store, 21, 1, "Stale");
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "A");
  g_autoptr(CompaniesCompany) b = test_create (fixture->store, "B");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesSyncResponse) response = test_response ("c2", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;

  test_add_company (response, 21, companies_company_get_uuid (a), 5, "A");
  test_add_company (response, 22, companies_company_get_uuid (b), 6, "B");
  test_apply (fixture->store, batch, response);

  test_assert_gone (fixture->store, companies_company_get_uuid (stale));
  after = test_lookup (fixture->store, companies_company_get_uuid (a));
  g_assert_cmpint (companies_company_get_id (after), ==, 21);
  g_assert_false (companies_company_get_is_modified (after));
  g_clear_object (&after);
  after = test_lookup (fixture->store, companies_company_get_uuid (b));
  g_assert_cmpint (companies_company_get_id (after), ==, 22);
  assert_counts_kept (fixture->path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store/push/page-limit", test_page_limit);
  store_test_add ("/store/push/range-mark-skips-rows-not-read", test_range_mark_skips_rows_not_read);
  store_test_add ("/store/push/skip-in-flight", test_skip_in_flight);
  store_test_add ("/store/push/skip-not-after-reentry", test_skip_not_after_reentry);
  store_test_add ("/store/push/skip-not-after-reentry-elsewhere",
                  test_skip_not_after_reentry_elsewhere);
  store_test_add ("/store/push/bulk-adopt", test_bulk_adopt);
  store_test_add ("/store/push/bulk-adopt-stale-id", test_bulk_adopt_stale_id);
  store_test_add ("/store/push/bulk-adopt-runs", test_bulk_adopt_runs);
  store_test_add ("/store/push/bulk-adopt-scattered-ids", test_bulk_adopt_scattered_ids);

  return g_test_run ();
}
