/* companies-server-store-sqlite-transaction.c: transactions of the SQLite
 * store, its savepoint, and the server state they cache
 *
 * The writer's transactions are BEGIN IMMEDIATE: nobody else writes until
 * COMMIT, so the server state (the version sequence, the newest id) is
 * read once a transaction, handed out from memory and written back once,
 * before COMMIT. A reader's transactions are plain BEGIN: one WAL
 * snapshot each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-server-store-sqlite-private.h"

gboolean
companies_server_sqlite_begin (CompaniesServerStore  *store,
                               GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  self->state_cached = FALSE;
  self->version_dirty = FALSE;

  return companies_server_sqlite_exec_stmt (self,
                                            self->read_only ? STMT_BEGIN_READ : STMT_BEGIN,
                                            error);
}

gboolean
companies_server_sqlite_flush_last_version (CompaniesServerStoreSqlite  *self,
                                            GError                     **error)
{
  sqlite3_stmt *stmt;

  if (!self->version_dirty)
    return TRUE;

  stmt = companies_server_sqlite_get_stmt (self, STMT_SET_LAST_VERSION, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, self->state.last_version);
  sqlite3_bind_int64 (stmt, 2, self->last_id);
  if (!companies_server_sqlite_run_stmt (self, stmt, error))
    return FALSE;

  self->version_dirty = FALSE;
  return TRUE;
}

gboolean
companies_server_sqlite_commit (CompaniesServerStore  *store,
                                GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  if (!companies_server_sqlite_flush_last_version (self, error) ||
      !companies_server_sqlite_exec_stmt (self, STMT_COMMIT, error))
    return FALSE;

  self->state_cached = FALSE;
  return TRUE;
}

void
companies_server_sqlite_rollback (CompaniesServerStore *store)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  self->state_cached = FALSE;
  self->version_dirty = FALSE;

  companies_server_sqlite_reset_stmts (self);

  if (!sqlite3_get_autocommit (self->db))
    companies_server_sqlite_exec_stmt (self, STMT_ROLLBACK, NULL);
}

gboolean
companies_server_sqlite_savepoint (CompaniesServerStore  *store,
                                   GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  if (!companies_server_sqlite_exec_stmt (self, STMT_SAVEPOINT, error))
    return FALSE;

  self->saved_state = self->state;
  self->saved_last_id = self->last_id;
  self->saved_state_cached = self->state_cached;
  self->saved_version_dirty = self->version_dirty;
  return TRUE;
}

gboolean
companies_server_sqlite_release (CompaniesServerStore  *store,
                                 GError               **error)
{
  return companies_server_sqlite_exec_stmt ((CompaniesServerStoreSqlite *) store,
                                            STMT_RELEASE, error);
}

gboolean
companies_server_sqlite_rollback_to (CompaniesServerStore *store)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  companies_server_sqlite_reset_stmts (self);

  /* A full disk or an I/O error may have rolled the whole transaction
   * back already. */
  if (sqlite3_get_autocommit (self->db) ||
      !companies_server_sqlite_exec_stmt (self, STMT_ROLLBACK_TO, NULL) ||
      !companies_server_sqlite_exec_stmt (self, STMT_RELEASE, NULL))
    return FALSE;

  self->state = self->saved_state;
  self->last_id = self->saved_last_id;
  self->state_cached = self->saved_state_cached;
  self->version_dirty = self->saved_version_dirty;
  return TRUE;
}

gboolean
companies_server_sqlite_get_state (CompaniesServerStore       *store,
                                   CompaniesServerStoreState  *out_state,
                                   GError                    **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt;
  gint64 last_id;
  int rc;

  if (self->state_cached)
    {
      *out_state = self->state;
      return TRUE;
    }

  stmt = companies_server_sqlite_get_stmt (self, STMT_GET_STATE, error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                             COMPANIES_SERVER_STORE_ERROR_FAILED,
                             _("The database lacks its server state"));
      else
        companies_server_sqlite_set_error (self->db, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  out_state->last_version = sqlite3_column_int64 (stmt, 0);
  out_state->purge_horizon = sqlite3_column_int64 (stmt, 1);
  last_id = sqlite3_column_int64 (stmt, 2);
  sqlite3_reset (stmt);

  /* Kept only inside a transaction, where nobody else can change it. */
  if (!sqlite3_get_autocommit (self->db))
    {
      self->state = *out_state;
      self->last_id = last_id;
      self->state_cached = TRUE;
    }

  return TRUE;
}

gboolean
companies_server_sqlite_next_version (CompaniesServerStore  *store,
                                      gint64                *out_version,
                                      GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  CompaniesServerStoreState state;

  g_return_val_if_fail (!sqlite3_get_autocommit (self->db), FALSE);

  if (!companies_server_sqlite_get_state (store, &state, error))
    return FALSE;

  *out_version = ++self->state.last_version;
  self->version_dirty = TRUE;
  return TRUE;
}
