/* companies-test-watcher.c: a `companies-cli watch --json` process for a
 * test (see the header). A thread reads its stdout a line at a time into
 * a queue, so that the test waits for a line with a deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "config.h"

#include <signal.h>

#include "companies-test-process.h"
#include "companies-test-watcher.h"

struct _CompaniesTestWatcher
{
  GSubprocess *process;
  char        *stderr_path;
  GThread     *reader;
  GAsyncQueue *lines;     /* of char *; "" once stdout ended */
};

static gpointer
reader_thread (gpointer data)
{
  CompaniesTestWatcher *self = data;
  g_autoptr(GDataInputStream) in =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));

  for (;;)
    {
      char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);

      if (line == NULL || *line == '\0')
        {
          g_free (line);
          break;
        }
      g_async_queue_push (self->lines, line);
    }

  g_async_queue_push (self->lines, g_strdup (""));
  return NULL;
}

GSubprocessLauncher *
companies_test_cli_launcher_new (const char       *tmpdir,
                                 GSubprocessFlags  flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  g_autofree char *home = g_build_filename (tmpdir, "cli-home", NULL);
  g_autofree char *no_bus = g_strdup_printf ("unix:path=%s/no-bus", tmpdir);

  g_subprocess_launcher_set_child_setup (launcher, companies_test_die_with_parent, NULL, NULL);
  /* Never the user's database, server, token, keyring or settings. */
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_DATABASE");
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_TOKEN");
  g_subprocess_launcher_setenv (launcher, "COMPANIES_SERVER_URL", "http://127.0.0.1:9", TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", no_bus, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);

  return launcher;
}

CompaniesTestWatcher *
companies_test_watcher_start (const char         *database_path,
                              const char         *server_url,
                              const char         *tmpdir,
                              const char * const *extra_args)
{
  CompaniesTestWatcher *self = g_new0 (CompaniesTestWatcher, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("COMPANIES_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "watch");
  g_ptr_array_add (argv, (gpointer) "--json");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  self->stderr_path = g_build_filename (tmpdir, "watcher.err", NULL);
  launcher = companies_test_cli_launcher_new (tmpdir, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->stderr_path);
  g_subprocess_launcher_setenv (launcher, "COMPANIES_DATABASE", database_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "COMPANIES_SERVER_URL", server_url, TRUE);

  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                &error);
  g_assert_no_error (error);
  self->lines = g_async_queue_new_full (g_free);
  self->reader = g_thread_new ("watcher-stdout", reader_thread, self);
  return self;
}

JsonObject *
companies_test_watcher_next (CompaniesTestWatcher *self,
                             guint                 timeout_ms)
{
  g_autofree char *line = g_async_queue_timeout_pop (self->lines,
                                                     (guint64) timeout_ms * 1000);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (line == NULL || *line == '\0')
    {
      /* The end stays in the queue for the next call. */
      if (line != NULL)
        g_async_queue_push (self->lines, g_strdup (""));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, line, -1, &error))
    g_error ("The watcher printed a line that is not JSON: %s (%s)", line, error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    g_error ("The watcher printed a line that is not a JSON object: %s", line);

  return json_object_ref (json_node_get_object (root));
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

int
companies_test_watcher_stop (CompaniesTestWatcher *self,
                             int                   signum)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  gboolean exited = FALSE;

  g_main_context_push_thread_default (context);
  g_subprocess_send_signal (self->process, signum);
  g_subprocess_wait_async (self->process, NULL, waited_cb, &exited);
  while (!exited && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (context, FALSE))
      g_usleep (10000);
  if (!exited)
    {
      g_subprocess_force_exit (self->process);
      while (!exited)
        g_main_context_iteration (context, TRUE);
    }
  g_main_context_pop_thread_default (context);

  g_assert_true (g_subprocess_get_if_exited (self->process));
  return g_subprocess_get_exit_status (self->process);
}

char *
companies_test_watcher_get_stderr (CompaniesTestWatcher *self)
{
  char *text = NULL;

  if (!g_file_get_contents (self->stderr_path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

void
companies_test_watcher_free (CompaniesTestWatcher *self)
{
  if (self == NULL)
    return;

  if (g_subprocess_get_identifier (self->process) != NULL)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
    }
  g_thread_join (self->reader);
  g_async_queue_unref (self->lines);
  g_object_unref (self->process);
  g_free (self->stderr_path);
  g_free (self);
}
