/* test-cli-csv.c: `companies-cli import` and `export` as programs: the
 * summary, each refused line on stderr with its number, the exit status,
 * a lossless round trip through two databases, --output replaced only
 * when complete; `list` naming every row so that update and delete take
 * it; and `list --json` of 100k companies streamed in bounded memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cli-test-helpers.h"

#define N_STREAMED 100000
/* The goal for a list of any length (the list held in memory took 562 MB
 * at 100k). */
/* Under AddressSanitizer a process also carries the sanitizer's own
 * memory (shadow, and freed blocks held back: build-aux/sanitize.sh keeps
 * them to 16 MiB for companies-cli), so the bound is three times larger
 * there: still far below what holding every row takes. */
#if defined(__SANITIZE_ADDRESS__)
#define MAX_LIST_RSS_KB (150 * 1024)
#else
#define MAX_LIST_RSS_KB (50 * 1024)
#endif

static char *
write_file (CliFixture *f,
            const char *name,
            const char *text)
{
  char *path = g_build_filename (f->tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_import_summary (CliFixture    *f,
                     gconstpointer  data)
{
  g_autofree char *csv = write_file (f, "in.csv",
                                     "name;city;email;notes\r\n"
                                     "Alpha;Porto;a@x.example;\"quoted; \"\"yes\"\"\"\r\n"
                                     "Beta;Lisboa;not-mail;\r\n"
                                     "Gamma;Braga;;\r\n"
                                     "Delta;Faro\r\n");
  g_autoptr(JsonNode) list = NULL;
  g_auto(CliRun) run = { 0 };
  JsonObject *alpha;

  cli_run (f, &run, "--database", f->db, "import", csv, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "Imported 2, refused 2\n");
  g_assert_nonnull (strstr (run.err, "line 3: E-mail"));
  g_assert_nonnull (strstr (run.err, "line 5: 2 fields where the header has 4"));

  list = cli_list_json (f, f->db, FALSE);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
  alpha = cli_find_name (list, "Alpha");
  g_assert_nonnull (alpha);
  g_assert_cmpstr (json_object_get_string_member (alpha, "notes"), ==, "quoted; \"yes\"");
  g_assert_cmpstr (json_object_get_string_member (alpha, "sync_state"), ==, "pending_add");
  g_assert_nonnull (cli_find_name (list, "Gamma"));

  /* A clean file: status 0. */
  {
    g_autofree char *clean = write_file (f, "clean.csv", "Name,E-mail\nEpsilon,e@x.example\n");
    g_auto(CliRun) again = { 0 };

    cli_run (f, &again, "--database", f->db, "import", clean, NULL);
    g_assert_cmpint (again.status, ==, 0);
    g_assert_cmpstr (again.out, ==, "Imported 1, refused 0\n");
    g_assert_cmpstr (again.err, ==, "");
  }
}

static void
test_import_refused_file (CliFixture    *f,
                          gconstpointer  data)
{
  g_autofree char *unknown = write_file (f, "unknown.csv", "name,colour\nAcme,red\n");
  g_autofree char *empty = write_file (f, "empty.csv", "");
  g_autofree char *missing = g_build_filename (f->tmpdir, "missing.csv", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(CliRun) run = { 0 };

  g_free (cli_ok (f, "add", "--name", "Kept", NULL));
  before = cli_fingerprint (f, f->db);

  cli_run (f, &run, "--database", f->db, "import", unknown, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "unknown column “colour”"));
  cli_run_clear (&run);
  cli_run (f, &run, "--database", f->db, "import", empty, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "empty"));
  cli_run_clear (&run);
  cli_run (f, &run, "--database", f->db, "import", missing, NULL);
  g_assert_cmpint (run.status, ==, 1);
  cli_run_clear (&run);
  cli_run (f, &run, "--database", f->db, "import", NULL);
  g_assert_cmpint (run.status, ==, 2);

  after = cli_fingerprint (f, f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_round_trip (CliFixture    *f,
                 gconstpointer  data)
{
  g_autofree char *db2 = g_build_filename (f->tmpdir, "second.db", NULL);
  g_autofree char *out1 = g_build_filename (f->tmpdir, "out1.csv", NULL);
  g_autofree char *out2 = NULL;
  g_autofree char *file1 = NULL;
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) second = { 0 };

  g_free (cli_ok (f, "add", "--name", "Ação \"Aspas\", Lda", "--address", "Rua 1\nAndar 2",
                  "--city", "Porto;Gaia", "--notes", "a, b; \"c\"\r\nd\n\nend 🙂", NULL));
  g_free (cli_ok (f, "add", "--name", "Plain", "--email", "p@x.example", NULL));

  /* To a file (reported on stdout), and to stdout (nothing else there). */
  cli_run (f, &run, "--database", f->db, "export", "--output", out1, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Exported 2\n");
  g_assert_true (g_file_get_contents (out1, &file1, NULL, NULL));
  out2 = cli_ok (f, "export", NULL);
  g_assert_cmpstr (out2, ==, file1);
  g_assert_true (g_str_has_prefix (file1, "name,address,city,postal_code,country,phone,email,website,notes\r\n"));

  /* Into a second database, and out again: the same bytes. */
  cli_run (f, &second, "--database", db2, "import", out1, NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_cmpstr (second.out, ==, "Imported 2, refused 0\n");
  cli_run_clear (&second);
  cli_run (f, &second, "--database", db2, "export", NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_cmpstr (second.out, ==, file1);
}

static void
test_export_keeps_old_file (CliFixture    *f,
                            gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->tmpdir, "no-such-dir", "out.csv", NULL);
  g_autofree char *target = write_file (f, "old.csv", "old contents\n");
  g_autofree char *contents = NULL;
  g_autofree char *bad_db = write_file (f, "bad.db", "not a database at all, and long enough to be read");
  g_auto(CliRun) run = { 0 };

  g_free (cli_ok (f, "add", "--name", "Acme", NULL));
  cli_run (f, &run, "--database", f->db, "export", "--output", dir, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  /* A database that cannot be read: the old file stays as it was. */
  cli_run_clear (&run);
  cli_run (f, &run, "--database", bad_db, "export", "--output", target, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old contents\n");
}

/* Each row of `list` names its company: the uuid before the first sync,
 * and update and delete take it. */
static void
test_list_refs (CliFixture    *f,
                gconstpointer  data)
{
  g_autofree char *added = cli_ok (f, "add", "--name", "Named Ltd", NULL);
  g_autofree char *uuid = cli_assert_uuid_line (added);
  g_autofree char *table = cli_ok (f, "list", NULL);
  g_autofree char *pattern = g_strdup_printf ("^%s +Named Ltd ", uuid);
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) list = NULL;

  g_assert_true (g_regex_match_simple (pattern, table, G_REGEX_MULTILINE, 0));

  g_free (cli_ok (f, "update", uuid, "--city", "Porto", NULL));
  list = cli_list_json (f, f->db, FALSE);
  g_assert_cmpstr (json_object_get_string_member (cli_find_uuid (list, uuid), "city"), ==, "Porto");

  g_free (cli_ok (f, "delete", uuid, NULL));
  after = cli_ok (f, "list", NULL);
  g_assert_null (strstr (after, "Named Ltd"));
}

/* A CSV file of @n companies, written as it goes, named in reverse. */
static char *
write_big_csv (CliFixture *f,
               guint       n)
{
  char *path = g_build_filename (f->tmpdir, "big.csv", NULL);
  FILE *out = fopen (path, "w");

  g_assert_nonnull (out);
  fputs ("name,notes\n", out);
  for (guint i = 0; i < n; i++)
    fprintf (out, "Company %06u,\"Notes of %u, long enough to weigh something in memory "
             "when every row is held at once.\"\n", n - i, i);
  g_assert_cmpint (fclose (out), ==, 0);

  return path;
}

/* The largest child this process has waited for, in kB. A child's
 * figure includes this process's size when it forked (Linux keeps the
 * high-water mark across exec), so the test keeps itself small until
 * the last run. */
static long
children_peak_rss (void)
{
  struct rusage usage = { 0 };

  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  return usage.ru_maxrss;
}

static void
test_list_streams (CliFixture    *f,
                   gconstpointer  data)
{
  g_autofree char *csv = write_big_csv (f, N_STREAMED);
  g_autofree char *summary = g_strdup_printf ("Imported %u, refused 0\n", N_STREAMED);
  g_autoptr(JsonNode) list = NULL;
  g_auto(CliRun) run = { 0 };
  JsonArray *array;

  /* The import streams too. */
  cli_run (f, &run, "--database", f->db, "import", csv, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, summary);
  g_test_message ("import of %u companies: peak RSS %ld kB", N_STREAMED, children_peak_rss ());
  g_assert_cmpint (children_peak_rss (), <=, MAX_LIST_RSS_KB);

  cli_run_clear (&run);
  cli_run (f, &run, "--database", f->db, "list", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("list: peak RSS %ld kB", children_peak_rss ());
  g_assert_cmpint (children_peak_rss (), <=, MAX_LIST_RSS_KB);
  g_assert_nonnull (strstr (run.out, "Company 100000"));

  cli_run_clear (&run);
  cli_run (f, &run, "--database", f->db, "list", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("list --json: peak RSS %ld kB", children_peak_rss ());
  g_assert_cmpint (children_peak_rss (), <=, MAX_LIST_RSS_KB);

  list = cli_parse_json (run.out);
  array = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (array), ==, N_STREAMED);
  /* Sorted by name: the file had them in reverse. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "name"),
                   ==, "Company 000001");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, N_STREAMED - 1),
                                                  "name"), ==, "Company 100000");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)
  ADD ("/cli/csv/import-summary", test_import_summary);
  ADD ("/cli/csv/import-refused-file", test_import_refused_file);
  ADD ("/cli/csv/round-trip", test_round_trip);
  ADD ("/cli/csv/export-keeps-old-file", test_export_keeps_old_file);
  ADD ("/cli/list/refs", test_list_refs);
  ADD ("/cli/list/streams", test_list_streams);
#undef ADD

  return g_test_run ();
}
