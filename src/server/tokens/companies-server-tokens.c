/* companies-server-tokens.c: the bearer tokens a server accepts
 *
 * A line of the tokens file is either "sha256:<64 hex digits>", optionally
 * followed by the flag "read-only" and by white space and a "# label"
 * (what `companies-server add-token` writes: the token itself is never
 * stored; older servers called the label a comment and refuse the flag,
 * so a read-only token is never taken for a writing one), or a token in
 * clear (older files: the whole line, trimmed, is the token; it is hashed
 * as it is read). Only the SHA-256 digests are kept in memory; neither
 * tokens nor digests are ever logged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-server-tokens.h"

#define DIGEST_LENGTH   32            /* SHA-256 */
#define MAX_FILE_SIZE   (1024 * 1024)
#define HASH_PREFIX     "sha256:"
#define READ_ONLY_FLAG  "read-only"

struct _CompaniesServerTokens
{
  /* DIGEST_LENGTH bytes per token */
  GByteArray *digests;
  /* CompaniesServerToken, one per digest */
  GArray     *tokens;
};

static void
token_clear (gpointer data)
{
  CompaniesServerToken *token = data;

  g_clear_pointer (&token->label, g_free);
}

static void
hash_token (const char *token,
            gsize       length,
            guint8      digest[DIGEST_LENGTH])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_length = DIGEST_LENGTH;

  g_checksum_update (checksum, (const guchar *) token, length);
  g_checksum_get_digest (checksum, digest, &digest_length);
  g_assert (digest_length == DIGEST_LENGTH);
}

static void
set_not_regular (const char  *path,
                 GError     **error)
{
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
               _("The tokens file “%s” is not a regular file"), path);
}

int
companies_server_tokens_open_private (const char   *path,
                                      int           flags,
                                      struct stat  *out_stat,
                                      GError      **error)
{
  GStatBuf before;
  int fd;

  /* A FIFO or a device is refused before it is opened: opening a FIFO
   * waits for a writer, and a device may never end. O_NONBLOCK covers a
   * file replaced in between. */
  if (g_stat (path, &before) == 0 && !S_ISREG (before.st_mode))
    {
      set_not_regular (path, error);
      return -1;
    }

  fd = g_open (path, flags | O_CLOEXEC | O_NONBLOCK, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot open the tokens file “%s”: %s"), path, g_strerror (saved_errno));
      return -1;
    }

  if (fstat (fd, out_stat) != 0 || !S_ISREG (out_stat->st_mode))
    {
      set_not_regular (path, error);
      close (fd);
      return -1;
    }

  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);

  if ((out_stat->st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   _("The tokens file “%s” may be read by other users (mode %03o); "
                     "make it private with “chmod 600 %s”"),
                   path, (unsigned int) (out_stat->st_mode & 0777), path);
      close (fd);
      return -1;
    }

  return fd;
}

static gboolean
read_private_file (const char  *path,
                   char       **out_contents,
                   gsize       *out_length,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  struct stat st;
  gsize length = 0;
  int fd;

  fd = companies_server_tokens_open_private (path, O_RDONLY, &st, error);
  if (fd < 0)
    return FALSE;

  if (st.st_size > MAX_FILE_SIZE)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The tokens file “%s” is too large"), path);
      close (fd);
      return FALSE;
    }

  contents = g_malloc0 (MAX_FILE_SIZE + 1);
  while (length < MAX_FILE_SIZE)
    {
      gssize n = read (fd, contents + length, MAX_FILE_SIZE - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Cannot read the tokens file “%s”: %s"), path, g_strerror (saved_errno));
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      length += n;
    }
  close (fd);

  *out_contents = g_steal_pointer (&contents);
  *out_length = length;
  return TRUE;
}

/* "sha256:<64 hex digits>", then nothing, or white space, "read-only"
 * and/or "# label". */
static gboolean
parse_hash_line (const char           *line,
                 guint8                digest[DIGEST_LENGTH],
                 CompaniesServerToken *token)
{
  const char *hex = line + strlen (HASH_PREFIX);
  const char *rest = hex + 2 * DIGEST_LENGTH;

  for (guint i = 0; i < 2 * DIGEST_LENGTH; i++)
    if (!g_ascii_isxdigit (hex[i]))
      return FALSE;

  if (*rest != '\0')
    {
      if (!g_ascii_isspace (*rest))
        return FALSE;
      while (g_ascii_isspace (*rest))
        rest++;
      if (g_str_has_prefix (rest, READ_ONLY_FLAG) &&
          (rest[strlen (READ_ONLY_FLAG)] == '\0' || g_ascii_isspace (rest[strlen (READ_ONLY_FLAG)])))
        {
          token->read_only = TRUE;
          rest += strlen (READ_ONLY_FLAG);
          while (g_ascii_isspace (*rest))
            rest++;
        }
      if (*rest != '#' && *rest != '\0')
        return FALSE;
      if (*rest == '#')
        {
          g_autofree char *label = g_strstrip (g_strdup (rest + 1));

          if (*label != '\0' && g_utf8_validate (label, -1, NULL))
            token->label = g_steal_pointer (&label);
        }
    }

  for (guint i = 0; i < DIGEST_LENGTH; i++)
    digest[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 |
                          g_ascii_xdigit_value (hex[2 * i + 1]));

  return TRUE;
}

CompaniesServerTokens *
companies_server_tokens_load (const char  *path,
                              GError     **error)
{
  g_autoptr(CompaniesServerTokens) self = NULL;
  char *contents = NULL;
  char *line, *next;
  gsize length = 0;
  guint line_number = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!read_private_file (path, &contents, &length, error))
    return NULL;

  self = g_new0 (CompaniesServerTokens, 1);
  self->digests = g_byte_array_new ();
  self->tokens = g_array_new (FALSE, TRUE, sizeof (CompaniesServerToken));
  g_array_set_clear_func (self->tokens, token_clear);

  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      guint8 digest[DIGEST_LENGTH];
      CompaniesServerToken token = { NULL, FALSE };
      char *end = strchr (line, '\n');

      next = end != NULL ? end + 1 : NULL;
      if (end != NULL)
        *end = '\0';
      line_number++;

      g_strstrip (line);
      if (*line == '\0' || *line == '#')
        continue;

      if (g_str_has_prefix (line, HASH_PREFIX))
        {
          /* The line is not quoted: it could be a token typed by mistake. */
          if (!parse_hash_line (line, digest, &token))
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           _("Line %u of the tokens file “%s” starts with “%s” but does "
                             "not hold 64 hexadecimal digits"),
                           line_number, path, HASH_PREFIX);
              explicit_bzero (contents, MAX_FILE_SIZE + 1);
              g_free (contents);
              return NULL;
            }
        }
      else
        hash_token (line, strlen (line), digest);

      g_byte_array_append (self->digests, digest, DIGEST_LENGTH);
      explicit_bzero (digest, sizeof digest);
      /* an older file's token has no label: its place names it */
      if (token.label == NULL)
        token.label = g_strdup_printf ("token %u", self->tokens->len + 1);
      g_array_append_val (self->tokens, token);
    }

  /* Keep no clear-text token in memory. */
  explicit_bzero (contents, MAX_FILE_SIZE + 1);
  g_free (contents);

  if (self->digests->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The tokens file “%s” holds no token"), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const CompaniesServerToken *
companies_server_tokens_lookup (CompaniesServerTokens *self,
                                const char            *token)
{
  guint8 digest[DIGEST_LENGTH];
  guint found = 0;

  g_return_val_if_fail (self != NULL, NULL);

  if (token == NULL)
    return NULL;

  hash_token (token, strlen (token), digest);

  /* Looks at every byte of every token, whatever matches; found is the
   * index + 1 of the match, picked without a branch. */
  for (guint offset = 0; offset < self->digests->len; offset += DIGEST_LENGTH)
    {
      guint8 diff = 0;
      guint match;

      for (guint i = 0; i < DIGEST_LENGTH; i++)
        diff |= self->digests->data[offset + i] ^ digest[i];

      match = (guint) (diff == 0);
      found |= (0u - match) & (offset / DIGEST_LENGTH + 1);
    }

  if (found == 0)
    return NULL;

  return &g_array_index (self->tokens, CompaniesServerToken, found - 1);
}

gboolean
companies_server_tokens_check (CompaniesServerTokens *self,
                               const char            *token)
{
  return companies_server_tokens_lookup (self, token) != NULL;
}

const CompaniesServerToken *
companies_server_tokens_get (CompaniesServerTokens *self,
                             guint                  index)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (index >= self->tokens->len)
    return NULL;

  return &g_array_index (self->tokens, CompaniesServerToken, index);
}

guint
companies_server_tokens_get_count (CompaniesServerTokens *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->digests->len / DIGEST_LENGTH;
}

void
companies_server_tokens_free (CompaniesServerTokens *self)
{
  if (self == NULL)
    return;

  g_byte_array_unref (self->digests);
  g_array_unref (self->tokens);
  g_free (self);
}
