/* companies-server-test-hooks.c: hooks for the fault tests, and only
 * for them (see the header)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "companies-server-test-hooks.h"

#define PAUSE_VARIABLE          "COMPANIES_SERVER_TEST_PAUSE_IN_TRANSACTION"
#define MAX_PAGE_COUNT_VARIABLE "COMPANIES_SERVER_TEST_MAX_PAGE_COUNT"
/* A test that forgot to kill the server: give up waiting at last. */
#define PAUSE_MAX_SECONDS       300
#define HOLD_PULLS_VARIABLE     "COMPANIES_SERVER_TEST_HOLD_PULLS"
#define HOLD_MAX_SECONDS        60
#define SMALL_CACHE_VARIABLE    "COMPANIES_SERVER_TEST_SMALL_CACHE"

/* The variable's value, read once: NULL when unset. */
static const char *
pause_path (void)
{
  static const char *path = NULL;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      const char *value = g_getenv (PAUSE_VARIABLE);

      if (value != NULL && *value != '\0')
        path = g_strdup (value);
      g_once_init_leave (&initialized, 1);
    }

  return path;
}

void
companies_server_test_hook_applied (guint n_applied,
                                    guint n_total)
{
  g_autofree char *reached = NULL;
  const char *path = pause_path ();

  if (G_LIKELY (path == NULL) || n_total < 2 || n_applied != n_total / 2)
    return;

  g_printerr ("Test hook: paused inside a transaction (%u of %u changes applied); "
              "waiting to be killed\n", n_applied, n_total);

  reached = g_strconcat (path, ".reached", NULL);
  if (!g_file_set_contents (reached, "", 0, NULL))
    g_printerr ("Test hook: cannot create %s\n", reached);

  for (guint i = 0; i < PAUSE_MAX_SECONDS * 10; i++)
    g_usleep (G_USEC_PER_SEC / 10);

  g_printerr ("Test hook: not killed after %u seconds; going on\n", PAUSE_MAX_SECONDS);
}

void
companies_server_test_hook_pull (void)
{
  const char *path = g_getenv (HOLD_PULLS_VARIABLE);
  g_autofree char *reached = NULL;
  g_autofree char *release = NULL;

  if (G_LIKELY (path == NULL || *path == '\0'))
    return;

  reached = g_strconcat (path, ".reached", NULL);
  release = g_strconcat (path, ".release", NULL);
  if (!g_file_set_contents (reached, "", 0, NULL))
    g_printerr ("Test hook: cannot create %s\n", reached);

  for (guint i = 0; i < HOLD_MAX_SECONDS * 100 && !g_file_test (release, G_FILE_TEST_EXISTS); i++)
    g_usleep (G_USEC_PER_SEC / 100);
}

gboolean
companies_server_test_hook_max_page_count (gint64 *out_pages)
{
  const char *value = g_getenv (MAX_PAGE_COUNT_VARIABLE);
  char *end = NULL;
  gint64 pages;

  if (G_LIKELY (value == NULL) || *value == '\0')
    return FALSE;

  errno = 0;
  pages = g_ascii_strtoll (value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || pages <= 0)
    {
      g_printerr ("Test hook: ignoring %s=%s (not a positive integer)\n",
                  MAX_PAGE_COUNT_VARIABLE, value);
      return FALSE;
    }

  *out_pages = pages;
  return TRUE;
}

gboolean
companies_server_test_hook_small_cache (void)
{
  return g_strcmp0 (g_getenv (SMALL_CACHE_VARIABLE), "1") == 0;
}
