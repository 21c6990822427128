/* test-auth.c: a server started with --tokens refuses a client without the
 * right token (COMPANIES_SYNC_ERROR_UNAUTHORIZED, nothing changes locally)
 * and serves one with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-auth"

#include <string.h>

#include "e2e-helpers.h"

#define TOKEN_1 "first-token-0123456789abcdef"
#define TOKEN_2 "second-token-fedcba9876543210"

static void
fixture_setup (E2eWorld      *world,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tokens = NULL;
  const char *args[] = { "--tokens", NULL, NULL };

  world->tmpdir = companies_test_make_tmpdir ();
  g_assert_nonnull (world->tmpdir);
  tokens = e2e_world_path (world, "tokens");
  companies_test_write_private (tokens,
                                "# tokens of the e2e tests\n"
                                "\n"
                                TOKEN_1 "\n"
                                TOKEN_2 "\n");

  args[1] = tokens;
  world->server_db = e2e_world_path (world, "server.db");
  world->server = companies_test_server_start (world->server_db, args, &error);
  g_assert_no_error (error);
  g_assert_nonnull (world->server);
}

/* A sync with @token is refused and leaves the store as it was. */
static void
assert_refused (E2eClient  *client,
                const char *token)
{
  g_autoptr(GPtrArray) before = e2e_list_all (client->store);
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status_before = e2e_status (client->store);

  companies_sync_client_set_token (client->client, token);
  result = e2e_sync (client, &error);
  g_assert_null (result);
  g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("refused: %s", error->message);
  if (token != NULL)
    g_assert_null (g_strstr_len (error->message, -1, token));

  e2e_assert_unchanged_since (client->store, before, &status_before);
}

static void
test_token_required (E2eWorld      *world,
                     gconstpointer  data)
{
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", e2e_world_url (world), NULL);
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (e2e_world_url (world), COMPANIES_SYNC_PATH, NULL);
  const char *body = "{\"protocol\": 1, \"client_id\": \"5d1c0e5e-8a4f-4f7e-9a57-3f6f0c4d2b11\", "
                     "\"cursor\": null, \"added\": [], \"updated\": [], \"deleted\": []}";
  guint status = 0;

  assert_refused (a, NULL);
  assert_refused (a, "wrong-token");
  assert_refused (a, TOKEN_1 "x");

  server = e2e_server_records (e2e_world_url (world), TOKEN_1);
  g_assert_cmpuint (g_hash_table_size (server), ==, 0);
  g_clear_pointer (&server, g_hash_table_unref);

  companies_sync_client_set_token (a->client, TOKEN_1);
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 1);
  g_clear_pointer (&result, companies_sync_result_free);

  server = e2e_server_records (e2e_world_url (world), TOKEN_1);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  g_assert_true (g_hash_table_contains (server, companies_company_get_uuid (acme)));
  e2e_assert_store_equals (a->store, server);

  /* refused again once the token is gone; the synced store stays as is */
  g_object_unref (e2e_set (a->store, companies_company_get_uuid (acme), COMPANIES_FIELD_CITY, "Lisboa"));
  assert_refused (a, NULL);

  /* the raw endpoint says 401 too */
  reply = companies_test_http ("POST", uri, "application/json", NULL, body, (gssize) strlen (body),
                               &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 401);
}

/* Every token of the file works, a comment line is not a token. */
static void
test_second_token (E2eWorld      *world,
                   gconstpointer  data)
{
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", e2e_world_url (world), TOKEN_2);
  g_autoptr(E2eClient) b = e2e_client_new (world, "b", e2e_world_url (world), TOKEN_1);
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  g_autoptr(GHashTable) server = NULL;

  e2e_sync_once (a);
  e2e_sync_once (b);

  server = e2e_server_records (e2e_world_url (world), TOKEN_2);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  e2e_assert_store_equals (a->store, server);
  e2e_assert_store_equals (b->store, server);

  g_object_unref (e2e_add (b->store, "Bolt", "Braga", NULL));
  assert_refused (b, "# tokens of the e2e tests");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/e2e/auth/token-required", E2eWorld, NULL,
              fixture_setup, test_token_required, e2e_world_teardown);
  g_test_add ("/e2e/auth/second-token", E2eWorld, NULL,
              fixture_setup, test_second_token, e2e_world_teardown);

  return g_test_run ();
}
