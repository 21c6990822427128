/* test-ui-token.c: a server that wants an access token: the status line
 * says the token was refused, and setting it in Preferences makes the
 * next sync go through.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-token"

#include "config.h"

#include "companies-preferences-window.h"
#include "companies-ui-test-utils.h"

#define TOKEN "correct-horse-battery-staple"

static GtkWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */
  guint n_items = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (COMPANIES_IS_PREFERENCES_WINDOW (window))
        return window;
    }

  return NULL;
}

static void
test_token (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  CompaniesCompany *row;
  GtkWindow *preferences;
  GtkWidget *entry;

  companies_ui_fixture_init_with_token (&fixture, FALSE, TOKEN);
  companies_ui_fixture_start_app (&fixture);

  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Needs A Token");
  companies_ui_editor_save (&fixture, editor);
  row = companies_ui_get_row (&fixture, 0);

  /* No token: refused, and the status line says where to fix it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync", NULL));
  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (&fixture));
  g_assert_error ((GError *) companies_sync_scheduler_get_last_error (companies_application_get_scheduler (fixture.application)),
                  COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==,
                   "Server refused the access token: check Preferences · 1 change waiting to sync");
  g_assert_cmpint (companies_company_get_sync_state (row), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "token-1-refused");

  /* Preferences: the token, then apply: the connection is tested and a
   * sync sends the waiting change at once. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.application), "preferences", NULL);
  COMPANIES_UI_WAIT_FOR ((preferences = find_preferences ()) != NULL);
  entry = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (preferences), COMPANIES_TYPE_PREFERENCES_WINDOW, "token_row"));
  gtk_editable_set_text (GTK_EDITABLE (entry), TOKEN);
  g_signal_emit_by_name (entry, "apply");
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  g_assert_cmpint (companies_connection_get_state (companies_application_get_connection (fixture.application)), ==,
                   COMPANIES_CONNECTION_OK);
  gtk_window_close (preferences);
  COMPANIES_UI_WAIT_FOR (find_preferences () == NULL);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "Synced just now");

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/token/refused-then-set", test_token);

  return g_test_run ();
}
