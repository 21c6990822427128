/* companies-fold.h: the folded text the companies list searches, and the
 * natural sort keys it sorts by (see companies-fold.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-fields.h"

G_BEGIN_DECLS

/* The fields the list shows, searches and sorts by, in the order of the
 * search text. */
#define COMPANIES_N_LISTED_FIELDS 5
extern const CompaniesField companies_listed_fields[COMPANIES_N_LISTED_FIELDS];

/* The sort key of an empty value: one byte that no UTF-8 text holds,
 * above every other key's first byte, so that empty values sort last. */
#define COMPANIES_SORT_KEY_EMPTY 0xff

/* Folds @text for matching: decomposed (NFD), combining marks dropped,
 * case folded ("São Paulo" → "sao paulo"), appended to @out. */
void  companies_fold_append        (GString            *out,
                                    const char         *text);
char *companies_fold               (const char         *text);

/* Appends the natural sort key of @text (bytes, compared with memcmp ()
 * then by length) and returns its length. */
gsize companies_sort_key_append    (GString            *out,
                                    const char         *text);

/* Appends the folded listed fields of @values (indexed by CompaniesField),
 * joined by a separator that no folded search text holds. */
void  companies_search_text_append (GString            *out,
                                    const char * const *values);

G_END_DECLS
