/* bench-postgres.c: the benchmark's PostgreSQL rows
 *
 * The same data and the same clients as the SQLite rows (bench-run.c), so
 * that the figures sit side by side: the push of every record from a
 * client, the initial sync of all of them into an empty client (a child
 * process, against a server started afresh so that its peak RSS is the one
 * of serving it), both first on a SQLite server with the same code, for
 * the ratio; then the lean clients of bench-load.c on one server, on two
 * (each client on one), and the same clients through nginx
 * (data/nginx/companies.conf.in, TLS, each client keeping its connection)
 * in front of one server, then two, on the database, with the CPU time a
 * sync cost the servers and PostgreSQL; the load on one server (and on
 * SQLite's, beside it) is measured again with clients that keep their
 * connections alive, as the app's does. The cluster is durable (fsync
 * and synchronous_commit on, as SQLite's synchronous=FULL), and the
 * benchmark's own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <string.h>

#include "companies-local-store.h"
#include "companies-sync-client.h"
#include "companies-test-nginx.h"
#include "companies-test-postgres.h"
#include "companies-test-server.h"

#include "bench-postgres.h"
#include "bench-run.h"
#include "bench-util.h"

/* The load's clients all come from 127.0.0.1 (or from nginx on it). */
static const char * const server_args[] = {
  "--max-client-connections", "1000", "--trusted-proxy", "127.0.0.1", NULL
};

static gboolean
push (GPtrArray   *rows,
      const char  *path,
      const char  *url,
      double      *out_s,
      GError     **error)
{
  g_autoptr(CompaniesLocalStore) store = companies_local_store_open (path, error);
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  gint64 start;

  if (store == NULL || !companies_local_store_import_for_sync (store, rows, error))
    return FALSE;
  g_clear_object (&store);

  client = companies_sync_client_new (path, url, NULL);
  start = bench_now_us ();
  result = companies_sync_client_sync (client, NULL, error);
  *out_s = (bench_now_us () - start) / (double) G_USEC_PER_SEC;
  if (result == NULL)
    return FALSE;
  if (result->sent != rows->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the push sent %u of %u",
                   result->sent, rows->len);
      return FALSE;
    }

  return TRUE;
}

/* Into an empty client, in a child process; *@out_rss_mb (may be NULL):
 * the server's peak RSS. */
static gboolean
initial_sync (GPtrArray            *rows,
              const char           *path,
              CompaniesTestServer  *server,
              double               *out_s,
              double               *out_rss_mb,
              GError              **error)
{
  g_autoptr(GSubprocess) child = NULL;
  gint64 elapsed_us = 0, peak_kb = 0;
  guint received = 0;
  double cpu_s = 0;

  child = bench_child_sync_start (path, companies_test_server_get_url (server), error);
  if (child == NULL ||
      !bench_child_sync_finish (child, &elapsed_us, &peak_kb, &received, &cpu_s, error))
    return FALSE;
  if (received != rows->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the initial sync received %u of %u",
                   received, rows->len);
      return FALSE;
    }

  *out_s = elapsed_us / (double) G_USEC_PER_SEC;
  if (out_rss_mb != NULL)
    *out_rss_mb = bench_peak_rss_kb (companies_test_server_get_pid (server)) / 1024.0;
  return TRUE;
}

/* The CPU time of the cluster's processes: the postmaster and its
 * children (its backends live as long as the servers' connections). */
static double
cluster_cpu_s (GPid postmaster)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  double total;

  if (postmaster <= 0 || proc == NULL)
    return 0;

  total = bench_process_cpu_s (postmaster);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      char *end = NULL;
      gint64 pid = g_ascii_strtoll (name, &end, 10);
      const char *after_name;

      if (pid <= 0 || *end != '\0' || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;

      /* "PID (COMMAND) STATE PPID …": the command may hold spaces. */
      after_name = strrchr (stat, ')');
      if (after_name != NULL && strlen (after_name) > 4 &&
          g_ascii_strtoll (after_name + 4, NULL, 10) == postmaster)
        total += bench_process_cpu_s ((GPid) pid);
    }

  return total;
}

/* The push of @rows from a new client file @name-a.db, then, with the
 * server started afresh (so that its peak RSS is the one of serving it),
 * their initial sync into an empty @name-b.db; on SQLite when @database
 * is a path, on PostgreSQL for a URI (@postmaster: its cluster, 0 for
 * none). */
static gboolean
push_and_initial_sync (GPtrArray             *rows,
                       const char            *dir,
                       const char            *name,
                       const char            *database,
                       GPid                   postmaster,
                       BenchPostgresBulk     *out,
                       double                *out_rss_mb,
                       CompaniesTestServer  **out_server,
                       GError               **error)
{
  g_autofree char *a_name = g_strdup_printf ("%s-a.db", name);
  g_autofree char *b_name = g_strdup_printf ("%s-b.db", name);
  g_autofree char *a_path = g_build_filename (dir, a_name, NULL);
  g_autofree char *b_path = g_build_filename (dir, b_name, NULL);
  g_autoptr(CompaniesTestServer) server = companies_test_server_start (database, server_args, error);
  GPid pid;

  if (server == NULL)
    return FALSE;
  pid = companies_test_server_get_pid (server);
  out->push_server_cpu_s = -bench_process_cpu_s (pid);
  out->push_postgres_cpu_s = -cluster_cpu_s (postmaster);
  if (!push (rows, a_path, companies_test_server_get_url (server), &out->push_s, error))
    return FALSE;
  out->push_server_cpu_s += bench_process_cpu_s (pid);
  out->push_postgres_cpu_s += cluster_cpu_s (postmaster);

  companies_test_server_stop (server);
  g_clear_pointer (&server, companies_test_server_free);
  server = companies_test_server_start (database, server_args, error);
  if (server == NULL)
    return FALSE;
  pid = companies_test_server_get_pid (server);
  out->initial_server_cpu_s = -bench_process_cpu_s (pid);
  out->initial_postgres_cpu_s = -cluster_cpu_s (postmaster);
  if (!initial_sync (rows, b_path, server, &out->initial_s, out_rss_mb, error))
    return FALSE;
  out->initial_server_cpu_s += bench_process_cpu_s (pid);
  out->initial_postgres_cpu_s += cluster_cpu_s (postmaster);

  if (out_server != NULL)
    *out_server = g_steal_pointer (&server);
  else
    companies_test_server_stop (server);
  return TRUE;
}

static gboolean
catch_up (const char  *path,
          const char  *url,
          char       **inout_cursor,
          GError     **error)
{
  g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (path, url, NULL);
  g_autoptr(CompaniesSyncResult) result = companies_sync_client_sync (client, NULL, error);

  if (result == NULL)
    return FALSE;

  g_free (*inout_cursor);
  *inout_cursor = bench_client_cursor (path, error);
  return *inout_cursor != NULL;
}

/* The load of @n_clients on @urls (each client on one of them; with
 * @keep_alive, each keeping its connection over plain HTTP too), with what each sync cost the @n_servers servers and the cluster
 * in CPU. */
static void
timed_load (const char * const  *urls,
            gboolean             keep_alive,
            const GPid          *servers,
            guint                n_servers,
            GPid                 postmaster,
            const char          *cursor,
            guint                n_clients,
            double               seconds,
            BenchPostgresLoad   *out)
{
  double server_cpu = 0, postgres_cpu = cluster_cpu_s (postmaster);
  guint n_syncs;

  for (guint i = 0; i < n_servers; i++)
    server_cpu -= bench_process_cpu_s (servers[i]);

  bench_load_run_spread (urls, cursor, keep_alive, n_clients, seconds, &out->load);

  for (guint i = 0; i < n_servers; i++)
    server_cpu += bench_process_cpu_s (servers[i]);
  postgres_cpu = cluster_cpu_s (postmaster) - postgres_cpu;
  n_syncs = MAX (out->load.n_syncs, 1);
  out->server_cpu_ms = server_cpu * 1000 / n_syncs;
  out->postgres_cpu_ms = postgres_cpu * 1000 / n_syncs;
}

static gboolean
run_in_dir (GPtrArray              *rows,
            guint                   n_clients,
            double                  load_seconds,
            CompaniesTestPostgres  *cluster,
            const char             *dir,
            BenchPostgresResult    *out,
            GError                **error)
{
  g_autofree char *sqlite_path = g_build_filename (dir, "server.db", NULL);
  g_autofree char *b_path = g_build_filename (dir, "pg-b.db", NULL);
  g_autofree char *sqlite_b_path = g_build_filename (dir, "sqlite-b.db", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(CompaniesTestServer) first = NULL;
  g_autoptr(CompaniesTestServer) second = NULL;
  GPid postmaster = companies_test_postgres_get_pid (cluster);
  const char *urls[3] = { NULL, };
  GPid pids[2];
  guint16 ports[2];

  /* The same push, initial sync and load on SQLite first: the ratio's
   * base, and what the machine gave SQLite at that moment. */
  if (!push_and_initial_sync (rows, dir, "sqlite", sqlite_path, 0, &out->sqlite, NULL, &first,
                              error))
    return FALSE;
  cursor = bench_client_cursor (sqlite_b_path, error);
  if (cursor == NULL)
    return FALSE;
  urls[0] = companies_test_server_get_url (first);
  pids[0] = companies_test_server_get_pid (first);
  timed_load (urls, FALSE, pids, 1, 0, cursor, n_clients, load_seconds, &out->load_sqlite);
  if (!catch_up (sqlite_b_path, urls[0], &cursor, error))
    return FALSE;
  timed_load (urls, TRUE, pids, 1, 0, cursor, n_clients, load_seconds, &out->load_sqlite_kept);
  companies_test_server_stop (first);
  g_clear_pointer (&first, companies_test_server_free);
  g_clear_pointer (&cursor, g_free);

  uri = companies_test_postgres_create (cluster, "bench", error);
  if (uri == NULL ||
      !push_and_initial_sync (rows, dir, "pg", uri, postmaster, &out->postgres,
                              &out->server_rss_mb, &first, error))
    return FALSE;

  cursor = bench_client_cursor (b_path, error);
  if (cursor == NULL)
    return FALSE;
  urls[0] = companies_test_server_get_url (first);
  pids[0] = companies_test_server_get_pid (first);
  timed_load (urls, FALSE, pids, 1, postmaster, cursor, n_clients, load_seconds, &out->load_one);
  if (!catch_up (b_path, urls[0], &cursor, error))
    return FALSE;
  timed_load (urls, TRUE, pids, 1, postmaster, cursor, n_clients, load_seconds,
              &out->load_one_kept);

  second = companies_test_server_start (uri, server_args, error);
  if (second == NULL)
    return FALSE;
  ports[0] = companies_test_server_get_port (first);
  ports[1] = companies_test_server_get_port (second);
  urls[1] = companies_test_server_get_url (second);
  pids[1] = companies_test_server_get_pid (second);

  /* Before each load, a catch-up (not timed): its clients start from a
   * fresh cursor too, not one that the load before left behind. */
  if (!catch_up (b_path, urls[0], &cursor, error))
    return FALSE;
  timed_load (urls, FALSE, pids, 2, postmaster, cursor, n_clients, load_seconds, &out->load_two);

  for (guint n_servers = 1; n_servers <= 2; n_servers++)
    {
      g_autoptr(CompaniesTestNginx) nginx = NULL;
      g_autofree char *log = NULL;
      const char *front[2] = { NULL, NULL };

      if (!catch_up (b_path, urls[0], &cursor, error))
        return FALSE;
      nginx = companies_test_nginx_start (ports, n_servers, error);
      if (nginx == NULL)
        return FALSE;
      front[0] = companies_test_nginx_get_url (nginx);
      g_setenv ("COMPANIES_CA_FILE", companies_test_nginx_get_ca_file (nginx), TRUE);
      timed_load (front, FALSE, pids, n_servers, postmaster, cursor, n_clients, load_seconds,
                  n_servers == 1 ? &out->load_nginx_one : &out->load_nginx);
      g_unsetenv ("COMPANIES_CA_FILE");
      log = companies_test_nginx_get_log (nginx);
      if (*log != '\0')
        g_printerr ("nginx's log during the load:\n%s", log);
    }

  out->measured = TRUE;
  return TRUE;
}

gboolean
bench_postgres_run_once (GPtrArray            *rows,
                         guint                 n_clients,
                         double                load_seconds,
                         BenchPostgresResult  *out_result,
                         GError              **error)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autoptr(CompaniesTestPostgres) cluster = NULL;
  gboolean ok;

  memset (out_result, 0, sizeof *out_result);
  /* A cluster of one's own (its settings, its statistics) when
   * COMPANIES_TEST_PG_SOCKET_DIR names one. */
  if (g_getenv ("COMPANIES_TEST_PG_SOCKET_DIR") == NULL)
    cluster = companies_test_postgres_new_durable (error);
  ok = (cluster != NULL || g_getenv ("COMPANIES_TEST_PG_SOCKET_DIR") != NULL) &&
       run_in_dir (rows, n_clients, load_seconds,
                   cluster != NULL ? cluster : companies_test_postgres_get (), dir,
                   out_result, error);
  companies_test_remove_tree (dir);
  return ok;
}
