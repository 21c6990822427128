/* server-test-history.h: a server with three labelled tokens, and its
 * companies' history read over HTTP, for the history tests
 * (docs/history.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-history-entry.h"
#include "server-test-util.h"

G_BEGIN_DECLS

typedef struct
{
  TestServer *server;
  char       *ana;     /* "Ana's laptop" */
  char       *bob;     /* "Bob" */
  char       *reader;  /* "Reader", read-only */
} TestHistoryFixture;

/* The three tokens, then the server again with @args. */
void                   test_history_fixture_start (TestHistoryFixture   *fixture,
                                                   const char * const   *args);
void                   test_history_fixture_stop  (TestHistoryFixture   *fixture);

/* One sync as @token; returns the response. */
CompaniesSyncResponse *test_history_sync_as       (TestHistoryFixture   *fixture,
                                                   const char           *token,
                                                   CompaniesSyncRequest *request);
/* Adds a company with @name and @phone as @token; its id. */
gint64                 test_history_add_as        (TestHistoryFixture   *fixture,
                                                   const char           *token,
                                                   const char           *name,
                                                   const char           *phone);
/* Sets @field of @id to @value as @token; the record's new version. */
gint64                 test_history_update_as     (TestHistoryFixture   *fixture,
                                                   const char           *token,
                                                   gint64                id,
                                                   const char           *field,
                                                   const char           *value);
/* Deletes @id as @token. */
void                   test_history_delete_as     (TestHistoryFixture   *fixture,
                                                   const char           *token,
                                                   gint64                id);
/* @method /v1/companies/@id/history as @token; the entries when 200. */
GPtrArray             *test_history_get           (TestHistoryFixture   *fixture,
                                                   const char           *method,
                                                   gint64                id,
                                                   const char           *token,
                                                   guint                *out_status);
CompaniesHistoryEntry *test_history_entry_at      (GPtrArray            *entries,
                                                   guint                 index);
/* The entry's field, value, version and who, written in the last 10
 * minutes. */
void                   test_history_assert_entry  (CompaniesHistoryEntry *entry,
                                                   const char            *field,
                                                   const char            *value,
                                                   gint64                 version,
                                                   const char            *by);

/* The schema version of the fixture's database, on either backend. */
gint64                 test_history_schema_version (TestHistoryFixture  *fixture);
/* Stops the server and takes its database back to an older schema: drops
 * the columns of the lazy creation entries when they are there (SQLite
 * schema 5, PostgreSQL 5), runs @sql (statements split at ';', on either
 * backend), sets the schema version to @sqlite_version or @pg_version;
 * then starts the server again, which upgrades it. */
void                   test_history_downgrade     (TestHistoryFixture   *fixture,
                                                   const char           *sql,
                                                   gint64                sqlite_version,
                                                   gint64                pg_version);

G_END_DECLS
