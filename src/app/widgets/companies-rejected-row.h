/* companies-rejected-row.h: one company the server refused, its name and
 * the server's reason, in CompaniesRejectedPopover.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_REJECTED_ROW (companies_rejected_row_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesRejectedRow, companies_rejected_row, COMPANIES, REJECTED_ROW, GtkListBoxRow)

/* Property: "company" (construct-only). */

GtkWidget        *companies_rejected_row_new         (CompaniesCompany     *company);
CompaniesCompany *companies_rejected_row_get_company (CompaniesRejectedRow *self);

G_END_DECLS
