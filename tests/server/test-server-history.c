/* test-server-history.c: each company's field history on the server
 * (docs/history.md): GET /v1/companies/{id}/history with values,
 * versions, who (token labels) and order; deletes; the bound by count;
 * 404, 401 and 405; read-only tokens read it; and a database of the
 * schema before history is migrated to it, its companies kept and their
 * current values made their first history entries. Runs on
 * SQLite and, in the suite server-pg, on PostgreSQL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <sqlite3.h>
#include <string.h>

#include "companies-history-fetch.h"
#include "companies-test-postgres.h"
#include "server-test-util.h"

typedef struct
{
  TestServer *server;
  char       *ana;     /* "Ana's laptop" */
  char       *bob;     /* "Bob" */
  char       *reader;  /* "Reader", read-only */
} Fixture;

static char *
hash_line (const char *token,
           const char *flags)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);

  return g_strdup_printf ("sha256:%s %s\n", hash, flags);
}

/* Three labelled tokens, then the server again with @args. */
static void
fixture_start (Fixture            *fixture,
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

static void
fixture_stop (Fixture *fixture)
{
  g_clear_pointer (&fixture->server, test_server_free);
  g_free (fixture->ana);
  g_free (fixture->bob);
  g_free (fixture->reader);
}

/* One sync as @token; returns the response. */
static CompaniesSyncResponse *
sync_as (Fixture              *fixture,
         const char           *token,
         CompaniesSyncRequest *request)
{
  g_free (fixture->server->token);
  fixture->server->token = g_strdup (token);
  return test_sync (fixture->server, request);
}

static gint64
add_as (Fixture    *fixture,
        const char *token,
        const char *name,
        const char *phone)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesChange *change = test_request_add (request, NULL, "name", name, "phone", phone, NULL);
  response = sync_as (fixture, token, request);
  /* the response may hold the records before it too */
  for (guint i = 0; i < response->companies->len; i++)
    {
      CompaniesRecord *record = g_ptr_array_index (response->companies, i);

      if (g_strcmp0 (record->uuid, change->uuid) == 0)
        return record->id;
    }
  g_assert_not_reached ();
}

static gint64
update_as (Fixture    *fixture,
           const char *token,
           gint64      id,
           const char *field,
           const char *value)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;

  test_request_update (request, id, 0, field, value, NULL);
  response = sync_as (fixture, token, request);
  g_assert_nonnull (test_find_company (response->companies, id));
  return test_find_company (response->companies, id)->version;
}

/* GET the history of @id as @token; the entries when 200. */
static GPtrArray *
get_history (Fixture    *fixture,
             const char *method,
             gint64      id,
             const char *token,
             guint      *out_status)
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

static CompaniesHistoryEntry *
entry_at (GPtrArray *entries,
          guint      index)
{
  g_assert_cmpuint (index, <, entries->len);
  return g_ptr_array_index (entries, index);
}

static void
assert_entry (CompaniesHistoryEntry *entry,
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

static void
test_values_who_order (void)
{
  Fixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) after_delete = NULL;
  gint64 id, v1, v2;
  guint status = 0;

  fixture_start (&fixture, NULL);
  id = add_as (&fixture, fixture.ana, "Café Olé", "111");
  v1 = update_as (&fixture, fixture.bob, id, "phone", "222");
  v2 = update_as (&fixture, fixture.ana, id, "notes", "ring twice");

  /* a read-only token may read history */
  entries = get_history (&fixture, "GET", id, fixture.reader, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (entries->len, ==, 4);
  assert_entry (entry_at (entries, 0), "notes", "ring twice", v2, "Ana's laptop");
  assert_entry (entry_at (entries, 1), "phone", "222", v1, "Bob");
  /* the add: each field it filled, in field order */
  assert_entry (entry_at (entries, 2), "name", "Café Olé", v1 - 1, "Ana's laptop");
  assert_entry (entry_at (entries, 3), "phone", "111", v1 - 1, "Ana's laptop");

  /* a delete is an entry without a field */
  {
    g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
    g_autoptr(CompaniesSyncResponse) response = NULL;

    test_request_delete (request, id);
    response = sync_as (&fixture, fixture.bob, request);
  }
  after_delete = get_history (&fixture, "GET", id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (after_delete->len, ==, 5);
  assert_entry (entry_at (after_delete, 0), NULL, NULL, v2 + 1, "Bob");

  /* unknown id, no token, wrong method */
  g_assert_null (get_history (&fixture, "GET", id + 1000, fixture.ana, &status));
  g_assert_cmpuint (status, ==, 404);
  g_assert_null (get_history (&fixture, "GET", id, NULL, &status));
  g_assert_cmpuint (status, ==, 401);
  g_assert_null (get_history (&fixture, "POST", id, fixture.ana, &status));
  g_assert_cmpuint (status, ==, 405);

  fixture_stop (&fixture);
}

/* --history-entries 3: each field keeps its newest three values, pruned
 * by the writes themselves. */
static void
test_bound_by_count (void)
{
  const char *args[] = { "--history-entries", "3", NULL };
  Fixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  gint64 id, last = 0;
  guint status = 0, n_phone = 0;

  fixture_start (&fixture, args);
  id = add_as (&fixture, fixture.ana, "Bounded Lda", "0");
  for (guint i = 1; i <= 6; i++)
    {
      g_autofree char *phone = g_strdup_printf ("%u", i);

      last = update_as (&fixture, i % 2 ? fixture.ana : fixture.bob, id, "phone", phone);
    }

  entries = get_history (&fixture, "GET", id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (entry_at (entries, i)->field, "phone") == 0)
      n_phone++;
  g_assert_cmpuint (n_phone, ==, 3);
  assert_entry (entry_at (entries, 0), "phone", "6", last, "Bob");
  assert_entry (entry_at (entries, 1), "phone", "5", last - 1, "Ana's laptop");
  assert_entry (entry_at (entries, 2), "phone", "4", last - 2, "Bob");
  /* the name was written once: kept */
  assert_entry (entry_at (entries, 3), "name", "Bounded Lda", last - 6, "Ana's laptop");
  g_assert_cmpuint (entries->len, ==, 4);

  fixture_stop (&fixture);
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

/* A database of the schema before history (SQLite 2, PostgreSQL 1) is
 * migrated at start: its companies are kept, each non-empty field of a
 * live company gets one entry with its value and field version, by
 * nobody known (docs/history.md, "Upgrading"); then history records the
 * writes. */
static void
test_migration (void)
{
  Fixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) gone_entries = NULL;
  gint64 id, gone, added, phoned, version;
  guint status = 0;

  fixture_start (&fixture, NULL);
  id = add_as (&fixture, fixture.ana, "Old Records SA", "123");
  phoned = update_as (&fixture, fixture.bob, id, "phone", "456");
  gone = add_as (&fixture, fixture.ana, "Gone Lda", "9");
  {
    g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
    g_autoptr(CompaniesSyncResponse) response = NULL;

    test_request_delete (request, gone);
    response = sync_as (&fixture, fixture.bob, request);
  }
  added = phoned - 1;
  companies_test_server_stop (fixture.server->server);

  if (companies_test_postgres_wanted ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = companies_test_postgres_database_for (fixture.server->db_path, &error);

      g_assert_no_error (error);
      companies_test_postgres_exec (uri, "DROP TABLE history");
      companies_test_postgres_exec (uri, "DROP TABLE replaced");
      companies_test_postgres_exec (uri, "UPDATE companies_server_schema SET version = 1");
      test_server_restart (fixture.server, NULL);
      g_assert_cmpint (companies_test_postgres_query_int (uri,
                         "SELECT version FROM companies_server_schema"), ==, 4);
      g_assert_cmpint (companies_test_postgres_query_int (uri,
                         "SELECT count(*) FROM history"), ==, 2);
    }
  else
    {
      sqlite_exec (fixture.server->db_path,
                   "DROP TABLE history; DROP TABLE replaced; PRAGMA user_version = 2");
      test_server_restart (fixture.server, NULL);
      g_assert_cmpint (test_database_query_int (fixture.server->db_path, "PRAGMA user_version"), ==, 4);
      g_assert_cmpint (test_database_query_int (fixture.server->db_path,
                                                "SELECT count(*) FROM history"), ==, 2);
    }

  records = test_snapshot (fixture.server);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (test_find_company (records, id)->values[COMPANIES_FIELD_NAME], ==, "Old Records SA");

  /* the current values, each at its field's version, newest first; the
   * empty fields and the deleted company have none */
  entries = get_history (&fixture, "GET", id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (entries->len, ==, 2);
  assert_entry (entry_at (entries, 0), "phone", "456", phoned, NULL);
  assert_entry (entry_at (entries, 1), "name", "Old Records SA", added, NULL);
  g_clear_pointer (&entries, g_ptr_array_unref);
  gone_entries = get_history (&fixture, "GET", gone, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (gone_entries->len, ==, 0);

  version = update_as (&fixture, fixture.bob, id, "city", "Porto");
  entries = get_history (&fixture, "GET", id, fixture.ana, &status);
  g_assert_cmpuint (entries->len, ==, 3);
  assert_entry (entry_at (entries, 0), "city", "Porto", version, "Bob");
  assert_entry (entry_at (entries, 1), "phone", "456", phoned, NULL);

  fixture_stop (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/history/values-who-order", test_values_who_order);
  g_test_add_func ("/server/history/bound-by-count", test_bound_by_count);
  g_test_add_func ("/server/history/migration", test_migration);

  return g_test_run ();
}
