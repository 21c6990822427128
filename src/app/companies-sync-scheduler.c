/* companies-sync-scheduler.c: decides when the app syncs.
 *
 * Automatic syncs (when "auto-sync" is set): at start, a few seconds after
 * the last local change, when the server's change feed says something
 * changed, and when the network comes back; a periodic sync as a safety
 * net. Manual syncs at any time. Every sync goes through the core's sync
 * client, which runs one at a time and folds requests made meanwhile into
 * the next run.
 *
 * The watch of the change feed and the period are decided in
 * companies-sync-scheduler-live.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-sync-scheduler"

#include "config.h"

#include "companies-sync-scheduler-private.h"

#define DEBOUNCE_SECONDS    3
#define BACKOFF_MIN_SECONDS 10
#define BACKOFF_MAX_SECONDS (10 * 60)
/* One run going on plus one queued in the client cover any later request. */
#define MAX_IN_FLIGHT       2

G_DEFINE_FINAL_TYPE (CompaniesSyncScheduler, companies_sync_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_AUTO_SYNC,
  PROP_IS_SYNCING,
  PROP_FAILURES,
  PROP_LIVE_ON_METERED,
  PROP_WATCHING,
  N_PROPS
};

enum {
  SYNC_STARTED,
  SYNC_FINISHED,
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void run_sync (CompaniesSyncScheduler *self);

guint
companies_sync_scheduler_backoff_seconds (guint failures)
{
  guint seconds = BACKOFF_MIN_SECONDS;

  for (guint i = 1; i < failures && seconds < BACKOFF_MAX_SECONDS; i++)
    seconds *= 2;

  return MIN (seconds, BACKOFF_MAX_SECONDS);
}

void
_companies_sync_scheduler_auto_trigger (CompaniesSyncScheduler *self)
{
  if (self->auto_sync && self->started)
    run_sync (self);
}

static gboolean
debounce_elapsed_cb (gpointer user_data)
{
  CompaniesSyncScheduler *self = user_data;

  self->debounce_source = 0;
  _companies_sync_scheduler_auto_trigger (self);

  return G_SOURCE_REMOVE;
}

gboolean
_companies_sync_scheduler_retry_elapsed_cb (gpointer user_data)
{
  CompaniesSyncScheduler *self = user_data;

  self->retry_source = 0;
  _companies_sync_scheduler_auto_trigger (self);

  return G_SOURCE_REMOVE;
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CompaniesSyncScheduler) self = user_data;
  g_autoptr(CompaniesSyncResult) sync_result = NULL;
  g_autoptr(GError) error = NULL;

  sync_result = companies_sync_client_sync_finish (COMPANIES_SYNC_CLIENT (object), result, &error);

  g_assert (self->in_flight > 0);
  self->in_flight--;
  self->last_finished = g_get_real_time () / G_USEC_PER_SEC;

  g_clear_error (&self->last_error);
  g_clear_handle_id (&self->retry_source, g_source_remove);

  if (error != NULL)
    {
      self->last_error = g_error_copy (error);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->failures++;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURES]);

          /* Live, an unreachable server is retried within seconds
           * while the network is up (docs/live.md). */
          if (self->auto_sync && self->started && _companies_sync_scheduler_can_watch (self) && self->network_available &&
              g_error_matches (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK))
            self->retry_source =
              g_timeout_add (companies_sync_scheduler_reconnect_ms (self->failures),
                             _companies_sync_scheduler_retry_elapsed_cb, self);
          else if (self->auto_sync && self->started)
            self->retry_source =
              g_timeout_add_seconds (companies_sync_scheduler_backoff_seconds (self->failures),
                                     _companies_sync_scheduler_retry_elapsed_cb, self);
        }
    }
  else
    {
      self->need_sync = FALSE;
      if (self->failures != 0)
        {
          self->failures = 0;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURES]);
        }
    }

  /* The watch opens before the news: whoever reads the state on
   * "sync-finished" sees it. */
  if (self->in_flight == 0)
    {
      _companies_sync_scheduler_arm_period (self);
      _companies_sync_scheduler_update_watch (self);
    }

  g_signal_emit (self, signals[SYNC_FINISHED], 0, sync_result, error);

  if (self->in_flight == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SYNCING]);
}

static void
run_sync (CompaniesSyncScheduler *self)
{
  if (self->in_flight >= MAX_IN_FLIGHT)
    return;

  g_clear_handle_id (&self->debounce_source, g_source_remove);

  self->in_flight++;
  /* The watch waits: opened after the sync, it holds the new cursor. */
  _companies_sync_scheduler_update_watch (self);
  if (self->in_flight == 1)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SYNCING]);

  g_signal_emit (self, signals[SYNC_STARTED], 0);

  companies_sync_client_sync_async (self->client,
                                    self->cancellable,
                                    sync_done_cb,
                                    g_object_ref (self));
}

static void
client_progress_cb (CompaniesSyncScheduler *self,
                    guint                   sent,
                    guint                   received,
                    CompaniesSyncClient    *client)
{
  g_signal_emit (self, signals[PROGRESS], 0, sent, received);
}

static void
network_available_changed_cb (CompaniesSyncScheduler *self,
                              GParamSpec             *pspec,
                              GNetworkMonitor        *monitor)
{
  gboolean available = g_network_monitor_get_network_available (monitor);

  if (available == self->network_available)
    return;

  self->network_available = available;

  /* Back online: try now rather than wait for the back-off. */
  if (available)
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      _companies_sync_scheduler_auto_trigger (self);
    }
  /* No network: no quick reconnection, the growing back-off (the monitor
   * may be wrong, so not never). */
  else if (self->retry_source != 0)
    {
      g_source_remove (self->retry_source);
      self->retry_source =
        g_timeout_add_seconds (companies_sync_scheduler_backoff_seconds (MAX (self->failures, 1)),
                               _companies_sync_scheduler_retry_elapsed_cb, self);
    }
}

static void
watch_watching_changed_cb (CompaniesSyncScheduler *self,
                           GParamSpec             *pspec,
                           CompaniesLiveWatch     *watch)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHING]);
}

static void
companies_sync_scheduler_constructed (GObject *object)
{
  CompaniesSyncScheduler *self = (CompaniesSyncScheduler *) object;

  G_OBJECT_CLASS (companies_sync_scheduler_parent_class)->constructed (object);

  g_assert (COMPANIES_IS_SYNC_CLIENT (self->client));

  g_signal_connect_object (self->client, "progress",
                           G_CALLBACK (client_progress_cb), self,
                           G_CONNECT_SWAPPED);

  self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_available = g_network_monitor_get_network_available (self->network_monitor);
  g_signal_connect_object (self->network_monitor, "notify::network-available",
                           G_CALLBACK (network_available_changed_cb), self,
                           G_CONNECT_SWAPPED);
  _companies_sync_scheduler_live_init (self);
  g_signal_connect_object (self->watch, "notify::watching",
                           G_CALLBACK (watch_watching_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
companies_sync_scheduler_dispose (GObject *object)
{
  CompaniesSyncScheduler *self = (CompaniesSyncScheduler *) object;

  g_clear_handle_id (&self->debounce_source, g_source_remove);
  g_clear_handle_id (&self->period_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);

  /* A sync still running is rolled back by the core; nothing is lost. */
  g_cancellable_cancel (self->cancellable);

  if (self->watch != NULL)
    companies_live_watch_close (self->watch);
  g_clear_object (&self->watch);
  g_clear_object (&self->network_monitor);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (companies_sync_scheduler_parent_class)->dispose (object);
}

static void
companies_sync_scheduler_finalize (GObject *object)
{
  CompaniesSyncScheduler *self = (CompaniesSyncScheduler *) object;

  g_clear_object (&self->cancellable);
  g_clear_error (&self->last_error);

  G_OBJECT_CLASS (companies_sync_scheduler_parent_class)->finalize (object);
}

static void
companies_sync_scheduler_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  CompaniesSyncScheduler *self = COMPANIES_SYNC_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_AUTO_SYNC:
      g_value_set_boolean (value, self->auto_sync);
      break;

    case PROP_IS_SYNCING:
      g_value_set_boolean (value, companies_sync_scheduler_get_is_syncing (self));
      break;

    case PROP_FAILURES:
      g_value_set_uint (value, self->failures);
      break;

    case PROP_LIVE_ON_METERED:
      g_value_set_boolean (value, self->live_on_metered);
      break;

    case PROP_WATCHING:
      g_value_set_boolean (value, companies_sync_scheduler_get_watching (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_sync_scheduler_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  CompaniesSyncScheduler *self = COMPANIES_SYNC_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_AUTO_SYNC:
      companies_sync_scheduler_set_auto_sync (self, g_value_get_boolean (value));
      break;

    case PROP_LIVE_ON_METERED:
      companies_sync_scheduler_set_live_on_metered (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_sync_scheduler_class_init (CompaniesSyncSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = companies_sync_scheduler_constructed;
  object_class->dispose = companies_sync_scheduler_dispose;
  object_class->finalize = companies_sync_scheduler_finalize;
  object_class->get_property = companies_sync_scheduler_get_property;
  object_class->set_property = companies_sync_scheduler_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         COMPANIES_TYPE_SYNC_CLIENT,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_AUTO_SYNC] =
    g_param_spec_boolean ("auto-sync", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_IS_SYNCING] =
    g_param_spec_boolean ("is-syncing", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_FAILURES] =
    g_param_spec_uint ("failures", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_LIVE_ON_METERED] =
    g_param_spec_boolean ("live-on-metered", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_WATCHING] =
    g_param_spec_boolean ("watching", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SYNC_STARTED] =
    g_signal_new ("sync-started",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[SYNC_FINISHED] =
    g_signal_new ("sync-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  COMPANIES_TYPE_SYNC_RESULT,
                  G_TYPE_ERROR);

  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_UINT,
                  G_TYPE_UINT);
}

static void
companies_sync_scheduler_init (CompaniesSyncScheduler *self)
{
  self->cancellable = g_cancellable_new ();
  self->need_sync = TRUE;
}

CompaniesSyncScheduler *
companies_sync_scheduler_new (CompaniesSyncClient *client)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (client), NULL);

  return g_object_new (COMPANIES_TYPE_SYNC_SCHEDULER,
                       "client", client,
                       NULL);
}

CompaniesSyncClient *
companies_sync_scheduler_get_client (CompaniesSyncScheduler *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self), NULL);

  return self->client;
}

gboolean
companies_sync_scheduler_get_auto_sync (CompaniesSyncScheduler *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self), FALSE);

  return self->auto_sync;
}

void
companies_sync_scheduler_set_auto_sync (CompaniesSyncScheduler *self,
                                        gboolean                auto_sync)
{
  g_return_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self));

  auto_sync = !!auto_sync;
  if (self->auto_sync == auto_sync)
    return;

  self->auto_sync = auto_sync;

  if (!auto_sync)
    {
      g_clear_handle_id (&self->debounce_source, g_source_remove);
      g_clear_handle_id (&self->retry_source, g_source_remove);
      _companies_sync_scheduler_update_watch (self);
    }
  else
    {
      /* Switching automatic sync on syncs what waits; the watch opens
       * after that sync. */
      _companies_sync_scheduler_auto_trigger (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_SYNC]);
}

gboolean
companies_sync_scheduler_get_live_on_metered (CompaniesSyncScheduler *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self), FALSE);

  return self->live_on_metered;
}

void
companies_sync_scheduler_set_live_on_metered (CompaniesSyncScheduler *self,
                                              gboolean                live_on_metered)
{
  g_return_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self));

  live_on_metered = !!live_on_metered;
  if (self->live_on_metered == live_on_metered)
    return;

  self->live_on_metered = live_on_metered;
  _companies_sync_scheduler_update_watch (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE_ON_METERED]);
}

gboolean
companies_sync_scheduler_get_watching (CompaniesSyncScheduler *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self), FALSE);

  return self->watch != NULL && companies_live_watch_get_watching (self->watch);
}

gboolean
companies_sync_scheduler_get_is_syncing (CompaniesSyncScheduler *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self), FALSE);

  return self->in_flight > 0;
}

guint
companies_sync_scheduler_get_failures (CompaniesSyncScheduler *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self), 0);

  return self->failures;
}

const GError *
companies_sync_scheduler_get_last_error (CompaniesSyncScheduler *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self), NULL);

  return self->last_error;
}

gint64
companies_sync_scheduler_get_last_finished (CompaniesSyncScheduler *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self), 0);

  return self->last_finished;
}

void
companies_sync_scheduler_start (CompaniesSyncScheduler *self)
{
  g_return_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self));

  if (self->started)
    return;

  self->started = TRUE;
  _companies_sync_scheduler_arm_period (self);

  _companies_sync_scheduler_auto_trigger (self);
}

void
companies_sync_scheduler_sync_now (CompaniesSyncScheduler *self)
{
  g_return_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  run_sync (self);
}

void
companies_sync_scheduler_local_change (CompaniesSyncScheduler *self)
{
  g_return_if_fail (COMPANIES_IS_SYNC_SCHEDULER (self));

  if (!self->auto_sync || !self->started)
    return;

  g_clear_handle_id (&self->debounce_source, g_source_remove);
  self->debounce_source = g_timeout_add_seconds (DEBOUNCE_SECONDS, debounce_elapsed_cb, self);
}
