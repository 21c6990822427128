/* test-ui-live.c: the app watches the server's change feed: another
 * person's change (made with companies-cli) appears in the open window
 * without any action; after the server stops and starts again on the same
 * port, or the network comes back, the app is online and synced by
 * itself; on a metered network no watch is open unless Preferences allow
 * it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-live"

#include "config.h"

#include "companies-preferences-window.h"
#include "companies-test-network-monitor.h"
#include "companies-ui-test-utils.h"

static CompaniesSyncScheduler *
get_scheduler (CompaniesUiFixture *fixture)
{
  return companies_application_get_scheduler (fixture->application);
}

static gboolean
is_live (CompaniesUiFixture *fixture)
{
  CompaniesSyncScheduler *scheduler = get_scheduler (fixture);

  return companies_sync_scheduler_get_watching (scheduler) &&
         !companies_sync_scheduler_get_is_syncing (scheduler) &&
         companies_sync_scheduler_get_failures (scheduler) == 0 &&
         companies_sync_scheduler_get_last_error (scheduler) == NULL;
}

/* Automatic sync on (a watch needs it), on a network as the test says. */
static void
start_live_app (CompaniesUiFixture *fixture,
                gboolean            metered,
                gboolean            live_on_metered)
{
  g_autoptr(GSettings) settings = NULL;

  companies_test_network_monitor_set_available (TRUE);
  companies_test_network_monitor_set_metered (metered);
  companies_ui_fixture_init (fixture, TRUE);
  /* The memory backend outlives a test: each says what it wants. */
  settings = g_settings_new (APP_ID);
  g_settings_set_boolean (settings, "live-on-metered", live_on_metered);
  companies_ui_fixture_start_app (fixture);
}

static void
server_restart_same_port (CompaniesUiFixture *fixture)
{
  guint16 port = companies_test_server_get_port (fixture->server);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  const char *args[] = { "--port", port_text, NULL };
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&fixture->server, companies_test_server_free);
  fixture->server = companies_test_server_start (fixture->server_database, args, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (companies_test_server_get_port (fixture->server), ==, port);
}

/* Another person adds a company: it appears, nobody asked to sync. */
static void
check_cli_change (CompaniesUiFixture *fixture)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  /* The first sync, then the watch opens; the status says so. */
  COMPANIES_UI_WAIT_FOR (is_live (fixture));
  g_assert_cmpstr (companies_ui_get_status_text (fixture), ==, "Live: up to date");
  g_assert_cmpuint (companies_ui_count_rows (fixture), ==, 0);

  first = companies_ui_cli_add (fixture, "Live Arrival");
  COMPANIES_UI_WAIT_FOR (companies_ui_find_row (fixture, "Live Arrival") != NULL);
  g_assert_cmpstr (companies_company_get_uuid (companies_ui_find_row (fixture, "Live Arrival")), ==, first);
  COMPANIES_UI_WAIT_FOR (is_live (fixture));
  g_assert_cmpstr (companies_ui_get_status_text (fixture), ==, "Live: up to date");
  companies_ui_save_screenshot (GTK_WIDGET (fixture->window), "live-1-cli-change");

  /* Two more, one right after the other: both arrive, none is lost
   * between a sync and the watch that follows it. */
  second = companies_ui_cli_add (fixture, "Live Second");
  third = companies_ui_cli_add (fixture, "Live Third");
  COMPANIES_UI_WAIT_FOR (companies_ui_find_row (fixture, "Live Second") != NULL &&
                         companies_ui_find_row (fixture, "Live Third") != NULL);
  g_assert_cmpuint (companies_ui_count_rows (fixture), ==, 3);
  COMPANIES_UI_WAIT_FOR (is_live (fixture));
}

/* The server stops and starts again on the same port. */
static void
check_server_restart (CompaniesUiFixture *fixture)
{
  CompaniesSyncScheduler *scheduler = get_scheduler (fixture);
  g_autofree char *uuid = NULL;

  /* The watch fails and the app says it is offline. It keeps
   * reconnecting within seconds: three failed tries come long before the
   * growing back-off (10 s, then 20 s) would allow three. */
  companies_test_server_stop (fixture->server);
  COMPANIES_UI_WAIT_FOR (!companies_sync_scheduler_get_watching (scheduler));
  COMPANIES_UI_WAIT_FOR (companies_sync_scheduler_get_failures (scheduler) >= 3 &&
                         !companies_sync_scheduler_get_is_syncing (scheduler));
  g_assert_error ((GError *) companies_sync_scheduler_get_last_error (scheduler),
                  COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK);
  g_assert_cmpstr (companies_ui_get_status_text (fixture), ==,
                   "Offline: will sync when the server can be reached");
  companies_ui_save_screenshot (GTK_WIDGET (fixture->window), "live-2-server-gone");

  /* Back, and another person adds a company at once: the app reconnects
   * by itself, syncs it and watches again. */
  server_restart_same_port (fixture);
  uuid = companies_ui_cli_add (fixture, "After Restart");
  COMPANIES_UI_WAIT_FOR (companies_ui_find_row (fixture, "After Restart") != NULL);
  COMPANIES_UI_WAIT_FOR (is_live (fixture));
  g_assert_cmpstr (companies_company_get_uuid (companies_ui_find_row (fixture, "After Restart")), ==, uuid);
  g_assert_cmpstr (companies_ui_get_status_text (fixture), ==, "Live: up to date");
  companies_ui_save_screenshot (GTK_WIDGET (fixture->window), "live-3-server-back");
}

/* The server goes, then the network; both come back. */
static void
check_network_back (CompaniesUiFixture *fixture)
{
  CompaniesSyncScheduler *scheduler = get_scheduler (fixture);
  guint failures;

  /* Without a network, the retries fall back to the growing back-off:
   * 40 s or more after three failures, longer than any wait here. */
  companies_test_server_stop (fixture->server);
  COMPANIES_UI_WAIT_FOR (companies_sync_scheduler_get_failures (scheduler) >= 3 &&
                         !companies_sync_scheduler_get_is_syncing (scheduler));
  companies_test_network_monitor_set_available (FALSE);
  failures = companies_sync_scheduler_get_failures (scheduler);
  g_assert_false (companies_sync_scheduler_get_is_syncing (scheduler));

  /* The network's return alone brings the app back, at once. */
  server_restart_same_port (fixture);
  companies_test_network_monitor_set_available (TRUE);
  g_assert_true (companies_sync_scheduler_get_is_syncing (scheduler));
  g_assert_cmpuint (companies_sync_scheduler_get_failures (scheduler), ==, failures);
  COMPANIES_UI_WAIT_FOR (is_live (fixture));
}

/* A metered network: no watch unless Preferences allow it. */
static void
check_metered (CompaniesUiFixture *fixture)
{
  CompaniesSyncScheduler *scheduler = get_scheduler (fixture);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *preferences;
  GtkWidget *live_switch;

  /* The watch closes as the network turns metered, and a sync that ends
   * there opens none. */
  companies_test_network_monitor_set_metered (TRUE);
  g_assert_false (companies_sync_scheduler_get_watching (scheduler));
  companies_ui_sync (fixture);
  g_assert_false (companies_sync_scheduler_get_watching (scheduler));
  g_assert_cmpstr (companies_ui_get_status_text (fixture), ==, "Synced just now");

  /* Preferences allow it: the watch opens. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->application), "preferences", NULL);
  COMPANIES_UI_WAIT_FOR ((preferences = companies_ui_find_window (COMPANIES_TYPE_PREFERENCES_WINDOW)) != NULL);
  live_switch = companies_ui_get_preferences_child (preferences, "live_on_metered_switch");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (live_switch)));
  g_assert_true (gtk_widget_activate (live_switch));
  g_assert_true (g_settings_get_boolean (settings, "live-on-metered"));
  COMPANIES_UI_WAIT_FOR (companies_sync_scheduler_get_watching (scheduler));
  companies_ui_save_screenshot (GTK_WIDGET (preferences), "live-4-metered-preferences");

  /* And forbid it again: the watch closes at once. */
  g_assert_true (gtk_widget_activate (live_switch));
  g_assert_false (g_settings_get_boolean (settings, "live-on-metered"));
  g_assert_false (companies_sync_scheduler_get_watching (scheduler));
  gtk_window_destroy (preferences);

  /* Off the metered network, the watch opens. */
  companies_test_network_monitor_set_metered (FALSE);
  COMPANIES_UI_WAIT_FOR (is_live (fixture));
  g_assert_cmpstr (companies_ui_get_status_text (fixture), ==, "Live: up to date");
}

/* One app through it all (one application a test process). */
static void
test_live (void)
{
  CompaniesUiFixture fixture;

  start_live_app (&fixture, FALSE, FALSE);

  check_cli_change (&fixture);
  check_server_restart (&fixture);
  check_network_back (&fixture);
  check_metered (&fixture);

  g_assert_null (companies_sync_scheduler_get_last_error (get_scheduler (&fixture)));
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything asks for the default monitor. */
  companies_test_network_monitor_install ();
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/live/change-restart-network-metered", test_live);

  return g_test_run ();
}
