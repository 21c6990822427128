/* test-ui-keyboard.c: the window driven by real key events only (XTest
 * through xdotool): add, edit, delete the focused row and undo, the list
 * as one Tab stop, search started by typing anywhere with its count,
 * Escape and Enter, and the sort menu's actions kept in step with the
 * column headers and the settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-keyboard"

#include "config.h"

#include "companies-notification.h"
#include "companies-search-bar.h"
#include "companies-ui-test-utils.h"

static const char *seed[][5] = {
  { "Acme", "Porto", "Portugal", "+351 22 000 0000", "info@acme.example" },
  { "Nokia", "Espoo", "Finland", "+358 10 44 88 000", "press@nokia.example" },
  { "Société Générale", "Paris", "France", "+33 1 42 14 20 00", "contact@socgen.example" },
};

static gboolean
has_focus_in (CompaniesUiFixture *fixture,
              const char         *name)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  GtkWidget *widget = companies_ui_get_child (fixture, name);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static CompaniesEditorWindow *
wait_for_editor (CompaniesUiFixture *fixture)
{
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture->window) != NULL &&
                         gtk_widget_get_mapped (GTK_WIDGET (companies_window_get_editor (fixture->window))));
  companies_ui_wait_for_draw (GTK_WIDGET (companies_window_get_editor (fixture->window)));

  return COMPANIES_EDITOR_WINDOW (companies_window_get_editor (fixture->window));
}

static GtkWidget *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (window))
        return window;
    }

  return NULL;
}

static const char *
search_count (CompaniesUiFixture *fixture)
{
  GtkWidget *label = companies_ui_get_child (fixture, "count_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
test_keyboard (void)
{
  CompaniesUiFixture fixture;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesNotification *notification;
  CompaniesSearchBar *search;
  CompaniesEditorWindow *editor;
  GtkWidget *window;
  GtkWidget *column_view;

  companies_ui_fixture_init (&fixture, FALSE);
  store = companies_local_store_open (fixture.local_database, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (seed); i++)
    g_object_unref (companies_ui_add_company (store, seed[i]));

  companies_ui_fixture_start_app (&fixture);
  window = GTK_WIDGET (fixture.window);
  column_view = companies_ui_get_child (&fixture, "column_view");
  notification = COMPANIES_NOTIFICATION (companies_ui_get_child (&fixture, "notification"));
  search = COMPANIES_SEARCH_BAR (companies_ui_get_child (&fixture, "search"));
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 3);

  /* Add: Ctrl+N, type the name, Ctrl+Enter saves. */
  companies_ui_send_keys (window, "key", "ctrl+n", NULL);
  editor = wait_for_editor (&fixture);
  companies_ui_send_keys (GTK_WIDGET (editor), "type", "Beta", NULL);
  companies_ui_send_keys (GTK_WIDGET (editor), "key", "ctrl+Return", NULL);
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture.window) == NULL);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 4);
  g_assert_nonnull (companies_ui_find_row (&fixture, "Beta"));
  companies_ui_save_screenshot (window, "keyboard-1-added");

  /* The list: Home goes to the first row (Acme), Down to Beta, Enter
   * opens it; the name replaced, Ctrl+Enter saves. */
  gtk_widget_grab_focus (column_view);
  companies_ui_send_keys (window, "key", "Home", "Down", "Return", NULL);
  editor = wait_for_editor (&fixture);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (companies_editor_window_get_field_widget (editor, COMPANIES_FIELD_NAME))), ==, "Beta");
  companies_ui_send_keys (GTK_WIDGET (editor), "key", "ctrl+a", "type", "Beta Lda", NULL);
  companies_ui_send_keys (GTK_WIDGET (editor), "key", "ctrl+Return", NULL);
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture.window) == NULL);
  g_assert_nonnull (companies_ui_find_row (&fixture, "Beta Lda"));
  g_assert_null (companies_ui_find_row (&fixture, "Beta"));
  g_assert_true (has_focus_in (&fixture, "column_view"));

  /* Ctrl+Down moves the focus without the selection: Delete deletes the
   * focused row (Nokia), not the selected one (Beta Lda). */
  companies_ui_send_keys (window, "key", "ctrl+Down", NULL);
  g_assert_cmpstr (companies_company_get_name (gtk_single_selection_get_selected_item (companies_window_get_selection (fixture.window))), ==, "Beta Lda");
  companies_ui_send_keys (window, "key", "Delete", NULL);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 3);
  g_assert_null (companies_ui_find_row (&fixture, "Nokia"));
  g_assert_nonnull (companies_ui_find_row (&fixture, "Beta Lda"));
  g_assert_cmpstr (companies_notification_get_title (notification), ==, "“Nokia” deleted");
  companies_ui_save_screenshot (window, "keyboard-2-deleted-toast");

  /* Ctrl+Z undoes. */
  companies_ui_send_keys (window, "key", "ctrl+z", NULL);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 4);
  g_assert_nonnull (companies_ui_find_row (&fixture, "Nokia"));
  g_assert_null (companies_notification_get_title (notification));

  /* The list is one Tab stop: Tab leaves it, Shift+Tab comes back. */
  gtk_widget_grab_focus (column_view);
  g_assert_true (has_focus_in (&fixture, "column_view"));
  companies_ui_send_keys (window, "key", "Tab", NULL);
  g_assert_false (has_focus_in (&fixture, "column_view"));
  g_assert_nonnull (gtk_root_get_focus (GTK_ROOT (window)));
  companies_ui_send_keys (window, "key", "shift+Tab", NULL);
  g_assert_true (has_focus_in (&fixture, "column_view"));

  /* Typing while the + button has the focus searches; the count shows;
   * Escape closes the search from there. */
  gtk_widget_grab_focus (companies_ui_get_child (&fixture, "new_button"));
  companies_ui_send_keys (window, "type", "nok", NULL);
  g_assert_true (companies_search_bar_get_search_mode (search));
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 1);
  /* The count waits for the whole result. */
  COMPANIES_UI_WAIT_FOR (g_strcmp0 (search_count (&fixture), "1 company") == 0);
  companies_ui_save_screenshot (window, "keyboard-3-search-count");
  companies_ui_send_keys (window, "key", "Escape", NULL);
  g_assert_false (companies_search_bar_get_search_mode (search));
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 4);
  g_assert_null (search_count (&fixture));

  /* Enter in the search opens the first result; Escape in the unchanged
   * editor closes it. */
  gtk_widget_grab_focus (companies_ui_get_child (&fixture, "new_button"));
  companies_ui_send_keys (window, "type", "o", NULL);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 3);
  /* The count waits for the whole result. */
  COMPANIES_UI_WAIT_FOR (g_strcmp0 (search_count (&fixture), "3 companies") == 0);
  companies_ui_send_keys (window, "key", "ctrl+f", "ctrl+a", "type", "acme", NULL);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 1);
  companies_ui_send_keys (window, "key", "Return", NULL);
  editor = wait_for_editor (&fixture);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (companies_editor_window_get_field_widget (editor, COMPANIES_FIELD_NAME))), ==, "Acme");
  companies_ui_send_keys (GTK_WIDGET (editor), "key", "Escape", NULL);
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture.window) == NULL);
  companies_ui_send_keys (window, "key", "Escape", NULL);
  g_assert_false (companies_search_bar_get_search_mode (search));

  /* Escape on a changed editor asks; Escape there keeps editing; Alt+D
   * (Discard) closes without saving. */
  {
    GtkWidget *dialog;

    companies_ui_send_keys (window, "key", "ctrl+n", NULL);
    editor = wait_for_editor (&fixture);
    companies_ui_send_keys (GTK_WIDGET (editor), "type", "Gamma", NULL);
    companies_ui_send_keys (GTK_WIDGET (editor), "key", "Escape", NULL);
    COMPANIES_UI_WAIT_FOR ((dialog = find_message_dialog ()) != NULL);
    companies_ui_save_screenshot (dialog, "keyboard-5-discard-dialog");
    companies_ui_send_keys (dialog, "key", "Escape", NULL);
    COMPANIES_UI_WAIT_FOR (find_message_dialog () == NULL);
    g_assert_true (companies_window_get_editor (fixture.window) == GTK_WINDOW (editor));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (companies_editor_window_get_field_widget (editor, COMPANIES_FIELD_NAME))), ==, "Gamma");

    companies_ui_send_keys (GTK_WIDGET (editor), "key", "Escape", NULL);
    COMPANIES_UI_WAIT_FOR ((dialog = find_message_dialog ()) != NULL);
    companies_ui_send_keys (dialog, "key", "alt+d", NULL);
    COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture.window) == NULL);
    g_assert_null (companies_ui_find_row (&fixture, "Gamma"));
    g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, 4);
  }

  /* The sort menu's actions: by city, descending; the headers follow,
   * and the settings keep it. */
  g_assert_true (gtk_widget_activate_action (window, "win.sort-column", "s", "city"));
  g_assert_true (gtk_widget_activate_action (window, "win.sort-order", "s", "descending"));
  /* The database sorts in the background: the rows follow when it is done. */
  COMPANIES_UI_WAIT_FOR (g_strcmp0 (companies_company_get_name (companies_ui_get_row (&fixture, 3)), "Beta Lda") == 0);
  g_assert_cmpstr (companies_company_get_name (companies_ui_get_row (&fixture, 0)), ==, "Acme");   /* Porto */
  g_assert_cmpstr (companies_company_get_name (companies_ui_get_row (&fixture, 3)), ==, "Beta Lda"); /* no city: last */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *column = g_settings_get_string (settings, "sort-column");
    g_autofree char *order = g_settings_get_string (settings, "sort-order");

    g_assert_cmpstr (column, ==, "city");
    g_assert_cmpstr (order, ==, "descending");
  }
  companies_ui_save_screenshot (window, "keyboard-4-sorted-city-descending");

  /* A header click (sort by a column) shows in the menu's state. */
  {
    GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (column_view));
    g_autoptr(GtkColumnViewColumn) phone = g_list_model_get_item (columns, 4);
    g_autoptr(GVariant) state = NULL;

    gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (column_view), phone, GTK_SORT_ASCENDING);
    state = g_action_group_get_action_state (G_ACTION_GROUP (window), "sort-column");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "phone");
    g_clear_pointer (&state, g_variant_unref);
    state = g_action_group_get_action_state (G_ACTION_GROUP (window), "sort-order");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "ascending");
  }

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/keyboard/add-edit-delete-undo-search-sort", test_keyboard);

  return g_test_run ();
}
