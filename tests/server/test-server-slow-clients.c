/* test-server-slow-clients.c: one client (127.0.0.2) opens 256 slow
 * connections; another (127.0.0.1) is still served at once, each slow
 * connection is closed by the head timeout, and a body that keeps coming
 * is not cut by a total time.
 *
 * The server runs with --max-client-connections 8, --head-timeout 3 and
 * --idle-timeout 1 (seconds).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-raw.h"

#define N_SLOW             256
#define MAX_CLIENT         8
#define HEAD_TIMEOUT_MS    3000
#define IDLE_TIMEOUT_MS    1000
/* The server checks its connections four times a second; leave room for
 * a loaded machine. */
#define SLACK_MS           1500
/* How quickly another client must be served while the slow ones hang on. */
#define SERVED_BOUND_MS    1000

static const char partial_head[] =
  "POST /v1/companies/sync HTTP/1.1\r\n"
  "Host: 127.0.0.1\r\n";

static TestServer *server;

static guint16
port (void)
{
  return companies_test_server_get_port (server->server);
}

static GSocket *
connect_from (const char *from)
{
  return raw_connect_from (port (), from);
}

/* Whether the server closed @socket already (without waiting). */
static gboolean
is_closed_now (GSocket *socket)
{
  return raw_wait_closed (socket, 1, NULL);
}

static guint
time_small_sync (void)
{
  gint64 start = g_get_monotonic_time ();

  assert_server_serves (server);
  return ms_since (start);
}

/* 256 slow connections from one client: beyond its 8, each is closed at
 * once; 127.0.0.1 is served within a second while its 8 hang on; they
 * go at the head timeout, however they trickle; and the client may
 * connect again once they are gone. */
static void
test_many_slow_connections (void)
{
  static const char health[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  GSocket *slow[N_SLOW];
  guint n_open = 0;
  guint health_ms, sync_ms;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < N_SLOW; i++)
    {
      slow[i] = connect_from ("127.0.0.2");
      if (slow[i] != NULL)
        raw_send (slow[i], partial_head, 10);  /* may fail: closed already */
    }

  /* the others are closed at once: wait until all of them are */
  for (guint i = 0; i < N_SLOW; i++)
    if (slow[i] != NULL && !raw_wait_closed (slow[i], i < MAX_CLIENT ? 1 : SERVED_BOUND_MS, NULL))
      n_open++;
  g_assert_cmpuint (n_open, ==, MAX_CLIENT);
  g_assert_cmpuint (ms_since (start), <, HEAD_TIMEOUT_MS);

  /* another client, while they hang on */
  health_ms = raw_time_health (server);
  sync_ms = time_small_sync ();
  g_test_message ("with %u slow connections open: health %u ms, a small sync %u ms",
                  n_open, health_ms, sync_ms);
  g_assert_cmpuint (health_ms, <, SERVED_BOUND_MS);
  g_assert_cmpuint (sync_ms, <, SERVED_BOUND_MS);
  test_server_wait_for_log (server, "8 connections from this client are open already");

  /* the eight trickle on, a byte every 200 ms: never idle, but their
   * head never arrives */
  while (ms_since (start) < HEAD_TIMEOUT_MS + SLACK_MS)
    {
      n_open = 0;
      for (guint i = 0; i < MAX_CLIENT; i++)
        if (!is_closed_now (slow[i]) && raw_send (slow[i], partial_head + 10, 1))
          n_open++;
      if (n_open == 0)
        break;
      g_usleep (200 * 1000);  /* the trickle's pace */
    }
  g_assert_cmpuint (n_open, ==, 0);
  g_assert_cmpuint (ms_since (start), >=, HEAD_TIMEOUT_MS - 100);
  test_server_wait_for_log (server, "its request head did not arrive within 3 seconds");

  for (guint i = 0; i < N_SLOW; i++)
    g_clear_object (&slow[i]);

  /* the server counts the client's connections down as they go */
  for (guint i = 0; i < MAX_CLIENT + 1; i++)
    {
      g_autoptr(GSocket) again = connect_from ("127.0.0.2");
      g_autoptr(GString) response = g_string_new (NULL);

      g_assert_nonnull (again);
      g_assert_true (raw_send (again, health, strlen (health)));
      g_assert_true (raw_read_answer (again, SERVED_BOUND_MS + SLACK_MS, response));
      g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 200"));
    }
}

/* A body that keeps coming, a piece every 300 ms for longer than the head
 * and idle timeouts together, is read whole and applied: bodies have a
 * stall timeout, not a total one. */
static void
test_slow_body_applied (void)
{
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  g_autoptr(GSocket) socket = raw_connect (port ());
  g_autoptr(GString) response = g_string_new (NULL);
  g_autoptr(GPtrArray) all = NULL;
  gint64 start = g_get_monotonic_time ();
  gsize sent = 0;
  gsize piece;

  body = g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, "
                          "\"added\": [{\"uuid\": \"%s\", \"fields\": {\"name\": \"Slow link\"}}]}",
                          client_id, uuid);
  head = raw_sync_head (strlen (body));
  g_assert_true (raw_send (socket, head, strlen (head)));

  /* about 16 pieces: some 5 s, past both timeouts */
  piece = strlen (body) / 16 + 1;
  while (sent < strlen (body))
    {
      gsize n = MIN (piece, strlen (body) - sent);

      g_usleep (300 * 1000);  /* the slow link's pace */
      g_assert_true (raw_send (socket, body + sent, n));
      sent += n;
    }
  g_assert_cmpuint (ms_since (start), >, HEAD_TIMEOUT_MS + IDLE_TIMEOUT_MS);

  g_assert_true (raw_read_answer (socket, 10000, response));
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 200"));

  all = test_snapshot (server);
  g_assert_nonnull (test_find_company_by_uuid (all, uuid));
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = {
    "--max-client-connections", G_STRINGIFY (MAX_CLIENT),
    "--head-timeout", "3",
    "--idle-timeout", "1",
    NULL
  };
  int result;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (FALSE, args);

  g_test_add_func ("/server/slow-clients/many-slow-connections", test_many_slow_connections);
  g_test_add_func ("/server/slow-clients/slow-body-applied", test_slow_body_applied);

  result = g_test_run ();

  test_server_free (server);

  return result;
}
