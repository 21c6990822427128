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

#include <string.h>

#include "companies-test-postgres.h"
#include "server-test-history.h"

static void
test_values_who_order (void)
{
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) after_delete = NULL;
  gint64 id, v1, v2;
  guint status = 0;

  test_history_fixture_start (&fixture, NULL);
  id = test_history_add_as (&fixture, fixture.ana, "Café Olé", "111");
  v1 = test_history_update_as (&fixture, fixture.bob, id, "phone", "222");
  v2 = test_history_update_as (&fixture, fixture.ana, id, "notes", "ring twice");

  /* a read-only token may read history */
  entries = test_history_get (&fixture, "GET", id, fixture.reader, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (entries->len, ==, 4);
  test_history_assert_entry (test_history_entry_at (entries, 0), "notes", "ring twice", v2, "Ana's laptop");
  test_history_assert_entry (test_history_entry_at (entries, 1), "phone", "222", v1, "Bob");
  /* the add: each field it filled, in field order */
  test_history_assert_entry (test_history_entry_at (entries, 2), "name", "Café Olé", v1 - 1, "Ana's laptop");
  test_history_assert_entry (test_history_entry_at (entries, 3), "phone", "111", v1 - 1, "Ana's laptop");

  /* a delete is an entry without a field */
  test_history_delete_as (&fixture, fixture.bob, id);
  after_delete = test_history_get (&fixture, "GET", id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (after_delete->len, ==, 5);
  test_history_assert_entry (test_history_entry_at (after_delete, 0), NULL, NULL, v2 + 1, "Bob");

  /* unknown id, no token, wrong method */
  g_assert_null (test_history_get (&fixture, "GET", id + 1000, fixture.ana, &status));
  g_assert_cmpuint (status, ==, 404);
  g_assert_null (test_history_get (&fixture, "GET", id, NULL, &status));
  g_assert_cmpuint (status, ==, 401);
  g_assert_null (test_history_get (&fixture, "POST", id, fixture.ana, &status));
  g_assert_cmpuint (status, ==, 405);

  test_history_fixture_stop (&fixture);
}

/* --history-entries 3: each field keeps its newest three values, pruned
 * by the writes themselves. */
static void
test_bound_by_count (void)
{
  const char *args[] = { "--history-entries", "3", NULL };
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  gint64 id, last = 0;
  guint status = 0, n_phone = 0;

  test_history_fixture_start (&fixture, args);
  id = test_history_add_as (&fixture, fixture.ana, "Bounded Lda", "0");
  for (guint i = 1; i <= 6; i++)
    {
      g_autofree char *phone = g_strdup_printf ("%u", i);

      last = test_history_update_as (&fixture, i % 2 ? fixture.ana : fixture.bob, id, "phone", phone);
    }

  entries = test_history_get (&fixture, "GET", id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (test_history_entry_at (entries, i)->field, "phone") == 0)
      n_phone++;
  g_assert_cmpuint (n_phone, ==, 3);
  test_history_assert_entry (test_history_entry_at (entries, 0), "phone", "6", last, "Bob");
  test_history_assert_entry (test_history_entry_at (entries, 1), "phone", "5", last - 1, "Ana's laptop");
  test_history_assert_entry (test_history_entry_at (entries, 2), "phone", "4", last - 2, "Bob");
  /* the name was written once: kept */
  test_history_assert_entry (test_history_entry_at (entries, 3), "name", "Bounded Lda", last - 6, "Ana's laptop");
  g_assert_cmpuint (entries->len, ==, 4);

  test_history_fixture_stop (&fixture);
}

/* A database of the schema before history (SQLite 2, PostgreSQL 1) is
 * migrated at start: its companies are kept, each non-empty field of a
 * live company gets one entry with its value and field version, by
 * nobody known (docs/history.md, "Upgrading"); then history records the
 * writes. */
static void
test_migration (void)
{
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) gone_entries = NULL;
  gint64 id, gone, added, phoned, version, schema;
  guint status = 0;

  test_history_fixture_start (&fixture, NULL);
  id = test_history_add_as (&fixture, fixture.ana, "Old Records SA", "123");
  phoned = test_history_update_as (&fixture, fixture.bob, id, "phone", "456");
  gone = test_history_add_as (&fixture, fixture.ana, "Gone Lda", "9");
  test_history_delete_as (&fixture, fixture.bob, gone);
  added = phoned - 1;
  schema = test_history_schema_version (&fixture);

  test_history_downgrade (&fixture, "DROP TABLE history; DROP TABLE replaced", 2, 1);
  g_assert_cmpint (test_history_schema_version (&fixture), ==, schema);
  if (companies_test_postgres_wanted ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = companies_test_postgres_database_for (fixture.server->db_path, &error);

      g_assert_no_error (error);
      g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM history"), ==, 2);
    }
  else
    g_assert_cmpint (test_database_query_int (fixture.server->db_path,
                                              "SELECT count(*) FROM history"), ==, 2);

  records = test_snapshot (fixture.server);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (test_find_company (records, id)->values[COMPANIES_FIELD_NAME], ==, "Old Records SA");

  /* the current values, each at its field's version, newest first; the
   * empty fields and the deleted company have none */
  entries = test_history_get (&fixture, "GET", id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (entries->len, ==, 2);
  test_history_assert_entry (test_history_entry_at (entries, 0), "phone", "456", phoned, NULL);
  test_history_assert_entry (test_history_entry_at (entries, 1), "name", "Old Records SA", added, NULL);
  g_clear_pointer (&entries, g_ptr_array_unref);
  gone_entries = test_history_get (&fixture, "GET", gone, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (gone_entries->len, ==, 0);

  version = test_history_update_as (&fixture, fixture.bob, id, "city", "Porto");
  entries = test_history_get (&fixture, "GET", id, fixture.ana, &status);
  g_assert_cmpuint (entries->len, ==, 3);
  test_history_assert_entry (test_history_entry_at (entries, 0), "city", "Porto", version, "Bob");
  test_history_assert_entry (test_history_entry_at (entries, 1), "phone", "456", phoned, NULL);

  test_history_fixture_stop (&fixture);
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
