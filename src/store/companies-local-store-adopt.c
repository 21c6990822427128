/* companies-local-store-adopt.c: the answers to our own additions that
 * the server holds as they are here, for one record and for all the
 * records of a response at once (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-adopt.h"
#include "companies-store-counts.h"

/* The answer to one of our additions whose values the server holds as
 * they are here: whatever its add_sent and changed set, nothing stays
 * pending (see apply_company ()), and no value changes. One statement
 * instead of loading the row and saving its state. */
static const char adopt_unchanged_add_sql[] =
  "UPDATE companies SET id = ?1, version = ?2, base_version = ?2, is_from_server = 1,"
  " is_modified = 0, changed_fields = 0, add_sent = 0, sent_changed = 0,"
  " snapshot_seen = CASE WHEN ?3 <> 0 THEN ?3 ELSE snapshot_seen END"
  " WHERE uuid = ?4 AND is_from_server = 0 AND name = ?5 AND address = ?6 AND city = ?7"
  " AND postal_code = ?8 AND country = ?9 AND phone = ?10 AND email = ?11"
  " AND website = ?12 AND notes = ?13 RETURNING " COMPANIES_COUNTS_COLUMNS;
/* The same for many rows, listed by ?1, a JSON array of
 * [local_id, local_seq, id, version]: one statement where one a row was
 * a third of a bulk push's client CPU (docs/sync-1m.md). */
#define ADOPT_LISTED_ADDS \
  "UPDATE companies SET id = a.id, version = a.version, base_version = a.version," \
  " is_from_server = 1, is_modified = 0, changed_fields = 0, add_sent = 0, sent_changed = 0," \
  " snapshot_seen = CASE WHEN ?2 <> 0 THEN ?2 ELSE snapshot_seen END" \
  " FROM (SELECT value ->> 0 AS local_id, value ->> 1 AS local_seq, value ->> 2 AS id," \
  " value ->> 3 AS version FROM json_each (?1)) AS a" \
  " WHERE companies.local_id = a.local_id AND companies.local_seq = a.local_seq" \
  " AND companies.is_from_server = 0"
static const char adopt_sent_adds_sql[] =
  ADOPT_LISTED_ADDS " RETURNING local_id, " COMPANIES_COUNTS_COLUMNS;
/* The same without RETURNING, for rows still as the batch read them (an
 * active local addition, not refused): when it takes every row listed,
 * their class is known and nothing needs reading back. RETURNING cost
 * about a tenth of the statement (docs/sync-1m.md, round 11). */
static const char adopt_listed_adds_sql[] =
  ADOPT_LISTED_ADDS " AND companies.is_active = 1 AND companies.rejection_code IS NULL";
/* The same for a run of rows whose local_id, local_seq, server id and
 * version all grow by one from row to row (?1 to ?2 the local_ids, ?3,
 * ?4, ?5 what local_seq, id and version add to local_id): what a bulk
 * push of imported records into a server nobody else writes to gets, in
 * one run a batch. No JSON to read. */
static const char adopt_run_sql[] =
  "UPDATE companies SET id = local_id + ?4, version = local_id + ?5, base_version = local_id + ?5,"
  " is_from_server = 1, is_modified = 0, changed_fields = 0, add_sent = 0, sent_changed = 0,"
  " snapshot_seen = CASE WHEN ?6 <> 0 THEN ?6 ELSE snapshot_seen END"
  " WHERE local_id BETWEEN ?1 AND ?2 AND local_seq = local_id + ?3 AND is_from_server = 0"
  " AND is_active = 1 AND rejection_code IS NULL";
/* Whether a row holds an id of a run. */
static const char any_id_in_run_sql[] =
  "SELECT 1 FROM companies WHERE id BETWEEN ?1 AND ?2 LIMIT 1";
/* More runs than this in a batch: the JSON list is cheaper. */
#define MAX_RUNS 64

/* Whether a row holds one of those ids. */
static const char any_id_held_sql[] =
  "SELECT 1 FROM companies WHERE id IN (SELECT value ->> 2 FROM json_each (?1)) LIMIT 1";

/* Notes the counts of the row a RETURNING of COMPANIES_COUNTS_COLUMNS
 * from @first gave: a local addition, with the same activity and refusal
 * as now, made the server's. */
static void
note_adopted (CompaniesLocalStore *self,
              sqlite3_stmt        *stmt,
              int                  first)
{
  guint now = companies_store_counts_class_from_columns (stmt, first);
  guint before = companies_store_counts_class (FALSE, TRUE, sqlite3_column_int (stmt, first + 2) != 0,
                                               sqlite3_column_int (stmt, first + 3) != 0);

  companies_store_counts_note (self, before, now, 1);
}

/* Whether the server holds the values @pushed sent. */
static gboolean
holds_values_sent (const CompaniesRecord       *record,
                   const CompaniesPushedRecord *pushed)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if (g_strcmp0 (record->values[i] != NULL ? record->values[i] : "",
                   pushed->change->values[i] != NULL ? pushed->change->values[i] : "") != 0)
      return FALSE;

  return TRUE;
}

gboolean
companies_local_store_adopt_unchanged_add (CompaniesLocalStore    *self,
                                           const CompaniesRecord  *record,
                                           gint64                  snapshot_generation,
                                           gboolean               *out_adopted,
                                           GError                **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, adopt_unchanged_add_sql, error);
  int rc;

  *out_adopted = FALSE;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, record->id);
  sqlite3_bind_int64 (stmt, 2, record->version);
  sqlite3_bind_int64 (stmt, 3, snapshot_generation);
  sqlite3_bind_text (stmt, 4, record->uuid, -1, SQLITE_STATIC);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    sqlite3_bind_text (stmt, 5 + i, record->values[i] != NULL ? record->values[i] : "", -1, SQLITE_STATIC);

  /* The uuid names one row at most; it was a local addition, with the
   * same activity and refusal as now. */
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      note_adopted (self, stmt, 0);
      *out_adopted = TRUE;
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}

/* One echo that the bulk adoption may take. */
typedef struct
{
  gint64 local_id;
  gint64 local_seq;
  gint64 id;
  gint64 version;
  guint  index;      /* of its record in the response */
} SentAdd;

/* By local_id, then by the record's place in the response. */
static gint
compare_local_id (gconstpointer a,
                  gconstpointer b)
{
  const SentAdd *sa = a, *sb = b;

  if (sa->local_id != sb->local_id)
    return (sa->local_id > sb->local_id) - (sa->local_id < sb->local_id);
  return (sa->index > sb->index) - (sa->index < sb->index);
}

/* Sorts @adds by local_id and keeps, of a row the response answers more
 * than once, its first record. */
static void
sort_unique (GArray *adds)
{
  guint kept = 0;

  g_array_sort (adds, compare_local_id);
  for (guint i = 0; i < adds->len; i++)
    if (kept == 0 || g_array_index (adds, SentAdd, i).local_id !=
                     g_array_index (adds, SentAdd, kept - 1).local_id)
      g_array_index (adds, SentAdd, kept++) = g_array_index (adds, SentAdd, i);
  g_array_set_size (adds, kept);
}

/* The entry of @adds (sorted and unique) for @local_id; NULL when none. */
static const SentAdd *
find_add (GArray *adds,
          gint64  local_id)
{
  guint low = 0, high = adds->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      const SentAdd *add = &g_array_index (adds, SentAdd, middle);

      if (add->local_id == local_id)
        return add;
      if (add->local_id < local_id)
        low = middle + 1;
      else
        high = middle;
    }

  return NULL;
}

/* Notes that one statement took every row of @adds: each was an active,
 * unrefused local addition (the statements require it), now the
 * server's. */
static void
note_all_adopted (CompaniesLocalStore *self,
                  GArray              *adds,
                  gboolean            *adopted)
{
  for (guint i = 0; i < adds->len; i++)
    adopted[g_array_index (adds, SentAdd, i).index] = TRUE;
  companies_store_counts_note (self, companies_store_counts_class (FALSE, TRUE, TRUE, FALSE),
                               companies_store_counts_class (TRUE, FALSE, TRUE, FALSE), adds->len);
}

/* Whether @b continues the run that @a ends. */
static gboolean
continues_run (const SentAdd *a,
               const SentAdd *b)
{
  return b->local_id == a->local_id + 1 && b->local_seq == a->local_seq + 1 &&
         b->id == a->id + 1 && b->version == a->version + 1;
}

/* Takes @adds (sorted by local_id) by runs, all or none: *out_taken tells
 * which. None when they make too many runs, when a row holds one of
 * their ids (the record by record path evicts it), or when some row is
 * no longer as the batch read it (the JSON list's statements decide). */
static gboolean
adopt_by_runs (CompaniesLocalStore  *self,
               GArray               *adds,
               gint64                snapshot_generation,
               gboolean             *adopted,
               gboolean             *out_taken,
               GError              **error)
{
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 changed = 0;

  *out_taken = FALSE;
  for (guint i = 0; i < adds->len; i++)
    if (i == 0 || !continues_run (&g_array_index (adds, SentAdd, i - 1), &g_array_index (adds, SentAdd, i)))
      {
        if (starts->len == MAX_RUNS)
          return TRUE;
        g_array_append_val (starts, i);
      }

  if (!companies_local_store_savepoint (self, error))
    return FALSE;
  for (guint r = 0; r < starts->len; r++)
    {
      guint first = g_array_index (starts, guint, r);
      guint last = r + 1 < starts->len ? g_array_index (starts, guint, r + 1) - 1 : adds->len - 1;
      const SentAdd *head = &g_array_index (adds, SentAdd, first);
      const SentAdd *tail = &g_array_index (adds, SentAdd, last);
      g_autoptr(CompaniesStmt) held = companies_local_store_prepare (self, any_id_in_run_sql, error);
      g_autoptr(CompaniesStmt) stmt = NULL;
      int rc;

      if (held == NULL)
        return FALSE;
      sqlite3_bind_int64 (held, 1, head->id);
      sqlite3_bind_int64 (held, 2, tail->id);
      rc = sqlite3_step (held);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return companies_local_store_set_error (self, rc, error);
      if (rc == SQLITE_ROW)
        break;

      stmt = companies_local_store_prepare (self, adopt_run_sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, head->local_id);
      sqlite3_bind_int64 (stmt, 2, tail->local_id);
      sqlite3_bind_int64 (stmt, 3, head->local_seq - head->local_id);
      sqlite3_bind_int64 (stmt, 4, head->id - head->local_id);
      sqlite3_bind_int64 (stmt, 5, head->version - head->local_id);
      sqlite3_bind_int64 (stmt, 6, snapshot_generation);
      if (!companies_local_store_step_done (self, stmt, error))
        return FALSE;
      changed += (guint64) sqlite3_changes (companies_local_store_get_db (self));
    }

  /* Each local_id of a run is one row of the list: as many rows changed
   * as listed means every one was as the batch read it. */
  *out_taken = changed == adds->len;
  if (!companies_local_store_savepoint_end (self, *out_taken, error))
    return FALSE;
  if (*out_taken)
    note_all_adopted (self, adds, adopted);
  return TRUE;
}

/* @sql, an adoption over the JSON list @list, prepared and bound. */
static CompaniesStmt *
prepare_listed (CompaniesLocalStore  *self,
                const char           *sql,
                const GString        *list,
                gint64                snapshot_generation,
                GError              **error)
{
  CompaniesStmt *stmt = companies_local_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, list->str, (int) list->len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, snapshot_generation);
  return stmt;
}

gboolean
companies_local_store_adopt_sent_adds (CompaniesLocalStore          *self,
                                       const CompaniesPushBatch     *batch,
                                       const CompaniesSyncResponse  *response,
                                       gint64                        snapshot_generation,
                                       gboolean                     *adopted,
                                       GError                      **error)
{
  g_autoptr(GString) list = NULL;
  g_autoptr(GArray) adds = NULL;
  g_autoptr(CompaniesStmt) stmt = NULL;
  gboolean taken = FALSE;
  int rc;

  if (batch == NULL || response->companies == NULL || response->companies->len < 2)
    return TRUE;

  adds = g_array_sized_new (FALSE, FALSE, sizeof (SentAdd), response->companies->len);
  for (guint i = 0; i < response->companies->len; i++)
    {
      const CompaniesRecord *record = g_ptr_array_index (response->companies, i);
      const CompaniesPushedRecord *pushed;

      if (record->uuid == NULL || record->id <= 0)
        continue;
      pushed = g_hash_table_lookup (batch->pushed, record->uuid);
      if (pushed == NULL || pushed->kind != COMPANIES_CHANGE_ADD || pushed->local_id <= 0 ||
          !holds_values_sent (record, pushed))
        continue;

      g_array_append_vals (adds, &(SentAdd) { pushed->local_id, pushed->local_seq, record->id,
                                              record->version, i }, 1);
    }
  sort_unique (adds);
  if (adds->len < 2)
    return TRUE;

  if (!adopt_by_runs (self, adds, snapshot_generation, adopted, &taken, error))
    return FALSE;
  if (taken)
    return TRUE;

  list = g_string_sized_new (adds->len * 40);
  g_string_append_c (list, '[');
  for (guint i = 0; i < adds->len; i++)
    {
      const SentAdd *add = &g_array_index (adds, SentAdd, i);

      g_string_append_printf (list, "%s[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                              ",%" G_GINT64_FORMAT "]", i > 0 ? "," : "",
                              add->local_id, add->local_seq, add->id, add->version);
    }
  g_string_append_c (list, ']');

  stmt = companies_local_store_prepare (self, any_id_held_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, list->str, (int) list->len, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  g_clear_pointer (&stmt, companies_stmt_release);

  /* Every row listed at once, or none: a savepoint takes back a partial
   * run, and the statement that reads each row back decides. */
  if (!companies_local_store_savepoint (self, error))
    return FALSE;
  stmt = prepare_listed (self, adopt_listed_adds_sql, list, snapshot_generation, error);
  if (stmt == NULL || !companies_local_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, companies_stmt_release);
  taken = (guint) sqlite3_changes (companies_local_store_get_db (self)) == adds->len;
  if (!companies_local_store_savepoint_end (self, taken, error))
    return FALSE;
  if (taken)
    {
      note_all_adopted (self, adds, adopted);
      return TRUE;
    }

  stmt = prepare_listed (self, adopt_sent_adds_sql, list, snapshot_generation, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const SentAdd *add = find_add (adds, sqlite3_column_int64 (stmt, 0));

      g_assert (add != NULL);
      adopted[add->index] = TRUE;
      note_adopted (self, stmt, 1);
    }
  if (rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  return TRUE;
}
