/* companies-store-fingerprint.h: what the file system says about a local
 * store's files (identity, size, times of the database and its -wal), and
 * the record of the last state known sound, kept beside the database. The
 * scheme is described in docs/store-checks.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *text;   /* one line: dev, inode, size, mtime and ctime (ns) of the
                 * database and of its -wal (zeros when there is none) */
} CompaniesStoreFingerprint;

/* Takes the fingerprint of the files of @open_path now. */
void     companies_store_fingerprint_take        (CompaniesStoreFingerprint       *out,
                                                  const char                      *open_path);
void     companies_store_fingerprint_clear       (CompaniesStoreFingerprint       *fingerprint);

/* TRUE when the record kept for the store @path holds @fingerprint. */
gboolean companies_store_fingerprint_is_recorded (const CompaniesStoreFingerprint *fingerprint,
                                                  const char                      *path);

/* Writes @fingerprint as the record of @path (0600, by a rename, no
 * fsync: a record lost in a crash only means a full check next time).
 * Failures are ignored for the same reason. */
void     companies_store_fingerprint_record      (const CompaniesStoreFingerprint *fingerprint,
                                                  const char                      *path);

/* Removes the record of @path: the next checked open checks in full. */
void     companies_store_fingerprint_forget      (const char                      *path);

/* The file that holds the record of @path. */
char    *companies_store_fingerprint_path        (const char                      *path);

G_END_DECLS
