/* test-csv-import.c: CSV files into real SQLite stores and back: an
 * export then an import gives every field back byte for byte (line
 * ends, quotes, separators, non-ASCII), imported companies wait to be
 * pushed, bad lines are skipped and numbered, a bad header writes
 * nothing, and a cancel, even after the list's indexes were dropped for
 * the bulk insert, leaves the store exactly as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-csv"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "companies-csv-import.h"
#include "companies-csv-reader.h"

/* Over the size at which the import builds the list's indexes at its
 * end (companies-store-import.c), and many times the reader's buffer. */
#define N_COMPANIES 50345

typedef struct
{
  char                *dir;
  CompaniesLocalStore *source;
  CompaniesLocalStore *target;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  f->dir = g_dir_make_tmp ("test-csv-XXXXXX", &error);
  g_assert_no_error (error);
  a = g_build_filename (f->dir, "source.db", NULL);
  b = g_build_filename (f->dir, "target.db", NULL);
  f->source = companies_local_store_open (a, &error);
  g_assert_no_error (error);
  f->target = companies_local_store_open (b, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_clear_object (&f->source);
  g_clear_object (&f->target);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Values that need every rule of the writer and the reader. */
static void
make_values (guint  i,
             char **values)
{
  values[COMPANIES_FIELD_NAME] = g_strdup_printf ("Empresa %u \"Ærø\" 中文, Lda; ok", i);
  values[COMPANIES_FIELD_ADDRESS] = g_strdup_printf ("Rua %u\nAndar 2\r\nFundos", i);
  values[COMPANIES_FIELD_CITY] = g_strdup (i % 3 == 0 ? "Porto;Gaia" : "Zürich");
  values[COMPANIES_FIELD_POSTAL_CODE] = g_strdup_printf ("%05u", i);
  values[COMPANIES_FIELD_COUNTRY] = g_strdup (i % 2 == 0 ? "" : " Portugal ");
  values[COMPANIES_FIELD_PHONE] = g_strdup ("+351 22 000 0000");
  values[COMPANIES_FIELD_EMAIL] = g_strdup_printf ("\"q%u\"@example.com", i);
  values[COMPANIES_FIELD_WEBSITE] = g_strdup ("https://example.com/?a=1,b=2");
  values[COMPANIES_FIELD_NOTES] = g_strdup_printf ("\"%u\"\n\n, ; \"\"\n\t emoji 🙂 end\n", i);
  values[COMPANIES_N_FIELDS] = NULL;
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static guint64
export_to (CompaniesLocalStore *store,
           const char          *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  guint64 count = 0;

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (companies_csv_export (store, G_OUTPUT_STREAM (out), NULL, &count, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
  return count;
}

typedef struct
{
  GArray       *lines;   /* of guint */
  GPtrArray    *reasons; /* of char * */
  guint         batches;    /* progress reports */
  guint         cancel_at;  /* cancel at this report, if not 0 */
  GCancellable *cancellable;
} Seen;

static void
refused_cb (guint         line,
            const GError *reason,
            gpointer      user_data)
{
  Seen *seen = user_data;

  g_assert_true (reason->domain == COMPANIES_CSV_ERROR);
  g_array_append_val (seen->lines, line);
  g_ptr_array_add (seen->reasons, g_strdup (reason->message));
}

static void
progress_cb (const CompaniesCsvImportProgress *progress,
             gpointer                          user_data)
{
  Seen *seen = user_data;

  seen->batches++;
  g_assert_cmpuint (progress->bytes_read, >, 0);
  if (seen->batches == seen->cancel_at)
    g_cancellable_cancel (seen->cancellable);
}

static gboolean
import_file (CompaniesLocalStore        *store,
             const char                 *path,
             Seen                       *seen,
             GCancellable               *cancellable,
             CompaniesCsvImportProgress *done,
             GError                    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);

  g_assert_nonnull (in);
  return companies_csv_import (store, G_INPUT_STREAM (in), refused_cb, progress_cb, seen,
                               cancellable, done, error);
}

static void
seen_init (Seen *seen)
{
  seen->lines = g_array_new (FALSE, FALSE, sizeof (guint));
  seen->reasons = g_ptr_array_new_with_free_func (g_free);
  seen->batches = 0;
  seen->cancel_at = 0;
  seen->cancellable = NULL;
}

static void
seen_clear (Seen *seen)
{
  g_array_unref (seen->lines);
  g_ptr_array_unref (seen->reasons);
}

static void
fill_source (Fixture *f,
             guint    n)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      char **values = g_new0 (char *, COMPANIES_N_FIELDS + 1);

      make_values (i, values);
      g_ptr_array_add (rows, values);
    }
  g_assert_true (companies_local_store_import_for_sync (f->source, rows, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *first = path_in (f, "first.csv");
  g_autofree char *second = path_in (f, "second.csv");
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesCsvImportProgress done = { 0 };
  CompaniesStoreStatus status = { 0 };
  Seen seen;

  fill_source (f, N_COMPANIES);
  g_assert_cmpuint (export_to (f->source, first), ==, N_COMPANIES);

  seen_init (&seen);
  g_assert_true (import_file (f->target, first, &seen, NULL, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (done.imported, ==, N_COMPANIES);
  g_assert_cmpuint (done.refused, ==, 0);
  g_assert_cmpuint (seen.lines->len, ==, 0);
  /* One report every 10000 records (or 4 MiB), one after the commit. */
  g_assert_cmpuint (seen.batches, >=, N_COMPANIES / COMPANIES_CSV_IMPORT_PROGRESS_RECORDS + 1);
  seen_clear (&seen);

  /* Every field equal, in the same order. */
  before = companies_local_store_list_unordered (f->source, &error);
  after = companies_local_store_list_unordered (f->target, &error);
  g_assert_cmpuint (before->len, ==, after->len);
  for (guint i = 0; i < before->len; i++)
    {
      CompaniesCompany *a = g_ptr_array_index (before, i);
      CompaniesCompany *b = g_ptr_array_index (after, i);

      for (guint field = 0; field < COMPANIES_N_FIELDS; field++)
        g_assert_cmpstr (companies_company_get_field (a, field), ==,
                         companies_company_get_field (b, field));
      g_assert_false (companies_company_get_is_from_server (b));
      g_assert_true (companies_company_get_is_modified (b));
      g_assert_cmpint (companies_company_get_sync_state (b), ==, COMPANIES_SYNC_STATE_PENDING_ADD);
    }

  /* All wait for the next sync. */
  g_assert_true (companies_local_store_get_status (f->target, &status, &error));
  g_assert_cmpuint (status.pending_added, ==, N_COMPANIES);

  /* And the file made from the copy is the same file. */
  export_to (f->target, second);
  g_assert_true (g_file_get_contents (first, &first_text, NULL, NULL));
  g_assert_true (g_file_get_contents (second, &second_text, NULL, NULL));
  g_assert_cmpstr (first_text, ==, second_text);
}

static void
test_bad_lines_skipped (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = path_in (f, "mixed.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  CompaniesCsvImportProgress done = { 0 };
  Seen seen;
  static const char text[] =
    "\xEF\xBB\xBFName;E-mail;notes\r\n"
    "Alpha;a@x.example;\"one\r\ntwo\"\r\n"     /* 2-3 */
    "Beta;not-mail;\r\n"                      /* 4: rule */
    "Gamma;;\r\n"                             /* 5 */
    "Delta;\r\n"                              /* 6: two fields */
    "Ep\xC3silon;;\r\n"                       /* 7: UTF-8 */
    "Zeta;z@x.example;\"open\r\n";            /* 8: unterminated */

  g_assert_true (g_file_set_contents (path, text, sizeof text - 1, NULL));
  seen_init (&seen);
  g_assert_true (import_file (f->target, path, &seen, NULL, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (done.imported, ==, 2);
  g_assert_cmpuint (done.refused, ==, 4);
  g_assert_cmpuint (seen.lines->len, ==, 4);
  g_assert_cmpuint (g_array_index (seen.lines, guint, 0), ==, 4);
  g_assert_cmpuint (g_array_index (seen.lines, guint, 1), ==, 6);
  g_assert_cmpuint (g_array_index (seen.lines, guint, 2), ==, 7);
  g_assert_cmpuint (g_array_index (seen.lines, guint, 3), ==, 8);
  g_assert_nonnull (strstr (g_ptr_array_index (seen.reasons, 0), "E-mail"));
  seen_clear (&seen);

  stored = companies_local_store_list (f->target, FALSE, &error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (stored, 0)), ==, "Alpha");
  g_assert_cmpstr (companies_company_get_field (g_ptr_array_index (stored, 0), COMPANIES_FIELD_NOTES),
                   ==, "one\r\ntwo");
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (stored, 1)), ==, "Gamma");
}

static void
test_bad_header_writes_nothing (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *path = path_in (f, "unknown.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  CompaniesCsvImportProgress done = { 0 };
  gint64 version = companies_local_store_get_data_version (f->target);
  Seen seen;

  g_assert_true (g_file_set_contents (path, "name,colour\nAcme,red\n", -1, NULL));
  seen_init (&seen);
  g_assert_false (import_file (f->target, path, &seen, NULL, &done, &error));
  g_assert_error (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_BAD_HEADER);
  g_assert_nonnull (strstr (error->message, "colour"));
  g_assert_cmpuint (done.imported, ==, 0);
  seen_clear (&seen);

  stored = companies_local_store_list (f->target, TRUE, NULL);
  g_assert_cmpuint (stored->len, ==, 0);
  g_assert_cmpint (companies_local_store_get_data_version (f->target), ==, version);
}

/* Every schema object's definition, in name order. */
static char *
schema_text (CompaniesLocalStore *store)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *text = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (companies_local_store_get_path (store), &db, SQLITE_OPEN_READONLY,
                                    NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name, ifnull (sql, '') FROM sqlite_schema ORDER BY name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s: %s\n", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (text, FALSE);
}

/* Cancelled after 30000 records, past the point where the import drops
 * the list's indexes: nothing is imported, the companies held before
 * are all there, and the indexes are back. */
static void
test_cancel_imports_nothing (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = path_in (f, "big.csv");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GString) text = g_string_new ("name\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *schema_before = NULL;
  g_autofree char *schema_after = NULL;
  CompaniesCsvImportProgress done = { 0 };
  gint64 version;
  Seen seen;

  fill_source (f, 5);
  export_to (f->source, path);
  seen_init (&seen);
  g_assert_true (import_file (f->target, path, &seen, NULL, &done, &error));
  g_assert_no_error (error);
  seen_clear (&seen);
  before = companies_local_store_list_unordered (f->target, &error);
  g_assert_cmpuint (before->len, ==, 5);
  schema_before = schema_text (f->target);
  version = companies_local_store_get_data_version (f->target);

  for (guint i = 0; i < 5 * COMPANIES_CSV_IMPORT_PROGRESS_RECORDS; i++)
    g_string_append_printf (text, "Bulk %u\n", i);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));

  seen_init (&seen);
  seen.cancel_at = 3;
  seen.cancellable = cancellable;
  g_assert_false (import_file (f->target, path, &seen, cancellable, &done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (seen.batches, ==, 3);
  g_assert_cmpuint (done.imported, ==, 0);
  seen_clear (&seen);
  g_clear_error (&error);

  after = companies_local_store_list_unordered (f->target, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    g_assert_cmpstr (companies_company_get_uuid (g_ptr_array_index (after, i)), ==,
                     companies_company_get_uuid (g_ptr_array_index (before, i)));
  schema_after = schema_text (f->target);
  g_assert_cmpstr (schema_after, ==, schema_before);
  g_assert_cmpint (companies_local_store_get_data_version (f->target), ==, version);
}

/* Long values: the progress is reported by bytes read too, long
 * before 10000 records. */
static void
test_progress_by_bytes (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = path_in (f, "long.csv");
  g_autofree char *notes = g_strnfill (9000, 'n');
  g_autoptr(GString) text = g_string_new ("name,notes\n");
  g_autoptr(GError) error = NULL;
  CompaniesCsvImportProgress done = { 0 };
  Seen seen;

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (text, "Long %u,%s\n", i, notes);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));

  seen_init (&seen);
  g_assert_true (import_file (f->target, path, &seen, NULL, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (done.imported, ==, 2000);
  /* 2000 × 9 KB is over 17 MiB: four reports by size, one at the end. */
  g_assert_cmpuint (seen.batches, ==, 5);
  seen_clear (&seen);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/csv/import/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/csv/import/bad-lines-skipped", Fixture, NULL, fixture_set_up, test_bad_lines_skipped,
              fixture_tear_down);
  g_test_add ("/csv/import/bad-header-writes-nothing", Fixture, NULL, fixture_set_up,
              test_bad_header_writes_nothing, fixture_tear_down);
  g_test_add ("/csv/import/progress-by-bytes", Fixture, NULL, fixture_set_up,
              test_progress_by_bytes, fixture_tear_down);
  g_test_add ("/csv/import/cancel-imports-nothing", Fixture, NULL, fixture_set_up,
              test_cancel_imports_nothing, fixture_tear_down);

  return g_test_run ();
}
