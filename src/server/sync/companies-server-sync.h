/* companies-server-sync.h: the server side of POST /v1/companies/sync
 * (docs/protocol.md section 3), on top of the store interface
 *
 * Both calls run inside a transaction of @store that their caller opened
 * and ends: the worker (companies-server-worker.c) is the one place that
 * opens and commits transactions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-protocol.h"
#include "companies-server-cursor.h"
#include "companies-server-store.h"

G_BEGIN_DECLS

/* Parses the request's cursor into @out_cursor (*out_has_cursor FALSE for
 * none). Fails with COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST (*out_path =
 * "cursor") for a cursor this server could not have made: the request is
 * refused before any transaction. */
gboolean               companies_server_sync_read_cursor (const CompaniesSyncRequest   *request,
                                                          CompaniesServerCursor        *out_cursor,
                                                          gboolean                     *out_has_cursor,
                                                          char                        **out_path,
                                                          GError                      **error);

/* Applies @request (whose cursor, NULL for none, is @cursor) and returns
 * the response, or fails with the store's error: the caller then rolls
 * back what it applied. @now is the time of the request in UNIX seconds
 * (it stamps deletions and history); @who the label of its token (NULL
 * without tokens), kept in history as who wrote. */
CompaniesSyncResponse *companies_server_sync_apply       (CompaniesServerStore         *store,
                                                          const CompaniesSyncRequest   *request,
                                                          const CompaniesServerCursor  *cursor,
                                                          gint64                        now,
                                                          const char                   *who,
                                                          GError                      **error);

/* Removes the tombstones deleted more than @tombstone_days days before
 * @now (0: every tombstone), raising the purge horizon: cursors older than
 * it get a reset. */
gboolean               companies_server_sync_purge       (CompaniesServerStore         *store,
                                                          guint                         tombstone_days,
                                                          gint64                        now,
                                                          guint                        *out_n_purged,
                                                          GError                      **error);

G_END_DECLS
