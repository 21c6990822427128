/* companies-server-keepalive.h: connections kept open between requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define COMPANIES_SERVER_DEFAULT_KEEPALIVE_TIMEOUT 60

typedef struct _CompaniesServerKeepalive CompaniesServerKeepalive;

/* Hands @socket, whose next request has begun to arrive, to libsoup
 * again (companies-server-listener.c). */
typedef void (*CompaniesServerServeFunc) (GSocket        *socket,
                                          GSocketAddress *remote_address,
                                          gpointer        user_data);

/* Keeps answered connections open at most @timeout_seconds for their
 * next request. */
CompaniesServerKeepalive *companies_server_keepalive_new   (guint                     timeout_seconds,
                                                            CompaniesServerServeFunc  serve,
                                                            gpointer                  user_data);
/* @socket's request was answered: serves its next request when one
 * comes, or closes it when its peer closes it or it stays idle too long.
 * @client: the limits' key of its client (companies-server-limits.c). */
void                      companies_server_keepalive_hold  (CompaniesServerKeepalive *self,
                                                            GSocket                  *socket,
                                                            GSocketAddress           *remote_address,
                                                            const char               *client);
/* Closes the idle connection that waited longest, of @client (NULL: of
 * anyone), to make room for a new one; FALSE when there is none. */
gboolean                  companies_server_keepalive_evict (CompaniesServerKeepalive *self,
                                                            const char               *client);
/* Whether @socket waits here for its next request. */
gboolean                  companies_server_keepalive_holds (CompaniesServerKeepalive *self,
                                                            GSocket                  *socket);
guint                     companies_server_keepalive_get_timeout (CompaniesServerKeepalive *self);
/* Closes every idle connection. */
void                      companies_server_keepalive_free  (CompaniesServerKeepalive *self);

G_END_DECLS
