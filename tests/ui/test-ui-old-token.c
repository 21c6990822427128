/* test-ui-old-token.c: the token file of older versions: at start the
 * app moves it into the keyring (a real one, in this test's own D-Bus
 * session), for its server, removes the file, and syncs with the token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-old-token"

#include "config.h"

#include "companies-token-keyring.h"
#include "companies-ui-test-utils.h"

#define TOKEN "correct-horse-battery-staple"

static void
test_old_token_file (void)
{
  CompaniesUiFixture fixture;
  g_autofree char *folder = g_build_filename (g_get_user_config_dir (), "companies", NULL);
  g_autofree char *old = g_build_filename (folder, "token", NULL);
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesConnection *connection;

  companies_ui_fixture_init_with_token (&fixture, FALSE, TOKEN);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents_full (old, TOKEN "\n", -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);

  fixture.url_from_settings = TRUE;
  companies_ui_fixture_start_app (&fixture);
  connection = companies_application_get_connection (fixture.application);

  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  stored = companies_token_keyring_lookup (companies_test_server_get_url (fixture.server), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, TOKEN);
  g_assert_false (companies_connection_get_token_in_file (connection));

  companies_ui_sync (&fixture);
  g_assert_null (companies_sync_scheduler_get_last_error (companies_application_get_scheduler (fixture.application)));

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/token/old-file-moved-to-keyring", test_old_token_file);

  return g_test_run ();
}
