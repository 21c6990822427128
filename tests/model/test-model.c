/* test-model.c: a model-based test of the sync (issue 5, "Faults").
 *
 * Several simulated clients (each a real CompaniesLocalStore on its own
 * file and a CompaniesSyncClient) make random offline edits (create,
 * update random fields with random text, delete, undelete) and sync in
 * random order against one real companies-server, through a proxy that
 * drops random responses after the server committed; the server is
 * randomly restarted (SIGTERM or SIGKILL, always between requests) on the
 * same database file. An oracle (model-oracle.c) applies every request
 * the server answered, in arrival order, and checks every answer. At the
 * end every client syncs until quiet, every client must equal the server,
 * the server must equal the oracle, and no local edit may be unsent, nor
 * vanish (model-vanish.c).
 *
 * The invariant that none vanishes: every edit a client made (value by
 * field, record and client) is at the end the server's current value, in
 * the record's history on the server (read over HTTP through the client
 * library), or in a notice at that client (overwritten or deleted); an
 * edit a delete on the server beat is in a "deleted" notice. An edit
 * its own client replaced or deleted before a request carried it never
 * left that client and is not counted. History is bounded
 * (docs/history.md): the server here keeps MODEL_HISTORY_ENTRIES entries
 * a field and any age, more than a run writes, and a field's history
 * full to that bound is reported as such. A self-check runs the same
 * invariant against a server keeping one entry a field, where an
 * overwritten value does vanish, and asserts that it is found.
 *
 * Seeded and repeatable: COMPANIES_MODEL_SEED (default DEFAULT_SEED),
 * COMPANIES_MODEL_STEPS (default DEFAULT_STEPS), COMPANIES_MODEL_CLIENTS
 * (default DEFAULT_CLIENTS). build-aux/model-long.sh runs it long.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-model"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "companies-local-store.h"
#include "companies-local-store-notices.h"
#include "companies-protocol.h"
#include "companies-sync-client.h"
#include "companies-test-proxy.h"
#include "companies-test-server.h"
#include "model-world.h"
#include "model-oracle.h"
#include "model-text.h"
#include "model-vanish.h"

#define DEFAULT_SEED     20240521u
#define DEFAULT_STEPS    300u
#define DEFAULT_CLIENTS  4u
#define MAX_CLIENTS      16u
/* A client with more active records deletes rather than creates. */
#define MAX_ACTIVE       40u
/* Deleted records a client remembers for an undo. */
#define MAX_UNDO         20u
/* Percent of syncs whose response the proxy drops. */
#define DROP_PERCENT     15
/* History entries the server keeps a field: more than a run writes. */
#define MODEL_HISTORY_ENTRIES 1000

static guint
env_uint (const char *name,
          guint       fallback,
          guint       min,
          guint       max)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || *text == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    g_error ("%s must be a whole number from %u to %u, not “%s”", name, min, max, text);

  return (guint) value;
}

/* --- the clients' edits --- */

static CompaniesCompany *
pick_record (Model       *model,
             ModelClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = companies_local_store_list (client->store, FALSE, &error);

  if (list == NULL)
    model_fail (model, "listing %s failed: %s", client->name, error->message);
  if (list->len == 0)
    return NULL;

  return g_object_ref (g_ptr_array_index (list, g_rand_int_range (model->rand, 0, list->len)));
}

static guint
count_active (Model       *model,
              ModelClient *client)
{
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status = { 0, };

  if (!companies_local_store_get_status (client->store, &status, &error))
    model_fail (model, "status of %s failed: %s", client->name, error->message);

  return status.active;
}

/* The fields of @mask of @company must reach the server. */
static void
expect_sent (Model            *model,
             ModelClient      *client,
             CompaniesCompany *company,
             guint             mask)
{
  model_oracle_expect_sent (model->oracle, client->client_id,
                            companies_company_get_uuid (company), mask,
                            companies_company_get_fields (company));
}

static void
do_create (Model       *model,
           ModelClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) created = NULL;
  char *values[COMPANIES_N_FIELDS] = { NULL, };
  guint mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME);
  gboolean whole = g_rand_int_range (model->rand, 0, 4) == 0;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if (i == COMPANIES_FIELD_NAME || g_rand_boolean (model->rand))
      {
        values[i] = model_text_value (model->rand, i);
        mask |= COMPANIES_FIELD_BIT (i);
      }

  if (whole)
    {
      g_autoptr(CompaniesCompany) company = companies_company_new ();

      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        if (values[i] != NULL)
          companies_company_set_field (company, i, values[i]);
      created = companies_local_store_create_or_update_for_sync (client->store, company, &error);
    }
  else
    created = companies_local_store_create_for_sync (client->store, (const char * const *) values,
                                                      &error);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (values[i]);

  if (created == NULL)
    model_fail (model, "%s could not create a record: %s", client->name, error->message);

  model->counts.creates++;
  expect_sent (model, client, created, mask);
  model_log (model, "%s creates %s%s", client->name, companies_company_get_uuid (created),
             whole ? " (create_or_update)" : "");
}

static void
do_update (Model       *model,
           ModelClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) record = pick_record (model, client);
  g_autoptr(CompaniesCompany) updated = NULL;
  g_autofree char *ref = NULL;
  char *values[COMPANIES_N_FIELDS] = { NULL, };
  guint n_fields = g_rand_int_range (model->rand, 1, 4);
  gboolean whole = g_rand_int_range (model->rand, 0, 4) == 0;
  guint mask = 0;

  if (record == NULL)
    {
      do_create (model, client);
      return;
    }

  for (guint n = 0; n < n_fields; n++)
    {
      CompaniesField field = g_rand_int_range (model->rand, 0, COMPANIES_N_FIELDS);

      g_free (values[field]);
      values[field] = model_text_value (model->rand, field);
      mask |= COMPANIES_FIELD_BIT (field);
    }

  /* By uuid or by server id; or the whole record written over. */
  if (companies_company_get_id (record) > 0 && g_rand_boolean (model->rand))
    ref = g_strdup_printf ("%" G_GINT64_FORMAT, companies_company_get_id (record));
  else
    ref = g_strdup (companies_company_get_uuid (record));

  if (whole)
    {
      g_autoptr(CompaniesCompany) company = companies_company_copy (record);

      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        if (values[i] != NULL)
          companies_company_set_field (company, i, values[i]);
      updated = companies_local_store_create_or_update_for_sync (client->store, company, &error);
    }
  else
    updated = companies_local_store_update_for_sync (client->store, ref, mask,
                                                     (const char * const *) values, &error);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (values[i]);

  if (updated == NULL)
    model_fail (model, "%s could not update %s: %s", client->name, ref, error->message);
  if (g_strcmp0 (companies_company_get_uuid (updated), companies_company_get_uuid (record)) != 0)
    model_fail (model, "%s updated %s but got %s back", client->name,
                companies_company_get_uuid (record), companies_company_get_uuid (updated));

  /* A value equal to the one held is no change: nothing to send. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if (g_strcmp0 (companies_company_get_field (updated, i),
                   companies_company_get_field (record, i)) == 0)
      mask &= ~COMPANIES_FIELD_BIT (i);

  model->counts.updates++;
  expect_sent (model, client, updated, mask);
  model_log (model, "%s updates %s (fields 0x%x%s)", client->name, companies_company_get_uuid (record),
             mask, whole ? ", create_or_update" : "");
}

static void
do_delete (Model       *model,
           ModelClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) record = pick_record (model, client);
  const char *uuid;

  if (record == NULL)
    {
      do_create (model, client);
      return;
    }

  uuid = companies_company_get_uuid (record);
  if (!companies_local_store_delete_for_sync (client->store, uuid, &error))
    model_fail (model, "%s could not delete %s: %s", client->name, uuid, error->message);

  model->counts.deletes++;
  model_oracle_forget (model->oracle, client->client_id, uuid);
  if (client->deleted->len >= MAX_UNDO)
    g_ptr_array_remove_index (client->deleted, 0);
  g_ptr_array_add (client->deleted, companies_company_copy (record));
  model_log (model, "%s deletes %s", client->name, uuid);
}

static void
do_undelete (Model       *model,
             ModelClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) deleted = NULL;
  g_autoptr(CompaniesCompany) restored = NULL;

  if (client->deleted->len == 0)
    {
      do_create (model, client);
      return;
    }

  deleted = g_ptr_array_steal_index (client->deleted,
                                     g_rand_int_range (model->rand, 0, client->deleted->len));
  restored = companies_local_store_undelete_for_sync (client->store, deleted, &error);
  if (restored == NULL)
    model_fail (model, "%s could not undelete %s: %s", client->name,
                companies_company_get_uuid (deleted), error->message);

  model->counts.undeletes++;
  /* Made anew: an add with the old values, which must reach the server. */
  if (g_strcmp0 (companies_company_get_uuid (restored), companies_company_get_uuid (deleted)) != 0)
    expect_sent (model, client, restored, COMPANIES_ALL_FIELDS);
  model_log (model, "%s undeletes %s: %s", client->name, companies_company_get_uuid (deleted),
             companies_company_get_uuid (restored));
}

/* --- syncs, lost responses and restarts --- */

/* Hands every request the proxy saw since the last call to the oracle. */
static void
feed_oracle (Model *model)
{
  guint count = companies_test_proxy_get_request_count (model->proxy);

  for (guint n = model->fed + 1; n <= count; n++)
    {
      g_autoptr(GBytes) request = NULL;
      g_autoptr(GBytes) response = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *summary = NULL;
      guint status = 0;

      if (!companies_test_proxy_take_exchange (model->proxy, n, &request, &status, &response))
        model_fail (model, "request %u was not recorded by the proxy", n);

      model->counts.requests++;
      if (status == 0)
        {
          model_log (model, "  request %u did not reach the server", n);
          continue;
        }
      if (status != 200)
        model_fail (model, "request %u: the server answered %u: %.*s", n, status,
                    (int) g_bytes_get_size (response),
                    (const char *) g_bytes_get_data (response, NULL));
      if (!model_oracle_apply (model->oracle, request, response, &summary, &error))
        model_fail (model, "request %u: %s", n, error->message);

      model->counts.applied++;
      model_log (model, "  request %u applied: %s", n, summary);
    }

  model->fed = count;
}

/* One sync of @client; with @drop the response of its first request is
 * lost after the server committed. Returns the sync's result, or NULL
 * when it failed (which only a drop or a stopped server allows). */
static CompaniesSyncResult *
sync_client (Model       *model,
             ModelClient *client,
             gboolean     drop,
             gboolean     must_fail)
{
  g_autoptr(GError) error = NULL;
  CompaniesSyncResult *result;
  guint next = companies_test_proxy_get_request_count (model->proxy) + 1;

  if (drop)
    companies_test_proxy_set_action (model->proxy, next, COMPANIES_TEST_PROXY_DROP);

  result = companies_sync_client_sync (client->client, NULL, &error);

  /* An action for a request that never came must not hit a later one. */
  if (drop && companies_test_proxy_get_request_count (model->proxy) < next)
    companies_test_proxy_set_action (model->proxy, next, COMPANIES_TEST_PROXY_PASS);

  model->counts.syncs++;
  if (result != NULL)
    model_log (model, "%s syncs%s: %u requests, %u sent, %u received, %u rejected, "
               "%u overwritten%s", client->name, drop ? " (response dropped)" : "",
               result->requests, result->sent, result->received, result->rejected,
               result->overwritten, result->reset ? ", reset" : "");
  else
    {
      model->counts.failed_syncs++;
      model_log (model, "%s syncs%s%s: failed: %s", client->name,
                 drop ? " (response dropped)" : "", must_fail ? " (server down)" : "",
                 error->message);
    }

  feed_oracle (model);

  if (result == NULL && !drop && !must_fail)
    model_fail (model, "%s: the sync failed: %s", client->name, error->message);
  if (result != NULL && must_fail)
    model_fail (model, "%s: a sync with the server down succeeded", client->name);
  if (result != NULL && result->rejected > 0)
    model_fail (model, "%s: the server rejected %u valid records", client->name, result->rejected);

  return result;
}

static void
start_server (Model *model)
{
  g_autoptr(GError) error = NULL;

  model->server = companies_test_server_start (model->server_db, model->server_args, &error);
  if (model->server == NULL)
    model_fail (model, "companies-server did not start: %s", error->message);
  companies_test_proxy_set_upstream (model->proxy, companies_test_server_get_url (model->server));
}

/* companies-server installs its SIGTERM handler only after it printed
 * its "Listening on" line, so a SIGTERM right after that line may end it
 * uncleanly. It handles requests only once the handler is in place: one
 * answered request proves it. */
static void
wait_until_serving (Model *model)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = g_strconcat (companies_test_server_get_url (model->server),
                                      COMPANIES_HEALTH_PATH, NULL);
  guint status = 0;

  body = companies_test_http ("GET", url, NULL, NULL, NULL, 0, &status, &error);
  if (body == NULL || status != 200)
    model_fail (model, "the server does not answer %s: %u %s", url, status,
                error != NULL ? error->message : "");
}

static void
do_restart (Model *model)
{
  gboolean kill = g_rand_boolean (model->rand);

  /* Between requests: the sync calls are blocking, none is in flight. */
  if (!kill)
    wait_until_serving (model);
  if (kill)
    {
      companies_test_server_kill (model->server);
      model->counts.kills++;
    }
  else
    {
      companies_test_server_stop (model->server);
      model->counts.terms++;
    }
  g_clear_pointer (&model->server, companies_test_server_free);
  model_log (model, "server %s", kill ? "killed (SIGKILL)" : "stopped (SIGTERM)");

  if (g_rand_int_range (model->rand, 0, 3) == 0)
    {
      ModelClient *client = model_pick_client (model);
      g_autoptr(CompaniesSyncResult) result = sync_client (model, client, FALSE, TRUE);

      model->counts.down_syncs++;
    }

  start_server (model);
  model_log (model, "server restarted at %s", companies_test_server_get_url (model->server));
}

static void
run_step (Model *model)
{
  ModelClient *client = model_pick_client (model);
  guint roll = g_rand_int_range (model->rand, 0, 100);

  if (roll < 22)
    {
      if (count_active (model, client) >= MAX_ACTIVE)
        do_delete (model, client);
      else
        do_create (model, client);
    }
  else if (roll < 50)
    do_update (model, client);
  else if (roll < 62)
    do_delete (model, client);
  else if (roll < 67)
    do_undelete (model, client);
  else if (roll < 96)
    {
      gboolean drop = g_rand_int_range (model->rand, 0, 100) < DROP_PERCENT;
      g_autoptr(CompaniesSyncResult) result = sync_client (model, client, drop, FALSE);

      if (drop)
        model->counts.drops++;
    }
  else
    do_restart (model);
}

/* --- the end: quiet, then everything equal --- */

static void
sync_until_quiet (Model *model)
{
  guint quiet = 0;

  for (guint round = 0; round < 8 && quiet < 2; round++)
    {
      guint sent = 0;

      for (guint i = 0; i < model->clients->len; i++)
        {
          g_autoptr(CompaniesSyncResult) result = sync_client (model, g_ptr_array_index (model->clients, i),
                                                               FALSE, FALSE);
          sent += result->sent;
        }
      model_log (model, "final round %u: %u changes sent", round, sent);
      quiet = sent == 0 ? quiet + 1 : 0;
    }

  if (quiet < 2)
    model_fail (model, "the clients still send changes after 8 rounds");
}

static void
test_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) server_records = NULL;
  g_autoptr(GPtrArray) fresh_list = NULL;
  g_autoptr(CompaniesSyncResult) fresh_result = NULL;
  g_autofree char *unsent = NULL;
  g_autofree char *bound = g_strdup_printf ("%u", MODEL_HISTORY_ENTRIES);
  const char *server_args[] = { "--history-entries", bound, "--history-days", "0", NULL };
  guint n_lost, n_made = 0, n_in_history = 0;
  ModelClient *fresh;
  Model *model;

  model = model_new (env_uint ("COMPANIES_MODEL_SEED", DEFAULT_SEED, 0, G_MAXUINT32),
                     env_uint ("COMPANIES_MODEL_STEPS", DEFAULT_STEPS, 1, 10000000),
                     env_uint ("COMPANIES_MODEL_CLIENTS", DEFAULT_CLIENTS, 1, MAX_CLIENTS));
  g_test_message ("seed %u, %u steps, %u clients (replay: COMPANIES_MODEL_SEED=%u "
                  "COMPANIES_MODEL_STEPS=%u)", model->seed, model->n_steps,
                  model->n_clients, model->seed, model->n_steps);

  model->proxy = companies_test_proxy_new ("http://127.0.0.1:9", &error);
  g_assert_no_error (error);
  companies_test_proxy_set_recording (model->proxy, TRUE);
  model->server_args = server_args;
  start_server (model);
  model_add_clients (model, companies_test_proxy_get_url (model->proxy));

  for (model->step = 1; model->step <= model->n_steps; model->step++)
    run_step (model);

  model->step = 0;
  sync_until_quiet (model);

  /* Every client equals a fresh client's full pull, that is the server. */
  fresh = model_client_new (model, "fresh", companies_test_proxy_get_url (model->proxy));
  fresh_result = sync_client (model, fresh, FALSE, FALSE);
  fresh_list = model_client_list (model, fresh, TRUE);
  model_check_fresh_pull (model, fresh_list);
  for (guint i = 0; i < model->clients->len; i++)
    model_check_client_equals (model, g_ptr_array_index (model->clients, i), fresh_list);

  /* The server equals the oracle, tombstones included. */
  server_records = model_read_server_state (model);
  if (!model_oracle_check_server (model->oracle, server_records, &error))
    model_fail (model, "the server differs from the oracle: %s", error->message);
  if (fresh_list->len != model_oracle_count_alive (model->oracle))
    model_fail (model, "a fresh client holds %u records, the oracle %u alive", fresh_list->len,
                model_oracle_count_alive (model->oracle));

  /* No local edit was lost on the way. */
  unsent = model_oracle_describe_unsent (model->oracle);
  if (unsent != NULL)
    model_fail (model, "local edits never reached the server:\n%s", unsent);
  /* ...nor vanished: every edit is on the server, in its history or in a
   * notice at its client; one a delete beat, in a "deleted" notice. */
  n_lost = model_check_lost_in_notices (model);
  if (!model_check_none_vanished (model, server_records, companies_test_server_get_url (model->server),
                                  MODEL_HISTORY_ENTRIES, &n_made, &n_in_history, &error))
    model_fail (model, "%s", error->message);

  g_test_message ("%u creates, %u updates, %u deletes, %u undeletes; %u syncs (%u failed), "
                  "%u responses dropped, %u SIGTERM and %u SIGKILL restarts, %u syncs with the "
                  "server down; %u requests, %u applied; server: %u alive, %u deleted",
                  model->counts.creates, model->counts.updates, model->counts.deletes,
                  model->counts.undeletes, model->counts.syncs, model->counts.failed_syncs,
                  model->counts.drops, model->counts.terms, model->counts.kills,
                  model->counts.down_syncs, model->counts.requests, model->counts.applied,
                  model_oracle_count_alive (model->oracle),
                  model_oracle_count_deleted (model->oracle));

  g_test_message ("%u edits lost to a delete on the server, each found in a notice", n_lost);
  g_test_message ("%u edits made, none vanished; %u of them only the server's history holds",
                  n_made, n_in_history);

  model_client_free (fresh);
  companies_test_server_stop (model->server);
  model_free (model);
}

/* --- the invariant can fail --- */

/* @client writes @name into its record @uuid (a new record when NULL),
 * the edit is recorded, and the client syncs. Returns the uuid. */
static char *
write_name_and_sync (Model       *model,
                     ModelClient *client,
                     const char  *uuid,
                     const char  *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL, };

  values[COMPANIES_FIELD_NAME] = name;
  if (uuid == NULL)
    company = companies_local_store_create_for_sync (client->store, values, &error);
  else
    company = companies_local_store_update_for_sync (client->store, uuid,
                                                     COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME),
                                                     values, &error);
  if (company == NULL)
    model_fail (model, "%s could not write %s: %s", client->name, name, error->message);

  expect_sent (model, client, company, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME));
  result = sync_client (model, client, FALSE, FALSE);
  return g_strdup (companies_company_get_uuid (company));
}

static gboolean
none_vanished (Model   *model,
               guint    history_entries,
               guint   *out_in_history,
               GError **error)
{
  g_autoptr(GHashTable) records = model_read_server_state (model);
  guint checked = 0;

  return model_check_none_vanished (model, records, companies_test_server_get_url (model->server),
                                    history_entries, &checked, out_in_history, error);
}

/* A server that keeps two entries a field: a name written three times
 * loses its first value from the history, where nothing else holds it.
 * The invariant must say so, and that the history was full. */
static void
test_oracle_self_check (void)
{
  const char *server_args[] = { "--history-entries", "2", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  ModelClient *client;
  guint in_history = 0;
  Model *model = model_new (DEFAULT_SEED, 3, 1);

  model->proxy = companies_test_proxy_new ("http://127.0.0.1:9", &error);
  g_assert_no_error (error);
  companies_test_proxy_set_recording (model->proxy, TRUE);
  model->server_args = server_args;
  start_server (model);
  model_add_clients (model, companies_test_proxy_get_url (model->proxy));
  client = g_ptr_array_index (model->clients, 0);

  uuid = write_name_and_sync (model, client, NULL, "Acme One");
  second = write_name_and_sync (model, client, uuid, "Acme Two");
  /* the first name is in the history */
  g_assert_true (none_vanished (model, 2, &in_history, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (in_history, ==, 1);

  third = write_name_and_sync (model, client, uuid, "Acme Three");
  g_assert_false (none_vanished (model, 2, &in_history, &error));
  g_test_message ("the self-check's failure: %s", error->message);
  g_assert_nonnull (strstr (error->message, "name = \"Acme One\", vanished: the server holds "
                                            "\"Acme Three\""));
  g_assert_nonnull (strstr (error->message, "full to its bound"));

  companies_test_server_stop (model->server);
  model_free (model);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/random-edits-syncs-faults", test_model);
  g_test_add_func ("/model/oracle-self-check", test_oracle_self_check);

  return g_test_run ();
}
