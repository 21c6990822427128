/* test-nginx-front.c: installations sync through nginx (TLS, the
 * project's configuration) in front of two servers on one PostgreSQL
 * database; one server is killed in the middle of a sync
 *
 * Installation a syncs in several rounds: nginx spreads the requests over
 * both servers (both log syncs). Then a large push is on its way when one
 * server gets SIGKILL: nginx hands what it can to the other, the sync
 * completes (at worst on the installation's next try), nothing is lost or
 * doubled, and a second installation that pulls everything through nginx
 * ends equal to the first and to the database.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "cluster-test-util.h"
#include "companies-test-nginx.h"
#include "e2e-helpers.h"

#define N_ROUNDS     6
#define N_ROUND_ADDS 20
#define N_LARGE      4000

static E2eClient *
client_through (E2eWorld           *world,
                const char         *name,
                CompaniesTestNginx *nginx)
{
  E2eClient *client = e2e_client_new (world, name, companies_test_nginx_get_url (nginx), NULL);

  companies_sync_client_set_tls_ca_file (client->client, companies_test_nginx_get_ca_file (nginx));
  return client;
}

static guint
count_syncs (CompaniesTestServer *server)
{
  g_autofree char *log = companies_test_server_get_log (server);
  guint n = 0;

  for (const char *p = log; (p = strstr (p, "POST /v1/companies/sync 200")) != NULL; p++)
    n++;
  return n;
}

static void
add_many (E2eClient  *client,
          const char *prefix,
          guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %05u", prefix, i);

      g_object_unref (e2e_add (client->store, name, "Coimbra", NULL));
    }
}

static void
test_failover (void)
{
  CompaniesTestPostgres *cluster = companies_test_postgres_get ();
  const char *args[] = { "--trusted-proxy", "127.0.0.1", NULL };
  E2eWorld world = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = companies_test_postgres_create (cluster, "front", &error);
  g_autofree char *duplicates = NULL;
  g_autoptr(CompaniesTestNginx) nginx = NULL;
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(E2eClient) b = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesTestServer *servers[2];
  guint16 ports[2];
  E2eAsyncSync large = { 0, };
  E2eAsyncSync *calls[] = { &large };
  gint64 start;

  g_assert_no_error (error);
  world.tmpdir = companies_test_make_tmpdir ();
  for (guint i = 0; i < 2; i++)
    {
      servers[i] = cluster_server_start (uri, args);
      ports[i] = companies_test_server_get_port (servers[i]);
    }
  nginx = companies_test_nginx_start (ports, 2, &error);
  g_assert_no_error (error);

  /* several syncs: nginx spreads them over both servers */
  a = client_through (&world, "a", nginx);
  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autofree char *prefix = g_strdup_printf ("Round %u", round);

      add_many (a, prefix, N_ROUND_ADDS);
      e2e_sync_once (a);
    }
  g_test_message ("syncs served: %u and %u", count_syncs (servers[0]), count_syncs (servers[1]));
  g_assert_cmpuint (count_syncs (servers[0]), >, 0);
  g_assert_cmpuint (count_syncs (servers[1]), >, 0);

  /* a large push on its way when one server dies */
  add_many (a, "Large", N_LARGE);
  start = g_get_monotonic_time ();
  e2e_sync_async_start (a->client, &large);
  g_usleep (100 * 1000);  /* the push is being sent or applied */
  companies_test_server_kill (servers[0]);
  e2e_async_wait (calls, 1, 120000);
  g_test_message ("the sync during the kill: %s after %u ms",
                  large.error != NULL ? large.error->message : "done",
                  (guint) ((g_get_monotonic_time () - start) / 1000));
  e2e_async_clear (&large);
  /* at worst the next try completes it, through the server left */
  e2e_sync_once (a);
  e2e_assert_clean (a->store);

  server = e2e_server_records (companies_test_server_get_url (servers[1]), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, N_ROUNDS * N_ROUND_ADDS + N_LARGE);
  e2e_assert_store_equals (a->store, server);
  duplicates = cluster_sql_text (uri, "SELECT count(*) - count(DISTINCT name) FROM company");
  g_assert_cmpstr (duplicates, ==, "0");

  /* another installation gets it all through nginx */
  b = client_through (&world, "b", nginx);
  e2e_sync_once (b);
  e2e_assert_store_equals (b->store, server);

  companies_test_server_free (servers[0]);
  companies_test_server_free (servers[1]);
  g_clear_pointer (&nginx, companies_test_nginx_free);
  e2e_world_teardown (&world, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cluster/nginx-front", test_failover);

  return g_test_run ();
}
