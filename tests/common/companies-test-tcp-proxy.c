/* companies-test-tcp-proxy.c: a TCP relay that counts, drops and delays
 * connections (see the header). Each connection has two directions; each
 * direction a reader thread (which stamps every chunk with the time it
 * may go) and a writer thread (which sends it then), so that a delayed
 * link still carries many chunks in flight, as a real one does.
 *
 * The relay's kernel completes the client's connect at once, where a real
 * link takes one round trip (SYN, SYN-ACK) before the client can send:
 * so what the client sends before it has received any byte (its first
 * flight: a TLS ClientHello, a plain request) is delayed one round trip
 * more, and arrives when it would have over a real link.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "companies-test-tcp-proxy.h"

#define CHUNK 65536

typedef struct
{
  gint64  due;        /* monotonic time it may be written */
  gsize   length;     /* 0: the end of the stream */
  guint8  data[];
} Chunk;

typedef struct _Connection Connection;

typedef struct
{
  Connection   *connection;
  int           from;
  int           to;
  GAsyncQueue  *chunks;
  GThread      *reader;
  GThread      *writer;
} Direction;

struct _Connection
{
  CompaniesTestTcpProxy *proxy;
  int                    client_fd;
  int                    upstream_fd;
  Direction              up;    /* client to upstream */
  Direction              down;  /* upstream to client */
  gint                   ends;  /* directions whose writer ended */
  gint                   doomed; /* closed at the client's next bytes */
  gint                   answered; /* the client has received a byte */
};

struct _CompaniesTestTcpProxy
{
  int          listen_fd;
  int          stop_pipe[2];
  guint16      port;
  guint        delay_us;
  GThread     *acceptor;

  GMutex       lock;        /* guards the three below */
  guint16      upstream_port;
  guint        accepted;
  GPtrArray   *connections; /* of Connection, open or done, joined at free */
};

static void
shut_both (Connection *connection)
{
  shutdown (connection->client_fd, SHUT_RDWR);
  shutdown (connection->upstream_fd, SHUT_RDWR);
}

static gpointer
reader_thread (gpointer data)
{
  Direction *direction = data;
  guint delay_us = direction->connection->proxy->delay_us;

  for (;;)
    {
      Chunk *chunk = g_malloc (sizeof (Chunk) + CHUNK);
      gssize n = read (direction->from, chunk->data, CHUNK);

      if (n < 0 && errno == EINTR)
        {
          g_free (chunk);
          continue;
        }
      /* A server that closed an idle connection just as the client
       * reused it: the request goes nowhere. */
      if (n > 0 && direction == &direction->connection->up &&
          g_atomic_int_get (&direction->connection->doomed))
        {
          shut_both (direction->connection);
          n = 0;
        }
      chunk->length = n > 0 ? (gsize) n : 0;
      chunk->due = g_get_monotonic_time () + delay_us;
      /* The client's first flight: after the connect's round trip. */
      if (direction == &direction->connection->up &&
          !g_atomic_int_get (&direction->connection->answered))
        chunk->due += 2 * (gint64) delay_us;
      g_async_queue_push (direction->chunks, chunk);
      if (n <= 0)
        return NULL;
    }
}

static gpointer
writer_thread (gpointer data)
{
  Direction *direction = data;
  Connection *connection = direction->connection;

  for (;;)
    {
      g_autofree Chunk *chunk = g_async_queue_pop (direction->chunks);
      gint64 wait = chunk->due - g_get_monotonic_time ();
      gsize done = 0;

      if (wait > 0)
        g_usleep (wait);
      if (chunk->length == 0)
        break;

      /* Before the client can read it (and answer it). */
      if (direction == &connection->down)
        g_atomic_int_set (&connection->answered, TRUE);
      while (done < chunk->length)
        {
          gssize n = write (direction->to, chunk->data + done, chunk->length - done);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              /* The other side is gone: end both directions. */
              shut_both (connection);
              goto drain;
            }
          done += n;
        }
    }

  /* The end of one direction is passed on; once both ended, or the
   * writer failed, the connection is over. */
  shutdown (direction->to, SHUT_WR);
  if (g_atomic_int_add (&connection->ends, 1) == 1)
    shut_both (connection);
  return NULL;

drain:
  for (;;)
    {
      g_autofree Chunk *chunk = g_async_queue_pop (direction->chunks);

      if (chunk->length == 0)
        break;
    }
  g_atomic_int_inc (&connection->ends);
  return NULL;
}

static void
direction_start (Direction  *direction,
                 Connection *connection,
                 int         from,
                 int         to)
{
  direction->connection = connection;
  direction->from = from;
  direction->to = to;
  direction->chunks = g_async_queue_new_full (g_free);
  direction->reader = g_thread_new ("tcp-proxy-read", reader_thread, direction);
  direction->writer = g_thread_new ("tcp-proxy-write", writer_thread, direction);
}

static void
connection_free (Connection *connection)
{
  shut_both (connection);
  for (Direction *d = &connection->up; d != NULL; d = d == &connection->up ? &connection->down : NULL)
    {
      g_thread_join (d->reader);
      g_thread_join (d->writer);
      g_async_queue_unref (d->chunks);
    }
  close (connection->client_fd);
  close (connection->upstream_fd);
  g_free (connection);
}

static int
connect_upstream (guint16 port)
{
  struct sockaddr_in address = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      close (fd);
      return -1;
    }

  return fd;
}

static gpointer
acceptor_thread (gpointer data)
{
  CompaniesTestTcpProxy *self = data;
  int one = 1;

  for (;;)
    {
      struct pollfd fds[2] = { { self->listen_fd, POLLIN, 0 }, { self->stop_pipe[0], POLLIN, 0 } };
      Connection *connection;
      guint16 upstream_port;
      int client_fd;
      int upstream_fd;

      if (poll (fds, 2, -1) < 0 || fds[1].revents != 0)
        {
          if (errno == EINTR)
            continue;
          return NULL;
        }

      client_fd = accept4 (self->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (client_fd < 0)
        continue;

      g_mutex_lock (&self->lock);
      self->accepted++;
      upstream_port = self->upstream_port;
      g_mutex_unlock (&self->lock);

      upstream_fd = connect_upstream (upstream_port);
      if (upstream_fd < 0)
        {
          /* As the server would: refused (a reset). */
          struct linger linger = { 1, 0 };

          setsockopt (client_fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
          close (client_fd);
          continue;
        }
      setsockopt (client_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      setsockopt (upstream_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

      connection = g_new0 (Connection, 1);
      connection->proxy = self;
      connection->client_fd = client_fd;
      connection->upstream_fd = upstream_fd;
      direction_start (&connection->up, connection, client_fd, upstream_fd);
      direction_start (&connection->down, connection, upstream_fd, client_fd);

      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->connections, connection);
      g_mutex_unlock (&self->lock);
    }
}

CompaniesTestTcpProxy *
companies_test_tcp_proxy_new (guint16   upstream_port,
                              guint     one_way_delay_ms,
                              GError  **error)
{
  CompaniesTestTcpProxy *self = g_new0 (CompaniesTestTcpProxy, 1);
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;

  g_mutex_init (&self->lock);
  self->upstream_port = upstream_port;
  self->delay_us = one_way_delay_ms * 1000;
  self->connections = g_ptr_array_new ();

  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  self->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (self->listen_fd < 0 ||
      bind (self->listen_fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      listen (self->listen_fd, 128) != 0 ||
      getsockname (self->listen_fd, (struct sockaddr *) &address, &length) != 0 ||
      pipe (self->stop_pipe) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "tcp proxy: %s", g_strerror (saved_errno));
      if (self->listen_fd >= 0)
        close (self->listen_fd);
      g_ptr_array_unref (self->connections);
      g_mutex_clear (&self->lock);
      g_free (self);
      return NULL;
    }

  self->port = ntohs (address.sin_port);
  self->acceptor = g_thread_new ("tcp-proxy-accept", acceptor_thread, self);
  return self;
}

void
companies_test_tcp_proxy_free (CompaniesTestTcpProxy *self)
{
  if (self == NULL)
    return;

  if (write (self->stop_pipe[1], "x", 1) != 1)
    g_warning ("tcp proxy: could not stop: %s", g_strerror (errno));
  g_thread_join (self->acceptor);
  close (self->listen_fd);
  close (self->stop_pipe[0]);
  close (self->stop_pipe[1]);

  for (guint i = 0; i < self->connections->len; i++)
    connection_free (g_ptr_array_index (self->connections, i));
  g_ptr_array_unref (self->connections);
  g_mutex_clear (&self->lock);
  g_free (self);
}

guint16
companies_test_tcp_proxy_get_port (CompaniesTestTcpProxy *self)
{
  return self->port;
}

void
companies_test_tcp_proxy_set_upstream (CompaniesTestTcpProxy *self,
                                       guint16                upstream_port)
{
  g_mutex_lock (&self->lock);
  self->upstream_port = upstream_port;
  g_mutex_unlock (&self->lock);
}

guint
companies_test_tcp_proxy_get_accepted (CompaniesTestTcpProxy *self)
{
  guint accepted;

  g_mutex_lock (&self->lock);
  accepted = self->accepted;
  g_mutex_unlock (&self->lock);

  return accepted;
}

guint
companies_test_tcp_proxy_get_open (CompaniesTestTcpProxy *self)
{
  guint open = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (self->connections, i);

      if (g_atomic_int_get (&connection->ends) < 2)
        open++;
    }
  g_mutex_unlock (&self->lock);

  return open;
}

void
companies_test_tcp_proxy_drop_all (CompaniesTestTcpProxy *self)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->connections->len; i++)
    shut_both (g_ptr_array_index (self->connections, i));
  g_mutex_unlock (&self->lock);
}

void
companies_test_tcp_proxy_close_on_next_send (CompaniesTestTcpProxy *self)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (self->connections, i);

      g_atomic_int_set (&connection->doomed, TRUE);
    }
  g_mutex_unlock (&self->lock);
}
