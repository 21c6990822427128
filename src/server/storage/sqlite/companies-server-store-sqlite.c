/* companies-server-store-sqlite.c: the server store on a SQLite file
 *
 * The schema and its migrations: companies-server-store-sqlite-schema.c.
 *
 * WAL with synchronous=FULL (an acknowledged sync survives a power cut),
 * a busy timeout, and prepared statements made once and reused. Every
 * statement is a constant of this file (or of the schema's); input only
 * ever reaches SQLite as bound parameters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "companies-server-store-sqlite.h"
#include "companies-server-store-sqlite-private.h"
#include "companies-server-test-hooks.h"

#define BUSY_TIMEOUT_MS  5000

typedef enum
{
  STMT_BEGIN,
  STMT_BEGIN_READ,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_SAVEPOINT,
  STMT_RELEASE,
  STMT_ROLLBACK_TO,
  STMT_GET_STATE,
  STMT_SET_LAST_VERSION,
  STMT_LOOKUP_ID,
  STMT_LOOKUP_UUID,
  STMT_INSERT,
  STMT_UPDATE,
  STMT_TOMBSTONE,
  STMT_LIST_ALL,
  STMT_LIST_ALIVE,
  STMT_PURGE_NEWEST,
  STMT_PURGE_DELETE,
  STMT_RAISE_HORIZON,
  N_STMTS
} StmtId;

/* The field columns follow the order of CompaniesField. */
#define RECORD_COLUMNS \
  "id, uuid, version, deleted_at IS NOT NULL, " \
  "name, name_v, address, address_v, city, city_v, " \
  "postal_code, postal_code_v, country, country_v, phone, phone_v, " \
  "email, email_v, website, website_v, notes, notes_v"

#define FIELD_UPDATE(col, n) \
  col " = coalesce(?" n ", " col "), " \
  col "_v = CASE WHEN ?" n " IS NULL THEN " col "_v ELSE ?2 END"

static const char * const statement_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_BEGIN_READ] = "BEGIN",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_SAVEPOINT] = "SAVEPOINT request",
  [STMT_RELEASE] = "RELEASE request",
  [STMT_ROLLBACK_TO] = "ROLLBACK TO request",
  [STMT_GET_STATE] =
    "SELECT last_version, purge_horizon, last_id FROM server_state WHERE singleton = 1",
  [STMT_SET_LAST_VERSION] =
    "UPDATE server_state SET last_version = ?1, last_id = ?2 WHERE singleton = 1",
  [STMT_LOOKUP_ID] = "SELECT " RECORD_COLUMNS " FROM company WHERE id = ?1",
  [STMT_LOOKUP_UUID] = "SELECT " RECORD_COLUMNS " FROM company WHERE uuid = ?1",
  [STMT_INSERT] =
    "INSERT INTO company (id, uuid, version, "
    "name, name_v, address, address_v, city, city_v, "
    "postal_code, postal_code_v, country, country_v, phone, phone_v, "
    "email, email_v, website, website_v, notes, notes_v) "
    "VALUES (?12, ?1, ?2, ?3, ?2, ?4, ?2, ?5, ?2, ?6, ?2, ?7, ?2, ?8, ?2, "
    "?9, ?2, ?10, ?2, ?11, ?2) ON CONFLICT (uuid) DO NOTHING",
  [STMT_UPDATE] =
    "UPDATE company SET version = ?2, "
    FIELD_UPDATE ("name", "3") ", "
    FIELD_UPDATE ("address", "4") ", "
    FIELD_UPDATE ("city", "5") ", "
    FIELD_UPDATE ("postal_code", "6") ", "
    FIELD_UPDATE ("country", "7") ", "
    FIELD_UPDATE ("phone", "8") ", "
    FIELD_UPDATE ("email", "9") ", "
    FIELD_UPDATE ("website", "10") ", "
    FIELD_UPDATE ("notes", "11") " "
    "WHERE id = ?1 AND deleted_at IS NULL",
  [STMT_TOMBSTONE] =
    "UPDATE company SET version = ?2, deleted_at = ?3, "
    "name = '', name_v = ?2, address = '', address_v = ?2, city = '', city_v = ?2, "
    "postal_code = '', postal_code_v = ?2, country = '', country_v = ?2, "
    "phone = '', phone_v = ?2, email = '', email_v = ?2, "
    "website = '', website_v = ?2, notes = '', notes_v = ?2 "
    "WHERE id = ?1 AND deleted_at IS NULL",
  [STMT_LIST_ALL] =
    "SELECT " RECORD_COLUMNS " FROM company WHERE version > ?1 "
    "ORDER BY version LIMIT ?2",
  [STMT_LIST_ALIVE] =
    "SELECT " RECORD_COLUMNS " FROM company WHERE version > ?1 "
    "AND deleted_at IS NULL ORDER BY version LIMIT ?2",
  [STMT_PURGE_NEWEST] =
    "SELECT max(version) FROM company WHERE deleted_at IS NOT NULL AND deleted_at <= ?1",
  [STMT_PURGE_DELETE] =
    "DELETE FROM company WHERE deleted_at IS NOT NULL AND deleted_at <= ?1",
  [STMT_RAISE_HORIZON] =
    "UPDATE server_state SET purge_horizon = max(purge_horizon, ?1) WHERE singleton = 1",
};

typedef struct
{
  CompaniesServerStore  parent;
  sqlite3              *db;
  sqlite3_stmt         *stmts[N_STMTS];
  gboolean              read_only;

  /* The server state, read once per transaction: versions and ids (the
   * newest id ever handed out: ids are never reused) are handed out from
   * memory and written back once, before COMMIT (no other writer can run
   * inside BEGIN IMMEDIATE). */
  CompaniesServerStoreState state;
  gint64                last_id;
  gboolean              state_cached;
  gboolean              version_dirty;
  /* the same, as they were at the savepoint */
  CompaniesServerStoreState saved_state;
  gint64                saved_last_id;
  gboolean              saved_state_cached;
  gboolean              saved_version_dirty;
} CompaniesServerStoreSqlite;

static gboolean
set_sqlite_error (CompaniesServerStoreSqlite  *self,
                  GError                     **error)
{
  return companies_server_sqlite_set_error (self->db, error);
}

/* Returns the cached statement, reset and with its bindings cleared. */
static sqlite3_stmt *
get_stmt (CompaniesServerStoreSqlite  *self,
          StmtId                       id,
          GError                     **error)
{
  if (self->stmts[id] == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, statement_sql[id], -1,
                              SQLITE_PREPARE_PERSISTENT, &self->stmts[id],
                              NULL) != SQLITE_OK)
        {
          set_sqlite_error (self, error);
          return NULL;
        }
    }
  else
    {
      sqlite3_reset (self->stmts[id]);
      sqlite3_clear_bindings (self->stmts[id]);
    }

  return self->stmts[id];
}

/* Runs a statement that returns no rows (or whose rows are ignored). */
static gboolean
run_stmt (CompaniesServerStoreSqlite  *self,
          sqlite3_stmt                *stmt,
          GError                     **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
exec_simple (CompaniesServerStoreSqlite  *self,
             StmtId                       id,
             GError                     **error)
{
  sqlite3_stmt *stmt = get_stmt (self, id, error);

  return stmt != NULL && run_stmt (self, stmt, error);
}

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  int length = sqlite3_column_bytes (stmt, column);

  return g_strndup ((const char *) (text != NULL ? text : (const unsigned char *) ""), length);
}

static CompaniesServerRecord *
read_record (sqlite3_stmt *stmt)
{
  CompaniesServerRecord *record = companies_server_record_new ();

  record->id = sqlite3_column_int64 (stmt, 0);
  record->uuid = dup_column_text (stmt, 1);
  record->version = sqlite3_column_int64 (stmt, 2);
  record->deleted = sqlite3_column_int (stmt, 3) != 0;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (!record->deleted)
        record->values[i] = dup_column_text (stmt, 4 + 2 * i);
      record->field_versions[i] = sqlite3_column_int64 (stmt, 5 + 2 * i);
    }

  return record;
}

static gboolean
bind_text (CompaniesServerStoreSqlite  *self,
           sqlite3_stmt                *stmt,
           int                          index,
           const char                  *text,
           GError                     **error)
{
  int rc;

  if (text == NULL)
    rc = sqlite3_bind_null (stmt, index);
  else
    rc = sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);

  if (rc != SQLITE_OK)
    return set_sqlite_error (self, error);

  return TRUE;
}

static void
sqlite_close (CompaniesServerStore *store)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);

  if (self->db != NULL)
    {
      /* Leaves the WAL checkpointed, so the file stands alone. */
      sqlite3_close (self->db);
      self->db = NULL;
    }

  g_free (store->database_uuid);
  g_free (self);
}

static gboolean
sqlite_begin (CompaniesServerStore  *store,
              GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  self->state_cached = FALSE;
  self->version_dirty = FALSE;

  return exec_simple (self, self->read_only ? STMT_BEGIN_READ : STMT_BEGIN, error);
}

/* Writes the versions handed out in this transaction back to the row. */
static gboolean
flush_last_version (CompaniesServerStoreSqlite  *self,
                    GError                     **error)
{
  sqlite3_stmt *stmt;

  if (!self->version_dirty)
    return TRUE;

  stmt = get_stmt (self, STMT_SET_LAST_VERSION, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, self->state.last_version);
  sqlite3_bind_int64 (stmt, 2, self->last_id);
  if (!run_stmt (self, stmt, error))
    return FALSE;

  self->version_dirty = FALSE;
  return TRUE;
}

static gboolean
sqlite_commit (CompaniesServerStore  *store,
               GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  if (!flush_last_version (self, error) ||
      !exec_simple (self, STMT_COMMIT, error))
    return FALSE;

  self->state_cached = FALSE;
  return TRUE;
}

static void
sqlite_rollback (CompaniesServerStore *store)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  self->state_cached = FALSE;
  self->version_dirty = FALSE;

  /* Unfinished statements would keep the transaction's read lock. */
  for (guint i = 0; i < N_STMTS; i++)
    if (self->stmts[i] != NULL)
      sqlite3_reset (self->stmts[i]);

  if (!sqlite3_get_autocommit (self->db))
    exec_simple (self, STMT_ROLLBACK, NULL);
}

static gboolean
sqlite_savepoint (CompaniesServerStore  *store,
                  GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  if (!exec_simple (self, STMT_SAVEPOINT, error))
    return FALSE;

  self->saved_state = self->state;
  self->saved_last_id = self->last_id;
  self->saved_state_cached = self->state_cached;
  self->saved_version_dirty = self->version_dirty;
  return TRUE;
}

static gboolean
sqlite_release (CompaniesServerStore  *store,
                GError               **error)
{
  return exec_simple ((CompaniesServerStoreSqlite *) store, STMT_RELEASE, error);
}

static gboolean
sqlite_rollback_to (CompaniesServerStore *store)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  for (guint i = 0; i < N_STMTS; i++)
    if (self->stmts[i] != NULL)
      sqlite3_reset (self->stmts[i]);

  /* A full disk or an I/O error may have rolled the whole transaction
   * back already. */
  if (sqlite3_get_autocommit (self->db) ||
      !exec_simple (self, STMT_ROLLBACK_TO, NULL) ||
      !exec_simple (self, STMT_RELEASE, NULL))
    return FALSE;

  self->state = self->saved_state;
  self->last_id = self->saved_last_id;
  self->state_cached = self->saved_state_cached;
  self->version_dirty = self->saved_version_dirty;
  return TRUE;
}

static gboolean
sqlite_get_state (CompaniesServerStore       *store,
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

  stmt = get_stmt (self, STMT_GET_STATE, error);
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
        set_sqlite_error (self, error);
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

static gboolean
sqlite_next_version (CompaniesServerStore  *store,
                     gint64                *out_version,
                     GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  CompaniesServerStoreState state;

  g_return_val_if_fail (!sqlite3_get_autocommit (self->db), FALSE);

  if (!sqlite_get_state (store, &state, error))
    return FALSE;

  *out_version = ++self->state.last_version;
  self->version_dirty = TRUE;
  return TRUE;
}

static gboolean
lookup (CompaniesServerStoreSqlite  *self,
        sqlite3_stmt                *stmt,
        CompaniesServerRecord      **out_record,
        GError                     **error)
{
  int rc = sqlite3_step (stmt);

  *out_record = NULL;
  if (rc == SQLITE_ROW)
    *out_record = read_record (stmt);
  else if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
sqlite_lookup_by_id (CompaniesServerStore   *store,
                     gint64                  id,
                     CompaniesServerRecord **out_record,
                     GError                **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = get_stmt (self, STMT_LOOKUP_ID, error);

  *out_record = NULL;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  return lookup (self, stmt, out_record, error);
}

static gboolean
sqlite_lookup_by_uuid (CompaniesServerStore   *store,
                       const char             *uuid,
                       CompaniesServerRecord **out_record,
                       GError                **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = get_stmt (self, STMT_LOOKUP_UUID, error);

  *out_record = NULL;
  if (stmt == NULL || !bind_text (self, stmt, 1, uuid, error))
    return FALSE;

  return lookup (self, stmt, out_record, error);
}

static gboolean
sqlite_insert (CompaniesServerStore  *store,
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
  if (!sqlite_get_state (store, &state, error))
    return FALSE;
  id = self->last_id + 1;

  /* The texts outlive the step: bound without a copy. */
  stmt = get_stmt (self, STMT_INSERT, error);
  if (stmt == NULL ||
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC) != SQLITE_OK)
    return set_sqlite_error (self, error);

  sqlite3_bind_int64 (stmt, 2, version);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if (sqlite3_bind_text (stmt, 3 + i, values[i] != NULL ? values[i] : "", -1,
                           SQLITE_STATIC) != SQLITE_OK)
      return set_sqlite_error (self, error);
  sqlite3_bind_int64 (stmt, 12, id);

  if (!run_stmt (self, stmt, error))
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

static gboolean
sqlite_update_fields (CompaniesServerStore  *store,
                      gint64                 id,
                      guint                  mask,
                      const char * const    *values,
                      gint64                 version,
                      GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = get_stmt (self, STMT_UPDATE, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, version);
  /* A NULL binding leaves the field (and its version) as it is. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *value = NULL;

      if (mask & COMPANIES_FIELD_BIT (i))
        value = values[i] != NULL ? values[i] : "";
      if (!bind_text (self, stmt, 3 + i, value, error))
        return FALSE;
    }

  return run_stmt (self, stmt, error) && expect_one_change (self, error);
}

static gboolean
sqlite_tombstone (CompaniesServerStore  *store,
                  gint64                 id,
                  gint64                 version,
                  gint64                 deleted_at,
                  GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt = get_stmt (self, STMT_TOMBSTONE, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_int64 (stmt, 3, deleted_at);

  return run_stmt (self, stmt, error) && expect_one_change (self, error);
}

static gboolean
sqlite_list_changes (CompaniesServerStore  *store,
                     gint64                 after_version,
                     gboolean               alive_only,
                     guint                  max,
                     GPtrArray             *records,
                     GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_stmt (self, alive_only ? STMT_LIST_ALIVE : STMT_LIST_ALL, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, after_version);
  sqlite3_bind_int64 (stmt, 2, max);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, read_record (stmt));

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
sqlite_purge_tombstones (CompaniesServerStore  *store,
                         gint64                 deleted_before,
                         guint                 *out_n_purged,
                         GError               **error)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;
  sqlite3_stmt *stmt;
  gint64 newest = 0;
  int rc;

  *out_n_purged = 0;

  stmt = get_stmt (self, STMT_PURGE_NEWEST, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, deleted_before);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  newest = sqlite3_column_int64 (stmt, 0);  /* NULL reads as 0 */
  sqlite3_reset (stmt);

  if (newest == 0)
    return TRUE;

  stmt = get_stmt (self, STMT_PURGE_DELETE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, deleted_before);
  if (!run_stmt (self, stmt, error))
    return FALSE;
  *out_n_purged = sqlite3_changes (self->db);

  /* The horizon is raised in the row: versions handed out so far go there
   * first, and the cached state is read again afterwards. */
  if (!flush_last_version (self, error))
    return FALSE;
  self->state_cached = FALSE;

  stmt = get_stmt (self, STMT_RAISE_HORIZON, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, newest);

  return run_stmt (self, stmt, error);
}

static const CompaniesServerStoreVTable sqlite_vtable = {
  .name = "sqlite",
  .close = sqlite_close,
  .begin = sqlite_begin,
  .commit = sqlite_commit,
  .rollback = sqlite_rollback,
  .savepoint = sqlite_savepoint,
  .release = sqlite_release,
  .rollback_to = sqlite_rollback_to,
  .get_state = sqlite_get_state,
  .next_version = sqlite_next_version,
  .lookup_by_id = sqlite_lookup_by_id,
  .lookup_by_uuid = sqlite_lookup_by_uuid,
  .insert = sqlite_insert,
  .update_fields = sqlite_update_fields,
  .tombstone = sqlite_tombstone,
  .list_changes = sqlite_list_changes,
  .purge_tombstones = sqlite_purge_tombstones,
};

/* Test-only (companies-server-test-hooks.h): a database capped at a few
 * pages behaves as on a full disk. */
static gboolean
apply_test_page_cap (CompaniesServerStoreSqlite  *self,
                     GError                     **error)
{
  g_autofree char *sql = NULL;
  gint64 pages;

  if (!companies_server_test_hook_max_page_count (&pages))
    return TRUE;

  /* A number parsed from the variable, never its text: PRAGMA takes no
   * bound parameters. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error);

  g_printerr ("Test hook: the database is capped at %" G_GINT64_FORMAT " pages\n", pages);
  return TRUE;
}

/* Opens a connection of the backend: the writer's (creating the database
 * and migrating its schema) or a reader's (read-only, on a database the
 * writer prepared already). */
static CompaniesServerStoreSqlite *
open_connection (const char  *path,
                 gboolean     read_only,
                 GError     **error)
{
  CompaniesServerStoreSqlite *self;
  g_autoptr(GError) local_error = NULL;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3 *db = NULL;
  gboolean prepared;
  int rc;

  rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("Cannot open the database “%s”: %s"),
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  self = g_new0 (CompaniesServerStoreSqlite, 1);
  self->parent.vtable = &sqlite_vtable;
  self->db = db;
  self->read_only = read_only;

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  if (read_only)
    prepared = companies_server_sqlite_prepare_reader (db, &self->parent.database_uuid, &local_error);
  else
    prepared = companies_server_sqlite_prepare_schema (db, &self->parent.database_uuid, &local_error);

  if (!prepared)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   local_error->domain == COMPANIES_SERVER_STORE_ERROR ? local_error->code
                                                                       : COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("Cannot use the database “%s”: %s"), path, local_error->message);
      sqlite_close ((CompaniesServerStore *) self);
      return NULL;
    }

  return self;
}

CompaniesServerStore *
companies_server_store_sqlite_open (const char  *path,
                                    GError     **error)
{
  CompaniesServerStoreSqlite *self;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = open_connection (path, FALSE, error);
  if (self == NULL)
    return NULL;

  /* The writer's page cache holds the uuid and version indexes of a large
   * database (every add looks up a random uuid): 32 MiB at most, taken
   * only as the database grows. The crash tests keep SQLite's small
   * default, so that a big transaction spills to the WAL before COMMIT. */
  if (!companies_server_test_hook_small_cache () &&
      sqlite3_exec (self->db, "PRAGMA cache_size = -32768", NULL, NULL, NULL) != SQLITE_OK)
    set_sqlite_error (self, &local_error);
  else
    apply_test_page_cap (self, &local_error);

  if (local_error != NULL)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR, COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("Cannot use the database “%s”: %s"), path, local_error->message);
      sqlite_close ((CompaniesServerStore *) self);
      return NULL;
    }

  return (CompaniesServerStore *) self;
}

CompaniesServerStore *
companies_server_store_sqlite_open_reader (const char  *path,
                                           GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return (CompaniesServerStore *) open_connection (path, TRUE, error);
}
