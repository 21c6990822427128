/* companies-server-postgres-schema.c: the schema of the server's
 * PostgreSQL database and its migrations (docs/postgresql.md)
 *
 * Schema version 1, in the connection's current schema (search_path):
 *
 *   companies_server_schema  one row: marks the database as ours and holds
 *                            the schema version.
 *   server_state             one row: the database uuid (made at creation,
 *                            names this database in cursors; every server on
 *                            the database serves the same one), the last
 *                            version of the server-wide sequence, the newest
 *                            id ever handed out (ids are never reused) and
 *                            the purge horizon. Its row lock orders the
 *                            writers.
 *   company                  one row per record, alive or tombstone
 *                            (deleted_at set), as in the SQLite schema:
 *                            uuid unique, version unique and indexed for the
 *                            pages, each field and its version (<field>_v).
 *
 * Schema version 2: history, each company's field history, as in the
 * SQLite schema (docs/history.md); the upgrade fills it with each live
 * company's non-empty fields as they are (companies-server-history-fill.c).
 *
 * Schema version 3: both sides told, as in the SQLite schema
 * (docs/notices.md): history.client_id and the replaced table.
 *
 * Schema version 4: history without its primary key. Its seq stays (an
 * identity, so unique) and orders the entries of one version; nothing
 * looks an entry up by it, and its index cost a push about a seventh of
 * PostgreSQL's time for the history (docs/postgresql.md, "Round 8").
 *
 * Schema version 5: a new record's history written lazily (docs/history.md,
 * docs/postgresql.md "Round 9"): company.created_at, created_by and
 * created_client. created_at set means the record's creation entries are
 * not in history yet: they are its non-empty fields, written when, by whom
 * and from which client these say. Existing rows get NULL: their history
 * is stored.
 *
 * migrations[n] takes version n to n + 1; they run in one transaction,
 * under an advisory lock, so servers that start at once take turns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-history-fill.h"
#include "companies-server-postgres-schema.h"
#include "companies-server-store-postgres-private.h"

#define APPLICATION     "companies-server"
#define SCHEMA_VERSION  5
/* "CoSv": the advisory lock the migrations take. */
#define MIGRATION_LOCK  "1131377526"

#define FIELD(name) \
  "  " name " text NOT NULL DEFAULT '', " name "_v bigint NOT NULL DEFAULT 0"

static const char * const migration_1[] = {
  "CREATE TABLE companies_server_schema ("
  "  singleton integer PRIMARY KEY CHECK (singleton = 1),"
  "  application text NOT NULL,"
  "  version integer NOT NULL)",
  "CREATE TABLE server_state ("
  "  singleton integer PRIMARY KEY CHECK (singleton = 1),"
  "  database_uuid text NOT NULL,"
  "  last_version bigint NOT NULL DEFAULT 0,"
  "  purge_horizon bigint NOT NULL DEFAULT 0,"
  "  last_id bigint NOT NULL DEFAULT 0,"
  "  created_at bigint NOT NULL)",
  "CREATE TABLE company ("
  "  id bigint PRIMARY KEY,"
  "  uuid text COLLATE \"C\" NOT NULL UNIQUE,"
  "  version bigint NOT NULL,"
  "  deleted_at bigint,"
  FIELD ("name") "," FIELD ("address") "," FIELD ("city") ","
  FIELD ("postal_code") "," FIELD ("country") "," FIELD ("phone") ","
  FIELD ("email") "," FIELD ("website") "," FIELD ("notes") ")",
  "CREATE UNIQUE INDEX company_by_version ON company (version)",
  "CREATE INDEX company_tombstones ON company (deleted_at) WHERE deleted_at IS NOT NULL",
  "INSERT INTO companies_server_schema (singleton, application, version) "
  "VALUES (1, '" APPLICATION "', 0)",
  NULL
};

static const char * const migration_2[] = {
  "CREATE TABLE history ("
  "  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  company_id bigint NOT NULL,"
  "  field text,"
  "  value text,"
  "  version bigint NOT NULL,"
  "  at bigint NOT NULL,"
  "  author text)",
  "CREATE INDEX history_by_company ON history (company_id, field, version)",
  "CREATE INDEX history_by_age ON history (at)",
  NULL
};

static const char * const migration_3[] = {
  "ALTER TABLE history ADD COLUMN client_id text",
  "CREATE TABLE replaced ("
  "  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  client_id text COLLATE \"C\" NOT NULL,"
  "  company_id bigint NOT NULL,"
  "  uuid text NOT NULL,"
  "  field text NOT NULL,"
  "  lost text NOT NULL,"
  "  lost_version bigint NOT NULL,"
  "  current text NOT NULL,"
  "  current_version bigint NOT NULL,"
  "  author text,"
  "  at bigint NOT NULL)",
  "CREATE INDEX replaced_by_client ON replaced (client_id, current_version)",
  "CREATE INDEX replaced_by_age ON replaced (at)",
  NULL
};

static const char * const migration_4[] = {
  "ALTER TABLE history DROP CONSTRAINT history_pkey",
  NULL
};

static const char * const migration_5[] = {
  "ALTER TABLE company ADD COLUMN created_at bigint, ADD COLUMN created_by text, "
  "ADD COLUMN created_client text",
  NULL
};

static const char * const * const migrations[SCHEMA_VERSION] = {
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
};

static gboolean
exec (PGconn      *conn,
      const char  *sql,
      GError     **error)
{
  g_autoptr(PGresult) result = companies_server_postgres_command (conn, sql, error);

  return result != NULL;
}

static gboolean
check_encoding (PGconn  *conn,
                GError **error)
{
  const char *encoding = PQparameterStatus (conn, "server_encoding");

  if (encoding == NULL || g_ascii_strcasecmp (encoding, "UTF8") != 0)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR, COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("its encoding is %s; companies-server needs UTF8"),
                   encoding != NULL ? encoding : "?");
      return FALSE;
    }

  return TRUE;
}

/* The schema version of the database, 0 when it has no tables yet;
 * refuses a database that is not ours, or made by a newer server. */
static gboolean
check_identity (PGconn  *conn,
                gint64  *out_version,
                GError **error)
{
  g_autoptr(PGresult) found = NULL;
  g_autoptr(PGresult) marker = NULL;

  *out_version = 0;

  found = companies_server_postgres_command (conn,
                                             "SELECT to_regclass ('companies_server_schema') IS NOT NULL, "
                                             "(SELECT count(*) FROM pg_catalog.pg_class c "
                                             " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                             " WHERE n.nspname = current_schema () "
                                             " AND c.relkind IN ('r', 'p', 'v', 'm', 'f'))",
                                             error);
  if (found == NULL)
    return FALSE;

  if (PQgetvalue (found, 0, 0)[0] != 't')
    {
      if (companies_server_postgres_get_int (found, 0, 1) == 0)
        return TRUE;  /* new and empty */

      g_set_error (error, COMPANIES_SERVER_STORE_ERROR, COMPANIES_SERVER_STORE_ERROR_NOT_OURS,
                   _("it is not a companies-server database"));
      return FALSE;
    }

  marker = companies_server_postgres_command (conn,
                                              "SELECT application, version "
                                              "FROM companies_server_schema WHERE singleton = 1",
                                              error);
  if (marker == NULL)
    return FALSE;

  if (PQntuples (marker) != 1 || strcmp (PQgetvalue (marker, 0, 0), APPLICATION) != 0)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR, COMPANIES_SERVER_STORE_ERROR_NOT_OURS,
                   _("it is not a companies-server database"));
      return FALSE;
    }

  *out_version = companies_server_postgres_get_int (marker, 0, 1);
  if (*out_version > SCHEMA_VERSION)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR, COMPANIES_SERVER_STORE_ERROR_TOO_NEW,
                   _("it was made by a newer companies-server (schema %d, this one knows %d)"),
                   (int) *out_version, SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

/* The server state's row of a new database, with its identity. */
static gboolean
insert_state (PGconn  *conn,
              GError **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          g_get_real_time () / G_USEC_PER_SEC);
  const char *values[] = { uuid, now };
  PGresult *result;

  result = PQexecParams (conn,
                         "INSERT INTO server_state (singleton, database_uuid, created_at) "
                         "VALUES (1, $1::text, $2::bigint)",
                         2, NULL, values, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      companies_server_postgres_set_error (conn, result, error);
      PQclear (result);
      return FALSE;
    }

  PQclear (result);
  return TRUE;
}

/* The first entries of the history that schema 2 made: each live
 * company's non-empty fields as they are now. */
static gboolean
fill_history (PGconn  *conn,
              GError **error)
{
  g_autofree char *sql = companies_server_history_fill_sql (g_get_real_time () / G_USEC_PER_SEC);

  return exec (conn, sql, error);
}

/* Brings the schema to SCHEMA_VERSION in one transaction. */
static gboolean
migrate (PGconn  *conn,
         GError **error)
{
  g_autofree char *set_version = NULL;
  gint64 version;

  if (!exec (conn, "BEGIN", error))
    return FALSE;

  /* Checked again under the lock: another server may have migrated. */
  if (!exec (conn, "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK ")", error) ||
      !check_identity (conn, &version, error))
    goto failed;

  for (gint64 v = version; v < SCHEMA_VERSION; v++)
    {
      for (const char * const *sql = migrations[v]; *sql != NULL; sql++)
        if (!exec (conn, *sql, error))
          goto failed;

      if ((v == 0 && !insert_state (conn, error)) ||
          (v == 1 && !fill_history (conn, error)))
        goto failed;
    }

  /* A constant of this file, never input. */
  set_version = g_strdup_printf ("UPDATE companies_server_schema SET version = %d",
                                 SCHEMA_VERSION);
  if ((version < SCHEMA_VERSION && !exec (conn, set_version, error)) ||
      !exec (conn, "COMMIT", error))
    goto failed;

  return TRUE;

failed:
  if (PQtransactionStatus (conn) != PQTRANS_IDLE && PQstatus (conn) == CONNECTION_OK)
    exec (conn, "ROLLBACK", NULL);
  return FALSE;
}

static gboolean
read_database_uuid (PGconn  *conn,
                    char   **out_database_uuid,
                    GError **error)
{
  g_autoptr(PGresult) result = NULL;

  result = companies_server_postgres_command (conn,
                                              "SELECT database_uuid FROM server_state "
                                              "WHERE singleton = 1",
                                              error);
  if (result == NULL)
    return FALSE;

  if (PQntuples (result) != 1)
    {
      g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                           COMPANIES_SERVER_STORE_ERROR_NOT_OURS,
                           _("it lacks its server state"));
      return FALSE;
    }

  *out_database_uuid = g_strdup (PQgetvalue (result, 0, 0));
  return TRUE;
}

gboolean
companies_server_postgres_prepare_schema (PGconn  *conn,
                                          char   **out_database_uuid,
                                          GError **error)
{
  *out_database_uuid = NULL;

  return check_encoding (conn, error) &&
         migrate (conn, error) &&
         read_database_uuid (conn, out_database_uuid, error);
}
