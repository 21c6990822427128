/* companies-store-counts.h: the counts of the companies table that
 * `companies-cli status` shows (rows, pending additions, changes and
 * deletions, refused records), kept in the companies_counts table by the
 * store's write paths in the transactions that change the rows, so that
 * reading them costs the same at any size (docs/scale.md).
 *
 * Every statement that inserts, deletes or changes the flags of a row of
 * companies notes the change here; the change is written by the
 * transaction's COMMIT (companies_local_store_commit ()) and forgotten by
 * its ROLLBACK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store-private.h"

G_BEGIN_DECLS

/* What a row counts in, as bits of a class. */
typedef enum
{
  COMPANIES_COUNT_ROWS,       /* every row */
  COMPANIES_COUNT_ADDED,      /* the pattern's "added" filter */
  COMPANIES_COUNT_UPDATED,    /* the pattern's "updated" filter */
  COMPANIES_COUNT_INACTIVE,   /* IsActive = False: pending deletions */
  COMPANIES_COUNT_REJECTED,   /* refused by the server, until edited */
  COMPANIES_N_COUNTS
} CompaniesCount;

#define COMPANIES_COUNT_BIT(count) (1u << (count))

/* The columns a row's class is made of, in the order
 * companies_store_counts_class_from_columns () reads them: for the
 * RETURNING of a DELETE, or a SELECT. */
#define COMPANIES_COUNTS_COLUMNS \
  "is_from_server, is_modified, is_active, rejection_code IS NOT NULL"

/* The counts of every row of the table, computed in one pass: what the
 * migration to schema version 6 stores, and what the tests compare the
 * kept counts with. Columns in CompaniesCount order. */
#define COMPANIES_COUNTS_SUMS \
  "count(*)," \
  " ifnull (sum (is_from_server = 0 AND is_active = 1), 0)," \
  " ifnull (sum (is_modified = 1 AND is_from_server = 1 AND is_active = 1), 0)," \
  " ifnull (sum (is_active = 0), 0)," \
  " ifnull (sum (rejection_code IS NOT NULL), 0)"
#define COMPANIES_COUNTS_SCAN_SQL "SELECT " COMPANIES_COUNTS_SUMS " FROM companies"

/* The stored counts, in CompaniesCount order. */
#define COMPANIES_COUNTS_READ_SQL \
  "SELECT total, added, updated, inactive, rejected FROM companies_counts"

guint     companies_store_counts_class             (gboolean             is_from_server,
                                                    gboolean             is_modified,
                                                    gboolean             is_active,
                                                    gboolean             rejected);
/* The class of the row in @stmt's columns @first to @first + 3, in the
 * order of COMPANIES_COUNTS_COLUMNS. */
guint     companies_store_counts_class_from_columns (sqlite3_stmt       *stmt,
                                                     int                 first);

/* Notes that @times rows went from class @before to class @after (0: no
 * row) in the current write transaction. */
void      companies_store_counts_note              (CompaniesLocalStore *self,
                                                    guint                before,
                                                    guint                after,
                                                    gint64               times);
/* Steps a DELETE … RETURNING COMPANIES_COUNTS_COLUMNS to its end,
 * noting each row it removed. */
gboolean  companies_store_counts_step_removal      (CompaniesLocalStore *self,
                                                    sqlite3_stmt        *stmt,
                                                    GError             **error);

/* companies-local-store-db.c: at COMMIT, before it, the changes noted
 * are added to the table; at BEGIN and ROLLBACK they are forgotten. */
gboolean  companies_store_counts_flush             (CompaniesLocalStore *self,
                                                    GError             **error);
void      companies_store_counts_forget            (CompaniesLocalStore *self);

/* companies-local-store-schema.c: schema version 6, the table made and
 * filled from the rows, in the migration's transaction. */
gboolean  companies_store_counts_create            (CompaniesLocalStore *self,
                                                    GError             **error);

G_END_DECLS
