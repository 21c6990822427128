/* companies-local-store-indexes.c: the secondary indexes that the first
 * snapshot into an empty store builds once, at its end, instead of
 * growing them record by record.
 *
 * Why: a page of 5000 records inserted into an index keyed by something
 * random (the name) dirties a page of the index a record once the index
 * outgrows the page cache, and each commit writes every dirty page to the
 * WAL and then into the file. At 400,000 companies the name index alone
 * was 40 % of the initial sync's CPU and of its writes (measured with
 * perf and /usr/bin/time); CREATE INDEX sorts once instead. The uuid and
 * id indexes stay: the snapshot looks records up by them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-private.h"

/* Set while the indexes below are missing; cleared when built again. */
#define STATE_INDEXES_DEFERRED "indexes_deferred"

typedef struct
{
  const char *drop_sql;
  const char *create_sql;
} DeferredIndex;

/* The definitions are those of the schema's migrations, word for word. */
static const DeferredIndex deferred_indexes[] = {
  { "DROP INDEX IF EXISTS companies_name_idx",
    "CREATE INDEX IF NOT EXISTS companies_name_idx ON companies (name COLLATE NOCASE)" },
};

gboolean
companies_local_store_defer_indexes (CompaniesLocalStore  *self,
                                     GError              **error)
{
  gint64 has_rows = 0;

  if (!companies_local_store_query_int (self, "SELECT EXISTS (SELECT 1 FROM companies)", &has_rows, error))
    return FALSE;
  if (has_rows)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (deferred_indexes); i++)
    if (!companies_local_store_exec (self, deferred_indexes[i].drop_sql, error))
      return FALSE;

  return companies_local_store_set_state_int (self, STATE_INDEXES_DEFERRED, 1, error);
}

gboolean
companies_local_store_build_deferred_indexes (CompaniesLocalStore  *self,
                                              GError              **error)
{
  gint64 deferred = 0;

  if (!companies_local_store_get_state_int (self, STATE_INDEXES_DEFERRED, &deferred, error))
    return FALSE;
  if (!deferred)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (deferred_indexes); i++)
    if (!companies_local_store_exec (self, deferred_indexes[i].create_sql, error))
      return FALSE;

  return companies_local_store_set_state_int (self, STATE_INDEXES_DEFERRED, 0, error);
}
