/* bench-postgres.h: the benchmark's PostgreSQL rows: the same push and
 * initial sync with companies-server on PostgreSQL, load on one server,
 * and load on two servers behind nginx
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "bench-load.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean        measured;
  double          push_s;
  double          initial_s;
  double          server_rss_mb;  /* peak, serving the initial sync */
  BenchLoadResult load_one;       /* the load on one server */
  BenchLoadResult load_two;       /* on two servers, each client on one of them */
  BenchLoadResult load_nginx_one; /* on one server behind nginx, over TLS */
  BenchLoadResult load_nginx;     /* on two servers behind nginx, over TLS */
} BenchPostgresResult;

/* One run on a fresh database of the test cluster
 * (tests/common/companies-test-postgres.c): pushes @rows, syncs them into
 * an empty client in a child process, then @n_clients clients for
 * @load_seconds on one server, and as long again through nginx in front
 * of two. */
gboolean bench_postgres_run_once (GPtrArray           *rows,
                                  guint                n_clients,
                                  double               load_seconds,
                                  BenchPostgresResult *out_result,
                                  GError             **error);

G_END_DECLS
