/* companies-test-hooks.c: TEST-ONLY fault injection (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-test-hooks"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "companies-test-hooks.h"

void
companies_test_hook (const char *point)
{
  static gsize initialized = 0;
  static const char *crash_at = NULL;

  g_return_if_fail (point != NULL);

  if (g_once_init_enter (&initialized))
    {
      const char *value = g_getenv ("COMPANIES_TEST_CRASH_AT");

      crash_at = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
      g_once_init_leave (&initialized, 1);
    }

  if (G_LIKELY (crash_at == NULL) || strcmp (crash_at, point) != 0)
    return;

  /* A crash, not an exit: the tests check what a real one leaves. */
  kill (getpid (), SIGKILL);
  /* SIGKILL cannot be caught; this is never reached. */
  abort ();
}

void
companies_test_hook_limit_pages (sqlite3 *db)
{
  const char *value = g_getenv ("COMPANIES_TEST_MAX_PAGE_COUNT");
  g_autofree char *sql = NULL;
  guint64 pages = 0;

  g_return_if_fail (db != NULL);

  if (G_LIKELY (value == NULL || *value == '\0'))
    return;

  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXINT32, &pages, NULL))
    {
      g_debug ("Ignoring COMPANIES_TEST_MAX_PAGE_COUNT=%s: not a page count", value);
      return;
    }

  /* A PRAGMA takes no parameters; @pages is a parsed number. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GUINT64_FORMAT, pages);
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_debug ("Could not limit the database to %" G_GUINT64_FORMAT " pages: %s",
             pages, sqlite3_errmsg (db));
}
