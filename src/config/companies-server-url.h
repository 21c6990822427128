/* companies-server-url.h: the server address as the app, the CLI and the
 * keyring all spell it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The address the app's setting holds until a person changes it. */
#define COMPANIES_DEFAULT_SERVER_URL "http://127.0.0.1:8080"

/* @text as a server address: http or https, a host, no query or
 * fragment, without trailing slashes. NULL when it is not one. */
char *companies_server_url_normalize (const char *text);

G_END_DECLS
