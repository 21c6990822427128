/* companies-server-forwarded.c: the client a trusted front proxy says a
 * request came from
 *
 * A front proxy such as nginx (data/nginx/companies.conf.in) appends the
 * address of its peer to X-Forwarded-For. Only that last entry is the
 * proxy's word; a client may send the header itself, with anything in it.
 * Several X-Forwarded-For lines count as one list, in order (RFC 9110
 * section 5.3).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include "companies-server-forwarded.h"

GInetAddress *
companies_server_forwarded_client (SoupMessageHeaders *headers)
{
  g_autofree char *last = NULL;
  const char *list;
  const char *comma;
  gsize length;

  g_return_val_if_fail (headers != NULL, NULL);

  list = soup_message_headers_get_list (headers, "X-Forwarded-For");
  if (list == NULL)
    return NULL;

  comma = strrchr (list, ',');
  last = g_strstrip (g_strdup (comma != NULL ? comma + 1 : list));

  /* "[2001:db8::1]": an IPv6 address may come in brackets */
  length = strlen (last);
  if (length > 2 && last[0] == '[' && last[length - 1] == ']')
    {
      last[length - 1] = '\0';
      return g_inet_address_new_from_string (last + 1);
    }

  return g_inet_address_new_from_string (last);
}
