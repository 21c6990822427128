/* companies-sync-in-flight.h: CompaniesSyncInFlight, the records of one
 * sync that are in flight (sent, or in a batch built to be sent, and not
 * answered yet), by key: a batch built meanwhile leaves them out, so that
 * no record goes twice at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store-sync.h"

G_BEGIN_DECLS

typedef struct _CompaniesSyncInFlight CompaniesSyncInFlight;

/* The batches of one sync: at most @batch_size changes each, of records
 * whose local_seq is at most @max_local_seq. */
CompaniesSyncInFlight *companies_sync_in_flight_new            (gint64                    max_local_seq,
                                                                guint                     batch_size);
void                   companies_sync_in_flight_free           (CompaniesSyncInFlight    *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncInFlight, companies_sync_in_flight_free)

guint                  companies_sync_in_flight_get_batch_size (CompaniesSyncInFlight    *self);

/* The next batch, leaving out what is in flight; its records join the
 * ones in flight at once. Errors of COMPANIES_STORE_ERROR. */
CompaniesPushBatch    *companies_sync_in_flight_next_batch     (CompaniesSyncInFlight    *self,
                                                                CompaniesLocalStore      *store,
                                                                GError                  **error);
/* A request that did not go through: its records may be sent again. */
void                   companies_sync_in_flight_release        (CompaniesSyncInFlight    *self,
                                                                const CompaniesPushBatch *batch);

G_END_DECLS
