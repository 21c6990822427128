/* companies-search-filter.h: the search of the companies list, case- and
 * accent-insensitive over name, city, country, e-mail and phone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_SEARCH_FILTER (companies_search_filter_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesSearchFilter, companies_search_filter, COMPANIES, SEARCH_FILTER, GtkFilter)

/* Property: "text" (the search as typed). */

CompaniesSearchFilter *companies_search_filter_new         (void);
const char            *companies_search_filter_get_text    (CompaniesSearchFilter *self);
void                   companies_search_filter_set_text    (CompaniesSearchFilter *self,
                                                            const char            *text);

/* The folded form used for matching: decomposed (NFD), combining marks
 * dropped, case folded. "São Paulo" → "sao paulo". */
char                  *companies_search_fold               (const char            *text);

/* Computes and caches the search key of @company. Touches no widget: the
 * list loader calls it in its worker thread, before the company is shared,
 * so that the first keystroke does not fold every row. */
void                   companies_search_filter_prepare     (CompaniesCompany      *company);
/* Drops the cached key after @company's fields changed. */
void                   companies_search_filter_invalidate  (CompaniesCompany      *company);

G_END_DECLS
