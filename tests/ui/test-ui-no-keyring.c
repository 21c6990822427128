/* test-ui-no-keyring.c: where no Secret Service runs (this test's own
 * D-Bus session has none), Preferences says the token is stored in a
 * file, and the token goes to a file only the user may read, one line a
 * server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-no-keyring"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "companies-preferences-window.h"
#include "companies-ui-test-utils.h"

#define TOKEN "cmp_no-keyring-token"

static void
test_no_keyring (void)
{
  CompaniesUiFixture fixture;
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "companies", "server-tokens", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesConnection *connection;
  GtkWindow *preferences;
  GtkWidget *row;
  GStatBuf info;

  companies_ui_fixture_init_with_token (&fixture, FALSE, TOKEN);
  fixture.url_from_settings = TRUE;
  companies_ui_fixture_start_app (&fixture);
  connection = companies_application_get_connection (fixture.application);
  g_assert_true (companies_connection_get_token_in_file (connection));

  g_action_group_activate_action (G_ACTION_GROUP (fixture.application), "preferences", NULL);
  COMPANIES_UI_WAIT_FOR ((preferences = companies_ui_find_window (COMPANIES_TYPE_PREFERENCES_WINDOW)) != NULL);
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (companies_ui_get_preferences_child (preferences, "server_group"))),
                   ==, "The token is stored in a file: no keyring is running.");

  row = companies_ui_get_preferences_child (preferences, "token_row");
  gtk_editable_set_text (GTK_EDITABLE (row), TOKEN);
  g_signal_emit_by_name (row, "apply");
  COMPANIES_UI_WAIT_FOR (companies_connection_get_state (connection) != COMPANIES_CONNECTION_TESTING);
  g_assert_cmpint (companies_connection_get_state (connection), ==, COMPANIES_CONNECTION_OK);
  companies_ui_save_screenshot (GTK_WIDGET (preferences), "no-keyring-1-file");

  /* In the file, readable by the user alone. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  line = g_strdup_printf ("\n%s %s\n", companies_test_server_get_url (fixture.server), TOKEN);
  g_assert_nonnull (strstr (contents, line));
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  gtk_window_close (preferences);
  COMPANIES_UI_WAIT_FOR (companies_ui_find_window (COMPANIES_TYPE_PREFERENCES_WINDOW) == NULL);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  /* A session bus without a Secret Service, before anything uses one. */
  companies_ui_test_init_session (FALSE);
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/no-keyring/token-in-file", test_no_keyring);

  return g_test_run ();
}
