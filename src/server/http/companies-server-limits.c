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
 *   head        from the accept until the request line and headers are
 *               read: closed when head_timeout seconds have passed since
 *               the accept (a slow-loris sending a byte a second);
 *   body        until the body is read: closed when nothing arrived for
 *               idle_timeout seconds (the kernel's TCP_INFO tells when data
 *               last arrived). A body that keeps coming is not cut by a
 *               total time: a slow link may need long for a big one;
 *   processing  the worker prepares the answer: no limit here;
 *   writing     the answer goes out: closed when the client took none of
 *               it for idle_timeout seconds (TCP_INFO's count of bytes
 *               acknowledged stopped growing);
 *   done        answered: libsoup closes the connection.
 *
 * Closing means an abortive close: SO_LINGER 0, so that the close sends
 * a reset and frees the kernel's side at once (a plain close would leave
 * an orphan socket whose full receive window stalls a client that keeps
 * sending), then shutdown (2): libsoup sees the end of the stream, gives
 * up the message and closes the socket.
 *
 *   idle        a 200 answer to an HTTP/1.1 request that did not ask to
 *               close is kept alive (companies-server-keepalive.c, plain
 *               HTTP only) until the next request, which starts at head;
 *               every other answer says "Connection: close".
 *
 * Beyond max_connections open connections, or max_client_connections
 * from one client, a new one is closed at once (no answer: reading one
 * would take a slot too); the client sees the connection reset and tries
 * again later. The per-client limit keeps one client with many slow
 * connections from taking every slot: others are still served. A client
 * is an IPv4 address, or an IPv6 /64 (what one host usually holds).
 *
 * A connection holding a watcher of the change feed
 * (companies-server-feed.c) counts for neither limit while it holds it:
 * the feed has its own bound, and a watcher waits for minutes.
 *
 * Behind a front proxy every connection comes from the proxy. With
 * --trusted-proxy ADDRESS, a connection from that address counts for no
 * client until its head is read; then it counts for the address the
 * proxy added to X-Forwarded-For (its own, without one), and beyond that
 * client's limit it is closed the same way, which the proxy passes on as
 * a 502. The header is ignored on connections from anyone else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "companies-server-forwarded.h"
#include "companies-server-keepalive.h"
#include "companies-server-limits.h"
#include "companies-server-sockets.h"

#define TICK_MILLISECONDS 250

typedef enum
{
  STAGE_HEAD,
  STAGE_BODY,
  STAGE_PROCESSING,
  STAGE_WRITING,
  STAGE_DONE,
  STAGE_IDLE,
} Stage;

typedef struct _Connection Connection;

struct _CompaniesServerLimits
{
  grefcount                    ref_count;   /* the messages' signal handlers hold one */
  SoupServer                  *server;      /* borrowed; NULL once freed */
  gulong                       request_started_id;
  gulong                       request_finished_id;
  CompaniesServerKeepalive    *keepalive;   /* borrowed; NULL: one request a connection */
  GHashTable                  *connections; /* GSocketAddress * (remote) → Connection * */
  GHashTable                  *clients;     /* client key → number of its connections */
  guint                        n_watching;  /* connections holding a watcher: no slot */
  CompaniesServerLimitsOptions options;      /* its trusted_proxy is owned */
  guint                        tick_id;
};

struct _Connection
{
  CompaniesServerLimits *limits;          /* borrowed: it frees its connections first */
  GSocket               *socket;
  GSocketAddress        *remote_address;  /* the key */
  char                  *client;          /* a key of limits->clients; NULL:
                                           * from the proxy, head not read */
  Stage                  stage;
  gint64                 deadline;        /* monotonic µs, of the head */
  gint64                 last_progress;   /* monotonic µs, of the answer */
  guint64                bytes_acked;     /* of the answer, at last_progress */
  gboolean               dropped;         /* shut down; waiting for libsoup to close it */
  gboolean               watching;        /* holds a watcher: counts for no limit */
};

static void
count_down_client (CompaniesServerLimits *self,
                   const char            *client)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->clients, client));

  if (n > 1)
    g_hash_table_insert (self->clients, g_strdup (client), GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (self->clients, client);
}

static void
connection_free (Connection *connection)
{
  if (connection->watching)
    connection->limits->n_watching--;
  else if (connection->client != NULL)
    count_down_client (connection->limits, connection->client);

  g_free (connection->client);
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
  g_hash_table_unref (self->clients);
  g_clear_object (&self->options.trusted_proxy);
  g_free (self);
}

static void
limits_unref_closure (gpointer  data,
                      GClosure *closure)
{
  limits_unref (data);
}

/* Whether the client took none of the answer for idle_timeout seconds. */
static gboolean
answer_stalled (CompaniesServerLimits *self,
                Connection            *connection,
                gint64                 now)
{
  struct tcp_info info;

  if (!companies_server_socket_tcp_info (connection->socket, &info))
    return FALSE;

  if (info.tcpi_bytes_acked != connection->bytes_acked)
    {
      connection->bytes_acked = info.tcpi_bytes_acked;
      connection->last_progress = now;
      return FALSE;
    }

  return now - connection->last_progress >= self->options.idle_timeout * G_USEC_PER_SEC;
}

/* The client an address belongs to: the IPv4 address, or the IPv6 /64. */
static char *
client_key (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6 ||
      g_inet_address_get_is_loopback (address))
    return g_inet_address_to_string (address);

  return g_strdup_printf ("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64",
                          bytes[0], bytes[1], bytes[2], bytes[3],
                          bytes[4], bytes[5], bytes[6], bytes[7]);
}

/* A dropped connection counts as gone at once: its client saw it end,
 * and may connect again before libsoup gets to close it. */
static gboolean
is_closed_cb (gpointer key,
              gpointer value,
              gpointer user_data)
{
  Connection *connection = value;

  return connection->dropped || g_socket_is_closed (connection->socket);
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
    case STAGE_HEAD:
      if (now >= connection->deadline)
        reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "its request head did not arrive within %u second",
                                               "its request head did not arrive within %u seconds",
                                               self->options.head_timeout),
                                  self->options.head_timeout);
      break;

    case STAGE_BODY:
      if (companies_server_socket_ms_since_data (connection->socket) >= self->options.idle_timeout * 1000u)
        reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "it sent nothing for %u second",
                                               "it sent nothing for %u seconds",
                                               self->options.idle_timeout),
                                  self->options.idle_timeout);
      break;

    case STAGE_WRITING:
      if (answer_stalled (self, connection, now))
        reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "it took none of the answer for %u second",
                                               "it took none of the answer for %u seconds",
                                               self->options.idle_timeout),
                                  self->options.idle_timeout);
      break;

    case STAGE_PROCESSING:
    case STAGE_DONE:
    default:
      break;
    }

  if (reason != NULL)
    {
      connection->dropped = TRUE;
      companies_server_socket_drop (connection->socket, reason);
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
             Stage                  stage)
{
  Connection *connection = lookup_connection (self, msg);
  struct tcp_info info;

  if (connection == NULL)
    return;

  connection->stage = stage;
  if (stage == STAGE_WRITING)
    {
      connection->last_progress = g_get_monotonic_time ();
      connection->bytes_acked = companies_server_socket_tcp_info (connection->socket, &info) ? info.tcpi_bytes_acked : 0;
    }
}

/* Whether @client may open one more connection; the reason when not. */
static char *
refuse_client (CompaniesServerLimits *self,
               const char            *client)
{
  guint n_client = GPOINTER_TO_UINT (g_hash_table_lookup (self->clients, client));

  if (n_client < self->options.max_client_connections)
    return NULL;

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u connection from this client is open already "
                                       "(--max-client-connections)",
                                       "%u connections from this client are open already "
                                       "(--max-client-connections)",
                                       self->options.max_client_connections),
                          self->options.max_client_connections);
}

static void
count_up_client (CompaniesServerLimits *self,
                 const char            *client)
{
  guint n_client = GPOINTER_TO_UINT (g_hash_table_lookup (self->clients, client));

  g_hash_table_insert (self->clients, g_strdup (client), GUINT_TO_POINTER (n_client + 1));
}

/* A connection of the trusted proxy whose head just arrived: it counts
 * for the client the proxy names, or is closed when that one has its
 * fill. */
static void
count_forwarded (CompaniesServerLimits *self,
                 Connection            *connection,
                 SoupServerMessage     *msg)
{
  g_autoptr(GInetAddress) forwarded = NULL;
  g_autofree char *client = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *why = NULL;

  forwarded = companies_server_forwarded_client (soup_server_message_get_request_headers (msg));
  client = client_key (forwarded != NULL ? forwarded : self->options.trusted_proxy);
  reason = refuse_client (self, client);
  if (reason != NULL)
    {
      /* TRANSLATORS: the first %s is an IP address, the second a reason */
      why = g_strdup_printf (_("forwarded for %s: %s"), client, reason);
      connection->dropped = TRUE;
      companies_server_socket_drop (connection->socket, why);
      return;
    }

  count_up_client (self, client);
  connection->client = g_steal_pointer (&client);
}

static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  CompaniesServerLimits *self = user_data;
  Connection *connection = lookup_connection (self, msg);

  if (connection != NULL && connection->client == NULL && !connection->dropped)
    count_forwarded (self, connection, msg);

  /* companies_server_respond_json () says close again for an error; the
   * early handler (called before this) may have answered one already */
  if (self->keepalive != NULL &&
      (soup_server_message_get_status (msg) == 0 ||
       soup_server_message_get_status (msg) == SOUP_STATUS_OK) &&
      soup_server_message_get_http_version (msg) == SOUP_HTTP_1_1 &&
      !soup_message_headers_header_contains (soup_server_message_get_request_headers (msg),
                                             "Connection", "close"))
    soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Connection");

  enter_stage (self, msg, STAGE_BODY);
}

static void
got_body_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  enter_stage (user_data, msg, STAGE_PROCESSING);
}

static void
wrote_headers_cb (SoupServerMessage *msg,
                  gpointer           user_data)
{
  enter_stage (user_data, msg, STAGE_WRITING);
}

static void
finished_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  enter_stage (user_data, msg, STAGE_DONE);
}

static void
watch_message (CompaniesServerLimits *self,
               SoupServerMessage     *msg)
{
  g_signal_connect_data (msg, "got-headers", G_CALLBACK (got_headers_cb),
                         limits_ref (self), limits_unref_closure, 0);
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

  connection->stage = STAGE_HEAD;
  connection->deadline = g_get_monotonic_time () + self->options.head_timeout * G_USEC_PER_SEC;
  watch_message (self, msg);
}

/* An answer that did not say "Connection: close" keeps its connection. */
static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  CompaniesServerLimits *self = user_data;
  Connection *connection = lookup_connection (self, msg);

  if (connection == NULL || connection->dropped || self->keepalive == NULL ||
      g_socket_is_closed (connection->socket) ||
      soup_message_headers_header_contains (soup_server_message_get_response_headers (msg),
                                            "Connection", "close"))
    return;

  connection->stage = STAGE_IDLE;
  companies_server_keepalive_hold (self->keepalive, connection->socket,
                                   connection->remote_address, connection->client);
}

/* Full: an idle kept-alive connection gives up its slot. */
static void
make_room (CompaniesServerLimits *self,
           const char            *client)
{
  if (self->keepalive == NULL)
    return;

  if (client != NULL &&
      GPOINTER_TO_UINT (g_hash_table_lookup (self->clients, client)) >=
      self->options.max_client_connections &&
      companies_server_keepalive_evict (self->keepalive, client))
    prune_closed (self);

  if (g_hash_table_size (self->connections) - self->n_watching >= self->options.max_connections &&
      companies_server_keepalive_evict (self->keepalive, NULL))
    prune_closed (self);
}

gboolean
companies_server_limits_admit (CompaniesServerLimits *self,
                               GSocket               *socket,
                               GSocketAddress        *remote_address)
{
  GInetAddress *address;
  g_autofree char *client = NULL;
  g_autofree char *reason = NULL;
  Connection *connection;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_SOCKET (socket), FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (remote_address), FALSE);

  prune_closed (self);
  address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote_address));
  /* the trusted proxy's connections count once their head is read */
  if (self->options.trusted_proxy == NULL ||
      !g_inet_address_equal (address, self->options.trusted_proxy))
    {
      client = client_key (address);
      make_room (self, client);
      reason = refuse_client (self, client);
    }

  if (reason == NULL)
    make_room (self, NULL);
  if (reason == NULL &&
      g_hash_table_size (self->connections) - self->n_watching >= self->options.max_connections)
    reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u connection is open already (--max-connections)",
                                           "%u connections are open already (--max-connections)",
                                           self->options.max_connections),
                              self->options.max_connections);

  if (reason != NULL)
    {
      companies_server_socket_drop (socket, reason);
      return FALSE;
    }

  if (client != NULL)
    count_up_client (self, client);

  connection = g_new0 (Connection, 1);
  connection->limits = self;
  connection->socket = g_object_ref (socket);
  connection->remote_address = g_object_ref (remote_address);
  connection->client = g_steal_pointer (&client);
  connection->stage = STAGE_HEAD;
  connection->deadline = g_get_monotonic_time () + self->options.head_timeout * G_USEC_PER_SEC;
  g_hash_table_insert (self->connections, remote_address, connection);

  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (TICK_MILLISECONDS, tick_cb, self);

  return TRUE;
}

CompaniesServerLimits *
companies_server_limits_new (SoupServer                         *server,
                             const CompaniesServerLimitsOptions *options)
{
  CompaniesServerLimits *self;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->max_connections > 0, NULL);
  g_return_val_if_fail (options->max_client_connections > 0, NULL);
  g_return_val_if_fail (options->head_timeout > 0, NULL);
  g_return_val_if_fail (options->idle_timeout > 0, NULL);

  self = g_new0 (CompaniesServerLimits, 1);
  g_ref_count_init (&self->ref_count);
  self->server = server;
  self->options = *options;
  if (options->trusted_proxy != NULL)
    self->options.trusted_proxy = g_object_ref (options->trusted_proxy);
  self->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                             (GDestroyNotify) connection_free);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->request_started_id = g_signal_connect (server, "request-started",
                                               G_CALLBACK (request_started_cb), self);
  self->request_finished_id = g_signal_connect (server, "request-finished",
                                                G_CALLBACK (request_finished_cb), self);

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
  companies_server_socket_drop (connection->socket, reason);
}

void
companies_server_limits_set_keepalive (CompaniesServerLimits    *self,
                                       CompaniesServerKeepalive *keepalive)
{
  g_return_if_fail (self != NULL);

  self->keepalive = keepalive;
}

void
companies_server_limits_set_watching (CompaniesServerLimits *self,
                                      SoupServerMessage     *msg,
                                      gboolean               watching)
{
  Connection *connection;

  g_return_if_fail (self != NULL);

  connection = lookup_connection (self, msg);
  if (connection == NULL || connection->watching == watching)
    return;

  connection->watching = watching;
  if (watching)
    self->n_watching++;
  else
    self->n_watching--;

  if (connection->client == NULL)
    return;
  if (watching)
    count_down_client (self, connection->client);
  else
    count_up_client (self, connection->client);
}

GSocket *
companies_server_limits_get_socket (CompaniesServerLimits *self,
                                    SoupServerMessage     *msg)
{
  Connection *connection;

  g_return_val_if_fail (self != NULL, NULL);

  connection = lookup_connection (self, msg);
  return connection != NULL ? connection->socket : NULL;
}

void
companies_server_limits_free (CompaniesServerLimits *self)
{
  if (self == NULL)
    return;

  g_clear_signal_handler (&self->request_started_id, self->server);
  g_clear_signal_handler (&self->request_finished_id, self->server);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_hash_table_remove_all (self->connections);
  self->server = NULL;
  limits_unref (self);
}
