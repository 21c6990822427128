/* companies-server-add-token.h: `companies-server add-token`, which makes a
 * new access token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The token's prefix: it tells a Companies token from other secrets. */
#define COMPANIES_SERVER_TOKEN_PREFIX "cmp_"

/* companies-server add-token --tokens FILE [--comment TEXT]
 *
 * @argv[0] is "add-token". Prints a new random token on stdout, once, and
 * appends only its SHA-256 hash to FILE (made with mode 0600 if missing;
 * a FILE that group or others may access is refused). Returns the exit
 * status: 0, 1 when the file cannot be written, 2 for bad options. */
int companies_server_add_token_main (int    argc,
                                     char **argv);

G_END_DECLS
