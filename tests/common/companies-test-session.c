/* companies-test-session.c: a D-Bus session bus of a test's own, with or
 * without gnome-keyring-daemon.
 *
 * The bus starts no service on demand but the accessibility bus: without
 * the keyring daemon no Secret Service runs at all, which is what the
 * file fallback is for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "companies-test-process.h"
#include "companies-test-session.h"

#define START_TIMEOUT_US (20 * G_USEC_PER_SEC)

struct _CompaniesTestSession
{
  char        *folder;
  char        *address;
  GSubprocess *bus;
  GSubprocess *keyring;
};

static const char bus_config[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:dir=%s</listen>\n"
  "  <servicedir>%s</servicedir>\n"
  "  <auth>EXTERNAL</auth>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

char **
companies_test_session_get_envp (CompaniesTestSession *session)
{
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *home = g_build_filename (session->folder, "home", NULL);
  g_autofree char *data = g_build_filename (session->folder, "data", NULL);
  g_autofree char *config = g_build_filename (session->folder, "config", NULL);
  g_autofree char *runtime = g_build_filename (session->folder, "runtime", NULL);

  envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", session->address, TRUE);
  envp = g_environ_setenv (envp, "HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", data, TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config, TRUE);
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", runtime, TRUE);

  return g_steal_pointer (&envp);
}

/* The first line dbus-daemon prints: its address. */
static char *
read_address (GSubprocess  *bus,
              GError      **error)
{
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  char *address = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, error);

  if (address == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "dbus-daemon printed no address");

  return address;
}

/* Polls until the keyring's default collection exists: then it is made
 * and unlocked, and stores work without a prompt. */
static gboolean
wait_for_keyring (CompaniesTestSession  *session,
                  GError               **error)
{
  g_autoptr(GDBusConnection) connection = NULL;
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_US;

  connection = g_dbus_connection_new_for_address_sync (session->address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, error);
  if (connection == NULL)
    return FALSE;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) reply = NULL;
      const char *path = "/";

      reply = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets",
                                           "/org/freedesktop/secrets",
                                           "org.freedesktop.Secret.Service", "ReadAlias",
                                           g_variant_new ("(s)", "default"), G_VARIANT_TYPE ("(o)"),
                                           G_DBUS_CALL_FLAGS_NO_AUTO_START, 1000, NULL, NULL);
      if (reply != NULL)
        g_variant_get (reply, "(&o)", &path);
      if (strcmp (path, "/") != 0)
        return TRUE;

      g_usleep (50 * 1000);
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "gnome-keyring-daemon did not make its login keyring in time");
  return FALSE;
}

static gboolean
start_keyring (CompaniesTestSession  *session,
               GError               **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_auto(GStrv) envp = companies_test_session_get_envp (session);
  const char *folders[] = { "home", "data", "config", "runtime" };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (session->folder, folders[i], NULL);

      g_mkdir_with_parents (path, 0700);
    }

  /* The daemon is not under test: not our debugging switches (it warns,
   * and fatal warnings would end it mid-test). */
  envp = g_environ_unsetenv (envp, "G_DEBUG");
  envp = g_environ_unsetenv (envp, "MALLOC_CHECK_");
  envp = g_environ_unsetenv (envp, "MALLOC_PERTURB_");

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_environ (launcher, envp);
  g_subprocess_launcher_set_child_setup (launcher, companies_test_die_with_parent, NULL, NULL);

  /* --foreground: it stays our child, so that it dies with the test. */
  session->keyring = g_subprocess_launcher_spawn (launcher, error,
                                                  "gnome-keyring-daemon", "--foreground",
                                                  "--unlock", "--components=secrets", NULL);
  if (session->keyring == NULL)
    return FALSE;

  /* The password (empty) on stdin, then end of input. */
  if (!g_output_stream_write_all (g_subprocess_get_stdin_pipe (session->keyring), "\n", 1, NULL, NULL, error) ||
      !g_output_stream_close (g_subprocess_get_stdin_pipe (session->keyring), NULL, error))
    return FALSE;

  return wait_for_keyring (session, error);
}

/* The one service the bus may start: the accessibility bus, for tests
 * that read the AT-SPI tree. Never the Secret Service. */
static gboolean
add_services (const char  *services,
              GError     **error)
{
  const char *a11y = "/usr/share/dbus-1/services/org.a11y.Bus.service";
  g_autofree char *contents = NULL;
  g_autofree char *copy = NULL;

  if (g_mkdir_with_parents (services, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not make %s", services);
      return FALSE;
    }

  if (!g_file_get_contents (a11y, &contents, NULL, NULL))
    return TRUE;

  copy = g_build_filename (services, "org.a11y.Bus.service", NULL);
  return g_file_set_contents (copy, contents, -1, error);
}

CompaniesTestSession *
companies_test_session_start (const char  *folder,
                              gboolean     with_keyring,
                              GError     **error)
{
  g_autoptr(CompaniesTestSession) session = g_new0 (CompaniesTestSession, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *services = NULL;

  session->folder = g_strdup (folder);
  services = g_build_filename (folder, "services", NULL);
  if (!add_services (services, error))
    return NULL;
  config_path = g_build_filename (folder, "session-bus.conf", NULL);
  config = g_strdup_printf (bus_config, folder, services);
  if (!g_file_set_contents (config_path, config, -1, error))
    return NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, companies_test_die_with_parent, NULL, NULL);
  config_arg = g_strconcat ("--config-file=", config_path, NULL);
  session->bus = g_subprocess_launcher_spawn (launcher, error, "dbus-daemon", config_arg,
                                              "--nofork", "--print-address=1", NULL);
  if (session->bus == NULL)
    return NULL;

  session->address = read_address (session->bus, error);
  if (session->address == NULL)
    return NULL;

  if (with_keyring && !start_keyring (session, error))
    return NULL;

  return g_steal_pointer (&session);
}

const char *
companies_test_session_get_address (CompaniesTestSession *session)
{
  return session->address;
}

static void
end_process (GSubprocess *process)
{
  if (process == NULL)
    return;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

void
companies_test_session_free (CompaniesTestSession *session)
{
  if (session == NULL)
    return;

  end_process (session->keyring);
  end_process (session->bus);
  g_clear_object (&session->keyring);
  g_clear_object (&session->bus);
  g_free (session->address);
  g_free (session->folder);
  g_free (session);
}
