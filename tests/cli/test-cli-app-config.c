/* test-cli-app-config.c: with no option and no environment variable,
 * companies-cli takes the app's server address (its GSettings key) and
 * the app's token for it (a real Secret Service: gnome-keyring-daemon in
 * a D-Bus session of the test's own), so that `companies-cli sync` in a
 * person's session just works; options and variables still win; the old
 * token file is moved into the keyring; without a keyring the app's
 * private token file serves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include <string.h>

#include <glib/gstdio.h>

#include "companies-test-server.h"
#include "companies-test-session.h"
#include "cli-test-helpers.h"

#define TOKEN "cmp_app-config-test-token"

typedef struct
{
  CliFixture            cli;
  CompaniesTestServer  *server;
  CompaniesTestSession *session;
  char                 *bus_env;
  char                 *asan_env;      /* NULL unless under AddressSanitizer */
} AppFixture;

/* The app's settings as the app's GSettings keyfile backend keeps them. */
static void
write_app_settings (AppFixture *f,
                    const char *server_url)
{
  g_autofree char *folder = g_build_filename (f->cli.tmpdir, "config", "glib-2.0", "settings", NULL);
  g_autofree char *path = g_build_filename (folder, "keyfile", NULL);
  g_autofree char *contents = g_strdup_printf ("[com/example/Companies]\nserver-url='%s'\n", server_url);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* secret-tool, as a person (or the app) stores and reads the token. */
static char *
secret_tool (AppFixture *f,
             const char *input,
             ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_auto(GStrv) envp = companies_test_session_get_envp (f->session);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "secret-tool");
  va_start (args, input);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_environ (launcher, envp);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  return out;
}

static void
app_fixture_setup (AppFixture    *f,
                   gconstpointer  data)
{
  g_autofree char *server_db = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *bus_folder = NULL;
  g_autoptr(GError) error = NULL;
  const char *server_args[] = { "--tokens", NULL, NULL };

  cli_fixture_setup (&f->cli, data);

  tokens = g_build_filename (f->cli.tmpdir, "tokens", NULL);
  g_file_set_contents_full (tokens, TOKEN "\n", -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
  server_args[1] = tokens;
  server_db = g_build_filename (f->cli.tmpdir, "server.db", NULL);
  f->server = companies_test_server_start (server_db, server_args, &error);
  g_assert_no_error (error);

  bus_folder = g_build_filename (f->cli.tmpdir, "session", NULL);
  g_assert_cmpint (g_mkdir_with_parents (bus_folder, 0700), ==, 0);
  f->session = companies_test_session_start (bus_folder, GPOINTER_TO_INT (data), &error);
  g_assert_no_error (error);
  f->bus_env = g_strconcat ("DBUS_SESSION_BUS_ADDRESS=", companies_test_session_get_address (f->session), NULL);
  /* These runs talk to the Secret Service: the leak check needs the full
   * unwinder to tell GDBus's messages left at exit (build-aux/lsan.supp)
   * from ours, and only these runs pay for it. */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    f->asan_env = g_strconcat ("ASAN_OPTIONS=", g_getenv ("ASAN_OPTIONS"), ":fast_unwind_on_malloc=0", NULL);

  write_app_settings (f, companies_test_server_get_url (f->server));
}

static void
app_fixture_teardown (AppFixture    *f,
                      gconstpointer  data)
{
  g_clear_pointer (&f->server, companies_test_server_free);
  g_clear_pointer (&f->session, companies_test_session_free);
  g_clear_pointer (&f->bus_env, g_free);
  g_clear_pointer (&f->asan_env, g_free);
  cli_fixture_teardown (&f->cli, data);
}

/* companies-cli @args… in the person's session: the app's settings
 * backend and session bus, no option for the database, server or token
 * unless @args has them; @extra_env on top. */
static int
run_in_session (AppFixture *f,
                const char *extra_env,
                CliRun     *run,
                ...)
{
  const char *env[] = { "GSETTINGS_BACKEND=keyfile", f->bus_env, NULL, NULL, NULL };
  guint n_env = 2;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (f->asan_env != NULL)
    env[n_env++] = f->asan_env;
  env[n_env] = extra_env;

  return cli_runv (&f->cli, env, (const char * const *) argv->pdata, run);
}

/* The names the server holds, read with options only. */
static guint
count_on_server (AppFixture *f)
{
  g_autofree char *db = g_build_filename (f->cli.tmpdir, "check.db", NULL);
  g_autoptr(JsonNode) list = NULL;
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) listed = { 0 };

  g_unlink (db);
  g_assert_cmpint (cli_run (&f->cli, &run, "--database", db, "--server", companies_test_server_get_url (f->server),
                            "--token", TOKEN, "sync", NULL), ==, 0);
  g_assert_cmpint (cli_run (&f->cli, &listed, "--database", db, "list", "--json", NULL), ==, 0);
  list = cli_parse_json (listed.out);

  return json_array_get_length (json_node_get_array (list));
}

static void
test_app_server_and_keyring (AppFixture    *f,
                             gconstpointer  data)
{
  const char *url = companies_test_server_get_url (f->server);
  g_autofree char *stored = NULL;
  g_auto(CliRun) add = { 0 };
  g_auto(CliRun) no_token = { 0 };
  g_auto(CliRun) synced = { 0 };
  g_auto(CliRun) wrong = { 0 };
  g_auto(CliRun) env_server = { 0 };
  g_auto(CliRun) opt_server = { 0 };
  g_auto(CliRun) help = { 0 };

  g_assert_cmpint (run_in_session (f, NULL, &add, "add", "--name", "From The Terminal", NULL), ==, 0);

  /* The app's server, but no token of the app's yet: refused. */
  g_assert_cmpint (run_in_session (f, NULL, &no_token, "sync", NULL), ==, 4);

  /* The app keeps its token in the keyring under its schema. */
  stored = secret_tool (f, TOKEN, "store", "--label=Companies",
                        "xdg:schema", "com.example.Companies.Token", "server", url, NULL);
  g_assert_cmpint (run_in_session (f, NULL, &synced, "sync", NULL), ==, 0);
  g_assert_cmpuint (count_on_server (f), ==, 1);

  /* Options and variables still win, in this order. */
  g_assert_cmpint (run_in_session (f, NULL, &wrong, "--token", "wrong-token", "sync", NULL), ==, 4);
  g_assert_cmpint (run_in_session (f, "COMPANIES_SERVER_URL=http://127.0.0.1:9", &env_server, "sync", NULL), ==, 3);
  g_assert_cmpint (run_in_session (f, "COMPANIES_SERVER_URL=http://127.0.0.1:9", &opt_server,
                                   "--server", url, "sync", NULL), ==, 0);

  /* --help says where each setting comes from. */
  g_assert_cmpint (run_in_session (f, NULL, &help, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help.out, "the app’s server address"));
  g_assert_nonnull (strstr (help.out, "the app’s token"));
}

static void
test_old_token_file (AppFixture    *f,
                     gconstpointer  data)
{
  const char *url = companies_test_server_get_url (f->server);
  g_autofree char *folder = g_build_filename (f->cli.tmpdir, "config", "companies", NULL);
  g_autofree char *old = g_build_filename (folder, "token", NULL);
  g_autofree char *moved = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CliRun) add = { 0 };
  g_auto(CliRun) synced = { 0 };

  /* What the app wrote before it used the keyring. */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents_full (old, TOKEN "\n", -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_in_session (f, NULL, &add, "add", "--name", "Old Token", NULL), ==, 0);
  g_assert_cmpint (run_in_session (f, NULL, &synced, "sync", NULL), ==, 0);
  g_assert_cmpuint (count_on_server (f), ==, 1);

  /* Moved into the keyring, for the app's server, and the file is gone. */
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  moved = secret_tool (f, NULL, "lookup", "xdg:schema", "com.example.Companies.Token", "server", url, NULL);
  g_assert_cmpstr (moved, ==, TOKEN);
}

static void
test_no_keyring (AppFixture    *f,
                 gconstpointer  data)
{
  const char *url = companies_test_server_get_url (f->server);
  g_autofree char *folder = g_build_filename (f->cli.tmpdir, "config", "companies", NULL);
  g_autofree char *file = g_build_filename (folder, "server-tokens", NULL);
  g_autofree char *line = g_strdup_printf ("%s %s\n", url, TOKEN);
  g_autoptr(GError) error = NULL;
  g_auto(CliRun) add = { 0 };
  g_auto(CliRun) synced = { 0 };

  /* What the app keeps where no Secret Service runs (this session has
   * none). */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents_full (file, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_in_session (f, NULL, &add, "add", "--name", "No Keyring", NULL), ==, 0);
  g_assert_cmpint (run_in_session (f, NULL, &synced, "sync", NULL), ==, 0);
  g_assert_cmpuint (count_on_server (f), ==, 1);
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/app-config/server-and-keyring", AppFixture, GINT_TO_POINTER (TRUE),
              app_fixture_setup, test_app_server_and_keyring, app_fixture_teardown);
  g_test_add ("/cli/app-config/old-token-file", AppFixture, GINT_TO_POINTER (TRUE),
              app_fixture_setup, test_old_token_file, app_fixture_teardown);
  g_test_add ("/cli/app-config/no-keyring", AppFixture, GINT_TO_POINTER (FALSE),
              app_fixture_setup, test_no_keyring, app_fixture_teardown);

  return g_test_run ();
}
