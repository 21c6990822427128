/* companies-local-store-push.c: building a push batch of
 * CompaniesLocalStore from the pattern's three filters (and the additions
 * sent, then deleted, that wait for their id), and the add_sent mark of
 * an addition's first send (see CompaniesStoreRow).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-sync.h"
#include "companies-sent-spans.h"
#include "companies-store-row.h"

#define PUSH_COLUMNS \
  "SELECT uuid, id, base_version, changed_fields, local_seq, add_sent, local_id, name," \
  " address, city, postal_code, country, phone, email, website, notes FROM companies "
#define PUSH_ADD_SENT    5
#define PUSH_LOCAL_ID    6
#define PUSH_FIRST_VALUE 7
/* A batch with this many first sends may be part of a bulk push
 * (companies_local_store_defer_push_indexes ()). */
#define BULK_PUSH_BATCH 5000

/* The pattern's filter of the added records (so its partial index
 * applies), less the rejected rows: what the push reads, and what its
 * sent-mark marks. */
#define PUSH_ADDED_FILTER "is_from_server = 0 AND is_active = 1 AND rejection_code IS NULL"

/* The pattern's filters exactly (so their partial indexes apply), less the
 * rejected rows and the changes made after the sync began. */
static const char push_added_sql[] =
  PUSH_COLUMNS "WHERE " PUSH_ADDED_FILTER " AND local_seq > ?2 AND local_seq <= ?1"
  " ORDER BY local_seq";
/* The rows of companies_added_idx in a span of local_seq, from the index
 * alone (CompaniesPushRange). */
static const char count_added_span_sql[] =
  "SELECT count(*) FROM companies WHERE is_from_server = 0 AND is_active = 1"
  " AND local_seq BETWEEN ?1 AND ?2";
/* Not one of the pattern's filters: additions already sent (add_sent) and
 * then deleted here, kept until the delete reaches the server. Their
 * addition goes out again, so that the server's answer gives their id
 * (see companies_local_store_delete_for_sync ()). In local_id order, the
 * order of companies_inactive_idx: no sort for these few rows (a sorter
 * costs more to set up than the whole query). */
static const char push_sent_then_deleted_sql[] =
  PUSH_COLUMNS "WHERE is_from_server = 0 AND is_active = 0"
  " AND rejection_code IS NULL AND local_seq <= ?1 ORDER BY local_id";
static const char push_updated_sql[] =
  PUSH_COLUMNS "WHERE is_modified = 1 AND is_from_server = 1 AND is_active = 1"
  " AND rejection_code IS NULL AND local_seq <= ?1 ORDER BY local_seq";
/* The planner would take companies_inactive_idx and sort. */
static const char push_deleted_sql[] =
  PUSH_COLUMNS "INDEXED BY companies_deleted_idx WHERE is_active = 0 AND is_from_server = 1"
  " AND rejection_code IS NULL AND local_seq <= ?1 ORDER BY local_seq";
/* The first send of an addition (see add_sent in companies-store-row.h). */
static const char mark_add_sent_sql[] =
  "UPDATE companies SET add_sent = 1, sent_changed = ?1 WHERE local_id = ?2";
/* The same for a row that did not change since the batch read it (its
 * local_seq is the one read: every local change takes a new one), so
 * that the values sent are its values: nothing changed after the send. */
static const char mark_unchanged_add_sent_sql[] =
  "UPDATE companies SET add_sent = 1, sent_changed = 0 WHERE local_id = ?1"
  " AND local_seq = ?2 AND is_from_server = 0 AND add_sent = 0";

/* The first sends of a batch at once: the additions of its local_seq
 * range not marked, as the batch read them (the pattern's filter), less
 * those that changed since (a new local_seq). A row of the range that the
 * batch did not read (left out as in flight) is put back by
 * unmark_add_sent_sql. */
#define MARK_RANGE_SENT \
  "UPDATE companies SET add_sent = 1, sent_changed = 0 WHERE " PUSH_ADDED_FILTER \
  " AND add_sent = 0 AND local_seq BETWEEN ?1 AND ?2"
static const char mark_range_add_sent_sql[] =
  MARK_RANGE_SENT " RETURNING local_id, local_seq";
/* The same without RETURNING. local_seq only grows (a change takes the
 * next one), and an addition in flight is marked, so the rows it can
 * mark are the batch's first sends that did not change since: when it
 * marks as many rows as those, it marked them all, and nothing needs
 * reading back (RETURNING was a third of the statement's cost,
 * docs/sync-1m.md, round 11). */
static const char mark_range_unread_sql[] = MARK_RANGE_SENT;
/* ?1: a JSON array of local ids, as the adoption takes its rows. */
static const char unmark_add_sent_sql[] =
  "UPDATE companies SET add_sent = 0, sent_changed = 0"
  " WHERE local_id IN (SELECT value FROM json_each (?1))";

/* Adds to @batch the rows @sql reads with local_seq in (@after_local_seq,
 * @max_local_seq] (a statement without ?2 has no lower bound), leaving
 * out those of @exclude; the span of the rows taken grows @taken (may be
 * NULL). An addition not marked add_sent, by its column or by one of
 * @sent_spans (may be NULL; pending additions only), is a first send. */
static gboolean
collect_changes (CompaniesLocalStore *self,
                 CompaniesPushBatch  *batch,
                 CompaniesChangeKind  kind,
                 const char          *sql,
                 gint64               after_local_seq,
                 gint64               max_local_seq,
                 guint                max_changes,
                 GHashTable          *exclude,
                 GPtrArray           *first_adds,
                 CompaniesPushRange  *taken,
                 const GArray        *sent_spans,
                 GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  GPtrArray *list;
  int rc = SQLITE_DONE;

  if (batch->n_changes >= max_changes)
    return TRUE;

  stmt = companies_local_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  switch (kind)
    {
    case COMPANIES_CHANGE_ADD:
      list = batch->request->added;
      break;
    case COMPANIES_CHANGE_UPDATE:
      list = batch->request->updated;
      break;
    case COMPANIES_CHANGE_DELETE:
    default:
      list = batch->request->deleted;
      break;
    }

  sqlite3_bind_int64 (stmt, 1, max_local_seq);
  sqlite3_bind_int64 (stmt, 2, after_local_seq);  /* past the last: ignored */
  while (batch->n_changes < max_changes && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (stmt, 0);
      CompaniesChange *change;
      CompaniesPushedRecord *pushed;

      if (exclude != NULL && companies_push_batch_keys_contain (exclude, kind, uuid))
        continue;

      change = companies_change_new (kind);
      switch (kind)
        {
        case COMPANIES_CHANGE_ADD:
          change->uuid = g_strdup (uuid);
          change->field_mask = COMPANIES_ALL_FIELDS;
          break;
        case COMPANIES_CHANGE_UPDATE:
          change->id = sqlite3_column_int64 (stmt, 1);
          change->base_version = sqlite3_column_int64 (stmt, 2);
          change->field_mask = (guint) sqlite3_column_int64 (stmt, 3) & COMPANIES_ALL_FIELDS;
          break;
        case COMPANIES_CHANGE_DELETE:
        default:
          change->id = sqlite3_column_int64 (stmt, 1);
          break;
        }

      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        if (change->field_mask & COMPANIES_FIELD_BIT (i))
          {
            const char *value = (const char *) sqlite3_column_text (stmt, PUSH_FIRST_VALUE + i);

            change->values[i] = g_strdup (value != NULL ? value : "");
          }

      pushed = g_new0 (CompaniesPushedRecord, 1);
      pushed->kind = kind;
      pushed->local_seq = sqlite3_column_int64 (stmt, 4);
      pushed->change = change;
      g_hash_table_replace (batch->pushed, g_strdup (uuid), pushed);

      pushed->local_id = sqlite3_column_int64 (stmt, PUSH_LOCAL_ID);
      if (taken != NULL)
        {
          if (taken->count == 0)
            taken->lo = pushed->local_seq;
          taken->hi = pushed->local_seq;
          taken->count++;
        }
      if (kind == COMPANIES_CHANGE_ADD && sqlite3_column_int (stmt, PUSH_ADD_SENT) == 0 &&
          (sent_spans == NULL || !companies_sent_spans_array_holds (sent_spans, pushed->local_seq)))
        g_ptr_array_add (first_adds, pushed);

      g_ptr_array_add (list, change);
      batch->n_changes++;
    }

  if (batch->n_changes < max_changes && rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}

/* The rows of companies_added_idx with local_seq in [@lo, @hi]. */
static gboolean
count_added_span (CompaniesLocalStore  *self,
                  gint64                lo,
                  gint64                hi,
                  gint64               *out_count,
                  GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, count_added_span_sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lo);
  sqlite3_bind_int64 (stmt, 2, hi);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return companies_local_store_set_error (self, sqlite3_errcode (companies_local_store_get_db (self)),
                                            error);
  *out_count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Whether the rows of @range's span are still exactly the additions its
 * batch read, unchanged: no row left the span (a local change gives a
 * new local_seq, above every span; an answer adopts or refuses it) and
 * none came in (only a save that makes a row an addition again can, and
 * each is counted). @range may be NULL (no span). */
static gboolean
span_unchanged (CompaniesLocalStore       *self,
                const CompaniesPushRange  *range,
                gboolean                  *out_unchanged,
                GError                   **error)
{
  gint64 count = 0;

  *out_unchanged = FALSE;
  if (range == NULL || range->count == 0 || range->reentered != self->additions_reentered)
    return TRUE;

  if (!count_added_span (self, range->lo, range->hi, &count, error))
    return FALSE;
  *out_unchanged = count == range->count;
  return TRUE;
}

/* Marks the first sends of @batch by its span (companies-sent-spans.h)
 * when the span still holds only the batch's additions, as read.
 * *out_marked FALSE: it could not, and nothing was written. */
static gboolean
mark_span_sent (CompaniesLocalStore  *self,
                CompaniesPushBatch   *batch,
                gboolean             *out_marked,
                GError              **error)
{
  const CompaniesPushRange *range = &batch->added_range;

  if (!span_unchanged (self, range, out_marked, error))
    return FALSE;
  if (!*out_marked)
    return TRUE;

  return companies_sent_spans_mark (self, range->lo, range->hi, &batch->sent_span_id, error);
}

/* Marks the additions of @first_adds that did not change since they were
 * read, with one statement over their local_seq range (they were read in
 * local_seq order): a statement a row was 13 % of a bulk push's client
 * CPU (docs/sync-1m.md). Leaves the others in @unmarked. */
static gboolean
mark_range_sent (CompaniesLocalStore  *self,
                 GPtrArray            *first_adds,
                 GHashTable           *unmarked,
                 GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  g_autoptr(GString) not_read = g_string_new ("[");
  gint64 lowest = G_MAXINT64, highest = G_MININT64;
  gboolean marked_all;
  int rc;

  for (guint n = 0; n < first_adds->len; n++)
    {
      CompaniesPushedRecord *pushed = g_ptr_array_index (first_adds, n);

      g_hash_table_insert (unmarked, &pushed->local_id, pushed);
      lowest = MIN (lowest, pushed->local_seq);
      highest = MAX (highest, pushed->local_seq);
    }

  /* All of them at once, or a savepoint takes the statement back and the
   * one that reads each row back decides. */
  if (!companies_local_store_savepoint (self, error))
    return FALSE;
  stmt = companies_local_store_prepare (self, mark_range_unread_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lowest);
  sqlite3_bind_int64 (stmt, 2, highest);
  if (!companies_local_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, companies_stmt_release);
  marked_all = (guint) sqlite3_changes (companies_local_store_get_db (self)) == first_adds->len;
  if (!companies_local_store_savepoint_end (self, marked_all, error))
    return FALSE;
  if (marked_all)
    {
      g_hash_table_remove_all (unmarked);
      return TRUE;
    }

  stmt = companies_local_store_prepare (self, mark_range_add_sent_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lowest);
  sqlite3_bind_int64 (stmt, 2, highest);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 local_id = sqlite3_column_int64 (stmt, 0);
      const CompaniesPushedRecord *pushed = g_hash_table_lookup (unmarked, &local_id);

      /* The same row at the same local_seq: as read. */
      if (pushed != NULL && pushed->local_seq == sqlite3_column_int64 (stmt, 1))
        g_hash_table_remove (unmarked, &local_id);
      else
        g_string_append_printf (not_read, "%s%" G_GINT64_FORMAT,
                                not_read->len > 1 ? "," : "", local_id);
    }
  if (rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);
  g_clear_pointer (&stmt, companies_stmt_release);

  /* Rows the batch left out (in flight): rare, so one statement for all. */
  if (not_read->len == 1)
    return TRUE;
  g_string_append_c (not_read, ']');
  stmt = companies_local_store_prepare (self, unmark_add_sent_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, not_read->str, (int) not_read->len, SQLITE_TRANSIENT);

  return companies_local_store_step_done (self, stmt, error);
}

/* Marks the additions of @first_adds (their first send) as sent, in one
 * transaction, before the request goes out: from now on the server may
 * hold them. Their sent_changed set is the fields whose value differs
 * from the one sent: none, unless the row changed since the batch was
 * read. */
static gboolean
mark_adds_sent (CompaniesLocalStore  *self,
                CompaniesPushBatch   *batch,
                GPtrArray            *first_adds,
                GError              **error)
{
  g_autoptr(GHashTable) unmarked = NULL;
  gboolean marked = FALSE;

  if (first_adds->len == 0)
    return TRUE;

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  if (first_adds->len >= BULK_PUSH_BATCH &&
      !companies_local_store_defer_push_indexes (self, error))
    goto failed;

  if (!mark_span_sent (self, batch, &marked, error))
    goto failed;

  /* unmarked: local_id -> CompaniesPushedRecord * still to mark */
  unmarked = g_hash_table_new (g_int64_hash, g_int64_equal);
  if (!marked && !mark_range_sent (self, first_adds, unmarked, error))
    goto failed;

  for (guint n = 0; n < first_adds->len; n++)
    {
      const CompaniesPushedRecord *pushed = g_ptr_array_index (first_adds, n);
      const CompaniesChange *change = pushed->change;
      g_autoptr(CompaniesStoreRow) row = NULL;
      g_autoptr(CompaniesStmt) stmt = NULL;
      guint changed = 0;

      if (!g_hash_table_contains (unmarked, &pushed->local_id))
        continue;

      /* The common case, one statement: not changed since it was read. */
      stmt = companies_local_store_prepare (self, mark_unchanged_add_sent_sql, error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, pushed->local_id);
      sqlite3_bind_int64 (stmt, 2, pushed->local_seq);
      if (!companies_local_store_step_done (self, stmt, error))
        goto failed;
      if (sqlite3_changes (companies_local_store_get_db (self)) == 1)
        continue;
      g_clear_pointer (&stmt, companies_stmt_release);

      if (!companies_local_store_load_row (self, change->uuid, 0, &row, error))
        goto failed;
      /* Deleted since (never sent, so it went at once): if the server
       * creates it, applying the answer brings the delete back. */
      if (row == NULL || row->is_from_server || row->add_sent)
        continue;

      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        if (g_strcmp0 (row->values[i], change->values[i] != NULL ? change->values[i] : "") != 0)
          changed |= COMPANIES_FIELD_BIT (i);

      stmt = companies_local_store_prepare (self, mark_add_sent_sql, error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, changed);
      sqlite3_bind_int64 (stmt, 2, row->local_id);
      if (!companies_local_store_step_done (self, stmt, error))
        goto failed;
    }

  if (!companies_local_store_commit (self, error))
    return FALSE;

  /* Only now: a failed commit marked nothing. */
  for (guint n = 0; n < first_adds->len; n++)
    ((CompaniesPushedRecord *) g_ptr_array_index (first_adds, n))->first_send = TRUE;

  return TRUE;

failed:
  companies_local_store_rollback (self);
  return FALSE;
}

/* The additions: those of push_added_sql, around the span of the batch
 * in flight when it can be skipped; then those sent and deleted since. */
static gboolean
collect_additions (CompaniesLocalStore       *self,
                   CompaniesPushBatch        *batch,
                   gint64                     max_local_seq,
                   guint                      max_changes,
                   GHashTable                *exclude,
                   const CompaniesPushRange  *in_flight,
                   GPtrArray                 *first_adds,
                   GError                   **error)
{
  CompaniesPushRange taken = { 0, };
  g_autoptr(GArray) sent_spans = NULL;
  gboolean skip = FALSE;
  gint64 count = 0;

  /* Its rows are then all in flight: reading them only to leave them out
   * can be skipped. */
  if (!span_unchanged (self, in_flight, &skip, error))
    return FALSE;

  sent_spans = companies_sent_spans_read (self, error);
  if (sent_spans == NULL)
    return FALSE;

  if (skip)
    {
      if (!collect_changes (self, batch, COMPANIES_CHANGE_ADD, push_added_sql, G_MININT64,
                            MIN (max_local_seq, in_flight->lo - 1), max_changes, exclude,
                            first_adds, &taken, sent_spans, error) ||
          !collect_changes (self, batch, COMPANIES_CHANGE_ADD, push_added_sql, in_flight->hi,
                            max_local_seq, max_changes, exclude, first_adds, &taken,
                            sent_spans, error))
        return FALSE;
    }
  else if (!collect_changes (self, batch, COMPANIES_CHANGE_ADD, push_added_sql, G_MININT64,
                             max_local_seq, max_changes, exclude, first_adds, &taken,
                             sent_spans, error))
    {
      return FALSE;
    }

  /* This batch's own span, for the next one: when the index holds no
   * other row in it (none left out, none refused). */
  if (taken.count > 0 && !count_added_span (self, taken.lo, taken.hi, &count, error))
    return FALSE;
  if (taken.count > 0 && count == taken.count)
    {
      batch->added_range = taken;
      batch->added_range.reentered = self->additions_reentered;
    }

  /* Not pending additions: their add_sent column is their mark. */
  return collect_changes (self, batch, COMPANIES_CHANGE_ADD, push_sent_then_deleted_sql,
                          G_MININT64, max_local_seq, max_changes, exclude, first_adds, NULL,
                          NULL, error);
}

CompaniesPushBatch *
companies_local_store_build_push_batch_skipping (CompaniesLocalStore       *self,
                                                 gint64                     max_local_seq,
                                                 guint                      max_changes,
                                                 GHashTable                *exclude,
                                                 const CompaniesPushRange  *in_flight,
                                                 GError                   **error)
{
  g_autoptr(CompaniesPushBatch) batch = NULL;
  /* CompaniesPushedRecord * of additions sent for the first time (owned
   * by the batch). */
  g_autoptr(GPtrArray) first_adds = g_ptr_array_new ();

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  batch = g_new0 (CompaniesPushBatch, 1);
  batch->pushed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  batch->request = companies_sync_request_new ();
  batch->request->protocol = COMPANIES_PROTOCOL_VERSION;
  batch->request->client_id = g_strdup (companies_local_store_get_client_id (self));

  /* A read transaction, so that the three lists and the cursor are one
   * consistent snapshot of the file. */
  if (!companies_local_store_begin (self, FALSE, error))
    return NULL;

  if (!companies_local_store_dup_cursor (self, &batch->request->cursor, error) ||
      !collect_additions (self, batch, max_local_seq, max_changes, exclude, in_flight,
                          first_adds, error) ||
      !collect_changes (self, batch, COMPANIES_CHANGE_UPDATE, push_updated_sql, G_MININT64,
                        max_local_seq, max_changes, exclude, first_adds, NULL, NULL, error) ||
      !collect_changes (self, batch, COMPANIES_CHANGE_DELETE, push_deleted_sql, G_MININT64,
                        max_local_seq, max_changes, exclude, first_adds, NULL, NULL, error))
    {
      companies_local_store_rollback (self);
      return NULL;
    }

  /* Nothing was written: end the read without counting a commit. */
  companies_local_store_rollback (self);

  /* With changes, the page after the cursor then holds the records just
   * pushed (on a server nobody else writes to), rather than lagging
   * behind them and bringing them back in later pages. Without, the
   * largest page: each page is one commit here, and an initial sync of
   * a million companies took 1 s less in 100 pages than in 200
   * (docs/sync-1m.md, round 10). */
  batch->request->limit = batch->n_changes == 0 ? COMPANIES_MAX_LIMIT
                          : CLAMP (batch->n_changes, COMPANIES_DEFAULT_LIMIT, COMPANIES_MAX_LIMIT);

  if (!mark_adds_sent (self, batch, first_adds, error))
    return NULL;

  return g_steal_pointer (&batch);
}

CompaniesPushBatch *
companies_local_store_build_push_batch (CompaniesLocalStore  *self,
                                        gint64                max_local_seq,
                                        guint                 max_changes,
                                        GHashTable           *exclude,
                                        GError              **error)
{
  return companies_local_store_build_push_batch_skipping (self, max_local_seq, max_changes,
                                                          exclude, NULL, error);
}

gboolean
companies_local_store_unmark_adds_sent (CompaniesLocalStore       *self,
                                        const CompaniesPushBatch  *batch,
                                        GError                   **error)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean any = FALSE;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_hash_table_iter_init (&iter, batch->pushed);
  while (!any && g_hash_table_iter_next (&iter, &key, &value))
    any = ((const CompaniesPushedRecord *) value)->first_send;
  if (!any)
    return TRUE;

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  /* The rows still in the span are unsent again with it; those changed
   * since hold the mark in their column. */
  if (!companies_sent_spans_release (self, batch->sent_span_id, error))
    goto failed;

  g_hash_table_iter_init (&iter, batch->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const CompaniesPushedRecord *pushed = value;
      g_autoptr(CompaniesStoreRow) row = NULL;

      if (!pushed->first_send)
        continue;

      if (!companies_local_store_load_row (self, key, 0, &row, error))
        goto failed;
      if (row == NULL || row->is_from_server || !row->add_sent)
        continue;

      /* A never-sent addition: a delete removes it at once. */
      if (!row->is_active)
        {
          if (!companies_local_store_remove_row (self, row->local_id, error))
            goto failed;
          continue;
        }

      row->add_sent = FALSE;
      row->sent_changed = 0;
      if (!companies_local_store_save_row (self, row, error))
        goto failed;
    }

  return companies_local_store_commit (self, error);

failed:
  companies_local_store_rollback (self);
  return FALSE;
}
