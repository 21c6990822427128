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
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

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

struct _CompaniesStoreImport
{
  CompaniesLocalStore *store;
  CompaniesStmt       *insert;
  gint64               counter;      /* the change counter at the start */
  guint64              count;        /* records added */
  guint64              bulk_after;   /* drop the indexes past this count */
  GPtrArray           *dropped_sql;  /* their CREATE INDEX, once dropped */
  gboolean             open;         /* the transaction is ours to end */
};

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
      (self->insert = companies_store_row_prepare_insert (store, error)) == NULL)
    return NULL;

  self->bulk_after = MAX (BULK_MIN_RECORDS, (guint64) held / 2);
  return g_steal_pointer (&self);
}

/* One record, as companies_local_store_create_in_transaction () stores
 * it, bound straight from the caller's (validated) values. */
static gboolean
insert_record (CompaniesStoreImport *self,
               const char * const   *values,
               GError              **error)
{
  g_autofree char *uuid = companies_uuid_new ();
  g_autofree char *name = companies_field_normalize (COMPANIES_FIELD_NAME,
                                                     values[COMPANIES_FIELD_NAME]);
  CompaniesStmt *stmt = self->insert;
  const char *stored[COMPANIES_N_FIELDS];

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, 0);
  sqlite3_bind_int64 (stmt, 4, 0);
  sqlite3_bind_int (stmt, 5, 0);
  sqlite3_bind_int (stmt, 6, 1);
  sqlite3_bind_int (stmt, 7, 1);
  sqlite3_bind_int64 (stmt, 8, COMPANIES_ALL_FIELDS);
  sqlite3_bind_int64 (stmt, 9, self->counter + (gint64) self->count + 1);
  sqlite3_bind_int (stmt, 10, 0);
  sqlite3_bind_null (stmt, 11);
  sqlite3_bind_null (stmt, 12);
  sqlite3_bind_null (stmt, 13);
  sqlite3_bind_text (stmt, 14, name, -1, SQLITE_STATIC);
  stored[COMPANIES_FIELD_NAME] = name;
  for (guint i = 1; i < COMPANIES_N_FIELDS; i++)
    {
      stored[i] = values[i];
      sqlite3_bind_text (stmt, 14 + i, stored[i], -1, SQLITE_STATIC);
    }
  sqlite3_bind_int (stmt, 23, 0);
  sqlite3_bind_int64 (stmt, 24, 0);
  companies_store_row_bind_keys (stored, stmt, 26);

  return companies_local_store_step_done (self->store, stmt, error);
}

gboolean
companies_store_import_add (CompaniesStoreImport  *self,
                            const char * const    *values,
                            GError               **error)
{
  const char *checked[COMPANIES_N_FIELDS];

  g_return_val_if_fail (self != NULL && self->open, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!companies_local_store_validate_values (values, COMPANIES_ALL_FIELDS, checked, error))
    return FALSE;

  if (self->dropped_sql == NULL && self->count >= self->bulk_after)
    {
      self->dropped_sql = companies_local_store_drop_bulk_indexes (self->store, NULL, error);
      if (self->dropped_sql == NULL)
        return FALSE;
    }

  if (!insert_record (self, checked, error))
    return FALSE;

  self->count++;
  return TRUE;
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
  g_return_val_if_fail (self != NULL && self->open, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_pointer (&self->insert, companies_stmt_release);
  self->open = FALSE;

  /* Every record a pending addition, as insert_record () binds it. */
  companies_store_counts_note (self->store, 0, companies_store_counts_class (FALSE, TRUE, TRUE, FALSE),
                               (gint64) self->count);
  if ((self->dropped_sql != NULL &&
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
  if (self->open)
    companies_local_store_rollback (self->store);
  g_clear_pointer (&self->dropped_sql, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_free (self);
}

gboolean
companies_local_store_import_for_sync (CompaniesLocalStore  *self,
                                       GPtrArray            *values_rows,
                                       GError              **error)
{
  g_autoptr(CompaniesStoreImport) import = NULL;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (values_rows != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Everything is checked before anything is written. */
  for (guint r = 0; r < values_rows->len; r++)
    {
      const char *checked[COMPANIES_N_FIELDS];

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
    if (!companies_store_import_add (import, g_ptr_array_index (values_rows, r), error))
      return FALSE;

  return companies_store_import_commit (import, error);
}
