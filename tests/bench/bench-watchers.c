/* bench-watchers.c: idle watchers of the change feed held by one server
 * (docs/live.md): the server's memory with N watchers held, the small
 * syncs (no-op pulls, one connection kept alive) meanwhile, and how long
 * one commit takes to answer them all. Prints figures; asserts nothing.
 *
 *   companies-bench-watchers [--watchers N] [--syncs M]
 *
 * Run by hand with COMPANIES_SERVER set (meson devenv, or the build's
 * src/server/companies-server); it starts its own server on a SQLite file
 * in a temporary folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/resource.h>

#include "companies-test-server.h"

#include "bench-util.h"

#define WAIT_SECONDS 30

/* The resident set of @pid now (VmRSS) in KiB; 0 when unknown. */
static gint64
rss_kb (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  line = strstr (contents, "\nVmRSS:");
  return line != NULL ? g_ascii_strtoll (line + 7, NULL, 10) : 0;
}

static guint
count_descriptors (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static GSocket *
open_watcher (guint16     port,
              const char *request)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GError) error = NULL;

  if (socket == NULL || !g_socket_connect (socket, address, NULL, &error) ||
      g_socket_send (socket, request, strlen (request), NULL, &error) != (gssize) strlen (request))
    g_error ("cannot open a watcher: %s", error != NULL ? error->message : "no socket");

  return g_steal_pointer (&socket);
}

/* Milliseconds until every watcher of @watchers got an answer. */
static double
wait_all_answered (GPtrArray *watchers)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, watchers->len);
  gint64 start = bench_now_us ();
  guint n_left = watchers->len;

  for (guint i = 0; i < watchers->len; i++)
    {
      fds[i].fd = g_socket_get_fd (g_ptr_array_index (watchers, i));
      fds[i].events = POLLIN;
    }

  while (n_left > 0 && bench_now_us () - start < 20 * G_USEC_PER_SEC)
    {
      if (poll (fds, watchers->len, 1000) <= 0)
        continue;
      for (guint i = 0; i < watchers->len; i++)
        if (fds[i].fd >= 0 && fds[i].revents != 0)
          {
            fds[i].fd = -1;
            n_left--;
          }
    }

  if (n_left > 0)
    g_printerr ("%u watchers not answered within 20 s\n", n_left);
  return (bench_now_us () - start) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  gint n_watchers = 2000;
  gint n_syncs = 200;
  const GOptionEntry entries[] = {
    { "watchers", 0, 0, G_OPTION_ARG_INT, &n_watchers, "Watchers held (default 2000)", "N" },
    { "syncs", 0, 0, G_OPTION_ARG_INT, &n_syncs, "Small syncs timed meanwhile (default 200)", "M" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *max_watchers = NULL;
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(CompaniesSyncRequest) first = NULL;
  g_autoptr(CompaniesSyncResponse) current = NULL;
  g_autoptr(CompaniesSyncRequest) push = NULL;
  g_autoptr(CompaniesSyncResponse) pushed = NULL;
  g_autoptr(GPtrArray) watchers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *escaped = NULL;
  g_autofree char *request = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *client_id = g_uuid_string_random ();
  const char *url;
  gint64 rss_before, rss_held, start;
  guint fds_before;
  double fan_out_ms;
  GPid pid;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  raise_descriptor_limit ();

  dir = companies_test_make_tmpdir ();
  db_path = g_build_filename (dir, "server.db", NULL);
  max_watchers = g_strdup_printf ("%d", n_watchers + 16);
  {
    const char * const args[] = { "--max-watchers", max_watchers, NULL };

    server = companies_test_server_start (db_path, args, &error);
  }
  if (server == NULL)
    g_error ("%s", error->message);
  url = companies_test_server_get_url (server);
  pid = companies_test_server_get_pid (server);
  session = bench_session_new ();

  first = bench_request_new (client_id, NULL);
  current = bench_post_sync (session, url, first, NULL, &error);
  if (current == NULL)
    g_error ("%s", error->message);

  rss_before = rss_kb (pid);
  fds_before = count_descriptors (pid);

  escaped = g_uri_escape_string (current->cursor, NULL, FALSE);
  request = g_strdup_printf ("GET /v1/changes?cursor=%s&wait=%d HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n\r\n", escaped, WAIT_SECONDS);
  start = bench_now_us ();
  for (gint i = 0; i < n_watchers; i++)
    g_ptr_array_add (watchers,
                     open_watcher (companies_test_server_get_port (server), request));
  while (count_descriptors (pid) < fds_before + (guint) n_watchers &&
         bench_now_us () - start < 20 * G_USEC_PER_SEC)
    g_usleep (50 * 1000);
  g_usleep (500 * 1000);
  rss_held = rss_kb (pid);

  /* no-op pulls, one connection kept alive, while they are held */
  for (gint i = 0; i < n_syncs; i++)
    {
      g_autoptr(CompaniesSyncRequest) pull = bench_request_new (client_id, current->cursor);
      g_autoptr(CompaniesSyncResponse) pulled = NULL;
      gint64 sync_start = bench_now_us ();
      double ms;

      pulled = bench_post_sync (session, url, pull, NULL, &error);
      if (pulled == NULL)
        g_error ("%s", error->message);
      ms = (bench_now_us () - sync_start) / 1000.0;
      g_array_append_val (latencies, ms);
    }

  /* one commit answers them all */
  push = bench_request_new (client_id, current->cursor);
  {
    CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_ADD);

    change->uuid = g_strdup (uuid);
    change->field_mask = 1u << COMPANIES_FIELD_NAME;
    change->values[COMPANIES_FIELD_NAME] = g_strdup ("Wakes every watcher");
    g_ptr_array_add (push->added, change);
  }
  start = bench_now_us ();
  pushed = bench_post_sync (session, url, push, NULL, &error);
  if (pushed == NULL)
    g_error ("%s", error->message);
  fan_out_ms = wait_all_answered (watchers);

  g_print ("watchers held                 %d\n", n_watchers);
  g_print ("server descriptors            %u (before: %u)\n", count_descriptors (pid), fds_before);
  g_print ("server RSS before / held      %.1f MB / %.1f MB (%.1f KiB a watcher)\n",
           rss_before / 1024.0, rss_held / 1024.0,
           n_watchers > 0 ? (double) (rss_held - rss_before) / n_watchers : 0.0);
  g_print ("no-op syncs meanwhile         %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           n_syncs, bench_median (latencies), bench_percentile (latencies, 99),
           bench_max (latencies));
  g_print ("one commit to all answered    %.1f ms after the push's answer "
           "(%.1f ms from its start)\n", fan_out_ms, (bench_now_us () - start) / 1000.0);

  g_ptr_array_set_size (watchers, 0);
  companies_test_server_stop (server);
  companies_test_remove_tree (dir);
  return 0;
}
