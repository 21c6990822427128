/* test-server-limits.c: slow, stalled, truncated, oversized and too many
 * connections, over raw TCP: each is closed within its bound, and the
 * server keeps answering others meanwhile.
 *
 * The server runs with small limits: --idle-timeout 1, --head-timeout 2
 * (seconds), --max-body-bytes 65536.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-raw.h"

#define IDLE_TIMEOUT_MS    1000
#define HEAD_TIMEOUT_MS    2000
#define MAX_BODY           65536
/* The server checks its connections four times a second; leave room for
 * a loaded machine. */
#define SLACK_MS           1500
/* How quickly another client must be served while a bad one hangs on. */
#define HEALTH_BOUND_MS    1000

static TestServer *server;

static guint16
port (void)
{
  return companies_test_server_get_port (server->server);
}

static char *
one_add_body (const char *uuid)
{
  g_autofree char *client_id = g_uuid_string_random ();

  return g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, "
                          "\"added\": [{\"uuid\": \"%s\", \"fields\": {\"name\": \"Never applied\"}}]}",
                          client_id, uuid);
}

static void
assert_log_has (const char *text)
{
  test_server_wait_for_log (server, text);
}

static void
assert_not_applied (const char *uuid)
{
  g_autoptr(GPtrArray) all = test_snapshot (server);

  g_assert_null (test_find_company_by_uuid (all, uuid));
}

/* A client that connects and sends nothing is dropped after the head
 * timeout, not before; others are served meanwhile. */
static void
test_silent_connection (void)
{
  g_autoptr(GSocket) socket = raw_connect (port ());
  gint64 start = g_get_monotonic_time ();
  guint elapsed;

  g_assert_cmpuint (raw_time_health (server), <, HEALTH_BOUND_MS);
  g_assert_true (raw_closed_within (socket, HEAD_TIMEOUT_MS + SLACK_MS));
  elapsed = ms_since (start);
  g_assert_cmpuint (elapsed, >=, HEAD_TIMEOUT_MS - 100);

  assert_log_has ("its request head did not arrive within 2 seconds");
  assert_server_serves (server);
}

/* A request head that stops halfway, and a body that stops halfway: the
 * first dropped at the head timeout, the second once nothing came for the
 * idle timeout; nothing applied. */
static void
test_stalled_requests (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = one_add_body (uuid);
  g_autofree char *head = raw_sync_head (strlen (body));
  g_autoptr(GSocket) in_head = raw_connect (port ());
  g_autoptr(GSocket) in_body = raw_connect (port ());
  gint64 start = g_get_monotonic_time ();

  g_assert_true (raw_send (in_head, head, strlen (head) / 2));
  g_assert_true (raw_send (in_body, head, strlen (head)));
  g_assert_true (raw_send (in_body, body, strlen (body) / 2));

  /* both hang on; another client is served at once */
  g_assert_cmpuint (raw_time_health (server), <, HEALTH_BOUND_MS);
  assert_server_serves (server);

  g_assert_true (raw_closed_within (in_body, IDLE_TIMEOUT_MS + SLACK_MS));
  g_assert_true (raw_closed_within (in_head, HEAD_TIMEOUT_MS + SLACK_MS));
  assert_log_has ("it sent nothing for 1 second");
  g_assert_cmpuint (ms_since (start), >=, IDLE_TIMEOUT_MS - 100);

  assert_not_applied (uuid);
  assert_server_serves (server);
}

/* A slow-loris: one byte every 200 ms is never idle, but the request head
 * must arrive within the head timeout. */
static void
test_byte_by_byte (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = one_add_body (uuid);
  g_autofree char *head = raw_sync_head (strlen (body));
  g_autofree char *request = g_strconcat (head, body, NULL);
  g_autoptr(GSocket) socket = raw_connect (port ());
  gint64 start = g_get_monotonic_time ();
  gboolean closed = FALSE;
  gboolean checked_health = FALSE;
  gsize sent = 0;
  guint elapsed;

  /* bounded by the request's length, and by the deadline below */
  while (sent < strlen (request) && ms_since (start) < HEAD_TIMEOUT_MS + 3 * SLACK_MS)
    {
      if (!raw_send (socket, request + sent, 1))
        {
          closed = TRUE;
          break;
        }
      sent++;

      if (raw_closed_within (socket, 200))
        {
          closed = TRUE;
          break;
        }

      if (!checked_health && ms_since (start) > IDLE_TIMEOUT_MS)
        {
          /* past the idle timeout, still reading: others are served */
          g_assert_cmpuint (raw_time_health (server), <, HEALTH_BOUND_MS);
          checked_health = TRUE;
        }
    }

  elapsed = ms_since (start);
  g_assert_true (closed);
  g_assert_true (checked_health);
  g_assert_cmpuint (sent, <, strlen (request));
  g_assert_cmpuint (elapsed, >=, HEAD_TIMEOUT_MS - 100);
  g_assert_cmpuint (elapsed, <=, HEAD_TIMEOUT_MS + SLACK_MS);

  assert_log_has ("its request head did not arrive within 2 seconds");
  assert_not_applied (uuid);
  assert_server_serves (server);
}

/* Content-Length promises more than comes, then the client goes: the
 * server gives up at once (it does not wait for a timeout), applies
 * nothing and answers no 200. */
static void
test_truncated_body (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = one_add_body (uuid);
  g_autofree char *head = raw_sync_head (strlen (body) + 1000);
  g_autoptr(GSocket) socket = raw_connect (port ());
  g_autoptr(GString) received = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (raw_send (socket, head, strlen (head)));
  g_assert_true (raw_send (socket, body, strlen (body)));
  g_socket_shutdown (socket, FALSE, TRUE, &error);
  g_assert_no_error (error);

  g_assert_true (raw_wait_closed (socket, IDLE_TIMEOUT_MS, received));
  g_assert_cmpuint (ms_since (start), <, IDLE_TIMEOUT_MS);
  g_assert_false (g_str_has_prefix (received->str, "HTTP/1.1 200"));

  assert_not_applied (uuid);
  assert_server_serves (server);
}

/* Bodies that grow past the limit (chunked, or a length of a terabyte)
 * are cut off as they grow: the connection closes long before the
 * client has sent everything it meant to. */
static void
test_endless_bodies (void)
{
  static const char chunked_head[] =
    "POST /v1/companies/sync HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Content-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n";
  static const char huge_head[] =
    "POST /v1/companies/sync HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 1000000000000\r\n"
    "\r\n";
  const gsize meant = 64 * 1024 * 1024;
  const gsize piece = 64 * 1024;
  g_autofree char *data = g_strnfill (piece, ' ');
  g_autofree char *chunk_size = g_strdup_printf ("%" G_GSIZE_MODIFIER "x\r\n", piece);

  for (guint chunked = 0; chunked <= 1; chunked++)
    {
      g_autoptr(GSocket) socket = raw_connect (port ());
      const char *head = chunked ? chunked_head : huge_head;
      gboolean cut = FALSE;
      gsize sent = 0;

      g_assert_true (raw_send (socket, head, strlen (head)));
      g_assert_true (raw_send (socket, "[", 1));
      while (sent < meant)
        {
          if ((chunked && !raw_send (socket, chunk_size, strlen (chunk_size))) ||
              !raw_send (socket, data, piece) ||
              (chunked && !raw_send (socket, "\r\n", 2)))
            {
              cut = TRUE;
              break;
            }
          sent += piece;
        }

      g_test_message ("%s body: cut after %" G_GSIZE_FORMAT " bytes",
                      chunked ? "chunked" : "declared", sent);
      g_assert_true (cut);
      /* the server reads at most twice its limit; the rest is what the
       * kernel's socket buffers took */
      g_assert_cmpuint (sent, <, meant / 2);
    }

  assert_log_has ("its request body went on past twice the limit");
  assert_server_serves (server);
}

/* A 200 answer to an HTTP/1.1 request keeps its connection for the next
 * request; an error answer, or an HTTP/1.0 request, closes it
 * (docs/protocol-transport.md, "Keep-alive"). */
static void
test_answer_keeps_connection (void)
{
  static const char health[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  static const char missing[] = "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  static const char old[] = "GET /v1/health HTTP/1.0\r\n\r\n";
  g_autoptr(GSocket) socket = raw_connect (port ());
  g_autoptr(GString) response = g_string_new (NULL);

  for (guint i = 0; i < 3; i++)
    {
      g_string_truncate (response, 0);
      g_assert_true (raw_send (socket, health, strlen (health)));
      g_assert_true (raw_read_answer (socket, 5000, response));
      g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 200"));
      g_assert_null (strstr (response->str, "Connection: close"));
    }

  /* an error closes it, after the answer */
  g_string_truncate (response, 0);
  g_assert_true (raw_send (socket, missing, strlen (missing)));
  g_assert_true (raw_wait_closed (socket, 5000, response));
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 404"));
  g_assert_nonnull (strstr (response->str, "Connection: close"));

  /* HTTP/1.0 knows no keep-alive without asking for it */
  g_string_truncate (response, 0);
  g_clear_object (&socket);
  socket = raw_connect (port ());
  g_assert_true (raw_send (socket, old, strlen (old)));
  g_assert_true (raw_wait_closed (socket, 5000, response));
  g_assert_nonnull (strstr (response->str, " 200 OK\r\n"));
}

/* Connections of every kind come and go: the server holds no more
 * descriptors afterwards than before (libsoup 3.2's own listener kept
 * every socket it accepted). */
static void
test_no_descriptor_leak (void)
{
  static const char health[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  static const char partial[] = "POST /v1/companies/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  guint before = raw_count_server_descriptors (server);
  guint after = 0;
  gint64 start;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GSocket) early = raw_connect (port ());
      g_autoptr(GSocket) midway = raw_connect (port ());

      g_assert_cmpuint (raw_exchange (port (), health, strlen (health), NULL), ==, 200);
      g_assert_true (raw_send (midway, partial, strlen (partial)));
      /* both go away without a word */
    }
  assert_server_serves (server);

  /* the server sees the last ones go in its own time */
  start = g_get_monotonic_time ();
  do
    {
      after = raw_count_server_descriptors (server);
      if (after <= before)
        break;
      g_usleep (20 * 1000);  /* polling, with a deadline */
    }
  while (ms_since (start) < 5000);

  g_test_message ("descriptors: %u before, %u after", before, after);
  g_assert_cmpuint (after, <=, before);
}

static void
test_max_connections (void)
{
  const char *args[] = { "--max-connections", "3", NULL };
  TestServer *small = test_server_start (FALSE, args);
  guint16 small_port = companies_test_server_get_port (small->server);
  g_autofree char *url = test_server_url (small, COMPANIES_HEALTH_PATH);
  g_autoptr(GSocket) refused = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *held[3];
  gboolean served = FALSE;
  guint status = 0;
  gint64 start;

  /* three silent connections fill the server; the kernel hands them to
   * it in order, so the fourth comes after them */
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    held[i] = raw_connect (small_port);

  refused = raw_connect (small_port);
  g_assert_true (raw_closed_within (refused, 1000));

  body = companies_test_http ("GET", url, NULL, NULL, NULL, 0, &status, &error);
  g_assert_nonnull (error);
  g_clear_pointer (&body, g_bytes_unref);
  g_clear_error (&error);

  /* one goes: a place frees up */
  g_object_unref (held[0]);
  start = g_get_monotonic_time ();
  while (!served && ms_since (start) < 5000)
    {
      body = companies_test_http ("GET", url, NULL, NULL, NULL, 0, &status, &error);
      served = body != NULL && status == 200;
      g_clear_pointer (&body, g_bytes_unref);
      g_clear_error (&error);
      if (!served)
        g_usleep (50 * 1000);  /* a poll interval, not a synchronisation */
    }
  g_assert_true (served);

  test_server_wait_for_log (small, "3 connections are open already");

  g_object_unref (held[1]);
  g_object_unref (held[2]);
  test_server_free (small);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = {
    "--idle-timeout", "1",
    "--head-timeout", "2",
    "--max-body-bytes", "65536",
    /* no-descriptor-leak opens connections faster than the server sees
     * them go: the per-client limit is test-server-slow-clients' */
    "--max-client-connections", "1000",
    NULL
  };
  int result;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (FALSE, args);

  g_test_add_func ("/server/limits/answer-keeps-connection", test_answer_keeps_connection);
  g_test_add_func ("/server/limits/silent-connection", test_silent_connection);
  g_test_add_func ("/server/limits/stalled-requests", test_stalled_requests);
  g_test_add_func ("/server/limits/byte-by-byte", test_byte_by_byte);
  g_test_add_func ("/server/limits/truncated-body", test_truncated_body);
  g_test_add_func ("/server/limits/endless-bodies", test_endless_bodies);
  g_test_add_func ("/server/limits/no-descriptor-leak", test_no_descriptor_leak);
  g_test_add_func ("/server/limits/max-connections", test_max_connections);

  result = g_test_run ();

  test_server_free (server);

  return result;
}
