/* test-server-hostile-input.c: request heads and bodies an attacker would
 * send, over raw sockets: an encoded slash in the path, two Authorization
 * headers, a compressed body, log forging through the path and the
 * method, malformed chunk framing; the Server header; a tokens file that
 * is a FIFO. Each gets a clear answer (or a clear refusal to start), changes
 * nothing, and the server goes on serving.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "server-test-raw.h"

#define HEAD_JSON "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"

/* A sync body that adds one company. */
#define ADD_BODY \
  "{\"protocol\":1,\"client_id\":\"9f0e0000-0000-4000-8000-000000000001\",\"cursor\":null," \
  "\"added\":[{\"uuid\":\"9f0e0000-0000-4000-8000-0000000000a1\",\"fields\":{\"name\":\"Acme\"}}]," \
  "\"updated\":[],\"deleted\":[]}"

static guint16
port_of (TestServer *server)
{
  return companies_test_server_get_port (server->server);
}

/* Sends @request on a fresh connection: asserts the answer's @status and,
 * for an error, its JSON @code; returns the whole answer. */
static GString *
exchange (TestServer *server,
          const char *request,
          gsize       length,
          guint       status,
          const char *code)
{
  GString *response = g_string_new (NULL);
  g_autofree char *json_code = NULL;
  const char *body;

  g_assert_cmpuint (raw_exchange (port_of (server), request, length, response), ==, status);

  body = strstr (response->str, "\r\n\r\n");
  g_assert_nonnull (body);
  if (code != NULL)
    {
      g_assert_true (companies_error_body_decode (body + 4, strlen (body + 4),
                                                  &json_code, NULL, NULL));
      g_assert_cmpstr (json_code, ==, code);
    }

  return response;
}

static void
assert_nothing_applied (TestServer *server)
{
  g_autoptr(GPtrArray) companies = test_snapshot (server);

  g_assert_cmpuint (companies->len, ==, 0);
  assert_server_serves (server);
}

static void
test_encoded_slash (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autofree char *sync = g_strdup_printf ("POST /v1/companies%%2Fsync HTTP/1.1\r\n" HEAD_JSON
                                           "Content-Length: %zu\r\n\r\n%s",
                                           strlen (ADD_BODY), ADD_BODY);
  const char *health = "GET /v1%2Fhealth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const char *health_lower = "GET /v1%2fhealth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  g_string_free (exchange (server, sync, strlen (sync), 404, "not_found"), TRUE);
  g_string_free (exchange (server, health, strlen (health), 404, "not_found"), TRUE);
  g_string_free (exchange (server, health_lower, strlen (health_lower), 404, "not_found"), TRUE);

  assert_nothing_applied (server);
  test_server_free (server);
}

static void
test_two_authorization_headers (void)
{
  TestServer *server = test_server_start (TRUE, NULL);
  const char *orders[][2] = {
    { server->token, "wrong" },
    { "wrong", server->token },
    { server->token, server->token },
  };

  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autofree char *request = NULL;
      g_autoptr(GString) answer = NULL;

      request = g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n" HEAD_JSON
                                 "Authorization: Bearer %s\r\nAuthorization: Bearer %s\r\n"
                                 "Content-Length: %zu\r\n\r\n%s",
                                 orders[i][0], orders[i][1], strlen (ADD_BODY), ADD_BODY);
      answer = exchange (server, request, strlen (request), 400, "invalid_request");
      g_assert_nonnull (strstr (answer->str, "more than one Authorization header"));
    }

  assert_nothing_applied (server);
  test_server_free (server);
}

static void
test_content_encoding (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  const char *codings[] = { "gzip", "deflate", "br", "identity, gzip", "x-unknown" };
  g_autofree char *identity = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (codings); i++)
    {
      g_autofree char *request = NULL;

      request = g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n" HEAD_JSON
                                 "Content-Encoding: %s\r\nContent-Length: %zu\r\n\r\n%s",
                                 codings[i], strlen (ADD_BODY), ADD_BODY);
      g_string_free (exchange (server, request, strlen (request), 415,
                               "unsupported_media_type"), TRUE);
    }
  assert_nothing_applied (server);

  /* identity is no coding at all */
  identity = g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n" HEAD_JSON
                              "Content-Encoding: identity\r\nContent-Length: %zu\r\n\r\n%s",
                              strlen (ADD_BODY), ADD_BODY);
  g_string_free (exchange (server, identity, strlen (identity), 200, NULL), TRUE);

  test_server_free (server);
}

/* @body cut into chunks of @size bytes, each with an extension, and a
 * trailer after the last. */
static char *
chunked (const char *body,
         gsize       size)
{
  GString *framed = g_string_new (NULL);
  gsize length = strlen (body);

  for (gsize at = 0; at < length; at += size)
    {
      gsize n = MIN (size, length - at);

      g_string_append_printf (framed, "%zX;part=%zu\r\n", n, at);
      g_string_append_len (framed, body + at, n);
      g_string_append (framed, "\r\n");
    }
  g_string_append (framed, "0\r\nX-Trailer: done\r\n\r\n");

  return g_string_free (framed, FALSE);
}

/* A chunk size libsoup would misread ("zz" as 0, so an empty body), data
 * not followed by CR LF (a request left waiting), or a bad extension or
 * trailer: the connection is closed at once, without an answer, so no
 * proxy in front could be made to frame the request another way. */
static void
test_malformed_chunks (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autofree char *big_size = g_strdup_printf ("%s\r\n{}\r\n0\r\n\r\n", "1000000000000000");
  g_autofree char *long_extension = NULL;
  g_autofree char *long_padding = g_strnfill (9000, 'x');
  g_autofree char *framed_bytes = chunked (ADD_BODY, 1);
  g_autofree char *framed_lines = chunked (ADD_BODY, 40);
  g_autoptr(GPtrArray) companies = NULL;
  guint n_added = 0;
  const char *bodies[] = {
    "zz\r\n{}\r\n0\r\n\r\n",
    "-1\r\n{}\r\n0\r\n\r\n",
    "0x2\r\n{}\r\n0\r\n\r\n",
    " 2\r\n{}\r\n0\r\n\r\n",
    "2 \r\n{}\r\n0\r\n\r\n",
    ";ext\r\n{}\r\n0\r\n\r\n",
    "2;\x01\r\n{}\r\n0\r\n\r\n",
    "2\r\n{}XX0\r\n\r\n",
    "2\r\n{}\r\n0\r\nBad\x7f: 1\r\n\r\n",
    "2\r\n{}\r\n0\r\nX: a\rb\r\n\r\n",
    big_size,
    NULL,  /* an extension of 9000 bytes */
  };
  gint64 started = g_get_monotonic_time ();

  long_extension = g_strdup_printf ("2;%s\r\n{}\r\n0\r\n\r\n", long_padding);
  bodies[G_N_ELEMENTS (bodies) - 1] = long_extension;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *request = g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n" HEAD_JSON
                                                  "Transfer-Encoding: chunked\r\n\r\n%s",
                                                  bodies[i]);

      g_test_message ("body %u", i);
      g_assert_cmpuint (raw_exchange (port_of (server), request, strlen (request), NULL), ==, 0);
    }
  /* closed at the bad byte, not when the idle timeout ran out */
  g_assert_cmpuint (ms_since (started), <, 10000);
  test_server_wait_for_log (server, "its chunked request body is malformed");
  assert_nothing_applied (server);

  /* well-framed bodies, one byte or 40 bytes a chunk, with extensions and a
   * trailer, are read as a whole */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *request = g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n" HEAD_JSON
                                                  "Transfer-Encoding: chunked\r\n\r\n%s",
                                                  i == 0 ? framed_bytes : framed_lines);

      g_string_free (exchange (server, request, strlen (request), 200, NULL), TRUE);
    }
  companies = test_snapshot (server);
  for (guint i = 0; i < companies->len; i++)
    n_added += g_str_equal (((CompaniesRecord *) companies->pdata[i])->uuid,
                            "9f0e0000-0000-4000-8000-0000000000a1");
  g_assert_cmpuint (n_added, ==, 1);

  test_server_free (server);
}

static void
test_server_header (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  const char *health = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  g_autoptr(GString) answer = exchange (server, health, strlen (health), 200, NULL);
  g_autofree char *lower = g_ascii_strdown (answer->str, -1);

  g_assert_nonnull (strstr (answer->str, "\r\nServer: companies-server\r\n"));
  g_assert_null (strstr (lower, "libsoup"));
  g_assert_null (strstr (lower, "companies-server/"));

  test_server_free (server);
}

/* The log shows nothing a client chose raw: no control character, no
 * byte outside ASCII, no line it made. */
static void
test_log_cannot_be_forged (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  const char *requests[] = {
    "GET /v1/%0aforged%0d%1b[31m HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "GET /v1/\x1b[2Jraw\x7f\xff\xc3\x28 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "GET /v1/%E2%80%AEevil%C2%9B HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "G\x1b[31mET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
  };
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    raw_exchange (port_of (server), requests[i], strlen (requests[i]), NULL);
  /* the last line of the log, once it is written */
  assert_server_serves (server);
  test_server_wait_for_log (server, "POST /v1/companies/sync 200");

  log = companies_test_server_get_log (server->server);
  for (const char *p = log; *p != '\0'; p++)
    if (*p != '\n')
      g_assert_true ((guchar) *p >= 0x20 && (guchar) *p < 0x7f);

  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_test_message ("log: %s", lines[i]);
      g_assert_false (g_str_has_prefix (lines[i], "forged"));
      g_assert_false (g_str_has_prefix (lines[i], "\r"));
    }

  g_assert_nonnull (strstr (log, "GET /v1/%0Aforged%0D%1B[31m 404"));

  test_server_free (server);
}

static void
test_tokens_fifo (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *fifo = g_build_filename (dir, "tokens", NULL);
  g_autofree char *database = g_build_filename (dir, "server.sqlite", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--port", "0", "--database", database, "--tokens", fifo, NULL };
  const char *add_args[] = { "add-token", "--tokens", fifo, NULL };
  gint64 started = g_get_monotonic_time ();
  int status;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  status = test_run_server_to_exit (args, &out, &err);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "is not a regular file"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = test_run_server_to_exit (add_args, &out, &err);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "is not a regular file"));

  g_assert_cmpuint (ms_since (started), <, 5000);
  g_assert_false (g_file_test (database, G_FILE_TEST_EXISTS));

  companies_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/hostile-input/encoded-slash", test_encoded_slash);
  g_test_add_func ("/server/hostile-input/two-authorization-headers", test_two_authorization_headers);
  g_test_add_func ("/server/hostile-input/content-encoding", test_content_encoding);
  g_test_add_func ("/server/hostile-input/malformed-chunks", test_malformed_chunks);
  g_test_add_func ("/server/hostile-input/server-header", test_server_header);
  g_test_add_func ("/server/hostile-input/log-cannot-be-forged", test_log_cannot_be_forged);
  g_test_add_func ("/server/hostile-input/tokens-fifo", test_tokens_fifo);

  return g_test_run ();
}
