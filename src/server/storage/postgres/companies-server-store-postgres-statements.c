/* companies-server-store-postgres-statements.c: every statement of the
 * PostgreSQL store, prepared once a connection and reused
 *
 * Every statement is a constant of this file (or of the schema's); input
 * only ever reaches PostgreSQL as bound parameters (PQexecPrepared,
 * PQsendQueryPrepared …), never in the text of a statement. A statement is
 * run (its answer read at once, with those of what was sent before it) or
 * sent (answered later: companies-server-store-postgres-pipeline.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <stdarg.h>

#include "companies-server-postgres-listen.h"
#include "companies-server-store-postgres-private.h"

/* The field columns follow the order of CompaniesField. */
#define RECORD_COLUMNS \
  "id, uuid, version, deleted_at IS NOT NULL, " \
  "name, name_v, address, address_v, city, city_v, " \
  "postal_code, postal_code_v, country, country_v, phone, phone_v, " \
  "email, email_v, website, website_v, notes, notes_v"

/* What an add writes, in this order. */
#define COMPANY_COLUMNS \
  "id, uuid, version, name, name_v, address, address_v, city, city_v, " \
  "postal_code, postal_code_v, country, country_v, phone, phone_v, " \
  "email, email_v, website, website_v, notes, notes_v"

#define FIELD_UPDATE(col, n) \
  col " = coalesce($" n "::text, " col "), " \
  col "_v = CASE WHEN $" n "::text IS NULL THEN " col "_v ELSE $2::bigint END"

/* The written fields with their values, for history ($n NULL: not
 * written), from parameter $3 on, in the order of CompaniesField. */
#define FIELD_VALUES \
  "(VALUES (1, 'name', $3::text), (2, 'address', $4::text), (3, 'city', $5::text), " \
  "(4, 'postal_code', $6::text), (5, 'country', $7::text), (6, 'phone', $8::text), " \
  "(7, 'email', $9::text), (8, 'website', $10::text), (9, 'notes', $11::text)) " \
  "AS f (n, field, value)"

/* History is written by the same statement as the record (docs/history.md):
 * one round trip, and an add stays pipelined. The company statement is the
 * outer one, so its row count is what the caller reads. */
#define HISTORY_INSERT(id, at, author, client, filter) \
  "INSERT INTO history (company_id, field, value, version, at, author, client_id) " \
  "SELECT " id ", f.field, f.value, $2::bigint, " at ", " author ", " client " " \
  "FROM " FIELD_VALUES " WHERE " filter " ORDER BY f.n"

/* A lazy record's creation entries (docs/postgresql.md, "Round 9"): its
 * non-empty fields as they are, at their versions (still the add's: any
 * later write stores them first), in the order of CompaniesField, for
 * company row k. */
#define CREATION_FIELDS \
  "(VALUES (1, 'name', k.name, k.name_v), (2, 'address', k.address, k.address_v), " \
  "(3, 'city', k.city, k.city_v), (4, 'postal_code', k.postal_code, k.postal_code_v), " \
  "(5, 'country', k.country, k.country_v), (6, 'phone', k.phone, k.phone_v), " \
  "(7, 'email', k.email, k.email_v), (8, 'website', k.website, k.website_v), " \
  "(9, 'notes', k.notes, k.notes_v)) AS z (n, field, value, version)"

/* Record $1's creation entries, where they are still lazy, younger than
 * @horizon and pass @filter. Written by the write's own statement, as a
 * sibling of its history insert: that one's version is newer, so the
 * order of the two does not matter (history lists by version). */
#define CREATION_INSERT(horizon, filter) \
  "m AS (INSERT INTO history (company_id, field, value, version, at, author, client_id) " \
  "SELECT k.id, z.field, z.value, z.version, k.created_at, k.created_by, k.created_client " \
  "FROM company k CROSS JOIN LATERAL " CREATION_FIELDS " " \
  "WHERE k.id = $1::bigint AND k.deleted_at IS NULL AND k.created_at IS NOT NULL " \
  "AND k.created_at >= " horizon " AND z.value <> '' AND " filter " ORDER BY z.n)"

/* The creation entries are stored (or were too old to keep). */
#define CREATION_STORED "created_at = NULL, created_by = NULL, created_client = NULL"

#define STATE_COLUMNS "SELECT last_version, purge_horizon, last_id FROM server_state WHERE singleton = 1"

static const char * const statement_sql[PG_N_STMTS] = {
  [PG_STMT_GET_STATE] = STATE_COLUMNS,
  /* The row lock that orders the writers of every server: see
   * docs/postgresql.md, "Versions commit in order". */
  [PG_STMT_LOCK_STATE] = STATE_COLUMNS " FOR UPDATE",
  /* The servers' change feeds hear of the commit (NOTIFY goes out with
   * the COMMIT): companies-server-postgres-listen.c. */
  [PG_STMT_SET_STATE] =
    "UPDATE server_state SET last_version = $1::bigint, last_id = $2::bigint "
    "WHERE singleton = 1 "
    "RETURNING pg_notify ('" COMPANIES_SERVER_POSTGRES_CHANNEL "', last_version::text)",
  [PG_STMT_LOOKUP_ID] = "SELECT " RECORD_COLUMNS " FROM company WHERE id = $1::bigint",
  [PG_STMT_LOOKUP_UUID] = "SELECT " RECORD_COLUMNS " FROM company WHERE uuid = $1::text",
  /* $13 when, $14 who, $15 the client: the creation entries, kept in
   * the row until a later write stores them (CREATION_INSERT); a known
   * uuid writes nothing */
  [PG_STMT_INSERT] =
    "INSERT INTO company (" COMPANY_COLUMNS ", created_at, created_by, created_client) "
    "VALUES ($12::bigint, $1::text, $2::bigint, $3::text, $2, $4::text, $2, $5::text, $2, "
    "$6::text, $2, $7::text, $2, $8::text, $2, $9::text, $2, $10::text, $2, $11::text, $2, "
    "$13::bigint, $14::text, $15::text) "
    "ON CONFLICT (uuid) DO NOTHING",
  /* Many adds of new uuids (…-adds.c): $1 … $12 their uuids, versions,
   * ids and fields as arrays, $13 when, $14 who, $15 the client. */
  [PG_STMT_INSERT_MANY] =
    "WITH r AS (SELECT * FROM unnest ($1::text[], $2::bigint[], $3::bigint[], $4::text[], "
    "$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
    "$12::text[]) WITH ORDINALITY AS r (uuid, version, id, name, address, city, postal_code, "
    "country, phone, email, website, notes, o)) "
    "INSERT INTO company (" COMPANY_COLUMNS ", created_at, created_by, created_client) "
    "SELECT r.id, r.uuid, r.version, r.name, r.version, r.address, r.version, r.city, r.version, "
    "r.postal_code, r.version, r.country, r.version, r.phone, r.version, r.email, r.version, "
    "r.website, r.version, r.notes, r.version, $13::bigint, $14::text, $15::text "
    "FROM r ORDER BY r.o "
    "ON CONFLICT (uuid) DO NOTHING",
  /* $12 when, $13 who, $14 the client; each written field keeps what is
   * younger than $15 and its newest $16 + 1 entries (the new one is not
   * seen here). The version below which a field's entries go is looked
   * up once a field (c, materialized), not once an entry: a field at its
   * bound holds 50 entries by default, and a lookup for each made an
   * update read 2500. A lazy record's creation entries are stored first
   * (m), as eager history held them: the one of a written field only
   * when the count keeps more than the new entry ($16 > 0). */
  [PG_STMT_UPDATE] =
    "WITH " CREATION_INSERT ("$15::bigint", "($16::bigint > 0 OR z.n NOT IN "
                             "(SELECT f.n FROM " FIELD_VALUES " WHERE f.value IS NOT NULL))") ", "
    "h AS (" HISTORY_INSERT ("$1::bigint", "$12::bigint", "$13::text", "$14::text",
                                  "f.value IS NOT NULL") "), "
    "c AS MATERIALIZED (SELECT f.field, (SELECT y.version FROM history y "
    "WHERE y.company_id = $1::bigint AND y.field = f.field "
    "ORDER BY y.version DESC LIMIT 1 OFFSET $16::bigint) AS cutoff "
    "FROM " FIELD_VALUES " WHERE f.value IS NOT NULL), "
    "p AS (DELETE FROM history x USING c "
    "WHERE x.company_id = $1::bigint AND x.field = c.field "
    "AND (x.at < $15::bigint OR x.version <= c.cutoff)) "
    "UPDATE company SET version = $2::bigint, "
    FIELD_UPDATE ("name", "3") ", "
    FIELD_UPDATE ("address", "4") ", "
    FIELD_UPDATE ("city", "5") ", "
    FIELD_UPDATE ("postal_code", "6") ", "
    FIELD_UPDATE ("country", "7") ", "
    FIELD_UPDATE ("phone", "8") ", "
    FIELD_UPDATE ("email", "9") ", "
    FIELD_UPDATE ("website", "10") ", "
    FIELD_UPDATE ("notes", "11") ", " CREATION_STORED " "
    "WHERE id = $1::bigint AND deleted_at IS NULL",
  /* $4 when, $5 who, $6 the client: a deletion's history entry has no
   * field; a lazy record's creation entries younger than $7 are stored
   * first */
  [PG_STMT_TOMBSTONE] =
    "WITH " CREATION_INSERT ("$7::bigint", "true") ", "
    "h AS (INSERT INTO history (company_id, field, value, version, at, author, client_id) "
    "SELECT $1::bigint, NULL, NULL, $2::bigint, $4::bigint, $5::text, $6::text "
    "WHERE EXISTS (SELECT 1 FROM company WHERE id = $1::bigint AND deleted_at IS NULL)) "
    "UPDATE company SET version = $2::bigint, deleted_at = $3::bigint, "
    "name = '', name_v = $2, address = '', address_v = $2, city = '', city_v = $2, "
    "postal_code = '', postal_code_v = $2, country = '', country_v = $2, "
    "phone = '', phone_v = $2, email = '', email_v = $2, "
    "website = '', website_v = $2, notes = '', notes_v = $2, " CREATION_STORED " "
    "WHERE id = $1::bigint AND deleted_at IS NULL",
  [PG_STMT_LIST_ALL] =
    "SELECT " RECORD_COLUMNS " FROM company WHERE version > $1::bigint "
    "ORDER BY version LIMIT $2::bigint",
  /* "Alive" as a CASE, which the planner does not estimate from the
   * column's statistics: a table just filled (a big push, a migration)
   * has none yet, and "deleted_at IS NULL" then reads as almost no row,
   * for which it would read and sort the whole table for each batch of a
   * page instead of walking the version index. */
  [PG_STMT_LIST_ALIVE] =
    "SELECT " RECORD_COLUMNS " FROM company WHERE version > $1::bigint "
    "AND CASE WHEN deleted_at IS NULL THEN true ELSE false END "
    "ORDER BY version LIMIT $2::bigint",
  [PG_STMT_PURGE_NEWEST] =
    "SELECT coalesce(max(version), 0) FROM company "
    "WHERE deleted_at IS NOT NULL AND deleted_at <= $1::bigint",
  [PG_STMT_PURGE_DELETE] =
    "DELETE FROM company WHERE deleted_at IS NOT NULL AND deleted_at <= $1::bigint",
  [PG_STMT_RAISE_HORIZON] =
    "UPDATE server_state SET purge_horizon = greatest(purge_horizon, $1::bigint) "
    "WHERE singleton = 1",
  [PG_STMT_FIND_UUIDS] = "SELECT uuid FROM company WHERE uuid = ANY ($1::text[])",
  /* A lazy record has no stored entries: its creation ones, unless older
   * than $3 (they would have been pruned). */
  [PG_STMT_HISTORY_LIST] =
    "SELECT field, value, version, at, author FROM ("
    "SELECT field, value, version, at, author, seq FROM history WHERE company_id = $1::bigint "
    "UNION ALL SELECT z.field, z.value, z.version, k.created_at, k.created_by, z.n "
    "FROM company k CROSS JOIN LATERAL " CREATION_FIELDS " WHERE k.id = $1::bigint "
    "AND k.created_at IS NOT NULL AND k.created_at >= $3::bigint AND z.value <> '') e "
    "ORDER BY version DESC, seq LIMIT $2::bigint",
  /* Lazy creation entries need nothing: the history's read and their
   * storing leave out those older than the horizon. */
  [PG_STMT_HISTORY_PRUNE_AGE] = "DELETE FROM history WHERE at < $1::bigint",
  /* or, for a lazy record, its creation entry of that field */
  [PG_STMT_HISTORY_WRITER] =
    "(SELECT client_id, author, at FROM history WHERE company_id = $1::bigint "
    "AND field = $2::text AND version = $3::bigint ORDER BY seq DESC LIMIT 1) "
    "UNION ALL (SELECT k.created_client, k.created_by, k.created_at "
    "FROM company k CROSS JOIN LATERAL " CREATION_FIELDS " WHERE k.id = $1::bigint "
    "AND k.created_at IS NOT NULL AND z.field = $2::text AND z.version = $3::bigint "
    "AND z.value <> '') LIMIT 1",
  /* then the client's oldest beyond $11, and everyone's beyond $12 */
  [PG_STMT_REPLACED_ADD] =
    "WITH a AS (INSERT INTO replaced (client_id, company_id, uuid, field, lost, lost_version, "
    "current, current_version, author, at) VALUES ($1::text, $2::bigint, $3::text, $4::text, "
    "$5::text, $6::bigint, $7::text, $8::bigint, $9::text, $10::bigint) RETURNING seq), "
    "c AS (DELETE FROM replaced WHERE client_id = $1::text AND seq <= (SELECT seq FROM replaced "
    "WHERE client_id = $1::text ORDER BY seq DESC LIMIT 1 OFFSET $11::bigint - 1)) "
    "DELETE FROM replaced WHERE seq <= (SELECT seq FROM a) - $12::bigint",
  [PG_STMT_REPLACED_ACK] =
    "DELETE FROM replaced WHERE client_id = $1::text AND current_version <= $2::bigint",
  [PG_STMT_REPLACED_LIST] =
    "SELECT company_id, uuid, field, lost, lost_version, current, current_version, author, at "
    "FROM replaced WHERE client_id = $1::text AND current_version > $2::bigint "
    "AND current_version <= $3::bigint ORDER BY current_version, seq LIMIT $4::bigint",
  [PG_STMT_REPLACED_PRUNE_AGE] = "DELETE FROM replaced WHERE at < $1::bigint",
};


void
companies_server_postgres_params_text (PgParams   *params,
                                       const char *text)
{
  g_return_if_fail (params->n < PG_MAX_PARAMS);

  params->values[params->n++] = text;
}

void
companies_server_postgres_params_int (PgParams *params,
                                      gint64    value)
{
  g_return_if_fail (params->n < PG_MAX_PARAMS);

  g_snprintf (params->numbers[params->n], sizeof params->numbers[0],
              "%" G_GINT64_FORMAT, value);
  params->values[params->n] = params->numbers[params->n];
  params->n++;
}

static void
params_addv (PgParams   *params,
             const char *types,
             va_list     args)
{
  for (const char *type = types; *type != '\0'; type++)
    {
      if (*type == 'i')
        companies_server_postgres_params_int (params, va_arg (args, gint64));
      else if (*type == 't')
        companies_server_postgres_params_text (params, va_arg (args, const char *));
      else
        g_return_if_reached ();
    }
}

void
companies_server_postgres_params_add (PgParams   *params,
                                      const char *types,
                                      ...)
{
  va_list args;

  va_start (args, types);
  params_addv (params, types, args);
  va_end (args);
}

PGresult *
companies_server_postgres_query (CompaniesServerStorePostgres  *self,
                                 PgStmtId                       id,
                                 GError                       **error,
                                 const char                    *types,
                                 ...)
{
  PgParams params = { .n = 0 };
  va_list args;

  va_start (args, types);
  params_addv (&params, types, args);
  va_end (args);

  return companies_server_postgres_run (self, id, &params, error);
}

/* Commands succeed with no rows, queries with rows. */
PGresult *
companies_server_postgres_check_result (PGconn    *conn,
                                        PGresult  *result,
                                        GError   **error)
{
  ExecStatusType status = result != NULL ? PQresultStatus (result) : PGRES_FATAL_ERROR;

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      companies_server_postgres_set_error (conn, result, error);
      PQclear (result);
      return NULL;
    }

  return result;
}

const char *
companies_server_postgres_prepare (CompaniesServerStorePostgres  *self,
                                   PgStmtId                       id,
                                   GError                       **error)
{
  char *name = self->names[id];

  if (!self->prepared[id])
    {
      g_autoptr(PGresult) prepared = NULL;

      g_snprintf (name, sizeof self->names[id], "companies_%d", (int) id);
      /* Not inside a pipeline: prepared on its own, once a connection. */
      if (!companies_server_postgres_pipeline_flush (self, error))
        return NULL;
      prepared = companies_server_postgres_check_result (self->conn,
                                                         PQprepare (self->conn, name,
                                                                    statement_sql[id], 0, NULL),
                                                         error);
      if (prepared == NULL)
        return NULL;
      self->prepared[id] = TRUE;
    }

  return name;
}

/* Marks the connection broken when @error says the database is away. */
static gboolean
noted (CompaniesServerStorePostgres  *self,
       gboolean                       ok,
       GError                        *local_error,
       GError                       **error)
{
  if (!ok)
    {
      companies_server_postgres_note_failure (self, local_error);
      g_propagate_error (error, local_error);
    }

  return ok;
}

PGresult *
companies_server_postgres_run (CompaniesServerStorePostgres  *self,
                               PgStmtId                       id,
                               const PgParams                *params,
                               GError                       **error)
{
  GError *local_error = NULL;
  const char *name = companies_server_postgres_prepare (self, id, &local_error);
  PGresult *result = NULL;

  /* With what was sent before it and not yet answered: one round trip. */
  if (name != NULL)
    result = companies_server_postgres_pipeline_exec (self, name, NULL, params, &local_error);

  noted (self, result != NULL, local_error, error);
  return result;
}

gboolean
companies_server_postgres_send (CompaniesServerStorePostgres  *self,
                                PgPiped                        kind,
                                PgStmtId                       id,
                                const PgParams                *params,
                                GError                       **error)
{
  GError *local_error = NULL;
  const char *name = companies_server_postgres_prepare (self, id, &local_error);

  return noted (self,
                name != NULL &&
                companies_server_postgres_pipeline_send (self, kind, name, NULL, params,
                                                         &local_error),
                local_error, error);
}

gboolean
companies_server_postgres_send_command (CompaniesServerStorePostgres  *self,
                                        const char                    *sql,
                                        GError                       **error)
{
  GError *local_error = NULL;

  return noted (self,
                companies_server_postgres_pipeline_send (self, PG_PIPED_COMMAND, NULL, sql, NULL,
                                                         &local_error),
                local_error, error);
}

PGresult *
companies_server_postgres_command (PGconn      *conn,
                                   const char  *sql,
                                   GError     **error)
{
  return companies_server_postgres_check_result (conn,
                                                 PQexecParams (conn, sql, 0, NULL, NULL, NULL,
                                                               NULL, 0),
                                                 error);
}

gint64
companies_server_postgres_get_int (const PGresult *result,
                                   int             row,
                                   int             column)
{
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

CompaniesServerRecord *
companies_server_postgres_read_record (const PGresult *result,
                                       int             row)
{
  CompaniesServerRecord *record = companies_server_record_new ();
  CompaniesRecord *company = record->company;

  company->id = companies_server_postgres_get_int (result, row, 0);
  company->uuid = g_strndup (PQgetvalue (result, row, 1), PQgetlength (result, row, 1));
  company->version = companies_server_postgres_get_int (result, row, 2);
  record->deleted = PQgetvalue (result, row, 3)[0] == 't';
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (!record->deleted)
        company->values[i] = g_strndup (PQgetvalue (result, row, 4 + 2 * i),
                                        PQgetlength (result, row, 4 + 2 * i));
      record->field_versions[i] = companies_server_postgres_get_int (result, row, 5 + 2 * i);
    }

  return record;
}
