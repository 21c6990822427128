/* test-store-apply.c: applying hand-built server responses to the
 * store's own pushes: a clean push, the in-flight rule (edits made while
 * the request is out), not_found, rejections and overwritten notices.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <string.h>

#include "companies-local-store-notices.h"
#include "store-test-util.h"

static void
test_clean_push (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_auto(TestSentAddition) sent = test_sent_addition (fixture->store);
  g_autoptr(CompaniesCompany) synced = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  CompaniesStoreStatus status = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  g_assert_cmpuint (sent.batch->n_changes, ==, 1);
  test_add_company (sent.response, 1, sent.uuid, 1, "Acme");
  test_apply (fixture->store, sent.batch, sent.response);

  synced = test_lookup (fixture->store, sent.uuid);
  g_assert_true (companies_company_get_is_from_server (synced));
  g_assert_false (companies_company_get_is_modified (synced));
  g_assert_true (companies_company_get_is_active (synced));
  g_assert_cmpint (companies_company_get_id (synced), ==, 1);
  g_assert_cmpint (companies_company_get_version (synced), ==, 1);
  g_assert_cmpuint (companies_company_get_changed_fields (synced), ==, 0);

  g_assert_true (companies_local_store_dup_cursor (fixture->store, &cursor, &error));
  g_assert_cmpstr (cursor, ==, "c1");
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpint (status.last_sync_time, >, 0);
  g_assert_cmpuint (status.pending_added + status.pending_updated + status.pending_deleted, ==, 0);

  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->n_changes, ==, 0);
}

static void
test_in_flight_other_field (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 1, 1, "Acme");
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c2", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  const char *uuid = companies_company_get_uuid (company);
  CompaniesRecord *record;
  CompaniesChange *change;

  test_set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Porto");
  batch = test_build_batch (fixture->store, NULL);
  /* Edited while the request is out. */
  test_set_field (fixture->store, "1", COMPANIES_FIELD_PHONE, "+351");

  record = test_add_company (response, 1, uuid, 2, "Acme");
  test_set_record_field (record, COMPANIES_FIELD_CITY, "Porto");
  test_apply (fixture->store, batch, response);

  after = test_lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Porto");
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_cmpint (companies_company_get_version (after), ==, 2);
  g_assert_cmpint (test_base_version (fixture->path, uuid), ==, 2);

  /* The newer edit goes out next, alone, from the version just seen. */
  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->updated->len, ==, 1);
  change = g_ptr_array_index (next->request->updated, 0);
  g_assert_cmpuint (change->field_mask, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_cmpint (change->base_version, ==, 2);
}

static void
test_in_flight_same_field (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 1, 1, "Acme");
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c2", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  const char *uuid = companies_company_get_uuid (company);
  CompaniesRecord *record;

  test_set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Porto");
  batch = test_build_batch (fixture->store, NULL);
  test_set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Braga");

  record = test_add_company (response, 1, uuid, 2, "Acme");
  test_set_record_field (record, COMPANIES_FIELD_CITY, "Porto");
  test_apply (fixture->store, batch, response);

  after = test_lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Braga");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
  g_assert_true (companies_company_get_is_modified (after));
}

static void
test_in_flight_addition (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_auto(TestSentAddition) sent = test_sent_addition (fixture->store);
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesCompany) after = NULL;
  CompaniesChange *change;

  test_set_field (fixture->store, sent.uuid, COMPANIES_FIELD_PHONE, "+351");
  test_add_company (sent.response, 9, sent.uuid, 3, "Acme");
  test_apply (fixture->store, sent.batch, sent.response);

  after = test_lookup (fixture->store, sent.uuid);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 9);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));

  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->added->len, ==, 0);
  g_assert_cmpuint (next->request->updated->len, ==, 1);
  change = g_ptr_array_index (next->request->updated, 0);
  g_assert_cmpint (change->id, ==, 9);
  g_assert_cmpint (change->base_version, ==, 3);
  g_assert_cmpstr (change->values[COMPANIES_FIELD_PHONE], ==, "+351");
}

static void
test_pending_record_in_page (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 1, 1, "Acme");
  g_autoptr(CompaniesSyncResponse) response = test_response ("c5", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  const char *uuid = companies_company_get_uuid (company);
  CompaniesRecord *record;

  /* Changed here, not pushed (made after the sync began); another client
   * renamed it on the server meanwhile. */
  test_set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Mine");
  record = test_add_company (response, 1, uuid, 5, "Renamed elsewhere");
  test_set_record_field (record, COMPANIES_FIELD_CITY, "Theirs");
  test_apply (fixture->store, NULL, response);

  after = test_lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_name (after), ==, "Renamed elsewhere");
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Mine");
  g_assert_cmpint (companies_company_get_version (after), ==, 5);
  g_assert_true (companies_company_get_is_modified (after));
  /* Not pushed: the change set still starts from the version it began at. */
  g_assert_cmpint (test_base_version (fixture->path, uuid), ==, 1);
}

static void
test_not_found_becomes_addition (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 5, 4, "Acme");
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("other.1", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(GHashTable) exclude = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid = companies_company_get_uuid (company);
  CompaniesChange *change;

  test_set_field (fixture->store, "5", COMPANIES_FIELD_CITY, "Porto");
  batch = test_build_batch (fixture->store, NULL);
  test_add_rejected (response, NULL, 5, COMPANIES_REJECT_NOT_FOUND, NULL, "No such company");
  test_apply (fixture->store, batch, response);

  after = test_lookup (fixture->store, uuid);
  g_assert_false (companies_company_get_is_from_server (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 0);
  g_assert_cmpint (companies_company_get_version (after), ==, 0);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_true (companies_company_get_is_active (after));
  g_assert_null (companies_company_get_rejection_code (after));
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Porto");
  added = companies_local_store_list_added (fixture->store, &error);
  g_assert_cmpuint (added->len, ==, 1);

  /* Within the same sync it goes out again, as an addition. */
  g_hash_table_add (exclude, companies_push_batch_key (COMPANIES_CHANGE_UPDATE, uuid));
  next = test_build_batch (fixture->store, exclude);
  g_assert_cmpuint (next->request->added->len, ==, 1);
  change = g_ptr_array_index (next->request->added, 0);
  g_assert_cmpstr (change->uuid, ==, uuid);
  g_assert_cmpstr (change->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpstr (change->values[COMPANIES_FIELD_CITY], ==, "Porto");
}

static void
test_rejected_until_edited (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesCompany) other = test_create (fixture->store, "Other");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) skipped = NULL;
  g_autoptr(CompaniesPushBatch) edited = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(CompaniesCompany) after_other = NULL;
  g_autoptr(CompaniesCompany) fixed = NULL;
  const char *uuid = companies_company_get_uuid (local);
  const char *other_uuid = companies_company_get_uuid (other);

  /* "Other" is edited while the request is out: its rejection concerns
   * values it no longer has, so it is not marked. */
  test_set_field (fixture->store, other_uuid, COMPANIES_FIELD_CITY, "Faro");
  test_add_rejected (response, uuid, 0, COMPANIES_REJECT_INVALID_FIELD, "email", "email must contain one @");
  test_add_rejected (response, other_uuid, 0, COMPANIES_REJECT_INVALID_FIELD, "email", "email must contain one @");
  test_apply (fixture->store, batch, response);

  after = test_lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_rejection_code (after), ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (companies_company_get_rejection_field (after), ==, "email");
  g_assert_cmpstr (companies_company_get_rejection_message (after), ==, "email must contain one @");
  g_assert_cmpint (companies_company_get_sync_state (after), ==, COMPANIES_SYNC_STATE_REJECTED);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_false (companies_company_get_is_from_server (after));
  after_other = test_lookup (fixture->store, other_uuid);
  g_assert_null (companies_company_get_rejection_code (after_other));

  skipped = test_build_batch (fixture->store, NULL);
  g_assert_false (g_hash_table_contains (skipped->pushed, uuid));
  g_assert_true (g_hash_table_contains (skipped->pushed, other_uuid));

  test_set_field (fixture->store, uuid, COMPANIES_FIELD_EMAIL, "info@acme.example");
  fixed = test_lookup (fixture->store, uuid);
  g_assert_null (companies_company_get_rejection_code (fixed));
  edited = test_build_batch (fixture->store, NULL);
  g_assert_true (g_hash_table_contains (edited->pushed, uuid));
}

static void
test_rejected_update_echoed (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 3, 2, "Acme");
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c3", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  const char *uuid = companies_company_get_uuid (company);

  test_set_field (fixture->store, "3", COMPANIES_FIELD_PHONE, "+1");
  batch = test_build_batch (fixture->store, NULL);
  test_add_rejected (response, uuid, 3, COMPANIES_REJECT_INVALID_FIELD, "phone", "bad phone");
  test_add_company (response, 3, uuid, 2, "Acme");
  test_apply (fixture->store, batch, response);

  after = test_lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+1");
  g_assert_cmpstr (companies_company_get_rejection_code (after), ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_true (companies_company_get_is_modified (after));
}

static void
test_overwritten_notices (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 1, 1, "Acme");
  g_autoptr(CompaniesSyncResponse) response = test_response ("c2", FALSE, FALSE);
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status;
  CompaniesNotice *notice;

  test_add_overwritten (response, 1, COMPANIES_FIELD_PHONE, "+351 22 111", 3);
  test_add_overwritten (response, 1, COMPANIES_FIELD_CITY, "Braga", 4);
  test_apply (fixture->store, NULL, response);

  notices = companies_local_store_list_notices (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notices->len, ==, 2);
  notice = g_ptr_array_index (notices, 0);  /* newest first */
  g_assert_cmpint (notice->kind, ==, COMPANIES_NOTICE_OVERWRITTEN);
  g_assert_false (notice->replaced);
  g_assert_cmpint (notice->field, ==, COMPANIES_FIELD_CITY);
  g_assert_cmpstr (notice->lost, ==, "Braga");
  g_assert_cmpint (notice->lost_version, ==, 4);
  g_assert_cmpint (notice->id, ==, 1);
  g_assert_cmpstr (notice->uuid, ==, companies_company_get_uuid (company));
  g_assert_cmpstr (notice->company_name, ==, "Acme");
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.overwritten, ==, 2);

  g_assert_true (companies_local_store_dismiss_notice (fixture->store, notice->notice_id, &error));
  g_assert_no_error (error);
  after = companies_local_store_list_notices (fixture->store, &error);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpint (((CompaniesNotice *) g_ptr_array_index (after, 0))->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.overwritten, ==, 1);
}

static CompaniesReplaced *
add_replaced (CompaniesSyncResponse *response,
              const char            *uuid,
              const char            *current,
              gint64                 current_version)
{
  CompaniesReplaced *replaced = companies_replaced_new ();

  replaced->id = 1;
  replaced->uuid = g_strdup (uuid);
  replaced->field = COMPANIES_FIELD_PHONE;
  replaced->lost = g_strdup ("+351 22 111");
  replaced->lost_version = 2;
  replaced->current = g_strdup (current);
  replaced->current_version = current_version;
  replaced->by = g_strdup ("Bob's phone");
  replaced->at = 1700000000;
  g_ptr_array_add (response->replaced, replaced);
  return replaced;
}

/* The other side (docs/notices.md): a value of ours replaced unseen is a
 * notice once however often the server's answer repeats it (a lost
 * response), none for a company no longer here; Restore puts ours back
 * as a local edit. The status's count of values our pushes replaced
 * does not count it. */
static void
test_replaced_notices (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 1, 3, "Acme");
  const char *uuid = companies_company_get_uuid (company);
  g_autoptr(GPtrArray) notices = NULL;
  CompaniesStoreStatus status;
  g_autoptr(CompaniesCompany) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *details = NULL;
  CompaniesNotice *notice;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CompaniesSyncResponse) response = test_response ("c3", FALSE, FALSE);

      add_replaced (response, uuid, "+351 22 222", 3);
      add_replaced (response, "9f0e0000-0000-4000-8000-00000000dead", "+351 22 999", 3);
      test_apply (fixture->store, NULL, response);
    }

  notices = companies_local_store_list_notices (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notices->len, ==, 1);
  notice = g_ptr_array_index (notices, 0);
  g_assert_true (notice->replaced);
  g_assert_cmpstr (notice->uuid, ==, uuid);
  g_assert_cmpstr (notice->lost, ==, "+351 22 111");
  g_assert_cmpint (notice->lost_version, ==, 2);
  g_assert_cmpstr (notice->current, ==, "+351 22 222");
  g_assert_cmpint (notice->current_version, ==, 3);
  g_assert_cmpstr (companies_notice_get_lost_by (notice), ==, "you");
  g_assert_cmpstr (companies_notice_get_current_by (notice), ==, "Bob's phone");
  details = companies_notice_dup_details (notice);
  g_assert_nonnull (strstr (details, "written by Bob's phone at "));
  g_assert_nonnull (strstr (details, "Lost: “+351 22 111”, written by you (server version 2)."));

  /* the other side's loss is not one our push caused */
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.overwritten, ==, 0);

  restored = companies_local_store_restore_notice (fixture->store, notice->notice_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_company_get_field (restored, COMPANIES_FIELD_PHONE), ==, "+351 22 111");
  g_assert_true (companies_company_get_is_modified (restored));
}

/* A file of schema version 3 keeps its overwritten notices, moved into
 * the notices table. */
static void
test_notices_migrate_v3 (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 1, 1, "Acme");
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesNotice *notice;
  sqlite3 *db;

  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  db = test_raw_open (fixture->path);
  test_raw_exec (db, TEST_DOWNGRADE_TO_V3_SQL
                 "INSERT INTO overwritten VALUES (7, (SELECT uuid FROM companies), 1, 'Acme',"
                 " 'phone', '+351 22 111', 3, 1700000000);");
  sqlite3_close (db);

  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  notices = companies_local_store_list_notices (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notices->len, ==, 1);
  notice = g_ptr_array_index (notices, 0);
  g_assert_cmpint (notice->notice_id, ==, 7);
  g_assert_cmpint (notice->kind, ==, COMPANIES_NOTICE_OVERWRITTEN);
  g_assert_cmpint (notice->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_cmpstr (notice->lost, ==, "+351 22 111");
  g_assert_cmpstr (notice->current, ==, "");
  g_assert_cmpint (notice->lost_version, ==, 3);
  g_assert_cmpstr (notice->uuid, ==, companies_company_get_uuid (company));
}

/* A sync's connection has a larger page cache only while it syncs: a
 * response applied meanwhile, and the usual 16 MiB after. */
static void
test_syncing_cache (StoreFixture  *fixture,
                    gconstpointer  data)
{
  sqlite3 *db = companies_local_store_get_db (fixture->store);
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesCompany) pulled = NULL;
  const char *uuid = "4a6f1a2e-0c1d-4e5f-8a9b-0c1d2e3f4a5b";
  gint64 pages = 0;

  g_assert_true (companies_local_store_query_int (fixture->store, "PRAGMA cache_size", &pages, NULL));
  g_assert_cmpint (pages, ==, -16384);

  companies_local_store_set_syncing (fixture->store, TRUE);
  g_assert_true (companies_local_store_query_int (fixture->store, "PRAGMA cache_size", &pages, NULL));
  g_assert_cmpint (pages, ==, -65536);
  test_add_company (response, 7, uuid, 1, "Pulled");
  test_apply (fixture->store, NULL, response);

  companies_local_store_set_syncing (fixture->store, FALSE);
  g_assert_true (companies_local_store_query_int (fixture->store, "PRAGMA cache_size", &pages, NULL));
  g_assert_cmpint (pages, ==, -16384);
  g_assert_cmpint (sqlite3_get_autocommit (db), !=, 0);
  pulled = test_lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_name (pulled), ==, "Pulled");
}

static gint64
cache_size (CompaniesLocalStore *store)
{
  gint64 size = 0;

  g_assert_true (companies_local_store_query_int (store, "PRAGMA cache_size", &size, NULL));
  return size;
}

/* A program's own page cache (the app's 2 MiB) for the connections it
 * opens after setting it, and after each sync; one connection may take
 * another (an import) until its next sync. */
static void
test_default_cache (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(CompaniesLocalStore) small = NULL;
  g_autoptr(GError) error = NULL;

  companies_local_store_set_default_cache_size (2048);
  small = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);

  g_assert_cmpint (cache_size (small), ==, -2048);
  g_assert_cmpint (cache_size (fixture->store), ==, -16384);

  companies_local_store_set_syncing (small, TRUE);
  g_assert_cmpint (cache_size (small), ==, -65536);
  companies_local_store_set_syncing (small, FALSE);
  g_assert_cmpint (cache_size (small), ==, -2048);

  companies_local_store_set_cache_size (small, 16384);
  g_assert_cmpint (cache_size (small), ==, -16384);
  companies_local_store_set_syncing (small, FALSE);
  g_assert_cmpint (cache_size (small), ==, -2048);

  /* The rest of the process keeps the usual size. */
  companies_local_store_set_default_cache_size (16384);
  g_assert_cmpint (companies_local_store_get_default_cache_size (), ==, 16384);
}

static void
count_company_writes_cb (void          *user_data,
                         int            operation,
                         const char    *database,
                         const char    *table,
                         sqlite3_int64  rowid)
{
  if (g_strcmp0 (table, "companies") == 0)
    (*(guint *) user_data)++;
}

/* Column @column of the row with @uuid, as text (hex for a key). */
static char *
read_column (CompaniesLocalStore *store,
             const char          *uuid,
             const char          *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM companies WHERE uuid = ?1", column);
  sqlite3_stmt *stmt = NULL;
  char *text;

  g_assert_cmpint (sqlite3_prepare_v2 (companies_local_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

/* A row is saved column by column (companies-store-row.c): a record a
 * response brings again as it is held writes nothing, and a changed
 * phone moves its own sort key and the search text, not the name's. */
static void
test_changed_columns_only (StoreFixture  *fixture,
                           gconstpointer  data)
{
  const char *uuid = "5b7f2a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
  sqlite3 *db = companies_local_store_get_db (fixture->store);
  g_autoptr(CompaniesSyncResponse) first = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesSyncResponse) again = test_response ("c2", FALSE, FALSE);
  g_autoptr(CompaniesSyncResponse) phone = test_response ("c3", FALSE, FALSE);
  g_autofree char *name_key = NULL, *phone_key = NULL, *search_text = NULL;
  g_autofree char *name_key_after = NULL, *phone_key_after = NULL, *search_text_after = NULL;
  g_autoptr(CompaniesCompany) after = NULL;
  gint64 problems = -1;
  guint writes = 0;

  test_set_record_field (test_add_company (first, 7, uuid, 1, "Acme"),
                         COMPANIES_FIELD_PHONE, "+351 22 111");
  test_apply (fixture->store, NULL, first);
  name_key = read_column (fixture->store, uuid, "hex (name_key)");
  phone_key = read_column (fixture->store, uuid, "hex (phone_key)");
  search_text = read_column (fixture->store, uuid, "search_text");

  sqlite3_update_hook (db, count_company_writes_cb, &writes);
  test_set_record_field (test_add_company (again, 7, uuid, 1, "Acme"),
                         COMPANIES_FIELD_PHONE, "+351 22 111");
  test_apply (fixture->store, NULL, again);
  g_assert_cmpuint (writes, ==, 0);

  test_set_record_field (test_add_company (phone, 7, uuid, 2, "Acme"),
                         COMPANIES_FIELD_PHONE, "+351 22 999");
  test_apply (fixture->store, NULL, phone);
  sqlite3_update_hook (db, NULL, NULL);
  g_assert_cmpuint (writes, ==, 1);

  after = test_lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351 22 999");
  g_assert_cmpint (companies_company_get_version (after), ==, 2);
  name_key_after = read_column (fixture->store, uuid, "hex (name_key)");
  phone_key_after = read_column (fixture->store, uuid, "hex (phone_key)");
  search_text_after = read_column (fixture->store, uuid, "search_text");
  g_assert_cmpstr (name_key_after, ==, name_key);
  g_assert_cmpstr (phone_key_after, !=, phone_key);
  g_assert_cmpstr (search_text_after, !=, search_text);
  g_assert_nonnull (strstr (search_text_after, "999"));
  g_assert_true (companies_local_store_query_int (fixture->store,
                                                  "SELECT count(*) FROM pragma_integrity_check"
                                                  " WHERE integrity_check <> 'ok'",
                                                  &problems, NULL));
  g_assert_cmpint (problems, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store/apply/clean-push", test_clean_push);
  store_test_add ("/store/apply/in-flight-other-field", test_in_flight_other_field);
  store_test_add ("/store/apply/in-flight-same-field", test_in_flight_same_field);
  store_test_add ("/store/apply/in-flight-addition", test_in_flight_addition);
  store_test_add ("/store/apply/pending-record-in-page", test_pending_record_in_page);
  store_test_add ("/store/apply/not-found-becomes-addition", test_not_found_becomes_addition);
  store_test_add ("/store/apply/rejected-until-edited", test_rejected_until_edited);
  store_test_add ("/store/apply/rejected-update-echoed", test_rejected_update_echoed);
  store_test_add ("/store/apply/overwritten-notices", test_overwritten_notices);
  store_test_add ("/store/apply/replaced-notices", test_replaced_notices);
  store_test_add ("/store/apply/notices-migrate-v3", test_notices_migrate_v3);
  store_test_add ("/store/apply/syncing-cache", test_syncing_cache);
  store_test_add ("/store/apply/default-cache", test_default_cache);
  store_test_add ("/store/apply/changed-columns-only", test_changed_columns_only);

  return g_test_run ();
}
