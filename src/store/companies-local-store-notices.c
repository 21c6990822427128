/* companies-local-store-notices.c: the notices table of the local store
 * (docs/notices.md): made by the apply of a response, bounded, listed,
 * restored and dismissed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-local-store-notices-private.h"

#define STATE_NOTICES_DROPPED "notices_dropped"

static const char insert_overwritten_sql[] =
  "INSERT INTO notices (kind, uuid, id, company_name, field, lost, lost_cut, lost_version,"
  " received_time, other_by, other_at)"
  " VALUES ('overwritten', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
/* once per replaced value: a lost response brings it again */
static const char insert_replaced_sql[] =
  "INSERT INTO notices (kind, uuid, id, company_name, field, lost, lost_cut, lost_version,"
  " received_time, other_by, other_at, replaced, current, current_version)"
  " SELECT 'overwritten', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12"
  " WHERE NOT EXISTS (SELECT 1 FROM notices WHERE replaced = 1 AND uuid = ?1"
  " AND field = ?4 AND current_version = ?12)";
/* Every field as edited here, as a JSON object keyed by wire name. */
static const char insert_deleted_sql[] =
  "INSERT INTO notices (kind, uuid, id, company_name, field, lost, lost_cut, edited,"
  " received_time) VALUES ('deleted', ?1, ?2, ?3, NULL, json_object ("
  " 'name', ?10, 'address', ?11, 'city', ?12, 'postal_code', ?13, 'country', ?14,"
  " 'phone', ?15, 'email', ?16, 'website', ?17, 'notes', ?18), ?4, ?5, ?6)";
static const char trim_sql[] =
  "DELETE FROM notices WHERE notice_id IN (SELECT notice_id FROM notices"
  " ORDER BY notice_id DESC LIMIT -1 OFFSET ?1)";
/* A notice, with the company it names as held here now (if it is);
 * only a deleted one's `lost` is JSON. */
#define SELECT_NOTICES_SQL \
  "SELECT n.notice_id, n.kind, n.uuid, n.id, n.company_name, n.field, n.lost, n.lost_cut," \
  " n.lost_version, n.edited, n.received_time, c.uuid IS NOT NULL," \
  " c.name, c.address, c.city, c.postal_code, c.country, c.phone, c.email, c.website, c.notes," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.name') END," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.address') END," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.city') END," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.postal_code') END," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.country') END," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.phone') END," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.email') END," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.website') END," \
  " CASE WHEN n.kind = 'deleted' THEN json_extract (n.lost, '$.notes') END," \
  " n.replaced, n.other_by, n.other_at, n.current, n.current_version" \
  " FROM notices n LEFT JOIN companies c ON c.uuid = n.uuid AND c.is_active = 1"
static const char list_sql[] = SELECT_NOTICES_SQL " ORDER BY n.notice_id DESC";
static const char lookup_sql[] = SELECT_NOTICES_SQL " WHERE n.notice_id = ?1";
static const char newest_sql[] = SELECT_NOTICES_SQL " ORDER BY n.notice_id DESC LIMIT 1";
static const char dismiss_sql[] = "DELETE FROM notices WHERE notice_id = ?1";

void
companies_notice_free (CompaniesNotice *notice)
{
  if (notice == NULL)
    return;

  g_free (notice->uuid);
  g_free (notice->company_name);
  g_free (notice->lost);
  g_strfreev (notice->lost_values);
  g_free (notice->current);
  g_free (notice->other_by);
  g_free (notice);
}

/* @value cut to COMPANIES_NOTICE_VALUE_MAX bytes at a character's start. */
static char *
cut_value (const char *value,
           gboolean   *out_cut)
{
  const char *end;

  if (value == NULL)
    value = "";
  if (strlen (value) <= COMPANIES_NOTICE_VALUE_MAX)
    return g_strdup (value);

  *out_cut = TRUE;
  end = value + COMPANIES_NOTICE_VALUE_MAX;
  while (end > value && ((guchar) *end & 0xc0) == 0x80)
    end--;
  return g_strndup (value, end - value);
}

/* Parameters 1 to 10 of both inserts of a lost value: what was lost,
 * where, and who wrote the other value when (NULL @by: unknown). */
static void
bind_lost_value (sqlite3_stmt *stmt,
                 const char   *uuid,
                 gint64        id,
                 const char   *company_name,
                 const char   *field_name,
                 const char   *lost,
                 gboolean      cut,
                 gint64        lost_version,
                 const char   *by,
                 gint64        at)
{
  if (uuid != NULL)
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_text (stmt, 3, company_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, field_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, lost, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, cut ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, lost_version);
  sqlite3_bind_int64 (stmt, 8, g_get_real_time () / G_USEC_PER_SEC);
  if (by != NULL)
    sqlite3_bind_text (stmt, 9, by, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, at);
}

gboolean
companies_local_store_add_overwritten_notice (CompaniesLocalStore         *self,
                                              const CompaniesOverwritten  *overwritten,
                                              GError                     **error)
{
  g_autoptr(CompaniesStoreRow) row = NULL;
  g_autoptr(CompaniesStmt) stmt = NULL;
  g_autofree char *lost = NULL;
  const char *field_name = companies_field_get_name (overwritten->field);
  gboolean cut = FALSE;

  if (field_name == NULL)
    return TRUE;

  if (!companies_local_store_load_row (self, NULL, overwritten->id, &row, error))
    return FALSE;

  stmt = companies_local_store_prepare (self, insert_overwritten_sql, error);
  if (stmt == NULL)
    return FALSE;

  lost = cut_value (overwritten->value, &cut);
  bind_lost_value (stmt, row != NULL ? row->uuid : NULL, overwritten->id,
                   row != NULL ? row->values[COMPANIES_FIELD_NAME] : "", field_name,
                   lost, cut, overwritten->version, overwritten->by, overwritten->at);

  return companies_local_store_step_done (self, stmt, error);
}

gboolean
companies_local_store_add_replaced_notice (CompaniesLocalStore      *self,
                                           const CompaniesReplaced  *replaced,
                                           GError                  **error)
{
  g_autoptr(CompaniesStoreRow) row = NULL;
  g_autoptr(CompaniesStmt) stmt = NULL;
  g_autofree char *lost = NULL;
  g_autofree char *current = NULL;
  gboolean cut = FALSE, current_cut = FALSE;

  if (!companies_local_store_load_row (self, replaced->uuid, 0, &row, error))
    return FALSE;
  if (row == NULL)
    return TRUE;

  stmt = companies_local_store_prepare (self, insert_replaced_sql, error);
  if (stmt == NULL)
    return FALSE;

  lost = cut_value (replaced->lost, &cut);
  current = cut_value (replaced->current, &current_cut);
  bind_lost_value (stmt, replaced->uuid, replaced->id, row->values[COMPANIES_FIELD_NAME],
                   companies_field_get_name (replaced->field), lost, cut,
                   replaced->lost_version, replaced->by, replaced->at);
  sqlite3_bind_text (stmt, 11, current, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 12, replaced->current_version);

  return companies_local_store_step_done (self, stmt, error);
}

gboolean
companies_local_store_add_deleted_notice (CompaniesLocalStore      *self,
                                          const CompaniesStoreRow  *row,
                                          GError                  **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, insert_deleted_sql, error);
  g_auto(GStrv) values = g_new0 (char *, COMPANIES_N_FIELDS + 1);
  gboolean cut = FALSE;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, row->uuid, -1, SQLITE_STATIC);
  if (row->id > 0)
    sqlite3_bind_int64 (stmt, 2, row->id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_text (stmt, 3, row->values[COMPANIES_FIELD_NAME], -1, SQLITE_STATIC);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      values[i] = cut_value (row->values[i], &cut);
      sqlite3_bind_text (stmt, 10 + i, values[i], -1, SQLITE_STATIC);
    }
  sqlite3_bind_int (stmt, 4, cut ? 1 : 0);
  sqlite3_bind_int64 (stmt, 5, row->changed_fields & COMPANIES_ALL_FIELDS);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);

  return companies_local_store_step_done (self, stmt, error);
}

gboolean
companies_local_store_trim_notices (CompaniesLocalStore  *self,
                                    GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, trim_sql, error);
  gint64 dropped = 0;
  int n;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, COMPANIES_NOTICES_MAX);
  if (!companies_local_store_step_done (self, stmt, error))
    return FALSE;

  n = sqlite3_changes (companies_local_store_get_db (self));
  if (n == 0)
    return TRUE;

  return companies_local_store_get_state_int (self, STATE_NOTICES_DROPPED, &dropped, error) &&
         companies_local_store_set_state_int (self, STATE_NOTICES_DROPPED, dropped + n, error);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* One row of SELECT_NOTICES_SQL; NULL for a row this build cannot read. */
static CompaniesNotice *
read_notice (sqlite3_stmt *stmt)
{
  g_autoptr(CompaniesNotice) notice = g_new0 (CompaniesNotice, 1);
  const char *kind = (const char *) sqlite3_column_text (stmt, 1);
  gboolean company_here = sqlite3_column_int (stmt, 11) != 0;

  notice->notice_id = sqlite3_column_int64 (stmt, 0);
  notice->uuid = dup_column (stmt, 2);
  notice->id = sqlite3_column_int64 (stmt, 3);
  notice->company_name = dup_column (stmt, 4);
  notice->lost_cut = sqlite3_column_int (stmt, 7) != 0;
  notice->lost_version = sqlite3_column_int64 (stmt, 8);
  notice->edited = (guint) sqlite3_column_int64 (stmt, 9) & COMPANIES_ALL_FIELDS;
  notice->received_time = sqlite3_column_int64 (stmt, 10);
  notice->replaced = sqlite3_column_int (stmt, 30) != 0;
  notice->other_by = dup_column (stmt, 31);
  notice->other_at = sqlite3_column_int64 (stmt, 32);
  notice->current_version = sqlite3_column_int64 (stmt, 34);

  if (g_strcmp0 (kind, "deleted") == 0)
    {
      notice->kind = COMPANIES_NOTICE_DELETED;
      notice->lost_values = g_new0 (char *, COMPANIES_N_FIELDS + 1);
      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        notice->lost_values[i] = g_strdup (sqlite3_column_text (stmt, 21 + i) != NULL ?
                                           (const char *) sqlite3_column_text (stmt, 21 + i) : "");
      return g_steal_pointer (&notice);
    }

  notice->kind = COMPANIES_NOTICE_OVERWRITTEN;
  if (!companies_field_from_name ((const char *) sqlite3_column_text (stmt, 5), &notice->field))
    return NULL;
  notice->lost = dup_column (stmt, 6);
  /* the value that replaced ours, as reported; else the field here now */
  if (company_here)
    notice->current = dup_column (stmt, notice->replaced ? 33 : 12 + notice->field);
  return g_steal_pointer (&notice);
}

GPtrArray *
companies_local_store_list_notices (CompaniesLocalStore  *self,
                                    GError              **error)
{
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(CompaniesStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = companies_local_store_prepare (self, list_sql, error);
  if (stmt == NULL)
    return NULL;

  notices = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_notice_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CompaniesNotice *notice = read_notice (stmt);

      /* Only our own code writes this table; skip what we cannot read. */
      if (notice != NULL)
        g_ptr_array_add (notices, notice);
    }

  if (rc != SQLITE_DONE)
    {
      companies_local_store_set_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&notices);
}

gboolean
companies_local_store_get_notices_dropped (CompaniesLocalStore  *self,
                                           gint64               *out_dropped,
                                           GError              **error)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);

  *out_dropped = 0;
  return companies_local_store_get_state_int (self, STATE_NOTICES_DROPPED, out_dropped, error);
}

static void
set_no_notice (gint64   notice_id,
               GError **error)
{
  g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND,
               _("There is no notice %lld (already restored or dismissed?)"),
               (long long) notice_id);
}

/* Deletes the notice inside the caller's transaction. */
static gboolean
forget_notice (CompaniesLocalStore  *self,
               gint64                notice_id,
               GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, dismiss_sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, notice_id);
  if (!companies_local_store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (companies_local_store_get_db (self)) == 0)
    {
      set_no_notice (notice_id, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
companies_local_store_dismiss_notice (CompaniesLocalStore  *self,
                                      gint64                notice_id,
                                      GError              **error)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  if (!forget_notice (self, notice_id, error))
    {
      companies_local_store_rollback (self);
      return FALSE;
    }

  return companies_local_store_commit (self, error);
}

/* The one notice of @sql (bound to @notice_id when not 0), in
 * *out_notice (NULL for none). */
static gboolean
read_one (CompaniesLocalStore  *self,
          const char           *sql,
          gint64                notice_id,
          CompaniesNotice     **out_notice,
          GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, sql, error);
  int rc;

  *out_notice = NULL;
  if (stmt == NULL)
    return FALSE;

  if (notice_id != 0)
    sqlite3_bind_int64 (stmt, 1, notice_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_notice = read_notice (stmt);
  else if (rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}

static CompaniesNotice *
lookup_notice (CompaniesLocalStore  *self,
               gint64                notice_id,
               GError              **error)
{
  CompaniesNotice *notice = NULL;

  if (!read_one (self, lookup_sql, notice_id, &notice, error))
    return NULL;

  if (notice == NULL)
    set_no_notice (notice_id, error);
  return notice;
}

gboolean
companies_local_store_get_newest_notice (CompaniesLocalStore  *self,
                                         CompaniesNotice     **out_notice,
                                         gint64               *out_count,
                                         gint64               *out_dropped,
                                         GError              **error)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_notice = NULL;
  *out_count = 0;
  *out_dropped = 0;
  if (!companies_local_store_begin (self, FALSE, error))
    return FALSE;

  if (!companies_local_store_query_int (self, "SELECT count(*) FROM notices", out_count, error) ||
      !companies_local_store_get_state_int (self, STATE_NOTICES_DROPPED, out_dropped, error) ||
      !read_one (self, newest_sql, 0, out_notice, error))
    {
      g_clear_pointer (out_notice, companies_notice_free);
      companies_local_store_rollback (self);
      return FALSE;
    }

  companies_local_store_rollback (self);
  return TRUE;
}

/* The lost value written back, or the deleted company made anew. */
static CompaniesCompany *
restore_in_transaction (CompaniesLocalStore  *self,
                        gint64                notice_id,
                        GError              **error)
{
  g_autoptr(CompaniesNotice) notice = lookup_notice (self, notice_id, error);
  g_autoptr(CompaniesCompany) company = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL, };
  guint mask = COMPANIES_ALL_FIELDS;
  gboolean changed;

  if (notice == NULL)
    return NULL;

  if (notice->lost_cut)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED,
                   _("Only the first %d bytes of the lost value were kept, so it cannot be "
                     "restored; dismiss the notice instead"), COMPANIES_NOTICE_VALUE_MAX);
      return NULL;
    }

  if (notice->kind == COMPANIES_NOTICE_DELETED)
    {
      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        values[i] = notice->lost_values[i];
    }
  else
    {
      if (notice->uuid == NULL || notice->current == NULL)
        {
          g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND,
                       _("“%s” no longer exists here: there is nothing to restore the value into"),
                       notice->company_name);
          return NULL;
        }
      mask = COMPANIES_FIELD_BIT (notice->field);
      values[notice->field] = notice->lost;
    }

  if (!companies_fields_validate (values, mask, NULL, error))
    return NULL;

  if (notice->kind == COMPANIES_NOTICE_DELETED)
    company = companies_local_store_create_in_transaction (self, values, error);
  else
    company = companies_local_store_update_in_transaction (self, notice->uuid, mask, values,
                                                           &changed, error);

  if (company == NULL || !forget_notice (self, notice_id, error))
    return NULL;

  return g_steal_pointer (&company);
}

CompaniesCompany *
companies_local_store_restore_notice (CompaniesLocalStore  *self,
                                      gint64                notice_id,
                                      GError              **error)
{
  g_autoptr(CompaniesCompany) company = NULL;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!companies_local_store_begin (self, TRUE, error))
    return NULL;

  company = restore_in_transaction (self, notice_id, error);
  if (company == NULL || !companies_local_store_commit (self, error))
    {
      companies_local_store_rollback (self);
      return NULL;
    }

  return g_steal_pointer (&company);
}
