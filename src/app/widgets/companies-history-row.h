/* companies-history-row.h: one entry of a company's history (a value a
 * field had, when and who wrote it), with Restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "companies-history-entry.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_HISTORY_ROW (companies_history_row_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesHistoryRow, companies_history_row, COMPANIES, HISTORY_ROW, AdwActionRow)

/* Signals:
 *   "restore" (): Restore was clicked: make this value current again. */

/* @entry is copied. @can_restore: the value is not the current one and
 * editing is allowed (shows Restore). */
GtkWidget                   *companies_history_row_new       (const CompaniesHistoryEntry *entry,
                                                              gboolean                     can_restore);
const CompaniesHistoryEntry *companies_history_row_get_entry (CompaniesHistoryRow         *self);

G_END_DECLS
