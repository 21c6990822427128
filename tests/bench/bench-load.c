/* bench-load.c: lean protocol clients putting load on the server: bare
 * HTTP (bench-http.c), one loopback connection a request, the library's
 * encoder and strict decoder. Against an https:// URL (nginx in front,
 * bench-postgres.c), or when asked to keep their connections alive as the
 * app's client does (bench_load_run_spread ()), each client keeps one
 * connection, in a libsoup session made by the client library
 * (companies-sync-http.c, trusting COMPANIES_CA_FILE), and reuses it for
 * every sync (lean_post_kept ()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <string.h>

#include "companies-fields.h"
#include "companies-sync-http.h"

#include "bench-data.h"
#include "bench-http.h"
#include "bench-load.h"
#include "bench-util.h"

/* One client: its server, its cursor and the one record it edits. */
typedef struct
{
  guint16      port;
  char        *url;
  CompaniesSyncConfig *config;   /* https:// only */
  SoupSession *session;
  char        *client_id;
  char        *cursor;
  char        *uuid;
  gint64       id;
  gint64       version;
  guint        counter;
} LeanClient;

static void
lean_client_init (LeanClient *client,
                  const char *url,
                  const char *cursor,
                  gboolean    keep_alive)
{
  if (keep_alive || g_str_has_prefix (url, "https://"))
    {
      g_autoptr(GError) error = NULL;

      client->config = companies_sync_config_new (NULL, url, NULL, NULL);
      client->session = companies_sync_http_session_new (client->config, &error);
      g_assert_no_error (error);
      client->url = companies_sync_http_build_url (url, &error);
      g_assert_no_error (error);
    }
  else
    client->port = bench_http_port (url);
  client->client_id = g_uuid_string_random ();
  client->cursor = g_strdup (cursor);
  client->uuid = g_uuid_string_random ();
}

static void
lean_client_clear (LeanClient *client)
{
  g_clear_pointer (&client->client_id, g_free);
  g_clear_pointer (&client->url, g_free);
  g_clear_object (&client->session);
  g_clear_pointer (&client->config, companies_sync_config_free);
  g_clear_pointer (&client->cursor, g_free);
  g_clear_pointer (&client->uuid, g_free);
}

/* The POST of one sync over the client's session. The message is
 * marked idempotent, which sync requests are (docs/protocol.md: a retried
 * push makes no duplicate): libsoup sends a POST that is not so marked on
 * a new connection every time, never on an idle kept-alive one, so each
 * sync would pay a TCP connect and a full TLS handshake. */
static GBytes *
lean_post_kept (LeanClient  *client,
               GBytes      *body,
               guint       *out_status,
               GError     **error)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, client->url);
  GBytes *reply;

  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT | SOUP_MESSAGE_NO_REDIRECT);
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  reply = soup_session_send_and_read (client->session, message, NULL, error);
  *out_status = soup_message_get_status (message);
  return reply;
}

static CompaniesSyncResponse *
lean_post_sync (LeanClient                 *client,
                const CompaniesSyncRequest *request,
                GError                    **error)
{
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autoptr(GBytes) reply = NULL;
  const char *data;
  gsize length = 0;
  guint status = 0;

  if (client->session != NULL)
    reply = lean_post_kept (client, body, &status, error);
  else
    reply = bench_http_exchange (client->port, "POST", COMPANIES_SYNC_PATH, "application/json",
                                 body, &status, error);
  if (reply == NULL)
    return NULL;

  data = g_bytes_get_data (reply, &length);
  if (status != 200)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "HTTP %u: %.*s",
                   status, (int) MIN (length, 300), data);
      return NULL;
    }

  return companies_sync_response_decode (data, length, error);
}

static gboolean
lean_get_health (LeanClient  *client,
                 GError     **error)
{
  g_autoptr(GBytes) reply = NULL;
  guint status = 0;

  if (client->session != NULL)
    return bench_get_health (client->session, client->config->server_url, error);

  reply = bench_http_exchange (client->port, "GET", COMPANIES_HEALTH_PATH, NULL, NULL,
                               &status, error);
  if (reply == NULL)
    return FALSE;

  if (status != 200)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "health: HTTP %u", status);
      return FALSE;
    }

  return TRUE;
}

/* One round trip pushing one change: the add of its record the first
 * time, then an update of its phone number. */
static gboolean
lean_client_sync_one (LeanClient  *client,
                      GError     **error)
{
  g_autoptr(CompaniesSyncRequest) request = bench_request_new (client->client_id, client->cursor);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesChange *change;

  if (client->id == 0)
    {
      g_auto(GStrv) values = bench_company_values (g_str_hash (client->uuid), 0);

      change = companies_change_new (COMPANIES_CHANGE_ADD);
      change->uuid = g_strdup (client->uuid);
      change->field_mask = COMPANIES_ALL_FIELDS;
      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        change->values[i] = g_strdup (values[i]);
      g_ptr_array_add (request->added, change);
    }
  else
    {
      change = companies_change_new (COMPANIES_CHANGE_UPDATE);
      change->id = client->id;
      change->base_version = client->version;
      change->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE);
      change->values[COMPANIES_FIELD_PHONE] = bench_edit_value ((guint) client->id, ++client->counter);
      g_ptr_array_add (request->updated, change);
    }

  response = lean_post_sync (client, request, error);
  if (response == NULL)
    return FALSE;

  for (guint i = 0; i < response->companies->len; i++)
    {
      const CompaniesRecord *record = g_ptr_array_index (response->companies, i);

      if (g_strcmp0 (record->uuid, client->uuid) == 0)
        {
          client->id = record->id;
          client->version = record->version;
        }
    }

  g_free (client->cursor);
  client->cursor = g_strdup (response->cursor);
  return TRUE;
}

/* --- Many clients at once. --- */

typedef struct
{
  const char *url;
  const char *cursor;
  gboolean    keep_alive;
  gint64      deadline;
  GArray     *latencies_ms;  /* of double */
  guint       n_failed;
} LoadThread;

static gpointer
load_thread (gpointer data)
{
  LoadThread *thread = data;
  LeanClient client = { 0, };

  lean_client_init (&client, thread->url, thread->cursor, thread->keep_alive);
  /* the TLS handshake, once a connection, is not a sync's time */
  if (client.session != NULL && !lean_get_health (&client, NULL))
    thread->n_failed++;
  while (bench_now_us () < thread->deadline)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = bench_now_us ();
      double elapsed_ms;

      if (!lean_client_sync_one (&client, &error))
        {
          if (thread->n_failed++ == 0)
            g_printerr ("load: a sync failed: %s\n", error->message);
          continue;
        }
      elapsed_ms = (bench_now_us () - start) / 1000.0;
      g_array_append_val (thread->latencies_ms, elapsed_ms);
    }
  lean_client_clear (&client);

  return NULL;
}

void
bench_load_run (const char      *url,
                const char      *cursor,
                guint            n_clients,
                double           seconds,
                BenchLoadResult *out_result)
{
  const char *urls[] = { url, NULL };

  bench_load_run_spread (urls, cursor, FALSE, n_clients, seconds, out_result);
}

void
bench_load_run_spread (const char * const *urls,
                       const char         *cursor,
                       gboolean            keep_alive,
                       guint               n_clients,
                       double              seconds,
                       BenchLoadResult    *out_result)
{
  guint n_urls = g_strv_length ((char **) urls);
  g_autofree LoadThread *threads = g_new0 (LoadThread, n_clients);
  g_autofree GThread **handles = g_new0 (GThread *, n_clients);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 start = bench_now_us ();
  gint64 deadline = start + (gint64) (seconds * G_USEC_PER_SEC);
  gint64 end;

  memset (out_result, 0, sizeof *out_result);

  for (guint i = 0; i < n_clients; i++)
    {
      threads[i].url = urls[i % n_urls];
      threads[i].cursor = cursor;
      threads[i].keep_alive = keep_alive;
      threads[i].deadline = deadline;
      threads[i].latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));
      handles[i] = g_thread_new ("bench-load", load_thread, &threads[i]);
    }

  for (guint i = 0; i < n_clients; i++)
    {
      g_thread_join (handles[i]);
      g_array_append_vals (all, threads[i].latencies_ms->data, threads[i].latencies_ms->len);
      out_result->n_failed += threads[i].n_failed;
      g_array_unref (threads[i].latencies_ms);
    }
  end = bench_now_us ();

  out_result->n_syncs = all->len;
  out_result->syncs_per_second = all->len / ((end - start) / (double) G_USEC_PER_SEC);
  out_result->p50_ms = bench_median (all);
  out_result->p99_ms = bench_percentile (all, 99);
  out_result->max_ms = bench_max (all);
}

/* --- The probe. --- */

struct _BenchProbe
{
  GThread    *thread;
  char       *url;
  char       *cursor;
  guint       interval_ms;
  gint        stop;          /* atomic */
  GArray     *health_ms;
  GArray     *sync_ms;
  guint       n_failed;
};

static gpointer
probe_thread (gpointer data)
{
  BenchProbe *probe = data;
  LeanClient client = { 0, };

  lean_client_init (&client, probe->url, probe->cursor, FALSE);
  while (!g_atomic_int_get (&probe->stop))
    {
      g_autoptr(GError) error = NULL;
      gint64 start = bench_now_us ();
      double elapsed_ms;

      if (lean_get_health (&client, &error))
        {
          elapsed_ms = (bench_now_us () - start) / 1000.0;
          g_array_append_val (probe->health_ms, elapsed_ms);
        }
      else
        {
          if (probe->n_failed++ == 0)
            g_printerr ("probe: health failed: %s\n", error->message);
          g_clear_error (&error);
        }

      start = bench_now_us ();
      if (lean_client_sync_one (&client, &error))
        {
          elapsed_ms = (bench_now_us () - start) / 1000.0;
          g_array_append_val (probe->sync_ms, elapsed_ms);
        }
      else if (probe->n_failed++ == 0)
        {
          g_printerr ("probe: a sync failed: %s\n", error->message);
        }

      /* Pacing, not synchronisation: a person's app syncs now and then. */
      g_usleep (probe->interval_ms * 1000);
    }
  lean_client_clear (&client);

  return NULL;
}

BenchProbe *
bench_probe_start (const char *url,
                   const char *cursor,
                   guint       interval_ms)
{
  BenchProbe *probe = g_new0 (BenchProbe, 1);

  probe->url = g_strdup (url);
  probe->cursor = g_strdup (cursor);
  probe->interval_ms = interval_ms;
  probe->health_ms = g_array_new (FALSE, FALSE, sizeof (double));
  probe->sync_ms = g_array_new (FALSE, FALSE, sizeof (double));
  probe->thread = g_thread_new ("bench-probe", probe_thread, probe);

  return probe;
}

void
bench_probe_stop (BenchProbe       *probe,
                  BenchProbeResult *out_result)
{
  g_atomic_int_set (&probe->stop, 1);
  g_thread_join (probe->thread);

  out_result->n_health = probe->health_ms->len;
  out_result->n_syncs = probe->sync_ms->len;
  out_result->n_failed = probe->n_failed;
  out_result->health_p99_ms = bench_percentile (probe->health_ms, 99);
  out_result->health_max_ms = bench_max (probe->health_ms);
  out_result->sync_p99_ms = bench_percentile (probe->sync_ms, 99);
  out_result->sync_max_ms = bench_max (probe->sync_ms);

  g_array_unref (probe->health_ms);
  g_array_unref (probe->sync_ms);
  g_free (probe->url);
  g_free (probe->cursor);
  g_free (probe);
}
