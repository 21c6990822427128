/* companies-sync-http.h: the HTTP side of a sync (docs/protocol.md
 * sections 3 and 4): the sync URL, the session, and one request sent and
 * its answer decoded, with the errors of COMPANIES_SYNC_ERROR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "companies-error.h"
#include "companies-protocol.h"
#include "companies-sync-config.h"

G_BEGIN_DECLS

/* <server_url>/v1/companies/sync, or NULL with COMPANIES_SYNC_ERROR_NETWORK
 * for an address that is not http(s)://host[:port]. */
char                  *companies_sync_http_build_url   (const char                 *server_url,
                                                        GError                    **error);
/* The same for another @path of the protocol (e.g. "/v1/changes"). */
char                  *companies_sync_http_build_url_for (const char               *server_url,
                                                          const char               *path,
                                                          GError                  **error);
/* A session for the syncs; with a CA file, trusting only it. */
SoupSession           *companies_sync_http_session_new (const CompaniesSyncConfig  *config,
                                                        GError                    **error);
/* Sends one request; returns the decoded response, or NULL with a
 * COMPANIES_SYNC_ERROR (or G_IO_ERROR_CANCELLED). The round trip has
 * config->request_deadline seconds in all; the answer is read up to the
 * largest valid response (docs/protocol-transport.md), a 3xx is not
 * followed, and a body cut short fails. When the server refused
 * the request with an error body, *out_server_path is its "path".
 * *out_not_applied tells a failure that proves nothing of the request was
 * applied (never sent, or refused with an error status: docs/protocol.md
 * section 4) from one that leaves it unknown (a lost response).
 * @encoded_changes, when not NULL, are @request's changes as
 * companies_sync_request_encode_changes () wrote them. */
CompaniesSyncResponse *companies_sync_http_post        (SoupSession                *session,
                                                        const CompaniesSyncConfig  *config,
                                                        const char                 *url,
                                                        const CompaniesSyncRequest *request,
                                                        GBytes                     *encoded_changes,
                                                        char                      **out_server_path,
                                                        gboolean                   *out_not_applied,
                                                        GCancellable               *cancellable,
                                                        GError                    **error);

/* Sends a GET of @url (the same headers as a sync) and reads its answer,
 * at most @max_bytes, within @deadline_seconds in all: the body, or NULL
 * with the errors of a sync (COMPANIES_SYNC_ERROR, G_IO_ERROR_CANCELLED)
 * and G_IO_ERROR_NOT_SUPPORTED for a 404 (a server without @url). */
GBytes                *companies_sync_http_get         (SoupSession                *session,
                                                        const CompaniesSyncConfig  *config,
                                                        const char                 *url,
                                                        guint                       deadline_seconds,
                                                        guint64                     max_bytes,
                                                        GCancellable               *cancellable,
                                                        GError                    **error);

G_END_DECLS
