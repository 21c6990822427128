/* test-server-pg-feed.c: the change feed of servers sharing one
 * PostgreSQL database (docs/protocol-feed.md): a commit through one
 * server wakes the watchers of another (LISTEN/NOTIFY); when the database
 * goes down and comes back, every held watcher is woken once, and
 * commits are heard again; through nginx (data/nginx/companies.conf.in) a
 * watcher is held, woken by a commit, and hears its heartbeat.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <libsoup/soup.h>

#include "companies-test-nginx.h"
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

/* One GET of @url through nginx (TLS, trusting @ca_file), in a thread:
 * the test commits meanwhile. */
typedef struct
{
  char    *url;
  char    *ca_file;
  guint    status;
  char    *body;
  gint64   done;   /* monotonic µs */
} NginxWatch;

static gpointer
nginx_watch_thread (gpointer user_data)
{
  NginxWatch *watch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (watch->ca_file, &error);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", watch->url);
  g_autoptr(GBytes) body = NULL;

  g_assert_no_error (error);
  session = soup_session_new_with_options ("tls-database", database, "timeout", 60, NULL);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  watch->status = soup_message_get_status (msg);
  watch->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  watch->done = g_get_monotonic_time ();
  return NULL;
}

static GThread *
nginx_watch_start (NginxWatch         *watch,
                   CompaniesTestNginx *nginx,
                   const char         *cursor,
                   guint               wait)
{
  g_autofree char *query = feed_query (cursor, wait);

  watch->url = g_strdup_printf ("%s/v1/changes?%s", companies_test_nginx_get_url (nginx), query);
  watch->ca_file = g_strdup (companies_test_nginx_get_ca_file (nginx));
  return g_thread_new ("nginx-watch", nginx_watch_thread, watch);
}

static void
nginx_watch_clear (NginxWatch *watch)
{
  g_free (watch->url);
  g_free (watch->ca_file);
  g_free (watch->body);
}

/* Through nginx: held until a commit (through another server), then
 * changed; with nothing to hear, the heartbeat after `wait`. */
static void
test_through_nginx (void)
{
  const char * const proxied[] = { "--trusted-proxy", "127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("nginx_%.8s", digest);
  g_autofree char *uri = companies_test_postgres_create (companies_test_postgres_get (), name,
                                                         &error);
  g_autoptr(CompaniesTestNginx) nginx = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *after = NULL;
  NginxWatch woken = { NULL, }, heartbeat = { NULL, };
  TestServer *servers[2];
  guint16 ports[2];
  GThread *thread;
  gint64 committed;

  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      servers[i] = g_new0 (TestServer, 1);
      servers[i]->server = companies_test_server_start (uri, proxied, &error);
      g_assert_no_error (error);
      ports[i] = companies_test_server_get_port (servers[i]->server);
    }
  nginx = companies_test_nginx_start (ports, 2, &error);
  g_assert_no_error (error);

  cursor = feed_current_cursor (servers[0]);
  thread = nginx_watch_start (&woken, nginx, cursor, 25);
  /* held: nothing yet */
  g_usleep (HELD_CHECK_MS * 2 * 1000);
  g_assert_cmpint (g_atomic_int_get ((gint *) &woken.status), ==, 0);

  committed = g_get_monotonic_time ();
  feed_add_company (servers[1], "Heard through nginx");
  g_thread_join (thread);
  g_assert_cmpuint (woken.status, ==, 200);
  g_assert_cmpint ((woken.done - committed) / 1000, <, WAKE_BOUND_MS);
  after = feed_current_cursor (servers[1]);
  g_assert_true (g_str_has_prefix (woken.body, "{\"changed\":true,"));

  thread = nginx_watch_start (&heartbeat, nginx, after, 2);
  g_thread_join (thread);
  g_assert_cmpuint (heartbeat.status, ==, 200);
  g_assert_true (g_str_has_prefix (heartbeat.body, "{\"changed\":false,"));

  nginx_watch_clear (&woken);
  nginx_watch_clear (&heartbeat);
  for (guint i = 0; i < 2; i++)
    server_free (servers[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/pg-feed/across-servers", test_across_servers);
  g_test_add_func ("/server/pg-feed/database-restarts", test_database_restarts);
  g_test_add_func ("/server/pg-feed/through-nginx", test_through_nginx);

  return g_test_run ();
}
