/* bench-run.h: one run of the sync benchmark against a fresh
 * companies-server: push, initial sync (in a child process, for its peak
 * RSS), the in-process limit, no-op and incremental syncs, load from many
 * clients, and other clients' latency while a snapshot is served.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bench-load.h"
#include "bench-postgres.h"

G_BEGIN_DECLS

typedef struct
{
  guint  records;              /* companies on the server */
  guint  runs;
  guint  changed;              /* changed records of an incremental sync */
  guint  noop_samples;         /* no-op syncs timed per run */
  guint  incremental_samples;  /* incremental syncs timed per run */
  guint  clients;              /* concurrent clients of the load figure */
  double load_seconds;
  gboolean verbose;
  /* Only the sync figures: push, initial sync, incremental syncs and
   * the small syncs while a snapshot is served (no limit, no-op, CLI,
   * load or app), so that they run alone at a million companies. */
  gboolean sync_only;
} BenchConfig;

typedef struct
{
  double           import_s;        /* the bulk import before the push (not a figure) */
  double           push_s;
  double           initial_s;
  double           limit_s;
  double           client_rss_mb;
  double           server_rss_mb;
  double           noop_ms;         /* median of the run's samples */
  double           incremental_ms;  /* median of the run's samples */
  gsize            json_bytes;      /* the snapshot's JSON */
  /* CPU seconds (user + system), steadier than wall time on a busy
   * machine: client and server of the figure, and the limit. */
  double           push_cpu_client_s;
  double           push_cpu_server_s;
  double           initial_cpu_client_s;
  double           initial_cpu_server_s;
  double           limit_cpu_s;
  double           noop_cpu_client_ms;  /* per sync */
  double           noop_cpu_server_ms;
  double           incremental_cpu_client_ms;
  double           incremental_cpu_server_ms;
  double           noop_server_ms;         /* the server's own log of the request */
  double           incremental_server_ms;
  /* The app (companies-bench-app), when it could run. */
  gboolean         app_measured;
  double           app_start_ms;
  double           app_keystroke_ms;
  double           app_search_changed_ms;
  double           app_refine_ms;
  double           app_refine_changed_ms;
  double           app_refresh_ms;
  gboolean         app_kept;
  double           app_peak_rss_mb;   /* from the app's start on */
  BenchLoadResult  load;
  double           load_cpu_client_ms;  /* per sync: the load's clients, the server */
  double           load_cpu_server_ms;
  BenchProbeResult probe;
  double           probed_snapshot_s;
  /* The same on PostgreSQL (bench-postgres.c), unless
   * COMPANIES_BENCH_POSTGRES=0. */
  BenchPostgresResult pg;
  double           cli_status_ms;      /* companies-cli status, as a process */
  double           cli_noop_sync_ms;   /* companies-cli sync with nothing to do */
} BenchRunResult;

gboolean bench_run_once   (const BenchConfig  *config,
                           GPtrArray          *rows,
                           guint               run,
                           BenchRunResult     *out_result,
                           GError            **error);

/* The child process of an initial sync: syncs @database_path with
 * @url, then prints one "BENCH-CHILD …" line (elapsed time, peak RSS,
 * records received, CPU time). @count - 1 more syncs follow (for
 * profiling no-op syncs by hand). Returns the exit status. */
int      bench_child_sync (const char         *database_path,
                           const char         *url,
                           int                 count);

/* Runs bench_child_sync () of @database_path with @url in a child
 * process, and reads what it printed: the initial sync's time, the
 * child's peak RSS, the records received, its CPU time. */
GSubprocess *bench_child_sync_start  (const char   *database_path,
                                      const char   *url,
                                      GError      **error);
gboolean     bench_child_sync_finish (GSubprocess  *child,
                                      gint64       *out_elapsed_us,
                                      gint64       *out_peak_kb,
                                      guint        *out_received,
                                      double       *out_cpu_s,
                                      GError      **error);

/* Fills a new server database at @server_path with @rows (pushed by a
 * client), for profiling by hand. */
gboolean bench_prepare_server (const char     *server_path,
                               GPtrArray      *rows,
                               GError        **error);

G_END_DECLS
