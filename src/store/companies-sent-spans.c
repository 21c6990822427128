/* companies-sent-spans.c: the add_sent mark of a batch's first sends as
 * one span of local_seq (see companies-sent-spans.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-sent-spans.h"

static const char create_sql[] =
  "CREATE TABLE IF NOT EXISTS sent_spans ("
  "  span_id INTEGER PRIMARY KEY,"
  "  lo INTEGER NOT NULL,"
  "  hi INTEGER NOT NULL,"
  "  CHECK (lo <= hi)"
  ");";

static const char insert_sql[] = "INSERT INTO sent_spans (lo, hi) VALUES (?1, ?2)";
static const char by_id_sql[] = "SELECT lo, hi FROM sent_spans WHERE span_id = ?1";
static const char delete_sql[] = "DELETE FROM sent_spans WHERE span_id = ?1";
static const char holding_sql[] =
  "SELECT span_id, lo, hi FROM sent_spans WHERE ?1 BETWEEN lo AND hi";
static const char all_sql[] = "SELECT span_id, lo, hi FROM sent_spans";
static const char any_sql[] = "SELECT EXISTS (SELECT 1 FROM sent_spans)";
/* The span's mark written into the rows it still holds: the push's
 * partial index (companies_added_idx) finds them. Once the batch is
 * adopted, none. */
static const char write_marks_sql[] =
  "UPDATE companies SET add_sent = 1, sent_changed = 0"
  " WHERE is_from_server = 0 AND is_active = 1 AND add_sent = 0"
  " AND local_seq BETWEEN ?1 AND ?2";

gboolean
companies_sent_spans_create (CompaniesLocalStore  *self,
                             GError              **error)
{
  return companies_local_store_exec (self, create_sql, error);
}

/* Runs @sql, which takes a span's bounds as ?1 and ?2 and returns no row. */
static gboolean
step_on_span (CompaniesLocalStore  *self,
              const char           *sql,
              gint64                lo,
              gint64                hi,
              GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, lo);
  sqlite3_bind_int64 (stmt, 2, hi);
  return companies_local_store_step_done (self, stmt, error);
}

gboolean
companies_sent_spans_mark (CompaniesLocalStore  *self,
                           gint64                lo,
                           gint64                hi,
                           gint64               *out_span_id,
                           GError              **error)
{
  g_return_val_if_fail (lo <= hi, FALSE);

  if (!step_on_span (self, insert_sql, lo, hi, error))
    return FALSE;

  *out_span_id = sqlite3_last_insert_rowid (companies_local_store_get_db (self));
  return TRUE;
}

/* Removes the span @span_id, writing its mark into the rows it holds
 * first when @keep_marks. */
static gboolean
end_span (CompaniesLocalStore  *self,
          gint64                span_id,
          gboolean              keep_marks,
          GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  gint64 lo, hi;
  int rc;

  if (span_id <= 0)
    return TRUE;

  stmt = companies_local_store_prepare (self, by_id_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, span_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return companies_local_store_set_error (self, rc, error);
  lo = sqlite3_column_int64 (stmt, 0);
  hi = sqlite3_column_int64 (stmt, 1);
  g_clear_pointer (&stmt, companies_stmt_release);

  if (keep_marks && !step_on_span (self, write_marks_sql, lo, hi, error))
    return FALSE;

  stmt = companies_local_store_prepare (self, delete_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, span_id);
  return companies_local_store_step_done (self, stmt, error);
}

gboolean
companies_sent_spans_settle (CompaniesLocalStore  *self,
                             gint64                span_id,
                             GError              **error)
{
  return end_span (self, span_id, TRUE, error);
}

gboolean
companies_sent_spans_release (CompaniesLocalStore  *self,
                              gint64                span_id,
                              GError              **error)
{
  return end_span (self, span_id, FALSE, error);
}

/* The spans @sql reads (span_id, lo, hi), @local_seq bound to ?1 when it
 * has one. */
static GArray *
read_spans (CompaniesLocalStore  *self,
            const char           *sql,
            gint64                local_seq,
            GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, sql, error);
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (CompaniesSentSpan));
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, local_seq);  /* past the last: ignored */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CompaniesSentSpan span = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2)
      };

      g_array_append_val (spans, span);
    }
  if (rc != SQLITE_DONE)
    {
      companies_local_store_set_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&spans);
}

/* Settles the spans @sql reads (see read_spans ()). */
static gboolean
settle_read (CompaniesLocalStore  *self,
             const char           *sql,
             gint64                local_seq,
             GError              **error)
{
  g_autoptr(GArray) spans = read_spans (self, sql, local_seq, error);

  if (spans == NULL)
    return FALSE;
  for (guint i = 0; i < spans->len; i++)
    if (!end_span (self, g_array_index (spans, CompaniesSentSpan, i).span_id, TRUE, error))
      return FALSE;

  return TRUE;
}

gboolean
companies_sent_spans_settle_holding (CompaniesLocalStore  *self,
                                     gint64                local_seq,
                                     GError              **error)
{
  return settle_read (self, holding_sql, local_seq, error);
}

gboolean
companies_sent_spans_settle_all (CompaniesLocalStore  *self,
                                 GError              **error)
{
  gint64 any = 0;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);

  /* Most runs: one read, no write transaction. */
  if (!companies_local_store_query_int (self, any_sql, &any, error))
    return FALSE;
  if (!any)
    return TRUE;

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;
  if (!settle_read (self, all_sql, 0, error))
    {
      companies_local_store_rollback (self);
      return FALSE;
    }

  return companies_local_store_commit (self, error);
}

gboolean
companies_sent_spans_hold (CompaniesLocalStore  *self,
                           gint64                local_seq,
                           gboolean             *out_held,
                           GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, holding_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_seq);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  *out_held = rc == SQLITE_ROW;
  return TRUE;
}

GArray *
companies_sent_spans_read (CompaniesLocalStore  *self,
                           GError              **error)
{
  return read_spans (self, all_sql, 0, error);
}

gboolean
companies_sent_spans_array_holds (const GArray *spans,
                                  gint64        local_seq)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const CompaniesSentSpan *span = &g_array_index (spans, CompaniesSentSpan, i);

      if (local_seq >= span->lo && local_seq <= span->hi)
        return TRUE;
    }

  return FALSE;
}
