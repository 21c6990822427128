/* soak.c: the soak test of issue 5 ("Load").
 *
 *   soak [--duration SECONDS] [--clients N] [--seed N]
 *
 * Starts a real companies-server ($COMPANIES_SERVER) on loopback and N
 * client threads (each its own store file and sync client) that loop: a
 * small random change (add, update, delete), then a sync, for the given
 * time. Then every client syncs until quiet, and the run must show: no
 * sync error, no duplicate on the server, every acknowledged add present
 * unless a delete followed (and every deleted record gone), every client
 * equal to the server, and the server's memory (VmRSS) and open
 * descriptors flat between the end of the warm-up and the end of the load
 * (both measured with the clients paused and their kept-alive
 * connections left out).
 * Prints syncs/s, p50/p99 sync latency, RSS and descriptors.
 *
 * build-aux/soak.sh runs it for 60 s; meson's 'soak' suite for 10 s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "soak"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "companies-local-store.h"
#include "companies-protocol.h"
#include "companies-sync-client.h"
#include "companies-test-server.h"
#include "soak-client.h"

#define DEFAULT_DURATION  60
#define DEFAULT_CLIENTS   50
#define DEFAULT_SEED      20240521
/* The bounds of "flat". */
#define MAX_RSS_GROWTH_KB (20 * 1024)
#define MAX_FD_GROWTH     5
/* Deadlines of the waits. */
#define PAUSE_TIMEOUT_S   120
#define QUIET_TIMEOUT_S   20
#define MAX_FINAL_ROUNDS  4
#define MAX_PAGES         1000

typedef struct
{
  gint64 rss_kb;
  gint   fds;
} ServerUsage;

static gint64
read_rss_kb (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:"))
      return g_ascii_strtoll (lines[i] + strlen ("VmRSS:"), NULL, 10);

  return -1;
}

/* The server's end of the connections to 127.0.0.1:@port that both
 * sides hold open (ESTABLISHED in /proc/net/tcp): a paused client's
 * kept-alive connection (docs/protocol-transport.md, "Keep-alive"). One
 * its client closed and the server kept would be CLOSE_WAIT, and count. */
static gint
count_kept_alive (guint16 port)
{
  g_autofree char *text = NULL;
  g_autofree char *local = g_strdup_printf ("0100007F:%04X", port);
  g_auto(GStrv) lines = NULL;
  gint n = 0;

  if (!g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) columns = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      guint n_columns = g_strv_length (columns);
      const char *fields[4] = { NULL, };
      guint found = 0;

      for (guint j = 0; j < n_columns && found < 4; j++)
        if (*columns[j] != '\0')
          fields[found++] = columns[j];
      /* sl, local address, remote address, state (01: ESTABLISHED) */
      if (found == 4 && strcmp (fields[1], local) == 0 && strcmp (fields[3], "01") == 0)
        n++;
    }

  return n;
}

/* The server's descriptors, but for the kept-alive connections of the
 * paused clients. */
static gint
count_fds (GPid    pid,
           guint16 port)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  gint n = 0;

  if (dir == NULL)
    return -1;
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n - count_kept_alive (port);
}

/* With no client active, waits until the server closed the connections that
 * went (its descriptor count stays the same over 10 reads 50 ms apart,
 * within a deadline), then reads its usage. */
static ServerUsage
measure_quiet_server (GPid    pid,
                      guint16 port)
{
  gint64 deadline = g_get_monotonic_time () + QUIET_TIMEOUT_S * G_USEC_PER_SEC;
  ServerUsage usage = { 0, count_fds (pid, port) };
  guint same = 0;

  while (same < 10 && g_get_monotonic_time () < deadline)
    {
      gint fds;

      g_usleep (50 * 1000);
      fds = count_fds (pid, port);
      same = fds == usage.fds ? same + 1 : 0;
      usage.fds = fds;
    }
  usage.rss_kb = read_rss_kb (pid);

  return usage;
}

/* Pauses the client threads between two changes; FALSE when they did not
 * all stop within the deadline. */
static gboolean
pause_clients (SoakShared *shared)
{
  gint64 deadline = g_get_monotonic_time () + PAUSE_TIMEOUT_S * G_USEC_PER_SEC;
  gboolean paused;

  g_mutex_lock (&shared->mutex);
  shared->paused = TRUE;
  while (shared->n_waiting < shared->n_running)
    if (!g_cond_wait_until (&shared->cond, &shared->mutex, deadline))
      break;
  paused = shared->n_waiting == shared->n_running;
  g_mutex_unlock (&shared->mutex);

  return paused;
}

static void
resume_clients (SoakShared *shared,
                gboolean    measuring)
{
  g_mutex_lock (&shared->mutex);
  shared->paused = FALSE;
  shared->measuring = measuring;
  g_cond_broadcast (&shared->cond);
  g_mutex_unlock (&shared->mutex);
}

static void
stop_clients (SoakShared *shared)
{
  g_mutex_lock (&shared->mutex);
  shared->stop = TRUE;
  shared->measuring = FALSE;
  g_cond_broadcast (&shared->cond);
  g_mutex_unlock (&shared->mutex);
}

/* Waits for @seconds of load (a timer, not a synchronisation). */
static void
run_for (gdouble seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_usleep (MIN (100 * 1000, MAX (end - g_get_monotonic_time (), 1)));
}

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a;
  gdouble y = *(const gdouble *) b;

  return (x > y) - (x < y);
}

static gdouble
percentile (GArray *sorted,
            gdouble p)
{
  guint index;

  if (sorted->len == 0)
    return 0;
  index = (guint) (p / 100.0 * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, gdouble, MIN (index, sorted->len - 1));
}

/* --- the end state --- */

static guint n_failures;

static void
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static void
fail (const char *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  n_failures++;
  fprintf (stderr, "soak: FAILED: %s\n", text);
}

/* The server's live records (uuid → CompaniesRecord), read from a null
 * cursor through every page, each uuid and id at most once. */
static GHashTable *
read_server_records (const char *server_url)
{
  g_autofree char *cursor = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTable *records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) companies_record_free);

  for (guint page = 0; page < MAX_PAGES; page++)
    {
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree gpointer *companies = NULL;
      guint status = 0;
      gsize n = 0;

      response = companies_test_pull (server_url, NULL, cursor, COMPANIES_MAX_LIMIT, &status, &error);
      if (response == NULL && status != 200)
        {
          fail ("reading the server's records failed: %u %s", status, error->message);
          break;
        }
      if (response == NULL)
        {
          fail ("the server's records do not decode: %s", error->message);
          break;
        }
      if (response->deleted->len > 0)
        fail ("a snapshot with nothing changing lists %u tombstones", response->deleted->len);

      companies = g_ptr_array_steal (response->companies, &n);
      for (gsize i = 0; i < n; i++)
        {
          CompaniesRecord *record = companies[i];
          gint64 *id = g_new (gint64, 1);

          *id = record->id;
          if (!g_hash_table_add (ids, id))
            fail ("the server gives the id %" G_GINT64_FORMAT " twice", record->id);
          if (g_hash_table_contains (records, record->uuid))
            {
              fail ("duplicate: the server holds %s twice", record->uuid);
              companies_record_free (record);
              continue;
            }
          g_hash_table_insert (records, record->uuid, record);
        }

      g_free (cursor);
      cursor = g_strdup (response->cursor);
      if (!response->has_more)
        break;
    }

  return records;
}

/* The connections the server closed on its own (its limits log each one):
 * the likely cause of a sync error. */
static void
report_server_drops (CompaniesTestServer *server)
{
  g_autofree char *log = companies_test_server_get_log (server);
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "Closed the connection") != NULL && n++ < 10)
      printf ("soak: server: %s\n", lines[i]);
  printf ("soak: the server closed %u connections on its own\n", n);
}

/* Every client syncs, in turn, until a whole round sends nothing. */
static void
sync_until_quiet (GPtrArray  *paths,
                  const char *server_url)
{
  for (guint round = 0; round < MAX_FINAL_ROUNDS; round++)
    {
      guint sent = 0;

      for (guint i = 0; i < paths->len; i++)
        {
          g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (g_ptr_array_index (paths, i),
                                                                              server_url, NULL);
          g_autoptr(CompaniesSyncResult) result = NULL;
          g_autoptr(GError) error = NULL;

          result = companies_sync_client_sync (client, NULL, &error);
          if (result == NULL)
            fail ("final sync of client %u failed: %s", i, error->message);
          else
            sent += result->sent;
        }
      if (sent == 0)
        return;
    }

  fail ("the clients still send changes after %u rounds", MAX_FINAL_ROUNDS);
}

static void
check_client_equals_server (guint       index,
                            const char *path,
                            GHashTable *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesLocalStore) store = companies_local_store_open (path, &error);
  g_autoptr(GPtrArray) list = NULL;

  if (store == NULL || (list = companies_local_store_list (store, TRUE, &error)) == NULL)
    {
      fail ("client %u: cannot read %s: %s", index, path, error->message);
      return;
    }
  if (list->len != g_hash_table_size (server))
    fail ("client %u holds %u records, the server %u", index, list->len,
          g_hash_table_size (server));

  for (guint i = 0; i < list->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (list, i);
      const char *uuid = companies_company_get_uuid (company);
      CompaniesRecord *record = g_hash_table_lookup (server, uuid);
      gboolean same = record != NULL &&
                      record->id == companies_company_get_id (company) &&
                      record->version == companies_company_get_version (company) &&
                      companies_company_get_is_active (company) &&
                      !companies_company_get_is_modified (company);

      for (guint f = 0; same && f < COMPANIES_N_FIELDS; f++)
        same = g_strcmp0 (record->values[f], companies_company_get_field (company, f)) == 0;
      if (!same)
        {
          fail ("client %u holds %s otherwise than the server", index, uuid);
          return;
        }
    }
}

static void
check_adds_and_deletes (SoakShared *shared,
                        GHashTable *server)
{
  GHashTableIter iter;
  gpointer uuid;
  guint missing = 0, undeleted = 0;

  g_hash_table_iter_init (&iter, shared->acknowledged);
  while (g_hash_table_iter_next (&iter, &uuid, NULL))
    if (!g_hash_table_contains (shared->deleted, uuid) && !g_hash_table_contains (server, uuid))
      {
        if (missing++ < 10)
          fail ("the acknowledged add %s is not on the server", (const char *) uuid);
      }

  g_hash_table_iter_init (&iter, shared->deleted);
  while (g_hash_table_iter_next (&iter, &uuid, NULL))
    if (g_hash_table_contains (server, uuid))
      {
        if (undeleted++ < 10)
          fail ("the deleted %s is still on the server", (const char *) uuid);
      }

  if (missing > 0 || undeleted > 0)
    fail ("%u acknowledged adds missing, %u deleted records still there", missing, undeleted);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) clients = g_ptr_array_new ();
  g_autoptr(GHashTable) server_records = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *server_db = NULL;
  CompaniesTestServer *server;
  SoakShared shared = { 0, };
  ServerUsage idle, warm, end;
  gint duration = DEFAULT_DURATION;
  gint n_clients = DEFAULT_CLIENTS;
  const char *client_args[] = { "--max-client-connections", "1000", NULL };
  gint seed = DEFAULT_SEED;
  gdouble warmup, measured_seconds;
  gint64 measure_start;
  guint measured_syncs;
  GPid pid;

  const GOptionEntry entries[] = {
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Seconds of load (default 60)", "SECONDS" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Concurrent clients (default 50)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the random changes", "N" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Soak test: concurrent clients against a real companies-server.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "soak: %s\n", error->message);
      return 2;
    }
  if (duration < 2 || duration > 24 * 3600 || n_clients < 1 || n_clients > 1000)
    {
      fprintf (stderr, "soak: --duration must be 2..86400 and --clients 1..1000\n");
      return 2;
    }
  warmup = MIN (10.0, duration / 4.0);

  tmpdir = companies_test_make_tmpdir ();
  server_db = g_build_filename (tmpdir, "server.db", NULL);
  /* every client connects from 127.0.0.1: one client to the server */
  server = companies_test_server_start (server_db, client_args, &error);
  if (server == NULL)
    {
      fprintf (stderr, "soak: companies-server did not start: %s\n", error->message);
      companies_test_remove_tree (tmpdir);
      return 1;
    }
  pid = companies_test_server_get_pid (server);
  idle = measure_quiet_server (pid, companies_test_server_get_port (server));
  printf ("soak: %d clients for %d s (warm-up %.1f s), seed %d, server pid %d at %s\n",
          n_clients, duration, warmup, seed, (int) pid, companies_test_server_get_url (server));

  g_mutex_init (&shared.mutex);
  g_cond_init (&shared.cond);
  shared.server_url = g_strdup (companies_test_server_get_url (server));
  shared.acknowledged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  shared.deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  shared.latencies = g_array_new (FALSE, FALSE, sizeof (gdouble));
  shared.errors = g_ptr_array_new_with_free_func (g_free);

  for (gint i = 0; i < n_clients; i++)
    {
      g_autofree char *name = g_strdup_printf ("client%d.db", i);
      char *path = g_build_filename (tmpdir, name, NULL);

      g_ptr_array_add (paths, path);
      g_ptr_array_add (clients, soak_client_start (&shared, i, path, (guint32) seed + i));
    }

  /* Warm-up, then the usage with the clients paused. */
  run_for (warmup);
  if (!pause_clients (&shared))
    fail ("the clients did not pause within %d s", PAUSE_TIMEOUT_S);
  warm = measure_quiet_server (pid, companies_test_server_get_port (server));
  resume_clients (&shared, TRUE);

  measure_start = g_get_monotonic_time ();
  run_for (duration - warmup);
  if (!pause_clients (&shared))
    fail ("the clients did not pause within %d s", PAUSE_TIMEOUT_S);
  measured_seconds = (g_get_monotonic_time () - measure_start) / (gdouble) G_USEC_PER_SEC;
  g_mutex_lock (&shared.mutex);
  shared.measuring = FALSE;
  measured_syncs = shared.latencies->len;
  g_mutex_unlock (&shared.mutex);
  end = measure_quiet_server (pid, companies_test_server_get_port (server));

  stop_clients (&shared);
  for (guint i = 0; i < clients->len; i++)
    soak_client_join (g_ptr_array_index (clients, i));

  g_array_sort (shared.latencies, compare_doubles);
  printf ("soak: %u syncs in all; measured %u syncs in %.1f s: %.1f syncs/s; "
          "sync latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
          shared.n_syncs, measured_syncs, measured_seconds,
          measured_syncs / MAX (measured_seconds, 0.001),
          percentile (shared.latencies, 50), percentile (shared.latencies, 99),
          percentile (shared.latencies, 100));
  printf ("soak: server RSS %.1f MB idle at start, %.1f MB after warm-up, %.1f MB at the end "
          "(%+.1f MB); descriptors %d idle at start, %d after warm-up, %d at the end (%+d)\n",
          idle.rss_kb / 1024.0, warm.rss_kb / 1024.0, end.rss_kb / 1024.0,
          (end.rss_kb - warm.rss_kb) / 1024.0, idle.fds, warm.fds, end.fds, end.fds - warm.fds);
  printf ("soak: %u adds, %u updates, %u deletes made; %u adds acknowledged; %u sync errors\n",
          shared.n_adds, shared.n_updates, shared.n_deletes,
          g_hash_table_size (shared.acknowledged), shared.n_errors);

  for (guint i = 0; i < shared.errors->len; i++)
    fail ("%s", (const char *) g_ptr_array_index (shared.errors, i));
  if (shared.n_errors > 0)
    fail ("%u errors during the load", shared.n_errors);
  if (warm.rss_kb < 0 || end.rss_kb < 0 || warm.fds < 0 || end.fds < 0)
    fail ("could not read the server's usage in /proc/%d", (int) pid);
  if (end.rss_kb - warm.rss_kb >= MAX_RSS_GROWTH_KB)
    fail ("the server's RSS grew by %.1f MB (bound %d MB)",
          (end.rss_kb - warm.rss_kb) / 1024.0, MAX_RSS_GROWTH_KB / 1024);
  if (end.fds > warm.fds + MAX_FD_GROWTH)
    fail ("the server's descriptors grew from %d to %d (bound +%d)", warm.fds, end.fds,
          MAX_FD_GROWTH);

  /* Everyone converges on the server. */
  sync_until_quiet (paths, shared.server_url);
  server_records = read_server_records (shared.server_url);
  for (guint i = 0; i < paths->len; i++)
    check_client_equals_server (i, g_ptr_array_index (paths, i), server_records);
  check_adds_and_deletes (&shared, server_records);
  printf ("soak: the server holds %u records; %u clients equal to it\n",
          g_hash_table_size (server_records), paths->len);

  report_server_drops (server);
  companies_test_server_stop (server);
  companies_test_server_free (server);
  companies_test_remove_tree (tmpdir);

  g_hash_table_unref (shared.acknowledged);
  g_hash_table_unref (shared.deleted);
  g_array_unref (shared.latencies);
  g_ptr_array_unref (shared.errors);
  g_free (shared.server_url);
  g_cond_clear (&shared.cond);
  g_mutex_clear (&shared.mutex);

  if (n_failures > 0)
    {
      fprintf (stderr, "soak: %u checks failed\n", n_failures);
      return 1;
    }
  printf ("soak: passed\n");
  return 0;
}
