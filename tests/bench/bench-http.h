/* bench-http.h: a bare HTTP/1.1 client for the load figures: one request
 * a loopback connection, plain blocking sockets, so that the clients
 * putting load on the server spend as little of the machine's CPU as
 * possible (libsoup's client cost more CPU a request than the server).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sends one request to 127.0.0.1:@port over a fresh connection
 * ("Connection: close") and reads the whole answer. Returns its body
 * (chunked bodies decoded) and *@out_status, or NULL with @error when the
 * exchange failed or the answer is not HTTP. */
GBytes *bench_http_exchange (guint16       port,
                             const char   *method,
                             const char   *path,
                             const char   *content_type,
                             GBytes       *body,
                             guint        *out_status,
                             GError      **error);

/* The port of a "http://127.0.0.1:PORT" address, 0 when it has none. */
guint16 bench_http_port     (const char   *url);

G_END_DECLS
