/* companies-private-file.h: database files that only their owner may
 * read, whatever the umask, on the client and on the server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The mode of every database file this project creates. */
#define COMPANIES_PRIVATE_FILE_MODE 0600

/* Creates @path empty with COMPANIES_PRIVATE_FILE_MODE if it does not
 * exist; leaves an existing file as it is. *@out_created (if not NULL)
 * tells which. The error (G_FILE_ERROR) is the system's message only:
 * the caller names the file. */
gboolean companies_private_file_ensure            (const char  *path,
                                                   gboolean    *out_created,
                                                   GError     **error);

/* Makes the SQLite companions of @path (-wal, -shm, -journal), where they
 * exist, no more readable than @path itself. SQLite gives a companion it
 * creates the database's mode; this covers one left by an older version
 * or made before @path was made private. */
void     companies_private_file_match_companions  (const char  *path);

G_END_DECLS
