/* companies-server-postgres-schema.h: what the PostgreSQL backend's
 * connections (companies-server-store-postgres.c) need from the schema:
 * preparing a fresh connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* Checks that the database is ours (or has no tables yet) and speaks
 * UTF-8, creates or migrates the schema to the current version in one
 * transaction (servers and connections that do so at once take turns)
 * and reads the database uuid. Every connection runs it, each time it
 * connects: the database may have been replaced meanwhile. */
gboolean companies_server_postgres_prepare_schema (PGconn   *conn,
                                                   char    **out_database_uuid,
                                                   GError  **error);

G_END_DECLS
