/* test-token-store.c: CompaniesTokenStore against a real Secret Service
 * (gnome-keyring-daemon, unlocked, in a D-Bus session of the test's own),
 * the move of older versions' token file into it, and the private file
 * used when no Secret Service runs.
 *
 * Each case runs in a child process (g_test_trap_subprocess ()), so that
 * it talks to its own session bus: a process keeps its first one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-token-store"

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "companies-test-server.h"
#include "companies-test-session.h"
#include "companies-token-keyring.h"
#include "companies-token-store.h"

#define SERVER_A "http://127.0.0.1:8080"
#define SERVER_B "https://[::1]:8443"

/* The folder of the case that runs in the child, from the parent. */
static const char *case_folder;

/* secret-tool's answer for @server in @session: what another program
 * (Seahorse, a script) finds under the documented schema. */
static char *
secret_tool_lookup (CompaniesTestSession *session,
                    const char           *server)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_auto(GStrv) envp = companies_test_session_get_envp (session);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_subprocess_launcher_set_environ (launcher, envp);
  process = g_subprocess_launcher_spawn (launcher, &error, "secret-tool", "lookup",
                                         "xdg:schema", COMPANIES_TOKEN_SCHEMA_NAME,
                                         "server", server, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  return out;
}

static CompaniesTestSession *
start_session (const char *folder,
               gboolean    with_keyring)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bus_folder = g_build_filename (folder, "session", NULL);
  CompaniesTestSession *session;

  g_mkdir_with_parents (bus_folder, 0700);
  session = companies_test_session_start (bus_folder, with_keyring, &error);
  g_assert_no_error (error);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", companies_test_session_get_address (session), TRUE);

  return session;
}

static void
assert_private_file (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  GStatBuf info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (folder, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);
}

static void
write_legacy (CompaniesTokenStore *store,
              const char          *contents)
{
  g_autofree char *folder = g_path_get_dirname (companies_token_store_get_legacy_path (store));
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (folder, 0700);
  g_file_set_contents_full (companies_token_store_get_legacy_path (store), contents, -1,
                            G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
}

static char *
lookup (CompaniesTokenStore *store,
        const char          *server)
{
  g_autoptr(GError) error = NULL;
  char *token = companies_token_store_lookup (store, server, NULL, &error);

  g_assert_no_error (error);
  return token;
}

static void
save (CompaniesTokenStore *store,
      const char          *server,
      const char          *token)
{
  g_autoptr(GError) error = NULL;
  gboolean saved = companies_token_store_save (store, server, token, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (saved);
}

static void
migrate (CompaniesTokenStore *store,
         const char          *server)
{
  g_autoptr(GError) error = NULL;
  gboolean migrated = companies_token_store_migrate (store, server, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (migrated);
}

/* --- The cases, each run in a child process --- */

static void
keyring_case (void)
{
  g_autoptr(CompaniesTestSession) session = start_session (case_folder, TRUE);
  g_autofree char *config = g_build_filename (case_folder, "config", NULL);
  g_autoptr(CompaniesTokenStore) store = companies_token_store_new (config);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *seen = NULL, *cleared = NULL, *kept = NULL;

  /* One token a server, in the keyring, none in a file. */
  save (store, SERVER_A, "token-a");
  save (store, SERVER_B, "token-b");
  g_assert_false (companies_token_store_get_in_file (store));
  a = lookup (store, SERVER_A);
  b = lookup (store, SERVER_B);
  g_assert_cmpstr (a, ==, "token-a");
  g_assert_cmpstr (b, ==, "token-b");
  g_assert_false (g_file_test (companies_token_store_get_file_path (store), G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (config, G_FILE_TEST_EXISTS));

  /* Under the documented schema, for other programs too. */
  seen = secret_tool_lookup (session, SERVER_A);
  g_assert_cmpstr (seen, ==, "token-a");

  /* A token that could not be sent is refused, and the old one stays. */
  g_assert_false (companies_token_store_save (store, SERVER_A, "two words", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  kept = lookup (store, SERVER_A);
  g_assert_cmpstr (kept, ==, "token-a");

  /* An empty token removes it; the other server keeps its own. */
  save (store, SERVER_A, "");
  cleared = lookup (store, SERVER_A);
  g_assert_null (cleared);
  g_clear_pointer (&b, g_free);
  b = lookup (store, SERVER_B);
  g_assert_cmpstr (b, ==, "token-b");
}

static void
migrate_case (void)
{
  g_autoptr(CompaniesTestSession) session = start_session (case_folder, TRUE);
  g_autofree char *config = g_build_filename (case_folder, "config", NULL);
  g_autoptr(CompaniesTokenStore) store = companies_token_store_new (config);
  g_autofree char *moved = NULL, *seen = NULL, *kept = NULL;

  /* The old file's token goes to the app's server, and the file goes. */
  write_legacy (store, "  old-token  \n");
  migrate (store, SERVER_A);
  moved = lookup (store, SERVER_A);
  g_assert_cmpstr (moved, ==, "old-token");
  g_assert_false (g_file_test (companies_token_store_get_legacy_path (store), G_FILE_TEST_EXISTS));
  seen = secret_tool_lookup (session, SERVER_A);
  g_assert_cmpstr (seen, ==, "old-token");

  /* Once: nothing to move is fine, and a token set since wins over an
   * old file that turns up again. */
  migrate (store, SERVER_A);
  save (store, SERVER_A, "new-token");
  write_legacy (store, "stale-token\n");
  migrate (store, SERVER_A);
  kept = lookup (store, SERVER_A);
  g_assert_cmpstr (kept, ==, "new-token");
  g_assert_false (g_file_test (companies_token_store_get_legacy_path (store), G_FILE_TEST_EXISTS));
}

static void
no_keyring_case (void)
{
  g_autoptr(CompaniesTestSession) session = start_session (case_folder, FALSE);
  g_autofree char *config = g_build_filename (case_folder, "config", NULL);
  g_autoptr(CompaniesTokenStore) store = companies_token_store_new (config);
  g_autofree char *a = NULL, *b = NULL, *gone = NULL, *moved = NULL;

  /* No Secret Service on this bus: the private file, and it says so. */
  save (store, SERVER_A, "token-a");
  g_assert_true (companies_token_store_get_in_file (store));
  assert_private_file (companies_token_store_get_file_path (store));
  save (store, SERVER_B, "token-b");
  a = lookup (store, SERVER_A);
  b = lookup (store, SERVER_B);
  g_assert_cmpstr (a, ==, "token-a");
  g_assert_cmpstr (b, ==, "token-b");
  assert_private_file (companies_token_store_get_file_path (store));

  /* The old file moves into the new one (the keyring comes later). */
  save (store, SERVER_A, NULL);
  gone = lookup (store, SERVER_A);
  g_assert_null (gone);
  write_legacy (store, "old-token\n");
  migrate (store, SERVER_A);
  moved = lookup (store, SERVER_A);
  g_assert_cmpstr (moved, ==, "old-token");
  g_assert_false (g_file_test (companies_token_store_get_legacy_path (store), G_FILE_TEST_EXISTS));
  g_assert_true (companies_token_store_get_in_file (store));
}

static void
keyring_later_case (void)
{
  g_autoptr(CompaniesTestSession) session = start_session (case_folder, TRUE);
  g_autofree char *config = g_build_filename (case_folder, "config", NULL);
  g_autoptr(CompaniesTokenStore) store = companies_token_store_new (config);
  g_autofree char *a = NULL, *b = NULL;

  /* The file no_keyring_case left: a keyring runs now, so its tokens move
   * in and the file goes. */
  g_assert_true (g_file_test (companies_token_store_get_file_path (store), G_FILE_TEST_EXISTS));
  migrate (store, SERVER_A);
  g_assert_false (g_file_test (companies_token_store_get_file_path (store), G_FILE_TEST_EXISTS));
  g_assert_false (companies_token_store_get_in_file (store));
  a = lookup (store, SERVER_A);
  b = lookup (store, SERVER_B);
  g_assert_cmpstr (a, ==, "old-token");
  g_assert_cmpstr (b, ==, "token-b");
}

static void
no_bus_case (void)
{
  g_autofree char *config = g_build_filename (case_folder, "config", NULL);
  g_autofree char *address = g_strdup_printf ("unix:path=%s/nothing-listens-here", case_folder);
  g_autoptr(CompaniesTokenStore) store = companies_token_store_new (config);
  g_autofree char *a = NULL;

  /* No session bus at all (a bare ssh login): the file too. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  save (store, SERVER_A, "token-a");
  g_assert_true (companies_token_store_get_in_file (store));
  a = lookup (store, SERVER_A);
  g_assert_cmpstr (a, ==, "token-a");
  assert_private_file (companies_token_store_get_file_path (store));
}

/* The Secret Service's method calls on the bus, in order, as a monitor
 * sees them (docs/cli-start.md: a lookup searches before it opens a
 * session). */
typedef struct
{
  GMutex     mutex;
  GPtrArray *members;
} SeenCalls;

static GDBusMessage *
note_call (GDBusConnection *connection,
           GDBusMessage    *message,
           gboolean         incoming,
           gpointer         user_data)
{
  SeenCalls *seen = user_data;

  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL
      && g_strcmp0 (g_dbus_message_get_interface (message), "org.freedesktop.Secret.Service") == 0)
    {
      g_mutex_lock (&seen->mutex);
      g_ptr_array_add (seen->members, g_strdup (g_dbus_message_get_member (message)));
      g_mutex_unlock (&seen->mutex);
    }

  /* Dropped: GDBus would answer a call that is not its own, and a
   * monitor that sends is disconnected. */
  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      g_object_unref (message);
      return NULL;
    }

  return message;
}

static GDBusConnection *
start_monitor (CompaniesTestSession *session,
               SeenCalls            *seen)
{
  const char *rules[] = { "type='method_call',interface='org.freedesktop.Secret.Service'", NULL };
  g_autoptr(GDBusConnection) monitor = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  monitor = g_dbus_connection_new_for_address_sync (companies_test_session_get_address (session),
                                                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                    NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_add_filter (monitor, note_call, seen, NULL);
  reply = g_dbus_connection_call_sync (monitor, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
                                       g_variant_new ("(^asu)", rules, 0), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&monitor);
}

/* The index of @member among the calls seen, waiting up to 10 s for it. */
static int
wait_for_call (SeenCalls  *seen,
               const char *member)
{
  for (int tries = 0; tries < 1000; tries++)
    {
      int found = -1;

      g_mutex_lock (&seen->mutex);
      for (guint i = 0; i < seen->members->len && found < 0; i++)
        {
          if (g_strcmp0 (g_ptr_array_index (seen->members, i), member) == 0)
            found = (int) i;
        }
      g_mutex_unlock (&seen->mutex);
      if (found >= 0)
        return found;
      g_usleep (10 * 1000);
    }

  return -1;
}

static void
session_case (void)
{
  g_autoptr(CompaniesTestSession) session = start_session (case_folder, TRUE);
  g_autofree char *config = g_build_filename (case_folder, "config", NULL);
  g_autoptr(CompaniesTokenStore) store = companies_token_store_new (config);
  g_autoptr(GDBusConnection) monitor = NULL;
  g_autofree char *absent = NULL, *present = NULL;
  SeenCalls seen = { .members = g_ptr_array_new_with_free_func (g_free) };
  int search, open;

  g_mutex_init (&seen.mutex);
  monitor = start_monitor (session, &seen);

  /* Nothing kept for the server: found by a search alone, no session
   * (its key exchange was most of a no-op `companies-cli sync`). */
  absent = lookup (store, SERVER_A);
  g_assert_null (absent);

  /* Saving opens one, to send the secret encrypted; then the token is
   * read back through it. */
  save (store, SERVER_A, "token-a");
  present = lookup (store, SERVER_A);
  g_assert_cmpstr (present, ==, "token-a");

  search = wait_for_call (&seen, "SearchItems");
  open = wait_for_call (&seen, "OpenSession");
  g_assert_cmpint (search, >=, 0);
  g_assert_cmpint (open, >=, 0);
  g_assert_cmpint (search, <, open);

  g_dbus_connection_close_sync (monitor, NULL, NULL);
  g_ptr_array_unref (seen.members);
  g_mutex_clear (&seen.mutex);
}

/* --- The parent: one child a case --- */

static void
run_in_child (const char *path,
              const char *folder)
{
  g_setenv ("COMPANIES_TEST_CASE_FOLDER", folder, TRUE);
  g_test_trap_subprocess (path, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_keyring (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();

  run_in_child ("/config/token-store/keyring/subprocess", folder);
  companies_test_remove_tree (folder);
}

static void
test_migrate (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();

  run_in_child ("/config/token-store/migrate/subprocess", folder);
  companies_test_remove_tree (folder);
}

static void
test_session (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();

  run_in_child ("/config/token-store/session/subprocess", folder);
  companies_test_remove_tree (folder);
}

static void
test_no_keyring (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();

  /* Without a keyring first, then with one, on the same files. */
  run_in_child ("/config/token-store/no-keyring/subprocess", folder);
  run_in_child ("/config/token-store/keyring-later/subprocess", folder);
  run_in_child ("/config/token-store/no-bus/subprocess", folder);
  companies_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  case_folder = g_getenv ("COMPANIES_TEST_CASE_FOLDER");

  g_test_add_func ("/config/token-store/keyring", test_keyring);
  g_test_add_func ("/config/token-store/migrate", test_migrate);
  g_test_add_func ("/config/token-store/no-keyring-then-keyring", test_no_keyring);
  g_test_add_func ("/config/token-store/session", test_session);
  g_test_add_func ("/config/token-store/keyring/subprocess", keyring_case);
  g_test_add_func ("/config/token-store/migrate/subprocess", migrate_case);
  g_test_add_func ("/config/token-store/no-keyring/subprocess", no_keyring_case);
  g_test_add_func ("/config/token-store/keyring-later/subprocess", keyring_later_case);
  g_test_add_func ("/config/token-store/no-bus/subprocess", no_bus_case);
  g_test_add_func ("/config/token-store/session/subprocess", session_case);

  return g_test_run ();
}
