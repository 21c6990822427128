/* cli-test-helpers.c: runs the built companies-cli for the tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include <string.h>

#include <sqlite3.h>

#include "companies-test-process.h"
#include "companies-test-server.h"
#include "cli-test-helpers.h"

/* Under AddressSanitizer everything runs about three times slower. */
#if defined(__SANITIZE_ADDRESS__)
#define RUN_TIMEOUT_SECONDS 90
#else
#define RUN_TIMEOUT_SECONDS 30
#endif

void
cli_fixture_setup (CliFixture    *f,
                   gconstpointer  data)
{
  f->tmpdir = companies_test_make_tmpdir ();
  f->db = g_build_filename (f->tmpdir, "client.db", NULL);
  f->xdg = g_build_filename (f->tmpdir, "xdg-data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->xdg, 0700), ==, 0);
}

void
cli_fixture_teardown (CliFixture    *f,
                      gconstpointer  data)
{
  companies_test_remove_tree (f->tmpdir);
  g_clear_pointer (&f->tmpdir, g_free);
  g_clear_pointer (&f->db, g_free);
  g_clear_pointer (&f->xdg, g_free);
}

void
cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  run->status = -1;
}

int
cli_runv (CliFixture         *f,
          const char * const *env,
          const char * const *argv,
          CliRun             *out)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) full_argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_build_filename (f->tmpdir, "home", NULL);
  g_autofree char *config = g_build_filename (f->tmpdir, "config", NULL);
  g_autofree char *no_bus = g_strdup_printf ("unix:path=%s/no-bus", f->tmpdir);
  g_autoptr(GBytes) stdin_bytes = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  const char *cli = g_getenv ("COMPANIES_CLI");

  g_assert_nonnull (cli);

  g_ptr_array_add (full_argv, (gpointer) cli);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full_argv, (gpointer) argv[i]);
  g_ptr_array_add (full_argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Never the user's database, server or token. */
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_DATABASE");
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_SERVER_URL");
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_TOKEN");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->xdg, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  /* Nor the user's keyring or the app's token file: no session bus (so no
   * Secret Service) unless a test starts one of its own. */
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", no_bus, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_assert_nonnull (pair[1]);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) full_argv->pdata, &error);
  g_assert_no_error (error);

  /* An empty stdin: the CLI must never wait for input. */
  stdin_bytes = g_bytes_new_static ("", 0);
  if (!companies_test_process_communicate (process, stdin_bytes, RUN_TIMEOUT_SECONDS * 1000,
                                           &out_bytes, &err_bytes))
    g_error ("companies-cli %s did not finish within %d s", argv[0], RUN_TIMEOUT_SECONDS);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("companies-cli %s was killed by a signal; its stderr:\n%s", argv[0],
             err_bytes != NULL ? (const char *) g_bytes_get_data (err_bytes, NULL) : "");

  out->status = g_subprocess_get_exit_status (process);
  out->out = companies_test_bytes_dup_string (out_bytes);
  out->err = companies_test_bytes_dup_string (err_bytes);

  if (g_test_verbose ())
    g_test_message ("companies-cli %s → %d\n%s%s", argv[0], out->status, out->out, out->err);

  return out->status;
}

static GPtrArray *
collect_args (va_list args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *arg;

  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  return argv;
}

int
cli_run (CliFixture *f,
         CliRun     *out,
         ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, out);
  argv = collect_args (args);
  va_end (args);

  return cli_runv (f, NULL, (const char * const *) argv->pdata, out);
}

char *
cli_ok (CliFixture *f,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(CliRun) run = { 0 };
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, f->db);
  va_start (args, f);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  cli_runv (f, NULL, (const char * const *) argv->pdata, &run);
  if (run.status != 0)
    g_error ("companies-cli %s exited with %d: %s", (char *) argv->pdata[2], run.status, run.err);

  return g_steal_pointer (&run.out);
}

JsonNode *
cli_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));

  return json_node_copy (json_parser_get_root (parser));
}

JsonNode *
cli_list_json (CliFixture *f,
               const char *db,
               gboolean    all)
{
  g_auto(CliRun) run = { 0 };
  JsonNode *node;

  if (all)
    cli_run (f, &run, "--database", db, "list", "--json", "--all", NULL);
  else
    cli_run (f, &run, "--database", db, "list", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  node = cli_parse_json (run.out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));

  return node;
}

JsonNode *
cli_status_json (CliFixture *f,
                 const char *db)
{
  g_auto(CliRun) run = { 0 };
  JsonNode *node;

  cli_run (f, &run, "--database", db, "status", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);

  node = cli_parse_json (run.out);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return node;
}

static JsonObject *
find_member (JsonNode   *list,
             const char *member,
             const char *value)
{
  JsonArray *array = json_node_get_array (list);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, member), value) == 0)
        return object;
    }

  return NULL;
}

JsonObject *
cli_find_uuid (JsonNode   *list,
               const char *uuid)
{
  return find_member (list, "uuid", uuid);
}

JsonObject *
cli_find_name (JsonNode   *list,
               const char *name)
{
  return find_member (list, "name", name);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return g_strdup ("absent");

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

char *
cli_fingerprint (CliFixture *f,
                 const char *db)
{
  g_auto(CliRun) list = { 0 };
  g_auto(CliRun) status = { 0 };
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *db_sum = NULL;
  g_autofree char *wal_sum = NULL;

  /* The checksums first: the listing below opens the file too. */
  db_sum = file_checksum (db);
  wal_sum = file_checksum (wal);

  cli_run (f, &list, "--database", db, "list", "--json", "--all", NULL);
  g_assert_cmpint (list.status, ==, 0);
  cli_run (f, &status, "--database", db, "status", "--json", NULL);
  g_assert_cmpint (status.status, ==, 0);

  return g_strdup_printf ("db %s\nwal %s\n%s%s", db_sum, wal_sum, list.out, status.out);
}

/* Every row of every table of @db, as text, in each table's key order. */
static char *
dump_tables (const char *db_path)
{
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *tables = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                                       " ORDER BY name", -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", name);
      sqlite3_stmt *rows = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL), ==, SQLITE_OK);
      g_string_append_printf (out, "table %s\n", name);
      while (sqlite3_step (rows) == SQLITE_ROW)
        {
          for (int i = 0; i < sqlite3_column_count (rows); i++)
            {
              const char *value = (const char *) sqlite3_column_text (rows, i);

              g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", value != NULL ? value : "NULL");
            }
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (rows);
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);

  return g_string_free (out, FALSE);
}

char *
cli_content_fingerprint (CliFixture *f,
                         const char *db)
{
  g_auto(CliRun) list = { 0 };
  g_auto(CliRun) status = { 0 };
  g_autofree char *tables = dump_tables (db);

  cli_run (f, &list, "--database", db, "list", "--json", "--all", NULL);
  g_assert_cmpint (list.status, ==, 0);
  cli_run (f, &status, "--database", db, "status", "--json", NULL);
  g_assert_cmpint (status.status, ==, 0);

  return g_strdup_printf ("%s%s%s", tables, list.out, status.out);
}

char *
cli_assert_uuid_line (const char *text)
{
  gsize length = strlen (text);

  g_assert_cmpuint (length, >, 1);
  g_assert_cmpint (text[length - 1], ==, '\n');

  {
    g_autofree char *uuid = g_strndup (text, length - 1);

    g_assert_true (g_uuid_string_is_valid (uuid));
    return g_steal_pointer (&uuid);
  }
}

guint
cli_test_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}
