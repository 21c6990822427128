/* companies-local-store-file.c: the file of a CompaniesLocalStore as a
 * whole: opening it, making a new one, and checking one for damage.
 *
 * A new store is made under a temporary name (mode 0600, whatever the
 * umask) and linked to its name only once its schema is committed. So a
 * file found under the name is always one that was complete once: an
 * empty one is damage, never a store being made by another program.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-local-store-private.h"
#include "companies-local-store-schema.h"
#include "companies-private-file.h"
#include "companies-store-fingerprint.h"
#include "companies-test-hooks.h"

/* synchronous=FULL: in WAL mode NORMAL may lose the last commits on a power
 * failure. A commit here is a person's edit that the UI has already shown
 * as saved, or a sync step; both are rare (one per action), so the extra
 * fsync costs nothing a person notices and nothing confirmed is lost. */
static const char * const connection_pragmas[] = {
  "PRAGMA synchronous = FULL",
  "PRAGMA foreign_keys = ON",
  /* A checkpoint once the WAL holds 64 MiB (SQLite's default: 4 MiB).
   * A page of a snapshot dirties thousands of index pages; with the
   * default every commit copied them all into the file again, and the
   * pages shared by the next commits once more. At 400,000 companies
   * this took a third of the initial sync's writes (/usr/bin/time's
   * output blocks: 3.2 M → 2.1 M). The last connection to close still
   * checkpoints the rest. */
  "PRAGMA wal_autocheckpoint = 16384",
};

static void
remove_new_file (const char *new_path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (new_path, suffixes[i], NULL);

      g_unlink (file);
    }
}

static gboolean
set_create_error (const char  *path,
                  int          saved_errno,
                  GError     **error)
{
  g_set_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED,
               _("Could not open the database “%s” for writing: %s"),
               path, g_strerror (saved_errno));
  return FALSE;
}

/* Gives @new_path the name @path unless @path exists by now (another
 * program made it first: that one is used). */
static gboolean
publish (const char  *new_path,
         const char  *path,
         gboolean    *out_made_here,
         GError     **error)
{
  *out_made_here = link (new_path, path) == 0;
  if (*out_made_here || errno == EEXIST)
    return TRUE;

  /* A file system without hard links. */
  *out_made_here = renameat2 (AT_FDCWD, new_path, AT_FDCWD, path, RENAME_NOREPLACE) == 0;
  if (*out_made_here || errno == EEXIST)
    return TRUE;

  return set_create_error (path, errno, error);
}

gboolean
companies_local_store_create_file (const char  *path,
                                   GError     **error)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autofree char *new_path = g_strconcat (path, ".new-XXXXXX", NULL);
  gboolean made_here = FALSE;
  gboolean ok;
  int fd;

  fd = g_mkstemp_full (new_path, O_RDWR | O_CLOEXEC, COMPANIES_PRIVATE_FILE_MODE);
  if (fd < 0)
    return set_create_error (path, errno, error);
  if (fchmod (fd, COMPANIES_PRIVATE_FILE_MODE) != 0 || close (fd) != 0)
    {
      int saved_errno = errno;

      remove_new_file (new_path);
      return set_create_error (path, saved_errno, error);
    }

  store = g_object_new (COMPANIES_TYPE_LOCAL_STORE, NULL);
  store->path = g_strdup (path);
  store->open_path = g_strdup (new_path);
  store->creating = TRUE;

  ok = companies_local_store_open_connection (store, FALSE, error);
  /* Closing checkpoints the WAL into the file and removes it: the file
   * then stands alone under its new name. */
  g_clear_object (&store);
  ok = ok && publish (new_path, path, &made_here, error);

  remove_new_file (new_path);
  /* Made here and never written by anyone else: as sound as checked. */
  if (made_here)
    {
      CompaniesStoreFingerprint made = { NULL };

      companies_store_fingerprint_take (&made, path);
      companies_store_fingerprint_record (&made, path);
      companies_store_fingerprint_clear (&made);
    }
  return ok;
}

static gboolean
run_check (CompaniesLocalStore *self,
           const char          *sql,
           GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    return companies_local_store_set_error (self, rc, error);

  if (g_strcmp0 (result, "ok") != 0)
    {
      g_debug ("%s of %s: %s", sql, self->path, result);
      return companies_local_store_set_error (self, SQLITE_CORRUPT, error);
    }

  return TRUE;
}

gboolean
companies_local_store_check_integrity (CompaniesLocalStore *self,
                                       GError             **error)
{
  /* integrity_check, not quick_check: damage inside a record (a uuid or
   * a name changed in place) leaves the b-trees sound, and only the
   * check that every index matches its table finds it. It reads every
   * page: about 0.8 s at 100,000 companies. The first problem is enough. */
  return run_check (self, "PRAGMA integrity_check(1)", error);
}

/* --- The record of the last state known sound (docs/store-checks.md). --- */

gboolean
companies_local_store_files_match_record (CompaniesLocalStore *self)
{
  CompaniesStoreFingerprint now = { NULL };
  gboolean match;

  if (self->creating)
    return FALSE;

  companies_store_fingerprint_take (&now, self->open_path);
  match = companies_store_fingerprint_is_recorded (&now, self->path);
  companies_store_fingerprint_clear (&now);

  return match;
}

void
companies_local_store_record_files (CompaniesLocalStore *self)
{
  CompaniesStoreFingerprint now = { NULL };

  if (self->creating)
    return;

  companies_store_fingerprint_take (&now, self->open_path);
  companies_store_fingerprint_record (&now, self->path);
  companies_store_fingerprint_clear (&now);
}

/* The check of a checked open: in full unless the files are as this
 * program left them after its last check or its own last write; the
 * small tables of the sync's state are checked every time. */
static gboolean
check_file (CompaniesLocalStore  *self,
            gint64                version,
            gboolean             *out_full,
            GError              **error)
{
  *out_full = !companies_local_store_files_match_record (self);
  if (*out_full && !companies_local_store_check_integrity (self, error))
    return FALSE;

  self->trusted = TRUE;
  /* The notices' table, by its name before and after version 4. */
  return run_check (self, "PRAGMA integrity_check(sync_state)", error) &&
         run_check (self, version >= 4 ? "PRAGMA integrity_check(notices)"
                                       : "PRAGMA integrity_check(overwritten)", error);
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
  gboolean checked_in_full = FALSE;
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

  if (check && !check_file (self, version, &checked_in_full, error))
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
  /* 16 MiB of page cache unless the program says otherwise (SQLite's
   * default is 2 MiB): a page of 5000 records touches the uuid and name
   * indexes all over; with the default an initial sync of 100,000
   * records spent a fifth of its time re-reading and spilling pages
   * (measured with perf). */
  companies_local_store_set_cache_size (self, companies_local_store_get_default_cache_size ());

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

  /* After the WAL switch and the migration, our own writes. */
  if (checked_in_full)
    companies_local_store_record_files (self);

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
