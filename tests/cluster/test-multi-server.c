/* test-multi-server.c: three companies-server processes on one PostgreSQL
 * database, writers spread over them, readers pulling all the time, one
 * server killed and restarted midway
 *
 * Each writer pushes adds, updates and deletes of its own records to the
 * servers in turn; a push that fails (its server is down) goes to the
 * next server with the same body, and every third answered push is sent
 * again, as it is, to another server (a retried push whose answer was
 * lost). Readers pull from a random server each time, keeping a copy of
 * the database from their own cursor. Midway one server gets SIGKILL and
 * is started again. At the end: every acknowledged write is in the
 * database, with the values it acknowledged; no record twice; and every
 * reader's copy equals the database.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "cluster-test-util.h"
#include "e2e-helpers.h"

#define N_SERVERS   3
#define N_WRITERS   4
#define N_READERS   2
#define N_ROUNDS    24
#define N_ADDS      3
#define RETRY_MS    60000

typedef struct
{
  gint64   id;
  gint64   version;
  char    *name;
  gboolean alive;
} Own;

typedef struct
{
  guint       number;
  GHashTable *own;       /* uuid → Own: what the servers acknowledged */
  guint       pushes;
  guint       retries;   /* pushes that went to another server */
  guint       repeats;   /* answered pushes sent again elsewhere */
} Writer;

typedef struct
{
  GHashTable *copy;      /* id → CompaniesRecord */
  char       *cursor;
  guint       pulls;
  guint       failed;    /* pulls that found their server down */
} Reader;

static GMutex   urls_lock;
static char    *urls[N_SERVERS];
static gint     writers_done;

static char *
server_url (guint i)
{
  char *url;

  g_mutex_lock (&urls_lock);
  url = g_strdup (urls[i % N_SERVERS]);
  g_mutex_unlock (&urls_lock);
  return url;
}

static void
set_server_url (guint       i,
                const char *url)
{
  g_mutex_lock (&urls_lock);
  g_free (urls[i]);
  urls[i] = g_strdup (url);
  g_mutex_unlock (&urls_lock);
}

static void
own_free (gpointer data)
{
  Own *own = data;

  g_free (own->name);
  g_free (own);
}

/* Posts @body to server @i; the decoded answer when it is a 200. */
static CompaniesSyncResponse *
post (guint   i,
      GBytes *body)
{
  g_autofree char *url = server_url (i);
  g_autofree char *sync_url = g_strconcat (url, COMPANIES_SYNC_PATH, NULL);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  answer = companies_test_http ("POST", sync_url, "application/json", NULL,
                                g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                &status, &error);
  if (answer == NULL || status != 200)
    return NULL;

  return companies_sync_response_decode (g_bytes_get_data (answer, NULL),
                                         g_bytes_get_size (answer), NULL);
}

/* Posts @body to server @first, then to the next ones until one answers. */
static CompaniesSyncResponse *
post_until_answered (Writer *writer,
                     guint   first,
                     GBytes *body)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = first; ; i++)
    {
      CompaniesSyncResponse *response = post (i, body);

      if (response != NULL)
        return response;
      writer->retries++;
      g_assert_cmpint (g_get_monotonic_time () - start, <, RETRY_MS * 1000);
      g_usleep (50 * 1000);  /* a server restarting */
    }
}

static CompaniesRecord *
find_echo (GPtrArray  *records,
           const char *uuid,
           gint64      id)
{
  for (guint i = 0; i < records->len; i++)
    {
      CompaniesRecord *record = g_ptr_array_index (records, i);

      if ((uuid != NULL && g_strcmp0 (record->uuid, uuid) == 0) || (uuid == NULL && record->id == id))
        return record;
    }

  return NULL;
}

/* One round's request: new records, an update and maybe a delete of an
 * older own record. */
static CompaniesSyncRequest *
make_request (Writer *writer,
              guint   round,
              Own   **out_updated,
              Own   **out_deleted)
{
  CompaniesSyncRequest *request = companies_sync_request_new ();
  GHashTableIter iter;
  Own *own;

  request->protocol = 1;
  request->client_id = g_strdup_printf ("00000000-0000-4000-8000-%012u", writer->number);
  request->limit = 1;

  *out_updated = *out_deleted = NULL;
  g_hash_table_iter_init (&iter, writer->own);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &own))
    {
      if (!own->alive)
        continue;
      if (*out_updated == NULL)
        *out_updated = own;
      else if (*out_deleted == NULL && round % 4 == 0)
        *out_deleted = own;
    }

  for (guint i = 0; i < N_ADDS; i++)
    {
      CompaniesChange *add = companies_change_new (COMPANIES_CHANGE_ADD);

      add->uuid = g_uuid_string_random ();
      add->field_mask = 1 << COMPANIES_FIELD_NAME;
      add->values[COMPANIES_FIELD_NAME] = g_strdup_printf ("Writer %u round %u #%u",
                                                           writer->number, round, i);
      g_ptr_array_add (request->added, add);
    }

  if (*out_updated != NULL)
    {
      CompaniesChange *update = companies_change_new (COMPANIES_CHANGE_UPDATE);

      update->id = (*out_updated)->id;
      update->base_version = (*out_updated)->version;
      update->field_mask = 1 << COMPANIES_FIELD_NAME;
      update->values[COMPANIES_FIELD_NAME] = g_strdup_printf ("Writer %u renamed in round %u",
                                                              writer->number, round);
      g_ptr_array_add (request->updated, update);
    }

  if (*out_deleted != NULL)
    {
      CompaniesChange *delete = companies_change_new (COMPANIES_CHANGE_DELETE);

      delete->id = (*out_deleted)->id;
      g_ptr_array_add (request->deleted, delete);
    }

  return request;
}

/* What an answered push acknowledged. */
static void
take_acknowledged (Writer                *writer,
                   CompaniesSyncRequest  *request,
                   CompaniesSyncResponse *response,
                   Own                   *updated,
                   Own                   *deleted)
{
  for (guint i = 0; i < request->added->len; i++)
    {
      CompaniesChange *add = g_ptr_array_index (request->added, i);
      CompaniesRecord *echo = find_echo (response->companies, add->uuid, 0);
      Own *own;

      g_assert_nonnull (echo);
      own = g_new0 (Own, 1);
      own->alive = TRUE;
      g_hash_table_insert (writer->own, g_strdup (add->uuid), own);
      own->id = echo->id;
      own->version = echo->version;
      own->name = g_strdup (add->values[COMPANIES_FIELD_NAME]);
    }

  if (updated != NULL)
    {
      CompaniesChange *update = g_ptr_array_index (request->updated, 0);
      CompaniesRecord *echo = find_echo (response->companies, NULL, updated->id);

      g_assert_nonnull (echo);
      g_assert_cmpstr (echo->values[COMPANIES_FIELD_NAME], ==, update->values[COMPANIES_FIELD_NAME]);
      updated->version = echo->version;
      g_free (updated->name);
      updated->name = g_strdup (update->values[COMPANIES_FIELD_NAME]);
    }

  if (deleted != NULL)
    deleted->alive = FALSE;
}

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;

  for (guint round = 1; round <= N_ROUNDS; round++)
    {
      g_autoptr(CompaniesSyncRequest) request = NULL;
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(GBytes) body = NULL;
      guint server = writer->number + round;
      Own *updated, *deleted;

      request = make_request (writer, round, &updated, &deleted);
      body = companies_sync_request_encode (request);
      response = post_until_answered (writer, server, body);
      writer->pushes++;

      if (round % 3 == 0)
        {
          /* the answer was "lost": the same push, to another server,
           * names the same records */
          g_autoptr(CompaniesSyncResponse) first = g_steal_pointer (&response);

          response = post_until_answered (writer, server + 1, body);
          writer->repeats++;
          for (guint i = 0; i < request->added->len; i++)
            {
              CompaniesChange *add = g_ptr_array_index (request->added, i);

              g_assert_cmpint (find_echo (response->companies, add->uuid, 0)->id, ==,
                               find_echo (first->companies, add->uuid, 0)->id);
            }
        }

      take_acknowledged (writer, request, response, updated, deleted);
    }

  g_atomic_int_inc (&writers_done);
  return NULL;
}

static void
reader_apply (Reader                *reader,
              CompaniesSyncResponse *response)
{
  CompaniesRecord **records;
  gsize n_records = 0;

  /* a snapshot only from the first pull on, never a reset later */
  if (response->reset)
    g_assert_true (reader->cursor == NULL || g_str_has_suffix (reader->cursor, ".s"));
  /* the records move into the copy */
  records = (CompaniesRecord **) g_ptr_array_steal (response->companies, &n_records);
  for (gsize i = 0; i < n_records; i++)
    g_hash_table_insert (reader->copy, GINT_TO_POINTER ((gint) records[i]->id), records[i]);
  g_free (records);
  for (guint i = 0; i < response->deleted->len; i++)
    {
      CompaniesRecord *record = g_ptr_array_index (response->deleted, i);

      g_hash_table_remove (reader->copy, GINT_TO_POINTER ((gint) record->id));
    }

  g_free (reader->cursor);
  reader->cursor = g_strdup (response->cursor);
}

/* One pull from server @i; FALSE when it could not be reached. */
static gboolean
reader_pull (Reader   *reader,
             guint     i,
             gboolean *out_has_more)
{
  g_autofree char *url = server_url (i);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  response = companies_test_pull (url, NULL, reader->cursor, 50, &status, &error);
  reader->pulls++;
  if (response == NULL)
    {
      /* only a server that is down may fail */
      g_assert_cmpuint (status, ==, 0);
      reader->failed++;
      return FALSE;
    }

  reader_apply (reader, response);
  *out_has_more = response->has_more;
  return TRUE;
}

static gpointer
reader_thread (gpointer data)
{
  Reader *reader = data;
  gboolean has_more = FALSE;

  while (g_atomic_int_get (&writers_done) < N_WRITERS)
    reader_pull (reader, g_random_int_range (0, N_SERVERS), &has_more);

  return NULL;
}

static void
assert_reader_equals (Reader     *reader,
                      GHashTable *server)
{
  GHashTableIter iter;
  CompaniesRecord *record;

  g_assert_cmpuint (g_hash_table_size (reader->copy), ==, g_hash_table_size (server));
  g_hash_table_iter_init (&iter, reader->copy);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    {
      CompaniesRecord *truth = g_hash_table_lookup (server, record->uuid);

      g_assert_nonnull (truth);
      g_assert_cmpint (record->id, ==, truth->id);
      g_assert_cmpint (record->version, ==, truth->version);
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        g_assert_cmpstr (record->values[f], ==, truth->values[f]);
    }
}

static guint
assert_writer_acknowledged (Writer     *writer,
                            GHashTable *server)
{
  GHashTableIter iter;
  const char *uuid;
  Own *own;
  guint n_alive = 0;

  g_hash_table_iter_init (&iter, writer->own);
  while (g_hash_table_iter_next (&iter, (gpointer *) &uuid, (gpointer *) &own))
    {
      CompaniesRecord *record = g_hash_table_lookup (server, uuid);

      if (!own->alive)
        {
          g_assert_null (record);
          continue;
        }
      n_alive++;
      g_assert_nonnull (record);
      g_assert_cmpint (record->id, ==, own->id);
      g_assert_cmpint (record->version, ==, own->version);
      g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, own->name);
    }

  return n_alive;
}

static void
test_three_servers (void)
{
  CompaniesTestPostgres *cluster = companies_test_postgres_get ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = companies_test_postgres_create (cluster, "multi", &error);
  g_autofree char *duplicates = NULL;
  g_autoptr(GHashTable) server = NULL;
  CompaniesTestServer *servers[N_SERVERS];
  Writer writers[N_WRITERS];
  Reader readers[N_READERS];
  GThread *threads[N_WRITERS + N_READERS];
  guint n_alive = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < N_SERVERS; i++)
    {
      servers[i] = cluster_server_start (uri, NULL);
      set_server_url (i, companies_test_server_get_url (servers[i]));
    }

  for (guint i = 0; i < N_WRITERS; i++)
    {
      writers[i] = (Writer) { i, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, own_free), 0, };
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }
  for (guint i = 0; i < N_READERS; i++)
    {
      readers[i] = (Reader) { g_hash_table_new_full (NULL, NULL, NULL,
                                                     (GDestroyNotify) companies_record_free), NULL, };
      threads[N_WRITERS + i] = g_thread_new ("reader", reader_thread, &readers[i]);
    }

  /* midway, a crash and a restart on another port */
  while (g_atomic_int_get (&writers_done) == 0 &&
         writers[0].pushes < N_ROUNDS / 2)
    g_usleep (20 * 1000);  /* polling the writers' progress */
  companies_test_server_kill (servers[1]);
  g_usleep (300 * 1000);  /* the others go on alone a while */
  companies_test_server_free (servers[1]);
  servers[1] = cluster_server_start (uri, NULL);
  set_server_url (1, companies_test_server_get_url (servers[1]));

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  server = e2e_server_records (companies_test_server_get_url (servers[2]), NULL);
  for (guint i = 0; i < N_WRITERS; i++)
    {
      g_test_message ("writer %u: %u pushes, %u sent again after a failure, %u repeated",
                      i, writers[i].pushes, writers[i].retries, writers[i].repeats);
      n_alive += assert_writer_acknowledged (&writers[i], server);
    }
  g_assert_cmpuint (g_hash_table_size (server), ==, n_alive);
  duplicates = cluster_sql_text (uri, "SELECT count(*) - count(DISTINCT name) FROM company "
                                 "WHERE deleted_at IS NULL");
  g_assert_cmpstr (duplicates, ==, "0");

  for (guint i = 0; i < N_READERS; i++)
    {
      gboolean has_more = TRUE;

      while (has_more)
        g_assert_true (reader_pull (&readers[i], i, &has_more));
      g_test_message ("reader %u: %u pulls, %u found their server down",
                      i, readers[i].pulls, readers[i].failed);
      g_assert_cmpuint (readers[i].pulls, >, 1);
      assert_reader_equals (&readers[i], server);
      g_hash_table_unref (readers[i].copy);
      g_free (readers[i].cursor);
    }

  for (guint i = 0; i < N_WRITERS; i++)
    g_hash_table_unref (writers[i].own);
  for (guint i = 0; i < N_SERVERS; i++)
    {
      companies_test_server_free (servers[i]);
      g_clear_pointer (&urls[i], g_free);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cluster/three-servers", test_three_servers);

  return g_test_run ();
}
