/* companies-server-sqlite-query.c: one-off queries on a bare SQLite
 * connection of the server, and their errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-server-sqlite-query.h"
#include "companies-server-store.h"

gboolean
companies_server_sqlite_set_error (sqlite3  *db,
                                   GError  **error)
{
  int code = sqlite3_extended_errcode (db) & 0xff;

  if (code == SQLITE_FULL)
    g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                 COMPANIES_SERVER_STORE_ERROR_FULL,
                 _("the disk is full (%s)"), sqlite3_errmsg (db));
  else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                 COMPANIES_SERVER_STORE_ERROR_NOT_OURS,
                 _("the file is damaged or is not a SQLite database (%s)"),
                 sqlite3_errmsg (db));
  else
    g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                 COMPANIES_SERVER_STORE_ERROR_FAILED,
                 _("database error: %s"), sqlite3_errmsg (db));

  return FALSE;
}

gboolean
companies_server_sqlite_exec (sqlite3     *db,
                              const char  *sql,
                              GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return companies_server_sqlite_set_error (db, error);

  return TRUE;
}

gboolean
companies_server_sqlite_query_int (sqlite3     *db,
                                   const char  *sql,
                                   gint64      *out_value,
                                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out_value = 0;
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return companies_server_sqlite_set_error (db, error);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_value = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      companies_server_sqlite_set_error (db, error);
      sqlite3_finalize (stmt);
      return FALSE;
    }

  sqlite3_finalize (stmt);
  return TRUE;
}
