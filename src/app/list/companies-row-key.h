/* companies-row-key.h: the folded form of a company's listed fields,
 * made once per row and kept on the company, for searching and sorting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-company.h"

G_BEGIN_DECLS

/* The fields the list shows, searches and sorts by. */
#define COMPANIES_ROW_KEY_N_FIELDS 5

/* Folds @text for matching: decomposed (NFD), combining marks dropped,
 * case folded ("São Paulo" → "sao paulo"), appended to @out. */
void        companies_fold_append             (GString          *out,
                                               const char       *text);
char       *companies_fold                    (const char       *text);

/* The folded fields joined by a separator no search text holds; computed
 * on first use and kept on @company. Thread-safe for a company that no
 * other thread sees yet (the list loader prepares them in its worker). */
const char *companies_row_key_get_text        (CompaniesCompany *company);
void        companies_row_key_prepare         (CompaniesCompany *company);
/* Drops the kept key after @company's fields changed. */
void        companies_row_key_invalidate      (CompaniesCompany *company);
/* Moves the key of @from (if made) to @to, whose fields became @from's. */
void        companies_row_key_transfer        (CompaniesCompany *to,
                                               CompaniesCompany *from);

/* Orders two companies by the folded value of @field (one of the listed
 * fields). */
int         companies_row_key_compare         (CompaniesCompany *a,
                                               CompaniesCompany *b,
                                               CompaniesField    field);
gboolean    companies_row_key_has_field       (CompaniesField    field);
/* The folded value of @field (one of the listed fields) inside the key,
 * not NUL-terminated: @out_length bytes. */
const char *companies_row_key_get_field       (CompaniesCompany *company,
                                               CompaniesField    field,
                                               gsize            *out_length);

G_END_DECLS
