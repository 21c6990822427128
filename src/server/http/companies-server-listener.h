/* companies-server-listener.h: the listening socket of companies-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "companies-server-limits.h"

G_BEGIN_DECLS

typedef struct _CompaniesServerListener CompaniesServerListener;

/* Listens on @address:@port (0 picks a free port) and hands every
 * connection @limits admit to @server, through TLS with @certificate when
 * it is not NULL; plain HTTP connections are kept alive between requests
 * for at most @keepalive_timeout seconds. @server and @limits are
 * borrowed. */
CompaniesServerListener *companies_server_listener_new      (SoupServer              *server,
                                                             CompaniesServerLimits   *limits,
                                                             GTlsCertificate         *certificate,
                                                             guint                    keepalive_timeout,
                                                             GInetAddress            *address,
                                                             guint16                  port,
                                                             GError                 **error);
/* The port it listens on. */
guint16                  companies_server_listener_get_port (CompaniesServerListener *self);
/* Stops listening; the connections accepted stay with the server. */
void                     companies_server_listener_free     (CompaniesServerListener *self);

G_END_DECLS
