/* test-pipeline.c: a sync sends request n+1 while it applies response n.
 * With batches of 5 (COMPANIES_TEST_PUSH_BATCH), these tests prove that
 * the overlap happens (request 2 reaches the server while the store is
 * locked, so response 1 cannot have been applied yet), that local edits
 * made meanwhile are neither lost nor duplicated, and that a connection
 * lost in the middle of the pipeline loses and duplicates nothing either.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-pipeline"

#include <sqlite3.h>

#include "e2e-helpers.h"

#define BATCH           "5"
#define N_SYNCED        10
#define N_ADDS          12
#define WAIT_MS         20000

typedef struct
{
  E2eProxiedWorld  proxied;
  char            *synced[N_SYNCED];
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CompaniesSyncResult) result = NULL;

  e2e_proxied_world_setup (&fixture->proxied, NULL);

  for (guint i = 0; i < N_SYNCED; i++)
    {
      g_autofree char *name = g_strdup_printf ("Synced %02u", i);
      g_autoptr(CompaniesCompany) company = e2e_add (fixture->proxied.client->store, name, "Porto", NULL);

      fixture->synced[i] = g_strdup (companies_company_get_uuid (company));
    }
  result = e2e_sync_ok (fixture->proxied.client);
  g_assert_cmpuint (result->sent, ==, N_SYNCED);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < N_SYNCED; i++)
    g_free (fixture->synced[i]);
  e2e_proxied_world_teardown (&fixture->proxied, NULL);
}

/* The proxy's request number of the next request. */
static guint
next_request (Fixture *fixture)
{
  return companies_test_proxy_get_request_count (fixture->proxied.proxy) + 1;
}

static void
set_city (Fixture    *fixture,
          const char *uuid,
          const char *city)
{
  g_object_unref (e2e_set (fixture->proxied.client->store, uuid, COMPANIES_FIELD_CITY, city));
}

/* Syncs until nothing is pending, then checks that the store and the
 * server hold the same records, each once. */
static GHashTable *
converge (Fixture *fixture,
          guint    expected)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *server;
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CompaniesSyncResult) result = e2e_sync_ok (fixture->proxied.client);
      CompaniesStoreStatus status = e2e_status (fixture->proxied.client->store);

      if (status.pending_added + status.pending_updated + status.pending_deleted == 0)
        break;
    }
  e2e_assert_clean (fixture->proxied.client->store);

  server = e2e_server_records (e2e_world_url (&fixture->proxied.world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, expected);
  e2e_assert_store_equals (fixture->proxied.client->store, server);

  /* No record was created twice (every name here is unique). */
  g_hash_table_iter_init (&iter, server);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const CompaniesRecord *record = value;

      g_assert_false (g_hash_table_contains (names, record->values[COMPANIES_FIELD_NAME]));
      g_hash_table_add (names, record->values[COMPANIES_FIELD_NAME]);
    }

  return server;
}

static const char *
server_city (GHashTable *server,
             const char *uuid)
{
  const CompaniesRecord *record = g_hash_table_lookup (server, uuid);

  g_assert_nonnull (record);
  return record->values[COMPANIES_FIELD_CITY];
}

/* Ten updates go in two requests. The store is locked while response 1
 * arrives: request 2 still reaches the server, so it left before response
 * 1 was applied. Edits made while request 2 is held (of a record of
 * request 1, one of request 2, a new one, a delete) all reach the server
 * with the next sync. */
static void
test_edits_during_pipeline (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = g_strdup (fixture->proxied.client->path);
  g_autoptr(CompaniesCompany) added = NULL;
  g_autoptr(GHashTable) server = NULL;
  E2eAsyncSync call;
  E2eAsyncSync *calls[] = { &call };
  sqlite3 *db = NULL;
  guint first = next_request (fixture);

  for (guint i = 0; i < N_SYNCED; i++)
    set_city (fixture, fixture->synced[i], "Lisboa");

  companies_test_proxy_set_action (fixture->proxied.proxy, first, COMPANIES_TEST_PROXY_HOLD);
  companies_test_proxy_set_action (fixture->proxied.proxy, first + 1, COMPANIES_TEST_PROXY_HOLD);
  e2e_sync_async_start (fixture->proxied.client->client, &call);
  g_assert_true (companies_test_proxy_wait_held (fixture->proxied.proxy, 1, WAIT_MS));

  /* Nobody may write now: response 1 cannot be applied. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  companies_test_proxy_release (fixture->proxied.proxy);
  g_assert_true (companies_test_proxy_wait_requests (fixture->proxied.proxy, first + 1, WAIT_MS));
  g_assert_cmpint (companies_test_proxy_get_request_changes (fixture->proxied.proxy, first), ==, 5);
  g_assert_cmpint (companies_test_proxy_get_request_changes (fixture->proxied.proxy, first + 1), ==, 5);
  g_assert_cmpuint (e2e_status (fixture->proxied.client->store).pending_updated, ==, N_SYNCED);
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  /* Response 2 is held: edit what is in flight and what is not. */
  g_assert_true (companies_test_proxy_wait_held (fixture->proxied.proxy, 2, WAIT_MS));
  set_city (fixture, fixture->synced[0], "Braga");   /* request 1 */
  set_city (fixture, fixture->synced[7], "Faro");    /* request 2 */
  e2e_delete (fixture->proxied.client->store, fixture->synced[8]);  /* request 2 */
  added = e2e_add (fixture->proxied.client->store, "Added meanwhile", "Coimbra", NULL);
  companies_test_proxy_release (fixture->proxied.proxy);

  e2e_async_wait (calls, 1, WAIT_MS);
  g_assert_no_error (call.error);
  g_assert_nonnull (call.result);
  g_assert_cmpuint (call.result->sent, ==, N_SYNCED);
  e2e_async_clear (&call);

  server = converge (fixture, N_SYNCED);
  g_assert_cmpstr (server_city (server, fixture->synced[0]), ==, "Braga");
  g_assert_cmpstr (server_city (server, fixture->synced[1]), ==, "Lisboa");
  g_assert_cmpstr (server_city (server, fixture->synced[7]), ==, "Faro");
  g_assert_cmpstr (server_city (server, fixture->synced[9]), ==, "Lisboa");
  g_assert_false (g_hash_table_contains (server, fixture->synced[8]));
  g_assert_cmpstr (server_city (server, companies_company_get_uuid (added)), ==, "Coimbra");
}

/* Twelve additions go in three requests. Request 2's response is held
 * while records of requests 1 and 2 are edited, then request 3's response
 * is lost (the server committed it). The sync fails; nothing is lost or
 * created twice once the next syncs retry. */
static void
test_connection_lost_mid_pipeline (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  char *adds[N_ADDS];
  E2eAsyncSync call;
  E2eAsyncSync *calls[] = { &call };
  guint first = next_request (fixture);

  for (guint i = 0; i < N_ADDS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Added %02u", i);
      g_autoptr(CompaniesCompany) company = e2e_add (fixture->proxied.client->store, name, "Porto", NULL);

      adds[i] = g_strdup (companies_company_get_uuid (company));
    }

  companies_test_proxy_set_action (fixture->proxied.proxy, first + 1, COMPANIES_TEST_PROXY_HOLD);
  companies_test_proxy_set_action (fixture->proxied.proxy, first + 2, COMPANIES_TEST_PROXY_DROP);
  e2e_sync_async_start (fixture->proxied.client->client, &call);
  g_assert_true (companies_test_proxy_wait_held (fixture->proxied.proxy, 1, WAIT_MS));
  set_city (fixture, adds[0], "Braga");    /* request 1: answered */
  set_city (fixture, adds[6], "Faro");     /* request 2: held */
  e2e_delete (fixture->proxied.client->store, adds[7]);  /* request 2 */
  companies_test_proxy_release (fixture->proxied.proxy);

  e2e_async_wait (calls, 1, WAIT_MS);
  g_assert_null (call.result);
  g_assert_nonnull (call.error);
  g_test_message ("the lost response gave: %s", call.error->message);
  e2e_async_clear (&call);
  g_assert_cmpuint (companies_test_proxy_get_request_count (fixture->proxied.proxy), ==, first + 2);
  g_assert_cmpint (companies_test_proxy_get_request_changes (fixture->proxied.proxy, first + 2), ==, 2);

  /* What came back before the loss is applied: only the additions of
   * request 3 are still the client's alone. */
  g_assert_cmpuint (e2e_status (fixture->proxied.client->store).pending_added, ==, 2);

  server = converge (fixture, N_SYNCED + N_ADDS - 1);
  g_assert_cmpstr (server_city (server, adds[0]), ==, "Braga");
  g_assert_cmpstr (server_city (server, adds[1]), ==, "Porto");
  g_assert_cmpstr (server_city (server, adds[6]), ==, "Faro");
  g_assert_cmpstr (server_city (server, adds[11]), ==, "Porto");
  g_assert_cmpstr (server_city (server, adds[10]), ==, "Porto");
  g_assert_false (g_hash_table_contains (server, adds[7]));

  for (guint i = 0; i < N_ADDS; i++)
    g_free (adds[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("COMPANIES_TEST_PUSH_BATCH", BATCH, TRUE);

#define ADD(path, func) \
  g_test_add ("/e2e/pipeline/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("edits-during-pipeline", test_edits_during_pipeline);
  ADD ("connection-lost-mid-pipeline", test_connection_lost_mid_pipeline);
#undef ADD

  return g_test_run ();
}
