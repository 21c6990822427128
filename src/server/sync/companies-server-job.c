/* companies-server-job.c: one request as the worker handles it: decoded
 * off the writer, applied with the others that queued meanwhile in one
 * transaction (a group commit), answered after the COMMIT.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-protocol.h"
#include "companies-server-job.h"
#include "companies-server-sync.h"

/* Seconds a client is asked to wait when the database does not answer. */
#define UNAVAILABLE_RETRY_AFTER 2

void
companies_server_job_free (CompaniesServerJob *job)
{
  g_clear_pointer (&job->body, g_bytes_unref);
  g_clear_pointer (&job->request, companies_sync_request_free);
  g_clear_pointer (&job->reply.body, g_bytes_unref);
  g_free (job->who);
  if (job->destroy != NULL)
    job->destroy (job->user_data);
  g_free (job);
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
set_error_reply (CompaniesServerReply *reply,
                 guint                 status,
                 const char           *code,
                 const char           *message,
                 const char           *path)
{
  reply->status = status;
  reply->body = companies_error_body_encode (code, message, path);
}

void
companies_server_job_fail (CompaniesServerJob *job,
                           const GError       *error,
                           const char         *path)
{
  if (error->domain == COMPANIES_PROTOCOL_ERROR)
    {
      set_error_reply (&job->reply, companies_protocol_error_status (error->code),
                       companies_protocol_error_code_name (error->code),
                       error->message, path);
      return;
    }

  /* The details are for the operator, not the client. */
  g_printerr (_("A sync failed and was rolled back: %s\n"), error->message);
  if (g_error_matches (error, COMPANIES_SERVER_STORE_ERROR,
                       COMPANIES_SERVER_STORE_ERROR_UNAVAILABLE))
    {
      /* The database is down or restarting: the server reconnects by
       * itself (docs/postgresql.md, "Outages"). */
      set_error_reply (&job->reply, 503, "unavailable",
                       _("The server cannot reach its database; nothing was applied. "
                         "Try again in a moment."),
                       NULL);
      job->reply.retry_after = UNAVAILABLE_RETRY_AFTER;
    }
  else if (g_error_matches (error, COMPANIES_SERVER_STORE_ERROR, COMPANIES_SERVER_STORE_ERROR_FULL))
    set_error_reply (&job->reply, 500, "internal",
                     _("The server has no room left to store the changes; nothing was "
                       "applied. Try again later."),
                     NULL);
  else
    set_error_reply (&job->reply, 500, "internal",
                     _("The server failed to store the changes; nothing was applied. Try again later."),
                     NULL);
}

/* Decodes the job's body and reads its cursor; on failure the job has its
 * error reply, and nothing of it reaches the store. */
gboolean
companies_server_job_decode (CompaniesServerJob *job)
{
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (job->body, &length);

  request = companies_sync_request_decode (data != NULL ? data : "", length, &path, &error);
  if (request == NULL)
    {
      CompaniesProtocolError code = COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST;

      if (error->domain == COMPANIES_PROTOCOL_ERROR)
        code = error->code;
      set_error_reply (&job->reply, companies_protocol_error_status (code),
                       companies_protocol_error_code_name (code), error->message, path);
      return FALSE;
    }

  job->reply.changes_in = request->added->len + request->updated->len + request->deleted->len;

  /* A read-only token may pull, never push: refused whole, before any
   * transaction. */
  if (job->read_only && job->reply.changes_in > 0)
    {
      set_error_reply (&job->reply, 403, "read_only",
                       _("This access token is read-only: it may pull but not push "
                         "changes; nothing was applied"),
                       NULL);
      return FALSE;
    }

  if (!companies_server_sync_read_cursor (request, &job->cursor, &job->has_cursor,
                                          &path, &error))
    {
      companies_server_job_fail (job, error, path);
      return FALSE;
    }

  request->want_replaced = job->want_replaced;
  request->want_created = job->want_created;
  job->request = g_steal_pointer (&request);
  return TRUE;
}

static void
set_response_reply (CompaniesServerJob          *job,
                    const CompaniesSyncResponse *response)
{
  job->reply.status = 200;
  job->reply.body = companies_sync_response_encode (response);
  job->reply.changes_out = response->companies->len + response->deleted->len +
                           response->created->len;
}

static void
clear_reply (CompaniesServerJob *job)
{
  g_clear_pointer (&job->reply.body, g_bytes_unref);
  job->reply.status = 0;
  job->reply.changes_out = 0;
  job->reply.retry_after = 0;
}

static CompaniesSyncResponse *
apply_request (CompaniesServerStore  *store,
               CompaniesServerJob    *job,
               GError               **error)
{
  return companies_server_sync_apply (store, job->request,
                                      job->has_cursor ? &job->cursor : NULL,
                                      now_unix (), job->who, error);
}

/* One request of a group of several, in a savepoint of its own: on
 * failure only its work is undone, unless the failure took the whole
 * transaction with it (*out_lost). */
static CompaniesSyncResponse *
apply_in_savepoint (CompaniesServerStore  *store,
                    CompaniesServerJob    *job,
                    gboolean              *out_lost,
                    GError               **error)
{
  g_autoptr(CompaniesSyncResponse) response = NULL;

  *out_lost = FALSE;

  if (companies_server_store_savepoint (store, error))
    {
      response = apply_request (store, job, error);
      if (response != NULL && !companies_server_store_release (store, error))
        g_clear_pointer (&response, companies_sync_response_free);
    }

  if (response == NULL)
    *out_lost = !companies_server_store_rollback_to (store);

  return g_steal_pointer (&response);
}

/* The requests of @jobs in ONE transaction of @store, with one COMMIT (one
 * fsync) for all of them: a group commit. Every reply is delivered after
 * the COMMIT, so an acknowledged write is durable.
 *
 * In a group of several, a request that fails is undone alone (its
 * savepoint) and answered with its error. FALSE when the transaction
 * cannot be kept (for a group of one: when its request failed; for
 * several: a failure that rolled it all back, a failed COMMIT): it is
 * rolled back, and no reply of the group stands. */
static gboolean
apply_group (CompaniesServerStore  *store,
             CompaniesServerJob   **jobs,
             guint                  n_jobs,
             gint64                *inout_version,
             GError               **error)
{
  CompaniesServerStoreState state = { 0, };

  if (!companies_server_store_begin (store, error))
    return FALSE;

  for (guint i = 0; i < n_jobs; i++)
    {
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(GError) request_error = NULL;
      gboolean lost = FALSE;

      if (n_jobs == 1)
        {
          response = apply_request (store, jobs[i], error);
          lost = response == NULL;
        }
      else
        {
          response = apply_in_savepoint (store, jobs[i], &lost, &request_error);
        }

      if (lost)
        {
          companies_server_store_rollback (store);
          return FALSE;
        }

      if (response == NULL)
        companies_server_job_fail (jobs[i], request_error, NULL);
      else
        set_response_reply (jobs[i], response);
    }

  /* the version this COMMIT makes the newest, for the change feed (a
   * pull raises none) */
  for (guint i = 0; i < n_jobs && state.last_version == 0; i++)
    if (jobs[i]->reply.changes_in > 0 &&
        !companies_server_store_get_state (store, &state, NULL))
      break;

  if (!companies_server_store_commit (store, error))
    {
      companies_server_store_rollback (store);
      return FALSE;
    }

  *inout_version = MAX (*inout_version, state.last_version);
  return TRUE;
}

/* The requests of @jobs as one group; when the group cannot be kept, each
 * request again as a group of one, as if never grouped; a group of one that
 * cannot be kept is answered with its error. */
void
companies_server_jobs_apply (CompaniesServerStore  *store,
                             CompaniesServerJob   **jobs,
                             guint                  n_jobs,
                             gint64                *inout_version)
{
  g_autoptr(GError) error = NULL;

  if (apply_group (store, jobs, n_jobs, inout_version, &error))
    return;

  /* Nothing of the group was kept: no reply of it stands. */
  for (guint i = 0; i < n_jobs; i++)
    clear_reply (jobs[i]);

  if (n_jobs == 1)
    {
      companies_server_job_fail (jobs[0], error, NULL);
      return;
    }

  for (guint i = 0; i < n_jobs; i++)
    companies_server_jobs_apply (store, &jobs[i], 1, inout_version);
}

