/* companies-server-cursor.c: the server's sync cursor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include "companies-protocol.h"
#include "companies-server-cursor.h"

#define UUID_LENGTH 36

gboolean
companies_server_cursor_parse (const char            *text,
                               CompaniesServerCursor *out_cursor)
{
  g_autofree char *uuid = NULL;
  const char *digits;
  const char *end;
  guint64 version;

  g_return_val_if_fail (out_cursor != NULL, FALSE);

  memset (out_cursor, 0, sizeof *out_cursor);
  if (text == NULL || strlen (text) < UUID_LENGTH + 2 || text[UUID_LENGTH] != '.')
    return FALSE;

  uuid = g_strndup (text, UUID_LENGTH);
  if (!companies_uuid_is_valid (uuid))
    return FALSE;

  digits = text + UUID_LENGTH + 1;
  end = digits;
  while (g_ascii_isdigit (*end))
    end++;
  /* no sign, no leading zeros, at most 18 digits: fits a gint64 */
  if (end == digits || end - digits > 18 || (digits[0] == '0' && end - digits > 1))
    return FALSE;

  if (*end == '\0')
    out_cursor->in_snapshot = FALSE;
  else if (strcmp (end, ".s") == 0)
    out_cursor->in_snapshot = TRUE;
  else
    return FALSE;

  version = g_ascii_strtoull (digits, NULL, 10);
  memcpy (out_cursor->database_uuid, uuid, UUID_LENGTH + 1);
  out_cursor->version = (gint64) version;

  return TRUE;
}

char *
companies_server_cursor_format (const char *database_uuid,
                                gint64      version,
                                gboolean    in_snapshot)
{
  return g_strdup_printf ("%s.%" G_GINT64_FORMAT "%s", database_uuid, version,
                          in_snapshot ? ".s" : "");
}
