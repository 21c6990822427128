/* companies-sync-deadline.h: the total deadline of one client request
 * (docs/protocol-transport.md): a cancellable that a watcher thread
 * cancels when the time is up, or when the caller's cancellable is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CompaniesSyncDeadline CompaniesSyncDeadline;

/* Starts the clock: @seconds from now, the cancellable is cancelled.
 * @outer (may be NULL) cancels it too. */
CompaniesSyncDeadline *companies_sync_deadline_new             (GCancellable          *outer,
                                                                guint                  seconds);
/* Stops the clock and frees. */
void                   companies_sync_deadline_free            (CompaniesSyncDeadline *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncDeadline, companies_sync_deadline_free)

/* The cancellable to pass to every I/O of the request. */
GCancellable          *companies_sync_deadline_get_cancellable (CompaniesSyncDeadline *self);
/* Whether the cancellable was cancelled because the time was up (and not
 * by @outer). */
gboolean               companies_sync_deadline_passed          (CompaniesSyncDeadline *self);

G_END_DECLS
