/* companies-server-sync.h: the server side of POST /v1/companies/sync
 * (protocol.md section 3), on top of the store interface.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-protocol.h"
#include "companies-server-store.h"

G_BEGIN_DECLS

/* Applies @request in one transaction and returns the response. Fails with
 * COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST (*out_path = "cursor") for a
 * cursor this server could not have made, or with the store's error when
 * the storage failed; nothing is applied then. @now is the time of the
 * request in UNIX seconds (it stamps deletions). */
CompaniesSyncResponse *companies_server_sync_apply (CompaniesServerStore        *store,
                                                    const CompaniesSyncRequest  *request,
                                                    gint64                       now,
                                                    char                       **out_path,
                                                    GError                     **error);

/* The same inside a transaction the caller began and commits (a group
 * commit of several requests): @request is applied in a savepoint of its
 * own, and on failure only its work is rolled back, unless the failure took
 * the whole transaction with it: *out_lost is TRUE then. A response only
 * counts once the caller's COMMIT succeeded. */
CompaniesSyncResponse *companies_server_sync_apply_nested (CompaniesServerStore        *store,
                                                           const CompaniesSyncRequest  *request,
                                                           gint64                       now,
                                                           gboolean                    *out_lost,
                                                           char                       **out_path,
                                                           GError                     **error);

/* Removes, in one transaction, the tombstones deleted more than
 * @tombstone_days days before @now (0: every tombstone), raising the purge
 * horizon: cursors older than it get a reset. */
gboolean               companies_server_sync_purge (CompaniesServerStore        *store,
                                                    guint                        tombstone_days,
                                                    gint64                       now,
                                                    guint                       *out_n_purged,
                                                    GError                     **error);

G_END_DECLS
