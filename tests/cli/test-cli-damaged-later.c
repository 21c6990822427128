/* test-cli-damaged-later.c: a local database damaged after a clean check
 * is refused by every companies-cli command, and left as it was.
 *
 * A command checks the file in full only when its files differ from the
 * record of the last state known sound (docs/store-checks.md). Each case
 * here passes a full check first, then damages the file the way a program,
 * a person or a restored backup can: bytes changed in place with the old
 * mtime given back, a copy with the old mtime renamed over it, a cut. The
 * last case is damage the file system does not show (the record forged
 * after it): SQLite's own error on the damaged page refuses it, and every
 * command after it refuses too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "companies-local-store.h"
#include "companies-store-fingerprint.h"
#include "cli-test-helpers.h"

#define N_COMPANIES 400

typedef struct
{
  CliFixture  cli;
  char       *uuid;        /* of "Company 0200" */
  gint64      leaf_page;   /* a middle leaf page of the companies table */
  gsize       page_size;
} Fixture;

/* The page size and a middle leaf page of the companies table. */
static void
find_leaf_page (const char *path,
                Fixture    *f)
{
  g_autofree char *uri = g_strconcat ("file:", path, "?immutable=1", NULL);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;

  /* Read-only and immutable: finding the page changes nothing. */
  g_assert_cmpint (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT (SELECT page_size FROM pragma_page_size), pageno FROM dbstat"
                                       " WHERE name = 'companies' AND pagetype = 'leaf' ORDER BY pageno"
                                       " LIMIT 1 OFFSET (SELECT count(*) / 2 FROM dbstat"
                                       " WHERE name = 'companies' AND pagetype = 'leaf')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  f->page_size = (gsize) sqlite3_column_int64 (stmt, 0);
  f->leaf_page = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  g_auto(CliRun) run = { 0 };

  cli_fixture_setup (&f->cli, data);

  store = companies_local_store_open (f->cli.db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_COMPANIES; i++)
    {
      const char **values = g_new0 (const char *, COMPANIES_N_FIELDS);

      values[COMPANIES_FIELD_NAME] = g_strdup_printf ("Company %04u", i);
      values[COMPANIES_FIELD_NOTES] = "Some notes that fill the pages of the table a little.";
      g_ptr_array_add (rows, values);
    }
  g_assert_true (companies_local_store_import_for_sync (store, rows, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    g_free ((char *) ((const char **) g_ptr_array_index (rows, i))[COMPANIES_FIELD_NAME]);

  list = companies_local_store_list (store, FALSE, &error);
  g_assert_no_error (error);
  f->uuid = g_strdup (companies_company_get_uuid (g_ptr_array_index (list, 200)));
  g_clear_object (&store);

  find_leaf_page (f->cli.db, f);

  /* The clean check: in full, as no record is there, then recorded. */
  record = companies_store_fingerprint_path (f->cli.db);
  g_unlink (record);
  g_assert_cmpint (cli_run (&f->cli, &run, "--database", f->cli.db, "status", NULL), ==, 0);
  g_assert_true (g_file_test (record, G_FILE_TEST_IS_REGULAR));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->uuid);
  cli_fixture_teardown (&f->cli, data);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* Gives @path the atime and mtime of @times, as touch -r does. */
static void
restore_times (const char        *path,
               const struct stat *times)
{
  const struct timespec both[2] = { times->st_atim, times->st_mtim };

  g_assert_cmpint (utimensat (AT_FDCWD, path, both, 0), ==, 0);
}

/* Inverts @length bytes at @offset of page @page, in place. */
static void
flip_in_place (const char *path,
               gsize       page_size,
               gint64      page,
               gsize       offset,
               gsize       length)
{
  guint8 buffer[64];
  off_t at = (off_t) ((page - 1) * page_size + offset);
  int fd = g_open (path, O_RDWR, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (length, <=, sizeof buffer);
  g_assert_cmpint (pread (fd, buffer, length, at), ==, (ssize_t) length);
  for (gsize i = 0; i < length; i++)
    buffer[i] ^= 0xff;
  g_assert_cmpint (pwrite (fd, buffer, length, at), ==, (ssize_t) length);
  g_assert_cmpint (close (fd), ==, 0);
}

/* Replaces the text @from by @to (as long) where it is in the file, in
 * place: the record stays well formed, only its index no longer matches. */
static void
change_in_place (const char *path,
                 const char *from,
                 const char *to)
{
  g_autoptr(GBytes) bytes = read_file (path);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  const guint8 *found = memmem (data, size, from, strlen (from));
  int fd = g_open (path, O_RDWR, 0);

  g_assert_nonnull (found);
  g_assert_cmpuint (strlen (from), ==, strlen (to));
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, to, strlen (to), found - data), ==, (ssize_t) strlen (to));
  g_assert_cmpint (close (fd), ==, 0);
}

/* Every command refuses the file, exits as for a damaged store, and
 * leaves it byte for byte as it was. */
static void
assert_every_command_refuses (Fixture *f)
{
  g_autoptr(GBytes) before = read_file (f->cli.db);
  const char *db = f->cli.db;
  const char *commands[][8] = {
    { "--database", db, "status", NULL },
    { "--database", db, "list", NULL },
    { "--database", db, "add", "--name", "Added", NULL },
    { "--database", db, "update", f->uuid, "--name", "Renamed", NULL },
    { "--database", db, "delete", f->uuid, NULL },
    /* Nothing listens on port 1: a sync past the store fails with 3. */
    { "--database", db, "sync", "--server", "http://127.0.0.1:1", NULL },
    { "--database", db, "status", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *command = commands[i][2];
      g_autoptr(GBytes) after = NULL;
      g_auto(CliRun) run = { 0 };
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);

      cli_runv (&f->cli, NULL, commands[i], &run);
      g_test_message ("%s: %d %s", command, run.status, run.err);
      g_assert_cmpint (run.status, ==, g_str_equal (command, "sync") ? 7 : 1);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_nonnull (strstr (run.err, "damaged"));

      after = read_file (f->cli.db);
      g_assert_true (g_bytes_equal (before, after));
      g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
    }
}

/* Bytes of a b-tree page changed through the file system, the mtime
 * given back. The ctime cannot be given back: the record differs. */
static void
test_page_changed_mtime_kept (Fixture       *f,
                              gconstpointer  data)
{
  struct stat st;

  g_assert_cmpint (stat (f->cli.db, &st), ==, 0);
  flip_in_place (f->cli.db, f->page_size, f->leaf_page, 0, 8);
  restore_times (f->cli.db, &st);

  assert_every_command_refuses (f);
}

/* A uuid changed inside its record: only the full check finds it (the
 * b-trees stay sound). The mtime is given back, the size is the same. */
static void
test_uuid_changed_mtime_kept (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *to = g_strdup (f->uuid);
  struct stat st;

  to[0] = to[0] == '0' ? '1' : '0';
  g_assert_cmpint (stat (f->cli.db, &st), ==, 0);
  change_in_place (f->cli.db, f->uuid, to);
  restore_times (f->cli.db, &st);

  assert_every_command_refuses (f);
}

/* A damaged copy with the same size and mtime renamed over the file, as
 * cp -p or rsync -t of an old backup does: another inode. */
static void
test_copy_renamed_over (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *copy = g_strconcat (f->cli.db, ".copy", NULL);
  g_autoptr(GBytes) bytes = read_file (f->cli.db);
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_cmpint (stat (f->cli.db, &st), ==, 0);
  g_file_set_contents_full (copy, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  change_in_place (copy, "Company 0200", "Company 0x00");
  restore_times (copy, &st);
  g_assert_cmpint (g_rename (copy, f->cli.db), ==, 0);

  assert_every_command_refuses (f);
}

/* Cut short to a whole number of pages. */
static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  struct stat st;

  g_assert_cmpint (stat (f->cli.db, &st), ==, 0);
  g_assert_cmpint (truncate (f->cli.db, (off_t) (f->leaf_page * f->page_size)), ==, 0);
  restore_times (f->cli.db, &st);

  assert_every_command_refuses (f);
}

/* Damage the file system does not show (a bad disk sector, a write under
 * the file system): forged here by recording the damaged state. The first
 * command that reads the damaged page meets SQLite's error and refuses;
 * the record is gone with it, and every command after it refuses too. */
static void
test_unseen_damage (Fixture       *f,
                    gconstpointer  data)
{
  CompaniesStoreFingerprint forged = { NULL };
  g_autofree char *record = companies_store_fingerprint_path (f->cli.db);
  g_auto(CliRun) list = { 0 };

  flip_in_place (f->cli.db, f->page_size, f->leaf_page, 0, 8);
  companies_store_fingerprint_take (&forged, f->cli.db);
  companies_store_fingerprint_record (&forged, f->cli.db);
  companies_store_fingerprint_clear (&forged);

  g_assert_cmpint (cli_run (&f->cli, &list, "--database", f->cli.db, "list", NULL), ==, 1);
  g_assert_nonnull (strstr (list.err, "damaged"));
  g_assert_false (g_file_test (record, G_FILE_TEST_EXISTS));

  assert_every_command_refuses (f);
}

/* Without damage the record spares the full check, and the file stays
 * usable: writes keep the record current. */
static void
test_sound_file_stays_usable (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *record = companies_store_fingerprint_path (f->cli.db);
  g_autofree char *recorded = NULL;
  g_autofree char *out = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_get_contents (record, &recorded, NULL, NULL));
  g_free (cli_ok (&f->cli, "update", f->uuid, "--name", "Renamed", NULL));
  g_assert_true (g_file_get_contents (record, &after, NULL, NULL));
  g_assert_cmpstr (recorded, !=, after);

  out = cli_ok (&f->cli, "status", NULL);
  g_assert_nonnull (strstr (out, "400"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/cli/damaged-later/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("page-changed-mtime-kept", test_page_changed_mtime_kept);
  ADD ("uuid-changed-mtime-kept", test_uuid_changed_mtime_kept);
  ADD ("copy-renamed-over", test_copy_renamed_over);
  ADD ("truncated", test_truncated);
  ADD ("unseen-damage", test_unseen_damage);
  ADD ("sound-file-stays-usable", test_sound_file_stays_usable);
#undef ADD

  return g_test_run ();
}
