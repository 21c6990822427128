/* companies-server-store-sqlite.h: the server store on a SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-server-store.h"

G_BEGIN_DECLS

/* Sets SQLite up for this process; call it first, before any SQLite use
 * (later it changes nothing). */
void                  companies_server_sqlite_configure    (void);

/* Opens (creating it if needed) the database at @path, migrates its schema
 * to the current version, and returns a store that must be used from one
 * thread at a time. Fails with COMPANIES_SERVER_STORE_ERROR and a message
 * fit to show a person. */
CompaniesServerStore *companies_server_store_sqlite_open (const char  *path,
                                                          GError     **error);

/* A second, read-only store on the database at @path, opened already by
 * companies_server_store_sqlite_open (): its transactions are reads of
 * one WAL snapshot each, which neither wait for nor block the writer.
 * Only begin, commit, rollback, get_state, lookups and list_changes may be
 * used on it. */
CompaniesServerStore *companies_server_store_sqlite_open_reader (const char  *path,
                                                                 GError     **error);

G_END_DECLS
