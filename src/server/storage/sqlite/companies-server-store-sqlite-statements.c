/* companies-server-store-sqlite-statements.c: every statement of the
 * SQLite store, prepared once and reused
 *
 * Every statement is a constant of this file (or of the schema's); input
 * only ever reaches SQLite as bound parameters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-server-store-sqlite-private.h"

/* The field columns follow the order of CompaniesField. */
#define RECORD_COLUMNS \
  "id, uuid, version, deleted_at IS NOT NULL, " \
  "name, name_v, address, address_v, city, city_v, " \
  "postal_code, postal_code_v, country, country_v, phone, phone_v, " \
  "email, email_v, website, website_v, notes, notes_v"

#define FIELD_UPDATE(col, n) \
  col " = coalesce(?" n ", " col "), " \
  col "_v = CASE WHEN ?" n " IS NULL THEN " col "_v ELSE ?2 END"

/* A record's creation entries while they live in its row
 * (docs/history.md, "A new record's entries"): one a non-empty field, in
 * CompaniesField order (i), of record ?1, unless its add is older than
 * the history horizon ?<horizon>. */
G_STATIC_ASSERT (COMPANIES_N_FIELDS == 9);
#define CREATION_FIELD(suffix) \
  "CASE f.column1 WHEN 0 THEN c.name" suffix " WHEN 1 THEN c.address" suffix \
  " WHEN 2 THEN c.city" suffix " WHEN 3 THEN c.postal_code" suffix \
  " WHEN 4 THEN c.country" suffix " WHEN 5 THEN c.phone" suffix \
  " WHEN 6 THEN c.email" suffix " WHEN 7 THEN c.website" suffix \
  " WHEN 8 THEN c.notes" suffix " END"

#define CREATION_ENTRIES(horizon) \
  "(SELECT * FROM (SELECT c.id AS company_id, f.column1 AS i, f.column2 AS field, " \
  CREATION_FIELD ("") " AS value, " CREATION_FIELD ("_v") " AS version, " \
  "c.created_at AS at, c.created_by AS author, c.created_client AS client_id " \
  "FROM company AS c, (VALUES (0, 'name'), (1, 'address'), (2, 'city'), " \
  "(3, 'postal_code'), (4, 'country'), (5, 'phone'), (6, 'email'), (7, 'website'), " \
  "(8, 'notes')) AS f WHERE c.id = ?1 AND c.created_at >= ?" horizon ") WHERE value <> '')"

/* Any write to a record has written its creation entries out first. */
#define CREATION_WRITTEN "created_at = NULL, created_by = NULL, created_client = NULL, "

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
    "email, email_v, website, website_v, notes, notes_v, "
    "created_at, created_by, created_client) "
    "VALUES (?12, ?1, ?2, ?3, ?2, ?4, ?2, ?5, ?2, ?6, ?2, ?7, ?2, ?8, ?2, "
    "?9, ?2, ?10, ?2, ?11, ?2, ?13, ?14, ?15) ON CONFLICT (uuid) DO NOTHING",
  [STMT_UPDATE] =
    "UPDATE company SET version = ?2, " CREATION_WRITTEN
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
    "UPDATE company SET version = ?2, deleted_at = ?3, " CREATION_WRITTEN
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
  [STMT_HISTORY_ADD] =
    "INSERT INTO history (company_id, field, value, version, at, author, client_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  /* before the record's first write after its add */
  [STMT_HISTORY_WRITE_CREATION] =
    "INSERT INTO history (company_id, field, value, version, at, author, client_id) "
    "SELECT company_id, field, value, version, at, author, client_id FROM "
    CREATION_ENTRIES ("2") " ORDER BY i",
  /* older than the horizon ?3, or past the newest ?4 of the field */
  [STMT_HISTORY_PRUNE_FIELD] =
    "DELETE FROM history WHERE company_id = ?1 AND field = ?2 AND (at < ?3 OR "
    "version <= (SELECT version FROM history WHERE company_id = ?1 AND field = ?2 "
    "ORDER BY version DESC LIMIT 1 OFFSET ?4))",
  [STMT_HISTORY_PRUNE_AGE] = "DELETE FROM history WHERE at < ?1",
  /* a record has either stored rows or creation entries in its row;
   * the latter at any age (?4 the smallest integer), as eager rows lived
   * until the hourly purge */
  [STMT_HISTORY_WRITER] =
    "SELECT client_id, author, at FROM (SELECT client_id, author, at, seq FROM history "
    "WHERE company_id = ?1 AND field = ?2 AND version = ?3 UNION ALL "
    "SELECT client_id, author, at, 0 FROM " CREATION_ENTRIES ("4") " "
    "WHERE field = ?2 AND version = ?3) ORDER BY seq DESC LIMIT 1",
  [STMT_REPLACED_ADD] =
    "INSERT INTO replaced (client_id, company_id, uuid, field, lost, lost_version, current, "
    "current_version, author, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
  /* the client's oldest beyond ?2, then everyone's beyond ?3 */
  [STMT_REPLACED_TRIM_CLIENT] =
    "DELETE FROM replaced WHERE client_id = ?1 AND seq <= (SELECT seq FROM replaced "
    "WHERE client_id = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)",
  [STMT_REPLACED_TRIM_ALL] =
    "DELETE FROM replaced WHERE seq <= (SELECT max(seq) FROM replaced) - ?1",
  [STMT_REPLACED_ACK] =
    "DELETE FROM replaced WHERE client_id = ?1 AND current_version <= ?2",
  [STMT_REPLACED_LIST] =
    "SELECT company_id, uuid, field, lost, lost_version, current, current_version, author, at "
    "FROM replaced WHERE client_id = ?1 AND current_version > ?2 AND current_version <= ?3 "
    "ORDER BY current_version, seq LIMIT ?4",
  [STMT_REPLACED_PRUNE_AGE] = "DELETE FROM replaced WHERE at < ?1",
  /* the creation entries in field order, as eager rows were (seq) */
  [STMT_HISTORY_LIST] =
    "SELECT field, value, version, at, author FROM (SELECT field, value, version, at, "
    "author, seq FROM history WHERE company_id = ?1 UNION ALL "
    "SELECT field, value, version, at, author, i - 9 FROM " CREATION_ENTRIES ("3") ") "
    "ORDER BY version DESC, seq LIMIT ?2",
};

sqlite3_stmt *
companies_server_sqlite_get_stmt (CompaniesServerStoreSqlite  *self,
                                  StmtId                       id,
                                  GError                     **error)
{
  if (self->stmts[id] == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, statement_sql[id], -1,
                              SQLITE_PREPARE_PERSISTENT, &self->stmts[id],
                              NULL) != SQLITE_OK)
        {
          companies_server_sqlite_set_error (self->db, error);
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

gboolean
companies_server_sqlite_finish_stmt (CompaniesServerStoreSqlite  *self,
                                     sqlite3_stmt                *stmt,
                                     int                          rc,
                                     GError                     **error)
{
  if (rc != SQLITE_DONE)
    {
      companies_server_sqlite_set_error (self->db, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
companies_server_sqlite_run_stmt (CompaniesServerStoreSqlite  *self,
                                  sqlite3_stmt                *stmt,
                                  GError                     **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  return companies_server_sqlite_finish_stmt (self, stmt, rc, error);
}

gboolean
companies_server_sqlite_exec_stmt (CompaniesServerStoreSqlite  *self,
                                   StmtId                       id,
                                   GError                     **error)
{
  sqlite3_stmt *stmt = companies_server_sqlite_get_stmt (self, id, error);

  return stmt != NULL && companies_server_sqlite_run_stmt (self, stmt, error);
}

gboolean
companies_server_sqlite_bind_text (CompaniesServerStoreSqlite  *self,
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
    return companies_server_sqlite_set_error (self->db, error);

  return TRUE;
}

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  int length = sqlite3_column_bytes (stmt, column);

  return g_strndup ((const char *) (text != NULL ? text : (const unsigned char *) ""), length);
}

CompaniesServerRecord *
companies_server_sqlite_read_record (sqlite3_stmt *stmt)
{
  CompaniesServerRecord *record = companies_server_record_new ();
  CompaniesRecord *company = record->company;

  company->id = sqlite3_column_int64 (stmt, 0);
  company->uuid = dup_column_text (stmt, 1);
  company->version = sqlite3_column_int64 (stmt, 2);
  record->deleted = sqlite3_column_int (stmt, 3) != 0;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (!record->deleted)
        company->values[i] = dup_column_text (stmt, 4 + 2 * i);
      record->field_versions[i] = sqlite3_column_int64 (stmt, 5 + 2 * i);
    }

  return record;
}

void
companies_server_sqlite_reset_stmts (CompaniesServerStoreSqlite *self)
{
  for (guint i = 0; i < N_STMTS; i++)
    if (self->stmts[i] != NULL)
      sqlite3_reset (self->stmts[i]);
}

void
companies_server_sqlite_finalize_stmts (CompaniesServerStoreSqlite *self)
{
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
}
