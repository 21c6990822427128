/* companies-server-auth.h: the bearer token of a request, checked and
 * kept on the request so that later steps know who sent it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "companies-server-tokens.h"

G_BEGIN_DECLS

/* Checks the request's "Authorization: Bearer <token>" against @tokens
 * (NULL: no authentication, every request passes) and keeps the token
 * found on @msg. */
gboolean                    companies_server_auth_check     (CompaniesServerTokens *tokens,
                                                             SoupServerMessage     *msg);
/* The token companies_server_auth_check () found on @msg; NULL when the
 * server runs without tokens. Owned by the tokens. */
const CompaniesServerToken *companies_server_auth_get_token (SoupServerMessage     *msg);
/* Its label ("Ana's laptop"), what history and notices show as who wrote
 * a value; NULL without tokens. Never the token itself. */
const char                 *companies_server_auth_get_label (SoupServerMessage     *msg);

G_END_DECLS
