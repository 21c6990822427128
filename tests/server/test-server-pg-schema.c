/* test-server-pg-schema.c: companies-server prepares its PostgreSQL
 * database as it does a SQLite file (docs/postgresql.md, "Schema"): it
 * refuses a database that is not ours, one made by a newer server and one
 * that is not UTF8, leaving them untouched; servers started at once on an
 * empty database make one schema and one identity; a database it cannot
 * reach is waited for, and said in the log without the password; one
 * that answers and refuses is a clear error. Schema 4 has no index on
 * history.seq, and a database of schema 3 loses its own when a server
 * upgrades it, with its history kept. Schema 5 keeps a new record's
 * creation entries in its row (docs/postgresql.md, "Round 9"); a
 * database of schema 4 gets the columns, NULL for its records, whose
 * history stays as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "companies-test-postgres.h"
#include "server-test-util.h"

#define N_TOGETHER 3

static char *
fresh_database (const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *random = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("%s_%.8s", prefix, random);
  char *uri = companies_test_postgres_create (companies_test_postgres_get (), name, &error);

  g_assert_no_error (error);
  return uri;
}

/* Runs the server on @uri to its exit: asserts status 1, returns stderr. */
static char *
run_refused (const char *uri)
{
  const char *args[] = { "--port", "0", "--database", uri, NULL };
  char *err = NULL;

  g_assert_cmpint (test_run_server_to_exit (args, NULL, &err), ==, 1);
  return err;
}

static void
test_not_ours (void)
{
  g_autofree char *uri = fresh_database ("theirs");
  g_autofree char *err = NULL;

  companies_test_postgres_exec (uri, "CREATE TABLE invoices (id integer)");
  err = run_refused (uri);
  g_assert_nonnull (strstr (err, "it is not a companies-server database"));

  /* Untouched: none of our tables. */
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), ==, 1);
}

static void
test_too_new (void)
{
  g_autofree char *uri = fresh_database ("newer");
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  companies_test_server_stop (server);

  companies_test_postgres_exec (uri, "UPDATE companies_server_schema SET version = 99");
  err = run_refused (uri);
  g_assert_nonnull (strstr (err, "made by a newer companies-server (schema 99, this one knows 5)"));
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT version FROM companies_server_schema"), ==, 99);
}

/* Indexes of history on its seq column. */
static gint64
seq_indexes (const char *uri)
{
  return companies_test_postgres_query_int (uri,
           "SELECT count(*) FROM pg_index i JOIN pg_attribute a "
           "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
           "WHERE i.indrelid = 'history'::regclass AND a.attname = 'seq'");
}

/* A server prepares (or upgrades) @uri's schema, and stops. */
static void
start_and_stop (const char *uri)
{
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(GError) error = NULL;

  server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  companies_test_server_stop (server);
}

/* Takes a database made by this server back to schema 4's company. */
static void
drop_lazy_columns (const char *uri)
{
  companies_test_postgres_exec (uri, "ALTER TABLE company DROP COLUMN created_at, "
                                     "DROP COLUMN created_by, DROP COLUMN created_client");
}

static gint64
lazy_columns (const char *uri)
{
  return companies_test_postgres_query_int (uri,
           "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema () "
           "AND table_name = 'company' AND column_name IN ('created_at', 'created_by', "
           "'created_client')");
}

static void
test_history_without_key (void)
{
  g_autofree char *uri = fresh_database ("upgrade");

  start_and_stop (uri);
  g_assert_cmpint (seq_indexes (uri), ==, 0);

  /* A database of schema 3, with its key and an entry. */
  drop_lazy_columns (uri);
  companies_test_postgres_exec (uri, "ALTER TABLE history ADD CONSTRAINT history_pkey "
                                     "PRIMARY KEY (seq)");
  companies_test_postgres_exec (uri, "INSERT INTO history (company_id, field, value, version, at) "
                                     "VALUES (1, 'name', 'Acme', 1, "
                                     "extract (epoch FROM now ())::bigint)");
  companies_test_postgres_exec (uri, "UPDATE companies_server_schema SET version = 3");
  g_assert_cmpint (seq_indexes (uri), ==, 1);

  start_and_stop (uri);
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT version FROM companies_server_schema"), ==, 5);
  g_assert_cmpint (seq_indexes (uri), ==, 0);
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT count(*) FROM history WHERE value = 'Acme'"), ==, 1);
}

/* A database of schema 4, with a record and its stored history: the
 * upgrade adds the columns, NULL for it (its history is stored, not
 * lazy), and keeps its history rows. */
static void
test_lazy_columns (void)
{
  g_autofree char *uri = fresh_database ("lazy");

  start_and_stop (uri);
  g_assert_cmpint (lazy_columns (uri), ==, 3);

  drop_lazy_columns (uri);
  companies_test_postgres_exec (uri, "INSERT INTO company (id, uuid, version, name, name_v, "
                                     "city, city_v) VALUES (1, 'a-uuid', 2, 'Acme', 1, "
                                     "'Porto', 2)");
  companies_test_postgres_exec (uri, "INSERT INTO history (company_id, field, value, version, at, "
                                     "author) VALUES (1, 'name', 'Acme', 1, "
                                     "extract (epoch FROM now ())::bigint, 'Ana'), "
                                     "(1, 'city', 'Porto', 2, "
                                     "extract (epoch FROM now ())::bigint, 'Bob')");
  companies_test_postgres_exec (uri, "UPDATE server_state SET last_version = 2, last_id = 1");
  companies_test_postgres_exec (uri, "UPDATE companies_server_schema SET version = 4");
  g_assert_cmpint (lazy_columns (uri), ==, 0);

  start_and_stop (uri);
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT version FROM companies_server_schema"), ==, 5);
  g_assert_cmpint (lazy_columns (uri), ==, 3);
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT count(*) FROM company WHERE created_at IS NULL "
                     "AND created_by IS NULL AND created_client IS NULL"), ==, 1);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM history"), ==, 2);
}

static void
test_not_utf8 (void)
{
  CompaniesTestPostgres *pg = companies_test_postgres_get ();
  g_autofree char *admin = companies_test_postgres_uri (pg, "postgres");
  g_autofree char *uri = companies_test_postgres_uri (pg, "ascii_only");
  g_autofree char *err = NULL;

  companies_test_postgres_exec (admin, "DROP DATABASE IF EXISTS ascii_only");
  companies_test_postgres_exec (admin, "CREATE DATABASE ascii_only TEMPLATE template0 "
                                       "ENCODING 'SQL_ASCII'");
  err = run_refused (uri);
  g_assert_nonnull (strstr (err, "its encoding is SQL_ASCII; companies-server needs UTF8"));
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), ==, 0);
}

typedef struct
{
  const char          *uri;
  CompaniesTestServer *server;
  GMutex              *lock;
  GCond               *cond;
  guint               *n_started;
  gboolean            *done;
} Starting;

/* Starts a server, then lives as long as it: a server dies with the
 * thread that started it (companies_test_die_with_parent ()). */
static gpointer
start_thread (gpointer data)
{
  Starting *starting = data;
  g_autoptr(GError) error = NULL;

  starting->server = companies_test_server_start (starting->uri, NULL, &error);
  g_assert_no_error (error);

  g_mutex_lock (starting->lock);
  (*starting->n_started)++;
  g_cond_broadcast (starting->cond);
  while (!*starting->done)
    g_cond_wait (starting->cond, starting->lock);
  g_mutex_unlock (starting->lock);

  companies_test_server_stop (starting->server);
  companies_test_server_free (starting->server);
  return NULL;
}

static void
test_start_together (void)
{
  g_autofree char *uri = fresh_database ("together");
  g_autofree char *first_cursor = NULL;
  Starting starting[N_TOGETHER];
  GThread *threads[N_TOGETHER];
  guint n_started = 0;
  gboolean done = FALSE;
  GMutex lock;
  GCond cond;

  g_mutex_init (&lock);
  g_cond_init (&cond);
  for (guint i = 0; i < N_TOGETHER; i++)
    {
      starting[i] = (Starting) { uri, NULL, &lock, &cond, &n_started, &done };
      threads[i] = g_thread_new ("start", start_thread, &starting[i]);
    }
  g_mutex_lock (&lock);
  while (n_started < N_TOGETHER)
    g_cond_wait (&cond, &lock);
  g_mutex_unlock (&lock);

  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM server_state"),
                   ==, 1);

  /* One identity: every server gives the same snapshot cursor. */
  for (guint i = 0; i < N_TOGETHER; i++)
    {
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      guint status = 0;

      response = companies_test_pull (companies_test_server_get_url (starting[i].server), NULL,
                                      NULL, 10, &status, &error);
      g_assert_no_error (error);
      if (first_cursor == NULL)
        first_cursor = g_strdup (response->cursor);
      g_assert_cmpstr (response->cursor, ==, first_cursor);
    }

  g_mutex_lock (&lock);
  done = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  for (guint i = 0; i < N_TOGETHER; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&lock);
  g_cond_clear (&cond);
}

/* A database that does not answer is waited for (test-server-pg-start.c
 * shows the rest): the server starts and says so, without the password. */
static void
test_unreachable (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *host = g_uri_escape_string (dir, NULL, FALSE);
  g_autofree char *uri = g_strdup_printf ("postgresql://someone:s3cret-word@/companies?host=%s",
                                          host);
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  do
    {
      g_free (log);
      log = companies_test_server_get_log (server);
      if (strstr (log, "does not answer yet") != NULL)
        break;
      g_usleep (10 * 1000);  /* polling the log, with a deadline */
    }
  while (g_get_monotonic_time () < deadline);
  g_assert_nonnull (strstr (log, "does not answer yet"));
  g_assert_nonnull (strstr (log, "dbname=companies"));
  g_assert_null (strstr (log, "s3cret-word"));
  companies_test_server_stop (server);
  companies_test_remove_tree (dir);
}

/* A database server that answers and refuses (here: no such database)
 * is a mistake that waiting would not mend: a clear error at start. */
static void
test_refused (void)
{
  g_autofree char *uri = companies_test_postgres_uri (companies_test_postgres_get (),
                                                      "no_such_database");
  g_autofree char *err = run_refused (uri);

  g_assert_nonnull (strstr (err, "Cannot connect to the database"));
  g_assert_nonnull (strstr (err, "no_such_database"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/postgres/schema/not-ours", test_not_ours);
  g_test_add_func ("/server/postgres/schema/too-new", test_too_new);
  g_test_add_func ("/server/postgres/schema/history-without-key", test_history_without_key);
  g_test_add_func ("/server/postgres/schema/lazy-columns", test_lazy_columns);
  g_test_add_func ("/server/postgres/schema/not-utf8", test_not_utf8);
  g_test_add_func ("/server/postgres/schema/start-together", test_start_together);
  g_test_add_func ("/server/postgres/schema/unreachable", test_unreachable);
  g_test_add_func ("/server/postgres/schema/refused", test_refused);

  return g_test_run ();
}
