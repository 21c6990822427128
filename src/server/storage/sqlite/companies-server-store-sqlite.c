/* companies-server-store-sqlite.c: the server store on a SQLite file:
 * its connections and its table of functions
 *
 * WAL with synchronous=FULL (an acknowledged sync survives a power cut),
 * a busy timeout, and prepared statements made once and reused. The other
 * files of the backend: companies-server-store-sqlite-private.h lists
 * them; the schema and its migrations are in
 * companies-server-store-sqlite-schema.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "companies-private-file.h"
#include "companies-server-store-sqlite.h"
#include "companies-server-store-sqlite-private.h"
#include "companies-server-store-sqlite-schema.h"
#include "companies-server-test-hooks.h"

#define BUSY_TIMEOUT_MS  5000

static void
sqlite_close (CompaniesServerStore *store)
{
  CompaniesServerStoreSqlite *self = (CompaniesServerStoreSqlite *) store;

  companies_server_sqlite_finalize_stmts (self);

  if (self->db != NULL)
    {
      /* Leaves the WAL checkpointed, so the file stands alone. */
      sqlite3_close (self->db);
      self->db = NULL;
    }

  g_free (store->database_uuid);
  g_free (self);
}

static const CompaniesServerStoreVTable sqlite_vtable = {
  .name = "sqlite",
  .close = sqlite_close,
  .begin = companies_server_sqlite_begin,
  .commit = companies_server_sqlite_commit,
  .rollback = companies_server_sqlite_rollback,
  .savepoint = companies_server_sqlite_savepoint,
  .release = companies_server_sqlite_release,
  .rollback_to = companies_server_sqlite_rollback_to,
  .get_state = companies_server_sqlite_get_state,
  .next_version = companies_server_sqlite_next_version,
  .lookup_by_id = companies_server_sqlite_lookup_by_id,
  .lookup_by_uuid = companies_server_sqlite_lookup_by_uuid,
  .insert = companies_server_sqlite_insert,
  .update_fields = companies_server_sqlite_update_fields,
  .tombstone = companies_server_sqlite_tombstone,
  .list_changes = companies_server_sqlite_list_changes,
  .purge_tombstones = companies_server_sqlite_purge_tombstones,
  .list_history = companies_server_sqlite_list_history,
  .prune_history = companies_server_sqlite_prune_history,
  .find_writer = companies_server_sqlite_find_writer,
  .add_replaced = companies_server_sqlite_add_replaced,
  .take_replaced = companies_server_sqlite_take_replaced,
};

/* Test-only (companies-server-test-hooks.h): a database capped at a few
 * pages behaves as on a full disk. */
static gboolean
apply_test_page_cap (CompaniesServerStoreSqlite  *self,
                     GError                     **error)
{
  g_autofree char *sql = NULL;
  gint64 pages;

  if (!companies_server_test_hook_max_page_count (&pages))
    return TRUE;

  /* A number parsed from the variable, never its text: PRAGMA takes no
   * bound parameters. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return companies_server_sqlite_set_error (self->db, error);

  g_printerr ("Test hook: the database is capped at %" G_GINT64_FORMAT " pages\n", pages);
  return TRUE;
}

void
companies_server_sqlite_configure (void)
{
  /* SQLite's allocation statistics take a process-wide mutex at every
   * allocation: 3 % of the server's time in a bulk push (perf,
   * docs/sync-1m.md, round 12). Nothing here reads them. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Opens a connection of the backend: the writer's (creating the database
 * and migrating its schema) or a reader's (read-only, on a database the
 * writer prepared already). */
static CompaniesServerStoreSqlite *
open_connection (const char  *path,
                 gboolean     read_only,
                 GError     **error)
{
  CompaniesServerStoreSqlite *self;
  g_autoptr(GError) local_error = NULL;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3 *db = NULL;
  gboolean prepared;
  int rc;

  /* SQLite would create the file with the umask's mode (often 0644);
   * its -wal and -shm then take the file's mode. */
  if (!read_only && !companies_private_file_ensure (path, NULL, &local_error))
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("Cannot open the database “%s”: %s"), path, local_error->message);
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("Cannot open the database “%s”: %s"),
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  self = g_new0 (CompaniesServerStoreSqlite, 1);
  self->parent.vtable = &sqlite_vtable;
  self->db = db;
  self->read_only = read_only;

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  if (read_only)
    prepared = companies_server_sqlite_prepare_reader (db, &self->parent.database_uuid, &local_error);
  else
    prepared = companies_server_sqlite_prepare_schema (db, &self->parent.database_uuid, &local_error);

  if (!prepared)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   local_error->domain == COMPANIES_SERVER_STORE_ERROR ? local_error->code
                                                                       : COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("Cannot use the database “%s”: %s"), path, local_error->message);
      sqlite_close ((CompaniesServerStore *) self);
      return NULL;
    }

  if (!read_only)
    companies_private_file_match_companions (path);

  return self;
}

CompaniesServerStore *
companies_server_store_sqlite_open (const char  *path,
                                    GError     **error)
{
  CompaniesServerStoreSqlite *self;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = open_connection (path, FALSE, error);
  if (self == NULL)
    return NULL;

  /* The writer's page cache holds the uuid and version indexes of a large
   * database (every add looks up a random uuid): 32 MiB at most, taken
   * only as the database grows. The crash tests keep SQLite's small
   * default, so that a big transaction spills to the WAL before COMMIT. */
  if (!companies_server_test_hook_small_cache () &&
      sqlite3_exec (self->db, "PRAGMA cache_size = -32768", NULL, NULL, NULL) != SQLITE_OK)
    companies_server_sqlite_set_error (self->db, &local_error);
  else
    apply_test_page_cap (self, &local_error);

  if (local_error != NULL)
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR, COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("Cannot use the database “%s”: %s"), path, local_error->message);
      sqlite_close ((CompaniesServerStore *) self);
      return NULL;
    }

  return (CompaniesServerStore *) self;
}

CompaniesServerStore *
companies_server_store_sqlite_open_reader (const char  *path,
                                           GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return (CompaniesServerStore *) open_connection (path, TRUE, error);
}
