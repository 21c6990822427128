/* companies-server-store-postgres-pipeline.c: statements sent without
 * waiting for their answers (libpq's pipeline mode), read with the answer
 * of the next statement whose result is needed: one round trip for all
 *
 * A sync of one change would otherwise wait for a round trip a statement
 * (BEGIN, the lock, a savepoint, the lookup, the update, the page, the
 * release, the counter, COMMIT), and each round trip is two context
 * switches, which on a busy machine cost more than the statements. What
 * the store does not need an answer to is sent at once and answered later:
 *
 *  - commands (BEGIN, SAVEPOINT, RELEASE, the counter's write): they must
 *    succeed. One that fails takes the transaction with it (the store
 *    says so to rollback_to ()): a RELEASE that failed would leave an
 *    earlier request's savepoint, whose rollback would undo a request
 *    already answered.
 *  - writes of the current request (adds, updates, tombstones): each must
 *    change exactly one row, or the request fails. They are always read
 *    before the request's savepoint is released (release () reads them
 *    first), so a failure is undone with its own request only.
 *
 * A statement whose result is needed then goes last into the pipeline, and
 * the answers are read in order: the earlier ones checked, then its own.
 * An earlier failure aborts what follows it (PGRES_PIPELINE_ABORTED); the
 * first failure is the one reported. A rollback is never sent behind
 * unread answers (an aborted ROLLBACK would leave the transaction open):
 * the pipeline is read first.
 *
 * Adds: before a request's adds, the store looks all their uuids up in one
 * query (expect_adds); an add whose uuid was not there is then sent in the
 * pipeline. That is sure because the writer holds its turn
 * (docs/postgresql.md, "Versions commit in order"): no other server
 * inserts meanwhile. The answers are read every PIPELINE_BATCH items.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-store-postgres-private.h"

/* Items sent before their answers are read: the answers (a few bytes
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

/* Says whether @result is what an item of @kind must answer; sets @error
 * when not. */
static gboolean
check_item (CompaniesServerStorePostgres  *self,
            const PgPipedItem             *item,
            const PGresult                *result,
            GError                       **error)
{
  ExecStatusType status = PQresultStatus (result);
  PgPiped kind = item->kind;

  if (status == PGRES_PIPELINE_ABORTED)
    {
      g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                           COMPANIES_SERVER_STORE_ERROR_FAILED,
                           _("The transaction failed and was rolled back"));
      return FALSE;
    }

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return companies_server_postgres_set_error (self->conn, result, error);

  if (kind != PG_PIPED_COMMAND &&
      g_ascii_strtoull (PQcmdTuples ((PGresult *) result), NULL, 10) != item->rows)
    {
      g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                           COMPANIES_SERVER_STORE_ERROR_FAILED,
                           kind == PG_PIPED_CHANGE ? _("The record to change is no longer there")
                                                   : _("The transaction failed and was rolled back"));
      return FALSE;
    }

  return TRUE;
}

/* The result(s) of the next statement of the pipeline, up to the NULL
 * that ends them; the first kept. NULL when the connection failed. */
static PGresult *
next_result (CompaniesServerStorePostgres *self)
{
  PGresult *first = NULL;
  PGresult *result;

  while ((result = PQgetResult (self->conn)) != NULL)
    {
      if (first == NULL)
        first = result;
      else
        PQclear (result);
      if (PQstatus (self->conn) != CONNECTION_OK)
        break;
    }

  return first;
}

/* Sends a sync, reads the answer of every item sent, then (with
 * @out_last) the one of the statement sent after them, and leaves
 * pipeline mode. FALSE with @error for the first failure. */
static gboolean
finish (CompaniesServerStorePostgres  *self,
        PGresult                     **out_last,
        GError                       **error)
{
  GError *local_error = NULL;
  g_autoptr(PGresult) last = NULL;
  guint n_items = self->piped->len;
  PGresult *sync;

  if (!PQpipelineSync (self->conn))
    companies_server_postgres_set_error (self->conn, NULL, &local_error);

  for (guint i = 0; i <= n_items && local_error == NULL; i++)
    {
      g_autoptr(PGresult) result = NULL;

      if (i == n_items && out_last == NULL)
        break;

      result = next_result (self);
      if (result == NULL)
        {
          companies_server_postgres_set_error (self->conn, NULL, &local_error);
          break;
        }

      if (i == n_items)
        last = g_steal_pointer (&result);
      else if (!check_item (self, &g_array_index (self->piped, PgPipedItem, i), result,
                            &local_error))
        {
          /* A command's failure takes the transaction with it. */
          self->lost = self->lost ||
                       g_array_index (self->piped, PgPipedItem, i).kind == PG_PIPED_COMMAND;
          /* The rest was aborted: read, and dropped. */
          for (i++; i < n_items + (out_last != NULL) && PQstatus (self->conn) == CONNECTION_OK; i++)
            PQclear (next_result (self));
        }
    }

  /* The answer to the sync itself. */
  if (PQstatus (self->conn) == CONNECTION_OK)
    {
      sync = PQgetResult (self->conn);
      if ((sync == NULL || PQresultStatus (sync) != PGRES_PIPELINE_SYNC) && local_error == NULL)
        companies_server_postgres_set_error (self->conn, sync, &local_error);
      PQclear (sync);
    }

  g_array_set_size (self->piped, 0);
  if (!PQexitPipelineMode (self->conn) && local_error == NULL)
    companies_server_postgres_set_error (self->conn, NULL, &local_error);

  if (local_error == NULL && out_last != NULL)
    {
      ExecStatusType status = PQresultStatus (last);

      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        companies_server_postgres_set_error (self->conn, last, &local_error);
    }

  if (local_error != NULL)
    {
      if (PQstatus (self->conn) != CONNECTION_OK ||
          PQpipelineStatus (self->conn) != PQ_PIPELINE_OFF)
        self->broken = TRUE;
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (out_last != NULL)
    *out_last = g_steal_pointer (&last);
  return TRUE;
}

gboolean
companies_server_postgres_pipeline_flush (CompaniesServerStorePostgres  *self,
                                          GError                       **error)
{
  if (!companies_server_postgres_adds_send (self, error))
    return FALSE;
  if (PQpipelineStatus (self->conn) == PQ_PIPELINE_OFF)
    return TRUE;

  return finish (self, NULL, error);
}

gboolean
companies_server_postgres_pipeline_busy (CompaniesServerStorePostgres *self,
                                         gboolean                      writes_only)
{
  if (self->n_adds > 0)
    return TRUE;
  if (!writes_only)
    return self->piped->len > 0;

  for (guint i = 0; i < self->piped->len; i++)
    if (g_array_index (self->piped, PgPipedItem, i).kind != PG_PIPED_COMMAND)
      return TRUE;

  return FALSE;
}

/* Sends prepared @name, or else @sql, with @params (may be NULL). */
static gboolean
send_one (CompaniesServerStorePostgres  *self,
          const char                    *name,
          const char                    *sql,
          const PgParams                *params,
          GError                       **error)
{
  int n = params != NULL ? params->n : 0;
  const char * const *values = params != NULL ? params->values : NULL;
  int sent;

  if (name != NULL)
    sent = PQsendQueryPrepared (self->conn, name, n, values, NULL, NULL, 0);
  else
    sent = PQsendQueryParams (self->conn, sql, n, NULL, values, NULL, NULL, 0);

  if (!sent)
    {
      self->broken = TRUE;
      return companies_server_postgres_set_error (self->conn, NULL, error);
    }

  return TRUE;
}

/* Sends an item in pipeline mode. */
static gboolean
send_item (CompaniesServerStorePostgres  *self,
           PgPiped                        kind,
           guint                          rows,
           const char                    *name,
           const char                    *sql,
           const PgParams                *params,
           GError                       **error)
{
  PgPipedItem item = { kind, rows };

  if (PQpipelineStatus (self->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode (self->conn))
    return companies_server_postgres_set_error (self->conn, NULL, error);

  if (!send_one (self, name, sql, params, error))
    return FALSE;

  g_array_append_val (self->piped, item);
  if (self->piped->len >= PIPELINE_BATCH)
    return finish (self, NULL, error);

  return TRUE;
}

gboolean
companies_server_postgres_pipeline_send (CompaniesServerStorePostgres  *self,
                                         PgPiped                        kind,
                                         const char                    *name,
                                         const char                    *sql,
                                         const PgParams                *params,
                                         GError                       **error)
{
  /* In the order they were made: the adds kept first. */
  return companies_server_postgres_adds_send (self, error) &&
         send_item (self, kind, 1, name, sql, params, error);
}

gboolean
companies_server_postgres_pipeline_send_rows (CompaniesServerStorePostgres  *self,
                                              PgPiped                        kind,
                                              guint                          rows,
                                              const char                    *name,
                                              const PgParams                *params,
                                              GError                       **error)
{
  return send_item (self, kind, rows, name, NULL, params, error);
}

PGresult *
companies_server_postgres_pipeline_exec (CompaniesServerStorePostgres  *self,
                                         const char                    *name,
                                         const char                    *sql,
                                         const PgParams                *params,
                                         GError                       **error)
{
  PGresult *result = NULL;

  if (!companies_server_postgres_adds_send (self, error))
    return NULL;

  /* Nothing waiting: a plain round trip. */
  if (PQpipelineStatus (self->conn) == PQ_PIPELINE_OFF)
    {
      int n = params != NULL ? params->n : 0;
      const char * const *values = params != NULL ? params->values : NULL;

      if (name != NULL)
        result = PQexecPrepared (self->conn, name, n, values, NULL, NULL, 0);
      else
        result = PQexecParams (self->conn, sql, n, NULL, values, NULL, NULL, 0);

      return companies_server_postgres_check_result (self->conn, result, error);
    }

  if (!send_one (self, name, sql, params, error) || !finish (self, &result, error))
    return NULL;

  return result;
}
