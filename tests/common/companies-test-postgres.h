/* companies-test-postgres.h: a private PostgreSQL cluster for the tests,
 * on a Unix socket in a temporary folder, and fresh databases in it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CompaniesTestPostgres CompaniesTestPostgres;

/* TRUE when the tests run companies-server on PostgreSQL: the variable
 * COMPANIES_TEST_BACKEND is "postgresql" (the suites server-pg, e2e-pg and
 * model-pg set it). */
gboolean               companies_test_postgres_wanted      (void);

/* The cluster of this test process: the one whose socket folder
 * COMPANIES_TEST_PG_SOCKET_DIR names (left running), or else one started
 * on first use and stopped when the process ends, however it ends. */
CompaniesTestPostgres *companies_test_postgres_get         (void);

/* A cluster of the caller's own, that it may stop and start; free it
 * with companies_test_postgres_free () (a watchdog stops it anyway if the
 * test dies first). */
CompaniesTestPostgres *companies_test_postgres_new         (GError                **error);
void                   companies_test_postgres_free        (CompaniesTestPostgres  *self);
/* The same, durable: fsync and synchronous_commit on, PostgreSQL's own
 * shared_buffers (the tests' clusters run without fsync, for speed). */
CompaniesTestPostgres *companies_test_postgres_new_durable (GError                **error);
/* The postmaster's process id (its children are the cluster's other
 * processes); 0 when it cannot be read. */
GPid                   companies_test_postgres_get_pid     (CompaniesTestPostgres  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesTestPostgres, companies_test_postgres_free)

/* pg_ctl stop -m @mode ("immediate": a crash) and start again; assert
 * success. */
void                   companies_test_postgres_stop        (CompaniesTestPostgres  *self,
                                                            const char             *mode);
void                   companies_test_postgres_start       (CompaniesTestPostgres  *self);

/* A new empty database (dropped first if it exists): its URI. */
char                  *companies_test_postgres_create      (CompaniesTestPostgres  *self,
                                                            const char             *name,
                                                            GError                **error);
/* The URI of database @name of the cluster. */
char                  *companies_test_postgres_uri         (CompaniesTestPostgres  *self,
                                                            const char             *name);

/* What companies_test_server_start () passes as --database for
 * @database_path on PostgreSQL: the path holds the URI of a database of
 * its own; a path that does not exist yet gets a fresh database (so a
 * test that removes the file gets a new one), a path that exists keeps
 * its database. A path holding anything else (a SQLite file a test made)
 * is returned as it is, and so is a PostgreSQL URI. */
char                  *companies_test_postgres_database_for (const char            *database_path,
                                                             GError               **error);

/* Runs the command @sql (constant text of a test) on the database at
 * @uri; asserts success. */
void                   companies_test_postgres_exec        (const char             *uri,
                                                            const char             *sql);
/* The integer the query @sql (constant text of a test) returns on the
 * database at @uri; asserts success. */
gint64                 companies_test_postgres_query_int   (const char             *uri,
                                                            const char             *sql);

G_END_DECLS
