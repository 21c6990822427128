/* test-server-history-lazy.c: a new record's history, written lazily
 * (docs/history.md, "A new record's entries"): an add stores no history
 * rows, yet GET /v1/companies/{id}/history answers exactly what the eager
 * scheme wrote; a later update or delete writes the creation entries
 * first; a random run against an eager model; --history-days; the writer
 * of a value for `replaced`; and a database of the schema before (4)
 * upgraded with its history unchanged. Runs on SQLite and, in the suite
 * server-pg, on PostgreSQL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <sqlite3.h>

#include "companies-fields.h"
#include "companies-test-postgres.h"
#include "server-test-history.h"

#define DAY ((gint64) 24 * 60 * 60)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Rows of the history table, on either backend. */
static gint64
stored_entries (TestHistoryFixture *fixture,
                const char         *where)
{
  g_autofree char *sql = g_strconcat ("SELECT count(*) FROM history", where != NULL ? " WHERE " : "",
                                      where, NULL);

  if (companies_test_postgres_wanted ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = companies_test_postgres_database_for (fixture->server->db_path, &error);

      g_assert_no_error (error);
      return companies_test_postgres_query_int (uri, sql);
    }

  return test_database_query_int (fixture->server->db_path, sql);
}

/* Runs @sql on the stopped server's database, either backend. */
static void
database_exec (TestHistoryFixture *fixture,
               const char         *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (companies_test_postgres_wanted ())
    {
      uri = companies_test_postgres_database_for (fixture->server->db_path, &error);
      g_assert_no_error (error);
      companies_test_postgres_exec (uri, sql);
    }
  else
    {
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (fixture->server->db_path, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
    }
}

/* Adds a company with every field of @values (NULL: not sent) as @token;
 * the record as answered. */
static CompaniesRecord *
add_values (TestHistoryFixture *fixture,
            const char         *token,
            const char * const *values,
            const char         *uuid)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_ADD);
  CompaniesRecord *record;
  guint index = 0;

  change->uuid = uuid != NULL ? g_strdup (uuid) : g_uuid_string_random ();
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if (values[i] != NULL)
      {
        change->values[i] = g_strdup (values[i]);
        change->field_mask |= COMPANIES_FIELD_BIT (i);
      }
  g_ptr_array_add (request->added, change);

  response = test_history_sync_as (fixture, token, request);
  record = test_find_company_by_uuid (response->companies, change->uuid);
  g_assert_nonnull (record);
  g_assert_true (g_ptr_array_find (response->companies, record, &index));
  return g_ptr_array_steal_index_fast (response->companies, index);
}

static const char * const FULL[COMPANIES_N_FIELDS] = {
  "Lazy Lda", "", "Braga", "4700-001", NULL, "+351 253 000 000", "geral@lazy.example", NULL,
  "first\nsecond line",
};

/* The creation entries of FULL at @version, by @by, from @index of
 * @entries on, written between @from and @to. */
static guint
assert_creation (GPtrArray  *entries,
                 guint       index,
                 gint64      version,
                 const char *by,
                 gint64      from,
                 gint64      to)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      CompaniesHistoryEntry *entry;

      if (FULL[i] == NULL || *FULL[i] == '\0')
        continue;

      entry = test_history_entry_at (entries, index++);
      test_history_assert_entry (entry, companies_field_get_name (i), FULL[i], version, by);
      g_assert_cmpint (entry->at, >=, from);
      g_assert_cmpint (entry->at, <=, to);
    }

  return index;
}

/* 1. An add, then its history: one entry per non-empty field, in field
 * order, at the add's version, by its token, then; none stored. */
static void
test_add (void)
{
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(CompaniesRecord) record = NULL;
  g_autoptr(CompaniesRecord) retried = NULL;
  gint64 from, to;
  guint status = 0;

  test_history_fixture_start (&fixture, NULL);
  from = now_seconds ();
  record = add_values (&fixture, fixture.ana, FULL, NULL);
  to = now_seconds ();

  entries = test_history_get (&fixture, "GET", record->id, fixture.reader, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (assert_creation (entries, 0, record->version, "Ana's laptop", from, to), ==, 6);
  g_assert_cmpuint (entries->len, ==, 6);
  /* the entries live in the record's row until it is written again */
  g_assert_cmpint (stored_entries (&fixture, NULL), ==, 0);

  /* a retried add (known uuid) writes nothing, whoever sends it */
  retried = add_values (&fixture, fixture.bob, FULL, record->uuid);
  g_assert_cmpint (retried->id, ==, record->id);
  g_assert_cmpint (retried->version, ==, record->version);
  again = test_history_get (&fixture, "GET", record->id, fixture.ana, &status);
  g_assert_cmpuint (again->len, ==, 6);
  assert_creation (again, 0, record->version, "Ana's laptop", from, to);

  test_history_fixture_stop (&fixture);
}

/* 2. An add, then an update of one field: the update's entry, then every
 * creation entry, as the eager scheme wrote them; once more: the
 * creation entries are not written twice. */
static void
test_update (void)
{
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) twice = NULL;
  g_autoptr(CompaniesRecord) record = NULL;
  gint64 from, to, v1, v2;
  guint status = 0;

  test_history_fixture_start (&fixture, NULL);
  from = now_seconds ();
  record = add_values (&fixture, fixture.ana, FULL, NULL);
  to = now_seconds ();
  v1 = test_history_update_as (&fixture, fixture.bob, record->id, "city", "Porto");

  entries = test_history_get (&fixture, "GET", record->id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (entries->len, ==, 7);
  test_history_assert_entry (test_history_entry_at (entries, 0), "city", "Porto", v1, "Bob");
  assert_creation (entries, 1, record->version, "Ana's laptop", from, to);
  g_assert_cmpint (stored_entries (&fixture, NULL), ==, 7);

  v2 = test_history_update_as (&fixture, fixture.ana, record->id, "email", "");
  twice = test_history_get (&fixture, "GET", record->id, fixture.ana, &status);
  g_assert_cmpuint (twice->len, ==, 8);
  test_history_assert_entry (test_history_entry_at (twice, 0), "email", "", v2, "Ana's laptop");
  test_history_assert_entry (test_history_entry_at (twice, 1), "city", "Porto", v1, "Bob");
  assert_creation (twice, 2, record->version, "Ana's laptop", from, to);

  test_history_fixture_stop (&fixture);
}

/* 3. An add, then a delete: the deletion's entry, then the creation
 * entries. */
static void
test_delete (void)
{
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(CompaniesRecord) record = NULL;
  gint64 from, to;
  guint status = 0;

  test_history_fixture_start (&fixture, NULL);
  from = now_seconds ();
  record = add_values (&fixture, fixture.ana, FULL, NULL);
  to = now_seconds ();
  test_history_delete_as (&fixture, fixture.bob, record->id);

  entries = test_history_get (&fixture, "GET", record->id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (entries->len, ==, 7);
  test_history_assert_entry (test_history_entry_at (entries, 0), NULL, NULL,
                             record->version + 1, "Bob");
  assert_creation (entries, 1, record->version, "Ana's laptop", from, to);

  test_history_fixture_stop (&fixture);
}

/* The eager model of one company's history. */
typedef struct
{
  gint64     id;
  gboolean   deleted;
  char      *values[COMPANIES_N_FIELDS];
  GPtrArray *entries;  /* of CompaniesHistoryEntry, newest first */
} ModelCompany;

static void
model_company_free (ModelCompany *company)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (company->values[i]);
  g_ptr_array_unref (company->entries);
  g_free (company);
}

/* Puts an entry of field @field (-1: a deletion) in front, keeping the
 * order of the list (version descending, field order within one). */
static void
model_note (ModelCompany *company,
            int           field,
            const char   *value,
            gint64        version,
            const char   *by,
            gint64        at,
            guint         position)
{
  CompaniesHistoryEntry *entry = companies_history_entry_new ();

  entry->field = field >= 0 ? g_strdup (companies_field_get_name (field)) : NULL;
  entry->value = g_strdup (value);
  entry->version = version;
  entry->at = at;
  entry->by = g_strdup (by);
  g_ptr_array_insert (company->entries, position, entry);
}

/* The eager pruning after a write of @field: its newest @bound entries
 * are kept. */
static void
model_prune (ModelCompany *company,
             int           field,
             guint         bound)
{
  const char *name = companies_field_get_name (field);
  guint seen = 0;

  for (guint i = 0; i < company->entries->len;)
    {
      CompaniesHistoryEntry *entry = g_ptr_array_index (company->entries, i);

      if (g_strcmp0 (entry->field, name) == 0 && ++seen > bound)
        g_ptr_array_remove_index (company->entries, i);
      else
        i++;
    }
}

static void
assert_same_history (TestHistoryFixture *fixture,
                     ModelCompany       *company,
                     gint64              from,
                     gint64              to)
{
  g_autoptr(GPtrArray) entries = NULL;
  guint status = 0;

  entries = test_history_get (fixture, "GET", company->id, fixture->ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (entries->len, ==, company->entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      CompaniesHistoryEntry *expected = g_ptr_array_index (company->entries, i);
      CompaniesHistoryEntry *entry = g_ptr_array_index (entries, i);

      g_assert_cmpstr (entry->field, ==, expected->field);
      g_assert_cmpstr (entry->value, ==, expected->value);
      g_assert_cmpint (entry->version, ==, expected->version);
      g_assert_cmpstr (entry->by, ==, expected->by);
      /* the entry's time is its write's: between the requests around it */
      g_assert_cmpint (entry->at, >=, expected->at);
      g_assert_cmpint (entry->at, <=, to);
      g_assert_cmpint (entry->at, >=, from);
    }
}

/* A value fit for field @field (the email is checked). */
static char *
random_value (guint field)
{
  guint n = g_test_rand_int_range (0, 4);

  if (field != COMPANIES_FIELD_NAME && g_test_rand_int_range (0, 4) == 0)
    return g_strdup ("");
  if (field == COMPANIES_FIELD_EMAIL)
    return g_strdup_printf ("m%u@x.example", n);
  return g_strdup_printf ("%s %u", companies_field_get_name (field), n);
}

#define ORACLE_COMPANIES 6
#define ORACLE_STEPS     300

/* 4. Random adds, updates and deletes of a few companies by two tokens,
 * --history-entries @data (3, and 1: where an update's own entry is the
 * only one kept, the creation entry it stores first must go at once);
 * every company's history against the eager model every few steps and
 * at the end (after a restart). */
static void
test_oracle (gconstpointer data)
{
  guint bound = GPOINTER_TO_UINT (data);
  g_autofree char *bound_text = g_strdup_printf ("%u", bound);
  const char *args[] = { "--history-entries", bound_text, NULL };
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) companies = g_ptr_array_new_with_free_func ((GDestroyNotify) model_company_free);
  const char *labels[] = { "Ana's laptop", "Bob" };
  gint64 from = now_seconds ();

  test_history_fixture_start (&fixture, args);
  for (guint step = 0; step < ORACLE_STEPS; step++)
    {
      guint who = g_test_rand_int_range (0, 2);
      const char *token = who == 0 ? fixture.ana : fixture.bob;
      guint kind = g_test_rand_int_range (0, 10);
      gint64 at = now_seconds ();
      ModelCompany *company;

      if (companies->len < ORACLE_COMPANIES && (companies->len == 0 || kind < 3))
        {
          const char *values[COMPANIES_N_FIELDS] = { NULL, };
          char *made[COMPANIES_N_FIELDS] = { NULL, };
          g_autoptr(CompaniesRecord) record = NULL;
          guint position = 0;

          for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
            if (i == COMPANIES_FIELD_NAME || g_test_rand_int_range (0, 2) == 0)
              values[i] = made[i] = random_value (i);
          record = add_values (&fixture, token, values, NULL);

          company = g_new0 (ModelCompany, 1);
          company->id = record->id;
          company->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_history_entry_free);
          for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
            {
              company->values[i] = g_strdup (values[i] != NULL ? values[i] : "");
              if (*company->values[i] != '\0')
                model_note (company, i, company->values[i], record->version, labels[who], at,
                            position++);
              g_free (made[i]);
            }
          g_ptr_array_add (companies, company);
        }
      else if (kind < 9)
        {
          g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
          g_autoptr(CompaniesSyncResponse) response = NULL;
          CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_UPDATE);
          CompaniesRecord *answered;
          guint n_fields = g_test_rand_int_range (1, 4);
          guint position = 0, changed = 0;

          company = g_ptr_array_index (companies, g_test_rand_int_range (0, companies->len));
          change->id = company->id;
          for (guint j = 0; j < n_fields; j++)
            {
              guint i = g_test_rand_int_range (0, COMPANIES_N_FIELDS);

              g_free (change->values[i]);
              change->values[i] = random_value (i);
              change->field_mask |= COMPANIES_FIELD_BIT (i);
            }
          g_ptr_array_add (request->updated, change);
          response = test_history_sync_as (&fixture, token, request);
          answered = test_find_company (response->companies, company->id);
          g_assert_true (company->deleted || answered != NULL);

          /* a tombstone wins: nothing written; otherwise the fields
           * whose value changed, at the write's version, each then
           * pruned to the bound */
          for (guint i = 0; i < COMPANIES_N_FIELDS && !company->deleted; i++)
            {
              if (!(change->field_mask & COMPANIES_FIELD_BIT (i)) ||
                  g_strcmp0 (change->values[i], company->values[i]) == 0)
                continue;
              g_free (company->values[i]);
              company->values[i] = g_strdup (change->values[i]);
              changed |= COMPANIES_FIELD_BIT (i);
              model_note (company, i, change->values[i], answered->version, labels[who], at,
                          position++);
            }
          for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
            if (changed & COMPANIES_FIELD_BIT (i))
              model_prune (company, i, bound);
          for (guint i = 0; i < COMPANIES_N_FIELDS && !company->deleted; i++)
            g_assert_cmpstr (answered->values[i], ==, company->values[i]);
        }
      else
        {
          company = g_ptr_array_index (companies, g_test_rand_int_range (0, companies->len));
          if (!company->deleted)
            {
              gint64 version;

              test_history_delete_as (&fixture, token, company->id);
              version = test_last_version (fixture.server);
              model_note (company, -1, NULL, version, labels[who], at, 0);
              company->deleted = TRUE;
            }
          else
            test_history_delete_as (&fixture, token, company->id);  /* changes nothing */
        }

      if (step % 25 == 24)
        for (guint c = 0; c < companies->len; c++)
          assert_same_history (&fixture, g_ptr_array_index (companies, c), from, now_seconds ());
    }

  test_server_restart (fixture.server, args);
  for (guint c = 0; c < companies->len; c++)
    assert_same_history (&fixture, g_ptr_array_index (companies, c), from, now_seconds ());

  test_history_fixture_stop (&fixture);
}

/* 5. --history-days: a record whose add is older than the horizon shows
 * no entries (as the eager ones would have been pruned), and a write to
 * it keeps only its own; a younger one shows its creation entries. */
static void
test_history_days (void)
{
  const char *args[] = { "--history-days", "30", NULL };
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) old_entries = NULL;
  g_autoptr(GPtrArray) written = NULL;
  g_autoptr(GPtrArray) young_entries = NULL;
  g_autoptr(CompaniesRecord) old = NULL;
  g_autoptr(CompaniesRecord) young = NULL;
  g_autofree char *backdate = NULL;
  gint64 from, to, version;
  guint status = 0;

  test_history_fixture_start (&fixture, args);
  from = now_seconds ();
  old = add_values (&fixture, fixture.ana, FULL, NULL);
  young = add_values (&fixture, fixture.ana, FULL, NULL);
  to = now_seconds ();

  /* the add of @old made 40 days ago */
  companies_test_server_stop (fixture.server->server);
  backdate = g_strdup_printf ("UPDATE company SET created_at = created_at - %" G_GINT64_FORMAT
                              " WHERE id = %" G_GINT64_FORMAT, 40 * DAY, old->id);
  database_exec (&fixture, backdate);
  test_server_restart (fixture.server, args);

  old_entries = test_history_get (&fixture, "GET", old->id, fixture.ana, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (old_entries->len, ==, 0);
  young_entries = test_history_get (&fixture, "GET", young->id, fixture.ana, &status);
  g_assert_cmpuint (young_entries->len, ==, 6);
  assert_creation (young_entries, 0, young->version, "Ana's laptop", from, to);

  version = test_history_update_as (&fixture, fixture.bob, old->id, "phone", "+351 111");
  written = test_history_get (&fixture, "GET", old->id, fixture.ana, &status);
  g_assert_cmpuint (written->len, ==, 1);
  test_history_assert_entry (test_history_entry_at (written, 0), "phone", "+351 111", version, "Bob");

  test_history_fixture_stop (&fixture);
}

/* The writer of a value, for `replaced` (docs/notices.md): a lazy
 * record's field answers its add's client, author and time; an empty
 * field or another version nothing; and the same once written out. */
static void
test_writer (TestStoreFixture *fixture,
             gconstpointer     unused)
{
  CompaniesServerStore *store = fixture->store;
  const char *values[COMPANIES_N_FIELDS] = { "Writer SA", "", "Faro", NULL, };
  const char *update[COMPANIES_N_FIELDS] = { NULL, NULL, NULL, NULL, NULL, "+351 9", NULL, };
  g_autoptr(GError) error = NULL;
  gint64 version, id = 0, at = 0, later;

  g_assert_true (companies_server_store_begin (store, &error));
  companies_server_store_set_author (store, "Ana's laptop", 1700000000);
  companies_server_store_set_writer (store, "0c1d0000-0000-4000-8000-00000000000a");
  g_assert_true (companies_server_store_next_version (store, &version, &error));
  g_assert_true (companies_server_store_insert (store, "9f0e0000-0000-4000-8000-000000000001",
                                                values, version, &id, &error));
  g_assert_true (companies_server_store_commit (store, &error));
  g_assert_no_error (error);

  for (guint round = 0; round < 2; round++)
    {
      g_autofree char *client = NULL, *by = NULL;
      g_autofree char *no_client = NULL, *no_by = NULL;
      g_autofree char *other_client = NULL, *other_by = NULL;

      g_assert_true (companies_server_store_begin (store, &error));
      g_assert_true (companies_server_store_find_writer (store, id, "city", version, &client, &by,
                                                         &at, &error));
      g_assert_cmpstr (client, ==, "0c1d0000-0000-4000-8000-00000000000a");
      g_assert_cmpstr (by, ==, "Ana's laptop");
      g_assert_cmpint (at, ==, 1700000000);
      g_assert_true (companies_server_store_find_writer (store, id, "address", version, &no_client,
                                                         &no_by, &at, &error));
      g_assert_null (no_client);
      g_assert_null (no_by);
      g_assert_true (companies_server_store_find_writer (store, id, "city", version + 1,
                                                         &other_client, &other_by, &at, &error));
      g_assert_null (other_client);
      g_assert_null (other_by);

      /* then written out by an update of another field */
      if (round == 0)
        {
          companies_server_store_set_author (store, "Bob", 1700000100);
          companies_server_store_set_writer (store, NULL);
          g_assert_true (companies_server_store_next_version (store, &later, &error));
          g_assert_true (companies_server_store_update_fields (store, id,
                                                               COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                               update, later, &error));
        }
      g_assert_true (companies_server_store_commit (store, &error));
      g_assert_no_error (error);
    }
}

/* 6. A database of the schema before the lazy entries (4), its history
 * all stored, is upgraded at start with that history unchanged; then a
 * new record's entries are lazy again. */
static void
test_upgrade (void)
{
  TestHistoryFixture fixture = { NULL, };
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) gone_before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) gone_after = NULL;
  g_autoptr(GPtrArray) written = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(CompaniesRecord) kept = NULL;
  g_autoptr(CompaniesRecord) gone = NULL;
  g_autoptr(CompaniesRecord) added = NULL;
  gint64 schema, version, n_stored;
  guint status = 0;

  test_history_fixture_start (&fixture, NULL);
  kept = add_values (&fixture, fixture.ana, FULL, NULL);
  test_history_update_as (&fixture, fixture.bob, kept->id, "city", "Porto");
  gone = add_values (&fixture, fixture.ana, FULL, NULL);
  test_history_delete_as (&fixture, fixture.bob, gone->id);
  before = test_history_get (&fixture, "GET", kept->id, fixture.ana, &status);
  gone_before = test_history_get (&fixture, "GET", gone->id, fixture.ana, &status);
  g_assert_cmpuint (before->len, ==, 7);
  g_assert_cmpuint (gone_before->len, ==, 7);
  n_stored = stored_entries (&fixture, NULL);
  g_assert_cmpint (n_stored, ==, 14);
  schema = test_history_schema_version (&fixture);

  test_history_downgrade (&fixture, NULL, 4, 4);
  g_assert_cmpint (test_history_schema_version (&fixture), ==, schema);
  g_assert_cmpint (stored_entries (&fixture, NULL), ==, n_stored);

  after = test_history_get (&fixture, "GET", kept->id, fixture.ana, &status);
  gone_after = test_history_get (&fixture, "GET", gone->id, fixture.ana, &status);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpuint (gone_after->len, ==, gone_before->len);
  for (guint i = 0; i < before->len; i++)
    {
      CompaniesHistoryEntry *a = g_ptr_array_index (before, i);
      CompaniesHistoryEntry *b = g_ptr_array_index (after, i);
      CompaniesHistoryEntry *c = g_ptr_array_index (gone_before, i);
      CompaniesHistoryEntry *d = g_ptr_array_index (gone_after, i);

      test_history_assert_entry (b, a->field, a->value, a->version, a->by);
      g_assert_cmpint (b->at, ==, a->at);
      test_history_assert_entry (d, c->field, c->value, c->version, c->by);
      g_assert_cmpint (d->at, ==, c->at);
    }

  /* a write adds only its own entry: the old record has nothing lazy */
  version = test_history_update_as (&fixture, fixture.ana, kept->id, "notes", "upgraded");
  written = test_history_get (&fixture, "GET", kept->id, fixture.ana, &status);
  g_assert_cmpuint (written->len, ==, before->len + 1);
  test_history_assert_entry (test_history_entry_at (written, 0), "notes", "upgraded", version,
                             "Ana's laptop");

  /* and a new record is lazy */
  added = add_values (&fixture, fixture.bob, FULL, NULL);
  fresh = test_history_get (&fixture, "GET", added->id, fixture.ana, &status);
  g_assert_cmpuint (fresh->len, ==, 6);
  assert_creation (fresh, 0, added->version, "Bob", 0, now_seconds ());
  g_assert_cmpint (stored_entries (&fixture, NULL), ==, n_stored + 1);

  test_history_fixture_stop (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/history-lazy/add", test_add);
  g_test_add_func ("/server/history-lazy/update", test_update);
  g_test_add_func ("/server/history-lazy/delete", test_delete);
  g_test_add_data_func ("/server/history-lazy/oracle", GUINT_TO_POINTER (3), test_oracle);
  g_test_add_data_func ("/server/history-lazy/oracle-one-entry", GUINT_TO_POINTER (1), test_oracle);
  g_test_add_func ("/server/history-lazy/history-days", test_history_days);
  g_test_add ("/server/history-lazy/writer", TestStoreFixture, NULL,
              test_store_fixture_set_up, test_writer, test_store_fixture_tear_down);
  g_test_add_func ("/server/history-lazy/upgrade", test_upgrade);

  return g_test_run ();
}
