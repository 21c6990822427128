/* companies-status-text.h: the sentences of the window's status line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-local-store.h"

G_BEGIN_DECLS

/* Changes a sync would send now: the pending additions, changes and
 * deletions, less the records the server refused (they wait for an edit). */
guint  companies_status_count_waiting  (const CompaniesStoreStatus *status);

/* "3 changes waiting to sync" */
char  *companies_status_text_waiting   (guint                       n_changes);
/* "Synced just now", "Synced 2 minutes ago", … @now and @synced_at are unix
 * seconds. */
char  *companies_status_text_synced    (gint64                      synced_at,
                                        gint64                      now);
/* "2 companies could not be synced" */
char  *companies_status_text_rejected  (guint                       n_companies);

/* The whole status line: where things stand, from the store's status, the
 * error of the last sync (NULL when it succeeded or none ran), whether a
 * sync runs now and whether a watch of the server's changes is open
 * (@live: "Live: up to date" rather than when it last synced). */
char  *companies_status_text_format    (const CompaniesStoreStatus *status,
                                        const GError               *last_error,
                                        gboolean                    syncing,
                                        gboolean                    live,
                                        gint64                      now);

G_END_DECLS
