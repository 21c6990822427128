/* companies-local-store-schema.c: the schema of the local store's file
 * and its migrations, one function a version, run in one write
 * transaction when the file is opened.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-local-store-private.h"
#include "companies-local-store-schema.h"
#include "companies-sent-spans.h"
#include "companies-store-counts.h"
#include "companies-store-row.h"
#include "companies-local-store-notices-private.h"

/* Version 1: the pattern's LocalCompany plus docs/protocol.md section 2. */
static const char migration_v1_sql[] =
  "CREATE TABLE companies ("
  "  local_id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  id INTEGER UNIQUE,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  base_version INTEGER NOT NULL DEFAULT 0,"
  "  is_from_server INTEGER NOT NULL DEFAULT 0 CHECK (is_from_server IN (0, 1)),"
  "  is_modified INTEGER NOT NULL DEFAULT 0 CHECK (is_modified IN (0, 1)),"
  "  is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),"
  "  changed_fields INTEGER NOT NULL DEFAULT 0,"
  "  local_seq INTEGER NOT NULL DEFAULT 0,"
  "  rejection_code TEXT,"
  "  rejection_field TEXT,"
  "  rejection_message TEXT,"
  "  snapshot_seen INTEGER NOT NULL DEFAULT 0,"
  "  name TEXT NOT NULL DEFAULT '',"
  "  address TEXT NOT NULL DEFAULT '',"
  "  city TEXT NOT NULL DEFAULT '',"
  "  postal_code TEXT NOT NULL DEFAULT '',"
  "  country TEXT NOT NULL DEFAULT '',"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  email TEXT NOT NULL DEFAULT '',"
  "  website TEXT NOT NULL DEFAULT '',"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  CHECK ((id IS NOT NULL) = (is_from_server = 1))"
  ");"
  "CREATE INDEX companies_name_idx ON companies (name COLLATE NOCASE);"
  /* The pattern's three filters, as partial indexes: the push, the status
   * counts and the list_* reads walk only the pending rows. */
  "CREATE INDEX companies_added_idx ON companies (local_seq)"
  "  WHERE is_from_server = 0 AND is_active = 1;"
  "CREATE INDEX companies_updated_idx ON companies (local_seq)"
  "  WHERE is_modified = 1 AND is_from_server = 1 AND is_active = 1;"
  "CREATE INDEX companies_deleted_idx ON companies (local_seq)"
  "  WHERE is_active = 0 AND is_from_server = 1;"
  "CREATE INDEX companies_rejected_idx ON companies (rejection_code)"
  "  WHERE rejection_code IS NOT NULL;"
  "CREATE INDEX companies_inactive_idx ON companies (is_active)"
  "  WHERE is_active = 0;"
  "CREATE INDEX companies_seen_idx ON companies (snapshot_seen)"
  "  WHERE snapshot_seen = 1;"
  "CREATE TABLE sync_state ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value"
  ") WITHOUT ROWID;"
  "CREATE TABLE overwritten ("
  "  notice_id INTEGER PRIMARY KEY,"
  "  uuid TEXT,"
  "  id INTEGER NOT NULL,"
  "  company_name TEXT NOT NULL DEFAULT '',"
  "  field TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  received_time INTEGER NOT NULL"
  ");";

/* Version 2: add_sent and sent_changed (see CompaniesStoreRow in
 * companies-store-row.h). A file of version 1 cannot tell
 * whether a pending addition was already sent (its response lost): each
 * one is taken as sent, with every field changed since. That is the side
 * that loses no local edit: after the retried push, a field whose local
 * value differs from the server's stays pending and goes out as an
 * update; an addition that never reached the server is created with the
 * current values, and then nothing stays pending. */
static const char migration_v2_sql[] =
  "ALTER TABLE companies ADD COLUMN add_sent INTEGER NOT NULL DEFAULT 0"
  "  CHECK (add_sent IN (0, 1));"
  "ALTER TABLE companies ADD COLUMN sent_changed INTEGER NOT NULL DEFAULT 0;"
  "UPDATE companies SET add_sent = 1, sent_changed = changed_fields"
  "  WHERE is_from_server = 0;";

/* Version 3: what the app's list searches and sorts by (see
 * companies-fold.h), derived from the values by the write paths
 * (companies_store_row_bind_keys ()), and the indexes that read the list
 * in any column's order, or the sync state's, without sorting it. The
 * sort keys are blobs: memcmp () order, and an empty value's key (0xff)
 * after every other. Each index ends with is_active, so that the list's
 * reads (which name it) find all they need in the index; rows of equal
 * keys come in rowid order, the index's last column. */
static const char migration_v3_columns_sql[] =
  "ALTER TABLE companies ADD COLUMN search_text TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE companies ADD COLUMN name_key BLOB NOT NULL DEFAULT x'ff';"
  "ALTER TABLE companies ADD COLUMN city_key BLOB NOT NULL DEFAULT x'ff';"
  "ALTER TABLE companies ADD COLUMN country_key BLOB NOT NULL DEFAULT x'ff';"
  "ALTER TABLE companies ADD COLUMN email_key BLOB NOT NULL DEFAULT x'ff';"
  "ALTER TABLE companies ADD COLUMN phone_key BLOB NOT NULL DEFAULT x'ff';";
static const char migration_v3_indexes_sql[] =
  "CREATE INDEX companies_name_key_idx ON companies (name_key, is_active) WHERE is_active = 1;"
  "CREATE INDEX companies_city_key_idx ON companies (city_key, is_active) WHERE is_active = 1;"
  "CREATE INDEX companies_country_key_idx ON companies (country_key, is_active) WHERE is_active = 1;"
  "CREATE INDEX companies_email_key_idx ON companies (email_key, is_active) WHERE is_active = 1;"
  "CREATE INDEX companies_phone_key_idx ON companies (phone_key, is_active) WHERE is_active = 1;"
  /* Covering: a search reads the folded text of every row from here,
   * a much smaller read than the table. */
  "CREATE INDEX companies_search_idx ON companies (search_text, is_active) WHERE is_active = 1;"
  "CREATE INDEX companies_state_key_idx ON companies (" COMPANIES_STATE_RANK_SQL ", name_key, is_active)"
  "  WHERE is_active = 1;";
static const char migration_v3_rows_sql[] =
  "SELECT local_id, name, address, city, postal_code, country, phone, email, website, notes"
  " FROM companies";
static const char migration_v3_update_sql[] =
  "UPDATE companies SET search_text = ?1, name_key = ?2, city_key = ?3, country_key = ?4,"
  " email_key = ?5, phone_key = ?6 WHERE local_id = ?7";

/* Version 4: the notices of docs/notices.md, both kinds in one table
 * (the overwritten table's rows move in). `lost` is the value a
 * person lost: the replaced value of an overwritten field, or for a
 * company deleted elsewhere a JSON object of every field as edited here;
 * `edited` is the set of fields edited here (deleted only). A value kept
 * longer than COMPANIES_NOTICE_VALUE_MAX bytes is cut (`lost_cut`). */
static const char migration_v4_sql[] =
  "CREATE TABLE notices ("
  "  notice_id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL CHECK (kind IN ('overwritten', 'deleted')),"
  "  uuid TEXT,"
  "  id INTEGER,"
  "  company_name TEXT NOT NULL DEFAULT '',"
  "  field TEXT,"
  "  lost TEXT NOT NULL,"
  "  lost_cut INTEGER NOT NULL DEFAULT 0,"
  "  lost_version INTEGER NOT NULL DEFAULT 0,"
  "  edited INTEGER NOT NULL DEFAULT 0,"
  "  received_time INTEGER NOT NULL,"
  "  CHECK ((field IS NULL) = (kind = 'deleted'))"
  ");"
  "INSERT INTO notices (notice_id, kind, uuid, id, company_name, field, lost, lost_version,"
  "                     received_time)"
  "  SELECT notice_id, 'overwritten', uuid, id, company_name, field, substr (value, 1, 4096),"
  "         version, received_time FROM overwritten;"
  "DROP TABLE overwritten;";

/* Version 5: both sides told, with who (docs/notices.md). `replaced`:
 * 1 when the lost value was ours (a later write replaced it unseen), 0
 * when our push replaced it; `other_by` and `other_at`: the label of the
 * other writer (NULL: unknown) and when it wrote; for a replaced value,
 * `current` and `current_version` are the value that replaced ours. */
static const char migration_v5_sql[] =
  "ALTER TABLE notices ADD COLUMN replaced INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE notices ADD COLUMN other_by TEXT;"
  "ALTER TABLE notices ADD COLUMN other_at INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE notices ADD COLUMN current TEXT;"
  "ALTER TABLE notices ADD COLUMN current_version INTEGER NOT NULL DEFAULT 0;";

static gboolean
migrate_to_v1 (CompaniesLocalStore *self,
               GError             **error)
{
  g_autofree char *client_id = NULL;
  gint64 n_tables = 0;

  /* Version 0 is a new, empty file. A file with tables but no version
   * was made by something else: refuse it rather than mix schemas. */
  if (!companies_local_store_query_int (self, "SELECT count(*) FROM sqlite_schema",
                                        &n_tables, error))
    return FALSE;
  if (n_tables != 0)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT,
                   _("The file “%s” is not a Companies database, or it is damaged"),
                   self->path);
      return FALSE;
    }

  if (!companies_local_store_exec (self, migration_v1_sql, error))
    return FALSE;

  client_id = g_uuid_string_random ();
  return companies_local_store_set_state_text (self, COMPANIES_STATE_CLIENT_ID, client_id, error) &&
         companies_local_store_set_state_int (self, COMPANIES_STATE_CHANGE_COUNTER, 0, error) &&
         companies_local_store_set_state_int (self, COMPANIES_STATE_LAST_SYNC_TIME, 0, error) &&
         companies_local_store_set_state_int (self, COMPANIES_STATE_SNAPSHOT_ACTIVE, 0, error) &&
         companies_local_store_set_state_text (self, COMPANIES_STATE_CURSOR, NULL, error);
}

static gboolean
migrate_to_v2 (CompaniesLocalStore *self,
               GError             **error)
{
  return companies_local_store_exec (self, migration_v2_sql, error);
}

static gboolean
migrate_to_v3 (CompaniesLocalStore *self,
               GError             **error)
{
  g_autoptr(CompaniesStmt) rows = NULL;
  g_autoptr(CompaniesStmt) update = NULL;
  int rc;

  if (!companies_local_store_exec (self, migration_v3_columns_sql, error))
    return FALSE;

  rows = companies_local_store_prepare (self, migration_v3_rows_sql, error);
  update = companies_local_store_prepare (self, migration_v3_update_sql, error);
  if (rows == NULL || update == NULL)
    return FALSE;

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      const char *values[COMPANIES_N_FIELDS];

      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        values[i] = (const char *) sqlite3_column_text (rows, 1 + i);

      sqlite3_reset (update);
      companies_store_row_bind_keys (values, update, 1);
      sqlite3_bind_int64 (update, 7, sqlite3_column_int64 (rows, 0));
      if (!companies_local_store_step_done (self, update, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return companies_local_store_set_error (self, rc, error);

  return companies_local_store_exec (self, migration_v3_indexes_sql, error);
}

/* The notices of an older file were unbounded: the bound applies from
 * now on (the oldest go, and are counted). */
static gboolean
migrate_to_v4 (CompaniesLocalStore *self,
               GError             **error)
{
  return companies_local_store_exec (self, migration_v4_sql, error) &&
         companies_local_store_trim_notices (self, error);
}

static gboolean
migrate_to_v5 (CompaniesLocalStore *self,
               GError             **error)
{
  return companies_local_store_exec (self, migration_v5_sql, error);
}

/* Version 6: the counts `status` shows, kept by the write paths
 * (companies-store-counts.h) instead of counted at every read. An older
 * build refuses the file (too new) rather than change rows without
 * them. */
static gboolean
migrate_to_v6 (CompaniesLocalStore *self,
               GError             **error)
{
  return companies_store_counts_create (self, error);
}

/* Version 7: the add_sent mark of a batch's first sends as one span
 * (companies-sent-spans.h). An older build refuses the file (too new)
 * rather than read the rows of a span as never sent. */
static gboolean
migrate_to_v7 (CompaniesLocalStore *self,
               GError             **error)
{
  return companies_sent_spans_create (self, error);
}

typedef gboolean (*MigrationFunc) (CompaniesLocalStore *self,
                                   GError             **error);

/* migrations[N] takes a file from version N to N + 1. */
static const MigrationFunc migrations[COMPANIES_LOCAL_STORE_SCHEMA_VERSION] = {
  migrate_to_v1,
  migrate_to_v2,
  migrate_to_v3,
  migrate_to_v4,
  migrate_to_v5,
  migrate_to_v6,
  migrate_to_v7,
};

gboolean
companies_local_store_migrate (CompaniesLocalStore *self,
                               GError             **error)
{
  const char *path = self->path;
  gint64 version = 0;
  g_autofree char *set_version = NULL;

  /* Cheap check first, outside a write transaction: an up-to-date file
   * opened by a second program needs no write lock. */
  if (!companies_local_store_query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;
  if (version == COMPANIES_LOCAL_STORE_SCHEMA_VERSION)
    return TRUE;

  if (!companies_local_store_begin (self, TRUE, error))
    return FALSE;

  /* Read again under the lock: another program may have migrated it. */
  if (!companies_local_store_query_int (self, "PRAGMA user_version", &version, error))
    goto failed;

  if (version > COMPANIES_LOCAL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_TOO_NEW,
                   _("The database “%s” was made by a newer version of Companies; "
                     "update Companies to open it"),
                   path);
      goto failed;
    }

  if (version < 0)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT,
                   _("The file “%s” is not a Companies database, or it is damaged"),
                   path);
      goto failed;
    }

  for (; version < COMPANIES_LOCAL_STORE_SCHEMA_VERSION; version++)
    {
      g_debug ("Migrating %s from schema version %" G_GINT64_FORMAT, path, version);
      if (!migrations[version] (self, error))
        goto failed;
    }

  /* A PRAGMA takes no parameters; the value is our own constant. */
  set_version = g_strdup_printf ("PRAGMA user_version = %d",
                                 COMPANIES_LOCAL_STORE_SCHEMA_VERSION);
  if (!companies_local_store_exec (self, set_version, error))
    goto failed;

  return companies_local_store_commit (self, error);

failed:
  companies_local_store_rollback (self);
  return FALSE;
}
