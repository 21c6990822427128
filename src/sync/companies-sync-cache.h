/* companies-sync-cache.h: CompaniesSyncCache, what a sync client keeps
 * between its runs (one run at a time uses it): the SoupSession, so that
 * the connection to the server stays open, and the store connection with
 * its prepared statements.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "companies-local-store.h"
#include "companies-sync-config.h"

G_BEGIN_DECLS

typedef struct _CompaniesSyncCache CompaniesSyncCache;

CompaniesSyncCache  *companies_sync_cache_new           (void);
void                 companies_sync_cache_free          (CompaniesSyncCache         *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncCache, companies_sync_cache_free)

/* The kept session (for a config with a CA file of its own, only while
 * the file is unchanged: a changed or removed file must fail the next
 * sync), or a new one. @cache may be NULL. */
SoupSession         *companies_sync_cache_take_session  (CompaniesSyncCache         *cache,
                                                         const CompaniesSyncConfig  *config,
                                                         GError                    **error);
/* The kept store connection when it still opens the file at @path (not
 * one replaced since), or a new one; errors of COMPANIES_STORE_ERROR.
 * @cache may be NULL. */
CompaniesLocalStore *companies_sync_cache_take_store    (CompaniesSyncCache         *cache,
                                                         const char                 *path,
                                                         GError                    **error);
/* Keeps @store and @session for the next run: a run that succeeded
 * gives them back. */
void                 companies_sync_cache_keep          (CompaniesSyncCache         *cache,
                                                         CompaniesLocalStore        *store,
                                                         SoupSession                *session,
                                                         const CompaniesSyncConfig  *config);

/* The kept store connection as it is, or NULL; the cache keeps none. */
CompaniesLocalStore *companies_sync_cache_steal_store   (CompaniesSyncCache         *cache);

G_END_DECLS
