/* companies-sync-run-private.h: one whole sync, blocking, in the calling
 * thread; CompaniesSyncClient runs it directly (sync) or in a worker
 * thread (sync_async).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

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

/* Called after each round trip, in the thread of the run. */
typedef void (*CompaniesSyncProgressFunc) (guint    sent,
                                           guint    received,
                                           gpointer user_data);

/* Takes the flock on <database>.sync-lock (polled every 50 ms, honouring
 * @cancellable), opens its own store connection and SoupSession, pushes
 * every change pending when it began and pulls until has_more is false.
 * Errors: COMPANIES_SYNC_ERROR, or G_IO_ERROR_CANCELLED. */
CompaniesSyncResult *companies_sync_run (const CompaniesSyncConfig  *config,
                                         GCancellable               *cancellable,
                                         CompaniesSyncProgressFunc   progress,
                                         gpointer                    progress_data,
                                         GError                    **error);

G_END_DECLS
