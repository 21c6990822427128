/* companies-cli-token.c: reading the access token of --token-file
 *
 * The file is a secret, so it is held to what companies-server asks of
 * its tokens file: a regular file (a FIFO or a device would block or
 * never end) that only its owner may read. At most a few KiB are read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-cli-token.h"

char *
cli_read_token_file (const char  *path,
                     GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  char buffer[CLI_TOKEN_FILE_MAX_SIZE + 1];
  struct stat st;
  gsize length = 0;
  char *newline;
  char *token;
  int fd;

  /* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not open “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is not a regular file"), display);
      close (fd);
      return NULL;
    }

  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   _("“%s” may be read by other users (mode %03o); "
                     "make it private with “chmod 600 %s”"),
                   display, (unsigned int) (st.st_mode & 0777), display);
      close (fd);
      return NULL;
    }

  /* One byte more than allowed tells a file that is too large. */
  while (length < sizeof buffer)
    {
      gssize n = read (fd, buffer + length, sizeof buffer - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Could not read “%s”: %s"), display, g_strerror (saved_errno));
          close (fd);
          explicit_bzero (buffer, sizeof buffer);
          return NULL;
        }
      if (n == 0)
        break;
      length += n;
    }
  close (fd);

  if (length > CLI_TOKEN_FILE_MAX_SIZE)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   _("“%s” is larger than %u bytes, too large for a token"),
                   display, (unsigned int) CLI_TOKEN_FILE_MAX_SIZE);
      explicit_bzero (buffer, sizeof buffer);
      return NULL;
    }

  buffer[length] = '\0';
  newline = strpbrk (buffer, "\r\n");
  if (newline != NULL)
    *newline = '\0';

  token = g_strdup (g_strstrip (buffer));
  explicit_bzero (buffer, sizeof buffer);
  return token;
}
