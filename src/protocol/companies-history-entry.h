/* companies-history-entry.h: one entry of a company's history on the
 * server (docs/protocol.md, "GET /v1/companies/{id}/history")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The history path of company @id: "/v1/companies/<id>/history". */
#define COMPANIES_HISTORY_PATH_PREFIX "/v1/companies/"
#define COMPANIES_HISTORY_PATH_SUFFIX "/history"

typedef struct
{
  char   *field;    /* a field's wire name; NULL: the company was deleted */
  char   *value;    /* the value written; NULL for a deletion */
  gint64  version;  /* the version the write took */
  gint64  at;       /* when, UNIX seconds */
  char   *by;       /* the label of the writer's token; NULL when unknown */
} CompaniesHistoryEntry;

CompaniesHistoryEntry *companies_history_entry_new  (void);
void                   companies_history_entry_free (CompaniesHistoryEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesHistoryEntry, companies_history_entry_free)

G_END_DECLS
