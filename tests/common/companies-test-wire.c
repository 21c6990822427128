/* companies-test-wire.c: the HTTP/1.1 the test proxy speaks by hand:
 * reading one request off a connection (Content-Length or chunked),
 * forwarding it upstream with libsoup, writing a "Connection: close"
 * response.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-test-proxy"

#include <libsoup/soup.h>
#include <string.h>

#include "companies-test-wire.h"

#define MAX_HEADER_LINES 200
#define MAX_BODY         (64 * 1024 * 1024)

void
companies_test_request_clear (CompaniesTestRequest *request)
{
  g_clear_pointer (&request->method, g_free);
  g_clear_pointer (&request->target, g_free);
  g_clear_pointer (&request->content_type, g_free);
  g_clear_pointer (&request->authorization, g_free);
  g_clear_pointer (&request->body, g_bytes_unref);
}

static char *
read_line (GDataInputStream *in,
           GError          **error)
{
  gsize length = 0;
  char *line = g_data_input_stream_read_line (in, &length, NULL, error);

  if (line == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "end of stream");

  return line;
}

static gboolean
read_exactly (GDataInputStream *in,
              GByteArray       *into,
              gsize             length,
              GError          **error)
{
  gsize old_length = into->len;
  gsize bytes_read = 0;

  if (length > MAX_BODY || into->len + length > MAX_BODY)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "body too large");
      return FALSE;
    }

  g_byte_array_set_size (into, old_length + length);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), into->data + old_length, length,
                                &bytes_read, NULL, error))
    return FALSE;
  if (bytes_read != length)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, "short body");
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_chunked (GDataInputStream *in,
              GByteArray       *into,
              GError          **error)
{
  for (guint chunks = 0; chunks < 100000; chunks++)
    {
      g_autofree char *line = read_line (in, error);
      guint64 size;

      if (line == NULL)
        return FALSE;
      size = g_ascii_strtoull (line, NULL, 16);
      if (size == 0)
        {
          /* trailers, until the empty line */
          for (guint i = 0; i < MAX_HEADER_LINES; i++)
            {
              g_autofree char *trailer = read_line (in, error);

              if (trailer == NULL)
                return FALSE;
              if (*trailer == '\0')
                return TRUE;
            }
          return FALSE;
        }
      if (!read_exactly (in, into, size, error))
        return FALSE;
      g_free (read_line (in, error)); /* the CRLF after the chunk */
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "too many chunks");
  return FALSE;
}

gboolean
companies_test_request_read (GDataInputStream      *in,
                             CompaniesTestRequest  *request,
                             GError               **error)
{
  g_autofree char *request_line = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GByteArray) body = g_byte_array_new ();
  gboolean chunked = FALSE;
  gint64 content_length = 0;
  guint i;

  request_line = read_line (in, error);
  if (request_line == NULL)
    return FALSE;
  parts = g_strsplit (request_line, " ", 3);
  if (g_strv_length (parts) != 3)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad request line: %s", request_line);
      return FALSE;
    }
  request->method = g_strdup (parts[0]);
  request->target = g_strdup (parts[1]);

  for (i = 0; i < MAX_HEADER_LINES; i++)
    {
      g_autofree char *line = read_line (in, error);
      char *colon;
      char *value;

      if (line == NULL)
        return FALSE;
      if (*line == '\0')
        break;
      colon = strchr (line, ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      value = g_strstrip (colon + 1);

      if (g_ascii_strcasecmp (line, "Content-Length") == 0)
        content_length = g_ascii_strtoll (value, NULL, 10);
      else if (g_ascii_strcasecmp (line, "Transfer-Encoding") == 0)
        chunked = g_ascii_strcasecmp (value, "chunked") == 0;
      else if (g_ascii_strcasecmp (line, "Content-Type") == 0)
        request->content_type = g_strdup (value);
      else if (g_ascii_strcasecmp (line, "Authorization") == 0)
        request->authorization = g_strdup (value);
    }
  if (i == MAX_HEADER_LINES)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "too many headers");
      return FALSE;
    }

  if (chunked)
    {
      if (!read_chunked (in, body, error))
        return FALSE;
    }
  else if (content_length > 0)
    {
      if (!read_exactly (in, body, (gsize) content_length, error))
        return FALSE;
    }

  request->body = g_byte_array_free_to_bytes (g_steal_pointer (&body));
  return TRUE;
}

/* Sends @request upstream; NULL when the upstream could not be reached. */
GBytes *
companies_test_request_forward (const char            *upstream_url,
                                CompaniesTestRequest  *request,
                                guint                 *out_status,
                                char                 **out_content_type,
                                char                 **out_www_authenticate)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60,
                                                                 "max-conns", 4,
                                                                 NULL);
  g_autofree char *uri = g_strconcat (upstream_url, request->target, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  GBytes *response;

  message = soup_message_new (request->method, uri);
  if (message == NULL)
    return NULL;
  if (request->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "Authorization", request->authorization);
  if (g_bytes_get_size (request->body) > 0 || request->content_type != NULL)
    soup_message_set_request_body_from_bytes (message, request->content_type, request->body);

  response = soup_session_send_and_read (session, message, NULL, &error);
  if (response == NULL)
    {
      g_debug ("upstream %s failed: %s", uri, error->message);
      return NULL;
    }

  headers = soup_message_get_response_headers (message);
  *out_status = soup_message_get_status (message);
  *out_content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  *out_www_authenticate = g_strdup (soup_message_headers_get_one (headers, "WWW-Authenticate"));

  return response;
}

void
companies_test_response_write (GOutputStream *out,
                               guint          status,
                               const char    *content_type,
                               const char    *www_authenticate,
                               GBytes        *body)
{
  g_autoptr(GString) head = g_string_new (NULL);
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", status,
                          soup_status_get_phrase (status) != NULL ? soup_status_get_phrase (status) : "Unknown");
  if (content_type != NULL)
    g_string_append_printf (head, "Content-Type: %s\r\n", content_type);
  if (www_authenticate != NULL)
    g_string_append_printf (head, "WWW-Authenticate: %s\r\n", www_authenticate);
  g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\n", length);
  g_string_append (head, "Connection: close\r\n\r\n");

  if (!g_output_stream_write_all (out, head->str, head->len, NULL, NULL, NULL))
    return;
  if (length > 0)
    g_output_stream_write_all (out, data, length, NULL, NULL, NULL);
  g_output_stream_flush (out, NULL, NULL);
}
