/* companies-server-feed.c: GET /v1/changes, the change feed
 * (docs/protocol-feed.md)
 *
 * A request whose cursor is behind the newest committed version (or
 * absent, a snapshot's, another database's) is answered at once
 * {"changed": true}. Otherwise it becomes a watcher: its message is
 * paused (libsoup then neither reads nor writes it, and no thread waits
 * for it) until a commit raises the version, {"changed": true}, or its
 * wait ends, {"changed": false}. The commits come from the worker
 * (companies-server-worker.c) after each COMMIT, and on PostgreSQL from
 * the notifications of every server (companies-server-postgres-listen.c).
 *
 * Watchers have their own bound, max_watchers; a watcher's connection
 * does not count against --max-connections (companies-server-limits.c).
 * A held watcher's client may leave: its connection is watched for the
 * close (companies-server-hangups.c) and then answered, so that libsoup
 * finishes it and its descriptor is released at once. The deadlines are
 * checked by one timer for all watchers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-cursor.h"
#include "companies-server-feed.h"
#include "companies-server-hangups.h"
#include "companies-server-respond.h"

#define DEFAULT_WAIT_SECONDS 25
#define MAX_WAIT_SECONDS     30
#define TICK_MILLISECONDS    250
/* Seconds a watcher turned away is asked to wait. */
#define BUSY_RETRY_AFTER     "5"

typedef struct
{
  CompaniesServerFeed        *feed;
  SoupServerMessage          *msg;
  GList                       link;      /* in feed->watchers */
  gint64                      deadline;  /* monotonic µs */
  gint64                      cursor_version;
  gulong                      finished_id;
  CompaniesServerHangupWatch *hangup;
} Watcher;

struct _CompaniesServerFeed
{
  CompaniesServerLimits  *limits;  /* borrowed */
  CompaniesServerHangups *hangups;
  guint                   max_watchers;
  char                   *database_uuid;
  gint64                  version;
  GQueue                  watchers;
  guint                   tick_id;
};

static void
respond_state (CompaniesServerFeed *self,
               SoupServerMessage   *msg,
               gboolean             changed)
{
  g_autoptr(GBytes) body = NULL;
  char text[96];

  g_snprintf (text, sizeof text, "{\"changed\":%s,\"version\":%" G_GINT64_FORMAT "}",
              changed ? "true" : "false", self->version);
  body = g_bytes_new (text, strlen (text));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  companies_server_respond_json (msg, SOUP_STATUS_OK, body);
}

/* Lets go of @watcher; its message is answered and resumed when
 * @answer, else left as it is (finished already, or closing). */
static void
release (Watcher  *watcher,
         gboolean  answer,
         gboolean  changed)
{
  CompaniesServerFeed *self = watcher->feed;
  g_autoptr(SoupServerMessage) msg = watcher->msg;

  g_queue_unlink (&self->watchers, &watcher->link);
  g_clear_signal_handler (&watcher->finished_id, msg);
  companies_server_hangups_cancel (self->hangups, watcher->hangup);
  companies_server_limits_set_watching (self->limits, msg, FALSE);
  g_free (watcher);

  if (answer)
    {
      respond_state (self, msg, changed);
      soup_server_message_unpause (msg);
    }
}

/* The connection went (the server is closing): nothing to answer. */
static void
watcher_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  release (user_data, FALSE, FALSE);
}

/* The client closed its side: answering lets libsoup finish the message
 * and close the connection now rather than at the deadline. */
static void
watcher_hung_up_cb (gboolean closed,
                    gpointer user_data)
{
  Watcher *watcher = user_data;

  watcher->hangup = NULL;
  release (watcher, TRUE, FALSE);
}

static gboolean
tick_cb (gpointer user_data)
{
  CompaniesServerFeed *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GList *link = self->watchers.head;

  while (link != NULL)
    {
      Watcher *watcher = link->data;

      link = link->next;
      if (now >= watcher->deadline)
        release (watcher, TRUE, FALSE);
    }

  if (self->watchers.length == 0)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* The wait parameter: whole seconds, 1 to MAX_WAIT_SECONDS. */
static gboolean
parse_wait (const char *text,
            guint      *out_seconds)
{
  guint64 seconds;

  if (text == NULL)
    {
      *out_seconds = DEFAULT_WAIT_SECONDS;
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX_WAIT_SECONDS, &seconds, NULL) ||
      !g_ascii_isdigit (text[0]))
    return FALSE;

  *out_seconds = (guint) seconds;
  return TRUE;
}

static void
hold (CompaniesServerFeed *self,
      SoupServerMessage   *msg,
      gint64               cursor_version,
      guint                wait_seconds)
{
  Watcher *watcher = g_new0 (Watcher, 1);
  GSocket *socket;

  watcher->feed = self;
  watcher->msg = g_object_ref (msg);
  watcher->link.data = watcher;
  watcher->deadline = g_get_monotonic_time () + wait_seconds * G_USEC_PER_SEC;
  watcher->cursor_version = cursor_version;
  watcher->finished_id = g_signal_connect (msg, "finished",
                                           G_CALLBACK (watcher_finished_cb), watcher);
  g_queue_push_tail_link (&self->watchers, &watcher->link);

  soup_server_message_pause (msg);
  companies_server_limits_set_watching (self->limits, msg, TRUE);
  socket = companies_server_limits_get_socket (self->limits, msg);
  if (socket != NULL)
    watcher->hangup = companies_server_hangups_watch (self->hangups, socket, FALSE,
                                                      watcher_hung_up_cb, watcher);

  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (TICK_MILLISECONDS, tick_cb, self);
}

void
companies_server_feed_serve (CompaniesServerFeed *self,
                             SoupServerMessage   *msg,
                             GHashTable          *query)
{
  const char *cursor_text = query != NULL ? g_hash_table_lookup (query, "cursor") : NULL;
  const char *wait_text = query != NULL ? g_hash_table_lookup (query, "wait") : NULL;
  CompaniesServerCursor cursor;
  guint wait_seconds;

  g_return_if_fail (self != NULL);

  if (!parse_wait (wait_text, &wait_seconds))
    {
      companies_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                      _("The wait must be whole seconds from 1 to 30"), "wait");
      return;
    }

  if (cursor_text != NULL && !companies_server_cursor_parse (cursor_text, &cursor))
    {
      companies_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                      _("The cursor was not made by this server"), "cursor");
      return;
    }

  /* Whatever a sync would answer with something new, or with a reset. */
  if (cursor_text == NULL || cursor.in_snapshot ||
      g_strcmp0 (cursor.database_uuid, self->database_uuid) != 0 ||
      cursor.version < self->version)
    {
      respond_state (self, msg, TRUE);
      return;
    }

  if (self->watchers.length >= self->max_watchers)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", BUSY_RETRY_AFTER);
      companies_server_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy",
                                      _("The server holds as many watchers as it may; "
                                        "try again later"), NULL);
      return;
    }

  hold (self, msg, cursor.version, wait_seconds);
}

CompaniesServerFeed *
companies_server_feed_new (CompaniesServerLimits *limits,
                           guint                  max_watchers)
{
  CompaniesServerFeed *self;

  g_return_val_if_fail (limits != NULL, NULL);
  g_return_val_if_fail (max_watchers > 0, NULL);

  self = g_new0 (CompaniesServerFeed, 1);
  self->limits = limits;
  self->hangups = companies_server_hangups_new ();
  self->max_watchers = max_watchers;
  g_queue_init (&self->watchers);

  return self;
}

void
companies_server_feed_set_database (CompaniesServerFeed *self,
                                    const char          *database_uuid,
                                    gint64               version)
{
  g_return_if_fail (self != NULL);

  g_free (self->database_uuid);
  self->database_uuid = g_strdup (database_uuid);
  self->version = version;
}

void
companies_server_feed_committed (CompaniesServerFeed *self,
                                 gint64               version)
{
  GList *link;

  g_return_if_fail (self != NULL);

  if (version <= self->version)
    return;

  self->version = version;
  link = self->watchers.head;
  while (link != NULL)
    {
      Watcher *watcher = link->data;

      link = link->next;
      if (watcher->cursor_version < version)
        release (watcher, TRUE, TRUE);
    }
}

void
companies_server_feed_wake_all (CompaniesServerFeed *self)
{
  g_return_if_fail (self != NULL);

  while (self->watchers.head != NULL)
    release (self->watchers.head->data, TRUE, TRUE);
}

guint
companies_server_feed_get_n_watchers (CompaniesServerFeed *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->watchers.length;
}

void
companies_server_feed_free (CompaniesServerFeed *self)
{
  if (self == NULL)
    return;

  while (self->watchers.head != NULL)
    release (self->watchers.head->data, FALSE, FALSE);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  companies_server_hangups_free (self->hangups);
  g_free (self->database_uuid);
  g_free (self);
}
