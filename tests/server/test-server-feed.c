/* test-server-feed.c: GET /v1/changes (docs/protocol-feed.md) against
 * a real server over raw HTTP: answered at once when the client is
 * behind, held until a commit otherwise, a heartbeat when its wait ends,
 * 400 for a bad cursor or wait, its own bound of watchers, and watchers
 * that take no request slot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-feed.h"

/* How soon a held watcher must hear of a commit: far more than it takes,
 * for a loaded machine. */
#define WAKE_BOUND_MS  5000
/* A watcher that must stay held is checked for this long. */
#define HELD_CHECK_MS   500

static guint16
port (TestServer *server)
{
  return companies_test_server_get_port (server->server);
}

static FeedAnswer *
feed_get (TestServer *server,
          const char *query)
{
  g_autoptr(GSocket) socket = feed_send (port (server), query, server->token);
  FeedAnswer *answer = feed_read (socket, WAKE_BOUND_MS);

  g_assert_nonnull (answer);
  return answer;
}

/* A cursor that is behind, absent, a snapshot's or another database's
 * is answered at once, changed. */
static void
test_immediate (void)
{
  g_autoptr(TestServer) server = test_server_start (TRUE, NULL);
  g_autofree char *old_cursor = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *foreign = NULL;
  const char *queries[4];
  gint64 version;

  old_cursor = feed_current_cursor (server);
  feed_add_company (server, "First");
  cursor = feed_current_cursor (server);
  version = test_cursor_version (cursor);
  g_assert_cmpint (version, >, test_cursor_version (old_cursor));

  snapshot = g_strdup_printf ("%.*s.%" G_GINT64_FORMAT ".s", 36, cursor, version);
  foreign = g_strdup_printf ("%s.%" G_GINT64_FORMAT, "00000000-0000-4000-8000-000000000000",
                             version);
  queries[0] = NULL;
  queries[1] = feed_query (old_cursor, 20);
  queries[2] = feed_query (snapshot, 20);
  queries[3] = feed_query (foreign, 20);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(FeedAnswer) answer = feed_get (server, queries[i]);

      g_assert_cmpuint (answer->status, ==, 200);
      g_assert_true (answer->changed);
      g_assert_cmpint (answer->version, ==, version);
      g_assert_cmpstr (answer->cache_control, ==, "no-store");
      /* not held until the end of the 20 s wait */
      g_assert_cmpuint (ms_since (start), <, WAKE_BOUND_MS);
    }

  for (guint i = 1; i < G_N_ELEMENTS (queries); i++)
    g_free ((char *) queries[i]);
}

/* An up-to-date watcher is held until a commit, then answered changed,
 * with the new version. */
static void
test_held_until_commit (void)
{
  g_autoptr(TestServer) server = test_server_start (TRUE, NULL);
  g_autofree char *cursor = feed_current_cursor (server);
  g_autofree char *query = feed_query (cursor, 25);
  g_autoptr(GSocket) socket = feed_send (port (server), query, server->token);
  g_autoptr(FeedAnswer) answer = NULL;
  g_autofree char *new_cursor = NULL;
  gint64 start;

  g_assert_null (feed_read (socket, HELD_CHECK_MS));

  start = g_get_monotonic_time ();
  feed_add_company (server, "Wakes the watcher");
  answer = feed_read (socket, WAKE_BOUND_MS);
  g_assert_nonnull (answer);
  g_assert_cmpuint (ms_since (start), <, WAKE_BOUND_MS);
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_true (answer->changed);

  new_cursor = feed_current_cursor (server);
  g_assert_cmpint (answer->version, ==, test_cursor_version (new_cursor));
  g_assert_cmpint (answer->version, >, test_cursor_version (cursor));
}

/* A pull commits nothing: the watcher stays held. */
static void
test_pull_wakes_nobody (void)
{
  g_autoptr(TestServer) server = test_server_start (TRUE, NULL);
  g_autofree char *cursor = feed_current_cursor (server);
  g_autofree char *query = feed_query (cursor, 25);
  g_autoptr(GSocket) socket = feed_send (port (server), query, server->token);
  g_autofree char *again = NULL;

  g_assert_null (feed_read (socket, HELD_CHECK_MS));
  again = feed_current_cursor (server);
  g_assert_cmpstr (again, ==, cursor);
  g_assert_null (feed_read (socket, HELD_CHECK_MS));
}

/* Nothing happens: the answer comes when the wait ends, unchanged. */
static void
test_heartbeat (void)
{
  g_autoptr(TestServer) server = test_server_start (TRUE, NULL);
  g_autofree char *cursor = NULL;
  g_autofree char *query = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(FeedAnswer) answer = NULL;
  gint64 start;
  guint elapsed;

  feed_add_company (server, "Something");
  cursor = feed_current_cursor (server);
  query = feed_query (cursor, 1);
  start = g_get_monotonic_time ();
  socket = feed_send (port (server), query, server->token);
  answer = feed_read (socket, WAKE_BOUND_MS);
  elapsed = ms_since (start);

  g_assert_nonnull (answer);
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_false (answer->changed);
  g_assert_cmpint (answer->version, ==, test_cursor_version (cursor));
  g_assert_cmpuint (elapsed, >=, 950);
  g_assert_cmpuint (elapsed, <, WAKE_BOUND_MS);
}

static void
assert_bad_request (TestServer *server,
                    const char *query,
                    const char *path)
{
  g_autoptr(FeedAnswer) answer = feed_get (server, query);

  g_assert_cmpuint (answer->status, ==, 400);
  g_assert_cmpstr (answer->code, ==, "invalid_request");
  g_assert_cmpstr (answer->path, ==, path);
}

static void
test_bad_requests (void)
{
  g_autoptr(TestServer) server = test_server_start (TRUE, NULL);
  g_autofree char *cursor = feed_current_cursor (server);
  g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
  const char * const bad_waits[] = { "0", "31", "-1", "+5", "1.5", "ten", "", "99999999999999999999" };
  g_autoptr(GString) response = g_string_new (NULL);
  g_autoptr(FeedAnswer) no_token = NULL;
  g_autoptr(GSocket) socket = NULL;
  const char *post;

  for (guint i = 0; i < G_N_ELEMENTS (bad_waits); i++)
    {
      g_autofree char *query = g_strdup_printf ("cursor=%s&wait=%s", escaped, bad_waits[i]);

      assert_bad_request (server, query, "wait");
    }

  assert_bad_request (server, "cursor=not-a-cursor&wait=5", "cursor");
  assert_bad_request (server, "cursor=&wait=5", "cursor");

  socket = feed_send (port (server), "wait=5", NULL);
  no_token = feed_read (socket, WAKE_BOUND_MS);
  g_assert_nonnull (no_token);
  g_assert_cmpuint (no_token->status, ==, 401);
  g_assert_cmpstr (no_token->code, ==, "unauthorized");

  post = "POST /v1/changes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
  g_assert_cmpuint (raw_exchange (port (server), post, strlen (post), response), ==, 405);
  g_assert_nonnull (strstr (response->str, "\r\nAllow: GET\r\n"));

  assert_server_serves (server);
}

static GPtrArray *
hold_watchers (TestServer *server,
               const char *cursor,
               guint       n)
{
  g_autofree char *query = feed_query (cursor, 30);
  GPtrArray *sockets = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (sockets, feed_send (port (server), query, server->token));

  /* all held: none answered */
  for (guint i = 0; i < n; i++)
    g_assert_null (feed_read (g_ptr_array_index (sockets, i), i == 0 ? HELD_CHECK_MS : 1));

  return sockets;
}

/* Past --max-watchers: 503 busy, with Retry-After; a slot freed by an
 * answered watcher is taken again. */
static void
test_watchers_bound (void)
{
  const char * const args[] = { "--max-watchers", "3", NULL };
  g_autoptr(TestServer) server = test_server_start (TRUE, args);
  g_autofree char *cursor = feed_current_cursor (server);
  g_autofree char *query = feed_query (cursor, 30);
  g_autoptr(GPtrArray) held = hold_watchers (server, cursor, 3);
  g_autoptr(FeedAnswer) busy = feed_get (server, query);
  g_autoptr(FeedAnswer) woken = NULL;
  g_autoptr(GPtrArray) again = NULL;

  g_assert_cmpuint (busy->status, ==, 503);
  g_assert_cmpstr (busy->code, ==, "busy");
  g_assert_nonnull (busy->retry_after);

  /* a commit answers the three: their places are free again */
  feed_add_company (server, "Frees the watchers");
  for (guint i = 0; i < held->len; i++)
    {
      g_autoptr(FeedAnswer) answer = feed_read (g_ptr_array_index (held, i), WAKE_BOUND_MS);

      g_assert_nonnull (answer);
      g_assert_true (answer->changed);
    }

  g_free (cursor);
  cursor = feed_current_cursor (server);
  again = hold_watchers (server, cursor, 3);
  feed_add_company (server, "Wakes them again");
  woken = feed_read (g_ptr_array_index (again, 2), WAKE_BOUND_MS);
  g_assert_nonnull (woken);
  g_assert_true (woken->changed);
}

/* --max-connections watchers held: syncs are still served, and so are
 * more watchers, even from one client (--max-client-connections). */
static void
test_watchers_take_no_slot (void)
{
  const char * const args[] = { "--max-connections", "4", "--max-client-connections", "4", NULL };
  g_autoptr(TestServer) server = test_server_start (TRUE, args);
  g_autofree char *cursor = feed_current_cursor (server);
  g_autoptr(GPtrArray) held = hold_watchers (server, cursor, 8);
  g_autoptr(FeedAnswer) answer = NULL;

  assert_server_serves (server);

  answer = feed_read (g_ptr_array_index (held, 7), WAKE_BOUND_MS);
  g_assert_nonnull (answer);
  g_assert_true (answer->changed);
}

/* A watcher's client that goes away releases its descriptor at once, not
 * when its wait would have ended. */
static void
test_watcher_client_leaves (void)
{
  g_autoptr(TestServer) server = test_server_start (TRUE, NULL);
  g_autofree char *cursor = feed_current_cursor (server);
  g_autoptr(GPtrArray) held = NULL;
  guint before, during;
  gint64 start;

  /* the server's idle descriptors, once it served a request */
  before = feed_count_descriptors (server);
  held = hold_watchers (server, cursor, 5);
  during = feed_count_descriptors (server);
  g_assert_cmpuint (during, >=, before + 5);

  g_ptr_array_set_size (held, 0);
  start = g_get_monotonic_time ();
  while (feed_count_descriptors (server) > before && ms_since (start) < WAKE_BOUND_MS)
    g_usleep (50 * 1000);
  g_assert_cmpuint (feed_count_descriptors (server), <=, before);
  /* answered to no one: libsoup logs it aborted */
  test_server_wait_for_log (server, "GET /v1/changes aborted");
  assert_server_serves (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/feed/immediate", test_immediate);
  g_test_add_func ("/server/feed/held-until-commit", test_held_until_commit);
  g_test_add_func ("/server/feed/pull-wakes-nobody", test_pull_wakes_nobody);
  g_test_add_func ("/server/feed/heartbeat", test_heartbeat);
  g_test_add_func ("/server/feed/bad-requests", test_bad_requests);
  g_test_add_func ("/server/feed/watchers-bound", test_watchers_bound);
  g_test_add_func ("/server/feed/watchers-take-no-slot", test_watchers_take_no_slot);
  g_test_add_func ("/server/feed/watcher-client-leaves", test_watcher_client_leaves);

  return g_test_run ();
}
