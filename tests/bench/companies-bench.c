/* companies-bench.c: the performance benchmark of issue 4: syncs of
 * 100,000 realistic companies with a real companies-server on loopback,
 * each figure the median of several runs, the initial sync beside the
 * in-process parse+insert limit measured in the same run.
 *
 *   companies-bench [--records N] [--runs R] [--load-seconds S] [--clients C]
 *                   [--sync-only]
 *
 * or COMPANIES_BENCH_RECORDS / _RUNS / _LOAD_SECONDS / _CLIENTS; the
 * PostgreSQL rows (bench-postgres.c) unless COMPANIES_BENCH_POSTGRES=0
 * (--postgres-only: those rows alone, without the SQLite ones). It needs
 * COMPANIES_SERVER (meson sets it; build-aux/bench.sh runs it). The
 * benchmark prints; it asserts no time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "companies-local-store.h"

#include "bench-csv.h"
#include "bench-data.h"
#include "bench-run.h"
#include "bench-util.h"

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 parsed = 0;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT32, &parsed, NULL))
    return (guint) parsed;

  return fallback;
}

static char *
cpu_model (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &contents, NULL, NULL))
    return g_strdup ("unknown CPU");

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name"))
      {
        const char *colon = strchr (lines[i], ':');

        if (colon != NULL)
          return g_strstrip (g_strdup (colon + 1));
      }

  return g_strdup ("unknown CPU");
}

static char *
load_average (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) parts = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return g_strdup ("?");

  parts = g_strsplit (contents, " ", 4);
  if (g_strv_length (parts) < 3)
    return g_strdup ("?");

  return g_strdup_printf ("%s %s %s", parts[0], parts[1], parts[2]);
}

static void
print_machine (void)
{
  g_autofree char *cpu = cpu_model ();
  g_autofree char *load = load_average ();
  struct utsname name;

  if (uname (&name) != 0)
    memset (&name, 0, sizeof name);

  printf ("Machine: %s, %d cores online, Linux %s; SQLite %s, json-glib %d.%d.%d; "
          "load average at start %s\n",
          cpu, (int) sysconf (_SC_NPROCESSORS_ONLN), name.release, sqlite3_libversion (),
          JSON_MAJOR_VERSION, JSON_MINOR_VERSION, JSON_MICRO_VERSION, load);
}

/* The median over the runs of the double at @offset in BenchRunResult. */
static double
median_of (const BenchRunResult *results,
           guint                 n,
           gsize                 offset)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n; i++)
    g_array_append_val (values, G_STRUCT_MEMBER (double, &results[i], offset));

  return bench_median (values);
}

#define MEDIAN(field) median_of (results, n, G_STRUCT_OFFSET (BenchRunResult, field))

static const char *
verdict (gboolean met)
{
  return met ? "met" : "**not met**";
}

/* One load row: rate, p99, and what a sync cost in CPU. */
static void
print_postgres_load (const BenchRunResult *results,
                     guint                 n,
                     gsize                 offset,
                     const char           *title,
                     gboolean              has_goal)
{
  double rate = median_of (results, n, offset + G_STRUCT_OFFSET (BenchPostgresLoad, load) +
                           G_STRUCT_OFFSET (BenchLoadResult, syncs_per_second));
  double p99 = median_of (results, n, offset + G_STRUCT_OFFSET (BenchPostgresLoad, load) +
                          G_STRUCT_OFFSET (BenchLoadResult, p99_ms));
  double server_ms = median_of (results, n, offset + G_STRUCT_OFFSET (BenchPostgresLoad, server_cpu_ms));
  double postgres_ms = median_of (results, n,
                                  offset + G_STRUCT_OFFSET (BenchPostgresLoad, postgres_cpu_ms));

  printf ("| %s | %.0f syncs/s, p99 %.1f ms | servers %.2f + PostgreSQL %.2f ms a sync "
          "| | %s | %s |\n",
          title, rate, p99, server_ms, postgres_ms,
          has_goal ? "≥ 1500 syncs/s, p99 ≤ 20 ms" : "(no goal: beside the others)",
          has_goal ? verdict (rate >= 1500 && p99 <= 20) : "");
}

#define PG_LOAD(field) (G_STRUCT_OFFSET (BenchRunResult, pg) + G_STRUCT_OFFSET (BenchPostgresResult, field))

/* The PostgreSQL rows (bench-postgres.c), beside the SQLite figures of
 * the same push and initial sync, measured by the same code in the same
 * run. */
static void
print_postgres_rows (const BenchConfig    *config,
                     const BenchRunResult *results,
                     guint                 n)
{
  double pg_initial = MEDIAN (pg.postgres.initial_s);
  double pg_push = MEDIAN (pg.postgres.push_s);
  double sqlite_initial = MEDIAN (pg.sqlite.initial_s);
  double sqlite_push = MEDIAN (pg.sqlite.push_s);
  double rss = MEDIAN (pg.server_rss_mb);
  g_autofree char *sqlite = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autofree char *front_one = NULL;
  g_autofree char *front_two = NULL;
  g_autofree char *sqlite_kept = NULL;
  g_autofree char *one_kept = NULL;

  for (guint i = 0; i < n; i++)
    if (!results[i].pg.measured)
      {
        printf ("| PostgreSQL rows | not measured (COMPANIES_BENCH_POSTGRES=0) | | | | |\n");
        return;
      }

  printf ("| SQLite (same client code, for the ratio): initial sync of %u | %.2f s | server %.2f s "
          "| | | |\n",
          config->records, sqlite_initial, MEDIAN (pg.sqlite.initial_server_cpu_s));
  printf ("| PostgreSQL: initial sync of %u into an empty client | %.2f s (%.2f × SQLite) "
          "| server %.2f + PostgreSQL %.2f s | | ≤ 1.5 × SQLite | %s |\n",
          config->records, pg_initial, pg_initial / MAX (sqlite_initial, 1e-9),
          MEDIAN (pg.postgres.initial_server_cpu_s), MEDIAN (pg.postgres.initial_postgres_cpu_s),
          verdict (pg_initial <= 1.5 * sqlite_initial));
  printf ("| SQLite (same client code, for the ratio): push of %u | %.2f s | server %.2f s | | | |\n",
          config->records, sqlite_push, MEDIAN (pg.sqlite.push_server_cpu_s));
  printf ("| PostgreSQL: push of %u locally created records | %.2f s (%.2f × SQLite) "
          "| server %.2f + PostgreSQL %.2f s | | ≤ 1.5 × SQLite | %s |\n",
          config->records, pg_push, pg_push / MAX (sqlite_push, 1e-9),
          MEDIAN (pg.postgres.push_server_cpu_s), MEDIAN (pg.postgres.push_postgres_cpu_s),
          verdict (pg_push <= 1.5 * sqlite_push));

  one = g_strdup_printf ("PostgreSQL: %u clients, one server, for %.0f s", config->clients,
                         config->load_seconds);
  two = g_strdup_printf ("PostgreSQL: %u clients, two servers, each client on one", config->clients);
  front_one = g_strdup_printf ("PostgreSQL: %u clients, one server behind nginx "
                               "(TLS, kept-alive connections)", config->clients);
  front_two = g_strdup_printf ("PostgreSQL: %u clients, two servers behind nginx "
                               "(TLS, kept-alive connections)", config->clients);
  sqlite = g_strdup_printf ("SQLite (same moment, for comparison): %u clients, one server",
                            config->clients);
  print_postgres_load (results, n, PG_LOAD (load_sqlite), sqlite, FALSE);
  print_postgres_load (results, n, PG_LOAD (load_one), one, TRUE);
  sqlite_kept = g_strdup_printf ("SQLite (same moment): %u clients, one server, connections "
                                 "kept alive (as the app's client)", config->clients);
  one_kept = g_strdup_printf ("PostgreSQL: %u clients, one server, connections kept alive "
                              "(as the app's client)", config->clients);
  print_postgres_load (results, n, PG_LOAD (load_sqlite_kept), sqlite_kept, FALSE);
  print_postgres_load (results, n, PG_LOAD (load_one_kept), one_kept, TRUE);
  print_postgres_load (results, n, PG_LOAD (load_two), two, FALSE);
  print_postgres_load (results, n, PG_LOAD (load_nginx_one), front_one, FALSE);
  print_postgres_load (results, n, PG_LOAD (load_nginx), front_two, TRUE);
  printf ("| PostgreSQL: server peak RSS while serving the initial sync | %.0f MB | | | ≤ 80 MB | %s |\n",
          rss, verdict (rss <= 80));
}

/* --sync-only: the sync rows of issue 13, with their CPU times. */
static void
print_sync_table (const BenchConfig    *config,
                  const BenchRunResult *results,
                  guint                 n)
{
  double initial = MEDIAN (initial_s);
  double push = MEDIAN (push_s);
  double incremental = MEDIAN (incremental_ms);
  double probe_p99 = MEDIAN (probe.sync_p99_ms);
  g_autofree char *load = load_average ();

  printf ("\n%u companies, the sync figures alone; medians of %u runs; load average at end %s\n\n",
          config->records, n, load);
  printf ("| figure | median | CPU time (client + server) | goal at 1M |\n");
  printf ("| --- | --- | --- | --- |\n");
  printf ("| initial sync into an empty client | %.2f s | %.2f + %.2f s | ≤ 10 × the 100k figure |\n",
          initial, MEDIAN (initial_cpu_client_s), MEDIAN (initial_cpu_server_s));
  printf ("| push of locally created records | %.2f s | %.2f + %.2f s | ≤ 10 s |\n",
          push, MEDIAN (push_cpu_client_s), MEDIAN (push_cpu_server_s));
  printf ("| incremental, %u changed | %.1f ms | %.1f + %.1f ms (server's log %.1f ms) | ≤ 15 ms |\n",
          config->changed, incremental, MEDIAN (incremental_cpu_client_ms),
          MEDIAN (incremental_cpu_server_ms), MEDIAN (incremental_server_ms));
  printf ("| small sync while a snapshot is served, p99 | %.1f ms (max %.1f ms, %u syncs) | | ≤ 20 ms |\n",
          probe_p99, MEDIAN (probe.sync_max_ms), results[0].probe.n_syncs);
  printf ("| client peak RSS during the initial sync | %.0f MB | | |\n", MEDIAN (client_rss_mb));
  printf ("| server peak RSS while serving it | %.0f MB | | |\n", MEDIAN (server_rss_mb));
}

static void
print_table (const BenchConfig    *config,
             const BenchRunResult *results,
             guint                 n)
{
  double initial = MEDIAN (initial_s);
  double limit = MEDIAN (limit_s);
  double ratio = MEDIAN (initial_s) / MAX (limit, 1e-9);
  double incremental = MEDIAN (incremental_ms);
  double noop = MEDIAN (noop_ms);
  double push = MEDIAN (push_s);
  double client_rss = MEDIAN (client_rss_mb);
  double server_rss = MEDIAN (server_rss_mb);
  double load_rate = MEDIAN (load.syncs_per_second);
  double load_p99 = MEDIAN (load.p99_ms);
  double health_max = MEDIAN (probe.health_max_ms);
  double health_p99 = MEDIAN (probe.health_p99_ms);
  double probe_max = MEDIAN (probe.sync_max_ms);
  double probe_p99 = MEDIAN (probe.sync_p99_ms);
  double json_mb = 0;
  gboolean app_measured = TRUE;
  g_autofree char *load = load_average ();

  for (guint i = 0; i < n; i++)
    json_mb = MAX (json_mb, results[i].json_bytes / 1e6);

  printf ("\n%u companies, %.1f MB of JSON in the snapshot (%.0f bytes a record); "
          "medians of %u runs; load average at end %s\n\n",
          config->records, json_mb, json_mb * 1e6 / MAX (config->records, 1), n, load);

  printf ("| figure | median | CPU time (client + server) | limit (same run) | goal | |\n");
  printf ("| --- | --- | --- | --- | --- | --- |\n");
  printf ("| initial sync of %u into an empty client (server already holds them) "
          "| %.2f s (%.2f × limit) | %.2f + %.2f s | %.2f s (CPU %.2f s) | ≤ 1.5 × limit | %s |\n",
          config->records, initial, ratio, MEDIAN (initial_cpu_client_s), MEDIAN (initial_cpu_server_s),
          limit, MEDIAN (limit_cpu_s), verdict (ratio <= 1.5));
  printf ("| incremental sync, %u changed of %u (%u pushed + %u pulled, one sync) "
          "| %.1f ms | %.1f + %.1f ms | | ≤ 15 ms | %s |\n",
          config->changed, config->records, config->changed / 2,
          config->changed - config->changed / 2, incremental,
          MEDIAN (incremental_cpu_client_ms), MEDIAN (incremental_cpu_server_ms),
          verdict (incremental <= 15));
  printf ("| sync with nothing to do, %u held | %.1f ms | %.1f + %.1f ms | | ≤ 5 ms | %s |\n",
          config->records, noop, MEDIAN (noop_cpu_client_ms), MEDIAN (noop_cpu_server_ms),
          verdict (noop <= 5));
  printf ("| push of %u locally created records (bulk import; the push timed) "
          "| %.2f s | %.2f + %.2f s | | ≤ 4 s | %s |\n",
          config->records, push, MEDIAN (push_cpu_client_s), MEDIAN (push_cpu_server_s),
          verdict (push <= 4));
  printf ("| client peak RSS during the initial sync of %u | %.0f MB | | | ≤ 120 MB | %s |\n",
          config->records, client_rss, verdict (client_rss <= 120));
  printf ("| server peak RSS while serving it | %.0f MB | | | ≤ 80 MB | %s |\n",
          server_rss, verdict (server_rss <= 80));
  printf ("| server: %u concurrent clients each syncing 1 change, for %.0f s "
          "| %.0f syncs/s, p99 %.1f ms | %.2f + %.2f ms a sync | | ≥ 1500 syncs/s, p99 ≤ 20 ms | %s |\n",
          config->clients, config->load_seconds, load_rate, load_p99,
          MEDIAN (load_cpu_client_ms), MEDIAN (load_cpu_server_ms),
          verdict (load_rate >= 1500 && load_p99 <= 20));
  printf ("| server: while a %u snapshot is served, other clients' health / small sync "
          "| health p99 %.1f ms, max %.1f ms; sync p99 %.1f ms, max %.1f ms | | | ≤ 20 ms | %s |\n",
          config->records, health_p99, health_max, probe_p99, probe_max,
          verdict (health_max <= 20 && probe_max <= 20));
  printf ("| `companies-cli status` as a process, %u held | %.1f ms | | | ≤ 20 ms | %s |\n",
          config->records, MEDIAN (cli_status_ms), verdict (MEDIAN (cli_status_ms) <= 20));
  printf ("| `companies-cli sync` with nothing to do, as a process, %u held | %.1f ms | | | ≤ 20 ms | %s |\n",
          config->records, MEDIAN (cli_noop_sync_ms), verdict (MEDIAN (cli_noop_sync_ms) <= 20));
  for (guint i = 0; i < n; i++)
    app_measured = app_measured && results[i].app_measured;

  if (app_measured)
    {
      double app_start = MEDIAN (app_start_ms);
      double app_keystroke = MEDIAN (app_keystroke_ms);
      double app_refresh = MEDIAN (app_refresh_ms);
      gboolean kept = TRUE;

      for (guint i = 0; i < n; i++)
        kept = kept && results[i].app_kept;

      printf ("| app: start to first drawn list with %u local companies (under Xvfb) "
              "| %.0f ms | | | ≤ 600 ms | %s |\n",
              config->records, app_start, verdict (app_start <= 600));
      printf ("| app: one search keystroke over %u, until the list shows the result "
              "| %.0f ms (%.0f ms after the entry's search-changed; a narrowing keystroke %.0f ms) "
              "| | | ≤ 50 ms | %s |\n",
              config->records, app_keystroke, MEDIAN (app_search_changed_ms), MEDIAN (app_refine_ms),
              verdict (app_keystroke <= 50));
      printf ("| app: list refresh after a change of 100 of %u (the longest main-loop iteration) "
              "| %.0f ms, selection and scroll %s | | | ≤ 30 ms, selection and scroll kept | %s |\n",
              config->records, app_refresh, kept ? "kept" : "**lost**",
              verdict (app_refresh <= 30 && kept));
      printf ("| app: peak RSS with %u local companies | %.0f MB | | | ≤ 150 MB | %s |\n",
              config->records, MEDIAN (app_peak_rss_mb), verdict (MEDIAN (app_peak_rss_mb) <= 150));
    }
  else
    {
      printf ("| app: start to first drawn list with %u local companies | not measured | | | ≤ 600 ms | |\n",
              config->records);
      printf ("| app: one search keystroke over %u | not measured | | | ≤ 50 ms | |\n", config->records);
      printf ("| app: list refresh after a sync that changed 100 of %u | not measured | | | ≤ 30 ms | |\n",
              config->records);
    }

  print_postgres_rows (config, results, n);

  printf ("\n");
  for (guint i = 0; i < n; i++)
    printf ("Run %u: initial %.2f s, limit %.2f s, push %.2f s (import before it %.2f s), "
            "no-op %.1f ms (server's log %.0f ms), incremental %.1f ms (server's log %.0f ms), "
            "%u syncs of the clients p50 %.1f ms p99 %.1f ms%s, "
            "probe %u health + %u syncs during a %.1f s snapshot%s; "
            "app: start %.0f ms, keystroke %.0f ms, refresh %.0f ms\n",
            i + 1, results[i].initial_s, results[i].limit_s, results[i].push_s,
            results[i].import_s, results[i].noop_ms, results[i].noop_server_ms,
            results[i].incremental_ms, results[i].incremental_server_ms,
            results[i].load.n_syncs, results[i].load.p50_ms, results[i].load.p99_ms,
            results[i].load.n_failed > 0 ? " (with failures)" : "",
            results[i].probe.n_health, results[i].probe.n_syncs, results[i].probed_snapshot_s,
            results[i].probe.n_failed > 0 ? " (with failures)" : "",
            results[i].app_start_ms, results[i].app_keystroke_ms, results[i].app_refresh_ms);
}

int
main (int    argc,
      char **argv)
{
  BenchConfig config = {
    .records = env_uint ("COMPANIES_BENCH_RECORDS", 100000),
    .runs = env_uint ("COMPANIES_BENCH_RUNS", 3),
    .changed = 100,
    .noop_samples = 20,
    .incremental_samples = 5,
    .clients = env_uint ("COMPANIES_BENCH_CLIENTS", 16),
    .load_seconds = env_uint ("COMPANIES_BENCH_LOAD_SECONDS", 10),
    .verbose = FALSE,
  };
  int records = (int) config.records;
  int runs = (int) config.runs;
  int clients = (int) config.clients;
  double load_seconds = config.load_seconds;
  g_autofree char *child_sync = NULL;
  g_autofree char *url = NULL;
  g_autofree char *prepare_server = NULL;
  g_autofree char *import_into = NULL;
  int loop = 1;
  gboolean csv_only = FALSE;
  gboolean postgres_only = FALSE;
  gboolean sync_only = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree BenchRunResult *results = NULL;
  const GOptionEntry entries[] = {
    { "records", 'n', 0, G_OPTION_ARG_INT, &records, "Companies on the server (100000)", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs to take the median of (3)", "R" },
    { "clients", 'c', 0, G_OPTION_ARG_INT, &clients, "Concurrent clients of the load figure (16)", "C" },
    { "load-seconds", 's', 0, G_OPTION_ARG_DOUBLE, &load_seconds, "Length of the load figure (10)", "S" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &config.verbose, "Say what runs, on stderr", NULL },
    { "sync-only", 0, 0, G_OPTION_ARG_NONE, &sync_only,
      "Only the sync figures (push, initial, incremental, small syncs during a snapshot)", NULL },
    { "child-sync", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &child_sync, NULL, NULL },
    { "url", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &url, NULL, NULL },
    /* For profiling by hand: --loop more syncs after the child's first,
     * --records companies imported into a client's file, and a server
     * database holding --records companies. */
    { "loop", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &loop, NULL, NULL },
    { "import-into", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &import_into, NULL, NULL },
    { "prepare-server", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &prepare_server, NULL, NULL },
    /* Only the CSV rows, for measuring them alone. */
    { "csv-only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &csv_only, NULL, NULL },
    /* Only the PostgreSQL rows (and the SQLite push and initial sync they
     * are compared with). */
    { "postgres-only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &postgres_only, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new ("— the Companies sync benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (child_sync != NULL)
    return bench_child_sync (child_sync, url, MAX (loop, 1));

  if (import_into != NULL)
    {
      g_autoptr(GPtrArray) imported = bench_company_rows ((guint) MAX (records, 1));
      g_autoptr(CompaniesLocalStore) store = companies_local_store_open (import_into, &error);

      if (store == NULL || !companies_local_store_import_for_sync (store, imported, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }

  if (prepare_server != NULL)
    {
      g_autoptr(GPtrArray) prepared = bench_company_rows ((guint) MAX (records, 1));

      if (!bench_prepare_server (prepare_server, prepared, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }

  if (records < 100 || runs < 1 || clients < 1 || load_seconds <= 0)
    {
      g_printerr ("--records must be at least 100, the others positive\n");
      return 2;
    }
  config.records = (guint) records;
  config.runs = (guint) runs;
  config.clients = (guint) clients;
  config.load_seconds = load_seconds;
  config.sync_only = sync_only;

  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("Companies sync benchmark: %u companies, %u runs\n", config.records, config.runs);
  print_machine ();

  rows = bench_company_rows (config.records);
  if (csv_only)
    {
      if (!bench_csv_run (rows, &error))
        {
          g_printerr ("The CSV figures failed: %s\n", error->message);
          return 1;
        }
      return 0;
    }
  results = g_new0 (BenchRunResult, config.runs);
  for (guint run = 0; run < config.runs; run++)
    {
      g_printerr ("Run %u of %u...\n", run + 1, config.runs);
      if (!postgres_only && !bench_run_once (&config, rows, run, &results[run], &error))
        {
          g_printerr ("Run %u failed: %s\n", run + 1, error->message);
          return 1;
        }
      if (!sync_only && g_strcmp0 (g_getenv ("COMPANIES_BENCH_POSTGRES"), "0") != 0 &&
          !bench_postgres_run_once (rows, config.clients, config.load_seconds,
                                    &results[run].pg, &error))
        {
          g_printerr ("Run %u on PostgreSQL failed: %s\n", run + 1, error->message);
          return 1;
        }
    }

  if (postgres_only)
    {
      g_autofree char *load = load_average ();

      printf ("\n%u companies; medians of %u runs; load average at end %s\n\n",
              config.records, config.runs, load);
      printf ("| figure | median | CPU time | limit | goal | |\n");
      printf ("| --- | --- | --- | --- | --- | --- |\n");
      print_postgres_rows (&config, results, config.runs);
      return 0;
    }
  if (sync_only)
    {
      print_sync_table (&config, results, config.runs);
      return 0;
    }
  print_table (&config, results, config.runs);
  if (!bench_csv_run (rows, &error))
    {
      g_printerr ("The CSV figures failed: %s\n", error->message);
      return 1;
    }
  return 0;
}
