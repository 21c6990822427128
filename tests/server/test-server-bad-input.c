/* test-server-bad-input.c: malformed HTTP, malformed and hostile JSON:
 * each gets the error of docs/protocol.md (or libsoup's 400 for broken HTTP),
 * changes nothing, and the server goes on serving.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-raw.h"

static TestServer *server;

static guint16
port (void)
{
  return companies_test_server_get_port (server->server);
}

/* Posts @body: asserts @status and @code (NULL: invalid_json or
 * invalid_request), and that nothing changed. */
static void
assert_refused (const char *body,
                gssize      length,
                guint       status,
                const char *code)
{
  gint64 before = test_last_version (server);
  g_autofree char *got_code = NULL;

  g_assert_cmpuint (test_post_raw (server, "application/json", NULL, body, length,
                                   &got_code, NULL), ==, status);
  if (code != NULL)
    g_assert_cmpstr (got_code, ==, code);
  else
    g_assert_true (g_strcmp0 (got_code, "invalid_json") == 0 ||
                   g_strcmp0 (got_code, "invalid_request") == 0);
  g_assert_cmpint (test_last_version (server), ==, before);
  assert_server_serves (server);
}

static char *
request_with_name (const char *name_json)
{
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, "
                          "\"added\": [{\"uuid\": \"%s\", \"fields\": {\"name\": %s}}]}",
                          client_id, uuid, name_json);
}

static void
test_deeply_nested (void)
{
  const gsize depth = 100000;
  g_autofree char *arrays = g_strnfill (depth, '[');
  g_autofree char *ends = g_strnfill (depth, ']');
  g_autoptr(GString) objects = g_string_new (NULL);
  g_autofree char *in_a_field = NULL;
  g_autofree char *closed = NULL;

  assert_refused (arrays, depth, 400, NULL);

  /* balanced, and inside a valid envelope */
  closed = g_strconcat (arrays, ends, NULL);
  assert_refused (closed, -1, 400, NULL);

  for (gsize i = 0; i < depth; i++)
    g_string_append (objects, "{\"a\":");
  in_a_field = request_with_name (objects->str);
  assert_refused (in_a_field, -1, 400, NULL);
}

static void
test_invalid_utf8 (void)
{
  static const char overlong[] = "\"\xc0\xaf\"";
  static const char truncated[] = "\"Caf\xc3\"";
  static const char surrogate[] = "\"\xed\xa0\x80\"";
  g_autofree char *a = request_with_name (overlong);
  g_autofree char *b = request_with_name (truncated);
  g_autofree char *c = request_with_name (surrogate);
  g_autofree char *nul = request_with_name ("\"A\\u0000B\"");
  g_autofree char *raw_nul = request_with_name ("\"AB\"");
  gsize length = strlen (raw_nul);

  assert_refused (a, -1, 400, "invalid_json");
  assert_refused (b, -1, 400, "invalid_json");
  assert_refused (c, -1, 400, "invalid_json");

  /* a NUL byte in the body */
  raw_nul[strstr (raw_nul, "AB") - raw_nul + 1] = '\0';
  assert_refused (raw_nul, length, 400, "invalid_json");

  /* an escaped NUL is valid JSON: that record alone is refused, or the
   * whole request; either way nothing is stored with a NUL in it */
  {
    gint64 before = test_last_version (server);
    g_autofree char *code = NULL;
    guint status = test_post_raw (server, "application/json", NULL, nul, -1, &code, NULL);

    g_assert_true (status == 200 || status == 400);
    g_assert_cmpint (test_last_version (server), ==, before);
  }
}

static void
test_malformed_json (void)
{
  static const char * const bodies[] = {
    "",
    "{",
    "{\"protocol\": 1,",
    "nul",
    "{\"protocol\": 1} trailing",
    "{\"protocol\": 1, \"protocol\": 1, \"client_id\": ",
    "\xef\xbb\xbf{}",
    "[1, 2, 3",
    "{\"protocol\": 1e999999}",
    "\"\\ud800\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      gint64 before = test_last_version (server);
      g_autofree char *code = NULL;
      guint status;

      status = test_post_raw (server, "application/json", NULL, bodies[i], -1, &code, NULL);
      g_test_message ("body %u: %u %s", i, status, code);
      g_assert_cmpuint (status, ==, 400);
      g_assert_true (g_strcmp0 (code, "invalid_json") == 0 ||
                     g_strcmp0 (code, "invalid_request") == 0);
      g_assert_cmpint (test_last_version (server), ==, before);
    }

  assert_server_serves (server);
}

/* A valid JSON document of the wrong shape at every level. */
static void
test_wrong_shapes (void)
{
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *huge_array = NULL;
  g_autoptr(GString) many = g_string_new (NULL);
  const char *shapes[] = {
    "[]",
    "42",
    "{\"protocol\": \"1\"}",
    "{\"protocol\": 1, \"client_id\": 5}",
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": 7}",
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, \"added\": {}}",
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, \"added\": [7]}",
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, \"limit\": -1}",
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, \"limit\": 1e3}",
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, \"deleted\": [{\"id\": 1e400}]}",
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, \"deleted\": [{\"id\": 99999999999999999999999}]}",
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": \"' OR 1=1 --\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *body = NULL;
      g_autofree char *code = NULL;
      gint64 before = test_last_version (server);
      guint status;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      body = g_strdup_printf (shapes[i], client_id);
#pragma GCC diagnostic pop
      status = test_post_raw (server, "application/json", NULL, body, -1, &code, NULL);
      g_test_message ("shape %u: %u %s", i, status, code);
      g_assert_cmpuint (status, ==, 400);
      g_assert_nonnull (code);
      g_assert_cmpint (test_last_version (server), ==, before);
    }

  /* a million-element array of nothing useful */
  g_string_append_printf (many, "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, \"extra\": [",
                          client_id);
  for (guint i = 0; i < 1000000; i++)
    g_string_append (many, i > 0 ? ",0" : "0");
  g_string_append (many, "]}");
  {
    g_autofree char *code = NULL;
    guint status = test_post_raw (server, "application/json", NULL, many->str, many->len, &code, NULL);

    g_assert_cmpuint (status, ==, 400);
  }

  assert_server_serves (server);
}

/* Broken HTTP: libsoup answers 400 (or 501) and closes; nothing else
 * happens. */
static void
test_malformed_http (void)
{
  g_autofree char *long_header = NULL;
  g_autofree char *long_value = g_strnfill (100 * 1024, 'a');
  g_autofree char *many_headers = NULL;
  g_autoptr(GString) headers = g_string_new ("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  const char *requests[] = {
    "GARBAGE\r\n\r\n",
    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    "GET /v1/health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    "POST /v1/companies/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: -5\r\n\r\n",
    "POST /v1/companies/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: abc\r\n\r\n",
    "POST /v1/companies/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: gzip, chunked, bogus\r\n\r\n",
    "POST /v1/companies/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "GET /v1/health HTTP/1.1\r\nHost: a/b\r\n\r\n",
    "GET /v1/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    NULL,  /* a header line of 100 KiB */
    NULL,  /* 5000 header lines */
  };
  gint64 before = test_last_version (server);

  long_header = g_strdup_printf ("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: %s\r\n\r\n",
                                 long_value);
  requests[G_N_ELEMENTS (requests) - 2] = long_header;
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (headers, "X-Header-%u: %u\r\n", i, i);
  g_string_append (headers, "\r\n");
  many_headers = g_string_free (g_steal_pointer (&headers), FALSE);
  requests[G_N_ELEMENTS (requests) - 1] = many_headers;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      guint status = raw_exchange (port (), requests[i], strlen (requests[i]), NULL);

      g_test_message ("request %u: %u", i, status);
      /* an error, or the connection closed without an answer */
      g_assert_true (status == 0 || (status >= 400 && status < 600));
    }

  g_assert_cmpint (test_last_version (server), ==, before);
  assert_server_serves (server);
}

/* Heads that libsoup 3.2 would parse and then leak part of: the server
 * refuses them before libsoup sees them, by closing the connection. */
static void
test_guarded_heads (void)
{
  static const char * const heads[] = {
    "Content-Length: abc\r\n",
    "Content-Length: 5\r\nContent-Length: 5\r\n",
    "Content-Length: 5, 5\r\n",
    "Content-Length: +5\r\n",
    "Content-Length: 99999999999999999999\r\n",
    "Transfer-Encoding: gzip, chunked\r\n",
    "Transfer-Encoding: identity\r\n",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    "Content-Length: 5\r\n  5\r\n",
  };
  g_autofree char *long_path = g_strnfill (9000, 'p');
  g_autofree char *long_line = g_strdup_printf ("POST /%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", long_path);
  gint64 before = test_last_version (server);

  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    {
      g_autofree char *request = g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n"
                                                  "Host: 127.0.0.1\r\n"
                                                  "Content-Type: application/json\r\n"
                                                  "%s\r\n{}",
                                                  heads[i]);
      guint status = raw_exchange (port (), request, strlen (request), NULL);

      g_test_message ("head %u: %u", i, status);
      g_assert_cmpuint (status, ==, 0);
    }

  g_assert_cmpuint (raw_exchange (port (), long_line, strlen (long_line), NULL), ==, 0);

  test_server_wait_for_log (server, "its request head is malformed or too large");
  g_assert_cmpint (test_last_version (server), ==, before);
  assert_server_serves (server);
}

static void
test_huge_declared_length (void)
{
  static const char request[] =
    "POST /v1/companies/sync HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 99999999999999999999\r\n"
    "\r\n"
    "{}";
  guint status = raw_exchange (port (), request, strlen (request), NULL);

  g_assert_true (status == 0 || status == 400 || status == 413);
  assert_server_serves (server);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--idle-timeout", "2", "--head-timeout", "5", NULL };
  int result;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (FALSE, args);

  g_test_add_func ("/server/bad-input/deeply-nested", test_deeply_nested);
  g_test_add_func ("/server/bad-input/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/server/bad-input/malformed-json", test_malformed_json);
  g_test_add_func ("/server/bad-input/wrong-shapes", test_wrong_shapes);
  g_test_add_func ("/server/bad-input/malformed-http", test_malformed_http);
  g_test_add_func ("/server/bad-input/guarded-heads", test_guarded_heads);
  g_test_add_func ("/server/bad-input/huge-declared-length", test_huge_declared_length);

  result = g_test_run ();

  test_server_free (server);

  return result;
}
