/* test-two-clients-merge.c: two installations edit the same record
 * offline. Different fields: both keep their change. The same field: the
 * later push wins, and the later pusher is told which value it replaced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-two-clients-merge"

#include "companies-local-store-notices.h"
#include "e2e-helpers.h"

typedef struct
{
  E2eWorld          world;
  E2eClient        *a;
  E2eClient        *b;
  CompaniesCompany *record;  /* as A made it */
} Fixture;

/* A adds one record and both installations sync it. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *uuid = NULL;

  e2e_world_setup (&fixture->world, NULL);
  fixture->a = e2e_client_new (&fixture->world, "a", e2e_world_url (&fixture->world), NULL);
  fixture->b = e2e_client_new (&fixture->world, "b", e2e_world_url (&fixture->world), NULL);
  fixture->record = e2e_add (fixture->a->store, "Acme", "Porto", "+351 22 000 0000");
  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);
  uuid = g_strdup (companies_company_get_uuid (fixture->record));
  g_object_unref (fixture->record);
  fixture->record = e2e_lookup (fixture->b->store, uuid);
  g_assert_nonnull (fixture->record);
  e2e_assert_synced (fixture->record);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->record);
  g_clear_pointer (&fixture->a, e2e_client_free);
  g_clear_pointer (&fixture->b, e2e_client_free);
  e2e_world_teardown (&fixture->world, NULL);
}

static const char *
uuid_of (Fixture *fixture)
{
  return companies_company_get_uuid (fixture->record);
}

static guint
sync_and_count_overwritten (E2eClient *client,
                            guint      expected_sent)
{
  g_autoptr(CompaniesSyncResult) result = e2e_sync_ok (client);

  g_assert_cmpuint (result->sent, ==, expected_sent);
  g_assert_cmpuint (result->rejected, ==, 0);
  return result->overwritten;
}

/* The notices of values this client's pushes replaced unseen (the
 * other side's "replaced" notices are left out: docs/notices.md). */
static GPtrArray *
notices (E2eClient *client)
{
  g_autoptr(GPtrArray) all = e2e_list_notices (client);
  GPtrArray *ours = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_notice_free);

  for (guint i = 0; i < all->len; i++)
    {
      CompaniesNotice *notice = g_ptr_array_index (all, i);

      if (notice->kind == COMPANIES_NOTICE_OVERWRITTEN && !notice->replaced)
        g_ptr_array_add (ours, g_ptr_array_steal_index (all, i--));
    }
  return ours;
}

/* Both clients and the server end with the same record. */
static CompaniesRecord *
assert_converged (Fixture    *fixture,
                  GHashTable *server)
{
  CompaniesRecord *record = g_hash_table_lookup (server, uuid_of (fixture));

  g_assert_nonnull (record);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  e2e_assert_store_equals (fixture->a->store, server);
  e2e_assert_store_equals (fixture->b->store, server);

  return record;
}

static void
test_different_fields (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) notices_a = NULL;
  g_autoptr(GPtrArray) notices_b = NULL;
  CompaniesRecord *record;

  g_object_unref (e2e_set (fixture->a->store, uuid_of (fixture), COMPANIES_FIELD_CITY, "Lisboa"));
  g_object_unref (e2e_set (fixture->b->store, uuid_of (fixture), COMPANIES_FIELD_PHONE, "+351 21 555 5555"));

  g_assert_cmpuint (sync_and_count_overwritten (fixture->a, 1), ==, 0);
  g_assert_cmpuint (sync_and_count_overwritten (fixture->b, 1), ==, 0);
  g_assert_cmpuint (sync_and_count_overwritten (fixture->a, 0), ==, 0);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  record = assert_converged (fixture, server);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Lisboa");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 21 555 5555");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Acme");

  notices_a = notices (fixture->a);
  notices_b = notices (fixture->b);
  g_assert_cmpuint (notices_a->len, ==, 0);
  g_assert_cmpuint (notices_b->len, ==, 0);
}

static void
test_same_field (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) notices_a = NULL;
  g_autoptr(GPtrArray) notices_b = NULL;
  g_autoptr(CompaniesCompany) a_after_push = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesNotice *notice;
  CompaniesRecord *record;

  g_object_unref (e2e_set (fixture->a->store, uuid_of (fixture), COMPANIES_FIELD_PHONE, "+351 22 111 1111"));
  g_object_unref (e2e_set (fixture->b->store, uuid_of (fixture), COMPANIES_FIELD_PHONE, "+351 22 222 2222"));

  /* A pushes first: it replaced nothing it had not seen */
  g_assert_cmpuint (sync_and_count_overwritten (fixture->a, 1), ==, 0);
  a_after_push = e2e_lookup (fixture->a->store, uuid_of (fixture));
  g_assert_nonnull (a_after_push);

  /* B pushes second: it replaced A's value unseen, and is told */
  g_assert_cmpuint (sync_and_count_overwritten (fixture->b, 1), ==, 1);
  g_assert_cmpuint (sync_and_count_overwritten (fixture->a, 0), ==, 0);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  record = assert_converged (fixture, server);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 22 222 2222");

  notices_a = notices (fixture->a);
  g_assert_cmpuint (notices_a->len, ==, 0);
  notices_b = notices (fixture->b);
  g_assert_cmpuint (notices_b->len, ==, 1);
  notice = g_ptr_array_index (notices_b, 0);
  g_assert_cmpstr (notice->uuid, ==, uuid_of (fixture));
  g_assert_cmpint (notice->id, ==, record->id);
  g_assert_cmpint (notice->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_cmpstr (notice->lost, ==, "+351 22 111 1111");
  g_assert_cmpint (notice->lost_version, ==, companies_company_get_version (a_after_push));
  g_assert_cmpstr (notice->company_name, ==, "Acme");

  /* dismissed, it is gone */
  g_assert_true (companies_local_store_dismiss_notice (fixture->b->store, notice->notice_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&notices_b, g_ptr_array_unref);
  notices_b = notices (fixture->b);
  g_assert_cmpuint (notices_b->len, ==, 0);
}

/* The same field set to the same value: nothing was replaced. */
static void
test_same_field_same_value (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) notices_b = NULL;
  CompaniesRecord *record;

  g_object_unref (e2e_set (fixture->a->store, uuid_of (fixture), COMPANIES_FIELD_EMAIL, "info@acme.example"));
  g_object_unref (e2e_set (fixture->b->store, uuid_of (fixture), COMPANIES_FIELD_EMAIL, "info@acme.example"));

  g_assert_cmpuint (sync_and_count_overwritten (fixture->a, 1), ==, 0);
  g_assert_cmpuint (sync_and_count_overwritten (fixture->b, 1), ==, 0);
  g_assert_cmpuint (sync_and_count_overwritten (fixture->a, 0), ==, 0);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  record = assert_converged (fixture, server);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_EMAIL], ==, "info@acme.example");
  notices_b = notices (fixture->b);
  g_assert_cmpuint (notices_b->len, ==, 0);
}

/* Overlapping sets: the shared field goes to the later pusher, the others
 * to whoever changed them. */
static void
test_overlapping_fields (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) notices_a = NULL;
  g_autoptr(GPtrArray) notices_b = NULL;
  CompaniesNotice *notice;
  CompaniesRecord *record;
  const char *uuid = uuid_of (fixture);

  g_object_unref (e2e_set (fixture->a->store, uuid, COMPANIES_FIELD_PHONE, "+351 22 333 3333"));
  g_object_unref (e2e_set (fixture->a->store, uuid, COMPANIES_FIELD_CITY, "Matosinhos"));
  g_object_unref (e2e_set (fixture->b->store, uuid, COMPANIES_FIELD_PHONE, "+351 22 444 4444"));
  g_object_unref (e2e_set (fixture->b->store, uuid, COMPANIES_FIELD_NOTES, "Call before noon"));

  /* B first this time: A is the later pusher */
  g_assert_cmpuint (sync_and_count_overwritten (fixture->b, 1), ==, 0);
  g_assert_cmpuint (sync_and_count_overwritten (fixture->a, 1), ==, 1);
  g_assert_cmpuint (sync_and_count_overwritten (fixture->b, 0), ==, 0);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  record = assert_converged (fixture, server);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 22 333 3333");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Matosinhos");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NOTES], ==, "Call before noon");

  notices_b = notices (fixture->b);
  g_assert_cmpuint (notices_b->len, ==, 0);
  notices_a = notices (fixture->a);
  g_assert_cmpuint (notices_a->len, ==, 1);
  notice = g_ptr_array_index (notices_a, 0);
  g_assert_cmpint (notice->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_cmpstr (notice->lost, ==, "+351 22 444 4444");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/e2e/two-clients-merge/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("different-fields", test_different_fields);
  ADD ("same-field", test_same_field);
  ADD ("same-field-same-value", test_same_field_same_value);
  ADD ("overlapping-fields", test_overlapping_fields);
#undef ADD

  return g_test_run ();
}
