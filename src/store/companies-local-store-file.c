/* companies-local-store-file.c: the file of a CompaniesLocalStore as a
 * whole: making a new one, and checking one for damage.
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
#include "companies-private-file.h"

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
         GError     **error)
{
  if (link (new_path, path) == 0 || errno == EEXIST)
    return TRUE;

  /* A file system without hard links. */
  if (renameat2 (AT_FDCWD, new_path, AT_FDCWD, path, RENAME_NOREPLACE) == 0 || errno == EEXIST)
    return TRUE;

  return set_create_error (path, errno, error);
}

gboolean
companies_local_store_create_file (const char  *path,
                                   GError     **error)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autofree char *new_path = g_strconcat (path, ".new-XXXXXX", NULL);
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
  ok = ok && publish (new_path, path, error);

  remove_new_file (new_path);
  return ok;
}

gboolean
companies_local_store_check_integrity (CompaniesLocalStore *self,
                                   GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;
  int rc;

  /* integrity_check, not quick_check: damage inside a record (a uuid or
   * a name changed in place) leaves the b-trees sound, and only the
   * check that every index matches its table finds it. It reads every
   * page: about 0.8 s at 100,000 companies. The first problem is enough. */
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check(1)", -1, &stmt, NULL);
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
      g_debug ("integrity_check of %s: %s", self->path, result);
      return companies_local_store_set_error (self, SQLITE_CORRUPT, error);
    }

  return TRUE;
}
