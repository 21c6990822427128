/* model-oracle.h: what the server must hold, worked out from the requests
 * that reached it, by the rules of docs/protocol.md section 3: requests in
 * arrival order; in each, adds, then updates, then deletes; per field last
 * write wins; deletes win; an add is idempotent by uuid.
 *
 * Fed with every request the server answered (and its answer, from which
 * it learns only the ids the server chose), it checks each answer against
 * its own state, and at the end the server's whole state. It also keeps
 * the local edits each client made until a request of that client carried
 * them to the server, so that an edit that never reaches the server (lost
 * locally) is found. An edit of a record the server deleted before the
 * edit reached it is lost to the delete: it must be in a notice at its
 * client (docs/notices.md), which the test checks at the end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "model-edits.h"

G_BEGIN_DECLS

typedef struct _ModelOracle ModelOracle;

ModelOracle *model_oracle_new                  (void);
void         model_oracle_free                 (ModelOracle        *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelOracle, model_oracle_free)

/* Applies a request that the server answered with 200 and @response, and
 * checks the response against the new state (every record in it, its
 * version, the records the request named, the rejections). On a mismatch
 * returns FALSE with a message in @error. *out_summary (if not NULL) gets
 * a line saying what the request did. */
gboolean     model_oracle_apply                (ModelOracle        *self,
                                                GBytes             *request,
                                                GBytes             *response,
                                                char              **out_summary,
                                                GError            **error);

/* A client's local edit: record @uuid holds @values (indexed by
 * CompaniesField) in the fields of @mask on the client @client_id. Until a
 * request of that client brings those values to the server (or the record
 * is deleted on the server, or forgotten), the edit counts as unsent. */
void         model_oracle_expect_sent          (ModelOracle        *self,
                                                const char         *client_id,
                                                const char         *uuid,
                                                guint               mask,
                                                const char * const *values);
/* The client deleted @uuid locally: its edits of it no longer count. */
void         model_oracle_forget               (ModelOracle        *self,
                                                const char         *client_id,
                                                const char         *uuid);
/* Calls @func for every edit lost to a delete on the server. */
void         model_oracle_foreach_lost         (ModelOracle         *self,
                                                ModelEditsLostFunc   func,
                                                gpointer             user_data);
/* Calls @func for every edit made that left its client (model-edits.h). */
void         model_oracle_foreach_made         (ModelOracle         *self,
                                                ModelEditsLostFunc   func,
                                                gpointer             user_data);
/* The edits still unsent, one a line; NULL when there is none. */
char        *model_oracle_describe_unsent      (ModelOracle        *self);

/* Compares the server's whole state, @records (uuid → CompaniesRecord,
 * tombstones with NULL values), with the oracle's: same uuids, and per
 * uuid alive or deleted, id, version and every field. */
gboolean     model_oracle_check_server         (ModelOracle        *self,
                                                GHashTable         *records,
                                                GError            **error);

/* Whether the oracle holds @uuid as deleted on the server. */
gboolean     model_oracle_is_deleted           (ModelOracle        *self,
                                                const char         *uuid);
guint        model_oracle_count_alive          (ModelOracle        *self);
guint        model_oracle_count_deleted        (ModelOracle        *self);
/* The last cursor a response carried, NULL before the first. */
const char  *model_oracle_get_last_cursor      (ModelOracle        *self);

G_END_DECLS
