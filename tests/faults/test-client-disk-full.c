/* test-client-disk-full.c: the client's disk fills up. ForSync writes fail
 * with COMPANIES_STORE_ERROR_FULL and a clear message, leaving nothing half
 * written; a sync whose pull does not fit fails with
 * COMPANIES_SYNC_ERROR_STORAGE and leaves the store as it was; once space
 * returns, the next sync converges without duplicates.
 *
 * The disk is a small tmpfs mounted in a mount namespace of the test's own
 * (root, as in CI). Where mounting is refused the test falls back to
 * SQLite's max_page_count, through the test-only
 * COMPANIES_TEST_MAX_PAGE_COUNT that the store honours; it says which ran.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-faults"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "companies-local-store-private.h"
#include "faults-util.h"

#define TMPFS_OPTIONS  "size=8m,mode=0700"
#define N_BASE         5
#define N_PENDING      3
#define MAX_WRITES     400
/* What B sends and A must pull: 2.4 MB, far more than the full disk has
 * left, and than the file and its write-ahead log had before. */
#define N_PULL         300
#define PULL_NOTES     8000

/* Set in main () before any thread exists: a mount namespace of our own,
 * so that mounts are private to this test and its children. */
static gboolean can_mount = FALSE;

typedef enum
{
  DISK_TMPFS,
  DISK_MAX_PAGE_COUNT,
} DiskMode;

typedef struct
{
  E2eWorld  world;
  char     *disk_dir;
  DiskMode  mode;
  gboolean  mounted;
  char     *filler;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  e2e_world_setup (&fixture->world, NULL);
  fixture->disk_dir = e2e_world_path (&fixture->world, "disk");
  g_assert_cmpint (g_mkdir (fixture->disk_dir, 0700), ==, 0);
  fixture->filler = g_build_filename (fixture->disk_dir, "filler", NULL);

  fixture->mode = DISK_MAX_PAGE_COUNT;
  if (can_mount)
    {
      if (mount ("tmpfs", fixture->disk_dir, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTIONS) == 0)
        {
          fixture->mounted = TRUE;
          fixture->mode = DISK_TMPFS;
        }
      else
        g_test_message ("mounting a tmpfs failed: %s", g_strerror (errno));
    }

  g_test_message ("the full disk is %s",
                  fixture->mode == DISK_TMPFS ? "an 8 MiB tmpfs" : "SQLite's max_page_count");
  g_print ("# disk full by %s\n",
           fixture->mode == DISK_TMPFS ? "tmpfs" : "max_page_count (mount refused)");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_unsetenv ("COMPANIES_TEST_MAX_PAGE_COUNT");
  if (fixture->mounted)
    g_assert_cmpint (umount2 (fixture->disk_dir, MNT_DETACH), ==, 0);
  g_free (fixture->disk_dir);
  g_free (fixture->filler);
  e2e_world_teardown (&fixture->world, NULL);
}

static gint64
page_count (CompaniesLocalStore *store)
{
  sqlite3 *db = companies_local_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  gint64 pages;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  pages = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return pages;
}

/* Takes every free byte of the disk. */
static void
fill_disk (Fixture             *fixture,
           CompaniesLocalStore *store)
{
  if (fixture->mode == DISK_TMPFS)
    {
      static const gsize sizes[] = { 65536, 4096, 512, 1 };
      g_autofree char *block = g_malloc0 (sizes[0]);
      int fd = g_open (fixture->filler, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      gsize total = 0;

      g_assert_cmpint (fd, >=, 0);
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          /* bounded: the disk is 8 MiB */
          for (guint i = 0; i < 100000; i++)
            {
              gssize n = write (fd, block, sizes[s]);

              if (n < 0)
                {
                  g_assert_cmpint (errno, ==, ENOSPC);
                  break;
                }
              total += (gsize) n;
            }
        }
      g_assert_cmpint (fsync (fd), ==, 0);
      g_assert_cmpint (close (fd), ==, 0);
      g_test_message ("the filler took %" G_GSIZE_FORMAT " bytes", total);
    }
  else
    {
      g_autofree char *limit = g_strdup_printf ("%" G_GINT64_FORMAT, page_count (store));
      g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %s", limit);

      /* This connection; the sync's own connections are limited around
       * the sync by limit_sync_connections (). */
      g_assert_cmpint (sqlite3_exec (companies_local_store_get_db (store), sql, NULL, NULL, NULL),
                       ==, SQLITE_OK);
    }
}

/* The connection a sync opens on the full disk (max_page_count only; on a
 * tmpfs every connection sees the same full disk). The variable reaches
 * every store this process opens, so it is set only around that sync. */
static void
limit_sync_connections (Fixture             *fixture,
                        CompaniesLocalStore *store,
                        gboolean             limit)
{
  g_autofree char *pages = NULL;

  if (fixture->mode == DISK_TMPFS)
    return;

  if (!limit)
    {
      g_unsetenv ("COMPANIES_TEST_MAX_PAGE_COUNT");
      return;
    }

  pages = g_strdup_printf ("%" G_GINT64_FORMAT, page_count (store));
  g_setenv ("COMPANIES_TEST_MAX_PAGE_COUNT", pages, TRUE);
}

/* Space returns. With max_page_count, the limited connection is
 * closed by the caller and the next ones are not limited. */
static void
free_disk (Fixture *fixture)
{
  if (fixture->mode == DISK_TMPFS)
    g_assert_cmpint (g_unlink (fixture->filler), ==, 0);
}

static void
assert_full_error (const GError *error)
{
  g_autofree char *lower = NULL;

  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FULL);
  lower = g_utf8_strdown (error->message, -1);
  g_assert_nonnull (strstr (lower, "full"));
  g_assert_null (strstr (lower, "sqlite"));
}

static char *
big_text (char        c,
          gsize       length)
{
  char *text = g_malloc (length + 1);

  memset (text, c, length);
  text[length] = '\0';
  return text;
}

static void
test_client_disk_full (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *url = e2e_world_url (&fixture->world);
  g_autofree char *a_path = g_build_filename (fixture->disk_dir, "a.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(E2eClient) b = NULL;
  g_autoptr(E2eClient) fresh = NULL;
  g_autoptr(GPtrArray) acked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) base0 = NULL;
  g_autofree char *notes = big_text ('n', 8000);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean got_full = FALSE;

  store = companies_local_store_open (a_path, &error);
  g_assert_no_error (error);
  client = companies_sync_client_new (a_path, url, NULL);

  /* Some synced records, some pending ones. */
  for (guint i = 0; i < N_BASE + N_PENDING; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", i < N_BASE ? "base" : "pending", i);
      g_autoptr(CompaniesCompany) company = e2e_add (store, name, "Coimbra", "");

      g_ptr_array_add (acked, g_strdup (companies_company_get_uuid (company)));
      if (i == N_BASE - 1)
        {
          result = companies_sync_client_sync (client, NULL, &error);
          g_assert_no_error (error);
        }
    }

  fill_disk (fixture, store);

  /* Writes fail clearly once nothing more fits; each failed one leaves
   * the store exactly as before it. */
  for (guint i = 0; i < MAX_WRITES && !got_full; i++)
    {
      g_autofree char *name = g_strdup_printf ("full-%u", i);
      const char *values[COMPANIES_N_FIELDS] = { name, };
      g_autoptr(CompaniesCompany) company = NULL;

      values[COMPANIES_FIELD_NOTES] = notes;
      g_free (before);
      before = faults_store_picture (store);
      company = companies_local_store_create_for_sync (store, values, &error);
      if (company != NULL)
        {
          g_ptr_array_add (acked, g_strdup (companies_company_get_uuid (company)));
          continue;
        }

      assert_full_error (error);
      g_clear_error (&error);
      got_full = TRUE;
      g_free (after);
      after = faults_store_picture (store);
      g_assert_cmpstr (after, ==, before);
    }
  g_assert_true (got_full);
  g_test_message ("%u large records fitted before the disk was full", acked->len - N_BASE - N_PENDING);

  /* An edit that needs room fails the same way and changes nothing. */
  {
    g_autofree char *long_notes = big_text ('m', 10000);
    const char *values[COMPANIES_N_FIELDS] = { NULL, };
    g_autoptr(CompaniesCompany) company = NULL;

    values[COMPANIES_FIELD_NOTES] = long_notes;
    company = companies_local_store_update_for_sync (store, g_ptr_array_index (acked, 0),
                                                     COMPANIES_FIELD_BIT (COMPANIES_FIELD_NOTES),
                                                     values, &error);
    g_assert_null (company);
    assert_full_error (error);
    g_clear_error (&error);
    g_free (after);
    after = faults_store_picture (store);
    g_assert_cmpstr (after, ==, before);
  }
  faults_assert_integrity (a_path);

  /* Elsewhere, much more than the disk holds is added. */
  b = e2e_client_new (&fixture->world, "b", url, NULL);
  for (guint i = 0; i < N_PULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("pulled-%u", i);
      g_autofree char *pulled_notes = big_text ('a' + (char) (i % 26), PULL_NOTES);
      const char *values[COMPANIES_N_FIELDS] = { name, };
      g_autoptr(CompaniesCompany) company = NULL;

      values[COMPANIES_FIELD_NOTES] = pulled_notes;
      company = companies_local_store_create_for_sync (b->store, values, &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&result, companies_sync_result_free);
  result = e2e_sync_ok (b);

  /* A's sync cannot store the pull: a storage error, nothing changed. */
  g_clear_pointer (&result, companies_sync_result_free);
  limit_sync_connections (fixture, store, TRUE);
  result = companies_sync_client_sync (client, NULL, &error);
  limit_sync_connections (fixture, store, FALSE);
  g_assert_null (result);
  g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE);
  {
    g_autofree char *lower = g_utf8_strdown (error->message, -1);

    g_assert_nonnull (strstr (lower, "full"));
  }
  g_clear_error (&error);
  g_free (after);
  after = faults_store_picture (store);
  g_assert_cmpstr (after, ==, before);
  faults_assert_integrity (a_path);

  /* Space returns: the next sync converges. */
  free_disk (fixture);
  g_clear_object (&store);
  store = companies_local_store_open (a_path, &error);
  g_assert_no_error (error);
  base0 = e2e_set (store, g_ptr_array_index (acked, 0), COMPANIES_FIELD_NOTES, "room again");

  g_clear_pointer (&result, companies_sync_result_free);
  result = companies_sync_client_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  server = e2e_server_records (url, NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, acked->len + N_PULL);
  for (guint i = 0; i < acked->len; i++)
    g_assert_true (g_hash_table_contains (server, g_ptr_array_index (acked, i)));
  e2e_assert_store_equals (store, server);
  faults_assert_integrity (a_path);

  fresh = e2e_client_new (&fixture->world, "fresh", url, NULL);
  g_clear_pointer (&result, companies_sync_result_free);
  result = e2e_sync_ok (fresh);
  mine = e2e_list_all (store);
  theirs = e2e_list_all (fresh->store);
  e2e_assert_same_records (mine, theirs);
}

int
main (int    argc,
      char **argv)
{
  /* Before any thread: a private mount namespace (root only). */
  if (unshare (CLONE_NEWNS) == 0 &&
      mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
    can_mount = TRUE;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/faults/disk-full/client", Fixture, NULL,
              fixture_setup, test_client_disk_full, fixture_teardown);

  return g_test_run ();
}
