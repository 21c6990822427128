/* main.c: companies-server, the sync server of Companies
 *
 *   companies-server [--address ADDR] [--port PORT] [--database FILE]
 *                    [--tokens FILE] [--tombstone-days N]
 *                    [--max-body-bytes N] [--version]
 *
 * Prints "Listening on http://ADDR:PORT" on stdout once it listens; logs go
 * to stderr. Exit status: 0 after SIGINT/SIGTERM, 1 when it cannot start
 * (database, tokens, address in use, non-loopback address without tokens),
 * 2 for bad options.
 *
 * --tombstone-days N: deleted records are remembered N days (default 90),
 * so that clients can learn of the delete; a client whose cursor is older
 * than a purged tombstone gets a reset. Tombstones are purged at start and
 * then at most hourly, before a request. 0 purges every tombstone at each
 * purge (meant for tests).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-protocol.h"
#include "companies-server-http.h"
#include "companies-server-store-sqlite.h"
#include "companies-server-tokens.h"
#include "companies-server-worker.h"

#define EXIT_BAD_OPTIONS       2
#define DEFAULT_PORT           8080
#define DEFAULT_TOMBSTONE_DAYS 90
#define MAX_TOMBSTONE_DAYS     36500
/* How long a signal waits for the request in flight before leaving anyway. */
#define SHUTDOWN_GRACE_SECONDS 30

typedef struct
{
  GMainLoop           *loop;
  CompaniesServerHttp *http;
  gboolean             stopping;
} ServerState;

static gboolean
quit_cb (gpointer user_data)
{
  ServerState *state = user_data;

  g_main_loop_quit (state->loop);

  return G_SOURCE_REMOVE;
}

static gboolean
signal_received_cb (gpointer user_data)
{
  ServerState *state = user_data;

  if (!state->stopping)
    {
      state->stopping = TRUE;
      g_printerr (_("Stopping once the request in flight, if any, is answered\n"));
      companies_server_http_when_idle (state->http, quit_cb, state);
      g_timeout_add_seconds (SHUTDOWN_GRACE_SECONDS, quit_cb, state);
    }

  return G_SOURCE_CONTINUE;
}

static char *
default_database_path (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "companies-server", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  return g_build_filename (dir, "companies-server.db", NULL);
}

/* An IP address, or "localhost" (127.0.0.1). */
static GInetAddress *
parse_address (const char *text)
{
  if (g_ascii_strcasecmp (text, "localhost") == 0)
    return g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  return g_inet_address_new_from_string (text);
}

static int
bad_options (GOptionContext *context,
             const char     *message)
{
  g_printerr ("%s: %s\n", g_get_prgname (), message);
  g_printerr (_("Run “%s --help” to see the options.\n"), g_get_prgname ());
  return EXIT_BAD_OPTIONS;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(CompaniesServerTokens) tokens = NULL;
  g_autofree char *address_text = NULL;
  g_autofree char *database_path = NULL;
  g_autofree char *tokens_path = NULL;
  g_autofree char *url = NULL;
  CompaniesServerStore *store;
  CompaniesServerWorker *worker;
  ServerState state = { NULL, };
  gboolean show_version = FALSE;
  gint port = DEFAULT_PORT;
  gint tombstone_days = DEFAULT_TOMBSTONE_DAYS;
  gint64 max_body_bytes = COMPANIES_DEFAULT_MAX_BODY;
  guint sigint_id, sigterm_id;

  const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address_text,
      N_("Listen on this IP address (default 127.0.0.1)"), N_("ADDR") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port,
      N_("Listen on this port (default 8080; 0 picks a free one)"), N_("PORT") },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database_path,
      N_("The SQLite database file (created if missing)"), N_("FILE") },
    { "tokens", 0, 0, G_OPTION_ARG_FILENAME, &tokens_path,
      N_("Accept only the bearer tokens in this file, one a line"), N_("FILE") },
    { "tombstone-days", 0, 0, G_OPTION_ARG_INT, &tombstone_days,
      N_("Days to remember deleted records (default 90)"), N_("N") },
    { "max-body-bytes", 0, 0, G_OPTION_ARG_INT64, &max_body_bytes,
      N_("Largest request body accepted (default 32 MiB)"), N_("N") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &show_version,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("companies-server");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("The sync server of Companies."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bad_options (context, error->message);

  if (show_version)
    {
      g_print ("companies-server %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (argc > 1)
    return bad_options (context, _("Unexpected arguments"));
  if (port < 0 || port > G_MAXUINT16)
    return bad_options (context, _("The port must be between 0 and 65535"));
  if (tombstone_days < 0 || tombstone_days > MAX_TOMBSTONE_DAYS)
    return bad_options (context, _("The tombstone days must be between 0 and 36500"));
  if (max_body_bytes < 1 || (guint64) max_body_bytes > G_MAXSIZE)
    return bad_options (context, _("The largest body must be at least one byte"));

  address = parse_address (address_text != NULL ? address_text : "127.0.0.1");
  if (address == NULL)
    return bad_options (context, _("The address must be an IP address such as 127.0.0.1 or ::1"));

  /* Authentication, or loopback alone. */
  if (tokens_path != NULL)
    {
      tokens = companies_server_tokens_load (tokens_path, &error);
      if (tokens == NULL)
        {
          g_printerr ("%s: %s\n", g_get_prgname (), error->message);
          return EXIT_FAILURE;
        }
    }
  else if (!g_inet_address_get_is_loopback (address))
    {
      g_autofree char *text = g_inet_address_to_string (address);

      g_printerr (_("%s: refusing to listen on %s without --tokens: anyone who can reach "
                    "it could read and change the data. Give --tokens FILE, or listen "
                    "on 127.0.0.1.\n"),
                  g_get_prgname (), text);
      return EXIT_FAILURE;
    }
  else
    {
      g_printerr (_("Authentication is off (no --tokens): accepting requests from this "
                    "machine only\n"));
    }

  if (database_path == NULL)
    {
      database_path = default_database_path (&error);
      if (database_path == NULL)
        {
          g_printerr ("%s: %s\n", g_get_prgname (), error->message);
          return EXIT_FAILURE;
        }
    }

  store = companies_server_store_sqlite_open (database_path, &error);
  if (store == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_FAILURE;
    }

  worker = companies_server_worker_new (store, tombstone_days);
  state.loop = g_main_loop_new (NULL, FALSE);
  state.http = companies_server_http_new (worker, g_steal_pointer (&tokens), max_body_bytes);

  url = companies_server_http_listen (state.http, address, port, &error);
  if (url == NULL)
    {
      g_printerr (_("%s: cannot listen on port %d: %s\n"), g_get_prgname (), port, error->message);
      companies_server_http_free (state.http);
      companies_server_worker_free (worker);
      g_main_loop_unref (state.loop);
      return EXIT_FAILURE;
    }

  g_printerr (_("Database: %s\n"), database_path);
  /* Tests and scripts wait for exactly this line. */
  g_print ("Listening on %s\n", url);
  fflush (stdout);

  sigint_id = g_unix_signal_add (SIGINT, signal_received_cb, &state);
  sigterm_id = g_unix_signal_add (SIGTERM, signal_received_cb, &state);

  g_main_loop_run (state.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  /* Closes the connections, then the database (after the queued work). */
  companies_server_http_free (state.http);
  companies_server_worker_free (worker);
  g_main_loop_unref (state.loop);

  g_printerr (_("Stopped\n"));

  return EXIT_SUCCESS;
}
