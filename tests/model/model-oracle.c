/* model-oracle.c: the protocol's rules, applied to what reached the server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "model-oracle"

#include <string.h>

#include <gio/gio.h>

#include "companies-fields.h"
#include "companies-protocol.h"
#include "model-oracle.h"

typedef struct
{
  char    *uuid;
  gint64   id;
  gboolean alive;
  gint64   version;
  char    *values[COMPANIES_N_FIELDS];
} OracleRecord;

struct _ModelOracle
{
  GHashTable *by_uuid;     /* uuid → OracleRecord (owned) */
  GHashTable *by_id;       /* &id → OracleRecord */
  gint64      last_version;
  char       *last_cursor;
  ModelEdits *edits;
};

static void
oracle_record_free (OracleRecord *record)
{
  g_free (record->uuid);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (record->values[i]);
  g_free (record);
}

ModelOracle *
model_oracle_new (void)
{
  ModelOracle *self = g_new0 (ModelOracle, 1);

  self->by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) oracle_record_free);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->edits = model_edits_new ();

  return self;
}

void
model_oracle_free (ModelOracle *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->by_uuid);
  model_edits_free (self->edits);
  g_free (self->last_cursor);
  g_free (self);
}

/* --- the local edits (model-edits.c) --- */

void
model_oracle_expect_sent (ModelOracle        *self,
                          const char         *client_id,
                          const char         *uuid,
                          guint               mask,
                          const char * const *values)
{
  model_edits_expect (self->edits, model_oracle_is_deleted (self, uuid), client_id, uuid, mask, values);
}

void
model_oracle_forget (ModelOracle *self,
                     const char  *client_id,
                     const char  *uuid)
{
  model_edits_forget (self->edits, client_id, uuid);
}

void
model_oracle_foreach_lost (ModelOracle        *self,
                           ModelEditsLostFunc  func,
                           gpointer            user_data)
{
  model_edits_foreach_lost (self->edits, func, user_data);
}

void
model_oracle_foreach_made (ModelOracle        *self,
                           ModelEditsLostFunc  func,
                           gpointer            user_data)
{
  model_edits_foreach_made (self->edits, func, user_data);
}

char *
model_oracle_describe_unsent (ModelOracle *self)
{
  return model_edits_describe_unsent (self->edits);
}

static OracleRecord *
lookup_id (ModelOracle *self,
           gint64       id)
{
  return g_hash_table_lookup (self->by_id, &id);
}

static const CompaniesRecord *
find_in_response (const CompaniesSyncResponse *response,
                  const char                  *uuid)
{
  for (guint i = 0; i < response->companies->len; i++)
    {
      const CompaniesRecord *record = g_ptr_array_index (response->companies, i);

      if (g_strcmp0 (record->uuid, uuid) == 0)
        return record;
    }
  for (guint i = 0; i < response->deleted->len; i++)
    {
      const CompaniesRecord *record = g_ptr_array_index (response->deleted, i);

      if (g_strcmp0 (record->uuid, uuid) == 0)
        return record;
    }

  return NULL;
}

static gboolean
apply_add (ModelOracle                 *self,
           const CompaniesSyncRequest  *request,
           const CompaniesChange       *change,
           const CompaniesSyncResponse *response,
           GHashTable                  *changed,
           GHashTable                  *named,
           guint                       *n_rejections,
           GError                     **error)
{
  const CompaniesRecord *echoed;
  OracleRecord *record;

  if (change->reject_code != NULL)
    {
      (*n_rejections)++;
      return TRUE;
    }

  g_hash_table_add (named, change->uuid);
  /* A retried push: nothing changes. */
  if (g_hash_table_contains (self->by_uuid, change->uuid))
    return TRUE;

  echoed = find_in_response (response, change->uuid);
  if (echoed == NULL || echoed->id <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the new record %s is not in the response", change->uuid);
      return FALSE;
    }
  if (lookup_id (self, echoed->id) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the new record %s got the id %" G_GINT64_FORMAT ", which %s has",
                   change->uuid, echoed->id, lookup_id (self, echoed->id)->uuid);
      return FALSE;
    }

  record = g_new0 (OracleRecord, 1);
  record->uuid = g_strdup (change->uuid);
  record->id = echoed->id;
  record->alive = TRUE;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    record->values[i] = companies_field_normalize (i, (change->field_mask & COMPANIES_FIELD_BIT (i)) != 0 &&
                                                      change->values[i] != NULL ?
                                                      change->values[i] : "");
  g_hash_table_insert (self->by_uuid, record->uuid, record);
  g_hash_table_insert (self->by_id, &record->id, record);
  g_hash_table_add (changed, record);
  model_edits_sent (self->edits, request->client_id, record->uuid, change);

  return TRUE;
}

static void
apply_update (ModelOracle                *self,
              const CompaniesSyncRequest *request,
              const CompaniesChange      *change,
              GHashTable                 *changed,
              GHashTable                 *named,
              GArray                     *not_found,
              guint                      *n_rejections)
{
  OracleRecord *record = lookup_id (self, change->id);

  if (record == NULL)
    {
      g_array_append_val (not_found, change->id);
      return;
    }

  g_hash_table_add (named, record->uuid);
  /* Deletes win. */
  if (!record->alive)
    return;
  if (change->reject_code != NULL)
    {
      (*n_rejections)++;
      return;
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      g_autofree char *value = NULL;

      if ((change->field_mask & COMPANIES_FIELD_BIT (i)) == 0)
        continue;
      value = companies_field_normalize (i, change->values[i] != NULL ? change->values[i] : "");
      if (strcmp (value, record->values[i]) == 0)
        continue;
      g_free (record->values[i]);
      record->values[i] = g_steal_pointer (&value);
      g_hash_table_add (changed, record);
    }
  model_edits_sent (self->edits, request->client_id, record->uuid, change);
}

static void
apply_delete (ModelOracle           *self,
              const CompaniesChange *change,
              GHashTable            *changed,
              GHashTable            *named,
              guint                 *n_rejections)
{
  OracleRecord *record;

  if (change->reject_code != NULL)
    {
      (*n_rejections)++;
      return;
    }

  record = lookup_id (self, change->id);
  if (record == NULL)
    return;

  g_hash_table_add (named, record->uuid);
  if (record->alive)
    {
      record->alive = FALSE;
      g_hash_table_add (changed, record);
      model_edits_deleted (self->edits, record->uuid);
    }
}

/* One record of the response against the oracle's state. */
static gboolean
check_record (ModelOracle           *self,
              const CompaniesRecord *echoed,
              gboolean               tombstone,
              GHashTable            *changed,
              gint64                 version_before,
              GError               **error)
{
  OracleRecord *record = echoed->uuid != NULL ? g_hash_table_lookup (self->by_uuid, echoed->uuid) : NULL;

  if (record == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the response holds %s (id %" G_GINT64_FORMAT "), which no request made",
                   echoed->uuid, echoed->id);
      return FALSE;
    }
  if (record->id != echoed->id)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "record %s has id %" G_GINT64_FORMAT " in the response, %" G_GINT64_FORMAT " in the oracle",
                   record->uuid, echoed->id, record->id);
      return FALSE;
    }
  if (record->alive == tombstone)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "record %s (id %" G_GINT64_FORMAT ") is %s in the response but %s in the oracle",
                   record->uuid, record->id, tombstone ? "deleted" : "alive",
                   record->alive ? "alive" : "deleted");
      return FALSE;
    }
  for (guint i = 0; !tombstone && i < COMPANIES_N_FIELDS; i++)
    if (g_strcmp0 (echoed->values[i], record->values[i]) != 0)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "record %s (id %" G_GINT64_FORMAT "): %s is \"%s\" in the response, \"%s\" in the oracle",
                     record->uuid, record->id, companies_field_get_name (i),
                     echoed->values[i], record->values[i]);
        return FALSE;
      }

  if (g_hash_table_contains (changed, record))
    {
      if (echoed->version <= version_before)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "record %s changed but its version %" G_GINT64_FORMAT
                       " is not above the last one, %" G_GINT64_FORMAT,
                       record->uuid, echoed->version, version_before);
          return FALSE;
        }
      record->version = echoed->version;
    }
  else if (echoed->version != record->version)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "record %s did not change but its version went from %" G_GINT64_FORMAT
                   " to %" G_GINT64_FORMAT,
                   record->uuid, record->version, echoed->version);
      return FALSE;
    }

  self->last_version = MAX (self->last_version, echoed->version);
  return TRUE;
}

static gboolean
check_response (ModelOracle                 *self,
                const CompaniesSyncResponse *response,
                GHashTable                  *changed,
                GHashTable                  *named,
                GArray                      *not_found,
                guint                        n_rejections,
                gint64                       version_before,
                GError                     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  for (guint list = 0; list < 2; list++)
    {
      GPtrArray *records = list == 0 ? response->companies : response->deleted;

      for (guint i = 0; i < records->len; i++)
        {
          const CompaniesRecord *echoed = g_ptr_array_index (records, i);

          if (echoed->uuid != NULL && !g_hash_table_add (seen, echoed->uuid))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "the response lists %s twice", echoed->uuid);
              return FALSE;
            }
          if (!check_record (self, echoed, list == 1, changed, version_before, error))
            return FALSE;
        }
    }

  /* Every record the request named comes back; every change shows. */
  g_hash_table_iter_init (&iter, named);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "the request named %s but the response lacks it", (const char *) key);
        return FALSE;
      }

  if (response->rejected->len != n_rejections + not_found->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the response rejects %u records, the oracle expects %u",
                   response->rejected->len, n_rejections + not_found->len);
      return FALSE;
    }
  for (guint i = 0; i < not_found->len; i++)
    {
      gint64 id = g_array_index (not_found, gint64, i);
      gboolean found = FALSE;

      for (guint j = 0; j < response->rejected->len && !found; j++)
        {
          const CompaniesRejected *rejected = g_ptr_array_index (response->rejected, j);

          found = rejected->id == id && g_strcmp0 (rejected->code, COMPANIES_REJECT_NOT_FOUND) == 0;
        }
      if (!found)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "the update of the unknown id %" G_GINT64_FORMAT " is not rejected not_found", id);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
model_oracle_apply (ModelOracle  *self,
                    GBytes       *request_body,
                    GBytes       *response_body,
                    char        **out_summary,
                    GError      **error)
{
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GHashTable) changed = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) not_found = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *path = NULL;
  gint64 version_before = self->last_version;
  guint n_rejections = 0;
  gsize length = 0;
  const char *data;

  data = g_bytes_get_data (request_body, &length);
  request = companies_sync_request_decode (data, length, &path, error);
  if (request == NULL)
    {
      g_prefix_error (error, "a request the server applied does not decode (at %s): ",
                      path != NULL ? path : "?");
      return FALSE;
    }
  data = g_bytes_get_data (response_body, &length);
  response = companies_sync_response_decode (data, length, error);
  if (response == NULL)
    {
      g_prefix_error (error, "a response of the server does not decode: ");
      return FALSE;
    }

  /* One transaction: adds, then updates, then deletes. */
  for (guint i = 0; i < request->added->len; i++)
    if (!apply_add (self, request, g_ptr_array_index (request->added, i), response,
                    changed, named, &n_rejections, error))
      return FALSE;
  for (guint i = 0; i < request->updated->len; i++)
    apply_update (self, request, g_ptr_array_index (request->updated, i), changed,
                  named, not_found, &n_rejections);
  for (guint i = 0; i < request->deleted->len; i++)
    apply_delete (self, g_ptr_array_index (request->deleted, i), changed, named,
                  &n_rejections);

  if (!check_response (self, response, changed, named, not_found, n_rejections,
                       version_before, error))
    return FALSE;

  g_free (self->last_cursor);
  self->last_cursor = g_strdup (response->cursor);

  if (out_summary != NULL)
    *out_summary = g_strdup_printf ("client %.8s: %u added, %u updated, %u deleted sent; "
                                    "%u changed; response %u companies, %u deleted, "
                                    "%u rejected, %u overwritten%s%s",
                                    request->client_id, request->added->len,
                                    request->updated->len, request->deleted->len,
                                    g_hash_table_size (changed), response->companies->len,
                                    response->deleted->len, response->rejected->len,
                                    response->overwritten->len,
                                    response->reset ? ", reset" : "",
                                    response->has_more ? ", has more" : "");

  return TRUE;
}

/* --- the end --- */

gboolean
model_oracle_check_server (ModelOracle  *self,
                           GHashTable   *records,
                           GError      **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->by_uuid);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      OracleRecord *record = value;
      const CompaniesRecord *server = g_hash_table_lookup (records, key);
      gboolean tombstone;

      if (server == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "the server lacks %s (id %" G_GINT64_FORMAT ", %s in the oracle)",
                       record->uuid, record->id, record->alive ? "alive" : "deleted");
          return FALSE;
        }

      tombstone = server->values[COMPANIES_FIELD_NAME] == NULL;
      if (server->id != record->id || tombstone == record->alive ||
          server->version != record->version)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "record %s: the server has id %" G_GINT64_FORMAT ", version %" G_GINT64_FORMAT
                       ", %s; the oracle id %" G_GINT64_FORMAT ", version %" G_GINT64_FORMAT ", %s",
                       record->uuid, server->id, server->version, tombstone ? "deleted" : "alive",
                       record->id, record->version, record->alive ? "alive" : "deleted");
          return FALSE;
        }

      for (guint i = 0; record->alive && i < COMPANIES_N_FIELDS; i++)
        if (g_strcmp0 (server->values[i], record->values[i]) != 0)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "record %s: %s is \"%s\" on the server, \"%s\" in the oracle",
                         record->uuid, companies_field_get_name (i),
                         server->values[i], record->values[i]);
            return FALSE;
          }
    }

  if (g_hash_table_size (records) != g_hash_table_size (self->by_uuid))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the server holds %u records (tombstones included), the oracle %u",
                   g_hash_table_size (records), g_hash_table_size (self->by_uuid));
      return FALSE;
    }

  return TRUE;
}

gboolean
model_oracle_is_deleted (ModelOracle *self,
                         const char  *uuid)
{
  OracleRecord *record = g_hash_table_lookup (self->by_uuid, uuid);

  return record != NULL && !record->alive;
}

static guint
count (ModelOracle *self,
       gboolean     alive)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->by_uuid);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((OracleRecord *) value)->alive == alive)
      n++;

  return n;
}

guint
model_oracle_count_alive (ModelOracle *self)
{
  return count (self, TRUE);
}

guint
model_oracle_count_deleted (ModelOracle *self)
{
  return count (self, FALSE);
}

const char *
model_oracle_get_last_cursor (ModelOracle *self)
{
  return self->last_cursor;
}
