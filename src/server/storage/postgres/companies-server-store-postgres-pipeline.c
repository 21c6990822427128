/* companies-server-store-postgres-pipeline.c: the adds of a request sent
 * without waiting for each answer (libpq's pipeline mode)
 *
 * A push of thousands of new records would otherwise wait one round trip
 * an add. Before a request's adds, the store looks all their uuids up in
 * one query (expect_adds); an add whose uuid was not there is then sent
 * in a pipeline and counted as inserted. That is sure because the writer
 * holds its turn (docs/postgresql.md, "Versions commit in order"): no
 * other server inserts meanwhile, and this transaction's own earlier
 * inserts are flushed before the query. The answers are read every
 * PIPELINE_BATCH adds and before any other statement; one that is not
 * "one row inserted" fails the transaction, so nothing wrong is
 * acknowledged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-store-postgres-private.h"

/* Adds sent before their answers are read: their answers (a few bytes
 * each) must fit the socket's buffers, or both sides would wait. */
#define PIPELINE_BATCH 256
/* Fewer adds than this are inserted one by one: the look-up would cost
 * as much as it saves. */
#define MIN_EXPECTED   4

/* {"uuid","uuid",…}: a text[] literal. */
static char *
array_literal (const char * const *uuids,
               guint               n_uuids)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; i < n_uuids; i++)
    {
      g_string_append (text, i > 0 ? ",\"" : "\"");
      for (const char *p = uuids[i]; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *p);
        }
      g_string_append_c (text, '"');
    }
  g_string_append_c (text, '}');

  return g_string_free (text, FALSE);
}

gboolean
companies_server_postgres_expect_adds (CompaniesServerStore  *store,
                                       const char * const    *uuids,
                                       guint                  n_uuids,
                                       GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *literal = NULL;
  PgParams params = { .n = 0 };
  int n_found;

  g_clear_pointer (&self->new_uuids, g_hash_table_unref);
  if (self->read_only || !self->state_cached || n_uuids < MIN_EXPECTED)
    return TRUE;

  literal = array_literal (uuids, n_uuids);
  companies_server_postgres_params_text (&params, literal);
  result = companies_server_postgres_run (self, PG_STMT_FIND_UUIDS, &params, error);
  if (result == NULL)
    return FALSE;

  self->new_uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n_uuids; i++)
    g_hash_table_add (self->new_uuids, g_strdup (uuids[i]));
  n_found = PQntuples (result);
  for (int i = 0; i < n_found; i++)
    g_hash_table_remove (self->new_uuids, PQgetvalue (result, i, 0));

  return TRUE;
}

gboolean
companies_server_postgres_pipeline_takes (CompaniesServerStorePostgres *self,
                                          const char                   *uuid)
{
  return self->new_uuids != NULL && g_hash_table_remove (self->new_uuids, uuid);
}

/* Reads one answer of the pipeline; an add must have inserted one row. */
static gboolean
read_add (CompaniesServerStorePostgres  *self,
          GError                       **error)
{
  gboolean ok = TRUE;
  PGresult *result;

  while ((result = PQgetResult (self->conn)) != NULL)
    {
      if (ok && (PQresultStatus (result) != PGRES_COMMAND_OK ||
                 strcmp (PQcmdTuples (result), "1") != 0))
        {
          if (PQresultStatus (result) == PGRES_COMMAND_OK ||
              PQresultStatus (result) == PGRES_PIPELINE_ABORTED)
            g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                                 COMPANIES_SERVER_STORE_ERROR_FAILED,
                                 _("The transaction failed and was rolled back"));
          else
            companies_server_postgres_set_error (self->conn, result, error);
          ok = FALSE;
        }
      PQclear (result);
      if (PQstatus (self->conn) != CONNECTION_OK)
        break;
    }

  return ok;
}

gboolean
companies_server_postgres_pipeline_flush (CompaniesServerStorePostgres  *self,
                                          GError                       **error)
{
  GError *local_error = NULL;
  guint pending = self->pipelined;
  PGresult *sync;

  if (PQpipelineStatus (self->conn) == PQ_PIPELINE_OFF)
    return TRUE;

  self->pipelined = 0;
  if (!PQpipelineSync (self->conn))
    companies_server_postgres_set_error (self->conn, NULL, &local_error);

  for (guint i = 0; i < pending && local_error == NULL; i++)
    read_add (self, &local_error);

  /* The answer to the sync itself. */
  if (local_error == NULL)
    {
      sync = PQgetResult (self->conn);
      if (sync == NULL || PQresultStatus (sync) != PGRES_PIPELINE_SYNC)
        companies_server_postgres_set_error (self->conn, sync, &local_error);
      PQclear (sync);
    }

  if (!PQexitPipelineMode (self->conn) && local_error == NULL)
    companies_server_postgres_set_error (self->conn, NULL, &local_error);

  if (local_error != NULL)
    {
      /* What is left of the pipeline goes with the connection. */
      self->broken = TRUE;
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

gboolean
companies_server_postgres_pipeline_insert (CompaniesServerStorePostgres  *self,
                                           const PgParams                *params,
                                           GError                       **error)
{
  const char *name = companies_server_postgres_prepare (self, PG_STMT_INSERT, error);

  if (name == NULL)
    return FALSE;

  if (PQpipelineStatus (self->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode (self->conn))
    return companies_server_postgres_set_error (self->conn, NULL, error);

  if (!PQsendQueryPrepared (self->conn, name, params->n, params->values, NULL, NULL, 0))
    {
      self->broken = TRUE;
      return companies_server_postgres_set_error (self->conn, NULL, error);
    }

  self->pipelined++;
  if (self->pipelined >= PIPELINE_BATCH)
    return companies_server_postgres_pipeline_flush (self, error);

  return TRUE;
}
