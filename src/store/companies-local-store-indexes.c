/* companies-local-store-indexes.c: the secondary indexes that the first
 * snapshot into an empty store, a large import and a bulk push build
 * once at their end instead of changing them record by record.
 *
 * Why: a page of 5000 records inserted into an index keyed by something
 * random (the name) dirties a page of the index a record once the index
 * outgrows the page cache, and each commit writes every dirty page to the
 * WAL and then into the file. At 400,000 companies the name index alone
 * was 40 % of the initial sync's CPU and of its writes (measured with
 * perf and /usr/bin/time); CREATE INDEX sorts once instead. The list's
 * sort and search indexes (schema version 3) are the same kind, and so
 * is the state index for a push: each answered addition moves from the
 * pending to the synced state, at its name's place in both.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-private.h"
#include "companies-local-store-sync.h"
#include "companies-sent-spans.h"

/* Set while the indexes below are missing; cleared when built again. */
#define STATE_INDEXES_DEFERRED "indexes_deferred"
/* Their CREATE INDEX statements, as the file held them. */
#define STATE_DEFERRED_SQL "indexes_deferred_sql"

/* A file whose first snapshot began before the statements were kept
 * deferred the name index alone, in the schema's words. */
static const char legacy_deferred_sql[] =
  "CREATE INDEX IF NOT EXISTS companies_name_idx ON companies (name COLLATE NOCASE)";

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

/* The one a push's answers move every entry of (see the top). */
static const char * const push_index_names[] = {
  "companies_state_key_idx",
  NULL
};

/* Additions waiting for the server (the push's first filter, less the
 * refused ones): a bulk push goes on while there are. */
static const char additions_waiting_sql[] =
  "SELECT EXISTS (SELECT 1 FROM companies WHERE is_from_server = 0 AND is_active = 1"
  " AND rejection_code IS NULL)";
/* A push that defers the state index: at least this many additions,
 * and at least half as many as the rows (below that, rebuilding the
 * whole index costs more than moving their entries). */
#define BULK_PUSH_MIN_ADDITIONS 20000
static const char additions_count_sql[] =
  "SELECT count(*) FROM (SELECT 1 FROM companies WHERE is_from_server = 0 AND is_active = 1"
  " LIMIT ?1)";

static GPtrArray *drop_indexes (CompaniesLocalStore  *self,
                                const char * const   *names,
                                GError              **error);

/* The page cache while CREATE INDEX runs, in KiB. SQLite's sorter sorts
 * runs of keys as large as the page cache in memory, then merges them
 * from a temporary file. A run of 64 MiB (the sync's cache) is a linked
 * list sort that misses the CPU's caches at every step; runs of 2 MiB
 * stay in them. And with many small runs, helper threads sort each run
 * while the table is still being read: with one run, they had nothing
 * to overlap (docs/sync-1m.md, round 10). The eight builds of a million
 * companies: 8.3–8.6 s with 64 MiB, 6.3 s with 2 MiB, 5.1–5.4 s with
 * 2 MiB and two helper threads; 100k: 0.58 s, 0.58 s and 0.52–0.55 s.
 * The table is read once a build, in order, so its pages gain nothing
 * from a larger cache. */
#define INDEX_BUILD_CACHE_KIB 2048
#define INDEX_BUILD_THREADS   2

/* Runs @sql, CREATE INDEX statements, with the sorter set as above, and
 * then the connection's page cache and threads as they were. */
static gboolean
build_indexes (CompaniesLocalStore  *self,
               const char           *sql,
               GError              **error)
{
  sqlite3 *db = companies_local_store_get_db (self);
  gint64 cache_size = 0;
  gint64 threads = 0;
  g_autofree char *restore_sql = NULL;
  gboolean built;

  if (!companies_local_store_query_int (self, "PRAGMA cache_size", &cache_size, error) ||
      !companies_local_store_query_int (self, "PRAGMA threads", &threads, error))
    return FALSE;

  companies_local_store_set_cache_size (self, INDEX_BUILD_CACHE_KIB);
  sqlite3_limit (db, SQLITE_LIMIT_WORKER_THREADS, INDEX_BUILD_THREADS);
  built = companies_local_store_exec (self, sql, error);

  /* As read: the cache negative in KiB, positive in pages. */
  restore_sql = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);
  sqlite3_exec (db, restore_sql, NULL, NULL, NULL);
  sqlite3_limit (db, SQLITE_LIMIT_WORKER_THREADS, (int) threads);
  return built;
}

/* In the caller's transaction: drops the indexes of @names the file
 * holds and keeps their CREATE INDEX statements in sync_state, for
 * companies_local_store_build_deferred_indexes (). Nothing when some
 * are deferred already (they are built together). */
static gboolean
defer (CompaniesLocalStore  *self,
       const char * const   *names,
       GError              **error)
{
  g_autoptr(GPtrArray) create_sql = NULL;
  g_autofree char *joined = NULL;
  gint64 deferred = 0;

  if (!companies_local_store_get_state_int (self, STATE_INDEXES_DEFERRED, &deferred, error))
    return FALSE;
  if (deferred)
    return TRUE;

  create_sql = drop_indexes (self, names, error);
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
companies_local_store_defer_indexes (CompaniesLocalStore  *self,
                                     GError              **error)
{
  gint64 has_rows = 0;

  if (!companies_local_store_query_int (self, "SELECT EXISTS (SELECT 1 FROM companies)", &has_rows, error))
    return FALSE;
  if (has_rows)
    return TRUE;

  /* The search index too: its key is the folded text, random as the
   * name (at a million companies it was most of what the snapshot
   * wrote). Meanwhile the list's search reads the table instead
   * (companies-local-store-view.c). */
  return defer (self, bulk_index_names, error);
}

gboolean
companies_local_store_defer_push_indexes (CompaniesLocalStore  *self,
                                          GError              **error)
{
  gint64 additions = 0;
  gint64 rows = 0;
  gboolean deferred = FALSE;

  /* Deferred already (the push's first batch): no count a batch. */
  if (!companies_local_store_indexes_deferred (self, &deferred, error))
    return FALSE;
  if (deferred)
    return TRUE;

  /* The largest local_id bounds the rows from above: cheaper than a
   * count, and it errs on the side of keeping the index. */
  if (!companies_local_store_query_int (self, "SELECT ifnull (max (local_id), 0) FROM companies",
                                        &rows, error))
    return FALSE;
  if (rows < BULK_PUSH_MIN_ADDITIONS)
    return TRUE;

  {
    g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, additions_count_sql, error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, MAX (BULK_PUSH_MIN_ADDITIONS, (rows + 1) / 2));
    if (sqlite3_step (stmt) != SQLITE_ROW)
      return companies_local_store_set_error (self, sqlite3_errcode (companies_local_store_get_db (self)),
                                              error);
    additions = sqlite3_column_int64 (stmt, 0);
  }

  if (additions < BULK_PUSH_MIN_ADDITIONS || additions < (rows + 1) / 2)
    return TRUE;

  return defer (self, push_index_names, error);
}

gboolean
companies_local_store_indexes_deferred (CompaniesLocalStore  *self,
                                        gboolean             *out_deferred,
                                        GError              **error)
{
  gint64 deferred = 0;

  if (!companies_local_store_get_state_int (self, STATE_INDEXES_DEFERRED, &deferred, error))
    return FALSE;

  *out_deferred = deferred != 0;
  return TRUE;
}

gboolean
companies_local_store_build_deferred_indexes (CompaniesLocalStore  *self,
                                              gboolean              unless_pushing,
                                              GError              **error)
{
  g_autofree char *create_sql = NULL;
  gint64 deferred = 0;
  gint64 waiting = 0;

  if (!companies_local_store_get_state_int (self, STATE_INDEXES_DEFERRED, &deferred, error))
    return FALSE;
  if (!deferred)
    return TRUE;

  /* A bulk push's answers keep coming: built after its last. */
  if (unless_pushing &&
      !companies_local_store_query_int (self, additions_waiting_sql, &waiting, error))
    return FALSE;
  if (waiting)
    return TRUE;

  if (!companies_local_store_get_state_text (self, STATE_DEFERRED_SQL, &create_sql, error) ||
      !build_indexes (self, create_sql != NULL ? create_sql : legacy_deferred_sql, error))
    return FALSE;

  return companies_local_store_set_state_text (self, STATE_DEFERRED_SQL, NULL, error) &&
         companies_local_store_set_state_int (self, STATE_INDEXES_DEFERRED, 0, error);
}

GPtrArray *
companies_local_store_drop_bulk_indexes (CompaniesLocalStore  *self,
                                         const char           *keep,
                                         GError              **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; bulk_index_names[i] != NULL; i++)
    if (g_strcmp0 (bulk_index_names[i], keep) != 0)
      g_ptr_array_add (names, (gpointer) bulk_index_names[i]);
  g_ptr_array_add (names, NULL);

  return drop_indexes (self, (const char * const *) names->pdata, error);
}

static GPtrArray *
drop_indexes (CompaniesLocalStore  *self,
              const char * const   *wanted,
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

      if (g_strv_contains (wanted, name))
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
  g_autoptr(GString) joined = g_string_new (NULL);

  if (create_sql->len == 0)
    return TRUE;

  for (guint i = 0; i < create_sql->len; i++)
    g_string_append_printf (joined, "%s;\n", (const char *) g_ptr_array_index (create_sql, i));
  return build_indexes (self, joined->str, error);
}

gboolean
companies_local_store_end_sync (CompaniesLocalStore  *self,
                                GError              **error)
{
  gint64 snapshot_active = 0;
  gboolean deferred = FALSE;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);

  /* No batch is in flight now: the spans of those never answered (a
   * lost response) become marks in their rows. */
  if (!companies_sent_spans_settle_all (self, error))
    return FALSE;

  /* Most runs: one read of sync_state, no write transaction. */
  if (!companies_local_store_indexes_deferred (self, &deferred, error))
    return FALSE;
  if (!deferred)
    return TRUE;

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;
  if (!companies_local_store_get_state_int (self, COMPANIES_STATE_SNAPSHOT_ACTIVE, &snapshot_active, error) ||
      (!snapshot_active && !companies_local_store_build_deferred_indexes (self, FALSE, error)))
    {
      companies_local_store_rollback (self);
      return FALSE;
    }

  return companies_local_store_commit (self, error);
}
