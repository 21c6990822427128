/* companies-field-cell.h: one field of a company in a cell of the
 * companies list, a single line of text that follows the company.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_FIELD_CELL (companies_field_cell_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesFieldCell, companies_field_cell, COMPANIES, FIELD_CELL, GtkWidget)

/* Asks for @min_chars characters of width at least, @max_chars at best;
 * a longer text is ellipsized, and shows whole in a tooltip. */
GtkWidget  *companies_field_cell_new      (CompaniesField      field,
                                           int                 min_chars,
                                           int                 max_chars);
/* Shows @company's field and follows its changes; NULL shows nothing. */
void        companies_field_cell_bind     (CompaniesFieldCell *self,
                                           CompaniesCompany   *company);
const char *companies_field_cell_get_text (CompaniesFieldCell *self);
CompaniesCompany *companies_field_cell_get_company (CompaniesFieldCell *self);

G_END_DECLS
