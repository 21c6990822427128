/* companies-field-row.h: one field of a company in the editor: its
 * label, its entry (a text view for the notes) and its message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-fields.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_FIELD_ROW (companies_field_row_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesFieldRow, companies_field_row, COMPANIES, FIELD_ROW, GtkGrid)

/* Properties: "field" (construct-only), "label-size-group" (construct-only,
 * may be NULL: the rows that share one line their entries up).
 *
 * Signal: "changed" (): the text was edited (or set). */

GtkWidget  *companies_field_row_new                (CompaniesField     field,
                                                    GtkSizeGroup      *label_size_group);
CompaniesField companies_field_row_get_field       (CompaniesFieldRow *self);
char       *companies_field_row_dup_text           (CompaniesFieldRow *self);
void        companies_field_row_set_text           (CompaniesFieldRow *self,
                                                    const char        *text);
/* Shows @message under the field and marks the field invalid; NULL
 * clears both. */
void        companies_field_row_set_message        (CompaniesFieldRow *self,
                                                    const char        *message);
/* The message shown, NULL when none is. */
const char *companies_field_row_get_message        (CompaniesFieldRow *self);
/* The GtkEntry of a one-line field, or the GtkTextView of the notes. */
GtkWidget  *companies_field_row_get_editable       (CompaniesFieldRow *self);

G_END_DECLS
