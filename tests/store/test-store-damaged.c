/* test-store-damaged.c: a damaged or foreign local database is refused
 * the same way by every command, and nothing is written to it.
 *
 * A store of a few hundred companies is damaged in fixed ways (cut short,
 * header zeroed, b-tree pages with flipped bytes, a uuid and a name
 * changed in place, emptied, replaced by text). Each damaged file is
 * opened through companies_local_store_open_checked () and through every
 * companies-cli command; each must refuse it and leave it byte for byte
 * as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store-damaged"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "store-test-util.h"

#define N_COMPANIES 300

typedef struct
{
  char   *dir;
  char   *pristine;       /* the undamaged store, closed */
  GBytes *bytes;          /* its contents */
  gsize   page_size;
  char   *uuid;           /* of the company named "Company 0150" */
} Damaged;

static Damaged damaged;

static void
make_pristine_store (void)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  sqlite3 *db;
  gsize length;

  damaged.dir = companies_test_make_tmpdir ();
  damaged.pristine = g_build_filename (damaged.dir, "pristine.db", NULL);
  store = companies_local_store_open (damaged.pristine, &error);
  g_assert_no_error (error);
  /* Test only: the fsync of each commit adds nothing here. */
  g_assert_cmpint (sqlite3_exec (companies_local_store_get_db (store), "PRAGMA synchronous = OFF",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  for (guint i = 0; i < N_COMPANIES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Company %04u", i);
      g_autofree char *notes = g_strnfill (i % 400, 'n');
      g_autoptr(TestValues) values = test_values (name, COMPANIES_FIELD_CITY, "Porto",
                                                  COMPANIES_FIELD_NOTES, notes, -1);
      g_autoptr(CompaniesCompany) company = companies_local_store_create_for_sync (store, values, &error);

      g_assert_no_error (error);
      if (i == 150)
        damaged.uuid = g_strdup (companies_company_get_uuid (company));
    }
  /* Closing checkpoints the WAL: the file stands alone. */
  g_clear_object (&store);

  db = test_raw_open (damaged.pristine);
  damaged.page_size = test_raw_int (db, "PRAGMA page_size");
  sqlite3_close (db);

  g_assert_true (g_file_get_contents (damaged.pristine, &contents, &length, NULL));
  damaged.bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  g_assert_cmpuint (length % damaged.page_size, ==, 0);
  g_assert_cmpuint (length / damaged.page_size, >, 20);
}

/* The pages of b-tree @name of type @type ("leaf", "internal"). */
static GArray *
pages_of (const char *name,
          const char *type)
{
  GArray *pages = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *db = test_raw_open (damaged.pristine);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pageno FROM dbstat WHERE name = ?1 AND pagetype = ?2 "
                                           "ORDER BY pageno", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, type, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 page = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (pages, page);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_cmpuint (pages->len, >, 0);
  return pages;
}

/* A copy of the pristine bytes with @length bytes at @offset of page
 * @page (1-based) inverted. */
static GBytes *
flip (gint64 page,
      gsize  offset,
      gsize  length)
{
  gsize size;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (damaged.bytes), &size);
  gsize start = (page - 1) * damaged.page_size + offset;

  g_assert_cmpuint (start + length, <=, size);
  for (gsize i = 0; i < length; i++)
    data[start + i] ^= 0xff;

  return g_bytes_new_take (data, size);
}

/* A middle page of b-tree @name of type @type. */
static gint64
middle_page (const char *name,
             const char *type)
{
  g_autoptr(GArray) pages = pages_of (name, type);

  return g_array_index (pages, gint64, pages->len / 2);
}

/* A copy where the text @from, found in a leaf page of the companies
 * table, is replaced in place by @to (as long): the record stays well
 * formed, only an index no longer matches it. */
static GBytes *
change_in_place (const char *from,
                 const char *to)
{
  g_autoptr(GArray) leaves = pages_of ("companies", "leaf");
  gsize size;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (damaged.bytes), &size);
  gsize from_length = strlen (from);

  g_assert_cmpuint (from_length, ==, strlen (to));
  for (guint i = 0; i < leaves->len; i++)
    {
      guint8 *page = data + (g_array_index (leaves, gint64, i) - 1) * damaged.page_size;
      guint8 *found = memmem (page, damaged.page_size, from, from_length);

      if (found != NULL)
        {
          memcpy (found, to, from_length);
          return g_bytes_new_take (data, size);
        }
    }

  g_assert_not_reached ();
}

static GBytes *
damage (const char *kind)
{
  gsize size = g_bytes_get_size (damaged.bytes);

  if (g_str_equal (kind, "truncated"))
    return g_bytes_new_from_bytes (damaged.bytes, 0, size / damaged.page_size / 2 * damaged.page_size);
  if (g_str_equal (kind, "zeroed-header"))
    {
      guint8 *data = g_bytes_unref_to_data (g_bytes_ref (damaged.bytes), &size);

      memset (data, 0, 100);
      return g_bytes_new_take (data, size);
    }
  if (g_str_equal (kind, "leaf-page-header"))
    return flip (middle_page ("companies", "leaf"), 0, 8);
  if (g_str_equal (kind, "leaf-cell-pointers"))
    return flip (middle_page ("companies", "leaf"), 8, 16);
  if (g_str_equal (kind, "interior-page"))
    return flip (middle_page ("companies", "internal"), 12, 8);
  if (g_str_equal (kind, "index-page"))
    return flip (middle_page ("companies_name_idx", "leaf"), 16, 8);
  if (g_str_equal (kind, "uuid-in-place"))
    {
      g_autofree char *to = g_strdup (damaged.uuid);

      to[0] = to[0] == '0' ? '1' : '0';
      return change_in_place (damaged.uuid, to);
    }
  if (g_str_equal (kind, "name-in-place"))
    return change_in_place ("Company 0150", "Company 0x50");
  if (g_str_equal (kind, "empty"))
    return g_bytes_new_static ("", 0);
  if (g_str_equal (kind, "text"))
    return g_bytes_new_static ("Companies\nAcme;Porto\nInitech;Lisboa\n", 36);

  g_assert_not_reached ();
}

static const char * const kinds[] = {
  "truncated", "zeroed-header", "leaf-page-header", "leaf-cell-pointers",
  "interior-page", "index-page", "uuid-in-place", "name-in-place",
  "empty", "text",
};

/* Writes @contents at DIR/@kind.db; returns the path. */
static char *
write_damaged (const char *kind,
               GBytes     *contents)
{
  g_autofree char *name = g_strconcat (kind, ".db", NULL);
  char *path = g_build_filename (damaged.dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  return path;
}

/* The file holds @contents, and nothing beside it was left. */
static void
assert_untouched (const char *path,
                  GBytes     *contents)
{
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autoptr(GBytes) after_bytes = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *new_prefix = g_strconcat (base, ".new-", NULL);
  const char *name;
  gsize length;

  g_assert_true (g_file_get_contents (path, &after, &length, NULL));
  after_bytes = g_bytes_new_take (g_steal_pointer (&after), length);
  g_assert_true (g_bytes_equal (after_bytes, contents));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  dir = g_dir_open (damaged.dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, new_prefix));
}

static void
test_store_refuses (gconstpointer data)
{
  const char *kind = data;
  g_autoptr(GBytes) contents = damage (kind);
  g_autofree char *path = write_damaged (kind, contents);
  g_autoptr(GError) error = NULL;
  CompaniesLocalStore *store;

  store = companies_local_store_open_checked (path, &error);
  g_assert_null (store);
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  assert_untouched (path, contents);
}

/* Runs companies-cli --database @path @args…; returns its exit status. */
static int
run_cli (const char  *path,
         const char **args,
         char       **out_stdout,
         char       **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  int wait_status = 0;

  env = g_environ_unsetenv (env, "COMPANIES_DATABASE");
  env = g_environ_unsetenv (env, "COMPANIES_TOKEN");
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", damaged.dir, TRUE);

  g_ptr_array_add (argv, (gpointer) g_getenv ("COMPANIES_CLI"));
  g_assert_nonnull (argv->pdata[0]);
  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, (gpointer) path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                out_stdout, out_stderr, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

static void
test_cli_refuses (gconstpointer data)
{
  const char *kind = data;
  g_autoptr(GBytes) contents = damage (kind);
  g_autofree char *path = write_damaged (kind, contents);
  g_autofree char *csv = g_strconcat (path, ".csv", NULL);
  /* Nothing listens on port 1: a sync that got past the store would
   * fail to connect (3) instead of failing on the store (7). */
  const char *commands[][6] = {
    { "list", NULL },
    { "status", NULL },
    { "export", NULL },
    { "import", csv, NULL },
    { "add", "--name", "Added", NULL },
    { "update", damaged.uuid, "--name", "Renamed", NULL },
    { "delete", damaged.uuid, NULL },
    { "sync", "--server", "http://127.0.0.1:1", NULL },
  };

  g_assert_true (g_file_set_contents (csv, "name\nImported\n", -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *rest = NULL;
      int status = run_cli (path, commands[i], &out, &err);

      g_test_message ("%s %s: %d %s", kind, commands[i][0], status, err);
      g_assert_cmpint (status, ==, g_str_equal (commands[i][0], "sync") ? 7 : 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_nonnull (strstr (err, "damaged"));
      /* One message, naming the file once. */
      g_assert_nonnull (strstr (err, path));
      rest = g_strdup (strstr (err, path) + strlen (path));
      g_assert_null (strstr (rest, path));
      g_assert_cmpstr (strchr (err, '\n'), ==, err + strlen (err) - 1);
      assert_untouched (path, contents);
    }
}

/* The undamaged store passes the same checks: a damaged copy is what
 * each case above refuses, not the store itself. */
static void
test_pristine_accepted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = write_damaged ("pristine-copy", damaged.bytes);
  const char *list[] = { "status", NULL };
  CompaniesLocalStore *store;

  store = companies_local_store_open_checked (path, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  g_assert_cmpint (run_cli (path, list, &out, &err), ==, 0);
  g_assert_true (g_regex_match_simple ("^Companies: +300$", out, G_REGEX_MULTILINE, 0));
}

static guint64
record_inode (const char *path)
{
  g_autofree char *record = g_strconcat (path, ".checked", NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (record, &st), ==, 0);
  return st.st_ino;
}

/* The record, held open: its inode stays taken while the test looks, so
 * a record written anew cannot get the same number back. */
static int
hold_record (const char *path,
             guint64    *out_inode)
{
  g_autofree char *record = g_strconcat (path, ".checked", NULL);
  struct stat st;
  int fd = g_open (record, O_RDONLY | O_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  *out_inode = st.st_ino;
  return fd;
}

/* A session that writes nothing leaves the record of the last sound state
 * as it is, not written again (a rename each open and close, for every
 * command); one that writes replaces it. */
static void
test_record_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_damaged ("record-kept", damaged.bytes);
  g_autoptr(TestValues) values = test_values ("Added here", -1);
  g_autoptr(CompaniesCompany) company = NULL;
  CompaniesStoreStatus status = { 0 };
  CompaniesLocalStore *store;
  guint64 inode;
  int held;

  store = companies_local_store_open_checked (path, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  held = hold_record (path, &inode);

  store = companies_local_store_open_checked (path, &error);
  g_assert_no_error (error);
  g_assert_true (companies_local_store_get_status (store, &status, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  g_assert_cmpuint (record_inode (path), ==, inode);

  store = companies_local_store_open_checked (path, &error);
  g_assert_no_error (error);
  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  g_assert_cmpuint (record_inode (path), !=, inode);
  g_close (held, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  make_pristine_store ();

  g_test_add_func ("/store-damaged/pristine-accepted", test_pristine_accepted);
  g_test_add_func ("/store-damaged/record-kept", test_record_kept);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *store_path = g_strconcat ("/store-damaged/store/", kinds[i], NULL);
      g_autofree char *cli_path = g_strconcat ("/store-damaged/cli/", kinds[i], NULL);

      g_test_add_data_func (store_path, kinds[i], test_store_refuses);
      g_test_add_data_func (cli_path, kinds[i], test_cli_refuses);
    }

  status = g_test_run ();

  companies_test_remove_tree (damaged.dir);
  g_free (damaged.dir);
  g_free (damaged.pristine);
  g_free (damaged.uuid);
  g_bytes_unref (damaged.bytes);
  return status;
}
