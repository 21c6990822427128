/* companies-sync-run-private.h: one whole sync, blocking, in the calling
 * thread; CompaniesSyncClient runs it directly (sync) or in a worker
 * thread (sync_async).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "companies-protocol.h"

#include "companies-sync-client.h"

G_BEGIN_DECLS

/* What a run needs, copied when it starts. */
typedef struct
{
  char *database_path;
  char *server_url;
  char *token;         /* NULL: no Authorization header */
  char *tls_ca_file;   /* NULL: the system's certificate authorities */
} CompaniesSyncConfig;

void companies_sync_config_free (CompaniesSyncConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncConfig, companies_sync_config_free)

/* --- companies-sync-http.c --- */

/* <server_url>/v1/companies/sync, or NULL with COMPANIES_SYNC_ERROR_NETWORK
 * for an address that is not http(s)://host[:port]. */
char                  *companies_sync_http_build_url   (const char                 *server_url,
                                                        GError                    **error);
/* A session for the syncs; with a CA file, trusting only it. */
SoupSession           *companies_sync_http_session_new (const CompaniesSyncConfig  *config,
                                                        GError                    **error);
/* Sends one request; returns the decoded response, or NULL with a
 * COMPANIES_SYNC_ERROR (or G_IO_ERROR_CANCELLED). When the server refused
 * the request with an error body, *out_server_path is its "path".
 * *out_not_applied tells a failure that proves nothing of the request was
 * applied (never sent, or refused with an error status: protocol.md
 * section 4) from one that leaves it unknown (a lost response). */
CompaniesSyncResponse *companies_sync_http_post        (SoupSession                *session,
                                                        const CompaniesSyncConfig  *config,
                                                        const char                 *url,
                                                        const CompaniesSyncRequest *request,
                                                        char                      **out_server_path,
                                                        gboolean                   *out_not_applied,
                                                        GCancellable               *cancellable,
                                                        GError                    **error);

/* --- companies-sync-run.c --- */

/* What a client keeps between its runs (one run at a time uses it): the
 * SoupSession, so that the connection to the server stays open, and the
 * store connection with its prepared statements. */
typedef struct _CompaniesSyncCache CompaniesSyncCache;

CompaniesSyncCache *companies_sync_cache_new  (void);
void                companies_sync_cache_free (CompaniesSyncCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncCache, companies_sync_cache_free)

/* Called after each round trip, in the thread of the run. */
typedef void (*CompaniesSyncProgressFunc) (guint    sent,
                                           guint    received,
                                           gpointer user_data);

/* Takes the flock on <database>.sync-lock (polled every 50 ms, honouring
 * @cancellable), takes the store connection and SoupSession of @cache
 * (or opens its own; @cache may be NULL), pushes every change pending
 * when it began and pulls until has_more is false. A run that succeeds
 * leaves them in @cache; one that fails does not (the next run starts
 * afresh). Errors: COMPANIES_SYNC_ERROR, or G_IO_ERROR_CANCELLED. */
CompaniesSyncResult *companies_sync_run (const CompaniesSyncConfig  *config,
                                         CompaniesSyncCache         *cache,
                                         GCancellable               *cancellable,
                                         CompaniesSyncProgressFunc   progress,
                                         gpointer                    progress_data,
                                         GError                    **error);

G_END_DECLS
