/* companies-sync-client-private.h: what the files of src/sync that work
 * for a CompaniesSyncClient (its sync_async, its watch) take from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-sync-cache.h"
#include "companies-sync-client.h"
#include "companies-sync-config.h"
#include "companies-sync-pipeline.h"

G_BEGIN_DECLS

struct _CompaniesSyncClient
{
  GObject    parent_instance;

  char      *database_path;

  GMutex     lock;          /* guards the four below */
  char      *server_url;
  char      *token;
  char      *tls_ca_file;
  guint      request_deadline;  /* seconds; 0: the default */
  gboolean   report_applied;

  /* What the runs, and the watches, keep between them (NULL while one
   * has it). */
  GMutex              cache_lock;
  CompaniesSyncCache *cache;
  CompaniesSyncCache *watch_cache;

  /* Main-context state of sync_async. */
  struct _SyncRun *run;     /* the run in progress, or NULL */
  GPtrArray *queued;        /* GTasks for the run after it */
};

/* A copy of what one request needs from the client's properties. */
CompaniesSyncConfig *companies_sync_client_dup_config      (CompaniesSyncClient *self);
/* The session and store connection kept for the syncs, or (@watch) for
 * the watches, taken for one of them (a new one while another holds
 * it); give it back when done. */
CompaniesSyncCache  *companies_sync_client_take_cache      (CompaniesSyncClient *self,
                                                            gboolean             watch);
void                 companies_sync_client_give_back_cache (CompaniesSyncClient *self,
                                                            gboolean             watch,
                                                            CompaniesSyncCache  *cache);

/* Runs one sync with the client's cache (in the calling thread). */
CompaniesSyncResult *companies_sync_client_run_with_cache  (CompaniesSyncClient        *self,
                                                            const CompaniesSyncConfig  *config,
                                                            GCancellable               *cancellable,
                                                            CompaniesSyncProgressFunc   progress,
                                                            gpointer                    progress_data,
                                                            GError                    **error);
/* Emits ::progress in the calling thread. */
void                 companies_sync_client_emit_progress   (CompaniesSyncClient *self,
                                                            guint                sent,
                                                            guint                received);
/* "is-syncing" is self->run != NULL; called on the main context when
 * that changed. */
void                 companies_sync_client_notify_is_syncing (CompaniesSyncClient *self);

G_END_DECLS
