/* companies-company-row.h: a company in two lines (name, then city and
 * phone), the list's row at narrow widths.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_COMPANY_ROW (companies_company_row_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesCompanyRow, companies_company_row, COMPANIES, COMPANY_ROW, GtkWidget)

GtkWidget        *companies_company_row_new         (void);
/* Shows @company and follows its changes; NULL shows nothing. */
void              companies_company_row_set_company (CompaniesCompanyRow *self,
                                                     CompaniesCompany    *company);
CompaniesCompany *companies_company_row_get_company (CompaniesCompanyRow *self);

G_END_DECLS
