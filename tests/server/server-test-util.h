/* server-test-util.h: helpers of the companies-server tests: a real server
 * in a temp dir, requests built with the protocol's own encoder, responses
 * read with its strict decoder, its database file read afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-protocol.h"
#include "companies-test-server.h"
#include "companies-server-store.h"

G_BEGIN_DECLS

typedef struct
{
  char                *dir;       /* temp dir, removed by test_server_free () */
  char                *db_path;
  CompaniesTestServer *server;
  char                *token;     /* sent with every sync; NULL: none */
} TestServer;

/* A server on a fresh database in a fresh temp dir. With @with_token, a
 * private tokens file holding one token (kept in ->token) is passed. */
TestServer            *test_server_start        (gboolean             with_token,
                                                 const char * const  *extra_args);
/* Stops the process (SIGTERM, clean exit asserted) and starts it again on
 * the same database, with @extra_args. */
void                   test_server_restart      (TestServer          *self,
                                                 const char * const  *extra_args);
/* SIGKILL, then starts again on the same database. */
void                   test_server_crash_restart (TestServer         *self);
/* Stops the process and starts it on a new, empty database file. */
void                   test_server_replace_database (TestServer      *self);
void                   test_server_free         (TestServer          *self);
char                  *test_server_url          (TestServer          *self,
                                                 const char          *path);
char                  *test_server_file         (TestServer          *self,
                                                 const char          *name);

/* A request with protocol 1, a client id, @cursor and the default limit. */
/* A store in-process on a fresh database in a fresh temp dir: SQLite,
 * or PostgreSQL when the suite asks for it (companies-test-postgres.h);
 * fixture functions for g_test_add (). */
typedef struct
{
  char                 *dir;
  CompaniesServerStore *store;
} TestStoreFixture;

void                   test_store_fixture_set_up    (TestStoreFixture *fixture,
                                                     gconstpointer     unused);
void                   test_store_fixture_tear_down (TestStoreFixture *fixture,
                                                     gconstpointer     unused);

CompaniesSyncRequest  *test_request_new         (const char          *cursor);
/* Field name/value pairs, NULL-terminated; @uuid NULL makes one. */
CompaniesChange       *test_request_add         (CompaniesSyncRequest *request,
                                                 const char          *uuid,
                                                 ...) G_GNUC_NULL_TERMINATED;
CompaniesChange       *test_request_update      (CompaniesSyncRequest *request,
                                                 gint64               id,
                                                 gint64               base_version,
                                                 ...) G_GNUC_NULL_TERMINATED;
void                   test_request_delete      (CompaniesSyncRequest *request,
                                                 gint64               id);

/* Posts @request and asserts 200 and a response the strict decoder takes. */
CompaniesSyncResponse *test_sync                (TestServer          *self,
                                                 const CompaniesSyncRequest *request);
/* Posts a raw body; returns the status. For a non-2xx status, asserts an
 * error body and returns its code and path. */
guint                  test_post_raw            (TestServer          *self,
                                                 const char          *content_type,
                                                 const char          *token,
                                                 const char          *body,
                                                 gssize               length,
                                                 char               **out_code,
                                                 char               **out_path);

/* Every alive company, through every page of a fresh snapshot. */
GPtrArray             *test_snapshot            (TestServer          *self);
/* The version part of a cursor (tests may look inside it). */
gint64                 test_cursor_version      (const char          *cursor);
/* The newest version on the server, read through a snapshot's cursor. */
gint64                 test_last_version        (TestServer          *self);

CompaniesRecord       *test_find_company        (GPtrArray           *records,
                                                 gint64               id);
CompaniesRecord       *test_find_company_by_uuid (GPtrArray          *records,
                                                 const char          *uuid);
/* @actual holds the records of @expected (by id): the same uuid, version
 * and values. */
void                   test_assert_same_records (GPtrArray           *expected,
                                                 GPtrArray           *actual);
CompaniesRejected     *test_find_rejected       (CompaniesSyncResponse *response,
                                                 const char          *uuid,
                                                 gint64               id);

/* Waits (at most 10 s) until the server's log holds @text: the log is read
 * from its stderr by a thread, so a line may lag behind the answers. Fails
 * the test, showing the log, when it never comes. */
void                   test_server_wait_for_log (TestServer          *self,
                                                 const char          *text);

/* The server's database at @path, opened read-only: the integer @sql
 * answers (the server's own query helper), and whether SQLite finds the
 * file intact (asserted). */
gint64                 test_database_query_int  (const char          *path,
                                                 const char          *sql);
void                   test_database_assert_intact (const char       *path);

/* Runs $COMPANIES_SERVER with @args (NULL-terminated), expecting it to exit
 * within 10 s; returns its exit status, and its stdout and stderr. */
int                    test_run_server_to_exit  (const char * const  *args,
                                                 char               **out_stdout,
                                                 char               **out_stderr);

/* A fresh temp dir and the paths of a tokens file and a database in it,
 * for the tests of the server's commands (g_test_add's fixture). */
typedef struct
{
  char *dir;
  char *tokens;
  char *db;
} TestTokensFixture;

void                   test_tokens_fixture_set_up    (TestTokensFixture *fixture,
                                                      gconstpointer      data);
void                   test_tokens_fixture_tear_down (TestTokensFixture *fixture,
                                                      gconstpointer      data);

/* Runs `companies-server add-token --tokens @tokens` with @extra_args
 * (NULL-terminated, or NULL) and returns the token it printed. With
 * @out_status NULL the command must succeed; otherwise a failure returns
 * NULL, with its status there, and asserts nothing was printed. */
char                  *test_add_token           (const char          *tokens,
                                                 const char * const  *extra_args,
                                                 int                 *out_status,
                                                 char               **out_stderr);

G_END_DECLS
