/* companies-server-hangups.c: tells when the peer of a quiet connection
 * closed it, or sent something
 *
 * A held watcher (companies-server-feed.c) and a kept-alive connection
 * between requests (companies-server-keepalive.c) are read by nobody:
 * libsoup would never learn that their client went away, and the
 * descriptor would stay open (the leak upstream libsoup fixed in commit
 * d20c6601, "Don't leak idle connections closed by the client"). Thousands
 * of them are watched through one epoll set, itself one descriptor in the
 * main loop, rather than a GSource each (a main loop's every turn walks
 * all its sources). EPOLLRDHUP tells the peer's FIN; a readable socket is
 * peeked (MSG_PEEK, so nothing is taken from libsoup): zero bytes means
 * closed. Each watch is one-shot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "companies-server-hangups.h"

#define MAX_EVENTS 64

struct _CompaniesServerHangups
{
  int         epoll_fd;
  guint       source_id;
  GHashTable *watches;  /* the live ones */
};

struct _CompaniesServerHangupWatch
{
  GSocket                   *socket;
  gboolean                   with_data;
  CompaniesServerHangupFunc  func;
  gpointer                   user_data;
};

static void
watch_free (CompaniesServerHangupWatch *watch)
{
  g_object_unref (watch->socket);
  g_free (watch);
}

/* Without EPOLLIN, stray bytes on a watcher's connection do not wake
 * the loop; its peer's close still shows as EPOLLRDHUP. */
static guint32
watch_events (CompaniesServerHangupWatch *watch)
{
  return EPOLLRDHUP | EPOLLONESHOT | (watch->with_data ? EPOLLIN : 0);
}

/* TRUE when the watch is over: the peer closed, or data came and was
 * asked for. */
static gboolean
check (CompaniesServerHangupWatch *watch,
       guint32                     events,
       gboolean                   *out_closed)
{
  char byte;
  gssize n;

  /* A watcher's peer that closed its side is gone; an idle connection's
   * may have sent a last request before closing: it is served. */
  if (!watch->with_data && (events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)))
    {
      *out_closed = TRUE;
      return TRUE;
    }

  n = recv (g_socket_get_fd (watch->socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return FALSE;

  *out_closed = n <= 0;
  return n <= 0 || watch->with_data;
}

static gboolean
epoll_ready_cb (int          fd,
                GIOCondition condition,
                gpointer     user_data)
{
  CompaniesServerHangups *self = user_data;
  struct epoll_event events[MAX_EVENTS];
  int n = epoll_wait (self->epoll_fd, events, MAX_EVENTS, 0);

  for (int i = 0; i < n; i++)
    {
      CompaniesServerHangupWatch *watch = events[i].data.ptr;
      gboolean closed = FALSE;

      /* cancelled by an earlier callback of this batch */
      if (!g_hash_table_contains (self->watches, watch))
        continue;

      if (!check (watch, events[i].events, &closed))
        {
          struct epoll_event again = { .events = watch_events (watch), .data.ptr = watch };

          epoll_ctl (self->epoll_fd, EPOLL_CTL_MOD, g_socket_get_fd (watch->socket), &again);
          continue;
        }

      epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, g_socket_get_fd (watch->socket), NULL);
      g_hash_table_steal (self->watches, watch);
      watch->func (closed, watch->user_data);
      watch_free (watch);
    }

  return G_SOURCE_CONTINUE;
}

CompaniesServerHangups *
companies_server_hangups_new (void)
{
  CompaniesServerHangups *self = g_new0 (CompaniesServerHangups, 1);

  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->epoll_fd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));
  self->watches = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) watch_free, NULL);
  self->source_id = g_unix_fd_add (self->epoll_fd, G_IO_IN, epoll_ready_cb, self);

  return self;
}

CompaniesServerHangupWatch *
companies_server_hangups_watch (CompaniesServerHangups    *self,
                                GSocket                   *socket,
                                gboolean                   with_data,
                                CompaniesServerHangupFunc  func,
                                gpointer                   user_data)
{
  CompaniesServerHangupWatch *watch;
  struct epoll_event event = { 0, };

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  watch = g_new0 (CompaniesServerHangupWatch, 1);
  watch->socket = g_object_ref (socket);
  watch->with_data = with_data;
  watch->func = func;
  watch->user_data = user_data;

  event.events = watch_events (watch);
  event.data.ptr = watch;
  /* Fails only for a closed socket, whose owner finds out by itself. */
  epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, g_socket_get_fd (socket), &event);
  g_hash_table_add (self->watches, watch);

  return watch;
}

void
companies_server_hangups_cancel (CompaniesServerHangups     *self,
                                 CompaniesServerHangupWatch *watch)
{
  g_return_if_fail (self != NULL);

  if (watch == NULL || !g_hash_table_contains (self->watches, watch))
    return;

  epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, g_socket_get_fd (watch->socket), NULL);
  g_hash_table_remove (self->watches, watch);
}

void
companies_server_hangups_free (CompaniesServerHangups *self)
{
  if (self == NULL)
    return;

  g_source_remove (self->source_id);
  g_hash_table_unref (self->watches);
  close (self->epoll_fd);
  g_free (self);
}
