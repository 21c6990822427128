/* test-offline.c: no server listening: the sync fails with
 * COMPANIES_SYNC_ERROR_NETWORK and the store is left as it was; once the
 * server runs, the same work syncs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-offline"

#include "e2e-helpers.h"

#define SYNC_TIMEOUT_MS 30000

/* A temp dir, no server yet. */
static void
fixture_setup (E2eWorld      *world,
               gconstpointer  data)
{
  world->tmpdir = companies_test_make_tmpdir ();
  g_assert_nonnull (world->tmpdir);
  world->server_db = e2e_world_path (world, "server.db");
}

static void
start_server (E2eWorld *world)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (world->server);
  world->server = companies_test_server_start (world->server_db, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (world->server);
}

static char *
dead_url (void)
{
  return g_strdup_printf ("http://127.0.0.1:%u", e2e_unused_port ());
}

static void
assert_network_error (GError *error)
{
  g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("offline: %s", error->message);
}

/* A blocking sync that fails and leaves the store unchanged. */
static void
assert_offline_sync (E2eClient *client)
{
  g_autoptr(GPtrArray) before = e2e_list_all (client->store);
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status_before = e2e_status (client->store);

  result = e2e_sync (client, &error);
  g_assert_null (result);
  assert_network_error (error);

  e2e_assert_unchanged_since (client->store, before, &status_before);
  g_assert_false (companies_sync_client_get_is_syncing (client->client));
}

static void
test_never_reached (E2eWorld      *world,
                    gconstpointer  data)
{
  g_autofree char *url = dead_url ();
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", url, NULL);
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;

  assert_offline_sync (a);
  g_assert_false (e2e_status (a->store).has_cursor);
  g_assert_cmpuint (e2e_status (a->store).pending_added, ==, 1);

  start_server (world);
  companies_sync_client_set_server_url (a->client, e2e_world_url (world));
  g_assert_cmpstr (companies_sync_client_get_server_url (a->client), ==, e2e_world_url (world));
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 1);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  e2e_assert_store_equals (a->store, server);
}

/* The server goes away after a sync; offline edits wait; the server comes
 * back on the same database (another port) and they go up. */
static void
test_server_went_away (E2eWorld      *world,
                       gconstpointer  data)
{
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(CompaniesCompany) acme = NULL;
  g_autoptr(CompaniesCompany) bolt = NULL;
  g_autoptr(CompaniesCompany) cog = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesRecord *record;

  start_server (world);
  a = e2e_client_new (world, "a", e2e_world_url (world), NULL);
  acme = e2e_add (a->store, "Acme", "Porto", NULL);
  bolt = e2e_add (a->store, "Bolt", "Porto", NULL);
  e2e_sync_once (a);

  companies_test_server_stop (world->server);
  g_clear_pointer (&world->server, companies_test_server_free);

  g_object_unref (e2e_set (a->store, companies_company_get_uuid (acme), COMPANIES_FIELD_CITY, "Lisboa"));
  e2e_delete (a->store, companies_company_get_uuid (bolt));
  cog = e2e_add (a->store, "Cog", "Braga", NULL);
  assert_offline_sync (a);

  start_server (world);
  companies_sync_client_set_server_url (a->client, e2e_world_url (world));
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 3);
  g_assert_false (result->reset);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  record = g_hash_table_lookup (server, companies_company_get_uuid (acme));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Lisboa");
  g_assert_true (g_hash_table_contains (server, companies_company_get_uuid (cog)));
  e2e_assert_store_equals (a->store, server);
}

/* The same through sync_async: the callback gets the error. */
static void
test_async_offline (E2eWorld      *world,
                    gconstpointer  data)
{
  g_autofree char *url = dead_url ();
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", url, NULL);
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  g_autoptr(GPtrArray) before = e2e_list_all (a->store);
  g_autoptr(GPtrArray) after = NULL;
  E2eAsyncSync call;
  E2eAsyncSync *calls[] = { &call };

  e2e_sync_async_start (a->client, &call);
  e2e_async_wait (calls, 1, SYNC_TIMEOUT_MS);
  g_assert_null (call.result);
  assert_network_error (call.error);
  e2e_async_clear (&call);
  g_assert_false (companies_sync_client_get_is_syncing (a->client));

  after = e2e_list_all (a->store);
  e2e_assert_same_records (before, after);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/e2e/offline/" path, E2eWorld, NULL, fixture_setup, func, e2e_world_teardown)
  ADD ("never-reached", test_never_reached);
  ADD ("server-went-away", test_server_went_away);
  ADD ("async", test_async_offline);
#undef ADD

  return g_test_run ();
}
