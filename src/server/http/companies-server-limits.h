/* companies-server-limits.h: how many connections companies-server keeps,
 * and for how long
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define COMPANIES_SERVER_DEFAULT_MAX_CONNECTIONS 256
#define COMPANIES_SERVER_DEFAULT_IDLE_TIMEOUT    60
#define COMPANIES_SERVER_DEFAULT_REQUEST_TIMEOUT 30

typedef struct _CompaniesServerLimits CompaniesServerLimits;

/* Watches the connections handed to @server (by
 * companies-server-listener.c): at most @max_connections at once; a
 * connection that sends nothing for @idle_timeout seconds while its
 * request is awaited, whose request is not complete @request_timeout
 * seconds after it was accepted, or whose answer is not taken within
 * @request_timeout seconds, is closed. Every answer closes its connection
 * (no keep-alive). */
CompaniesServerLimits *companies_server_limits_new               (SoupServer            *server,
                                                                  guint                  max_connections,
                                                                  guint                  idle_timeout,
                                                                  guint                  request_timeout);
/* A connection was just accepted from @remote_address (the very object
 * then given to soup_server_accept_iostream ()). TRUE when it may be
 * served: it is watched from now until it closes. FALSE when
 * max_connections are open already: it is logged and shut down, and the
 * caller closes it. */
gboolean               companies_server_limits_admit             (CompaniesServerLimits *self,
                                                                  GSocket               *socket,
                                                                  GSocketAddress        *remote_address);
/* Closes the connection of @msg at once: its client sees it reset. */
void                   companies_server_limits_drop              (CompaniesServerLimits *self,
                                                                  SoupServerMessage     *msg,
                                                                  const char            *reason);
/* Stops watching; the connections stay as they are. */
void                   companies_server_limits_free              (CompaniesServerLimits *self);

G_END_DECLS
