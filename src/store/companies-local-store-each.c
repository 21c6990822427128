/* companies-local-store-each.c: reading the companies one at a time, for
 * callers that print or write them as they go (the CLI's list, the CSV
 * export) and so never hold the whole table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-private.h"

#define SELECT_COMPANY "SELECT " COMPANIES_LOCAL_STORE_COLUMNS " FROM companies"
#define BY_NAME " ORDER BY name COLLATE NOCASE, local_id"

/* By name: the name index gives the order, so no sort holds the rows. */
static const char each_active_by_name_sql[] = SELECT_COMPANY " WHERE is_active = 1" BY_NAME;
static const char each_all_by_name_sql[] = SELECT_COMPANY BY_NAME;
/* In the order they were stored: a plain scan, the cheapest read. */
static const char each_active_stored_sql[] = SELECT_COMPANY " WHERE is_active = 1 ORDER BY local_id";
static const char each_all_stored_sql[] = SELECT_COMPANY " ORDER BY local_id";

gboolean
companies_local_store_foreach (CompaniesLocalStore            *self,
                               CompaniesLocalStoreEachFlags    flags,
                               CompaniesLocalStoreEachFunc     func,
                               gpointer                        user_data,
                               GError                        **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  gboolean all = (flags & COMPANIES_LOCAL_STORE_EACH_INCLUDE_DELETED) != 0;
  const char *sql;
  int rc;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((flags & COMPANIES_LOCAL_STORE_EACH_BY_NAME) != 0)
    sql = all ? each_all_by_name_sql : each_active_by_name_sql;
  else
    sql = all ? each_all_stored_sql : each_active_stored_sql;

  stmt = companies_local_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  /* One statement reads one snapshot of the file from its first step to
   * its last, whatever other connections commit meanwhile. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(CompaniesCompany) company = companies_local_store_company_from_row (stmt);

      if (!func (company, user_data, error))
        return FALSE;
    }

  if (rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}
