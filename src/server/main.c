/* main.c: companies-server, the sync server of Companies
 *
 *   companies-server [--address ADDR] [--port PORT] [--database FILE|URI]
 *                    [--tokens FILE] [--tombstone-days N]
 *                    [--tls-certificate FILE --tls-key FILE]
 *                    [--max-body-bytes N] [--max-memory-bytes N]
 *                    [--max-connections N] [--max-client-connections N]
 *                    [--head-timeout SECONDS] [--idle-timeout SECONDS]
 *                    [--keepalive-timeout SECONDS] [--max-watchers N]
 *                    [--trusted-proxy ADDR]
 *                    [--version]
 *   companies-server add-token --tokens FILE [--label TEXT] [--read-only]
 *   companies-server list-tokens --tokens FILE
 *   companies-server migrate --from FILE.db --to postgresql://…
 *
 * Prints "Listening on http://ADDR:PORT" (https:// with TLS) on stdout
 * once it listens; logs go to stderr. Exit status: 0 after SIGINT/SIGTERM,
 * 1 when it cannot start (database, tokens, certificate, address in use,
 * non-loopback address without tokens, too few file descriptors), 2 for
 * bad options.
 *
 * --database: a SQLite file, or a libpq URI postgresql://… (or postgres://…)
 * of a PostgreSQL database that any number of servers may share
 * (docs/postgresql.md).
 *
 * --tombstone-days N: deleted records are remembered N days (default 90),
 * so that clients can learn of the delete; a client whose cursor is older
 * than a purged tombstone gets a reset. Tombstones are purged at start and
 * then at most hourly, before a request. 0 purges every tombstone at each
 * purge (meant for tests).
 *
 * --max-connections, --max-client-connections, --head-timeout,
 * --idle-timeout: see companies-server-limits.c; --max-memory-bytes:
 * companies-server-budget.c. add-token: companies-server-add-token.c.
 * migrate: companies-server-migrate.c.
 * --keepalive-timeout SECONDS: how long a plain HTTP connection stays
 * open for its next request (default 60; companies-server-keepalive.c).
 * --max-watchers N: requests of the change feed held at once (default
 * 4096), apart from --max-connections (companies-server-feed.c).
 * --trusted-proxy ADDR: connections from this address (a front proxy)
 * count for the client in their X-Forwarded-For (companies-server-limits.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-protocol.h"
#include "companies-server-add-token.h"
#include "companies-server-migrate.h"
#include "companies-server-budget.h"
#include "companies-server-http.h"
#include "companies-server-limits.h"
#include "companies-server-postgres-listen.h"
#include "companies-server-store-postgres.h"
#include "companies-server-store-sqlite.h"
#include "companies-server-tls.h"
#include "companies-server-list-tokens.h"
#include "companies-server-tokens.h"
#include "companies-server-worker.h"

#define EXIT_BAD_OPTIONS       2
#define DEFAULT_PORT           8080
#define DEFAULT_TOMBSTONE_DAYS 90
#define MAX_TOMBSTONE_DAYS     36500
#define MAX_HISTORY_ENTRIES    1000
#define MAX_TIMEOUT_SECONDS    86400
#define MAX_CONNECTIONS        100000
#define MIN_MEMORY_BYTES       (1024 * 1024)
/* Descriptors besides the connections: database, WAL, listener, pipes. */
#define SPARE_DESCRIPTORS      64
/* How long a signal waits for the request in flight before leaving anyway. */
#define SHUTDOWN_GRACE_SECONDS 30

typedef struct
{
  GMainLoop                     *loop;
  CompaniesServerHttp           *http;
  CompaniesServerPostgresListen *listen;  /* NULL: SQLite */
  gboolean                       stopping;
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

/* Thousands of watchers each hold a descriptor: the soft limit goes up
 * to the hard one. */
static void
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/* Each connection takes a file descriptor: make sure they can all be
 * open at once (libsoup stops accepting for good when accept () fails). */
static gboolean
ensure_descriptors (guint    max_connections,
                    GError **error)
{
  rlim_t needed = (rlim_t) max_connections + SPARE_DESCRIPTORS;
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return TRUE;

  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    {
      limit.rlim_cur = (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= needed)
                       ? needed : limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
      getrlimit (RLIMIT_NOFILE, &limit);
    }

  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES,
                   _("--max-connections %u needs %u open files, but this process may open "
                     "only %u (see “ulimit -n”)"),
                   max_connections, (guint) needed, (guint) limit.rlim_cur);
      return FALSE;
    }

  return TRUE;
}

/* The writer's store, the reader's and the health probe's on @database:
 * a PostgreSQL URI (postgresql:// or postgres://, see docs/postgresql.md;
 * the server starts while it does not answer, and serves once it does)
 * or a SQLite file (which always answers: no probe store). */
static gboolean
open_stores (const char            *database,
             CompaniesServerStore **out_store,
             CompaniesServerStore **out_reader,
             CompaniesServerProbe **out_probe,
             GError               **error)
{
  const CompaniesServerStorePostgresFlags wait = COMPANIES_SERVER_STORE_POSTGRES_WAIT;
  const CompaniesServerStorePostgresFlags reader = wait | COMPANIES_SERVER_STORE_POSTGRES_READER;
  gboolean postgres = companies_server_store_postgres_is_uri (database);
  CompaniesServerStore *probe_store = NULL;

  *out_reader = NULL;
  *out_probe = NULL;
  *out_store = postgres ? companies_server_store_postgres_open_full (database, wait, error)
                        : companies_server_store_sqlite_open (database, error);
  if (*out_store == NULL)
    return FALSE;

  *out_reader = postgres ? companies_server_store_postgres_open_full (database, reader, error)
                         : companies_server_store_sqlite_open_reader (database, error);
  if (postgres && *out_reader != NULL)
    {
      probe_store = companies_server_store_postgres_open_full (database, reader, error);
      if (probe_store == NULL)
        g_clear_pointer (out_reader, companies_server_store_close);
    }

  if (*out_reader == NULL)
    {
      g_clear_pointer (out_store, companies_server_store_close);
      return FALSE;
    }

  *out_probe = companies_server_probe_new (probe_store);
  return TRUE;
}

/* A commit through any server on the PostgreSQL database; after a lost
 * connection, every watcher syncs once. */
static void
commit_heard_cb (gint64   version,
                 gboolean resync,
                 gpointer user_data)
{
  CompaniesServerFeed *feed = user_data;

  companies_server_feed_committed (feed, version);
  if (resync)
    companies_server_feed_wake_all (feed);
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
  g_autoptr(GInetAddress) trusted_proxy = NULL;
  g_autofree char *trusted_proxy_text = NULL;
  g_autoptr(CompaniesServerTokens) tokens = NULL;
  g_autoptr(GTlsCertificate) tls_certificate = NULL;
  g_autofree char *tls_certificate_path = NULL;
  g_autofree char *tls_key_path = NULL;
  g_autofree char *address_text = NULL;
  g_autofree char *database_path = NULL;
  g_autofree char *tokens_path = NULL;
  g_autofree char *url = NULL;
  CompaniesServerStore *store;
  CompaniesServerStore *reader;
  CompaniesServerProbe *probe;
  CompaniesServerWorker *worker;
  ServerState state = { NULL, };
  gboolean show_version = FALSE;
  gint port = DEFAULT_PORT;
  gint tombstone_days = DEFAULT_TOMBSTONE_DAYS;
  gint history_days = COMPANIES_SERVER_HISTORY_DAYS;
  gint history_entries = COMPANIES_SERVER_HISTORY_ENTRIES;
  gint64 max_body_bytes = COMPANIES_DEFAULT_MAX_BODY;
  gint64 max_memory_bytes = COMPANIES_SERVER_DEFAULT_MAX_MEMORY;
  gint max_connections = COMPANIES_SERVER_DEFAULT_MAX_CONNECTIONS;
  gint max_client_connections = COMPANIES_SERVER_DEFAULT_MAX_CLIENT_CONNECTIONS;
  gint head_timeout = COMPANIES_SERVER_DEFAULT_HEAD_TIMEOUT;
  gint idle_timeout = COMPANIES_SERVER_DEFAULT_IDLE_TIMEOUT;
  gint max_watchers = COMPANIES_SERVER_DEFAULT_MAX_WATCHERS;
  gint keepalive_timeout = COMPANIES_SERVER_DEFAULT_KEEPALIVE_TIMEOUT;
  CompaniesServerHttpOptions http_options = { 0, };
  guint sigint_id, sigterm_id;

  const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address_text,
      N_("Listen on this IP address (default 127.0.0.1)"), N_("ADDR") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port,
      N_("Listen on this port (default 8080; 0 picks a free one)"), N_("PORT") },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database_path,
      N_("The SQLite database file (created if missing), or a PostgreSQL URI "
         "(postgresql://…)"), N_("FILE|URI") },
    { "tokens", 0, 0, G_OPTION_ARG_FILENAME, &tokens_path,
      N_("Accept only the bearer tokens in this file, one a line"), N_("FILE") },
    { "tombstone-days", 0, 0, G_OPTION_ARG_INT, &tombstone_days,
      N_("Days to remember deleted records (default 90)"), N_("N") },
    { "history-days", 0, 0, G_OPTION_ARG_INT, &history_days,
      N_("Days to keep each company's field history; 0 keeps it whatever its age "
         "(default 90)"), N_("N") },
    { "history-entries", 0, 0, G_OPTION_ARG_INT, &history_entries,
      N_("Entries of history kept for each field of a company (default 50)"), N_("N") },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &tls_certificate_path,
      N_("Serve HTTPS with this PEM certificate (chain); needs --tls-key"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key_path,
      N_("The PEM private key of --tls-certificate"), N_("FILE") },
    { "max-body-bytes", 0, 0, G_OPTION_ARG_INT64, &max_body_bytes,
      N_("Largest request body accepted (default 32 MiB)"), N_("N") },
    { "max-memory-bytes", 0, 0, G_OPTION_ARG_INT64, &max_memory_bytes,
      N_("Memory the request bodies in flight may take together, each 13 times its "
         "size; more are answered 503 (default 512 MiB)"), N_("N") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
      N_("Connections served at once; more are closed at once (default 256)"), N_("N") },
    { "max-client-connections", 0, 0, G_OPTION_ARG_INT, &max_client_connections,
      N_("Connections served at once from one client address (an IPv6 /64); more "
         "are closed at once (default 32)"), N_("N") },
    { "head-timeout", 0, 0, G_OPTION_ARG_INT, &head_timeout,
      N_("Close a connection whose request head has not arrived this long after it "
         "connected (default 10)"), N_("SECONDS") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      N_("Close a connection that sends none of its request body, or takes none of "
         "its answer, this long (default 30)"), N_("SECONDS") },
    { "keepalive-timeout", 0, 0, G_OPTION_ARG_INT, &keepalive_timeout,
      N_("Close a connection that sends no next request this long after an answer "
         "(default 60)"), N_("SECONDS") },
    { "max-watchers", 0, 0, G_OPTION_ARG_INT, &max_watchers,
      N_("Requests of the change feed held at once, apart from --max-connections; more "
         "are answered 503 (default 4096)"), N_("N") },
    { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING, &trusted_proxy_text,
      N_("Count the connections of this front proxy for the client named last in "
         "their X-Forwarded-For"), N_("ADDR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &show_version,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  companies_server_sqlite_configure ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("companies-server");

  if (argc > 1 && strcmp (argv[1], "add-token") == 0)
    return companies_server_add_token_main (argc - 1, argv + 1);
  if (argc > 1 && strcmp (argv[1], "list-tokens") == 0)
    return companies_server_list_tokens_main (argc - 1, argv + 1);
  if (argc > 1 && strcmp (argv[1], "migrate") == 0)
    return companies_server_migrate_main (argc - 1, argv + 1);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("The sync server of Companies."));
  g_option_context_set_description (context,
                                    _("Commands:\n"
                                      "  add-token --tokens FILE [--label TEXT] [--read-only]\n"
                                      "      Make a new access token: it is printed once, and only "
                                      "its SHA-256\n"
                                      "      hash is appended to FILE (made private if missing). "
                                      "Restart the\n"
                                      "      server to accept it. The label names it in history; "
                                      "a read-only\n"
                                      "      token may pull but never push.\n"
                                      "  list-tokens --tokens FILE\n"
                                      "      List the tokens by their labels.\n"
                                      "  migrate --from FILE.db --to postgresql://…\n"
                                      "      Move the records of a stopped server’s SQLite "
                                      "database, with\n"
                                      "      their ids, versions and the database identity, "
                                      "into an empty\n"
                                      "      PostgreSQL database: clients go on without a "
                                      "reset.\n"
                                      "\n"
                                      "Run “companies-server COMMAND --help” for the options "
                                      "of a command.\n"
                                      "\n"
                                      "A tokens file holds one token a line: “sha256:<hex>” "
                                      "lines (what\n"
                                      "add-token writes) or tokens in clear; it must not be "
                                      "readable by others.\n"));
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
  if (history_days < 0 || history_days > MAX_TOMBSTONE_DAYS)
    return bad_options (context, _("The history days must be between 0 and 36500"));
  if (history_entries < 1 || history_entries > MAX_HISTORY_ENTRIES)
    return bad_options (context, _("The history entries must be between 1 and 1000"));
  if (max_body_bytes < 1 || (guint64) max_body_bytes > G_MAXSIZE)
    return bad_options (context, _("The largest body must be at least one byte"));

  if (max_memory_bytes < MIN_MEMORY_BYTES)
    return bad_options (context, _("The memory for request bodies must be at least 1 MiB"));

  if (max_connections < 1 || max_connections > MAX_CONNECTIONS ||
      max_client_connections < 1 || max_client_connections > MAX_CONNECTIONS)
    return bad_options (context, _("The connections must be between 1 and 100000"));
  if (max_watchers < 1 || max_watchers > MAX_CONNECTIONS)
    return bad_options (context, _("The watchers must be between 1 and 100000"));
  if (idle_timeout < 1 || idle_timeout > MAX_TIMEOUT_SECONDS ||
      head_timeout < 1 || head_timeout > MAX_TIMEOUT_SECONDS ||
      keepalive_timeout < 1 || keepalive_timeout > MAX_TIMEOUT_SECONDS)
    return bad_options (context, _("The timeouts must be between 1 and 86400 seconds"));
  if ((tls_certificate_path == NULL) != (tls_key_path == NULL))
    return bad_options (context, _("--tls-certificate and --tls-key go together"));

  address = parse_address (address_text != NULL ? address_text : "127.0.0.1");
  if (address == NULL)
    return bad_options (context, _("The address must be an IP address such as 127.0.0.1 or ::1"));
  if (trusted_proxy_text != NULL)
    {
      trusted_proxy = parse_address (trusted_proxy_text);
      if (trusted_proxy == NULL)
        return bad_options (context, _("The trusted proxy must be an IP address such as 127.0.0.1"));
    }

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

  if (tls_certificate_path != NULL)
    {
      tls_certificate = companies_server_tls_load (tls_certificate_path, tls_key_path, &error);
      if (tls_certificate == NULL)
        {
          g_printerr ("%s: %s\n", g_get_prgname (), error->message);
          return EXIT_FAILURE;
        }
    }
  else if (tokens != NULL && !g_inet_address_get_is_loopback (address))
    {
      g_printerr (_("Warning: without --tls-certificate the access tokens travel in clear "
                    "over the network; anyone on the way can read and reuse them\n"));
    }

  raise_descriptor_limit ();
  if (!ensure_descriptors (max_connections, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_FAILURE;
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

  if (!open_stores (database_path, &store, &reader, &probe, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_FAILURE;
    }

  companies_server_store_set_history_bounds (store, history_days, history_entries);
  if (reader != NULL)
    companies_server_store_set_history_bounds (reader, history_days, history_entries);
  worker = companies_server_worker_new (store, reader, tombstone_days);
  state.loop = g_main_loop_new (NULL, FALSE);
  http_options.max_body_bytes = max_body_bytes;
  http_options.max_memory_bytes = max_memory_bytes;
  http_options.limits.max_connections = max_connections;
  http_options.limits.max_client_connections = max_client_connections;
  http_options.limits.head_timeout = head_timeout;
  http_options.limits.idle_timeout = idle_timeout;
  http_options.limits.trusted_proxy = trusted_proxy;
  http_options.max_watchers = max_watchers;
  http_options.keepalive_timeout = keepalive_timeout;
  http_options.tls_certificate = tls_certificate;
  http_options.probe = probe;
  state.http = companies_server_http_new (worker, g_steal_pointer (&tokens), &http_options);

  url = companies_server_http_listen (state.http, address, port, &error);
  if (url == NULL)
    {
      g_printerr (_("%s: cannot listen on port %d: %s\n"), g_get_prgname (), port, error->message);
      companies_server_http_free (state.http);
      companies_server_worker_free (worker);
      g_main_loop_unref (state.loop);
      return EXIT_FAILURE;
    }

  if (companies_server_store_postgres_is_uri (database_path))
    state.listen = companies_server_postgres_listen_new (database_path, commit_heard_cb,
                                                         companies_server_http_get_feed (state.http));

  /* Before the line below: whoever reads it may signal us at once. */
  sigint_id = g_unix_signal_add (SIGINT, signal_received_cb, &state);
  sigterm_id = g_unix_signal_add (SIGTERM, signal_received_cb, &state);

  if (companies_server_store_postgres_is_uri (database_path))
    {
      g_autofree char *description = companies_server_store_postgres_describe (database_path);

      g_printerr (_("Database: PostgreSQL %s\n"), description);
    }
  else
    g_printerr (_("Database: %s\n"), database_path);
  /* Tests and scripts wait for exactly this line. */
  g_print ("Listening on %s\n", url);
  fflush (stdout);

  g_main_loop_run (state.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  /* Closes the connections, then the database (after the queued work). */
  g_clear_pointer (&state.listen, companies_server_postgres_listen_free);
  companies_server_http_free (state.http);
  companies_server_worker_free (worker);
  g_main_loop_unref (state.loop);

  g_printerr (_("Stopped\n"));

  return EXIT_SUCCESS;
}
