/* companies-window.h: the main window, the list of companies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "companies-company.h"
#include "companies-company-list.h"
#include "companies-sync-scheduler.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_WINDOW (companies_window_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesWindow, companies_window, COMPANIES, WINDOW, AdwApplicationWindow)

/* Construct properties: "settings" (the window's size is kept there),
 * "companies" (the list, which follows the store, if any), "scheduler",
 * and "store-error" (why the store could not be opened, or NULL). */

CompaniesWindow *companies_window_new                (GtkApplication         *application,
                                                      GSettings              *settings,
                                                      CompaniesCompanyList   *companies,
                                                      CompaniesSyncScheduler *scheduler,
                                                      const GError           *store_error);

/* The model the column view shows (sorted, filtered), and the selection. */
GListModel      *companies_window_get_visible_model  (CompaniesWindow      *self);
GtkSingleSelection *companies_window_get_selection   (CompaniesWindow      *self);
/* TRUE once the first read of the store has reached the list. */
gboolean         companies_window_get_loaded         (CompaniesWindow      *self);

/* Opens the editor on @company, or on a new company when NULL. */
void             companies_window_edit_company       (CompaniesWindow      *self,
                                                      CompaniesCompany     *company);
/* The editor open now, or NULL. */
GtkWindow       *companies_window_get_editor         (CompaniesWindow      *self);
/* Opens the History of @company, a server record (docs/history.md);
 * returns the window, or NULL without a store or a sync client. */
GtkWindow       *companies_window_show_history       (CompaniesWindow      *self,
                                                      CompaniesCompany     *company);
/* Whether the list shows as two-line rows (a narrow window). */
gboolean         companies_window_get_narrow         (CompaniesWindow      *self);

/* Opens the import dialog on @file (its preview first), as Import… and a
 * dropped file do; the export dialog writing to @file, as Export… does.
 * Return the dialog, or NULL without a store. */
GtkWindow       *companies_window_import_file        (CompaniesWindow      *self,
                                                      GFile                *file);
GtkWindow       *companies_window_export_file        (CompaniesWindow      *self,
                                                      GFile                *file);

G_END_DECLS
