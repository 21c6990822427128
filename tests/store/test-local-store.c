/* test-local-store.c: opening and migrating the store, the flags after
 * every ForSync action, lookups, order, and two connections on one file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>

#include "store-test-util.h"

static void
assert_flags (CompaniesCompany *company,
              gboolean          is_from_server,
              gboolean          is_modified,
              gboolean          is_active)
{
  g_assert_cmpint (companies_company_get_is_from_server (company), ==, is_from_server);
  g_assert_cmpint (companies_company_get_is_modified (company), ==, is_modified);
  g_assert_cmpint (companies_company_get_is_active (company), ==, is_active);
}

/* --- Opening. --- */

static void
test_default_path (void)
{
  g_autofree char *path = companies_local_store_get_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "companies",
                                                "companies.db", NULL);

  g_assert_cmpstr (path, ==, expected);
}

static void
test_open_creates_schema (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "a", "b", "companies.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *journal = NULL;
  CompaniesLocalStore *store;
  sqlite3 *db;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_local_store_get_path (store), ==, path);
  client_id = g_strdup (companies_local_store_get_client_id (store));
  g_assert_true (companies_uuid_is_valid (client_id));
  g_assert_finalize_object (store);

  db = test_raw_open (path);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, COMPANIES_LOCAL_STORE_SCHEMA_VERSION);
  journal = test_raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");
  sqlite3_close (db);

  /* The client id is made once. */
  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_local_store_get_client_id (store), ==, client_id);
  g_assert_finalize_object (store);

  companies_test_remove_tree (dir);
}

static void
test_open_not_a_database (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesLocalStore *store;
  const char *text = "This is a text file that someone chose as the database. "
                     "It is long enough to have a header SQLite will read and refuse.\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));

  store = companies_local_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));

  /* Left as it was. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, text);

  companies_test_remove_tree (dir);
}

static void
test_open_too_new (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "companies.db", NULL);
  g_autoptr(GError) error = NULL;
  CompaniesLocalStore *store;
  sqlite3 *db;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  db = test_raw_open (path);
  test_raw_exec (db, "PRAGMA user_version = 99");
  sqlite3_close (db);

  store = companies_local_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_TOO_NEW);

  db = test_raw_open (path);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, 99);
  sqlite3_close (db);

  companies_test_remove_tree (dir);
}

static void
test_open_migrates_v0 (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *empty = g_build_filename (dir, "empty.db", NULL);
  g_autofree char *v0 = g_build_filename (dir, "v0.db", NULL);
  g_autofree char *foreign = g_build_filename (dir, "foreign.db", NULL);
  g_autoptr(GError) error = NULL;
  CompaniesLocalStore *store;
  sqlite3 *db;

  /* A zero-length file. */
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  store = companies_local_store_open (empty, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  /* A real SQLite file at version 0 without tables. */
  db = test_raw_open (v0);
  test_raw_exec (db, "PRAGMA journal_mode = DELETE; CREATE TABLE t (x); DROP TABLE t;");
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, 0);
  sqlite3_close (db);
  store = companies_local_store_open (v0, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  db = test_raw_open (v0);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, COMPANIES_LOCAL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM sync_state WHERE key = 'client_id'"), ==, 1);
  sqlite3_close (db);

  /* Version 0 with somebody else's tables: refused, not mixed. */
  db = test_raw_open (foreign);
  test_raw_exec (db, "CREATE TABLE invoices (n INTEGER)");
  sqlite3_close (db);
  store = companies_local_store_open (foreign, &error);
  g_assert_null (store);
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT);
  db = test_raw_open (foreign);
  g_assert_cmpint (test_raw_int (db, "PRAGMA user_version"), ==, 0);
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM sqlite_schema"), ==, 1);
  sqlite3_close (db);

  companies_test_remove_tree (dir);
}

/* --- ForSync actions and their flags. --- */

static void
test_create_flags (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(TestValues) values = test_values ("  Acme  ", COMPANIES_FIELD_CITY, "Porto",
                                              COMPANIES_FIELD_EMAIL, "info@acme.example", -1);
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(CompaniesCompany) stored = NULL;
  g_autoptr(GError) error = NULL;

  company = companies_local_store_create_for_sync (fixture->store, values, &error);
  g_assert_no_error (error);
  assert_flags (company, FALSE, TRUE, TRUE);
  g_assert_true (companies_uuid_is_valid (companies_company_get_uuid (company)));
  g_assert_cmpint (companies_company_get_id (company), ==, 0);
  g_assert_cmpint (companies_company_get_version (company), ==, 0);
  g_assert_cmpuint (companies_company_get_changed_fields (company), ==, COMPANIES_ALL_FIELDS);
  g_assert_cmpstr (companies_company_get_name (company), ==, "Acme");
  g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_CITY), ==, "Porto");
  g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_PHONE), ==, "");
  g_assert_null (companies_company_get_rejection_code (company));
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_ADD);

  stored = test_lookup (fixture->store, companies_company_get_uuid (company));
  g_assert_true (companies_company_equal (company, stored));
  g_assert_cmpint (test_local_seq (fixture->path, companies_company_get_uuid (company)), ==, 1);
}

static void
test_create_invalid (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(TestValues) no_name = test_values (NULL, COMPANIES_FIELD_CITY, "Porto", -1);
  g_autoptr(TestValues) blank = test_values ("   ", -1);
  g_autoptr(TestValues) email = test_values ("Acme", COMPANIES_FIELD_EMAIL, "nobody", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = test_raw_dump (fixture->path);
  g_autofree char *after = NULL;

  g_assert_null (companies_local_store_create_for_sync (fixture->store, no_name, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_MISSING_FIELD);
  g_clear_error (&error);
  g_assert_null (companies_local_store_create_for_sync (fixture->store, blank, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_null (companies_local_store_create_for_sync (fixture->store, email, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);

  after = test_raw_dump (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_update_local_addition (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesCompany) updated = NULL;
  g_autoptr(TestValues) values = test_values (NULL, COMPANIES_FIELD_PHONE, "+351 1", -1);
  g_autoptr(GError) error = NULL;
  const char *uuid = companies_company_get_uuid (company);

  updated = companies_local_store_update_for_sync (fixture->store, uuid,
                                                   COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                   values, &error);
  g_assert_no_error (error);
  assert_flags (updated, FALSE, TRUE, TRUE);
  g_assert_cmpstr (companies_company_get_field (updated, COMPANIES_FIELD_PHONE), ==, "+351 1");
  g_assert_cmpstr (companies_company_get_name (updated), ==, "Acme");
  g_assert_cmpint (test_local_seq (fixture->path, uuid), ==, 2);
}

static void
test_update_server_record (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 42, 17, "Acme");
  g_autoptr(CompaniesCompany) updated = NULL;
  g_autoptr(CompaniesCompany) again = NULL;
  g_autoptr(TestValues) city = test_values ("Acme", COMPANIES_FIELD_CITY, "Braga", -1);
  g_autoptr(TestValues) phone = test_values (NULL, COMPANIES_FIELD_PHONE, "+351", -1);
  g_autoptr(GError) error = NULL;
  const char *uuid = companies_company_get_uuid (company);
  guint mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY);
  gint64 seq, data_version;

  assert_flags (company, TRUE, FALSE, TRUE);
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_SYNCED);

  /* The name is written with its own value: only the city changed. */
  updated = companies_local_store_update_for_sync (fixture->store, "42", mask, city, &error);
  g_assert_no_error (error);
  assert_flags (updated, TRUE, TRUE, TRUE);
  g_assert_cmpuint (companies_company_get_changed_fields (updated), ==,
                    COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
  g_assert_cmpint (companies_company_get_sync_state (updated), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);
  g_assert_cmpint (test_base_version (fixture->path, uuid), ==, 17);
  seq = test_local_seq (fixture->path, uuid);
  g_assert_cmpint (seq, >, 0);
  g_clear_object (&updated);

  /* The same values again: a no-op, nothing written. */
  data_version = companies_local_store_get_data_version (fixture->store);
  again = companies_local_store_update_for_sync (fixture->store, uuid, mask, city, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (companies_company_get_changed_fields (again), ==,
                    COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
  g_assert_cmpint (test_local_seq (fixture->path, uuid), ==, seq);
  g_assert_cmpint (companies_local_store_get_data_version (fixture->store), ==, data_version);
  g_clear_object (&again);

  /* A second field joins the set. */
  updated = companies_local_store_update_for_sync (fixture->store, uuid,
                                                   COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                   phone, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (companies_company_get_changed_fields (updated), ==,
                    COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_cmpint (test_local_seq (fixture->path, uuid), >, seq);
  g_assert_cmpint (companies_local_store_get_data_version (fixture->store), >, data_version);
}

static void
test_update_noop_keeps_synced (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 7, 3, "Acme");
  g_autoptr(CompaniesCompany) same = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid = companies_company_get_uuid (company);
  g_autofree char *before = test_raw_dump (fixture->path);
  g_autofree char *after = NULL;

  same = companies_local_store_create_or_update_for_sync (fixture->store, company, &error);
  g_assert_no_error (error);
  assert_flags (same, TRUE, FALSE, TRUE);
  g_assert_cmpstr (companies_company_get_uuid (same), ==, uuid);
  after = test_raw_dump (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_update_invalid_or_unknown (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 7, 3, "Acme");
  g_autoptr(TestValues) email = test_values (NULL, COMPANIES_FIELD_EMAIL, "a@@", -1);
  g_autoptr(TestValues) city = test_values (NULL, COMPANIES_FIELD_CITY, "Faro", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = test_raw_dump (fixture->path);
  g_autofree char *after = NULL;
  g_autofree char *unknown = g_uuid_string_random ();

  g_assert_null (companies_local_store_update_for_sync (fixture->store, "7",
                                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_EMAIL),
                                                        email, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_clear_error (&error);

  g_assert_null (companies_local_store_update_for_sync (fixture->store, unknown,
                                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                                                        city, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (companies_local_store_update_for_sync (fixture->store, "8",
                                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                                                        city, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (companies_local_store_update_for_sync (fixture->store, "'; DROP TABLE companies; --",
                                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                                                        city, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);

  after = test_raw_dump (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_delete_local_addition (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_create (fixture->store, "Acme");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  const char *uuid = companies_company_get_uuid (company);
  sqlite3 *db;

  g_assert_true (companies_local_store_delete_for_sync (fixture->store, uuid, &error));
  g_assert_no_error (error);

  g_assert_null (companies_local_store_lookup (fixture->store, uuid, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  all = companies_local_store_list (fixture->store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 0);

  db = test_raw_open (fixture->path);
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM companies"), ==, 0);
  sqlite3_close (db);
}

static void
test_delete_server_record (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 9, 4, "Acme");
  g_autoptr(CompaniesCompany) deleted = NULL;
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(TestValues) city = test_values (NULL, COMPANIES_FIELD_CITY, "Faro", -1);
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "9", &error));
  g_assert_no_error (error);

  deleted = test_lookup (fixture->store, companies_company_get_uuid (company));
  assert_flags (deleted, TRUE, FALSE, FALSE);
  g_assert_cmpint (companies_company_get_sync_state (deleted), ==, COMPANIES_SYNC_STATE_PENDING_DELETE);

  active = companies_local_store_list (fixture->store, FALSE, &error);
  g_assert_cmpuint (active->len, ==, 0);
  all = companies_local_store_list (fixture->store, TRUE, &error);
  g_assert_cmpuint (all->len, ==, 1);

  /* A deleted record cannot be edited or deleted again. */
  g_assert_null (companies_local_store_update_for_sync (fixture->store, "9",
                                                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                                                        city, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (companies_local_store_delete_for_sync (fixture->store, "9", &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
}

static void
test_undelete (StoreFixture  *fixture,
               gconstpointer  data)
{
  g_autoptr(CompaniesCompany) synced = test_server_record (fixture->store, 9, 4, "Synced");
  g_autoptr(CompaniesCompany) local = test_create (fixture->store, "Local");
  g_autoptr(CompaniesCompany) back = NULL;
  g_autoptr(CompaniesCompany) anew = NULL;
  g_autoptr(GError) error = NULL;

  /* Held as deleted: active again, and with no field change, synced. */
  g_assert_true (companies_local_store_delete_for_sync (fixture->store, "9", &error));
  back = companies_local_store_undelete_for_sync (fixture->store, synced, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_company_get_uuid (back), ==, companies_company_get_uuid (synced));
  assert_flags (back, TRUE, FALSE, TRUE);

  /* Never synced, so gone: created anew with a new uuid. */
  g_assert_true (companies_local_store_delete_for_sync (fixture->store,
                                                        companies_company_get_uuid (local), &error));
  anew = companies_local_store_undelete_for_sync (fixture->store, local, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_company_get_uuid (anew), !=, companies_company_get_uuid (local));
  g_assert_cmpstr (companies_company_get_name (anew), ==, "Local");
  assert_flags (anew, FALSE, TRUE, TRUE);
}

static void
test_create_or_update (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(CompaniesCompany) draft = companies_company_new ();
  g_autoptr(CompaniesCompany) created = NULL;
  g_autoptr(CompaniesCompany) edited = NULL;
  g_autoptr(CompaniesCompany) stranger = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unknown = g_uuid_string_random ();

  companies_company_set_field (draft, COMPANIES_FIELD_NAME, "Acme");
  created = companies_local_store_create_or_update_for_sync (fixture->store, draft, &error);
  g_assert_no_error (error);
  assert_flags (created, FALSE, TRUE, TRUE);

  companies_company_set_field (created, COMPANIES_FIELD_COUNTRY, "Portugal");
  edited = companies_local_store_create_or_update_for_sync (fixture->store, created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_company_get_uuid (edited), ==, companies_company_get_uuid (created));
  g_assert_cmpstr (companies_company_get_field (edited, COMPANIES_FIELD_COUNTRY), ==, "Portugal");

  /* An unknown uuid is not taken: the store makes its own. */
  companies_company_set_uuid (draft, unknown);
  stranger = companies_local_store_create_or_update_for_sync (fixture->store, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (companies_company_get_uuid (stranger), !=, unknown);
}

static void
test_lookup_refs (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(CompaniesCompany) company = test_server_record (fixture->store, 1234, 1, "Acme");
  g_autoptr(CompaniesCompany) by_id = test_lookup (fixture->store, "1234");
  g_autofree char *upper = g_ascii_strup (companies_company_get_uuid (company), -1);
  g_autoptr(CompaniesCompany) by_upper = test_lookup (fixture->store, upper);
  const char *bad[] = { "", "0", "-5", "12x", "1e3", "not-a-uuid", "99999999999999999999999" };
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_company_equal (company, by_id));
  g_assert_true (companies_company_equal (company, by_upper));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (companies_local_store_lookup (fixture->store, bad[i], &error));
      g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
}

static void
test_list_order (StoreFixture  *fixture,
                 gconstpointer  data)
{
  const char *names[] = { "gamma", "Beta", "alpha", "Delta" };
  const char *sorted[] = { "alpha", "Beta", "Delta", "gamma" };
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_object_unref (test_create (fixture->store, names[i]));

  list = companies_local_store_list (fixture->store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (sorted));
  for (guint i = 0; i < G_N_ELEMENTS (sorted); i++)
    g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (list, i)), ==, sorted[i]);
}

/* --- Two connections on one file. --- */

static void
test_two_connections (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CompaniesLocalStore *other = companies_local_store_open (fixture->path, &error);
  g_autoptr(CompaniesCompany) company = NULL;
  g_autofree char *uuid = NULL;
  gint64 seen_by_other;
  gint64 last_seq = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (companies_local_store_get_client_id (other), ==,
                   companies_local_store_get_client_id (fixture->store));

  company = test_create (fixture->store, "Acme");
  uuid = g_strdup (companies_company_get_uuid (company));
  seen_by_other = companies_local_store_get_data_version (other);

  /* Each connection writes in turn and sees the other's write. */
  for (guint i = 0; i < 20; i++)
    {
      CompaniesLocalStore *writer = i % 2 == 0 ? other : fixture->store;
      CompaniesLocalStore *reader = i % 2 == 0 ? fixture->store : other;
      g_autofree char *phone = g_strdup_printf ("%u", i);
      g_autoptr(TestValues) values = test_values (NULL, COMPANIES_FIELD_PHONE, phone, -1);
      g_autoptr(CompaniesCompany) written = NULL;
      g_autoptr(CompaniesCompany) read = NULL;
      gint64 before = companies_local_store_get_data_version (reader);
      gint64 seq;

      written = companies_local_store_update_for_sync (writer, uuid,
                                                       COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                       values, &error);
      g_assert_no_error (error);
      read = test_lookup (reader, uuid);
      g_assert_cmpstr (companies_company_get_field (read, COMPANIES_FIELD_PHONE), ==, phone);
      g_assert_cmpint (companies_local_store_get_data_version (reader), !=, before);

      /* One counter for both: local_seq only grows. */
      seq = test_local_seq (fixture->path, uuid);
      g_assert_cmpint (seq, >, last_seq);
      last_seq = seq;
    }

  g_assert_cmpint (companies_local_store_get_data_version (other), !=, seen_by_other);
  g_assert_finalize_object (other);
}

static void
test_busy_error (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestValues) values = test_values ("Acme", -1);
  sqlite3 *db = test_raw_open (fixture->path);
  gint64 start = g_get_monotonic_time ();

  /* Another program holds the write lock past the 5 s busy timeout. */
  test_raw_exec (db, "BEGIN IMMEDIATE");
  g_assert_null (companies_local_store_create_for_sync (fixture->store, values, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_BUSY);
  g_assert_null (strstr (error->message, "locked"));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 4 * G_USEC_PER_SEC);
  test_raw_exec (db, "ROLLBACK");
  sqlite3_close (db);

  /* And works again once it let go. */
  g_clear_error (&error);
  g_object_unref (test_create (fixture->store, "Acme"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/default-path", test_default_path);
  g_test_add_func ("/store/open/creates-schema", test_open_creates_schema);
  g_test_add_func ("/store/open/not-a-database", test_open_not_a_database);
  g_test_add_func ("/store/open/too-new", test_open_too_new);
  g_test_add_func ("/store/open/migrates-v0", test_open_migrates_v0);

  store_test_add ("/store/create/flags", test_create_flags);
  store_test_add ("/store/create/invalid", test_create_invalid);
  store_test_add ("/store/update/local-addition", test_update_local_addition);
  store_test_add ("/store/update/server-record", test_update_server_record);
  store_test_add ("/store/update/noop-keeps-synced", test_update_noop_keeps_synced);
  store_test_add ("/store/update/invalid-or-unknown", test_update_invalid_or_unknown);
  store_test_add ("/store/delete/local-addition", test_delete_local_addition);
  store_test_add ("/store/delete/server-record", test_delete_server_record);
  store_test_add ("/store/undelete", test_undelete);
  store_test_add ("/store/create-or-update", test_create_or_update);
  store_test_add ("/store/lookup/refs", test_lookup_refs);
  store_test_add ("/store/list/order", test_list_order);
  store_test_add ("/store/two-connections", test_two_connections);
  store_test_add ("/store/busy-error", test_busy_error);

  return g_test_run ();
}
