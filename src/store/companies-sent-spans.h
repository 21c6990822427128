/* companies-sent-spans.h: the add_sent mark of a whole batch of first
 * sends at once, as the span of local_seq its additions fill (the
 * sent_spans table, schema version 7).
 *
 * A bulk push's batch marks 10000 additions sent before it goes out.
 * Setting add_sent row by row rewrote 10000 wide rows, the search text
 * and sort keys with them, for one bit each: 0.85 s of a million-row
 * push (docs/sync-1m.md, round 13). A span is one row instead.
 *
 * What a span means: every pending addition (not IsFromServer, IsActive)
 * whose local_seq lies in [lo, hi] counts as add_sent, with sent_changed
 * 0, whatever its add_sent column says. It holds because when the span
 * is written, the push's partial index holds in [lo, hi] only the
 * batch's additions, unchanged since read, and after that:
 * - a local change gives a row the next local_seq, above every span, and
 *   the save that makes it writes the mark into the row's own column
 *   (the row was loaded with the span's mark, see
 *   companies_local_store_load_row ());
 * - a new row takes a new local_seq, above every span;
 * - a save that makes a row a pending addition again with its old
 *   local_seq (a record the server forgot) first settles the spans that
 *   hold it: see companies_sent_spans_settle_holding ().
 * A span is settled when its batch is answered (its rows adopted, the
 * others' marks written into their columns), taken back when its batch
 * never reached the server, and every span left over (a lost response,
 * a crash) is settled before and after each sync run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store-private.h"

G_BEGIN_DECLS

/* The spans as read in one transaction, for a read of many rows. */
typedef struct
{
  gint64 span_id;
  gint64 lo;
  gint64 hi;
} CompaniesSentSpan;

/* Schema version 7: creates the table. */
gboolean companies_sent_spans_create         (CompaniesLocalStore  *self,
                                              GError              **error);

/* In a write transaction: marks the pending additions of [@lo, @hi]
 * sent; *@out_span_id names the span for its settle or release. */
gboolean companies_sent_spans_mark           (CompaniesLocalStore  *self,
                                              gint64                lo,
                                              gint64                hi,
                                              gint64               *out_span_id,
                                              GError              **error);

/* In a write transaction: the batch of @span_id was answered. The pending
 * additions still in its span keep their mark in their own column, and
 * the span goes. Nothing when it went already. */
gboolean companies_sent_spans_settle         (CompaniesLocalStore  *self,
                                              gint64                span_id,
                                              GError              **error);

/* In a write transaction: the batch of @span_id never reached the server.
 * The span goes, and with it the mark of the rows still in it. */
gboolean companies_sent_spans_release        (CompaniesLocalStore  *self,
                                              gint64                span_id,
                                              GError              **error);

/* In a write transaction: settles every span that holds @local_seq, for
 * a save that makes a row with that local_seq a pending addition. */
gboolean companies_sent_spans_settle_holding (CompaniesLocalStore  *self,
                                              gint64                local_seq,
                                              GError              **error);

/* Settles every span, in a transaction of its own when there is one (no
 * write otherwise): for the start and end of a sync run, when no batch
 * is in flight. */
gboolean companies_sent_spans_settle_all     (CompaniesLocalStore  *self,
                                              GError              **error);

/* Whether a span holds @local_seq. */
gboolean companies_sent_spans_hold           (CompaniesLocalStore  *self,
                                              gint64                local_seq,
                                              gboolean             *out_held,
                                              GError              **error);

/* Every span (CompaniesSentSpan), for a read of many rows. */
GArray  *companies_sent_spans_read           (CompaniesLocalStore  *self,
                                              GError              **error);

/* Whether one of @spans holds @local_seq (a few spans: one per batch in
 * flight). */
gboolean companies_sent_spans_array_holds    (const GArray         *spans,
                                              gint64                local_seq);

G_END_DECLS
