/* companies-sync-result.h: CompaniesSyncResult, what one completed sync
 * did (a boxed type: the sync client returns it to its callers).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What one completed sync did. */
typedef struct
{
  guint    requests;     /* HTTP round trips */
  guint    sent;         /* changes pushed (added + updated + deleted) */
  guint    received;     /* companies and tombstones pulled */
  guint    rejected;     /* records the server refused */
  guint    overwritten;  /* values our pushes replaced unseen */
  guint    deleted_edits; /* edits here to companies deleted elsewhere (notices) */
  gboolean reset;        /* the server sent a full snapshot */
} CompaniesSyncResult;

GType                companies_sync_result_get_type (void) G_GNUC_CONST;
#define COMPANIES_TYPE_SYNC_RESULT (companies_sync_result_get_type ())
CompaniesSyncResult *companies_sync_result_copy     (const CompaniesSyncResult *result);
void                 companies_sync_result_free     (CompaniesSyncResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncResult, companies_sync_result_free)

G_END_DECLS
