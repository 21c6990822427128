/* companies-history-entry.c: one entry of a company's history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-protocol"

#include "config.h"

#include "companies-history-entry.h"

CompaniesHistoryEntry *
companies_history_entry_new (void)
{
  return g_new0 (CompaniesHistoryEntry, 1);
}

void
companies_history_entry_free (CompaniesHistoryEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->field);
  g_free (entry->value);
  g_free (entry->by);
  g_free (entry);
}
