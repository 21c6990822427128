/* companies-sync-run.h: one whole sync, blocking, in the calling thread;
 * CompaniesSyncClient runs it directly (sync) or in a worker thread
 * (sync_async).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-sync-cache.h"
#include "companies-sync-config.h"
#include "companies-sync-pipeline.h"
#include "companies-sync-result.h"

G_BEGIN_DECLS

/* Takes the flock on <database>.sync-lock (polled every 50 ms, honouring
 * @cancellable), takes the store connection and SoupSession of @cache
 * (or opens its own; @cache may be NULL), and runs the rounds of a
 * CompaniesSyncPipeline. A run that succeeds leaves them in @cache; one
 * that fails does not (the next run starts afresh). Errors:
 * COMPANIES_SYNC_ERROR, or G_IO_ERROR_CANCELLED. */
CompaniesSyncResult *companies_sync_run (const CompaniesSyncConfig  *config,
                                         CompaniesSyncCache         *cache,
                                         GCancellable               *cancellable,
                                         CompaniesSyncProgressFunc   progress,
                                         gpointer                    progress_data,
                                         GError                    **error);

G_END_DECLS
