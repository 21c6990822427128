/* companies-local-store-adopt.h: the answer to an addition of ours that
 * the server holds as it is here, taken in one statement (for one record)
 * or one statement for all of a response (a bulk push).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store-private.h"
#include "companies-push-batch.h"

G_BEGIN_DECLS

/* Makes @record, the answer to one of our additions, the row's server
 * state when the row holds the server's values (whatever its add_sent and
 * changed set, nothing stays pending) and is still a local addition;
 * *out_adopted tells whether it did. */
gboolean companies_local_store_adopt_unchanged_add (CompaniesLocalStore          *self,
                                                    const CompaniesRecord        *record,
                                                    gint64                        snapshot_generation,
                                                    gboolean                     *out_adopted,
                                                    GError                      **error);
/* The same, in one statement, for every record of @response that answers
 * an addition of @batch not changed since the batch read it and whose
 * values the server holds as sent: adopted[i] is set for the records it
 * took. Takes none when a row of the store holds one of their ids (an id
 * of another server database, which the record by record path evicts). */
gboolean companies_local_store_adopt_sent_adds     (CompaniesLocalStore          *self,
                                                    const CompaniesPushBatch     *batch,
                                                    const CompaniesSyncResponse  *response,
                                                    gint64                        snapshot_generation,
                                                    gboolean                     *adopted,
                                                    GError                      **error);

G_END_DECLS
