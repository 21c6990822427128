/* companies-bench-live: the figures of issue 11 (docs/live.md). A real
 * companies-server behind the project's nginx (TLS) on loopback, and a
 * relay in front of nginx that delays every chunk by half a round trip
 * each way (tests/common/companies-test-tcp-proxy.c):
 * a running client's no-op sync, its incremental sync of 100 changes, its
 * initial sync (and the connections it opened), a companies-cli process's
 * no-op sync, each in round trips; then the change-to-visible latency of
 * the change feed on loopback.
 *
 *   companies-bench-live [--records N] [--runs R] [--rtt-ms MS] [--changes C]
 *
 * It needs COMPANIES_SERVER, COMPANIES_CLI and G_TEST_SRCDIR (meson sets
 * them), nginx and the openssl command. It prints; it asserts no time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <stdio.h>

#include "companies-local-store.h"
#include "companies-sync-client.h"
#include "companies-test-nginx.h"
#include "companies-test-server.h"
#include "companies-test-tcp-proxy.h"
#include "companies-test-watcher.h"

#include "bench-data.h"
#include "bench-live-watch.h"
#include "bench-util.h"

typedef struct
{
  guint records;
  guint runs;
  guint rtt_ms;
  guint changes;
} LiveConfig;

typedef struct
{
  char                  *dir;
  char                  *ca_file;
  CompaniesTestServer   *server;
  CompaniesTestNginx    *nginx;     /* TLS, in front of the server */
  CompaniesTestTcpProxy *slow;
  char                  *direct_url;
  char                  *slow_url;
} Link;

static gboolean
link_start (Link              *link,
            const LiveConfig  *config,
            GError           **error)
{
  g_autofree char *server_db = NULL;
  g_autoptr(GUri) nginx_uri = NULL;
  const char *args[] = { "--trusted-proxy", "127.0.0.1", NULL };
  guint16 port;

  link->dir = companies_test_make_tmpdir ();
  server_db = g_build_filename (link->dir, "server.db", NULL);
  link->server = companies_test_server_start (server_db, args, error);
  if (link->server == NULL)
    return FALSE;

  port = companies_test_server_get_port (link->server);
  link->nginx = companies_test_nginx_start (&port, 1, error);
  if (link->nginx == NULL)
    return FALSE;
  link->ca_file = g_strdup (companies_test_nginx_get_ca_file (link->nginx));
  link->direct_url = g_strdup (companies_test_nginx_get_url (link->nginx));

  nginx_uri = g_uri_parse (link->direct_url, G_URI_FLAGS_NONE, error);
  if (nginx_uri == NULL)
    return FALSE;
  link->slow = companies_test_tcp_proxy_new (g_uri_get_port (nginx_uri), config->rtt_ms / 2, error);
  if (link->slow == NULL)
    return FALSE;
  link->slow_url = g_strdup_printf ("https://127.0.0.1:%u",
                                    companies_test_tcp_proxy_get_port (link->slow));
  return TRUE;
}

static void
link_stop (Link *link)
{
  g_clear_pointer (&link->slow, companies_test_tcp_proxy_free);
  g_clear_pointer (&link->nginx, companies_test_nginx_free);
  g_clear_pointer (&link->server, companies_test_server_free);
  if (link->dir != NULL)
    companies_test_remove_tree (link->dir);
  g_free (link->dir);
  g_free (link->ca_file);
  g_free (link->direct_url);
  g_free (link->slow_url);
}

static CompaniesSyncClient *
client_new (const Link *link,
            const char *name,
            const char *url)
{
  g_autofree char *path = g_build_filename (link->dir, name, NULL);
  CompaniesSyncClient *client = companies_sync_client_new (path, url, NULL);

  companies_sync_client_set_tls_ca_file (client, link->ca_file);
  return client;
}

/* One blocking sync; its time in milliseconds, or a negative number. */
static double
timed_sync (CompaniesSyncClient  *client,
            GError              **error)
{
  gint64 start = bench_now_us ();
  g_autoptr(CompaniesSyncResult) result = companies_sync_client_sync (client, NULL, error);

  return result != NULL ? (bench_now_us () - start) / 1000.0 : -1;
}

static void
print_row (const char       *figure,
           double            ms,
           const LiveConfig *config,
           const char       *goal,
           const char       *note)
{
  printf ("| %s | %.1f ms | %.2f | %s | %s |\n",
          figure, ms, ms / config->rtt_ms, goal, note);
}

/* The writer edits 100 records straight on the server; the slow
 * client's sync of them is timed. */
static gboolean
incremental_runs (const Link          *link,
                  const LiveConfig    *config,
                  CompaniesSyncClient *writer,
                  CompaniesLocalStore *writer_store,
                  CompaniesSyncClient *slow,
                  GArray              *times,
                  GError             **error)
{
  for (guint run = 0; run < config->runs; run++)
    {
      double ms;

      for (guint i = 1; i <= 100; i++)
        {
          g_autofree char *ref = g_strdup_printf ("%u", (run * 100 + i) % config->records + 1);
          g_autofree char *phone = bench_edit_value (i, run + 1);
          const char *values[COMPANIES_N_FIELDS] = { NULL };
          g_autoptr(CompaniesCompany) edited = NULL;

          values[COMPANIES_FIELD_PHONE] = phone;
          edited = companies_local_store_update_for_sync (writer_store, ref,
                                                          1u << COMPANIES_FIELD_PHONE,
                                                          values, error);
          if (edited == NULL)
            return FALSE;
        }
      if (timed_sync (writer, error) < 0 || (ms = timed_sync (slow, error)) < 0)
        return FALSE;
      g_array_append_val (times, ms);
    }

  return TRUE;
}

/* One companies-cli process, @command on @database (and the server at
 * @url for "sync"), timed from spawn to exit, in milliseconds; negative
 * on failure. */
static double
timed_cli (const Link  *link,
           const char  *database,
           const char  *url,
           const char  *command,
           GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    companies_test_cli_launcher_new (link->dir, G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  gint64 start = bench_now_us ();

  process = g_subprocess_launcher_spawn (launcher, error, g_getenv ("COMPANIES_CLI"),
                                         "--database", database, "--server", url,
                                         "--ca-file", link->ca_file, command, NULL);
  if (process == NULL || !g_subprocess_wait_check (process, NULL, error))
    return -1;

  return (bench_now_us () - start) / 1000.0;
}

/* companies-cli sync of an up-to-date file as a new process each run:
 * over the slow link (connect, TLS, one request), and straight to nginx
 * on loopback (the same process and TLS work, without the link's round
 * trips); and `status` of the same file, the process's start without any
 * network. @times holds three arrays: slow, direct, status. */
static gboolean
cli_runs (const Link        *link,
          const LiveConfig  *config,
          const char        *database,
          GArray           **times,
          GError           **error)
{
  for (guint run = 0; run < config->runs; run++)
    {
      double ms[3];

      if ((ms[0] = timed_cli (link, database, link->slow_url, "sync", error)) < 0 ||
          (ms[1] = timed_cli (link, database, link->direct_url, "sync", error)) < 0 ||
          (ms[2] = timed_cli (link, database, link->slow_url, "status", error)) < 0)
        return FALSE;
      for (guint i = 0; i < 3; i++)
        g_array_append_val (times[i], ms[i]);
    }

  return TRUE;
}

static gboolean
run_link_figures (Link              *link,
                  const LiveConfig  *config,
                  GError           **error)
{
  g_autoptr(CompaniesSyncClient) writer = client_new (link, "writer.db", link->direct_url);
  g_autoptr(CompaniesSyncClient) slow = client_new (link, "slow.db", link->slow_url);
  g_autoptr(CompaniesSyncClient) cli_seed = client_new (link, "cli.db", link->direct_url);
  g_autoptr(CompaniesLocalStore) writer_store = NULL;
  g_autoptr(GPtrArray) rows = bench_company_rows (config->records);
  g_autoptr(GArray) noop = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) incremental = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cli = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cli_direct = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cli_local = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *cli_times[] = { cli, cli_direct, cli_local };
  g_autofree char *writer_path = g_build_filename (link->dir, "writer.db", NULL);
  g_autofree char *cli_path = g_build_filename (link->dir, "cli.db", NULL);
  g_autofree char *note = NULL;
  guint accepted;
  double initial;

  writer_store = companies_local_store_open (writer_path, error);
  if (writer_store == NULL || !companies_local_store_import_for_sync (writer_store, rows, error) ||
      timed_sync (writer, error) < 0 || timed_sync (cli_seed, error) < 0)
    return FALSE;

  accepted = companies_test_tcp_proxy_get_accepted (link->slow);
  if ((initial = timed_sync (slow, error)) < 0)
    return FALSE;
  note = g_strdup_printf ("%u records, %u connection(s)", config->records,
                          companies_test_tcp_proxy_get_accepted (link->slow) - accepted);

  accepted = companies_test_tcp_proxy_get_accepted (link->slow);
  for (guint run = 0; run < MAX (config->runs, 5); run++)
    {
      double ms = timed_sync (slow, error);

      if (ms < 0)
        return FALSE;
      g_array_append_val (noop, ms);
    }
  /* The CLI's file catches up first: its syncs below are no-ops. */
  if (!incremental_runs (link, config, writer, writer_store, slow, incremental, error) ||
      timed_sync (cli_seed, error) < 0 ||
      !cli_runs (link, config, cli_path, cli_times, error))
    return FALSE;

  printf ("| figure | time | round trips | goal | note |\n");
  printf ("| --- | --- | --- | --- | --- |\n");
  print_row ("running client: no-op sync (median)", bench_median (noop), config, "≤ 1.2 RTT", "");
  print_row ("running client: incremental sync of 100 changes (median)",
             bench_median (incremental), config, "≤ 2 RTT", "");
  print_row ("running client: initial sync", initial, config, "one connection", note);
  g_free (note);
  note = g_strdup_printf ("%u new connection(s) over all the syncs above",
                          companies_test_tcp_proxy_get_accepted (link->slow) - accepted);
  print_row ("companies-cli process: no-op sync (median)", bench_median (cli), config,
             "≤ 3 RTT", note);
  print_row ("companies-cli process: no-op sync, loopback without delay (median)",
             bench_median (cli_direct), config, "", "the process's own cost, TLS included");
  print_row ("companies-cli process: status, no network (median)", bench_median (cli_local),
             config, "", "the process's start, no network");
  print_row ("companies-cli process: no-op sync less the same without delay (medians)",
             bench_median (cli) - bench_median (cli_direct), config, "≤ 3 RTT",
             "the link's round trips: connect, TLS, request");
  /* On a loaded machine the fastest runs are the least disturbed. */
  print_row ("companies-cli process: fastest no-op sync less the fastest without delay",
             bench_percentile (cli, 0) - bench_percentile (cli_direct, 0), config, "≤ 3 RTT",
             "the same, the least disturbed runs");
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  LiveConfig config = { 10000, 5, 50, 200 };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *watcher_path = NULL;
  g_autofree char *writer_path = NULL;
  g_autofree char *load = NULL;
  Link link = { 0 };
  BenchWatchFigures watch = { 0 };
  const GOptionEntry entries[] = {
    { "records", 0, 0, G_OPTION_ARG_INT, &config.records, "Records of the initial sync", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &config.runs, "Runs of each timed sync", "R" },
    { "rtt-ms", 0, 0, G_OPTION_ARG_INT, &config.rtt_ms, "The slow link's round trip", "MS" },
    { "changes", 0, 0, G_OPTION_ARG_INT, &config.changes, "Changes watched", "C" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      config.records < 200 || config.runs < 1 || config.rtt_ms < 2 || config.changes < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message
                                        : "--records must be at least 200, the others positive");
      return 2;
    }

  if (!g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    load = g_strdup ("?\n");
  printf ("Companies live benchmark: companies-server behind nginx (TLS) on loopback, "
          "%u ms round trips through a delaying relay; load average %s\n", config.rtt_ms, load);
  if (!link_start (&link, &config, &error) || !run_link_figures (&link, &config, &error))
    goto fail;

  watcher_path = g_build_filename (link.dir, "watcher.db", NULL);
  writer_path = g_build_filename (link.dir, "watch-writer.db", NULL);
  if (!bench_live_watch_run (link.direct_url, link.ca_file, writer_path, watcher_path,
                             config.changes, &watch, &error))
    goto fail;
  printf ("\n| change to visible, watch, loopback | p50 | p99 | max | seen | goal |\n");
  printf ("| --- | --- | --- | --- | --- | --- |\n");
  printf ("| %u changes, one every 50–150 ms | %.1f ms | %.1f ms | %.1f ms | %u of %u | "
          "p50 ≤ 100 ms, p99 ≤ 500 ms, none missed |\n",
          watch.changes, watch.p50_ms, watch.p99_ms, watch.max_ms, watch.seen, watch.changes);

  link_stop (&link);
  return 0;

fail:
  g_printerr ("companies-bench-live: %s\n", error->message);
  link_stop (&link);
  return 1;
}
