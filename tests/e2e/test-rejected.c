/* test-rejected.c: a record the server refuses stays local, marked with the
 * reason, is not sent again until it changes, and syncs once fixed.
 *
 * The client validates with the server's rules, so a refused record comes
 * from elsewhere (another version of the client, a rule that changed). The
 * test makes one by writing an invalid value into the local SQLite file
 * directly, as such a client would have left it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-rejected"

#include <sqlite3.h>

#include "e2e-helpers.h"

static gboolean
table_has_columns (sqlite3    *db,
                   const char *table,
                   const char *column)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *statement = NULL;
  gboolean has_uuid = FALSE;
  gboolean has_column = FALSE;
  char *quoted = sqlite3_mprintf ("PRAGMA table_info(\"%w\")", table);

  sql = g_strdup (quoted);
  sqlite3_free (quoted);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (statement, 1);

      has_uuid = has_uuid || g_strcmp0 (name, "uuid") == 0;
      has_column = has_column || g_strcmp0 (name, column) == 0;
    }
  sqlite3_finalize (statement);

  return has_uuid && has_column;
}

/* Writes @value into @column of the record @uuid, bypassing the store (the
 * table is the one with a "uuid" and a @column column). */
static void
inject_value (const char *path,
              const char *uuid,
              const char *column,
              const char *value)
{
  g_autofree char *table = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *statement = NULL;
  sqlite3 *db = NULL;
  char *quoted;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  while (table == NULL && sqlite3_step (statement) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (statement, 0);

      if (table_has_columns (db, name, column))
        table = g_strdup (name);
    }
  sqlite3_finalize (statement);
  g_assert_nonnull (table);

  quoted = sqlite3_mprintf ("UPDATE \"%w\" SET \"%w\" = ?1 WHERE uuid = ?2", table, column);
  sql = g_strdup (quoted);
  sqlite3_free (quoted);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (statement, 2, uuid, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (statement);
  sqlite3_close (db);
}

/* The changes sent in the requests made since @first (1-based). */
static gint
changes_since (CompaniesTestProxy *proxy,
               guint               first)
{
  guint last = companies_test_proxy_get_request_count (proxy);
  gint total = 0;

  g_assert_cmpuint (last, >=, first);
  for (guint i = first; i <= last; i++)
    total += companies_test_proxy_get_request_changes (proxy, i);

  return total;
}

static void
assert_rejected (CompaniesCompany *company,
                 const char       *field)
{
  g_assert_nonnull (company);
  g_assert_cmpstr (companies_company_get_rejection_code (company), ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (companies_company_get_rejection_field (company), ==, field);
  g_assert_nonnull (companies_company_get_rejection_message (company));
  g_assert_cmpstr (companies_company_get_rejection_message (company), !=, "");
  g_assert_true (companies_company_get_is_modified (company));
  g_assert_true (companies_company_get_is_active (company));
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_REJECTED);
  g_test_message ("rejection: %s", companies_company_get_rejection_message (company));
}

/* The next sync sends nothing: the record @uuid stays rejected on @field. */
static void
assert_not_sent_again (E2eProxiedWorld *fixture,
                       const char      *uuid,
                       const char      *field)
{
  guint first = companies_test_proxy_get_request_count (fixture->proxy) + 1;
  g_autoptr(CompaniesSyncResult) result = e2e_sync_ok (fixture->client);
  g_autoptr(CompaniesCompany) after = NULL;

  g_assert_cmpuint (result->sent, ==, 0);
  g_assert_cmpint (changes_since (fixture->proxy, first), ==, 0);
  after = e2e_lookup (fixture->client->store, uuid);
  assert_rejected (after, field);
}

static void
test_rejected_add (E2eProxiedWorld *fixture,
                   gconstpointer    data)
{
  E2eClient *a = fixture->client;
  g_autoptr(CompaniesCompany) valid = e2e_add (a->store, "Valid", "Porto", NULL);
  g_autoptr(CompaniesCompany) bad = e2e_add (a->store, "Will be too long", "Porto", NULL);
  g_autofree char *long_name = g_strnfill (201, 'x');
  const char *uuid = companies_company_get_uuid (bad);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status;
  guint first;

  inject_value (a->path, uuid, "name", long_name);

  /* the valid record goes through; the other one is refused and kept */
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->rejected, ==, 1);
  g_clear_pointer (&result, companies_sync_result_free);

  after = e2e_lookup (a->store, uuid);
  assert_rejected (after, "name");
  g_assert_false (companies_company_get_is_from_server (after));
  g_assert_cmpint (companies_company_get_id (after), ==, 0);
  g_assert_cmpstr (companies_company_get_name (after), ==, long_name);
  g_clear_object (&after);
  status = e2e_status (a->store);
  g_assert_cmpuint (status.rejected, ==, 1);
  /* the pattern's filter still lists it */
  added = companies_local_store_list_added (a->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpstr (companies_company_get_uuid (g_ptr_array_index (added, 0)), ==, uuid);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 1);
  g_assert_true (g_hash_table_contains (server, companies_company_get_uuid (valid)));
  g_clear_pointer (&server, g_hash_table_unref);

  /* not sent again while unchanged */
  assert_not_sent_again (fixture, uuid, "name");
  g_assert_cmpuint (e2e_status (a->store).rejected, ==, 1);

  /* a valid edit clears the rejection, and the record syncs */
  after = e2e_set (a->store, uuid, COMPANIES_FIELD_NAME, "Fixed");
  g_assert_null (companies_company_get_rejection_code (after));
  g_assert_cmpint (companies_company_get_sync_state (after), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
  g_clear_object (&after);
  g_assert_cmpuint (e2e_status (a->store).rejected, ==, 0);

  first = companies_test_proxy_get_request_count (fixture->proxy) + 1;
  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 1);
  g_assert_cmpuint (result->rejected, ==, 0);
  g_assert_cmpint (changes_since (fixture->proxy, first), ==, 1);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  g_assert_cmpstr (((CompaniesRecord *) g_hash_table_lookup (server, uuid))->values[COMPANIES_FIELD_NAME], ==, "Fixed");
  e2e_assert_store_equals (a->store, server);
}

static void
test_rejected_update (E2eProxiedWorld *fixture,
                      gconstpointer    data)
{
  E2eClient *a = fixture->client;
  g_autoptr(CompaniesCompany) acme = e2e_add (a->store, "Acme", "Porto", NULL);
  g_autoptr(CompaniesCompany) other = e2e_add (a->store, "Other", "Porto", NULL);
  const char *uuid = companies_company_get_uuid (acme);
  g_autoptr(CompaniesCompany) after = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesRecord *record;

  e2e_sync_once (a);

  /* a valid edit puts the e-mail in the changed set; the file then gets
   * a value the rules refuse */
  g_object_unref (e2e_set (a->store, uuid, COMPANIES_FIELD_EMAIL, "info@acme.example"));
  inject_value (a->path, uuid, "email", "no-at-sign");
  g_object_unref (e2e_set (a->store, companies_company_get_uuid (other),
                           COMPANIES_FIELD_CITY, "Lisboa"));

  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->rejected, ==, 1);
  g_clear_pointer (&result, companies_sync_result_free);

  after = e2e_lookup (a->store, uuid);
  assert_rejected (after, "email");
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_cmpstr (companies_company_get_field (after, COMPANIES_FIELD_EMAIL), ==, "no-at-sign");
  g_assert_cmpuint (companies_company_get_changed_fields (after) & COMPANIES_FIELD_BIT (COMPANIES_FIELD_EMAIL), !=, 0);
  g_clear_object (&after);
  g_assert_cmpuint (e2e_status (a->store).rejected, ==, 1);

  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  record = g_hash_table_lookup (server, uuid);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_EMAIL], ==, "");
  record = g_hash_table_lookup (server, companies_company_get_uuid (other));
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Lisboa");
  g_clear_pointer (&server, g_hash_table_unref);

  assert_not_sent_again (fixture, uuid, "email");

  after = e2e_set (a->store, uuid, COMPANIES_FIELD_EMAIL, "sales@acme.example");
  g_assert_null (companies_company_get_rejection_code (after));
  g_assert_cmpint (companies_company_get_sync_state (after), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);
  g_clear_object (&after);

  result = e2e_sync_ok (a);
  g_assert_cmpuint (result->sent, ==, 1);
  g_assert_cmpuint (result->rejected, ==, 0);
  server = e2e_server_records (e2e_world_url (&fixture->world), NULL);
  record = g_hash_table_lookup (server, uuid);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_EMAIL], ==, "sales@acme.example");
  e2e_assert_store_equals (a->store, server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/e2e/rejected/" path, E2eProxiedWorld, NULL, \
              e2e_proxied_world_setup, func, e2e_proxied_world_teardown)
  ADD ("add", test_rejected_add);
  ADD ("update", test_rejected_update);
#undef ADD

  return g_test_run ();
}
