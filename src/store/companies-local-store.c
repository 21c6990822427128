/* companies-local-store.c: the CompaniesLocalStore object and opening
 * its SQLite file. The statements, transactions and errors of the
 * connection live in companies-local-store-db.c, the schema in
 * companies-local-store-schema.c, making a new file and checking a file
 * for damage in companies-local-store-file.c, the sync_state table in
 * companies-local-store-state.c, the ForSync actions in
 * companies-local-store-actions.c, the reads in companies-local-store-read.c,
 * the sync side in companies-local-store-push.c and -apply.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-local-store-private.h"
#include "companies-local-store-schema.h"
#include "companies-private-file.h"
#include "companies-test-hooks.h"

G_DEFINE_FINAL_TYPE (CompaniesLocalStore, companies_local_store, G_TYPE_OBJECT)

/* synchronous=FULL: in WAL mode NORMAL may lose the last commits on a power
 * failure. A commit here is a person's edit that the UI has already shown
 * as saved, or a sync step; both are rare (one per action), so the extra
 * fsync costs nothing a person notices and nothing confirmed is lost. */
static const char * const connection_pragmas[] = {
  "PRAGMA synchronous = FULL",
  "PRAGMA foreign_keys = ON",
  /* 16 MiB of page cache (SQLite's default is 2 MiB): a page of 5000
   * records touches the uuid and name indexes all over; with the default
   * an initial sync of 100,000 records spent a fifth of its time
   * re-reading and spilling pages (measured with perf). */
  "PRAGMA cache_size = -16384",
};

static void
companies_local_store_dispose (GObject *object)
{
  CompaniesLocalStore *self = COMPANIES_LOCAL_STORE (object);

  /* Statements must go before the connection. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
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

/* --- Opening. --- */

static gboolean
set_damaged (CompaniesLocalStore  *self,
             GError              **error)
{
  g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_CORRUPT,
               _("The file “%s” is not a Companies database, or it is damaged"),
               self->path);
  return FALSE;
}

/* Everything here up to the WAL switch only reads: a file refused
 * (not a database, damaged, empty, another program's, too new) is left
 * byte for byte as it was. */
gboolean
companies_local_store_open_connection (CompaniesLocalStore *self,
                                       gboolean             check,
                                       GError             **error)
{
  g_autofree char *journal_mode = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n_objects = 0;
  gint64 version = 0;
  int rc;

  /* Never SQLITE_OPEN_CREATE: a new file is made by
   * companies_local_store_create_file (), private and complete. */
  rc = sqlite3_open_v2 (self->open_path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    return companies_local_store_set_error (self, rc, error);

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  /* The first read of the file: a file that is not a database fails here
   * with SQLITE_NOTADB. */
  if (!companies_local_store_query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;
  if (!companies_local_store_query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;

  /* An empty file (0 bytes, or a database without tables) that was
   * there before is not taken as new: it may be a store someone's work
   * was lost from, and making it new would hide that. */
  if (!self->creating && (n_objects == 0 || version <= 0))
    return set_damaged (self, error);
  if (version > COMPANIES_LOCAL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_TOO_NEW,
                   _("The database “%s” was made by a newer version of Companies; "
                     "update Companies to open it"),
                   self->path);
      return FALSE;
    }

  if (check && !companies_local_store_check_integrity (self, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          journal_mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return companies_local_store_set_error (self, rc, error);
  if (g_strcmp0 (journal_mode, "wal") != 0)
    g_warning ("Could not put %s in WAL mode (%s); sharing it between programs will be slower",
               self->path, journal_mode);

  for (guint i = 0; i < G_N_ELEMENTS (connection_pragmas); i++)
    if (!companies_local_store_exec (self, connection_pragmas[i], error))
      return FALSE;

  companies_private_file_match_companions (self->open_path);

  /* Test-only: COMPANIES_TEST_MAX_PAGE_COUNT fills the "disk" (tests/faults). */
  companies_test_hook_limit_pages (self->db);

  if (!companies_local_store_migrate (self, error))
    return FALSE;

  if (!companies_local_store_get_state_text (self, COMPANIES_STATE_CLIENT_ID,
                                             &self->client_id, error))
    return FALSE;
  if (self->client_id == NULL)
    return set_damaged (self, error);

  return TRUE;
}

static CompaniesLocalStore *
open_store (const char  *path,
            gboolean     check,
            GError     **error)
{
  g_autoptr(CompaniesLocalStore) self = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  GStatBuf st;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED,
                   _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  if (g_lstat (path, &st) != 0 && errno == ENOENT &&
      !companies_local_store_create_file (path, error))
    return NULL;

  self = g_object_new (COMPANIES_TYPE_LOCAL_STORE, NULL);
  self->path = g_strdup (path);
  self->open_path = g_strdup (path);

  if (!companies_local_store_open_connection (self, check, error))
    return NULL;

  return g_steal_pointer (&self);
}

char *
companies_local_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "companies", "companies.db", NULL);
}

CompaniesLocalStore *
companies_local_store_open (const char  *path,
                            GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return open_store (path, FALSE, error);
}

CompaniesLocalStore *
companies_local_store_open_checked (const char  *path,
                                    GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return open_store (path, TRUE, error);
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
