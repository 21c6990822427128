/* companies-local-store.c: the CompaniesLocalStore object: opening the
 * SQLite file, the schema and its migrations, the statement cache, errors,
 * transactions and the sync_state table. The ForSync actions live in
 * companies-local-store-actions.c, the reads in companies-local-store-read.c,
 * the sync side in companies-local-store-sync.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-local-store-private.h"
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

/* Version 1: the seed's LocalCompany plus protocol.md section 2. */
static const char migration_v1_sql[] =
  "CREATE TABLE companies ("
  "  local_id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  id INTEGER UNIQUE,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  base_version INTEGER NOT NULL DEFAULT 0,"
  "  is_from_server INTEGER NOT NULL DEFAULT 0 CHECK (is_from_server IN (0, 1)),"
  "  is_modified INTEGER NOT NULL DEFAULT 0 CHECK (is_modified IN (0, 1)),"
  "  is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),"
  "  changed_fields INTEGER NOT NULL DEFAULT 0,"
  "  local_seq INTEGER NOT NULL DEFAULT 0,"
  "  rejection_code TEXT,"
  "  rejection_field TEXT,"
  "  rejection_message TEXT,"
  "  snapshot_seen INTEGER NOT NULL DEFAULT 0,"
  "  name TEXT NOT NULL DEFAULT '',"
  "  address TEXT NOT NULL DEFAULT '',"
  "  city TEXT NOT NULL DEFAULT '',"
  "  postal_code TEXT NOT NULL DEFAULT '',"
  "  country TEXT NOT NULL DEFAULT '',"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  email TEXT NOT NULL DEFAULT '',"
  "  website TEXT NOT NULL DEFAULT '',"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  CHECK ((id IS NOT NULL) = (is_from_server = 1))"
  ");"
  "CREATE INDEX companies_name_idx ON companies (name COLLATE NOCASE);"
  /* The seed's three filters, as partial indexes: the push, the status
   * counts and the list_* reads walk only the pending rows. */
  "CREATE INDEX companies_added_idx ON companies (local_seq)"
  "  WHERE is_from_server = 0 AND is_active = 1;"
  "CREATE INDEX companies_updated_idx ON companies (local_seq)"
  "  WHERE is_modified = 1 AND is_from_server = 1 AND is_active = 1;"
  "CREATE INDEX companies_deleted_idx ON companies (local_seq)"
  "  WHERE is_active = 0 AND is_from_server = 1;"
  "CREATE INDEX companies_rejected_idx ON companies (rejection_code)"
  "  WHERE rejection_code IS NOT NULL;"
  "CREATE INDEX companies_inactive_idx ON companies (is_active)"
  "  WHERE is_active = 0;"
  "CREATE INDEX companies_seen_idx ON companies (snapshot_seen)"
  "  WHERE snapshot_seen = 1;"
  "CREATE TABLE sync_state ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value"
  ") WITHOUT ROWID;"
  "CREATE TABLE overwritten ("
  "  notice_id INTEGER PRIMARY KEY,"
  "  uuid TEXT,"
  "  id INTEGER NOT NULL,"
  "  company_name TEXT NOT NULL DEFAULT '',"
  "  field TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  received_time INTEGER NOT NULL"
  ");";

/* Version 2: add_sent and sent_changed (see CompaniesStoreRow in
 * companies-local-store-private.h). A file of version 1 cannot tell
 * whether a pending addition was already sent (its response lost): each
 * one is taken as sent, with every field changed since. That is the side
 * that loses no local edit: after the retried push, a field whose local
 * value differs from the server's stays pending and goes out as an
 * update; an addition that never reached the server is created with the
 * current values, and then nothing stays pending. */
static const char migration_v2_sql[] =
  "ALTER TABLE companies ADD COLUMN add_sent INTEGER NOT NULL DEFAULT 0"
  "  CHECK (add_sent IN (0, 1));"
  "ALTER TABLE companies ADD COLUMN sent_changed INTEGER NOT NULL DEFAULT 0;"
  "UPDATE companies SET add_sent = 1, sent_changed = changed_fields"
  "  WHERE is_from_server = 0;";

static const char state_get_sql[] = "SELECT value FROM sync_state WHERE key = ?1";
static const char state_set_sql[] =
  "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
  " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

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

/* --- sync_state. --- */

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

/* --- Opening and migrating. --- */

static gboolean
exec_simple (CompaniesLocalStore *self,
             const char          *sql,
             GError             **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}

static gboolean
query_int (CompaniesLocalStore *self,
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
migrate_to_v1 (CompaniesLocalStore *self,
               GError             **error)
{
  g_autofree char *client_id = NULL;
  gint64 n_tables = 0;

  /* Version 0 is a new, empty file. A file with tables but no version
   * was made by something else: refuse it rather than mix schemas. */
  if (!query_int (self, "SELECT count(*) FROM sqlite_schema", &n_tables, error))
    return FALSE;
  if (n_tables != 0)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT,
                   _("The file “%s” is not a Companies database, or it is damaged"),
                   self->path);
      return FALSE;
    }

  if (!exec_simple (self, migration_v1_sql, error))
    return FALSE;

  client_id = g_uuid_string_random ();
  return companies_local_store_set_state_text (self, COMPANIES_STATE_CLIENT_ID, client_id, error) &&
         companies_local_store_set_state_int (self, COMPANIES_STATE_CHANGE_COUNTER, 0, error) &&
         companies_local_store_set_state_int (self, COMPANIES_STATE_LAST_SYNC_TIME, 0, error) &&
         companies_local_store_set_state_int (self, COMPANIES_STATE_SNAPSHOT_ACTIVE, 0, error) &&
         companies_local_store_set_state_text (self, COMPANIES_STATE_CURSOR, NULL, error);
}

static gboolean
migrate_to_v2 (CompaniesLocalStore *self,
               GError             **error)
{
  return exec_simple (self, migration_v2_sql, error);
}

typedef gboolean (*MigrationFunc) (CompaniesLocalStore *self,
                                   GError             **error);

/* migrations[N] takes a file from version N to N + 1. */
static const MigrationFunc migrations[COMPANIES_LOCAL_STORE_SCHEMA_VERSION] = {
  migrate_to_v1,
  migrate_to_v2,
};

static gboolean
migrate (CompaniesLocalStore *self,
         GError             **error)
{
  gint64 version = 0;
  g_autofree char *set_version = NULL;

  /* Cheap check first, outside a write transaction: an up-to-date file
   * opened by a second program needs no write lock. */
  if (!query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;
  if (version == COMPANIES_LOCAL_STORE_SCHEMA_VERSION)
    return TRUE;

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  /* Read again under the lock: another program may have migrated it. */
  if (!query_int (self, "PRAGMA user_version", &version, error))
    goto failed;

  if (version > COMPANIES_LOCAL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_TOO_NEW,
                   _("The database “%s” was made by a newer version of Companies; "
                     "update Companies to open it"),
                   self->path);
      goto failed;
    }

  if (version < 0)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT,
                   _("The file “%s” is not a Companies database, or it is damaged"),
                   self->path);
      goto failed;
    }

  for (; version < COMPANIES_LOCAL_STORE_SCHEMA_VERSION; version++)
    {
      g_debug ("Migrating %s from schema version %" G_GINT64_FORMAT,
               self->path, version);
      if (!migrations[version] (self, error))
        goto failed;
    }

  /* A PRAGMA takes no parameters; the value is our own constant. */
  set_version = g_strdup_printf ("PRAGMA user_version = %d",
                                 COMPANIES_LOCAL_STORE_SCHEMA_VERSION);
  if (!exec_simple (self, set_version, error))
    goto failed;

  return companies_local_store_commit (self, error);

failed:
  companies_local_store_rollback (self);
  return FALSE;
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
  if (!query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
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
    if (!exec_simple (self, connection_pragmas[i], error))
      return FALSE;

  /* Test-only: COMPANIES_TEST_MAX_PAGE_COUNT fills the "disk" (tests/faults). */
  companies_test_hook_limit_pages (self->db);

  if (!migrate (self, error))
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
