/* companies-test-proxy.c: a small HTTP proxy that can drop or hold
 * responses.
 *
 * One thread accepts connections; each connection gets a thread of its own
 * that reads one HTTP/1.1 request, forwards it upstream with a SoupSession
 * made in that thread, and answers with "Connection: close" (the wire is in
 * companies-test-wire.c), so that every request of the client arrives on a
 * new connection (libsoup never re-sends a request on a fresh connection,
 * so a dropped response is seen as lost).
 * Finished connection threads are joined as new connections arrive, so a
 * long run does not pile them up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-test-proxy"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "companies-test-proxy.h"
#include "companies-test-wire.h"

#define HOLD_LIMIT_US (120 * G_TIME_SPAN_SECOND)

struct _CompaniesTestProxy
{
  GMutex        mutex;
  GCond         cond;

  char         *upstream_url;
  char         *url;
  GSocket      *listener;
  GCancellable *cancellable;
  GThread      *accept_thread;
  GPtrArray    *handlers;        /* of Handler */

  GHashTable   *actions;         /* request number → CompaniesTestProxyAction */
  GArray       *changes;         /* gint per request, index = number - 1 */
  guint         n_requests;
  guint         n_answered;
  guint         n_holds;         /* holds begun */
  guint         n_releases;      /* releases asked for */
  gboolean      stopping;

  gboolean      recording;
  GHashTable   *exchanges;       /* request number → Exchange, while recording */
};

typedef struct
{
  CompaniesTestProxy *proxy;
  GSocketConnection  *connection;
  GThread            *thread;
  gboolean            done;      /* the thread returns; guarded by the mutex */
} Handler;

/* One recorded request and the upstream's answer. */
typedef struct
{
  GBytes *request;
  guint   status;                /* 0: the upstream did not answer */
  GBytes *response;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_pointer (&exchange->request, g_bytes_unref);
  g_clear_pointer (&exchange->response, g_bytes_unref);
  g_free (exchange);
}

static void
handler_free (Handler *handler)
{
  g_clear_pointer (&handler->thread, g_thread_join);
  g_clear_object (&handler->connection);
  g_free (handler);
}

/* Joins the connection threads that finished. Called with the mutex held;
 * a finished thread only returns, so joining it does not wait long. */
static void
reap_finished_handlers (CompaniesTestProxy *self)
{
  guint i = 0;

  while (i < self->handlers->len)
    {
      Handler *handler = g_ptr_array_index (self->handlers, i);

      if (handler->done)
        {
          g_ptr_array_remove_index_fast (self->handlers, i);
          handler_free (handler);
        }
      else
        i++;
    }
}

static gint
count_changes (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char * const lists[] = { "added", "updated", "deleted" };
  JsonObject *object;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  gint total = 0;

  if (data == NULL || !json_parser_load_from_data (parser, data, length, NULL))
    return -1;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return -1;
  object = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonNode *node = json_object_get_member (object, lists[i]);

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        total += (gint) json_array_get_length (json_node_get_array (node));
    }

  return total;
}

static gpointer
handler_thread (gpointer data)
{
  Handler *handler = data;
  CompaniesTestProxy *self = handler->proxy;
  GIOStream *stream = G_IO_STREAM (handler->connection);
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autofree char *upstream = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *www_authenticate = NULL;
  CompaniesTestRequest request = { 0 };
  CompaniesTestProxyAction action;
  Exchange *exchange;
  guint number;
  guint status = 0;
  gint changes;

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  if (!companies_test_request_read (in, &request, &error))
    {
      g_debug ("no request on a connection: %s", error->message);
      goto out;
    }

  changes = count_changes (request.body);

  g_mutex_lock (&self->mutex);
  number = ++self->n_requests;
  g_array_append_val (self->changes, changes);
  if (self->recording)
    {
      exchange = g_new0 (Exchange, 1);
      exchange->request = g_bytes_ref (request.body);
      g_hash_table_insert (self->exchanges, GUINT_TO_POINTER (number), exchange);
    }
  action = GPOINTER_TO_UINT (g_hash_table_lookup (self->actions, GUINT_TO_POINTER (number)));
  upstream = g_strdup (self->upstream_url);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  response = companies_test_request_forward (upstream, &request, &status,
                                             &content_type, &www_authenticate);
  if (response == NULL)
    goto out;   /* upstream unreachable: the client sees a closed connection */

  g_mutex_lock (&self->mutex);
  self->n_answered++;
  /* Kept before the client can see anything of the answer. */
  exchange = g_hash_table_lookup (self->exchanges, GUINT_TO_POINTER (number));
  if (exchange != NULL)
    {
      exchange->status = status;
      exchange->response = g_bytes_ref (response);
    }
  if (action == COMPANIES_TEST_PROXY_HOLD)
    {
      guint hold = self->n_holds++;
      gint64 deadline = g_get_monotonic_time () + HOLD_LIMIT_US;

      g_cond_broadcast (&self->cond);
      while (self->n_releases <= hold && !self->stopping)
        if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
          break;
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (action == COMPANIES_TEST_PROXY_DROP)
    goto out;

  companies_test_response_write (g_io_stream_get_output_stream (stream), status,
                  content_type, www_authenticate, response);

out:
  companies_test_request_clear (&request);
  g_io_stream_close (stream, NULL, NULL);

  g_mutex_lock (&self->mutex);
  handler->done = TRUE;
  g_mutex_unlock (&self->mutex);

  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  CompaniesTestProxy *self = data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (self->listener, self->cancellable, &error);
      Handler *handler;

      if (socket == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_debug ("accept failed: %s", error->message);
          break;
        }

      /* bounds every read and write of a connection */
      g_socket_set_timeout (socket, 90);
      handler = g_new0 (Handler, 1);
      handler->proxy = self;
      handler->connection = g_socket_connection_factory_create_connection (socket);

      g_mutex_lock (&self->mutex);
      reap_finished_handlers (self);
      handler->thread = g_thread_new ("test-proxy-handler", handler_thread, handler);
      g_ptr_array_add (self->handlers, handler);
      g_mutex_unlock (&self->mutex);
    }

  return NULL;
}

CompaniesTestProxy *
companies_test_proxy_new (const char  *upstream_url,
                          GError     **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) listener = NULL;
  CompaniesTestProxy *self;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL)
    return NULL;
  if (!g_socket_bind (listener, address, TRUE, error) || !g_socket_listen (listener, error))
    return NULL;
  bound = g_socket_get_local_address (listener, error);
  if (bound == NULL)
    return NULL;

  self = g_new0 (CompaniesTestProxy, 1);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->upstream_url = g_strdup (upstream_url);
  self->url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  self->listener = g_steal_pointer (&listener);
  self->cancellable = g_cancellable_new ();
  self->handlers = g_ptr_array_new ();
  self->actions = g_hash_table_new (NULL, NULL);
  self->changes = g_array_new (FALSE, FALSE, sizeof (gint));
  self->exchanges = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) exchange_free);
  self->accept_thread = g_thread_new ("test-proxy-accept", accept_thread, self);

  return self;
}

void
companies_test_proxy_free (CompaniesTestProxy *self)
{
  g_autoptr(GPtrArray) handlers = NULL;

  if (self == NULL)
    return;

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->accept_thread);

  /* no more handlers start now; wake those still reading a request */
  handlers = g_steal_pointer (&self->handlers);
  for (guint i = 0; i < handlers->len; i++)
    {
      Handler *handler = g_ptr_array_index (handlers, i);

      g_socket_shutdown (g_socket_connection_get_socket (handler->connection),
                         TRUE, FALSE, NULL);
    }
  g_ptr_array_set_free_func (handlers, (GDestroyNotify) handler_free);
  g_clear_pointer (&handlers, g_ptr_array_unref);

  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_object_unref (self->cancellable);
  g_hash_table_unref (self->actions);
  g_array_unref (self->changes);
  g_hash_table_unref (self->exchanges);
  g_free (self->upstream_url);
  g_free (self->url);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

const char *
companies_test_proxy_get_url (CompaniesTestProxy *self)
{
  return self->url;
}

void
companies_test_proxy_set_upstream (CompaniesTestProxy *self,
                                   const char         *upstream_url)
{
  g_mutex_lock (&self->mutex);
  g_free (self->upstream_url);
  self->upstream_url = g_strdup (upstream_url);
  g_mutex_unlock (&self->mutex);
}

void
companies_test_proxy_set_action (CompaniesTestProxy       *self,
                                 guint                     request_number,
                                 CompaniesTestProxyAction  action)
{
  g_return_if_fail (request_number > 0);

  g_mutex_lock (&self->mutex);
  g_hash_table_insert (self->actions, GUINT_TO_POINTER (request_number), GUINT_TO_POINTER (action));
  g_mutex_unlock (&self->mutex);
}

guint
companies_test_proxy_get_request_count (CompaniesTestProxy *self)
{
  guint count;

  g_mutex_lock (&self->mutex);
  count = self->n_requests;
  g_mutex_unlock (&self->mutex);

  return count;
}

gint
companies_test_proxy_get_request_changes (CompaniesTestProxy *self,
                                          guint               request_number)
{
  gint changes = -1;

  g_mutex_lock (&self->mutex);
  if (request_number > 0 && request_number <= self->changes->len)
    changes = g_array_index (self->changes, gint, request_number - 1);
  g_mutex_unlock (&self->mutex);

  return changes;
}

guint
companies_test_proxy_get_answered_count (CompaniesTestProxy *self)
{
  guint count;

  g_mutex_lock (&self->mutex);
  count = self->n_answered;
  g_mutex_unlock (&self->mutex);

  return count;
}

gboolean
companies_test_proxy_wait_requests (CompaniesTestProxy *self,
                                    guint               n_requests,
                                    guint               timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean reached;

  g_mutex_lock (&self->mutex);
  while (self->n_requests < n_requests)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  reached = self->n_requests >= n_requests;
  g_mutex_unlock (&self->mutex);

  return reached;
}

gboolean
companies_test_proxy_wait_held (CompaniesTestProxy *self,
                                guint               n_holds,
                                guint               timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean reached;

  g_mutex_lock (&self->mutex);
  while (self->n_holds < n_holds)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  reached = self->n_holds >= n_holds;
  g_mutex_unlock (&self->mutex);

  return reached;
}

void
companies_test_proxy_release (CompaniesTestProxy *self)
{
  g_mutex_lock (&self->mutex);
  self->n_releases++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
companies_test_proxy_set_recording (CompaniesTestProxy *self,
                                    gboolean            recording)
{
  g_mutex_lock (&self->mutex);
  self->recording = recording;
  g_mutex_unlock (&self->mutex);
}

gboolean
companies_test_proxy_take_exchange (CompaniesTestProxy  *self,
                                    guint                request_number,
                                    GBytes             **out_request,
                                    guint               *out_status,
                                    GBytes             **out_response)
{
  gpointer key = GUINT_TO_POINTER (request_number);
  Exchange *exchange;

  g_mutex_lock (&self->mutex);
  exchange = g_hash_table_lookup (self->exchanges, key);
  if (exchange != NULL)
    g_hash_table_steal (self->exchanges, key);
  g_mutex_unlock (&self->mutex);

  if (exchange == NULL)
    return FALSE;

  *out_request = g_steal_pointer (&exchange->request);
  *out_status = exchange->status;
  *out_response = g_steal_pointer (&exchange->response);
  exchange_free (exchange);

  return TRUE;
}
