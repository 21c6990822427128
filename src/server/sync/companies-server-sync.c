/* companies-server-sync.c: the server side of POST /v1/companies/sync
 *
 * One request, one transaction:
 *
 *  1. added: a known uuid (alive or tombstone) is a retried push and only
 *     returns the record; otherwise a new record, a new id. The insert
 *     itself tells a known uuid (one index lookup an add), and a new record
 *     is answered as it was written, not read back.
 *  2. updated: per field, last write wins in arrival order; a field whose
 *     stored per-field version is newer than base_version and whose value
 *     differs is reported in `overwritten`. A tombstone wins over the
 *     update (returned as is); an unknown id is rejected `not_found`. With
 *     a cursor from another server database, ids name records of that
 *     other database: every update is rejected `not_found` and every
 *     delete ignored.
 *  3. deleted: the record becomes a tombstone; missing or already deleted
 *     is fine.
 *  4. the page: changes after the cursor in version order (the first page
 *     of a snapshot: alive records only), at most `limit`, plus the current
 *     state of every record the request named.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-cursor.h"
#include "companies-server-sync.h"
#include "companies-server-test-hooks.h"

#define SECONDS_PER_DAY (24 * 60 * 60)

typedef struct
{
  CompaniesServerStore  *store;
  CompaniesSyncResponse *response;
  gint64                 now;
  /* the cursor names another server database */
  gboolean               foreign;
  /* ids of the records to return because the request named them, in order */
  GArray                *echo_ids;
  GHashTable            *echo_set;
  /* the records this request created, as stored: id → CompaniesServerRecord */
  GHashTable            *fresh;
} SyncContext;

static void
echo_record (SyncContext *ctx,
             gint64       id)
{
  gint64 *key;

  if (g_hash_table_contains (ctx->echo_set, &id))
    return;

  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_add (ctx->echo_set, key);
  g_array_append_val (ctx->echo_ids, id);
}

/* Keeps @record, as it stands after this request's writes, for the answer;
 * it replaces whatever was kept for its id. */
static void
keep_fresh (SyncContext           *ctx,
            CompaniesServerRecord *record)
{
  g_hash_table_replace (ctx->fresh, &record->id, record);
}

static void
add_rejected (SyncContext *ctx,
              const char  *uuid,
              gint64       id,
              const char  *code,
              const char  *field,
              const char  *message)
{
  CompaniesRejected *rejected = companies_rejected_new ();

  rejected->uuid = g_strdup (uuid);
  rejected->id = id;
  rejected->code = g_strdup (code);
  rejected->field = g_strdup (field);
  rejected->message = g_strdup (message);
  g_ptr_array_add (ctx->response->rejected, rejected);
}

static void
reject_change (SyncContext           *ctx,
               const CompaniesChange *change,
               const char            *uuid)
{
  add_rejected (ctx, uuid, change->id, change->reject_code,
                change->reject_field, change->reject_message);
}

static void
reject_not_found (SyncContext           *ctx,
                  const CompaniesChange *change)
{
  add_rejected (ctx, NULL, change->id, COMPANIES_REJECT_NOT_FOUND, NULL,
                _("This company no longer exists on the server"));
}

static gboolean
apply_add (SyncContext            *ctx,
           const CompaniesChange  *change,
           GError                **error)
{
  g_autoptr(CompaniesServerRecord) existing = NULL;
  CompaniesServerRecord *record;
  char *values[COMPANIES_N_FIELDS] = { NULL, };
  gint64 version, id = 0;
  gboolean ok;

  if (change->reject_code != NULL)
    {
      add_rejected (ctx, change->uuid, 0, change->reject_code,
                    change->reject_field, change->reject_message);
      return TRUE;
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *value = "";

      if ((change->field_mask & COMPANIES_FIELD_BIT (i)) && change->values[i] != NULL)
        value = change->values[i];
      values[i] = companies_field_normalize (i, value);
    }

  /* The insert itself finds a known uuid (and then writes nothing). */
  ok = companies_server_store_next_version (ctx->store, &version, error) &&
       companies_server_store_insert (ctx->store, change->uuid,
                                      (const char * const *) values, version,
                                      &id, error);

  if (!ok || id == 0)
    {
      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        g_free (values[i]);
      if (!ok)
        return FALSE;

      /* A retried push: return the record as it is now. */
      if (!companies_server_store_lookup_by_uuid (ctx->store, change->uuid, &existing, error))
        return FALSE;
      if (existing == NULL)
        {
          g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                               COMPANIES_SERVER_STORE_ERROR_FAILED,
                               _("The record to change is no longer there"));
          return FALSE;
        }
      echo_record (ctx, existing->id);
      return TRUE;
    }

  /* The new record as stored, kept for the answer: no read back. */
  record = companies_server_record_new ();
  record->id = id;
  record->uuid = g_strdup (change->uuid);
  record->version = version;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      record->values[i] = values[i];
      record->field_versions[i] = version;
    }
  keep_fresh (ctx, record);

  echo_record (ctx, id);
  return TRUE;
}

static gboolean
apply_update (SyncContext            *ctx,
              const CompaniesChange  *change,
              GError                **error)
{
  g_autoptr(CompaniesServerRecord) record = NULL;
  char *values[COMPANIES_N_FIELDS] = { NULL, };
  guint changed = 0;
  gint64 version = 0;
  gboolean ok = TRUE;

  if (ctx->foreign)
    {
      reject_not_found (ctx, change);
      return TRUE;
    }

  if (!companies_server_store_lookup_by_id (ctx->store, change->id, &record, error))
    return FALSE;

  if (record == NULL)
    {
      reject_not_found (ctx, change);
      return TRUE;
    }

  /* Deletes win: the update is dropped and the tombstone returned. */
  if (record->deleted)
    {
      echo_record (ctx, record->id);
      return TRUE;
    }

  if (change->reject_code != NULL)
    {
      reject_change (ctx, change, record->uuid);
      echo_record (ctx, record->id);
      return TRUE;
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (!(change->field_mask & COMPANIES_FIELD_BIT (i)))
        continue;

      values[i] = companies_field_normalize (i, change->values[i] != NULL ? change->values[i] : "");
      if (g_strcmp0 (values[i], record->values[i]) == 0)
        continue;

      changed |= COMPANIES_FIELD_BIT (i);

      /* Someone wrote this field after the client last saw the record. */
      if (record->field_versions[i] > change->base_version)
        {
          CompaniesOverwritten *overwritten = companies_overwritten_new ();

          overwritten->id = record->id;
          overwritten->field = i;
          overwritten->value = g_strdup (record->values[i]);
          overwritten->version = record->field_versions[i];
          g_ptr_array_add (ctx->response->overwritten, overwritten);
        }
    }

  /* Values equal to the stored ones change nothing, and take no version. */
  if (changed != 0)
    {
      ok = companies_server_store_next_version (ctx->store, &version, error) &&
           companies_server_store_update_fields (ctx->store, record->id, changed,
                                                 (const char * const *) values,
                                                 version, error);
    }

  if (!ok)
    {
      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        g_free (values[i]);
      return FALSE;
    }

  /* The record as it now stands, kept for the answer: no read back. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (changed & COMPANIES_FIELD_BIT (i))
        {
          g_free (record->values[i]);
          record->values[i] = g_steal_pointer (&values[i]);
          record->field_versions[i] = version;
          record->version = version;
        }
      g_free (values[i]);
    }
  echo_record (ctx, record->id);
  keep_fresh (ctx, g_steal_pointer (&record));

  return TRUE;
}

static gboolean
apply_delete (SyncContext            *ctx,
              const CompaniesChange  *change,
              GError                **error)
{
  g_autoptr(CompaniesServerRecord) record = NULL;
  gint64 version;

  if (change->reject_code != NULL)
    {
      reject_change (ctx, change, NULL);
      return TRUE;
    }

  /* The id names a record of another server database. */
  if (ctx->foreign)
    return TRUE;

  if (!companies_server_store_lookup_by_id (ctx->store, change->id, &record, error))
    return FALSE;

  /* Deleting a missing record is not an error. */
  if (record == NULL)
    return TRUE;

  if (!record->deleted)
    {
      if (!companies_server_store_next_version (ctx->store, &version, error) ||
          !companies_server_store_tombstone (ctx->store, record->id, version,
                                             ctx->now, error))
        return FALSE;
      /* read back for the answer, as a tombstone */
      g_hash_table_remove (ctx->fresh, &record->id);
    }

  echo_record (ctx, record->id);
  return TRUE;
}

static gint
compare_by_version (gconstpointer a,
                    gconstpointer b)
{
  const CompaniesServerRecord *ra = *(CompaniesServerRecord * const *) a;
  const CompaniesServerRecord *rb = *(CompaniesServerRecord * const *) b;

  return (ra->version > rb->version) - (ra->version < rb->version);
}

/* Fills the page of changes after @after_version, then adds the records the
 * request named that the page lacks. */
static gboolean
build_page (SyncContext  *ctx,
            gint64        after_version,
            gboolean      alive_only,
            guint         limit,
            gint64        last_version,
            gint64       *out_cursor_version,
            GError      **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_server_record_free);
  g_autoptr(GHashTable) in_page = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* One more than the limit tells whether more changes wait. */
  if (!companies_server_store_list_changes (ctx->store, after_version, alive_only,
                                            limit + 1, records, error))
    return FALSE;

  if (records->len > limit)
    {
      const CompaniesServerRecord *last;

      g_ptr_array_set_size (records, limit);
      last = g_ptr_array_index (records, limit - 1);
      ctx->response->has_more = TRUE;
      *out_cursor_version = last->version;
    }
  else
    {
      ctx->response->has_more = FALSE;
      *out_cursor_version = last_version;
    }

  for (guint i = 0; i < records->len; i++)
    {
      CompaniesServerRecord *record = g_ptr_array_index (records, i);

      g_hash_table_add (in_page, &record->id);
    }

  for (guint i = 0; i < ctx->echo_ids->len; i++)
    {
      gint64 id = g_array_index (ctx->echo_ids, gint64, i);
      CompaniesServerRecord *record = NULL;

      if (g_hash_table_contains (in_page, &id))
        continue;

      if (g_hash_table_steal_extended (ctx->fresh, &id, NULL, (gpointer *) &record))
        {
          g_ptr_array_add (records, record);
          continue;
        }

      if (!companies_server_store_lookup_by_id (ctx->store, id, &record, error))
        return FALSE;
      if (record != NULL)
        g_ptr_array_add (records, record);
    }

  g_ptr_array_sort (records, compare_by_version);

  for (guint i = 0; i < records->len; i++)
    {
      CompaniesServerRecord *record = g_ptr_array_index (records, i);

      /* The records are dropped with the page: their strings move. */
      g_ptr_array_add (record->deleted ? ctx->response->deleted : ctx->response->companies,
                       companies_server_record_steal_to_protocol (record));
    }

  return TRUE;
}

static gboolean
apply_in_transaction (SyncContext                 *ctx,
                      const CompaniesSyncRequest  *request,
                      const CompaniesServerCursor *cursor,
                      GError                     **error)
{
  const char *database_uuid = companies_server_store_get_database_uuid (ctx->store);
  CompaniesServerStoreState before, after;
  gboolean first_snapshot_page = FALSE;
  gint64 after_version = 0;
  gint64 cursor_version = 0;
  guint n_total, n_applied = 0;
  guint limit;

  if (!companies_server_store_get_state (ctx->store, &before, error))
    return FALSE;

  /* A null cursor, one from another database, one older than the newest
   * purged tombstone (the client may have missed a delete) or newer than
   * anything here: a snapshot starts. */
  if (cursor == NULL)
    first_snapshot_page = TRUE;
  else if (strcmp (cursor->database_uuid, database_uuid) != 0)
    {
      ctx->foreign = TRUE;
      first_snapshot_page = TRUE;
    }
  else if (cursor->version < before.purge_horizon ||
           cursor->version > before.last_version)
    first_snapshot_page = TRUE;
  else
    after_version = cursor->version;

  ctx->response->reset = first_snapshot_page || (cursor != NULL && cursor->in_snapshot);

  n_total = request->added->len + request->updated->len + request->deleted->len;

  for (guint i = 0; i < request->added->len; i++)
    {
      if (!apply_add (ctx, g_ptr_array_index (request->added, i), error))
        return FALSE;
      companies_server_test_hook_applied (++n_applied, n_total);
    }

  for (guint i = 0; i < request->updated->len; i++)
    {
      if (!apply_update (ctx, g_ptr_array_index (request->updated, i), error))
        return FALSE;
      companies_server_test_hook_applied (++n_applied, n_total);
    }

  for (guint i = 0; i < request->deleted->len; i++)
    {
      if (!apply_delete (ctx, g_ptr_array_index (request->deleted, i), error))
        return FALSE;
      companies_server_test_hook_applied (++n_applied, n_total);
    }

  if (!companies_server_store_get_state (ctx->store, &after, error))
    return FALSE;

  limit = request->limit;
  if (limit == 0 || limit > COMPANIES_MAX_LIMIT)
    limit = COMPANIES_DEFAULT_LIMIT;

  /* The first page of a snapshot lists alive records only: the client
   * drops whatever the snapshot lacks. */
  if (!build_page (ctx, after_version, first_snapshot_page, limit,
                   after.last_version, &cursor_version, error))
    return FALSE;

  ctx->response->cursor = companies_server_cursor_format (database_uuid, cursor_version,
                                                          ctx->response->reset &&
                                                          ctx->response->has_more);

  return TRUE;
}

/* In a transaction of its own, or (@nested) in a savepoint of the caller's
 * transaction: on failure, nothing of @request is applied. */
static CompaniesSyncResponse *
sync_apply (CompaniesServerStore        *store,
            const CompaniesSyncRequest  *request,
            gint64                       now,
            gboolean                     nested,
            gboolean                    *out_lost,
            char                       **out_path,
            GError                     **error)
{
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GArray) echo_ids = NULL;
  g_autoptr(GHashTable) echo_set = NULL;
  g_autoptr(GHashTable) fresh = NULL;
  CompaniesServerCursor cursor;
  SyncContext ctx = { 0, };

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (out_path != NULL)
    *out_path = NULL;

  if (request->cursor != NULL && !companies_server_cursor_parse (request->cursor, &cursor))
    {
      g_set_error_literal (error, COMPANIES_PROTOCOL_ERROR,
                           COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST,
                           _("The cursor was not made by this server"));
      if (out_path != NULL)
        *out_path = g_strdup ("cursor");
      return NULL;
    }

  response = companies_sync_response_new ();
  response->protocol = COMPANIES_PROTOCOL_VERSION;
  echo_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  echo_set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  ctx.store = store;
  ctx.response = response;
  ctx.now = now;
  ctx.echo_ids = echo_ids;
  ctx.echo_set = echo_set;
  fresh = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                 (GDestroyNotify) companies_server_record_free);
  ctx.fresh = fresh;

  if (nested)
    {
      if (!companies_server_store_savepoint (store, error))
        {
          *out_lost = !companies_server_store_rollback_to (store);
          return NULL;
        }

      if (!apply_in_transaction (&ctx, request, request->cursor != NULL ? &cursor : NULL, error) ||
          !companies_server_store_release (store, error))
        {
          *out_lost = !companies_server_store_rollback_to (store);
          return NULL;
        }

      return g_steal_pointer (&response);
    }

  if (!companies_server_store_begin (store, error))
    return NULL;

  if (!apply_in_transaction (&ctx, request, request->cursor != NULL ? &cursor : NULL, error) ||
      !companies_server_store_commit (store, error))
    {
      companies_server_store_rollback (store);
      return NULL;
    }

  return g_steal_pointer (&response);
}

CompaniesSyncResponse *
companies_server_sync_apply (CompaniesServerStore        *store,
                             const CompaniesSyncRequest  *request,
                             gint64                       now,
                             char                       **out_path,
                             GError                     **error)
{
  return sync_apply (store, request, now, FALSE, NULL, out_path, error);
}

CompaniesSyncResponse *
companies_server_sync_apply_nested (CompaniesServerStore        *store,
                                    const CompaniesSyncRequest  *request,
                                    gint64                       now,
                                    gboolean                    *out_lost,
                                    char                       **out_path,
                                    GError                     **error)
{
  g_return_val_if_fail (out_lost != NULL, NULL);

  *out_lost = FALSE;
  return sync_apply (store, request, now, TRUE, out_lost, out_path, error);
}

gboolean
companies_server_sync_purge (CompaniesServerStore  *store,
                             guint                  tombstone_days,
                             gint64                 now,
                             guint                 *out_n_purged,
                             GError               **error)
{
  gint64 deleted_before = now - (gint64) tombstone_days * SECONDS_PER_DAY;
  guint n_purged = 0;

  g_return_val_if_fail (store != NULL, FALSE);

  if (!companies_server_store_begin (store, error))
    return FALSE;

  if (!companies_server_store_purge_tombstones (store, deleted_before, &n_purged, error) ||
      !companies_server_store_commit (store, error))
    {
      companies_server_store_rollback (store);
      return FALSE;
    }

  if (out_n_purged != NULL)
    *out_n_purged = n_purged;

  return TRUE;
}
