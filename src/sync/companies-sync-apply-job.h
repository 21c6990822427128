/* companies-sync-apply-job.h: CompaniesSyncApplyJob, the work of a sync
 * done while a request is out: applying the previous response, then
 * building the batch after the one in flight, in a helper thread (or, for
 * the last response, here and now).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store-sync.h"
#include "companies-sync-in-flight.h"
#include "companies-sync-result.h"

G_BEGIN_DECLS

typedef struct _CompaniesSyncApplyJob CompaniesSyncApplyJob;

/* Starts applying @response (may be NULL), the answer to @batch (both
 * taken), and when @in_flight is not NULL building the next batch from it,
 * in a helper thread (@overlap) or here and now. Until the job is
 * finished, the caller touches neither @store nor @in_flight.
 * @keep_records: the result reports the records applied (see
 * CompaniesSyncResult); else a push's response is freed with its batch
 * in the helper. */
CompaniesSyncApplyJob *companies_sync_apply_job_start  (CompaniesLocalStore    *store,
                                                        CompaniesPushBatch     *batch,
                                                        CompaniesSyncResponse  *response,
                                                        CompaniesSyncInFlight  *in_flight,
                                                        gboolean                keep_records,
                                                        gboolean                overlap);
/* Joins @job and frees it. When it applied its response, counts it into
 * @result and sets *@out_applied; *@out_next (may be NULL) gets the batch
 * it built. FALSE with the store's error when the apply or the build
 * failed. */
gboolean               companies_sync_apply_job_finish (CompaniesSyncApplyJob  *job,
                                                        CompaniesSyncResult    *result,
                                                        gboolean               *out_applied,
                                                        CompaniesPushBatch    **out_next,
                                                        GError                **error);

G_END_DECLS
