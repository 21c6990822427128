/* test-watch.c: the change feed from the client's side (docs/live.md,
 * "Clients"): companies_sync_client_watch_async () answers at once when
 * the client is behind, is held until another client commits, ends with
 * "no change" after its wait, and tells a server without the feed; and a
 * `companies-cli watch --json` process sees every change other clients
 * make, in order, none missed, across a lost connection and a server
 * restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include <libsoup/soup.h>

#include "companies-test-tcp-proxy.h"
#include "companies-test-watcher.h"
#include "e2e-helpers.h"

#define WAIT_MS 30000

typedef struct
{
  gboolean  done;
  gboolean  ok;
  gboolean  changed;
  gint64    finished_at;
  GError   *error;
} WatchCall;

static void
watched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  WatchCall *call = user_data;

  call->ok = companies_sync_client_watch_finish (COMPANIES_SYNC_CLIENT (source), result,
                                                 &call->changed, &call->error);
  call->finished_at = g_get_monotonic_time ();
  call->done = TRUE;
}

static void
wait_call (WatchCall *call)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;

  while (!call->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (call->done);
}

/* Behind: at once; up to date: held until another client commits;
 * nothing committed: "no change" after the wait. */
static void
test_watch_api (E2eWorld      *world,
                gconstpointer  data)
{
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", e2e_world_url (world), NULL);
  g_autoptr(E2eClient) b = e2e_client_new (world, "b", e2e_world_url (world), NULL);
  g_autoptr(CompaniesCompany) first = e2e_add (b->store, "First", NULL, NULL);
  g_autoptr(CompaniesCompany) second = NULL;
  WatchCall behind = { 0 };
  WatchCall held = { 0 };
  WatchCall idle = { 0 };
  gint64 committed_at;
  gint64 started;

  e2e_sync_once (b);

  /* a holds no cursor: behind. */
  companies_sync_client_watch_async (a->client, 10, NULL, watched_cb, &behind);
  wait_call (&behind);
  g_assert_no_error (behind.error);
  g_assert_true (behind.changed);

  e2e_sync_once (a);
  companies_sync_client_watch_async (a->client, 20, NULL, watched_cb, &held);
  /* Let the request reach the server before the commit. */
  g_usleep (500 * 1000);
  g_assert_false (held.done);
  second = e2e_add (b->store, "Second", NULL, NULL);
  e2e_sync_once (b);
  committed_at = g_get_monotonic_time ();
  wait_call (&held);
  g_assert_no_error (held.error);
  g_assert_true (held.changed);
  /* Woken by the commit, not by the end of the wait. */
  g_assert_cmpint (held.finished_at - committed_at, <, 10 * G_USEC_PER_SEC);

  e2e_sync_once (a);
  started = g_get_monotonic_time ();
  companies_sync_client_watch_async (a->client, 1, NULL, watched_cb, &idle);
  wait_call (&idle);
  g_assert_no_error (idle.error);
  g_assert_false (idle.changed);
  g_assert_cmpint (idle.finished_at - started, >=, G_USEC_PER_SEC * 9 / 10);
}

static void
not_found_cb (SoupServer        *server,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
}

/* A server without the change feed (a 404): G_IO_ERROR_NOT_SUPPORTED;
 * one that cannot be reached: the sync's network error. */
static void
test_watch_errors (E2eWorld      *world,
                   gconstpointer  data)
{
  g_autoptr(SoupServer) old = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *old_url = NULL;
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(E2eClient) nowhere = NULL;
  WatchCall call = { 0 };
  WatchCall refused = { 0 };

  soup_server_add_handler (old, NULL, not_found_cb, NULL, NULL);
  soup_server_listen_local (old, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (old);
  old_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  a = e2e_client_new (world, "a", old_url, NULL);
  companies_sync_client_watch_async (a->client, 5, NULL, watched_cb, &call);
  wait_call (&call);
  g_assert_false (call.ok);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&call.error);

  nowhere = e2e_client_new (world, "c", "http://127.0.0.1:9", NULL);
  companies_sync_client_watch_async (nowhere->client, 5, NULL, watched_cb, &refused);
  wait_call (&refused);
  g_assert_false (refused.ok);
  g_assert_error (refused.error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK);
  g_clear_error (&refused.error);
}

/* --- A watcher process sees every change. --- */

typedef struct
{
  CompaniesTestWatcher *watcher;
  GHashTable           *seen;      /* "uuid version event" */
  GHashTable           *events;    /* "uuid event" */
  gint64                last_version;
  guint                 lines;
} Seen;

/* Reads the watcher's lines until it printed @key ("uuid version event",
 * or "uuid event" when @any_version), asserting that versions only grow
 * (the order of the server). */
static void
wait_seen (Seen       *seen,
           const char *key,
           gboolean    any_version)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;

  while (!g_hash_table_contains (any_version ? seen->events : seen->seen, key))
    {
      g_autoptr(JsonObject) line = NULL;
      gint64 version;
      char *seen_key;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      line = companies_test_watcher_next (seen->watcher, 1000);
      if (line == NULL)
        continue;

      g_assert_true (json_object_has_member (line, "id"));
      version = json_object_get_int_member (line, "version");
      g_assert_cmpint (version, >, seen->last_version);
      seen->last_version = version;
      seen_key = g_strdup_printf ("%s %" G_GINT64_FORMAT " %s",
                                  json_object_get_string_member (line, "uuid"), version,
                                  json_object_get_string_member (line, "event"));
      g_hash_table_add (seen->seen, seen_key);
      g_hash_table_add (seen->events,
                        g_strdup_printf ("%s %s", json_object_get_string_member (line, "uuid"),
                                         json_object_get_string_member (line, "event")));
      seen->lines++;
    }
}

/* Makes one change of each kind through @b and waits until the watcher
 * printed each, with the version the server gave it. */
static void
change_and_see (E2eClient  *b,
                Seen       *seen,
                const char *name)
{
  g_autoptr(CompaniesCompany) added = e2e_add (b->store, name, "Braga", NULL);
  g_autoptr(CompaniesCompany) synced = NULL;
  g_autoptr(CompaniesCompany) updated = NULL;
  g_autoptr(CompaniesCompany) deleted = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *key = NULL;
  const char *uuid = companies_company_get_uuid (added);

  e2e_sync_once (b);
  synced = e2e_lookup (b->store, uuid);
  key = g_strdup_printf ("%s %" G_GINT64_FORMAT " changed", uuid,
                         companies_company_get_version (synced));
  wait_seen (seen, key, FALSE);

  ref = e2e_id_ref (companies_company_get_id (synced));
  updated = e2e_set (b->store, ref, COMPANIES_FIELD_CITY, "Faro");
  e2e_sync_once (b);
  g_clear_object (&updated);
  updated = e2e_lookup (b->store, uuid);
  g_free (key);
  key = g_strdup_printf ("%s %" G_GINT64_FORMAT " changed", uuid,
                         companies_company_get_version (updated));
  wait_seen (seen, key, FALSE);

  e2e_delete (b->store, ref);
  e2e_sync_once (b);
  g_free (key);
  key = g_strdup_printf ("%s deleted", uuid);
  wait_seen (seen, key, TRUE);
}

static void
test_watcher_sees_everything (E2eWorld      *world,
                              gconstpointer  data)
{
  g_autoptr(CompaniesTestTcpProxy) relay = NULL;
  g_autoptr(E2eClient) b = e2e_client_new (world, "b", e2e_world_url (world), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(CompaniesLocalStore) watched = NULL;
  g_autofree char *relay_url = NULL;
  g_autofree char *watched_db = e2e_world_path (world, "watched.db");
  g_autofree char *log = NULL;
  Seen seen = { 0 };

  relay = companies_test_tcp_proxy_new (companies_test_server_get_port (world->server), 0, &error);
  g_assert_no_error (error);
  relay_url = g_strdup_printf ("http://127.0.0.1:%u", companies_test_tcp_proxy_get_port (relay));

  seen.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen.events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen.watcher = companies_test_watcher_start (watched_db, relay_url, world->tmpdir, NULL);

  change_and_see (b, &seen, "One");
  change_and_see (b, &seen, "Two");

  /* The watch's connection is lost. */
  companies_test_tcp_proxy_drop_all (relay);
  change_and_see (b, &seen, "Three");

  /* The server goes away and comes back on another port. */
  companies_test_server_stop (world->server);
  g_clear_pointer (&world->server, companies_test_server_free);
  world->server = companies_test_server_start (world->server_db, NULL, &error);
  g_assert_no_error (error);
  companies_test_tcp_proxy_set_upstream (relay, companies_test_server_get_port (world->server));
  companies_sync_client_set_server_url (b->client, e2e_world_url (world));
  change_and_see (b, &seen, "Four");

  /* Every line is one record applied, seen once. */
  g_assert_cmpuint (seen.lines, ==, g_hash_table_size (seen.seen));
  g_assert_cmpint (companies_test_watcher_stop (seen.watcher, SIGTERM), ==, 0);
  log = companies_test_watcher_get_stderr (seen.watcher);
  g_test_message ("watcher's stderr: %s", log);

  server = e2e_server_records (e2e_world_url (world), NULL);
  watched = companies_local_store_open (watched_db, &error);
  g_assert_no_error (error);
  e2e_assert_store_equals (watched, server);

  g_clear_pointer (&seen.watcher, companies_test_watcher_free);
  g_hash_table_unref (seen.seen);
  g_hash_table_unref (seen.events);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/watch/api", E2eWorld, NULL,
              e2e_world_setup, test_watch_api, e2e_world_teardown);
  g_test_add ("/watch/errors", E2eWorld, NULL,
              e2e_world_setup, test_watch_errors, e2e_world_teardown);
  g_test_add ("/watch/watcher-sees-everything", E2eWorld, NULL,
              e2e_world_setup, test_watcher_sees_everything, e2e_world_teardown);

  return g_test_run ();
}
