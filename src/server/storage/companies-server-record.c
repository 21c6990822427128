/* companies-server-record.c: one company as the server keeps it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-server-record.h"

CompaniesServerRecord *
companies_server_record_new (void)
{
  CompaniesServerRecord *record = g_new0 (CompaniesServerRecord, 1);

  record->company = companies_record_new ();
  return record;
}

void
companies_server_record_free (CompaniesServerRecord *record)
{
  if (record == NULL)
    return;

  companies_record_free (record->company);
  g_free (record);
}

CompaniesRecord *
companies_server_record_steal_to_protocol (CompaniesServerRecord *record)
{
  CompaniesRecord *company = g_steal_pointer (&record->company);

  /* A tombstone has no values on the wire; a company has every field. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (record->deleted)
        g_clear_pointer (&company->values[i], g_free);
      else if (company->values[i] == NULL)
        company->values[i] = g_strdup ("");
    }

  return company;
}
