/* companies-server-import.c: writes records as they are into an empty
 * PostgreSQL database of companies-server
 *
 * Everything happens in one transaction: the server_state row is locked
 * first (every writer takes that lock, docs/postgresql.md), the target is
 * checked empty, the records and then the field history go in through
 * COPY, the state gets the source's identity and counters, and COMMIT
 * makes it all visible at once.
 * Any failure rolls back to the empty database.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "companies-server-import.h"

#define COPY_FLUSH_BYTES (256 * 1024)

struct _CompaniesServerImport
{
  PGconn   *conn;
  GString  *buffer;     /* COPY text not sent yet */
  gboolean  in_history; /* the COPY of the records ended, that of history began */
  gboolean  committed;
};

static gboolean
fail (PGconn      *conn,
      PGresult    *result,
      GError     **error)
{
  const char *message = result != NULL ? PQresultErrorMessage (result) : PQerrorMessage (conn);
  g_autofree char *text = g_strstrip (g_strdup (message));

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("The PostgreSQL database refused the import: %s"), text);
  if (result != NULL)
    PQclear (result);
  return FALSE;
}

/* Runs @sql with @params (text, NULL-terminated list of @n_params);
 * returns the result when it has the status @expected. */
static PGresult *
run (PGconn              *conn,
     const char          *sql,
     int                  n_params,
     const char * const  *params,
     ExecStatusType       expected,
     GError             **error)
{
  PGresult *result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (result) != expected)
    {
      fail (conn, result, error);
      return NULL;
    }

  return result;
}

/* A number the query @sql returns. */
static gboolean
query_int (PGconn      *conn,
           const char  *sql,
           gint64      *out_value,
           GError     **error)
{
  PGresult *result = run (conn, sql, 0, NULL, PGRES_TUPLES_OK, error);

  if (result == NULL)
    return FALSE;
  *out_value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return TRUE;
}

/* Runs @sql, which must end with the status @expected. */
static gboolean
run_expecting (PGconn          *conn,
               const char      *sql,
               ExecStatusType   expected,
               GError         **error)
{
  PGresult *result = run (conn, sql, 0, NULL, expected, error);

  if (result == NULL)
    return FALSE;
  PQclear (result);
  return TRUE;
}

CompaniesServerImport *
companies_server_import_begin (const char  *uri,
                               GError     **error)
{
  g_autoptr(CompaniesServerImport) self = g_new0 (CompaniesServerImport, 1);
  gint64 n_records, n_history, last_version, last_id;

  self->buffer = g_string_new (NULL);
  self->conn = PQconnectdb (uri);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      fail (self->conn, NULL, error);
      return NULL;
    }

  /* the lock every writer takes first: no server writes meanwhile */
  if (!run_expecting (self->conn, "BEGIN", PGRES_COMMAND_OK, error) ||
      !run_expecting (self->conn, "SELECT 1 FROM server_state WHERE singleton = 1 FOR UPDATE",
                      PGRES_TUPLES_OK, error))
    return NULL;

  if (!query_int (self->conn, "SELECT count(*) FROM company", &n_records, error) ||
      !query_int (self->conn, "SELECT count(*) FROM history", &n_history, error) ||
      !query_int (self->conn, "SELECT last_version FROM server_state", &last_version, error) ||
      !query_int (self->conn, "SELECT last_id FROM server_state", &last_id, error))
    return NULL;

  if (n_records != 0 || n_history != 0 || last_version != 0 || last_id != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("The PostgreSQL database is in use already (%lld records, version %lld); "
                     "migrate into an empty one"),
                   (long long) n_records, (long long) last_version);
      return NULL;
    }

  if (!run_expecting (self->conn, "COPY company (" COMPANIES_SERVER_IMPORT_COLUMNS ") FROM STDIN",
                      PGRES_COPY_IN, error))
    return NULL;

  return g_steal_pointer (&self);
}

static gboolean
send_buffer (CompaniesServerImport  *self,
             GError                **error)
{
  if (self->buffer->len > 0 &&
      PQputCopyData (self->conn, self->buffer->str, (int) self->buffer->len) != 1)
    return fail (self->conn, NULL, error);

  g_string_truncate (self->buffer, 0);
  return TRUE;
}

/* COPY's text format: a backslash and the separators are escaped. */
static void
append_copy_value (GString    *buffer,
                   const char *value)
{
  if (value == NULL)
    {
      g_string_append (buffer, "\\N");
      return;
    }

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\\')
        g_string_append (buffer, "\\\\");
      else if (*p == '\t')
        g_string_append (buffer, "\\t");
      else if (*p == '\n')
        g_string_append (buffer, "\\n");
      else if (*p == '\r')
        g_string_append (buffer, "\\r");
      else
        g_string_append_c (buffer, *p);
    }
}

/* One row of the COPY under way, @n_columns texts. */
static gboolean
append_row (CompaniesServerImport  *self,
            const char * const     *values,
            guint                   n_columns,
            GError                **error)
{
  for (guint i = 0; i < n_columns; i++)
    {
      if (i > 0)
        g_string_append_c (self->buffer, '\t');
      append_copy_value (self->buffer, values[i]);
    }
  g_string_append_c (self->buffer, '\n');

  if (self->buffer->len >= COPY_FLUSH_BYTES)
    return send_buffer (self, error);

  return TRUE;
}

gboolean
companies_server_import_record (CompaniesServerImport  *self,
                                const char * const     *values,
                                GError                **error)
{
  g_return_val_if_fail (self != NULL && !self->committed && !self->in_history, FALSE);
  g_return_val_if_fail (values != NULL, FALSE);

  return append_row (self, values, COMPANIES_SERVER_IMPORT_N_COLUMNS, error);
}

static gboolean
end_copy (CompaniesServerImport  *self,
          GError                **error)
{
  PGresult *result;

  if (!send_buffer (self, error))
    return FALSE;
  if (PQputCopyEnd (self->conn, NULL) != 1)
    return fail (self->conn, NULL, error);

  result = PQgetResult (self->conn);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    return fail (self->conn, result, error);
  PQclear (result);

  /* the end of the COPY's results */
  while ((result = PQgetResult (self->conn)) != NULL)
    PQclear (result);

  return TRUE;
}

gboolean
companies_server_import_history (CompaniesServerImport  *self,
                                 const char * const     *values,
                                 GError                **error)
{
  g_return_val_if_fail (self != NULL && !self->committed, FALSE);
  g_return_val_if_fail (values != NULL, FALSE);

  /* the records are all in: the same transaction goes on with history */
  if (!self->in_history)
    {
      if (!end_copy (self, error) ||
          !run_expecting (self->conn,
                          "COPY history (" COMPANIES_SERVER_IMPORT_HISTORY_COLUMNS ") FROM STDIN",
                          PGRES_COPY_IN, error))
        return FALSE;
      self->in_history = TRUE;
    }

  return append_row (self, values, COMPANIES_SERVER_IMPORT_HISTORY_N_COLUMNS, error);
}

gboolean
companies_server_import_commit (CompaniesServerImport             *self,
                                const CompaniesServerImportState  *state,
                                gint64                             n_records,
                                gint64                             n_history,
                                GError                           **error)
{
  char numbers[4][24];
  const char *params[5];
  PGresult *result;
  gint64 n_imported;

  g_return_val_if_fail (self != NULL && !self->committed, FALSE);
  g_return_val_if_fail (state != NULL && state->database_uuid != NULL, FALSE);

  if (!end_copy (self, error))
    return FALSE;

  g_snprintf (numbers[0], sizeof numbers[0], "%" G_GINT64_FORMAT, state->last_version);
  g_snprintf (numbers[1], sizeof numbers[1], "%" G_GINT64_FORMAT, state->purge_horizon);
  g_snprintf (numbers[2], sizeof numbers[2], "%" G_GINT64_FORMAT, state->last_id);
  g_snprintf (numbers[3], sizeof numbers[3], "%" G_GINT64_FORMAT, state->created_at);
  params[0] = state->database_uuid;
  for (guint i = 0; i < 4; i++)
    params[i + 1] = numbers[i];

  result = run (self->conn,
                "UPDATE server_state SET database_uuid = $1, last_version = $2, "
                "purge_horizon = $3, last_id = $4, created_at = $5 WHERE singleton = 1",
                5, params, PGRES_COMMAND_OK, error);
  if (result == NULL)
    return FALSE;
  PQclear (result);

  if (!query_int (self->conn, "SELECT count(*) FROM company", &n_imported, error))
    return FALSE;
  if (n_imported != n_records)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%lld records were read, but %lld arrived in the PostgreSQL database"),
                   (long long) n_records, (long long) n_imported);
      return FALSE;
    }

  if (!query_int (self->conn, "SELECT count(*) FROM history", &n_imported, error))
    return FALSE;
  if (n_imported != n_history)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%lld history entries were read, but %lld arrived in the PostgreSQL "
                     "database"),
                   (long long) n_history, (long long) n_imported);
      return FALSE;
    }

  if (!run_expecting (self->conn, "COMMIT", PGRES_COMMAND_OK, error))
    return FALSE;

  self->committed = TRUE;
  return TRUE;
}

void
companies_server_import_free (CompaniesServerImport *self)
{
  if (self == NULL)
    return;

  /* closing the connection rolls back what was not committed */
  if (self->conn != NULL)
    PQfinish (self->conn);
  g_string_free (self->buffer, TRUE);
  g_free (self);
}
