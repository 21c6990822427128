/* bench-http.c: a bare HTTP/1.1 client over loopback sockets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gio/gio.h>

#include "bench-http.h"

#define TIMEOUT_SECONDS  120

static gboolean
fail (GError     **error,
      const char  *what)
{
  int saved_errno = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

static int
connect_loopback (guint16   port,
                  GError  **error)
{
  struct sockaddr_in address = { 0, };
  struct timeval timeout = { TIMEOUT_SECONDS, 0 };
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    {
      fail (error, "socket");
      return -1;
    }

  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

  while (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    if (errno != EINTR)
      {
        fail (error, "connect");
        close (fd);
        return -1;
      }

  return fd;
}

static gboolean
write_all (int           fd,
           const char   *data,
           gsize         length,
           GError      **error)
{
  while (length > 0)
    {
      ssize_t written = send (fd, data, length, MSG_NOSIGNAL);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          return fail (error, "send");
        }
      data += written;
      length -= (gsize) written;
    }

  return TRUE;
}

static GByteArray *
read_all (int       fd,
          GError  **error)
{
  GByteArray *buffer = g_byte_array_sized_new (4096);

  for (;;)
    {
      guint old_length = buffer->len;
      ssize_t got;

      g_byte_array_set_size (buffer, old_length + 16384);
      got = recv (fd, buffer->data + old_length, 16384, 0);
      if (got < 0 && errno == EINTR)
        {
          g_byte_array_set_size (buffer, old_length);
          continue;
        }
      if (got < 0)
        {
          fail (error, "recv");
          g_byte_array_unref (buffer);
          return NULL;
        }
      g_byte_array_set_size (buffer, old_length + (guint) got);
      if (got == 0)
        return buffer;
    }
}

/* Decodes a chunked body in place; FALSE when it is not well formed. */
static gboolean
dechunk (const char  *data,
         gsize        length,
         GByteArray  *out)
{
  const char *end = data + length;

  while (data < end)
    {
      char *after = NULL;
      guint64 size = g_ascii_strtoull (data, &after, 16);
      const char *line_end = g_strstr_len (data, end - data, "\r\n");

      if (after == data || line_end == NULL)
        return FALSE;
      data = line_end + 2;
      if (size == 0)
        return TRUE;
      if ((guint64) (end - data) < size + 2)
        return FALSE;
      g_byte_array_append (out, (const guint8 *) data, (guint) size);
      data += size + 2;
    }

  return FALSE;
}

static gboolean
header_is (const char *headers,
           const char *name,
           const char *value)
{
  g_autofree char *lower = g_ascii_strdown (headers, -1);
  g_autofree char *line = g_strconcat ("\r\n", name, ": ", value, NULL);
  g_autofree char *wanted = g_ascii_strdown (line, -1);

  return strstr (lower, wanted) != NULL;
}

GBytes *
bench_http_exchange (guint16       port,
                     const char   *method,
                     const char   *path,
                     const char   *content_type,
                     GBytes       *body,
                     guint        *out_status,
                     GError      **error)
{
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GByteArray) answer = NULL;
  g_autoptr(GByteArray) decoded = NULL;
  g_autofree char *headers = NULL;
  gsize body_length = body != NULL ? g_bytes_get_size (body) : 0;
  const char *header_end;
  const char *payload;
  guint status = 0;
  int fd;

  g_string_append_printf (head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n",
                          method, path, port);
  if (content_type != NULL)
    g_string_append_printf (head, "Content-Type: %s\r\n", content_type);
  if (body != NULL)
    g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_length);
  g_string_append (head, "\r\n");
  if (body != NULL)
    g_string_append_len (head, g_bytes_get_data (body, NULL), (gssize) body_length);

  fd = connect_loopback (port, error);
  if (fd < 0)
    return NULL;

  if (!write_all (fd, head->str, head->len, error) ||
      (answer = read_all (fd, error)) == NULL)
    {
      close (fd);
      return NULL;
    }
  close (fd);

  header_end = g_strstr_len ((const char *) answer->data, answer->len, "\r\n\r\n");
  if (header_end == NULL ||
      sscanf ((const char *) answer->data, "HTTP/1.%*1[01] %3u", &status) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "not an HTTP answer (%u bytes)", answer->len);
      return NULL;
    }

  headers = g_strndup ((const char *) answer->data, header_end - (const char *) answer->data);
  payload = header_end + 4;
  *out_status = status;

  if (header_is (headers, "Transfer-Encoding", "chunked"))
    {
      decoded = g_byte_array_new ();
      if (!dechunk (payload, (const char *) answer->data + answer->len - payload, decoded))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "a chunked answer cut short");
          return NULL;
        }
      return g_byte_array_free_to_bytes (g_steal_pointer (&decoded));
    }

  return g_bytes_new (payload, (const char *) answer->data + answer->len - payload);
}

guint16
bench_http_port (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_port (uri) <= 0)
    return 0;

  return (guint16) g_uri_get_port (uri);
}
