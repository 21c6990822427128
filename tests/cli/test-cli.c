/* test-cli.c: companies-cli on a local database: add, list, update,
 * delete, status, options and environment, refused input, output.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <string.h>

#include "cli-test-helpers.h"

static void
test_add_list (CliFixture    *f,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *table = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) status = NULL;
  JsonObject *company;
  JsonArray *changed;

  out = cli_ok (f, "add", "--name", "Acme", "--city", "Porto", "--email", "info@acme.example", NULL);
  uuid = cli_assert_uuid_line (out);

  list = cli_list_json (f, f->db, FALSE);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  company = cli_find_uuid (list, uuid);
  g_assert_nonnull (company);
  g_assert_cmpstr (json_object_get_string_member (company, "name"), ==, "Acme");
  g_assert_cmpstr (json_object_get_string_member (company, "city"), ==, "Porto");
  g_assert_cmpstr (json_object_get_string_member (company, "email"), ==, "info@acme.example");
  /* Every field is there, the ones not given empty. */
  g_assert_cmpstr (json_object_get_string_member (company, "address"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (company, "postal_code"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (company, "country"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (company, "phone"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (company, "website"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (company, "notes"), ==, "");
  /* The pattern's flags for a new record, and no server id yet. */
  g_assert_true (json_object_has_member (company, "id"));
  g_assert_true (json_object_get_null_member (company, "id"));
  g_assert_false (json_object_get_boolean_member (company, "is_from_server"));
  g_assert_true (json_object_get_boolean_member (company, "is_modified"));
  g_assert_true (json_object_get_boolean_member (company, "is_active"));
  g_assert_cmpint (json_object_get_int_member (company, "version"), ==, 0);
  g_assert_true (json_object_get_null_member (company, "rejection"));
  changed = json_object_get_array_member (company, "changed_fields");
  g_assert_nonnull (changed);

  status = cli_status_json (f, f->db);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status), "pending_added"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status), "pending_updated"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status), "pending_deleted"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status), "active"), ==, 1);
  g_assert_true (json_object_get_null_member (json_node_get_object (status), "last_sync"));

  table = cli_ok (f, "list", NULL);
  g_assert_true (g_str_has_prefix (table, "ID"));
  g_assert_nonnull (strstr (table, "NAME"));
  g_assert_nonnull (strstr (table, "E-MAIL"));
  g_assert_nonnull (strstr (table, "Acme"));
  g_assert_nonnull (strstr (table, "info@acme.example"));
}

static void
test_update_delete_local (CliFixture    *f,
                          gconstpointer  data)
{
  g_autofree char *out1 = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *uuid1 = NULL;
  g_autofree char *uuid2 = NULL;
  g_autofree char *ignored = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) after = NULL;
  JsonObject *company;

  out1 = cli_ok (f, "add", "--name", "Alpha", "--city", "Lisbon", "--phone", "+351 1", NULL);
  out2 = cli_ok (f, "add", "--name", "Beta", "--city", "Braga", NULL);
  uuid1 = cli_assert_uuid_line (out1);
  uuid2 = cli_assert_uuid_line (out2);

  /* Only the fields given change; an empty value clears a field. */
  ignored = cli_ok (f, "update", uuid1, "--phone", "+351 2", "--city", "", NULL);
  list = cli_list_json (f, f->db, FALSE);
  company = cli_find_uuid (list, uuid1);
  g_assert_nonnull (company);
  g_assert_cmpstr (json_object_get_string_member (company, "name"), ==, "Alpha");
  g_assert_cmpstr (json_object_get_string_member (company, "phone"), ==, "+351 2");
  g_assert_cmpstr (json_object_get_string_member (company, "city"), ==, "");
  company = cli_find_uuid (list, uuid2);
  g_assert_cmpstr (json_object_get_string_member (company, "city"), ==, "Braga");
  g_clear_pointer (&ignored, g_free);

  /* Options may come before the REF too. */
  ignored = cli_ok (f, "update", "--name", "Alpha Two", uuid1, NULL);
  g_clear_pointer (&list, json_node_unref);
  list = cli_list_json (f, f->db, FALSE);
  g_assert_nonnull (cli_find_name (list, "Alpha Two"));
  g_clear_pointer (&ignored, g_free);

  /* A record never synced is removed at once, even from --all. */
  ignored = cli_ok (f, "delete", uuid1, NULL);
  after = cli_list_json (f, f->db, TRUE);
  g_assert_null (cli_find_uuid (after, uuid1));
  g_assert_nonnull (cli_find_uuid (after, uuid2));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (after)), ==, 1);
}

/* Each case: the arguments after "--database DB", the exit status. */
static void
assert_refused (CliFixture         *f,
                const char         *before,
                int                 expected_status,
                const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(CliRun) run = { 0 };
  g_autofree char *after = NULL;

  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, f->db);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  cli_runv (f, NULL, (const char * const *) argv->pdata, &run);
  g_test_message ("%s → %d: %s", args[0] != NULL ? args[0] : "(none)", run.status, run.err);
  g_assert_cmpint (run.status, ==, expected_status);
  /* A clear message, on stderr, and nothing on stdout. */
  g_assert_true (g_str_has_prefix (run.err, "companies-cli: "));
  g_assert_cmpuint (strlen (run.err), >, strlen ("companies-cli: ") + 5);
  g_assert_true (g_utf8_validate (run.err, -1, NULL));
  g_assert_cmpstr (run.out, ==, "");

  after = cli_fingerprint (f, f->db);
  g_assert_cmpstr (after, ==, before);
}

static void
test_refused_input (CliFixture    *f,
                    gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *before = NULL;
  g_autofree char *name_201 = NULL;
  g_autofree char *postal_21 = NULL;
  g_autofree char *notes_10001 = NULL;
  g_autoptr(GString) wide_201 = g_string_new (NULL);

  out = cli_ok (f, "add", "--name", "Keep Me", "--email", "keep@example.com", NULL);
  uuid = cli_assert_uuid_line (out);
  before = cli_fingerprint (f, f->db);

  name_201 = g_strnfill (201, 'n');
  postal_21 = g_strnfill (21, '9');
  notes_10001 = g_strnfill (10001, 'x');
  for (guint i = 0; i < 201; i++)
    g_string_append (wide_201, "é");

#define REFUSED(status, ...) \
  G_STMT_START { \
    const char *args[] = { __VA_ARGS__, NULL }; \
    assert_refused (f, before, (status), args); \
  } G_STMT_END

  /* Data refused: exit 1. */
  REFUSED (1, "add", "--name", "");
  REFUSED (1, "add", "--name", "   ");
  REFUSED (1, "add", "--name", "X", "--email", "not-an-address");
  REFUSED (1, "add", "--name", "X", "--email", "a@b@c");
  REFUSED (1, "add", "--name", "X", "--email", "@example.com");
  REFUSED (1, "add", "--name", name_201);
  REFUSED (1, "add", "--name", wide_201->str);
  REFUSED (1, "add", "--name", "X", "--postal-code", postal_21);
  REFUSED (1, "add", "--name", "X", "--notes", notes_10001);
  REFUSED (1, "add", "--name", "Bad \xff\xfe bytes");
  REFUSED (1, "add", "--name", "X", "--city", "\xc3\x28");
  REFUSED (1, "update", uuid, "--email", "broken");
  REFUSED (1, "update", uuid, "--name", "");
  REFUSED (1, "update", uuid, "--notes", "\xff");
  REFUSED (1, "update", "00000000-0000-4000-8000-000000000000", "--name", "Other");
  REFUSED (1, "update", "999999", "--name", "Other");
  REFUSED (1, "update", "not-a-ref", "--name", "Other");
  REFUSED (1, "delete", "00000000-0000-4000-8000-000000000000");
  REFUSED (1, "delete", "999999");
  REFUSED (1, "delete", "\xff");

  /* Usage errors: exit 2. */
  REFUSED (2, "add");
  REFUSED (2, "add", "--city", "Porto");
  REFUSED (2, "add", "--name", "X", "extra");
  REFUSED (2, "add", "--name");
  REFUSED (2, "add", "--name", "X", "--colour", "red");
  REFUSED (2, "update", uuid);
  REFUSED (2, "update", "--name", "X");
  REFUSED (2, "update", uuid, "--nonsense", "1");
  REFUSED (2, "delete");
  REFUSED (2, "delete", uuid, "extra");
  REFUSED (2, "frobnicate");
  REFUSED (2, "list", "--bogus");
  REFUSED (2, "list", "extra");
  REFUSED (2, "status", "extra");
  REFUSED (2, "--bogus", "list");
  REFUSED (2, "sync", "extra");
  REFUSED (2, "sync", "--server", "ftp://example.com");
  REFUSED (2, "sync", "--server", "not a url");
  REFUSED (2, "--token", "a", "--token-file", "/nonexistent", "sync");
  REFUSED (2, "--token-file", "/nonexistent/token", "sync");
  REFUSED (2, "--token", "with space", "sync");

#undef REFUSED

  /* No command at all. */
  {
    const char *args[] = { NULL };

    assert_refused (f, before, 2, args);
  }
}

static void
test_name_limits (CliFixture    *f,
                  gconstpointer  data)
{
  g_autoptr(GString) wide_200 = g_string_new (NULL);
  g_autofree char *out = NULL;
  g_autofree char *padded = NULL;
  g_autoptr(JsonNode) list = NULL;

  /* 200 characters is fine, counted as characters, not bytes. */
  for (guint i = 0; i < 200; i++)
    g_string_append (wide_200, "é");
  out = cli_ok (f, "add", "--name", wide_200->str, NULL);
  g_free (cli_assert_uuid_line (out));
  g_clear_pointer (&out, g_free);

  /* White space around a name is trimmed, not counted. */
  padded = g_strdup_printf ("   %s   ", "Trimmed Inc");
  out = cli_ok (f, "add", "--name", padded, NULL);
  g_free (cli_assert_uuid_line (out));

  list = cli_list_json (f, f->db, FALSE);
  g_assert_nonnull (cli_find_name (list, wide_200->str));
  g_assert_nonnull (cli_find_name (list, "Trimmed Inc"));
}

static void
test_sql_text_verbatim (CliFixture    *f,
                        gconstpointer  data)
{
  const char *name = "'; DROP TABLE companies; --";
  const char *notes = "Robert'); DROP TABLE students;--\n\"quoted\" \\ %s %n 100% ' OR '1'='1";
  const char *city = "' OR 1=1 --";
  g_autofree char *out = NULL;
  g_autofree char *other = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *other_uuid = NULL;
  g_autofree char *ignored = NULL;
  g_autofree char *table = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *company;

  out = cli_ok (f, "add", "--name", name, "--notes", notes, NULL);
  uuid = cli_assert_uuid_line (out);
  other = cli_ok (f, "add", "--name", "Bystander", "--city", "Faro", NULL);
  other_uuid = cli_assert_uuid_line (other);
  ignored = cli_ok (f, "update", uuid, "--city", city, NULL);

  list = cli_list_json (f, f->db, TRUE);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
  company = cli_find_uuid (list, uuid);
  g_assert_nonnull (company);
  g_assert_cmpstr (json_object_get_string_member (company, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (company, "notes"), ==, notes);
  g_assert_cmpstr (json_object_get_string_member (company, "city"), ==, city);
  /* The update touched only its own record. */
  company = cli_find_uuid (list, other_uuid);
  g_assert_cmpstr (json_object_get_string_member (company, "city"), ==, "Faro");

  table = cli_ok (f, "list", NULL);
  g_assert_nonnull (strstr (table, name));
  g_assert_nonnull (strstr (table, city));
  g_assert_nonnull (strstr (table, "Bystander"));
}

/* The display column where @needle starts in @line, or -1. */
static int
column_of (const char *line,
           const char *needle)
{
  const char *found = strstr (line, needle);
  g_autofree char *prefix = NULL;

  if (found == NULL)
    return -1;

  prefix = g_strndup (line, found - line);
  return (int) cli_test_width (prefix);
}

static void
test_table_unicode (CliFixture    *f,
                    gconstpointer  data)
{
  const struct { const char *name; const char *city; const char *country; } rows[] = {
    { "Café Ünïcødé", "Zürich-A", "Schweiz" },
    { "東京商事株式会社", "東京-B", "日本" },
    { "Plain Ltd", "Oslo-C", "Norge" },
    { "E\xcc\x81" "clair (combining)", "Paris-D", "France" },
  };
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  int city_column;
  int country_column;
  guint n_lines = 0;
  gboolean seen_truncated = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_free (cli_ok (f, "add", "--name", rows[i].name, "--city", rows[i].city,
                    "--country", rows[i].country, NULL));

  /* A name far wider than the column is cut with "…". */
  for (guint i = 0; i < 80; i++)
    g_string_append (long_name, "Ä");
  g_free (cli_ok (f, "add", "--name", long_name->str, "--city", "Long-E",
                  "--country", "Österreich", NULL));

  table = cli_ok (f, "list", NULL);
  g_assert_true (g_utf8_validate (table, -1, NULL));
  lines = g_strsplit (table, "\n", -1);

  city_column = column_of (lines[0], "CITY");
  country_column = column_of (lines[0], "COUNTRY");
  g_assert_cmpint (city_column, >, 0);
  g_assert_cmpint (country_column, >, city_column);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *line = lines[i];
      int city_at = -1;

      for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
        {
          if (strstr (line, rows[r].city) != NULL)
            {
              city_at = column_of (line, rows[r].city);
              g_assert_nonnull (strstr (line, rows[r].name));
              g_assert_cmpint (column_of (line, rows[r].country), ==, country_column);
            }
        }
      if (strstr (line, "Long-E") != NULL)
        {
          city_at = column_of (line, "Long-E");
          g_assert_null (strstr (line, long_name->str));
          g_assert_nonnull (strstr (line, "ÄÄÄ…"));
          g_assert_cmpint (column_of (line, "Österreich"), ==, country_column);
          seen_truncated = TRUE;
        }

      g_assert_cmpint (city_at, ==, city_column);
      n_lines++;
    }

  g_assert_cmpuint (n_lines, ==, G_N_ELEMENTS (rows) + 1);
  g_assert_true (seen_truncated);
}

static void
test_utf8_in_c_locale (CliFixture    *f,
                       gconstpointer  data)
{
  const char *env[] = { "LC_ALL=C", NULL };
  const char *argv[] = { "--database", f->db, "add", "--name", "Café Øresund", NULL };
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) list = NULL;

  /* UTF-8 arguments are taken as they are, whatever the locale. */
  cli_runv (f, env, argv, &run);
  g_assert_cmpint (run.status, ==, 0);
  g_free (cli_assert_uuid_line (run.out));

  list = cli_list_json (f, f->db, FALSE);
  g_assert_nonnull (cli_find_name (list, "Café Øresund"));
}

static void
test_database_precedence (CliFixture    *f,
                          gconstpointer  data)
{
  g_autofree char *db_a = g_build_filename (f->tmpdir, "a.db", NULL);
  g_autofree char *db_b = g_build_filename (f->tmpdir, "b.db", NULL);
  g_autofree char *default_db = g_build_filename (f->xdg, "companies", "companies.db", NULL);
  g_autofree char *env_a = g_strconcat ("COMPANIES_DATABASE=", db_a, NULL);
  const char *env[] = { env_a, NULL };
  g_autoptr(JsonNode) list_a = NULL;
  g_autoptr(JsonNode) list_b = NULL;
  g_autoptr(JsonNode) list_default = NULL;
  g_auto(CliRun) run = { 0 };

  /* The environment variable names the database… */
  {
    const char *argv[] = { "add", "--name", "In A", NULL };

    cli_runv (f, env, argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    cli_run_clear (&run);
  }
  /* …unless --database says otherwise, before or after the command. */
  {
    const char *argv[] = { "--database", db_b, "add", "--name", "In B", NULL };

    cli_runv (f, env, argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    cli_run_clear (&run);
  }
  {
    const char *argv[] = { "add", "--name", "Also B", "--database", db_b, NULL };

    cli_runv (f, env, argv, &run);
    g_assert_cmpint (run.status, ==, 0);
    cli_run_clear (&run);
  }
  /* Without either, the app's own database under XDG_DATA_HOME. */
  cli_run (f, &run, "add", "--name", "In default", NULL);
  g_assert_cmpint (run.status, ==, 0);
  cli_run_clear (&run);
  g_assert_true (g_file_test (default_db, G_FILE_TEST_IS_REGULAR));

  list_a = cli_list_json (f, db_a, TRUE);
  list_b = cli_list_json (f, db_b, TRUE);
  list_default = cli_list_json (f, default_db, TRUE);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list_a)), ==, 1);
  g_assert_nonnull (cli_find_name (list_a, "In A"));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list_b)), ==, 2);
  g_assert_nonnull (cli_find_name (list_b, "In B"));
  g_assert_nonnull (cli_find_name (list_b, "Also B"));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list_default)), ==, 1);
  g_assert_nonnull (cli_find_name (list_default, "In default"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_help_version (CliFixture    *f,
                   gconstpointer  data)
{
  g_auto(CliRun) run = { 0 };
  const char *commands[] = { "list", "add", "update", "delete", "sync", "status" };

  cli_run (f, &run, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, PACKAGE_VERSION));
  cli_run_clear (&run);

  cli_run (f, &run, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Exit status"));
  g_assert_nonnull (strstr (run.out, "COMPANIES_DATABASE"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (run.out, commands[i]));
  cli_run_clear (&run);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      cli_run (f, &run, commands[i], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, commands[i]));
      cli_run_clear (&run);
    }

  cli_run (f, &run, "update", "--help", NULL);
  g_assert_nonnull (strstr (run.out, "--postal-code"));
  g_assert_nonnull (strstr (run.out, "REF"));
  cli_run_clear (&run);

  /* Help changes nothing and needs no database. */
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_status_human (CliFixture    *f,
                   gconstpointer  data)
{
  g_autofree char *status = NULL;

  g_free (cli_ok (f, "add", "--name", "One", NULL));
  g_free (cli_ok (f, "add", "--name", "Two", NULL));

  status = cli_ok (f, "status", NULL);
  g_assert_nonnull (strstr (status, "Pending additions:"));
  g_assert_nonnull (strstr (status, "never"));
  g_assert_true (g_regex_match_simple ("^Pending additions: +2$", status, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^Companies: +2$", status, G_REGEX_MULTILINE, 0));
}

static void
test_not_a_database (CliFixture    *f,
                     gconstpointer  data)
{
  const char *contents = "This is not a Companies database.\n";
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  const char *commands[][4] = {
    { "list", NULL },
    { "status", NULL },
    { "add", "--name", "X", NULL },
    { "delete", "1", NULL },
  };

  g_file_set_contents (f->db, contents, -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_auto(CliRun) run = { 0 };

      g_ptr_array_add (argv, (gpointer) "--database");
      g_ptr_array_add (argv, f->db);
      for (guint j = 0; commands[i][j] != NULL; j++)
        g_ptr_array_add (argv, (gpointer) commands[i][j]);
      g_ptr_array_add (argv, NULL);

      cli_runv (f, NULL, (const char * const *) argv->pdata, &run);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_true (g_str_has_prefix (run.err, "companies-cli: "));
      g_assert_nonnull (strstr (run.err, f->db));
      g_assert_cmpstr (run.out, ==, "");
    }

  /* The file is left as it was. */
  g_file_get_contents (f->db, &after, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, contents);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/add-list", test_add_list);
  ADD ("/cli/update-delete-local", test_update_delete_local);
  ADD ("/cli/refused-input", test_refused_input);
  ADD ("/cli/name-limits", test_name_limits);
  ADD ("/cli/sql-text-verbatim", test_sql_text_verbatim);
  ADD ("/cli/table-unicode", test_table_unicode);
  ADD ("/cli/utf8-in-c-locale", test_utf8_in_c_locale);
  ADD ("/cli/database-precedence", test_database_precedence);
  ADD ("/cli/help-version", test_help_version);
  ADD ("/cli/status-human", test_status_human);
  ADD ("/cli/not-a-database", test_not_a_database);

#undef ADD

  return g_test_run ();
}
