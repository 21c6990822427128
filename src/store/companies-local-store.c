/* companies-local-store.c: the CompaniesLocalStore object. Opening its
 * SQLite file, making a new one and checking one for damage live in
 * companies-local-store-file.c; the statements, transactions and errors of
 * the connection in companies-local-store-db.c, the schema in
 * companies-local-store-schema.c, the sync_state table in
 * companies-local-store-state.c, the ForSync actions in
 * companies-local-store-actions.c, the reads in companies-local-store-read.c,
 * the sync side in companies-local-store-push.c and -apply.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include "companies-local-store-private.h"

G_DEFINE_FINAL_TYPE (CompaniesLocalStore, companies_local_store, G_TYPE_OBJECT)

static void
companies_local_store_dispose (GObject *object)
{
  CompaniesLocalStore *self = COMPANIES_LOCAL_STORE (object);

  /* Statements must go before the connection. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      /* The last connection to close checkpoints the WAL into the
       * database: our own write, recorded when the files were sound. */
      gboolean trusted = companies_local_store_files_match_record (self);

      sqlite3_close_v2 (self->db);
      self->db = NULL;
      if (trusted)
        companies_local_store_record_files (self);
    }

  G_OBJECT_CLASS (companies_local_store_parent_class)->dispose (object);
}

static void
companies_local_store_finalize (GObject *object)
{
  CompaniesLocalStore *self = COMPANIES_LOCAL_STORE (object);

  g_free (self->path);
  g_free (self->open_path);
  g_free (self->client_id);

  G_OBJECT_CLASS (companies_local_store_parent_class)->finalize (object);
}

static void
companies_local_store_class_init (CompaniesLocalStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = companies_local_store_dispose;
  object_class->finalize = companies_local_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
companies_local_store_init (CompaniesLocalStore *self)
{
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
}

const char *
companies_local_store_get_path (CompaniesLocalStore *self)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);

  return self->path;
}

const char *
companies_local_store_get_client_id (CompaniesLocalStore *self)
{
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), NULL);

  return self->client_id;
}

gint64
companies_local_store_get_data_version (CompaniesLocalStore *self)
{
  static const char data_version_sql[] = "PRAGMA data_version";
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesStmt) stmt = NULL;
  gint64 data_version = 0;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (self), 0);

  /* data_version changes when another connection commits; our own commits
   * are counted apart. Both only grow, so their sum changes with either. */
  stmt = companies_local_store_prepare (self, data_version_sql, &error);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    data_version = sqlite3_column_int64 (stmt, 0);
  else if (error != NULL)
    g_debug ("Could not read the data version of %s: %s", self->path, error->message);

  return data_version + self->own_commits;
}
