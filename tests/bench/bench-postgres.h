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

/* One load figure, with what a sync cost the servers and PostgreSQL in
 * CPU time: on a loaded machine the rate swings, the CPU costs much less. */
typedef struct
{
  BenchLoadResult load;
  double          server_cpu_ms;    /* a sync, the servers' processes */
  double          postgres_cpu_ms;  /* a sync, the cluster's processes */
} BenchPostgresLoad;

/* The push of every record from a client, then their initial sync into
 * an empty client, with the CPU time each cost the server and PostgreSQL
 * (0 on SQLite, inside the server). */
typedef struct
{
  double push_s;
  double push_server_cpu_s;
  double push_postgres_cpu_s;
  double initial_s;
  double initial_server_cpu_s;
  double initial_postgres_cpu_s;
} BenchPostgresBulk;

typedef struct
{
  gboolean          measured;
  BenchPostgresBulk sqlite;          /* same client code, on a SQLite server */
  BenchPostgresBulk postgres;
  double            server_rss_mb;   /* peak, serving the initial sync */
  BenchPostgresLoad load_sqlite;     /* the load on one SQLite server, for comparison */
  BenchPostgresLoad load_one;        /* the load on one server */
  BenchPostgresLoad load_sqlite_kept; /* the same two, the clients keeping */
  BenchPostgresLoad load_one_kept;    /* their connections alive */
  BenchPostgresLoad load_two;        /* on two servers, each client on one of them */
  BenchPostgresLoad load_nginx_one;  /* on one server behind nginx, over TLS */
  BenchPostgresLoad load_nginx;      /* on two servers behind nginx, over TLS */
} BenchPostgresResult;

/* One run on a fresh durable cluster (fsync on:
 * tests/common/companies-test-postgres.c): pushes @rows, syncs them into
 * an empty client in a child process (and the same on a SQLite server,
 * for the ratio), then @n_clients clients for @load_seconds on one
 * server, on two, and through nginx in front of one and of two. */
gboolean bench_postgres_run_once (GPtrArray           *rows,
                                  guint                n_clients,
                                  double               load_seconds,
                                  BenchPostgresResult *out_result,
                                  GError             **error);

G_END_DECLS
