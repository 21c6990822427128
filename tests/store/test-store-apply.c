/* test-store-apply.c: applying hand-built server responses through the
 * store's private apply step: the in-flight rule, rejections, not_found,
 * tombstones, pushed deletes, snapshots and overwritten notices.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "store-test-util.h"

static CompaniesCompany *
lookup (CompaniesLocalStore *store,
        const char          *ref)
{
  g_autoptr(GError) error = NULL;
  CompaniesCompany *company = companies_local_store_lookup (store, ref, &error);

  g_assert_no_error (error);
  g_assert_nonnull (company);
  return company;
}

static void
assert_gone (CompaniesLocalStore *store,
             const char          *ref)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (companies_local_store_lookup (store, ref, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
}

static void
set_field (CompaniesLocalStore *store,
           const char          *ref,
           CompaniesField       field,
           const char          *value)
{
  g_autoptr(GError) error = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL, };
  g_autoptr(CompaniesCompany) company = NULL;

  values[field] = value;
  company = companies_local_store_update_for_sync (store, ref, COMPANIES_FIELD_BIT (field), values, &error);
  g_assert_no_error (error);
}

static void
test_clean_push (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesCompany) synced = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  const char *uuid = companies_company_get_uuid (local);
  CompaniesStoreStatus status = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  g_assert_cmpuint (batch->n_changes, ==, 1);
  test_add_company (response, 1, uuid, 1, "Acme");
  test_apply (fixture->store, batch, response);

  synced = lookup (fixture->store, uuid);
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

  set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Porto");
  batch = test_build_batch (fixture->store, NULL);
  /* Edited while the request is out. */
  set_field (fixture->store, "1", COMPANIES_FIELD_PHONE, "+351");

  record = test_add_company (response, 1, uuid, 2, "Acme");
  g_free (record->values[COMPANIES_FIELD_CITY]);
  record->values[COMPANIES_FIELD_CITY] = g_strdup ("Porto");
  test_apply (fixture->store, batch, response);

  after = lookup (fixture->store, uuid);
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

  set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Porto");
  batch = test_build_batch (fixture->store, NULL);
  set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Braga");

  record = test_add_company (response, 1, uuid, 2, "Acme");
  g_free (record->values[COMPANIES_FIELD_CITY]);
  record->values[COMPANIES_FIELD_CITY] = g_strdup ("Porto");
  test_apply (fixture->store, batch, response);

  after = lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Braga");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
  g_assert_true (companies_company_get_is_modified (after));
}

static void
test_in_flight_addition (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  const char *uuid = companies_company_get_uuid (local);
  CompaniesChange *change;

  set_field (fixture->store, uuid, COMPANIES_FIELD_PHONE, "+351");
  test_add_company (response, 9, uuid, 3, "Acme");
  test_apply (fixture->store, batch, response);

  after = lookup (fixture->store, uuid);
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
  set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Mine");
  record = test_add_company (response, 1, uuid, 5, "Renamed elsewhere");
  g_free (record->values[COMPANIES_FIELD_CITY]);
  record->values[COMPANIES_FIELD_CITY] = g_strdup ("Theirs");
  test_apply (fixture->store, NULL, response);

  after = lookup (fixture->store, uuid);
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

  set_field (fixture->store, "5", COMPANIES_FIELD_CITY, "Porto");
  batch = test_build_batch (fixture->store, NULL);
  test_add_rejected (response, NULL, 5, COMPANIES_REJECT_NOT_FOUND, NULL, "No such company");
  test_apply (fixture->store, batch, response);

  after = lookup (fixture->store, uuid);
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
  set_field (fixture->store, other_uuid, COMPANIES_FIELD_CITY, "Faro");
  test_add_rejected (response, uuid, 0, COMPANIES_REJECT_INVALID_FIELD, "email", "email must contain one @");
  test_add_rejected (response, other_uuid, 0, COMPANIES_REJECT_INVALID_FIELD, "email", "email must contain one @");
  test_apply (fixture->store, batch, response);

  after = lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_rejection_code (after), ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (companies_company_get_rejection_field (after), ==, "email");
  g_assert_cmpstr (companies_company_get_rejection_message (after), ==, "email must contain one @");
  g_assert_cmpint (companies_company_get_sync_state (after), ==, COMPANIES_SYNC_STATE_REJECTED);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_false (companies_company_get_is_from_server (after));
  after_other = lookup (fixture->store, other_uuid);
  g_assert_null (companies_company_get_rejection_code (after_other));

  skipped = test_build_batch (fixture->store, NULL);
  g_assert_false (g_hash_table_contains (skipped->pushed, uuid));
  g_assert_true (g_hash_table_contains (skipped->pushed, other_uuid));

  set_field (fixture->store, uuid, COMPANIES_FIELD_EMAIL, "info@acme.example");
  fixed = lookup (fixture->store, uuid);
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

  set_field (fixture->store, "3", COMPANIES_FIELD_PHONE, "+1");
  batch = test_build_batch (fixture->store, NULL);
  test_add_rejected (response, uuid, 3, COMPANIES_REJECT_INVALID_FIELD, "phone", "bad phone");
  test_add_company (response, 3, uuid, 2, "Acme");
  test_apply (fixture->store, batch, response);

  after = lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+1");
  g_assert_cmpstr (companies_company_get_rejection_code (after), ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_true (companies_company_get_is_modified (after));
}

static void
test_tombstone_wins (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(CompaniesCompany) modified = test_server_record (fixture->store, 1, 1, "Modified");
  g_autoptr(CompaniesCompany) clean = test_server_record (fixture->store, 2, 2, "Clean");
  g_autoptr(CompaniesSyncResponse) response = test_response ("c9", FALSE, FALSE);

  set_field (fixture->store, "1", COMPANIES_FIELD_CITY, "Porto");
  test_add_tombstone (response, 1, companies_company_get_uuid (modified), 8);
  test_add_tombstone (response, 2, companies_company_get_uuid (clean), 9);
  test_apply (fixture->store, NULL, response);

  assert_gone (fixture->store, companies_company_get_uuid (modified));
  assert_gone (fixture->store, companies_company_get_uuid (clean));
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

  assert_gone (fixture->store, companies_company_get_uuid (echoed));
  assert_gone (fixture->store, companies_company_get_uuid (silent));
  g_clear_object (&back);
  back = lookup (fixture->store, companies_company_get_uuid (undone));
  g_assert_true (companies_company_get_is_active (back));
}

static void
test_addition_deleted_in_flight (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid = companies_company_get_uuid (local);
  gint64 counter = 0;

  /* Sent: the server may hold it, so the row stays, deleted. */
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, uuid, &error));
  after = lookup (fixture->store, uuid);
  g_assert_false (companies_company_get_is_active (after));
  g_assert_false (companies_company_get_is_from_server (after));
  g_clear_object (&after);

  test_add_company (response, 4, uuid, 1, "Acme");
  test_apply (fixture->store, batch, response);

  /* The server has it now; the delete must reach it. */
  after = lookup (fixture->store, uuid);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_false (companies_company_get_is_active (after));
  g_assert_true (companies_local_store_get_change_counter (fixture->store, &counter, &error));
  next = companies_local_store_build_push_batch (fixture->store, counter, 1000, NULL, &error);
  g_assert_cmpuint (next->request->deleted->len, ==, 1);
  g_assert_cmpint (((CompaniesChange *) g_ptr_array_index (next->request->deleted, 0))->id, ==, 4);
}

static void
set_record_field (CompaniesRecord *record,
                  CompaniesField   field,
                  const char      *value)
{
  g_free (record->values[field]);
  record->values[field] = g_strdup (value);
}

static gint64
raw_row_int (const char *path,
             const char *sql,
             const char *uuid)
{
  sqlite3 *db = test_raw_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
raw_add_sent (const char *path,
              const char *uuid)
{
  return raw_row_int (path, "SELECT add_sent FROM companies WHERE uuid = ?1", uuid);
}

static guint
raw_sent_changed (const char *path,
                  const char *uuid)
{
  return (guint) raw_row_int (path, "SELECT sent_changed FROM companies WHERE uuid = ?1", uuid);
}

/* An addition sent, its response lost, then edited: the retried push
 * returns the record as first stored (plus another client's edit); the
 * edit stays pending and goes out as an update, the other client's edit
 * is taken. */
static void
test_retried_addition_keeps_edit (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  g_autoptr(TestValues) values = test_values ("Acme", COMPANIES_FIELD_PHONE, "+351 1", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) local = companies_local_store_create_for_sync (fixture->store, values, &error);
  g_autoptr(CompaniesPushBatch) lost = NULL;
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c5", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  const char *uuid;
  CompaniesRecord *record;
  CompaniesChange *change;

  g_assert_no_error (error);
  uuid = companies_company_get_uuid (local);
  g_assert_cmpint (raw_add_sent (fixture->path, uuid), ==, 0);

  lost = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (lost->request->added->len, ==, 1);
  /* Marked before the request goes out; nothing changed since. The
   * public flags stay those of an addition. */
  g_assert_cmpint (raw_add_sent (fixture->path, uuid), ==, 1);
  g_assert_cmpuint (raw_sent_changed (fixture->path, uuid), ==, 0);
  after = lookup (fixture->store, uuid);
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_ALL_FIELDS);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_false (companies_company_get_is_from_server (after));
  g_clear_object (&after);

  /* The response is lost; the person edits the phone. */
  set_field (fixture->store, uuid, COMPANIES_FIELD_PHONE, "+351 2");
  g_assert_cmpuint (raw_sent_changed (fixture->path, uuid), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  retry = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (retry->request->added->len, ==, 1);
  change = g_ptr_array_index (retry->request->added, 0);
  g_assert_cmpstr (change->values[COMPANIES_FIELD_PHONE], ==, "+351 2");

  /* The server knew the uuid: the record as first stored, and another
   * client's city. */
  record = test_add_company (response, 7, uuid, 5, "Acme");
  set_record_field (record, COMPANIES_FIELD_PHONE, "+351 1");
  set_record_field (record, COMPANIES_FIELD_CITY, "Theirs");
  test_apply (fixture->store, retry, response);

  after = lookup (fixture->store, uuid);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 7);
  g_assert_cmpint (companies_company_get_version (after), ==, 5);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351 2");
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Theirs");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_cmpint (test_base_version (fixture->path, uuid), ==, 5);
  g_assert_cmpint (raw_add_sent (fixture->path, uuid), ==, 0);

  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->added->len, ==, 0);
  g_assert_cmpuint (next->request->updated->len, ==, 1);
  change = g_ptr_array_index (next->request->updated, 0);
  g_assert_cmpint (change->id, ==, 7);
  g_assert_cmpint (change->base_version, ==, 5);
  g_assert_cmpuint (change->field_mask, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_cmpstr (change->values[COMPANIES_FIELD_PHONE], ==, "+351 2");
}

/* The same, when the first push never reached the server: the retry
 * creates the record with the current values; nothing stays pending. */
static void
test_retried_addition_first_lost (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesPushBatch) lost = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  const char *uuid = companies_company_get_uuid (local);
  CompaniesRecord *record;

  set_field (fixture->store, uuid, COMPANIES_FIELD_PHONE, "+351 2");
  retry = test_build_batch (fixture->store, NULL);

  record = test_add_company (response, 3, uuid, 1, "Acme");
  set_record_field (record, COMPANIES_FIELD_PHONE, "+351 2");
  test_apply (fixture->store, retry, response);

  after = lookup (fixture->store, uuid);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_false (companies_company_get_is_modified (after));
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, 0);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351 2");
  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->n_changes, ==, 0);
}

/* Edited before the retry and again while the retry is out: both edits
 * stay pending (the retry's own values are not what the server holds). */
static void
test_retried_addition_edit_in_flight (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesPushBatch) lost = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  const char *uuid = companies_company_get_uuid (local);

  set_field (fixture->store, uuid, COMPANIES_FIELD_PHONE, "+351 2");
  retry = test_build_batch (fixture->store, NULL);
  set_field (fixture->store, uuid, COMPANIES_FIELD_CITY, "Braga");

  test_add_company (response, 3, uuid, 1, "Acme");
  test_apply (fixture->store, retry, response);

  after = lookup (fixture->store, uuid);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351 2");
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Braga");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==,
                    COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
}

/* An addition sent (response lost), then deleted: kept as deleted; the
 * next push sends the addition again to learn the id, then the delete. */
static void
test_sent_addition_deleted (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesPushBatch) lost = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesSyncResponse) deleted = test_response ("c2", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(GHashTable) exclude = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid = companies_company_get_uuid (local);
  CompaniesChange *change;

  g_assert_true (companies_local_store_delete_for_sync (fixture->store, uuid, &error));
  after = lookup (fixture->store, uuid);
  g_assert_false (companies_company_get_is_active (after));
  g_assert_false (companies_company_get_is_from_server (after));
  g_clear_object (&after);
  active = companies_local_store_list (fixture->store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (active->len, ==, 0);

  retry = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (retry->n_changes, ==, 1);
  g_assert_cmpuint (retry->request->added->len, ==, 1);
  change = g_ptr_array_index (retry->request->added, 0);
  g_assert_cmpstr (change->uuid, ==, uuid);

  test_add_company (response, 5, uuid, 1, "Acme");
  test_apply (fixture->store, retry, response);
  after = lookup (fixture->store, uuid);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_false (companies_company_get_is_active (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 5);

  /* The next round of the same sync (the addition excluded) deletes it. */
  g_hash_table_add (exclude, companies_push_batch_key (COMPANIES_CHANGE_ADD, uuid));
  next = test_build_batch (fixture->store, exclude);
  g_assert_cmpuint (next->n_changes, ==, 1);
  g_assert_cmpuint (next->request->deleted->len, ==, 1);
  g_assert_cmpint (((CompaniesChange *) g_ptr_array_index (next->request->deleted, 0))->id, ==, 5);

  test_add_tombstone (deleted, 5, uuid, 2);
  test_apply (fixture->store, next, deleted);
  assert_gone (fixture->store, uuid);
}

/* A request that surely never reached the server: its additions are
 * unsent again, and a delete of one removes it at once. */
static void
test_unmark_adds_sent (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(CompaniesCompany) kept = test_create (fixture->store, "Kept");
  g_autoptr(CompaniesCompany) gone = test_create (fixture->store, "Gone");
  g_autofree char *before = test_raw_dump (fixture->path);
  g_autofree char *after = NULL;
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) again = NULL;
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (raw_add_sent (fixture->path, companies_company_get_uuid (kept)), ==, 1);
  g_assert_true (companies_local_store_unmark_adds_sent (fixture->store, batch, &error));
  g_assert_no_error (error);
  after = test_raw_dump (fixture->path);
  g_assert_cmpstr (before, ==, after);

  /* Deleted while the failed request was out: kept then, removed now. */
  again = test_build_batch (fixture->store, NULL);
  g_assert_true (companies_local_store_delete_for_sync (fixture->store,
                                                        companies_company_get_uuid (gone), &error));
  company = lookup (fixture->store, companies_company_get_uuid (gone));
  g_assert_false (companies_company_get_is_active (company));
  g_assert_true (companies_local_store_unmark_adds_sent (fixture->store, again, &error));
  g_assert_no_error (error);
  assert_gone (fixture->store, companies_company_get_uuid (gone));
  g_assert_cmpint (raw_add_sent (fixture->path, companies_company_get_uuid (kept)), ==, 0);
}

/* A file of schema version 1: its pending additions count as sent, with
 * every field in the changed set (the side that loses no edit). */
static void
test_migrates_v1 (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Local");
  g_autoptr(CompaniesCompany) server = test_server_record (fixture->store, 1, 1, "Server");
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c3", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid = companies_company_get_uuid (local);
  CompaniesRecord *record;
  sqlite3 *db;

  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  db = test_raw_open (fixture->path);
  test_raw_exec (db, "ALTER TABLE companies DROP COLUMN add_sent;"
                     "ALTER TABLE companies DROP COLUMN sent_changed; PRAGMA user_version = 1;");
  sqlite3_close (db);

  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  db = test_raw_open (fixture->path);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, 2);
  sqlite3_close (db);
  g_assert_cmpint (raw_add_sent (fixture->path, uuid), ==, 1);
  g_assert_cmpuint (raw_sent_changed (fixture->path, uuid), ==, COMPANIES_ALL_FIELDS);
  g_assert_cmpint (raw_add_sent (fixture->path, companies_company_get_uuid (server)), ==, 0);

  /* Not a first send: the set is kept when it is sent. */
  retry = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (retry->request->added->len, ==, 1);
  g_assert_cmpuint (raw_sent_changed (fixture->path, uuid), ==, COMPANIES_ALL_FIELDS);

  /* The server held it with another name: ours stays pending. */
  record = test_add_company (response, 2, uuid, 3, "First name");
  set_record_field (record, COMPANIES_FIELD_CITY, "");
  test_apply (fixture->store, retry, response);
  after = lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_NAME), ==, "Local");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME));
  g_assert_true (companies_company_get_is_modified (after));
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

  set_field (fixture->store, "4", COMPANIES_FIELD_CITY, "Porto");
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "5", &error));

  test_add_company (page1, 1, companies_company_get_uuid (s1), 6, "Seen first");
  g_assert_true (companies_local_store_apply_response (fixture->store, NULL, page1, &stats, &error));
  g_assert_cmpuint (stats.removed, ==, 0);
  g_object_unref (lookup (fixture->store, companies_company_get_uuid (s3)));

  test_add_company (page2, 2, companies_company_get_uuid (s2), 7, "Seen second");
  g_assert_true (companies_local_store_apply_response (fixture->store, NULL, page2, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.removed, ==, 1);

  assert_gone (fixture->store, companies_company_get_uuid (s3));
  all = companies_local_store_list (fixture->store, TRUE, &error);
  g_assert_cmpuint (all->len, ==, 5);
  g_object_unref (lookup (fixture->store, companies_company_get_uuid (s1)));
  g_object_unref (lookup (fixture->store, "4"));
  g_object_unref (lookup (fixture->store, "5"));
  g_object_unref (lookup (fixture->store, companies_company_get_uuid (local)));
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

  set_field (fixture->store, "2", COMPANIES_FIELD_PHONE, "+1");
  test_apply (fixture->store, NULL, empty);

  assert_gone (fixture->store, companies_company_get_uuid (clean));
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
  g_object_unref (lookup (fixture->store, "2"));

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
  assert_gone (fixture->store, "1");
  g_object_unref (lookup (fixture->store, "2"));
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

  set_field (fixture->store, "8", COMPANIES_FIELD_CITY, "Porto");
  test_add_company (response, 7, uuid7, 1, "New seven");
  test_add_company (response, 8, uuid8, 2, "New eight");
  test_apply (fixture->store, NULL, response);

  seven = lookup (fixture->store, "7");
  g_assert_cmpstr (companies_company_get_uuid (seven), ==, uuid7);
  assert_gone (fixture->store, companies_company_get_uuid (stale_clean));
  eight = lookup (fixture->store, "8");
  g_assert_cmpstr (companies_company_get_uuid (eight), ==, uuid8);
  kept = lookup (fixture->store, companies_company_get_uuid (stale_modified));
  g_assert_false (companies_company_get_is_from_server (kept));
  g_assert_cmpstr (companies_company_get_field (kept, COMPANIES_FIELD_CITY), ==, "Porto");
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
  CompaniesOverwrittenNotice *notice;

  test_add_overwritten (response, 1, COMPANIES_FIELD_PHONE, "+351 22 111", 3);
  test_add_overwritten (response, 1, COMPANIES_FIELD_CITY, "Braga", 4);
  test_apply (fixture->store, NULL, response);

  notices = companies_local_store_list_overwritten (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notices->len, ==, 2);
  notice = g_ptr_array_index (notices, 0);  /* newest first */
  g_assert_cmpint (notice->field, ==, COMPANIES_FIELD_CITY);
  g_assert_cmpstr (notice->value, ==, "Braga");
  g_assert_cmpint (notice->version, ==, 4);
  g_assert_cmpint (notice->id, ==, 1);
  g_assert_cmpstr (notice->uuid, ==, companies_company_get_uuid (company));
  g_assert_cmpstr (notice->company_name, ==, "Acme");

  g_assert_true (companies_local_store_dismiss_overwritten (fixture->store, notice->notice_id, &error));
  after = companies_local_store_list_overwritten (fixture->store, &error);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpint (((CompaniesOverwrittenNotice *) g_ptr_array_index (after, 0))->field, ==, COMPANIES_FIELD_PHONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)
  ADD ("/store/apply/clean-push", test_clean_push);
  ADD ("/store/apply/in-flight-other-field", test_in_flight_other_field);
  ADD ("/store/apply/in-flight-same-field", test_in_flight_same_field);
  ADD ("/store/apply/in-flight-addition", test_in_flight_addition);
  ADD ("/store/apply/pending-record-in-page", test_pending_record_in_page);
  ADD ("/store/apply/not-found-becomes-addition", test_not_found_becomes_addition);
  ADD ("/store/apply/rejected-until-edited", test_rejected_until_edited);
  ADD ("/store/apply/rejected-update-echoed", test_rejected_update_echoed);
  ADD ("/store/apply/tombstone-wins", test_tombstone_wins);
  ADD ("/store/apply/pushed-delete", test_pushed_delete);
  ADD ("/store/apply/addition-deleted-in-flight", test_addition_deleted_in_flight);
  ADD ("/store/apply/retried-addition-keeps-edit", test_retried_addition_keeps_edit);
  ADD ("/store/apply/retried-addition-first-lost", test_retried_addition_first_lost);
  ADD ("/store/apply/retried-addition-edit-in-flight", test_retried_addition_edit_in_flight);
  ADD ("/store/apply/sent-addition-deleted", test_sent_addition_deleted);
  ADD ("/store/apply/unmark-adds-sent", test_unmark_adds_sent);
  ADD ("/store/apply/migrates-v1", test_migrates_v1);
  ADD ("/store/apply/snapshot-pages", test_snapshot_pages);
  ADD ("/store/apply/snapshot-never-empties", test_snapshot_never_empties);
  ADD ("/store/apply/snapshot-abandoned", test_snapshot_abandoned);
  ADD ("/store/apply/stale-id-evicted", test_stale_id_evicted);
  ADD ("/store/apply/overwritten-notices", test_overwritten_notices);
#undef ADD

  return g_test_run ();
}
