/* companies-server-migrate.h: `companies-server migrate`, which moves a
 * SQLite deployment to PostgreSQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `companies-server migrate --from FILE --to URI` (@argv[0] is
 * "migrate"); returns the exit status. */
int companies_server_migrate_main (int    argc,
                                   char **argv);

G_END_DECLS
