/* bench-util.h: what the benchmark's parts share: clocks, statistics,
 * /proc readings, raw protocol requests and peeks into a client's file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "companies-protocol.h"

G_BEGIN_DECLS

/* Monotonic microseconds. */
gint64      bench_now_us               (void);

/* Statistics of a GArray of doubles (sorted in place); 0 when empty. */
double      bench_median               (GArray       *values);
double      bench_percentile           (GArray       *values,
                                        double        percent);
double      bench_max                  (GArray       *values);

/* CPU time (user + system) in seconds: of the calling thread, of this
 * process (threads that ended included), and of another process's live
 * threads (from /proc), 0 when unknown. */
double      bench_thread_cpu_s         (void);
double      bench_self_cpu_s           (void);
double      bench_process_cpu_s        (GPid          pid);

/* The peak resident set (VmHWM) of a process in KiB, 0 when unknown. */
gint64      bench_peak_rss_kb          (GPid          pid);

/* A session for raw protocol requests (keeps its connection alive). */
SoupSession *bench_session_new         (void);

/* POSTs @request to @url/v1/companies/sync and decodes the answer; NULL
 * with @error on any failure, a non-200 status included. */
CompaniesSyncResponse *bench_post_sync (SoupSession                *session,
                                        const char                 *url,
                                        const CompaniesSyncRequest *request,
                                        GBytes                    **out_body,
                                        GError                    **error);

/* GET @url/v1/health; TRUE on a 200 answer. */
gboolean    bench_get_health           (SoupSession  *session,
                                        const char   *url,
                                        GError      **error);

/* A request with empty lists. */
CompaniesSyncRequest *bench_request_new (const char  *client_id,
                                         const char  *cursor);

/* A peek at a client's SQLite file, read-only. */
typedef struct
{
  char   uuid[37];
  gint64 id;
  gint64 version;
} BenchRecordRef;

/* The stored cursor (NULL when none). */
char       *bench_client_cursor        (const char     *path,
                                        GError        **error);
/* The records with the local_ids @local_ids (all must exist). */
gboolean    bench_client_records       (const char     *path,
                                        const gint64   *local_ids,
                                        guint           n,
                                        BenchRecordRef *out_refs,
                                        GError        **error);

G_END_DECLS
