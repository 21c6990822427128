/* companies-server-limits.h: how many connections companies-server keeps,
 * and for how long
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "companies-server-keepalive.h"

G_BEGIN_DECLS

#define COMPANIES_SERVER_DEFAULT_MAX_CONNECTIONS        256
#define COMPANIES_SERVER_DEFAULT_MAX_CLIENT_CONNECTIONS 32
#define COMPANIES_SERVER_DEFAULT_HEAD_TIMEOUT           10
#define COMPANIES_SERVER_DEFAULT_IDLE_TIMEOUT           30

typedef struct _CompaniesServerLimits CompaniesServerLimits;

typedef struct
{
  guint max_connections;         /* open at once, from everyone */
  guint max_client_connections;  /* open at once, from one client */
  guint head_timeout;            /* seconds */
  guint idle_timeout;            /* seconds */
  GInetAddress *trusted_proxy;   /* borrowed; NULL: none */
} CompaniesServerLimitsOptions;

/* Watches the connections handed to @server (by
 * companies-server-listener.c): at most max_connections at once, and at
 * most max_client_connections from one client (an IPv4 address, or an
 * IPv6 /64); a connection whose request head has not arrived head_timeout
 * seconds after it was accepted, or that makes no progress for
 * idle_timeout seconds while its body is read or its answer written, is
 * closed. Without a keep-alive (companies_server_limits_set_keepalive ()),
 * every answer closes its connection.
 * A connection from trusted_proxy counts for the client its request names
 * in X-Forwarded-For (companies-server-forwarded.h), once its head has
 * arrived. */
CompaniesServerLimits *companies_server_limits_new               (SoupServer                         *server,
                                                                  const CompaniesServerLimitsOptions *options);
/* A connection was just accepted from @remote_address (the very object
 * then given to soup_server_accept_iostream ()). TRUE when it may be
 * served: it is watched from now until it closes. FALSE when
 * max_connections are open already, or max_client_connections from the
 * same client: it is logged and shut down, and the caller closes it. */
gboolean               companies_server_limits_admit             (CompaniesServerLimits *self,
                                                                  GSocket               *socket,
                                                                  GSocketAddress        *remote_address);
/* Closes the connection of @msg at once: its client sees it reset. */
void                   companies_server_limits_drop              (CompaniesServerLimits *self,
                                                                  SoupServerMessage     *msg,
                                                                  const char            *reason);
/* Keeps the connections of 200 answers to HTTP/1.1 requests alive in
 * @keepalive (borrowed; NULL: none), and closes its idle ones to make
 * room when the slots are full. */
void                   companies_server_limits_set_keepalive     (CompaniesServerLimits    *self,
                                                                  CompaniesServerKeepalive *keepalive);
/* While @watching, the connection of @msg holds a watcher of the change
 * feed: it counts neither against max_connections nor its client's
 * max_client_connections. */
void                   companies_server_limits_set_watching      (CompaniesServerLimits *self,
                                                                  SoupServerMessage     *msg,
                                                                  gboolean               watching);
/* The socket of @msg's connection (NULL when not watched); borrowed. */
GSocket               *companies_server_limits_get_socket        (CompaniesServerLimits *self,
                                                                  SoupServerMessage     *msg);
/* Stops watching; the connections stay as they are. */
void                   companies_server_limits_free              (CompaniesServerLimits *self);

G_END_DECLS
