/* test-server-replaced.c: the server's database is replaced under a client
 * (a new server on a fresh database file). The client's next sync is a
 * reset that keeps everything the person typed: unsynced adds go up, edits
 * of old-server records come back as adds with the same uuid, and the old
 * server's untouched records disappear. Old ids never touch the new
 * server's records that happen to carry the same numbers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-server-replaced"

#include "e2e-helpers.h"

#define MAX_SYNCS 2

typedef struct
{
  E2eWorld   world;
  E2eClient *a;
  char      *uuids[3];   /* Alpha, Beta, Gamma, synced with the first server */
  gint64     ids[3];
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *names[] = { "Alpha", "Beta", "Gamma" };

  e2e_world_setup (&fixture->world, NULL);
  fixture->a = e2e_client_new (&fixture->world, "a", e2e_world_url (&fixture->world), NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CompaniesCompany) company = e2e_add (fixture->a->store, names[i], "Porto", "+351 22 100 000");

      fixture->uuids[i] = g_strdup (companies_company_get_uuid (company));
    }
  e2e_sync_once (fixture->a);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CompaniesCompany) company = e2e_lookup (fixture->a->store, fixture->uuids[i]);

      e2e_assert_synced (company);
      fixture->ids[i] = companies_company_get_id (company);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < 3; i++)
    g_clear_pointer (&fixture->uuids[i], g_free);
  g_clear_pointer (&fixture->a, e2e_client_free);
  e2e_world_teardown (&fixture->world, NULL);
}

/* Stops the server and starts one on @database_name (in the temp dir). */
static void
restart_server (Fixture    *fixture,
                const char *database_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = e2e_world_path (&fixture->world, database_name);

  companies_test_server_stop (fixture->world.server);
  g_clear_pointer (&fixture->world.server, companies_test_server_free);
  fixture->world.server = companies_test_server_start (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->world.server);
  companies_sync_client_set_server_url (fixture->a->client, e2e_world_url (&fixture->world));
}

/* Syncs until nothing is pending (at most MAX_SYNCS times); returns whether
 * the first sync was a reset. */
static gboolean
sync_until_clean (E2eClient *client)
{
  gboolean first_reset = FALSE;
  guint syncs;

  for (syncs = 1; syncs <= MAX_SYNCS; syncs++)
    {
      g_autoptr(CompaniesSyncResult) result = e2e_sync_ok (client);
      CompaniesStoreStatus status = e2e_status (client->store);

      if (syncs == 1)
        first_reset = result->reset;
      if (status.pending_added + status.pending_updated + status.pending_deleted == 0)
        break;
    }
  g_test_message ("converged after %u sync(s)", syncs);
  g_assert_cmpuint (syncs, <=, MAX_SYNCS);

  return first_reset;
}

static void
test_unsynced_work_survives (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(E2eClient) d = NULL;
  g_autoptr(CompaniesCompany) delta = NULL;
  g_autoptr(CompaniesCompany) epsilon = NULL;
  g_autoptr(CompaniesCompany) fresh_add = NULL;
  g_autoptr(CompaniesCompany) delta_synced = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  CompaniesRecord *record;

  restart_server (fixture, "replacement.db");

  /* the new server's own records take ids 1 and 2 again */
  d = e2e_client_new (&fixture->world, "d", e2e_world_url (&fixture->world), NULL);
  delta = e2e_add (d->store, "Delta", "Faro", "+351 289 000 000");
  epsilon = e2e_add (d->store, "Epsilon", "Faro", NULL);
  e2e_sync_once (d);
  delta_synced = e2e_lookup (d->store, companies_company_get_uuid (delta));
  g_test_message ("old ids %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                  "; Delta's new id %" G_GINT64_FORMAT,
                  fixture->ids[0], fixture->ids[1], fixture->ids[2],
                  companies_company_get_id (delta_synced));

  /* offline work on A: an add, an edit of Alpha, a delete of Gamma */
  fresh_add = e2e_add (fixture->a->store, "New One", "Braga", NULL);
  g_object_unref (e2e_set (fixture->a->store, fixture->uuids[0], COMPANIES_FIELD_CITY, "Edited"));
  e2e_delete (fixture->a->store, fixture->uuids[2]);

  g_assert_true (sync_until_clean (fixture->a));

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 4);

  /* the new server's records are untouched by the old ids */
  record = g_hash_table_lookup (server, companies_company_get_uuid (delta));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Delta");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Faro");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 289 000 000");
  record = g_hash_table_lookup (server, companies_company_get_uuid (epsilon));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Epsilon");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Faro");

  /* the add went up */
  record = g_hash_table_lookup (server, companies_company_get_uuid (fresh_add));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "New One");

  /* the edited old record came back as an add with the same uuid, whole */
  record = g_hash_table_lookup (server, fixture->uuids[0]);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Alpha");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Edited");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 22 100 000");

  /* the untouched and the deleted old records are gone */
  g_assert_false (g_hash_table_contains (server, fixture->uuids[1]));
  g_assert_false (g_hash_table_contains (server, fixture->uuids[2]));
  g_assert_null (e2e_lookup (fixture->a->store, fixture->uuids[1]));
  g_assert_null (e2e_lookup (fixture->a->store, fixture->uuids[2]));

  e2e_assert_store_equals (fixture->a->store, server);
  result = e2e_sync_ok (d);
  e2e_assert_store_equals (d->store, server);
}

/* Nothing pending: the old records go, the new server's arrive. */
static void
test_nothing_pending (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(E2eClient) d = NULL;
  g_autoptr(CompaniesCompany) delta = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;

  restart_server (fixture, "replacement.db");
  d = e2e_client_new (&fixture->world, "d", e2e_world_url (&fixture->world), NULL);
  delta = e2e_add (d->store, "Delta", "Faro", NULL);
  e2e_sync_once (d);

  result = e2e_sync_ok (fixture->a);
  g_assert_true (result->reset);
  g_assert_cmpuint (result->sent, ==, 0);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  e2e_assert_store_equals (fixture->a->store, server);
  for (guint i = 0; i < 3; i++)
    g_assert_null (e2e_lookup (fixture->a->store, fixture->uuids[i]));
}

/* The same database behind a restarted server (another port): no reset,
 * the pending edit goes up as an update. */
static void
test_same_database_restart (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  CompaniesRecord *record;

  g_object_unref (e2e_set (fixture->a->store, fixture->uuids[1], COMPANIES_FIELD_CITY, "Viseu"));
  restart_server (fixture, "server.db");

  result = e2e_sync_ok (fixture->a);
  g_assert_false (result->reset);
  g_assert_cmpuint (result->sent, ==, 1);
  g_assert_cmpuint (result->rejected, ==, 0);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 3);
  record = g_hash_table_lookup (server, fixture->uuids[1]);
  g_assert_nonnull (record);
  g_assert_cmpint (record->id, ==, fixture->ids[1]);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Viseu");
  e2e_assert_store_equals (fixture->a->store, server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/e2e/server-replaced/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("unsynced-work-survives", test_unsynced_work_survives);
  ADD ("nothing-pending", test_nothing_pending);
  ADD ("same-database-restart", test_same_database_restart);
#undef ADD

  return g_test_run ();
}
