/* test-server-pg-shared.c: two companies-server processes on one
 * PostgreSQL database (docs/postgresql.md, "Versions commit in order"):
 * both serve the same database identity; the same uuid pushed to both at
 * once makes one record; and readers that pull all the time through
 * either server, while writers push through both, never skip a change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "companies-test-postgres.h"
#include "server-test-util.h"

#define N_WRITERS          2
#define N_READERS          2
#define PUSHES_A_WRITER    40
#define ADDS_A_PUSH        3

typedef struct
{
  CompaniesTestServer *servers[2];
  char                *uri;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("shared_%.8s", digest);

  fixture->uri = companies_test_postgres_create (companies_test_postgres_get (), name, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      fixture->servers[i] = companies_test_server_start (fixture->uri, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < 2; i++)
    {
      companies_test_server_stop (fixture->servers[i]);
      companies_test_server_free (fixture->servers[i]);
    }
  g_free (fixture->uri);
}

/* Posts @request to @server; asserts 200. */
static CompaniesSyncResponse *
push (CompaniesTestServer        *server,
      const CompaniesSyncRequest *request)
{
  g_autofree char *url = g_strconcat (companies_test_server_get_url (server),
                                      COMPANIES_SYNC_PATH, NULL);
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesSyncResponse *response;
  guint status = 0;

  reply = companies_test_http ("POST", url, "application/json", NULL,
                               g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  response = companies_sync_response_decode (g_bytes_get_data (reply, NULL),
                                             g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  return response;
}

static void
test_identity (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CompaniesSyncResponse) first = NULL;
  g_autoptr(CompaniesSyncResponse) second = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  first = companies_test_pull (companies_test_server_get_url (fixture->servers[0]), NULL,
                               NULL, 100, &status, &error);
  g_assert_no_error (error);
  /* The cursor of one server, read by the other: no reset. */
  second = companies_test_pull (companies_test_server_get_url (fixture->servers[1]), NULL,
                                first->cursor, 100, &status, &error);
  g_assert_no_error (error);
  g_assert_false (second->reset);
  g_assert_cmpstr (first->cursor, ==, second->cursor);
}

typedef struct
{
  CompaniesTestServer *server;
  const char          *uuid;
  gint64               id;
} SamePush;

static gpointer
same_push_thread (gpointer data)
{
  SamePush *same = data;
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesRecord *record;

  test_request_add (request, same->uuid, "name", "Twice", NULL);

  response = push (same->server, request);
  record = test_find_company_by_uuid (response->companies, same->uuid);
  g_assert_nonnull (record);
  same->id = record->id;
  return NULL;
}

static void
test_same_uuid (Fixture       *fixture,
                gconstpointer  data)
{
  for (guint round = 0; round < 10; round++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *sql = NULL;
      SamePush pushes[2];
      GThread *threads[2];

      for (guint i = 0; i < 2; i++)
        {
          pushes[i] = (SamePush) { fixture->servers[i], uuid, 0 };
          threads[i] = g_thread_new ("same", same_push_thread, &pushes[i]);
        }
      for (guint i = 0; i < 2; i++)
        g_thread_join (threads[i]);

      /* One record, and both answers name it. */
      g_assert_cmpint (pushes[0].id, ==, pushes[1].id);
      sql = g_strdup_printf ("SELECT count(*) FROM company WHERE uuid = '%s'", uuid);
      g_assert_cmpint (companies_test_postgres_query_int (fixture->uri, sql), ==, 1);
    }
}

typedef struct
{
  Fixture    *fixture;
  guint       index;
  GMutex     *lock;
  GHashTable *acknowledged;  /* shared by the writers */
  gint       *writers_left;
  GHashTable *seen;          /* a reader's */
} Worker;

static gpointer
writer_thread (gpointer data)
{
  Worker *worker = data;

  for (guint i = 0; i < PUSHES_A_WRITER; i++)
    {
      g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);

      for (guint j = 0; j < ADDS_A_PUSH; j++)
        g_ptr_array_add (uuids, g_strdup (test_request_add (request, NULL, "name", "Shared",
                                                            NULL)->uuid));
      response = push (worker->fixture->servers[(worker->index + i) % 2], request);

      g_mutex_lock (worker->lock);
      for (guint j = 0; j < uuids->len; j++)
        g_hash_table_add (worker->acknowledged, g_strdup (uuids->pdata[j]));
      g_mutex_unlock (worker->lock);
    }

  g_atomic_int_dec_and_test (worker->writers_left);
  return NULL;
}

/* Pulls from its cursor through either server until the writers are done,
 * then once more: it must then hold every record. */
static gpointer
reader_thread (gpointer data)
{
  Worker *worker = data;
  g_autofree char *cursor = NULL;
  gboolean last = FALSE;
  guint n = 0;

  while (!last)
    {
      gboolean more = TRUE;

      last = g_atomic_int_get (worker->writers_left) == 0;
      while (more)
        {
          CompaniesTestServer *server = worker->fixture->servers[(worker->index + n++) % 2];
          g_autoptr(CompaniesSyncResponse) response = NULL;
          g_autoptr(GError) error = NULL;
          guint status = 0;

          response = companies_test_pull (companies_test_server_get_url (server), NULL, cursor,
                                          50, &status, &error);
          g_assert_no_error (error);
          /* Only the first pull starts a snapshot. */
          g_assert_true (cursor == NULL || !response->reset);
          for (guint i = 0; i < response->companies->len; i++)
            g_hash_table_add (worker->seen,
                              g_strdup (((CompaniesRecord *) response->companies->pdata[i])->uuid));
          g_free (cursor);
          cursor = g_strdup (response->cursor);
          more = response->has_more;
        }
    }

  return NULL;
}

static void
test_readers_skip_nothing (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Worker writers[N_WRITERS], readers[N_READERS];
  GThread *threads[N_WRITERS + N_READERS];
  gint writers_left = N_WRITERS;
  GMutex lock;
  gint64 stored;

  g_mutex_init (&lock);
  for (guint i = 0; i < N_READERS; i++)
    {
      readers[i] = (Worker) { fixture, i, &lock, NULL, &writers_left,
                              g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
      threads[N_WRITERS + i] = g_thread_new ("reader", reader_thread, &readers[i]);
    }
  for (guint i = 0; i < N_WRITERS; i++)
    {
      writers[i] = (Worker) { fixture, i, &lock, acknowledged, &writers_left, NULL };
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }
  for (guint i = 0; i < N_WRITERS + N_READERS; i++)
    g_thread_join (threads[i]);

  stored = companies_test_postgres_query_int (fixture->uri, "SELECT count(*) FROM company");
  g_assert_cmpint (stored, ==, N_WRITERS * PUSHES_A_WRITER * ADDS_A_PUSH);
  g_assert_cmpuint (g_hash_table_size (acknowledged), ==, stored);
  for (guint i = 0; i < N_READERS; i++)
    {
      GHashTableIter iter;
      gpointer uuid;

      g_hash_table_iter_init (&iter, acknowledged);
      while (g_hash_table_iter_next (&iter, &uuid, NULL))
        g_assert_true (g_hash_table_contains (readers[i].seen, uuid));
      g_assert_cmpuint (g_hash_table_size (readers[i].seen), ==, stored);
      g_hash_table_unref (readers[i].seen);
    }
  g_mutex_clear (&lock);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/postgres/shared/identity", Fixture, NULL,
              fixture_set_up, test_identity, fixture_tear_down);
  g_test_add ("/server/postgres/shared/same-uuid", Fixture, NULL,
              fixture_set_up, test_same_uuid, fixture_tear_down);
  g_test_add ("/server/postgres/shared/readers-skip-nothing", Fixture, NULL,
              fixture_set_up, test_readers_skip_nothing, fixture_tear_down);

  return g_test_run ();
}
