/* companies-live-watch.h: the app's one open watch of the server's change
 * feed (docs/protocol.md, GET /v1/changes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-sync-client.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_LIVE_WATCH (companies_live_watch_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesLiveWatch, companies_live_watch, COMPANIES, LIVE_WATCH, GObject)

/* Properties: "client" (construct-only), "watching" (read-only: a watch
 * is open, or its heartbeat answer is being turned into the next one).
 *
 * Signals:
 *   "heartbeat" (): the server answered that nothing changed; the next
 *     watch opens by itself.
 * and, each ending the watch (open it again to go on):
 *   "changed" (): the server holds something newer than the cursor.
 *   "failed" (GError *error): the watch failed; G_IO_ERROR_NOT_SUPPORTED
 *     when the server has no change feed. */

CompaniesLiveWatch *companies_live_watch_new          (CompaniesSyncClient *client);

/* Opens a watch unless one is open; a heartbeat answer ("nothing new")
 * opens the next by itself. */
void                companies_live_watch_open         (CompaniesLiveWatch  *self);
/* Ends the open watch, if any, without a signal. */
void                companies_live_watch_close        (CompaniesLiveWatch  *self);
gboolean            companies_live_watch_get_watching (CompaniesLiveWatch  *self);

G_END_DECLS
