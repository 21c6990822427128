/* companies-server-store-sqlite-schema.c: the schema of the server's SQLite
 * database and its migrations
 *
 * Schema version 1:
 *
 *   server_state  one row: the database uuid (made at creation, names this
 *                 database in cursors), the last version of the server-wide
 *                 sequence and the purge horizon (the newest version of any
 *                 purged tombstone).
 *   company       one row per record, alive or tombstone (deleted_at set):
 *                 id (AUTOINCREMENT, so that an id is never reused, even
 *                 after its tombstone was purged), uuid (unique), version
 *                 (unique, indexed for the page queries), each field and
 *                 the version at which it was last written (<field>_v).
 *
 * Schema version 2: company.id is a plain INTEGER PRIMARY KEY (AUTOINCREMENT
 * wrote sqlite_sequence on every insert); server_state.last_id, the newest id
 * ever handed out, keeps ids from being reused instead: the store gives
 * new records last_id + 1 explicitly.
 *
 * Schema version 3: history, each company's field history (docs/history.md):
 * one row a field written (field NULL: the company was deleted), with
 * the version it took, when (UNIX seconds) and who (the token's label).
 * The upgrade fills it with each live company's non-empty fields as they
 * are (companies-server-history-fill.c), in the same transaction.
 *
 * Schema version 4: both sides told (docs/notices.md): history.client_id,
 * the writing client's id when it asked for `replaced`; and replaced, the
 * values a later write replaced unseen, kept for their writer's client
 * (client_id) until it acknowledges them, bounded by count and age.
 *
 * Schema version 5: a new record's history written lazily (docs/history.md):
 * company.created_at, created_by and created_client, set by an add, are
 * its creation entries (one a non-empty field) until its first write
 * stores them in history and sets them NULL. Older rows get NULL: their
 * history is stored.
 *
 * PRAGMA application_id marks the file as ours, PRAGMA user_version holds
 * the schema version; migrations[n] takes version n to n + 1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-server-history-fill.h"
#include "companies-server-store.h"
#include "companies-server-sqlite-query.h"
#include "companies-server-store-sqlite-schema.h"

/* "CoSv": marks the file as a companies-server database. */
#define APPLICATION_ID   0x436f5376
#define SCHEMA_VERSION   5

/* What every version of the company table has after its id, and its
 * indexes (v2 only changed the id's AUTOINCREMENT). */
#define COMPANY_COLUMNS \
  "  uuid TEXT NOT NULL UNIQUE," \
  "  version INTEGER NOT NULL," \
  "  deleted_at INTEGER," \
  "  name TEXT NOT NULL DEFAULT '', name_v INTEGER NOT NULL DEFAULT 0," \
  "  address TEXT NOT NULL DEFAULT '', address_v INTEGER NOT NULL DEFAULT 0," \
  "  city TEXT NOT NULL DEFAULT '', city_v INTEGER NOT NULL DEFAULT 0," \
  "  postal_code TEXT NOT NULL DEFAULT '', postal_code_v INTEGER NOT NULL DEFAULT 0," \
  "  country TEXT NOT NULL DEFAULT '', country_v INTEGER NOT NULL DEFAULT 0," \
  "  phone TEXT NOT NULL DEFAULT '', phone_v INTEGER NOT NULL DEFAULT 0," \
  "  email TEXT NOT NULL DEFAULT '', email_v INTEGER NOT NULL DEFAULT 0," \
  "  website TEXT NOT NULL DEFAULT '', website_v INTEGER NOT NULL DEFAULT 0," \
  "  notes TEXT NOT NULL DEFAULT '', notes_v INTEGER NOT NULL DEFAULT 0" \
  ");"

#define COMPANY_INDEXES \
  "CREATE UNIQUE INDEX company_by_version ON company (version);" \
  "CREATE INDEX company_tombstones ON company (deleted_at) WHERE deleted_at IS NOT NULL;"

/* Migrations: migrations[n] takes the schema from version n to n + 1. */
static const char * const migrations[SCHEMA_VERSION] = {
  "CREATE TABLE server_state ("
  "  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
  "  database_uuid TEXT NOT NULL,"
  "  last_version INTEGER NOT NULL DEFAULT 0,"
  "  purge_horizon INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE company ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  COMPANY_COLUMNS
  COMPANY_INDEXES,

  "ALTER TABLE server_state ADD COLUMN last_id INTEGER NOT NULL DEFAULT 0;"
  "UPDATE server_state SET last_id = max("
  "  coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'company'), 0),"
  "  coalesce ((SELECT max(id) FROM company), 0));"
  "CREATE TABLE company_v2 ("
  "  id INTEGER PRIMARY KEY,"
  COMPANY_COLUMNS
  "INSERT INTO company_v2 SELECT * FROM company;"
  "DROP TABLE company;"
  "ALTER TABLE company_v2 RENAME TO company;"
  COMPANY_INDEXES,

  "CREATE TABLE history ("
  "  seq INTEGER PRIMARY KEY,"
  "  company_id INTEGER NOT NULL,"
  "  field TEXT,"
  "  value TEXT,"
  "  version INTEGER NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  author TEXT"
  ");"
  "CREATE INDEX history_by_company ON history (company_id, field, version);"
  "CREATE INDEX history_by_age ON history (at);",

  "ALTER TABLE history ADD COLUMN client_id TEXT;"
  "CREATE TABLE replaced ("
  "  seq INTEGER PRIMARY KEY,"
  "  client_id TEXT NOT NULL,"
  "  company_id INTEGER NOT NULL,"
  "  uuid TEXT NOT NULL,"
  "  field TEXT NOT NULL,"
  "  lost TEXT NOT NULL,"
  "  lost_version INTEGER NOT NULL,"
  "  current TEXT NOT NULL,"
  "  current_version INTEGER NOT NULL,"
  "  author TEXT,"
  "  at INTEGER NOT NULL"
  ");"
  "CREATE INDEX replaced_by_client ON replaced (client_id, current_version);"
  "CREATE INDEX replaced_by_age ON replaced (at);",

  "ALTER TABLE company ADD COLUMN created_at INTEGER;"
  "ALTER TABLE company ADD COLUMN created_by TEXT;"
  "ALTER TABLE company ADD COLUMN created_client TEXT;",
};

/* Refuses files that are not ours: another application's database (or the
 * desktop app's own), or one made by a newer companies-server. */
static gboolean
check_identity (sqlite3  *db,
                GError  **error)
{
  gint64 application_id, user_version, n_tables;

  if (!companies_server_sqlite_query_int (db, "PRAGMA application_id", &application_id, error) ||
      !companies_server_sqlite_query_int (db, "PRAGMA user_version", &user_version, error) ||
      !companies_server_sqlite_query_int (db, "SELECT count(*) FROM sqlite_master",
                                          &n_tables, error))
    return FALSE;

  if (application_id == 0 && user_version == 0 && n_tables == 0)
    return TRUE;  /* new and empty */

  if (application_id != APPLICATION_ID)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   COMPANIES_SERVER_STORE_ERROR_NOT_OURS,
                   _("it is not a companies-server database"));
      return FALSE;
    }

  if (user_version > SCHEMA_VERSION)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   COMPANIES_SERVER_STORE_ERROR_TOO_NEW,
                   _("it was made by a newer companies-server (schema %d, this one knows %d)"),
                   (int) user_version, SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

/* The first entries of the history that schema 3 made: each live
 * company's non-empty fields as they are now. */
static gboolean
fill_history (sqlite3  *db,
              GError  **error)
{
  g_autofree char *sql = companies_server_history_fill_sql (g_get_real_time () / G_USEC_PER_SEC);

  return companies_server_sqlite_exec (db, sql, error);
}

/* Brings the schema to SCHEMA_VERSION in one transaction. */
static gboolean
migrate (sqlite3  *db,
         GError  **error)
{
  gint64 user_version;

  if (!companies_server_sqlite_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Read again inside the transaction: another process may have migrated. */
  if (!companies_server_sqlite_query_int (db, "PRAGMA user_version", &user_version, error))
    goto failed;

  for (gint64 v = user_version; v < SCHEMA_VERSION; v++)
    {
      if (!companies_server_sqlite_exec (db, migrations[v], error) ||
          (v == 2 && !fill_history (db, error)))
        goto failed;

      if (v == 0)
        {
          g_autofree char *uuid = g_uuid_string_random ();
          sqlite3_stmt *stmt = NULL;
          int rc;

          if (sqlite3_prepare_v2 (db,
                                  "INSERT INTO server_state (singleton, database_uuid, created_at) "
                                  "VALUES (1, ?1, ?2)", -1, &stmt, NULL) != SQLITE_OK)
            {
              companies_server_sqlite_set_error (db, error);
              goto failed;
            }
          sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
          rc = sqlite3_step (stmt);
          sqlite3_finalize (stmt);
          if (rc != SQLITE_DONE)
            {
              companies_server_sqlite_set_error (db, error);
              goto failed;
            }
        }
    }

  if (user_version < SCHEMA_VERSION)
    {
      /* Constants of this file, never input. */
      g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d",
                                              APPLICATION_ID, SCHEMA_VERSION);

      if (!companies_server_sqlite_exec (db, sql, error))
        goto failed;
    }

  if (!companies_server_sqlite_exec (db, "COMMIT", error))
    goto failed;

  return TRUE;

failed:
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
read_database_uuid (sqlite3  *db,
                    char    **out_database_uuid,
                    GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT database_uuid FROM server_state WHERE singleton = 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return companies_server_sqlite_set_error (db, error);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_database_uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                         COMPANIES_SERVER_STORE_ERROR_NOT_OURS,
                         _("it lacks its server state"));
  else
    companies_server_sqlite_set_error (db, error);

  sqlite3_finalize (stmt);
  return *out_database_uuid != NULL;
}

gboolean
companies_server_sqlite_prepare_schema (sqlite3  *db,
                                        char    **out_database_uuid,
                                        GError  **error)
{
  g_autofree char *journal_mode = NULL;
  sqlite3_stmt *stmt = NULL;

  *out_database_uuid = NULL;

  if (!check_identity (db, error))
    return FALSE;

  /* WAL, and FULL so that an acknowledged sync survives a power cut. */
  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK)
    return companies_server_sqlite_set_error (db, error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    journal_mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (journal_mode == NULL || g_ascii_strcasecmp (journal_mode, "wal") != 0)
    {
      if (journal_mode == NULL)
        return companies_server_sqlite_set_error (db, error);

      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("it cannot use write-ahead logging (journal mode %s)"),
                   journal_mode);
      return FALSE;
    }

  /* A checkpoint once the WAL holds 64 MiB, not SQLite's 4 MiB: a push
   * of 10000 additions dirties thousands of pages of the uuid index, and
   * with the default each commit copied all of them into the file again
   * (a third of the writes of a large push or snapshot). */
  return companies_server_sqlite_exec (db, "PRAGMA synchronous = FULL", error) &&
         companies_server_sqlite_exec (db, "PRAGMA wal_autocheckpoint = 16384", error) &&
         companies_server_sqlite_exec (db, "PRAGMA trusted_schema = OFF", error) &&
         migrate (db, error) &&
         read_database_uuid (db, out_database_uuid, error);
}

gboolean
companies_server_sqlite_prepare_reader (sqlite3  *db,
                                        char    **out_database_uuid,
                                        GError  **error)
{
  *out_database_uuid = NULL;

  return companies_server_sqlite_exec (db, "PRAGMA trusted_schema = OFF", error) &&
         read_database_uuid (db, out_database_uuid, error);
}
