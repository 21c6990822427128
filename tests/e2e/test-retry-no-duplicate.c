/* test-retry-no-duplicate.c: the server commits, the response is lost (a
 * proxy drops it), the client retries: no duplicate, and the client ends
 * clean.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-retry-no-duplicate"

#include "e2e-helpers.h"

static void
assert_lost_response_error (GError *error)
{
  g_assert_nonnull (error);
  if (!g_error_matches (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK) &&
      !g_error_matches (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL))
    g_error ("a lost response gave %s %d: %s", g_quark_to_string (error->domain),
             error->code, error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("lost response reported as: %s", error->message);
}

/* A sync whose @request_number-th request reaches the server and whose
 * response the proxy drops: the sync fails as a lost response. */
static void
sync_losing_response (E2eProxiedWorld *fixture,
                      guint            request_number)
{
  g_autoptr(GError) error = NULL;
  CompaniesSyncResult *result;

  companies_test_proxy_set_action (fixture->proxy, request_number, COMPANIES_TEST_PROXY_DROP);
  result = e2e_sync (fixture->client, &error);
  g_assert_null (result);
  assert_lost_response_error (error);
}

/* Checks through a fresh installation talking to the server directly that
 * it receives exactly @expected records. */
static void
assert_fresh_client_receives (E2eWorld   *world,
                              const char *name,
                              guint       expected)
{
  g_autoptr(E2eClient) fresh = e2e_client_new (world, name, e2e_world_url (world), NULL);
  g_autoptr(CompaniesSyncResult) result = e2e_sync_ok (fresh);
  g_autoptr(GHashTable) server = e2e_server_records (e2e_world_url (world), NULL);

  g_assert_true (result->reset);
  g_assert_cmpuint (result->received, ==, expected);
  g_assert_cmpuint (g_hash_table_size (server), ==, expected);
  e2e_assert_store_equals (fresh->store, server);
}

static void
test_lost_add_response (E2eProxiedWorld *fixture,
                        gconstpointer    data)
{
  E2eWorld *world = &fixture->world;
  CompaniesTestProxy *proxy = fixture->proxy;
  E2eClient *a = fixture->client;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) added = NULL;
  const char *names[] = { "Acme", "Bolt", "Cog" };
  char *uuids[3];

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CompaniesCompany) company = e2e_add (a->store, names[i], "Porto", NULL);

      uuids[i] = g_strdup (companies_company_get_uuid (company));
    }

  sync_losing_response (fixture, 1);
  g_assert_cmpuint (companies_test_proxy_get_request_count (proxy), ==, 1);
  g_assert_cmpuint (companies_test_proxy_get_answered_count (proxy), ==, 1);
  g_assert_cmpint (companies_test_proxy_get_request_changes (proxy, 1), ==, 3);

  /* the server committed; the client does not know it */
  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 3);
  g_clear_pointer (&server, g_hash_table_unref);
  added = companies_local_store_list_added (a->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 3);

  /* the retry passes */
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 3);
  g_assert_cmpuint (result->rejected, ==, 0);
  g_assert_cmpuint (companies_test_proxy_get_request_changes (proxy, 2), ==, 3);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (g_hash_table_contains (server, uuids[i]));
      g_free (uuids[i]);
    }
  e2e_assert_store_equals (a->store, server);
  assert_fresh_client_receives (world, "fresh", 3);
}

static void
test_lost_update_and_delete_response (E2eProxiedWorld *fixture,
                                      gconstpointer    data)
{
  E2eWorld *world = &fixture->world;
  CompaniesTestProxy *proxy = fixture->proxy;
  E2eClient *a = fixture->client;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) kept = NULL;
  g_autoptr(CompaniesCompany) gone = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesRecord *record;
  guint before;

  kept = e2e_add (a->store, "Kept", "Porto", "+351 22 000 0000");
  gone = e2e_add (a->store, "Gone", "Porto", NULL);
  e2e_sync_once (a);

  g_object_unref (e2e_set (a->store, companies_company_get_uuid (kept),
                           COMPANIES_FIELD_PHONE, "+351 22 999 9999"));
  e2e_delete (a->store, companies_company_get_uuid (gone));

  before = companies_test_proxy_get_request_count (proxy);
  sync_losing_response (fixture, before + 1);
  g_assert_cmpuint (companies_test_proxy_get_answered_count (proxy), ==, before + 1);
  g_assert_cmpint (companies_test_proxy_get_request_changes (proxy, before + 1), ==, 2);

  /* still pending locally */
  {
    CompaniesStoreStatus status = e2e_status (a->store);

    g_assert_cmpuint (status.pending_updated, ==, 1);
    g_assert_cmpuint (status.pending_deleted, ==, 1);
  }

  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 2);
  g_assert_cmpuint (result->rejected, ==, 0);
  /* the retried update replaces its own value: nothing to report */
  g_assert_cmpuint (result->overwritten, ==, 0);
  g_assert_cmpuint (e2e_status (a->store).overwritten, ==, 0);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  record = g_hash_table_lookup (server, companies_company_get_uuid (kept));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 22 999 9999");
  g_assert_false (g_hash_table_contains (server, companies_company_get_uuid (gone)));
  e2e_assert_store_equals (a->store, server);
  assert_fresh_client_receives (world, "fresh", 1);
}

/* The server commits an addition, the response is lost, the person edits
 * the record before the next sync, and another installation changes
 * another field meanwhile. The retried addition finds the uuid known (the
 * server returns the record as first stored): the edit must still reach
 * the server, and the other installation's edit must stay. */
static void
test_lost_add_response_then_edit (E2eProxiedWorld *fixture,
                                  gconstpointer    data)
{
  E2eWorld *world = &fixture->world;
  CompaniesTestProxy *proxy = fixture->proxy;
  E2eClient *a = fixture->client;
  g_autoptr(E2eClient) b = NULL;
  g_autoptr(E2eClient) fresh = NULL;
  g_autoptr(CompaniesCompany) acme = NULL;
  g_autoptr(CompaniesCompany) seen = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesRecord *record;
  const char *uuid;

  b = e2e_client_new (world, "b", e2e_world_url (world), NULL);
  acme = e2e_add (a->store, "Acme", "Porto", "+351 22 000 0001");
  uuid = companies_company_get_uuid (acme);

  sync_losing_response (fixture, 1);
  g_assert_cmpuint (companies_test_proxy_get_answered_count (proxy), ==, 1);

  /* b gets the record and moves it to Braga. */
  e2e_sync_once (b);
  g_object_unref (e2e_set (b->store, uuid, COMPANIES_FIELD_CITY, "Braga"));
  e2e_sync_once (b);

  /* a, still not knowing the server has it, changes the phone. */
  g_object_unref (e2e_set (a->store, uuid, COMPANIES_FIELD_PHONE, "+351 22 000 0002"));

  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->rejected, ==, 0);
  g_clear_pointer (&result, companies_sync_result_free);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  record = g_hash_table_lookup (server, uuid);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 22 000 0002");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Braga");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Acme");
  e2e_assert_store_equals (a->store, server);

  /* A second installation, fresh, sees the edit. */
  fresh = e2e_client_new (world, "fresh", e2e_world_url (world), NULL);
  result = e2e_sync_ok (fresh);
  g_assert_cmpuint (result->received, ==, 1);
  seen = e2e_lookup (fresh->store, uuid);
  g_assert_nonnull (seen);
  g_assert_cmpstr (companies_company_get_field (seen, COMPANIES_FIELD_PHONE), ==, "+351 22 000 0002");
  g_assert_cmpstr (companies_company_get_field (seen, COMPANIES_FIELD_CITY), ==, "Braga");
  e2e_assert_store_equals (fresh->store, server);

  /* b converges too. */
  g_clear_pointer (&result, companies_sync_result_free);
  result = e2e_sync_ok (b);
  e2e_assert_store_equals (b->store, server);
}

/* The server commits an addition, the response is lost, the person
 * deletes the record before the next sync: the delete must reach the
 * server (the record must not live on there, nor come back here). */
static void
test_lost_add_response_then_delete (E2eProxiedWorld *fixture,
                                    gconstpointer    data)
{
  E2eWorld *world = &fixture->world;
  CompaniesTestProxy *proxy = fixture->proxy;
  E2eClient *a = fixture->client;
  g_autoptr(CompaniesCompany) acme = NULL;
  g_autoptr(CompaniesCompany) bolt = NULL;
  g_autoptr(CompaniesCompany) held = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) all = NULL;
  CompaniesStoreStatus status;
  guint before;

  acme = e2e_add (a->store, "Acme", "Porto", NULL);
  bolt = e2e_add (a->store, "Bolt", "Braga", NULL);

  sync_losing_response (fixture, 1);
  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  g_clear_pointer (&server, g_hash_table_unref);

  /* The server may hold it: the row is kept, deleted, until it knows. */
  e2e_delete (a->store, companies_company_get_uuid (acme));
  held = e2e_lookup (a->store, companies_company_get_uuid (acme));
  g_assert_nonnull (held);
  g_assert_false (companies_company_get_is_active (held));
  status = e2e_status (a->store);
  g_assert_cmpuint (status.active, ==, 1);
  g_assert_cmpuint (status.pending_added, ==, 1);
  g_assert_cmpuint (status.pending_deleted, ==, 1);

  before = companies_test_proxy_get_request_count (proxy);
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->rejected, ==, 0);
  /* the two additions again (learning the ids), then the delete */
  g_assert_cmpuint (companies_test_proxy_get_request_count (proxy), ==, before + 2);
  g_assert_cmpint (companies_test_proxy_get_request_changes (proxy, before + 1), ==, 2);
  g_assert_cmpint (companies_test_proxy_get_request_changes (proxy, before + 2), ==, 1);
  g_clear_pointer (&result, companies_sync_result_free);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  g_assert_false (g_hash_table_contains (server, companies_company_get_uuid (acme)));
  g_assert_true (g_hash_table_contains (server, companies_company_get_uuid (bolt)));
  e2e_assert_store_equals (a->store, server);

  /* It does not come back with a later sync. */
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 0);
  all = e2e_list_all (a->store);
  g_assert_cmpuint (all->len, ==, 1);
  e2e_assert_store_equals (a->store, server);
  assert_fresh_client_receives (world, "fresh", 1);
}

/* A sync that never reached the server (nothing listens): the addition
 * is still unsent, so deleting it removes it at once and nothing is ever
 * sent for it. */
static void
test_unsent_add_deleted (E2eWorld      *world,
                         gconstpointer  data)
{
  g_autofree char *offline_url = g_strdup_printf ("http://127.0.0.1:%u", e2e_unused_port ());
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(E2eClient) online = NULL;
  g_autoptr(CompaniesCompany) acme = NULL;
  g_autoptr(CompaniesCompany) gone = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GError) error = NULL;

  a = e2e_client_new (world, "a", offline_url, NULL);
  acme = e2e_add (a->store, "Acme", "Porto", NULL);
  result = e2e_sync (a, &error);
  g_assert_null (result);
  g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK);

  e2e_delete (a->store, companies_company_get_uuid (acme));
  gone = e2e_lookup (a->store, companies_company_get_uuid (acme));
  g_assert_null (gone);

  /* The same store, online now: nothing to send. */
  online = e2e_client_new (world, "a", e2e_world_url (world), NULL);
  result = e2e_sync_ok (online);
  g_assert_cmpuint (result->sent, ==, 0);
  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 0);
  e2e_assert_store_equals (online->store, server);
}

/* 1500 adds go in two requests; the second one's response is lost. */
static void
test_lost_second_batch (E2eProxiedWorld *fixture,
                        gconstpointer    data)
{
  E2eWorld *world = &fixture->world;
  CompaniesTestProxy *proxy = fixture->proxy;
  E2eClient *a = fixture->client;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesStoreStatus status;
  guint n;

  /* Batches of 1000 (the real ones hold 10000), so that 1500 make two. */
  g_setenv ("COMPANIES_TEST_PUSH_BATCH", "1000", TRUE);
  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *name = g_strdup_printf ("Batch company %04u", i);

      g_object_unref (e2e_add (a->store, name, "Coimbra", NULL));
    }

  sync_losing_response (fixture, 2);
  g_assert_cmpuint (companies_test_proxy_get_request_count (proxy), ==, 2);
  g_assert_cmpint (companies_test_proxy_get_request_changes (proxy, 1), ==, 1000);
  g_assert_cmpint (companies_test_proxy_get_request_changes (proxy, 2), ==, 500);

  /* the first batch was applied locally, the second was not */
  status = e2e_status (a->store);
  g_assert_cmpuint (status.pending_added, ==, 500);

  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 500);
  n = companies_test_proxy_get_request_count (proxy);
  for (guint i = 1; i <= n; i++)
    g_assert_cmpint (companies_test_proxy_get_request_changes (proxy, i), <=, 1000);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1500);
  e2e_assert_store_equals (a->store, server);
  assert_fresh_client_receives (world, "fresh", 1500);
  g_unsetenv ("COMPANIES_TEST_PUSH_BATCH");
}

/* The sync is cancelled while its request is out (the server commits):
 * G_IO_ERROR_CANCELLED at once, nothing applied, and the next sync makes
 * no duplicate. */
static void
test_cancelled_in_flight (E2eProxiedWorld *fixture,
                          gconstpointer    data)
{
  E2eWorld *world = &fixture->world;
  CompaniesTestProxy *proxy = fixture->proxy;
  E2eClient *a = fixture->client;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  E2eAsyncSync call;
  E2eAsyncSync *calls[] = { &call };

  g_object_unref (e2e_add (a->store, "Acme", "Porto", NULL));
  g_object_unref (e2e_add (a->store, "Bolt", "Braga", NULL));

  companies_test_proxy_set_action (proxy, 1, COMPANIES_TEST_PROXY_HOLD);
  e2e_sync_async_start_cancellable (a->client, cancellable, &call);
  g_assert_true (companies_test_proxy_wait_held (proxy, 1, 20000));
  g_cancellable_cancel (cancellable);
  /* completes while the proxy still holds the response */
  e2e_async_wait (calls, 1, 10000);
  g_assert_null (call.result);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  e2e_async_clear (&call);
  /* the run behind it stops too, still before the response comes */
  e2e_wait_not_syncing (a->client, 10000);
  g_assert_cmpuint (e2e_status (a->store).pending_added, ==, 2);
  companies_test_proxy_release (proxy);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  g_clear_pointer (&server, g_hash_table_unref);

  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 2);
  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  e2e_assert_store_equals (a->store, server);
  assert_fresh_client_receives (world, "fresh", 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/e2e/retry/lost-add-response", E2eProxiedWorld, NULL,
              e2e_proxied_world_setup, test_lost_add_response, e2e_proxied_world_teardown);
  g_test_add ("/e2e/retry/lost-update-and-delete-response", E2eProxiedWorld, NULL,
              e2e_proxied_world_setup, test_lost_update_and_delete_response, e2e_proxied_world_teardown);
  g_test_add ("/e2e/retry/lost-add-response-then-edit", E2eProxiedWorld, NULL,
              e2e_proxied_world_setup, test_lost_add_response_then_edit, e2e_proxied_world_teardown);
  g_test_add ("/e2e/retry/lost-add-response-then-delete", E2eProxiedWorld, NULL,
              e2e_proxied_world_setup, test_lost_add_response_then_delete, e2e_proxied_world_teardown);
  g_test_add ("/e2e/retry/unsent-add-deleted", E2eWorld, NULL,
              e2e_world_setup, test_unsent_add_deleted, e2e_world_teardown);
  g_test_add ("/e2e/retry/lost-second-batch", E2eProxiedWorld, NULL,
              e2e_proxied_world_setup, test_lost_second_batch, e2e_proxied_world_teardown);
  g_test_add ("/e2e/retry/cancelled-in-flight", E2eProxiedWorld, NULL,
              e2e_proxied_world_setup, test_cancelled_in_flight, e2e_proxied_world_teardown);

  return g_test_run ();
}
