/* model-world.h: the model test's world: its random source, the real
 * server behind a recording proxy, the simulated clients, the step log
 * printed on failure, and the checks of the end state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-local-store.h"
#include "companies-sync-client.h"
#include "companies-test-proxy.h"
#include "companies-test-server.h"
#include "model-oracle.h"

G_BEGIN_DECLS

/* One simulated installation: its own store file and sync client. */
typedef struct
{
  char                *name;
  char                *path;
  char                *client_id;
  CompaniesLocalStore *store;
  CompaniesSyncClient *client;
  GPtrArray           *deleted;  /* of CompaniesCompany: copies, for an undo */
} ModelClient;

typedef struct
{
  guint creates;
  guint updates;
  guint deletes;
  guint undeletes;
  guint syncs;
  guint failed_syncs;
  guint drops;
  guint terms;
  guint kills;
  guint down_syncs;
  guint requests;
  guint applied;
} ModelCounts;

typedef struct
{
  guint32              seed;
  guint                n_steps;
  guint                n_clients;
  guint                step;       /* 1-based while stepping, 0 at the end */
  GRand               *rand;
  char                *tmpdir;
  char                *server_db;
  const char * const  *server_args; /* the server's options, NULL-terminated */
  CompaniesTestServer *server;
  CompaniesTestProxy  *proxy;
  ModelOracle         *oracle;
  GPtrArray           *clients;    /* of ModelClient */
  guint                fed;        /* requests handed to the oracle */
  GPtrArray           *log;        /* of char *, one line per event */
  gboolean             dumped;
  ModelCounts          counts;
} Model;

Model       *model_new                 (guint32      seed,
                                        guint        n_steps,
                                        guint        n_clients);
void         model_free                (Model       *model);

/* Makes the model's n_clients clients, syncing with @server_url. */
void         model_add_clients         (Model       *model,
                                        const char  *server_url);
ModelClient *model_client_new          (Model       *model,
                                        const char  *name,
                                        const char  *server_url);
void         model_client_free         (ModelClient *client);
ModelClient *model_pick_client         (Model       *model);
/* The client's records, locally deleted ones with @include_deleted. */
GPtrArray   *model_client_list         (Model       *model,
                                        ModelClient *client,
                                        gboolean     include_deleted);

void         model_log                 (Model       *model,
                                        const char  *format,
                                        ...) G_GNUC_PRINTF (2, 3);
/* Prints the seed and the step log, then aborts the test. */
G_NORETURN
void         model_fail                (Model       *model,
                                        const char  *format,
                                        ...) G_GNUC_PRINTF (2, 3);

/* A fresh client's full pull: unique uuids and ids, every record synced. */
void         model_check_fresh_pull    (Model       *model,
                                        GPtrArray   *fresh_list);
/* @client holds exactly @fresh_list (ids, versions, fields), nothing
 * pending, nothing rejected, nothing held as deleted. */
void         model_check_client_equals (Model       *model,
                                        ModelClient *client,
                                        GPtrArray   *fresh_list);
/* The server's whole state, tombstones included (uuid → CompaniesRecord),
 * read over HTTP from the start of its history. */
GHashTable  *model_read_server_state   (Model       *model);

G_END_DECLS
