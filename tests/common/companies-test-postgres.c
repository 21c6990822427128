/* companies-test-postgres.c: a private PostgreSQL cluster for the tests
 *
 * initdb (no fsync, trust on the socket only) and pg_ctl in a temporary
 * folder, listening on nothing but a Unix socket in that folder. As root
 * (CI), PostgreSQL refuses to run: its tools then run as the unprivileged
 * `postgres` user, which owns the folder. The first initdb of a build is
 * kept in the build folder as a template that later clusters copy (a
 * copy takes a fraction of an initdb).
 *
 * A cluster is stopped on teardown even when the test fails: a watchdog
 * (its own session, so that a timeout killing the test's process group
 * spares it) waits for the test process to close a pipe, which happens
 * however the process ends, then stops the cluster and removes the folder
 * (again, until it stays gone).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "companies-test-postgres.h"
#include "companies-test-server.h"

#define PG_FALLBACK_BINDIR "/usr/lib/postgresql/15/bin"
#define PG_USER            "postgres"

struct _CompaniesTestPostgres
{
  char     *dir;          /* NULL for a cluster someone else runs */
  char     *data;
  char     *socket_dir;
  int       watchdog_fd;  /* closing it stops the cluster */
  gboolean  durable;      /* fsync on, as in production (the benchmark's) */
};

gboolean
companies_test_postgres_wanted (void)
{
  return g_strcmp0 (g_getenv ("COMPANIES_TEST_BACKEND"), "postgresql") == 0;
}

static const char *
get_bindir (void)
{
  static char *bindir = NULL;

  if (bindir == NULL)
    {
      g_autofree char *out = NULL;
      int status = 0;

      if (g_spawn_command_line_sync ("pg_config --bindir", &out, NULL, &status, NULL) &&
          g_spawn_check_wait_status (status, NULL) && out != NULL &&
          g_file_test (g_strstrip (out), G_FILE_TEST_IS_DIR))
        bindir = g_steal_pointer (&out);
      else
        bindir = g_strdup (PG_FALLBACK_BINDIR);
    }

  return bindir;
}

/* argv for @tool of PostgreSQL, run as the postgres user when root. */
static GPtrArray *
tool_argv (const char *tool)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (geteuid () == 0)
    {
      g_ptr_array_add (argv, g_strdup ("setpriv"));
      g_ptr_array_add (argv, g_strdup ("--reuid=" PG_USER));
      g_ptr_array_add (argv, g_strdup ("--regid=" PG_USER));
      g_ptr_array_add (argv, g_strdup ("--clear-groups"));
    }
  g_ptr_array_add (argv, g_build_filename (get_bindir (), tool, NULL));

  return argv;
}

static gboolean
run_argv (GPtrArray  *argv,
          GError    **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, &out, &err, &status, error))
    return FALSE;

  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s failed: %s%s",
                   (char *) argv->pdata[0], out, err);
      return FALSE;
    }

  return TRUE;
}

static gboolean
pg_ctl (CompaniesTestPostgres  *self,
        const char             *action,
        const char             *mode,
        GError                **error)
{
  g_autoptr(GPtrArray) argv = tool_argv ("pg_ctl");

  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (self->data));
  g_ptr_array_add (argv, g_strdup ("-l"));
  g_ptr_array_add (argv, g_build_filename (self->dir, "log", NULL));
  g_ptr_array_add (argv, g_strdup ("-w"));
  g_ptr_array_add (argv, g_strdup ("-t"));
  g_ptr_array_add (argv, g_strdup ("60"));
  if (mode != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-m"));
      g_ptr_array_add (argv, g_strdup (mode));
    }
  g_ptr_array_add (argv, g_strdup (action));

  return run_argv (argv, error);
}

static gboolean
copy_tree (const char  *from,
           const char  *to,
           GError     **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup ("cp"));
  g_ptr_array_add (argv, g_strdup ("-a"));
  g_ptr_array_add (argv, g_strdup (from));
  g_ptr_array_add (argv, g_strdup (to));
  return run_argv (argv, error);
}

/* The cluster's files: a copy of the build's template, or a fresh
 * initdb that becomes the template. */
static gboolean
make_data (CompaniesTestPostgres  *self,
           GError                **error)
{
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *template = builddir != NULL ? g_build_filename (builddir, "postgres-template", NULL)
                                               : NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *partial = NULL;

  if (template != NULL && g_file_test (template, G_FILE_TEST_IS_DIR))
    return copy_tree (template, self->data, error);

  argv = tool_argv ("initdb");
  g_ptr_array_add (argv, g_strdup ("-N"));
  g_ptr_array_add (argv, g_strdup ("--auth=trust"));
  g_ptr_array_add (argv, g_strdup ("-U"));
  g_ptr_array_add (argv, g_strdup (PG_USER));
  g_ptr_array_add (argv, g_strdup ("-E"));
  g_ptr_array_add (argv, g_strdup ("UTF8"));
  g_ptr_array_add (argv, g_strdup ("--locale=C"));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (self->data));
  if (!run_argv (argv, error))
    return FALSE;

  /* Tests running at once may all make one: the first rename wins. */
  if (template != NULL)
    {
      partial = g_strdup_printf ("%s.%d", template, (int) getpid ());
      if (copy_tree (self->data, partial, NULL) && g_rename (partial, template) != 0)
        companies_test_remove_tree (partial);
    }

  return TRUE;
}

static gboolean
write_conf (CompaniesTestPostgres  *self,
            GError                **error)
{
  g_autofree char *path = g_build_filename (self->data, "postgresql.conf", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *more = NULL;

  if (!g_file_get_contents (path, &conf, NULL, error))
    return FALSE;

  /* Nothing listens on TCP. The tests' clusters: speed over durability.
   * A durable one keeps PostgreSQL's defaults (fsync, full page writes,
   * synchronous_commit on, shared_buffers 128MB): a benchmark's
   * acknowledged writes are on disk, as with SQLite's synchronous=FULL. */
  more = g_strdup_printf ("%s\n"
                          "listen_addresses = ''\n"
                          "unix_socket_directories = '%s'\n"
                          "%s"
                          "max_connections = 200\n",
                          conf, self->socket_dir,
                          self->durable ? "" : "fsync = off\n"
                                               "full_page_writes = off\n"
                                               "shared_buffers = 16MB\n");
  return g_file_set_contents (path, more, -1, error);
}

/* See the top of the file. */
static gboolean
start_watchdog (CompaniesTestPostgres  *self,
                GError                **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) watchdog = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) stop = tool_argv ("pg_ctl");
  int fds[2];

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;

  g_ptr_array_add (argv, g_strdup ("setsid"));
  g_ptr_array_add (argv, g_strdup ("sh"));
  g_ptr_array_add (argv, g_strdup ("-c"));
  /* Again until the folder stays gone: a cp, initdb or pg_ctl of the
   * test may outlive it for a moment. */
  g_ptr_array_add (argv, g_strdup ("cat > /dev/null; d=$0; "
                                   "for i in 1 2 3 4 5 6 7 8 9 10; do "
                                   "\"$@\"; rm -rf -- \"$d\"; sleep 1; "
                                   "[ -e \"$d\" ] || break; done"));
  g_ptr_array_add (argv, g_strdup (self->dir));
  for (guint i = 0; i < stop->len; i++)
    g_ptr_array_add (argv, g_strdup (stop->pdata[i]));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (self->data));
  g_ptr_array_add (argv, g_strdup ("-m"));
  g_ptr_array_add (argv, g_strdup ("immediate"));
  g_ptr_array_add (argv, g_strdup ("stop"));
  g_ptr_array_add (argv, NULL);

  /* Silent: an inherited stdout would keep meson waiting for it. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_stdin_fd (launcher, fds[0]);
  watchdog = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  if (watchdog == NULL)
    {
      close (fds[1]);
      return FALSE;
    }

  self->watchdog_fd = fds[1];
  return TRUE;
}

static CompaniesTestPostgres *
new_cluster (gboolean   durable,
             GError   **error)
{
  g_autoptr(CompaniesTestPostgres) self = g_new0 (CompaniesTestPostgres, 1);

  self->watchdog_fd = -1;
  self->durable = durable;
  self->dir = companies_test_make_tmpdir ();
  self->data = g_build_filename (self->dir, "data", NULL);
  self->socket_dir = g_strdup (self->dir);

  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam (PG_USER);

      if (pw == NULL || chown (self->dir, pw->pw_uid, pw->pw_gid) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       "PostgreSQL refuses root, and the user “%s” is missing: "
                       "install the postgresql package", PG_USER);
          return NULL;
        }
    }

  if (!start_watchdog (self, error) ||
      !make_data (self, error) ||
      !write_conf (self, error) ||
      !pg_ctl (self, "start", NULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

CompaniesTestPostgres *
companies_test_postgres_new (GError **error)
{
  return new_cluster (FALSE, error);
}

CompaniesTestPostgres *
companies_test_postgres_new_durable (GError **error)
{
  return new_cluster (TRUE, error);
}

GPid
companies_test_postgres_get_pid (CompaniesTestPostgres *self)
{
  g_autofree char *path = g_build_filename (self->socket_dir, ".s.PGSQL.5432.lock", NULL);
  g_autofree char *contents = NULL;

  /* The socket's lock file starts with the postmaster's process id. */
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;

  return (GPid) g_ascii_strtoll (contents, NULL, 10);
}

void
companies_test_postgres_free (CompaniesTestPostgres *self)
{
  if (self == NULL)
    return;

  if (self->dir != NULL)
    {
      if (g_file_test (self->data, G_FILE_TEST_IS_DIR))
        pg_ctl (self, "stop", "fast", NULL);
      companies_test_remove_tree (self->dir);
    }
  if (self->watchdog_fd >= 0)
    close (self->watchdog_fd);

  g_free (self->dir);
  g_free (self->data);
  g_free (self->socket_dir);
  g_free (self);
}

static CompaniesTestPostgres *process_cluster = NULL;

static void
stop_process_cluster (void)
{
  g_clear_pointer (&process_cluster, companies_test_postgres_free);
}

CompaniesTestPostgres *
companies_test_postgres_get (void)
{
  const char *socket_dir = g_getenv ("COMPANIES_TEST_PG_SOCKET_DIR");
  g_autoptr(GError) error = NULL;

  if (process_cluster != NULL)
    return process_cluster;

  if (socket_dir != NULL && *socket_dir != '\0')
    {
      process_cluster = g_new0 (CompaniesTestPostgres, 1);
      process_cluster->watchdog_fd = -1;
      process_cluster->socket_dir = g_strdup (socket_dir);
      return process_cluster;
    }

  process_cluster = companies_test_postgres_new (&error);
  if (process_cluster == NULL)
    g_error ("Cannot start a private PostgreSQL cluster: %s", error->message);
  atexit (stop_process_cluster);

  return process_cluster;
}

void
companies_test_postgres_stop (CompaniesTestPostgres *self,
                              const char            *mode)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (self->dir);
  pg_ctl (self, "stop", mode, &error);
  g_assert_no_error (error);
}

void
companies_test_postgres_start (CompaniesTestPostgres *self)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (self->dir);
  pg_ctl (self, "start", NULL, &error);
  g_assert_no_error (error);
}

char *
companies_test_postgres_uri (CompaniesTestPostgres *self,
                             const char            *name)
{
  g_autofree char *host = g_uri_escape_string (self->socket_dir, NULL, FALSE);

  return g_strdup_printf ("postgresql:///%s?host=%s&user=" PG_USER, name, host);
}

static gboolean
exec_admin (PGconn      *conn,
            const char  *sql,
            GError     **error)
{
  PGresult *result = PQexec (conn, sql);
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  return ok;
}

/* "database … does not exist, skipping" is no news. */
static void
ignore_notice (void       *arg,
               const char *message)
{
}

char *
companies_test_postgres_create (CompaniesTestPostgres  *self,
                                const char             *name,
                                GError                **error)
{
  g_autofree char *admin_uri = companies_test_postgres_uri (self, "postgres");
  g_autofree char *drop = NULL;
  g_autofree char *create = NULL;
  PGconn *conn = PQconnectdb (admin_uri);
  char *identifier;
  gboolean ok;

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot reach the test cluster: %s",
                   PQerrorMessage (conn));
      PQfinish (conn);
      return NULL;
    }

  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  identifier = PQescapeIdentifier (conn, name, strlen (name));
  drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", identifier);
  create = g_strdup_printf ("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' "
                            "LC_COLLATE 'C' LC_CTYPE 'C'", identifier);
  PQfreemem (identifier);

  ok = exec_admin (conn, drop, error) && exec_admin (conn, create, error);
  PQfinish (conn);

  return ok ? companies_test_postgres_uri (self, name) : NULL;
}

char *
companies_test_postgres_database_for (const char  *database_path,
                                      GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;
  char *uri;

  /* A test that made its own database. */
  if (g_str_has_prefix (database_path, "postgresql://") ||
      g_str_has_prefix (database_path, "postgres://"))
    return g_strdup (database_path);

  if (g_file_get_contents (database_path, &contents, NULL, NULL))
    {
      if (g_str_has_prefix (contents, "postgresql://"))
        return g_strdup (g_strstrip (contents));
      return g_strdup (database_path);
    }

  /* One database a path; the path is unique in its temporary folder. */
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, database_path, -1);
  name = g_strdup_printf ("t_%.24s", digest);
  uri = companies_test_postgres_create (companies_test_postgres_get (), name, error);
  if (uri != NULL && !g_file_set_contents (database_path, uri, -1, error))
    g_clear_pointer (&uri, g_free);

  return uri;
}

void
companies_test_postgres_exec (const char *uri,
                              const char *sql)
{
  PGconn *conn = PQconnectdb (uri);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

gint64
companies_test_postgres_query_int (const char *uri,
                                   const char *sql)
{
  PGconn *conn = PQconnectdb (uri);
  PGresult *result;
  gint64 value;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (result), ==, 1);
  value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (conn);

  return value;
}
