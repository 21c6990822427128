/* companies-store-counts.c: the counts of the companies table kept in
 * companies_counts (see companies-store-counts.h).
 *
 * Why not triggers: any trigger on companies makes SQLite keep a
 * statement journal for every insert, which tripled the CPU of an
 * import (docs/scale.md, round 3). Here a write notes its change in
 * memory and the commit adds them all with one UPDATE.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-store-counts.h"

static const char counts_table_sql[] =
  "DROP TABLE IF EXISTS companies_counts;"
  "CREATE TABLE companies_counts ("
  "  only INTEGER PRIMARY KEY CHECK (only = 1),"
  "  total INTEGER NOT NULL,"
  "  added INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  inactive INTEGER NOT NULL,"
  "  rejected INTEGER NOT NULL"
  ");"
  "INSERT INTO companies_counts (only, total, added, updated, inactive, rejected)"
  "  SELECT 1, " COMPANIES_COUNTS_SUMS " FROM companies;";

G_STATIC_ASSERT (G_N_ELEMENTS (((CompaniesLocalStore *) NULL)->count_changes) == COMPANIES_N_COUNTS);

static const char counts_add_sql[] =
  "UPDATE companies_counts SET total = total + ?1, added = added + ?2,"
  " updated = updated + ?3, inactive = inactive + ?4, rejected = rejected + ?5";

guint
companies_store_counts_class (gboolean is_from_server,
                              gboolean is_modified,
                              gboolean is_active,
                              gboolean rejected)
{
  guint class = COMPANIES_COUNT_BIT (COMPANIES_COUNT_ROWS);

  if (!is_from_server && is_active)
    class |= COMPANIES_COUNT_BIT (COMPANIES_COUNT_ADDED);
  if (is_modified && is_from_server && is_active)
    class |= COMPANIES_COUNT_BIT (COMPANIES_COUNT_UPDATED);
  if (!is_active)
    class |= COMPANIES_COUNT_BIT (COMPANIES_COUNT_INACTIVE);
  if (rejected)
    class |= COMPANIES_COUNT_BIT (COMPANIES_COUNT_REJECTED);

  return class;
}

guint
companies_store_counts_class_from_columns (sqlite3_stmt *stmt,
                                           int           first)
{
  return companies_store_counts_class (sqlite3_column_int (stmt, first) != 0,
                                       sqlite3_column_int (stmt, first + 1) != 0,
                                       sqlite3_column_int (stmt, first + 2) != 0,
                                       sqlite3_column_int (stmt, first + 3) != 0);
}

void
companies_store_counts_note (CompaniesLocalStore *self,
                             guint                before,
                             guint                after,
                             gint64               times)
{
  if (before == after)
    return;

  for (guint i = 0; i < COMPANIES_N_COUNTS; i++)
    {
      guint bit = COMPANIES_COUNT_BIT (i);

      self->count_changes[i] += (((after & bit) != 0) - ((before & bit) != 0)) * times;
    }
  self->counts_changed = TRUE;
}

gboolean
companies_store_counts_step_removal (CompaniesLocalStore *self,
                                     sqlite3_stmt        *stmt,
                                     GError             **error)
{
  int rc;

  /* SQLite has removed every row at the first step; the rows come after. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    companies_store_counts_note (self, companies_store_counts_class_from_columns (stmt, 0), 0, 1);

  if (rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}

gboolean
companies_store_counts_flush (CompaniesLocalStore  *self,
                              GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;

  if (!self->counts_changed)
    return TRUE;

  stmt = companies_local_store_prepare (self, counts_add_sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < COMPANIES_N_COUNTS; i++)
    sqlite3_bind_int64 (stmt, 1 + i, self->count_changes[i]);

  if (!companies_local_store_step_done (self, stmt, error))
    return FALSE;

  companies_store_counts_forget (self);
  return TRUE;
}

void
companies_store_counts_forget (CompaniesLocalStore *self)
{
  for (guint i = 0; i < COMPANIES_N_COUNTS; i++)
    self->count_changes[i] = 0;
  self->counts_changed = FALSE;
}

gboolean
companies_store_counts_create (CompaniesLocalStore  *self,
                               GError              **error)
{
  /* A file taken back to an older version by hand may hold the table
   * still: it is made again from the rows. */
  return companies_local_store_exec (self, counts_table_sql, error);
}
