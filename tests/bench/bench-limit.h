/* bench-limit.h: the in-process limit of an initial sync: the same JSON
 * pages the server sends, parsed with json-glib and inserted into SQLite
 * in one process, nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *pages;        /* of GBytes: the response bodies, in order */
  gsize      total_bytes;
  guint      n_records;
} BenchSnapshot;

void           bench_snapshot_free   (BenchSnapshot  *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchSnapshot, bench_snapshot_free)

/* Pulls a whole snapshot from the server at @url (cursor null, then each
 * page's cursor) and keeps the bodies. */
BenchSnapshot *bench_snapshot_fetch  (const char     *url,
                                      GError        **error);

/* Parses every page with json-glib and inserts its companies into a new
 * SQLite file at @db_path (WAL, synchronous=FULL, uuid and id unique: the
 * client's durability), one transaction per page. Returns the elapsed
 * microseconds, or -1 with @error. */
gint64         bench_limit_run       (BenchSnapshot  *snapshot,
                                      const char     *db_path,
                                      GError        **error);

G_END_DECLS
