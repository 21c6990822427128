/* companies-server-http.c: the HTTP face of companies-server
 *
 * Everything that can be decided from the request line and headers (path,
 * method, token, content type, declared length) is decided in the early
 * handler, before the body is read; a refused body is not kept. A sync
 * request is then paused and handed to the worker thread, which owns the
 * database, and resumed when its reply comes back, so the main loop stays
 * free for GET /v1/health and for reading other requests.
 *
 * GET /v1/changes, once authorized, goes to the change feed
 * (companies-server-feed.c), which holds it without a thread.
 *
 * Bodies: a declared length over the limit is refused (413) from the
 * headers, and the body is not kept; a chunked body is counted as it
 * comes, and once over the limit it is no longer kept either. So at most
 * the limit is ever held in memory. A refused body is still read and
 * dropped, because an HTTP/1.1 client reads the answer only once it has
 * sent its body; but any body that goes on past twice the limit has its
 * connection closed. Connection limits and timeouts:
 * companies-server-limits.c. Before a body is kept, its cost is taken
 * from the memory budget (companies-server-budget.c) as it comes: no room
 * is a 503, from the headers already when its declared length has none.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "companies-protocol.h"
#include "companies-server-auth.h"
#include "companies-server-budget.h"
#include "companies-server-history.h"
#include "companies-server-http.h"
#include "companies-server-limits.h"
#include "companies-server-listener.h"
#include "companies-server-respond.h"

#define REQUEST_INFO_KEY "companies-server-request-info"
#define HEALTH_BODY      "{\"status\":\"ok\",\"protocol\":1}"
#define UNHEALTHY_BODY   "{\"status\":\"unavailable\",\"protocol\":1}"

struct _CompaniesServerHttp
{
  SoupServer              *server;
  CompaniesServerWorker   *worker;          /* borrowed */
  CompaniesServerTokens   *tokens;          /* NULL: no authentication */
  CompaniesServerLimits   *limits;
  CompaniesServerFeed     *feed;
  CompaniesServerBudget   *budget;
  CompaniesServerListener *listener;
  gsize                    max_body_bytes;
  guint                    keepalive_timeout;
  guint64                  max_read_bytes;  /* read (and dropped) past the limit */
  GTlsCertificate         *tls_certificate; /* NULL: plain HTTP */
  CompaniesServerProbe    *probe;           /* NULL: health is always ok */

  guint                    in_flight;       /* sync requests handed to the worker */
  GSourceFunc              idle_func;
  gpointer                 idle_data;
};

/* What the log line needs, kept on each message. */
typedef struct
{
  CompaniesServerHttp *http;
  gint64               started;      /* monotonic µs */
  guint64              received;     /* body bytes so far */
  gboolean             dropped;      /* the connection was closed */
  guint                changes_in;
  guint                changes_out;
  gboolean             in_worker;
  gboolean             finished;
} RequestInfo;

static RequestInfo *
get_info (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), REQUEST_INFO_KEY);
}

static void
respond_too_large (CompaniesServerHttp *self,
                   SoupServerMessage   *msg)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("The request body is larger than %lu bytes"),
                             (unsigned long) self->max_body_bytes);
  companies_server_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message, NULL);
}

static void
respond_busy (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", "2");
  companies_server_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy",
                                  _("The server is busy with other requests; try again in a moment"), NULL);
}

static void
respond_method_not_allowed (SoupServerMessage *msg,
                            const char        *allowed)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("This path only accepts %s"), allowed);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Allow", allowed);
  companies_server_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", message, NULL);
}

static gboolean
is_json (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);

  return content_type != NULL && g_ascii_strcasecmp (content_type, "application/json") == 0;
}

/* How many times the request head holds the header @name. */
static guint
count_headers (SoupServerMessage *msg,
               const char        *name)
{
  SoupMessageHeadersIter iter;
  const char *header_name, *header_value;
  guint count = 0;

  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &header_name, &header_value))
    if (g_ascii_strcasecmp (header_name, name) == 0)
      count++;

  return count;
}

/* TRUE when the body is compressed or otherwise coded: every coding of
 * Content-Encoding but "identity". */
static gboolean
is_encoded (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_list (headers, "Content-Encoding");
  g_auto(GStrv) codings = NULL;

  if (value == NULL)
    return FALSE;

  codings = g_strsplit (value, ",", -1);
  for (guint i = 0; codings[i] != NULL; i++)
    {
      const char *coding = g_strstrip (codings[i]);

      if (*coding != '\0' && g_ascii_strcasecmp (coding, "identity") != 0)
        return TRUE;
    }

  return FALSE;
}

/* Before the token (docs/protocol.md section 4, in its order): a second
 * Authorization header could mean another token to another reader of the
 * request (a proxy, a log). TRUE when it answered. */
static gboolean
refuse_ambiguous_head (SoupServerMessage *msg)
{
  if (count_headers (msg, "Authorization") > 1)
    {
      companies_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                      _("The request has more than one Authorization header"), NULL);
      return TRUE;
    }

  return FALSE;
}

/* After refuse_ambiguous_head (): a request without a valid token is
 * answered 401. TRUE when it answered. */
static gboolean
refuse_unauthorized (CompaniesServerHttp *self,
                     SoupServerMessage   *msg)
{
  if (companies_server_auth_check (self->tokens, msg))
    return FALSE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "Bearer");
  companies_server_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                  _("A valid access token is needed"), NULL);
  return TRUE;
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  CompaniesServerHttp *self = user_data;
  RequestInfo *info = get_info (msg);

  if (info == NULL)
    return;

  /* A chunked body declares no length: count it as it comes. */
  info->received += g_bytes_get_size (chunk);
  if (info->received > self->max_body_bytes && soup_server_message_get_status (msg) == 0)
    respond_too_large (self, msg);
  else if (soup_server_message_get_status (msg) == 0 &&
           !companies_server_budget_take (self->budget, msg, g_bytes_get_size (chunk)))
    respond_busy (msg);

  if (info->received > self->max_read_bytes && !info->dropped)
    {
      info->dropped = TRUE;
      companies_server_limits_drop (self->limits, msg,
                                    _("its request body went on past twice the limit"));
    }
}

static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  CompaniesServerHttp *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  gint64 history_id;

  if (g_strcmp0 (path, COMPANIES_HEALTH_PATH) == 0)
    {
      if (g_strcmp0 (method, SOUP_METHOD_GET) != 0)
        respond_method_not_allowed (msg, "GET");
      return;
    }

  if (g_strcmp0 (path, COMPANIES_SERVER_FEED_PATH) == 0)
    {
      if (g_strcmp0 (method, SOUP_METHOD_GET) != 0)
        respond_method_not_allowed (msg, "GET");
      else if (!refuse_ambiguous_head (msg))
        refuse_unauthorized (self, msg);
      return;
    }

  /* GET /v1/companies/{id}/history: any valid token, read-only ones too */
  if (companies_server_history_parse_path (path, &history_id))
    {
      if (g_strcmp0 (method, SOUP_METHOD_GET) != 0)
        respond_method_not_allowed (msg, "GET");
      else if (!refuse_ambiguous_head (msg))
        refuse_unauthorized (self, msg);
      return;
    }

  if (g_strcmp0 (path, COMPANIES_SYNC_PATH) != 0)
    {
      companies_server_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                                      _("There is nothing at this path"), NULL);
      return;
    }

  if (g_strcmp0 (method, SOUP_METHOD_POST) != 0)
    {
      respond_method_not_allowed (msg, "POST");
      return;
    }

  if (refuse_ambiguous_head (msg) || refuse_unauthorized (self, msg))
    return;

  if (!is_json (msg))
    {
      companies_server_respond_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                                      _("The request body must be application/json"), NULL);
      return;
    }

  if (is_encoded (msg))
    {
      companies_server_respond_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                                      _("The request body must not be compressed (Content-Encoding)"), NULL);
      return;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > self->max_body_bytes)
    {
      respond_too_large (self, msg);
      return;
    }

  /* taken as the body comes: a declared length alone holds nothing */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      !companies_server_budget_has_room (self->budget,
                                         soup_message_headers_get_content_length (headers)))
    respond_busy (msg);
}

static void
sync_replied_cb (const CompaniesServerReply *reply,
                 gpointer                    user_data)
{
  SoupServerMessage *msg = user_data;
  RequestInfo *info = get_info (msg);

  info->changes_in = reply->changes_in;
  info->changes_out = reply->changes_out;

  /* The connection may have gone while the worker ran. */
  if (info->finished)
    return;

  if (reply->retry_after > 0)
    {
      char seconds[16];

      g_snprintf (seconds, sizeof seconds, "%u", reply->retry_after);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
    }
  companies_server_respond_json (msg, reply->status, reply->body);
  soup_server_message_unpause (msg);
}

/* GET /v1/health: 200 while the database answers, else 503 with
 * Retry-After (docs/protocol.md section 5). */
static void
health_checked_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  RequestInfo *info = get_info (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gboolean healthy;

  healthy = companies_server_probe_check_finish (result, &error);
  if (info->finished)
    return;

  if (healthy)
    {
      body = g_bytes_new_static (HEALTH_BODY, strlen (HEALTH_BODY));
      companies_server_respond_json (msg, SOUP_STATUS_OK, body);
    }
  else
    {
      body = g_bytes_new_static (UNHEALTHY_BODY, strlen (UNHEALTHY_BODY));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "2");
      companies_server_respond_json (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, body);
    }
  soup_server_message_unpause (msg);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CompaniesServerHttp *self = user_data;
  RequestInfo *info = get_info (msg);
  g_autoptr(GBytes) body = NULL;
  const char *want = NULL;
  gint64 history_id;

  /* The early handler let only these three through. */
  if (g_strcmp0 (path, COMPANIES_SERVER_FEED_PATH) == 0)
    {
      companies_server_feed_serve (self->feed, msg, query);
      return;
    }

  if (g_strcmp0 (path, COMPANIES_HEALTH_PATH) == 0)
    {
      soup_server_message_pause (msg);
      companies_server_probe_check_async (self->probe, health_checked_cb, g_object_ref (msg));
      return;
    }

  if (companies_server_history_parse_path (path, &history_id))
    {
      info->in_worker = TRUE;
      self->in_flight++;
      soup_server_message_pause (msg);
      companies_server_worker_history (self->worker, history_id, sync_replied_cb,
                                       g_object_ref (msg), g_object_unref);
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (body) > self->max_body_bytes)
    {
      respond_too_large (self, msg);
      return;
    }

  /* revisions 1.6 and 1.8 (docs/protocol.md section 3): a header that
   * servers before them ignore asks for `replaced` and `created` */
  want = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                        COMPANIES_WANT_HEADER);
  soup_message_body_truncate (soup_server_message_get_request_body (msg));

  info->in_worker = TRUE;
  self->in_flight++;
  soup_server_message_pause (msg);
  companies_server_worker_sync (self->worker, body, companies_server_auth_get_token (msg),
                                want != NULL && soup_header_contains (want, COMPANIES_WANT_REPLACED),
                                want != NULL && soup_header_contains (want, COMPANIES_WANT_CREATED),
                                sync_replied_cb,
                                g_object_ref (msg), g_object_unref);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  RequestInfo *info = user_data;
  CompaniesServerHttp *self = info->http;

  if (info->finished)
    return;
  info->finished = TRUE;

  if (info->in_worker)
    {
      info->in_worker = FALSE;
      self->in_flight--;
      if (self->in_flight == 0 && self->idle_func != NULL)
        {
          GSourceFunc func = g_steal_pointer (&self->idle_func);

          g_idle_add (func, self->idle_data);
        }
    }
}

/* Writes a line to stderr, made on the stack when it fits: this runs for
 * every request. */
static void G_GNUC_PRINTF (1, 2)
log_line (const char *format,
          ...)
{
  g_autofree char *long_line = NULL;
  char line[512];
  va_list args;
  int length;

  va_start (args, format);
  length = g_vsnprintf (line, sizeof line, format, args);
  va_end (args);
  if (length >= 0 && (gsize) length < sizeof line)
    {
      fputs (line, stderr);
      return;
    }

  va_start (args, format);
  long_line = g_strdup_vprintf (format, args);
  va_end (args);
  fputs (long_line, stderr);
}

/* @text as the log may show it: a byte outside printable ASCII (a
 * control character, a space, DEL, any byte of a non-ASCII or invalid
 * UTF-8 sequence) and the backslash become \xHH, so that text a client
 * chose cannot forge a line, split a field or drive the terminal. */
static char *
escape_for_log (const char *text)
{
  static const char hex[] = "0123456789abcdef";
  GString *escaped;

  if (text == NULL)
    return g_strdup ("-");

  escaped = g_string_sized_new (strlen (text) + 1);
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p > 0x20 && *p < 0x7f && *p != '\\')
        {
          g_string_append_c (escaped, (char) *p);
          continue;
        }

      g_string_append (escaped, "\\x");
      g_string_append_c (escaped, hex[*p >> 4]);
      g_string_append_c (escaped, hex[*p & 0xf]);
    }

  return g_string_free (escaped, FALSE);
}

/* One line a request, once it is answered or its connection is gone
 * ("aborted"); never a header, so never a token. The path is the one
 * sent, still percent-encoded, and escaped. libsoup reports only
 * requests whose request line arrived: a connection closed before that is
 * logged by the limits. */
static void
log_request (SoupServerMessage *msg,
             gboolean           aborted)
{
  RequestInfo *info = get_info (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  char status[16];

  if (info == NULL)
    return;

  method = escape_for_log (soup_server_message_get_method (msg));
  path = escape_for_log (uri != NULL ? g_uri_get_path (uri) : NULL);

  if (aborted)
    g_strlcpy (status, "aborted", sizeof status);
  else
    g_snprintf (status, sizeof status, "%u", soup_server_message_get_status (msg));

  log_line ("%s %s %s in=%u out=%u %" G_GINT64_FORMAT " ms\n",
            method, path,
            status, info->changes_in, info->changes_out,
            (g_get_monotonic_time () - info->started) / 1000);
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  log_request (msg, FALSE);
}

static void
request_aborted_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  log_request (msg, TRUE);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  RequestInfo *info = g_new0 (RequestInfo, 1);

  info->http = user_data;
  info->started = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), REQUEST_INFO_KEY, info, g_free);
  g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), info);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), info->http);
}

static void
commit_announced_cb (gint64   version,
                     gpointer user_data)
{
  companies_server_feed_committed (user_data, version);
}

CompaniesServerHttp *
companies_server_http_new (CompaniesServerWorker            *worker,
                           CompaniesServerTokens            *tokens,
                           const CompaniesServerHttpOptions *options)
{
  CompaniesServerHttp *self;

  g_return_val_if_fail (worker != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->max_body_bytes > 0, NULL);
  g_return_val_if_fail (options->max_memory_bytes >= COMPANIES_SERVER_BODY_COST, NULL);

  self = g_new0 (CompaniesServerHttp, 1);
  self->worker = worker;
  self->tokens = tokens;
  self->budget = companies_server_budget_new (options->max_memory_bytes);
  /* a body that could never fit the budget is too large */
  self->max_body_bytes = MIN (options->max_body_bytes,
                              companies_server_budget_largest_body (self->budget));
  self->max_read_bytes = 2 * (guint64) self->max_body_bytes;
  if (options->tls_certificate != NULL)
    self->tls_certificate = g_object_ref (options->tls_certificate);
  self->probe = options->probe != NULL ? options->probe : companies_server_probe_new (NULL);
  /* Raw paths: "/v1/companies%2Fsync" is not the sync path. The Server
   * header names no version. */
  self->server = soup_server_new ("server-header", "companies-server",
                                  "raw-paths", TRUE,
                                  NULL);
  self->limits = companies_server_limits_new (self->server, &options->limits);
  self->keepalive_timeout = options->keepalive_timeout > 0
                            ? options->keepalive_timeout
                            : COMPANIES_SERVER_DEFAULT_KEEPALIVE_TIMEOUT;
  self->feed = companies_server_feed_new (self->limits,
                                         options->max_watchers > 0
                                         ? options->max_watchers
                                         : COMPANIES_SERVER_DEFAULT_MAX_WATCHERS);
  companies_server_feed_set_database (self->feed,
                                      companies_server_worker_get_database_uuid (worker),
                                      companies_server_worker_get_start_version (worker));
  companies_server_worker_watch_commits (worker, commit_announced_cb, self->feed);

  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (request_aborted_cb), self);
  soup_server_add_early_handler (self->server, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);

  return self;
}

char *
companies_server_http_listen (CompaniesServerHttp  *self,
                              GInetAddress         *address,
                              guint16               port,
                              GError              **error)
{
  g_autofree char *host = NULL;
  const char *scheme = self->tls_certificate != NULL ? "https" : "http";

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->listener == NULL, NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  self->listener = companies_server_listener_new (self->server, self->limits,
                                                  self->tls_certificate,
                                                  self->keepalive_timeout,
                                                  address, port, error);
  if (self->listener == NULL)
    return NULL;

  port = companies_server_listener_get_port (self->listener);
  host = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("%s://[%s]:%u", scheme, host, port);
  else
    return g_strdup_printf ("%s://%s:%u", scheme, host, port);
}

CompaniesServerFeed *
companies_server_http_get_feed (CompaniesServerHttp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->feed;
}

void
companies_server_http_when_idle (CompaniesServerHttp *self,
                                 GSourceFunc          func,
                                 gpointer             user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  if (self->in_flight == 0)
    {
      g_idle_add (func, user_data);
      return;
    }

  self->idle_func = func;
  self->idle_data = user_data;
}

void
companies_server_http_free (CompaniesServerHttp *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->listener, companies_server_listener_free);
  companies_server_worker_watch_commits (self->worker, NULL, NULL);
  g_clear_pointer (&self->feed, companies_server_feed_free);
  soup_server_disconnect (self->server);
  g_clear_pointer (&self->limits, companies_server_limits_free);
  g_clear_pointer (&self->budget, companies_server_budget_free);
  g_clear_object (&self->server);
  g_clear_object (&self->tls_certificate);
  g_clear_pointer (&self->probe, companies_server_probe_free);
  g_clear_pointer (&self->tokens, companies_server_tokens_free);
  g_free (self);
}
