/* cluster-test-util.h: helpers of the tests of several servers on one
 * PostgreSQL database: SQL on the test cluster, servers on a URI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-test-postgres.h"
#include "companies-test-server.h"

G_BEGIN_DECLS

/* Runs @sql (constant text of a test; may hold several statements) on the
 * database at @uri; asserts success. */
void                 cluster_sql_exec     (const char *uri,
                                           const char *sql);
/* The text the query @sql returns (first row, first column; "" for
 * NULL); asserts one row. */
char                *cluster_sql_text     (const char *uri,
                                           const char *sql);
/* A companies-server on the database at @uri (a URI or a SQLite path),
 * with @extra_args; asserts it started. */
CompaniesTestServer *cluster_server_start (const char         *uri,
                                           const char * const *extra_args);

G_END_DECLS
