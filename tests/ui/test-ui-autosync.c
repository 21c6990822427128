/* test-ui-autosync.c: automatic sync at start and after a local change,
 * and a window closed while a sync runs (the sync ends, nothing is lost).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-autosync"

#include "config.h"

#include "companies-ui-test-utils.h"

static void
seed_server (CompaniesUiFixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "seed.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "Nokia", "Embraer" };

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *values[COMPANIES_N_FIELDS] = { NULL };
      g_autoptr(CompaniesCompany) company = NULL;

      values[COMPANIES_FIELD_NAME] = names[i];
      company = companies_local_store_create_for_sync (store, values, &error);
      g_assert_no_error (error);
    }

  client = companies_sync_client_new (path, companies_test_server_get_url (fixture->server), NULL);
  result = companies_sync_client_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->sent, ==, 2);
}

static void
test_autosync (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  CompaniesCompany *row;
  g_autoptr(GPtrArray) server = NULL;

  companies_ui_fixture_init (&fixture, TRUE);
  seed_server (&fixture);

  /* At start: what the server holds arrives without asking. */
  companies_ui_fixture_start_app (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == 2);
  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (&fixture));
  g_assert_cmpint (companies_company_get_sync_state (companies_ui_get_row (&fixture, 0)), ==, COMPANIES_SYNC_STATE_SYNCED);

  /* A few seconds after a local change, it syncs by itself. */
  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Acme");
  companies_ui_editor_save (&fixture, editor);
  row = companies_ui_find_row (&fixture, "Acme");
  g_assert_nonnull (row);
  g_assert_cmpint (companies_company_get_sync_state (row), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  g_assert_cmpint (companies_company_get_id (row), >, 0);

  /* Close the window while a sync runs: the application stays until the
   * sync ends, and the change reaches the server. */
  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Closed Mid-Sync");
  companies_ui_editor_save (&fixture, editor);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.sync", NULL));
  g_assert_true (companies_ui_is_syncing (&fixture));
  gtk_window_close (GTK_WINDOW (fixture.window));
  fixture.window = NULL;
  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (&fixture));
  g_assert_null (companies_sync_scheduler_get_last_error (companies_application_get_scheduler (fixture.application)));

  server = companies_ui_fetch_server (&fixture);
  g_assert_cmpuint (server->len, ==, 4);

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/autosync/start-change-close", test_autosync);

  return g_test_run ();
}
