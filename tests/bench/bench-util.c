/* bench-util.c: what the benchmark's parts share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-util.h"

gint64
bench_now_us (void)
{
  return g_get_monotonic_time ();
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_percentile (GArray *values,
                  double  percent)
{
  double rank;
  guint low;

  if (values == NULL || values->len == 0)
    return 0;

  g_array_sort (values, compare_doubles);
  rank = percent / 100.0 * (values->len - 1);
  low = (guint) rank;
  if (low + 1 >= values->len)
    return g_array_index (values, double, values->len - 1);

  return g_array_index (values, double, low) +
         (rank - low) * (g_array_index (values, double, low + 1) - g_array_index (values, double, low));
}

double
bench_median (GArray *values)
{
  return bench_percentile (values, 50);
}

double
bench_max (GArray *values)
{
  return bench_percentile (values, 100);
}

static double
rusage_cpu_s (int who)
{
  struct rusage usage;

  if (getrusage (who, &usage) != 0)
    return 0;

  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double
bench_thread_cpu_s (void)
{
  return rusage_cpu_s (RUSAGE_THREAD);
}

double
bench_self_cpu_s (void)
{
  return rusage_cpu_s (RUSAGE_SELF);
}

double
bench_process_cpu_s (GPid pid)
{
  g_autofree char *tasks = g_strdup_printf ("/proc/%d/task", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *task;
  double total = 0;

  /* Each thread's schedstat starts with its time on a CPU in
   * nanoseconds: finer than /proc/PID/stat's clock ticks. */
  while (dir != NULL && (task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tasks, task, "schedstat", NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, NULL))
        total += g_ascii_strtod (contents, NULL) / 1e9;
    }

  return total;
}

gint64
bench_peak_rss_kb (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;

  line = strstr (contents, "VmHWM:");
  if (line == NULL)
    return 0;

  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10);
}

SoupSession *
bench_session_new (void)
{
  return soup_session_new_with_options ("timeout", 120, "idle-timeout", 120, NULL);
}

CompaniesSyncRequest *
bench_request_new (const char *client_id,
                   const char *cursor)
{
  CompaniesSyncRequest *request = companies_sync_request_new ();

  request->client_id = g_strdup (client_id);
  request->cursor = g_strdup (cursor);
  request->limit = COMPANIES_DEFAULT_LIMIT;
  return request;
}

CompaniesSyncResponse *
bench_post_sync (SoupSession                 *session,
                 const char                  *url,
                 const CompaniesSyncRequest  *request,
                 GBytes                     **out_body,
                 GError                     **error)
{
  g_autofree char *sync_url = g_strconcat (url, COMPANIES_SYNC_PATH, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, sync_url);
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autoptr(GBytes) reply = NULL;
  CompaniesSyncResponse *response;
  const char *data;
  gsize length = 0;

  soup_message_set_request_body_from_bytes (message, "application/json", body);
  reply = soup_session_send_and_read (session, message, NULL, error);
  if (reply == NULL)
    return NULL;

  data = g_bytes_get_data (reply, &length);
  if (soup_message_get_status (message) != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "HTTP %u: %.*s",
                   soup_message_get_status (message), (int) MIN (length, 300), data);
      return NULL;
    }

  response = companies_sync_response_decode (data, length, error);
  if (response != NULL && out_body != NULL)
    *out_body = g_steal_pointer (&reply);

  return response;
}

gboolean
bench_get_health (SoupSession  *session,
                  const char   *url,
                  GError      **error)
{
  g_autofree char *health_url = g_strconcat (url, COMPANIES_HEALTH_PATH, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, health_url);
  g_autoptr(GBytes) reply = soup_session_send_and_read (session, message, NULL, error);

  if (reply == NULL)
    return FALSE;

  if (soup_message_get_status (message) != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "health: HTTP %u",
                   soup_message_get_status (message));
      return FALSE;
    }

  return TRUE;
}

static sqlite3 *
open_read_only (const char  *path,
                GError     **error)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path,
                   db != NULL ? sqlite3_errmsg (db) : "cannot open");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);

  return db;
}

char *
bench_client_cursor (const char  *path,
                     GError     **error)
{
  sqlite3 *db = open_read_only (path, error);
  sqlite3_stmt *stmt = NULL;
  char *cursor = NULL;

  if (db == NULL)
    return NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM sync_state WHERE key = 'cursor'",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    cursor = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: no cursor: %s", path,
                 sqlite3_errmsg (db));

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return cursor;
}

gboolean
bench_client_records (const char     *path,
                      const gint64   *local_ids,
                      guint           n,
                      BenchRecordRef *out_refs,
                      GError        **error)
{
  sqlite3 *db = open_read_only (path, error);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (db == NULL)
    return FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT uuid, id, version FROM companies WHERE local_id = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    ok = FALSE;

  for (guint i = 0; ok && i < n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, local_ids[i]);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          ok = FALSE;
          break;
        }
      g_strlcpy (out_refs[i].uuid, (const char *) sqlite3_column_text (stmt, 0),
                 sizeof out_refs[i].uuid);
      out_refs[i].id = sqlite3_column_int64 (stmt, 1);
      out_refs[i].version = sqlite3_column_int64 (stmt, 2);
    }

  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: reading records: %s", path,
                 sqlite3_errmsg (db));

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}
