/* soak-client.c: a client thread of the soak test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "soak"

#include <stdarg.h>

#include "companies-local-store.h"
#include "companies-sync-client.h"
#include "model-text.h"
#include "soak-client.h"

/* Errors kept word for word; the rest are only counted. */
#define MAX_ERRORS_KEPT 20
/* A client holding this many records deletes rather than adds. */
#define MAX_ACTIVE      300
#define MIN_ACTIVE      5

typedef struct
{
  SoakClient          *self;
  GRand               *rand;
  CompaniesLocalStore *store;
  CompaniesSyncClient *client;
  GPtrArray           *unacknowledged;  /* char *: uuids of our adds not yet confirmed */
} Loop;

static void
record_error (SoakShared *shared,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static void
record_error (SoakShared *shared,
              const char *format,
              ...)
{
  va_list args;

  g_mutex_lock (&shared->mutex);
  shared->n_errors++;
  if (shared->errors->len < MAX_ERRORS_KEPT)
    {
      va_start (args, format);
      g_ptr_array_add (shared->errors, g_strdup_vprintf (format, args));
      va_end (args);
    }
  g_mutex_unlock (&shared->mutex);
}

/* Waits while paused; FALSE once the soak stops. */
static gboolean
may_go_on (SoakShared *shared)
{
  gboolean go_on;

  g_mutex_lock (&shared->mutex);
  while (shared->paused && !shared->stop)
    {
      shared->n_waiting++;
      g_cond_broadcast (&shared->cond);
      g_cond_wait (&shared->cond, &shared->mutex);
      shared->n_waiting--;
    }
  go_on = !shared->stop;
  g_mutex_unlock (&shared->mutex);

  return go_on;
}

static CompaniesCompany *
pick_record (Loop  *loop,
             guint *out_active)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = companies_local_store_list (loop->store, FALSE, &error);

  *out_active = 0;
  if (list == NULL)
    {
      record_error (loop->self->shared, "client %u: listing failed: %s", loop->self->index,
                    error->message);
      return NULL;
    }
  *out_active = list->len;
  if (list->len == 0)
    return NULL;

  return g_object_ref (g_ptr_array_index (list, g_rand_int_range (loop->rand, 0, list->len)));
}

static void
make_change (Loop *loop)
{
  SoakShared *shared = loop->self->shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesCompany) record = NULL;
  g_autoptr(CompaniesCompany) changed = NULL;
  char *values[COMPANIES_N_FIELDS] = { NULL, };
  guint roll = g_rand_int_range (loop->rand, 0, 100);
  guint active = 0;
  CompaniesField field;

  record = pick_record (loop, &active);
  if (record == NULL || active < MIN_ACTIVE || (roll < 40 && active < MAX_ACTIVE))
    {
      values[COMPANIES_FIELD_NAME] = model_text_value (loop->rand, COMPANIES_FIELD_NAME);
      values[COMPANIES_FIELD_CITY] = model_text_value (loop->rand, COMPANIES_FIELD_CITY);
      changed = companies_local_store_create_for_sync (loop->store, (const char * const *) values,
                                                       &error);
      if (changed != NULL)
        g_ptr_array_add (loop->unacknowledged, g_strdup (companies_company_get_uuid (changed)));
      g_mutex_lock (&shared->mutex);
      shared->n_adds++;
      g_mutex_unlock (&shared->mutex);
    }
  else if (roll < 70)
    {
      field = g_rand_int_range (loop->rand, 0, COMPANIES_N_FIELDS);
      values[field] = model_text_value (loop->rand, field);
      changed = companies_local_store_update_for_sync (loop->store,
                                                       companies_company_get_uuid (record),
                                                       COMPANIES_FIELD_BIT (field),
                                                       (const char * const *) values, &error);
      g_mutex_lock (&shared->mutex);
      shared->n_updates++;
      g_mutex_unlock (&shared->mutex);
    }
  else
    {
      /* Counted as deleted before the delete can reach the server. */
      g_mutex_lock (&shared->mutex);
      g_hash_table_add (shared->deleted, g_strdup (companies_company_get_uuid (record)));
      shared->n_deletes++;
      g_mutex_unlock (&shared->mutex);
      if (companies_local_store_delete_for_sync (loop->store, companies_company_get_uuid (record),
                                                 &error))
        changed = g_object_ref (record);
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (values[i]);

  if (changed == NULL)
    record_error (shared, "client %u: a local change failed: %s", loop->self->index,
                  error->message);
}

/* Our adds that the server confirmed: they now have a server id. */
static void
note_acknowledged (Loop *loop)
{
  SoakShared *shared = loop->self->shared;
  guint i = 0;

  while (i < loop->unacknowledged->len)
    {
      const char *uuid = g_ptr_array_index (loop->unacknowledged, i);
      g_autoptr(CompaniesCompany) company = companies_local_store_lookup (loop->store, uuid, NULL);

      if (company != NULL && !companies_company_get_is_from_server (company))
        {
          i++;
          continue;
        }

      /* Gone (deleted here or elsewhere) or confirmed. */
      if (company != NULL)
        {
          g_mutex_lock (&shared->mutex);
          g_hash_table_add (shared->acknowledged, g_strdup (uuid));
          g_mutex_unlock (&shared->mutex);
        }
      g_ptr_array_remove_index_fast (loop->unacknowledged, i);
    }
}

static void
sync_once (Loop *loop)
{
  SoakShared *shared = loop->self->shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  gint64 start = g_get_monotonic_time ();
  gdouble milliseconds;

  result = companies_sync_client_sync (loop->client, NULL, &error);
  milliseconds = (g_get_monotonic_time () - start) / 1000.0;

  g_mutex_lock (&shared->mutex);
  shared->n_syncs++;
  if (result != NULL && shared->measuring)
    g_array_append_val (shared->latencies, milliseconds);
  g_mutex_unlock (&shared->mutex);

  if (result == NULL)
    record_error (shared, "client %u: the sync failed: %s", loop->self->index, error->message);
  else if (result->rejected > 0)
    record_error (shared, "client %u: the server rejected %u records", loop->self->index,
                  result->rejected);
  else
    note_acknowledged (loop);
}

static gpointer
client_thread (gpointer data)
{
  SoakClient *self = data;
  SoakShared *shared = self->shared;
  g_autoptr(GError) error = NULL;
  Loop loop = { self, NULL, NULL, NULL, NULL };

  loop.rand = g_rand_new_with_seed (self->seed);
  loop.unacknowledged = g_ptr_array_new_with_free_func (g_free);
  loop.store = companies_local_store_open (self->path, &error);
  if (loop.store == NULL)
    record_error (shared, "client %u: cannot open %s: %s", self->index, self->path,
                  error->message);
  else
    loop.client = companies_sync_client_new (self->path, shared->server_url, NULL);

  while (loop.store != NULL && may_go_on (shared))
    {
      make_change (&loop);
      sync_once (&loop);
    }

  g_mutex_lock (&shared->mutex);
  shared->n_running--;
  g_cond_broadcast (&shared->cond);
  g_mutex_unlock (&shared->mutex);

  g_clear_object (&loop.client);
  g_clear_object (&loop.store);
  g_ptr_array_unref (loop.unacknowledged);
  g_rand_free (loop.rand);

  return NULL;
}

SoakClient *
soak_client_start (SoakShared *shared,
                   guint       index,
                   const char *path,
                   guint32     seed)
{
  SoakClient *client = g_new0 (SoakClient, 1);
  g_autofree char *name = g_strdup_printf ("soak-client-%u", index);

  client->shared = shared;
  client->index = index;
  client->path = g_strdup (path);
  client->seed = seed;

  g_mutex_lock (&shared->mutex);
  shared->n_running++;
  g_mutex_unlock (&shared->mutex);
  client->thread = g_thread_new (name, client_thread, client);

  return client;
}

void
soak_client_join (SoakClient *client)
{
  g_thread_join (client->thread);
  g_free (client->path);
  g_free (client);
}
