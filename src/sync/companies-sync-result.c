/* companies-sync-result.c: CompaniesSyncResult, what one completed sync
 * did (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include "companies-protocol.h"
#include "companies-sync-result.h"

G_DEFINE_BOXED_TYPE (CompaniesSyncResult, companies_sync_result,
                     companies_sync_result_copy, companies_sync_result_free)

CompaniesSyncResult *
companies_sync_result_copy (const CompaniesSyncResult *result)
{
  CompaniesSyncResult *copy = g_memdup2 (result, sizeof *result);

  if (result->applied != NULL)
    copy->applied = g_array_copy (result->applied);
  return copy;
}

void
companies_sync_result_free (CompaniesSyncResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->applied, g_array_unref);
  g_free (result);
}

static void
add_records (GArray    *applied,
             GPtrArray *records,
             gboolean   deleted)
{
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      const CompaniesRecord *record = g_ptr_array_index (records, i);
      CompaniesAppliedRecord entry = { record->id, "", record->version, deleted };

      g_strlcpy (entry.uuid, record->uuid != NULL ? record->uuid : "", sizeof entry.uuid);
      g_array_append_val (applied, entry);
    }
}

void
companies_sync_result_add_applied (CompaniesSyncResult *result,
                                   GPtrArray           *companies,
                                   GPtrArray           *deleted)
{
  if (result->applied == NULL)
    return;

  add_records (result->applied, companies, FALSE);
  add_records (result->applied, deleted, TRUE);
}
