/* companies-csv-dialog.h: the dialog of a CSV import (a preview of the
 * first rows, the separator found and the bad lines among them; then a
 * progress bar with Cancel; then what was imported and every refused
 * line) or of an export (progress, then the count).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COMPANIES_TYPE_CSV_DIALOG (companies_csv_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesCsvDialog, companies_csv_dialog, COMPANIES, CSV_DIALOG, GtkWindow)

/* Signal "finished" (guint64 count): an import or export ended (done,
 * failed or cancelled) after writing @count companies; the window reads
 * its list again.
 *
 * Actions: "csv.import" starts the import shown in the preview;
 * "csv.cancel" closes the dialog, or cancels what runs. */

/* Reads the preview of @file at once; the import waits for "csv.import".
 * Both run on their own connection to @database_path. */
CompaniesCsvDialog *companies_csv_dialog_new_import (GtkWindow          *parent,
                                                     const char         *database_path,
                                                     GFile              *file);
/* Starts writing every company to @file at once. */
CompaniesCsvDialog *companies_csv_dialog_new_export (GtkWindow          *parent,
                                                     const char         *database_path,
                                                     GFile              *file);
/* "preview", "progress" or "done". */
const char         *companies_csv_dialog_get_page   (CompaniesCsvDialog *self);
/* The text of the visible page's summary: the preview's problems or the
 * result, for tests and screen readers. */
const char         *companies_csv_dialog_get_summary (CompaniesCsvDialog *self);

G_END_DECLS
