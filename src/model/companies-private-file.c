/* companies-private-file.c: database files that only their owner may
 * read, whatever the umask (see companies-private-file.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-private-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "companies-private-file.h"

static gboolean
set_error_from_errno (GError **error,
                      int      saved_errno)
{
  g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       g_strerror (saved_errno));
  return FALSE;
}

gboolean
companies_private_file_ensure (const char  *path,
                               gboolean    *out_created,
                               GError     **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  if (out_created != NULL)
    *out_created = FALSE;

  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
               COMPANIES_PRIVATE_FILE_MODE);
  if (fd < 0 && errno == EEXIST)
    return TRUE;
  if (fd < 0)
    return set_error_from_errno (error, errno);

  /* The umask only takes bits away, but one that takes the owner's
   * would leave a file SQLite cannot open: set the mode exactly. */
  if (fchmod (fd, COMPANIES_PRIVATE_FILE_MODE) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (path);
      return set_error_from_errno (error, saved_errno);
    }

  if (close (fd) != 0)
    return set_error_from_errno (error, errno);

  if (out_created != NULL)
    *out_created = TRUE;
  return TRUE;
}

void
companies_private_file_match_companions (const char *path)
{
  static const char * const suffixes[] = { "-wal", "-shm", "-journal" };
  GStatBuf main_st;

  g_return_if_fail (path != NULL);

  if (g_stat (path, &main_st) != 0)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;
      mode_t allowed;

      if (g_lstat (companion, &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      allowed = st.st_mode & main_st.st_mode & 0777;
      if ((st.st_mode & 0777) != allowed && g_chmod (companion, allowed) != 0)
        g_debug ("Could not make %s private: %s", companion, g_strerror (errno));
    }
}
