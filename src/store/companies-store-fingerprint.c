/* companies-store-fingerprint.c: the fingerprint of a local store's files
 * and its record in "<database>.checked" (docs/store-checks.md).
 *
 * The database's ctime is in it because no program can set it: a file
 * written and given back its old mtime (touch -r, cp -p, rsync -t) still
 * differs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "companies-private-file.h"
#include "companies-store-fingerprint.h"

#define RECORD_MAGIC "companies-store-fingerprint 1"
#define RECORD_MAX 512

static void
append_file (GString    *text,
             const char *file,
             gboolean    is_wal)
{
  struct stat st;

  if (stat (file, &st) != 0)
    {
      /* A missing -wal is a state of its own; another failure never
       * matches a record. */
      g_string_append_printf (text, errno == ENOENT ? " 0 0 0 0 0" : " ? %d", errno);
      return;
    }

  /* An empty -wal holds nothing: SQLite makes one at the first read of a
   * database in WAL mode, and removes it at the last close. */
  if (st.st_size == 0 && is_wal)
    {
      g_string_append (text, " 0 0 0 0 0");
      return;
    }

  /* Not the ctime of the -wal: SQLite running as root gives the -wal the
   * owner of the database (fchown) at each connection's open, which
   * changes it. Damage inside the -wal is caught by SQLite itself: each
   * frame has a checksum. */
  g_string_append_printf (text, " %ju %ju %jd %jd.%09ld %jd.%09ld",
                          (uintmax_t) st.st_dev, (uintmax_t) st.st_ino, (intmax_t) st.st_size,
                          (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                          is_wal ? 0 : (intmax_t) st.st_ctim.tv_sec, is_wal ? 0 : st.st_ctim.tv_nsec);
}

void
companies_store_fingerprint_take (CompaniesStoreFingerprint *out,
                                  const char                *open_path)
{
  g_autofree char *wal = g_strconcat (open_path, "-wal", NULL);
  GString *text = g_string_new (RECORD_MAGIC);

  append_file (text, open_path, FALSE);
  append_file (text, wal, TRUE);
  g_string_append_c (text, '\n');

  g_free (out->text);
  out->text = g_string_free (text, FALSE);
}

void
companies_store_fingerprint_clear (CompaniesStoreFingerprint *fingerprint)
{
  g_clear_pointer (&fingerprint->text, g_free);
}

char *
companies_store_fingerprint_path (const char *path)
{
  return g_strconcat (path, ".checked", NULL);
}

/* Reads the record of @path into @record (RECORD_MAX bytes); FALSE when
 * there is none or it cannot be read. */
static gboolean
read_record (const char *path,
             char       *record)
{
  g_autofree char *record_path = companies_store_fingerprint_path (path);
  ssize_t length;
  int fd;

  fd = g_open (record_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return FALSE;
  length = read (fd, record, RECORD_MAX - 1);
  close (fd);
  if (length <= 0)
    return FALSE;
  record[length] = '\0';

  return TRUE;
}

gboolean
companies_store_fingerprint_is_recorded (const CompaniesStoreFingerprint *fingerprint,
                                         const char                      *path)
{
  char record[RECORD_MAX];

  if (fingerprint->text == NULL || strchr (fingerprint->text, '?') != NULL)
    return FALSE;

  if (!read_record (path, record))
    return FALSE;

  if (strcmp (record, fingerprint->text) != 0)
    {
      g_debug ("%s changed since it was recorded:\n  %s  %s", path, record, fingerprint->text);
      return FALSE;
    }

  return TRUE;
}

void
companies_store_fingerprint_record (const CompaniesStoreFingerprint *fingerprint,
                                    const char                      *path)
{
  g_autofree char *record_path = companies_store_fingerprint_path (path);
  g_autofree char *new_path = g_strconcat (record_path, ".new-XXXXXX", NULL);
  gsize length = fingerprint->text != NULL ? strlen (fingerprint->text) : 0;
  char record[RECORD_MAX];
  gboolean written;
  int fd;

  if (length == 0 || strchr (fingerprint->text, '?') != NULL)
    return;
  /* Already so (a command that wrote nothing, a close that had nothing
   * to checkpoint): a rename would cost a journal write of the folder. */
  if (read_record (path, record) && strcmp (record, fingerprint->text) == 0)
    return;

  fd = g_mkstemp_full (new_path, O_WRONLY | O_CLOEXEC, COMPANIES_PRIVATE_FILE_MODE);
  if (fd < 0)
    return;
  written = fchmod (fd, COMPANIES_PRIVATE_FILE_MODE) == 0 &&
            write (fd, fingerprint->text, length) == (ssize_t) length;
  written = close (fd) == 0 && written;

  if (!written || g_rename (new_path, record_path) != 0)
    g_unlink (new_path);
}

void
companies_store_fingerprint_forget (const char *path)
{
  g_autofree char *record_path = companies_store_fingerprint_path (path);

  g_unlink (record_path);
}
