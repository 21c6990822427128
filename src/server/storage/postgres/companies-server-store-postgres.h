/* companies-server-store-postgres.h: the server store on a PostgreSQL
 * database, shared by any number of servers (docs/postgresql.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-server-store.h"

G_BEGIN_DECLS

/* TRUE when @database names a PostgreSQL database (a libpq URI starting
 * postgresql:// or postgres://) rather than a SQLite file. */
gboolean              companies_server_store_postgres_is_uri      (const char  *database);

/* @uri without its password, fit for a log line. */
char                 *companies_server_store_postgres_describe    (const char  *uri);

/* Connects to the database at @uri, creates or migrates its schema
 * (several servers may do so at once) and returns the store of one
 * writer thread. Fails with COMPANIES_SERVER_STORE_ERROR and a message fit
 * to show a person; the password of @uri is never in it. */
CompaniesServerStore *companies_server_store_postgres_open        (const char  *uri,
                                                                   GError     **error);

/* A second connection for pulls: each transaction reads one snapshot (REPEATABLE READ, READ ONLY). Only begin,
 * commit, rollback, get_state, lookups and list_changes may be used. */
CompaniesServerStore *companies_server_store_postgres_open_reader (const char  *uri,
                                                                   GError     **error);

typedef enum
{
  COMPANIES_SERVER_STORE_POSTGRES_READER = 1 << 0,  /* the store of open_reader () */
  /* A database that does not answer yet (not reachable, or starting up)
   * is no error: the store's transactions fail UNAVAILABLE until it
   * answers; the first one then creates or checks the schema. One that
   * answers and refuses (a wrong password, no such database) still fails
   * the open. */
  COMPANIES_SERVER_STORE_POSTGRES_WAIT   = 1 << 1,
} CompaniesServerStorePostgresFlags;

CompaniesServerStore *companies_server_store_postgres_open_full   (const char                         *uri,
                                                                   CompaniesServerStorePostgresFlags   flags,
                                                                   GError                            **error);

G_END_DECLS
