/* companies-search-filter.h: the search of the companies list, case- and
 * accent-insensitive over name, city, country, e-mail and phone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>


G_BEGIN_DECLS

#define COMPANIES_TYPE_SEARCH_FILTER (companies_search_filter_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesSearchFilter, companies_search_filter, COMPANIES, SEARCH_FILTER, GtkFilter)

/* Property: "text" (the search as typed). */

CompaniesSearchFilter *companies_search_filter_new         (void);
const char            *companies_search_filter_get_text    (CompaniesSearchFilter *self);
void                   companies_search_filter_set_text    (CompaniesSearchFilter *self,
                                                            const char            *text);
/* The text as the rows' keys hold it (companies_fold ()), NULL when the
 * search is empty. */
const char            *companies_search_filter_get_folded  (CompaniesSearchFilter *self);

G_END_DECLS
