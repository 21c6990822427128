/* companies-server-limits.c: how many connections companies-server keeps,
 * and for how long
 *
 * libsoup 3.2 has no connection limit nor timeout of its own. The
 * listener (companies-server-listener.c) accepts each connection, asks
 * companies_server_limits_admit () whether it may be served, and hands it
 * to libsoup with its remote address; every message libsoup then makes for
 * that connection carries that same address object, which keys it here.
 * A connection goes through:
 *
 *   reading     from the accept until the request (head and body) is read:
 *               closed when @request_timeout seconds have passed since the
 *               accept (a slow-loris sending a byte a second), or when
 *               nothing arrived for @idle_timeout seconds (the kernel's
 *               TCP_INFO tells when data last arrived);
 *   processing  the worker prepares the answer: no limit here;
 *   writing     the answer goes out: closed when the client has not taken
 *               it @request_timeout seconds after it started;
 *   done        answered: libsoup closes the connection.
 *
 * Closing means an abortive close: SO_LINGER 0, so that the close sends
 * a reset and frees the kernel's side at once (a plain close would leave
 * an orphan socket whose full receive window stalls a client that keeps
 * sending), then shutdown (2): libsoup sees the end of the stream, gives
 * up the message and closes the socket.
 *
 * A connection serves one request: libsoup closes a connection it was
 * handed once its answer is out, and every answer says so
 * ("Connection: close"). There are no idle connections between requests;
 * the idle timeout applies while a request is awaited.
 *
 * Beyond @max_connections open connections, a new one is closed at once
 * (no answer: reading one would take a slot too); the client sees the
 * connection reset and tries again later.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "companies-server-limits.h"

#define TICK_MILLISECONDS 250

typedef enum
{
  STAGE_READING,
  STAGE_PROCESSING,
  STAGE_WRITING,
  STAGE_DONE,
} Stage;

typedef struct
{
  GSocket        *socket;
  GSocketAddress *remote_address;  /* the key */
  Stage           stage;
  gint64          deadline;  /* monotonic µs; 0 for none */
  gboolean        dropped;   /* shut down; waiting for libsoup to close it */
} Connection;

struct _CompaniesServerLimits
{
  grefcount   ref_count;   /* the messages' signal handlers hold one */
  SoupServer *server;      /* borrowed; NULL once freed */
  gulong      request_started_id;
  GHashTable *connections; /* GSocketAddress * (remote) → Connection * */
  guint       max_connections;
  guint       idle_timeout;
  guint       request_timeout;
  guint       tick_id;
};

static void
connection_free (Connection *connection)
{
  g_object_unref (connection->socket);
  g_object_unref (connection->remote_address);
  g_free (connection);
}

static CompaniesServerLimits *
limits_ref (CompaniesServerLimits *self)
{
  g_ref_count_inc (&self->ref_count);
  return self;
}

static void
limits_unref (CompaniesServerLimits *self)
{
  if (!g_ref_count_dec (&self->ref_count))
    return;

  g_hash_table_unref (self->connections);
  g_free (self);
}

static void
limits_unref_closure (gpointer  data,
                      GClosure *closure)
{
  limits_unref (data);
}

static char *
describe_peer (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_remote_address (socket, NULL);
  g_autofree char *host = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("?");

  host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  return g_strdup_printf ("%s port %u", host,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

static void
drop_socket (GSocket    *socket,
             const char *reason)
{
  g_autofree char *peer = describe_peer (socket);
  struct linger abort_on_close = { .l_onoff = 1, .l_linger = 0 };

  g_printerr (_("Closed the connection of %s: %s\n"), peer, reason);
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
              &abort_on_close, sizeof abort_on_close);
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* Milliseconds since data last arrived on @socket (or since it was
 * accepted, if none did yet). */
static guint
ms_since_data_arrived (GSocket *socket)
{
  struct tcp_info info;
  socklen_t length = sizeof info;

  memset (&info, 0, sizeof info);
  if (getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, &info, &length) != 0)
    return 0;

  return info.tcpi_last_data_recv;
}

static gboolean
is_closed_cb (gpointer key,
              gpointer value,
              gpointer user_data)
{
  Connection *connection = value;

  return g_socket_is_closed (connection->socket);
}

static void
prune_closed (CompaniesServerLimits *self)
{
  g_hash_table_foreach_remove (self->connections, is_closed_cb, NULL);
}

static void
check_connection (CompaniesServerLimits *self,
                  Connection            *connection,
                  gint64                 now)
{
  g_autofree char *reason = NULL;

  if (connection->dropped)
    return;

  switch (connection->stage)
    {
    case STAGE_READING:
      if (now >= connection->deadline)
        reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "its request did not arrive whole within %u second",
                                               "its request did not arrive whole within %u seconds",
                                               self->request_timeout),
                                  self->request_timeout);
      else if (ms_since_data_arrived (connection->socket) >= self->idle_timeout * 1000u)
        reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "it sent nothing for %u second",
                                               "it sent nothing for %u seconds",
                                               self->idle_timeout),
                                  self->idle_timeout);
      break;

    case STAGE_WRITING:
      if (now >= connection->deadline)
        reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "it did not take the answer within %u second",
                                               "it did not take the answer within %u seconds",
                                               self->request_timeout),
                                  self->request_timeout);
      break;

    case STAGE_PROCESSING:
    case STAGE_DONE:
    default:
      break;
    }

  if (reason != NULL)
    {
      connection->dropped = TRUE;
      drop_socket (connection->socket, reason);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  CompaniesServerLimits *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Connection *connection;

  prune_closed (self);

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &connection))
    check_connection (self, connection, now);

  if (g_hash_table_size (self->connections) == 0)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static Connection *
lookup_connection (CompaniesServerLimits *self,
                   SoupServerMessage     *msg)
{
  GSocketAddress *remote_address;

  if (self->server == NULL)
    return NULL;

  remote_address = soup_server_message_get_remote_address (msg);
  if (remote_address == NULL)
    return NULL;

  return g_hash_table_lookup (self->connections, remote_address);
}

static void
enter_stage (CompaniesServerLimits *self,
             SoupServerMessage     *msg,
             Stage                  stage,
             guint                  timeout)
{
  Connection *connection = lookup_connection (self, msg);

  if (connection == NULL)
    return;

  connection->stage = stage;
  connection->deadline = timeout > 0 ? g_get_monotonic_time () + timeout * G_USEC_PER_SEC : 0;
}

static void
got_body_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  enter_stage (user_data, msg, STAGE_PROCESSING, 0);
}

static void
wrote_headers_cb (SoupServerMessage *msg,
                  gpointer           user_data)
{
  CompaniesServerLimits *self = user_data;

  enter_stage (self, msg, STAGE_WRITING, self->request_timeout);
}

static void
finished_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  enter_stage (user_data, msg, STAGE_DONE, 0);
}

static void
watch_message (CompaniesServerLimits *self,
               SoupServerMessage     *msg)
{
  g_signal_connect_data (msg, "got-body", G_CALLBACK (got_body_cb),
                         limits_ref (self), limits_unref_closure, 0);
  g_signal_connect_data (msg, "wrote-headers", G_CALLBACK (wrote_headers_cb),
                         limits_ref (self), limits_unref_closure, 0);
  g_signal_connect_data (msg, "finished", G_CALLBACK (finished_cb),
                         limits_ref (self), limits_unref_closure, 0);
}

/* libsoup starts a message as soon as it is given a connection. */
static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  CompaniesServerLimits *self = user_data;
  Connection *connection;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");

  connection = lookup_connection (self, msg);
  if (connection == NULL)
    return;

  connection->stage = STAGE_READING;
  watch_message (self, msg);
}

gboolean
companies_server_limits_admit (CompaniesServerLimits *self,
                               GSocket               *socket,
                               GSocketAddress        *remote_address)
{
  Connection *connection;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_SOCKET (socket), FALSE);
  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (remote_address), FALSE);

  prune_closed (self);
  if (g_hash_table_size (self->connections) >= self->max_connections)
    {
      g_autofree char *reason = NULL;

      reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u connection is open already (--max-connections)",
                                             "%u connections are open already (--max-connections)",
                                             self->max_connections),
                                self->max_connections);
      drop_socket (socket, reason);
      return FALSE;
    }

  connection = g_new0 (Connection, 1);
  connection->socket = g_object_ref (socket);
  connection->remote_address = g_object_ref (remote_address);
  connection->stage = STAGE_READING;
  connection->deadline = g_get_monotonic_time () + self->request_timeout * G_USEC_PER_SEC;
  g_hash_table_insert (self->connections, remote_address, connection);

  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (TICK_MILLISECONDS, tick_cb, self);

  return TRUE;
}

CompaniesServerLimits *
companies_server_limits_new (SoupServer *server,
                             guint       max_connections,
                             guint       idle_timeout,
                             guint       request_timeout)
{
  CompaniesServerLimits *self;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (max_connections > 0, NULL);
  g_return_val_if_fail (idle_timeout > 0, NULL);
  g_return_val_if_fail (request_timeout > 0, NULL);

  self = g_new0 (CompaniesServerLimits, 1);
  g_ref_count_init (&self->ref_count);
  self->server = server;
  self->max_connections = max_connections;
  self->idle_timeout = idle_timeout;
  self->request_timeout = request_timeout;
  self->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                             (GDestroyNotify) connection_free);
  self->request_started_id = g_signal_connect (server, "request-started",
                                               G_CALLBACK (request_started_cb), self);

  return self;
}

void
companies_server_limits_drop (CompaniesServerLimits *self,
                              SoupServerMessage     *msg,
                              const char            *reason)
{
  Connection *connection;

  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  connection = lookup_connection (self, msg);
  if (connection == NULL || connection->dropped || g_socket_is_closed (connection->socket))
    return;

  connection->dropped = TRUE;
  drop_socket (connection->socket, reason);
}

void
companies_server_limits_free (CompaniesServerLimits *self)
{
  if (self == NULL)
    return;

  g_clear_signal_handler (&self->request_started_id, self->server);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_hash_table_remove_all (self->connections);
  self->server = NULL;
  limits_unref (self);
}
