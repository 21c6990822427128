/* companies-token-store.h: where the access token of each server is kept:
 * the keyring, else (no Secret Service runs) a file only the user reads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define COMPANIES_TYPE_TOKEN_STORE (companies_token_store_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesTokenStore, companies_token_store, COMPANIES, TOKEN_STORE, GObject)

/* Every call blocks (D-Bus, maybe a prompt to unlock the keyring): the app
 * calls them in a GTask thread. Calls from several threads take turns.
 * Server addresses are normalized (companies_server_url_normalize ()).
 * Errors: G_IO_ERROR, G_FILE_ERROR, and libsecret's. */

/* @folder holds the fallback file and the file of older versions; NULL for
 * g_get_user_config_dir ()/companies. */
CompaniesTokenStore *companies_token_store_new           (const char           *folder);

/* The token of @server_url, NULL (and no error) when none. */
char                *companies_token_store_lookup        (CompaniesTokenStore  *self,
                                                          const char           *server_url,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
/* Keeps @token for @server_url; NULL or "" removes it. A token that could
 * not be sent (companies_token_is_valid ()) is refused, unchanged. */
gboolean             companies_token_store_save          (CompaniesTokenStore  *self,
                                                          const char           *server_url,
                                                          const char           *token,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
/* Once a keyring runs: moves the token of the file older versions kept
 * (FOLDER/token, one token, no server) to @server_url (the app's server)
 * unless that server has one already, and the tokens of the fallback file
 * into the keyring; then removes the files. Without a keyring, the old
 * file's token moves to the fallback file. Nothing to move is fine. */
gboolean             companies_token_store_migrate       (CompaniesTokenStore  *self,
                                                          const char           *server_url,
                                                          GCancellable         *cancellable,
                                                          GError              **error);

/* TRUE when the last call found no Secret Service and used the file. */
gboolean             companies_token_store_get_in_file   (CompaniesTokenStore  *self);
/* FOLDER/server-tokens: the fallback file. */
const char          *companies_token_store_get_file_path (CompaniesTokenStore  *self);
/* FOLDER/token: the file older versions kept the token in. */
const char          *companies_token_store_get_legacy_path (CompaniesTokenStore *self);

/* Whether @token can go in an Authorization header: printable ASCII
 * without spaces, not empty. */
gboolean             companies_token_is_valid            (const char           *token);

G_END_DECLS
