/* test-store-apply-retry.c: additions whose response was lost: the
 * sent mark, the retried push, deletes of sent additions, the requests
 * that never left and the migration of schema version 1 files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "store-test-util.h"

static void
test_addition_deleted_in_flight (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_auto(TestSentAddition) sent = test_sent_addition (fixture->store);
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 counter = 0;

  /* Sent: the server may hold it, so the row stays, deleted. */
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, sent.uuid, &error));
  after = test_lookup (fixture->store, sent.uuid);
  g_assert_false (companies_company_get_is_active (after));
  g_assert_false (companies_company_get_is_from_server (after));
  g_clear_object (&after);

  test_add_company (sent.response, 4, sent.uuid, 1, "Acme");
  test_apply (fixture->store, sent.batch, sent.response);

  /* The server has it now; the delete must reach it. */
  after = test_lookup (fixture->store, sent.uuid);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_false (companies_company_get_is_active (after));
  g_assert_true (companies_local_store_get_change_counter (fixture->store, &counter, &error));
  next = companies_local_store_build_push_batch (fixture->store, counter, 1000, NULL, &error);
  g_assert_cmpuint (next->request->deleted->len, ==, 1);
  g_assert_cmpint (((CompaniesChange *) g_ptr_array_index (next->request->deleted, 0))->id, ==, 4);
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
  g_assert_cmpint (test_add_sent (fixture->path, uuid), ==, 0);

  lost = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (lost->request->added->len, ==, 1);
  /* Marked before the request goes out; nothing changed since. The
   * public flags stay those of an addition. */
  g_assert_cmpint (test_add_sent (fixture->path, uuid), ==, 1);
  g_assert_cmpuint (test_sent_changed (fixture->path, uuid), ==, 0);
  after = test_lookup (fixture->store, uuid);
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_ALL_FIELDS);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_false (companies_company_get_is_from_server (after));
  g_clear_object (&after);

  /* The response is lost; the person edits the phone. */
  test_set_field (fixture->store, uuid, COMPANIES_FIELD_PHONE, "+351 2");
  g_assert_cmpuint (test_sent_changed (fixture->path, uuid), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  retry = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (retry->request->added->len, ==, 1);
  change = g_ptr_array_index (retry->request->added, 0);
  g_assert_cmpstr (change->values[COMPANIES_FIELD_PHONE], ==, "+351 2");

  /* The server knew the uuid: the record as first stored, and another
   * client's city. */
  record = test_add_company (response, 7, uuid, 5, "Acme");
  test_set_record_field (record, COMPANIES_FIELD_PHONE, "+351 1");
  test_set_record_field (record, COMPANIES_FIELD_CITY, "Theirs");
  test_apply (fixture->store, retry, response);

  after = test_lookup (fixture->store, uuid);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 7);
  g_assert_cmpint (companies_company_get_version (after), ==, 5);
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351 2");
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Theirs");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_cmpint (test_base_version (fixture->path, uuid), ==, 5);
  g_assert_cmpint (test_add_sent (fixture->path, uuid), ==, 0);

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
  g_auto(TestSentAddition) sent = test_sent_addition (fixture->store);
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesCompany) after = NULL;
  CompaniesRecord *record;

  test_set_field (fixture->store, sent.uuid, COMPANIES_FIELD_PHONE, "+351 2");
  retry = test_build_batch (fixture->store, NULL);

  record = test_add_company (sent.response, 3, sent.uuid, 1, "Acme");
  test_set_record_field (record, COMPANIES_FIELD_PHONE, "+351 2");
  test_apply (fixture->store, retry, sent.response);

  after = test_lookup (fixture->store, sent.uuid);
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
  g_auto(TestSentAddition) sent = test_sent_addition (fixture->store);
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesCompany) after = NULL;

  test_set_field (fixture->store, sent.uuid, COMPANIES_FIELD_PHONE, "+351 2");
  retry = test_build_batch (fixture->store, NULL);
  test_set_field (fixture->store, sent.uuid, COMPANIES_FIELD_CITY, "Braga");

  test_add_company (sent.response, 3, sent.uuid, 1, "Acme");
  test_apply (fixture->store, retry, sent.response);

  after = test_lookup (fixture->store, sent.uuid);
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
  g_auto(TestSentAddition) sent = test_sent_addition (fixture->store);
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) deleted = test_response ("c2", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(GHashTable) exclude = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesChange *change;

  g_assert_true (companies_local_store_delete_for_sync (fixture->store, sent.uuid, &error));
  after = test_lookup (fixture->store, sent.uuid);
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
  g_assert_cmpstr (change->uuid, ==, sent.uuid);

  test_add_company (sent.response, 5, sent.uuid, 1, "Acme");
  test_apply (fixture->store, retry, sent.response);
  after = test_lookup (fixture->store, sent.uuid);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_false (companies_company_get_is_active (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 5);

  /* The next round of the same sync (the addition excluded) deletes it. */
  g_hash_table_add (exclude, companies_push_batch_key (COMPANIES_CHANGE_ADD, sent.uuid));
  next = test_build_batch (fixture->store, exclude);
  g_assert_cmpuint (next->n_changes, ==, 1);
  g_assert_cmpuint (next->request->deleted->len, ==, 1);
  g_assert_cmpint (((CompaniesChange *) g_ptr_array_index (next->request->deleted, 0))->id, ==, 5);

  test_add_tombstone (deleted, 5, sent.uuid, 2);
  test_apply (fixture->store, next, deleted);
  test_assert_gone (fixture->store, sent.uuid);
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

  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (kept)), ==, 1);
  g_assert_true (companies_local_store_unmark_adds_sent (fixture->store, batch, &error));
  g_assert_no_error (error);
  after = test_raw_dump (fixture->path);
  g_assert_cmpstr (before, ==, after);

  /* Deleted while the failed request was out: kept then, removed now. */
  again = test_build_batch (fixture->store, NULL);
  g_assert_true (companies_local_store_delete_for_sync (fixture->store,
                                                        companies_company_get_uuid (gone), &error));
  company = test_lookup (fixture->store, companies_company_get_uuid (gone));
  g_assert_false (companies_company_get_is_active (company));
  g_assert_true (companies_local_store_unmark_adds_sent (fixture->store, again, &error));
  g_assert_no_error (error);
  test_assert_gone (fixture->store, companies_company_get_uuid (gone));
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (kept)), ==, 0);
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
  test_raw_exec (db, TEST_DOWNGRADE_TO_V2_SQL
                     "ALTER TABLE companies DROP COLUMN add_sent;"
                     "ALTER TABLE companies DROP COLUMN sent_changed; PRAGMA user_version = 1;");
  sqlite3_close (db);

  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  db = test_raw_open (fixture->path);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, COMPANIES_LOCAL_STORE_SCHEMA_VERSION);
  sqlite3_close (db);
  g_assert_cmpint (test_add_sent (fixture->path, uuid), ==, 1);
  g_assert_cmpuint (test_sent_changed (fixture->path, uuid), ==, COMPANIES_ALL_FIELDS);
  g_assert_cmpint (test_add_sent (fixture->path, companies_company_get_uuid (server)), ==, 0);

  /* Not a first send: the set is kept when it is sent. */
  retry = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (retry->request->added->len, ==, 1);
  g_assert_cmpuint (test_sent_changed (fixture->path, uuid), ==, COMPANIES_ALL_FIELDS);

  /* The server held it with another name: ours stays pending. */
  record = test_add_company (response, 2, uuid, 3, "First name");
  test_set_record_field (record, COMPANIES_FIELD_CITY, "");
  test_apply (fixture->store, retry, response);
  after = test_lookup (fixture->store, uuid);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_NAME), ==, "Local");
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME));
  g_assert_true (companies_company_get_is_modified (after));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store/apply/addition-deleted-in-flight", test_addition_deleted_in_flight);
  store_test_add ("/store/apply/retried-addition-keeps-edit", test_retried_addition_keeps_edit);
  store_test_add ("/store/apply/retried-addition-first-lost", test_retried_addition_first_lost);
  store_test_add ("/store/apply/retried-addition-edit-in-flight", test_retried_addition_edit_in_flight);
  store_test_add ("/store/apply/sent-addition-deleted", test_sent_addition_deleted);
  store_test_add ("/store/apply/unmark-adds-sent", test_unmark_adds_sent);
  store_test_add ("/store/apply/migrates-v1", test_migrates_v1);

  return g_test_run ();
}
