/* companies-field-sorter.h: sorts companies by one listed field, case-
 * and accent-insensitively, from the keys kept on each row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-fields.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_FIELD_SORTER (companies_field_sorter_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesFieldSorter, companies_field_sorter, COMPANIES, FIELD_SORTER, GtkSorter)

/* @field: name, city, country, email or phone. */
GtkSorter *companies_field_sorter_new (CompaniesField field);

G_END_DECLS
