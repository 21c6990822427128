/* test-keepalive.c: a running client keeps its connection to the server
 * (docs/live.md, "Clients"): N syncs, pushes and pulls, go over one
 * connection, counted at a TCP relay in front of companies-server, and
 * through the project's nginx (TLS); a connection the server side dropped
 * while idle costs nothing but a new one. The relay, delayed, costs a new
 * connection its connect's round trip, as a real link does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "companies-test-nginx.h"
#include "companies-test-tcp-proxy.h"
#include "e2e-helpers.h"

#define N_SYNCS 8
/* The delayed relay's one-way delay: a round trip of twice it. */
#define ONE_WAY_MS 40

/* A client behind a TCP relay in front of the world's server. */
typedef struct
{
  E2eWorld               world;
  CompaniesTestTcpProxy *relay;
  E2eClient             *client;
  E2eClient             *other;    /* straight to the server */
} Relayed;

static void
relayed_setup (Relayed       *r,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  e2e_world_setup (&r->world, data);
  r->relay = companies_test_tcp_proxy_new (companies_test_server_get_port (r->world.server),
                                           0, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u", companies_test_tcp_proxy_get_port (r->relay));
  r->client = e2e_client_new (&r->world, "a", url, NULL);
  r->other = e2e_client_new (&r->world, "b", e2e_world_url (&r->world), NULL);
}

static void
relayed_teardown (Relayed       *r,
                  gconstpointer  data)
{
  g_clear_pointer (&r->client, e2e_client_free);
  g_clear_pointer (&r->other, e2e_client_free);
  g_clear_pointer (&r->relay, companies_test_tcp_proxy_free);
  e2e_world_teardown (&r->world, data);
}

/* N syncs that push, pull and do nothing, on one connection. */
static void
test_one_connection (Relayed       *r,
                     gconstpointer  data)
{
  for (guint i = 0; i < N_SYNCS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Mine %u", i);
      g_autofree char *theirs = g_strdup_printf ("Theirs %u", i);
      g_autoptr(CompaniesCompany) mine = e2e_add (r->client->store, name, "Lisboa", NULL);
      g_autoptr(CompaniesCompany) other = e2e_add (r->other->store, theirs, "Porto", NULL);
      g_autoptr(CompaniesSyncResult) result = NULL;

      e2e_sync_once (r->other);
      result = e2e_sync_ok (r->client);
      g_assert_cmpuint (result->sent, ==, 1);
      g_assert_cmpuint (result->received, >=, 1);
    }
  e2e_sync_once (r->client);  /* a no-op */

  g_assert_cmpuint (companies_test_tcp_proxy_get_accepted (r->relay), ==, 1);
  e2e_assert_clean (r->client->store);
}

/* A relay that delays is a link with round trips: a new connection costs
 * its connect's round trip before the request's, a kept one only the
 * request's (tests/common/companies-test-tcp-proxy.c). Lower bounds only:
 * a loaded machine makes a sync slower, never faster. */
static void
test_delayed_link (Relayed       *r,
                   gconstpointer  data)
{
  g_autoptr(CompaniesTestTcpProxy) slow = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  E2eClient *client;
  gint64 start;

  slow = companies_test_tcp_proxy_new (companies_test_server_get_port (r->world.server),
                                       ONE_WAY_MS, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u", companies_test_tcp_proxy_get_port (slow));
  client = e2e_client_new (&r->world, "slow", url, NULL);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CompaniesSyncResult) result = NULL;
      gint64 round_trips_us = (i == 0 ? 2 : 1) * 2 * ONE_WAY_MS * 1000;

      start = g_get_monotonic_time ();
      result = e2e_sync_ok (client);
      g_assert_cmpint (g_get_monotonic_time () - start, >=, round_trips_us);
    }
  g_assert_cmpuint (companies_test_tcp_proxy_get_accepted (slow), ==, 1);

  e2e_client_free (client);
}

/* The server side drops the idle connection: the next sync opens a new
 * one and succeeds (the request that failed on the dead connection, if
 * it got there first, went again). */
static void
test_dropped_while_idle (Relayed       *r,
                         gconstpointer  data)
{
  g_autoptr(CompaniesCompany) first = e2e_add (r->client->store, "Before", NULL, NULL);
  g_autoptr(CompaniesCompany) second = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;

  e2e_sync_once (r->client);
  g_assert_cmpuint (companies_test_tcp_proxy_get_accepted (r->relay), ==, 1);

  companies_test_tcp_proxy_drop_all (r->relay);
  second = e2e_add (r->client->store, "After", NULL, NULL);
  result = e2e_sync_ok (r->client);
  g_assert_cmpuint (result->sent, ==, 1);
  g_assert_cmpuint (companies_test_tcp_proxy_get_accepted (r->relay), ==, 2);

  /* Sent once or twice, each addition is there once. */
  server = e2e_server_records (e2e_world_url (&r->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  e2e_assert_store_equals (r->client->store, server);
}

/* The keep-alive race: the kept connection is closed just as the next
 * sync's request goes out on it. The request goes again on a new
 * connection, and the sync succeeds. */
static void
test_closed_as_reused (Relayed       *r,
                       gconstpointer  data)
{
  g_autoptr(CompaniesCompany) first = e2e_add (r->client->store, "Before", NULL, NULL);
  g_autoptr(CompaniesCompany) second = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;

  e2e_sync_once (r->client);
  g_assert_cmpuint (companies_test_tcp_proxy_get_accepted (r->relay), ==, 1);
  /* Kept open by both sides. */
  g_usleep (200 * 1000);
  g_assert_cmpuint (companies_test_tcp_proxy_get_open (r->relay), ==, 1);

  companies_test_tcp_proxy_close_on_next_send (r->relay);
  second = e2e_add (r->client->store, "After", NULL, NULL);
  result = e2e_sync_ok (r->client);
  g_assert_cmpuint (result->sent, ==, 1);
  g_assert_cmpuint (companies_test_tcp_proxy_get_accepted (r->relay), ==, 2);

  server = e2e_server_records (e2e_world_url (&r->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  e2e_assert_store_equals (r->client->store, server);
}

/* The same through nginx with TLS: N syncs, one connection from the
 * client to nginx (counted at a relay between them), until it is closed
 * as it is reused: then one more. */
static void
test_through_nginx (void)
{
  g_autofree char *tmpdir = companies_test_make_tmpdir ();
  g_autofree char *server_db = g_build_filename (tmpdir, "server.db", NULL);
  const char *server_args[] = { "--trusted-proxy", "127.0.0.1", NULL };
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesTestNginx) nginx = NULL;
  g_autoptr(CompaniesTestTcpProxy) relay = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) nginx_uri = NULL;
  g_autofree char *client_db = g_build_filename (tmpdir, "a.db", NULL);
  g_autofree char *url = NULL;
  guint16 port;

  server = companies_test_server_start (server_db, server_args, &error);
  g_assert_no_error (error);
  port = companies_test_server_get_port (server);
  nginx = companies_test_nginx_start (&port, 1, &error);
  g_assert_no_error (error);

  nginx_uri = g_uri_parse (companies_test_nginx_get_url (nginx), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  relay = companies_test_tcp_proxy_new (g_uri_get_port (nginx_uri), 0, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("https://127.0.0.1:%u", companies_test_tcp_proxy_get_port (relay));

  store = companies_local_store_open (client_db, &error);
  g_assert_no_error (error);
  client = companies_sync_client_new (client_db, url, NULL);
  companies_sync_client_set_tls_ca_file (client, companies_test_nginx_get_ca_file (nginx));

  for (guint i = 0; i < N_SYNCS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Company %u", i);
      g_autoptr(CompaniesCompany) company = e2e_add (store, name, NULL, NULL);
      g_autoptr(CompaniesSyncResult) result = NULL;

      if (i == N_SYNCS / 2)
        {
          g_assert_cmpuint (companies_test_tcp_proxy_get_accepted (relay), ==, 1);
          companies_test_tcp_proxy_close_on_next_send (relay);
        }
      result = companies_sync_client_sync (client, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (result->sent, ==, 1);
    }

  g_assert_cmpuint (companies_test_tcp_proxy_get_accepted (relay), ==, 2);
  e2e_assert_clean (store);

  g_clear_object (&client);
  g_clear_pointer (&relay, companies_test_tcp_proxy_free);
  g_clear_pointer (&nginx, companies_test_nginx_free);
  companies_test_server_stop (server);
  companies_test_remove_tree (tmpdir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/keepalive/one-connection", Relayed, NULL,
              relayed_setup, test_one_connection, relayed_teardown);
  g_test_add ("/keepalive/delayed-link", Relayed, NULL,
              relayed_setup, test_delayed_link, relayed_teardown);
  g_test_add ("/keepalive/dropped-while-idle", Relayed, NULL,
              relayed_setup, test_dropped_while_idle, relayed_teardown);
  g_test_add ("/keepalive/closed-as-reused", Relayed, NULL,
              relayed_setup, test_closed_as_reused, relayed_teardown);
  g_test_add_func ("/keepalive/through-nginx", test_through_nginx);

  return g_test_run ();
}
