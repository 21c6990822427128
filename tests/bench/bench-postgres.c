/* bench-postgres.c: the benchmark's PostgreSQL rows
 *
 * The same data and the same clients as the SQLite rows (bench-run.c), so
 * that the figures sit side by side: the push of every record from a
 * client, the initial sync of all of them into an empty client (a child
 * process, against a server started afresh so that its peak RSS is the one
 * of serving it), the lean clients of bench-load.c on one server, on two
 * (each client on one), and the same clients through nginx
 * (data/nginx/companies.conf.in, TLS, each client keeping its connection)
 * in front of one server, then two, on the database.
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
push (GPtrArray            *rows,
      const char           *path,
      const char           *url,
      BenchPostgresResult  *out,
      GError              **error)
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
  out->push_s = (bench_now_us () - start) / (double) G_USEC_PER_SEC;
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

static gboolean
initial_sync (GPtrArray            *rows,
              const char           *path,
              CompaniesTestServer  *server,
              BenchPostgresResult  *out,
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

  out->initial_s = elapsed_us / (double) G_USEC_PER_SEC;
  out->server_rss_mb = bench_peak_rss_kb (companies_test_server_get_pid (server)) / 1024.0;
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

static gboolean
run_in_dir (GPtrArray            *rows,
            guint                 n_clients,
            double                load_seconds,
            const char           *dir,
            BenchPostgresResult  *out,
            GError              **error)
{
  g_autofree char *a_path = g_build_filename (dir, "a.db", NULL);
  g_autofree char *b_path = g_build_filename (dir, "b.db", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(CompaniesTestServer) first = NULL;
  g_autoptr(CompaniesTestServer) second = NULL;
  const char *urls[3] = { NULL, };
  guint16 ports[2];

  uri = companies_test_postgres_create (companies_test_postgres_get (), "bench", error);
  if (uri == NULL)
    return FALSE;

  first = companies_test_server_start (uri, server_args, error);
  if (first == NULL || !push (rows, a_path, companies_test_server_get_url (first), out, error))
    return FALSE;

  /* afresh, for the peak RSS of serving the initial sync alone */
  companies_test_server_stop (first);
  g_clear_pointer (&first, companies_test_server_free);
  first = companies_test_server_start (uri, server_args, error);
  if (first == NULL || !initial_sync (rows, b_path, first, out, error))
    return FALSE;

  cursor = bench_client_cursor (b_path, error);
  if (cursor == NULL)
    return FALSE;
  bench_load_run (companies_test_server_get_url (first), cursor, n_clients, load_seconds,
                  &out->load_one);

  second = companies_test_server_start (uri, server_args, error);
  if (second == NULL)
    return FALSE;
  ports[0] = companies_test_server_get_port (first);
  ports[1] = companies_test_server_get_port (second);
  urls[0] = companies_test_server_get_url (first);
  urls[1] = companies_test_server_get_url (second);

  /* Before each load, a catch-up (not timed): its clients start from a
   * fresh cursor too, not one that the load before left behind. */
  if (!catch_up (b_path, urls[0], &cursor, error))
    return FALSE;
  bench_load_run_spread (urls, cursor, n_clients, load_seconds, &out->load_two);

  for (guint n_servers = 1; n_servers <= 2; n_servers++)
    {
      g_autoptr(CompaniesTestNginx) nginx = NULL;
      g_autofree char *log = NULL;

      if (!catch_up (b_path, urls[0], &cursor, error))
        return FALSE;
      nginx = companies_test_nginx_start (ports, n_servers, error);
      if (nginx == NULL)
        return FALSE;
      g_setenv ("COMPANIES_CA_FILE", companies_test_nginx_get_ca_file (nginx), TRUE);
      bench_load_run (companies_test_nginx_get_url (nginx), cursor, n_clients, load_seconds,
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
  gboolean ok;

  memset (out_result, 0, sizeof *out_result);
  ok = run_in_dir (rows, n_clients, load_seconds, dir, out_result, error);
  companies_test_remove_tree (dir);
  return ok;
}
