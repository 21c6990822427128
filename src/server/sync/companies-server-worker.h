/* companies-server-worker.h: the one thread that owns the store, and the
 * one place that opens and commits its transactions
 *
 * The HTTP side stays on the main loop (so GET /v1/health answers while a
 * big sync is served); every sync request is decoded by a pool of decoder
 * threads (the smallest body first), then applied and encoded by the
 * writer, the requests that queued meanwhile in one transaction (a group
 * commit). Replies come back to the main context the worker was made in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-server-reply.h"
#include "companies-server-store.h"
#include "companies-server-tokens.h"

G_BEGIN_DECLS

/* Called in the worker's main context. */
typedef void (*CompaniesServerReplyFunc) (const CompaniesServerReply *reply,
                                          gpointer                    user_data);

/* Called in the worker's main context, after a COMMIT that raised the
 * newest version to @version. */
typedef void (*CompaniesServerCommitFunc) (gint64   version,
                                           gpointer user_data);

typedef struct _CompaniesServerWorker CompaniesServerWorker;

/* Takes @store (written by one thread) and @reader (NULL, or a read-only
 * store on the same database, for pulls on a second thread). Tombstones
 * older than @tombstone_days are purged before the first request and then
 * at most hourly, before a request. */
CompaniesServerWorker *companies_server_worker_new  (CompaniesServerStore     *store,
                                                     CompaniesServerStore     *reader,
                                                     guint                     tombstone_days);
/* Queues a sync request body sent with @token (NULL: the server runs
 * without tokens); @func is called with the reply, then @destroy on
 * @user_data. A read-only token's request with changes is answered 403
 * `read_only` and nothing of it is applied (docs/history.md).
 * @want_replaced: the request asked for `replaced` (revision 1.6);
 * @want_created: for `created` (revision 1.8). */
void                   companies_server_worker_sync (CompaniesServerWorker    *self,
                                                     GBytes                   *body,
                                                     const CompaniesServerToken *token,
                                                     gboolean                  want_replaced,
                                                     gboolean                  want_created,
                                                     CompaniesServerReplyFunc  func,
                                                     gpointer                  user_data,
                                                     GDestroyNotify            destroy);
/* The identity of the database (it names it in cursors) and its newest
 * version when the worker started. */
const char            *companies_server_worker_get_database_uuid (CompaniesServerWorker *self);
gint64                 companies_server_worker_get_start_version (CompaniesServerWorker *self);
/* Calls @func after each COMMIT that raised the newest version; set it
 * before the first request. */
void                   companies_server_worker_watch_commits     (CompaniesServerWorker     *self,
                                                                  CompaniesServerCommitFunc  func,
                                                                  gpointer                   user_data);
/* Queues a read of record @id's history (GET /v1/companies/{id}/history,
 * companies-server-history.h); @func is called with the reply, then
 * @destroy on @user_data. */
void                   companies_server_worker_history (CompaniesServerWorker    *self,
                                                        gint64                    id,
                                                        CompaniesServerReplyFunc  func,
                                                        gpointer                  user_data,
                                                        GDestroyNotify            destroy);
/* Finishes the queued requests, closes the store and frees the worker.
 * Replies not yet delivered are dropped. */
void                   companies_server_worker_free (CompaniesServerWorker    *self);

G_END_DECLS
