/* companies-server-listener.c: the listening socket of companies-server
 *
 * The server accepts connections itself and hands them to libsoup with
 * soup_server_accept_iostream () instead of letting libsoup listen: the
 * listener of libsoup 3.2.3 never releases the sockets it accepted (each
 * connection leaks its GSocket and some memory, and a kept-alive
 * connection whose client went away stays open, in CLOSE_WAIT, for good),
 * and it stops accepting for ever when one accept () fails. Here each
 * connection is admitted or refused by the limits
 * (companies-server-limits.c), wrapped in TLS when there is a certificate
 * (the handshake happens as libsoup first reads), read through a head
 * guard (companies-server-head-guard.c), and when accept () fails
 * (out of descriptors) accepting pauses for a second instead of spinning
 * or stopping.
 *
 * Plain HTTP connections are kept alive between requests
 * (companies-server-keepalive.c): libsoup gets each request on a
 * duplicate of the socket's descriptor, and closes only that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "companies-server-head-guard.h"
#include "companies-server-listener.h"

#define LISTEN_BACKLOG        128
/* Accepted in one go before the main loop serves others. */
#define ACCEPT_BATCH          16
#define ACCEPT_PAUSE_SECONDS  1

typedef struct
{
  grefcount                 ref_count;
  CompaniesServerKeepalive *keepalive;  /* NULL once the listener is gone */
} Keep;

struct _CompaniesServerListener
{
  SoupServer               *server;       /* borrowed */
  CompaniesServerLimits    *limits;       /* borrowed */
  GTlsCertificate          *certificate;  /* NULL: plain HTTP */
  GSocket                  *socket;
  guint16                   port;
  GSource                  *source;
  guint                     resume_id;
  Keep                     *keep;         /* NULL with TLS */
};

static void start_accepting (CompaniesServerListener *self);

static void
close_quietly (GSocket *socket)
{
  g_socket_close (socket, NULL);
}

static char *
describe_address (GSocketAddress *address)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  return g_strdup_printf ("%s port %u", host, g_inet_socket_address_get_port (inet));
}

/* The stream libsoup reads @socket's next request from: TLS over the
 * socket, or a duplicate of its descriptor that libsoup may close. */
static GIOStream *
open_stream (CompaniesServerListener  *self,
             GSocket                  *socket,
             GError                  **error)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocket) duplicate = NULL;
  GIOStream *stream;
  int fd;

  if (self->certificate == NULL)
    {
      fd = dup (g_socket_get_fd (socket));
      if (fd < 0)
        {
          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (errno),
                               g_strerror (errno));
          return NULL;
        }
      duplicate = g_socket_new_from_fd (fd, error);
      if (duplicate == NULL)
        {
          close (fd);
          return NULL;
        }
      return G_IO_STREAM (g_socket_connection_factory_create_connection (duplicate));
    }

  connection = g_socket_connection_factory_create_connection (socket);
  stream = (GIOStream *) g_tls_server_connection_new (G_IO_STREAM (connection),
                                                      self->certificate, error);
  if (stream == NULL)
    return NULL;
  /* as libsoup does: a client may just close */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (stream), FALSE);
  return stream;
}

/* A socket whose request libsoup reads from a duplicate; @keep may
 * outlive the listener (libsoup closes its last streams after it). */
typedef struct
{
  Keep    *keep;
  GSocket *socket;
} Handed;

static Keep *
keep_ref (Keep *keep)
{
  g_ref_count_inc (&keep->ref_count);
  return keep;
}

static void
keep_unref (Keep *keep)
{
  if (g_ref_count_dec (&keep->ref_count))
    g_free (keep);
}

/* libsoup is done with the request and closed its duplicate: the socket
 * closes too, unless kept alive. */
static void
stream_closed_cb (gpointer user_data)
{
  Handed *handed = user_data;
  CompaniesServerKeepalive *keepalive = handed->keep->keepalive;

  if (keepalive == NULL || !companies_server_keepalive_holds (keepalive, handed->socket))
    g_socket_close (handed->socket, NULL);
  g_object_unref (handed->socket);
  keep_unref (handed->keep);
  g_free (handed);
}

/* Gives the next request of @socket to libsoup; closes it on failure. */
static void
hand_over (CompaniesServerListener *self,
           GSocket                 *socket,
           GSocketAddress          *remote_address)
{
  g_autoptr(GSocketAddress) local_address = g_socket_get_local_address (socket, NULL);
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GIOStream) guarded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = describe_address (remote_address);

  stream = open_stream (self, socket, &error);
  if (stream == NULL)
    {
      g_printerr (_("Cannot serve a connection: %s\n"), error->message);
      close_quietly (socket);
      return;
    }

  if (self->keep != NULL)
    {
      Handed *handed = g_new0 (Handed, 1);

      handed->keep = keep_ref (self->keep);
      handed->socket = g_object_ref (socket);
      guarded = companies_server_head_guard_wrap (stream, peer, stream_closed_cb, handed);
    }
  else
    guarded = companies_server_head_guard_wrap (stream, peer, NULL, NULL);
  if (!soup_server_accept_iostream (self->server, guarded, local_address, remote_address, &error))
    {
      g_printerr (_("Cannot serve a connection: %s\n"), error->message);
      close_quietly (socket);
    }
}

static void
serve_again_cb (GSocket        *socket,
                GSocketAddress *remote_address,
                gpointer        user_data)
{
  hand_over (user_data, socket, remote_address);
}

/* Gives one accepted connection to libsoup. */
static void
serve (CompaniesServerListener *self,
       GSocket                 *socket)
{
  g_autoptr(GSocketAddress) local_address = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketAddress) remote_address = g_socket_get_remote_address (socket, NULL);

  /* gone already */
  if (!G_IS_INET_SOCKET_ADDRESS (local_address) || !G_IS_INET_SOCKET_ADDRESS (remote_address))
    {
      close_quietly (socket);
      return;
    }

  if (!companies_server_limits_admit (self->limits, socket, remote_address))
    {
      close_quietly (socket);
      return;
    }

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  hand_over (self, socket, remote_address);
}

static gboolean
resume_cb (gpointer user_data)
{
  CompaniesServerListener *self = user_data;

  self->resume_id = 0;
  start_accepting (self);

  return G_SOURCE_REMOVE;
}

static gboolean
accept_ready_cb (GSocket      *listening,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  CompaniesServerListener *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (self->socket, NULL, &error);

      if (socket != NULL)
        {
          serve (self, socket);
          continue;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;

      /* Out of file descriptors, or of memory: wait, and try again. */
      g_printerr (_("Cannot accept connections for now: %s\n"), error->message);
      g_clear_pointer (&self->source, g_source_unref);
      self->resume_id = g_timeout_add_seconds (ACCEPT_PAUSE_SECONDS, resume_cb, self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
start_accepting (CompaniesServerListener *self)
{
  self->source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->source, G_SOURCE_FUNC (accept_ready_cb), self, NULL);
  g_source_attach (self->source, NULL);
}

CompaniesServerListener *
companies_server_listener_new (SoupServer             *server,
                               CompaniesServerLimits  *limits,
                               GTlsCertificate        *certificate,
                               guint                   keepalive_timeout,
                               GInetAddress           *address,
                               guint16                 port,
                               GError                **error)
{
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local_address = NULL;
  g_autoptr(GSocket) socket = NULL;
  CompaniesServerListener *self;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (limits != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  /* An IPv6 address means IPv6 only, as with libsoup. */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);

  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  socket_address = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, socket_address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return NULL;

  local_address = g_socket_get_local_address (socket, error);
  if (local_address == NULL)
    return NULL;

  self = g_new0 (CompaniesServerListener, 1);
  self->server = server;
  self->limits = limits;
  if (certificate != NULL)
    self->certificate = g_object_ref (certificate);
  self->socket = g_steal_pointer (&socket);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local_address));
  if (certificate == NULL)
    {
      self->keep = g_new0 (Keep, 1);
      g_ref_count_init (&self->keep->ref_count);
      self->keep->keepalive = companies_server_keepalive_new (keepalive_timeout,
                                                              serve_again_cb, self);
      companies_server_limits_set_keepalive (limits, self->keep->keepalive);
    }
  start_accepting (self);

  return self;
}

guint16
companies_server_listener_get_port (CompaniesServerListener *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

void
companies_server_listener_free (CompaniesServerListener *self)
{
  if (self == NULL)
    return;

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_clear_handle_id (&self->resume_id, g_source_remove);
  if (self->keep != NULL)
    {
      companies_server_limits_set_keepalive (self->limits, NULL);
      g_clear_pointer (&self->keep->keepalive, companies_server_keepalive_free);
      keep_unref (self->keep);
    }
  g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  g_clear_object (&self->certificate);
  g_free (self);
}
