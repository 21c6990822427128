/* companies-history-fetch.h: a company's history, fetched from the server
 * (GET /v1/companies/{id}/history, docs/protocol.md, docs/history.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-error.h"
#include "companies-history-entry.h"
#include "companies-sync-config.h"

G_BEGIN_DECLS

/* Fetches the history of the company with server id @id in a thread,
 * with the address, token and TLS trust of @config (copied). */
void       companies_history_fetch_async  (const CompaniesSyncConfig  *config,
                                           gint64                      id,
                                           GCancellable               *cancellable,
                                           GAsyncReadyCallback         callback,
                                           gpointer                    user_data);
/* The entries (CompaniesHistoryEntry), newest first; NULL with a
 * COMPANIES_SYNC_ERROR: NETWORK ("History needs a connection to the
 * server"), UNAUTHORIZED, NOT_FOUND, CERTIFICATE, SERVER or PROTOCOL; or
 * G_IO_ERROR_CANCELLED. */
GPtrArray *companies_history_fetch_finish (GAsyncResult               *result,
                                           GError                    **error);

/* The same, blocking (for the CLI). */
GPtrArray *companies_history_fetch        (const CompaniesSyncConfig  *config,
                                           gint64                      id,
                                           GCancellable               *cancellable,
                                           GError                    **error);

/* Decodes a history answer; NULL with COMPANIES_SYNC_ERROR_PROTOCOL. */
GPtrArray *companies_history_decode       (const char                 *data,
                                           gsize                       length,
                                           GError                    **error);

G_END_DECLS
