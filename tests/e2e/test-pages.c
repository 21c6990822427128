/* test-pages.c: 12000 records go up in batches of at most 10000 changes and
 * come down to another installation through pages (a pull asks for 10000
 * a page, docs/protocol.md "The request").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-pages"

#include "companies-test-proxy.h"
#include "e2e-helpers.h"

#define N_RECORDS       12000
#define MAX_BATCH       10000
#define MAX_PAGE        10000
#define SYNC_TIMEOUT_MS 120000

typedef struct
{
  GThread *main_thread;
  guint    emissions;
  guint    last_sent;
  guint    last_received;
  gboolean monotonic;
  gboolean in_main_thread;
} Progress;

static void
progress_cb (CompaniesSyncClient *client,
             guint                sent,
             guint                received,
             gpointer             user_data)
{
  Progress *progress = user_data;

  if (sent < progress->last_sent || received < progress->last_received)
    progress->monotonic = FALSE;
  if (g_thread_self () != progress->main_thread)
    progress->in_main_thread = FALSE;
  progress->emissions++;
  progress->last_sent = sent;
  progress->last_received = received;
}

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_TIME_SPAN_SECOND;
}

static void
test_twelve_thousand (E2eWorld      *world,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesTestProxy) proxy = companies_test_proxy_new (e2e_world_url (world), &error);
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(E2eClient) b = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) list_a = NULL;
  g_autoptr(GPtrArray) list_b = NULL;
  Progress progress = { g_thread_self (), 0, 0, 0, TRUE, TRUE };
  E2eAsyncSync call;
  E2eAsyncSync *calls[] = { &call };
  CompaniesStoreStatus status;
  guint first_request;
  guint last_request;
  gint pushed = 0;
  gint64 start;

  g_assert_no_error (error);
  a = e2e_client_new (world, "a", companies_test_proxy_get_url (proxy), NULL);
  b = e2e_client_new (world, "b", companies_test_proxy_get_url (proxy), NULL);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_RECORDS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Company %05u", i);
      g_autofree char *phone = g_strdup_printf ("+351 22 %07u", i);

      g_object_unref (e2e_add (a->store, name, i % 2 ? "Porto" : "Lisboa", phone));
    }
  g_test_message ("%u local adds: %.2f s", N_RECORDS, seconds_since (start));
  g_assert_cmpuint (e2e_status (a->store).pending_added, ==, N_RECORDS);

  /* push: batches of at most 10000 changes */
  start = g_get_monotonic_time ();
  result = e2e_sync_ok (a);
  g_test_message ("A pushed %u records in %u requests: %.2f s",
                  result->sent, result->requests, seconds_since (start));
  g_assert_cmpuint (result->sent, ==, N_RECORDS);
  g_assert_cmpuint (result->rejected, ==, 0);
  g_assert_cmpuint (result->requests, >=, (N_RECORDS + MAX_BATCH - 1) / MAX_BATCH);
  g_assert_cmpuint (result->requests, ==, companies_test_proxy_get_request_count (proxy));
  for (guint i = 1; i <= result->requests; i++)
    {
      gint changes = companies_test_proxy_get_request_changes (proxy, i);

      g_assert_cmpint (changes, >=, 0);
      g_assert_cmpint (changes, <=, MAX_BATCH);
      pushed += changes;
    }
  g_assert_cmpint (pushed, ==, N_RECORDS);
  g_clear_pointer (&result, companies_sync_result_free);
  e2e_assert_clean (a->store);

  /* pull: pages of 10000, so two; progress reported on the main thread */
  g_signal_connect (b->client, "progress", G_CALLBACK (progress_cb), &progress);
  first_request = companies_test_proxy_get_request_count (proxy) + 1;
  start = g_get_monotonic_time ();
  e2e_sync_async_start (b->client, &call);
  e2e_async_wait (calls, 1, SYNC_TIMEOUT_MS);
  g_assert_no_error (call.error);
  g_assert_nonnull (call.result);
  g_test_message ("B pulled %u records in %u requests: %.2f s",
                  call.result->received, call.result->requests, seconds_since (start));
  g_assert_true (call.result->reset);
  g_assert_cmpuint (call.result->received, ==, N_RECORDS);
  g_assert_cmpuint (call.result->sent, ==, 0);
  g_assert_cmpuint (call.result->requests, ==, (N_RECORDS + MAX_PAGE - 1) / MAX_PAGE);
  last_request = companies_test_proxy_get_request_count (proxy);
  g_assert_cmpuint (last_request - first_request + 1, ==, call.result->requests);
  for (guint i = first_request; i <= last_request; i++)
    g_assert_cmpint (companies_test_proxy_get_request_changes (proxy, i), ==, 0);

  g_assert_cmpuint (progress.emissions, >=, 2);
  g_assert_true (progress.monotonic);
  g_assert_true (progress.in_main_thread);
  g_assert_cmpuint (progress.last_received, ==, N_RECORDS);
  e2e_async_clear (&call);
  g_assert_false (companies_sync_client_get_is_syncing (b->client));

  status = e2e_status (b->store);
  g_assert_cmpuint (status.active, ==, N_RECORDS);

  start = g_get_monotonic_time ();
  server = e2e_server_records (e2e_world_url (world), NULL);
  g_test_message ("raw snapshot of the server: %.2f s", seconds_since (start));
  g_assert_cmpuint (g_hash_table_size (server), ==, N_RECORDS);

  start = g_get_monotonic_time ();
  e2e_assert_store_equals (b->store, server);
  e2e_assert_store_equals (a->store, server);
  list_a = e2e_list_all (a->store);
  list_b = e2e_list_all (b->store);
  e2e_assert_same_records (list_a, list_b);
  g_test_message ("comparisons: %.2f s", seconds_since (start));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/e2e/pages/twelve-thousand", E2eWorld, NULL,
              e2e_world_setup, test_twelve_thousand, e2e_world_teardown);

  return g_test_run ();
}
