/* companies-sync-client-private.h: what the files of src/sync that work
 * for a CompaniesSyncClient (its watch) take from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-sync-cache.h"
#include "companies-sync-client.h"
#include "companies-sync-config.h"

G_BEGIN_DECLS

/* A copy of what one request needs from the client's properties. */
CompaniesSyncConfig *companies_sync_client_dup_config      (CompaniesSyncClient *self);
/* The session and store connection kept for the syncs, or (@watch) for
 * the watches, taken for one of them (a new one while another holds
 * it); give it back when done. */
CompaniesSyncCache  *companies_sync_client_take_cache      (CompaniesSyncClient *self,
                                                            gboolean             watch);
void                 companies_sync_client_give_back_cache (CompaniesSyncClient *self,
                                                            gboolean             watch,
                                                            CompaniesSyncCache  *cache);

G_END_DECLS
