/* test-ui-both-sides.c: both banners of an overwritten value, with who
 * (docs/notices.md), in the real window: our push replaced a value
 * "Bob's phone" wrote that we had not seen; then Bob's push replaced ours
 * without having seen it, and our next sync says so, naming Bob's phone.
 * Restore from that side brings our value back, and Bob gets it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-both-sides"

#include "config.h"

#include <string.h>

#include "companies-token-keyring.h"
#include "companies-ui-test-utils.h"

#define TOKEN "both-sides-ui-token-0123456789"

typedef struct
{
  char                *path;
  CompaniesLocalStore *store;
  CompaniesSyncClient *client;
} Other;

static void
other_sync (Other *other)
{
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = companies_sync_client_sync (other->client, NULL, &error);
  g_assert_no_error (error);
}

static void
other_set_phone (Other      *other,
                 const char *uuid,
                 const char *phone)
{
  g_autoptr(CompaniesCompany) changed = NULL;
  g_autoptr(GError) error = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL };

  values[COMPANIES_FIELD_PHONE] = phone;
  changed = companies_local_store_update_for_sync (other->store, uuid,
                                                   COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                   values, &error);
  g_assert_no_error (error);
}

static void
edit_phone (CompaniesUiFixture *fixture,
            const char         *phone)
{
  CompaniesEditorWindow *editor;

  companies_ui_select_row (fixture, "Acme");
  editor = companies_ui_open_editor (fixture, "win.edit");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, phone);
  companies_ui_editor_save (fixture, editor);
  companies_ui_sync (fixture);
}

static const char *
bar_text (CompaniesUiFixture *fixture)
{
  return gtk_label_get_text (GTK_LABEL (companies_ui_get_child (fixture, "notice_label")));
}

static void
assert_says (const char *text,
             const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("The banner does not say “%s”:\n%s", part, text);
}

static void
test_both_banners (void)
{
  CompaniesUiFixture fixture;
  CompaniesEditorWindow *editor;
  CompaniesCompany *row;
  GtkInfoBar *bar;
  Other other = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) seen = NULL;

  companies_ui_fixture_init_with_token (&fixture, FALSE, TOKEN);
  companies_token_keyring_store (companies_test_server_get_url (fixture.server), TOKEN, NULL, &error);
  g_assert_no_error (error);
  companies_ui_fixture_start_app (&fixture);
  bar = GTK_INFO_BAR (companies_ui_get_child (&fixture, "notice_info_bar"));

  editor = companies_ui_open_editor (&fixture, "win.new");
  companies_ui_editor_set (editor, COMPANIES_FIELD_NAME, "Acme");
  companies_ui_editor_set (editor, COMPANIES_FIELD_PHONE, "+351 22 111 1111");
  companies_ui_editor_save (&fixture, editor);
  row = companies_ui_get_row (&fixture, 0);
  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);

  other.path = g_build_filename (fixture.tmpdir, "bob.db", NULL);
  other.store = companies_local_store_open (other.path, &error);
  g_assert_no_error (error);
  other.client = companies_sync_client_new (other.path, companies_test_server_get_url (fixture.server),
                                            COMPANIES_UI_OTHER_TOKEN);
  other_sync (&other);

  /* 1. Bob changes the phone and syncs; we change it without having
   * seen his: our banner names Bob's phone as the lost value's writer. */
  other_set_phone (&other, companies_company_get_uuid (row), "+351 22 222 2222");
  other_sync (&other);
  edit_phone (&fixture, "+351 22 333 3333");
  COMPANIES_UI_WAIT_FOR (gtk_info_bar_get_revealed (bar));
  assert_says (bar_text (&fixture), "Your change to the phone of “Acme” replaced a value you had not seen");
  assert_says (bar_text (&fixture), "Current: “+351 22 333 3333”, written by you");
  assert_says (bar_text (&fixture), "Lost: “+351 22 222 2222”, written by Bob's phone at ");
  assert_says (bar_text (&fixture), "Restore puts back “+351 22 222 2222” as the phone.");
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "both-sides-1-pusher");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.dismiss-notice", NULL));
  g_assert_false (gtk_info_bar_get_revealed (bar));

  /* 2. We change it again and sync; Bob, who has not pulled since,
   * replaces ours unseen: our next sync tells us, naming Bob's phone. */
  edit_phone (&fixture, "+351 22 444 4444");
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  g_assert_false (gtk_info_bar_get_revealed (bar));
  other_set_phone (&other, companies_company_get_uuid (row), "+351 22 555 5555");
  other_sync (&other);
  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (gtk_info_bar_get_revealed (bar));
  COMPANIES_UI_WAIT_FOR (g_str_equal (companies_company_get_field (row, COMPANIES_FIELD_PHONE),
                                      "+351 22 555 5555"));
  assert_says (bar_text (&fixture), "Your phone of “Acme” was replaced by a change that had not seen it");
  assert_says (bar_text (&fixture), "Current: “+351 22 555 5555”, written by Bob's phone at ");
  assert_says (bar_text (&fixture), "Lost: “+351 22 444 4444”, written by you");
  assert_says (bar_text (&fixture), "Restore puts back “+351 22 444 4444” as the phone.");
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "both-sides-2-other-side");

  /* Restore: ours again, sent with the next sync; Bob gets it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.restore-notice", NULL));
  g_assert_false (gtk_info_bar_get_revealed (bar));
  g_assert_cmpstr (companies_company_get_field (row, COMPANIES_FIELD_PHONE), ==, "+351 22 444 4444");
  companies_ui_sync (&fixture);
  COMPANIES_UI_WAIT_FOR (companies_company_get_sync_state (row) == COMPANIES_SYNC_STATE_SYNCED);
  other_sync (&other);
  seen = companies_local_store_lookup (other.store, companies_company_get_uuid (row), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_company_get_field (seen, COMPANIES_FIELD_PHONE), ==, "+351 22 444 4444");
  g_assert_false (gtk_info_bar_get_revealed (bar));

  g_clear_object (&other.client);
  g_clear_object (&other.store);
  g_free (other.path);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/both-sides/banners", test_both_banners);

  return g_test_run ();
}
