/* test-server-http.c: companies-server's HTTP face over real HTTP: health,
 * every error of docs/protocol.md section 4 (and that a failed request changes
 * nothing), authentication, limits, and the refusals at start.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "server-test-util.h"

static TestServer *open_server;    /* no tokens */
static TestServer *locked_server;  /* --tokens */

/* One request on a fresh session, keeping the response headers. */
static guint
request_with_headers (const char          *method,
                      const char          *url,
                      const char          *token,
                      SoupMessageHeaders **out_headers,
                      GBytes             **out_body)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", value);
    }
  if (g_strcmp0 (method, "POST") == 0)
    {
      static const char json[] = "{}";
      g_autoptr(GBytes) request_body = g_bytes_new_static (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", request_body);
    }

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  if (out_headers != NULL)
    *out_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (out_body != NULL)
    *out_body = g_steal_pointer (&body);

  return soup_message_get_status (msg);
}

/* Posts @body to the sync path with a chunked body (no Content-Length). */
static guint
post_chunked (TestServer *server,
              const char *body,
              gsize       length,
              char      **out_code)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *url = test_server_url (server, COMPANIES_SYNC_PATH);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;

  stream = g_memory_input_stream_new_from_data (g_memdup2 (body, length), length, g_free);
  soup_message_set_request_body (msg, "application/json", stream, -1);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_request_headers (msg)),
                   ==, SOUP_ENCODING_CHUNKED);

  if (out_code != NULL)
    companies_error_body_decode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                 out_code, NULL, NULL);

  return soup_message_get_status (msg);
}

static char *
valid_request_json (const char *extra_members)
{
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, "
                          "\"added\": [{\"uuid\": \"%s\", \"fields\": {\"name\": \"Should not exist\"}}]"
                          "%s}",
                          client_id, uuid, extra_members != NULL ? extra_members : "");
}

/* The request must fail with @status and @code, and change nothing. */
static void
assert_refused (TestServer *server,
                const char *content_type,
                const char *token,
                const char *body,
                gssize      length,
                guint       status,
                const char *code,
                const char *path)
{
  gint64 before = test_last_version (server);
  g_autofree char *got_code = NULL;
  g_autofree char *got_path = NULL;

  g_assert_cmpuint (test_post_raw (server, content_type, token, body, length,
                                   &got_code, &got_path), ==, status);
  if (code != NULL)
    g_assert_cmpstr (got_code, ==, code);
  if (path != NULL)
    g_assert_cmpstr (got_path, ==, path);

  g_assert_cmpint (test_last_version (server), ==, before);
}

/* GETs @url and asserts the answer's status. */
static GBytes *
get_expecting (const char *url,
               guint       expected_status)
{
  g_autoptr(GError) error = NULL;
  GBytes *body;
  guint status = 0;

  body = companies_test_http ("GET", url, NULL, NULL, NULL, 0, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, expected_status);
  return body;
}

static void
test_health (void)
{
  g_autofree char *url = test_server_url (open_server, COMPANIES_HEALTH_PATH);
  g_autofree char *locked_url = test_server_url (locked_server, COMPANIES_HEALTH_PATH);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  body = get_expecting (url, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (object, "protocol"), ==, 1);

  /* no token needed, even where tokens are */
  g_clear_pointer (&body, g_bytes_unref);
  body = get_expecting (locked_url, 200);
}

static void
test_not_found (void)
{
  g_autofree char *url = test_server_url (open_server, "/v1/nothing");
  g_autofree char *root = test_server_url (open_server, "/");
  g_autofree char *code = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  body = get_expecting (url, 404);
  g_assert_true (companies_error_body_decode (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                              &code, NULL, NULL));
  g_assert_cmpstr (code, ==, "not_found");

  g_clear_pointer (&body, g_bytes_unref);
  body = companies_test_http ("POST", root, "application/json", NULL, "{}", -1, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
}

static void
test_method_not_allowed (void)
{
  g_autofree char *sync_url = test_server_url (open_server, COMPANIES_SYNC_PATH);
  g_autofree char *health_url = test_server_url (open_server, COMPANIES_HEALTH_PATH);
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (request_with_headers ("GET", sync_url, NULL, &headers, &body), ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Allow"), ==, "POST");
  g_assert_true (companies_error_body_decode (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                              &code, NULL, NULL));
  g_assert_cmpstr (code, ==, "method_not_allowed");
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_clear_pointer (&body, g_bytes_unref);

  g_assert_cmpuint (request_with_headers ("POST", health_url, NULL, &headers, &body), ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Allow"), ==, "GET");
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_clear_pointer (&body, g_bytes_unref);

  g_assert_cmpuint (request_with_headers ("DELETE", sync_url, NULL, NULL, NULL), ==, 405);
}

static void
test_invalid_json (void)
{
  static const char truncated[] = "{\"protocol\": 1, \"client_id\": ";
  static const char invalid_utf8[] = "{\"protocol\": 1, \"client_id\": \"\xff\xfe\"}";

  assert_refused (open_server, "application/json", NULL, truncated, -1, 400, "invalid_json", NULL);
  assert_refused (open_server, "application/json", NULL, "", 0, 400, "invalid_json", NULL);
  assert_refused (open_server, "application/json", NULL, "[1, 2]", -1, 400, NULL, NULL);
  assert_refused (open_server, "application/json", NULL, invalid_utf8, -1, 400, NULL, NULL);
}

static void
test_invalid_request (void)
{
  g_autofree char *bad_limit = valid_request_json (", \"limit\": \"many\"");
  g_autofree char *zero_limit = valid_request_json (", \"limit\": 0");
  g_autofree char *unknown_member = valid_request_json (", \"surprise\": true");
  g_autofree char *bad_cursor = NULL;
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *bad_uuid = NULL;
  g_autofree char *wrong_type = NULL;

  assert_refused (open_server, "application/json", NULL, bad_limit, -1, 400, "invalid_request", "limit");
  assert_refused (open_server, "application/json", NULL, zero_limit, -1, 400, "invalid_request", "limit");
  assert_refused (open_server, "application/json", NULL, unknown_member, -1, 400, "invalid_request", NULL);

  bad_uuid = g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, "
                              "\"added\": [{\"uuid\": \"%s\", \"fields\": {\"name\": \"A\"}},"
                              " {\"uuid\": \"not-a-uuid\", \"fields\": {\"name\": \"B\"}}]}",
                              client_id, client_id);
  assert_refused (open_server, "application/json", NULL, bad_uuid, -1, 400, "invalid_request", "added[1].uuid");

  wrong_type = g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, "
                                "\"updated\": [{\"id\": \"7\", \"base_version\": 1, \"fields\": {}}]}",
                                client_id);
  assert_refused (open_server, "application/json", NULL, wrong_type, -1, 400, "invalid_request", "updated[0].id");

  /* A cursor this server could not have made. */
  bad_cursor = g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": \"garbage\", "
                                "\"added\": [{\"uuid\": \"%s\", \"fields\": {\"name\": \"A\"}}]}",
                                client_id, client_id);
  assert_refused (open_server, "application/json", NULL, bad_cursor, -1, 400, "invalid_request", "cursor");
}

static void
test_unsupported_protocol (void)
{
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"protocol\": 2, \"client_id\": \"%s\", \"cursor\": null}",
                                           client_id);

  assert_refused (open_server, "application/json", NULL, body, -1, 400, "unsupported_protocol", NULL);
}

static void
test_unsupported_media_type (void)
{
  g_autofree char *body = valid_request_json (NULL);
  g_autofree char *code = NULL;

  assert_refused (open_server, "text/plain", NULL, body, -1, 415, "unsupported_media_type", NULL);
  assert_refused (open_server, NULL, NULL, body, -1, 415, "unsupported_media_type", NULL);
  assert_refused (open_server, "application/jsonx", NULL, body, -1, 415, "unsupported_media_type", NULL);

  /* parameters are fine */
  g_assert_cmpuint (test_post_raw (open_server, "application/json; charset=utf-8", NULL,
                                   body, -1, &code, NULL), ==, 200);
}

static void
test_too_large_body (void)
{
  gsize size = COMPANIES_DEFAULT_MAX_BODY + 1;
  g_autofree char *body = g_malloc (size);
  g_autofree char *prefix = valid_request_json (", \"pad\": \"");

  /* a request that would be valid JSON up to the limit */
  memset (body, ' ', size);
  memcpy (body, prefix, strlen (prefix));
  body[size - 2] = '"';
  body[size - 1] = '}';

  assert_refused (open_server, "application/json", NULL, body, size, 413, "too_large", NULL);
}

static void
test_too_many_changes (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *client_id = g_uuid_string_random ();
  g_autoptr(CompaniesSyncRequest) add = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) added = NULL;
  g_autoptr(GPtrArray) after = NULL;
  CompaniesChange *change;
  gint64 id;

  change = test_request_add (add, NULL, "name", "Survives a refused delete", NULL);
  added = test_sync (open_server, add);
  g_assert_nonnull (test_find_company_by_uuid (added->companies, change->uuid));
  id = test_find_company_by_uuid (added->companies, change->uuid)->id;

  g_string_append_printf (body, "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, \"deleted\": [",
                          client_id);
  for (guint i = 0; i <= COMPANIES_MAX_CHANGES; i++)
    g_string_append_printf (body, "%s{\"id\": %" G_GINT64_FORMAT "}", i > 0 ? ", " : "",
                            i == 0 ? id : 1000000 + i);
  g_string_append (body, "]}");

  assert_refused (open_server, "application/json", NULL, body->str, body->len, 413, "too_large", NULL);

  after = test_snapshot (open_server);
  g_assert_nonnull (test_find_company (after, id));
}

static void
test_body_limit_option_and_chunked_bodies (void)
{
  const char *args[] = { "--max-body-bytes", "2000", NULL };
  TestServer *small = test_server_start (FALSE, args);
  g_autofree char *fits = valid_request_json (NULL);
  g_autofree char *padding = g_strnfill (2000, ' ');
  g_autofree char *prefix = valid_request_json (", \"pad\": \"");
  g_autofree char *too_big = g_strconcat (prefix, padding, "\"}", NULL);
  g_autofree char *code = NULL;
  gint64 before;

  g_assert_cmpuint (strlen (fits), <, 2000);
  before = test_last_version (small);

  /* a declared length over the limit, then the same body chunked */
  assert_refused (small, "application/json", NULL, too_big, -1, 413, "too_large", NULL);
  g_assert_cmpuint (post_chunked (small, too_big, strlen (too_big), &code), ==, 413);
  g_assert_cmpstr (code, ==, "too_large");
  g_assert_cmpint (test_last_version (small), ==, before);

  /* a chunked body within the limit is served */
  g_assert_cmpuint (post_chunked (small, fits, strlen (fits), NULL), ==, 200);
  g_assert_cmpint (test_last_version (small), >, before);

  test_server_free (small);
}

static void
test_unauthorized (void)
{
  g_autofree char *body = valid_request_json (NULL);
  g_autofree char *sync_url = test_server_url (locked_server, COMPANIES_SYNC_PATH);
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *code = NULL;
  g_autofree char *almost = g_strndup (locked_server->token, strlen (locked_server->token) - 1);
  const char *www_authenticate;

  assert_refused (locked_server, "application/json", NULL, body, -1, 401, "unauthorized", NULL);
  assert_refused (locked_server, "application/json", "wrong-token", body, -1, 401, "unauthorized", NULL);
  assert_refused (locked_server, "application/json", almost, body, -1, 401, "unauthorized", NULL);
  /* the token file's comment line is not a token */
  assert_refused (locked_server, "application/json", "# tokens of the test", body, -1, 401, "unauthorized", NULL);

  g_assert_cmpuint (request_with_headers ("POST", sync_url, NULL, &headers, &reply), ==, 401);
  www_authenticate = soup_message_headers_get_one (headers, "WWW-Authenticate");
  g_assert_nonnull (www_authenticate);
  g_assert_true (g_str_has_prefix (www_authenticate, "Bearer"));

  /* the right token works */
  g_assert_cmpuint (test_post_raw (locked_server, "application/json", locked_server->token,
                                   body, -1, &code, NULL), ==, 200);
}

/* Another process holds the database longer than the busy timeout: the
 * sync fails with 500 internal, and nothing is applied. */
static void
test_internal_error (void)
{
  g_autofree char *body = valid_request_json (NULL);
  gint64 before = test_last_version (open_server);
  g_autofree char *code = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (open_server->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_cmpuint (test_post_raw (open_server, "application/json", NULL, body, -1, &code, NULL), ==, 500);
  g_assert_cmpstr (code, ==, "internal");

  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (test_last_version (open_server), ==, before);
}

static void
test_log_lines (void)
{
  g_autofree char *log = NULL;

  test_server_wait_for_log (locked_server, "POST /v1/companies/sync 401");
  test_server_wait_for_log (locked_server, "GET /v1/health 200");
  log = companies_test_server_get_log (locked_server->server);
  g_assert_nonnull (strstr (log, " ms\n"));
  /* never a token */
  g_assert_null (strstr (log, locked_server->token));
  g_assert_null (strstr (log, "wrong-token"));
}

/* A log line longer than the server's stack buffer is written whole. */
static void
test_long_log_line (void)
{
  g_autofree char *name = g_strnfill (700, 'x');
  g_autofree char *path = g_strconcat ("/v1/", name, "-end", NULL);
  g_autofree char *url = test_server_url (open_server, path);
  g_autofree char *line = g_strconcat ("GET ", path, " 404 in=0 out=0 ", NULL);
  g_autoptr(GBytes) body = get_expecting (url, 404);

  test_server_wait_for_log (open_server, line);
}

static void
test_tokens_file_must_be_private (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *tokens = g_build_filename (dir, "tokens", NULL);
  g_autofree char *db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--port", "0", "--database", db, "--tokens", tokens, NULL };

  g_file_set_contents (tokens, "secret-token\n", -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_chmod (tokens, 0644), ==, 0);
  g_assert_cmpint (test_run_server_to_exit (args, &out, &err), ==, 1);
  g_assert_null (strstr (out, "Listening on"));
  g_assert_nonnull (strstr (err, "chmod 600"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (g_chmod (tokens, 0640), ==, 0);
  g_assert_cmpint (test_run_server_to_exit (args, &out, &err), ==, 1);
  g_assert_null (strstr (out, "Listening on"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* private but empty of tokens */
  companies_test_write_private (tokens, "# nobody\n\n");
  g_assert_cmpint (test_run_server_to_exit (args, &out, &err), ==, 1);
  g_assert_null (strstr (out, "Listening on"));

  companies_test_remove_tree (dir);
}

static void
test_refuses_open_address_without_tokens (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--address", "0.0.0.0", "--port", "0", "--database", db, NULL };
  g_autoptr(GError) error = NULL;
  const char *extra[] = { "--address", "0.0.0.0", NULL };
  CompaniesTestServer *server;

  g_assert_cmpint (test_run_server_to_exit (args, &out, &err), ==, 1);
  g_assert_null (strstr (out, "Listening on"));
  g_assert_nonnull (strstr (err, "--tokens"));

  /* and through the common helper too */
  server = companies_test_server_start (db, extra, &error);
  g_assert_null (server);
  g_assert_nonnull (error);

  companies_test_remove_tree (dir);
}

static void
test_bad_options_and_database (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "no", "such", "dir", "server.db", NULL);
  g_autofree char *not_db = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *db = g_build_filename (dir, "server.db", NULL);
  g_autoptr(GError) error = NULL;
  const char *bad_port[] = { "--port", "70000", "--database", db, NULL };
  const char *bad_number[] = { "--port", "eighty", "--database", db, NULL };
  const char *bad_days[] = { "--tombstone-days", "-1", "--database", db, NULL };
  const char *bad_address[] = { "--address", "example.org", "--database", db, NULL };
  const char *unknown[] = { "--colour", "--database", db, NULL };
  const char *missing_dir[] = { "--port", "0", "--database", missing, NULL };
  const char *text_file[] = { "--port", "0", "--database", not_db, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (test_run_server_to_exit (bad_port, NULL, NULL), ==, 2);
  g_assert_cmpint (test_run_server_to_exit (bad_number, NULL, NULL), ==, 2);
  g_assert_cmpint (test_run_server_to_exit (bad_days, NULL, NULL), ==, 2);
  g_assert_cmpint (test_run_server_to_exit (bad_address, NULL, NULL), ==, 2);
  g_assert_cmpint (test_run_server_to_exit (unknown, NULL, NULL), ==, 2);

  g_assert_cmpint (test_run_server_to_exit (missing_dir, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, missing));
  g_clear_pointer (&err, g_free);

  g_file_set_contents (not_db, "This is not a database, but it is long enough to look like one. "
                               "SQLite reads a header of one hundred bytes from the start.....\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_run_server_to_exit (text_file, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, not_db));

  companies_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  open_server = test_server_start (FALSE, NULL);
  locked_server = test_server_start (TRUE, NULL);

  g_test_add_func ("/server/http/health", test_health);
  g_test_add_func ("/server/http/not-found", test_not_found);
  g_test_add_func ("/server/http/method-not-allowed", test_method_not_allowed);
  g_test_add_func ("/server/http/invalid-json", test_invalid_json);
  g_test_add_func ("/server/http/invalid-request", test_invalid_request);
  g_test_add_func ("/server/http/unsupported-protocol", test_unsupported_protocol);
  g_test_add_func ("/server/http/unsupported-media-type", test_unsupported_media_type);
  g_test_add_func ("/server/http/too-large-body", test_too_large_body);
  g_test_add_func ("/server/http/too-many-changes", test_too_many_changes);
  g_test_add_func ("/server/http/body-limit-option-and-chunked-bodies",
                   test_body_limit_option_and_chunked_bodies);
  g_test_add_func ("/server/http/unauthorized", test_unauthorized);
  g_test_add_func ("/server/http/internal-error", test_internal_error);
  g_test_add_func ("/server/http/log-lines", test_log_lines);
  g_test_add_func ("/server/http/long-log-line", test_long_log_line);
  g_test_add_func ("/server/start/tokens-file-must-be-private", test_tokens_file_must_be_private);
  g_test_add_func ("/server/start/refuses-open-address-without-tokens",
                   test_refuses_open_address_without_tokens);
  g_test_add_func ("/server/start/bad-options-and-database", test_bad_options_and_database);

  result = g_test_run ();

  test_server_free (open_server);
  test_server_free (locked_server);

  return result;
}
