/* companies-server-history.h: the answer to GET /v1/companies/{id}/history
 * (docs/protocol.md, docs/history.md), read from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-server-reply.h"
#include "companies-server-store.h"

G_BEGIN_DECLS

/* The id in a history path, "/v1/companies/<id>/history"; FALSE for any
 * other path. */
gboolean companies_server_history_parse_path (const char            *path,
                                              gint64                *out_id);

/* Reads record @id's history in a transaction of its own on @store and
 * sets @reply: 200 with {"id", "uuid", "entries"}, 404 `not_found` for an
 * unknown id; FALSE (and @error) when the storage failed. */
gboolean companies_server_history_read       (CompaniesServerStore  *store,
                                              gint64                 id,
                                              CompaniesServerReply  *reply,
                                              GError               **error);

G_END_DECLS
