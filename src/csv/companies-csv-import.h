/* companies-csv-import.h: a CSV file into the local store through the
 * ForSync import action, so that the next sync pushes what it adds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-local-store.h"

G_BEGIN_DECLS

/* Good records are written in batches of this many, each batch one
 * transaction of companies_local_store_import_for_sync (). Each commit
 * writes every index page its rows touched, and random keys (uuids,
 * names) touch nearly all of them, so fewer, larger batches write less
 * (CPU against batches of 10000: 5.9 s for 8.5 s at 300k, 39 s for 45 s
 * at 1M), while a batch still commits well within the store's 5 s busy
 * timeout that other writers wait for. */
#define COMPANIES_CSV_IMPORT_BATCH 50000
/* A batch also commits once its values take this many bytes, so that
 * long notes cannot make one batch hold much of a file. */
#define COMPANIES_CSV_IMPORT_BATCH_BYTES (16 * 1024 * 1024)

typedef struct
{
  guint64 imported;   /* records committed */
  guint64 refused;    /* lines refused */
  guint64 bytes_read; /* of the file, so far */
} CompaniesCsvImportProgress;

/* A refused record: @line where it began (the header is line 1), @reason
 * a COMPANIES_CSV_ERROR. */
typedef void (*CompaniesCsvRefusedFunc) (guint         line,
                                         const GError *reason,
                                         gpointer      user_data);
/* Called after each committed batch. */
typedef void (*CompaniesCsvProgressFunc) (const CompaniesCsvImportProgress *progress,
                                          gpointer                          user_data);

/* Reads @input to its end: each good record is imported, each bad one
 * reported to @refused (may be NULL) and skipped. Batches commit whole or
 * not at all, so that memory stays flat and other writers (a sync, the
 * app) wait at most one batch; a failure or cancel (G_IO_ERROR_CANCELLED)
 * keeps the batches already committed and drops the one being filled,
 * and @out_progress says what was imported either way. A bad header
 * refuses the whole file before anything is written. */
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
