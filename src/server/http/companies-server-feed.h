/* companies-server-feed.h: GET /v1/changes, the change feed
 * (docs/protocol-feed.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "companies-server-limits.h"

G_BEGIN_DECLS

#define COMPANIES_SERVER_FEED_PATH           "/v1/changes"
#define COMPANIES_SERVER_DEFAULT_MAX_WATCHERS 4096

typedef struct _CompaniesServerFeed CompaniesServerFeed;

/* At most @max_watchers requests held at once; @limits (borrowed) is told
 * which connections hold one, so that they take no request slot. */
CompaniesServerFeed *companies_server_feed_new          (CompaniesServerLimits *limits,
                                                         guint                  max_watchers);
/* The database the feed speaks of, and its newest committed version: set
 * once, before the first request. */
void                 companies_server_feed_set_database (CompaniesServerFeed   *self,
                                                         const char            *database_uuid,
                                                         gint64                 version);
/* @version was committed (through this server or another on the same
 * database): the watchers whose cursor is older are answered. */
void                 companies_server_feed_committed    (CompaniesServerFeed   *self,
                                                         gint64                 version);
/* Answers every watcher "changed" once: after the server may have missed
 * commits (its notifications were cut), each client syncs to find out. */
void                 companies_server_feed_wake_all     (CompaniesServerFeed   *self);
/* Serves an authorized GET /v1/changes: answers at once, or holds @msg
 * (paused) until a commit or its wait ends. */
void                 companies_server_feed_serve        (CompaniesServerFeed   *self,
                                                         SoupServerMessage     *msg,
                                                         GHashTable            *query);
guint                companies_server_feed_get_n_watchers (CompaniesServerFeed *self);
/* Lets go of the held requests (their connections close with the server). */
void                 companies_server_feed_free         (CompaniesServerFeed   *self);

G_END_DECLS
