/* test-cli-watch.c: `companies-cli watch` as a program: its --json lines
 * are JSON objects with the documented members, it applies what others
 * add while it runs, and SIGTERM and SIGINT end it with status 0 (also
 * while the server cannot be reached). Its help is listed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include <signal.h>
#include <string.h>

#include "cli-test-helpers.h"
#include "companies-test-server.h"
#include "companies-test-watcher.h"

#define LINE_WAIT_MS 30000

/* One --json line: exactly the four members, of the right types. */
static void
assert_applied_line (JsonObject *line,
                     const char *event,
                     const char *uuid)
{
  g_assert_nonnull (line);
  g_assert_cmpuint (json_object_get_size (line), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (line, "event"), ==, event);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (line, "id")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (line, "id"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (line, "uuid"), ==, uuid);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (line, "version")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (line, "version"), >, 0);
}

/* Adds a company to @db with companies-cli and syncs it to @url;
 * returns its uuid. */
static char *
add_and_sync (CliFixture *f,
              const char *db,
              const char *url,
              const char *name)
{
  g_autofree char *uuid = cli_ok (f, "add", "--name", name, NULL);
  g_auto(CliRun) run = { 0 };

  g_strchomp (uuid);
  cli_run (f, &run, "--database", db, "--server", url, "sync", NULL);
  g_assert_cmpint (run.status, ==, 0);

  return g_steal_pointer (&uuid);
}

static void
test_json_and_sigterm (CliFixture    *f,
                       gconstpointer  data)
{
  g_autofree char *server_db = g_build_filename (f->tmpdir, "server.db", NULL);
  g_autofree char *watched_db = g_build_filename (f->tmpdir, "watched.db", NULL);
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesTestWatcher) watcher = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid1 = NULL;
  g_autofree char *uuid2 = NULL;
  const char *url;

  server = companies_test_server_start (server_db, NULL, &error);
  g_assert_no_error (error);
  url = companies_test_server_get_url (server);

  /* Applied by the first sync, then one added while it watches. */
  uuid1 = add_and_sync (f, f->db, url, "Acme");
  watcher = companies_test_watcher_start (watched_db, url, f->tmpdir, NULL);
  first = companies_test_watcher_next (watcher, LINE_WAIT_MS);
  assert_applied_line (first, "changed", uuid1);

  uuid2 = add_and_sync (f, f->db, url, "Globex");
  second = companies_test_watcher_next (watcher, LINE_WAIT_MS);
  assert_applied_line (second, "changed", uuid2);
  g_assert_cmpint (json_object_get_int_member (second, "version"), >,
                   json_object_get_int_member (first, "version"));

  g_assert_cmpint (companies_test_watcher_stop (watcher, SIGTERM), ==, 0);
}

/* Interrupted while it retries a server that is not there. */
static void
test_sigint_while_offline (CliFixture    *f,
                           gconstpointer  data)
{
  g_autoptr(CompaniesTestWatcher) watcher = NULL;
  g_autoptr(JsonObject) line = NULL;
  g_autofree char *err = NULL;

  watcher = companies_test_watcher_start (f->db, "http://127.0.0.1:9", f->tmpdir, NULL);
  /* It prints no record, and says once that it tries again. */
  line = companies_test_watcher_next (watcher, 2000);
  g_assert_null (line);
  g_assert_cmpint (companies_test_watcher_stop (watcher, SIGINT), ==, 0);

  err = companies_test_watcher_get_stderr (watcher);
  g_assert_nonnull (strstr (err, "Trying again until the server answers."));
}

static void
test_help (CliFixture    *f,
           gconstpointer  data)
{
  g_auto(CliRun) main_help = { 0 };
  g_auto(CliRun) help = { 0 };

  g_assert_cmpint (cli_run (f, &main_help, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (main_help.out, "  watch [--json]"));
  g_assert_cmpint (cli_run (f, &help, "watch", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help.out, "--json"));
  g_assert_nonnull (strstr (help.out, "SIGTERM"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/watch/json-and-sigterm", CliFixture, NULL,
              cli_fixture_setup, test_json_and_sigterm, cli_fixture_teardown);
  g_test_add ("/cli/watch/sigint-while-offline", CliFixture, NULL,
              cli_fixture_setup, test_sigint_while_offline, cli_fixture_teardown);
  g_test_add ("/cli/watch/help", CliFixture, NULL,
              cli_fixture_setup, test_help, cli_fixture_teardown);

  return g_test_run ();
}
