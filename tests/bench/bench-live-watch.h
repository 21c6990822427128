/* bench-live-watch.h: the change-to-visible latency of the change feed
 * (issue 11): one client writes, another watches and syncs; how long each
 * change takes to be applied on the watcher's side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  changes;     /* made by the writer */
  guint  seen;        /* applied by the watcher */
  double p50_ms;
  double p99_ms;
  double max_ms;
} BenchWatchFigures;

/* @n_changes additions, one every 50 to 150 ms, through a client of
 * @writer_path to @url; a client of @watcher_path (synced first) watches
 * @url and syncs at each "changed". The latency of a change runs from
 * the start of the writer's sync that commits it to the end of the
 * watcher's sync that applied it. @ca_file may be NULL. */
gboolean bench_live_watch_run (const char         *url,
                               const char         *ca_file,
                               const char         *writer_path,
                               const char         *watcher_path,
                               guint               n_changes,
                               BenchWatchFigures  *out,
                               GError            **error);

G_END_DECLS
