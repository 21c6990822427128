/* model-text.h: random field values for the model and soak tests: valid
 * by docs/protocol.md section 1, with non-ASCII text, quotes, SQL-looking
 * strings and white space to trim.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-fields.h"

G_BEGIN_DECLS

/* A value for @field that companies_field_validate () accepts. */
char *model_text_value (GRand          *rand,
                        CompaniesField  field);

G_END_DECLS
