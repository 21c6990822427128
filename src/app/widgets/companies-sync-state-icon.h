/* companies-sync-state-icon.h: a row's sync state in the companies list,
 * an icon with a tooltip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_SYNC_STATE_ICON (companies_sync_state_icon_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesSyncStateIcon, companies_sync_state_icon, COMPANIES, SYNC_STATE_ICON, GtkWidget)

/* Property: "company" (the row's company, or NULL). */

GtkWidget        *companies_sync_state_icon_new         (void);
CompaniesCompany *companies_sync_state_icon_get_company (CompaniesSyncStateIcon *self);
void              companies_sync_state_icon_set_company (CompaniesSyncStateIcon *self,
                                                         CompaniesCompany       *company);

/* The icon name and the sentence for a state; the icon is NULL for a
 * synced record. The rejection message is part of the sentence. */
const char       *companies_sync_state_get_icon_name    (CompaniesSyncState      state);
char             *companies_sync_state_describe         (CompaniesCompany       *company);

G_END_DECLS
