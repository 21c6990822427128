/* bench-load.h: load on the server from lean protocol clients (one thread
 * each, a loopback connection a request, no local store): many clients each
 * syncing one change, and a probe that measures how long health checks
 * and small syncs wait while something else runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  n_syncs;
  guint  n_failed;
  double syncs_per_second;
  double p50_ms;
  double p99_ms;
  double max_ms;
} BenchLoadResult;

/* @n_clients threads, each repeatedly pushing one change (an add, then
 * updates of that record) and pulling the others' changes from @cursor
 * on, for @seconds. */
void bench_load_run (const char      *url,
                     const char      *cursor,
                     guint            n_clients,
                     double           seconds,
                     BenchLoadResult *out_result);
/* The same, client i on urls[i % their number] (NULL-terminated); with
 * @keep_alive, the clients keep their connection alive between syncs over
 * plain HTTP too, as the app's client does. */
void bench_load_run_spread (const char * const *urls,
                            const char         *cursor,
                            gboolean            keep_alive,
                            guint               n_clients,
                            double              seconds,
                            BenchLoadResult    *out_result);

typedef struct _BenchProbe BenchProbe;

typedef struct
{
  guint  n_health;
  guint  n_syncs;
  guint  n_failed;
  double health_p99_ms;
  double health_max_ms;
  double sync_p99_ms;
  double sync_max_ms;
} BenchProbeResult;

/* Starts a thread that, every @interval_ms, checks the health and makes a
 * one-change sync, timing each. */
BenchProbe *bench_probe_start (const char       *url,
                               const char       *cursor,
                               guint             interval_ms);
/* Stops and joins it, frees @probe. */
void        bench_probe_stop  (BenchProbe       *probe,
                               BenchProbeResult *out_result);

G_END_DECLS
