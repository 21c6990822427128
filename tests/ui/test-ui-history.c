/* test-ui-history.c: the History window and read-only mode
 * (docs/history.md), in the real window against a real server: the
 * editor's History button lists each value with who and when, Restore
 * makes an earlier value current and the next sync pushes it; offline the
 * window says history needs a connection. Screenshots: history,
 * history-offline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-history"

#include "config.h"

#include <string.h>

#include "companies-history-row.h"
#include "companies-history-window.h"
#include "companies-token-keyring.h"
#include "companies-ui-test-utils.h"

#define TOKEN "history-ui-token-0123456789"

/* The app's token for the fixture's server, as Preferences keeps it. */
static void
store_token (CompaniesUiFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  companies_token_keyring_store (companies_test_server_get_url (fixture->server), TOKEN, NULL, &error);
  g_assert_no_error (error);
}

/* Edits the phone of the selected company through the editor, then syncs. */
static void
edit_phone (CompaniesUiFixture *fixture,
            const char         *phone)
{
  CompaniesEditorWindow *editor;

  companies_ui_select_row (fixture, "Café Olé");
  editor = companies_ui_open_editor (fixture, "win.edit");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, phone);
  companies_ui_editor_save (fixture, editor);
  companies_ui_sync (fixture);
}

static CompaniesHistoryWindow *
open_history (CompaniesUiFixture *fixture)
{
  CompaniesEditorWindow *editor;
  CompaniesHistoryWindow *history;

  companies_ui_select_row (fixture, "Café Olé");
  editor = companies_ui_open_editor (fixture, "win.edit");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.history", NULL));
  COMPANIES_UI_WAIT_FOR (companies_ui_find_window (COMPANIES_TYPE_HISTORY_WINDOW) != NULL);
  history = COMPANIES_HISTORY_WINDOW (companies_ui_find_window (COMPANIES_TYPE_HISTORY_WINDOW));
  COMPANIES_UI_WAIT_FOR (g_strcmp0 (companies_history_window_get_page (history), "loading") != 0);
  return history;
}

static void
close_windows (CompaniesHistoryWindow *history)
{
  GtkWindow *editor = gtk_window_get_transient_for (GTK_WINDOW (history));

  gtk_window_destroy (GTK_WINDOW (history));
  gtk_window_destroy (editor);
  companies_ui_iterate ();
}

static void
test_history_and_restore (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  CompaniesHistoryWindow *history;
  CompaniesHistoryRow *oldest_phone = NULL;
  g_autoptr(GPtrArray) server = NULL;
  CompaniesCompany *company;
  GtkWidget *child;
  guint n_rows = 0;

  companies_ui_fixture_init_with_token (&fixture, FALSE, TOKEN);
  store_token (&fixture);
  companies_ui_fixture_start_app (&fixture);

  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Café Olé");
  companies_ui_editor_set (editor, COMPANIES_FIELD_CITY, "Porto");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, "+351 22 111 1111");
  companies_ui_editor_save (&fixture, editor);
  companies_ui_sync (&fixture);
  edit_phone (&fixture, "+351 22 222 2222");
  edit_phone (&fixture, "+351 22 333 3333");

  history = open_history (&fixture);
  g_assert_cmpstr (companies_history_window_get_page (history), ==, "list");
  for (child = gtk_widget_get_first_child (GTK_WIDGET (companies_history_window_get_list (history)));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      const CompaniesHistoryEntry *entry = companies_history_row_get_entry (COMPANIES_HISTORY_ROW (child));

      g_assert_cmpstr (entry->by, ==, "UI test");
      if (n_rows == 0)
        g_assert_cmpstr (entry->value, ==, "+351 22 333 3333");
      if (g_strcmp0 (entry->value, "+351 22 111 1111") == 0)
        oldest_phone = COMPANIES_HISTORY_ROW (child);
      n_rows++;
    }
  /* name, city and the first phone of the add, then two phones */
  g_assert_cmpuint (n_rows, ==, 5);
  g_assert_nonnull (oldest_phone);
  companies_ui_wait_for_draw (GTK_WIDGET (history));
  companies_ui_save_screenshot (GTK_WIDGET (history), "history");

  /* Restore: current locally at once, on the server after the sync */
  g_signal_emit_by_name (oldest_phone, "restore");
  company = companies_ui_find_row (&fixture, "Café Olé");
  g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_PHONE), ==, "+351 22 111 1111");
  close_windows (history);
  companies_ui_sync (&fixture);
  server = companies_ui_fetch_server (&fixture);
  g_assert_cmpstr (companies_company_get_field (companies_ui_find_by_uuid (server,
                                                  companies_company_get_uuid (company)),
                                                COMPANIES_FIELD_PHONE), ==, "+351 22 111 1111");

  /* offline: a status page says history needs a connection */
  companies_test_server_stop (fixture.server);
  history = open_history (&fixture);
  g_assert_cmpstr (companies_history_window_get_page (history), ==, "offline");
  companies_ui_wait_for_draw (GTK_WIDGET (history));
  companies_ui_save_screenshot (GTK_WIDGET (history), "history-offline");
  close_windows (history);

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/history/history-and-restore", test_history_and_restore);

  return g_test_run ();
}
