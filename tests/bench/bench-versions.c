/* bench-versions.c: companies-bench-versions, how many versions a second
 * the PostgreSQL backend allocates when writers take turns on the server
 * state's row (docs/postgresql.md, "What limits throughput")
 *
 *   companies-bench-versions [--connections N] [--seconds S]
 *                            [--per-transaction K] [--database URI]
 *
 * N threads, each with a writer store of its own (as N servers would
 * have), run transactions of K adds (BEGIN and the lock, K versions and
 * inserts, the counter, COMMIT) for S seconds. Without --database it
 * starts a private durable cluster (fsync on:
 * tests/common/companies-test-postgres.c).
 * Then it checks that the versions have no gap and no duplicate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include <stdlib.h>

#include "companies-fields.h"
#include "companies-server-store-postgres.h"
#include "companies-test-postgres.h"

typedef struct
{
  const char *uri;
  guint       per_transaction;
  gint64      deadline;
  guint64     versions;  /* committed */
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  const char *values[COMPANIES_N_FIELDS] = { "Bench", };
  g_autoptr(GError) error = NULL;
  CompaniesServerStore *store = companies_server_store_postgres_open (writer->uri, &error);

  if (store == NULL)
    g_error ("%s", error->message);

  while (g_get_monotonic_time () < writer->deadline)
    {
      if (!companies_server_store_begin (store, &error))
        g_error ("%s", error->message);

      for (guint i = 0; i < writer->per_transaction; i++)
        {
          g_autofree char *uuid = g_uuid_string_random ();
          gint64 version, id;

          if (!companies_server_store_next_version (store, &version, &error) ||
              !companies_server_store_insert (store, uuid, values, version, &id, &error))
            g_error ("%s", error->message);
        }

      if (!companies_server_store_commit (store, &error))
        g_error ("%s", error->message);
      writer->versions += writer->per_transaction;
    }

  companies_server_store_close (store);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(CompaniesTestPostgres) pg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  gint connections = 4, seconds = 5, per_transaction = 1;
  GThread *threads[64];
  Writer writers[64];
  guint64 total = 0;
  gint64 started, elapsed, count, newest;
  const GOptionEntry entries[] = {
    { "connections", 0, 0, G_OPTION_ARG_INT, &connections, "Writers at once (1 to 64)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long", "S" },
    { "per-transaction", 0, 0, G_OPTION_ARG_INT, &per_transaction, "Adds a transaction", "K" },
    { "database", 0, 0, G_OPTION_ARG_STRING, &uri, "An empty database (default: a private cluster)", "URI" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      connections < 1 || connections > 64 || seconds < 1 || per_transaction < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "bad options");
      return 2;
    }

  if (uri == NULL)
    {
      pg = companies_test_postgres_new_durable (&error);
      if (pg != NULL)
        uri = companies_test_postgres_create (pg, "bench_versions", &error);
      if (uri == NULL)
        g_error ("%s", error->message);
    }

  /* The schema, made once before the clock starts. */
  companies_server_store_close (companies_server_store_postgres_open (uri, &error));
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  for (gint i = 0; i < connections; i++)
    {
      writers[i] = (Writer) { uri, per_transaction, started + seconds * G_USEC_PER_SEC, 0 };
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }
  for (gint i = 0; i < connections; i++)
    {
      g_thread_join (threads[i]);
      total += writers[i].versions;
    }
  elapsed = g_get_monotonic_time () - started;

  /* Every version handed out committed once, in a row from 1. */
  count = companies_test_postgres_query_int (uri, "SELECT count(DISTINCT version) FROM company");
  newest = companies_test_postgres_query_int (uri, "SELECT coalesce(max(version), 0) FROM company");
  if ((guint64) count != total || newest != count)
    g_error ("versions: %" G_GINT64_FORMAT " distinct, newest %" G_GINT64_FORMAT
             ", %" G_GUINT64_FORMAT " committed", count, newest, total);

  g_print ("%d connections, %d adds a transaction: %.0f versions/s "
           "(%" G_GUINT64_FORMAT " in %.1f s; no gap, no duplicate)\n",
           connections, per_transaction, total * (double) G_USEC_PER_SEC / elapsed,
           total, elapsed / (double) G_USEC_PER_SEC);
  return EXIT_SUCCESS;
}
