/* test-ui-preferences.c: Preferences (server address, access token in the
 * keyring of the test's own session, automatic sync), the keyboard
 * shortcuts window and About.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-preferences"

#include "config.h"

#include "companies-preferences-window.h"
#include "companies-token-keyring.h"
#include "companies-ui-test-utils.h"

static void
test_preferences (void)
{
  CompaniesUiFixture fixture;
  GtkWindow *preferences, *shortcuts, *about;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *legacy_path = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesConnection *connection;
  GtkWidget *row;

  companies_ui_fixture_init (&fixture, FALSE);
  fixture.url_from_settings = TRUE;
  companies_ui_fixture_start_app (&fixture);
  settings = g_settings_new (APP_ID);

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture.application), "preferences"));
  g_action_group_activate_action (G_ACTION_GROUP (fixture.application), "preferences", NULL);
  COMPANIES_UI_WAIT_FOR ((preferences = companies_ui_find_window (COMPANIES_TYPE_PREFERENCES_WINDOW)) != NULL);
  COMPANIES_UI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (preferences)));
  g_assert_true (gtk_window_get_transient_for (preferences) == GTK_WINDOW (fixture.window));

  /* The address shown is the one in use; a wrong one is refused, and
   * only an applied one is kept. */
  connection = companies_application_get_connection (fixture.application);
  row = companies_ui_get_preferences_child (preferences, "server_url_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==,
                   companies_test_server_get_url (fixture.server));
  gtk_editable_set_text (GTK_EDITABLE (row), "not a url");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_signal_emit_by_name (row, "apply");
  kept = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (kept, ==, companies_test_server_get_url (fixture.server));
  /* Nothing synced yet: no server to leave, so no question. */
  gtk_editable_set_text (GTK_EDITABLE (row), "http://127.0.0.1:9/");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_signal_emit_by_name (row, "apply");
  changed = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (changed, ==, "http://127.0.0.1:9");
  g_assert_cmpstr (companies_connection_get_server_url (connection), ==, "http://127.0.0.1:9");
  COMPANIES_UI_WAIT_FOR (companies_connection_get_state (connection) == COMPANIES_CONNECTION_UNREACHABLE);

  /* Automatic sync follows the switch. */
  gtk_switch_set_active (GTK_SWITCH (companies_ui_get_preferences_child (preferences, "auto_sync_switch")), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "auto-sync"));
  gtk_switch_set_active (GTK_SWITCH (companies_ui_get_preferences_child (preferences, "auto_sync_switch")), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "auto-sync"));
  g_assert_false (companies_sync_scheduler_get_auto_sync (companies_application_get_scheduler (fixture.application)));

  /* The token: in the keyring (of this test's own session), for this
   * server; no file. */
  gtk_editable_set_text (GTK_EDITABLE (companies_ui_get_preferences_child (preferences, "token_row")), "s3cret-token");
  g_signal_emit_by_name (companies_ui_get_preferences_child (preferences, "token_row"), "apply");
  COMPANIES_UI_WAIT_FOR (companies_connection_get_state (connection) == COMPANIES_CONNECTION_UNREACHABLE);
  stored = companies_token_keyring_lookup ("http://127.0.0.1:9", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, "s3cret-token");
  g_assert_false (companies_connection_get_token_in_file (connection));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (companies_ui_get_preferences_child (preferences, "server_group"))),
                   ==, "The token is kept in your keyring.");
  legacy_path = g_build_filename (g_get_user_config_dir (), "companies", NULL);
  g_assert_false (g_file_test (legacy_path, G_FILE_TEST_EXISTS));
  {
    g_autofree char *token = companies_connection_dup_token (connection);

    g_assert_cmpstr (token, ==, "s3cret-token");
  }
  companies_ui_save_screenshot (GTK_WIDGET (preferences), "preferences-1-window");
  gtk_window_close (preferences);
  COMPANIES_UI_WAIT_FOR (companies_ui_find_window (COMPANIES_TYPE_PREFERENCES_WINDOW) == NULL);

  /* The keyboard accelerators of issue 3. */
  {
    static const struct {
      const char *action;
      const char *accel;
    } accels[] = {
      { "win.new", "<Control>n" },
      { "win.sync", "<Control>r" },
      { "win.search", "<Control>f" },
      { "app.preferences", "<Control>comma" },
      { "app.quit", "<Control>q" },
      { "win.show-help-overlay", "<Control>question" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
      {
        g_auto(GStrv) set = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture.application),
                                                                   accels[i].action);

        g_assert_nonnull (set);
        g_assert_cmpstr (set[0], ==, accels[i].accel);
      }
  }

  /* Keyboard shortcuts (Ctrl+?) and About. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.show-help-overlay", NULL));
  COMPANIES_UI_WAIT_FOR ((shortcuts = companies_ui_find_window (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL);
  companies_ui_save_screenshot (GTK_WIDGET (shortcuts), "preferences-2-shortcuts");
  gtk_window_close (shortcuts);

  g_action_group_activate_action (G_ACTION_GROUP (fixture.application), "about", NULL);
  COMPANIES_UI_WAIT_FOR ((about = companies_ui_find_window (ADW_TYPE_ABOUT_WINDOW)) != NULL);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APP_ID);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  companies_ui_save_screenshot (GTK_WIDGET (about), "preferences-3-about");
  gtk_window_destroy (about);

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/preferences/settings-token-shortcuts-about", test_preferences);

  return g_test_run ();
}
