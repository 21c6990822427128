/* companies-sync-in-flight.c: CompaniesSyncInFlight, the records of one
 * sync in flight, by key (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include "companies-sync-in-flight.h"

struct _CompaniesSyncInFlight
{
  GHashTable *keys;           /* companies_push_batch_key () of each record */
  CompaniesPushRange last_added;  /* of the batch built last */
  gint64      max_local_seq;
  guint       batch_size;
};

CompaniesSyncInFlight *
companies_sync_in_flight_new (gint64 max_local_seq,
                              guint  batch_size)
{
  CompaniesSyncInFlight *self = g_new0 (CompaniesSyncInFlight, 1);

  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_local_seq = max_local_seq;
  self->batch_size = batch_size;
  return self;
}

void
companies_sync_in_flight_free (CompaniesSyncInFlight *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_free (self);
}

guint
companies_sync_in_flight_get_batch_size (CompaniesSyncInFlight *self)
{
  return self->batch_size;
}

CompaniesPushBatch *
companies_sync_in_flight_next_batch (CompaniesSyncInFlight  *self,
                                     CompaniesLocalStore    *store,
                                     GError                **error)
{
  CompaniesPushBatch *batch;
  GHashTableIter iter;
  gpointer key, value;

  /* The batch built last is the one in flight now (the one before it was
   * answered and applied): its additions need not be read again. */
  batch = companies_local_store_build_push_batch_skipping (store, self->max_local_seq,
                                                           self->batch_size, self->keys,
                                                           &self->last_added, error);
  if (batch == NULL)
    return NULL;
  self->last_added = batch->added_range;
  /* Here, in the apply helper while the request before is out, and not
   * in the thread that sends it (docs/sync-1m.md, round 12). */
  batch->encoded_changes = companies_sync_request_encode_changes (batch->request);

  g_hash_table_iter_init (&iter, batch->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const CompaniesPushedRecord *pushed = value;

      g_hash_table_add (self->keys, companies_push_batch_key (pushed->kind, key));
    }

  return batch;
}

void
companies_sync_in_flight_release (CompaniesSyncInFlight    *self,
                                  const CompaniesPushBatch *batch)
{
  GHashTableIter iter;
  gpointer key, value;

  /* Its additions are no longer left out: none may be skipped. */
  self->last_added = (CompaniesPushRange) { 0, };

  g_hash_table_iter_init (&iter, batch->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const CompaniesPushedRecord *pushed = value;
      g_autofree char *in_flight_key = companies_push_batch_key (pushed->kind, key);

      g_hash_table_remove (self->keys, in_flight_key);
    }
}
