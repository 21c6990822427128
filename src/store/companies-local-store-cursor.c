/* companies-local-store-cursor.c: the sync state the sync client reads
 * and writes through companies-local-store-sync.h: the change counter,
 * the cursor and the last sync time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-private.h"
#include "companies-local-store-sync.h"

gboolean
companies_local_store_get_change_counter (CompaniesLocalStore *self,
                                          gint64              *out_value,
                                          GError             **error)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);

  return companies_local_store_get_state_int (self, COMPANIES_STATE_CHANGE_COUNTER, out_value, error);
}

gboolean
companies_local_store_dup_cursor (CompaniesLocalStore *self,
                                  char               **out_cursor,
                                  GError             **error)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);

  return companies_local_store_get_state_text (self, COMPANIES_STATE_CURSOR, out_cursor, error);
}

gboolean
companies_local_store_forget_cursor (CompaniesLocalStore  *self,
                                     GError              **error)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  if (!companies_local_store_set_state_text (self, COMPANIES_STATE_CURSOR, NULL, error) ||
      !companies_local_store_set_state_int (self, COMPANIES_STATE_SNAPSHOT_ACTIVE, 0, error))
    {
      companies_local_store_rollback (self);
      return FALSE;
    }

  return companies_local_store_commit (self, error);
}

gboolean
companies_local_store_set_last_sync_time (CompaniesLocalStore *self,
                                          gint64               unix_time,
                                          GError             **error)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  if (!companies_local_store_set_state_int (self, COMPANIES_STATE_LAST_SYNC_TIME, unix_time, error))
    {
      companies_local_store_rollback (self);
      return FALSE;
    }

  return companies_local_store_commit (self, error);
}
