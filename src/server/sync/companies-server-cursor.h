/* companies-server-cursor.h: the server's sync cursor
 *
 * Opaque to clients. The server makes it "<database-uuid>.<version>", or
 * "<database-uuid>.<version>.s" while a snapshot (a reset) has more pages
 * to come.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char     database_uuid[37];
  gint64   version;
  gboolean in_snapshot;
} CompaniesServerCursor;

/* FALSE when @text is not a cursor this server could have made. */
gboolean  companies_server_cursor_parse  (const char            *text,
                                          CompaniesServerCursor *out_cursor);
char     *companies_server_cursor_format (const char            *database_uuid,
                                          gint64                 version,
                                          gboolean               in_snapshot);

G_END_DECLS
