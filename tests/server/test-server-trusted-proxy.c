/* test-server-trusted-proxy.c: behind a front proxy, the per-client
 * connection limit counts the client the proxy names last in
 * X-Forwarded-For, not the proxy; the header of anyone else is ignored.
 *
 * The server runs with --trusted-proxy 127.0.0.1 and
 * --max-client-connections 2; the "proxy" is this test on 127.0.0.1, an
 * untrusted peer is 127.0.0.2. A held connection sends a sync head whose
 * body never comes, so it stays open (the idle timeout is 20 s).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-raw.h"

#define MAX_CLIENT  2
#define WAIT_MS     10000
#define ANSWER_MS   5000

static TestServer *server;

/* A connection from @from whose request head names @forwarded (NULL: no
 * X-Forwarded-For) and whose body of 100 bytes never comes. */
static GSocket *
hold (const char *from,
      const char *forwarded)
{
  g_autofree char *head = NULL;
  GSocket *socket = raw_connect_from (companies_test_server_get_port (server->server), from);

  g_assert_nonnull (socket);
  head = g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\n"
                          "X-Forwarded-For: %s\r\n"
                          "Content-Length: 100\r\n"
                          "\r\n", forwarded);
  g_assert_true (raw_send (socket, head, strlen (head)));
  return socket;
}

/* GET /v1/health from @from, naming @forwarded (NULL: no header); the
 * status, 0 when the connection was closed without an answer. */
static guint
health (const char *from,
        const char *forwarded)
{
  g_autoptr(GSocket) socket = raw_connect_from (companies_test_server_get_port (server->server), from);
  g_autoptr(GString) response = g_string_new (NULL);
  g_autofree char *request = NULL;

  if (socket == NULL)
    return 0;

  request = g_strdup_printf ("GET /v1/health HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "%s%s%s"
                             "\r\n",
                             forwarded != NULL ? "X-Forwarded-For: " : "",
                             forwarded != NULL ? forwarded : "",
                             forwarded != NULL ? "\r\n" : "");
  if (!raw_send (socket, request, strlen (request)))
    return 0;
  g_assert_true (raw_read_answer (socket, ANSWER_MS, response));
  if (response->len == 0)
    return 0;

  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 "));
  return (guint) g_ascii_strtoull (response->str + strlen ("HTTP/1.1 "), NULL, 10);
}

/* Asks health until its status is @status (the held connections are
 * counted as the server reads their heads); asserts it comes within
 * WAIT_MS. */
static void
wait_for_health (const char *from,
                 const char *forwarded,
                 guint       status)
{
  gint64 start = g_get_monotonic_time ();
  guint last;

  while ((last = health (from, forwarded)) != status && ms_since (start) < WAIT_MS)
    g_usleep (100 * 1000);  /* the server's pace, not a bound */
  if (last != status)
    {
      g_autofree char *log = companies_test_server_get_log (server->server);

      g_test_message ("the server's log:\n%s", log);
    }
  g_assert_cmpuint (last, ==, status);
}

static void
test_forwarded_client_counted (void)
{
  GSocket *held[2 * MAX_CLIENT];

  /* two clients through the proxy, each with its fill: four connections
   * from the proxy's one address */
  for (guint i = 0; i < MAX_CLIENT; i++)
    {
      held[i] = hold ("127.0.0.1", "203.0.113.7");
      held[MAX_CLIENT + i] = hold ("127.0.0.1", "198.51.100.1, 198.51.100.20");
    }

  /* the server reads the held heads before it serves two later requests
   * of another client (they arrived first); a probe of the same client
   * before that would be counted instead of one of them */
  for (guint i = 0; i < 2; i++)
    g_assert_cmpuint (health ("127.0.0.1", "192.0.2.50"), ==, 200);

  /* a third of either is closed without an answer, whatever a client
   * put before the proxy's own entry */
  wait_for_health ("127.0.0.1", "192.0.2.99, 203.0.113.7", 0);
  g_assert_cmpuint (health ("127.0.0.1", "198.51.100.20"), ==, 0);
  test_server_wait_for_log (server, "forwarded for 203.0.113.7: 2 connections from this "
                            "client are open already");

  /* others through the proxy are served: another client, a spoofed
   * first entry, the proxy itself without the header */
  g_assert_cmpuint (health ("127.0.0.1", "192.0.2.1"), ==, 200);
  g_assert_cmpuint (health ("127.0.0.1", "203.0.113.7, 192.0.2.2"), ==, 200);
  g_assert_cmpuint (health ("127.0.0.1", "[2001:db8::1]"), ==, 200);
  g_assert_cmpuint (health ("127.0.0.1", NULL), ==, 200);

  /* once its connections close, the client is served again */
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    g_object_unref (held[i]);
  wait_for_health ("127.0.0.1", "203.0.113.7", 200);
  g_assert_cmpuint (health ("127.0.0.1", "198.51.100.20"), ==, 200);
}

/* From a peer other than the trusted proxy, X-Forwarded-For changes
 * nothing: its connections count for its own address. */
static void
test_untrusted_header_ignored (void)
{
  GSocket *held[MAX_CLIENT];

  for (guint i = 0; i < MAX_CLIENT; i++)
    held[i] = hold ("127.0.0.2", "192.0.2.10");

  wait_for_health ("127.0.0.2", "192.0.2.12", 0);
  test_server_wait_for_log (server, "2 connections from this client are open already "
                            "(--max-client-connections)");
  /* nor do they count for the address they named, which has its fill
   * if they did */
  g_assert_cmpuint (health ("127.0.0.1", "192.0.2.10"), ==, 200);

  for (guint i = 0; i < MAX_CLIENT; i++)
    g_object_unref (held[i]);
  wait_for_health ("127.0.0.2", NULL, 200);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = {
    "--trusted-proxy", "127.0.0.1",
    "--max-client-connections", G_STRINGIFY (MAX_CLIENT),
    "--idle-timeout", "20",
    "--head-timeout", "20",
    NULL
  };
  int result;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (FALSE, args);

  g_test_add_func ("/server/trusted-proxy/forwarded-client-counted", test_forwarded_client_counted);
  g_test_add_func ("/server/trusted-proxy/untrusted-header-ignored", test_untrusted_header_ignored);

  result = g_test_run ();

  test_server_free (server);

  return result;
}
