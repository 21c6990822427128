/* server-test-feed.h: GET /v1/changes over raw connections, for the tests
 * of the change feed (docs/protocol-feed.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "server-test-raw.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

typedef struct
{
  guint    status;
  gboolean changed;
  gint64   version;
  char    *code;         /* of an error body, else NULL */
  char    *path;         /* of an error body, else NULL */
  char    *retry_after;  /* the header, or NULL */
  char    *cache_control;
} FeedAnswer;

void        feed_answer_free    (FeedAnswer  *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FeedAnswer, feed_answer_free)

/* Connects to @port and sends GET /v1/changes?@query (NULL: none) with
 * @token (NULL: none). */
GSocket    *feed_send           (guint16      port,
                                 const char  *query,
                                 const char  *token);
/* Sends the same request on an open connection. */
void        feed_send_on        (GSocket     *socket,
                                 const char  *query,
                                 const char  *token);
/* Reads one whole answer (head and Content-Length body), at most
 * @timeout_ms; NULL when none came in time. The connection stays open. */
FeedAnswer *feed_read           (GSocket     *socket,
                                 guint        timeout_ms);
/* A cursor that is up to date with @server: the last page of a fresh
 * snapshot. */
char       *feed_current_cursor (TestServer  *server);
/* Adds one company through a sync. */
void        feed_add_company    (TestServer  *server,
                                 const char  *name);
/* @query with the cursor URL-encoded: "cursor=…&wait=@wait". */
char       *feed_query          (const char  *cursor,
                                 guint        wait);
/* The descriptors the server process holds open now (/proc/PID/fd):
 * on SQLite and PostgreSQL alike. */
guint       feed_count_descriptors (TestServer *server);

G_END_DECLS
