/* bench-run.c: one run of the sync benchmark.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "companies-local-store.h"
#include "companies-sync-client.h"
#include "companies-test-server.h"

#include "bench-data.h"
#include "bench-limit.h"
#include "bench-cli.h"
#include "bench-run.h"
#include "bench-util.h"

#define CHILD_PREFIX "BENCH-CHILD "

static void
note (const BenchConfig *config,
      const char        *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
note (const BenchConfig *config,
      const char        *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (!config->verbose)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("  %s\n", message);
}

/* --- The initial sync, in a child process. --- */

int
bench_child_sync (const char *database_path,
                  const char *url,
                  int         count)
{
  g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (database_path, url, NULL);
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = bench_now_us ();
  gint64 elapsed;
  struct rusage usage;

  result = companies_sync_client_sync (client, NULL, &error);
  elapsed = bench_now_us () - start;
  if (result == NULL)
    {
      g_printerr ("The initial sync failed: %s\n", error->message);
      return 1;
    }

  /* The whole process: whatever threads the sync used. */
  if (getrusage (RUSAGE_SELF, &usage) != 0)
    memset (&usage, 0, sizeof usage);

  printf (CHILD_PREFIX "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u %u %.3f\n",
          elapsed, bench_peak_rss_kb (getpid ()), result->received, result->requests,
          usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
          (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6);
  fflush (stdout);

  for (int i = 1; i < count; i++)
    {
      g_autoptr(CompaniesSyncResult) again = companies_sync_client_sync (client, NULL, &error);

      if (again == NULL)
        {
          g_printerr ("Sync %d failed: %s\n", i + 1, error->message);
          return 1;
        }
    }

  return 0;
}

GSubprocess *
bench_child_sync_start (const char  *database_path,
                  const char  *url,
                  GError     **error)
{
  return g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                           "/proc/self/exe", "--child-sync", database_path, "--url", url, NULL);
}

gboolean
bench_child_sync_finish (GSubprocess  *child,
                   gint64       *out_elapsed_us,
                   gint64       *out_peak_kb,
                   guint        *out_received,
                   double       *out_cpu_s,
                   GError      **error)
{
  g_autofree char *output = NULL;
  const char *line;
  guint requests = 0;

  if (!g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, error))
    return FALSE;

  line = output != NULL ? strstr (output, CHILD_PREFIX) : NULL;
  if (!g_subprocess_get_successful (child) || line == NULL ||
      sscanf (line + strlen (CHILD_PREFIX), "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u %u %lf",
              out_elapsed_us, out_peak_kb, out_received, &requests, out_cpu_s) != 5)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the initial sync in a child process failed");
      return FALSE;
    }

  return TRUE;
}

/* --- Syncs in this process. --- */

/* A sync called from this thread: its wall time, and the CPU time it
 * took in this process (the sync's own threads: its worker, the apply
 * helper; nothing else runs here meanwhile) and in the server
 * (@server_pid). */
static CompaniesSyncResult *
timed_sync (CompaniesSyncClient  *client,
            GPid                  server_pid,
            double               *out_ms,
            double               *out_cpu_client_s,
            double               *out_cpu_server_s,
            GError              **error)
{
  double cpu_client = bench_self_cpu_s ();
  double cpu_server = bench_process_cpu_s (server_pid);
  gint64 start = bench_now_us ();
  CompaniesSyncResult *result = companies_sync_client_sync (client, NULL, error);

  *out_ms = (bench_now_us () - start) / 1000.0;
  *out_cpu_client_s = bench_self_cpu_s () - cpu_client;
  *out_cpu_server_s = bench_process_cpu_s (server_pid) - cpu_server;
  return result;
}

static gboolean
check (gboolean     condition,
       GError     **error,
       const char  *what)
{
  if (!condition)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "unexpected: %s", what);
  return condition;
}

/* Picks @n distinct local_ids in 1..@records. */
static gint64 *
pick_local_ids (GRand *rand,
                guint  records,
                guint  n)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 *ids = g_new (gint64, n);

  for (guint i = 0; i < n; i++)
    {
      do
        ids[i] = g_rand_int_range (rand, 1, (gint32) records + 1);
      while (g_hash_table_contains (taken, &ids[i]));
      g_hash_table_add (taken, &ids[i]);
    }

  return ids;
}

/* The milliseconds the server logged for its last sync request (its own
 * view: from the request's arrival to the answer), -1 when unknown. */
static double
server_last_sync_ms (CompaniesTestServer *server)
{
  g_autofree char *log = companies_test_server_get_log (server);
  const char *line = log != NULL ? g_strrstr (log, "POST " COMPANIES_SYNC_PATH " ") : NULL;
  const char *end;
  const char *number;

  if (line == NULL || (end = strstr (line, " ms\n")) == NULL)
    return -1;

  for (number = end; number > line && g_ascii_isdigit (number[-1]); number--)
    ;

  return g_ascii_strtod (number, NULL);
}

/* Another client edits @n records of the server (by raw requests). */
static gboolean
remote_edits (SoupSession          *session,
              const char           *url,
              const char           *cursor,
              const BenchRecordRef *refs,
              guint                 n,
              guint                 variant,
              GError              **error)
{
  g_autofree char *client_id = g_uuid_string_random ();
  g_autoptr(CompaniesSyncRequest) request = bench_request_new (client_id, cursor);
  g_autoptr(CompaniesSyncResponse) response = NULL;

  for (guint i = 0; i < n; i++)
    {
      CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_UPDATE);

      change->id = refs[i].id;
      change->base_version = refs[i].version;
      change->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_NOTES);
      change->values[COMPANIES_FIELD_NOTES] = g_strdup_printf ("Remote edit %u of record %" G_GINT64_FORMAT,
                                                               variant, refs[i].id);
      g_ptr_array_add (request->updated, change);
    }

  response = bench_post_sync (session, url, request, NULL, error);
  return response != NULL &&
         check (response->rejected->len == 0, error, "remote edits rejected");
}

/* 50/50 local and remote edits of distinct records, then one timed sync. */
static gboolean
incremental_sample (const BenchConfig    *config,
                    CompaniesLocalStore  *store,
                    CompaniesSyncClient  *client,
                    SoupSession          *session,
                    const char           *url,
                    const char           *path,
                    CompaniesTestServer  *server,
                    GRand                *rand,
                    guint                 sample,
                    double               *out_ms,
                    double               *out_cpu_client_ms,
                    double               *out_cpu_server_ms,
                    double               *out_server_ms,
                    GError              **error)
{
  GPid server_pid = companies_test_server_get_pid (server);
  double cpu_client = 0, cpu_server = 0;
  guint n_local = config->changed / 2;
  guint n_remote = config->changed - n_local;
  g_autofree gint64 *local_ids = pick_local_ids (rand, config->records, config->changed);
  g_autofree BenchRecordRef *refs = g_new0 (BenchRecordRef, config->changed);
  g_autofree char *cursor = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;

  if (!bench_client_records (path, local_ids, config->changed, refs, error) ||
      (cursor = bench_client_cursor (path, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < n_local; i++)
    {
      const char *values[COMPANIES_N_FIELDS + 1] = { NULL, };
      g_autofree char *phone = bench_edit_value (i, sample + 1);
      g_autoptr(CompaniesCompany) company = NULL;

      values[COMPANIES_FIELD_PHONE] = phone;
      company = companies_local_store_update_for_sync (store, refs[i].uuid,
                                                       COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                       values, error);
      if (company == NULL)
        return FALSE;
    }

  if (!remote_edits (session, url, cursor, refs + n_local, n_remote, sample, error))
    return FALSE;

  result = timed_sync (client, server_pid, out_ms, &cpu_client, &cpu_server, error);
  *out_cpu_client_ms = cpu_client * 1000;
  *out_cpu_server_ms = cpu_server * 1000;
  *out_server_ms = server_last_sync_ms (server);
  return result != NULL &&
         check (result->sent == n_local && result->received >= n_remote, error,
                "an incremental sync that did not move the changes");
}

/* The load's clients all connect from 127.0.0.1: one client to the
 * server, with more connections than its default per-client limit. */
static CompaniesTestServer *
start_server (const char  *database_path,
              GError     **error)
{
  const char *args[] = { "--max-client-connections", "1000", NULL };

  return companies_test_server_start (database_path, args, error);
}

static gboolean
run_in_dir (const BenchConfig  *config,
            GPtrArray          *rows,
            guint               run,
            const char         *dir,
            BenchRunResult     *out,
            GError            **error)
{
  g_autofree char *server_path = g_build_filename (dir, "server.db", NULL);
  g_autofree char *a_path = g_build_filename (dir, "a", "companies.db", NULL);
  g_autofree char *b_path = g_build_filename (dir, "b", "companies.db", NULL);
  g_autofree char *c_path = g_build_filename (dir, "c", "companies.db", NULL);
  g_autofree char *limit_path = g_build_filename (dir, "limit.db", NULL);
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(BenchSnapshot) snapshot = NULL;
  g_autoptr(SoupSession) session = bench_session_new ();
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_server_samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) server_samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (1000 + run);
  g_autofree char *cursor = NULL;
  BenchProbe *probe;
  const char *url;
  gint64 start, elapsed_us = 0, peak_kb = 0;
  guint received = 0;
  double ms, cpu_client, cpu_server, cpu;
  GPid pid;

  server = start_server (server_path, error);
  if (server == NULL)
    return FALSE;
  url = companies_test_server_get_url (server);
  pid = companies_test_server_get_pid (server);

  /* Push: a bulk import (not timed), then one sync sends it all. */
  note (config, "importing %u companies into a new client", config->records);
  start = bench_now_us ();
  store = companies_local_store_open (a_path, error);
  if (store == NULL || !companies_local_store_import_for_sync (store, rows, error))
    return FALSE;
  g_clear_object (&store);
  out->import_s = (bench_now_us () - start) / (double) G_USEC_PER_SEC;

  note (config, "push");
  client = companies_sync_client_new (a_path, url, NULL);
  result = timed_sync (client, pid, &ms, &out->push_cpu_client_s, &out->push_cpu_server_s, error);
  if (result == NULL || !check (result->sent == config->records, error, "the push sent less"))
    return FALSE;
  out->push_s = ms / 1000;
  g_clear_pointer (&result, companies_sync_result_free);
  g_clear_object (&client);

  /* A fresh server process on the same file, so that its peak RSS is
   * the one of serving the initial sync alone. */
  companies_test_server_stop (server);
  g_clear_pointer (&server, companies_test_server_free);
  server = start_server (server_path, error);
  if (server == NULL)
    return FALSE;
  url = companies_test_server_get_url (server);
  pid = companies_test_server_get_pid (server);

  note (config, "initial sync (child process)");
  cpu_server = bench_process_cpu_s (pid);
  child = bench_child_sync_start (b_path, url, error);
  if (child == NULL ||
      !bench_child_sync_finish (child, &elapsed_us, &peak_kb, &received, &out->initial_cpu_client_s, error) ||
      !check (received == config->records, error, "the initial sync received less"))
    return FALSE;
  out->initial_cpu_server_s = bench_process_cpu_s (pid) - cpu_server;
  g_clear_object (&child);
  out->initial_s = elapsed_us / (double) G_USEC_PER_SEC;
  out->client_rss_mb = peak_kb / 1024.0;
  out->server_rss_mb = bench_peak_rss_kb (companies_test_server_get_pid (server)) / 1024.0;

  if (config->sync_only)
    goto incremental;

  note (config, "limit: fetching the same pages, then parse+insert");
  snapshot = bench_snapshot_fetch (url, error);
  if (snapshot == NULL)
    return FALSE;
  cpu = bench_thread_cpu_s ();
  start = bench_limit_run (snapshot, limit_path, error);
  if (start < 0)
    return FALSE;
  out->limit_cpu_s = bench_thread_cpu_s () - cpu;
  out->limit_s = start / (double) G_USEC_PER_SEC;
  out->json_bytes = snapshot->total_bytes;
  g_clear_pointer (&snapshot, bench_snapshot_free);

  note (config, "no-op syncs");
  client = companies_sync_client_new (b_path, url, NULL);
  for (guint i = 0; i < config->noop_samples; i++)
    {
      result = timed_sync (client, pid, &ms, &cpu_client, &cpu_server, error);
      if (result == NULL ||
          !check (result->sent == 0 && result->received == 0, error, "a no-op sync did something"))
        return FALSE;
      g_clear_pointer (&result, companies_sync_result_free);
      g_array_append_val (samples, ms);
      cpu = cpu_client * 1000;
      g_array_append_val (cpu_samples, cpu);
      cpu = cpu_server * 1000;
      g_array_append_val (cpu_server_samples, cpu);
      cpu = server_last_sync_ms (server);
      g_array_append_val (server_samples, cpu);
    }
  out->noop_server_ms = bench_median (server_samples);
  out->noop_ms = bench_median (samples);
  out->noop_cpu_client_ms = bench_median (cpu_samples);
  out->noop_cpu_server_ms = bench_median (cpu_server_samples);
  g_array_set_size (server_samples, 0);
  g_array_set_size (samples, 0);
  g_array_set_size (cpu_samples, 0);
  g_array_set_size (cpu_server_samples, 0);

  note (config, "companies-cli status and a no-op sync, as processes");
  {
    const char *status_args[] = { "--database", b_path, "status", NULL };
    const char *sync_args[] = { "--database", b_path, "sync", "--server", url, NULL };

    if (!bench_cli_median_ms (status_args, config->noop_samples, &out->cli_status_ms, error) ||
        !bench_cli_median_ms (sync_args, config->noop_samples, &out->cli_noop_sync_ms, error))
      return FALSE;
  }

incremental:
  note (config, "incremental syncs");
  if (client == NULL)
    client = companies_sync_client_new (b_path, url, NULL);
  store = companies_local_store_open (b_path, error);
  if (store == NULL)
    return FALSE;
  for (guint i = 0; i < config->incremental_samples; i++)
    {
      double server_ms = 0;

      if (!incremental_sample (config, store, client, session, url, b_path, server, rand, i,
                               &ms, &cpu_client, &cpu_server, &server_ms, error))
        return FALSE;
      g_array_append_val (samples, ms);
      g_array_append_val (cpu_samples, cpu_client);
      g_array_append_val (cpu_server_samples, cpu_server);
      g_array_append_val (server_samples, server_ms);
    }
  out->incremental_ms = bench_median (samples);
  out->incremental_cpu_client_ms = bench_median (cpu_samples);
  out->incremental_cpu_server_ms = bench_median (cpu_server_samples);
  out->incremental_server_ms = bench_median (server_samples);
  g_clear_object (&store);

  if (!config->sync_only)
    note (config, "%u clients for %.0f s", config->clients, config->load_seconds);
  cursor = bench_client_cursor (b_path, error);
  if (cursor == NULL)
    return FALSE;
  cpu_client = bench_self_cpu_s ();
  cpu_server = bench_process_cpu_s (pid);
  if (!config->sync_only)
    bench_load_run (url, cursor, config->clients, config->load_seconds, &out->load);
  if (out->load.n_syncs > 0)
    {
      out->load_cpu_client_ms = (bench_self_cpu_s () - cpu_client) * 1000 / out->load.n_syncs;
      out->load_cpu_server_ms = (bench_process_cpu_s (pid) - cpu_server) * 1000 / out->load.n_syncs;
    }

  /* Catch up (not timed), so that the probe starts from a fresh cursor. */
  result = companies_sync_client_sync (client, NULL, error);
  if (result == NULL)
    return FALSE;
  g_clear_pointer (&result, companies_sync_result_free);
  g_free (cursor);
  cursor = bench_client_cursor (b_path, error);
  if (cursor == NULL)
    return FALSE;

  note (config, "other clients while a snapshot is served");
  probe = bench_probe_start (url, cursor, 10);
  child = bench_child_sync_start (c_path, url, error);
  if (child == NULL)
    {
      bench_probe_stop (probe, &out->probe);
      return FALSE;
    }
  if (!bench_child_sync_finish (child, &elapsed_us, &peak_kb, &received, &cpu, error))
    {
      bench_probe_stop (probe, &out->probe);
      return FALSE;
    }
  bench_probe_stop (probe, &out->probe);
  out->probed_snapshot_s = elapsed_us / (double) G_USEC_PER_SEC;

  g_clear_object (&client);
  companies_test_server_stop (server);
  return TRUE;
}

/* The app's figures, from companies-bench-app in a process of its own
 * (it needs a display); FALSE when it is not built or cannot run. */
static gboolean
run_app_bench (const BenchConfig *config,
               BenchRunResult    *out)
{
  const char *app_bench = g_getenv ("COMPANIES_BENCH_APP");
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *records = NULL;
  g_autofree char *output = NULL;
  const char *line;
  int kept = 0;

  if (app_bench == NULL)
    return FALSE;

  records = g_strdup_printf ("%u", config->records);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            app_bench, "--records", records, NULL);
  if (child == NULL || !g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, &error))
    {
      g_printerr ("The app benchmark did not run: %s\n", error->message);
      return FALSE;
    }

  line = output != NULL ? strstr (output, "BENCH-APP ") : NULL;
  if (!g_subprocess_get_successful (child) || line == NULL ||
      sscanf (line + strlen ("BENCH-APP "), "%lf %lf %lf %lf %lf %lf %d %*u %*f %*f %*f %lf",
              &out->app_start_ms, &out->app_keystroke_ms, &out->app_search_changed_ms,
              &out->app_refine_ms, &out->app_refine_changed_ms, &out->app_refresh_ms, &kept,
              &out->app_peak_rss_mb) != 8)
    {
      g_printerr ("The app benchmark failed (is there a display? build-aux/bench.sh runs it under Xvfb)\n");
      return FALSE;
    }

  out->app_kept = kept != 0;
  return TRUE;
}

gboolean
bench_run_once (const BenchConfig  *config,
                GPtrArray          *rows,
                guint               run,
                BenchRunResult     *out_result,
                GError            **error)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  gboolean ok;

  memset (out_result, 0, sizeof *out_result);
  ok = run_in_dir (config, rows, run, dir, out_result, error);
  companies_test_remove_tree (dir);

  if (ok && !config->sync_only)
    {
      note (config, "the app");
      out_result->app_measured = run_app_bench (config, out_result);
    }

  return ok;
}

gboolean
bench_prepare_server (const char  *server_path,
                      GPtrArray   *rows,
                      GError     **error)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *client_path = g_build_filename (dir, "companies.db", NULL);
  g_autoptr(CompaniesTestServer) server = companies_test_server_start (server_path, NULL, error);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;

  if (server != NULL)
    {
      store = companies_local_store_open (client_path, error);
      if (store != NULL && companies_local_store_import_for_sync (store, rows, error))
        {
          client = companies_sync_client_new (client_path, companies_test_server_get_url (server), NULL);
          result = companies_sync_client_sync (client, NULL, error);
        }
    }

  g_clear_object (&store);
  companies_test_remove_tree (dir);
  return result != NULL;
}
