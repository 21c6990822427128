/* companies-rejected-popover.h: the list of the companies the server
 * refused, each to open and correct.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_REJECTED_POPOVER (companies_rejected_popover_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesRejectedPopover, companies_rejected_popover, COMPANIES, REJECTED_POPOVER, GtkPopover)

/* Property: "companies" (GListModel of CompaniesCompany): the refused
 * ones among them are listed each time the popover shows.
 *
 * Signal: "company-activated" (CompaniesCompany *company): one was
 * picked; the popover has closed. */

GListModel *companies_rejected_popover_get_companies (CompaniesRejectedPopover *self);
void        companies_rejected_popover_set_companies (CompaniesRejectedPopover *self,
                                                      GListModel               *companies);

G_END_DECLS
