/* companies-server-forwarded.h: the client a trusted front proxy says a
 * request came from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The last address of X-Forwarded-For in @headers: the one the proxy
 * added itself, the peer it took the request from. The addresses before
 * it were sent by that peer and prove nothing. NULL when the header is
 * missing or its last entry is not an IP address. */
GInetAddress *companies_server_forwarded_client (SoupMessageHeaders *headers);

G_END_DECLS
