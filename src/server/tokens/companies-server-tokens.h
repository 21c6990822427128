/* companies-server-tokens.h: the bearer tokens a server accepts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/stat.h>

G_BEGIN_DECLS

typedef struct _CompaniesServerTokens CompaniesServerTokens;

/* What the server knows of a token besides its hash (docs/history.md). */
typedef struct
{
  char     *label;      /* shown in history and notices: "Ana's laptop" */
  gboolean  read_only;  /* may pull, never push */
} CompaniesServerToken;

/* Reads a tokens file: one token a line, either as "sha256:<hex digest>"
 * (optionally followed by " read-only" and by " # label") or in clear
 * (white space around it ignored); blank lines and lines starting with '#'
 * skipped. A token without a label (older files) is labelled "token N",
 * N its place in the file. Refuses a file that group or others may
 * access, a malformed sha256: line, and a file without any token. Only
 * SHA-256 hashes of the tokens are kept. */
CompaniesServerTokens *companies_server_tokens_load      (const char            *path,
                                                          GError               **error);
/* TRUE when @token is one of the configured tokens; compares against every
 * token in constant time. */
gboolean               companies_server_tokens_check     (CompaniesServerTokens *self,
                                                          const char            *token);
/* The token @token is, or NULL when it is none of the configured ones;
 * compares against every token in constant time. Owned by @self. */
const CompaniesServerToken *companies_server_tokens_lookup (CompaniesServerTokens *self,
                                                            const char            *token);
/* The @index-th token of the file, from 0; NULL past the last. */
const CompaniesServerToken *companies_server_tokens_get   (CompaniesServerTokens *self,
                                                           guint                  index);
guint                  companies_server_tokens_get_count (CompaniesServerTokens *self);
void                   companies_server_tokens_free      (CompaniesServerTokens *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesServerTokens, companies_server_tokens_free)

/* Opens a tokens file with @flags (O_CLOEXEC added; created 0600 with
 * O_CREAT) and checks that it is a regular file only its owner may
 * access. Returns the descriptor, or -1 with @error set. */
int                    companies_server_tokens_open_private (const char   *path,
                                                             int           flags,
                                                             struct stat  *out_stat,
                                                             GError      **error);

G_END_DECLS
