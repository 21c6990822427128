/* test-server-pg-feed.c: the change feed of servers sharing one
 * PostgreSQL database (docs/protocol.md section 9): a commit through one
 * server wakes the watchers of another (LISTEN/NOTIFY); when the database
 * goes down and comes back, every held watcher is woken once, and
 * commits are heard again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "companies-test-postgres.h"
#include "server-test-feed.h"

#define WAKE_BOUND_MS   5000
#define HELD_CHECK_MS    500
/* The database restarts, and the server's listening connection tries
 * again every second. */
#define OUTAGE_BOUND_MS 20000

/* A TestServer around a server process on @uri, for the sync helpers. */
static TestServer *
server_on (const char *uri)
{
  g_autoptr(GError) error = NULL;
  TestServer *self = g_new0 (TestServer, 1);

  self->server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  return self;
}

static void
server_free (TestServer *self)
{
  companies_test_server_stop (self->server);
  companies_test_server_free (self->server);
  g_free (self);
}

static GSocket *
watch (TestServer *server,
       const char *cursor)
{
  g_autofree char *query = feed_query (cursor, 30);
  GSocket *socket = feed_send (companies_test_server_get_port (server->server), query, NULL);

  g_assert_null (feed_read (socket, HELD_CHECK_MS));
  return socket;
}

static void
assert_woken (GSocket *socket,
              guint    bound_ms,
              gint64   version)
{
  g_autoptr(FeedAnswer) answer = feed_read (socket, bound_ms);

  g_assert_nonnull (answer);
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_true (answer->changed);
  if (version > 0)
    g_assert_cmpint (answer->version, ==, version);
}

/* A commit through server A wakes the watchers of server B, with A's
 * new version; a pull through A wakes nobody. */
static void
test_across_servers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("feed_%.8s", digest);
  g_autofree char *uri = companies_test_postgres_create (companies_test_postgres_get (), name,
                                                         &error);
  TestServer *a, *b;
  g_autofree char *cursor = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GSocket) on_b = NULL;
  g_autoptr(GSocket) on_a = NULL;

  g_assert_no_error (error);
  a = server_on (uri);
  b = server_on (uri);

  cursor = feed_current_cursor (b);
  on_b = watch (b, cursor);
  on_a = watch (a, cursor);

  /* a pull commits nothing */
  g_free (feed_current_cursor (a));
  g_assert_null (feed_read (on_b, HELD_CHECK_MS));

  feed_add_company (a, "Committed through A");
  after = feed_current_cursor (a);
  assert_woken (on_b, WAKE_BOUND_MS, test_cursor_version (after));
  assert_woken (on_a, WAKE_BOUND_MS, test_cursor_version (after));

  server_free (a);
  server_free (b);
}

/* The database stops and comes back: the held watcher is woken (a commit
 * may have gone unheard), and a commit through another server is heard
 * again afterwards. */
static void
test_database_restarts (void)
{
  g_autoptr(CompaniesTestPostgres) pg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GSocket) held = NULL;
  g_autoptr(GSocket) after_outage = NULL;
  TestServer *a, *b;
  gint64 start;

  pg = companies_test_postgres_new (&error);
  g_assert_no_error (error);
  uri = companies_test_postgres_create (pg, "feed_outage", &error);
  g_assert_no_error (error);
  a = server_on (uri);
  b = server_on (uri);

  cursor = feed_current_cursor (a);
  held = watch (a, cursor);

  companies_test_postgres_stop (pg, "fast");
  g_usleep (1500 * 1000);
  companies_test_postgres_start (pg);

  start = g_get_monotonic_time ();
  assert_woken (held, OUTAGE_BOUND_MS, 0);
  g_test_message ("woken %u ms after the database was back", ms_since (start));

  /* Heard again: a commit through B wakes a new watcher on A. Until A's
   * listening connection is back a watcher may be woken by the resync
   * alone; then it is held again. */
  g_free (cursor);
  cursor = NULL;
  start = g_get_monotonic_time ();
  for (;;)
    {
      g_autofree char *query = NULL;
      g_autoptr(FeedAnswer) answer = NULL;

      /* B's writer finds the database back at its next request */
      cursor = feed_current_cursor (b);
      query = feed_query (cursor, 30);
      after_outage = feed_send (companies_test_server_get_port (a->server), query, NULL);
      answer = feed_read (after_outage, HELD_CHECK_MS);
      if (answer == NULL)
        break;
      g_assert_cmpuint (ms_since (start), <, OUTAGE_BOUND_MS);
      g_clear_object (&after_outage);
      g_clear_pointer (&cursor, g_free);
    }

  feed_add_company (b, "Committed through B after the outage");
  assert_woken (after_outage, WAKE_BOUND_MS, 0);

  server_free (a);
  server_free (b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/pg-feed/across-servers", test_across_servers);
  g_test_add_func ("/server/pg-feed/database-restarts", test_database_restarts);

  return g_test_run ();
}
