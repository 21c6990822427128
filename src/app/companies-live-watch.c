/* companies-live-watch.c: the app's one open watch of the server's change
 * feed.
 *
 * A watch is one long-poll (docs/protocol.md, GET /v1/changes) held with
 * the cursor of the client's database: the server answers when something
 * newer is committed, or with a heartbeat when the wait ends. A heartbeat
 * opens the next watch here; anything else is the scheduler's to decide
 * (a sync, a retry), so the watch ends with a signal. Each watch has a
 * cancellable of its own: an answer that arrives after close () is
 * dropped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-live-watch"

#include "config.h"

#include "companies-live-watch.h"

/* The server's default wait (docs/protocol.md): a heartbeat this often. */
#define WAIT_SECONDS       25
/* A heartbeat sooner than this (a server that does not hold the request)
 * opens the next watch only after it, not in a busy loop. */
#define MIN_ROUND_USEC     (1 * G_USEC_PER_SEC)

struct _CompaniesLiveWatch
{
  GObject              parent_instance;

  CompaniesSyncClient *client;
  /* That of the open watch; NULL when none is open. */
  GCancellable        *cancellable;
  gint64               opened_at;
  guint                reopen_source;
};

G_DEFINE_FINAL_TYPE (CompaniesLiveWatch, companies_live_watch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_WATCHING,
  N_PROPS
};

enum {
  HEARTBEAT,
  CHANGED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What a watch's callback holds: the watch may be gone by then. */
typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
} WatchRequest;

static void
watch_request_free (WatchRequest *request)
{
  g_weak_ref_clear (&request->self);
  g_clear_object (&request->cancellable);
  g_free (request);
}

static void send_watch (CompaniesLiveWatch *self);

/* The watch ended: no watch is open until open () again. */
static void
end_watch (CompaniesLiveWatch *self)
{
  gboolean was_watching = companies_live_watch_get_watching (self);

  g_clear_handle_id (&self->reopen_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (was_watching)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHING]);
}

static gboolean
reopen_cb (gpointer user_data)
{
  CompaniesLiveWatch *self = user_data;

  self->reopen_source = 0;
  send_watch (self);

  return G_SOURCE_REMOVE;
}

static void
watch_answered_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  WatchRequest *request = user_data;
  g_autoptr(CompaniesLiveWatch) self = g_weak_ref_get (&request->self);
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;
  gboolean ok;

  ok = companies_sync_client_watch_finish (COMPANIES_SYNC_CLIENT (object), result, &changed, &error);

  /* Closed meanwhile (or another watch took its place): nobody asks. */
  if (self == NULL || self->cancellable != request->cancellable ||
      g_cancellable_is_cancelled (request->cancellable))
    {
      watch_request_free (request);
      return;
    }
  watch_request_free (request);

  if (ok && !changed)
    {
      /* The heartbeat: still watching. */
      gint64 round = g_get_monotonic_time () - self->opened_at;

      g_signal_emit (self, signals[HEARTBEAT], 0);
      /* A handler may have closed the watch. */
      if (self->cancellable == NULL)
        return;

      if (round >= MIN_ROUND_USEC)
        send_watch (self);
      else
        self->reopen_source = g_timeout_add ((MIN_ROUND_USEC - round) / 1000, reopen_cb, self);
      return;
    }

  end_watch (self);

  if (ok)
    g_signal_emit (self, signals[CHANGED], 0);
  else
    g_signal_emit (self, signals[FAILED], 0, error);
}

static void
send_watch (CompaniesLiveWatch *self)
{
  WatchRequest *request;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->opened_at = g_get_monotonic_time ();

  request = g_new0 (WatchRequest, 1);
  g_weak_ref_init (&request->self, self);
  request->cancellable = g_object_ref (self->cancellable);

  companies_sync_client_watch_async (self->client, WAIT_SECONDS, self->cancellable,
                                     watch_answered_cb, request);
}

void
companies_live_watch_open (CompaniesLiveWatch *self)
{
  g_return_if_fail (COMPANIES_IS_LIVE_WATCH (self));

  if (companies_live_watch_get_watching (self))
    return;

  send_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHING]);
}

void
companies_live_watch_close (CompaniesLiveWatch *self)
{
  g_return_if_fail (COMPANIES_IS_LIVE_WATCH (self));

  end_watch (self);
}

gboolean
companies_live_watch_get_watching (CompaniesLiveWatch *self)
{
  g_return_val_if_fail (COMPANIES_IS_LIVE_WATCH (self), FALSE);

  return self->cancellable != NULL;
}

static void
companies_live_watch_dispose (GObject *object)
{
  CompaniesLiveWatch *self = (CompaniesLiveWatch *) object;

  g_clear_handle_id (&self->reopen_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (companies_live_watch_parent_class)->dispose (object);
}

static void
companies_live_watch_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CompaniesLiveWatch *self = COMPANIES_LIVE_WATCH (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_WATCHING:
      g_value_set_boolean (value, companies_live_watch_get_watching (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_live_watch_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CompaniesLiveWatch *self = COMPANIES_LIVE_WATCH (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_live_watch_class_init (CompaniesLiveWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = companies_live_watch_dispose;
  object_class->get_property = companies_live_watch_get_property;
  object_class->set_property = companies_live_watch_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         COMPANIES_TYPE_SYNC_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WATCHING] =
    g_param_spec_boolean ("watching", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[HEARTBEAT] =
    g_signal_new ("heartbeat",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
}

static void
companies_live_watch_init (CompaniesLiveWatch *self)
{
}

CompaniesLiveWatch *
companies_live_watch_new (CompaniesSyncClient *client)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (client), NULL);

  return g_object_new (COMPANIES_TYPE_LIVE_WATCH,
                       "client", client,
                       NULL);
}
