/* companies-server-store-postgres-records.c: reading and writing the
 * company records of the PostgreSQL store: lookups, pages of changes,
 * adds, field updates, tombstones and their purge
 *
 * Every write runs inside the writer's turn (companies-server-store-
 * postgres-transaction.c), so no other server writes meanwhile: an add
 * of a uuid another server just added finds it (ON CONFLICT DO NOTHING
 * against the committed row), and one server at a time purges.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-server-store-postgres-private.h"

/* Takes @result of a lookup: *out_record is NULL when there is no such
 * record. */
static gboolean
take_record (PGresult               *result,
             CompaniesServerRecord **out_record)
{
  g_autoptr(PGresult) owned = result;

  *out_record = NULL;
  if (owned == NULL)
    return FALSE;

  if (PQntuples (owned) > 0)
    *out_record = companies_server_postgres_read_record (owned, 0);

  return TRUE;
}

gboolean
companies_server_postgres_lookup_by_id (CompaniesServerStore   *store,
                                        gint64                  id,
                                        CompaniesServerRecord **out_record,
                                        GError                **error)
{
  return take_record (companies_server_postgres_query ((CompaniesServerStorePostgres *) store,
                                                       PG_STMT_LOOKUP_ID, error, "i", id),
                      out_record);
}

gboolean
companies_server_postgres_lookup_by_uuid (CompaniesServerStore   *store,
                                          const char             *uuid,
                                          CompaniesServerRecord **out_record,
                                          GError                **error)
{
  return take_record (companies_server_postgres_query ((CompaniesServerStorePostgres *) store,
                                                       PG_STMT_LOOKUP_UUID, error, "t", uuid),
                      out_record);
}

gboolean
companies_server_postgres_list_changes (CompaniesServerStore  *store,
                                        gint64                 after_version,
                                        gboolean               alive_only,
                                        guint                  max,
                                        GPtrArray             *records,
                                        GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  g_autoptr(PGresult) result = NULL;
  int n_rows;

  result = companies_server_postgres_query (self, alive_only ? PG_STMT_LIST_ALIVE : PG_STMT_LIST_ALL,
                                            error, "ii", after_version, (gint64) max);
  if (result == NULL)
    return FALSE;

  n_rows = PQntuples (result);
  for (int i = 0; i < n_rows; i++)
    g_ptr_array_add (records, companies_server_postgres_read_record (result, i));

  return TRUE;
}

/* The nine field values, in the order of CompaniesField: those of @mask
 * ("" for none), NULL for the others (a field the statement leaves). */
static void
params_add_fields (PgParams           *params,
                   guint               mask,
                   const char * const *values)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *value = NULL;

      if (mask & COMPANIES_FIELD_BIT (i))
        value = values[i] != NULL ? values[i] : "";
      companies_server_postgres_params_text (params, value);
    }
}

/* When, who and which client: the history of the request's writes
 * (docs/history.md). */
static void
params_add_authorship (PgParams             *params,
                       CompaniesServerStore *store)
{
  companies_server_postgres_params_add (params, "itt", store->author_at, store->author,
                                        store->writer);
}

/* The rows a command changed. */
static guint64
changed_rows (const PGresult *result)
{
  return g_ascii_strtoull (PQcmdTuples ((PGresult *) result), NULL, 10);
}

gboolean
companies_server_postgres_insert (CompaniesServerStore  *store,
                                  const char            *uuid,
                                  const char * const    *values,
                                  gint64                 version,
                                  gint64                *out_id,
                                  GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  g_autoptr(PGresult) result = NULL;
  PgParams params = { .n = 0 };
  gint64 id;

  g_return_val_if_fail (self->state_cached, FALSE);

  /* The newest id ever handed out, plus one: never a purged record's. */
  id = self->last_id + 1;

  /* A uuid known to be new: sent with others, without waiting for the
   * answer. */
  if (companies_server_postgres_pipeline_takes (self, uuid))
    {
      if (!companies_server_postgres_adds_keep (self, uuid, version, id, values, error))
        return FALSE;
    }
  else
    {
      companies_server_postgres_params_add (&params, "ti", uuid, version);
      params_add_fields (&params, COMPANIES_ALL_FIELDS, values);
      companies_server_postgres_params_add (&params, "i", id);
      params_add_authorship (&params, store);
      result = companies_server_postgres_run (self, PG_STMT_INSERT, &params, error);
      if (result == NULL)
        return FALSE;

      /* The uuid is known: a retried add. The version goes back unused. */
      if (changed_rows (result) == 0)
        {
          if (self->state.last_version == version)
            self->state.last_version--;
          *out_id = 0;
          return TRUE;
        }
    }

  self->last_id = id;
  self->state_dirty = TRUE;
  *out_id = id;
  return TRUE;
}

gboolean
companies_server_postgres_update_fields (CompaniesServerStore  *store,
                                         gint64                 id,
                                         guint                  mask,
                                         const char * const    *values,
                                         gint64                 version,
                                         GError               **error)
{
  PgParams params = { .n = 0 };

  companies_server_postgres_params_add (&params, "ii", id, version);
  /* A NULL parameter leaves the field (and its version) as it is. */
  params_add_fields (&params, mask, values);
  params_add_authorship (&params, store);
  companies_server_postgres_params_add (&params, "ii",
                                        companies_server_store_history_horizon (store,
                                                                                store->author_at),
                                        (gint64) companies_server_store_history_entries (store) - 1);

  /* Answered with the request's next statement (its page at the latest):
   * it must change the one row. */
  return companies_server_postgres_send ((CompaniesServerStorePostgres *) store, PG_PIPED_CHANGE,
                                         PG_STMT_UPDATE, &params, error);
}

gboolean
companies_server_postgres_tombstone (CompaniesServerStore  *store,
                                     gint64                 id,
                                     gint64                 version,
                                     gint64                 deleted_at,
                                     GError               **error)
{
  PgParams params = { .n = 0 };

  companies_server_postgres_params_add (&params, "iii", id, version, deleted_at);
  params_add_authorship (&params, store);
  companies_server_postgres_params_int (&params,
                                        companies_server_store_history_horizon (store,
                                                                                store->author_at));

  return companies_server_postgres_send ((CompaniesServerStorePostgres *) store, PG_PIPED_CHANGE,
                                         PG_STMT_TOMBSTONE, &params, error);
}

gboolean
companies_server_postgres_purge_tombstones (CompaniesServerStore  *store,
                                            gint64                 deleted_before,
                                            guint                 *out_n_purged,
                                            GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  g_autoptr(PGresult) newest_result = NULL;
  g_autoptr(PGresult) deleted = NULL;
  g_autoptr(PGresult) raised = NULL;
  gint64 newest;

  *out_n_purged = 0;

  /* Only inside the writer's turn: one server at a time purges. */
  g_return_val_if_fail (self->state_cached, FALSE);

  newest_result = companies_server_postgres_query (self, PG_STMT_PURGE_NEWEST, error, "i",
                                                   deleted_before);
  if (newest_result == NULL)
    return FALSE;
  newest = companies_server_postgres_get_int (newest_result, 0, 0);
  if (newest == 0)
    return TRUE;

  deleted = companies_server_postgres_query (self, PG_STMT_PURGE_DELETE, error, "i",
                                             deleted_before);
  if (deleted == NULL)
    return FALSE;
  *out_n_purged = changed_rows (deleted);

  raised = companies_server_postgres_query (self, PG_STMT_RAISE_HORIZON, error, "i", newest);
  if (raised == NULL)
    return FALSE;

  self->state.purge_horizon = MAX (self->state.purge_horizon, newest);
  return TRUE;
}

char *
companies_server_postgres_dup_value_or_null (const PGresult *result,
                                             int             row,
                                             int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;

  return g_strdup (PQgetvalue (result, row, column));
}

gboolean
companies_server_postgres_list_history (CompaniesServerStore  *store,
                                        gint64                 id,
                                        guint                  max,
                                        GPtrArray             *entries,
                                        GError               **error)
{
  g_autoptr(PGresult) result = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* the horizon: a lazy record's creation entries older than it show
   * none, as pruned stored ones would */
  result = companies_server_postgres_query ((CompaniesServerStorePostgres *) store,
                                            PG_STMT_HISTORY_LIST, error, "iii", id, (gint64) max,
                                            companies_server_store_history_horizon (store, now));
  if (result == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (result); row++)
    {
      CompaniesHistoryEntry *entry = companies_history_entry_new ();

      entry->field = companies_server_postgres_dup_value_or_null (result, row, 0);
      entry->value = companies_server_postgres_dup_value_or_null (result, row, 1);
      entry->version = companies_server_postgres_get_int (result, row, 2);
      entry->at = companies_server_postgres_get_int (result, row, 3);
      entry->by = companies_server_postgres_dup_value_or_null (result, row, 4);
      g_ptr_array_add (entries, entry);
    }

  return TRUE;
}

gboolean
companies_server_postgres_prune_history (CompaniesServerStore  *store,
                                         gint64                 before,
                                         GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  g_autoptr(PGresult) result = NULL;

  result = companies_server_postgres_query (self, PG_STMT_HISTORY_PRUNE_AGE, error, "i", before);
  if (result == NULL)
    return FALSE;
  g_clear_pointer (&result, PQclear);

  /* the replaced values age out with history (docs/notices.md) */
  result = companies_server_postgres_query (self, PG_STMT_REPLACED_PRUNE_AGE, error, "i", before);
  return result != NULL;
}
