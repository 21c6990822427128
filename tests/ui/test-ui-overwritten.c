/* test-ui-overwritten.c: our push replaced a newer value from elsewhere:
 * the window says which field of which company, and Restore brings the
 * other value back as an ordinary local edit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-overwritten"

#include "config.h"

#include <string.h>

#include "companies-ui-test-utils.h"

static void
test_overwritten (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  CompaniesCompany *row;
  GtkInfoBar *bar;
  const char *text;
  g_autofree char *other_path = NULL;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(CompaniesSyncClient) other_client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(CompaniesCompany) changed = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autoptr(GError) error = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL };

  companies_ui_fixture_init (&fixture, FALSE);
  companies_ui_fixture_start_app (&fixture);
  bar = GTK_INFO_BAR (companies_ui_get_child (&fixture, "notice_info_bar"));

  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Acme");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, "+351 22 111 1111");
  companies_ui_editor_save (&fixture, editor);
  row = companies_ui_get_row (&fixture, 0);
  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);

  /* Someone else changes the phone and syncs first. */
  other_path = g_build_filename (fixture.tmpdir, "other.db", NULL);
  other = companies_local_store_open (other_path, &error);
  g_assert_no_error (error);
  other_client = companies_sync_client_new (other_path, companies_test_server_get_url (fixture.server), NULL);
  result = companies_sync_client_sync (other_client, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, companies_sync_result_free);
  values[COMPANIES_FIELD_PHONE] = "+351 22 222 2222";
  changed = companies_local_store_update_for_sync (other, companies_company_get_uuid (row),
                                                   COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                   values, &error);
  g_assert_no_error (error);
  result = companies_sync_client_sync (other_client, NULL, &error);
  g_assert_no_error (error);

  /* We change it too, without having seen theirs: last write wins, and
   * the window says what was replaced. */
  companies_ui_select_row (&fixture, "Acme");
  editor = companies_ui_open_editor (&fixture, "win.edit");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, "+351 22 333 3333");
  companies_ui_editor_save (&fixture, editor);
  g_assert_false (gtk_info_bar_get_revealed (bar));
  companies_ui_sync (&fixture);

  COMPANIES_UI_WAIT_FOR (gtk_info_bar_get_revealed (bar));
  text = gtk_label_get_text (GTK_LABEL (companies_ui_get_child (&fixture, "notice_label")));
  /* Which value is current, which was lost, who wrote each, and what
   * Restore does. */
  g_assert_nonnull (strstr (text, "Your change to the phone of “Acme” replaced a value you had not seen"));
  g_assert_nonnull (strstr (text, "Current: “+351 22 333 3333”, written by you"));
  g_assert_nonnull (strstr (text, "Lost: “+351 22 222 2222”, written by another device"));
  g_assert_nonnull (strstr (text, "Restore puts back “+351 22 222 2222” as the phone."));
  COMPANIES_UI_WAIT_FOR (g_str_equal (companies_company_get_field (row, COMPANIES_FIELD_PHONE), "+351 22 333 3333") &&
                         companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "overwritten-1-notice");

  /* Restore: an ordinary local edit, then synced. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.restore-notice", NULL));
  g_assert_false (gtk_info_bar_get_revealed (bar));
  g_assert_cmpstr (companies_company_get_field (row, COMPANIES_FIELD_PHONE), ==, "+351 22 222 2222");
  g_assert_cmpint (companies_company_get_sync_state (row), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);

  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  server = companies_ui_fetch_server (&fixture);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_cmpstr (companies_company_get_field (g_ptr_array_index (server, 0), COMPANIES_FIELD_PHONE), ==, "+351 22 222 2222");
  /* Restoring replaced nothing the window had not seen. */
  g_assert_false (gtk_info_bar_get_revealed (bar));

  g_clear_object (&other_client);
  g_clear_object (&other);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/overwritten/restore", test_overwritten);

  return g_test_run ();
}
