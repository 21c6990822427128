/* test-ui-connection.c: the connection test of Preferences against real
 * companies-servers (a wrong token, the right one, another server, one
 * that is not reachable, an address that is not a Companies server), and
 * the warning before switching servers,
 * which keeps the work not yet synced: it goes to the new server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-connection"

#include "config.h"

#include <string.h>

#include "companies-preferences-window.h"
#include "companies-ui-test-utils.h"

#define TOKEN "cmp_connection-test-token"

/* Types @text into a row and applies it (the row's "apply" signal, as
 * its apply button or Enter emits it). */
static void
apply_row (GtkWindow  *preferences,
           const char *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (companies_ui_get_preferences_child (preferences, row)), text);
  g_signal_emit_by_name (companies_ui_get_preferences_child (preferences, row), "apply");
}

/* Waits for the test that was just asked for to end in @state. */
static void
wait_for_state (CompaniesConnection      *connection,
                CompaniesConnectionState  state)
{
  COMPANIES_UI_WAIT_FOR (companies_connection_get_state (connection) != COMPANIES_CONNECTION_TESTING);
  g_assert_cmpint (companies_connection_get_state (connection), ==, state);
}

static const char *
get_subtitle (GtkWindow *preferences)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (companies_ui_get_preferences_child (preferences, "connection_row")));
}

static void
store_status (CompaniesUiFixture   *fixture,
              CompaniesStoreStatus *status)
{
  g_autoptr(GError) error = NULL;

  companies_local_store_get_status (companies_application_get_store (fixture->application), status, &error);
  g_assert_no_error (error);
}

static CompaniesCompany *
find_by_name (GPtrArray  *companies,
              const char *name)
{
  for (guint i = 0; i < companies->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (companies, i);

      if (g_strcmp0 (companies_company_get_field (company, COMPANIES_FIELD_NAME), name) == 0)
        return company;
    }

  return NULL;
}

/* Answers the switch warning with @response, after checking it. */
static void
answer_switch_warning (const char *response,
                       const char *screenshot)
{
  AdwMessageDialog *dialog;

  COMPANIES_UI_WAIT_FOR ((dialog = (AdwMessageDialog *) companies_ui_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Switch to Another Server?");
  if (screenshot != NULL)
    {
      g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                                "The 2 changes not yet synced are kept and sent to the new server."));
      companies_ui_save_screenshot (GTK_WIDGET (dialog), screenshot);
    }

  /* What a response button does: the response, then the dialog goes. */
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  COMPANIES_UI_WAIT_FOR (companies_ui_find_window (ADW_TYPE_MESSAGE_DIALOG) == NULL);
}

static void
test_connection (void)
{
  CompaniesUiFixture fixture;
  g_autoptr(CompaniesTestServer) other = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(CompaniesCompany) alpha = NULL;
  g_autoptr(CompaniesCompany) beta = NULL;
  g_autoptr(CompaniesCompany) changed = NULL;
  g_autoptr(GPtrArray) on_other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_db = NULL;
  g_autofree char *kept_url = NULL;
  g_autofree char *not_companies = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL, };
  CompaniesTestServer *first;
  CompaniesConnection *connection;
  CompaniesLocalStore *store;
  CompaniesStoreStatus status;
  GtkWindow *preferences;
  CompaniesCompany *found;

  companies_ui_fixture_init_with_token (&fixture, FALSE, TOKEN);
  fixture.url_from_settings = TRUE;
  companies_ui_fixture_start_app (&fixture);
  connection = companies_application_get_connection (fixture.application);
  store = companies_application_get_store (fixture.application);

  values[COMPANIES_FIELD_NAME] = "Alpha Works";
  alpha = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);

  g_action_group_activate_action (G_ACTION_GROUP (fixture.application), "preferences", NULL);
  COMPANIES_UI_WAIT_FOR ((preferences = companies_ui_find_window (COMPANIES_TYPE_PREFERENCES_WINDOW)) != NULL);
  companies_ui_wait_for_draw (GTK_WIDGET (preferences));
  g_assert_cmpstr (get_subtitle (preferences), ==, "Not tested yet");

  /* A wrong token: the server refuses it, and the window says so. */
  apply_row (preferences, "token_row", "wrong-token");
  wait_for_state (connection, COMPANIES_CONNECTION_UNAUTHORIZED);
  g_assert_cmpstr (get_subtitle (preferences), ==, "The server refused the access token");
  g_assert_true (gtk_widget_has_css_class (companies_ui_get_preferences_child (preferences, "token_row"), "error"));
  companies_ui_save_screenshot (GTK_WIDGET (preferences), "connection-1-wrong-token");

  /* The right one: tested, and synced at once. */
  apply_row (preferences, "token_row", TOKEN);
  wait_for_state (connection, COMPANIES_CONNECTION_OK);
  g_assert_cmpstr (get_subtitle (preferences), ==, "Connected: synced just now");
  g_assert_false (gtk_widget_has_css_class (companies_ui_get_preferences_child (preferences, "token_row"), "error"));
  store_status (&fixture, &status);
  g_assert_cmpuint (status.pending_added, ==, 0);
  g_assert_true (status.has_cursor);
  companies_ui_save_screenshot (GTK_WIDGET (preferences), "connection-2-ok");

  /* Work not yet synced: a change to a synced company, and a new one. */
  values[COMPANIES_FIELD_CITY] = "Lisboa";
  changed = companies_local_store_update_for_sync (store, companies_company_get_uuid (alpha),
                                                   COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY), values, &error);
  g_assert_no_error (error);
  values[COMPANIES_FIELD_NAME] = "Beta Labs";
  values[COMPANIES_FIELD_CITY] = "Porto";
  beta = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);

  /* Another server: asked first; cancelled, nothing changes. */
  other_db = g_build_filename (fixture.tmpdir, "other-server.db", NULL);
  other = companies_test_server_start (other_db, NULL, &error);
  g_assert_no_error (error);
  apply_row (preferences, "server_url_row", companies_test_server_get_url (other));
  answer_switch_warning ("cancel", NULL);
  kept_url = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (kept_url, ==, companies_test_server_get_url (fixture.server));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (companies_ui_get_preferences_child (preferences, "server_url_row"))), ==,
                   companies_test_server_get_url (fixture.server));

  /* Switched: tested, synced, and the unsynced work went to it. */
  apply_row (preferences, "server_url_row", companies_test_server_get_url (other));
  answer_switch_warning ("switch", "connection-3-switch-warning");
  wait_for_state (connection, COMPANIES_CONNECTION_OK);
  g_assert_cmpstr (companies_connection_get_server_url (connection), ==, companies_test_server_get_url (other));
  store_status (&fixture, &status);
  g_assert_cmpuint (status.pending_added + status.pending_updated + status.pending_deleted, ==, 0);
  g_assert_cmpuint (status.active, ==, 2);
  companies_ui_save_screenshot (GTK_WIDGET (preferences), "connection-4-switched");

  first = fixture.server;
  fixture.server = other;
  on_other = companies_ui_fetch_server (&fixture);
  fixture.server = first;
  g_assert_cmpuint (on_other->len, ==, 2);
  found = find_by_name (on_other, "Alpha Works");
  g_assert_nonnull (found);
  g_assert_cmpstr (companies_company_get_field (found, COMPANIES_FIELD_CITY), ==, "Lisboa");
  found = find_by_name (on_other, "Beta Labs");
  g_assert_nonnull (found);
  g_assert_cmpstr (companies_company_get_field (found, COMPANIES_FIELD_CITY), ==, "Porto");

  /* A server that is not reachable: said so. */
  apply_row (preferences, "server_url_row", "http://127.0.0.1:9");
  answer_switch_warning ("switch", NULL);
  wait_for_state (connection, COMPANIES_CONNECTION_UNREACHABLE);
  g_assert_true (g_str_has_prefix (get_subtitle (preferences), "Could not reach the server at http://127.0.0.1:9"));
  companies_ui_save_screenshot (GTK_WIDGET (preferences), "connection-5-unreachable");

  /* An address that answers, but not as a Companies server (a path the
   * server does not serve): nothing is synced to it. */
  not_companies = g_strconcat (companies_test_server_get_url (other), "/not-here", NULL);
  apply_row (preferences, "server_url_row", not_companies);
  answer_switch_warning ("switch", NULL);
  wait_for_state (connection, COMPANIES_CONNECTION_NOT_COMPANIES);
  g_assert_true (g_str_has_suffix (get_subtitle (preferences), "does not answer as a Companies server (HTTP 404)"));
  g_assert_false (companies_ui_is_syncing (&fixture));
  companies_ui_save_screenshot (GTK_WIDGET (preferences), "connection-6-not-companies");

  gtk_window_close (preferences);
  COMPANIES_UI_WAIT_FOR (companies_ui_find_window (COMPANIES_TYPE_PREFERENCES_WINDOW) == NULL);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/connection/test-and-switch", test_connection);

  return g_test_run ();
}
