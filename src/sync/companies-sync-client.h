/* companies-sync-client.h: runs the sync of docs/protocol.md against a
 * server, in a worker thread with a SQLite connection and SoupSession of
 * its own (kept from one sync to the next), and watches the server's
 * change feed (companies-sync-watch.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-error.h"
#include "companies-local-store.h"
#include "companies-sync-result.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_SYNC_CLIENT (companies_sync_client_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesSyncClient, companies_sync_client, COMPANIES, SYNC_CLIENT, GObject)

/* Properties: "database-path" (construct-only), "server-url" (e.g.
 * "http://127.0.0.1:8080", no trailing path), "token" (NULL = none; never
 * logged), "is-syncing" (read-only, notified on the main context),
 * "tls-ca-file" (a PEM file of the certificate authorities to trust for
 * https, instead of the system's; NULL = $COMPANIES_CA_FILE when set,
 * else the system's trust).
 *
 * Signal "progress" (guint sent, guint received): emitted in the thread
 * default main context of the caller of sync_async while a sync runs,
 * after each round trip. */

CompaniesSyncClient *companies_sync_client_new            (const char           *database_path,
                                                           const char           *server_url,
                                                           const char           *token);

const char          *companies_sync_client_get_server_url (CompaniesSyncClient  *self);
void                 companies_sync_client_set_server_url (CompaniesSyncClient  *self,
                                                           const char           *server_url);
void                 companies_sync_client_set_token      (CompaniesSyncClient  *self,
                                                           const char           *token);
gboolean             companies_sync_client_get_is_syncing (CompaniesSyncClient  *self);
const char          *companies_sync_client_get_tls_ca_file (CompaniesSyncClient *self);
/* For private deployments and tests: trust the certificate authorities of
 * @ca_file (PEM) instead of the system's. Used from the next sync on; a
 * file that cannot be read fails that sync with
 * COMPANIES_SYNC_ERROR_CERTIFICATE. */
void                 companies_sync_client_set_tls_ca_file (CompaniesSyncClient *self,
                                                            const char          *ca_file);

/* The time one round trip may take in all (docs/protocol-transport.md),
 * from the next sync on; 0 for the default. For tests, which make it
 * short. */
void                 companies_sync_client_set_request_deadline (CompaniesSyncClient *self,
                                                                 guint                seconds);

/* Whether the results of the next syncs list every record they applied
 * (CompaniesSyncResult's "applied"); off by default. */
void                 companies_sync_client_set_report_applied (CompaniesSyncClient *self,
                                                               gboolean             report);

/* Pushes every pending change (in requests of at most 10000 changes) and
 * pulls until has_more is false, applying each response in one local
 * transaction. One sync at a time per database, across processes too; a
 * sync asked for while one runs is done right after it, and every caller
 * that asked meanwhile completes with that next run. Errors:
 * COMPANIES_SYNC_ERROR, or G_IO_ERROR_CANCELLED. */
void                 companies_sync_client_sync_async     (CompaniesSyncClient  *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
CompaniesSyncResult *companies_sync_client_sync_finish    (CompaniesSyncClient  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Runs one whole sync in the calling thread (the CLI and tests use it;
 * sync_async runs this in its worker). Same errors. */
CompaniesSyncResult *companies_sync_client_sync           (CompaniesSyncClient  *self,
                                                           GCancellable         *cancellable,
                                                           GError              **error);

/* The store connection the last blocking sync kept, taken from the
 * client (the next sync opens its own again), or NULL when none is kept:
 * for a caller's reads once the sync is over, without opening the
 * database a second time (companies-cli sync lists the refused records). */
CompaniesLocalStore *companies_sync_client_take_store     (CompaniesSyncClient  *self);

/* Holds GET /v1/changes with the cursor of the client's database until
 * the server has something newer, or @wait_seconds pass (1 to 30; 0 for
 * the server's default of 25) (docs/protocol.md, docs/live.md). */
void                 companies_sync_client_watch_async    (CompaniesSyncClient  *self,
                                                           guint                 wait_seconds,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
/* TRUE with *out_changed set; FALSE with the same errors as a sync
 * (COMPANIES_SYNC_ERROR_NETWORK when unreachable, …), and
 * G_IO_ERROR_NOT_SUPPORTED when the server has no change feed. */
gboolean             companies_sync_client_watch_finish   (CompaniesSyncClient  *self,
                                                           GAsyncResult         *result,
                                                           gboolean             *out_changed,
                                                           GError              **error);

G_END_DECLS
