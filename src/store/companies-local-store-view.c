/* companies-local-store-view.c: the reads of the app's list (see
 * companies-local-store-view.h).
 *
 * Every sortable column has a sort key column and a partial index on it
 * (companies-local-store-schema.c, version 3), so an order is one walk
 * of an index, never a sort. A search walks the covering index of the
 * folded texts (much smaller than the table) once, marks the matching
 * rows in a bitmap, and keeps the rows of the order that are marked: the
 * result comes in the order without sorting it either.
 *
 * A read may send a head ahead of the whole (the rows of a first
 * screenful): the first ids of the order, read before the million after
 * them, or the first matches of a search, found by walking the order and
 * looking at each row's folded text until enough matched. The head is
 * read in the same snapshot, so it is the start of what the read ends
 * with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <string.h>

#include "companies-fold.h"
#include "companies-local-store-private.h"
#include "companies-local-store-view.h"

/* How many rows a walk reads between two looks at its cancellable. */
#define CANCEL_CHECK_ROWS 8192
/* The rows a search's head looks at, at most, before it gives up (each
 * a lookup of one row by its local id). */
#define HEAD_SEARCH_ROWS 8192
/* The rows one statement of companies_local_store_read_listed () reads. */
#define READ_CHUNK 32

#define LISTED "FROM companies WHERE is_active = 1"

/* Per key column: ascending (empty keys, 0xff, come last by themselves),
 * then descending without the empty keys, then the empty keys. Rows of
 * equal keys come in the index's order, by local id (its last column),
 * backwards when descending: asking for that in the ORDER BY would make
 * SQLite sort each run of equal keys again. test-store-list-view.c checks
 * that each of these plans is a walk of a covering index. */
#define FIELD_ORDER(column) { \
  "SELECT local_id " LISTED " ORDER BY " column, \
  "SELECT local_id " LISTED " AND " column " < x'ff' ORDER BY " column " DESC", \
  "SELECT local_id " LISTED " AND " column " >= x'ff' ORDER BY " column }

/* In the order of companies_listed_fields. */
static const char * const field_order_sql[COMPANIES_N_LISTED_FIELDS][3] = {
  FIELD_ORDER ("name_key"),
  FIELD_ORDER ("city_key"),
  FIELD_ORDER ("country_key"),
  FIELD_ORDER ("email_key"),
  FIELD_ORDER ("phone_key"),
};
static const char * const field_key_sql[COMPANIES_N_LISTED_FIELDS] = {
  "SELECT name_key, search_text " LISTED " AND local_id = ?1",
  "SELECT city_key, search_text " LISTED " AND local_id = ?1",
  "SELECT country_key, search_text " LISTED " AND local_id = ?1",
  "SELECT email_key, search_text " LISTED " AND local_id = ?1",
  "SELECT phone_key, search_text " LISTED " AND local_id = ?1",
};
static const char state_order_sql[] =
  "SELECT local_id " LISTED " ORDER BY " COMPANIES_STATE_RANK_SQL ", name_key";
static const char state_order_desc_sql[] =
  "SELECT local_id " LISTED " ORDER BY " COMPANIES_STATE_RANK_SQL " DESC, name_key DESC";
static const char state_key_sql[] =
  "SELECT name_key, search_text, " COMPANIES_STATE_RANK_SQL " " LISTED " AND local_id = ?1";

static const char search_text_sql[] =
  "SELECT search_text " LISTED " AND local_id = ?1";
static const char max_local_id_sql[] = "SELECT max(local_id) FROM companies";
/* LIKE rather than instr (): SQLite's own matcher, about a third faster
 * here. Both sides are folded to lower case already, so its ASCII case
 * folding changes nothing; the pattern escapes its wildcards. */
static const char search_sql[] =
  "SELECT local_id FROM companies INDEXED BY companies_search_idx"
  " WHERE is_active = 1 AND search_text LIKE ?1 ESCAPE '\\'";
/* While the first snapshot into an empty store builds its indexes at
 * its end (companies-local-store-indexes.c): the table itself. */
static const char search_scan_sql[] =
  "SELECT local_id FROM companies WHERE is_active = 1 AND search_text LIKE ?1 ESCAPE '\\'";
static const char search_index_sql[] =
  "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = 'companies_search_idx')";

static const char read_listed_sql[] =
  "SELECT " COMPANIES_LOCAL_STORE_COLUMNS ", local_id " LISTED " AND local_id IN ("
  "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
  "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
  "?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)";
static const char read_listed_rejected_sql[] =
  "SELECT " COMPANIES_LOCAL_STORE_COLUMNS ", local_id FROM companies"
  " WHERE rejection_code IS NOT NULL AND is_active = 1";
static const char read_listed_uuid_sql[] =
  "SELECT " COMPANIES_LOCAL_STORE_COLUMNS ", local_id " LISTED " AND uuid = ?1";

G_STATIC_ASSERT (READ_CHUNK == 32);

static GQuark
local_id_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("companies-list-local-id");
  return quark;
}

gint64
companies_list_company_get_local_id (CompaniesCompany *company)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (company), 0);

  return (gint64) GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (company), local_id_quark ()));
}

static int
field_index (int field)
{
  for (guint i = 0; i < COMPANIES_N_LISTED_FIELDS; i++)
    if ((int) companies_listed_fields[i] == field)
      return (int) i;

  return -1;
}

gboolean
companies_list_sort_is_valid (const CompaniesListSort *sort)
{
  return sort != NULL && (sort->field == COMPANIES_LIST_SORT_BY_STATE || field_index (sort->field) >= 0);
}

static int
compare_bytes (GBytes *a,
               GBytes *b)
{
  gsize length_a, length_b;
  const guint8 *data_a = g_bytes_get_data (a, &length_a);
  const guint8 *data_b = g_bytes_get_data (b, &length_b);
  int result = memcmp (data_a, data_b, MIN (length_a, length_b));

  if (result != 0)
    return result;
  return length_a < length_b ? -1 : length_a > length_b;
}

static gboolean
key_is_empty (GBytes *key)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (key, &length);

  return length > 0 && data[0] == COMPANIES_SORT_KEY_EMPTY;
}

int
companies_list_sort_compare (const CompaniesListSort *sort,
                             GBytes                  *key_a,
                             gint64                   id_a,
                             GBytes                  *key_b,
                             gint64                   id_b)
{
  int result = compare_bytes (key_a, key_b);

  if (result == 0)
    result = id_a < id_b ? -1 : id_a > id_b;

  if (!sort->descending)
    return result;

  /* Empty values stay last, in the ascending order among themselves. */
  if (sort->field != COMPANIES_LIST_SORT_BY_STATE)
    {
      gboolean empty_a = key_is_empty (key_a);
      gboolean empty_b = key_is_empty (key_b);

      if (empty_a || empty_b)
        return empty_a && empty_b ? result : empty_a ? 1 : -1;
    }

  return -result;
}

/* The local id in @stmt's first column, FALSE when it does not fit in
 * a CompaniesListId. */
static gboolean
list_id_from_column (sqlite3_stmt     *stmt,
                     CompaniesListId  *out_id,
                     GError          **error)
{
  gint64 id = sqlite3_column_int64 (stmt, 0);

  if (id <= 0 || id > G_MAXUINT32)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED,
                   "A company’s local id (%" G_GINT64_FORMAT ") is out of the list’s range", id);
      return FALSE;
    }

  *out_id = (CompaniesListId) id;
  return TRUE;
}

/* Appends the local ids @sql returns to @ids, until @ids holds @limit. */
static gboolean
walk_ids (CompaniesLocalStore *self,
          const char          *sql,
          GArray              *ids,
          guint                limit,
          GCancellable        *cancellable,
          GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, sql, error);
  int rc = SQLITE_DONE;

  if (stmt == NULL)
    return FALSE;

  while (ids->len < limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CompaniesListId id;

      if (!list_id_from_column (stmt, &id, error))
        return FALSE;
      g_array_append_val (ids, id);
      if (ids->len % CANCEL_CHECK_ROWS == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return companies_local_store_set_error (self, rc, error);
  return TRUE;
}

/* The ids in @sort's order, the first @limit of them (G_MAXUINT: all). */
static gboolean
read_order (CompaniesLocalStore     *self,
            const CompaniesListSort *sort,
            GArray                  *order,
            guint                    limit,
            GCancellable            *cancellable,
            GError                 **error)
{
  int i = field_index (sort->field);

  if (sort->field == COMPANIES_LIST_SORT_BY_STATE)
    return walk_ids (self, sort->descending ? state_order_desc_sql : state_order_sql,
                     order, limit, cancellable, error);

  if (!sort->descending)
    return walk_ids (self, field_order_sql[i][0], order, limit, cancellable, error);

  return walk_ids (self, field_order_sql[i][1], order, limit, cancellable, error) &&
         walk_ids (self, field_order_sql[i][2], order, limit, cancellable, error);
}

/* Appends to @out the first @limit ids of @order whose row holds
 * @folded, looking at HEAD_SEARCH_ROWS rows at most: one lookup a row,
 * cheap while matches are many (a first keystroke), where a pass over
 * every row's text is not. */
static gboolean
search_head (CompaniesLocalStore *self,
             const char          *folded,
             GArray              *order,
             guint                limit,
             GArray              *out,
             GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, search_text_sql, error);

  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < MIN (order->len, HEAD_SEARCH_ROWS) && out->len < limit; i++)
    {
      CompaniesListId id = g_array_index (order, CompaniesListId, i);
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && strstr ((const char *) sqlite3_column_text (stmt, 0), folded) != NULL)
        g_array_append_val (out, id);
      else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return companies_local_store_set_error (self, rc, error);
    }

  return TRUE;
}

/* The head of what the read of @order (read when empty) and @folded
 * ends with, handed to @head_func when there is one. */
static gboolean
send_head (CompaniesLocalStore     *self,
           const CompaniesListSort *sort,
           const char              *folded,
           GArray                  *order,
           guint                    head_size,
           CompaniesListHeadFunc    head_func,
           gpointer                 head_data,
           GCancellable            *cancellable,
           GError                 **error)
{
  g_autoptr(GArray) head = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));

  if (folded == NULL)
    {
      if (!read_order (self, sort, head, head_size, cancellable, error))
        return FALSE;
      if (head->len > 0)
        head_func (head, head, head_data);
      return TRUE;
    }

  if (!search_head (self, folded, order, head_size, head, error))
    return FALSE;
  if (head->len > 0)
    head_func (order, head, head_data);
  return TRUE;
}

/* Keeps in @out_visible the ids of @order whose row holds @folded. */
static gboolean
search (CompaniesLocalStore *self,
        const char          *folded,
        GArray              *order,
        GArray              *out_visible,
        GCancellable        *cancellable,
        GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  g_autoptr(GString) pattern = g_string_new (NULL);
  g_autofree guint8 *marks = NULL;
  gint64 max_id = 0;
  gint64 has_index = 0;
  guint n_seen = 0;
  int rc;

  if (!companies_local_store_query_int (self, max_local_id_sql, &max_id, error))
    return FALSE;
  marks = g_malloc0 ((gsize) max_id / 8 + 1);

  /* In the caller's read transaction: the index is there or not for
   * the whole search. */
  if (!companies_local_store_query_int (self, search_index_sql, &has_index, error))
    return FALSE;
  stmt = companies_local_store_prepare (self, has_index ? search_sql : search_scan_sql, error);
  if (stmt == NULL)
    return FALSE;

  g_string_append_c (pattern, '%');
  for (const char *p = folded; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  sqlite3_bind_text (stmt, 1, pattern->str, (int) pattern->len, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (id > 0 && id <= max_id)
        marks[id / 8] |= 1u << (id % 8);
      if (++n_seen % CANCEL_CHECK_ROWS == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  for (guint i = 0; i < order->len; i++)
    {
      CompaniesListId id = g_array_index (order, CompaniesListId, i);

      if (id > 0 && id <= max_id && (marks[id / 8] & (1u << (id % 8))) != 0)
        g_array_append_val (out_visible, id);
    }

  return TRUE;
}

gboolean
companies_local_store_read_list (CompaniesLocalStore     *self,
                                 const CompaniesListSort *sort,
                                 const char              *folded,
                                 GArray                  *order,
                                 GArray                  *out_visible,
                                 GCancellable            *cancellable,
                                 GError                 **error)
{
  return companies_local_store_read_list_with_head (self, sort, folded, order, out_visible,
                                                    0, NULL, NULL, cancellable, error);
}

gboolean
companies_local_store_read_list_with_head (CompaniesLocalStore     *self,
                                           const CompaniesListSort *sort,
                                           const char              *folded,
                                           GArray                  *order,
                                           GArray                  *out_visible,
                                           guint                    head_size,
                                           CompaniesListHeadFunc    head_func,
                                           gpointer                 head_data,
                                           GCancellable            *cancellable,
                                           GError                 **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (companies_list_sort_is_valid (sort), FALSE);
  g_return_val_if_fail (order != NULL && out_visible != NULL, FALSE);

  if (folded != NULL && *folded == '\0')
    folded = NULL;
  g_return_val_if_fail (out_visible != order || folded == NULL, FALSE);

  if (!companies_local_store_begin (self, FALSE, error))
    return FALSE;

  /* Without a search, the head is the order's first rows, read before
   * the rest; with one, the first matches in the order read. */
  if (head_func != NULL && head_size > 0 && folded == NULL && order->len == 0)
    ok = send_head (self, sort, NULL, order, head_size, head_func, head_data, cancellable, error);
  ok = ok && (order->len > 0 || read_order (self, sort, order, G_MAXUINT, cancellable, error));
  if (ok && head_func != NULL && head_size > 0 && folded != NULL)
    ok = send_head (self, sort, folded, order, head_size, head_func, head_data, cancellable, error);
  if (ok && folded == NULL)
    {
      if (out_visible != order)
        g_array_append_vals (out_visible, order->data, order->len);
    }
  else if (ok)
    ok = search (self, folded, order, out_visible, cancellable, error);

  if (ok)
    return companies_local_store_commit (self, error);

  companies_local_store_rollback (self);
  return FALSE;
}

static CompaniesCompany *
listed_from_row (sqlite3_stmt *stmt)
{
  CompaniesCompany *company = companies_local_store_company_from_row (stmt);

  g_object_set_qdata (G_OBJECT (company), local_id_quark (),
                      GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, COMPANIES_LOCAL_STORE_N_COLUMNS)));
  return company;
}

gboolean
companies_local_store_read_listed (CompaniesLocalStore  *self,
                                   const gint64         *ids,
                                   guint                 n_ids,
                                   CompaniesCompany    **out_companies,
                                   GError              **error)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);

  if (n_ids == 0)
    return TRUE;
  memset (out_companies, 0, n_ids * sizeof (CompaniesCompany *));

  for (guint start = 0; start < n_ids; start += READ_CHUNK)
    {
      g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, read_listed_sql, error);
      guint n = MIN (READ_CHUNK, n_ids - start);
      int rc;

      if (stmt == NULL)
        return FALSE;

      for (guint i = 0; i < READ_CHUNK; i++)
        sqlite3_bind_int64 (stmt, (int) i + 1, ids[start + MIN (i, n - 1)]);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, COMPANIES_LOCAL_STORE_N_COLUMNS);

          for (guint i = start; i < start + n; i++)
            if (ids[i] == id && out_companies[i] == NULL)
              out_companies[i] = listed_from_row (stmt);
        }
      if (rc != SQLITE_DONE)
        {
          for (guint i = 0; i < n_ids; i++)
            g_clear_object (&out_companies[i]);
          return companies_local_store_set_error (self, rc, error);
        }
    }

  return TRUE;
}

CompaniesCompany *
companies_local_store_read_listed_uuid (CompaniesLocalStore  *self,
                                        const char           *uuid,
                                        GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);

  stmt = companies_local_store_prepare (self, read_listed_uuid_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return listed_from_row (stmt);
  if (rc != SQLITE_DONE)
    companies_local_store_set_error (self, rc, error);
  return NULL;
}

GPtrArray *
companies_local_store_read_listed_rejected (CompaniesLocalStore  *self,
                                            GError              **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);

  stmt = companies_local_store_prepare (self, read_listed_rejected_sql, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rejected, listed_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      companies_local_store_set_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&rejected);
}

gboolean
companies_local_store_read_list_key (CompaniesLocalStore     *self,
                                     const CompaniesListSort *sort,
                                     gint64                   local_id,
                                     const char              *folded,
                                     GBytes                 **out_key,
                                     gboolean                *out_matches,
                                     GError                 **error)
{
  gboolean by_state = sort->field == COMPANIES_LIST_SORT_BY_STATE;
  g_autoptr(CompaniesStmt) stmt = NULL;
  GByteArray *key;
  int rc;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), FALSE);
  g_return_val_if_fail (companies_list_sort_is_valid (sort), FALSE);

  *out_key = NULL;
  *out_matches = FALSE;

  stmt = companies_local_store_prepare (self, by_state ? state_key_sql : field_key_sql[field_index (sort->field)],
                                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE ? FALSE : companies_local_store_set_error (self, rc, error);

  key = g_byte_array_new ();
  if (by_state)
    {
      guint8 rank = (guint8) sqlite3_column_int (stmt, 2);

      g_byte_array_append (key, &rank, 1);
    }
  g_byte_array_append (key, sqlite3_column_blob (stmt, 0), (guint) sqlite3_column_bytes (stmt, 0));
  *out_key = g_byte_array_free_to_bytes (key);
  *out_matches = folded == NULL || *folded == '\0' ||
                 strstr ((const char *) sqlite3_column_text (stmt, 1), folded) != NULL;
  return TRUE;
}

