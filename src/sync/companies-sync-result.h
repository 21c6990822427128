/* companies-sync-result.h: CompaniesSyncResult, what one completed sync
 * did (a boxed type: the sync client returns it to its callers).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What one completed sync did. */
/* One record a sync applied to the local store. */
typedef struct
{
  gint64   id;
  char     uuid[37];
  gint64   version;
  gboolean deleted;      /* a tombstone, not a company */
} CompaniesAppliedRecord;

typedef struct
{
  guint    requests;     /* HTTP round trips */
  guint    sent;         /* changes pushed (added + updated + deleted) */
  guint    received;     /* companies and tombstones pulled */
  guint    rejected;     /* records the server refused */
  guint    overwritten;  /* values our pushes replaced unseen */
  guint    deleted_edits; /* edits here to companies deleted elsewhere (notices) */
  gboolean reset;        /* the server sent a full snapshot */
  /* With companies_sync_client_set_report_applied (): the records
   * applied, of CompaniesAppliedRecord, in the order they were; else NULL. */
  GArray  *applied;
} CompaniesSyncResult;

GType                companies_sync_result_get_type (void) G_GNUC_CONST;
#define COMPANIES_TYPE_SYNC_RESULT (companies_sync_result_get_type ())
CompaniesSyncResult *companies_sync_result_copy     (const CompaniesSyncResult *result);
void                 companies_sync_result_free     (CompaniesSyncResult       *result);
/* Adds the records of one applied response to @result's list (when it
 * keeps one): companies, then tombstones. */
void                 companies_sync_result_add_applied (CompaniesSyncResult   *result,
                                                        GPtrArray             *companies,
                                                        GPtrArray             *deleted);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncResult, companies_sync_result_free)

G_END_DECLS
