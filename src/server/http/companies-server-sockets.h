/* companies-server-sockets.h: what the connection limits read from a
 * socket (TCP_INFO) and how they close one (abortively)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <linux/tcp.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* Logs "Closed the connection of PEER: @reason", then resets the
 * connection: SO_LINGER 0 and shutdown (2) (see
 * companies-server-limits.c); the caller's owner closes the socket. */
void     companies_server_socket_drop          (GSocket         *socket,
                                                const char      *reason);
/* The kernel's TCP_INFO of @socket; FALSE (and zeroes) when unknown. */
gboolean companies_server_socket_tcp_info      (GSocket         *socket,
                                                struct tcp_info *info);
/* Milliseconds since data last arrived on @socket (or since it was
 * accepted, if none did yet). */
guint    companies_server_socket_ms_since_data (GSocket         *socket);

G_END_DECLS
