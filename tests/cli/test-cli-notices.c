/* test-cli-notices.c: `companies-cli conflicts`, `restore` and `dismiss`
 * (docs/notices.md) against a real companies-server: an edit of a company
 * deleted elsewhere, restored as a new company that another client sees;
 * an overwritten value restored; and a flood of overwritten notices of
 * 10 KB each, bounded, with the CLI's peak RSS measured.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "companies-local-store-notices.h"
#include "companies-sync-client.h"
#include "companies-test-server.h"
#include "cli-test-helpers.h"

/* The flood, reduced from the 20,000 to what a loaded test
 * machine runs in seconds; the bound applies the same way. */
#define FLOOD_N        2000
#define FLOOD_VALUE    10000  /* a full notes field: 10 KB */
/* The CLI's peak RSS for that flood (about 220 MB measured): the request
 * and the response (2000 echoes and 2000 overwritten values of 10 KB,
 * 40 MB of JSON) are held while it is applied, and the sync's page cache
 * is 64 MiB; the notices are written one at a time and bounded. */
#define FLOOD_MAX_RSS_KB (256 * 1024)

typedef struct
{
  CliFixture           cli;
  char                *server_db;
  char                *db_a;
  char                *db_b;
  CompaniesTestServer *server;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  cli_fixture_setup (&f->cli, data);
  f->server_db = g_build_filename (f->cli.tmpdir, "server.db", NULL);
  f->db_a = g_build_filename (f->cli.tmpdir, "a.db", NULL);
  f->db_b = g_build_filename (f->cli.tmpdir, "b.db", NULL);
  f->server = companies_test_server_start (f->server_db, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->server, companies_test_server_free);
  g_clear_pointer (&f->server_db, g_free);
  g_clear_pointer (&f->db_a, g_free);
  g_clear_pointer (&f->db_b, g_free);
  cli_fixture_teardown (&f->cli, data);
}

static void
sync_cli (Fixture    *f,
          const char *db)
{
  g_autofree char *out = cli_ok (&f->cli, "--database", db, "--server",
                                 companies_test_server_get_url (f->server), "sync", NULL);

  g_assert_true (g_str_has_prefix (out, "Sent "));
}

static JsonArray *
conflicts_json (Fixture    *f,
                const char *db,
                JsonNode  **out_node)
{
  g_autofree char *out = cli_ok (&f->cli, "--database", db, "conflicts", "--json", NULL);

  *out_node = cli_parse_json (out);
  return json_node_get_array (*out_node);
}

static void
test_deleted_restore (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *added = cli_ok (&f->cli, "--database", f->db_a, "add", "--name", "Café Olé",
                                   "--phone", "555-0100", NULL);
  g_autofree char *uuid = cli_assert_uuid_line (added);
  g_autofree char *ignored = NULL;
  g_autofree char *restored_line = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonArray *notices;
  JsonObject *notice, *lost, *seen;

  sync_cli (f, f->db_a);
  sync_cli (f, f->db_b);
  ignored = cli_ok (&f->cli, "--database", f->db_a, "delete", uuid, NULL);
  sync_cli (f, f->db_a);
  g_clear_pointer (&ignored, g_free);
  ignored = cli_ok (&f->cli, "--database", f->db_b, "update", uuid, "--notes", "Call after 5pm", NULL);
  sync_cli (f, f->db_b);

  notices = conflicts_json (f, f->db_b, &node);
  g_assert_cmpuint (json_array_get_length (notices), ==, 1);
  notice = json_array_get_object_element (notices, 0);
  g_assert_cmpstr (json_object_get_string_member (notice, "kind"), ==, "deleted");
  g_assert_cmpstr (json_object_get_string_member (notice, "uuid"), ==, uuid);
  g_assert_true (json_object_get_null_member (notice, "field"));
  g_assert_true (json_object_get_null_member (notice, "current"));
  lost = json_object_get_object_member (notice, "lost");
  g_assert_cmpuint (json_object_get_size (lost), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (lost, "notes"), ==, "Call after 5pm");
  g_assert_true (json_object_get_boolean_member (notice, "restorable"));

  text = cli_ok (&f->cli, "--database", f->db_b, "conflicts", NULL);
  g_assert_nonnull (strstr (text, "“Café Olé” was deleted elsewhere while you edited it"));
  g_assert_nonnull (strstr (text, "Restore creates “Café Olé” again as a new company"));

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (notice, "id"));
  restored_line = cli_ok (&f->cli, "--database", f->db_b, "restore", id_text, NULL);
  restored = cli_assert_uuid_line (restored_line);
  g_assert_cmpstr (restored, !=, uuid);
  g_clear_pointer (&node, json_node_unref);
  notices = conflicts_json (f, f->db_b, &node);
  g_assert_cmpuint (json_array_get_length (notices), ==, 0);

  /* The next sync pushes it; the other client sees it. */
  sync_cli (f, f->db_b);
  sync_cli (f, f->db_a);
  list = cli_list_json (&f->cli, f->db_a, FALSE);
  seen = cli_find_uuid (list, restored);
  g_assert_nonnull (seen);
  g_assert_cmpstr (json_object_get_string_member (seen, "name"), ==, "Café Olé");
  g_assert_cmpstr (json_object_get_string_member (seen, "notes"), ==, "Call after 5pm");
  g_assert_cmpstr (json_object_get_string_member (seen, "phone"), ==, "555-0100");
}

static void
test_overwritten_restore_dismiss (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *added = cli_ok (&f->cli, "--database", f->db_a, "add", "--name", "Acme", NULL);
  g_autofree char *uuid = cli_assert_uuid_line (added);
  g_autofree char *ignored = NULL;
  g_autofree char *id_text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_auto(CliRun) run = { 0 };
  JsonArray *notices;
  JsonObject *notice;
  guint phone;

  sync_cli (f, f->db_a);
  sync_cli (f, f->db_b);
  ignored = cli_ok (&f->cli, "--database", f->db_a, "update", uuid, "--phone", "555-0111", "--city", "Porto", NULL);
  g_clear_pointer (&ignored, g_free);
  ignored = cli_ok (&f->cli, "--database", f->db_b, "update", uuid, "--phone", "555-0222", "--city", "Braga", NULL);
  sync_cli (f, f->db_a);
  sync_cli (f, f->db_b);

  /* One for the phone, one for the city. */
  notices = conflicts_json (f, f->db_b, &node);
  g_assert_cmpuint (json_array_get_length (notices), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      notice = json_array_get_object_element (notices, i);
      g_assert_cmpstr (json_object_get_string_member (notice, "kind"), ==, "overwritten");
      /* a server without tokens knows no label: "another device" */
      g_assert_true (json_object_get_null_member (notice, "lost_by"));
      g_assert_cmpstr (json_object_get_string_member (notice, "current_by"), ==, "you");
    }

  /* A, whose values B replaced unseen, is told at its next sync: lost by
   * you, current by the other writer. */
  sync_cli (f, f->db_a);
  {
    g_autoptr(JsonNode) a_node = NULL;
    JsonArray *a_notices = conflicts_json (f, f->db_a, &a_node);

    g_assert_cmpuint (json_array_get_length (a_notices), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *a_notice = json_array_get_object_element (a_notices, i);
        gboolean is_phone = g_str_equal (json_object_get_string_member (a_notice, "field"), "phone");

        g_assert_cmpstr (json_object_get_string_member (a_notice, "kind"), ==, "overwritten");
        g_assert_cmpstr (json_object_get_string_member (a_notice, "uuid"), ==, uuid);
        g_assert_cmpstr (json_object_get_string_member (a_notice, "lost"), ==, is_phone ? "555-0111" : "Porto");
        g_assert_cmpstr (json_object_get_string_member (a_notice, "current"), ==, is_phone ? "555-0222" : "Braga");
        g_assert_cmpstr (json_object_get_string_member (a_notice, "lost_by"), ==, "you");
        g_assert_true (json_object_get_null_member (a_notice, "current_by"));
        g_assert_true (json_object_get_boolean_member (a_notice, "restorable"));
      }
  }
  phone = g_str_equal (json_object_get_string_member (json_array_get_object_element (notices, 0), "field"),
                       "phone") ? 0 : 1;
  notice = json_array_get_object_element (notices, phone);
  g_assert_cmpstr (json_object_get_string_member (notice, "field"), ==, "phone");
  g_assert_cmpstr (json_object_get_string_member (notice, "lost"), ==, "555-0111");
  g_assert_cmpstr (json_object_get_string_member (notice, "current"), ==, "555-0222");

  /* Restore the phone, dismiss the city. */
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (notice, "id"));
  g_clear_pointer (&ignored, g_free);
  ignored = cli_ok (&f->cli, "--database", f->db_b, "restore", id_text, NULL);
  g_free (id_text);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                             json_object_get_int_member (json_array_get_object_element (notices, 1 - phone), "id"));
  g_clear_pointer (&ignored, g_free);
  ignored = cli_ok (&f->cli, "--database", f->db_b, "dismiss", id_text, NULL);
  g_assert_cmpstr (ignored, ==, "");
  /* Gone: a second dismiss is an error that changes nothing. */
  cli_run (&f->cli, &run, "--database", f->db_b, "dismiss", id_text, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "There is no notice"));
  cli_run_clear (&run);
  cli_run (&f->cli, &run, "--database", f->db_b, "restore", "x1", NULL);
  g_assert_cmpint (run.status, ==, 2);

  sync_cli (f, f->db_b);
  sync_cli (f, f->db_a);
  list = cli_list_json (&f->cli, f->db_a, FALSE);
  g_assert_cmpstr (json_object_get_string_member (cli_find_uuid (list, uuid), "phone"), ==, "555-0111");
  g_assert_cmpstr (json_object_get_string_member (cli_find_uuid (list, uuid), "city"), ==, "Braga");
}

/* Two clients hold FLOOD_N companies; both write a 10 KB note on each,
 * A first: B's sync replaces every one of A's notes unseen. */
static void
seed_flood (Fixture *f)
{
  const char *url = companies_test_server_get_url (f->server);
  g_autoptr(CompaniesLocalStore) a = NULL;
  g_autoptr(CompaniesLocalStore) b = NULL;
  g_autoptr(CompaniesSyncClient) client_a = NULL;
  g_autoptr(CompaniesSyncClient) client_b = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) companies = NULL;
  g_autofree char *note_a = g_strnfill (FLOOD_VALUE, 'a');
  g_autofree char *note_b = g_strnfill (FLOOD_VALUE, 'b');
  g_autoptr(GError) error = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL };

  a = companies_local_store_open (f->db_a, &error);
  g_assert_no_error (error);
  b = companies_local_store_open (f->db_b, &error);
  g_assert_no_error (error);
  client_a = companies_sync_client_new (f->db_a, url, NULL);
  client_b = companies_sync_client_new (f->db_b, url, NULL);

  for (guint i = 0; i < FLOOD_N; i++)
    {
      char **row = g_new0 (char *, COMPANIES_N_FIELDS + 1);

      for (guint j = 0; j < COMPANIES_N_FIELDS; j++)
        row[j] = g_strdup ("");
      g_free (row[COMPANIES_FIELD_NAME]);
      row[COMPANIES_FIELD_NAME] = g_strdup_printf ("Company %05u", i);
      g_ptr_array_add (rows, row);
    }
  g_assert_true (companies_local_store_import_for_sync (a, rows, &error));
  g_assert_no_error (error);
  result = companies_sync_client_sync (client_a, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, companies_sync_result_free);
  result = companies_sync_client_sync (client_b, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, companies_sync_result_free);

  companies = companies_local_store_list (a, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (companies->len, ==, FLOOD_N);
  for (guint i = 0; i < companies->len; i++)
    {
      const char *uuid = companies_company_get_uuid (g_ptr_array_index (companies, i));
      g_autoptr(CompaniesCompany) done = NULL;

      values[COMPANIES_FIELD_NOTES] = note_a;
      done = companies_local_store_update_for_sync (a, uuid, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NOTES),
                                                    values, &error);
      g_assert_no_error (error);
      g_clear_object (&done);
      values[COMPANIES_FIELD_NOTES] = note_b;
      done = companies_local_store_update_for_sync (b, uuid, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NOTES),
                                                    values, &error);
      g_assert_no_error (error);
    }
  result = companies_sync_client_sync (client_a, NULL, &error);
  g_assert_no_error (error);
}

/* companies-cli sync of B under GNU time: its peak RSS in kB. */
static long
sync_peak_rss (Fixture *f)
{
  g_autofree char *rss_file = g_build_filename (f->cli.tmpdir, "rss.txt", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    "/usr/bin/time", "-f", "%M", "-o", rss_file, g_getenv ("COMPANIES_CLI"),
    "--database", f->db_b, "--server", companies_test_server_get_url (f->server), "sync", NULL
  };
  int status = -1;

  env = g_environ_setenv (env, "XDG_DATA_HOME", f->cli.xdg, TRUE);
  env = g_environ_unsetenv (env, "COMPANIES_TOKEN");
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (rss_file, &contents, NULL, &error));
  g_assert_no_error (error);

  return atol (contents);
}

static void
test_flood (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *dropped = g_strdup_printf ("%u older notices were dropped", FLOOD_N - COMPANIES_NOTICES_MAX);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *notices;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 stored;
  long rss;

  seed_flood (f);
  rss = sync_peak_rss (f);
  g_test_message ("sync with %u overwritten notices of %u bytes: peak RSS %ld kB",
                  FLOOD_N, FLOOD_VALUE, rss);
  g_assert_cmpint (rss, <=, FLOOD_MAX_RSS_KB);

  notices = conflicts_json (f, f->db_b, &node);
  g_assert_cmpuint (json_array_get_length (notices), ==, COMPANIES_NOTICES_MAX);
  text = cli_ok (&f->cli, "--database", f->db_b, "conflicts", NULL);
  g_assert_nonnull (strstr (text, dropped));

  /* What the notices take in the file: the bound, not the flood. */
  g_assert_cmpint (sqlite3_open_v2 (f->db_b, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*), sum(length(CAST(lost AS BLOB))) FROM notices",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, COMPANIES_NOTICES_MAX);
  stored = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_test_message ("notices stored: %" G_GINT64_FORMAT " bytes of values", stored);
  g_assert_cmpint (stored, ==, (gint64) COMPANIES_NOTICES_MAX * FLOOD_VALUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/notices/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("deleted-restore", test_deleted_restore);
  ADD ("overwritten-restore-dismiss", test_overwritten_restore_dismiss);
  ADD ("flood", test_flood);
#undef ADD

  return g_test_run ();
}
