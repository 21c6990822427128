/* companies-sync-scheduler-live.c: when the app's watch of the change
 * feed is open, and the periodic sync.
 *
 * One watch (CompaniesLiveWatch) stays open while no sync runs, so that
 * it always holds the newest cursor: a notification that arrives during a
 * sync is seen by the watch opened after it, at once, and becomes one
 * following sync. Not on a metered network unless "live-on-metered", not
 * against a server without the feed (periodic syncs then, as before), and
 * not before a sync has succeeded with the address and token in use. When
 * the watch fails, a sync brings what was missed; when the server cannot
 * be reached, the retries of that sync are the reconnection
 * (companies_sync_scheduler_reconnect_ms (), docs/live.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-sync-scheduler"

#include "config.h"

#include "companies-sync-scheduler-private.h"

#define PERIOD_SECONDS      (5 * 60)
/* While a watch is healthy the periodic sync is only a safety net. */
#define LIVE_PERIOD_SECONDS (15 * 60)
#define RECONNECT_MIN_MS    250
#define RECONNECT_MAX_MS    1500

guint
companies_sync_scheduler_reconnect_ms (guint failures)
{
  guint ms = RECONNECT_MIN_MS;

  for (guint i = 1; i < failures && ms < RECONNECT_MAX_MS; i++)
    ms *= 2;
  ms = MIN (ms, RECONNECT_MAX_MS);

  /* Jitter: clients that lost the same server do not all come back at
   * the same instant. */
  return g_random_int_range (ms / 2, ms + 1);
}

gboolean
_companies_sync_scheduler_can_watch (CompaniesSyncScheduler *self)
{
  return self->auto_sync && self->started && !self->feed_missing &&
         (!self->network_metered || self->live_on_metered);
}

static gboolean
period_elapsed_cb (gpointer user_data)
{
  CompaniesSyncScheduler *self = user_data;

  /* While backing off after failures, the retry timer decides. */
  if (self->retry_source == 0)
    _companies_sync_scheduler_auto_trigger (self);

  return G_SOURCE_CONTINUE;
}

/* The periodic sync counts from the last sync; longer while live. */
void
_companies_sync_scheduler_arm_period (CompaniesSyncScheduler *self)
{
  g_clear_handle_id (&self->period_source, g_source_remove);
  if (!self->started)
    return;

  self->period_live = _companies_sync_scheduler_can_watch (self);
  self->period_source = g_timeout_add_seconds (self->period_live ? LIVE_PERIOD_SECONDS : PERIOD_SECONDS,
                                               period_elapsed_cb, self);
}

void
_companies_sync_scheduler_update_watch (CompaniesSyncScheduler *self)
{
  if (self->started && _companies_sync_scheduler_can_watch (self) != self->period_live)
    _companies_sync_scheduler_arm_period (self);

  if (_companies_sync_scheduler_can_watch (self) && !self->need_sync && self->in_flight == 0 &&
      self->failures == 0 && self->retry_source == 0)
    companies_live_watch_open (self->watch);
  else
    companies_live_watch_close (self->watch);
}

/* The server answered the watch: it works again. */
static void
watch_heartbeat_cb (CompaniesSyncScheduler *self,
                   CompaniesLiveWatch     *watch)
{
  self->watch_failures = 0;
}

static void
watch_changed_cb (CompaniesSyncScheduler *self,
                  CompaniesLiveWatch     *watch)
{
  self->watch_failures = 0;
  _companies_sync_scheduler_auto_trigger (self);
}

static void
watch_failed_cb (CompaniesSyncScheduler *self,
                 GError                 *error,
                 CompaniesLiveWatch     *watch)
{
  g_debug ("The watch failed: %s", error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      /* An older server: periodic syncs, as before the feed. */
      self->feed_missing = TRUE;
      _companies_sync_scheduler_update_watch (self);
      return;
    }

  /* A sync brings what was missed meanwhile; when the server is gone,
   * that sync fails and its retries reconnect. A watch that keeps
   * failing (a busy server) waits longer each time. */
  self->watch_failures++;
  if (self->watch_failures == 1)
    {
      _companies_sync_scheduler_auto_trigger (self);
      return;
    }

  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add (companies_sync_scheduler_reconnect_ms (self->watch_failures - 1),
                                      _companies_sync_scheduler_retry_elapsed_cb, self);
}

static void
network_metered_changed_cb (CompaniesSyncScheduler *self,
                            GParamSpec             *pspec,
                            GNetworkMonitor        *monitor)
{
  gboolean metered = g_network_monitor_get_network_metered (monitor);

  if (metered == self->network_metered)
    return;

  self->network_metered = metered;
  _companies_sync_scheduler_update_watch (self);
}

/* Another server or token: the watch open asks the old one. */
static void
client_server_changed_cb (CompaniesSyncScheduler *self,
                          GParamSpec             *pspec,
                          CompaniesSyncClient    *client)
{
  self->feed_missing = FALSE;
  self->watch_failures = 0;
  self->need_sync = TRUE;
  _companies_sync_scheduler_update_watch (self);
}

void
_companies_sync_scheduler_live_init (CompaniesSyncScheduler *self)
{
  self->network_metered = g_network_monitor_get_network_metered (self->network_monitor);
  g_signal_connect_object (self->network_monitor, "notify::network-metered",
                           G_CALLBACK (network_metered_changed_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->client, "notify::server-url",
                           G_CALLBACK (client_server_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::token",
                           G_CALLBACK (client_server_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->watch = companies_live_watch_new (self->client);
  g_signal_connect_object (self->watch, "heartbeat",
                           G_CALLBACK (watch_heartbeat_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->watch, "changed",
                           G_CALLBACK (watch_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->watch, "failed",
                           G_CALLBACK (watch_failed_cb), self, G_CONNECT_SWAPPED);
}
