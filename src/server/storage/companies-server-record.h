/* companies-server-record.h: one company as the server keeps it
 *
 * The wire form of the record (docs/protocol.md) plus what only the
 * server keeps: whether it is a tombstone, and the version at which each
 * field was last written (for last-write-wins and overwritten notices).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-fields.h"
#include "companies-protocol.h"

G_BEGIN_DECLS

/* Alive, or a tombstone (deleted set, company->values all NULL).
 * field_versions[f] is the version at which field f was last written. */
typedef struct
{
  CompaniesRecord *company;  /* id, uuid, version and values */
  gboolean         deleted;
  gint64           field_versions[COMPANIES_N_FIELDS];
} CompaniesServerRecord;

CompaniesServerRecord *companies_server_record_new               (void);
void                   companies_server_record_free              (CompaniesServerRecord *record);
/* The wire form, a company with all fields or a tombstone, moved out of
 * @record (left without it) rather than copied: for pages of thousands
 * of records. */
CompaniesRecord       *companies_server_record_steal_to_protocol (CompaniesServerRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesServerRecord, companies_server_record_free)

G_END_DECLS
