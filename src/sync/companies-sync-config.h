/* companies-sync-config.h: CompaniesSyncConfig, what one sync needs from
 * its client, copied when it starts: the worker never reads the client's
 * properties.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *database_path;
  char *server_url;
  char *token;         /* NULL: no Authorization header */
  char *tls_ca_file;   /* NULL: the system's certificate authorities; else absolute */
  guint request_deadline;  /* seconds a round trip may take in all */
  gboolean report_applied; /* list the records applied in the result */
} CompaniesSyncConfig;

/* The total deadline of one round trip (docs/protocol-transport.md). */
#define COMPANIES_SYNC_REQUEST_DEADLINE 120

/* Seconds a kept-alive connection may stay idle before the client closes
 * it: a few seconds below companies-server's (docs/live.md), so that the
 * server rarely closes one just as the client reuses it. */
#define COMPANIES_SYNC_IDLE_TIMEOUT 55

/* Copies the four values; a @tls_ca_file of NULL takes
 * $COMPANIES_CA_FILE when that is set, and a relative one is taken from
 * the current folder (now, not when the sync runs). The deadline is
 * COMPANIES_SYNC_REQUEST_DEADLINE. */
CompaniesSyncConfig *companies_sync_config_new  (const char          *database_path,
                                                 const char          *server_url,
                                                 const char          *token,
                                                 const char          *tls_ca_file);
void                 companies_sync_config_free (CompaniesSyncConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncConfig, companies_sync_config_free)

G_END_DECLS
