/* companies-server-test-hooks.h: hooks for the fault tests, and only
 * for them
 *
 * Compiled in always, they do nothing unless their environment variable
 * is set; no deployment sets these.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* COMPANIES_SERVER_TEST_PAUSE_IN_TRANSACTION=<path>: the sync worker
 * calls this after each change it applied inside a request's transaction;
 * once @n_applied reaches half of @n_total (at least 2 changes), it creates
 * the file "<path>.reached" and waits to be killed, so that a test can
 * SIGKILL the server with a transaction half done. */
void     companies_server_test_hook_applied        (guint   n_applied,
                                                    guint   n_total);

/* COMPANIES_SERVER_TEST_HOLD_PULLS=<path>: the reader thread calls this
 * before each pull it serves; it creates "<path>.reached" and waits until
 * "<path>.release" exists (at most 60 s), so that a test can show that
 * other requests are served while a page is being built. */
void     companies_server_test_hook_pull           (void);

/* COMPANIES_SERVER_TEST_MAX_PAGE_COUNT=<pages>: TRUE and the number when
 * the variable holds a positive integer; the SQLite store then caps the
 * database at that many pages (PRAGMA max_page_count), a full disk. */
gboolean companies_server_test_hook_max_page_count (gint64 *out_pages);

/* COMPANIES_SERVER_TEST_SMALL_CACHE=1: TRUE; the SQLite store then keeps
 * SQLite's default page cache (2 MiB), so that a big transaction spills
 * to the WAL before its COMMIT, as the crash tests need. */
gboolean companies_server_test_hook_small_cache    (void);

G_END_DECLS
