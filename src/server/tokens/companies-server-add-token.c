/* companies-server-add-token.c: `companies-server add-token`
 *
 * A token is COMPANIES_SERVER_TOKEN_PREFIX and 32 random bytes from
 * getrandom (2) in unpadded base64url (43 characters). The tokens file gets
 * the line "sha256:<hex of SHA-256 of the whole token> [read-only] # <label>"
 * (companies-server-tokens.c reads it); the
 * token itself is shown once, on stdout, after the line is safely on disk
 * (so a token that was printed always works once the server reads the
 * file again).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-server-add-token.h"
#include "companies-server-tokens.h"

#define EXIT_BAD_OPTIONS   2
#define RANDOM_BYTES       32
#define MAX_LABEL_CHARS    200

static gboolean
fill_random (guint8   *buffer,
             gsize     length,
             GError  **error)
{
  gsize filled = 0;

  while (filled < length)
    {
      ssize_t n = getrandom (buffer + filled, length - filled, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Cannot get random bytes: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      filled += n;
    }

  return TRUE;
}

/* COMPANIES_SERVER_TOKEN_PREFIX + unpadded base64url of @bytes. */
static char *
encode_token (const guint8 *bytes,
              gsize         length)
{
  g_autofree char *base64 = g_base64_encode (bytes, length);
  GString *token = g_string_new (COMPANIES_SERVER_TOKEN_PREFIX);

  for (const char *p = base64; *p != '\0' && *p != '='; p++)
    g_string_append_c (token, *p == '+' ? '-' : *p == '/' ? '_' : *p);

  explicit_bzero (base64, strlen (base64));
  return g_string_free (token, FALSE);
}

static gboolean
label_is_valid (const char *label)
{
  if (!g_utf8_validate (label, -1, NULL) ||
      g_utf8_strlen (label, -1) > MAX_LABEL_CHARS)
    return FALSE;

  for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           GError     **error)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                               g_strerror (saved_errno));
          return FALSE;
        }
      data += n;
      length -= n;
    }

  return TRUE;
}

/* Appends @line to the private file @path, creating it with mode 0600. */
static gboolean
append_line (const char  *path,
             const char  *line,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  char last = '\n';
  int fd;

  fd = companies_server_tokens_open_private (path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW,
                                            &st, error);
  if (fd < 0)
    return FALSE;

  /* A last line without its newline must not swallow ours. */
  if (st.st_size > 0 && pread (fd, &last, 1, st.st_size - 1) != 1)
    last = '\n';

  if ((last != '\n' && !write_all (fd, "\n", 1, &local_error)) ||
      (local_error == NULL && !write_all (fd, line, strlen (line), &local_error)) ||
      (local_error == NULL && fsync (fd) != 0))
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   _("Cannot write the tokens file “%s”: %s"), path,
                   local_error != NULL ? local_error->message : g_strerror (saved_errno));
      close (fd);
      return FALSE;
    }

  if (close (fd) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot write the tokens file “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static int
bad_options (const char *message)
{
  g_printerr ("%s: %s\n", g_get_prgname (), message);
  g_printerr (_("Run “%s --help” to see the options.\n"), g_get_prgname ());
  return EXIT_BAD_OPTIONS;
}

int
companies_server_add_token_main (int    argc,
                                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tokens_path = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *label = NULL;
  g_autofree char *token = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *line = NULL;
  guint8 bytes[RANDOM_BYTES];
  gboolean read_only = FALSE;

  const GOptionEntry entries[] = {
    { "tokens", 0, 0, G_OPTION_ARG_FILENAME, &tokens_path,
      N_("Append the new token's hash to this file (made if missing)"), N_("FILE") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label,
      N_("Who has the token, e.g. “Ana’s laptop”: shown in history and notices"), N_("TEXT") },
    { "comment", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &comment,
      N_("The older name of --label"), N_("TEXT") },
    { "read-only", 0, 0, G_OPTION_ARG_NONE, &read_only,
      N_("The token may pull but never push changes"), NULL },
    { NULL }
  };

  /* "Usage: companies-server add-token [OPTION…]", and in messages */
  g_set_prgname ("companies-server add-token");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Makes a new access token: prints it once and stores only "
                                  "its hash in the tokens file. Restart companies-server to "
                                  "accept it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bad_options (error->message);

  if (argc > 1)
    return bad_options (_("Unexpected arguments"));
  if (tokens_path == NULL)
    return bad_options (_("--tokens FILE is required"));
  if (label == NULL)
    label = g_steal_pointer (&comment);
  if (label != NULL)
    g_strstrip (label);
  if (label != NULL && !label_is_valid (label))
    return bad_options (_("The label must be one line of at most 200 characters"));

  if (!fill_random (bytes, sizeof bytes, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_FAILURE;
    }

  token = encode_token (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);

  /* Without a label, the server calls the token by its place in the file. */
  line = g_strdup_printf ("sha256:%s%s%s%s\n", digest,
                          read_only ? " read-only" : "",
                          label != NULL && *label != '\0' ? " # " : "",
                          label != NULL ? label : "");

  if (!append_line (tokens_path, line, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      explicit_bzero (token, strlen (token));
      return EXIT_FAILURE;
    }

  /* The one time the token is shown; scripts read it from stdout. */
  g_print ("%s\n", token);
  fflush (stdout);
  explicit_bzero (token, strlen (token));

  g_printerr (_("Added a token to “%s”. It is shown only this once: give it to its "
                "user now. Restart companies-server to accept it.\n"),
              tokens_path);

  return EXIT_SUCCESS;
}
