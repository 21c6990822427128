/* test-edit-in-flight.c: a local edit made while a sync is in flight
 * survives the sync and goes out with the next one. The proxy holds the
 * server's response until the edit is made (through a second connection to
 * the store, as the app does while its sync worker runs).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-edit-in-flight"

#include "e2e-helpers.h"

#define HOLD_TIMEOUT_MS 20000
#define SYNC_TIMEOUT_MS 30000

typedef struct
{
  E2eProxiedWorld      proxied;
  /* a second connection to the client's file, for the edits in flight */
  CompaniesLocalStore *other;
  guint                n_holds;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  e2e_proxied_world_setup (&fixture->proxied, NULL);
  fixture->other = companies_local_store_open (fixture->proxied.client->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->other);
  e2e_proxied_world_teardown (&fixture->proxied, NULL);
}

/* Starts a sync whose next request's response is held; returns once the
 * server has answered it and the proxy holds the answer. */
static void
start_held_sync (Fixture      *fixture,
                 E2eAsyncSync *call)
{
  guint next = companies_test_proxy_get_request_count (fixture->proxied.proxy) + 1;

  companies_test_proxy_set_action (fixture->proxied.proxy, next, COMPANIES_TEST_PROXY_HOLD);
  e2e_sync_async_start (fixture->proxied.client->client, call);
  g_assert_true (companies_test_proxy_wait_held (fixture->proxied.proxy, ++fixture->n_holds, HOLD_TIMEOUT_MS));
  g_assert_false (call->done);
}

static void
finish_held_sync (Fixture      *fixture,
                  E2eAsyncSync *call)
{
  E2eAsyncSync *calls[] = { call };

  companies_test_proxy_release (fixture->proxied.proxy);
  e2e_async_wait (calls, 1, SYNC_TIMEOUT_MS);
  g_assert_no_error (call->error);
  g_assert_nonnull (call->result);
}

static CompaniesRecord *
server_record (GHashTable       *server,
               CompaniesCompany *company)
{
  CompaniesRecord *record = g_hash_table_lookup (server, companies_company_get_uuid (company));

  g_assert_nonnull (record);
  return record;
}

/* The next sync sends the one change left and overwrites nothing of
 * ours; the store then equals the server, whose records it returns. */
static GHashTable *
sync_last_change (Fixture *fixture)
{
  E2eClient *a = fixture->proxied.client;
  g_autoptr(CompaniesSyncResult) result = e2e_sync_ok (a);
  GHashTable *server;

  g_assert_cmpuint (result->sent, ==, 1);
  g_assert_cmpuint (result->overwritten, ==, 0);
  server = e2e_server_records (e2e_world_url (&fixture->proxied.world), NULL);
  e2e_assert_store_equals (a->store, server);
  return server;
}

/* The record is being pushed (its city changed) and is edited again, the
 * same field and another one, while the push is in flight. */
static void
test_edit_of_pushed_record (Fixture       *fixture,
                            gconstpointer  data)
{
  E2eClient *a = fixture->proxied.client;
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  const char *uuid = companies_company_get_uuid (acme);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesRecord *record;
  E2eAsyncSync call;

  e2e_sync_once (a);
  g_object_unref (e2e_set (a->store, uuid, COMPANIES_FIELD_CITY, "Lisboa"));

  start_held_sync (fixture, &call);
  g_object_unref (e2e_set (fixture->other, uuid, COMPANIES_FIELD_CITY, "Braga"));
  g_object_unref (e2e_set (fixture->other, uuid, COMPANIES_FIELD_PHONE, "+351 253 000 000"));
  finish_held_sync (fixture, &call);
  g_assert_cmpuint (call.result->sent, ==, 1);
  e2e_async_clear (&call);

  /* the server has the pushed value; the local edit is kept and pending */
  server = e2e_server_records (e2e_world_url (&fixture->proxied.world), NULL);
  record = server_record (server, acme);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Lisboa");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "");

  after = e2e_lookup (a->store, uuid);
  g_assert_nonnull (after);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Braga");
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351 253 000 000");
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_true (companies_company_get_is_active (after));
  g_assert_cmpuint (companies_company_get_changed_fields (after) & COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY), !=, 0);
  g_assert_cmpuint (companies_company_get_changed_fields (after) & COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE), !=, 0);
  g_assert_cmpint (companies_company_get_version (after), ==, record->version);
  g_assert_cmpuint (e2e_status (a->store).pending_updated, ==, 1);
  g_clear_object (&after);
  g_clear_pointer (&server, g_hash_table_unref);

  /* the next sync sends it */
  server = sync_last_change (fixture);
  record = server_record (server, acme);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Braga");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 253 000 000");
}

/* A record being added is edited in flight: it gets its server id, keeps
 * the edit, and the next sync updates it (one record on the server). */
static void
test_edit_of_pushed_add (Fixture       *fixture,
                         gconstpointer  data)
{
  E2eClient *a = fixture->proxied.client;
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  const char *uuid = companies_company_get_uuid (acme);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesRecord *record;
  E2eAsyncSync call;

  start_held_sync (fixture, &call);
  g_object_unref (e2e_set (fixture->other, uuid, COMPANIES_FIELD_NAME, "Acme Renamed"));
  finish_held_sync (fixture, &call);
  g_assert_cmpuint (call.result->sent, ==, 1);
  e2e_async_clear (&call);

  server = e2e_server_records (e2e_world_url (&fixture->proxied.world), NULL);
  record = server_record (server, acme);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Acme");

  after = e2e_lookup (a->store, uuid);
  g_assert_nonnull (after);
  g_assert_cmpint (companies_company_get_id (after), ==, record->id);
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_cmpstr (companies_company_get_name (after), ==, "Acme Renamed");
  g_assert_cmpuint (companies_company_get_changed_fields (after) & COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME), !=, 0);
  added = companies_local_store_list_added (a->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 0);
  g_assert_cmpuint (e2e_status (a->store).pending_updated, ==, 1);
  g_clear_pointer (&server, g_hash_table_unref);

  server = sync_last_change (fixture);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  record = server_record (server, acme);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Acme Renamed");
}

/* A record added while the first sync (a reset: no cursor yet) is in
 * flight is not removed by the reset, and the next sync pushes it. */
static void
test_add_during_reset (Fixture       *fixture,
                       gconstpointer  data)
{
  E2eClient *a = fixture->proxied.client;
  g_autoptr(E2eClient) b = e2e_client_new (&fixture->proxied.world, "b", e2e_world_url (&fixture->proxied.world), NULL);
  g_autoptr(CompaniesCompany) theirs = e2e_add (b->store, "Theirs", "Faro", NULL);
  g_autoptr(CompaniesCompany) mine = NULL;
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  E2eAsyncSync call;

  e2e_sync_once (b);

  start_held_sync (fixture, &call);
  mine = e2e_add (fixture->other, "Mine", "Aveiro", NULL);
  finish_held_sync (fixture, &call);
  g_assert_true (call.result->reset);
  e2e_async_clear (&call);

  after = e2e_lookup (a->store, companies_company_get_uuid (mine));
  g_assert_nonnull (after);
  g_assert_false (companies_company_get_is_from_server (after));
  g_assert_true (companies_company_get_is_active (after));
  g_assert_cmpuint (e2e_status (a->store).pending_added, ==, 1);
  g_clear_object (&after);
  after = e2e_lookup (a->store, companies_company_get_uuid (theirs));
  g_assert_nonnull (after);
  e2e_assert_synced (after);

  server = sync_last_change (fixture);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
}

/* A delete made while a pull is in flight stays pending and goes out. */
static void
test_delete_during_pull (Fixture       *fixture,
                         gconstpointer  data)
{
  E2eClient *a = fixture->proxied.client;
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  const char *uuid = companies_company_get_uuid (acme);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(GHashTable) server = NULL;
  E2eAsyncSync call;

  e2e_sync_once (a);

  start_held_sync (fixture, &call);
  e2e_delete (fixture->other, uuid);
  finish_held_sync (fixture, &call);
  e2e_async_clear (&call);

  after = e2e_lookup (a->store, uuid);
  g_assert_nonnull (after);
  g_assert_false (companies_company_get_is_active (after));
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_cmpuint (e2e_status (a->store).pending_deleted, ==, 1);

  server = sync_last_change (fixture);
  g_assert_null (e2e_lookup (a->store, uuid));
  g_assert_cmpuint (g_hash_table_size (server), ==, 0);
}

/* The page in flight carries another client's change to a record edited
 * locally meanwhile: the record takes the server's other fields and keeps
 * the local edit, which goes out next. */
static void
test_edit_while_page_changes_record (Fixture       *fixture,
                                     gconstpointer  data)
{
  E2eClient *a = fixture->proxied.client;
  g_autoptr(E2eClient) b = e2e_client_new (&fixture->proxied.world, "b", e2e_world_url (&fixture->proxied.world), NULL);
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  const char *uuid = companies_company_get_uuid (acme);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesRecord *record;
  E2eAsyncSync call;

  e2e_sync_once (a);
  e2e_sync_once (b);
  g_object_unref (e2e_set (b->store, uuid, COMPANIES_FIELD_PHONE, "+351 22 111 1111"));
  e2e_sync_once (b);

  start_held_sync (fixture, &call);
  g_object_unref (e2e_set (fixture->other, uuid, COMPANIES_FIELD_CITY, "Gaia"));
  finish_held_sync (fixture, &call);
  g_assert_cmpuint (call.result->received, >=, 1);
  e2e_async_clear (&call);

  server = e2e_server_records (e2e_world_url (&fixture->proxied.world), NULL);
  record = server_record (server, acme);
  after = e2e_lookup (a->store, uuid);
  g_assert_nonnull (after);
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_PHONE), ==, "+351 22 111 1111");
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_CITY), ==, "Gaia");
  g_assert_true (companies_company_get_is_modified (after));
  g_assert_cmpuint (companies_company_get_changed_fields (after), ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
  g_assert_cmpint (companies_company_get_version (after), ==, record->version);
  g_clear_pointer (&server, g_hash_table_unref);

  server = sync_last_change (fixture);
  record = server_record (server, acme);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 22 111 1111");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Gaia");

  result = e2e_sync_ok (b);
  e2e_assert_store_equals (b->store, server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/e2e/edit-in-flight/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("edit-of-pushed-record", test_edit_of_pushed_record);
  ADD ("edit-of-pushed-add", test_edit_of_pushed_add);
  ADD ("add-during-reset", test_add_during_reset);
  ADD ("delete-during-pull", test_delete_during_pull);
  ADD ("edit-while-page-changes-record", test_edit_while_page_changes_record);
#undef ADD

  return g_test_run ();
}
