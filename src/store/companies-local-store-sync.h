/* companies-local-store-sync.h: what the sync client asks of the local
 * store: the change counter and the cursor, building a push batch, and
 * applying one response in one transaction. Tests include it to drive the
 * apply step with hand-built responses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store.h"
#include "companies-protocol.h"
#include "companies-push-batch.h"

G_BEGIN_DECLS

/* The store's local change counter: every ForSync change takes the next
 * value as the record's local_seq. A sync pushes only records whose
 * local_seq is at most the counter's value when it began. */
gboolean          companies_local_store_get_change_counter (CompaniesLocalStore *self,
                                                            gint64              *out_value,
                                                            GError             **error);
/* The stored cursor, NULL when the store holds no server data. */
gboolean          companies_local_store_dup_cursor     (CompaniesLocalStore *self,
                                                        char               **out_cursor,
                                                        GError             **error);
/* Gives the connection a page cache that holds most of a large store's
 * uuid index while @syncing (64 MiB at most, taken only as pages are
 * read), and its usual size again after (16 MiB unless the program set
 * another, companies_local_store_set_default_cache_size (); the pages
 * above it go back to the allocator), so that an idle program does not
 * keep it.
 * Only the cache's size: failure to change it is not an error. */
void              companies_local_store_set_syncing    (CompaniesLocalStore *self,
                                                        gboolean             syncing);
/* At the end of a sync run, whatever its outcome: writes the sent marks
 * of batches never answered into their rows (companies-sent-spans.h),
 * and builds the indexes a bulk push deferred
 * (companies-local-store-indexes.c), unless a snapshot goes on (its last
 * page builds them). */
gboolean          companies_local_store_end_sync       (CompaniesLocalStore *self,
                                                        GError             **error);
/* Forgets the cursor (and any snapshot in progress) in its own
 * transaction: the next sync pulls a full snapshot. For a cursor the
 * server no longer understands. */
gboolean          companies_local_store_forget_cursor  (CompaniesLocalStore *self,
                                                        GError             **error);
/* Sets the last sync time (unix seconds) in its own transaction. */
gboolean          companies_local_store_set_last_sync_time (CompaniesLocalStore *self,
                                                            gint64               unix_time,
                                                            GError             **error);

/* Builds a batch of at most @max_changes pending changes whose local_seq
 * is at most @max_local_seq, leaving out the records whose key (see
 * companies_push_batch_key ()) is in @exclude (may be NULL). The request's
 * lists may all be empty; it always carries the cursor and client id.
 * Additions sent for the first time are marked add_sent (see
 * companies-store-row.h), by one span when they fill one
 * (companies-sent-spans.h), in a transaction of their own before it
 * returns: from then on the server may hold them. */
CompaniesPushBatch *companies_local_store_build_push_batch
                                                       (CompaniesLocalStore *self,
                                                        gint64               max_local_seq,
                                                        guint                max_changes,
                                                        GHashTable          *exclude,
                                                        GError             **error);
/* The same, while the batch whose added_range is @in_flight (may be
 * NULL) is in flight, its keys in @exclude: its additions are not read
 * again when they are still all that span holds (a bulk push's next
 * batch reads 10000 rows instead of 20000). The result is the same. */
CompaniesPushBatch *companies_local_store_build_push_batch_skipping
                                                       (CompaniesLocalStore       *self,
                                                        gint64                     max_local_seq,
                                                        guint                      max_changes,
                                                        GHashTable                *exclude,
                                                        const CompaniesPushRange  *in_flight,
                                                        GError                   **error);

/* The request of @batch surely never reached the server, or the server
 * applied none of it (it answered an error status): the additions that
 * @batch marked add_sent are marked unsent again (as if never built),
 * and those deleted here meanwhile are removed, in one transaction. Not
 * for a failure that leaves it unknown (a lost response). */
gboolean            companies_local_store_unmark_adds_sent
                                                       (CompaniesLocalStore       *self,
                                                        const CompaniesPushBatch  *batch,
                                                        GError                   **error);

/* What applying one response did. */
typedef struct
{
  guint received;     /* companies and tombstones of the response */
  guint rejected;     /* records marked rejected (or turned back into additions) */
  guint overwritten;  /* overwritten notices stored */
  guint replaced;     /* values of ours that others replaced unseen */
  guint deleted_edits; /* notices of edits to companies deleted elsewhere */
  guint removed;      /* rows removed at the end of a snapshot */
} CompaniesApplyStats;

/* Applies @response, the answer to @batch's request (@batch NULL: a pull
 * that pushed nothing and sent the stored cursor), in one transaction:
 * server records with the in-flight rule, tombstones, rejections
 * (not_found -> local addition), overwritten notices, the snapshot marks
 * of a reset and the removal after its last page, the new cursor and,
 * when nothing more waits on the server, the last sync time. */
gboolean            companies_local_store_apply_response
                                                       (CompaniesLocalStore         *self,
                                                        const CompaniesPushBatch    *batch,
                                                        const CompaniesSyncResponse *response,
                                                        CompaniesApplyStats         *out_stats,
                                                        GError                     **error);

G_END_DECLS
