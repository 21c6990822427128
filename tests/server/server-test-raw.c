/* server-test-raw.c: raw TCP connections to a test server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-raw.h"

#define SAFETY_TIMEOUT_SECONDS 30

guint
ms_since (gint64 start)
{
  return (guint) ((g_get_monotonic_time () - start) / 1000);
}

GSocket *
raw_connect (guint16 port)
{
  GSocket *socket = raw_connect_from (port, NULL);

  g_assert_nonnull (socket);
  return socket;
}

GSocket *
raw_connect_from (guint16     port,
                  const char *from)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, SAFETY_TIMEOUT_SECONDS);
  if (from != NULL)
    {
      g_autoptr(GInetAddress) local = g_inet_address_new_from_string (from);
      g_autoptr(GSocketAddress) local_address = g_inet_socket_address_new (local, 0);

      g_socket_bind (socket, local_address, FALSE, &error);
      g_assert_no_error (error);
    }
  if (!g_socket_connect (socket, address, NULL, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
      g_object_unref (socket);
      return NULL;
    }

  return socket;
}

gboolean
raw_send (GSocket    *socket,
          const void *data,
          gsize       length)
{
  const char *p = data;

  while (length > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send_with_blocking (socket, p, length, TRUE, NULL, &error);

      if (n < 0)
        {
          /* the server closed it: reset, broken pipe */
          g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
          return FALSE;
        }
      p += n;
      length -= n;
    }

  return TRUE;
}

gboolean
raw_wait_closed (GSocket *socket,
                 guint    timeout_ms,
                 GString *received)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gint64 remaining = deadline - g_get_monotonic_time ();
      char buffer[4096];
      gssize n;

      if (remaining <= 0)
        return FALSE;

      if (!g_socket_condition_timed_wait (socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                          remaining, NULL, &error))
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
          return FALSE;
        }

      n = g_socket_receive_with_blocking (socket, buffer, sizeof buffer, FALSE, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;
      if (n <= 0)
        return TRUE;  /* end of stream, or reset */

      if (received != NULL)
        g_string_append_len (received, buffer, n);
    }
}

/* Whether @received holds a whole answer: its head, and as many body
 * bytes as its Content-Length says. */
static gboolean
is_whole_answer (GString *received)
{
  const char *end_of_head = strstr (received->str, "\r\n\r\n");
  const char *length;
  gsize head_length;

  if (end_of_head == NULL)
    return FALSE;

  head_length = end_of_head + 4 - received->str;
  length = g_strstr_len (received->str, head_length, "\r\nContent-Length:");
  if (length == NULL)
    return FALSE;

  return received->len >= head_length + g_ascii_strtoull (length + 17, NULL, 10);
}

gboolean
raw_read_answer (GSocket *socket,
                 guint    timeout_ms,
                 GString *received)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!is_whole_answer (received))
    {
      g_autoptr(GError) error = NULL;
      gint64 remaining = deadline - g_get_monotonic_time ();
      char buffer[4096];
      gssize n;

      if (remaining <= 0 ||
          !g_socket_condition_timed_wait (socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                          remaining, NULL, NULL))
        return FALSE;

      n = g_socket_receive_with_blocking (socket, buffer, sizeof buffer, FALSE, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;
      if (n <= 0)
        return TRUE;  /* closed: whatever came is the answer */
      g_string_append_len (received, buffer, n);
    }

  return TRUE;
}

gboolean
raw_closed_within (GSocket *socket,
                   guint    timeout_ms)
{
  g_autoptr(GString) received = g_string_new (NULL);
  gboolean closed = raw_wait_closed (socket, timeout_ms, received);

  g_assert_cmpstr (received->str, ==, "");
  return closed;
}

guint
raw_exchange (guint16     port,
              const char *request,
              gsize       length,
              GString    *response)
{
  g_autoptr(GSocket) socket = raw_connect (port);
  g_autoptr(GString) received = g_string_new (NULL);
  guint status = 0;

  raw_send (socket, request, length);
  g_assert_true (raw_read_answer (socket, SAFETY_TIMEOUT_SECONDS * 1000, received));

  if (g_str_has_prefix (received->str, "HTTP/1.1 ") || g_str_has_prefix (received->str, "HTTP/1.0 "))
    status = (guint) g_ascii_strtoull (received->str + 9, NULL, 10);

  if (response != NULL)
    g_string_append_len (response, received->str, received->len);

  return status;
}

static gboolean
cmdline_has (const char *pid,
             const char *argument)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "cmdline", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  /* NUL-separated arguments */
  for (gsize offset = 0; offset < length; offset += strlen (contents + offset) + 1)
    if (strcmp (contents + offset, argument) == 0)
      return TRUE;

  return FALSE;
}

guint
raw_count_server_descriptors (TestServer *server)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *fd_path = NULL;
      g_autoptr(GDir) fds = NULL;
      guint count = 0;

      if (!g_ascii_isdigit (name[0]) || !cmdline_has (name, server->db_path))
        continue;

      fd_path = g_build_filename ("/proc", name, "fd", NULL);
      fds = g_dir_open (fd_path, 0, NULL);
      g_assert_nonnull (fds);
      while (g_dir_read_name (fds) != NULL)
        count++;

      return count;
    }

  g_error ("no process serves %s", server->db_path);
}

char *
raw_sync_head (gsize content_length)
{
  return g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "\r\n",
                          content_length);
}

guint
raw_time_health (TestServer *server)
{
  g_autofree char *url = test_server_url (server, COMPANIES_HEALTH_PATH);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  guint status = 0;

  body = companies_test_http ("GET", url, NULL, NULL, NULL, 0, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);

  return ms_since (start);
}

void
assert_server_serves (TestServer *server)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesChange *change;

  raw_time_health (server);

  change = test_request_add (request, NULL, "name", "Still served", NULL);
  response = test_sync (server, request);
  g_assert_nonnull (test_find_company_by_uuid (response->companies, change->uuid));
}
