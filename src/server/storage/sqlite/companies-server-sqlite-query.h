/* companies-server-sqlite-query.h: one-off queries on a bare SQLite
 * connection of the server, and their errors
 *
 * The server's one helper for these: the SQLite backend's schema and
 * statements use it, and so do the server's tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Sets @error (COMPANIES_SERVER_STORE_ERROR) from the connection's last
 * failure; always returns FALSE. */
gboolean companies_server_sqlite_set_error (sqlite3     *db,
                                            GError     **error);

/* Runs @sql (statements without results, or whose rows are ignored). */
gboolean companies_server_sqlite_exec      (sqlite3     *db,
                                            const char  *sql,
                                            GError     **error);

/* Reads the integer in the first column of the first row of @sql (a
 * pragma, a count): 0 when there is no row. */
gboolean companies_server_sqlite_query_int (sqlite3     *db,
                                            const char  *sql,
                                            gint64      *out_value,
                                            GError     **error);

G_END_DECLS
