/* companies-test-hooks.h: TEST-ONLY fault injection points, for the tests
 * in tests/faults. They do nothing unless a test sets their environment
 * variable; then they crash the process or shrink the database's room, so
 * that the tests can prove that no local edit is lost when that happens.
 * Never set these variables outside tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* When the environment variable COMPANIES_TEST_CRASH_AT equals @point, the
 * process kills itself with SIGKILL (a real crash: no atexit, no cleanup,
 * no flush). The variable is read once, at the first call; otherwise a
 * call costs one comparison. The points of the sync:
 *   "after-send"   a request was sent and its response read, not applied
 *   "mid-apply"    inside the apply transaction, half of the page's
 *                  companies written, not committed
 *   "after-apply"  a response committed, before the next round trip */
void companies_test_hook (const char *point);

/* When the environment variable COMPANIES_TEST_MAX_PAGE_COUNT holds a
 * positive number N, sets PRAGMA max_page_count = N on @db: the file then
 * cannot grow past N pages and writes that need more fail with
 * SQLITE_FULL, as on a full disk. Read at every call (each new connection),
 * so that a test can give the space back. */
void companies_test_hook_limit_pages (sqlite3 *db);

G_END_DECLS
