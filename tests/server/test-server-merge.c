/* test-server-merge.c: the server's merge rules (docs/protocol.md section
 * 3) called in-process, on a real SQLite store in a temp dir (a PostgreSQL
 * one in the suite server-pg): per-field last write wins, overwritten
 * notices, deletes win, idempotent adds by uuid, cursors from another
 * database, tombstones and their purge. What a rolled-back request or
 * savepoint leaves is in test-server-merge-rollback.c.
 *
 * Each sync runs in a transaction the test opens and commits, as the
 * worker does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "companies-server-store-postgres.h"
#include "companies-server-store-sqlite.h"
#include "companies-test-postgres.h"
#include "companies-server-sync.h"
#include "server-test-merge.h"
#include "server-test-util.h"

#define SECONDS_PER_DAY (24 * 60 * 60)
#define NOW             SERVER_TEST_MERGE_NOW

typedef TestStoreFixture Fixture;

/* A client that saw @base_version renames @id. */
static CompaniesSyncResponse *
rename_company (Fixture    *fixture,
                gint64      id,
                gint64      base_version,
                const char *name)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);

  test_request_update (request, id, base_version, "name", name, NULL);
  return server_test_merge_apply (fixture, request);
}

/* Deletes @id at @now. */
static CompaniesSyncResponse *
delete_company (Fixture *fixture,
                gint64   id,
                gint64   now)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);

  test_request_delete (request, id);
  return server_test_merge_apply_at (fixture, request, now);
}

static CompaniesOverwritten *
find_overwritten (CompaniesSyncResponse *response,
                  gint64                 id,
                  CompaniesField         field)
{
  for (guint i = 0; i < response->overwritten->len; i++)
    {
      CompaniesOverwritten *overwritten = g_ptr_array_index (response->overwritten, i);

      if (overwritten->id == id && overwritten->field == field)
        return overwritten;
    }

  return NULL;
}

/* A new record: a new id, every field at the record's version, the name
 * trimmed, and the answer as stored. */
static void
test_add_new (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesServerRecord) stored = NULL;
  CompaniesChange *first_add, *second_add;
  CompaniesRecord *first, *second;

  first_add = test_request_add (request, NULL, "name", "  Acme  ", "city", "Lyon", NULL);
  second_add = test_request_add (request, NULL, "name", "Globex", NULL);
  response = server_test_merge_apply (fixture, request);

  g_assert_true (response->reset);
  g_assert_cmpuint (response->rejected->len, ==, 0);
  g_assert_cmpuint (response->companies->len, ==, 2);
  first = test_find_company_by_uuid (response->companies, first_add->uuid);
  second = test_find_company_by_uuid (response->companies, second_add->uuid);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_cmpint (first->id, >, 0);
  g_assert_cmpint (second->id, >, first->id);
  g_assert_cmpint (second->version, >, first->version);
  g_assert_cmpstr (first->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpstr (first->values[COMPANIES_FIELD_CITY], ==, "Lyon");
  g_assert_cmpstr (first->values[COMPANIES_FIELD_PHONE], ==, "");
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, second->version);

  stored = server_test_merge_lookup (fixture, first->id);
  g_assert_nonnull (stored);
  g_assert_false (stored->deleted);
  g_assert_cmpstr (stored->company->uuid, ==, first->uuid);
  g_assert_cmpstr (stored->company->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpint (stored->company->version, ==, first->version);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_assert_cmpint (stored->field_versions[i], ==, first->version);
}

static guint
count_id (GPtrArray *records,
          gint64     id)
{
  guint count = 0;

  for (guint i = 0; i < records->len; i++)
    count += ((CompaniesRecord *) g_ptr_array_index (records, i))->id == id;

  return count;
}

/* The records a request creates are answered once, whatever else of it
 * names them (an add of the same uuid again, an update, a delete); one
 * whose name the server trims is answered in full although the request
 * asked for `created` (a change made in-process is not trimmed by the
 * decoder). */
static void
test_add_answered_once (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  gint64 before = server_test_merge_add_company (fixture, NULL, "Before", "Lyon", NULL);
  gint64 acme = before + 1, globex = before + 2, initech = before + 3, hooli = before + 4;
  CompaniesChange *padded;
  CompaniesRecord *company;

  request->want_created = TRUE;
  padded = test_request_add (request, NULL, "name", "Acme", NULL);
  test_request_add (request, NULL, "name", "Globex", NULL);
  test_request_add (request, NULL, "name", " Initech\t", NULL);
  test_request_add (request, NULL, "name", "Hooli", NULL);
  test_request_add (request, padded->uuid, "name", "Acme again", NULL);
  test_request_update (request, globex, 0, "city", "Paris", NULL);
  test_request_update (request, before, 0, "city", "Nice", NULL);
  test_request_delete (request, acme);
  response = server_test_merge_apply (fixture, request);

  for (gint64 id = before; id <= hooli; id++)
    g_assert_cmpuint (count_id (response->companies, id) + count_id (response->deleted, id) +
                      count_id (response->created, id), ==, 1);
  g_assert_cmpuint (count_id (response->deleted, acme), ==, 1);
  g_assert_cmpuint (count_id (response->companies, globex), ==, 1);
  g_assert_cmpuint (response->created->len, ==, 1);
  g_assert_cmpuint (count_id (response->created, hooli), ==, 1);
  company = test_find_company (response->companies, initech);
  g_assert_nonnull (company);
  g_assert_cmpstr (company->values[COMPANIES_FIELD_NAME], ==, "Initech");
}

/* An add whose uuid is known, alive or deleted, writes nothing, takes no
 * version and answers the record as it stands. */
static void
test_add_idempotent (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(CompaniesSyncRequest) retry = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) late = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesSyncResponse) late_response = NULL;
  g_autoptr(CompaniesServerRecord) stored = NULL;
  CompaniesRecord *company;
  gint64 version;
  gint64 id = server_test_merge_add_company (fixture, uuid, "Acme", "Lyon", &version);

  test_request_add (retry, uuid, "name", "Acme renamed", NULL);
  response = server_test_merge_apply (fixture, retry);
  g_assert_cmpuint (response->rejected->len, ==, 0);
  company = test_find_company (response->companies, id);
  g_assert_nonnull (company);
  g_assert_cmpint (company->version, ==, version);
  g_assert_cmpstr (company->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpstr (company->values[COMPANIES_FIELD_CITY], ==, "Lyon");
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, version);

  /* Deleted meanwhile: a late retry does not bring it back. */
  companies_sync_response_free (delete_company (fixture, id, NOW));
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, version + 1);

  test_request_add (late, uuid, "name", "Acme again", NULL);
  late_response = server_test_merge_apply (fixture, late);
  g_assert_cmpuint (late_response->companies->len, ==, 0);
  g_assert_nonnull (test_find_company (late_response->deleted, id));
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, version + 1);
  stored = server_test_merge_lookup (fixture, id);
  g_assert_true (stored->deleted);
}

/* Many adds, among them retries of an alive record and of a tombstone (a
 * store may insert the new ones without waiting, companies-server-store.h):
 * a retry returns the record as it is, a new one is a record of its own. */
static void
test_add_many_with_retries (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *alive_uuid = g_uuid_string_random ();
  g_autofree char *deleted_uuid = g_uuid_string_random ();
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) new_uuids = g_ptr_array_new_with_free_func (g_free);
  gint64 alive_version, deleted_version, before;
  CompaniesRecord *kept;
  gint64 alive_id = server_test_merge_add_company (fixture, alive_uuid, "Kept", "Braga", &alive_version);
  gint64 deleted_id = server_test_merge_add_company (fixture, deleted_uuid, "Gone", "Faro", &deleted_version);

  companies_sync_response_free (delete_company (fixture, deleted_id, NOW));
  before = server_test_merge_state (fixture).last_version;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("New %u", i);
      CompaniesChange *change = test_request_add (request, NULL, "name", name, NULL);

      g_ptr_array_add (new_uuids, g_strdup (change->uuid));
      if (i == 3 || i == 6)
        test_request_add (request, i == 3 ? alive_uuid : deleted_uuid, "name", "Again", NULL);
    }
  response = server_test_merge_apply (fixture, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);

  kept = test_find_company (response->companies, alive_id);
  g_assert_cmpstr (kept->values[COMPANIES_FIELD_NAME], ==, "Kept");
  g_assert_cmpint (kept->version, ==, alive_version);
  g_assert_nonnull (test_find_company (response->deleted, deleted_id));
  for (guint i = 0; i < new_uuids->len; i++)
    {
      CompaniesRecord *company = test_find_company_by_uuid (response->companies,
                                                            new_uuids->pdata[i]);
      g_autoptr(CompaniesServerRecord) stored = NULL;

      g_assert_nonnull (company);
      g_assert_cmpint (company->id, >, deleted_id);
      stored = server_test_merge_lookup (fixture, company->id);
      g_assert_cmpstr (stored->company->uuid, ==, new_uuids->pdata[i]);
      g_assert_cmpint (stored->company->version, ==, company->version);
    }
  /* Ten new versions, none for the retries. */
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, before + 10);
}

/* Two clients that saw the same version write different fields: both
 * writes stand, each field at the version that wrote it, and neither is
 * told of an overwrite. */
static void
test_update_per_field (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) move = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) rename_response = NULL;
  g_autoptr(CompaniesSyncResponse) move_response = NULL;
  g_autoptr(CompaniesServerRecord) stored = NULL;
  CompaniesRecord *company;
  gint64 version;
  gint64 id = server_test_merge_add_company (fixture, NULL, "Acme", "Lyon", &version);

  rename_response = rename_company (fixture, id, version, "Acme SA");
  test_request_update (move, id, version, "city", "Paris", NULL);
  move_response = server_test_merge_apply (fixture, move);

  g_assert_cmpuint (rename_response->overwritten->len, ==, 0);
  g_assert_cmpuint (move_response->overwritten->len, ==, 0);
  company = test_find_company (move_response->companies, id);
  g_assert_nonnull (company);
  g_assert_cmpstr (company->values[COMPANIES_FIELD_NAME], ==, "Acme SA");
  g_assert_cmpstr (company->values[COMPANIES_FIELD_CITY], ==, "Paris");
  g_assert_cmpint (company->version, ==, version + 2);

  stored = server_test_merge_lookup (fixture, id);
  g_assert_cmpint (stored->field_versions[COMPANIES_FIELD_NAME], ==, version + 1);
  g_assert_cmpint (stored->field_versions[COMPANIES_FIELD_CITY], ==, version + 2);
  g_assert_cmpint (stored->field_versions[COMPANIES_FIELD_PHONE], ==, version);
  g_assert_cmpint (stored->company->version, ==, version + 2);
}

/* A write to a field someone wrote after the client's base version wins
 * (last write wins in arrival order) and tells what it replaced; a client
 * that had seen that write is told nothing. */
static void
test_update_last_write_wins (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) stale = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) first_response = NULL;
  g_autoptr(CompaniesSyncResponse) stale_response = NULL;
  g_autoptr(CompaniesSyncResponse) fresh_response = NULL;
  CompaniesOverwritten *overwritten;
  CompaniesRecord *company;
  gint64 version;
  gint64 id = server_test_merge_add_company (fixture, NULL, "Acme", "Lyon", &version);

  first_response = rename_company (fixture, id, version, "Acme SA");

  test_request_update (stale, id, version, "name", "Acme Ltd", "city", "Lyon", NULL);
  stale_response = server_test_merge_apply (fixture, stale);
  company = test_find_company (stale_response->companies, id);
  g_assert_cmpstr (company->values[COMPANIES_FIELD_NAME], ==, "Acme Ltd");
  g_assert_cmpint (company->version, ==, version + 2);
  /* Only the name: the city was sent unchanged. */
  g_assert_cmpuint (stale_response->overwritten->len, ==, 1);
  overwritten = find_overwritten (stale_response, id, COMPANIES_FIELD_NAME);
  g_assert_nonnull (overwritten);
  g_assert_cmpstr (overwritten->value, ==, "Acme SA");
  g_assert_cmpint (overwritten->version, ==, version + 1);

  fresh_response = rename_company (fixture, id, version + 2, "Acme Group");
  g_assert_cmpuint (fresh_response->overwritten->len, ==, 0);
  company = test_find_company (fresh_response->companies, id);
  g_assert_cmpstr (company->values[COMPANIES_FIELD_NAME], ==, "Acme Group");
}

/* Values equal to the stored ones change nothing: no version, no
 * overwritten notice, even from a stale base. */
static void
test_update_same_value (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncResponse) first_response = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesRecord *company;
  gint64 version;
  gint64 id = server_test_merge_add_company (fixture, NULL, "Acme", "Lyon", &version);

  first_response = rename_company (fixture, id, version, "Acme SA");

  /* " Acme SA " is stored trimmed: the same name. */
  response = rename_company (fixture, id, version, " Acme SA ");
  g_assert_cmpuint (response->overwritten->len, ==, 0);
  company = test_find_company (response->companies, id);
  g_assert_nonnull (company);
  g_assert_cmpint (company->version, ==, version + 1);
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, version + 1);
}

/* Deletes win: an update of a tombstone is dropped without a rejection,
 * and the tombstone is answered. Deleting a missing or deleted record is
 * fine and takes no version. */
static void
test_delete_wins (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) again = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) delete_response = NULL;
  g_autoptr(CompaniesSyncResponse) update_response = NULL;
  g_autoptr(CompaniesSyncResponse) again_response = NULL;
  g_autoptr(CompaniesServerRecord) stored = NULL;
  CompaniesRecord *tombstone;
  gint64 version;
  gint64 id = server_test_merge_add_company (fixture, NULL, "Acme", "Lyon", &version);

  delete_response = delete_company (fixture, id, NOW);
  tombstone = test_find_company (delete_response->deleted, id);
  g_assert_nonnull (tombstone);
  g_assert_cmpint (tombstone->version, ==, version + 1);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_assert_null (tombstone->values[i]);

  update_response = rename_company (fixture, id, version, "Acme SA");
  g_assert_cmpuint (update_response->rejected->len, ==, 0);
  g_assert_cmpuint (update_response->companies->len, ==, 0);
  g_assert_nonnull (test_find_company (update_response->deleted, id));

  test_request_delete (again, id);
  test_request_delete (again, id + 1000);
  again_response = server_test_merge_apply (fixture, again);
  g_assert_cmpuint (again_response->rejected->len, ==, 0);
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, version + 1);

  stored = server_test_merge_lookup (fixture, id);
  g_assert_true (stored->deleted);
  g_assert_cmpint (stored->company->version, ==, version + 1);
  g_assert_null (stored->company->values[COMPANIES_FIELD_NAME]);
}

/* An update of an id the server never had is rejected not_found. */
static void
test_update_unknown (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncResponse) response = rename_company (fixture, 4242, 1, "Nobody");
  CompaniesRejected *rejected = test_find_rejected (response, NULL, 4242);

  g_assert_nonnull (rejected);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_NOT_FOUND);
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, 0);
}

/* A cursor of another server database: its ids are not ours, so updates
 * are rejected not_found, deletes ignored, and a snapshot starts. */
static void
test_foreign_cursor (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *other_uuid = g_uuid_string_random ();
  g_autofree char *cursor = NULL;
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesServerRecord) stored = NULL;
  CompaniesRejected *rejected;
  gint64 version;
  gint64 id = server_test_merge_add_company (fixture, NULL, "Acme", "Lyon", &version);

  cursor = companies_server_cursor_format (other_uuid, version, FALSE);
  request = test_request_new (cursor);
  test_request_update (request, id, version, "name", "Not this one", NULL);
  test_request_delete (request, id);
  response = server_test_merge_apply (fixture, request);

  g_assert_true (response->reset);
  rejected = test_find_rejected (response, NULL, id);
  g_assert_nonnull (rejected);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_NOT_FOUND);
  g_assert_cmpuint (response->deleted->len, ==, 0);

  stored = server_test_merge_lookup (fixture, id);
  g_assert_false (stored->deleted);
  g_assert_cmpstr (stored->company->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpint (server_test_merge_state (fixture).last_version, ==, version);
}

/* A cursor this server could not have made is refused before any
 * transaction, naming the cursor. */
static void
test_bad_cursor (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new ("not-a-cursor");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CompaniesServerCursor cursor;
  gboolean has_cursor = FALSE;

  g_assert_false (companies_server_sync_read_cursor (request, &cursor, &has_cursor,
                                                     &path, &error));
  g_assert_error (error, COMPANIES_PROTOCOL_ERROR, COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (path, ==, "cursor");
}

/* Changes after a cursor come in version order, tombstones included; the
 * first page of a snapshot lists alive records only. */
static void
test_page_after_cursor (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncRequest) snapshot = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) delete_response = NULL;
  g_autoptr(CompaniesSyncResponse) pull_response = NULL;
  g_autoptr(CompaniesSyncResponse) snapshot_response = NULL;
  gint64 first_version, second_version;
  gint64 first = server_test_merge_add_company (fixture, NULL, "First", "Lyon", &first_version);
  gint64 second = server_test_merge_add_company (fixture, NULL, "Second", "Paris", &second_version);

  delete_response = delete_company (fixture, first, NOW);

  pull_response = server_test_merge_pull_after (fixture, first_version);
  g_assert_false (pull_response->reset);
  g_assert_false (pull_response->has_more);
  g_assert_cmpuint (pull_response->companies->len, ==, 1);
  g_assert_nonnull (test_find_company (pull_response->companies, second));
  g_assert_cmpuint (pull_response->deleted->len, ==, 1);
  g_assert_nonnull (test_find_company (pull_response->deleted, first));
  g_assert_cmpint (test_cursor_version (pull_response->cursor), ==, second_version + 1);

  snapshot_response = server_test_merge_apply (fixture, snapshot);
  g_assert_true (snapshot_response->reset);
  g_assert_cmpuint (snapshot_response->companies->len, ==, 1);
  g_assert_cmpuint (snapshot_response->deleted->len, ==, 0);
}

/* Tombstones older than the given days are purged, newer ones kept; the
 * purge horizon sends an older cursor back to a snapshot; ids are never
 * reused. */
static void
test_purge (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(CompaniesSyncResponse) pull_response = NULL;
  g_autoptr(CompaniesServerRecord) purged = NULL;
  g_autoptr(CompaniesServerRecord) kept = NULL;
  g_autoptr(GError) error = NULL;
  gint64 old_version, new_version;
  gint64 old_id = server_test_merge_add_company (fixture, NULL, "Old", "Lyon", &old_version);
  gint64 new_id = server_test_merge_add_company (fixture, NULL, "New", "Paris", &new_version);
  guint n_purged = 0;

  companies_sync_response_free (delete_company (fixture, old_id, NOW - 100 * SECONDS_PER_DAY));
  companies_sync_response_free (delete_company (fixture, new_id, NOW - 10 * SECONDS_PER_DAY));

  g_assert_true (companies_server_store_begin (fixture->store, &error));
  g_assert_true (companies_server_sync_purge (fixture->store, 90, NOW, &n_purged, &error));
  g_assert_true (companies_server_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_purged, ==, 1);

  purged = server_test_merge_lookup (fixture, old_id);
  g_assert_null (purged);
  kept = server_test_merge_lookup (fixture, new_id);
  g_assert_nonnull (kept);
  g_assert_true (kept->deleted);

  /* The horizon is the purged tombstone's version. */
  g_assert_cmpint (server_test_merge_state (fixture).purge_horizon, ==, new_version + 1);

  /* A client that synced before that tombstone may have missed the
   * delete: it gets a snapshot. */
  pull_response = server_test_merge_pull_after (fixture, new_version);
  g_assert_true (pull_response->reset);

  g_assert_cmpint (server_test_merge_add_company (fixture, NULL, "Later", "Nice", NULL), >, new_id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  SERVER_TEST_MERGE_ADD ("/server/merge/add-new", test_add_new);
  SERVER_TEST_MERGE_ADD ("/server/merge/add-answered-once", test_add_answered_once);
  SERVER_TEST_MERGE_ADD ("/server/merge/add-idempotent", test_add_idempotent);
  SERVER_TEST_MERGE_ADD ("/server/merge/add-many-with-retries", test_add_many_with_retries);
  SERVER_TEST_MERGE_ADD ("/server/merge/update-per-field", test_update_per_field);
  SERVER_TEST_MERGE_ADD ("/server/merge/update-last-write-wins", test_update_last_write_wins);
  SERVER_TEST_MERGE_ADD ("/server/merge/update-same-value", test_update_same_value);
  SERVER_TEST_MERGE_ADD ("/server/merge/delete-wins", test_delete_wins);
  SERVER_TEST_MERGE_ADD ("/server/merge/update-unknown", test_update_unknown);
  SERVER_TEST_MERGE_ADD ("/server/merge/foreign-cursor", test_foreign_cursor);
  SERVER_TEST_MERGE_ADD ("/server/merge/bad-cursor", test_bad_cursor);
  SERVER_TEST_MERGE_ADD ("/server/merge/page-after-cursor", test_page_after_cursor);
  SERVER_TEST_MERGE_ADD ("/server/merge/purge", test_purge);

  return g_test_run ();
}
