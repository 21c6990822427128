/* companies-csv-import.h: a CSV file into the local store through the
 * ForSync import action, so that the next sync pushes what it adds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-local-store.h"

G_BEGIN_DECLS

/* The progress is reported every this many records, or this many bytes
 * of the file read. */
#define COMPANIES_CSV_IMPORT_PROGRESS_RECORDS 10000
#define COMPANIES_CSV_IMPORT_PROGRESS_BYTES (4 * 1024 * 1024)

typedef struct
{
  guint64 imported;   /* good records: written so far, committed at the
                       * end; 0 when the import failed */
  guint64 refused;    /* lines refused */
  guint64 bytes_read; /* of the file, so far */
} CompaniesCsvImportProgress;

/* A refused record: @line where it began (the header is line 1), @reason
 * a COMPANIES_CSV_ERROR. */
typedef void (*CompaniesCsvRefusedFunc) (guint         line,
                                         const GError *reason,
                                         gpointer      user_data);
/* Called as the import goes (see COMPANIES_CSV_IMPORT_PROGRESS_RECORDS)
 * and once more after the commit. */
typedef void (*CompaniesCsvProgressFunc) (const CompaniesCsvImportProgress *progress,
                                          gpointer                          user_data);

/* Reads @input to its end: each good record is imported, each bad one
 * reported to @refused (may be NULL) and skipped. All the good records
 * are one transaction (companies-store-import.h): they are all written,
 * or, after a failure or a cancel (G_IO_ERROR_CANCELLED), none are and
 * the file is as it was. Memory stays flat (one record read at a time);
 * other writers of the file (a sync, the app) wait for the import or fail
 * with the store's busy error. A bad header refuses the whole file before
 * anything is written. @out_progress says what was imported and
 * refused. */
gboolean companies_csv_import (CompaniesLocalStore        *store,
                               GInputStream               *input,
                               CompaniesCsvRefusedFunc     refused,
                               CompaniesCsvProgressFunc    progress,
                               gpointer                    user_data,
                               GCancellable               *cancellable,
                               CompaniesCsvImportProgress *out_progress,
                               GError                    **error);

/* Every active company of @store as CSV into @output (flushed, not
 * closed), in the order they were stored; *out_count says how many. */
gboolean companies_csv_export (CompaniesLocalStore        *store,
                               GOutputStream              *output,
                               GCancellable               *cancellable,
                               guint64                    *out_count,
                               GError                    **error);

G_END_DECLS
