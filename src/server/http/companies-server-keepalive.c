/* companies-server-keepalive.c: connections kept open between requests
 *
 * libsoup 3.2.3 keeps a connection alive only for a server that listens
 * itself, and then leaks every idle connection its client closes (fixed
 * upstream in libsoup commit d20c6601, "Don't leak idle connections
 * closed by the client"). So libsoup gets each request as a connection of
 * its own: the listener (companies-server-listener.c) hands it a
 * duplicate of the socket's descriptor, which libsoup closes after the
 * answer while the socket stays open. Held here, an idle connection is
 * watched (companies-server-hangups.c): the first byte of the next
 * request hands it to libsoup again; the peer's close, or timeout_seconds
 * without a request, closes it, so its descriptor never lingers.
 *
 * The timeout is explicit (docs/protocol-transport.md, "Keep-alive"): a
 * client must give up an idle connection before it, so that the server
 * never closes one just as the client sends on it. An idle connection
 * still holds its connection slot (companies-server-limits.c), but gives
 * it up to a new connection when the slots are full.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-server-hangups.h"
#include "companies-server-keepalive.h"

#define TICK_SECONDS 1

typedef struct
{
  CompaniesServerKeepalive   *keepalive;
  GList                       link;       /* in keepalive->idle, oldest first */
  GSocket                    *socket;
  GSocketAddress             *remote_address;
  char                       *client;
  gint64                      deadline;   /* monotonic µs */
  CompaniesServerHangupWatch *watch;
} Idle;

struct _CompaniesServerKeepalive
{
  guint                     timeout_seconds;
  CompaniesServerServeFunc  serve;
  gpointer                  serve_data;
  CompaniesServerHangups   *hangups;
  GQueue                    idle;
  GHashTable               *by_socket;  /* GSocket * → Idle * */
  guint                     tick_id;
};

/* Forgets @idle; closes its socket unless it is served again. */
static void
release (Idle     *idle,
         gboolean  close_socket)
{
  CompaniesServerKeepalive *self = idle->keepalive;

  g_queue_unlink (&self->idle, &idle->link);
  g_hash_table_remove (self->by_socket, idle->socket);
  companies_server_hangups_cancel (self->hangups, idle->watch);
  if (close_socket)
    g_socket_close (idle->socket, NULL);
  g_object_unref (idle->socket);
  g_object_unref (idle->remote_address);
  g_free (idle->client);
  g_free (idle);
}

static void
idle_woke_cb (gboolean closed,
              gpointer user_data)
{
  Idle *idle = user_data;
  CompaniesServerKeepalive *self = idle->keepalive;
  g_autoptr(GSocket) socket = g_object_ref (idle->socket);
  g_autoptr(GSocketAddress) remote_address = g_object_ref (idle->remote_address);

  idle->watch = NULL;
  release (idle, closed);
  if (!closed)
    self->serve (socket, remote_address, self->serve_data);
}

static gboolean
tick_cb (gpointer user_data)
{
  CompaniesServerKeepalive *self = user_data;
  gint64 now = g_get_monotonic_time ();

  /* oldest first: the first one not due ends the round */
  while (self->idle.head != NULL && ((Idle *) self->idle.head->data)->deadline <= now)
    release (self->idle.head->data, TRUE);

  if (self->idle.head == NULL)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

CompaniesServerKeepalive *
companies_server_keepalive_new (guint                    timeout_seconds,
                                CompaniesServerServeFunc serve,
                                gpointer                 user_data)
{
  CompaniesServerKeepalive *self;

  g_return_val_if_fail (timeout_seconds > 0, NULL);
  g_return_val_if_fail (serve != NULL, NULL);

  self = g_new0 (CompaniesServerKeepalive, 1);
  self->timeout_seconds = timeout_seconds;
  self->serve = serve;
  self->serve_data = user_data;
  self->hangups = companies_server_hangups_new ();
  g_queue_init (&self->idle);
  self->by_socket = g_hash_table_new (NULL, NULL);

  return self;
}

void
companies_server_keepalive_hold (CompaniesServerKeepalive *self,
                                 GSocket                  *socket,
                                 GSocketAddress           *remote_address,
                                 const char               *client)
{
  Idle *idle;

  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_SOCKET (socket));

  idle = g_new0 (Idle, 1);
  idle->keepalive = self;
  idle->link.data = idle;
  idle->socket = g_object_ref (socket);
  idle->remote_address = g_object_ref (remote_address);
  idle->client = g_strdup (client);
  idle->deadline = g_get_monotonic_time () + self->timeout_seconds * G_USEC_PER_SEC;
  g_queue_push_tail_link (&self->idle, &idle->link);
  g_hash_table_insert (self->by_socket, socket, idle);
  idle->watch = companies_server_hangups_watch (self->hangups, socket, TRUE, idle_woke_cb, idle);

  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
}

gboolean
companies_server_keepalive_evict (CompaniesServerKeepalive *self,
                                  const char               *client)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (GList *link = self->idle.head; link != NULL; link = link->next)
    {
      Idle *idle = link->data;

      if (client == NULL || g_strcmp0 (idle->client, client) == 0)
        {
          release (idle, TRUE);
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
companies_server_keepalive_holds (CompaniesServerKeepalive *self,
                                  GSocket                  *socket)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_hash_table_contains (self->by_socket, socket);
}

guint
companies_server_keepalive_get_timeout (CompaniesServerKeepalive *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->timeout_seconds;
}

void
companies_server_keepalive_free (CompaniesServerKeepalive *self)
{
  if (self == NULL)
    return;

  while (self->idle.head != NULL)
    release (self->idle.head->data, TRUE);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  companies_server_hangups_free (self->hangups);
  g_hash_table_unref (self->by_socket);
  g_free (self);
}
