/* companies-local-store-actions.c: the ForSync actions of
 * CompaniesLocalStore (docs/protocol.md section 2, the pattern's wrappers),
 * each one BEGIN IMMEDIATE transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-protocol.h"
#include "companies-store-row.h"
#include "companies-uuid.h"

/* --- The ForSync actions. --- */

gboolean
companies_local_store_validate_values (const char * const *values,
                                       guint               mask,
                                       const char         *out_values[COMPANIES_N_FIELDS],
                                       GError            **error)
{
  /* A NULL optional field means "", a NULL name stays NULL so that
   * validation says it is missing. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    out_values[i] = values != NULL && values[i] != NULL ? values[i] :
                    i == COMPANIES_FIELD_NAME ? NULL : "";

  return companies_fields_validate (out_values, mask, NULL, error);
}

static void
set_not_found (const char  *ref,
               GError     **error)
{
  g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND,
               _("No company has the id or uuid “%s”"), ref != NULL ? ref : "");
}

/* Loads the active row named by @ref, inside the caller's transaction. */
static gboolean
load_active_row (CompaniesLocalStore *self,
                 const char          *ref,
                 CompaniesStoreRow  **out_row,
                 GError             **error)
{
  g_autofree char *uuid = NULL;
  gint64 id = 0;

  if (!companies_local_store_parse_ref (ref, &uuid, &id, error) ||
      !companies_local_store_load_row (self, uuid, id, out_row, error))
    return FALSE;

  if (*out_row == NULL || !(*out_row)->is_active)
    {
      g_clear_pointer (out_row, companies_store_row_free);
      set_not_found (ref, error);
      return FALSE;
    }

  return TRUE;
}

/* A local change: the next local_seq, and the rejection is cleared. */
static gboolean
mark_changed (CompaniesLocalStore *self,
              CompaniesStoreRow   *row,
              GError             **error)
{
  companies_store_row_set_rejection (row, NULL, NULL, NULL);
  return companies_local_store_next_local_seq (self, &row->local_seq, error);
}

CompaniesCompany *
companies_local_store_create_in_transaction (CompaniesLocalStore *self,
                                             const char * const  *values,
                                             GError             **error)
{
  g_autoptr(CompaniesStoreRow) row = companies_store_row_new ();

  row->uuid = companies_uuid_new ();
  row->is_from_server = FALSE;
  row->is_modified = TRUE;
  row->is_active = TRUE;
  row->changed_fields = COMPANIES_ALL_FIELDS;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      g_free (row->values[i]);
      row->values[i] = companies_field_normalize (i, values[i]);
    }

  if (!mark_changed (self, row, error) ||
      !companies_local_store_save_row (self, row, error))
    return NULL;

  return companies_store_row_to_company (row);
}

CompaniesCompany *
companies_local_store_create_for_sync (CompaniesLocalStore  *self,
                                       const char * const   *values,
                                       GError              **error)
{
  const char *checked[COMPANIES_N_FIELDS];
  g_autoptr(CompaniesCompany) company = NULL;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!companies_local_store_validate_values (values, COMPANIES_ALL_FIELDS, checked, error))
    return NULL;

  if (!companies_local_store_begin (self, TRUE, error))
    return NULL;

  company = companies_local_store_create_in_transaction (self, checked, error);
  if (company == NULL || !companies_local_store_commit (self, error))
    {
      companies_local_store_rollback (self);
      return NULL;
    }

  return g_steal_pointer (&company);
}

/* The update of UpdateLocalCompanyForSync, inside a transaction. Sets
 * *out_changed to FALSE when no value differs (then nothing is written). */
CompaniesCompany *
companies_local_store_update_in_transaction (CompaniesLocalStore *self,
                                             const char          *ref,
                                             guint                mask,
                                             const char * const  *values,
                                             gboolean            *out_changed,
                                             GError             **error)
{
  g_autoptr(CompaniesStoreRow) row = NULL;
  guint differing = 0;

  *out_changed = FALSE;

  if (!load_active_row (self, ref, &row, error))
    return NULL;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      g_autofree char *value = NULL;

      if ((mask & COMPANIES_FIELD_BIT (i)) == 0)
        continue;

      value = companies_field_normalize (i, values[i]);
      if (g_strcmp0 (value, row->values[i]) != 0)
        {
          g_free (row->values[i]);
          row->values[i] = g_steal_pointer (&value);
          differing |= COMPANIES_FIELD_BIT (i);
        }
    }

  if (differing == 0)
    return companies_store_row_to_company (row);

  /* The pending change set begins now: remember which server version it
   * starts from (the wire's base_version). */
  if (row->changed_fields == 0)
    row->base_version = row->version;
  row->changed_fields |= differing;
  row->is_modified = TRUE;
  /* An addition the server may hold as first sent: what a retry of it
   * cannot bring there. */
  if (!row->is_from_server && row->add_sent)
    row->sent_changed |= differing;

  if (!mark_changed (self, row, error) ||
      !companies_local_store_save_row (self, row, error))
    return NULL;

  *out_changed = TRUE;
  return companies_store_row_to_company (row);
}

CompaniesCompany *
companies_local_store_update_for_sync (CompaniesLocalStore  *self,
                                       const char           *ref,
                                       guint                 mask,
                                       const char * const   *values,
                                       GError              **error)
{
  const char *checked[COMPANIES_N_FIELDS];
  g_autoptr(CompaniesCompany) company = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mask &= COMPANIES_ALL_FIELDS;
  if (!companies_local_store_validate_values (values, mask, checked, error))
    return NULL;

  if (!companies_local_store_begin (self, TRUE, error))
    return NULL;

  company = companies_local_store_update_in_transaction (self, ref, mask, checked, &changed, error);
  if (company == NULL)
    {
      companies_local_store_rollback (self);
      return NULL;
    }

  if (!changed)
    {
      /* Nothing to write: end the transaction without counting a commit. */
      companies_local_store_rollback (self);
      return g_steal_pointer (&company);
    }

  if (!companies_local_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&company);
}

CompaniesCompany *
companies_local_store_create_or_update_for_sync (CompaniesLocalStore  *self,
                                                 CompaniesCompany     *company,
                                                 GError              **error)
{
  const char *uuid;
  g_autoptr(CompaniesStoreRow) existing = NULL;
  g_autofree char *lower = NULL;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (COMPANIES_IS_COMPANY (company), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uuid = companies_company_get_uuid (company);
  if (uuid != NULL)
    lower = g_ascii_strdown (uuid, -1);

  if (lower != NULL && companies_uuid_is_valid (lower))
    {
      if (!companies_local_store_load_row (self, lower, 0, &existing, error))
        return NULL;
    }

  if (existing != NULL)
    return companies_local_store_update_for_sync (self, lower, COMPANIES_ALL_FIELDS,
                                                  companies_company_get_fields (company),
                                                  error);

  return companies_local_store_create_for_sync (self, companies_company_get_fields (company), error);
}

gboolean
companies_local_store_delete_for_sync (CompaniesLocalStore  *self,
                                       const char           *ref,
                                       GError              **error)
{
  g_autoptr(CompaniesStoreRow) row = NULL;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  if (!load_active_row (self, ref, &row, error))
    goto failed;

  if (!row->is_from_server && !row->add_sent)
    {
      /* Never sent: the server cannot have it; nothing to tell it, the
       * row goes at once. */
      if (!companies_local_store_remove_row (self, row->local_id, error))
        goto failed;
    }
  else
    {
      /* On the server, or maybe: an addition already sent whose response
       * was lost may have been created there. Such a row is kept as
       * deleted (IsActive=False, IsFromServer=False); the next sync sends
       * its addition again, which the server answers with the record it
       * holds (creating it if the first push never arrived: adds are
       * idempotent by uuid), so that the row learns its id; then it is an
       * ordinary local delete, sent in the same sync
       * (companies-local-store-apply.c). */
      row->is_active = FALSE;
      if (!mark_changed (self, row, error) ||
          !companies_local_store_save_row (self, row, error))
        goto failed;
    }

  return companies_local_store_commit (self, error);

failed:
  companies_local_store_rollback (self);
  return FALSE;
}

CompaniesCompany *
companies_local_store_undelete_for_sync (CompaniesLocalStore  *self,
                                         CompaniesCompany     *deleted,
                                         GError              **error)
{
  g_autoptr(CompaniesStoreRow) row = NULL;
  g_autoptr(CompaniesCompany) company = NULL;
  const char *checked[COMPANIES_N_FIELDS];
  g_autofree char *uuid = NULL;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);
  g_return_val_if_fail (COMPANIES_IS_COMPANY (deleted), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (companies_company_get_uuid (deleted) != NULL)
    uuid = g_ascii_strdown (companies_company_get_uuid (deleted), -1);

  if (!companies_local_store_begin (self, TRUE, error))
    return NULL;

  if (uuid != NULL && companies_uuid_is_valid (uuid) &&
      !companies_local_store_load_row (self, uuid, 0, &row, error))
    goto failed;

  if (row != NULL && row->is_active)
    {
      /* Nothing to undo. */
      companies_local_store_rollback (self);
      return companies_store_row_to_company (row);
    }

  if (row != NULL)
    {
      /* Still held as deleted: the delete was never sent, so undoing it
       * leaves only the field changes (if any) pending. */
      row->is_active = TRUE;
      row->is_modified = row->changed_fields != 0 || !row->is_from_server;
      if (!mark_changed (self, row, error) ||
          !companies_local_store_save_row (self, row, error))
        goto failed;
      company = companies_store_row_to_company (row);
    }
  else
    {
      /* Already gone: a new record with the same values. */
      if (!companies_local_store_validate_values (companies_company_get_fields (deleted),
                                                  COMPANIES_ALL_FIELDS, checked, error))
        goto failed;
      company = companies_local_store_create_in_transaction (self, checked, error);
      if (company == NULL)
        goto failed;
    }

  if (!companies_local_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&company);

failed:
  companies_local_store_rollback (self);
  return NULL;
}
