/* companies-sync-pipeline.c: CompaniesSyncPipeline, the rounds of one
 * sync, one named step a function: send a request (while the pending
 * response is applied in a helper thread), take its response (queue it,
 * or apply it now), and the ways a round goes wrong: a lost response, a
 * refused cursor, a page that does not move on. Request n+1 is built from
 * response n's cursor, leaving out the records in flight.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-local-store-sync.h"
#include "companies-sync-apply-job.h"
#include "companies-sync-http.h"
#include "companies-sync-in-flight.h"
#include "companies-sync-pipeline.h"
#include "companies-test-hooks.h"

/* At most this many changes a request: the most docs/protocol.md allows. */
#define PUSH_BATCH_SIZE        10000
/* A bound on round trips of one sync: far more than 10000-record pages
 * of any real list need, small enough to stop a server that never ends. */
#define MAX_ROUNDS             100000

struct _CompaniesSyncPipeline
{
  const CompaniesSyncConfig *config;
  const char                *url;
  SoupSession               *session;
  CompaniesLocalStore       *store;
  GCancellable              *cancellable;
  CompaniesSyncProgressFunc  progress;
  gpointer                   progress_data;

  CompaniesSyncInFlight     *in_flight;
  /* The request of the next round. */
  CompaniesPushBatch        *batch;
  /* A response received, and the batch it answers, not applied yet. */
  CompaniesPushBatch        *pending_batch;
  CompaniesSyncResponse     *pending;
  gboolean                   need_pull;
  gboolean                   forgot_cursor;
  CompaniesSyncResult        result;
};

/* What one round trip brought. */
typedef struct
{
  CompaniesSyncResponse *response;     /* NULL: the round trip failed */
  GError                *send_error;   /* why, then */
  char                  *server_path;  /* the "path" of the server's error body */
  gboolean               not_applied;  /* the server surely applied nothing */
  CompaniesPushBatch    *next;         /* the batch after, built meanwhile */
} CompaniesSyncRound;

static void
companies_sync_round_clear (CompaniesSyncRound *round)
{
  g_clear_pointer (&round->response, companies_sync_response_free);
  g_clear_error (&round->send_error);
  g_clear_pointer (&round->server_path, g_free);
  g_clear_pointer (&round->next, companies_push_batch_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CompaniesSyncRound, companies_sync_round_clear)

/* At most this many changes a request; COMPANIES_TEST_PUSH_BATCH (tests
 * only) makes it smaller, so that tests see many batches cheaply. */
static guint
push_batch_size (void)
{
  const char *value = g_getenv ("COMPANIES_TEST_PUSH_BATCH");
  guint64 size = value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;

  return size > 0 && size < PUSH_BATCH_SIZE ? (guint) size : PUSH_BATCH_SIZE;
}

static gboolean
storage_error (GError  *store_error,
               GError **error)
{
  g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                       store_error->message);
  g_error_free (store_error);
  return FALSE;
}

CompaniesSyncPipeline *
companies_sync_pipeline_new (const CompaniesSyncConfig *config,
                             const char                *url,
                             SoupSession               *session,
                             CompaniesLocalStore       *store,
                             GCancellable              *cancellable,
                             CompaniesSyncProgressFunc  progress,
                             gpointer                   progress_data)
{
  CompaniesSyncPipeline *self = g_new0 (CompaniesSyncPipeline, 1);

  self->config = config;
  self->url = url;
  self->session = g_object_ref (session);
  self->store = g_object_ref (store);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->progress = progress;
  self->progress_data = progress_data;
  self->need_pull = TRUE;
  if (config->report_applied)
    self->result.applied = g_array_new (FALSE, FALSE, sizeof (CompaniesAppliedRecord));
  return self;
}

void
companies_sync_pipeline_free (CompaniesSyncPipeline *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->in_flight, companies_sync_in_flight_free);
  g_clear_pointer (&self->batch, companies_push_batch_free);
  g_clear_pointer (&self->pending_batch, companies_push_batch_free);
  g_clear_pointer (&self->pending, companies_sync_response_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
  g_clear_pointer (&self->result.applied, g_array_unref);
  g_free (self);
}

const CompaniesSyncResult *
companies_sync_pipeline_get_result (CompaniesSyncPipeline *self)
{
  return &self->result;
}

/* --- Batches and applies. --- */

/* The next batch from the store as it is now; FALSE with a storage error. */
static gboolean
build_next_batch (CompaniesSyncPipeline  *self,
                  CompaniesPushBatch    **out_batch,
                  GError                **error)
{
  g_autoptr(GError) store_error = NULL;

  *out_batch = companies_sync_in_flight_next_batch (self->in_flight, self->store, &store_error);
  if (*out_batch == NULL)
    return storage_error (g_steal_pointer (&store_error), error);

  return TRUE;
}

/* A batch built and never sent: its records may go again, and its
 * additions are unsent again. */
static gboolean
drop_batch (CompaniesSyncPipeline  *self,
            CompaniesPushBatch    **batch,
            GError                **error)
{
  g_autoptr(CompaniesPushBatch) dropped = g_steal_pointer (batch);
  g_autoptr(GError) store_error = NULL;

  if (dropped == NULL)
    return TRUE;

  companies_sync_in_flight_release (self->in_flight, dropped);
  if (!companies_local_store_unmark_adds_sent (self->store, dropped, &store_error))
    return storage_error (g_steal_pointer (&store_error), error);

  return TRUE;
}

/* Joins @job and reports its apply; *@out_next (may be NULL) gets the
 * batch it built. FALSE with a storage error when the apply or the build
 * failed. */
static gboolean
finish_job (CompaniesSyncPipeline  *self,
            CompaniesSyncApplyJob  *job,
            CompaniesPushBatch    **out_next,
            GError                **error)
{
  g_autoptr(GError) store_error = NULL;
  gboolean applied = FALSE;
  gboolean ok;

  ok = companies_sync_apply_job_finish (job, &self->result, &applied, out_next, &store_error);
  if (applied && self->progress != NULL)
    self->progress (self->result.sent, self->result.received, self->progress_data);

  if (!ok)
    return storage_error (g_steal_pointer (&store_error), error);

  return TRUE;
}

/* Applies @response, the answer to @batch (both taken), here and now. */
static gboolean
apply_now (CompaniesSyncPipeline  *self,
           CompaniesPushBatch     *batch,
           CompaniesSyncResponse  *response,
           GError                **error)
{
  return finish_job (self, companies_sync_apply_job_start (self->store, batch, response, NULL,
                                                           self->result.applied != NULL, FALSE),
                     NULL, error);
}

/* Step: apply the pending response (when there is one) in a helper thread
 * while a request is out and, when @prebuild, build the batch after the
 * one in flight meanwhile. */
static CompaniesSyncApplyJob *
start_applying_pending (CompaniesSyncPipeline *self,
                        gboolean               prebuild)
{
  return companies_sync_apply_job_start (self->store, g_steal_pointer (&self->pending_batch),
                                         g_steal_pointer (&self->pending),
                                         prebuild ? self->in_flight : NULL,
                                         self->result.applied != NULL, TRUE);
}

/* --- The steps of a round. --- */

/* Step: send this round's request. While it is out, the previous response
 * is applied and, when this batch is full (more may wait), the next one
 * is built. FALSE only when that apply or build failed. */
static gboolean
send_request (CompaniesSyncPipeline  *self,
              CompaniesSyncRound     *round,
              GError                **error)
{
  guint batch_size = companies_sync_in_flight_get_batch_size (self->in_flight);
  gboolean batch_full = self->batch->n_changes == batch_size;
  CompaniesSyncApplyJob *job = NULL;

  if (self->pending != NULL || batch_full)
    job = start_applying_pending (self, batch_full);

  round->response = companies_sync_http_post (self->session, self->config, self->url,
                                              self->batch->request, self->batch->encoded_changes,
                                              &round->server_path,
                                              &round->not_applied, self->cancellable,
                                              &round->send_error);

  /* Should the apply fail, this response is dropped, as if lost: what
   * it answers is marked sent, and goes again with the next sync. */
  return job == NULL || finish_job (self, job, &round->next, error);
}

/* Step: the server refused the cursor (nothing was applied): forget it
 * once and start over from a full snapshot. */
static gboolean
forget_refused_cursor (CompaniesSyncPipeline  *self,
                       CompaniesSyncRound     *round,
                       GError                **error)
{
  g_autoptr(GError) store_error = NULL;

  g_debug ("The server refused the cursor: %s", round->send_error->message);
  self->forgot_cursor = TRUE;
  g_clear_pointer (&self->batch, companies_push_batch_free);
  if (!companies_local_store_forget_cursor (self->store, &store_error))
    return storage_error (g_steal_pointer (&store_error), error);

  return build_next_batch (self, &self->batch, error);
}

/* Step: no response (the request failed, or its answer was lost). */
static gboolean
take_lost_response (CompaniesSyncPipeline  *self,
                    CompaniesSyncRound     *round,
                    GError                **error)
{
  g_autoptr(GError) store_error = NULL;

  companies_sync_in_flight_release (self->in_flight, self->batch);
  if (!drop_batch (self, &round->next, error))
    return FALSE;

  /* The server surely holds none of the additions sent for the first
   * time: they are unsent again (a delete of one then removes it at
   * once, as for any never-sent addition). */
  if (round->not_applied &&
      !companies_local_store_unmark_adds_sent (self->store, self->batch, &store_error))
    return storage_error (g_steal_pointer (&store_error), error);

  if (!self->forgot_cursor && self->batch->request->cursor != NULL &&
      g_error_matches (round->send_error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL) &&
      g_strcmp0 (round->server_path, "cursor") == 0)
    return forget_refused_cursor (self, round, error);

  g_propagate_error (error, g_steal_pointer (&round->send_error));
  return FALSE;
}

/* Step: has_more with the same cursor would ask for the same page again.
 * The page is applied, and the sync stops. Always FALSE. */
static gboolean
refuse_stalled_page (CompaniesSyncPipeline  *self,
                     CompaniesSyncRound     *round,
                     GError                **error)
{
  if (!drop_batch (self, &round->next, error))
    return FALSE;

  if (apply_now (self, g_steal_pointer (&self->batch), g_steal_pointer (&round->response),
                 error))
    g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                 _("The server at %s sent more pages without moving on; "
                   "the sync was stopped"),
                 self->config->server_url);
  return FALSE;
}

/* Step: the next request (unless built already): from this response's
 * cursor, before this response is applied, leaving out what is in
 * flight. Not when this batch took every change there was and no page
 * waits: what an apply makes to send is looked for after it. */
static gboolean
prepare_next_request (CompaniesSyncPipeline  *self,
                      CompaniesSyncRound     *round,
                      GError                **error)
{
  if (round->next == NULL && self->need_pull &&
      !build_next_batch (self, &round->next, error))
    return FALSE;

  if (round->next != NULL)
    {
      g_free (round->next->request->cursor);
      round->next->request->cursor = g_strdup (round->response->cursor);
    }

  return TRUE;
}

/* Step: after a reset, ids may be of another server database (the stale
 * rows go when the response is applied): a next request that names
 * records by id waits for the apply. */
static gboolean
hold_back_ids_after_reset (CompaniesSyncPipeline  *self,
                           CompaniesSyncRound     *round,
                           GError                **error)
{
  CompaniesPushBatch *next = round->next;

  if (next != NULL && round->response->reset &&
      (next->request->updated->len > 0 || next->request->deleted->len > 0))
    return drop_batch (self, &round->next, error);

  return TRUE;
}

/* Step: nothing to overlap with: the response is applied here, and the
 * next batch comes from the store as it is then. The apply may have made
 * more to send (an update refused as not_found becomes an addition; a
 * retried addition's fields changed here become an update). */
static gboolean
apply_and_rebuild (CompaniesSyncPipeline  *self,
                   CompaniesSyncRound     *round,
                   GError                **error)
{
  if (!apply_now (self, g_steal_pointer (&self->batch), g_steal_pointer (&round->response),
                  error))
    return FALSE;

  if (!drop_batch (self, &round->next, error))
    return FALSE;

  return build_next_batch (self, &self->batch, error);
}

/* Step: a response came. Queued to be applied while the next request is
 * out, when there is one; else applied now. */
static gboolean
take_response (CompaniesSyncPipeline  *self,
               CompaniesSyncRound     *round,
               GError                **error)
{
  companies_test_hook ("after-send");

  if (round->response->has_more &&
      g_strcmp0 (round->response->cursor, self->batch->request->cursor) == 0)
    return refuse_stalled_page (self, round, error);

  self->need_pull = round->response->has_more;

  if (!prepare_next_request (self, round, error) ||
      !hold_back_ids_after_reset (self, round, error))
    return FALSE;

  if (round->next != NULL && (round->next->n_changes > 0 || self->need_pull))
    {
      self->pending_batch = g_steal_pointer (&self->batch);
      self->pending = g_steal_pointer (&round->response);
      self->batch = g_steal_pointer (&round->next);
      return TRUE;
    }

  return apply_and_rebuild (self, round, error);
}

static gboolean
run_round (CompaniesSyncPipeline  *self,
           guint                   number,
           GError                **error)
{
  g_auto(CompaniesSyncRound) round = { NULL, };

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;

  if (number >= MAX_ROUNDS)
    {
      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                   _("The server at %s keeps sending more pages; the sync was stopped"),
                   self->config->server_url);
      return FALSE;
    }

  g_debug ("Round %u: pushing %u changes, cursor %s", number, self->batch->n_changes,
           self->batch->request->cursor != NULL ? self->batch->request->cursor : "(none)");

  if (!send_request (self, &round, error))
    return FALSE;

  if (round.response == NULL)
    return take_lost_response (self, &round, error);

  return take_response (self, &round, error);
}

/* Step, when a round failed: a response already received is still
 * applied; nothing is lost. */
static void
apply_pending_after_failure (CompaniesSyncPipeline *self)
{
  g_autoptr(GError) apply_error = NULL;

  if (self->pending == NULL)
    return;

  if (!apply_now (self, g_steal_pointer (&self->pending_batch), g_steal_pointer (&self->pending),
                  &apply_error))
    g_debug ("Applying the last response failed: %s", apply_error->message);
}

/* Records changed after the first step wait for the next sync: the one
 * coalesced after this, when asked for. */
static gboolean
begin (CompaniesSyncPipeline  *self,
       GError                **error)
{
  g_autoptr(GError) store_error = NULL;
  gint64 start_seq = 0;

  if (!companies_local_store_get_change_counter (self->store, &start_seq, &store_error))
    return storage_error (g_steal_pointer (&store_error), error);

  self->in_flight = companies_sync_in_flight_new (start_seq, push_batch_size ());
  return build_next_batch (self, &self->batch, error);
}

gboolean
companies_sync_pipeline_run (CompaniesSyncPipeline  *self,
                             GError                **error)
{
  gboolean ok;

  g_return_val_if_fail (self->in_flight == NULL, FALSE);

  ok = begin (self, error);
  /* A response is never pending when this stops (see take_response ()). */
  for (guint number = 0; ok && (self->batch->n_changes > 0 || self->need_pull); number++)
    ok = run_round (self, number, error);

  if (!ok)
    apply_pending_after_failure (self);

  return ok;
}
