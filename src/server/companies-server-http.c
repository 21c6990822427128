/* companies-server-http.c: the HTTP face of companies-server
 *
 * Everything that can be decided from the request line and headers (path,
 * method, token, content type, declared length) is decided in the early
 * handler, before the body is read; a refused body is not kept. A sync
 * request is then paused and handed to the worker thread, which owns the
 * database, and resumed when its reply comes back, so the main loop stays
 * free for GET /v1/health and for reading other requests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "companies-protocol.h"
#include "companies-server-http.h"

#define REQUEST_INFO_KEY "companies-server-request-info"
#define HEALTH_BODY      "{\"status\":\"ok\",\"protocol\":1}"

struct _CompaniesServerHttp
{
  SoupServer            *server;
  CompaniesServerWorker *worker;     /* borrowed */
  CompaniesServerTokens *tokens;     /* NULL: no authentication */
  gsize                  max_body_bytes;

  guint                  in_flight;  /* sync requests handed to the worker */
  GSourceFunc            idle_func;
  gpointer               idle_data;
};

/* What the log line needs, kept on each message. */
typedef struct
{
  CompaniesServerHttp *http;
  gint64               started;      /* monotonic µs */
  guint64              received;     /* body bytes so far */
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
respond_json (SoupServerMessage *msg,
              guint              status,
              GBytes            *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *response_body = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  soup_message_body_truncate (response_body);
  soup_message_body_append_bytes (response_body, body);
}

/* Answers with the error body of protocol.md section 4, and drops whatever
 * of the request body is still to come instead of keeping it. */
static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message,
               const char        *path)
{
  g_autoptr(GBytes) body = companies_error_body_encode (code, message, path);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);

  soup_message_body_set_accumulate (request_body, FALSE);
  soup_message_body_truncate (request_body);
  respond_json (msg, status, body);
}

static void
respond_too_large (CompaniesServerHttp *self,
                   SoupServerMessage   *msg)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("The request body is larger than %" G_GSIZE_FORMAT " bytes"),
                             self->max_body_bytes);
  respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message, NULL);
}

static void
respond_method_not_allowed (SoupServerMessage *msg,
                            const char        *allowed)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("This path only accepts %s"), allowed);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Allow", allowed);
  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", message, NULL);
}

/* Authorization: Bearer <token>, checked against the configured hashes. */
static gboolean
is_authorized (CompaniesServerHttp *self,
               SoupServerMessage   *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value;
  char *token;
  gboolean ok;

  if (self->tokens == NULL)
    return TRUE;

  value = soup_message_headers_get_one (headers, "Authorization");
  if (value == NULL ||
      g_ascii_strncasecmp (value, "Bearer", 6) != 0 ||
      (value[6] != ' ' && value[6] != '\t'))
    return FALSE;

  token = g_strstrip (g_strdup (value + 6));
  ok = *token != '\0' && companies_server_tokens_check (self->tokens, token);
  explicit_bzero (token, strlen (token));
  g_free (token);

  return ok;
}

static gboolean
is_json (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);

  return content_type != NULL && g_ascii_strcasecmp (content_type, "application/json") == 0;
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

  if (g_strcmp0 (path, COMPANIES_HEALTH_PATH) == 0)
    {
      if (g_strcmp0 (method, SOUP_METHOD_GET) != 0)
        respond_method_not_allowed (msg, "GET");
      return;
    }

  if (g_strcmp0 (path, COMPANIES_SYNC_PATH) != 0)
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                     _("There is nothing at this path"), NULL);
      return;
    }

  if (g_strcmp0 (method, SOUP_METHOD_POST) != 0)
    {
      respond_method_not_allowed (msg, "POST");
      return;
    }

  if (!is_authorized (self, msg))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer");
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                     _("A valid access token is needed"), NULL);
      return;
    }

  if (!is_json (msg))
    {
      respond_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                     _("The request body must be application/json"), NULL);
      return;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > self->max_body_bytes)
    {
      respond_too_large (self, msg);
      return;
    }

  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self);
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

  respond_json (msg, reply->status, reply->body);
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

  /* The early handler let only these two through. */
  if (g_strcmp0 (path, COMPANIES_HEALTH_PATH) == 0)
    {
      g_autoptr(GBytes) health = g_bytes_new_static (HEALTH_BODY, strlen (HEALTH_BODY));

      respond_json (msg, SOUP_STATUS_OK, health);
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (body) > self->max_body_bytes)
    {
      respond_too_large (self, msg);
      return;
    }

  soup_message_body_truncate (soup_server_message_get_request_body (msg));

  info->in_worker = TRUE;
  self->in_flight++;
  soup_server_message_pause (msg);
  companies_server_worker_sync (self->worker, body, sync_replied_cb,
                                g_object_ref (msg), g_object_unref);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  RequestInfo *info = user_data;
  CompaniesServerHttp *self = info->http;
  GUri *uri = soup_server_message_get_uri (msg);
  gint64 elapsed = g_get_monotonic_time () - info->started;

  if (info->finished)
    return;
  info->finished = TRUE;

  /* One line a request; never a header, so never a token. */
  g_printerr ("%s %s %u in=%u out=%u %" G_GINT64_FORMAT " ms\n",
              soup_server_message_get_method (msg),
              uri != NULL ? g_uri_get_path (uri) : "-",
              soup_server_message_get_status (msg),
              info->changes_in, info->changes_out,
              elapsed / 1000);

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
}

CompaniesServerHttp *
companies_server_http_new (CompaniesServerWorker *worker,
                           CompaniesServerTokens *tokens,
                           gsize                  max_body_bytes)
{
  CompaniesServerHttp *self;

  g_return_val_if_fail (worker != NULL, NULL);
  g_return_val_if_fail (max_body_bytes > 0, NULL);

  self = g_new0 (CompaniesServerHttp, 1);
  self->worker = worker;
  self->tokens = tokens;
  self->max_body_bytes = max_body_bytes;
  self->server = soup_server_new ("server-header", "companies-server/" PACKAGE_VERSION " ",
                                  NULL);

  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
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
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local_address = NULL;
  g_autofree char *host = NULL;
  GSList *listeners;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  socket_address = g_inet_socket_address_new (address, port);
  if (!soup_server_listen (self->server, socket_address, 0, error))
    return NULL;

  listeners = soup_server_get_listeners (self->server);
  if (listeners != NULL)
    local_address = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (local_address == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The server has no listening socket"));
      return NULL;
    }

  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local_address));
  host = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("http://[%s]:%u", host, port);
  else
    return g_strdup_printf ("http://%s:%u", host, port);
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

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->tokens, companies_server_tokens_free);
  g_free (self);
}
