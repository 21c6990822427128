/* companies-search-model.h: the rows of a list that match the search.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-search-filter.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_SEARCH_MODEL (companies_search_model_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesSearchModel, companies_search_model, COMPANIES, SEARCH_MODEL, GObject)

/* A GListModel of the CompaniesCompany of @source, in its order, that
 * match @filter; it follows both. */
CompaniesSearchModel *companies_search_model_new               (GListModel            *source,
                                                                CompaniesSearchFilter *filter);
/* Takes the copy of the source's rows that searching needs once the main
 * loop is idle rather than at the first keystroke. */
void                  companies_search_model_prepare_when_idle (CompaniesSearchModel *self);

G_END_DECLS
