/* companies-cli-token.h: reading the access token of --token-file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most a token file may hold, in bytes: a token is one short line. */
#define CLI_TOKEN_FILE_MAX_SIZE 4096

/* The first line of @path, trimmed. @path must be a regular file of at
 * most CLI_TOKEN_FILE_MAX_SIZE bytes that neither its group nor others
 * may read or write. */
char *cli_read_token_file (const char  *path,
                           GError     **error);

G_END_DECLS
