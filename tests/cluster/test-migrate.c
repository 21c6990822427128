/* test-migrate.c: `companies-server migrate` moves a SQLite deployment to
 * PostgreSQL, and its clients go on with no reset and nothing lost
 *
 * Two installations sync with a server on SQLite (adds, updates, deletes,
 * tombstones purged once so that the purge horizon is set, one write with
 * a labelled token), then make more changes without syncing. The server
 * stops; migrate copies its file into an empty PostgreSQL database of the
 * test cluster; every record, every history entry (value, version, time
 * and who) and the server state must be there as they were. A server on
 * PostgreSQL
 * then serves both installations: no reset, their unsynced work arrives,
 * and each ends equal to the server. A second migrate into the now used
 * database is refused and changes nothing; one that fails half-way (a
 * trigger makes it, in the records or in the history) leaves its target
 * empty. A file of the schema before history moves with the history its
 * upgrade gives it (docs/history.md). A record whose creation entries
 * its row keeps (created_at, created_by, created_client: docs/postgresql.md,
 * "Round 9") moves with them and shows the same history; its first write
 * on PostgreSQL stores them before its own. And the server's --help
 * lists the command.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include <sqlite3.h>

#include "cluster-test-util.h"
#include "companies-history-fetch.h"
#include "companies-test-process.h"
#include "e2e-helpers.h"

#define N_FIRST 40

/* A record's creation columns (schema 5). */
#define CREATION_LINE \
  "coalesce (CAST (created_at AS TEXT), '') || '|' || coalesce (created_by, '') || '|' || " \
  "coalesce (created_client, '')"
#define HAS_CREATION_SQL \
  "SELECT count(*) FROM pragma_table_info ('company') WHERE name = 'created_at'"

/* One line a record, every column, the same SQL for both databases. */
#define RECORDS_SQL(aggregate, order) \
  "SELECT coalesce (" aggregate " (id || '|' || uuid || '|' || version || '|' || " \
  "coalesce (CAST (deleted_at AS TEXT), '') || '|' || " \
  "name || '|' || name_v || '|' || address || '|' || address_v || '|' || " \
  "city || '|' || city_v || '|' || postal_code || '|' || postal_code_v || '|' || " \
  "country || '|' || country_v || '|' || phone || '|' || phone_v || '|' || " \
  "email || '|' || email_v || '|' || website || '|' || website_v || '|' || " \
  "notes || '|' || notes_v || '|' || " CREATION_LINE order "), '') FROM company"
/* One line a history entry, every column but seq (made anew). */
#define HISTORY_LINE \
  "company_id || '|' || coalesce (field, '') || '|' || coalesce (value, '') || '|' || " \
  "version || '|' || at || '|' || coalesce (author, '')"
#define STATE_SQL \
  "SELECT database_uuid || '|' || last_version || '|' || purge_horizon || '|' || " \
  "last_id || '|' || created_at FROM server_state"

static char *
sqlite_text (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

/* Whether the file has the creation columns (a SQLite server that keeps
 * creation entries lazily made it). */
static gboolean
sqlite_has_creation (const char *path)
{
  g_autofree char *count = sqlite_text (path, HAS_CREATION_SQL);

  return g_strcmp0 (count, "0") != 0;
}

static char *
sqlite_records (const char *path)
{
  g_autofree char *sql = NULL;

  /* group_concat keeps the order of an ordered subquery; a file without
   * the creation columns has every entry stored: they move as NULL */
  sql = g_strconcat ("SELECT coalesce (group_concat (line, char (10)), '') FROM ("
                     "SELECT id || '|' || uuid || '|' || version || '|' || "
                     "coalesce (CAST (deleted_at AS TEXT), '') || '|' || "
                     "name || '|' || name_v || '|' || address || '|' || address_v || '|' || "
                     "city || '|' || city_v || '|' || postal_code || '|' || postal_code_v || '|' || "
                     "country || '|' || country_v || '|' || phone || '|' || phone_v || '|' || "
                     "email || '|' || email_v || '|' || website || '|' || website_v || '|' || "
                     "notes || '|' || notes_v || '|' || ",
                     sqlite_has_creation (path) ? CREATION_LINE : "'||'",
                     " AS line FROM company ORDER BY id)", NULL);
  return sqlite_text (path, sql);
}

/* The history entries a file holds: its rows, and those its records keep
 * (their non-empty fields), as migrate counts them. */
static gint64
sqlite_n_entries (const char *path)
{
  g_autofree char *rows = sqlite_text (path, "SELECT count(*) FROM history");
  g_autofree char *lazy = NULL;

  if (!sqlite_has_creation (path))
    return g_ascii_strtoll (rows, NULL, 10);

  lazy = sqlite_text (path, "SELECT coalesce (sum ((name <> '') + (address <> '') + (city <> '') "
                      "+ (postal_code <> '') + (country <> '') + (phone <> '') + (email <> '') "
                      "+ (website <> '') + (notes <> '')), 0) FROM company "
                      "WHERE created_at IS NOT NULL");
  return g_ascii_strtoll (rows, NULL, 10) + g_ascii_strtoll (lazy, NULL, 10);
}

static char *
pg_records (const char *uri)
{
  return cluster_sql_text (uri, RECORDS_SQL ("string_agg", ", E'\\n' ORDER BY id"));
}

/* The history in the order it was written. */
static char *
sqlite_history (const char *path)
{
  return sqlite_text (path, "SELECT coalesce (group_concat (line, char (10)), '') FROM ("
                      "SELECT " HISTORY_LINE " AS line FROM history ORDER BY seq)");
}

static char *
pg_history (const char *uri)
{
  return cluster_sql_text (uri, "SELECT coalesce (string_agg (" HISTORY_LINE ", E'\\n' "
                           "ORDER BY seq), '') FROM history");
}

/* Runs companies-server migrate; returns its exit status, its output in
 * @out_text (stdout and stderr). */
static int
run_migrate (const char  *from,
             const char  *to,
             char       **out_text)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_string = NULL;
  g_autofree char *err_string = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("COMPANIES_SERVER"), "migrate",
                              "--from", from, "--to", to, NULL);
  g_assert_no_error (error);
  g_assert_true (companies_test_process_communicate (process, NULL, 60000, &out, &err));
  out_string = companies_test_bytes_dup_string (out);
  err_string = companies_test_bytes_dup_string (err);
  *out_text = g_strconcat (out_string, err_string, NULL);
  g_test_message ("migrate: %s", *out_text);
  return g_subprocess_get_exit_status (process);
}

static char *
uuid_of (CompaniesCompany *company)
{
  return g_strdup (companies_company_get_uuid (company));
}

/* One write with a token labelled "Ana's laptop", so that the history
 * holds who wrote it (docs/history.md): the server again, with a tokens
 * file, and a third installation that uses it. */
static void
labelled_write (E2eWorld   *world,
                const char *uuid)
{
  g_autofree char *token = g_uuid_string_random ();
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  g_autofree char *line = g_strdup_printf ("sha256:%s # Ana's laptop\n", hash);
  g_autofree char *tokens = e2e_world_path (world, "tokens");
  const char *args[] = { "--tokens", tokens, NULL };
  g_autoptr(E2eClient) c = NULL;
  g_autoptr(CompaniesCompany) changed = NULL;

  companies_test_write_private (tokens, line);
  companies_test_server_free (world->server);
  world->server = cluster_server_start (world->server_db, args);
  c = e2e_client_new (world, "c", e2e_world_url (world), token);
  e2e_sync_once (c);
  changed = e2e_set (c->store, uuid, COMPANIES_FIELD_WEBSITE, "ana.example");
  e2e_sync_once (c);
}

/* The syncs on SQLite, and the unsynced work left in both stores:
 * returns the uuids that must be found (or not) after the move. */
static void
work_on_sqlite (E2eWorld *world,
                char    **out_added_a,
                char    **out_added_b,
                char    **out_updated,
                char    **out_deleted)
{
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", e2e_world_url (world), NULL);
  g_autoptr(E2eClient) b = NULL;
  g_autoptr(CompaniesCompany) added_a = NULL;
  g_autoptr(CompaniesCompany) added_b = NULL;
  g_autoptr(CompaniesCompany) changed = NULL;
  const char *args[] = { "--tombstone-days", "0", NULL };
  char *uuids[N_FIRST];

  for (guint i = 0; i < N_FIRST; i++)
    {
      g_autofree char *name = g_strdup_printf ("Company %02u", i);
      g_autoptr(CompaniesCompany) company = e2e_add (a->store, name, "Porto", "+351 200 000 000");

      uuids[i] = uuid_of (company);
    }
  e2e_sync_once (a);
  for (guint i = 0; i < 4; i++)
    e2e_delete (a->store, uuids[i]);
  for (guint i = 4; i < 8; i++)
    {
      g_clear_object (&changed);
      changed = e2e_set (a->store, uuids[i], COMPANIES_FIELD_CITY, "Braga");
    }
  e2e_sync_once (a);

  b = e2e_client_new (world, "b", e2e_world_url (world), NULL);
  e2e_sync_once (b);

  /* a start with --tombstone-days 0 purges the four tombstones */
  companies_test_server_free (world->server);
  world->server = cluster_server_start (world->server_db, args);
  g_clear_object (&a->client);
  a->client = companies_sync_client_new (a->path, e2e_world_url (world), NULL);
  g_clear_object (&b->client);
  b->client = companies_sync_client_new (b->path, e2e_world_url (world), NULL);

  for (guint i = 8; i < 10; i++)
    e2e_delete (a->store, uuids[i]);
  e2e_sync_once (a);
  e2e_sync_once (b);
  labelled_write (world, uuids[13]);

  /* unsynced work on both sides */
  added_a = e2e_add (a->store, "Unsynced A", "Faro", NULL);
  g_clear_object (&changed);
  changed = e2e_set (a->store, uuids[10], COMPANIES_FIELD_PHONE, "+351 299 999 999");
  e2e_delete (a->store, uuids[11]);
  added_b = e2e_add (b->store, "Unsynced B", "Lisboa", NULL);
  g_clear_object (&changed);
  changed = e2e_set (b->store, uuids[12], COMPANIES_FIELD_NOTES, "Changed on b");

  *out_added_a = uuid_of (added_a);
  *out_added_b = uuid_of (added_b);
  *out_updated = g_strdup (uuids[10]);
  *out_deleted = g_strdup (uuids[11]);
  for (guint i = 0; i < N_FIRST; i++)
    g_free (uuids[i]);
}

static CompaniesRecord *
find_uuid (GHashTable *records,
           const char *uuid)
{
  return g_hash_table_lookup (records, uuid);
}

static void
sync_without_reset (E2eClient *client)
{
  g_autoptr(CompaniesSyncResult) result = e2e_sync_ok (client);

  g_assert_false (result->reset);
}

/* A migration that failed left @uri as a fresh database: no record, no
 * history, the state of none. */
static void
assert_empty (const char *uri,
              const char *source_state)
{
  g_autofree char *count = cluster_sql_text (uri, "SELECT count(*) FROM company");
  g_autofree char *n_history = cluster_sql_text (uri, "SELECT count(*) FROM history");
  g_autofree char *state = cluster_sql_text (uri, STATE_SQL);

  g_assert_cmpstr (count, ==, "0");
  g_assert_cmpstr (n_history, ==, "0");
  g_assert_cmpstr (state, !=, source_state);
  g_assert_true (g_str_has_prefix (strchr (state, '|'), "|0|0|0|"));
}

static void
test_migrate (void)
{
  E2eWorld world = { NULL, };
  CompaniesTestPostgres *cluster = companies_test_postgres_get ();
  g_autoptr(GError) error = NULL;
  g_autofree char *added_a = NULL, *added_b = NULL, *updated = NULL, *deleted = NULL;
  g_autofree char *uri = NULL, *half_uri = NULL, *text = NULL;
  g_autofree char *sqlite_rows = NULL, *sqlite_state = NULL, *horizon = NULL;
  g_autofree char *moved_rows = NULL, *moved_state = NULL, *used_rows = NULL;
  g_autofree char *tombstones = NULL;
  g_autofree char *history = NULL, *moved_history = NULL;
  g_autofree char *moved_line = NULL;
  gint64 n_entries;
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(E2eClient) b = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesRecord *record;

  e2e_world_setup (&world, NULL);
  work_on_sqlite (&world, &added_a, &added_b, &updated, &deleted);
  g_clear_pointer (&world.server, companies_test_server_free);

  /* the file holds tombstones, and a purge horizon */
  horizon = sqlite_text (world.server_db, "SELECT purge_horizon FROM server_state");
  g_assert_cmpint (g_ascii_strtoll (horizon, NULL, 10), >, 0);
  sqlite_rows = sqlite_records (world.server_db);
  sqlite_state = sqlite_text (world.server_db, STATE_SQL);
  tombstones = sqlite_text (world.server_db, "SELECT count(*) FROM company WHERE deleted_at IS NOT NULL");
  g_assert_cmpstr (tombstones, ==, "2");  /* those deleted after the purge */
  /* and history, with who wrote what when a token had a label */
  history = sqlite_history (world.server_db);
  g_assert_nonnull (strstr (history, "|website|ana.example|"));
  g_assert_nonnull (strstr (history, "|Ana's laptop"));
  n_entries = sqlite_n_entries (world.server_db);
  g_assert_cmpint (n_entries, >, N_FIRST);
  moved_line = g_strdup_printf ("Moved %" G_GINT64_FORMAT " history entries", n_entries);

  uri = companies_test_postgres_create (cluster, "migrated", &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_migrate (world.server_db, uri, &text), ==, 0);
  g_assert_nonnull (strstr (text, "Moved 36 records (2 of them deleted)"));
  g_assert_nonnull (strstr (text, moved_line));

  /* every record, every history entry and the state as they were */
  moved_rows = pg_records (uri);
  moved_state = cluster_sql_text (uri, STATE_SQL);
  moved_history = pg_history (uri);
  g_assert_cmpstr (moved_rows, ==, sqlite_rows);
  g_assert_cmpstr (moved_state, ==, sqlite_state);
  g_assert_cmpstr (moved_history, ==, history);

  /* the installations go on against a server on PostgreSQL */
  world.server = cluster_server_start (uri, NULL);
  a = e2e_client_new (&world, "a", e2e_world_url (&world), NULL);
  b = e2e_client_new (&world, "b", e2e_world_url (&world), NULL);
  sync_without_reset (a);
  sync_without_reset (b);
  sync_without_reset (a);

  server = e2e_server_records (e2e_world_url (&world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, N_FIRST - 4 - 2 - 1 + 2);
  g_assert_nonnull (find_uuid (server, added_a));
  g_assert_nonnull (find_uuid (server, added_b));
  g_assert_null (find_uuid (server, deleted));
  record = find_uuid (server, updated);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, "+351 299 999 999");
  e2e_assert_store_equals (a->store, server);
  e2e_assert_store_equals (b->store, server);
  g_clear_pointer (&world.server, companies_test_server_free);

  /* a target in use is refused, and left as it was */
  used_rows = pg_records (uri);
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (run_migrate (world.server_db, uri, &text), ==, 1);
  g_assert_nonnull (strstr (text, "in use already"));
  g_clear_pointer (&moved_rows, g_free);
  moved_rows = pg_records (uri);
  g_assert_cmpstr (moved_rows, ==, used_rows);

  /* a migration that fails half-way leaves its target empty */
  half_uri = companies_test_postgres_create (cluster, "half", &error);
  g_assert_no_error (error);
  g_clear_pointer (&world.server, companies_test_server_free);
  world.server = cluster_server_start (half_uri, NULL);  /* makes the schema */
  g_clear_pointer (&world.server, companies_test_server_free);
  cluster_sql_exec (half_uri,
                    "CREATE FUNCTION refuse_20 () RETURNS trigger LANGUAGE plpgsql AS $$ "
                    "BEGIN IF NEW.id = 20 THEN RAISE EXCEPTION 'refused record 20'; END IF; "
                    "RETURN NEW; END $$; "
                    "CREATE TRIGGER refuse_20 BEFORE INSERT ON company "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_20 ()");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (run_migrate (world.server_db, half_uri, &text), ==, 1);
  g_assert_nonnull (strstr (text, "refused record 20"));
  assert_empty (half_uri, sqlite_state);

  /* the history goes in the same transaction: refused there, nothing is */
  cluster_sql_exec (half_uri,
                    "DROP TRIGGER refuse_20 ON company; "
                    "CREATE FUNCTION refuse_ana () RETURNS trigger LANGUAGE plpgsql AS $$ "
                    "BEGIN IF NEW.value = 'ana.example' THEN "
                    "RAISE EXCEPTION 'refused the history of ana'; END IF; "
                    "RETURN NEW; END $$; "
                    "CREATE TRIGGER refuse_ana BEFORE INSERT ON history "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_ana ()");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (run_migrate (world.server_db, half_uri, &text), ==, 1);
  g_assert_nonnull (strstr (text, "refused the history of ana"));
  assert_empty (half_uri, sqlite_state);

  /* and may be run again once the cause is gone */
  cluster_sql_exec (half_uri, "DROP TRIGGER refuse_ana ON history");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (run_migrate (world.server_db, half_uri, &text), ==, 0);
  g_clear_pointer (&moved_rows, g_free);
  moved_rows = pg_records (half_uri);
  g_assert_cmpstr (moved_rows, ==, sqlite_rows);
  g_clear_pointer (&moved_history, g_free);
  moved_history = pg_history (half_uri);
  g_assert_cmpstr (moved_history, ==, history);

  e2e_world_teardown (&world, NULL);
}

/* A file of SQLite schema 2 (before history) is upgraded by migrate
 * first: its live company arrives with one entry a non-empty field, by
 * nobody known; the deleted one with none. */
static void
test_migrate_old_file (void)
{
  E2eWorld world = { NULL, };
  CompaniesTestPostgres *cluster = companies_test_postgres_get ();
  g_autoptr(GError) error = NULL;
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(CompaniesCompany) kept = NULL;
  g_autoptr(CompaniesCompany) gone = NULL;
  g_autofree char *uri = NULL, *text = NULL, *history = NULL, *expected = NULL;
  g_autofree char *id_text = NULL;
  sqlite3 *db = NULL;

  e2e_world_setup (&world, NULL);
  a = e2e_client_new (&world, "a", e2e_world_url (&world), NULL);
  kept = e2e_add (a->store, "Old Lda", "Porto", NULL);
  gone = e2e_add (a->store, "Gone SA", "Faro", NULL);
  e2e_sync_once (a);
  e2e_delete (a->store, companies_company_get_uuid (gone));
  e2e_sync_once (a);
  g_clear_pointer (&world.server, companies_test_server_free);

  g_assert_cmpint (sqlite3_open (world.server_db, &db), ==, SQLITE_OK);
  /* schema 2 had neither history nor the columns of schema 5 */
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE history; DROP TABLE replaced; "
                                 "ALTER TABLE company DROP COLUMN created_at; "
                                 "ALTER TABLE company DROP COLUMN created_by; "
                                 "ALTER TABLE company DROP COLUMN created_client; "
                                 "PRAGMA user_version = 2",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  uri = companies_test_postgres_create (cluster, "migrated_old", &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_migrate (world.server_db, uri, &text), ==, 0);
  g_assert_nonnull (strstr (text, "Moved 2 history entries"));

  /* company_id|field|value|version|at|author, the author empty (NULL) */
  history = pg_history (uri);
  id_text = cluster_sql_text (uri, "SELECT id FROM company WHERE name = 'Old Lda'");
  expected = g_strdup_printf ("%s|name|Old Lda|", id_text);
  g_assert_true (g_str_has_prefix (history, expected));
  g_assert_nonnull (strstr (history, "|city|Porto|"));
  g_assert_true (g_str_has_suffix (history, "|"));
  g_assert_null (strstr (history, "Gone SA"));

  e2e_world_teardown (&world, NULL);
}

/* The history a server shows of record @id, one line an entry:
 * field|value|version|at|by. */
static char *
served_history (E2eWorld   *world,
                const char *token,
                const char *id)
{
  g_autofree char *url = g_strdup_printf ("%s/v1/companies/%s/history", e2e_world_url (world), id);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *data;
  gsize length = 0;
  guint status = 0;

  body = companies_test_http ("GET", url, NULL, token, NULL, 0, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  data = g_bytes_get_data (body, &length);
  entries = companies_history_decode (data, length, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      CompaniesHistoryEntry *entry = g_ptr_array_index (entries, i);

      g_string_append_printf (text, "%s%s|%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s",
                              i > 0 ? "\n" : "", entry->field != NULL ? entry->field : "",
                              entry->value != NULL ? entry->value : "", entry->version,
                              entry->at, entry->by != NULL ? entry->by : "");
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A record whose creation entries are still in its row (what a SQLite
 * server that keeps them lazily writes for an add; one that does not is
 * made so here, its stored entries moved into the row) moves with them:
 * the same columns, no history rows, the same history served, and the
 * count migrate prints includes them. Its first write on PostgreSQL
 * stores them, then its own entry. */
static void
test_migrate_lazy (void)
{
  E2eWorld world = { NULL, };
  CompaniesTestPostgres *cluster = companies_test_postgres_get ();
  g_autoptr(GError) error = NULL;
  g_autoptr(E2eClient) a = NULL;
  g_autoptr(CompaniesCompany) added = NULL;
  g_autoptr(CompaniesCompany) changed = NULL;
  g_autofree char *token = g_uuid_string_random ();
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  g_autofree char *line = g_strdup_printf ("sha256:%s # Ana's laptop\n", hash);
  g_autofree char *tokens = NULL, *uri = NULL, *text = NULL, *id = NULL, *sql = NULL;
  g_autofree char *before = NULL, *after = NULL, *updated = NULL, *creation = NULL;
  g_autofree char *moved_creation = NULL, *rows = NULL, *left = NULL;
  g_auto(GStrv) lines = NULL;
  const char *args[3] = { "--tokens", NULL, NULL };

  e2e_world_setup (&world, NULL);
  tokens = e2e_world_path (&world, "tokens");
  args[1] = tokens;
  companies_test_write_private (tokens, line);
  companies_test_server_free (world.server);
  world.server = cluster_server_start (world.server_db, args);
  a = e2e_client_new (&world, "a", e2e_world_url (&world), token);
  added = e2e_add (a->store, "Lazy Lda", "Porto", "+351 200 000 001");
  e2e_sync_once (a);

  id = sqlite_text (world.server_db, "SELECT id FROM company WHERE name = 'Lazy Lda'");
  before = served_history (&world, token, id);
  lines = g_strsplit (before, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (before, "name|Lazy Lda|"));
  g_assert_true (g_str_has_suffix (before, "|Ana's laptop"));
  g_clear_pointer (&world.server, companies_test_server_free);

  if (!sqlite_has_creation (world.server_db))
    {
      sqlite3 *db = NULL;

      sql = g_strdup_printf ("ALTER TABLE company ADD COLUMN created_at INTEGER; "
                             "ALTER TABLE company ADD COLUMN created_by TEXT; "
                             "ALTER TABLE company ADD COLUMN created_client TEXT; "
                             "UPDATE company SET "
                             "created_at = (SELECT at FROM history WHERE company_id = id), "
                             "created_by = (SELECT author FROM history WHERE company_id = id), "
                             "created_client = (SELECT client_id FROM history "
                             "WHERE company_id = id) WHERE id = %s; "
                             "DELETE FROM history WHERE company_id = %s", id, id);
      g_assert_cmpint (sqlite3_open (world.server_db, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
    }
  g_free (sql);
  sql = g_strdup_printf ("SELECT " CREATION_LINE " FROM company WHERE id = %s", id);
  creation = sqlite_text (world.server_db, sql);
  /* when (set: lazy), who, and the client */
  g_assert_cmpint (creation[0], !=, '|');
  g_assert_nonnull (strstr (creation, "|Ana's laptop|"));
  rows = sqlite_text (world.server_db, "SELECT count(*) FROM history");
  g_assert_cmpstr (rows, ==, "0");

  uri = companies_test_postgres_create (cluster, "migrated_lazy", &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_migrate (world.server_db, uri, &text), ==, 0);
  g_assert_nonnull (strstr (text, "Moved 3 history entries"));
  moved_creation = cluster_sql_text (uri, sql);
  g_assert_cmpstr (moved_creation, ==, creation);
  g_clear_pointer (&rows, g_free);
  rows = cluster_sql_text (uri, "SELECT count(*) FROM history");
  g_assert_cmpstr (rows, ==, "0");

  /* the same history served from PostgreSQL */
  world.server = cluster_server_start (uri, args);
  after = served_history (&world, token, id);
  g_assert_cmpstr (after, ==, before);

  /* a write: the creation entries stored, then its own, newest first */
  g_clear_object (&a->client);
  a->client = companies_sync_client_new (a->path, e2e_world_url (&world), token);
  changed = e2e_set (a->store, companies_company_get_uuid (added), COMPANIES_FIELD_CITY, "Braga");
  e2e_sync_once (a);
  updated = served_history (&world, token, id);
  g_assert_true (g_str_has_prefix (updated, "city|Braga|"));
  g_assert_true (g_str_has_suffix (updated, before));
  g_assert_cmpuint (strlen (updated), >, strlen (before));
  g_assert_cmpint (updated[strlen (updated) - strlen (before) - 1], ==, '\n');
  g_clear_pointer (&rows, g_free);
  rows = cluster_sql_text (uri, "SELECT count(*) FROM history");
  g_assert_cmpstr (rows, ==, "4");
  left = cluster_sql_text (uri, "SELECT count(*) FROM company WHERE created_at IS NOT NULL "
                           "OR created_by IS NOT NULL OR created_client IS NOT NULL");
  g_assert_cmpstr (left, ==, "0");

  e2e_world_teardown (&world, NULL);
}

/* companies-server --help lists its commands, migrate among them. */
static void
test_help_lists_commands (void)
{
  const char *argv[] = { g_getenv ("COMPANIES_SERVER"), "--help", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (argv[0]);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "add-token --tokens FILE"));
  g_assert_nonnull (strstr (out, "migrate --from FILE.db --to postgresql://"));
  g_assert_nonnull (strstr (out, "companies-server COMMAND --help"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cluster/migrate", test_migrate);
  g_test_add_func ("/cluster/migrate/old-file", test_migrate_old_file);
  g_test_add_func ("/cluster/migrate/lazy", test_migrate_lazy);
  g_test_add_func ("/cluster/migrate/help", test_help_lists_commands);

  return g_test_run ();
}
