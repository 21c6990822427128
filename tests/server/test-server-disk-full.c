/* test-server-disk-full.c: the server's storage fills up under a sync:
 * 500 internal with a clear message, nothing half-written, and the same
 * request succeeds once space returns.
 *
 * Two ways to fill it:
 *  - the test-only hook COMPANIES_SERVER_TEST_MAX_PAGE_COUNT caps the
 *    database (SQLite's max_page_count): runs everywhere;
 *  - a real full disk, a 256 KiB tmpfs under the database, grown by a
 *    remount while the server runs: mounting needs root, as in CI; the
 *    test is only registered when this process runs as root.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "server-test-raw.h"

#define PAGE_CAP_VARIABLE "COMPANIES_SERVER_TEST_MAX_PAGE_COUNT"
#define N_ACKNOWLEDGED    10
#define N_BIG             400
#define NOTES_SIZE        2500

static GPtrArray *
add_acknowledged (TestServer *server)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  GPtrArray *records;

  for (guint i = 0; i < N_ACKNOWLEDGED; i++)
    {
      g_autofree char *name = g_strdup_printf ("Acknowledged %u", i);

      test_request_add (request, NULL, "name", name, NULL);
    }
  response = test_sync (server, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);

  records = test_snapshot (server);
  g_assert_cmpuint (records->len, ==, N_ACKNOWLEDGED);
  return records;
}

/* About a megabyte of adds. */
static CompaniesSyncRequest *
big_request (void)
{
  CompaniesSyncRequest *request = test_request_new (NULL);
  g_autofree char *notes = g_strnfill (NOTES_SIZE, 'x');

  for (guint i = 0; i < N_BIG; i++)
    {
      g_autofree char *name = g_strdup_printf ("Does not fit %u", i);

      test_request_add (request, NULL, "name", name, "notes", notes, NULL);
    }

  return request;
}

/* The request does not fit: 500 internal saying so, and nothing of it
 * is stored. */
static void
assert_does_not_fit (TestServer                 *server,
                     const CompaniesSyncRequest *request,
                     GPtrArray                  *acknowledged)
{
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_SYNC_PATH);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  reply = companies_test_http ("POST", url, "application/json", NULL,
                               g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 500);
  g_assert_true (companies_error_body_decode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                              &code, &message, NULL));
  g_assert_cmpstr (code, ==, "internal");
  g_assert_nonnull (strstr (message, "no room"));

  after = test_snapshot (server);
  test_assert_same_records (acknowledged, after);
  g_assert_null (test_find_company_by_uuid (after, ((CompaniesChange *) g_ptr_array_index (request->added, 0))->uuid));

  test_server_wait_for_log (server, "the disk is full");

  /* small requests that fit still work; nothing else was hurt */
  raw_time_health (server);
}

static void
assert_fits_now (TestServer                 *server,
                 const CompaniesSyncRequest *request,
                 GPtrArray                  *acknowledged)
{
  g_autoptr(CompaniesSyncResponse) response = test_sync (server, request);
  g_autoptr(GPtrArray) after = test_snapshot (server);

  g_assert_cmpuint (response->rejected->len, ==, 0);
  g_assert_cmpuint (after->len, ==, acknowledged->len + N_BIG);
  for (guint i = 0; i < acknowledged->len; i++)
    g_assert_nonnull (test_find_company (after, ((CompaniesRecord *) g_ptr_array_index (acknowledged, i))->id));
  for (guint i = 0; i < request->added->len; i++)
    g_assert_nonnull (test_find_company_by_uuid (after,
                                                 ((CompaniesChange *) g_ptr_array_index (request->added, i))->uuid));
}

static void
test_page_cap (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(GPtrArray) acknowledged = add_acknowledged (server);
  g_autoptr(CompaniesSyncRequest) request = big_request ();
  g_autofree char *cap = NULL;
  gint64 pages = test_database_query_int (server->db_path, "PRAGMA page_count");

  /* room for a few more pages, far from enough for the request */
  cap = g_strdup_printf ("%" G_GINT64_FORMAT, pages + 4);
  g_setenv (PAGE_CAP_VARIABLE, cap, TRUE);
  test_server_restart (server, NULL);
  g_unsetenv (PAGE_CAP_VARIABLE);

  assert_does_not_fit (server, request, acknowledged);
  /* and again: a failed request leaves the store usable */
  assert_does_not_fit (server, request, acknowledged);
  test_database_assert_intact (server->db_path);

  /* space returns */
  test_server_restart (server, NULL);
  assert_fits_now (server, request, acknowledged);
  test_database_assert_intact (server->db_path);

  test_server_free (server);
}

static void
test_full_tmpfs (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *mount_point = g_build_filename (dir, "disk", NULL);
  g_autoptr(GPtrArray) acknowledged = NULL;
  g_autoptr(CompaniesSyncRequest) request = big_request ();
  g_autoptr(GError) error = NULL;
  TestServer *server;

  g_assert_cmpint (g_mkdir (mount_point, 0700), ==, 0);
  if (mount ("companies-test", mount_point, "tmpfs", MS_NOSUID | MS_NODEV, "size=256k,mode=0700") != 0)
    g_error ("cannot mount a tmpfs on %s: %s", mount_point, g_strerror (errno));

  server = g_new0 (TestServer, 1);
  server->dir = g_strdup (dir);
  server->db_path = g_build_filename (mount_point, "server.db", NULL);
  server->server = companies_test_server_start (server->db_path, NULL, &error);
  g_assert_no_error (error);

  acknowledged = add_acknowledged (server);
  assert_does_not_fit (server, request, acknowledged);

  /* the disk grows under the running server: the same request goes in */
  if (mount ("companies-test", mount_point, "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV,
             "size=16m,mode=0700") != 0)
    g_error ("cannot grow the tmpfs: %s", g_strerror (errno));
  assert_fits_now (server, request, acknowledged);

  companies_test_server_stop (server->server);
  g_clear_pointer (&server->server, companies_test_server_free);
  test_database_assert_intact (server->db_path);
  g_assert_cmpint (umount (mount_point), ==, 0);
  test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/disk-full/page-cap", test_page_cap);
  if (geteuid () == 0)
    g_test_add_func ("/server/disk-full/full-tmpfs", test_full_tmpfs);
  else
    g_test_message ("not root: the tmpfs variant is not registered (CI runs it)");

  return g_test_run ();
}
