/* test-client-crash.c: companies-cli is killed (SIGKILL, through the
 * test-only COMPANIES_TEST_CRASH_AT hook) between sending a request and
 * applying its response, in the middle of applying a page, and right after
 * a page was committed. On restart the local database is consistent, no
 * local edit is lost, and the next sync converges without duplicates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-faults"

#include <signal.h>

#include "faults-util.h"

#define N_BASE     8
#define N_A_ADDS   6
#define N_B_ADDS   3
/* base-0 merged (B: city, A: phone), base-1 deleted by B, base-2..4 edited
 * by A, base-5 and base-6 deleted by A. */
#define N_EXPECTED (N_BASE - 1 - 2 + N_B_ADDS + N_A_ADDS)

typedef struct
{
  E2eWorld   world;
  char      *a_path;
  char      *base[N_BASE];      /* uuids */
  char      *a_adds[N_A_ADDS];  /* uuids of A's pending additions */
  char      *before;            /* picture of A's store before the crash */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(E2eClient) b = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;

  e2e_world_setup (&fixture->world, NULL);
  a = e2e_client_new (&fixture->world, "a", e2e_world_url (&fixture->world), NULL);
  b = e2e_client_new (&fixture->world, "b", e2e_world_url (&fixture->world), NULL);
  fixture->a_path = g_strdup (a->path);

  for (guint i = 0; i < N_BASE; i++)
    {
      g_autofree char *name = g_strdup_printf ("base-%u", i);
      g_autofree char *city = g_strdup_printf ("city-%u", i);
      g_autoptr(CompaniesCompany) company = e2e_add (a->store, name, city, "");

      fixture->base[i] = g_strdup (companies_company_get_uuid (company));
    }
  g_clear_pointer (&result, companies_sync_result_free);
  result = e2e_sync_ok (a);

  /* Another installation changes things that A will pull. */
  g_clear_pointer (&result, companies_sync_result_free);
  result = e2e_sync_ok (b);
  g_object_unref (e2e_set (b->store, fixture->base[0], COMPANIES_FIELD_CITY, "b-city"));
  e2e_delete (b->store, fixture->base[1]);
  for (guint i = 0; i < N_B_ADDS; i++)
    {
      g_autofree char *name = g_strdup_printf ("b-new-%u", i);

      g_object_unref (e2e_add (b->store, name, "b-town", ""));
    }
  g_clear_pointer (&result, companies_sync_result_free);
  result = e2e_sync_ok (b);

  /* A's pending changes: additions, edits, a merge and deletes. */
  for (guint i = 0; i < N_A_ADDS; i++)
    {
      g_autofree char *name = g_strdup_printf ("a-new-%u", i);
      g_autofree char *city = g_strdup_printf ("a-city-%u", i);
      g_autoptr(CompaniesCompany) company = e2e_add (a->store, name, city, "");

      fixture->a_adds[i] = g_strdup (companies_company_get_uuid (company));
    }
  g_object_unref (e2e_set (a->store, fixture->base[0], COMPANIES_FIELD_PHONE, "a-phone-0"));
  for (guint i = 2; i <= 4; i++)
    {
      g_autofree char *phone = g_strdup_printf ("a-phone-%u", i);

      g_object_unref (e2e_set (a->store, fixture->base[i], COMPANIES_FIELD_PHONE, phone));
    }
  e2e_delete (a->store, fixture->base[5]);
  e2e_delete (a->store, fixture->base[6]);

  fixture->before = faults_store_picture (a->store);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->a_path);
  g_free (fixture->before);
  for (guint i = 0; i < N_BASE; i++)
    g_free (fixture->base[i]);
  for (guint i = 0; i < N_A_ADDS; i++)
    g_free (fixture->a_adds[i]);
  e2e_world_teardown (&fixture->world, NULL);
}

/* companies-cli sync, killed at @point. */
static void
sync_and_crash (Fixture    *fixture,
                const char *point)
{
  g_autofree char *crash_env = g_strconcat ("COMPANIES_TEST_CRASH_AT=", point, NULL);
  const char *args[] = { "--database", fixture->a_path,
                         "--server", e2e_world_url (&fixture->world), "sync", NULL };
  const char *env[] = { crash_env, NULL };
  g_autoptr(FaultsCliRun) run = faults_cli_run (args, env, 30000);

  if (!run->signaled || run->term_sig != SIGKILL)
    g_error ("companies-cli sync was not killed at %s (exited %d, status %d):\n%s\n%s",
             point, run->exited, run->status, run->out, run->err);
}

/* The store opens, and every local change made before the crash is still
 * pending or confirmed by the server with the same values. */
static void
assert_no_local_edit_lost (Fixture             *fixture,
                           CompaniesLocalStore *store)
{
  for (guint i = 0; i < N_A_ADDS; i++)
    {
      g_autoptr(CompaniesCompany) company = e2e_lookup (store, fixture->a_adds[i]);
      g_autofree char *name = g_strdup_printf ("a-new-%u", i);
      g_autofree char *city = g_strdup_printf ("a-city-%u", i);

      g_assert_nonnull (company);
      g_assert_true (companies_company_get_is_active (company));
      g_assert_cmpstr (companies_company_get_name (company), ==, name);
      g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_CITY), ==, city);
      /* pending addition, or confirmed */
      g_assert_true (!companies_company_get_is_from_server (company) ||
                     !companies_company_get_is_modified (company));
    }

  for (guint i = 0; i <= 4; i++)
    {
      g_autoptr(CompaniesCompany) company = NULL;
      g_autofree char *phone = NULL;

      if (i == 1)
        continue;   /* deleted by B; A has not pulled that yet, or has */

      company = e2e_lookup (store, fixture->base[i]);
      g_assert_nonnull (company);
      g_assert_true (companies_company_get_is_active (company));
      phone = g_strdup_printf ("a-phone-%u", i);
      g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_PHONE), ==, phone);
      /* still pending with phone in the changed set, or confirmed */
      if (companies_company_get_is_modified (company))
        g_assert_true (companies_company_get_changed_fields (company) &
                       COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
    }

  for (guint i = 5; i <= 6; i++)
    {
      g_autoptr(CompaniesCompany) company = e2e_lookup (store, fixture->base[i]);

      /* still pending as deleted, or removed once confirmed */
      if (company != NULL)
        g_assert_false (companies_company_get_is_active (company));
    }
}

/* A normal sync through the CLI, then: A equals the server, the server
 * holds each record once, and a fresh installation gets the same list. */
static void
assert_converges (Fixture *fixture)
{
  const char *args[] = { "--database", fixture->a_path,
                         "--server", e2e_world_url (&fixture->world), "sync", NULL };
  g_autoptr(FaultsCliRun) run = faults_cli_run_ok (args, NULL);
  g_autoptr(GHashTable) server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(E2eClient) fresh = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) merged = NULL;
  GHashTableIter iter;
  gpointer value;

  /* No duplicates: every name once (a retried addition made twice would
   * have a new uuid but the same name). */
  g_assert_cmpuint (g_hash_table_size (server), ==, N_EXPECTED);
  g_hash_table_iter_init (&iter, server);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CompaniesRecord *record = value;
      const char *name = record->values[COMPANIES_FIELD_NAME];

      if (g_hash_table_contains (names, name))
        g_error ("the server holds “%s” twice", name);
      g_hash_table_add (names, (gpointer) name);
    }
  for (guint i = 0; i < N_A_ADDS; i++)
    g_assert_true (g_hash_table_contains (server, fixture->a_adds[i]));
  g_assert_false (g_hash_table_contains (server, fixture->base[1]));
  g_assert_false (g_hash_table_contains (server, fixture->base[5]));
  g_assert_false (g_hash_table_contains (server, fixture->base[6]));

  store = companies_local_store_open (fixture->a_path, &error);
  g_assert_no_error (error);
  e2e_assert_store_equals (store, server);

  /* Both clients' changes to base-0 were kept, field by field. */
  merged = e2e_lookup (store, fixture->base[0]);
  g_assert_cmpstr (companies_company_get_field (merged, COMPANIES_FIELD_CITY), ==, "b-city");
  g_assert_cmpstr (companies_company_get_field (merged, COMPANIES_FIELD_PHONE), ==, "a-phone-0");

  fresh = e2e_client_new (&fixture->world, "fresh", e2e_world_url (&fixture->world), NULL);
  result = e2e_sync_ok (fresh);
  mine = e2e_list_all (store);
  theirs = e2e_list_all (fresh->store);
  e2e_assert_same_records (mine, theirs);
}

static void
test_crash (Fixture       *fixture,
            gconstpointer  data)
{
  const char *point = data;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  CompaniesStoreStatus status;

  sync_and_crash (fixture, point);

  faults_assert_integrity (fixture->a_path);
  store = companies_local_store_open (fixture->a_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  assert_no_local_edit_lost (fixture, store);

  after = faults_store_picture (store);
  status = e2e_status (store);
  if (g_str_equal (point, "after-apply"))
    {
      /* The first response was committed: every pushed change is
       * confirmed, and B's changes came with it. */
      g_assert_cmpuint (status.pending_added, ==, 0);
      g_assert_cmpuint (status.pending_updated, ==, 0);
      g_assert_cmpuint (status.pending_deleted, ==, 0);
      g_assert_true (status.has_cursor);
      g_assert_null (e2e_lookup (store, fixture->base[1]));
    }
  else
    {
      /* Nothing of the response was committed: the store is exactly as
       * before, every change still pending. */
      g_assert_cmpstr (after, ==, fixture->before);
      g_assert_cmpuint (status.pending_added, ==, N_A_ADDS);
      g_assert_cmpuint (status.pending_updated, ==, 4);
      g_assert_cmpuint (status.pending_deleted, ==, 2);
    }

  if (g_str_equal (point, "after-send"))
    {
      /* The response was lost after the server committed the push. */
      g_autoptr(GHashTable) server = e2e_server_records (e2e_world_url (&fixture->world), NULL);

      for (guint i = 0; i < N_A_ADDS; i++)
        g_assert_true (g_hash_table_contains (server, fixture->a_adds[i]));
    }

  g_clear_object (&store);
  assert_converges (fixture);
  faults_assert_integrity (fixture->a_path);
}

/* Killed at every point in turn on the same file, then one normal sync. */
static void
test_crash_repeatedly (Fixture       *fixture,
                       gconstpointer  data)
{
  const char * const points[] = { "after-send", "mid-apply", "after-send", "after-apply" };

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr(CompaniesLocalStore) store = NULL;
      g_autoptr(GError) error = NULL;

      sync_and_crash (fixture, points[i]);
      faults_assert_integrity (fixture->a_path);
      store = companies_local_store_open (fixture->a_path, &error);
      g_assert_no_error (error);
      assert_no_local_edit_lost (fixture, store);
    }

  assert_converges (fixture);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/faults/crash/after-send", Fixture, "after-send",
              fixture_setup, test_crash, fixture_teardown);
  g_test_add ("/faults/crash/mid-apply", Fixture, "mid-apply",
              fixture_setup, test_crash, fixture_teardown);
  g_test_add ("/faults/crash/after-apply", Fixture, "after-apply",
              fixture_setup, test_crash, fixture_teardown);
  g_test_add ("/faults/crash/repeatedly", Fixture, NULL,
              fixture_setup, test_crash_repeatedly, fixture_teardown);

  return g_test_run ();
}
