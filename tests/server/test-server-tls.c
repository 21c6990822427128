/* test-server-tls.c: companies-server over HTTPS, with a throw-away CA and
 * a certificate for 127.0.0.1 made at test time by the openssl command.
 *
 * A client that trusts the test CA gets in (health, syncs with a token);
 * a client that does not, fails certificate verification; plain HTTP to
 * the HTTPS port gets nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "server-test-raw.h"

static char *dir;
static char *ca_path;
static char *certificate_path;
static char *key_path;

static void
run_openssl (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *err = NULL;
  int status = 0;

  if (openssl == NULL)
    g_error ("the TLS tests need the openssl command (Debian package openssl)");

  g_ptr_array_add (argv, openssl);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (dir, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed: %s", args[0], err);
}

/* A CA, and a certificate it signed for the IP address 127.0.0.1, all
 * with P-256 keys, valid two days. */
static void
make_certificates (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *extensions = g_build_filename (dir, "server.ext", NULL);
  const char *ca[] = {
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
    "-subj", "/CN=Companies Test CA",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    NULL
  };
  const char *request[] = {
    "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
    NULL
  };
  const char *sign[] = {
    "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
    "-set_serial", "2", "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
    NULL
  };

  g_file_set_contents (extensions,
                       "subjectAltName = IP:127.0.0.1\n"
                       "basicConstraints = critical,CA:FALSE\n"
                       "keyUsage = critical,digitalSignature\n"
                       "extendedKeyUsage = serverAuth\n",
                       -1, &error);
  g_assert_no_error (error);

  run_openssl (ca);
  run_openssl (request);
  run_openssl (sign);

  ca_path = g_build_filename (dir, "ca.pem", NULL);
  certificate_path = g_build_filename (dir, "server.pem", NULL);
  key_path = g_build_filename (dir, "server.key", NULL);
  g_assert_cmpint (g_chmod (key_path, 0600), ==, 0);
}

static SoupSession *
session_trusting_test_ca (void)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  SoupSession *session = soup_session_new_with_options ("timeout", 10, NULL);

  database = g_tls_file_database_new (ca_path, &error);
  g_assert_no_error (error);
  soup_session_set_tls_database (session, database);

  return session;
}

static GBytes *
send_request (SoupSession  *session,
              const char   *method,
              const char   *url,
              const char   *token,
              const char   *body,
              SoupMessage **out_message,
              GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", value);
    }

  if (out_message != NULL)
    *out_message = g_object_ref (message);

  return soup_session_send_and_read (session, message, NULL, error);
}

static TestServer *
start_https_server (void)
{
  const char *args[] = {
    "--tls-certificate", certificate_path, "--tls-key", key_path, NULL
  };
  TestServer *server = test_server_start (TRUE, args);

  g_assert_true (g_str_has_prefix (companies_test_server_get_url (server->server), "https://127.0.0.1:"));
  return server;
}

static void
test_health_over_https (void)
{
  TestServer *server = start_https_server ();
  g_autoptr(SoupSession) session = session_trusting_test_ca ();
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_HEALTH_PATH);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  body = send_request (session, "GET", url, NULL, NULL, &message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_assert_cmpuint (soup_message_get_tls_peer_certificate_errors (message), ==, 0);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_nonnull (strstr (text, "\"ok\""));

  test_server_free (server);
}

static void
test_untrusted_certificate_fails (void)
{
  TestServer *server = start_https_server ();
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_HEALTH_PATH);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  /* the system's CAs do not know the test CA */
  body = send_request (session, "GET", url, NULL, NULL, &message, &error);
  g_assert_null (body);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_true (soup_message_get_tls_peer_certificate_errors (message) & G_TLS_CERTIFICATE_UNKNOWN_CA);

  test_server_free (server);
}

/* A whole sync over HTTPS: an add, then a snapshot sees it. */
static void
test_sync_over_https (void)
{
  TestServer *server = start_https_server ();
  g_autoptr(SoupSession) session = session_trusting_test_ca ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(SoupMessage) refused = NULL;
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesSyncRequest) again = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) snapshot = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_SYNC_PATH);
  g_autofree char *body = NULL;
  g_autofree char *log = NULL;
  CompaniesChange *change;

  change = test_request_add (request, NULL, "name", "Secure Ltd", "city", "Lisboa", NULL);
  encoded = companies_sync_request_encode (request);
  body = g_strndup (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded));

  /* without the token: 401, over TLS too */
  reply = send_request (session, "POST", url, NULL, body, &refused, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (refused), ==, 401);
  g_clear_pointer (&reply, g_bytes_unref);

  reply = send_request (session, "POST", url, server->token, body, &message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  response = companies_sync_response_decode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  g_assert_nonnull (test_find_company_by_uuid (response->companies, change->uuid));
  g_clear_pointer (&reply, g_bytes_unref);
  g_clear_object (&message);

  g_clear_pointer (&body, g_free);
  g_clear_pointer (&encoded, g_bytes_unref);
  encoded = companies_sync_request_encode (again);
  body = g_strndup (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded));
  reply = send_request (session, "POST", url, server->token, body, &message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  snapshot = companies_sync_response_decode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  g_assert_true (snapshot->reset);
  g_assert_cmpstr (test_find_company_by_uuid (snapshot->companies, change->uuid)->values[COMPANIES_FIELD_CITY],
                   ==, "Lisboa");

  companies_test_server_stop (server->server);
  log = companies_test_server_get_log (server->server);
  g_assert_null (strstr (log, server->token));
  g_assert_nonnull (strstr (log, "POST /v1/companies/sync 200"));
  g_clear_pointer (&server->server, companies_test_server_free);
  test_server_free (server);
}

/* Plain HTTP to the HTTPS port: no answer, and the server goes on. */
static void
test_plain_http_to_https_port (void)
{
  static const char request[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  TestServer *server = start_https_server ();
  g_autoptr(GString) received = g_string_new (NULL);
  g_autoptr(SoupSession) session = session_trusting_test_ca ();
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_HEALTH_PATH);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  status = raw_exchange (companies_test_server_get_port (server->server), request,
                         strlen (request), received);
  g_assert_cmpuint (status, ==, 0);
  g_assert_null (strstr (received->str, "\"ok\""));

  body = send_request (session, "GET", url, NULL, NULL, &message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);

  test_server_free (server);
}

/* A TLS handshake that never ends is a stalled request like any other. */
static void
test_stalled_handshake (void)
{
  const char *args[] = {
    "--tls-certificate", certificate_path, "--tls-key", key_path,
    "--idle-timeout", "1", "--head-timeout", "2", NULL
  };
  TestServer *server = test_server_start (FALSE, args);
  g_autoptr(GSocket) socket = raw_connect (companies_test_server_get_port (server->server));
  g_autoptr(SoupSession) session = session_trusting_test_ca ();
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_HEALTH_PATH);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  /* the start of a ClientHello, then nothing */
  g_assert_true (raw_send (socket, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));

  body = send_request (session, "GET", url, NULL, NULL, &message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_assert_cmpuint (ms_since (start), <, 1000);

  g_assert_true (raw_wait_closed (socket, 3000, NULL));
  test_server_free (server);
}

static void
test_bad_tls_options (void)
{
  g_autofree char *db = g_build_filename (dir, "options.db", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "dir", "server.db", NULL);
  const char *key_alone[] = { "--port", "0", "--database", db, "--tls-key", key_path, NULL };
  const char *certificate_alone[] = { "--port", "0", "--database", db, "--tls-certificate", certificate_path, NULL };
  const char *missing_key[] = { "--port", "0", "--database", db, "--tls-certificate", certificate_path,
                                "--tls-key", missing, NULL };
  /* a certificate where the key should be */
  const char *not_a_key[] = { "--port", "0", "--database", db, "--tls-certificate", certificate_path,
                              "--tls-key", ca_path, NULL };
  g_autofree char *tokens = g_build_filename (dir, "tokens", NULL);
  /* tokens on an open address without TLS: a warning (the missing
   * database folder then stops it before it listens) */
  const char *clear_tokens[] = { "--address", "0.0.0.0", "--port", "0", "--database", nowhere,
                                 "--tokens", tokens, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (test_run_server_to_exit (key_alone, NULL, NULL), ==, 2);
  g_assert_cmpint (test_run_server_to_exit (certificate_alone, NULL, NULL), ==, 2);

  g_assert_cmpint (test_run_server_to_exit (missing_key, &out, &err), ==, 1);
  g_assert_null (strstr (out, "Listening on"));
  g_assert_nonnull (strstr (err, missing));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (test_run_server_to_exit (not_a_key, &out, &err), ==, 1);
  g_assert_null (strstr (out, "Listening on"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  companies_test_write_private (tokens, "a-token\n");
  g_assert_cmpint (test_run_server_to_exit (clear_tokens, &out, &err), ==, 1);
  g_assert_null (strstr (out, "Listening on"));
  g_assert_nonnull (strstr (err, "travel in clear"));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  /* Under AddressSanitizer (GCC 12), LeakSanitizer itself crashes at the
   * exit of a server that served HTTPS: it faults scanning the dynamic
   * thread-local storage of glib-networking's handshake thread ("Tracer
   * caught signal 11"). The servers this program starts skip the leak
   * check; every other check stays, and this program's own leak check too
   * (a process reads LSAN_OPTIONS as it starts). Without sanitizers the
   * variable means nothing. */
  {
    const char *options = g_getenv ("LSAN_OPTIONS");
    g_autofree char *value = g_strconcat (options != NULL ? options : "",
                                          options != NULL ? ":" : "",
                                          "detect_leaks=0", NULL);

    g_setenv ("LSAN_OPTIONS", value, TRUE);
  }

  dir = companies_test_make_tmpdir ();
  make_certificates ();

  g_test_add_func ("/server/tls/health-over-https", test_health_over_https);
  g_test_add_func ("/server/tls/untrusted-certificate-fails", test_untrusted_certificate_fails);
  g_test_add_func ("/server/tls/sync-over-https", test_sync_over_https);
  g_test_add_func ("/server/tls/plain-http-to-https-port", test_plain_http_to_https_port);
  g_test_add_func ("/server/tls/stalled-handshake", test_stalled_handshake);
  g_test_add_func ("/server/tls/bad-tls-options", test_bad_tls_options);

  result = g_test_run ();

  companies_test_remove_tree (dir);
  g_free (dir);
  g_free (ca_path);
  g_free (certificate_path);
  g_free (key_path);

  return result;
}
