/* e2e-helpers.c: shared helpers of the end-to-end tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "e2e"

#include <string.h>

#include "e2e-helpers.h"
#include "companies-local-store-notices.h"

#define MAX_PAGES 1000

void
e2e_world_setup (E2eWorld      *world,
                 gconstpointer  server_args)
{
  g_autoptr(GError) error = NULL;

  world->tmpdir = companies_test_make_tmpdir ();
  g_assert_nonnull (world->tmpdir);
  world->server_db = g_build_filename (world->tmpdir, "server.db", NULL);
  world->server = companies_test_server_start (world->server_db, server_args, &error);
  g_assert_no_error (error);
  g_assert_nonnull (world->server);
}

void
e2e_world_teardown (E2eWorld      *world,
                    gconstpointer  unused)
{
  g_clear_pointer (&world->server, companies_test_server_free);
  if (world->tmpdir != NULL)
    companies_test_remove_tree (world->tmpdir);
  g_clear_pointer (&world->tmpdir, g_free);
  g_clear_pointer (&world->server_db, g_free);
}

const char *
e2e_world_url (E2eWorld *world)
{
  return companies_test_server_get_url (world->server);
}

char *
e2e_world_path (E2eWorld   *world,
                const char *name)
{
  return g_build_filename (world->tmpdir, name, NULL);
}

E2eClient *
e2e_client_new (E2eWorld   *world,
                const char *name,
                const char *server_url,
                const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  E2eClient *client = g_new0 (E2eClient, 1);

  client->path = e2e_world_path (world, file);
  client->store = companies_local_store_open (client->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client->store);
  client->client = companies_sync_client_new (client->path, server_url, token);
  g_assert_nonnull (client->client);

  return client;
}

void
e2e_client_free (E2eClient *client)
{
  if (client == NULL)
    return;
  g_clear_object (&client->client);
  g_clear_object (&client->store);
  g_free (client->path);
  g_free (client);
}

void
e2e_proxied_world_setup (E2eProxiedWorld *proxied,
                         gconstpointer    server_args)
{
  g_autoptr(GError) error = NULL;

  e2e_world_setup (&proxied->world, server_args);
  proxied->proxy = companies_test_proxy_new (e2e_world_url (&proxied->world), &error);
  g_assert_no_error (error);
  proxied->client = e2e_client_new (&proxied->world, "a",
                                    companies_test_proxy_get_url (proxied->proxy), NULL);
}

void
e2e_proxied_world_teardown (E2eProxiedWorld *proxied,
                            gconstpointer    unused)
{
  g_clear_pointer (&proxied->client, e2e_client_free);
  g_clear_pointer (&proxied->proxy, companies_test_proxy_free);
  e2e_world_teardown (&proxied->world, NULL);
}

CompaniesCompany *
e2e_add (CompaniesLocalStore *store,
         const char          *name,
         const char          *city,
         const char          *phone)
{
  g_autoptr(GError) error = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL };
  CompaniesCompany *company;

  values[COMPANIES_FIELD_NAME] = name;
  values[COMPANIES_FIELD_CITY] = city;
  values[COMPANIES_FIELD_PHONE] = phone;
  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);
  g_assert_nonnull (company);
  g_assert_true (companies_uuid_is_valid (companies_company_get_uuid (company)));

  return company;
}

CompaniesCompany *
e2e_set (CompaniesLocalStore *store,
         const char          *ref,
         CompaniesField       field,
         const char          *value)
{
  g_autoptr(GError) error = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL };
  CompaniesCompany *company;

  values[field] = value;
  company = companies_local_store_update_for_sync (store, ref, COMPANIES_FIELD_BIT (field),
                                                   values, &error);
  g_assert_no_error (error);
  g_assert_nonnull (company);
  g_assert_cmpstr (companies_company_get_field (company, field), ==, value);

  return company;
}

void
e2e_delete (CompaniesLocalStore *store,
            const char          *ref)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_local_store_delete_for_sync (store, ref, &error));
  g_assert_no_error (error);
}

CompaniesCompany *
e2e_lookup (CompaniesLocalStore *store,
            const char          *ref)
{
  g_autoptr(GError) error = NULL;
  CompaniesCompany *company;

  company = companies_local_store_lookup (store, ref, &error);
  if (company == NULL)
    g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND);
  else
    g_assert_no_error (error);

  return company;
}

GPtrArray *
e2e_list_all (CompaniesLocalStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = companies_local_store_list (store, TRUE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);

  return list;
}

CompaniesStoreStatus
e2e_status (CompaniesLocalStore *store)
{
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status = { 0 };

  g_assert_true (companies_local_store_get_status (store, &status, &error));
  g_assert_no_error (error);

  return status;
}

char *
e2e_id_ref (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

CompaniesSyncResult *
e2e_sync (E2eClient  *client,
          GError    **error)
{
  return companies_sync_client_sync (client->client, NULL, error);
}

CompaniesSyncResult *
e2e_sync_ok (E2eClient *client)
{
  g_autoptr(GError) error = NULL;
  CompaniesSyncResult *result = e2e_sync (client, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_test_message ("sync of %s: %u requests, %u sent, %u received, %u rejected, "
                  "%u overwritten, reset %d",
                  client->path, result->requests, result->sent, result->received,
                  result->rejected, result->overwritten, result->reset);

  return result;
}

void
e2e_sync_once (E2eClient *client)
{
  companies_sync_result_free (e2e_sync_ok (client));
}

static guint async_completed;

static void
sync_finished_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  E2eAsyncSync *call = user_data;

  call->result = companies_sync_client_sync_finish (COMPANIES_SYNC_CLIENT (source),
                                                    result, &call->error);
  call->order = ++async_completed;
  call->done = TRUE;
}

void
e2e_sync_async_start_cancellable (CompaniesSyncClient *client,
                                  GCancellable        *cancellable,
                                  E2eAsyncSync        *call)
{
  memset (call, 0, sizeof *call);
  companies_sync_client_sync_async (client, cancellable, sync_finished_cb, call);
}

void
e2e_sync_async_start (CompaniesSyncClient *client,
                      E2eAsyncSync        *call)
{
  e2e_sync_async_start_cancellable (client, NULL, call);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the thread-default main context until @done (@data) holds;
 * fails the test, naming @what, after @timeout_ms. */
static void
iterate_until (gboolean   (*done) (gpointer data),
               gpointer     data,
               guint        timeout_ms,
               const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  GMainContext *context = g_main_context_get_thread_default ();
  GSource *tick = g_timeout_source_new (50);

  /* wakes the loop now and then, so that the deadline is checked */
  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, context);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s after %u ms", what, timeout_ms);
      g_main_context_iteration (context, TRUE);
    }

  g_source_destroy (tick);
  g_source_unref (tick);
}

typedef struct
{
  E2eAsyncSync **calls;
  guint          n_calls;
} AsyncCalls;

static gboolean
all_calls_done (gpointer data)
{
  AsyncCalls *async_calls = data;

  for (guint i = 0; i < async_calls->n_calls; i++)
    {
      if (!async_calls->calls[i]->done)
        return FALSE;
    }

  return TRUE;
}

void
e2e_async_wait (E2eAsyncSync **calls,
                guint          n_calls,
                guint          timeout_ms)
{
  AsyncCalls async_calls = { calls, n_calls };

  iterate_until (all_calls_done, &async_calls, timeout_ms, "a sync did not complete");
}

static gboolean
client_not_syncing (gpointer data)
{
  return !companies_sync_client_get_is_syncing (data);
}

void
e2e_wait_not_syncing (CompaniesSyncClient *client,
                      guint                timeout_ms)
{
  iterate_until (client_not_syncing, client, timeout_ms, "the sync client still syncs");
}

void
e2e_async_clear (E2eAsyncSync *call)
{
  g_clear_pointer (&call->result, companies_sync_result_free);
  g_clear_error (&call->error);
}

static CompaniesSyncResponse *
post_sync (const char *url,
           const char *token,
           const char *cursor)
{
  g_autoptr(GError) error = NULL;
  CompaniesSyncResponse *response;
  guint status = 0;

  response = companies_test_pull (url, token, cursor, COMPANIES_DEFAULT_LIMIT, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (response);

  return response;
}

static CompaniesRecord *
record_copy (const CompaniesRecord *record)
{
  CompaniesRecord *copy = companies_record_new ();

  copy->id = record->id;
  copy->uuid = g_strdup (record->uuid);
  copy->version = record->version;
  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    copy->values[f] = g_strdup (record->values[f]);

  return copy;
}

GHashTable *
e2e_server_records (const char *url,
                    const char *token)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *cursor = NULL;
  GHashTable *records;
  guint pages;

  records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                   (GDestroyNotify) companies_record_free);

  for (pages = 0; pages < MAX_PAGES; pages++)
    {
      g_autoptr(CompaniesSyncResponse) response = post_sync (url, token, cursor);

      g_assert_true (response->reset);
      for (guint i = 0; i < response->companies->len; i++)
        {
          CompaniesRecord *record = g_ptr_array_index (response->companies, i);

          if (g_hash_table_contains (records, record->uuid))
            g_error ("the server lists uuid %s twice", record->uuid);
          if (g_hash_table_contains (by_id, &record->id))
            g_error ("the server lists id %" G_GINT64_FORMAT " twice", record->id);
          record = record_copy (record);
          g_hash_table_insert (records, record->uuid, record);
          g_hash_table_insert (by_id, &record->id, record);
        }
      for (guint i = 0; i < response->deleted->len; i++)
        {
          CompaniesRecord *tombstone = g_ptr_array_index (response->deleted, i);

          /* nothing changes while we read: a tombstone of a record seen on
           * an earlier page would mean the snapshot is not one */
          g_assert_false (g_hash_table_contains (records, tombstone->uuid));
        }

      g_free (cursor);
      cursor = g_strdup (response->cursor);
      if (!response->has_more)
        break;
    }
  g_assert_cmpuint (pages, <, MAX_PAGES);

  return records;
}

void
e2e_assert_fields_equal (CompaniesCompany *company,
                         CompaniesRecord  *record)
{
  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    g_assert_cmpstr (companies_company_get_field (company, f), ==,
                     record->values[f] != NULL ? record->values[f] : "");
}

void
e2e_assert_synced (CompaniesCompany *company)
{
  g_assert_cmpint (companies_company_get_id (company), >, 0);
  g_assert_cmpint (companies_company_get_version (company), >, 0);
  g_assert_true (companies_company_get_is_from_server (company));
  g_assert_false (companies_company_get_is_modified (company));
  g_assert_true (companies_company_get_is_active (company));
  g_assert_cmpuint (companies_company_get_changed_fields (company), ==, 0);
  g_assert_null (companies_company_get_rejection_code (company));
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_SYNCED);
}

void
e2e_assert_clean (CompaniesLocalStore *store)
{
  CompaniesStoreStatus status = e2e_status (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = companies_local_store_list_added (store, &error);
  g_autoptr(GPtrArray) updated = companies_local_store_list_updated (store, &error);
  g_autoptr(GPtrArray) deleted = companies_local_store_list_deleted (store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (status.pending_added, ==, 0);
  g_assert_cmpuint (status.pending_updated, ==, 0);
  g_assert_cmpuint (status.pending_deleted, ==, 0);
  g_assert_cmpuint (status.rejected, ==, 0);
  g_assert_true (status.has_cursor);
  g_assert_cmpint (status.last_sync_time, >, 0);
  g_assert_cmpuint (added->len, ==, 0);
  g_assert_cmpuint (updated->len, ==, 0);
  g_assert_cmpuint (deleted->len, ==, 0);
}

void
e2e_assert_store_equals (CompaniesLocalStore *store,
                         GHashTable          *server)
{
  g_autoptr(GPtrArray) all = e2e_list_all (store);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  e2e_assert_clean (store);
  g_assert_cmpuint (all->len, ==, g_hash_table_size (server));

  for (guint i = 0; i < all->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (all, i);
      const char *uuid = companies_company_get_uuid (company);
      CompaniesRecord *record = g_hash_table_lookup (server, uuid);

      if (record == NULL)
        g_error ("the store holds %s (%s), the server does not",
                 uuid, companies_company_get_name (company));
      g_assert_false (g_hash_table_contains (seen, uuid));
      g_hash_table_add (seen, (gpointer) uuid);

      e2e_assert_synced (company);
      g_assert_cmpint (companies_company_get_id (company), ==, record->id);
      g_assert_cmpint (companies_company_get_version (company), ==, record->version);
      e2e_assert_fields_equal (company, record);
    }
}

static gint
compare_by_uuid (gconstpointer a,
                 gconstpointer b)
{
  CompaniesCompany *ca = *(CompaniesCompany **) a;
  CompaniesCompany *cb = *(CompaniesCompany **) b;

  return strcmp (companies_company_get_uuid (ca), companies_company_get_uuid (cb));
}

void
e2e_sort_by_uuid (GPtrArray *companies)
{
  g_ptr_array_sort (companies, compare_by_uuid);
}

void
e2e_assert_unchanged_since (CompaniesLocalStore        *store,
                            GPtrArray                  *before,
                            const CompaniesStoreStatus *status_before)
{
  g_autoptr(GPtrArray) after = e2e_list_all (store);
  CompaniesStoreStatus status_after;

  e2e_assert_same_records (before, after);
  status_after = e2e_status (store);
  g_assert_cmpuint (status_after.pending_added, ==, status_before->pending_added);
  g_assert_cmpuint (status_after.pending_updated, ==, status_before->pending_updated);
  g_assert_cmpuint (status_after.pending_deleted, ==, status_before->pending_deleted);
  g_assert_cmpuint (status_after.active, ==, status_before->active);
  g_assert_cmpint (status_after.last_sync_time, ==, status_before->last_sync_time);
  g_assert_cmpint (status_after.has_cursor, ==, status_before->has_cursor);
}

void
e2e_assert_same_records (GPtrArray *a,
                         GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  e2e_sort_by_uuid (a);
  e2e_sort_by_uuid (b);
  for (guint i = 0; i < a->len; i++)
    {
      CompaniesCompany *ca = g_ptr_array_index (a, i);
      CompaniesCompany *cb = g_ptr_array_index (b, i);

      if (!companies_company_equal (ca, cb))
        g_error ("records differ: %s (%s) and %s (%s)",
                 companies_company_get_uuid (ca), companies_company_get_name (ca),
                 companies_company_get_uuid (cb), companies_company_get_name (cb));
    }
}

guint16
e2e_unused_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

GPtrArray *
e2e_list_notices (E2eClient *client)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = companies_local_store_list_notices (client->store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}
