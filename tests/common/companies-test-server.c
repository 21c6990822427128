/* companies-test-server.c: a real companies-server process for a test,
 * and the small helpers the suites share (temp dirs, private files, one
 * HTTP request, one pull).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>

#include "companies-protocol.h"
#include "companies-test-postgres.h"
#include "companies-test-process.h"
#include "companies-test-server.h"

#define LISTENING_PREFIX "Listening on "
#define START_TIMEOUT_SECONDS 20

/* Guards every CompaniesTestServer's log, written by its reader thread. */
G_LOCK_DEFINE_STATIC (server_log);

struct _CompaniesTestServer
{
  GSubprocess *process;
  char        *url;
  guint16      port;
  GString     *log;
  GThread     *log_reader;
};

/* Drains the server's stderr in a thread so a chatty server never blocks
 * on a full pipe, and keeps the text for assertions. */
static gpointer
read_log_thread (gpointer data)
{
  CompaniesTestServer *server = data;
  GInputStream *stream = g_subprocess_get_stderr_pipe (server->process);
  char buffer[4096];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      G_LOCK (server_log);
      g_string_append_len (server->log, buffer, n);
      G_UNLOCK (server_log);
    }

  return NULL;
}

typedef struct
{
  GMainLoop *loop;
  char      *line;
  GError    *error;
} ReadLine;

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadLine *read_line = user_data;

  read_line->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                               result, NULL,
                                                               &read_line->error);
  g_main_loop_quit (read_line->loop);
}

static gboolean
start_timed_out_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;

  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

CompaniesTestServer *
companies_test_server_start (const char          *database_path,
                             const char * const  *extra_args,
                             GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = NULL;
  g_autofree char *database_uri = NULL;
  CompaniesTestServer *server;
  const char *binary = g_getenv ("COMPANIES_SERVER");

  if (binary == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "COMPANIES_SERVER is not set: run the tests with meson test");
      return NULL;
    }

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, (gpointer) "--address");
  g_ptr_array_add (argv, (gpointer) "127.0.0.1");
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  /* The -pg suites run the same tests on PostgreSQL. */
  if (companies_test_postgres_wanted ())
    {
      database_uri = companies_test_postgres_database_for (database_path, error);
      if (database_uri == NULL)
        return NULL;
    }

  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, database_uri != NULL ? database_uri : (gpointer) database_path);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* The server's own debug output must not trip fatal-warnings here. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  /* A test that aborts never runs companies_test_server_free (). */
  g_subprocess_launcher_set_child_setup (launcher, companies_test_die_with_parent, NULL, NULL);

  server = g_new0 (CompaniesTestServer, 1);
  server->log = g_string_new (NULL);
  server->process = g_subprocess_launcher_spawnv (launcher,
                                                  (const char * const *) argv->pdata,
                                                  error);
  if (server->process == NULL)
    {
      companies_test_server_free (server);
      return NULL;
    }
  server->log_reader = g_thread_new ("server-log", read_log_thread, server);

  /* Wait for the address line on a private context, with a deadline. */
  g_main_context_push_thread_default (context);
  loop = g_main_loop_new (context, FALSE);
  timeout = g_timeout_source_new_seconds (START_TIMEOUT_SECONDS);
  g_source_set_callback (timeout, start_timed_out_cb, cancellable, NULL);
  g_source_attach (timeout, context);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  for (;;)
    {
      ReadLine read_line = { loop, NULL, NULL };

      g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, cancellable,
                                           line_read_cb, &read_line);
      g_main_loop_run (loop);

      if (read_line.error != NULL || read_line.line == NULL)
        {
          g_autofree char *log = companies_test_server_get_log (server);

          if (read_line.error != NULL)
            g_propagate_prefixed_error (error, read_line.error,
                                        "companies-server did not start: ");
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "companies-server exited before listening: %s", log);
          g_source_destroy (timeout);
          g_main_context_pop_thread_default (context);
          companies_test_server_free (server);
          return NULL;
        }

      if (g_str_has_prefix (read_line.line, LISTENING_PREFIX))
        {
          g_autoptr(GUri) uri = NULL;

          server->url = g_strdup (read_line.line + strlen (LISTENING_PREFIX));
          g_strchomp (server->url);
          uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);
          if (uri != NULL)
            server->port = (guint16) g_uri_get_port (uri);
          g_free (read_line.line);
          break;
        }

      g_free (read_line.line);
    }

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (server->port == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "companies-server printed an unreadable address: %s", server->url);
      companies_test_server_free (server);
      return NULL;
    }

  return server;
}

const char *
companies_test_server_get_url (CompaniesTestServer *server)
{
  return server->url;
}

guint16
companies_test_server_get_port (CompaniesTestServer *server)
{
  return server->port;
}

GPid
companies_test_server_get_pid (CompaniesTestServer *server)
{
  const char *identifier = g_subprocess_get_identifier (server->process);

  return identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
}

char *
companies_test_server_get_log (CompaniesTestServer *server)
{
  char *copy;

  G_LOCK (server_log);
  copy = g_strndup (server->log->str, server->log->len);
  G_UNLOCK (server_log);
  return copy;
}

static void
wait_for_exit (CompaniesTestServer *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  if (server->log_reader != NULL)
    g_thread_join (g_steal_pointer (&server->log_reader));
}

void
companies_test_server_stop (CompaniesTestServer *server)
{
  g_subprocess_send_signal (server->process, SIGTERM);
  wait_for_exit (server);
  if (!g_subprocess_get_if_exited (server->process) ||
      g_subprocess_get_exit_status (server->process) != 0)
    {
      g_autofree char *log = companies_test_server_get_log (server);
      g_error ("companies-server did not exit cleanly on SIGTERM; its log:\n%s", log);
    }
}

void
companies_test_server_kill (CompaniesTestServer *server)
{
  g_subprocess_force_exit (server->process);
  wait_for_exit (server);
}

void
companies_test_server_free (CompaniesTestServer *server)
{
  if (server == NULL)
    return;

  if (server->process != NULL)
    {
      if (g_subprocess_get_identifier (server->process) != NULL)
        {
          g_subprocess_force_exit (server->process);
          g_subprocess_wait (server->process, NULL, NULL);
        }
      if (server->log_reader != NULL)
        g_thread_join (server->log_reader);
      g_object_unref (server->process);
    }
  g_string_free (server->log, TRUE);
  g_free (server->url);
  g_free (server);
}

char *
companies_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("companies-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
companies_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
              !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            companies_test_remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

void
companies_test_write_private (const char *path,
                              const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                           0600, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
}

GBytes *
companies_test_http (const char  *method,
                     const char  *url,
                     const char  *content_type,
                     const char  *token,
                     const char  *body,
                     gssize       length,
                     guint       *out_status,
                     GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  GBytes *response;

  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad URL %s", url);
      return NULL;
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = NULL;

      if (length < 0)
        length = strlen (body);
      bytes = g_bytes_new (body, length);
      soup_message_set_request_body_from_bytes (message, content_type, bytes);
    }
  else if (content_type != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "Content-Type", content_type);

  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", value);
    }

  response = soup_session_send_and_read (session, message, NULL, error);
  if (response != NULL && out_status != NULL)
    *out_status = soup_message_get_status (message);
  return response;
}

CompaniesSyncResponse *
companies_test_pull (const char  *server_url,
                     const char  *token,
                     const char  *cursor,
                     guint        limit,
                     guint       *out_status,
                     GError     **error)
{
  g_autoptr(CompaniesSyncRequest) request = companies_sync_request_new ();
  g_autofree char *url = g_strconcat (server_url, COMPANIES_SYNC_PATH, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  gsize length = 0;
  const char *data;

  request->protocol = COMPANIES_PROTOCOL_VERSION;
  request->client_id = g_uuid_string_random ();
  request->cursor = g_strdup (cursor);
  request->limit = limit;
  body = companies_sync_request_encode (request);
  data = g_bytes_get_data (body, &length);

  *out_status = 0;
  reply = companies_test_http ("POST", url, "application/json", token,
                               data, (gssize) length, out_status, error);
  if (reply == NULL)
    return NULL;
  if (*out_status != 200)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the server answered %u: %.*s",
                   *out_status, (int) g_bytes_get_size (reply),
                   (const char *) g_bytes_get_data (reply, NULL));
      return NULL;
    }

  data = g_bytes_get_data (reply, &length);
  return companies_sync_response_decode (data, length, error);
}
