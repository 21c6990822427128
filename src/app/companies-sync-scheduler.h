/* companies-sync-scheduler.h: decides when the app syncs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-sync-client.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_SYNC_SCHEDULER (companies_sync_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesSyncScheduler, companies_sync_scheduler, COMPANIES, SYNC_SCHEDULER, GObject)

/* Properties: "client" (construct-only), "auto-sync" (read-write),
 * "is-syncing" (read-only), "failures" (read-only, consecutive failed syncs),
 * "live-on-metered" (read-write: keep a watch of the change feed open on a
 * metered network too), "watching" (read-only: a watch is open, so the
 * server's changes arrive as they are made).
 *
 * Signals:
 *   "sync-started" ()
 *   "sync-finished" (CompaniesSyncResult *result, GError *error): exactly one
 *     for every "sync-started"; one of @result or @error is NULL.
 *   "progress" (guint sent, guint received): forwarded from the client. */

CompaniesSyncScheduler *companies_sync_scheduler_new            (CompaniesSyncClient    *client);
CompaniesSyncClient    *companies_sync_scheduler_get_client     (CompaniesSyncScheduler *self);

gboolean                companies_sync_scheduler_get_auto_sync  (CompaniesSyncScheduler *self);
void                    companies_sync_scheduler_set_auto_sync  (CompaniesSyncScheduler *self,
                                                                 gboolean                auto_sync);
gboolean                companies_sync_scheduler_get_is_syncing (CompaniesSyncScheduler *self);
gboolean                companies_sync_scheduler_get_live_on_metered
                                                                (CompaniesSyncScheduler *self);
void                    companies_sync_scheduler_set_live_on_metered
                                                                (CompaniesSyncScheduler *self,
                                                                 gboolean                live_on_metered);
gboolean                companies_sync_scheduler_get_watching   (CompaniesSyncScheduler *self);
guint                   companies_sync_scheduler_get_failures   (CompaniesSyncScheduler *self);
/* The error of the last finished sync, NULL when it succeeded (or none ran). */
const GError           *companies_sync_scheduler_get_last_error (CompaniesSyncScheduler *self);
/* Unix seconds when the last sync finished, 0 before the first. */
gint64                  companies_sync_scheduler_get_last_finished
                                                                (CompaniesSyncScheduler *self);

/* Starts automatic syncing (a sync now, then the timers) when "auto-sync"
 * is set; call once the app is up. */
void                    companies_sync_scheduler_start          (CompaniesSyncScheduler *self);
/* A sync now, whatever "auto-sync" says (the Sync button). */
void                    companies_sync_scheduler_sync_now       (CompaniesSyncScheduler *self);
/* Something changed locally: with "auto-sync", sync a few seconds after the
 * last such call. */
void                    companies_sync_scheduler_local_change   (CompaniesSyncScheduler *self);

/* The delay before retry number @failures (1, 2, …): growing back-off. */
guint                   companies_sync_scheduler_backoff_seconds
                                                                (guint                   failures);
/* The delay before reconnection number @failures (1, 2, …) to a server
 * that could not be reached while live: jittered, growing from 125–250 ms
 * to at most 1.5 s. */
guint                   companies_sync_scheduler_reconnect_ms   (guint                   failures);

G_END_DECLS
