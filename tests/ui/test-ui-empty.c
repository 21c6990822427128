/* test-ui-empty.c: the empty state, its Add button, and a Cancel that
 * stores nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-empty"

#include "config.h"

#include "companies-ui-test-utils.h"

static void
test_empty_state (void)
{
  CompaniesUiFixture fixture;
  CompaniesLocalStore *store;
  GtkWidget *add_button;
  GtkWindow *editor;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  companies_ui_fixture_init (&fixture, FALSE);
  companies_ui_fixture_start_app (&fixture);

  g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, 0);
  g_assert_cmpstr (companies_ui_get_visible_page (&fixture), ==, "empty");
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "Not synced yet");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "empty-1-no-companies");

  /* The page's Add button opens the editor; Escape (window.close) cancels. */
  add_button = companies_ui_get_child (&fixture, "empty_add_button");
  g_assert_true (gtk_widget_get_mapped (add_button));
  g_assert_true (gtk_widget_activate (add_button));
  /* A button activated from the keyboard clicks after a short flash. */
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture.window) != NULL);
  editor = companies_window_get_editor (fixture.window);
  g_assert_true (COMPANIES_IS_EDITOR_WINDOW (editor));
  COMPANIES_UI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  g_assert_true (gtk_window_get_modal (editor));
  g_assert_true (gtk_window_get_transient_for (editor) == GTK_WINDOW (fixture.window));
  companies_ui_save_screenshot (GTK_WIDGET (editor), "empty-2-editor");

  companies_ui_editor_set (COMPANIES_EDITOR_WINDOW (editor), COMPANIES_FIELD_NAME, "Never saved");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "window.close", NULL));
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture.window) == NULL);

  store = companies_application_get_store (fixture.application);
  stored = companies_local_store_list (store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 0);
  g_assert_cmpstr (companies_ui_get_visible_page (&fixture), ==, "empty");

  /* Syncing an empty store against an empty server: still empty. */
  companies_ui_sync (&fixture);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "Synced just now");
  g_assert_cmpstr (companies_ui_get_visible_page (&fixture), ==, "empty");

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/empty/state", test_empty_state);

  return g_test_run ();
}
