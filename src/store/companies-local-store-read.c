/* companies-local-store-read.c: the reads of CompaniesLocalStore: lists,
 * lookups, the pattern's three filters and the status. The notices are
 * read in companies-local-store-notices.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-local-store-private.h"
#include "companies-protocol.h"

#define SELECT_COMPANY "SELECT " COMPANIES_LOCAL_STORE_COLUMNS " FROM companies "
#define BY_NAME " ORDER BY name COLLATE NOCASE, local_id"

static const char list_active_sql[] = SELECT_COMPANY "WHERE is_active = 1" BY_NAME;
static const char list_all_sql[] = SELECT_COMPANY BY_NAME;
/* Rowid order: a scan of the table, about three times faster at 100,000
 * rows than walking the name index and looking up each row. */
static const char list_unordered_sql[] = SELECT_COMPANY "WHERE is_active = 1";
static const char lookup_uuid_sql[] = SELECT_COMPANY "WHERE uuid = ?1";
static const char lookup_id_sql[] = SELECT_COMPANY "WHERE id = ?1";
/* Written exactly as the pattern's filters, so that the partial indexes of
 * the schema apply. */
static const char list_added_sql[] =
  SELECT_COMPANY "WHERE is_from_server = 0 AND is_active = 1" BY_NAME;
static const char list_updated_sql[] =
  SELECT_COMPANY "WHERE is_modified = 1 AND is_from_server = 1 AND is_active = 1" BY_NAME;
static const char list_deleted_sql[] =
  SELECT_COMPANY "WHERE is_active = 0 AND is_from_server = 1" BY_NAME;
/* The few refused rows, then sorted: the planner would walk the name
 * index over the whole table to spare the sort. */
static const char list_rejected_sql[] =
  SELECT_COMPANY "INDEXED BY companies_rejected_idx WHERE rejection_code IS NOT NULL" BY_NAME;
/* The counts as the write paths keep them (companies-store-counts.h), a
 * read of one row at any size. Deletions pending: the pattern's filter,
 * plus the additions already sent and then deleted, whose delete waits
 * for their id (see companies_local_store_delete_for_sync ()): every
 * inactive row. */
static const char status_sql[] =
  "SELECT"
  " added, updated, inactive, rejected, total - inactive,"
  " (SELECT value FROM sync_state WHERE key = '" COMPANIES_STATE_LAST_SYNC_TIME "'),"
  " (SELECT value IS NOT NULL FROM sync_state WHERE key = '" COMPANIES_STATE_CURSOR "'),"
  " (SELECT count(*) FROM notices WHERE kind = 'overwritten' AND replaced = 0)"
  " FROM companies_counts";

CompaniesCompany *
companies_local_store_company_from_row (sqlite3_stmt *stmt)
{
  const char *values[COMPANIES_N_FIELDS];
  gsize lengths[COMPANIES_N_FIELDS];
  CompaniesCompany *company;

  /* Each text read once, with its length: the company copies them into
   * one allocation without measuring them again. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      values[i] = (const char *) sqlite3_column_text (stmt, 10 + i);
      lengths[i] = (gsize) sqlite3_column_bytes (stmt, 10 + i);
    }

  company = companies_company_new_from_values ((const char *) sqlite3_column_text (stmt, 0),
                                               sqlite3_column_int64 (stmt, 1),
                                               sqlite3_column_int64 (stmt, 2),
                                               sqlite3_column_int (stmt, 3) != 0,
                                               sqlite3_column_int (stmt, 4) != 0,
                                               sqlite3_column_int (stmt, 5) != 0,
                                               (guint) sqlite3_column_int64 (stmt, 6),
                                               values, lengths);
  if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
    companies_company_set_rejection (company,
                                     (const char *) sqlite3_column_text (stmt, 7),
                                     (const char *) sqlite3_column_text (stmt, 8),
                                     (const char *) sqlite3_column_text (stmt, 9));

  return company;
}

gboolean
companies_local_store_parse_ref (const char  *ref,
                                 char       **out_uuid,
                                 gint64      *out_id,
                                 GError     **error)
{
  g_autofree char *lower = NULL;
  guint64 id = 0;

  *out_uuid = NULL;
  *out_id = 0;

  if (ref != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (ref));

      lower = g_ascii_strdown (stripped, -1);
      if (companies_uuid_is_valid (lower))
        {
          *out_uuid = g_steal_pointer (&lower);
          return TRUE;
        }

      if (stripped[0] != '\0' && stripped[0] != '-' && stripped[0] != '+' &&
          g_ascii_string_to_unsigned (stripped, 10, 1, G_MAXINT64, &id, NULL))
        {
          *out_id = (gint64) id;
          return TRUE;
        }
    }

  g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND,
               _("“%s” is neither a company id nor a uuid"),
               ref != NULL ? ref : "");
  return FALSE;
}

static GPtrArray *
collect (CompaniesLocalStore *self,
         CompaniesStmt       *stmt,
         GError             **error)
{
  g_autoptr(GPtrArray) companies = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (companies, companies_local_store_company_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      companies_local_store_set_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&companies);
}

static GPtrArray *
list_with (CompaniesLocalStore *self,
           const char          *sql,
           GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = companies_local_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  return collect (self, stmt, error);
}

GPtrArray *
companies_local_store_list (CompaniesLocalStore  *self,
                            gboolean              include_deleted,
                            GError              **error)
{
  return list_with (self, include_deleted ? list_all_sql : list_active_sql, error);
}

GPtrArray *
companies_local_store_list_unordered (CompaniesLocalStore  *self,
                                      GError              **error)
{
  return list_with (self, list_unordered_sql, error);
}

GPtrArray *
companies_local_store_list_added (CompaniesLocalStore  *self,
                                  GError              **error)
{
  return list_with (self, list_added_sql, error);
}

GPtrArray *
companies_local_store_list_updated (CompaniesLocalStore  *self,
                                    GError              **error)
{
  return list_with (self, list_updated_sql, error);
}

GPtrArray *
companies_local_store_list_deleted (CompaniesLocalStore  *self,
                                    GError              **error)
{
  return list_with (self, list_deleted_sql, error);
}

GPtrArray *
companies_local_store_list_rejected (CompaniesLocalStore  *self,
                                     GError              **error)
{
  return list_with (self, list_rejected_sql, error);
}

CompaniesCompany *
companies_local_store_lookup (CompaniesLocalStore  *self,
                              const char           *ref,
                              GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  g_autofree char *uuid = NULL;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!companies_local_store_parse_ref (ref, &uuid, &id, error))
    return NULL;

  stmt = companies_local_store_prepare (self, uuid != NULL ? lookup_uuid_sql : lookup_id_sql, error);
  if (stmt == NULL)
    return NULL;

  if (uuid != NULL)
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return companies_local_store_company_from_row (stmt);

  if (rc == SQLITE_DONE)
    g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND,
                 _("No company has the id or uuid “%s”"), ref);
  else
    companies_local_store_set_error (self, rc, error);

  return NULL;
}

gboolean
companies_local_store_get_status (CompaniesLocalStore  *self,
                                  CompaniesStoreStatus *out_status,
                                  GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (out_status != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = companies_local_store_prepare (self, status_sql, error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return companies_local_store_set_error (self, rc, error);

  out_status->pending_added = (guint) sqlite3_column_int64 (stmt, 0);
  out_status->pending_updated = (guint) sqlite3_column_int64 (stmt, 1);
  out_status->pending_deleted = (guint) sqlite3_column_int64 (stmt, 2);
  out_status->rejected = (guint) sqlite3_column_int64 (stmt, 3);
  out_status->active = (guint) sqlite3_column_int64 (stmt, 4);
  out_status->last_sync_time = sqlite3_column_int64 (stmt, 5);
  out_status->has_cursor = sqlite3_column_int (stmt, 6) != 0;
  out_status->overwritten = (guint) sqlite3_column_int64 (stmt, 7);

  return TRUE;
}
