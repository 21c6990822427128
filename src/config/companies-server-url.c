/* companies-server-url.c: the server address as the app, the CLI and the
 * keyring all spell it: one spelling, so that a token stored by the app
 * is found by the CLI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-config"

#include "config.h"

#include <string.h>

#include "companies-server-url.h"

char *
companies_server_url_normalize (const char *text)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;
  const char *scheme;
  gsize length;

  if (text == NULL)
    return NULL;

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return NULL;
  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return NULL;
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return NULL;

  /* Nothing that could not be a line of the token file (a space). */
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p <= 0x20 || *p == 0x7f)
        return NULL;
    }

  url = g_strdup (text);
  length = strlen (url);
  while (length > 0 && url[length - 1] == '/')
    url[--length] = '\0';

  return g_steal_pointer (&url);
}
