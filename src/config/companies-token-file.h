/* companies-token-file.h: access tokens in a file readable by the user
 * alone, where no Secret Service runs, and the file of older versions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One server's token, as the file holds it. */
typedef struct
{
  char *server_url;
  char *token;
} CompaniesTokenEntry;

void companies_token_entry_free (CompaniesTokenEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesTokenEntry, companies_token_entry_free)

/* Every entry of the file at @path (CompaniesTokenEntry); an empty array
 * when there is no file. */
GPtrArray *companies_token_file_read_all  (const char  *path,
                                           GError     **error);
/* The token of @server_url, or NULL (and no error) when none. */
char      *companies_token_file_lookup    (const char  *path,
                                           const char  *server_url,
                                           GError     **error);
/* Sets (or, with a NULL @token, removes) the token of @server_url. The
 * file is written whole, mode 0600 in a folder of mode 0700, and removed
 * once it holds no token. */
gboolean   companies_token_file_store     (const char  *path,
                                           const char  *server_url,
                                           const char  *token,
                                           GError     **error);

/* The single token of the file older versions wrote (one line), or NULL
 * (and no error) when there is no such file. */
char      *companies_token_file_read_legacy (const char  *path,
                                             GError     **error);
/* Removes @path; a missing file is fine. */
gboolean   companies_token_file_remove    (const char  *path,
                                           GError     **error);

G_END_DECLS
