/* companies-server-store-sqlite-replaced.c: both sides told, in the
 * SQLite store (docs/notices.md, docs/protocol.md section 3): who wrote a
 * value (from history), and the `replaced` entries kept for the client
 * whose value a later write replaced unseen
 *
 * An entry lives until its client acknowledges it (a cursor at or past
 * its version), ages out with history, or is pushed out by the count
 * bounds (COMPANIES_MAX_REPLACED a client, COMPANIES_SERVER_REPLACED_TOTAL
 * in all).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-fields.h"
#include "companies-server-store-sqlite-private.h"

gboolean
companies_server_sqlite_find_writer (CompaniesServerStore  *store,
                                     gint64                 id,
                                     const char            *field,
                                     gint64                 version,
                                     char                 **out_client_id,
                                     char                 **out_by,
                                     gint64                *out_at,
                                     GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_HISTORY_WRITER, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 3, version);
  sqlite3_bind_int64 (stmt, 4, G_MININT64);
  if (!companies_server_sqlite_bind_text (self, stmt, 2, field, error))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_client_id = companies_server_sqlite_dup_text_or_null (stmt, 0);
      *out_by = companies_server_sqlite_dup_text_or_null (stmt, 1);
      *out_at = sqlite3_column_int64 (stmt, 2);
      rc = sqlite3_step (stmt);
    }

  return companies_server_sqlite_finish_stmt (self, stmt, rc, error);
}

static gboolean
trim (CompaniesServerStoreSqlite  *self,
      const char                  *client_id,
      GError                     **error)
{
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_REPLACED_TRIM_CLIENT, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 2, COMPANIES_MAX_REPLACED);
  if (!companies_server_sqlite_bind_text (self, stmt, 1, client_id, error) ||
      !companies_server_sqlite_run_stmt (self, stmt, error))
    return FALSE;

  stmt = companies_server_sqlite_get_stmt (self, STMT_REPLACED_TRIM_ALL, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, COMPANIES_SERVER_REPLACED_TOTAL);
  return companies_server_sqlite_run_stmt (self, stmt, error);
}

gboolean
companies_server_sqlite_add_replaced (CompaniesServerStore     *store,
                                      const char               *client_id,
                                      const CompaniesReplaced  *entry,
                                      GError                  **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_REPLACED_ADD, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 2, entry->id);
  sqlite3_bind_int64 (stmt, 6, entry->lost_version);
  sqlite3_bind_int64 (stmt, 8, entry->current_version);
  sqlite3_bind_int64 (stmt, 10, entry->at);
  return companies_server_sqlite_bind_text (self, stmt, 1, client_id, error) &&
         companies_server_sqlite_bind_text (self, stmt, 3, entry->uuid, error) &&
         companies_server_sqlite_bind_text (self, stmt, 4, companies_field_get_name (entry->field), error) &&
         companies_server_sqlite_bind_text (self, stmt, 5, entry->lost, error) &&
         companies_server_sqlite_bind_text (self, stmt, 7, entry->current, error) &&
         companies_server_sqlite_bind_text (self, stmt, 9, entry->by, error) &&
         companies_server_sqlite_run_stmt (self, stmt, error) &&
         trim (self, client_id, error);
}

gboolean
companies_server_sqlite_take_replaced (CompaniesServerStore  *store,
                                       const char            *client_id,
                                       gint64                 acked,
                                       gint64                 after,
                                       gint64                 up_to,
                                       GPtrArray             *entries,
                                       GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt;
  int rc;

  if (acked > 0)
    {
      stmt = companies_server_sqlite_get_stmt (self, STMT_REPLACED_ACK, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 2, acked);
      if (!companies_server_sqlite_bind_text (self, stmt, 1, client_id, error) ||
          !companies_server_sqlite_run_stmt (self, stmt, error))
        return FALSE;
    }

  if (up_to <= after)
    return TRUE;

  stmt = companies_server_sqlite_get_stmt (self, STMT_REPLACED_LIST, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int64 (stmt, 3, up_to);
  sqlite3_bind_int64 (stmt, 4, COMPANIES_MAX_REPLACED);
  if (!companies_server_sqlite_bind_text (self, stmt, 1, client_id, error))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(CompaniesReplaced) entry = companies_replaced_new ();

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->uuid = companies_server_sqlite_dup_text_or_null (stmt, 1);
      entry->lost = companies_server_sqlite_dup_text_or_null (stmt, 3);
      entry->lost_version = sqlite3_column_int64 (stmt, 4);
      entry->current = companies_server_sqlite_dup_text_or_null (stmt, 5);
      entry->current_version = sqlite3_column_int64 (stmt, 6);
      entry->by = companies_server_sqlite_dup_text_or_null (stmt, 7);
      entry->at = sqlite3_column_int64 (stmt, 8);
      /* only our own code writes this table */
      if (companies_field_from_name ((const char *) sqlite3_column_text (stmt, 2), &entry->field))
        g_ptr_array_add (entries, g_steal_pointer (&entry));
    }

  return companies_server_sqlite_finish_stmt (self, stmt, rc, error);
}
