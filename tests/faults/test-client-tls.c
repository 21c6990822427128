/* test-client-tls.c: the sync client over HTTPS. A throw-away certificate
 * authority and a server certificate for 127.0.0.1 are made with the
 * openssl command; companies-server serves HTTPS with them
 * (--tls-certificate, --tls-key). With the CA (property, COMPANIES_CA_FILE
 * or companies-cli --ca-file) a full sync works; without it, with another
 * CA, or under another host name, the sync fails with
 * COMPANIES_SYNC_ERROR_CERTIFICATE and changes nothing, here or there.
 * The health check of Preferences' connection test tells the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-faults"

#include <string.h>

#include <glib/gstdio.h>

#include "companies-server-check.h"
#include "faults-util.h"

typedef struct
{
  char                *tmpdir;
  char                *ca;          /* the CA that signed the server's certificate */
  char                *other_ca;    /* a CA that signed nothing of ours */
  CompaniesTestServer *server;
  char                *url;         /* https://127.0.0.1:PORT */
} Fixture;

static void
run_openssl (const char         *dir,
             const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "openssl");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, &out, &err, &status, &error))
    g_error ("could not run openssl (install the openssl package): %s", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("openssl %s failed: %s\n%s", args[0], error->message, err);
}

/* A self-signed certificate authority: NAME.pem and NAME.key in @dir. */
static char *
make_ca (const char *dir,
         const char *name)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *pem = g_strconcat (name, ".pem", NULL);
  g_autofree char *subject = g_strconcat ("/CN=Companies test ", name, NULL);
  const char *args[] = { "req", "-x509", "-new", "-newkey", "ec",
                         "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", key, "-out", pem, "-days", "2", "-subj", subject,
                         "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL };

  run_openssl (dir, args);
  return g_build_filename (dir, pem, NULL);
}

/* server.pem (for IP 127.0.0.1 only, signed by ca) and server.key. */
static void
make_server_certificate (const char *dir)
{
  g_autofree char *ext = g_build_filename (dir, "server.ext", NULL);
  g_autoptr(GError) error = NULL;
  const char *request[] = { "req", "-new", "-newkey", "ec",
                            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                            "-keyout", "server.key", "-out", "server.csr",
                            "-subj", "/CN=127.0.0.1", NULL };
  const char *sign[] = { "x509", "-req", "-in", "server.csr", "-CA", "ca.pem",
                         "-CAkey", "ca.key", "-set_serial", "2", "-days", "2",
                         "-out", "server.pem", "-extfile", "server.ext", NULL };

  g_file_set_contents (ext,
                       "basicConstraints=CA:FALSE\n"
                       "keyUsage=critical,digitalSignature,keyEncipherment\n"
                       "extendedKeyUsage=serverAuth\n"
                       "subjectAltName=IP:127.0.0.1\n",
                       -1, &error);
  g_assert_no_error (error);

  run_openssl (dir, request);
  run_openssl (dir, sign);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *server_db = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  fixture->tmpdir = companies_test_make_tmpdir ();
  fixture->ca = make_ca (fixture->tmpdir, "ca");
  fixture->other_ca = make_ca (fixture->tmpdir, "other-ca");
  make_server_certificate (fixture->tmpdir);

  server_db = g_build_filename (fixture->tmpdir, "server.db", NULL);
  certificate = g_build_filename (fixture->tmpdir, "server.pem", NULL);
  key = g_build_filename (fixture->tmpdir, "server.key", NULL);
  {
    const char *args[] = { "--tls-certificate", certificate, "--tls-key", key, NULL };

    fixture->server = companies_test_server_start (server_db, args, &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (fixture->server);
  g_assert_true (g_str_has_prefix (companies_test_server_get_url (fixture->server), "https://"));
  fixture->url = g_strdup_printf ("https://127.0.0.1:%u",
                                  companies_test_server_get_port (fixture->server));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, companies_test_server_free);
  companies_test_remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->ca);
  g_free (fixture->other_ca);
  g_free (fixture->url);
}

typedef struct
{
  char                *path;
  CompaniesLocalStore *store;
  CompaniesSyncClient *client;
} Client;

static Client *
client_new (Fixture    *fixture,
            const char *name,
            const char *url,
            const char *ca_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  Client *client = g_new0 (Client, 1);

  client->path = g_build_filename (fixture->tmpdir, file, NULL);
  client->store = companies_local_store_open (client->path, &error);
  g_assert_no_error (error);
  client->client = companies_sync_client_new (client->path, url, NULL);
  if (ca_file != NULL)
    companies_sync_client_set_tls_ca_file (client->client, ca_file);

  return client;
}

static void
client_free (Client *client)
{
  g_clear_object (&client->client);
  g_clear_object (&client->store);
  g_free (client->path);
  g_free (client);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

/* The records the server holds, read by a new installation that trusts
 * the right CA. */
static GPtrArray *
server_list (Fixture *fixture)
{
  static guint n_readers = 0;
  g_autofree char *name = g_strdup_printf ("reader-%u", n_readers++);
  g_autoptr(Client) reader = client_new (fixture, name, fixture->url, fixture->ca);
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = companies_sync_client_sync (reader->client, NULL, &error);
  g_assert_no_error (error);
  e2e_assert_clean (reader->store);

  return e2e_list_all (reader->store);
}

static void
assert_certificate_error (const GError *error)
{
  g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "certificate"));
}

static void
test_sync_with_ca (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(Client) a = client_new (fixture, "a", fixture->url, fixture->ca);
  g_autoptr(Client) b = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  g_autoptr(GPtrArray) server = NULL;
  g_autofree char *id_ref = NULL;

  g_assert_cmpstr (companies_sync_client_get_tls_ca_file (a->client), ==, fixture->ca);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("secure-%u", i);

      g_object_unref (e2e_add (a->store, name, "Aveiro", ""));
    }
  result = companies_sync_client_sync (a->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->sent, ==, 5);
  e2e_assert_clean (a->store);

  /* Another installation edits and deletes; A pulls that. (The
   * COMPANIES_CA_FILE way is tested through companies-cli below.) */
  b = client_new (fixture, "b", fixture->url, fixture->ca);
  g_clear_pointer (&result, companies_sync_result_free);
  result = companies_sync_client_sync (b->client, NULL, &error);
  g_assert_no_error (error);
  mine = e2e_list_all (a->store);
  theirs = e2e_list_all (b->store);
  e2e_assert_same_records (mine, theirs);

  {
    CompaniesCompany *first = g_ptr_array_index (theirs, 0);

    id_ref = e2e_id_ref (companies_company_get_id (first));
  }
  g_object_unref (e2e_set (b->store, id_ref, COMPANIES_FIELD_CITY, "Viseu"));
  e2e_delete (b->store, companies_company_get_uuid (g_ptr_array_index (theirs, 1)));
  g_clear_pointer (&result, companies_sync_result_free);
  result = companies_sync_client_sync (b->client, NULL, &error);
  g_assert_no_error (error);

  g_clear_pointer (&result, companies_sync_result_free);
  result = companies_sync_client_sync (a->client, NULL, &error);
  g_assert_no_error (error);

  g_clear_pointer (&mine, g_ptr_array_unref);
  g_clear_pointer (&theirs, g_ptr_array_unref);
  mine = e2e_list_all (a->store);
  theirs = e2e_list_all (b->store);
  server = server_list (fixture);
  g_assert_cmpuint (mine->len, ==, 4);
  e2e_assert_same_records (mine, theirs);
  e2e_assert_same_records (mine, server);
}

static void
test_untrusted (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *localhost_url = g_strdup_printf ("https://localhost:%u",
                                                    companies_test_server_get_port (fixture->server));
  g_autofree char *missing = g_build_filename (fixture->tmpdir, "no-such-ca.pem", NULL);
  g_autoptr(Client) a = client_new (fixture, "a", fixture->url, NULL);
  g_autoptr(GPtrArray) server = NULL;
  g_autofree char *before = NULL;
  struct
  {
    const char *url;
    const char *ca_file;
  } cases[] = {
    { fixture->url, NULL },                 /* the system's trust only */
    { fixture->url, fixture->other_ca },    /* another CA */
    { localhost_url, fixture->ca },         /* the right CA, another name */
    { fixture->url, missing },              /* a CA file that is not there */
  };

  g_object_unref (e2e_add (a->store, "never-sent", "Evora", ""));
  before = faults_store_picture (a->store);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CompaniesSyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      companies_sync_client_set_server_url (a->client, cases[i].url);
      companies_sync_client_set_tls_ca_file (a->client, cases[i].ca_file);
      result = companies_sync_client_sync (a->client, NULL, &error);
      g_assert_null (result);
      assert_certificate_error (error);
      g_test_message ("case %u: %s", i, error->message);
      if (cases[i].ca_file == missing)
        g_assert_nonnull (strstr (error->message, missing));
      else
        g_assert_nonnull (strstr (error->message, "not trusted"));

      after = faults_store_picture (a->store);
      g_assert_cmpstr (after, ==, before);
    }

  /* Nothing reached the server. */
  server = server_list (fixture);
  g_assert_cmpuint (server->len, ==, 0);
}

/* A CA file named relative to the current folder, as in --ca-file ca.pem. */
static void
test_relative_ca (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(Client) a = client_new (fixture, "a", fixture->url, "ca.pem");
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_object_unref (e2e_add (a->store, "relative", "Braga", ""));
  g_assert_cmpint (g_chdir (fixture->tmpdir), ==, 0);
  result = companies_sync_client_sync (a->client, NULL, &error);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (result->sent, ==, 1);
  e2e_assert_clean (a->store);
}

static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "cli.db", NULL);
  g_autofree char *ca_env = g_strconcat ("COMPANIES_CA_FILE=", fixture->ca, NULL);
  const char *add_args[] = { "--database", path, "add", "--name", "from-cli", NULL };
  const char *plain_args[] = { "--database", path, "--server", fixture->url, "sync", NULL };
  const char *ca_args[] = { "--database", path, "--server", fixture->url,
                            "--ca-file", fixture->ca, "sync", NULL };
  const char *other_args[] = { "--database", path, "--server", fixture->url,
                               "--ca-file", fixture->other_ca, "sync", NULL };
  g_autofree char *other_env_text = g_strconcat ("COMPANIES_CA_FILE=", fixture->other_ca, NULL);
  const char *env[] = { ca_env, NULL };
  const char *other_env[] = { other_env_text, NULL };
  g_autoptr(FaultsCliRun) add = faults_cli_run_ok (add_args, NULL);
  g_autoptr(FaultsCliRun) refused = faults_cli_run (plain_args, NULL, 30000);
  /* Another CA, which the CLI makes its process's default database
   * (src/sync/companies-sync-tls.c): still refused, nothing sent. */
  g_autoptr(FaultsCliRun) other = faults_cli_run (other_args, NULL, 30000);
  g_autoptr(FaultsCliRun) other_by_env = faults_cli_run (plain_args, other_env, 30000);
  g_autoptr(FaultsCliRun) with_option = NULL;
  g_autoptr(FaultsCliRun) with_env = NULL;
  g_autoptr(GPtrArray) server = NULL;

  /* Not trusted: exit status 3 (the server could not be reached), a
   * message that says why and what to do. */
  g_assert_true (refused->exited);
  g_assert_cmpint (refused->status, ==, 3);
  g_assert_nonnull (strstr (refused->err, "not trusted"));
  g_assert_nonnull (strstr (refused->err, "--ca-file"));
  for (FaultsCliRun *run = other; run != NULL; run = run == other ? other_by_env : NULL)
    {
      g_assert_true (run->exited);
      g_assert_cmpint (run->status, ==, 3);
      g_assert_nonnull (strstr (run->err, "not trusted"));
    }
  server = server_list (fixture);
  g_assert_cmpuint (server->len, ==, 0);
  g_clear_pointer (&server, g_ptr_array_unref);

  with_option = faults_cli_run_ok (ca_args, NULL);
  server = server_list (fixture);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (server, 0)), ==, "from-cli");

  with_env = faults_cli_run_ok (plain_args, env);
}

/* The health check Preferences asks before a sync: a Companies server
 * with the CA; a TLS problem without it, with another one, or in https
 * to a plain address; nothing sent in either case. */
static void
test_server_check (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *plain = g_strdup_printf ("http://127.0.0.1:%u",
                                            companies_test_server_get_port (fixture->server));
  struct {
    const char *url;
    const char *ca_file;
    gboolean    ok;
    int         code;
  } cases[] = {
    { fixture->url, fixture->ca, TRUE, 0 },
    { fixture->url, fixture->other_ca, FALSE, COMPANIES_SYNC_ERROR_CERTIFICATE },
    { fixture->url, NULL, FALSE, COMPANIES_SYNC_ERROR_CERTIFICATE },
    { plain, fixture->ca, FALSE, COMPANIES_SYNC_ERROR_NETWORK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CompaniesSyncConfig) config = companies_sync_config_new (NULL, cases[i].url, NULL, cases[i].ca_file);
      g_autoptr(GError) error = NULL;
      gboolean ok = companies_server_check (config, NULL, &error);

      g_test_message ("case %u: %s", i, error != NULL ? error->message : "ok");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, COMPANIES_SYNC_ERROR, cases[i].code);
    }
}

int
main (int    argc,
      char **argv)
{
  /* Nothing from outside the test decides what is trusted (before any
   * thread exists). */
  g_unsetenv ("COMPANIES_CA_FILE");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/faults/tls/sync-with-ca", Fixture, NULL,
              fixture_setup, test_sync_with_ca, fixture_teardown);
  g_test_add ("/faults/tls/untrusted", Fixture, NULL,
              fixture_setup, test_untrusted, fixture_teardown);
  g_test_add ("/faults/tls/relative-ca", Fixture, NULL,
              fixture_setup, test_relative_ca, fixture_teardown);
  g_test_add ("/faults/tls/cli", Fixture, NULL,
              fixture_setup, test_cli, fixture_teardown);
  g_test_add ("/faults/tls/server-check", Fixture, NULL,
              fixture_setup, test_server_check, fixture_teardown);

  return g_test_run ();
}
