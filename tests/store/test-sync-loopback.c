/* test-sync-loopback.c: a sync with a companies-server on 127.0.0.1 over
 * plain HTTP loads no GIO module (no proxy resolver, no TLS backend, no
 * GSettings): what kept a no-op `companies-cli sync` slow to start.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "companies-sync-client.h"
#include "store-test-util.h"

/* Whether a file under GIO's modules folder is mapped in this process. */
static gboolean
gio_module_loaded (void)
{
  g_autofree char *maps = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, &error));
  g_assert_no_error (error);
  return strstr (maps, "/gio/modules/") != NULL;
}

static void
test_loopback_no_modules (void)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *server_db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *path = g_build_filename (dir, "companies.db", NULL);
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;

  server = companies_test_server_start (server_db, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (companies_test_server_get_url (server), "http://127.0.0.1:"));
  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  g_object_unref (test_create (store, "Sent over loopback"));
  g_assert_false (gio_module_loaded ());

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (path, companies_test_server_get_url (server), NULL);
      g_autoptr(CompaniesSyncResult) result = companies_sync_client_sync (client, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (result->sent, ==, i == 0 ? 1 : 0);
    }

  g_assert_false (gio_module_loaded ());

  g_clear_object (&store);
  companies_test_server_stop (server);
  companies_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/loopback/no-gio-modules", test_loopback_no_modules);

  return g_test_run ();
}
