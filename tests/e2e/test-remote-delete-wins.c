/* test-remote-delete-wins.c: a record deleted elsewhere beats a local
 * update: after its sync the updating installation no longer holds it,
 * and the server keeps it deleted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-remote-delete-wins"

#include "e2e-helpers.h"

typedef struct
{
  E2eWorld   world;
  E2eClient *a;
  E2eClient *b;
  char      *doomed;  /* uuid of the record A deletes */
  char      *other;   /* uuid of a record nobody deletes */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CompaniesCompany) doomed = NULL;
  g_autoptr(CompaniesCompany) other = NULL;

  e2e_world_setup (&fixture->world, NULL);
  fixture->a = e2e_client_new (&fixture->world, "a", e2e_world_url (&fixture->world), NULL);
  fixture->b = e2e_client_new (&fixture->world, "b", e2e_world_url (&fixture->world), NULL);
  doomed = e2e_add (fixture->a->store, "Doomed Ltd", "Porto", NULL);
  other = e2e_add (fixture->a->store, "Other Ltd", "Porto", NULL);
  fixture->doomed = g_strdup (companies_company_get_uuid (doomed));
  fixture->other = g_strdup (companies_company_get_uuid (other));
  e2e_sync_once (fixture->a);
  e2e_sync_once (fixture->b);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->doomed, g_free);
  g_clear_pointer (&fixture->other, g_free);
  g_clear_pointer (&fixture->a, e2e_client_free);
  g_clear_pointer (&fixture->b, e2e_client_free);
  e2e_world_teardown (&fixture->world, NULL);
}

static void
sync_expecting (E2eClient *client,
                guint      sent)
{
  g_autoptr(CompaniesSyncResult) result = e2e_sync_ok (client);

  g_assert_cmpuint (result->sent, ==, sent);
  g_assert_cmpuint (result->rejected, ==, 0);
}

/* The doomed record is gone everywhere; the other one is on both clients. */
static GHashTable *
assert_gone_everywhere (Fixture *fixture)
{
  GHashTable *server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_autoptr(GPtrArray) all_b = e2e_list_all (fixture->b->store);

  g_assert_false (g_hash_table_contains (server, fixture->doomed));
  g_assert_true (g_hash_table_contains (server, fixture->other));
  g_assert_null (e2e_lookup (fixture->a->store, fixture->doomed));
  g_assert_null (e2e_lookup (fixture->b->store, fixture->doomed));
  for (guint i = 0; i < all_b->len; i++)
    g_assert_cmpstr (companies_company_get_uuid (g_ptr_array_index (all_b, i)), !=, fixture->doomed);
  e2e_assert_store_equals (fixture->a->store, server);
  e2e_assert_store_equals (fixture->b->store, server);

  return server;
}

static void
test_delete_beats_later_update (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;

  g_object_unref (e2e_set (fixture->b->store, fixture->doomed, COMPANIES_FIELD_CITY, "Lisboa"));
  e2e_delete (fixture->a->store, fixture->doomed);

  sync_expecting (fixture->a, 1);
  sync_expecting (fixture->b, 1);
  sync_expecting (fixture->a, 0);
  server = assert_gone_everywhere (fixture);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);

  /* and a fresh installation never sees it */
  {
    g_autoptr(E2eClient) fresh = e2e_client_new (&fixture->world, "fresh", e2e_world_url (&fixture->world), NULL);

    sync_expecting (fresh, 0);
    g_assert_null (e2e_lookup (fresh->store, fixture->doomed));
    e2e_assert_store_equals (fresh->store, server);
  }
}

/* B's other changes in the same sync still go through. */
static void
test_delete_with_other_changes (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(CompaniesCompany) added = NULL;
  CompaniesRecord *record;

  g_object_unref (e2e_set (fixture->b->store, fixture->doomed, COMPANIES_FIELD_NOTES, "Still a customer"));
  g_object_unref (e2e_set (fixture->b->store, fixture->other, COMPANIES_FIELD_PHONE, "+351 22 777 7777"));
  added = e2e_add (fixture->b->store, "New Ltd", "Braga", NULL);
  e2e_delete (fixture->a->store, fixture->doomed);

  sync_expecting (fixture->a, 1);
  sync_expecting (fixture->b, 3);
  sync_expecting (fixture->a, 0);
  server = assert_gone_everywhere (fixture);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  record = g_hash_table_lookup (server, fixture->other);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 22 777 7777");
  g_assert_true (g_hash_table_contains (server, companies_company_get_uuid (added)));
}

/* The update reached the server first; the delete (from a client that never
 * saw the update) still wins, and B loses the record on its next sync. */
static void
test_delete_after_update (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;

  g_object_unref (e2e_set (fixture->b->store, fixture->doomed, COMPANIES_FIELD_CITY, "Faro"));
  sync_expecting (fixture->b, 1);
  e2e_delete (fixture->a->store, fixture->doomed);
  sync_expecting (fixture->a, 1);
  sync_expecting (fixture->b, 0);
  server = assert_gone_everywhere (fixture);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
}

/* Both delete: no error, gone everywhere. */
static void
test_both_delete (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;

  e2e_delete (fixture->a->store, fixture->doomed);
  e2e_delete (fixture->b->store, fixture->doomed);
  sync_expecting (fixture->a, 1);
  sync_expecting (fixture->b, 1);
  sync_expecting (fixture->a, 0);
  server = assert_gone_everywhere (fixture);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/e2e/remote-delete-wins/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("delete-beats-later-update", test_delete_beats_later_update);
  ADD ("delete-with-other-changes", test_delete_with_other_changes);
  ADD ("delete-after-update", test_delete_after_update);
  ADD ("both-delete", test_both_delete);
#undef ADD

  return g_test_run ();
}
