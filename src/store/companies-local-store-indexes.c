/* companies-local-store-indexes.c: the secondary indexes that the first
 * snapshot into an empty store, and a large import, build once at their
 * end instead of growing them record by record.
 *
 * Why: a page of 5000 records inserted into an index keyed by something
 * random (the name) dirties a page of the index a record once the index
 * outgrows the page cache, and each commit writes every dirty page to the
 * WAL and then into the file. At 400,000 companies the name index alone
 * was 40 % of the initial sync's CPU and of its writes (measured with
 * perf and /usr/bin/time); CREATE INDEX sorts once instead. The list's
 * sort and search indexes (schema version 3) are the same kind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-private.h"

/* Set while the indexes below are missing; cleared when built again. */
#define STATE_INDEXES_DEFERRED "indexes_deferred"
/* Their CREATE INDEX statements, as the file held them. */
#define STATE_DEFERRED_SQL "indexes_deferred_sql"

/* A file whose first snapshot began before the statements were kept
 * deferred the name index alone, in the schema's words. */
static const char legacy_deferred_sql[] =
  "CREATE INDEX IF NOT EXISTS companies_name_idx ON companies (name COLLATE NOCASE)";

gboolean
companies_local_store_defer_indexes (CompaniesLocalStore  *self,
                                     GError              **error)
{
  g_autoptr(GPtrArray) create_sql = NULL;
  g_autofree char *joined = NULL;
  gint64 has_rows = 0;

  if (!companies_local_store_query_int (self, "SELECT EXISTS (SELECT 1 FROM companies)", &has_rows, error))
    return FALSE;
  if (has_rows)
    return TRUE;

  /* The search index stays: the list's search names it (INDEXED BY),
   * and the app may search while the snapshot comes in. The others only
   * make an order faster meanwhile. */
  create_sql = companies_local_store_drop_bulk_indexes (self, "companies_search_idx", error);
  if (create_sql == NULL)
    return FALSE;
  if (create_sql->len == 0)
    return TRUE;

  g_ptr_array_add (create_sql, NULL);
  joined = g_strjoinv (";\n", (char **) create_sql->pdata);
  return companies_local_store_set_state_text (self, STATE_DEFERRED_SQL, joined, error) &&
         companies_local_store_set_state_int (self, STATE_INDEXES_DEFERRED, 1, error);
}

gboolean
companies_local_store_build_deferred_indexes (CompaniesLocalStore  *self,
                                              GError              **error)
{
  g_autofree char *create_sql = NULL;
  gint64 deferred = 0;

  if (!companies_local_store_get_state_int (self, STATE_INDEXES_DEFERRED, &deferred, error))
    return FALSE;
  if (!deferred)
    return TRUE;

  if (!companies_local_store_get_state_text (self, STATE_DEFERRED_SQL, &create_sql, error) ||
      !companies_local_store_exec (self, create_sql != NULL ? create_sql : legacy_deferred_sql, error))
    return FALSE;

  return companies_local_store_set_state_text (self, STATE_DEFERRED_SQL, NULL, error) &&
         companies_local_store_set_state_int (self, STATE_INDEXES_DEFERRED, 0, error);
}

/* The indexes whose keys come in no order as records are added: the
 * list's sort keys, its search text and the name. The import drops
 * them in its transaction and builds them again before it commits
 * (companies-store-import.c), and so does the first snapshot into an
 * empty store, across its pages (companies-local-store-apply.c); the
 * partial indexes of the sync's filters stay, their keys growing with
 * local_seq or empty, and so do the uuid and id indexes, which the
 * snapshot looks records up by. */
static const char * const bulk_index_names[] = {
  "companies_name_idx",
  "companies_name_key_idx",
  "companies_city_key_idx",
  "companies_country_key_idx",
  "companies_email_key_idx",
  "companies_phone_key_idx",
  "companies_search_idx",
  "companies_state_key_idx",
  NULL
};

GPtrArray *
companies_local_store_drop_bulk_indexes (CompaniesLocalStore  *self,
                                         const char           *keep,
                                         GError              **error)
{
  static const char schema_sql[] =
    "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'companies'"
    " AND sql IS NOT NULL";
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, schema_sql, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) create_sql = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  /* Their definitions as the file holds them, so that they come back
   * exactly as they were (an index missing, as the snapshot's deferred
   * name index, stays missing). */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strv_contains (bulk_index_names, name) && g_strcmp0 (name, keep) != 0)
        {
          g_ptr_array_add (names, g_strdup (name));
          g_ptr_array_add (create_sql, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
        }
    }
  g_clear_pointer (&stmt, companies_stmt_release);
  if (rc != SQLITE_DONE)
    {
      companies_local_store_set_error (self, rc, error);
      return NULL;
    }

  for (guint i = 0; i < names->len; i++)
    {
      /* A name of the list above, not the file's text. */
      g_autofree char *drop_sql = g_strdup_printf ("DROP INDEX %s", (char *) names->pdata[i]);

      if (!companies_local_store_exec (self, drop_sql, error))
        return NULL;
    }

  return g_steal_pointer (&create_sql);
}

gboolean
companies_local_store_create_indexes (CompaniesLocalStore  *self,
                                      GPtrArray            *create_sql,
                                      GError              **error)
{
  for (guint i = 0; i < create_sql->len; i++)
    if (!companies_local_store_exec (self, g_ptr_array_index (create_sql, i), error))
      return FALSE;

  return TRUE;
}
