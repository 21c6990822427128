/* companies-token-keyring.h: access tokens in the keyring (the Secret
 * Service, or the Secret portal inside Flatpak), through libsecret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The schema's name; its one attribute, "server", is the server address
 * as companies_server_url_normalize () spells it:
 *   secret-tool lookup xdg:schema com.example.Companies.Token server URL */
#define COMPANIES_TOKEN_SCHEMA_NAME "com.example.Companies.Token"

/* The token of @server_url, or NULL (and no error) when none. */
char     *companies_token_keyring_lookup    (const char    *server_url,
                                             GCancellable  *cancellable,
                                             GError       **error);
gboolean  companies_token_keyring_store     (const char    *server_url,
                                             const char    *token,
                                             GCancellable  *cancellable,
                                             GError       **error);
/* Removes the token of @server_url; none is fine. */
gboolean  companies_token_keyring_clear     (const char    *server_url,
                                             GCancellable  *cancellable,
                                             GError       **error);

/* Whether @error says that no Secret Service runs (no session bus, or
 * nobody owns the name and nothing can start it), as opposed to one that
 * runs and failed or was refused. */
gboolean  companies_token_keyring_is_absent (const GError  *error);

G_END_DECLS
