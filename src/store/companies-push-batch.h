/* companies-push-batch.h: CompaniesPushBatch, a sync request ready to
 * send and, for every record it pushes, what the store needs to apply
 * the answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-protocol.h"

G_BEGIN_DECLS

/* One pushed record: what was sent, and the record's local_seq then. */
typedef struct
{
  CompaniesChangeKind  kind;
  gint64               local_seq;
  gint64               local_id;
  CompaniesChange     *change;   /* owned by the batch's request */
  gboolean             first_send;  /* an addition this batch marked add_sent */
} CompaniesPushedRecord;

/* The additions a batch read from the push's filter, as the span of
 * local_seq they fill: when the batch was read, the filter's partial
 * index (companies_added_idx) held nothing else in [lo, hi]. While the
 * batch is in flight, the next one need not read them again only to
 * leave them out (companies_local_store_build_push_batch_skipping ()).
 * count 0: no span. */
typedef struct
{
  gint64   lo;
  gint64   hi;
  guint    count;
  guint64  reentered;  /* the store's additions_reentered then */
} CompaniesPushRange;

/* A request ready to send: the pending changes (the pattern's three filters,
 * skipping rejected rows), the cursor and client id, and for every pushed
 * record its local_seq at the time (uuid -> CompaniesPushedRecord). */
typedef struct
{
  CompaniesSyncRequest *request;
  GHashTable           *pushed;     /* char *uuid -> CompaniesPushedRecord * */
  guint                 n_changes;
  CompaniesPushRange    added_range;
  /* The span that marks its first sends (companies-sent-spans.h), 0:
   * none, they are marked row by row. */
  gint64                sent_span_id;
  /* The request's lists of changes, encoded ahead (NULL: not yet): they
   * do not change once the batch is built, unlike its cursor. */
  GBytes               *encoded_changes;
} CompaniesPushBatch;

void                companies_push_batch_free          (CompaniesPushBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesPushBatch, companies_push_batch_free)

/* The key under which a record pushed as @kind is kept in a set of
 * records to leave out (see companies_local_store_build_push_batch ()):
 * "<kind>:<uuid>". A record is pushed at most once per kind a sync. */
char               *companies_push_batch_key           (CompaniesChangeKind  kind,
                                                        const char          *uuid);

/* Room for the key of a record with a uuid of the usual 36 characters. */
#define COMPANIES_PUSH_BATCH_KEY_ROOM 48

/* Whether @keys holds the key of @uuid pushed as @kind; a lookup without
 * an allocation when the key fits COMPANIES_PUSH_BATCH_KEY_ROOM (it runs
 * for every record a bulk push reads). */
gboolean            companies_push_batch_keys_contain  (GHashTable          *keys,
                                                        CompaniesChangeKind  kind,
                                                        const char          *uuid);

G_END_DECLS
