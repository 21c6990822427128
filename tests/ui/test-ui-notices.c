/* test-ui-notices.c: a company deleted elsewhere (docs/notices.md): an
 * edit made here becomes the notice "… was deleted elsewhere while you
 * edited it", whose Restore as New brings it back as a new company; an
 * editor still open on it offers Save as New instead of a dead Save.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-notices"

#include "config.h"

#include <string.h>

#include "companies-ui-test-utils.h"

/* Another installation on the same server. */
typedef struct
{
  char                *path;
  CompaniesLocalStore *store;
  CompaniesSyncClient *client;
} Other;

static void
other_open (Other              *other,
            CompaniesUiFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  other->path = g_build_filename (fixture->tmpdir, "other.db", NULL);
  other->store = companies_local_store_open (other->path, &error);
  g_assert_no_error (error);
  other->client = companies_sync_client_new (other->path, companies_test_server_get_url (fixture->server), NULL);
}

static void
other_sync (Other *other)
{
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = companies_sync_client_sync (other->client, NULL, &error);
  g_assert_no_error (error);
}

/* The other installation deletes the company and syncs. */
static void
other_delete (Other      *other,
              const char *uuid)
{
  g_autoptr(GError) error = NULL;

  other_sync (other);
  g_assert_true (companies_local_store_delete_for_sync (other->store, uuid, &error));
  g_assert_no_error (error);
  other_sync (other);
}

static void
other_clear (Other *other)
{
  g_clear_object (&other->client);
  g_clear_object (&other->store);
  g_clear_pointer (&other->path, g_free);
}

/* A synced company @name in the window. */
static CompaniesCompany *
add_synced (CompaniesUiFixture *fixture,
            const char         *name)
{
  CompaniesEditorWindow *editor = companies_ui_open_editor (fixture, "win.new");
  CompaniesCompany *row;

  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, name);
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, "555-0100");
  companies_ui_editor_save (fixture, editor);
  row = companies_ui_find_row (fixture, name);
  companies_ui_sync (fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  return g_object_ref (row);
}

static void
check_deleted_notice (CompaniesUiFixture *fixture,
                      Other              *other)
{
  g_autoptr(CompaniesCompany) row = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autofree char *uuid = NULL;
  CompaniesEditorWindow *editor;
  CompaniesCompany *restored;
  GtkInfoBar *bar;
  GtkButton *restore_button;
  const char *text;

  bar = GTK_INFO_BAR (companies_ui_get_child (fixture, "notice_info_bar"));
  restore_button = GTK_BUTTON (companies_ui_get_child (fixture, "restore_button"));
  row = add_synced (fixture, "Café Olé");
  uuid = g_strdup (companies_company_get_uuid (row));

  other_delete (other, uuid);

  /* Edited here without having seen the delete. */
  companies_ui_select_row (fixture, "Café Olé");
  editor = companies_ui_open_editor (fixture, "win.edit");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, "555-0199");
  companies_ui_editor_save (fixture, editor);
  g_assert_false (gtk_info_bar_get_revealed (bar));
  companies_ui_sync (fixture);

  COMPANIES_UI_WAIT_FOR (gtk_info_bar_get_revealed (bar));
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (fixture) == 0);
  text = gtk_label_get_text (GTK_LABEL (companies_ui_get_child (fixture, "notice_label")));
  g_assert_nonnull (strstr (text, "“Café Olé” was deleted elsewhere while you edited it"));
  g_assert_nonnull (strstr (text, "Lost: your edits (phone)"));
  g_assert_nonnull (strstr (text, "Restore creates “Café Olé” again as a new company"));
  g_assert_cmpstr (gtk_button_get_label (restore_button), ==, "Restore as _New");
  companies_ui_save_screenshot (GTK_WIDGET (fixture->window), "notices-1-deleted-while-edited");

  /* Restore as New: a new company with the edited phone, synced. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.restore-notice", NULL));
  g_assert_false (gtk_info_bar_get_revealed (bar));
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (fixture) == 1);
  restored = companies_ui_get_row (fixture, 0);
  g_assert_cmpstr (companies_company_get_uuid (restored), !=, uuid);
  g_assert_cmpstr (companies_company_get_field (restored, COMPANIES_FIELD_PHONE), ==, "555-0199");
  companies_ui_sync (fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (restored) == COMPANIES_SYNC_STATE_SYNCED);
  server = companies_ui_fetch_server (fixture);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_cmpstr (companies_company_get_field (g_ptr_array_index (server, 0), COMPANIES_FIELD_PHONE), ==, "555-0199");
}

static void
check_save_as_new (CompaniesUiFixture *fixture,
                   Other              *other)
{
  g_autoptr(CompaniesCompany) row = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autofree char *uuid = NULL;
  CompaniesEditorWindow *editor;
  CompaniesCompany *saved;
  GtkButton *save_button;

  row = add_synced (fixture, "Bar Azul");
  uuid = g_strdup (companies_company_get_uuid (row));

  /* The editor is open while another device deletes the company. */
  companies_ui_select_row (fixture, "Bar Azul");
  editor = companies_ui_open_editor (fixture, "win.edit");
  save_button = GTK_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (editor), COMPANIES_TYPE_EDITOR_WINDOW,
                                                           "save_button"));
  companies_ui_editor_set (editor, COMPANIES_FIELD_NOTES, "Ask for Ana");
  other_delete (other, uuid);
  g_assert_false (companies_editor_window_get_save_as_new (editor));
  companies_ui_sync (fixture);

  COMPANIES_UI_WAIT_FOR (companies_editor_window_get_save_as_new (editor));
  g_assert_cmpstr (gtk_button_get_label (save_button), ==, "Save as _New");
  g_assert_nonnull (strstr (companies_editor_window_get_banner_text (editor),
                            "“Bar Azul” was deleted elsewhere while you edited it."));
  companies_ui_wait_for_draw (GTK_WIDGET (editor));
  companies_ui_save_screenshot (GTK_WIDGET (editor), "notices-2-save-as-new");

  companies_ui_editor_save (fixture, editor);
  COMPANIES_UI_WAIT_FOR (companies_ui_find_row (fixture, "Bar Azul") != NULL);
  saved = companies_ui_find_row (fixture, "Bar Azul");
  g_assert_cmpstr (companies_company_get_uuid (saved), !=, uuid);
  companies_ui_sync (fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (saved) == COMPANIES_SYNC_STATE_SYNCED);
  server = companies_ui_fetch_server (fixture);
  saved = companies_ui_find_by_uuid (server, companies_company_get_uuid (saved));
  g_assert_nonnull (saved);
  g_assert_cmpstr (companies_company_get_field (saved, COMPANIES_FIELD_NOTES), ==, "Ask for Ana");
  g_assert_cmpstr (companies_company_get_field (saved, COMPANIES_FIELD_PHONE), ==, "555-0100");
  g_assert_null (companies_ui_find_by_uuid (server, uuid));
}

static void
test_notices (void)
{
  CompaniesUiFixture fixture;
  Other other = { NULL };

  companies_ui_fixture_init (&fixture, FALSE);
  companies_ui_fixture_start_app (&fixture);
  other_open (&other, &fixture);

  check_deleted_notice (&fixture, &other);
  check_save_as_new (&fixture, &other);

  other_clear (&other);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/notices/deleted-while-edited-and-save-as-new", test_notices);

  return g_test_run ();
}
