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
 * transaction (servers that start at once take turns) and reads the
 * database uuid. */
gboolean companies_server_postgres_prepare_schema (PGconn   *conn,
                                                   char    **out_database_uuid,
                                                   GError  **error);

/* For a connection to a database prepared already (by a writer's
 * connection): the same checks, and the database uuid. */
gboolean companies_server_postgres_prepare_reader (PGconn   *conn,
                                                   char    **out_database_uuid,
                                                   GError  **error);

G_END_DECLS
