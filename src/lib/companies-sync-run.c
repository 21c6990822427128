/* companies-sync-run.c: one whole sync of protocol.md, blocking, in the
 * calling thread: the cross-process lock, its own SQLite connection and
 * SoupSession, push in batches of at most 1000 changes, pull until
 * has_more is false, each response applied in one transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "companies-local-store-private.h"
#include "companies-sync-run-private.h"
#include "companies-test-hooks.h"

/* At most this many changes a request (the brief's batch size). */
#define PUSH_BATCH_SIZE        1000
/* The HTTP timeout of one round trip, in seconds. */
#define HTTP_TIMEOUT_SECONDS   30
/* How often the cross-process lock is tried, and for how long. */
#define LOCK_POLL_USEC         (50 * 1000)
#define LOCK_WAIT_USEC         (5 * 60 * G_USEC_PER_SEC)
/* A bound on round trips of one sync: far more than 10000-record pages
 * of any real list need, small enough to stop a server that never ends. */
#define MAX_ROUNDS             100000

void
companies_sync_config_free (CompaniesSyncConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->database_path);
  g_free (config->server_url);
  g_free (config->token);
  g_free (config->tls_ca_file);
  g_free (config);
}

/* The flock of protocol.md section 3: one sync per database, across
 * processes. Returns the locked file descriptor, or -1. */
static int
take_sync_lock (const char    *database_path,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree char *lock_path = g_strconcat (database_path, ".sync-lock", NULL);
  g_autofree char *dir = g_path_get_dirname (database_path);
  gint64 deadline = g_get_monotonic_time () + LOCK_WAIT_USEC;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                   _("Could not open the file “%s”: %s"),
                   lock_path, g_strerror (saved_errno));
      return -1;
    }

  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno != EWOULDBLOCK && saved_errno != EINTR)
        {
          g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                       _("Could not lock the file “%s”: %s"),
                       lock_path, g_strerror (saved_errno));
          close (fd);
          return -1;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return -1;
        }

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                               _("Another program has been syncing this list for too long; "
                                 "try again later"));
          close (fd);
          return -1;
        }

      g_usleep (LOCK_POLL_USEC);
    }

  return fd;
}

static char *
build_sync_url (const char  *server_url,
                GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *base = NULL;
  const char *scheme;

  if (server_url == NULL || *server_url == '\0')
    {
      g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                           _("No server address is set"));
      return NULL;
    }

  uri = g_uri_parse (server_url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                   _("“%s” is not a server address; it should look like http://host:port"),
                   server_url);
      return NULL;
    }

  base = g_strdup (server_url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';

  return g_strconcat (base, COMPANIES_SYNC_PATH, NULL);
}

/* Whether a failure to send proves that the request never reached a
 * server: nothing connected, so nothing was sent. */
static gboolean
error_is_not_sent (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) ||
         (error != NULL && error->domain == G_RESOLVER_ERROR);
}

/* Sends one request; returns the decoded response, or NULL with a
 * COMPANIES_SYNC_ERROR (or G_IO_ERROR_CANCELLED). When the server refused
 * the request with an error body, *out_server_path is its "path".
 * *out_not_applied tells a failure that proves nothing of the request was
 * applied (never sent, or refused with an error status: protocol.md
 * section 4) from one that leaves it unknown (a lost response). */
static CompaniesSyncResponse *
post_request (SoupSession                *session,
              const CompaniesSyncConfig  *config,
              const char                 *url,
              const CompaniesSyncRequest *request,
              char                      **out_server_path,
              gboolean                   *out_not_applied,
              GCancellable               *cancellable,
              GError                    **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server_code = NULL;
  g_autofree char *server_message = NULL;
  const char *data;
  gsize length = 0;
  guint status;
  CompaniesSyncResponse *response;

  *out_not_applied = FALSE;

  message = soup_message_new (SOUP_METHOD_POST, url);
  if (message == NULL)
    {
      *out_not_applied = TRUE;
      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                   _("“%s” is not a server address; it should look like http://host:port"),
                   config->server_url);
      return NULL;
    }

  soup_message_set_request_body_from_bytes (message, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");
  if (config->token != NULL && *config->token != '\0')
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", config->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", authorization);
    }

  reply = soup_session_send_and_read (session, message, cancellable, &local_error);
  if (reply == NULL)
    {
      *out_not_applied = error_is_not_sent (local_error);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_CERTIFICATE,
                     _("The server’s certificate is not trusted; nothing was sent to %s"),
                     config->server_url);
      else
        g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                     _("Could not reach the server at %s: %s"),
                     config->server_url, local_error->message);
      return NULL;
    }

  status = soup_message_get_status (message);
  data = g_bytes_get_data (reply, &length);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      *out_not_applied = TRUE;
      g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_UNAUTHORIZED,
                           _("The server refused the access token"));
      return NULL;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      gboolean has_body = data != NULL &&
        companies_error_body_decode (data, length, &server_code, &server_message, out_server_path);

      /* Our server applies nothing of a request it fails. A 5xx without
       * its error body may come from a proxy in front of it, after the
       * server committed (a gateway timeout): unknown. */
      *out_not_applied = status < 500 || has_body;

      if (status >= 500)
        {
          if (has_body && server_message != NULL)
            g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_SERVER,
                         _("The server failed: %s"), server_message);
          else
            g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_SERVER,
                         _("The server failed (HTTP %u %s); try again later"),
                         status, soup_message_get_reason_phrase (message));
        }
      else if (has_body && server_message != NULL)
        g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                     _("The server refused the request: %s"), server_message);
      else
        g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                     _("The server at %s answered HTTP %u %s; is it a Companies server?"),
                     config->server_url, status, soup_message_get_reason_phrase (message));
      return NULL;
    }

  response = companies_sync_response_decode (data != NULL ? data : "", length, &local_error);
  if (response == NULL)
    {
      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                   _("The server at %s sent an answer Companies cannot read: %s"),
                   config->server_url, local_error->message);
      return NULL;
    }

  return response;
}

/* A session of its own for the run; with a CA file, trusting only it. */
static SoupSession *
make_session (const CompaniesSyncConfig  *config,
              GError                    **error)
{
  g_autofree char *user_agent = g_strconcat ("Companies/", PACKAGE_VERSION, NULL);
  g_autoptr(GTlsDatabase) database = NULL;
  SoupSession *session;

  if (config->tls_ca_file != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      database = g_tls_file_database_new (config->tls_ca_file, &local_error);
      if (database == NULL)
        {
          g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_CERTIFICATE,
                       _("Could not read the certificate authorities in “%s”: %s"),
                       config->tls_ca_file, local_error->message);
          return NULL;
        }
    }

  session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_SECONDS,
                                           "idle-timeout", HTTP_TIMEOUT_SECONDS,
                                           "user-agent", user_agent,
                                           NULL);
  if (database != NULL)
    soup_session_set_tls_database (session, database);

  return session;
}

static gboolean
storage_error (GError  *store_error,
               GError **error)
{
  g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                       store_error->message);
  g_error_free (store_error);
  return FALSE;
}

CompaniesSyncResult *
companies_sync_run (const CompaniesSyncConfig  *config,
                    GCancellable               *cancellable,
                    CompaniesSyncProgressFunc   progress,
                    gpointer                    progress_data,
                    GError                    **error)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GHashTable) exclude = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autofree char *url = NULL;
  CompaniesSyncResult result = { 0, };
  gboolean need_pull = TRUE;
  gboolean forgot_cursor = FALSE;
  gint64 start_seq = 0;
  int lock_fd;

  url = build_sync_url (config->server_url, error);
  if (url == NULL)
    return NULL;

  session = make_session (config, error);
  if (session == NULL)
    return NULL;

  lock_fd = take_sync_lock (config->database_path, cancellable, error);
  if (lock_fd < 0)
    return NULL;

  store = companies_local_store_open (config->database_path, &store_error);
  if (store == NULL ||
      !companies_local_store_get_change_counter (store, &start_seq, &store_error))
    {
      close (lock_fd);
      storage_error (g_steal_pointer (&store_error), error);
      return NULL;
    }

  exclude = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Records changed after this point wait for the next sync: the one
   * coalesced after this, when asked for. */
  for (guint round = 0; ; round++)
    {
      g_autoptr(CompaniesPushBatch) batch = NULL;
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *server_path = NULL;
      gboolean not_applied = FALSE;
      CompaniesApplyStats stats = { 0, };
      GHashTableIter iter;
      gpointer key, value;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;

      batch = companies_local_store_build_push_batch (store, start_seq, PUSH_BATCH_SIZE,
                                                      exclude, &store_error);
      if (batch == NULL)
        {
          storage_error (g_steal_pointer (&store_error), error);
          goto failed;
        }

      if (batch->n_changes == 0 && !need_pull)
        break;

      if (round >= MAX_ROUNDS)
        {
          g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                       _("The server at %s keeps sending more pages; the sync was stopped"),
                       config->server_url);
          goto failed;
        }

      g_debug ("Round %u: pushing %u changes, cursor %s", round, batch->n_changes,
               batch->request->cursor != NULL ? batch->request->cursor : "(none)");

      response = post_request (session, config, url, batch->request, &server_path,
                               &not_applied, cancellable, &local_error);
      if (response == NULL)
        {
          /* The server surely holds none of the additions sent for the
           * first time: they are unsent again (a delete of one then
           * removes it at once, as for any never-sent addition). */
          if (not_applied &&
              !companies_local_store_unmark_adds_sent (store, batch, &store_error))
            {
              storage_error (g_steal_pointer (&store_error), error);
              goto failed;
            }

          /* A cursor the server cannot read (nothing was applied): forget
           * it once and start over from a full snapshot. */
          if (!forgot_cursor && batch->request->cursor != NULL &&
              g_error_matches (local_error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL) &&
              g_strcmp0 (server_path, "cursor") == 0)
            {
              g_debug ("The server refused the cursor: %s", local_error->message);
              g_clear_error (&local_error);
              g_clear_pointer (&server_path, g_free);
              forgot_cursor = TRUE;
              if (!companies_local_store_forget_cursor (store, &store_error))
                {
                  storage_error (g_steal_pointer (&store_error), error);
                  goto failed;
                }
              continue;
            }

          g_propagate_error (error, g_steal_pointer (&local_error));
          goto failed;
        }

      companies_test_hook ("after-send");

      if (!companies_local_store_apply_response (store, batch, response, &stats, &store_error))
        {
          storage_error (g_steal_pointer (&store_error), error);
          goto failed;
        }

      companies_test_hook ("after-apply");

      g_hash_table_iter_init (&iter, batch->pushed);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const CompaniesPushedRecord *pushed = value;

          g_hash_table_add (exclude, companies_push_batch_key (pushed->kind, key));
        }

      result.requests++;
      result.sent += batch->n_changes;
      result.received += stats.received;
      result.rejected += stats.rejected;
      result.overwritten += stats.overwritten;
      result.reset |= response->reset;

      if (progress != NULL)
        progress (result.sent, result.received, progress_data);

      /* has_more with the same cursor would ask for the same page again. */
      if (response->has_more &&
          g_strcmp0 (response->cursor, batch->request->cursor) == 0)
        {
          g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                       _("The server at %s sent more pages without moving on; "
                         "the sync was stopped"),
                       config->server_url);
          goto failed;
        }

      need_pull = response->has_more;
    }

  g_clear_object (&store);
  close (lock_fd);
  return companies_sync_result_copy (&result);

failed:
  g_clear_object (&store);
  close (lock_fd);
  return NULL;
}
