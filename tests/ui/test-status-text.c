/* test-status-text.c: the sentences of the status line, the search folding
 * and the sync back-off and reconnection delay, without a window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-status-text"

#include "config.h"

#include "companies-error.h"
#include "companies-fold.h"
#include "companies-status-text.h"
#include "companies-sync-scheduler.h"

#define NOW ((gint64) 1700000000)

static char *
format (const CompaniesStoreStatus *status,
        const GError               *error,
        gboolean                    syncing)
{
  return companies_status_text_format (status, error, syncing, FALSE, NOW);
}

static void
test_waiting (void)
{
  CompaniesStoreStatus status = { 0 };
  g_autofree char *one = NULL;
  g_autofree char *three = NULL;

  status.pending_added = 1;
  status.last_sync_time = NOW - 30;
  one = format (&status, NULL, FALSE);
  g_assert_cmpstr (one, ==, "1 change waiting to sync");

  status.pending_added = 1;
  status.pending_updated = 1;
  status.pending_deleted = 1;
  three = format (&status, NULL, FALSE);
  g_assert_cmpstr (three, ==, "3 changes waiting to sync");
}

static void
test_synced (void)
{
  struct {
    gint64      ago;
    const char *text;
  } cases[] = {
    { 0, "Synced just now" },
    { 59, "Synced just now" },
    { 60, "Synced 1 minute ago" },
    { 2 * 60 + 5, "Synced 2 minutes ago" },
    { 59 * 60, "Synced 59 minutes ago" },
    { 60 * 60, "Synced 1 hour ago" },
    { 5 * 60 * 60, "Synced 5 hours ago" },
    { 24 * 60 * 60, "Synced 1 day ago" },
    { 3 * 24 * 60 * 60, "Synced 3 days ago" },
    { -10, "Synced just now" },   /* a clock set back */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CompaniesStoreStatus status = { 0 };
      g_autofree char *text = NULL;

      status.last_sync_time = NOW - cases[i].ago;
      status.has_cursor = TRUE;
      text = format (&status, NULL, FALSE);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_errors (void)
{
  CompaniesStoreStatus status = { 0 };
  g_autoptr(GError) offline = g_error_new_literal (COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK, "refused");
  g_autoptr(GError) token = g_error_new_literal (COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_UNAUTHORIZED, "401");
  g_autoptr(GError) server = g_error_new_literal (COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_SERVER, "The server failed");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *text3 = NULL;
  g_autofree char *text4 = NULL;
  g_autofree char *text5 = NULL;
  g_autofree char *text6 = NULL;

  text1 = format (&status, offline, FALSE);
  g_assert_cmpstr (text1, ==, "Offline: will sync when the server can be reached");

  status.pending_updated = 3;
  text2 = format (&status, offline, FALSE);
  g_assert_cmpstr (text2, ==, "Offline: will sync when the server can be reached · 3 changes waiting to sync");

  text3 = format (&status, token, FALSE);
  g_assert_cmpstr (text3, ==, "Server refused the access token: check Preferences · 3 changes waiting to sync");

  text4 = format (&status, server, FALSE);
  g_assert_cmpstr (text4, ==, "Sync failed: The server failed · 3 changes waiting to sync");

  /* A cancelled sync is no failure to report. */
  text5 = format (&status, cancelled, FALSE);
  g_assert_cmpstr (text5, ==, "3 changes waiting to sync");

  /* While a sync runs, that is what matters. */
  text6 = format (&status, offline, TRUE);
  g_assert_cmpstr (text6, ==, "Syncing… · 3 changes waiting to sync");
}

static void
test_live (void)
{
  CompaniesStoreStatus status = { 0 };
  g_autoptr(GError) offline = g_error_new_literal (COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK, "refused");
  g_autofree char *up_to_date = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *syncing = NULL;
  g_autofree char *failed = NULL;

  /* A watch open: however long ago the last sync ran, the list is the
   * server's as of now. */
  status.has_cursor = TRUE;
  status.last_sync_time = NOW - 20 * 60;
  up_to_date = companies_status_text_format (&status, NULL, FALSE, TRUE, NOW);
  g_assert_cmpstr (up_to_date, ==, "Live: up to date");

  /* What waits, a sync running and a failure still say so. */
  status.pending_added = 2;
  waiting = companies_status_text_format (&status, NULL, FALSE, TRUE, NOW);
  g_assert_cmpstr (waiting, ==, "2 changes waiting to sync");
  syncing = companies_status_text_format (&status, NULL, TRUE, TRUE, NOW);
  g_assert_cmpstr (syncing, ==, "Syncing… · 2 changes waiting to sync");
  failed = companies_status_text_format (&status, offline, FALSE, TRUE, NOW);
  g_assert_cmpstr (failed, ==, "Offline: will sync when the server can be reached · 2 changes waiting to sync");
}

static void
test_rejected (void)
{
  CompaniesStoreStatus status = { 0 };
  g_autofree char *one = companies_status_text_rejected (1);
  g_autofree char *two = companies_status_text_rejected (2);
  g_autofree char *text = NULL;

  g_assert_cmpstr (one, ==, "1 company could not be synced");
  g_assert_cmpstr (two, ==, "2 companies could not be synced");

  /* Refused records wait for an edit: they are not "waiting to sync". */
  status.pending_added = 2;
  status.pending_updated = 1;
  status.rejected = 2;
  status.last_sync_time = NOW;
  g_assert_cmpuint (companies_status_count_waiting (&status), ==, 1);
  text = format (&status, NULL, FALSE);
  g_assert_cmpstr (text, ==, "1 change waiting to sync");
}

static void
test_never_synced (void)
{
  CompaniesStoreStatus status = { 0 };
  g_autofree char *text = format (&status, NULL, FALSE);

  g_assert_cmpstr (text, ==, "Not synced yet");
}

static void
test_fold (void)
{
  struct {
    const char *text;
    const char *folded;
  } cases[] = {
    { "São Paulo", "sao paulo" },
    { "SAO PAULO", "sao paulo" },
    { "Örnsköldsvik", "ornskoldsvik" },
    { "Société Générale", "societe generale" },
    { "Straße", "strasse" },
    { "Łódź", "lodz" },
    { "Ørsted", "orsted" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = companies_fold (cases[i].text);

      g_assert_cmpstr (folded, ==, cases[i].folded);
    }
}

static void
test_backoff (void)
{
  guint previous = 0;

  for (guint failures = 1; failures < 20; failures++)
    {
      guint seconds = companies_sync_scheduler_backoff_seconds (failures);

      g_assert_cmpuint (seconds, >=, previous);
      g_assert_cmpuint (seconds, <=, 10 * 60);
      previous = seconds;
    }

  g_assert_cmpuint (companies_sync_scheduler_backoff_seconds (1), <, companies_sync_scheduler_backoff_seconds (3));
  g_assert_cmpuint (companies_sync_scheduler_backoff_seconds (19), ==, 10 * 60);
}

static void
test_reconnect (void)
{
  guint longest = 0;

  /* Jittered between half and all of a step that doubles from 250 ms
   * and stops at 1.5 s: back within seconds of the server. */
  for (guint round = 0; round < 200; round++)
    {
      guint first = companies_sync_scheduler_reconnect_ms (1);
      guint later = companies_sync_scheduler_reconnect_ms (3);

      g_assert_cmpuint (first, >=, 125);
      g_assert_cmpuint (first, <=, 250);
      g_assert_cmpuint (later, >=, 500);
      g_assert_cmpuint (later, <=, 1000);

      for (guint failures = 4; failures < 40; failures++)
        {
          guint ms = companies_sync_scheduler_reconnect_ms (failures);

          g_assert_cmpuint (ms, >=, 750);
          g_assert_cmpuint (ms, <=, 1500);
          longest = MAX (longest, ms);
        }
    }

  /* Not always the same delay. */
  g_assert_cmpuint (longest, >, 750);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/status/waiting", test_waiting);
  g_test_add_func ("/status/synced", test_synced);
  g_test_add_func ("/status/errors", test_errors);
  g_test_add_func ("/status/rejected", test_rejected);
  g_test_add_func ("/status/live", test_live);
  g_test_add_func ("/status/never-synced", test_never_synced);
  g_test_add_func ("/search/fold", test_fold);
  g_test_add_func ("/scheduler/backoff", test_backoff);
  g_test_add_func ("/scheduler/reconnect", test_reconnect);

  return g_test_run ();
}
