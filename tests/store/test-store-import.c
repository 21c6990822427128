/* test-store-import.c: companies_local_store_import_for_sync (), the bulk
 * import: every row becomes a record exactly as the ForSync create makes
 * one, all in one transaction, and one invalid row changes nothing; a
 * large one builds the list's indexes again exactly as they were, and
 * gives time-ordered uuids.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "companies-fold.h"
#include "store-test-util.h"

#define N_ROWS 2500

/* A row holds NULLs between values, so g_strfreev () would stop early. */
static void
row_free (gpointer data)
{
  char **values = data;

  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    g_free (values[f]);
  g_free (values);
}

static GPtrArray *
make_rows (guint n)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (row_free);

  for (guint i = 0; i < n; i++)
    {
      char **values = g_new0 (char *, COMPANIES_N_FIELDS + 1);

      /* The name gets blanks around it (stored trimmed); one optional
       * field is left NULL (stored as ""). */
      values[COMPANIES_FIELD_NAME] = g_strdup_printf ("  Import %05u Ærø  ", i);
      values[COMPANIES_FIELD_CITY] = g_strdup_printf ("City %u", i % 7);
      values[COMPANIES_FIELD_EMAIL] = g_strdup_printf ("info%u@example.com", i);
      values[COMPANIES_FIELD_NOTES] = i % 2 == 0 ? g_strdup ("Line one\nLine two") : NULL;
      g_ptr_array_add (rows, values);
    }

  return rows;
}

static void
test_import_flags (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = make_rows (N_ROWS);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GHashTable) uuids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(CompaniesCompany) before = test_create (fixture->store, "Made before");
  g_autoptr(CompaniesCompany) after = NULL;
  CompaniesStoreStatus status = { 0, };
  gint64 counter_before = 0;
  gint64 counter_after = 0;
  sqlite3 *db;

  g_assert_true (companies_local_store_get_change_counter (fixture->store, &counter_before, &error));
  g_assert_no_error (error);

  g_assert_true (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_no_error (error);

  /* The pattern's "added" filter holds every imported record and the one
   * made before. */
  added = companies_local_store_list_added (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, N_ROWS + 1);

  all = companies_local_store_list (fixture->store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, N_ROWS + 1);
  for (guint i = 0; i < all->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (all, i);
      const char *uuid = companies_company_get_uuid (company);

      g_assert_true (companies_uuid_is_valid (uuid));
      g_assert_false (g_hash_table_contains (uuids, uuid));
      g_hash_table_add (uuids, (gpointer) uuid);
      g_assert_false (companies_company_get_is_from_server (company));
      g_assert_true (companies_company_get_is_modified (company));
      g_assert_true (companies_company_get_is_active (company));
      g_assert_cmpint (companies_company_get_id (company), ==, 0);
      g_assert_cmpint (companies_company_get_version (company), ==, 0);
      g_assert_cmpuint (companies_company_get_changed_fields (company), ==, COMPANIES_ALL_FIELDS);
    }

  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status.pending_added, ==, N_ROWS + 1);
  g_assert_cmpuint (status.pending_updated, ==, 0);
  g_assert_cmpuint (status.pending_deleted, ==, 0);
  g_assert_cmpuint (status.active, ==, N_ROWS + 1);

  /* Each record took its own local_seq from the one counter. */
  g_assert_true (companies_local_store_get_change_counter (fixture->store, &counter_after, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counter_after, ==, counter_before + N_ROWS);
  db = test_raw_open (fixture->path);
  g_assert_cmpint (test_raw_int (db, "SELECT count(DISTINCT local_seq) FROM companies"), ==, N_ROWS + 1);
  g_assert_cmpint (test_raw_int (db, "SELECT max(local_seq) FROM companies"), ==, counter_after);
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM companies WHERE name = 'Import 00042 Ærø'"
                                     " AND city = 'City 0' AND email = 'info42@example.com'"
                                     " AND notes = 'Line one' || char(10) || 'Line two'"
                                     " AND address = '' AND rejection_code IS NULL"), ==, 1);
  g_assert_cmpint (test_raw_int (db, "SELECT count(*) FROM companies WHERE name = 'Import 00043 Ærø'"
                                     " AND notes = ''"), ==, 1);
  /* In the order given, each with the next change number, whether it
   * went in with a batch of rows or alone (the last ones). */
  {
    g_autofree char *out_of_order =
      g_strdup_printf ("SELECT count(*) FROM companies WHERE local_seq > %" G_GINT64_FORMAT
                       " AND (name <> printf ('Import %%05d Ærø', local_seq - %" G_GINT64_FORMAT " - 1)"
                       " OR local_id <> (SELECT min (local_id) FROM companies WHERE local_seq > %"
                       G_GINT64_FORMAT ") + local_seq - %" G_GINT64_FORMAT " - 1)",
                       counter_before, counter_before, counter_before, counter_before);

    g_assert_cmpint (test_raw_int (db, out_of_order), ==, 0);
  }
  sqlite3_close (db);

  /* The store goes on as usual: a later change takes the next value. */
  after = test_create (fixture->store, "Made after");
  g_assert_cmpint (test_local_seq (fixture->path, companies_company_get_uuid (after)), ==,
                   counter_after + 1);

  /* A push takes them in batches, oldest change first. */
  {
    g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);

    g_assert_cmpuint (batch->n_changes, ==, 1000);
    g_assert_cmpuint (batch->request->added->len, ==, 1000);
    g_assert_cmpstr (((CompaniesChange *) g_ptr_array_index (batch->request->added, 0))->uuid, ==,
                     companies_company_get_uuid (before));
  }
}

static void
test_import_invalid_row (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = make_rows (100);
  g_autoptr(CompaniesCompany) existing = test_create (fixture->store, "Already here");
  g_autofree char *dump_before = test_raw_dump (fixture->path);
  g_autofree char *dump_after = NULL;
  char **bad;

  /* Row 64 (counted from 1) has an e-mail without '@'. */
  bad = g_ptr_array_index (rows, 63);
  g_free (bad[COMPANIES_FIELD_EMAIL]);
  bad[COMPANIES_FIELD_EMAIL] = g_strdup ("not an address");

  g_assert_false (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_assert_true (g_str_has_prefix (error->message, "Row 64: "));
  g_clear_error (&error);

  dump_after = test_raw_dump (fixture->path);
  g_assert_cmpstr (dump_after, ==, dump_before);

  /* A blank name is refused too. */
  g_free (bad[COMPANIES_FIELD_EMAIL]);
  bad[COMPANIES_FIELD_EMAIL] = g_strdup ("");
  bad = g_ptr_array_index (rows, 0);
  g_free (bad[COMPANIES_FIELD_NAME]);
  bad[COMPANIES_FIELD_NAME] = g_strdup ("   ");
  g_assert_false (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_assert_true (g_str_has_prefix (error->message, "Row 1: "));
  g_clear_error (&error);

  g_clear_pointer (&dump_after, g_free);
  dump_after = test_raw_dump (fixture->path);
  g_assert_cmpstr (dump_after, ==, dump_before);
}

/* A failure while writing (forced by a trigger on the last row) rolls the
 * whole import back. */
static void
test_import_atomic (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = make_rows (300);
  g_autofree char *dump_before = NULL;
  g_autofree char *dump_after = NULL;
  sqlite3 *db;

  db = test_raw_open (fixture->path);
  test_raw_exec (db,
                 "CREATE TRIGGER sabotage BEFORE INSERT ON companies"
                 " WHEN NEW.name = 'Import 00299 Ærø'"
                 " BEGIN SELECT RAISE (ABORT, 'sabotage'); END");
  sqlite3_close (db);
  dump_before = test_raw_dump (fixture->path);

  g_assert_false (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED);
  g_clear_error (&error);

  dump_after = test_raw_dump (fixture->path);
  g_assert_cmpstr (dump_after, ==, dump_before);

  /* An empty import is fine and writes nothing. */
  g_ptr_array_set_size (rows, 0);
  g_assert_true (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_no_error (error);
  g_clear_pointer (&dump_after, g_free);
  dump_after = test_raw_dump (fixture->path);
  g_assert_cmpstr (dump_after, ==, dump_before);
}

/* Every schema object's definition, in name order. */
static char *
schema_text (const char *path)
{
  sqlite3 *db = test_raw_open (path);
  char *text = test_raw_text (db, "SELECT group_concat (name || ': ' || ifnull (sql, ''), x'0a')"
                                  " FROM (SELECT name, sql FROM sqlite_schema ORDER BY name)");

  sqlite3_close (db);
  return text;
}

/* Over the size at which the import drops the list's indexes and
 * builds them at its end (companies-store-import.c). */
#define N_BULK 30000

static void
test_import_bulk_indexes (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = make_rows (N_BULK);
  g_autoptr(CompaniesCompany) before = test_create (fixture->store, "Made before");
  g_autofree char *schema_before = schema_text (fixture->path);
  g_autofree char *schema_after = NULL;
  g_autofree char *check = NULL;
  sqlite3 *db;

  g_assert_true (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_no_error (error);

  /* The same indexes, and they hold every row (the integrity check
   * compares each index with the table). */
  schema_after = schema_text (fixture->path);
  g_assert_cmpstr (schema_after, ==, schema_before);
  db = test_raw_open (fixture->path);
  check = test_raw_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (test_raw_int (db, "SELECT count (*) FROM companies INDEXED BY companies_name_key_idx"
                                     " WHERE is_active = 1 AND name_key > x''"), ==, N_BULK + 1);
  g_assert_cmpint (test_raw_int (db, "SELECT count (*) FROM companies INDEXED BY companies_search_idx"
                                     " WHERE is_active = 1 AND search_text LIKE '%import 0299%'"), ==, 10);

  /* Version 7 uuids, growing with the order of the rows. */
  g_assert_cmpint (test_raw_int (db, "SELECT count (*) FROM companies WHERE substr (uuid, 15, 1) <> '7'"),
                   ==, 0);
  g_assert_cmpint (test_raw_int (db, "SELECT count (*) FROM companies a JOIN companies b"
                                     " ON b.local_id = a.local_id + 1 WHERE b.uuid <= a.uuid"), ==, 0);
  sqlite3_close (db);
}

/* A failure at the last row of a large import, after its indexes were
 * dropped: the rollback brings them back with the rest. */
static void
test_import_bulk_atomic (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = make_rows (N_BULK);
  g_autoptr(CompaniesCompany) before = test_create (fixture->store, "Made before");
  g_autofree char *last = g_strdup_printf ("Import %05u Ærø", N_BULK - 1);
  g_autofree char *trigger = NULL;
  g_autofree char *dump_before = NULL;
  g_autofree char *dump_after = NULL;
  g_autofree char *schema_before = NULL;
  g_autofree char *schema_after = NULL;
  sqlite3 *db;

  db = test_raw_open (fixture->path);
  trigger = g_strdup_printf ("CREATE TRIGGER sabotage BEFORE INSERT ON companies WHEN NEW.name = '%s'"
                             " BEGIN SELECT RAISE (ABORT, 'sabotage'); END", last);
  test_raw_exec (db, trigger);
  sqlite3_close (db);
  dump_before = test_raw_dump (fixture->path);
  schema_before = schema_text (fixture->path);

  g_assert_false (companies_local_store_import_for_sync (fixture->store, rows, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED);

  dump_after = test_raw_dump (fixture->path);
  schema_after = schema_text (fixture->path);
  g_assert_cmpstr (dump_after, ==, dump_before);
  g_assert_cmpstr (schema_after, ==, schema_before);
}

/* The sort keys of the list, as the import writes them: short ASCII
 * takes a shortcut that must give what folding first gives. */
static void
test_import_sort_keys (void)
{
  static const struct
  {
    const char *text;
    const char *key;
  } cases[] = {
    { "Companhia 2", "companhia 12" },
    { "Companhia 010", "companhia 210" },
    { "ZÜRICH 007 AG", "zurich 17 ag" },
    { "", "\xff" },
    { "  ", "  " },
    { "0", "10" },
  };
  g_autoptr(GString) long_ascii = g_string_new (NULL);
  const char *samples[] = { "São Paulo 12", "Łódź", "ÆRØ 3", "Müller & Söhne 2000", NULL, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) key = g_string_new (NULL);
      gsize length = companies_sort_key_append (key, cases[i].text);

      g_assert_cmpuint (length, ==, key->len);
      g_assert_cmpstr (key->str, ==, cases[i].key);
    }

  /* Longer than the shortcut's buffer, and with text outside ASCII: the
   * key of a value is the key of its folded form. */
  for (guint i = 0; i < 300; i++)
    g_string_append_c (long_ascii, i % 10 == 9 ? '1' : 'A');
  samples[G_N_ELEMENTS (samples) - 2] = long_ascii->str;
  for (guint i = 0; samples[i] != NULL; i++)
    {
      g_autofree char *folded = companies_fold (samples[i]);
      g_autoptr(GString) key = g_string_new (NULL);
      g_autoptr(GString) folded_key = g_string_new (NULL);

      companies_sort_key_append (key, samples[i]);
      companies_sort_key_append (folded_key, folded);
      g_assert_cmpstr (key->str, ==, folded_key->str);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/import/flags", StoreFixture, NULL,
              store_fixture_set_up, test_import_flags, store_fixture_tear_down);
  g_test_add ("/store/import/invalid-row", StoreFixture, NULL,
              store_fixture_set_up, test_import_invalid_row, store_fixture_tear_down);
  g_test_add ("/store/import/atomic", StoreFixture, NULL,
              store_fixture_set_up, test_import_atomic, store_fixture_tear_down);
  g_test_add ("/store/import/bulk-indexes", StoreFixture, NULL,
              store_fixture_set_up, test_import_bulk_indexes, store_fixture_tear_down);
  g_test_add ("/store/import/bulk-atomic", StoreFixture, NULL,
              store_fixture_set_up, test_import_bulk_atomic, store_fixture_tear_down);
  g_test_add_func ("/store/import/sort-keys", test_import_sort_keys);

  return g_test_run ();
}
