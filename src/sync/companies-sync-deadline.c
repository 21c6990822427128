/* companies-sync-deadline.c: the total deadline of one client request
 * (docs/protocol-transport.md). libsoup's own timeout counts the time
 * between two reads, so a server that sends a byte every few seconds
 * would hold a blocking request for ever; a thread of the request's own
 * waits for the deadline and cancels the request's I/O.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include "companies-sync-deadline.h"

struct _CompaniesSyncDeadline
{
  GCancellable *cancellable;
  GCancellable *outer;
  gulong        outer_handler;
  GThread      *watcher;

  GMutex        lock;      /* guards the two flags */
  GCond         cond;
  gint64        end;       /* monotonic time */
  gboolean      stopped;
  gboolean      passed;
};

static gpointer
watch (gpointer data)
{
  CompaniesSyncDeadline *self = data;
  gboolean passed;

  g_mutex_lock (&self->lock);
  while (!self->stopped && g_get_monotonic_time () < self->end)
    g_cond_wait_until (&self->cond, &self->lock, self->end);
  passed = self->passed = !self->stopped;
  g_mutex_unlock (&self->lock);

  /* Outside the lock: cancelling runs the handlers of the I/O. */
  if (passed)
    g_cancellable_cancel (self->cancellable);

  return NULL;
}

static void
outer_cancelled_cb (GCancellable *outer,
                    gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

CompaniesSyncDeadline *
companies_sync_deadline_new (GCancellable *outer,
                             guint         seconds)
{
  CompaniesSyncDeadline *self = g_new0 (CompaniesSyncDeadline, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->cancellable = g_cancellable_new ();
  self->end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  if (outer != NULL)
    {
      self->outer = g_object_ref (outer);
      self->outer_handler = g_cancellable_connect (outer, G_CALLBACK (outer_cancelled_cb),
                                                   self->cancellable, NULL);
    }

  self->watcher = g_thread_new ("sync-deadline", watch, self);
  return self;
}

void
companies_sync_deadline_free (CompaniesSyncDeadline *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->stopped = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->watcher);

  if (self->outer != NULL)
    {
      g_cancellable_disconnect (self->outer, self->outer_handler);
      g_object_unref (self->outer);
    }
  g_object_unref (self->cancellable);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->lock);
  g_free (self);
}

GCancellable *
companies_sync_deadline_get_cancellable (CompaniesSyncDeadline *self)
{
  return self->cancellable;
}

gboolean
companies_sync_deadline_passed (CompaniesSyncDeadline *self)
{
  gboolean passed;

  g_mutex_lock (&self->lock);
  passed = self->passed;
  g_mutex_unlock (&self->lock);

  return passed;
}
