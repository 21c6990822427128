/* test-client-token.c: the access token never shows. The sync client logs
 * nothing of it with every debug message on (G_MESSAGES_DEBUG=all, the log
 * captured), on success and on every failure; companies-cli prints nothing
 * of it, whether it came from --token, --token-file or COMPANIES_TOKEN,
 * in verbose and failing runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-faults"

#include <string.h>

#include "faults-util.h"

/* Every log message of this process, while the tests run. */
G_LOCK_DEFINE_STATIC (captured);
static GString *captured = NULL;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  G_LOCK (captured);
  for (gsize i = 0; i < n_fields; i++)
    {
      /* Every field: the message, its domain, the code location. */
      if (fields[i].length < 0)
        g_string_append (captured, fields[i].value);
      else
        g_string_append_len (captured, fields[i].value, fields[i].length);
      g_string_append_c (captured, ' ');
    }
  g_string_append_c (captured, '\n');
  G_UNLOCK (captured);

  /* What would fail the test still shows. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  return G_LOG_WRITER_HANDLED;
}

static char *
captured_text (void)
{
  char *text;

  G_LOCK (captured);
  text = g_strdup (captured->str);
  G_UNLOCK (captured);

  return text;
}

typedef struct
{
  E2eWorld  world;
  char     *token;        /* the one the server accepts */
  char     *wrong_token;  /* one it does not */
  char     *token_file;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *tokens_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *client_contents = NULL;
  g_autofree char *uuid1 = g_uuid_string_random ();
  g_autofree char *uuid2 = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--tokens", NULL, NULL };

  fixture->token = g_strconcat ("secret-", uuid1, NULL);
  fixture->wrong_token = g_strconcat ("wrong-", uuid2, NULL);

  /* e2e_world_setup makes the temp dir and starts the server; the tokens
   * file must exist first, so make the dir here. */
  fixture->world.tmpdir = companies_test_make_tmpdir ();
  tokens_path = g_build_filename (fixture->world.tmpdir, "tokens", NULL);
  contents = g_strdup_printf ("# the token of the tests\n%s\n", fixture->token);
  companies_test_write_private (tokens_path, contents);

  fixture->token_file = g_build_filename (fixture->world.tmpdir, "client-token", NULL);
  client_contents = g_strdup_printf ("%s\n", fixture->token);
  companies_test_write_private (fixture->token_file, client_contents);

  args[1] = tokens_path;
  fixture->world.server_db = g_build_filename (fixture->world.tmpdir, "server.db", NULL);
  fixture->world.server = companies_test_server_start (fixture->world.server_db, args, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->token);
  g_free (fixture->wrong_token);
  g_free (fixture->token_file);
  e2e_world_teardown (&fixture->world, NULL);
}

static void
assert_no_token (Fixture    *fixture,
                 const char *what,
                 const char *text)
{
  if (strstr (text, fixture->token) != NULL)
    g_error ("%s shows the token:\n%s", what, text);
  if (strstr (text, fixture->wrong_token) != NULL)
    g_error ("%s shows the wrong token:\n%s", what, text);
  /* Nor a recognisable piece of either (the secret part of each). */
  if (strstr (text, fixture->token + strlen ("secret-")) != NULL ||
      strstr (text, fixture->wrong_token + strlen ("wrong-")) != NULL)
    g_error ("%s shows part of a token:\n%s", what, text);
}

static void
test_library_never_logs (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(E2eClient) a = e2e_client_new (&fixture->world, "a", e2e_world_url (&fixture->world),
                                           fixture->token);
  g_autofree char *unreachable = g_strdup_printf ("http://127.0.0.1:%u", e2e_unused_port ());
  g_autofree char *log = NULL;
  const char *urls[] = { e2e_world_url (&fixture->world), unreachable, "http://" };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("logged-%u", i);

      g_object_unref (e2e_add (a->store, name, "Leiria", ""));
    }

  /* A good sync, a refused token, an unreachable server, a bad address:
   * sync and sync_async both. */
  for (guint round = 0; round < 2; round++)
    {
      for (guint u = 0; u < G_N_ELEMENTS (urls); u++)
        for (guint t = 0; t < 2; t++)
          {
            g_autoptr(CompaniesSyncResult) result = NULL;
            g_autoptr(GError) error = NULL;

            companies_sync_client_set_server_url (a->client, urls[u]);
            companies_sync_client_set_token (a->client, t == 0 ? fixture->token : fixture->wrong_token);

            if (round == 0)
              result = companies_sync_client_sync (a->client, NULL, &error);
            else
              {
                E2eAsyncSync call = { 0, };
                E2eAsyncSync *calls[] = { &call };

                e2e_sync_async_start (a->client, &call);
                e2e_async_wait (calls, 1, 30000);
                result = g_steal_pointer (&call.result);
                error = g_steal_pointer (&call.error);
              }

            if (u == 0 && t == 0)
              g_assert_no_error (error);
            else
              {
                g_assert_nonnull (error);
                assert_no_token (fixture, "an error message", error->message);
              }
            if (u == 0 && t == 1)
              g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_UNAUTHORIZED);
          }
    }

  log = captured_text ();
  /* The capture worked: the sync's own debug lines are there. */
  g_assert_nonnull (strstr (log, "Round 0"));
  assert_no_token (fixture, "the log", log);
  g_test_message ("%" G_GSIZE_FORMAT " bytes of log, no token in them", strlen (log));
}

static void
test_cli_never_prints (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = e2e_world_path (&fixture->world, "cli.db");
  g_autofree char *unreachable = g_strdup_printf ("http://127.0.0.1:%u", e2e_unused_port ());
  g_autofree char *token_env = g_strconcat ("COMPANIES_TOKEN=", fixture->token, NULL);
  g_autofree char *wrong_env = g_strconcat ("COMPANIES_TOKEN=", fixture->wrong_token, NULL);
  g_autofree char *spaced = g_strconcat (fixture->wrong_token, " with spaces", NULL);
  g_autofree char *missing_file = e2e_world_path (&fixture->world, "no-such-token");
  g_autofree char *wrong_file = e2e_world_path (&fixture->world, "wrong-token");
  const char *url = e2e_world_url (&fixture->world);
  const char *verbose = "G_MESSAGES_DEBUG=all";
  struct
  {
    const char *args[10];
    const char *env[3];
    int         status;   /* the expected exit status */
  } runs[] = {
    { { "add", "--name", "via-cli", NULL }, { NULL }, 0 },
    /* good syncs, every way of giving the token, all debug output on */
    { { "--server", url, "--token", fixture->token, "sync", NULL }, { verbose, NULL }, 0 },
    { { "--server", url, "--token-file", fixture->token_file, "sync", NULL }, { verbose, NULL }, 0 },
    { { "--server", url, "sync", NULL }, { verbose, token_env, NULL }, 0 },
    /* refused, unreachable, bad address */
    { { "--server", url, "--token", fixture->wrong_token, "sync", NULL }, { verbose, NULL }, 4 },
    { { "--server", url, "--token-file", wrong_file, "sync", NULL }, { verbose, NULL }, 4 },
    { { "--server", url, "sync", NULL }, { verbose, wrong_env, NULL }, 4 },
    { { "--server", unreachable, "--token", fixture->token, "sync", NULL }, { verbose, NULL }, 3 },
    { { "--server", "http://", "--token", fixture->token, "sync", NULL }, { verbose, NULL }, 2 },
    /* a token that cannot be sent, a token file that is not there */
    { { "--server", url, "--token", spaced, "sync", NULL }, { verbose, NULL }, 2 },
    { { "--server", url, "--token", fixture->token, "--token-file", fixture->token_file, "sync", NULL },
      { verbose, NULL }, 2 },
    { { "--server", url, "--token-file", missing_file, "sync", NULL }, { verbose, token_env, NULL }, 2 },
    /* commands that do not use it */
    { { "--token", fixture->token, "status", NULL }, { verbose, NULL }, 0 },
    { { "--token", fixture->token, "list", "--json", "--all", NULL }, { verbose, NULL }, 0 },
    { { "--token", fixture->token, "status", "--json", NULL }, { verbose, NULL }, 0 },
    { { "--token", fixture->token, "frobnicate", NULL }, { verbose, NULL }, 2 },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong_contents = g_strconcat (fixture->wrong_token, "\n", NULL);

  g_assert_true (g_file_set_contents_full (wrong_file, wrong_contents, -1,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autoptr(FaultsCliRun) run = NULL;
      g_autofree char *what = NULL;

      g_ptr_array_add (args, (gpointer) "--database");
      g_ptr_array_add (args, path);
      for (guint j = 0; runs[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (gpointer) runs[i].args[j]);
      g_ptr_array_add (args, NULL);

      run = faults_cli_run ((const char * const *) args->pdata, runs[i].env, 30000);
      what = g_strdup_printf ("run %u (exit %d)", i, run->status);
      assert_no_token (fixture, what, run->out);
      assert_no_token (fixture, what, run->err);
      if (!run->exited || run->status != runs[i].status)
        g_error ("%s: expected exit status %d:\n%s\n%s", what, runs[i].status, run->out, run->err);
    }
}

int
main (int    argc,
      char **argv)
{
  /* Before anything logs, and before any thread exists. */
  captured = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_log_set_debug_enabled (TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/faults/token/library-never-logs", Fixture, NULL,
              fixture_setup, test_library_never_logs, fixture_teardown);
  g_test_add ("/faults/token/cli-never-prints", Fixture, NULL,
              fixture_setup, test_cli_never_prints, fixture_teardown);

  return g_test_run ();
}
