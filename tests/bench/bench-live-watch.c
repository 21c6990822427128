/* bench-live-watch.c: the change-to-visible latency of the change feed
 * (see the header). The writer runs in a thread of its own with blocking
 * syncs; the watcher runs in the main context as an app would: watch,
 * and at each "changed" a sync, then watch again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include "companies-local-store.h"
#include "companies-sync-client.h"

#include "bench-data.h"
#include "bench-live-watch.h"
#include "bench-util.h"

/* How long the watcher may take to see the last change. */
#define SETTLE_US (10 * G_USEC_PER_SEC)

typedef struct
{
  const char          *url;
  const char          *ca_file;
  const char          *writer_path;
  guint                n_changes;

  GMutex               lock;         /* guards the two below */
  GHashTable          *started;      /* uuid -> gint64 *: the writer's sync began */
  gboolean             writer_done;
  GError              *writer_error;

  CompaniesSyncClient *watcher;
  GHashTable          *visible;      /* uuid -> gint64 *: applied by the watcher */
  gboolean             busy;         /* a watch or a sync is out */
  gboolean             stopping;
  GError              *watcher_error;
} Live;

static gint64 *
time_new (gint64 value)
{
  return g_memdup2 (&value, sizeof value);
}

static gpointer
writer_thread (gpointer data)
{
  Live *live = data;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  GError *error = NULL;

  store = companies_local_store_open (live->writer_path, &error);
  client = companies_sync_client_new (live->writer_path, live->url, NULL);
  companies_sync_client_set_tls_ca_file (client, live->ca_file);

  for (guint i = 0; store != NULL && i < live->n_changes; i++)
    {
      g_auto(GStrv) values = bench_company_values (i, 7);
      g_autoptr(CompaniesCompany) company = NULL;
      g_autoptr(CompaniesSyncResult) result = NULL;
      gint64 started;

      g_usleep (g_rand_int_range (rand, 50, 151) * 1000);
      company = companies_local_store_create_for_sync (store, (const char * const *) values,
                                                       &error);
      if (company == NULL)
        break;

      started = bench_now_us ();
      g_mutex_lock (&live->lock);
      g_hash_table_insert (live->started, g_strdup (companies_company_get_uuid (company)),
                           time_new (started));
      g_mutex_unlock (&live->lock);

      result = companies_sync_client_sync (client, NULL, &error);
      if (result == NULL)
        break;
    }

  g_mutex_lock (&live->lock);
  live->writer_done = TRUE;
  live->writer_error = error;
  g_mutex_unlock (&live->lock);
  return NULL;
}

static void start_watch (Live *live);

static void
synced_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  Live *live = user_data;
  g_autoptr(CompaniesSyncResult) result = NULL;
  gint64 now = bench_now_us ();

  live->busy = FALSE;
  result = companies_sync_client_sync_finish (live->watcher, res, &live->watcher_error);
  if (result == NULL)
    return;

  for (guint i = 0; i < result->applied->len; i++)
    {
      const CompaniesAppliedRecord *record = &g_array_index (result->applied,
                                                             CompaniesAppliedRecord, i);

      if (!g_hash_table_contains (live->visible, record->uuid))
        g_hash_table_insert (live->visible, g_strdup (record->uuid), time_new (now));
    }

  start_watch (live);
}

static void
watched_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  Live *live = user_data;
  gboolean changed = FALSE;

  live->busy = FALSE;
  if (!companies_sync_client_watch_finish (live->watcher, res, &changed, &live->watcher_error))
    return;

  if (changed)
    {
      live->busy = TRUE;
      companies_sync_client_sync_async (live->watcher, NULL, synced_cb, live);
    }
  else
    start_watch (live);
}

static void
start_watch (Live *live)
{
  if (live->stopping)
    return;

  live->busy = TRUE;
  companies_sync_client_watch_async (live->watcher, 5, NULL, watched_cb, live);
}

gboolean
bench_live_watch_run (const char         *url,
                      const char         *ca_file,
                      const char         *writer_path,
                      const char         *watcher_path,
                      guint               n_changes,
                      BenchWatchFigures  *out,
                      GError            **error)
{
  g_autoptr(CompaniesSyncResult) first = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  Live live = { 0 };
  GThread *writer;
  GHashTableIter iter;
  gpointer uuid;
  gpointer started;
  gint64 settle_until = 0;
  gboolean ok;

  live.url = url;
  live.ca_file = ca_file;
  live.writer_path = writer_path;
  live.n_changes = n_changes;
  g_mutex_init (&live.lock);
  live.started = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  live.visible = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  live.watcher = companies_sync_client_new (watcher_path, url, NULL);
  companies_sync_client_set_tls_ca_file (live.watcher, ca_file);
  companies_sync_client_set_report_applied (live.watcher, TRUE);
  first = companies_sync_client_sync (live.watcher, NULL, error);
  if (first == NULL)
    {
      g_clear_object (&live.watcher);
      return FALSE;
    }

  start_watch (&live);
  writer = g_thread_new ("bench-writer", writer_thread, &live);

  /* Until the writer is done and the watcher saw all, or it settled. */
  while (live.watcher_error == NULL)
    {
      gboolean writer_done;

      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
      g_mutex_lock (&live.lock);
      writer_done = live.writer_done;
      g_mutex_unlock (&live.lock);
      if (!writer_done)
        continue;
      if (settle_until == 0)
        settle_until = bench_now_us () + SETTLE_US;
      if (g_hash_table_size (live.visible) >= n_changes || bench_now_us () > settle_until)
        break;
    }

  live.stopping = TRUE;
  while (live.busy)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (writer);

  ok = live.writer_error == NULL && live.watcher_error == NULL;
  if (!ok)
    {
      g_propagate_error (error, live.writer_error != NULL ? g_steal_pointer (&live.writer_error)
                                                          : g_steal_pointer (&live.watcher_error));
      g_clear_error (&live.watcher_error);
    }
  else
    {
      out->changes = g_hash_table_size (live.started);
      out->seen = 0;
      g_hash_table_iter_init (&iter, live.started);
      while (g_hash_table_iter_next (&iter, &uuid, &started))
        {
          gint64 *visible = g_hash_table_lookup (live.visible, uuid);
          double ms;

          if (visible == NULL)
            continue;
          out->seen++;
          ms = (*visible - *(gint64 *) started) / 1000.0;
          g_array_append_val (latencies, ms);
        }
      out->p50_ms = bench_percentile (latencies, 50);
      out->p99_ms = bench_percentile (latencies, 99);
      out->max_ms = bench_max (latencies);
    }

  g_clear_object (&live.watcher);
  g_hash_table_unref (live.started);
  g_hash_table_unref (live.visible);
  g_mutex_clear (&live.lock);
  return ok;
}
