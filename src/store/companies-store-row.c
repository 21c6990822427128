/* companies-store-row.c: CompaniesStoreRow, one row of the companies
 * table as the store's write paths handle it: loaded, bound, saved and
 * removed (see companies-store-row.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-fold.h"
#include "companies-sent-spans.h"
#include "companies-store-counts.h"
#include "companies-store-row.h"

#define ROW_COLUMNS \
  "local_id, uuid, id, version, base_version, is_from_server, is_modified, is_active," \
  " changed_fields, local_seq, snapshot_seen, rejection_code, rejection_field," \
  " rejection_message, name, address, city, postal_code, country, phone, email," \
  " website, notes, add_sent, sent_changed"
#define ROW_FIRST_VALUE 14
#define ROW_ADD_SENT    (ROW_FIRST_VALUE + COMPANIES_N_FIELDS)

static const char row_by_uuid_sql[] = "SELECT " ROW_COLUMNS " FROM companies WHERE uuid = ?1";
static const char row_by_id_sql[] = "SELECT " ROW_COLUMNS " FROM companies WHERE id = ?1";
static const char row_insert_sql[] =
  "INSERT INTO companies (uuid, id, version, base_version, is_from_server, is_modified,"
  " is_active, changed_fields, local_seq, snapshot_seen, rejection_code, rejection_field,"
  " rejection_message, name, address, city, postal_code, country, phone, email, website,"
  " notes, add_sent, sent_changed, " COMPANIES_STORE_ROW_KEY_COLUMNS ") VALUES (?1, ?2, ?3,"
  " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
  " ?22, ?23, ?24, ?26, ?27, ?28, ?29, ?30, ?31)";
/* Never the uuid (it never changes, and leaving it out spares its index;
 * ?1 is bound but unused). */
static const char row_update_sql[] =
  "UPDATE companies SET id = ?2, version = ?3, base_version = ?4,"
  " is_from_server = ?5, is_modified = ?6, is_active = ?7, changed_fields = ?8,"
  " local_seq = ?9, snapshot_seen = ?10, rejection_code = ?11, rejection_field = ?12,"
  " rejection_message = ?13, name = ?14, address = ?15, city = ?16, postal_code = ?17,"
  " country = ?18, phone = ?19, email = ?20, website = ?21, notes = ?22,"
  " add_sent = ?23, sent_changed = ?24, search_text = ?26, name_key = ?27,"
  " city_key = ?28, country_key = ?29, email_key = ?30, phone_key = ?31"
  " WHERE local_id = ?25";
/* row_update_sql's SET, column by column with its parameter: a stored
 * row's save sets only the columns that changed, since SQLite rewrites
 * the entries of every index that holds a column set, same value or not
 * (14 indexes; an incremental sync's apply wrote 2.7 times the pages). */
static const struct
{
  const char *name;
  int         param;
} update_columns[] = {
  { "id", 2 }, { "version", 3 }, { "base_version", 4 }, { "is_from_server", 5 },
  { "is_modified", 6 }, { "is_active", 7 }, { "changed_fields", 8 }, { "local_seq", 9 },
  { "snapshot_seen", 10 }, { "rejection_code", 11 }, { "rejection_field", 12 },
  { "rejection_message", 13 },
  { "name", 14 }, { "address", 15 }, { "city", 16 }, { "postal_code", 17 }, { "country", 18 },
  { "phone", 19 }, { "email", 20 }, { "website", 21 }, { "notes", 22 },
  { "add_sent", 23 }, { "sent_changed", 24 },
  { "search_text", 26 }, { "name_key", 27 }, { "city_key", 28 }, { "country_key", 29 },
  { "email_key", 30 }, { "phone_key", 31 },
};
#define COLUMN_FIRST_VALUE  12
#define COLUMN_ADD_SENT     (COLUMN_FIRST_VALUE + COMPANIES_N_FIELDS)
#define COLUMN_SEARCH_TEXT  (COLUMN_ADD_SENT + 2)
#define COLUMN_FIRST_KEY    (COLUMN_SEARCH_TEXT + 1)
#define COLUMN_BIT(column)  (1u << (column))
#define KEY_COLUMNS         (((1u << (COMPANIES_N_LISTED_FIELDS + 1)) - 1) << COLUMN_SEARCH_TEXT)
G_STATIC_ASSERT (G_N_ELEMENTS (update_columns) == COLUMN_FIRST_KEY + COMPANIES_N_LISTED_FIELDS);
static const char row_delete_sql[] =
  "DELETE FROM companies WHERE local_id = ?1 RETURNING " COMPANIES_COUNTS_COLUMNS;

CompaniesStoreRow *
companies_store_row_new (void)
{
  CompaniesStoreRow *row = g_new0 (CompaniesStoreRow, 1);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    row->values[i] = g_strdup ("");
  row->is_active = TRUE;

  return row;
}

void
companies_store_row_free (CompaniesStoreRow *row)
{
  if (row == NULL)
    return;

  g_free (row->uuid);
  g_free (row->rejection_code);
  g_free (row->rejection_field);
  g_free (row->rejection_message);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (row->values[i]);
  companies_store_row_free (row->stored);
  g_free (row);
}

static CompaniesStoreRow *
row_copy (const CompaniesStoreRow *row)
{
  CompaniesStoreRow *copy = g_memdup2 (row, sizeof *row);

  copy->uuid = g_strdup (row->uuid);
  copy->rejection_code = g_strdup (row->rejection_code);
  copy->rejection_field = g_strdup (row->rejection_field);
  copy->rejection_message = g_strdup (row->rejection_message);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    copy->values[i] = g_strdup (row->values[i]);
  copy->stored = NULL;

  return copy;
}

void
companies_store_row_set_rejection (CompaniesStoreRow *row,
                                   const char        *code,
                                   const char        *field,
                                   const char        *message)
{
  g_free (row->rejection_code);
  g_free (row->rejection_field);
  g_free (row->rejection_message);
  row->rejection_code = g_strdup (code);
  row->rejection_field = code != NULL ? g_strdup (field) : NULL;
  row->rejection_message = code != NULL ? g_strdup (message) : NULL;
}

CompaniesCompany *
companies_store_row_to_company (const CompaniesStoreRow *row)
{
  CompaniesCompany *company = companies_company_new ();

  companies_company_set_uuid (company, row->uuid);
  companies_company_set_id (company, row->id);
  companies_company_set_version (company, row->version);
  companies_company_set_is_from_server (company, row->is_from_server);
  companies_company_set_is_modified (company, row->is_modified);
  companies_company_set_is_active (company, row->is_active);
  companies_company_set_changed_fields (company, row->changed_fields);
  if (row->rejection_code != NULL)
    companies_company_set_rejection (company, row->rejection_code,
                                     row->rejection_field, row->rejection_message);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    companies_company_set_field (company, i, row->values[i]);

  return company;
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

gboolean
companies_local_store_load_row (CompaniesLocalStore *self,
                                const char          *uuid,
                                gint64               id,
                                CompaniesStoreRow  **out_row,
                                GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  g_autoptr(CompaniesStoreRow) row = NULL;
  gboolean held = FALSE;
  int rc;

  *out_row = NULL;

  stmt = companies_local_store_prepare (self, uuid != NULL ? row_by_uuid_sql : row_by_id_sql, error);
  if (stmt == NULL)
    return FALSE;

  if (uuid != NULL)
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return companies_local_store_set_error (self, rc, error);

  row = g_new0 (CompaniesStoreRow, 1);
  row->local_id = sqlite3_column_int64 (stmt, 0);
  row->uuid = dup_column (stmt, 1);
  row->id = sqlite3_column_int64 (stmt, 2);
  row->version = sqlite3_column_int64 (stmt, 3);
  row->base_version = sqlite3_column_int64 (stmt, 4);
  row->is_from_server = sqlite3_column_int (stmt, 5) != 0;
  row->is_modified = sqlite3_column_int (stmt, 6) != 0;
  row->is_active = sqlite3_column_int (stmt, 7) != 0;
  row->add_sent = sqlite3_column_int (stmt, ROW_ADD_SENT) != 0;
  row->sent_changed = (guint) sqlite3_column_int64 (stmt, ROW_ADD_SENT + 1) & COMPANIES_ALL_FIELDS;
  row->changed_fields = (guint) sqlite3_column_int64 (stmt, 8) & COMPANIES_ALL_FIELDS;
  row->local_seq = sqlite3_column_int64 (stmt, 9);
  row->snapshot_seen = sqlite3_column_int64 (stmt, 10);
  row->rejection_code = dup_column (stmt, 11);
  row->rejection_field = dup_column (stmt, 12);
  row->rejection_message = dup_column (stmt, 13);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      row->values[i] = dup_column (stmt, ROW_FIRST_VALUE + i);
      if (row->values[i] == NULL)
        row->values[i] = g_strdup ("");
    }
  row->stored = row_copy (row);
  g_clear_pointer (&stmt, companies_stmt_release);

  /* A pending addition of a batch's span is marked sent by the span; the
   * stored copy keeps the column, so that a save writes the mark into
   * the row before the span goes (companies-sent-spans.h). */
  if (!row->add_sent && !row->is_from_server && row->is_active &&
      !companies_sent_spans_hold (self, row->local_seq, &held, error))
    return FALSE;
  if (held)
    {
      row->add_sent = TRUE;
      row->sent_changed = 0;
    }

  *out_row = g_steal_pointer (&row);
  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

void
companies_store_row_bind_state (const CompaniesStoreRow *row,
                                sqlite3_stmt            *stmt,
                                int                      first)
{
  if (row->id > 0)
    sqlite3_bind_int64 (stmt, first, row->id);
  else
    sqlite3_bind_null (stmt, first);
  sqlite3_bind_int64 (stmt, first + 1, row->version);
  sqlite3_bind_int64 (stmt, first + 2, row->base_version);
  sqlite3_bind_int (stmt, first + 3, row->is_from_server ? 1 : 0);
  sqlite3_bind_int (stmt, first + 4, row->is_modified ? 1 : 0);
  sqlite3_bind_int (stmt, first + 5, row->is_active ? 1 : 0);
  sqlite3_bind_int64 (stmt, first + 6, row->changed_fields & COMPANIES_ALL_FIELDS);
  sqlite3_bind_int64 (stmt, first + 7, row->local_seq);
  sqlite3_bind_int64 (stmt, first + 8, row->snapshot_seen);
  bind_text_or_null (stmt, first + 9, row->rejection_code);
  bind_text_or_null (stmt, first + 10, row->rejection_field);
  bind_text_or_null (stmt, first + 11, row->rejection_message);
}

void
companies_store_row_bind_keys (const char * const *values,
                               sqlite3_stmt       *stmt,
                               int                 first)
{
  g_autoptr(GString) text = g_string_new (NULL);

  companies_search_text_append (text, values);
  sqlite3_bind_text (stmt, first, text->str, (int) text->len, SQLITE_TRANSIENT);

  for (guint i = 0; i < COMPANIES_N_LISTED_FIELDS; i++)
    {
      gsize length;

      g_string_truncate (text, 0);
      length = companies_sort_key_append (text, values[companies_listed_fields[i]]);
      sqlite3_bind_blob (stmt, first + 1 + i, text->str, (int) length, SQLITE_TRANSIENT);
    }
}

#define DIFFERS(a, b) (!(a) != !(b))

/* The columns of update_columns whose value @row changes from @stored. */
static guint32
changed_columns (const CompaniesStoreRow *row,
                 const CompaniesStoreRow *stored)
{
  const gboolean differs[COLUMN_FIRST_VALUE] = {
    row->id != stored->id, row->version != stored->version,
    row->base_version != stored->base_version,
    DIFFERS (row->is_from_server, stored->is_from_server),
    DIFFERS (row->is_modified, stored->is_modified),
    DIFFERS (row->is_active, stored->is_active),
    ((row->changed_fields ^ stored->changed_fields) & COMPANIES_ALL_FIELDS) != 0,
    row->local_seq != stored->local_seq, row->snapshot_seen != stored->snapshot_seen,
    g_strcmp0 (row->rejection_code, stored->rejection_code) != 0,
    g_strcmp0 (row->rejection_field, stored->rejection_field) != 0,
    g_strcmp0 (row->rejection_message, stored->rejection_message) != 0,
  };
  guint32 columns = 0;

  for (guint i = 0; i < COLUMN_FIRST_VALUE; i++)
    if (differs[i])
      columns |= COLUMN_BIT (i);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if (g_strcmp0 (row->values[i], stored->values[i]) != 0)
      columns |= COLUMN_BIT (COLUMN_FIRST_VALUE + i) | COLUMN_BIT (COLUMN_SEARCH_TEXT);
  if (DIFFERS (row->add_sent, stored->add_sent))
    columns |= COLUMN_BIT (COLUMN_ADD_SENT);
  if (((row->sent_changed ^ stored->sent_changed) & COMPANIES_ALL_FIELDS) != 0)
    columns |= COLUMN_BIT (COLUMN_ADD_SENT + 1);
  for (guint i = 0; i < COMPANIES_N_LISTED_FIELDS; i++)
    if ((columns & COLUMN_BIT (COLUMN_FIRST_VALUE + companies_listed_fields[i])) != 0)
      columns |= COLUMN_BIT (COLUMN_FIRST_KEY + i);

  return columns;
}

/* The UPDATE setting @columns, with row_update_sql's parameters. Made
 * once a mask and kept for the process (a few dozen masks occur: an edit
 * or a received record changes a few columns), at a fixed address: the
 * store's statement cache is keyed by the text's address. */
static const char *
update_sql_for (guint32 columns)
{
  static GMutex lock;
  static GHashTable *by_mask;
  g_autoptr(GString) sql = NULL;
  const char *separator = "";
  const char *text;

  g_mutex_lock (&lock);
  if (by_mask == NULL)
    by_mask = g_hash_table_new (g_direct_hash, g_direct_equal);
  text = g_hash_table_lookup (by_mask, GUINT_TO_POINTER (columns));
  if (text != NULL)
    {
      g_mutex_unlock (&lock);
      return text;
    }

  sql = g_string_new ("UPDATE companies SET ");
  for (guint i = 0; i < G_N_ELEMENTS (update_columns); i++)
    if ((columns & COLUMN_BIT (i)) != 0)
      {
        g_string_append_printf (sql, "%s%s = ?%d", separator, update_columns[i].name,
                                update_columns[i].param);
        separator = ", ";
      }
  g_string_append (sql, " WHERE local_id = ?25");
  text = g_string_free (g_steal_pointer (&sql), FALSE);
  g_hash_table_insert (by_mask, GUINT_TO_POINTER (columns), (gpointer) text);
  g_mutex_unlock (&lock);

  return text;
}

/* Whether @row is in companies_added_idx: a pending local addition. */
static gboolean
is_pending_addition (const CompaniesStoreRow *row)
{
  return row != NULL && !row->is_from_server && row->is_active;
}

gboolean
companies_local_store_save_row (CompaniesLocalStore *self,
                                CompaniesStoreRow   *row,
                                GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = NULL;
  guint32 columns = G_MAXUINT32;
  const char *sql = row_update_sql;

  /* Made a pending addition, not sent: a span that holds its local_seq
   * (it kept the one it had) would mark it sent (companies-sent-spans.h). */
  if (is_pending_addition (row) && !row->add_sent && !is_pending_addition (row->stored) &&
      !companies_sent_spans_settle_holding (self, row->local_seq, error))
    return FALSE;

  if (row->local_id == 0)
    sql = row_insert_sql;
  else if (row->stored != NULL)
    {
      columns = changed_columns (row, row->stored);
      if (columns == 0)
        return TRUE;
      sql = update_sql_for (columns);
    }

  stmt = companies_local_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  /* Every parameter, used or not: SQLite ignores a bind past the last. */
  sqlite3_bind_text (stmt, 1, row->uuid, -1, SQLITE_STATIC);
  companies_store_row_bind_state (row, stmt, 2);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    sqlite3_bind_text (stmt, 14 + i, row->values[i] != NULL ? row->values[i] : "", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 23, row->add_sent ? 1 : 0);
  sqlite3_bind_int64 (stmt, 24, row->sent_changed & COMPANIES_ALL_FIELDS);
  if ((columns & KEY_COLUMNS) != 0)
    companies_store_row_bind_keys ((const char * const *) row->values, stmt, 26);
  if (row->local_id != 0)
    sqlite3_bind_int64 (stmt, 25, row->local_id);

  if (!companies_local_store_step_done (self, stmt, error))
    return FALSE;

  if (row->local_id == 0)
    row->local_id = sqlite3_last_insert_rowid (companies_local_store_get_db (self));

  companies_store_row_note_saved (self, row);
  return TRUE;
}

/* What @row counts in (companies-store-counts.h); 0 for none. */
static guint
row_counts_class (const CompaniesStoreRow *row)
{
  if (row == NULL)
    return 0;

  return companies_store_counts_class (row->is_from_server, row->is_modified,
                                       row->is_active, row->rejection_code != NULL);
}

void
companies_store_row_note_saved (CompaniesLocalStore *self,
                                CompaniesStoreRow   *row)
{
  if (is_pending_addition (row) && !is_pending_addition (row->stored))
    self->additions_reentered++;
  companies_store_counts_note (self, row_counts_class (row->stored), row_counts_class (row), 1);
  companies_store_row_free (row->stored);
  row->stored = row_copy (row);
}

CompaniesStmt *
companies_store_row_prepare_insert (CompaniesLocalStore  *self,
                                    GError              **error)
{
  return companies_local_store_prepare (self, row_insert_sql, error);
}

gboolean
companies_local_store_remove_row (CompaniesLocalStore *self,
                                  gint64               local_id,
                                  GError             **error)
{
  g_autoptr(CompaniesStmt) stmt = companies_local_store_prepare (self, row_delete_sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, local_id);
  return companies_store_counts_step_removal (self, stmt, error);
}
