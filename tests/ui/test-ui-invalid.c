/* test-ui-invalid.c: invalid input in the editor is refused with a
 * message under the field, and nothing is stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-invalid"

#include "config.h"

#include "companies-ui-test-utils.h"

static guint
count_stored (CompaniesUiFixture *fixture)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = companies_local_store_list (companies_application_get_store (fixture->application), TRUE, &error);
  g_assert_no_error (error);

  return stored->len;
}

static void
test_invalid (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  GtkWidget *save_button;
  g_autofree char *long_name = g_strnfill (201, 'n');
  g_autofree char *long_phone = g_strnfill (51, '1');

  companies_ui_fixture_init (&fixture, FALSE);
  companies_ui_fixture_start_app (&fixture);

  editor = companies_ui_open_editor (&fixture, "win.new");
  save_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (editor),
                                                           COMPANIES_TYPE_EDITOR_WINDOW,
                                                           "save_button"));

  /* A new company starts without a name: Save waits, with no scolding yet. */
  g_assert_false (gtk_widget_is_sensitive (save_button));
  g_assert_null (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_NAME));

  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Valid Name");
  g_assert_true (gtk_widget_is_sensitive (save_button));

  /* A bad e-mail: a message under it, Save disabled, and Ctrl+Enter's
   * action does nothing. */
  companies_ui_editor_set (editor, COMPANIES_FIELD_EMAIL, "not-an-email");
  g_assert_nonnull (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_EMAIL));
  g_assert_false (gtk_widget_is_sensitive (save_button));
  g_assert_true (gtk_widget_has_css_class (companies_editor_window_get_field_widget (editor, COMPANIES_FIELD_EMAIL), "error"));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  companies_ui_iterate ();
  g_assert_true (companies_window_get_editor (fixture.window) == GTK_WINDOW (editor));
  g_assert_cmpuint (count_stored (&fixture), ==, 0);

  /* Two @, nothing before it: still refused. */
  companies_ui_editor_set (editor, COMPANIES_FIELD_EMAIL, "a@b@c");
  g_assert_nonnull (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_EMAIL));
  companies_ui_editor_set (editor, COMPANIES_FIELD_EMAIL, "@example.com");
  g_assert_nonnull (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_EMAIL));

  /* Too long, and a name of blanks only. */
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, long_phone);
  g_assert_nonnull (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_PHONE));
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, long_name);
  g_assert_nonnull (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_NAME));
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "   ");
  g_assert_nonnull (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_NAME));
  g_assert_false (gtk_widget_is_sensitive (save_button));
  companies_ui_save_screenshot (GTK_WIDGET (editor), "invalid-1-messages");

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  companies_ui_iterate ();
  g_assert_cmpuint (count_stored (&fixture), ==, 0);

  /* Corrected: saved, and the messages are gone. */
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "  Fixed Ltd  ");
  companies_ui_editor_set (editor, COMPANIES_FIELD_EMAIL, "hello@fixed.example");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, "+1 555 0100");
  g_assert_null (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_NAME));
  g_assert_null (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_EMAIL));
  g_assert_null (companies_editor_window_get_field_message (editor, COMPANIES_FIELD_PHONE));
  companies_ui_editor_save (&fixture, editor);

  g_assert_cmpuint (count_stored (&fixture), ==, 1);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 1);
  /* The store keeps the name trimmed. */
  g_assert_cmpstr (companies_company_get_name (companies_ui_get_row (&fixture, 0)), ==, "Fixed Ltd");

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/invalid/refused", test_invalid);

  return g_test_run ();
}
