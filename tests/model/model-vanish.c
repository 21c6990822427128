/* model-vanish.c: the model test's invariant that no edit vanishes: on
 * the server, in its history, or in a notice at its client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-model"

#include <gio/gio.h>

#include "companies-history-fetch.h"
#include "companies-local-store-notices.h"
#include "model-vanish.h"

typedef struct
{
  Model       *model;
  GHashTable  *server_records;
  const char  *server_url;
  guint        history_entries;
  GHashTable  *histories;  /* uuid → GPtrArray of CompaniesHistoryEntry */
  GHashTable  *notices;    /* client id → GPtrArray of CompaniesNotice */
  guint        checked;
  guint        in_history;
  GError      *error;      /* the first edit that vanished */
} VanishCheck;

static ModelClient *
find_client (Model      *model,
             const char *client_id)
{
  for (guint i = 0; i < model->clients->len; i++)
    {
      ModelClient *client = g_ptr_array_index (model->clients, i);

      if (g_str_equal (client->client_id, client_id))
        return client;
    }

  model_fail (model, "an edit by an unknown client %s", client_id);
}

static GPtrArray *
client_notices (VanishCheck *check,
                ModelClient *client)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *notices = g_hash_table_lookup (check->notices, client->client_id);

  if (notices != NULL)
    return notices;

  notices = companies_local_store_list_notices (client->store, &error);
  if (notices == NULL)
    model_fail (check->model, "%s could not list its notices: %s", client->name, error->message);
  g_hash_table_insert (check->notices, client->client_id, notices);
  return notices;
}

/* The history of server id @id, through the client library. */
static GPtrArray *
record_history (VanishCheck *check,
                const char  *uuid,
                gint64       id)
{
  g_autoptr(CompaniesSyncConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = g_hash_table_lookup (check->histories, uuid);

  if (entries != NULL)
    return entries;

  config = companies_sync_config_new (NULL, check->server_url, NULL, NULL);
  entries = companies_history_fetch (config, id, NULL, &error);
  if (entries == NULL)
    model_fail (check->model, "the history of %s (id %" G_GINT64_FORMAT ") could not be read: %s",
                uuid, id, error->message);
  g_hash_table_insert (check->histories, (gpointer) uuid, entries);
  return entries;
}

static gboolean
in_notice (GPtrArray      *notices,
           const char     *uuid,
           CompaniesField  field,
           const char     *value,
           gboolean        deleted_only)
{
  for (guint i = 0; i < notices->len; i++)
    {
      CompaniesNotice *notice = g_ptr_array_index (notices, i);

      if (g_strcmp0 (notice->uuid, uuid) != 0)
        continue;
      if (notice->kind == COMPANIES_NOTICE_DELETED && notice->lost_values != NULL &&
          g_strcmp0 (notice->lost_values[field], value) == 0)
        return TRUE;
      if (!deleted_only && notice->kind == COMPANIES_NOTICE_OVERWRITTEN &&
          notice->field == field && g_strcmp0 (notice->lost, value) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
check_made_cb (const char     *client_id,
               const char     *uuid,
               CompaniesField  field,
               const char     *value,
               gpointer        user_data)
{
  VanishCheck *check = user_data;
  ModelClient *client = find_client (check->model, client_id);
  const CompaniesRecord *record = g_hash_table_lookup (check->server_records, uuid);
  const char *name = companies_field_get_name (field);
  GPtrArray *history = NULL;
  guint n_field = 0;

  if (check->error != NULL)
    return;
  check->checked++;

  /* the server's current value */
  if (record != NULL && record->values[field] != NULL && g_str_equal (record->values[field], value))
    return;

  /* its history; an add records only non-empty fields, so every field's
   * history starts empty (docs/history.md) */
  if (record != NULL && *value == '\0')
    return;
  if (record != NULL)
    {
      history = record_history (check, uuid, record->id);
      for (guint i = 0; i < history->len; i++)
        {
          CompaniesHistoryEntry *entry = g_ptr_array_index (history, i);

          if (g_strcmp0 (entry->field, name) != 0)
            continue;
          n_field++;
          if (g_strcmp0 (entry->value, value) == 0)
            {
              check->in_history++;
              return;
            }
        }
    }

  /* a notice at the client that made it */
  if (in_notice (client_notices (check, client), uuid, field, value, FALSE))
    return;

  g_set_error (&check->error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "%s's edit of record %s, %s = \"%s\", vanished: %s%s%s, its history on the "
               "server holds %u other entries of %s, and no notice at %s holds it%s",
               client->name, uuid, name, value,
               record == NULL ? "the server never had the record" :
               record->values[field] == NULL ? "the server deleted the record" : "the server holds \"",
               record != NULL && record->values[field] != NULL ? record->values[field] : "",
               record != NULL && record->values[field] != NULL ? "\"" : "",
               n_field, name, client->name,
               n_field >= check->history_entries ?
               " (that history is full to its bound, --history-entries: raise it)" : "");
}

gboolean
model_check_none_vanished (Model       *model,
                           GHashTable  *server_records,
                           const char  *server_url,
                           guint        history_entries,
                           guint       *out_checked,
                           guint       *out_in_history,
                           GError     **error)
{
  VanishCheck check = { model, server_records, server_url, history_entries, NULL, NULL, 0, 0, NULL };

  check.histories = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) g_ptr_array_unref);
  check.notices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) g_ptr_array_unref);
  model_oracle_foreach_made (model->oracle, check_made_cb, &check);
  g_hash_table_unref (check.histories);
  g_hash_table_unref (check.notices);

  *out_checked = check.checked;
  *out_in_history = check.in_history;
  if (check.error != NULL)
    {
      g_propagate_error (error, check.error);
      return FALSE;
    }

  return TRUE;
}

/* --- edits a delete beat: in a "deleted" notice --- */

typedef struct
{
  Model *model;
  guint  checked;
} LostCheck;

static void
check_lost_cb (const char     *client_id,
               const char     *uuid,
               CompaniesField  field,
               const char     *value,
               gpointer        user_data)
{
  LostCheck *check = user_data;
  ModelClient *client = find_client (check->model, client_id);
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GError) error = NULL;

  notices = companies_local_store_list_notices (client->store, &error);
  if (notices == NULL)
    model_fail (check->model, "%s could not list its notices: %s", client->name, error->message);

  if (!in_notice (notices, uuid, field, value, TRUE))
    model_fail (check->model, "%s's edit of record %s, %s = \"%s\", vanished: the server deleted "
                "the record, and no notice at %s holds the edit", client->name, uuid,
                companies_field_get_name (field), value, client->name);
  check->checked++;
}

guint
model_check_lost_in_notices (Model *model)
{
  LostCheck lost = { model, 0 };

  model_oracle_foreach_lost (model->oracle, check_lost_cb, &lost);
  return lost.checked;
}
