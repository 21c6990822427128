/* companies-sync-http.c: the HTTP side of a sync (docs/protocol.md
 * sections 3 and 4): the sync URL, the session, and one request sent and
 * its answer decoded, with the errors of COMPANIES_SYNC_ERROR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "companies-sync-http.h"

/* The HTTP timeout of one round trip, in seconds. */
#define HTTP_TIMEOUT_SECONDS   30

char *
companies_sync_http_build_url (const char  *server_url,
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

/* A request goes out as two writes (headers, body): without TCP_NODELAY
 * the second waits for the server's delayed ACK on a kept-alive
 * connection (tens of milliseconds a sync). */
static void
network_event_cb (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  GSocket *socket;

  if (event != G_SOCKET_CLIENT_CONNECTED || !G_IS_SOCKET_CONNECTION (connection))
    return;

  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
}

/* One round trip; what a failure proves is in companies-sync-http.h. */
CompaniesSyncResponse *
companies_sync_http_post (SoupSession                *session,
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

  g_signal_connect (message, "network-event", G_CALLBACK (network_event_cb), NULL);
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
SoupSession *
companies_sync_http_session_new (const CompaniesSyncConfig  *config,
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
