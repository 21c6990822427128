/* companies-sync-run.c: one whole sync of protocol.md, blocking, in the
 * calling thread: the cross-process lock, a SQLite connection and a
 * SoupSession of the sync's own (kept between the runs of one client),
 * push in batches of at most 10000 changes, pull until has_more is false,
 * each response applied in one transaction. Round trips overlap: while
 * response n is applied (in a helper thread), request n+1, built from
 * response n's cursor and leaving out what is in flight, is on its way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "companies-local-store-private.h"
#include "companies-sync-run-private.h"
#include "companies-test-hooks.h"

/* At most this many changes a request: the most protocol.md allows. */
#define PUSH_BATCH_SIZE        10000
/* How often the cross-process lock is tried, and for how long. */
#define LOCK_POLL_USEC         (50 * 1000)
#define LOCK_WAIT_USEC         (5 * 60 * G_USEC_PER_SEC)
/* A bound on round trips of one sync: far more than 10000-record pages
 * of any real list need, small enough to stop a server that never ends. */
#define MAX_ROUNDS             100000

void
companies_sync_config_free (CompaniesSyncConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->database_path);
  g_free (config->server_url);
  g_free (config->token);
  g_free (config->tls_ca_file);
  g_free (config);
}

/* The flock of protocol.md section 3: one sync per database, across
 * processes. Returns the locked file descriptor, or -1. */
static int
take_sync_lock (const char    *database_path,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree char *lock_path = g_strconcat (database_path, ".sync-lock", NULL);
  g_autofree char *dir = g_path_get_dirname (database_path);
  gint64 deadline = g_get_monotonic_time () + LOCK_WAIT_USEC;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                   _("Could not open the file “%s”: %s"),
                   lock_path, g_strerror (saved_errno));
      return -1;
    }

  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno != EWOULDBLOCK && saved_errno != EINTR)
        {
          g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                       _("Could not lock the file “%s”: %s"),
                       lock_path, g_strerror (saved_errno));
          close (fd);
          return -1;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return -1;
        }

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                               _("Another program has been syncing this list for too long; "
                                 "try again later"));
          close (fd);
          return -1;
        }

      g_usleep (LOCK_POLL_USEC);
    }

  return fd;
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

/* --- What a client keeps between its runs. --- */

struct _CompaniesSyncCache
{
  /* Keeps its connection to the server alive between syncs. Only a
   * session without a CA file of its own is kept: a changed or removed
   * file must fail the next sync. */
  SoupSession         *session;
  /* The store connection and its statements, with the file it opened:
   * a file replaced since is opened anew. */
  CompaniesLocalStore *store;
  dev_t                dev;
  ino_t                ino;
};

CompaniesSyncCache *
companies_sync_cache_new (void)
{
  return g_new0 (CompaniesSyncCache, 1);
}

void
companies_sync_cache_free (CompaniesSyncCache *cache)
{
  if (cache == NULL)
    return;

  g_clear_object (&cache->session);
  g_clear_object (&cache->store);
  g_free (cache);
}

static SoupSession *
take_session (CompaniesSyncCache         *cache,
              const CompaniesSyncConfig  *config,
              GError                    **error)
{
  if (cache != NULL && cache->session != NULL && config->tls_ca_file == NULL)
    return g_steal_pointer (&cache->session);

  return companies_sync_http_session_new (config, error);
}

static CompaniesLocalStore *
take_store (CompaniesSyncCache  *cache,
            const char          *path,
            GError             **error)
{
  CompaniesLocalStore *store;
  GStatBuf info;

  if (cache != NULL && cache->store != NULL)
    {
      g_autoptr(CompaniesLocalStore) kept = g_steal_pointer (&cache->store);

      if (g_strcmp0 (companies_local_store_get_path (kept), path) == 0 &&
          g_stat (path, &info) == 0 && info.st_dev == cache->dev && info.st_ino == cache->ino)
        return g_steal_pointer (&kept);
    }

  store = companies_local_store_open (path, error);
  if (store != NULL && cache != NULL && g_stat (path, &info) == 0)
    {
      cache->dev = info.st_dev;
      cache->ino = info.st_ino;
    }

  return store;
}

/* --- Batches and the overlapped apply. --- */

/* At most this many changes a request; COMPANIES_TEST_PUSH_BATCH (tests
 * only) makes it smaller, so that tests see many batches cheaply. */
static guint
push_batch_size (void)
{
  const char *value = g_getenv ("COMPANIES_TEST_PUSH_BATCH");
  guint64 size = value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;

  return size > 0 && size < PUSH_BATCH_SIZE ? (guint) size : PUSH_BATCH_SIZE;
}

/* The next batch; @cursor, when not NULL, replaces the stored one (the
 * cursor of a response not applied yet). Its records join @exclude at
 * once: in flight, they are not sent again. */
static CompaniesPushBatch *
next_batch (CompaniesLocalStore  *store,
            gint64                start_seq,
            guint                 batch_size,
            GHashTable           *exclude,
            const char           *cursor,
            GError              **error)
{
  CompaniesPushBatch *batch;
  GHashTableIter iter;
  gpointer key, value;

  batch = companies_local_store_build_push_batch (store, start_seq, batch_size, exclude, error);
  if (batch == NULL)
    return NULL;

  if (cursor != NULL)
    {
      g_free (batch->request->cursor);
      batch->request->cursor = g_strdup (cursor);
    }

  g_hash_table_iter_init (&iter, batch->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const CompaniesPushedRecord *pushed = value;

      g_hash_table_add (exclude, companies_push_batch_key (pushed->kind, key));
    }

  return batch;
}

/* A request that did not go through: its records may be sent again. */
static void
release_batch (GHashTable               *exclude,
               const CompaniesPushBatch *batch)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, batch->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const CompaniesPushedRecord *pushed = value;
      g_autofree char *exclude_key = companies_push_batch_key (pushed->kind, key);

      g_hash_table_remove (exclude, exclude_key);
    }
}

/* The work done in a helper thread while a request is out: applying the
 * previous response (when @response is not NULL), then building the batch
 * after the one in flight (when @prebuild), its cursor to be set from the
 * answer. The store connection is the run's: the run does not touch it
 * (nor @exclude) until the job is joined. */
typedef struct
{
  GThread               *thread;
  CompaniesLocalStore   *store;
  CompaniesPushBatch    *batch;
  CompaniesSyncResponse *response;
  CompaniesApplyStats    stats;
  gboolean               applied;
  gboolean               prebuild;
  gint64                 start_seq;
  guint                  batch_size;
  GHashTable            *exclude;
  CompaniesPushBatch    *next;
  GError                *error;
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  if (job->response != NULL)
    job->applied = companies_local_store_apply_response (job->store, job->batch, job->response,
                                                         &job->stats, &job->error);

  if (job->prebuild && job->error == NULL)
    job->next = next_batch (job->store, job->start_seq, job->batch_size, job->exclude, NULL,
                            &job->error);
  return NULL;
}

/* Starts applying @response (may be NULL) and, when @exclude is not NULL,
 * building the batch after, in a helper thread (@overlap) or here and
 * now; finish_job () completes either. */
static Job *
start_job (CompaniesLocalStore   *store,
           CompaniesPushBatch    *batch,
           CompaniesSyncResponse *response,
           gint64                 start_seq,
           guint                  batch_size,
           GHashTable            *exclude,
           gboolean               overlap)
{
  Job *job = g_new0 (Job, 1);

  job->store = store;
  job->batch = batch;
  job->response = response;
  job->prebuild = exclude != NULL;
  job->start_seq = start_seq;
  job->batch_size = batch_size;
  job->exclude = exclude;
  if (overlap)
    job->thread = g_thread_new ("companies-apply", job_thread, job);
  else
    job_thread (job);
  return job;
}

/* Joins *@job and counts its apply into @result; *@out_next (may be NULL)
 * gets the batch it built. FALSE with a storage error when the apply or
 * the build failed. */
static gboolean
finish_job (Job                       **job,
            CompaniesSyncResult        *result,
            CompaniesPushBatch        **out_next,
            CompaniesSyncProgressFunc   progress,
            gpointer                    progress_data,
            GError                    **error)
{
  Job *done = g_steal_pointer (job);
  gboolean ok;

  if (done->thread != NULL)
    g_thread_join (done->thread);
  ok = done->error == NULL;

  if (done->applied)
    {
      companies_test_hook ("after-apply");

      result->requests++;
      result->sent += done->batch->n_changes;
      result->received += done->stats.received;
      result->rejected += done->stats.rejected;
      result->overwritten += done->stats.overwritten;
      result->reset |= done->response->reset;

      if (progress != NULL)
        progress (result->sent, result->received, progress_data);
    }

  if (!ok)
    storage_error (g_steal_pointer (&done->error), error);

  if (out_next != NULL)
    *out_next = g_steal_pointer (&done->next);
  g_clear_pointer (&done->next, companies_push_batch_free);
  g_clear_pointer (&done->batch, companies_push_batch_free);
  g_clear_pointer (&done->response, companies_sync_response_free);
  g_free (done);
  return ok;
}

/* A batch built and never sent: its records may go again, and its
 * additions are unsent again. */
static gboolean
drop_batch (CompaniesLocalStore  *store,
            GHashTable           *exclude,
            CompaniesPushBatch  **batch,
            GError              **error)
{
  g_autoptr(CompaniesPushBatch) dropped = g_steal_pointer (batch);
  g_autoptr(GError) store_error = NULL;

  if (dropped == NULL)
    return TRUE;

  release_batch (exclude, dropped);
  if (!companies_local_store_unmark_adds_sent (store, dropped, &store_error))
    return storage_error (g_steal_pointer (&store_error), error);

  return TRUE;
}

CompaniesSyncResult *
companies_sync_run (const CompaniesSyncConfig  *config,
                    CompaniesSyncCache         *cache,
                    GCancellable               *cancellable,
                    CompaniesSyncProgressFunc   progress,
                    gpointer                    progress_data,
                    GError                    **error)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GHashTable) exclude = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(CompaniesPushBatch) batch = NULL;
  /* A response received, and the batch it answers, not applied yet. */
  g_autoptr(CompaniesPushBatch) pending_batch = NULL;
  g_autoptr(CompaniesSyncResponse) pending = NULL;
  g_autofree char *url = NULL;
  CompaniesSyncResult result = { 0, };
  gboolean need_pull = TRUE;
  gboolean forgot_cursor = FALSE;
  guint batch_size = push_batch_size ();
  gint64 start_seq = 0;
  int lock_fd;

  url = companies_sync_http_build_url (config->server_url, error);
  if (url == NULL)
    return NULL;

  session = take_session (cache, config, error);
  if (session == NULL)
    return NULL;

  lock_fd = take_sync_lock (config->database_path, cancellable, error);
  if (lock_fd < 0)
    return NULL;

  store = take_store (cache, config->database_path, &store_error);
  if (store == NULL ||
      !companies_local_store_get_change_counter (store, &start_seq, &store_error))
    {
      close (lock_fd);
      storage_error (g_steal_pointer (&store_error), error);
      return NULL;
    }

  exclude = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Records changed after this point wait for the next sync: the one
   * coalesced after this, when asked for. */
  batch = next_batch (store, start_seq, batch_size, exclude, NULL, &store_error);
  if (batch == NULL)
    {
      storage_error (g_steal_pointer (&store_error), error);
      goto failed;
    }

  for (guint round = 0; ; round++)
    {
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(CompaniesPushBatch) next = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *server_path = NULL;
      gboolean not_applied = FALSE;
      gboolean job_ok = TRUE;
      Job *job = NULL;

      /* Never with a response pending (see the end of the loop). */
      if (batch->n_changes == 0 && !need_pull)
        break;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;

      if (round >= MAX_ROUNDS)
        {
          g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                       _("The server at %s keeps sending more pages; the sync was stopped"),
                       config->server_url);
          goto failed;
        }

      g_debug ("Round %u: pushing %u changes, cursor %s", round, batch->n_changes,
               batch->request->cursor != NULL ? batch->request->cursor : "(none)");

      /* While the request is out: the previous response is applied and,
       * when this batch is full (more may wait), the next one is built. */
      if (pending != NULL || batch->n_changes == batch_size)
        job = start_job (store, g_steal_pointer (&pending_batch), g_steal_pointer (&pending),
                         start_seq, batch_size,
                         batch->n_changes == batch_size ? exclude : NULL, TRUE);

      response = companies_sync_http_post (session, config, url, batch->request, &server_path,
                                           &not_applied, cancellable, &local_error);

      /* Should the apply fail, this response is dropped, as if lost: what
       * it answers is marked sent, and goes again with the next sync. */
      if (job != NULL)
        job_ok = finish_job (&job, &result, &next, progress, progress_data, error);
      if (!job_ok)
        goto failed;

      if (response == NULL)
        {
          release_batch (exclude, batch);
          if (!drop_batch (store, exclude, &next, error))
            goto failed;

          /* The server surely holds none of the additions sent for the
           * first time: they are unsent again (a delete of one then
           * removes it at once, as for any never-sent addition). */
          if (not_applied &&
              !companies_local_store_unmark_adds_sent (store, batch, &store_error))
            {
              storage_error (g_steal_pointer (&store_error), error);
              goto failed;
            }

          /* A cursor the server cannot read (nothing was applied): forget
           * it once and start over from a full snapshot. */
          if (!forgot_cursor && batch->request->cursor != NULL &&
              g_error_matches (local_error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL) &&
              g_strcmp0 (server_path, "cursor") == 0)
            {
              g_debug ("The server refused the cursor: %s", local_error->message);
              forgot_cursor = TRUE;
              g_clear_pointer (&batch, companies_push_batch_free);
              if (!companies_local_store_forget_cursor (store, &store_error) ||
                  (batch = next_batch (store, start_seq, batch_size, exclude, NULL,
                                       &store_error)) == NULL)
                {
                  storage_error (g_steal_pointer (&store_error), error);
                  goto failed;
                }
              continue;
            }

          g_propagate_error (error, g_steal_pointer (&local_error));
          goto failed;
        }

      companies_test_hook ("after-send");

      /* has_more with the same cursor would ask for the same page again. */
      if (response->has_more &&
          g_strcmp0 (response->cursor, batch->request->cursor) == 0)
        {
          if (!drop_batch (store, exclude, &next, error))
            goto failed;
          job = start_job (store, g_steal_pointer (&batch), g_steal_pointer (&response),
                           0, 0, NULL, FALSE);
          if (finish_job (&job, &result, NULL, progress, progress_data, error))
            g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                         _("The server at %s sent more pages without moving on; "
                           "the sync was stopped"),
                         config->server_url);
          goto failed;
        }

      need_pull = response->has_more;

      /* The next request (unless built already): from this response's
       * cursor, before this response is applied, leaving out what is in
       * flight. Not when this batch took every change there was and no
       * page waits: what an apply makes to send is looked for after this
       * one (below). */
      if (next == NULL && need_pull &&
          (next = next_batch (store, start_seq, batch_size, exclude, NULL, &store_error)) == NULL)
        {
          storage_error (g_steal_pointer (&store_error), error);
          goto failed;
        }
      if (next != NULL)
        {
          g_free (next->request->cursor);
          next->request->cursor = g_strdup (response->cursor);
        }

      /* After a reset, ids may be of another server database (the stale
       * rows go when the response is applied): what names records by id
       * waits for the apply. */
      if (next != NULL && response->reset &&
          (next->request->updated->len > 0 || next->request->deleted->len > 0) &&
          !drop_batch (store, exclude, &next, error))
        goto failed;

      if (next != NULL && (next->n_changes > 0 || need_pull))
        {
          pending_batch = g_steal_pointer (&batch);
          pending = g_steal_pointer (&response);
          batch = g_steal_pointer (&next);
          continue;
        }

      /* Nothing to overlap with: applied here. */
      job = start_job (store, g_steal_pointer (&batch), g_steal_pointer (&response),
                       0, 0, NULL, FALSE);
      if (!finish_job (&job, &result, NULL, progress, progress_data, error))
        goto failed;

      /* The apply may have made more to send (an update refused as
       * not_found becomes an addition; a retried addition's fields
       * changed here become an update): the next batch comes from the
       * store as it is now, and with its cursor. */
      if (!drop_batch (store, exclude, &next, error))
        goto failed;
      batch = next_batch (store, start_seq, batch_size, exclude, NULL, &store_error);
      if (batch == NULL)
        {
          storage_error (g_steal_pointer (&store_error), error);
          goto failed;
        }
    }

  close (lock_fd);
  if (cache != NULL)
    {
      g_set_object (&cache->store, store);
      if (config->tls_ca_file == NULL)
        g_set_object (&cache->session, session);
    }
  return companies_sync_result_copy (&result);

failed:
  /* A response already received is still applied: nothing is lost. */
  if (pending != NULL)
    {
      g_autoptr(GError) apply_error = NULL;
      Job *job = start_job (store, g_steal_pointer (&pending_batch), g_steal_pointer (&pending),
                            0, 0, NULL, FALSE);

      if (!finish_job (&job, &result, NULL, progress, progress_data, &apply_error))
        g_debug ("Applying the last response failed: %s", apply_error->message);
    }

  close (lock_fd);
  return NULL;
}
