/* companies-sync-apply-job.c: CompaniesSyncApplyJob, applying a response
 * (and building the next batch) while a request is out (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include "companies-sync-apply-job.h"
#include "companies-test-hooks.h"

/* The store connection is the sync's: the sync does not touch it (nor the
 * records in flight) until the job is joined. */
struct _CompaniesSyncApplyJob
{
  GThread               *thread;
  CompaniesLocalStore   *store;
  CompaniesPushBatch    *batch;
  CompaniesSyncResponse *response;
  CompaniesApplyStats    stats;
  gboolean               applied;
  CompaniesSyncInFlight *in_flight;   /* NULL: no batch to build */
  CompaniesPushBatch    *next;
  GError                *error;
  /* What finishing needs of the batch and response, which the helper
   * frees: tens of thousands of strings, off the thread that sends the
   * next request. */
  gboolean               keep_records;  /* the response's, for the result */
  guint                  n_changes;
  gboolean               reset;
};

static gpointer
apply_job_thread (gpointer data)
{
  CompaniesSyncApplyJob *job = data;

  if (job->response != NULL)
    job->applied = companies_local_store_apply_response (job->store, job->batch, job->response,
                                                         &job->stats, &job->error);
  job->n_changes = job->batch != NULL ? job->batch->n_changes : 0;
  job->reset = job->response != NULL && job->response->reset;
  g_clear_pointer (&job->batch, companies_push_batch_free);
  /* A push's answer too: there the sending thread waits on the server
   * and is the slower. Not a pull's: there this thread, which inserts the
   * page, is (docs/sync-1m.md, round 11). */
  if (!job->keep_records && job->n_changes > 0)
    g_clear_pointer (&job->response, companies_sync_response_free);

  if (job->in_flight != NULL && job->error == NULL)
    job->next = companies_sync_in_flight_next_batch (job->in_flight, job->store, &job->error);
  return NULL;
}

CompaniesSyncApplyJob *
companies_sync_apply_job_start (CompaniesLocalStore   *store,
                                CompaniesPushBatch    *batch,
                                CompaniesSyncResponse *response,
                                CompaniesSyncInFlight *in_flight,
                                gboolean               keep_records,
                                gboolean               overlap)
{
  CompaniesSyncApplyJob *job = g_new0 (CompaniesSyncApplyJob, 1);

  job->keep_records = keep_records;
  job->store = store;
  job->batch = batch;
  job->response = response;
  job->in_flight = in_flight;
  if (overlap)
    job->thread = g_thread_new ("companies-apply", apply_job_thread, job);
  else
    apply_job_thread (job);
  return job;
}

gboolean
companies_sync_apply_job_finish (CompaniesSyncApplyJob  *job,
                                 CompaniesSyncResult    *result,
                                 gboolean               *out_applied,
                                 CompaniesPushBatch    **out_next,
                                 GError                **error)
{
  gboolean ok;

  if (job->thread != NULL)
    g_thread_join (job->thread);
  ok = job->error == NULL;

  if (job->applied)
    {
      companies_test_hook ("after-apply");

      result->requests++;
      result->sent += job->n_changes;
      result->received += job->stats.received;
      result->rejected += job->stats.rejected;
      result->overwritten += job->stats.overwritten;
      result->deleted_edits += job->stats.deleted_edits;
      result->reset |= job->reset;
      if (job->response != NULL)
        companies_sync_result_add_applied (result, job->response->companies,
                                           job->response->deleted);
    }
  *out_applied = job->applied;

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&job->error));

  if (out_next != NULL)
    *out_next = g_steal_pointer (&job->next);
  g_clear_pointer (&job->next, companies_push_batch_free);
  g_clear_pointer (&job->batch, companies_push_batch_free);
  g_clear_pointer (&job->response, companies_sync_response_free);
  g_free (job);
  return ok;
}
