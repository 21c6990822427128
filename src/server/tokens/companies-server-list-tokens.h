/* companies-server-list-tokens.h: `companies-server list-tokens`, which
 * shows the tokens of a tokens file by their labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* companies-server list-tokens --tokens FILE
 *
 * @argv[0] is "list-tokens". Prints one line a token: its place, its
 * label and "read-only" for a read-only token; never a token nor its
 * hash. Returns the exit status: 0, 1 when the file cannot be read, 2 for
 * bad options. */
int companies_server_list_tokens_main (int    argc,
                                       char **argv);

G_END_DECLS
