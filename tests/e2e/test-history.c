/* test-history.c: history across three clients, and read-only tokens
 * (docs/history.md), end to end: the client library and companies-cli
 * against a real companies-server. Ana and Bob write, Carla's token is
 * read-only. History shows each value with its version, when and who
 * (the token's label), newest first, bounded by count; Carla pulls but
 * her push is refused (COMPANIES_SYNC_ERROR_READ_ONLY, the CLI's exit
 * status 8) and nothing of it reaches the server; offline, history says
 * it needs a connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-history"

#include <string.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

#include "companies-history-fetch.h"
#include "e2e-helpers.h"

#define ANA   "ana-token-0123456789abcdef"
#define BOB   "bob-token-0123456789abcdef"
#define CARLA "carla-token-0123456789abcdef"

static char *
line_for (const char *token,
          const char *rest)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);

  return g_strdup_printf ("sha256:%s %s\n", hash, rest);
}

/* @data: the extra server arguments (NULL-terminated) or NULL. */
static void
fixture_setup (E2eWorld      *world,
               gconstpointer  data)
{
  const char * const *extra = data;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *ana = line_for (ANA, "# Ana's laptop");
  g_autofree char *bob = line_for (BOB, "# Bob");
  g_autofree char *carla = line_for (CARLA, "read-only # Carla");
  g_autofree char *text = g_strconcat (ana, bob, carla, NULL);

  world->tmpdir = companies_test_make_tmpdir ();
  tokens = e2e_world_path (world, "tokens");
  companies_test_write_private (tokens, text);
  g_ptr_array_add (args, g_strdup ("--tokens"));
  g_ptr_array_add (args, g_strdup (tokens));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (extra[i]));
  g_ptr_array_add (args, NULL);

  world->server_db = e2e_world_path (world, "server.db");
  world->server = companies_test_server_start (world->server_db,
                                               (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* companies_history_fetch_async, waited for on the main context. */
static GPtrArray *
fetch_history (const char  *url,
               const char  *token,
               gint64       id,
               GError     **error)
{
  g_autoptr(CompaniesSyncConfig) config = companies_sync_config_new ("unused.db", url, token, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  companies_history_fetch_async (config, id, NULL, fetched_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return companies_history_fetch_finish (result, error);
}

static CompaniesHistoryEntry *
entry_at (GPtrArray *entries,
          guint      index)
{
  g_assert_cmpuint (index, <, entries->len);
  return g_ptr_array_index (entries, index);
}

/* Runs companies-cli with @args on @client's database; returns its exit
 * status and stdout, stderr. */
static int
run_cli (E2eWorld    *world,
         E2eClient   *client,
         const char  *token,
         const char **args,
         char       **out_stdout,
         char       **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) g_getenv ("COMPANIES_CLI"));
  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, client->path);
  g_ptr_array_add (argv, (gpointer) "--server");
  g_ptr_array_add (argv, (gpointer) e2e_world_url (world));
  g_ptr_array_add (argv, (gpointer) "--token");
  g_ptr_array_add (argv, (gpointer) token);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out_stdout, out_stderr, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_three_clients (E2eWorld      *world,
                    gconstpointer  data)
{
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", e2e_world_url (world), ANA);
  g_autoptr(E2eClient) b = e2e_client_new (world, "b", e2e_world_url (world), BOB);
  g_autoptr(E2eClient) c = e2e_client_new (world, "c", e2e_world_url (world), CARLA);
  g_autoptr(CompaniesCompany) added = e2e_add (a->store, "Café Olé", "Porto", "111");
  g_autoptr(CompaniesCompany) synced = NULL;
  g_autoptr(CompaniesCompany) seen = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *history_json[] = { "history", NULL, "--json", NULL };
  const char *sync[] = { "sync", NULL };
  gint64 id;

  e2e_sync_once (a);
  synced = e2e_lookup (a->store, companies_company_get_uuid (added));
  id = companies_company_get_id (synced);
  ref = e2e_id_ref (id);

  e2e_sync_once (b);
  g_clear_object (&seen);
  seen = e2e_set (b->store, ref, COMPANIES_FIELD_PHONE, "222");
  e2e_sync_once (b);
  e2e_sync_once (a);
  g_clear_object (&seen);
  seen = e2e_set (a->store, ref, COMPANIES_FIELD_NOTES, "ring twice");
  e2e_sync_once (a);

  /* Carla pulls everything… */
  e2e_sync_once (c);
  g_clear_object (&seen);
  seen = e2e_lookup (c->store, ref);
  g_assert_cmpstr (companies_company_get_field (seen, COMPANIES_FIELD_NOTES), ==, "ring twice");

  /* …but her push is refused, and nothing of it is applied */
  g_clear_object (&seen);
  seen = e2e_set (c->store, ref, COMPANIES_FIELD_PHONE, "999");
  g_assert_null (e2e_sync (c, &error));
  g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_cmpint (run_cli (world, c, CARLA, sync, &out, &err), ==, 8);
  g_assert_nonnull (strstr (err, "read-only"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  e2e_sync_once (b);
  g_clear_object (&seen);
  seen = e2e_lookup (b->store, ref);
  g_assert_cmpstr (companies_company_get_field (seen, COMPANIES_FIELD_PHONE), ==, "222");

  /* History, read with Carla's read-only token: newest first, who wrote */
  entries = fetch_history (e2e_world_url (world), CARLA, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 5);
  g_assert_cmpstr (entry_at (entries, 0)->field, ==, "notes");
  g_assert_cmpstr (entry_at (entries, 0)->value, ==, "ring twice");
  g_assert_cmpstr (entry_at (entries, 0)->by, ==, "Ana's laptop");
  g_assert_cmpstr (entry_at (entries, 1)->field, ==, "phone");
  g_assert_cmpstr (entry_at (entries, 1)->value, ==, "222");
  g_assert_cmpstr (entry_at (entries, 1)->by, ==, "Bob");
  g_assert_cmpint (entry_at (entries, 0)->version, >, entry_at (entries, 1)->version);
  g_assert_cmpint (entry_at (entries, 1)->version, >, entry_at (entries, 2)->version);
  for (guint i = 2; i < entries->len; i++)
    {
      g_assert_cmpstr (entry_at (entries, i)->by, ==, "Ana's laptop");
      g_assert_cmpint (entry_at (entries, i)->version, ==, companies_company_get_version (synced));
      g_assert_cmpstr (entry_at (entries, i)->value, !=, "999");
    }

  /* the CLI's --json, from Bob's side, by uuid */
  history_json[1] = companies_company_get_uuid (added);
  g_assert_cmpint (run_cli (world, b, BOB, history_json, &out, &err), ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *array;
    JsonObject *first;

    g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
    array = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (array), ==, 5);
    first = json_array_get_object_element (array, 0);
    g_assert_cmpstr (json_object_get_string_member (first, "field"), ==, "notes");
    g_assert_cmpstr (json_object_get_string_member (first, "value"), ==, "ring twice");
    g_assert_cmpstr (json_object_get_string_member (first, "by"), ==, "Ana's laptop");
    g_assert_cmpint (json_object_get_int_member (first, "version"), ==, entry_at (entries, 0)->version);
    g_assert_true (g_str_has_suffix (json_object_get_string_member (first, "at"), "Z"));
  }
}

/* --history-entries 2: three clients write the phone in turn; two stay. */
static void
test_bound_by_count (E2eWorld      *world,
                     gconstpointer  data)
{
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", e2e_world_url (world), ANA);
  g_autoptr(E2eClient) b = e2e_client_new (world, "b", e2e_world_url (world), BOB);
  g_autoptr(CompaniesCompany) added = e2e_add (a->store, "Bounded", NULL, "0");
  g_autoptr(CompaniesCompany) synced = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;
  const char *phones[] = { "1", "2", "3", "4" };
  guint n_phone = 0;

  e2e_sync_once (a);
  synced = e2e_lookup (a->store, companies_company_get_uuid (added));
  ref = e2e_id_ref (companies_company_get_id (synced));
  e2e_sync_once (b);

  for (guint i = 0; i < G_N_ELEMENTS (phones); i++)
    {
      E2eClient *writer = i % 2 == 0 ? b : a;
      g_autoptr(CompaniesCompany) set = NULL;

      e2e_sync_once (writer);
      set = e2e_set (writer->store, ref, COMPANIES_FIELD_PHONE, phones[i]);
      e2e_sync_once (writer);
    }

  entries = fetch_history (e2e_world_url (world), ANA, companies_company_get_id (synced), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (entry_at (entries, i)->field, "phone") == 0)
      n_phone++;
  g_assert_cmpuint (n_phone, ==, 2);
  g_assert_cmpstr (entry_at (entries, 0)->value, ==, "4");
  g_assert_cmpstr (entry_at (entries, 0)->by, ==, "Ana's laptop");
  g_assert_cmpstr (entry_at (entries, 1)->value, ==, "3");
  g_assert_cmpstr (entry_at (entries, 1)->by, ==, "Bob");
}

/* Offline: history says it needs a connection, in the library and CLI. */
static void
test_offline (E2eWorld      *world,
              gconstpointer  data)
{
  g_autoptr(E2eClient) a = e2e_client_new (world, "a", e2e_world_url (world), ANA);
  g_autoptr(CompaniesCompany) added = e2e_add (a->store, "Offline Co", NULL, NULL);
  g_autoptr(CompaniesCompany) synced = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *history[] = { "history", NULL, NULL };
  gint64 id;

  e2e_sync_once (a);
  synced = e2e_lookup (a->store, companies_company_get_uuid (added));
  id = companies_company_get_id (synced);
  companies_test_server_stop (world->server);

  entries = fetch_history (e2e_world_url (world), ANA, id, &error);
  g_assert_null (entries);
  g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "History needs a connection to the server"));

  history[1] = companies_company_get_uuid (added);
  g_assert_cmpint (run_cli (world, a, ANA, history, &out, &err), ==, 3);
  g_assert_nonnull (strstr (err, "History needs a connection to the server"));
}

int
main (int   argc,
      char *argv[])
{
  static const char * const bounded[] = { "--history-entries", "2", NULL };

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/e2e/history/three-clients", E2eWorld, NULL,
              fixture_setup, test_three_clients, e2e_world_teardown);
  g_test_add ("/e2e/history/bound-by-count", E2eWorld, bounded,
              fixture_setup, test_bound_by_count, e2e_world_teardown);
  g_test_add ("/e2e/history/offline", E2eWorld, NULL,
              fixture_setup, test_offline, e2e_world_teardown);

  return g_test_run ();
}
