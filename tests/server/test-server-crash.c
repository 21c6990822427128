/* test-server-crash.c: companies-server killed (SIGKILL) in the middle of
 * a request's transaction, then restarted: every acknowledged write is
 * there, the killed request left nothing, and the client's retry applies
 * it whole, once.
 *
 * The kill lands mid-transaction deterministically through the test-only
 * hook COMPANIES_SERVER_TEST_PAUSE_IN_TRANSACTION (see
 * src/server/companies-server-test-hooks.h): after half the request's
 * changes the worker creates "<path>.reached" and waits to be killed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include <glib/gstdio.h>

#include "server-test-raw.h"

#define PAUSE_VARIABLE    "COMPANIES_SERVER_TEST_PAUSE_IN_TRANSACTION"
#define N_ACKNOWLEDGED    30
#define N_BIG             4000
#define NOTES_SIZE        2000
#define REACH_TIMEOUT_MS  30000

typedef struct
{
  TestServer *server;
  GPtrArray  *acknowledged;  /* CompaniesRecord: the server's state */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CompaniesSyncRequest) adds = NULL;
  g_autoptr(CompaniesSyncRequest) edits = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) records = NULL;

  fixture->server = test_server_start (FALSE, NULL);

  /* acknowledged writes of every kind: adds, updates, deletes */
  for (guint batch = 0; batch < 3; batch++)
    {
      g_autoptr(CompaniesSyncResponse) added = NULL;

      g_clear_pointer (&adds, companies_sync_request_free);
      adds = test_request_new (NULL);
      for (guint i = 0; i < N_ACKNOWLEDGED / 3; i++)
        {
          g_autofree char *name = g_strdup_printf ("Acknowledged %u-%u", batch, i);

          test_request_add (adds, NULL, "name", name, "city", "Porto", NULL);
        }
      added = test_sync (fixture->server, adds);
      g_assert_cmpuint (added->companies->len, >=, N_ACKNOWLEDGED / 3);
    }

  records = test_snapshot (fixture->server);
  g_assert_cmpuint (records->len, ==, N_ACKNOWLEDGED);
  for (guint i = 0; i < 5; i++)
    {
      CompaniesRecord *record = g_ptr_array_index (records, i);

      test_request_update (edits, record->id, record->version, "phone", "+351 22 000 0000", NULL);
      test_request_delete (edits, ((CompaniesRecord *) g_ptr_array_index (records, 5 + i))->id);
    }
  response = test_sync (fixture->server, edits);
  g_assert_cmpuint (response->rejected->len, ==, 0);

  fixture->acknowledged = test_snapshot (fixture->server);
  g_assert_cmpuint (fixture->acknowledged->len, ==, N_ACKNOWLEDGED - 5);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_server_free (fixture->server);
  g_ptr_array_unref (fixture->acknowledged);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return st.st_size;
}

/* Restarts the server with the pause hook on, and SQLite's small page
 * cache, so that a big transaction spills to the WAL before COMMIT. */
static char *
restart_with_pause (TestServer *server)
{
  char *pause_path = test_server_file (server, "pause");

  g_setenv (PAUSE_VARIABLE, pause_path, TRUE);
  g_setenv ("COMPANIES_SERVER_TEST_SMALL_CACHE", "1", TRUE);
  test_server_restart (server, NULL);
  g_unsetenv ("COMPANIES_SERVER_TEST_SMALL_CACHE");
  g_unsetenv (PAUSE_VARIABLE);

  return pause_path;
}

/* Sends @request on a raw connection (its answer never comes) and waits
 * for the worker to pause half-way. */
static GSocket *
send_until_paused (TestServer                 *server,
                   const CompaniesSyncRequest *request,
                   const char                 *pause_path)
{
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autofree char *reached = g_strconcat (pause_path, ".reached", NULL);
  g_autofree char *head = NULL;
  GSocket *socket = raw_connect (companies_test_server_get_port (server->server));
  gint64 start = g_get_monotonic_time ();

  head = g_strdup_printf ("POST /v1/companies/sync HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "\r\n",
                          g_bytes_get_size (body));
  g_assert_true (raw_send (socket, head, strlen (head)));
  g_assert_true (raw_send (socket, g_bytes_get_data (body, NULL), g_bytes_get_size (body)));

  while (!g_file_test (reached, G_FILE_TEST_EXISTS) && ms_since (start) < REACH_TIMEOUT_MS)
    g_usleep (20 * 1000);  /* polling a file, with a deadline */
  g_assert_true (g_file_test (reached, G_FILE_TEST_EXISTS));

  /* the worker is stuck in its transaction; the server still answers */
  g_assert_cmpuint (raw_time_health (server), <, 1000);

  return socket;
}

static void
assert_no_answer (GSocket *socket)
{
  g_autoptr(GString) received = g_string_new (NULL);

  g_assert_true (raw_wait_closed (socket, 5000, received));
  g_assert_cmpstr (received->str, ==, "");
}

/* A big request, killed with half its adds written: they are spilled to
 * the WAL by then (uncommitted), and must all vanish. */
static void
test_kill_in_big_transaction (Fixture       *fixture,
                              gconstpointer  data)
{
  TestServer *server = fixture->server;
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesSyncResponse) again = NULL;
  g_autoptr(GPtrArray) after_crash = NULL;
  g_autoptr(GPtrArray) after_retry = NULL;
  g_autoptr(GPtrArray) after_second_retry = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *notes = g_strnfill (NOTES_SIZE, 'n');
  g_autofree char *pause_path = NULL;
  g_autofree char *wal_path = g_strconcat (server->db_path, "-wal", NULL);
  gint64 last_version = test_last_version (server);
  gint64 wal_before, wal_at_kill;

  for (guint i = 0; i < N_BIG; i++)
    {
      g_autofree char *name = g_strdup_printf ("Unacknowledged %u", i);

      test_request_add (request, NULL, "name", name, "notes", notes, NULL);
    }
  for (guint i = 0; i < 5; i++)
    {
      CompaniesRecord *updated = g_ptr_array_index (fixture->acknowledged, i);
      CompaniesRecord *deleted = g_ptr_array_index (fixture->acknowledged, 10 + i);

      test_request_update (request, updated->id, updated->version, "city", "Braga", NULL);
      test_request_delete (request, deleted->id);
    }

  pause_path = restart_with_pause (server);
  wal_before = file_size (wal_path);
  socket = send_until_paused (server, request, pause_path);
  wal_at_kill = file_size (wal_path);
  g_test_message ("WAL: %" G_GINT64_FORMAT " bytes before, %" G_GINT64_FORMAT " at the kill",
                  wal_before, wal_at_kill);
  /* the half-done transaction reached the disk: the kill tests recovery */
  g_assert_cmpint (wal_at_kill, >, wal_before + 1024 * 1024);

  test_server_crash_restart (server);
  assert_no_answer (socket);

  /* every acknowledged write, and nothing of the killed request */
  after_crash = test_snapshot (server);
  test_assert_same_records (fixture->acknowledged, after_crash);
  g_assert_cmpint (test_last_version (server), ==, last_version);
  for (guint i = 0; i < request->added->len; i += 97)
    g_assert_null (test_find_company_by_uuid (after_crash,
                                              ((CompaniesChange *) g_ptr_array_index (request->added, i))->uuid));
  test_database_assert_intact (server->db_path);

  /* the client retries: applied whole */
  response = test_sync (server, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);
  after_retry = test_snapshot (server);
  g_assert_cmpuint (after_retry->len, ==, fixture->acknowledged->len - 5 + N_BIG);
  for (guint i = 0; i < 5; i++)
    {
      CompaniesRecord *updated = g_ptr_array_index (fixture->acknowledged, i);
      CompaniesRecord *deleted = g_ptr_array_index (fixture->acknowledged, 10 + i);

      g_assert_cmpstr (test_find_company (after_retry, updated->id)->values[COMPANIES_FIELD_CITY], ==, "Braga");
      g_assert_null (test_find_company (after_retry, deleted->id));
    }

  /* and once: another retry makes no duplicate */
  again = test_sync (server, request);
  after_second_retry = test_snapshot (server);
  test_assert_same_records (after_retry, after_second_retry);
}

/* A small request (an update and a delete), killed between the two. */
static void
test_kill_between_update_and_delete (Fixture       *fixture,
                                     gconstpointer  data)
{
  TestServer *server = fixture->server;
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) after_crash = NULL;
  g_autoptr(GPtrArray) after_retry = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *pause_path = NULL;
  CompaniesRecord *updated = g_ptr_array_index (fixture->acknowledged, 0);
  CompaniesRecord *deleted = g_ptr_array_index (fixture->acknowledged, 1);
  gint64 last_version = test_last_version (server);

  test_request_update (request, updated->id, updated->version, "name", "Renamed, then killed", NULL);
  test_request_delete (request, deleted->id);

  pause_path = restart_with_pause (server);
  socket = send_until_paused (server, request, pause_path);
  test_server_crash_restart (server);
  assert_no_answer (socket);

  after_crash = test_snapshot (server);
  test_assert_same_records (fixture->acknowledged, after_crash);
  g_assert_cmpint (test_last_version (server), ==, last_version);
  test_database_assert_intact (server->db_path);

  response = test_sync (server, request);
  after_retry = test_snapshot (server);
  g_assert_cmpstr (test_find_company (after_retry, updated->id)->values[COMPANIES_FIELD_NAME],
                   ==, "Renamed, then killed");
  g_assert_null (test_find_company (after_retry, deleted->id));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/crash/kill-in-big-transaction", Fixture, NULL,
              fixture_set_up, test_kill_in_big_transaction, fixture_tear_down);
  g_test_add ("/server/crash/kill-between-update-and-delete", Fixture, NULL,
              fixture_set_up, test_kill_between_update_and_delete, fixture_tear_down);

  return g_test_run ();
}
