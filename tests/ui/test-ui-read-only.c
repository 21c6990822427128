/* test-ui-read-only.c: read-only mode (docs/history.md) in the real
 * window: with a read-only token the pull works but the push is refused;
 * the status line says read-only, New is off and nothing reached the
 * server. Screenshot: read-only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-read-only"

#include "config.h"

#include <string.h>

#include "companies-token-keyring.h"
#include "companies-ui-test-utils.h"

#define TOKEN "read-only-ui-token-0123456789"

/* A read-only token: the pull works, the push is refused; the status line
 * says read-only and new, edit, delete are off. */
static void
test_read_only_mode (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, TOKEN, -1);
  g_autofree char *line = g_strdup_printf ("sha256:%s read-only # Reports\n", digest);
  g_autofree char *tokens = NULL;
  const char *args[] = { "--tokens", NULL, NULL };
  CompaniesSyncScheduler *scheduler;

  companies_ui_fixture_init_with_token (&fixture, FALSE, TOKEN);
  companies_test_server_stop (fixture.server);
  g_clear_pointer (&fixture.server, companies_test_server_free);
  tokens = g_build_filename (fixture.tmpdir, "tokens", NULL);
  g_file_set_contents_full (tokens, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
  args[1] = tokens;
  fixture.server = companies_test_server_start (fixture.server_database, args, &error);
  g_assert_no_error (error);
  g_settings_set_string (settings, "server-url", companies_test_server_get_url (fixture.server));
  {
    g_autoptr(GError) keyring_error = NULL;

    companies_token_keyring_store (companies_test_server_get_url (fixture.server), TOKEN, NULL,
                                   &keyring_error);
    g_assert_no_error (keyring_error);
  }
  companies_ui_fixture_start_app (&fixture);

  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Never Sent Lda");
  companies_ui_editor_save (&fixture, editor);

  scheduler = companies_application_get_scheduler (fixture.application);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync", NULL));
  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (&fixture));
  g_assert_error ((GError *) companies_sync_scheduler_get_last_error (scheduler),
                  COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_READ_ONLY);
  COMPANIES_UI_WAIT_FOR (strstr (companies_ui_get_status_text (&fixture), "Read-only") != NULL);
  g_assert_false (gtk_widget_get_sensitive (companies_ui_get_child (&fixture, "new_button")));
  g_assert_cmpuint (companies_ui_fetch_server (&fixture)->len, ==, 0);

  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "read-only");

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/read-only/mode", test_read_only_mode);

  return g_test_run ();
}
