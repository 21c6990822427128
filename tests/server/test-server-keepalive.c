/* test-server-keepalive.c: connections kept alive between requests
 * (docs/protocol-transport.md, "Keep-alive"): many requests on one
 * connection, idle connections closed by their clients release their
 * descriptors at once (the libsoup 3.2.3 leak, upstream commit d20c6601),
 * a last request sent just before the client's close is still answered,
 * an idle connection is closed after --keepalive-timeout, and idle
 * connections give up their slots when --max-connections are open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-feed.h"

#define KEEPALIVE_MS   2000
#define N_CONNECTIONS  40
#define SETTLE_MS      5000

static const char health[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

static guint16
port (TestServer *server)
{
  return companies_test_server_get_port (server->server);
}

static void
assert_health_on (GSocket *socket)
{
  g_autoptr(GString) response = g_string_new (NULL);

  g_assert_true (raw_send (socket, health, strlen (health)));
  g_assert_true (raw_read_answer (socket, 5000, response));
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 200"));
}

/* Waits until the server holds at most @count descriptors. */
static guint
settle_descriptors (TestServer *server,
                    guint       count)
{
  gint64 start = g_get_monotonic_time ();
  guint now;

  while ((now = feed_count_descriptors (server)) > count && ms_since (start) < SETTLE_MS)
    g_usleep (50 * 1000);

  return now;
}

/* Syncs, feed answers and health on one connection, one after another. */
static void
test_many_requests_one_connection (void)
{
  const char * const args[] = { "--keepalive-timeout", "2", NULL };
  g_autoptr(TestServer) server = test_server_start (TRUE, args);
  g_autofree char *cursor = feed_current_cursor (server);
  g_autofree char *query = feed_query (cursor, 1);
  g_autoptr(GSocket) socket = raw_connect (port (server));

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(FeedAnswer) answer = NULL;

      assert_health_on (socket);
      feed_send_on (socket, query, server->token);
      answer = feed_read (socket, 5000);
      g_assert_nonnull (answer);
      g_assert_cmpuint (answer->status, ==, 200);
      g_assert_false (answer->changed);
    }
}

/* N connections used and closed by their client leave the server with
 * no descriptor more than before. */
static void
test_closed_idle_connections_released (void)
{
  const char * const args[] = {
    "--keepalive-timeout", "600", "--max-client-connections", "100", NULL
  };
  g_autoptr(TestServer) server = test_server_start (TRUE, args);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  guint before, during, after;

  /* once a first connection came and went (whatever the first request
   * opens for good stays open) */
  before = feed_count_descriptors (server);
  g_ptr_array_add (sockets, raw_connect (port (server)));
  assert_health_on (g_ptr_array_index (sockets, 0));
  g_ptr_array_set_size (sockets, 0);
  before = settle_descriptors (server, before);

  for (guint i = 0; i < N_CONNECTIONS; i++)
    {
      GSocket *socket = raw_connect (port (server));

      assert_health_on (socket);
      g_ptr_array_add (sockets, socket);
    }

  /* all idle, all kept open (the timeout is ten minutes) */
  during = feed_count_descriptors (server);
  g_assert_cmpuint (during, >=, before + N_CONNECTIONS);

  g_ptr_array_set_size (sockets, 0);
  after = settle_descriptors (server, before);
  g_assert_cmpuint (after, <=, before);
}

/* A client that sends its last request on an idle connection and closes
 * its side at once still gets its answer. */
static void
test_last_request_then_close (void)
{
  const char * const args[] = { "--keepalive-timeout", "600", NULL };
  g_autoptr(TestServer) server = test_server_start (TRUE, args);
  g_autoptr(GSocket) socket = raw_connect (port (server));
  g_autoptr(GString) response = g_string_new (NULL);

  assert_health_on (socket);
  g_assert_true (raw_send (socket, health, strlen (health)));
  g_assert_true (g_socket_shutdown (socket, FALSE, TRUE, NULL));
  g_assert_true (raw_read_answer (socket, 5000, response));
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 200"));
}

/* An idle connection is closed after --keepalive-timeout, not before. */
static void
test_idle_timeout (void)
{
  const char * const args[] = { "--keepalive-timeout", "2", NULL };
  g_autoptr(TestServer) server = test_server_start (TRUE, args);
  g_autoptr(GSocket) socket = raw_connect (port (server));
  gint64 start;

  assert_health_on (socket);
  start = g_get_monotonic_time ();
  g_assert_true (raw_closed_within (socket, KEEPALIVE_MS + SETTLE_MS));
  g_assert_cmpuint (ms_since (start), >=, KEEPALIVE_MS - 100);
}

/* --max-connections idle connections: a new one is still served, and one
 * idle connection gave its slot up. */
static void
test_idle_gives_up_slot (void)
{
  const char * const args[] = { "--max-connections", "4", "--keepalive-timeout", "600", NULL };
  g_autoptr(TestServer) server = test_server_start (TRUE, args);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) fresh = NULL;
  guint n_closed = 0;

  for (guint i = 0; i < 4; i++)
    {
      GSocket *socket = raw_connect (port (server));

      assert_health_on (socket);
      g_ptr_array_add (sockets, socket);
    }

  fresh = raw_connect (port (server));
  assert_health_on (fresh);

  for (guint i = 0; i < sockets->len; i++)
    if (raw_closed_within (g_ptr_array_index (sockets, i), 100))
      n_closed++;
  g_assert_cmpuint (n_closed, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/keepalive/many-requests-one-connection",
                   test_many_requests_one_connection);
  g_test_add_func ("/server/keepalive/closed-idle-connections-released",
                   test_closed_idle_connections_released);
  g_test_add_func ("/server/keepalive/last-request-then-close", test_last_request_then_close);
  g_test_add_func ("/server/keepalive/idle-timeout", test_idle_timeout);
  g_test_add_func ("/server/keepalive/idle-gives-up-slot", test_idle_gives_up_slot);

  return g_test_run ();
}
