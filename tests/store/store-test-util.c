/* store-test-util.c: helpers of the store tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <stdarg.h>

#include "store-test-util.h"

void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = companies_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "store", "companies.db", NULL);
  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  data)
{
  if (fixture->store != NULL)
    g_assert_finalize_object (fixture->store);
  companies_test_remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

void
store_test_add (const char    *path,
                StoreTestFunc  test)
{
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, test, store_fixture_tear_down);
}

const char **
test_values (const char *name,
             ...)
{
  const char **values = g_new0 (const char *, COMPANIES_N_FIELDS + 1);
  va_list args;
  int field;

  values[COMPANIES_FIELD_NAME] = name;
  va_start (args, name);
  while ((field = va_arg (args, int)) >= 0)
    {
      g_assert_cmpint (field, <, COMPANIES_N_FIELDS);
      values[field] = va_arg (args, const char *);
    }
  va_end (args);

  return values;
}

void
test_values_free (const char **values)
{
  g_free (values);
}

CompaniesCompany *
test_create (CompaniesLocalStore *store,
             const char          *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestValues) values = test_values (name, -1);
  CompaniesCompany *company;

  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);
  g_assert_nonnull (company);
  return company;
}

sqlite3 *
test_raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

gint64
test_raw_int (sqlite3    *db,
              const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

char *
test_raw_text (sqlite3    *db,
               const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  rc = sqlite3_step (stmt);
  g_assert_true (rc == SQLITE_ROW || rc == SQLITE_DONE);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

void
test_raw_exec (sqlite3    *db,
               const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
dump_query (sqlite3    *db,
            const char *sql,
            GString    *out)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          g_string_append_printf (out, "%s=%s|", sqlite3_column_name (stmt, i),
                                  text != NULL ? text : "NULL");
        }
      g_string_append_c (out, '\n');
    }
  sqlite3_finalize (stmt);
}

char *
test_raw_dump (const char *path)
{
  sqlite3 *db = test_raw_open (path);
  GString *out = g_string_new (NULL);

  dump_query (db, "SELECT * FROM companies ORDER BY local_id", out);
  dump_query (db, "SELECT * FROM sync_state ORDER BY key", out);
  dump_query (db, "SELECT * FROM notices ORDER BY notice_id", out);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

static gint64
row_int (const char *path,
         const char *sql,
         const char *uuid)
{
  sqlite3 *db = test_raw_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

gint64
test_local_seq (const char *path,
                const char *uuid)
{
  return row_int (path, "SELECT local_seq FROM companies WHERE uuid = ?1", uuid);
}

gint64
test_base_version (const char *path,
                   const char *uuid)
{
  return row_int (path, "SELECT base_version FROM companies WHERE uuid = ?1", uuid);
}

/* A span of sent_spans marks the pending addition (see
 * companies-sent-spans.h in src/store). */
#define SPAN_HOLDS \
  "is_from_server = 0 AND is_active = 1 AND add_sent = 0" \
  " AND EXISTS (SELECT 1 FROM sent_spans WHERE local_seq BETWEEN lo AND hi)"

gint64
test_add_sent (const char *path,
               const char *uuid)
{
  return row_int (path, "SELECT add_sent OR (" SPAN_HOLDS ") FROM companies WHERE uuid = ?1", uuid);
}

guint
test_sent_changed (const char *path,
                   const char *uuid)
{
  return (guint) row_int (path, "SELECT CASE WHEN " SPAN_HOLDS " THEN 0 ELSE sent_changed END"
                          " FROM companies WHERE uuid = ?1", uuid);
}

CompaniesSyncResponse *
test_response (const char *cursor,
               gboolean    has_more,
               gboolean    reset)
{
  CompaniesSyncResponse *response = companies_sync_response_new ();

  response->cursor = g_strdup (cursor);
  response->has_more = has_more;
  response->reset = reset;
  return response;
}

CompaniesRecord *
test_add_company (CompaniesSyncResponse *response,
                  gint64                 id,
                  const char            *uuid,
                  gint64                 version,
                  const char            *name)
{
  CompaniesRecord *record = companies_record_new ();

  record->id = id;
  record->uuid = g_strdup (uuid);
  record->version = version;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    record->values[i] = g_strdup (i == COMPANIES_FIELD_NAME ? name : "");
  g_ptr_array_add (response->companies, record);
  return record;
}

void
test_set_record_field (CompaniesRecord *record,
                       CompaniesField   field,
                       const char      *value)
{
  g_free (record->values[field]);
  record->values[field] = g_strdup (value);
}

void
test_add_tombstone (CompaniesSyncResponse *response,
                    gint64                 id,
                    const char            *uuid,
                    gint64                 version)
{
  CompaniesRecord *record = companies_record_new ();

  record->id = id;
  record->uuid = g_strdup (uuid);
  record->version = version;
  g_ptr_array_add (response->deleted, record);
}

void
test_add_rejected (CompaniesSyncResponse *response,
                   const char            *uuid,
                   gint64                 id,
                   const char            *code,
                   const char            *field,
                   const char            *message)
{
  companies_sync_response_add_rejected (response, uuid, id, code, field, message);
}

void
test_add_overwritten (CompaniesSyncResponse *response,
                      gint64                 id,
                      CompaniesField         field,
                      const char            *value,
                      gint64                 version)
{
  CompaniesOverwritten *overwritten = companies_overwritten_new ();

  overwritten->id = id;
  overwritten->field = field;
  overwritten->value = g_strdup (value);
  overwritten->version = version;
  g_ptr_array_add (response->overwritten, overwritten);
}

void
test_apply (CompaniesLocalStore   *store,
            CompaniesPushBatch    *batch,
            CompaniesSyncResponse *response)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_local_store_apply_response (store, batch, response, NULL, &error));
  g_assert_no_error (error);
}

CompaniesCompany *
test_server_record (CompaniesLocalStore *store,
                    gint64               id,
                    gint64               version,
                    const char          *name)
{
  g_autoptr(CompaniesSyncResponse) response = test_response ("c", FALSE, FALSE);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *ref = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  CompaniesCompany *company;

  test_add_company (response, id, uuid, version, name);
  test_apply (store, NULL, response);

  company = test_lookup (store, ref);
  g_assert_cmpstr (companies_company_get_uuid (company), ==, uuid);
  g_assert_true (companies_company_get_is_from_server (company));
  g_assert_false (companies_company_get_is_modified (company));
  return company;
}

CompaniesCompany *
test_lookup (CompaniesLocalStore *store,
             const char          *ref)
{
  g_autoptr(GError) error = NULL;
  CompaniesCompany *company = companies_local_store_lookup (store, ref, &error);

  g_assert_no_error (error);
  g_assert_nonnull (company);
  return company;
}

void
test_assert_gone (CompaniesLocalStore *store,
                  const char          *ref)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (companies_local_store_lookup (store, ref, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
}

void
test_set_field (CompaniesLocalStore *store,
                const char          *ref,
                CompaniesField       field,
                const char          *value)
{
  g_autoptr(GError) error = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL, };
  g_autoptr(CompaniesCompany) company = NULL;

  values[field] = value;
  company = companies_local_store_update_for_sync (store, ref, COMPANIES_FIELD_BIT (field),
                                                   values, &error);
  g_assert_no_error (error);
}

CompaniesPushBatch *
test_build_batch (CompaniesLocalStore *store,
                  GHashTable          *exclude)
{
  g_autoptr(GError) error = NULL;
  CompaniesPushBatch *batch;
  gint64 counter = 0;

  g_assert_true (companies_local_store_get_change_counter (store, &counter, &error));
  batch = companies_local_store_build_push_batch (store, counter, 1000, exclude, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  return batch;
}

TestSentAddition
test_sent_addition (CompaniesLocalStore *store)
{
  TestSentAddition sent = { NULL, };

  sent.company = test_create (store, "Acme");
  sent.uuid = companies_company_get_uuid (sent.company);
  sent.batch = test_build_batch (store, NULL);
  sent.response = test_response ("c1", FALSE, FALSE);
  return sent;
}

void
test_sent_addition_clear (TestSentAddition *sent)
{
  g_clear_pointer (&sent->response, companies_sync_response_free);
  g_clear_pointer (&sent->batch, companies_push_batch_free);
  g_clear_object (&sent->company);
  sent->uuid = NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char *
test_uuids (GPtrArray *companies)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();

  for (guint i = 0; i < companies->len; i++)
    g_ptr_array_add (uuids, (gpointer) companies_company_get_uuid (g_ptr_array_index (companies, i)));
  g_ptr_array_sort (uuids, compare_strings);
  g_ptr_array_add (uuids, NULL);
  return g_strjoinv (",", (char **) uuids->pdata);
}
