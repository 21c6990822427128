/* server-test-feed.c: GET /v1/changes over raw connections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include <json-glib/json-glib.h>

#include "server-test-feed.h"

void
feed_answer_free (FeedAnswer *answer)
{
  if (answer == NULL)
    return;

  g_free (answer->code);
  g_free (answer->path);
  g_free (answer->retry_after);
  g_free (answer->cache_control);
  g_free (answer);
}

void
feed_send_on (GSocket    *socket,
              const char *query,
              const char *token)
{
  g_autofree char *authorization = NULL;
  g_autofree char *request = NULL;

  if (token != NULL)
    authorization = g_strdup_printf ("Authorization: Bearer %s\r\n", token);
  request = g_strdup_printf ("GET /v1/changes%s%s HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "%s"
                             "\r\n",
                             query != NULL ? "?" : "", query != NULL ? query : "",
                             authorization != NULL ? authorization : "");
  g_assert_true (raw_send (socket, request, strlen (request)));
}

GSocket *
feed_send (guint16     port,
           const char *query,
           const char *token)
{
  GSocket *socket = raw_connect (port);

  feed_send_on (socket, query, token);
  return socket;
}

static char *
header_value (const char *head,
              const char *name)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s:", name);
  const char *start = g_strstr_len (head, -1, needle);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (needle);
  end = strstr (start, "\r\n");
  return g_strstrip (g_strndup (start, end - start));
}

static void
parse_body (FeedAnswer *answer,
            const char *body,
            gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  json_parser_load_from_data (parser, body, length, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_nonnull (object);

  if (answer->status == 200)
    {
      g_assert_true (json_object_has_member (object, "changed"));
      answer->changed = json_object_get_boolean_member (object, "changed");
      answer->version = json_object_get_int_member (object, "version");
      return;
    }

  object = json_object_get_object_member (object, "error");
  g_assert_nonnull (object);
  answer->code = g_strdup (json_object_get_string_member (object, "code"));
  if (json_object_has_member (object, "path") && !json_object_get_null_member (object, "path"))
    answer->path = g_strdup (json_object_get_string_member (object, "path"));
}

FeedAnswer *
feed_read (GSocket *socket,
           guint    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_autoptr(GString) received = g_string_new (NULL);
  g_autofree char *length_text = NULL;
  FeedAnswer *answer;
  const char *end_of_head;
  gsize body_length;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gint64 remaining = deadline - g_get_monotonic_time ();
      char buffer[4096];
      gssize n;

      end_of_head = strstr (received->str, "\r\n\r\n");
      if (end_of_head != NULL)
        {
          g_free (length_text);
          length_text = header_value (received->str, "Content-Length");
          g_assert_nonnull (length_text);
          body_length = g_ascii_strtoull (length_text, NULL, 10);
          if (received->len >= (gsize) (end_of_head + 4 - received->str) + body_length)
            break;
        }

      if (remaining <= 0 ||
          !g_socket_condition_timed_wait (socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                          remaining, NULL, NULL))
        {
          g_assert_cmpstr (received->str, ==, "");
          return NULL;
        }

      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      if (n <= 0)
        g_error ("the server closed the connection after %" G_GSIZE_FORMAT " bytes: %s",
                 received->len, received->str);
      g_string_append_len (received, buffer, n);
    }

  g_assert_true (g_str_has_prefix (received->str, "HTTP/1.1 "));
  answer = g_new0 (FeedAnswer, 1);
  answer->status = (guint) g_ascii_strtoull (received->str + 9, NULL, 10);
  answer->retry_after = header_value (received->str, "Retry-After");
  answer->cache_control = header_value (received->str, "Cache-Control");
  parse_body (answer, end_of_head + 4, body_length);

  return answer;
}

char *
feed_current_cursor (TestServer *server)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = test_sync (server, request);

  g_assert_false (response->has_more);
  return g_strdup (response->cursor);
}

void
feed_add_company (TestServer *server,
                  const char *name)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;

  test_request_add (request, NULL, "name", name, NULL);
  response = test_sync (server, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);
}

char *
feed_query (const char *cursor,
            guint       wait)
{
  g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

  return g_strdup_printf ("cursor=%s&wait=%u", escaped, wait);
}

guint
feed_count_descriptors (TestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd",
                                           (int) companies_test_server_get_pid (server->server));
  g_autoptr(GDir) fds = g_dir_open (path, 0, NULL);
  guint count = 0;

  g_assert_nonnull (fds);
  while (g_dir_read_name (fds) != NULL)
    count++;

  return count;
}
