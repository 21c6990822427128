/* server-test-history.c: a server with three labelled tokens, and its
 * companies' history read over HTTP (see the header)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <sqlite3.h>

#include "companies-history-fetch.h"
#include "companies-test-postgres.h"
#include "server-test-history.h"

static char *
hash_line (const char *token,
           const char *flags)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);

  return g_strdup_printf ("sha256:%s %s\n", hash, flags);
}

void
test_history_fixture_start (TestHistoryFixture *fixture,
                            const char * const *args)
{
  g_autofree char *path = NULL;
  g_autofree char *a = NULL, *b = NULL, *r = NULL, *text = NULL;

  fixture->server = test_server_start (TRUE, args);
  fixture->ana = g_uuid_string_random ();
  fixture->bob = g_uuid_string_random ();
  fixture->reader = g_uuid_string_random ();
  a = hash_line (fixture->ana, "# Ana's laptop");
  b = hash_line (fixture->bob, "# Bob");
  r = hash_line (fixture->reader, "read-only # Reader");
  text = g_strconcat (a, b, r, NULL);
  path = test_server_file (fixture->server, "tokens");
  companies_test_write_private (path, text);
  test_server_restart (fixture->server, args);
}

void
test_history_fixture_stop (TestHistoryFixture *fixture)
{
  g_clear_pointer (&fixture->server, test_server_free);
  g_free (fixture->ana);
  g_free (fixture->bob);
  g_free (fixture->reader);
}

CompaniesSyncResponse *
test_history_sync_as (TestHistoryFixture   *fixture,
                      const char           *token,
                      CompaniesSyncRequest *request)
{
  g_free (fixture->server->token);
  fixture->server->token = g_strdup (token);
  return test_sync (fixture->server, request);
}

gint64
test_history_add_as (TestHistoryFixture *fixture,
                     const char         *token,
                     const char         *name,
                     const char         *phone)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesChange *change = test_request_add (request, NULL, "name", name, "phone", phone, NULL);
  CompaniesRecord *record;

  response = test_history_sync_as (fixture, token, request);
  /* the response may hold the records before it too */
  record = test_find_company_by_uuid (response->companies, change->uuid);
  g_assert_nonnull (record);
  return record->id;
}

gint64
test_history_update_as (TestHistoryFixture *fixture,
                        const char         *token,
                        gint64              id,
                        const char         *field,
                        const char         *value)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;

  test_request_update (request, id, 0, field, value, NULL);
  response = test_history_sync_as (fixture, token, request);
  g_assert_nonnull (test_find_company (response->companies, id));
  return test_find_company (response->companies, id)->version;
}

void
test_history_delete_as (TestHistoryFixture *fixture,
                        const char         *token,
                        gint64              id)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;

  test_request_delete (request, id);
  response = test_history_sync_as (fixture, token, request);
}

GPtrArray *
test_history_get (TestHistoryFixture *fixture,
                  const char         *method,
                  gint64              id,
                  const char         *token,
                  guint              *out_status)
{
  g_autofree char *path = g_strdup_printf ("/v1/companies/%" G_GINT64_FORMAT "/history", id);
  g_autofree char *url = test_server_url (fixture->server, path);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;
  gsize length = 0;
  const char *data;

  body = companies_test_http (method, url, NULL, token, NULL, 0, out_status, &error);
  g_assert_no_error (error);
  if (*out_status != 200)
    return NULL;

  data = g_bytes_get_data (body, &length);
  entries = companies_history_decode (data, length, &error);
  g_assert_no_error (error);
  return entries;
}

CompaniesHistoryEntry *
test_history_entry_at (GPtrArray *entries,
                       guint      index)
{
  g_assert_cmpuint (index, <, entries->len);
  return g_ptr_array_index (entries, index);
}

void
test_history_assert_entry (CompaniesHistoryEntry *entry,
                           const char            *field,
                           const char            *value,
                           gint64                 version,
                           const char            *by)
{
  g_assert_cmpstr (entry->field, ==, field);
  g_assert_cmpstr (entry->value, ==, value);
  g_assert_cmpint (entry->version, ==, version);
  g_assert_cmpstr (entry->by, ==, by);
  g_assert_cmpint (ABS (entry->at - g_get_real_time () / G_USEC_PER_SEC), <, 600);
}

gint64
test_history_schema_version (TestHistoryFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (!companies_test_postgres_wanted ())
    return test_database_query_int (fixture->server->db_path, "PRAGMA user_version");

  uri = companies_test_postgres_database_for (fixture->server->db_path, &error);
  g_assert_no_error (error);
  return companies_test_postgres_query_int (uri, "SELECT version FROM companies_server_schema");
}

static void
sqlite_exec (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

#define LAZY_COLUMNS_SQL \
  "SELECT count(*) FROM pragma_table_info('company') WHERE name = 'created_at'"

void
test_history_downgrade (TestHistoryFixture *fixture,
                        const char         *sql,
                        gint64              sqlite_version,
                        gint64              pg_version)
{
  const char *path = fixture->server->db_path;
  g_auto(GStrv) statements = g_strsplit (sql != NULL ? sql : "", ";", -1);

  companies_test_server_stop (fixture->server->server);

  if (companies_test_postgres_wanted ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = companies_test_postgres_database_for (path, &error);
      g_autofree char *version = NULL;

      g_assert_no_error (error);
      companies_test_postgres_exec (uri, "ALTER TABLE company DROP COLUMN IF EXISTS created_at, "
                                    "DROP COLUMN IF EXISTS created_by, "
                                    "DROP COLUMN IF EXISTS created_client");
      for (guint i = 0; statements[i] != NULL; i++)
        if (*g_strstrip (statements[i]) != '\0')
          companies_test_postgres_exec (uri, statements[i]);
      version = g_strdup_printf ("UPDATE companies_server_schema SET version = %" G_GINT64_FORMAT,
                                 pg_version);
      companies_test_postgres_exec (uri, version);
    }
  else
    {
      g_autofree char *version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT,
                                                  sqlite_version);

      if (test_database_query_int (path, LAZY_COLUMNS_SQL) > 0)
        sqlite_exec (path, "ALTER TABLE company DROP COLUMN created_at; "
                     "ALTER TABLE company DROP COLUMN created_by; "
                     "ALTER TABLE company DROP COLUMN created_client");
      for (guint i = 0; statements[i] != NULL; i++)
        if (*g_strstrip (statements[i]) != '\0')
          sqlite_exec (path, statements[i]);
      sqlite_exec (path, version);
    }

  test_server_restart (fixture->server, NULL);
}
