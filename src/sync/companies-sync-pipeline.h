/* companies-sync-pipeline.h: CompaniesSyncPipeline, the rounds of one
 * sync (docs/protocol.md section 3): push every change pending when it
 * began, in batches, and pull until has_more is false, each response
 * applied in one transaction. Round trips overlap: while response n is
 * applied (in a helper thread), request n+1 is on its way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "companies-local-store.h"
#include "companies-sync-config.h"
#include "companies-sync-result.h"

G_BEGIN_DECLS

/* Called after each round trip, in the thread of the sync. */
typedef void (*CompaniesSyncProgressFunc) (guint    sent,
                                           guint    received,
                                           gpointer user_data);

typedef struct _CompaniesSyncPipeline CompaniesSyncPipeline;

/* The rounds of one sync to @url (see companies_sync_http_build_url ())
 * through @session, on @store; @config and @url outlive the pipeline. */
CompaniesSyncPipeline     *companies_sync_pipeline_new        (const CompaniesSyncConfig  *config,
                                                               const char                 *url,
                                                               SoupSession                *session,
                                                               CompaniesLocalStore        *store,
                                                               GCancellable               *cancellable,
                                                               CompaniesSyncProgressFunc   progress,
                                                               gpointer                    progress_data);
void                       companies_sync_pipeline_free       (CompaniesSyncPipeline      *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncPipeline, companies_sync_pipeline_free)

/* Runs every round. A failure still applies a response already received
 * (nothing is lost). Errors: COMPANIES_SYNC_ERROR, or
 * G_IO_ERROR_CANCELLED. */
gboolean                   companies_sync_pipeline_run        (CompaniesSyncPipeline      *self,
                                                               GError                    **error);
/* What the rounds did so far. */
const CompaniesSyncResult *companies_sync_pipeline_get_result (CompaniesSyncPipeline      *self);

G_END_DECLS
