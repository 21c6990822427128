/* test-cli-sync.c: companies-cli against a real companies-server on a
 * random loopback port: sync, ids, deletes, server down, tokens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include <string.h>

#include <sqlite3.h>

#include "companies-test-server.h"
#include "cli-test-helpers.h"

typedef struct
{
  CliFixture           cli;
  char                *server_db;
  CompaniesTestServer *server;
} SyncFixture;

static void
sync_fixture_setup (SyncFixture   *f,
                    gconstpointer  data)
{
  cli_fixture_setup (&f->cli, data);
  f->server_db = g_build_filename (f->cli.tmpdir, "server.db", NULL);
}

static void
sync_fixture_teardown (SyncFixture   *f,
                       gconstpointer  data)
{
  g_clear_pointer (&f->server, companies_test_server_free);
  g_clear_pointer (&f->server_db, g_free);
  cli_fixture_teardown (&f->cli, data);
}

static void
start_server (SyncFixture        *f,
              const char * const *extra_args)
{
  g_autoptr(GError) error = NULL;

  f->server = companies_test_server_start (f->server_db, extra_args, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->server);
}

static const char *
url (SyncFixture *f)
{
  return companies_test_server_get_url (f->server);
}

/* sync of @db against the fixture's server; asserts success. */
static char *
sync_ok (SyncFixture *f,
         const char  *db)
{
  g_auto(CliRun) run = { 0 };

  cli_run (&f->cli, &run, "--database", db, "--server", url (f), "sync", NULL);
  if (run.status != 0)
    g_error ("sync exited with %d: %s", run.status, run.err);
  g_assert_true (g_str_has_prefix (run.out, "Sent "));

  return g_steal_pointer (&run.out);
}

static gint64
status_member (SyncFixture *f,
               const char  *db,
               const char  *member)
{
  g_autoptr(JsonNode) status = cli_status_json (&f->cli, db);

  return json_object_get_int_member (json_node_get_object (status), member);
}

static void
assert_nothing_pending (SyncFixture *f,
                        const char  *db)
{
  g_autoptr(JsonNode) status = cli_status_json (&f->cli, db);
  JsonObject *object = json_node_get_object (status);
  g_autoptr(GDateTime) last_sync = NULL;
  const char *text;

  g_assert_cmpint (json_object_get_int_member (object, "pending_added"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "pending_updated"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "pending_deleted"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "rejected"), ==, 0);

  text = json_object_get_string_member (object, "last_sync");
  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "Z"));
  last_sync = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (last_sync);
  g_assert_cmpint (ABS (g_date_time_to_unix (last_sync) - g_get_real_time () / G_USEC_PER_SEC), <, 300);
}

static void
test_sync_flow (SyncFixture   *f,
                gconstpointer  data)
{
  CliFixture *c = &f->cli;
  g_autofree char *db2 = g_build_filename (c->tmpdir, "second.db", NULL);
  g_autofree char *out_a = NULL;
  g_autofree char *out_b = NULL;
  g_autofree char *uuid_a = NULL;
  g_autofree char *uuid_b = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *id_a = NULL;
  g_autofree char *table = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *a;
  JsonObject *b;
  gint64 version_a;

  start_server (f, NULL);

  out_a = cli_ok (c, "add", "--name", "Acme", "--city", "Porto", NULL);
  out_b = cli_ok (c, "add", "--name", "Björk & Co", "--country", "Ísland", NULL);
  uuid_a = cli_assert_uuid_line (out_a);
  uuid_b = cli_assert_uuid_line (out_b);
  g_assert_cmpint (status_member (f, c->db, "pending_added"), ==, 2);

  summary = sync_ok (f, c->db);
  g_assert_true (g_str_has_prefix (summary, "Sent 2 changes, received "));
  assert_nothing_pending (f, c->db);

  /* The records now carry server ids and the pattern's synced flags. */
  list = cli_list_json (c, c->db, FALSE);
  a = cli_find_uuid (list, uuid_a);
  b = cli_find_uuid (list, uuid_b);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_false (json_object_get_null_member (a, "id"));
  g_assert_cmpint (json_object_get_int_member (a, "id"), >, 0);
  g_assert_cmpint (json_object_get_int_member (b, "id"), >, 0);
  g_assert_cmpint (json_object_get_int_member (a, "id"), !=, json_object_get_int_member (b, "id"));
  g_assert_true (json_object_get_boolean_member (a, "is_from_server"));
  g_assert_false (json_object_get_boolean_member (a, "is_modified"));
  g_assert_true (json_object_get_boolean_member (a, "is_active"));
  g_assert_cmpint (json_object_get_int_member (a, "version"), >, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (a, "changed_fields")), ==, 0);
  id_a = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (a, "id"));
  version_a = json_object_get_int_member (a, "version");

  /* The table shows the ids. */
  table = cli_ok (c, "list", NULL);
  {
    g_autofree char *pattern = g_strdup_printf ("^%s +Acme ", id_a);

    g_assert_true (g_regex_match_simple (pattern, table, G_REGEX_MULTILINE, 0));
  }

  /* Update by id, and by uuid. */
  g_free (cli_ok (c, "update", id_a, "--phone", "+351 22 000 0000", NULL));
  g_free (cli_ok (c, "update", uuid_b, "--city", "Reykjavík", NULL));
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, c->db, FALSE);
  a = cli_find_uuid (list, uuid_a);
  g_assert_true (json_object_get_boolean_member (a, "is_modified"));
  g_assert_true (json_object_get_boolean_member (a, "is_from_server"));
  g_assert_cmpstr (json_object_get_string_member (a, "phone"), ==, "+351 22 000 0000");
  g_assert_cmpstr (json_object_get_string_member (a, "city"), ==, "Porto");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (a, "changed_fields")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (a, "changed_fields"), 0),
                   ==, "phone");
  g_assert_cmpint (status_member (f, c->db, "pending_updated"), ==, 2);

  g_clear_pointer (&summary, g_free);
  summary = sync_ok (f, c->db);
  g_assert_true (g_str_has_prefix (summary, "Sent 2 changes"));
  assert_nothing_pending (f, c->db);
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, c->db, FALSE);
  a = cli_find_uuid (list, uuid_a);
  g_assert_false (json_object_get_boolean_member (a, "is_modified"));
  g_assert_cmpint (json_object_get_int_member (a, "version"), >, version_a);

  /* A second client gets everything through the server. */
  g_clear_pointer (&summary, g_free);
  summary = sync_ok (f, db2);
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, db2, FALSE);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
  a = cli_find_uuid (list, uuid_a);
  b = cli_find_uuid (list, uuid_b);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (json_object_get_int_member (a, "id"), ==, g_ascii_strtoll (id_a, NULL, 10));
  g_assert_cmpstr (json_object_get_string_member (a, "phone"), ==, "+351 22 000 0000");
  g_assert_cmpstr (json_object_get_string_member (b, "city"), ==, "Reykjavík");
  g_assert_cmpstr (json_object_get_string_member (b, "name"), ==, "Björk & Co");
  g_assert_true (json_object_get_boolean_member (a, "is_from_server"));
  g_assert_false (json_object_get_boolean_member (a, "is_modified"));

  /* Delete by id: kept as deleted until the sync, shown by --all only. */
  g_free (cli_ok (c, "delete", id_a, NULL));
  g_assert_cmpint (status_member (f, c->db, "pending_deleted"), ==, 1);
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, c->db, FALSE);
  g_assert_null (cli_find_uuid (list, uuid_a));
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, c->db, TRUE);
  a = cli_find_uuid (list, uuid_a);
  g_assert_nonnull (a);
  g_assert_false (json_object_get_boolean_member (a, "is_active"));
  g_assert_true (json_object_get_boolean_member (a, "is_from_server"));
  g_clear_pointer (&table, g_free);
  table = cli_ok (c, "list", NULL);
  g_assert_null (strstr (table, "Acme"));
  g_clear_pointer (&table, g_free);
  table = cli_ok (c, "list", "--all", NULL);
  g_assert_true (g_regex_match_simple ("^.*Acme .* deleted$", table, G_REGEX_MULTILINE, 0));

  /* After the sync the record is gone here and on the other client. */
  g_clear_pointer (&summary, g_free);
  summary = sync_ok (f, c->db);
  g_assert_true (g_str_has_prefix (summary, "Sent 1 change,"));
  assert_nothing_pending (f, c->db);
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, c->db, TRUE);
  g_assert_null (cli_find_uuid (list, uuid_a));
  g_assert_nonnull (cli_find_uuid (list, uuid_b));

  g_clear_pointer (&summary, g_free);
  summary = sync_ok (f, db2);
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, db2, TRUE);
  g_assert_null (cli_find_uuid (list, uuid_a));
  g_assert_nonnull (cli_find_uuid (list, uuid_b));
}

static void
test_sync_server_down (SyncFixture   *f,
                       gconstpointer  data)
{
  CliFixture *c = &f->cli;
  g_autofree char *down_url = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(CliRun) run = { 0 };

  /* A port that was just in use and is closed now. */
  start_server (f, NULL);
  down_url = g_strdup (url (f));
  companies_test_server_kill (f->server);
  g_clear_pointer (&f->server, companies_test_server_free);

  g_free (cli_ok (c, "add", "--name", "Offline Ltd", NULL));
  before = cli_content_fingerprint (c, c->db);

  cli_run (c, &run, "--database", c->db, "--server", down_url, "sync", NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_str_has_prefix (run.err, "companies-cli: "));
  g_assert_nonnull (strstr (run.err, "server"));
  g_assert_nonnull (strstr (run.err, down_url));

  /* Nothing was lost or marked as sent (the batch's sent span was written
   * and taken back). */
  after = cli_content_fingerprint (c, c->db);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (status_member (f, c->db, "pending_added"), ==, 1);
}

static void
test_server_url_precedence (SyncFixture   *f,
                            gconstpointer  data)
{
  CliFixture *c = &f->cli;
  g_autofree char *env_good = NULL;
  const char *env_bad[] = { "COMPANIES_SERVER_URL=http://127.0.0.1:9", NULL };
  g_auto(CliRun) run = { 0 };

  start_server (f, NULL);
  env_good = g_strconcat ("COMPANIES_SERVER_URL=", url (f), NULL);
  g_free (cli_ok (c, "add", "--name", "Where", NULL));

  /* The environment's server is unreachable; --server wins. */
  {
    const char *argv[] = { "--database", c->db, "--server", url (f), "sync", NULL };

    cli_runv (c, env_bad, argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    cli_run_clear (&run);
  }
  /* Without --server, the environment's. */
  {
    const char *argv[] = { "--database", c->db, "sync", NULL };
    const char *env[] = { env_good, NULL };

    cli_runv (c, env_bad, argv, &run);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "http://127.0.0.1:9"));
    cli_run_clear (&run);

    cli_runv (c, env, argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    cli_run_clear (&run);
  }
  assert_nothing_pending (f, c->db);
}

static void
assert_no_secret (const CliRun *run,
                  const char   *secret)
{
  g_assert_null (strstr (run->out, secret));
  g_assert_null (strstr (run->err, secret));
}

static void
test_sync_token (SyncFixture   *f,
                 gconstpointer  data)
{
  CliFixture *c = &f->cli;
  const char *secret = "s3cret-Token-4242";
  const char *wrong = "wr0ng-Token-1717";
  g_autofree char *tokens = g_build_filename (c->tmpdir, "tokens", NULL);
  g_autofree char *token_file = g_build_filename (c->tmpdir, "token", NULL);
  g_autofree char *tokens_text = g_strdup_printf ("# the tokens\n%s\n", secret);
  g_autofree char *token_text = g_strdup_printf ("%s\nsecond line ignored\n", secret);
  g_autofree char *env_secret = g_strconcat ("COMPANIES_TOKEN=", secret, NULL);
  g_autofree char *env_wrong = g_strconcat ("COMPANIES_TOKEN=", wrong, NULL);
  const char *server_args[] = { "--tokens", tokens, NULL };
  g_auto(CliRun) run = { 0 };

  companies_test_write_private (tokens, tokens_text);
  companies_test_write_private (token_file, token_text);
  start_server (f, server_args);

  g_free (cli_ok (c, "add", "--name", "Guarded", NULL));

  /* No token, then a wrong one: refused, exit 4, the token never shown. */
  cli_run (c, &run, "--database", c->db, "--server", url (f), "sync", NULL);
  g_assert_cmpint (run.status, ==, 4);
  g_assert_nonnull (strstr (run.err, "token"));
  cli_run_clear (&run);

  cli_run (c, &run, "--database", c->db, "--server", url (f), "--token", wrong, "sync", NULL);
  g_assert_cmpint (run.status, ==, 4);
  assert_no_secret (&run, wrong);
  cli_run_clear (&run);
  g_assert_cmpint (status_member (f, c->db, "pending_added"), ==, 1);

  /* The option wins over a wrong COMPANIES_TOKEN. */
  {
    const char *argv[] = { "--database", c->db, "--server", url (f), "--token-file", token_file, "sync", NULL };
    const char *env[] = { env_wrong, NULL };

    cli_runv (c, env, argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    assert_no_secret (&run, secret);
    assert_no_secret (&run, wrong);
    cli_run_clear (&run);
  }
  assert_nothing_pending (f, c->db);

  /* COMPANIES_TOKEN alone works; a wrong --token wins over a right one. */
  g_free (cli_ok (c, "add", "--name", "Guarded Two", NULL));
  {
    const char *argv_wrong[] = { "--database", c->db, "--server", url (f), "--token", wrong, "sync", NULL };
    const char *argv[] = { "--database", c->db, "--server", url (f), "sync", NULL };
    const char *env[] = { env_secret, NULL };

    cli_runv (c, env, argv_wrong, &run);
    g_assert_cmpint (run.status, ==, 4);
    cli_run_clear (&run);

    cli_runv (c, env, argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    assert_no_secret (&run, secret);
    cli_run_clear (&run);
  }
  assert_nothing_pending (f, c->db);
}

static void
test_sql_text_through_server (SyncFixture   *f,
                              gconstpointer  data)
{
  CliFixture *c = &f->cli;
  const char *name = "'; DROP TABLE companies; --";
  const char *notes = "x'); DELETE FROM companies WHERE ('1'='1";
  g_autofree char *db2 = g_build_filename (c->tmpdir, "second.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *company;

  start_server (f, NULL);
  g_free (cli_ok (c, "add", "--name", "Innocent", NULL));
  out = cli_ok (c, "add", "--name", name, "--notes", notes, NULL);
  uuid = cli_assert_uuid_line (out);
  g_free (sync_ok (f, c->db));
  g_free (sync_ok (f, db2));

  list = cli_list_json (c, db2, TRUE);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
  company = cli_find_uuid (list, uuid);
  g_assert_nonnull (company);
  g_assert_cmpstr (json_object_get_string_member (company, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (company, "notes"), ==, notes);
  g_assert_nonnull (cli_find_name (list, "Innocent"));
}

/* A record holding a value the rules refuse, as an older client could
 * have stored it: written straight into the file, beside the store. */
static void
corrupt_email (const char *db,
               const char *uuid,
               const char *email)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_busy_timeout (handle, 5000), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "UPDATE companies SET email = ?1 WHERE uuid = ?2",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (handle), ==, 1);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (handle), ==, SQLITE_OK);
}

static void
test_sync_rejected (SyncFixture   *f,
                    gconstpointer  data)
{
  CliFixture *c = &f->cli;
  g_autofree char *out = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *status = NULL;
  g_autofree char *table = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) status_json = NULL;
  JsonObject *company;
  JsonObject *rejection;

  start_server (f, NULL);
  out = cli_ok (c, "add", "--name", "Bad Mail Ltd", NULL);
  uuid = cli_assert_uuid_line (out);
  g_free (cli_ok (c, "add", "--name", "Good Ltd", NULL));
  corrupt_email (c->db, uuid, "no-at-sign");

  /* The sync succeeds; the refused record is listed with its reason. */
  summary = sync_ok (f, c->db);
  g_assert_true (g_str_has_prefix (summary, "Sent 2 changes, received "));
  g_assert_nonnull (strstr (summary, "1 rejected"));
  g_assert_nonnull (strstr (summary, "Bad Mail Ltd"));
  g_assert_nonnull (strstr (summary, "email"));

  list = cli_list_json (c, c->db, FALSE);
  company = cli_find_uuid (list, uuid);
  g_assert_nonnull (company);
  g_assert_true (json_object_get_null_member (company, "id"));
  g_assert_false (json_object_get_boolean_member (company, "is_from_server"));
  g_assert_true (json_object_get_boolean_member (company, "is_modified"));
  g_assert_false (json_object_get_null_member (company, "rejection"));
  rejection = json_object_get_object_member (company, "rejection");
  g_assert_cmpstr (json_object_get_string_member (rejection, "code"), ==, "invalid_field");
  g_assert_cmpstr (json_object_get_string_member (rejection, "field"), ==, "email");
  g_assert_cmpuint (strlen (json_object_get_string_member (rejection, "message")), >, 0);
  company = cli_find_name (list, "Good Ltd");
  g_assert_cmpint (json_object_get_int_member (company, "id"), >, 0);

  status_json = cli_status_json (c, c->db);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status_json), "rejected"), ==, 1);
  status = cli_ok (c, "status", NULL);
  g_assert_nonnull (strstr (status, "Bad Mail Ltd"));
  table = cli_ok (c, "list", NULL);
  {
    /* No server id: the row is named by its uuid. */
    g_autofree char *pattern = g_strdup_printf ("^%s +Bad Mail Ltd .*rejected$", uuid);

    g_assert_true (g_regex_match_simple (pattern, table, G_REGEX_MULTILINE, 0));
  }

  /* Fixing the value clears the rejection; the next sync sends it. */
  g_free (cli_ok (c, "update", uuid, "--email", "post@badmail.example", NULL));
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, c->db, FALSE);
  g_assert_true (json_object_get_null_member (cli_find_uuid (list, uuid), "rejection"));
  g_clear_pointer (&summary, g_free);
  summary = sync_ok (f, c->db);
  g_assert_true (g_str_has_prefix (summary, "Sent 1 change,"));
  g_assert_null (strstr (summary, "rejected"));
  assert_nothing_pending (f, c->db);
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (c, c->db, FALSE);
  g_assert_cmpint (json_object_get_int_member (cli_find_uuid (list, uuid), "id"), >, 0);
}

static void
test_sync_overwritten (SyncFixture   *f,
                       gconstpointer  data)
{
  CliFixture *c = &f->cli;
  g_autofree char *db2 = g_build_filename (c->tmpdir, "second.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(JsonNode) status = NULL;

  start_server (f, NULL);
  out = cli_ok (c, "add", "--name", "Shared", "--phone", "1", NULL);
  uuid = cli_assert_uuid_line (out);
  g_free (sync_ok (f, c->db));
  g_free (sync_ok (f, db2));

  /* The second client changes the phone first; the first one, not having
   * seen that, changes it too and replaces it: last write wins, and the
   * summary says a value from elsewhere was overwritten. */
  {
    const char *argv[] = { "--database", db2, "update", uuid, "--phone", "2", NULL };
    g_auto(CliRun) run = { 0 };

    g_assert_cmpint (cli_runv (c, NULL, argv, &run), ==, 0);
  }
  g_free (sync_ok (f, db2));
  g_free (cli_ok (c, "update", uuid, "--phone", "3", NULL));
  summary = sync_ok (f, c->db);
  g_assert_nonnull (strstr (summary, "1 value from elsewhere overwritten"));

  status = cli_status_json (c, c->db);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status), "overwritten"), ==, 1);
  g_free (sync_ok (f, db2));
  {
    g_autoptr(JsonNode) list = cli_list_json (c, db2, FALSE);

    g_assert_cmpstr (json_object_get_string_member (cli_find_uuid (list, uuid), "phone"), ==, "3");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, SyncFixture, NULL, sync_fixture_setup, func, sync_fixture_teardown)

  ADD ("/cli/sync/flow", test_sync_flow);
  ADD ("/cli/sync/server-down", test_sync_server_down);
  ADD ("/cli/sync/server-url-precedence", test_server_url_precedence);
  ADD ("/cli/sync/token", test_sync_token);
  ADD ("/cli/sync/sql-text", test_sql_text_through_server);
  ADD ("/cli/sync/rejected", test_sync_rejected);
  ADD ("/cli/sync/overwritten", test_sync_overwritten);

#undef ADD

  return g_test_run ();
}
