/* companies-local-store.c: the CompaniesLocalStore object: opening the
 * SQLite file, the statement cache, errors and transactions. The schema
 * lives in companies-local-store-schema.c, the sync_state table in
 * companies-local-store-state.c, the ForSync actions in
 * companies-local-store-actions.c, the reads in companies-local-store-read.c,
 * the sync side in companies-local-store-push.c and -sync.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-local-store-private.h"
#include "companies-local-store-schema.h"
#include "companies-test-hooks.h"

struct _CompaniesLocalStore
{
  GObject     parent_instance;

  char       *path;
  char       *client_id;
  sqlite3    *db;
  GHashTable *statements;   /* static SQL string -> sqlite3_stmt */
  gint64      own_commits;  /* commits made through this connection */
};

G_DEFINE_FINAL_TYPE (CompaniesLocalStore, companies_local_store, G_TYPE_OBJECT)

/* synchronous=FULL: in WAL mode NORMAL may lose the last commits on a power
 * failure. A commit here is a person's edit that the UI has already shown
 * as saved, or a sync step; both are rare (one per action), so the extra
 * fsync costs nothing a person notices and nothing confirmed is lost. */
static const char * const connection_pragmas[] = {
  "PRAGMA synchronous = FULL",
  "PRAGMA foreign_keys = ON",
  /* 16 MiB of page cache (SQLite's default is 2 MiB): a page of 5000
   * records touches the uuid and name indexes all over; with the default
   * an initial sync of 100,000 records spent a fifth of its time
   * re-reading and spilling pages (measured with perf). */
  "PRAGMA cache_size = -16384",
};

void
companies_stmt_release (CompaniesStmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
companies_local_store_dispose (GObject *object)
{
  CompaniesLocalStore *self = COMPANIES_LOCAL_STORE (object);

  /* Statements must go before the connection. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }

  G_OBJECT_CLASS (companies_local_store_parent_class)->dispose (object);
}

static void
companies_local_store_finalize (GObject *object)
{
  CompaniesLocalStore *self = COMPANIES_LOCAL_STORE (object);

  g_free (self->path);
  g_free (self->client_id);

  G_OBJECT_CLASS (companies_local_store_parent_class)->finalize (object);
}

static void
companies_local_store_class_init (CompaniesLocalStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = companies_local_store_dispose;
  object_class->finalize = companies_local_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
companies_local_store_init (CompaniesLocalStore *self)
{
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
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

  return exec_cached (self, write ? begin_immediate_sql : begin_deferred_sql, error);
}

gboolean
companies_local_store_commit (CompaniesLocalStore *self,
                              GError             **error)
{
  static const char commit_sql[] = "COMMIT";

  if (!exec_cached (self, commit_sql, error))
    {
      companies_local_store_rollback (self);
      return FALSE;
    }

  self->own_commits++;
  return TRUE;
}

void
companies_local_store_rollback (CompaniesLocalStore *self)
{
  /* Not cached: a ROLLBACK must work even when preparing fails. After
   * some errors SQLite has already rolled back; then this is a no-op. */
  if (sqlite3_get_autocommit (self->db) == 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* --- Opening and migrating. --- */

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

static gboolean
open_connection (CompaniesLocalStore *self,
                 GError             **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *journal_mode = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n_objects = 0;
  int rc;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED,
                   _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    return companies_local_store_set_error (self, rc, error);

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  /* The first read of the file: a file that is not a database fails here
   * with SQLITE_NOTADB. */
  if (!companies_local_store_query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          journal_mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return companies_local_store_set_error (self, rc, error);
  if (g_strcmp0 (journal_mode, "wal") != 0)
    g_warning ("Could not put %s in WAL mode (%s); sharing it between programs will be slower",
               self->path, journal_mode);

  for (guint i = 0; i < G_N_ELEMENTS (connection_pragmas); i++)
    if (!companies_local_store_exec (self, connection_pragmas[i], error))
      return FALSE;

  /* Test-only: COMPANIES_TEST_MAX_PAGE_COUNT fills the "disk" (tests/faults). */
  companies_test_hook_limit_pages (self->db);

  if (!companies_local_store_migrate (self, error))
    return FALSE;

  if (!companies_local_store_get_state_text (self, COMPANIES_STATE_CLIENT_ID,
                                             &self->client_id, error))
    return FALSE;
  if (self->client_id == NULL)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT,
                   _("The file “%s” is not a Companies database, or it is damaged"),
                   self->path);
      return FALSE;
    }

  return TRUE;
}

char *
companies_local_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "companies", "companies.db", NULL);
}

CompaniesLocalStore *
companies_local_store_open (const char  *path,
                            GError     **error)
{
  g_autoptr(CompaniesLocalStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (COMPANIES_TYPE_LOCAL_STORE, NULL);
  self->path = g_strdup (path);

  if (!open_connection (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
companies_local_store_get_path (CompaniesLocalStore *self)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);

  return self->path;
}

const char *
companies_local_store_get_client_id (CompaniesLocalStore *self)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);

  return self->client_id;
}

gint64
companies_local_store_get_data_version (CompaniesLocalStore *self)
{
  static const char data_version_sql[] = "PRAGMA data_version";
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesStmt) stmt = NULL;
  gint64 data_version = 0;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), 0);

  /* data_version changes when another connection commits; our own commits
   * are counted apart. Both only grow, so their sum changes with either. */
  stmt = companies_local_store_prepare (self, data_version_sql, &error);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    data_version = sqlite3_column_int64 (stmt, 0);
  else if (error != NULL)
    g_debug ("Could not read the data version of %s: %s", self->path, error->message);

  return data_version + self->own_commits;
}
