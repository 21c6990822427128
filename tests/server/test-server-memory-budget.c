/* test-server-memory-budget.c: the bodies in flight share one memory
 * budget: a body that could never fit is 413, one that finds no room now
 * is 503 with Retry-After, whether its length is declared or it comes in
 * chunks; small syncs are served meanwhile, the room comes back once a
 * request is answered, and a declared length alone holds none of it.
 *
 * The server runs with --max-memory-bytes of 1 MiB: each body costs 13
 * times its size (docs/protocol-transport.md), so the largest body is
 * 80659 bytes. The bodies are small enough for the server to read each
 * in one turn (companies-server-head-guard.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-raw.h"

#define BUDGET       (1024 * 1024)
#define LARGEST_BODY (BUDGET / 13)
/* More than half the budget: two cannot be in flight at once. */
#define BIG_BODY     (48 * 1024)

static TestServer *server;

static guint16
port (void)
{
  return companies_test_server_get_port (server->server);
}

/* `[1,1,…,1]` of @length bytes (odd): what costs the most to decode. */
static char *
junk_body (gsize length)
{
  char *body = g_malloc (length + 1);

  for (gsize i = 0; i < length; i++)
    body[i] = i % 2 == 0 ? ',' : '1';
  body[0] = '[';
  body[length - 1] = ']';
  body[length] = '\0';

  return body;
}

/* Asserts the error code of the JSON body at the end of @response. */
static void
assert_error_code (GString    *response,
                   const char *expected)
{
  const char *body = strstr (response->str, "\r\n\r\n");
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;

  g_assert_nonnull (body);
  body += 4;
  g_assert_true (companies_error_body_decode (body, strlen (body), &code, &message, &path));
  g_assert_cmpstr (code, ==, expected);
}

/* A connection holding @length bytes of the budget: its head declares
 * them, and all but the last byte of its body is sent. A round trip of
 * another client then makes sure the server has read them: they were
 * waiting before the other client even connected. */
static GSocket *
hold_budget (const char *body,
             gsize       length)
{
  g_autofree char *head = raw_sync_head (length);
  GSocket *socket = raw_connect (port ());

  g_assert_true (raw_send (socket, head, strlen (head)));
  g_assert_true (raw_send (socket, body, length - 1));
  assert_server_serves (server);

  return socket;
}

/* Sends the last byte of a held body and takes its answer: the budget is
 * free again once it is in. */
static void
release_budget (GSocket    *socket,
                const char *body,
                gsize       length)
{
  g_autoptr(GString) response = g_string_new (NULL);

  g_assert_true (raw_send (socket, body + length - 1, 1));
  g_assert_true (raw_wait_closed (socket, 10000, response));
  /* junk: read whole and refused, not for the budget */
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 400"));
}

/* A body over what the whole budget holds is 413 from its length. */
static void
test_never_fits (void)
{
  g_autofree char *body = junk_body (LARGEST_BODY + 3);
  g_autofree char *code = NULL;
  guint status;

  status = test_post_raw (server, "application/json", NULL, body, -1, &code, NULL);
  g_assert_cmpuint (status, ==, 413);
  g_assert_cmpstr (code, ==, "too_large");
}

/* While one big body is in flight, another big one is 503 with
 * Retry-After, and small syncs are served; once the first is answered,
 * the second fits. (hold_budget () shows the small syncs served.) */
static void
test_busy_declared (void)
{
  g_autofree char *body = junk_body (BIG_BODY + 1);
  g_autofree char *head = raw_sync_head (strlen (body));
  g_autofree char *request = g_strconcat (head, body, NULL);
  g_autoptr(GSocket) held = hold_budget (body, strlen (body));
  g_autoptr(GString) response = g_string_new (NULL);

  g_assert_cmpuint (raw_exchange (port (), request, strlen (request), response), ==, 503);
  g_assert_nonnull (strstr (response->str, "\r\nRetry-After: 2\r\n"));
  assert_error_code (response, "busy");

  release_budget (held, body, strlen (body));
  g_string_truncate (response, 0);
  g_assert_cmpuint (raw_exchange (port (), request, strlen (request), response), ==, 400);
  assert_error_code (response, "invalid_request");
}

/* A declared length holds nothing until its bytes come: connections that
 * declare big bodies and send none leave the budget to the others. */
static void
test_declared_holds_nothing (void)
{
  g_autofree char *body = junk_body (BIG_BODY + 1);
  g_autofree char *head = raw_sync_head (strlen (body));
  g_autofree char *request = g_strconcat (head, body, NULL);
  GSocket *idle[4];

  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    {
      idle[i] = raw_connect (port ());
      g_assert_true (raw_send (idle[i], head, strlen (head)));
    }
  assert_server_serves (server);

  g_assert_cmpuint (raw_exchange (port (), request, strlen (request), NULL), ==, 400);

  for (guint i = 0; i < G_N_ELEMENTS (idle); i++)
    g_object_unref (idle[i]);
}

/* A chunked body takes the budget as it comes: once it finds no room it
 * is 503 too. */
static void
test_busy_chunked (void)
{
  static const char chunked_head[] =
    "POST /v1/companies/sync HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Content-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n";
  const gsize piece = 8 * 1024;
  g_autofree char *body = junk_body (BIG_BODY + 1);
  g_autofree char *chunk_size = g_strdup_printf ("%" G_GSIZE_MODIFIER "x\r\n", piece);
  g_autoptr(GSocket) held = hold_budget (body, strlen (body));
  g_autoptr(GSocket) chunked = raw_connect (port ());
  g_autoptr(GString) response = g_string_new (NULL);

  g_assert_true (raw_send (chunked, chunked_head, strlen (chunked_head)));
  for (gsize sent = 0; sent + piece <= BIG_BODY; sent += piece)
    if (!raw_send (chunked, chunk_size, strlen (chunk_size)) ||
        !raw_send (chunked, body + sent, piece) ||
        !raw_send (chunked, "\r\n", 2))
      break;
  raw_send (chunked, "0\r\n\r\n", 5);

  g_assert_true (raw_wait_closed (chunked, 10000, response));
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 503"));
  assert_error_code (response, "busy");

  release_budget (held, body, strlen (body));
  assert_server_serves (server);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--max-memory-bytes", "1048576", NULL };  /* BUDGET */
  int result;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (FALSE, args);

  g_test_add_func ("/server/memory-budget/never-fits", test_never_fits);
  g_test_add_func ("/server/memory-budget/busy-declared", test_busy_declared);
  g_test_add_func ("/server/memory-budget/busy-chunked", test_busy_chunked);
  g_test_add_func ("/server/memory-budget/declared-holds-nothing", test_declared_holds_nothing);

  result = g_test_run ();

  test_server_free (server);

  return result;
}
