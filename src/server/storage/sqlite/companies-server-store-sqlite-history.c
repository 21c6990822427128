/* companies-server-store-sqlite-history.c: the companies' field history
 * in the SQLite store (docs/history.md)
 *
 * Written by the record writes themselves (…-records.c), inside their
 * transaction; each write of a field prunes that field's history to the
 * store's bounds, so history stays bounded without a job of its own. The
 * hourly purge (companies-server-sync.c) drops what aged out elsewhere.
 *
 * A new record's entries stay in its row (created_at, created_by,
 * created_client, schema 5) until its first write, which writes them
 * out before its own; the reads take them from there meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-fields.h"
#include "companies-server-store-sqlite-private.h"

static gboolean
add_entry (CompaniesServerStoreSqlite  *self,
           gint64                       id,
           const char                  *field,
           const char                  *value,
           gint64                       version,
           GError                     **error)
{
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_HISTORY_ADD, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 4, version);
  sqlite3_bind_int64 (stmt, 5, self->parent.author_at);
  return companies_server_sqlite_bind_text (self, stmt, 2, field, error) &&
         companies_server_sqlite_bind_text (self, stmt, 3, value, error) &&
         companies_server_sqlite_bind_text (self, stmt, 6, self->parent.author, error) &&
         companies_server_sqlite_bind_text (self, stmt, 7, self->parent.writer, error) &&
         companies_server_sqlite_run_stmt (self, stmt, error);
}

gboolean
companies_server_sqlite_write_creation (CompaniesServerStoreSqlite  *self,
                                        gint64                       id,
                                        GError                     **error)
{
  CompaniesServerStore *store = &self->parent;
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_HISTORY_WRITE_CREATION, error);

  if (stmt == NULL)
    return FALSE;

  /* older entries would be pruned at once: skipped */
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, companies_server_store_history_horizon (store, store->author_at));
  return companies_server_sqlite_run_stmt (self, stmt, error);
}

static gboolean
prune_field (CompaniesServerStoreSqlite  *self,
             gint64                       id,
             const char                  *field,
             GError                     **error)
{
  CompaniesServerStore *store = &self->parent;
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_HISTORY_PRUNE_FIELD, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 3, companies_server_store_history_horizon (store, store->author_at));
  sqlite3_bind_int64 (stmt, 4, companies_server_store_history_entries (store));
  return companies_server_sqlite_bind_text (self, stmt, 2, field, error) &&
         companies_server_sqlite_run_stmt (self, stmt, error);
}

gboolean
companies_server_sqlite_note_history (CompaniesServerStoreSqlite  *self,
                                      gint64                       id,
                                      guint                        mask,
                                      const char * const          *values,
                                      gint64                       version,
                                      GError                     **error)
{
  if (values == NULL)
    return add_entry (self, id, NULL, NULL, version, error);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *field = companies_field_get_name (i);

      if (!(mask & COMPANIES_FIELD_BIT (i)))
        continue;

      if (!add_entry (self, id, field, values[i] != NULL ? values[i] : "", version, error) ||
          !prune_field (self, id, field, error))
        return FALSE;
    }

  return TRUE;
}

char *
companies_server_sqlite_dup_text_or_null (sqlite3_stmt *stmt,
                                          int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  return g_strndup ((const char *) sqlite3_column_text (stmt, column),
                    sqlite3_column_bytes (stmt, column));
}

gboolean
companies_server_sqlite_list_history (CompaniesServerStore  *store,
                                      gint64                 id,
                                      guint                  max,
                                      GPtrArray             *entries,
                                      GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_HISTORY_LIST, error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int rc;

  if (stmt == NULL)
    return FALSE;

  /* the creation entries still in the record's row: none past the
   * horizon, as the eager ones would have been pruned */
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, max);
  sqlite3_bind_int64 (stmt, 3, companies_server_store_history_horizon (store, now));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CompaniesHistoryEntry *entry = companies_history_entry_new ();

      entry->field = companies_server_sqlite_dup_text_or_null (stmt, 0);
      entry->value = companies_server_sqlite_dup_text_or_null (stmt, 1);
      entry->version = sqlite3_column_int64 (stmt, 2);
      entry->at = sqlite3_column_int64 (stmt, 3);
      entry->by = companies_server_sqlite_dup_text_or_null (stmt, 4);
      g_ptr_array_add (entries, entry);
    }

  return companies_server_sqlite_finish_stmt (self, stmt, rc, error);
}

gboolean
companies_server_sqlite_prune_history (CompaniesServerStore  *store,
                                       gint64                 before,
                                       GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_HISTORY_PRUNE_AGE, error);

  if (stmt == NULL)
    return FALSE;

  /* A record's creation entries still in its row need nothing: they
   * are written out, and read, only within the horizon. */
  sqlite3_bind_int64 (stmt, 1, before);
  if (!companies_server_sqlite_run_stmt (self, stmt, error))
    return FALSE;

  /* the replaced values age out with history (docs/notices.md) */
  stmt = companies_server_sqlite_get_stmt (self, STMT_REPLACED_PRUNE_AGE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before);
  return companies_server_sqlite_run_stmt (self, stmt, error);
}
