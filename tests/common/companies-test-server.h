/* companies-test-server.h: a real companies-server process for a test,
 * on a random loopback port, plus small helpers the suites share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-protocol.h"

G_BEGIN_DECLS

typedef struct _CompaniesTestServer CompaniesTestServer;

/* Starts $COMPANIES_SERVER --port 0 --database @database_path plus
 * @extra_args (NULL-terminated, may be NULL) and waits (at most 20 s) for
 * its "Listening on URL" line. With COMPANIES_TEST_BACKEND=postgresql, the
 * database is a PostgreSQL database of the path's own instead
 * (companies_test_postgres_database_for ()). */
CompaniesTestServer *companies_test_server_start    (const char          *database_path,
                                                     const char * const  *extra_args,
                                                     GError             **error);
const char          *companies_test_server_get_url  (CompaniesTestServer *server);
guint16              companies_test_server_get_port (CompaniesTestServer *server);
/* The process id while the server runs, 0 once it exited. */
GPid                 companies_test_server_get_pid  (CompaniesTestServer *server);
/* The process' stderr so far (its log lines), for assertions. */
char                *companies_test_server_get_log  (CompaniesTestServer *server);
/* SIGTERM and wait; asserts a clean exit. */
void                 companies_test_server_stop     (CompaniesTestServer *server);
/* SIGKILL and wait: a crash. */
void                 companies_test_server_kill     (CompaniesTestServer *server);
/* Stops the process if it still runs, then frees. */
void                 companies_test_server_free     (CompaniesTestServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesTestServer, companies_test_server_free)

/* A fresh folder under g_get_tmp_dir (); remove it with
 * companies_test_remove_tree (). */
char                *companies_test_make_tmpdir     (void);
void                 companies_test_remove_tree     (const char          *path);
/* Writes @contents to @path, readable by its owner only (as a tokens
 * file must be); asserts success. */
void                 companies_test_write_private   (const char          *path,
                                                     const char          *contents);

/* One blocking HTTP request on a fresh SoupSession (10 s timeout).
 * @content_type and @token may be NULL; @length -1 means strlen. Returns the
 * response body (never NULL on success) and its status. */
GBytes              *companies_test_http            (const char          *method,
                                                     const char          *url,
                                                     const char          *content_type,
                                                     const char          *token,
                                                     const char          *body,
                                                     gssize               length,
                                                     guint               *out_status,
                                                     GError             **error);

/* One pull from @cursor on @server_url's sync path: a fresh client id,
 * nothing pushed, at most @limit records; @token may be NULL. NULL with
 * @error when the server could not be reached or answered other than 200
 * (@out_status tells which: 0 or that status), or when its answer does
 * not decode (@out_status 200). */
CompaniesSyncResponse *companies_test_pull        (const char          *server_url,
                                                   const char          *token,
                                                   const char          *cursor,
                                                   guint                limit,
                                                   guint               *out_status,
                                                   GError             **error);

G_END_DECLS
