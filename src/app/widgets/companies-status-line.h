/* companies-status-line.h: the line at the foot of the main window that
 * says where the sync stands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-local-store.h"
#include "companies-sync-scheduler.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_STATUS_LINE (companies_status_line_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesStatusLine, companies_status_line, COMPANIES, STATUS_LINE, GtkBox)

/* Properties (each set once, by whoever places the line):
 *   "store" (CompaniesLocalStore, may stay NULL): where the counts come from.
 *   "scheduler" (CompaniesSyncScheduler): whether a sync runs, its last
 *     error and its progress; the line follows its signals.
 *   "companies" (GListModel of CompaniesCompany): where the refused
 *     companies are listed from.
 *
 * Signal:
 *   "company-activated" (CompaniesCompany *company): a refused company
 *     was picked from the list of them. */

/* Says where things stand now. @known: the store's status if the caller
 * just read it (the list's reads bring it), else NULL to read it. */
void companies_status_line_update (CompaniesStatusLine        *self,
                                   const CompaniesStoreStatus *known);

G_END_DECLS
