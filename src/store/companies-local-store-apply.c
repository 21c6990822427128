/* companies-local-store-apply.c: applying one server response to
 * CompaniesLocalStore in one transaction, with the in-flight rule of
 * docs/protocol.md section 3 and the snapshot marks of a reset. Building
 * a push is in companies-local-store-push.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-adopt.h"
#include "companies-local-store-notices-private.h"
#include "companies-local-store-sync.h"
#include "companies-sent-spans.h"
#include "companies-store-counts.h"
#include "companies-store-row.h"
#include "companies-test-hooks.h"

/* Snapshot marks are generations: each snapshot takes the next number
 * (kept under this sync_state key) and marks the rows it lists with it,
 * so that nothing has to be cleared before or after one (a full-table
 * UPDATE at 100,000 records). The numbers start at 2: 1 is the mark of
 * builds that cleared, which a snapshot they left unfinished still uses;
 * no new row enters the partial index on snapshot_seen = 1. */
#define STATE_SNAPSHOT_GENERATION "snapshot_generation"
#define FIRST_SNAPSHOT_GENERATION 2

/* Why the table is read in order: companies-local-store-private.h. */
static const char remove_unseen_sql[] =
  COMPANIES_REMOVE_UNSEEN_SQL " RETURNING " COMPANIES_COUNTS_COLUMNS;

static const CompaniesPushedRecord *
find_pushed (const CompaniesPushBatch *batch,
             const char               *uuid)
{
  if (batch == NULL || uuid == NULL)
    return NULL;

  return g_hash_table_lookup (batch->pushed, uuid);
}

/* The record is no longer the server's (its id means nothing there): it
 * becomes a local addition again, same uuid, so that no edit is lost. */
static void
make_local_addition (CompaniesStoreRow *row)
{
  row->is_from_server = FALSE;
  row->add_sent = FALSE;
  row->sent_changed = 0;
  row->id = 0;
  row->version = 0;
  row->base_version = 0;
  row->changed_fields = COMPANIES_ALL_FIELDS;
  row->is_modified = TRUE;
  companies_store_row_set_rejection (row, NULL, NULL, NULL);
}

static gboolean
apply_rejected (CompaniesLocalStore       *self,
                const CompaniesPushBatch  *batch,
                const CompaniesRejected   *rejected,
                CompaniesApplyStats       *stats,
                GError                   **error)
{
  g_autoptr(CompaniesStoreRow) row = NULL;
  const CompaniesPushedRecord *pushed;

  if (rejected->uuid == NULL && rejected->id <= 0)
    return TRUE;

  if (!companies_local_store_load_row (self, rejected->uuid, rejected->id, &row, error))
    return FALSE;
  /* An update is named by its id; the server may not know the uuid. */
  if (row == NULL && rejected->uuid != NULL && rejected->id > 0 &&
      !companies_local_store_load_row (self, NULL, rejected->id, &row, error))
    return FALSE;
  if (row == NULL)
    return TRUE;

  pushed = find_pushed (batch, row->uuid);

  if (g_strcmp0 (rejected->code, COMPANIES_REJECT_NOT_FOUND) == 0)
    {
      /* The server has no trace of the id (its database was replaced, or
       * the tombstone expired): whatever happened locally since, the id
       * is dead. */
      if (!row->is_from_server)
        return TRUE;

      stats->rejected++;
      if (!row->is_active)
        return companies_local_store_remove_row (self, row->local_id, error);

      make_local_addition (row);
      return companies_local_store_save_row (self, row, error);
    }

  /* Changed since it was pushed: the new values may be fine; the next
   * sync sends them. */
  if (pushed == NULL || pushed->local_seq != row->local_seq)
    return TRUE;

  stats->rejected++;

  /* An addition sent again only to learn its id for a delete (see
   * push_sent_then_deleted_sql): the server refuses its values, so the
   * id cannot be learnt. The row goes; should the server hold the record
   * after all (from the first send), it comes back with a later page and
   * can be deleted again. */
  if (!row->is_from_server && !row->is_active)
    return companies_local_store_remove_row (self, row->local_id, error);

  companies_store_row_set_rejection (row, rejected->code, rejected->field,
                                     rejected->message != NULL ? rejected->message : "");
  return companies_local_store_save_row (self, row, error);
}

static gboolean
apply_tombstone (CompaniesLocalStore    *self,
                 const CompaniesRecord  *record,
                 CompaniesApplyStats    *stats,
                 GError                **error)
{
  g_autoptr(CompaniesStoreRow) row = NULL;

  if (!companies_local_store_load_row (self, record->uuid, record->id, &row, error))
    return FALSE;

  /* Deletes win, whatever the local state; edits made here that the
   * server never took are kept as a notice (docs/notices.md). */
  if (row == NULL)
    return TRUE;

  if (row->is_active && row->changed_fields != 0)
    {
      if (!companies_local_store_add_deleted_notice (self, row, error))
        return FALSE;
      stats->deleted_edits++;
    }

  return companies_local_store_remove_row (self, row->local_id, error);
}

/* Another row holds the server id that @record now names: it came from
 * another server database. */
static gboolean
evict_stale_id (CompaniesLocalStore    *self,
                const CompaniesRecord  *record,
                GError                **error)
{
  g_autoptr(CompaniesStoreRow) stale = NULL;

  if (!companies_local_store_load_row (self, NULL, record->id, &stale, error))
    return FALSE;
  if (stale == NULL || g_strcmp0 (stale->uuid, record->uuid) == 0)
    return TRUE;

  if (!stale->is_active || !stale->is_modified)
    return companies_local_store_remove_row (self, stale->local_id, error);

  make_local_addition (stale);
  return companies_local_store_save_row (self, stale, error);
}

static void
take_value (CompaniesStoreRow     *row,
            const CompaniesRecord *record,
            guint                  field)
{
  const char *value = record->values[field] != NULL ? record->values[field] : "";

  if (g_strcmp0 (row->values[field], value) == 0)
    return;

  g_free (row->values[field]);
  row->values[field] = g_strdup (value);
}

/* Takes the server's value of every field not in @keep. */
static void
take_values_except (CompaniesStoreRow     *row,
                    const CompaniesRecord *record,
                    guint                  keep)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if ((keep & COMPANIES_FIELD_BIT (i)) == 0)
      take_value (row, record, i);
}

/* A record new to this store. Pushed as an addition and deleted here
 * while the request was out (a never-synced row goes at once): the
 * server now has it, so the delete must reach the server with the next
 * sync. */
static gboolean
add_server_row (CompaniesLocalStore    *self,
                const CompaniesRecord  *record,
                gboolean                pushed_as_add,
                CompaniesStoreRow     **out_row,
                GError                **error)
{
  g_autoptr(CompaniesStoreRow) row = companies_store_row_new ();

  row->uuid = g_strdup (record->uuid);
  row->base_version = record->version;
  take_values_except (row, record, 0);

  if (pushed_as_add)
    {
      row->is_active = FALSE;
      if (!companies_local_store_next_local_seq (self, &row->local_seq, error))
        return FALSE;
    }

  *out_row = g_steal_pointer (&row);
  return TRUE;
}

/* One of our additions, pushed now or before. The server creates an
 * addition once; a retried push (the first response was lost) or a page
 * that lists it gives the record as the server holds it: the values
 * first sent, plus what other clients changed since. Ours are the values
 * first sent plus the fields changed here after that first send:
 * sent_changed (see add_sent; every field for an addition not marked
 * sent). A field of that set whose value differs from the server's keeps
 * the local value and stays pending, sent as an update from this version
 * (a local edit is never lost); every other field takes the server's
 * value (never our stale first one over another client's edit). When the
 * first push never arrived, this one created the record with the current
 * values: all equal, nothing stays pending. A deleted row, sent to learn
 * its id, stays deleted: now an ordinary local delete, which the next
 * round sends. */
static void
merge_own_addition (CompaniesStoreRow     *row,
                    const CompaniesRecord *record)
{
  guint changed = row->add_sent ? row->sent_changed : row->changed_fields;
  guint keep = 0;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *value = record->values[i] != NULL ? record->values[i] : "";

      if ((changed & COMPANIES_FIELD_BIT (i)) != 0 &&
          g_strcmp0 (row->values[i], value) != 0)
        keep |= COMPANIES_FIELD_BIT (i);
      else
        take_value (row, record, i);
    }
  row->changed_fields = keep;
  row->is_modified = keep != 0;
  row->base_version = record->version;
  row->add_sent = FALSE;
  row->sent_changed = 0;
}

/* Pushed as an addition, and since made the server's by an earlier
 * response (a page that listed it, applied after this request was
 * built): the server kept its own values for the retried addition, so
 * the fields still pending here stay pending. */
static void
merge_retried_addition (CompaniesStoreRow     *row,
                        const CompaniesRecord *record)
{
  row->is_modified = row->changed_fields != 0;
  take_values_except (row, record, row->changed_fields);
}

/* Pushed and not changed since: the server's state is ours. */
static void
take_pushed_state (CompaniesStoreRow     *row,
                   const CompaniesRecord *record)
{
  row->changed_fields = 0;
  row->is_modified = FALSE;
  row->is_active = TRUE;
  row->base_version = record->version;
  take_values_except (row, record, 0);
}

/* Changed since it was pushed, or holding changes that were not pushed
 * (made after the sync began, or rejected): the fields in the changed
 * set keep their local values and stay pending; the others take the
 * server's. */
static void
merge_local_changes (CompaniesStoreRow           *row,
                     const CompaniesRecord       *record,
                     const CompaniesPushedRecord *pushed)
{
  guint keep = row->changed_fields;

  if (pushed != NULL && row->rejection_code == NULL)
    {
      /* Our push reached the server; a field whose local value is still
       * the one we pushed is no longer a local change. */
      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        if ((pushed->change->field_mask & COMPANIES_FIELD_BIT (i)) != 0 &&
            g_strcmp0 (pushed->change->values[i], row->values[i]) == 0)
          keep &= ~COMPANIES_FIELD_BIT (i);
      row->base_version = record->version;
    }

  row->changed_fields = keep;
  row->is_modified = keep != 0;
  take_values_except (row, record, keep);
}

/* The row is the server's record now, at its version, marked seen by a
 * snapshot in progress (the save writes only the columns that changed). */
static gboolean
save_server_row (CompaniesLocalStore    *self,
                 CompaniesStoreRow      *row,
                 const CompaniesRecord  *record,
                 gint64                  snapshot_generation,
                 GError                **error)
{
  row->is_from_server = TRUE;
  row->id = record->id;
  row->version = record->version;
  if (snapshot_generation != 0)
    row->snapshot_seen = snapshot_generation;

  return companies_local_store_save_row (self, row, error);
}

/* One company of a response, with the in-flight rule: what the row
 * holds decides which of the steps above merges the server's record. */
static gboolean
apply_company (CompaniesLocalStore       *self,
               const CompaniesPushBatch  *batch,
               const CompaniesRecord     *record,
               gint64                     snapshot_generation,
               GError                   **error)
{
  g_autoptr(CompaniesStoreRow) row = NULL;
  const CompaniesPushedRecord *pushed;
  gboolean pushed_as_add;

  if (record->uuid == NULL || record->id <= 0)
    return TRUE;

  pushed = find_pushed (batch, record->uuid);
  pushed_as_add = pushed != NULL && pushed->kind == COMPANIES_CHANGE_ADD;

  /* The echo of an addition of this batch: most often the values sent. */
  if (pushed_as_add)
    {
      gboolean adopted;

      if (!evict_stale_id (self, record, error) ||
          !companies_local_store_adopt_unchanged_add (self, record, snapshot_generation, &adopted,
                                                      error))
        return FALSE;
      if (adopted)
        return TRUE;
    }

  if (!companies_local_store_load_row (self, record->uuid, 0, &row, error))
    return FALSE;

  if ((row == NULL || row->id != record->id) &&
      !evict_stale_id (self, record, error))
    return FALSE;

  if (row == NULL)
    {
      if (!add_server_row (self, record, pushed_as_add, &row, error))
        return FALSE;
    }
  else if (!row->is_from_server)
    {
      merge_own_addition (row, record);
    }
  else if (pushed_as_add)
    {
      merge_retried_addition (row, record);
    }
  else if (pushed != NULL && pushed->local_seq == row->local_seq &&
           row->rejection_code == NULL)
    {
      /* Pushed a delete that is still pending: removed after the pass. */
      if (pushed->kind == COMPANIES_CHANGE_DELETE)
        return TRUE;

      take_pushed_state (row, record);
    }
  else
    {
      merge_local_changes (row, record, pushed);
    }

  return save_server_row (self, row, record, snapshot_generation, error);
}

/* Records sent as deleted are removed once the response arrives, unless
 * they changed since (an undo of the delete). */
static gboolean
remove_pushed_deletes (CompaniesLocalStore       *self,
                       const CompaniesPushBatch  *batch,
                       GError                   **error)
{
  GHashTableIter iter;
  gpointer key, value;

  if (batch == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, batch->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const CompaniesPushedRecord *pushed = value;
      g_autoptr(CompaniesStoreRow) row = NULL;

      if (pushed->kind != COMPANIES_CHANGE_DELETE)
        continue;

      if (!companies_local_store_load_row (self, key, 0, &row, error))
        return FALSE;

      if (row != NULL && !row->is_active && row->local_seq == pushed->local_seq &&
          !companies_local_store_remove_row (self, row->local_id, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
apply_in_transaction (CompaniesLocalStore         *self,
                      const CompaniesPushBatch    *batch,
                      const CompaniesSyncResponse *response,
                      CompaniesApplyStats         *stats,
                      GError                     **error)
{
  g_autofree char *stored_cursor = NULL;
  const char *request_cursor;
  /* The generation of the snapshot in progress, 0 = none. */
  gint64 snapshot_active = 0;
  g_autofree gboolean *adopted = NULL;

  if (!companies_local_store_get_state_int (self, COMPANIES_STATE_SNAPSHOT_ACTIVE, &snapshot_active, error) ||
      !companies_local_store_dup_cursor (self, &stored_cursor, error))
    return FALSE;

  request_cursor = batch != NULL ? batch->request->cursor : stored_cursor;

  if (response->reset)
    {
      /* The first page of a snapshot: nothing seen yet (a new
       * generation). Later pages (the request carried the cursor of a
       * reset page) keep the marks. */
      if (!snapshot_active || request_cursor == NULL)
        {
          gint64 last_generation = 0;

          if (!companies_local_store_get_state_int (self, STATE_SNAPSHOT_GENERATION,
                                                    &last_generation, error))
            return FALSE;
          snapshot_active = MAX (last_generation + 1, FIRST_SNAPSHOT_GENERATION);
          if (!companies_local_store_set_state_int (self, STATE_SNAPSHOT_GENERATION,
                                                    snapshot_active, error))
            return FALSE;
          /* Into an empty store: its indexes are built at the end. */
          if (!companies_local_store_defer_indexes (self, error))
            return FALSE;
        }
    }
  else if (snapshot_active)
    {
      /* The server ended the sequence without a last reset page: forget
       * it rather than remove anything. */
      snapshot_active = 0;
    }

  for (guint i = 0; response->rejected != NULL && i < response->rejected->len; i++)
    if (!apply_rejected (self, batch, g_ptr_array_index (response->rejected, i), stats, error))
      return FALSE;

  for (guint i = 0; response->deleted != NULL && i < response->deleted->len; i++)
    {
      if (!apply_tombstone (self, g_ptr_array_index (response->deleted, i), stats, error))
        return FALSE;
      stats->received++;
    }

  /* The echoes of a bulk push's additions at once, then the rest in order. */
  if (response->companies != NULL)
    {
      adopted = g_new0 (gboolean, response->companies->len);
      if (!companies_local_store_adopt_sent_adds (self, batch, response, snapshot_active,
                                                  adopted, error))
        return FALSE;
    }

  for (guint i = 0; response->companies != NULL && i < response->companies->len; i++)
    {
      if (!adopted[i] &&
          !apply_company (self, batch, g_ptr_array_index (response->companies, i),
                          snapshot_active, error))
        return FALSE;
      stats->received++;
      if (i + 1 == (response->companies->len + 1) / 2) companies_test_hook ("mid-apply");
    }

  for (guint i = 0; response->overwritten != NULL && i < response->overwritten->len; i++)
    {
      if (!companies_local_store_add_overwritten_notice (self, g_ptr_array_index (response->overwritten, i),
                                                         error))
        return FALSE;
      stats->overwritten++;
    }

  for (guint i = 0; response->replaced != NULL && i < response->replaced->len; i++)
    {
      if (!companies_local_store_add_replaced_notice (self, g_ptr_array_index (response->replaced, i),
                                                      error))
        return FALSE;
      stats->replaced++;
    }

  if (!companies_local_store_trim_notices (self, error))
    return FALSE;

  if (!remove_pushed_deletes (self, batch, error))
    return FALSE;

  if (response->reset && !response->has_more)
    {
      g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, remove_unseen_sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, snapshot_active);
      if (!companies_store_counts_step_removal (self, stmt, error))
        return FALSE;
      stats->removed = (guint) sqlite3_changes (companies_local_store_get_db (self));
      snapshot_active = 0;
    }

  if (!snapshot_active && !companies_local_store_build_deferred_indexes (self, TRUE, error))
    return FALSE;

  if (!companies_local_store_set_state_int (self, COMPANIES_STATE_SNAPSHOT_ACTIVE, snapshot_active, error) ||
      !companies_local_store_set_state_text (self, COMPANIES_STATE_CURSOR, response->cursor, error))
    return FALSE;

  if (!response->has_more &&
      !companies_local_store_set_state_int (self, COMPANIES_STATE_LAST_SYNC_TIME,
                                            g_get_real_time () / G_USEC_PER_SEC, error))
    return FALSE;

  return TRUE;
}

gboolean
companies_local_store_apply_response (CompaniesLocalStore         *self,
                                      const CompaniesPushBatch    *batch,
                                      const CompaniesSyncResponse *response,
                                      CompaniesApplyStats         *out_stats,
                                      GError                     **error)
{
  CompaniesApplyStats stats = { 0, };

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (response != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  /* The batch is answered: the marks of its additions not adopted stay,
   * in their rows (companies-sent-spans.h). */
  if (!apply_in_transaction (self, batch, response, &stats, error) ||
      (batch != NULL && !companies_sent_spans_settle (self, batch->sent_span_id, error)))
    {
      companies_local_store_rollback (self);
      return FALSE;
    }

  if (!companies_local_store_commit (self, error))
    return FALSE;

  if (out_stats != NULL)
    *out_stats = stats;

  return TRUE;
}
