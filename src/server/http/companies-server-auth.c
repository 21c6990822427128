/* companies-server-auth.c: the bearer token of a request, checked and
 * kept on the request
 *
 * The token is hashed and looked up at once; only what the tokens file
 * says of it (its label, whether it is read-only) is kept on the message,
 * never the token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include "companies-server-auth.h"

#define TOKEN_KEY "companies-server-token"

gboolean
companies_server_auth_check (CompaniesServerTokens *tokens,
                             SoupServerMessage     *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const CompaniesServerToken *found = NULL;
  const char *value;
  char *token;

  if (tokens == NULL)
    return TRUE;

  value = soup_message_headers_get_one (headers, "Authorization");
  if (value == NULL ||
      g_ascii_strncasecmp (value, "Bearer", 6) != 0 ||
      (value[6] != ' ' && value[6] != '\t'))
    return FALSE;

  token = g_strstrip (g_strdup (value + 6));
  if (*token != '\0')
    found = companies_server_tokens_lookup (tokens, token);
  explicit_bzero (token, strlen (token));
  g_free (token);

  /* the tokens outlive every request */
  g_object_set_data (G_OBJECT (msg), TOKEN_KEY, (gpointer) found);

  return found != NULL;
}

const CompaniesServerToken *
companies_server_auth_get_token (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), TOKEN_KEY);
}

const char *
companies_server_auth_get_label (SoupServerMessage *msg)
{
  const CompaniesServerToken *token = companies_server_auth_get_token (msg);

  return token != NULL ? token->label : NULL;
}
