/* companies-csv-task.h: a CSV import or export run in a GTask thread on a
 * database connection of its own (as the sync worker does), so that the
 * window stays responsive; progress reaches the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-csv-import.h"

G_BEGIN_DECLS

/* The refused lines kept for showing; the count goes on past it. */
#define COMPANIES_CSV_TASK_MAX_REFUSED 500

/* On the main thread, after each committed batch of an import. */
typedef void (*CompaniesCsvTaskProgressFunc) (GObject                          *source,
                                              const CompaniesCsvImportProgress *progress,
                                              guint64                           total_bytes);

void     companies_csv_task_import_async  (GObject                       *source,
                                           const char                    *database_path,
                                           GFile                         *file,
                                           GCancellable                  *cancellable,
                                           CompaniesCsvTaskProgressFunc   progress,
                                           GAsyncReadyCallback            callback,
                                           gpointer                       user_data);
/* *out_done says what was committed, also when it fails or is
 * cancelled; *out_refused ("Line N: reason" strings, at most
 * COMPANIES_CSV_TASK_MAX_REFUSED) likewise. */
gboolean companies_csv_task_import_finish (GAsyncResult                  *result,
                                           CompaniesCsvImportProgress    *out_done,
                                           GPtrArray                    **out_refused,
                                           GError                       **error);

void     companies_csv_task_export_async  (GObject                       *source,
                                           const char                    *database_path,
                                           GFile                         *file,
                                           GCancellable                  *cancellable,
                                           GAsyncReadyCallback            callback,
                                           gpointer                       user_data);
/* A failed or cancelled export leaves @file as it was. */
gboolean companies_csv_task_export_finish (GAsyncResult                  *result,
                                           guint64                       *out_count,
                                           GError                       **error);

G_END_DECLS
