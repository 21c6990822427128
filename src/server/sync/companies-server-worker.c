/* companies-server-worker.c: the one thread that owns the store, and the
 * one place that opens and commits its transactions
 *
 * Every request is first decoded off the writer, by decoder threads:
 * decoding a big body of junk takes seconds, and it must hold up neither
 * the writer nor the small syncs that came after it. Bodies up to
 * SMALL_BODY (a few milliseconds to decode) have a thread of their own;
 * bigger ones share a pool, the smallest first, that leaves a core to the
 * main loop and the writer. A body that does not decode is answered from
 * there. A decoded request
 * with changes goes to the writer thread, which applies them as a group:
 * the requests that queued meanwhile share one transaction (a single
 * request is a group of one, companies-server-job.c); the sync code
 * (companies-server-sync.c) runs inside it and never opens or ends one. A request without changes
 * (a pull: the pages of a snapshot, a sync with nothing to push) only
 * reads: with a reader store, the decoder hands it to the reader thread,
 * which builds its page from a WAL snapshot of its own. So a page of
 * thousands of records never holds up the small syncs behind it, and a
 * write never waits for a page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-protocol.h"
#include "companies-server-history.h"
#include "companies-server-job.h"
#include "companies-server-sync.h"
#include "companies-server-test-hooks.h"
#include "companies-server-worker.h"

#define PURGE_INTERVAL_SECONDS (60 * 60)
/* At most this many queued requests share one transaction. */
#define MAX_BATCH 16
/* Decoded by the small bodies' thread: a sync of a few changes, never
 * held up by a big body. */
#define SMALL_BODY         (256 * 1024)
/* Threads for the bigger bodies: one fewer than the cores. */
#define MAX_BIG_DECODERS   4

struct _CompaniesServerWorker
{
  GThread              *thread;
  GAsyncQueue          *jobs;       /* decoded requests with changes */
  GThreadPool          *small_decoder;
  GThreadPool          *big_decoders;
  guint64               n_received; /* orders the decoders' queue */
  GMainContext         *main_context;
  /* owned by the thread while it runs */
  CompaniesServerStore *store;
  /* NULL: pulls are applied by the writer too */
  GThread              *reader_thread;
  GAsyncQueue          *reads;
  CompaniesServerStore *reader;
  guint                 tombstone_days;
  gint64                last_purge;  /* monotonic seconds, 0 = never */
  /* the newest version committed: read at start, then the writer's */
  gint64                    committed;
  gint64                    start_version;
  CompaniesServerCommitFunc commit_func;
  gpointer                  commit_data;
};

typedef struct
{
  CompaniesServerWorker *worker;
  gint64                 version;
} Commit;


static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
purge_if_due (CompaniesServerWorker *self)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  guint n_purged = 0;

  if (self->last_purge != 0 && now - self->last_purge < PURGE_INTERVAL_SECONDS)
    return;

  self->last_purge = now;
  if (!companies_server_store_begin (self->store, &error) ||
      !companies_server_sync_purge (self->store, self->tombstone_days, now_unix (),
                                    &n_purged, &error) ||
      !companies_server_store_commit (self->store, &error))
    {
      companies_server_store_rollback (self->store);
      /* A database away (its requests get 503 meanwhile): purged once it
       * is back, not an hour later. */
      if (g_error_matches (error, COMPANIES_SERVER_STORE_ERROR,
                           COMPANIES_SERVER_STORE_ERROR_UNAVAILABLE))
        self->last_purge = 0;
      else
        g_printerr (_("Purging expired tombstones failed: %s\n"), error->message);
    }
  else if (n_purged > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "Purged %u tombstone older than %u days\n",
                             "Purged %u tombstones older than %u days\n", n_purged),
                n_purged, self->tombstone_days);
}

static gboolean
announce_commit_cb (gpointer user_data)
{
  Commit *commit = user_data;
  CompaniesServerWorker *self = commit->worker;
  CompaniesServerCommitFunc func = g_atomic_pointer_get (&self->commit_func);

  if (func != NULL)
    func (commit->version, self->commit_data);

  return G_SOURCE_REMOVE;
}

/* Tells the main context; before the replies, so that a watcher hears of
 * a change no later than its author. */
static void
announce_commit (CompaniesServerWorker *self,
                 gint64                 version)
{
  Commit *commit = g_new0 (Commit, 1);

  commit->worker = self;
  commit->version = version;
  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT,
                              announce_commit_cb, commit, g_free);
}

/* Decoded requests, all applied by the writer. */
static void
handle_batch (CompaniesServerWorker  *self,
              CompaniesServerJob    **jobs,
              guint                   n_jobs)
{
  gint64 version = self->committed;

  purge_if_due (self);
  companies_server_jobs_apply (self->store, jobs, n_jobs, &version);
  if (version > self->committed)
    {
      self->committed = version;
      announce_commit (self, version);
    }

  for (guint i = 0; i < n_jobs; i++)
    g_clear_pointer (&jobs[i]->request, companies_sync_request_free);
}

static gboolean
deliver_reply_cb (gpointer user_data)
{
  CompaniesServerJob *job = user_data;

  job->func (&job->reply, job->user_data);

  return G_SOURCE_REMOVE;
}

static void
deliver (CompaniesServerWorker *self,
         CompaniesServerJob    *job)
{
  g_clear_pointer (&job->body, g_bytes_unref);
  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT,
                              deliver_reply_cb, job, (GDestroyNotify) companies_server_job_free);
}

/* GET /v1/companies/{id}/history, in a transaction of its own. */
static void
read_history (CompaniesServerStore *store,
              CompaniesServerJob   *job)
{
  g_autoptr(GError) error = NULL;

  if (!companies_server_history_read (store, job->history_id, &job->reply, &error))
    companies_server_job_fail (job, error, NULL);
}

/* The reader thread: pulls and history reads, each in a read transaction
 * of its own. */
static gpointer
reader_thread (gpointer user_data)
{
  CompaniesServerWorker *self = user_data;

  for (;;)
    {
      CompaniesServerJob *job = g_async_queue_pop (self->reads);
      gint64 unused = 0;

      if (job->quit)
        {
          companies_server_job_free (job);
          break;
        }

      if (job->history_id != 0)
        {
          read_history (self->reader, job);
          deliver (self, job);
          continue;
        }

      companies_server_test_hook_pull ();
      companies_server_jobs_apply (self->reader, &job, 1, &unused);
      g_clear_pointer (&job->request, companies_sync_request_free);
      deliver (self, job);
    }

  return NULL;
}

/* A decoder thread: a body that does not decode is answered at once; a
 * pull goes to the reader, a request with changes to the writer. */
static void
decode_cb (gpointer data,
           gpointer user_data)
{
  CompaniesServerWorker *self = user_data;
  CompaniesServerJob *job = data;
  gboolean decoded = companies_server_job_decode (job);

  /* the decoded request holds all it needs */
  g_clear_pointer (&job->body, g_bytes_unref);

  if (!decoded)
    deliver (self, job);
  else if (self->reader != NULL && job->reply.changes_in == 0)
    g_async_queue_push (self->reads, job);
  else
    g_async_queue_push (self->jobs, job);
}

/* The smallest body first; the same size in arrival order. */
static gint
compare_jobs (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const CompaniesServerJob *job_a = a;
  const CompaniesServerJob *job_b = b;
  gsize size_a = g_bytes_get_size (job_a->body);
  gsize size_b = g_bytes_get_size (job_b->body);

  if (size_a != size_b)
    return size_a < size_b ? -1 : 1;

  return job_a->serial < job_b->serial ? -1 : job_a->serial > job_b->serial;
}

static gpointer
worker_thread (gpointer user_data)
{
  CompaniesServerWorker *self = user_data;

  for (;;)
    {
      CompaniesServerJob *jobs[MAX_BATCH];
      CompaniesServerJob *quit = NULL;
      CompaniesServerJob *history = NULL;
      guint n_jobs = 0;
      CompaniesServerJob *job = g_async_queue_pop (self->jobs);

      /* The requests that queued meanwhile share one transaction. */
      while (job != NULL)
        {
          if (job->quit)
            {
              quit = job;
              break;
            }
          /* a history read ends the group, and is served after it */
          if (job->history_id != 0)
            {
              history = job;
              break;
            }
          jobs[n_jobs++] = job;
          if (n_jobs == MAX_BATCH)
            break;
          job = g_async_queue_try_pop (self->jobs);
        }

      if (n_jobs > 0)
        handle_batch (self, jobs, n_jobs);

      for (guint i = 0; i < n_jobs; i++)
        deliver (self, jobs[i]);

      if (history != NULL)
        {
          read_history (self->store, history);
          deliver (self, history);
        }

      if (quit != NULL)
        {
          companies_server_job_free (quit);
          break;
        }
    }

  return NULL;
}

CompaniesServerWorker *
companies_server_worker_new (CompaniesServerStore *store,
                             CompaniesServerStore *reader,
                             guint                 tombstone_days)
{
  CompaniesServerStoreState state;
  g_autoptr(GError) error = NULL;
  CompaniesServerWorker *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_new0 (CompaniesServerWorker, 1);
  self->store = store;
  self->reader = reader;
  self->tombstone_days = tombstone_days;
  self->jobs = g_async_queue_new ();
  self->main_context = g_main_context_ref_thread_default ();

  /* The first purge, before any request. */
  purge_if_due (self);

  if (companies_server_store_get_state (store, &state, &error))
    self->committed = state.last_version;
  else
    g_printerr (_("Cannot read the newest version: %s\n"), error->message);
  self->start_version = self->committed;

  self->thread = g_thread_new ("companies-server-worker", worker_thread, self);
  if (self->reader != NULL)
    {
      self->reads = g_async_queue_new ();
      self->reader_thread = g_thread_new ("companies-server-reader", reader_thread, self);
    }

  self->small_decoder = g_thread_pool_new (decode_cb, self, 1, TRUE, NULL);
  self->big_decoders = g_thread_pool_new (decode_cb, self,
                                          CLAMP (g_get_num_processors () - 1, 1, MAX_BIG_DECODERS),
                                          FALSE, NULL);
  g_thread_pool_set_sort_function (self->big_decoders, compare_jobs, NULL);

  return self;
}

void
companies_server_worker_sync (CompaniesServerWorker    *self,
                              GBytes                   *body,
                              const CompaniesServerToken *token,
                              gboolean                  want_replaced,
                              gboolean                  want_created,
                              CompaniesServerReplyFunc  func,
                              gpointer                  user_data,
                              GDestroyNotify            destroy)
{
  CompaniesServerJob *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (func != NULL);

  job = g_new0 (CompaniesServerJob, 1);
  job->worker = self;
  job->body = g_bytes_ref (body);
  job->who = token != NULL ? g_strdup (token->label) : NULL;
  job->read_only = token != NULL && token->read_only;
  job->want_replaced = want_replaced;
  job->want_created = want_created;
  job->func = func;
  job->user_data = user_data;
  job->destroy = destroy;
  job->serial = self->n_received++;

  if (g_bytes_get_size (body) <= SMALL_BODY)
    g_thread_pool_push (self->small_decoder, job, NULL);
  else
    g_thread_pool_push (self->big_decoders, job, NULL);
}

const char *
companies_server_worker_get_database_uuid (CompaniesServerWorker *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return companies_server_store_get_database_uuid (self->store);
}

gint64
companies_server_worker_get_start_version (CompaniesServerWorker *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->start_version;
}

void
companies_server_worker_watch_commits (CompaniesServerWorker     *self,
                                       CompaniesServerCommitFunc  func,
                                       gpointer                   user_data)
{
  g_return_if_fail (self != NULL);

  self->commit_data = user_data;
  g_atomic_pointer_set (&self->commit_func, func);
}

void
companies_server_worker_history (CompaniesServerWorker    *self,
                                 gint64                    id,
                                 CompaniesServerReplyFunc  func,
                                 gpointer                  user_data,
                                 GDestroyNotify            destroy)
{
  CompaniesServerJob *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (id > 0);
  g_return_if_fail (func != NULL);

  job = g_new0 (CompaniesServerJob, 1);
  job->worker = self;
  job->history_id = id;
  job->func = func;
  job->user_data = user_data;
  job->destroy = destroy;
  job->serial = self->n_received++;

  g_async_queue_push (self->reader != NULL ? self->reads : self->jobs, job);
}

void
companies_server_worker_free (CompaniesServerWorker *self)
{
  CompaniesServerJob *quit;

  if (self == NULL)
    return;

  /* Before the writer: the decoders hand it requests until they finish. */
  g_thread_pool_free (self->small_decoder, FALSE, TRUE);
  g_thread_pool_free (self->big_decoders, FALSE, TRUE);

  quit = g_new0 (CompaniesServerJob, 1);
  quit->quit = TRUE;
  g_async_queue_push (self->jobs, quit);
  g_thread_join (self->thread);

  /* After the decoders: they may have handed the reader pulls until they
   * finished. */
  if (self->reader_thread != NULL)
    {
      quit = g_new0 (CompaniesServerJob, 1);
      quit->quit = TRUE;
      g_async_queue_push (self->reads, quit);
      g_thread_join (self->reader_thread);
      g_async_queue_unref (self->reads);
    }

  g_clear_pointer (&self->reader, companies_server_store_close);
  g_clear_pointer (&self->store, companies_server_store_close);
  g_async_queue_unref (self->jobs);
  g_main_context_unref (self->main_context);
  g_free (self);
}
