/* companies-test-nginx.c: a private nginx for a test
 *
 * The configuration is data/nginx/companies.conf.in, filled in here as
 * build-aux/cluster.sh fills it in, so the tests run what people deploy.
 * nginx runs as one process (-g 'master_process off;'): a test that
 * aborts leaves no worker behind, and as root no worker switches to
 * "nobody", which could not enter the test's private folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <signal.h>
#include <string.h>

#include "companies-test-nginx.h"
#include "companies-test-process.h"
#include "companies-test-server.h"

#define START_TIMEOUT_MS  10000
#define STOP_TIMEOUT_MS   10000
#define START_ATTEMPTS    5

struct _CompaniesTestNginx
{
  char        *dir;
  char        *url;
  char        *ca_file;
  char        *log_path;
  GSubprocess *process;
};

static char *
find_program (const char *name)
{
  char *path = g_find_program_in_path (name);
  char *sbin;

  if (path != NULL)
    return path;

  /* not on a user's PATH on Debian */
  sbin = g_build_filename ("/usr/sbin", name, NULL);
  if (g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
    return sbin;

  g_free (sbin);
  return NULL;
}

/* A self-signed certificate for 127.0.0.1, and its key, in @dir. */
static gboolean
make_certificate (CompaniesTestNginx  *self,
                  GError             **error)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *key = g_build_filename (self->dir, "key.pem", NULL);
  g_autofree char *output = NULL;
  const char *argv[] = {
    openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", key, "-out", self->ca_file, NULL
  };
  int status;

  if (openssl == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the nginx tests need the openssl command (Debian package openssl)");
      return FALSE;
    }

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &output, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "openssl failed: %s", output);
      return FALSE;
    }

  return TRUE;
}

/* A port nobody listens on now (nginx cannot pick one itself). */
static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static char *
fill_template (CompaniesTestNginx *self,
               const char         *template_text,
               const guint16      *ports,
               guint               n_ports,
               guint16             port)
{
  g_autoptr(GString) config = g_string_new (template_text);
  g_autoptr(GString) servers = g_string_new (NULL);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *key = g_build_filename (self->dir, "key.pem", NULL);

  for (guint i = 0; i < n_ports; i++)
    g_string_append_printf (servers, "    server 127.0.0.1:%u max_fails=1 fail_timeout=2s;\n",
                            ports[i]);

  g_assert_cmpuint (g_string_replace (config, "@SERVERS@\n", servers->str, 0), ==, 1);
  g_assert_cmpuint (g_string_replace (config, "@LISTEN@", listen, 0), ==, 1);
  g_assert_cmpuint (g_string_replace (config, "@CERTIFICATE@", self->ca_file, 0), ==, 1);
  g_assert_cmpuint (g_string_replace (config, "@KEY@", key, 0), ==, 1);

  return g_string_free (g_steal_pointer (&config), FALSE);
}

/* Whether 127.0.0.1:@port accepts a connection. */
static gboolean
accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

/* Runs nginx on @port; FALSE with @error when it exited instead. */
static gboolean
run (CompaniesTestNginx  *self,
     const char          *nginx,
     guint16              port,
     GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;

  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_child_setup (launcher, companies_test_die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, error, nginx,
                                               "-p", self->dir, "-c", "companies.conf",
                                               "-e", "stderr",
                                               "-g", "daemon off; master_process off;",
                                               NULL);
  if (self->process == NULL)
    return FALSE;

  while (g_get_monotonic_time () < deadline)
    {
      if (accepts (port))
        {
          self->url = g_strdup_printf ("https://127.0.0.1:%u", port);
          return TRUE;
        }
      /* no identifier once it exited */
      if (g_subprocess_get_identifier (self->process) == NULL)
        break;
      g_usleep (50 * 1000);  /* polling nginx's start */
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nginx did not start: %s",
               companies_test_nginx_get_log (self));
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
  return FALSE;
}

CompaniesTestNginx *
companies_test_nginx_start (const guint16  *ports,
                            guint           n_ports,
                            GError        **error)
{
  g_autoptr(CompaniesTestNginx) self = g_new0 (CompaniesTestNginx, 1);
  g_autofree char *nginx = find_program ("nginx");
  g_autofree char *template_path = NULL;
  g_autofree char *template_text = NULL;

  g_return_val_if_fail (n_ports > 0, NULL);

  if (nginx == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the nginx tests need nginx (Debian package nginx-light)");
      return NULL;
    }

  if (g_getenv ("G_TEST_SRCDIR") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "G_TEST_SRCDIR is not set: run the tests with meson test");
      return NULL;
    }
  template_path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data", "nginx",
                                    "companies.conf.in", NULL);
  if (!g_file_get_contents (template_path, &template_text, NULL, error))
    return NULL;

  self->dir = companies_test_make_tmpdir ();
  self->ca_file = g_build_filename (self->dir, "cert.pem", NULL);
  self->log_path = g_build_filename (self->dir, "error.log", NULL);
  if (!make_certificate (self, error))
    return NULL;

  /* another may take the free port before nginx does: try again */
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *config_path = g_build_filename (self->dir, "companies.conf", NULL);
      guint16 port = free_port ();
      g_autofree char *config = fill_template (self, template_text, ports, n_ports, port);

      if (!g_file_set_contents (config_path, config, -1, error))
        return NULL;
      if (run (self, nginx, port, &local_error))
        return g_steal_pointer (&self);
      if (attempt == START_ATTEMPTS || strstr (local_error->message, "in use") == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

const char *
companies_test_nginx_get_url (CompaniesTestNginx *self)
{
  return self->url;
}

const char *
companies_test_nginx_get_ca_file (CompaniesTestNginx *self)
{
  return self->ca_file;
}

char *
companies_test_nginx_get_log (CompaniesTestNginx *self)
{
  char *text = NULL;

  if (!g_file_get_contents (self->log_path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

void
companies_test_nginx_free (CompaniesTestNginx *self)
{
  if (self == NULL)
    return;

  if (self->process != NULL)
    {
      g_autoptr(GBytes) out = NULL;
      g_autoptr(GBytes) err = NULL;

      g_subprocess_send_signal (self->process, SIGQUIT);
      if (!companies_test_process_communicate (self->process, NULL, STOP_TIMEOUT_MS, &out, &err))
        g_warning ("nginx did not stop within %u ms: killed", STOP_TIMEOUT_MS);
      g_clear_object (&self->process);
    }

  if (self->dir != NULL)
    companies_test_remove_tree (self->dir);

  g_free (self->dir);
  g_free (self->url);
  g_free (self->ca_file);
  g_free (self->log_path);
  g_free (self);
}
