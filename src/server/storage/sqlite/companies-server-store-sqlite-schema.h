/* companies-server-store-sqlite-schema.h: what the SQLite backend's
 * connections (companies-server-store-sqlite.c) need from the schema:
 * preparing a freshly opened connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Checks that the open database is ours (or new and empty), sets the
 * connection's pragmas, migrates the schema to the current version in one
 * transaction and reads the database uuid. */
gboolean companies_server_sqlite_prepare_schema (sqlite3     *db,
                                                 char       **out_database_uuid,
                                                 GError     **error);

/* For a read-only connection to a database prepared already (by the
 * writer's connection): the pragmas and the database uuid. */
gboolean companies_server_sqlite_prepare_reader (sqlite3     *db,
                                                 char       **out_database_uuid,
                                                 GError     **error);

G_END_DECLS
