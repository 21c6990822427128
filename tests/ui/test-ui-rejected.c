/* test-ui-rejected.c: a record the server refuses is shown with the
 * server's reason, in the list, the status line and the editor, and goes
 * through once corrected.
 *
 * The refused record is made by writing an over-long value straight into
 * the local SQLite file before the app opens it: a fault injection that
 * stands for a record written by an older client with laxer rules.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-rejected"

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "companies-sync-state-icon.h"
#include "companies-ui-test-utils.h"

static void
write_behind_the_store (const char *database,
                        const char *uuid,
                        const char *city)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE companies SET city = ?1 WHERE uuid = ?2", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, city, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static void
test_rejected (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  CompaniesCompany *row;
  GtkWidget *rejected_button, *rejected_list, *list_row;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *overlong = g_strnfill (150, 'x');
  g_autofree char *uuid = NULL;
  g_autofree char *description = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL };
  const char *message;

  companies_ui_fixture_init (&fixture, FALSE);

  values[COMPANIES_FIELD_NAME] = "Laxer Rules Ltd";
  values[COMPANIES_FIELD_CITY] = "Porto";
  store = companies_local_store_open (fixture.local_database, &error);
  g_assert_no_error (error);
  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);
  uuid = g_strdup (companies_company_get_uuid (company));
  g_clear_object (&store);

  write_behind_the_store (fixture.local_database, uuid, overlong);

  companies_ui_fixture_start_app (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 1);
  row = companies_ui_get_row (&fixture, 0);
  g_assert_cmpstr (companies_company_get_field (row, COMPANIES_FIELD_CITY), ==, overlong);

  /* The server refuses it; the rest of the sync goes on. */
  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_REJECTED);
  g_assert_cmpstr (companies_company_get_rejection_code (row), ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (companies_company_get_rejection_field (row), ==, "city");
  message = companies_company_get_rejection_message (row);
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");

  /* The row's icon carries the reason as its tooltip. */
  description = companies_sync_state_describe (row);
  g_assert_nonnull (strstr (description, message));
  g_assert_cmpstr (companies_sync_state_get_icon_name (COMPANIES_SYNC_STATE_REJECTED), ==, "dialog-warning-symbolic");

  rejected_button = companies_ui_get_child (&fixture, "rejected_button");
  COMPANIES_UI_WAIT_FOR (gtk_widget_get_visible (rejected_button));
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (rejected_button)), ==, "1 company could not be synced");
  /* Nothing else waits: the refused record waits for an edit. */
  g_assert_cmpstr (companies_ui_get_status_text (&fixture), ==, "Synced just now");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "rejected-1-list");

  /* A click shows them; opening one shows the reason in the editor. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (rejected_button));
  rejected_list = companies_ui_get_child (&fixture, "rejected_list");
  COMPANIES_UI_WAIT_FOR (gtk_widget_get_first_child (rejected_list) != NULL);
  list_row = gtk_widget_get_first_child (rejected_list);
  g_assert_null (gtk_widget_get_next_sibling (list_row));
  g_assert_true (gtk_widget_activate (list_row));

  editor = COMPANIES_EDITOR_WINDOW (companies_window_get_editor (fixture.window));
  g_assert_nonnull (editor);
  COMPANIES_UI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  g_assert_cmpstr (companies_editor_window_get_uuid (editor), ==, uuid);
  g_assert_nonnull (companies_editor_window_get_banner_text (editor));
  g_assert_nonnull (strstr (companies_editor_window_get_banner_text (editor), message));
  /* The field the server named shows its message; Save waits for a fix. */
  g_assert_nonnull (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_CITY));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (editor),
                                                                                      COMPANIES_TYPE_EDITOR_WINDOW,
                                                                                      "save_button"))));
  companies_ui_save_screenshot (GTK_WIDGET (editor), "rejected-2-editor");

  companies_ui_editor_set (editor, COMPANIES_FIELD_CITY, "Porto");
  g_assert_null (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_CITY));
  companies_ui_editor_save (&fixture, editor);

  /* An edit clears the refusal; the next sync takes it. */
  g_assert_true (companies_ui_get_row (&fixture, 0) == row);
  g_assert_cmpint (companies_company_get_sync_state (row), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
  g_assert_false (gtk_widget_get_visible (rejected_button));

  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  server = companies_ui_fetch_server (&fixture);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_cmpstr (companies_company_get_uuid (g_ptr_array_index (server, 0)), ==, uuid);
  g_assert_cmpstr (companies_company_get_field (g_ptr_array_index (server, 0), COMPANIES_FIELD_CITY), ==, "Porto");

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/rejected/reason-and-fix", test_rejected);

  return g_test_run ();
}
