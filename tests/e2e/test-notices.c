/* test-notices.c: the notices of docs/notices.md against a real server:
 * an edit of a company deleted elsewhere is kept and restored as a new
 * company that another client then sees; an overwritten value is
 * restored; the notices are bounded (count, size, dropped count) and
 * survive reopening the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-notices"

#include <string.h>

#include "e2e-helpers.h"
#include "companies-local-store-notices.h"

typedef struct
{
  E2eWorld   world;
  E2eClient *a;
  E2eClient *b;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  e2e_world_setup (&fixture->world, NULL);
  fixture->a = e2e_client_new (&fixture->world, "a", e2e_world_url (&fixture->world), NULL);
  fixture->b = e2e_client_new (&fixture->world, "b", e2e_world_url (&fixture->world), NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, e2e_client_free);
  g_clear_pointer (&fixture->b, e2e_client_free);
  e2e_world_teardown (&fixture->world, NULL);
}

/* A company both clients hold, synced. Returns its uuid. */
static char *
shared_company (Fixture    *fixture,
                const char *name)
{
  g_autoptr(CompaniesCompany) added = e2e_add (fixture->a->store, name, "Porto", "555-0100");

  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);
  return g_strdup (companies_company_get_uuid (added));
}

static void
test_deleted_while_edited (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *uuid = shared_company (fixture, "Café Olé");
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(CompaniesCompany) restored = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *restore_text = NULL;
  CompaniesNotice *notice;
  CompaniesRecord *record;

  /* A deletes it; B, offline, edits the notes and the phone. */
  e2e_delete (fixture->a->store, uuid);
  e2e_sync_once (fixture->a);
  g_object_unref (e2e_set (fixture->b->store, uuid, COMPANIES_FIELD_NOTES, "Call after 5pm"));
  g_object_unref (e2e_set (fixture->b->store, uuid, COMPANIES_FIELD_PHONE, "555-0199"));

  /* Deletes win; B's edit becomes a notice, not a silent loss. */
  result = e2e_sync_ok (fixture->b);
  g_assert_cmpuint (result->deleted_edits, ==, 1);
  g_assert_null (e2e_lookup (fixture->b->store, uuid));

  /* Kept across a restart of the store. */
  g_clear_object (&fixture->b->store);
  fixture->b->store = companies_local_store_open (fixture->b->path, &error);
  g_assert_no_error (error);

  notices = e2e_list_notices (fixture->b);
  g_assert_cmpuint (notices->len, ==, 1);
  notice = g_ptr_array_index (notices, 0);
  g_assert_cmpint (notice->kind, ==, COMPANIES_NOTICE_DELETED);
  g_assert_cmpstr (notice->uuid, ==, uuid);
  g_assert_cmpstr (notice->company_name, ==, "Café Olé");
  g_assert_cmpuint (notice->edited, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NOTES) |
                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_cmpstr (notice->lost_values[COMPANIES_FIELD_NOTES], ==, "Call after 5pm");
  g_assert_cmpstr (notice->lost_values[COMPANIES_FIELD_CITY], ==, "Porto");
  g_assert_null (notice->current);
  title = companies_notice_dup_title (notice);
  g_assert_nonnull (strstr (title, "Café Olé"));
  g_assert_nonnull (strstr (title, "deleted elsewhere while you edited it"));
  restore_text = companies_notice_dup_restore_text (notice);
  g_assert_nonnull (strstr (restore_text, "new company"));

  /* Restore as new: a new uuid, every value as B edited it. */
  restored = companies_local_store_restore_notice (fixture->b->store, notice->notice_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_company_get_uuid (restored), !=, uuid);
  g_assert_cmpint (companies_company_get_sync_state (restored), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
  after = e2e_list_notices (fixture->b);
  g_assert_cmpuint (after->len, ==, 0);
  /* A second restore of the same notice finds nothing. */
  g_assert_null (companies_local_store_restore_notice (fixture->b->store, notice->notice_id, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The next sync pushes it; A sees it. */
  e2e_sync_once (fixture->b);
  e2e_sync_once (fixture->a);
  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  record = g_hash_table_lookup (server, companies_company_get_uuid (restored));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Café Olé");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "555-0199");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NOTES], ==, "Call after 5pm");
  e2e_assert_store_equals (fixture->a->store, server);
  e2e_assert_store_equals (fixture->b->store, server);
}

/* A delete of a company not edited here leaves no notice. */
static void
test_deleted_unedited (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *uuid = shared_company (fixture, "Acme");
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GPtrArray) notices = NULL;

  e2e_delete (fixture->a->store, uuid);
  e2e_sync_once (fixture->a);
  result = e2e_sync_ok (fixture->b);
  g_assert_cmpuint (result->deleted_edits, ==, 0);
  notices = e2e_list_notices (fixture->b);
  g_assert_cmpuint (notices->len, ==, 0);
}

static void
test_overwritten_restore (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *uuid = shared_company (fixture, "Acme");
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(CompaniesCompany) restored = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *details = NULL;
  g_autofree char *restore_text = NULL;
  CompaniesNotice *notice;
  CompaniesRecord *record;

  /* A writes the phone first; B, not having seen it, writes it after. */
  g_object_unref (e2e_set (fixture->a->store, uuid, COMPANIES_FIELD_PHONE, "555-0111"));
  g_object_unref (e2e_set (fixture->b->store, uuid, COMPANIES_FIELD_PHONE, "555-0222"));
  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);

  notices = e2e_list_notices (fixture->b);
  g_assert_cmpuint (notices->len, ==, 1);
  notice = g_ptr_array_index (notices, 0);
  g_assert_cmpint (notice->kind, ==, COMPANIES_NOTICE_OVERWRITTEN);
  g_assert_cmpint (notice->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_cmpstr (notice->lost, ==, "555-0111");
  g_assert_cmpstr (notice->current, ==, "555-0222");
  details = companies_notice_dup_details (notice);
  g_assert_nonnull (strstr (details, "Current: “555-0222”, written by you"));
  g_assert_nonnull (strstr (details, "Lost: “555-0111”, written by another device"));
  restore_text = companies_notice_dup_restore_text (notice);
  g_assert_cmpstr (restore_text, ==, "Restore puts back “555-0111” as the phone.");

  restored = companies_local_store_restore_notice (fixture->b->store, notice->notice_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_company_get_field (restored, COMPANIES_FIELD_PHONE), ==, "555-0111");
  e2e_sync_once (fixture->b);
  e2e_sync_once (fixture->a);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  record = g_hash_table_lookup (server, uuid);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "555-0111");
  e2e_assert_store_equals (fixture->a->store, server);
  e2e_assert_store_equals (fixture->b->store, server);
  g_clear_pointer (&notices, g_ptr_array_unref);
  notices = e2e_list_notices (fixture->b);
  g_assert_cmpuint (notices->len, ==, 0);
}

/* More notices than the bound: the oldest go and are counted; a value
 * over the size cap is cut and cannot be restored. */
static void
test_bounds (Fixture       *fixture,
             gconstpointer  data)
{
  const guint n = COMPANIES_NOTICES_MAX + 20;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GString) long_value = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesNotice) shown = NULL;
  CompaniesNotice *newest;
  gint64 dropped = -1;
  gint64 count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Company %04u", i);
      g_autoptr(CompaniesCompany) added = e2e_add (fixture->a->store, name, "", "");

      g_ptr_array_add (uuids, g_strdup (companies_company_get_uuid (added)));
    }
  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);

  /* 10000 characters of two bytes each: over the cap of 16384 bytes. */
  for (guint i = 0; i < 10000; i++)
    g_string_append (long_value, "é");
  for (guint i = 0; i < n; i++)
    {
      const char *lost = i + 1 == n ? long_value->str : "from a";

      g_object_unref (e2e_set (fixture->a->store, uuids->pdata[i], COMPANIES_FIELD_NOTES, lost));
      g_object_unref (e2e_set (fixture->b->store, uuids->pdata[i], COMPANIES_FIELD_NOTES, "from b"));
    }
  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);

  notices = e2e_list_notices (fixture->b);
  g_assert_cmpuint (notices->len, ==, COMPANIES_NOTICES_MAX);
  g_assert_true (companies_local_store_get_notices_dropped (fixture->b->store, &dropped, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dropped, ==, 20);

  newest = g_ptr_array_index (notices, 0);
  /* What the app's bar reads: the newest one, the count, the dropped. */
  g_assert_true (companies_local_store_get_newest_notice (fixture->b->store, &shown, &count, &dropped, &error));
  g_assert_no_error (error);
  g_assert_cmpint (shown->notice_id, ==, newest->notice_id);
  g_assert_cmpint (count, ==, COMPANIES_NOTICES_MAX);
  g_assert_cmpint (dropped, ==, 20);
  g_assert_true (newest->lost_cut);
  g_assert_cmpuint (strlen (newest->lost), <=, COMPANIES_NOTICE_VALUE_MAX);
  g_assert_true (g_utf8_validate (newest->lost, -1, NULL));
  g_assert_true (g_str_has_prefix (long_value->str, newest->lost));
  g_assert_null (companies_local_store_restore_notice (fixture->b->store, newest->notice_id, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED);
  g_clear_error (&error);
  /* ...but it can be dismissed. */
  g_assert_true (companies_local_store_dismiss_notice (fixture->b->store, newest->notice_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&notices, g_ptr_array_unref);
  notices = e2e_list_notices (fixture->b);
  g_assert_cmpuint (notices->len, ==, COMPANIES_NOTICES_MAX - 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/e2e/notices/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("deleted-while-edited", test_deleted_while_edited);
  ADD ("deleted-unedited", test_deleted_unedited);
  ADD ("overwritten-restore", test_overwritten_restore);
  ADD ("bounds", test_bounds);
#undef ADD

  return g_test_run ();
}
