/* companies-store-import.c: CompaniesStoreImport, a bulk import of new
 * records in one transaction, and companies_local_store_import_for_sync ()
 * on top of it.
 *
 * A large import leaves the indexes of the list's orders and search out
 * of the way and builds them once at its end, in the same transaction
 * (companies_local_store_drop_bulk_indexes ()): their keys come in no
 * order, so each record would dirty a page of each of them, and an index
 * larger than the page cache would be read and written back page by page
 * (docs/scale.md). The uuid index grows at its right edge, the uuids
 * being time-ordered (companies-uuid.c).
 *
 * Records go in by IMPORT_BATCH_ROWS with one INSERT of that many rows:
 * each run of a statement opens a cursor on the table and on each of its
 * indexes and closes them again, a third of a one-row insert's
 * instructions (docs/cli-start.md, round 8).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-local-store-private.h"
#include "companies-protocol.h"
#include "companies-store-counts.h"
#include "companies-store-import.h"
#include "companies-store-row.h"
#include "companies-uuid.h"

/* The indexes go once the import has added this many records and at
 * least half as many as the store held: below that, CREATE INDEX over
 * the whole table costs more than the records' own index inserts. */
#define BULK_MIN_RECORDS 20000

/* Rows an INSERT of a full batch writes; the rest go one by one. */
#define IMPORT_BATCH_ROWS 64
/* The parameters of the store's one-row INSERT (?1 … ?31, ?25 unused:
 * companies_store_row_prepare_insert ()); row r of a batch takes
 * ?(31 r + 1) … ?(31 r + 31). */
#define ROW_PARAMS 31

/* A record waiting for its batch: the values as stored (strings in the
 * import's chunk) and its change number. */
typedef struct
{
  const char *uuid;
  const char *values[COMPANIES_N_FIELDS];
  gint64      local_seq;
} PendingRecord;

struct _CompaniesStoreImport
{
  CompaniesLocalStore *store;
  CompaniesStmt       *insert;
  sqlite3_stmt        *insert_batch; /* IMPORT_BATCH_ROWS rows */
  PendingRecord        pending[IMPORT_BATCH_ROWS];
  guint                n_pending;
  GStringChunk        *strings;      /* the pending records' text */
  gint64               counter;      /* the change counter at the start */
  guint64              count;        /* records added */
  guint64              bulk_after;   /* drop the indexes past this count */
  GPtrArray           *dropped_sql;  /* their CREATE INDEX, once dropped */
  gboolean             open;         /* the transaction is ours to end */
};

/* The store's one-row INSERT with IMPORT_BATCH_ROWS rows of VALUES, its
 * parameters numbered on row by row: the columns stay written once, in
 * companies-store-row.c. */
static sqlite3_stmt *
prepare_batch_insert (CompaniesLocalStore  *store,
                      CompaniesStmt        *insert,
                      GError              **error)
{
  const char *one_row = sqlite3_sql (insert);
  const char *values = strstr (one_row, " VALUES (");
  g_autoptr(GString) sql = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_assert (values != NULL);
  values += strlen (" VALUES ");
  sql = g_string_new_len (one_row, values - one_row);

  for (guint r = 0; r < IMPORT_BATCH_ROWS; r++)
    {
      if (r > 0)
        g_string_append (sql, ", ");
      for (const char *p = values; *p != '\0'; p++)
        {
          if (*p == '?')
            {
              char *end = NULL;
              guint64 param = g_ascii_strtoull (p + 1, &end, 10);

              g_assert (end > p + 1);   /* numbered parameters only */
              g_string_append_printf (sql, "?%" G_GUINT64_FORMAT, param + (guint64) r * ROW_PARAMS);
              p = end - 1;
            }
          else
            g_string_append_c (sql, *p);
        }
    }

  rc = sqlite3_prepare_v3 (companies_local_store_get_db (store), sql->str, (int) sql->len,
                           SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      companies_local_store_set_error (store, rc, error);
      return NULL;
    }

  return stmt;
}

CompaniesStoreImport *
companies_store_import_begin (CompaniesLocalStore  *store,
                              GError              **error)
{
  g_autoptr(CompaniesStoreImport) self = g_new0 (CompaniesStoreImport, 1);
  gint64 held = 0;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->store = g_object_ref (store);
  if (!companies_local_store_begin (store, TRUE, error))
    return NULL;
  self->open = TRUE;

  /* The largest local id bounds the rows held without reading them all. */
  if (!companies_local_store_get_state_int (store, COMPANIES_STATE_CHANGE_COUNTER, &self->counter, error) ||
      !companies_local_store_query_int (store, "SELECT ifnull (max (local_id), 0) FROM companies", &held, error) ||
      (self->insert = companies_store_row_prepare_insert (store, error)) == NULL ||
      (self->insert_batch = prepare_batch_insert (store, self->insert, error)) == NULL)
    return NULL;
  self->strings = g_string_chunk_new (IMPORT_BATCH_ROWS * 1024);

  self->bulk_after = MAX (BULK_MIN_RECORDS, (guint64) held / 2);
  return g_steal_pointer (&self);
}

/* One record, as companies_local_store_create_in_transaction () stores
 * it, bound to the parameters of @stmt from ?(@base + 1) on. */
static void
bind_record (const PendingRecord *record,
             sqlite3_stmt        *stmt,
             int                  base)
{
  sqlite3_bind_text (stmt, base + 1, record->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_null (stmt, base + 2);
  sqlite3_bind_int64 (stmt, base + 3, 0);
  sqlite3_bind_int64 (stmt, base + 4, 0);
  sqlite3_bind_int (stmt, base + 5, 0);
  sqlite3_bind_int (stmt, base + 6, 1);
  sqlite3_bind_int (stmt, base + 7, 1);
  sqlite3_bind_int64 (stmt, base + 8, COMPANIES_ALL_FIELDS);
  sqlite3_bind_int64 (stmt, base + 9, record->local_seq);
  sqlite3_bind_int (stmt, base + 10, 0);
  sqlite3_bind_null (stmt, base + 11);
  sqlite3_bind_null (stmt, base + 12);
  sqlite3_bind_null (stmt, base + 13);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    sqlite3_bind_text (stmt, base + 14 + i, record->values[i], -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, base + 23, 0);
  sqlite3_bind_int64 (stmt, base + 24, 0);
  companies_store_row_bind_keys (record->values, stmt, base + 26);
}

/* Writes the records waiting: a full batch with one statement, fewer
 * (the end of the import) one by one. */
static gboolean
flush_pending (CompaniesStoreImport  *self,
               GError               **error)
{
  gboolean ok = TRUE;

  if (self->n_pending == IMPORT_BATCH_ROWS)
    {
      sqlite3_reset (self->insert_batch);
      for (guint r = 0; r < IMPORT_BATCH_ROWS; r++)
        bind_record (&self->pending[r], self->insert_batch, (int) r * ROW_PARAMS);
      ok = companies_local_store_step_done (self->store, self->insert_batch, error);
      sqlite3_clear_bindings (self->insert_batch);
    }
  else
    {
      for (guint r = 0; ok && r < self->n_pending; r++)
        {
          sqlite3_reset (self->insert);
          bind_record (&self->pending[r], self->insert, 0);
          ok = companies_local_store_step_done (self->store, self->insert, error);
        }
    }

  self->n_pending = 0;
  g_string_chunk_clear (self->strings);
  return ok;
}

gboolean
companies_store_import_add (CompaniesStoreImport  *self,
                            const char * const    *values,
                            GError               **error)
{
  const char *checked[COMPANIES_N_FIELDS];

  g_return_val_if_fail (self != NULL && self->open, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return companies_local_store_validate_values (values, COMPANIES_ALL_FIELDS, checked, error) &&
         companies_store_import_add_valid (self, checked, error);
}

gboolean
companies_store_import_add_valid (CompaniesStoreImport  *self,
                                  const char * const    *checked,
                                  GError               **error)
{
  g_return_val_if_fail (self != NULL && self->open, FALSE);
  g_return_val_if_fail (checked != NULL && checked[COMPANIES_FIELD_NAME] != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->dropped_sql == NULL && self->count >= self->bulk_after)
    {
      self->dropped_sql = companies_local_store_drop_bulk_indexes (self->store, NULL, error);
      if (self->dropped_sql == NULL)
        return FALSE;
    }

  {
    PendingRecord *record = &self->pending[self->n_pending++];
    g_autofree char *uuid = companies_uuid_new ();
    g_autofree char *name = companies_field_normalize (COMPANIES_FIELD_NAME,
                                                       checked[COMPANIES_FIELD_NAME]);

    record->uuid = g_string_chunk_insert (self->strings, uuid);
    record->values[COMPANIES_FIELD_NAME] = g_string_chunk_insert (self->strings, name);
    for (guint i = 1; i < COMPANIES_N_FIELDS; i++)
      record->values[i] = g_string_chunk_insert (self->strings, checked[i]);
    record->local_seq = self->counter + (gint64) self->count + 1;
  }
  self->count++;

  return self->n_pending < IMPORT_BATCH_ROWS || flush_pending (self, error);
}

guint64
companies_store_import_get_count (CompaniesStoreImport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count;
}

gboolean
companies_store_import_commit (CompaniesStoreImport  *self,
                               GError               **error)
{
  gboolean flushed;

  g_return_val_if_fail (self != NULL && self->open, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  flushed = flush_pending (self, error);
  g_clear_pointer (&self->insert, companies_stmt_release);
  g_clear_pointer (&self->insert_batch, sqlite3_finalize);
  self->open = FALSE;

  /* Every record a pending addition, as bind_record () binds it. */
  companies_store_counts_note (self->store, 0, companies_store_counts_class (FALSE, TRUE, TRUE, FALSE),
                               (gint64) self->count);
  if (!flushed ||
      (self->dropped_sql != NULL &&
       !companies_local_store_create_indexes (self->store, self->dropped_sql, error)) ||
      (self->count > 0 &&
       !companies_local_store_set_state_int (self->store, COMPANIES_STATE_CHANGE_COUNTER,
                                             self->counter + (gint64) self->count, error)) ||
      !companies_local_store_commit (self->store, error))
    {
      companies_local_store_rollback (self->store);
      return FALSE;
    }

  return TRUE;
}

void
companies_store_import_free (CompaniesStoreImport *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->insert, companies_stmt_release);
  g_clear_pointer (&self->insert_batch, sqlite3_finalize);
  if (self->open)
    companies_local_store_rollback (self->store);
  g_clear_pointer (&self->dropped_sql, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_object (&self->store);
  g_free (self);
}

gboolean
companies_local_store_import_for_sync (CompaniesLocalStore  *self,
                                       GPtrArray            *values_rows,
                                       GError              **error)
{
  g_autoptr(CompaniesStoreImport) import = NULL;
  g_autoptr(GPtrArray) checked_rows = NULL;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (values_rows != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Everything is checked before anything is written. */
  checked_rows = g_ptr_array_new_full (values_rows->len, g_free);
  for (guint r = 0; r < values_rows->len; r++)
    {
      const char **checked = g_new (const char *, COMPANIES_N_FIELDS);

      g_ptr_array_add (checked_rows, checked);
      if (!companies_local_store_validate_values (g_ptr_array_index (values_rows, r),
                                                  COMPANIES_ALL_FIELDS, checked, error))
        {
          /* TRANSLATORS: %u is a row number of an import, %s why it failed */
          g_prefix_error (error, _("Row %u: "), r + 1);
          return FALSE;
        }
    }

  if (values_rows->len == 0)
    return TRUE;

  import = companies_store_import_begin (self, error);
  if (import == NULL)
    return FALSE;

  for (guint r = 0; r < values_rows->len; r++)
    if (!companies_store_import_add_valid (import, g_ptr_array_index (checked_rows, r), error))
      return FALSE;

  return companies_store_import_commit (import, error);
}
