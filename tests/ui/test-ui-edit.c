/* test-ui-edit.c: add, sync, edit, delete and undo through the window,
 * with the server checked after each sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-edit"

#include "config.h"

#include "companies-notification.h"
#include "companies-ui-test-utils.h"

static void
test_add_sync_edit_delete (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  CompaniesCompany *row, *held;
  GtkSingleSelection *selection;
  CompaniesNotification *notification;
  g_autoptr(GPtrArray) server = NULL;
  g_autofree char *uuid = NULL;
  gint64 id;

  companies_ui_fixture_init (&fixture, FALSE);
  companies_ui_fixture_start_app (&fixture);
  selection = companies_window_get_selection (fixture.window);
  notification = COMPANIES_NOTIFICATION (companies_ui_get_child (&fixture, "notification"));

  g_assert_cmpstr (companies_ui_get_visible_page (&fixture), ==, "empty");

  /* Add through the editor: the row shows, pending. */
  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Acme");
  companies_ui_editor_set (editor, COMPANIES_FIELD_CITY, "Porto");
  companies_ui_editor_set (editor, COMPANIES_FIELD_COUNTRY, "Portugal");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, "+351 22 000 0000");
  companies_ui_editor_set (editor, COMPANIES_FIELD_EMAIL, "info@acme.example");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NOTES, "Met at the trade fair.\nCall back in May.");
  companies_ui_save_screenshot (GTK_WIDGET (editor), "edit-1-new-company");
  companies_ui_editor_save (&fixture, editor);

  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 1);
  g_assert_cmpstr (companies_ui_get_visible_page (&fixture), ==, "list");
  row = companies_ui_get_row (&fixture, 0);
  g_assert_cmpstr (companies_company_get_name (row), ==, "Acme");
  g_assert_cmpstr (companies_company_get_field (row, COMPANIES_FIELD_NOTES), ==, "Met at the trade fair.\nCall back in May.");
  g_assert_cmpint (companies_company_get_sync_state (row), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
  g_assert_cmpint (companies_company_get_id (row), ==, 0);
  g_assert_true (gtk_single_selection_get_selected_item (selection) == row);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "1 change waiting to sync");
  uuid = g_strdup (companies_company_get_uuid (row));
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "edit-2-added-pending");

  /* Sync: clean, with a server id, and the server holds it. The row is
   * still the same object (refreshed in place), still selected. While it
   * runs, the Sync button is a spinner. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (companies_ui_get_child (&fixture, "sync_button_stack"))), ==, "syncing");
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (companies_ui_get_child (&fixture, "sync_spinner"))));
  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (&fixture));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (companies_ui_get_child (&fixture, "sync_button_stack"))), ==, "idle");
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  g_assert_true (companies_ui_get_row (&fixture, 0) == row);
  g_assert_true (gtk_single_selection_get_selected_item (selection) == row);
  id = companies_company_get_id (row);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "Synced just now");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "edit-3-synced");

  server = companies_ui_fetch_server (&fixture);
  g_assert_cmpuint (server->len, ==, 1);
  held = companies_ui_find_by_uuid (server, uuid);
  g_assert_nonnull (held);
  g_assert_cmpint (companies_company_get_id (held), ==, id);
  g_assert_cmpstr (companies_company_get_name (held), ==, "Acme");
  g_assert_cmpstr (companies_company_get_field (held, COMPANIES_FIELD_CITY), ==, "Porto");
  g_clear_pointer (&server, g_ptr_array_unref);

  /* Enter or a double click on a row (the column view's "activate")
   * opens it; Escape closes without a change. */
  g_signal_emit_by_name (companies_ui_get_child (&fixture, "column_view"), "activate", 0);
  editor = COMPANIES_EDITOR_WINDOW (companies_window_get_editor (fixture.window));
  g_assert_nonnull (editor);
  g_assert_cmpstr (companies_editor_window_get_uuid (editor), ==, uuid);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "window.close", NULL));
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture.window) == NULL);
  g_assert_cmpint (companies_company_get_sync_state (row), ==, COMPANIES_SYNC_STATE_SYNCED);

  /* Edit the selected row: pending change, then synced. */
  editor = companies_ui_open_editor (&fixture, "win.edit");
  g_assert_cmpstr (companies_editor_window_get_uuid (editor), ==, uuid);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (companies_editor_window_get_field_widget (editor, COMPANIES_FIELD_CITY))), ==, "Porto");
  companies_ui_editor_set (editor, COMPANIES_FIELD_CITY, "Lisboa");
  companies_ui_editor_save (&fixture, editor);

  g_assert_true (companies_ui_get_row (&fixture, 0) == row);
  g_assert_cmpstr (companies_company_get_field (row, COMPANIES_FIELD_CITY), ==, "Lisboa");
  g_assert_cmpint (companies_company_get_sync_state (row), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "1 change waiting to sync");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "edit-4-changed-pending");

  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  server = companies_ui_fetch_server (&fixture);
  held = companies_ui_find_by_uuid (server, uuid);
  g_assert_nonnull (held);
  g_assert_cmpint (companies_company_get_id (held), ==, id);
  g_assert_cmpstr (companies_company_get_field (held, COMPANIES_FIELD_CITY), ==, "Lisboa");
  g_assert_cmpstr (companies_company_get_field (held, COMPANIES_FIELD_PHONE), ==, "+351 22 000 0000");
  g_clear_pointer (&server, g_ptr_array_unref);

  /* Delete (the Delete key's action): gone, with an Undo notice. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.delete", NULL));
  g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, 0);
  g_assert_cmpstr (companies_notification_get_title (notification), ==, "“Acme” deleted");
  g_assert_nonnull (companies_notification_get_deleted (notification));
  g_assert_cmpstr (companies_ui_get_visible_page (&fixture), ==, "empty");
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "1 change waiting to sync");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "edit-5-deleted-undo");

  /* Undo: back, and a sync leaves it on the server. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.undo-delete", NULL));
  g_assert_null (companies_notification_get_title (notification));
  g_assert_null (companies_notification_get_deleted (notification));
  g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, 1);
  row = companies_ui_get_row (&fixture, 0);
  g_assert_cmpstr (companies_company_get_name (row), ==, "Acme");
  g_assert_cmpstr (companies_company_get_field (row, COMPANIES_FIELD_CITY), ==, "Lisboa");
  g_assert_true (companies_company_get_is_active (row));

  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (companies_ui_get_row (&fixture, 0)) == COMPANIES_SYNC_STATE_SYNCED);
  server = companies_ui_fetch_server (&fixture);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (server, 0)), ==, "Acme");
  g_clear_pointer (&server, g_ptr_array_unref);

  /* Delete for good: the server loses it too. */
  companies_ui_select_row (&fixture, "Acme");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.delete", NULL));
  g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, 0);
  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (g_str_equal (companies_ui_get_status_text (&fixture), "Synced just now"));
  server = companies_ui_fetch_server (&fixture);
  g_assert_cmpuint (server->len, ==, 0);
  g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, 0);

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/edit/add-sync-edit-delete", test_add_sync_edit_delete);

  return g_test_run ();
}
