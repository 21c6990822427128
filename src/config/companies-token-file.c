/* companies-token-file.c: access tokens in a file readable by the user
 * alone, used only where no Secret Service runs (see
 * companies-token-store.c), and the one-token file of older versions.
 *
 * The file holds one "SERVER-URL TOKEN" line a server. Neither may hold a
 * space (companies_server_url_normalize () and the token rules see to
 * it). Lines starting with '#' are comments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-config"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-token-file.h"

/* A token is a short line: a file larger than this is not ours. */
#define MAX_FILE_SIZE (1024 * 1024)

#define FILE_HEADER "# Access tokens of Companies, one \"server-url token\" line a server.\n" \
                    "# Kept here because no keyring was running; moved into the keyring once one runs.\n"

static void
wipe_string (char *text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
}

void
companies_token_entry_free (CompaniesTokenEntry *entry)
{
  if (entry == NULL)
    return;

  wipe_string (entry->token);
  g_free (entry->token);
  g_free (entry->server_url);
  g_free (entry);
}

/* The file's contents, or NULL: with no error when there is no file. */
static char *
read_file (const char  *path,
           GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize length = 0;
  GStatBuf info;

  if (g_stat (path, &info) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return NULL;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not read “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }

  if (!S_ISREG (info.st_mode) || info.st_size > MAX_FILE_SIZE)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is not a file of access tokens"), display);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;

      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return contents;
}

GPtrArray *
companies_token_file_read_all (const char  *path,
                               GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_token_entry_free);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  contents = read_file (path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (contents == NULL)
    return g_steal_pointer (&entries);

  lines = g_strsplit (contents, "\n", -1);
  wipe_string (contents);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *space;
      CompaniesTokenEntry *entry;

      if (*line == '\0' || *line == '#' || (space = strchr (line, ' ')) == NULL)
        continue;

      *space = '\0';
      entry = g_new0 (CompaniesTokenEntry, 1);
      entry->server_url = g_strdup (line);
      entry->token = g_strdup (g_strstrip (space + 1));
      g_ptr_array_add (entries, entry);
    }

  for (guint i = 0; lines[i] != NULL; i++)
    wipe_string (lines[i]);

  return g_steal_pointer (&entries);
}

char *
companies_token_file_lookup (const char  *path,
                             const char  *server_url,
                             GError     **error)
{
  g_autoptr(GPtrArray) entries = companies_token_file_read_all (path, error);

  g_return_val_if_fail (server_url != NULL, NULL);

  if (entries == NULL)
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      CompaniesTokenEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->server_url, server_url) == 0 && entry->token[0] != '\0')
        return g_strdup (entry->token);
    }

  return NULL;
}

gboolean
companies_token_file_store (const char  *path,
                            const char  *server_url,
                            const char  *token,
                            GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) contents = NULL;
  g_autofree char *folder = NULL;
  gboolean any = FALSE;
  gboolean written;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (server_url != NULL, FALSE);

  entries = companies_token_file_read_all (path, error);
  if (entries == NULL)
    return FALSE;

  contents = g_string_new (FILE_HEADER);
  for (guint i = 0; i < entries->len; i++)
    {
      CompaniesTokenEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->server_url, server_url) == 0)
        continue;

      g_string_append_printf (contents, "%s %s\n", entry->server_url, entry->token);
      any = TRUE;
    }

  if (token != NULL && *token != '\0')
    {
      g_string_append_printf (contents, "%s %s\n", server_url, token);
      any = TRUE;
    }

  if (!any)
    {
      wipe_string (contents->str);
      return companies_token_file_remove (path, error);
    }

  folder = g_path_get_dirname (path);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      wipe_string (contents->str);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not save the access token: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  /* Written whole under another name, then renamed: never half a file. */
  written = g_file_set_contents_full (path, contents->str, contents->len,
                                      G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  wipe_string (contents->str);

  return written;
}

char *
companies_token_file_read_legacy (const char  *path,
                                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = read_file (path, &local_error);
  char *newline;
  char *token;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (contents == NULL)
    return NULL;

  newline = strpbrk (contents, "\r\n");
  if (newline != NULL)
    *newline = '\0';

  token = g_strdup (g_strstrip (contents));
  wipe_string (contents);

  return token;
}

gboolean
companies_token_file_remove (const char  *path,
                             GError     **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not remove “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}
