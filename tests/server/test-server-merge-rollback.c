/* test-server-merge-rollback.c: what a rolled-back request or a
 * request's savepoint leaves behind, the merge rules called in-process
 * (a real SQLite store in a temp dir; a PostgreSQL one in the suite
 * server-pg): nothing of the request, the version sequence where it was,
 * and a request applied again stores what it sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "companies-server-sync.h"
#include "server-test-merge.h"

#define NOW SERVER_TEST_MERGE_NOW

typedef TestStoreFixture Fixture;

/* What a caller's rollback leaves: nothing of the request, and the
 * version sequence where it was. */
static void
test_rollback (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesSyncResponse) pull_response = NULL;
  g_autoptr(CompaniesServerRecord) stored = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;
  gint64 id = server_test_merge_add_company (fixture, NULL, "Acme", "Lyon", &version);

  test_request_add (request, NULL, "name", "Rolled back", NULL);
  test_request_update (request, id, version, "name", "Acme SA", NULL);
  g_assert_true (companies_server_store_begin (fixture->store, &error));
  response = companies_server_sync_apply (fixture->store, request, NULL, NOW, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->companies->len, ==, 2);
  companies_server_store_rollback (fixture->store);

  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, version);
  stored = server_test_merge_lookup (fixture, id);
  g_assert_cmpstr (stored->company->values[COMPANIES_FIELD_NAME], ==, "Acme");

  pull_response = server_test_merge_pull_after (fixture, 0);
  g_assert_cmpuint (pull_response->companies->len, ==, 1);
}

/* A request applied, rolled back and applied again (a group that cannot
 * be kept is applied again one request at a time) stores what it sent:
 * the merge only reads the changes. Asked for `created`, a record stored
 * as sent is answered by its head, one whose name was trimmed in full. */
static void
test_add_again_after_rollback (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) undone = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesServerRecord) stored_plain = NULL;
  g_autoptr(CompaniesServerRecord) stored_padded = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesChange *padded, *plain;
  CompaniesRecord *created, *full;

  padded = test_request_add (request, NULL, "name", "  Acme  ", "city", "Lyon", NULL);
  plain = test_request_add (request, NULL, "name", "Globex", "phone", "+33 1", NULL);
  request->want_created = TRUE;

  g_assert_true (companies_server_store_begin (fixture->store, &error));
  undone = companies_server_sync_apply (fixture->store, request, NULL, NOW, NULL, &error);
  g_assert_no_error (error);
  companies_server_store_rollback (fixture->store);
  g_assert_cmpstr (padded->values[COMPANIES_FIELD_NAME], ==, "  Acme  ");
  g_assert_cmpstr (plain->values[COMPANIES_FIELD_PHONE], ==, "+33 1");

  response = server_test_merge_apply (fixture, request);
  g_assert_cmpuint (response->created->len, ==, 1);
  g_assert_cmpuint (response->companies->len, ==, 1);
  created = g_ptr_array_index (response->created, 0);
  full = g_ptr_array_index (response->companies, 0);
  g_assert_cmpstr (created->uuid, ==, plain->uuid);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_assert_null (created->values[i]);
  g_assert_cmpstr (full->uuid, ==, padded->uuid);
  g_assert_cmpstr (full->values[COMPANIES_FIELD_NAME], ==, "Acme");

  stored_plain = server_test_merge_lookup (fixture, created->id);
  stored_padded = server_test_merge_lookup (fixture, full->id);
  g_assert_cmpstr (stored_plain->company->values[COMPANIES_FIELD_NAME], ==, "Globex");
  g_assert_cmpstr (stored_plain->company->values[COMPANIES_FIELD_PHONE], ==, "+33 1");
  g_assert_cmpstr (stored_plain->company->values[COMPANIES_FIELD_CITY], ==, "");
  g_assert_cmpstr (stored_padded->company->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpstr (stored_padded->company->values[COMPANIES_FIELD_CITY], ==, "Lyon");
}

/* A group's savepoint: a request rolled back to its savepoint leaves the
 * group's earlier work, and its versions are handed out again. */
static void
test_savepoint (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) kept = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) undone = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) kept_response = NULL;
  g_autoptr(CompaniesSyncResponse) undone_response = NULL;
  g_autoptr(CompaniesSyncResponse) pull_response = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesRecord *company;

  test_request_add (kept, NULL, "name", "Kept", NULL);
  test_request_add (undone, NULL, "name", "Undone", NULL);

  g_assert_true (companies_server_store_begin (fixture->store, &error));
  g_assert_true (companies_server_store_savepoint (fixture->store, &error));
  kept_response = companies_server_sync_apply (fixture->store, kept, NULL, NOW, NULL, &error);
  g_assert_true (companies_server_store_release (fixture->store, &error));
  g_assert_true (companies_server_store_savepoint (fixture->store, &error));
  undone_response = companies_server_sync_apply (fixture->store, undone, NULL, NOW, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (companies_server_store_rollback_to (fixture->store));
  g_assert_true (companies_server_store_commit (fixture->store, &error));
  g_assert_no_error (error);

  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, 1);
  pull_response = server_test_merge_pull_after (fixture, 0);
  g_assert_cmpuint (pull_response->companies->len, ==, 1);
  company = g_ptr_array_index (pull_response->companies, 0);
  g_assert_cmpstr (company->values[COMPANIES_FIELD_NAME], ==, "Kept");
  g_assert_cmpint (company->version, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  SERVER_TEST_MERGE_ADD ("/server/merge/rollback", test_rollback);
  SERVER_TEST_MERGE_ADD ("/server/merge/savepoint", test_savepoint);
  SERVER_TEST_MERGE_ADD ("/server/merge/add-again-after-rollback", test_add_again_after_rollback);

  return g_test_run ();
}
