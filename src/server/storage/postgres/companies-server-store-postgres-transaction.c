/* companies-server-store-postgres-transaction.c: transactions of the
 * PostgreSQL store, its savepoint, and the server state they cache
 *
 * A writer's transaction starts by reading the server state's one row
 * FOR UPDATE: the writers of every server on the database take turns,
 * so versions commit in the order they were handed out and no cursor
 * ever passes a version that commits later (docs/postgresql.md, "Versions
 * commit in order"). Inside the turn, versions and ids are handed out
 * from memory and written back once, in the round trip of COMMIT. A
 * reader's transaction is REPEATABLE READ, READ ONLY: one snapshot, which
 * then holds a prefix of the versions. BEGIN, savepoints and releases are
 * sent without waiting, with the next statement (…-pipeline.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-store-postgres-private.h"

/* Runs a command without parameters after what was sent before it, in
 * one round trip; NULL with @error on failure. */
static PGresult *
command (CompaniesServerStorePostgres  *self,
         const char                    *sql,
         GError                       **error)
{
  GError *local_error = NULL;
  PGresult *result = companies_server_postgres_pipeline_exec (self, NULL, sql, NULL, &local_error);

  if (result == NULL)
    {
      companies_server_postgres_note_failure (self, local_error);
      g_propagate_error (error, local_error);
    }

  return result;
}

static gboolean
in_transaction (CompaniesServerStorePostgres *self)
{
  PGTransactionStatusType status = PQtransactionStatus (self->conn);

  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

/* A rollback (@sql) once every answer due was read: behind an earlier
 * failure in the same pipeline it would be aborted, not run. FALSE when
 * the transaction is not there to roll back, or the command failed. */
static gboolean
roll_back (CompaniesServerStorePostgres *self,
           const char                   *sql)
{
  g_autoptr(PGresult) result = NULL;

  companies_server_postgres_pipeline_flush (self, NULL);
  if (PQstatus (self->conn) != CONNECTION_OK || self->broken || !in_transaction (self))
    return FALSE;

  result = command (self, sql, NULL);
  return result != NULL;
}

/* Reads the state's row; the writer locks it for the rest of the
 * transaction. */
static gboolean
read_state (CompaniesServerStorePostgres  *self,
            CompaniesServerStoreState     *out_state,
            gint64                        *out_last_id,
            GError                       **error)
{
  g_autoptr(PGresult) result = NULL;

  result = companies_server_postgres_run (self,
                                          self->read_only ? PG_STMT_GET_STATE
                                                          : PG_STMT_LOCK_STATE,
                                          NULL, error);
  if (result == NULL)
    return FALSE;

  if (PQntuples (result) != 1)
    {
      g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                           COMPANIES_SERVER_STORE_ERROR_FAILED,
                           _("The database lacks its server state"));
      return FALSE;
    }

  out_state->last_version = companies_server_postgres_get_int (result, 0, 0);
  out_state->purge_horizon = companies_server_postgres_get_int (result, 0, 1);
  *out_last_id = companies_server_postgres_get_int (result, 0, 2);
  return TRUE;
}

/* BEGIN and the state's row in one round trip. The writer takes its turn
 * at once, outside any savepoint: a row lock taken inside one would go
 * with its rollback. A reader's snapshot then holds the state its pages
 * are read with. */
static gboolean
start (CompaniesServerStorePostgres  *self,
       GError                       **error)
{
  const char *begin = self->read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                                       : "BEGIN";

  return companies_server_postgres_send_command (self, begin, error) &&
         read_state (self, &self->state, &self->last_id, error);
}

gboolean
companies_server_postgres_begin (CompaniesServerStore  *store,
                                 GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  g_autoptr(GError) local_error = NULL;

  self->state_cached = FALSE;
  self->state_dirty = FALSE;
  self->lost = FALSE;
  g_clear_pointer (&self->new_uuids, g_hash_table_unref);
  companies_server_postgres_adds_clear (self);

  /* A connection that broke while idle (the database restarted) is
   * found out by its first command: connect again at once, so that the
   * first request after an outage is served. */
  if (!companies_server_postgres_ensure_conn (self, error))
    return FALSE;
  if (!start (self, &local_error))
    {
      companies_server_postgres_rollback (store);
      if (!self->broken)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      self->last_connect_attempt = 0;
      if (!companies_server_postgres_ensure_conn (self, error) || !start (self, error))
        {
          companies_server_postgres_rollback (store);
          return FALSE;
        }
    }

  self->state_cached = TRUE;
  return TRUE;
}

gboolean
companies_server_postgres_commit (CompaniesServerStore  *store,
                                  GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  g_autoptr(PGresult) result = NULL;

  /* The versions and ids handed out, written back in the same round trip
   * as COMMIT. */
  if (self->state_dirty)
    {
      PgParams params = { .n = 0 };

      companies_server_postgres_params_int (&params, self->state.last_version);
      companies_server_postgres_params_int (&params, self->last_id);
      if (!companies_server_postgres_send (self, PG_PIPED_COMMAND, PG_STMT_SET_STATE, &params,
                                           error))
        return FALSE;
      self->state_dirty = FALSE;
    }

  result = command (self, "COMMIT", error);
  if (result == NULL)
    return FALSE;

  /* COMMIT of a failed transaction succeeds, and rolls it back. */
  if (strcmp (PQcmdStatus (result), "COMMIT") != 0)
    {
      g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                           COMPANIES_SERVER_STORE_ERROR_FAILED,
                           _("The transaction failed and was rolled back"));
      return FALSE;
    }

  self->state_cached = FALSE;
  return TRUE;
}

void
companies_server_postgres_rollback (CompaniesServerStore *store)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;

  self->state_cached = FALSE;
  self->state_dirty = FALSE;
  g_clear_pointer (&self->new_uuids, g_hash_table_unref);
  companies_server_postgres_adds_clear (self);

  roll_back (self, "ROLLBACK");
  self->lost = FALSE;
}

gboolean
companies_server_postgres_savepoint (CompaniesServerStore  *store,
                                     GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;

  /* Sent with the request's first statement. */
  if (!companies_server_postgres_send_command (self, "SAVEPOINT request", error))
    return FALSE;

  self->saved_state = self->state;
  self->saved_last_id = self->last_id;
  self->saved_state_dirty = self->state_dirty;
  return TRUE;
}

gboolean
companies_server_postgres_release (CompaniesServerStore  *store,
                                   GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  GError *local_error = NULL;

  /* The request's writes are answered inside its savepoint, so that a
   * failed one is undone with its request alone. */
  if (companies_server_postgres_pipeline_busy (self, TRUE) &&
      !companies_server_postgres_pipeline_flush (self, &local_error))
    {
      companies_server_postgres_note_failure (self, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  /* Sent with the next request's first statement, or with COMMIT. */
  return companies_server_postgres_send_command (self, "RELEASE request", error);
}

gboolean
companies_server_postgres_rollback_to (CompaniesServerStore *store)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;

  g_clear_pointer (&self->new_uuids, g_hash_table_unref);
  companies_server_postgres_adds_clear (self);

  /* A lost connection, or a command that failed (…-pipeline.c), takes the
   * whole transaction with it. */
  companies_server_postgres_pipeline_flush (self, NULL);
  if (self->lost || !roll_back (self, "ROLLBACK TO request") ||
      !companies_server_postgres_send_command (self, "RELEASE request", NULL))
    return FALSE;

  self->state = self->saved_state;
  self->last_id = self->saved_last_id;
  self->state_dirty = self->saved_state_dirty;
  return TRUE;
}

gboolean
companies_server_postgres_get_state (CompaniesServerStore       *store,
                                     CompaniesServerStoreState  *out_state,
                                     GError                    **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  gint64 last_id;

  if (self->state_cached)
    {
      *out_state = self->state;
      return TRUE;
    }

  /* A reader's snapshot, or the writer outside a transaction. */
  return read_state (self, out_state, &last_id, error);
}

gboolean
companies_server_postgres_next_version (CompaniesServerStore  *store,
                                        gint64                *out_version,
                                        GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;

  g_return_val_if_fail (!self->read_only && self->state_cached, FALSE);

  *out_version = ++self->state.last_version;
  self->state_dirty = TRUE;
  return TRUE;
}
