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

/* COMPANIES_SERVER_TEST_MAX_PAGE_COUNT=<pages>: TRUE and the number when
 * the variable holds a positive integer; the SQLite store then caps the
 * database at that many pages (PRAGMA max_page_count), a full disk. */
gboolean companies_server_test_hook_max_page_count (gint64 *out_pages);

G_END_DECLS
