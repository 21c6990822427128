/* companies-server-respond.c: the answers of companies-server, as
 * docs/protocol.md sections 4 and 9 spell them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-protocol.h"
#include "companies-server-respond.h"

void
companies_server_respond_json (SoupServerMessage *msg,
                               guint              status,
                               GBytes            *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *response_body = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, status, NULL);
  /* Only a 200 keeps its connection alive (companies-server-limits.c):
   * after an error the client starts afresh. */
  if (status != SOUP_STATUS_OK)
    soup_message_headers_replace (headers, "Connection", "close");
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  soup_message_body_truncate (response_body);
  soup_message_body_append_bytes (response_body, body);
}

void
companies_server_respond_error (SoupServerMessage *msg,
                                guint              status,
                                const char        *code,
                                const char        *message,
                                const char        *path)
{
  g_autoptr(GBytes) body = companies_error_body_encode (code, message, path);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);

  soup_message_body_set_accumulate (request_body, FALSE);
  soup_message_body_truncate (request_body);
  companies_server_respond_json (msg, status, body);
}
