/* companies-server-postgres-listen.h: hears of the commits of every
 * server on a PostgreSQL database (LISTEN/NOTIFY), for the change feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The channel each commit that raised the version notifies, with the
 * new newest version as its payload. */
#define COMPANIES_SERVER_POSTGRES_CHANNEL "companies_changes"

typedef struct _CompaniesServerPostgresListen CompaniesServerPostgresListen;

/* @version is the newest committed one; @resync: the connection was lost
 * and is back, so commits may have gone unheard meanwhile. */
typedef void (*CompaniesServerPostgresHeardFunc) (gint64   version,
                                                  gboolean resync,
                                                  gpointer user_data);

/* Listens on a connection of its own to @uri, polled by the
 * thread-default main context without ever blocking it, and connects
 * again whenever it is lost. @func is called in that context. */
CompaniesServerPostgresListen *companies_server_postgres_listen_new  (const char                       *uri,
                                                                      CompaniesServerPostgresHeardFunc  func,
                                                                      gpointer                          user_data);
void                           companies_server_postgres_listen_free (CompaniesServerPostgresListen    *self);

G_END_DECLS
