/* companies-server-respond.h: the answers of companies-server, as
 * docs/protocol.md sections 4 and 9 spell them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Sets @status and the application/json @body; any status but 200 closes
 * the connection after the answer. */
void companies_server_respond_json  (SoupServerMessage *msg,
                                     guint              status,
                                     GBytes            *body);
/* Answers with the error body of docs/protocol.md section 4 (@path may be
 * NULL), and drops whatever of the request body is still to come instead
 * of keeping it. */
void companies_server_respond_error (SoupServerMessage *msg,
                                     guint              status,
                                     const char        *code,
                                     const char        *message,
                                     const char        *path);

G_END_DECLS
