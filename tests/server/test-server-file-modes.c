/* test-server-file-modes.c: the server's database, its -wal and -shm are
 * 0600 whatever the umask, and a TLS key any user can read is refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-file-modes"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

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

  g_test_add_func ("/server-file-modes/database-private", test_database_private);
  g_test_add_func ("/server-file-modes/readable-tls-key-refused", test_readable_tls_key_refused);

  return g_test_run ();
}
