/* companies-local-store-state.c: the sync_state table of the local
 * store (client id, cursor, change counter, last sync time): values
 * read and written inside a transaction of the caller's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-private.h"

static const char state_get_sql[] = "SELECT value FROM sync_state WHERE key = ?1";
static const char state_set_sql[] =
  "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
  " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

static CompaniesStmt *
state_lookup (CompaniesLocalStore *self,
              const char          *key,
              gboolean            *out_found,
              GError             **error)
{
  CompaniesStmt *stmt = companies_local_store_prepare (self, state_get_sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      companies_stmt_release (stmt);
      companies_local_store_set_error (self, rc, error);
      return NULL;
    }

  *out_found = rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL;
  return stmt;
}

gboolean
companies_local_store_get_state_text (CompaniesLocalStore *self,
                                      const char          *key,
                                      char               **out_value,
                                      GError             **error)
{
  gboolean found = FALSE;
  g_autoptr(CompaniesStmt) stmt = state_lookup (self, key, &found, error);

  if (stmt == NULL)
    return FALSE;

  *out_value = found ? g_strdup ((const char *) sqlite3_column_text (stmt, 0)) : NULL;
  return TRUE;
}

gboolean
companies_local_store_get_state_int (CompaniesLocalStore *self,
                                     const char          *key,
                                     gint64              *out_value,
                                     GError             **error)
{
  gboolean found = FALSE;
  g_autoptr(CompaniesStmt) stmt = state_lookup (self, key, &found, error);

  if (stmt == NULL)
    return FALSE;

  *out_value = found ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

gboolean
companies_local_store_set_state_text (CompaniesLocalStore *self,
                                      const char          *key,
                                      const char          *value,
                                      GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, state_set_sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 2);

  return companies_local_store_step_done (self, stmt, error);
}

gboolean
companies_local_store_set_state_int (CompaniesLocalStore *self,
                                     const char          *key,
                                     gint64               value,
                                     GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, state_set_sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);

  return companies_local_store_step_done (self, stmt, error);
}

gboolean
companies_local_store_next_local_seq (CompaniesLocalStore *self,
                                      gint64              *out_seq,
                                      GError             **error)
{
  gint64 counter = 0;

  if (!companies_local_store_get_state_int (self, COMPANIES_STATE_CHANGE_COUNTER, &counter, error) ||
      !companies_local_store_set_state_int (self, COMPANIES_STATE_CHANGE_COUNTER, counter + 1, error))
    return FALSE;

  *out_seq = counter + 1;
  return TRUE;
}
