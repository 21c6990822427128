/* test-coalesce.c: syncs asked for while one runs are folded into one more
 * run right after it, and every caller completes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-coalesce"

#include "e2e-helpers.h"

#define HOLD_TIMEOUT_MS 20000
#define SYNC_TIMEOUT_MS 30000

static void
is_syncing_notified_cb (GObject    *object,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  guint *notifications = user_data;

  (*notifications)++;
}

/* Three calls in a row from the main loop: all complete, at most two runs. */
static void
test_three_quick_calls (E2eProxiedWorld *fixture,
                        gconstpointer    data)
{
  E2eClient *a = fixture->client;
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  g_autoptr(GHashTable) server = NULL;
  E2eAsyncSync calls[3];
  E2eAsyncSync *pointers[] = { &calls[0], &calls[1], &calls[2] };
  guint requests;

  for (guint i = 0; i < 3; i++)
    e2e_sync_async_start (a->client, &calls[i]);
  g_assert_true (companies_sync_client_get_is_syncing (a->client));
  e2e_async_wait (pointers, 3, SYNC_TIMEOUT_MS);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_nonnull (calls[i].result);
    }
  /* each run here is a single round trip */
  requests = companies_test_proxy_get_request_count (fixture->proxy);
  g_test_message ("three calls made %u requests", requests);
  g_assert_cmpuint (requests, >=, 1);
  g_assert_cmpuint (requests, <=, 2);
  g_assert_cmpuint (calls[0].order, <, calls[1].order);
  g_assert_cmpuint (calls[0].order, <, calls[2].order);
  g_assert_false (companies_sync_client_get_is_syncing (a->client));

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  e2e_assert_store_equals (a->store, server);

  for (guint i = 0; i < 3; i++)
    e2e_async_clear (&calls[i]);
}

/* The first run is held at the proxy while two more calls arrive and a
 * record is added: exactly one more run follows, it pushes the record, and
 * both waiting callers complete with it. */
static void
test_calls_during_a_run (E2eProxiedWorld *fixture,
                         gconstpointer    data)
{
  E2eClient *a = fixture->client;
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  g_autoptr(CompaniesCompany) bolt = NULL;
  g_autoptr(GHashTable) server = NULL;
  E2eAsyncSync calls[3];
  E2eAsyncSync *pointers[] = { &calls[0], &calls[1], &calls[2] };
  guint notifications = 0;

  g_signal_connect (a->client, "notify::is-syncing", G_CALLBACK (is_syncing_notified_cb), &notifications);

  companies_test_proxy_set_action (fixture->proxy, 1, COMPANIES_TEST_PROXY_HOLD);
  e2e_sync_async_start (a->client, &calls[0]);
  g_assert_true (companies_test_proxy_wait_held (fixture->proxy, 1, HOLD_TIMEOUT_MS));

  bolt = e2e_add (a->store, "Bolt", "Braga", NULL);
  e2e_sync_async_start (a->client, &calls[1]);
  e2e_sync_async_start (a->client, &calls[2]);
  g_assert_false (calls[0].done);
  g_assert_true (companies_sync_client_get_is_syncing (a->client));

  companies_test_proxy_release (fixture->proxy);
  e2e_async_wait (pointers, 3, SYNC_TIMEOUT_MS);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_nonnull (calls[i].result);
    }
  g_assert_cmpuint (companies_test_proxy_get_request_count (fixture->proxy), ==, 2);
  g_assert_cmpint (companies_test_proxy_get_request_changes (fixture->proxy, 1), ==, 1);
  g_assert_cmpint (companies_test_proxy_get_request_changes (fixture->proxy, 2), ==, 1);
  g_assert_cmpuint (calls[0].result->sent, ==, 1);
  g_assert_cmpuint (calls[1].result->sent, ==, 1);
  g_assert_cmpuint (calls[2].result->sent, ==, 1);
  g_assert_cmpuint (calls[0].order, <, calls[1].order);
  g_assert_cmpuint (calls[0].order, <, calls[2].order);
  g_assert_false (companies_sync_client_get_is_syncing (a->client));
  /* is-syncing went up and came down at least once, on this thread */
  g_assert_cmpuint (notifications, >=, 2);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  e2e_assert_store_equals (a->store, server);

  for (guint i = 0; i < 3; i++)
    e2e_async_clear (&calls[i]);
}

/* Two sync clients on one database (as the app and companies-cli would
 * be): the second waits for the first one's lock, then finds nothing left
 * to push. */
static void
test_two_sync_clients_one_database (E2eProxiedWorld *fixture,
                                    gconstpointer    data)
{
  E2eClient *a = fixture->client;
  g_autoptr(CompaniesSyncClient) other = companies_sync_client_new (a->path, companies_test_proxy_get_url (fixture->proxy), NULL);
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  g_autoptr(GHashTable) server = NULL;
  E2eAsyncSync calls[2];
  E2eAsyncSync *pointers[] = { &calls[0], &calls[1] };

  companies_test_proxy_set_action (fixture->proxy, 1, COMPANIES_TEST_PROXY_HOLD);
  e2e_sync_async_start (a->client, &calls[0]);
  g_assert_true (companies_test_proxy_wait_held (fixture->proxy, 1, HOLD_TIMEOUT_MS));
  e2e_sync_async_start (other, &calls[1]);

  /* a check that something does NOT happen needs a window: no request of
   * the second sync may reach the server while the first one holds the
   * database's sync lock */
  g_assert_false (companies_test_proxy_wait_requests (fixture->proxy, 2, 500));
  g_assert_false (calls[1].done);

  companies_test_proxy_release (fixture->proxy);
  e2e_async_wait (pointers, 2, SYNC_TIMEOUT_MS);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_nonnull (calls[i].result);
    }
  g_assert_cmpuint (calls[0].result->sent, ==, 1);
  g_assert_cmpuint (calls[1].result->sent, ==, 0);
  g_assert_cmpuint (companies_test_proxy_get_request_count (fixture->proxy), ==, 2);
  g_assert_cmpint (companies_test_proxy_get_request_changes (fixture->proxy, 2), ==, 0);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  e2e_assert_store_equals (a->store, server);

  for (guint i = 0; i < 2; i++)
    e2e_async_clear (&calls[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/e2e/coalesce/" path, E2eProxiedWorld, NULL, \
              e2e_proxied_world_setup, func, e2e_proxied_world_teardown)
  ADD ("three-quick-calls", test_three_quick_calls);
  ADD ("calls-during-a-run", test_calls_during_a_run);
  ADD ("two-sync-clients-one-database", test_two_sync_clients_one_database);
#undef ADD

  return g_test_run ();
}
