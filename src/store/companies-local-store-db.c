/* companies-local-store-db.c: the SQLite connection of a
 * CompaniesLocalStore as its other files use it: the statement cache,
 * transactions, and errors fit to show a person.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-local-store-private.h"
#include "companies-local-store-sync.h"
#include "companies-store-counts.h"
#include "companies-store-fingerprint.h"

void
companies_stmt_release (CompaniesStmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* --- Errors. --- */

gboolean
companies_local_store_set_error (CompaniesLocalStore *self,
                                 int                  rc,
                                 GError             **error)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error_literal (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_BUSY,
                           _("The database is busy in another program; try again"));
      break;

    case SQLITE_FULL:
      g_set_error_literal (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FULL,
                           _("The disk is full; free some space and try again"));
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      /* Damage SQLite met on its own, below what the file system shows:
       * every later checked open checks in full, and refuses. */
      if (!self->creating)
        companies_store_fingerprint_forget (self->path);
      self->trusted = FALSE;
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT,
                   _("The file “%s” is not a Companies database, or it is damaged"),
                   self->path);
      break;

    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED,
                   _("Could not open the database “%s” for writing: %s"),
                   self->path, detail);
      break;

    default:
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED,
                   _("The database “%s” failed: %s"), self->path, detail);
      break;
    }

  return FALSE;
}

/* --- Statements and transactions. --- */

sqlite3 *
companies_local_store_get_db (CompaniesLocalStore *self)
{
  return self->db;
}

CompaniesStmt *
companies_local_store_prepare (CompaniesLocalStore *self,
                               const char          *sql,
                               GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      companies_local_store_set_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
companies_local_store_savepoint (CompaniesLocalStore  *self,
                                 GError              **error)
{
  return companies_local_store_exec (self, "SAVEPOINT all_or_none", error);
}

gboolean
companies_local_store_savepoint_end (CompaniesLocalStore  *self,
                                     gboolean              keep,
                                     GError              **error)
{
  return companies_local_store_exec (self, keep ? "RELEASE all_or_none"
                                                : "ROLLBACK TO all_or_none; RELEASE all_or_none",
                                     error);
}

gboolean
companies_local_store_step_done (CompaniesLocalStore *self,
                                 CompaniesStmt       *stmt,
                                 GError             **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}

static gboolean
exec_cached (CompaniesLocalStore *self,
             const char          *sql,
             GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  return companies_local_store_step_done (self, stmt, error);
}

gboolean
companies_local_store_begin (CompaniesLocalStore *self,
                             gboolean             write,
                             GError             **error)
{
  static const char begin_immediate_sql[] = "BEGIN IMMEDIATE";
  static const char begin_deferred_sql[] = "BEGIN";

  companies_store_counts_forget (self);
  if (!exec_cached (self, write ? begin_immediate_sql : begin_deferred_sql, error))
    return FALSE;

  /* Under the write lock: were the files as recorded before we write?
   * Only then is the state after our commit recorded
   * (docs/store-checks.md), so that damage done meanwhile is never
   * taken for sound. */
  if (write)
    self->trusted = companies_local_store_files_match_record (self);

  return TRUE;
}

gboolean
companies_local_store_commit (CompaniesLocalStore *self,
                              GError             **error)
{
  static const char commit_sql[] = "COMMIT";

  if (!companies_store_counts_flush (self, error) ||
      !exec_cached (self, commit_sql, error))
    {
      companies_local_store_rollback (self);
      return FALSE;
    }

  self->own_commits++;
  if (self->trusted)
    companies_local_store_record_files (self);
  return TRUE;
}

void
companies_local_store_rollback (CompaniesLocalStore *self)
{
  /* Not cached: a ROLLBACK must work even when preparing fails. After
   * some errors SQLite has already rolled back; then this is a no-op. */
  companies_store_counts_forget (self);
  if (sqlite3_get_autocommit (self->db) == 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* --- Statements without the cache, for the schema and set-up. --- */

/* Read by the threads that open connections. */
static gint default_cache_kib = COMPANIES_LOCAL_STORE_IDLE_CACHE_KIB;

void
companies_local_store_set_default_cache_size (gint64 kib)
{
  g_return_if_fail (kib > 0 && kib <= G_MAXINT);

  g_atomic_int_set (&default_cache_kib, (gint) kib);
}

gint64
companies_local_store_get_default_cache_size (void)
{
  return g_atomic_int_get (&default_cache_kib);
}

void
companies_local_store_set_cache_size (CompaniesLocalStore *self,
                                      gint64               kib)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (COMPANIES_IS_LOCAL_STORE (self));
  g_return_if_fail (kib > 0);

  /* Negative: KiB, not pages. Lowering the size frees the pages above it. */
  sql = g_strdup_printf ("PRAGMA cache_size = -%" G_GINT64_FORMAT, kib);
  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
}

void
companies_local_store_set_syncing (CompaniesLocalStore *self,
                                   gboolean             syncing)
{
  g_return_if_fail (COMPANIES_IS_LOCAL_STORE (self));

  /* Uuids are random: each record of a snapshot page lands on its own
   * page of the uuid index, about 60 MiB at a million companies; with
   * 16 MiB each record read a page back (docs/scale.md). 128 MiB
   * measured no better than 64 MiB and took 80 MB more. */
  companies_local_store_set_cache_size (self, syncing ? 65536 : companies_local_store_get_default_cache_size ());
}

gboolean
companies_local_store_exec (CompaniesLocalStore *self,
                            const char          *sql,
                            GError             **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}

gboolean
companies_local_store_query_int (CompaniesLocalStore *self,
                                 const char          *sql,
                                 gint64              *out_value,
                                 GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out_value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *out_value = 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}
