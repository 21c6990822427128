/* server-test-raw.h: raw TCP connections to a test server, for requests no
 * HTTP library would send: slow, stalled, truncated, malformed, too many.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "server-test-util.h"

G_BEGIN_DECLS

/* A blocking connection to 127.0.0.1:@port (operations time out after
 * 30 s, a safety net only). */
GSocket  *raw_connect            (guint16      port);
/* The same from the loopback address @from (127.0.0.2 …; NULL: any);
 * NULL when the server closed it before the connect returned. */
GSocket  *raw_connect_from       (guint16      port,
                                  const char  *from);
/* Sends all of @data; FALSE when the server closed the connection. */
gboolean  raw_send               (GSocket     *socket,
                                  const void  *data,
                                  gsize        length);
/* Reads until the server closes the connection or @timeout_ms passes;
 * TRUE when it was closed (end of stream or reset). Whatever arrived is
 * appended to @received (may be NULL). */
gboolean  raw_wait_closed        (GSocket     *socket,
                                  guint        timeout_ms,
                                  GString     *received);
/* TRUE when the server closed the connection within @timeout_ms, without
 * reading anything (fails the test if data arrives). */
gboolean  raw_closed_within      (GSocket     *socket,
                                  guint        timeout_ms);
/* Reads until @received holds a whole answer (head and Content-Length
 * body) or the server closes the connection; FALSE when neither happened
 * within @timeout_ms. A kept-alive connection stays open after it. */
gboolean  raw_read_answer        (GSocket     *socket,
                                  guint        timeout_ms,
                                  GString     *received);
/* Sends @request whole on a new connection and reads the answer (until
 * it is whole, or the server closes the connection); returns the status
 * of the answer, 0 when the connection was closed without one. */
guint     raw_exchange           (guint16      port,
                                  const char  *request,
                                  gsize        length,
                                  GString     *response);

/* The head of a sync request whose JSON body is @content_length bytes. */
char     *raw_sync_head          (gsize        content_length);

/* GET /v1/health on a fresh connection: asserts 200, returns how long it
 * took in milliseconds. */
guint     raw_time_health        (TestServer  *server);
/* Asserts that the server answers health, and that a small sync applies. */
void      assert_server_serves   (TestServer  *server);

/* The number of file descriptors the server process holds open now (its
 * process is found in /proc by its database path). */
guint     raw_count_server_descriptors (TestServer *server);

/* Milliseconds since @start (a g_get_monotonic_time () value). */
guint     ms_since               (gint64       start);

G_END_DECLS
