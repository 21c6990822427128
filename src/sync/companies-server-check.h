/* companies-server-check.h: whether an address answers as a Companies
 * server (docs/protocol.md section 5), before anything is sent to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-error.h"
#include "companies-sync-config.h"

G_BEGIN_DECLS

/* GET <server_url>/v1/health, blocking, with the TLS trust of @config.
 * TRUE when it answers 200 and {"status":"ok","protocol":1}. Errors
 * (COMPANIES_SYNC_ERROR): NETWORK (not reached), CERTIFICATE (any TLS
 * failure: an untrusted certificate, https to a plain server, …),
 * PROTOCOL (it answered, but not as a Companies server); or
 * G_IO_ERROR_CANCELLED. */
gboolean companies_server_check (const CompaniesSyncConfig  *config,
                                 GCancellable               *cancellable,
                                 GError                    **error);

G_END_DECLS
