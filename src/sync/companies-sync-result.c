/* companies-sync-result.c: CompaniesSyncResult, what one completed sync
 * did (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include "companies-sync-result.h"

G_DEFINE_BOXED_TYPE (CompaniesSyncResult, companies_sync_result,
                     companies_sync_result_copy, companies_sync_result_free)

CompaniesSyncResult *
companies_sync_result_copy (const CompaniesSyncResult *result)
{
  return g_memdup2 (result, sizeof *result);
}

void
companies_sync_result_free (CompaniesSyncResult *result)
{
  g_free (result);
}
