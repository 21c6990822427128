/* test-server-pg-outage.c: PostgreSQL stops under load (pg_ctl stop -m
 * immediate, a crash) and comes back: meanwhile every sync is answered
 * 503 `unavailable` with Retry-After (pushes and pulls) and /v1/health is
 * 503; nothing
 * crashes; once it is back, the server reconnects by itself, the retried
 * pushes apply, and every acknowledged record is there exactly once
 * (docs/postgresql.md, "Outages").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <libsoup/soup.h>

#include "companies-test-postgres.h"
#include "server-test-util.h"

#define ADDS_PER_PUSH      5
#define PUSHES_BEFORE      10
#define PUSHES_AFTER       10
#define REFUSED_WANTED     3
#define DEADLINE_US        (60 * G_USEC_PER_SEC)

static guint health_status (CompaniesTestServer *server);

typedef struct
{
  char         *url;
  GMutex        lock;
  GCond         changed;
  gboolean      quit;
  guint         acknowledged;   /* pushes answered 200 */
  guint         refused;        /* pushes answered 503 unavailable */
  GHashTable   *uuids;          /* every uuid pushed and acknowledged */
  char         *failure;        /* an answer other than 200 or 503 */
} Load;

/* POSTs @body; the status, and the Retry-After header into @out_retry_after. */
static guint
post (const char  *url,
      GBytes      *body,
      char       **out_retry_after,
      GBytes     **out_reply)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;
  const char *retry_after;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  retry_after = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                              "Retry-After");
  *out_retry_after = g_strdup (retry_after);
  *out_reply = g_steal_pointer (&reply);
  return soup_message_get_status (msg);
}

/* Pushes batches of adds one after the other, each until it is
 * acknowledged, as a client would. */
static gpointer
push_thread (gpointer data)
{
  Load *load = data;

  for (;;)
    {
      g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);

      g_mutex_lock (&load->lock);
      if (load->quit)
        {
          g_mutex_unlock (&load->lock);
          break;
        }
      g_mutex_unlock (&load->lock);

      for (guint i = 0; i < ADDS_PER_PUSH; i++)
        {
          CompaniesChange *change = test_request_add (request, NULL, "name", "Outage", NULL);

          g_ptr_array_add (uuids, g_strdup (change->uuid));
        }
      body = companies_sync_request_encode (request);

      for (;;)
        {
          g_autofree char *retry_after = NULL;
          g_autoptr(GBytes) reply = NULL;
          guint status = post (load->url, body, &retry_after, &reply);
          gboolean done = FALSE;

          g_mutex_lock (&load->lock);
          if (status == 200)
            {
              for (guint i = 0; i < uuids->len; i++)
                g_hash_table_add (load->uuids, g_strdup (uuids->pdata[i]));
              load->acknowledged++;
              done = TRUE;
            }
          else if (status == 503 && retry_after != NULL &&
                   g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                 "\"unavailable\"") != NULL)
            load->refused++;
          else if (load->failure == NULL)
            load->failure = g_strdup_printf ("status %u, Retry-After %s: %.*s", status,
                                             retry_after != NULL ? retry_after : "none",
                                             (int) g_bytes_get_size (reply),
                                             (const char *) g_bytes_get_data (reply, NULL));
          g_cond_broadcast (&load->changed);
          if (load->failure != NULL)
            done = TRUE;
          g_mutex_unlock (&load->lock);

          if (done)
            break;
          g_usleep (100 * 1000);  /* instead of the 2 s of Retry-After */
        }
    }

  return NULL;
}

/* Waits until *@counter reaches @wanted. */
static void
wait_for (Load  *load,
          guint *counter,
          guint  wanted)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

  g_mutex_lock (&load->lock);
  while (*counter < wanted && load->failure == NULL)
    if (!g_cond_wait_until (&load->changed, &load->lock, deadline))
      break;
  g_assert_cmpstr (load->failure, ==, NULL);
  g_assert_cmpuint (*counter, >=, wanted);
  g_mutex_unlock (&load->lock);
}

/* Asks /v1/health until it answers @wanted (its result may be a second
 * old); asserts that it does within the deadline. */
static void
wait_for_health (CompaniesTestServer *server,
                 guint                wanted)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;
  guint status;

  while ((status = health_status (server)) != wanted && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_assert_cmpuint (status, ==, wanted);
}

static guint
health_status (CompaniesTestServer *server)
{
  g_autofree char *url = g_strconcat (companies_test_server_get_url (server),
                                      COMPANIES_HEALTH_PATH, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  body = companies_test_http ("GET", url, NULL, NULL, NULL, 0, &status, &error);
  g_assert_no_error (error);
  return status;
}

/* Every alive record, through every page of a snapshot. */
static GHashTable *
pull_all (CompaniesTestServer *server)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      guint status = 0;

      response = companies_test_pull (companies_test_server_get_url (server), NULL, cursor,
                                      1000, &status, &error);
      if (error != NULL)
        {
          g_autofree char *log = companies_test_server_get_log (server);

          g_printerr ("The server's log:\n%s", log);
        }
      g_assert_no_error (error);
      for (guint i = 0; i < response->companies->len; i++)
        {
          CompaniesRecord *record = g_ptr_array_index (response->companies, i);

          /* exactly once */
          g_assert_true (g_hash_table_add (seen, g_strdup (record->uuid)));
        }
      g_free (cursor);
      cursor = g_strdup (response->cursor);
      more = response->has_more;
    }

  return seen;
}

static void
test_outage (void)
{
  g_autoptr(CompaniesTestPostgres) pg = NULL;
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *log = NULL;
  g_autoptr(CompaniesSyncResponse) pulled = NULL;
  GError *pull_error = NULL;
  guint pull_status = 0;
  Load load = { NULL, };
  GThread *pusher;
  GHashTableIter iter;
  gpointer uuid;
  guint before;

  pg = companies_test_postgres_new (&error);
  g_assert_no_error (error);
  uri = companies_test_postgres_create (pg, "outage", &error);
  g_assert_no_error (error);
  server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (health_status (server), ==, 200);

  load.url = g_strconcat (companies_test_server_get_url (server), COMPANIES_SYNC_PATH, NULL);
  g_mutex_init (&load.lock);
  g_cond_init (&load.changed);
  load.uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pusher = g_thread_new ("pusher", push_thread, &load);

  /* Under load, the database crashes. */
  wait_for (&load, &load.acknowledged, PUSHES_BEFORE);
  companies_test_postgres_stop (pg, "immediate");

  /* Clear refusals meanwhile; the server stays up. */
  wait_for (&load, &load.refused, REFUSED_WANTED);
  wait_for_health (server, 503);
  g_assert_cmpint (companies_test_server_get_pid (server), !=, 0);

  /* A pull (served by the reader's connection) is refused the same way. */
  pulled = companies_test_pull (companies_test_server_get_url (server), NULL, NULL, 10,
                                &pull_status, &pull_error);
  g_assert_null (pulled);
  g_assert_cmpuint (pull_status, ==, 503);
  g_clear_error (&pull_error);

  /* It comes back: service resumes by itself. */
  g_mutex_lock (&load.lock);
  before = load.acknowledged;
  g_mutex_unlock (&load.lock);
  companies_test_postgres_start (pg);
  wait_for (&load, &load.acknowledged, before + PUSHES_AFTER);
  wait_for_health (server, 200);

  g_mutex_lock (&load.lock);
  load.quit = TRUE;
  g_mutex_unlock (&load.lock);
  g_thread_join (pusher);
  g_assert_null (load.failure);

  /* Nothing acknowledged is lost, nothing is there twice. */
  stored = pull_all (server);
  g_hash_table_iter_init (&iter, load.uuids);
  while (g_hash_table_iter_next (&iter, &uuid, NULL))
    g_assert_true (g_hash_table_contains (stored, uuid));
  g_assert_cmpuint (g_hash_table_size (stored), ==, g_hash_table_size (load.uuids));
  g_assert_cmpuint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM company"),
                    ==, g_hash_table_size (load.uuids));

  log = companies_test_server_get_log (server);
  g_assert_nonnull (strstr (log, "Connected to the database again"));
  companies_test_server_stop (server);

  g_hash_table_unref (load.uuids);
  g_mutex_clear (&load.lock);
  g_cond_clear (&load.changed);
  g_free (load.url);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/postgres/outage", test_outage);

  return g_test_run ();
}
