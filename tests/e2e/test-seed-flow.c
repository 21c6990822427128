/* test-seed-flow.c: the pattern's whole flow (add, sync, edit and delete
 * offline, sync) with the flags the pattern prescribes, against a real server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-seed-flow"

#include "e2e-helpers.h"

static gboolean
list_has_uuid (GPtrArray  *list,
               const char *uuid)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (companies_company_get_uuid (g_ptr_array_index (list, i)), uuid))
      return TRUE;

  return FALSE;
}

/* The pattern's three filters return exactly these sets. */
static void
assert_filters (CompaniesLocalStore *store,
                const char * const  *added,
                const char * const  *updated,
                const char * const  *deleted)
{
  const char * const *expected[] = { added, updated, deleted };
  g_autoptr(GError) error = NULL;
  GPtrArray *lists[3];

  lists[0] = companies_local_store_list_added (store, &error);
  g_assert_no_error (error);
  lists[1] = companies_local_store_list_updated (store, &error);
  g_assert_no_error (error);
  lists[2] = companies_local_store_list_deleted (store, &error);
  g_assert_no_error (error);

  for (guint l = 0; l < 3; l++)
    {
      guint n = expected[l] != NULL ? g_strv_length ((char **) expected[l]) : 0;

      g_assert_cmpuint (lists[l]->len, ==, n);
      for (guint i = 0; i < n; i++)
        g_assert_true (list_has_uuid (lists[l], expected[l][i]));
      g_ptr_array_unref (lists[l]);
    }
}

static void
test_whole_flow (E2eWorld      *world,
                 gconstpointer  data)
{
  const char *url = e2e_world_url (world);
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", url, NULL);
  g_autoptr(E2eClient) b = e2e_client_new (world, "b", url, NULL);
  g_autoptr(E2eClient) c = NULL;
  g_autoptr(CompaniesCompany) acme = NULL;
  g_autoptr(CompaniesCompany) bolt = NULL;
  g_autoptr(CompaniesCompany) cog = NULL;
  g_autoptr(CompaniesCompany) dust = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) visible = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autofree char *bolt_ref = NULL;
  g_autofree char *cog_ref = NULL;
  CompaniesStoreStatus status;
  CompaniesCompany *companies[3];
  char *uuids[4] = { NULL };
  gint64 bolt_version;

  /* 1. add three, offline */
  acme = e2e_add (a->store, "Acme", "Porto", NULL);
  bolt = e2e_add (a->store, "Bolt", "Lisboa", "+351 21 000 0000");
  cog = e2e_add (a->store, "Cog", "Braga", NULL);
  companies[0] = acme;
  companies[1] = bolt;
  companies[2] = cog;
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CompaniesCompany) stored = e2e_lookup (a->store, companies_company_get_uuid (companies[i]));

      g_assert_nonnull (stored);
      g_assert_false (companies_company_get_is_from_server (stored));
      g_assert_true (companies_company_get_is_modified (stored));
      g_assert_true (companies_company_get_is_active (stored));
      g_assert_cmpint (companies_company_get_id (stored), ==, 0);
      g_assert_cmpint (companies_company_get_version (stored), ==, 0);
      g_assert_cmpint (companies_company_get_sync_state (stored), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
      uuids[i] = (char *) companies_company_get_uuid (companies[i]);
    }
  assert_filters (a->store, (const char * const *) uuids, NULL, NULL);
  status = e2e_status (a->store);
  g_assert_cmpuint (status.pending_added, ==, 3);
  g_assert_cmpuint (status.pending_updated, ==, 0);
  g_assert_cmpuint (status.pending_deleted, ==, 0);
  g_assert_cmpuint (status.active, ==, 3);
  g_assert_false (status.has_cursor);
  g_assert_cmpint (status.last_sync_time, ==, 0);

  /* 2. sync: every record gets a server id and the synced flags */
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 3);
  g_assert_cmpuint (result->rejected, ==, 0);
  g_assert_cmpuint (result->requests, >=, 1);
  g_assert_true (result->reset);
  g_clear_pointer (&result, companies_sync_result_free);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CompaniesCompany) stored = e2e_lookup (a->store, uuids[i]);
      g_autoptr(CompaniesCompany) by_id = NULL;
      g_autofree char *ref = NULL;

      g_assert_nonnull (stored);
      e2e_assert_synced (stored);
      ref = e2e_id_ref (companies_company_get_id (stored));
      by_id = e2e_lookup (a->store, ref);
      g_assert_nonnull (by_id);
      g_assert_cmpstr (companies_company_get_uuid (by_id), ==, uuids[i]);
      companies_company_set_id (companies[i], companies_company_get_id (stored));
    }
  g_assert_cmpint (companies_company_get_id (acme), !=, companies_company_get_id (bolt));
  g_assert_cmpint (companies_company_get_id (bolt), !=, companies_company_get_id (cog));
  g_assert_cmpint (companies_company_get_id (acme), !=, companies_company_get_id (cog));
  assert_filters (a->store, NULL, NULL, NULL);

  server = e2e_server_records (url, NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 3);
  e2e_assert_store_equals (a->store, server);

  /* B's first sync (the reset path) gets exactly the server's records */
  result = e2e_sync_ok (b);
  g_assert_true (result->reset);
  g_assert_cmpuint (result->received, ==, 3);
  g_assert_cmpuint (result->sent, ==, 0);
  g_clear_pointer (&result, companies_sync_result_free);
  e2e_assert_store_equals (b->store, server);
  g_clear_pointer (&server, g_hash_table_unref);

  /* 3. edit one (by server id) and delete one, offline */
  bolt_ref = e2e_id_ref (companies_company_get_id (bolt));
  {
    g_autoptr(CompaniesCompany) before = e2e_lookup (a->store, bolt_ref);
    g_autoptr(CompaniesCompany) edited = e2e_set (a->store, bolt_ref, COMPANIES_FIELD_PHONE,
                                                  "+351 21 999 9999");

    bolt_version = companies_company_get_version (before);
    g_assert_true (companies_company_get_is_from_server (edited));
    g_assert_true (companies_company_get_is_modified (edited));
    g_assert_true (companies_company_get_is_active (edited));
    g_assert_cmpuint (companies_company_get_changed_fields (edited), ==,
                      COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
    g_assert_cmpint (companies_company_get_sync_state (edited), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);
    g_assert_cmpint (companies_company_get_version (edited), ==, bolt_version);
  }

  cog_ref = e2e_id_ref (companies_company_get_id (cog));
  e2e_delete (a->store, uuids[2]);
  {
    g_autoptr(CompaniesCompany) deleted = e2e_lookup (a->store, uuids[2]);

    g_assert_nonnull (deleted);
    g_assert_true (companies_company_get_is_from_server (deleted));
    g_assert_false (companies_company_get_is_active (deleted));
    g_assert_cmpint (companies_company_get_sync_state (deleted), ==, COMPANIES_SYNC_STATE_PENDING_DELETE);
  }
  visible = companies_local_store_list (a->store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visible->len, ==, 2);
  g_assert_false (list_has_uuid (visible, uuids[2]));
  all = e2e_list_all (a->store);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_true (list_has_uuid (all, uuids[2]));
  g_clear_pointer (&visible, g_ptr_array_unref);
  g_clear_pointer (&all, g_ptr_array_unref);

  /* a record never synced is removed at once and never sent */
  dust = e2e_add (a->store, "Dust", NULL, NULL);
  uuids[3] = (char *) companies_company_get_uuid (dust);
  e2e_delete (a->store, uuids[3]);
  g_assert_null (e2e_lookup (a->store, uuids[3]));

  {
    const char *updated[] = { uuids[1], NULL };
    const char *deleted[] = { uuids[2], NULL };

    assert_filters (a->store, NULL, updated, deleted);
  }
  status = e2e_status (a->store);
  g_assert_cmpuint (status.pending_added, ==, 0);
  g_assert_cmpuint (status.pending_updated, ==, 1);
  g_assert_cmpuint (status.pending_deleted, ==, 1);
  g_assert_cmpuint (status.active, ==, 2);

  /* 4. sync: flags reset, the deleted row gone, a tombstone on the server */
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 2);
  g_assert_cmpuint (result->rejected, ==, 0);
  g_assert_false (result->reset);
  g_clear_pointer (&result, companies_sync_result_free);

  {
    g_autoptr(CompaniesCompany) edited = e2e_lookup (a->store, uuids[1]);

    g_assert_nonnull (edited);
    e2e_assert_synced (edited);
    g_assert_cmpstr (companies_company_get_field (edited, COMPANIES_FIELD_PHONE), ==, "+351 21 999 9999");
    g_assert_cmpstr (companies_company_get_field (edited, COMPANIES_FIELD_CITY), ==, "Lisboa");
    g_assert_cmpint (companies_company_get_version (edited), >, bolt_version);
  }
  g_assert_null (e2e_lookup (a->store, uuids[2]));
  g_assert_null (e2e_lookup (a->store, cog_ref));
  all = e2e_list_all (a->store);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_false (list_has_uuid (all, uuids[2]));
  g_clear_pointer (&all, g_ptr_array_unref);

  server = e2e_server_records (url, NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  g_assert_false (g_hash_table_contains (server, uuids[2]));
  g_assert_false (g_hash_table_contains (server, uuids[3]));
  e2e_assert_store_equals (a->store, server);

  /* B (synced before) pulls the edit and the tombstone, without a reset */
  result = e2e_sync_ok (b);
  g_assert_false (result->reset);
  g_assert_cmpuint (result->received, >=, 2);
  g_assert_cmpuint (result->sent, ==, 0);
  g_clear_pointer (&result, companies_sync_result_free);
  g_assert_null (e2e_lookup (b->store, uuids[2]));
  e2e_assert_store_equals (b->store, server);

  /* a fresh client gets exactly the live records, not the deleted one */
  c = e2e_client_new (world, "c", url, NULL);
  result = e2e_sync_ok (c);
  g_assert_true (result->reset);
  g_assert_cmpuint (result->received, ==, 2);
  g_clear_pointer (&result, companies_sync_result_free);
  g_assert_null (e2e_lookup (c->store, uuids[2]));
  e2e_assert_store_equals (c->store, server);

  {
    g_autoptr(GPtrArray) list_a = e2e_list_all (a->store);
    g_autoptr(GPtrArray) list_b = e2e_list_all (b->store);
    g_autoptr(GPtrArray) list_c = e2e_list_all (c->store);

    e2e_assert_same_records (list_a, list_b);
    e2e_assert_same_records (list_a, list_c);
  }
}

/* A second installation that typed records before its first sync: the
 * reset gives it the server's records and keeps (and pushes) its own. */
static void
test_first_sync_keeps_local_work (E2eWorld      *world,
                                  gconstpointer  data)
{
  const char *url = e2e_world_url (world);
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", url, NULL);
  g_autoptr(E2eClient) b = e2e_client_new (world, "b", url, NULL);
  g_autoptr(CompaniesCompany) mine = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Server company %u", i);
      g_autoptr(CompaniesCompany) company = e2e_add (a->store, name, "Faro", NULL);
    }
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 5);
  g_clear_pointer (&result, companies_sync_result_free);

  mine = e2e_add (b->store, "Typed before the first sync", "Aveiro", "+351 234 000 000");
  result = e2e_sync_ok (b);
  g_assert_true (result->reset);
  g_assert_cmpuint (result->sent, ==, 1);
  g_clear_pointer (&result, companies_sync_result_free);

  server = e2e_server_records (url, NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 6);
  g_assert_true (g_hash_table_contains (server, companies_company_get_uuid (mine)));
  e2e_assert_store_equals (b->store, server);

  e2e_sync_once (a);
  e2e_assert_store_equals (a->store, server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/e2e/seed-flow/whole-flow", E2eWorld, NULL,
              e2e_world_setup, test_whole_flow, e2e_world_teardown);
  g_test_add ("/e2e/seed-flow/first-sync-keeps-local-work", E2eWorld, NULL,
              e2e_world_setup, test_first_sync_keeps_local_work, e2e_world_teardown);

  return g_test_run ();
}
