/* model-vanish.h: the model test's invariant that no edit vanishes.
 *
 * Every edit a client made (value by field, record and client; but those
 * its own client replaced or deleted before they left it) is at the end
 * either the server's current value, in the record's history on the
 * server (GET /v1/companies/{id}/history, read through the client
 * library, docs/history.md), or in a notice at the client that made it
 * (overwritten or deleted, docs/notices.md). And an edit a delete on the
 * server beat is in a "deleted" notice at its client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "model-world.h"

G_BEGIN_DECLS

/* Checks every edit made against @server_records (uuid →
 * CompaniesRecord, tombstones with NULL values), the history the server
 * at @server_url keeps, and the clients' notices. The server must keep
 * up to @history_entries entries a field: a field whose history is that
 * long may have lost entries to the bound, which a failure then says.
 * FALSE with the first edit that vanished in @error; *out_checked gets
 * the number of edits checked, and *out_in_history how many of them only
 * the history holds. */
gboolean model_check_none_vanished (Model       *model,
                                    GHashTable  *server_records,
                                    const char  *server_url,
                                    guint        history_entries,
                                    guint       *out_checked,
                                    guint       *out_in_history,
                                    GError     **error);

/* Fails the model unless every edit lost to a delete on the server is in
 * a "deleted" notice at its client; returns how many there are. */
guint    model_check_lost_in_notices (Model     *model);

G_END_DECLS
