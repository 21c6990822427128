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

#include "companies-sync-deadline.h"
#include "companies-sync-http.h"

/* Seconds without a byte after which a connection is given up
 * (docs/protocol-transport.md); the whole round trip has a deadline of
 * its own (companies-sync-deadline.c). */
#define HTTP_TIMEOUT_SECONDS   30
/* The first allocation for a body of unknown length, and the least it
 * grows by. */
#define READ_BLOCK             (64 * 1024)

char *
companies_sync_http_build_url (const char  *server_url,
                               GError     **error)
{
  return companies_sync_http_build_url_for (server_url, COMPANIES_SYNC_PATH, error);
}

char *
companies_sync_http_build_url_for (const char  *server_url,
                                   const char  *path,
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

  return g_strconcat (base, path, NULL);
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

/* What one attempt of a request saw of its connection. */
typedef struct
{
  gboolean sent;            /* the whole body went out */
  gboolean new_connection;  /* it opened a connection (not a kept-alive one) */
} Attempt;

/* A request goes out as two writes (headers, body): without TCP_NODELAY
 * the second waits for the server's delayed ACK on a kept-alive
 * connection (tens of milliseconds a sync). Any event at all means the
 * request did not go on a kept-alive connection. */
static void
network_event_cb (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  Attempt *attempt = user_data;
  GSocket *socket;

  attempt->new_connection = TRUE;
  if (event != G_SOCKET_CLIENT_CONNECTED || !G_IS_SOCKET_CONNECTION (connection))
    return;

  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
}

/* Ends a stream before its end: closing it reads the rest of the body
 * first (libsoup keeps connections for reuse), which a server that never
 * ends would never let finish. With a cancelled cancellable the
 * connection is dropped instead. */
static void
abandon_stream (GInputStream *stream)
{
  g_autoptr(GCancellable) now = g_cancellable_new ();

  g_cancellable_cancel (now);
  g_input_stream_close (stream, now, NULL);
}

static void
wrote_body_cb (SoupMessage *message,
               gpointer     user_data)
{
  ((Attempt *) user_data)->sent = TRUE;
}

/* The error of a round trip that broke off: cancelled, never sent (the
 * request surely was not applied: see error_is_not_sent ()), or sent and
 * not answered in full, which leaves it unknown (docs/protocol.md
 * section 3, "Lost responses"). Takes @io_error. */
static void
set_transfer_error (const CompaniesSyncConfig  *config,
                    GCancellable               *cancellable,
                    CompaniesSyncDeadline      *deadline,
                    gboolean                    sent,
                    GError                     *io_error,
                    GError                    **error)
{
  g_autoptr(GError) local_error = io_error;
  g_autofree char *detail = NULL;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, local_error->message);
      return;
    }

  if (companies_sync_deadline_passed (deadline))
    /* TRANSLATORS: %u is a number of seconds */
    detail = g_strdup_printf (_("no complete answer within %u s"), config->request_deadline);
  else
    detail = g_strdup (local_error->message);

  if (g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_CERTIFICATE,
                 _("The server’s certificate is not trusted; nothing was sent to %s"),
                 config->server_url);
  else if (!sent)
    g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                 _("Could not reach the server at %s: %s"), config->server_url, detail);
  else
    /* TRANSLATORS: the first %s is the server address, the second why
     * the answer is missing */
    g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                 _("The server at %s did not answer in full (%s); the changes may have "
                   "been applied there, and go again with the next sync"),
                 config->server_url, detail);
}

/* Reads the body from @stream, at most @max_bytes of it, into memory
 * grown as it arrives. NULL with *@out_too_large when the body (or its
 * Content-Length) is longer; NULL with an error when the read failed or
 * the connection closed before the Content-Length was reached. */
static GBytes *
read_body (SoupMessage   *message,
           GInputStream  *stream,
           guint64        max_bytes,
           GCancellable  *cancellable,
           gboolean      *out_too_large,
           GError       **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  goffset declared = -1;
  g_autofree guint8 *data = NULL;
  gsize capacity;
  gsize length = 0;

  *out_too_large = FALSE;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    declared = soup_message_headers_get_content_length (headers);
  if (declared > 0 && (guint64) declared > max_bytes)
    {
      *out_too_large = TRUE;
      return NULL;
    }

  /* One byte more than allowed tells a body that is too long. */
  capacity = declared >= 0 ? (gsize) declared + 1 : MIN (READ_BLOCK, max_bytes + 1);
  data = g_malloc (capacity);
  for (;;)
    {
      gssize n;

      if (length == capacity)
        {
          if (capacity > max_bytes)
            {
              *out_too_large = TRUE;
              return NULL;
            }
          capacity = MIN (MAX (capacity * 2, READ_BLOCK), max_bytes + 1);
          data = g_realloc (data, capacity);
        }

      n = g_input_stream_read (stream, data + length, capacity - length, cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      length += n;
    }

  if (declared >= 0 && (goffset) length != declared)
    {
      g_autofree char *got = g_strdup_printf ("%" G_GSIZE_FORMAT, length);
      g_autofree char *promised = g_strdup_printf ("%" G_GOFFSET_FORMAT, declared);

      /* TRANSLATORS: both %s are numbers of bytes */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   _("the connection closed after %s of %s bytes"), got, promised);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&data), length);
}

/* @text with every byte that is not printable ASCII written %XX: an
 * address from a server, fit to print. */
static char *
printable (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p > 0x20 && *p < 0x7f)
      g_string_append_c (out, (char) *p);
    else
      g_string_append_printf (out, "%%%02X", *p);

  return g_string_free (out, FALSE);
}

/* A 3xx: never followed (libsoup would send the sync again as a GET).
 * The message says where it points and the server address to set. */
static void
set_redirect_error (const CompaniesSyncConfig  *config,
                    SoupMessage                *message,
                    GError                    **error)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                       "Location");
  g_autoptr(GUri) target = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *address = NULL;
  g_autofree char *prefix = NULL;
  const char *scheme;

  if (location != NULL)
    target = g_uri_parse_relative (soup_message_get_uri (message), location,
                                   SOUP_HTTP_URI_FLAGS, NULL);
  scheme = target != NULL ? g_uri_get_scheme (target) : NULL;
  if (target == NULL || g_uri_get_host (target) == NULL ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                   _("The server at %s answered with a redirect (HTTP %u) that Companies "
                     "does not follow; check the server address"),
                   config->server_url, soup_message_get_status (message));
      return;
    }

  /* The address is the target without the sync path. */
  prefix = g_strdup (g_uri_get_path (target));
  if (g_str_has_suffix (prefix, COMPANIES_SYNC_PATH))
    prefix[strlen (prefix) - strlen (COMPANIES_SYNC_PATH)] = '\0';
  else
    prefix[0] = '\0';
  {
    g_autofree char *raw_shown = g_uri_to_string_partial (target, G_URI_HIDE_PASSWORD);
    g_autofree char *raw_address = g_uri_join (G_URI_FLAGS_ENCODED, scheme, NULL,
                                               g_uri_get_host (target), g_uri_get_port (target),
                                               prefix, NULL, NULL);

    shown = printable (raw_shown);
    address = printable (raw_address);
  }

  /* TRANSLATORS: the first %s is the server address set now, the second
   * where the server points, the third the address to set instead */
  g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
               _("The server at %s answered with a redirect to %s; set the server "
                 "address to %s"),
               config->server_url, shown, address);
}

/* The answer to a failed request (not 2xx, not 3xx). */
static void
set_status_error (const CompaniesSyncConfig  *config,
                  SoupMessage                *message,
                  GBytes                     *reply,
                  char                      **out_server_path,
                  gboolean                   *out_not_applied,
                  GError                    **error)
{
  guint status = soup_message_get_status (message);
  g_autofree char *server_code = NULL;
  g_autofree char *server_message = NULL;
  gsize length = 0;
  const char *data = reply != NULL ? g_bytes_get_data (reply, &length) : NULL;
  gboolean has_body;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      *out_not_applied = TRUE;
      g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_UNAUTHORIZED,
                           _("The server refused the access token"));
      return;
    }

  has_body = data != NULL &&
    companies_error_body_decode (data, length, &server_code, &server_message, out_server_path);

  /* docs/history.md: the token may pull but never push */
  if (status == SOUP_STATUS_FORBIDDEN && g_strcmp0 (server_code, "read_only") == 0)
    {
      *out_not_applied = TRUE;
      g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_READ_ONLY,
                           _("The access token is read-only: the server sends changes "
                             "but takes none"));
      return;
    }

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
}

/* Builds and sends one request of @method (@body NULL: none) with the
 * headers every request of the protocol has. A request that went on a
 * kept-alive connection and failed before any byte of its answer arrived
 * is sent once more, on a new connection: the server may have closed
 * that connection just as it was reused (docs/live.md). Both requests of
 * the protocol may go twice: a sync's additions are idempotent by uuid,
 * and a watch only reads. Returns the answer's stream and its message, or
 * NULL with the error of the last attempt (*out_message NULL when @url is
 * not one). */
static GInputStream *
send_request (SoupSession                *session,
              const CompaniesSyncConfig  *config,
              const char                 *method,
              const char                 *url,
              GBytes                     *body,
              CompaniesSyncDeadline      *deadline,
              SoupMessage               **out_message,
              gboolean                   *out_sent,
              GError                    **error)
{
  GCancellable *io_cancellable = companies_sync_deadline_get_cancellable (deadline);

  for (guint i = 0; ; i++)
    {
      g_autoptr(SoupMessage) message = soup_message_new (method, url);
      g_autoptr(GError) local_error = NULL;
      Attempt attempt = { FALSE, FALSE };
      GInputStream *stream;

      *out_message = NULL;
      *out_sent = FALSE;
      if (message == NULL)
        return NULL;

      /* The sync's POST may go on a kept-alive connection too (libsoup
       * opens a new one for every request that is not idempotent). */
      soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT |
                                       (i > 0 ? SOUP_MESSAGE_NEW_CONNECTION : 0));
      g_signal_connect (message, "network-event", G_CALLBACK (network_event_cb), &attempt);
      g_signal_connect (message, "wrote-body", G_CALLBACK (wrote_body_cb), &attempt);
      if (body != NULL)
        {
          soup_message_set_request_body_from_bytes (message, "application/json", body);
          /* revision 1.6: tell us what others replaced of ours, and who;
           * revision 1.8: answer our additions held as sent by id
           * (docs/protocol.md section 3); older servers ignore both */
          soup_message_headers_replace (soup_message_get_request_headers (message),
                                        COMPANIES_WANT_HEADER,
                                        COMPANIES_WANT_REPLACED ", " COMPANIES_WANT_CREATED);
        }
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Accept", "application/json");
      if (config->token != NULL && *config->token != '\0')
        {
          g_autofree char *authorization = g_strconcat ("Bearer ", config->token, NULL);

          soup_message_headers_replace (soup_message_get_request_headers (message),
                                        "Authorization", authorization);
        }

      stream = soup_session_send (session, message, io_cancellable, &local_error);
      g_signal_handlers_disconnect_by_data (message, &attempt);
      *out_sent = attempt.sent;
      *out_message = g_steal_pointer (&message);
      if (stream != NULL)
        return stream;

      if (i > 0 || attempt.new_connection || g_cancellable_is_cancelled (io_cancellable))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      g_debug ("A kept-alive connection failed (%s); sending again", local_error->message);
      g_clear_object (out_message);
    }
}

/* Reads the answer of @message, sent with companies_sync_http_post () or
 * companies_sync_http_get (): a 2xx body of at most @max_bytes, or NULL
 * with the error of a redirect, an error status, a body too long or cut
 * short. */
static GBytes *
read_answer (const CompaniesSyncConfig  *config,
             SoupMessage                *message,
             GInputStream               *stream,
             guint64                     max_bytes,
             GCancellable               *cancellable,
             CompaniesSyncDeadline      *deadline,
             char                      **out_server_path,
             gboolean                   *out_not_applied,
             GError                    **error)
{
  GCancellable *io_cancellable = companies_sync_deadline_get_cancellable (deadline);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status = soup_message_get_status (message);
  gboolean too_large = FALSE;
  gboolean ok_status;

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      abandon_stream (stream);
      set_redirect_error (config, message, error);
      return NULL;
    }

  ok_status = SOUP_STATUS_IS_SUCCESSFUL (status);
  if (!ok_status)
    max_bytes = COMPANIES_MAX_ERROR_BODY;
  reply = read_body (message, stream, max_bytes, io_cancellable, &too_large, &local_error);
  if (reply == NULL)
    abandon_stream (stream);

  if (!ok_status)
    {
      /* An error body that cannot be read is only missing. */
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      set_status_error (config, message, reply, out_server_path, out_not_applied, error);
      return NULL;
    }

  if (too_large)
    {
      g_autofree char *limit = g_strdup_printf ("%" G_GUINT64_FORMAT, max_bytes);

      /* TRANSLATORS: the first %s is the server address, the second a
       * number of bytes */
      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                   _("The server at %s sent an answer longer than the protocol allows "
                     "(more than %s bytes); nothing of it was used"),
                   config->server_url, limit);
      return NULL;
    }

  if (reply == NULL)
    {
      set_transfer_error (config, cancellable, deadline, TRUE, g_steal_pointer (&local_error),
                          error);
      return NULL;
    }

  return g_steal_pointer (&reply);
}

static void
set_address_error (const CompaniesSyncConfig  *config,
                   GError                    **error)
{
  g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
               _("“%s” is not a server address; it should look like http://host:port"),
               config->server_url);
}

/* One round trip; what a failure proves is in companies-sync-http.h. */
CompaniesSyncResponse *
companies_sync_http_post (SoupSession                *session,
                          const CompaniesSyncConfig  *config,
                          const char                 *url,
                          const CompaniesSyncRequest *request,
                          GBytes                     *encoded_changes,
                          char                      **out_server_path,
                          gboolean                   *out_not_applied,
                          GCancellable               *cancellable,
                          GError                    **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = encoded_changes != NULL
                           ? companies_sync_request_encode_with_changes (request, encoded_changes)
                           : companies_sync_request_encode (request);
  g_autoptr(CompaniesSyncDeadline) deadline = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean sent = FALSE;
  const char *data;
  gsize length = 0;
  CompaniesSyncResponse *response;

  *out_not_applied = FALSE;

  /* Head and body within one deadline (docs/protocol-transport.md). */
  deadline = companies_sync_deadline_new (cancellable, config->request_deadline);
  stream = send_request (session, config, SOUP_METHOD_POST, url, body, deadline,
                         &message, &sent, &local_error);
  if (message == NULL)
    {
      *out_not_applied = TRUE;
      set_address_error (config, error);
      return NULL;
    }
  if (stream == NULL)
    {
      *out_not_applied = !sent && error_is_not_sent (local_error);
      set_transfer_error (config, cancellable, deadline, sent, g_steal_pointer (&local_error),
                          error);
      return NULL;
    }

  reply = read_answer (config, message, stream, companies_sync_response_max_bytes (request),
                       cancellable, deadline, out_server_path, out_not_applied, error);
  if (reply == NULL)
    return NULL;

  data = g_bytes_get_data (reply, &length);
  response = companies_sync_response_decode (data != NULL ? data : "", length, &local_error);
  if (response != NULL && !companies_sync_response_take_created (response, request, &local_error))
    g_clear_pointer (&response, companies_sync_response_free);
  if (response == NULL)
    {
      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                   _("The server at %s sent an answer Companies cannot read: %s"),
                   config->server_url, local_error->message);
      return NULL;
    }

  return response;
}

GBytes *
companies_sync_http_get (SoupSession                *session,
                         const CompaniesSyncConfig  *config,
                         const char                 *url,
                         guint                       deadline_seconds,
                         guint64                     max_bytes,
                         GCancellable               *cancellable,
                         GError                    **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(CompaniesSyncDeadline) deadline = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server_path = NULL;
  gboolean sent = FALSE;
  gboolean not_applied = FALSE;

  deadline = companies_sync_deadline_new (cancellable, deadline_seconds);
  stream = send_request (session, config, SOUP_METHOD_GET, url, NULL, deadline,
                         &message, &sent, &local_error);
  if (message == NULL)
    {
      set_address_error (config, error);
      return NULL;
    }
  if (stream == NULL)
    {
      /* A GET changes nothing: that it was sent matters not. */
      set_transfer_error (config, cancellable, deadline, FALSE, g_steal_pointer (&local_error),
                          error);
      return NULL;
    }

  if (soup_message_get_status (message) == SOUP_STATUS_NOT_FOUND)
    {
      abandon_stream (stream);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The server at %s does not offer %s"),
                   config->server_url, g_uri_get_path (soup_message_get_uri (message)));
      return NULL;
    }

  return read_answer (config, message, stream, max_bytes, cancellable, deadline,
                      &server_path, &not_applied, error);
}

/* A server on this machine is reached without a proxy (no proxy setting
 * applies to loopback): asking GIO for its proxy resolver loads its
 * modules (TLS, libproxy, GSettings and dconf, a D-Bus connection),
 * most of a no-op `companies-cli sync`'s time (docs/scale.md). */
static gboolean
server_is_loopback (const char *server_url)
{
  g_autoptr(GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* A session of its own for the run; with a CA file, trusting only it.
 * Its idle connections close a few seconds before the server would close
 * them (docs/live.md), so that one is rarely reused as it closes. */
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
                                           "idle-timeout", COMPANIES_SYNC_IDLE_TIMEOUT,
                                           "user-agent", user_agent,
                                           NULL);
  if (database != NULL)
    soup_session_set_tls_database (session, database);
  if (server_is_loopback (config->server_url))
    soup_session_set_proxy_resolver (session, NULL);

  return session;
}
