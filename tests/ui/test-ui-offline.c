/* test-ui-offline.c: the server stops → the status says offline with the
 * pending count; the server starts again → the sync succeeds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-offline"

#include "config.h"

#include "companies-ui-test-utils.h"

static void
state_changed_cb (CompaniesConnection *connection,
                  GParamSpec          *pspec,
                  gboolean            *saw_testing)
{
  if (companies_connection_get_state (connection) == COMPANIES_CONNECTION_TESTING)
    *saw_testing = TRUE;
}

static void
test_offline (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  CompaniesCompany *row;
  CompaniesSyncScheduler *scheduler;
  CompaniesConnection *connection;
  gboolean saw_testing = FALSE;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autoptr(GError) error = NULL;

  companies_ui_fixture_init (&fixture, FALSE);
  /* The address comes from the settings here, so that it can change. */
  fixture.url_from_settings = TRUE;
  companies_ui_fixture_start_app (&fixture);
  scheduler = companies_application_get_scheduler (fixture.application);
  connection = companies_application_get_connection (fixture.application);
  settings = g_settings_new (APP_ID);

  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Offline Works");
  companies_ui_editor_set (editor, COMPANIES_FIELD_CITY, "Nowhere");
  companies_ui_editor_save (&fixture, editor);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 1);
  row = companies_ui_get_row (&fixture, 0);

  /* The server goes away: the sync fails, the status says so and what
   * waits; nothing is lost. */
  companies_test_server_stop (fixture.server);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync", NULL));
  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (&fixture));
  g_assert_error ((GError *) companies_sync_scheduler_get_last_error (scheduler),
                  COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==,
                   "Offline: will sync when the server can be reached · 1 change waiting to sync");
  g_assert_cmpint (companies_company_get_sync_state (row), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
  g_assert_cmpuint (companies_sync_scheduler_get_failures (scheduler), ==, 1);
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "offline-1-offline");

  /* The server is back (on a new port: the Preferences' address). */
  g_clear_pointer (&fixture.server, companies_test_server_free);
  fixture.server = companies_test_server_start (fixture.server_database, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (connection, "notify::state", G_CALLBACK (state_changed_cb), &saw_testing);
  g_settings_set_string (settings, "server-url", companies_test_server_get_url (fixture.server));

  /* A new address is tested, then synced: the connection says OK only
   * after that sync, so no second sync can still be on its way. */
  COMPANIES_UI_WAIT_FOR (saw_testing && companies_connection_get_state (connection) == COMPANIES_CONNECTION_OK);
  g_signal_handlers_disconnect_by_func (connection, state_changed_cb, &saw_testing);
  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (&fixture));
  g_assert_no_error ((GError *) companies_sync_scheduler_get_last_error (scheduler));
  /* The list reads the store again after the sync, in the background. */
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "Synced just now");
  g_assert_cmpuint (companies_sync_scheduler_get_failures (scheduler), ==, 0);
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "offline-2-back-online");

  server = companies_ui_fetch_server (&fixture);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (server, 0)), ==, "Offline Works");
  g_assert_cmpint (companies_company_get_id (g_ptr_array_index (server, 0)), ==, companies_company_get_id (row));

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/offline/stop-and-start", test_offline);

  return g_test_run ();
}
