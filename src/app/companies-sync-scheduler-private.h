/* companies-sync-scheduler-private.h: what the files of
 * CompaniesSyncScheduler share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-sync-scheduler.h"
#include "companies-live-watch.h"

G_BEGIN_DECLS

struct _CompaniesSyncScheduler
{
  GObject              parent_instance;

  CompaniesSyncClient *client;
  CompaniesLiveWatch  *watch;
  GCancellable        *cancellable;
  GNetworkMonitor     *network_monitor;
  GError              *last_error;
  gint64               last_finished;

  guint                in_flight;
  guint                failures;
  /* Watches that failed in a row, for their back-off. */
  guint                watch_failures;
  guint                debounce_source;
  guint                period_source;
  guint                retry_source;

  guint                auto_sync : 1;
  guint                started : 1;
  guint                network_available : 1;
  guint                network_metered : 1;
  guint                live_on_metered : 1;
  /* The server answered that it has no change feed. */
  guint                feed_missing : 1;
  /* The period in force was armed for live syncs. */
  guint                period_live : 1;
  /* No sync succeeded since the start or since the address or token
   * changed: the watch waits for one (it would ask the old server, or
   * without the token). */
  guint                need_sync : 1;
};


/* companies-sync-scheduler.c */

/* A sync when "auto-sync" is set and the scheduler started. */
void     _companies_sync_scheduler_auto_trigger      (CompaniesSyncScheduler *self);
gboolean _companies_sync_scheduler_retry_elapsed_cb  (gpointer                user_data);

/* companies-sync-scheduler-live.c */

/* Follows the network's metering, the client's address and token, and
 * the watch's news. */
void     _companies_sync_scheduler_live_init         (CompaniesSyncScheduler *self);
/* Whether a watch of the change feed belongs open (while no sync runs). */
gboolean _companies_sync_scheduler_can_watch         (CompaniesSyncScheduler *self);
/* (Re)starts the periodic sync, counted from now; longer while live. */
void     _companies_sync_scheduler_arm_period        (CompaniesSyncScheduler *self);
/* Opens the watch when it belongs open, closes it otherwise. */
void     _companies_sync_scheduler_update_watch      (CompaniesSyncScheduler *self);

G_END_DECLS
