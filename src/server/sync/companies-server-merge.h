/* companies-server-merge.h: the merge rules of the server, applied to one
 * request's changes (docs/protocol.md section 3)
 *
 * A merge writes through the store, inside a transaction its caller opened
 * (the worker's: companies-server-worker.c). It notes in the response the
 * changes it rejects and the fields it overwrites, and remembers which
 * records the request named, for the page (companies-server-sync.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-protocol.h"
#include "companies-server-store.h"

G_BEGIN_DECLS

typedef struct _CompaniesServerMerge CompaniesServerMerge;

/* @store and @response are borrowed. @now (UNIX seconds) stamps
 * deletions. @foreign: the request's cursor names another server
 * database, so the ids of its updates and deletes are not ours. @who:
 * the label of the request's token (NULL without tokens). */
CompaniesServerMerge  *companies_server_merge_new           (CompaniesServerStore   *store,
                                                             CompaniesSyncResponse  *response,
                                                             gint64                  now,
                                                             gboolean                foreign,
                                                             const char             *who,
                                                             const char             *client_id);
/* The label of the request's token, NULL without tokens. */
const char            *companies_server_merge_get_who       (CompaniesServerMerge   *self);
void                   companies_server_merge_free          (CompaniesServerMerge   *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesServerMerge, companies_server_merge_free)

/* Each returns FALSE (and sets @error) only when the storage failed; a
 * change the rules refuse is noted in the response's rejected. */

/* A new record, a new id; a known uuid (alive or tombstone) is a retried
 * add and writes nothing. */
gboolean               companies_server_merge_add           (CompaniesServerMerge   *self,
                                                             const CompaniesChange  *change,
                                                             GError                **error);
/* Per field, last write wins in arrival order; a written field whose
 * stored version is newer than the change's base_version, and whose value
 * differs, is noted in the response's overwritten. A tombstone wins over
 * the update; an unknown id is rejected `not_found`. */
gboolean               companies_server_merge_update        (CompaniesServerMerge   *self,
                                                             const CompaniesChange  *change,
                                                             GError                **error);
/* The record becomes a tombstone; missing or already deleted is fine. */
gboolean               companies_server_merge_delete        (CompaniesServerMerge   *self,
                                                             const CompaniesChange  *change,
                                                             GError                **error);

/* The ids (gint64) of the records the changes named, in order, once each:
 * the response carries their current state. */
const GArray          *companies_server_merge_get_named_ids (CompaniesServerMerge   *self);
/* Revision 1.8: the request asked for `created` (docs/protocol.md
 * section 3, "Created as sent"). Call before the changes are merged. */
void                   companies_server_merge_answer_created (CompaniesServerMerge *self);
/* Whether @record, as it stands, is one the request created with the
 * values it sent (only when it asked for `created`): the answer then
 * gives its id, uuid and version only. */
gboolean               companies_server_merge_created_as_sent (CompaniesServerMerge        *self,
                                                               const CompaniesServerRecord *record);
/* The record @id as this merge wrote it, moved out; NULL when the merge
 * did not keep it (read it from the store then). */
CompaniesServerRecord *companies_server_merge_steal_written (CompaniesServerMerge   *self,
                                                             gint64                  id);

G_END_DECLS
