/* companies-server-store-sqlite-records.c: reading and writing the
 * company records of the SQLite store: lookups, pages of changes, adds,
 * field updates, tombstones and their purge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-server-store-sqlite-private.h"

/* Steps a lookup: *out_record is NULL when there is no such record. */
static gboolean
lookup (CompaniesServerStoreSqlite  *self,
        sqlite3_stmt                *stmt,
        CompaniesServerRecord      **out_record,
        GError                     **error)
{
  int rc = sqlite3_step (stmt);

  *out_record = NULL;
  if (rc == SQLITE_ROW)
    {
      *out_record = companies_server_sqlite_read_record (stmt);
      rc = SQLITE_DONE;
    }

  return companies_server_sqlite_finish_stmt (self, stmt, rc, error);
}

gboolean
companies_server_sqlite_lookup_by_id (CompaniesServerStore   *store,
                                      gint64                  id,
                                      CompaniesServerRecord **out_record,
                                      GError                **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_LOOKUP_ID, error);

  *out_record = NULL;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  return lookup (self, stmt, out_record, error);
}

gboolean
companies_server_sqlite_lookup_by_uuid (CompaniesServerStore   *store,
                                        const char             *uuid,
                                        CompaniesServerRecord **out_record,
                                        GError                **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, STMT_LOOKUP_UUID, error);

  *out_record = NULL;
  if (stmt == NULL || !companies_server_sqlite_bind_text (self, stmt, 1, uuid, error))
    return FALSE;

  return lookup (self, stmt, out_record, error);
}

gboolean
companies_server_sqlite_list_changes (CompaniesServerStore  *store,
                                      gint64                 after_version,
                                      gboolean               alive_only,
                                      guint                  max,
                                      GPtrArray             *records,
                                      GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt;
  int rc;

  stmt = companies_server_sqlite_get_stmt (self, alive_only ? STMT_LIST_ALIVE : STMT_LIST_ALL,
                                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, after_version);
  sqlite3_bind_int64 (stmt, 2, max);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, companies_server_sqlite_read_record (stmt));

  return companies_server_sqlite_finish_stmt (self, stmt, rc, error);
}

gboolean
companies_server_sqlite_insert (CompaniesServerStore  *store,
                                const char            *uuid,
                                const char * const    *values,
                                gint64                 version,
                                gint64                *out_id,
                                GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  CompaniesServerStoreState state;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (!sqlite3_get_autocommit (self->db), FALSE);

  /* The newest id ever handed out, plus one: never a purged record's. */
  if (!companies_server_sqlite_get_state (store, &state, error))
    return FALSE;
  id = self->last_id + 1;

  /* The texts outlive the step: bound without a copy. */
  stmt = companies_server_sqlite_get_stmt (self, STMT_INSERT, error);
  if (stmt == NULL ||
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC) != SQLITE_OK)
    return companies_server_sqlite_set_error (self->db, error);

  sqlite3_bind_int64 (stmt, 2, version);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if (sqlite3_bind_text (stmt, 3 + i, values[i] != NULL ? values[i] : "", -1,
                           SQLITE_STATIC) != SQLITE_OK)
      return companies_server_sqlite_set_error (self->db, error);
  sqlite3_bind_int64 (stmt, 12, id);
  /* its history: the creation entries, kept in the row until its first
   * write (docs/history.md) */
  sqlite3_bind_int64 (stmt, 13, store->author_at);
  if (!companies_server_sqlite_bind_text (self, stmt, 14, store->author, error) ||
      !companies_server_sqlite_bind_text (self, stmt, 15, store->writer, error) ||
      !companies_server_sqlite_run_stmt (self, stmt, error))
    return FALSE;

  /* The uuid is known: a retried add. The version goes back unused. */
  if (sqlite3_changes (self->db) == 0)
    {
      if (self->state.last_version == version)
        self->state.last_version--;
      *out_id = 0;
      return TRUE;
    }

  self->last_id = id;
  self->version_dirty = TRUE;
  *out_id = id;
  return TRUE;
}

static gboolean
expect_one_change (CompaniesServerStoreSqlite  *self,
                   GError                     **error)
{
  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                           COMPANIES_SERVER_STORE_ERROR_FAILED,
                           _("The record to change is no longer there"));
      return FALSE;
    }

  return TRUE;
}

gboolean
companies_server_sqlite_update_fields (CompaniesServerStore  *store,
                                       gint64                 id,
                                       guint                  mask,
                                       const char * const    *values,
                                       gint64                 version,
                                       GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt;

  if (!companies_server_sqlite_write_creation (self, id, error) ||
      (stmt = companies_server_sqlite_get_stmt (self, STMT_UPDATE, error)) == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, version);
  /* A NULL binding leaves the field (and its version) as it is. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *value = NULL;

      if (mask & COMPANIES_FIELD_BIT (i))
        value = values[i] != NULL ? values[i] : "";
      if (!companies_server_sqlite_bind_text (self, stmt, 3 + i, value, error))
        return FALSE;
    }

  return companies_server_sqlite_run_stmt (self, stmt, error) &&
         expect_one_change (self, error) &&
         companies_server_sqlite_note_history (self, id, mask, values, version, error);
}

gboolean
companies_server_sqlite_tombstone (CompaniesServerStore  *store,
                                   gint64                 id,
                                   gint64                 version,
                                   gint64                 deleted_at,
                                   GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt;

  if (!companies_server_sqlite_write_creation (self, id, error) ||
      (stmt = companies_server_sqlite_get_stmt (self, STMT_TOMBSTONE, error)) == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_int64 (stmt, 3, deleted_at);

  return companies_server_sqlite_run_stmt (self, stmt, error) &&
         expect_one_change (self, error) &&
         companies_server_sqlite_note_history (self, id, 0, NULL, version, error);
}

gboolean
companies_server_sqlite_purge_tombstones (CompaniesServerStore  *store,
                                          gint64                 deleted_before,
                                          guint                 *out_n_purged,
                                          GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt;
  gint64 newest = 0;
  int rc;

  *out_n_purged = 0;

  stmt = companies_server_sqlite_get_stmt (self, STMT_PURGE_NEWEST, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, deleted_before);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      companies_server_sqlite_set_error (self->db, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  newest = sqlite3_column_int64 (stmt, 0);  /* NULL reads as 0 */
  sqlite3_reset (stmt);

  if (newest == 0)
    return TRUE;

  stmt = companies_server_sqlite_get_stmt (self, STMT_PURGE_DELETE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, deleted_before);
  if (!companies_server_sqlite_run_stmt (self, stmt, error))
    return FALSE;
  *out_n_purged = sqlite3_changes (self->db);

  /* The horizon is raised in the row: versions handed out so far go there
   * first, and the cached state is read again afterwards. */
  if (!companies_server_sqlite_flush_last_version (self, error))
    return FALSE;
  self->state_cached = FALSE;

  stmt = companies_server_sqlite_get_stmt (self, STMT_RAISE_HORIZON, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, newest);

  return companies_server_sqlite_run_stmt (self, stmt, error);
}
