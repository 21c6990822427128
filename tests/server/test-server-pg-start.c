/* test-server-pg-start.c: the server and a database that comes late or
 * comes back as another one (docs/postgresql.md, "Outages"):
 *
 * - started while PostgreSQL is down, the server starts, answers
 *   /v1/health and syncs 503 `unavailable` with Retry-After, and serves
 *   by itself once PostgreSQL is started, the schema made then;
 * - when the database it reconnects to has another identity (replaced by
 *   a copy of another one), it serves the new identity: a client's cursor
 *   of the old one gets a snapshot (docs/protocol.md, "Reset"), on pulls
 *   and pushes alike, and the log says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <libsoup/soup.h>

#include "companies-test-postgres.h"
#include "server-test-util.h"

#define DEADLINE_US (60 * G_USEC_PER_SEC)

/* Sends @body (NULL: a GET) to @path; the status, the Retry-After header
 * and the body of the answer. */
static GBytes *
send_to (CompaniesTestServer  *server,
         const char           *path,
         GBytes               *body,
         guint                *out_status,
         char                **out_retry_after)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *url = g_strconcat (companies_test_server_get_url (server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (body != NULL ? "POST" : "GET", url);
  g_autoptr(GError) error = NULL;
  GBytes *reply;

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  *out_status = soup_message_get_status (msg);
  *out_retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                             "Retry-After"));
  return reply;
}

/* Asserts that @path answers 503 `unavailable` with Retry-After. */
static void
assert_unavailable (CompaniesTestServer *server,
                    const char          *path,
                    GBytes              *body)
{
  g_autofree char *retry_after = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *text = NULL;
  guint status = 0;

  reply = send_to (server, path, body, &status, &retry_after);
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  g_assert_cmpuint (status, ==, 503);
  g_assert_nonnull (strstr (text, "\"unavailable\""));
  g_assert_nonnull (retry_after);
  g_assert_cmpint (atoi (retry_after), >=, 1);
}

/* Sends @request until it is answered 200 (a 503 `unavailable` meanwhile
 * only), within the deadline: its response. */
static CompaniesSyncResponse *
sync_when_served (CompaniesTestServer        *server,
                  const CompaniesSyncRequest *request)
{
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

  for (;;)
    {
      g_autofree char *retry_after = NULL;
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;
      CompaniesSyncResponse *response;
      guint status = 0;

      reply = send_to (server, COMPANIES_SYNC_PATH, body, &status, &retry_after);
      if (status == 200)
        {
          response = companies_sync_response_decode (g_bytes_get_data (reply, NULL),
                                                     g_bytes_get_size (reply), &error);
          g_assert_no_error (error);
          return response;
        }

      g_assert_cmpuint (status, ==, 503);
      g_assert_nonnull (retry_after);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);  /* instead of Retry-After's seconds */
    }
}

/* Waits until the server's log holds @text; asserts that it does within
 * the deadline. */
static void
wait_for_log (CompaniesTestServer *server,
              const char          *text)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

  for (;;)
    {
      g_autofree char *log = companies_test_server_get_log (server);

      if (strstr (log, text) != NULL)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("the server's log lacks “%s”:\n%s", text, log);
      g_usleep (10 * 1000);  /* polling the log, with a deadline */
    }
}

/* The database uuid at the start of @cursor. */
static char *
cursor_database (const char *cursor)
{
  const char *dot = strchr (cursor, '.');

  g_assert_nonnull (dot);
  return g_strndup (cursor, dot - cursor);
}

static void
test_start_before_database (void)
{
  g_autoptr(CompaniesTestPostgres) pg = NULL;
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesSyncRequest) push = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) pushed = NULL;
  g_autoptr(CompaniesSyncResponse) pulled = NULL;
  g_autoptr(GBytes) push_body = NULL;
  g_autoptr(GBytes) health = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *retry_after = NULL;
  CompaniesChange *add;
  gint64 deadline;
  guint status = 0;

  /* An empty database, in a cluster that is down when the server
   * starts. */
  pg = companies_test_postgres_new (&error);
  g_assert_no_error (error);
  uri = companies_test_postgres_create (pg, "late", &error);
  g_assert_no_error (error);
  companies_test_postgres_stop (pg, "fast");

  server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  wait_for_log (server, "does not answer yet");

  /* It serves, and says the database is away. */
  assert_unavailable (server, COMPANIES_HEALTH_PATH, NULL);
  add = test_request_add (push, NULL, "name", "Late Ltd", NULL);
  push_body = companies_sync_request_encode (push);
  assert_unavailable (server, COMPANIES_SYNC_PATH, push_body);
  g_assert_cmpint (companies_test_server_get_pid (server), !=, 0);

  /* PostgreSQL starts: the health turns 200 by itself (nothing but the
   * health checks asked meanwhile), with the schema made. */
  companies_test_postgres_start (pg);
  deadline = g_get_monotonic_time () + DEADLINE_US;
  do
    {
      g_clear_pointer (&health, g_bytes_unref);
      g_clear_pointer (&retry_after, g_free);
      g_usleep (100 * 1000);  /* the health result lives a second */
      health = send_to (server, COMPANIES_HEALTH_PATH, NULL, &status, &retry_after);
    }
  while (status != 200 && g_get_monotonic_time () < deadline);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT version FROM "
                                                           "companies_server_schema"), ==, 5);

  /* The push applies, and a pull lists it. */
  pushed = sync_when_served (server, push);
  g_assert_cmpuint (pushed->companies->len, ==, 1);
  g_assert_nonnull (test_find_company_by_uuid (pushed->companies, add->uuid));
  pulled = companies_test_pull (companies_test_server_get_url (server), NULL, NULL, 100,
                                &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pulled->companies->len, ==, 1);
  g_assert_nonnull (test_find_company_by_uuid (pulled->companies, add->uuid));
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM company"),
                   ==, 1);

  companies_test_server_stop (server);
}

/* Pushes one add named @name through @server: the response. */
static CompaniesSyncResponse *
push_one (CompaniesTestServer *server,
          const char          *cursor,
          const char          *name)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (cursor);

  test_request_add (request, NULL, "name", name, NULL);
  return sync_when_served (server, request);
}

static void
test_identity_changes (void)
{
  CompaniesTestPostgres *pg = companies_test_postgres_get ();
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesTestServer) other = NULL;
  g_autoptr(CompaniesSyncResponse) first = NULL;
  g_autoptr(CompaniesSyncResponse) other_first = NULL;
  g_autoptr(CompaniesSyncRequest) pull = NULL;
  g_autoptr(CompaniesSyncResponse) pulled = NULL;
  g_autoptr(CompaniesSyncResponse) pushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *other_uri = NULL;
  g_autofree char *admin_uri = NULL;
  g_autofree char *old_uuid = NULL;
  g_autofree char *new_uuid = NULL;
  g_autofree char *pulled_uuid = NULL;
  g_autofree char *pushed_uuid = NULL;
  g_autofree char *log = NULL;

  uri = companies_test_postgres_create (pg, "identity_a", &error);
  g_assert_no_error (error);
  other_uri = companies_test_postgres_create (pg, "identity_b", &error);
  g_assert_no_error (error);
  admin_uri = companies_test_postgres_uri (pg, "postgres");

  /* Two databases, each made by a server of its own, so each with its
   * identity and its records. */
  server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  first = push_one (server, NULL, "Before Ltd");
  old_uuid = cursor_database (first->cursor);

  other = companies_test_server_start (other_uri, NULL, &error);
  g_assert_no_error (error);
  other_first = push_one (other, NULL, "Other One Ltd");
  g_clear_pointer (&other_first, companies_sync_response_free);
  other_first = push_one (other, NULL, "Other Two Ltd");
  new_uuid = cursor_database (other_first->cursor);
  g_assert_cmpstr (old_uuid, !=, new_uuid);
  companies_test_server_stop (other);

  /* The first server's database is replaced by a copy of the other one
   * under the same name, as a restore from the wrong backup would: its
   * connections are cut. */
  companies_test_postgres_exec (admin_uri, "DROP DATABASE identity_a WITH (FORCE)");
  companies_test_postgres_exec (admin_uri, "CREATE DATABASE identity_a TEMPLATE identity_b");

  /* A pull with a cursor of the old database (the reader's connection):
   * a snapshot of the new one, under its identity. */
  pull = test_request_new (first->cursor);
  pulled = sync_when_served (server, pull);
  g_assert_true (pulled->reset);
  pulled_uuid = cursor_database (pulled->cursor);
  g_assert_cmpstr (pulled_uuid, ==, new_uuid);
  g_assert_cmpuint (pulled->companies->len, ==, 2);
  g_assert_cmpuint (pulled->deleted->len, ==, 0);

  /* A push with it (the writer's connection): the same. */
  pushed = push_one (server, first->cursor, "After Ltd");
  g_assert_true (pushed->reset);
  pushed_uuid = cursor_database (pushed->cursor);
  g_assert_cmpstr (pushed_uuid, ==, new_uuid);
  g_assert_cmpuint (pushed->companies->len, ==, 3);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM company"),
                   ==, 3);

  wait_for_log (server, "identity changed");
  log = companies_test_server_get_log (server);
  g_assert_nonnull (strstr (log, old_uuid));
  g_assert_nonnull (strstr (log, new_uuid));
  companies_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/postgres/start-before-database", test_start_before_database);
  g_test_add_func ("/server/postgres/identity-changes", test_identity_changes);

  return g_test_run ();
}
