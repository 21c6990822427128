/* test-file-modes.c: the database files of both sides are private
 * whatever the umask: the server's and the client's database, their -wal
 * and -shm, and the client's sync lock are 0600, and a companion left
 * readable by others is made private again; a TLS key any user can read
 * is refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-file-modes"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "companies-local-store.h"
#include "companies-server-store-sqlite.h"
#include "companies-server-tls.h"
#include "server-test-util.h"

static void
assert_mode (const char *path,
             const char *suffix,
             guint       mode)
{
  g_autofree char *file = g_strconcat (path, suffix, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_test_message ("%s: %03o", file, (guint) (st.st_mode & 0777));
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

static void
test_database_private (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "server.db", NULL);
  g_autoptr(GError) error = NULL;
  CompaniesServerStore *store;
  CompaniesServerStore *reader;
  mode_t old_umask = umask (022);

  store = companies_server_store_sqlite_open (path, &error);
  g_assert_no_error (error);
  reader = companies_server_store_sqlite_open_reader (path, &error);
  g_assert_no_error (error);

  assert_mode (path, "", 0600);
  assert_mode (path, "-wal", 0600);
  assert_mode (path, "-shm", 0600);

  companies_server_store_close (reader);
  companies_server_store_close (store);
  assert_mode (path, "", 0600);

  umask (old_umask);
  companies_test_remove_tree (dir);
}

static void
test_new_store_private (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "folder", "companies.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(GError) error = NULL;
  const char *values[COMPANIES_N_FIELDS] = { "Acme", NULL, };
  mode_t old_umask = umask (022);

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);

  /* Open, with the WAL holding the add: all three private. */
  assert_mode (path, "", 0600);
  assert_mode (path, "-wal", 0600);
  assert_mode (path, "-shm", 0600);

  g_clear_object (&store);
  assert_mode (path, "", 0600);
  umask (old_umask);
  companies_test_remove_tree (dir);
}

static void
test_readable_companion_tightened (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "companies.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  mode_t old_umask = umask (022);

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  /* An empty WAL made readable by others (as an older version left it). */
  g_assert_true (g_file_set_contents (wal, "", 0, NULL));
  g_assert_cmpint (g_chmod (wal, 0644), ==, 0);

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  assert_mode (path, "-wal", 0600);
  assert_mode (path, "-shm", 0600);

  g_clear_object (&store);
  umask (old_umask);
  companies_test_remove_tree (dir);
}

static void
test_cli_files_private (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cli.db", NULL);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", dir, TRUE);
  const char *cli = g_getenv ("COMPANIES_CLI");
  /* Nothing listens on port 1: the sync takes its lock, then fails. */
  const char *argv[] = { cli, "--database", path, "sync", "--server", "http://127.0.0.1:1", NULL };
  g_autoptr(GError) error = NULL;
  mode_t old_umask = umask (022);
  int wait_status = 0;

  g_assert_nonnull (cli);
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 3);

  assert_mode (path, "", 0600);
  assert_mode (path, ".sync-lock", 0600);

  umask (old_umask);
  companies_test_remove_tree (dir);
}

static void
test_readable_tls_key_refused (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *certificate = g_build_filename (dir, "server.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "server.key", NULL);
  static const guint modes[] = { 0644, 0604, 0602 };

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_fail_printf ("TLS is not available: install glib-networking");
      return;
    }

  /* Refused before the key is read: its contents do not matter. */
  g_assert_true (g_file_set_contents (certificate, "not read\n", -1, NULL));
  g_assert_true (g_file_set_contents (key, "not read\n", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *mode = g_strdup_printf ("mode %03o", modes[i]);
      GTlsCertificate *loaded;

      g_assert_cmpint (g_chmod (key, modes[i]), ==, 0);
      loaded = companies_server_tls_load (certificate, key, &error);
      g_assert_null (loaded);
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM);
      g_assert_nonnull (strstr (error->message, "may be read by any user"));
      g_assert_nonnull (strstr (error->message, mode));
      g_assert_nonnull (strstr (error->message, "chmod 600"));
    }

  companies_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file-modes/server-database-private", test_database_private);
  g_test_add_func ("/file-modes/server-readable-tls-key-refused", test_readable_tls_key_refused);
  g_test_add_func ("/file-modes/client-new-store-private", test_new_store_private);
  g_test_add_func ("/file-modes/client-readable-companion-tightened", test_readable_companion_tightened);
  g_test_add_func ("/file-modes/client-cli-files-private", test_cli_files_private);

  return g_test_run ();
}
