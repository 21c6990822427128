/* test-both-sides.c: both sides of an overwritten value told, with who
 * (docs/notices.md), against a real companies-server: A ("Ana's laptop")
 * and B ("Bob") change the phone offline, A syncs, then B. B's push
 * replaced A's value unseen: B's notice names Ana's laptop as the lost
 * value's writer, and A's next pull brings A a notice naming Bob as the
 * current value's writer. Restore works from either side and reaches the
 * other client. A client of before revision 1.6 (no Companies-Want
 * header) still syncs and sees nothing new.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-both-sides"

#include <string.h>

#include <libsoup/soup.h>

#include "e2e-helpers.h"
#include "companies-local-store-notices.h"

#define ANA "ana-token-both-sides-0123456789"
#define BOB "bob-token-both-sides-0123456789"
#define OLD "old-token-both-sides-0123456789"

typedef struct
{
  E2eWorld   world;
  E2eClient *a;
  E2eClient *b;
  char      *uuid;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) added = NULL;
  g_autofree char *tokens = NULL;
  const char *pairs[][2] = { { ANA, "Ana's laptop" }, { BOB, "Bob" }, { OLD, "Old phone" } };
  const char *args[3] = { "--tokens", NULL, NULL };

  fixture->world.tmpdir = companies_test_make_tmpdir ();
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, pairs[i][0], -1);

      g_string_append_printf (text, "sha256:%s # %s\n", hash, pairs[i][1]);
    }
  tokens = e2e_world_path (&fixture->world, "tokens");
  companies_test_write_private (tokens, text->str);
  args[1] = tokens;

  fixture->world.server_db = e2e_world_path (&fixture->world, "server.db");
  fixture->world.server = companies_test_server_start (fixture->world.server_db, args, &error);
  g_assert_no_error (error);

  fixture->a = e2e_client_new (&fixture->world, "a", e2e_world_url (&fixture->world), ANA);
  fixture->b = e2e_client_new (&fixture->world, "b", e2e_world_url (&fixture->world), BOB);

  /* One company both hold, synced. */
  added = e2e_add (fixture->a->store, "Acme", "Porto", "555-0100");
  fixture->uuid = g_strdup (companies_company_get_uuid (added));
  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, e2e_client_free);
  g_clear_pointer (&fixture->b, e2e_client_free);
  g_clear_pointer (&fixture->uuid, g_free);
  e2e_world_teardown (&fixture->world, NULL);
}

static char *
phone_of (E2eClient  *client,
          const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) company = companies_local_store_lookup (client->store, uuid, &error);

  g_assert_no_error (error);
  g_assert_nonnull (company);
  return g_strdup (companies_company_get_field (company, COMPANIES_FIELD_PHONE));
}

static void
assert_says (const CompaniesNotice *notice,
             const char            *text)
{
  g_autofree char *title = companies_notice_dup_title (notice);
  g_autofree char *details = companies_notice_dup_details (notice);
  g_autofree char *restore = companies_notice_dup_restore_text (notice);
  g_autofree char *all = g_strjoin ("\n", title, details, restore, NULL);

  g_test_message ("%s", all);
  if (strstr (all, text) == NULL)
    g_error ("The notice does not say “%s”:\n%s", text, all);
}

/* A and B both change the phone offline; A syncs, then B, then A. */
static void
conflict (Fixture *fixture)
{
  g_autoptr(CompaniesCompany) a_set = e2e_set (fixture->a->store, fixture->uuid,
                                               COMPANIES_FIELD_PHONE, "555-0111");
  g_autoptr(CompaniesCompany) b_set = e2e_set (fixture->b->store, fixture->uuid,
                                               COMPANIES_FIELD_PHONE, "555-0222");

  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);
  e2e_sync_once (fixture->a);
}

static void
test_both_told (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) a_notices = NULL;
  g_autoptr(GPtrArray) b_notices = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *a_phone = NULL;
  CompaniesNotice *pusher, *other;

  conflict (fixture);

  /* B, whose push replaced A's value: lost by Ana's laptop, current by you. */
  b_notices = e2e_list_notices (fixture->b);
  g_assert_cmpuint (b_notices->len, ==, 1);
  pusher = g_ptr_array_index (b_notices, 0);
  g_assert_cmpint (pusher->kind, ==, COMPANIES_NOTICE_OVERWRITTEN);
  g_assert_false (pusher->replaced);
  g_assert_cmpstr (pusher->lost, ==, "555-0111");
  g_assert_cmpstr (pusher->current, ==, "555-0222");
  g_assert_cmpstr (companies_notice_get_lost_by (pusher), ==, "Ana's laptop");
  g_assert_cmpstr (companies_notice_get_current_by (pusher), ==, "you");
  g_assert_cmpint (pusher->other_at, >, 0);
  assert_says (pusher, "written by Ana's laptop at ");
  assert_says (pusher, "Current: “555-0222”, written by you");
  assert_says (pusher, "Restore puts back “555-0111” as the phone");

  /* A, whose value was replaced: lost by you, current by Bob. */
  a_phone = phone_of (fixture->a, fixture->uuid);
  g_assert_cmpstr (a_phone, ==, "555-0222");
  a_notices = e2e_list_notices (fixture->a);
  g_assert_cmpuint (a_notices->len, ==, 1);
  other = g_ptr_array_index (a_notices, 0);
  g_assert_cmpint (other->kind, ==, COMPANIES_NOTICE_OVERWRITTEN);
  g_assert_true (other->replaced);
  g_assert_cmpstr (other->uuid, ==, fixture->uuid);
  g_assert_cmpint (other->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_cmpstr (other->lost, ==, "555-0111");
  g_assert_cmpstr (other->current, ==, "555-0222");
  g_assert_cmpint (other->current_version, >, other->lost_version);
  g_assert_cmpint (other->lost_version, ==, pusher->lost_version);
  g_assert_cmpstr (companies_notice_get_lost_by (other), ==, "you");
  g_assert_cmpstr (companies_notice_get_current_by (other), ==, "Bob");
  assert_says (other, "Your phone of “Acme” was replaced by a change that had not seen it");
  assert_says (other, "Current: “555-0222”, written by Bob at ");
  assert_says (other, "Lost: “555-0111”, written by you");
  assert_says (other, "Restore puts back “555-0111” as the phone");

  /* Told once: the next pulls acknowledge it, and bring nothing new. */
  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);
  e2e_sync_once (fixture->a);
  again = e2e_list_notices (fixture->a);
  g_assert_cmpuint (again->len, ==, 1);
  g_clear_pointer (&again, g_ptr_array_unref);
  again = e2e_list_notices (fixture->b);
  g_assert_cmpuint (again->len, ==, 1);
}

/* Restores the only notice of @from; the next syncs carry its value to
 * @to, and neither side gets another notice (the restore had seen the
 * value it replaced). */
static void
restore_reaches (Fixture   *fixture,
                 E2eClient *from,
                 E2eClient *to)
{
  g_autoptr(GPtrArray) notices = e2e_list_notices (from);
  g_autoptr(GPtrArray) from_after = NULL;
  g_autoptr(GPtrArray) to_after = NULL;
  g_autoptr(CompaniesCompany) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from_phone = NULL;
  g_autofree char *to_phone = NULL;
  guint to_before = 0;

  g_assert_cmpuint (notices->len, ==, 1);
  to_after = e2e_list_notices (to);
  to_before = to_after->len;
  g_clear_pointer (&to_after, g_ptr_array_unref);

  restored = companies_local_store_restore_notice (from->store,
                                                   ((CompaniesNotice *) g_ptr_array_index (notices, 0))->notice_id,
                                                   &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);
  g_assert_cmpstr (companies_company_get_field (restored, COMPANIES_FIELD_PHONE), ==, "555-0111");

  e2e_sync_once (from);
  e2e_sync_once (to);
  e2e_sync_once (from);

  from_phone = phone_of (from, fixture->uuid);
  to_phone = phone_of (to, fixture->uuid);
  g_assert_cmpstr (from_phone, ==, "555-0111");
  g_assert_cmpstr (to_phone, ==, "555-0111");

  from_after = e2e_list_notices (from);
  g_assert_cmpuint (from_after->len, ==, 0);
  to_after = e2e_list_notices (to);
  g_assert_cmpuint (to_after->len, ==, to_before);
}

static void
test_restore_other_side (Fixture       *fixture,
                         gconstpointer  data)
{
  conflict (fixture);
  restore_reaches (fixture, fixture->a, fixture->b);
}

static void
test_restore_pusher_side (Fixture       *fixture,
                          gconstpointer  data)
{
  conflict (fixture);
  restore_reaches (fixture, fixture->b, fixture->a);
}

/* A sync of before revision 1.6, on the wire: no Companies-Want header. */
static char *
old_sync (Fixture    *fixture,
          const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (e2e_world_url (&fixture->world), "/v1/companies/sync", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);

  soup_message_set_request_body_from_bytes (message, "application/json", request);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", "Bearer " OLD);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  return g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

static gint64
server_id (E2eClient  *client,
           const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) company = companies_local_store_lookup (client->store, uuid, &error);

  g_assert_no_error (error);
  return companies_company_get_id (company);
}

static void
test_old_client (Fixture       *fixture,
                 gconstpointer  data)
{
  gint64 id = server_id (fixture->a, fixture->uuid);
  g_autofree char *push = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *pull = NULL;
  g_autofree char *a_phone = NULL;
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(CompaniesCompany) a_set = NULL;
  CompaniesNotice *notice;

  /* A writes the phone; the old client, from base version 1, replaces it
   * unseen: its answer says so in the version 1 format, without who. */
  a_set = e2e_set (fixture->a->store, fixture->uuid, COMPANIES_FIELD_PHONE, "555-0111");
  e2e_sync_once (fixture->a);
  push = g_strdup_printf ("{\"protocol\":1,\"client_id\":\"0c1d0000-0000-4000-8000-000000000001\","
                          "\"updated\":[{\"id\":%" G_GINT64_FORMAT ",\"base_version\":1,"
                          "\"fields\":{\"phone\":\"555-0999\"}}]}", id);
  answer = old_sync (fixture, push);
  g_assert_nonnull (strstr (answer, "\"overwritten\":[{\"id\":"));
  g_assert_nonnull (strstr (answer, "\"value\":\"555-0111\""));
  g_assert_null (strstr (answer, "\"replaced\""));
  g_assert_null (strstr (answer, "\"by\""));

  /* A is told, with the old client's label as the writer. */
  e2e_sync_once (fixture->a);
  a_phone = phone_of (fixture->a, fixture->uuid);
  g_assert_cmpstr (a_phone, ==, "555-0999");
  notices = e2e_list_notices (fixture->a);
  g_assert_cmpuint (notices->len, ==, 1);
  notice = g_ptr_array_index (notices, 0);
  g_assert_true (notice->replaced);
  g_assert_cmpstr (companies_notice_get_current_by (notice), ==, "Old phone");

  /* B replaces the old client's value unseen: B learns who; the old
   * client, which never asked, is answered as before and has no
   * `replaced` kept for it. */
  g_clear_object (&a_set);
  a_set = e2e_set (fixture->b->store, fixture->uuid, COMPANIES_FIELD_PHONE, "555-0333");
  e2e_sync_once (fixture->b);
  g_clear_pointer (&notices, g_ptr_array_unref);
  notices = e2e_list_notices (fixture->b);
  g_assert_cmpuint (notices->len, ==, 1);
  notice = g_ptr_array_index (notices, 0);
  g_assert_false (notice->replaced);
  g_assert_cmpstr (notice->lost, ==, "555-0999");
  g_assert_cmpstr (companies_notice_get_lost_by (notice), ==, "Old phone");

  pull = old_sync (fixture, "{\"protocol\":1,\"client_id\":\"0c1d0000-0000-4000-8000-000000000001\"}");
  g_assert_nonnull (strstr (pull, "\"phone\":\"555-0333\""));
  g_assert_null (strstr (pull, "\"replaced\""));
  g_assert_null (strstr (pull, "\"by\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/e2e/both-sides/told", Fixture, NULL,
              fixture_setup, test_both_told, fixture_teardown);
  g_test_add ("/e2e/both-sides/restore-other-side", Fixture, NULL,
              fixture_setup, test_restore_other_side, fixture_teardown);
  g_test_add ("/e2e/both-sides/restore-pusher-side", Fixture, NULL,
              fixture_setup, test_restore_pusher_side, fixture_teardown);
  g_test_add ("/e2e/both-sides/old-client", Fixture, NULL,
              fixture_setup, test_old_client, fixture_teardown);

  return g_test_run ();
}
